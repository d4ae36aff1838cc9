//! # meteaudata-processing
//!
//! The built-in processing steps of meteaudata, as transforms that plug into
//! [`Signal::process`](meteaudata_core::Signal::process) and
//! [`Dataset::process`](meteaudata_core::Dataset::process). Each one computes on Arrow arrays in
//! a single pass and records the same [`ProcessingStep`](meteaudata_core::ProcessingStep) as
//! Python meteaudata 0.12.1 (type, suffix, description, parameters, step distance, exact input
//! names), with the fixes listed in the project's compatibility notes.
//!
//! | transform | Python name | suffix | what it does |
//! |---|---|---|---|
//! | [`Resample`] | `resample` | `RESAMPLED` | mean of the non-missing values per time bin ([`Frequency`]) |
//! | [`LinearInterpolation`] | `linear_interpolation` | `LIN-INT` | fills gaps linearly by position |
//! | [`Subset`] | `subset` | `SLICE` | keeps a label range or a position range |
//! | [`ReplaceRanges`] | `replace_ranges` | `REPLACED-RANGES` | sets label ranges to a constant |
//! | [`PredictFromPreviousPoint`] | `predict_from_previous_point` | `PREV-PRED` | identity recorded as a one-step forecast |
//! | [`NormalizeIndexToNumericDelta`] | `normalize_index_to_numeric_delta` | `NORM` | datetime index → elapsed time in a unit |
//! | [`AverageSignals`] | `average_signals` | `RAW` (new `AVERAGE` signal) | mean of several signals |
//!
//! ## A processing chain
//!
//! Raw 6-minute data with gaps, resampled to 15 minutes, interpolated, then cut to a window.
//! Every derived series knows exactly how it was made.
//!
//! ```
//! use meteaudata_core::{DataProvenance, Index, ProcessOptions, Series, Signal, Timestamp};
//! use meteaudata_processing::{LinearInterpolation, Resample, Subset};
//!
//! let start = Timestamp::parse("2020-01-01 00:00", None)?.nanos;
//! let six_minutes = 360_000_000_000;
//! let index = Index::datetime_nanos((0..12).map(|k| start + k * six_minutes).collect(), None);
//! let nan = f64::NAN;
//! let raw = Series::from_f64("RAW", index,
//!     vec![1.0, 2.0, nan, 4.0, 5.0, nan, nan, nan, 8.0, nan, 11.0, 12.0])?;
//! let mut signal = Signal::new("COD", "mg/L")?
//!     .with_provenance(DataProvenance { parameter: Some("COD".into()), ..Default::default() })
//!     .with_series(raw)?;
//!
//! let resampled = signal.process(&["COD#1_RAW#1"], &Resample::new("15min")?, ProcessOptions::new())?;
//! assert_eq!(resampled, ["COD#1_RESAMPLED#1"]);
//! let filled = signal.process(&["COD#1_RESAMPLED#1"], &LinearInterpolation, ProcessOptions::new())?;
//! let window = signal.process(&[filled[0].as_str()],
//!     &Subset::by_label("2020-01-01 00:15", "2020-01-01 00:45"), ProcessOptions::new())?;
//!
//! let ts = signal.get(&window[0])?;
//! // Resampled: 00:00 → 1.5, 00:15 → 4.5, 00:30 → NaN, 00:45 → 8, 01:00 → 11.5;
//! // interpolated 00:30 → 6.25; the window keeps 00:15 to 00:45.
//! assert_eq!(ts.series()?.f64_values().unwrap().values(), &[4.5, 6.25, 8.0]);
//! let history: Vec<_> = ts.processing_steps.iter().map(|s| s.suffix.as_str()).collect();
//! assert_eq!(history, ["RESAMPLED", "LIN-INT", "SLICE"]);
//! assert_eq!(ts.processing_steps[1].input_series_names, ["COD#1_RESAMPLED#1"]);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! ## Several signals
//!
//! [`AverageSignals`] is a [`DatasetTransform`](meteaudata_core::DatasetTransform): it reads
//! series from several signals and creates a new `AVERAGE` signal.
//!
//! ```
//! use meteaudata_core::{Dataset, DatasetProcessOptions, Index, Series, Signal};
//! use meteaudata_processing::AverageSignals;
//! let idx = |minutes: &[i64]| Index::datetime_nanos(minutes.iter().map(|m| m * 60_000_000_000).collect(), None);
//! let a = Signal::new("CODa", "mg/L")?.with_series(Series::from_f64("RAW", idx(&[0, 10, 20]), vec![1.0, 2.0, f64::NAN])?)?;
//! let b = Signal::new("CODb", "mg/L")?.with_series(Series::from_f64("RAW", idx(&[10, 20, 30]), vec![10.0, f64::NAN, 30.0])?)?;
//! let mut ds = Dataset::new("reactor")?.with_signals([a, b])?;
//! ds.process(&["CODa#1_RAW#1", "CODb#1_RAW#1"], &AverageSignals::new(), DatasetProcessOptions::new())?;
//! let avg = ds.signal("AVERAGE#1")?.get("AVERAGE#1_RAW#1")?;
//! let v = avg.series()?.f64_values().unwrap();
//! assert_eq!((v.value(0), v.value(1), v.value(3)), (1.0, 6.0, 30.0));
//! assert!(v.value(2).is_nan());
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! ## Your own transforms
//!
//! Anything implementing [`Transform`](meteaudata_core::Transform) works, closures included.
//! Name outputs `<signal part>_<SUFFIX>` (the signal numbers them) and give each step its inputs.
//! [`builtin_info`] gives the identity the built-ins use; your own code names itself.
//!
//! ```
//! use meteaudata_core::*;
//! use std::sync::Arc;
//!
//! /// Multiplies every value by a factor.
//! struct Scale(f64);
//!
//! impl Transform for Scale {
//!     fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
//!         inputs.iter().map(|s| {
//!             let v = s.f64_values().ok_or_else(|| Error::invalid_input("floats only"))?;
//!             let scaled = arrow_array::Float64Array::from_iter_values(v.values().iter().map(|x| x * self.0));
//!             let step = ProcessingStep::new(ProcessingType::Transformation, "scaled by a constant",
//!                     FunctionInfo::new("scale", "1.0", "me", "lab notes"), "SCALED")
//!                 .with_parameters(Parameters::new().with("factor", self.0))
//!                 .with_inputs([s.name()]);
//!             Ok(TransformOutput::new(Series::new("SCALED", s.index().clone(), Arc::new(scaled))?, step))
//!         }).collect()
//!     }
//! }
//!
//! let raw = Series::from_f64("RAW", Index::datetime_nanos(vec![0, 1], None), vec![1.0, 2.0])?;
//! let mut signal = Signal::new("A", "m")?.with_series(raw)?;
//! signal.process(&["A#1_RAW#1"], &Scale(10.0), ProcessOptions::new())?;
//!
//! // A closure is a transform too.
//! let clamp = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
//!     let s = &inputs[0];
//!     let v: Vec<f64> = s.f64_values().unwrap().values().iter().map(|x| x.min(15.0)).collect();
//!     let step = ProcessingStep::new(ProcessingType::Filtering, "clamp at 15",
//!         FunctionInfo::new("clamp", "1.0", "me", "-"), "CLAMPED").with_inputs([s.name()]);
//!     Ok(vec![TransformOutput::new(Series::from_f64("CLAMPED", s.index().clone(), v)?, step)])
//! };
//! signal.process(&["A#1_SCALED#1"], &clamp, ProcessOptions::new())?;
//! let out = signal.get("A#1_CLAMPED#1")?;
//! assert_eq!(out.series()?.f64_values().unwrap().values(), &[10.0, 15.0]);
//! assert_eq!(out.processing_steps.len(), 2);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! ## Errors
//!
//! Where Python raises, these transforms return a
//! [`meteaudata_core::Error`]: a wrong index kind, an unknown frequency or unit, mismatched
//! units or an unusable bound are [`InvalidInput`](meteaudata_core::ErrorKind::InvalidInput);
//! an unparseable date is [`Parse`](meteaudata_core::ErrorKind::Parse). Nothing panics on user
//! input.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod average;
pub mod bounds;
mod calendar;
mod common;
/// The frequency grammar (it belongs to the model: [`meteaudata_core::frequency`]).
pub use meteaudata_core::frequency;
pub mod interpolate;
pub mod normalize;
pub mod predict;
pub mod registry;
pub mod replace;
pub mod resample;
mod resample_stream;
pub mod streaming;
pub mod subset;

pub use average::{average_series, AverageSignals};
pub use bounds::Bound;
pub use common::{builtin_info, AUTHOR, REFERENCE};
pub use interpolate::{
    interpolate_in_place, interpolate_series, interpolated, interpolated_if_missing,
    LinearInterpolation,
};
pub use meteaudata_core::{Frequency, FrequencyUnit};
pub use normalize::{NormalizeIndexToNumericDelta, ReferenceTime, UNITS};
pub use predict::PredictFromPreviousPoint;
pub use replace::{replace_series, ReplaceRanges};
pub use resample::{resample_series, Resample, MAX_BINS};
pub use subset::{subset_series, Subset};

/// The suffix each built-in gives its outputs.
pub mod suffix {
    pub use crate::average::SUFFIX as AVERAGE;
    pub use crate::interpolate::SUFFIX as LINEAR_INTERPOLATION;
    pub use crate::normalize::SUFFIX as NORMALIZE;
    pub use crate::predict::SUFFIX as PREDICT;
    pub use crate::replace::SUFFIX as REPLACE_RANGES;
    pub use crate::resample::SUFFIX as RESAMPLE;
    pub use crate::subset::SUFFIX as SUBSET;
}

/// `resample(frequency)`: same as [`Resample::new`].
pub fn resample(frequency: &str) -> meteaudata_core::Result<Resample> {
    Resample::new(frequency)
}

/// `linear_interpolation()`: same as [`LinearInterpolation`].
pub fn linear_interpolation() -> LinearInterpolation {
    LinearInterpolation
}

/// `subset(start, end, rank_based=False)`: same as [`Subset::by_label`].
pub fn subset(start: impl Into<Bound>, end: impl Into<Bound>) -> Subset {
    Subset::by_label(start, end)
}

/// `replace_ranges(index_pairs, reason)` (NaN replacement): same as [`ReplaceRanges::new`].
pub fn replace_ranges<I, A, B>(index_pairs: I, reason: impl Into<String>) -> ReplaceRanges
where
    I: IntoIterator<Item = (A, B)>,
    A: Into<Bound>,
    B: Into<Bound>,
{
    ReplaceRanges::new(index_pairs, reason)
}

/// `predict_from_previous_point()`: same as [`PredictFromPreviousPoint`].
pub fn predict_from_previous_point() -> PredictFromPreviousPoint {
    PredictFromPreviousPoint
}

/// `normalize_index_to_numeric_delta(unit)`: same as [`NormalizeIndexToNumericDelta::new`].
pub fn normalize_index_to_numeric_delta(
    unit: &str,
) -> meteaudata_core::Result<NormalizeIndexToNumericDelta> {
    NormalizeIndexToNumericDelta::new(unit)
}

/// `average_signals()`: same as [`AverageSignals::new`].
pub fn average_signals() -> AverageSignals {
    AverageSignals::new()
}
