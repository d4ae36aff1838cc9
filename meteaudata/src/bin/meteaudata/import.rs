//! `meteaudata import`: CSV files into a dataset.

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
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(args.delimiter)
        .flexible(false)
        .from_path(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header line", path.display()))?
        .clone();
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
            let f = field.trim();
            let v =
                if f.is_empty() || f.eq_ignore_ascii_case("na") || f.eq_ignore_ascii_case("null") {
                    f64::NAN
                } else {
                    parse_float(f).with_context(|| {
                        format!(
                            "{}: row {}, column {:?}: {f:?} is not a number",
                            path.display(),
                            row + 2,
                            &headers[c]
                        )
                    })?
                };
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
    let mut dataset = match existing {
        Some(d) => d,
        None => Dataset::new(args.dataset)?,
    };
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
    let bar = progress.bar(args.files.len() as u64, "importing");
    let mut added = Vec::new();
    for file in args.files {
        for (column, series) in read_csv(file, args, zone)? {
            let unit = units.get(&column).map_or(args.units, String::as_str);
            let mut provenance = args.provenance.clone();
            if provenance.parameter.is_none() {
                provenance.parameter = Some(column.clone());
            }
            let signal = Signal::new(&signal_base(&column), unit)?
                .with_provenance(provenance)
                .with_series(series)?;
            added.push(dataset.add(signal)?);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok((dataset, added))
}
