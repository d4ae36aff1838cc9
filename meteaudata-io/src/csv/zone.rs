//! Placing wall-clock times in a time zone, with pandas' policies for the times a DST change
//! skips (`nonexistent`) or repeats (`ambiguous`), as `Series.tz_localize` offers them.

use chrono::{LocalResult, NaiveDateTime, TimeDelta, TimeZone as _};
use meteaudata_core::{naive_to_nanos, Error, Result, TimeZone};

/// What to do with a wall-clock time that a spring-forward change skips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum Nonexistent {
    /// An error naming the row (pandas' default).
    #[default]
    Raise,
    /// The first time after the gap (pandas' `shift_forward`).
    ShiftForward,
    /// A missing time (`NaT`).
    NaT,
}

/// What to do with a wall-clock time that a fall-back change repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum Ambiguous {
    /// An error naming the row (pandas' default).
    #[default]
    Raise,
    /// From the order of the rows: the repeated times are read first in summer time, then,
    /// once the clock goes back, in standard time (pandas' `infer`); an error when the rows
    /// do not repeat the hour.
    Infer,
    /// The earlier instant (summer time).
    Earliest,
    /// The later instant (standard time).
    Latest,
}

macro_rules! parse_policy {
    ($t:ty, $what:literal, $($text:literal => $v:expr),+) => {
        impl std::str::FromStr for $t {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                match s.trim() {
                    $($text => Ok($v),)+
                    _ => Err(Error::parse($what, format!(
                        "{s:?}: expected one of {}", [$($text),+].join(", ")
                    ))),
                }
            }
        }
    };
}

parse_policy!(Nonexistent, "nonexistent policy",
    "raise" => Nonexistent::Raise, "shift-forward" => Nonexistent::ShiftForward,
    "shift_forward" => Nonexistent::ShiftForward, "nat" => Nonexistent::NaT, "NaT" => Nonexistent::NaT);
parse_policy!(Ambiguous, "ambiguous policy",
    "raise" => Ambiguous::Raise, "infer" => Ambiguous::Infer,
    "earliest" => Ambiguous::Earliest, "latest" => Ambiguous::Latest);

/// Places the wall-clock times of one column, in row order, in a zone.
#[derive(Debug, Clone)]
pub struct Localizer {
    zone: TimeZone,
    nonexistent: Nonexistent,
    ambiguous: Ambiguous,
    /// For `Infer`: the run of ambiguous times being read (last time, whether the clock went
    /// back in it, the row where it started).
    run: Option<(NaiveDateTime, bool, u64)>,
}

impl Localizer {
    /// A localizer for `zone` with these policies.
    pub fn new(zone: TimeZone, nonexistent: Nonexistent, ambiguous: Ambiguous) -> Self {
        Localizer {
            zone,
            nonexistent,
            ambiguous,
            run: None,
        }
    }

    /// The instant (UTC nanoseconds) of wall-clock time `local` read on line `row`, or `None`
    /// for a missing time.
    pub fn place(&mut self, local: NaiveDateTime, row: u64) -> Result<Option<i64>> {
        let res = match self.zone {
            TimeZone::Utc => LocalResult::Single(local),
            TimeZone::Fixed(off) => off.from_local_datetime(&local).map(|d| d.naive_utc()),
            TimeZone::Named(tz) => tz.from_local_datetime(&local).map(|d| d.naive_utc()),
        };
        let utc = match res {
            LocalResult::Single(t) => {
                self.end_run()?;
                t
            }
            LocalResult::Ambiguous(early, late) => match self.ambiguous {
                Ambiguous::Raise => {
                    return Err(Error::invalid_input(format!(
                        "line {row}: {local} is ambiguous in {} (the clock goes back over it); choose an ambiguous policy (infer, earliest, latest)",
                        self.zone
                    )))
                }
                Ambiguous::Earliest => early,
                Ambiguous::Latest => late,
                Ambiguous::Infer => {
                    let back = match self.run {
                        Some((last, true, start)) if local <= last => {
                            return Err(Error::invalid_input(format!(
                                "lines {start}..{row}: the clock goes back twice over the repeated times in {}; infer needs one DST change in time order",
                                self.zone
                            )))
                        }
                        Some((last, back, _)) => back || local <= last,
                        None => false,
                    };
                    let start = self.run.map_or(row, |r| r.2);
                    self.run = Some((local, back, start));
                    if back {
                        late
                    } else {
                        early
                    }
                }
            },
            LocalResult::None => {
                self.end_run()?;
                match self.nonexistent {
                    Nonexistent::Raise => {
                        return Err(Error::invalid_input(format!(
                            "line {row}: {local} does not exist in {} (the clock skips it); choose a nonexistent policy (shift-forward, nat)",
                            self.zone
                        )))
                    }
                    Nonexistent::NaT => return Ok(None),
                    Nonexistent::ShiftForward => self.after_gap(local, row)?,
                }
            }
        };
        naive_to_nanos(&utc).map(Some)
    }

    /// Checks, at the end of the rows, that an inferred run of repeated times was complete.
    pub fn finish(&mut self) -> Result<()> {
        self.end_run()
    }

    fn end_run(&mut self) -> Result<()> {
        match self.run.take() {
            Some((last, false, start)) => Err(Error::invalid_input(format!(
                "lines {start}..: cannot infer the DST change in {} from times that are not repeated (last {last}); choose earliest or latest",
                self.zone
            ))),
            _ => Ok(()),
        }
    }

    /// The instant the gap holding `local` ends: the first instant whose wall-clock time comes
    /// after `local` (found by bisection within two days, so gaps of any length or precision,
    /// historic ones included, end where the zone's rules say).
    fn after_gap(&self, local: NaiveDateTime, row: u64) -> Result<NaiveDateTime> {
        let none = || {
            Error::invalid_input(format!(
                "line {row}: no time after {local} exists in {}",
                self.zone
            ))
        };
        let TimeZone::Named(tz) = self.zone else {
            return Err(none());
        };
        let wall = |u: NaiveDateTime| tz.from_utc_datetime(&u).naive_local();
        let two_days = TimeDelta::days(2);
        let mut lo = local.checked_sub_signed(two_days).ok_or_else(none)?;
        let mut hi = local.checked_add_signed(two_days).ok_or_else(none)?;
        if wall(lo) > local || wall(hi) <= local {
            return Err(none());
        }
        // Invariant: wall(lo) <= local < wall(hi).
        while hi - lo > TimeDelta::nanoseconds(1) {
            let mid = lo + (hi - lo) / 2;
            if wall(mid) > local {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(s: &str) -> Option<i64> {
        Some(naive_to_nanos(&t(s)).unwrap())
    }

    fn paris(n: Nonexistent, a: Ambiguous) -> Localizer {
        Localizer::new("Europe/Paris".parse().unwrap(), n, a)
    }

    #[test]
    fn spring_forward() {
        // 2021-03-28 02:00 → 03:00 in Paris (UTC+1 → UTC+2).
        let mut l = paris(Nonexistent::Raise, Ambiguous::Raise);
        let e = l.place(t("2021-03-28 02:30"), 7).unwrap_err();
        assert!(e.to_string().contains("line 7"), "{e}");
        let mut l = paris(Nonexistent::NaT, Ambiguous::Raise);
        assert_eq!(l.place(t("2021-03-28 02:30"), 7).unwrap(), None);
        let mut l = paris(Nonexistent::ShiftForward, Ambiguous::Raise);
        assert_eq!(
            l.place(t("2021-03-28 02:30"), 7).unwrap(),
            utc("2021-03-28 01:00")
        );
        assert_eq!(
            l.place(t("2021-03-28 03:00"), 8).unwrap(),
            utc("2021-03-28 01:00")
        );
        assert_eq!(
            l.place(t("2021-03-28 01:59"), 9).unwrap(),
            utc("2021-03-28 00:59")
        );
    }

    #[test]
    fn fall_back() {
        // 2021-10-31 03:00 → 02:00 in Paris: 02:00-02:59 happen twice.
        let mut l = paris(Nonexistent::Raise, Ambiguous::Raise);
        assert!(l.place(t("2021-10-31 02:30"), 3).is_err());
        let mut l = paris(Nonexistent::Raise, Ambiguous::Earliest);
        assert_eq!(
            l.place(t("2021-10-31 02:30"), 3).unwrap(),
            utc("2021-10-31 00:30")
        );
        let mut l = paris(Nonexistent::Raise, Ambiguous::Latest);
        assert_eq!(
            l.place(t("2021-10-31 02:30"), 3).unwrap(),
            utc("2021-10-31 01:30")
        );
        // Half-hourly rows through the change: 01:30 02:00 02:30 02:00 02:30 03:00.
        let mut l = paris(Nonexistent::Raise, Ambiguous::Infer);
        let rows = ["01:30", "02:00", "02:30", "02:00", "02:30", "03:00"];
        let got: Vec<_> = rows
            .iter()
            .enumerate()
            .map(|(i, h)| l.place(t(&format!("2021-10-31 {h}")), i as u64).unwrap())
            .collect();
        let want = ["23:30", "00:00", "00:30", "01:00", "01:30", "02:00"];
        let want: Vec<_> = want
            .iter()
            .enumerate()
            .map(|(i, h)| utc(&format!("2021-10-{} {h}", if i == 0 { 30 } else { 31 })))
            .collect();
        assert_eq!(got, want);
        l.finish().unwrap();
        // Not repeated: infer cannot tell.
        let mut l = paris(Nonexistent::Raise, Ambiguous::Infer);
        l.place(t("2021-10-31 02:30"), 1).unwrap();
        assert!(l.place(t("2021-10-31 03:30"), 2).is_err());
        let mut l = paris(Nonexistent::Raise, Ambiguous::Infer);
        l.place(t("2021-10-31 02:30"), 1).unwrap();
        assert!(l.finish().is_err());
        assert_eq!(
            "shift-forward".parse::<Nonexistent>().unwrap(),
            Nonexistent::ShiftForward
        );
        assert!("later".parse::<Ambiguous>().is_err());
    }
}
