//! `linear_interpolation()`: fills missing values linearly **by position**.
//!
//! The semantics are pandas' default `interpolate()` (method "linear"):
//!
//! * points are treated as equally spaced by position: the timestamps are ignored, and the
//!   stored order is used as it is (an unsorted index is not sorted first);
//! * each run of missing values between two valid values is filled on the straight line between
//!   them;
//! * missing values after the last valid value take that value; missing values before the first
//!   valid value stay missing;
//! * infinities propagate into the adjacent gap as numpy's `interp` does.
//!
//! Floats stay floats (`float32` stays `float32`); integers and booleans without missing values
//! are returned unchanged; integers with missing values become `float64`. Strings and
//! categories are an error.
//!
//! ```
//! use meteaudata_core::{Index, Series, Transform};
//! use meteaudata_processing::LinearInterpolation;
//! let nan = f64::NAN;
//! let raw = Series::from_f64("A#1_RAW#1", Index::datetime_nanos((0..5).collect(), None),
//!     vec![nan, 1.0, nan, 3.0, nan])?;
//! let out = LinearInterpolation.apply(&[raw])?;
//! let v = out[0].series.f64_values().unwrap();
//! assert!(v.value(0).is_nan());
//! assert_eq!(&v.values()[1..], &[1.0, 2.0, 3.0, 3.0]);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use arrow_array::{Array, ArrayRef, BooleanArray, Float32Array, Int32Array, Int64Array};
use meteaudata_core::{
    Error, Parameters, ProcessingStep, ProcessingType, Result, Series, Transform, TransformOutput,
};
use std::sync::Arc;

use crate::common::per_input;
use crate::common::{builtin_info, float_values, require_time_index};

/// Suffix of interpolated series.
pub const SUFFIX: &str = "LIN-INT";
const DESCRIPTION: &str = "A simple processing function that linearly interpolates a series";

/// The `linear_interpolation` built-in (see the [module docs](self)).
///
/// Records a [`ProcessingType::GapFilling`] step with suffix `LIN-INT` and an empty parameter
/// record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinearInterpolation;

impl LinearInterpolation {
    /// The step recorded (before its inputs are named).
    pub(crate) fn step(&self) -> ProcessingStep {
        ProcessingStep::new(
            ProcessingType::GapFilling,
            DESCRIPTION,
            builtin_info("linear interpolation"),
            SUFFIX,
        )
        .with_parameters(Parameters::new())
    }
}

impl Transform for LinearInterpolation {
    fn streaming(&self) -> Option<&dyn meteaudata_core::streaming::StreamTransform> {
        Some(self)
    }

    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
        per_input(inputs, self.step(), SUFFIX, |s| {
            require_time_index(s, "linear_interpolation")?;
            interpolate_series(s)
        })
    }
}

/// Interpolates one series (the kernel of [`LinearInterpolation`], any index kind); the result
/// keeps the input's name and index. Float values with nothing to fill are returned as they are
/// (no copy).
pub fn interpolate_series(series: &Series) -> Result<Series> {
    let v = series.values();
    let unchanged = v.null_count() == 0
        && (v.as_any().is::<Int64Array>()
            || v.as_any().is::<Int32Array>()
            || v.as_any().is::<BooleanArray>());
    if unchanged {
        return Ok(series.clone());
    }
    let input = input_values(series)?;
    let values = match interpolated_if_missing(&input) {
        Some(filled) => filled,
        // Floats without NaN: returned as they are.
        None if v.as_any().is::<arrow_array::Float64Array>() && v.null_count() == 0 => {
            return Ok(series.clone())
        }
        None => input.into_owned(),
    };
    let out = output_values(values, v.as_any().is::<Float32Array>());
    Series::new(series.name(), series.index().clone(), out)
}

/// The values to interpolate as `f64` (missing as NaN); text and categories are an error.
pub(crate) fn input_values(series: &Series) -> Result<std::borrow::Cow<'_, [f64]>> {
    float_values(series, "linear_interpolation").map_err(|_| {
        Error::invalid_input(format!(
            "linear_interpolation: cannot interpolate series {:?} with {} values",
            series.name(),
            series.values_dtype()
        ))
    })
}

/// Interpolated values as the output holds them: `float32` stays `float32`.
pub(crate) fn output_values(values: Vec<f64>, float32: bool) -> ArrayRef {
    if float32 {
        Arc::new(Float32Array::from_iter_values(
            values.iter().map(|&x| x as f32),
        ))
    } else {
        Arc::new(arrow_array::Float64Array::from(values))
    }
}

/// One run of missing values between two valid values `d` positions apart: the value at
/// offset `k` from the left one is numpy's `interp` formula, evaluated from the left point
/// and, when that gives NaN (infinities), from the right one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Gap {
    y0: f64,
    y1: f64,
    d: f64,
    slope: f64,
}

impl Gap {
    /// The gap from `y0` to `y1`, `d` positions apart.
    pub(crate) fn new(y0: f64, y1: f64, d: usize) -> Self {
        let d = d as f64;
        Gap {
            y0,
            y1,
            d,
            slope: (y1 - y0) / d,
        }
    }

    /// The filled value `k` positions after the left point.
    #[inline]
    pub(crate) fn at(&self, k: usize) -> f64 {
        let x = k as f64;
        let mut r = self.slope * x + self.y0;
        if r.is_nan() {
            r = self.slope * (x - self.d) + self.y1;
            if r.is_nan() && self.y0 == self.y1 {
                r = self.y0;
            }
        }
        r
    }
}

/// Values per block of the copying pass: a block is copied, then scanned while it is still in
/// the first-level cache.
const BLOCK: usize = 512;
/// Values tested at once for NaN (one vector compare).
const LANES: usize = 8;

/// Whether any value of `v` is NaN, without branching per value (vectorises).
#[inline]
fn any_nan(v: &[f64]) -> bool {
    v.iter().fold(false, |acc, x| acc | x.is_nan())
}

/// `values` with their NaN runs filled as [`interpolate_in_place`] fills them, or `None` when
/// no value is NaN (nothing is copied then).
///
/// One pass: blocks are tested for NaN until the first one holding a NaN, the clean prefix is
/// copied at once, and from there each block is copied and then scanned while it is still in
/// cache, eight values per compare; only the values of a run are written twice.
pub fn interpolated_if_missing(values: &[f64]) -> Option<Vec<f64>> {
    let first = values.chunks(BLOCK).position(any_nan)? * BLOCK;
    let mut out = Vec::with_capacity(values.len());
    out.extend_from_slice(&values[..first]);
    // The last valid position seen and whether positions after it (up to the current one) are
    // NaN, i.e. a run is open.
    let mut last: Option<usize> = first.checked_sub(1);
    for block in values[first..].chunks(BLOCK) {
        let base = out.len();
        out.extend_from_slice(block);
        let mut i = base;
        for group in block.chunks(LANES) {
            if !any_nan(group) {
                if let Some(l) = last.filter(|&l| i > l + 1) {
                    fill_run(&mut out, l, i);
                }
                i += group.len();
                last = Some(i - 1);
                continue;
            }
            for &y in group {
                if !y.is_nan() {
                    if let Some(l) = last.filter(|&l| i > l + 1) {
                        fill_run(&mut out, l, i);
                    }
                    last = Some(i);
                }
                i += 1;
            }
        }
    }
    if let Some(l) = last {
        let y = out[l];
        out[l + 1..].fill(y);
    }
    Some(out)
}

/// `values` with their NaN runs filled as [`interpolate_in_place`] fills them (a copy even when
/// nothing is missing; see [`interpolated_if_missing`]).
pub fn interpolated(values: &[f64]) -> Vec<f64> {
    interpolated_if_missing(values).unwrap_or_else(|| values.to_vec())
}

/// Fills the run `l + 1 .. r` between the valid values at `l` and `r`.
#[inline]
fn fill_run(values: &mut [f64], l: usize, r: usize) {
    let gap = Gap::new(values[l], values[r], r - l);
    for (k, slot) in values[l + 1..r].iter_mut().enumerate() {
        *slot = gap.at(k + 1);
    }
}

/// Fills NaN runs in one pass: interior runs on the line between their neighbours (numpy's `interp`),
/// trailing runs with the last valid value; leading runs stay NaN.
pub fn interpolate_in_place(values: &mut [f64]) {
    let mut last: Option<usize> = None;
    let n = values.len();
    let mut i = 0;
    while i < n {
        if values[i].is_nan() {
            i += 1;
            continue;
        }
        if let Some(l) = last.filter(|&l| i > l + 1) {
            fill_run(values, l, i);
        }
        last = Some(i);
        i += 1;
    }
    if let Some(l) = last {
        let y = values[l];
        for slot in &mut values[l + 1..] {
            *slot = y;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copying_pass_fills_as_the_in_place_one() {
        let nan = f64::NAN;
        let cases: Vec<Vec<f64>> = vec![
            vec![],
            vec![nan, nan],
            vec![nan, 1.0, nan, nan, 4.0, nan],
            vec![
                f64::INFINITY,
                nan,
                1.0,
                nan,
                f64::NEG_INFINITY,
                nan,
                f64::INFINITY,
            ],
            vec![2.0, nan, 2.0, -0.0, nan, nan, 1e300, nan, -1e300],
        ];
        for c in cases {
            let mut a = c.clone();
            interpolate_in_place(&mut a);
            let b = interpolated(&c);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "{c:?}");
        }
    }
}
