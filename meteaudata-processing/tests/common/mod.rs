//! Helpers shared by the integration tests.
#![allow(dead_code)]

use meteaudata_core::arrow_array::{Array, Float64Array};
use meteaudata_core::{Index, Series, TimeZone, Timestamp, Transform};

pub const NAN: f64 = f64::NAN;

/// Naive nanoseconds of an ISO text.
pub fn t(text: &str) -> i64 {
    Timestamp::parse(text, None).unwrap().nanos
}

/// A naive timestamp.
pub fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text, None).unwrap()
}

pub fn zone(name: &str) -> TimeZone {
    name.parse().unwrap()
}

/// `2020-01-01 HH:MM` for minutes since midnight.
pub fn at(minutes: i64) -> i64 {
    t("2020-01-01 00:00") + minutes * 60_000_000_000
}

pub fn naive(times: &[i64], values: &[f64]) -> Series {
    Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(times.to_vec(), None),
        values.to_vec(),
    )
    .unwrap()
}

pub fn minutes(m: &[i64], values: &[f64]) -> Series {
    naive(&m.iter().map(|&m| at(m)).collect::<Vec<_>>(), values)
}

/// Ten-minute series 00:00 … 00:50, values 0 … 5.
pub fn ten_minutes() -> Series {
    minutes(&[0, 10, 20, 30, 40, 50], &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
}

pub fn values(s: &Series) -> Vec<f64> {
    let v = s.values();
    let f = v
        .as_any()
        .downcast_ref::<Float64Array>()
        .expect("float64 values");
    f.iter().map(|x| x.unwrap_or(f64::NAN)).collect()
}

pub fn labels(s: &Series) -> Vec<String> {
    (0..s.len()).map(|i| s.index().label(i)).collect()
}

/// NaN-aware equality of float vectors.
#[track_caller]
pub fn assert_values(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (a, e) in actual.iter().zip(expected) {
        assert!(
            (a.is_nan() && e.is_nan()) || a == e || (a - e).abs() <= 1e-12 * e.abs().max(1.0),
            "{actual:?} vs {expected:?}"
        );
    }
}

/// Runs a transform on one series and returns the output series.
pub fn run1<T: Transform>(tr: &T, s: Series) -> Series {
    let mut out = tr.apply(&[s]).unwrap();
    assert_eq!(out.len(), 1);
    out.remove(0).series
}
