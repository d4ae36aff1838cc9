//! `resample(frequency)`: the mean of the non-missing values in each time bin.
//!
//! Bins follow pandas' defaults for each [`Frequency`]:
//!
//! * fixed durations (`15min`, `2h`, …) on a datetime index: edges at *midnight of the first
//!   timestamp's (local) day* + k·frequency, closed on the left and labelled by the left edge;
//! * `D` (and multiples): calendar days from that midnight, so days in a zone with DST last 23 or
//!   25 hours;
//! * `MS`, `QS`, `YS`: left-closed, labelled by the period start;
//! * `W`, `ME`, `QE`, `YE`: closed on the right and labelled by the period end (whole days);
//! * on a duration (timedelta) index the grid starts at the first value; only fixed durations
//!   (and `D` = 24 h) are allowed.
//!
//! Every bin from the one holding the earliest timestamp to the one holding the latest is
//! emitted; empty bins (and bins whose values are all missing) are NaN. The output is `float64`,
//! sorted, keeps the zone and records the canonical frequency in the index.
//!
//! ```
//! use meteaudata_core::{Index, Series, Transform};
//! use meteaudata_processing::Resample;
//! let minutes = |m: &[i64]| m.iter().map(|m| m * 60_000_000_000).collect::<Vec<_>>();
//! let raw = Series::from_f64("A#1_RAW#1", Index::datetime_nanos(minutes(&[0, 6, 12, 18]), None),
//!     vec![1.0, 2.0, f64::NAN, 4.0])?;
//! let out = Resample::new("15min")?.apply(&[raw])?;
//! let s = &out[0].series;
//! assert_eq!(s.name(), "A#1_RESAMPLED");
//! assert_eq!(s.f64_values().unwrap().values(), &[1.5, 4.0]);
//! assert_eq!(s.index().frequency(), Some("15min"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use arrow_array::{DurationNanosecondArray, TimestampNanosecondArray};
use chrono::TimeDelta;
use meteaudata_core::{
    naive_to_nanos, nanos_to_naive, Error, IndexData, Parameters, ProcessingStep, ProcessingType,
    Result, Series, TimeZone, Transform, TransformOutput,
};

use crate::calendar::{anchors, date_of_day, day_number};
use crate::common::per_input;
use crate::common::{
    builtin_info, float_series, float_values, is_sorted, rebuild, require_time_index, time_keys,
};
use meteaudata_core::{Frequency, FrequencyUnit};

const NS_PER_DAY: i64 = 86_400_000_000_000;
/// The largest number of bins one call may produce.
pub const MAX_BINS: usize = 1 << 28;

/// Suffix of resampled series.
pub const SUFFIX: &str = "RESAMPLED";
const DESCRIPTION: &str =
    "A simple processing function that resamples a series to a given frequency";

/// The `resample` built-in: bins each input by a [`Frequency`] and takes the mean of the
/// non-missing values of each bin (see the [module docs](self)).
///
/// Records a [`ProcessingType::Resampling`] step with suffix `RESAMPLED` and the parameter
/// `frequency` exactly as given.
#[derive(Debug, Clone, PartialEq)]
pub struct Resample {
    text: String,
    frequency: Frequency,
}

impl Resample {
    /// A resampler for a pandas offset alias (`"15min"`, `"h"`, `"D"`, `"W"`, `"ME"`, …).
    /// An unknown alias is an [`InvalidInput`](meteaudata_core::ErrorKind::InvalidInput) error.
    pub fn new(frequency: &str) -> Result<Self> {
        Ok(Resample {
            text: frequency.to_string(),
            frequency: Frequency::parse(frequency)?,
        })
    }

    /// The parsed frequency.
    pub fn frequency(&self) -> &Frequency {
        &self.frequency
    }

    /// The step this transform records (before its inputs are named).
    pub(crate) fn step(&self) -> ProcessingStep {
        ProcessingStep::new(
            ProcessingType::Resampling,
            DESCRIPTION,
            builtin_info("resample"),
            SUFFIX,
        )
        .with_parameters(Parameters::new().with("frequency", self.text.as_str()))
    }
}

impl Transform for Resample {
    fn streaming(&self) -> Option<&dyn meteaudata_core::streaming::StreamTransform> {
        Some(self)
    }

    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
        per_input(inputs, self.step(), SUFFIX, |s| {
            resample_series(s, &self.frequency)
        })
    }
}

/// Resamples one series (the numeric kernel of [`Resample`]); the result keeps the input's
/// name.
pub fn resample_series(series: &Series, frequency: &Frequency) -> Result<Series> {
    const F: &str = "resample";
    require_time_index(series, F)?;
    let index = series.index();
    let values = float_values(series, F)?;
    let (keys, nulls) = time_keys(index).ok_or_else(|| Error::invalid_input("no time index"))?;
    let (tz, duration) = match index.data() {
        IndexData::DateTime { tz, .. } => (*tz, false),
        _ => (None, true),
    };
    if duration && frequency.fixed_nanos().is_none() {
        return Err(Error::invalid_input(format!(
            "resample: resampling a TimedeltaIndex needs a fixed-duration frequency such as '24h' or '3D', not {frequency}"
        )));
    }
    let valid = |i: usize| nulls.is_none_or(|n| n.is_valid(i));
    let sorted = is_sorted(keys, nulls);
    let bounds = if sorted {
        keys.first().zip(keys.last()).map(|(a, b)| (*a, *b))
    } else {
        (0..keys.len())
            .filter(|&i| valid(i))
            .map(|i| keys[i])
            .fold(None, |acc, t| match acc {
                None => Some((t, t)),
                Some((lo, hi)) => Some((lo.min(t), hi.max(t))),
            })
    };
    let (labels, means) = match bounds {
        None => (Vec::new(), Vec::new()),
        Some((min, max)) => {
            let grid = Grid::build(frequency, min, max, tz, duration)?;
            let means = if sorted {
                grid.accumulate_sorted(keys, &values)
            } else {
                grid.accumulate_unsorted(keys, &valid, &values)
            };
            (grid.labels(), means)
        }
    };
    let data = if duration {
        IndexData::Timedelta(DurationNanosecondArray::from(labels))
    } else {
        IndexData::DateTime {
            values: TimestampNanosecondArray::from(labels),
            tz,
        }
    };
    let out_index = rebuild(index, data)?.with_frequency(frequency.to_string());
    float_series(series.name().to_string(), out_index, means)
}

/// Contiguous bins: bin `k` covers `[start(k), start(k+1))`.
pub(crate) enum Grid {
    /// `start(k) = origin + k·step`, labelled by its start.
    Regular { origin: i64, step: i64, bins: usize },
    /// Explicit starts (one more than bins: the last is the end) and labels.
    Explicit { starts: Vec<i64>, labels: Vec<i64> },
}

/// Kahan-compensated running mean, skipping NaN, as pandas' grouped mean does.
#[derive(Clone, Copy, Default)]
pub(crate) struct Acc {
    sum: f64,
    comp: f64,
    count: u64,
}

impl Acc {
    #[inline(always)]
    pub(crate) fn add(&mut self, v: f64) {
        if v.is_nan() {
            return;
        }
        self.count += 1;
        let y = v - self.comp;
        let t = self.sum + y;
        self.comp = t - self.sum - y;
        if self.comp.is_nan() {
            // An infinite value: keep the infinite sum instead of poisoning it with NaN.
            self.comp = 0.0;
        }
        self.sum = t;
    }
    #[inline(always)]
    pub(crate) fn mean(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else {
            self.sum / self.count as f64
        }
    }
}

pub(crate) fn too_many(n: i128) -> Error {
    Error::invalid_input(format!(
        "resample: the frequency would produce {n} bins (at most {MAX_BINS})"
    ))
}

/// UTC instant (or naive nanos) → local wall-clock nanos.
fn to_local(t: i64, tz: Option<TimeZone>) -> i64 {
    match tz {
        None | Some(TimeZone::Utc) => t,
        Some(z) => {
            let off = z.offset_at(&nanos_to_naive(t)).local_minus_utc();
            t.saturating_add(i64::from(off) * 1_000_000_000)
        }
    }
}

/// Local wall-clock nanos → UTC instant; a time inside a DST gap moves forward past the gap,
/// an ambiguous one takes the earlier instant.
pub(crate) fn from_local_lenient(local: i64, tz: Option<TimeZone>) -> Result<i64> {
    match tz {
        None | Some(TimeZone::Utc) => Ok(local),
        Some(z) => {
            let naive = nanos_to_naive(local);
            match z.local_to_utc(&naive) {
                Ok(u) => naive_to_nanos(&u),
                Err(_) => {
                    let before = naive - TimeDelta::days(1);
                    let off = z.offset_at(&before).local_minus_utc();
                    naive_to_nanos(&(naive - TimeDelta::seconds(i64::from(off))))
                }
            }
        }
    }
}

/// Local wall-clock nanos → UTC instant, refusing a wall time that a DST change makes ambiguous
/// or skips (pandas raises there too).
pub(crate) fn from_local_strict(local: i64, tz: Option<TimeZone>, what: &str) -> Result<i64> {
    match tz {
        Some(TimeZone::Named(z)) => {
            use chrono::TimeZone as _;
            let naive = nanos_to_naive(local);
            match z.from_local_datetime(&naive) {
                chrono::LocalResult::Single(d) => naive_to_nanos(&d.naive_utc()),
                chrono::LocalResult::Ambiguous(..) => Err(Error::invalid_input(format!(
                    "{what}: {naive} is ambiguous in {} (a DST change repeats it); give an offset",
                    z.name()
                ))),
                chrono::LocalResult::None => Err(Error::invalid_input(format!(
                    "{what}: {naive} does not exist in {} (a DST change skips it)",
                    z.name()
                ))),
            }
        }
        _ => from_local_lenient(local, tz),
    }
}

/// The instant of local midnight at the start of day number `day`.
fn midnight(day: i64, tz: Option<TimeZone>) -> Result<i64> {
    let local = day
        .checked_mul(NS_PER_DAY)
        .ok_or_else(|| Error::invalid_input("resample: date out of range"))?;
    from_local_lenient(local, tz)
}

fn date_number(t: i64, tz: Option<TimeZone>) -> i64 {
    to_local(t, tz).div_euclid(NS_PER_DAY)
}

impl Grid {
    pub(crate) fn build(
        f: &Frequency,
        min: i64,
        max: i64,
        tz: Option<TimeZone>,
        duration: bool,
    ) -> Result<Grid> {
        let named_zone = matches!(tz, Some(TimeZone::Named(_)));
        if duration || (!matches!(f.unit, FrequencyUnit::Day) || !named_zone) {
            if let Some(step) = f.fixed_nanos() {
                let anchor = if duration {
                    min
                } else {
                    midnight(date_number(min, tz), tz)?
                };
                // The grid is anchored at `anchor`; output starts at the bin holding `min`.
                let skip = (i128::from(min) - i128::from(anchor)).div_euclid(i128::from(step));
                let origin = i64::try_from(i128::from(anchor) + skip * i128::from(step))
                    .map_err(|_| too_many(0))?;
                let n = (i128::from(max) - i128::from(origin)) / i128::from(step) + 1;
                if n > MAX_BINS as i128 {
                    return Err(too_many(n));
                }
                return Ok(Grid::Regular {
                    origin,
                    step,
                    bins: n as usize,
                });
            }
            if duration {
                return Err(Error::invalid_input(format!(
                    "resample: resampling a TimedeltaIndex needs a fixed-duration frequency such as '24h' or '3D', not {f}"
                )));
            }
        }
        let n = f.multiple;
        let dmin = date_number(min, tz);
        let dmax = date_number(max, tz);
        let mut starts = Vec::new();
        let mut labels = Vec::new();
        let date = |d: Option<chrono::NaiveDate>| {
            d.map(day_number)
                .ok_or_else(|| Error::invalid_input("resample: date out of range"))
        };
        match anchors(f) {
            None => {
                // Calendar days in a zone with DST.
                let bins = (dmax - dmin) / n + 1;
                for j in 0..=bins {
                    starts.push(midnight(dmin + j * n, tz)?);
                }
                labels.extend_from_slice(&starts[..bins as usize]);
            }
            Some(anchors) => {
                let day = |k: i64| date(anchors.date(k));
                let dmin_date = date_of_day(dmin).ok_or_else(|| too_many(0))?;
                let dmax_date = date_of_day(dmax).ok_or_else(|| too_many(0))?;
                if f.is_right_closed() {
                    let c = anchors.ceil(dmin_date);
                    let kmax = anchors.ceil(dmax_date);
                    let bins = (kmax - c + n - 1).div_euclid(n) + 1;
                    for j in 0..bins {
                        starts.push(midnight(day(c + (j - 1) * n)? + 1, tz)?);
                        labels.push(midnight(day(c + j * n)?, tz)?);
                    }
                    starts.push(midnight(day(c + (bins - 1) * n)? + 1, tz)?);
                } else {
                    let k0 = anchors.floor(dmin_date);
                    let kmax = anchors.floor(dmax_date);
                    let bins = (kmax - k0) / n + 1;
                    for j in 0..=bins {
                        starts.push(midnight(day(k0 + j * n)?, tz)?);
                    }
                    labels.extend_from_slice(&starts[..bins as usize]);
                }
            }
        }
        Ok(Grid::Explicit { starts, labels })
    }

    pub(crate) fn bins(&self) -> usize {
        match self {
            Grid::Regular { bins, .. } => *bins,
            Grid::Explicit { labels, .. } => labels.len(),
        }
    }

    fn labels(&self) -> Vec<i64> {
        match self {
            Grid::Regular { origin, step, bins } => {
                let mut out = Vec::with_capacity(*bins);
                let mut t = *origin;
                for _ in 0..*bins {
                    out.push(t);
                    t = t.saturating_add(*step);
                }
                out
            }
            Grid::Explicit { labels, .. } => labels.clone(),
        }
    }

    /// One pass over sorted keys: each bin's mean is emitted when the walk leaves it.
    fn accumulate_sorted(&self, keys: &[i64], values: &[f64]) -> Vec<f64> {
        let n = self.bins();
        let mut out = Vec::with_capacity(n);
        let mut acc = Acc::default();
        match self {
            Grid::Regular { origin, step, .. } => {
                let mut next = origin.saturating_add(*step);
                for (&t, &v) in keys.iter().zip(values) {
                    while t >= next {
                        out.push(acc.mean());
                        acc = Acc::default();
                        next = next.saturating_add(*step);
                    }
                    acc.add(v);
                }
            }
            Grid::Explicit { starts, .. } => {
                let mut k = 0usize;
                for (&t, &v) in keys.iter().zip(values) {
                    while k + 1 < starts.len() && t >= starts[k + 1] {
                        out.push(acc.mean());
                        acc = Acc::default();
                        k += 1;
                    }
                    acc.add(v);
                }
            }
        }
        out.push(acc.mean());
        out.resize(n, f64::NAN);
        out.truncate(n);
        out
    }

    /// Any order: each key's bin is computed, sums are kept per bin.
    fn accumulate_unsorted(
        &self,
        keys: &[i64],
        valid: &dyn Fn(usize) -> bool,
        values: &[f64],
    ) -> Vec<f64> {
        let n = self.bins();
        let mut accs = vec![Acc::default(); n];
        for (i, (&t, &v)) in keys.iter().zip(values).enumerate() {
            if !valid(i) {
                continue;
            }
            let k = match self {
                Grid::Regular { origin, step, .. } => {
                    ((i128::from(t) - i128::from(*origin)) / i128::from(*step)) as usize
                }
                Grid::Explicit { starts, .. } => {
                    starts.partition_point(|&s| s <= t).saturating_sub(1)
                }
            };
            if let Some(a) = accs.get_mut(k) {
                a.add(v);
            }
        }
        accs.iter().map(Acc::mean).collect()
    }
}
