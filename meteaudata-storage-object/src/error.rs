//! `object_store` errors as meteaudata errors: a missing object is `NotFound`, a lost race
//! (`AlreadyExists`, `Precondition`) is `Conflict`, anything else (credentials, a missing
//! bucket, the network) is a `Backend` error naming the URL (without credentials) and the
//! object.

use meteaudata_core::storage::StorageKey;
use meteaudata_core::Error;

/// `e`, met on the object `path` of the store at `url`.
pub(crate) fn from_store(
    url: &str,
    path: &object_store::path::Path,
    e: object_store::Error,
) -> Error {
    match e {
        object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. } => {
            Error::Conflict(format!(
                "{url}: {path} was written by another writer meanwhile"
            ))
        }
        other => Error::Backend {
            backend: "object".into(),
            message: format!("{url}: {path}: {other}"),
            source: Some(Box::new(other)),
        },
    }
}

/// The `NotFound` error of a key.
pub(crate) fn missing(key: &StorageKey, url: &str) -> Error {
    Error::NotFound {
        what: "key",
        name: key.to_string(),
        available: format!(" in storage ({url})"),
    }
}

/// Whether `e` says that the object does not exist.
pub(crate) fn is_not_found(e: &object_store::Error) -> bool {
    matches!(e, object_store::Error::NotFound { .. })
}

/// Whether `e` says that the store cannot do what was asked (a conditional operation it does
/// not implement).
pub(crate) fn is_unsupported(e: &object_store::Error) -> bool {
    matches!(
        e,
        object_store::Error::NotSupported { .. } | object_store::Error::NotImplemented { .. }
    )
}

/// Whether `e` says that another writer got there first (a conditional put or copy lost).
pub(crate) fn is_conflict(e: &object_store::Error) -> bool {
    matches!(
        e,
        object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }
    )
}
