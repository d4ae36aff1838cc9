//! Where the bytes of a data file come from: a local file ([`FileSource`]) or anything else
//! that can read a range of bytes at an offset (an object in a store, fetched by ranged GETs;
//! a buffer in memory, [`BytesSource`]).
//!
//! Readers ask for the ranges they need (the footer, then the row groups a window meets), so
//! a remote source transfers only those.

use bytes::Bytes;
use std::fmt::Debug;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

use meteaudata_core::{Error, Result};

/// Random access to the bytes of one data file of known length.
pub trait ReadAt: Send + Sync + Debug {
    /// The length in bytes.
    fn len(&self) -> u64;

    /// Whether the file is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Exactly `len` bytes from `offset` (an error if they are not all there).
    fn read_at(&self, offset: u64, len: usize) -> io::Result<Bytes>;

    /// What errors name: a path or a URL (never with secrets).
    fn location(&self) -> &str;
}

/// A regular local file.
#[derive(Debug)]
pub struct FileSource {
    file: File,
    len: u64,
    location: String,
}

impl FileSource {
    /// Opens `path`. A FIFO, socket or device named like a data file would block or stream
    /// forever: only regular files are opened (anything else is `Corrupt`).
    pub fn open(path: &Path) -> Result<Self> {
        let kind = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if !kind.is_file() {
            return Err(Error::Corrupt {
                location: path.display().to_string(),
                message: "not a regular file".into(),
            });
        }
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        Ok(FileSource {
            file,
            len,
            location: path.display().to_string(),
        })
    }
}

impl ReadAt for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, len: usize) -> io::Result<Bytes> {
        let mut buf = vec![0u8; len];
        self.file.read_exact_at(&mut buf, offset)?;
        Ok(buf.into())
    }

    fn location(&self) -> &str {
        &self.location
    }
}

/// A data file held in memory.
#[derive(Debug, Clone)]
pub struct BytesSource {
    bytes: Bytes,
    location: String,
}

impl BytesSource {
    /// `bytes`, named `location` in errors.
    pub fn new(bytes: impl Into<Bytes>, location: impl Into<String>) -> Self {
        BytesSource {
            bytes: bytes.into(),
            location: location.into(),
        }
    }
}

impl ReadAt for BytesSource {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read_at(&self, offset: u64, len: usize) -> io::Result<Bytes> {
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        match start.checked_add(len) {
            Some(end) if end <= self.bytes.len() => Ok(self.bytes.slice(start..end)),
            _ => Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "bytes {offset}..+{len} are past the end ({})",
                    self.bytes.len()
                ),
            )),
        }
    }

    fn location(&self) -> &str {
        &self.location
    }
}
