//! The order series are drawn in: processing order, as Python meteaudata draws them. Raw data
//! first, then each derived series after the series it was made from, so a later step is drawn
//! over an earlier one (after `subset` then `replace`, the replaced values show on top of the
//! slice). Insertion order is no guide: a signal loaded from a store lists its series by key,
//! alphabetically (`…_REPLACED-RANGES#1` before `…_SLICE#1`).
//!
//! A derived series carries its inputs' steps plus its own, so sorting by the number of steps
//! puts every series after its inputs; series with as many steps are ordered by when their
//! last step ran, then by their place in the signal.
//!
//! ```
//! use meteaudata_core::{Index, ProcessOptions, Series, Signal};
//! use meteaudata_processing::{replace_ranges, subset};
//! use meteaudata_viz::processing_order;
//! # use meteaudata_core::chrono::{NaiveDate, TimeDelta};
//! # let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! # let hours = |n| Index::date_range(start, n, TimeDelta::hours(1), None).unwrap();
//!
//! let raw = Series::from_f64("RAW", hours(10), (0..10).map(f64::from).collect())?;
//! let mut signal = Signal::new("Flow", "m3/h")?.with_series(raw)?;
//! signal.process(&["Flow#1_RAW#1"], &subset("2024-01-01 02:00", "2024-01-01 08:00"), ProcessOptions::new())?;
//! signal.process(&["Flow#1_SLICE#1"], &replace_ranges([("2024-01-01 04:00", "2024-01-01 05:00")], "maintenance"), ProcessOptions::new())?;
//! assert_eq!(
//!     processing_order(&signal),
//!     ["Flow#1_RAW#1", "Flow#1_SLICE#1", "Flow#1_REPLACED-RANGES#1"]
//! );
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use meteaudata_core::{Signal, TimeSeries};

/// The full names of the series of `signal`, in processing order (see the module docs).
pub fn processing_order(signal: &Signal) -> Vec<&str> {
    in_processing_order(signal.time_series().iter().map(|(k, ts)| (k.as_str(), ts)))
}

/// `series` (name, series) in processing order.
pub(crate) fn in_processing_order<'a>(
    series: impl IntoIterator<Item = (&'a str, &'a TimeSeries)>,
) -> Vec<&'a str> {
    let mut keyed: Vec<_> = series
        .into_iter()
        .enumerate()
        .map(|(position, (name, ts))| {
            // When the last step ran, in UTC where its offset is known (a naive time as is).
            let ran = ts.processing_steps.last().map(|step| {
                let t = step.run_datetime;
                let naive = t.naive_local();
                t.offset().map_or(naive, |o| naive - o)
            });
            ((ts.processing_steps.len(), ran, position), name)
        })
        .collect();
    keyed.sort_by_key(|k| k.0);
    keyed.into_iter().map(|(_, name)| name).collect()
}
