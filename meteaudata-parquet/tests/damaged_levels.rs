//! Files whose definition levels do not fit in their pages (headers intact, so only the level
//! check stands between them and the `parquet` crate's decoder, which panics on them: found by
//! the `parquet_read` fuzz target). Each is read whole, by window and in chunks: always
//! `Corrupt`, naming the definition levels, never a panic contained after the fact.

use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use meteaudata_core::ErrorKind;
use meteaudata_parquet::{read_series, BytesSource, ParquetScan};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::{WriterProperties, WriterVersion};
use std::sync::Arc;

/// A file as foreign writers make them (no checksums): an optional float column holding 16
/// values, every other one null, and an integer index; uncompressed, without dictionaries.
fn file(version: WriterVersion) -> Vec<u8> {
    let values: Float64Array = (0..16).map(|i| (i % 2 == 0).then_some(i as f64)).collect();
    let index = Int64Array::from_iter_values(0..16);
    let batch = RecordBatch::try_from_iter([
        ("S#1_RAW#1", Arc::new(values) as ArrayRef),
        ("i", Arc::new(index) as ArrayRef),
    ])
    .unwrap();
    let props = WriterProperties::builder()
        .set_writer_version(version)
        .set_compression(Compression::UNCOMPRESSED)
        .set_dictionary_enabled(false)
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    out
}

/// Where `needle` starts in `haystack` (exactly once).
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    let at: Vec<usize> = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 1, "{needle:?} found at {at:?}");
    at[0]
}

/// The levels of the 16 values: one bit-packed run of 2 groups, `0101…` twice.
const LEVELS: [u8; 3] = [2 << 1 | 1, 0x55, 0x55];

fn assert_refused(data: Vec<u8>) {
    let source = || Arc::new(BytesSource::new(data.clone(), "damaged.parquet"));
    let e = read_series(source(), None, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert!(e.to_string().contains("definition levels"), "{e}");
    assert!(!e.to_string().contains("decoder failed"), "{e}");
    // A chunk at a time: the scan ends at its first error (after it, one column would have
    // read its rows and the other not).
    let items: Vec<_> = ParquetScan::open(source(), None, Some(4), None)
        .unwrap()
        .collect();
    let first_error = items.iter().position(Result::is_err).expect("an error");
    assert_eq!(first_error, items.len() - 1, "{items:?}");
    let last = items.into_iter().last().expect("an item").unwrap_err();
    assert_eq!(last.kind(), ErrorKind::Corrupt, "{last}");
    assert!(last.to_string().contains("definition levels"), "{last}");
}

#[test]
fn undamaged_files_read() {
    for v in [WriterVersion::PARQUET_1_0, WriterVersion::PARQUET_2_0] {
        let data = file(v);
        let (s, _) =
            read_series(Arc::new(BytesSource::new(data, "ok.parquet")), None, None).unwrap();
        assert_eq!(s.len(), 16);
    }
}

/// A v1 page whose levels' length prefix says 2 bytes where the run needs 3: the decoder
/// reads the second group past the end of the levels.
#[test]
fn a_v1_run_longer_than_its_levels_is_corrupt() {
    let mut data = file(WriterVersion::PARQUET_1_0);
    let mut needle = 3u32.to_le_bytes().to_vec();
    needle.extend(LEVELS);
    let at = find(&data, &needle);
    data[at] = 2;
    assert_refused(data);
}

/// A v2 page (levels outside the compressed part, their length in the header) whose first
/// run header now says "1 level, value 0x55", so that the next byte, 0x55, reads as the
/// header of a bit-packed run of 42 groups in a page with no byte left for them.
#[test]
fn a_v2_run_longer_than_its_levels_is_corrupt() {
    let mut data = file(WriterVersion::PARQUET_2_0);
    let at = find(&data, &LEVELS);
    data[at] = 1 << 1;
    assert_refused(data);
}
