//! A signal: one measured quantity with its units, provenance and every version of its series.

use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};

use crate::lineage::rewrite_signal_prefix;
use crate::naming::{
    numbered_signal_name, series_name, validate_base, validate_output_name, SeriesName,
};
use crate::storage::{SharedBackend, StorageKey};
use crate::time_series::dedup_steps;
use crate::{
    DataProvenance, Error, MetaTime, ProcessOptions, Result, Series, TimeSeries, Transform,
};

/// The keys handed out by one process call.
#[derive(Debug, Default)]
pub(crate) struct OutputNamer {
    next: HashMap<String, u32>,
    used: HashSet<String>,
}

/// One measured quantity (`Temperature#1`): units, provenance and its time series keyed by full
/// name (`Temperature#1_RAW#1`, `Temperature#1_RESAMPLED#1`, ...), in insertion order.
///
/// ```
/// use meteaudata_core::{Signal, Series, Index};
/// let mut s = Signal::new("Temperature", "°C").unwrap();
/// assert_eq!(s.name(), "Temperature#1");
/// let key = s.add_series(Series::from_f64("RAW", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap()).unwrap();
/// assert_eq!(key, "Temperature#1_RAW#1");
/// let again = s.add_series(Series::from_f64("RAW", Index::range(1), vec![4.0]).unwrap()).unwrap();
/// assert_eq!(again, "Temperature#1_RAW#2");
/// ```
#[derive(Debug, Clone)]
pub struct Signal {
    /// When the signal was created.
    pub created_on: MetaTime,
    /// When it was last updated.
    pub last_updated: MetaTime,
    name: String,
    /// Units (free text; `"unit"` means none, as upstream).
    pub units: String,
    /// Where the data came from.
    pub provenance: DataProvenance,
    pub(crate) time_series: IndexMap<String, TimeSeries>,
    pub(crate) backend: Option<SharedBackend>,
    pub(crate) auto_save: bool,
    pub(crate) dataset_name: Option<String>,
    /// The owning dataset's fields as last given by it, stored beside each series.
    pub(crate) dataset_context: Option<crate::metadata::DatasetContext>,
}

impl PartialEq for Signal {
    /// Every field and every time series; the backend attachment is not compared.
    fn eq(&self, other: &Self) -> bool {
        self.created_on == other.created_on
            && self.last_updated == other.last_updated
            && self.name == other.name
            && self.units == other.units
            && self.provenance == other.provenance
            && self.time_series == other.time_series
    }
}

impl Signal {
    /// A signal with no series. The name is validated and numbered (`Temperature` →
    /// `Temperature#1`); provenance is all `"unknown"` as in Python.
    pub fn new(name: &str, units: impl Into<String>) -> Result<Self> {
        let now = MetaTime::now();
        Ok(Signal {
            created_on: now,
            last_updated: now,
            name: numbered_signal_name(name)?,
            units: units.into(),
            provenance: DataProvenance::unknown(),
            time_series: IndexMap::new(),
            backend: None,
            auto_save: false,
            dataset_name: None,
            dataset_context: None,
        })
    }

    /// Sets the provenance, builder style.
    pub fn with_provenance(mut self, provenance: DataProvenance) -> Self {
        self.provenance = provenance;
        self
    }

    /// Adds a series, builder style (see [`Signal::add_series`]).
    pub fn with_series(mut self, series: Series) -> Result<Self> {
        self.add_series(series)?;
        Ok(self)
    }

    /// The numbered name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The time series, keyed by full name, in insertion order.
    pub fn time_series(&self) -> &IndexMap<String, TimeSeries> {
        &self.time_series
    }

    /// The full names of the time series, in insertion order.
    pub fn all_time_series(&self) -> Vec<&str> {
        self.time_series.keys().map(String::as_str).collect()
    }

    /// One time series by full name.
    pub fn get(&self, name: &str) -> Result<&TimeSeries> {
        self.time_series
            .get(name)
            .ok_or_else(|| Error::not_found("time series", name, self.time_series.keys()))
    }

    /// One time series by full name, mutably.
    pub fn get_mut(&mut self, name: &str) -> Result<&mut TimeSeries> {
        if !self.time_series.contains_key(name) {
            return Err(Error::not_found(
                "time series",
                name,
                self.time_series.keys(),
            ));
        }
        self.time_series
            .get_mut(name)
            .ok_or_else(|| Error::not_found("time series", name, Vec::<String>::new()))
    }

    /// The largest number in use for `base`, across all keys (an unnumbered key counts as 1).
    pub fn max_number(&self, base: &str) -> Option<u32> {
        self.time_series
            .keys()
            .map(|k| SeriesName::parse(k))
            .filter(|p| p.base == base)
            .map(|p| p.number_or_one())
            .max()
    }

    /// Adds a time series as a new version of its base: the base is the part of the series
    /// name after the last `_` (without any `#n`), the number is `max + 1`. The series is
    /// renamed to the returned key.
    pub fn add(&mut self, mut ts: TimeSeries) -> Result<String> {
        let base = SeriesName::parse(ts.name()).base;
        validate_base("series base", &base)?;
        let key = series_name(&self.name, &base, self.max_number(&base).unwrap_or(0) + 1);
        ts.set_name(&key);
        ts.set_claim(self.backend.is_some());
        self.time_series.insert(key.clone(), ts);
        Ok(key)
    }

    /// Adds a series with no history (see [`Signal::add`]).
    pub fn add_series(&mut self, series: Series) -> Result<String> {
        self.add(TimeSeries::new(series))
    }

    /// Inserts a time series under an exact key of this signal (used by loaders). The key is
    /// parsed leniently; a foreign or empty signal part is replaced by this signal's name and an
    /// unnumbered key gets the next free number. Returns the key used; an existing key is a
    /// [`Conflict`](crate::ErrorKind::Conflict).
    pub fn insert(&mut self, key: &str, mut ts: TimeSeries) -> Result<String> {
        let parsed = SeriesName::parse(key);
        validate_base("series base", &parsed.base)?;
        let number = match parsed.number {
            Some(n) => n,
            None => self.max_number(&parsed.base).unwrap_or(0) + 1,
        };
        let canonical = series_name(&self.name, &parsed.base, number);
        if self.time_series.contains_key(&canonical) {
            return Err(Error::Conflict(format!(
                "signal {:?} already has a time series {canonical:?}",
                self.name
            )));
        }
        ts.set_name(&canonical);
        self.time_series.insert(canonical.clone(), ts);
        Ok(canonical)
    }

    /// Sets whether each series' first save creates its key (see [`TimeSeries`]'s claim):
    /// true when the signal itself gets a new number on an attached backend.
    pub(crate) fn set_claim(&mut self, claim: bool) {
        for ts in self.time_series.values_mut() {
            ts.set_claim(claim);
        }
    }

    /// Removes a time series and returns it.
    pub fn remove(&mut self, name: &str) -> Result<TimeSeries> {
        self.time_series
            .shift_remove(name)
            .ok_or_else(|| Error::not_found("time series", name, self.time_series.keys()))
    }

    /// Renames the signal (validated and numbered like [`Signal::new`]): every key and series
    /// name is rewritten, and so is every reference to this signal's series in its histories.
    pub fn rename(&mut self, new_name: &str) -> Result<()> {
        let new_name = numbered_signal_name(new_name)?;
        self.rename_exact(&new_name);
        Ok(())
    }

    /// Renames to an already valid, numbered name.
    pub(crate) fn rename_exact(&mut self, new_name: &str) {
        if new_name == self.name {
            return;
        }
        let old = std::mem::replace(&mut self.name, new_name.to_string());
        let entries: Vec<(String, TimeSeries)> = self.time_series.drain(..).collect();
        for (key, mut ts) in entries {
            let p = SeriesName::parse(&key);
            let new_key = series_name(new_name, &p.base, p.number_or_one());
            ts.set_name(&new_key);
            self.time_series.insert(new_key, ts);
        }
        self.rewrite_lineage(&old, new_name);
    }

    /// Rewrites references to signal `old`'s series into signal `new` in every history here.
    pub(crate) fn rewrite_lineage(&mut self, old: &str, new: &str) {
        rewrite_signal_prefix(
            self.time_series
                .values_mut()
                .flat_map(|ts| ts.processing_steps.iter_mut()),
            old,
            new,
        );
    }

    /// Runs a univariate transform on named series of this signal and stores each output as a
    /// new time series. Returns the keys of the outputs, in order.
    ///
    /// * Inputs must exist (else [`NotFound`](crate::ErrorKind::NotFound), listing what exists).
    /// * Each output's history is the concatenation of every input's history (in request
    ///   order) followed by its own steps, with duplicates removed (first kept).
    /// * Steps keep the exact input names; steps without input names get all input names.
    /// * The output base is the output series' base, or the matching `output_names` entry.
    ///   Numbering is `#(max+1)`; with `overwrite` the latest existing version is replaced.
    /// * Nothing is changed when any check fails.
    ///
    /// ```
    /// use meteaudata_core::*;
    /// let mut s = Signal::new("A", "mg/L").unwrap()
    ///     .with_series(Series::from_f64("RAW", Index::range(3), vec![1.0, 2.0, 3.0]).unwrap()).unwrap();
    /// let double = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
    ///     inputs.iter().map(|s| {
    ///         let vals: Vec<f64> = s.f64_values().unwrap().values().iter().map(|v| v * 2.0).collect();
    ///         let out = Series::from_f64("DOUBLED", s.index().clone(), vals)?;
    ///         let step = ProcessingStep::new(ProcessingType::Transformation, "x2",
    ///             FunctionInfo::new("double", "1", "me", "-"), "DOUBLED").with_inputs([s.name()]);
    ///         Ok(TransformOutput::new(out, step))
    ///     }).collect()
    /// };
    /// let keys = s.process(&["A#1_RAW#1"], &double, ProcessOptions::new()).unwrap();
    /// assert_eq!(keys, ["A#1_DOUBLED#1"]);
    /// let out = s.get("A#1_DOUBLED#1").unwrap();
    /// assert_eq!(out.processing_steps[0].input_series_names, ["A#1_RAW#1"]);
    /// ```
    pub fn process<T: Transform + ?Sized>(
        &mut self,
        input_names: &[&str],
        transform: &T,
        options: ProcessOptions,
    ) -> Result<Vec<String>> {
        for name in input_names {
            self.get(name)?;
        }
        if let Some(st) = transform.streaming() {
            if self.can_stream(input_names, &options) {
                if let Some(keys) = self.process_streamed(input_names, st, &options)? {
                    return Ok(keys);
                }
            }
        }
        let mut inputs = Vec::with_capacity(input_names.len());
        for name in input_names {
            inputs.push(self.get(name)?.series()?.clone());
        }
        // The steps pin their inputs by content; the hashes are computed beside the work.
        let refs: Vec<&Series> = inputs.iter().collect();
        let (outputs, hashes) =
            crate::content_hash::hash_beside(&refs, || transform.apply(&inputs));
        let outputs = outputs?;
        let hashes: Vec<crate::PinnedInput> = input_names
            .iter()
            .zip(hashes?)
            .map(|(n, h)| crate::PinnedInput::of(n, h, self.time_series.get(*n)))
            .collect();
        if let Some(hook) = &options.progress {
            hook.report(inputs.iter().map(|s| s.len() as u64).sum());
        }
        Signal::check_output_names(&options, outputs.len())?;
        let history: Vec<_> = input_names
            .iter()
            .flat_map(|n| self.time_series[*n].processing_steps.iter().cloned())
            .collect();
        let exact_inputs: Vec<String> = input_names.iter().map(|s| s.to_string()).collect();

        // Name every output first, so that a failure changes nothing.
        let mut planned: Vec<(String, TimeSeries)> = Vec::with_capacity(outputs.len());
        let mut namer = OutputNamer::default();
        for (i, out) in outputs.into_iter().enumerate() {
            let base = match &options.output_names {
                Some(names) => names[i].clone(),
                None => SeriesName::parse(out.series.name()).base,
            };
            let key = self.output_key(&mut namer, &base, options.overwrite)?;
            let mut steps = history.clone();
            for mut step in out.steps {
                if step.input_series_names.is_empty() {
                    step.input_series_names = exact_inputs.clone();
                }
                step.pin(&hashes);
                steps.push(step);
            }
            dedup_steps(&mut steps);
            let mut series = out.series;
            series.set_name(&key);
            let mut ts = TimeSeries::new(series).with_steps(steps);
            // A new key (a new number, or the first of its base even with `overwrite`) is
            // claimed against the store.
            if self.backend.is_some() && !self.time_series.contains_key(&key) {
                ts.claim_on_save();
            }
            planned.push((key, ts));
        }
        let keys = planned.iter().map(|(k, _)| k.clone()).collect();
        for (key, ts) in planned {
            self.time_series.insert(key, ts);
        }
        if self.auto_save && self.backend.is_some() {
            self.save_all(None)?;
            self.unload();
        }
        Ok(keys)
    }

    /// The key of the next output of a process call with series base `base` (numbered
    /// `#(max+1)`, or the latest with `overwrite`); two outputs of one call never share a key.
    pub(crate) fn output_key(
        &self,
        namer: &mut OutputNamer,
        base: &str,
        overwrite: bool,
    ) -> Result<String> {
        validate_base("series base", base)?;
        let latest = self.max_number(base);
        let number = if overwrite {
            latest.unwrap_or(1)
        } else {
            let n = namer
                .next
                .entry(base.to_string())
                .or_insert_with(|| latest.unwrap_or(0));
            *n += 1;
            *n
        };
        let key = series_name(&self.name, base, number);
        if !namer.used.insert(key.clone()) {
            return Err(Error::Conflict(format!(
                "two outputs of one process call map to {key:?}"
            )));
        }
        Ok(key)
    }

    /// Checks `output_names` of a call producing `outputs` series.
    pub(crate) fn check_output_names(options: &ProcessOptions, outputs: usize) -> Result<()> {
        if let Some(names) = &options.output_names {
            if names.len() != outputs {
                return Err(Error::invalid_input(format!(
                    "output_names must have the same length as the number of outputs. Expected {outputs}, got {}",
                    names.len()
                )));
            }
            for n in names {
                validate_output_name("output_names", n)?;
            }
        }
        Ok(())
    }

    /// Builds a signal from recorded parts (used by loaders and metadata readers); keys are
    /// inserted with [`Signal::insert`] and the name is kept as recorded when valid.
    pub fn from_parts(
        name: &str,
        units: impl Into<String>,
        provenance: DataProvenance,
        created_on: MetaTime,
        last_updated: MetaTime,
        series: Vec<(String, TimeSeries)>,
    ) -> Result<Self> {
        let mut s = Signal {
            created_on,
            last_updated,
            name: numbered_signal_name(name)?,
            units: units.into(),
            provenance,
            time_series: IndexMap::new(),
            backend: None,
            auto_save: false,
            dataset_name: None,
            dataset_context: None,
        };
        // Numbered keys first, so that an unnumbered one takes the next free number.
        let (numbered, unnumbered): (Vec<_>, Vec<_>) = series
            .into_iter()
            .partition(|(k, _)| SeriesName::parse(k).number.is_some());
        let mut renamed = HashMap::new();
        for (key, ts) in numbered.into_iter().chain(unnumbered) {
            let used = s.insert(&key, ts)?;
            if used != key {
                renamed.insert(key, used);
            }
        }
        if !renamed.is_empty() {
            for step in s
                .time_series
                .values_mut()
                .flat_map(|ts| ts.processing_steps.iter_mut())
            {
                for n in &mut step.input_series_names {
                    if let Some(new) = renamed.get(n) {
                        *n = new.clone();
                    }
                }
            }
        }
        Ok(s)
    }
}

/// Storage: attaching a backend, saving, loading and unloading.
impl Signal {
    /// Attaches a backend to the signal (and so to every series it saves). With `auto_save`,
    /// every `process` ends by saving all series and unloading them from memory; they are read
    /// back on first access. Replacing a different backend logs a warning.
    pub fn set_backend(&mut self, backend: SharedBackend, auto_save: bool) {
        if let Some(old) = &self.backend {
            if !std::sync::Arc::ptr_eq(old, &backend) {
                tracing::warn!(
                    signal = %self.name,
                    old = old.backend_type(),
                    new = backend.backend_type(),
                    "replacing the storage backend of a signal"
                );
            }
        }
        self.backend = Some(backend);
        self.auto_save = auto_save;
    }

    /// The attached backend.
    pub fn backend(&self) -> Option<&SharedBackend> {
        self.backend.as_ref()
    }

    /// Whether auto-save is on.
    pub fn auto_save(&self) -> bool {
        self.auto_save
    }

    /// The dataset name used in storage keys (set by the owning dataset).
    pub fn dataset_name(&self) -> Option<&str> {
        self.dataset_name.as_deref()
    }

    /// Sets the dataset name used in storage keys of a lone signal (default `default`).
    pub fn set_dataset_name(&mut self, name: impl Into<String>) {
        self.dataset_name = Some(name.into());
    }

    fn storage_dataset(&self, dataset_name: Option<&str>) -> String {
        dataset_name
            .or(self.dataset_name.as_deref())
            .unwrap_or("default")
            .to_string()
    }

    pub(crate) fn require_backend(&self) -> Result<SharedBackend> {
        self.backend.clone().ok_or_else(|| {
            Error::invalid_input("No storage backend configured. Call set_backend() first.")
        })
    }

    /// The storage key of one of this signal's series.
    pub fn storage_key(&self, dataset_name: Option<&str>, series: &str) -> Result<StorageKey> {
        StorageKey::for_series(&self.storage_dataset(dataset_name), &self.name, series)
    }

    /// Saves every series under `dataset/signal/series` (dataset: `dataset_name`, else the
    /// owning dataset's name, else `default`). A RAW series without a `metadata_id` takes the
    /// provenance's; a processed one asks the backend for one. Returns the keys written.
    pub fn save_all(&mut self, dataset_name: Option<&str>) -> Result<Vec<StorageKey>> {
        let dataset = self.dataset_context.clone();
        self.save_all_with(dataset_name, dataset)
    }

    /// [`Signal::save_all`] with the owning dataset's fields stored beside each series. When
    /// a save fails, the keys this call created (new numbers) are deleted again, so that a
    /// failed call leaves no series of its signal behind under a new number.
    pub(crate) fn save_all_with(
        &mut self,
        dataset_name: Option<&str>,
        dataset: Option<crate::metadata::DatasetContext>,
    ) -> Result<Vec<StorageKey>> {
        let mut created = Vec::new();
        let saved = self.save_all_tracked(dataset_name, dataset, &mut created);
        if saved.is_err() {
            self.undo_created(&created);
        }
        saved
    }

    /// Deletes the keys `created` (series name, key) by claiming saves, and makes those series
    /// unsaved again, still to claim their keys. Best effort: a key that cannot be deleted is
    /// logged.
    pub(crate) fn undo_created(&mut self, created: &[(String, StorageKey)]) {
        let Some(backend) = self.backend.clone() else {
            return;
        };
        for (name, key) in created {
            if let Err(e) = backend.delete(key) {
                tracing::warn!(%key, error = %e, "cannot delete a series created by a save that failed");
            }
            if let Some(ts) = self.time_series.get_mut(name) {
                ts.unclaim();
            }
        }
    }

    /// [`Signal::save_all_with`], noting in `created` each key a claiming save created.
    pub(crate) fn save_all_tracked(
        &mut self,
        dataset_name: Option<&str>,
        dataset: Option<crate::metadata::DatasetContext>,
        created: &mut Vec<(String, StorageKey)>,
    ) -> Result<Vec<StorageKey>> {
        let backend = self.require_backend()?;
        let context = self.stored_context(dataset);
        let dataset = self.storage_dataset(dataset_name);
        let mut keys = Vec::with_capacity(self.time_series.len());
        let names: Vec<String> = self.time_series.keys().cloned().collect();
        for name in names {
            let id = self.metadata_id_for(&name, &backend);
            let key = StorageKey::for_series(&dataset, &self.name, &name)?;
            let ts = self.get_mut(&name)?;
            if ts.metadata_id.is_none() {
                ts.metadata_id = id;
            }
            if ts.save_claiming(&backend, key.clone(), Some(context.clone()))? {
                created.push((name.clone(), key.clone()));
            }
            keys.push(key);
        }
        Ok(keys)
    }

    /// What is stored beside each series' metadata: this signal's fields and, when given, the
    /// dataset's.
    pub(crate) fn stored_context(
        &self,
        dataset: Option<crate::metadata::DatasetContext>,
    ) -> crate::metadata::StoredContext {
        crate::metadata::StoredContext {
            signal: Some(crate::metadata::SignalContext {
                name: self.name.clone(),
                units: self.units.clone(),
                provenance: self.provenance.clone(),
                created_on: self.created_on,
                last_updated: self.last_updated,
            }),
            dataset,
        }
    }

    /// The `metadata_id` a series named `name` takes when saved without one: a RAW series the
    /// provenance's, a processed one what the backend generates.
    pub(crate) fn metadata_id_for(&self, name: &str, backend: &SharedBackend) -> Option<String> {
        let base = SeriesName::parse(name).base;
        let provenance_id = self.provenance.metadata_id.clone();
        if base.eq_ignore_ascii_case("raw") {
            provenance_id
        } else {
            let mut degree = base.to_ascii_lowercase();
            if let Some(first) = degree.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            backend.generate_metadata_id(provenance_id.as_deref(), &degree)
        }
    }

    /// Replaces each series' data and metadata with the stored version, where one exists.
    /// Returns how many series were loaded.
    pub fn load_all(&mut self, dataset_name: Option<&str>) -> Result<usize> {
        let backend = self.require_backend()?;
        let dataset = self.storage_dataset(dataset_name);
        let mut n = 0;
        for (name, ts) in self.time_series.iter_mut() {
            let key = StorageKey::for_series(&dataset, &self.name, name)?;
            if ts.load_from(&backend, key)? {
                n += 1;
            }
        }
        Ok(n)
    }

    /// Drops the data of every saved series from memory (it is read back on first access).
    /// Returns how many were unloaded.
    pub fn unload(&mut self) -> usize {
        self.time_series
            .values_mut()
            .map(|ts| ts.unload())
            .filter(|u| *u)
            .count()
    }
}
