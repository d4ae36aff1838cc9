//! Every row of the resample table (processing-viz §2.1), exactly.

mod common;
use common::*;
use meteaudata_core::arrow_array::{BooleanArray, DurationNanosecondArray, Int64Array};
use meteaudata_core::{
    ErrorKind, Index, IndexData, ParameterValue, ProcessOptions, ProcessingType, Series, Signal,
    Transform,
};
use meteaudata_processing::Resample;
use std::sync::Arc;

fn resample(f: &str, s: Series) -> Series {
    run1(&Resample::new(f).unwrap(), s)
}

#[test]
fn r1_six_minute_data_with_nan_to_15min_and_recorded_step() {
    let raw = minutes(
        &[0, 6, 12, 18, 24, 30, 36, 42],
        &[1.0, 2.0, NAN, 4.0, 5.0, NAN, NAN, 8.0],
    );
    let mut signal = Signal::new("A", "mg/L")
        .unwrap()
        .with_series(raw.with_name("RAW"))
        .unwrap();
    let out = signal
        .process(
            &["A#1_RAW#1"],
            &Resample::new("15min").unwrap(),
            ProcessOptions::new(),
        )
        .unwrap();
    assert_eq!(out, ["A#1_RESAMPLED#1"]);
    let ts = signal.get("A#1_RESAMPLED#1").unwrap();
    let s = ts.series().unwrap();
    assert_values(&values(s), &[1.5, 4.5, 8.0]);
    assert_eq!(
        labels(s),
        [
            "2020-01-01T00:00:00",
            "2020-01-01T00:15:00",
            "2020-01-01T00:30:00"
        ]
    );
    assert_eq!(s.index().frequency(), Some("15min"));
    assert_eq!(ts.index_metadata().frequency.as_deref(), Some("15min"));
    let step = &ts.processing_steps[0];
    assert_eq!(step.step_type, ProcessingType::Resampling);
    assert_eq!(step.suffix, "RESAMPLED");
    assert_eq!(step.step_distance, 0);
    assert_eq!(step.input_series_names, ["A#1_RAW#1"]);
    assert_eq!(step.function_info.name, "resample");
    assert_eq!(
        step.description,
        "A simple processing function that resamples a series to a given frequency"
    );
    let p = step.parameters.as_ref().unwrap();
    assert_eq!(p.get("frequency"), Some(&ParameterValue::from("15min")));
    assert_eq!(p.len(), 1);
    // The unnumbered output name of the transform itself.
    let direct = Resample::new("15min")
        .unwrap()
        .apply(&[minutes(&[0], &[1.0])])
        .unwrap();
    assert_eq!(direct[0].series.name(), "A#1_RESAMPLED");
}

#[test]
fn r2_irregular_start_left_closed_bins() {
    let s = naive(
        &[
            at(3),
            at(9),
            at(10),
            t("2020-01-01 00:19:59"),
            at(20),
            at(41),
        ],
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
    );
    let out = resample("10min", s);
    assert_values(&values(&out), &[1.5, 3.5, 5.0, NAN, 6.0]);
    assert_eq!(
        labels(&out),
        [
            "2020-01-01T00:00:00",
            "2020-01-01T00:10:00",
            "2020-01-01T00:20:00",
            "2020-01-01T00:30:00",
            "2020-01-01T00:40:00"
        ]
    );
}

#[test]
fn upsample_gives_nan_bins() {
    let out = resample("5min", minutes(&[0, 10, 20], &[1.0, 2.0, 3.0]));
    assert_values(&values(&out), &[1.0, NAN, 2.0, NAN, 3.0]);
    assert_eq!(out.index().label(1), "2020-01-01T00:05:00");
}

#[test]
fn unsorted_input_gives_sorted_output() {
    let out = resample("10min", minutes(&[20, 0, 10, 5], &[3.0, 1.0, 2.0, 1.5]));
    assert_values(&values(&out), &[1.25, 2.0, 3.0]);
    assert_eq!(labels(&out)[0], "2020-01-01T00:00:00");
}

#[test]
fn duplicates_are_averaged_with_their_bin() {
    let out = resample("10min", minutes(&[0, 0, 10, 10], &[1.0, 3.0, 10.0, 20.0]));
    assert_values(&values(&out), &[2.0, 15.0]);
}

#[test]
fn all_nan_first_bin() {
    let out = resample("10min", minutes(&[0, 5, 10, 15], &[NAN, NAN, 3.0, NAN]));
    assert_values(&values(&out), &[NAN, 3.0]);
}

#[test]
fn toronto_daily_bins_at_local_midnight_across_dst() {
    let tz = zone("America/Toronto");
    let start = meteaudata_core::Timestamp::parse("2020-03-07 12:00", Some(tz))
        .unwrap()
        .nanos;
    let times: Vec<i64> = (0..6).map(|k| start + k * 12 * 3_600_000_000_000).collect();
    let s = Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(times, Some(tz)),
        (0..6).map(f64::from).collect(),
    )
    .unwrap();
    let out = resample("1D", s);
    assert_values(&values(&out), &[0.0, 1.5, 3.5, 5.0]);
    assert_eq!(
        labels(&out),
        [
            "2020-03-07T00:00:00-05:00",
            "2020-03-08T00:00:00-05:00",
            "2020-03-09T00:00:00-04:00",
            "2020-03-10T00:00:00-04:00"
        ]
    );
    assert_eq!(out.index().time_zone(), Some(tz));
    assert_eq!(out.index().frequency(), Some("D"));
}

#[test]
fn timedelta_index_grid_starts_at_first_value() {
    let m = 60_000_000_000i64;
    let idx = Index::new(IndexData::Timedelta(DurationNanosecondArray::from(vec![
        3 * m,
        9 * m,
        14 * m,
    ])))
    .unwrap();
    let out = resample(
        "10min",
        Series::from_f64("A#1_RAW#1", idx, vec![1.0, 2.0, 3.0]).unwrap(),
    );
    assert_values(&values(&out), &[1.5, 3.0]);
    match out.index().data() {
        IndexData::Timedelta(a) => assert_eq!(a.values(), &[3 * m, 13 * m]),
        other => panic!("{other:?}"),
    }
    // Calendar frequencies need datetimes.
    let idx = Index::new(IndexData::Timedelta(DurationNanosecondArray::from(vec![0]))).unwrap();
    let e = Resample::new("ME")
        .unwrap()
        .apply(&[Series::from_f64("x", idx, vec![1.0]).unwrap()])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn seven_minute_bins_from_midnight() {
    let out = resample("7min", minutes(&[7, 20, 44], &[1.0, 2.0, 3.0]));
    assert_values(&values(&out), &[1.0, 2.0, NAN, NAN, NAN, 3.0]);
    assert_eq!(labels(&out)[0], "2020-01-01T00:07:00");
    assert_eq!(labels(&out)[5], "2020-01-01T00:42:00");
}

fn daily(from: &str, n: i64) -> Series {
    let start = t(from);
    naive(
        &(0..n)
            .map(|k| start + k * 86_400_000_000_000)
            .collect::<Vec<_>>(),
        &(1..=n).map(|v| v as f64).collect::<Vec<_>>(),
    )
}

#[test]
fn weekly_bins_end_on_sunday() {
    let out = resample("W", daily("2020-01-02", 10));
    assert_values(&values(&out), &[2.5, 7.5]);
    assert_eq!(labels(&out), ["2020-01-05T00:00:00", "2020-01-12T00:00:00"]);
    assert_eq!(out.index().frequency(), Some("W-SUN"));
}

#[test]
fn two_and_seven_day_bins() {
    let out = resample("2D", daily("2020-01-02", 10));
    assert_values(&values(&out), &[1.5, 3.5, 5.5, 7.5, 9.5]);
    assert_eq!(labels(&out)[1], "2020-01-04T00:00:00");
    let out = resample("7D", daily("2020-01-02", 10));
    assert_values(&values(&out), &[4.0, 9.0]);
    assert_eq!(labels(&out), ["2020-01-02T00:00:00", "2020-01-09T00:00:00"]);
}

#[test]
fn month_end_and_month_start() {
    let out = resample("ME", daily("2020-01-30", 70));
    assert_values(&values(&out), &[1.5, 17.0, 47.0, 66.5]);
    assert_eq!(
        labels(&out),
        [
            "2020-01-31T00:00:00",
            "2020-02-29T00:00:00",
            "2020-03-31T00:00:00",
            "2020-04-30T00:00:00"
        ]
    );
    let out = resample("MS", daily("2020-01-30", 70));
    assert_values(&values(&out), &[1.5, 17.0, 47.0, 66.5]);
    assert_eq!(
        labels(&out),
        [
            "2020-01-01T00:00:00",
            "2020-02-01T00:00:00",
            "2020-03-01T00:00:00",
            "2020-04-01T00:00:00"
        ]
    );
}

#[test]
fn integers_become_floats() {
    let s = Series::new(
        "A#1_RAW#1",
        Index::datetime_nanos(vec![at(0), at(5), at(10), at(15)], None),
        Arc::new(Int64Array::from(vec![1, 2, 3, 4])),
    )
    .unwrap();
    let out = resample("10min", s);
    assert_values(&values(&out), &[1.5, 3.5]);
    assert_eq!(out.values_dtype(), "float64");
}

#[test]
fn booleans_are_averaged_as_zero_one() {
    let s = Series::new(
        "A#1_RAW#1",
        Index::datetime_nanos(vec![at(0), at(5), at(10), at(15)], None),
        Arc::new(BooleanArray::from(vec![true, false, true, true])),
    )
    .unwrap();
    assert_values(&values(&resample("10min", s)), &[0.5, 1.0]);
}

#[test]
fn empty_series_gives_empty_floats_with_frequency() {
    let out = resample("10min", naive(&[], &[]));
    assert!(out.is_empty());
    assert_eq!(out.values_dtype(), "float64");
    assert_eq!(out.index().frequency(), Some("10min"));
    assert!(matches!(out.index().data(), IndexData::DateTime { .. }));
}

#[test]
fn range_index_is_an_error() {
    let s = Series::from_f64("A#1_RAW#1", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap();
    let e = Resample::new("h").unwrap().apply(&[s]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("RangeIndex"), "{e}");
}

#[test]
fn strings_are_an_error() {
    let s = Series::new(
        "A#1_RAW#1",
        Index::datetime_nanos(vec![0], None),
        Arc::new(meteaudata_core::arrow_array::StringArray::from(vec!["a"])),
    )
    .unwrap();
    let e = Resample::new("h").unwrap().apply(&[s]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn frequency_validity() {
    for ok in [
        "h", "2h", "1D", "D", "W", "ME", "MS", "5min", "QE", "QS", "YE", "YS", "ms", "us", "ns",
        "s",
    ] {
        Resample::new(ok).unwrap();
    }
    for bad in ["5minutes", "bogus", "", "0min"] {
        let e = Resample::new(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{bad}");
        assert!(e.to_string().contains("Invalid frequency"), "{e}");
    }
    // Old aliases are read (pandas 3 rejects them); the parameter is kept verbatim and the index
    // records the canonical alias.
    let out = Resample::new("1H")
        .unwrap()
        .apply(&[minutes(&[0, 70], &[1.0, 2.0])])
        .unwrap();
    assert_eq!(out[0].series.index().frequency(), Some("h"));
    assert_eq!(
        out[0].steps[0]
            .parameters
            .as_ref()
            .unwrap()
            .get("frequency"),
        Some(&ParameterValue::from("1H"))
    );
    let out = resample("5T", minutes(&[0, 7], &[1.0, 2.0]));
    assert_eq!(out.index().frequency(), Some("5min"));
}

#[test]
fn quarter_and_year_bins() {
    let out = resample("QE", daily("2020-03-30", 5));
    assert_values(&values(&out), &[1.5, 4.0]);
    assert_eq!(labels(&out), ["2020-03-31T00:00:00", "2020-06-30T00:00:00"]);
    assert_eq!(out.index().frequency(), Some("QE-DEC"));
    let out = resample("YS", daily("2019-12-31", 3));
    assert_values(&values(&out), &[1.0, 2.5]);
    assert_eq!(labels(&out), ["2019-01-01T00:00:00", "2020-01-01T00:00:00"]);
}

#[test]
fn every_input_gets_its_own_output_and_the_step_lists_all_inputs() {
    let a = minutes(&[0, 5], &[1.0, 2.0]);
    let b = minutes(&[0, 5], &[3.0, 5.0]).with_name("A#1_OTHER#2");
    let out = Resample::new("10min").unwrap().apply(&[a, b]).unwrap();
    assert_eq!(out.len(), 2);
    assert_values(&values(&out[1].series), &[4.0]);
    assert_eq!(
        out[0].steps[0].input_series_names,
        ["A#1_RAW#1", "A#1_OTHER#2"]
    );
}

#[test]
fn extreme_inputs_are_errors_not_panics() {
    let far = naive(&[i64::MIN + 1, 0, i64::MAX], &[1.0, 2.0, 3.0]);
    for f in [
        "ns",
        "1h",
        "D",
        "W",
        "ME",
        "QS",
        "YE",
        "999999YE",
        "106752D",
        "9999999999h",
    ] {
        if let Ok(tr) = Resample::new(f) {
            let _ = tr.apply(std::slice::from_ref(&far));
        }
    }
    assert!(Resample::new("1000001ME").is_err());
    let tz = zone("Europe/Paris");
    let zoned = Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(vec![i64::MIN + 1, i64::MAX], Some(tz)),
        vec![1.0, 2.0],
    )
    .unwrap();
    for f in ["D", "ME", "h"] {
        let _ = Resample::new(f)
            .unwrap()
            .apply(std::slice::from_ref(&zoned));
    }
}
