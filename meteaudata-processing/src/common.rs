//! Helpers shared by the built-ins: function identity, output names, index checks, value
//! extraction and index slicing.

use arrow_array::{
    Array, ArrayRef, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array, UInt64Array,
};
use meteaudata_core::naming::SeriesName;
use meteaudata_core::{Error, FunctionInfo, Index, IndexData, Result, Series};
use std::borrow::Cow;
use std::sync::Arc;

/// Author recorded in the [`FunctionInfo`] of every built-in.
pub const AUTHOR: &str = env!("CARGO_PKG_AUTHORS");
/// Reference recorded in the [`FunctionInfo`] of every built-in.
pub const REFERENCE: &str = env!("CARGO_PKG_REPOSITORY");

/// The [`FunctionInfo`] of a built-in: its name, this crate's version, [`AUTHOR`] and
/// [`REFERENCE`].
pub fn builtin_info(name: &str) -> FunctionInfo {
    FunctionInfo::new(name, env!("CARGO_PKG_VERSION"), AUTHOR, REFERENCE)
}

/// `<signal part of input>_<suffix>`, or just `<suffix>` when the input has no signal part.
pub(crate) fn output_name(input: &str, suffix: &str) -> String {
    let signal = SeriesName::parse(input).signal;
    if signal.is_empty() {
        suffix.to_string()
    } else {
        format!("{signal}_{suffix}")
    }
}

/// The pandas class name of an index kind, for messages and parameters.
pub(crate) fn index_type(index: &Index) -> String {
    index.metadata().index_type
}

/// Fails unless the index holds datetimes or durations.
pub(crate) fn require_time_index(series: &Series, function: &str) -> Result<()> {
    match series.index().data() {
        IndexData::DateTime { .. } | IndexData::Timedelta(_) => Ok(()),
        _ => Err(Error::invalid_input(format!(
            "{function}: series {:?} has index type {}; please provide a DatetimeIndex or a TimedeltaIndex",
            series.name(),
            index_type(series.index())
        ))),
    }
}

/// The instants (or durations) of a time index as raw `i64` nanoseconds, with the validity of
/// each (NaT is invalid).
pub(crate) fn time_keys(index: &Index) -> Option<(&[i64], Option<&arrow_buffer::NullBuffer>)> {
    match index.data() {
        IndexData::DateTime { values, .. } => Some((values.values(), values.nulls())),
        IndexData::Timedelta(values) => Some((values.values(), values.nulls())),
        _ => None,
    }
}

/// The values as `f64` (missing values as NaN): borrowed when they already are floats without
/// nulls, converted once otherwise. Booleans count as 0/1.
pub(crate) fn float_values<'a>(series: &'a Series, function: &str) -> Result<Cow<'a, [f64]>> {
    let v = series.values();
    if let Some(a) = v.as_any().downcast_ref::<Float64Array>() {
        if a.null_count() == 0 {
            return Ok(Cow::Borrowed(a.values()));
        }
        return Ok(Cow::Owned(
            a.iter().map(|x| x.unwrap_or(f64::NAN)).collect(),
        ));
    }
    macro_rules! conv {
        ($t:ty) => {
            if let Some(a) = v.as_any().downcast_ref::<$t>() {
                return Ok(Cow::Owned(
                    a.iter().map(|x| x.map_or(f64::NAN, f64::from)).collect(),
                ));
            }
        };
    }
    conv!(Float32Array);
    conv!(Int32Array);
    if let Some(a) = v.as_any().downcast_ref::<Int64Array>() {
        return Ok(Cow::Owned(
            a.iter().map(|x| x.map_or(f64::NAN, |i| i as f64)).collect(),
        ));
    }
    if let Some(a) = v.as_any().downcast_ref::<BooleanArray>() {
        return Ok(Cow::Owned(
            a.iter()
                .map(|x| x.map_or(f64::NAN, |b| if b { 1.0 } else { 0.0 }))
                .collect(),
        ));
    }
    Err(Error::invalid_input(format!(
        "{function}: series {:?} holds {} values, which are not numeric",
        series.name(),
        series.values_dtype()
    )))
}

/// Whether `keys` (with validity) are non-decreasing and free of NaT.
pub(crate) fn is_sorted(keys: &[i64], nulls: Option<&arrow_buffer::NullBuffer>) -> bool {
    if nulls.is_some_and(|n| n.null_count() > 0) {
        return false;
    }
    keys.windows(2).all(|w| w[0] <= w[1])
}

/// The rows `offset..offset+len` of an index, keeping its name and frequency.
pub(crate) fn slice_index(index: &Index, offset: usize, len: usize) -> Result<Index> {
    Ok(index.slice(offset, len))
}

/// The rows at `positions` of an index, keeping its name and frequency (a range becomes
/// integer labels).
pub(crate) fn take_index(index: &Index, positions: &UInt64Array) -> Result<Index> {
    index.take(positions)
}

/// The values at `positions`.
pub(crate) fn take_values(values: &ArrayRef, positions: &UInt64Array) -> Result<ArrayRef> {
    arrow_select::take::take(values.as_ref(), positions, None)
        .map_err(|e| Error::invalid_input(format!("cannot select rows: {e}")))
}

/// A new index with `data` and the name and frequency of `like`.
pub(crate) fn rebuild(like: &Index, data: IndexData) -> Result<Index> {
    let mut out = Index::new(data)?;
    out.set_name(like.name().map(str::to_string));
    out.set_frequency(like.frequency().map(str::to_string));
    Ok(out)
}

/// A float series named `name` over `index`.
pub(crate) fn float_series(name: String, index: Index, values: Vec<f64>) -> Result<Series> {
    Series::new(name, index, Arc::new(Float64Array::from(values)))
}

/// The shape every univariate built-in shares: one step naming every input, and one output per
/// input, computed by `kernel` and named `<input's signal part>_<suffix>`.
pub(crate) fn per_input(
    inputs: &[Series],
    step: meteaudata_core::ProcessingStep,
    suffix: &str,
    kernel: impl Fn(&Series) -> Result<Series>,
) -> Result<Vec<meteaudata_core::TransformOutput>> {
    let step = step.with_inputs(inputs.iter().map(|s| s.name().to_string()));
    inputs
        .iter()
        .map(|s| {
            let out = kernel(s)?.with_name(output_name(s.name(), suffix));
            Ok(meteaudata_core::TransformOutput::new(out, step.clone()))
        })
        .collect()
}
