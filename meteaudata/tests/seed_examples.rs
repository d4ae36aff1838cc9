//! Every example of the backend storage guide (`shared/seed/backend-storage.md`), translated to
//! Rust, run against every backend compiled in that can run here. Each prints what the guide
//! promises. The guide's two `KeyError` outputs are upstream bugs: here signals are found under
//! their real names (`Temperature#1`, or `Temperature` for the latest version) and the intent
//! of those examples holds.

use meteaudata::chrono::{NaiveDate, TimeDelta};
use meteaudata::storage::{SharedBackend, StorageConfig, StorageKey};
use meteaudata::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The backends the examples run on.
fn backends() -> Vec<(&'static str, SharedBackend)> {
    let mut out = vec![(
        "memory",
        create_backend(&StorageConfig::memory()).expect("memory backend"),
    )];
    if cfg!(feature = "disk") {
        let dir = tempfile::tempdir().expect("temp dir").keep();
        out.push((
            "disk",
            create_backend(&StorageConfig::disk(dir.join("store"))).expect("disk backend"),
        ));
    }
    out
}

fn hourly(values: Vec<f64>) -> Series {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("valid date");
    let index = Index::date_range(start, values.len(), TimeDelta::hours(1), None)
        .expect("range")
        .with_frequency("h");
    Series::from_f64("RAW", index, values).expect("series")
}

/// The guide's `signal`: Temperature, three hourly readings, full provenance.
fn temperature_signal() -> Signal {
    Signal::new("Temperature", "°C")
        .expect("valid name")
        .with_provenance(DataProvenance {
            source_repository: Some("Demo".into()),
            project: Some("Quick Start".into()),
            location: Some("Lab A".into()),
            equipment: Some("Sensor 1".into()),
            parameter: Some("Temperature".into()),
            purpose: Some("Demo backend storage".into()),
            metadata_id: Some("quick_001".into()),
        })
        .with_series(hourly(vec![20.5, 21.0, 20.8]))
        .expect("valid series")
}

fn keys(b: &SharedBackend) -> Vec<String> {
    b.list_keys()
        .expect("list")
        .into_iter()
        .map(|k| k.to_string())
        .collect()
}

#[test]
fn quick_start() {
    for (name, backend) in backends() {
        let mut signal = temperature_signal();
        signal.set_backend(backend.clone(), false);
        signal.set_dataset_name("quickstart");
        signal.save_all(Some("quickstart")).expect("save");
        println!("[{name}] Data saved to backend!");
        println!("[{name}] Backend type: {}", backend.backend_type());
        println!("[{name}] Stored keys: {:?}", keys(&backend));
        assert_eq!(keys(&backend), ["quickstart/Temperature#1/RAW#1"]);
        let (series, meta) = backend
            .load(&"quickstart/Temperature#1/RAW#1".parse().unwrap())
            .unwrap();
        assert_eq!(
            series.f64_values().unwrap().values().to_vec(),
            vec![20.5, 21.0, 20.8]
        );
        // A RAW series takes the signal's provenance metadata_id when saved.
        assert_eq!(meta.metadata_id.as_deref(), Some("quick_001"));
    }
}

#[test]
fn backend_configurations() {
    let disk = StorageConfig::disk("/path/to/data");
    println!("Backend type: {}", disk.backend_type());
    assert_eq!(
        disk,
        StorageConfig::Disk {
            path: "/path/to/data".into()
        }
    );
    let sql = StorageConfig::sql("sqlite:///:memory:");
    println!(
        "Backend type: {}\nDatabase URL: sqlite:///:memory:\nSQL backend ready!",
        sql.backend_type()
    );
    assert_eq!(sql.backend_type(), "sqlite");
    for (url, kind) in [
        ("sqlite:///path/to/database.db", "sqlite"),
        ("sqlite:///:memory:", "sqlite"),
        (
            "postgresql://user:password@localhost:5432/mydatabase",
            "postgresql",
        ),
        (
            "mysql+pymysql://user:password@localhost:3306/mydatabase",
            "mysql",
        ),
    ] {
        assert_eq!(StorageConfig::sql(url).backend_type(), kind, "{url}");
    }
    println!("SQL configurations created");
}

fn demo_dataset(name: &str, signals: Vec<Signal>) -> Dataset {
    Dataset::new(name)
        .expect("valid name")
        .with_description("Demonstrating backend storage")
        .with_owner("Data Scientist")
        .with_purpose("Documentation example")
        .with_project("Storage Demo")
        .with_signals(signals)
        .expect("unique signals")
}

#[test]
fn setting_up_a_backend_and_manual_save_and_load() {
    for (name, backend) in backends() {
        let mut ds = demo_dataset("demo_dataset", vec![temperature_signal()]);
        ds.set_backend(backend.clone(), false);
        println!(
            "[{name}] Dataset configured with {} backend",
            backend.backend_type()
        );
        println!("[{name}] Auto-save: {}", ds.auto_save());
        assert!(!ds.auto_save());

        let saved = ds.save_all().expect("save");
        println!(
            "[{name}] Saved {} time series to backend",
            keys(&backend).len()
        );
        println!("[{name}] Storage keys: {:?}", keys(&backend));
        assert_eq!(saved.len(), 1);
        assert_eq!(keys(&backend), ["demo_dataset/Temperature#1/RAW#1"]);

        // Modify data in memory (the guide's KeyError: the signal is `Temperature#1`).
        let original = ds
            .signal("Temperature")
            .unwrap()
            .get("Temperature#1_RAW#1")
            .unwrap()
            .series()
            .unwrap()
            .clone();
        let ts = ds
            .signal_mut("Temperature#1")
            .unwrap()
            .get_mut("Temperature#1_RAW#1")
            .unwrap();
        ts.set_series(Series::from_f64("x", Index::range(3), vec![0.0, 0.0, 0.0]).unwrap());
        let modified: Vec<f64> = ts.series().unwrap().f64_values().unwrap().values().to_vec();
        println!("[{name}] Data modified in memory: {modified:?}");
        assert_eq!(modified, vec![0.0, 0.0, 0.0]);

        let n = ds.load_all().expect("load");
        assert_eq!(n, 1);
        let restored = ds
            .signal("Temperature#1")
            .unwrap()
            .get("Temperature#1_RAW#1")
            .unwrap()
            .series()
            .unwrap()
            .clone();
        println!(
            "[{name}] Data restored from backend: {:?}",
            restored.f64_values().unwrap().values()
        );
        println!("[{name}] Data matches original: {}", restored == original);
        assert_eq!(restored, original);
    }
}

#[test]
fn auto_save_mode() {
    for (name, backend) in backends() {
        let mut ds = demo_dataset("auto_save_demo", vec![temperature_signal()]);
        ds.set_backend(backend.clone(), true);
        println!("[{name}] Auto-save enabled: {}", ds.auto_save());
        println!("[{name}] Initial keys in backend: {}", keys(&backend).len());
        assert!(keys(&backend).is_empty());

        // The guide's KeyError: `signals['sensor#1']`; the signal is found by its real base.
        let sensor = ds.signal_mut("Temperature").expect("latest Temperature");
        let ts_name = sensor.all_time_series()[0].to_string();
        sensor
            .process(
                &[ts_name.as_str()],
                &processing::resample("2h").unwrap(),
                ProcessOptions::new(),
            )
            .expect("process");
        println!("\n[{name}] After processing:");
        println!(
            "[{name}] Time series in signal: {:?}",
            sensor.all_time_series()
        );
        println!("[{name}] Keys in backend: {:?}", keys(&backend));
        println!("[{name}] Note: Data automatically saved after processing!");
        assert_eq!(
            sensor.all_time_series(),
            ["Temperature#1_RAW#1", "Temperature#1_RESAMPLED#1"]
        );
        assert_eq!(
            keys(&backend),
            [
                "auto_save_demo/Temperature#1/RAW#1",
                "auto_save_demo/Temperature#1/RESAMPLED#1"
            ]
        );
        // Saved series were unloaded and come back on first access.
        let resampled = sensor.get("Temperature#1_RESAMPLED#1").unwrap();
        assert!(!resampled.is_loaded());
        let values = resampled
            .series()
            .unwrap()
            .f64_values()
            .unwrap()
            .values()
            .to_vec();
        assert_eq!(values, vec![20.75, 20.8]);
    }
}

#[test]
fn univariate_processing_with_a_backend() {
    for (name, backend) in backends() {
        let mut signal = temperature_signal();
        signal.set_backend(backend.clone(), true);
        signal.set_dataset_name("processing_demo");
        let ts_name = signal.all_time_series()[0].to_string();
        println!("[{name}] Before processing: {:?}", signal.all_time_series());
        println!("[{name}] Backend contains: {} items", keys(&backend).len());
        signal
            .process(
                &[ts_name.as_str()],
                &processing::resample("2h").unwrap(),
                ProcessOptions::new(),
            )
            .unwrap();
        println!(
            "\n[{name}] After processing: {:?}",
            signal.all_time_series()
        );
        println!("[{name}] Backend contains: {} items", keys(&backend).len());
        println!("[{name}] Stored keys: {:?}", keys(&backend));
        assert_eq!(
            keys(&backend),
            [
                "processing_demo/Temperature#1/RAW#1",
                "processing_demo/Temperature#1/RESAMPLED#1"
            ]
        );
    }
}

#[test]
fn multivariate_processing_with_a_backend() {
    for (name, backend) in backends() {
        let ph = Signal::new("pH", "pH")
            .unwrap()
            .with_series(hourly(vec![7.1, 7.2, 7.0]))
            .unwrap();
        let dox = Signal::new("DissolvedOxygen", "mg/L")
            .unwrap()
            .with_series(hourly(vec![8.0, 7.5, 7.9]))
            .unwrap();
        let mut ds = demo_dataset("multi_processing", vec![temperature_signal(), ph, dox]);
        ds.set_backend(backend.clone(), true);
        println!("[{name}] Dataset signals: {:?}", ds.all_signals());
        println!("[{name}] Initial backend keys: {}", keys(&backend).len());
        assert_eq!(
            ds.all_signals(),
            ["Temperature#1", "pH#1", "DissolvedOxygen#1"]
        );
        assert!(keys(&backend).is_empty());
        // With matching units, averaging works and is saved automatically.
        let second = Signal::new("Temperature", "°C")
            .unwrap()
            .with_series(hourly(vec![21.5, 21.0, 21.2]))
            .unwrap();
        ds.add(second).unwrap();
        let out = ds
            .process(
                &["Temperature#1_RAW#1", "Temperature#2_RAW#1"],
                &processing::average_signals(),
                DatasetProcessOptions::new(),
            )
            .unwrap();
        println!("\n[{name}] All data automatically managed by backend! New signal: {out:?}");
        assert_eq!(out, ["AVERAGE#1"]);
        assert!(keys(&backend).contains(&"multi_processing/AVERAGE#1/RAW#1".to_string()));
        assert_eq!(keys(&backend).len(), 5);
    }
}

#[test]
fn checking_storage_and_clearing() {
    for (name, backend) in backends() {
        let mut signal = temperature_signal();
        signal.set_backend(backend.clone(), false);
        signal.save_all(Some("operations_demo")).unwrap();
        let key = backend.list_keys().unwrap()[0].clone();
        println!(
            "[{name}] Key '{key}' exists: {}",
            backend.exists(&key).unwrap()
        );
        assert!(backend.exists(&key).unwrap());
        let all = keys(&backend);
        println!("\n[{name}] All stored keys ({}):", all.len());
        for k in &all {
            println!("[{name}]   - {k}");
        }
        assert_eq!(all, ["operations_demo/Temperature#1/RAW#1"]);
        match backend.size_on_disk().unwrap() {
            Some(bytes) => {
                println!("\n[{name}] Total storage: {:.2} KB", bytes as f64 / 1024.0);
                assert!(backend.capabilities().size && bytes > 0);
            }
            None => {
                println!("\n[{name}] Total storage: not reported by this backend");
                assert!(!backend.capabilities().size);
            }
        }
        println!("[{name}] Keys before clear: {}", keys(&backend).len());
        backend.clear().unwrap();
        println!("[{name}] Keys after clear: {}", keys(&backend).len());
        assert!(keys(&backend).is_empty());
    }
}

/// A tracing subscriber that counts WARN events (to check the backend-replacement warning).
struct WarnCounter(Arc<AtomicUsize>);

impl tracing::Subscriber for WarnCounter {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        if *event.metadata().level() == tracing::Level::WARN {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn cross_backend_transfer() {
    let all = backends();
    for (from_name, from) in &all {
        let to = create_backend(&StorageConfig::memory()).unwrap();
        let mut ds = demo_dataset("transfer_demo", vec![temperature_signal()]);
        ds.set_backend(from.clone(), false);
        ds.save_all().unwrap();
        println!("Saved to {from_name} backend: {:?}", keys(from));
        let warnings = Arc::new(AtomicUsize::new(0));
        tracing::subscriber::with_default(WarnCounter(warnings.clone()), || {
            ds.set_backend(to.clone(), false);
        });
        assert_eq!(
            warnings.load(Ordering::SeqCst),
            1,
            "replacing a backend warns once"
        );
        ds.save_all().unwrap();
        println!("Saved to the other backend: {:?}", keys(&to));
        println!("\nData successfully transferred between backends!");
        assert_eq!(keys(from), keys(&to), "the same keys on every backend");
        let k: StorageKey = "transfer_demo/Temperature#1/RAW#1".parse().unwrap();
        assert_eq!(from.load(&k).unwrap().0, to.load(&k).unwrap().0);
        // Setting the same backend again does not warn.
        let again = Arc::new(AtomicUsize::new(0));
        tracing::subscriber::with_default(WarnCounter(again.clone()), || {
            ds.set_backend(to.clone(), true)
        });
        assert_eq!(again.load(Ordering::SeqCst), 0);
    }
}

#[test]
fn memory_management_unloads_saved_data() {
    for (name, backend) in backends() {
        let raw = hourly((0..48).map(f64::from).collect());
        let weak = Arc::downgrade(raw.values());
        let mut signal = Signal::new("Temperature", "°C")
            .unwrap()
            .with_series(raw)
            .unwrap();
        signal.set_backend(backend.clone(), true);
        signal.set_dataset_name("large_dataset");
        println!("[{name}] Best practice: Enable auto-save for large datasets");
        println!("[{name}] This ensures processed data is persisted immediately");
        println!("[{name}] and can be unloaded from memory if needed");
        assert!(weak.upgrade().is_some(), "held before processing");
        signal
            .process(
                &["Temperature#1_RAW#1"],
                &processing::resample("2h").unwrap(),
                ProcessOptions::new(),
            )
            .unwrap();
        // Auto-save saved and unloaded every series: the RAW values are no longer held.
        assert!(
            weak.upgrade().is_none(),
            "the RAW data is still in memory after auto-save"
        );
        let raw_ts = signal.get("Temperature#1_RAW#1").unwrap();
        assert!(!raw_ts.is_loaded());
        // First access reads it back.
        let values = raw_ts
            .series()
            .unwrap()
            .f64_values()
            .unwrap()
            .values()
            .to_vec();
        assert_eq!(values, (0..48).map(f64::from).collect::<Vec<_>>());
        assert!(raw_ts.is_loaded());
        // Explicit unloading works too, and processing reloads inputs as needed.
        assert_eq!(signal.unload(), 2);
        signal
            .process(
                &["Temperature#1_RESAMPLED#1"],
                &processing::linear_interpolation(),
                ProcessOptions::new(),
            )
            .unwrap();
        assert_eq!(keys(&backend).len(), 3);
    }
}

#[test]
fn organizing_storage() {
    let root = std::path::Path::new("./my_project");
    let lines = [
        format!("{}/", root.display()),
        format!("  ├── {}/       # Original measurements", "raw_data"),
        format!("  ├── {}/ # After quality control", "processed_data"),
        format!("  └── {}/  # Final analysis results", "analysis_data"),
    ];
    println!("Recommended directory structure:");
    for l in &lines {
        println!("{l}");
    }
    assert_eq!(
        StorageConfig::disk(root.join("raw_data")),
        StorageConfig::disk("./my_project/raw_data")
    );
}

#[test]
fn error_handling() {
    for (name, backend) in backends() {
        let key: StorageKey = "dataset/signal/timeseries".parse().unwrap();
        if backend.exists(&key).unwrap() {
            panic!("[{name}] nothing was saved under {key}");
        } else {
            println!("[{name}] Key '{key}' not found in backend");
        }
        let err = backend
            .load(&"nonexistent_key".parse().unwrap())
            .unwrap_err();
        println!("[{name}] Expected error: {err}");
        println!("[{name}] Always use backend.exists() before loading!");
        assert_eq!(err.kind(), ErrorKind::NotFound);
        assert!(err.to_string().contains("nonexistent_key"));
    }
}

#[test]
fn storage_keys_and_direct_access() {
    for (name, backend) in backends() {
        let mut signal = temperature_signal();
        signal.set_backend(backend.clone(), false);
        signal.save_all(Some("my_dataset")).unwrap();
        println!("[{name}] Storage key structure:\n[{name}] Format: {{dataset_name}}/{{signal_name}}/{{timeseries_name}}");
        for k in keys(&backend) {
            println!("[{name}]   - {k}");
        }
        assert_eq!(keys(&backend), ["my_dataset/Temperature#1/RAW#1"]);

        let sample = hourly(vec![1.0, 2.0, 3.0]).with_name("direct_save_test");
        let ts = TimeSeries::new(sample.clone());
        let key: StorageKey = "my_custom_key".parse().unwrap();
        backend.save(&key, &sample, &ts.metadata()).unwrap();
        println!("[{name}] Directly saved key: '{key}'");
        println!("[{name}] Backend now contains: {:?}", keys(&backend));
        assert_eq!(
            keys(&backend),
            ["my_custom_key", "my_dataset/Temperature#1/RAW#1"]
        );
        let (loaded, meta) = backend.load(&key).unwrap();
        println!(
            "[{name}] Directly loaded data: {:?}",
            loaded.f64_values().unwrap().values()
        );
        assert_eq!(loaded, sample);
        assert_eq!(meta, ts.metadata());
    }
}

#[test]
fn no_backend_is_a_clear_error() {
    let mut ds = demo_dataset("x", vec![temperature_signal()]);
    let err = ds.save_all().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("No storage backend configured"));
    assert!(ds.load_all().is_err());
    let mut s = temperature_signal();
    assert!(s.save_all(None).is_err());
}

#[test]
fn features_name_what_to_enable() {
    let err = create_backend(&StorageConfig::sql("mssql://db")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unsupported);
    assert!(err.to_string().contains("sqlite://"), "{err}");
    for (config, enabled, feature) in [
        (
            StorageConfig::sql("postgresql://u@127.0.0.1:1/db"),
            cfg!(feature = "postgres"),
            "postgres",
        ),
        (
            StorageConfig::sql("mysql://root@127.0.0.1:1/db"),
            cfg!(feature = "mysql"),
            "mysql",
        ),
    ] {
        let err = create_backend(&config).unwrap_err();
        if enabled {
            // Compiled in: the (closed) port is the problem, reported as a backend error.
            assert_eq!(err.kind(), ErrorKind::Backend, "{err}");
        } else {
            assert_eq!(err.kind(), ErrorKind::Unsupported);
            assert!(
                err.to_string().contains(&format!("`{feature}` feature")),
                "{err}"
            );
        }
    }
}
