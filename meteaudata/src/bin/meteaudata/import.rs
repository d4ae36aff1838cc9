//! `meteaudata import`: CSV files into a dataset, read by [`meteaudata::io::csv`] (delimiter,
//! decimal commas, header, time column and format, column types and DST policies worked out
//! or given). Into a backend, rows are streamed: each value column becomes a series written
//! chunk by chunk (memory holds one chunk of rows), committed when its file ends. Into an
//! archive, the dataset is built in memory.

use anyhow::{bail, Result};
use meteaudata::io::csv::{CsvOptions, CsvReader};
use meteaudata::io::frame::signal_base;
use meteaudata::storage::StorageKey;
use meteaudata::{DataProvenance, Dataset, Series, Signal};
use std::collections::HashMap;
use std::path::Path;

use crate::progress::Progress;

/// What `import` was asked to do.
pub struct ImportArgs<'a> {
    pub files: &'a [std::path::PathBuf],
    pub dataset: &'a str,
    /// How the files are read.
    pub csv: CsvOptions,
    pub units: &'a str,
    pub unit_for: &'a [String],
    pub provenance: DataProvenance,
    pub description: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub purpose: Option<&'a str>,
    pub project: Option<&'a str>,
}

fn parse_unit_map(pairs: &[String]) -> Result<HashMap<String, String>> {
    pairs
        .iter()
        .map(|p| match p.split_once('=') {
            Some((c, u)) => Ok((c.trim().to_string(), u.trim().to_string())),
            None => bail!("--unit expects COLUMN=UNIT, got {p:?}"),
        })
        .collect()
}

/// Opens one CSV file with the options given, the chunk size set for its number of columns.
fn open(path: &Path, args: &ImportArgs<'_>) -> Result<CsvReader> {
    let mut reader = CsvReader::open(path, &args.csv)?;
    let columns = reader.layout().columns.len();
    if columns == 0 {
        bail!(
            "{}: needs a time column and at least one value column",
            path.display()
        );
    }
    reader.set_chunk_rows(chunk_rows(columns));
    Ok(reader)
}

/// One CSV file as (column name, series) pairs, all on the file's time index; `done` bytes of
/// earlier files were read, and the bar follows the bytes read.
fn read_csv(
    path: &Path,
    args: &ImportArgs<'_>,
    bar: &indicatif::ProgressBar,
    done: u64,
) -> Result<Vec<(String, Series)>> {
    let reader = open(path, args)?;
    let names: Vec<String> = reader
        .layout()
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let series = reader.read_all_with(|bytes| bar.set_position(done + bytes))?;
    Ok(names
        .into_iter()
        .zip(series)
        .map(|(n, s)| (n, s.with_name("RAW")))
        .collect())
}

/// Adds one signal per value column of every file to `dataset` (creating it when `None`).
/// With a `backend`, the dataset is attached first, so that the numbers given to the new
/// signals are claimed against it when they are saved (another import running at the same
/// time cannot overwrite them).
pub fn import(
    existing: Option<Dataset>,
    args: &ImportArgs<'_>,
    backend: Option<&meteaudata::storage::SharedBackend>,
    progress: &Progress,
) -> Result<(Dataset, Vec<String>)> {
    let units = parse_unit_map(args.unit_for)?;
    let mut dataset = start_dataset(existing, args)?;
    if let Some(b) = backend {
        dataset.set_backend(b.clone(), false);
    }
    let sizes: Vec<u64> = args
        .files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .collect();
    let bar = progress.bytes(sizes.iter().sum(), "importing");
    let mut added = Vec::new();
    let mut done = 0;
    for (file, size) in args.files.iter().zip(sizes) {
        for (column, series) in read_csv(file, args, &bar, done)? {
            let signal = new_signal(&column, args, &units)?.with_series(series)?;
            added.push(dataset.add(signal)?);
        }
        done += size;
    }
    bar.finish_and_clear();
    Ok((dataset, added))
}

/// Rows per chunk when streaming, for `columns` value columns: about 4 Mi points held.
fn chunk_rows(columns: usize) -> usize {
    ((1usize << 22) / columns.max(1)).clamp(1024, 1 << 16)
}

/// Value columns above which a file is imported in memory (each streamed column keeps a
/// writer, with its own encoder thread, open while the file is read).
pub const MAX_STREAMED_COLUMNS: usize = 256;

/// Streams every file into `backend`: one new signal per value column, its RAW series written
/// chunk by chunk. Returns the dataset (series stored and unloaded) and each new series with
/// its number of points.
pub fn import_streamed(
    existing: Option<Dataset>,
    args: &ImportArgs<'_>,
    backend: &meteaudata::storage::SharedBackend,
    progress: &Progress,
) -> Result<(Dataset, Vec<(String, u64)>)> {
    let units = parse_unit_map(args.unit_for)?;
    let mut dataset = start_dataset(existing, args)?;
    dataset.set_backend(backend.clone(), false);
    let mut added = Vec::new();
    for path in args.files {
        let streamed = stream_file(
            &mut dataset,
            path,
            args,
            &units,
            backend,
            progress,
            &mut added,
        );
        if let Err(e) = streamed {
            // A run that fails leaves nothing behind: the series it stored go again.
            for (series, _) in &added {
                let signal = meteaudata::naming::SeriesName::parse(series).signal;
                if let Ok(key) = StorageKey::for_series(dataset.name(), &signal, series) {
                    if let Err(d) = backend.delete(&key) {
                        tracing::warn!(%key, error = %d, "cannot delete a series of an import that failed");
                    }
                }
            }
            return Err(e);
        }
    }
    Ok((dataset, added))
}

/// The dataset to import into (the existing one, or a new one) with the fields given.
fn start_dataset(existing: Option<Dataset>, args: &ImportArgs<'_>) -> Result<Dataset> {
    let mut dataset = match existing {
        Some(d) => d,
        None => Dataset::new(args.dataset)?,
    };
    apply_fields(&mut dataset, args);
    Ok(dataset)
}

fn apply_fields(dataset: &mut Dataset, args: &ImportArgs<'_>) {
    if let Some(v) = args.description {
        dataset.description = Some(v.into());
    }
    if let Some(v) = args.owner {
        dataset.owner = Some(v.into());
    }
    if let Some(v) = args.purpose {
        dataset.purpose = Some(v.into());
    }
    if let Some(v) = args.project {
        dataset.project = Some(v.into());
    }
}

/// The signal a value column becomes: its base, its unit and the provenance (the column as
/// the parameter unless one was given).
fn new_signal(
    column: &str,
    args: &ImportArgs<'_>,
    units: &HashMap<String, String>,
) -> Result<Signal> {
    let unit = units.get(column).map_or(args.units, String::as_str);
    let mut provenance = args.provenance.clone();
    if provenance.parameter.is_none() {
        provenance.parameter = Some(column.to_string());
    }
    Ok(Signal::new(&signal_base(column), unit)?.with_provenance(provenance))
}

/// Whether a file has at most [`MAX_STREAMED_COLUMNS`] value columns.
pub fn streamable(path: &Path, csv: &CsvOptions) -> Result<bool> {
    Ok(CsvReader::open(path, csv)?.layout().columns.len() <= MAX_STREAMED_COLUMNS)
}

fn stream_file(
    dataset: &mut Dataset,
    path: &Path,
    args: &ImportArgs<'_>,
    units: &HashMap<String, String>,
    backend: &meteaudata::storage::SharedBackend,
    progress: &Progress,
    out: &mut Vec<(String, u64)>,
) -> Result<()> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut reader = open(path, args)?;
    // One signal per value column, then one writer per signal.
    let columns = reader.layout().columns.clone();
    let mut signals = Vec::with_capacity(columns.len());
    for c in &columns {
        signals.push(dataset.add(new_signal(&c.name, args, units)?)?);
    }
    let mut writers = Vec::with_capacity(signals.len());
    for name in &signals {
        writers.push(dataset.signal(name)?.begin_series(backend, "RAW")?);
    }
    let bar = progress.bytes(size, &format!("{}", path.display()));
    while let Some(chunk) = reader.next_chunk()? {
        for (w, s) in writers.iter_mut().zip(chunk.series) {
            w.push(&s.with_name("RAW"))?;
        }
        bar.set_position(chunk.bytes_read);
    }
    bar.finish_and_clear();
    for (name, w) in signals.iter().zip(writers) {
        let points = w.points();
        out.push((dataset.signal_mut(name)?.finish_series(w)?, points));
    }
    Ok(())
}
