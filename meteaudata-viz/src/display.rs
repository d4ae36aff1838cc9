//! The metadata display model: every model type described as a tree of attributes, shown to a
//! chosen depth as indented text ([`Tree`]'s `Display`) or as collapsible HTML
//! ([`Tree::to_html`], [`Tree::to_html_page`]).
//!
//! `depth` counts the levels whose attributes are listed: `0` gives a one-line summary, `1`
//! the object's own attributes (nested objects as one-line summaries), `2` (the default of
//! Python's `display`) also the attributes of nested objects, and so on. Collections (a
//! dataset's signals, a signal's series, a history's steps) do not use up a level. Function
//! source code is never dumped: only whether it is known and its line count.
//!
//! ```
//! use meteaudata_core::{DataProvenance, Index, Series, Signal};
//! use meteaudata_viz::display::Tree;
//! let signal = Signal::new("pH", "pH units")?
//!     .with_provenance(DataProvenance { location: Some("Tank <1>".into()), ..Default::default() })
//!     .with_series(Series::from_f64("RAW", Index::range(3), vec![7.0, 7.1, 7.2])?)?;
//!
//! let text = Tree::new(&signal, 2).to_string();
//! assert!(text.starts_with("Signal:\n  name: 'pH#1'\n  units: 'pH units'\n"));
//! assert!(text.contains("\n  provenance:\n  DataProvenance:\n    source_repository: None\n"));
//! assert!(text.contains("\n  timeseries_pH#1_RAW#1:\n  TimeSeries:\n    series_name: 'pH#1_RAW#1'\n"));
//!
//! let html = Tree::new(&signal, 3).to_html();
//! assert!(html.contains("<summary class=\"meteaudata-summary\">time_series (1 items)</summary>"));
//! assert!(html.contains("Tank &lt;1&gt;"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use meteaudata_core::arrow_array::Array;
use meteaudata_core::{
    DataProvenance, Dataset, FunctionInfo, IndexData, IndexMetadata, MetaTime, ParameterValue,
    Parameters, ProcessingStep, Signal, TimeSeries, Timestamp,
};

use crate::escape::truncate;

/// A described object: its class name, one-line summary and attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Class name (`Signal`, `TimeSeries`, ...).
    pub class: &'static str,
    /// The one-line summary used when the object is not expanded.
    pub summary: String,
    /// Attributes in display order.
    pub attrs: Vec<(String, Value)>,
}

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text, quoted in the text display (`'pH#1'`).
    Str(String),
    /// A number, date, `None`, list summary, ... shown as is.
    Plain(String),
    /// A nested object, expanded.
    Node(Box<Node>),
    /// A nested object not expanded: its class and one-line summary.
    Folded(&'static str, String),
    /// A collection of objects: its title (`time_series`, `Processing Steps`) and items, each
    /// with its key (`timeseries_<name>`, `[0]`).
    Collection(String, Vec<(String, Value)>),
}

/// Anything that can be shown as a metadata tree.
pub trait Describe {
    /// The class name.
    fn class(&self) -> &'static str;
    /// A one-line summary.
    fn summary(&self) -> String;
    /// The attributes, nested objects expanded down to `depth − 1` more levels (`depth ≥ 1`).
    fn attrs(&self, depth: usize) -> Vec<(String, Value)>;

    /// The tree of this object down to `depth` levels (see the [module docs](self)).
    fn describe(&self, depth: usize) -> Node {
        Node {
            class: self.class(),
            summary: self.summary(),
            attrs: if depth == 0 {
                Vec::new()
            } else {
                self.attrs(depth)
            },
        }
    }
}

/// A nested object: expanded when levels remain, folded otherwise.
fn child<D: Describe + ?Sized>(d: &D, depth: usize) -> Value {
    if depth > 1 {
        Value::Node(Box::new(d.describe(depth - 1)))
    } else {
        Value::Folded(d.class(), d.summary())
    }
}

/// An object shown to a given depth: `Display` gives the text tree, [`Tree::to_html`] the
/// collapsible HTML fragment.
#[derive(Debug, Clone, Copy)]
pub struct Tree<'a, T: ?Sized> {
    model: &'a T,
    depth: usize,
}

impl<'a, T: Describe + ?Sized> Tree<'a, T> {
    /// Shows `model` down to `depth` levels (Python's default is 2).
    pub fn new(model: &'a T, depth: usize) -> Self {
        Tree { model, depth }
    }

    /// The described tree.
    pub fn node(&self) -> Node {
        self.model.describe(self.depth)
    }
}

// ---------- simple value formatting ----------

pub(crate) fn opt_str(v: &Option<String>) -> Value {
    match v {
        Some(s) => Value::Str(s.clone()),
        None => Value::Plain("None".into()),
    }
}

pub(crate) fn meta_time(t: &MetaTime) -> Value {
    Value::Plain(t.naive_local().format("%Y-%m-%d %H:%M:%S").to_string())
}

fn plain(v: impl ToString) -> Value {
    Value::Plain(v.to_string())
}

fn py_bool(b: bool) -> Value {
    plain(if b { "True" } else { "False" })
}

/// A short list of names: `list[]`, `list[a, b]` (up to three) or `list[N items]`.
fn list_of<S: AsRef<str>>(items: &[S]) -> Value {
    match items.len() {
        0 => plain("list[]"),
        1..=3 => Value::Plain(format!(
            "list[{}]",
            items
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        n => Value::Plain(format!("list[{n} items]")),
    }
}

fn timestamp_text(t: &Timestamp) -> String {
    let base = t.local().format("%Y-%m-%d %H:%M:%S").to_string();
    match t.tz {
        Some(z) => format!("{base} {z}"),
        None => base,
    }
}

/// pandas' way of writing a duration: `0 days 02:00:00`.
pub fn duration_text(nanos: i64) -> String {
    let neg = nanos < 0;
    let n = nanos.unsigned_abs();
    let secs = n / 1_000_000_000;
    let frac = n % 1_000_000_000;
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    let mut out = format!(
        "{}{d} days {h:02}:{m:02}:{s:02}",
        if neg { "-" } else { "" }
    );
    if frac != 0 {
        let f = format!("{frac:09}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out
}

fn float_text(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{x:?}")
    }
}

/// Whether a parameter value is shown inline (scalars, short flat lists, one-entry flat maps).
fn is_simple(v: &ParameterValue) -> bool {
    let scalar =
        |v: &ParameterValue| !matches!(v, ParameterValue::List(_) | ParameterValue::Map(_));
    match v {
        ParameterValue::List(l) => l.len() <= 3 && l.iter().all(scalar),
        ParameterValue::Map(m) => m.len() <= 1 && m.values().all(scalar),
        _ => true,
    }
}

/// Inline text of a parameter value.
fn param_text(v: &ParameterValue) -> Value {
    match v {
        ParameterValue::Null => plain("None"),
        ParameterValue::Bool(b) => py_bool(*b),
        ParameterValue::Int(i) => plain(i),
        ParameterValue::Float(x) => plain(float_text(*x)),
        ParameterValue::String(s) => Value::Str(s.clone()),
        ParameterValue::DateTime(t) => plain(timestamp_text(t)),
        ParameterValue::Duration(n) => plain(duration_text(*n)),
        ParameterValue::Array(a) => {
            Value::Plain(format!("array(shape={:?}, dtype={})", a.shape, a.dtype))
        }
        ParameterValue::List(_) | ParameterValue::Map(_) => {
            Value::Plain(truncate(&value_text(v), 97).into_owned())
        }
    }
}

/// Compact text of any parameter value (used in summaries).
fn value_text(v: &ParameterValue) -> String {
    match v {
        ParameterValue::String(s) => format!("'{s}'"),
        ParameterValue::List(l) => format!(
            "[{}]",
            l.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
        ParameterValue::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{k}: {}", value_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => match param_text(other) {
            Value::Plain(s) | Value::Str(s) => s,
            _ => String::new(),
        },
    }
}

// ---------- the model types ----------

impl Describe for Dataset {
    fn class(&self) -> &'static str {
        "Dataset"
    }
    fn summary(&self) -> String {
        format!(
            "Dataset '{}', {} signals: {}",
            self.name(),
            self.signals().len(),
            truncate(&self.all_signals().join(", "), 80)
        )
    }
    fn attrs(&self, depth: usize) -> Vec<(String, Value)> {
        vec![
            ("name".into(), Value::Str(self.name().into())),
            ("description".into(), opt_str(&self.description)),
            ("owner".into(), opt_str(&self.owner)),
            ("purpose".into(), opt_str(&self.purpose)),
            ("project".into(), opt_str(&self.project)),
            ("created_on".into(), meta_time(&self.created_on)),
            ("last_updated".into(), meta_time(&self.last_updated)),
            ("signals_count".into(), plain(self.signals().len())),
            (
                "signals".into(),
                Value::Collection(
                    "signals".into(),
                    self.signals()
                        .iter()
                        .map(|(k, s)| (format!("signal_{k}"), child(s, depth)))
                        .collect(),
                ),
            ),
        ]
    }
}

impl Describe for Signal {
    fn class(&self) -> &'static str {
        "Signal"
    }
    fn summary(&self) -> String {
        format!(
            "Signal '{}', units={}, {} time series",
            self.name(),
            self.units,
            self.time_series().len()
        )
    }
    fn attrs(&self, depth: usize) -> Vec<(String, Value)> {
        vec![
            ("name".into(), Value::Str(self.name().into())),
            ("units".into(), Value::Str(self.units.clone())),
            ("provenance".into(), child(&self.provenance, depth)),
            ("created_on".into(), meta_time(&self.created_on)),
            ("last_updated".into(), meta_time(&self.last_updated)),
            ("time_series_count".into(), plain(self.time_series().len())),
            (
                "time_series".into(),
                Value::Collection(
                    "time_series".into(),
                    self.time_series()
                        .iter()
                        .map(|(k, ts)| (format!("timeseries_{k}"), child(ts, depth)))
                        .collect(),
                ),
            ),
        ]
    }
}

impl Describe for TimeSeries {
    fn class(&self) -> &'static str {
        "TimeSeries"
    }
    fn summary(&self) -> String {
        self.name().to_string()
    }
    fn attrs(&self, depth: usize) -> Vec<(String, Value)> {
        let loaded = if self.is_loaded() {
            self.series().ok()
        } else {
            None
        };
        let mut a = vec![
            ("series_name".into(), Value::Str(self.name().into())),
            (
                "series_length".into(),
                loaded.map_or_else(|| plain("(not loaded)"), |s| plain(s.len())),
            ),
            (
                "values_dtype".into(),
                Value::Str(self.values_dtype().into()),
            ),
            ("created_on".into(), meta_time(&self.created_on)),
            (
                "processing_steps_count".into(),
                plain(self.processing_steps.len()),
            ),
        ];
        let steps = if self.processing_steps.is_empty() {
            plain("list[]")
        } else {
            Value::Collection(
                "Processing Steps".into(),
                self.processing_steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (format!("[{i}]"), child(s, depth)))
                    .collect(),
            )
        };
        a.push(("processing_steps".into(), steps));
        a.push(("index_metadata".into(), child(self.index_metadata(), depth)));
        if let Some(r) = loaded.and_then(date_range) {
            a.push(("date_range".into(), Value::Str(r)));
        }
        if let Some(id) = &self.metadata_id {
            a.push(("metadata_id".into(), Value::Str(id.clone())));
        }
        a
    }
}

/// `<first> to <last>` of a non-empty index (datetimes as `YYYY-MM-DD HH:MM:SS`, by min/max).
fn date_range(series: &meteaudata_core::Series) -> Option<String> {
    let index = series.index();
    if index.is_empty() {
        return None;
    }
    if let IndexData::DateTime { values, tz } = index.data() {
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for i in 0..values.len() {
            if !values.is_null(i) {
                lo = lo.min(values.value(i));
                hi = hi.max(values.value(i));
            }
        }
        if lo > hi {
            return None;
        }
        let f = |n| timestamp_text(&Timestamp { nanos: n, tz: *tz });
        return Some(format!("{} to {}", f(lo), f(hi)));
    }
    Some(format!(
        "{} to {}",
        index.label(0),
        index.label(index.len() - 1)
    ))
}

impl Describe for ProcessingStep {
    fn class(&self) -> &'static str {
        "ProcessingStep"
    }
    fn summary(&self) -> String {
        format!(
            "{} ({}) by {}",
            self.step_type, self.suffix, self.function_info.name
        )
    }
    fn attrs(&self, depth: usize) -> Vec<(String, Value)> {
        let mut a = vec![
            ("type".into(), Value::Str(self.step_type.as_str().into())),
            ("description".into(), Value::Str(self.description.clone())),
            ("suffix".into(), Value::Str(self.suffix.clone())),
            ("run_datetime".into(), meta_time(&self.run_datetime)),
            (
                "requires_calibration".into(),
                py_bool(self.requires_calibration),
            ),
            ("step_distance".into(), plain(self.step_distance)),
            (
                "input_series_names".into(),
                list_of(&self.input_series_names),
            ),
            ("function_info".into(), child(&self.function_info, depth)),
        ];
        if let Some(p) = &self.parameters {
            a.push(("parameters".into(), child(p, depth)));
        }
        a
    }
}

impl Describe for FunctionInfo {
    fn class(&self) -> &'static str {
        "FunctionInfo"
    }
    fn summary(&self) -> String {
        format!("{} {} by {}", self.name, self.version, self.author)
    }
    fn attrs(&self, _depth: usize) -> Vec<(String, Value)> {
        let mut a = vec![
            ("name".into(), Value::Str(self.name.clone())),
            ("version".into(), Value::Str(self.version.clone())),
            ("author".into(), Value::Str(self.author.clone())),
            ("reference".into(), Value::Str(self.reference.clone())),
            (
                "has_source_code".into(),
                py_bool(self.source_code.is_some()),
            ),
        ];
        if let Some(src) = &self.source_code {
            a.push(("source_code_lines".into(), plain(src.lines().count())));
        }
        a
    }
}

impl Describe for Parameters {
    fn class(&self) -> &'static str {
        "Parameters"
    }
    fn summary(&self) -> String {
        let items: Vec<String> = self
            .iter()
            .map(|(k, v)| format!("{k}={}", truncate(&value_text(v), 30)))
            .collect();
        truncate(
            &format!("{} parameters: {}", self.len(), items.join(", ")),
            100,
        )
        .into_owned()
    }
    fn attrs(&self, depth: usize) -> Vec<(String, Value)> {
        let mut a = vec![("parameter_count".into(), plain(self.len()))];
        for (k, v) in self.iter() {
            if is_simple(v) {
                a.push((k.clone(), param_text(v)));
            } else {
                a.push((format!("param_{k}"), child(v, depth)));
            }
        }
        a
    }
}

impl Describe for ParameterValue {
    fn class(&self) -> &'static str {
        "ParameterValue"
    }
    fn summary(&self) -> String {
        truncate(&value_text(self), 100).into_owned()
    }
    fn attrs(&self, depth: usize) -> Vec<(String, Value)> {
        match self {
            ParameterValue::Map(m) => m
                .iter()
                .map(|(k, v)| {
                    if is_simple(v) {
                        (k.clone(), param_text(v))
                    } else {
                        (format!("key_{k}"), child(v, depth))
                    }
                })
                .collect(),
            ParameterValue::List(l) => {
                let mut a = vec![
                    ("length".into(), plain(l.len())),
                    ("type".into(), Value::Str("list".into())),
                ];
                for (i, v) in l.iter().take(5).enumerate() {
                    let val = if is_simple(v) {
                        param_text(v)
                    } else {
                        child(v, depth)
                    };
                    a.push((format!("item_{i}"), val));
                }
                if l.len() > 5 {
                    a.push((
                        "more_items".into(),
                        Value::Str(format!("... and {} more items", l.len() - 5)),
                    ));
                }
                a
            }
            other => vec![("value".into(), param_text(other))],
        }
    }
}

impl Describe for DataProvenance {
    fn class(&self) -> &'static str {
        "DataProvenance"
    }
    fn summary(&self) -> String {
        let fields = [
            ("source_repository", &self.source_repository),
            ("project", &self.project),
            ("location", &self.location),
            ("equipment", &self.equipment),
            ("parameter", &self.parameter),
            ("purpose", &self.purpose),
            ("metadata_id", &self.metadata_id),
        ];
        let set: Vec<String> = fields
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}='{v}'")))
            .collect();
        if set.is_empty() {
            "(empty)".into()
        } else {
            truncate(&set.join(" "), 120).into_owned()
        }
    }
    fn attrs(&self, _depth: usize) -> Vec<(String, Value)> {
        vec![
            ("source_repository".into(), opt_str(&self.source_repository)),
            ("project".into(), opt_str(&self.project)),
            ("location".into(), opt_str(&self.location)),
            ("equipment".into(), opt_str(&self.equipment)),
            ("parameter".into(), opt_str(&self.parameter)),
            ("purpose".into(), opt_str(&self.purpose)),
            ("metadata_id".into(), opt_str(&self.metadata_id)),
        ]
    }
}

impl Describe for IndexMetadata {
    fn class(&self) -> &'static str {
        "IndexMetadata"
    }
    fn summary(&self) -> String {
        let mut s = format!("{} ({})", self.index_type, self.dtype);
        if let Some(f) = &self.frequency {
            s.push_str(&format!(", frequency {f}"));
        }
        if let Some(z) = &self.time_zone {
            s.push_str(&format!(", time zone {z}"));
        }
        s
    }
    fn attrs(&self, _depth: usize) -> Vec<(String, Value)> {
        let opt_i = |v: Option<i64>| v.map_or_else(|| plain("None"), plain);
        vec![
            ("type".into(), Value::Str(self.index_type.clone())),
            ("name".into(), opt_str(&self.name)),
            ("dtype".into(), Value::Str(self.dtype.clone())),
            ("frequency".into(), opt_str(&self.frequency)),
            ("time_zone".into(), opt_str(&self.time_zone)),
            ("closed".into(), opt_str(&self.closed)),
            (
                "categories".into(),
                match &self.categories {
                    None => plain("None"),
                    Some(c) => list_of(&c.iter().map(value_text).collect::<Vec<_>>()),
                },
            ),
            (
                "ordered".into(),
                self.ordered.map_or_else(|| plain("None"), py_bool),
            ),
            ("start".into(), opt_i(self.start)),
            ("end".into(), opt_i(self.end)),
            ("step".into(), opt_i(self.step)),
        ]
    }
}
