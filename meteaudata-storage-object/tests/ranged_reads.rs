//! What reads fetch from the store: a 1 % window of a 10⁷-point series fetches less than 5 %
//! of its data object (the footer, then the row groups the window meets), a whole load
//! fetches the object once, and a scan fetches each byte about once.

use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{Index, Series, TimeSeries, TimeZone};
use meteaudata_storage_object::ObjectBackend;

#[test]
fn a_one_percent_window_fetches_under_five_percent_of_the_object() {
    let n: usize = 10_000_000;
    let start = 1_700_000_000_000_000_000i64;
    let second = 1_000_000_000i64;
    let times: Vec<i64> = (0..n as i64).map(|i| start + i * second).collect();
    let values: Vec<f64> = (0..n).map(|i| (i as f64 * 0.001).sin()).collect();
    let series = Series::from_f64(
        "Q#1_RAW#1",
        Index::datetime_nanos(times, Some(TimeZone::Utc)),
        values,
    )
    .unwrap();
    let meta = TimeSeries::new(series.clone()).metadata();
    let b = ObjectBackend::new("memory:///reads").unwrap();
    let key: StorageKey = "plant/Q#1/RAW#1".parse().unwrap();
    b.save(&key, &series, &meta).unwrap();
    let size = b.size_on_disk().unwrap().unwrap();

    let from = start + (n as i64 / 2) * second;
    let window = TimeRange::new(Some(from), Some(from + (n as i64 / 100) * second));
    let before = b.bytes_read();
    let (part, _) = b.load_range(&key, window).unwrap();
    let fetched = b.bytes_read() - before;
    assert_eq!(part.len(), n / 100);
    assert_eq!(part, series.slice(n / 2, n / 100));
    assert!(
        fetched * 20 < size,
        "a 1% window fetched {fetched} of {size} bytes"
    );

    // A whole load: the object once (and its footer, fetched when it is located).
    let before = b.bytes_read();
    let (all, _) = b.load(&key).unwrap();
    let fetched = b.bytes_read() - before;
    assert_eq!(all, series);
    assert!(
        fetched <= size + (64 << 10),
        "a load fetched {fetched} of {size} bytes"
    );

    // A scan in chunks: every byte about once.
    let before = b.bytes_read();
    let points: usize = b
        .scan(&key, TimeRange::default(), 100_000)
        .unwrap()
        .map(|c| c.unwrap().len())
        .sum();
    let fetched = b.bytes_read() - before;
    assert_eq!(points, n);
    assert!(
        fetched < size * 3 / 2,
        "a scan fetched {fetched} of {size} bytes"
    );
}
