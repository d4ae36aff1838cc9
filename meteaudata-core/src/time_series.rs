//! A series together with its full processing history and recorded metadata, optionally
//! attached to a storage backend (and then possibly unloaded from memory).

use std::sync::{Arc, OnceLock};

use crate::storage::{SharedBackend, StorageKey};
use crate::{Error, IndexMetadata, MetaTime, ProcessingStep, Result, Series};

/// Where the data of a time series is.
#[derive(Debug, Clone)]
enum Data {
    /// In memory.
    Loaded(Box<Series>),
    /// Only in the attached backend; loaded (and cached) on first access.
    Unloaded(Arc<OnceLock<Series>>),
}

/// The backend a time series was saved to, and its key there.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub(crate) backend: SharedBackend,
    pub(crate) key: StorageKey,
}

/// A [`Series`] with everything needed to know how it was made: its full processing history
/// (inputs' steps first, its own last), the [`IndexMetadata`] and values dtype Python records,
/// an external `metadata_id` and its creation time.
///
/// Once saved to a backend, a time series may be [unloaded](TimeSeries::unload): its data is
/// dropped from memory and read back from the backend on first access.
///
/// ```
/// use meteaudata_core::{TimeSeries, Series, Index};
/// let ts = TimeSeries::new(Series::from_f64("RAW", Index::range(2), vec![1.0, 2.0]).unwrap());
/// assert_eq!(ts.values_dtype(), "float64");
/// assert_eq!(ts.index_metadata().index_type, "RangeIndex");
/// assert!(ts.processing_steps.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct TimeSeries {
    name: String,
    data: Data,
    /// Full history, oldest first.
    pub processing_steps: Vec<ProcessingStep>,
    index_metadata: IndexMetadata,
    values_dtype: String,
    /// Key in an external metadata system; storage backends may assign it.
    pub metadata_id: Option<String>,
    /// When this time series was created.
    pub created_on: MetaTime,
    storage: Option<Attachment>,
    /// The document last written to (or read from) the attached key, while the data is
    /// unchanged since: a save that would write the same again is skipped.
    saved: Option<Box<crate::metadata::TimeSeriesMetadata>>,
    /// The number in this series' name was allocated while a backend was attached: its first
    /// save there claims the key ([`StorageBackend::create`]), so that two writers adding
    /// the same number to a shared store cannot overwrite each other.
    claim: bool,
}

impl PartialEq for TimeSeries {
    /// Equal names, data (loaded from the backend if needed; a load failure compares unequal),
    /// history and recorded metadata. The backend attachment is not compared.
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.processing_steps == other.processing_steps
            && self.index_metadata == other.index_metadata
            && self.values_dtype == other.values_dtype
            && self.metadata_id == other.metadata_id
            && self.created_on == other.created_on
            && matches!((self.series(), other.series()), (Ok(a), Ok(b)) if a == b)
    }
}

impl TimeSeries {
    /// A new time series with no history, created now.
    pub fn new(series: Series) -> Self {
        let index_metadata = series.index().metadata();
        let values_dtype = series.values_dtype();
        TimeSeries {
            name: series.name().to_string(),
            data: Data::Loaded(Box::new(series)),
            processing_steps: Vec::new(),
            index_metadata,
            values_dtype,
            metadata_id: None,
            created_on: MetaTime::now(),
            storage: None,
            saved: None,
            claim: false,
        }
    }

    /// Sets the history, builder style.
    pub fn with_steps(mut self, steps: Vec<ProcessingStep>) -> Self {
        self.processing_steps = steps;
        self
    }

    /// Rebuilds a time series exactly as recorded (used by loaders): the recorded index
    /// metadata and dtype are kept as written, even when they name another pandas flavour
    /// (`datetime64[us]`, `object`).
    pub fn from_parts(
        series: Series,
        processing_steps: Vec<ProcessingStep>,
        index_metadata: IndexMetadata,
        values_dtype: String,
        metadata_id: Option<String>,
        created_on: MetaTime,
    ) -> Self {
        TimeSeries {
            name: series.name().to_string(),
            data: Data::Loaded(Box::new(series)),
            processing_steps,
            index_metadata,
            values_dtype,
            metadata_id,
            created_on,
            storage: None,
            saved: None,
            claim: false,
        }
    }

    /// A time series whose data is only in `backend` under `key`, where it was just written
    /// with `metadata` (what a streamed process produces); it is read on first access.
    pub(crate) fn stored(
        name: &str,
        backend: &SharedBackend,
        key: StorageKey,
        metadata: crate::metadata::TimeSeriesMetadata,
    ) -> Self {
        TimeSeries {
            name: name.to_string(),
            data: Data::Unloaded(Arc::new(OnceLock::new())),
            processing_steps: metadata.processing_steps.clone(),
            index_metadata: metadata
                .index_metadata
                .clone()
                .unwrap_or_else(|| Series::empty(name).index().metadata()),
            values_dtype: metadata.values_dtype.clone(),
            metadata_id: metadata.metadata_id.clone(),
            created_on: metadata.created_on.unwrap_or_else(MetaTime::now),
            storage: Some(Attachment {
                backend: Arc::clone(backend),
                key,
            }),
            saved: Some(Box::new(metadata)),
            claim: false,
        }
    }

    /// Whether the stored copy under the attached key is this series exactly: saved (or
    /// loaded) and neither data nor metadata changed since. `context` is what a save would store
    /// beside the metadata.
    pub fn is_saved(&self, context: Option<&crate::metadata::StoredContext>) -> bool {
        match (&self.saved, &self.storage) {
            (Some(saved), Some(_)) => {
                let mut meta = self.metadata();
                meta.context = context.cloned();
                **saved == meta
            }
            _ => false,
        }
    }

    /// Whether the data is unchanged since it was saved to (or loaded from) the attached key,
    /// so that the stored points are these points.
    pub fn data_is_stored(&self) -> bool {
        self.saved.is_some() && self.storage.is_some()
    }

    /// Records that the attached key holds this series with `metadata` (as just read).
    pub(crate) fn mark_saved(&mut self, metadata: crate::metadata::TimeSeriesMetadata) {
        self.saved = Some(Box::new(metadata));
    }

    /// The newest stored version of this series' key whose content hash is `hash`, when it
    /// is attached to a backend with versions. A backend that cannot list them now gives
    /// `None` (logged): the version is a convenience beside the hash, never needed.
    pub(crate) fn stored_version(&self, hash: &crate::ContentHash) -> Option<u64> {
        let (backend, key) = self.attachment()?;
        if !backend.capabilities().versions {
            return None;
        }
        match backend.list_versions(key) {
            Ok(versions) => versions
                .iter()
                .rev()
                .find(|v| v.hash == *hash)
                .map(|v| v.version),
            Err(e) => {
                tracing::warn!(key = %key, error = %e, "cannot list versions to pin an input");
                None
            }
        }
    }

    /// The attached backend and key.
    pub(crate) fn attachment(&self) -> Option<(&SharedBackend, &StorageKey)> {
        self.storage.as_ref().map(|a| (&a.backend, &a.key))
    }

    /// The data. When the series was unloaded it is read from its backend now (and kept);
    /// that read can fail, hence the `Result`.
    pub fn series(&self) -> Result<&Series> {
        match &self.data {
            Data::Loaded(s) => Ok(s),
            Data::Unloaded(cell) => {
                if let Some(s) = cell.get() {
                    return Ok(s);
                }
                let att = self.storage.as_ref().ok_or_else(|| {
                    Error::invalid_input(format!("{}: data unloaded without a backend", self.name))
                })?;
                let (mut series, _) = att.backend.load(&att.key)?;
                series.set_name(&self.name);
                let _ = cell.set(series);
                cell.get().ok_or_else(|| {
                    Error::invalid_input(format!("{}: data could not be cached", self.name))
                })
            }
        }
    }

    /// Replaces the data; index metadata and dtype are recomputed from it.
    pub fn set_series(&mut self, mut series: Series) {
        self.index_metadata = series.index().metadata();
        self.values_dtype = series.values_dtype();
        series.set_name(&self.name);
        self.data = Data::Loaded(Box::new(series));
        self.saved = None;
    }

    /// Takes the data out (reading it from the backend if it was unloaded).
    pub fn into_series(self) -> Result<Series> {
        match self.data {
            Data::Loaded(s) => Ok(*s),
            Data::Unloaded(_) => {
                let s = self.series()?.clone();
                Ok(s)
            }
        }
    }

    /// The full name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn set_name(&mut self, name: &str) {
        if self.name != name {
            self.saved = None;
        }
        self.name = name.to_string();
        match &mut self.data {
            Data::Loaded(s) => s.set_name(name),
            Data::Unloaded(cell) => {
                if let Some(mut s) = Arc::make_mut(cell).take() {
                    s.set_name(name);
                    self.data = Data::Loaded(Box::new(s));
                }
            }
        }
    }

    /// What Python records about the index.
    pub fn index_metadata(&self) -> &IndexMetadata {
        &self.index_metadata
    }

    /// The pandas dtype string of the values.
    pub fn values_dtype(&self) -> &str {
        &self.values_dtype
    }

    /// Removes steps equal (every field) to an earlier one, keeping the first.
    pub fn remove_duplicated_steps(&mut self) -> &mut Self {
        dedup_steps(&mut self.processing_steps);
        self
    }

    /// Whether the data is in memory.
    pub fn is_loaded(&self) -> bool {
        match &self.data {
            Data::Loaded(_) => true,
            Data::Unloaded(cell) => cell.get().is_some(),
        }
    }

    /// The key this series was saved under, when it was saved to a backend.
    pub fn storage_key(&self) -> Option<&StorageKey> {
        self.storage.as_ref().map(|a| &a.key)
    }

    /// Saves data and metadata to `backend` under `key` and remembers the attachment.
    /// `context` (the owning signal's and dataset's fields) is stored with the metadata.
    pub fn save_to(
        &mut self,
        backend: &SharedBackend,
        key: StorageKey,
        context: Option<crate::metadata::StoredContext>,
    ) -> Result<()> {
        self.save_claiming(backend, key, context).map(|_| ())
    }

    /// [`TimeSeries::save_to`]; returns whether the save claimed the key (created it).
    pub(crate) fn save_claiming(
        &mut self,
        backend: &SharedBackend,
        key: StorageKey,
        context: Option<crate::metadata::StoredContext>,
    ) -> Result<bool> {
        let same_place = self
            .storage
            .as_ref()
            .is_some_and(|a| Arc::ptr_eq(&a.backend, backend) && a.key == key);
        if same_place && self.is_saved(context.as_ref()) {
            return Ok(false);
        }
        let mut meta = self.metadata();
        meta.context = context;
        let claimed = self.claim && !same_place;
        if claimed {
            backend.create(&key, self.series()?, &meta)?;
        } else {
            backend.save(&key, self.series()?, &meta)?;
        }
        self.claim = false;
        self.storage = Some(Attachment {
            backend: Arc::clone(backend),
            key,
        });
        self.saved = Some(Box::new(meta));
        Ok(claimed)
    }

    /// Takes back a claiming save whose key was deleted again (the call it belonged to
    /// failed): the series is as before that save, unsaved and still to claim its key.
    pub(crate) fn unclaim(&mut self) {
        self.storage = None;
        self.saved = None;
        self.claim = true;
    }

    /// Sets whether the first save creates the key (see [`TimeSeries::claim_on_save`]).
    pub(crate) fn set_claim(&mut self, claim: bool) {
        self.claim = claim;
    }

    /// Marks the number in this series' name as newly allocated: its first save to a backend
    /// creates the key and fails with [`Conflict`](crate::ErrorKind::Conflict) if another
    /// writer holds it by then.
    pub(crate) fn claim_on_save(&mut self) {
        self.claim = true;
    }

    /// Replaces data and metadata with what `backend` holds under `key`; returns false (and
    /// changes nothing) when the key does not exist.
    pub fn load_from(&mut self, backend: &SharedBackend, key: StorageKey) -> Result<bool> {
        if !backend.exists(&key)? {
            return Ok(false);
        }
        let (mut series, meta) = backend.load(&key)?;
        series.set_name(&self.name);
        let saved = meta.clone();
        self.processing_steps = meta.processing_steps;
        self.index_metadata = meta
            .index_metadata
            .unwrap_or_else(|| series.index().metadata());
        self.values_dtype = meta.values_dtype;
        self.metadata_id = meta.metadata_id;
        if let Some(c) = meta.created_on {
            self.created_on = c;
        }
        self.data = Data::Loaded(Box::new(series));
        self.storage = Some(Attachment {
            backend: Arc::clone(backend),
            key,
        });
        self.saved = Some(Box::new(saved));
        Ok(true)
    }

    /// Remembers that this series is stored in `backend` under `key` (without writing). The
    /// stored copy is not assumed to be this series: the next save writes it.
    pub fn attach(&mut self, backend: &SharedBackend, key: StorageKey) {
        self.storage = Some(Attachment {
            backend: Arc::clone(backend),
            key,
        });
        self.saved = None;
    }

    /// Drops the data from memory when the backend holds it unchanged; it is read back on first
    /// access. Returns whether it was unloaded (a series never saved, or changed since its
    /// save, stays in memory).
    pub fn unload(&mut self) -> bool {
        // Only data the backend holds as it is: unloading a changed series would lose the
        // change (the next access would read the stale stored copy).
        if !self.data_is_stored() {
            return false;
        }
        self.data = Data::Unloaded(Arc::new(OnceLock::new()));
        true
    }
}

/// Removes steps equal to an earlier one, keeping first occurrences in order.
pub(crate) fn dedup_steps(steps: &mut Vec<ProcessingStep>) {
    let mut kept: Vec<ProcessingStep> = Vec::with_capacity(steps.len());
    for s in steps.drain(..) {
        if !kept.contains(&s) {
            kept.push(s);
        }
    }
    *steps = kept;
}
