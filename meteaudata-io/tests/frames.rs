//! Tables with a time column in and out: datasets and signals from Arrow tables, signals and
//! datasets as one outer-joined table and back, and the tables that cannot be joined.

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, TimestampNanosecondArray,
};
use meteaudata_core::{ErrorKind, Index, Series, Signal, TimeZone};
use meteaudata_io::frame::*;

const MIN: i64 = 60_000_000_000;

fn batch(cols: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(cols).unwrap()
}

#[test]
fn a_dataset_from_a_table_of_any_time_unit() {
    let t = TimestampMillisecondArray::from(vec![0, 60_000, 120_000]).with_timezone("Europe/Paris");
    let b = batch(vec![
        ("when", Arc::new(t)),
        (
            "NH4_N",
            Arc::new(Float64Array::from(vec![1.0, f64::NAN, 3.0])),
        ),
        (
            "count",
            Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])),
        ),
        (
            "state",
            Arc::new(StringArray::from(vec!["on", "off", "on"])),
        ),
    ]);
    let ds = dataset_from_batch("plant", &b, "when", "mg/L").unwrap();
    let names: Vec<_> = ds.signals().keys().cloned().collect();
    assert_eq!(names, ["NH4-N#1", "count#1", "state#1"]);
    let nh4 = ds.signal("NH4-N#1").unwrap();
    assert_eq!(nh4.provenance.parameter.as_deref(), Some("NH4_N"));
    let s = nh4.get("NH4-N#1_RAW#1").unwrap().series().unwrap();
    assert_eq!(
        s.index().time_zone(),
        Some("Europe/Paris".parse::<TimeZone>().unwrap())
    );
    assert_eq!(s.index().name(), Some("when"));
    assert!(s.f64_values().unwrap().value(1).is_nan());
    let count = ds
        .signal("count#1")
        .unwrap()
        .get("count#1_RAW#1")
        .unwrap()
        .series()
        .unwrap();
    assert_eq!(count.i64_values().unwrap().null_count(), 1);
    // Dates are midnights.
    let d = batch(vec![
        ("day", Arc::new(Date32Array::from(vec![0, 1]))),
        ("v", Arc::new(Float64Array::from(vec![1.0, 2.0]))),
    ]);
    let s = &series_from_batch(&d, "day").unwrap()[0];
    assert_eq!(s.index().label(1), "1970-01-02T00:00:00");
    let e = series_from_batch(&d, "nope").unwrap_err();
    assert!(e.to_string().contains("no time column \"nope\""), "{e}");
    let e = series_from_batch(&d, "v").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

fn signal() -> Signal {
    let a = Series::from_f64(
        "RAW",
        Index::datetime_nanos(vec![0, MIN, 2 * MIN], Some(TimeZone::Utc)),
        vec![1.0, f64::NAN, 3.0],
    )
    .unwrap();
    let b = Series::from_f64(
        "RESAMPLED",
        Index::datetime_nanos(vec![MIN, 3 * MIN], Some(TimeZone::Utc)),
        vec![5.0, 6.0],
    )
    .unwrap();
    Signal::new("A", "u")
        .unwrap()
        .with_series(a)
        .unwrap()
        .with_series(b)
        .unwrap()
}

#[test]
fn a_signal_is_an_outer_join_and_comes_back() {
    let sig = signal();
    let t = signal_to_batch(&sig).unwrap();
    let names: Vec<_> = t
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, ["time", "A#1_RAW#1", "A#1_RESAMPLED#1"]);
    let time = t
        .column(0)
        .as_any()
        .downcast_ref::<TimestampNanosecondArray>()
        .unwrap();
    assert_eq!(time.values().to_vec(), vec![0, MIN, 2 * MIN, 3 * MIN]);
    let raw = t.column(1).as_any().downcast_ref::<Float64Array>().unwrap();
    assert!(
        raw.value(1).is_nan() && raw.is_valid(1),
        "a NaN value stays a value"
    );
    assert!(raw.is_null(3), "no point at 3 min: null");
    let res = t.column(2).as_any().downcast_ref::<Float64Array>().unwrap();
    assert_eq!((res.is_null(0), res.value(1)), (true, 5.0));
    let back = signal_from_batch("A", "u", &t, "time").unwrap();
    for (name, ts) in sig.time_series() {
        let got = back.get(name).unwrap().series().unwrap();
        let want = ts.series().unwrap();
        assert_eq!(got.len(), want.len(), "{name}");
        assert_eq!(
            got.index(),
            &want.index().clone().with_name("time"),
            "{name}"
        );
        let bits = |s: &Series| {
            s.f64_values()
                .unwrap()
                .values()
                .iter()
                .map(|x| x.to_bits())
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(got), bits(want), "{name}");
    }
}

#[test]
fn tables_that_cannot_be_joined_are_errors() {
    let dup = Series::from_f64(
        "RAW",
        Index::datetime_nanos(vec![0, 0], None),
        vec![1.0, 2.0],
    )
    .unwrap();
    let e = series_to_batch(&[("A#1_RAW#1", &dup)]).unwrap_err();
    assert!(e.to_string().contains("appears twice"), "{e}");
    let utc = Series::from_f64(
        "RAW",
        Index::datetime_nanos(vec![0], Some(TimeZone::Utc)),
        vec![1.0],
    )
    .unwrap();
    let naive = Series::from_f64("RAW", Index::datetime_nanos(vec![0], None), vec![1.0]).unwrap();
    let e = series_to_batch(&[("a", &utc), ("b", &naive)]).unwrap_err();
    assert!(e.to_string().contains("zone"), "{e}");
    let range = Series::from_f64("RAW", Index::range(2), vec![1.0, 2.0]).unwrap();
    assert!(series_to_batch(&[("r", &range)]).is_err());
    assert_eq!(signal_base("a_b#c/d"), "a-b-c-d");
    assert_eq!(signal_base("  "), "value");
}
