//! # meteaudata-io: real files into meteaudata
//!
//! Sensor exports, weather-station downloads and spreadsheets saved as CSV come with
//! semicolons, decimal commas, `2012/01/01 00:00` dates, `N/A` cells, text columns and local
//! times that jump at DST changes. This crate reads them the way `pandas.read_csv` (followed by
//! `tz_localize`) would, and says exactly which line is wrong when it cannot.
//!
//! ```
//! use meteaudata_io::csv::{Ambiguous, CsvOptions, CsvReader};
//! use meteaudata_core::TimeZone;
//!
//! // Local times in Paris across the October 2021 change: 02:00-02:59 happen twice.
//! let text = "time,flow\n\
//!             2021-10-31 01:30,1.0\n2021-10-31 02:30,2.0\n2021-10-31 02:30,3.0\n2021-10-31 03:30,4.0\n";
//! let options = CsvOptions::new()
//!     .tz("Europe/Paris".parse::<TimeZone>()?)
//!     .ambiguous(Ambiguous::Infer);
//! let mut reader = CsvReader::from_reader(std::io::Cursor::new(text), "flow.csv", &options)?;
//! let chunk = reader.next_chunk()?.expect("four rows");
//! let flow = &chunk.series[0];
//! assert_eq!(flow.len(), 4);
//! // Both 02:30 rows kept, one hour apart (summer time, then winter time).
//! let t = flow.index().to_arrow();
//! let t = t.as_any().downcast_ref::<arrow_array::TimestampNanosecondArray>().unwrap();
//! assert_eq!(t.value(2) - t.value(1), 3_600_000_000_000);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! The [`csv`] module documents every rule; the `meteaudata` command-line tool's `import`
//! uses this reader, and streams the chunks into a storage backend. The [`frame`] module turns
//! Arrow tables with a time column into series, signals and datasets, and back.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod csv;
pub mod frame;
#[cfg(feature = "polars")]
#[cfg_attr(docsrs, doc(cfg(feature = "polars")))]
pub mod polars;
