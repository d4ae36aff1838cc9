//! The main job on the embedded default backend: raw sensor readings from a bundled CSV become
//! a dataset on disk (Parquet + YAML, readable by Python meteaudata), are resampled,
//! gap-filled and averaged with the built-ins, reloaded from disk, and every derived series
//! prints how it was made.
//!
//! Run with `cargo run --release -p meteaudata --example quickstart [-- OUTPUT_DIR]`
//! (default output: a fresh temporary directory).

use meteaudata::processing::{average_signals, linear_interpolation, resample};
use meteaudata::storage::StorageConfig;
use meteaudata::*;

const CSV: &str = include_str!("data/reactor.csv");

/// Reads the bundled CSV: a naive timestamp column, then one column per probe.
fn read_signals() -> Result<Vec<Signal>> {
    let mut lines = CSV.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let mut times = Vec::new();
    let mut columns: Vec<Vec<f64>> = vec![Vec::new(); header.len() - 1];
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        times.push(Timestamp::parse(fields[0], None)?.nanos);
        for (c, col) in columns.iter_mut().enumerate() {
            let text = fields.get(c + 1).copied().unwrap_or("");
            col.push(if text.is_empty() {
                f64::NAN
            } else {
                parse_float(text).unwrap_or(f64::NAN)
            });
        }
    }
    header[1..]
        .iter()
        .zip(columns)
        .map(|(name, values)| {
            let index = Index::datetime_nanos(times.clone(), None).with_name("time");
            Signal::new(name, "mg/L")?
                .with_provenance(DataProvenance {
                    source_repository: Some("bundled example".into()),
                    project: Some("Quick start".into()),
                    location: Some("Reactor R-101".into()),
                    equipment: Some(format!("COD probe {name}")),
                    parameter: Some("COD".into()),
                    purpose: Some("demonstration".into()),
                    metadata_id: Some(format!("{name}-raw")),
                })
                .with_series(Series::from_f64("RAW", index, values)?)
        })
        .collect()
}

fn main() -> Result<()> {
    let dir = match std::env::args().nth(1) {
        Some(d) => std::path::PathBuf::from(d),
        None => std::env::temp_dir().join(format!("meteaudata-quickstart-{}", std::process::id())),
    };
    let backend = create_backend(&StorageConfig::disk(dir.join("store")))?;

    let mut dataset = Dataset::new("reactor")?
        .with_description("two COD probes and their average")
        .with_owner("Research team")
        .with_signals(read_signals()?)?;
    dataset.set_backend(backend.clone(), true);

    // Processing with auto-save: every result is written to disk and unloaded from memory.
    for probe in ["CODa#1", "CODb#1"] {
        let signal = dataset.signal_mut(probe)?;
        let hourly = signal.process(
            &[&format!("{probe}_RAW#1")],
            &resample("1h")?,
            ProcessOptions::new(),
        )?;
        signal.process(
            &[hourly[0].as_str()],
            &linear_interpolation(),
            ProcessOptions::new(),
        )?;
    }
    dataset.process(
        &["CODa#1_LIN-INT#1", "CODb#1_LIN-INT#1"],
        &average_signals(),
        DatasetProcessOptions::new(),
    )?;

    // Everything can be rebuilt from the backend alone.
    let reloaded = Dataset::load_from_backend(&backend, "reactor")?;
    println!(
        "dataset {} stored in {}",
        reloaded.name(),
        dir.join("store").display()
    );
    for (name, signal) in reloaded.signals() {
        println!("  {name} [{}]", signal.units);
        for (key, ts) in signal.time_series() {
            println!("    {key}: {} points", ts.series()?.len());
        }
    }
    let avg = reloaded.signal("AVERAGE")?.get("AVERAGE#1_RAW#1")?;
    println!("\nlineage of AVERAGE#1_RAW#1:");
    for (i, step) in avg.processing_steps.iter().enumerate() {
        println!("  {}. {step}", i + 1);
    }
    let values: Vec<String> = avg
        .series()?
        .f64_values()
        .map(|v| v.values().iter().map(|x| format!("{x:.2}")).collect())
        .unwrap_or_default();
    println!("\nhourly average COD (mg/L): {}", values.join(", "));
    println!("\nmetadata sidecar of AVERAGE#1_RAW#1 (what Python meteaudata reads):\n");
    print!("{}", avg.metadata().to_yaml()?);
    Ok(())
}
