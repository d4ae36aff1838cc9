//! Builds a signal from raw sensor readings, processes it twice, and prints its lineage and the
//! metadata sidecar Python meteaudata reads.
//!
//! Run with `cargo run --release -p meteaudata --example quickstart`.

use meteaudata::chrono::{NaiveDate, TimeDelta};
use meteaudata::*;

fn main() -> Result<()> {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| Error::invalid_input("bad start date"))?;
    let index = Index::date_range(start, 6, TimeDelta::hours(1), None)?.with_frequency("h");
    let raw = Series::from_f64("RAW", index, vec![20.5, 21.0, f64::NAN, 22.25, 21.75, 20.0])?;

    let mut signal = Signal::new("Temperature", "°C")?
        .with_provenance(DataProvenance {
            source_repository: Some("Plant SCADA".into()),
            project: Some("Quick start".into()),
            location: Some("Reactor R-101".into()),
            equipment: Some("Thermocouple K".into()),
            parameter: Some("Temperature".into()),
            purpose: Some("demonstration".into()),
            metadata_id: Some("temp_001".into()),
        })
        .with_series(raw)?;

    // Fill gaps with the previous value, then convert to kelvin: two recorded steps.
    let ffill = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
        let s = &inputs[0];
        let vals = s
            .f64_values()
            .ok_or_else(|| Error::invalid_input("float values expected"))?;
        let mut last = f64::NAN;
        let filled: Vec<f64> = vals
            .values()
            .iter()
            .map(|&v| {
                if !v.is_nan() {
                    last = v;
                }
                last
            })
            .collect();
        let step = ProcessingStep::new(
            ProcessingType::GapFilling,
            "forward fill",
            FunctionInfo::new("ffill", "1.0", "quickstart", "examples/quickstart.rs"),
            "FFILL",
        )
        .with_inputs([s.name()]);
        Ok(vec![TransformOutput::new(
            Series::from_f64("FFILL", s.index().clone(), filled)?,
            step,
        )])
    };
    let kelvin = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
        let s = &inputs[0];
        let vals = s
            .f64_values()
            .ok_or_else(|| Error::invalid_input("float values expected"))?;
        let k: Vec<f64> = vals.values().iter().map(|v| v + 273.15).collect();
        let step = ProcessingStep::new(
            ProcessingType::Transformation,
            "Celsius to kelvin",
            FunctionInfo::new("to_kelvin", "1.0", "quickstart", "examples/quickstart.rs"),
            "KELVIN",
        )
        .with_parameters(Parameters::new().with("offset", 273.15))
        .with_inputs([s.name()]);
        Ok(vec![TransformOutput::new(
            Series::from_f64("KELVIN", s.index().clone(), k)?,
            step,
        )])
    };
    let filled = signal.process(&["Temperature#1_RAW#1"], &ffill, ProcessOptions::new())?;
    let out = signal.process(&[filled[0].as_str()], &kelvin, ProcessOptions::new())?;

    println!("signal {} ({})", signal.name(), signal.units);
    for (name, ts) in signal.time_series() {
        println!("  {name}: {} points", ts.series()?.len());
    }
    let result = signal.get(&out[0])?;
    println!("\nlineage of {}:", out[0]);
    for (i, step) in result.processing_steps.iter().enumerate() {
        println!("  {}. {step}", i + 1);
    }
    println!("\nmetadata sidecar (as Python meteaudata reads it):\n");
    print!("{}", signal.metadata().to_yaml()?);
    Ok(())
}
