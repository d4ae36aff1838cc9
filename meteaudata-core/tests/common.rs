//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The samples Python meteaudata wrote, kept in `fixtures/python-samples`.
pub fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/python-samples")
}

/// A Python interpreter with meteaudata 0.12.1, from `METEAUDATA_PYTHON`. Without it the
/// caller skips, except in CI (`CI=true`), where a missing interpreter is a failure.
pub fn python() -> Option<PathBuf> {
    match std::env::var_os("METEAUDATA_PYTHON") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but METEAUDATA_PYTHON is not set: the Python comparison cannot be skipped in CI");
            }
            eprintln!(
                "skipped: METEAUDATA_PYTHON is not set (Python meteaudata comparison not run)"
            );
            None
        }
    }
}
