//! Points are stored in blocks: one row of the blocks table holds up to [`BLOCK_POINTS`]
//! consecutive points of one series as column arrays (`t`, `label`, `v`, `vi`, `vs`), with the
//! position of its first point (`pos0`), its number of points and, for datetime indexes, the
//! smallest and largest time it holds (`t_min`, `t_max`).
//!
//! A save writes about `n / BLOCK_POINTS` rows instead of `n`, so the database maintains a
//! few index entries per thousand points; a time window selects the blocks whose
//! `[t_min, t_max]` meets it (found by one range scan of the `(series_id, t_min, t_max)`
//! index, then read by primary key) and keeps the points inside it.

use meteaudata_core::{Error, Result};

use crate::codec::{Row, Rows};

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

/// Cuts `rows` into blocks of [`BLOCK_POINTS`], with their time bounds when `timed`.
pub(crate) fn spans(rows: &impl Rows, timed: bool) -> Vec<Span> {
    let n = rows.len();
    let mut out = Vec::with_capacity(n.div_ceil(BLOCK_POINTS));
    let mut start = 0;
    while start < n {
        let end = (start + BLOCK_POINTS).min(n);
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

/// A block read back: each used column holds one entry per point.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Block {
    pub pos0: i64,
    pub n: usize,
    pub t: Option<Vec<Option<i64>>>,
    pub label: Option<Vec<Option<String>>>,
    pub v: Option<Vec<Option<f64>>>,
    pub vi: Option<Vec<Option<i64>>>,
    pub vs: Option<Vec<Option<String>>>,
}

impl Block {
    /// Checks that every column holds `n` entries.
    pub(crate) fn checked(self, location: &str) -> Result<Self> {
        let lens = [
            ("t", self.t.as_ref().map(Vec::len)),
            ("label", self.label.as_ref().map(Vec::len)),
            ("v", self.v.as_ref().map(Vec::len)),
            ("vi", self.vi.as_ref().map(Vec::len)),
            ("vs", self.vs.as_ref().map(Vec::len)),
        ];
        for (name, len) in lens {
            if let Some(len) = len.filter(|&l| l != self.n) {
                return Err(Error::Corrupt {
                    location: location.to_string(),
                    message: format!(
                        "the block at position {} records {} points but its column {name} holds {len}",
                        self.pos0, self.n
                    ),
                });
            }
        }
        Ok(self)
    }
}

impl Rows for Block {
    fn len(&self) -> usize {
        self.n
    }

    fn row(&self, i: usize) -> Row<'_> {
        Row {
            t: self.t.as_ref().and_then(|c| c[i]),
            label: self.label.as_ref().and_then(|c| c[i].as_deref()),
            v: self.v.as_ref().and_then(|c| c[i]),
            vi: self.vi.as_ref().and_then(|c| c[i]),
            vs: self.vs.as_ref().and_then(|c| c[i].as_deref()),
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

    fn block(ts: Vec<Option<i64>>) -> Block {
        Block {
            pos0: 0,
            n: ts.len(),
            v: Some(ts.iter().map(|t| t.map(|x| x as f64)).collect()),
            t: Some(ts),
            ..Block::default()
        }
    }

    #[test]
    fn spans_cover_every_point_with_time_bounds() {
        let n = 2 * BLOCK_POINTS + 5;
        let b = block((0..n as i64).rev().map(Some).collect());
        let s = spans(&b, true);
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].start, s[0].end), (0, BLOCK_POINTS));
        assert_eq!((s[2].start, s[2].end, s[2].len()), (2 * BLOCK_POINTS, n, 5));
        // Descending times: the first block holds the largest.
        assert_eq!(s[0].t_max, Some(n as i64 - 1));
        assert_eq!(s[0].t_min, Some((n - BLOCK_POINTS) as i64));
        assert_eq!((s[2].t_min, s[2].t_max), (Some(0), Some(4)));
        assert!(spans(&block(vec![]), true).is_empty());
        // Untimed, or all-null times: no bounds.
        assert_eq!(spans(&b, false)[0].t_min, None);
        assert_eq!(spans(&block(vec![None, None]), true)[0].t_max, None);
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
        let e = bad.checked("k").unwrap_err();
        assert!(e.to_string().contains("column t holds 1"), "{e}");
    }
}
