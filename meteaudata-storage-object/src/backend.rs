//! The object-store backend.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures::StreamExt;
use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{
    check_save_input, key_taken, Capabilities, ChunkShape, Retention, SeriesScan, SeriesWriter,
    Snapshot, StorageBackend, StorageKey, Stored, TimeRange, VersionInfo,
};
use meteaudata_core::{chrono, ContentHash, ContentHasher, Error, ErrorKind, Result, Series};
use meteaudata_parquet::layout::{fnv1a, is_store_file, DATA_SUFFIX, META_SUFFIX, TMP_PREFIX};
use meteaudata_parquet::stem_store::{self, Found, Slot, StemFiles};
use meteaudata_parquet::{BytesSource, ParquetScan, ParquetSeriesWriter, ReadAt, ROW_GROUP_ROWS};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutPayload};

use crate::error::{from_store, is_conflict, is_not_found, is_unsupported, missing};
use crate::location::{open, redact_text, Isolation};
use crate::runtime::Bridge;
use crate::source::{ObjectSource, Tail};
use crate::upload::{Sealed, Upload};
use crate::versions::Base;

/// Stores each series as `<prefix>/<stem>.parquet` plus `<prefix>/<stem>_meta.yaml` in an
/// object store: the disk backend's layout and file format (`meteaudata-parquet`), so the
/// prefix synced to a folder is a disk-backend directory Python meteaudata reads, and Parquet
/// readers (polars, DuckDB, Spark, pandas) read the data objects where they are.
///
/// * **Commit point**: the data object, which carries the key and the metadata document in
///   its footer. A PUT (or the completion of a multipart upload) replaces it in one step, so
///   readers see the previous version whole until then, and the new one whole after; a failed
///   or killed save leaves the previous version. The sidecar follows; a listing rewrites a
///   sidecar that does not match its data object (a save killed in between).
/// * **Creates** ([`StorageBackend::create`]) are conditional puts (`PutMode::Create`): of
///   two writers creating one key, one wins and the other gets `Conflict`. A series too large
///   for one PUT goes up as a multipart upload to a temporary object and is copied into place
///   only if the name is free (`copy_if_not_exists`).
/// * **Reads** fetch the last 64 KiB first (the footer), then only the row groups a window
///   meets, by ranged GETs, checked against the file's checksums as they arrive.
/// * **Versions** ([`Capabilities::versions`], on unless [`ObjectBackend::without_versions`]):
///   every save, writer commit, create and append of a key adds version n + 1 and keeps the
///   previous one. The latest stays the data object; older ones are server-side copies in
///   `<prefix>/.meteaudata-versions/<stem>/<n>.parquet` (the disk backend's layout: a
///   `DiskBackend` opened on a synced copy lists the same versions), which key listings never
///   enter. Each data object records its number, content hash, points and time in its
///   footer, so listing versions fetches footers only. A save first copies the current object
///   to its archived name (only if that name is free), then replaces it: a save killed in
///   between adds no version (the extra copy has the current one's number and is not listed)
///   and the previous version stays whole. `delete` and `clear` remove every version.
/// * **Two writers saving one key**: where the store replaces an object conditionally
///   (`memory://`, S3 with conditional puts, which this crate turns on, Azure, GCS), a save
///   replaces the object only if it is still the one it archived (`If-Match`), and otherwise
///   archives the new one and tries again under the next number, so no version is lost. On
///   `file://`, which has no conditional replacement, each write of a key (save, commit,
///   append, delete, prune) holds a lock file of the key in the directory (the disk backend's
///   own, so the two exclude each other). Appends replace the object only if it is still the
///   version they read and start again otherwise. Limits: a series too large for one PUT
///   (16 MiB of Parquet) replaces the object by a multipart completion or a copy, which no
///   store makes conditional, so two such saves of one key at once can lose one of the two new
///   versions (never an older one); on S3 configured without conditional puts (or a store
///   given to [`ObjectBackend::from_store`]) saves keep no versions and the last one wins.
///
/// ```
/// use meteaudata_core::storage::{StorageBackend, StorageKey};
/// use meteaudata_core::{Index, Series, TimeSeries};
/// use meteaudata_storage_object::ObjectBackend;
///
/// let backend = ObjectBackend::new("memory:///plant")?;
/// let key: StorageKey = "plant/COD#1/RAW#1".parse()?;
/// let ts = TimeSeries::new(Series::from_f64("COD#1_RAW#1", Index::range(3), vec![1.0, 2.0, 3.0])?);
/// backend.save(&key, ts.series().unwrap(), &ts.metadata())?;
/// assert_eq!(backend.list_keys()?, [key.clone()]);
/// let (series, meta) = backend.load(&key)?;
/// assert_eq!(&series, ts.series().unwrap());
/// assert_eq!(meta, ts.metadata());
///
/// // A second save keeps the first as version 1.
/// let more = TimeSeries::new(Series::from_f64("COD#1_RAW#1", Index::range(2), vec![4.0, 5.0])?);
/// backend.save(&key, more.series().unwrap(), &more.metadata())?;
/// let versions = backend.list_versions(&key)?;
/// assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
/// assert_eq!(backend.load_version(&key, 1)?.0, *ts.series().unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ObjectBackend {
    bridge: Bridge,
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    url: String,
    read: Arc<AtomicU64>,
    /// Whether saves keep versions (see [`ObjectBackend::without_versions`]).
    versions: bool,
    /// How versioned saves of one key are kept apart on this store.
    isolation: Isolation,
}

impl ObjectBackend {
    /// This store's files as [`stem_store`] sees them.
    pub(crate) fn files(&self) -> Objects<'_> {
        Objects(self)
    }

    /// A backend at `url` (see the [`location`](crate#urls) table), with credentials and
    /// endpoints from the environment and the URL's query.
    pub fn new(url: &str) -> Result<Self> {
        Self::with_options(url, std::iter::empty::<(String, String)>())
    }

    /// As [`ObjectBackend::new`], with `object_store` configuration options
    /// (`("aws_endpoint", "http://127.0.0.1:9000")`, `("allow_http", "true")`, …) after those
    /// of the environment and the URL.
    pub fn with_options<K, V>(url: &str, options: impl IntoIterator<Item = (K, V)>) -> Result<Self>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let options: Vec<(String, String)> = options
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let location = open(url, &options)?;
        let mut backend = Self::from_store(location.store, location.prefix, &location.shown)?;
        backend.isolation = location.isolation;
        backend.versions = true;
        Ok(backend)
    }

    /// A backend on a store built by the caller (an instrumented or wrapped store, a store
    /// of another crate), under `prefix`; `name` is how messages name it (no secrets).
    ///
    /// Its saves keep no versions: whether the store replaces objects conditionally, which
    /// versions need, is not known here. [`ObjectBackend::with_versions`] turns them on for a
    /// store that does.
    pub fn from_store(store: Arc<dyn ObjectStore>, prefix: Path, name: &str) -> Result<Self> {
        Ok(ObjectBackend {
            bridge: Bridge::new()?,
            store,
            prefix,
            url: name.to_string(),
            read: Arc::new(AtomicU64::new(0)),
            versions: false,
            isolation: Isolation::None,
        })
    }

    /// The same store, whose saves keep no older versions and record none (no content hash
    /// is computed, no copy made): each save replaces the data object, as Python meteaudata's
    /// saves do. The versions capability is then off; versions kept by earlier saves stay
    /// until the key is deleted.
    pub fn without_versions(mut self) -> Self {
        self.versions = false;
        self
    }

    /// Versions on a store given to [`ObjectBackend::from_store`], which must replace objects
    /// conditionally (`PutMode::Update`: `InMemory`, S3 with conditional puts, Azure, GCS);
    /// on one that cannot, saves of a stored key fail with `Unsupported`. Backends opened by
    /// URL choose by themselves.
    pub fn with_versions(mut self) -> Self {
        self.versions = true;
        if self.isolation == Isolation::None {
            self.isolation = Isolation::Conditional;
        }
        self
    }

    /// `Unsupported` for a backend whose saves keep no versions.
    fn versioned(&self) -> Result<()> {
        if self.keeps_versions() {
            Ok(())
        } else {
            Err(meteaudata_core::storage::versions::versions_unsupported(
                "unversioned object",
            ))
        }
    }

    /// The URL, as messages show it (no credentials, no query).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Bytes this backend has read from the store so far (data and sidecars).
    pub fn bytes_read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// Whether saves keep versions (the versions capability).
    pub(crate) fn keeps_versions(&self) -> bool {
        self.versions && self.isolation != Isolation::None
    }

    pub(crate) fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    pub(crate) fn bridge(&self) -> &Bridge {
        &self.bridge
    }

    pub(crate) fn prefix(&self) -> &Path {
        &self.prefix
    }

    pub(crate) fn count_read(&self, bytes: u64) {
        self.read.fetch_add(bytes, Ordering::Relaxed);
    }

    fn object(&self, name: &str) -> Result<Path> {
        self.child(&self.prefix, name)
    }

    /// The object `name` of the folder `dir`, as messages show it (the URL, then the path
    /// below the prefix).
    pub(crate) fn shown(&self, dir: &Path, name: &str) -> String {
        let below: Vec<String> = dir
            .parts()
            .skip(self.prefix.parts().count())
            .map(|p| p.as_ref().to_string())
            .chain(std::iter::once(name.to_string()))
            .filter(|p| !p.is_empty())
            .collect();
        format!("{}/{}", self.url.trim_end_matches('/'), below.join("/"))
    }

    /// The object at `path`, as messages show it.
    pub(crate) fn shown_path(&self, path: &Path) -> String {
        let parts: Vec<String> = path
            .parts()
            .skip(self.prefix.parts().count())
            .map(|p| p.as_ref().to_string())
            .collect();
        format!("{}/{}", self.url.trim_end_matches('/'), parts.join("/"))
    }

    /// The advisory lock of `key` on a `file://` store (the disk backend's lock file, so the
    /// two backends exclude each other), held until the value is dropped; `None` on other
    /// stores. Lock files are never removed: removing one while another process holds it
    /// would let a third lock a new file of the same name.
    pub(crate) fn key_lock(&self, key: &StorageKey) -> Result<Option<KeyLock>> {
        let Isolation::Locked(dir) = &self.isolation else {
            return Ok(None);
        };
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(format!(
            "{KEY_LOCK_PREFIX}{:016x}",
            fnv1a(key.as_str().as_bytes())
        ));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        Ok(Some(KeyLock { _file: file }))
    }

    pub(crate) fn data_object(&self, stem: &str) -> Result<Path> {
        self.object(&format!("{stem}{DATA_SUFFIX}"))
    }

    pub(crate) fn meta_object(&self, stem: &str) -> Result<Path> {
        self.object(&format!("{stem}{META_SUFFIX}"))
    }

    pub(crate) fn err(&self, path: &Path, e: object_store::Error) -> Error {
        let mut e = from_store(&self.url, path, e);
        if let Error::Backend { message, .. } = &mut e {
            *message = redact_text(message);
        }
        e
    }

    /// The data object of `stem`, opened (its footer fetched); `None` if there is none.
    fn source(&self, stem: &str) -> Result<Option<Arc<ObjectSource>>> {
        self.open_object(&self.data_object(stem)?)
    }

    /// The object at `path`, opened (its last bytes fetched); `None` if there is none.
    pub(crate) fn open_object(&self, path: &Path) -> Result<Option<Arc<ObjectSource>>> {
        let src = ObjectSource::open(&self.bridge, &self.store, path, &self.url, &self.read)?;
        Ok(src.map(Arc::new))
    }

    /// The source of the object at `path` whose last bytes were fetched as `tail`.
    pub(crate) fn source_from_tail(&self, path: &Path, tail: Tail) -> ObjectSource {
        ObjectSource::from_tail(&self.bridge, &self.store, path, &self.url, &self.read, tail)
    }

    /// Where `key` is stored now, if anywhere (see [`stem_store::locate`]).
    pub(crate) fn locate(&self, key: &StorageKey) -> Result<Option<Found<ObjectSource>>> {
        stem_store::locate(&self.files(), key)
    }

    pub(crate) fn get_text(&self, path: &Path) -> Result<Option<String>> {
        let (s, p) = (Arc::clone(&self.store), path.clone());
        let got = self
            .bridge
            .run(async move { s.get(&p).await?.bytes().await });
        match got {
            Ok(b) => {
                self.read.fetch_add(b.len() as u64, Ordering::Relaxed);
                String::from_utf8(b.to_vec())
                    .map(Some)
                    .map_err(|_| Error::Corrupt {
                        location: format!("{}/{path}", self.url),
                        message: "not UTF-8 text".into(),
                    })
            }
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(self.err(path, e)),
        }
    }

    fn put_text(&self, path: &Path, text: String) -> Result<()> {
        let (s, p) = (Arc::clone(&self.store), path.clone());
        self.bridge
            .run(async move { s.put(&p, PutPayload::from(text)).await })
            .map(|_| ())
            .map_err(|e| self.err(path, e))
    }

    pub(crate) fn delete_object(&self, path: &Path) -> Result<()> {
        let (s, p) = (Arc::clone(&self.store), path.clone());
        match self.bridge.run(async move { s.delete(&p).await }) {
            Ok(()) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(self.err(path, e)),
        }
    }

    fn find(&self, key: &StorageKey) -> Result<Found<ObjectSource>> {
        self.locate(key)?.ok_or_else(|| missing(key, &self.url))
    }

    /// The data object of `stem` (of `len` bytes) fetched whole, in memory.
    fn whole(&self, stem: &str, len: u64) -> Result<Arc<dyn ReadAt>> {
        let path = self.data_object(stem)?;
        let (s, p) = (Arc::clone(&self.store), path.clone());
        let bytes = self
            .bridge
            .run(async move { s.get(&p).await?.bytes().await })
            .map_err(|e| self.err(&path, e))?;
        self.read.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if bytes.len() as u64 != len {
            // Replaced since its footer was read: the new version is read as a whole.
            tracing::debug!(object = %path, "the data object changed while it was opened");
        }
        let location = format!(
            "{}/{}",
            self.url.trim_end_matches('/'),
            path.filename().unwrap_or_default()
        );
        Ok(Arc::new(BytesSource::new(bytes, location)))
    }

    fn load_window(&self, key: &StorageKey, range: Option<TimeRange>) -> Result<Stored> {
        let Found { stem, footer, data } = self.find(key)?;
        let mut src: Arc<dyn ReadAt> = data;
        if range.is_none() {
            // A whole load needs every byte: one GET of the object (the decoder reads one
            // column across all row groups before the next, which would fetch each checked
            // block twice by ranges).
            src = self.whole(&stem, src.len())?;
        }
        stem_store::read_stored(&self.files(), &stem, src, &footer, range)
    }

    /// A writer of `key` (`create`: only if the key is free at the commit).
    fn new_writer(&self, key: &StorageKey, create: bool) -> Result<ObjectWriter<'_>> {
        Ok(ObjectWriter {
            backend: self,
            key: key.clone(),
            create,
            expected: None,
            locked: false,
            shape: None,
            parquet: None,
            hasher: self.keeps_versions().then(ContentHasher::new),
            hash: None,
        })
    }

    /// Puts a finished data file in place for `key`, then its sidecar (saves that keep no
    /// versions).
    ///
    /// The name is chosen again now: a name that holds no object is taken only by a
    /// conditional put (`If-None-Match`), so two writers of keys whose names collide
    /// (`a/b_c`, `a_b/c`) never overwrite each other; the loser chooses again (and finds the
    /// next name). With `create`, a key that holds a value is `Conflict`.
    fn commit_file(
        &self,
        key: &StorageKey,
        sealed: &Sealed,
        metadata: &TimeSeriesMetadata,
        create: bool,
        expected: Option<&Base>,
    ) -> Result<()> {
        let stem = match expected {
            // An append: the object it read must still be there, unchanged.
            Some(base) => {
                let dest = self.data_object(&base.stem)?;
                let version = base.data.version();
                let update = PutMode::Update(version.clone());
                match sealed.put(&self.bridge, &self.store, &dest, update) {
                    Ok(()) => {}
                    // The store cannot check versions (file://, where the append holds the
                    // key's lock; S3 without conditional puts, where the append is not
                    // isolated: said in docs/storage.md).
                    Err(e) if is_unsupported(&e) || version.e_tag.is_none() => {
                        tracing::debug!(error = %e, "no version check: an unconditional append");
                        sealed
                            .put(&self.bridge, &self.store, &dest, PutMode::Overwrite)
                            .map_err(|e| self.err(&dest, e))?;
                    }
                    Err(e) if is_conflict(&e) => {
                        return Err(Error::Conflict(format!(
                            "{key}: changed by another writer during the append"
                        )))
                    }
                    Err(e) => return Err(self.err(&dest, e)),
                }
                base.stem.clone()
            }
            None => self.place_file(key, sealed, create)?,
        };
        self.put_sidecar_after(&stem, metadata)
    }

    /// Writes the sidecar of `stem` once its data object is in place.
    fn put_sidecar_after(&self, stem: &str, metadata: &TimeSeriesMetadata) -> Result<()> {
        let meta = self.meta_object(stem)?;
        if let Err(e) = self.put_text(&meta, metadata.to_yaml()?) {
            // The save is done: the data object carries the metadata; the next listing
            // rewrites the sidecar.
            tracing::warn!(object = %meta, error = %e, "cannot write a sidecar; the next listing rewrites it");
        }
        Ok(())
    }

    /// Puts a finished file under a name of `key` (see [`ObjectBackend::commit_file`]) and
    /// returns that name's stem.
    fn place_file(&self, key: &StorageKey, sealed: &Sealed, create: bool) -> Result<String> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (stem, slot) = stem_store::place(&self.files(), key)?;
            if create && slot == Slot::Ours {
                return Err(key_taken(key));
            }
            let dest = self.data_object(&stem)?;
            let mode = if slot == Slot::Free {
                PutMode::Create
            } else {
                PutMode::Overwrite
            };
            match sealed.put(&self.bridge, &self.store, &dest, mode) {
                Ok(()) => return Ok(stem),
                Err(e) if is_unsupported(&e) => return Err(self.no_create(&e)),
                // Another writer took the name first: choose again.
                Err(e) if is_conflict(&e) && attempts < PLACE_ATTEMPTS => continue,
                Err(e) => return Err(self.err(&dest, e)),
            }
        }
    }

    /// The error of a store that cannot put an object only if its name is free.
    fn no_create(&self, e: &object_store::Error) -> Error {
        Error::Unsupported(format!(
            "{}: this store cannot put an object only if its name is free (for S3 from a multipart upload: aws_copy_if_not_exists): {}",
            self.url,
            redact_text(&e.to_string())
        ))
    }

    /// Where a save of `key` that keeps versions goes now, and the number it takes: over the
    /// key's current object (archived first by the caller), over a damaged object under one
    /// of its names, or to a free name. With `create`, a stored key is `Conflict`.
    fn target(&self, key: &StorageKey, create: bool) -> Result<(Target, u64)> {
        let found = match self.base(key) {
            Ok(found) => found,
            // A damaged object under one of the key's names: `place` says where to write.
            Err(e) if e.kind() == ErrorKind::Corrupt => None,
            Err(e) => return Err(e),
        };
        let base = match found {
            Some(base) => base,
            None => {
                let (stem, slot) = stem_store::place(&self.files(), key)?;
                match slot {
                    // Stored after a damaged name (which stops `locate`).
                    Slot::Ours => {
                        let data = self.source(&stem)?.ok_or_else(|| self.changed(&stem))?;
                        let footer =
                            meteaudata_parquet::read_footer(Arc::clone(&data) as Arc<dyn ReadAt>)?;
                        Base { stem, data, footer }
                    }
                    // A damaged object is no version to keep (it would be read as one): the
                    // save replaces it and takes the number after the archived ones.
                    Slot::Damaged => {
                        tracing::warn!(%key, object = %self.shown(&self.prefix, &stem), "a save replaces a damaged object; it is not kept as a version");
                        let n = self.number_after_archived(&stem)?;
                        return Ok((Target::Damaged(stem), n));
                    }
                    Slot::Free => return Ok((Target::Free(stem), 1)),
                }
            }
        };
        if create {
            return Err(key_taken(key));
        }
        let n = self.number_of(&base, None)?;
        Ok((Target::Replace(base, n), n + 1))
    }

    /// Puts a finished file (its footer numbered for `target`) in place. `Conflict` when
    /// another writer replaced the object meanwhile or took the free name first.
    fn put_target(&self, sealed: &Sealed, target: &Target) -> Result<String> {
        let (stem, mode) = match target {
            Target::Replace(base, _) => {
                let version = base.data.version();
                let mode = match &self.isolation {
                    // The key's lock is held.
                    Isolation::Locked(_) => PutMode::Overwrite,
                    _ if version.e_tag.is_none() && version.version.is_none() => {
                        return Err(self.no_update(&base.stem, "it gave the object no version tag"))
                    }
                    _ => PutMode::Update(version.clone()),
                };
                (&base.stem, mode)
            }
            Target::Damaged(stem) => (stem, PutMode::Overwrite),
            Target::Free(stem) => (stem, PutMode::Create),
        };
        let dest = self.data_object(stem)?;
        match sealed.put(&self.bridge, &self.store, &dest, mode) {
            Ok(()) => Ok(stem.clone()),
            Err(e) if is_conflict(&e) => Err(self.changed(stem)),
            Err(e) if is_unsupported(&e) => match target {
                Target::Free(_) => Err(self.no_create(&e)),
                _ => Err(self.no_update(stem, &redact_text(&e.to_string()))),
            },
            Err(e) => Err(self.err(&dest, e)),
        }
    }

    /// The error of a store that cannot replace an object conditionally, which versions need.
    fn no_update(&self, stem: &str, why: &str) -> Error {
        Error::Unsupported(format!(
            "{}: {stem}{DATA_SUFFIX}: this store cannot replace an object only if it is still the version read, which versions need ({why}); open the backend without versions (ObjectBackend::without_versions)",
            self.url
        ))
    }

    /// One try of a versioned commit: where it goes, the archive of what it replaces, the
    /// file numbered for it (encoded from the writer the first time, renumbered from the last
    /// try's file after), the put. A lost race is `Ok(Err(conflict))`, to try again (not for
    /// appends, which start again from the read).
    fn commit_try(
        &self,
        commit: &Commit<'_>,
        state: &mut Tries,
    ) -> Result<std::result::Result<String, Error>> {
        let (target, number) = match state.expected.take() {
            Some(base) => {
                let n = self.number_of(&base, None)?;
                (Target::Replace(base, n), n + 1)
            }
            None => self.target(commit.key, commit.create)?,
        };
        let lost = |e: Error| match e {
            Error::Conflict(_) => Ok(Err(e)),
            other => Err(other),
        };
        if let Target::Replace(base, n) = &target {
            if let Err(e) = self.archive(base, *n) {
                return lost(e);
            }
        }
        let info = VersionInfo::new(number, commit.hash, commit.shape.len(), chrono::Utc::now());
        let file = match (state.writer.take(), state.sealed.take()) {
            (Some(mut w), _) => {
                w.set_version(info);
                w.finish(commit.metadata, commit.shape)?.seal()?
            }
            (None, Some(previous)) => {
                let file = self.renumber(commit, &previous, info);
                self.drop_temporary(&previous);
                file?
            }
            (None, None) => {
                return Err(Error::invalid_input(format!(
                    "{}: nothing to commit",
                    commit.key
                )));
            }
        };
        let placed = self.put_target(&file, &target);
        state.sealed = Some(file);
        match placed {
            Ok(stem) => Ok(Ok(stem)),
            Err(e) => lost(e),
        }
    }

    /// A versioned commit of the file `writer` holds: tries again under the next number while
    /// other writers replace the key first (see [`ObjectBackend`]); an append (`expected`, the
    /// object it read) gets `Conflict` instead and starts again.
    fn commit_versioned(
        &self,
        commit: &Commit<'_>,
        writer: ParquetSeriesWriter<Upload>,
        expected: Option<Base>,
    ) -> Result<()> {
        let appending = expected.is_some();
        let mut state = Tries {
            expected,
            writer: Some(writer),
            sealed: None,
        };
        let mut attempt = 0;
        let placed = loop {
            attempt += 1;
            match self.commit_try(commit, &mut state) {
                Ok(Ok(stem)) => break Ok(stem),
                Ok(Err(conflict)) if !appending && attempt < COMMIT_ATTEMPTS => {
                    tracing::debug!(key = %commit.key, attempt, error = %conflict, "another writer saved the key first: numbering again");
                    backoff(attempt);
                }
                Ok(Err(e)) | Err(e) => break Err(e),
            }
        };
        if let Some(s) = &state.sealed {
            self.drop_temporary(s);
        }
        self.put_sidecar_after(&placed?, commit.metadata)
    }

    /// The file `sealed`, numbered `info` instead (decoded and encoded again: a small file in
    /// memory, a large one streamed from its temporary object).
    fn renumber(&self, commit: &Commit<'_>, sealed: &Sealed, info: VersionInfo) -> Result<Sealed> {
        let key = commit.key;
        let mut writer = match sealed {
            Sealed::Bytes(bytes) => {
                let src =
                    BytesSource::new(bytes.clone(), format!("{} ({key}, being saved)", self.url));
                let (series, _) = meteaudata_parquet::read_series(Arc::new(src), None, None)?;
                ParquetSeriesWriter::start(self.upload(), key, &series)?
            }
            Sealed::Object(path) => {
                let src = self.open_object(path)?.ok_or_else(|| Error::Backend {
                    backend: "object".into(),
                    message: format!("{}: the upload of {key} is gone", self.shown_path(path)),
                    source: None,
                })?;
                let mut scan = ParquetScan::open(src, None, Some(ROW_GROUP_ROWS), None)?
                    .into_series_scan(commit.metadata.clone())?;
                let first = scan.next().ok_or_else(|| {
                    Error::invalid_input(format!("{key}: an uploaded file without points"))
                })??;
                let mut w = ParquetSeriesWriter::start(self.upload(), key, &first)?;
                for chunk in scan.by_ref() {
                    w.push(&chunk?)?;
                }
                w
            }
        };
        writer.set_version(info);
        writer.finish(commit.metadata, commit.shape)?.seal()
    }

    /// An upload of a new file, under a temporary name if it needs parts.
    fn upload(&self) -> Upload {
        let owner = self.clone();
        Upload::new(
            &self.bridge,
            &self.store,
            &self.url,
            Box::new(move || owner.temporary()),
        )
    }

    /// Removes the temporary object a multipart upload completed (an upload under the key's
    /// own name is the key's value).
    fn drop_temporary(&self, sealed: &Sealed) {
        if let Sealed::Object(uploaded) = sealed {
            if uploaded
                .filename()
                .is_some_and(|n| n.starts_with(TMP_PREFIX))
            {
                let _ = self.delete_object(uploaded);
            }
        }
    }

    /// One try of [`StorageBackend::append`].
    fn append_once(&self, key: &StorageKey, more: &Series) -> Result<()> {
        let Found { stem, footer, data } = self.find(key)?;
        let meta = stem_store::read_metadata(&self.files(), &stem, &footer)?;
        let freq = stem_store::sidecar_frequency(&self.files(), &stem, &footer);
        let mut scan = ParquetScan::open(
            Arc::clone(&data) as Arc<dyn ReadAt>,
            None,
            Some(ROW_GROUP_ROWS),
            freq.as_deref(),
        )?
        .into_series_scan(meta.clone())?;
        let mut writer = self.new_writer(key, false)?;
        writer.expected = Some(Base { stem, data, footer });
        // `append` holds the key's lock.
        writer.locked = true;
        for chunk in scan.by_ref() {
            writer.push(&chunk?)?;
        }
        writer.push(more)?;
        Box::new(writer).commit(&meta)
    }

    /// The objects directly under the prefix.
    fn objects(&self) -> Result<Vec<Listed>> {
        self.list_dir(&self.prefix)
    }

    /// The objects directly in the folder `dir` (not in its subfolders: the archived versions
    /// under the prefix are not listed with its objects).
    pub(crate) fn list_dir(&self, dir: &Path) -> Result<Vec<Listed>> {
        let (s, p) = (Arc::clone(&self.store), dir.clone());
        let listed = self.bridge.run(async move {
            let prefix = if p.as_ref().is_empty() { None } else { Some(p) };
            s.list_with_delimiter(prefix.as_ref()).await
        });
        let listed = match listed {
            Ok(l) => l,
            // A folder that does not exist (`file://`).
            Err(e) if is_not_found(&e) => return Ok(Vec::new()),
            Err(e) => return Err(self.err(dir, e)),
        };
        Ok(listed
            .objects
            .into_iter()
            .filter_map(|m| {
                Some(Listed {
                    name: m.location.filename()?.to_string(),
                    size: m.size,
                    modified: m.last_modified,
                })
            })
            .collect())
    }

    /// A fresh temporary object name under the prefix.
    fn temporary(&self) -> Result<Path> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        self.object(&format!(
            "{TMP_PREFIX}{}-{nanos}-{}{DATA_SUFFIX}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ))
    }
}

/// Waits a little before try `attempt` + 1 of a commit that lost a race: longer as tries
/// go on, with jitter so that writers that lost together do not meet again.
fn backoff(attempt: usize) {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    let span = 1u64 << attempt.min(6);
    std::thread::sleep(std::time::Duration::from_micros(
        500 + (nanos >> 7) % (span * 1000),
    ));
}

/// What a versioned commit puts in place.
struct Commit<'a> {
    key: &'a StorageKey,
    /// Only if the key is free.
    create: bool,
    /// The content hash of the series.
    hash: ContentHash,
    metadata: &'a TimeSeriesMetadata,
    shape: &'a ChunkShape,
}

/// What the tries of a versioned commit hand on to the next.
struct Tries {
    /// An append: the object it read (the first try only).
    expected: Option<Base>,
    /// The file, until the first try finishes it.
    writer: Option<ParquetSeriesWriter<Upload>>,
    /// The last try's file.
    sealed: Option<Sealed>,
}

/// Where a versioned commit puts its file.
enum Target {
    /// Over the key's current object, whose version number this is (archived first).
    Replace(Base, u64),
    /// Over a damaged object under this name of the key.
    Damaged(String),
    /// Under this free name, only if it is still free.
    Free(String),
}

/// An advisory lock on a key of a `file://` store, released when dropped (with its file).
pub(crate) struct KeyLock {
    _file: std::fs::File,
}

/// The start of the name of a key's lock file (the rest: a hash of the key), as the disk
/// backend names it.
const KEY_LOCK_PREFIX: &str = ".meteaudata-lock-";

/// An object directly in a folder.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    pub(crate) name: String,
    pub(crate) size: u64,
    pub(crate) modified: meteaudata_core::chrono::DateTime<meteaudata_core::chrono::Utc>,
}

/// Times an append starts again after another writer changed its key.
const APPEND_ATTEMPTS: u32 = 10;

/// Times a commit chooses a name again after losing one to another writer.
const PLACE_ATTEMPTS: usize = 8;

/// Times a versioned commit numbers its file again after another writer saved the key first.
const COMMIT_ATTEMPTS: usize = 40;

/// Data objects whose footers are fetched at once by a listing.
const LISTING_FETCHES: usize = 32;

impl StorageBackend for ObjectBackend {
    fn backend_type(&self) -> &str {
        "object"
    }

    fn capabilities(&self) -> Capabilities {
        let mut c = Capabilities::none();
        c.range_reads = true;
        c.transactions = true;
        c.size = true;
        c.persistent = !self.url.starts_with("memory:");
        c.concurrent_writers = true;
        c.streaming = true;
        c.atomic_create = true;
        c.versions = self.keeps_versions();
        c.snapshots = self.keeps_versions();
        c.lossless_values = true;
        c
    }

    fn save(&self, key: &StorageKey, series: &Series, metadata: &TimeSeriesMetadata) -> Result<()> {
        check_save_input(key, series, metadata)?;
        let mut w = self.new_writer(key, false)?;
        w.push_whole(series)?;
        Box::new(w).commit(metadata)
    }

    fn create(
        &self,
        key: &StorageKey,
        series: &Series,
        metadata: &TimeSeriesMetadata,
    ) -> Result<()> {
        check_save_input(key, series, metadata)?;
        let mut w = self.new_writer(key, true)?;
        w.push_whole(series)?;
        Box::new(w).commit(metadata)
    }

    fn load(&self, key: &StorageKey) -> Result<Stored> {
        self.load_window(key, None)
    }

    fn load_range(&self, key: &StorageKey, range: TimeRange) -> Result<Stored> {
        self.load_window(key, Some(range))
    }

    fn load_metadata(&self, key: &StorageKey) -> Result<TimeSeriesMetadata> {
        let found = self.find(key)?;
        stem_store::read_metadata(&self.files(), &found.stem, &found.footer)
    }

    /// Row groups in batches of `chunk_points` rows, fetched as they are read; a window
    /// fetches only the row groups whose statistics meet it.
    fn scan(
        &self,
        key: &StorageKey,
        range: TimeRange,
        chunk_points: usize,
    ) -> Result<SeriesScan<'_>> {
        let chunk = meteaudata_core::storage::checked_chunk(chunk_points)?;
        let Found { stem, footer, data } = self.find(key)?;
        let meta = stem_store::read_metadata(&self.files(), &stem, &footer)?;
        let freq = stem_store::sidecar_frequency(&self.files(), &stem, &footer);
        // Fetching and decoding run a chunk ahead on their own thread.
        ParquetScan::open(data, range.bounded(), Some(chunk), freq.as_deref())?
            .into_series_scan(meta)
    }

    /// One Parquet file uploaded as it is written (a multipart upload once it outgrows one
    /// part), put in place at the commit.
    fn writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(self.new_writer(key, false)?))
    }

    /// As [`ObjectBackend::writer`], put in place only if the key is still free.
    fn create_writer(&self, key: &StorageKey) -> Result<Box<dyn SeriesWriter + '_>> {
        Ok(Box::new(self.new_writer(key, true)?))
    }

    /// Streams the stored row groups and then `more` into a new object that replaces the old
    /// one: memory stays at one row group, the cost is one read and one write of the object.
    /// Where the store checks versions (S3, Azure, GCS, memory) and the new object fits one
    /// PUT (16 MiB), it replaces the old one only if that is still the version read, and the
    /// append starts again otherwise (up to 10 times, then `Conflict`); on `file://` the
    /// append holds the key's lock throughout; elsewhere (S3 without conditional puts, larger
    /// objects) a concurrent save or append of the same key can be lost.
    fn append(&self, key: &StorageKey, more: &Series) -> Result<()> {
        let _lock = self.key_lock(key)?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.append_once(key, more) {
                Err(Error::Conflict(_)) if attempt < APPEND_ATTEMPTS => {
                    std::thread::sleep(std::time::Duration::from_millis(5 << attempt.min(6)));
                }
                done => return done,
            }
        }
    }

    fn exists(&self, key: &StorageKey) -> Result<bool> {
        Ok(self.locate(key)?.is_some())
    }

    /// The archived versions (`.meteaudata-versions/<stem>/`, footers only) and the current
    /// object.
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
        let _lock = self.key_lock(key)?;
        self.prune_versions_of(key, retention)
    }

    fn save_snapshot(&self, snapshot: &Snapshot) -> Result<()> {
        self.save_snapshot_object(snapshot)
    }

    fn load_snapshot(&self, name: &str) -> Result<Snapshot> {
        self.load_snapshot_object(name)
    }

    fn list_snapshots(&self) -> Result<Vec<String>> {
        self.snapshot_object_names()
    }

    fn delete_snapshot(&self, name: &str) -> Result<()> {
        self.delete_snapshot_object(name)
    }

    /// The older versions first, then the data object and its sidecar: a delete killed
    /// midway leaves the key with its latest value (and perhaps fewer older versions), never
    /// older versions without a key.
    fn delete(&self, key: &StorageKey) -> Result<()> {
        let _lock = self.key_lock(key)?;
        let stem = self.find(key)?.stem;
        self.remove_versions(&stem)?;
        let data = self.data_object(&stem)?;
        self.delete_object(&data)?;
        self.delete_object(&self.meta_object(&stem)?)?;
        if self.keeps_versions() && self.isolation == Isolation::Conditional {
            // What saves that ran meanwhile archived.
            self.remove_versions(&stem)?;
        }
        Ok(())
    }

    /// One request per data object for its footer (the key it holds), 32 at
    /// a time; sidecars are read only when the listing's sizes and dates say that one may
    /// not match its data object.
    fn list_keys(&self) -> Result<Vec<StorageKey>> {
        let listed = self.objects()?;
        let sidecars: std::collections::HashMap<&str, &Listed> = listed
            .iter()
            .filter_map(|l| Some((l.name.strip_suffix(META_SUFFIX)?, l)))
            .collect();
        let data: Vec<(&Listed, &str, Path)> = listed
            .iter()
            .filter(|l| !l.name.starts_with(TMP_PREFIX))
            .filter_map(|l| {
                let stem = l.name.strip_suffix(DATA_SUFFIX)?;
                Some((l, stem, self.data_object(stem).ok()?))
            })
            .collect();
        let store = Arc::clone(&self.store);
        let paths: Vec<Path> = data.iter().map(|(_, _, p)| p.clone()).collect();
        let tails = self.bridge.run(async move {
            futures::stream::iter(paths)
                .map(|p| crate::source::fetch_tail(Arc::clone(&store), p))
                .buffered(LISTING_FETCHES)
                .collect::<Vec<_>>()
                .await
        });
        let mut keys = Vec::new();
        for ((l, stem, path), tail) in data.into_iter().zip(tails) {
            let footer = match tail {
                Ok(Some(tail)) => {
                    let src = ObjectSource::from_tail(
                        &self.bridge,
                        &self.store,
                        &path,
                        &self.url,
                        &self.read,
                        tail,
                    );
                    meteaudata_parquet::read_footer(Arc::new(src))
                }
                // Deleted since the listing.
                Ok(None) => continue,
                Err(e) => Err(self.err(&path, e)),
            };
            // A sidecar written after its data object with the right size is the one of
            // that save (no need to read it).
            let fine = footer.as_ref().is_ok_and(|f| {
                f.metadata.as_ref().is_some_and(|embedded| {
                    sidecars.get(stem).is_some_and(|m| {
                        m.size == embedded.len() as u64 && m.modified >= l.modified
                    })
                })
            });
            keys.extend(stem_store::listed_key(&self.files(), stem, footer, fine));
        }
        keys.sort();
        keys.dedup();
        Ok(keys)
    }

    /// Removes every key, version and snapshot.
    fn clear(&self) -> Result<()> {
        self.remove_all_versions()?;
        if self.keeps_versions() {
            self.remove_all_snapshots()?;
        }
        for l in self.objects()? {
            if is_store_file(&l.name) {
                self.delete_object(&self.object(&l.name)?)?;
            }
        }
        Ok(())
    }

    fn cleanup(&self) -> Result<()> {
        self.clear()
    }

    /// The data objects, sidecars and archived versions.
    fn size_on_disk(&self) -> Result<Option<u64>> {
        let current: u64 = self
            .objects()?
            .into_iter()
            .filter(|l| is_store_file(&l.name))
            .map(|l| l.size)
            .sum();
        Ok(Some(current + self.versions_size()?))
    }
}

/// The object-store backend's [`SeriesWriter`]: the Parquet file is encoded as chunks arrive
/// and uploaded as it grows (see `upload`).
struct ObjectWriter<'a> {
    backend: &'a ObjectBackend,
    key: StorageKey,
    /// Only if the key is free at the commit.
    create: bool,
    /// An append: the object it read, which must be unchanged at the commit.
    expected: Option<Base>,
    /// The caller holds the key's lock (an append).
    locked: bool,
    shape: Option<ChunkShape>,
    parquet: Option<ParquetSeriesWriter<Upload>>,
    /// With versions: the content hash of the chunks pushed so far.
    hasher: Option<ContentHasher>,
    /// With versions: the content hash of a whole series pushed at once (see `push_whole`).
    hash: Option<ContentHash>,
}

/// Points from which a chunk is hashed on a thread of its own while it is encoded.
const HASH_BESIDE_POINTS: usize = 1 << 16;

impl ObjectWriter<'_> {
    /// Pushes a whole series (a save), its content hash computed meanwhile on another thread.
    fn push_whole(&mut self, series: &Series) -> Result<()> {
        if self.hasher.take().is_none() {
            return self.push(series);
        }
        let (pushed, hash) = series.content_hash_beside(|| self.encode(series));
        pushed?;
        self.hash = Some(hash?);
        Ok(())
    }

    /// Encodes `chunk` (the first one starts the file).
    fn encode(&mut self, chunk: &Series) -> Result<()> {
        ChunkShape::track(&mut self.shape, chunk)?;
        match &mut self.parquet {
            Some(w) => w.push(chunk),
            None => {
                let b = self.backend;
                // If the file needs parts: a save of a key already stored uploads under its
                // name (a multipart upload is invisible until it completes: the commit archives
                // the current object before it completes); anything else under a temporary
                // name, put in place at the commit (see `commit_file`). Small files need no
                // name until then (no request here).
                let (owner, key) = (b.clone(), self.key.clone());
                let direct = !self.create && self.expected.is_none();
                let choose = Box::new(move || match stem_store::place(&owner.files(), &key)? {
                    (stem, Slot::Ours) if direct => owner.data_object(&stem),
                    _ => owner.temporary(),
                });
                let upload = Upload::new(&b.bridge, &b.store, &b.url, choose);
                self.parquet = Some(ParquetSeriesWriter::start(upload, &self.key, chunk)?);
                Ok(())
            }
        }
    }
}

impl SeriesWriter for ObjectWriter<'_> {
    /// With versions, the chunk is also hashed (beside its encoding when it is large).
    fn push(&mut self, chunk: &Series) -> Result<()> {
        let Some(mut hasher) = self.hasher.take() else {
            return self.encode(chunk);
        };
        let (pushed, hashed) = if chunk.len() >= HASH_BESIDE_POINTS {
            std::thread::scope(|scope| {
                let hashing = scope.spawn(|| hasher.update(chunk));
                let pushed = self.encode(chunk);
                let hashed = hashing.join().unwrap_or_else(|_| {
                    Err(Error::invalid_input(
                        "the content hash stopped unexpectedly",
                    ))
                });
                (pushed, hashed)
            })
        } else {
            (self.encode(chunk), hasher.update(chunk))
        };
        self.hasher = Some(hasher);
        pushed.and(hashed)
    }

    fn points(&self) -> u64 {
        self.shape.as_ref().map_or(0, ChunkShape::len)
    }

    fn commit(mut self: Box<Self>, metadata: &TimeSeriesMetadata) -> Result<()> {
        let shape = ChunkShape::pushed(&self.shape, &self.key)?.clone();
        shape.check_metadata(&self.key, metadata)?;
        let parquet = self
            .parquet
            .take()
            .ok_or_else(|| Error::invalid_input(format!("{}: already committed", self.key)))?;
        let b = self.backend;
        // On `file://`, the key's lock from here to the sidecar (an append holds it already).
        let _lock = if self.locked {
            None
        } else {
            b.key_lock(&self.key)?
        };
        if b.keeps_versions() {
            let hash = match (self.hash.take(), self.hasher.take()) {
                (Some(hash), _) => hash,
                (None, Some(hasher)) => hasher.finish(),
                (None, None) => {
                    return Err(Error::invalid_input(format!(
                        "{}: the writer has no content hash",
                        self.key
                    )))
                }
            };
            let commit = Commit {
                key: &self.key,
                create: self.create,
                hash,
                metadata,
                shape: &shape,
            };
            return b.commit_versioned(&commit, parquet, self.expected.take());
        }
        let sealed = parquet.finish(metadata, &shape)?.seal()?;
        let done = b.commit_file(
            &self.key,
            &sealed,
            metadata,
            self.create,
            self.expected.as_ref(),
        );
        // The temporary object of a multipart upload goes, whatever happened.
        b.drop_temporary(&sealed);
        done
    }
}

/// The objects under the prefix, as [`stem_store`] sees them.
pub(crate) struct Objects<'a>(&'a ObjectBackend);

impl StemFiles for Objects<'_> {
    type Data = ObjectSource;

    /// Its footer fetched (the last 64 KiB) with the object's size and version.
    fn data(&self, stem: &str) -> Result<Option<Arc<ObjectSource>>> {
        self.0.source(stem)
    }

    fn sidecar(&self, stem: &str) -> Result<Option<String>> {
        self.0.get_text(&self.0.meta_object(stem)?)
    }

    /// One PUT.
    fn put_sidecar(&self, stem: &str, text: &str) -> Result<()> {
        self.0
            .put_text(&self.0.meta_object(stem)?, text.to_string())
    }

    fn location(&self, name: &str) -> String {
        format!("{}/{name}", self.0.url.trim_end_matches('/'))
    }
}
