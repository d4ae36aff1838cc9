//! The object-store backend.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{
    check_save_input, key_taken, Capabilities, ChunkShape, SeriesScan, SeriesWriter,
    StorageBackend, StorageKey, Stored, TimeRange,
};
use meteaudata_core::{Error, Result, Series};
use meteaudata_parquet::layout::{is_store_file, DATA_SUFFIX, META_SUFFIX, TMP_PREFIX};
use meteaudata_parquet::stem_store::{self, Found, Slot, StemFiles};
use meteaudata_parquet::{BytesSource, ParquetScan, ParquetSeriesWriter, ReadAt, ROW_GROUP_ROWS};
use object_store::path::{Path, PathPart};
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutPayload, UpdateVersion};

use crate::error::{from_store, is_conflict, is_not_found, is_unsupported, missing};
use crate::location::{open, redact_text};
use crate::runtime::Bridge;
use crate::source::ObjectSource;
use crate::upload::{Sealed, Upload};

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
/// * **Two writers saving one key**: each save replaces the data object whole; the last one
///   wins. Appends replace the object only if it is still the version they read (where the
///   store checks versions and the object fits one PUT), and start again otherwise.
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
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ObjectBackend {
    bridge: Bridge,
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    url: String,
    read: Arc<AtomicU64>,
}

impl ObjectBackend {
    /// This store's files as [`stem_store`] sees them.
    fn files(&self) -> Objects<'_> {
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
        Self::from_store(location.store, location.prefix, &location.shown)
    }

    /// A backend on a store built by the caller (an instrumented or wrapped store, a store
    /// of another crate), under `prefix`; `name` is how messages name it (no secrets).
    pub fn from_store(store: Arc<dyn ObjectStore>, prefix: Path, name: &str) -> Result<Self> {
        Ok(ObjectBackend {
            bridge: Bridge::new()?,
            store,
            prefix,
            url: name.to_string(),
            read: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The URL, as messages show it (no credentials, no query).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Bytes this backend has read from the store so far (data and sidecars).
    pub fn bytes_read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    fn object(&self, name: &str) -> Result<Path> {
        let part = PathPart::parse(name).map_err(|e| {
            Error::invalid_input(format!(
                "{}: no object can be named {name:?}: {e}",
                self.url
            ))
        })?;
        Ok(self.prefix.clone().join(part))
    }

    fn data_object(&self, stem: &str) -> Result<Path> {
        self.object(&format!("{stem}{DATA_SUFFIX}"))
    }

    fn meta_object(&self, stem: &str) -> Result<Path> {
        self.object(&format!("{stem}{META_SUFFIX}"))
    }

    fn err(&self, path: &Path, e: object_store::Error) -> Error {
        let mut e = from_store(&self.url, path, e);
        if let Error::Backend { message, .. } = &mut e {
            *message = redact_text(message);
        }
        e
    }

    /// The data object of `stem`, opened (its footer fetched); `None` if there is none.
    fn source(&self, stem: &str) -> Result<Option<Arc<ObjectSource>>> {
        let path = self.data_object(stem)?;
        let src = ObjectSource::open(&self.bridge, &self.store, &path, &self.url, &self.read)?;
        Ok(src.map(Arc::new))
    }

    /// Where `key` is stored now, if anywhere (see [`stem_store::locate`]).
    fn locate(&self, key: &StorageKey) -> Result<Option<Found<ObjectSource>>> {
        stem_store::locate(&self.files(), key)
    }

    fn get_text(&self, path: &Path) -> Result<Option<String>> {
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

    fn delete_object(&self, path: &Path) -> Result<()> {
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
        let freq = stem_store::sidecar_frequency(&self.files(), &stem, &footer);
        let (series, footer) = meteaudata_parquet::read_series(src, range, freq.as_deref())?;
        let meta = stem_store::read_metadata(&self.files(), &stem, &footer)?;
        Ok((series, meta))
    }

    /// A writer of `key` (`create`: only if the key is free at the commit).
    fn new_writer(&self, key: &StorageKey, create: bool) -> Result<ObjectWriter<'_>> {
        Ok(ObjectWriter {
            backend: self,
            key: key.clone(),
            create,
            expected: None,
            shape: None,
            parquet: None,
        })
    }

    /// Puts a finished data file in place for `key`, then its sidecar.
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
        expected: Option<&(String, UpdateVersion)>,
    ) -> Result<()> {
        let stem = match expected {
            // An append: the object it read must still be there, unchanged.
            Some((stem, version)) => {
                let dest = self.data_object(stem)?;
                let update = PutMode::Update(version.clone());
                match sealed.put(&self.bridge, &self.store, &dest, update) {
                    Ok(()) => {}
                    // The store cannot check versions (file://, S3 without conditional puts):
                    // the append is not isolated (said in docs/storage.md).
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
                stem.clone()
            }
            None => self.place_file(key, sealed, create)?,
        };
        let meta = self.meta_object(&stem)?;
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
                Err(e) if is_unsupported(&e) => {
                    return Err(Error::Unsupported(format!(
                        "{}: this store cannot put an object only if its name is free (for S3 from a multipart upload: aws_copy_if_not_exists): {}",
                        self.url,
                        redact_text(&e.to_string())
                    )))
                }
                // Another writer took the name first: choose again.
                Err(e) if is_conflict(&e) && attempts < PLACE_ATTEMPTS => continue,
                Err(e) => return Err(self.err(&dest, e)),
            }
        }
    }

    /// One try of [`StorageBackend::append`].
    fn append_once(&self, key: &StorageKey, more: &Series) -> Result<()> {
        let Found { stem, footer, data } = self.find(key)?;
        let version = data.version().clone();
        let meta = stem_store::read_metadata(&self.files(), &stem, &footer)?;
        let freq = stem_store::sidecar_frequency(&self.files(), &stem, &footer);
        let mut scan = ParquetScan::open(data, None, Some(ROW_GROUP_ROWS), freq.as_deref())?
            .into_series_scan(meta.clone())?;
        let mut writer = self.new_writer(key, false)?;
        writer.expected = Some((stem, version));
        for chunk in scan.by_ref() {
            writer.push(&chunk?)?;
        }
        writer.push(more)?;
        Box::new(writer).commit(&meta)
    }

    /// The objects directly under the prefix.
    fn objects(&self) -> Result<Vec<Listed>> {
        let (s, p) = (Arc::clone(&self.store), self.prefix.clone());
        let listed = self
            .bridge
            .run(async move {
                let prefix = if p.as_ref().is_empty() { None } else { Some(p) };
                s.list(prefix.as_ref()).try_collect::<Vec<_>>().await
            })
            .map_err(|e| self.err(&self.prefix, e))?;
        let depth = self.prefix.parts().count();
        Ok(listed
            .into_iter()
            .filter(|m| m.location.parts().count() == depth + 1)
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

/// An object directly under the prefix.
struct Listed {
    name: String,
    size: u64,
    modified: meteaudata_core::chrono::DateTime<meteaudata_core::chrono::Utc>,
}

/// Times an append starts again after another writer changed its key.
const APPEND_ATTEMPTS: u32 = 10;

/// Times a commit chooses a name again after losing one to another writer.
const PLACE_ATTEMPTS: usize = 8;

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
        c
    }

    fn save(&self, key: &StorageKey, series: &Series, metadata: &TimeSeriesMetadata) -> Result<()> {
        check_save_input(key, series, metadata)?;
        let mut w = self.new_writer(key, false)?;
        w.push(series)?;
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
        w.push(series)?;
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
    /// append starts again otherwise (up to 10 times, then `Conflict`); elsewhere (`file://`,
    /// larger objects) a concurrent save or append of the same key can be lost.
    fn append(&self, key: &StorageKey, more: &Series) -> Result<()> {
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

    fn delete(&self, key: &StorageKey) -> Result<()> {
        let stem = self.find(key)?.stem;
        let data = self.data_object(&stem)?;
        self.delete_object(&data)?;
        self.delete_object(&self.meta_object(&stem)?)
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

    fn clear(&self) -> Result<()> {
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

    fn size_on_disk(&self) -> Result<Option<u64>> {
        Ok(Some(
            self.objects()?
                .into_iter()
                .filter(|l| is_store_file(&l.name))
                .map(|l| l.size)
                .sum(),
        ))
    }
}

/// The object-store backend's [`SeriesWriter`]: the Parquet file is encoded as chunks arrive
/// and uploaded as it grows (see `upload`).
struct ObjectWriter<'a> {
    backend: &'a ObjectBackend,
    key: StorageKey,
    /// Only if the key is free at the commit.
    create: bool,
    /// An append: the stem and the version of the object it read, which must be unchanged
    /// at the commit.
    expected: Option<(String, UpdateVersion)>,
    shape: Option<ChunkShape>,
    parquet: Option<ParquetSeriesWriter<Upload>>,
}

impl SeriesWriter for ObjectWriter<'_> {
    fn push(&mut self, chunk: &Series) -> Result<()> {
        ChunkShape::track(&mut self.shape, chunk)?;
        match &mut self.parquet {
            Some(w) => w.push(chunk),
            None => {
                let b = self.backend;
                // If the file needs parts: a save of a key already stored uploads under its
                // name (a multipart upload is invisible until it completes); anything else
                // under a temporary name, put in place at the commit (see `commit_file`).
                // Small files need no name until then (no request here).
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
        let sealed = parquet.finish(metadata, &shape)?.seal()?;
        let b = self.backend;
        let done = b.commit_file(
            &self.key,
            &sealed,
            metadata,
            self.create,
            self.expected.as_ref(),
        );
        // The temporary object of a multipart upload goes, whatever happened (an upload
        // under the key's own name is the key's value).
        if let Sealed::Object(uploaded) = &sealed {
            if uploaded
                .filename()
                .is_some_and(|n| n.starts_with(TMP_PREFIX))
            {
                let _ = b.delete_object(uploaded);
            }
        }
        done
    }
}

/// The objects under the prefix, as [`stem_store`] sees them.
struct Objects<'a>(&'a ObjectBackend);

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
