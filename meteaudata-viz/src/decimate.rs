//! Decimation: reducing a long series to what a picture of a given width can show: lines by
//! the extremes of each pixel column ([`min_max`]), markers by a stride that keeps their
//! apparent density ([`thin`]).
//!
//! The x range is cut into pixel columns. Within each column only the first, the lowest, the
//! highest and the last value are kept (in their original order), plus one gap marker when the
//! column holds a missing value. A line through the kept points looks the same as a line
//! through all of them at that width, and no extreme is lost: a single spike among ten million
//! points is still drawn.
//!
//! ```
//! use meteaudata_viz::decimate::min_max;
//! let xs: Vec<f64> = (0..100_000).map(f64::from).collect();
//! let mut ys: Vec<f64> = xs.iter().map(|x| (x / 1000.0).sin()).collect();
//! ys[54_321] = 42.0; // one spike
//! let kept = min_max(&xs, &ys, 0.0, 99_999.0, 500);
//! assert!(kept.len() <= 4 * 500);
//! assert!(kept.iter().any(|p| p.1 == 42.0));
//! ```

/// A point `(x, y)`; a NaN `y` is a gap that breaks the line.
pub type Point = (f64, f64);

/// Points per column below which nothing is dropped.
pub const KEEP_ALL_BELOW: usize = 4;

/// Reduces `(xs, ys)` to at most about four points per column over `[x_lo, x_hi]` split into
/// `columns` columns. Points whose `x` is not finite or lies outside `[x_lo, x_hi]` are
/// skipped; a NaN `y` is kept as one gap marker per column. When fewer than
/// `KEEP_ALL_BELOW × columns` points lie in the range, all of them are kept.
///
/// Points need not be sorted: a column is a run of consecutive points that fall in the same
/// pixel column, so unsorted data is reduced less but never wrongly.
pub fn min_max(xs: &[f64], ys: &[f64], x_lo: f64, x_hi: f64, columns: usize) -> Vec<Point> {
    let n = xs.len().min(ys.len());
    let columns = columns.max(1);
    let span = x_hi - x_lo;
    let inside = |x: f64| x.is_finite() && x >= x_lo && x <= x_hi;
    let in_range = xs[..n].iter().filter(|x| inside(**x)).count();
    if in_range <= KEEP_ALL_BELOW * columns || !span.is_finite() || span <= 0.0 {
        return xs
            .iter()
            .zip(ys)
            .take(n)
            .filter(|(x, _)| inside(**x))
            .map(|(x, y)| (*x, *y))
            .collect();
    }
    let scale = columns as f64 / span;
    let mut out = Vec::with_capacity(columns * 5);
    let mut bucket = Bucket::default();
    let mut current: Option<i64> = None;
    for i in 0..n {
        let x = xs[i];
        if !inside(x) {
            continue;
        }
        let c = (((x - x_lo) * scale).floor() as i64).clamp(0, columns as i64 - 1);
        if current != Some(c) {
            bucket.flush(xs, ys, &mut out);
            current = Some(c);
        }
        bucket.add(i, ys[i]);
    }
    bucket.flush(xs, ys, &mut out);
    out
}

/// The points of a markers-only trace to draw: every finite point of `[x_lo, x_hi]` while
/// there are at most `budget`, else every k-th of them (k the smallest stride that fits the
/// budget) plus the lowest and the highest point, so that no extreme is lost. Unlike
/// [`min_max`], which keeps the extremes of every column and so makes uniform noise look
/// bimodal once drawn as markers, a stride keeps the apparent density of the points. Returns
/// the points (in their original order) and how many finite points the range held.
///
/// ```
/// use meteaudata_viz::decimate::thin;
/// let xs: Vec<f64> = (0..1_000_000).map(f64::from).collect();
/// let mut ys: Vec<f64> = xs.iter().map(|x| (x * 7.3).sin()).collect();
/// ys[500_001] = 42.0; // one spike, between two kept points
/// let (shown, total) = thin(&xs, &ys, 0.0, 999_999.0, 6_000);
/// assert_eq!(total, 1_000_000);
/// assert_eq!(shown.len(), 5_989 + 2); // every 167th point, the lowest and the spike
/// assert!(shown.contains(&(500_001.0, 42.0)));
/// ```
pub fn thin(xs: &[f64], ys: &[f64], x_lo: f64, x_hi: f64, budget: usize) -> (Vec<Point>, usize) {
    let finite: Vec<usize> = (0..xs.len().min(ys.len()))
        .filter(|&i| xs[i].is_finite() && xs[i] >= x_lo && xs[i] <= x_hi && ys[i].is_finite())
        .collect();
    let total = finite.len();
    let stride = total.div_ceil(budget.max(1)).max(1);
    if stride == 1 {
        return (finite.iter().map(|&i| (xs[i], ys[i])).collect(), total);
    }
    let by_y = |a: &&usize, b: &&usize| ys[**a].total_cmp(&ys[**b]);
    let extremes = [
        finite.iter().min_by(by_y).copied(),
        finite.iter().max_by(by_y).copied(),
    ];
    let mut kept: Vec<usize> = finite.iter().step_by(stride).copied().collect();
    kept.extend(extremes.into_iter().flatten());
    kept.sort_unstable();
    kept.dedup();
    (kept.into_iter().map(|i| (xs[i], ys[i])).collect(), total)
}

/// The remarkable points of one column, as indexes.
#[derive(Default)]
struct Bucket {
    first: Option<usize>,
    last: Option<usize>,
    min: Option<(usize, f64)>,
    max: Option<(usize, f64)>,
    gap: Option<usize>,
}

impl Bucket {
    fn add(&mut self, i: usize, y: f64) {
        if y.is_nan() {
            self.gap.get_or_insert(i);
            return;
        }
        self.first.get_or_insert(i);
        self.last = Some(i);
        if self.min.is_none_or(|(_, m)| y < m) {
            self.min = Some((i, y));
        }
        if self.max.is_none_or(|(_, m)| y > m) {
            self.max = Some((i, y));
        }
    }

    fn flush(&mut self, xs: &[f64], ys: &[f64], out: &mut Vec<Point>) {
        let b = std::mem::take(self);
        let mut idx: Vec<usize> = [
            b.first,
            b.min.map(|m| m.0),
            b.max.map(|m| m.0),
            b.last,
            b.gap,
        ]
        .into_iter()
        .flatten()
        .collect();
        idx.sort_unstable();
        idx.dedup();
        for i in idx {
            let y = if Some(i) == b.gap { f64::NAN } else { ys[i] };
            // Never two gap markers in a row.
            if y.is_nan() && out.last().is_some_and(|p: &Point| p.1.is_nan()) {
                continue;
            }
            out.push((xs[i], y));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_series_are_kept_whole() {
        let xs = [0.0, 1.0, 2.0];
        let ys = [1.0, f64::NAN, 3.0];
        let kept = min_max(&xs, &ys, 0.0, 2.0, 10);
        assert_eq!(kept.len(), 3);
        assert!(kept[1].1.is_nan());
    }

    #[test]
    fn extremes_and_gaps_survive() {
        let n = 1_000_000;
        let xs: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut ys: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
        ys[123_456] = -1e9;
        ys[999_999] = 1e9;
        ys[500_000] = f64::NAN;
        let kept = min_max(&xs, &ys, 0.0, (n - 1) as f64, 800);
        assert!(kept.len() <= 800 * 5);
        assert!(kept.iter().any(|p| p.1 == -1e9));
        assert!(kept.iter().any(|p| p.1 == 1e9));
        assert_eq!(kept.iter().filter(|p| p.1.is_nan()).count(), 1);
        // Original order is kept.
        assert!(kept.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn degenerate_ranges_do_not_panic() {
        let xs = vec![5.0; 10_000];
        let ys = vec![1.0; 10_000];
        assert_eq!(min_max(&xs, &ys, 5.0, 5.0, 1).len(), 10_000);
        assert!(min_max(&xs, &ys, 6.0, 7.0, 1).is_empty());
        assert!(min_max(&[], &[], 0.0, 1.0, 0).is_empty());
    }
}
