//! Turning a [`Series`] into rows of the points table and back, losslessly.
//!
//! Each point is one row `(pos, t, label, v, v_bits, vi, vs)`:
//!
//! * the index label goes to `t` (datetimes and durations as nanoseconds, integers, range
//!   labels, category codes, and float labels as their IEEE bits) or to `label` (strings,
//!   periods);
//! * the value goes to `v` (floats the database holds exactly), `v_bits` (NaN, ±inf and -0.0 as
//!   IEEE bits, since SQLite and MySQL cannot store them), `vi` (integers, booleans, timestamps,
//!   category codes) or `vs` (text).
//!
//! What the columns alone cannot say (index kind, name, frequency, zone, range bounds,
//! categories, value type) is the [`Layout`], stored as JSON next to the series.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type, TimestampNanosecondType};
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, DurationNanosecondArray, Float32Array,
    Float64Array, Int32Array, Int64Array, StringArray, TimestampNanosecondArray,
};
use arrow_buffer::{NullBuffer, NullBufferBuilder, ScalarBuffer};
use arrow_schema::{DataType, TimeUnit};
use meteaudata_core::{Error, Index, IndexData, Result, Series, TimeZone};
use serde::{Deserialize, Serialize};

/// The kind of an index, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum IndexKind {
    Datetime,
    Range,
    Int,
    Float,
    String,
    Categorical,
    Timedelta,
    Period,
}

impl IndexKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IndexKind::Datetime => "datetime",
            IndexKind::Range => "range",
            IndexKind::Int => "int",
            IndexKind::Float => "float",
            IndexKind::String => "string",
            IndexKind::Categorical => "categorical",
            IndexKind::Timedelta => "timedelta",
            IndexKind::Period => "period",
        }
    }

    fn uses_text(self) -> bool {
        matches!(self, IndexKind::String | IndexKind::Period)
    }
}

/// The kind of the values, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ValueKind {
    Float64,
    Float32,
    Int64,
    Int32,
    Bool,
    Utf8,
    Timestamp,
    Category,
}

/// What the point columns cannot say about the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct IndexLayout {
    pub kind: IndexKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    /// Zone of a datetime index, Python notation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    /// `[start, stop, step]` of a range index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[i64; 3]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Option<String>>>,
}

/// What the point columns cannot say about the values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ValueLayout {
    pub kind: ValueKind,
    /// Arrow zone string of timestamp values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Option<String>>>,
}

/// The stored description of a series' types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Layout {
    pub index: IndexLayout,
    pub values: ValueLayout,
}

impl Layout {
    pub(crate) fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::parse("series layout", e))
    }

    pub(crate) fn from_json(location: &str, text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::Corrupt {
            location: location.to_string(),
            message: format!("unreadable layout {text:?}: {e}"),
        })
    }
}

fn dictionary_strings(dict: &DictionaryArray<Int32Type>) -> Result<Vec<Option<String>>> {
    let values = dict
        .values()
        .as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| Error::invalid_input("categories must be strings"))?;
    Ok(values.iter().map(|s| s.map(str::to_string)).collect())
}

/// How the index labels are written.
enum IndexEnc<'a> {
    Range { start: i64, step: i64 },
    I64(&'a [i64], Option<&'a NullBuffer>),
    F64(&'a Float64Array),
    Text(&'a StringArray),
    Codes(&'a Int32Array),
}

/// How the values are written.
enum ValEnc<'a> {
    F64(&'a Float64Array),
    F32(&'a Float32Array),
    I64(&'a [i64], Option<&'a NullBuffer>),
    I32(&'a Int32Array),
    Bool(&'a BooleanArray),
    Text(&'a StringArray),
    Codes(&'a Int32Array),
}

/// One point as columns.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Row<'a> {
    pub t: Option<i64>,
    pub label: Option<&'a str>,
    pub v: Option<f64>,
    pub v_bits: Option<i64>,
    pub vi: Option<i64>,
    pub vs: Option<&'a str>,
}

/// A series ready to be written: its layout and a row accessor.
pub(crate) struct Encoded<'a> {
    pub layout: Layout,
    len: usize,
    index: IndexEnc<'a>,
    values: ValEnc<'a>,
}

fn valid(nulls: Option<&NullBuffer>, i: usize) -> bool {
    nulls.is_none_or(|n| n.is_valid(i))
}

/// Splits a float into what the `v` column can hold and the bits of what it cannot.
pub(crate) fn split_f64(x: f64) -> (Option<f64>, Option<i64>) {
    if x.is_finite() && !(x == 0.0 && x.is_sign_negative()) {
        (Some(x), None)
    } else {
        (None, Some(x.to_bits() as i64))
    }
}

fn split_f32(x: f32) -> (Option<f64>, Option<i64>) {
    if x.is_finite() && !(x == 0.0 && x.is_sign_negative()) {
        (Some(f64::from(x)), None)
    } else {
        (None, Some(i64::from(x.to_bits())))
    }
}

impl<'a> Encoded<'a> {
    /// Prepares `series` for writing.
    pub(crate) fn new(series: &'a Series) -> Result<Self> {
        let idx = series.index();
        let mut il = IndexLayout {
            kind: IndexKind::Int,
            name: idx.name().map(str::to_string),
            frequency: idx.frequency().map(str::to_string),
            tz: None,
            range: None,
            ordered: None,
            categories: None,
        };
        let index = match idx.data() {
            IndexData::DateTime { values, tz } => {
                il.kind = IndexKind::Datetime;
                il.tz = tz.map(|z| z.to_string());
                IndexEnc::I64(&values.values()[..], values.nulls())
            }
            IndexData::Range { start, stop, step } => {
                il.kind = IndexKind::Range;
                il.range = Some([*start, *stop, *step]);
                IndexEnc::Range {
                    start: *start,
                    step: *step,
                }
            }
            IndexData::Int(a) => IndexEnc::I64(&a.values()[..], a.nulls()),
            IndexData::Float(a) => {
                il.kind = IndexKind::Float;
                IndexEnc::F64(a)
            }
            IndexData::String(a) => {
                il.kind = IndexKind::String;
                IndexEnc::Text(a)
            }
            IndexData::Period(a) => {
                il.kind = IndexKind::Period;
                IndexEnc::Text(a)
            }
            IndexData::Categorical { values, ordered } => {
                il.kind = IndexKind::Categorical;
                il.ordered = Some(*ordered);
                il.categories = Some(dictionary_strings(values)?);
                IndexEnc::Codes(values.keys())
            }
            IndexData::Timedelta(a) => {
                il.kind = IndexKind::Timedelta;
                IndexEnc::I64(&a.values()[..], a.nulls())
            }
            other => {
                return Err(Error::Unsupported(format!(
                    "the SQL backend cannot store this index kind: {other:?}"
                )))
            }
        };
        let arr = series.values();
        let mut vl = ValueLayout {
            kind: ValueKind::Float64,
            tz: None,
            categories: None,
        };
        let values = match arr.data_type() {
            DataType::Float64 => ValEnc::F64(arr.as_primitive::<Float64Type>()),
            DataType::Float32 => {
                vl.kind = ValueKind::Float32;
                ValEnc::F32(arr.as_primitive::<Float32Type>())
            }
            DataType::Int64 => {
                vl.kind = ValueKind::Int64;
                let a = arr.as_primitive::<Int64Type>();
                ValEnc::I64(&a.values()[..], a.nulls())
            }
            DataType::Int32 => {
                vl.kind = ValueKind::Int32;
                ValEnc::I32(arr.as_primitive::<Int32Type>())
            }
            DataType::Boolean => {
                vl.kind = ValueKind::Bool;
                ValEnc::Bool(arr.as_boolean())
            }
            DataType::Utf8 => {
                vl.kind = ValueKind::Utf8;
                ValEnc::Text(arr.as_string::<i32>())
            }
            DataType::Timestamp(TimeUnit::Nanosecond, tz) => {
                vl.kind = ValueKind::Timestamp;
                vl.tz = tz.as_ref().map(|z| z.to_string());
                let a = arr.as_primitive::<TimestampNanosecondType>();
                ValEnc::I64(&a.values()[..], a.nulls())
            }
            DataType::Dictionary(k, v) if **k == DataType::Int32 && **v == DataType::Utf8 => {
                vl.kind = ValueKind::Category;
                let d = arr.as_dictionary::<Int32Type>();
                vl.categories = Some(dictionary_strings(d)?);
                ValEnc::Codes(d.keys())
            }
            other => {
                return Err(Error::Unsupported(format!(
                    "the SQL backend cannot store {other} values"
                )))
            }
        };
        Ok(Encoded {
            layout: Layout {
                index: il,
                values: vl,
            },
            len: series.len(),
            index,
            values,
        })
    }

    /// Whether a row may use the text columns (`label`, `vs`).
    #[allow(dead_code)] // unused when only PostgreSQL (COPY) is compiled in
    pub(crate) fn has_text(&self) -> bool {
        matches!(self.index, IndexEnc::Text(_)) || matches!(self.values, ValEnc::Text(_))
    }

    /// Number of points.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The columns of point `i` (`i < len`).
    #[inline]
    pub(crate) fn row(&self, i: usize) -> Row<'a> {
        let mut r = Row::default();
        match &self.index {
            IndexEnc::Range { start, step } => r.t = Some(start + i as i64 * step),
            IndexEnc::I64(v, n) => r.t = valid(*n, i).then(|| v[i]),
            IndexEnc::F64(a) => r.t = a.is_valid(i).then(|| a.value(i).to_bits() as i64),
            IndexEnc::Text(a) => r.label = a.is_valid(i).then(|| a.value(i)),
            IndexEnc::Codes(a) => r.t = a.is_valid(i).then(|| i64::from(a.value(i))),
        }
        match &self.values {
            ValEnc::F64(a) => {
                if a.is_valid(i) {
                    (r.v, r.v_bits) = split_f64(a.value(i));
                }
            }
            ValEnc::F32(a) => {
                if a.is_valid(i) {
                    (r.v, r.v_bits) = split_f32(a.value(i));
                }
            }
            ValEnc::I64(v, n) => r.vi = valid(*n, i).then(|| v[i]),
            ValEnc::I32(a) => r.vi = a.is_valid(i).then(|| i64::from(a.value(i))),
            ValEnc::Bool(a) => r.vi = a.is_valid(i).then(|| i64::from(a.value(i))),
            ValEnc::Text(a) => r.vs = a.is_valid(i).then(|| a.value(i)),
            ValEnc::Codes(a) => r.vi = a.is_valid(i).then(|| i64::from(a.value(i))),
        }
        r
    }
}

/// One point read back.
pub(crate) type RowOwned = (
    i64,
    Option<i64>,
    Option<String>,
    Option<f64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

enum IdxAcc {
    I64(Vec<i64>, NullBufferBuilder),
    Text(StringBuilder),
}

enum ValAcc {
    F64(Vec<f64>, NullBufferBuilder),
    F32(Vec<f32>, NullBufferBuilder),
    I64(Vec<i64>, NullBufferBuilder),
    I32(Vec<i32>, NullBufferBuilder),
    Bool(BooleanBuilder),
    Text(StringBuilder),
}

/// Rebuilds a series from rows in position order.
pub(crate) struct Decoder<'l> {
    layout: &'l Layout,
    location: String,
    index: IdxAcc,
    values: ValAcc,
    count: usize,
    last_pos: Option<i64>,
    /// Whether every position from 0 must be present (full loads).
    contiguous: bool,
}

impl<'l> Decoder<'l> {
    pub(crate) fn new(
        layout: &'l Layout,
        location: &str,
        capacity: usize,
        contiguous: bool,
    ) -> Self {
        let index = if layout.index.kind.uses_text() {
            IdxAcc::Text(StringBuilder::with_capacity(capacity, capacity * 8))
        } else {
            IdxAcc::I64(
                Vec::with_capacity(capacity),
                NullBufferBuilder::new(capacity),
            )
        };
        let nb = || NullBufferBuilder::new(capacity);
        let values = match layout.values.kind {
            ValueKind::Float64 => ValAcc::F64(Vec::with_capacity(capacity), nb()),
            ValueKind::Float32 => ValAcc::F32(Vec::with_capacity(capacity), nb()),
            ValueKind::Int64 | ValueKind::Timestamp => {
                ValAcc::I64(Vec::with_capacity(capacity), nb())
            }
            ValueKind::Int32 | ValueKind::Category => {
                ValAcc::I32(Vec::with_capacity(capacity), nb())
            }
            ValueKind::Bool => ValAcc::Bool(BooleanBuilder::with_capacity(capacity)),
            ValueKind::Utf8 => ValAcc::Text(StringBuilder::with_capacity(capacity, capacity * 8)),
        };
        Decoder {
            layout,
            location: location.to_string(),
            index,
            values,
            count: 0,
            last_pos: None,
            contiguous,
        }
    }

    fn corrupt(&self, message: String) -> Error {
        Error::Corrupt {
            location: self.location.clone(),
            message,
        }
    }

    /// Adds the next row.
    pub(crate) fn push(&mut self, row: RowOwned) -> Result<()> {
        let (pos, t, label, v, v_bits, vi, vs) = row;
        let expected_ok = match (self.contiguous, self.last_pos) {
            (true, _) => pos == self.count as i64,
            (false, Some(last)) => pos > last,
            (false, None) => pos >= 0,
        };
        if !expected_ok {
            return Err(self.corrupt(format!(
                "point positions are not in sequence at position {pos}"
            )));
        }
        self.last_pos = Some(pos);
        self.count += 1;
        match &mut self.index {
            IdxAcc::I64(vals, nulls) => {
                vals.push(t.unwrap_or(0));
                nulls.append(t.is_some());
            }
            IdxAcc::Text(b) => b.append_option(label),
        }
        let int32 = |x: i64| {
            i32::try_from(x).map_err(|_| Error::Corrupt {
                location: self.location.clone(),
                message: format!("value {x} at position {pos} is not a 32-bit integer"),
            })
        };
        match &mut self.values {
            ValAcc::F64(vals, nulls) => {
                let x = match (v, v_bits) {
                    (Some(x), _) => Some(x),
                    (None, Some(b)) => Some(f64::from_bits(b as u64)),
                    (None, None) => None,
                };
                vals.push(x.unwrap_or(0.0));
                nulls.append(x.is_some());
            }
            ValAcc::F32(vals, nulls) => {
                let x = match (v, v_bits) {
                    (Some(x), _) => Some(x as f32),
                    (None, Some(b)) => Some(f32::from_bits(b as u32)),
                    (None, None) => None,
                };
                vals.push(x.unwrap_or(0.0));
                nulls.append(x.is_some());
            }
            ValAcc::I64(vals, nulls) => {
                vals.push(vi.unwrap_or(0));
                nulls.append(vi.is_some());
            }
            ValAcc::I32(vals, nulls) => {
                let x = vi.map(int32).transpose()?;
                vals.push(x.unwrap_or(0));
                nulls.append(x.is_some());
            }
            ValAcc::Bool(b) => b.append_option(vi.map(|x| x != 0)),
            ValAcc::Text(b) => b.append_option(vs.as_deref()),
        }
        Ok(())
    }

    /// Number of rows pushed.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// The series named `name`.
    pub(crate) fn finish(self, name: &str) -> Result<Series> {
        let il = &self.layout.index;
        let location = self.location.clone();
        let corrupt = |message: String| Error::Corrupt {
            location: location.clone(),
            message,
        };
        let categories = |c: &Option<Vec<Option<String>>>| -> Result<ArrayRef> {
            let c = c
                .as_ref()
                .ok_or_else(|| corrupt("categories are missing from the layout".into()))?;
            Ok(Arc::new(StringArray::from(c.clone())))
        };
        let data = match (il.kind, self.index) {
            (IndexKind::Range, _) => {
                let [start, stop, step] = il
                    .range
                    .ok_or_else(|| corrupt("range bounds are missing from the layout".into()))?;
                let data = IndexData::Range { start, stop, step };
                let expected = Index::new(data.clone())?.len();
                if expected != self.count {
                    return Err(corrupt(format!(
                        "the range index has {expected} labels but {} points are stored",
                        self.count
                    )));
                }
                data
            }
            (IndexKind::Datetime, IdxAcc::I64(v, mut n)) => IndexData::DateTime {
                values: TimestampNanosecondArray::new(ScalarBuffer::from(v), n.finish()),
                tz: match &il.tz {
                    Some(z) => Some(z.parse::<TimeZone>()?),
                    None => None,
                },
            },
            (IndexKind::Int, IdxAcc::I64(v, mut n)) => {
                IndexData::Int(Int64Array::new(ScalarBuffer::from(v), n.finish()))
            }
            (IndexKind::Timedelta, IdxAcc::I64(v, mut n)) => IndexData::Timedelta(
                DurationNanosecondArray::new(ScalarBuffer::from(v), n.finish()),
            ),
            (IndexKind::Float, IdxAcc::I64(v, mut n)) => IndexData::Float(Float64Array::new(
                v.into_iter().map(|b| f64::from_bits(b as u64)).collect(),
                n.finish(),
            )),
            (IndexKind::Categorical, IdxAcc::I64(v, mut n)) => {
                let keys = v
                    .into_iter()
                    .map(|x| {
                        i32::try_from(x).map_err(|_| corrupt(format!("bad category code {x}")))
                    })
                    .collect::<Result<Vec<i32>>>()?;
                let keys = Int32Array::new(ScalarBuffer::from(keys), n.finish());
                let values = DictionaryArray::try_new(keys, categories(&il.categories)?)
                    .map_err(|e| corrupt(format!("bad category codes: {e}")))?;
                IndexData::Categorical {
                    values,
                    ordered: il.ordered.unwrap_or(false),
                }
            }
            (IndexKind::String, IdxAcc::Text(mut b)) => IndexData::String(b.finish()),
            (IndexKind::Period, IdxAcc::Text(mut b)) => IndexData::Period(b.finish()),
            (kind, _) => {
                return Err(corrupt(format!(
                    "index kind {} does not match the stored columns",
                    kind.as_str()
                )))
            }
        };
        let mut index = Index::new(data)?;
        index.set_name(il.name.clone());
        index.set_frequency(il.frequency.clone());
        let vl = &self.layout.values;
        let values: ArrayRef = match (vl.kind, self.values) {
            (ValueKind::Float64, ValAcc::F64(v, mut n)) => {
                Arc::new(Float64Array::new(ScalarBuffer::from(v), n.finish()))
            }
            (ValueKind::Float32, ValAcc::F32(v, mut n)) => {
                Arc::new(Float32Array::new(ScalarBuffer::from(v), n.finish()))
            }
            (ValueKind::Int64, ValAcc::I64(v, mut n)) => {
                Arc::new(Int64Array::new(ScalarBuffer::from(v), n.finish()))
            }
            (ValueKind::Timestamp, ValAcc::I64(v, mut n)) => Arc::new(
                TimestampNanosecondArray::new(ScalarBuffer::from(v), n.finish())
                    .with_timezone_opt(vl.tz.clone()),
            ),
            (ValueKind::Int32, ValAcc::I32(v, mut n)) => {
                Arc::new(Int32Array::new(ScalarBuffer::from(v), n.finish()))
            }
            (ValueKind::Category, ValAcc::I32(v, mut n)) => {
                let keys = Int32Array::new(ScalarBuffer::from(v), n.finish());
                Arc::new(
                    DictionaryArray::try_new(keys, categories(&vl.categories)?)
                        .map_err(|e| corrupt(format!("bad category codes: {e}")))?,
                )
            }
            (ValueKind::Bool, ValAcc::Bool(mut b)) => Arc::new(b.finish()),
            (ValueKind::Utf8, ValAcc::Text(mut b)) => Arc::new(b.finish()),
            (kind, _) => {
                return Err(corrupt(format!(
                    "value kind {kind:?} does not match the stored columns"
                )))
            }
        };
        Series::new(name.to_string(), index, values)
    }
}

/// The layout after appending `more` (encoded as `add`) to a series stored with `stored`, or
/// `None` when the rows cannot simply be added (categories, whose dictionaries merge), in which
/// case the caller rewrites the whole series. Kinds that do not fit are an error, as in
/// [`Series::append`].
pub(crate) fn appended_layout(
    stored: &Layout,
    add: &Layout,
    more: &Series,
) -> Result<Option<Layout>> {
    let mismatch =
        || Error::invalid_input("cannot append a series with another index kind or zone");
    if stored.values.kind != add.values.kind || stored.values.tz != add.values.tz {
        return Err(Error::invalid_input(format!(
            "cannot append {} values to a series of {:?} values",
            more.values().data_type(),
            stored.values.kind
        )));
    }
    if stored.values.kind == ValueKind::Category
        || stored.index.kind == IndexKind::Categorical
        || add.index.kind == IndexKind::Categorical
    {
        return Ok(None);
    }
    let mut out = stored.clone();
    use IndexKind::*;
    match (stored.index.kind, add.index.kind) {
        (Range, Range) => {
            let ([start, stop, step], [s2, e2, st2]) = (
                stored.index.range.unwrap_or([0, 0, 1]),
                add.index.range.unwrap_or([0, 0, 1]),
            );
            if stop == s2 && (step == st2 || more.is_empty()) {
                out.index.range = Some([start, if more.is_empty() { stop } else { e2 }, step]);
            } else {
                out.index.kind = Int;
                out.index.range = None;
            }
        }
        (Range | Int, Range | Int) => {
            out.index.kind = Int;
            out.index.range = None;
        }
        (Datetime, Datetime) if stored.index.tz == add.index.tz => {}
        (a, b) if a == b && a != Datetime => {}
        _ => return Err(mismatch()),
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(series: &Series) -> Series {
        let enc = Encoded::new(series).unwrap();
        let json = enc.layout.to_json().unwrap();
        let layout = Layout::from_json("test", &json).unwrap();
        let mut dec = Decoder::new(&layout, "test", enc.len(), true);
        for i in 0..enc.len() {
            let r = enc.row(i);
            dec.push((
                i as i64,
                r.t,
                r.label.map(str::to_string),
                r.v,
                r.v_bits,
                r.vi,
                r.vs.map(str::to_string),
            ))
            .unwrap();
        }
        dec.finish(series.name()).unwrap()
    }

    #[test]
    fn floats_keep_their_bits() {
        let s = Series::from_f64(
            "x",
            Index::floats(vec![-0.0, f64::NAN, 1.5, f64::INFINITY]),
            vec![-0.0, f64::NAN, f64::NEG_INFINITY, 2.0],
        )
        .unwrap();
        assert_eq!(round(&s), s);
        assert_eq!(split_f64(1.0), (Some(1.0), None));
        assert_eq!(split_f64(-0.0).0, None);
    }

    #[test]
    fn every_value_type() {
        let idx = || Index::strings(&["a", "b", "c"]);
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(Float32Array::from(vec![Some(1.5f32), None, Some(f32::NAN)])),
            Arc::new(Int32Array::from(vec![Some(1), None, Some(-3)])),
            Arc::new(BooleanArray::from(vec![Some(true), None, Some(false)])),
            Arc::new(
                TimestampNanosecondArray::from(vec![Some(1), None, Some(-5)])
                    .with_timezone("+02:00"),
            ),
            Arc::new(
                vec![Some("lo"), None, Some("hi")]
                    .into_iter()
                    .collect::<DictionaryArray<Int32Type>>(),
            ),
        ];
        for a in arrays {
            let s = Series::new("v", idx(), a).unwrap();
            assert_eq!(round(&s), s);
        }
    }
}
