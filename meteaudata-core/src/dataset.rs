//! A dataset: named signals with description, owner, purpose and project.

use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};

use crate::naming::{
    series_name, signal_base, signal_name, split_number, validate_base, validate_output_name,
    SeriesName, MAX_NAME_LEN,
};
use crate::storage::{SharedBackend, StorageKey};
use crate::time_series::dedup_steps;
use crate::{DatasetProcessOptions, DatasetTransform, Error, MetaTime, Result, Signal};

/// A collection of signals (`reactor`: `CODa#1`, `CODb#1`, `AVERAGE#1`) with descriptive
/// fields. Signals are keyed by their numbered names, in insertion order.
///
/// ```
/// use meteaudata_core::{Dataset, Signal};
/// let mut ds = Dataset::new("reactor").unwrap();
/// assert_eq!(ds.add(Signal::new("A", "mg/L").unwrap()).unwrap(), "A#1");
/// assert_eq!(ds.add(Signal::new("A", "mg/L").unwrap()).unwrap(), "A#2");
/// assert_eq!(ds.add(Signal::new("Temp#5", "°C").unwrap()).unwrap(), "Temp#1");
/// ```
#[derive(Debug, Clone)]
pub struct Dataset {
    /// When the dataset was created.
    pub created_on: MetaTime,
    /// When it was last updated.
    pub last_updated: MetaTime,
    name: String,
    /// Description.
    pub description: Option<String>,
    /// Owner.
    pub owner: Option<String>,
    signals: IndexMap<String, Signal>,
    /// Purpose.
    pub purpose: Option<String>,
    /// Project.
    pub project: Option<String>,
    backend: Option<SharedBackend>,
    auto_save: bool,
    /// The largest number in use for each signal base (kept with `signals`, so that adding a
    /// signal does not scan them all).
    numbers: HashMap<String, u32>,
}

impl PartialEq for Dataset {
    /// Every field and every signal; the backend attachment is not compared.
    fn eq(&self, other: &Self) -> bool {
        self.created_on == other.created_on
            && self.last_updated == other.last_updated
            && self.name == other.name
            && self.description == other.description
            && self.owner == other.owner
            && self.purpose == other.purpose
            && self.project == other.project
            && self.signals == other.signals
    }
}

/// Checks a dataset name: non-empty, bounded, no path separators or control characters.
pub fn validate_dataset_name(name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > MAX_NAME_LEN {
        Some("it is too long")
    } else if name.contains('/') || name.contains('\\') {
        Some("a dataset name cannot contain path separators")
    } else if name.chars().any(char::is_control) {
        Some("a dataset name cannot contain control characters")
    } else if name == "." || name == ".." {
        Some("a dataset name cannot be '.' or '..'")
    } else {
        None
    };
    match reason {
        Some(r) => Err(Error::invalid_name(name, r)),
        None => Ok(()),
    }
}

/// Records in `numbers` the number of signal `name` for its base (the largest kept).
fn note_number(numbers: &mut HashMap<String, u32>, name: &str) {
    let (base, n) = split_number(name);
    let max = numbers.entry(base.to_string()).or_insert(0);
    *max = (*max).max(n.unwrap_or(1));
}

impl Dataset {
    /// An empty dataset.
    pub fn new(name: &str) -> Result<Self> {
        validate_dataset_name(name)?;
        let now = MetaTime::now();
        Ok(Dataset {
            created_on: now,
            last_updated: now,
            name: name.to_string(),
            description: None,
            owner: None,
            signals: IndexMap::new(),
            purpose: None,
            project: None,
            backend: None,
            auto_save: false,
            numbers: HashMap::new(),
        })
    }

    /// Adds signals under their own names, builder style. Two signals with one name are a
    /// [`Conflict`](crate::ErrorKind::Conflict) (Python silently keeps the last one).
    pub fn with_signals<I: IntoIterator<Item = Signal>>(mut self, signals: I) -> Result<Self> {
        for s in signals {
            self.insert(s)?;
        }
        Ok(self)
    }

    /// Sets the description, builder style.
    pub fn with_description(mut self, v: impl Into<String>) -> Self {
        self.description = Some(v.into());
        self
    }
    /// Sets the owner, builder style.
    pub fn with_owner(mut self, v: impl Into<String>) -> Self {
        self.owner = Some(v.into());
        self
    }
    /// Sets the purpose, builder style.
    pub fn with_purpose(mut self, v: impl Into<String>) -> Self {
        self.purpose = Some(v.into());
        self
    }
    /// Sets the project, builder style.
    pub fn with_project(mut self, v: impl Into<String>) -> Self {
        self.project = Some(v.into());
        self
    }

    /// The dataset name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signals, keyed by name, in insertion order.
    pub fn signals(&self) -> &IndexMap<String, Signal> {
        &self.signals
    }

    /// Signal names, in insertion order.
    pub fn all_signals(&self) -> Vec<&str> {
        self.signals.keys().map(String::as_str).collect()
    }

    /// Resolves a signal name: exact, or a base without `#n` meaning its latest version.
    fn resolve(&self, name: &str) -> Option<String> {
        if self.signals.contains_key(name) {
            return Some(name.to_string());
        }
        if name.contains('#') {
            return None;
        }
        self.max_number(name).map(|n| signal_name(name, n))
    }

    /// One signal, by exact name or by base (`Temperature` means the latest `Temperature#n`).
    pub fn signal(&self, name: &str) -> Result<&Signal> {
        self.resolve(name)
            .and_then(|n| self.signals.get(&n))
            .ok_or_else(|| Error::not_found("signal", name, self.signals.keys()))
    }

    /// One signal, mutably. Renaming it through this reference bypasses lineage rewriting in
    /// the other signals: use [`Dataset::rename_signal`].
    pub fn signal_mut(&mut self, name: &str) -> Result<&mut Signal> {
        let available: Vec<String> = self.signals.keys().cloned().collect();
        match self.resolve(name) {
            Some(n) => self
                .signals
                .get_mut(&n)
                .ok_or_else(|| Error::not_found("signal", name, available)),
            None => Err(Error::not_found("signal", name, available)),
        }
    }

    /// Inserts a signal under its own name; an existing name is a conflict.
    pub fn insert(&mut self, signal: Signal) -> Result<()> {
        if self.signals.contains_key(signal.name()) {
            return Err(Error::Conflict(format!(
                "dataset {:?} already has a signal {:?}",
                self.name,
                signal.name()
            )));
        }
        self.put(signal);
        Ok(())
    }

    /// Stores `signal` under its name, attached to this dataset, and notes its number.
    fn put(&mut self, mut signal: Signal) {
        self.attach(&mut signal);
        let name = signal.name().to_string();
        note_number(&mut self.numbers, &name);
        self.signals.insert(name, signal);
    }

    /// Gives a signal this dataset's name and backend.
    fn attach(&self, signal: &mut Signal) {
        signal.dataset_name = Some(self.name.clone());
        signal.dataset_context = Some(self.context());
        if let Some(b) = &self.backend {
            signal.backend = Some(std::sync::Arc::clone(b));
            signal.auto_save = self.auto_save;
        }
    }

    /// The largest number in use for a signal base.
    pub fn max_number(&self, base: &str) -> Option<u32> {
        self.numbers.get(base).copied()
    }

    /// Rebuilds the numbers in use from the signals (after a removal or a rename).
    fn renumber(&mut self) {
        self.numbers.clear();
        for name in self.signals.keys() {
            note_number(&mut self.numbers, name);
        }
    }

    /// Adds a signal as a new version of its base, numbered `base#(max+1)` as Python does
    /// (`Temp#5` added to a dataset without `Temp` becomes `Temp#1`). The signal is renamed,
    /// its own histories follow the rename; returns the new name.
    pub fn add(&mut self, mut signal: Signal) -> Result<String> {
        let base = signal_base(signal.name()).to_string();
        let name = signal_name(&base, self.max_number(&base).unwrap_or(0) + 1);
        signal.rename_exact(&name);
        signal.set_claim(self.backend.is_some());
        self.put(signal);
        Ok(name)
    }

    /// Removes a signal and returns it.
    pub fn remove(&mut self, name: &str) -> Result<Signal> {
        let signal = self
            .signals
            .shift_remove(name)
            .ok_or_else(|| Error::not_found("signal", name, self.signals.keys()))?;
        self.renumber();
        Ok(signal)
    }

    /// Renames a signal; every reference to its series in any history of the dataset is
    /// rewritten. The new name must be free.
    pub fn rename_signal(&mut self, old: &str, new: &str) -> Result<()> {
        let new = crate::naming::numbered_signal_name(new)?;
        if old == new {
            return Ok(());
        }
        if self.signals.contains_key(&new) {
            return Err(Error::Conflict(format!(
                "dataset {:?} already has a signal {new:?}",
                self.name
            )));
        }
        let idx = self
            .signals
            .get_index_of(old)
            .ok_or_else(|| Error::not_found("signal", old, self.signals.keys()))?;
        let (_, mut sig) = self
            .signals
            .shift_remove_index(idx)
            .ok_or_else(|| Error::not_found("signal", old, Vec::<String>::new()))?;
        sig.rename_exact(&new);
        self.signals.shift_insert(idx, new.clone(), sig);
        self.renumber();
        for s in self.signals.values_mut() {
            s.rewrite_lineage(old, &new);
        }
        Ok(())
    }

    /// Finds the signal owning a full series name.
    fn owner_of(&self, series: &str) -> Option<&Signal> {
        let p = SeriesName::parse(series);
        self.signals
            .get(&p.signal)
            .filter(|s| s.time_series().contains_key(series))
    }

    /// Every series name in the dataset.
    fn all_series_names(&self) -> Vec<String> {
        self.signals
            .values()
            .flat_map(|s| s.time_series().keys().cloned())
            .collect()
    }

    /// Runs a multivariate transform on named series (from any signals) and stores each
    /// returned signal as a new signal. Returns the new signal names, in order.
    ///
    /// * Every input must exist (else [`NotFound`](crate::ErrorKind::NotFound)).
    /// * Output signals are named from their base (or `output_signal_names`), numbered
    ///   `#(max+1)`, or, with `overwrite`, replacing the latest version of that base.
    /// * `output_ts_names` (one per series of each output signal) rename the series bases.
    /// * Each output series' history is every input's history (request order), then its own
    ///   steps, de-duplicated; steps without input names get the requested names.
    /// * Nothing is changed when any check fails.
    pub fn process<T: DatasetTransform + ?Sized>(
        &mut self,
        input_names: &[&str],
        transform: &T,
        options: DatasetProcessOptions,
    ) -> Result<Vec<String>> {
        let mut copies = Vec::with_capacity(input_names.len());
        for name in input_names {
            match self.owner_of(name) {
                Some(sig) => copies.push(sig.clone()),
                None => {
                    return Err(Error::not_found(
                        "time series",
                        *name,
                        self.all_series_names(),
                    ))
                }
            }
        }
        let requested: Vec<String> = input_names.iter().map(|s| s.to_string()).collect();
        // The steps pin their inputs by content; the hashes are computed beside the work.
        let mut inputs: Vec<&crate::Series> = Vec::with_capacity(requested.len());
        for (name, sig) in requested.iter().zip(&copies) {
            inputs.push(sig.get(name)?.series()?);
        }
        let (outputs, hashes) =
            crate::content_hash::hash_beside(&inputs, || transform.apply(&copies, &requested));
        let outputs = outputs?;
        let hashes: Vec<crate::PinnedInput> = requested
            .iter()
            .zip(&copies)
            .zip(hashes?)
            .map(|((n, sig), h)| crate::PinnedInput::of(n, h, sig.time_series().get(n)))
            .collect();
        if let Some(names) = &options.output_signal_names {
            if names.len() != outputs.len() {
                return Err(Error::invalid_input(format!(
                    "output_signal_names must have the same length as the number of output signals. Expected {}, got {}",
                    outputs.len(),
                    names.len()
                )));
            }
            for n in names {
                validate_output_name("output_signal_names", n)?;
            }
        }
        if let Some(names) = &options.output_ts_names {
            for n in names {
                validate_output_name("output_ts_names", n)?;
            }
            for out in &outputs {
                if names.len() != out.time_series().len() {
                    return Err(Error::invalid_input(format!(
                        "output_ts_names must have the same length as the number of time series in each output signal. Expected {}, got {}",
                        out.time_series().len(),
                        names.len()
                    )));
                }
            }
        }
        let history: Vec<_> = input_names
            .iter()
            .filter_map(|n| self.owner_of(n).map(|s| &s.time_series()[*n]))
            .flat_map(|ts| ts.processing_steps.iter().cloned())
            .collect();

        let mut next: HashMap<String, u32> = HashMap::new();
        let mut used = HashSet::new();
        let mut planned = Vec::with_capacity(outputs.len());
        for (i, out) in outputs.into_iter().enumerate() {
            let base = match &options.output_signal_names {
                Some(names) => names[i].clone(),
                None => signal_base(out.name()).to_string(),
            };
            validate_base("signal name", &base)?;
            let latest = self.max_number(&base);
            let number = if options.overwrite {
                latest.unwrap_or(1)
            } else {
                let n = next
                    .entry(base.clone())
                    .or_insert_with(|| latest.unwrap_or(0));
                *n += 1;
                *n
            };
            let final_name = signal_name(&base, number);
            if !used.insert(final_name.clone()) {
                return Err(Error::Conflict(format!(
                    "two output signals of one process call map to {final_name:?}"
                )));
            }
            let mut sig =
                self.finish_output(out, &final_name, &options, &history, &requested, &hashes)?;
            // A new signal (a new number, or the first of its base even with `overwrite`) is
            // claimed against the store; a replaced one is overwritten.
            sig.set_claim(self.backend.is_some() && !self.signals.contains_key(&final_name));
            planned.push(sig);
        }
        let names = planned.iter().map(|s| s.name().to_string()).collect();
        for sig in planned {
            self.put(sig);
        }
        if self.auto_save && self.backend.is_some() {
            self.save_all()?;
            self.unload();
        }
        Ok(names)
    }

    /// Renames an output signal and its series, and prepends the inputs' history.
    fn finish_output(
        &self,
        out: Signal,
        final_name: &str,
        options: &DatasetProcessOptions,
        history: &[crate::ProcessingStep],
        requested: &[String],
        hashes: &[crate::PinnedInput],
    ) -> Result<Signal> {
        let mut entries = Vec::with_capacity(out.time_series().len());
        let old_name = out.name().to_string();
        let Signal {
            created_on,
            last_updated,
            units,
            provenance,
            time_series,
            ..
        } = out;
        let mut seen = HashSet::new();
        for (j, (key, mut ts)) in time_series.into_iter().enumerate() {
            let p = SeriesName::parse(&key);
            let base = match &options.output_ts_names {
                Some(names) => names[j].clone(),
                None => p.base.clone(),
            };
            let new_key = series_name(final_name, &base, p.number_or_one());
            if !seen.insert(new_key.clone()) {
                return Err(Error::Conflict(format!(
                    "two series of output signal {old_name:?} map to {new_key:?}"
                )));
            }
            let mut steps = history.to_vec();
            for mut step in std::mem::take(&mut ts.processing_steps) {
                if step.input_series_names.is_empty() {
                    step.input_series_names = requested.to_vec();
                }
                step.pin(hashes);
                steps.push(step);
            }
            dedup_steps(&mut steps);
            ts.processing_steps = steps;
            ts.created_on = MetaTime::now();
            entries.push((new_key, ts));
        }
        // The output's own steps are kept as written: they name the inputs, never the output
        // signal's provisional name.
        Signal::from_parts(
            final_name,
            units,
            provenance,
            created_on,
            last_updated,
            entries,
        )
    }

    /// Builds a dataset from recorded parts (used by loaders); signal names are kept.
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        name: &str,
        description: Option<String>,
        owner: Option<String>,
        purpose: Option<String>,
        project: Option<String>,
        created_on: MetaTime,
        last_updated: MetaTime,
        signals: Vec<Signal>,
    ) -> Result<Self> {
        let mut ds = Dataset::new(name)?;
        ds.description = description;
        ds.owner = owner;
        ds.purpose = purpose;
        ds.project = project;
        ds.created_on = created_on;
        ds.last_updated = last_updated;
        ds.with_signals(signals)
    }
}

/// Storage: attaching a backend, saving, loading and unloading.
impl Dataset {
    /// Attaches a backend to the dataset and every signal and series in it, with the
    /// dataset's name as the first part of their keys. With `auto_save`, every `process` (of
    /// the dataset or of one of its signals) ends by saving and unloading the series; they are
    /// read back on first access. Replacing a different backend logs a warning.
    pub fn set_backend(&mut self, backend: SharedBackend, auto_save: bool) {
        if let Some(old) = &self.backend {
            if !std::sync::Arc::ptr_eq(old, &backend) {
                tracing::warn!(
                    dataset = %self.name,
                    old = old.backend_type(),
                    new = backend.backend_type(),
                    "replacing the storage backend of a dataset"
                );
            }
        }
        self.backend = Some(backend);
        self.auto_save = auto_save;
        let (name, backend) = (self.name.clone(), self.backend.clone());
        let context = self.context();
        for s in self.signals.values_mut() {
            s.dataset_name = Some(name.clone());
            s.dataset_context = Some(context.clone());
            s.backend = backend.clone();
            s.auto_save = auto_save;
        }
    }

    /// The attached backend.
    pub fn backend(&self) -> Option<&SharedBackend> {
        self.backend.as_ref()
    }

    /// Whether auto-save is on.
    pub fn auto_save(&self) -> bool {
        self.auto_save
    }

    fn require_backend(&self) -> Result<()> {
        match self.backend {
            Some(_) => Ok(()),
            None => Err(Error::invalid_input(
                "No storage backend configured. Call set_backend() first.",
            )),
        }
    }

    /// Saves every series of every signal; returns the keys written.
    pub fn save_all(&mut self) -> Result<Vec<StorageKey>> {
        self.require_backend()?;
        let name = self.name.clone();
        let context = self.context();
        let mut keys = Vec::new();
        // What claiming saves created, per signal: deleted again if any save fails, so that
        // a failed call leaves nothing behind under the numbers it claimed.
        let mut created: Vec<(String, Vec<(String, StorageKey)>)> = Vec::new();
        let names: Vec<String> = self.signals.keys().cloned().collect();
        for signal in names {
            let Some(s) = self.signals.get_mut(&signal) else {
                continue;
            };
            s.dataset_context = Some(context.clone());
            let mut mine = Vec::new();
            let saved = s.save_all_tracked(Some(&name), Some(context.clone()), &mut mine);
            created.push((signal, mine));
            match saved {
                Ok(k) => keys.extend(k),
                Err(e) => {
                    for (signal, mine) in &created {
                        if let Some(s) = self.signals.get_mut(signal) {
                            s.undo_created(mine);
                        }
                    }
                    return Err(e);
                }
            }
        }
        Ok(keys)
    }

    /// This dataset's fields as they are stored beside each series.
    fn context(&self) -> crate::metadata::DatasetContext {
        crate::metadata::DatasetContext {
            name: self.name.clone(),
            description: self.description.clone(),
            owner: self.owner.clone(),
            purpose: self.purpose.clone(),
            project: self.project.clone(),
            created_on: self.created_on,
            last_updated: self.last_updated,
        }
    }

    /// Replaces every series' data and metadata with its stored version where one exists;
    /// returns how many were loaded.
    pub fn load_all(&mut self) -> Result<usize> {
        self.require_backend()?;
        let name = self.name.clone();
        let mut n = 0;
        for s in self.signals.values_mut() {
            n += s.load_all(Some(&name))?;
        }
        Ok(n)
    }

    /// Drops the data of every saved series from memory; returns how many were unloaded.
    pub fn unload(&mut self) -> usize {
        self.signals.values_mut().map(Signal::unload).sum()
    }
}

/// Rebuilding datasets from what a backend holds.
impl Dataset {
    /// The dataset names a backend holds: the first parts of its three-part keys, sorted.
    pub fn list_in_backend(backend: &SharedBackend) -> Result<Vec<String>> {
        let mut names: Vec<String> = backend
            .list_keys()?
            .iter()
            .filter(|k| k.parts().count() == 3)
            .filter_map(|k| k.parts().next().map(str::to_string))
            .collect();
        names.dedup();
        Ok(names)
    }

    /// Rebuilds dataset `name` from every `name/signal/series` key of `backend`: series with
    /// their metadata, and the signal and dataset fields stored beside them (defaults where a
    /// file written by Python has none). The dataset is attached to the backend.
    pub fn load_from_backend(backend: &SharedBackend, name: &str) -> Result<Dataset> {
        let keys: Vec<StorageKey> = backend
            .list_keys()?
            .into_iter()
            .filter(|k| k.parts().count() == 3 && k.parts().next() == Some(name))
            .collect();
        if keys.is_empty() {
            return Err(Error::not_found(
                "dataset",
                name,
                Dataset::list_in_backend(backend)?,
            ));
        }
        let mut parts = Vec::with_capacity(keys.len());
        for key in keys {
            let (signal, full) = signal_and_series(&key);
            // Only the metadata is read: the data stays in the backend until first access.
            let mut meta = backend.load_metadata(&key)?;
            let stored = meta.clone();
            let context = meta.context.take();
            let ts = if meta.index_metadata.is_some() {
                crate::TimeSeries::stored(&full, backend, key.clone(), stored)
            } else {
                // No recorded index: it is described from the data.
                let (mut series, _) = backend.load(&key)?;
                series.set_name(&full);
                let mut ts = meta.into_time_series(series);
                ts.attach(backend, key.clone());
                ts.mark_saved(stored);
                ts
            };
            parts.push(StoredPart {
                signal,
                full,
                ts,
                context,
            });
        }
        let mut ds = Dataset::assemble(name, parts)?;
        ds.set_backend(std::sync::Arc::clone(backend), false);
        Ok(ds)
    }

    /// Rebuilds dataset `name` as `snapshot` recorded it: every `name/signal/series` key the
    /// snapshot covers, at the version it names (each checked against its recorded content
    /// hash), read into memory. The dataset is not attached to `backend`: saving it there
    /// (with [`Dataset::set_backend`] and [`Dataset::save_all`]) adds new versions.
    pub fn load_snapshot(
        backend: &SharedBackend,
        snapshot: &crate::storage::Snapshot,
        name: &str,
    ) -> Result<Dataset> {
        let keys: Vec<&StorageKey> = snapshot
            .entries()
            .keys()
            .filter(|k| k.parts().count() == 3 && k.parts().next() == Some(name))
            .collect();
        if keys.is_empty() {
            return Err(Error::not_found(
                "dataset in snapshot",
                format!("{name} in {}", snapshot.name()),
                snapshot.datasets(),
            ));
        }
        let mut parts = Vec::with_capacity(keys.len());
        for key in keys {
            let (signal, full) = signal_and_series(key);
            let (mut series, mut meta) = snapshot.load(backend.as_ref(), key)?;
            series.set_name(&full);
            let context = meta.context.take();
            parts.push(StoredPart {
                signal,
                full,
                ts: meta.into_time_series(series),
                context,
            });
        }
        Dataset::assemble(name, parts)
    }

    /// A dataset of stored series, with the signal and dataset fields stored beside them
    /// (defaults where a file written by Python has none).
    fn assemble(name: &str, parts: Vec<StoredPart>) -> Result<Dataset> {
        use crate::metadata::StoredContext;
        let mut by_signal: IndexMap<String, Vec<(String, crate::TimeSeries)>> = IndexMap::new();
        let mut contexts: IndexMap<String, StoredContext> = IndexMap::new();
        let mut dataset_ctx = None;
        for part in parts {
            if let Some(ctx) = part.context {
                if dataset_ctx.is_none() {
                    dataset_ctx = ctx.dataset.clone();
                }
                contexts.entry(part.signal.clone()).or_insert(ctx);
            }
            by_signal
                .entry(part.signal)
                .or_default()
                .push((part.full, part.ts));
        }
        let mut signals = Vec::with_capacity(by_signal.len());
        for (signal, series) in by_signal {
            let ctx = contexts.get(&signal).and_then(|c| c.signal.clone());
            let (units, provenance, created, updated) = match ctx {
                Some(c) => (c.units, c.provenance, c.created_on, c.last_updated),
                None => (
                    "unit".to_string(),
                    crate::DataProvenance::unknown(),
                    MetaTime::now(),
                    MetaTime::now(),
                ),
            };
            signals.push(Signal::from_parts(
                &signal, units, provenance, created, updated, series,
            )?);
        }
        let ds = match dataset_ctx {
            Some(c) => Dataset::from_parts(
                name,
                c.description,
                c.owner,
                c.purpose,
                c.project,
                c.created_on,
                c.last_updated,
                signals,
            )?,
            None => Dataset::new(name)?.with_signals(signals)?,
        };
        Ok(ds)
    }
}

/// One stored series on its way into a dataset.
struct StoredPart {
    signal: String,
    full: String,
    ts: crate::TimeSeries,
    context: Option<crate::metadata::StoredContext>,
}

/// The signal and full series name of a `dataset/signal/series` key.
fn signal_and_series(key: &StorageKey) -> (String, String) {
    let mut parts = key.parts().skip(1);
    let signal = parts.next().unwrap_or_default().to_string();
    let short = parts.next().unwrap_or_default();
    let full = format!("{signal}_{short}");
    (signal, full)
}
