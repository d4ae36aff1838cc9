//! Storage: the [`StorageBackend`] trait every backend implements, its [`Capabilities`],
//! validated [`StorageKey`]s, [`StorageConfig`], and the dependency-free [`MemoryBackend`].
//!
//! Keys are `dataset/signal/series` on every backend (`reactor/CODa#1/RAW#1`). The model
//! attaches a backend with `Dataset::set_backend` (see the crate docs); backends can also be
//! used directly:
//!
//! ```
//! use meteaudata_core::storage::*;
//! use meteaudata_core::{Series, Index, TimeSeries, ErrorKind};
//! let backend = MemoryBackend::new();
//! let key: StorageKey = "my_custom_key".parse().unwrap();
//! let ts = TimeSeries::new(Series::from_f64("direct", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap());
//! backend.save(&key, ts.series().unwrap(), &ts.metadata()).unwrap();
//! assert!(backend.exists(&key).unwrap());
//! let missing = backend.load(&"nonexistent_key".parse().unwrap()).unwrap_err();
//! assert_eq!(missing.kind(), ErrorKind::NotFound);
//! assert!(missing.to_string().contains("nonexistent_key"));
//! ```

mod backend;
mod config;
mod key;
mod memory;
pub mod snapshots;
pub mod stream;
pub mod versions;

pub use crate::series_ops::TimeRange;
pub use backend::{check_save_input, key_taken, Capabilities, StorageBackend, Stored};
pub use config::StorageConfig;
pub use key::{StorageKey, MAX_KEY_LEN, MAX_KEY_PARTS};
pub use memory::MemoryBackend;
pub use snapshots::{Snapshot, SnapshotEntry};
pub use stream::{
    checked_chunk, prefetched, BufferedWriter, ChunkShape, Prefetched, SeriesScan, SeriesWriter,
    DEFAULT_CHUNK_POINTS,
};
pub use versions::{Retention, VersionInfo};

/// A backend shared by a dataset, its signals and series.
pub type SharedBackend = std::sync::Arc<dyn StorageBackend>;
