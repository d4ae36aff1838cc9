//! Versions in SQL: the current version of a key is its `meteaudata_series` row (with its
//! number, content hash, time and the id of its blocks), older ones are rows of
//! `meteaudata_versions` naming their blocks. A save writes new blocks under a fresh id and
//! points the row at them, keeping the previous blocks for the older version (no copy, no
//! move), in one transaction; an append keeps a copy of the blocks (made by the database) and
//! hashes the whole series after it.

use meteaudata_core::chrono::{DateTime, Utc};
use meteaudata_core::storage::versions::{removable, version_not_found};
use meteaudata_core::storage::{Retention, StorageKey, Stored, VersionInfo};
use meteaudata_core::{ContentHash, Error, Result};

use crate::ops::{self, Archived, Header};
use crate::Db;
use crate::SqlBackend;

/// A time in UTC nanoseconds as a date. Rows saved before versions got their last save's
/// time from the migration `2026-12-07-000001_version_times`; a row without one (a NULL
/// written since by hand) counts as saved at the Unix epoch.
fn time_of(ns: Option<i64>) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(ns.unwrap_or(0))
}

impl SqlBackend {
    /// A recorded hash, or for a version saved before versions, the hash of its points.
    fn hash_of(
        &self,
        key: &StorageKey,
        recorded: Option<&str>,
        load: impl FnOnce() -> Result<Stored>,
    ) -> Result<ContentHash> {
        match recorded {
            Some(text) => text.parse().map_err(|e| Error::Corrupt {
                location: key.to_string(),
                message: format!("a version's content hash is damaged: {e}"),
            }),
            None => load()?.0.content_hash(),
        }
    }

    fn current_info(&self, key: &StorageKey, h: &Header) -> Result<VersionInfo> {
        let hash = self.hash_of(key, h.content_hash.as_deref(), || {
            meteaudata_core::storage::StorageBackend::load(self, key)
        })?;
        Ok(VersionInfo::new(
            version_number(key, h.version)?,
            hash,
            h.n_points.max(0) as u64,
            time_of(h.version_created_ns),
        ))
    }

    fn archived_info(&self, key: &StorageKey, a: &Archived) -> Result<VersionInfo> {
        let hash = self.hash_of(key, a.content_hash.as_deref(), || {
            self.load_archived(key, a.version)
        })?;
        Ok(VersionInfo::new(
            version_number(key, a.version)?,
            hash,
            a.n_points.max(0) as u64,
            time_of(a.created_ns),
        ))
    }

    /// The current header of `key` and its older versions (those numbered below it).
    fn headers(&self, key: &StorageKey) -> Result<(Header, Vec<Archived>)> {
        let (current, mut older) =
            dispatch!(self, format!("listing the versions of {key}"), |conn, m| {
                m::versions(conn, key.as_str())
            })?
            .ok_or_else(|| self.missing(key))?;
        older.retain(|a| a.version < current.version);
        Ok((current, older))
    }

    /// The kept versions of `key`, oldest first.
    pub(crate) fn list_versions_of(&self, key: &StorageKey) -> Result<Vec<VersionInfo>> {
        let (current, older) = self.headers(key)?;
        let mut out = Vec::with_capacity(older.len() + 1);
        for a in &older {
            out.push(self.archived_info(key, a)?);
        }
        out.push(self.current_info(key, &current)?);
        Ok(out)
    }

    fn load_archived(&self, key: &StorageKey, version: i64) -> Result<Stored> {
        dispatch!(
            self,
            format!("loading version {version} of {key}"),
            |conn, m| { m::load_archived(conn, key.as_str(), version) }
        )?
        .ok_or_else(|| version_not_found(key, version.max(0) as u64, &[]))
    }

    /// From the headers alone: the versions' hashes (computed for rows from before versions)
    /// are only needed to name the kept ones when `version` is not among them.
    pub(crate) fn load_version_of(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        let (current, older) = self.headers(key)?;
        let n = i64::try_from(version).ok();
        if n == Some(current.version) {
            meteaudata_core::storage::StorageBackend::load(self, key)
        } else if let Some(n) = n.filter(|n| older.iter().any(|a| a.version == *n)) {
            self.load_archived(key, n)
        } else {
            Err(version_not_found(
                key,
                version,
                &self.list_versions_of(key)?,
            ))
        }
    }

    pub(crate) fn prune_versions_of(
        &self,
        key: &StorageKey,
        retention: Retention,
    ) -> Result<Vec<u64>> {
        let kept = self.list_versions_of(key)?;
        let gone = removable(self, key, &kept, retention)?;
        let numbers: Vec<i64> = gone.iter().map(|&v| v as i64).collect();
        dispatch!(self, format!("pruning the versions of {key}"), |conn, m| {
            m::prune(conn, key.as_str(), &numbers)
        })?;
        Ok(gone)
    }
}

/// A stored version number, checked.
fn version_number(key: &StorageKey, n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| Error::Corrupt {
        location: key.to_string(),
        message: format!("a version is numbered {n}"),
    })
}
