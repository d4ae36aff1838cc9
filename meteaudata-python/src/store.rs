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
use meteaudata::storage::{SharedBackend, StorageConfig, StorageKey};
use meteaudata::Series;
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

fn key(text: &str) -> PyResult<StorageKey> {
    StorageKey::new(text).map_err(to_py)
}

#[pymethods]
impl Store {
    /// Opens the backend `target` names: a directory path (disk), a SQL URL (`sqlite:///x.db`,
    /// `postgresql://…`, `mysql://…`, with `?layout=python` for Python meteaudata's own
    /// tables), an object-store URL (`s3://`, `az://`, `gs://`, `file://`, `memory://`), or
    /// `memory` for a store in memory.
    #[new]
    fn new(py: Python<'_>, target: &str) -> PyResult<Self> {
        let config = if target == "memory" {
            StorageConfig::memory()
        } else if StorageConfig::is_object_url(target) {
            StorageConfig::object(target)
        } else if target.contains("://") {
            StorageConfig::sql(target)
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
            .detach(move || {
                let (series, metadata) = backend.load(&key)?;
                // The index in the unit the saver's pandas used (recorded in index_metadata).
                let unit = metadata
                    .index_metadata
                    .as_ref()
                    .and_then(|m| m.dtype.split_once('['))
                    .map(|(_, rest)| {
                        rest.split([',', ']'])
                            .next()
                            .unwrap_or("")
                            .trim()
                            .to_string()
                    });
                Ok::<_, meteaudata::Error>((
                    batch_for_python(&series, unit.as_deref()),
                    metadata.to_yaml()?,
                ))
            })
            .map_err(to_py)?;
        Ok((batch.to_pyarrow(py)?, yaml))
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
