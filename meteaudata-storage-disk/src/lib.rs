//! # meteaudata-storage-disk
//!
//! The disk backend of meteaudata: each series is a Parquet file with a YAML metadata sidecar,
//! laid out as Python meteaudata's pandas-disk backend lays them out, so the two read each
//! other's directories.
//!
//! ```
//! use meteaudata_core::storage::StorageBackend;
//! use meteaudata_core::{Dataset, Index, Series, Signal};
//! use meteaudata_storage_disk::DiskBackend;
//! use std::sync::Arc;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let backend = Arc::new(DiskBackend::new(dir.path()));
//! let raw = Series::from_f64("RAW", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap();
//! let signal = Signal::new("COD", "mg/L").unwrap().with_series(raw).unwrap();
//! let mut ds = Dataset::new("reactor").unwrap().with_signals([signal]).unwrap();
//! ds.set_backend(backend.clone(), false);
//! ds.save_all().unwrap();
//! assert_eq!(backend.list_keys().unwrap()[0].as_str(), "reactor/COD#1/RAW#1");
//! assert!(dir.path().join("reactor_COD#1_RAW#1.parquet").exists());
//! ```
//!
//! The file format (shared with the object-store backend) is the `meteaudata-parquet` crate's.
//! What a file holds:
//!
//! * `<stem>.parquet`: a values column named after the series and an index column
//!   (`__index_level_0__` or the index name), zstd-compressed, timestamps and integers
//!   DELTA_BINARY_PACKED, floats BYTE_STREAM_SPLIT, row groups of 2^17 rows with statistics on
//!   the index column (range reads prune row groups by them).
//!   The footer holds the `pandas` entry (so pandas restores the index), the logical key and
//!   the metadata document.
//! * `<stem>_meta.yaml`: the time series' metadata (history, index metadata, dtype, id,
//!   created_on), the file Python meteaudata reads.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod atomic;
mod backend;
mod snapshots;
mod versions;

pub use backend::DiskBackend;
/// File names for keys (shared with the object-store backend).
pub use meteaudata_parquet::layout;
pub use meteaudata_parquet::ROW_GROUP_ROWS;
