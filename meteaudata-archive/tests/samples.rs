//! Every archive Python meteaudata 0.12.1 wrote in fixtures/python-samples loads with the expected
//! contents, and survives our own save/load unchanged.

use meteaudata_archive::{load_dataset, load_signal, save_dataset, save_signal, ExportOptions};
use meteaudata_core::{IndexData, ProcessingType, Signal};
use std::path::PathBuf;

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/python-samples")
}

fn f64s(s: &Signal, key: &str) -> Vec<f64> {
    let ts = s.get(key).unwrap();
    ts.series().unwrap().f64_values().unwrap().values().to_vec()
}

fn labels(s: &Signal, key: &str) -> Vec<String> {
    let idx = s.get(key).unwrap().series().unwrap().index().clone();
    (0..idx.len()).map(|i| idx.label(i)).collect()
}

fn same_floats(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

/// Our save of `s` loads back equal (zip and folder).
fn resaves_exactly(s: &Signal) {
    let dir = tempfile::tempdir().unwrap();
    let zip = save_signal(s, dir.path(), &ExportOptions::new()).unwrap();
    assert_eq!(&load_signal(&zip, None).unwrap(), s);
    let folder = dir.path().join("folder");
    save_signal(s, &folder, &ExportOptions::new().zip(false)).unwrap();
    assert_eq!(&load_signal(&folder, Some(s.name())).unwrap(), s);
}

fn check_temperature(s: &Signal) {
    assert_eq!(s.name(), "Temperature#1");
    assert_eq!(s.units, "°C");
    assert_eq!(s.provenance.equipment.as_deref(), Some("Thermocouple K"));
    assert_eq!(s.created_on.to_string(), "2026-11-24T21:58:19.535030");
    assert_eq!(
        s.all_time_series(),
        [
            "Temperature#1_LIN-INT#1",
            "Temperature#1_RAW#1",
            "Temperature#1_RESAMPLED#1"
        ]
    );
    let raw = f64s(s, "Temperature#1_RAW#1");
    assert!(same_floats(
        &raw,
        &[20.5, 21.0, f64::NAN, 22.25, 21.75, 20.0]
    ));
    let raw_ts = s.get("Temperature#1_RAW#1").unwrap();
    let idx = raw_ts.series().unwrap().index().clone();
    assert_eq!(idx.frequency(), Some("h"));
    assert_eq!(idx.label(5), "2024-01-01T05:00:00");
    assert_eq!(raw_ts.index_metadata().dtype, "datetime64[us]");
    assert_eq!(raw_ts.values_dtype(), "float64");
    // created_on of each series is kept (Python drops it, M10).
    assert_ne!(raw_ts.created_on, s.created_on);
    assert_eq!(f64s(s, "Temperature#1_RESAMPLED#1"), [20.75, 22.25, 20.875]);
    let lin = s.get("Temperature#1_LIN-INT#1").unwrap();
    assert_eq!(lin.series().unwrap().index().frequency(), Some("2h"));
    let steps: Vec<_> = lin
        .processing_steps
        .iter()
        .map(|p| (p.step_type, p.suffix.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (ProcessingType::Resampling, "RESAMPLED"),
            (ProcessingType::GapFilling, "LIN-INT")
        ]
    );
    assert_eq!(
        lin.processing_steps[1].input_series_names,
        ["Temperature#1_RESAMPLED#1"]
    );
}

#[test]
fn signal_zip_and_folder() {
    let zip = samples().join("signal_zip/Temperature#1.zip");
    let a = load_signal(&zip, Some("Temperature#1")).unwrap();
    check_temperature(&a);
    let b = load_signal(samples().join("signal_dir"), None).unwrap();
    check_temperature(&b);
    assert_eq!(a, b);
    resaves_exactly(&a);
}

#[test]
fn dataset_zip_and_extracted_folder() {
    let ds = load_dataset(samples().join("dataset_zip/reactor.zip")).unwrap();
    assert_eq!(ds.name(), "reactor");
    assert_eq!(
        ds.description.as_deref(),
        Some("two probes and their average")
    );
    assert_eq!(ds.owner.as_deref(), Some("Research team"));
    assert_eq!(ds.all_signals(), ["AVERAGE#1", "CODa#1", "CODb#1"]);
    let avg = ds.signal("AVERAGE#1").unwrap();
    assert_eq!(avg.units, "mg/L");
    assert_eq!(f64s(avg, "AVERAGE#1_RAW#1"), [2.0, 3.0, 4.0, 5.0]);
    let step = &avg.get("AVERAGE#1_RAW#1").unwrap().processing_steps[0];
    assert_eq!(step.step_type, ProcessingType::DimensionalityReduction);
    assert_eq!(step.input_series_names, ["CODa#1_RAW#1", "CODb#1_RAW#1"]);
    assert!(step.parameters.is_none());
    let coda = ds.signal("CODa#1").unwrap();
    assert_eq!(coda.provenance.metadata_id.as_deref(), Some("a1"));
    assert_eq!(f64s(coda, "CODa#1_RAW#1"), [1.0, 2.0, 3.0, 4.0]);
    assert_eq!(
        f64s(ds.signal("CODb#1").unwrap(), "CODb#1_RAW#1"),
        [3.0, 4.0, 5.0, 6.0]
    );

    let extracted = load_dataset(samples().join("dataset_zip/extracted")).unwrap();
    assert_eq!(extracted, ds);
    // The per-signal documents inside <dataset>_data/ make it a signal archive too.
    let sig = load_signal(
        samples().join("dataset_zip/extracted/reactor_data"),
        Some("CODb#1"),
    )
    .unwrap();
    assert_eq!(&sig, ds.signal("CODb#1").unwrap());

    let dir = tempfile::tempdir().unwrap();
    let zip = save_dataset(&ds, dir.path(), &ExportOptions::new()).unwrap();
    assert_eq!(load_dataset(&zip).unwrap(), ds);
}

#[test]
fn multiline_and_separator_files_python_cannot_reload() {
    let dir = samples().join("multiline");
    for case in ["both_tuples", "auto", "semicolon_index_name"] {
        let s = load_signal(dir.join(case), Some("A#1")).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(s.units, "°C");
        assert_eq!(f64s(&s, "A#1_RAW#1"), [1.5, 2.5], "{case}");
        assert_eq!(
            labels(&s, "A#1_RAW#1"),
            ["2024-01-01T00:00:00", "2024-01-01T01:00:00"],
            "{case}"
        );
        // The key wins over the header (Python would name the series after the header).
        assert_eq!(s.get("A#1_RAW#1").unwrap().name(), "A#1_RAW#1");
        resaves_exactly(&s);
    }
}

#[test]
fn every_index_type() {
    let dir = samples().join("index_types");
    let load = |case: &str| {
        load_signal(dir.join(case), Some("S#1")).unwrap_or_else(|e| panic!("{case}: {e}"))
    };
    let key = "S#1_RAW#1";
    let expect = |case: &str, want: &[&str]| {
        let s = load(case);
        assert_eq!(labels(&s, key), want, "{case}");
        assert_eq!(f64s(&s, key), [1.0, 2.0, 3.0], "{case}");
        resaves_exactly(&s);
        s
    };
    let s = expect(
        "datetime_naive_freq",
        &[
            "2024-01-01T00:00:00",
            "2024-01-01T00:15:00",
            "2024-01-01T00:30:00",
        ],
    );
    assert_eq!(
        s.get(key).unwrap().series().unwrap().index().frequency(),
        Some("15min")
    );
    let s = expect(
        "datetime_utc",
        &[
            "2024-01-01T00:00:00+00:00",
            "2024-01-01T01:00:00+00:00",
            "2024-01-01T02:00:00+00:00",
        ],
    );
    let idx = s.get(key).unwrap().series().unwrap().index().clone();
    assert_eq!(
        idx.time_zone().map(|z| z.to_string()).as_deref(),
        Some("UTC")
    );
    expect(
        "datetime_midnights_nofreq",
        &[
            "2024-01-01T00:00:00",
            "2024-01-03T00:00:00",
            "2024-01-04T00:00:00",
        ],
    );
    let s = expect("range_named", &["10", "12", "14"]);
    let idx = s.get(key).unwrap().series().unwrap().index().clone();
    assert_eq!(idx.name(), Some("row"));
    assert!(matches!(
        idx.data(),
        IndexData::Range {
            start: 10,
            stop: 16,
            step: 2
        }
    ));
    let s = expect("int", &["5", "7", "20"]);
    assert!(matches!(
        s.get(key).unwrap().series().unwrap().index().data(),
        IndexData::Int(_)
    ));
    expect("float", &["0.5", "1.25", "3.0"]);
    expect("string", &["a", "b", "c"]);
    let s = expect("period_month", &["2024-01", "2024-02", "2024-03"]);
    assert_eq!(
        s.get(key).unwrap().series().unwrap().index().frequency(),
        Some("M")
    );
    let s = expect("categorical_ordered", &["lo", "hi", "lo"]);
    let meta = s.get(key).unwrap().series().unwrap().index().metadata();
    assert_eq!(meta.ordered, Some(true));
    assert_eq!(meta.categories.unwrap().len(), 2);
    // Python leaves a TimedeltaIndex as text (M4); we restore the durations.
    let s = expect("timedelta", &["PT0S", "PT30S", "PT60S"]);
    assert!(matches!(
        s.get(key).unwrap().series().unwrap().index().data(),
        IndexData::Timedelta(_)
    ));
}
