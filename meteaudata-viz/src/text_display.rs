//! The text tree: `Display` for [`Tree`], in the layout of Python meteaudata's
//! `display(format="text")`.
//!
//! The first line is `ClassName:`; each attribute is `key: value` two spaces in; a nested
//! object prints `key:` and then its own tree with its header in the same column; strings are
//! quoted and cut to 47 characters plus `...` beyond 50; collection items are listed under
//! their key (`timeseries_<name>`, `processing_steps[0]`).
//!
//! ```
//! use meteaudata_core::{FunctionInfo, ProcessingStep, ProcessingType, Parameters};
//! use meteaudata_viz::display::Tree;
//! let step = ProcessingStep::new(ProcessingType::Resampling, "resample to 2 h",
//!         FunctionInfo::new("resample", "0.1.0", "me", "-").with_source("fn resample() {\n}\n"),
//!         "RESAMPLED")
//!     .with_parameters(Parameters::new().with("frequency", "2h"));
//! let text = Tree::new(&step, 2).to_string();
//! assert!(text.contains("  function_info:\n  FunctionInfo:\n    name: 'resample'\n"));
//! assert!(text.contains("    has_source_code: True\n    source_code_lines: 2\n"));
//! assert!(!text.contains("fn resample"));
//! assert!(text.contains("    frequency: '2h'\n"));
//! assert_eq!(Tree::new(&step, 1).to_string().lines().count(), 10);
//! ```

use std::fmt;

use crate::display::{Describe, Node, Tree, Value};

/// Longest string shown whole; longer ones are cut to 47 characters plus `...`.
const MAX_STR: usize = 50;

fn quoted(s: &str) -> String {
    let one_line = s.replace('\r', "").replace('\n', "\\n");
    if one_line.chars().count() > MAX_STR {
        format!(
            "'{}...'",
            one_line.chars().take(MAX_STR - 3).collect::<String>()
        )
    } else {
        format!("'{one_line}'")
    }
}

fn single_line(s: &str) -> String {
    s.replace('\r', "").replace('\n', "\\n")
}

fn write_node(f: &mut fmt::Formatter<'_>, node: &Node, indent: usize) -> fmt::Result {
    writeln!(f, "{:indent$}{}:", "", node.class)?;
    for (k, v) in &node.attrs {
        write_attr(f, k, v, indent + 2)?;
    }
    Ok(())
}

fn write_attr(f: &mut fmt::Formatter<'_>, key: &str, v: &Value, pad: usize) -> fmt::Result {
    match v {
        Value::Str(s) => writeln!(f, "{:pad$}{key}: {}", "", quoted(s)),
        Value::Plain(s) => writeln!(f, "{:pad$}{key}: {}", "", single_line(s)),
        Value::Folded(_, summary) => writeln!(f, "{:pad$}{key}: {}", "", single_line(summary)),
        Value::Node(n) => {
            writeln!(f, "{:pad$}{key}:", "")?;
            write_node(f, n, pad)
        }
        Value::Collection(_, items) => {
            for (k, item) in items {
                let full = if k.starts_with('[') {
                    format!("{key}{k}")
                } else {
                    k.clone()
                };
                write_attr(f, &full, item, pad)?;
            }
            Ok(())
        }
    }
}

impl<T: Describe + ?Sized> fmt::Display for Tree<'_, T> {
    /// The text tree (depth 0: `ClassName: summary` on one line).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let node = self.node();
        if node.attrs.is_empty() {
            return writeln!(f, "{}: {}", node.class, single_line(&node.summary));
        }
        write_node(f, &node, 0)
    }
}
