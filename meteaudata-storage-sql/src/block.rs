//! Points are stored in blocks: one row of the blocks table holds up to [`BLOCK_POINTS`]
//! consecutive points of one series as column arrays (`t`, `label`, `v`, `vi`, `vs`), with the
//! position of its first point (`pos0`), its number of points and, for datetime indexes, the
//! smallest and largest time it holds (`t_min`, `t_max`).
//!
//! A save writes about `n / BLOCK_POINTS` rows instead of `n`, so the database maintains a
//! few index entries per thousand points; a time window selects the blocks whose
//! `[t_min, t_max]` meets it (found by one range scan of the `(series_id, t_min, t_max)`
//! index, then read by primary key) and keeps the points inside it.

use arrow_array::{Array, Float64Array, Int64Array, StringArray};
use meteaudata_core::{Error, Result};

use crate::codec::{Columns, Row, Rows};
use crate::layout::{IndexKind, Layout};

/// Points per block (the last block of a save, or of an append, may hold fewer).
pub(crate) const BLOCK_POINTS: usize = 1024;

/// The points `start..end` of a series, written as one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    /// Smallest non-null time (datetime indexes only).
    pub t_min: Option<i64>,
    /// Largest non-null time (datetime indexes only).
    pub t_max: Option<i64>,
}

impl Span {
    /// Number of points.
    pub(crate) fn len(&self) -> usize {
        self.end - self.start
    }
}

/// Text bytes after which a block ends early, so that a block of long texts stays a few
/// MiB at most (MySQL's default packet limit is 16 MiB; SQLite and PostgreSQL fields 1 GB).
pub(crate) const BLOCK_TEXT_BYTES: usize = 1 << 20;

/// Most points a stored block may record: more is corrupt data (blocks are written with at
/// most [`BLOCK_POINTS`]; the margin leaves room to grow that).
pub(crate) const MAX_STORED_BLOCK_POINTS: usize = 1 << 16;

/// Cuts `rows` into blocks of [`BLOCK_POINTS`] (fewer when their text reaches
/// [`BLOCK_TEXT_BYTES`]), with their time bounds for a datetime index.
pub(crate) fn spans(rows: &impl Rows, layout: &Layout) -> Vec<Span> {
    let timed = layout.index.kind == IndexKind::Datetime;
    let cols = Columns::of(layout);
    let text = cols.label || cols.vs;
    let n = rows.len();
    let mut out = Vec::with_capacity(n.div_ceil(BLOCK_POINTS));
    let mut start = 0;
    while start < n {
        let mut end = (start + BLOCK_POINTS).min(n);
        if text {
            let mut bytes = 0;
            for i in start..end {
                let r = rows.row(i);
                bytes += r.label.map_or(0, str::len) + r.vs.map_or(0, str::len);
                if bytes >= BLOCK_TEXT_BYTES {
                    end = i + 1;
                    break;
                }
            }
        }
        let (mut t_min, mut t_max) = (None::<i64>, None::<i64>);
        if timed {
            for t in (start..end).filter_map(|i| rows.row(i).t) {
                t_min = Some(t_min.map_or(t, |m| m.min(t)));
                t_max = Some(t_max.map_or(t, |m| m.max(t)));
            }
        }
        out.push(Span {
            start,
            end,
            t_min,
            t_max,
        });
        start = end;
    }
    out
}

/// A block read back, its columns decoded in bulk into Arrow arrays (one entry per point;
/// NULL where the point has no entry in that column).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Block {
    pub pos0: i64,
    pub n: usize,
    pub t: Option<Int64Array>,
    pub label: Option<StringArray>,
    pub v: Option<Float64Array>,
    pub vi: Option<Int64Array>,
    pub vs: Option<StringArray>,
}

impl Block {
    /// Checks that the block holds between 1 and a sane number of points and that every
    /// column the series uses (`cols`) is there with one entry per point.
    pub(crate) fn checked(self, cols: Columns, location: &str) -> Result<Self> {
        let corrupt = |message: String| Error::Corrupt {
            location: location.to_string(),
            message,
        };
        if self.n == 0 || self.n > MAX_STORED_BLOCK_POINTS {
            return Err(corrupt(format!(
                "the block at position {} records {} points",
                self.pos0, self.n
            )));
        }
        // Positions `pos0 .. pos0 + n` must exist (every later `pos0 + i` is then exact).
        if self.pos0 < 0 || self.pos0.checked_add(self.n as i64).is_none() {
            return Err(corrupt(format!(
                "a block starts at the impossible position {}",
                self.pos0
            )));
        }
        let used = [
            ("t", cols.t, self.t.is_some()),
            ("label", cols.label, self.label.is_some()),
            ("v", cols.v, self.v.is_some()),
            ("vi", cols.vi, self.vi.is_some()),
            ("vs", cols.vs, self.vs.is_some()),
        ];
        if let Some((name, ..)) = used.iter().find(|(_, want, have)| *want && !*have) {
            return Err(corrupt(format!(
                "the block at position {} has no {name} column",
                self.pos0
            )));
        }
        let lens = [
            ("t", self.t.as_ref().map(Array::len)),
            ("label", self.label.as_ref().map(Array::len)),
            ("v", self.v.as_ref().map(Array::len)),
            ("vi", self.vi.as_ref().map(Array::len)),
            ("vs", self.vs.as_ref().map(Array::len)),
        ];
        for (name, len) in lens {
            if let Some(len) = len.filter(|&l| l != self.n) {
                return Err(corrupt(format!(
                    "the block at position {} records {} points but its column {name} holds {len}",
                    self.pos0, self.n
                )));
            }
        }
        Ok(self)
    }

    /// The runs `start..end` of points that lie in `window` (all points without one), in
    /// position order: one run for a block whose times are sorted.
    pub(crate) fn runs(
        &self,
        window: Option<meteaudata_core::storage::TimeRange>,
    ) -> Vec<(usize, usize)> {
        let Some(r) = window else {
            return vec![(0, self.n)];
        };
        let Some(t) = &self.t else {
            return Vec::new();
        };
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for i in 0..self.n {
            if t.is_valid(i) && r.contains(t.value(i)) {
                match runs.last_mut() {
                    Some(last) if last.1 == i => last.1 = i + 1,
                    _ => runs.push((i, i + 1)),
                }
            }
        }
        runs
    }
}

#[cfg(test)]
impl Block {
    /// The points of `rows` as one block at `pos0`, with the columns `cols`.
    pub(crate) fn of_rows(rows: &impl Rows, cols: Columns, pos0: i64) -> Block {
        let n = rows.len();
        let rows: Vec<Row<'_>> = (0..n).map(|i| rows.row(i)).collect();
        Block {
            pos0,
            n,
            t: cols.t.then(|| rows.iter().map(|r| r.t).collect()),
            label: cols.label.then(|| rows.iter().map(|r| r.label).collect()),
            v: cols.v.then(|| rows.iter().map(|r| r.v).collect()),
            vi: cols.vi.then(|| rows.iter().map(|r| r.vi).collect()),
            vs: cols.vs.then(|| rows.iter().map(|r| r.vs).collect()),
        }
    }
}

/// Entry `i` of `a`, `None` when NULL.
pub(crate) fn entry<T: arrow_array::ArrowPrimitiveType>(
    a: &arrow_array::PrimitiveArray<T>,
    i: usize,
) -> Option<T::Native> {
    a.is_valid(i).then(|| a.value(i))
}

/// Text entry `i` of `a`, `None` when NULL.
pub(crate) fn text(a: &StringArray, i: usize) -> Option<&str> {
    a.is_valid(i).then(|| a.value(i))
}

impl Rows for Block {
    fn len(&self) -> usize {
        self.n
    }

    fn row(&self, i: usize) -> Row<'_> {
        Row {
            t: self.t.as_ref().and_then(|c| entry(c, i)),
            label: self.label.as_ref().and_then(|c| text(c, i)),
            v: self.v.as_ref().and_then(|c| entry(c, i)),
            vi: self.vi.as_ref().and_then(|c| entry(c, i)),
            vs: self.vs.as_ref().and_then(|c| text(c, i)),
        }
    }
}

/// The points of `first` followed by those of `second`.
pub(crate) struct Chain<'a, A: Rows, B: Rows> {
    pub first: &'a A,
    pub second: &'a B,
}

impl<A: Rows, B: Rows> Rows for Chain<'_, A, B> {
    fn len(&self) -> usize {
        self.first.len() + self.second.len()
    }

    fn row(&self, i: usize) -> Row<'_> {
        let n = self.first.len();
        if i < n {
            self.first.row(i)
        } else {
            self.second.row(i - n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Encoded;
    use arrow_array::TimestampNanosecondArray;
    use meteaudata_core::{Index, IndexData, Series};

    fn block(ts: Vec<Option<i64>>) -> Block {
        Block {
            pos0: 0,
            n: ts.len(),
            v: Some(ts.iter().map(|t| t.map(|x| x as f64)).collect()),
            t: Some(ts.into()),
            ..Block::default()
        }
    }

    fn datetimes(ts: Vec<Option<i64>>) -> Series {
        let n = ts.len();
        let index = Index::new(IndexData::DateTime {
            values: TimestampNanosecondArray::from(ts),
            tz: None,
        })
        .unwrap();
        Series::from_f64("x", index, vec![1.0; n]).unwrap()
    }

    fn spans_of(s: &Series) -> Vec<Span> {
        let enc = Encoded::new(s).unwrap();
        spans(&enc, &enc.layout)
    }

    #[test]
    fn spans_cover_every_point_with_time_bounds() {
        let n = 2 * BLOCK_POINTS + 5;
        let desc = datetimes((0..n as i64).rev().map(Some).collect());
        let s = spans_of(&desc);
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].start, s[0].end), (0, BLOCK_POINTS));
        assert_eq!((s[2].start, s[2].end, s[2].len()), (2 * BLOCK_POINTS, n, 5));
        // Descending times: the first block holds the largest.
        assert_eq!(s[0].t_max, Some(n as i64 - 1));
        assert_eq!(s[0].t_min, Some((n - BLOCK_POINTS) as i64));
        assert_eq!((s[2].t_min, s[2].t_max), (Some(0), Some(4)));
        assert!(spans_of(&datetimes(vec![])).is_empty());
        // Not datetimes, or all-null times: no bounds.
        let ints = Series::from_f64("x", Index::range(3), vec![1.0; 3]).unwrap();
        assert_eq!(spans_of(&ints)[0].t_min, None);
        assert_eq!(spans_of(&datetimes(vec![None, None]))[0].t_max, None);
    }

    #[test]
    fn long_texts_end_blocks_early() {
        let long = "é".repeat(1000); // 2000 bytes
        let labels: Vec<String> = (0..1200).map(|i| format!("{i}{long}")).collect();
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let s = Series::from_f64("x", Index::strings(&refs), vec![1.0; 1200]).unwrap();
        let spans = spans_of(&s);
        // About 2000 bytes a label: a block ends once its text reaches 1 MiB.
        assert_eq!(spans[0].len(), 524);
        assert_eq!(spans.iter().map(Span::len).sum::<usize>(), 1200);
        assert!(spans.windows(2).all(|w| w[0].end == w[1].start));
    }

    #[test]
    fn runs_keep_the_points_of_a_window() {
        use meteaudata_core::storage::TimeRange;
        let b = block(vec![
            Some(5),
            Some(1),
            None,
            Some(2),
            Some(3),
            Some(9),
            Some(2),
        ]);
        assert_eq!(b.runs(None), vec![(0, 7)]);
        let w = TimeRange::new(Some(2), Some(6));
        // 5 | 1 NULL out | 2 3 | 9 out | 2
        assert_eq!(b.runs(Some(w)), vec![(0, 1), (3, 5), (6, 7)]);
        assert!(b.runs(Some(TimeRange::new(Some(10), None))).is_empty());
        assert_eq!(b.runs(Some(TimeRange::default())), vec![(0, 2), (3, 7)]);
    }

    #[test]
    fn chain_and_checks() {
        let a = block(vec![Some(1), None]);
        let b = block(vec![Some(7)]);
        let c = Chain {
            first: &a,
            second: &b,
        };
        assert_eq!(c.len(), 3);
        assert_eq!(c.row(1).t, None);
        assert_eq!(c.row(2).t, Some(7));
        assert_eq!(c.row(2).v, Some(7.0));
        let mut bad = block(vec![Some(1)]);
        bad.n = 2;
        let cols = Columns {
            t: true,
            label: false,
            v: true,
            vi: false,
            vs: false,
        };
        let e = bad.clone().checked(cols, "k").unwrap_err();
        assert!(e.to_string().contains("column t holds 1"), "{e}");
        // A column the series uses must be there.
        let e = block(vec![Some(1)])
            .checked(Columns { vi: true, ..cols }, "k")
            .unwrap_err();
        assert!(e.to_string().contains("no vi column"), "{e}");
        bad.n = 0;
        assert!(bad.clone().checked(cols, "k").is_err());
        bad.n = 1 << 20;
        assert!(bad.checked(cols, "k").is_err());
        for pos0 in [-1, i64::MAX] {
            let mut far = block(vec![Some(1)]);
            far.pos0 = pos0;
            assert!(far.checked(cols, "k").is_err(), "{pos0}");
        }
        assert!(block(vec![Some(1)]).checked(cols, "k").is_ok());
    }
}
