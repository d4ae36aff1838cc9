//! `average_signals(final_provenance, check_units)`: the point-wise mean of several series from
//! different signals, as one new `AVERAGE` signal.
//!
//! * With `check_units` (the default), signals with different units are an error. Without it
//!   the output takes the **first** input's unit (upstream picks one at random).
//! * Every requested series must have a datetime or duration index (not a mix, and not naive
//!   mixed with zoned datetimes). Naming the same series twice counts it once.
//! * Alignment is the outer union of all timestamps, sorted. At each timestamp the result is the
//!   mean of the inputs that have a non-missing value there (no weighting, no interpolation);
//!   none → NaN. A timestamp repeated inside one input is first averaged within that input.
//! * The result is `float64`. Inputs in one zone keep it; inputs in different zones give UTC.
//!   When every input records the same fixed frequency and the union is regular at that step,
//!   the frequency is kept.
//!
//! The output is one signal named `AVERAGE` (numbered by [`Dataset::process`]) holding one
//! series `…_RAW#1`; its provenance is `final_provenance` or the first input signal's.
//!
//! ```
//! use meteaudata_core::{Dataset, DatasetProcessOptions, Index, Series, Signal};
//! use meteaudata_processing::AverageSignals;
//! let idx = |m: &[i64]| Index::datetime_nanos(m.iter().map(|m| m * 60_000_000_000).collect(), None);
//! let a = Signal::new("A", "mg/L")?.with_series(Series::from_f64("RAW", idx(&[0, 10]), vec![1.0, 2.0])?)?;
//! let b = Signal::new("B", "mg/L")?.with_series(Series::from_f64("RAW", idx(&[10, 20]), vec![10.0, 40.0])?)?;
//! let mut ds = Dataset::new("plant")?.with_signals([a, b])?;
//! let out = ds.process(&["A#1_RAW#1", "B#1_RAW#1"], &AverageSignals::new(), DatasetProcessOptions::new())?;
//! assert_eq!(out, ["AVERAGE#1"]);
//! let avg = ds.signal("AVERAGE#1")?.get("AVERAGE#1_RAW#1")?.series()?.clone();
//! assert_eq!(avg.f64_values().unwrap().values(), &[1.0, 6.0, 40.0]);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! [`Dataset::process`]: meteaudata_core::Dataset::process

use arrow_array::{DurationNanosecondArray, TimestampNanosecondArray};
use meteaudata_core::{
    DataProvenance, DatasetTransform, Error, Index, IndexData, ParameterValue, Parameters,
    ProcessingStep, ProcessingType, Result, Series, Signal, TimeSeries, TimeZone,
};
use std::collections::{BTreeMap, BTreeSet};

use crate::common::{builtin_info, float_series, float_values, require_time_index, time_keys};
use meteaudata_core::{Frequency, FrequencyUnit};

/// Suffix (and base) of the averaged series.
pub const SUFFIX: &str = "RAW";
/// Name of the output signal (before numbering).
pub const SIGNAL_NAME: &str = "AVERAGE";
const DESCRIPTION: &str = "The arithmetic mean of input time series.";

/// The `average_signals` built-in, a [`DatasetTransform`] (see the [module docs](self)).
///
/// Records a [`ProcessingType::DimensionalityReduction`] step with suffix `RAW`, the exact
/// requested names as inputs, and the parameters `check_units` and `final_provenance`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AverageSignals {
    final_provenance: Option<DataProvenance>,
    check_units: bool,
}

impl Default for AverageSignals {
    fn default() -> Self {
        AverageSignals {
            final_provenance: None,
            check_units: true,
        }
    }
}

impl AverageSignals {
    /// Units checked, provenance of the first input.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives the output signal this provenance.
    pub fn with_provenance(mut self, provenance: DataProvenance) -> Self {
        self.final_provenance = Some(provenance);
        self
    }

    /// Whether signals with different units are an error (default `true`).
    pub fn check_units(mut self, check: bool) -> Self {
        self.check_units = check;
        self
    }

    fn parameters(&self) -> Parameters {
        let prov = match &self.final_provenance {
            None => ParameterValue::Null,
            Some(p) => {
                let f = |v: &Option<String>| ParameterValue::from(v.clone());
                let map: BTreeMap<String, ParameterValue> = [
                    ("source_repository", f(&p.source_repository)),
                    ("project", f(&p.project)),
                    ("location", f(&p.location)),
                    ("equipment", f(&p.equipment)),
                    ("parameter", f(&p.parameter)),
                    ("purpose", f(&p.purpose)),
                    ("metadata_id", f(&p.metadata_id)),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
                ParameterValue::Map(map)
            }
        };
        Parameters::new()
            .with("check_units", self.check_units)
            .with("final_provenance", prov)
    }
}

impl AverageSignals {
    /// The mean of the requested series and the step that records it, from
    /// `(requested name, series, units of its signal)` in request order: what
    /// [`DatasetTransform::apply`] computes before it wraps the result in the new signal.
    /// Naming the same series twice counts it once.
    pub fn average(&self, requested: &[(&str, &Series, &str)]) -> Result<(Series, ProcessingStep)> {
        if requested.is_empty() {
            return Err(Error::invalid_input(
                "average_signals: needs at least one signal and one series",
            ));
        }
        let units: BTreeSet<&str> = requested.iter().map(|r| r.2).collect();
        if self.check_units && units.len() > 1 {
            return Err(Error::invalid_input(format!(
                "Signals have different units: {{{}}}. Please provide signals with the same units.",
                units
                    .iter()
                    .map(|u| format!("'{u}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let mut seen = BTreeSet::new();
        let refs: Vec<&Series> = requested
            .iter()
            .filter(|r| seen.insert(r.0))
            .map(|r| r.1)
            .collect();
        let mean = average_series(&refs)?.with_name(SUFFIX);
        let step = ProcessingStep::new(
            ProcessingType::DimensionalityReduction,
            DESCRIPTION,
            builtin_info("Signal Averaging"),
            SUFFIX,
        )
        .with_parameters(self.parameters())
        .with_inputs(requested.iter().map(|r| r.0.to_string()));
        Ok((mean, step))
    }
}

impl DatasetTransform for AverageSignals {
    fn apply(&self, signals: &[Signal], input_names: &[String]) -> Result<Vec<Signal>> {
        if signals.is_empty() || signals.len() != input_names.len() {
            return Err(Error::invalid_input(format!(
                "average_signals: needs one signal per requested series and at least one (got {} signals for {} names)",
                signals.len(),
                input_names.len()
            )));
        }
        let mut series = Vec::with_capacity(signals.len());
        for (sig, name) in signals.iter().zip(input_names) {
            series.push(sig.get(name)?.series()?);
        }
        let requested: Vec<(&str, &Series, &str)> = input_names
            .iter()
            .zip(&series)
            .zip(signals)
            .map(|((n, s), sig)| (n.as_str(), *s, sig.units.as_str()))
            .collect();
        let (mean, step) = self.average(&requested)?;
        let provenance = self
            .final_provenance
            .clone()
            .unwrap_or_else(|| signals[0].provenance.clone());
        let mut out =
            Signal::new(SIGNAL_NAME, signals[0].units.clone())?.with_provenance(provenance);
        out.add(TimeSeries::new(mean).with_steps(vec![step]))?;
        Ok(vec![out])
    }
}

/// One input prepared for the merge: keys in ascending order (through `order` when the stored
/// order is not sorted) and float values.
struct Input<'a> {
    keys: &'a [i64],
    values: std::borrow::Cow<'a, [f64]>,
    order: Option<Vec<usize>>,
    pos: usize,
}

impl Input<'_> {
    fn len(&self) -> usize {
        self.order.as_ref().map_or(self.keys.len(), Vec::len)
    }
    fn row(&self, p: usize) -> usize {
        self.order.as_ref().map_or(p, |o| o[p])
    }
    fn head(&self) -> Option<i64> {
        (self.pos < self.len()).then(|| self.keys[self.row(self.pos)])
    }
}

/// The outer-union, NaN-skipping mean of several series (the kernel of [`AverageSignals`]),
/// named `RAW`.
pub fn average_series(series: &[&Series]) -> Result<Series> {
    const F: &str = "average_signals";
    let first = series
        .first()
        .ok_or_else(|| Error::invalid_input("average_signals: no input series"))?;
    for s in series {
        require_time_index(s, F)?;
    }
    let duration = matches!(first.index().data(), IndexData::Timedelta(_));
    let mut zones = BTreeSet::new();
    let mut naive = 0;
    for s in series {
        match s.index().data() {
            IndexData::Timedelta(_) if duration => {}
            IndexData::DateTime { tz, .. } if !duration => match tz {
                Some(z) => {
                    zones.insert(z.to_string());
                }
                None => naive += 1,
            },
            _ => {
                return Err(Error::invalid_input(
                    "average_signals: cannot align a TimedeltaIndex with a DatetimeIndex",
                ))
            }
        }
    }
    if naive > 0 && !zones.is_empty() {
        return Err(Error::invalid_input(
            "average_signals: cannot compare tz-naive and tz-aware timestamps",
        ));
    }
    let tz: Option<TimeZone> = match zones.len() {
        0 => None,
        1 => first.index().time_zone(),
        _ => Some(TimeZone::Utc),
    };
    let mut inputs = Vec::with_capacity(series.len());
    for s in series {
        let (keys, nulls) =
            time_keys(s.index()).ok_or_else(|| Error::invalid_input("no time index"))?;
        let valid = |i: usize| nulls.is_none_or(|n| n.is_valid(i));
        let sorted = crate::common::is_sorted(keys, nulls);
        let order = (!sorted).then(|| {
            let mut o: Vec<usize> = (0..keys.len()).filter(|&i| valid(i)).collect();
            o.sort_by_key(|&i| keys[i]);
            o
        });
        inputs.push(Input {
            keys,
            values: float_values(s, F)?,
            order,
            pos: 0,
        });
    }
    let mut labels = Vec::new();
    let mut means = Vec::new();
    while let Some(t) = inputs.iter().filter_map(Input::head).min() {
        let (mut sum, mut count) = (0.0, 0u32);
        for inp in &mut inputs {
            let (mut s, mut c) = (0.0, 0u32);
            while inp.head() == Some(t) {
                let v = inp.values[inp.row(inp.pos)];
                if !v.is_nan() {
                    s += v;
                    c += 1;
                }
                inp.pos += 1;
            }
            if c > 0 {
                sum += if c == 1 { s } else { s / f64::from(c) };
                count += 1;
            }
        }
        labels.push(t);
        means.push(if count == 0 {
            f64::NAN
        } else {
            sum / f64::from(count)
        });
    }
    let frequency = common_frequency(series, &labels, tz);
    let data = if duration {
        IndexData::Timedelta(DurationNanosecondArray::from(labels))
    } else {
        IndexData::DateTime {
            values: TimestampNanosecondArray::from(labels),
            tz,
        }
    };
    let mut index = Index::new(data)?;
    index.set_frequency(frequency);
    float_series(SUFFIX.to_string(), index, means)
}

/// The inputs' common fixed frequency, when the union is regular at that step.
fn common_frequency(series: &[&Series], labels: &[i64], tz: Option<TimeZone>) -> Option<String> {
    let text = series.first()?.index().frequency()?;
    if series.iter().any(|s| s.index().frequency() != Some(text)) {
        return None;
    }
    let f = Frequency::parse(text).ok()?;
    if matches!(f.unit, FrequencyUnit::Day) && matches!(tz, Some(TimeZone::Named(_))) {
        return None;
    }
    let step = f.fixed_nanos()?;
    labels
        .windows(2)
        .all(|w| w[1] - w[0] == step)
        .then(|| f.to_string())
}
