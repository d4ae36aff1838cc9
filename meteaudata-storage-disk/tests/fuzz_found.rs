//! Data files the `parquet_read` fuzz target (`fuzz/`) found, each read through the public API:
//! a damaged file is `Corrupt` (or another error), never a panic or a huge allocation. The
//! files are in `tests/fuzz/`; all are files without checksums (as pandas writes them, or ours
//! from before checksums), which are read unverified.

use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{Error, ErrorKind, Index, Series, TimeSeries};
use meteaudata_storage_disk::DiskBackend;

/// A store holding `data` as the data file of `fuzz/S#1/RAW#1` (a series is saved first, for
/// its sidecar: files without our footer take their metadata from it).
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

/// The error a scan of `key` ends with: when it starts, or as its last item.
fn scan_error(b: &DiskBackend, key: &StorageKey, chunk: usize) -> Error {
    match b.scan(key, TimeRange::default(), chunk) {
        Err(e) => e,
        Ok(scan) => {
            let items: Vec<_> = scan.collect();
            let last = items.into_iter().last().expect("the scan yields an item");
            last.expect_err("the scan ends with an error")
        }
    }
}

/// A data page that says it is dictionary-encoded in a column chunk without a dictionary
/// page: the `parquet` crate panics ("Decoder for dict should have been set").
#[test]
fn a_dictionary_encoded_page_without_a_dictionary_is_corrupt() {
    let (_dir, b, key) = store_with(include_bytes!("fuzz/dictionary-page-missing.parquet"));
    let e = b.load(&key).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt);
    // Refused before decoding, not by containing the decoder's panic.
    assert!(e.to_string().contains("no dictionary page"), "{e}");
    assert_eq!(scan_error(&b, &key, 2).kind(), ErrorKind::Corrupt);
    // The listing still sees the key (its footer is readable).
    assert_eq!(b.list_keys().unwrap(), [key]);
}

/// A text column whose definition levels run past the end of its page: the `parquet` crate
/// panics in arrow-buffer ("offset + len out of bounds") when it reads this file unchecked.
/// Its index column's page header is damaged too, so the page check refuses it first (the
/// level check itself is tested in meteaudata-parquet's `tests/damaged_levels.rs`).
#[test]
fn definition_levels_past_the_page_are_corrupt() {
    let (_dir, b, key) = store_with(include_bytes!(
        "fuzz/definition-levels-out-of-bounds.parquet"
    ));
    let e = b.load(&key).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt);
    assert!(!e.to_string().contains("decoder failed"), "{e}");
    assert!(b
        .load_range(&key, TimeRange::new(Some(0), Some(1)))
        .is_err());
    assert_eq!(scan_error(&b, &key, 3).kind(), ErrorKind::Corrupt);
}

/// A page whose bit width overflows a shift in the `parquet` crate's bit reader ("attempt to
/// shift left with overflow", with overflow checks on, as in tests).
#[test]
fn an_oversized_bit_width_is_an_error() {
    let (_dir, b, key) = store_with(include_bytes!("fuzz/bit-width-shift-overflow.parquet"));
    assert!(b.load(&key).is_err());
    scan_error(&b, &key, 7);
}

/// A dictionary page header, damaged, that the `parquet` crate reads as 1.4 × 10⁹ values: it
/// allocated 11 GB for them. Page headers are now checked before decoding.
#[test]
fn a_damaged_dictionary_page_header_is_refused_before_decoding() {
    let (_dir, b, key) = store_with(include_bytes!(
        "fuzz/dictionary-of-a-billion-values.parquet"
    ));
    let e = b.load(&key).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt);
    assert!(e.to_string().contains("page header"), "{e}");
    assert_eq!(scan_error(&b, &key, 5).kind(), ErrorKind::Corrupt);
}

/// A footer whose column chunk starts at a negative offset: `ColumnChunkMetaData::byte_range`
/// of the `parquet` crate panics ("column start and length should not be negative").
#[test]
fn a_negative_column_offset_is_corrupt() {
    let (_dir, b, key) = store_with(include_bytes!("fuzz/negative-column-offset.parquet"));
    assert_eq!(b.load(&key).unwrap_err().kind(), ErrorKind::Corrupt);
    assert_eq!(scan_error(&b, &key, 4).kind(), ErrorKind::Corrupt);
}

/// Footers holding a collection that claims 2³¹ booleans (a list) or 2⁶³ entries from
/// boolean to boolean (a map): the `parquet` crate's Thrift decoder skips them element by
/// element without reading a byte, 17 s for the 704-byte list file in the fuzz build (nested
/// lists: hours; the map: forever). Footers are walked first, by a reader that refuses them.
#[test]
fn footers_with_huge_collections_of_booleans_are_refused_at_once() {
    let files: [&[u8]; 2] = [
        include_bytes!("fuzz/footer-list-of-booleans.parquet"),
        include_bytes!("fuzz/footer-map-of-booleans.parquet"),
    ];
    for data in files {
        let (_dir, b, key) = store_with(data);
        let started = std::time::Instant::now();
        let e = b.load(&key).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Corrupt);
        assert!(e.to_string().contains("footer"), "{e}");
        assert_eq!(scan_error(&b, &key, 4).kind(), ErrorKind::Corrupt);
        // Damaged files are skipped by listings.
        assert!(b.list_keys().unwrap().is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}

/// A file (without checksums) of two row groups whose footer claims `i64::MAX` rows in each:
/// their sum overflowed in the reader (a panic with overflow checks, found by the
/// `parquet_read` fuzz target in a CI run; a wrapped count without them). Now `Corrupt`.
#[test]
fn row_counts_that_overflow_are_corrupt() {
    use parquet::arrow::ArrowWriter;
    use parquet::file::metadata::{ParquetMetaDataReader, ParquetMetaDataWriter};
    use parquet::file::properties::WriterProperties;
    use std::sync::Arc;

    let values = arrow_array::Float64Array::from(vec![1.0, 2.0, 3.0, 4.0]);
    let schema = Arc::new(arrow_schema::Schema::new(vec![arrow_schema::Field::new(
        "S#1_RAW#1",
        arrow_schema::DataType::Float64,
        false,
    )]));
    let batch = arrow_array::RecordBatch::try_new(schema.clone(), vec![Arc::new(values)]).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(2))
        .build();
    let mut file = Vec::new();
    let mut w = ArrowWriter::try_new(&mut file, schema, Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    // The crate's writer sums the counts too, so it writes i64::MAX and -i64::MAX (their
    // compact encodings differ in the first byte only), and the second is patched into the
    // first.
    let meta = ParquetMetaDataReader::new()
        .parse_and_finish(&bytes::Bytes::from(file.clone()))
        .unwrap();
    assert_eq!(meta.num_row_groups(), 2);
    let footer_len = u32::from_le_bytes(file[file.len() - 8..file.len() - 4].try_into().unwrap());
    let data_end = file.len() - 8 - footer_len as usize;
    let mut builder = meta.into_builder();
    let groups = builder
        .take_row_groups()
        .into_iter()
        .zip([i64::MAX, -i64::MAX])
        .map(|(g, n)| g.into_builder().set_num_rows(n).build().unwrap())
        .collect();
    let meta = builder.set_row_groups(groups).build();
    let mut damaged = file[..data_end].to_vec();
    ParquetMetaDataWriter::new(&mut damaged, &meta)
        .finish()
        .unwrap();
    // zigzag(-i64::MAX) = 2^64 - 3: 0xfd, then eight 0xff, then 0x01.
    let minus: Vec<u8> = [0xfd].into_iter().chain([0xff; 8]).chain([0x01]).collect();
    let at = damaged[data_end..]
        .windows(minus.len())
        .position(|w| w == minus)
        .expect("the encoded count")
        + data_end;
    damaged[at] = 0xfe;

    let (_dir, b, key) = store_with(&damaged);
    let e = b.load(&key).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert!(e.to_string().contains("row counts"), "{e}");
    assert_eq!(scan_error(&b, &key, 2).kind(), ErrorKind::Corrupt);
}
