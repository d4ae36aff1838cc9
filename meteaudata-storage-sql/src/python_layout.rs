//! Python meteaudata's own SQL layout, read and written: [`PythonSqlBackend`].
//!
//! Python meteaudata 0.12.1's SQL adapter keeps one row per point in `time_series_data`
//! (`key`, `idx`, `index_value` — `str()` of the pandas label — and `value`, a float) and one
//! row per key in `time_series_metadata` (`key`, `metadata_json`, `series_name`, `length`,
//! `dtype`). A [`PythonSqlBackend`] stores series in exactly those tables, so that Python's
//! `create_backend(StorageConfig.for_sql(url))` loads every key it wrote, and it loads every
//! key Python wrote, through the ordinary [`StorageBackend`] calls. Open one with
//! [`PythonSqlBackend::connect`] or with the URL query `?layout=python`
//! ([`TableLayout::split`]):
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use meteaudata_core::storage::{StorageBackend, StorageKey};
//! use meteaudata_core::{Index, Series, TimeSeries};
//! use meteaudata_storage_sql::PythonSqlBackend;
//!
//! let dir = tempfile::tempdir().unwrap();
//! let url = format!("sqlite:///{}", dir.path().join("python.db").display());
//! let backend = PythonSqlBackend::connect(&url).unwrap();
//! let index = Index::datetime_nanos(vec![0, 60_000_000_000], None);
//! let ts = TimeSeries::new(Series::from_f64("A#1_RAW#1", index, vec![1.5, f64::NAN]).unwrap());
//! let key = StorageKey::new("plant/A#1/RAW#1").unwrap();
//! backend.save(&key, ts.series().unwrap(), &ts.metadata()).unwrap();
//! let (series, _) = backend.load(&key).unwrap();
//! assert_eq!(&series, ts.series().unwrap());
//! # }
//! ```
//!
//! What the layout can hold is what Python's can: numbers. Float, integer (up to 2⁵³ in
//! magnitude: the column is a double) and boolean values save; text, timestamp and category
//! values are an [`InvalidInput`](meteaudata_core::ErrorKind::InvalidInput) error (Python's
//! adapter would fail or turn them into floats). NaN is NULL, as Python writes it. Unlike
//! Python's adapter, which sends every point in one INSERT (and fails above about 60 000
//! points on SQLite), saves go in statements of [`ROWS_PER_INSERT`] points, in one
//! transaction. No versions, snapshots, range reads or appends of our own: those fall back to
//! the trait's defaults (load and filter, load-concatenate-save).

use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{Capabilities, StorageBackend, StorageKey, Stored};
use meteaudata_core::{Error, IndexData, IndexMetadata, Result, Series};

use crate::{ops, python, Database, Db, SqlBackend};

/// Points per multi-row INSERT (four parameters each: far below every database's limit).
pub(crate) const ROWS_PER_INSERT: usize = 1000;

/// Which tables a SQL URL reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TableLayout {
    /// Ours: series rows and point blocks ([`SqlBackend`]).
    #[default]
    Native,
    /// Python meteaudata's `time_series_data` and `time_series_metadata`
    /// ([`PythonSqlBackend`]).
    Python,
}

impl TableLayout {
    /// The layout a URL asks for (query parameter `layout=python` or `layout=native`) and the
    /// URL without that parameter.
    ///
    /// ```
    /// use meteaudata_storage_sql::TableLayout;
    /// assert_eq!(
    ///     TableLayout::split("sqlite:///x.db?layout=python").unwrap(),
    ///     (TableLayout::Python, "sqlite:///x.db".to_string())
    /// );
    /// assert_eq!(
    ///     TableLayout::split("postgresql://u@h/db?layout=python&options=-csearch_path%3Dx").unwrap(),
    ///     (TableLayout::Python, "postgresql://u@h/db?options=-csearch_path%3Dx".to_string())
    /// );
    /// assert_eq!(TableLayout::split("sqlite:///x.db").unwrap().0, TableLayout::Native);
    /// assert!(TableLayout::split("sqlite:///x.db?layout=other").is_err());
    /// ```
    pub fn split(url: &str) -> Result<(TableLayout, String)> {
        let Some((base, query)) = url.split_once('?') else {
            return Ok((TableLayout::Native, url.to_string()));
        };
        let mut layout = TableLayout::Native;
        let mut rest = Vec::new();
        for part in query.split('&') {
            match part.strip_prefix("layout=") {
                Some("python") => layout = TableLayout::Python,
                Some("native") => layout = TableLayout::Native,
                Some(other) => {
                    return Err(Error::invalid_input(format!(
                        "unknown SQL layout {other:?} (use layout=python or layout=native)"
                    )))
                }
                None => rest.push(part),
            }
        }
        let url = if rest.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        Ok((layout, url))
    }
}

/// The metadata row of a key in Python's layout.
pub(crate) struct PyMeta {
    pub metadata_json: String,
    pub series_name: Option<String>,
    pub length: i64,
    pub dtype: String,
}

/// Series in Python meteaudata's own SQL tables (see the module docs).
#[derive(Debug)]
pub struct PythonSqlBackend {
    sql: SqlBackend,
}

impl PythonSqlBackend {
    /// Connects to `url` (the forms [`SqlBackend::connect`] takes) and creates Python's two
    /// tables if they are not there; our own tables are not created.
    pub fn connect(url: &str) -> Result<Self> {
        let (_, url) = TableLayout::split(url)?;
        let sql = SqlBackend::open(&url, false)?;
        let backend = PythonSqlBackend { sql };
        dispatch!(
            &backend.sql,
            "creating Python's tables".to_string(),
            |conn, m| { m::python_create(conn) }
        )?;
        Ok(backend)
    }

    /// Which database this is.
    pub fn database(&self) -> Database {
        self.sql.database()
    }

    /// The rows Python's adapter would write for `series`: `str()` of each label and the value
    /// as a float (NULL for NaN and missing values).
    fn rows(&self, series: &Series) -> Result<Vec<(String, Option<f64>)>> {
        let index = series.index();
        let labels: Vec<String> = match index.data() {
            IndexData::DateTime { .. } => datetime_labels(index),
            _ => (0..index.len()).map(|i| index.label(i)).collect(),
        };
        let values = values_as_floats(series)?;
        if self.sql.database() == Database::Mysql {
            if let Some(x) = values.iter().flatten().find(|x| x.is_infinite()) {
                return Err(Error::invalid_input(format!(
                    "MySQL cannot store {x} in Python's SQL layout (its DOUBLE has no infinities)"
                )));
            }
        }
        Ok(labels.into_iter().zip(values).collect())
    }
}

/// pandas' `str()` of each timestamp (a space between date and time), with one fraction
/// width for the whole index: nine digits when any label has a fraction, none otherwise.
/// Python's `str()` drops a zero fraction label by label, and its own load (`pd.to_datetime`,
/// which takes the format of the first label for all) then fails on a series that mixes them.
///
/// Zoned labels are written in UTC (`+00:00`): Python writes local offsets, and its load
/// refuses a series whose offsets differ ("Mixed timezones detected", any series crossing a
/// daylight-saving change); it converts UTC labels to the recorded zone.
fn datetime_labels(index: &meteaudata_core::Index) -> Vec<String> {
    const SECOND: i64 = 1_000_000_000;
    let IndexData::DateTime { values, tz } = index.data() else {
        return Vec::new();
    };
    let offset = if tz.is_some() { "+00:00" } else { "" };
    let fraction = values.iter().flatten().any(|n| n.rem_euclid(SECOND) != 0);
    values
        .iter()
        .map(|n| match n {
            None => "NaT".to_string(),
            Some(n) => {
                let wall = meteaudata_core::nanos_to_naive(n).format("%Y-%m-%d %H:%M:%S");
                if fraction {
                    format!("{wall}.{:09}{offset}", n.rem_euclid(SECOND))
                } else {
                    format!("{wall}{offset}")
                }
            }
        })
        .collect()
}

/// The values of `series` as Python's float column holds them.
fn values_as_floats(series: &Series) -> Result<Vec<Option<f64>>> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type};
    use arrow_array::Array;
    use arrow_schema::DataType;
    let v = series.values();
    let exact = |x: i64| -> Result<f64> {
        if x.unsigned_abs() <= 1 << 53 {
            Ok(x as f64)
        } else {
            Err(Error::invalid_input(format!(
                "{x} does not fit Python's SQL layout, whose values are doubles (integers up to 2^53)"
            )))
        }
    };
    let n = v.len();
    let valid = |i: usize| v.is_valid(i);
    Ok(match v.data_type() {
        DataType::Float64 => {
            let a = v.as_primitive::<Float64Type>();
            (0..n)
                .map(|i| (valid(i) && !a.value(i).is_nan()).then(|| a.value(i)))
                .collect()
        }
        DataType::Float32 => {
            let a = v.as_primitive::<Float32Type>();
            (0..n)
                .map(|i| (valid(i) && !a.value(i).is_nan()).then(|| f64::from(a.value(i))))
                .collect()
        }
        DataType::Int64 => {
            let a = v.as_primitive::<Int64Type>();
            (0..n)
                .map(|i| valid(i).then(|| exact(a.value(i))).transpose())
                .collect::<Result<_>>()?
        }
        DataType::Int32 => {
            let a = v.as_primitive::<Int32Type>();
            (0..n)
                .map(|i| valid(i).then(|| f64::from(a.value(i))))
                .collect()
        }
        DataType::Boolean => {
            let a = v.as_boolean();
            (0..n)
                .map(|i| valid(i).then(|| if a.value(i) { 1.0 } else { 0.0 }))
                .collect()
        }
        other => {
            return Err(Error::invalid_input(format!(
                "Python's SQL layout stores numbers only (its value column is a float): {other} values cannot be saved there; use the native layout"
            )))
        }
    })
}

/// The index metadata stored with `series`: what its index says, except for the time unit of
/// a datetime or duration index, which stays the one the caller recorded (`datetime64[us]` from
/// pandas 3): the engine holds nanoseconds, and Python gets its own unit back.
fn stored_index_metadata(series: &Series, given: Option<&IndexMetadata>) -> IndexMetadata {
    let mut actual = series.index().metadata();
    if let (Some(given), Some(have)) = (given, actual.time_unit()) {
        // Kept when it is the index's own dtype but for the unit (same kind, same zone).
        let same_but_unit = given.time_unit().is_some_and(|unit| {
            given.dtype
                == actual
                    .dtype
                    .replacen(&format!("[{have}"), &format!("[{unit}"), 1)
        });
        if same_but_unit {
            actual.dtype = given.dtype.clone();
        }
    }
    actual
}

impl StorageBackend for PythonSqlBackend {
    fn backend_type(&self) -> &str {
        self.sql.backend_type()
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::all();
        c.range_reads = false;
        c.append = false;
        c.streaming = false;
        c.atomic_create = false;
        c.versions = false;
        c.snapshots = false;
        c.lossless_values = false;
        c.persistent = !self.sql.memory;
        c.concurrent_writers = !self.sql.memory;
        c
    }

    fn save(&self, key: &StorageKey, series: &Series, metadata: &TimeSeriesMetadata) -> Result<()> {
        meteaudata_core::storage::check_save_input(key, series, metadata)?;
        let rows = self.rows(series)?;
        let mut metadata = metadata.clone();
        metadata.index_metadata = Some(stored_index_metadata(
            series,
            metadata.index_metadata.as_ref(),
        ));
        metadata.values_dtype = series.values_dtype();
        let meta = PyMeta {
            metadata_json: serde_json::to_string(&metadata)
                .map_err(|e| Error::parse("metadata as JSON", e))?,
            series_name: Some(series.name().to_string()),
            length: series.len() as i64,
            dtype: series.values_dtype(),
        };
        dispatch!(
            &self.sql,
            format!("saving {key} (Python's layout)"),
            |conn, m| { m::python_save(conn, key.as_str(), &meta, &rows) }
        )
    }

    fn load(&self, key: &StorageKey) -> Result<Stored> {
        let found = dispatch!(
            &self.sql,
            format!("loading {key} (Python's layout)"),
            |conn, m| { m::python_load(conn, key.as_str()) }
        )?;
        let (meta, rows) = found.ok_or_else(|| self.sql.missing(key))?;
        python::rebuild(key.as_str(), meta, rows)
    }

    fn exists(&self, key: &StorageKey) -> Result<bool> {
        dispatch!(
            &self.sql,
            format!("looking for {key} (Python's layout)"),
            |conn, m| { m::python_exists(conn, key.as_str()) }
        )
    }

    fn delete(&self, key: &StorageKey) -> Result<()> {
        let removed = dispatch!(
            &self.sql,
            format!("deleting {key} (Python's layout)"),
            |conn, m| { m::python_delete(conn, key.as_str()) }
        )?;
        if removed {
            Ok(())
        } else {
            Err(self.sql.missing(key))
        }
    }

    fn list_keys(&self) -> Result<Vec<StorageKey>> {
        self.sql.python_keys()
    }

    fn clear(&self) -> Result<()> {
        dispatch!(
            &self.sql,
            "clearing Python's tables".to_string(),
            |conn, m| { m::python_clear(conn) }
        )
    }

    fn size_on_disk(&self) -> Result<Option<u64>> {
        dispatch!(
            &self.sql,
            "measuring Python's tables".to_string(),
            |conn, m| { m::size(conn, &["time_series_data", "time_series_metadata"]) }
        )
        .map(Some)
    }
}
