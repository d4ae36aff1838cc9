//! Python meteaudata's own SQL layout (`PythonSqlBackend`, `?layout=python`; issue 20): round
//! trips on SQLite, PostgreSQL and MariaDB, saves far beyond Python's own limit, refusals
//! that keep the previous value, and both directions with Python meteaudata 0.12.1 itself
//! (SQLite, the reference venv of `METEAUDATA_PYTHON`).

mod common;

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries};
use meteaudata_storage_sql::{PythonSqlBackend, SqlBackend, TableLayout};

fn key(k: &str) -> StorageKey {
    StorageKey::new(k).expect("valid key")
}

/// The series of the tests: every index kind Python's layout rebuilds, float (NaN, -0.0,
/// ±inf unless `finite`), integer and boolean values, a processing history.
fn cases(finite: bool) -> Vec<(String, TimeSeries)> {
    let mut sample = meteaudata_testkit::cases::sample_time_series();
    if finite {
        let s = sample.series().expect("loaded").clone();
        let v: Vec<f64> = s
            .f64_values()
            .expect("floats")
            .values()
            .iter()
            .map(|x| if x.is_infinite() { 7.5 } else { *x })
            .collect();
        let s = Series::from_f64(s.name(), s.index().clone(), v).expect("same length");
        sample.set_series(s);
    }
    let ints: ArrayRef = Arc::new(Int64Array::from(vec![1, -2, 1 << 53, 0]));
    let bools: ArrayRef = Arc::new(BooleanArray::from(vec![true, false, true]));
    let nullable: ArrayRef = Arc::new(Float64Array::from(vec![Some(0.5), None, Some(1e-300)]));
    let hourly = Index::datetime_nanos(
        (0..3)
            .map(|i| 1_704_067_200_000_000_000 + i * 3_600_000_000_000)
            .collect(),
        None,
    )
    .with_frequency("h");
    let ts = |name: &str, index: Index, values: ArrayRef| {
        TimeSeries::new(Series::new(name, index, values).expect("same length"))
    };
    vec![
        ("plant/A#1/RESAMPLED#1".to_string(), sample),
        (
            "plant/I#1/RAW#1".to_string(),
            ts("I#1_RAW#1", Index::range(4), ints),
        ),
        (
            "plant/B#1/RAW#1".to_string(),
            ts("B#1_RAW#1", Index::strings(&["x", "y z", "é"]), bools),
        ),
        (
            "plant/F#1/RAW#1".to_string(),
            ts(
                "F#1_RAW#1",
                Index::ints(vec![5, 7, 20]).with_name("row"),
                nullable,
            ),
        ),
        (
            "plant/H#1/RAW#1".to_string(),
            ts(
                "H#1_RAW#1",
                hourly,
                Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0])),
            ),
        ),
    ]
}

/// What Python's layout keeps of `s`: missing floats become NaN (one NULL for both, as in
/// pandas), and, where `signed_zero` is false, -0.0 becomes 0.0.
fn as_python_keeps(s: &Series, signed_zero: bool) -> Series {
    let Some(f) = s.f64_values() else {
        return s.clone();
    };
    let v = (0..f.len())
        .map(|i| {
            let x = if f.is_valid(i) { f.value(i) } else { f64::NAN };
            if x == 0.0 && !signed_zero {
                0.0
            } else {
                x
            }
        })
        .collect();
    Series::from_f64(s.name(), s.index().clone(), v).expect("same length")
}

fn check(b: &PythonSqlBackend, finite: bool, signed_zero: bool) {
    let cases = cases(finite);
    for (k, ts) in &cases {
        b.save(&key(k), ts.series().expect("loaded"), &ts.metadata())
            .expect("save");
    }
    let mut want: Vec<String> = cases.iter().map(|(k, _)| k.clone()).collect();
    want.sort();
    let listed: Vec<String> = b
        .list_keys()
        .expect("list")
        .iter()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(listed, want);
    for (k, ts) in &cases {
        let (series, meta) = b.load(&key(k)).expect("load");
        let saved = ts.series().expect("loaded");
        let expected = as_python_keeps(saved, signed_zero);
        assert_eq!(series.index(), expected.index(), "{k}: index");
        assert_eq!(series.name(), expected.name(), "{k}: name");
        assert_eq!(
            series.values().data_type(),
            expected.values().data_type(),
            "{k}: dtype"
        );
        if let (Some(a), Some(e)) = (series.f64_values(), expected.f64_values()) {
            let bits =
                |x: &Float64Array| x.values().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            // NaN payloads are not kept: compare NaN as NaN.
            let norm = |x: &Float64Array| {
                bits(x)
                    .into_iter()
                    .map(|b| {
                        if f64::from_bits(b).is_nan() {
                            0x7ff8_0000_0000_0000
                        } else {
                            b
                        }
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(norm(a), norm(e), "{k}: values");
        } else {
            assert_eq!(&series, &expected, "{k}: values");
        }
        let m = ts.metadata();
        assert_eq!(meta.processing_steps, m.processing_steps, "{k}: history");
        assert_eq!(meta.metadata_id, m.metadata_id, "{k}: metadata id");
        assert_eq!(meta.created_on, m.created_on, "{k}: created_on");
        assert_eq!(meta.values_dtype, m.values_dtype, "{k}: values dtype");
    }

    // Overwrite with fewer points: no old point is left behind.
    let k = key("plant/I#1/RAW#1");
    let short = Series::new(
        "I#1_RAW#1",
        Index::range(1),
        Arc::new(Int64Array::from(vec![9])),
    )
    .expect("valid");
    b.save(&k, &short, &TimeSeries::new(short.clone()).metadata())
        .expect("overwrite");
    assert_eq!(b.load(&k).expect("load").0, short);

    // Text values do not fit a float column: refused, the stored value kept.
    let text = Series::new(
        "I#1_RAW#1",
        Index::range(2),
        Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef,
    )
    .expect("valid");
    let err = b
        .save(&k, &text, &TimeSeries::new(text.clone()).metadata())
        .expect_err("text refused");
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(b.load(&k).expect("load").0, short);
    // So are integers a double cannot hold exactly.
    let big = Series::new(
        "I#1_RAW#1",
        Index::range(1),
        Arc::new(Int64Array::from(vec![(1 << 53) + 1])),
    )
    .expect("valid");
    let err = b
        .save(&k, &big, &TimeSeries::new(big.clone()).metadata())
        .expect_err("2^53 + 1 refused");
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");

    assert!(b.exists(&k).expect("exists"));
    b.delete(&k).expect("delete");
    assert!(!b.exists(&k).expect("exists"));
    assert_eq!(b.load(&k).expect_err("gone").kind(), ErrorKind::NotFound);
    assert_eq!(b.delete(&k).expect_err("gone").kind(), ErrorKind::NotFound);
    b.clear().expect("clear");
    assert!(b.list_keys().expect("list").is_empty());
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_round_trips() {
    let db = common::sqlite_file().python_layout();
    let b = PythonSqlBackend::connect(&db.url).expect("connect");
    // SQLite stores an integral REAL as an integer: -0.0 comes back as 0.0.
    check(&b, false, false);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_round_trips() {
    let Some(db) = common::postgres() else { return };
    check(
        &PythonSqlBackend::connect(&db.url).expect("connect"),
        false,
        true,
    );
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_round_trips() {
    let Some(db) = common::mysql() else { return };
    let b = PythonSqlBackend::connect(&db.url).expect("connect");
    // MySQL's DOUBLE has no infinities (refused with a clear error) and no negative zero.
    let inf = Series::from_f64("X#1_RAW#1", Index::range(1), vec![f64::INFINITY]).expect("valid");
    let err = b
        .save(
            &key("x/X#1/RAW#1"),
            &inf,
            &TimeSeries::new(inf.clone()).metadata(),
        )
        .expect_err("inf refused");
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    check(&b, true, false);
}

/// Python's adapter sends a save in one INSERT and fails above about 62 000 points on SQLite;
/// ours goes in bounded statements.
#[cfg(feature = "sqlite")]
#[test]
fn large_series_save_in_batches() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!(
        "sqlite:///{}?layout=python",
        dir.path().join("big.db").display()
    );
    let b = PythonSqlBackend::connect(&url).expect("connect");
    let s =
        meteaudata_testkit::generated::sensor_series("S#1_RAW#1", 150_000, 60_000_000_000, "min");
    let ts = TimeSeries::new(s.clone());
    b.save(&key("big/S#1/RAW#1"), &s, &ts.metadata())
        .expect("save");
    let (back, _) = b.load(&key("big/S#1/RAW#1")).expect("load");
    assert_eq!(back.len(), 150_000);
    assert_eq!(back.index(), s.index());
}

/// Python's layout and ours live side by side: the Python backend creates only Python's
/// tables, the native backend refuses `layout=python` and finds Python's keys.
#[cfg(feature = "sqlite")]
#[test]
fn layouts_side_by_side() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite:///{}", dir.path().join("both.db").display());
    let py = PythonSqlBackend::connect(&format!("{url}?layout=python")).expect("python layout");
    let (_, ts) = cases(false).remove(0);
    py.save(
        &key("p/A#1/RAW#1"),
        ts.series().expect("loaded"),
        &ts.metadata(),
    )
    .expect("save");
    assert_eq!(
        SqlBackend::connect(&format!("{url}?layout=python"))
            .expect_err("native refuses python")
            .kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        TableLayout::split(&format!("{url}?layout=native"))
            .expect("split")
            .0,
        TableLayout::Native
    );
    let native = SqlBackend::connect(&url).expect("native");
    assert!(native.list_keys().expect("list").is_empty());
    assert_eq!(
        native.python_keys().expect("python keys"),
        vec![key("p/A#1/RAW#1")]
    );
    assert_eq!(
        native.load_python(&key("p/A#1/RAW#1")).expect("load").0,
        py.load(&key("p/A#1/RAW#1")).expect("load").0
    );
}

/// Python meteaudata 0.12.1 loads, through its own SQL backend, every key we wrote in its
/// layout: same keys, labels, values, dtypes, history and metadata id.
#[cfg(feature = "sqlite")]
#[test]
fn python_loads_what_we_write() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("ours.db");
    let b = PythonSqlBackend::connect(&format!("sqlite:///{}", db.display())).expect("connect");
    let cases = cases(false);
    for (k, ts) in &cases {
        b.save(&key(k), ts.series().expect("loaded"), &ts.metadata())
            .expect("save");
    }
    let out = dir.path().join("python.json");
    if common::run_python("read_python_layout.py", &[&db, &out]).is_none() {
        return;
    }
    let seen: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    let seen = seen.as_object().expect("object");
    let mut want: Vec<&str> = cases.iter().map(|(k, _)| k.as_str()).collect();
    want.sort();
    assert_eq!(seen.keys().map(String::as_str).collect::<Vec<_>>(), want);
    for (k, ts) in &cases {
        let s = ts.series().expect("loaded");
        let p = &seen[k.as_str()];
        assert_eq!(p["name"], s.name(), "{k}: name");
        assert_eq!(p["dtype"], s.values_dtype().as_str(), "{k}: dtype");
        // Python's str() of its own labels, after it rebuilt the index (zone included).
        let labels: Vec<String> = (0..s.len())
            .map(|i| s.index().label(i).replacen('T', " ", 1))
            .collect();
        let python_labels: Vec<String> = p["labels"]
            .as_array()
            .expect("labels")
            .iter()
            .map(|l| {
                let l = l.as_str().expect("text");
                // Python prints six or nine fraction digits where we print as few as needed.
                meteaudata_core::Timestamp::parse(l, None)
                    .map(|t| t.to_iso().replacen('T', " ", 1))
                    .unwrap_or_else(|_| l.to_string())
            })
            .collect();
        let ours: Vec<String> = labels
            .iter()
            .map(|l| {
                meteaudata_core::Timestamp::parse(l, None)
                    .map(|t| t.to_iso().replacen('T', " ", 1))
                    .unwrap_or_else(|_| l.clone())
            })
            .collect();
        assert_eq!(python_labels, ours, "{k}: labels");
        let values: Vec<Option<f64>> = (0..s.len())
            .map(|i| {
                let v = s.values();
                if v.is_null(i) {
                    return None;
                }
                let any = v.as_any();
                let x = if let Some(f) = any.downcast_ref::<Float64Array>() {
                    f.value(i)
                } else if let Some(n) = any.downcast_ref::<Int64Array>() {
                    n.value(i) as f64
                } else if let Some(b) = any.downcast_ref::<BooleanArray>() {
                    f64::from(u8::from(b.value(i)))
                } else {
                    panic!("{k}: no expectation")
                };
                (!x.is_nan()).then_some(x)
            })
            .collect();
        let got: Vec<Option<f64>> = p["values"]
            .as_array()
            .expect("values")
            .iter()
            .map(|v| {
                v.as_f64()
                    .or_else(|| v.as_str().and_then(|t| t.parse().ok()))
            })
            .collect();
        assert_eq!(got, values, "{k}: values");
        let steps: Vec<String> = ts
            .metadata()
            .processing_steps
            .iter()
            .map(|s| s.description.clone())
            .collect();
        assert_eq!(p["steps"], serde_json::json!(steps), "{k}: history");
        assert_eq!(
            p["metadata_id"],
            serde_json::json!(ts.metadata().metadata_id),
            "{k}: metadata id"
        );
    }
}

/// We load, through the ordinary `list_keys`/`load`, every key Python meteaudata wrote with
/// its own SQL backend.
#[cfg(feature = "sqlite")]
#[test]
fn we_load_what_python_writes() {
    let dir = tempfile::tempdir().expect("dir");
    let Some((db, expected)) = common::python_written_db(dir.path()) else {
        return;
    };
    let b = PythonSqlBackend::connect(&format!("sqlite:///{}?layout=python", db.display()))
        .expect("connect");
    let keys: Vec<String> = b
        .list_keys()
        .expect("list")
        .iter()
        .map(|k| k.to_string())
        .collect();
    let want: Vec<String> = expected
        .as_object()
        .expect("object")
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, want);
    for k in &keys {
        let (series, meta) = b.load(&key(k)).expect("load");
        common::check_python_series(k, &series, &meta, &expected[k.as_str()]);
    }
}
