//! Bytes as the data file of a disk-backend key: a small valid series is saved once, then each
//! input replaces its `.parquet` file (and the sidecar is put back as saved, since a listing
//! may rewrite it) and goes through the public backend API: `exists`, `load_metadata`, `load`,
//! `load_range`, `scan` (drained, whole and windowed) and `list_keys`.
//!
//! The seeds are files the backend wrote (with checksums: a damaged byte is `Corrupt` before
//! any decoding) and files as pandas writes them (no checksums: read unverified, so mutations
//! reach the Parquet decoder).
#![no_main]

use libfuzzer_sys::fuzz_target;
use meteaudata_core::chrono::{NaiveDate, TimeDelta};
use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{naive_to_nanos, Index, Series, TimeSeries};
use meteaudata_storage_disk::DiskBackend;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

struct Store {
    _dir: tempfile::TempDir,
    backend: DiskBackend,
    key: StorageKey,
    data: PathBuf,
    sidecar: PathBuf,
    sidecar_text: Vec<u8>,
    window: TimeRange,
}

/// libfuzzer-sys's panic hook aborts on every panic, even one that is caught. The disk backend
/// turns panics inside the `parquet` crate (and the arrow crates it calls) into `Corrupt`, since
/// the crate panics on some damaged files, so panics located in registry crates are let through
/// here (the first at each place is printed). Any other panic still aborts at once, and a
/// dependency's panic that the backend does not catch aborts in libfuzzer-sys's wrapper.
fn let_contained_dependency_panics_through() {
    let abort = std::panic::take_hook();
    let seen = Mutex::new(HashSet::new());
    std::panic::set_hook(Box::new(move |info| {
        let at = info.location().map(|l| l.to_string()).unwrap_or_default();
        if !at.contains("/registry/src/") {
            abort(info);
            return;
        }
        if seen.lock().is_ok_and(|mut s| s.insert(at.clone())) {
            eprintln!("panic in a dependency at {at}: {}", panic_text(info));
        }
    }));
}

fn panic_text(info: &std::panic::PanicHookInfo<'_>) -> String {
    let p = info.payload();
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let_contained_dependency_panics_through();
        let dir = tempfile::tempdir().expect("a scratch folder");
        let backend = DiskBackend::new(dir.path().join("store"));
        let key: StorageKey = "fuzz/S#1/RAW#1".parse().expect("a valid key");
        let start = NaiveDate::from_ymd_opt(2024, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("a valid date");
        let index = Index::date_range(start, 48, TimeDelta::hours(1), None).expect("an index");
        let values = (0..48).map(|i| f64::from(i) * 0.5).collect();
        let series = Series::from_f64("S#1_RAW#1", index, values).expect("a series");
        let ts = TimeSeries::new(series.clone());
        backend
            .save(&key, &series, &ts.metadata())
            .expect("the seed series is saved");
        let base = dir.path().join("store");
        let data = base.join("fuzz_S#1_RAW#1.parquet");
        let sidecar = base.join("fuzz_S#1_RAW#1_meta.yaml");
        assert!(
            data.exists(),
            "the disk backend names the file {}",
            data.display()
        );
        let sidecar_text = std::fs::read(&sidecar).expect("the sidecar is written");
        let t0 = naive_to_nanos(&start).expect("in range");
        let hour = 3_600_000_000_000;
        let window = TimeRange::new(Some(t0 + 10 * hour), Some(t0 + 30 * hour));
        Store {
            _dir: dir,
            backend,
            key,
            data,
            sidecar,
            sidecar_text,
            window,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let s = store();
    std::fs::write(&s.data, data).expect("the data file is written");
    std::fs::write(&s.sidecar, &s.sidecar_text).expect("the sidecar is written");
    let b = &s.backend;
    let _ = b.exists(&s.key);
    let _ = b.load_metadata(&s.key);
    let _ = b.load(&s.key);
    let _ = b.load_range(&s.key, s.window);
    for range in [TimeRange::default(), s.window] {
        if let Ok(scan) = b.scan(&s.key, range, 7) {
            for chunk in scan {
                if chunk.is_err() {
                    break;
                }
            }
        }
    }
    let _ = b.list_keys();
});
