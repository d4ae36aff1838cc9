//! Versions of a stored key: what each save leaves behind on a backend with
//! [`Capabilities::versions`](crate::storage::Capabilities::versions), and how many to keep.
//!
//! Each save (or writer commit, create, append) of a key adds version n + 1, recording the
//! [`ContentHash`] of the whole series, its number of points and when it was made; `load`
//! reads the latest, [`load_version`](crate::storage::StorageBackend::load_version) any kept
//! one, `delete` removes them all (numbering starts again at 1).
//!
//! ```
//! use meteaudata_core::storage::{MemoryBackend, Retention, StorageBackend, StorageKey};
//! use meteaudata_core::{Index, Series, TimeSeries};
//! let backend = MemoryBackend::new();
//! let key = StorageKey::new("plant/Flow#1/RAW#1")?;
//! for v in [1.0, 2.0, 3.0] {
//!     let ts = TimeSeries::new(Series::from_f64("Flow#1_RAW#1", Index::range(2), vec![v, v])?);
//!     backend.save(&key, ts.series()?, &ts.metadata())?;
//! }
//! let versions = backend.list_versions(&key)?;
//! assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2, 3]);
//! let (first, _) = backend.load_version(&key, 1)?;
//! assert_eq!(first.f64_values().unwrap().value(0), 1.0);
//! assert_eq!(versions[0].hash, first.content_hash()?);
//! // Keep the last two: version 1 goes.
//! assert_eq!(backend.prune_versions(&key, Retention::KeepLast(2))?, vec![1]);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use chrono::{DateTime, Utc};

use crate::content_hash::ContentHash;
use crate::storage::StorageKey;
use crate::{Error, Result};

/// One kept version of a key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct VersionInfo {
    /// 1 for the first save of the key, then one more per save.
    pub version: u64,
    /// The content hash of the version's series.
    pub hash: ContentHash,
    /// Its number of points.
    pub points: u64,
    /// When it was saved (UTC).
    pub created: DateTime<Utc>,
}

impl VersionInfo {
    /// A version's description.
    pub fn new(version: u64, hash: ContentHash, points: u64, created: DateTime<Utc>) -> Self {
        VersionInfo {
            version,
            hash,
            points,
            created,
        }
    }
}

/// Which versions of a key to keep; the latest version is always kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retention {
    /// The newest `n` versions (at least 1).
    KeepLast(usize),
    /// Versions saved at or after this time.
    NotOlderThan(DateTime<Utc>),
}

impl Retention {
    /// The versions of `versions` (oldest first) this policy removes; never the latest.
    pub fn removes(&self, versions: &[VersionInfo]) -> Result<Vec<u64>> {
        let Some((_latest, older)) = versions.split_last() else {
            return Ok(Vec::new());
        };
        let gone = match *self {
            Retention::KeepLast(0) => {
                return Err(Error::invalid_input(
                    "a retention policy keeps at least the latest version (keep_last 0)",
                ))
            }
            Retention::KeepLast(n) => {
                let cut = versions.len().saturating_sub(n);
                versions[..cut].iter().map(|v| v.version).collect()
            }
            Retention::NotOlderThan(t) => older
                .iter()
                .filter(|v| v.created < t)
                .map(|v| v.version)
                .collect(),
        };
        Ok(gone)
    }
}

/// The versions of `key` (`versions`, oldest first) that a prune with `retention` removes
/// from `backend`: what the policy removes, less every version a snapshot names. Backends
/// call this from [`prune_versions`](crate::storage::StorageBackend::prune_versions).
pub fn removable<B: crate::storage::StorageBackend + ?Sized>(
    backend: &B,
    key: &StorageKey,
    versions: &[VersionInfo],
    retention: Retention,
) -> Result<Vec<u64>> {
    let mut gone = retention.removes(versions)?;
    if !gone.is_empty() {
        let pinned = crate::storage::snapshots::pinned_versions(backend, key)?;
        gone.retain(|v| !pinned.contains(v));
    }
    Ok(gone)
}

/// The error of a version that is not kept.
pub fn version_not_found(key: &StorageKey, version: u64, kept: &[VersionInfo]) -> Error {
    let list: Vec<String> = kept.iter().map(|v| v.version.to_string()).collect();
    Error::NotFound {
        what: "version",
        name: format!("{key} version {version}"),
        available: if list.is_empty() {
            " (the key holds no version)".to_string()
        } else {
            format!(" (kept: {})", list.join(", "))
        },
    }
}

/// The error of a versions call on a backend without
/// [`Capabilities::versions`](crate::storage::Capabilities::versions).
pub fn versions_unsupported(backend_type: &str) -> Error {
    Error::Unsupported(format!(
        "the {backend_type} backend keeps no versions (only the latest value of each key)"
    ))
}
