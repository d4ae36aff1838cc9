//! One-call file writers, for programs such as the `meteaudata` command line: the format comes
//! from the file name (`.svg`, `.html`, `.dot`, `.txt`) unless given.
//!
//! ```
//! use meteaudata_core::{Index, Series, Signal};
//! use meteaudata_viz::{plot_signal, write_lineage, write_plot, Format, PlotOptions};
//! use meteaudata_viz::lineage::Lineage;
//! let signal = Signal::new("A", "m")?
//!     .with_series(Series::from_f64("RAW", Index::range(3), vec![1.0, 2.0, 3.0])?)?;
//! let dir = tempfile::tempdir().unwrap();
//!
//! let plot = plot_signal(&signal, &["A#1_RAW#1"], &PlotOptions::new())?;
//! assert_eq!(write_plot(dir.path().join("a.html"), &plot, "Signal A")?, Format::Html);
//! assert_eq!(write_plot(dir.path().join("a.svg"), &plot, "Signal A")?, Format::Svg);
//!
//! let graph = Lineage::of_signal(&signal);
//! assert_eq!(write_lineage(dir.path().join("a.dot"), None, &graph)?, Format::Dot);
//! assert!(write_lineage(dir.path().join("a.png"), None, &graph).is_err());
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use std::path::Path;

use meteaudata_core::{Error, Result};

use crate::display::{Describe, Tree};
use crate::lineage::Lineage;
use crate::output::{write_atomic, Format, Svg};

/// Writes a plot as SVG (`.svg`) or as a standalone page titled `title` (`.html`); returns the
/// format used.
pub fn write_plot(path: impl AsRef<Path>, plot: &Svg, title: &str) -> Result<Format> {
    let path = path.as_ref();
    match Format::from_path(path)? {
        Format::Svg => plot.write(path).map(|_| Format::Svg),
        Format::Html => plot.to_html_page(title).write(path).map(|_| Format::Html),
        other => Err(Error::invalid_input(format!(
            "a plot is written as .svg or .html, not {other:?}"
        ))),
    }
}

/// Writes a lineage graph as SVG, HTML or DOT (`format`, or from the file name when `None`);
/// returns the format used.
pub fn write_lineage(
    path: impl AsRef<Path>,
    format: Option<Format>,
    lineage: &Lineage,
) -> Result<Format> {
    let path = path.as_ref();
    let format = match format {
        Some(f) => f,
        None => Format::from_path(path)?,
    };
    match format {
        Format::Svg => lineage.to_svg().write(path)?,
        Format::Html => lineage.to_html().write(path)?,
        Format::Dot => write_atomic(path, lineage.to_dot().as_bytes())?,
        Format::Text => {
            return Err(Error::invalid_input(
                "a lineage graph is written as .svg, .html or .dot",
            ))
        }
    }
    Ok(format)
}

/// Writes the metadata tree of `model` to `depth` levels as text (`.txt`) or as a page
/// (`.html`); returns the format used.
pub fn write_display<T: Describe + ?Sized>(
    path: impl AsRef<Path>,
    model: &T,
    depth: usize,
    title: &str,
) -> Result<Format> {
    let path = path.as_ref();
    match Format::from_path(path)? {
        Format::Text => {
            write_atomic(path, Tree::new(model, depth).to_string().as_bytes())?;
            Ok(Format::Text)
        }
        Format::Html => {
            Tree::new(model, depth).to_html_page(title).write(path)?;
            Ok(Format::Html)
        }
        other => Err(Error::invalid_input(format!(
            "a metadata display is written as .txt or .html, not {other:?}"
        ))),
    }
}
