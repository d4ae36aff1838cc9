//! Disk-specific behaviour: Python's file names, injective names for colliding keys, damaged
//! and stale files, unwritable paths, range reads by row group, and interop with Python
//! meteaudata's pandas-disk backend.

mod common;
use common::run_python;

use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries, TimeZone};
use meteaudata_storage_disk::{DiskBackend, ROW_GROUP_ROWS};
use std::fs;
use std::path::Path;

fn ts(name: &str, values: Vec<f64>) -> TimeSeries {
    let n = values.len();
    TimeSeries::new(Series::from_f64(name, Index::range(n), values).unwrap())
}

fn save(b: &DiskBackend, key: &str, t: &TimeSeries) {
    b.save(&key.parse().unwrap(), t.series().unwrap(), &t.metadata())
        .unwrap();
}

/// The files of a store, without its lock files (`.meteaudata-lock*`, empty files kept for
/// the advisory locks of saves and appends).
fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".meteaudata-lock") && n != ".meteaudata-versions")
        .collect();
    v.sort();
    v
}

#[test]
fn file_names_are_pythons_and_stay_in_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path().join("nested/store"));
    save(
        &b,
        "quickstart/Temperature#1/RAW#1",
        &ts("Temperature#1_RAW#1", vec![1.0]),
    );
    save(&b, "weird name/°C#1/x'y#1", &ts("x", vec![2.0]));
    assert_eq!(
        files(&dir.path().join("nested/store")),
        [
            "quickstart_Temperature#1_RAW#1.parquet",
            "quickstart_Temperature#1_RAW#1_meta.yaml",
            "weird name_°C#1_x'y#1.parquet",
            "weird name_°C#1_x'y#1_meta.yaml",
        ]
    );
    assert!(StorageKey::new("../../etc/passwd").is_err());
}

#[test]
fn colliding_keys_get_distinct_files() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let (a, c) = (ts("a", vec![1.0]), ts("c", vec![2.0]));
    save(&b, "a/b_c", &a);
    save(&b, "a_b/c", &c);
    assert_eq!(
        b.list_keys()
            .unwrap()
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>(),
        ["a/b_c", "a_b/c"]
    );
    assert_eq!(
        &b.load(&"a/b_c".parse().unwrap()).unwrap().0,
        a.series().unwrap()
    );
    assert_eq!(
        &b.load(&"a_b/c".parse().unwrap()).unwrap().0,
        c.series().unwrap()
    );
    // Overwriting the second keeps it in its own file.
    save(&b, "a_b/c", &a);
    assert_eq!(files(dir.path()).len(), 4);
    b.delete(&"a/b_c".parse().unwrap()).unwrap();
    assert_eq!(
        &b.load(&"a_b/c".parse().unwrap()).unwrap().0,
        a.series().unwrap()
    );
    assert_eq!(b.list_keys().unwrap().len(), 1);
}

#[test]
fn damaged_and_stale_files() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let good = ts("A#1_RAW#1", vec![1.0, 2.0]);
    save(&b, "d/A#1/RAW#1", &good);
    save(&b, "d/B#1/RAW#1", &good);
    // A crash mid-save leaves a temporary file: ignored by list and load, removed by clear.
    fs::write(
        dir.path().join(".tmp-1-2-3-d_A#1_RAW#1.parquet"),
        b"partial",
    )
    .unwrap();
    assert_eq!(b.list_keys().unwrap().len(), 2);
    assert_eq!(
        &b.load(&"d/A#1/RAW#1".parse().unwrap()).unwrap().0,
        good.series().unwrap()
    );
    // A damaged data file: loading says which file; listing still shows the others.
    let damaged = dir.path().join("d_B#1_RAW#1.parquet");
    fs::write(&damaged, b"PAR1 not really").unwrap();
    let e = b.load(&"d/B#1/RAW#1".parse().unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert!(e.to_string().contains("d_B#1_RAW#1.parquet"), "{e}");
    assert_eq!(b.list_keys().unwrap().len(), 1);
    // Saving repairs it.
    save(&b, "d/B#1/RAW#1", &good);
    assert_eq!(b.list_keys().unwrap().len(), 2);
    // Truncated file.
    let bytes = fs::read(dir.path().join("d_A#1_RAW#1.parquet")).unwrap();
    fs::write(
        dir.path().join("d_A#1_RAW#1.parquet"),
        &bytes[..bytes.len() / 2],
    )
    .unwrap();
    assert_eq!(
        b.load(&"d/A#1/RAW#1".parse().unwrap()).unwrap_err().kind(),
        ErrorKind::Corrupt
    );
    b.clear().unwrap();
    assert!(
        files(dir.path()).is_empty(),
        "clear removes data, sidecars and temporary files"
    );
    assert!(dir.path().exists(), "clear keeps the directory");
    b.cleanup().unwrap();
    assert!(!dir.path().exists(), "cleanup removes the directory");
}

#[test]
fn unwritable_path_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    fs::write(&file, b"x").unwrap();
    let b = DiskBackend::new(file.join("store"));
    let t = ts("A#1_RAW#1", vec![1.0]);
    let e = b
        .save(&"k".parse().unwrap(), t.series().unwrap(), &t.metadata())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.to_string().contains("a-file"), "{e}");
    assert!(
        b.list_keys().unwrap().is_empty(),
        "a missing directory lists nothing"
    );
}

#[test]
fn range_reads_select_row_groups() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let n = ROW_GROUP_ROWS * 3 + 10;
    let times: Vec<i64> = (0..n as i64).map(|i| i * 1_000_000_000).collect();
    let s = Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(times, Some(TimeZone::Utc)),
        (0..n).map(|i| i as f64).collect(),
    )
    .unwrap();
    let t = TimeSeries::new(s.clone());
    let key: StorageKey = "r/A#1/RAW#1".parse().unwrap();
    b.save(&key, &s, &t.metadata()).unwrap();
    let start = (ROW_GROUP_ROWS as i64 + 5) * 1_000_000_000;
    let end = start + 20 * 1_000_000_000;
    let (w, _) = b
        .load_range(&key, TimeRange::new(Some(start), Some(end)))
        .unwrap();
    assert_eq!(w.len(), 20);
    assert_eq!(
        w.f64_values().unwrap().value(0),
        (ROW_GROUP_ROWS + 5) as f64
    );
    assert_eq!(
        w,
        s.time_window(TimeRange::new(Some(start), Some(end)))
            .unwrap()
    );
}

fn python() -> Option<std::path::PathBuf> {
    meteaudata_testkit::python_reference()
}

#[test]
fn python_reads_what_we_write() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let tz: TimeZone = "America/Toronto".parse().unwrap();
    let start = 1_710_050_400_000_000_000i64; // 2024-03-10T06:00Z, before the DST change
    let cases: Vec<(&str, Series)> = vec![
        (
            "rs/Toronto#1/RAW#1",
            Series::from_f64(
                "Toronto#1_RAW#1",
                Index::datetime_nanos(
                    (0..4).map(|i| start + i * 3_600_000_000_000).collect(),
                    Some(tz),
                )
                .with_frequency("h"),
                vec![1.0, f64::NAN, 3.5, -0.25],
            )
            .unwrap(),
        ),
        (
            "rs/Naive#1/RAW#1",
            Series::from_f64(
                "Naive#1_RAW#1",
                Index::datetime_nanos(vec![0, 900_000_000_000], None).with_frequency("15min"),
                vec![10.0, 11.0],
            )
            .unwrap(),
        ),
        (
            "rs/Range#1/RAW#1",
            Series::from_f64("Range#1_RAW#1", Index::range(3), vec![7.0, 8.0, 9.0]).unwrap(),
        ),
        (
            "rs/Str#1/RAW#1",
            Series::from_f64(
                "Str#1_RAW#1",
                Index::strings(&["a", "b"]).with_name("site"),
                vec![1.0, 2.0],
            )
            .unwrap(),
        ),
    ];
    for (k, s) in &cases {
        let mut t = TimeSeries::new(s.clone());
        t.metadata_id = Some(format!("id-{k}"));
        let mut meta = t.metadata();
        // What the model stores beside a series (key `meteaudata_rs`) must not bother Python.
        meta.context = Some(meteaudata_core::metadata::StoredContext {
            signal: None,
            dataset: None,
        });
        b.save(&k.parse().unwrap(), s, &meta).unwrap();
    }
    let got = run_python(&py, "read", dir.path());
    let obj = got.as_object().unwrap();
    assert_eq!(obj.len(), cases.len(), "{got}");
    for (k, s) in &cases {
        let stem = k.replace('/', "_");
        let py = &obj[&stem];
        assert_eq!(py["name"], s.name(), "{k}");
        assert_eq!(py["metadata_id"], format!("id-{k}"));
        let values: Vec<serde_json::Value> = s
            .f64_values()
            .unwrap()
            .iter()
            .map(|v| match v {
                Some(x) if x.is_nan() => "NaN".into(),
                Some(x) => x.into(),
                None => serde_json::Value::Null,
            })
            .collect();
        assert_eq!(py["values"].as_array().unwrap(), &values, "{k}");
        let labels: Vec<String> = (0..s.len()).map(|i| s.index().label(i)).collect();
        let py_labels: Vec<String> = py["index"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| match v {
                serde_json::Value::String(t) => t.clone(),
                other => other.to_string(),
            })
            .collect();
        assert_eq!(py_labels, labels, "{k}");
    }
    assert_eq!(obj["rs_Toronto#1_RAW#1"]["tz"], "America/Toronto");
    assert_eq!(obj["rs_Range#1_RAW#1"]["index_type"], "RangeIndex");
    assert_eq!(obj["rs_Str#1_RAW#1"]["index_name"], "site");
    println!("python read {} series we wrote", obj.len());
}

#[test]
fn we_read_what_python_writes() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let keys = run_python(&py, "write", dir.path());
    let b = DiskBackend::new(dir.path());
    let listed: Vec<String> = b
        .list_keys()
        .unwrap()
        .iter()
        .map(|k| k.to_string())
        .collect();
    let want: Vec<String> = serde_json::from_value(keys).unwrap();
    assert_eq!(listed, want);
    let (utc, meta) = b.load(&"py_ds/UTC#1/RAW#1".parse().unwrap()).unwrap();
    assert_eq!(utc.name(), "UTC#1_RAW#1");
    assert_eq!(utc.index().label(1), "2024-03-10T01:00:00+00:00");
    assert_eq!(utc.index().frequency(), Some("h"));
    let v = utc.f64_values().unwrap();
    assert_eq!(
        (v.value(0), v.value(1).is_nan(), v.value(2)),
        (1.5, true, 3.25)
    );
    assert_eq!(
        meta.index_metadata.unwrap().time_zone.as_deref(),
        Some("UTC")
    );
    let (naive, _) = b.load(&"py_ds/Naive#1/RAW#1".parse().unwrap()).unwrap();
    assert_eq!(naive.index().label(1), "2024-01-01T00:15:00");
    let (range, meta) = b.load(&"py_ds/Range#1/RAW#1".parse().unwrap()).unwrap();
    assert_eq!(range.index(), &Index::range(3));
    assert_eq!(range.i64_values().unwrap().values().to_vec(), vec![7, 8, 9]);
    assert_eq!(meta.values_dtype, "int64");
    let (tor, _) = b.load(&"py_ds/Toronto#1/RAW#1".parse().unwrap()).unwrap();
    assert_eq!(
        tor.index().time_zone().map(|z| z.to_string()).as_deref(),
        Some("America/Toronto")
    );
    assert_eq!(tor.index().label(1), "2024-03-10T03:00:00-04:00");
    // The model loads them too.
    let t = meteaudata_core::metadata::TimeSeriesMetadata::into_time_series(meta, range);
    assert_eq!(t.values_dtype(), "int64");
}

/// A FIFO (or any file that is not a regular file) named like a data file does not hang a load
/// or a listing: loading it is `Corrupt` naming the file, listing skips it (with a warning).
#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_data_file_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let good = ts("A#1_RAW#1", vec![1.0, 2.0]);
    save(&b, "d/A#1/RAW#1", &good);
    let fifo = dir.path().join("d_B#1_RAW#1.parquet");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    // Run on a thread so that a regression fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    let path = dir.path().to_path_buf();
    std::thread::spawn(move || {
        let b = DiskBackend::new(&path);
        let listed = b.list_keys().map(|k| k.len());
        let loaded = b.load(&"d/B#1/RAW#1".parse().unwrap()).map(|_| ());
        let _ = tx.send((listed, loaded));
    });
    let (listed, loaded) = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("list and load returned");
    assert_eq!(listed.unwrap(), 1);
    let e = loaded.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Corrupt | ErrorKind::NotFound),
        "{e}"
    );
}

/// Keys whose file name would start like the backend's temporary files (`.tmp-`) are stored
/// under names that cannot be taken for one: listed, loaded, cleared like any other.
#[test]
fn keys_that_look_like_temporary_files_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let t = ts("A#1_RAW#1", vec![1.0, 2.0]);
    for key in [".tmp-d/A#1/RAW#1", ".hidden/A#1/RAW#1", "d/A#1/RAW#1"] {
        save(&b, key, &t);
    }
    let keys: Vec<String> = b
        .list_keys()
        .unwrap()
        .iter()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(
        keys,
        [".hidden/A#1/RAW#1", ".tmp-d/A#1/RAW#1", "d/A#1/RAW#1"]
    );
    assert!(
        files(dir.path()).iter().all(|f| !f.starts_with('.')),
        "{:?}",
        files(dir.path())
    );
    let (back, _) = b.load(&".tmp-d/A#1/RAW#1".parse().unwrap()).unwrap();
    assert_eq!(&back, t.series().unwrap());
    b.clear().unwrap();
    assert!(files(dir.path()).is_empty());
}

/// A crash between the data rename (the commit point) and the sidecar rename leaves the new
/// data beside the previous sidecar: the next listing rewrites the sidecar from the metadata
/// the data file carries, so Python (which reads the sidecar) sees a consistent pair again.
#[test]
fn an_interrupted_save_leaves_a_consistent_pair() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let v1 = ts("A#1_RAW#1", vec![1.0, 2.0]);
    save(&b, "d/A#1/RAW#1", &v1);
    // Version 2, saved elsewhere; its data file is then moved in alone, as a crash between
    // the two renames leaves it.
    let other = tempfile::tempdir().unwrap();
    let b2 = DiskBackend::new(other.path());
    let mut v2 = ts("A#1_RAW#1", vec![5.0, 6.0, 7.0]);
    v2.processing_steps
        .push(meteaudata_core::ProcessingStep::new(
            meteaudata_core::ProcessingType::Filtering,
            "a step",
            meteaudata_core::FunctionInfo::new("f", "1", "me", "ref"),
            "FILT",
        ));
    save(&b2, "d/A#1/RAW#1", &v2);
    let name = "d_A#1_RAW#1";
    fs::copy(
        other.path().join(format!("{name}.parquet")),
        dir.path().join(format!("{name}.parquet")),
    )
    .unwrap();
    let sidecar = |d: &Path| fs::read_to_string(d.join(format!("{name}_meta.yaml"))).unwrap();
    assert_ne!(
        sidecar(dir.path()),
        sidecar(other.path()),
        "the crash state"
    );
    assert_eq!(b.list_keys().unwrap().len(), 1);
    assert_eq!(
        sidecar(dir.path()),
        sidecar(other.path()),
        "repaired from the data file"
    );
    let (series, meta) = b.load(&"d/A#1/RAW#1".parse().unwrap()).unwrap();
    assert_eq!(&series, v2.series().unwrap());
    assert_eq!(meta.processing_steps.len(), 1);
}

/// Two writers (separate backends on one directory, as two processes) appending to one key
/// lose nothing, and two writers saving keys whose file names collide both keep their key.
#[test]
fn concurrent_appends_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let chunk = |w: usize, i: usize| {
        let start = (w * 1_000_000 + i * 10) as i64;
        Series::from_f64(
            "A#1_RAW#1",
            Index::datetime_nanos((start..start + 10).collect(), None),
            vec![w as f64; 10],
        )
        .unwrap()
    };
    let first = TimeSeries::new(chunk(9, 0));
    save(&DiskBackend::new(&path), "d/A#1/RAW#1", &first);
    std::thread::scope(|s| {
        for w in 0..2 {
            let path = path.clone();
            s.spawn(move || {
                let b = DiskBackend::new(&path);
                for i in 0..40 {
                    b.append(&"d/A#1/RAW#1".parse().unwrap(), &chunk(w, i))
                        .unwrap();
                }
            });
        }
    });
    let (all, _) = DiskBackend::new(&path)
        .load(&"d/A#1/RAW#1".parse().unwrap())
        .unwrap();
    assert_eq!(
        all.len(),
        10 + 2 * 40 * 10,
        "every acknowledged append is there"
    );
}

#[test]
fn concurrent_saves_of_colliding_keys_keep_both() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    // `p{i}/x_y` and `p{i}_x/y` both want the file name `p{i}_x_y`.
    std::thread::scope(|s| {
        for w in 0..2 {
            let path = path.clone();
            s.spawn(move || {
                let b = DiskBackend::new(&path);
                for i in 0..60 {
                    let key = if w == 0 {
                        format!("p{i}/x_y")
                    } else {
                        format!("p{i}_x/y")
                    };
                    let t = ts("S", vec![w as f64, i as f64]);
                    b.save(&key.parse().unwrap(), t.series().unwrap(), &t.metadata())
                        .unwrap();
                }
            });
        }
    });
    let b = DiskBackend::new(&path);
    assert_eq!(b.list_keys().unwrap().len(), 120);
    for i in 0..60 {
        for (w, key) in [(0, format!("p{i}/x_y")), (1, format!("p{i}_x/y"))] {
            let (s, _) = b.load(&key.parse().unwrap()).unwrap();
            assert_eq!(
                s.f64_values().unwrap().values().to_vec(),
                vec![w as f64, i as f64],
                "{key}"
            );
        }
    }
}
