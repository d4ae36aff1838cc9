//! # meteaudata-storage-object
//!
//! meteaudata series in an object store (Amazon S3 and S3-protocol servers, Azure Blob
//! Storage, Google Cloud Storage), in a local directory or in memory, through the Apache
//! Arrow project's [`object_store`] crate. The layout is the disk backend's: one
//! `<stem>.parquet` and one `<stem>_meta.yaml` per series under the URL's prefix, so
//!
//! * a Python meteaudata user who syncs the prefix to a folder (`aws s3 sync`, `azcopy`)
//!   opens it with the pandas-disk backend, and a folder uploaded as it is can be opened here;
//! * polars, DuckDB, Spark or pandas read the data objects straight from the bucket: plain
//!   Parquet, timestamps as timestamps, NaN as NaN.
//!
//! ```
//! use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
//! use meteaudata_core::{Index, Series, TimeSeries};
//! use meteaudata_storage_object::ObjectBackend;
//!
//! // `s3://bucket/prefix`, `az://container/prefix`, `gs://bucket/prefix` with their features;
//! // `file:///path` and `memory://` always.
//! let dir = tempfile::tempdir()?;
//! let url = format!("file://{}", dir.path().display());
//! let backend = ObjectBackend::new(&url)?;
//!
//! let index = Index::range(1000);
//! let values = (0..1000).map(f64::from).collect();
//! let ts = TimeSeries::new(Series::from_f64("COD#1_RAW#1", index, values)?);
//! let key: StorageKey = "plant/COD#1/RAW#1".parse()?;
//! backend.save(&key, ts.series().unwrap(), &ts.metadata())?;
//!
//! // The disk backend's file names: Python meteaudata reads this folder.
//! assert!(dir.path().join("plant_COD#1_RAW#1.parquet").exists());
//! assert!(dir.path().join("plant_COD#1_RAW#1_meta.yaml").exists());
//!
//! // Chunks come from ranged reads of the row groups, not from the whole object.
//! let mut scan = backend.scan(&key, TimeRange::default(), 300)?;
//! let first = scan.next().unwrap()?;
//! assert_eq!(first.len(), 300);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## URLs
//!
//! | URL | store | feature |
//! |---|---|---|
//! | `s3://bucket/prefix` | Amazon S3 or an S3-protocol server | `s3` |
//! | `az://container/prefix`, `azure://…`, `abfs://container@account.dfs.core.windows.net/prefix` | Azure Blob Storage | `azure` |
//! | `gs://bucket/prefix` | Google Cloud Storage | `gcs` |
//! | `file:///absolute/path` | a local directory (created if missing) | always |
//! | `memory://` (or `memory:///prefix`) | this process only | always |
//!
//! Credentials, regions and endpoints come from the environment variables `object_store`'s
//! builders read (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`, `AZURE_STORAGE_ACCOUNT_NAME`,
//! `AZURE_STORAGE_ACCOUNT_KEY`, `AZURE_STORAGE_USE_EMULATOR`, `GOOGLE_SERVICE_ACCOUNT`, …),
//! then from the URL's query (`s3://b/p?endpoint=http://127.0.0.1:9000&allow_http=true`) and
//! the options of [`ObjectBackend::with_options`]. Messages name the URL without its query or
//! user information. Requests are retried with backoff by `object_store` (its defaults: up
//! to 10 retries, 3 minutes).
//!
//! ## What is promised
//!
//! The data object is the commit point: a save replaces it in one step (one PUT, or the
//! completion of a multipart upload), so a failed or killed save leaves the previous version
//! readable. Creating a key ([`StorageBackend::create`](meteaudata_core::storage::StorageBackend::create))
//! is a conditional put: of two writers, one wins and the other gets `Conflict`. Every read
//! is checked against the checksums the file carries.
//!
//! Saves keep versions (the disk backend's layout: older ones in
//! `<prefix>/.meteaudata-versions/<stem>/<n>.parquet`, which listings of keys never enter):
//! each save archives the current object by a server-side copy before it replaces it, and
//! replaces it only if it is still the object archived (a conditional put; on `file://`, a
//! lock file per key), so a killed save adds no version and two writers lose none. See
//! [`ObjectBackend`] for the rules and their limits, and [`ObjectBackend::without_versions`].
//!
//! ```
//! use meteaudata_core::storage::{Retention, StorageBackend, StorageKey};
//! use meteaudata_core::{Index, Series, TimeSeries};
//! use meteaudata_storage_object::ObjectBackend;
//!
//! let backend = ObjectBackend::new("memory:///plant")?;
//! let key: StorageKey = "plant/COD#1/RAW#1".parse()?;
//! for v in [1.0, 2.0, 3.0] {
//!     let ts = TimeSeries::new(Series::from_f64("COD#1_RAW#1", Index::range(2), vec![v, v])?);
//!     backend.save(&key, ts.series().unwrap(), &ts.metadata())?;
//! }
//! let versions = backend.list_versions(&key)?;
//! assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2, 3]);
//! assert_eq!(backend.load_version(&key, 1)?.0.f64_values().unwrap().value(0), 1.0);
//! assert_eq!(backend.prune_versions(&key, Retention::KeepLast(2))?, [1]);
//! assert_eq!(backend.list_keys()?, [key]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod backend;
mod error;
mod location;
mod runtime;
mod snapshots;
mod source;
mod upload;
mod versions;

pub use backend::ObjectBackend;
pub use object_store;
