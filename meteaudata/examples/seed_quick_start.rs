//! The storage guide's "Quick Start": a signal saved to the disk backend.
//!
//! `cargo run -p meteaudata --example seed_quick_start`

use meteaudata::chrono::{NaiveDate, TimeDelta};
use meteaudata::storage::StorageConfig;
use meteaudata::*;

fn main() -> Result<()> {
    let dir = std::env::temp_dir().join(format!(
        "meteaudata-seed-quick-start-{}",
        std::process::id()
    ));
    let backend = create_backend(&StorageConfig::disk(dir.join("my_data")))?;

    let start = NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| Error::invalid_input("bad date"))?;
    let data = Series::from_f64(
        "RAW",
        Index::date_range(start, 3, TimeDelta::hours(1), None)?.with_frequency("h"),
        vec![20.5, 21.0, 20.8],
    )?;
    let provenance = DataProvenance {
        source_repository: Some("Demo".into()),
        project: Some("Quick Start".into()),
        location: Some("Lab A".into()),
        equipment: Some("Sensor 1".into()),
        parameter: Some("Temperature".into()),
        purpose: Some("Demo backend storage".into()),
        metadata_id: Some("quick_001".into()),
    };
    let mut signal = Signal::new("Temperature", "°C")?
        .with_provenance(provenance)
        .with_series(data)?;

    signal.set_backend(backend.clone(), false);
    signal.save_all(Some("quickstart"))?;

    println!("Data saved to backend!");
    println!("Backend type: {}", backend.backend_type());
    let keys: Vec<String> = backend.list_keys()?.iter().map(|k| k.to_string()).collect();
    println!("Stored keys: {keys:?}");
    backend.cleanup()?;
    Ok(())
}
