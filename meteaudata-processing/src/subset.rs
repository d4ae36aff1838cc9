//! `subset(start, end, rank_based)`: keeps the rows between two labels (both inclusive) or
//! between two positions (end exclusive).
//!
//! * **By label** ([`Subset::by_label`]): rows whose label lies in `[start, end]`, with the
//!   [`Bound`] rules (a date-only end means the whole day; bounds need not be in the index; an
//!   open end is [`Bound::Open`]). A sorted index is cut by bisection (no copy); an unsorted one
//!   keeps, in stored order, every row inside the range. `start > end` gives an empty result.
//! * **By position** ([`Subset::by_position`]): Python's slice rules: start inclusive, end
//!   exclusive, negative positions count from the end, `None` is open, out-of-range positions are
//!   clipped.
//!
//! The index must hold datetimes or durations. The frequency is kept.
//!
//! ```
//! use meteaudata_core::{Index, Series, Transform};
//! use meteaudata_processing::Subset;
//! let ten_min: Vec<i64> = (0..6).map(|k| k * 600_000_000_000 + 1_577_836_800_000_000_000).collect();
//! let raw = Series::from_f64("A#1_RAW#1", Index::datetime_nanos(ten_min, None),
//!     vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0])?;
//! let by_label = Subset::by_label("2020-01-01 00:05", "2020-01-01 00:35").apply(&[raw.clone()])?;
//! assert_eq!(by_label[0].series.f64_values().unwrap().values(), &[1.0, 2.0, 3.0]);
//! let by_rank = Subset::by_position(Some(-3), Some(-1)).apply(&[raw])?;
//! assert_eq!(by_rank[0].series.f64_values().unwrap().values(), &[3.0, 4.0]);
//! assert_eq!(by_rank[0].series.name(), "A#1_SLICE");
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use arrow_array::UInt64Array;
use meteaudata_core::{
    ParameterValue, Parameters, ProcessingStep, ProcessingType, Result, Series, Transform,
    TransformOutput,
};

use crate::bounds::{select, Bound, Selection, Side};
use crate::common::per_input;
use crate::common::{builtin_info, require_time_index, slice_index, take_index, take_values};

/// Suffix of subset series.
pub const SUFFIX: &str = "SLICE";
const DESCRIPTION: &str = "A simple processing function that slices a series to given indices.";

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mode {
    Label(Bound, Bound),
    Position(Option<i64>, Option<i64>),
}

/// The `subset` built-in (see the [module docs](self)).
///
/// Records a [`ProcessingType::Resampling`] step (upstream has no "subset" type) with suffix
/// `SLICE` and the parameters `start_position`, `end_position` (as given: text stays text,
/// instants stay instants) and `rank_based`.
#[derive(Debug, Clone, PartialEq)]
pub struct Subset {
    mode: Mode,
}

impl Subset {
    /// A label slice `[start, end]`, both inclusive.
    pub fn by_label(start: impl Into<Bound>, end: impl Into<Bound>) -> Self {
        Subset {
            mode: Mode::Label(start.into(), end.into()),
        }
    }

    /// A positional slice `start..end` (Python rules: negatives from the end, clipped).
    pub fn by_position(start: Option<i64>, end: Option<i64>) -> Self {
        Subset {
            mode: Mode::Position(start, end),
        }
    }

    /// How rows are chosen.
    pub(crate) fn mode(&self) -> &Mode {
        &self.mode
    }

    fn parameters(&self) -> Parameters {
        let (s, e, rank) = match &self.mode {
            Mode::Label(s, e) => (s.to_parameter(), e.to_parameter(), false),
            Mode::Position(s, e) => (ParameterValue::from(*s), ParameterValue::from(*e), true),
        };
        Parameters::new()
            .with("start_position", s)
            .with("end_position", e)
            .with("rank_based", rank)
    }
}

/// Python's `slice(start, end).indices(len)` for step 1.
pub(crate) fn python_slice(len: usize, start: Option<i64>, end: Option<i64>) -> (usize, usize) {
    let n = len as i64;
    let fix = |p: Option<i64>, default: i64| match p {
        None => default,
        Some(p) if p < 0 => (p + n).max(0),
        Some(p) => p.min(n),
    };
    let s = fix(start, 0);
    let e = fix(end, n).max(s);
    (s as usize, e as usize)
}

/// Applies a selection to a series.
pub(crate) fn apply_selection(series: &Series, sel: &Selection) -> Result<Series> {
    match sel {
        Selection::Range(a, b) => {
            let len = b.saturating_sub(*a);
            Series::new(
                series.name(),
                slice_index(series.index(), *a, len)?,
                series.values().slice(*a, len),
            )
        }
        Selection::Positions(p) => {
            let positions = UInt64Array::from(p.clone());
            Series::new(
                series.name(),
                take_index(series.index(), &positions)?,
                take_values(series.values(), &positions)?,
            )
        }
    }
}

/// Subsets one series (the kernel of [`Subset`]); the result keeps the input's name.
pub fn subset_series(series: &Series, subset: &Subset) -> Result<Series> {
    const F: &str = "subset";
    require_time_index(series, F)?;
    let sel = match &subset.mode {
        Mode::Position(s, e) => {
            let (a, b) = python_slice(series.len(), *s, *e);
            Selection::Range(a, b)
        }
        Mode::Label(s, e) => {
            let lo = s.resolve(series.index(), Side::Lower, F)?;
            let hi = e.resolve(series.index(), Side::Upper, F)?;
            select(series.index(), lo.as_ref(), hi.as_ref())
        }
    };
    apply_selection(series, &sel)
}

impl Subset {
    /// The step recorded (before its inputs are named).
    pub(crate) fn step(&self) -> ProcessingStep {
        ProcessingStep::new(
            ProcessingType::Resampling,
            DESCRIPTION,
            builtin_info("subset"),
            SUFFIX,
        )
        .with_parameters(self.parameters())
    }
}

impl Transform for Subset {
    fn streaming(&self) -> Option<&dyn meteaudata_core::streaming::StreamTransform> {
        Some(self)
    }

    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
        per_input(inputs, self.step(), SUFFIX, |s| subset_series(s, self))
    }
}
