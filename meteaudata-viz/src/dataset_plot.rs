//! Plot of a dataset: one row per signal, stacked on a shared time axis.
//!
//! Each row draws the requested series that belong to its signal, in processing order
//! ([`processing_order`]: each series over the ones it was made from). A series is named by its
//! full name (`pH#1_RAW#1`), by the part after the signal (`RAW#1`) or by its base alone
//! (`RAW`: every version). Rows share their x axis when their indexes are of one kind (Python
//! always shares, even dates with numbers); otherwise each row keeps its own axis.
//!
//! Defaults: title `Time series plots of dataset <name>`, each row's y title
//! `<signal> Values (<units>)` (the y label option replaces `Values`), x title `Time`.
//!
//! ```
//! use meteaudata_core::{Dataset, Index, Series, Signal};
//! use meteaudata_viz::{plot_dataset, PlotOptions};
//! # use meteaudata_core::chrono::{NaiveDate, TimeDelta};
//! # let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let idx = || Index::date_range(start, 24, TimeDelta::hours(1), None);
//! let t = Signal::new("Temperature", "°C")?.with_series(Series::from_f64("RAW", idx()?, vec![20.0; 24])?)?;
//! let ph = Signal::new("pH", "pH units")?.with_series(Series::from_f64("RAW", idx()?, vec![7.0; 24])?)?;
//! let ds = Dataset::new("tank")?.with_signals([t, ph])?;
//!
//! let svg = plot_dataset(&ds, &["Temperature#1", "pH#1"], &["RAW"], &PlotOptions::new())?.to_svg_string();
//! assert_eq!(svg.matches(r#"<g class="panel""#).count(), 2);
//! assert!(svg.contains("pH#1 Values (pH units)"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use meteaudata_core::naming::SeriesName;
use meteaudata_core::{Dataset, Error, Result};

use crate::draw_order::processing_order;
use crate::figure::{Figure, Panel};
use crate::interactive::Interactive;
use crate::options::PlotOptions;
use crate::output::Svg;
use crate::series_plot::{trace_of, DEFAULT_HEIGHT, DEFAULT_WIDTH};
use crate::time_axis::XKind;

/// Height of each row of a dataset plot.
pub const ROW_HEIGHT: u32 = 300;

/// Whether the series key `key` of signal `signal` is what `wanted` asks for.
fn matches(signal: &str, key: &str, wanted: &str) -> bool {
    key == wanted
        || key.strip_prefix(signal).and_then(|r| r.strip_prefix('_')) == Some(wanted)
        || (!wanted.contains('#') && SeriesName::parse(key).base == wanted)
}

/// The SVG plot of the signals `signals` of `dataset`, each row drawing the series `series`
/// that belong to it.
pub fn plot_dataset<S: AsRef<str>, T: AsRef<str>>(
    dataset: &Dataset,
    signals: &[S],
    series: &[T],
    opts: &PlotOptions,
) -> Result<Svg> {
    dataset_figure(dataset, signals, series, opts)?.render()
}

/// The interactive plot of a dataset (see [`plot_dataset`] and
/// [`interactive`](crate::interactive)).
pub fn interactive_dataset<S: AsRef<str>, T: AsRef<str>>(
    dataset: &Dataset,
    signals: &[S],
    series: &[T],
    opts: &PlotOptions,
) -> Result<Interactive> {
    dataset_figure(dataset, signals, series, opts)?.interactive()
}

fn dataset_figure<S: AsRef<str>, T: AsRef<str>>(
    dataset: &Dataset,
    signals: &[S],
    series: &[T],
    opts: &PlotOptions,
) -> Result<Figure> {
    let y_word = opts.y_label.as_deref().unwrap_or("Values");
    let x_title = opts.x_label.as_deref().unwrap_or("Time");
    let mut panels = Vec::with_capacity(signals.len());
    let mut used = vec![false; series.len()];
    let mut color = 0;
    for sig_name in signals {
        let signal = dataset.signal(sig_name.as_ref())?;
        let mut kind: Option<XKind> = None;
        let mut traces = Vec::new();
        // Processing order: each series over the ones it was made from.
        for key in processing_order(signal) {
            let ts = signal.get(key)?;
            let hit = series
                .iter()
                .enumerate()
                .filter(|(_, w)| matches(signal.name(), key, w.as_ref()))
                .map(|(i, _)| i)
                .collect::<Vec<_>>();
            if hit.is_empty() {
                continue;
            }
            for i in hit {
                used[i] = true;
            }
            let (k, t) = trace_of(ts, key.to_string(), color)?;
            color += 1;
            kind.get_or_insert(k);
            traces.push(t);
        }
        panels.push((signal, kind, traces));
    }
    if let Some(i) = used.iter().position(|u| !u) {
        let known = panels
            .iter()
            .flat_map(|(s, _, _)| s.all_time_series())
            .map(str::to_string)
            .collect::<Vec<_>>();
        return Err(Error::not_found("series", series[i].as_ref(), known));
    }
    let first_kind = panels.iter().find_map(|p| p.1.clone());
    let shared = match &first_kind {
        Some(k) if !matches!(k, XKind::Category { .. }) => panels
            .iter()
            .all(|p| p.1.as_ref().is_none_or(|pk| pk.compatible(k))),
        _ => false,
    };
    let n = panels.len().max(1) as u32;
    let panels = panels
        .into_iter()
        .map(|(signal, kind, traces)| {
            let kind = kind
                .or_else(|| first_kind.clone())
                .unwrap_or(XKind::Time { tz: None });
            Panel {
                x_label: kind.axis_label(x_title),
                y_label: format!("{} {y_word} ({})", signal.name(), signal.units),
                kind,
                traces,
            }
        })
        .collect();
    Ok(Figure {
        title: opts
            .title
            .clone()
            .unwrap_or_else(|| format!("Time series plots of dataset {}", dataset.name())),
        width: opts.width.unwrap_or(DEFAULT_WIDTH),
        height: opts.height.unwrap_or((ROW_HEIGHT * n).max(DEFAULT_HEIGHT)),
        panels,
        shared_x: shared,
        window: (opts.start.clone(), opts.end.clone()),
        fixed_width: opts.width.is_some(),
    })
}
