//! The storage guide's "Backend Operations", "Cross-Backend Compatibility", "Error Handling"
//! and "Direct Backend Access": checking, clearing, moving data between backends, handling
//! missing keys, and saving series under keys of your own.
//!
//! `cargo run -p meteaudata --example seed_operations`

use meteaudata::storage::{StorageConfig, StorageKey};
use meteaudata::*;

fn main() -> Result<()> {
    let dir =
        std::env::temp_dir().join(format!("meteaudata-seed-operations-{}", std::process::id()));
    let disk = create_backend(&StorageConfig::disk(dir.join("disk")))?;
    let raw = Series::from_f64("RAW", Index::range(3), vec![20.5, 21.0, 20.8])?;
    let signal = Signal::new("Temperature", "°C")?.with_series(raw)?;

    // Checking storage
    let mut ds = Dataset::new("operations_demo")?.with_signals([signal])?;
    ds.set_backend(disk.clone(), false);
    ds.save_all()?;
    let key = disk.list_keys()?[0].clone();
    println!("Key '{key}' exists: {}", disk.exists(&key)?);
    println!("\nAll stored keys ({}):", disk.list_keys()?.len());
    for k in disk.list_keys()? {
        println!("  - {k}");
    }
    if let Some(bytes) = disk.size_on_disk()? {
        println!("\nTotal storage: {:.2} KB", bytes as f64 / 1024.0);
    }

    // Cross-backend compatibility: the same keys on every backend.
    let sql = create_backend(&StorageConfig::sql("sqlite:///:memory:"))?;
    ds.set_backend(sql.clone(), false);
    ds.save_all()?;
    println!(
        "\nSaved to disk backend: {:?}",
        disk.list_keys()?
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
    );
    println!(
        "Saved to SQL backend: {:?}",
        sql.list_keys()?
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
    );

    // Clearing
    println!("\nKeys before clear: {}", disk.list_keys()?.len());
    disk.clear()?;
    println!("Keys after clear: {}", disk.list_keys()?.len());

    // Error handling
    let missing: StorageKey = "dataset/signal/timeseries".parse()?;
    if disk.exists(&missing)? {
        println!("Data loaded successfully");
    } else {
        println!("\nKey '{missing}' not found in backend");
    }
    match disk.load(&"nonexistent_key".parse()?) {
        Err(e) if e.kind() == ErrorKind::NotFound => println!("Expected error: {e}"),
        other => println!("unexpected: {other:?}"),
    }

    // Direct backend access
    let sample = Series::from_f64("direct_save_test", Index::range(3), vec![1.0, 2.0, 3.0])?;
    let ts = TimeSeries::new(sample.clone());
    let custom: StorageKey = "my_custom_key".parse()?;
    disk.save(&custom, &sample, &ts.metadata())?;
    println!("\nDirectly saved key: '{custom}'");
    let (loaded, _) = disk.load(&custom)?;
    println!(
        "Directly loaded data: {:?}",
        loaded.f64_values().map(|v| v.values().to_vec())
    );
    disk.cleanup()?;
    Ok(())
}
