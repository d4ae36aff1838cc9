//! Chunked access to stored series: [`SeriesScan`] reads the points of a key a chunk at a time,
//! [`SeriesWriter`] writes a series a chunk at a time and commits it atomically, and
//! [`ChunkShape`] checks that chunks join into one series and says what that series' metadata
//! is without ever holding it whole.
//!
//! ```
//! use meteaudata_core::storage::{MemoryBackend, StorageBackend, StorageKey, TimeRange};
//! use meteaudata_core::{Index, Series, TimeSeries};
//!
//! let backend = MemoryBackend::new();
//! let key: StorageKey = "demo/A#1/RAW#1".parse()?;
//! // Write 10 points in chunks of 4, 4 and 2; nothing is visible before the commit.
//! let mut writer = backend.writer(&key)?;
//! let mut shape = None;
//! for start in (0..10).step_by(4) {
//!     let n = 4.min(10 - start);
//!     let index = Index::datetime_nanos((start..start + n).map(|i| i as i64).collect(), None);
//!     let chunk = Series::from_f64("A#1_RAW#1", index, (start..start + n).map(|i| i as f64).collect())?;
//!     meteaudata_core::storage::ChunkShape::track(&mut shape, &chunk)?;
//!     writer.push(&chunk)?;
//! }
//! assert!(!backend.exists(&key)?);
//! let shape = shape.unwrap();
//! let meta = TimeSeries::new(Series::empty("A#1_RAW#1")).metadata();
//! let meta = shape.metadata(meta);
//! writer.commit(&meta)?;
//!
//! // Read it back three points at a time.
//! let scan = backend.scan(&key, TimeRange::default(), 3)?;
//! assert_eq!(scan.metadata().values_dtype, "float64");
//! let sizes: Vec<usize> = scan.map(|c| c.map(|s| s.len())).collect::<Result<_, _>>()?;
//! assert_eq!(sizes, [3, 3, 3, 1]);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use arrow_array::Array;
use arrow_schema::DataType;

use crate::index::IndexData;
use crate::metadata::TimeSeriesMetadata;
use crate::series::dtype_name;
use crate::series_ops::TimeRange;
use crate::storage::{StorageBackend, StorageKey};
use crate::{Error, Index, IndexMetadata, Result, Series};

/// Points per chunk when the caller has no better idea: 64 Ki points (1 MiB of floats).
pub const DEFAULT_CHUNK_POINTS: usize = 1 << 16;

/// The chunks of one stored series, in stored order, with the series' metadata document.
///
/// Each item is a [`Series`] of at most the requested number of points (a backend may yield
/// fewer, never more, and never an empty chunk, except a single empty one when there is no
/// point at all, so that the series' kind is known); concatenated, the chunks are what
/// [`StorageBackend::load_range`] (or `load`, for an open range) returns. An error ends the
/// scan: a damaged block or file is an error, never a shorter series.
pub struct SeriesScan<'a> {
    metadata: TimeSeriesMetadata,
    chunks: Box<dyn Iterator<Item = Result<Series>> + Send + 'a>,
    failed: bool,
    yielded: bool,
    empty: Option<Series>,
}

impl std::fmt::Debug for SeriesScan<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeriesScan")
            .field("values_dtype", &self.metadata.values_dtype)
            .finish_non_exhaustive()
    }
}

impl<'a> SeriesScan<'a> {
    /// A scan over `chunks` (what backends return).
    pub fn new(
        metadata: TimeSeriesMetadata,
        chunks: impl Iterator<Item = Result<Series>> + Send + 'a,
    ) -> Self {
        SeriesScan {
            metadata,
            chunks: Box::new(chunks),
            failed: false,
            yielded: false,
            empty: None,
        }
    }

    /// The chunks of a series already in memory (zero-copy slices): the points of `range`
    /// (every point for an open range, whatever the index kind), `chunk_points` at a time.
    pub fn from_series(
        series: Series,
        metadata: TimeSeriesMetadata,
        range: TimeRange,
        chunk_points: usize,
    ) -> Result<SeriesScan<'static>> {
        let chunk = checked_chunk(chunk_points)?;
        let series = match range.bounded() {
            None => series,
            Some(r) => series.time_window(r)?,
        };
        let n = series.len();
        let chunks = (0..n.max(1))
            .step_by(chunk)
            .map(move |at| Ok(series.slice(at, chunk)));
        Ok(SeriesScan::new(metadata, chunks))
    }

    /// The metadata document stored with the series.
    pub fn metadata(&self) -> &TimeSeriesMetadata {
        &self.metadata
    }

    /// Reads every remaining chunk and joins them (the whole series in memory); `None` when
    /// the scan yields no chunk at all.
    pub fn collect_series(self) -> Result<Option<Series>> {
        let parts = self.collect::<Result<Vec<_>>>()?;
        if parts.is_empty() {
            return Ok(None);
        }
        Series::concat(&parts).map(Some)
    }
}

impl Iterator for SeriesScan<'_> {
    type Item = Result<Series>;

    fn next(&mut self) -> Option<Result<Series>> {
        if self.failed {
            return None;
        }
        loop {
            match self.chunks.next() {
                None if self.yielded => return None,
                None => {
                    self.yielded = true;
                    return self.empty.take().map(Ok);
                }
                Some(Ok(s)) if s.is_empty() => {
                    if self.empty.is_none() {
                        self.empty = Some(s);
                    }
                }
                Some(Ok(s)) => {
                    self.yielded = true;
                    return Some(Ok(s));
                }
                Some(Err(e)) => {
                    self.failed = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

/// `chunk_points`, refusing 0.
pub fn checked_chunk(chunk_points: usize) -> Result<usize> {
    if chunk_points == 0 {
        return Err(Error::invalid_input(
            "a scan needs at least 1 point per chunk",
        ));
    }
    Ok(chunk_points)
}

/// Writes one series a chunk at a time. Nothing is visible under the key until
/// [`commit`](SeriesWriter::commit) succeeds, and then the whole series is, atomically, as a
/// [`save`](StorageBackend::save) would have made it; a writer dropped without a commit (or
/// whose commit fails) leaves the previous value untouched.
///
/// Chunks must join as [`Series::append`] joins them (same value type, same index kind and
/// zone); a chunk that does not is an [`InvalidInput`](crate::ErrorKind::InvalidInput) error
/// and the writer should then be dropped.
pub trait SeriesWriter: Send {
    /// Adds the points of `chunk` after those already pushed.
    fn push(&mut self, chunk: &Series) -> Result<()>;

    /// Points pushed so far.
    fn points(&self) -> u64;

    /// Makes the pushed points, with `metadata`, the value of the key. The metadata must
    /// describe the joined series (see [`ChunkShape::metadata`]).
    fn commit(self: Box<Self>, metadata: &TimeSeriesMetadata) -> Result<()>;
}

/// The writer every backend has by default: joins the chunks in memory and saves them at the
/// commit. Backends with [`Capabilities::streaming`](crate::storage::Capabilities::streaming)
/// replace it with one whose memory stays bounded.
pub struct BufferedWriter<'a, B: StorageBackend + ?Sized> {
    backend: &'a B,
    key: StorageKey,
    chunks: Vec<Series>,
    shape: Option<ChunkShape>,
    /// Commit with [`StorageBackend::create`] instead of `save`.
    create: bool,
}

impl<B: StorageBackend + ?Sized> std::fmt::Debug for BufferedWriter<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BufferedWriter")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl<'a, B: StorageBackend + ?Sized> BufferedWriter<'a, B> {
    /// A writer that saves into `backend` under `key` at the commit.
    pub fn new(backend: &'a B, key: &StorageKey) -> Self {
        BufferedWriter {
            backend,
            key: key.clone(),
            chunks: Vec::new(),
            shape: None,
            create: false,
        }
    }

    /// A writer that creates `key` at the commit ([`StorageBackend::create`]: `Conflict` if
    /// the key holds a value by then).
    pub fn creating(backend: &'a B, key: &StorageKey) -> Self {
        BufferedWriter {
            create: true,
            ..BufferedWriter::new(backend, key)
        }
    }
}

impl<B: StorageBackend + ?Sized> SeriesWriter for BufferedWriter<'_, B> {
    fn push(&mut self, chunk: &Series) -> Result<()> {
        ChunkShape::track(&mut self.shape, chunk)?;
        self.chunks.push(chunk.clone());
        Ok(())
    }

    fn points(&self) -> u64 {
        self.shape.as_ref().map_or(0, |s| s.len)
    }

    fn commit(self: Box<Self>, metadata: &TimeSeriesMetadata) -> Result<()> {
        if self.chunks.is_empty() {
            return Err(no_chunk(&self.key));
        }
        let series = Series::concat(&self.chunks)?;
        if self.create {
            self.backend.create(&self.key, &series, metadata)
        } else {
            self.backend.save(&self.key, &series, metadata)
        }
    }
}

/// The error of a commit with no chunk at all.
pub(crate) fn no_chunk(key: &StorageKey) -> Error {
    Error::invalid_input(format!(
        "{key}: a writer needs at least one chunk (an empty one is enough) to know the series' kind"
    ))
}

/// What the chunks pushed so far join into: checked as they arrive (same value type, same
/// index kind and zone, as [`Series::append`] requires), summarised without holding them.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkShape {
    /// An empty slice of the first chunk's index (kind, zone, name, frequency).
    first: Index,
    /// Name of the first chunk.
    name: String,
    /// While the chunks are contiguous ranges: (start, stop, step).
    range: Option<(i64, i64, i64)>,
    /// Whether the first chunk had a range index (a broken range becomes integers).
    ranged: bool,
    value_type: DataType,
    nulls: bool,
    len: u64,
}

impl ChunkShape {
    /// The shape of a first chunk.
    pub fn new(first: &Series) -> Self {
        let range = match first.index().data() {
            IndexData::Range { start, stop, step } => Some((*start, *stop, *step)),
            _ => None,
        };
        ChunkShape {
            first: first.index().slice(0, 0),
            name: first.name().to_string(),
            ranged: range.is_some(),
            range,
            value_type: first.values().data_type().clone(),
            nulls: first.values().null_count() > 0,
            len: first.len() as u64,
        }
    }

    /// The shape of the chunks a writer was given, or, when it was given none, the error of
    /// its commit.
    pub fn pushed<'s>(shape: &'s Option<ChunkShape>, key: &StorageKey) -> Result<&'s ChunkShape> {
        shape.as_ref().ok_or_else(|| no_chunk(key))
    }

    /// Checks that `metadata` describes the joined series, as [`check_save_input`](crate::storage::check_save_input) checks a
    /// series before a save (writers call it before their commit).
    pub fn check_metadata(&self, key: &StorageKey, metadata: &TimeSeriesMetadata) -> Result<()> {
        let probe = Series::new(
            self.name.clone(),
            self.index_kind().slice(0, 0),
            arrow_array::new_empty_array(&self.value_type),
        )?;
        crate::storage::check_save_input(key, &probe, metadata)
    }

    /// Starts (`None`) or extends a shape with `chunk`.
    pub fn track(shape: &mut Option<ChunkShape>, chunk: &Series) -> Result<()> {
        match shape {
            None => {
                *shape = Some(ChunkShape::new(chunk));
                Ok(())
            }
            Some(s) => s.push(chunk),
        }
    }

    /// Adds a chunk after the others; a chunk that cannot join is an
    /// [`InvalidInput`](crate::ErrorKind::InvalidInput) error and changes nothing.
    pub fn push(&mut self, chunk: &Series) -> Result<()> {
        if chunk.values().data_type() != &self.value_type {
            return Err(Error::invalid_input(format!(
                "cannot append {} values to a series of {} values",
                chunk.values().data_type(),
                self.value_type
            )));
        }
        let same_kind = match (self.first.data(), chunk.index().data()) {
            (IndexData::Range { .. } | IndexData::Int(_), IndexData::Range { .. })
            | (IndexData::Range { .. } | IndexData::Int(_), IndexData::Int(_)) => true,
            (IndexData::DateTime { tz: a, .. }, IndexData::DateTime { tz: b, .. }) => a == b,
            (IndexData::Float(_), IndexData::Float(_))
            | (IndexData::String(_), IndexData::String(_))
            | (IndexData::Timedelta(_), IndexData::Timedelta(_))
            | (IndexData::Period(_), IndexData::Period(_))
            | (IndexData::Categorical { .. }, IndexData::Categorical { .. }) => true,
            _ => false,
        };
        if !same_kind {
            return Err(Error::invalid_input(
                "cannot append a series with another index kind or zone",
            ));
        }
        self.range = match (self.range, chunk.index().data()) {
            (
                Some((start, stop, step)),
                IndexData::Range {
                    start: s2,
                    stop: e2,
                    step: st2,
                },
            ) if stop == *s2 && (step == *st2 || chunk.is_empty()) => {
                Some((start, if chunk.is_empty() { stop } else { *e2 }, step))
            }
            _ => None,
        };
        self.nulls |= chunk.values().null_count() > 0;
        self.len += chunk.len() as u64;
        Ok(())
    }

    /// The Arrow type of the values.
    pub fn value_type(&self) -> &DataType {
        &self.value_type
    }

    /// Points so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether no point was pushed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The name of the first chunk.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The index of the joined series, without labels: its kind, zone, name and frequency
    /// (a contiguous range keeps its bounds; a broken one becomes integer labels).
    pub fn index_kind(&self) -> Index {
        let data = match (self.range, self.ranged) {
            (Some((start, stop, step)), _) => Some(IndexData::Range { start, stop, step }),
            (None, true) => Some(IndexData::Int(arrow_array::Int64Array::from(
                Vec::<i64>::new(),
            ))),
            _ => None,
        };
        match data.and_then(|d| Index::new(d).ok()) {
            Some(mut i) => {
                i.set_name(self.first.name().map(str::to_string));
                i.set_frequency(self.first.frequency().map(str::to_string));
                i
            }
            None => self.first.clone(),
        }
    }

    /// What Python records about the joined index.
    pub fn index_metadata(&self) -> IndexMetadata {
        self.index_kind().metadata()
    }

    /// The pandas dtype of the joined values.
    pub fn values_dtype(&self) -> String {
        dtype_name(&self.value_type, self.nulls)
    }

    /// `base` with the joined series' index metadata and values dtype.
    pub fn metadata(&self, mut base: TimeSeriesMetadata) -> TimeSeriesMetadata {
        base.index_metadata = Some(self.index_metadata());
        base.values_dtype = self.values_dtype();
        base
    }
}

/// Runs `chunks` on a thread of its own, `depth` chunks ahead of the consumer, so that
/// decoding the next chunk overlaps with processing this one (backends whose chunk source owns
/// its input, such as a file reader, use it). Dropping the result stops the thread.
pub fn prefetched<I>(chunks: I, depth: usize) -> Prefetched
where
    I: Iterator<Item = Result<Series>> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(depth.max(1));
    let handle = std::thread::Builder::new()
        .name("meteaudata-scan".into())
        .spawn(move || {
            for item in chunks {
                let stop = item.is_err();
                if tx.send(item).is_err() || stop {
                    break;
                }
            }
        });
    match handle {
        Ok(h) => Prefetched {
            rx: Some(rx),
            handle: Some(h),
            failed: None,
        },
        Err(e) => Prefetched {
            rx: None,
            handle: None,
            failed: Some(Error::io("a scan thread", e)),
        },
    }
}

/// The chunks of a [`prefetched`] source.
#[derive(Debug)]
pub struct Prefetched {
    rx: Option<std::sync::mpsc::Receiver<Result<Series>>>,
    handle: Option<std::thread::JoinHandle<()>>,
    failed: Option<Error>,
}

impl Iterator for Prefetched {
    type Item = Result<Series>;

    fn next(&mut self) -> Option<Result<Series>> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        let item = self.rx.as_ref()?.recv().ok();
        if item.is_none() {
            // The source ended (or its thread died): a panic there is an error here.
            self.rx = None;
            if let Some(h) = self.handle.take() {
                if h.join().is_err() {
                    return Some(Err(Error::invalid_input(
                        "the scan thread stopped unexpectedly",
                    )));
                }
            }
        }
        item
    }
}

impl Drop for Prefetched {
    fn drop(&mut self) {
        // Closing the channel makes the thread's next send fail; wait for it to finish.
        self.rx = None;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
