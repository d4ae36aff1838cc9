//! An object read by ranged GETs, as the Parquet reader's byte source.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use meteaudata_core::Result;
use meteaudata_parquet::ReadAt;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt};

use crate::error::{from_store, is_not_found};
use crate::runtime::Bridge;

/// Bytes fetched with the first request, from the end of the object: the Parquet footer
/// (which readers need first) usually fits, so opening a file costs one request.
pub(crate) const TAIL: u64 = 64 << 10;

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
        let got = bridge.run(async move {
            let options = GetOptions {
                range: Some(GetRange::Suffix(TAIL)),
                ..GetOptions::default()
            };
            let r = s.get_opts(&p, options).await?;
            let len = r.meta.size;
            let bytes = r.bytes().await?;
            Ok::<_, object_store::Error>((len, bytes))
        });
        let (len, tail) = match got {
            Ok(v) => v,
            Err(e) if is_not_found(&e) => return Ok(None),
            Err(e) => return Err(from_store(url, path, e)),
        };
        counter.fetch_add(tail.len() as u64, Ordering::Relaxed);
        Ok(Some(ObjectSource {
            bridge: bridge.clone(),
            store: Arc::clone(store),
            path: path.clone(),
            len,
            location: format!("{}/{}", url.trim_end_matches('/'), path_tail(url, path)),
            tail,
            counter: Arc::clone(counter),
        }))
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
