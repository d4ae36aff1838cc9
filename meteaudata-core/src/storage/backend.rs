//! The storage backend trait and what a backend says it can do.

use std::fmt::Debug;

use crate::metadata::TimeSeriesMetadata;
use crate::series_ops::TimeRange;
use crate::storage::snapshots::{snapshots_unsupported, Snapshot};
use crate::storage::versions::versions_unsupported;
use crate::storage::{
    BufferedWriter, Retention, SeriesScan, SeriesWriter, StorageKey, VersionInfo,
};
use crate::{Error, Result, Series};

/// What a backend supports beyond the required operations. The conformance suite skips, with
/// a message, the cases a backend says it cannot do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Capabilities {
    /// [`StorageBackend::load_range`] reads only the requested window.
    pub range_reads: bool,
    /// [`StorageBackend::append`] adds points without rewriting the stored series.
    pub append: bool,
    /// Each save and delete is atomic: readers see the old or the new value, never a mix.
    pub transactions: bool,
    /// [`StorageBackend::size_on_disk`] reports a size.
    pub size: bool,
    /// Data survives the process (false for the memory backend).
    pub persistent: bool,
    /// Several processes may write at once.
    pub concurrent_writers: bool,
    /// [`StorageBackend::scan`] and [`StorageBackend::writer`] keep memory bounded by the
    /// chunk size (the defaults load or buffer the whole series).
    pub streaming: bool,
    /// [`StorageBackend::create`] and [`StorageBackend::create_writer`] check that the key is
    /// free and write in one atomic step: of two writers creating one key, exactly one
    /// succeeds (the defaults check, then write, and can both succeed).
    pub atomic_create: bool,
    /// Every save of a key keeps the previous value as a version:
    /// [`StorageBackend::list_versions`], [`StorageBackend::load_version`] and
    /// [`StorageBackend::prune_versions`] work (the defaults say `Unsupported`).
    pub versions: bool,
    /// Named sets of key → version are kept and spared by pruning:
    /// [`StorageBackend::save_snapshot`], [`StorageBackend::load_snapshot`],
    /// [`StorageBackend::list_snapshots`] and [`StorageBackend::delete_snapshot`] work (the
    /// defaults say `Unsupported`). Implies `versions`.
    pub snapshots: bool,
    /// Every value comes back exactly as saved: every value type (text, timestamps,
    /// categories, integers of any size), NaN apart from a missing value, negative zero,
    /// infinities. False for a store that keeps one float per point, as Python meteaudata's
    /// SQL layout: numbers only (integers up to 2^53), NaN and missing are one, and some
    /// databases drop the sign of zero or refuse infinities.
    pub lossless_values: bool,
}

impl Capabilities {
    /// Every capability on (a starting point for `..` updates in backend code).
    pub fn all() -> Self {
        Capabilities {
            range_reads: true,
            append: true,
            transactions: true,
            size: true,
            persistent: true,
            concurrent_writers: true,
            streaming: true,
            atomic_create: true,
            versions: true,
            snapshots: true,
            lossless_values: true,
        }
    }

    /// Every capability off.
    pub fn none() -> Self {
        Capabilities::default()
    }
}

/// A stored series: the data and its metadata document.
pub type Stored = (Series, TimeSeriesMetadata);

/// Where series are stored: one key per series, each holding the data and its metadata.
///
/// Every method takes `&self`, so one backend can be shared (as `Arc<dyn StorageBackend>`)
/// by a dataset, its signals and their series, and across threads. Implementations must:
///
/// * call [`check_save_input`] before writing, and never damage the stored value when a save
///   fails;
/// * return [`NotFound`](crate::ErrorKind::NotFound) errors naming the key for missing keys
///   (`load`, `delete`, `append`, `load_range`);
/// * list keys in sorted order;
/// * keep every key inside the backend (keys are validated by [`StorageKey`]).
///
/// The `meteaudata-testkit` crate states this contract as tests any backend can run.
pub trait StorageBackend: Debug + Send + Sync {
    /// A short name: `memory`, `disk`, `sqlite`, `postgresql`, `mysql`, ...
    fn backend_type(&self) -> &str;

    /// What this backend supports.
    fn capabilities(&self) -> Capabilities;

    /// Stores `series` and `metadata` under `key`, replacing any previous value.
    fn save(&self, key: &StorageKey, series: &Series, metadata: &TimeSeriesMetadata) -> Result<()>;

    /// Loads the series and metadata stored under `key`.
    fn load(&self, key: &StorageKey) -> Result<Stored>;

    /// Loads only the points of a datetime-indexed series inside `range` (`[start, end)`).
    /// Backends without [`Capabilities::range_reads`] may keep this default, which loads the
    /// whole series and cuts it.
    fn load_range(&self, key: &StorageKey, range: TimeRange) -> Result<Stored> {
        let (series, meta) = self.load(key)?;
        Ok((series.time_window(range)?, meta))
    }

    /// Adds points after the stored ones (same index kind and value type). The default
    /// rewrites the whole series; backends with [`Capabilities::append`] do better.
    fn append(&self, key: &StorageKey, more: &Series) -> Result<()> {
        let (series, meta) = self.load(key)?;
        let joined = series.append(more)?;
        self.save(key, &joined, &meta)
    }

    /// Stores `series` under `key` only if the key holds no value; otherwise
    /// [`Conflict`](crate::ErrorKind::Conflict) and nothing is written. This is how a new
    /// signal or series number is claimed on a shared store: when two processes add
    /// `Flow#2` at once, one succeeds and the other gets `Conflict` instead of overwriting.
    /// The default checks [`exists`](StorageBackend::exists) and then saves, which two
    /// writers can both pass; backends with [`Capabilities::atomic_create`] do it in one step.
    fn create(
        &self,
        key: &StorageKey,
        series: &Series,
        metadata: &TimeSeriesMetadata,
    ) -> Result<()> {
        if self.exists(key)? {
            return Err(key_taken(key));
        }
        self.save(key, series, metadata)
    }

    /// The metadata document stored under `key`, without the data. The default loads the
    /// whole series; backends read only the metadata.
    fn load_metadata(&self, key: &StorageKey) -> Result<TimeSeriesMetadata> {
        Ok(self.load(key)?.1)
    }

    /// The points of `key` in stored order, `chunk_points` (at least 1) at a time: those of a
    /// datetime-indexed series inside `range`, or every point (any index kind) when `range` is
    /// open on both sides. Backends with [`Capabilities::streaming`] hold about one chunk in
    /// memory; the default loads the series (or the window) and slices it.
    ///
    /// A missing key is [`NotFound`](crate::ErrorKind::NotFound) when the scan starts;
    /// damage found later is an error item that ends the scan.
    fn scan(
        &self,
        key: &StorageKey,
        range: TimeRange,
        chunk_points: usize,
    ) -> Result<SeriesScan<'_>> {
        crate::storage::checked_chunk(chunk_points)?;
        let (series, meta) = match range.bounded() {
            None => self.load(key)?,
            Some(r) => self.load_range(key, r)?,
        };
        SeriesScan::from_series(series, meta, TimeRange::default(), chunk_points)
    }

    /// A writer that replaces the value of `key` with a series pushed chunk by chunk, atomically
    /// at its commit (see [`SeriesWriter`]). The default joins the chunks in memory and saves
    /// them; backends with [`Capabilities::streaming`] keep memory bounded.
    fn writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(BufferedWriter::new(self, key)))
    }

    /// A writer like [`writer`](StorageBackend::writer) whose commit creates `key` as
    /// [`create`](StorageBackend::create) does: `Conflict` if the key holds a value by then.
    fn create_writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(BufferedWriter::creating(self, key)))
    }

    /// The kept versions of `key`, oldest first (the last is what [`load`](Self::load)
    /// reads); a missing key is [`NotFound`](crate::ErrorKind::NotFound). Backends without
    /// [`Capabilities::versions`] answer [`Unsupported`](crate::ErrorKind::Unsupported).
    fn list_versions(&self, key: &StorageKey) -> Result<Vec<VersionInfo>> {
        let _ = key;
        Err(versions_unsupported(self.backend_type()))
    }

    /// Version `version` of `key`; a version not kept is [`NotFound`](crate::ErrorKind::NotFound)
    /// naming the kept ones.
    fn load_version(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        let _ = (key, version);
        Err(versions_unsupported(self.backend_type()))
    }

    /// Records `snapshot` under its name (see [`Snapshot::take`], which builds one from the
    /// latest versions). A name in use is a `Conflict` and leaves the old snapshot as it was.
    /// Backends without [`Capabilities::snapshots`] answer `Unsupported`.
    fn save_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
        let _ = snapshot;
        Err(snapshots_unsupported(self.backend_type()))
    }

    /// The snapshot called `name` (`NotFound` if there is none).
    fn load_snapshot(&self, name: &str) -> Result<Snapshot> {
        let _ = name;
        Err(snapshots_unsupported(self.backend_type()))
    }

    /// The names of the kept snapshots, sorted.
    fn list_snapshots(&self) -> Result<Vec<String>> {
        Err(snapshots_unsupported(self.backend_type()))
    }

    /// Removes snapshot `name` (`NotFound` if there is none); the versions it named become
    /// prunable.
    fn delete_snapshot(&self, name: &str) -> Result<()> {
        let _ = name;
        Err(snapshots_unsupported(self.backend_type()))
    }

    /// Removes the versions of `key` that `retention` does not keep (never the latest, nor a
    /// version a snapshot names: see [`versions::removable`](crate::storage::versions::removable))
    /// and returns their numbers.
    fn prune_versions(&self, key: &StorageKey, retention: Retention) -> Result<Vec<u64>> {
        let _ = (key, retention);
        Err(versions_unsupported(self.backend_type()))
    }

    /// Whether `key` holds a value.
    fn exists(&self, key: &StorageKey) -> Result<bool>;

    /// Removes `key` (with all its versions); a missing key is
    /// [`NotFound`](crate::ErrorKind::NotFound).
    fn delete(&self, key: &StorageKey) -> Result<()>;

    /// Every key, sorted.
    fn list_keys(&self) -> Result<Vec<StorageKey>>;

    /// Removes every value, with its versions and every snapshot, keeping the place
    /// (directory, tables).
    fn clear(&self) -> Result<()>;

    /// Removes the place itself (directory, tables) where that applies; the default clears.
    fn cleanup(&self) -> Result<()> {
        self.clear()
    }

    /// Bytes used, when [`Capabilities::size`] is set.
    fn size_on_disk(&self) -> Result<Option<u64>> {
        Ok(None)
    }

    /// An id for a processed series derived from its source's id, for backends tied to an
    /// external metadata system. `degree` is the processing degree (`Resampled`). The default
    /// makes none.
    fn generate_metadata_id(&self, _source: Option<&str>, _degree: &str) -> Option<String> {
        None
    }
}

/// The error of a [`StorageBackend::create`] whose key already holds a value.
pub fn key_taken(key: impl std::fmt::Display) -> Error {
    Error::Conflict(format!(
        "{key} already holds a series: another writer created it first (reload and try again)"
    ))
}

/// Checks that `metadata` describes `series` (same index kind; a value dtype of the same
/// family), so that a backend never stores a pair that cannot be read back. Every backend
/// calls this first; a failure is an [`InvalidInput`](crate::ErrorKind::InvalidInput) error and
/// nothing is written.
pub fn check_save_input(
    key: &StorageKey,
    series: &Series,
    metadata: &TimeSeriesMetadata,
) -> Result<()> {
    let actual = series.index().metadata();
    if let Some(recorded) = &metadata.index_metadata {
        let same_kind = recorded.index_type == actual.index_type
            || matches!(
                (recorded.index_type.as_str(), actual.index_type.as_str()),
                (
                    "Index" | "Int64Index" | "Float64Index" | "IntervalIndex" | "MultiIndex",
                    "Index"
                ) | ("RangeIndex", "Index")
                    | ("Index", "RangeIndex")
            );
        if !same_kind {
            return Err(Error::invalid_input(format!(
                "{key}: metadata describes a {} but the series has a {}",
                recorded.index_type, actual.index_type
            )));
        }
    }
    let family = |d: &str| -> &'static str {
        let d = d.to_ascii_lowercase();
        if d.starts_with("float") {
            "float"
        } else if d.starts_with("int") || d.starts_with("uint") {
            "int"
        } else if d.starts_with("bool") {
            "bool"
        } else if d.starts_with("datetime") {
            "datetime"
        } else if d == "category" {
            "category"
        } else {
            "text"
        }
    };
    let (rec, act) = (
        family(&metadata.values_dtype),
        family(&series.values_dtype()),
    );
    if rec != act && !(rec == "text" && act == "category") {
        return Err(Error::invalid_input(format!(
            "{key}: metadata says values are {} but the series holds {}",
            metadata.values_dtype,
            series.values_dtype()
        )));
    }
    Ok(())
}
