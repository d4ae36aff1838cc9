//! # meteaudata-viz
//!
//! Pictures of [meteaudata](meteaudata_core) data that open anywhere, offline: plots of time
//! series, signals and datasets, lineage graphs, and the metadata tree, as self-contained SVG
//! and HTML files (no scripts from the web, no font files, every name and unit escaped), plus
//! Graphviz DOT and plain text.
//!
//! | what | functions | output |
//! |---|---|---|
//! | a time series | [`plot_series`] | [`Svg`] → `.svg` or a standalone `.html` page |
//! | any of these, interactive | [`interactive_series`], [`interactive_signal`], [`interactive_dataset`] | [`Interactive`]: plotly JSON, offline page ([`interactive`]) |
//! | several series of a signal | [`plot_signal`] (subplots when index kinds differ) | [`Svg`] |
//! | a dataset, one row per signal | [`plot_dataset`] (shared time axis) | [`Svg`] |
//! | lineage of a series, signal or dataset | [`Lineage`](lineage::Lineage) | SVG, HTML, DOT |
//! | the metadata of any model type | [`Tree`](display::Tree) | text (`Display`), HTML with `<details>` |
//! | files in one call | [`write_plot`], [`write_lineage`], [`write_display`] | by file extension |
//!
//! ## A plot
//!
//! Each series is drawn in the style of its last processing step (raw data as diamond
//! markers, resampled data as a line with circles, interpolated data with triangles, ...; see
//! [`styles`]); forecasts are moved forward by their step distance; long series are reduced to
//! the minimum and maximum of each pixel column ([`decimate`]) so ten million points make a
//! file of a few hundred kilobytes that still shows every spike.
//!
//! ```
//! use meteaudata_core::{Index, ProcessOptions, Series, Signal};
//! use meteaudata_core::chrono::{NaiveDate, TimeDelta};
//! use meteaudata_processing::{linear_interpolation, resample};
//! use meteaudata_viz::{plot_signal, PlotOptions};
//!
//! // Two days of half-hourly temperatures with a gap.
//! let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let index = Index::date_range(start, 96, TimeDelta::minutes(30), None)?.with_frequency("30min");
//! let values = (0..96)
//!     .map(|i| if (40..46).contains(&i) { f64::NAN } else { 12.0 + 4.0 * (i as f64 / 15.0).sin() })
//!     .collect();
//! let mut signal = Signal::new("Temperature", "°C")?.with_series(Series::from_f64("RAW", index, values)?)?;
//! signal.process(&["Temperature#1_RAW#1"], &resample("2h")?, ProcessOptions::new())?;
//! signal.process(&["Temperature#1_RESAMPLED#1"], &linear_interpolation(), ProcessOptions::new())?;
//!
//! let plot = plot_signal(&signal, &signal.all_time_series(), &PlotOptions::new().title("Tank 1"))?;
//! let svg = plot.to_svg_string();
//! assert_eq!(svg.matches(r#"<g class="trace""#).count(), 3);
//! assert!(svg.contains(r#"data-name="Temperature#1_RAW#1" data-mode="markers" data-marker="diamond""#));
//! assert!(svg.contains(r#"data-name="Temperature#1_LIN-INT#1" data-mode="lines+markers" data-marker="triangle-up""#));
//!
//! // A page that opens offline: the SVG inline, CSS inline, nothing to download.
//! let page = plot.to_html_page("Tank 1 temperatures");
//! assert!(!page.as_str().contains("<script"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! Titles, axis labels, the size and a window (either bound alone works) are set with
//! [`PlotOptions`]:
//!
//! ```
//! # use meteaudata_core::{Index, Series, Signal};
//! # use meteaudata_core::chrono::{NaiveDate, TimeDelta};
//! # use meteaudata_viz::{plot_series, PlotOptions};
//! # let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! # let index = Index::date_range(start, 48, TimeDelta::hours(1), Some("Europe/Paris".parse()?))?;
//! # let signal = Signal::new("Flow", "m³/h")?.with_series(Series::from_f64("RAW", index, vec![1.0; 48])?)?;
//! let ts = signal.get("Flow#1_RAW#1")?;
//! let svg = plot_series(ts, &PlotOptions::new().start("2024-01-02 00:00").size(800, 300))?.to_svg_string();
//! assert!(svg.contains(r#"data-points="24""#)); // the second day only (wall time in Paris)
//! assert!(svg.contains(">Time (Europe/Paris)<")); // the zone is named on the axis
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! ## The lineage graph
//!
//! Nodes are series, arrows are processing steps labelled with their function and
//! parameters, laid out left to right; raw series are green and marked `RAW`, inputs from
//! outside the container (another signal) grey and dashed.
//!
//! ```
//! # use meteaudata_core::{Index, ProcessOptions, Series, Signal};
//! # use meteaudata_processing::resample;
//! use meteaudata_viz::lineage::Lineage;
//! # let idx = Index::datetime_nanos((0..8).map(|i| i * 1_800_000_000_000).collect(), None);
//! # let mut signal = Signal::new("pH", "pH units")?.with_series(Series::from_f64("RAW", idx, vec![7.0; 8])?)?;
//! # signal.process(&["pH#1_RAW#1"], &resample("2h")?, ProcessOptions::new())?;
//! let graph = Lineage::of_series(&signal, "pH#1_RESAMPLED#1")?;
//! assert_eq!(graph.edges()[0].label(), "resample(frequency=2h)");
//! let dot = graph.to_dot();      // for Graphviz
//! let svg = graph.to_svg();      // a picture
//! let page = graph.to_html();    // the picture and collapsible details per series
//! # assert!(dot.contains("->") && svg.as_str().contains("RAW") && page.as_str().contains("<details"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! ## The metadata tree
//!
//! [`Tree`](display::Tree) shows any model type (dataset, signal, time series, step,
//! function, parameters, provenance, index metadata) to a chosen depth, as text or HTML:
//!
//! ```
//! # use meteaudata_core::{Index, Series, Signal};
//! use meteaudata_viz::display::Tree;
//! # let signal = Signal::new("pH", "pH units")?.with_series(Series::from_f64("RAW", Index::range(2), vec![7.0, 7.1])?)?;
//! println!("{}", Tree::new(&signal, 2));
//! let page = Tree::new(&signal, 3).to_html_page("pH metadata");
//! # assert!(page.as_str().contains("meteaudata-collapsible"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! ## Differences from Python meteaudata
//!
//! Python returns plotly figures and writes graph pages that load their libraries from the
//! web. This crate writes the pictures itself, with the same styles, defaults and colours, and
//! fixes upstream's plotting bugs (one-sided windows, `export_rename` series, shifts for
//! calendar frequencies). The project's `docs/compatibility-viz.md` lists every difference.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod dataset_plot;
pub mod decimate;
pub mod display;
pub mod dot;
pub mod draw_order;
pub mod escape;
mod figure;
pub mod files;
pub mod graph_layout;
pub mod html_display;
pub mod interactive;
pub mod lineage;
pub mod options;
pub mod output;
pub mod series_plot;
pub mod signal_plot;
pub mod styles;
pub mod text_display;
pub mod time_axis;

pub use dataset_plot::{interactive_dataset, plot_dataset};
pub use draw_order::processing_order;
pub use figure::MAX_MARKERS;
pub use files::{write_display, write_lineage, write_plot};
pub use interactive::{Interactive, PlotlyJs};
pub use options::{Bound, PlotOptions};
pub use output::{Format, Html, Svg};
pub use series_plot::{interactive_series, plot_series};
pub use signal_plot::{interactive_signal, plot_signal};
