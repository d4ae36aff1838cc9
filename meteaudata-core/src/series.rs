//! A named series of values over an [`Index`], held in Arrow arrays, and its conversion to and
//! from an Arrow [`RecordBatch`].

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int32Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, DurationNanosecondArray, Float64Array,
    Int64Array, RecordBatch, StringArray, TimestampNanosecondArray,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use std::collections::HashMap;
use std::sync::Arc;

use crate::index::{Index, IndexData};
use crate::{Error, Result, TimeZone};

/// Schema-metadata keys written by [`Series::to_record_batch`].
pub mod batch_keys {
    /// Index kind: `datetime`, `range`, `int`, `float`, `string`, `categorical`, `timedelta`, `period`.
    pub const INDEX_KIND: &str = "meteaudata:index_kind";
    /// Index frequency string.
    pub const FREQUENCY: &str = "meteaudata:frequency";
    /// Range start / stop / step.
    pub const RANGE: &str = "meteaudata:range";
    /// Whether categories are ordered (`true`/`false`).
    pub const ORDERED: &str = "meteaudata:ordered";
    /// The zone in Python's notation (`UTC-05:00`), when the index is zoned.
    pub const TIME_ZONE: &str = "meteaudata:time_zone";
    /// Column name used for an unnamed index.
    pub const UNNAMED_INDEX: &str = "__index_level_0__";
}

/// A named series: values (an Arrow array) over an [`Index`] of the same length.
///
/// Values may be `Float64`, `Float32`, `Int64`, `Int32`, `Boolean`, `Utf8`, nanosecond
/// timestamps or string dictionaries (categories); nulls mark missing values.
///
/// ```
/// use meteaudata_core::{Series, Index};
/// let s = Series::from_f64("RAW", Index::range(3), vec![1.0, f64::NAN, 3.0]).unwrap();
/// assert_eq!(s.len(), 3);
/// assert_eq!(s.values_dtype(), "float64");
/// let batch = s.to_record_batch();
/// assert_eq!(Series::from_record_batch(&batch).unwrap(), s);
/// ```
#[derive(Debug, Clone)]
pub struct Series {
    name: String,
    index: Index,
    values: ArrayRef,
}

impl PartialEq for Series {
    /// Same name, same index (labels, name, frequency) and equal values (Arrow equality: same
    /// type, same nulls, bit-equal floats, so NaN equals NaN).
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.index == other.index
            && self.values.to_data() == other.values.to_data()
    }
}

fn supported(dt: &DataType) -> bool {
    match dt {
        DataType::Float64
        | DataType::Float32
        | DataType::Int64
        | DataType::Int32
        | DataType::Boolean
        | DataType::Utf8
        | DataType::Timestamp(TimeUnit::Nanosecond, _) => true,
        DataType::Dictionary(k, v) => **k == DataType::Int32 && **v == DataType::Utf8,
        _ => false,
    }
}

impl Series {
    /// A series from any supported Arrow array; the lengths must match.
    pub fn new(name: impl Into<String>, index: Index, values: ArrayRef) -> Result<Self> {
        let name = name.into();
        if !supported(values.data_type()) {
            return Err(Error::invalid_input(format!(
                "series {name:?}: value type {} is not supported (float64, float32, int64, int32, bool, utf8, timestamp[ns], dictionary<int32, utf8>)",
                values.data_type()
            )));
        }
        if index.len() != values.len() {
            return Err(Error::invalid_input(format!(
                "series {name:?}: index has {} labels but there are {} values",
                index.len(),
                values.len()
            )));
        }
        Ok(Series {
            name,
            index,
            values,
        })
    }

    /// A float series.
    pub fn from_f64(name: impl Into<String>, index: Index, values: Vec<f64>) -> Result<Self> {
        Series::new(name, index, Arc::new(Float64Array::from(values)))
    }

    /// An empty float series over an empty range index.
    pub fn empty(name: impl Into<String>) -> Self {
        Series {
            name: name.into(),
            index: Index::range(0),
            values: Arc::new(Float64Array::from(Vec::<f64>::new())),
        }
    }

    /// The series name (a full time-series name once inside a signal).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Renames the series.
    pub fn set_name(&mut self, name: impl Into<String>) {
        self.name = name.into();
    }

    /// The same series under another name.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Mutable access to the index (name, frequency).
    pub fn index_mut(&mut self) -> &mut Index {
        &mut self.index
    }

    /// The values.
    pub fn values(&self) -> &ArrayRef {
        &self.values
    }

    /// The values as floats, when they are `Float64`.
    pub fn f64_values(&self) -> Option<&Float64Array> {
        self.values.as_any().downcast_ref::<Float64Array>()
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The pandas dtype string Python records in `values_dtype`.
    pub fn values_dtype(&self) -> String {
        dtype_name(self.values.data_type(), self.values.null_count() > 0)
    }

    /// A two-column batch: the index (named after the index, or `__index_level_0__`) and the
    /// values (named after the series). Schema metadata records what Arrow types alone cannot:
    /// the index kind, frequency, range bounds, category order and the zone's Python name.
    pub fn to_record_batch(&self) -> RecordBatch {
        use batch_keys::*;
        let index_array = self.index.to_arrow();
        let index_name = self
            .index
            .name()
            .map(str::to_string)
            .unwrap_or_else(|| UNNAMED_INDEX.to_string());
        let meta = index_batch_metadata(&self.index);
        let schema = Schema::new(vec![
            Field::new(index_name, index_array.data_type().clone(), true),
            Field::new(self.name.clone(), self.values.data_type().clone(), true),
        ])
        .with_metadata(meta);
        // Both arrays have the same length and the schema matches them by construction.
        RecordBatch::try_new(Arc::new(schema), vec![index_array, self.values.clone()])
            .unwrap_or_else(|e| unreachable!("series batch is always valid: {e}"))
    }

    /// Rebuilds a series from a batch written by [`Series::to_record_batch`], or from any
    /// two-column batch (index first, values second) whose index kind is inferred from its
    /// Arrow type. Timestamps in other units are converted to nanoseconds.
    pub fn from_record_batch(batch: &RecordBatch) -> Result<Series> {
        use batch_keys::*;
        if batch.num_columns() != 2 {
            return Err(Error::invalid_input(format!(
                "a series batch has 2 columns (index, values), got {}",
                batch.num_columns()
            )));
        }
        let schema = batch.schema();
        let meta = schema.metadata();
        let index_field = schema.field(0);
        let value_field = schema.field(1);
        let index_col = batch.column(0);
        let kind = meta.get(INDEX_KIND).map(String::as_str);
        let bad = |what: &str| Error::Corrupt {
            location: "record batch".into(),
            message: format!("index column does not hold {what}"),
        };
        let data = match (kind, index_col.data_type()) {
            (Some("range"), _) => {
                let parts: Vec<i64> = meta
                    .get(RANGE)
                    .map(|r| r.split(',').filter_map(|p| p.parse().ok()).collect())
                    .unwrap_or_default();
                match parts[..] {
                    [start, stop, step] if step != 0 => IndexData::Range { start, stop, step },
                    _ => return Err(bad("a valid range")),
                }
            }
            (_, DataType::Timestamp(unit, tz)) => {
                let zone = match meta.get(TIME_ZONE).map(String::as_str).or(tz.as_deref()) {
                    Some(z) => Some(z.parse::<TimeZone>()?),
                    None => None,
                };
                IndexData::DateTime {
                    values: timestamps_to_nanos(index_col, unit)?,
                    tz: zone,
                }
            }
            (_, DataType::Duration(TimeUnit::Nanosecond)) => IndexData::Timedelta(
                index_col
                    .as_any()
                    .downcast_ref::<DurationNanosecondArray>()
                    .ok_or_else(|| bad("durations"))?
                    .clone(),
            ),
            (_, DataType::Int64) => IndexData::Int(index_col.as_primitive().clone()),
            (_, DataType::Float64) => IndexData::Float(index_col.as_primitive().clone()),
            (Some("period"), DataType::Utf8) => IndexData::Period(index_col.as_string().clone()),
            (_, DataType::Utf8) => IndexData::String(index_col.as_string().clone()),
            (_, DataType::Dictionary(k, v)) if **k == DataType::Int32 && **v == DataType::Utf8 => {
                IndexData::Categorical {
                    values: index_col
                        .as_any()
                        .downcast_ref::<DictionaryArray<Int32Type>>()
                        .ok_or_else(|| bad("categories"))?
                        .clone(),
                    ordered: meta.get(ORDERED).is_some_and(|o| o == "true"),
                }
            }
            (_, other) => {
                return Err(Error::invalid_input(format!(
                    "index column type {other} is not supported"
                )))
            }
        };
        let mut index = Index::new(data)?;
        if index_field.name() != UNNAMED_INDEX {
            index.set_name(Some(index_field.name().clone()));
        }
        index.set_frequency(meta.get(FREQUENCY).cloned());
        let values = match batch.column(1).data_type() {
            DataType::Timestamp(unit, tz) if *unit != TimeUnit::Nanosecond => {
                Arc::new(timestamps_to_nanos(batch.column(1), unit)?.with_timezone_opt(tz.clone()))
            }
            _ => batch.column(1).clone(),
        };
        Series::new(value_field.name().clone(), index, values)
    }

    /// Boolean values, when they are `Boolean`.
    pub fn bool_values(&self) -> Option<&BooleanArray> {
        self.values.as_any().downcast_ref::<BooleanArray>()
    }

    /// Integer values, when they are `Int64`.
    pub fn i64_values(&self) -> Option<&Int64Array> {
        self.values.as_any().downcast_ref::<Int64Array>()
    }

    /// String values, when they are `Utf8`.
    pub fn str_values(&self) -> Option<&StringArray> {
        self.values.as_any().downcast_ref::<StringArray>()
    }
}

/// The schema metadata [`Series::to_record_batch`] writes for `index` (kind, range bounds,
/// category order, zone, frequency): what Arrow types alone cannot say.
pub fn index_batch_metadata(index: &Index) -> HashMap<String, String> {
    use batch_keys::*;
    let mut meta = HashMap::new();
    let kind = match index.data() {
        IndexData::DateTime { tz, .. } => {
            if let Some(z) = tz {
                meta.insert(TIME_ZONE.to_string(), z.to_string());
            }
            "datetime"
        }
        IndexData::Range { start, stop, step } => {
            meta.insert(RANGE.to_string(), format!("{start},{stop},{step}"));
            "range"
        }
        IndexData::Int(_) => "int",
        IndexData::Float(_) => "float",
        IndexData::String(_) => "string",
        IndexData::Categorical { ordered, .. } => {
            meta.insert(ORDERED.to_string(), ordered.to_string());
            "categorical"
        }
        IndexData::Timedelta(_) => "timedelta",
        IndexData::Period(_) => "period",
    };
    meta.insert(INDEX_KIND.to_string(), kind.to_string());
    if let Some(f) = index.frequency() {
        meta.insert(FREQUENCY.to_string(), f.to_string());
    }
    meta
}

/// The pandas dtype string of values of Arrow type `dt`; `nulls` says whether any is missing
/// (pandas' nullable `Int64` / `boolean` then).
pub fn dtype_name(dt: &DataType, nulls: bool) -> String {
    match dt {
        DataType::Float64 => "float64".into(),
        DataType::Float32 => "float32".into(),
        DataType::Int64 if nulls => "Int64".into(),
        DataType::Int64 => "int64".into(),
        DataType::Int32 if nulls => "Int32".into(),
        DataType::Int32 => "int32".into(),
        DataType::Boolean if nulls => "boolean".into(),
        DataType::Boolean => "bool".into(),
        DataType::Utf8 => "str".into(),
        DataType::Timestamp(_, None) => "datetime64[ns]".into(),
        DataType::Timestamp(_, Some(tz)) => {
            let z = tz.parse::<TimeZone>().map(|z| z.to_string());
            format!("datetime64[ns, {}]", z.unwrap_or_else(|_| tz.to_string()))
        }
        DataType::Dictionary(_, _) => "category".into(),
        other => other.to_string(),
    }
}

fn timestamps_to_nanos(col: &ArrayRef, unit: &TimeUnit) -> Result<TimestampNanosecondArray> {
    let overflow = || Error::invalid_input("timestamp outside the nanosecond range");
    let scale = |v: i64, f: i64| v.checked_mul(f);
    let out: TimestampNanosecondArray = match unit {
        TimeUnit::Nanosecond => col
            .as_primitive::<TimestampNanosecondType>()
            .clone()
            .with_timezone_opt(None::<String>),
        TimeUnit::Microsecond => col
            .as_primitive::<TimestampMicrosecondType>()
            .try_unary(|v| scale(v, 1_000).ok_or(()))
            .map_err(|_| overflow())?,
        TimeUnit::Millisecond => col
            .as_primitive::<TimestampMillisecondType>()
            .try_unary(|v| scale(v, 1_000_000).ok_or(()))
            .map_err(|_| overflow())?,
        TimeUnit::Second => col
            .as_primitive::<TimestampSecondType>()
            .try_unary(|v| scale(v, 1_000_000_000).ok_or(()))
            .map_err(|_| overflow())?,
    };
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::TimestampMicrosecondArray;

    #[test]
    fn length_mismatch_and_bad_type_are_errors() {
        let e = Series::from_f64("x", Index::range(2), vec![1.0]).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        let e = Series::new(
            "x",
            Index::range(1),
            Arc::new(arrow_array::UInt8Array::from(vec![1u8])),
        )
        .unwrap_err();
        assert!(e.to_string().contains("not supported"));
    }

    #[test]
    fn foreign_batches_convert_microseconds() {
        let idx: ArrayRef =
            Arc::new(TimestampMicrosecondArray::from(vec![1_000_000i64]).with_timezone("UTC"));
        let vals: ArrayRef = Arc::new(Float64Array::from(vec![2.5]));
        let batch = RecordBatch::try_from_iter(vec![("time", idx), ("v", vals)]).unwrap();
        let s = Series::from_record_batch(&batch).unwrap();
        assert_eq!(s.index().label(0), "1970-01-01T00:00:01+00:00");
        assert_eq!(s.index().name(), Some("time"));
        assert_eq!(s.name(), "v");
    }

    #[test]
    fn every_index_kind_round_trips_through_a_batch() {
        let cats: DictionaryArray<Int32Type> = vec!["lo", "hi", "lo"].into_iter().collect();
        let kinds = vec![
            Index::range(3).with_name("row"),
            Index::new(IndexData::Range {
                start: 10,
                stop: 16,
                step: 2,
            })
            .unwrap(),
            Index::ints(vec![5, 7, 20]),
            Index::floats(vec![0.5, 1.25, 3.0]),
            Index::strings(&["a", "b", "c"]),
            Index::new(IndexData::Categorical {
                values: cats,
                ordered: true,
            })
            .unwrap(),
            Index::new(IndexData::Timedelta(vec![0i64, 30, 60].into()))
                .unwrap()
                .with_frequency("30s"),
            Index::new(IndexData::Period(
                vec!["2024-01", "2024-02", "2024-03"].into(),
            ))
            .unwrap()
            .with_frequency("M"),
            Index::datetime_nanos(vec![1, 2, 3], Some("Europe/Paris".parse().unwrap()))
                .with_frequency("ns"),
            Index::datetime_nanos(vec![1, 2, 3], Some("UTC-05:00".parse().unwrap())),
        ];
        for idx in kinds {
            let s = Series::from_f64("S#1_RAW#1", idx, vec![1.0, f64::NAN, 3.0]).unwrap();
            let back = Series::from_record_batch(&s.to_record_batch()).unwrap();
            assert_eq!(back, s);
            assert_eq!(back.index().metadata(), s.index().metadata());
        }
    }
}
