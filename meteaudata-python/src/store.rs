//! `meteaudata_rs._native.Store`: one of the engine's storage backends, seen from Python.
//!
//! The Python class `meteaudata_rs.Backend` wraps it with Python meteaudata's backend interface
//! (pandas Series in and out, metadata dicts); this class speaks Arrow record batches (the
//! series' index and values, through the Arrow C data interface) and the metadata as the YAML
//! text Python meteaudata's disk backend writes. Every call releases the GIL while the backend
//! works, so other Python threads run meanwhile.

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use meteaudata::metadata::TimeSeriesMetadata;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;
use std::thread::JoinHandle;

use meteaudata::storage::{SharedBackend, StorageConfig, StorageKey, Stored, TimeRange};
use meteaudata::Series;
use meteaudata::{Error, Result};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::convert::batch_for_python;
use crate::errors::to_py;

/// A storage backend of the Rust engine (disk, SQL or object store), keyed by Python
/// meteaudata's `dataset/signal/series` keys.
#[pyclass(module = "meteaudata_rs._native", frozen)]
pub struct Store {
    backend: SharedBackend,
    target: String,
}

/// A stored series as Python receives it: the record batch, its time index in the unit the
/// saver's index had (recorded in `index_metadata`, where exact), and the metadata as YAML.
fn for_python((series, metadata): Stored) -> Result<(RecordBatch, String)> {
    let unit = metadata.index_metadata.as_ref().and_then(|m| m.time_unit());
    Ok((batch_for_python(&series, unit), metadata.to_yaml()?))
}

fn key(text: &str) -> PyResult<StorageKey> {
    StorageKey::new(text).map_err(to_py)
}

#[pymethods]
impl Store {
    /// Opens the backend `target` names: a directory path (disk), a SQL URL (`sqlite:///x.db`,
    /// `postgresql://…`, `mysql://…`, SQLAlchemy's `mysql+pymysql://…` too, with
    /// `?layout=python` for Python meteaudata's own tables), an object-store URL (`s3://`, `az://`, `gs://`, `file://`, `memory://`), or
    /// `memory` for a store in memory.
    #[new]
    fn new(py: Python<'_>, target: &str) -> PyResult<Self> {
        let config = if target == "memory" {
            StorageConfig::memory()
        } else if StorageConfig::is_object_url(target) {
            StorageConfig::object(target)
        } else if let Some((scheme, rest)) = target.split_once("://") {
            // SQLAlchemy URLs name a driver after the dialect (`mysql+pymysql://`): the
            // dialect is what counts.
            let dialect = scheme.split('+').next().unwrap_or(scheme);
            StorageConfig::sql(format!("{dialect}://{rest}"))
        } else {
            StorageConfig::disk(target)
        };
        let backend = py
            .detach(|| meteaudata::create_backend(&config))
            .map_err(to_py)?;
        Ok(Store {
            backend,
            target: target.to_string(),
        })
    }

    /// What this store is: `disk`, `sqlite`, `postgresql`, `mysql`, `object`, `memory`, …
    fn backend_type(&self) -> String {
        self.backend.backend_type().to_string()
    }

    /// The target the store was opened with.
    #[getter]
    fn target(&self) -> String {
        self.target.clone()
    }

    /// Saves the series in `batch` (index column, then values; see `meteaudata_rs._convert`)
    /// under `key`, with the metadata document `metadata_yaml`. Atomic: a failed save leaves
    /// what was stored before.
    fn save(
        &self,
        py: Python<'_>,
        key: &str,
        batch: &Bound<'_, PyAny>,
        metadata_yaml: &str,
    ) -> PyResult<()> {
        let key = self::key(key)?;
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let backend = Arc::clone(&self.backend);
        py.detach(move || {
            let series = Series::from_record_batch(&batch)?;
            let metadata = TimeSeriesMetadata::from_yaml(metadata_yaml)?;
            backend.save(&key, &series, &metadata)
        })
        .map_err(to_py)
    }

    /// The series stored under `key` as a record batch (its time index in the unit the metadata
    /// records, where exact), and its metadata document as YAML; a missing key is a `KeyError`.
    fn load<'py>(&self, py: Python<'py>, key: &str) -> PyResult<(Bound<'py, PyAny>, String)> {
        let key = self::key(key)?;
        let backend = Arc::clone(&self.backend);
        let (batch, yaml) = py
            .detach(move || for_python(backend.load(&key)?))
            .map_err(to_py)?;
        Ok((batch.to_pyarrow(py)?, yaml))
    }

    /// The points of `key` with instants in `[start, end)` (nanoseconds: UTC for a zoned
    /// index, wall clock for a naive one; `None`: open), read with the backend's range reads
    /// where it has them; like `load` otherwise.
    #[pyo3(signature = (key, start=None, end=None))]
    fn load_range<'py>(
        &self,
        py: Python<'py>,
        key: &str,
        start: Option<i64>,
        end: Option<i64>,
    ) -> PyResult<(Bound<'py, PyAny>, String)> {
        let key = self::key(key)?;
        let backend = Arc::clone(&self.backend);
        let (batch, yaml) = py
            .detach(move || for_python(backend.load_range(&key, TimeRange::new(start, end))?))
            .map_err(to_py)?;
        Ok((batch.to_pyarrow(py)?, yaml))
    }

    /// Adds the points of `batch` after those stored under `key` (same index kind and value
    /// type; later instants), without rewriting the stored ones where the backend can.
    fn append(&self, py: Python<'_>, key: &str, batch: &Bound<'_, PyAny>) -> PyResult<()> {
        let key = self::key(key)?;
        let batch = RecordBatch::from_pyarrow_bound(batch)?;
        let backend = Arc::clone(&self.backend);
        py.detach(move || {
            let series = Series::from_record_batch(&batch)?;
            backend.append(&key, &series)
        })
        .map_err(to_py)
    }

    /// The points of `key` in stored order, `chunk_points` at a time (those in
    /// `[start, end)` when a bound is given), as an iterator of record batches: the backend
    /// reads ahead of Python, so memory holds about three chunks whatever the series' length.
    #[pyo3(signature = (key, chunk_points, start=None, end=None))]
    fn scan(
        &self,
        py: Python<'_>,
        key: &str,
        chunk_points: usize,
        start: Option<i64>,
        end: Option<i64>,
    ) -> PyResult<Chunks> {
        let key = self::key(key)?;
        let backend = Arc::clone(&self.backend);
        py.detach(move || Chunks::start(backend, key, chunk_points, TimeRange::new(start, end)))
            .map_err(to_py)
    }

    /// The metadata document of `key` as YAML, without its data.
    fn metadata(&self, py: Python<'_>, key: &str) -> PyResult<String> {
        let key = self::key(key)?;
        py.detach(|| self.backend.load_metadata(&key)?.to_yaml())
            .map_err(to_py)
    }

    /// Whether `key` holds a series.
    fn exists(&self, py: Python<'_>, key: &str) -> PyResult<bool> {
        let key = self::key(key)?;
        py.detach(|| self.backend.exists(&key)).map_err(to_py)
    }

    /// Deletes `key`; a missing key is a `KeyError`.
    fn delete(&self, py: Python<'_>, key: &str) -> PyResult<()> {
        let key = self::key(key)?;
        py.detach(|| self.backend.delete(&key)).map_err(to_py)
    }

    /// Every stored key, sorted.
    fn list_keys(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let mut keys: Vec<String> = py
            .detach(|| self.backend.list_keys())
            .map_err(to_py)?
            .into_iter()
            .map(|k| k.as_str().to_string())
            .collect();
        keys.sort();
        Ok(keys)
    }

    /// Removes every stored series; the store itself stays usable.
    fn clear(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| self.backend.clear()).map_err(to_py)
    }

    /// Bytes the store occupies, when the backend can tell.
    fn size_on_disk(&self, py: Python<'_>) -> PyResult<Option<u64>> {
        py.detach(|| self.backend.size_on_disk()).map_err(to_py)
    }

    fn __repr__(&self) -> String {
        format!(
            "Store({:?}, backend_type={:?})",
            self.target,
            self.backend.backend_type()
        )
    }
}

/// Chunks of a stored series, read ahead on a thread of their own (see `Store.scan` in
/// Python): one chunk waits in the channel while the thread reads the next, so memory holds
/// about three chunks with the one Python has. Iterating it gives record batches, the time
/// index in the unit the metadata records; a failure of the thread is an exception, never a
/// short series.
#[pyclass(module = "meteaudata_rs._native")]
pub struct Chunks {
    receiver: Mutex<Receiver<Result<Series>>>,
    reader: Mutex<Option<JoinHandle<()>>>,
    unit: Option<String>,
    values_dtype: String,
}

impl Chunks {
    fn start(
        backend: SharedBackend,
        key: StorageKey,
        chunk_points: usize,
        range: TimeRange,
    ) -> Result<Chunks> {
        // The first chunk (or the error of a missing key) comes back before this returns.
        let (first_tx, first_rx) = sync_channel::<Result<(Option<String>, String)>>(1);
        let (tx, receiver) = sync_channel::<Result<Series>>(1);
        let reader = std::thread::spawn(move || {
            let scan = match backend.scan(&key, range, chunk_points) {
                Ok(scan) => scan,
                Err(e) => {
                    let _ = first_tx.send(Err(e));
                    return;
                }
            };
            let meta = scan.metadata();
            let unit = meta.index_metadata.as_ref().and_then(|m| m.time_unit());
            let _ = first_tx.send(Ok((unit.map(str::to_string), meta.values_dtype.clone())));
            for chunk in scan {
                // The reader is gone when Python dropped the iterator: stop reading.
                if tx.send(chunk).is_err() {
                    return;
                }
            }
        });
        let (unit, values_dtype) = first_rx
            .recv()
            .map_err(|_| Error::invalid_input("the scan thread ended before its first chunk"))??;
        Ok(Chunks {
            receiver: Mutex::new(receiver),
            reader: Mutex::new(Some(reader)),
            unit,
            values_dtype,
        })
    }
}

#[pymethods]
impl Chunks {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The pandas dtype recorded for the values (each chunk is cast to it in Python).
    #[getter]
    fn values_dtype(&self) -> String {
        self.values_dtype.clone()
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let next = py.detach(|| self.receiver.lock().map(|r| r.recv().ok()).unwrap_or(None));
        match next {
            // The reading thread is done: the end of the series, unless it failed on its way.
            None => {
                let reader = self.reader.lock().ok().and_then(|mut r| r.take());
                match reader.map(|r| py.detach(|| r.join())) {
                    Some(Err(_)) => Err(PyRuntimeError::new_err(
                        "the thread reading the series failed before its end",
                    )),
                    _ => Ok(None),
                }
            }
            Some(Err(e)) => Err(to_py(e)),
            Some(Ok(series)) => Ok(Some(
                batch_for_python(&series, self.unit.as_deref()).to_pyarrow(py)?,
            )),
        }
    }
}
