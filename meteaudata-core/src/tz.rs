//! Time zones and zoned timestamps with nanosecond precision.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone as _, Utc};
use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// The zone of a datetime index or parameter: UTC, a named IANA zone (kept by name, so DST rules
/// survive every round trip), or a fixed offset.
///
/// The text form is the one Python writes in `IndexMetadata.time_zone` (`UTC`,
/// `America/Toronto`, `UTC-05:00`); reading also accepts `+05:00`, `Z` and `Etc/...` names.
///
/// ```
/// use meteaudata_core::TimeZone;
/// let tz: TimeZone = "America/Toronto".parse().unwrap();
/// assert_eq!(tz.to_string(), "America/Toronto");
/// let fixed: TimeZone = "UTC-05:00".parse().unwrap();
/// assert_eq!(fixed.to_string(), "UTC-05:00");
/// assert_eq!(fixed.arrow_name(), "-05:00");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeZone {
    /// Coordinated Universal Time.
    Utc,
    /// A named IANA zone.
    Named(chrono_tz::Tz),
    /// A fixed offset from UTC.
    Fixed(FixedOffset),
}

impl TimeZone {
    /// The offset from UTC at the UTC instant `utc`.
    pub fn offset_at(&self, utc: &NaiveDateTime) -> FixedOffset {
        match self {
            TimeZone::Utc => FixedOffset::east_opt(0).unwrap_or_else(|| Utc.fix()),
            TimeZone::Named(tz) => tz.offset_from_utc_datetime(utc).fix(),
            TimeZone::Fixed(off) => *off,
        }
    }

    /// The zone string Arrow uses in `Timestamp(_, Some(tz))`: `UTC`, an IANA name or `±HH:MM`.
    pub fn arrow_name(&self) -> String {
        match self {
            TimeZone::Utc => "UTC".to_string(),
            TimeZone::Named(tz) => tz.name().to_string(),
            TimeZone::Fixed(off) => format_offset(*off),
        }
    }

    /// Converts wall-clock time in this zone to a UTC instant, refusing times that a DST change
    /// repeats (fall-back) or skips (spring-forward), as pandas does for unhinted localisation.
    pub fn local_to_utc_strict(&self, local: &NaiveDateTime) -> Result<NaiveDateTime> {
        use chrono::LocalResult;
        let res = match self {
            TimeZone::Utc => return Ok(*local),
            TimeZone::Fixed(off) => off.from_local_datetime(local).map(|d| d.naive_utc()),
            TimeZone::Named(tz) => tz.from_local_datetime(local).map(|d| d.naive_utc()),
        };
        match res {
            LocalResult::Single(t) => Ok(t),
            LocalResult::Ambiguous(..) => Err(Error::invalid_input(format!(
                "{local} is ambiguous in time zone {self} (a DST change repeats it)"
            ))),
            LocalResult::None => Err(Error::invalid_input(format!(
                "{local} does not exist in time zone {self}"
            ))),
        }
    }

    /// Converts wall-clock time in this zone to a UTC instant. Ambiguous times (DST fall-back)
    /// take the earlier instant; non-existent ones (spring-forward) are an error.
    pub fn local_to_utc(&self, local: &NaiveDateTime) -> Result<NaiveDateTime> {
        let res = match self {
            TimeZone::Utc => return Ok(*local),
            TimeZone::Fixed(off) => off
                .from_local_datetime(local)
                .earliest()
                .map(|d| d.naive_utc()),
            TimeZone::Named(tz) => tz
                .from_local_datetime(local)
                .earliest()
                .map(|d| d.naive_utc()),
        };
        res.ok_or_else(|| {
            Error::invalid_input(format!("{local} does not exist in time zone {self}"))
        })
    }
}

fn format_offset(off: FixedOffset) -> String {
    let secs = off.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeZone::Utc => f.write_str("UTC"),
            TimeZone::Named(tz) => f.write_str(tz.name()),
            TimeZone::Fixed(off) => write!(f, "UTC{}", format_offset(*off)),
        }
    }
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => (&rest[..2], &rest[2..]),
        None => (rest, "0"),
    };
    let h: i32 = h.parse().ok()?;
    let m: i32 = m.parse().ok()?;
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

impl FromStr for TimeZone {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("utc") || t == "Z" || t == "UTC+00:00" || t == "+00:00" {
            return Ok(TimeZone::Utc);
        }
        if let Some(rest) = t.strip_prefix("UTC") {
            if let Some(off) = parse_offset(rest) {
                return Ok(TimeZone::Fixed(off));
            }
        }
        if let Some(off) = parse_offset(t) {
            return Ok(TimeZone::Fixed(off));
        }
        t.parse::<chrono_tz::Tz>()
            .map(TimeZone::Named)
            .map_err(|_| Error::parse("time zone", format!("{s:?} is not a known time zone")))
    }
}

/// An instant with nanosecond precision and an optional zone.
///
/// `nanos` counts nanoseconds since the Unix epoch: of UTC when `tz` is set, of wall-clock time
/// when it is `None` (a naive timestamp), the same convention as Arrow's timestamp arrays.
///
/// ```
/// use meteaudata_core::{Timestamp, TimeZone};
/// let t = Timestamp::parse("2024-03-10T03:00:00-04:00", Some("America/Toronto".parse().unwrap())).unwrap();
/// assert_eq!(t.to_iso(), "2024-03-10T03:00:00-04:00");
/// let naive = Timestamp::parse("2024-01-01 00:15:00", None).unwrap();
/// assert_eq!(naive.to_iso(), "2024-01-01T00:15:00");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    /// Nanoseconds since the epoch (UTC when zoned, wall clock when naive).
    pub nanos: i64,
    /// The zone, or `None` for a naive timestamp.
    pub tz: Option<TimeZone>,
}

impl Timestamp {
    /// A naive timestamp from wall-clock time.
    pub fn from_naive(naive: &NaiveDateTime) -> Result<Self> {
        Ok(Timestamp {
            nanos: naive_to_nanos(naive)?,
            tz: None,
        })
    }

    /// The wall-clock time (in the zone, when zoned).
    pub fn local(&self) -> NaiveDateTime {
        let n = nanos_to_naive(self.nanos);
        match self.tz {
            None => n,
            Some(tz) => n + tz.offset_at(&n),
        }
    }

    /// ISO-8601 text: `YYYY-MM-DDTHH:MM:SS[.fff…][±HH:MM]`, with as many fractional digits as
    /// needed (3, 6 or 9) and `+00:00` for UTC.
    ///
    /// Historic zone offsets with seconds (LMT, `-03:30:52`) cannot be written as `±HH:MM`;
    /// such instants are written in UTC (`+00:00`), which reads back to the same instant.
    pub fn to_iso(&self) -> String {
        let utc = nanos_to_naive(self.nanos);
        let (wall, off) = match self.tz {
            None => (utc, None),
            Some(tz) => {
                let off = tz.offset_at(&utc);
                if off.local_minus_utc() % 60 == 0 {
                    (utc + off, Some(off))
                } else {
                    (utc, FixedOffset::east_opt(0))
                }
            }
        };
        let mut s = wall.format("%Y-%m-%dT%H:%M:%S").to_string();
        push_fraction(&mut s, self.nanos.rem_euclid(1_000_000_000));
        if let Some(off) = off {
            s.push_str(&format_offset(off));
        }
        s
    }

    /// Parses ISO-8601 (`T` or space separator, optional offset, date-only allowed). With `tz`,
    /// a value carrying an offset is converted to that zone and a naive value is read as wall
    /// time in it; without `tz`, an offset is kept as a fixed-offset zone.
    pub fn parse(s: &str, tz: Option<TimeZone>) -> Result<Self> {
        let t = s.trim();
        let normal = if t.len() > 10 && t.as_bytes()[10] == b' ' {
            format!("{}T{}", &t[..10], &t[11..])
        } else if t.len() == 10 {
            format!("{t}T00:00:00")
        } else {
            t.to_string()
        };
        let err = || Error::parse("timestamp", format!("{s:?} is not an ISO-8601 date/time"));
        let aware = DateTime::parse_from_rfc3339(&normal)
            .ok()
            .or_else(|| DateTime::parse_from_str(&normal, "%Y-%m-%dT%H:%M:%S%.f%:z").ok())
            .or_else(|| DateTime::parse_from_str(&normal, "%Y-%m-%dT%H:%M:%S%.f%z").ok())
            .or_else(|| DateTime::parse_from_str(&normal, "%Y-%m-%dT%H:%M%:z").ok());
        if let Some(dt) = aware {
            let nanos = naive_to_nanos(&dt.naive_utc())?;
            let zone = tz.unwrap_or_else(|| {
                if dt.offset().local_minus_utc() == 0 {
                    TimeZone::Utc
                } else {
                    TimeZone::Fixed(*dt.offset())
                }
            });
            return Ok(Timestamp {
                nanos,
                tz: Some(zone),
            });
        }
        let naive = NaiveDateTime::parse_from_str(&normal, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(&normal, "%Y-%m-%dT%H:%M"))
            .map_err(|_| err())?;
        match tz {
            None => Timestamp::from_naive(&naive),
            Some(zone) => Ok(Timestamp {
                nanos: naive_to_nanos(&zone.local_to_utc(&naive)?)?,
                tz: Some(zone),
            }),
        }
    }
}

pub(crate) fn push_fraction(s: &mut String, frac: i64) {
    if frac == 0 {
        return;
    }
    if frac % 1_000_000 == 0 {
        s.push_str(&format!(".{:03}", frac / 1_000_000));
    } else if frac % 1_000 == 0 {
        s.push_str(&format!(".{:06}", frac / 1_000));
    } else {
        s.push_str(&format!(".{frac:09}"));
    }
}

/// Nanoseconds since the epoch for a naive date-time, or an error when out of `i64` range.
pub fn naive_to_nanos(naive: &NaiveDateTime) -> Result<i64> {
    naive.and_utc().timestamp_nanos_opt().ok_or_else(|| {
        Error::invalid_input(format!(
            "{naive} is outside the nanosecond range (1677-09-21 to 2262-04-11)"
        ))
    })
}

/// The naive date-time for nanoseconds since the epoch.
pub fn nanos_to_naive(nanos: i64) -> NaiveDateTime {
    DateTime::from_timestamp_nanos(nanos).naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_localisation_and_short_offsets() {
        let tz: TimeZone = "America/Toronto".parse().unwrap();
        let d = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        assert!(
            tz.local_to_utc_strict(&d("2024-11-03 01:30")).is_err(),
            "repeated"
        );
        assert!(
            tz.local_to_utc_strict(&d("2024-03-10 02:30")).is_err(),
            "skipped"
        );
        assert!(
            tz.local_to_utc(&d("2024-11-03 01:30")).is_ok(),
            "lenient takes the earlier"
        );
        assert_eq!(
            tz.local_to_utc_strict(&d("2024-01-01 00:00")).unwrap(),
            d("2024-01-01 05:00")
        );
        let t = Timestamp::parse("2020-01-01T06:00-05:00", None).unwrap();
        assert_eq!(t.to_iso(), "2020-01-01T06:00:00-05:00");
    }
}
