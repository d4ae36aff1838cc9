//! Every metadata file Python meteaudata 0.12.1 wrote (fixtures/python-samples) parses into the model
//! with the expected contents, and the JSON samples load.

mod common;

use meteaudata_core::metadata::{DatasetMetadata, SignalMetadata};
use meteaudata_core::{Dataset, ProcessingType, Series, Signal, TimeSeries};
use std::fs;

fn read(rel: &str) -> String {
    let p = common::samples_dir().join(rel);
    fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Builds a signal from its sidecar with empty placeholder data.
fn signal_from(meta: SignalMetadata) -> Signal {
    meta.into_signal(|key, doc| Ok(doc.into_time_series(Series::empty(key))))
        .unwrap()
}

#[test]
fn every_sample_yaml_parses() {
    let mut count = 0;
    for entry in walk(&common::samples_dir()) {
        if entry.extension().is_some_and(|e| e == "yaml") {
            let text = fs::read_to_string(&entry).unwrap();
            let ok = if entry
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("reactor_")
            {
                DatasetMetadata::from_yaml(&text).map(|_| ())
            } else {
                SignalMetadata::from_yaml(&text).map(|_| ())
            };
            ok.unwrap_or_else(|e| panic!("{}: {e}", entry.display()));
            count += 1;
        }
    }
    assert_eq!(count, 18, "expected the 18 sample sidecars");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn signal_sidecar_contents() {
    let meta = SignalMetadata::from_yaml(&read("signal_dir/Temperature#1_metadata.yaml")).unwrap();
    assert_eq!(meta.units, "°C");
    assert_eq!(meta.provenance.metadata_id.as_deref(), Some("temp_001"));
    assert_eq!(meta.created_on.to_string(), "2026-11-24T21:58:19.535030");
    let sig = signal_from(meta);
    assert_eq!(sig.name(), "Temperature#1");
    assert_eq!(
        sig.all_time_series(),
        [
            "Temperature#1_LIN-INT#1",
            "Temperature#1_RAW#1",
            "Temperature#1_RESAMPLED#1"
        ]
    );
    let lin = sig.get("Temperature#1_LIN-INT#1").unwrap();
    assert_eq!(lin.processing_steps.len(), 2);
    let resample = &lin.processing_steps[0];
    assert_eq!(resample.step_type, ProcessingType::Resampling);
    assert_eq!(resample.suffix, "RESAMPLED");
    assert_eq!(resample.input_series_names, ["Temperature#1_RAW#1"]);
    assert_eq!(
        resample
            .parameters
            .as_ref()
            .unwrap()
            .get("frequency")
            .unwrap()
            .as_str(),
        Some("2h")
    );
    assert_eq!(resample.function_info.version, "0.1");
    assert!(resample
        .function_info
        .source_code
        .as_ref()
        .unwrap()
        .starts_with("def resample("));
    let interp = &lin.processing_steps[1];
    assert_eq!(
        interp.parameters.as_ref().map(|p| p.len()),
        Some(0),
        "parameters: {{}} is kept apart from null"
    );
    assert_eq!(lin.index_metadata().frequency.as_deref(), Some("2h"));
    assert_eq!(lin.index_metadata().dtype, "datetime64[us]");
    assert_eq!(lin.values_dtype(), "float64");
}

#[test]
fn dataset_sidecar_contents() {
    let meta =
        DatasetMetadata::from_yaml(&read("dataset_zip/extracted/reactor_metadata.yaml")).unwrap();
    assert_eq!(meta.name, "reactor");
    assert_eq!(meta.owner.as_deref(), Some("Research team"));
    let ds = meta
        .into_dataset(|_, key, doc| Ok(doc.into_time_series(Series::empty(key))))
        .unwrap();
    assert_eq!(ds.all_signals(), ["AVERAGE#1", "CODa#1", "CODb#1"]);
    let avg = ds
        .signal("AVERAGE#1")
        .unwrap()
        .get("AVERAGE#1_RAW#1")
        .unwrap();
    let step = &avg.processing_steps[0];
    assert_eq!(step.step_type, ProcessingType::DimensionalityReduction);
    assert_eq!(step.parameters, None, "parameters: null");
    assert_eq!(step.input_series_names, ["CODa#1_RAW#1", "CODb#1_RAW#1"]);
}

#[test]
fn index_type_sidecars_record_each_kind() {
    let cases = [
        ("categorical_ordered", "CategoricalIndex", "category"),
        (
            "datetime_midnights_nofreq",
            "DatetimeIndex",
            "datetime64[us]",
        ),
        ("datetime_naive_freq", "DatetimeIndex", "datetime64[us]"),
        ("datetime_utc", "DatetimeIndex", "datetime64[us, UTC]"),
        ("float", "Index", "float64"),
        ("int", "Index", "int64"),
        ("period_month", "PeriodIndex", "period[M]"),
        ("range_named", "RangeIndex", "int64"),
        ("string", "Index", "str"),
        ("timedelta", "TimedeltaIndex", "timedelta64[us]"),
    ];
    for (dir, ty, dtype) in cases {
        let meta =
            SignalMetadata::from_yaml(&read(&format!("index_types/{dir}/S#1_metadata.yaml")))
                .unwrap();
        let im = meta.time_series["S#1_RAW#1"]
            .index_metadata
            .clone()
            .unwrap();
        assert_eq!(
            (im.index_type.as_str(), im.dtype.as_str()),
            (ty, dtype),
            "{dir}"
        );
        if dir == "range_named" {
            assert_eq!(
                (im.start, im.end, im.step, im.name.as_deref()),
                (Some(10), Some(16), Some(2), Some("row"))
            );
        }
        if dir == "categorical_ordered" {
            assert_eq!(im.ordered, Some(true));
            assert_eq!(im.categories.unwrap().len(), 2);
        }
    }
}

#[test]
fn python_json_samples_load() {
    let ts = TimeSeries::from_json(&read("json/timeseries.json")).unwrap();
    let s = ts.series().unwrap();
    assert_eq!(s.name(), "A#1_RAW#1");
    assert_eq!(s.index().label(1), "2024-01-01T01:00:00");
    assert_eq!(s.index().frequency(), Some("h"));
    assert_eq!(s.f64_values().unwrap().values().to_vec(), vec![1.0, 2.0]);
    assert_eq!(ts.created_on.to_string(), "2026-11-24T21:58:19.669411");

    let sig = Signal::from_json(&read("json/signal.json")).unwrap();
    assert!(!sig.time_series().is_empty());
    let ds = Dataset::from_json(&read("json/dataset.json")).unwrap();
    assert!(!ds.signals().is_empty());
    // Our JSON of what we read reads back identical.
    assert_eq!(Dataset::from_json(&ds.to_json().unwrap()).unwrap(), ds);
}

#[test]
fn upstream_quirks_are_read() {
    // Unquoted YAML timestamps (files before 0.10), no metadata_id, index_metadata null,
    // unnumbered and prefix-less keys, and a tuple-tagged parameter.
    let text = r#"
created_on: 2024-06-18 10:00:00.123456
last_updated: 2024-06-18 10:00:00
name: A#1
time_series:
  A#1_RESAMPLED#1:
    created_on: 2024-06-18 10:00:00
    index_metadata: null
    processing_steps:
    - description: d
      function_info: {author: a, name: f, reference: r, version: '1', source_code: Function not found in globals.}
      input_series_names: [A#1_RAW]
      parameters:
        pairs: !!python/tuple
        - 1
        - 2
      requires_calibration: false
      run_datetime: 2024-06-18 10:00:00
      step_distance: 0
      suffix: RESAMPLED
      type: resampling
    values_dtype: object
  A#1_RAW:
    index_metadata: {type: RangeIndex, dtype: int64, start: 0, end: 0, step: 1}
    processing_steps: []
    values_dtype: float64
  _RESAMPLED#1:
    index_metadata: {type: RangeIndex, dtype: int64, start: 0, end: 0, step: 1}
    processing_steps: []
    values_dtype: float64
units: unit
"#;
    let meta = SignalMetadata::from_yaml(text).unwrap();
    assert_eq!(meta.time_series.len(), 3);
    let ds_like = meta.into_signal(|key, doc| Ok(doc.into_time_series(Series::empty(key))));
    // `_RESAMPLED#1` re-attaches to A#1 and collides with A#1_RESAMPLED#1: a clear conflict.
    let err = ds_like.unwrap_err();
    assert_eq!(err.kind(), meteaudata_core::ErrorKind::Conflict);

    let text2 = text.replace("  _RESAMPLED#1:", "  _SMOOTH#4:");
    let sig = SignalMetadata::from_yaml(&text2)
        .unwrap()
        .into_signal(|key, doc| Ok(doc.into_time_series(Series::empty(key))))
        .unwrap();
    // Numbered keys first; the unnumbered `A#1_RAW` takes RAW#1 and lineage follows it.
    assert_eq!(
        sig.all_time_series(),
        ["A#1_RESAMPLED#1", "A#1_SMOOTH#4", "A#1_RAW#1"]
    );
    let step = &sig.get("A#1_RESAMPLED#1").unwrap().processing_steps[0];
    assert_eq!(step.input_series_names, ["A#1_RAW#1"]);
    let pairs = step.parameters.as_ref().unwrap().get("pairs").unwrap();
    assert_eq!(pairs, &meteaudata_core::ParameterValue::from(vec![1i64, 2]));
    assert_eq!(
        step.function_info.source_code.as_deref(),
        Some("Function not found in globals.")
    );
}

#[test]
fn missing_required_keys_are_parse_errors() {
    let e = SignalMetadata::from_yaml("name: A#1\n").unwrap_err();
    assert_eq!(e.kind(), meteaudata_core::ErrorKind::Parse);
    assert!(e.to_string().contains("time_series"));
    let e = SignalMetadata::from_yaml(
        "time_series:\n  A#1_RAW#1:\n    processing_steps: []\n    values_dtype: float64\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("index_metadata"), "{e}");
    let e = DatasetMetadata::from_yaml("signals: {}\n").unwrap_err();
    assert!(e.to_string().contains("name"), "{e}");
    let e = SignalMetadata::from_yaml("time_series: [1, 2").unwrap_err();
    assert_eq!(e.kind(), meteaudata_core::ErrorKind::Parse);
}
