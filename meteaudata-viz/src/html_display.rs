//! The HTML tree: the attributes of an object, with every nested object and collection in a
//! collapsed `<details>` section, styled like Python meteaudata's `display(format="html")`.
//! Every name and value is escaped.
//!
//! ```
//! use meteaudata_core::{Dataset, Index, Series, Signal};
//! use meteaudata_viz::display::Tree;
//! let s = Signal::new("pH", "<b>units</b>")?
//!     .with_series(Series::from_f64("RAW", Index::range(2), vec![7.0, 7.1])?)?;
//! let ds = Dataset::new("tank")?.with_signals([s])?;
//! let page = Tree::new(&ds, 3).to_html_page("Tank & co");
//! let html = page.as_str();
//! assert!(html.contains("<summary class=\"meteaudata-summary\">signals (1 items)</summary>"));
//! assert!(html.contains("&lt;b&gt;units&lt;/b&gt;"));
//! assert!(!html.contains("<b>units"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use std::fmt::Write as _;

use crate::display::{Describe, Node, Tree, Value};
use crate::escape::xml;
use crate::output::Html;

/// The CSS the fragments of [`Tree::to_html`] expect (pages include it).
pub const DISPLAY_CSS: &str = ".meteaudata-display { font-size: 14px; line-height: 1.5; color: #24292f; \
background: #ffffff; border: 1px solid #d0d7de; border-radius: 6px; padding: 16px; margin: 8px 0; } \
.meteaudata-header { font-weight: 600; font-size: 16px; margin-bottom: 12px; color: #0969da; } \
.meteaudata-attr { margin: 4px 0; padding: 2px 0; } \
.meteaudata-attr-name { font-weight: 600; color: #656d76; display: inline-block; min-width: 120px; } \
.meteaudata-attr-value { color: #24292f; } \
.meteaudata-nested { margin-left: 20px; border-left: 2px solid #f6f8fa; padding-left: 12px; margin-top: 8px; } \
details.meteaudata-collapsible { margin: 4px 0; } \
summary.meteaudata-summary { cursor: pointer; font-weight: 600; color: #656d76; padding: 4px 0; } \
summary.meteaudata-summary:hover { color: #0969da; }";

fn attr_line(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(
        out,
        "<div class=\"meteaudata-attr\"><span class=\"meteaudata-attr-name\">{}:</span> \
<span class=\"meteaudata-attr-value\">{}</span></div>",
        xml(key),
        xml(value)
    );
}

fn body(out: &mut String, node: &Node) {
    let _ = writeln!(out, "<div class=\"meteaudata-header\">{}</div>", node.class);
    // Simple attributes first, then the collapsible children, as Python does.
    for (k, v) in &node.attrs {
        match v {
            Value::Str(s) | Value::Plain(s) => attr_line(out, k, s),
            Value::Folded(_, summary) => attr_line(out, k, summary),
            _ => {}
        }
    }
    for (k, v) in &node.attrs {
        match v {
            Value::Node(n) => {
                let _ = write!(
                    out,
                    "<details class=\"meteaudata-collapsible\"><summary class=\"meteaudata-summary\">{}: {}</summary>\
<div class=\"meteaudata-nested\">",
                    xml(k),
                    n.class
                );
                body(out, n);
                out.push_str("</div></details>\n");
            }
            Value::Collection(title, items) => {
                let _ = write!(
                    out,
                    "<details class=\"meteaudata-collapsible\"><summary class=\"meteaudata-summary\">{} ({} items)</summary>\
<div class=\"meteaudata-nested\">",
                    xml(title),
                    items.len()
                );
                for (ik, item) in items {
                    match item {
                        Value::Node(n) => {
                            out.push_str("<div class=\"meteaudata-nested\">");
                            body(out, n);
                            out.push_str("</div>\n");
                        }
                        Value::Folded(_, s) | Value::Str(s) | Value::Plain(s) => {
                            attr_line(out, ik, s)
                        }
                        Value::Collection(..) => {}
                    }
                }
                out.push_str("</div></details>\n");
            }
            _ => {}
        }
    }
}

impl<T: Describe + ?Sized> Tree<'_, T> {
    /// The HTML fragment (one `<div class="meteaudata-display">`), to be styled with
    /// [`DISPLAY_CSS`].
    pub fn to_html(&self) -> String {
        let node = self.node();
        let mut out = String::from("<div class=\"meteaudata-display\">\n");
        if node.attrs.is_empty() {
            let _ = writeln!(out, "<div class=\"meteaudata-header\">{}</div>", node.class);
            attr_line(&mut out, "summary", &node.summary);
        } else {
            body(&mut out, &node);
        }
        out.push_str("</div>\n");
        out
    }

    /// A standalone page with the fragment and its CSS.
    pub fn to_html_page(&self, title: &str) -> Html {
        Html::page(title, &self.to_html(), DISPLAY_CSS)
    }
}
