//! The `pandas` entry of the Parquet schema metadata: what pandas (and so Python meteaudata)
//! needs to put the index column back as the index.

use arrow_schema::{DataType, Field, TimeUnit};
use serde_json::{json, Value};

fn pandas_type(dt: &DataType) -> (&'static str, String, Value) {
    match dt {
        DataType::Float64 => ("float64", "float64".into(), Value::Null),
        DataType::Float32 => ("float32", "float32".into(), Value::Null),
        DataType::Int64 => ("int64", "int64".into(), Value::Null),
        DataType::Int32 => ("int32", "int32".into(), Value::Null),
        DataType::Boolean => ("bool", "bool".into(), Value::Null),
        DataType::Utf8 => ("unicode", "object".into(), Value::Null),
        DataType::Timestamp(_, None) => ("datetime", "datetime64[ns]".into(), Value::Null),
        DataType::Timestamp(_, Some(tz)) => (
            "datetimetz",
            "datetime64[ns]".into(),
            json!({ "timezone": tz.to_string() }),
        ),
        DataType::Duration(TimeUnit::Nanosecond) => {
            ("timedelta", "timedelta64[ns]".into(), Value::Null)
        }
        DataType::Dictionary(_, _) => ("categorical", "int32".into(), Value::Null),
        _ => ("object", "object".into(), Value::Null),
    }
}

/// The `pandas` JSON for a frame with one value column and one index column.
pub fn pandas_metadata(
    value: &Field,
    index: &Field,
    index_name: Option<&str>,
    ordered: bool,
) -> String {
    let column = |f: &Field, name: Value| {
        let (pt, nt, mut meta) = pandas_type(f.data_type());
        if pt == "categorical" {
            meta = json!({ "num_categories": Value::Null, "ordered": ordered });
        }
        json!({
            "name": name,
            "field_name": f.name(),
            "pandas_type": pt,
            "numpy_type": nt,
            "metadata": meta,
        })
    };
    let doc = json!({
        "index_columns": [index.name()],
        "column_indexes": [{
            "name": Value::Null,
            "field_name": Value::Null,
            "pandas_type": "unicode",
            "numpy_type": "object",
            "metadata": { "encoding": "UTF-8" },
        }],
        "columns": [
            column(value, Value::String(value.name().clone())),
            column(index, index_name.map_or(Value::Null, |n| Value::String(n.to_string()))),
        ],
        "creator": { "library": "meteaudata-rs", "version": env!("CARGO_PKG_VERSION") },
        "pandas_version": "2.2.0",
    });
    doc.to_string()
}

/// What a foreign file's `pandas` entry says about its index.
#[derive(Debug, Clone, PartialEq)]
pub enum PandasIndex {
    /// The index is the named column.
    Column(String),
    /// A range index stored as a descriptor (no column).
    Range {
        /// Start.
        start: i64,
        /// Stop (exclusive).
        stop: i64,
        /// Step.
        step: i64,
        /// Index name.
        name: Option<String>,
    },
}

/// Reads the index description of a `pandas` metadata entry.
pub fn pandas_index(json_text: &str) -> Option<PandasIndex> {
    let v: Value = serde_json::from_str(json_text).ok()?;
    let first = v.get("index_columns")?.as_array()?.first()?.clone();
    match first {
        Value::String(col) => Some(PandasIndex::Column(col)),
        Value::Object(m) if m.get("kind").and_then(Value::as_str) == Some("range") => {
            Some(PandasIndex::Range {
                start: m.get("start")?.as_i64()?,
                stop: m.get("stop")?.as_i64()?,
                step: m.get("step")?.as_i64()?,
                name: m.get("name").and_then(Value::as_str).map(str::to_string),
            })
        }
        _ => None,
    }
}
