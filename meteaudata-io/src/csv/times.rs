//! Reading the time column: the formats pandas infers for common forms, an explicit
//! strftime format, or numbers since the Unix epoch (see [`TimeFormat`]).

use chrono::format::{parse, Parsed, StrftimeItems};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use meteaudata_core::{Error, Result};

/// The unit of numeric epoch times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EpochUnit {
    /// Seconds (fractions allowed).
    Seconds,
    /// Milliseconds.
    Millis,
    /// Microseconds.
    Micros,
    /// Nanoseconds.
    Nanos,
}

impl EpochUnit {
    fn nanos(&self) -> i64 {
        match self {
            EpochUnit::Seconds => 1_000_000_000,
            EpochUnit::Millis => 1_000_000,
            EpochUnit::Micros => 1_000,
            EpochUnit::Nanos => 1,
        }
    }
}

/// How the time column is written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TimeFormat {
    /// Inferred, as pandas' `guess_datetime_format` does, from the first present cells: the
    /// form that reads the first cell and most of the others, then required of every cell.
    ///
    /// | form | example |
    /// |---|---|
    /// | ISO 8601 (`T` or space, optional seconds, fraction and offset) | `2012-01-01T00:00:00+01:00`, `2012-01-01 00:15` |
    /// | year first with slashes | `2012/01/01 00:00`, `2012/01/01` |
    /// | day first with dots | `01.02.2012 13:45:30`, `01.02.2012` |
    /// | slashes with the year last | `02/01/2012 00:00`: month first as in pandas; day first when a later cell's first field exceeds 12 or `dayfirst` is set |
    /// | date only | `2012-01-01` |
    ///
    /// A cell with an offset (`+01:00`, `Z`) is an instant; the column must then have offsets
    /// throughout (pandas refuses a mix as well).
    #[default]
    Auto,
    /// A strftime format (`%d/%m/%Y %H:%M`), with `%z`/`%:z` for offsets.
    Strftime(String),
    /// Numbers since 1970-01-01 00:00 UTC.
    Epoch(EpochUnit),
}

impl std::str::FromStr for TimeFormat {
    type Err = Error;
    /// `auto`, `epoch-s`, `epoch-ms`, `epoch-us`, `epoch-ns`, or a strftime format.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "auto" => TimeFormat::Auto,
            "epoch-s" | "epoch" => TimeFormat::Epoch(EpochUnit::Seconds),
            "epoch-ms" => TimeFormat::Epoch(EpochUnit::Millis),
            "epoch-us" => TimeFormat::Epoch(EpochUnit::Micros),
            "epoch-ns" => TimeFormat::Epoch(EpochUnit::Nanos),
            f if f.contains('%') => TimeFormat::Strftime(f.to_string()),
            _ => {
                return Err(Error::parse(
                    "time format",
                    format!("{s:?}: expected auto, epoch-s, epoch-ms, epoch-us, epoch-ns or a strftime format with % fields"),
                ))
            }
        })
    }
}

/// A time read from a cell: wall-clock time (to be placed in the zone) or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellTime {
    /// Wall-clock time without an offset.
    Local(NaiveDateTime),
    /// An instant, as UTC wall-clock time.
    Instant(NaiveDateTime),
}

/// The candidate formats of [`TimeFormat::Auto`], in the order they are tried.
const CANDIDATES: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M%:z",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M%:z",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S%.f",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y %H:%M:%S%.f",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y %H:%M:%S%.f",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M:%S%.f",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
];

/// A time column parser with its format fixed.
#[derive(Debug, Clone)]
pub struct TimeParser {
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    Format(String),
    Epoch(EpochUnit),
}

impl TimeParser {
    /// The parser for `format`; with [`TimeFormat::Auto`] the format is inferred from
    /// `samples` (present cells of the column, the first of which it must read), `dayfirst`
    /// choosing day-first forms for slashes with the year last. `None` when no form reads
    /// the first sample.
    pub fn infer(format: &TimeFormat, samples: &[&str], dayfirst: bool) -> Option<TimeParser> {
        let kind = match format {
            TimeFormat::Strftime(f) => Kind::Format(f.clone()),
            TimeFormat::Epoch(u) => Kind::Epoch(*u),
            TimeFormat::Auto => {
                // The forms that read the first cell, then the one of them that reads the most
                // samples (so that `13/02/2012` further down settles day first); the cells it
                // does not read are errors on their own lines.
                let first = normalise(samples.first()?);
                let mut order: Vec<&str> = CANDIDATES.to_vec();
                if dayfirst {
                    // Day-first slashes before month-first ones.
                    order.sort_by_key(|f| !f.starts_with("%d/"));
                }
                let fitting = order
                    .into_iter()
                    .filter(|f| parse_with(f, &first).is_some())
                    .map(|f| {
                        let n = samples
                            .iter()
                            .filter(|s| parse_with(f, &normalise(s)).is_some())
                            .count();
                        (f, n)
                    })
                    .collect::<Vec<_>>();
                let most = fitting.iter().map(|x| x.1).max()?;
                let best = fitting.into_iter().find(|x| x.1 == most)?.0;
                Kind::Format(best.to_string())
            }
        };
        Some(TimeParser { kind })
    }

    /// The format chosen (a strftime format, or `epoch-…`).
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Format(f) => f.clone(),
            Kind::Epoch(u) => format!(
                "epoch-{}",
                match u {
                    EpochUnit::Seconds => "s",
                    EpochUnit::Millis => "ms",
                    EpochUnit::Micros => "us",
                    EpochUnit::Nanos => "ns",
                }
            ),
        }
    }

    /// Reads `cell`; `None` when it does not have the format.
    pub fn parse(&self, cell: &str) -> Option<CellTime> {
        match &self.kind {
            // The cell as it is first (a format may hold a literal `Z`), then with a `Z` read
            // as `+00:00`.
            Kind::Format(f) => {
                parse_with(f, cell.trim()).or_else(|| parse_with(f, &normalise(cell)))
            }
            Kind::Epoch(unit) => {
                epoch(cell.trim(), *unit).map(|n| CellTime::Instant(nanos_to_naive(n)))
            }
        }
    }
}

/// A trailing `Z` written as `+00:00`, so that `%:z` reads it.
fn normalise(cell: &str) -> std::borrow::Cow<'_, str> {
    let t = cell.trim();
    match t.strip_suffix('Z') {
        Some(rest) => format!("{rest}+00:00").into(),
        None => t.into(),
    }
}

fn parse_with(format: &str, cell: &str) -> Option<CellTime> {
    let mut parsed = Parsed::new();
    parse(&mut parsed, cell, StrftimeItems::new(format)).ok()?;
    let date: NaiveDate = parsed.to_naive_date().ok()?;
    if parsed.to_naive_time().is_err() {
        // An hour without minutes (`%Hh`): on the hour.
        let _ = parsed.set_minute(0);
    }
    let time = parsed.to_naive_time().unwrap_or(NaiveTime::MIN);
    let local = date.and_time(time);
    match parsed.offset {
        Some(secs) => {
            let off = FixedOffset::east_opt(secs)?;
            // `None` out of chrono's range (years beyond ±262 143).
            Some(CellTime::Instant(local.checked_sub_offset(off)?))
        }
        None => Some(CellTime::Local(local)),
    }
}

fn epoch(cell: &str, unit: EpochUnit) -> Option<i64> {
    if let Ok(i) = cell.parse::<i64>() {
        return i.checked_mul(unit.nanos());
    }
    let x: f64 = cell.parse().ok()?;
    let n = (x * unit.nanos() as f64).round();
    (n.is_finite() && n.abs() < 9.2e18).then_some(n as i64)
}

fn nanos_to_naive(n: i64) -> NaiveDateTime {
    meteaudata_core::nanos_to_naive(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> CellTime {
        CellTime::Local(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap())
    }

    fn auto(samples: &[&str]) -> TimeParser {
        TimeParser::infer(&TimeFormat::Auto, samples, false).unwrap()
    }

    #[test]
    fn common_forms_are_inferred() {
        let cases = [
            ("2012/01/01 00:00", "2012-01-01 00:00:00"),
            ("2010/01/01", "2010-01-01 00:00:00"),
            ("2012-03-04T05:06:07", "2012-03-04 05:06:07"),
            ("2012-03-04 05:06", "2012-03-04 05:06:00"),
            ("04.03.2012 05:06:07", "2012-03-04 05:06:07"),
            ("04.03.2012", "2012-03-04 00:00:00"),
            ("03/04/2012 05:06", "2012-03-04 05:06:00"),
        ];
        for (cell, want) in cases {
            let p = auto(&[cell]);
            assert_eq!(
                p.parse(cell),
                Some(local(want)),
                "{cell} with {}",
                p.describe()
            );
        }
        // A first field above 12: day first.
        let p = auto(&["01/02/2012", "13/02/2012"]);
        assert_eq!(p.parse("01/02/2012"), Some(local("2012-02-01 00:00:00")));
        let p = TimeParser::infer(&TimeFormat::Auto, &["01/02/2012"], true).unwrap();
        assert_eq!(p.parse("01/02/2012"), Some(local("2012-02-01 00:00:00")));
        assert!(TimeParser::infer(&TimeFormat::Auto, &["yesterday"], false).is_none());
    }

    #[test]
    fn offsets_fractions_and_epochs() {
        let p = auto(&["2012-01-01T01:00:00.5+01:00"]);
        let want =
            NaiveDateTime::parse_from_str("2012-01-01 00:00:00.5", "%Y-%m-%d %H:%M:%S%.f").unwrap();
        assert_eq!(
            p.parse("2012-01-01T01:00:00.5+01:00"),
            Some(CellTime::Instant(want))
        );
        assert_eq!(
            p.parse("2012-01-01T00:00:00.5Z"),
            Some(CellTime::Instant(want))
        );
        let e = TimeParser::infer(&TimeFormat::Epoch(EpochUnit::Millis), &[], false).unwrap();
        assert_eq!(
            e.parse("1500"),
            Some(CellTime::Instant(nanos_to_naive(1_500_000_000)))
        );
        let s = TimeParser::infer(&TimeFormat::Epoch(EpochUnit::Seconds), &[], false).unwrap();
        assert_eq!(
            s.parse("1.25"),
            Some(CellTime::Instant(nanos_to_naive(1_250_000_000)))
        );
        assert_eq!(s.parse("1e300"), None);
        let f =
            TimeParser::infer(&TimeFormat::Strftime("%d|%m|%Y %Hh".into()), &[], false).unwrap();
        assert_eq!(
            f.parse("04|03|2012 05h"),
            Some(local("2012-03-04 05:00:00"))
        );
        assert_eq!(
            "epoch-ms".parse::<TimeFormat>().unwrap(),
            TimeFormat::Epoch(EpochUnit::Millis)
        );
        assert!("dd-mm".parse::<TimeFormat>().is_err());
    }
}
