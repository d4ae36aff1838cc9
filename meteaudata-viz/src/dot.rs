//! Graphviz DOT output of a lineage graph (`dot -Tsvg lineage.dot > lineage.svg`).
//!
//! Left to right, one rounded box per series coloured as in the SVG (raw green, external grey
//! and dashed), one labelled arrow per step. Every name and label is escaped, so any name is
//! one DOT string.
//!
//! ```
//! use meteaudata_core::{Index, Series, Signal};
//! use meteaudata_viz::lineage::Lineage;
//! let signal = Signal::new("q\"uote", "m")?
//!     .with_series(Series::from_f64("RAW", Index::range(2), vec![1.0, 2.0])?)?;
//! let dot = Lineage::of_signal(&signal).to_dot();
//! assert!(dot.starts_with("digraph lineage {"));
//! assert!(dot.contains(r#""q\"uote#1_RAW#1" ["#));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use std::fmt::Write as _;

use crate::escape::dot;
use crate::lineage::{Lineage, NodeKind};

impl Lineage {
    /// The graph as Graphviz DOT text.
    pub fn to_dot(&self) -> String {
        let mut s = String::new();
        s.push_str("digraph lineage {\n");
        let _ = writeln!(
            s,
            "  graph [rankdir=LR, nodesep=0.5, ranksep=1.2, labelloc=t, label=\"{}\", fontname=\"Helvetica\"];",
            dot(self.title())
        );
        s.push_str(
            "  node [shape=box, style=\"rounded,filled\", fontcolor=white, fontname=\"Helvetica\", fontsize=12];\n",
        );
        s.push_str("  edge [color=\"#6e7781\", fontcolor=\"#57606a\", fontname=\"Helvetica\", fontsize=10];\n");
        for n in self.nodes() {
            let style = match n.kind {
                NodeKind::External => ", style=\"rounded,filled,dashed\"",
                _ => "",
            };
            let steps: Vec<String> = n.steps.iter().map(|(f, t)| format!("{f} ({t})")).collect();
            let tip = if steps.is_empty() {
                n.kind.as_str().to_string()
            } else {
                format!("{}: {}", n.kind.as_str(), steps.join(" → "))
            };
            let _ = writeln!(
                s,
                "  \"{}\" [fillcolor=\"{}\", color=\"{}\"{style}, tooltip=\"{}\", class=\"{}\"];",
                dot(&n.name),
                n.color,
                n.color,
                dot(&tip),
                n.kind.as_str()
            );
        }
        for e in self.edges() {
            let mut label = dot(&e.function);
            for p in &e.parameters {
                label.push_str("\\n");
                label.push_str(&dot(p));
            }
            let _ = writeln!(
                s,
                "  \"{}\" -> \"{}\" [label=\"{label}\", tooltip=\"{}\"];",
                dot(&e.from),
                dot(&e.to),
                e.step_type
            );
        }
        s.push_str("}\n");
        s
    }
}
