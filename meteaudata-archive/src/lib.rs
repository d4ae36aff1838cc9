//! # meteaudata-archive
//!
//! Signals and datasets as the archives Python meteaudata 0.12.1 writes with `Signal.save` and
//! `Dataset.save`: a folder or a zip holding a YAML metadata document (units, provenance, every
//! processing step) and one CSV file per time series. Archives move both ways: Python loads
//! what this crate writes, and this crate loads what Python writes, quirks included.
//!
//! ## Save a signal, load it back
//!
//! ```
//! use meteaudata_archive::{load_signal, save_signal, ExportOptions};
//! use meteaudata_core::{Index, Series, Signal};
//! use meteaudata_core::chrono::{NaiveDate, TimeDelta};
//!
//! let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let index = Index::date_range(start, 3, TimeDelta::hours(1), None)?.with_frequency("h");
//! let raw = Series::from_f64("RAW", index, vec![20.5, f64::NAN, 21.0])?;
//! let signal = Signal::new("Temperature", "°C")?.with_series(raw)?;
//!
//! let dir = tempfile::tempdir()?;
//! let zip = save_signal(&signal, dir.path(), &ExportOptions::new())?;
//! assert!(zip.ends_with("Temperature#1.zip"));
//!
//! // The name can be given (as Python requires) or left to the archive.
//! let back = load_signal(&zip, None)?;
//! assert_eq!(back, signal); // data, index, history, created_on: everything
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Inside the zip are exactly the files Python writes:
//!
//! ```text
//! Temperature#1_metadata.yaml
//! Temperature#1_data/Temperature#1_RAW#1.csv
//! ```
//!
//! and the CSV file is the one pandas would write:
//!
//! ```text
//! ,Temperature#1_RAW#1
//! 2024-01-01 00:00:00,20.5
//! 2024-01-01 01:00:00,
//! 2024-01-01 02:00:00,21.0
//! ```
//!
//! ## A folder instead of a zip, and export options
//!
//! [`ExportOptions`] mirror Python's arguments: `zip`, the separator, the index header
//! (`output_index_name`) and the value headers (`output_value_names`, including `"auto"`, which
//! adds the units as a second header line). Python cannot read its own files back after these
//! options; this crate records them in the metadata document, so it can.
//!
//! ```
//! use meteaudata_archive::{load_signal, save_signal, ExportOptions, ValueNames};
//! use meteaudata_core::{Index, Series, Signal};
//!
//! let raw = Series::from_f64("RAW", Index::range(2).with_name("row"), vec![1.5, 2.5])?;
//! let signal = Signal::new("A", "°C")?.with_series(raw)?;
//! let dir = tempfile::tempdir()?;
//! let opts = ExportOptions::new().zip(false).separator(';')
//!     .index_name(["Time", "local"]).value_names(ValueNames::Auto);
//! let folder = save_signal(&signal, dir.path(), &opts)?;
//!
//! let csv = std::fs::read_to_string(folder.join("A#1_data/A#1_RAW#1.csv"))?;
//! assert_eq!(csv, "Time;A#1_RAW#1\nlocal;°C\n0;1.5\n1;2.5\n");
//! assert_eq!(load_signal(&folder, Some("A#1"))?, signal);
//! // Saving again into the same folder refuses to overwrite anything.
//! assert!(save_signal(&signal, dir.path(), &opts).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Datasets
//!
//! A dataset is always one archive, `<dataset>.zip` by default, holding
//! `<dataset>_metadata.yaml` and a `<dataset>_data/` folder with one signal archive per
//! signal. Loading finds the dataset's name in the archive.
//!
//! ```
//! use meteaudata_archive::{load_dataset, DatasetArchiveExt, ExportOptions};
//! use meteaudata_core::{Dataset, Index, Series, Signal};
//!
//! let a = Signal::new("CODa", "mg/L")?.with_series(Series::from_f64("RAW", Index::range(2), vec![1.0, 2.0])?)?;
//! let b = Signal::new("CODb", "mg/L")?.with_series(Series::from_f64("RAW", Index::range(2), vec![3.0, 4.0])?)?;
//! let ds = Dataset::new("reactor")?.with_signals([a, b])?;
//! let dir = tempfile::tempdir()?;
//! let zip = ds.save_archive(dir.path(), &ExportOptions::new())?;
//! assert_eq!(load_dataset(&zip)?, ds);
//! assert_eq!(Dataset::load_archive(&zip)?.all_signals(), ["CODa#1", "CODb#1"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## What is exact, and what Python sees
//!
//! Loading an archive this crate wrote gives back an equal model: values (NaN and null kept
//! apart), every index kind with its name, frequency and zone (named zones across DST changes,
//! nanoseconds), `created_on`, `metadata_id`, typed parameters. Python meteaudata 0.12.1 loads
//! the same archive; where it cannot apply a field (an index frequency on a named zone, a
//! `last_updated` with an offset) the document holds a value Python can read and the exact
//! one sits under the extra key `meteaudata_rs`, which Python ignores.
//!
//! Saving never changes the model (Python appends an `export_rename` step, M15), writes through
//! temporary files in the destination, and replaces nothing but the zip being written. Loading
//! extracts zips into a private temporary directory and refuses entries that would escape it.
//! Errors are [`meteaudata_core::Error`]s whose messages name the file (`<zip>!/<entry>` inside
//! zips) and the line.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod csv_read;
mod csv_write;
mod dataset_archive;
mod errors;
mod ext;
mod index_column;
mod limits;
mod load;
mod options;
mod python_view;
mod record;
mod save;
mod series_csv;
mod signal_archive;
mod sink;
mod text;
mod values;
mod zip_io;

pub use ext::{DatasetArchiveExt, SignalArchiveExt};
pub use limits::{ZipLimits, RATIO_FREE_BYTES};
pub use load::{
    load_dataset, load_dataset_named, load_dataset_with, load_signal, load_signal_with,
};
pub use options::{ExportOptions, HeaderName, ValueNames};
pub use record::RECORD_KEY;
pub use save::{save_dataset, save_signal};
