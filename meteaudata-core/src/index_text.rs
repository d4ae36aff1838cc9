//! Rebuilding an [`Index`] from text labels and the recorded [`IndexMetadata`] (the inverse of
//! what CSV files and the JSON form hold).

use arrow_array::types::Int32Type;
use arrow_array::{DictionaryArray, Int32Array, StringArray};
use std::collections::HashMap;
use std::sync::Arc;

use crate::index::{Index, IndexData};
use crate::tz::{TimeZone, Timestamp};
use crate::{Error, IndexMetadata, Result};

fn bad(label: &str, what: &str) -> Error {
    Error::parse("index label", format!("{label:?} is not {what}"))
}

/// Parses a duration as pandas writes it (`0 days 00:00:30`, `-1 days +23:59:59.5`) or as
/// ISO-8601 seconds (`PT30S`, `-PT0.5S`, `P1DT2H`), to nanoseconds.
pub fn parse_timedelta(text: &str) -> Result<i64> {
    let t = text.trim();
    let err = || bad(text, "a duration");
    if let Some(rest) = t.strip_prefix('-').filter(|r| r.starts_with('P')) {
        return parse_timedelta(rest).map(|n| -n);
    }
    if let Some(iso) = t.strip_prefix('P') {
        let (date, time) = iso.split_once('T').unwrap_or((iso, ""));
        let mut total: i128 = 0;
        let mut take = |part: &str, units: &[(char, i128)]| -> Result<()> {
            let mut num = String::new();
            for c in part.chars() {
                if c.is_ascii_digit() || c == '.' {
                    num.push(c);
                    continue;
                }
                let scale = units
                    .iter()
                    .find(|(u, _)| *u == c)
                    .map(|(_, s)| *s)
                    .ok_or_else(err)?;
                total += decimal_nanos(&num, scale).ok_or_else(err)?;
                num.clear();
            }
            if num.is_empty() {
                Ok(())
            } else {
                Err(err())
            }
        };
        take(
            date,
            &[('D', 86_400_000_000_000), ('W', 604_800_000_000_000)],
        )?;
        take(
            time,
            &[
                ('H', 3_600_000_000_000),
                ('M', 60_000_000_000),
                ('S', 1_000_000_000),
            ],
        )?;
        return i64::try_from(total).map_err(|_| err());
    }
    // pandas: "[-]D days [+-]HH:MM:SS[.f]"
    let (days, clock) = match t.split_once(" days") {
        Some((d, rest)) => (d.trim().parse::<i64>().map_err(|_| err())?, rest.trim()),
        None => match t.split_once(" day") {
            Some((d, rest)) => (d.trim().parse::<i64>().map_err(|_| err())?, rest.trim()),
            None => (0, t),
        },
    };
    let (sign, clock) = match clock.strip_prefix('-') {
        Some(c) => (-1i128, c),
        None => (1, clock.strip_prefix('+').unwrap_or(clock)),
    };
    let mut clock_ns: i128 = 0;
    if !clock.is_empty() {
        let parts: Vec<&str> = clock.split(':').collect();
        if parts.len() != 3 {
            return Err(err());
        }
        let h: i128 = parts[0].parse().map_err(|_| err())?;
        let m: i128 = parts[1].parse().map_err(|_| err())?;
        let s = decimal_nanos(parts[2], 1_000_000_000).ok_or_else(err)?;
        clock_ns = h * 3_600_000_000_000 + m * 60_000_000_000 + s;
    }
    let total = days as i128 * 86_400_000_000_000 + sign * clock_ns;
    i64::try_from(total).map_err(|_| err())
}

/// `"1.5"` × scale, exactly, in integer arithmetic.
fn decimal_nanos(num: &str, scale: i128) -> Option<i128> {
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let whole: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut f: i128 = 0;
    let mut div: i128 = 1;
    for c in frac.chars().take(18) {
        f = f * 10 + c.to_digit(10)? as i128;
        div *= 10;
    }
    Some(whole * scale + f * scale / div)
}

impl Index {
    /// Rebuilds an index from its text labels (`None` for a missing label) as recorded by
    /// `meta`, the way Python's loader means to:
    ///
    /// * `DatetimeIndex`: ISO or pandas text, with or without offset; naive text is wall time
    ///   in `time_zone`, aware text is converted to it; the frequency is kept.
    /// * `RangeIndex`: rebuilt from `start`/`end`/`step` (the labels must agree in number).
    /// * `Index`: integers or floats per `dtype`, strings otherwise.
    /// * `CategoricalIndex`: labels coded against `categories`, order kept.
    /// * `TimedeltaIndex`: pandas or ISO durations. `PeriodIndex`: text labels.
    /// * Anything else (`IntervalIndex`, `MultiIndex`): string labels.
    ///
    /// ```
    /// use meteaudata_core::{Index, IndexMetadata};
    /// let meta: IndexMetadata = serde_yaml::from_str(
    ///     "type: DatetimeIndex\ndtype: datetime64[us, America/Toronto]\ntime_zone: America/Toronto\nfrequency: h").unwrap();
    /// let idx = Index::from_text_labels(&meta, &[Some("2024-03-10 01:00:00-05:00"), Some("2024-03-10 03:00:00-04:00")]).unwrap();
    /// assert_eq!(idx.label(1), "2024-03-10T03:00:00-04:00");
    /// assert_eq!(idx.frequency(), Some("h"));
    /// ```
    pub fn from_text_labels(meta: &IndexMetadata, labels: &[Option<&str>]) -> Result<Index> {
        let missing = |i: usize| {
            Error::parse(
                "index",
                format!("label {i} is missing in a {} index", meta.index_type),
            )
        };
        let data = match meta.index_type.as_str() {
            "DatetimeIndex" => {
                let tz = match meta.time_zone.as_deref() {
                    Some(z) => Some(z.parse::<TimeZone>()?),
                    None => None,
                };
                let mut nanos = Vec::with_capacity(labels.len());
                for (i, l) in labels.iter().enumerate() {
                    let l = l.ok_or_else(|| missing(i))?;
                    // pandas' str() of a missing timestamp.
                    if l == "NaT" {
                        nanos.push(None);
                        continue;
                    }
                    let mut ts = Timestamp::parse(l, tz)?;
                    if tz.is_none() && ts.tz.is_some() {
                        // aware text without a recorded zone: keep the wall time
                        ts = Timestamp::from_naive(&ts.local())?;
                    }
                    nanos.push(Some(ts.nanos));
                }
                IndexData::DateTime {
                    values: nanos.into(),
                    tz,
                }
            }
            "RangeIndex" => {
                let (start, stop) = match (meta.start, meta.end) {
                    (Some(s), Some(e)) => (s, e),
                    _ => {
                        return Err(Error::parse(
                            "index metadata",
                            "cannot rebuild a RangeIndex without start and end",
                        ))
                    }
                };
                let step = meta.step.unwrap_or(1);
                let data = IndexData::Range { start, stop, step };
                let n = crate::index::range_len(start, stop, if step == 0 { 1 } else { step });
                if n != labels.len() {
                    return Err(Error::Corrupt {
                        location: "index".into(),
                        message: format!(
                            "RangeIndex({start}, {stop}, {step}) has {n} labels but the data has {}",
                            labels.len()
                        ),
                    });
                }
                data
            }
            "Index" | "Int64Index" | "Float64Index" | "UInt64Index" | "NumericIndex" => {
                let dtype = meta.dtype.to_ascii_lowercase();
                if dtype.starts_with("int") || dtype.starts_with("uint") {
                    let mut v = Vec::with_capacity(labels.len());
                    for (i, l) in labels.iter().enumerate() {
                        let l = l.ok_or_else(|| missing(i))?;
                        v.push(l.trim().parse::<i64>().map_err(|_| bad(l, "an integer"))?);
                    }
                    IndexData::Int(v.into())
                } else if dtype.starts_with("float") {
                    let mut v = Vec::with_capacity(labels.len());
                    for l in labels {
                        v.push(match l {
                            None => f64::NAN,
                            Some(t) => parse_float(t).ok_or_else(|| bad(t, "a number"))?,
                        });
                    }
                    IndexData::Float(v.into())
                } else {
                    IndexData::String(labels.iter().copied().collect())
                }
            }
            "CategoricalIndex" => {
                let cats: Vec<String> = meta
                    .categories
                    .as_ref()
                    .map(|c| c.iter().map(|v| v.to_string()).collect())
                    .unwrap_or_default();
                let lookup: HashMap<&str, i32> = cats
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.as_str(), i as i32))
                    .collect();
                let mut keys = Vec::with_capacity(labels.len());
                for l in labels {
                    keys.push(match l {
                        None => None,
                        Some(t) => Some(*lookup.get(t).ok_or_else(|| bad(t, "a known category"))?),
                    });
                }
                let values = DictionaryArray::<Int32Type>::try_new(
                    Int32Array::from(keys),
                    Arc::new(StringArray::from(cats)),
                )
                .map_err(|e| Error::parse("categorical index", e))?;
                IndexData::Categorical {
                    values,
                    ordered: meta.ordered.unwrap_or(false),
                }
            }
            "TimedeltaIndex" => {
                let mut v = Vec::with_capacity(labels.len());
                for (i, l) in labels.iter().enumerate() {
                    v.push(parse_timedelta(l.ok_or_else(|| missing(i))?)?);
                }
                IndexData::Timedelta(v.into())
            }
            "PeriodIndex" => IndexData::Period(labels.iter().copied().collect()),
            _ => IndexData::String(labels.iter().copied().collect()),
        };
        let mut index = Index::new(data)?;
        index.set_name(meta.name.clone());
        if matches!(
            meta.index_type.as_str(),
            "DatetimeIndex" | "TimedeltaIndex" | "PeriodIndex"
        ) {
            index.set_frequency(meta.frequency.clone());
        }
        Ok(index)
    }
}

/// Parses a float as Python writes it (`1.5`, `nan`, `inf`, `-inf`, `1e-05`).
pub fn parse_float(text: &str) -> Option<f64> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "inf" | "+inf" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        _ => t.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nat_labels_are_missing_timestamps() {
        let index = Index::datetime_nanos(vec![0], None);
        let meta = index.metadata();
        let back =
            Index::from_text_labels(&meta, &[Some("1970-01-01 00:00:00"), Some("NaT")]).unwrap();
        match back.data() {
            IndexData::DateTime { values, .. } => {
                assert_eq!(values.len(), 2);
                assert_eq!(values.value(0), 0);
                assert!(arrow_array::Array::is_null(values, 1));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn timedeltas() {
        assert_eq!(parse_timedelta("0 days 00:00:30").unwrap(), 30_000_000_000);
        assert_eq!(
            parse_timedelta("1 days 01:00:00.5").unwrap(),
            90_000_500_000_000
        );
        assert_eq!(
            parse_timedelta("-1 days +23:59:59").unwrap(),
            -1_000_000_000
        );
        assert_eq!(parse_timedelta("PT30S").unwrap(), 30_000_000_000);
        assert_eq!(parse_timedelta("-PT0.5S").unwrap(), -500_000_000);
        assert_eq!(parse_timedelta("P1DT2H").unwrap(), 93_600_000_000_000);
        assert!(parse_timedelta("soon").is_err());
    }
}
