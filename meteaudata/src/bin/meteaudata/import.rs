//! `meteaudata import`: CSV files into a dataset. Into a backend, rows are streamed: each value
//! column becomes a series written chunk by chunk (memory holds one chunk of rows), committed
//! when its file ends. Into an archive, the dataset is built in memory.

use anyhow::{bail, Context, Result};
use meteaudata::{
    parse_float, DataProvenance, Dataset, Index, Series, Signal, TimeZone, Timestamp,
};
use std::collections::HashMap;
use std::path::Path;

use crate::progress::Progress;

/// What `import` was asked to do.
pub struct ImportArgs<'a> {
    pub files: &'a [std::path::PathBuf],
    pub dataset: &'a str,
    pub time_column: Option<&'a str>,
    pub tz: Option<&'a str>,
    pub units: &'a str,
    pub unit_for: &'a [String],
    pub provenance: DataProvenance,
    pub description: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub purpose: Option<&'a str>,
    pub project: Option<&'a str>,
    pub delimiter: u8,
}

/// A CSV column name as a signal base: characters the name grammar reserves become `-`.
pub fn signal_base(column: &str) -> String {
    let cleaned: String = column
        .trim()
        .chars()
        .map(|c| {
            if matches!(c, '_' | '#' | '/' | '\\') || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    if cleaned.is_empty() {
        "value".into()
    } else {
        cleaned
    }
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

/// One CSV file as (column name, series) pairs, all on the file's time index.
fn read_csv(
    path: &Path,
    args: &ImportArgs<'_>,
    zone: Option<TimeZone>,
) -> Result<Vec<(String, Series)>> {
    let (mut reader, headers) = open_csv(path, args.delimiter)?;
    let time_col = time_column(path, &headers, args)?;
    let mut times = Vec::new();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); headers.len()];
    let mut aware = false;
    for (row, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", path.display(), row + 2))?;
        let text = record.get(time_col).unwrap_or("");
        let ts = Timestamp::parse(text, zone).with_context(|| {
            format!(
                "{}: row {}: bad timestamp {text:?}",
                path.display(),
                row + 2
            )
        })?;
        aware |= ts.tz.is_some();
        times.push(ts.nanos);
        for (c, field) in record.iter().enumerate() {
            if c == time_col {
                continue;
            }
            let v = parse_value(path, row + 2, &headers[c], field)?;
            values[c].push(v);
        }
    }
    // Offsets in the text without --tz: keep the instants, in UTC.
    let tz = zone.or(if aware { Some(TimeZone::Utc) } else { None });
    let mut out = Vec::new();
    for (c, h) in headers.iter().enumerate() {
        if c == time_col {
            continue;
        }
        let index = Index::datetime_nanos(times.clone(), tz).with_name(headers[time_col].trim());
        let series = Series::from_f64("RAW", index, std::mem::take(&mut values[c]))?;
        out.push((h.trim().to_string(), series));
    }
    Ok(out)
}

/// Adds one signal per value column of every file to `dataset` (creating it when `None`).
pub fn import(
    existing: Option<Dataset>,
    args: &ImportArgs<'_>,
    progress: &Progress,
) -> Result<(Dataset, Vec<String>)> {
    let zone = args.tz.map(|z| z.parse::<TimeZone>()).transpose()?;
    let units = parse_unit_map(args.unit_for)?;
    let mut dataset = start_dataset(existing, args)?;
    let bar = progress.bar(args.files.len() as u64, "importing");
    let mut added = Vec::new();
    for file in args.files {
        for (column, series) in read_csv(file, args, zone)? {
            let signal = new_signal(&column, args, &units)?.with_series(series)?;
            added.push(dataset.add(signal)?);
        }
        bar.inc(1);
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
    let zone = args.tz.map(|z| z.parse::<TimeZone>()).transpose()?;
    let units = parse_unit_map(args.unit_for)?;
    let mut dataset = start_dataset(existing, args)?;
    dataset.set_backend(backend.clone(), false);
    let mut added = Vec::new();
    for path in args.files {
        added.extend(stream_file(
            &mut dataset,
            path,
            args,
            zone,
            &units,
            backend,
            progress,
        )?);
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

/// Opens a CSV file and reads its header line.
fn open_csv(path: &Path, delimiter: u8) -> Result<(csv::Reader<std::fs::File>, csv::StringRecord)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header line", path.display()))?
        .clone();
    Ok((reader, headers))
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

/// The position of the time column (the header must also have a value column).
fn time_column(path: &Path, headers: &csv::StringRecord, args: &ImportArgs<'_>) -> Result<usize> {
    let time_col = match args.time_column {
        Some(name) => headers
            .iter()
            .position(|h| h.trim() == name)
            .with_context(|| {
                format!(
                    "{}: no column {name:?} (columns: {})",
                    path.display(),
                    headers.iter().collect::<Vec<_>>().join(", ")
                )
            })?,
        None => 0,
    };
    if headers.len() < 2 {
        bail!(
            "{}: needs a time column and at least one value column",
            path.display()
        );
    }
    Ok(time_col)
}

/// Whether a file has at most [`MAX_STREAMED_COLUMNS`] value columns.
pub fn streamable(path: &Path, delimiter: u8) -> Result<bool> {
    let (_, headers) = open_csv(path, delimiter)?;
    Ok(headers.len() <= MAX_STREAMED_COLUMNS + 1)
}

fn parse_value(path: &Path, row: usize, column: &str, field: &str) -> Result<f64> {
    let f = field.trim();
    if f.is_empty() || f.eq_ignore_ascii_case("na") || f.eq_ignore_ascii_case("null") {
        return Ok(f64::NAN);
    }
    parse_float(f).with_context(|| {
        format!(
            "{}: row {row}, column {column:?}: {f:?} is not a number",
            path.display()
        )
    })
}

fn stream_file(
    dataset: &mut Dataset,
    path: &Path,
    args: &ImportArgs<'_>,
    zone: Option<TimeZone>,
    units: &HashMap<String, String>,
    backend: &meteaudata::storage::SharedBackend,
    progress: &Progress,
) -> Result<Vec<(String, u64)>> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let (mut reader, headers) = open_csv(path, args.delimiter)?;
    let time_col = time_column(path, &headers, args)?;
    let value_cols: Vec<usize> = (0..headers.len()).filter(|&c| c != time_col).collect();
    // One signal per value column, then one writer per signal.
    let mut signals = Vec::with_capacity(value_cols.len());
    for &c in &value_cols {
        signals.push(dataset.add(new_signal(headers[c].trim(), args, units)?)?);
    }
    let mut writers = Vec::with_capacity(signals.len());
    for name in &signals {
        writers.push(dataset.signal(name)?.begin_series(backend, "RAW")?);
    }
    let rows_per_chunk = chunk_rows(value_cols.len());
    let bar = progress.bytes(size, &format!("{}", path.display()));
    let time_name = headers[time_col].trim().to_string();
    let mut times: Vec<i64> = Vec::with_capacity(rows_per_chunk);
    let mut values: Vec<Vec<f64>> = vec![Vec::with_capacity(rows_per_chunk); value_cols.len()];
    let mut tz: Option<Option<TimeZone>> = None;
    let mut pushed = false;
    let flush = |times: &mut Vec<i64>,
                 values: &mut Vec<Vec<f64>>,
                 tz: Option<TimeZone>,
                 writers: &mut Vec<meteaudata::SeriesInProgress<'_>>|
     -> Result<()> {
        let index = Index::datetime_nanos(std::mem::take(times), tz).with_name(&time_name);
        for (w, v) in writers.iter_mut().zip(values.iter_mut()) {
            w.push(&Series::from_f64("RAW", index.clone(), std::mem::take(v))?)?;
        }
        Ok(())
    };
    let mut record = csv::StringRecord::new();
    let mut row = 1usize;
    loop {
        let more = reader
            .read_record(&mut record)
            .with_context(|| format!("{}: row {}", path.display(), row + 1))?;
        if !more {
            break;
        }
        row += 1;
        let text = record.get(time_col).unwrap_or("");
        let ts = Timestamp::parse(text, zone)
            .with_context(|| format!("{}: row {row}: bad timestamp {text:?}", path.display()))?;
        // Offsets in the text without --tz: the instants, in UTC. Every row must agree.
        let row_tz = zone.or(ts.tz.map(|_| TimeZone::Utc));
        match tz {
            None => tz = Some(row_tz),
            Some(t) if t.is_some() != row_tz.is_some() => bail!(
                "{}: row {row}: {text:?} {} a UTC offset but the first row {}",
                path.display(),
                if ts.tz.is_some() { "has" } else { "has no" },
                if ts.tz.is_some() {
                    "has none"
                } else {
                    "has one"
                }
            ),
            Some(_) => {}
        }
        times.push(ts.nanos);
        for (k, &c) in value_cols.iter().enumerate() {
            values[k].push(parse_value(
                path,
                row,
                &headers[c],
                record.get(c).unwrap_or(""),
            )?);
        }
        if times.len() == rows_per_chunk {
            flush(&mut times, &mut values, tz.flatten(), &mut writers)?;
            pushed = true;
            bar.set_position(reader.position().byte());
        }
    }
    if !times.is_empty() || !pushed {
        flush(&mut times, &mut values, tz.flatten(), &mut writers)?;
    }
    bar.finish_and_clear();
    let mut out = Vec::with_capacity(signals.len());
    for (name, w) in signals.iter().zip(writers) {
        let points = w.points();
        out.push((dataset.signal_mut(name)?.finish_series(w)?, points));
    }
    Ok(out)
}
