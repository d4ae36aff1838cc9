//! Turning a [`Series`] into point columns and back, losslessly.
//!
//! Each point is a [`Row`] `(t, label, v, vi, vs)`:
//!
//! * the index label goes to `t` (datetimes and durations as nanoseconds, integers, range
//!   labels, category codes, and float labels as their IEEE bits) or to `label` (strings,
//!   periods);
//! * the value goes to `v` (floats, every bit kept: NaN, ±inf and -0.0 included), `vi`
//!   (integers, booleans, timestamps, category codes) or `vs` (text).
//!
//! Points are stored in blocks of these columns (see [`crate::block`]). What the columns
//! alone cannot say (index kind, name, frequency, zone, range bounds, categories, value type)
//! is the [`Layout`], stored as JSON next to the series.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type, TimestampNanosecondType};
use arrow_array::{
    Array, ArrayRef, ArrowPrimitiveType, BooleanArray, DictionaryArray, DurationNanosecondArray,
    Float32Array, Float64Array, Int32Array, Int64Array, PrimitiveArray, StringArray,
    TimestampNanosecondArray,
};
use arrow_buffer::{NullBuffer, NullBufferBuilder, ScalarBuffer};
use arrow_schema::{DataType, TimeUnit};
use meteaudata_core::{Error, Index, IndexData, Result, Series, TimeZone};

use crate::block::{entry, text, Block};
use crate::layout::{IndexKind, IndexLayout, Layout, ValueKind, ValueLayout};
use meteaudata_core::storage::TimeRange;

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

/// One point as columns (`None` = NULL).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Row<'a> {
    /// Time or integer-like label.
    pub t: Option<i64>,
    /// Text label.
    pub label: Option<&'a str>,
    /// Float value.
    pub v: Option<f64>,
    /// Integer, boolean, timestamp or category-code value.
    pub vi: Option<i64>,
    /// Text value.
    pub vs: Option<&'a str>,
}

/// Which point columns a series uses (the others are NULL for every point).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Columns {
    pub t: bool,
    pub label: bool,
    pub v: bool,
    pub vi: bool,
    pub vs: bool,
}

impl Columns {
    /// The columns of a series stored with `layout`.
    pub(crate) fn of(layout: &Layout) -> Self {
        let text_index = layout.index.kind.uses_text();
        let (v, vs) = match layout.values.kind {
            ValueKind::Float64 | ValueKind::Float32 => (true, false),
            ValueKind::Utf8 => (false, true),
            _ => (false, false),
        };
        Columns {
            t: !text_index,
            label: text_index,
            v,
            vi: !v && !vs,
            vs,
        }
    }
}

/// Points readable one at a time, in position order.
pub(crate) trait Rows {
    /// Number of points.
    fn len(&self) -> usize;
    /// The columns of point `i` (`i < len`).
    fn row(&self, i: usize) -> Row<'_>;
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

    /// The columns of point `i` (`i < len`).
    #[inline]
    pub(crate) fn row(&self, i: usize) -> Row<'a> {
        let mut r = Row::default();
        match &self.index {
            IndexEnc::Range { start, step } => {
                r.t = Some(meteaudata_core::range_label(*start, *step, i))
            }
            IndexEnc::I64(v, n) => r.t = valid(*n, i).then(|| v[i]),
            IndexEnc::F64(a) => r.t = a.is_valid(i).then(|| a.value(i).to_bits() as i64),
            IndexEnc::Text(a) => r.label = a.is_valid(i).then(|| a.value(i)),
            IndexEnc::Codes(a) => r.t = a.is_valid(i).then(|| i64::from(a.value(i))),
        }
        match &self.values {
            ValEnc::F64(a) => r.v = a.is_valid(i).then(|| a.value(i)),
            ValEnc::F32(a) => r.v = a.is_valid(i).then(|| f64::from(a.value(i))),
            ValEnc::I64(v, n) => r.vi = valid(*n, i).then(|| v[i]),
            ValEnc::I32(a) => r.vi = a.is_valid(i).then(|| i64::from(a.value(i))),
            ValEnc::Bool(a) => r.vi = a.is_valid(i).then(|| i64::from(a.value(i))),
            ValEnc::Text(a) => r.vs = a.is_valid(i).then(|| a.value(i)),
            ValEnc::Codes(a) => r.vi = a.is_valid(i).then(|| i64::from(a.value(i))),
        }
        r
    }
}

impl Rows for Encoded<'_> {
    fn len(&self) -> usize {
        self.len
    }

    fn row(&self, i: usize) -> Row<'_> {
        Encoded::row(self, i)
    }
}

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

/// Appends `a[from..to]` (mapped by `f`) to `vals`, and its validity to `nulls`.
fn extend<T: ArrowPrimitiveType, U>(
    vals: &mut Vec<U>,
    nulls: &mut NullBufferBuilder,
    a: &PrimitiveArray<T>,
    from: usize,
    to: usize,
    f: impl Fn(T::Native) -> U,
) {
    vals.extend(a.values()[from..to].iter().map(|&x| f(x)));
    match a.nulls() {
        Some(n) => nulls.append_buffer(&n.slice(from, to - from)),
        None => nulls.append_n_non_nulls(to - from),
    }
}

/// Rebuilds a series from blocks in position order.
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

    /// Adds the points `from..to` of `blk` (stored at positions `blk.pos0 + from ..`), a
    /// column at a time: fixed-width columns are copied as slices with their validity.
    pub(crate) fn push_run(&mut self, blk: &Block, from: usize, to: usize) -> Result<()> {
        if from >= to {
            return Ok(());
        }
        let pos = blk.pos0 + from as i64;
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
        let location = &self.location;
        let missing = |name: &str| Error::Corrupt {
            location: location.clone(),
            message: format!("a block has no {name} column"),
        };
        match &mut self.index {
            IdxAcc::I64(vals, nulls) => {
                let t = blk.t.as_ref().ok_or_else(|| missing("t"))?;
                extend(vals, nulls, t, from, to, |x| x);
            }
            IdxAcc::Text(b) => {
                let labels = blk.label.as_ref().ok_or_else(|| missing("label"))?;
                for i in from..to {
                    b.append_option(text(labels, i));
                }
            }
        }
        match &mut self.values {
            ValAcc::F64(vals, nulls) => {
                let v = blk.v.as_ref().ok_or_else(|| missing("v"))?;
                extend(vals, nulls, v, from, to, |x| x);
            }
            ValAcc::F32(vals, nulls) => {
                let v = blk.v.as_ref().ok_or_else(|| missing("v"))?;
                // Exact: the values were widened from f32.
                extend(vals, nulls, v, from, to, |x| x as f32);
            }
            ValAcc::I64(vals, nulls) => {
                let vi = blk.vi.as_ref().ok_or_else(|| missing("vi"))?;
                extend(vals, nulls, vi, from, to, |x| x);
            }
            ValAcc::I32(vals, nulls) => {
                let vi = blk.vi.as_ref().ok_or_else(|| missing("vi"))?;
                for i in from..to {
                    let Some(x) = entry(vi, i) else {
                        vals.push(0);
                        nulls.append_null();
                        continue;
                    };
                    let x = i32::try_from(x).map_err(|_| Error::Corrupt {
                        location: location.clone(),
                        message: format!(
                            "value {x} at position {} is not a 32-bit integer",
                            blk.pos0 + i as i64
                        ),
                    })?;
                    vals.push(x);
                    nulls.append_non_null();
                }
            }
            ValAcc::Bool(b) => {
                let vi = blk.vi.as_ref().ok_or_else(|| missing("vi"))?;
                for i in from..to {
                    b.append_option(entry(vi, i).map(|x| x != 0));
                }
            }
            ValAcc::Text(b) => {
                let vs = blk.vs.as_ref().ok_or_else(|| missing("vs"))?;
                for i in from..to {
                    b.append_option(text(vs, i));
                }
            }
        }
        self.last_pos = Some(blk.pos0 + to as i64 - 1);
        self.count += to - from;
        Ok(())
    }

    /// Adds the points of `blk` that lie in `window` (all of them without one); returns the
    /// position of the first point added.
    pub(crate) fn push_block(
        &mut self,
        blk: &Block,
        window: Option<TimeRange>,
    ) -> Result<Option<i64>> {
        let mut first = None;
        for (from, to) in blk.runs(window) {
            first.get_or_insert(blk.pos0 + from as i64);
            self.push_run(blk, from, to)?;
        }
        Ok(first)
    }

    /// Number of rows pushed.
    pub(crate) fn count(&self) -> usize {
        self.count
    }

    /// The series named `name`.
    pub(crate) fn finish(self, name: &str) -> Result<Series> {
        self.finish_at(name, None)
    }

    /// The series named `name` of a part of the stored series whose first point is at
    /// `first_pos` (a range index is then the matching slice of the stored range).
    pub(crate) fn finish_part(self, name: &str, first_pos: i64) -> Result<Series> {
        self.finish_at(name, Some(first_pos))
    }

    fn finish_at(self, name: &str, part: Option<i64>) -> Result<Series> {
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
                let whole = Index::new(data.clone())?;
                let expected = whole.len();
                match part {
                    None if expected != self.count => {
                        return Err(corrupt(format!(
                            "the range index has {expected} labels but {} points are stored",
                            self.count
                        )))
                    }
                    None => data,
                    Some(first) => {
                        let first = usize::try_from(first)
                            .ok()
                            .filter(|f| f.saturating_add(self.count) <= expected)
                            .ok_or_else(|| {
                                corrupt(format!(
                                    "the range index has {expected} labels but a point is stored at position {first}"
                                ))
                            })?;
                        whole.slice(first, self.count).data().clone()
                    }
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn round(series: &Series) -> Series {
        let enc = Encoded::new(series).unwrap();
        let json = enc.layout.to_json().unwrap();
        let layout = Layout::from_json("test", &json).unwrap();
        let mut dec = Decoder::new(&layout, "test", enc.len(), true);
        let blk = Block::of_rows(&enc, Columns::of(&layout), 0);
        dec.push_block(&blk, None).unwrap();
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
        let back = round(&s);
        assert_eq!(back, s);
        let bits = |s: &Series| -> Vec<u64> {
            s.f64_values()
                .unwrap()
                .values()
                .iter()
                .map(|x| x.to_bits())
                .collect()
        };
        assert_eq!(bits(&back), bits(&s));
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
