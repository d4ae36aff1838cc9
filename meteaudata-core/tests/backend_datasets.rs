//! Datasets saved to a backend can be rebuilt from the backend alone (signals, units,
//! provenance, dataset fields, histories), as the command-line tool needs.

use meteaudata_core::storage::{MemoryBackend, SharedBackend};
use meteaudata_core::*;
use std::sync::Arc;

/// A transform that copies its input into a `COPY` series.
fn copy(i: &[Series]) -> Result<Vec<TransformOutput>> {
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
}

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

/// Two processes that loaded the same dataset and each add a signal of one base both name
/// it `pH#2`: the first save claims the keys, the second fails with `Conflict` and leaves the
/// first's data whole (before numbers were claimed, the second save overwrote the first).
#[test]
fn two_writers_adding_one_number_do_not_overwrite_each_other() {
    let backend: SharedBackend = Arc::new(MemoryBackend::new());
    let mut ds = dataset();
    ds.set_backend(backend.clone(), false);
    ds.save_all().unwrap();
    let ph = |v: f64| {
        Signal::new("pH", "pH")
            .unwrap()
            .with_series(Series::from_f64("RAW", Index::range(1), vec![v]).unwrap())
            .unwrap()
    };
    let mut first = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    let mut second = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    assert_eq!(first.add(ph(1.0)).unwrap(), "pH#2");
    assert_eq!(second.add(ph(2.0)).unwrap(), "pH#2");
    first.save_all().unwrap();
    let e = second.save_all().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    let key = storage::StorageKey::for_series("plant_1", "pH#2", "pH#2_RAW#1").unwrap();
    let (stored, _) = backend.load(&key).unwrap();
    assert_eq!(stored.f64_values().unwrap().value(0), 1.0);
    // Reloaded, the second writer numbers its signal past the first's.
    let mut again = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    assert_eq!(again.add(ph(2.0)).unwrap(), "pH#3");
    again.save_all().unwrap();
    // Saving the first again (nothing new) overwrites nothing and claims nothing.
    first.save_all().unwrap();
}

/// The same for a processing step: two writers processing one series into `#2` of a base.
#[test]
fn two_writers_processing_into_one_number_do_not_overwrite_each_other() {
    let backend: SharedBackend = Arc::new(MemoryBackend::new());
    let mut ds = dataset();
    ds.set_backend(backend.clone(), false);
    ds.save_all().unwrap();
    let scale = |k: f64| {
        move |i: &[Series]| -> Result<Vec<TransformOutput>> {
            let v: Vec<f64> = i[0]
                .f64_values()
                .ok_or_else(|| Error::invalid_input("floats"))?
                .values()
                .iter()
                .map(|x| x * k)
                .collect();
            Ok(vec![TransformOutput::new(
                Series::from_f64("COPY", i[0].index().clone(), v)?,
                ProcessingStep::new(
                    ProcessingType::Other,
                    "scale",
                    FunctionInfo::new("scale", "1", "t", "-"),
                    "COPY",
                ),
            )])
        }
    };
    let mut first = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    let mut second = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    let input = ["CODa#1_RAW#1"];
    let a = first
        .signal_mut("CODa#1")
        .unwrap()
        .process(&input, &scale(10.0), ProcessOptions::new())
        .unwrap();
    let b = second
        .signal_mut("CODa#1")
        .unwrap()
        .process(&input, &scale(100.0), ProcessOptions::new())
        .unwrap();
    assert_eq!(a, b, "both chose the same number");
    first.save_all().unwrap();
    let e = second.save_all().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    let key = storage::StorageKey::for_series("plant_1", "CODa#1", &a[0]).unwrap();
    let (stored, _) = backend.load(&key).unwrap();
    assert_eq!(stored.f64_values().unwrap().value(0), 10.0);
}

/// A dataset built in memory and only then given a backend saves over what the backend
/// holds, as Python meteaudata does (re-running a script replaces its earlier output).
#[test]
fn a_dataset_attached_after_it_was_built_overwrites() {
    let backend: SharedBackend = Arc::new(MemoryBackend::new());
    for _ in 0..2 {
        let mut ds = dataset();
        ds.set_backend(backend.clone(), false);
        ds.save_all().unwrap();
    }
}

/// A save that fails on one new number deletes the keys it created under its other new
/// numbers: nothing of the failed call stays in the store, and the dataset can be saved
/// again after a reload.
#[test]
fn a_failed_save_takes_back_what_it_created() {
    let backend: SharedBackend = Arc::new(MemoryBackend::new());
    let mut ds = dataset();
    ds.set_backend(backend.clone(), false);
    ds.save_all().unwrap();
    let one = |name: &str, v: f64| {
        Signal::new(name, "u")
            .unwrap()
            .with_series(Series::from_f64("RAW", Index::range(1), vec![v]).unwrap())
            .unwrap()
    };
    let mut first = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    let mut second = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    first.add(one("pH", 1.0)).unwrap();
    assert_eq!(second.add(one("CODa", 2.0)).unwrap(), "CODa#2");
    assert_eq!(second.add(one("pH", 2.0)).unwrap(), "pH#2");
    first.save_all().unwrap();
    let before = backend.list_keys().unwrap();
    let e = second.save_all().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert_eq!(
        backend.list_keys().unwrap(),
        before,
        "CODa#2 was taken back"
    );
    // Nothing of the second writer's is marked saved: a later save tries again (and fails
    // again on pH#2, which is still taken), with nothing left behind.
    assert!(second.save_all().is_err());
    assert_eq!(backend.list_keys().unwrap(), before);
}

#[test]
fn a_snapshot_is_loaded_as_the_dataset_it_recorded() {
    use meteaudata_core::storage::{Retention, Snapshot};
    let backend: SharedBackend = Arc::new(MemoryBackend::new());
    let mut ds = dataset();
    ds.set_backend(backend.clone(), false);
    let keys = ds.save_all().unwrap();
    let taken = Snapshot::take(backend.as_ref(), "as-delivered", &keys).unwrap();
    assert_eq!(taken.datasets(), ["plant_1"]);

    // The raw COD series is overwritten, twice, and old versions are pruned.
    let raw_key = "plant_1/CODa#1/RAW#1".parse().unwrap();
    for v in [10.0, 20.0] {
        let (series, meta) = backend.load(&raw_key).unwrap();
        let changed = Series::from_f64(series.name(), series.index().clone(), vec![v, v]).unwrap();
        backend.save(&raw_key, &changed, &meta).unwrap();
    }
    assert_eq!(
        backend
            .prune_versions(&raw_key, Retention::KeepLast(1))
            .unwrap(),
        [2]
    );

    let snapshot = backend.load_snapshot("as-delivered").unwrap();
    let back = Dataset::load_snapshot(&backend, &snapshot, "plant_1").unwrap();
    assert!(
        back.backend().is_none(),
        "a snapshot's dataset is not attached"
    );
    assert_eq!(back.signals().len(), 2);
    // `ds` still holds what was saved in memory.
    for (name, signal) in ds.signals() {
        let got = back.signal(name).unwrap();
        assert_eq!(got.units, signal.units);
        assert_eq!(got.provenance, signal.provenance);
        for (series, ts) in signal.time_series() {
            let g = &got.time_series()[series];
            assert_eq!(g.series().unwrap(), ts.series().unwrap(), "{series}");
            assert_eq!(g.processing_steps, ts.processing_steps, "{series}");
        }
    }
    assert_eq!(back.owner, Some("ops".into()));
    // The latest dataset has the overwritten values.
    let latest = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    let raw = &latest.signal("CODa#1").unwrap().time_series()["CODa#1_RAW#1"];
    assert_eq!(raw.series().unwrap().f64_values().unwrap().value(0), 20.0);

    let e = Dataset::load_snapshot(&backend, &snapshot, "other").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert!(e.to_string().contains("plant_1"), "{e}");
}

#[test]
fn steps_pin_the_stored_version_of_their_inputs() {
    let backend: SharedBackend = Arc::new(MemoryBackend::new());
    let mut ds = dataset();
    ds.set_backend(backend.clone(), false);
    ds.save_all().unwrap();
    // Version 2 of the raw pH series.
    let key = "plant_1/pH#1/RAW#1".parse().unwrap();
    let (series, meta) = backend.load(&key).unwrap();
    let v2 = Series::from_f64(series.name(), series.index().clone(), vec![7.5]).unwrap();
    backend.save(&key, &v2, &meta).unwrap();

    let mut back = Dataset::load_from_backend(&backend, "plant_1").unwrap();
    let ph = back.signal_mut("pH#1").unwrap();
    let out = ph
        .process(&["pH#1_RAW#1"], &copy, ProcessOptions::new())
        .unwrap();
    let step = ph.time_series()[&out[0]]
        .processing_steps
        .last()
        .unwrap()
        .clone();
    let pin = &step.pins.as_ref().unwrap().inputs[0];
    assert_eq!(pin.hash, v2.content_hash().unwrap());
    assert_eq!(pin.version, Some(2));
    // The YAML names it; a document without it (older steps) still reads.
    let yaml = ph.time_series()[&out[0]].metadata().to_yaml().unwrap();
    assert!(yaml.contains("version: 2"), "{yaml}");
    // PROV-JSON names it on the `used` relation.
    let prov = serde_json::to_string(&meteaudata_core::prov::dataset_prov(&back).unwrap()).unwrap();
    assert!(prov.contains("\"meteaudata:version\":2"), "{prov}");

    // An input changed in memory since it was stored has no version with its content.
    let ph = back.signal_mut("pH#1").unwrap();
    let raw = ph.get_mut("pH#1_RAW#1").unwrap();
    raw.set_series(Series::from_f64("pH#1_RAW#1", Index::range(1), vec![8.0]).unwrap());
    let out = ph
        .process(&["pH#1_RAW#1"], &copy, ProcessOptions::new())
        .unwrap();
    let step = ph.time_series()[&out[0]]
        .processing_steps
        .last()
        .unwrap()
        .clone();
    let pin = &step.pins.as_ref().unwrap().inputs[0];
    assert_eq!(pin.version, None);
    // Nor does a series that was never stored.
    let mut loose = Signal::new("Q", "m3/h")
        .unwrap()
        .with_series(Series::from_f64("RAW", Index::range(1), vec![1.0]).unwrap())
        .unwrap();
    let out = loose
        .process(&["Q#1_RAW#1"], &copy, ProcessOptions::new())
        .unwrap();
    let step = &loose.time_series()[&out[0]].processing_steps[0];
    assert_eq!(step.pins.as_ref().unwrap().inputs[0].version, None);
}
