//! Writing one data object: small files in one PUT, large ones as a multipart upload whose
//! parts go up while the file is still being written. Nothing is visible under the object's
//! name until the PUT or the multipart completion, which replaces the previous version in one
//! step (the commit point); an upload that is dropped unfinished is aborted.
//!
//! The last [`HOLD`] bytes are always held back: the Parquet footer is written last and must
//! be sealed with its checksum (see `meteaudata_parquet::checksum`) before it goes up.

use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use meteaudata_core::{Error, Result};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, WriteMultipart};

use crate::error::from_store;
use crate::runtime::Bridge;

/// Bytes per multipart part (S3 needs at least 5 MiB but for the last).
pub(crate) const PART: usize = 8 << 20;
/// Bytes held back for the footer (which holds 32 bytes per MiB of data and a few hundred per
/// row group: 8 MiB covers series of a few 10⁹ points).
pub(crate) const HOLD: usize = 8 << 20;
/// Parts uploading at once.
const PARTS_IN_FLIGHT: usize = 2;

/// Chooses the object a multipart upload goes to, when the file first outgrows one PUT
/// (small files never need a name before the caller puts them in place).
pub(crate) type ChoosePath = Box<dyn FnOnce() -> Result<Path> + Send>;

/// One object being written.
pub(crate) struct Upload {
    bridge: Bridge,
    store: Arc<dyn ObjectStore>,
    url: String,
    held: Vec<u8>,
    sent: u64,
    /// Until the file outgrows one PUT.
    choose: Option<ChoosePath>,
    /// Once it has: the object the parts go to, and the upload.
    multipart: Option<(Path, WriteMultipart)>,
    /// The first failure: later writes fail with it too.
    failed: Option<String>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("path", &self.multipart.as_ref().map(|(p, _)| p))
            .field("sent", &self.sent)
            .field("held", &self.held.len())
            .finish()
    }
}

impl Upload {
    /// An upload to the store at `url`; `choose` names the object if parts must go up.
    pub(crate) fn new(
        bridge: &Bridge,
        store: &Arc<dyn ObjectStore>,
        url: &str,
        choose: ChoosePath,
    ) -> Self {
        Upload {
            bridge: bridge.clone(),
            store: Arc::clone(store),
            url: url.to_string(),
            held: Vec::new(),
            sent: 0,
            choose: Some(choose),
            multipart: None,
            failed: None,
        }
    }

    /// Sends what exceeds [`HOLD`], a part at a time.
    fn send_parts(&mut self) -> Result<()> {
        if self.held.len() < PART + HOLD {
            return Ok(());
        }
        if self.multipart.is_none() {
            let choose = self.choose.take().ok_or_else(|| {
                Error::invalid_input(format!("{}: an upload without a destination", self.url))
            })?;
            let path = choose()?;
            let (s, p) = (Arc::clone(&self.store), path.clone());
            let upload = self
                .bridge
                .run(async move { s.put_multipart(&p).await })
                .map_err(|e| from_store(&self.url, &path, e))?;
            self.multipart = Some((path, WriteMultipart::new_with_chunk_size(upload, PART)));
        }
        let n = (self.held.len() - HOLD) / PART * PART;
        let bridge = self.bridge.clone();
        let Some((path, wm)) = self.multipart.as_mut() else {
            return Ok(());
        };
        {
            let _in_runtime = bridge.enter();
            wm.put(Bytes::copy_from_slice(&self.held[..n]));
            futures::executor::block_on(wm.wait_for_capacity(PARTS_IN_FLIGHT))
        }
        .map_err(|e| from_store(&self.url, path, e))?;
        self.held.drain(..n);
        self.sent += n as u64;
        Ok(())
    }

    /// Seals the footer and finishes the upload: a small file stays in memory (to be put in
    /// place, conditionally or not, by the caller); a multipart upload is completed under its
    /// path.
    pub(crate) fn seal(mut self) -> Result<Sealed> {
        if let Some(f) = &self.failed {
            return Err(Error::Backend {
                backend: "object".into(),
                message: f.clone(),
                source: None,
            });
        }
        let len = self.sent + self.held.len() as u64;
        meteaudata_parquet::checksum::seal_tail(&mut self.held, len)
            .map_err(|e| Error::io(&self.url, e))?;
        let held = Bytes::from(std::mem::take(&mut self.held));
        match self.multipart.take() {
            None => Ok(Sealed::Bytes(held)),
            Some((path, mut wm)) => {
                let done = {
                    let _in_runtime = self.bridge.enter();
                    wm.put(held);
                    futures::executor::block_on(wm.finish())
                };
                done.map_err(|e| from_store(&self.url, &path, e))?;
                Ok(Sealed::Object(path))
            }
        }
    }
}

/// A finished data file: its bytes, or the object a multipart upload completed.
#[derive(Debug)]
pub(crate) enum Sealed {
    /// Small enough for one PUT.
    Bytes(Bytes),
    /// Uploaded in parts, complete under this name.
    Object(Path),
}

impl Sealed {
    /// Puts the file at `dest` as `mode` says: `Create` only if `dest` is free, `Update` only
    /// if it holds that version (else an `AlreadyExists` or `Precondition` error). A file
    /// completed under `dest` itself is there already; one completed elsewhere is copied
    /// (an `Update` of it is a plain copy: stores have no conditional copy but for creates).
    pub(crate) fn put(
        &self,
        bridge: &Bridge,
        store: &Arc<dyn ObjectStore>,
        dest: &Path,
        mode: PutMode,
    ) -> std::result::Result<(), object_store::Error> {
        let (s, to) = (Arc::clone(store), dest.clone());
        let create = matches!(mode, PutMode::Create);
        match self {
            Sealed::Bytes(bytes) => {
                let payload = PutPayload::from(bytes.clone());
                bridge
                    .run(async move { s.put_opts(&to, payload, PutOptions::from(mode)).await })
                    .map(|_| ())
            }
            Sealed::Object(from) if from == dest => Ok(()),
            Sealed::Object(from) => {
                let from = from.clone();
                bridge.run(async move {
                    if create {
                        s.copy_if_not_exists(&from, &to).await
                    } else {
                        s.copy(&from, &to).await
                    }
                })
            }
        }
    }
}

impl Write for Upload {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(f) = &self.failed {
            return Err(std::io::Error::other(f.clone()));
        }
        self.held.extend_from_slice(buf);
        if let Err(e) = self.send_parts() {
            self.failed = Some(e.to_string());
            return Err(std::io::Error::other(e.to_string()));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        // An unfinished upload leaves no object behind (and no parts billed).
        if let Some((path, wm)) = self.multipart.take() {
            let _in_runtime = self.bridge.enter();
            if let Err(e) = futures::executor::block_on(wm.abort()) {
                tracing::warn!(path = %path, error = %e, "cannot abort an unfinished multipart upload");
            }
        }
    }
}
