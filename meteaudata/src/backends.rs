//! Turning a [`StorageConfig`] into a backend, with one cargo feature per backend.

use std::sync::Arc;

use meteaudata_core::storage::{MemoryBackend, SharedBackend, StorageConfig};
use meteaudata_core::{Error, Result};

fn not_compiled(backend: &str, feature: &str) -> Error {
    Error::Unsupported(format!(
        "the {backend} backend is not compiled in: enable the `{feature}` feature of the `meteaudata` crate"
    ))
}

/// Makes the backend a config describes.
///
/// The memory backend is always available. Disk needs the `disk` feature (default); SQL URLs
/// need the feature of their database: `sqlite` (default), `postgres` or `mysql`; object-store
/// URLs need `object` (`file://`, `memory://`) and `s3`, `azure` or `gcs`. A backend
/// whose feature is off is an [`Unsupported`](meteaudata_core::ErrorKind::Unsupported) error
/// naming the feature to enable. A SQL URL with the query `layout=python`
/// (`sqlite:///x.db?layout=python`) reads and writes Python meteaudata's own tables
/// (`time_series_data`, `time_series_metadata`) instead of ours.
///
/// ```
/// use meteaudata::{create_backend, storage::StorageConfig, ErrorKind};
/// let backend = create_backend(&StorageConfig::memory()).unwrap();
/// assert_eq!(backend.backend_type(), "memory");
/// let err = create_backend(&StorageConfig::sql("oracle://db")).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Unsupported);
/// ```
pub fn create_backend(config: &StorageConfig) -> Result<SharedBackend> {
    match config {
        StorageConfig::Memory => Ok(Arc::new(MemoryBackend::new())),
        #[cfg(feature = "disk")]
        StorageConfig::Disk { path } => Ok(Arc::new(meteaudata_storage_disk::DiskBackend::new(
            path.clone(),
        ))),
        #[cfg(not(feature = "disk"))]
        StorageConfig::Disk { .. } => Err(not_compiled("disk", "disk")),
        StorageConfig::Sql { url } => {
            let kind = config.backend_type();
            let (enabled, feature) = match kind {
                "sqlite" => (cfg!(feature = "sqlite"), "sqlite"),
                "postgresql" => (cfg!(feature = "postgres"), "postgres"),
                "mysql" => (cfg!(feature = "mysql"), "mysql"),
                _ => {
                    return Err(Error::Unsupported(format!(
                        "unknown database URL scheme in {url:?}: use sqlite://, postgresql:// or mysql://"
                    )))
                }
            };
            if enabled {
                // `?layout=python`: Python meteaudata's own tables.
                #[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
                let made = match meteaudata_storage_sql::TableLayout::split(url)? {
                    (meteaudata_storage_sql::TableLayout::Python, url) => {
                        meteaudata_storage_sql::PythonSqlBackend::connect(&url)
                            .map(|b| Arc::new(b) as SharedBackend)
                    }
                    _ => meteaudata_storage_sql::SqlBackend::connect(url)
                        .map(|b| Arc::new(b) as SharedBackend),
                };
                #[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
                let made = Err(not_compiled(kind, feature));
                made
            } else {
                Err(not_compiled(kind, feature))
            }
        }
        #[cfg(feature = "object")]
        StorageConfig::Object { url } => Ok(Arc::new(
            meteaudata_storage_object::ObjectBackend::new(url)?,
        )),
        #[cfg(not(feature = "object"))]
        StorageConfig::Object { .. } => Err(not_compiled("object-store", "object")),
        other => Err(Error::Unsupported(format!(
            "unknown storage config {other:?}"
        ))),
    }
}
