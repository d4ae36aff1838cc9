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
    /// Output file: `.svg` or `.html` (a standalone page).
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
    o
}

/// `plot`.
pub fn plot(c: &PlotCmd) -> Result<()> {
    let dataset = Target::existing(&c.target)?.dataset(c.dataset.as_deref())?;
    let opts = options(c);
    let svg = if !c.series.is_empty() {
        let signal = SeriesName::parse(&c.series[0]).signal;
        if c.series
            .iter()
            .any(|s| SeriesName::parse(s).signal != signal)
        {
            bail!("--series names must belong to one signal; use --signal for several signals");
        }
        let sig = dataset.signal(&signal)?;
        if c.series.len() == 1 {
            viz::plot_series(sig.get(&c.series[0])?, &opts)?
        } else {
            viz::plot_signal(sig, &c.series, &opts)?
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
        viz::plot_dataset(&dataset, &signals, &series, &opts)?
    };
    let title = c
        .title
        .clone()
        .unwrap_or_else(|| dataset.name().to_string());
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
