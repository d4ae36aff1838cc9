//! `meteaudata export --csv`: every series as a plain CSV file.

use anyhow::{Context, Result};
use arrow_cast_free::value_text;
use meteaudata::Dataset;
use std::path::{Path, PathBuf};

/// Writes `<dir>/<dataset>/<series>.csv` (index label, value) for every series; returns the
/// files written.
pub fn csv_out(datasets: &[Dataset], dir: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for d in datasets {
        let folder = dir.join(d.name());
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        for s in d.signals().values() {
            for (name, ts) in s.time_series() {
                let series = ts.series()?;
                let path = folder.join(format!("{name}.csv"));
                let mut w = csv::Writer::from_path(&path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                w.write_record([series.index().name().unwrap_or(""), name.as_str()])?;
                for i in 0..series.len() {
                    w.write_record([series.index().label(i), value_text(series.values(), i)])?;
                }
                w.flush()?;
                written.push(path);
            }
        }
    }
    Ok(written)
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
