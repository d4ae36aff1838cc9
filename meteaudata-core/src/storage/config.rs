//! Which backend to use, as data: a disk path, a database URL, or memory.

use std::path::PathBuf;

/// A backend choice, turned into a backend by `meteaudata::create_backend`.
///
/// ```
/// use meteaudata_core::storage::StorageConfig;
/// assert_eq!(StorageConfig::disk("./my_data").backend_type(), "disk");
/// assert_eq!(StorageConfig::sql("sqlite:///:memory:").backend_type(), "sqlite");
/// assert_eq!(StorageConfig::sql("mysql+pymysql://u@h/db").backend_type(), "mysql");
/// assert_eq!(StorageConfig::memory().backend_type(), "memory");
/// assert_eq!(StorageConfig::object("s3://bucket/plant").backend_type(), "object");
/// assert!(StorageConfig::is_object_url("az://container/plant"));
/// assert!(!StorageConfig::is_object_url("postgresql://db"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageConfig {
    /// Parquet files and YAML sidecars in a directory.
    Disk {
        /// The directory (created on demand).
        path: PathBuf,
    },
    /// A SQL database.
    Sql {
        /// Connection URL: `sqlite:///path`, `sqlite:///:memory:`, `postgresql://…`,
        /// `mysql://…` (also `mysql+pymysql://…`, as Python writes it).
        url: String,
    },
    /// In memory.
    Memory,
    /// An object store: `s3://bucket/prefix`, `az://container/prefix`, `gs://bucket/prefix`,
    /// `file:///path`, `memory://` (the `meteaudata-storage-object` crate).
    Object {
        /// The URL (credentials from the environment or the URL's query).
        url: String,
    },
}

impl StorageConfig {
    /// A disk backend in `path`.
    pub fn disk(path: impl Into<PathBuf>) -> Self {
        StorageConfig::Disk { path: path.into() }
    }

    /// A SQL backend at `url`.
    pub fn sql(url: impl Into<String>) -> Self {
        StorageConfig::Sql { url: url.into() }
    }

    /// A SQL database read and written in Python meteaudata's own table layout
    /// (`time_series_data`, `time_series_metadata`), so that Python's SQL backend shares it:
    /// the URL with the query parameter `layout=python` added.
    ///
    /// ```
    /// use meteaudata_core::storage::StorageConfig;
    /// let c = StorageConfig::sql_python_layout("sqlite:///x.db");
    /// assert_eq!(c, StorageConfig::sql("sqlite:///x.db?layout=python"));
    /// ```
    pub fn sql_python_layout(url: impl Into<String>) -> Self {
        let url = url.into();
        let sep = if url.contains('?') { '&' } else { '?' };
        StorageConfig::Sql {
            url: format!("{url}{sep}layout=python"),
        }
    }

    /// An in-memory backend.
    pub fn memory() -> Self {
        StorageConfig::Memory
    }

    /// An object-store backend at `url`.
    pub fn object(url: impl Into<String>) -> Self {
        StorageConfig::Object { url: url.into() }
    }

    /// Whether `url` names an object store (`s3://`, `s3a://`, `az://`, `azure://`,
    /// `abfs://`, `abfss://`, `gs://`, `file://`, `memory://`).
    pub fn is_object_url(url: &str) -> bool {
        let lower = url.to_ascii_lowercase();
        OBJECT_SCHEMES
            .iter()
            .any(|s| lower.strip_prefix(s).is_some_and(|r| r.starts_with("://")))
    }

    /// The backend type this config makes: `disk`, `memory`, or for SQL the database from the
    /// URL scheme (`sqlite`, `postgresql`, `mysql`; `sql` when the scheme is unknown).
    pub fn backend_type(&self) -> &'static str {
        match self {
            StorageConfig::Disk { .. } => "disk",
            StorageConfig::Memory => "memory",
            StorageConfig::Object { .. } => "object",
            StorageConfig::Sql { url } => {
                let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
                let base = scheme.split('+').next().unwrap_or("");
                match base {
                    "sqlite" => "sqlite",
                    "postgres" | "postgresql" => "postgresql",
                    "mysql" | "mariadb" => "mysql",
                    _ => "sql",
                }
            }
        }
    }
}

/// The URL schemes of object stores.
const OBJECT_SCHEMES: [&str; 9] = [
    "s3", "s3a", "az", "azure", "abfs", "abfss", "gs", "file", "memory",
];
