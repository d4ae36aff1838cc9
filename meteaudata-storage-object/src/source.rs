//! An object read by ranged GETs, as the Parquet reader's byte source.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use meteaudata_core::chrono::{DateTime, Utc};
use meteaudata_core::Result;
use meteaudata_parquet::ReadAt;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectMeta, ObjectStore, ObjectStoreExt, UpdateVersion};

use crate::error::{from_store, is_conflict, is_not_found, is_unsupported};
use crate::runtime::Bridge;

/// Bytes fetched with the first request, from the end of the object: the Parquet footer
/// (which readers need first) usually fits, so opening a file costs one request.
pub(crate) const TAIL: u64 = 64 << 10;

/// Times the length and the last bytes of an object are fetched again when it was replaced
/// between the two requests (stores without suffix ranges).
const TAIL_ATTEMPTS: usize = 8;

/// One object of known length; its last bytes are fetched when it is opened.
#[derive(Debug)]
pub(crate) struct ObjectSource {
    bridge: Bridge,
    store: Arc<dyn ObjectStore>,
    path: Path,
    len: u64,
    location: String,
    /// The last bytes of the object, from `len - tail.len()`.
    tail: Bytes,
    /// Bytes transferred by this backend's reads (for the figures and the tests).
    counter: Arc<AtomicU64>,
    /// The version read (for writes that must find it unchanged).
    version: UpdateVersion,
    /// When the object was last written (as the store says).
    modified: DateTime<Utc>,
}

impl ObjectSource {
    /// Opens `path`: its length and its last [`TAIL`] bytes in one request; `None` when it
    /// does not exist.
    pub(crate) fn open(
        bridge: &Bridge,
        store: &Arc<dyn ObjectStore>,
        path: &Path,
        url: &str,
        counter: &Arc<AtomicU64>,
    ) -> Result<Option<Self>> {
        let (s, p) = (Arc::clone(store), path.clone());
        match bridge.run(async move { fetch_tail(s, p).await }) {
            Ok(Some(tail)) => Ok(Some(Self::from_tail(
                bridge, store, path, url, counter, tail,
            ))),
            Ok(None) => Ok(None),
            Err(e) => Err(from_store(url, path, e)),
        }
    }

    /// The source of an object whose length and last bytes were fetched by [`fetch_tail`].
    pub(crate) fn from_tail(
        bridge: &Bridge,
        store: &Arc<dyn ObjectStore>,
        path: &Path,
        url: &str,
        counter: &Arc<AtomicU64>,
        tail: Tail,
    ) -> Self {
        counter.fetch_add(tail.bytes.len() as u64, Ordering::Relaxed);
        ObjectSource {
            bridge: bridge.clone(),
            store: Arc::clone(store),
            path: path.clone(),
            len: tail.len,
            location: format!("{}/{}", url.trim_end_matches('/'), path_tail(url, path)),
            tail: tail.bytes,
            counter: Arc::clone(counter),
            version: tail.version,
            modified: tail.modified,
        }
    }

    /// The version of the object that was read.
    pub(crate) fn version(&self) -> &UpdateVersion {
        &self.version
    }

    /// When the object that was read was last written.
    pub(crate) fn modified(&self) -> DateTime<Utc> {
        self.modified
    }

    /// The object's last bytes, as fetched when it was opened.
    pub(crate) fn tail(&self) -> &Bytes {
        &self.tail
    }

    /// The object's name in the store.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn get(&self, range: Range<u64>) -> std::io::Result<Bytes> {
        let (s, p) = (Arc::clone(&self.store), self.path.clone());
        let r = range.clone();
        let bytes = self
            .bridge
            .run(async move { s.get_range(&p, r).await })
            .map_err(std::io::Error::other)?;
        self.counter
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        if bytes.len() as u64 != range.end - range.start {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!(
                    "{}: asked for bytes {range:?}, got {} (the object changed?)",
                    self.location,
                    bytes.len()
                ),
            ));
        }
        Ok(bytes)
    }
}

/// The length, version and last [`TAIL`] bytes of an object.
#[derive(Debug)]
pub(crate) struct Tail {
    pub(crate) len: u64,
    pub(crate) bytes: Bytes,
    pub(crate) version: UpdateVersion,
    pub(crate) modified: DateTime<Utc>,
}

fn version_of(meta: &ObjectMeta) -> UpdateVersion {
    UpdateVersion {
        e_tag: meta.e_tag.clone(),
        version: meta.version.clone(),
    }
}

/// The length, version and last [`TAIL`] bytes of `path` (one request); `None` when it does
/// not exist.
pub(crate) async fn fetch_tail(
    store: Arc<dyn ObjectStore>,
    path: Path,
) -> std::result::Result<Option<Tail>, object_store::Error> {
    let options = GetOptions {
        range: Some(GetRange::Suffix(TAIL)),
        ..GetOptions::default()
    };
    let r = match store.get_opts(&path, options).await {
        Ok(r) => r,
        Err(e) if is_not_found(&e) => return Ok(None),
        // Azure Blob Storage has no suffix ranges: the length first, then the range (only if
        // the object is still the version the length came from; if it was replaced in
        // between, the new version is read the same way).
        Err(e) if is_unsupported(&e) => {
            let mut attempt = 0;
            loop {
                attempt += 1;
                let meta = match store.head(&path).await {
                    Ok(m) => m,
                    Err(e) if is_not_found(&e) => return Ok(None),
                    Err(e) => return Err(e),
                };
                let len = meta.size;
                if len == 0 {
                    return Ok(Some(Tail {
                        len,
                        bytes: Bytes::new(),
                        version: version_of(&meta),
                        modified: meta.last_modified,
                    }));
                }
                let options = GetOptions {
                    range: Some(GetRange::Bounded(len.saturating_sub(TAIL)..len)),
                    if_match: meta.e_tag.clone(),
                    ..GetOptions::default()
                };
                let r = match store.get_opts(&path, options).await {
                    Ok(r) => r,
                    Err(e) if is_not_found(&e) => return Ok(None),
                    Err(e) if is_conflict(&e) && attempt < TAIL_ATTEMPTS => continue,
                    Err(e) => return Err(e),
                };
                let version = version_of(&r.meta);
                let modified = r.meta.last_modified;
                let bytes = r.bytes().await?;
                return Ok(Some(Tail {
                    len,
                    bytes,
                    version,
                    modified,
                }));
            }
        }
        Err(e) => return Err(e),
    };
    let len = r.meta.size;
    let version = version_of(&r.meta);
    let modified = r.meta.last_modified;
    let bytes = r.bytes().await?;
    Ok(Some(Tail {
        len,
        bytes,
        version,
        modified,
    }))
}

/// The object's name as shown after the URL (the part below the URL's prefix).
fn path_tail(url: &str, path: &Path) -> String {
    let full = path.as_ref();
    let prefix = url::Url::parse(url)
        .map(|u| u.path().trim_matches('/').to_string())
        .unwrap_or_default();
    full.strip_prefix(&prefix)
        .map(|s| s.trim_start_matches('/'))
        .unwrap_or(full)
        .to_string()
}

impl ReadAt for ObjectSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, len: usize) -> std::io::Result<Bytes> {
        let end = offset
            .checked_add(len as u64)
            .filter(|&e| e <= self.len)
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("{}: a read past the end", self.location),
                )
            })?;
        let tail_start = self.len - self.tail.len() as u64;
        if offset >= tail_start {
            let at = (offset - tail_start) as usize;
            return Ok(self.tail.slice(at..at + len));
        }
        if len == 0 {
            return Ok(Bytes::new());
        }
        self.get(offset..end)
    }

    fn location(&self) -> &str {
        &self.location
    }
}
