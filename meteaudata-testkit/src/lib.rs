//! # meteaudata-testkit
//!
//! The storage contract of meteaudata as tests, for our backends and yours, plus
//! [`strategies`]: proptest generators for every model type.
//!
//! ## Running the conformance suite against a backend
//!
//! Each case in [`cases`] is a plain function taking a fresh backend. [`backend_suite!`]
//! expands them into one `#[test]` per case for a factory you give it; put it in a module of
//! an integration test:
//!
//! ```
//! // tests/conformance.rs of your backend crate
//! mod memory {
//!     meteaudata_testkit::backend_suite!(|| meteaudata_core::storage::MemoryBackend::new());
//! }
//! # fn main() {}
//! ```
//!
//! The factory is called once per test and must return an isolated backend (a fresh
//! directory, schema or database); cases also use their own key namespace. A factory that
//! cannot make a backend here (no server URL on a laptop) uses the `optional:` form and
//! returns `None`: those tests say they skipped. Cases whose capability the backend lacks
//! ([`Capabilities`](meteaudata_core::storage::Capabilities)) pass with a "skipped" message.
//!
//! ```
//! mod maybe_server {
//!     meteaudata_testkit::backend_suite!(optional: || {
//!         std::env::var("MY_SERVER_URL").ok().map(|_url| meteaudata_core::storage::MemoryBackend::new())
//!     });
//! }
//! # fn main() {}
//! ```
//!
//! A case can also be run by hand:
//!
//! ```
//! use meteaudata_testkit::cases::{self, Outcome};
//! let backend = meteaudata_core::storage::MemoryBackend::new();
//! assert_eq!(cases::round_trip(&backend), Ok(Outcome::Passed));
//! ```

pub mod cases;
mod create_cases;
pub mod generated;
mod snapshot_cases;
pub mod strategies;
mod stream_cases;
mod version_cases;

/// A Python interpreter with meteaudata 0.12.1 installed, from `METEAUDATA_PYTHON`, for tests
/// that compare with the reference implementation. Without it the caller should skip (this
/// prints why), except under `CI=true`, where a missing interpreter is a failure (panic).
pub fn python_reference() -> Option<std::path::PathBuf> {
    match std::env::var_os("METEAUDATA_PYTHON") {
        Some(p) if !p.is_empty() => Some(p.into()),
        _ => {
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "CI=true but METEAUDATA_PYTHON is not set: the comparison with Python meteaudata cannot be skipped in CI"
            );
            eprintln!("skipped: METEAUDATA_PYTHON is not set, Python meteaudata not compared");
            None
        }
    }
}

use meteaudata_core::storage::StorageBackend;

/// Runs one case against a backend made by `factory`, panicking with the case name and the
/// violated rule when it fails. `None` from the factory skips the case with a message. After a
/// case that did not fail, the backend's `cleanup()` releases what it used; a failed case
/// leaves its data in place for inspection.
pub fn run_case<B, F>(name: &str, case: fn(&dyn StorageBackend) -> cases::CaseResult, factory: F)
where
    B: StorageBackend,
    F: FnOnce() -> Option<B>,
{
    let Some(backend) = factory() else {
        eprintln!("skipped {name}: no backend available here");
        return;
    };
    let outcome = case(&backend);
    if outcome.is_ok() {
        // Each case gets a fresh backend: release what it used (directory, tables).
        let _ = backend.cleanup();
    }
    match outcome {
        Ok(cases::Outcome::Passed) => {
            eprintln!("passed {name} on {}", backend.backend_type());
        }
        Ok(cases::Outcome::Skipped(why)) => {
            eprintln!("skipped {name} on {}: {why}", backend.backend_type());
        }
        Err(msg) => panic!(
            "conformance case {name} failed on the {} backend: {msg}",
            backend.backend_type()
        ),
    }
}

/// Expands the conformance suite into one `#[test]` per case (see the crate docs).
#[macro_export]
macro_rules! backend_suite {
    (many_keys: $keys:expr, optional: $factory:expr) => {
        $crate::__backend_suite_cases!(($factory, $keys);
            round_trip round_trip_every_kind round_trip_generated empty_series overwrite exists
            delete missing_key list_keys_sorted clear special_character_keys
            invalid_keys_rejected failed_save_keeps_previous range_read append range_read_scattered
            append_in_pieces large_series many_keys concurrent_saves size_on_disk metadata_exact
            load_metadata scan_chunks scan_windows writer_round_trip writer_abandoned_keeps_previous
            create_new concurrent_creates versions_overwrite versions_hash_every_kind
            versions_writers_and_appends versions_retention versions_concurrent
            snapshots_round_trip snapshots_spare_versions snapshot_names_checked);
    };
    (optional: $factory:expr) => {
        $crate::backend_suite!(many_keys: $crate::cases::MANY_KEYS, optional: $factory);
    };
    ($factory:expr) => {
        $crate::backend_suite!(optional: || ::core::option::Option::Some(($factory)()));
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __backend_suite_cases {
    (($factory:expr, $keys:expr); $($case:ident)*) => {
        $(
            #[test]
            fn $case() {
                $crate::cases::with_many_keys($keys, || {
                    $crate::run_case(stringify!($case), $crate::cases::$case, $factory)
                });
            }
        )*

        #[test]
        fn suite_runs_every_case() {
            let listed = [$(stringify!($case)),*];
            let all: ::std::vec::Vec<&str> = $crate::cases::ALL.iter().map(|c| c.0).collect();
            assert_eq!(listed.to_vec(), all, "the macro and cases::ALL disagree");
        }
    };
}
