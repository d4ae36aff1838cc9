//! The storage guide's "Processing with Backends" and "Memory Management": univariate and
//! multivariate processing with auto-save, saved series unloaded from memory and read back on
//! first access.
//!
//! `cargo run -p meteaudata --example seed_processing`

use meteaudata::chrono::{NaiveDate, TimeDelta};
use meteaudata::processing::{average_signals, resample};
use meteaudata::storage::StorageConfig;
use meteaudata::*;

fn hourly(name: &str, units: &str, values: Vec<f64>) -> Result<Signal> {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| Error::invalid_input("bad date"))?;
    let index =
        Index::date_range(start, values.len(), TimeDelta::hours(1), None)?.with_frequency("h");
    Signal::new(name, units)?.with_series(Series::from_f64("RAW", index, values)?)
}

fn keys(backend: &storage::SharedBackend) -> Result<Vec<String>> {
    Ok(backend.list_keys()?.iter().map(|k| k.to_string()).collect())
}

fn main() -> Result<()> {
    let dir =
        std::env::temp_dir().join(format!("meteaudata-seed-processing-{}", std::process::id()));
    let backend = create_backend(&StorageConfig::disk(&dir))?;

    // Univariate processing with auto-save.
    let mut signal = hourly("Temperature", "°C", vec![20.5, 21.0, 20.8, 21.4])?;
    signal.set_backend(backend.clone(), true);
    signal.set_dataset_name("processing_demo");
    let ts_name = signal.all_time_series()[0].to_string();
    println!("Before processing: {:?}", signal.all_time_series());
    println!("Backend contains: {} items", keys(&backend)?.len());
    signal.process(&[ts_name.as_str()], &resample("2h")?, ProcessOptions::new())?;
    println!("\nAfter processing: {:?}", signal.all_time_series());
    println!("Backend contains: {} items", keys(&backend)?.len());
    println!("Stored keys: {:?}", keys(&backend)?);

    // Memory management: with auto-save, saved series are no longer held in memory.
    let raw = signal.get("Temperature#1_RAW#1")?;
    println!(
        "\nRAW series in memory after auto-save: {}",
        raw.is_loaded()
    );
    println!("First access reads it back: {} points", raw.series()?.len());

    // Multivariate processing with a backend.
    let mut multi = Dataset::new("multi_processing")?
        .with_description("Multi-signal processing with backend")
        .with_signals([
            hourly("Temperature", "°C", vec![20.5, 21.0, 20.8, 21.4])?,
            hourly("pH", "pH", vec![7.1, 7.2, 7.0, 7.1])?,
            hourly("DissolvedOxygen", "mg/L", vec![8.0, 7.5, 7.9, 7.7])?,
        ])?;
    multi.set_backend(backend.clone(), true);
    println!("\nDataset signals: {:?}", multi.all_signals());
    // Averaging needs matching units: a second temperature probe.
    multi.add(hourly("Temperature", "°C", vec![21.5, 21.0, 21.2, 21.6])?)?;
    let out = multi.process(
        &["Temperature#1_RAW#1", "Temperature#2_RAW#1"],
        &average_signals(),
        DatasetProcessOptions::new(),
    )?;
    println!("New signal: {out:?}");
    let avg = multi.signal(&out[0])?.get(&format!("{}_RAW#1", out[0]))?;
    println!(
        "Average: {:?}",
        avg.series()?.f64_values().map(|v| v.values().to_vec())
    );
    println!(
        "\nAll data automatically managed by backend! {} keys",
        keys(&backend)?.len()
    );
    backend.cleanup()?;
    Ok(())
}
