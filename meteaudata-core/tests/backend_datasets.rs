//! Datasets saved to a backend can be rebuilt from the backend alone (signals, units,
//! provenance, dataset fields, histories), as the command-line tool needs.

use meteaudata_core::storage::{MemoryBackend, SharedBackend};
use meteaudata_core::*;
use std::sync::Arc;

fn dataset() -> Dataset {
    let raw = |v: Vec<f64>| Series::from_f64("RAW", Index::range(v.len()), v).unwrap();
    let mut a = Signal::new("CODa", "mg/L")
        .unwrap()
        .with_provenance(DataProvenance {
            location: Some("inlet".into()),
            metadata_id: Some("cod-a".into()),
            ..Default::default()
        })
        .with_series(raw(vec![1.0, 2.0]))
        .unwrap();
    let copy = |i: &[Series]| -> Result<Vec<TransformOutput>> {
        Ok(vec![TransformOutput::new(
            i[0].clone().with_name("COPY"),
            ProcessingStep::new(
                ProcessingType::Other,
                "copy",
                FunctionInfo::new("copy", "1", "t", "-"),
                "COPY",
            )
            .with_parameters(Parameters::new().with("n", 1)),
        )])
    };
    a.process(&["CODa#1_RAW#1"], &copy, ProcessOptions::new())
        .unwrap();
    let b = Signal::new("pH", "pH")
        .unwrap()
        .with_series(raw(vec![7.0]))
        .unwrap();
    Dataset::new("plant_1")
        .unwrap()
        .with_owner("ops")
        .with_project("demo")
        .with_signals([a, b])
        .unwrap()
}

#[test]
fn a_saved_dataset_is_rebuilt_from_its_backend() {
    let backend: SharedBackend = Arc::new(MemoryBackend::new());
    let mut ds = dataset();
    ds.set_backend(backend.clone(), false);
    ds.save_all().unwrap();
    // Another dataset in the same backend, and a loose key, are left alone.
    let mut other = Dataset::new("other")
        .unwrap()
        .with_signals([Signal::new("X", "u")
            .unwrap()
            .with_series(Series::from_f64("RAW", Index::range(1), vec![0.0]).unwrap())
            .unwrap()])
        .unwrap();
    other.set_backend(backend.clone(), false);
    other.save_all().unwrap();
    let ts = TimeSeries::new(Series::from_f64("x", Index::range(1), vec![1.0]).unwrap());
    backend
        .save(
            &"loose_key".parse().unwrap(),
            ts.series().unwrap(),
            &ts.metadata(),
        )
        .unwrap();

    assert_eq!(
        Dataset::list_in_backend(&backend).unwrap(),
        ["other", "plant_1"]
    );
    let back = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    assert_eq!(back, ds);
    assert_eq!(back.signal("CODa#1").unwrap().units, "mg/L");
    assert_eq!(
        back.signal("CODa#1")
            .unwrap()
            .provenance
            .location
            .as_deref(),
        Some("inlet")
    );
    assert_eq!(back.owner.as_deref(), Some("ops"));
    let copy = back.signal("CODa#1").unwrap().get("CODa#1_COPY#1").unwrap();
    assert_eq!(
        copy.processing_steps[0].input_series_names,
        ["CODa#1_RAW#1"]
    );
    assert_eq!(
        copy.storage_key().unwrap().as_str(),
        "plant_1/CODa#1/COPY#1"
    );
    assert!(back.backend().is_some());

    let e = Dataset::load_from_backend(&backend, "nope").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("plant_1"), "{e}");
}
