//! Options shared by every plot: titles, axis labels, a time window and the picture size.
//!
//! ```
//! use meteaudata_viz::PlotOptions;
//! let opts = PlotOptions::new()
//!     .title("Tank 1")
//!     .start("2024-01-01 06:00") // either bound alone is fine
//!     .size(900, 400);
//! assert_eq!(opts.width, Some(900));
//! ```

use meteaudata_core::{Error, Result, TimeZone, Timestamp};

use crate::time_axis::XKind;

/// One end of a plot window.
///
/// Text is read according to the axis: a date-time (`2024-01-01 06:00`, wall time in the
/// index's zone unless it carries an offset) on a time axis, a number on a numeric axis, a
/// label on a text axis.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    /// Text, read according to the axis.
    Text(String),
    /// An instant (a naive one is wall time in the index's zone).
    Time(Timestamp),
    /// A number (numeric and text axes: a position).
    Number(f64),
}

impl From<&str> for Bound {
    fn from(s: &str) -> Self {
        Bound::Text(s.to_string())
    }
}
impl From<String> for Bound {
    fn from(s: String) -> Self {
        Bound::Text(s)
    }
}
impl From<Timestamp> for Bound {
    fn from(t: Timestamp) -> Self {
        Bound::Time(t)
    }
}
impl From<f64> for Bound {
    fn from(v: f64) -> Self {
        Bound::Number(v)
    }
}

impl Bound {
    /// The position of this bound on an axis of kind `kind`.
    pub(crate) fn position(&self, kind: &XKind) -> Result<f64> {
        match (self, kind) {
            (Bound::Text(s), XKind::Time { tz }) => instant(&Timestamp::parse(s, *tz)?, *tz),
            (Bound::Time(t), XKind::Time { tz }) => instant(t, *tz),
            (Bound::Number(_), XKind::Time { .. }) => Err(Error::invalid_input(
                "a time axis needs a date-time bound, not a number",
            )),
            (Bound::Text(s), XKind::Numeric { .. }) => s.trim().parse::<f64>().map_err(|_| {
                Error::invalid_input(format!("{s:?} is not a number for a numeric axis"))
            }),
            (Bound::Number(v), XKind::Numeric { .. } | XKind::Category { .. }) => Ok(*v),
            (Bound::Time(_), _) => Err(Error::invalid_input("a date-time bound needs a time axis")),
            (Bound::Text(s), XKind::Category { labels }) => labels
                .iter()
                .position(|l| l == s)
                .map(|p| p as f64)
                .ok_or_else(|| Error::not_found("index label", s.clone(), Vec::<String>::new())),
        }
    }
}

/// Seconds since the epoch of `t` as placed on an axis in zone `tz`.
fn instant(t: &Timestamp, tz: Option<TimeZone>) -> Result<f64> {
    let nanos = match (t.tz, tz) {
        // Naive bound on a zoned axis: wall time in the axis zone.
        (None, Some(z)) => {
            let utc = z.local_to_utc(&t.local())?;
            meteaudata_core::naive_to_nanos(&utc)?
        }
        // Zoned bound on a naive axis: its wall time.
        (Some(_), None) => meteaudata_core::naive_to_nanos(&t.local())?,
        _ => t.nanos,
    };
    Ok(crate::time_axis::nanos_to_secs(nanos))
}

/// Titles, labels, window and size of a plot. Everything is optional; defaults follow Python
/// meteaudata (`Time series plot of <signal>`, `Time`, `<signal> (<units>)`, ...).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct PlotOptions {
    /// Figure title.
    pub title: Option<String>,
    /// x-axis title (the zone or unit is appended in parentheses).
    pub x_label: Option<String>,
    /// y-axis title.
    pub y_label: Option<String>,
    /// Legend name (single-series plots only).
    pub legend: Option<String>,
    /// Keep points from here on (inclusive).
    pub start: Option<Bound>,
    /// Keep points up to here (inclusive).
    pub end: Option<Bound>,
    /// Width in pixels (default 1000).
    pub width: Option<u32>,
    /// Height in pixels (default depends on the number of rows).
    pub height: Option<u32>,
}

impl PlotOptions {
    /// All defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the title.
    pub fn title(mut self, t: impl Into<String>) -> Self {
        self.title = Some(t.into());
        self
    }
    /// Sets the x-axis title.
    pub fn x_label(mut self, t: impl Into<String>) -> Self {
        self.x_label = Some(t.into());
        self
    }
    /// Sets the y-axis title.
    pub fn y_label(mut self, t: impl Into<String>) -> Self {
        self.y_label = Some(t.into());
        self
    }
    /// Sets the legend name of a single-series plot.
    pub fn legend(mut self, t: impl Into<String>) -> Self {
        self.legend = Some(t.into());
        self
    }
    /// Sets the start of the window.
    pub fn start(mut self, b: impl Into<Bound>) -> Self {
        self.start = Some(b.into());
        self
    }
    /// Sets the end of the window.
    pub fn end(mut self, b: impl Into<Bound>) -> Self {
        self.end = Some(b.into());
        self
    }
    /// Sets the picture size in pixels.
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.width = Some(width);
        self.height = Some(height);
        self
    }
}
