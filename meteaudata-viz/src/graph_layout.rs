//! Drawing a lineage graph: a layered left-to-right layout written as SVG, and a standalone
//! HTML page with the picture and a collapsible details list per series.
//!
//! Layout: each series sits in the column of its longest path from a source (raw data and
//! external inputs on the left), nodes within a column are ordered to reduce crossings (a few
//! barycentre sweeps, ties broken by name, so the result is deterministic), and each step is a
//! curved arrow labelled with its function and parameters.
//!
//! ```
//! use meteaudata_core::{Index, ProcessOptions, Series, Signal};
//! use meteaudata_viz::lineage::Lineage;
//! let mut signal = Signal::new("A", "m")?
//!     .with_series(Series::from_f64("RAW", Index::datetime_nanos(vec![0, 60_000_000_000, 120_000_000_000], None), vec![1.0, f64::NAN, 3.0])?)?;
//! signal.process(&["A#1_RAW#1"], &meteaudata_processing::linear_interpolation(), ProcessOptions::new())?;
//! let svg = Lineage::of_signal(&signal).to_svg().to_svg_string();
//! assert_eq!(svg.matches(r#"<g class="node""#).count(), 2);
//! assert!(svg.contains(r#"data-kind="raw""#));
//! let page = Lineage::of_signal(&signal).to_html();
//! assert!(page.as_str().contains("<details"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::escape::{truncate, xml};
use crate::figure::FONT;
use crate::lineage::{Lineage, NodeKind};
use crate::output::{Html, Svg};

const NODE_H: f64 = 36.0;
const NODE_SEP: f64 = 44.0;
const RANK_SEP: f64 = 190.0;
const MARGIN: f64 = 40.0;
const TOP: f64 = 70.0;
const CHAR_W: f64 = 8.2;
const MAX_LABEL: usize = 36;

/// Where each node goes.
struct Placed {
    x: f64,
    y: f64,
    w: f64,
}

impl Lineage {
    /// Column of every node: longest path from a source (cycles, which real histories do not
    /// have, are cut after as many rounds as there are nodes).
    fn ranks(&self) -> Vec<usize> {
        let idx: HashMap<&str, usize> = self
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i))
            .collect();
        let mut rank = vec![0usize; self.nodes().len()];
        for _ in 0..self.nodes().len() {
            let mut changed = false;
            for e in self.edges() {
                if let (Some(&a), Some(&b)) = (idx.get(e.from.as_str()), idx.get(e.to.as_str())) {
                    if rank[b] < rank[a] + 1 {
                        rank[b] = rank[a] + 1;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        rank
    }

    fn layout(&self) -> (Vec<Placed>, f64, f64) {
        let n = self.nodes().len();
        let rank = self.ranks();
        let idx: HashMap<&str, usize> = self
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i))
            .collect();
        let ncols = rank.iter().max().map_or(0, |m| m + 1);
        let mut cols: Vec<Vec<usize>> = vec![Vec::new(); ncols];
        for (i, r) in rank.iter().enumerate() {
            cols[*r].push(i); // nodes are sorted by name already
        }
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
        for e in self.edges() {
            if let (Some(&a), Some(&b)) = (idx.get(e.from.as_str()), idx.get(e.to.as_str())) {
                succs[a].push(b);
                preds[b].push(a);
            }
        }
        let mut pos = vec![0f64; n];
        let set_pos = |cols: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
            for c in cols {
                for (k, &i) in c.iter().enumerate() {
                    pos[i] = k as f64;
                }
            }
        };
        set_pos(&cols, &mut pos);
        for sweep in 0..6 {
            let forward = sweep % 2 == 0;
            let order: Vec<usize> = if forward {
                (1..ncols).collect()
            } else {
                (0..ncols.saturating_sub(1)).rev().collect()
            };
            for c in order {
                let neigh = if forward { &preds } else { &succs };
                let mut keyed: Vec<(f64, usize)> = cols[c]
                    .iter()
                    .map(|&i| {
                        let ns = &neigh[i];
                        let b = if ns.is_empty() {
                            pos[i]
                        } else {
                            ns.iter().map(|&j| pos[j]).sum::<f64>() / ns.len() as f64
                        };
                        (b, i)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                cols[c] = keyed.into_iter().map(|k| k.1).collect();
                set_pos(&cols, &mut pos);
            }
        }
        let width_of = |i: usize| {
            let chars = self.nodes()[i].name.chars().count().min(MAX_LABEL);
            (chars as f64 * CHAR_W + 28.0).max(90.0)
        };
        let tallest = cols.iter().map(Vec::len).max().unwrap_or(0) as f64;
        let total_h = tallest * NODE_H + (tallest - 1.0).max(0.0) * NODE_SEP;
        let mut placed: Vec<Placed> = (0..n)
            .map(|_| Placed {
                x: 0.0,
                y: 0.0,
                w: 0.0,
            })
            .collect();
        let mut x = MARGIN;
        for c in &cols {
            let col_w = c.iter().map(|&i| width_of(i)).fold(0.0, f64::max);
            let h = c.len() as f64 * NODE_H + (c.len() as f64 - 1.0).max(0.0) * NODE_SEP;
            let mut y = TOP + (total_h - h) / 2.0;
            for &i in c {
                let w = width_of(i);
                placed[i] = Placed {
                    x: x + (col_w - w) / 2.0,
                    y,
                    w,
                };
                y += NODE_H + NODE_SEP;
            }
            x += col_w + RANK_SEP;
        }
        let width = (x - RANK_SEP + MARGIN).max(420.0);
        let height = TOP + total_h + MARGIN + 20.0;
        (placed, width, height)
    }

    /// The graph as an SVG picture.
    pub fn to_svg(&self) -> Svg {
        let (placed, w, h) = self.layout();
        let idx: HashMap<&str, usize> = self
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i))
            .collect();
        let mut s = String::with_capacity(8 * 1024);
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"meteaudata-lineage\" width=\"{w:.0}\" height=\"{h:.0}\" \
viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"{FONT}\" font-size=\"12\">\n<title>{}</title>",
            xml(self.title())
        );
        s.push_str(
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" \
markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10Z\" fill=\"#6e7781\"/></marker></defs>\n",
        );
        let _ = writeln!(
            s,
            "<rect width=\"{w:.0}\" height=\"{h:.0}\" fill=\"#ffffff\"/>"
        );
        let _ = writeln!(
            s,
            "<text class=\"title\" x=\"{MARGIN}\" y=\"28\" font-size=\"18\" fill=\"#24292f\">{}</text>",
            xml(self.title())
        );
        // Key.
        let mut kx = MARGIN;
        s.push_str("<g class=\"key\">");
        for (label, color, dash) in [
            ("raw", crate::lineage::RAW_COLOR, ""),
            ("processed", crate::lineage::PROCESSED_COLORS[0], ""),
            (
                "external (not in this container)",
                crate::lineage::EXTERNAL_COLOR,
                " stroke-dasharray=\"4 3\" stroke=\"#6e7781\"",
            ),
        ] {
            let _ = write!(
                s,
                "<rect x=\"{kx}\" y=\"40\" width=\"14\" height=\"14\" rx=\"3\" fill=\"{color}\"{dash}/>\
<text x=\"{:.0}\" y=\"51\" fill=\"#57606a\">{label}</text>",
                kx + 20.0
            );
            kx += 20.0 + label.len() as f64 * 7.0 + 24.0;
        }
        s.push_str("</g>\n");
        if self.nodes().is_empty() {
            let _ = writeln!(
                s,
                "<text x=\"{MARGIN}\" y=\"{:.0}\" fill=\"#57606a\">No series.</text>",
                TOP + 20.0
            );
        }
        s.push_str("<g class=\"edges\">\n");
        for e in self.edges() {
            let (Some(&a), Some(&b)) = (idx.get(e.from.as_str()), idx.get(e.to.as_str())) else {
                continue;
            };
            let (pa, pb) = (&placed[a], &placed[b]);
            let (x1, y1) = (pa.x + pa.w, pa.y + NODE_H / 2.0);
            let (x2, y2) = (pb.x, pb.y + NODE_H / 2.0);
            let dx = ((x2 - x1) / 2.0).max(30.0);
            let _ = write!(
                s,
                "<g class=\"edge\" data-from=\"{}\" data-to=\"{}\" data-function=\"{}\" data-type=\"{}\">\
<title>{}</title><path d=\"M{x1:.1},{y1:.1}C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}\" fill=\"none\" \
stroke=\"#6e7781\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/>",
                xml(&e.from),
                xml(&e.to),
                xml(&e.function),
                e.step_type,
                xml(&format!("{} → {}: {} ({})", e.from, e.to, e.label(), e.step_type)),
                x1 + dx,
                x2 - dx
            );
            // Label in the gap before the target column, on the curve.
            let lx = x2 - RANK_SEP / 2.0;
            let f = ((lx - x1) / (x2 - x1).max(1.0)).clamp(0.0, 1.0);
            let ly = y1 + (y2 - y1) * (3.0 * f * f - 2.0 * f * f * f);
            let fname = truncate(&e.function, 25);
            let params = truncate(&e.parameters.join(", "), 26).into_owned();
            let lw =
                (fname.chars().count().max(params.chars().count()) as f64 * 6.2 + 10.0).max(30.0);
            let lh = if params.is_empty() { 16.0 } else { 30.0 };
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{lw:.1}\" height=\"{lh}\" rx=\"3\" fill=\"#f8f9fa\" opacity=\"0.92\"/>\
<text class=\"edge-label\" x=\"{lx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#57606a\">{}</text>",
                lx - lw / 2.0,
                ly - 12.0,
                ly,
                xml(&fname)
            );
            if !params.is_empty() {
                let _ = write!(
                    s,
                    "<text class=\"edge-params\" x=\"{lx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#6e7781\">{}</text>",
                    ly + 13.0,
                    xml(&params)
                );
            }
            s.push_str("</g>\n");
        }
        s.push_str("</g>\n<g class=\"nodes\">\n");
        for (n, p) in self.nodes().iter().zip(&placed) {
            let steps: Vec<String> = n.steps.iter().map(|(f, t)| format!("{f} ({t})")).collect();
            let mut tip = format!(
                "{}\n{}{}",
                n.name,
                n.kind.as_str(),
                if steps.is_empty() {
                    String::new()
                } else {
                    format!(": {}", steps.join(" → "))
                }
            );
            // The step that made it, with its parameters, and when it ran.
            if let Some(e) = self.edges().iter().find(|e| e.to == n.name) {
                let _ = write!(tip, "\nmade by {}", e.label());
            }
            if let Some(run) = &n.last_run {
                let _ = write!(tip, "\nran {run}");
            }
            let dash = if n.kind == NodeKind::External {
                " stroke-dasharray=\"5 3\""
            } else {
                ""
            };
            let stroke = if n.kind == NodeKind::External {
                "#6e7781"
            } else {
                n.color
            };
            let _ = writeln!(
                s,
                "<g class=\"node\" data-name=\"{}\" data-kind=\"{}\"><title>{}</title>\
<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{NODE_H}\" rx=\"8\" fill=\"{}\" stroke=\"{stroke}\" stroke-width=\"2\"{dash}/>\
<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#ffffff\" font-weight=\"600\">{}</text>{}</g>",
                xml(&n.name),
                n.kind.as_str(),
                xml(&tip),
                p.x,
                p.y,
                p.w,
                n.color,
                p.x + p.w / 2.0,
                p.y + NODE_H / 2.0 + 4.0,
                xml(&truncate(&n.name, MAX_LABEL)),
                if n.kind == NodeKind::Raw {
                    format!(
                        "<text class=\"badge\" x=\"{:.1}\" y=\"{:.1}\" fill=\"{}\" font-size=\"10\" font-weight=\"600\">RAW</text>",
                        p.x + 4.0,
                        p.y - 4.0,
                        n.color
                    )
                } else {
                    String::new()
                }
            );
        }
        s.push_str("</g>\n</svg>\n");
        Svg::from_string(s)
    }

    /// A standalone page: the picture (hover a node for its steps; click it to highlight its
    /// ancestry), then one collapsible section per series (kind, creation time, steps) and the
    /// list of steps drawn as arrows.
    pub fn to_html(&self) -> Html {
        let mut body = format!("<div class=\"picture\">{}</div>\n", self.to_svg());
        body.push_str("<h2>Series</h2>\n");
        for n in self.nodes() {
            let _ = write!(
                body,
                "<details class=\"node-details\"><summary><span class=\"swatch\" style=\"background: {}\"></span>{} \
<span class=\"kind\">{}</span></summary><div class=\"body\">",
                n.color,
                xml(&n.name),
                n.kind.as_str()
            );
            if let Some(c) = &n.created_on {
                let _ = write!(body, "<div><b>Created:</b> {}</div>", xml(c));
            }
            if n.steps.is_empty() {
                body.push_str(match n.kind {
                    NodeKind::External => {
                        "<div>Not in this container (an input from elsewhere).</div>"
                    }
                    _ => "<div><b>Processing steps:</b> none (raw series)</div>",
                });
            } else {
                body.push_str("<div><b>Processing steps:</b></div><ol>");
                for (f, t) in &n.steps {
                    let _ = write!(
                        body,
                        "<li>{} <span class=\"kind\">{}</span></li>",
                        xml(f),
                        t
                    );
                }
                body.push_str("</ol>");
            }
            body.push_str("</div></details>\n");
        }
        if !self.edges().is_empty() {
            body.push_str("<h2>Steps</h2>\n<table><thead><tr><th>from</th><th>to</th><th>step</th><th>type</th></tr></thead><tbody>\n");
            for e in self.edges() {
                let _ = writeln!(
                    body,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    xml(&e.from),
                    xml(&e.to),
                    xml(&e.label()),
                    e.step_type
                );
            }
            body.push_str("</tbody></table>\n");
        }
        body.push_str(ANCESTRY_SCRIPT);
        Html::page(&format!("Lineage of {}", self.title()), &body, GRAPH_CSS)
    }
}

/// Clicking a node of the page's graph highlights it and its ancestry (the series it was made
/// from, back to the raw data) and fades the rest; clicking it again, or the background,
/// shows everything. Inline and offline; a CDATA section keeps the page well-formed XML.
const ANCESTRY_SCRIPT: &str = "<script>//<![CDATA[
(function () {
  var svg = document.querySelector('svg.meteaudata-lineage');
  if (!svg) { return; }
  var nodes = Array.prototype.slice.call(svg.querySelectorAll('g.node'));
  var edges = Array.prototype.slice.call(svg.querySelectorAll('g.edge'));
  var parents = {};
  edges.forEach(function (e) {
    var to = e.getAttribute('data-to');
    (parents[to] = parents[to] || []).push(e.getAttribute('data-from'));
  });
  var selected = null;
  function show(name) {
    selected = name;
    var keep = {};
    var todo = name === null ? [] : [name];
    while (todo.length) {
      var n = todo.pop();
      if (keep[n]) { continue; }
      keep[n] = true;
      (parents[n] || []).forEach(function (p) { todo.push(p); });
    }
    nodes.forEach(function (g) {
      var on = name === null || keep[g.getAttribute('data-name')];
      g.classList.toggle('faded', !on);
      g.classList.toggle('selected', name !== null && g.getAttribute('data-name') === name);
    });
    edges.forEach(function (e) {
      var on = name === null || (keep[e.getAttribute('data-from')] && keep[e.getAttribute('data-to')]);
      e.classList.toggle('faded', !on);
    });
  }
  nodes.forEach(function (g) {
    g.style.cursor = 'pointer';
    g.addEventListener('click', function (ev) {
      ev.stopPropagation();
      var name = g.getAttribute('data-name');
      show(selected === name ? null : name);
    });
  });
  svg.addEventListener('click', function () { show(null); });
})();
//]]></script>
";

const GRAPH_CSS: &str = "h2 { font-size: 16px; margin: 20px 0 8px 0; } \
details.node-details { border: 1px solid #d0d7de; border-radius: 6px; padding: 6px 10px; margin: 4px 0; max-width: 900px; } \
details.node-details summary { cursor: pointer; font-weight: 600; } \
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; } \
.kind { color: #57606a; font-weight: normal; font-size: 12px; margin-left: 6px; } \
.body { padding: 6px 0 0 16px; } \
table { border-collapse: collapse; font-size: 13px; } \
td, th { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; } \
svg.meteaudata-lineage .faded { opacity: 0.15; } \
svg.meteaudata-lineage g.node.selected rect { stroke: #24292f; stroke-width: 3; }";
