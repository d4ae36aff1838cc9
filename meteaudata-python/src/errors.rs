//! Rust errors as Python exceptions.
//!
//! Python meteaudata raises Python's built-in exception types, and its users catch those, so the
//! engine raises the same ones: a missing key is a `KeyError` (as `load` and `delete` of Python's
//! backends), bad input a `ValueError`, a feature that is not there `NotImplementedError`, I/O and
//! database failures `OSError` (`FileNotFoundError`, `PermissionError` where the system says so). Damaged data gets its own type, [`CorruptDataError`] (a
//! `ValueError`), so that it is never mistaken for a missing key. The built-ins refine this
//! where Python meteaudata raises something else for the same input (see `builtins.rs`).

use meteaudata::{Error, ErrorKind};
use pyo3::create_exception;
use pyo3::exceptions::{
    PyFileExistsError, PyFileNotFoundError, PyKeyError, PyNotImplementedError, PyOSError,
    PyPermissionError, PyRuntimeError, PyValueError,
};
use pyo3::PyErr;

create_exception!(
    meteaudata_rs,
    CorruptDataError,
    PyValueError,
    "Stored data failed its checks (a checksum, a truncated file, a foreign or damaged layout): \
     it is never read as good data."
);

/// The Python exception for `err`, its message being the Rust error's.
pub fn to_py(err: Error) -> PyErr {
    let message = err.to_string();
    if let Error::Io { source, .. } = &err {
        match source.kind() {
            std::io::ErrorKind::NotFound => return PyFileNotFoundError::new_err(message),
            std::io::ErrorKind::PermissionDenied => return PyPermissionError::new_err(message),
            _ => {}
        }
    }
    match err.kind() {
        ErrorKind::NotFound => PyKeyError::new_err(message),
        ErrorKind::Conflict => PyFileExistsError::new_err(message),
        ErrorKind::InvalidName
        | ErrorKind::InvalidInput
        | ErrorKind::Parse
        | ErrorKind::InvalidKey => PyValueError::new_err(message),
        ErrorKind::Unsupported => PyNotImplementedError::new_err(message),
        ErrorKind::Corrupt => CorruptDataError::new_err(message),
        ErrorKind::Backend | ErrorKind::Io => PyOSError::new_err(message),
        _ => PyRuntimeError::new_err(message),
    }
}
