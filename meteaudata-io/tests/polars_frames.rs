//! Signals and datasets through polars DataFrames (feature `polars`): every value type and
//! zone, the bits of floats, missing entries, and frames polars users build themselves.
#![cfg(feature = "polars")]

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampNanosecondArray,
};
use meteaudata_core::{Index, Series, Signal};
use meteaudata_io::polars::*;
use polars::prelude::*;

#[test]
fn tables_of_every_type_go_through_polars_unchanged() {
    let time = TimestampNanosecondArray::from(vec![0, 1_000, 2_000]).with_timezone("Europe/Paris");
    let nan = f64::from_bits(0x7ff8_0000_dead_beef);
    let batch = RecordBatch::try_from_iter([
        ("time", Arc::new(time) as ArrayRef),
        (
            "f",
            Arc::new(Float64Array::from(vec![Some(-0.0), Some(nan), None])) as ArrayRef,
        ),
        (
            "i",
            Arc::new(Int64Array::from(vec![Some(i64::MIN), None, Some(7)])) as ArrayRef,
        ),
        (
            "b",
            Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])) as ArrayRef,
        ),
        (
            "s",
            Arc::new(StringArray::from(vec![Some("é"), None, Some("")])) as ArrayRef,
        ),
    ])
    .unwrap();
    let df = batch_to_polars(&batch).unwrap();
    assert_eq!(
        df.column("time").unwrap().dtype(),
        &DataType::Datetime(
            TimeUnit::Nanoseconds,
            polars::prelude::TimeZone::opt_try_new(Some("Europe/Paris")).unwrap()
        )
    );
    let back = polars_to_batch(&df).unwrap();
    let shape = |b: &RecordBatch| {
        b.schema()
            .fields()
            .iter()
            .map(|f| (f.name().clone(), f.data_type().clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&back), shape(&batch));
    for c in 0..batch.num_columns() {
        assert_eq!(
            back.column(c).to_data(),
            batch.column(c).to_data(),
            "column {c}"
        );
    }
    let f = back
        .column(1)
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap();
    assert_eq!(f.value(1).to_bits(), nan.to_bits());
    assert_eq!(f.value(0).to_bits(), (-0.0f64).to_bits());
}

#[test]
fn frames_made_in_polars_become_datasets() {
    let df = df![
        "date" => [0i64, 86_400_000, 2 * 86_400_000],
        "flow" => [1.0f64, 2.5, 4.0],
        "pumps" => [1i32, 2, 2],
    ]
    .unwrap();
    let mut df = df;
    let ms = df
        .column("date")
        .unwrap()
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
        .unwrap();
    df.with_column(ms).unwrap();
    let ds = dataset_from_polars("plant", &df, "date", "m3/h").unwrap();
    let flow = ds
        .signal("flow#1")
        .unwrap()
        .get("flow#1_RAW#1")
        .unwrap()
        .series()
        .unwrap();
    assert_eq!(flow.index().label(2), "1970-01-03T00:00:00");
    assert_eq!(
        flow.f64_values().unwrap().values().to_vec(),
        vec![1.0, 2.5, 4.0]
    );
    let pumps = ds
        .signal("pumps#1")
        .unwrap()
        .get("pumps#1_RAW#1")
        .unwrap()
        .series()
        .unwrap();
    let pumps = pumps
        .values()
        .as_any()
        .downcast_ref::<arrow_array::Int32Array>()
        .unwrap();
    assert_eq!(pumps.values().to_vec(), vec![1, 2, 2]);
    let wide = dataset_to_polars(&ds).unwrap();
    assert_eq!(wide.shape(), (3, 3));
}

#[test]
fn a_signal_round_trips_through_a_frame() {
    let utc = Some(meteaudata_core::TimeZone::Utc);
    let a = Series::from_f64(
        "RAW",
        Index::datetime_nanos(vec![0, 10, 20], utc),
        vec![1.0, f64::NAN, 3.0],
    )
    .unwrap();
    let b = Series::from_f64(
        "SMOOTH",
        Index::datetime_nanos(vec![10, 30], utc),
        vec![2.0, 4.0],
    )
    .unwrap();
    let sig = Signal::new("T", "°C")
        .unwrap()
        .with_series(a)
        .unwrap()
        .with_series(b)
        .unwrap();
    let df = signal_to_polars(&sig).unwrap();
    assert_eq!(df.shape(), (4, 3));
    assert_eq!(df.column("T#1_SMOOTH#1").unwrap().null_count(), 2);
    let back = signal_from_polars("T", "°C", &df, "time").unwrap();
    for (name, ts) in sig.time_series() {
        let (got, want) = (
            back.get(name).unwrap().series().unwrap(),
            ts.series().unwrap(),
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
        assert_eq!(got.index().time_zone(), utc);
    }
    let bad = df!["x" => [1.0f64]].unwrap();
    assert!(signal_from_polars("T", "u", &bad, "time").is_err());
}
