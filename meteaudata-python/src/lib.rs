//! # meteaudata-python: the Rust engine for Python meteaudata users
//!
//! This crate builds the Python wheel `meteaudata_rs` (PyO3, one abi3 wheel for CPython 3.9 and
//! later, built with maturin: `cargo xtask python-wheel`). It gives notebooks and scripts that
//! use Python meteaudata 0.12.1 the engine's storage backends and built-in processing steps,
//! with Python meteaudata's own interfaces, so that switching is one import:
//!
//! ```python
//! import meteaudata_rs
//! from meteaudata.storage import StorageConfig
//!
//! # Any of Python meteaudata's configs, or a path or URL:
//! dataset.set_backend(meteaudata_rs.create_backend(StorageConfig.for_sql("sqlite:///plant.db")))
//! dataset.save_all()              # 10^7 points in about a second
//!
//! signal.process(["COD#1_RAW#1"], meteaudata_rs.resample, "5min")
//! signal.process(["COD#1_RESAMPLED#1"], meteaudata_rs.linear_interpolation)
//! ```
//!
//! The Python package (`python/meteaudata_rs`) holds the thin layer that speaks pandas and
//! pydantic: it turns a pandas Series into an Arrow record batch (index column, values column,
//! through pyarrow and the Arrow C data interface, without a Python object per point), hands it
//! to this module, `meteaudata_rs._native`, and turns what comes back into pandas Series and
//! `meteaudata.types.ProcessingStep`s. This module holds:
//!
//! * [`Store`](store::Store): one of the engine's backends (disk, SQLite, PostgreSQL,
//!   MySQL/MariaDB, S3, Azure, GCS, local object stores, memory) keyed by Python meteaudata's
//!   `dataset/signal/series` keys, its metadata travelling as the YAML text Python meteaudata's
//!   disk backend writes, with range reads, appends and chunked scans ([`Chunks`](store::Chunks)) for series larger
//!   than memory;
//! * [`apply`](builtins::apply) and [`average`](builtins::average): the seven built-ins;
//! * [`read_csv`](csv::read_csv): CSV files read as pandas reads them (DST policies included);
//! * the mapping of the engine's errors onto the Python exceptions Python meteaudata raises
//!   ([`errors`]).
//!
//! Every call releases the GIL while Rust works. Its tests are Python's (`tests/`, pytest),
//! run by `.ci/run` against the installed wheel; see the crate's README for the figures.

pub mod builtins;
pub mod convert;
pub mod csv;
pub mod errors;
pub mod store;

use pyo3::prelude::*;

/// The extension module `meteaudata_rs._native`.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<store::Store>()?;
    m.add_class::<store::Chunks>()?;
    m.add_function(wrap_pyfunction!(csv::read_csv, m)?)?;
    m.add_function(wrap_pyfunction!(builtins::apply, m)?)?;
    m.add_function(wrap_pyfunction!(builtins::average, m)?)?;
    m.add(
        "CorruptDataError",
        m.py().get_type::<errors::CorruptDataError>(),
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
