//! The x axis: turning an index into positions, and choosing readable ticks.
//!
//! * Datetime indexes are placed by instant (seconds since the epoch, of UTC for zoned
//!   indexes and of the wall clock for naive ones); ticks fall on round local times of the
//!   index's zone (`00:00`, `06:00`, first of the month, ...) and the zone is named in the axis
//!   label.
//! * Numbers (ranges, integers, floats, normalised elapsed times) are placed as they are, with
//!   1-2-5 ticks; durations are placed in seconds.
//! * Text-like labels (strings, categories, periods) are placed at 0, 1, 2, ... and labelled with
//!   their text.
//!
//! ```
//! use meteaudata_viz::time_axis::{time_ticks, numeric_ticks};
//! // One day of naive timestamps: ticks on round hours, the date under the first one.
//! let day = 86_400.0;
//! let ticks = time_ticks(19_723.0 * day, 19_724.0 * day, None, 8);
//! assert_eq!(ticks[0].label, "00:00");
//! assert_eq!(ticks[0].sublabel.as_deref(), Some("Jan 1, 2024"));
//! assert_eq!(ticks[1].label, "03:00");
//! let n = numeric_ticks(0.0, 9.5, 6);
//! assert_eq!(n.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(), ["0", "2", "4", "6", "8"]);
//! ```

use meteaudata_core::arrow_array::Array;
use meteaudata_core::chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use meteaudata_core::{nanos_to_naive, Index, IndexData, TimeZone, Timestamp};

/// What the x positions of a series mean.
#[derive(Debug, Clone, PartialEq)]
pub enum XKind {
    /// Instants in seconds since the epoch; `tz` is the zone of the index (`None`: naive).
    Time {
        /// The zone ticks are shown in.
        tz: Option<TimeZone>,
    },
    /// Plain numbers, with an optional unit (`h` for an index normalised to hours).
    Numeric {
        /// Unit shown in the axis label.
        unit: Option<String>,
    },
    /// Positions 0, 1, 2, ... of text labels.
    Category {
        /// The labels, one per position.
        labels: Vec<String>,
    },
}

impl XKind {
    /// The axis label: `title` followed by the zone or the unit in parentheses when there is
    /// one (`Time (America/Toronto)`, `Time (h)`).
    pub fn axis_label(&self, title: &str) -> String {
        match self {
            XKind::Time { tz: Some(tz) } => format!("{title} ({tz})"),
            XKind::Numeric { unit: Some(u) } if !u.is_empty() => format!("{title} ({u})"),
            _ => title.to_string(),
        }
    }

    /// Whether two kinds can share one x axis (same kind, same zone or unit).
    pub fn compatible(&self, other: &XKind) -> bool {
        match (self, other) {
            (XKind::Time { tz: a }, XKind::Time { tz: b }) => a == b,
            (XKind::Numeric { unit: a }, XKind::Numeric { unit: b }) => a == b,
            (XKind::Category { .. }, XKind::Category { .. }) => false,
            _ => false,
        }
    }
}

/// The x positions of every label of `index` (NaN for a missing timestamp) and their kind.
/// `unit` is the unit of a numeric index (from a normalisation step), if known.
pub fn x_positions(index: &Index, unit: Option<&str>) -> (XKind, Vec<f64>) {
    let numeric = || XKind::Numeric {
        unit: unit.map(str::to_string),
    };
    match index.data() {
        IndexData::DateTime { values, tz } => {
            let xs = (0..values.len())
                .map(|i| {
                    if values.is_null(i) {
                        f64::NAN
                    } else {
                        nanos_to_secs(values.value(i))
                    }
                })
                .collect();
            (XKind::Time { tz: *tz }, xs)
        }
        IndexData::Range { start, step, .. } => {
            let xs = (0..index.len())
                .map(|i| *start as f64 + i as f64 * *step as f64)
                .collect();
            (numeric(), xs)
        }
        IndexData::Int(a) => (numeric(), a.values().iter().map(|v| *v as f64).collect()),
        IndexData::Float(a) => (
            numeric(),
            (0..a.len())
                .map(|i| if a.is_null(i) { f64::NAN } else { a.value(i) })
                .collect(),
        ),
        IndexData::Timedelta(a) => (
            XKind::Numeric {
                unit: Some(unit.unwrap_or("s").to_string()),
            },
            (0..a.len())
                .map(|i| {
                    if a.is_null(i) {
                        f64::NAN
                    } else {
                        nanos_to_secs(a.value(i))
                    }
                })
                .collect(),
        ),
        _ => {
            let labels: Vec<String> = (0..index.len()).map(|i| index.label(i)).collect();
            let xs = (0..labels.len()).map(|i| i as f64).collect();
            (XKind::Category { labels }, xs)
        }
    }
}

/// Seconds (with fraction) from nanoseconds, keeping full precision for the whole seconds.
pub fn nanos_to_secs(nanos: i64) -> f64 {
    (nanos.div_euclid(1_000_000_000)) as f64 + (nanos.rem_euclid(1_000_000_000)) as f64 * 1e-9
}

/// One tick: its position, its label and an optional second line (the date under times).
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Position in axis units.
    pub pos: f64,
    /// Main label.
    pub label: String,
    /// Second line (date or year where it changes), if any.
    pub sublabel: Option<String>,
}

#[derive(Clone, Copy)]
enum Step {
    Secs(i64),
    Months(i64),
}

const STEPS: [Step; 25] = [
    Step::Secs(1),
    Step::Secs(2),
    Step::Secs(5),
    Step::Secs(10),
    Step::Secs(15),
    Step::Secs(30),
    Step::Secs(60),
    Step::Secs(120),
    Step::Secs(300),
    Step::Secs(600),
    Step::Secs(900),
    Step::Secs(1800),
    Step::Secs(3600),
    Step::Secs(7200),
    Step::Secs(3 * 3600),
    Step::Secs(4 * 3600),
    Step::Secs(6 * 3600),
    Step::Secs(12 * 3600),
    Step::Secs(86_400),
    Step::Secs(2 * 86_400),
    Step::Secs(7 * 86_400),
    Step::Months(1),
    Step::Months(3),
    Step::Months(6),
    Step::Months(12),
];

const DAY: i64 = 86_400;

/// Ticks for instants in `[lo, hi]` (seconds since the epoch) shown in zone `tz` (`None`:
/// naive wall clock), at most about `max_ticks` of them.
pub fn time_ticks(lo: f64, hi: f64, tz: Option<TimeZone>, max_ticks: usize) -> Vec<Tick> {
    if !(lo.is_finite() && hi.is_finite()) || hi < lo {
        return Vec::new();
    }
    let max_ticks = max_ticks.max(2) as f64;
    let span = (hi - lo).max(1e-9);
    let mut step = Step::Months(12);
    let mut years = 1;
    if let Some(s) = STEPS.iter().find(|s| match s {
        Step::Secs(n) => span / *n as f64 <= max_ticks,
        Step::Months(m) => span / (*m as f64 * 30.44 * DAY as f64) <= max_ticks,
    }) {
        step = *s;
    } else {
        // Several years: 2, 5, 10, 20, 50, ... years.
        let per_year = 365.25 * DAY as f64;
        for k in [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] {
            years = k;
            if span / (k as f64 * per_year) <= max_ticks {
                break;
            }
        }
        if years > 1 {
            step = Step::Months(12 * years);
        }
    }
    let to_local = |secs: f64| local_time(secs, tz);
    let to_instant = |local: &NaiveDateTime| -> Option<f64> {
        let utc = match tz {
            Some(z) => z.local_to_utc(local).ok()?,
            None => *local,
        };
        Some(
            utc.and_utc().timestamp() as f64
                + f64::from(utc.and_utc().timestamp_subsec_nanos()) * 1e-9,
        )
    };
    let Some(start_local) = to_local(lo) else {
        return Vec::new();
    };
    // First candidate at or before the start, on a round value of the step.
    let first: NaiveDateTime = match step {
        Step::Secs(s) => {
            let t = start_local.and_utc().timestamp();
            let base = if s == 7 * DAY {
                // Weeks start on Mondays (1970-01-05 was a Monday).
                (t - 4 * DAY).div_euclid(s) * s + 4 * DAY
            } else {
                t.div_euclid(s) * s
            };
            match meteaudata_core::chrono::DateTime::from_timestamp(base, 0) {
                Some(d) => d.naive_utc(),
                None => return Vec::new(),
            }
        }
        Step::Months(m) => {
            let months = i64::from(start_local.year()) * 12 + i64::from(start_local.month0());
            let floored = months.div_euclid(m) * m;
            match month_start(floored) {
                Some(d) => d,
                None => return Vec::new(),
            }
        }
    };
    let mut ticks = Vec::new();
    let mut k: i64 = 0;
    let mut prev_date: Option<NaiveDate> = None;
    while ticks.len() < 200 && k < 10_000 {
        let local = match step {
            Step::Secs(s) => first.checked_add_signed(TimeDelta::seconds(s.saturating_mul(k))),
            Step::Months(m) => {
                let months = i64::from(first.year()) * 12 + i64::from(first.month0()) + m * k;
                month_start(months)
            }
        };
        k += 1;
        let Some(local) = local else { break };
        let Some(pos) = to_instant(&local) else {
            continue; // a local time a DST change skips
        };
        if pos > hi + 1e-9 {
            break;
        }
        if pos < lo - 1e-9 {
            continue;
        }
        let date = local.date();
        let (label, sublabel) = match step {
            Step::Secs(s) if s < 60 => (
                local.format("%H:%M:%S").to_string(),
                (prev_date != Some(date)).then(|| local.format("%b %-d, %Y").to_string()),
            ),
            Step::Secs(s) if s < DAY => (
                local.format("%H:%M").to_string(),
                (prev_date != Some(date)).then(|| local.format("%b %-d, %Y").to_string()),
            ),
            Step::Secs(_) => (
                local.format("%b %-d").to_string(),
                (prev_date.map(|d| d.year()) != Some(date.year()))
                    .then(|| local.format("%Y").to_string()),
            ),
            Step::Months(m) if m < 12 => (
                local.format("%b").to_string(),
                (prev_date.map(|d| d.year()) != Some(date.year()))
                    .then(|| local.format("%Y").to_string()),
            ),
            Step::Months(_) => (local.format("%Y").to_string(), None),
        };
        prev_date = Some(date);
        ticks.push(Tick {
            pos,
            label,
            sublabel,
        });
    }
    ticks
}

fn month_start(months: i64) -> Option<NaiveDateTime> {
    let year = i32::try_from(months.div_euclid(12)).ok()?;
    let month = u32::try_from(months.rem_euclid(12) + 1).ok()?;
    NaiveDate::from_ymd_opt(year, month, 1)?.and_hms_opt(0, 0, 0)
}

/// The wall-clock time in `tz` (the time itself for naive indexes) of an axis position in
/// seconds since the epoch; `None` when out of range.
pub(crate) fn local_time(secs: f64, tz: Option<TimeZone>) -> Option<NaiveDateTime> {
    let nanos = secs_to_nanos(secs)?;
    Some(match tz {
        Some(z) => Timestamp { nanos, tz: Some(z) }.local(),
        None => nanos_to_naive(nanos),
    })
}

fn secs_to_nanos(secs: f64) -> Option<i64> {
    let n = (secs * 1e9).round();
    (n.is_finite() && n.abs() < 9.2e18).then_some(n as i64)
}

/// 1-2-5 ticks over `[lo, hi]`, at most about `max_ticks` of them.
pub fn numeric_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<Tick> {
    if !(lo.is_finite() && hi.is_finite()) || hi < lo {
        return Vec::new();
    }
    let max_ticks = max_ticks.max(2) as f64;
    let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
    let raw = span / max_ticks;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| span / s <= max_ticks)
        .unwrap_or(10.0 * mag);
    if !(step.is_finite() && step > 0.0) {
        return Vec::new();
    }
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()).clamp(0.0, 15.0) as usize
    };
    let first = (lo / step).ceil();
    let mut ticks = Vec::new();
    let mut k = first;
    while ticks.len() < 200 {
        let pos = k * step;
        if pos > hi + step * 1e-9 {
            break;
        }
        ticks.push(Tick {
            pos,
            label: format_number(pos, decimals),
            sublabel: None,
        });
        k += 1.0;
    }
    ticks
}

/// A number with a fixed number of decimals, in scientific notation when very large or small.
pub fn format_number(v: f64, decimals: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let a = v.abs();
    if !(1e-4..1e15).contains(&a) {
        return format!("{v:.2e}");
    }
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// Ticks for category positions `0..labels.len()` within `[lo, hi]`, at most `max_ticks`.
pub fn category_ticks(labels: &[String], lo: f64, hi: f64, max_ticks: usize) -> Vec<Tick> {
    if labels.is_empty() {
        return Vec::new();
    }
    let every = labels.len().div_ceil(max_ticks.max(1)).max(1);
    labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| (i as f64, l))
        .filter(|(p, _)| *p >= lo - 1e-9 && *p <= hi + 1e-9)
        .map(|(pos, l)| Tick {
            pos,
            label: crate::escape::truncate(l, 16).into_owned(),
            sublabel: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoned_ticks_fall_on_local_hours() {
        let tz: TimeZone = "America/Toronto".parse().unwrap();
        // 2024-01-01T00:00-05:00 = 05:00 UTC.
        let lo = 19_723.0 * 86_400.0 + 5.0 * 3600.0;
        let ticks = time_ticks(lo, lo + 86_400.0, Some(tz), 8);
        assert_eq!(ticks[0].pos, lo);
        assert_eq!(ticks[0].label, "00:00");
    }

    #[test]
    fn month_and_year_ticks() {
        let year = 365.0 * 86_400.0;
        let lo = 19_723.0 * 86_400.0;
        let t = time_ticks(lo, lo + year, None, 8);
        assert!(t.iter().any(|t| t.label == "Jul"));
        let t = time_ticks(lo, lo + 30.0 * year, None, 8);
        assert!(t.len() <= 9 && t.len() >= 3, "{t:?}");
    }

    #[test]
    fn numeric_ticks_handle_small_and_flat_ranges() {
        let t = numeric_ticks(0.0, 0.001, 5);
        assert!(t.iter().any(|t| t.label == "0.0004"), "{t:?}");
        assert!(t.iter().any(|t| t.label == "0.001"), "{t:?}");
        assert!(!numeric_ticks(3.0, 3.0, 5).is_empty());
    }
}
