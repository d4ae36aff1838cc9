//! Other engines read what the backend writes to S3, where it is: polars (`scan_parquet` with
//! storage options) and DuckDB (`read_parquet` through its httpfs extension) get the same
//! timestamps (naive and zoned), NaN and values (`tests/python/read_s3.py`).
//!
//! Needs `METEAUDATA_S3_URL`, `AWS_ENDPOINT_URL` and `METEAUDATA_PYTHON` (a Python with polars,
//! duckdb and duckdb-ext-httpfs); skips with a message without them, fails in CI.

use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::{Index, Series, TimeSeries, TimeZone};
use meteaudata_parquet::layout::python_stem;
use meteaudata_storage_object::ObjectBackend;
use std::process::Command;

fn env(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Some(v),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{var} is not set but CI=true: .ci/run must export it")
        }
        _ => {
            eprintln!("skipping: {var} is not set");
            None
        }
    }
}

#[test]
#[cfg(feature = "s3")]
fn polars_and_duckdb_read_the_objects_in_place() {
    let (Some(url), Some(endpoint), Some(python)) = (
        env("METEAUDATA_S3_URL"),
        env("AWS_ENDPOINT_URL"),
        env("METEAUDATA_PYTHON"),
    ) else {
        return;
    };
    let url = url.split('?').next().unwrap_or_default().to_string();
    let prefix = format!(
        "{}/readers-{}",
        url.trim_end_matches('/'),
        std::process::id()
    );
    let b = ObjectBackend::new(&prefix).unwrap();
    let rest = prefix.strip_prefix("s3://").expect("an s3:// URL");
    let (bucket, path) = rest.split_once('/').unwrap();

    let t0 = 1_700_000_000_000_000_000i64;
    let times: Vec<i64> = (0..300).map(|i| t0 + i * 900_000_000_000).collect();
    let values: Vec<f64> = (0..300)
        .map(|i| {
            if i % 7 == 3 {
                f64::NAN
            } else {
                f64::from(i) * 0.25 - 3.0
            }
        })
        .collect();
    let paris: TimeZone = "Europe/Paris".parse().unwrap();
    let cases = [
        ("plant/Naive#1/RAW#1", None, None),
        ("plant/Utc#1/RAW#1", Some(TimeZone::Utc), Some("UTC")),
        ("plant/Paris#1/RAW#1", Some(paris), Some("Europe/Paris")),
    ];
    let mut objects = Vec::new();
    for (key, zone, _) in &cases {
        let key: StorageKey = key.parse().unwrap();
        let name = format!("{}_RAW#1", key.as_str().split('/').nth(1).unwrap());
        let s = Series::from_f64(
            name,
            Index::datetime_nanos(times.clone(), *zone),
            values.clone(),
        )
        .unwrap();
        b.save(&key, &s, &TimeSeries::new(s.clone()).metadata())
            .unwrap();
        objects.push(format!("{path}/{}.parquet", python_stem(&key)));
    }

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/read_s3.py");
    let out = Command::new(&python)
        .arg(script)
        .arg(&endpoint)
        .arg(bucket)
        .args(&objects)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "the readers failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2 * cases.len(), "{lines:?}");
    for line in &lines {
        let i = objects
            .iter()
            .position(|o| line["key"] == o.as_str())
            .expect("a known object");
        let reader = line["reader"].as_str().unwrap();
        let ns: Vec<i64> = serde_json::from_value(line["ns"].clone()).unwrap();
        assert_eq!(ns, times, "{reader}: timestamps of {}", objects[i]);
        let got: Vec<serde_json::Value> = serde_json::from_value(line["values"].clone()).unwrap();
        for (g, want) in got.iter().zip(&values) {
            if want.is_nan() {
                assert_eq!(g, "NaN", "{reader}: NaN stays NaN (not null)");
            } else {
                assert_eq!(g.as_f64(), Some(*want), "{reader}");
            }
        }
        let zone = line["zone"].as_str();
        match reader {
            // polars keeps the zone; DuckDB reads any zoned column as instants (UTC).
            "polars" => assert_eq!(zone, cases[i].2, "polars: the zone of {}", objects[i]),
            _ => assert_eq!(zone, cases[i].2.map(|_| "UTC"), "duckdb: {}", objects[i]),
        }
    }
    b.clear().unwrap();
}
