//! [`Signal::process`] on stored series: inputs are scanned from their backend a chunk at a
//! time, run through a [`StreamTransform`], and written into the signal's backend by a
//! [`SeriesWriter`](crate::storage::SeriesWriter), so neither input nor output is ever whole in
//! memory. The outputs, their names and their histories are those of the in-memory path.

use crate::naming::SeriesName;
use crate::signal::OutputNamer;
use crate::storage::{
    ChunkShape, SeriesWriter, SharedBackend, StorageKey, TimeRange, DEFAULT_CHUNK_POINTS,
};
use crate::streaming::{StreamInput, StreamTransform};
use crate::time_series::dedup_steps;
use crate::{Error, MetaTime, ProcessOptions, Result, Series, Signal, Streaming, TimeSeries};

/// One output being written: its key in the signal, its storage key, the writer and the
/// shape of what was pushed.
struct Pending<'a> {
    name: String,
    key: StorageKey,
    writer: Box<dyn SeriesWriter + 'a>,
    shape: Option<ChunkShape>,
    /// The key is new: the writer creates it (see [`StorageBackend::create_writer`]).
    new: bool,
}

impl Signal {
    /// Whether `process` streams these inputs: the signal has a backend, and every input is
    /// stored unchanged and unloaded (or, with [`Streaming::Above`], large enough).
    pub(crate) fn can_stream(&self, input_names: &[&str], options: &ProcessOptions) -> bool {
        if self.backend.is_none() || input_names.is_empty() {
            return false;
        }
        input_names.iter().all(|n| {
            let Ok(ts) = self.get(n) else { return false };
            if !ts.data_is_stored() {
                return false;
            }
            match options.streaming {
                Streaming::Never => false,
                Streaming::Unloaded => !ts.is_loaded(),
                Streaming::Above(n) => !ts.is_loaded() || ts.series().is_ok_and(|s| s.len() >= n),
            }
        })
    }

    /// The streamed form of [`Signal::process`]: every output is written to the backend and
    /// committed only once all of them were computed, so a failure leaves the signal and the
    /// stored series as they were.
    pub(crate) fn process_streamed(
        &mut self,
        input_names: &[&str],
        transform: &dyn StreamTransform,
        options: &ProcessOptions,
    ) -> Result<Option<Vec<String>>> {
        Signal::check_output_names(options, input_names.len())?;
        let backend = self.require_backend()?;
        let dataset = self.dataset_name().unwrap_or("default").to_string();
        let chunk = if options.chunk_points == 0 {
            DEFAULT_CHUNK_POINTS
        } else {
            options.chunk_points
        };
        let all: Vec<String> = input_names.iter().map(|s| s.to_string()).collect();
        // Every input must stream, or none does.
        let mut processors = Vec::with_capacity(input_names.len());
        for name in input_names {
            let ts = self.get(name)?;
            let input = StreamInput {
                name,
                all_inputs: &all,
                values_dtype: ts.values_dtype(),
            };
            match transform.start(&input)? {
                Some(p) => processors.push(p),
                None => {
                    tracing::info!(
                        series = %name,
                        "this transform cannot stream this series; computing it in memory"
                    );
                    return Ok(None);
                }
            }
        }
        let mut namer = OutputNamer::default();
        let mut done: Vec<(Pending<'_>, Vec<crate::ProcessingStep>)> = Vec::new();
        // Input points read, over every input (for the progress hook).
        let mut points_read = 0u64;
        let mut hashes: Vec<crate::PinnedInput> = Vec::with_capacity(input_names.len());
        for (i, (name, processor)) in input_names.iter().zip(processors).enumerate() {
            let ts = self.get(name)?;
            let (src, src_key) = ts
                .attachment()
                .ok_or_else(|| Error::invalid_input(format!("{name}: not stored")))?;
            let scan = src.scan(src_key, TimeRange::default(), chunk)?;
            let mut pending: Option<Pending<'_>> = None;
            let mut sink = |out: Series| -> Result<()> {
                if pending.is_none() {
                    let base = match &options.output_names {
                        Some(names) => names[i].clone(),
                        None => SeriesName::parse(out.name()).base,
                    };
                    let key = self.output_key(&mut namer, &base, options.overwrite)?;
                    let storage_key = StorageKey::for_series(&dataset, self.name(), &key)?;
                    // A new key (a new number, or the first of its base even with
                    // `overwrite`) is claimed against the store at the commit.
                    let new = !self.time_series.contains_key(&key);
                    let writer = if new {
                        backend.create_writer(&storage_key)?
                    } else {
                        backend.writer(&storage_key)?
                    };
                    pending = Some(Pending {
                        name: key,
                        key: storage_key,
                        writer,
                        shape: None,
                        new,
                    });
                }
                let p = pending
                    .as_mut()
                    .ok_or_else(|| Error::invalid_input("no pending output"))?;
                let mut out = out;
                out.set_name(&p.name);
                ChunkShape::track(&mut p.shape, &out)?;
                p.writer.push(&out)
            };
            let read = &mut points_read;
            // The input's content hash, chunk by chunk, for the steps to pin.
            let mut hasher = crate::ContentHasher::new();
            let mut hash_error = None;
            let scan = scan.inspect(|c| {
                if let Ok(c) = c {
                    if let Err(e) = hasher.update(c) {
                        hash_error.get_or_insert(e);
                    }
                    if let Some(h) = &options.progress {
                        *read += c.len() as u64;
                        h.report(*read);
                    }
                }
            });
            let steps = crate::streaming::run_chunks(processor, scan, &mut sink)?;
            if let Some(e) = hash_error {
                return Err(e);
            }
            hashes.push(crate::PinnedInput::of(
                name,
                hasher.finish(),
                self.time_series.get(*name),
            ));
            let p = pending.ok_or_else(|| {
                Error::invalid_input(format!(
                    "{name}: the streaming transform emitted no output chunk"
                ))
            })?;
            done.push((p, steps));
        }

        // Every output is computed: commit them, then record them.
        let context = self.stored_context(self.dataset_context.clone());
        let history: Vec<_> = input_names
            .iter()
            .flat_map(|n| self.time_series[*n].processing_steps.iter().cloned())
            .collect();
        let mut planned = Vec::with_capacity(done.len());
        for (p, own) in done {
            let mut steps = history.clone();
            for mut step in own {
                if step.input_series_names.is_empty() {
                    step.input_series_names = all.clone();
                }
                step.pin(&hashes);
                steps.push(step);
            }
            dedup_steps(&mut steps);
            let shape = p
                .shape
                .ok_or_else(|| Error::invalid_input(format!("{}: no output chunk", p.name)))?;
            let base = crate::metadata::TimeSeriesMetadata {
                created_on: Some(MetaTime::now()),
                index_metadata: None,
                metadata_id: self.metadata_id_for(&p.name, &backend),
                processing_steps: steps,
                values_dtype: String::new(),
                context: Some(context.clone()),
            };
            let meta = shape.metadata(base);
            if let Err(e) = p.writer.commit(&meta) {
                // The outputs committed before under new numbers go again: a failed call
                // leaves nothing behind.
                for (_, key, _, new) in &planned {
                    if *new {
                        if let Err(d) = backend.delete(key) {
                            tracing::warn!(%key, error = %d, "cannot delete an output of a process call that failed");
                        }
                    }
                }
                return Err(e);
            }
            planned.push((p.name, p.key, meta, p.new));
        }
        let keys: Vec<String> = planned.iter().map(|(n, _, _, _)| n.clone()).collect();
        for (name, key, meta, _) in planned {
            let ts = TimeSeries::stored(&name, &backend, key, meta);
            self.time_series.insert(name, ts);
        }
        if self.auto_save {
            self.save_all(None)?;
            self.unload();
        }
        Ok(Some(keys))
    }
}

/// A new series of a signal being written chunk by chunk straight into a backend (see
/// [`Signal::begin_series`]). Dropping it without [`Signal::finish_series`] writes nothing.
pub struct SeriesInProgress<'b> {
    name: String,
    key: StorageKey,
    backend: &'b SharedBackend,
    writer: Box<dyn SeriesWriter + 'b>,
    shape: Option<ChunkShape>,
}

impl std::fmt::Debug for SeriesInProgress<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeriesInProgress")
            .field("name", &self.name)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl SeriesInProgress<'_> {
    /// The full name the series will have (`A#1_RAW#1`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Points pushed so far.
    pub fn points(&self) -> u64 {
        self.shape.as_ref().map_or(0, ChunkShape::len)
    }

    /// Adds the points of `chunk` (its name is replaced by the series name).
    pub fn push(&mut self, chunk: &Series) -> Result<()> {
        let chunk = chunk.clone().with_name(self.name.as_str());
        ChunkShape::track(&mut self.shape, &chunk)?;
        self.writer.push(&chunk)
    }
}

impl Signal {
    /// Starts a new series with base `base` (`RAW`, numbered like [`Signal::add`]) written
    /// chunk by chunk into `backend`, so that a series larger than memory can be created (an
    /// import, a generator). Push its chunks, then hand it to [`Signal::finish_series`], which
    /// commits it and adds it to the signal, stored and unloaded.
    ///
    /// ```
    /// use meteaudata_core::storage::{MemoryBackend, SharedBackend};
    /// use meteaudata_core::{Index, Series, Signal};
    /// use std::sync::Arc;
    /// let backend: SharedBackend = Arc::new(MemoryBackend::new());
    /// let mut signal = Signal::new("Flow", "m3/h")?;
    /// signal.set_backend(backend.clone(), false);
    /// let mut s = signal.begin_series(&backend, "RAW")?;
    /// for start in [0i64, 3] {
    ///     let index = Index::datetime_nanos((start..start + 3).collect(), None);
    ///     s.push(&Series::from_f64("chunk", index, vec![1.0, 2.0, 3.0])?)?;
    /// }
    /// let name = signal.finish_series(s)?;
    /// assert_eq!(name, "Flow#1_RAW#1");
    /// let ts = signal.get(&name)?;
    /// assert!(!ts.is_loaded());
    /// assert_eq!(ts.series()?.len(), 6);
    /// # Ok::<(), meteaudata_core::Error>(())
    /// ```
    pub fn begin_series<'b>(
        &self,
        backend: &'b SharedBackend,
        base: &str,
    ) -> Result<SeriesInProgress<'b>> {
        crate::naming::validate_base("series base", base)?;
        let number = self.max_number(base).unwrap_or(0) + 1;
        let name = crate::naming::series_name(self.name(), base, number);
        let dataset = self.dataset_name().unwrap_or("default").to_string();
        let key = StorageKey::for_series(&dataset, self.name(), &name)?;
        // A new number: claimed against the store at the commit.
        let writer = backend.create_writer(&key)?;
        Ok(SeriesInProgress {
            name,
            key,
            backend,
            writer,
            shape: None,
        })
    }

    /// Commits a series started with [`Signal::begin_series`] (with no history, created now)
    /// and adds it, stored and unloaded; returns its full name. A series with no chunk pushed
    /// is an [`InvalidInput`](crate::ErrorKind::InvalidInput) error (push an empty chunk for an
    /// empty series).
    pub fn finish_series(&mut self, series: SeriesInProgress<'_>) -> Result<String> {
        let SeriesInProgress {
            name,
            key,
            backend,
            writer,
            shape,
        } = series;
        if self.time_series.contains_key(&name) {
            return Err(Error::Conflict(format!(
                "signal {:?} already has a time series {name:?}",
                self.name()
            )));
        }
        let shape = shape.ok_or_else(|| {
            Error::invalid_input(format!(
                "{name}: no chunk was pushed (push an empty one for an empty series)"
            ))
        })?;
        let base = crate::metadata::TimeSeriesMetadata {
            created_on: Some(MetaTime::now()),
            index_metadata: None,
            metadata_id: self.metadata_id_for(&name, backend),
            processing_steps: Vec::new(),
            values_dtype: String::new(),
            context: Some(self.stored_context(self.dataset_context.clone())),
        };
        let meta = shape.metadata(base);
        writer.commit(&meta)?;
        let ts = TimeSeries::stored(&name, backend, key, meta);
        self.time_series.insert(name.clone(), ts);
        Ok(name)
    }
}
