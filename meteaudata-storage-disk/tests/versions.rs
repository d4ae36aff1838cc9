//! Versions on disk: where they are kept (out of Python meteaudata's sight), files Python
//! wrote as versions, interrupted and failed saves, delete, and stores without versions.

mod common;
use common::run_python;

use std::fs;
use std::path::{Path, PathBuf};

use meteaudata_core::storage::{Retention, Snapshot, StorageBackend, StorageKey};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries};
use meteaudata_storage_disk::DiskBackend;

fn ts(values: Vec<f64>) -> TimeSeries {
    let n = values.len();
    TimeSeries::new(Series::from_f64("Flow#1_RAW#1", Index::range(n), values).unwrap())
}

fn save(b: &DiskBackend, key: &StorageKey, t: &TimeSeries) {
    b.save(key, t.series().unwrap(), &t.metadata()).unwrap();
}

fn numbers(b: &DiskBackend, key: &StorageKey) -> Vec<u64> {
    b.list_versions(key)
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect()
}

fn archive(dir: &Path, stem: &str) -> PathBuf {
    dir.join(".meteaudata-versions").join(stem)
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn older_versions_are_kept_beside_the_latest() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let key: StorageKey = "plant/Flow#1/RAW#1".parse().unwrap();
    let saved = [ts(vec![1.0, 2.0]), ts(vec![3.0]), ts(vec![4.0, 5.0, 6.0])];
    for t in &saved {
        save(&b, &key, t);
    }
    let stem = "plant_Flow#1_RAW#1";
    assert_eq!(
        names(&archive(dir.path(), stem)),
        ["1.parquet", "1_meta.yaml", "2.parquet", "2_meta.yaml"]
    );
    let versions = b.list_versions(&key).unwrap();
    assert_eq!(versions.len(), 3);
    for (v, t) in versions.iter().zip(&saved) {
        assert_eq!(v.hash, t.series().unwrap().content_hash().unwrap());
        let (s, m) = b.load_version(&key, v.version).unwrap();
        assert_eq!(&s, t.series().unwrap());
        assert_eq!(m, t.metadata());
    }
    // The size counts the archived versions.
    let with_versions = b.size_on_disk().unwrap().unwrap();
    let latest = fs::metadata(dir.path().join(format!("{stem}.parquet")))
        .unwrap()
        .len();
    assert!(
        with_versions > 3 * latest / 2,
        "{with_versions} vs {latest}"
    );
}

#[test]
fn python_sees_the_latest_version_only() {
    let Some(py) = meteaudata_testkit::python_reference() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let key: StorageKey = "plant/Flow#1/RAW#1".parse().unwrap();
    for t in [ts(vec![1.0, 2.0]), ts(vec![3.0]), ts(vec![4.0, 5.0, 6.0])] {
        save(&b, &key, &t);
    }
    // Nor does Python look at snapshots.
    Snapshot::take(&b, "s1", std::slice::from_ref(&key)).unwrap();
    let seen = run_python(&py, "read", dir.path());
    let keys: Vec<&String> = seen.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["plant_Flow#1_RAW#1"]);
    assert_eq!(
        seen["plant_Flow#1_RAW#1"]["values"],
        serde_json::json!([4.0, 5.0, 6.0])
    );
}

#[test]
fn a_file_python_wrote_becomes_version_one() {
    let Some(py) = meteaudata_testkit::python_reference() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    run_python(&py, "write", dir.path());
    let b = DiskBackend::new(dir.path());
    let key: StorageKey = "py_ds/Naive#1/RAW#1".parse().unwrap();
    let (python_series, python_meta) = b.load(&key).unwrap();
    let listed = b.list_versions(&key).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].version, 1);
    assert_eq!(listed[0].hash, python_series.content_hash().unwrap());
    assert_eq!(listed[0].points, 2);

    let mut ours = TimeSeries::new(
        Series::from_f64(
            "Naive#1_RAW#1",
            Index::datetime_nanos(vec![0], None),
            vec![99.0],
        )
        .unwrap(),
    );
    ours.metadata_id = Some("ours".into());
    save(&b, &key, &ours);
    assert_eq!(numbers(&b, &key), [1, 2]);
    let (s, m) = b.load_version(&key, 1).unwrap();
    assert_eq!(s, python_series);
    assert_eq!(m, python_meta);
    assert_eq!(
        b.list_versions(&key).unwrap()[0].hash,
        python_series.content_hash().unwrap()
    );
    // Python still reads the latest (ours).
    let seen = run_python(&py, "read", dir.path());
    assert_eq!(
        seen["py_ds_Naive#1_RAW#1"]["values"],
        serde_json::json!([99.0])
    );
}

#[test]
fn a_save_killed_after_archiving_adds_no_version() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let key: StorageKey = "plant/Flow#1/RAW#1".parse().unwrap();
    let (one, two, three) = (ts(vec![1.0]), ts(vec![2.0]), ts(vec![3.0]));
    save(&b, &key, &one);
    save(&b, &key, &two);
    // What a save killed between archiving and its rename leaves: the current file linked
    // as its own version, and a temporary file.
    let stem = "plant_Flow#1_RAW#1";
    let current = dir.path().join(format!("{stem}.parquet"));
    fs::hard_link(&current, archive(dir.path(), stem).join("2.parquet")).unwrap();
    fs::write(
        dir.path().join(format!(".tmp-1-2-3-{stem}.parquet")),
        b"PAR1",
    )
    .unwrap();
    assert_eq!(numbers(&b, &key), [1, 2]);
    assert_eq!(
        &b.load(&key).unwrap().0,
        two.series().unwrap(),
        "the latest is the last completed save"
    );
    // The next save goes on from there.
    save(&b, &key, &three);
    assert_eq!(numbers(&b, &key), [1, 2, 3]);
    assert_eq!(&b.load_version(&key, 2).unwrap().0, two.series().unwrap());
    assert_eq!(&b.load_version(&key, 1).unwrap().0, one.series().unwrap());
}

/// The same for a file without a version entry (Python's): its archived link is recognised
/// as the file itself, not counted as one more version.
#[test]
fn a_save_killed_after_archiving_a_python_file_adds_no_version() {
    let dir = tempfile::tempdir().unwrap();
    let key: StorageKey = "plant/Flow#1/RAW#1".parse().unwrap();
    let (one, two, three) = (ts(vec![1.0]), ts(vec![2.0]), ts(vec![3.0]));
    // Files as Python writes them: no version entry (an unversioned store writes none).
    let python = DiskBackend::new(dir.path()).without_versions();
    save(&python, &key, &one);
    let b = DiskBackend::new(dir.path());
    save(&b, &key, &two);
    save(&python, &key, &three);
    // Python's file replaced ours (and took our version 2 with it): 1 archived, 2 current.
    assert_eq!(numbers(&b, &key), [1, 2]);
    // A save killed after linking the current file into the archive.
    let stem = "plant_Flow#1_RAW#1";
    let current = dir.path().join(format!("{stem}.parquet"));
    fs::hard_link(&current, archive(dir.path(), stem).join("2.parquet")).unwrap();
    assert_eq!(numbers(&b, &key), [1, 2]);
    assert_eq!(&b.load_version(&key, 2).unwrap().0, three.series().unwrap());
    // The next save goes on from there.
    save(&b, &key, &one);
    assert_eq!(numbers(&b, &key), [1, 2, 3]);
    assert_eq!(&b.load_version(&key, 2).unwrap().0, three.series().unwrap());
    assert_eq!(&b.load(&key).unwrap().0, one.series().unwrap());
}

#[test]
fn a_failed_save_adds_no_version() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let key: StorageKey = "plant/Flow#1/RAW#1".parse().unwrap();
    save(&b, &key, &ts(vec![1.0]));
    // Metadata of another value type: refused before anything is written.
    let ints = TimeSeries::new(
        Series::new(
            "Flow#1_RAW#1",
            Index::range(1),
            std::sync::Arc::new(meteaudata_core::arrow_array::Int64Array::from(vec![1])),
        )
        .unwrap(),
    );
    let err = b
        .save(&key, ts(vec![2.0]).series().unwrap(), &ints.metadata())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(numbers(&b, &key), [1]);
    // A writer dropped without its commit.
    let mut w = b.writer(&key).unwrap();
    w.push(ts(vec![5.0]).series().unwrap()).unwrap();
    drop(w);
    assert_eq!(numbers(&b, &key), [1]);
}

#[test]
fn delete_removes_every_version_and_numbering_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let key: StorageKey = "plant/Flow#1/RAW#1".parse().unwrap();
    save(&b, &key, &ts(vec![1.0]));
    save(&b, &key, &ts(vec![2.0]));
    b.delete(&key).unwrap();
    assert!(!archive(dir.path(), "plant_Flow#1_RAW#1").exists());
    // What an interrupted delete leaves (an archive without its key) is removed by the
    // next save of the key.
    save(&b, &key, &ts(vec![3.0]));
    save(&b, &key, &ts(vec![4.0]));
    fs::remove_file(dir.path().join("plant_Flow#1_RAW#1.parquet")).unwrap();
    assert!(!b.exists(&key).unwrap());
    save(&b, &key, &ts(vec![5.0]));
    assert_eq!(numbers(&b, &key), [1]);
    assert_eq!(
        b.load_version(&key, 1)
            .unwrap()
            .0
            .f64_values()
            .unwrap()
            .value(0),
        5.0
    );
    b.clear().unwrap();
    assert!(!dir.path().join(".meteaudata-versions").exists());
}

#[test]
fn a_store_without_versions_replaces_files() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path()).without_versions();
    assert!(!b.capabilities().versions);
    let key: StorageKey = "plant/Flow#1/RAW#1".parse().unwrap();
    save(&b, &key, &ts(vec![1.0]));
    save(&b, &key, &ts(vec![2.0]));
    assert!(!dir.path().join(".meteaudata-versions").exists());
    assert_eq!(
        b.list_versions(&key).unwrap_err().kind(),
        ErrorKind::Unsupported
    );
    // The same directory opened with versions: the file (without a version entry) is
    // version 1, its hash computed from its content.
    let v = DiskBackend::new(dir.path());
    let listed = v.list_versions(&key).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].hash,
        ts(vec![2.0]).series().unwrap().content_hash().unwrap()
    );
}

#[test]
fn a_damaged_archived_version_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let key: StorageKey = "plant/Flow#1/RAW#1".parse().unwrap();
    save(&b, &key, &ts(vec![1.0, 2.0]));
    save(&b, &key, &ts(vec![3.0]));
    let old = archive(dir.path(), "plant_Flow#1_RAW#1").join("1.parquet");
    // Replace the link (not the shared file) with damaged bytes.
    fs::remove_file(&old).unwrap();
    fs::write(&old, b"PAR1 damaged PAR1").unwrap();
    let err = b.load_version(&key, 1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    assert!(err.to_string().contains("1.parquet"), "{err}");
    // The latest is untouched.
    assert_eq!(&b.load(&key).unwrap().0, ts(vec![3.0]).series().unwrap());
}

#[test]
fn snapshots_are_json_documents_beside_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path());
    let key: StorageKey = "plant/Flow#1/RAW#1".parse().unwrap();
    save(&b, &key, &ts(vec![1.0]));
    let taken = Snapshot::take(&b, "before-calibration", std::slice::from_ref(&key)).unwrap();
    let snaps = dir.path().join(".meteaudata-snapshots");
    assert_eq!(names(&snaps), ["before-calibration.json"]);
    let text = fs::read_to_string(snaps.join("before-calibration.json")).unwrap();
    assert!(text.contains("\"key\": \"plant/Flow#1/RAW#1\""), "{text}");
    save(&b, &key, &ts(vec![2.0]));
    save(&b, &key, &ts(vec![3.0]));
    assert_eq!(b.prune_versions(&key, Retention::KeepLast(1)).unwrap(), [2]);
    // Another process (another backend on the same directory) sees the snapshot.
    let other = DiskBackend::new(dir.path());
    assert_eq!(other.load_snapshot("before-calibration").unwrap(), taken);
    let (s, _) = taken.load(&other, &key).unwrap();
    assert_eq!(s.f64_values().unwrap().value(0), 1.0);

    // A snapshot killed before its link leaves a temporary file, which is not a snapshot.
    fs::write(snaps.join(".meteaudata-tmp-1-2-3-x.json"), "{").unwrap();
    assert_eq!(b.list_snapshots().unwrap(), ["before-calibration"]);

    // A damaged document is Corrupt, never read as good.
    let path = snaps.join("before-calibration.json");
    fs::write(
        &path,
        text.replace("\"version\": 1", "\"version\": \"one\""),
    )
    .unwrap();
    let e = b.load_snapshot("before-calibration").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert!(e.to_string().contains("before-calibration.json"), "{e}");
    // Pruning cannot tell what a damaged snapshot pins, so it removes nothing.
    assert_eq!(
        b.prune_versions(&key, Retention::KeepLast(1))
            .unwrap_err()
            .kind(),
        ErrorKind::Corrupt
    );
    assert_eq!(numbers(&b, &key), [1, 3]);

    // A snapshot whose version was damaged on disk does not load it as good.
    fs::write(&path, &text).unwrap();
    let archived = archive(dir.path(), "plant_Flow#1_RAW#1").join("1.parquet");
    let (series, meta) = b.load_version(&key, 1).unwrap();
    let changed = Series::from_f64(series.name(), series.index().clone(), vec![9.0]).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let s2 = DiskBackend::new(scratch.path()).without_versions();
    s2.save(&key, &changed, &meta).unwrap();
    fs::remove_file(&archived).unwrap();
    fs::copy(scratch.path().join("plant_Flow#1_RAW#1.parquet"), &archived).unwrap();
    let e = taken.load(&b, &key).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");

    // clear removes snapshots with the versions.
    b.clear().unwrap();
    assert!(!snaps.exists());
    assert!(b.list_snapshots().unwrap().is_empty());
}

#[test]
fn a_store_without_versions_keeps_no_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let b = DiskBackend::new(dir.path()).without_versions();
    assert!(!b.capabilities().snapshots);
    assert_eq!(
        b.list_snapshots().unwrap_err().kind(),
        ErrorKind::Unsupported
    );
}
