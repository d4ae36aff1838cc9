//! The JSON form (Python's `model_dump_json`), with the data, made lossless.
//!
//! Python writes a series as `{name, index, data, dtype}` where `data` maps label → value and
//! the index is never rebuilt on reading (bug M10). We write the same object plus a `values`
//! list (one entry per point, `null` for missing, `"NaN"`/`"inf"`/`"-inf"` for non-finite
//! floats), and read the index back through its recorded [`IndexMetadata`](crate::IndexMetadata), so index kind,
//! zone, frequency, duplicates and nanoseconds survive.
//!
//! ```
//! use meteaudata_core::{TimeSeries, Series, Index};
//! let ts = TimeSeries::new(Series::from_f64("A#1_RAW#1", Index::ints(vec![5, 7]), vec![1.5, f64::NAN]).unwrap());
//! let text = ts.to_json().unwrap();
//! assert_eq!(TimeSeries::from_json(&text).unwrap(), ts);
//! ```

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Int32Type, Int64Type, TimestampNanosecondType};
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Float32Array, Float64Array, Int32Array,
    Int64Array, StringArray, TimestampNanosecondArray,
};
use arrow_schema::DataType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;

use crate::index::IndexData;
use crate::metadata::{DatasetDoc, SignalDoc, TimeSeriesMetadata};
use crate::tz::{TimeZone, Timestamp};
use crate::{Dataset, Error, Index, Result, Series, Signal, TimeSeries};

/// A series in JSON: Python's four keys plus our exact `values` list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesJson {
    /// Full name.
    pub name: String,
    /// Index labels.
    pub index: Vec<Value>,
    /// label → value (Python's form; duplicate labels collapse).
    #[serde(default)]
    pub data: Map<String, Value>,
    /// pandas dtype.
    pub dtype: String,
    /// One value per point (ours; preferred on reading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
}

/// A time series in JSON: the series plus its metadata fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeSeriesJson {
    /// The data.
    pub series: SeriesJson,
    /// The metadata.
    #[serde(flatten)]
    pub meta: TimeSeriesMetadata,
}

fn float_json(x: f64) -> Value {
    if x.is_finite() {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    } else if x.is_nan() {
        Value::String("NaN".into())
    } else if x > 0.0 {
        Value::String("inf".into())
    } else {
        Value::String("-inf".into())
    }
}

fn label_json(index: &Index, i: usize) -> Value {
    match index.data() {
        IndexData::Range { start, step, .. } => Value::from(crate::range_label(*start, *step, i)),
        IndexData::Int(a) => Value::from(a.value(i)),
        IndexData::Float(a) => float_json(a.value(i)),
        IndexData::String(a) | IndexData::Period(a) if a.is_null(i) => Value::Null,
        _ => Value::String(index.label(i)),
    }
}

fn value_json(values: &ArrayRef, i: usize) -> Value {
    if values.is_null(i) {
        return Value::Null;
    }
    match values.data_type() {
        DataType::Float64 => float_json(
            values
                .as_primitive::<arrow_array::types::Float64Type>()
                .value(i),
        ),
        DataType::Float32 => float_json(values.as_primitive::<Float32Type>().value(i) as f64),
        DataType::Int64 => Value::from(values.as_primitive::<Int64Type>().value(i)),
        DataType::Int32 => Value::from(values.as_primitive::<Int32Type>().value(i)),
        DataType::Boolean => Value::Bool(values.as_boolean().value(i)),
        DataType::Utf8 => Value::String(values.as_string::<i32>().value(i).to_string()),
        DataType::Timestamp(_, tz) => {
            let zone = tz.as_deref().and_then(|z| z.parse::<TimeZone>().ok());
            Value::String(
                Timestamp {
                    nanos: values.as_primitive::<TimestampNanosecondType>().value(i),
                    tz: zone,
                }
                .to_iso(),
            )
        }
        DataType::Dictionary(_, _) => {
            let d = values.as_dictionary::<Int32Type>();
            let key = d.keys().value(i) as usize;
            Value::String(d.values().as_string::<i32>().value(key).to_string())
        }
        _ => Value::Null,
    }
}

impl SeriesJson {
    /// The JSON form of a series.
    pub fn from_series(s: &Series) -> Self {
        let n = s.len();
        let index: Vec<Value> = (0..n).map(|i| label_json(s.index(), i)).collect();
        let values: Vec<Value> = (0..n).map(|i| value_json(s.values(), i)).collect();
        let mut data = Map::new();
        for (l, v) in index.iter().zip(&values) {
            let key = match l {
                Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            let v = match v {
                Value::String(t) if s.f64_values().is_some() && !t.is_empty() => Value::Null,
                other => other.clone(),
            };
            data.insert(key, v);
        }
        SeriesJson {
            name: s.name().to_string(),
            index,
            data,
            dtype: s.values_dtype(),
            values: Some(values),
        }
    }

    /// Rebuilds the series, with the index described by `meta` (or inferred from the labels
    /// when there is none).
    pub fn to_series(&self, meta: Option<&crate::IndexMetadata>) -> Result<Series> {
        let texts: Vec<Option<String>> = self
            .index
            .iter()
            .map(|v| match v {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
            .collect();
        let refs: Vec<Option<&str>> = texts.iter().map(|t| t.as_deref()).collect();
        let index = match meta {
            Some(m) => Index::from_text_labels(m, &refs)?,
            None => Index::strings(&refs.iter().map(|t| t.unwrap_or("")).collect::<Vec<_>>()),
        };
        let vals: Vec<Value> = match &self.values {
            Some(v) => v.clone(),
            None => self
                .index
                .iter()
                .map(|l| {
                    let key = match l {
                        Value::String(t) => t.clone(),
                        other => other.to_string(),
                    };
                    self.data.get(&key).cloned().unwrap_or(Value::Null)
                })
                .collect(),
        };
        let array = values_from_json(&self.dtype, &vals)?;
        Series::new(self.name.clone(), index, array)
    }
}

fn json_f64(v: &Value) -> Result<Option<f64>> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) => crate::index_text::parse_float(s)
            .map(Some)
            .ok_or_else(|| Error::parse("JSON value", format!("{s:?} is not a number"))),
        other => Err(Error::parse(
            "JSON value",
            format!("{other} is not a number"),
        )),
    }
}

fn values_from_json(dtype: &str, vals: &[Value]) -> Result<ArrayRef> {
    let bad = |v: &Value, what: &str| Error::parse("JSON value", format!("{v} is not {what}"));
    let d = dtype.to_ascii_lowercase();
    let array: ArrayRef = if d.starts_with("float32") {
        let v = vals
            .iter()
            .map(|x| json_f64(x).map(|o| o.map(|f| f as f32)))
            .collect::<Result<Vec<_>>>()?;
        Arc::new(Float32Array::from(v))
    } else if d.starts_with("float") {
        let v = vals.iter().map(json_f64).collect::<Result<Vec<_>>>()?;
        Arc::new(Float64Array::from(v))
    } else if d == "int32" {
        let v = vals
            .iter()
            .map(|x| match x {
                Value::Null => Ok(None),
                _ => x
                    .as_i64()
                    .and_then(|i| i32::try_from(i).ok())
                    .map(Some)
                    .ok_or_else(|| bad(x, "an int32")),
            })
            .collect::<Result<Vec<_>>>()?;
        Arc::new(Int32Array::from(v))
    } else if d.starts_with("int") || d.starts_with("uint") {
        let v = vals
            .iter()
            .map(|x| match x {
                Value::Null => Ok(None),
                _ => x.as_i64().map(Some).ok_or_else(|| bad(x, "an integer")),
            })
            .collect::<Result<Vec<_>>>()?;
        Arc::new(Int64Array::from(v))
    } else if d == "bool" || d == "boolean" {
        let v = vals
            .iter()
            .map(|x| match x {
                Value::Null => Ok(None),
                Value::Bool(b) => Ok(Some(*b)),
                _ => Err(bad(x, "a boolean")),
            })
            .collect::<Result<Vec<_>>>()?;
        Arc::new(BooleanArray::from(v))
    } else if d.starts_with("datetime64") {
        let zone = dtype
            .split_once(", ")
            .map(|(_, z)| z.trim_end_matches(']').parse::<TimeZone>())
            .transpose()?;
        let v = vals
            .iter()
            .map(|x| match x {
                Value::Null => Ok(None),
                Value::String(s) => Timestamp::parse(s, zone).map(|t| Some(t.nanos)),
                _ => Err(bad(x, "a timestamp")),
            })
            .collect::<Result<Vec<_>>>()?;
        Arc::new(TimestampNanosecondArray::from(v).with_timezone_opt(zone.map(|z| z.arrow_name())))
    } else if d == "category" {
        let v: DictionaryArray<Int32Type> = vals
            .iter()
            .map(|x| match x {
                Value::String(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        Arc::new(v)
    } else {
        let v = vals
            .iter()
            .map(|x| match x {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
            .collect::<Vec<_>>();
        Arc::new(StringArray::from(v))
    };
    Ok(array)
}

fn ts_json(ts: &TimeSeries) -> Result<TimeSeriesJson> {
    Ok(TimeSeriesJson {
        series: SeriesJson::from_series(ts.series()?),
        meta: ts.metadata(),
    })
}

fn ts_from_json(doc: TimeSeriesJson) -> Result<TimeSeries> {
    let series = doc.series.to_series(doc.meta.index_metadata.as_ref())?;
    Ok(doc.meta.into_time_series(series))
}

fn to_text<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string_pretty(v).map_err(|e| Error::parse("JSON", e))
}

fn from_text<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::parse(what, e))
}

impl TimeSeries {
    /// The JSON form (data included).
    pub fn to_json(&self) -> Result<String> {
        to_text(&ts_json(self)?)
    }
    /// Reads the JSON form (ours or Python's).
    pub fn from_json(text: &str) -> Result<TimeSeries> {
        ts_from_json(from_text("time-series JSON", text)?)
    }
}

impl Signal {
    /// The JSON form (data included).
    pub fn to_json(&self) -> Result<String> {
        to_text(&self.to_doc(ts_json)?)
    }
    /// Reads the JSON form (ours or Python's).
    pub fn from_json(text: &str) -> Result<Signal> {
        let doc: SignalDoc<TimeSeriesJson> = from_text("signal JSON", text)?;
        doc.into_signal(|_, d| ts_from_json(d))
    }
}

impl Dataset {
    /// The JSON form (data included).
    pub fn to_json(&self) -> Result<String> {
        to_text(&self.to_doc(ts_json)?)
    }
    /// Reads the JSON form (ours or Python's).
    pub fn from_json(text: &str) -> Result<Dataset> {
        let doc: DatasetDoc<TimeSeriesJson> = from_text("dataset JSON", text)?;
        doc.into_dataset(|_, _, d| ts_from_json(d))
    }
}
