//! Frequency aliases: the pandas offset strings (`15min`, `2h`, `D`, `W-MON`, `ME`, `QS`, ...)
//! parsed into a [`Frequency`], and the calendar arithmetic resampling needs.
//!
//! Accepted forms are `[<multiple>][ ]<alias>[-<anchor>]`:
//!
//! | alias | meaning | anchor | canonical text |
//! |---|---|---|---|
//! | `ns`, `us`, `ms`, `s`, `min`, `h` | fixed durations | — | `15min`, `h`, `90s` |
//! | `D` | calendar day (local midnight to local midnight) | — | `D`, `2D` |
//! | `W` | week ending on a weekday, right-closed | `-SUN` (default) … `-SAT` | `W-SUN` |
//! | `ME` / `MS` | month end (right-closed) / month start | — | `ME`, `MS` |
//! | `QE` / `QS` | quarter end / start | `-DEC` / `-JAN` (default) | `QE-DEC`, `QS-JAN` |
//! | `YE` / `YS` | year end / start | `-DEC` / `-JAN` (default) | `YE-DEC`, `YS-JAN` |
//!
//! Old aliases that pandas 3 no longer accepts are read too (`H`, `T`, `S`, `L`, `U`, `N`,
//! `M`, `Q`, `A`, `Y`, `AS`, and the lower/upper-case spellings `d`, `w`, `Min`, `MIN`), and a
//! fractional multiple of a fixed duration is converted to a smaller unit as pandas does
//! (`0.5h` → `30min`).
//!
//! ```
//! use meteaudata_processing::Frequency;
//! assert_eq!(Frequency::parse("15min")?.to_string(), "15min");
//! assert_eq!(Frequency::parse("1D")?.to_string(), "D");
//! assert_eq!(Frequency::parse("W")?.to_string(), "W-SUN");
//! assert_eq!(Frequency::parse("0.5h")?.to_string(), "30min");
//! assert_eq!(Frequency::parse("T")?.to_string(), "min"); // an old alias
//! assert!(Frequency::parse("5minutes").is_err());
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use chrono::{Datelike, Days, NaiveDate, Weekday};
use meteaudata_core::{Error, Result};
use std::fmt;

const NS_PER_DAY: i64 = 86_400_000_000_000;
/// The largest multiple accepted for calendar units (weeks, months, quarters, years).
const MAX_CALENDAR_MULTIPLE: i64 = 1_000_000;

/// What a frequency counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FrequencyUnit {
    /// A fixed duration of this many nanoseconds per unit (ns, us, ms, s, min, h).
    Fixed {
        /// Nanoseconds in one unit.
        unit_nanos: i64,
        /// The canonical alias of the unit.
        alias: &'static str,
    },
    /// Calendar days (local midnights; 23 or 25 hours across DST).
    Day,
    /// Weeks ending on a weekday (right-closed, right-labelled).
    Week(Weekday),
    /// Month ends (right-closed, right-labelled).
    MonthEnd,
    /// Month starts (left-closed, left-labelled).
    MonthStart,
    /// Quarter ends; the month is one of the quarter-end months (1–12).
    QuarterEnd(u32),
    /// Quarter starts; the month is one of the quarter-start months (1–12).
    QuarterStart(u32),
    /// Year ends in the given month (1–12).
    YearEnd(u32),
    /// Year starts in the given month (1–12).
    YearStart(u32),
}

/// A parsed frequency: a positive multiple of a [`FrequencyUnit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Frequency {
    /// How many units (≥ 1).
    pub multiple: i64,
    /// The unit.
    pub unit: FrequencyUnit,
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [(&str, Weekday); 7] = [
    ("MON", Weekday::Mon),
    ("TUE", Weekday::Tue),
    ("WED", Weekday::Wed),
    ("THU", Weekday::Thu),
    ("FRI", Weekday::Fri),
    ("SAT", Weekday::Sat),
    ("SUN", Weekday::Sun),
];
/// Fixed units from the largest to the smallest.
const FIXED: [(&str, i64); 6] = [
    ("h", 3_600_000_000_000),
    ("min", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
];

fn invalid(text: &str, why: &str) -> Error {
    Error::invalid_input(format!("Invalid frequency: {text:?} ({why})"))
}

enum Base {
    Fixed(i64),
    Day,
    Week,
    MonthEnd,
    MonthStart,
    QuarterEnd,
    QuarterStart,
    YearEnd,
    YearStart,
}

fn base_of(alias: &str) -> Option<Base> {
    Some(match alias {
        "h" | "H" => Base::Fixed(FIXED[0].1),
        "min" | "Min" | "MIN" | "T" => Base::Fixed(FIXED[1].1),
        "s" | "S" => Base::Fixed(FIXED[2].1),
        "ms" | "L" => Base::Fixed(FIXED[3].1),
        "us" | "U" => Base::Fixed(FIXED[4].1),
        "ns" | "N" => Base::Fixed(FIXED[5].1),
        "D" | "d" => Base::Day,
        "W" | "w" => Base::Week,
        "ME" | "M" => Base::MonthEnd,
        "MS" => Base::MonthStart,
        "QE" | "Q" => Base::QuarterEnd,
        "QS" => Base::QuarterStart,
        "YE" | "Y" | "A" => Base::YearEnd,
        "YS" | "AS" => Base::YearStart,
        _ => return None,
    })
}

impl Frequency {
    /// Parses a pandas offset alias (see the [module docs](self)).
    pub fn parse(text: &str) -> Result<Frequency> {
        let t = text.trim();
        let num_end = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, rest) = t.split_at(num_end);
        let rest = rest.trim_start();
        if rest.is_empty() {
            return Err(invalid(text, "no unit"));
        }
        let (alias, anchor) = match rest.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (rest, None),
        };
        let base = base_of(alias).ok_or_else(|| invalid(text, "unknown alias"))?;
        // The multiple: an integer, or a decimal for fixed durations and days.
        let (int_part, frac_part) = match num.split_once('.') {
            Some((i, f)) => (i, f),
            None => (num, ""),
        };
        if num.matches('.').count() > 1 || (num.contains('.') && frac_part.is_empty()) {
            return Err(invalid(text, "bad multiple"));
        }
        let whole: i64 = if int_part.is_empty() {
            if num.is_empty() {
                1
            } else {
                0
            }
        } else {
            int_part
                .parse()
                .map_err(|_| invalid(text, "multiple too large"))?
        };
        let fixed_nanos = match base {
            Base::Fixed(n) => Some(n),
            Base::Day if !frac_part.is_empty() => Some(NS_PER_DAY),
            _ if !frac_part.is_empty() => {
                return Err(invalid(
                    text,
                    "a fractional multiple needs a fixed duration",
                ))
            }
            _ => None,
        };
        if let Some(unit_nanos) = fixed_nanos {
            if anchor.is_some() {
                return Err(invalid(text, "a fixed duration takes no anchor"));
            }
            // Exact total in nanoseconds.
            let mut total = i128::from(whole) * i128::from(unit_nanos);
            if !frac_part.is_empty() {
                if frac_part.len() > 18 {
                    return Err(invalid(text, "too many decimals"));
                }
                let digits: i128 = frac_part
                    .parse()
                    .map_err(|_| invalid(text, "bad multiple"))?;
                let scale = 10i128.pow(frac_part.len() as u32);
                let part = digits * i128::from(unit_nanos);
                if part % scale != 0 {
                    return Err(invalid(text, "not a whole number of nanoseconds"));
                }
                total += part / scale;
            }
            if total <= 0 {
                return Err(invalid(text, "the multiple must be positive"));
            }
            let total = i64::try_from(total).map_err(|_| invalid(text, "too large"))?;
            if frac_part.is_empty() && matches!(base, Base::Day) {
                return Ok(Frequency {
                    multiple: whole,
                    unit: FrequencyUnit::Day,
                });
            }
            // Keep the unit when the multiple is whole (`60min` stays `60min`), else go down to
            // the first unit that divides the total.
            let start = FIXED
                .iter()
                .position(|(_, n)| *n <= unit_nanos)
                .unwrap_or(FIXED.len() - 1);
            let (alias, unit_nanos) = FIXED[start..]
                .iter()
                .find(|(_, n)| total % n == 0)
                .copied()
                .unwrap_or(("ns", 1));
            return Ok(Frequency {
                multiple: total / unit_nanos,
                unit: FrequencyUnit::Fixed { unit_nanos, alias },
            });
        }
        if whole <= 0 {
            return Err(invalid(text, "the multiple must be positive"));
        }
        if whole > MAX_CALENDAR_MULTIPLE {
            return Err(invalid(text, "the multiple is too large"));
        }
        let month_anchor = |default: u32| -> Result<u32> {
            match anchor {
                None => Ok(default),
                Some(a) => MONTHS
                    .iter()
                    .position(|m| *m == a)
                    .map(|p| p as u32 + 1)
                    .ok_or_else(|| invalid(text, "unknown month anchor")),
            }
        };
        let unit = match base {
            Base::Day | Base::MonthEnd | Base::MonthStart if anchor.is_some() => {
                return Err(invalid(text, "this alias takes no anchor"))
            }
            Base::Day => FrequencyUnit::Day,
            Base::MonthEnd => FrequencyUnit::MonthEnd,
            Base::MonthStart => FrequencyUnit::MonthStart,
            Base::Week => FrequencyUnit::Week(match anchor {
                None => Weekday::Sun,
                Some(a) => DAYS
                    .iter()
                    .find(|(n, _)| *n == a)
                    .map(|(_, d)| *d)
                    .ok_or_else(|| invalid(text, "unknown weekday anchor"))?,
            }),
            Base::QuarterEnd => FrequencyUnit::QuarterEnd(month_anchor(12)?),
            Base::QuarterStart => FrequencyUnit::QuarterStart(month_anchor(1)?),
            Base::YearEnd => FrequencyUnit::YearEnd(month_anchor(12)?),
            Base::YearStart => FrequencyUnit::YearStart(month_anchor(1)?),
            Base::Fixed(_) => unreachable!("fixed durations are handled above"),
        };
        Ok(Frequency {
            multiple: whole,
            unit,
        })
    }

    /// The length in nanoseconds when the frequency is a fixed duration (`D` counts as 24 h
    /// here, as on a duration index or a zone without DST).
    pub fn fixed_nanos(&self) -> Option<i64> {
        match self.unit {
            FrequencyUnit::Fixed { unit_nanos, .. } => self.multiple.checked_mul(unit_nanos),
            FrequencyUnit::Day => self.multiple.checked_mul(NS_PER_DAY),
            _ => None,
        }
    }

    /// Whether bins are closed on the right and labelled by their right edge (`W`, `ME`, `QE`,
    /// `YE`).
    pub fn is_right_closed(&self) -> bool {
        matches!(
            self.unit,
            FrequencyUnit::Week(_)
                | FrequencyUnit::MonthEnd
                | FrequencyUnit::QuarterEnd(_)
                | FrequencyUnit::YearEnd(_)
        )
    }

    /// The anchor sequence of a calendar frequency (`None` for fixed durations and days).
    pub(crate) fn anchors(&self) -> Option<Anchors> {
        let (kind, period, phase) = match self.unit {
            FrequencyUnit::Week(day) => return Some(Anchors::Week(day)),
            FrequencyUnit::MonthEnd => (MonthSide::End, 1, 0),
            FrequencyUnit::MonthStart => (MonthSide::Start, 1, 0),
            FrequencyUnit::QuarterEnd(m) => (MonthSide::End, 3, (m as i64 - 1) % 3),
            FrequencyUnit::QuarterStart(m) => (MonthSide::Start, 3, (m as i64 - 1) % 3),
            FrequencyUnit::YearEnd(m) => (MonthSide::End, 12, m as i64 - 1),
            FrequencyUnit::YearStart(m) => (MonthSide::Start, 12, m as i64 - 1),
            _ => return None,
        };
        Some(Anchors::Month {
            side: kind,
            period,
            phase,
        })
    }
}

impl fmt::Display for Frequency {
    /// The canonical pandas text (`freqstr`): `15min`, `h`, `D`, `2D`, `W-SUN`, `ME`,
    /// `QE-DEC`, `QS-JAN`, `YE-DEC`, `YS-JAN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.multiple != 1 {
            write!(f, "{}", self.multiple)?;
        }
        let month = |m: u32| MONTHS[(m as usize).clamp(1, 12) - 1];
        match self.unit {
            FrequencyUnit::Fixed { alias, .. } => f.write_str(alias),
            FrequencyUnit::Day => f.write_str("D"),
            FrequencyUnit::Week(d) => {
                let name = DAYS.iter().find(|(_, w)| *w == d).map_or("SUN", |(n, _)| n);
                write!(f, "W-{name}")
            }
            FrequencyUnit::MonthEnd => f.write_str("ME"),
            FrequencyUnit::MonthStart => f.write_str("MS"),
            FrequencyUnit::QuarterEnd(m) => write!(f, "QE-{}", month(m)),
            FrequencyUnit::QuarterStart(m) => write!(f, "QS-{}", month(m)),
            FrequencyUnit::YearEnd(m) => write!(f, "YE-{}", month(m)),
            FrequencyUnit::YearStart(m) => write!(f, "YS-{}", month(m)),
        }
    }
}

impl std::str::FromStr for Frequency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Frequency::parse(s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MonthSide {
    Start,
    End,
}

/// A numbered sequence of anchor dates: `date(k)` increases with `k`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Anchors {
    /// Every `day` of the week.
    Week(Weekday),
    /// First or last day of the months whose index `year*12 + month0` is `phase` mod `period`.
    Month {
        side: MonthSide,
        period: i64,
        phase: i64,
    },
}

fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

fn month_start(m: i64) -> Option<NaiveDate> {
    let y = i32::try_from(m.div_euclid(12)).ok()?;
    NaiveDate::from_ymd_opt(y, m.rem_euclid(12) as u32 + 1, 1)
}

/// Days since 1970-01-01 of a date.
pub(crate) fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - 719_163
}

/// The date `n` days after 1970-01-01.
pub(crate) fn date_of_day(n: i64) -> Option<NaiveDate> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    if n >= 0 {
        epoch.checked_add_days(Days::new(n as u64))
    } else {
        epoch.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

impl Anchors {
    /// The anchor date number `k`.
    pub(crate) fn date(&self, k: i64) -> Option<NaiveDate> {
        match *self {
            Anchors::Week(day) => {
                // 1970-01-04 was a Sunday; shift to the requested weekday.
                let offset = (day.num_days_from_sunday()) as i64;
                date_of_day(3 + offset + 7 * k)
            }
            Anchors::Month {
                side,
                period,
                phase,
            } => {
                let m = k.checked_mul(period)?.checked_add(phase)?;
                match side {
                    MonthSide::Start => month_start(m),
                    MonthSide::End => month_start(m + 1)?.pred_opt(),
                }
            }
        }
    }

    /// The number of the last anchor on or before `d`.
    pub(crate) fn floor(&self, d: NaiveDate) -> i64 {
        match *self {
            Anchors::Week(day) => {
                let offset = (day.num_days_from_sunday()) as i64;
                (day_number(d) - 3 - offset).div_euclid(7)
            }
            Anchors::Month {
                side,
                period,
                phase,
            } => {
                let m = month_index(d);
                let k = (m - phase).div_euclid(period);
                // For month ends, the anchor of this month lies after `d` unless `d` is it.
                match side {
                    MonthSide::Start => k,
                    MonthSide::End => match self.date(k) {
                        Some(a) if a <= d => k,
                        _ => k - 1,
                    },
                }
            }
        }
    }

    /// The number of the first anchor on or after `d`.
    pub(crate) fn ceil(&self, d: NaiveDate) -> i64 {
        let k = self.floor(d);
        match self.date(k) {
            Some(a) if a == d => k,
            _ => k + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names() {
        for (input, out) in [
            ("60min", "60min"),
            ("1D", "D"),
            ("2D", "2D"),
            ("W", "W-SUN"),
            ("2W", "2W-SUN"),
            ("W-MON", "W-MON"),
            ("ME", "ME"),
            ("2ME", "2ME"),
            ("QE", "QE-DEC"),
            ("3QE", "3QE-DEC"),
            ("QE-NOV", "QE-NOV"),
            ("YE", "YE-DEC"),
            ("YE-JUN", "YE-JUN"),
            ("MS", "MS"),
            ("QS", "QS-JAN"),
            ("YS", "YS-JAN"),
            ("h", "h"),
            ("1h", "h"),
            ("0.5h", "30min"),
            ("1.5h", "90min"),
            ("24h", "24h"),
            ("90s", "90s"),
            ("5 min", "5min"),
            ("1.5D", "36h"),
            ("H", "h"),
            ("5T", "5min"),
            ("S", "s"),
            ("L", "ms"),
            ("M", "ME"),
            ("A", "YE-DEC"),
            ("d", "D"),
            ("MIN", "min"),
        ] {
            assert_eq!(Frequency::parse(input).unwrap().to_string(), out, "{input}");
        }
        for bad in [
            "", "bogus", "5minutes", "0min", "B", "BME", "SME", "µs", "W-XYZ", "ME-JAN", "1.5ME",
            "1..5h", "-5min",
        ] {
            assert!(Frequency::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn anchors() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let w = Frequency::parse("W").unwrap().anchors().unwrap();
        assert_eq!(w.date(w.ceil(d(2020, 1, 2))).unwrap(), d(2020, 1, 5));
        assert_eq!(w.date(w.ceil(d(2020, 1, 5))).unwrap(), d(2020, 1, 5));
        assert_eq!(w.date(w.floor(d(2020, 1, 4))).unwrap(), d(2019, 12, 29));
        let me = Frequency::parse("ME").unwrap().anchors().unwrap();
        assert_eq!(me.date(me.ceil(d(2020, 2, 3))).unwrap(), d(2020, 2, 29));
        assert_eq!(me.date(me.floor(d(2020, 2, 3))).unwrap(), d(2020, 1, 31));
        let qe = Frequency::parse("QE-NOV").unwrap().anchors().unwrap();
        assert_eq!(qe.date(qe.ceil(d(2020, 1, 3))).unwrap(), d(2020, 2, 29));
        let ys = Frequency::parse("YS").unwrap().anchors().unwrap();
        assert_eq!(ys.date(ys.floor(d(2020, 7, 3))).unwrap(), d(2020, 1, 1));
        let qs = Frequency::parse("QS").unwrap().anchors().unwrap();
        assert_eq!(qs.date(qs.floor(d(2020, 6, 30))).unwrap(), d(2020, 4, 1));
    }
}
