//! The two kinds of file this crate writes, [`Svg`] and [`Html`], and how they reach the disk.
//!
//! An [`Svg`] is a complete SVG document; [`Svg::to_html_page`] wraps it in a standalone page.
//! Pages are well-formed XHTML (they parse as XML), carry their CSS inline and load nothing
//! from the network.
//!
//! ```
//! use meteaudata_viz::Svg;
//! let svg = Svg::from_string(r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#);
//! let page = svg.to_html_page("A <small> picture");
//! assert!(page.as_str().contains("<title>A &lt;small&gt; picture</title>"));
//! assert!(!page.as_str().contains("<script"));
//! ```

use std::fmt;
use std::io::Write;
use std::path::Path;

use meteaudata_core::{Error, Result};

use crate::escape::xml;

/// A complete SVG document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

/// A complete, standalone HTML page (XHTML syntax, no external resources).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Html(String);

/// Shared CSS of every page.
pub(crate) const PAGE_CSS: &str = "body { font-family: -apple-system, 'Segoe UI', 'Noto Sans', \
Helvetica, Arial, sans-serif; color: #24292f; background: #ffffff; margin: 16px; } \
h1 { font-size: 20px; font-weight: 600; margin: 0 0 12px 0; } \
.picture svg { max-width: 100%; height: auto; }";

impl Svg {
    /// Wraps SVG text produced elsewhere (the caller vouches that it is a complete document).
    pub fn from_string(svg: impl Into<String>) -> Self {
        Svg(svg.into())
    }

    /// The SVG text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SVG text, owned.
    pub fn to_svg_string(&self) -> String {
        self.0.clone()
    }

    /// A standalone page showing the picture under an `<h1>` title.
    pub fn to_html_page(&self, title: &str) -> Html {
        Html::page(
            title,
            &format!("<div class=\"picture\">{}</div>", self.0),
            "",
        )
    }

    /// Writes the SVG to `path` (atomically: a temporary file in the same folder, then a rename).
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        write_atomic(path.as_ref(), self.0.as_bytes())
    }
}

impl fmt::Display for Svg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Html {
    /// A page with an escaped `title`, a body fragment (already markup) and extra CSS.
    pub(crate) fn page(title: &str, body: &str, extra_css: &str) -> Html {
        let t = xml(title);
        Html(format!(
            "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n\
<meta charset=\"utf-8\"/>\n<title>{t}</title>\n<style>\n{PAGE_CSS}\n{extra_css}\n</style>\n</head>\n\
<body>\n<h1>{t}</h1>\n{body}\n</body>\n</html>\n"
        ))
    }

    /// Wraps HTML text produced elsewhere.
    pub fn from_string(html: impl Into<String>) -> Self {
        Html(html.into())
    }

    /// The page text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The page text, owned.
    pub fn to_html_string(&self) -> String {
        self.0.clone()
    }

    /// Writes the page to `path` (atomically).
    pub fn write(&self, path: impl AsRef<Path>) -> Result<()> {
        write_atomic(path.as_ref(), self.0.as_bytes())
    }
}

impl fmt::Display for Html {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The file formats pictures can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// An SVG document.
    Svg,
    /// A standalone HTML page.
    Html,
    /// Graphviz DOT text (lineage graphs only).
    Dot,
    /// Plain text (metadata display only).
    Text,
}

impl Format {
    /// The format a file name asks for: `.svg`, `.html`/`.htm`, `.dot`/`.gv`, `.txt`
    /// (case-insensitive).
    ///
    /// ```
    /// use meteaudata_viz::Format;
    /// assert_eq!(Format::from_path("out/plot.SVG").unwrap(), Format::Svg);
    /// assert!(Format::from_path("plot.png").is_err());
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> Result<Format> {
        let p = path.as_ref();
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match ext.as_str() {
            "svg" => Ok(Format::Svg),
            "html" | "htm" | "xhtml" => Ok(Format::Html),
            "dot" | "gv" => Ok(Format::Dot),
            "txt" => Ok(Format::Text),
            _ => Err(Error::invalid_input(format!(
                "cannot tell the picture format from {:?}: use .svg, .html, .dot or .txt",
                p.display().to_string()
            ))),
        }
    }
}

/// Writes `bytes` to a temporary file next to `path`, then renames it into place.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| Error::invalid_input(format!("{} is not a file path", path.display())))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
