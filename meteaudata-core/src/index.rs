//! The index of a series: datetimes (with zone and nanosecond precision), ranges, integers,
//! floats, strings, categories, durations and periods, held in Arrow arrays.

use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, DictionaryArray, DurationNanosecondArray, Float64Array, Int64Array,
    StringArray, TimestampNanosecondArray,
};
use chrono::{NaiveDateTime, TimeDelta};
use std::sync::Arc;

use crate::tz::{naive_to_nanos, TimeZone, Timestamp};
use crate::{Error, IndexMetadata, Result};

/// The labels of an index, by kind.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum IndexData {
    /// Datetimes: nanoseconds since the epoch (UTC when zoned, wall clock when naive).
    DateTime {
        /// The instants.
        values: TimestampNanosecondArray,
        /// The zone, `None` for naive datetimes.
        tz: Option<TimeZone>,
    },
    /// `start, start+step, …` up to `stop` (exclusive), like Python's `range`.
    Range {
        /// First value.
        start: i64,
        /// End, exclusive.
        stop: i64,
        /// Step (non-zero).
        step: i64,
    },
    /// Integer labels.
    Int(Int64Array),
    /// Float labels.
    Float(Float64Array),
    /// String labels.
    String(StringArray),
    /// Categorical labels with their category list.
    Categorical {
        /// Codes into `categories`.
        values: DictionaryArray<Int32Type>,
        /// Whether the categories are ordered.
        ordered: bool,
    },
    /// Durations (pandas `TimedeltaIndex`), in nanoseconds.
    Timedelta(DurationNanosecondArray),
    /// Periods (pandas `PeriodIndex`), kept as their text labels (`2024-01`).
    Period(StringArray),
}

/// An index: its labels, an optional name and an optional frequency string (pandas alias such
/// as `15min`, `h`, `D`).
///
/// ```
/// use meteaudata_core::Index;
/// use chrono::{NaiveDate, TimeDelta};
/// let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
/// let idx = Index::date_range(start, 4, TimeDelta::minutes(15), None).unwrap().with_frequency("15min");
/// assert_eq!(idx.len(), 4);
/// assert_eq!(idx.label(1), "2024-01-01T00:15:00");
/// assert_eq!(idx.metadata().frequency.as_deref(), Some("15min"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    data: IndexData,
    name: Option<String>,
    frequency: Option<String>,
}

impl Index {
    /// An index over `data`, unnamed, without frequency.
    pub fn new(data: IndexData) -> Result<Self> {
        if let IndexData::Range { step: 0, .. } = data {
            return Err(Error::invalid_input("a range index needs a non-zero step"));
        }
        Ok(Index {
            data,
            name: None,
            frequency: None,
        })
    }

    /// A range index `0..len`.
    pub fn range(len: usize) -> Self {
        Index {
            data: IndexData::Range {
                start: 0,
                stop: len as i64,
                step: 1,
            },
            name: None,
            frequency: None,
        }
    }

    /// A datetime index from nanosecond instants (UTC when `tz` is set, wall clock otherwise).
    pub fn datetime_nanos(nanos: Vec<i64>, tz: Option<TimeZone>) -> Self {
        Index {
            data: IndexData::DateTime {
                values: TimestampNanosecondArray::from(nanos),
                tz,
            },
            name: None,
            frequency: None,
        }
    }

    /// A naive datetime index from wall-clock date-times.
    pub fn datetimes(values: &[NaiveDateTime]) -> Result<Self> {
        let nanos = values
            .iter()
            .map(naive_to_nanos)
            .collect::<Result<Vec<_>>>()?;
        Ok(Index::datetime_nanos(nanos, None))
    }

    /// `periods` datetimes from the wall-clock `start`, `step` apart; with `tz`, `start` is wall
    /// time in that zone and steps are exact durations.
    pub fn date_range(
        start: NaiveDateTime,
        periods: usize,
        step: TimeDelta,
        tz: Option<TimeZone>,
    ) -> Result<Self> {
        let first = match tz {
            Some(z) => naive_to_nanos(&z.local_to_utc(&start)?)?,
            None => naive_to_nanos(&start)?,
        };
        let step = step
            .num_nanoseconds()
            .ok_or_else(|| Error::invalid_input("step too large"))?;
        let mut out = Vec::with_capacity(periods);
        let mut cur = first;
        for _ in 0..periods {
            out.push(cur);
            cur = cur
                .checked_add(step)
                .ok_or_else(|| Error::invalid_input("date range overflows"))?;
        }
        Ok(Index::datetime_nanos(out, tz))
    }

    /// Integer labels.
    pub fn ints(values: Vec<i64>) -> Self {
        Index {
            data: IndexData::Int(values.into()),
            name: None,
            frequency: None,
        }
    }

    /// Float labels.
    pub fn floats(values: Vec<f64>) -> Self {
        Index {
            data: IndexData::Float(values.into()),
            name: None,
            frequency: None,
        }
    }

    /// String labels.
    pub fn strings<S: AsRef<str>>(values: &[S]) -> Self {
        Index {
            data: IndexData::String(values.iter().map(|s| Some(s.as_ref())).collect()),
            name: None,
            frequency: None,
        }
    }

    /// Sets the name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets or clears the name.
    pub fn set_name(&mut self, name: Option<String>) {
        self.name = name;
    }

    /// Sets the frequency string.
    pub fn with_frequency(mut self, frequency: impl Into<String>) -> Self {
        self.frequency = Some(frequency.into());
        self
    }

    /// Sets or clears the frequency.
    pub fn set_frequency(&mut self, frequency: Option<String>) {
        self.frequency = frequency;
    }

    /// The labels.
    pub fn data(&self) -> &IndexData {
        &self.data
    }

    /// The index name.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The frequency string.
    pub fn frequency(&self) -> Option<&str> {
        self.frequency.as_deref()
    }

    /// The zone of a datetime index.
    pub fn time_zone(&self) -> Option<TimeZone> {
        match &self.data {
            IndexData::DateTime { tz, .. } => *tz,
            _ => None,
        }
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        match &self.data {
            IndexData::DateTime { values, .. } => values.len(),
            IndexData::Range { start, stop, step } => range_len(*start, *stop, *step),
            IndexData::Int(a) => a.len(),
            IndexData::Float(a) => a.len(),
            IndexData::String(a) => a.len(),
            IndexData::Categorical { values, .. } => values.len(),
            IndexData::Timedelta(a) => a.len(),
            IndexData::Period(a) => a.len(),
        }
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The labels as one Arrow array (a range is materialised as `Int64`; datetimes carry
    /// their zone in the data type).
    pub fn to_arrow(&self) -> ArrayRef {
        match &self.data {
            IndexData::DateTime { values, tz } => {
                Arc::new(values.clone().with_timezone_opt(tz.map(|z| z.arrow_name())))
            }
            IndexData::Range { start, stop, step } => {
                let n = range_len(*start, *stop, *step);
                Arc::new(Int64Array::from_iter_values(
                    (0..n).map(|i| range_label(*start, *step, i)),
                ))
            }
            IndexData::Int(a) => Arc::new(a.clone()),
            IndexData::Float(a) => Arc::new(a.clone()),
            IndexData::String(a) => Arc::new(a.clone()),
            IndexData::Categorical { values, .. } => Arc::new(values.clone()),
            IndexData::Timedelta(a) => Arc::new(a.clone()),
            IndexData::Period(a) => Arc::new(a.clone()),
        }
    }

    /// The label at `i` as text (ISO-8601 for datetimes, `PT…` seconds for durations).
    ///
    /// # Panics
    /// When `i >= self.len()`.
    pub fn label(&self, i: usize) -> String {
        match &self.data {
            IndexData::DateTime { values, tz } => {
                if values.is_null(i) {
                    return "NaT".into();
                }
                Timestamp {
                    nanos: values.value(i),
                    tz: *tz,
                }
                .to_iso()
            }
            IndexData::Range { start, step, .. } => range_label(*start, *step, i).to_string(),
            IndexData::Int(a) => a.value(i).to_string(),
            IndexData::Float(a) => format!("{:?}", a.value(i)),
            IndexData::String(a) | IndexData::Period(a) => a.value(i).to_string(),
            IndexData::Categorical { values, .. } => {
                let cats = values.values();
                let key = values.keys().value(i) as usize;
                cats.as_any()
                    .downcast_ref::<StringArray>()
                    .map(|c| c.value(key).to_string())
                    .unwrap_or_default()
            }
            IndexData::Timedelta(a) => iso_duration(a.value(i)),
        }
    }

    /// The [`IndexMetadata`] Python would record for this index.
    pub fn metadata(&self) -> IndexMetadata {
        let mut m = IndexMetadata {
            index_type: String::new(),
            name: self.name.clone(),
            frequency: None,
            time_zone: None,
            closed: None,
            categories: None,
            ordered: None,
            start: None,
            end: None,
            step: None,
            dtype: String::new(),
        };
        match &self.data {
            IndexData::DateTime { tz, .. } => {
                m.index_type = "DatetimeIndex".into();
                m.frequency = self.frequency.clone();
                m.time_zone = tz.map(|z| z.to_string());
                m.dtype = match tz {
                    Some(z) => format!("datetime64[ns, {z}]"),
                    None => "datetime64[ns]".into(),
                };
            }
            IndexData::Range { start, stop, step } => {
                m.index_type = "RangeIndex".into();
                m.start = Some(*start);
                m.end = Some(*stop);
                m.step = Some(*step);
                m.dtype = "int64".into();
            }
            IndexData::Int(_) => {
                m.index_type = "Index".into();
                m.dtype = "int64".into();
            }
            IndexData::Float(_) => {
                m.index_type = "Index".into();
                m.dtype = "float64".into();
            }
            IndexData::String(_) => {
                m.index_type = "Index".into();
                m.dtype = "str".into();
            }
            IndexData::Categorical { values, ordered } => {
                m.index_type = "CategoricalIndex".into();
                m.ordered = Some(*ordered);
                m.categories = values
                    .values()
                    .as_any()
                    .downcast_ref::<StringArray>()
                    .map(|c| c.iter().map(|s| s.unwrap_or_default().into()).collect());
                m.dtype = "category".into();
            }
            IndexData::Timedelta(_) => {
                m.index_type = "TimedeltaIndex".into();
                m.frequency = self.frequency.clone();
                m.dtype = "timedelta64[ns]".into();
            }
            IndexData::Period(_) => {
                m.index_type = "PeriodIndex".into();
                m.frequency = self.frequency.clone();
                m.dtype = format!("period[{}]", self.frequency.as_deref().unwrap_or("D"));
            }
        }
        m
    }
}

/// Label `i` of the range `start, start + step, …`: exact for every position inside the range
/// (the label lies between `start` and `stop`), with no overflow on the way for extreme steps.
pub fn range_label(start: i64, step: i64, i: usize) -> i64 {
    start.wrapping_add((i as i64).wrapping_mul(step))
}

pub(crate) fn range_len(start: i64, stop: i64, step: i64) -> usize {
    // In i128: the bounds may span the whole i64 range (a stored layout can say anything).
    let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
    let len = if step > 0 && stop > start {
        (stop - start - 1) / step + 1
    } else if step < 0 && stop < start {
        (start - stop - 1) / (-step) + 1
    } else {
        0
    };
    usize::try_from(len).unwrap_or(usize::MAX)
}

/// ISO-8601 duration in seconds (`PT30S`, `-PT0.5S`), as pandas writes timedeltas in JSON.
pub(crate) fn iso_duration(nanos: i64) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let n = nanos.unsigned_abs();
    let secs = n / 1_000_000_000;
    let frac = n % 1_000_000_000;
    if frac == 0 {
        format!("{sign}PT{secs}S")
    } else {
        let f = format!("{frac:09}");
        format!("{sign}PT{secs}.{}S", f.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_lengths() {
        assert_eq!(range_len(10, 16, 2), 3);
        assert_eq!(range_len(0, 0, 1), 0);
        assert_eq!(range_len(5, 0, -2), 3);
        assert_eq!(range_len(0, 5, -1), 0);
        // The whole i64 range: no overflow.
        assert_eq!(range_len(i64::MIN, i64::MAX, 1), usize::MAX);
        assert_eq!(range_len(i64::MAX, i64::MIN, i64::MIN), 2);
        assert_eq!(range_len(i64::MIN, i64::MAX, i64::MAX), 3);
        assert_eq!(range_label(i64::MIN, i64::MAX, 2), i64::MAX - 1);
        assert_eq!(range_label(10, -3, 4), -2);
        assert!(Index::new(IndexData::Range {
            start: 0,
            stop: 1,
            step: 0
        })
        .is_err());
    }

    #[test]
    fn labels_and_metadata() {
        let tz: TimeZone = "America/Toronto".parse().unwrap();
        let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 10)
            .unwrap()
            .and_hms_opt(1, 0, 0)
            .unwrap();
        let idx = Index::date_range(start, 3, TimeDelta::hours(1), Some(tz)).unwrap();
        assert_eq!(idx.label(0), "2024-03-10T01:00:00-05:00");
        assert_eq!(idx.label(1), "2024-03-10T03:00:00-04:00");
        let m = idx.metadata();
        assert_eq!(m.dtype, "datetime64[ns, America/Toronto]");
        assert_eq!(m.time_zone.as_deref(), Some("America/Toronto"));
        assert_eq!(iso_duration(30_000_000_000), "PT30S");
        assert_eq!(iso_duration(-500_000_000), "-PT0.5S");
    }
}
