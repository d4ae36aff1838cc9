//! Plot of several series of one signal on one chart, or on stacked subplots when their
//! indexes differ in kind (dates, a normalised elapsed time in hours, plain positions, ...).
//!
//! Defaults: title `Time series plot of <signal>`, y title `<signal> (<units>)`, x title
//! `Time` (plus the zone or unit of each subplot), legend = full series names.
//!
//! ```
//! use meteaudata_core::{Index, ProcessOptions, Series, Signal};
//! use meteaudata_viz::{plot_signal, PlotOptions};
//! # use meteaudata_core::chrono::{NaiveDate, TimeDelta};
//! # let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let index = Index::date_range(start, 48, TimeDelta::minutes(30), None)?.with_frequency("30min");
//! let values = (0..48).map(|i| 20.0 + (i as f64 / 8.0).sin()).collect();
//! let mut signal = Signal::new("Temperature", "°C")?.with_series(Series::from_f64("RAW", index, values)?)?;
//! signal.process(&["Temperature#1_RAW#1"], &meteaudata_processing::resample("2h")?, ProcessOptions::new())?;
//! signal.process(&["Temperature#1_RAW#1"], &meteaudata_processing::normalize_index_to_numeric_delta("h")?,
//!     ProcessOptions::new())?;
//!
//! let names = signal.all_time_series();
//! let svg = plot_signal(&signal, &names, &PlotOptions::new())?.to_svg_string();
//! assert_eq!(svg.matches(r#"<g class="panel""#).count(), 2); // dates, then hours
//! assert_eq!(svg.matches(r#"<g class="trace""#).count(), 3);
//! assert!(svg.contains(">Time (h)<"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use meteaudata_core::{Result, Signal};

use crate::figure::{Figure, Panel, Trace};
use crate::interactive::Interactive;
use crate::options::PlotOptions;
use crate::output::Svg;
use crate::series_plot::{trace_of, DEFAULT_HEIGHT, DEFAULT_WIDTH};
use crate::time_axis::XKind;

/// Height of each subplot when a signal plot has several.
pub const SUBPLOT_HEIGHT: u32 = 400;

/// The SVG plot of the series `names` (full names) of `signal`, drawn in the order of `names`
/// (later ones over earlier ones; [`processing_order`](crate::processing_order) gives the
/// order Python meteaudata draws in).
pub fn plot_signal<S: AsRef<str>>(signal: &Signal, names: &[S], opts: &PlotOptions) -> Result<Svg> {
    signal_figure(signal, names, opts)?.render()
}

/// The interactive plot of the series `names` of `signal` (see [`plot_signal`] and
/// [`interactive`](crate::interactive)).
pub fn interactive_signal<S: AsRef<str>>(
    signal: &Signal,
    names: &[S],
    opts: &PlotOptions,
) -> Result<Interactive> {
    signal_figure(signal, names, opts)?.interactive()
}

fn signal_figure<S: AsRef<str>>(
    signal: &Signal,
    names: &[S],
    opts: &PlotOptions,
) -> Result<Figure> {
    let mut groups: Vec<(XKind, Vec<Trace>)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let ts = signal.get(name.as_ref())?;
        let (kind, trace) = trace_of(ts, ts.name().to_string(), i)?;
        match groups.iter_mut().find(|g| g.0 == kind) {
            Some(g) => g.1.push(trace),
            None => groups.push((kind, vec![trace])),
        }
    }
    let x_title = opts.x_label.as_deref().unwrap_or("Time");
    let y_label = opts
        .y_label
        .clone()
        .unwrap_or_else(|| format!("{} ({})", signal.name(), signal.units));
    let n = groups.len().max(1) as u32;
    let panels: Vec<Panel> = groups
        .into_iter()
        .map(|(kind, traces)| Panel {
            x_label: kind.axis_label(x_title),
            y_label: y_label.clone(),
            kind,
            traces,
        })
        .collect();
    Ok(Figure {
        title: opts
            .title
            .clone()
            .unwrap_or_else(|| format!("Time series plot of {}", signal.name())),
        width: opts.width.unwrap_or(DEFAULT_WIDTH),
        height: opts.height.unwrap_or(if n == 1 {
            DEFAULT_HEIGHT
        } else {
            SUBPLOT_HEIGHT * n
        }),
        panels,
        shared_x: false,
        window: (opts.start.clone(), opts.end.clone()),
        fixed_width: opts.width.is_some(),
    })
}
