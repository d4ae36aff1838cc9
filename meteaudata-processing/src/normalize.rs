//! `normalize_index_to_numeric_delta(unit, reference_time)`: replaces a datetime index by the
//! elapsed time since a reference, as `float64` numbers in a unit.
//!
//! * `unit` is one of `D`/`days`, `h`/`hours`, `min`/`minutes`, `s`/`seconds`,
//!   `ms`/`milliseconds`, `us`/`microseconds`, `ns`/`nanoseconds` (case-sensitive); it is
//!   checked when the transform is built.
//! * The number for an instant *t* is `seconds(t − ref) ÷ seconds-per-unit`, where the seconds
//!   are whole seconds plus the nanosecond remainder ÷ 10⁹ (bit for bit what pandas'
//!   `total_seconds` gives). NaT becomes NaN.
//! * `ref` is the given reference or, without one, the **first stored** element (not the
//!   minimum). A naive reference on a zoned index is read in the index zone; a zoned reference on
//!   a naive index keeps its wall-clock time (its zone is dropped, as upstream does); two zones
//!   give the true elapsed time.
//! * A numeric index (range, integers, floats) is copied to `float64` unchanged; `unit` and the
//!   reference do not apply. Any other index kind (durations, strings, periods) is an error.
//! * An unsorted datetime index gives negative numbers and a warning (`tracing`).
//!
//! Each series gets its own step (its own input name and reference).
//!
//! ```
//! use meteaudata_core::{Index, Series, Transform};
//! use meteaudata_processing::NormalizeIndexToNumericDelta;
//! let half_hours = vec![0, 1_800_000_000_000, 5_400_000_000_000];
//! let raw = Series::from_f64("A#1_RAW#1", Index::datetime_nanos(half_hours, None), vec![1.0, 2.0, 3.0])?;
//! let out = NormalizeIndexToNumericDelta::new("h")?.apply(&[raw])?;
//! let idx = out[0].series.index().to_arrow();
//! let hours = idx.as_any().downcast_ref::<arrow_array::Float64Array>().unwrap();
//! assert_eq!(hours.values(), &[0.0, 0.5, 1.5]);
//! assert!(NormalizeIndexToNumericDelta::new("H").is_err());
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use arrow_array::{Array, Float64Array};
use meteaudata_core::{
    Error, IndexData, ParameterValue, Parameters, ProcessingStep, ProcessingType, Result, Series,
    Timestamp, Transform, TransformOutput,
};

use crate::common::{builtin_info, index_type, output_name, rebuild};

/// Suffix of normalised series.
pub const SUFFIX: &str = "NORM";

/// The accepted units and their length in seconds.
pub const UNITS: [(&str, f64); 14] = [
    ("D", 86_400.0),
    ("days", 86_400.0),
    ("h", 3_600.0),
    ("hours", 3_600.0),
    ("min", 60.0),
    ("minutes", 60.0),
    ("s", 1.0),
    ("seconds", 1.0),
    ("ms", 1e-3),
    ("milliseconds", 1e-3),
    ("us", 1e-6),
    ("microseconds", 1e-6),
    ("ns", 1e-9),
    ("nanoseconds", 1e-9),
];

/// Seconds in `delta` nanoseconds, as pandas' `total_seconds` computes them: whole seconds
/// plus the remainder, and, when the sum rounds onto a whole second although the remainder is
/// not zero, the neighbouring float inside the interval.
fn total_seconds(delta: i128) -> f64 {
    let floor = delta.div_euclid(1_000_000_000);
    let residual = delta.rem_euclid(1_000_000_000);
    let floor_f = floor as f64;
    let result = floor_f + residual as f64 / 1e9;
    let large = delta.unsigned_abs() > 1u128 << 53;
    if large && residual != 0 && floor.unsigned_abs() < 1u128 << 52 {
        if result == floor_f {
            return floor_f.next_up();
        }
        if result == floor_f + 1.0 {
            return (floor_f + 1.0).next_down();
        }
    }
    result
}

/// The reference instant of [`NormalizeIndexToNumericDelta`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ReferenceTime {
    /// ISO-8601 text (`"2020-01-01 06:00"`, `"2020-01-01T06:00-05:00"`).
    Text(String),
    /// An instant.
    Time(Timestamp),
}

impl From<&str> for ReferenceTime {
    fn from(s: &str) -> Self {
        ReferenceTime::Text(s.to_string())
    }
}
impl From<String> for ReferenceTime {
    fn from(s: String) -> Self {
        ReferenceTime::Text(s)
    }
}
impl From<Timestamp> for ReferenceTime {
    fn from(t: Timestamp) -> Self {
        ReferenceTime::Time(t)
    }
}

/// The `normalize_index_to_numeric_delta` built-in (see the [module docs](self)).
///
/// Records, per series, a [`ProcessingType::Transformation`] step with suffix `NORM` and the
/// parameters `unit` (as given), `original_index_type` (`DatetimeIndex`, `RangeIndex`, `Index`)
/// and, for a datetime index, `reference_time`: the instant actually used (a date-time value,
/// with its zone), or the text `"first_index"` for an empty index without a reference.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizeIndexToNumericDelta {
    unit: String,
    unit_seconds: f64,
    reference: Option<ReferenceTime>,
}

impl Default for NormalizeIndexToNumericDelta {
    /// Seconds since the first element.
    fn default() -> Self {
        NormalizeIndexToNumericDelta {
            unit: "s".into(),
            unit_seconds: 1.0,
            reference: None,
        }
    }
}

impl NormalizeIndexToNumericDelta {
    /// Elapsed time in `unit` since the first element. An unknown unit is an
    /// [`InvalidInput`](meteaudata_core::ErrorKind::InvalidInput) error.
    pub fn new(unit: &str) -> Result<Self> {
        let (_, secs) = UNITS.iter().find(|(u, _)| *u == unit).ok_or_else(|| {
            Error::invalid_input(format!(
                "Invalid unit {unit:?}. Must be one of: {}",
                UNITS.map(|(u, _)| u).join(", ")
            ))
        })?;
        Ok(NormalizeIndexToNumericDelta {
            unit: unit.to_string(),
            unit_seconds: *secs,
            reference: None,
        })
    }

    /// Measures from `reference` instead of the first element.
    pub fn with_reference(mut self, reference: impl Into<ReferenceTime>) -> Self {
        self.reference = Some(reference.into());
        self
    }

    /// Normalises one series; returns it (keeping its name) and the step's parameters.
    pub fn normalize_series(&self, series: &Series) -> Result<(Series, Parameters)> {
        let index = series.index();
        let original = index_type(index);
        let mut params = Parameters::new()
            .with("unit", self.unit.as_str())
            .with("original_index_type", original.as_str());
        let numbers: Vec<f64> = match index.data() {
            IndexData::DateTime { values, tz } => {
                let reference = match &self.reference {
                    Some(r) => Some(self.resolve(r, *tz)?),
                    None if values.is_empty() => None,
                    None if values.is_null(0) => None,
                    None => Some(Timestamp {
                        nanos: values.value(0),
                        tz: *tz,
                    }),
                };
                params.insert(
                    "reference_time",
                    match reference {
                        Some(r) => ParameterValue::DateTime(r),
                        None if values.is_empty() => ParameterValue::from("first_index"),
                        None => ParameterValue::Null,
                    },
                );
                let sorted = values.null_count() == 0
                    && values.values().windows(2).all(|w| w[0] <= w[1]);
                if !sorted {
                    tracing::warn!(
                        "DatetimeIndex for series '{}' is not monotonic increasing. This may lead to unexpected results.",
                        series.name()
                    );
                }
                match reference {
                    None => vec![f64::NAN; values.len()],
                    Some(r) => values
                        .iter()
                        .map(|t| match t {
                            None => f64::NAN,
                            Some(t) => {
                                let delta = i128::from(t) - i128::from(r.nanos);
                                total_seconds(delta) / self.unit_seconds
                            }
                        })
                        .collect(),
                }
            }
            IndexData::Range { start, step, .. } => (0..index.len())
                .map(|i| meteaudata_core::range_label(*start, *step, i) as f64)
                .collect(),
            IndexData::Int(a) => a.iter().map(|x| x.map_or(f64::NAN, |v| v as f64)).collect(),
            IndexData::Float(a) => a.iter().map(|x| x.unwrap_or(f64::NAN)).collect(),
            _ => {
                return Err(Error::invalid_input(format!(
                    "Unsupported index type for series '{}': {original}. Supported types: DatetimeIndex, numeric (int/float).",
                    series.name()
                )))
            }
        };
        let mut out_index = rebuild(index, IndexData::Float(Float64Array::from(numbers)))?;
        out_index.set_frequency(None);
        let out = Series::new(series.name(), out_index, series.values().clone())?;
        Ok((out, params))
    }

    /// The step recorded for an input with this index and these parameters (before its input
    /// is named).
    pub(crate) fn step(
        &self,
        index: &meteaudata_core::Index,
        params: Parameters,
    ) -> ProcessingStep {
        ProcessingStep::new(
            ProcessingType::Transformation,
            format!(
                "Normalized index from {} to numeric values (unit={})",
                index_type(index),
                self.unit
            ),
            builtin_info("normalize_index_to_numeric_delta"),
            SUFFIX,
        )
        .with_parameters(params)
    }

    /// Whether a reference was given (else the first label is the reference).
    pub(crate) fn has_reference(&self) -> bool {
        self.reference.is_some()
    }

    /// The same normalisation with its reference fixed to `reference` (used to carry the first
    /// instant of a streamed series to its later chunks).
    pub(crate) fn with_fixed_reference(&self, reference: Timestamp) -> Self {
        let mut fixed = self.clone();
        fixed.reference = Some(ReferenceTime::Time(reference));
        fixed
    }

    /// The reference as an instant comparable with an index in zone `tz`.
    fn resolve(
        &self,
        r: &ReferenceTime,
        tz: Option<meteaudata_core::TimeZone>,
    ) -> Result<Timestamp> {
        let t = match r {
            ReferenceTime::Text(s) => crate::bounds::parse_instant(s).ok_or_else(|| {
                Error::parse(
                    "reference_time",
                    format!("{s:?} is not an ISO-8601 date/time"),
                )
            })?,
            ReferenceTime::Time(t) => *t,
        };
        Ok(match (t.tz, tz) {
            (None, Some(zone)) => Timestamp {
                nanos: crate::resample::from_local_strict(
                    t.nanos,
                    Some(zone),
                    "normalize_index_to_numeric_delta",
                )?,
                tz: Some(zone),
            },
            (Some(_), None) => Timestamp::from_naive(&t.local())?,
            _ => t,
        })
    }
}

impl Transform for NormalizeIndexToNumericDelta {
    fn streaming(&self) -> Option<&dyn meteaudata_core::streaming::StreamTransform> {
        Some(self)
    }

    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
        inputs
            .iter()
            .map(|s| {
                let (out, params) = self.normalize_series(s)?;
                let step = self.step(s.index(), params).with_inputs([s.name()]);
                Ok(TransformOutput::new(
                    out.with_name(output_name(s.name(), SUFFIX)),
                    step,
                ))
            })
            .collect()
    }
}
