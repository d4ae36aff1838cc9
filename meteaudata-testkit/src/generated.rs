//! Long series of sensor-like data for benchmarks and large cases: one generator, so that
//! figures measured by different crates describe the same data.

use meteaudata_core::{Index, Series, TimeZone};

/// 2023-11-14T22:13:20Z, where generated series start (nanoseconds since the epoch).
pub const START: i64 = 1_700_000_000_000_000_000;

/// A series named `name` of `n` points `step` nanoseconds apart from [`START`] (UTC, with the
/// pandas frequency `frequency`): a slow sine of amplitude 10, and NaN every 97th point (a
/// sensor's gaps).
///
/// ```
/// use meteaudata_testkit::generated::sensor_series;
/// let s = sensor_series("Q#1_RAW#1", 1_000, 1_000_000_000, "s");
/// assert_eq!(s.len(), 1_000);
/// assert_eq!(s.index().label(1), "2023-11-14T22:13:21+00:00");
/// assert_eq!(s.index().frequency(), Some("s"));
/// ```
pub fn sensor_series(name: &str, n: usize, step: i64, frequency: &str) -> Series {
    let times: Vec<i64> = (0..n as i64).map(|i| START + i * step).collect();
    let values: Vec<f64> = (0..n)
        .map(|i| {
            if i % 97 == 0 {
                f64::NAN
            } else {
                (i as f64 * 0.001).sin() * 10.0
            }
        })
        .collect();
    Series::from_f64(
        name,
        Index::datetime_nanos(times, Some(TimeZone::Utc)).with_frequency(frequency),
        values,
    )
    .expect("as many values as timestamps")
}
