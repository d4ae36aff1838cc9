//! What we add to a signal's metadata document under the key `meteaudata_rs`: the export
//! options needed to read the CSV files back (separator, header lines, the header cells used)
//! and the exact values of the few fields written differently for Python's sake (an index
//! frequency Python would mis-apply, a `last_updated` Python cannot parse, category lists).
//!
//! Python meteaudata 0.12.1 ignores unknown keys in these documents (pydantic's default), and
//! drops this one when it saves again, which is right: its files then describe themselves.

use indexmap::IndexMap;
use meteaudata_core::{Error, IndexMetadata, MetaTime, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The key under which the record sits in a signal document.
pub const RECORD_KEY: &str = "meteaudata_rs";

/// The record of one signal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct SignalRecord {
    /// `meteaudata-rs <version>`.
    #[serde(default)]
    pub(crate) writer: String,
    /// The CSV separator, when not a comma.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) separator: Option<String>,
    /// The exact `last_updated`, when the document holds a Python-readable stand-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_updated: Option<MetaTime>,
    /// Per series, by full name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) series: BTreeMap<String, SeriesRecord>,
}

/// The record of one series.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct SeriesRecord {
    /// Header lines of the CSV file, when more than one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) header_lines: Option<usize>,
    /// The header cells written, when they differ from the defaults (an export rename; the
    /// model keeps its own names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) headers: Option<Headers>,
    /// The exact index metadata, when the document's copy was adapted for Python.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) index_metadata: Option<IndexMetadata>,
    /// The category list of categorical values, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) categories: Option<Vec<String>>,
}

/// Header cells of a CSV file, one per line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Headers {
    pub(crate) index: Vec<String>,
    pub(crate) values: Vec<String>,
}

impl SeriesRecord {
    pub(crate) fn is_empty(&self) -> bool {
        self == &SeriesRecord::default()
    }
}

impl SignalRecord {
    pub(crate) fn new() -> Self {
        SignalRecord {
            writer: format!("meteaudata-rs {}", env!("CARGO_PKG_VERSION")),
            ..Default::default()
        }
    }

    /// The separator recorded (a comma when none is).
    pub(crate) fn separator(&self, file: &str) -> Result<char> {
        match &self.separator {
            None => Ok(','),
            Some(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok(c),
                    _ => Err(Error::parse(
                        file,
                        format!("recorded separator {s:?} is not one character"),
                    )),
                }
            }
        }
    }
}

/// A document that may carry a record (the other fields are read elsewhere).
#[derive(Debug, Deserialize)]
struct WithRecord {
    #[serde(default, rename = "meteaudata_rs")]
    record: Option<SignalRecord>,
}

/// A dataset document: the records of its signals.
#[derive(Debug, Deserialize)]
struct DatasetRecords {
    #[serde(default)]
    signals: IndexMap<String, WithRecord>,
}

/// The record in a signal document's text, if it has one.
pub(crate) fn signal_record(yaml: &str, file: &str) -> Result<Option<SignalRecord>> {
    let w: WithRecord = serde_yaml::from_str(yaml).map_err(|e| Error::parse(file, e))?;
    Ok(w.record)
}

/// The records of the signals nested in a dataset document, by signal key.
pub(crate) fn dataset_records(yaml: &str, file: &str) -> Result<BTreeMap<String, SignalRecord>> {
    let d: DatasetRecords = serde_yaml::from_str(yaml).map_err(|e| Error::parse(file, e))?;
    Ok(d.signals
        .into_iter()
        .filter_map(|(k, w)| w.record.map(|r| (k, r)))
        .collect())
}
