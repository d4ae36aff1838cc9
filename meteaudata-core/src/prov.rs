//! The lineage of a dataset, or of one series, as a [W3C PROV-JSON] document.
//!
//! meteaudata records how every series was made: each [`TimeSeries`] carries its whole
//! processing history, and each [`ProcessingStep`] names its function, its parameters and the
//! exact series it read (pinned by [`ContentHash`] when this library ran it). PROV is the W3C
//! standard for that kind of record; this module writes it in the PROV-JSON form, which PROV
//! tools (the Python `prov` package, ProvToolbox, provenance stores and viewers) read.
//!
//! [`dataset_prov`] describes every series of a dataset, [`series_prov`] one series and
//! everything it was made from. Both return a [`serde_json::Value`]; write it with
//! `serde_json::to_string_pretty`.
//!
//! ## A tour
//!
//! A raw series, resampled by a small custom transform, gives one activity (the resampling
//! step) between two entities (the series):
//!
//! ```
//! use meteaudata_core::prov::{activity_id, dataset_prov, series_id, series_prov};
//! use meteaudata_core::*;
//!
//! let raw = Series::from_f64("RAW", Index::range(4), vec![1.0, 2.0, 3.0, 4.0])?;
//! let signal = Signal::new("Flow", "m3/h")?.with_series(raw)?;
//! let mut dataset = Dataset::new("plant")?.with_signals([signal])?;
//!
//! // Any closure of this shape is a transform: here, keep every second point.
//! let halve = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
//!     let s = &inputs[0];
//!     let kept: Vec<f64> = s.f64_values().unwrap().values().iter().step_by(2).copied().collect();
//!     let step = ProcessingStep::new(ProcessingType::Resampling, "every second point",
//!         FunctionInfo::new("halve", "1.0", "Lab team", "notes/halve.md"), "HALVED")
//!         .with_parameters(Parameters::new().with("step", 2i64));
//!     Ok(vec![TransformOutput::new(Series::from_f64("HALVED", Index::range(kept.len()), kept)?, step)])
//! };
//! dataset.signal_mut("Flow#1")?.process(&["Flow#1_RAW#1"], &halve, ProcessOptions::new())?;
//!
//! let doc = dataset_prov(&dataset)?;
//!
//! // Series are entities, named `meteaudata:<dataset>/<series>` ('#' written %23).
//! let raw_id = series_id("plant", "Flow#1_RAW#1");
//! let halved_id = series_id("plant", "Flow#1_HALVED#1");
//! assert_eq!(halved_id, "meteaudata:plant/Flow%231_HALVED%231");
//! let halved = &doc["entity"][&halved_id];
//! assert_eq!(halved["prov:label"], "Flow#1_HALVED#1");
//! assert_eq!(halved["meteaudata:points"], 2);
//! let hash = dataset.signal("Flow#1")?.get("Flow#1_HALVED#1")?.series()?.content_hash()?;
//! assert_eq!(halved["meteaudata:contentHash"], hash.to_string());
//!
//! // The step is an activity (its index in the output's history is part of its id)...
//! let step_id = activity_id("plant", "Flow#1_HALVED#1", 0);
//! let step = &doc["activity"][&step_id];
//! assert_eq!(step["prov:type"]["$"], "meteaudata:resampling");
//! assert_eq!(step["prov:startTime"]["type"], "xsd:dateTime");
//! assert_eq!(step["meteaudata:parameters"], r#"{"step":2}"#);
//!
//! // ... that used the raw series, generated the halved one, and ran function `halve`.
//! let used = doc["used"].as_object().unwrap().values().next().unwrap();
//! assert_eq!(used["prov:activity"], step_id);
//! assert_eq!(used["prov:entity"], raw_id);
//! let generated = doc["wasGeneratedBy"].as_object().unwrap().values().next().unwrap();
//! assert_eq!(generated["prov:entity"], halved_id);
//! assert!(doc["agent"].get("meteaudata:function/halve/1.0").is_some());
//!
//! // The lineage of the raw series alone has no activity at all.
//! let raw_only = series_prov(&dataset, "Flow#1_RAW#1")?;
//! assert!(raw_only.get("activity").is_none());
//! assert_eq!(raw_only["entity"].as_object().unwrap().len(), 1);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! ## The mapping
//!
//! Three namespaces are declared under `prefix`: `meteaudata` ([`METEAUDATA_NAMESPACE`],
//! the Python project's address with a `#`, as no vocabulary is published there), `prov`
//! ([`PROV_NAMESPACE`]) and `xsd` ([`XSD_NAMESPACE`]).
//!
//! | meteaudata | PROV | id | attributes |
//! | --- | --- | --- | --- |
//! | a series | `entity` | [`series_id`]: `meteaudata:<dataset>/<series>` | `prov:type` `meteaudata:TimeSeries`, `prov:label` (full name), `meteaudata:dataset`, `meteaudata:signal`, `meteaudata:units`, `meteaudata:contentHash` (64 hex digits), `meteaudata:points`, `meteaudata:valuesDtype` (pandas dtype), `meteaudata:createdOn`, `meteaudata:metadataId` (when set) |
//! | an input as a step read it, when its content changed since | `entity` | [`pinned_series_id`]: `meteaudata:<dataset>/<series>@<16 hex digits>` | `prov:type`, `prov:label` (`<series>@<16 hex>`), `meteaudata:dataset`, `meteaudata:signal`, `meteaudata:contentHash` (the recorded hash) |
//! | an input no longer in the dataset | `entity` | [`series_id`] | `prov:type`, `prov:label`, `meteaudata:dataset`, `meteaudata:missing` `true` |
//! | the step that made a series | `activity` | [`activity_id`]: `meteaudata:<dataset>/<series>/step/<i>` | `prov:type` `meteaudata:<step type>` (`meteaudata:resampling`), `prov:startTime` (the run time), `meteaudata:description`, `meteaudata:suffix`, `meteaudata:parameters` (JSON text, when the step has parameters), `meteaudata:stepDistance`, `meteaudata:requiresCalibration`, `meteaudata:stepIndex` |
//! | the function a step ran | `agent` | [`agent_id`]: `meteaudata:function/<name>/<version>` | `prov:type` `prov:SoftwareAgent`, `prov:label`, `meteaudata:name`, `meteaudata:version`, `meteaudata:author`, `meteaudata:reference` (a list when steps disagree) |
//!
//! Relations, each under a blank-node id (`_:use/…`, `_:gen/…`, `_:der/…`, `_:assoc/…`,
//! `_:rev/…`) built from the ids it links, so that ids do not move when other series are
//! added:
//!
//! * `used`: the step read an input (`meteaudata:inputIndex` is its position among the
//!   step's inputs; `meteaudata:contentHash` the hash recorded for it, when the step pinned
//!   its inputs, and `meteaudata:version` the stored version it had, when it was stored). When the input's content is no longer the recorded one, the step used the
//!   pinned version's entity, not the current one.
//! * `wasGeneratedBy`: the series was made by its step.
//! * `wasDerivedFrom`: the series from each input the step used, with `prov:activity`; and,
//!   typed `prov:Revision` (PROV's `wasRevisionOf`), the current version of a changed input
//!   from its pinned version.
//! * `wasAssociatedWith`: the step with the function that ran it.
//!
//! Qualified-name values (`prov:type`) are written as `{"$": "…", "type": "xsd:QName"}`, as
//! the PROV-JSON submission types them, times as `{"$": "…", "type": "xsd:dateTime"}` in the ISO 8601 form
//! meteaudata records (a naive time has no offset). Sections with no record are left out.
//!
//! ### Which step made a series
//!
//! The history of a series lists its inputs' steps first and its own last; the step that
//! made it is its **last** step that is not an [`ExportRename`](ProcessingType::ExportRename)
//! (a rename on export computes nothing). Each series contributes that one step, so a step
//! repeated in the history of every descendant still gives one activity: the one of the
//! series it made. A raw series has no step (or only import steps that read no series: they
//! become an activity with no `used`). Ancestors are followed through the inputs of these
//! steps; an input that is no longer in the dataset stays an entity marked
//! `meteaudata:missing`.
//!
//! ### Ids
//!
//! The local part of every id is built from names with every byte other than ASCII letters,
//! digits, `-`, `.`, `_` and `~` percent-encoded (`CODa#1_RAW#1` is `CODa%231_RAW%231`), so
//! that it is a valid PROV-N local name and expands to a valid IRI; `/` and `@` only separate
//! the parts. `prov:label` keeps the names as they are.
//!
//! ### Determinism
//!
//! Every map is written with its keys sorted, whatever the `serde_json` features of the
//! build, and every id depends only on names, step positions and hashes: the same dataset
//! always gives the same bytes.
//!
//! Computing the content hashes reads the data of every series in the document (from its
//! backend when it is unloaded).
//!
//! [W3C PROV-JSON]: https://www.w3.org/submissions/prov-json/

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::naming::SeriesName;
use crate::{
    ContentHash, Dataset, Error, FunctionInfo, MetaTime, ProcessingStep, ProcessingType, Result,
    Signal, TimeSeries,
};

/// The namespace of meteaudata's terms and ids (prefix `meteaudata`).
pub const METEAUDATA_NAMESPACE: &str = "https://github.com/modelEAU/meteaudata#";
/// The PROV namespace (prefix `prov`).
pub const PROV_NAMESPACE: &str = "http://www.w3.org/ns/prov#";
/// The XML Schema datatypes namespace (prefix `xsd`).
pub const XSD_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema#";

/// Digits of a content hash kept in the id of a pinned version.
const PINNED_DIGITS: usize = 16;

/// The PROV-JSON document of every series of `dataset`: each series, the step that made it,
/// the function that ran it, and how they are linked (see the [module docs](self)).
///
/// Errors when the data of a series cannot be read (from its backend) or hashed, or when
/// the parameters of a step cannot be written as JSON.
pub fn dataset_prov(dataset: &Dataset) -> Result<Value> {
    let all = dataset
        .signals()
        .values()
        .flat_map(|s| s.time_series().keys().cloned());
    let scope = ancestry(dataset, all);
    Builder::new(dataset).document(&scope)
}

/// The PROV-JSON document of one series and of every series it was made from (its inputs,
/// their inputs, ...), but nothing else of `dataset`.
///
/// `series` is a full name (`CODa#1_RESAMPLED#1`); a name that is not in the dataset is
/// [`NotFound`](crate::ErrorKind::NotFound). Other errors are those of [`dataset_prov`].
pub fn series_prov(dataset: &Dataset, series: &str) -> Result<Value> {
    if find(dataset, series).is_none() {
        let available = dataset
            .signals()
            .values()
            .flat_map(|s| s.time_series().keys().cloned());
        return Err(Error::not_found("time series", series, available));
    }
    let scope = ancestry(dataset, [series.to_string()]);
    Builder::new(dataset).document(&scope)
}

/// The id of series `series` of dataset `dataset`: `meteaudata:<dataset>/<series>`, names
/// percent-encoded.
///
/// ```
/// use meteaudata_core::prov::series_id;
/// assert_eq!(series_id("reactor", "CODa#1_RAW#1"), "meteaudata:reactor/CODa%231_RAW%231");
/// ```
pub fn series_id(dataset: &str, series: &str) -> String {
    qname(&[dataset, series], None)
}

/// The id of the version of a series with content `hash`, as a step recorded it:
/// `meteaudata:<dataset>/<series>@<first 16 hex digits of the hash>`.
///
/// ```
/// use meteaudata_core::prov::pinned_series_id;
/// use meteaudata_core::{Index, Series};
/// let hash = Series::from_f64("RAW", Index::range(1), vec![1.0])?.content_hash()?;
/// let id = pinned_series_id("reactor", "CODa#1_RAW#1", &hash);
/// assert_eq!(id, format!("meteaudata:reactor/CODa%231_RAW%231@{}", &hash.to_string()[..16]));
/// # Ok::<(), meteaudata_core::Error>(())
/// ```
pub fn pinned_series_id(dataset: &str, series: &str, hash: &ContentHash) -> String {
    let hex = hash.to_string();
    let short = hex.get(..PINNED_DIGITS).unwrap_or(&hex);
    qname(&[dataset, series], Some(short))
}

/// The id of the step at position `step_index` of the history of series `series`, the step
/// that made it: `meteaudata:<dataset>/<series>/step/<step_index>`.
///
/// ```
/// use meteaudata_core::prov::activity_id;
/// assert_eq!(
///     activity_id("reactor", "CODa#1_RESAMPLED#1", 0),
///     "meteaudata:reactor/CODa%231_RESAMPLED%231/step/0"
/// );
/// ```
pub fn activity_id(dataset: &str, series: &str, step_index: usize) -> String {
    qname(&[dataset, series, "step", &step_index.to_string()], None)
}

/// The id of a function (the agent of the steps that ran it):
/// `meteaudata:function/<name>/<version>`.
///
/// ```
/// use meteaudata_core::prov::agent_id;
/// use meteaudata_core::FunctionInfo;
/// let f = FunctionInfo::new("resample", "0.1.0", "me", "-");
/// assert_eq!(agent_id(&f), "meteaudata:function/resample/0.1.0");
/// ```
pub fn agent_id(function: &FunctionInfo) -> String {
    qname(&["function", &function.name, &function.version], None)
}

/// `meteaudata:` and the encoded parts joined with `/`, then `@suffix`.
fn qname(parts: &[&str], suffix: Option<&str>) -> String {
    let mut local = parts
        .iter()
        .map(|p| encode(p))
        .collect::<Vec<_>>()
        .join("/");
    if let Some(s) = suffix {
        local.push('@');
        local.push_str(&encode(s));
    }
    format!("meteaudata:{}", fix_ends(local))
}

/// Percent-encodes every byte but ASCII letters, digits, `-`, `.`, `_` and `~`.
fn encode(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for b in part.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A PROV-N local name cannot start with `-` or `.`, nor end with `.`: those are encoded.
fn fix_ends(mut local: String) -> String {
    if local.ends_with('.') {
        local.pop();
        local.push_str("%2E");
    }
    match local.as_bytes().first() {
        Some(b'.') => format!("%2E{}", &local[1..]),
        Some(b'-') => format!("%2D{}", &local[1..]),
        _ => local,
    }
}

/// The signal and time series of a full series name, if the dataset holds it.
fn find<'a>(dataset: &'a Dataset, name: &str) -> Option<(&'a Signal, &'a TimeSeries)> {
    let owner = SeriesName::parse(name).signal;
    if let Some(found) = dataset
        .signals()
        .get(&owner)
        .and_then(|s| s.time_series().get(name).map(|ts| (s, ts)))
    {
        return Some(found);
    }
    // A name read leniently (`_RESAMPLED#1`) may belong to another signal.
    dataset
        .signals()
        .values()
        .find_map(|s| s.time_series().get(name).map(|ts| (s, ts)))
}

/// The step that made a series and its position in the history: the last one that is not an
/// export rename.
fn producing_step(ts: &TimeSeries) -> Option<(usize, &ProcessingStep)> {
    ts.processing_steps
        .iter()
        .enumerate()
        .rev()
        .find(|(_, s)| s.step_type != ProcessingType::ExportRename)
}

/// `start` and every series they were made from, following the inputs of the steps that
/// made them (names of series no longer in the dataset included).
fn ancestry(dataset: &Dataset, start: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = start.into_iter().collect();
    while let Some(name) = todo.pop() {
        if seen.contains(&name) {
            continue;
        }
        if let Some((_, step)) = find(dataset, &name).and_then(|(_, ts)| producing_step(ts)) {
            todo.extend(
                step.input_series_names
                    .iter()
                    .filter(|n| !seen.contains(*n))
                    .cloned(),
            );
        }
        seen.insert(name);
    }
    seen
}

/// One record: attribute name to value, sorted.
type Record = BTreeMap<String, Value>;

/// `{"$": text, "type": datatype}`.
fn typed(text: impl Into<String>, datatype: &str) -> Value {
    let mut m = Map::new();
    m.insert("$".to_string(), Value::String(text.into()));
    m.insert("type".to_string(), Value::String(datatype.to_string()));
    Value::Object(m)
}

/// A qualified name as an attribute value.
fn qualified(name: &str) -> Value {
    typed(name, "xsd:QName")
}

/// A time as an `xsd:dateTime` attribute value.
fn date_time(t: &MetaTime) -> Value {
    typed(t.to_string(), "xsd:dateTime")
}

/// `"_:<kind>/<local part of id>"`, with more parts after it.
fn blank(kind: &str, id: &str, more: &[&str]) -> String {
    let local = id.strip_prefix("meteaudata:").unwrap_or(id);
    let mut out = format!("_:{kind}/{local}");
    for m in more {
        out.push('/');
        out.push_str(m);
    }
    out
}

/// One value, or a sorted list when several were seen.
fn one_or_list(values: &BTreeSet<String>) -> Value {
    match values.len() {
        1 => values
            .iter()
            .next()
            .map(|v| Value::String(v.clone()))
            .unwrap_or(Value::Null),
        _ => Value::Array(values.iter().map(|v| Value::String(v.clone())).collect()),
    }
}

/// A function seen in steps: its identity and every author and reference given for it.
#[derive(Default)]
struct AgentSeen {
    name: String,
    version: String,
    authors: BTreeSet<String>,
    references: BTreeSet<String>,
}

/// Collects the records of one document.
struct Builder<'a> {
    dataset: &'a Dataset,
    hashes: HashMap<String, ContentHash>,
    entity: BTreeMap<String, Record>,
    activity: BTreeMap<String, Record>,
    agent: BTreeMap<String, AgentSeen>,
    was_generated_by: BTreeMap<String, Record>,
    used: BTreeMap<String, Record>,
    was_derived_from: BTreeMap<String, Record>,
    was_associated_with: BTreeMap<String, Record>,
}

impl<'a> Builder<'a> {
    fn new(dataset: &'a Dataset) -> Self {
        Builder {
            dataset,
            hashes: HashMap::new(),
            entity: BTreeMap::new(),
            activity: BTreeMap::new(),
            agent: BTreeMap::new(),
            was_generated_by: BTreeMap::new(),
            used: BTreeMap::new(),
            was_derived_from: BTreeMap::new(),
            was_associated_with: BTreeMap::new(),
        }
    }

    /// The document describing the series in `scope`.
    fn document(mut self, scope: &BTreeSet<String>) -> Result<Value> {
        for name in scope {
            self.add_series(name)?;
        }
        let mut prefix = BTreeMap::new();
        for (p, iri) in [
            ("meteaudata", METEAUDATA_NAMESPACE),
            ("prov", PROV_NAMESPACE),
            ("xsd", XSD_NAMESPACE),
        ] {
            prefix.insert(p.to_string(), Value::String(iri.to_string()));
        }
        let agents: BTreeMap<String, Record> = std::mem::take(&mut self.agent)
            .into_iter()
            .map(|(id, a)| (id, agent_record(&a)))
            .collect();
        let mut sections: BTreeMap<&str, Value> = BTreeMap::new();
        sections.insert("prefix", Value::Object(prefix.into_iter().collect()));
        for (key, records) in [
            ("entity", &self.entity),
            ("activity", &self.activity),
            ("agent", &agents),
            ("wasGeneratedBy", &self.was_generated_by),
            ("used", &self.used),
            ("wasDerivedFrom", &self.was_derived_from),
            ("wasAssociatedWith", &self.was_associated_with),
        ] {
            if !records.is_empty() {
                sections.insert(key, records_value(records));
            }
        }
        Ok(Value::Object(
            sections
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ))
    }

    /// The content hash of a series of the dataset (computed once).
    fn hash_of(&mut self, name: &str, ts: &TimeSeries) -> Result<ContentHash> {
        if let Some(h) = self.hashes.get(name) {
            return Ok(*h);
        }
        let h = ts.series()?.content_hash()?;
        self.hashes.insert(name.to_string(), h);
        Ok(h)
    }

    /// The entity of a series and, when a step made it, that step and its links.
    fn add_series(&mut self, name: &str) -> Result<()> {
        let dataset = self.dataset.name();
        let id = series_id(dataset, name);
        let Some((signal, ts)) = find(self.dataset, name) else {
            let mut e = Record::new();
            e.insert("prov:type".into(), qualified("meteaudata:TimeSeries"));
            e.insert("prov:label".into(), name.into());
            e.insert("meteaudata:dataset".into(), dataset.into());
            e.insert("meteaudata:missing".into(), true.into());
            self.entity.insert(id, e);
            return Ok(());
        };
        let series = ts.series()?;
        let hash = self.hash_of(name, ts)?;
        let mut e = Record::new();
        e.insert("prov:type".into(), qualified("meteaudata:TimeSeries"));
        e.insert("prov:label".into(), name.into());
        e.insert("meteaudata:dataset".into(), dataset.into());
        e.insert("meteaudata:signal".into(), signal.name().into());
        e.insert("meteaudata:units".into(), signal.units.clone().into());
        e.insert("meteaudata:contentHash".into(), hash.to_string().into());
        e.insert("meteaudata:points".into(), (series.len() as u64).into());
        e.insert("meteaudata:valuesDtype".into(), ts.values_dtype().into());
        e.insert("meteaudata:createdOn".into(), date_time(&ts.created_on));
        if let Some(m) = &ts.metadata_id {
            e.insert("meteaudata:metadataId".into(), m.clone().into());
        }
        self.entity.insert(id.clone(), e);

        if let Some((index, step)) = producing_step(ts) {
            self.add_step(name, &id, index, step)?;
        }
        Ok(())
    }

    /// The activity of the step at `index` of the history of `output` (entity `output_id`),
    /// its agent, and what links them to each other and to the inputs.
    fn add_step(
        &mut self,
        output: &str,
        output_id: &str,
        index: usize,
        step: &ProcessingStep,
    ) -> Result<()> {
        let dataset = self.dataset.name();
        let act = activity_id(dataset, output, index);
        let mut a = Record::new();
        a.insert(
            "prov:type".into(),
            qualified(&format!("meteaudata:{}", step.step_type.as_str())),
        );
        a.insert("prov:startTime".into(), date_time(&step.run_datetime));
        a.insert(
            "meteaudata:description".into(),
            step.description.clone().into(),
        );
        a.insert("meteaudata:suffix".into(), step.suffix.clone().into());
        if let Some(p) = &step.parameters {
            let text = serde_json::to_string(p).map_err(|e| {
                Error::invalid_input(format!(
                    "the parameters of step {index} of {output} cannot be written as JSON: {e}"
                ))
            })?;
            a.insert("meteaudata:parameters".into(), text.into());
        }
        a.insert("meteaudata:stepDistance".into(), step.step_distance.into());
        a.insert(
            "meteaudata:requiresCalibration".into(),
            step.requires_calibration.into(),
        );
        a.insert("meteaudata:stepIndex".into(), (index as u64).into());
        self.activity.insert(act.clone(), a);

        let agent = agent_id(&step.function_info);
        let seen = self.agent.entry(agent.clone()).or_default();
        seen.name.clone_from(&step.function_info.name);
        seen.version.clone_from(&step.function_info.version);
        seen.authors.insert(step.function_info.author.clone());
        seen.references.insert(step.function_info.reference.clone());
        let mut assoc = Record::new();
        assoc.insert("prov:activity".into(), act.clone().into());
        assoc.insert("prov:agent".into(), agent.into());
        self.was_associated_with
            .insert(blank("assoc", &act, &[]), assoc);

        let mut generation = Record::new();
        generation.insert("prov:entity".into(), output_id.into());
        generation.insert("prov:activity".into(), act.clone().into());
        self.was_generated_by
            .insert(blank("gen", &act, &[]), generation);

        for (j, input) in step.input_series_names.iter().enumerate() {
            let pinned = step.pins.as_ref().and_then(|p| {
                p.inputs
                    .get(j)
                    .filter(|pi| pi.name == *input)
                    .or_else(|| p.inputs.iter().find(|pi| pi.name == *input))
            });
            let pin = pinned.map(|pi| pi.hash);
            let used_entity = self.input_entity(input, pin)?;
            let position = j.to_string();
            let mut usage = Record::new();
            usage.insert("prov:activity".into(), act.clone().into());
            usage.insert("prov:entity".into(), used_entity.clone().into());
            usage.insert("meteaudata:inputIndex".into(), (j as u64).into());
            if let Some(h) = pin {
                usage.insert("meteaudata:contentHash".into(), h.to_string().into());
            }
            if let Some(v) = pinned.and_then(|pi| pi.version) {
                usage.insert("meteaudata:version".into(), v.into());
            }
            self.used.insert(blank("use", &act, &[&position]), usage);

            let mut derivation = Record::new();
            derivation.insert("prov:generatedEntity".into(), output_id.into());
            derivation.insert("prov:usedEntity".into(), used_entity.into());
            derivation.insert("prov:activity".into(), act.clone().into());
            self.was_derived_from
                .insert(blank("der", &act, &[&position]), derivation);
        }
        Ok(())
    }

    /// The entity a step used for input `name`, which it pinned to `pin`: the series itself,
    /// or, when its content is no longer the pinned one, an entity for the pinned version
    /// (added here with the revision linking the current version to it).
    fn input_entity(&mut self, name: &str, pin: Option<ContentHash>) -> Result<String> {
        let dataset = self.dataset.name();
        let current = series_id(dataset, name);
        let (Some(pinned), Some((signal, ts))) = (pin, find(self.dataset, name)) else {
            return Ok(current);
        };
        if self.hash_of(name, ts)? == pinned {
            return Ok(current);
        }
        let id = pinned_series_id(dataset, name, &pinned);
        if !self.entity.contains_key(&id) {
            let hex = pinned.to_string();
            let mut e = Record::new();
            e.insert("prov:type".into(), qualified("meteaudata:TimeSeries"));
            e.insert(
                "prov:label".into(),
                format!("{name}@{}", hex.get(..PINNED_DIGITS).unwrap_or(&hex)).into(),
            );
            e.insert("meteaudata:dataset".into(), dataset.into());
            e.insert("meteaudata:signal".into(), signal.name().into());
            e.insert("meteaudata:contentHash".into(), hex.into());
            self.entity.insert(id.clone(), e);

            let mut revision = Record::new();
            revision.insert("prov:generatedEntity".into(), current.into());
            revision.insert("prov:usedEntity".into(), id.clone().into());
            revision.insert("prov:type".into(), qualified("prov:Revision"));
            self.was_derived_from
                .insert(blank("rev", &id, &[]), revision);
        }
        Ok(id)
    }
}

/// The record of a function.
fn agent_record(a: &AgentSeen) -> Record {
    let mut r = Record::new();
    r.insert("prov:type".into(), qualified("prov:SoftwareAgent"));
    r.insert("prov:label".into(), a.name.clone().into());
    r.insert("meteaudata:name".into(), a.name.clone().into());
    r.insert("meteaudata:version".into(), a.version.clone().into());
    r.insert("meteaudata:author".into(), one_or_list(&a.authors));
    r.insert("meteaudata:reference".into(), one_or_list(&a.references));
    r
}

/// Records by id, as a JSON object with sorted keys.
fn records_value(records: &BTreeMap<String, Record>) -> Value {
    Value::Object(
        records
            .iter()
            .map(|(id, r)| {
                let attrs: Map<String, Value> =
                    r.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                (id.clone(), Value::Object(attrs))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_encoded_and_valid_local_names() {
        assert_eq!(encode("A#1_B-C.d~e"), "A%231_B-C.d~e");
        assert_eq!(encode("é /@"), "%C3%A9%20%2F%40");
        assert_eq!(qname(&["-x", "y."], None), "meteaudata:%2Dx/y%2E");
        assert_eq!(qname(&[".x"], Some("ab")), "meteaudata:%2Ex@ab");
        assert_eq!(
            blank("use", "meteaudata:d/s/step/1", &["0"]),
            "_:use/d/s/step/1/0"
        );
    }

    #[test]
    fn one_or_list_keeps_a_single_value_plain() {
        let one: BTreeSet<String> = ["a".to_string()].into();
        assert_eq!(one_or_list(&one), Value::String("a".into()));
        let two: BTreeSet<String> = ["b".to_string(), "a".to_string()].into();
        assert_eq!(one_or_list(&two), serde_json::json!(["a", "b"]));
    }
}
