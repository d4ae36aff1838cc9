//! Label bounds for [`Subset`](crate::Subset) and [`ReplaceRanges`](crate::ReplaceRanges), and
//! the selection of the rows between two bounds (both inclusive).
//!
//! A text bound on a datetime index follows pandas' partial-string rules: it stands for the whole
//! period its precision names, so `"2020-01-01"` as an end means "until the end of that day" and
//! `"2020-01-01 00:10"` as an end includes `00:10:59.999999999`. A naive text is read in the
//! index's zone (a wall time that a DST change repeats or skips is an error, as in pandas); a
//! text with an offset (`Z`, `+02:00`) is converted to it. A [`Timestamp`] bound
//! is exact and must be naive on a naive index and zoned on a zoned one.
//!
//! On a duration index a text bound (`"10min"`, `"0 days 01:00:00"`) covers the finer of the
//! unit it is written in and its value's resolution (`"1h"` as an end includes up to
//! `1:59:59.999999999`, `"90min"` up to `1:30:59.999999999`), as pandas does.
//!
//! ```
//! use meteaudata_processing::Bound;
//! use meteaudata_core::Timestamp;
//! let open: Bound = None::<&str>.into();
//! assert_eq!(open, Bound::Open);
//! assert_eq!(Bound::from("2020-01-01"), Bound::Text("2020-01-01".into()));
//! let t = Timestamp::parse("2020-01-01T00:10:00", None)?;
//! assert_eq!(Bound::from(t), Bound::Time(t));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use arrow_array::Array;
use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use meteaudata_core::{
    naive_to_nanos, parse_timedelta, Error, Index, IndexData, ParameterValue, Result, Timestamp,
};

use crate::common::{index_type, is_sorted};
use crate::resample::from_local_strict;
use meteaudata_core::Frequency;

/// One end of a label range.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Bound {
    /// No bound on this side.
    Open,
    /// A text label: a partial date-time on a datetime index, a duration text on a duration
    /// index, a label on a string index.
    Text(String),
    /// An exact instant (naive or zoned).
    Time(Timestamp),
    /// An exact duration in nanoseconds.
    Duration(i64),
    /// An integer label.
    Int(i64),
    /// A float label.
    Float(f64),
}

impl From<&str> for Bound {
    fn from(s: &str) -> Self {
        Bound::Text(s.to_string())
    }
}
impl From<String> for Bound {
    fn from(s: String) -> Self {
        Bound::Text(s)
    }
}
impl From<Timestamp> for Bound {
    fn from(t: Timestamp) -> Self {
        Bound::Time(t)
    }
}
impl From<TimeDelta> for Bound {
    fn from(d: TimeDelta) -> Self {
        Bound::Duration(d.num_nanoseconds().unwrap_or(i64::MAX))
    }
}
impl From<i64> for Bound {
    fn from(i: i64) -> Self {
        Bound::Int(i)
    }
}
impl From<i32> for Bound {
    fn from(i: i32) -> Self {
        Bound::Int(i64::from(i))
    }
}
impl From<f64> for Bound {
    fn from(x: f64) -> Self {
        Bound::Float(x)
    }
}
impl<T: Into<Bound>> From<Option<T>> for Bound {
    fn from(x: Option<T>) -> Self {
        x.map_or(Bound::Open, Into::into)
    }
}

impl Bound {
    /// The value recorded in a step's parameters: exactly what was given (text stays text,
    /// instants stay instants, an open end is `null`).
    pub fn to_parameter(&self) -> ParameterValue {
        match self {
            Bound::Open => ParameterValue::Null,
            Bound::Text(s) => ParameterValue::String(s.clone()),
            Bound::Time(t) => ParameterValue::DateTime(*t),
            Bound::Duration(d) => ParameterValue::Duration(*d),
            Bound::Int(i) => ParameterValue::Int(*i),
            Bound::Float(x) => ParameterValue::Float(*x),
        }
    }

    fn describe(&self) -> String {
        match self {
            Bound::Open => "None".into(),
            Bound::Text(s) => format!("{s:?} (text)"),
            Bound::Time(t) => format!("{} (timestamp)", t.to_iso()),
            Bound::Duration(d) => format!("{d} ns (duration)"),
            Bound::Int(i) => format!("{i} (int)"),
            Bound::Float(x) => format!("{x} (float)"),
        }
    }
}

/// Which end a bound is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Lower,
    Upper,
}

/// A bound resolved against an index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Key {
    I64(i64),
    F64(f64),
    Str(String),
}

/// The rows a label range selects.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Selection {
    /// A contiguous run `start..end` (sorted index).
    Range(usize, usize),
    /// Positions in stored order (any index).
    Positions(Vec<u64>),
}

fn mismatch(function: &str, index: &Index, b: &Bound) -> Error {
    Error::invalid_input(format!(
        "{function}: cannot do slice indexing on {} with the bound {}",
        index_type(index),
        b.describe()
    ))
}

/// Resolution of a partial date-time text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reso {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Milli,
    Micro,
    Nano,
}

/// Parses `YYYY[-MM[-DD[( |T)HH[:MM[:SS[.f…]]]]]][Z|±HH[:MM]]` into its first instant, the
/// first instant after the period it names (both wall clock) and its offset, if any.
fn parse_partial(text: &str) -> Option<(NaiveDateTime, NaiveDateTime, Option<FixedOffset>)> {
    let t = text.trim();
    let (date_part, time_part) = match t.find(['T', ' ']) {
        Some(i) => (&t[..i], Some(t[i + 1..].trim())),
        None => (t, None),
    };
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let mut parts = date_part.split('-');
    let year = num(parts.next()?, 4)? as i32;
    let month = parts.next().map(|m| num(m, 2)).unwrap_or(Some(1));
    let day = parts.next().map(|d| num(d, 2)).unwrap_or(Some(1));
    if parts.next().is_some() {
        return None;
    }
    let reso_date = match date_part.matches('-').count() {
        0 => Reso::Year,
        1 => Reso::Month,
        _ => Reso::Day,
    };
    let date = NaiveDate::from_ymd_opt(year, month?, day?)?;
    let (mut reso, mut time, mut offset) = (reso_date, NaiveTime::MIN, None);
    let mut frac_nanos = 0u32;
    if let Some(tp) = time_part {
        if reso_date != Reso::Day {
            return None;
        }
        // Split off a zone suffix.
        let (clock, zone) = match tp.find(['Z', '+', '-']) {
            Some(i) => (&tp[..i], Some(&tp[i..])),
            None => (tp, None),
        };
        if let Some(z) = zone {
            offset = Some(if z == "Z" {
                FixedOffset::east_opt(0)?
            } else {
                let sign = if z.starts_with('-') { -1 } else { 1 };
                let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
                let (h, m) = match digits.len() {
                    2 => (num(&digits, 2)?, 0),
                    4 => (num(&digits[..2], 2)?, num(&digits[2..], 2)?),
                    _ => return None,
                };
                FixedOffset::east_opt(sign * (h as i32 * 3600 + m as i32 * 60))?
            });
        }
        let (hms, frac) = match clock.split_once('.') {
            Some((a, f)) => (a, Some(f)),
            None => (clock, None),
        };
        let mut f = hms.split(':');
        let h = num(f.next()?, 2)?;
        let m = f.next().map(|x| num(x, 2)).unwrap_or(Some(0))?;
        let s = f.next().map(|x| num(x, 2)).unwrap_or(Some(0))?;
        if f.next().is_some() {
            return None;
        }
        reso = match hms.matches(':').count() {
            0 => Reso::Hour,
            1 => Reso::Minute,
            _ => Reso::Second,
        };
        if let Some(fr) = frac {
            if reso != Reso::Second || fr.is_empty() || fr.len() > 9 {
                return None;
            }
            if !fr.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            frac_nanos = fr.parse::<u32>().ok()? * 10u32.pow(9 - fr.len() as u32);
            reso = match fr.len() {
                1..=3 => Reso::Milli,
                4..=6 => Reso::Micro,
                _ => Reso::Nano,
            };
        }
        time = NaiveTime::from_hms_nano_opt(h, m, s, frac_nanos)?;
    }
    let start = date.and_time(time);
    let end = match reso {
        Reso::Year => NaiveDate::from_ymd_opt(year + 1, 1, 1)?.and_time(NaiveTime::MIN),
        Reso::Month => {
            let (y, m) = if date.month() == 12 {
                (year + 1, 1)
            } else {
                (year, date.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1)?.and_time(NaiveTime::MIN)
        }
        Reso::Day => start + TimeDelta::days(1),
        Reso::Hour => start + TimeDelta::hours(1),
        Reso::Minute => start + TimeDelta::minutes(1),
        Reso::Second => start + TimeDelta::seconds(1),
        Reso::Milli => start + TimeDelta::milliseconds(1),
        Reso::Micro => start + TimeDelta::microseconds(1),
        Reso::Nano => start + TimeDelta::nanoseconds(1),
    };
    Some((start, end, offset))
}

/// Parses an ISO-8601 date-time (date-only, minutes, seconds or fractions; optional `Z` or
/// offset) into a naive or fixed-offset [`Timestamp`].
pub(crate) fn parse_instant(text: &str) -> Option<Timestamp> {
    let (start, _, offset) = parse_partial(text)?;
    let nanos = naive_to_nanos(&start).ok()?;
    Some(match offset {
        None => Timestamp { nanos, tz: None },
        Some(off) => Timestamp {
            nanos: nanos - i64::from(off.local_minus_utc()) * 1_000_000_000,
            tz: Some(if off.local_minus_utc() == 0 {
                meteaudata_core::TimeZone::Utc
            } else {
                meteaudata_core::TimeZone::Fixed(off)
            }),
        },
    })
}

/// Parses a duration text: pandas' `0 days 00:10:00` / ISO forms, or unit sums like `10min`,
/// `1h30min`, `2 days`. Returns the nanoseconds and the finest unit written (in nanoseconds).
pub(crate) fn parse_duration_text(text: &str) -> Option<(i64, i64)> {
    if let Ok(n) = parse_timedelta(text) {
        return Some((n, 1_000_000_000));
    }
    let t = text.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let mut total: i64 = 0;
    let mut finest = i64::MAX;
    let mut rest = t;
    while !rest.is_empty() {
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let after = &rest[num_end..];
        let unit_end = after
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(after.len());
        let unit = after[..unit_end].trim();
        let unit = match unit {
            "day" | "days" => "D",
            "hour" | "hours" => "h",
            "minute" | "minutes" => "min",
            "second" | "seconds" => "s",
            u => u,
        };
        let unit_nanos = Frequency::parse(&format!("1{unit}")).ok()?.fixed_nanos()?;
        finest = finest.min(unit_nanos);
        let number = &rest[..num_end];
        if number.parse::<f64>().ok()? != 0.0 {
            let f = Frequency::parse(&format!("{number}{unit}")).ok()?;
            total = total.checked_add(f.fixed_nanos()?)?;
        }
        rest = &after[unit_end..];
    }
    Some((if neg { -total } else { total }, finest))
}

/// The finest non-zero component of a duration (pandas' `resolution_string`), in nanoseconds.
fn value_resolution(d: i64) -> i64 {
    [
        1,
        1_000,
        1_000_000,
        1_000_000_000,
        60_000_000_000,
        3_600_000_000_000,
    ]
    .into_iter()
    .zip([
        1_000,
        1_000_000,
        1_000_000_000,
        60_000_000_000,
        3_600_000_000_000,
        86_400_000_000_000,
    ])
    .find(|(_, next)| d % next != 0)
    .map_or(86_400_000_000_000, |(unit, _)| unit)
}

impl Bound {
    /// Resolves the bound against `index`, for one side.
    pub(crate) fn resolve(&self, index: &Index, side: Side, function: &str) -> Result<Option<Key>> {
        if *self == Bound::Open {
            return Ok(None);
        }
        let bad = || mismatch(function, index, self);
        let key = match (index.data(), self) {
            (IndexData::DateTime { tz, .. }, Bound::Text(s)) => {
                let (start, end, offset) = parse_partial(s).ok_or_else(|| {
                    Error::parse(
                        "date-time bound",
                        format!("{function}: {s:?} is not a date-time"),
                    )
                })?;
                let wall = match side {
                    Side::Lower => start,
                    Side::Upper => end - TimeDelta::nanoseconds(1),
                };
                let nanos = naive_to_nanos(&wall)?;
                match (tz, offset) {
                    (None, None) => Key::I64(nanos),
                    (None, Some(_)) => {
                        return Err(Error::invalid_input(format!(
                            "{function}: the bound {s:?} has a UTC offset but the index is naive"
                        )))
                    }
                    (Some(_), Some(off)) => {
                        Key::I64(nanos - i64::from(off.local_minus_utc()) * 1_000_000_000)
                    }
                    (Some(z), None) => Key::I64(from_local_strict(nanos, Some(*z), function)?),
                }
            }
            (IndexData::DateTime { tz, .. }, Bound::Time(t)) => match (tz, t.tz) {
                (None, None) | (Some(_), Some(_)) => Key::I64(t.nanos),
                _ => {
                    return Err(Error::invalid_input(format!(
                        "{function}: cannot compare tz-naive and tz-aware date-times ({} against a {} index)",
                        t.to_iso(),
                        if tz.is_some() { "zoned" } else { "naive" }
                    )))
                }
            },
            (IndexData::Timedelta(_), Bound::Duration(d)) => Key::I64(*d),
            (IndexData::Timedelta(_), Bound::Text(s)) => {
                let (d, written) = parse_duration_text(s).ok_or_else(|| {
                    Error::parse(
                        "duration bound",
                        format!("{function}: {s:?} is not a duration"),
                    )
                })?;
                // The text covers the finer of its written unit and its value's resolution.
                let reso = written.min(value_resolution(d));
                let lower = d.div_euclid(reso) * reso;
                Key::I64(match side {
                    Side::Lower => lower,
                    Side::Upper => lower.saturating_add(reso - 1),
                })
            }
            (IndexData::Range { .. } | IndexData::Int(_), Bound::Int(i)) => Key::I64(*i),
            (IndexData::Range { .. } | IndexData::Int(_) | IndexData::Float(_), Bound::Float(x)) => {
                Key::F64(*x)
            }
            (IndexData::Float(_), Bound::Int(i)) => Key::F64(*i as f64),
            (IndexData::String(_), Bound::Text(s)) => Key::Str(s.clone()),
            _ => return Err(bad()),
        };
        Ok(Some(key))
    }
}

/// First position in `0..n` where `pred` turns false, for a predicate true then false.
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

fn run(
    n: usize,
    sorted: bool,
    below_lo: impl Fn(usize) -> bool,
    le_hi: impl Fn(usize) -> bool,
) -> Selection {
    if sorted {
        let start = partition(n, &below_lo);
        let end = partition(n, &le_hi).max(start);
        Selection::Range(start, end)
    } else {
        Selection::Positions(
            (0..n)
                .filter(|&i| !below_lo(i) && le_hi(i))
                .map(|i| i as u64)
                .collect(),
        )
    }
}

/// `label >= key` / `label <= key` for an integer label against a numeric key.
fn int_cmp(label: i64, key: &Key, lower: bool) -> bool {
    match key {
        Key::I64(k) => {
            if lower {
                label >= *k
            } else {
                label <= *k
            }
        }
        Key::F64(k) => {
            let l = label as f64;
            if lower {
                l >= *k
            } else {
                l <= *k
            }
        }
        Key::Str(_) => false,
    }
}

fn float_cmp(label: f64, key: &Key, lower: bool) -> bool {
    let k = match key {
        Key::I64(k) => *k as f64,
        Key::F64(k) => *k,
        Key::Str(_) => return false,
    };
    if lower {
        label >= k
    } else {
        label <= k
    }
}

/// The rows of `index` whose label lies in `[lo, hi]` (bounds already resolved). A sorted index
/// is searched by bisection; any other index is scanned, keeping the stored order. Missing
/// labels (NaT, NaN) are never selected.
pub(crate) fn select(index: &Index, lo: Option<&Key>, hi: Option<&Key>) -> Selection {
    let n = index.len();
    match index.data() {
        IndexData::DateTime { .. } | IndexData::Timedelta(_) => {
            let Some((keys, nulls)) = crate::common::time_keys(index) else {
                return Selection::Positions(Vec::new());
            };
            let valid = |i: usize| nulls.is_none_or(|b| b.is_valid(i));
            let sorted = is_sorted(keys, nulls);
            run(
                n,
                sorted,
                |i| !(valid(i) && lo.is_none_or(|k| int_cmp(keys[i], k, true))),
                |i| valid(i) && hi.is_none_or(|k| int_cmp(keys[i], k, false)),
            )
        }
        IndexData::Range { start, step, .. } => {
            let (start, step) = (*start, *step);
            let label = |i: usize| meteaudata_core::range_label(start, step, i);
            run(
                n,
                step > 0,
                |i| !lo.is_none_or(|k| int_cmp(label(i), k, true)),
                |i| hi.is_none_or(|k| int_cmp(label(i), k, false)),
            )
        }
        IndexData::Int(a) => {
            let v = a.values();
            let valid = |i: usize| a.is_valid(i);
            let sorted = a.null_count() == 0 && v.windows(2).all(|w| w[0] <= w[1]);
            run(
                n,
                sorted,
                |i| !(valid(i) && lo.is_none_or(|k| int_cmp(v[i], k, true))),
                |i| valid(i) && hi.is_none_or(|k| int_cmp(v[i], k, false)),
            )
        }
        IndexData::Float(a) => {
            let v = a.values();
            let valid = |i: usize| a.is_valid(i) && !v[i].is_nan();
            let sorted = (0..n).all(valid) && v.windows(2).all(|w| w[0] <= w[1]);
            run(
                n,
                sorted,
                |i| !(valid(i) && lo.is_none_or(|k| float_cmp(v[i], k, true))),
                |i| valid(i) && hi.is_none_or(|k| float_cmp(v[i], k, false)),
            )
        }
        IndexData::String(a) => {
            let key = |k: &Key| match k {
                Key::Str(s) => s.clone(),
                _ => String::new(),
            };
            let (lo, hi) = (lo.map(key), hi.map(key));
            let valid = |i: usize| a.is_valid(i);
            let sorted = a.null_count() == 0 && (1..n).all(|i| a.value(i - 1) <= a.value(i));
            run(
                n,
                sorted,
                |i| !(valid(i) && lo.as_deref().is_none_or(|k| a.value(i) >= k)),
                |i| valid(i) && hi.as_deref().is_none_or(|k| a.value(i) <= k),
            )
        }
        _ => Selection::Positions(Vec::new()),
    }
}
