//! `replace_ranges(index_pairs, reason, replace_with)`: sets every value whose label lies in one
//! of the given ranges (both ends inclusive) to a constant.
//!
//! Ranges use the [`Bound`] rules of [`Subset`](crate::Subset)'s label mode and are applied in
//! order (a later range overwrites an earlier one). Any index kind with comparable labels works:
//! datetimes, durations, integers, floats, strings. On an unsorted index every row whose label is
//! in the range is replaced.
//!
//! Floats stay floats. Integers stay integers when the replacement is a whole number, and become
//! `float64` when it is NaN; a fractional replacement on integers, and any replacement on
//! booleans or strings, is an error.
//!
//! ```
//! use meteaudata_core::{Index, Series, Transform};
//! use meteaudata_processing::ReplaceRanges;
//! let raw = Series::from_f64("A#1_RAW#1", Index::datetime_nanos(vec![0, 10, 20, 30], None),
//!     vec![0.0, 1.0, 2.0, 3.0])?;
//! let t = |n| meteaudata_core::Timestamp { nanos: n, tz: None };
//! let out = ReplaceRanges::new([(t(10), t(20))], "sensor calibration").apply(&[raw])?;
//! let v = out[0].series.f64_values().unwrap();
//! assert!(v.value(1).is_nan() && v.value(2).is_nan());
//! assert_eq!((v.value(0), v.value(3)), (0.0, 3.0));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use arrow_array::{Array, ArrayRef, Float32Array, Float64Array, Int32Array, Int64Array};
use meteaudata_core::{
    Error, ParameterValue, Parameters, ProcessingStep, ProcessingType, Result, Series, Transform,
    TransformOutput,
};
use std::sync::Arc;

use crate::bounds::{select, Bound, Selection, Side};
use crate::common::builtin_info;
use crate::common::per_input;

/// Suffix of series with replaced ranges.
pub const SUFFIX: &str = "REPLACED-RANGES";
const DESCRIPTION: &str = "A function for replacing ranges of values with another (fixed) value.";

/// The `replace_ranges` built-in (see the [module docs](self)).
///
/// Records a [`ProcessingType::Filtering`] step with suffix `REPLACED-RANGES` and the parameters
/// `index_pairs` (the bounds as given), `reason` and `replace_with` (the text `"nan"` for NaN, as
/// upstream writes it, else the number).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplaceRanges {
    pairs: Vec<(Bound, Bound)>,
    reason: String,
    replace_with: f64,
}

impl ReplaceRanges {
    /// Replaces the values in each `(start, end)` range with NaN; `reason` is recorded.
    pub fn new<I, A, B>(pairs: I, reason: impl Into<String>) -> Self
    where
        I: IntoIterator<Item = (A, B)>,
        A: Into<Bound>,
        B: Into<Bound>,
    {
        ReplaceRanges {
            pairs: pairs
                .into_iter()
                .map(|(a, b)| (a.into(), b.into()))
                .collect(),
            reason: reason.into(),
            replace_with: f64::NAN,
        }
    }

    /// Replaces with `value` instead of NaN.
    pub fn with_value(mut self, value: f64) -> Self {
        self.replace_with = value;
        self
    }

    fn parameters(&self) -> Parameters {
        let pairs: Vec<ParameterValue> = self
            .pairs
            .iter()
            .map(|(a, b)| ParameterValue::List(vec![a.to_parameter(), b.to_parameter()]))
            .collect();
        let with = if self.replace_with.is_nan() {
            ParameterValue::from("nan")
        } else {
            ParameterValue::Float(self.replace_with)
        };
        Parameters::new()
            .with("index_pairs", ParameterValue::List(pairs))
            .with("reason", self.reason.as_str())
            .with("replace_with", with)
    }
}

fn assign<T: Copy>(out: &mut [T], sel: &Selection, v: T) {
    match sel {
        Selection::Range(a, b) => {
            for x in &mut out[*a..*b] {
                *x = v;
            }
        }
        Selection::Positions(p) => {
            for &i in p {
                out[i as usize] = v;
            }
        }
    }
}

/// Replaces the ranges of one series (the kernel of [`ReplaceRanges`]); the result keeps the
/// input's name and index.
pub fn replace_series(series: &Series, replace: &ReplaceRanges) -> Result<Series> {
    const F: &str = "replace_ranges";
    let index = series.index();
    let mut selections = Vec::with_capacity(replace.pairs.len());
    for (a, b) in &replace.pairs {
        let lo = a.resolve(index, Side::Lower, F)?;
        let hi = b.resolve(index, Side::Upper, F)?;
        selections.push(select(index, lo.as_ref(), hi.as_ref()));
    }
    let v = series.values();
    let r = replace.replace_with;
    let fill_f64 = |values: Vec<f64>| -> ArrayRef {
        let mut values = values;
        for s in &selections {
            assign(&mut values, s, r);
        }
        Arc::new(Float64Array::from(values))
    };
    let out: ArrayRef = if let Some(a) = v.as_any().downcast_ref::<Float64Array>() {
        fill_f64(a.iter().map(|x| x.unwrap_or(f64::NAN)).collect())
    } else if let Some(a) = v.as_any().downcast_ref::<Float32Array>() {
        let mut values: Vec<f32> = a.iter().map(|x| x.unwrap_or(f32::NAN)).collect();
        for s in &selections {
            assign(&mut values, s, r as f32);
        }
        Arc::new(Float32Array::from(values))
    } else if v.as_any().is::<Int64Array>() || v.as_any().is::<Int32Array>() {
        let ints: Vec<Option<i64>> = match v.as_any().downcast_ref::<Int64Array>() {
            Some(a) => a.iter().collect(),
            None => v
                .as_any()
                .downcast_ref::<Int32Array>()
                .map(|a| a.iter().map(|x| x.map(i64::from)).collect())
                .unwrap_or_default(),
        };
        if r.is_nan() || ints.iter().any(Option::is_none) {
            fill_f64(
                ints.iter()
                    .map(|x| x.map_or(f64::NAN, |i| i as f64))
                    .collect(),
            )
        } else if r.fract() != 0.0 || !r.is_finite() || r.abs() > 9.007_199_254_740_992e15 {
            return Err(Error::invalid_input(format!(
                "{F}: invalid value {r} for the integer values of series {:?}",
                series.name()
            )));
        } else {
            let mut values: Vec<i64> = ints.into_iter().map(|x| x.unwrap_or(0)).collect();
            for s in &selections {
                assign(&mut values, s, r as i64);
            }
            if v.as_any().is::<Int32Array>() && i32::try_from(r as i64).is_ok() {
                Arc::new(Int32Array::from_iter_values(
                    values.iter().map(|&x| x as i32),
                ))
            } else {
                Arc::new(Int64Array::from(values))
            }
        }
    } else {
        return Err(Error::invalid_input(format!(
            "{F}: cannot put {r} into the {} values of series {:?}",
            series.values_dtype(),
            series.name()
        )));
    };
    Series::new(series.name(), index.clone(), out)
}

impl ReplaceRanges {
    /// The step recorded (before its inputs are named).
    pub(crate) fn step(&self) -> ProcessingStep {
        ProcessingStep::new(
            ProcessingType::Filtering,
            DESCRIPTION,
            builtin_info("replace_ranges"),
            SUFFIX,
        )
        .with_parameters(self.parameters())
    }
}

impl Transform for ReplaceRanges {
    fn streaming(&self) -> Option<&dyn meteaudata_core::streaming::StreamTransform> {
        Some(self)
    }

    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
        per_input(inputs, self.step(), SUFFIX, |s| replace_series(s, self))
    }
}
