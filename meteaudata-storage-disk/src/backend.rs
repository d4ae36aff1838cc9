//! The disk backend.

use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{
    check_save_input, key_taken, Capabilities, ChunkShape, Retention, SeriesScan, SeriesWriter,
    Snapshot, StorageBackend, StorageKey, Stored, TimeRange, VersionInfo,
};
use meteaudata_core::{chrono, ContentHasher, Error, Result, Series};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::atomic::{sync_dir, Pending};
use meteaudata_parquet::layout::{
    candidate_stems, fnv1a, is_store_file, DATA_SUFFIX, META_SUFFIX, TMP_PREFIX,
};
use meteaudata_parquet::stem_store::{self, Found, StemFiles};
use meteaudata_parquet::{FileSource, ParquetScan, ParquetSeriesWriter, ROW_GROUP_ROWS};
use std::sync::Arc;

/// Stores each series as `<stem>.parquet` plus a `<stem>_meta.yaml` sidecar in one directory,
/// where `<stem>` is Python meteaudata's name for the key (`quickstart_Temperature#1_RAW#1`).
///
/// * The Parquet file is self-describing: it carries the logical key and the metadata
///   document in its footer (written atomically with the data), the index kind, and the
///   `pandas` entry Python needs. The sidecar is what Python meteaudata reads.
/// * When Python's name is taken by another key (`a/b_c` and `a_b/c` share `a_b_c`) or too
///   long for a file name, a name with a hash of the key is used, so the mapping is
///   injective; names never contain `/`, so no key leaves the directory.
/// * Saves are atomic: temporary files in the directory, fsync, rename, fsync of the directory.
/// * Range reads skip row groups whose timestamp statistics miss the window.
///
/// ```
/// use meteaudata_core::storage::{StorageBackend, StorageKey};
/// use meteaudata_core::{Index, Series, TimeSeries};
/// use meteaudata_storage_disk::DiskBackend;
///
/// let dir = tempfile::tempdir().unwrap();
/// let backend = DiskBackend::new(dir.path().join("data"));
/// let key: StorageKey = "quickstart/Temperature#1/RAW#1".parse().unwrap();
/// let ts = TimeSeries::new(Series::from_f64("Temperature#1_RAW#1", Index::range(3), vec![20.5, 21.0, 20.8]).unwrap());
/// backend.save(&key, ts.series().unwrap(), &ts.metadata()).unwrap();
/// assert!(dir.path().join("data/quickstart_Temperature#1_RAW#1.parquet").exists());
/// assert!(dir.path().join("data/quickstart_Temperature#1_RAW#1_meta.yaml").exists());
/// let (series, meta) = backend.load(&key).unwrap();
/// assert_eq!(&series, ts.series().unwrap());
/// assert_eq!(meta, ts.metadata());
/// ```
#[derive(Debug, Clone)]
pub struct DiskBackend {
    base: PathBuf,
    /// Whether saves keep versions (see [`DiskBackend::without_versions`]).
    versions: bool,
}

fn missing(key: &StorageKey, path: &Path) -> Error {
    Error::NotFound {
        what: "key",
        name: key.to_string(),
        available: format!(" in storage (path: {})", path.display()),
    }
}

impl DiskBackend {
    /// This store's files as [`stem_store`] sees them.
    pub(crate) fn files(&self) -> Files<'_> {
        Files(self)
    }

    /// A backend in `base_path`; the directory is created on the first save.
    pub fn new(base_path: impl Into<PathBuf>) -> Self {
        DiskBackend {
            base: base_path.into(),
            versions: true,
        }
    }

    /// The same store, whose saves keep no older versions and record none (no content hash
    /// is computed): each save replaces the files, as Python meteaudata's saves do. The
    /// versions capability is then off; versions kept by earlier saves stay until the key is
    /// deleted.
    pub fn without_versions(mut self) -> Self {
        self.versions = false;
        self
    }

    /// The directory.
    pub fn base_path(&self) -> &Path {
        &self.base
    }

    pub(crate) fn data_path(&self, stem: &str) -> PathBuf {
        self.base.join(format!("{stem}{DATA_SUFFIX}"))
    }

    pub(crate) fn meta_path(&self, stem: &str) -> PathBuf {
        self.base.join(format!("{stem}{META_SUFFIX}"))
    }

    /// Where `key` is stored now, if anywhere.
    fn locate(&self, key: &StorageKey) -> Result<Option<String>> {
        Ok(stem_store::locate(&self.files(), key)?.map(|found| found.stem))
    }

    /// Where `key` should be written (see [`stem_store::place`]).
    pub(crate) fn place(&self, key: &StorageKey) -> Result<String> {
        Ok(stem_store::place(&self.files(), key)?.0)
    }

    /// `Unsupported` for a store [`without_versions`](DiskBackend::without_versions).
    fn versioned(&self) -> Result<()> {
        if self.versions {
            Ok(())
        } else {
            Err(meteaudata_core::storage::versions::versions_unsupported(
                "unversioned disk",
            ))
        }
    }

    /// The error of a key that holds nothing.
    pub(crate) fn missing(&self, key: &StorageKey) -> Error {
        missing(key, &self.data_path(&candidate_stems(key)[0]))
    }

    fn io<T>(&self, path: &Path, r: std::io::Result<T>) -> Result<T> {
        r.map_err(|e| Error::io(path, e))
    }

    /// Where a stored key is: its files (`NotFound` when it holds nothing).
    fn found(&self, key: &StorageKey) -> Result<Found<FileSource>> {
        stem_store::locate(&self.files(), key)?
            .ok_or_else(|| missing(key, &self.data_path(&candidate_stems(key)[0])))
    }

    /// Where a stored key is: its files and the frequency a foreign file's sidecar records.
    fn find(&self, key: &StorageKey) -> Result<(Found<FileSource>, Option<String>)> {
        let found = self.found(key)?;
        let freq = stem_store::sidecar_frequency(&self.files(), &found.stem, &found.footer);
        Ok((found, freq))
    }

    pub(crate) fn load_stem(&self, key: &StorageKey, range: Option<TimeRange>) -> Result<Stored> {
        let found = self.found(key)?;
        stem_store::read_stored(&self.files(), &found.stem, found.data, &found.footer, range)
    }

    /// An advisory lock on the file `name` of the store (created if needed), held until the
    /// returned value is dropped. Lock files are never removed: removing one while another
    /// process holds it would let a third lock a new file of the same name.
    fn lock_file(&self, name: &str) -> Result<Lock> {
        self.io(&self.base, fs::create_dir_all(&self.base))?;
        let path = self.base.join(name);
        let file = self.io(
            &path,
            fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path),
        )?;
        self.io(&path, file.lock())?;
        Ok(Lock { _file: file })
    }

    /// A writer of `key`; its commit takes the key's lock unless the caller holds it
    /// (`lock_key` false: an append).
    fn new_writer(&self, key: &StorageKey, lock_key: bool, create: bool) -> Result<DiskWriter<'_>> {
        self.io(&self.base, fs::create_dir_all(&self.base))?;
        let stem = self.place(key)?;
        let dest = self.data_path(&stem);
        let (tmp, file) = self.io(&dest, Pending::create(&dest))?;
        Ok(DiskWriter {
            backend: self,
            key: key.clone(),
            stem,
            tmp: Some(tmp),
            file: Some(file),
            shape: None,
            tx: None,
            encoder: None,
            lock_key,
            create,
            hasher: ContentHasher::new(),
        })
    }

    /// A save (`create`: only if the key is free) of a whole series.
    fn write_whole(
        &self,
        key: &StorageKey,
        series: &Series,
        metadata: &TimeSeriesMetadata,
        create: bool,
    ) -> Result<()> {
        check_save_input(key, series, metadata)?;
        // Creates the directory too.
        let _key = self.key_lock(key)?;
        if create && self.locate(key)?.is_some() {
            return Err(key_taken(key));
        }
        let stem = self.place(key)?;
        let data_dest = self.data_path(&stem);
        let (data_tmp, file) = self.io(&data_dest, Pending::create(&data_dest))?;
        if !self.versions {
            let file = ParquetSeriesWriter::start(file, key, series)?
                .finish(metadata, &ChunkShape::new(series))?;
            return self.commit_files(key, &stem, data_tmp, &file, metadata, create);
        }
        let version = self.prepare_version(key)?;
        // The Parquet writer buffers pages itself; it writes straight to the file. The
        // content hash is computed meanwhile on another thread.
        let (writer, hash) =
            series.content_hash_beside(|| ParquetSeriesWriter::start(file, key, series));
        let mut writer = writer?;
        writer.set_version(VersionInfo::new(
            version,
            hash?,
            series.len() as u64,
            chrono::Utc::now(),
        ));
        let file = writer.finish(metadata, &ChunkShape::new(series))?;
        self.commit_files(key, &stem, data_tmp, &file, metadata, create)
    }

    /// The lock of one key: held by a save, an append (its read, merge and write) and a
    /// writer's commit, so that two processes changing one key never lose a change.
    pub(crate) fn key_lock(&self, key: &StorageKey) -> Result<Lock> {
        self.lock_file(&format!(
            "{KEY_LOCK_PREFIX}{:016x}",
            fnv1a(key.as_str().as_bytes())
        ))
    }

    /// Writes the data file of `key` (already written to `data_tmp`, whose file is `file`)
    /// and its sidecar, then commits both under the store's lock: the file names are chosen
    /// then (two processes saving keys whose names collide get distinct files), the data
    /// rename is the commit point, the sidecar follows. A crash between the two leaves the
    /// previous sidecar beside the new data; the next listing rewrites it from the metadata
    /// the data file carries (see [`DiskBackend::repair_sidecar`]), so Python's view (the
    /// sidecar) never stays apart from the data.
    ///
    /// With `create`, the key must still be free when the lock is held (else `Conflict`, and
    /// nothing is renamed): the check and the rename are one step for every process using the
    /// store.
    fn commit_files(
        &self,
        key: &StorageKey,
        stem_hint: &str,
        data_tmp: Pending,
        file: &fs::File,
        metadata: &TimeSeriesMetadata,
        create: bool,
    ) -> Result<()> {
        self.io(data_tmp.path(), meteaudata_parquet::checksum::seal(file))?;
        self.io(data_tmp.path(), file.sync_all())?;
        let hint = self.meta_path(stem_hint);
        let (meta_tmp, mut mf) = self.io(&hint, Pending::create(&hint))?;
        self.io(
            meta_tmp.path(),
            mf.write_all(metadata.to_yaml()?.as_bytes()),
        )?;
        self.io(meta_tmp.path(), mf.sync_all())?;
        let _store = self.lock_file(STORE_LOCK)?;
        if create && self.locate(key)?.is_some() {
            return Err(key_taken(key));
        }
        let stem = self.place(key)?;
        let (data_dest, meta_dest) = (self.data_path(&stem), self.meta_path(&stem));
        // Our loads read data and metadata from the Parquet file alone, so until the data
        // rename happens they see the previous version whole, and from then on the new one.
        self.io(&data_dest, data_tmp.commit_to(&data_dest))?;
        // The save is done: the data file (which carries the metadata) is in place. A
        // sidecar that cannot be renamed is rewritten by the next listing, so it is no
        // reason to report a failure (a retry would then find its own key taken).
        if let Err(e) = meta_tmp.commit_to(&meta_dest) {
            tracing::warn!(path = %meta_dest.display(), error = %e, "cannot put a sidecar in place; the next listing rewrites it");
        }
        sync_dir(&self.base);
        Ok(())
    }

    /// The files of the directory that belong to stored keys (data, sidecars), and stale
    /// temporary files.
    fn entries(&self) -> Result<Vec<PathBuf>> {
        if !self.base.exists() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for e in self.io(&self.base, fs::read_dir(&self.base))? {
            let e = self.io(&self.base, e)?;
            let name = e.file_name().to_string_lossy().into_owned();
            if is_store_file(&name) {
                out.push(e.path());
            }
        }
        Ok(out)
    }
}

/// The store's lock file, held while file names are chosen and files renamed into place.
const STORE_LOCK: &str = ".meteaudata-lock";
/// The start of the name of a key's lock file (the rest: a hash of the key).
const KEY_LOCK_PREFIX: &str = ".meteaudata-lock-";

/// An advisory lock, released when dropped (with its file handle).
pub(crate) struct Lock {
    _file: fs::File,
}

impl StorageBackend for DiskBackend {
    fn backend_type(&self) -> &str {
        "disk"
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::none();
        c.range_reads = true;
        c.transactions = true;
        c.size = true;
        c.persistent = true;
        c.concurrent_writers = true;
        c.append = true;
        c.streaming = true;
        c.atomic_create = true;
        c.versions = self.versions;
        c.snapshots = self.versions;
        c.lossless_values = true;
        c
    }

    fn save(&self, key: &StorageKey, series: &Series, metadata: &TimeSeriesMetadata) -> Result<()> {
        self.write_whole(key, series, metadata, false)
    }

    /// The check and the rename happen under the store's lock (see `commit_files`).
    fn create(
        &self,
        key: &StorageKey,
        series: &Series,
        metadata: &TimeSeriesMetadata,
    ) -> Result<()> {
        self.write_whole(key, series, metadata, true)
    }

    fn load_metadata(&self, key: &StorageKey) -> Result<TimeSeriesMetadata> {
        let found = self.found(key)?;
        stem_store::read_metadata(&self.files(), &found.stem, &found.footer)
    }

    /// Row groups in batches of `chunk_points` rows; a window reads only the row groups whose
    /// statistics meet it.
    fn scan(
        &self,
        key: &StorageKey,
        range: TimeRange,
        chunk_points: usize,
    ) -> Result<SeriesScan<'_>> {
        let chunk = meteaudata_core::storage::checked_chunk(chunk_points)?;
        let (found, freq) = self.find(key)?;
        let meta = stem_store::read_metadata(&self.files(), &found.stem, &found.footer)?;
        // Decoding runs a chunk ahead on its own thread.
        ParquetScan::open(found.data, range.bounded(), Some(chunk), freq.as_deref())?
            .into_series_scan(meta)
    }

    /// One Parquet file written row group by row group into a temporary file, renamed over
    /// the previous one at the commit.
    fn writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(self.new_writer(key, true, false)?))
    }

    /// As [`DiskBackend::writer`]; the commit checks that the key is still free under the
    /// store's lock.
    fn create_writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(self.new_writer(key, true, true)?))
    }

    /// Streams the stored row groups and then `more` into a new file, renamed over the old
    /// one, holding the key's lock throughout (a concurrent append or save waits): memory
    /// stays at one row group, the cost is one read and one write of the file.
    fn append(&self, key: &StorageKey, more: &Series) -> Result<()> {
        let _key = self.key_lock(key)?;
        let mut scan = self.scan(key, TimeRange::default(), ROW_GROUP_ROWS)?;
        let meta = scan.metadata().clone();
        let mut writer = self.new_writer(key, false, false)?;
        for chunk in scan.by_ref() {
            writer.push(&chunk?)?;
        }
        writer.push(more)?;
        Box::new(writer).commit(&meta)
    }

    fn load(&self, key: &StorageKey) -> Result<Stored> {
        self.load_stem(key, None)
    }

    fn load_range(&self, key: &StorageKey, range: TimeRange) -> Result<Stored> {
        self.load_stem(key, Some(range))
    }

    fn exists(&self, key: &StorageKey) -> Result<bool> {
        Ok(self.locate(key)?.is_some())
    }

    /// The archived versions (`.meteaudata-versions/<stem>/`) and the current file.
    fn list_versions(&self, key: &StorageKey) -> Result<Vec<VersionInfo>> {
        self.versioned()?;
        self.list_versions_of(key)
    }

    fn load_version(&self, key: &StorageKey, version: u64) -> Result<Stored> {
        self.versioned()?;
        self.load_version_of(key, version)
    }

    fn prune_versions(&self, key: &StorageKey, retention: Retention) -> Result<Vec<u64>> {
        self.versioned()?;
        let _key = self.key_lock(key)?;
        self.prune_versions_of(key, retention)
    }

    fn save_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
        self.versioned()?;
        self.save_snapshot_file(snapshot)
    }

    fn load_snapshot(&self, name: &str) -> Result<Snapshot> {
        self.versioned()?;
        self.load_snapshot_file(name)
    }

    fn list_snapshots(&self) -> Result<Vec<String>> {
        self.versioned()?;
        self.snapshot_names()
    }

    fn delete_snapshot(&self, name: &str) -> Result<()> {
        self.versioned()?;
        self.delete_snapshot_file(name)
    }

    fn delete(&self, key: &StorageKey) -> Result<()> {
        let _key = self.key_lock(key)?;
        let stem = self
            .locate(key)?
            .ok_or_else(|| missing(key, &self.data_path(&candidate_stems(key)[0])))?;
        let data = self.data_path(&stem);
        self.io(&data, fs::remove_file(&data))?;
        let meta = self.meta_path(&stem);
        if meta.exists() {
            self.io(&meta, fs::remove_file(&meta))?;
        }
        sync_dir(&self.base);
        // The key is gone with its data file; its older versions follow (what a crash
        // leaves here, the next save of the key removes).
        self.remove_versions(&stem)
    }

    fn list_keys(&self) -> Result<Vec<StorageKey>> {
        let mut keys = Vec::new();
        for path in self.entries()? {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(stem) = name.strip_suffix(DATA_SUFFIX) else {
                continue;
            };
            if name.starts_with(TMP_PREFIX) {
                continue;
            }
            let footer =
                FileSource::open(&path).and_then(|f| meteaudata_parquet::read_footer(Arc::new(f)));
            keys.extend(stem_store::listed_key(&self.files(), stem, footer, false));
        }
        keys.sort();
        keys.dedup();
        Ok(keys)
    }

    fn clear(&self) -> Result<()> {
        for path in self.entries()? {
            self.io(&path, fs::remove_file(&path))?;
        }
        sync_dir(&self.base);
        for dir in [self.versions_root(), self.snapshots_root()] {
            match fs::remove_dir_all(&dir) {
                Ok(()) => sync_dir(&self.base),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&dir, e)),
            }
        }
        Ok(())
    }

    fn cleanup(&self) -> Result<()> {
        if self.base.exists() {
            self.io(&self.base, fs::remove_dir_all(&self.base))?;
        }
        Ok(())
    }

    fn size_on_disk(&self) -> Result<Option<u64>> {
        let mut total = 0;
        for path in self.entries()? {
            total += self.io(&path, fs::metadata(&path))?.len();
        }
        Ok(Some(total + self.versions_size()?))
    }
}

/// The disk backend's [`SeriesWriter`]: chunks are checked here and encoded on a thread of
/// their own (one row group in progress at a time), so producing the next chunk overlaps with
/// writing this one.
struct DiskWriter<'a> {
    backend: &'a DiskBackend,
    key: StorageKey,
    stem: String,
    tmp: Option<Pending>,
    /// The temporary file until the first chunk starts the encoder.
    file: Option<fs::File>,
    shape: Option<ChunkShape>,
    tx: Option<std::sync::mpsc::SyncSender<Series>>,
    encoder: Option<std::thread::JoinHandle<Result<ParquetSeriesWriter<fs::File>>>>,
    /// Whether the commit takes the key's lock (not when an append holds it already).
    lock_key: bool,
    /// The commit fails with `Conflict` if the key holds a value by then.
    create: bool,
    /// The content hash of the chunks pushed (computed while the encoder works).
    hasher: ContentHasher,
}

/// Chunks queued for the encoder at most.
const QUEUED_CHUNKS: usize = 2;

impl DiskWriter<'_> {
    /// Waits for the encoder and returns its writer (or the error that stopped it).
    fn join(&mut self) -> Result<ParquetSeriesWriter<fs::File>> {
        self.tx = None;
        let Some(handle) = self.encoder.take() else {
            // No encoder: no chunk was pushed (or starting it failed, which push reported).
            ChunkShape::pushed(&self.shape, &self.key)?;
            return Err(Error::invalid_input(format!(
                "{}: the writer has no encoder",
                self.key
            )));
        };
        handle.join().map_err(|_| {
            Error::invalid_input(format!(
                "{}: the Parquet encoder stopped unexpectedly",
                self.key
            ))
        })?
    }
}

impl SeriesWriter for DiskWriter<'_> {
    fn push(&mut self, chunk: &Series) -> Result<()> {
        ChunkShape::track(&mut self.shape, chunk)?;
        let pushed = self.send(chunk);
        if self.backend.versions {
            // Hashed here while the encoder thread encodes it.
            self.hasher.update(chunk)?;
        }
        pushed
    }

    fn points(&self) -> u64 {
        self.shape.as_ref().map_or(0, ChunkShape::len)
    }

    fn commit(mut self: Box<Self>, metadata: &TimeSeriesMetadata) -> Result<()> {
        let shape = ChunkShape::pushed(&self.shape, &self.key)?.clone();
        shape.check_metadata(&self.key, metadata)?;
        let mut parquet = self.join()?;
        let tmp = self
            .tmp
            .take()
            .ok_or_else(|| Error::invalid_input(format!("{}: already committed", self.key)))?;
        // The version number is taken under the key's lock, which stays held to the rename.
        let _key = if self.lock_key {
            Some(self.backend.key_lock(&self.key)?)
        } else {
            None
        };
        if self.create && self.backend.locate(&self.key)?.is_some() {
            return Err(key_taken(&self.key));
        }
        if self.backend.versions {
            let version = self.backend.prepare_version(&self.key)?;
            let hash = std::mem::take(&mut self.hasher).finish();
            parquet.set_version(VersionInfo::new(
                version,
                hash,
                shape.len(),
                chrono::Utc::now(),
            ));
        }
        let file = parquet.finish(metadata, &shape)?;
        self.backend
            .commit_files(&self.key, &self.stem, tmp, &file, metadata, self.create)
    }
}

impl DiskWriter<'_> {
    /// Hands `chunk` to the encoder thread (started by the first chunk).
    fn send(&mut self, chunk: &Series) -> Result<()> {
        if self.encoder.is_none() {
            let file = self.file.take().ok_or_else(|| {
                Error::invalid_input(format!("{}: the writer already failed", self.key))
            })?;
            let (tx, rx) = std::sync::mpsc::sync_channel::<Series>(QUEUED_CHUNKS);
            let key = self.key.clone();
            let first = chunk.clone();
            let handle = std::thread::Builder::new()
                .name("meteaudata-parquet".into())
                .spawn(move || -> Result<ParquetSeriesWriter<fs::File>> {
                    let mut w = ParquetSeriesWriter::start(file, &key, &first)?;
                    for c in rx {
                        w.push(&c)?;
                    }
                    Ok(w)
                })
                .map_err(|e| Error::io(self.backend.base_path(), e))?;
            self.tx = Some(tx);
            self.encoder = Some(handle);
            return Ok(());
        }
        let sent = self
            .tx
            .as_ref()
            .is_some_and(|tx| tx.send(chunk.clone()).is_ok());
        if !sent {
            // The encoder stopped: its error says why.
            return match self.join() {
                Err(e) => Err(e),
                Ok(_) => Err(Error::invalid_input(format!(
                    "{}: the Parquet encoder stopped early",
                    self.key
                ))),
            };
        }
        Ok(())
    }
}

impl Drop for DiskWriter<'_> {
    fn drop(&mut self) {
        // Stop the encoder before the temporary file is removed.
        self.tx = None;
        if let Some(h) = self.encoder.take() {
            let _ = h.join();
        }
    }
}

/// The directory's files, as [`stem_store`] sees them.
pub(crate) struct Files<'a>(&'a DiskBackend);

impl StemFiles for Files<'_> {
    type Data = FileSource;

    fn data(&self, stem: &str) -> Result<Option<Arc<FileSource>>> {
        match FileSource::open(&self.0.data_path(stem)) {
            Ok(f) => Ok(Some(Arc::new(f))),
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    fn sidecar(&self, stem: &str) -> Result<Option<String>> {
        let path = self.0.meta_path(stem);
        match fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// Through a temporary file, fsynced and renamed, then an fsync of the directory.
    fn put_sidecar(&self, stem: &str, text: &str) -> Result<()> {
        let path = self.0.meta_path(stem);
        let written = Pending::create(&path).and_then(|(tmp, mut f)| {
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            tmp.commit()
        });
        self.0.io(&path, written)?;
        sync_dir(&self.0.base);
        Ok(())
    }

    fn location(&self, name: &str) -> String {
        self.0.base.join(name).display().to_string()
    }
}
