//! The conformance suite on object-store servers, a fresh prefix per case:
//!
//! * S3: `METEAUDATA_S3_URL` (`s3://bucket/prefix`; credentials and endpoint from the `AWS_*`
//!   variables, e.g. `AWS_ENDPOINT_URL=http://127.0.0.1:9000 AWS_ALLOW_HTTP=true`);
//! * Azure: `METEAUDATA_AZURE_URL` (`az://container/prefix`; `AZURE_STORAGE_USE_EMULATOR=true`
//!   for Azurite, or the `AZURE_STORAGE_*` variables).
//!
//! Without them the cases skip with a message, except in CI (`CI=true`), where they fail.
//! `.ci/run` starts the moto S3 server and Azurite, creates the bucket and the container and
//! exports these variables.

use meteaudata_core::storage::StorageBackend;
use meteaudata_storage_object::ObjectBackend;
use std::sync::atomic::{AtomicU64, Ordering};

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A backend under a fresh prefix of the store in `var`; `None` (with a message) when the
/// variable is unset on a laptop; a panic when it is unset in CI or the store is unusable.
fn fresh(var: &str) -> Option<ObjectBackend> {
    static N: AtomicU64 = AtomicU64::new(0);
    let base = match std::env::var(var) {
        Ok(u) if !u.trim().is_empty() => u,
        _ if in_ci() => panic!("{var} is not set but CI=true: .ci/run must export it"),
        _ => {
            eprintln!("skipping: {var} is not set (set it to run the object-store server tests)");
            return None;
        }
    };
    let (url, query) = match base.split_once('?') {
        Some((u, q)) => (u.to_string(), format!("?{q}")),
        None => (base.clone(), String::new()),
    };
    let unique = format!(
        "{}/case-{}-{}-{}{query}",
        url.trim_end_matches('/'),
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
        N.fetch_add(1, Ordering::Relaxed)
    );
    Some(ObjectBackend::new(&unique).unwrap_or_else(|e| panic!("cannot open {var}: {e}")))
}

/// Keys `many_keys` stores on a server: the emulators take milliseconds per request (10⁴
/// keys took 4 to 8 minutes there), so 1 500 by default, more than one listing page of
/// 1 000; `METEAUDATA_OBJECT_MANY_KEYS` sets another count (10 000 is the suite's own).
fn server_keys() -> usize {
    std::env::var("METEAUDATA_OBJECT_MANY_KEYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_500)
}

#[cfg(feature = "s3")]
mod object_s3 {
    meteaudata_testkit::backend_suite!(many_keys: super::server_keys(), optional: || super::fresh("METEAUDATA_S3_URL"));
}

#[cfg(feature = "azure")]
mod object_azure {
    meteaudata_testkit::backend_suite!(many_keys: super::server_keys(), optional: || super::fresh("METEAUDATA_AZURE_URL"));
}

/// A bucket (container) that does not exist: saves and listings are `Backend` errors naming
/// the URL, without its query; loads of a key say the key is not there or the store failed,
/// never that it holds something.
fn missing_bucket(var: &str) {
    let Ok(base) = std::env::var(var) else {
        eprintln!("skipping: {var} is not set");
        return;
    };
    let scheme = base.split("://").next().unwrap_or_default();
    let url = format!(
        "{scheme}://no-such-bucket-{}/p?secret_hint=hunter2",
        std::process::id()
    );
    // The query is not a valid option: a clear InvalidInput without the value.
    let e = ObjectBackend::new(&url).unwrap_err();
    assert!(!e.to_string().contains("hunter2"), "{e}");
    let url = url.split('?').next().unwrap().to_string();
    let b = ObjectBackend::new(&url).unwrap();
    let key: meteaudata_core::storage::StorageKey = "p/A#1/RAW#1".parse().unwrap();
    let s = meteaudata_core::Series::from_f64(
        "A#1_RAW#1",
        meteaudata_core::Index::range(2),
        vec![1.0, 2.0],
    )
    .unwrap();
    let e = b
        .save(
            &key,
            &s,
            &meteaudata_core::TimeSeries::new(s.clone()).metadata(),
        )
        .unwrap_err();
    assert_eq!(e.kind(), meteaudata_core::ErrorKind::Backend, "{e}");
    assert!(e.to_string().contains(&url), "{e}");
    let e = b.list_keys().unwrap_err();
    assert_eq!(e.kind(), meteaudata_core::ErrorKind::Backend, "{e}");
    assert!(e.to_string().contains(&url), "{e}");
    assert!(b.load(&key).is_err());
}

#[test]
#[cfg(feature = "s3")]
fn a_missing_s3_bucket_is_a_backend_error() {
    missing_bucket("METEAUDATA_S3_URL");
}

#[test]
#[cfg(feature = "azure")]
fn a_missing_azure_container_is_a_backend_error() {
    missing_bucket("METEAUDATA_AZURE_URL");
}
