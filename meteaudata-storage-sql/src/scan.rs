//! Chunked reads: a scan reads the header once, then a few blocks per query, in position
//! order, each query on its own pooled connection. Memory holds one query's blocks (about
//! `chunk_points`, at least one block). Every query first checks that the series is still
//! the one the scan started on; a save, append or delete in between ends the scan with a
//! [`Conflict`](meteaudata_core::ErrorKind::Conflict) error instead of mixing two versions.

use std::collections::VecDeque;

use meteaudata_core::storage::TimeRange;
use meteaudata_core::{Result, Series};

use crate::block::BLOCK_POINTS;
use crate::ops::{ScanCursor, ScanStart};
use crate::SqlBackend;

/// The chunks of one stored series.
pub(crate) struct SqlScan<'a> {
    pub(crate) backend: &'a SqlBackend,
    pub(crate) key: String,
    pub(crate) start: ScanStart,
    pub(crate) cursor: ScanCursor,
    pub(crate) range: Option<TimeRange>,
    pub(crate) chunk: usize,
    /// Decoded points not yet handed out.
    pub(crate) pending: VecDeque<Series>,
    pub(crate) done: bool,
    /// Whether any point was handed out (an empty series yields one empty chunk).
    pub(crate) yielded: bool,
}

impl SqlScan<'_> {
    /// Blocks per query: enough for one chunk.
    fn blocks(&self) -> usize {
        self.chunk.div_ceil(BLOCK_POINTS).clamp(1, 256)
    }
}

impl Iterator for SqlScan<'_> {
    type Item = Result<Series>;

    fn next(&mut self) -> Option<Result<Series>> {
        loop {
            if let Some(front) = self.pending.pop_front() {
                if front.len() > self.chunk {
                    let rest = front.slice(self.chunk, front.len() - self.chunk);
                    self.pending.push_front(rest);
                    self.yielded = true;
                    return Some(Ok(front.slice(0, self.chunk)));
                }
                if front.is_empty() {
                    continue;
                }
                self.yielded = true;
                return Some(Ok(front));
            }
            if self.done {
                return None;
            }
            let blocks = self.blocks();
            match self.backend.scan_part(
                &self.key,
                &self.start,
                &mut self.cursor,
                self.range,
                blocks,
            ) {
                Ok(Some(s)) => self.pending.push_back(s),
                Ok(None) => {
                    self.done = true;
                    if !self.yielded {
                        self.yielded = true;
                        return Some(
                            crate::codec::Decoder::new(&self.start.layout, &self.key, 0, false)
                                .finish_part(&self.start.header.series_name, 0),
                        );
                    }
                    return None;
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}
