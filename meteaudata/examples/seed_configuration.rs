//! The storage guide's "Available Backends", "Backend Configuration" and "Storage Keys":
//! configurations for every backend, and the key structure they share.
//!
//! `cargo run -p meteaudata --example seed_configuration`

use meteaudata::storage::StorageConfig;
use meteaudata::*;

fn main() -> Result<()> {
    // Disk configuration
    let basic = StorageConfig::disk("/path/to/data");
    println!("Backend type: {}", basic.backend_type());
    if let StorageConfig::Disk { path } = &basic {
        println!("Base path: {}", path.display());
    }

    // SQL configurations
    for url in [
        "sqlite:///path/to/database.db",
        "sqlite:///:memory:",
        "postgresql://user:password@localhost:5432/mydatabase",
        "mysql+pymysql://user:password@localhost:3306/mydatabase",
    ] {
        println!(
            "{url} -> {} backend",
            StorageConfig::sql(url).backend_type()
        );
    }

    // An in-memory SQLite backend, ready to use (feature `sqlite`, on by default).
    let sql = create_backend(&StorageConfig::sql("sqlite:///:memory:"))?;
    println!("\nBackend type: {}", sql.backend_type());
    println!("Database URL: sqlite:///:memory:");
    println!("SQL backend ready!");

    // Storage keys: dataset/signal/series on every backend.
    let raw = Series::from_f64("RAW", Index::range(2), vec![1.0, 2.0])?;
    let mut signal = Signal::new("Temperature", "°C")?.with_series(raw)?;
    signal.set_backend(sql.clone(), false);
    signal.save_all(Some("my_dataset"))?;
    println!(
        "\nStorage key structure:\nFormat: {{dataset_name}}/{{signal_name}}/{{timeseries_name}}"
    );
    for key in sql.list_keys()? {
        println!("  - {key}");
    }
    Ok(())
}
