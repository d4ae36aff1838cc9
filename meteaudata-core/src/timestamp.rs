//! Metadata timestamps (`created_on`, `last_updated`, `run_datetime`) as Python writes them.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Timelike};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// A metadata timestamp: a wall-clock date and time with an optional UTC offset.
///
/// Python meteaudata stores naive local times (`datetime.now()`) and writes them with
/// `isoformat()`. We write the same ISO form, always with six fractional digits (Python's
/// `Signal` loader requires them in `last_updated`), or nine when the value has sub-microsecond
/// precision. Reading accepts `T` or a space as separator, any number of fractional digits, a
/// trailing offset or `Z`, and date-only values.
///
/// ```
/// use meteaudata_core::MetaTime;
/// let t: MetaTime = "2026-11-24T21:58:19.535030".parse().unwrap();
/// assert_eq!(t.to_string(), "2026-11-24T21:58:19.535030");
/// let whole: MetaTime = "2024-06-18 10:00:00".parse().unwrap();
/// assert_eq!(whole.to_string(), "2024-06-18T10:00:00.000000");
/// let aware: MetaTime = "2024-01-01T00:00:00+02:00".parse().unwrap();
/// assert_eq!(aware.to_string(), "2024-01-01T00:00:00.000000+02:00");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MetaTime {
    naive: NaiveDateTime,
    offset: Option<FixedOffset>,
}

impl MetaTime {
    /// The current local wall-clock time, truncated to microseconds (as Python's `now()`).
    pub fn now() -> Self {
        let now = Local::now().naive_local();
        let micros = now.nanosecond() / 1_000 * 1_000;
        MetaTime {
            naive: now.with_nanosecond(micros).unwrap_or(now),
            offset: None,
        }
    }

    /// A naive (zone-less) timestamp.
    pub fn naive(naive: NaiveDateTime) -> Self {
        MetaTime {
            naive,
            offset: None,
        }
    }

    /// A timestamp with a UTC offset.
    pub fn with_offset(dt: DateTime<FixedOffset>) -> Self {
        MetaTime {
            naive: dt.naive_local(),
            offset: Some(*dt.offset()),
        }
    }

    /// The wall-clock part.
    pub fn naive_local(&self) -> NaiveDateTime {
        self.naive
    }

    /// The UTC offset, when the value is aware.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }
}

impl From<NaiveDateTime> for MetaTime {
    fn from(value: NaiveDateTime) -> Self {
        MetaTime::naive(value)
    }
}

impl fmt::Display for MetaTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let frac = if self.naive.nanosecond().is_multiple_of(1_000) {
            "%Y-%m-%dT%H:%M:%S%.6f"
        } else {
            "%Y-%m-%dT%H:%M:%S%.9f"
        };
        write!(f, "{}", self.naive.format(frac))?;
        if let Some(off) = self.offset {
            let secs = off.local_minus_utc();
            let sign = if secs < 0 { '-' } else { '+' };
            let secs = secs.abs();
            write!(f, "{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)?;
            if secs % 60 != 0 {
                write!(f, ":{:02}", secs % 60)?;
            }
        }
        Ok(())
    }
}

impl FromStr for MetaTime {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        let err = || Error::parse("timestamp", format!("{s:?} is not an ISO-8601 date/time"));
        if t.len() == 10 {
            let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| err())?;
            return Ok(MetaTime::naive(d.and_time(chrono::NaiveTime::MIN)));
        }
        let normal = if t.len() > 10 && t.as_bytes()[10] == b' ' {
            format!("{}T{}", &t[..10], &t[11..])
        } else {
            t.to_string()
        };
        if let Ok(dt) = DateTime::parse_from_rfc3339(&normal) {
            return Ok(MetaTime::with_offset(dt));
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
            if let Ok(dt) = DateTime::parse_from_str(&normal, fmt) {
                return Ok(MetaTime::with_offset(dt));
            }
        }
        for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(n) = NaiveDateTime::parse_from_str(&normal, fmt) {
                return Ok(MetaTime::naive(n));
            }
        }
        Err(err())
    }
}

impl Serialize for MetaTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MetaTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_python_form() {
        for (input, out) in [
            ("2026-11-24T21:58:19.535030", "2026-11-24T21:58:19.535030"),
            ("2026-11-24T21:58:19", "2026-11-24T21:58:19.000000"),
            ("2024-06-18 10:00:00.123456", "2024-06-18T10:00:00.123456"),
            ("2024-01-01", "2024-01-01T00:00:00.000000"),
            ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000000+00:00"),
            (
                "2024-01-01T05:00:00-05:00",
                "2024-01-01T05:00:00.000000-05:00",
            ),
            (
                "2024-01-01T00:00:00.123456789",
                "2024-01-01T00:00:00.123456789",
            ),
        ] {
            let t: MetaTime = input.parse().unwrap();
            assert_eq!(t.to_string(), out, "{input}");
            let again: MetaTime = out.parse().unwrap();
            assert_eq!(again, t);
        }
        assert!("yesterday".parse::<MetaTime>().is_err());
        assert!("2024-13-01".parse::<MetaTime>().is_err());
    }

    #[test]
    fn now_has_microsecond_precision() {
        assert_eq!(MetaTime::now().naive_local().nanosecond() % 1000, 0);
    }
}
