//! # meteaudata
//!
//! Provenance and processing-history tracking for environmental time series (water-quality
//! sensors, treatment plants), so that data pipelines are repeatable. This is the crate users
//! depend on: it re-exports the model of [`meteaudata-core`](meteaudata_core), the built-in
//! transforms of [`meteaudata-processing`](meteaudata_processing) (as [`processing`]), and the
//! storage backends, one cargo feature each (`disk` and `sqlite` by default, `postgres`,
//! `mysql`, `all-backends`), through [`create_backend`].
//!
//! Files it writes are read by Python meteaudata 0.12.1, and the reverse.
//!
//! ## Process a signal, keep its history
//!
//! ```
//! use meteaudata::*;
//! use meteaudata::chrono::{NaiveDate, TimeDelta};
//!
//! let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let index = Index::date_range(start, 3, TimeDelta::hours(1), None)?;
//! let raw = Series::from_f64("RAW", index, vec![1.0, f64::NAN, 3.0])?;
//! let mut signal = Signal::new("NH4-N", "mg/L")?.with_series(raw)?;
//! signal.process(&["NH4-N#1_RAW#1"], &processing::linear_interpolation(), ProcessOptions::new())?;
//! assert_eq!(signal.all_time_series(), ["NH4-N#1_RAW#1", "NH4-N#1_LIN-INT#1"]);
//! let step = &signal.get("NH4-N#1_LIN-INT#1")?.processing_steps[0];
//! assert_eq!(step.input_series_names, ["NH4-N#1_RAW#1"]);
//! # Ok::<(), Error>(())
//! ```
//!
//! ## Store it
//!
//! ```
//! use meteaudata::*;
//! use meteaudata::storage::StorageConfig;
//!
//! let backend = create_backend(&StorageConfig::memory())?;
//! let raw = Series::from_f64("RAW", Index::range(3), vec![20.5, 21.0, 20.8])?;
//! let signal = Signal::new("Temperature", "°C")?.with_series(raw)?;
//! let mut dataset = Dataset::new("quickstart")?.with_signals([signal])?;
//! dataset.set_backend(backend.clone(), false);
//! let keys = dataset.save_all()?;
//! assert_eq!(keys[0].as_str(), "quickstart/Temperature#1/RAW#1");
//! assert_eq!(backend.list_keys()?, keys);
//! # Ok::<(), Error>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backends;

pub use backends::create_backend;
/// Signal and dataset archives (YAML + CSV, zip or folder) in Python meteaudata's layout.
pub use meteaudata_archive as archive;
pub use meteaudata_core::*;
/// Real files in: the CSV reader ([`meteaudata_io`]).
pub use meteaudata_io as io;
/// The built-in transforms.
pub use meteaudata_processing as processing;
/// The disk backend (Parquet + YAML sidecars).
#[cfg(feature = "disk")]
pub use meteaudata_storage_disk as storage_disk;
/// The SQL backend (SQLite, PostgreSQL, MySQL/MariaDB), with access to Python meteaudata's
/// own SQL tables.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
pub use meteaudata_storage_sql as storage_sql;
/// Offline pictures: plots, lineage graphs, metadata trees (SVG/HTML/DOT/text).
pub use meteaudata_viz as viz;
