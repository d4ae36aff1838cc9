//! `meteaudata plot` and `meteaudata lineage`: offline pictures from any target.

use crate::out::say;
use anyhow::{bail, Result};
use clap::Args;
use meteaudata::naming::SeriesName;
use meteaudata::viz::lineage::Lineage;
use meteaudata::viz::{self, PlotOptions};
use std::path::PathBuf;

use crate::target::Target;

#[derive(Args)]
pub struct PlotCmd {
    /// Where the data is.
    pub target: String,
    /// Output file: `.html` (an interactive page: hover, zoom, legend toggles; offline) or
    /// `.svg` (a static picture).
    pub output: PathBuf,
    /// Dataset (optional when the target holds one).
    #[arg(long)]
    pub dataset: Option<String>,
    /// Series to draw, full names (repeatable; all from one signal), or none.
    #[arg(long = "series")]
    pub series: Vec<String>,
    /// Signals to draw, one row each (repeatable); default: every signal.
    #[arg(long = "signal")]
    pub signals: Vec<String>,
    /// Window start (a date-time, or a number on numeric indexes).
    #[arg(long)]
    pub start: Option<String>,
    /// Window end.
    #[arg(long)]
    pub end: Option<String>,
    /// Title.
    #[arg(long)]
    pub title: Option<String>,
    /// Width in pixels (default: an `.html` page fills the window, an `.svg` is 1000 wide).
    #[arg(long)]
    pub width: Option<u32>,
    /// Height in pixels (default: by the number of rows).
    #[arg(long)]
    pub height: Option<u32>,
    /// Where an interactive page gets plotly.js: `inline` (in the page, about 1 MB, works
    /// offline), `cdn` (a small page that needs the network) or a path or URL of a copy,
    /// relative to the page.
    #[arg(
        long = "plotly-js",
        value_name = "inline|cdn|FILE",
        default_value = "inline"
    )]
    pub plotly_js: String,
    /// Write the static SVG picture in the `.html` page instead of the interactive plot.
    #[arg(long = "static")]
    pub static_page: bool,
}

#[derive(Args)]
pub struct LineageCmd {
    /// Where the data is.
    pub target: String,
    /// Output file: `.svg`, `.html` or `.dot` (Graphviz).
    pub output: PathBuf,
    /// Dataset (optional when the target holds one).
    #[arg(long)]
    pub dataset: Option<String>,
    /// The lineage of one series (full name).
    #[arg(long)]
    pub series: Option<String>,
    /// The lineage of one signal.
    #[arg(long)]
    pub signal: Option<String>,
}

fn options(c: &PlotCmd) -> PlotOptions {
    let mut o = PlotOptions::new();
    if let Some(t) = &c.title {
        o = o.title(t.clone());
    }
    let bound = |t: &str| -> viz::Bound {
        match t.parse::<f64>() {
            Ok(v) => viz::Bound::from(v),
            Err(_) => viz::Bound::from(t),
        }
    };
    if let Some(s) = &c.start {
        o = o.start(bound(s));
    }
    if let Some(e) = &c.end {
        o = o.end(bound(e));
    }
    o.width = c.width;
    o.height = c.height;
    o
}

/// What to draw: one series, several of one signal, or rows of signals.
enum Drawn {
    Series(String),
    Signal(String, Vec<String>),
    Rows(Vec<String>, Vec<String>),
}

/// `plot`.
pub fn plot(c: &PlotCmd) -> Result<()> {
    let dataset = Target::existing(&c.target)?.dataset(c.dataset.as_deref())?;
    let opts = options(c);
    let drawn = if !c.series.is_empty() {
        let signal = SeriesName::parse(&c.series[0]).signal;
        if c.series
            .iter()
            .any(|s| SeriesName::parse(s).signal != signal)
        {
            bail!("--series names must belong to one signal; use --signal for several signals");
        }
        if c.series.len() == 1 {
            Drawn::Series(c.series[0].clone())
        } else {
            Drawn::Signal(signal, c.series.clone())
        }
    } else {
        let signals: Vec<String> = if c.signals.is_empty() {
            dataset
                .all_signals()
                .iter()
                .map(|s| s.to_string())
                .collect()
        } else {
            c.signals.clone()
        };
        let mut series = Vec::new();
        for s in &signals {
            series.extend(
                dataset
                    .signal(s)?
                    .all_time_series()
                    .iter()
                    .map(|k| k.to_string()),
            );
        }
        Drawn::Rows(signals, series)
    };
    let title = c
        .title
        .clone()
        .unwrap_or_else(|| dataset.name().to_string());
    let interactive =
        matches!(viz::Format::from_path(&c.output)?, viz::Format::Html) && !c.static_page;
    if interactive {
        let js = match c.plotly_js.as_str() {
            "inline" => viz::PlotlyJs::Inline,
            "cdn" => viz::PlotlyJs::Cdn,
            file => viz::PlotlyJs::File(file.to_string()),
        };
        let plot = match &drawn {
            Drawn::Series(name) => {
                let sig = dataset.signal(&SeriesName::parse(name).signal)?;
                viz::interactive_series(sig.get(name)?, &opts)?
            }
            Drawn::Signal(signal, names) => {
                viz::interactive_signal(dataset.signal(signal)?, names, &opts)?
            }
            Drawn::Rows(signals, series) => {
                viz::interactive_dataset(&dataset, signals, series, &opts)?
            }
        };
        plot.to_html_page(&js).write(&c.output)?;
        say!("wrote {} (interactive HTML)", c.output.display());
        return Ok(());
    }
    let svg = match &drawn {
        Drawn::Series(name) => {
            let sig = dataset.signal(&SeriesName::parse(name).signal)?;
            viz::plot_series(sig.get(name)?, &opts)?
        }
        Drawn::Signal(signal, names) => viz::plot_signal(dataset.signal(signal)?, names, &opts)?,
        Drawn::Rows(signals, series) => viz::plot_dataset(&dataset, signals, series, &opts)?,
    };
    let format = viz::write_plot(&c.output, &svg, &title)?;
    say!("wrote {} ({format:?})", c.output.display());
    Ok(())
}

/// `lineage`.
pub fn lineage(c: &LineageCmd) -> Result<()> {
    let dataset = Target::existing(&c.target)?.dataset(c.dataset.as_deref())?;
    let graph = match (&c.series, &c.signal) {
        (Some(s), _) => Lineage::of_series_in_dataset(&dataset, s)?,
        (None, Some(sig)) => Lineage::of_signal(dataset.signal(sig)?),
        (None, None) => Lineage::of_dataset(&dataset),
    };
    let format = viz::write_lineage(&c.output, None, &graph)?;
    say!("wrote {} ({format:?})", c.output.display());
    Ok(())
}
