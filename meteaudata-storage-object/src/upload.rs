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

/// One object being written.
pub(crate) struct Upload {
    bridge: Bridge,
    store: Arc<dyn ObjectStore>,
    path: Path,
    url: String,
    held: Vec<u8>,
    sent: u64,
    multipart: Option<WriteMultipart>,
    /// The first failure: later writes fail with it too.
    failed: Option<String>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("path", &self.path)
            .field("sent", &self.sent)
            .field("held", &self.held.len())
            .finish()
    }
}

/// How the object is put in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Commit {
    /// Replacing whatever is there.
    Overwrite,
    /// Only if nothing is there (else `Conflict`).
    Create,
}

impl Upload {
    pub(crate) fn new(
        bridge: &Bridge,
        store: &Arc<dyn ObjectStore>,
        path: Path,
        url: &str,
    ) -> Self {
        Upload {
            bridge: bridge.clone(),
            store: Arc::clone(store),
            path,
            url: url.to_string(),
            held: Vec::new(),
            sent: 0,
            multipart: None,
            failed: None,
        }
    }

    /// The object being written.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Writes to `path` instead (possible until parts have gone up).
    pub(crate) fn set_path(&mut self, path: Path) -> Result<()> {
        if self.multipart.is_some() && path != self.path {
            return Err(Error::invalid_input(format!(
                "{}: parts of {} are uploaded already",
                path, self.path
            )));
        }
        self.path = path;
        Ok(())
    }

    /// Whether the object is going up in parts (so it cannot be put conditionally).
    pub(crate) fn is_multipart(&self) -> bool {
        self.multipart.is_some()
    }

    fn error(&self, e: object_store::Error) -> Error {
        from_store(&self.url, &self.path, e)
    }

    /// Sends what exceeds [`HOLD`], a part at a time.
    fn send_parts(&mut self) -> Result<()> {
        if self.held.len() < PART + HOLD {
            return Ok(());
        }
        if self.multipart.is_none() {
            let (s, p) = (Arc::clone(&self.store), self.path.clone());
            let upload = self
                .bridge
                .run(async move { s.put_multipart(&p).await })
                .map_err(|e| self.error(e))?;
            self.multipart = Some(WriteMultipart::new_with_chunk_size(upload, PART));
        }
        let n = (self.held.len() - HOLD) / PART * PART;
        let bridge = self.bridge.clone();
        let Some(wm) = self.multipart.as_mut() else {
            return Ok(());
        };
        {
            let _in_runtime = bridge.enter();
            wm.put(Bytes::copy_from_slice(&self.held[..n]));
            futures::executor::block_on(wm.wait_for_capacity(PARTS_IN_FLIGHT))
        }
        .map_err(|e| from_store(&self.url, &self.path, e))?;
        self.held.drain(..n);
        self.sent += n as u64;
        Ok(())
    }

    /// Seals the footer and puts the object in place.
    pub(crate) fn finish(mut self, commit: Commit) -> Result<()> {
        if let Some(f) = &self.failed {
            return Err(Error::Backend {
                backend: "object".into(),
                message: f.clone(),
                source: None,
            });
        }
        let len = self.sent + self.held.len() as u64;
        meteaudata_parquet::checksum::seal_tail(&mut self.held, len)
            .map_err(|e| Error::io(self.path.as_ref(), e))?;
        let held = Bytes::from(std::mem::take(&mut self.held));
        match self.multipart.take() {
            None => {
                let mode = match commit {
                    Commit::Overwrite => PutMode::Overwrite,
                    Commit::Create => PutMode::Create,
                };
                let (s, p) = (Arc::clone(&self.store), self.path.clone());
                self.bridge
                    .run(async move {
                        s.put_opts(&p, PutPayload::from(held), PutOptions::from(mode))
                            .await
                    })
                    .map_err(|e| self.error(e))?;
            }
            Some(mut wm) => {
                if commit == Commit::Create {
                    return Err(Error::invalid_input(format!(
                        "{}: a multipart upload cannot be conditional",
                        self.path
                    )));
                }
                let _in_runtime = self.bridge.enter();
                wm.put(held);
                futures::executor::block_on(wm.finish()).map_err(|e| self.error(e))?;
            }
        }
        Ok(())
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
        if let Some(wm) = self.multipart.take() {
            let _in_runtime = self.bridge.enter();
            if let Err(e) = futures::executor::block_on(wm.abort()) {
                tracing::warn!(path = %self.path, error = %e, "cannot abort an unfinished multipart upload");
            }
        }
    }
}
