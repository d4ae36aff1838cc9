//! Data files the `parquet_read` fuzz target (`fuzz/`) found, each read through the public API:
//! a damaged file is `Corrupt`, never a panic. The files are in `tests/fuzz/`.

use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries};
use meteaudata_storage_disk::DiskBackend;

/// A store holding `data` as the data file of `fuzz/S#1/RAW#1` (a series is saved first, for
/// its sidecar: files without our footer, like this one, take their metadata from it).
fn store_with(data: &[u8]) -> (tempfile::TempDir, DiskBackend, StorageKey) {
    let dir = tempfile::tempdir().unwrap();
    let backend = DiskBackend::new(dir.path());
    let key: StorageKey = "fuzz/S#1/RAW#1".parse().unwrap();
    let series = Series::from_f64("S#1_RAW#1", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap();
    let ts = TimeSeries::new(series.clone());
    backend.save(&key, &series, &ts.metadata()).unwrap();
    std::fs::write(dir.path().join("fuzz_S#1_RAW#1.parquet"), data).unwrap();
    (dir, backend, key)
}

/// A file as pandas writes it (no checksums, so read unverified) whose data page says it is
/// dictionary-encoded while its column chunk has no dictionary page: the `parquet` crate
/// panics ("Decoder for dict should have been set") instead of returning an error.
#[test]
fn a_dictionary_encoded_page_without_a_dictionary_is_corrupt() {
    let (_dir, b, key) = store_with(include_bytes!("fuzz/dictionary-page-missing.parquet"));
    assert_eq!(b.load(&key).unwrap_err().kind(), ErrorKind::Corrupt);
    let scan = b.scan(&key, TimeRange::default(), 2).unwrap();
    let items: Vec<_> = scan.collect();
    let last = items.last().expect("the scan yields the error");
    assert_eq!(last.as_ref().unwrap_err().kind(), ErrorKind::Corrupt);
    // The listing still sees the key (its footer is readable).
    assert_eq!(b.list_keys().unwrap(), [key]);
}

/// A file as pandas writes it whose text column's definition levels run past the end of its
/// page: the `parquet` crate panics in arrow-buffer ("offset + len out of bounds").
#[test]
fn definition_levels_past_the_page_are_corrupt() {
    let (_dir, b, key) = store_with(include_bytes!(
        "fuzz/definition-levels-out-of-bounds.parquet"
    ));
    assert_eq!(b.load(&key).unwrap_err().kind(), ErrorKind::Corrupt);
    let window = TimeRange::new(Some(0), Some(1));
    assert!(b.load_range(&key, window).is_err());
    let items: Vec<_> = b.scan(&key, TimeRange::default(), 3).unwrap().collect();
    let last = items.last().expect("the scan yields the error");
    assert_eq!(last.as_ref().unwrap_err().kind(), ErrorKind::Corrupt);
}

/// A data file of ours from before checksums (read unverified) whose page claims a bit width
/// that overflows a shift in the `parquet` crate's bit reader ("attempt to shift left with
/// overflow", with overflow checks on, as in tests).
#[test]
fn an_oversized_bit_width_is_corrupt() {
    let (_dir, b, key) = store_with(include_bytes!("fuzz/bit-width-shift-overflow.parquet"));
    assert!(b.load(&key).is_err());
    let items: Vec<_> = b.scan(&key, TimeRange::default(), 7).unwrap().collect();
    assert!(items.last().expect("the scan yields the error").is_err());
}
