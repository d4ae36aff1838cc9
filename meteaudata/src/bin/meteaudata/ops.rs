//! The built-in transforms, built from command-line arguments or from a recorded step.

use anyhow::{anyhow, bail, Result};
use meteaudata::processing::{
    AverageSignals, Bound, LinearInterpolation, NormalizeIndexToNumericDelta,
    PredictFromPreviousPoint, ReferenceTime, ReplaceRanges, Resample, Subset,
};
use meteaudata::{DatasetTransform, ParameterValue, Parameters, ProcessingStep, Transform};

/// A built-in, ready to run.
pub enum Op {
    /// Works on series of one signal.
    Univariate(Box<dyn Transform>),
    /// Makes new signals from several signals.
    Multivariate(Box<dyn DatasetTransform>),
}

/// A bound typed on the command line: a number when it parses as one, text otherwise.
pub fn bound_from_text(text: Option<&str>) -> Bound {
    match text {
        None => Bound::Open,
        Some(t) => match (t.parse::<i64>(), t.parse::<f64>()) {
            (Ok(i), _) => Bound::Int(i),
            (_, Ok(f)) => Bound::Float(f),
            _ => Bound::Text(t.to_string()),
        },
    }
}

fn bound_from_value(v: Option<&ParameterValue>) -> Result<Bound> {
    Ok(match v {
        None | Some(ParameterValue::Null) => Bound::Open,
        Some(ParameterValue::String(s)) => Bound::Text(s.clone()),
        Some(ParameterValue::DateTime(t)) => Bound::Time(*t),
        Some(ParameterValue::Duration(d)) => Bound::Duration(*d),
        Some(ParameterValue::Int(i)) => Bound::Int(*i),
        Some(ParameterValue::Float(f)) => Bound::Float(*f),
        Some(other) => bail!("a recorded bound cannot be {other}"),
    })
}

fn position(v: Option<&ParameterValue>) -> Result<Option<i64>> {
    match v {
        None | Some(ParameterValue::Null) => Ok(None),
        Some(ParameterValue::Int(i)) => Ok(Some(*i)),
        Some(other) => bail!("a recorded position cannot be {other}"),
    }
}

fn get<'a>(p: Option<&'a Parameters>, key: &str) -> Option<&'a ParameterValue> {
    p.and_then(|p| p.get(key))
}

/// The transform that recorded `step`, rebuilt from its function name and parameters; `None`
/// for a function that is not a built-in (a user's transform).
pub fn from_step(step: &ProcessingStep) -> Result<Option<Op>> {
    let p = step.parameters.as_ref();
    let name = step.function_info.name.as_str();
    let op = match name {
        "resample" => {
            let freq = get(p, "frequency")
                .and_then(ParameterValue::as_str)
                .ok_or_else(|| anyhow!("resample step without a frequency"))?;
            Op::Univariate(Box::new(Resample::new(freq)?))
        }
        "linear interpolation" | "linear_interpolation" => {
            Op::Univariate(Box::new(LinearInterpolation))
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
            Op::Univariate(Box::new(subset))
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
                        other => bail!("a recorded range must be a pair, got {other}"),
                    })
                    .collect::<Result<Vec<_>>>()?,
                _ => bail!("replace_ranges step without index_pairs"),
            };
            let reason = get(p, "reason")
                .and_then(ParameterValue::as_str)
                .unwrap_or("")
                .to_string();
            let mut r = ReplaceRanges::new(pairs, reason);
            if let Some(v) = get(p, "replace_with").and_then(ParameterValue::as_f64) {
                r = r.with_value(v);
            }
            Op::Univariate(Box::new(r))
        }
        "Previous point prediction" | "predict_from_previous_point" => {
            Op::Univariate(Box::new(PredictFromPreviousPoint))
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
            Op::Univariate(Box::new(n))
        }
        "Signal Averaging" | "average_signals" => {
            let check = get(p, "check_units")
                .and_then(ParameterValue::as_bool)
                .unwrap_or(true);
            Op::Multivariate(Box::new(AverageSignals::new().check_units(check)))
        }
        _ => return Ok(None),
    };
    Ok(Some(op))
}
