//! The in-memory backend: a sorted map behind a lock. No dependencies, passes the whole
//! conformance suite; handy for tests and for pipelines that need no persistence. It keeps
//! every version of every key until pruned ([`StorageBackend::prune_versions`]).

use std::collections::BTreeMap;
use std::sync::{PoisonError, RwLock};

use crate::metadata::TimeSeriesMetadata;
use crate::series_ops::TimeRange;
use crate::storage::snapshots::{
    check_snapshot_name, snapshot_not_found, snapshot_taken, Snapshot,
};
use crate::storage::versions::{removable, version_not_found};
use crate::storage::{
    check_save_input, key_taken, Capabilities, ChunkShape, Retention, SeriesScan, SeriesWriter,
    StorageBackend, StorageKey, Stored, VersionInfo,
};
use crate::{ContentHash, Error, Result, Series};

/// Keeps series in memory, each as its own deep copy (so a stored series shares no buffers
/// with the caller's, like a real store).
///
/// ```
/// use meteaudata_core::storage::{MemoryBackend, StorageBackend, StorageKey};
/// use meteaudata_core::{Series, Index, TimeSeries};
/// let backend = MemoryBackend::new();
/// let key = StorageKey::new("demo/A#1/RAW#1").unwrap();
/// let ts = TimeSeries::new(Series::from_f64("A#1_RAW#1", Index::range(2), vec![1.0, 2.0]).unwrap());
/// backend.save(&key, ts.series().unwrap(), &ts.metadata()).unwrap();
/// let (series, meta) = backend.load(&key).unwrap();
/// assert_eq!(&series, ts.series().unwrap());
/// assert_eq!(backend.list_keys().unwrap(), vec![key]);
/// ```
#[derive(Debug, Default)]
pub struct MemoryBackend {
    map: RwLock<BTreeMap<StorageKey, Versions>>,
    snapshots: RwLock<BTreeMap<String, Snapshot>>,
}

/// The kept versions of a key, oldest first; never empty (the last is the value).
#[derive(Debug, Clone)]
struct Versions(Vec<(VersionInfo, Stored)>);

impl Versions {
    fn latest(&self) -> Option<&Stored> {
        self.0.last().map(|(_, s)| s)
    }

    /// Adds `value`, whose content hash is `hash`, as the next version.
    fn push(&mut self, hash: ContentHash, value: Stored) {
        let next = self.0.last().map_or(1, |(v, _)| v.version + 1);
        let info = VersionInfo::new(next, hash, value.0.len() as u64, chrono::Utc::now());
        self.0.push((info, value));
    }
}

fn missing(key: &StorageKey) -> Error {
    Error::NotFound {
        what: "key",
        name: key.to_string(),
        available: " in the memory backend".to_string(),
    }
}

impl MemoryBackend {
    /// An empty backend.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<StorageKey, Versions>> {
        self.map.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<StorageKey, Versions>> {
        self.map.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// The latest value of `key`.
    fn latest(&self, key: &StorageKey) -> Result<Stored> {
        self.read()
            .get(key)
            .and_then(Versions::latest)
            .cloned()
            .ok_or_else(|| missing(key))
    }

    /// Stores `value` as the next version of `key` (the first, when `create`; `Conflict` if
    /// the key holds a value then).
    fn put(&self, key: &StorageKey, value: Stored, create: bool) -> Result<()> {
        // Hashed before the lock is taken: readers are not held up by it.
        let hash = value.0.content_hash()?;
        let mut map = self.write();
        match map.get_mut(key) {
            Some(_) if create => return Err(key_taken(key)),
            Some(versions) => versions.push(hash, value),
            None => {
                let mut versions = Versions(Vec::new());
                versions.push(hash, value);
                map.insert(key.clone(), versions);
            }
        }
        Ok(())
    }
}

impl StorageBackend for MemoryBackend {
    fn backend_type(&self) -> &str {
        "memory"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            range_reads: true,
            append: true,
            transactions: true,
            size: false,
            persistent: false,
            concurrent_writers: false,
            streaming: true,
            atomic_create: true,
            versions: true,
            snapshots: true,
            lossless_values: true,
        }
    }

    fn save(&self, key: &StorageKey, series: &Series, metadata: &TimeSeriesMetadata) -> Result<()> {
        check_save_input(key, series, metadata)?;
        self.put(key, (series.deep_copy(), metadata.clone()), false)
    }

    fn create(
        &self,
        key: &StorageKey,
        series: &Series,
        metadata: &TimeSeriesMetadata,
    ) -> Result<()> {
        check_save_input(key, series, metadata)?;
        self.put(key, (series.deep_copy(), metadata.clone()), true)
    }

    fn load(&self, key: &StorageKey) -> Result<Stored> {
        self.latest(key)
    }

    fn load_range(&self, key: &StorageKey, range: TimeRange) -> Result<Stored> {
        let (series, meta) = self.latest(key)?;
        Ok((series.time_window(range)?, meta))
    }

    fn load_metadata(&self, key: &StorageKey) -> Result<TimeSeriesMetadata> {
        let map = self.read();
        map.get(key)
            .and_then(Versions::latest)
            .map(|(_, m)| m.clone())
            .ok_or_else(|| missing(key))
    }

    fn list_versions(&self, key: &StorageKey) -> Result<Vec<VersionInfo>> {
        let map = self.read();
        let versions = map.get(key).ok_or_else(|| missing(key))?;
        Ok(versions.0.iter().map(|(v, _)| v.clone()).collect())
    }

    fn load_version(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        let map = self.read();
        let versions = map.get(key).ok_or_else(|| missing(key))?;
        versions
            .0
            .iter()
            .find(|(v, _)| v.version == version)
            .map(|(_, s)| s.clone())
            .ok_or_else(|| {
                let kept: Vec<VersionInfo> = versions.0.iter().map(|(v, _)| v.clone()).collect();
                version_not_found(key, version, &kept)
            })
    }

    fn prune_versions(&self, key: &StorageKey, retention: Retention) -> Result<Vec<u64>> {
        let kept = self.list_versions(key)?;
        // Only versions older than the latest listed go: a save in between changes nothing.
        let gone = removable(self, key, &kept, retention)?;
        let mut map = self.write();
        let versions = map.get_mut(key).ok_or_else(|| missing(key))?;
        versions.0.retain(|(v, _)| !gone.contains(&v.version));
        Ok(gone)
    }

    fn save_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
        check_snapshot_name(snapshot.name())?;
        let mut snapshots = self
            .snapshots
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if snapshots.contains_key(snapshot.name()) {
            return Err(snapshot_taken(snapshot.name()));
        }
        snapshots.insert(snapshot.name().to_string(), snapshot.clone());
        Ok(())
    }

    fn load_snapshot(&self, name: &str) -> Result<Snapshot> {
        check_snapshot_name(name)?;
        let snapshots = self
            .snapshots
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        snapshots
            .get(name)
            .cloned()
            .ok_or_else(|| snapshot_not_found(name, &snapshots.keys().cloned().collect::<Vec<_>>()))
    }

    fn list_snapshots(&self) -> Result<Vec<String>> {
        let snapshots = self
            .snapshots
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(snapshots.keys().cloned().collect())
    }

    fn delete_snapshot(&self, name: &str) -> Result<()> {
        check_snapshot_name(name)?;
        let mut snapshots = self
            .snapshots
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        match snapshots.remove(name) {
            Some(_) => Ok(()),
            None => Err(snapshot_not_found(
                name,
                &snapshots.keys().cloned().collect::<Vec<_>>(),
            )),
        }
    }

    /// Zero-copy slices of the stored series (which stays shared while the scan lives).
    fn scan(
        &self,
        key: &StorageKey,
        range: TimeRange,
        chunk_points: usize,
    ) -> Result<SeriesScan<'_>> {
        let (series, meta) = self.latest(key)?;
        SeriesScan::from_series(series, meta, range, chunk_points)
    }

    /// Keeps deep copies of the chunks and inserts their join at the commit.
    fn writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(MemoryWriter {
            backend: self,
            key: key.clone(),
            chunks: Vec::new(),
            shape: None,
            create: false,
        }))
    }

    fn create_writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(MemoryWriter {
            backend: self,
            key: key.clone(),
            chunks: Vec::new(),
            shape: None,
            create: true,
        }))
    }

    fn append(&self, key: &StorageKey, more: &Series) -> Result<()> {
        let mut map = self.write();
        let versions = map.get_mut(key).ok_or_else(|| missing(key))?;
        let (series, meta) = versions.latest().ok_or_else(|| missing(key))?;
        let joined = (series.append(&more.deep_copy())?, meta.clone());
        let hash = joined.0.content_hash()?;
        versions.push(hash, joined);
        Ok(())
    }

    fn exists(&self, key: &StorageKey) -> Result<bool> {
        Ok(self.read().contains_key(key))
    }

    fn delete(&self, key: &StorageKey) -> Result<()> {
        self.write()
            .remove(key)
            .map(|_| ())
            .ok_or_else(|| missing(key))
    }

    fn list_keys(&self) -> Result<Vec<StorageKey>> {
        Ok(self.read().keys().cloned().collect())
    }

    /// Removes every key and every snapshot.
    fn clear(&self) -> Result<()> {
        self.write().clear();
        self.snapshots
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        Ok(())
    }
}

/// The memory backend's writer: the chunks are the stored data, so they are kept until the
/// commit joins them (into buffers of the store's own).
struct MemoryWriter<'a> {
    backend: &'a MemoryBackend,
    key: StorageKey,
    chunks: Vec<Series>,
    shape: Option<ChunkShape>,
    /// The commit fails with `Conflict` if the key holds a value by then.
    create: bool,
}

impl SeriesWriter for MemoryWriter<'_> {
    fn push(&mut self, chunk: &Series) -> Result<()> {
        ChunkShape::track(&mut self.shape, chunk)?;
        self.chunks.push(chunk.clone());
        Ok(())
    }

    fn points(&self) -> u64 {
        self.shape.as_ref().map_or(0, ChunkShape::len)
    }

    fn commit(self: Box<Self>, metadata: &TimeSeriesMetadata) -> Result<()> {
        if self.chunks.is_empty() {
            return Err(crate::storage::stream::no_chunk(&self.key));
        }
        // Joining copies the data; a single chunk is copied here (the store shares no
        // buffers with the caller).
        let joined = match self.chunks.as_slice() {
            [one] => one.deep_copy(),
            parts => Series::concat(parts)?,
        };
        check_save_input(&self.key, &joined, metadata)?;
        self.backend
            .put(&self.key, (joined, metadata.clone()), self.create)
    }
}
