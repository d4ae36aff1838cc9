//! # meteaudata-parquet
//!
//! The data file of meteaudata's disk and object-store backends: one series per Parquet file,
//! which the backends name and place (see [`layout`]) and this crate writes and reads.
//!
//! Writing takes any [`std::io::Write`]: a file, a buffer, an upload. The file carries the
//! logical key and the metadata document in its footer, the `pandas` entry that lets pandas
//! (and so Python meteaudata) read it, and BLAKE3 checksums of its bytes ([`checksum`]), which
//! are sealed once the file is complete:
//!
//! ```
//! use meteaudata_core::storage::StorageKey;
//! use meteaudata_core::{Index, Series, TimeSeries};
//! use meteaudata_parquet::{checksum, read_series, write_series, BytesSource};
//! use std::sync::Arc;
//!
//! let key: StorageKey = "plant/COD#1/RAW#1".parse()?;
//! let series = Series::from_f64("COD#1_RAW#1", Index::range(4), vec![1.0, 2.5, f64::NAN, 4.0])?;
//! let ts = TimeSeries::new(series.clone());
//! let mut file: Vec<u8> = write_series(Vec::new(), &key, &series, &ts.metadata())?;
//! let len = file.len() as u64;
//! checksum::seal_tail(&mut file, len)?;
//!
//! // Reading goes through a `ReadAt` source: a file, an object read by ranges, a buffer.
//! let (back, footer) = read_series(Arc::new(BytesSource::new(file.clone(), "mem")), None, None)?;
//! assert_eq!(back, series);
//! assert_eq!(footer.key.as_deref(), Some("plant/COD#1/RAW#1"));
//!
//! // A flipped bit is an error, never a wrong value.
//! file[100] ^= 1;
//! let e = read_series(Arc::new(BytesSource::new(file, "mem")), None, None).unwrap_err();
//! assert_eq!(e.kind(), meteaudata_core::ErrorKind::Corrupt);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Reading asks its source only for what it needs: the footer, then the row groups that can
//! hold points of a time window (by their timestamp statistics), each checked against its
//! checksums as it arrives. [`ParquetScan`] reads a chunk of rows at a time, so memory stays
//! bounded on long series. Files pandas wrote (no checksums) are read too; their footers and
//! page headers are walked before the `parquet` crate decodes them ([`MAX_PAGE_BYTES`]).
//!
//! What a file holds: a values column named after the series and an index column
//! (`__index_level_0__` or the index name), zstd-compressed, timestamps and integers
//! DELTA_BINARY_PACKED, floats BYTE_STREAM_SPLIT, row groups of [`ROW_GROUP_ROWS`] rows with
//! statistics on the index column.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod checksum;
pub mod layout;
mod level_check;
mod page_check;
mod pandas_meta;
mod parquet_read;
mod parquet_write;
mod source;
pub mod stem_store;

pub use page_check::MAX_PAGE_BYTES;
pub use parquet_read::{read_footer, read_series, Footer, ParquetScan};
pub use parquet_write::{
    write_series, ParquetSeriesWriter, KEY_ENTRY, METADATA_ENTRY, ROW_GROUP_ROWS, VERSION_ENTRY,
};
pub use source::{BytesSource, FileSource, ReadAt};
