//! Metadata documents in the exact shape Python meteaudata writes and reads (the YAML sidecars
//! of archives and storage backends), and their conversion to and from the model.
//!
//! ```
//! use meteaudata_core::{Signal, Series, Index, metadata::SignalMetadata};
//! let sig = Signal::new("A", "mg/L").unwrap()
//!     .with_series(Series::from_f64("RAW", Index::range(2), vec![1.0, 2.0]).unwrap()).unwrap();
//! let yaml = sig.metadata().to_yaml().unwrap();
//! assert!(yaml.contains("A#1_RAW#1:"));
//! let back = SignalMetadata::from_yaml(&yaml).unwrap();
//! assert_eq!(back, sig.metadata());
//! ```

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};

use crate::{
    DataProvenance, Dataset, Error, IndexMetadata, MetaTime, ProcessingStep, Result, Series,
    Signal, TimeSeries,
};

fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> std::result::Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

fn default_signal_name() -> String {
    "signal".into()
}
fn default_units() -> String {
    "unit".into()
}

/// The metadata of one time series (`TimeSeries.metadata_dict()` in Python): everything but the
/// data. `processing_steps`, `index_metadata` (may be null) and `values_dtype` are required,
/// as Python's loader requires them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeSeriesMetadata {
    /// Creation time (absent in some files).
    #[serde(default)]
    pub created_on: Option<MetaTime>,
    /// Index description.
    #[serde(deserialize_with = "nullable")]
    pub index_metadata: Option<IndexMetadata>,
    /// External id (absent in files older than the storage work).
    #[serde(default)]
    pub metadata_id: Option<String>,
    /// Full history.
    pub processing_steps: Vec<ProcessingStep>,
    /// pandas dtype of the values.
    pub values_dtype: String,
    /// What the model adds when it saves a series to a backend (the owning signal's and
    /// dataset's fields), so a dataset can be rebuilt from a backend alone. Written under the
    /// key `meteaudata_rs`, which Python ignores; absent in files Python wrote.
    #[serde(
        default,
        rename = "meteaudata_rs",
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<StoredContext>,
}

/// The signal and dataset a stored series belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredContext {
    /// The owning signal's fields (without its series).
    #[serde(default)]
    pub signal: Option<SignalContext>,
    /// The owning dataset's fields (without its signals).
    #[serde(default)]
    pub dataset: Option<DatasetContext>,
}

/// A signal's own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalContext {
    /// Signal name.
    pub name: String,
    /// Units.
    pub units: String,
    /// Provenance.
    pub provenance: DataProvenance,
    /// Creation time.
    pub created_on: MetaTime,
    /// Last update.
    pub last_updated: MetaTime,
}

/// A dataset's own fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetContext {
    /// Dataset name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Owner.
    #[serde(default)]
    pub owner: Option<String>,
    /// Purpose.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Project.
    #[serde(default)]
    pub project: Option<String>,
    /// Creation time.
    pub created_on: MetaTime,
    /// Last update.
    pub last_updated: MetaTime,
}

/// The metadata of a signal (`Signal.metadata_dict()`), generic over the per-series document
/// so that the JSON form (which adds the data) shares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalDoc<T> {
    /// Creation time.
    #[serde(default = "MetaTime::now")]
    pub created_on: MetaTime,
    /// Last update.
    #[serde(default = "MetaTime::now")]
    pub last_updated: MetaTime,
    /// Signal name.
    #[serde(default = "default_signal_name")]
    pub name: String,
    /// Provenance.
    #[serde(default = "DataProvenance::unknown")]
    pub provenance: DataProvenance,
    /// Series documents keyed by full name.
    pub time_series: IndexMap<String, T>,
    /// Units.
    #[serde(default = "default_units")]
    pub units: String,
}

/// The metadata of a dataset (`Dataset.metadata_dict()`), generic like [`SignalDoc`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetDoc<T> {
    /// Creation time.
    #[serde(default = "MetaTime::now")]
    pub created_on: MetaTime,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Last update.
    #[serde(default = "MetaTime::now")]
    pub last_updated: MetaTime,
    /// Dataset name.
    pub name: String,
    /// Owner.
    #[serde(default)]
    pub owner: Option<String>,
    /// Project.
    #[serde(default)]
    pub project: Option<String>,
    /// Purpose.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Signal documents keyed by name.
    pub signals: IndexMap<String, SignalDoc<T>>,
}

/// A signal's metadata sidecar.
pub type SignalMetadata = SignalDoc<TimeSeriesMetadata>;
/// A dataset's metadata sidecar.
pub type DatasetMetadata = DatasetDoc<TimeSeriesMetadata>;

/// Serialises to YAML with keys sorted at every level, as Python's `yaml.dump` writes them,
/// in a form PyYAML's `safe_load` reads back as the same values.
pub fn to_sorted_yaml<T: Serialize>(value: &T) -> Result<String> {
    let v = serde_yaml::to_value(value).map_err(|e| Error::parse("metadata", e))?;
    Ok(crate::yaml_writer::emit(&sort_keys(v)))
}

fn sort_keys(v: serde_yaml::Value) -> serde_yaml::Value {
    use serde_yaml::Value;
    match v {
        Value::Mapping(m) => {
            let mut entries: Vec<(Value, Value)> =
                m.into_iter().map(|(k, v)| (k, sort_keys(v))).collect();
            entries.sort_by_key(|e| key_text(&e.0));
            Value::Mapping(entries.into_iter().collect())
        }
        Value::Sequence(s) => Value::Sequence(s.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

fn key_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default(),
    }
}

fn from_yaml<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_yaml::from_str(text).map_err(|e| Error::parse(what, e))
}

impl TimeSeriesMetadata {
    /// Rebuilds the time series over `series` (keeping `created_on` and `metadata_id`, which
    /// Python drops on load).
    pub fn into_time_series(self, series: Series) -> TimeSeries {
        let index_metadata = self
            .index_metadata
            .unwrap_or_else(|| series.index().metadata());
        TimeSeries::from_parts(
            series,
            self.processing_steps,
            index_metadata,
            self.values_dtype,
            self.metadata_id,
            self.created_on.unwrap_or_else(MetaTime::now),
        )
    }
}

impl SignalMetadata {
    /// Parses a signal sidecar (`<signal>_metadata.yaml`).
    pub fn from_yaml(text: &str) -> Result<Self> {
        from_yaml("signal metadata YAML", text)
    }
    /// Writes it as Python does (sorted keys).
    pub fn to_yaml(&self) -> Result<String> {
        to_sorted_yaml(self)
    }
}

impl DatasetMetadata {
    /// Parses a dataset sidecar (`<dataset>_metadata.yaml`).
    pub fn from_yaml(text: &str) -> Result<Self> {
        from_yaml("dataset metadata YAML", text)
    }
    /// Writes it as Python does (sorted keys).
    pub fn to_yaml(&self) -> Result<String> {
        to_sorted_yaml(self)
    }
}

impl TimeSeriesMetadata {
    /// Parses one series' metadata document.
    pub fn from_yaml(text: &str) -> Result<Self> {
        from_yaml("time-series metadata YAML", text)
    }
    /// Writes it (sorted keys).
    pub fn to_yaml(&self) -> Result<String> {
        to_sorted_yaml(self)
    }
}

impl<T> SignalDoc<T> {
    /// Builds the signal, turning each series document into a time series with `build`
    /// (called with the recorded key and document).
    pub fn into_signal<F>(self, mut build: F) -> Result<Signal>
    where
        F: FnMut(&str, T) -> Result<TimeSeries>,
    {
        let mut series = Vec::with_capacity(self.time_series.len());
        for (key, doc) in self.time_series {
            let ts = build(&key, doc)?;
            series.push((key, ts));
        }
        Signal::from_parts(
            &self.name,
            self.units,
            self.provenance,
            self.created_on,
            self.last_updated,
            series,
        )
    }
}

impl<T> DatasetDoc<T> {
    /// Builds the dataset; `build` gets the signal name, the series key and its document.
    pub fn into_dataset<F>(self, mut build: F) -> Result<Dataset>
    where
        F: FnMut(&str, &str, T) -> Result<TimeSeries>,
    {
        let mut signals = Vec::with_capacity(self.signals.len());
        for (name, doc) in self.signals {
            signals.push(doc.into_signal(|key, d| build(&name, key, d))?);
        }
        Dataset::from_parts(
            &self.name,
            self.description,
            self.owner,
            self.purpose,
            self.project,
            self.created_on,
            self.last_updated,
            signals,
        )
    }
}

impl TimeSeries {
    /// This series' metadata document.
    pub fn metadata(&self) -> TimeSeriesMetadata {
        TimeSeriesMetadata {
            created_on: Some(self.created_on),
            index_metadata: Some(self.index_metadata().clone()),
            metadata_id: self.metadata_id.clone(),
            processing_steps: self.processing_steps.clone(),
            values_dtype: self.values_dtype().to_string(),
            context: None,
        }
    }
}

impl Signal {
    /// A signal document, with `doc` making each series' part.
    pub fn to_doc<T>(&self, mut doc: impl FnMut(&TimeSeries) -> Result<T>) -> Result<SignalDoc<T>> {
        Ok(SignalDoc {
            created_on: self.created_on,
            last_updated: self.last_updated,
            name: self.name().to_string(),
            provenance: self.provenance.clone(),
            time_series: self
                .time_series()
                .iter()
                .map(|(k, ts)| Ok((k.clone(), doc(ts)?)))
                .collect::<Result<_>>()?,
            units: self.units.clone(),
        })
    }

    /// The signal's metadata sidecar.
    pub fn metadata(&self) -> SignalMetadata {
        let mut m = IndexMap::new();
        for (k, ts) in self.time_series() {
            m.insert(k.clone(), ts.metadata());
        }
        SignalDoc {
            created_on: self.created_on,
            last_updated: self.last_updated,
            name: self.name().to_string(),
            provenance: self.provenance.clone(),
            time_series: m,
            units: self.units.clone(),
        }
    }
}

impl Dataset {
    /// A dataset document, with `doc` making each series' part.
    pub fn to_doc<T>(
        &self,
        mut doc: impl FnMut(&TimeSeries) -> Result<T>,
    ) -> Result<DatasetDoc<T>> {
        Ok(DatasetDoc {
            created_on: self.created_on,
            description: self.description.clone(),
            last_updated: self.last_updated,
            name: self.name().to_string(),
            owner: self.owner.clone(),
            project: self.project.clone(),
            purpose: self.purpose.clone(),
            signals: self
                .signals()
                .iter()
                .map(|(k, s)| Ok((k.clone(), s.to_doc(&mut doc)?)))
                .collect::<Result<_>>()?,
        })
    }

    /// The dataset's metadata sidecar.
    pub fn metadata(&self) -> DatasetMetadata {
        DatasetDoc {
            created_on: self.created_on,
            description: self.description.clone(),
            last_updated: self.last_updated,
            name: self.name().to_string(),
            owner: self.owner.clone(),
            project: self.project.clone(),
            purpose: self.purpose.clone(),
            signals: self
                .signals()
                .iter()
                .map(|(k, s)| (k.clone(), s.metadata()))
                .collect(),
        }
    }
}
