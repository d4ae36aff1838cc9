//! Creates of series larger than one PUT (multipart uploads to a temporary object, copied into
//! place only if the name is free): a free key is created, a taken one is `Conflict` and keeps
//! its value, and no temporary object is left behind. On `memory://` and `file://` always; on
//! the S3 and Azure servers when configured (see `servers.rs`).

use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries};

use meteaudata_storage_object::ObjectBackend;

/// About 24 MB of Parquet: noise does not compress.
fn big() -> TimeSeries {
    let n = 3_000_000;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let values = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            f64::from_bits((x >> 12) | 0x3ff0_0000_0000_0000)
        })
        .collect();
    TimeSeries::new(Series::from_f64("B#1_RAW#1", Index::range(n), values).unwrap())
}

fn check(b: &ObjectBackend) {
    let ts = big();
    let key: StorageKey = "big/B#1/RAW#1".parse().unwrap();
    // Every store here can copy only if the name is free (S3: by a conditional
    // CompleteMultipartUpload, the default this crate sets).
    b.create(&key, ts.series().unwrap(), &ts.metadata())
        .unwrap_or_else(|e| panic!("create on {}: {e}", b.url()));
    assert!(
        b.size_on_disk().unwrap().unwrap() > 16 << 20,
        "a multipart upload"
    );
    let (back, _) = b.load(&key).unwrap();
    assert_eq!(&back, ts.series().unwrap());
    let other =
        TimeSeries::new(Series::from_f64("B#1_RAW#1", Index::range(2), vec![1.0, 2.0]).unwrap());
    let again = b
        .create(&key, ts.series().unwrap(), &ts.metadata())
        .unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict, "{again}");
    let small = b
        .create(&key, other.series().unwrap(), &other.metadata())
        .unwrap_err();
    assert_eq!(small.kind(), ErrorKind::Conflict, "{small}");
    assert_eq!(b.load(&key).unwrap().0.len(), 3_000_000);
    // Only the key's two objects remain.
    assert_eq!(b.list_keys().unwrap(), [key]);
    b.clear().unwrap();
}

#[test]
fn large_creates_on_memory_and_file() {
    check(&ObjectBackend::new("memory:///big").unwrap());
    let dir = tempfile::tempdir().unwrap();
    check(&ObjectBackend::new(&format!("file://{}", dir.path().display())).unwrap());
    // Only the key's lock file stays (as with the disk backend: removing a lock file another
    // process holds would break it).
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".meteaudata-lock-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn large_creates_on_servers() {
    for var in ["METEAUDATA_S3_URL", "METEAUDATA_AZURE_URL"] {
        let Ok(url) = std::env::var(var) else {
            eprintln!("skipping {var}: not set");
            continue;
        };
        let (base, query) = url.split_once('?').unwrap_or((&url, ""));
        let url = format!(
            "{}/large-{}?{query}",
            base.trim_end_matches('/'),
            std::process::id()
        );
        check(&ObjectBackend::new(url.trim_end_matches('?')).unwrap());
    }
}
