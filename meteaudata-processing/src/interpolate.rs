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

impl Transform for LinearInterpolation {
    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
        let step = ProcessingStep::new(
            ProcessingType::GapFilling,
            DESCRIPTION,
            builtin_info("linear interpolation"),
            SUFFIX,
        )
        .with_parameters(Parameters::new());
        per_input(inputs, step, SUFFIX, |s| {
            require_time_index(s, "linear_interpolation")?;
            interpolate_series(s)
        })
    }
}

/// Interpolates one series (the kernel of [`LinearInterpolation`], any index kind); the result
/// keeps the input's name and index.
pub fn interpolate_series(series: &Series) -> Result<Series> {
    let v = series.values();
    let unchanged = v.null_count() == 0
        && (v.as_any().is::<Int64Array>()
            || v.as_any().is::<Int32Array>()
            || v.as_any().is::<BooleanArray>());
    if unchanged {
        return Ok(series.clone());
    }
    let mut values = float_values(series, "linear_interpolation")
        .map_err(|_| {
            Error::invalid_input(format!(
                "linear_interpolation: cannot interpolate series {:?} with {} values",
                series.name(),
                series.values_dtype()
            ))
        })?
        .into_owned();
    interpolate_in_place(&mut values);
    let out: ArrayRef = if v.as_any().is::<Float32Array>() {
        Arc::new(Float32Array::from_iter_values(
            values.iter().map(|&x| x as f32),
        ))
    } else {
        Arc::new(arrow_array::Float64Array::from(values))
    };
    Series::new(series.name(), series.index().clone(), out)
}

/// Fills NaN runs in one pass: interior runs on the line between their neighbours (numpy's
/// `interp` formula, evaluated from the left point and, when that gives NaN, from the right
/// one), trailing runs with the last valid value; leading runs stay NaN.
pub fn interpolate_in_place(values: &mut [f64]) {
    let mut last: Option<usize> = None;
    let n = values.len();
    let mut i = 0;
    while i < n {
        if values[i].is_nan() {
            i += 1;
            continue;
        }
        if let Some(l) = last {
            if i > l + 1 {
                let (x0, y0) = (l as f64, values[l]);
                let (x1, y1) = (i as f64, values[i]);
                let slope = (y1 - y0) / (x1 - x0);
                for (j, slot) in values.iter_mut().enumerate().take(i).skip(l + 1) {
                    let x = j as f64;
                    let mut r = slope * (x - x0) + y0;
                    if r.is_nan() {
                        r = slope * (x - x1) + y1;
                        if r.is_nan() && y0 == y1 {
                            r = y0;
                        }
                    }
                    *slot = r;
                }
            }
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
