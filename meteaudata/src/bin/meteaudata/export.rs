//! `meteaudata export`: every series as a plain CSV file (`--csv`), or copied into another
//! backend; stored series stream chunk by chunk.

use anyhow::{Context, Result};
use arrow_cast_free::value_text;
use meteaudata::storage::{SharedBackend, TimeRange};
use meteaudata::Dataset;

use crate::chunks::{chunks, CHUNK};
use crate::progress::Progress;
use std::path::{Path, PathBuf};

/// Writes `<dir>/<dataset>/<series>.csv` (index label, value) for every series, streaming
/// stored series chunk by chunk; returns the files written.
pub fn csv_out(datasets: &[Dataset], dir: &Path, progress: &Progress) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for d in datasets {
        let folder = dir.join(d.name());
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        for s in d.signals().values() {
            for (name, ts) in s.time_series() {
                let path = folder.join(format!("{name}.csv"));
                let mut w = csv::Writer::from_path(&path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                w.write_record([
                    ts.index_metadata().name.as_deref().unwrap_or(""),
                    name.as_str(),
                ])?;
                let bar = progress.spinner_points(name);
                for chunk in chunks(d, ts)? {
                    let series = chunk?;
                    for i in 0..series.len() {
                        w.write_record([series.index().label(i), value_text(series.values(), i)])?;
                    }
                    bar.inc(series.len() as u64);
                }
                bar.finish_and_clear();
                w.flush()?;
                written.push(path);
            }
        }
    }
    Ok(written)
}

/// Copies every series of `dataset` (stored in `source`) into `dest` chunk by chunk, with its
/// stored metadata; each copy is atomic. Series not stored unchanged are saved from memory.
pub fn copy_streamed(
    dataset: &mut Dataset,
    source: &SharedBackend,
    dest: &SharedBackend,
    progress: &Progress,
) -> Result<usize> {
    let mut copied = 0;
    let mut in_memory = false;
    for s in dataset.signals().values() {
        for (name, ts) in s.time_series() {
            let Some(key) = ts.storage_key().filter(|_| ts.data_is_stored()) else {
                in_memory = true;
                continue;
            };
            let scan = source.scan(key, TimeRange::default(), CHUNK)?;
            let meta = scan.metadata().clone();
            let mut writer = dest.writer(key)?;
            let bar = progress.spinner_points(name);
            for chunk in scan {
                let chunk = chunk?;
                bar.inc(chunk.len() as u64);
                writer.push(&chunk)?;
            }
            writer
                .commit(&meta)
                .with_context(|| format!("cannot write {key}"))?;
            bar.finish_and_clear();
            copied += 1;
        }
    }
    if in_memory {
        dataset.set_backend(dest.clone(), false);
        dataset.save_all()?;
    }
    Ok(copied)
}

/// Formatting of one value without a formatting dependency.
mod arrow_cast_free {
    use meteaudata::arrow_array::cast::AsArray;
    use meteaudata::arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type};
    use meteaudata::arrow_array::{Array, ArrayRef};
    use meteaudata::arrow_schema::DataType;

    /// The text of value `i`: empty for missing, shortest round-trip for floats.
    pub fn value_text(values: &ArrayRef, i: usize) -> String {
        if values.is_null(i) {
            return String::new();
        }
        match values.data_type() {
            DataType::Float64 => {
                let v = values.as_primitive::<Float64Type>().value(i);
                if v.is_nan() {
                    String::new()
                } else {
                    format!("{v:?}")
                }
            }
            DataType::Float32 => format!("{:?}", values.as_primitive::<Float32Type>().value(i)),
            DataType::Int64 => values.as_primitive::<Int64Type>().value(i).to_string(),
            DataType::Int32 => values.as_primitive::<Int32Type>().value(i).to_string(),
            DataType::Boolean => if values.as_boolean().value(i) {
                "True"
            } else {
                "False"
            }
            .to_string(),
            DataType::Utf8 => values.as_string::<i32>().value(i).to_string(),
            _ => String::new(),
        }
    }
}
