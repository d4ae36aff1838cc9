//! The subset (§2.3) and replace_ranges (§2.4) tables, exactly.

mod common;
use common::*;
use meteaudata_core::arrow_array::Int64Array;
use meteaudata_core::{
    ErrorKind, Index, ParameterValue, ProcessingType, Series, Timestamp, Transform,
};
use meteaudata_processing::{Bound, ReplaceRanges, Subset};
use std::sync::Arc;

fn kept(tr: &Subset, s: Series) -> Vec<String> {
    labels(&run1(tr, s))
        .into_iter()
        .map(|l| l[11..16].to_string())
        .collect()
}

const D: &str = "2020-01-01 ";

fn at_text(hhmm: &str) -> String {
    format!("{D}{hhmm}")
}

#[test]
fn label_slices() {
    let s = ten_minutes();
    let sub = |a: &str, b: &str| Subset::by_label(at_text(a), at_text(b));
    assert_eq!(
        kept(&sub("00:10", "00:30"), s.clone()),
        ["00:10", "00:20", "00:30"]
    );
    assert_values(
        &values(&run1(&sub("00:10", "00:30"), s.clone())),
        &[1.0, 2.0, 3.0],
    );
    assert_eq!(
        kept(&sub("00:05", "00:35"), s.clone()),
        ["00:10", "00:20", "00:30"]
    );
    let exact = Subset::by_label(ts("2020-01-01 00:05"), ts("2020-01-01 00:35"));
    assert_eq!(kept(&exact, s.clone()), ["00:10", "00:20", "00:30"]);
    let date_only_end = Subset::by_label(at_text("00:20"), "2020-01-01");
    assert_eq!(
        kept(&date_only_end, s.clone()),
        ["00:20", "00:30", "00:40", "00:50"]
    );
    let open_start = Subset::by_label(None::<&str>, at_text("00:20"));
    assert_eq!(kept(&open_start, s.clone()), ["00:00", "00:10", "00:20"]);
    assert_eq!(
        kept(&Subset::by_label("2019-12-31", "2021-01-01"), s.clone()).len(),
        6
    );
    assert!(kept(&sub("00:30", "00:10"), s.clone()).is_empty());
    let e = Subset::by_label(1i64, 3i64)
        .apply(std::slice::from_ref(&s))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("DatetimeIndex"), "{e}");
}

#[test]
fn positional_slices() {
    let s = ten_minutes();
    let pos = |a, b| Subset::by_position(a, b);
    assert_eq!(
        kept(&pos(Some(1), Some(4)), s.clone()),
        ["00:10", "00:20", "00:30"]
    );
    assert_eq!(
        kept(&pos(Some(-3), Some(-1)), s.clone()),
        ["00:30", "00:40"]
    );
    assert_eq!(
        kept(&pos(Some(2), None), s.clone()),
        ["00:20", "00:30", "00:40", "00:50"]
    );
    assert_eq!(
        kept(&pos(Some(4), Some(100)), s.clone()),
        ["00:40", "00:50"]
    );
    assert!(kept(&pos(Some(4), Some(1)), s.clone()).is_empty());
}

#[test]
fn empty_and_range_index() {
    assert!(run1(
        &Subset::by_label(at_text("00:00"), None::<&str>),
        naive(&[], &[])
    )
    .is_empty());
    assert!(run1(&Subset::by_position(Some(0), Some(3)), naive(&[], &[])).is_empty());
    let range = Series::from_f64("A#1_RAW#1", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap();
    assert_eq!(
        Subset::by_position(Some(0), None)
            .apply(&[range])
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn recorded_step_keeps_bounds_as_given() {
    let out = Subset::by_label(ts("2020-01-01 00:10"), at_text("00:30"))
        .apply(&[ten_minutes()])
        .unwrap();
    let step = &out[0].steps[0];
    assert_eq!(step.step_type, ProcessingType::Resampling);
    assert_eq!(step.suffix, "SLICE");
    assert_eq!(step.function_info.name, "subset");
    let p = step.parameters.as_ref().unwrap();
    assert_eq!(
        p.get("start_position"),
        Some(&ParameterValue::DateTime(ts("2020-01-01 00:10")))
    );
    assert_eq!(
        p.get("end_position"),
        Some(&ParameterValue::from("2020-01-01 00:30"))
    );
    assert_eq!(p.get("rank_based"), Some(&ParameterValue::Bool(false)));
    let out = Subset::by_position(Some(1), None)
        .apply(&[ten_minutes()])
        .unwrap();
    let p = out[0].steps[0].parameters.clone().unwrap();
    assert_eq!(p.get("start_position"), Some(&ParameterValue::Int(1)));
    assert_eq!(p.get("end_position"), Some(&ParameterValue::Null));
    assert_eq!(p.get("rank_based"), Some(&ParameterValue::Bool(true)));
}

#[test]
fn frequency_is_kept() {
    let s = ten_minutes();
    let s = Series::new(
        s.name(),
        s.index().clone().with_frequency("10min"),
        s.values().clone(),
    )
    .unwrap();
    let out = run1(&Subset::by_position(Some(1), Some(3)), s);
    assert_eq!(out.index().frequency(), Some("10min"));
}

#[test]
fn unsorted_index_keeps_rows_inside_the_range_in_stored_order() {
    // Upstream raises KeyError for text bounds here, and cuts a positional stretch for exact
    // keys; we keep every row whose label lies in the range.
    let s = minutes(&[20, 0, 10, 30], &[2.0, 0.0, 1.0, 3.0]);
    assert_eq!(
        kept(
            &Subset::by_label(at_text("00:00"), at_text("00:10")),
            s.clone()
        ),
        ["00:00", "00:10"]
    );
    assert_eq!(
        kept(
            &Subset::by_label(ts("2020-01-01 00:00"), ts("2020-01-01 00:30")),
            s.clone()
        ),
        ["00:20", "00:00", "00:10", "00:30"]
    );
    assert_eq!(
        kept(&Subset::by_position(Some(0), Some(2)), s),
        ["00:20", "00:00"]
    );
}

#[test]
fn duplicates_and_zones() {
    let s = minutes(&[0, 10, 10, 20], &[0.0, 1.0, 2.0, 3.0]);
    assert_values(
        &values(&run1(
            &Subset::by_label(at_text("00:10"), at_text("00:10")),
            s,
        )),
        &[1.0, 2.0],
    );
    let tz = zone("America/Toronto");
    let start = Timestamp::parse("2020-01-01 00:00", Some(tz))
        .unwrap()
        .nanos;
    let h = 3_600_000_000_000;
    let s = Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos((0..5).map(|k| start + k * h).collect(), Some(tz)),
        vec![0.0, 1.0, 2.0, 3.0, 4.0],
    )
    .unwrap();
    let naive_text = Subset::by_label("2020-01-01 01:00", "2020-01-01 02:00");
    assert_values(&values(&run1(&naive_text, s.clone())), &[1.0, 2.0]);
    // Zoned bounds in another zone are converted (06:00Z–07:00Z = 01:00–02:00 EST).
    let exact = Subset::by_label(
        Timestamp::parse("2020-01-01T06:00:00Z", None).unwrap(),
        Timestamp::parse("2020-01-01T07:00:00Z", None).unwrap(),
    );
    assert_values(&values(&run1(&exact, s.clone())), &[1.0, 2.0]);
    let e = Subset::by_label(ts("2020-01-01 01:00"), None::<&str>)
        .apply(&[s])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("tz-naive"), "{e}");
}

fn replace(pairs: Vec<(Bound, Bound)>, with: f64, s: Series) -> Vec<f64> {
    values(&run1(&ReplaceRanges::new(pairs, "r").with_value(with), s))
}

fn b(x: &str) -> Bound {
    Bound::from(at_text(x))
}

#[test]
fn replace_table() {
    let s = ten_minutes();
    assert_values(
        &replace(vec![(b("00:10"), b("00:20"))], NAN, s.clone()),
        &[0.0, NAN, NAN, 3.0, 4.0, 5.0],
    );
    assert_values(
        &replace(vec![(b("00:05"), b("00:25"))], NAN, s.clone()),
        &[0.0, NAN, NAN, 3.0, 4.0, 5.0],
    );
    assert_values(
        &replace(
            vec![(b("00:00"), b("00:00")), (b("00:40"), b("01:00"))],
            -1.0,
            s.clone(),
        ),
        &[-1.0, 1.0, 2.0, 3.0, -1.0, -1.0],
    );
    assert_values(
        &replace(
            vec![(ts("2020-01-01 00:10").into(), ts("2020-01-01 00:30").into())],
            9.5,
            s.clone(),
        ),
        &[0.0, 9.5, 9.5, 9.5, 4.0, 5.0],
    );
    assert_values(
        &replace(
            vec![(b("00:00"), b("00:30")), (b("00:20"), b("00:40"))],
            7.0,
            s.clone(),
        ),
        &[7.0, 7.0, 7.0, 7.0, 7.0, 5.0],
    );
    assert_values(
        &replace(vec![(b("00:30"), b("00:10"))], NAN, s.clone()),
        &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
    );
    assert_values(
        &replace(vec![(Bound::Open, b("00:10"))], NAN, s.clone()),
        &[NAN, NAN, 2.0, 3.0, 4.0, 5.0],
    );
    assert_values(
        &replace(
            vec![("2020-01-01".into(), "2020-01-01".into())],
            NAN,
            s.clone(),
        ),
        &[NAN; 6],
    );
    assert_values(
        &replace(vec![], NAN, s.clone()),
        &[0.0, 1.0, 2.0, 3.0, 4.0, 5.0],
    );
    let e = ReplaceRanges::new([(1i64, 3i64)], "r")
        .apply(std::slice::from_ref(&s))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn replace_unsorted_duplicates_zones_empty() {
    let uns = minutes(&[20, 0, 10, 30], &[2.0, 0.0, 1.0, 3.0]);
    assert_values(
        &replace(
            vec![(ts("2020-01-01 00:00").into(), ts("2020-01-01 00:30").into())],
            NAN,
            uns.clone(),
        ),
        &[NAN, NAN, NAN, NAN],
    );
    assert_values(
        &replace(vec![(b("00:00"), b("00:10"))], NAN, uns),
        &[2.0, NAN, NAN, 3.0],
    );
    let dup = minutes(&[0, 10, 10, 20], &[0.0, 1.0, 2.0, 3.0]);
    assert_values(
        &replace(vec![(b("00:10"), b("00:10"))], NAN, dup),
        &[0.0, NAN, NAN, 3.0],
    );
    let tz = zone("America/Toronto");
    let s = Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(
            vec![
                Timestamp::parse("2020-01-01 01:00", Some(tz))
                    .unwrap()
                    .nanos,
            ],
            Some(tz),
        ),
        vec![1.0],
    )
    .unwrap();
    assert_values(
        &replace(vec![(b("01:00"), b("01:00"))], NAN, s.clone()),
        &[NAN],
    );
    let e = ReplaceRanges::new([(ts("2020-01-01 01:00"), ts("2020-01-01 02:00"))], "r")
        .apply(&[s])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(replace(vec![(b("00:00"), b("00:10"))], NAN, naive(&[], &[])).is_empty());
}

#[test]
fn replace_label_semantics_on_numeric_index_and_dtypes() {
    let s = Series::from_f64("A#1_RAW#1", Index::range(4), vec![0.0, 1.0, 2.0, 3.0]).unwrap();
    assert_values(
        &replace(vec![(1i64.into(), 2i64.into())], NAN, s),
        &[0.0, NAN, NAN, 3.0],
    );
    let ints = || {
        Series::new(
            "A#1_RAW#1",
            Index::range(3),
            Arc::new(Int64Array::from(vec![1, 2, 3])),
        )
        .unwrap()
    };
    let out = run1(&ReplaceRanges::new([(0i64, 0i64)], "r"), ints());
    assert_eq!(out.values_dtype(), "float64");
    let out = run1(
        &ReplaceRanges::new([(0i64, 0i64)], "r").with_value(7.0),
        ints(),
    );
    assert_eq!(out.values_dtype(), "int64");
    let e = ReplaceRanges::new([(0i64, 0i64)], "r")
        .with_value(2.5)
        .apply(&[ints()])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn replace_recorded_step() {
    let out = ReplaceRanges::new([(at_text("00:10"), at_text("00:20"))], "sensor calibration")
        .apply(&[ten_minutes()])
        .unwrap();
    let step = &out[0].steps[0];
    assert_eq!(out[0].series.name(), "A#1_REPLACED-RANGES");
    assert_eq!(step.step_type, ProcessingType::Filtering);
    assert_eq!(step.suffix, "REPLACED-RANGES");
    assert_eq!(step.function_info.name, "replace_ranges");
    let p = step.parameters.as_ref().unwrap();
    assert_eq!(
        p.get("index_pairs"),
        Some(&ParameterValue::List(vec![ParameterValue::List(vec![
            ParameterValue::from("2020-01-01 00:10"),
            ParameterValue::from("2020-01-01 00:20")
        ])]))
    );
    assert_eq!(
        p.get("reason"),
        Some(&ParameterValue::from("sensor calibration"))
    );
    assert_eq!(p.get("replace_with"), Some(&ParameterValue::from("nan")));
    let out = ReplaceRanges::new([(at_text("00:10"), at_text("00:20"))], "x")
        .with_value(9.5)
        .apply(&[ten_minutes()])
        .unwrap();
    assert_eq!(
        out[0].steps[0]
            .parameters
            .as_ref()
            .unwrap()
            .get("replace_with"),
        Some(&ParameterValue::Float(9.5))
    );
}
