//! Snapshots: a named set of key → version, kept by a backend with
//! [`Capabilities::snapshots`](crate::storage::Capabilities::snapshots).
//!
//! A snapshot records, for each key it covers, the version that was the latest when it was
//! taken, with that version's content hash. Later saves add versions without touching it,
//! and [`prune_versions`](crate::storage::StorageBackend::prune_versions) spares every
//! version a snapshot names, so the snapshot keeps loading exactly what it recorded. Deleting
//! a key removes its versions all the same (a snapshot then reports the key as missing).
//!
//! ```
//! use meteaudata_core::storage::{MemoryBackend, Retention, Snapshot, StorageBackend, StorageKey};
//! use meteaudata_core::{Index, Series, TimeSeries};
//! let backend = MemoryBackend::new();
//! let key = StorageKey::new("plant/Flow#1/RAW#1")?;
//! let save = |v: f64| -> meteaudata_core::Result<()> {
//!     let ts = TimeSeries::new(Series::from_f64("Flow#1_RAW#1", Index::range(2), vec![v, v])?);
//!     backend.save(&key, ts.series()?, &ts.metadata())
//! };
//! save(1.0)?;
//! let taken = Snapshot::take(&backend, "before-recalibration", std::slice::from_ref(&key))?;
//! assert_eq!(taken.entries()[&key].version, 1);
//! save(2.0)?;
//! save(3.0)?;
//! // Keep only the latest version, but the snapshot's version 1 is spared.
//! assert_eq!(backend.prune_versions(&key, Retention::KeepLast(1))?, vec![2]);
//! let snapshot = backend.load_snapshot("before-recalibration")?;
//! let (series, _) = snapshot.load(&backend, &key)?;
//! assert_eq!(series.f64_values().unwrap().value(0), 1.0);
//! assert_eq!(backend.list_snapshots()?, ["before-recalibration"]);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! Backends store a snapshot as the JSON document [`Snapshot::to_json`] writes (or in a form
//! of their own); [`Snapshot::from_json`] reads it back and calls anything malformed
//! [`Corrupt`](crate::ErrorKind::Corrupt).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::content_hash::ContentHash;
use crate::storage::{StorageBackend, StorageKey, Stored};
use crate::{Error, Result};

/// The longest snapshot name.
pub const MAX_SNAPSHOT_NAME_LEN: usize = 128;

/// The first line of every snapshot document (its format and version).
const FORMAT: &str = "meteaudata-rs snapshot 1";

/// What a snapshot records of one key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SnapshotEntry {
    /// The version that was the latest when the snapshot was taken.
    pub version: u64,
    /// That version's content hash (checked when it is loaded).
    pub hash: ContentHash,
    /// Its number of points.
    pub points: u64,
}

impl SnapshotEntry {
    /// One key's entry.
    pub fn new(version: u64, hash: ContentHash, points: u64) -> Self {
        SnapshotEntry {
            version,
            hash,
            points,
        }
    }
}

/// A named set of key → version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    name: String,
    created: DateTime<Utc>,
    entries: BTreeMap<StorageKey, SnapshotEntry>,
}

/// Checks a snapshot name: 1 to [`MAX_SNAPSHOT_NAME_LEN`] ASCII letters, digits, `.`, `_`,
/// `-`, not starting with `.` (names become file and object names on some backends).
pub fn check_snapshot_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > MAX_SNAPSHOT_NAME_LEN {
        Some("it is longer than 128 characters")
    } else if name.starts_with('.') {
        Some("it starts with '.'")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        Some("only ASCII letters, digits, '.', '_' and '-' are allowed")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(r) => Err(Error::InvalidName {
            name: name.to_string(),
            reason: format!("not a snapshot name: {r}"),
        }),
    }
}

impl Snapshot {
    /// A snapshot of `entries`, made at `created` (kept to the microsecond, as stored).
    pub fn new(
        name: &str,
        created: DateTime<Utc>,
        entries: BTreeMap<StorageKey, SnapshotEntry>,
    ) -> Result<Self> {
        use chrono::SubsecRound;
        check_snapshot_name(name)?;
        Ok(Snapshot {
            name: name.to_string(),
            created: created.trunc_subsecs(6),
            entries,
        })
    }

    /// Records the latest version of each of `keys` under `name` in `backend`, and returns
    /// the snapshot. A name in use is a `Conflict`; a missing key is `NotFound`.
    pub fn take<B: StorageBackend + ?Sized>(
        backend: &B,
        name: &str,
        keys: &[StorageKey],
    ) -> Result<Snapshot> {
        check_snapshot_name(name)?;
        let mut entries = BTreeMap::new();
        for key in keys {
            let versions = backend.list_versions(key)?;
            let latest = versions.last().ok_or_else(|| Error::NotFound {
                what: "key",
                name: key.to_string(),
                available: " (it holds no version)".into(),
            })?;
            entries.insert(
                key.clone(),
                SnapshotEntry::new(latest.version, latest.hash, latest.points),
            );
        }
        let snapshot = Snapshot::new(name, Utc::now(), entries)?;
        backend.save_snapshot(&snapshot)?;
        Ok(snapshot)
    }

    /// The snapshot's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// When it was taken (UTC).
    pub fn created(&self) -> DateTime<Utc> {
        self.created
    }

    /// The version it records of each key.
    pub fn entries(&self) -> &BTreeMap<StorageKey, SnapshotEntry> {
        &self.entries
    }

    /// The dataset names (first parts of three-part keys) it covers, sorted.
    pub fn datasets(&self) -> Vec<String> {
        let names: BTreeSet<String> = self
            .entries
            .keys()
            .filter(|k| k.parts().count() == 3)
            .filter_map(|k| k.parts().next().map(str::to_string))
            .collect();
        names.into_iter().collect()
    }

    /// Loads the version of `key` this snapshot records from `backend`, checking that it
    /// still hashes to what was recorded (else `Corrupt`).
    pub fn load<B: StorageBackend + ?Sized>(
        &self,
        backend: &B,
        key: &StorageKey,
    ) -> Result<Stored> {
        let entry = self.entries.get(key).ok_or_else(|| {
            Error::not_found(
                "key in snapshot",
                format!("{key} in {}", self.name),
                self.entries.keys().map(|k| k.as_str()),
            )
        })?;
        let (series, meta) = backend.load_version(key, entry.version)?;
        let hash = series.content_hash()?;
        if hash != entry.hash {
            return Err(Error::Corrupt {
                location: format!("{key} version {}", entry.version),
                message: format!(
                    "snapshot {} recorded content hash {}, the stored version hashes to {hash}",
                    self.name, entry.hash
                ),
            });
        }
        Ok((series, meta))
    }

    /// The snapshot as a JSON document (what [`Snapshot::from_json`] reads).
    pub fn to_json(&self) -> String {
        let doc = wire::Doc {
            format: FORMAT.to_string(),
            name: self.name.clone(),
            created: self.created.to_rfc3339_opts(SecondsFormat::Micros, true),
            entries: self
                .entries
                .iter()
                .map(|(k, e)| wire::Entry {
                    key: k.to_string(),
                    version: e.version,
                    hash: e.hash,
                    points: e.points,
                })
                .collect(),
        };
        // A struct of strings and numbers always serialises.
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// Reads a document [`Snapshot::to_json`] wrote, found at `location` (named in errors).
    /// Anything malformed, or a name other than `expected_name`, is `Corrupt`.
    pub fn from_json(text: &str, location: &str, expected_name: &str) -> Result<Snapshot> {
        let corrupt = |message: String| Error::Corrupt {
            location: location.to_string(),
            message,
        };
        let doc: wire::Doc = serde_json::from_str(text)
            .map_err(|e| corrupt(format!("not a snapshot document: {e}")))?;
        if doc.format != FORMAT {
            return Err(corrupt(format!(
                "unknown snapshot format {:?} (this version reads {FORMAT:?})",
                doc.format
            )));
        }
        if doc.name != expected_name {
            return Err(corrupt(format!(
                "the document names snapshot {:?}, not {expected_name:?}",
                doc.name
            )));
        }
        let created = DateTime::parse_from_rfc3339(&doc.created)
            .map_err(|e| corrupt(format!("created {:?}: {e}", doc.created)))?
            .with_timezone(&Utc);
        let mut entries = BTreeMap::new();
        for e in doc.entries {
            let key = StorageKey::new(&e.key).map_err(|err| corrupt(err.to_string()))?;
            let entry = SnapshotEntry::new(e.version, e.hash, e.points);
            if entries.insert(key, entry).is_some() {
                return Err(corrupt(format!("key {} appears twice", e.key)));
            }
        }
        Snapshot::new(&doc.name, created, entries).map_err(|e| corrupt(e.to_string()))
    }
}

/// The document's fields, as serde reads and writes them.
mod wire {
    use crate::content_hash::ContentHash;

    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Doc {
        pub format: String,
        pub name: String,
        pub created: String,
        pub entries: Vec<Entry>,
    }

    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Entry {
        pub key: String,
        pub version: u64,
        pub hash: ContentHash,
        pub points: u64,
    }
}

/// The error of a snapshot that does not exist.
pub fn snapshot_not_found(name: &str, available: &[String]) -> Error {
    Error::not_found("snapshot", name, available)
}

/// The error of a snapshot name already in use.
pub fn snapshot_taken(name: &str) -> Error {
    Error::Conflict(format!("snapshot {name:?} exists already"))
}

/// The error of a snapshot call on a backend without
/// [`Capabilities::snapshots`](crate::storage::Capabilities::snapshots).
pub fn snapshots_unsupported(backend_type: &str) -> Error {
    Error::Unsupported(format!("the {backend_type} backend keeps no snapshots"))
}

/// The versions of `key` that some snapshot of `backend` names (none on a backend without
/// snapshots).
pub fn pinned_versions<B: StorageBackend + ?Sized>(
    backend: &B,
    key: &StorageKey,
) -> Result<BTreeSet<u64>> {
    let mut pinned = BTreeSet::new();
    if !backend.capabilities().snapshots {
        return Ok(pinned);
    }
    for name in backend.list_snapshots()? {
        match backend.load_snapshot(&name) {
            Ok(s) => pinned.extend(s.entries.get(key).map(|e| e.version)),
            // Deleted since the listing.
            Err(e) if e.kind() == crate::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(pinned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Snapshot {
        let mut entries = BTreeMap::new();
        entries.insert(
            StorageKey::new("plant/COD#1/RAW#1").unwrap(),
            SnapshotEntry::new(3, ContentHash::from_bytes([7; 32]), 10),
        );
        let created = DateTime::parse_from_rfc3339("2026-12-06T10:00:00.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        Snapshot::new("s-1", created, entries).unwrap()
    }

    #[test]
    fn json_round_trip() {
        let s = sample();
        let text = s.to_json();
        assert!(
            text.contains("\"format\": \"meteaudata-rs snapshot 1\""),
            "{text}"
        );
        assert!(text.contains("2026-12-06T10:00:00.123456Z"), "{text}");
        assert_eq!(Snapshot::from_json(&text, "x", "s-1").unwrap(), s);
    }

    #[test]
    fn malformed_documents_are_corrupt() {
        let good = sample().to_json();
        let bad = [
            String::new(),
            "{}".to_string(),
            good.replace("snapshot 1", "snapshot 9"),
            good.replace("\"version\": 3", "\"version\": -3"),
            good.replace("0707", "07zz"),
            good.replace("plant/COD#1/RAW#1", "../escape"),
            good.replace("\"points\": 10", "\"points\": 10, \"extra\": 1"),
            good[..good.len() / 2].to_string(),
        ];
        for text in bad {
            let e = Snapshot::from_json(&text, "snap.json", "s-1").unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Corrupt, "{text}: {e}");
            assert!(e.to_string().contains("snap.json"), "{e}");
        }
        let e = Snapshot::from_json(&good, "snap.json", "other").unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Corrupt);
    }

    #[test]
    fn names() {
        for ok in ["a", "before-2026.12.06_v1", &"x".repeat(128)] {
            check_snapshot_name(ok).unwrap();
        }
        for bad in [
            "",
            ".hidden",
            "a/b",
            "..",
            "é",
            "a b",
            &"x".repeat(129),
            "a\\b",
        ] {
            let e = check_snapshot_name(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidName, "{bad}");
        }
    }
}
