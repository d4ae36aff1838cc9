//! The linear interpolation (§2.2) and prediction (§2.5) tables, exactly.

mod common;
use common::*;
use meteaudata_core::arrow_array::{
    Array, DurationNanosecondArray, Float32Array, Int64Array, StringArray,
};
use meteaudata_core::{ErrorKind, Index, IndexData, Parameters, ProcessingType, Series, Transform};
use meteaudata_processing::{LinearInterpolation, PredictFromPreviousPoint};
use std::sync::Arc;

fn interp(s: Series) -> Series {
    run1(&LinearInterpolation, s)
}

#[test]
fn main_table_leading_kept_interior_linear_trailing_held() {
    let s = minutes(
        &[0, 10, 20, 30, 40, 50, 60, 70, 80],
        &[NAN, 1.0, NAN, NAN, 4.0, NAN, 6.0, NAN, NAN],
    );
    let out = LinearInterpolation.apply(&[s]).unwrap();
    assert_values(
        &values(&out[0].series),
        &[NAN, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.0, 6.0],
    );
    assert_eq!(out[0].series.name(), "A#1_LIN-INT");
    let step = &out[0].steps[0];
    assert_eq!(step.step_type, ProcessingType::GapFilling);
    assert_eq!(step.suffix, "LIN-INT");
    assert_eq!(step.function_info.name, "linear interpolation");
    assert_eq!(step.parameters, Some(Parameters::new()));
    assert_eq!(step.input_series_names, ["A#1_RAW#1"]);
}

#[test]
fn irregular_spacing_is_by_position() {
    assert_values(
        &values(&interp(minutes(&[0, 1, 10], &[0.0, NAN, 10.0]))),
        &[0.0, 5.0, 10.0],
    );
}

#[test]
fn unsorted_is_processed_in_stored_order() {
    assert_values(
        &values(&interp(minutes(&[20, 0, 10], &[20.0, NAN, 0.0]))),
        &[20.0, 10.0, 0.0],
    );
}

#[test]
fn duplicates_are_separate_positions() {
    assert_values(
        &values(&interp(minutes(&[0, 0, 10, 20], &[0.0, NAN, NAN, 30.0]))),
        &[0.0, 10.0, 20.0, 30.0],
    );
}

#[test]
fn utc_zone_kept() {
    let tz = zone("UTC");
    let h = 3_600_000_000_000;
    let s = Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(vec![0, h, 2 * h], Some(tz)),
        vec![1.0, NAN, 3.0],
    )
    .unwrap();
    let out = interp(s);
    assert_values(&values(&out), &[1.0, 2.0, 3.0]);
    assert_eq!(out.index().time_zone(), Some(tz));
}

#[test]
fn timedelta_index_by_position() {
    let h = 3_600_000_000_000;
    let idx = Index::new(IndexData::Timedelta(DurationNanosecondArray::from(vec![
        0,
        h,
        5 * h,
    ])))
    .unwrap();
    let out = interp(Series::from_f64("A#1_RAW#1", idx, vec![1.0, NAN, 3.0]).unwrap());
    assert_values(&values(&out), &[1.0, 2.0, 3.0]);
}

#[test]
fn infinity_propagates_into_the_gap() {
    let out = interp(minutes(&[0, 1, 2, 3], &[1.0, f64::INFINITY, NAN, 3.0]));
    assert_values(&values(&out), &[1.0, f64::INFINITY, f64::INFINITY, 3.0]);
}

#[test]
fn edge_cases() {
    assert_values(&values(&interp(minutes(&[0, 1], &[NAN, NAN]))), &[NAN, NAN]);
    assert!(interp(naive(&[], &[])).is_empty());
    assert_values(&values(&interp(minutes(&[0], &[2.0]))), &[2.0]);
    // int64 without missing values stays int64.
    let ints = Series::new(
        "A#1_RAW#1",
        Index::datetime_nanos(vec![0, 1], None),
        Arc::new(Int64Array::from(vec![1, 2])),
    )
    .unwrap();
    assert_eq!(interp(ints).values_dtype(), "int64");
    // float32 stays float32.
    let f32s = Series::new(
        "A#1_RAW#1",
        Index::datetime_nanos(vec![0, 1, 2], None),
        Arc::new(Float32Array::from(vec![1.0, f32::NAN, 3.0])),
    )
    .unwrap();
    let out = interp(f32s);
    let v = out
        .values()
        .as_any()
        .downcast_ref::<Float32Array>()
        .unwrap();
    assert_eq!(v.value(1), 2.0);
    // strings are an error, as is a range index.
    let strs = Series::new(
        "A#1_RAW#1",
        Index::datetime_nanos(vec![0], None),
        Arc::new(StringArray::from(vec!["a"])),
    )
    .unwrap();
    assert_eq!(
        LinearInterpolation.apply(&[strs]).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let range = Series::from_f64("A#1_RAW#1", Index::range(1), vec![1.0]).unwrap();
    assert_eq!(
        LinearInterpolation.apply(&[range]).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn prediction_is_identity_with_step_distance_one() {
    let s = minutes(&[0, 10, 20, 30], &[1.0, NAN, 3.0, 4.0]);
    let s = Series::new(
        s.name(),
        s.index().clone().with_frequency("10min"),
        s.values().clone(),
    )
    .unwrap();
    let out = PredictFromPreviousPoint
        .apply(std::slice::from_ref(&s))
        .unwrap();
    let o = &out[0].series;
    assert_eq!(o.name(), "A#1_PREV-PRED");
    assert_eq!(o.index(), s.index());
    assert_eq!(o.values().to_data(), s.values().to_data());
    let step = &out[0].steps[0];
    assert_eq!(step.step_distance, 1);
    assert_eq!(step.step_type, ProcessingType::Prediction);
    assert_eq!(step.suffix, "PREV-PRED");
    assert_eq!(step.function_info.name, "Previous point prediction");
    assert_eq!(step.parameters, Some(Parameters::new()));
    // Empty passes; a range index fails.
    assert!(run1(&PredictFromPreviousPoint, naive(&[], &[])).is_empty());
    let range = Series::from_f64("A#1_RAW#1", Index::range(1), vec![1.0]).unwrap();
    assert_eq!(
        PredictFromPreviousPoint.apply(&[range]).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}
