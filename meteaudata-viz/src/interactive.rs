//! Interactive plots: the same figures as the SVG plots, as plotly figures (through the
//! `plotly` crate) in a page that works offline: hover a point for its time (in the series'
//! zone), value and unit, zoom and pan the time axis (a range slider under a single chart of
//! up to [`SLIDER_POINTS`] points),
//! click a legend entry to hide its series. Python meteaudata's figures are plotly figures
//! too; these follow them (trace names, modes and marker symbols by processing step, titles,
//! axis titles, stacked subplots, plotly's colourway and template colours).
//!
//! ```
//! use meteaudata_core::{Index, Series, TimeSeries};
//! use meteaudata_viz::{interactive_series, PlotOptions, PlotlyJs};
//! # use meteaudata_core::chrono::{NaiveDate, TimeDelta};
//! # let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let index = Index::date_range(start, 3, TimeDelta::minutes(30), None)?;
//! let ts = TimeSeries::new(Series::from_f64("Temperature#1_RAW#1", index, vec![20.1, f64::NAN, 20.4])?);
//! let plot = interactive_series(&ts, &PlotOptions::new())?;
//! let figure: serde_json::Value = serde_json::from_str(&plot.to_json())?;
//! assert_eq!(figure["data"][0]["name"], "RAW#1");
//! assert_eq!(figure["data"][0]["marker"]["symbol"], "diamond");
//! assert_eq!(figure["data"][0]["x"][1], "2024-01-01T00:30:00");
//! assert!(figure["data"][0]["y"][1].is_null()); // a missing value
//! assert_eq!(figure["layout"]["title"]["text"], "Time series plot of Temperature#1");
//! // A page with plotly.js from its CDN (`PlotlyJs::Inline` embeds it: offline, ~1 MB).
//! let page = plot.to_html_page(&PlotlyJs::Cdn);
//! assert!(page.as_str().contains("Plotly.newPlot"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Text (titles, names, units) is escaped as HTML: plotly reads tags in it.
//!
//! Long series are reduced as for the SVG plots, with more room: lines to the extremes of
//! [`INTERACTIVE_COLUMNS`] columns, markers alone to every k-th point past
//! [`INTERACTIVE_MARKERS`] (their legend entry then says so), so 10⁶ points make a page of
//! about 1.3 MB that opens at once.
//!
//! The pages use plotly.js's *basic* bundle (scatter, bar and pie traces with every layout
//! component: legends, hover, range slider, subplots), version 3.0.1, the version the `plotly`
//! crate writes figures for. These figures only need scatter traces, and the basic bundle is
//! a quarter of the full one (1.0 MB instead of 4.7 MB): the browser evaluates it in a third of
//! the time, which was most of the time a page took to open. A copy ships in this crate
//! (`assets/`, MIT licensed, from the npm package `plotly.js-basic-dist-min`).

use plotly::common::{HoverInfo, Marker, MarkerSymbol, Mode as PlotlyMode, Title};
use plotly::layout::{Axis, Layout, RangeSlider};
use plotly::{Configuration, Plot, Scatter};
use serde_json::Value;

use crate::decimate::{min_max, thin, Point};
use crate::escape::xml;
use crate::figure::{Figure, Panel, Trace};
use crate::output::Html;
use crate::styles::{color, Marker as OurMarker, Mode};
use crate::time_axis::{local_time, XKind};
use meteaudata_core::Result;

/// Columns long lines are reduced to (the extremes of each): a wide screen's pixels.
pub const INTERACTIVE_COLUMNS: usize = 2000;
/// Markers a markers-only trace keeps before it is thinned.
pub const INTERACTIVE_MARKERS: usize = 5_000;
/// Points a single time chart may send and still get a range slider. The slider draws every
/// trace a second time: with it, the page of 10⁶ points (9 107 points sent) took 2.4 to 2.7 s
/// to draw in headless Chromium on the 2-core machine, without it 1.2 to 1.5 s. Zoom and pan
/// by dragging work either way.
pub const SLIDER_POINTS: usize = 5_000;

/// Where the page gets plotly.js from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlotlyJs {
    /// Embedded in the page (offline; plotly.js's basic bundle, about 1 MB). Needs the crate's
    /// `embed-js` feature (on by default); without it, the CDN.
    Inline,
    /// `https://cdn.plot.ly` (a small page that needs the network).
    Cdn,
    /// A script at this URL or path, relative to the page (a copy of plotly.js 3.0.1, the
    /// full or the basic bundle, kept beside the pages).
    File(String),
}

/// An interactive figure: plotly's JSON, and pages that show it.
#[derive(Debug, Clone)]
pub struct Interactive {
    figure: Value,
    title: String,
}

impl Interactive {
    /// The plotly figure as JSON (`{"data": [...], "layout": {...}, "config": {...}}`).
    pub fn to_json(&self) -> String {
        self.figure.to_string()
    }

    /// The figure as JSON.
    pub fn figure(&self) -> &Value {
        &self.figure
    }

    /// A standalone page showing the figure, which fills the window's width.
    pub fn to_html_page(&self, js: &PlotlyJs) -> Html {
        let scripts = match js {
            #[cfg(feature = "embed-js")]
            PlotlyJs::Inline => plotly_js_inline(),
            #[cfg(not(feature = "embed-js"))]
            PlotlyJs::Inline => CDN_SCRIPT.to_string(),
            PlotlyJs::Cdn => CDN_SCRIPT.to_string(),
            PlotlyJs::File(src) => format!("<script src=\"{}\"></script>", xml(src)),
        };
        // The figure as JSON data (parsed faster than a script literal); `</` cannot end it
        // early (`<\/` is the same JSON string).
        let json = self.figure.to_string().replace("</", "<\\/");
        Html::from_string(format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>{}</title>\n{scripts}\n\
<style>html, body {{ margin: 0; padding: 0; }} #plot {{ width: 100%; }}</style>\n</head>\n<body>\n\
<div id=\"plot\" class=\"meteaudata-interactive\"></div>\n\
<script type=\"application/json\" id=\"figure\">{json}</script>\n<script>\n\
const figure = JSON.parse(document.getElementById('figure').textContent);\n\
Plotly.newPlot(document.getElementById('plot'), figure.data, figure.layout, figure.config)\n\
  .then(() => requestAnimationFrame(() => setTimeout(() => performance.mark('meteaudata-drawn'))));\n\
</script>\n</body>\n</html>\n",
            xml(&self.title)
        ))
    }
}

/// plotly.js's basic bundle from the CDN: the one embedded by [`PlotlyJs::Inline`].
const CDN_SCRIPT: &str =
    "<script src=\"https://cdn.plot.ly/plotly-basic-3.0.1.min.js\" charset=\"utf-8\"></script>";

/// plotly.js 3.0.1's basic bundle (npm `plotly.js-basic-dist-min`), which holds no `</script`.
#[cfg(feature = "embed-js")]
const PLOTLY_BASIC_JS: &str = include_str!("../assets/plotly-basic-3.0.1.min.js");

/// plotly.js in a script element.
#[cfg(feature = "embed-js")]
fn plotly_js_inline() -> String {
    format!("<script charset=\"utf-8\">{PLOTLY_BASIC_JS}</script>")
}

/// plotly's template colours, which Python meteaudata's figures use.
const PLOT_BACKGROUND: &str = "#E5ECF6";

impl Figure {
    /// The plotly figure of this picture.
    pub(crate) fn interactive(&self) -> Result<Interactive> {
        let mut plot = Plot::new();
        let n = self.panels.len().max(1);
        let spacing = if self.shared_x { 0.02 } else { 0.15 / n as f64 };
        let row_h = (1.0 - spacing * (n as f64 - 1.0)) / n as f64;
        let mut axes: Vec<(Axis, Axis)> = Vec::with_capacity(n);
        for (i, panel) in self.panels.iter().enumerate() {
            let range = self.x_range(panel)?;
            let mut sent = 0;
            for trace in &panel.traces {
                let reduced = reduce(trace, range);
                sent += reduced.0.len();
                plot.add_trace(scatter(trace, reduced, panel, i));
            }
            let top = 1.0 - i as f64 * (row_h + spacing);
            let suffix = |s: &str| {
                if i == 0 {
                    s.to_string()
                } else {
                    format!("{s}{}", i + 1)
                }
            };
            let mut x = Axis::new()
                .title(Title::with_text(xml(&panel.x_label)))
                .domain(&[0.0, 1.0])
                .anchor(suffix("y"))
                .grid_color("white")
                .zero_line_color("white");
            if self.shared_x && n > 1 && i + 1 < n {
                x = x.matches(&format!("x{n}")).show_tick_labels(false);
            }
            // The slider draws every trace again: only for figures that stay quick to draw.
            if n == 1 && matches!(panel.kind, XKind::Time { .. }) && sent <= SLIDER_POINTS {
                x = x.range_slider(RangeSlider::new().visible(true));
            }
            let y = Axis::new()
                .title(Title::with_text(xml(&panel.y_label)))
                .domain(&[(top - row_h).max(0.0), top.min(1.0)])
                .anchor(suffix("x"))
                .grid_color("white")
                .zero_line_color("white");
            axes.push((x, y));
        }
        let colorway: Vec<&str> = (0..10).map(color).collect();
        let mut layout = Layout::new()
            .title(Title::with_text(xml(&self.title)))
            .show_legend(true)
            .auto_size(true)
            .height(self.height as usize)
            .plot_background_color(PLOT_BACKGROUND)
            .colorway(colorway);
        if self.fixed_width {
            layout = layout.width(self.width as usize);
        }
        let mut extra = Vec::new();
        for (i, (x, y)) in axes.into_iter().enumerate() {
            layout = match i {
                0 => layout.x_axis(x).y_axis(y),
                1 => layout.x_axis2(x).y_axis2(y),
                2 => layout.x_axis3(x).y_axis3(y),
                3 => layout.x_axis4(x).y_axis4(y),
                4 => layout.x_axis5(x).y_axis5(y),
                5 => layout.x_axis6(x).y_axis6(y),
                6 => layout.x_axis7(x).y_axis7(y),
                7 => layout.x_axis8(x).y_axis8(y),
                _ => {
                    extra.push((i, x, y));
                    layout
                }
            };
        }
        plot.set_layout(layout);
        plot.set_configuration(Configuration::new().responsive(true).display_logo(false));
        let mut figure: Value = serde_json::from_str(&plot.to_json())
            .map_err(|e| meteaudata_core::Error::invalid_input(format!("plotly figure: {e}")))?;
        // The `plotly` crate names eight axes of each kind; the rest are added to its JSON.
        for (i, x, y) in extra {
            let layout = &mut figure["layout"];
            layout[format!("xaxis{}", i + 1)] = serde_json::to_value(x).unwrap_or_default();
            layout[format!("yaxis{}", i + 1)] = serde_json::to_value(y).unwrap_or_default();
        }
        Ok(Interactive {
            figure,
            title: self.title.clone(),
        })
    }
}

/// The plotly trace of `t` (its points reduced, see [`reduce`]), in panel `i`.
fn scatter(
    t: &Trace,
    (points, note): (Vec<Point>, Option<(usize, usize)>),
    panel: &Panel,
    i: usize,
) -> Box<Scatter<Value, f64>> {
    let xs: Vec<Value> = points.iter().map(|p| x_value(&panel.kind, p.0)).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let name = match note {
        Some((shown, total)) => format!("{} ({shown} of {total} points)", t.name),
        None => t.name.clone(),
    };
    let zone = match &panel.kind {
        XKind::Time { tz: Some(tz) } => format!(" ({tz})"),
        _ => String::new(),
    };
    let mut s = Scatter::new(xs, ys)
        .name(xml(&name))
        .mode(match t.style.mode {
            Mode::Markers => PlotlyMode::Markers,
            Mode::Lines => PlotlyMode::Lines,
            Mode::LinesMarkers => PlotlyMode::LinesMarkers,
        })
        .marker(
            Marker::new()
                .symbol(symbol(t.style.marker))
                .color(color(t.color_index)),
        )
        .hover_info(HoverInfo::All)
        .hover_template(format!(
            "%{{x}}{zone}<br>%{{y}} {}<extra>{}</extra>",
            unit_of(&panel.y_label),
            xml(&t.name)
        ));
    if i > 0 {
        s = s
            .x_axis(format!("x{}", i + 1))
            .y_axis(format!("y{}", i + 1));
    }
    s
}

/// The unit in a y title such as `Temperature#1 (°C)`, else nothing.
fn unit_of(y_label: &str) -> String {
    y_label
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map(|u| xml(u).into_owned())
        .unwrap_or_default()
}

/// The points of `t` to send to the browser, and (shown, total) when markers were thinned.
fn reduce(t: &Trace, range: Option<(f64, f64)>) -> (Vec<Point>, Option<(usize, usize)>) {
    let Some((lo, hi)) = range else {
        return (Vec::new(), None);
    };
    if t.style.mode == Mode::Markers {
        let (shown, total) = thin(&t.xs, &t.ys, lo, hi, INTERACTIVE_MARKERS);
        if shown.len() < total {
            let n = shown.len();
            return (shown, Some((n, total)));
        }
        // All of them, missing values included (as Python sends them: `null`).
        let all =
            t.xs.iter()
                .zip(&t.ys)
                .filter(|(x, _)| x.is_finite() && **x >= lo && **x <= hi)
                .map(|(x, y)| (*x, *y))
                .collect();
        return (all, None);
    }
    (min_max(&t.xs, &t.ys, lo, hi, INTERACTIVE_COLUMNS), None)
}

/// An x position as plotly takes it: a time as the wall-clock time of its zone
/// (`2024-01-01T00:30:00`, plotly has no zones), a category as its label, a number as is.
fn x_value(kind: &XKind, x: f64) -> Value {
    match kind {
        XKind::Time { tz } => local_time(x, *tz).map_or(Value::Null, |local| {
            Value::String(local.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
        }),
        XKind::Category { labels } => labels
            .get(x.round().max(0.0) as usize)
            .map_or(Value::Null, |l| Value::String(l.clone())),
        XKind::Numeric { .. } => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
    }
}

/// plotly's symbol for one of our markers.
fn symbol(m: OurMarker) -> MarkerSymbol {
    match m {
        OurMarker::Diamond => MarkerSymbol::Diamond,
        OurMarker::Circle => MarkerSymbol::Circle,
        OurMarker::TriangleUp => MarkerSymbol::TriangleUp,
        OurMarker::Square => MarkerSymbol::Square,
        OurMarker::TriangleLeft => MarkerSymbol::TriangleLeft,
        OurMarker::TriangleRight => MarkerSymbol::TriangleRight,
        OurMarker::X => MarkerSymbol::X,
        OurMarker::Cross => MarkerSymbol::Cross,
        OurMarker::Star => MarkerSymbol::Star,
        OurMarker::Hexagon => MarkerSymbol::Hexagon,
    }
}
