//! The drawing itself: a figure of stacked panels, each with traces, axes and a legend,
//! written as one SVG document. The plot modules build a [`Figure`]; this module lays it out,
//! decimates every trace to the plot width and writes the SVG.
//!
//! The SVG is meant to be read by programs too: every trace is a
//! `<g class="trace" data-name=… data-mode=… data-marker=… data-points=… data-x-shift=…>`
//! holding one `<path class="line">` and one `<use>` per marker, so tests (and users) can check
//! what was drawn without guessing from geometry.

use std::fmt::Write as _;

use meteaudata_core::{Error, Result};

use crate::decimate::{min_max, thin, Point};
use crate::escape::{truncate, xml};
use crate::output::Svg;
use crate::styles::Mode;
use crate::styles::{color, Marker, TraceStyle};
use crate::time_axis::{category_ticks, numeric_ticks, time_ticks, Tick, XKind};

/// Font stack of every picture (no font files needed: the viewer picks what it has).
pub(crate) const FONT: &str = "'Open Sans', 'Noto Sans', 'DejaVu Sans', Arial, sans-serif";
/// Markers drawn per trace at most: beyond that, a trace with a line draws only its line, and a
/// markers-only trace every k-th point (see [`thin`](crate::decimate::thin)), which its legend
/// entry says.
pub const MAX_MARKERS: usize = 6000;

/// One series to draw.
#[derive(Debug, Clone)]
pub(crate) struct Trace {
    pub name: String,
    pub style: TraceStyle,
    pub color_index: usize,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    /// How far x was shifted (axis units), for predictions.
    pub x_shift: f64,
}

/// One plot area with its own y axis (and x axis unless shared).
#[derive(Debug, Clone)]
pub(crate) struct Panel {
    pub kind: XKind,
    pub x_label: String,
    pub y_label: String,
    pub traces: Vec<Trace>,
}

/// A whole picture.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    pub title: String,
    pub width: u32,
    pub height: u32,
    pub panels: Vec<Panel>,
    /// Panels share one x range; only the bottom one shows x ticks and title.
    pub shared_x: bool,
    pub window: (Option<crate::options::Bound>, Option<crate::options::Bound>),
    /// The width was asked for (interactive pages otherwise fill the window's width).
    pub fixed_width: bool,
}

const LEFT: f64 = 78.0;
const TOP: f64 = 56.0;
const BOTTOM: f64 = 62.0;
const GAP: f64 = 54.0;
const CHAR_W: f64 = 7.0;

impl Figure {
    /// Lays out and writes the figure.
    pub(crate) fn render(&self) -> Result<Svg> {
        let w = f64::from(self.width.clamp(200, 20_000));
        let h = f64::from(self.height.clamp(150, 20_000));
        let names: Vec<&str> = self
            .panels
            .iter()
            .flat_map(|p| p.traces.iter().map(|t| t.name.as_str()))
            .collect();
        let longest = names
            .iter()
            .map(|n| n.chars().count().min(40))
            .max()
            .unwrap_or(0);
        let legend_w = if names.is_empty() {
            20.0
        } else {
            (longest as f64 * 7.6 + 60.0).min(w * 0.45)
        };
        let plot_x = LEFT;
        let plot_w = (w - LEFT - legend_w).max(50.0);
        let n = self.panels.len().max(1) as f64;
        let gap = if self.shared_x { 14.0 } else { GAP };
        let plot_h_total = (h - TOP - BOTTOM - gap * (n - 1.0)).max(40.0 * n);
        let panel_h = plot_h_total / n;
        let columns = plot_w.round().max(1.0) as usize;

        // x windows per panel (shared: one for all).
        let mut ranges = Vec::with_capacity(self.panels.len());
        for p in &self.panels {
            ranges.push(self.x_range(p)?);
        }
        if self.shared_x {
            let lo = ranges
                .iter()
                .filter_map(|r| r.map(|r| r.0))
                .fold(f64::INFINITY, f64::min);
            let hi = ranges
                .iter()
                .filter_map(|r| r.map(|r| r.1))
                .fold(f64::NEG_INFINITY, f64::max);
            let shared = (lo.is_finite() && hi.is_finite()).then_some((lo, hi));
            ranges.fill(shared);
        }

        let mut s = String::with_capacity(64 * 1024);
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"meteaudata-plot\" width=\"{w}\" \
height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\" font-size=\"12\">\n<title>{}</title>\n",
            xml(&self.title)
        );
        s.push_str("<defs>\n");
        for m in Marker::ALL {
            let _ = writeln!(s, "<path id=\"mk-{}\" d=\"{}\"/>", m.as_str(), m.path());
        }
        for (i, _) in self.panels.iter().enumerate() {
            let y = TOP + i as f64 * (panel_h + gap);
            let _ = writeln!(
                s,
                "<clipPath id=\"clip-{i}\"><rect x=\"{plot_x}\" y=\"{:.1}\" width=\"{plot_w:.1}\" height=\"{panel_h:.1}\"/></clipPath>",
                y - 6.0
            );
        }
        s.push_str("</defs>\n");
        let _ = writeln!(s, "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>");
        let _ = writeln!(
            s,
            "<text class=\"title\" x=\"{plot_x}\" y=\"32\" font-size=\"18\" fill=\"#2a3f5f\">{}</text>",
            xml(&self.title)
        );

        let last = self.panels.len().saturating_sub(1);
        // Per trace, in legend order: (shown, total) when its markers were thinned.
        let mut thinned: Vec<Option<(usize, usize)>> = Vec::with_capacity(names.len());
        for (i, p) in self.panels.iter().enumerate() {
            let y0 = TOP + i as f64 * (panel_h + gap);
            let area = Area {
                x: plot_x,
                y: y0,
                w: plot_w,
                h: panel_h,
            };
            let show_x = !self.shared_x || i == last;
            thinned.extend(self.render_panel(&mut s, i, p, &area, ranges[i], columns, show_x));
        }

        // Legend.
        let lx = plot_x + plot_w + 16.0;
        // Labels are cut to what fits before the right edge (the full name is the entry's
        // tooltip): never clipped.
        let legend_chars = (((w - lx - 38.0 - 6.0) / CHAR_W).floor() as usize).clamp(4, 40);
        let _ = writeln!(s, "<g class=\"legend\">");
        let mut ly = TOP + 8.0;
        let traces = self.panels.iter().flat_map(|p| &p.traces);
        for (t, thinned) in traces.zip(thinned.iter().chain(std::iter::repeat(&None))) {
            let c = color(t.color_index);
            let _ = write!(
                s,
                "<g class=\"legend-item\" data-name=\"{}\"><title>{}</title>",
                xml(&t.name),
                xml(&t.name)
            );
            if t.style.mode.has_line() {
                let _ = write!(
                        s,
                        "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{:.1}\" y2=\"{ly}\" stroke=\"{c}\" stroke-width=\"2\"/>",
                        lx + 30.0
                    );
            }
            if t.style.mode.has_markers() {
                let _ = write!(
                    s,
                    "<use href=\"#mk-{}\" x=\"{:.1}\" y=\"{ly}\" fill=\"{c}\"/>",
                    t.style.marker.as_str(),
                    lx + 15.0
                );
            }
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#2a3f5f\">{}</text></g>",
                lx + 38.0,
                ly + 4.0,
                xml(&truncate(&t.name, legend_chars))
            );
            ly += 20.0;
            // Said where the series is named: these are not all its points.
            if let Some((shown, total)) = thinned {
                let _ = writeln!(
                    s,
                    "<text class=\"thinned-note\" data-name=\"{}\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#506784\">{shown} of {total} points shown (1 in {})</text>",
                    xml(&t.name),
                    lx + 38.0,
                    ly - 2.0,
                    total.div_ceil(MAX_MARKERS)
                );
                ly += 14.0;
            }
        }
        s.push_str("</g>\n</svg>\n");
        Ok(Svg::from_string(s))
    }

    /// The x range of a panel: the window bounds where given, the data extent otherwise.
    pub(crate) fn x_range(&self, p: &Panel) -> Result<Option<(f64, f64)>> {
        let start = self
            .window
            .0
            .as_ref()
            .map(|b| b.position(&p.kind))
            .transpose()?;
        let end = self
            .window
            .1
            .as_ref()
            .map(|b| b.position(&p.kind))
            .transpose()?;
        if let (Some(a), Some(b)) = (start, end) {
            if a > b {
                return Err(Error::invalid_input("the plot window starts after it ends"));
            }
        }
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for t in &p.traces {
            for &x in &t.xs {
                if x.is_finite() && start.is_none_or(|a| x >= a) && end.is_none_or(|b| x <= b) {
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
        }
        let lo = start.unwrap_or(lo);
        let hi = end.unwrap_or(hi);
        Ok((lo.is_finite() && hi.is_finite() && lo <= hi).then_some((lo, hi)))
    }

    #[allow(clippy::too_many_arguments)]
    fn render_panel(
        &self,
        s: &mut String,
        i: usize,
        p: &Panel,
        a: &Area,
        range: Option<(f64, f64)>,
        columns: usize,
        show_x: bool,
    ) -> Vec<Option<(usize, usize)>> {
        // Window and decimate each trace.
        let (xlo, xhi) = range.unwrap_or((0.0, 1.0));
        let kept: Vec<(usize, Vec<Point>)> = p
            .traces
            .iter()
            .map(|t| match range {
                Some(_) => {
                    let n = t.xs.iter().filter(|x| **x >= xlo && **x <= xhi).count();
                    (n, min_max(&t.xs, &t.ys, xlo, xhi, columns))
                }
                None => (0, Vec::new()),
            })
            .collect();
        let (mut ylo, mut yhi) = kept
            .iter()
            .flat_map(|(_, pts)| pts.iter().map(|p| p.1))
            .filter(|y| y.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), y| {
                (l.min(y), h.max(y))
            });
        if !(ylo.is_finite() && yhi.is_finite()) {
            (ylo, yhi) = (0.0, 1.0);
        }
        let pad = if yhi > ylo {
            (yhi - ylo) * 0.06
        } else {
            ylo.abs().max(1.0) * 0.1
        };
        let (ylo, yhi) = (ylo - pad, yhi + pad);
        let (xlo, xhi) = if xhi > xlo {
            let pad = (xhi - xlo) * 0.02;
            (xlo - pad, xhi + pad)
        } else {
            (xlo - 1.0, xhi + 1.0)
        };
        let sx = |x: f64| a.x + (x - xlo) / (xhi - xlo) * a.w;
        let sy = |y: f64| a.y + a.h - (y - ylo) / (yhi - ylo) * a.h;

        let _ = writeln!(s, "<g class=\"panel\" data-index=\"{i}\">");
        let _ = writeln!(
            s,
            "<rect class=\"plot-area\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#E5ECF6\"/>",
            a.x, a.y, a.w, a.h
        );
        // Axes: grid lines, ticks, titles.
        let max_x_ticks = ((a.w / 110.0) as usize).max(2);
        let xticks: Vec<Tick> = match &p.kind {
            XKind::Time { tz } => time_ticks(xlo, xhi, *tz, max_x_ticks),
            XKind::Numeric { .. } => numeric_ticks(xlo, xhi, max_x_ticks),
            XKind::Category { labels } => category_ticks(labels, xlo, xhi, max_x_ticks),
        };
        let _ = writeln!(
            s,
            "<g class=\"x-axis\" data-kind=\"{}\">",
            kind_name(&p.kind)
        );
        for t in &xticks {
            let x = sx(t.pos);
            let _ = write!(
                s,
                "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ffffff\"/>",
                a.y,
                a.y + a.h
            );
            if show_x {
                let _ = write!(
                    s,
                    "<text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#2a3f5f\">{}</text>",
                    a.y + a.h + 16.0,
                    xml(&t.label)
                );
                if let Some(sub) = &t.sublabel {
                    let _ = write!(
                        s,
                        "<text class=\"tick sub\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#2a3f5f\">{}</text>",
                        a.y + a.h + 30.0,
                        xml(sub)
                    );
                }
            }
            s.push('\n');
        }
        if show_x {
            let _ = writeln!(
                s,
                "<text class=\"x-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"14\" fill=\"#2a3f5f\">{}</text>",
                a.x + a.w / 2.0,
                a.y + a.h + 48.0,
                xml(&p.x_label)
            );
        }
        s.push_str("</g>\n<g class=\"y-axis\">\n");
        let max_y_ticks = ((a.h / 45.0) as usize).max(2);
        for t in numeric_ticks(ylo, yhi, max_y_ticks) {
            let y = sy(t.pos);
            let _ = writeln!(
                s,
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ffffff\"/>\
<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#2a3f5f\">{}</text>",
                a.x,
                a.x + a.w,
                a.x - 6.0,
                y + 4.0,
                xml(&t.label)
            );
        }
        let (tx, ty) = (a.x - 58.0, a.y + a.h / 2.0);
        let _ = writeln!(
            s,
            "<text class=\"y-title\" x=\"{tx:.1}\" y=\"{ty:.1}\" transform=\"rotate(-90 {tx:.1} {ty:.1})\" text-anchor=\"middle\" font-size=\"14\" fill=\"#2a3f5f\">{}</text>\n</g>",
            xml(&truncate(&p.y_label, (a.h / CHAR_W) as usize))
        );

        // Traces.
        let mut notes = Vec::with_capacity(p.traces.len());
        for (t, (in_window, pts)) in p.traces.iter().zip(&kept) {
            let c = color(t.color_index);
            // Markers alone: thinned by a stride (the extremes of `pts` would change how the
            // points look), and the legend says so.
            let thinned = range
                .filter(|_| t.style.mode == Mode::Markers)
                .map(|(lo, hi)| thin(&t.xs, &t.ys, lo, hi, MAX_MARKERS));
            notes.push(
                thinned
                    .as_ref()
                    .filter(|(shown, total)| shown.len() < *total)
                    .map(|(shown, total)| (shown.len(), *total)),
            );
            let pts = thinned.as_ref().map_or(pts, |(shown, _)| shown);
            let markers = t.style.mode.has_markers()
                && pts.iter().filter(|p| p.1.is_finite()).count() <= MAX_MARKERS;
            let _ = writeln!(
                s,
                "<g class=\"trace\" data-name=\"{}\" data-mode=\"{}\" data-marker=\"{}\" \
data-points=\"{}\" data-points-in-window=\"{in_window}\" data-total-points=\"{}\" data-x-shift=\"{}\" \
data-markers=\"{}\" clip-path=\"url(#clip-{i})\">",
                xml(&t.name),
                t.style.mode.as_str(),
                t.style.marker.as_str(),
                pts.len(),
                t.xs.len(),
                t.x_shift,
                markers
            );
            if t.style.mode.has_line() {
                let mut d = String::with_capacity(pts.len() * 14);
                let mut pen_down = false;
                for &(x, y) in pts {
                    if !y.is_finite() {
                        pen_down = false;
                        continue;
                    }
                    let _ = write!(
                        d,
                        "{}{:.1},{:.1}",
                        if pen_down { 'L' } else { 'M' },
                        sx(x),
                        sy(y)
                    );
                    pen_down = true;
                }
                let _ = writeln!(
                    s,
                    "<path class=\"line\" d=\"{d}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" stroke-linejoin=\"round\"/>"
                );
            }
            if markers {
                let _ = write!(s, "<g class=\"markers\" fill=\"{c}\">");
                for &(x, y) in pts.iter().filter(|p| p.1.is_finite()) {
                    let _ = write!(
                        s,
                        "<use href=\"#mk-{}\" x=\"{:.1}\" y=\"{:.1}\"/>",
                        t.style.marker.as_str(),
                        sx(x),
                        sy(y)
                    );
                }
                s.push_str("</g>\n");
            }
            s.push_str("</g>\n");
        }
        s.push_str("</g>\n");
        notes
    }
}

fn kind_name(k: &XKind) -> &'static str {
    match k {
        XKind::Time { .. } => "time",
        XKind::Numeric { .. } => "numeric",
        XKind::Category { .. } => "category",
    }
}

struct Area {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}
