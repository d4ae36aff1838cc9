//! The normalize (§2.6) and average_signals (§2.7) tables, exactly.

mod common;
use common::*;
use meteaudata_core::arrow_array::{Array, DurationNanosecondArray, Float64Array, Int64Array};
use meteaudata_core::{
    DataProvenance, Dataset, DatasetProcessOptions, DatasetTransform, ErrorKind, Index, IndexData,
    ParameterValue, ProcessingType, Series, Signal, Timestamp, Transform,
};
use meteaudata_processing::{AverageSignals, NormalizeIndexToNumericDelta};
use std::sync::Arc;

fn index_numbers(s: &Series) -> Vec<f64> {
    match s.index().data() {
        IndexData::Float(a) => a.iter().map(|x| x.unwrap_or(f64::NAN)).collect(),
        other => panic!("not a float index: {other:?}"),
    }
}

fn input() -> Series {
    naive(
        &[
            t("2020-01-01 00:00"),
            t("2020-01-01 00:30"),
            t("2020-01-01 01:30"),
            t("2020-01-02 00:00"),
        ],
        &[1.0, 2.0, 3.0, 4.0],
    )
}

fn norm(n: NormalizeIndexToNumericDelta, s: Series) -> (Vec<f64>, meteaudata_core::ProcessingStep) {
    let mut out = n.apply(&[s]).unwrap();
    let o = out.remove(0);
    (index_numbers(&o.series), o.steps[0].clone())
}

#[test]
fn units() {
    let cases: [(&str, [f64; 4]); 11] = [
        ("D", [0.0, 0.020833333333333332, 0.0625, 1.0]),
        ("days", [0.0, 0.020833333333333332, 0.0625, 1.0]),
        ("h", [0.0, 0.5, 1.5, 24.0]),
        ("hours", [0.0, 0.5, 1.5, 24.0]),
        ("min", [0.0, 30.0, 90.0, 1440.0]),
        ("s", [0.0, 1800.0, 5400.0, 86400.0]),
        ("ms", [0.0, 1.8e6, 5.4e6, 8.64e7]),
        ("us", [0.0, 1.8e9, 5.4e9, 8.64e10]),
        ("ns", [0.0, 1.8e12, 5.4e12, 8.64e13]),
        ("seconds", [0.0, 1800.0, 5400.0, 86400.0]),
        ("minutes", [0.0, 30.0, 90.0, 1440.0]),
    ];
    for (unit, expected) in cases {
        let (idx, step) = norm(NormalizeIndexToNumericDelta::new(unit).unwrap(), input());
        assert_values(&idx, &expected);
        assert_eq!(
            step.parameters.as_ref().unwrap().get("unit"),
            Some(&ParameterValue::from(unit))
        );
    }
    for bad in ["H", "m", "sec"] {
        let e = NormalizeIndexToNumericDelta::new(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(
            e.to_string().contains("Must be one of: D, days, h, hours"),
            "{e}"
        );
    }
    let (idx, _) = norm(NormalizeIndexToNumericDelta::default(), input());
    assert_values(&idx, &[0.0, 1800.0, 5400.0, 86400.0]);
}

#[test]
fn references() {
    let h = || NormalizeIndexToNumericDelta::new("h").unwrap();
    let (idx, step) = norm(h(), input());
    assert_values(&idx, &[0.0, 0.5, 1.5, 24.0]);
    let p = step.parameters.unwrap();
    assert_eq!(
        p.get("reference_time"),
        Some(&ParameterValue::DateTime(ts("2020-01-01 00:00")))
    );
    assert_eq!(
        p.get("original_index_type"),
        Some(&ParameterValue::from("DatetimeIndex"))
    );
    assert_eq!(step.step_type, ProcessingType::Transformation);
    assert_eq!(step.suffix, "NORM");
    assert_eq!(
        step.description,
        "Normalized index from DatetimeIndex to numeric values (unit=h)"
    );

    let (idx, step) = norm(h().with_reference("2019-12-31 23:00"), input());
    assert_values(&idx, &[1.0, 1.5, 2.5, 25.0]);
    assert_eq!(
        step.parameters.unwrap().get("reference_time"),
        Some(&ParameterValue::DateTime(ts("2019-12-31 23:00")))
    );
    let (idx, _) = norm(h().with_reference("2020-01-01 01:00"), input());
    assert_values(&idx, &[-1.0, -0.5, 0.5, 23.0]);
    let (idx, _) = norm(h().with_reference(ts("2020-01-01 06:00")), input());
    assert_values(&idx, &[-6.0, -5.5, -4.5, 18.0]);
    // A zoned reference on a naive index keeps its wall-clock time.
    let tz = zone("America/Toronto");
    let (idx, step) = norm(
        h().with_reference(Timestamp::parse("2020-01-01 06:00", Some(tz)).unwrap()),
        input(),
    );
    assert_values(&idx, &[-6.0, -5.5, -4.5, 18.0]);
    assert_eq!(
        step.parameters.unwrap().get("reference_time"),
        Some(&ParameterValue::DateTime(ts("2020-01-01 06:00")))
    );
    let (idx, _) = norm(h().with_reference("2020-01-01T06:00-05:00"), input());
    assert_values(&idx, &[-6.0, -5.5, -4.5, 18.0]);
    let e = h().with_reference("nope").apply(&[input()]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Parse);
}

#[test]
fn zoned_index_true_elapsed_time_over_dst() {
    let tz = zone("America/Toronto");
    let times = [
        "2020-03-08T00:00:00-05:00",
        "2020-03-08T04:00:00-04:00",
        "2020-03-09T00:00:00-04:00",
    ]
    .map(|x| Timestamp::parse(x, Some(tz)).unwrap().nanos);
    let s = Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(times.to_vec(), Some(tz)),
        vec![1.0, 2.0, 3.0],
    )
    .unwrap();
    let h = || NormalizeIndexToNumericDelta::new("h").unwrap();
    let (idx, step) = norm(h(), s.clone());
    assert_values(&idx, &[0.0, 3.0, 23.0]);
    assert_eq!(
        step.parameters.unwrap().get("reference_time"),
        Some(&ParameterValue::DateTime(
            Timestamp::parse("2020-03-08T00:00:00-05:00", Some(tz)).unwrap()
        ))
    );
    let (idx, _) = norm(h().with_reference("2020-03-08"), s.clone());
    assert_values(&idx, &[0.0, 3.0, 23.0]);
    let (idx, step) = norm(h().with_reference("2020-03-08T05:00:00Z"), s);
    assert_values(&idx, &[0.0, 3.0, 23.0]);
    assert_eq!(
        step.parameters.unwrap().get("reference_time"),
        Some(&ParameterValue::DateTime(
            Timestamp::parse("2020-03-08T05:00:00+00:00", None).unwrap()
        ))
    );
}

#[test]
fn numeric_indexes_are_copied() {
    let m = || NormalizeIndexToNumericDelta::new("min").unwrap();
    let (idx, step) = norm(
        m(),
        Series::from_f64("A#1_RAW#1", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap(),
    );
    assert_values(&idx, &[0.0, 1.0, 2.0]);
    let p = step.parameters.unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(
        p.get("original_index_type"),
        Some(&ParameterValue::from("RangeIndex"))
    );
    let (idx, step) = norm(
        m().with_reference("2020-01-01"),
        Series::from_f64(
            "A#1_RAW#1",
            Index::ints(vec![10, 20, 5]),
            vec![1.0, 2.0, 3.0],
        )
        .unwrap(),
    );
    assert_values(&idx, &[10.0, 20.0, 5.0]);
    assert_eq!(step.parameters.unwrap().get("reference_time"), None);
    let (idx, _) = norm(
        m(),
        Series::from_f64("A#1_RAW#1", Index::floats(vec![0.5, 1.5]), vec![1.0, 2.0]).unwrap(),
    );
    assert_values(&idx, &[0.5, 1.5]);
}

#[test]
fn unsorted_duplicates_nat_precision_empty() {
    let h = || NormalizeIndexToNumericDelta::new("h").unwrap();
    let (idx, _) = norm(h(), minutes(&[120, 0, 60], &[1.0, 2.0, 3.0]));
    assert_values(&idx, &[0.0, -2.0, -1.0]);
    let (idx, _) = norm(h(), minutes(&[0, 0, 60], &[1.0, 2.0, 3.0]));
    assert_values(&idx, &[0.0, 0.0, 1.0]);
    let with_nat = meteaudata_core::arrow_array::TimestampNanosecondArray::from(vec![
        Some(at(0)),
        None,
        Some(at(60)),
    ]);
    let s = Series::from_f64(
        "A#1_RAW#1",
        Index::new(IndexData::DateTime {
            values: with_nat,
            tz: None,
        })
        .unwrap(),
        vec![1.0, 2.0, 3.0],
    )
    .unwrap();
    let (idx, _) = norm(h(), s);
    assert_values(&idx, &[0.0, NAN, 1.0]);
    let ns = || NormalizeIndexToNumericDelta::new("ns").unwrap();
    let (idx, _) = norm(ns(), naive(&[0, 1], &[1.0, 2.0]));
    assert_values(&idx, &[0.0, 1.0]);
    let far = t("2262-01-01") + 1;
    let (idx, _) = norm(ns(), naive(&[0, far], &[1.0, 2.0]));
    assert_eq!(idx[1], 9.214646400000001e18);
    let (idx, step) = norm(h(), naive(&[], &[]));
    assert!(idx.is_empty());
    assert_eq!(
        step.parameters.unwrap().get("reference_time"),
        Some(&ParameterValue::from("first_index"))
    );
}

#[test]
fn other_index_kinds_are_errors_and_each_series_has_its_own_step() {
    let td = Index::new(IndexData::Timedelta(DurationNanosecondArray::from(vec![0]))).unwrap();
    let e = NormalizeIndexToNumericDelta::default()
        .apply(&[Series::from_f64("A#1_RAW#1", td, vec![1.0]).unwrap()])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.to_string().contains("TimedeltaIndex"), "{e}");
    let strs = Series::from_f64("A#1_RAW#1", Index::strings(&["a"]), vec![1.0]).unwrap();
    assert!(NormalizeIndexToNumericDelta::default()
        .apply(&[strs])
        .is_err());
    let out = NormalizeIndexToNumericDelta::default()
        .apply(&[
            minutes(&[0, 1], &[1.0, 2.0]),
            minutes(&[5, 6], &[1.0, 2.0]).with_name("A#1_B#1"),
        ])
        .unwrap();
    assert_eq!(out[0].steps[0].input_series_names, ["A#1_RAW#1"]);
    assert_eq!(out[1].steps[0].input_series_names, ["A#1_B#1"]);
    assert_eq!(
        out[1].steps[0]
            .parameters
            .as_ref()
            .unwrap()
            .get("reference_time"),
        Some(&ParameterValue::DateTime(Timestamp {
            nanos: at(5),
            tz: None
        }))
    );
    assert_eq!(out[1].series.index().frequency(), None);
}

// ---------- average_signals ----------

fn signal(name: &str, units: &str, s: Series) -> Signal {
    Signal::new(name, units)
        .unwrap()
        .with_provenance(DataProvenance {
            parameter: Some(name.into()),
            ..Default::default()
        })
        .with_series(s.with_name("RAW"))
        .unwrap()
}

fn a1() -> (Signal, Signal) {
    let a = minutes(&[0, 10, 20, 30], &[1.0, 2.0, NAN, 4.0]);
    let a = Series::new(
        a.name(),
        a.index().clone().with_frequency("10min"),
        a.values().clone(),
    )
    .unwrap();
    let b = minutes(&[10, 20, 30, 40], &[10.0, NAN, 30.0, 40.0]);
    let b = Series::new(
        b.name(),
        b.index().clone().with_frequency("10min"),
        b.values().clone(),
    )
    .unwrap();
    (signal("A", "mg/L", a), signal("B", "mg/L", b))
}

fn average(
    sigs: &[Signal],
    names: &[&str],
    tr: &AverageSignals,
) -> meteaudata_core::Result<Series> {
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let out = tr.apply(sigs, &names)?;
    assert_eq!(out.len(), 1);
    Ok(out[0].get("AVERAGE#1_RAW#1")?.series()?.clone())
}

#[test]
fn a1_outer_union_nan_skipping_mean_through_dataset_process() {
    let (a, b) = a1();
    let mut ds = Dataset::new("plant").unwrap().with_signals([a, b]).unwrap();
    let out = ds
        .process(
            &["A#1_RAW#1", "B#1_RAW#1"],
            &AverageSignals::new(),
            DatasetProcessOptions::new(),
        )
        .unwrap();
    assert_eq!(out, ["AVERAGE#1"]);
    let sig = ds.signal("AVERAGE#1").unwrap();
    assert_eq!(sig.units, "mg/L");
    assert_eq!(sig.provenance.parameter.as_deref(), Some("A"));
    let ts = sig.get("AVERAGE#1_RAW#1").unwrap();
    let s = ts.series().unwrap();
    assert_values(&values(s), &[1.0, 6.0, NAN, 17.0, 40.0]);
    assert_eq!(labels(s)[4], "2020-01-01T00:40:00");
    assert_eq!(s.index().frequency(), Some("10min"));
    let step = ts.processing_steps.last().unwrap();
    assert_eq!(step.step_type, ProcessingType::DimensionalityReduction);
    assert_eq!(step.suffix, "RAW");
    assert_eq!(step.function_info.name, "Signal Averaging");
    assert_eq!(step.input_series_names, ["A#1_RAW#1", "B#1_RAW#1"]);
    let p = step.parameters.as_ref().unwrap();
    assert_eq!(p.get("check_units"), Some(&ParameterValue::Bool(true)));
    assert_eq!(p.get("final_provenance"), Some(&ParameterValue::Null));
    // Repeated calls number the new signal; custom names work; underscores do not.
    let out = ds
        .process(
            &["A#1_RAW#1", "B#1_RAW#1"],
            &AverageSignals::new(),
            DatasetProcessOptions::new(),
        )
        .unwrap();
    assert_eq!(out, ["AVERAGE#2"]);
    let out = ds
        .process(
            &["A#1_RAW#1"],
            &AverageSignals::new(),
            DatasetProcessOptions::new()
                .output_signal_names(["site-avg"])
                .output_ts_names(["mean"]),
        )
        .unwrap();
    assert_eq!(out, ["site-avg#1"]);
    ds.signal("site-avg#1")
        .unwrap()
        .get("site-avg#1_mean#1")
        .unwrap();
    let e = ds
        .process(
            &["A#1_RAW#1"],
            &AverageSignals::new(),
            DatasetProcessOptions::new().output_signal_names(["my_avg"]),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidName);
}

#[test]
fn units_checked_or_first_taken() {
    let (a, b) = a1();
    let mut b2 = b.clone();
    b2.units = "g/m3".into();
    let e = average(
        &[a.clone(), b2.clone()],
        &["A#1_RAW#1", "B#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(
        e.to_string().contains("Signals have different units"),
        "{e}"
    );
    let names = ["A#1_RAW#1".to_string(), "B#1_RAW#1".to_string()];
    let prov = DataProvenance {
        project: Some("p".into()),
        ..Default::default()
    };
    let tr = AverageSignals::new()
        .check_units(false)
        .with_provenance(prov.clone());
    let out = tr
        .apply(&[b2, a], &[names[1].clone(), names[0].clone()])
        .unwrap();
    assert_eq!(out[0].units, "g/m3");
    assert_eq!(out[0].provenance, prov);
    let p = out[0].get("AVERAGE#1_RAW#1").unwrap().processing_steps[0]
        .parameters
        .clone()
        .unwrap();
    assert_eq!(p.get("check_units"), Some(&ParameterValue::Bool(false)));
    assert!(matches!(
        p.get("final_provenance"),
        Some(ParameterValue::Map(_))
    ));
}

#[test]
fn other_average_cases() {
    let (a, b) = a1();
    let same = average(
        &[a.clone(), a.clone()],
        &["A#1_RAW#1", "A#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap();
    assert_values(&values(&same), &[1.0, 2.0, NAN, 4.0]);
    let single = average(
        std::slice::from_ref(&b),
        &["B#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap();
    assert_values(&values(&single), &[10.0, NAN, 30.0, 40.0]);
    let ints = |v: Vec<i64>| {
        Series::new(
            "RAW",
            Index::datetime_nanos(vec![at(0), at(10)], None),
            Arc::new(Int64Array::from(v)),
        )
        .unwrap()
    };
    let out = average(
        &[
            signal("I", "u", ints(vec![1, 2])),
            signal("J", "u", ints(vec![2, 4])),
        ],
        &["I#1_RAW#1", "J#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap();
    assert_values(&values(&out), &[1.5, 3.0]);
    assert!(out.values().as_any().is::<Float64Array>());
    let empty = signal("E", "mg/L", naive(&[], &[]));
    let out = average(
        &[empty.clone(), b.clone()],
        &["E#1_RAW#1", "B#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap();
    assert_values(&values(&out), &[10.0, NAN, 30.0, 40.0]);
    let out = average(
        &[empty.clone(), empty],
        &["E#1_RAW#1", "E#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap();
    assert!(out.is_empty());
    assert_eq!(out.values_dtype(), "float64");
    let uns = signal("U", "u", minutes(&[20, 0], &[3.0, 1.0]));
    let other = signal("V", "u", minutes(&[10, 20], &[10.0, 30.0]));
    let out = average(
        &[uns, other],
        &["U#1_RAW#1", "V#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap();
    assert_values(&values(&out), &[1.0, 10.0, 16.5]);
    assert_eq!(
        labels(&out),
        [
            "2020-01-01T00:00:00",
            "2020-01-01T00:10:00",
            "2020-01-01T00:20:00"
        ]
    );
}

#[test]
fn zones_and_index_errors() {
    let h = 3_600_000_000_000;
    let utc = Series::from_f64(
        "RAW",
        Index::datetime_nanos(
            vec![t("2020-01-01"), t("2020-01-01") + h],
            Some(zone("UTC")),
        ),
        vec![1.0, 2.0],
    )
    .unwrap();
    let tor = Series::from_f64(
        "RAW",
        Index::datetime_nanos(
            vec![t("2020-01-01"), t("2020-01-01") + h],
            Some(zone("America/Toronto")),
        ),
        vec![10.0, 20.0],
    )
    .unwrap();
    assert_eq!(tor.index().label(0), "2019-12-31T19:00:00-05:00");
    let out = average(
        &[signal("A", "u", utc), signal("B", "u", tor)],
        &["A#1_RAW#1", "B#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap();
    assert_values(&values(&out), &[5.5, 11.0]);
    assert_eq!(
        labels(&out),
        ["2020-01-01T00:00:00+00:00", "2020-01-01T01:00:00+00:00"]
    );
    let naive_one = signal("N", "u", minutes(&[0], &[1.0]));
    let zoned = Series::from_f64(
        "RAW",
        Index::datetime_nanos(vec![0], Some(zone("UTC"))),
        vec![1.0],
    )
    .unwrap();
    let e = average(
        &[naive_one, signal("Z", "u", zoned)],
        &["N#1_RAW#1", "Z#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    let numeric = signal(
        "R",
        "u",
        Series::from_f64("RAW", Index::range(2), vec![1.0, 2.0]).unwrap(),
    );
    let e = average(&[numeric], &["R#1_RAW#1"], &AverageSignals::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    // Duplicate timestamps inside one input are averaged first (upstream raises).
    let dup = signal("D", "u", minutes(&[0, 0, 10], &[1.0, 3.0, 5.0]));
    let other = signal("O", "u", minutes(&[0], &[10.0]));
    let out = average(
        &[dup, other],
        &["D#1_RAW#1", "O#1_RAW#1"],
        &AverageSignals::new(),
    )
    .unwrap();
    assert_values(&values(&out), &[6.0, 5.0]);
}
