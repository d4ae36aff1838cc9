//! Frequency aliases: the pandas offset strings (`15min`, `2h`, `D`, `W-MON`, `ME`, `QS`,
//! `1h30min`, ...) parsed into a [`Frequency`] with the canonical text pandas records.
//!
//! Hand-written because the recorded text must be pandas' own (`freqstr`), including its rules
//! for old aliases, fractional multiples and compound offsets; no crate implements them.
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
//! Compound offsets of fixed durations and days are read as pandas' `to_offset` reads them
//! (`1h30min` → `90min`, `2D12h` → `60h`, `1D24h` → `2D`, `1h0min` → `h`; spaces and `+`
//! between the parts are allowed); calendar units do not combine.
//!
//! Old aliases that pandas 3 no longer accepts are read too (`H`, `T`, `S`, `L`, `U`, `N`,
//! `M`, `Q`, `A`, `Y`, `AS`, and the lower/upper-case spellings `d`, `w`, `Min`, `MIN`), and a
//! fractional multiple of a fixed duration is converted to a smaller unit as pandas does
//! (`0.5h` → `30min`).
//!
//! ```
//! use meteaudata_core::Frequency;
//! assert_eq!(Frequency::parse("15min")?.to_string(), "15min");
//! assert_eq!(Frequency::parse("1D")?.to_string(), "D");
//! assert_eq!(Frequency::parse("W")?.to_string(), "W-SUN");
//! assert_eq!(Frequency::parse("0.5h")?.to_string(), "30min");
//! assert_eq!(Frequency::parse("T")?.to_string(), "min"); // an old alias
//! assert!(Frequency::parse("5minutes").is_err());
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use crate::{Error, Result};
use chrono::Weekday;
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

/// `total` nanoseconds in the largest fixed unit that divides it (pandas' `delta_to_tick`).
fn largest_fixed(total: i64) -> Frequency {
    let (alias, unit_nanos) = FIXED
        .iter()
        .find(|(_, n)| total % n == 0)
        .copied()
        .unwrap_or(("ns", 1));
    Frequency {
        multiple: total / unit_nanos,
        unit: FrequencyUnit::Fixed { unit_nanos, alias },
    }
}

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

/// The components of a compound offset (`1h30min` → `1h`, `30min`; `1h 30 min`, `1h+30min`).
fn components(text: &str) -> Result<Vec<&str>> {
    let t = text.trim();
    let bytes = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i] == b' ' || (bytes[i] == b'+' && !out.is_empty())) {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let alias = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i == alias {
            return Err(invalid(text, "each part needs a unit"));
        }
        // An anchor (`W-MON`, `QE-NOV`) belongs to its alias.
        if i + 1 < bytes.len() && bytes[i] == b'-' && bytes[i + 1].is_ascii_alphabetic() {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
        }
        out.push(&t[start..i]);
    }
    if out.is_empty() {
        return Err(invalid(text, "no unit"));
    }
    Ok(out)
}

impl Frequency {
    /// Parses a pandas offset alias (see the [module docs](self)), compound ones included:
    /// `1h30min` is `90min`, as pandas' `to_offset` gives it.
    pub fn parse(text: &str) -> Result<Frequency> {
        let parts = components(text)?;
        if parts.len() == 1 {
            return Frequency::parse_one(text);
        }
        // pandas adds the parts from the left: parts of one unit add their multiples; parts of
        // different units give the largest fixed unit that divides their sum. When a day was
        // among the parts and the total is whole days, the result is days.
        let mut acc: Option<(Frequency, i64)> = None;
        let mut days = false;
        for part in parts {
            days |= part.trim_end().ends_with(['D', 'd']);
            // A zero part (`0min` in `1h0min`) counts for nothing but its unit.
            let number = part.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == ' ');
            let zero = !number.is_empty() && number.parse::<f64>().is_ok_and(|x| x == 0.0);
            let f = if zero {
                let unit = Frequency::parse_one(&part[number.len()..])?.unit;
                Frequency { multiple: 0, unit }
            } else {
                Frequency::parse_one(part)?
            };
            let nanos = match f.unit {
                FrequencyUnit::Fixed { .. } | FrequencyUnit::Day if zero => Some(0),
                FrequencyUnit::Fixed { .. } | FrequencyUnit::Day => f.fixed_nanos(),
                _ => None,
            };
            let Some(nanos) = nanos else {
                return Err(invalid(
                    text,
                    "only fixed durations and days combine into one frequency",
                ));
            };
            acc = Some(match acc {
                None => (f, nanos),
                Some((a, total)) => {
                    let total = total
                        .checked_add(nanos)
                        .ok_or_else(|| invalid(text, "too large"))?;
                    if a.unit == f.unit {
                        let multiple = a.multiple + f.multiple;
                        (Frequency { multiple, ..a }, total)
                    } else {
                        (largest_fixed(total), total)
                    }
                }
            });
        }
        let (f, total) = acc.ok_or_else(|| invalid(text, "no unit"))?;
        if total <= 0 {
            return Err(invalid(text, "the multiple must be positive"));
        }
        if days && total % NS_PER_DAY == 0 {
            return Ok(Frequency {
                multiple: total / NS_PER_DAY,
                unit: FrequencyUnit::Day,
            });
        }
        Ok(f)
    }

    /// One component: `[<multiple>][ ]<alias>[-<anchor>]`.
    fn parse_one(text: &str) -> Result<Frequency> {
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
            // Whole days stay days (`1.0D` is `D`, as in pandas; `1.5D` is `36h`).
            if matches!(base, Base::Day) && total % NS_PER_DAY == 0 {
                return Ok(Frequency {
                    multiple: total / NS_PER_DAY,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Compound offsets, each as pandas 3.1 `to_offset(text).freqstr` gives it.
    #[test]
    fn compound_offsets_as_pandas() {
        for (input, out) in [
            ("1h30min", "90min"),
            ("2D12h", "60h"),
            ("1h1s", "3601s"),
            ("1h 30min", "90min"),
            ("30min1h", "90min"),
            ("1.5h30min", "120min"),
            ("1Min30s", "90s"),
            ("1h0min", "h"),
            ("0h30min", "30min"),
            ("1D1D", "2D"),
            ("1us500ns", "1500ns"),
            ("12h12h", "24h"),
            ("23h60min", "24h"),
            ("1D12h12h", "2D"),
            ("1h1D", "25h"),
            ("2h0.5h", "150min"),
            ("h30min", "90min"),
            ("1h 1h", "2h"),
            ("0.5D12h", "D"),
            ("1h 30 min", "90min"),
            ("1h+30min", "90min"),
            ("1D30min30min", "1500min"),
            ("6h1D18h", "2D"),
            ("1.5D12h", "2D"),
            ("36h12h", "48h"),
        ] {
            assert_eq!(Frequency::parse(input).unwrap().to_string(), out, "{input}");
        }
        for bad in [
            "1ME1D", "1D1ME", "1h30", "1h30min-", "1W1D", "-1h30min", "1h-30min", "0h0min",
        ] {
            assert!(Frequency::parse(bad).is_err(), "{bad}");
        }
    }

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
            ("1.0D", "D"),
            ("2.0D", "2D"),
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
}
