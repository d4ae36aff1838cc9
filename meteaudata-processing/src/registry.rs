//! Built-ins by name: the transform a recorded [`ProcessingStep`] names, rebuilt from its
//! function name and parameters.
//!
//! This is how a history is replayed (the CLI's `replay`), and how callers that hold a function
//! name and parameters rather than Rust types (the Python wheel) run a built-in. Both the names
//! Python meteaudata records (`"Signal Averaging"`, `"linear interpolation"`) and the Python
//! function names are accepted.
//!
//! ```
//! use meteaudata_core::{Index, Parameters, ProcessingStep, ProcessingType, FunctionInfo, Series};
//! use meteaudata_processing::registry::{builtin, Builtin};
//! let params = Parameters::new().with("frequency", "2min");
//! let Some(Builtin::Univariate(t)) = builtin("resample", Some(&params))? else { unreachable!() };
//! let minute = 60_000_000_000;
//! let s = Series::from_f64("A#1_RAW#1", Index::datetime_nanos(vec![0, minute, 2 * minute], None), vec![1.0, 3.0, 5.0])?;
//! let out = t.apply(&[s])?;
//! assert_eq!(out[0].series.f64_values().unwrap().values(), &[2.0, 5.0]);
//! assert_eq!(out[0].steps[0].suffix, "RESAMPLED");
//! assert!(builtin("my_own_function", None)?.is_none());
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use crate::{
    AverageSignals, Bound, LinearInterpolation, NormalizeIndexToNumericDelta,
    PredictFromPreviousPoint, ReferenceTime, ReplaceRanges, Resample, Subset,
};
use meteaudata_core::{
    DatasetTransform, Error, ParameterValue, Parameters, ProcessingStep, Result, Transform,
};

fn bad(message: String) -> Error {
    Error::invalid_input(message)
}

/// A built-in, ready to run: univariate (a [`Transform`]) or multivariate (a
/// [`DatasetTransform`]). Every built-in is one of these two shapes.
pub enum Builtin {
    /// Works on series of one signal.
    Univariate(Box<dyn Transform>),
    /// Makes new signals from several signals.
    Multivariate(Box<dyn DatasetTransform>),
}

fn bound_from_value(v: Option<&ParameterValue>) -> Result<Bound> {
    Ok(match v {
        None | Some(ParameterValue::Null) => Bound::Open,
        Some(ParameterValue::String(s)) => Bound::Text(s.clone()),
        Some(ParameterValue::DateTime(t)) => Bound::Time(*t),
        Some(ParameterValue::Duration(d)) => Bound::Duration(*d),
        Some(ParameterValue::Int(i)) => Bound::Int(*i),
        Some(ParameterValue::Float(f)) => Bound::Float(*f),
        Some(other) => return Err(bad(format!("a recorded bound cannot be {other}"))),
    })
}

fn position(v: Option<&ParameterValue>) -> Result<Option<i64>> {
    match v {
        None | Some(ParameterValue::Null) => Ok(None),
        Some(ParameterValue::Int(i)) => Ok(Some(*i)),
        Some(other) => Err(bad(format!("a recorded position cannot be {other}"))),
    }
}

fn get<'a>(p: Option<&'a Parameters>, key: &str) -> Option<&'a ParameterValue> {
    p.and_then(|p| p.get(key))
}

/// The transform that recorded `step`, rebuilt from its function name and parameters; `None`
/// for a function that is not a built-in (a user's transform).
pub fn from_step(step: &ProcessingStep) -> Result<Option<Builtin>> {
    builtin(&step.function_info.name, step.parameters.as_ref())
}

/// The built-in called `name` with the parameters `p` (as a step records them); `None` when
/// `name` is not a built-in. Parameters that do not fit are
/// [`InvalidInput`](meteaudata_core::ErrorKind::InvalidInput).
pub fn builtin(name: &str, p: Option<&Parameters>) -> Result<Option<Builtin>> {
    let op = match name {
        "resample" => {
            let freq = get(p, "frequency")
                .and_then(ParameterValue::as_str)
                .ok_or_else(|| bad("resample step without a frequency".into()))?;
            Builtin::Univariate(Box::new(Resample::new(freq)?))
        }
        "linear interpolation" | "linear_interpolation" => {
            Builtin::Univariate(Box::new(LinearInterpolation))
        }
        "subset" => {
            let rank = get(p, "rank_based")
                .and_then(ParameterValue::as_bool)
                .unwrap_or(false);
            let subset = if rank {
                Subset::by_position(
                    position(get(p, "start_position"))?,
                    position(get(p, "end_position"))?,
                )
            } else {
                Subset::by_label(
                    bound_from_value(get(p, "start_position"))?,
                    bound_from_value(get(p, "end_position"))?,
                )
            };
            Builtin::Univariate(Box::new(subset))
        }
        "replace_ranges" => {
            let pairs = match get(p, "index_pairs") {
                Some(ParameterValue::List(items)) => items
                    .iter()
                    .map(|pair| match pair {
                        ParameterValue::List(two) if two.len() == 2 => Ok((
                            bound_from_value(Some(&two[0]))?,
                            bound_from_value(Some(&two[1]))?,
                        )),
                        other => Err(bad(format!("a recorded range must be a pair, got {other}"))),
                    })
                    .collect::<Result<Vec<_>>>()?,
                _ => return Err(bad("replace_ranges step without index_pairs".into())),
            };
            let reason = get(p, "reason")
                .and_then(ParameterValue::as_str)
                .unwrap_or("")
                .to_string();
            let mut r = ReplaceRanges::new(pairs, reason);
            if let Some(v) = get(p, "replace_with").and_then(ParameterValue::as_f64) {
                r = r.with_value(v);
            }
            Builtin::Univariate(Box::new(r))
        }
        "Previous point prediction" | "predict_from_previous_point" => {
            Builtin::Univariate(Box::new(PredictFromPreviousPoint))
        }
        "normalize_index_to_numeric_delta" | "normalize_index_to_timedelta" => {
            let unit = get(p, "unit")
                .and_then(ParameterValue::as_str)
                .unwrap_or("s");
            let mut n = NormalizeIndexToNumericDelta::new(unit)?;
            match get(p, "reference_time") {
                Some(ParameterValue::DateTime(t)) => n = n.with_reference(ReferenceTime::from(*t)),
                Some(ParameterValue::String(s)) => {
                    n = n.with_reference(ReferenceTime::from(s.as_str()))
                }
                _ => {}
            }
            Builtin::Univariate(Box::new(n))
        }
        "Signal Averaging" | "average_signals" => {
            let check = get(p, "check_units")
                .and_then(ParameterValue::as_bool)
                .unwrap_or(true);
            Builtin::Multivariate(Box::new(AverageSignals::new().check_units(check)))
        }
        _ => return Ok(None),
    };
    Ok(Some(op))
}
