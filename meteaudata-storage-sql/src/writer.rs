//! Chunked writes: the points are written as they arrive, in blocks of [`BLOCK_POINTS`] (a
//! partial block waits for the next chunk), under a negative *staging* id that no header has,
//! so no read ever sees them and no lock is held between chunks. The commit is one
//! transaction that writes the header, drops the previous points and moves the staged blocks
//! to the series' id; a writer dropped without commit deletes its staged blocks. Blocks left
//! by a process killed mid-write are removed by [`SqlBackend::remove_abandoned_writes`] (and
//! by `clear`).
//!
//! Series with categories (category values or a categorical index) are joined in memory and
//! saved at the commit: their stored layout depends on every chunk's categories.

use std::sync::atomic::{AtomicU64, Ordering};

use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{ChunkShape, SeriesWriter, StorageBackend, StorageKey};
use meteaudata_core::{Error, IndexData, Result, Series};

use crate::block::BLOCK_POINTS;
use crate::codec::Encoded;
use crate::layout::{appended_layout, Layout};
use crate::SqlBackend;

/// A staging id no other writer of this process (nor, almost surely, of another) uses.
pub(crate) fn staging_id() -> i64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut z = nanos
        ^ (u64::from(std::process::id()) << 32)
        ^ COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    -((z >> 1) as i64) - 1
}

/// The id a save writes its blocks under: microseconds since the epoch in the high bits
/// (ids grow with time, so a database appends new blocks at the end of the blocks' primary key
/// instead of splitting pages in its middle: random ids made SQLite saves half as fast again),
/// 11 random bits below. Series row ids are far smaller. Two saves that draw the same id
/// collide on the blocks' primary key, and the later one runs again with another.
pub(crate) fn fresh_blocks_id() -> i64 {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
        .clamp(1, (1 << 52) - 1);
    (micros << 11) | (staging_id() & 0x7ff)
}

fn categorical(s: &Series) -> bool {
    matches!(s.index().data(), IndexData::Categorical { .. })
        || matches!(
            s.values().data_type(),
            meteaudata_core::arrow_schema::DataType::Dictionary(_, _)
        )
}

/// What a writer staged, for its commit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Staged {
    /// The staging id the blocks are written under.
    pub id: i64,
    /// Points staged.
    pub points: i64,
    /// Whether the key must be free.
    pub create: bool,
    /// The content hash of the points staged.
    pub hash: meteaudata_core::ContentHash,
}

/// The SQL backend's [`SeriesWriter`].
pub(crate) struct SqlWriter<'a> {
    pub(crate) backend: &'a SqlBackend,
    pub(crate) key: StorageKey,
    pub(crate) staging: i64,
    pub(crate) shape: Option<ChunkShape>,
    /// The layout of the points pushed so far.
    pub(crate) layout: Option<Layout>,
    /// Points pushed but not written yet (less than a block).
    pub(crate) tail: Option<Series>,
    /// Points written under the staging id.
    pub(crate) written: i64,
    /// Series with categories: every chunk, saved at the commit.
    pub(crate) buffered: Option<Vec<Series>>,
    pub(crate) done: bool,
    /// The commit fails with `Conflict` if the key holds a value by then.
    pub(crate) create: bool,
    /// The content hash of the chunks pushed.
    pub(crate) hasher: meteaudata_core::ContentHasher,
}

impl<'a> SqlWriter<'a> {
    /// A writer of `key` (`create`: the commit fails with `Conflict` if the key holds a value).
    pub(crate) fn new(backend: &'a SqlBackend, key: &StorageKey, create: bool) -> Self {
        SqlWriter {
            backend,
            key: key.clone(),
            staging: staging_id(),
            shape: None,
            layout: None,
            tail: None,
            written: 0,
            buffered: None,
            done: false,
            create,
            hasher: meteaudata_core::ContentHasher::new(),
        }
    }

    /// Writes `points` under the staging id.
    fn stage(&mut self, points: &Series) -> Result<()> {
        if points.is_empty() {
            return Ok(());
        }
        self.backend
            .stage(self.key.as_str(), self.staging, self.written, points)?;
        self.written += points.len() as i64;
        Ok(())
    }
}

impl SeriesWriter for SqlWriter<'_> {
    fn push(&mut self, chunk: &Series) -> Result<()> {
        if self.shape.is_none() && categorical(chunk) {
            self.buffered = Some(Vec::new());
        }
        ChunkShape::track(&mut self.shape, chunk)?;
        self.hasher.update(chunk)?;
        if let Some(parts) = &mut self.buffered {
            parts.push(chunk.clone());
            return Ok(());
        }
        let enc = Encoded::new(chunk)?;
        self.layout = Some(match &self.layout {
            None => enc.layout.clone(),
            Some(l) => appended_layout(l, &enc.layout, chunk)?.ok_or_else(|| {
                Error::invalid_input(format!("{}: this chunk cannot be appended", self.key))
            })?,
        });
        let pending = match self.tail.take() {
            None => chunk.clone(),
            Some(t) => Series::concat(&[t, chunk.clone()])?,
        };
        let full = pending.len() / BLOCK_POINTS * BLOCK_POINTS;
        self.stage(&pending.slice(0, full))?;
        if full < pending.len() {
            self.tail = Some(pending.slice(full, pending.len() - full));
        }
        Ok(())
    }

    fn points(&self) -> u64 {
        self.shape.as_ref().map_or(0, ChunkShape::len)
    }

    fn commit(mut self: Box<Self>, metadata: &TimeSeriesMetadata) -> Result<()> {
        let shape = ChunkShape::pushed(&self.shape, &self.key)?.clone();
        shape.check_metadata(&self.key, metadata)?;
        if let Some(parts) = self.buffered.take() {
            self.done = true;
            let series = Series::concat(&parts)?;
            return if self.create {
                StorageBackend::create(self.backend, &self.key, &series, metadata)
            } else {
                StorageBackend::save(self.backend, &self.key, &series, metadata)
            };
        }
        if let Some(t) = self.tail.take() {
            self.stage(&t)?;
        }
        let layout = self
            .layout
            .clone()
            .ok_or_else(|| Error::invalid_input(format!("{}: no layout", self.key)))?;
        self.backend.commit_staged(
            &self.key,
            &shape,
            &layout,
            metadata,
            Staged {
                id: self.staging,
                points: self.written,
                create: self.create,
                hash: std::mem::take(&mut self.hasher).finish(),
            },
        )?;
        self.done = true;
        Ok(())
    }
}

impl Drop for SqlWriter<'_> {
    fn drop(&mut self) {
        if !self.done && self.written > 0 {
            if let Err(e) = self.backend.unstage(self.key.as_str(), self.staging) {
                tracing::warn!(key = %self.key, error = %e, "cannot remove the blocks of an abandoned write");
            }
        }
    }
}
