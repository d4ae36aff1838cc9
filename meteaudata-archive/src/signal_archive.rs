//! A signal as archive files: `<signal>_metadata.yaml` and `<signal>_data/<series>.csv`
//! (written under a prefix inside dataset archives), and back.

use meteaudata_core::metadata::{to_sorted_yaml, SignalMetadata, TimeSeriesMetadata};
use meteaudata_core::{Error, Result, Signal, TimeSeries};
use std::fs;
use std::path::Path;

use crate::errors::in_file;
use crate::options::ExportOptions;
use crate::python_view::{python_index_metadata, python_last_updated};
use crate::record::{signal_record, Headers, SeriesRecord, SignalRecord, RECORD_KEY};
use crate::series_csv::{read_csv, write_csv, ReadSpec};
use crate::sink::{check_component, Sink};
use crate::values::dictionary_strings;

/// File name of a signal's metadata document.
pub(crate) fn metadata_file(signal: &str) -> String {
    format!("{signal}_metadata.yaml")
}

/// Folder name of a signal's CSV files.
pub(crate) fn data_dir(signal: &str) -> String {
    format!("{signal}_data")
}

/// Writes the CSV files and the metadata document of `signal` under `prefix` (empty, or
/// `<dataset>_data/`), and returns the document as a YAML value (for dataset documents).
pub(crate) fn write_signal(
    sink: &mut dyn Sink,
    prefix: &str,
    signal: &Signal,
    opts: &ExportOptions,
) -> Result<serde_yaml::Value> {
    let name = signal.name();
    check_component(name, "signal name")?;
    let keys: Vec<&str> = signal.all_time_series();
    let mut series = Vec::with_capacity(keys.len());
    for k in &keys {
        check_component(&format!("{k}.csv"), "series name")?;
        series.push(signal.get(k)?.series()?);
    }
    let index_names: Vec<Option<&str>> = series.iter().map(|s| s.index().name()).collect();
    let headers = opts.headers(name, &signal.units, &index_names, &keys)?;
    let defaults = ExportOptions::new().headers(name, &signal.units, &index_names, &keys)?;

    let mut meta: SignalMetadata = signal.metadata();
    let mut record = SignalRecord::new();
    if opts.separator_char() != ',' {
        record.separator = Some(opts.separator_char().to_string());
    }
    if let Some(stand_in) = python_last_updated(signal.last_updated) {
        record.last_updated = Some(signal.last_updated);
        meta.last_updated = stand_in;
    }
    sink.add_dir(&format!("{prefix}{}", data_dir(name)))?;
    for (i, key) in keys.iter().enumerate() {
        let (idx_head, val_head) = &headers[i];
        let (text, zone_text) = write_csv(series[i], idx_head, val_head, opts.separator_char())?;
        sink.add(
            &format!("{prefix}{}/{key}.csv", data_dir(name)),
            text.as_bytes(),
        )?;
        let ts: &TimeSeries = signal.get(key)?;
        let mut rec = SeriesRecord::default();
        if idx_head.len() > 1 {
            rec.header_lines = Some(idx_head.len());
        }
        if headers[i] != defaults[i] {
            rec.headers = Some(Headers {
                index: idx_head.clone(),
                values: val_head.clone(),
            });
        }
        if let Some(doc) = meta.time_series.get_mut(*key) {
            adapt_series(doc, ts, zone_text, &mut rec)?;
        }
        if let Some(dict) = series[i]
            .values()
            .as_any()
            .downcast_ref::<arrow_array::DictionaryArray<arrow_array::types::Int32Type>>()
        {
            let cats = dictionary_strings(dict)?;
            rec.categories = Some(cats.into_iter().map(Option::unwrap_or_default).collect());
        }
        if !rec.is_empty() {
            record.series.insert(key.to_string(), rec);
        }
    }
    let mut doc = serde_yaml::to_value(&meta).map_err(|e| Error::parse("signal metadata", e))?;
    let rec_value = serde_yaml::to_value(&record).map_err(|e| Error::parse("archive record", e))?;
    if let serde_yaml::Value::Mapping(m) = &mut doc {
        m.insert(RECORD_KEY.into(), rec_value);
    }
    let yaml = to_sorted_yaml(&doc)?;
    sink.add(&format!("{prefix}{}", metadata_file(name)), yaml.as_bytes())?;
    Ok(doc)
}

/// Puts the Python-readable index metadata in `doc`, keeping the exact one in `rec`.
fn adapt_series(
    doc: &mut TimeSeriesMetadata,
    ts: &TimeSeries,
    zone_text: crate::text::ZoneText,
    rec: &mut SeriesRecord,
) -> Result<()> {
    let exact = ts.index_metadata();
    let index = ts.series()?.index();
    let python = python_index_metadata(exact, index, zone_text);
    if &python != exact {
        rec.index_metadata = Some(exact.clone());
        doc.index_metadata = Some(python);
    }
    Ok(())
}

/// Reads a signal from its metadata document text and its data folder.
pub(crate) fn read_signal(yaml: &str, yaml_file: &Path, data: &Path) -> Result<Signal> {
    let label = yaml_file.display().to_string();
    let record = signal_record(yaml, &label)?;
    let meta = SignalMetadata::from_yaml(yaml).map_err(|e| in_file(&label, e))?;
    signal_from_metadata(meta, record.as_ref(), data, &label)
}

/// Builds a signal from its parsed document, its record (when written by us) and its data
/// folder.
pub(crate) fn signal_from_metadata(
    mut meta: SignalMetadata,
    record: Option<&SignalRecord>,
    data: &Path,
    label: &str,
) -> Result<Signal> {
    if let Some(t) = record.and_then(|r| r.last_updated) {
        meta.last_updated = t;
    }
    let separator = match record {
        Some(r) => Some(r.separator(label)?),
        None => None,
    };
    meta.into_signal(|key, doc| {
        let rec = record.and_then(|r| r.series.get(key));
        read_series(data, key, doc, rec, separator, record.is_some())
    })
    .map_err(|e| in_file(label, e))
}

fn read_series(
    data: &Path,
    key: &str,
    mut doc: TimeSeriesMetadata,
    rec: Option<&SeriesRecord>,
    separator: Option<char>,
    ours: bool,
) -> Result<TimeSeries> {
    check_component(&format!("{key}.csv"), "series name")?;
    let path = data.join(format!("{key}.csv"));
    let file = path.display().to_string();
    let text = match fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| Error::parse(&file, "the file is not UTF-8 text"))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::not_found("data file", file, Vec::<String>::new()))
        }
        Err(e) => return Err(Error::io(&path, e)),
    };
    if let Some(exact) = rec.and_then(|r| r.index_metadata.clone()) {
        doc.index_metadata = Some(exact);
    }
    let header_lines = match rec.and_then(|r| r.header_lines) {
        Some(n) => Some(n),
        None if ours => Some(1),
        None => None,
    };
    let spec = ReadSpec {
        file: &file,
        key,
        separator,
        header_lines,
        index_metadata: doc.index_metadata.as_ref(),
        values_dtype: &doc.values_dtype,
        categories: rec.and_then(|r| r.categories.as_deref()),
    };
    let series = read_csv(&text, &spec)?;
    Ok(doc.into_time_series(series))
}
