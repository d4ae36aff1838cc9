//! The calendar arithmetic resampling needs: the numbered sequences of anchor dates (week
//! days, month/quarter/year starts and ends) of a calendar [`Frequency`], and day numbers.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use meteaudata_core::{Frequency, FrequencyUnit};

/// The anchor sequence of a calendar frequency (`None` for fixed durations and days).
pub(crate) fn anchors(freq: &Frequency) -> Option<Anchors> {
    let (kind, period, phase) = match freq.unit {
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
    fn anchor_dates() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let w = anchors(&Frequency::parse("W").unwrap()).unwrap();
        assert_eq!(w.date(w.ceil(d(2020, 1, 2))).unwrap(), d(2020, 1, 5));
        assert_eq!(w.date(w.ceil(d(2020, 1, 5))).unwrap(), d(2020, 1, 5));
        assert_eq!(w.date(w.floor(d(2020, 1, 4))).unwrap(), d(2019, 12, 29));
        let me = anchors(&Frequency::parse("ME").unwrap()).unwrap();
        assert_eq!(me.date(me.ceil(d(2020, 2, 3))).unwrap(), d(2020, 2, 29));
        assert_eq!(me.date(me.floor(d(2020, 2, 3))).unwrap(), d(2020, 1, 31));
        let qe = anchors(&Frequency::parse("QE-NOV").unwrap()).unwrap();
        assert_eq!(qe.date(qe.ceil(d(2020, 1, 3))).unwrap(), d(2020, 2, 29));
        let ys = anchors(&Frequency::parse("YS").unwrap()).unwrap();
        assert_eq!(ys.date(ys.floor(d(2020, 7, 3))).unwrap(), d(2020, 1, 1));
        let qs = anchors(&Frequency::parse("QS").unwrap()).unwrap();
        assert_eq!(qs.date(qs.floor(d(2020, 6, 30))).unwrap(), d(2020, 4, 1));
    }
}
