//! The storage guide's "Working with Datasets": set a backend, save, modify in memory, load
//! back; then auto-save while processing. (The guide's two `KeyError`s are upstream bugs: here
//! signals are found by their real names.)
//!
//! `cargo run -p meteaudata --example seed_datasets`

use meteaudata::chrono::{NaiveDate, TimeDelta};
use meteaudata::storage::StorageConfig;
use meteaudata::*;

fn temperature() -> Result<Signal> {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| Error::invalid_input("bad date"))?;
    let index = Index::date_range(start, 3, TimeDelta::hours(1), None)?.with_frequency("h");
    Signal::new("Temperature", "°C")?.with_series(Series::from_f64(
        "RAW",
        index,
        vec![20.5, 21.0, 20.8],
    )?)
}

fn main() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("meteaudata-seed-datasets-{}", std::process::id()));
    let backend = create_backend(&StorageConfig::disk(&dir))?;

    // Setting up a backend
    let mut demo = Dataset::new("demo_dataset")?
        .with_description("Demonstrating backend storage")
        .with_owner("Data Scientist")
        .with_purpose("Documentation example")
        .with_project("Storage Demo")
        .with_signals([temperature()?])?;
    demo.set_backend(backend.clone(), false);
    println!("Dataset configured with {} backend", backend.backend_type());
    println!("Auto-save: {}", demo.auto_save());

    // Manual save and load
    demo.save_all()?;
    println!(
        "Saved {} time series to backend",
        backend.list_keys()?.len()
    );
    let keys: Vec<String> = backend.list_keys()?.iter().map(|k| k.to_string()).collect();
    println!("Storage keys: {keys:?}");
    let original = demo
        .signal("Temperature")?
        .get("Temperature#1_RAW#1")?
        .series()?
        .clone();
    demo.signal_mut("Temperature")?
        .get_mut("Temperature#1_RAW#1")?
        .set_series(Series::from_f64("x", Index::range(3), vec![0.0, 0.0, 0.0])?);
    let modified = demo
        .signal("Temperature")?
        .get("Temperature#1_RAW#1")?
        .series()?
        .clone();
    println!(
        "\nData modified in memory: {:?}",
        modified.f64_values().map(|v| v.values().to_vec())
    );
    demo.load_all()?;
    let restored = demo
        .signal("Temperature")?
        .get("Temperature#1_RAW#1")?
        .series()?
        .clone();
    println!(
        "Data restored from backend: {:?}",
        restored.f64_values().map(|v| v.values().to_vec())
    );
    println!("Data matches original: {}", restored == original);

    // Auto-save mode
    backend.clear()?;
    let mut auto = Dataset::new("auto_save_demo")?.with_signals([temperature()?])?;
    auto.set_backend(backend.clone(), true);
    println!("\nAuto-save enabled: {}", auto.auto_save());
    println!("Initial keys in backend: {}", backend.list_keys()?.len());
    let sensor = auto.signal_mut("Temperature")?;
    let ts_name = sensor.all_time_series()[0].to_string();
    sensor.process(
        &[ts_name.as_str()],
        &processing::resample("2h")?,
        ProcessOptions::new(),
    )?;
    println!("\nAfter processing:");
    println!("Time series in signal: {:?}", sensor.all_time_series());
    let keys: Vec<String> = backend.list_keys()?.iter().map(|k| k.to_string()).collect();
    println!("Keys in backend: {keys:?}");
    println!("Note: Data automatically saved after processing!");
    backend.cleanup()?;
    Ok(())
}
