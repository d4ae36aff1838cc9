//! Export options: zip or directory, separator, and the header cells of the CSV files
//! (Python's `separator`, `output_index_name` and `output_value_names`).

use meteaudata_core::{Error, Result};
use std::collections::BTreeMap;

/// A header name: one cell, or one cell per header line (Python's tuple, which switches the
/// file to multi-line headers).
///
/// ```
/// use meteaudata_archive::HeaderName;
/// assert_eq!(HeaderName::from("Time"), HeaderName::Name("Time".into()));
/// assert_eq!(HeaderName::from(["Time", "local"]).levels(), ["Time", "local"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderName {
    /// A single header cell.
    Name(String),
    /// One cell per header line (two or more make a multi-line header; one is the same as
    /// [`HeaderName::Name`]).
    Levels(Vec<String>),
}

impl HeaderName {
    /// The cells, one per level.
    pub fn levels(&self) -> Vec<String> {
        match self {
            HeaderName::Name(n) => vec![n.clone()],
            HeaderName::Levels(l) if l.is_empty() => vec![String::new()],
            HeaderName::Levels(l) => l.clone(),
        }
    }
}

impl From<&str> for HeaderName {
    fn from(v: &str) -> Self {
        HeaderName::Name(v.to_string())
    }
}

impl From<String> for HeaderName {
    fn from(v: String) -> Self {
        HeaderName::Name(v)
    }
}

impl<S: Into<String>> From<Vec<S>> for HeaderName {
    fn from(v: Vec<S>) -> Self {
        HeaderName::Levels(v.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String>, const N: usize> From<[S; N]> for HeaderName {
    fn from(v: [S; N]) -> Self {
        HeaderName::Levels(v.into_iter().map(Into::into).collect())
    }
}

/// What the value column of each CSV file is called (Python's `output_value_names`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ValueNames {
    /// The full series name (`A#1_RAW#1`).
    #[default]
    Default,
    /// Python's `"auto"`: two header lines, series name then units, except when the units are
    /// the default `"unit"`.
    Auto,
    /// The same name for every series.
    All(HeaderName),
    /// By full series name; series not listed keep the default.
    PerSeries(BTreeMap<String, HeaderName>),
    /// One per series, in the signal's order; the length must match.
    List(Vec<HeaderName>),
    /// By signal name (for datasets; a signal saved alone uses its own entry).
    PerSignal(BTreeMap<String, ValueNames>),
}

/// How to write an archive.
///
/// ```
/// use meteaudata_archive::{ExportOptions, ValueNames};
/// let opts = ExportOptions::new().zip(false).separator(';').index_name("timestamp")
///     .value_names(ValueNames::Auto);
/// assert!(!opts.is_zip());
/// assert_eq!(opts.separator_char(), ';');
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExportOptions {
    zip: bool,
    separator: char,
    index_name: Option<HeaderName>,
    value_names: ValueNames,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            zip: true,
            separator: ',',
            index_name: None,
            value_names: ValueNames::Default,
        }
    }
}

impl ExportOptions {
    /// Python's defaults: a zip, commas, default header names.
    pub fn new() -> Self {
        Self::default()
    }

    /// A zip file (`true`, the default) or a directory (`false`).
    pub fn zip(mut self, zip: bool) -> Self {
        self.zip = zip;
        self
    }

    /// The CSV separator (any character but a quote or a line break; checked on save).
    pub fn separator(mut self, sep: char) -> Self {
        self.separator = sep;
        self
    }

    /// The index header cell(s) of every file.
    pub fn index_name(mut self, name: impl Into<HeaderName>) -> Self {
        self.index_name = Some(name.into());
        self
    }

    /// The value header cell(s).
    pub fn value_names(mut self, names: ValueNames) -> Self {
        self.value_names = names;
        self
    }

    /// Whether a zip is written.
    pub fn is_zip(&self) -> bool {
        self.zip
    }

    /// The separator.
    pub fn separator_char(&self) -> char {
        self.separator
    }

    pub(crate) fn check(&self) -> Result<()> {
        if matches!(self.separator, '"' | '\n' | '\r') {
            return Err(Error::invalid_input(format!(
                "the CSV separator cannot be {:?}",
                self.separator
            )));
        }
        Ok(())
    }

    /// The header lines of each series of a signal, in order: `(index cells, value cells)`,
    /// both padded to the same number of lines.
    pub(crate) fn headers(
        &self,
        signal: &str,
        units: &str,
        index_names: &[Option<&str>],
        keys: &[&str],
    ) -> Result<Vec<(Vec<String>, Vec<String>)>> {
        let values = value_names_for(&self.value_names, signal, units, keys)?;
        let mut out = Vec::with_capacity(keys.len());
        for ((key, idx_name), value) in keys.iter().zip(index_names).zip(values) {
            let mut idx = match &self.index_name {
                Some(h) => h.levels(),
                None => vec![idx_name.unwrap_or("").to_string()],
            };
            let mut val = value.map_or_else(|| vec![key.to_string()], |h| h.levels());
            let n = idx.len().max(val.len());
            idx.resize(n, String::new());
            val.resize(n, String::new());
            out.push((idx, val));
        }
        Ok(out)
    }
}

/// The value header of each key (`None`: the key itself).
fn value_names_for(
    names: &ValueNames,
    signal: &str,
    units: &str,
    keys: &[&str],
) -> Result<Vec<Option<HeaderName>>> {
    Ok(match names {
        ValueNames::Default => vec![None; keys.len()],
        ValueNames::Auto => keys
            .iter()
            .map(|k| (units != "unit").then(|| HeaderName::from([*k, units])))
            .collect(),
        ValueNames::All(h) => vec![Some(h.clone()); keys.len()],
        ValueNames::PerSeries(m) => keys.iter().map(|k| m.get(*k).cloned()).collect(),
        ValueNames::List(l) => {
            if l.len() != keys.len() {
                return Err(Error::invalid_input(format!(
                    "value names list must match the number of time series of {signal}. \
                     Expected {}, got {}",
                    keys.len(),
                    l.len()
                )));
            }
            l.iter().cloned().map(Some).collect()
        }
        ValueNames::PerSignal(m) => match m.get(signal) {
            Some(inner) => value_names_for(inner, signal, units, keys)?,
            None => vec![None; keys.len()],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_resolution() {
        let o = ExportOptions::new()
            .index_name(["Time", "x", "y"])
            .value_names(ValueNames::All("T".into()));
        let h = o.headers("A#1", "°C", &[None], &["A#1_RAW#1"]).unwrap();
        assert_eq!(h[0].0, ["Time", "x", "y"]);
        assert_eq!(h[0].1, ["T", "", ""]);
        let o = ExportOptions::new().value_names(ValueNames::Auto);
        let h = o
            .headers("A#1", "°C", &[Some("t")], &["A#1_RAW#1"])
            .unwrap();
        assert_eq!(
            h[0],
            (
                vec!["t".into(), "".into()],
                vec!["A#1_RAW#1".into(), "°C".into()]
            )
        );
        let h = o.headers("A#1", "unit", &[None], &["A#1_RAW#1"]).unwrap();
        assert_eq!(h[0], (vec!["".into()], vec!["A#1_RAW#1".into()]));
        let o = ExportOptions::new().value_names(ValueNames::List(vec!["x".into()]));
        assert!(o.headers("A#1", "u", &[None, None], &["a", "b"]).is_err());
        assert!(ExportOptions::new().separator('"').check().is_err());
    }
}
