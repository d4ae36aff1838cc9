//! The value column of a CSV file: which Arrow type a recorded pandas dtype becomes, how each
//! type is written, and how it is read back.
//!
//! Missing values are written as pandas writes them (an empty field), with two exact
//! additions Python reads as missing too: a float *null* (as opposed to NaN) is written
//! `<NA>`, and an empty string is written `""`.

use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Float32Array, Float64Array, Int32Array,
    Int64Array, StringArray, TimestampNanosecondArray,
};
use arrow_schema::{DataType, TimeUnit};
use meteaudata_core::{parse_float, Error, Result, TimeZone, Timestamp};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use crate::csv_read::Field;
use crate::csv_write::Cell;
use crate::text::{datetime_column, py_float, py_float32, ZoneText};

/// The text of a float null (NaN is an empty field).
pub(crate) const FLOAT_NULL: &str = "<NA>";

/// Texts pandas reads as missing by default.
const NA_TOKENS: [&str; 19] = [
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
    "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null", "",
];

fn is_na(t: &str) -> bool {
    NA_TOKENS.contains(&t)
}

/// The Arrow type a value column has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    F64,
    F32,
    I64,
    I32,
    Bool,
    Str,
    Category,
    Timestamp(Option<TimeZone>),
}

impl ValueKind {
    /// The kind for a recorded pandas dtype (`float64`, `Int64`, `boolean`, `str`, `object`,
    /// `category`, `datetime64[us, UTC]`, ...). Dtypes with no Arrow counterpart here
    /// (`timedelta64`, `period`, `interval`, ...) are kept as text.
    pub(crate) fn from_dtype(dtype: &str) -> Result<ValueKind> {
        let d = dtype.trim();
        let lower = d.to_ascii_lowercase();
        Ok(match lower.as_str() {
            "float64" | "float" | "double" | "float16" | "<f8" => ValueKind::F64,
            "float32" | "<f4" => ValueKind::F32,
            "int32" | "int16" | "int8" | "uint16" | "uint8" => ValueKind::I32,
            "int64" | "int" | "uint32" | "uint64" | "<i8" => ValueKind::I64,
            "bool" | "boolean" => ValueKind::Bool,
            "category" => ValueKind::Category,
            _ if lower.starts_with("datetime64") || lower.starts_with("<m8") => {
                ValueKind::Timestamp(dtype_zone(d)?)
            }
            _ => ValueKind::Str,
        })
    }

    /// The kind of an Arrow array the model holds.
    pub(crate) fn of(data_type: &DataType) -> Result<ValueKind> {
        Ok(match data_type {
            DataType::Float64 => ValueKind::F64,
            DataType::Float32 => ValueKind::F32,
            DataType::Int64 => ValueKind::I64,
            DataType::Int32 => ValueKind::I32,
            DataType::Boolean => ValueKind::Bool,
            DataType::Utf8 => ValueKind::Str,
            DataType::Dictionary(_, _) => ValueKind::Category,
            DataType::Timestamp(TimeUnit::Nanosecond, tz) => ValueKind::Timestamp(match tz {
                Some(z) => Some(z.parse()?),
                None => None,
            }),
            other => {
                return Err(Error::Unsupported(format!(
                    "values of type {other} cannot be written to CSV"
                )))
            }
        })
    }
}

/// The zone inside `datetime64[ns, <zone>]`, if any.
fn dtype_zone(dtype: &str) -> Result<Option<TimeZone>> {
    let inner = dtype
        .split_once('[')
        .and_then(|(_, r)| r.strip_suffix(']'))
        .unwrap_or("");
    match inner.split_once(',') {
        Some((_, zone)) => Ok(Some(zone.trim().parse()?)),
        None => Ok(None),
    }
}

fn downcast<T: 'static>(values: &ArrayRef) -> Result<&T> {
    values.as_any().downcast_ref::<T>().ok_or_else(|| {
        Error::invalid_input(format!("unexpected value array {}", values.data_type()))
    })
}

/// The cells of a value column.
pub(crate) fn value_cells(values: &ArrayRef) -> Result<Vec<Cell>> {
    let n = values.len();
    let text = |s: String| Cell::Text(s);
    let cells = match ValueKind::of(values.data_type())? {
        ValueKind::F64 => {
            let a = downcast::<Float64Array>(values)?;
            (0..n)
                .map(|i| match a.is_null(i) {
                    true => text(FLOAT_NULL.into()),
                    false if a.value(i).is_nan() => Cell::Empty,
                    false => text(py_float(a.value(i))),
                })
                .collect()
        }
        ValueKind::F32 => {
            let a = downcast::<Float32Array>(values)?;
            (0..n)
                .map(|i| match a.is_null(i) {
                    true => text(FLOAT_NULL.into()),
                    false if a.value(i).is_nan() => Cell::Empty,
                    false => text(py_float32(a.value(i))),
                })
                .collect()
        }
        ValueKind::I64 => {
            let a = downcast::<Int64Array>(values)?;
            a.iter()
                .map(|v| v.map_or(Cell::Empty, |x| text(x.to_string())))
                .collect()
        }
        ValueKind::I32 => {
            let a = downcast::<Int32Array>(values)?;
            a.iter()
                .map(|v| v.map_or(Cell::Empty, |x| text(x.to_string())))
                .collect()
        }
        ValueKind::Bool => {
            let a = downcast::<BooleanArray>(values)?;
            a.iter()
                .map(|v| {
                    v.map_or(Cell::Empty, |b| {
                        text(if b { "True" } else { "False" }.into())
                    })
                })
                .collect()
        }
        ValueKind::Str => {
            let a = downcast::<StringArray>(values)?;
            a.iter()
                .map(|v| v.map_or(Cell::Empty, |s| text(s.to_string())))
                .collect()
        }
        ValueKind::Category => {
            let a = downcast::<DictionaryArray<Int32Type>>(values)?;
            let cats = dictionary_strings(a)?;
            a.keys()
                .iter()
                .map(
                    |k| match k.and_then(|k| cats.get(k as usize).cloned().flatten()) {
                        Some(s) => text(s),
                        None => Cell::Empty,
                    },
                )
                .collect()
        }
        ValueKind::Timestamp(tz) => {
            let a = downcast::<TimestampNanosecondArray>(values)?;
            let opt: Vec<Option<i64>> = a.iter().collect();
            let mode = ZoneText::choose(opt.iter().flatten().copied(), tz);
            datetime_column(&opt, mode)
                .into_iter()
                .map(|v| v.map_or(Cell::Empty, text))
                .collect()
        }
    };
    Ok(cells)
}

/// The category texts of a dictionary array.
pub(crate) fn dictionary_strings(a: &DictionaryArray<Int32Type>) -> Result<Vec<Option<String>>> {
    let vals = a
        .values()
        .as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| Error::Unsupported("categories must be strings".into()))?;
    Ok(vals.iter().map(|v| v.map(str::to_string)).collect())
}

/// A cell to read: its field (`None` when the row has no such column) and its line.
pub(crate) type CellRef<'a> = (Option<&'a Field>, usize);

fn bad(file: &str, line: usize, text: &str, what: &str) -> Error {
    Error::parse(
        format!("{file}, line {line}"),
        format!("{text:?} is not {what}"),
    )
}

/// Parses a value column of `kind`. `categories` fixes the category list of a categorical
/// column (otherwise the sorted distinct values, as pandas infers them).
pub(crate) fn parse_values(
    kind: ValueKind,
    cells: &[CellRef<'_>],
    categories: Option<&[String]>,
    file: &str,
) -> Result<ArrayRef> {
    let texts = cells
        .iter()
        .map(|(f, line)| (f.and_then(Field::value), *line));
    let array: ArrayRef = match kind {
        ValueKind::F64 | ValueKind::F32 => {
            let mut out = Vec::with_capacity(cells.len());
            for (t, line) in texts {
                out.push(match t {
                    None => Some(f64::NAN),
                    Some(FLOAT_NULL) => None,
                    Some(t) if is_na(t) => Some(f64::NAN),
                    Some(t) => Some(parse_float(t).ok_or_else(|| bad(file, line, t, "a number"))?),
                });
            }
            if kind == ValueKind::F32 {
                // Narrow from the text itself, so the shortest f32 digits give that f32.
                let narrowed = out.iter().zip(cells).map(|(v, (f, _))| {
                    v.map(|x| {
                        f.and_then(|f| f.text.trim().parse::<f32>().ok())
                            .unwrap_or(x as f32)
                    })
                });
                Arc::new(narrowed.collect::<Float32Array>())
            } else {
                Arc::new(Float64Array::from(out))
            }
        }
        ValueKind::I64 | ValueKind::I32 => {
            let mut out = Vec::with_capacity(cells.len());
            for (t, line) in texts {
                out.push(match t {
                    None => None,
                    Some(t) if is_na(t) => None,
                    Some(t) => Some(parse_int(t).ok_or_else(|| bad(file, line, t, "an integer"))?),
                });
            }
            if kind == ValueKind::I32 {
                let mut narrow = Vec::with_capacity(out.len());
                for (v, (_, line)) in out.into_iter().zip(cells) {
                    narrow.push(match v {
                        None => None,
                        Some(x) => {
                            Some(i32::try_from(x).map_err(|_| {
                                bad(file, *line, &x.to_string(), "a 32-bit integer")
                            })?)
                        }
                    });
                }
                Arc::new(Int32Array::from(narrow))
            } else {
                Arc::new(Int64Array::from(out))
            }
        }
        ValueKind::Bool => {
            let mut out = Vec::with_capacity(cells.len());
            for (t, line) in texts {
                out.push(match t.map(str::trim) {
                    None => None,
                    Some(t) if is_na(t) => None,
                    Some("True" | "true" | "TRUE" | "1" | "1.0") => Some(true),
                    Some("False" | "false" | "FALSE" | "0" | "0.0") => Some(false),
                    Some(t) => return Err(bad(file, line, t, "a boolean (True/False)")),
                });
            }
            Arc::new(BooleanArray::from(out))
        }
        ValueKind::Str => Arc::new(texts.map(|(t, _)| t).collect::<StringArray>()),
        ValueKind::Category => {
            let present: Vec<Option<&str>> = texts.map(|(t, _)| t).collect();
            let cats: Vec<String> = match categories {
                Some(c) => c.to_vec(),
                None => present
                    .iter()
                    .flatten()
                    .map(|s| s.to_string())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            };
            let lookup: HashMap<&str, i32> = cats
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i as i32))
                .collect();
            let mut keys = Vec::with_capacity(present.len());
            for (t, (_, line)) in present.iter().zip(cells) {
                keys.push(match t {
                    None => None,
                    Some(t) => Some(
                        *lookup
                            .get(t)
                            .ok_or_else(|| bad(file, *line, t, "a recorded category"))?,
                    ),
                });
            }
            let dict = DictionaryArray::<Int32Type>::try_new(
                Int32Array::from(keys),
                Arc::new(StringArray::from(cats)),
            )
            .map_err(|e| Error::parse(file, e))?;
            Arc::new(dict)
        }
        ValueKind::Timestamp(tz) => {
            let mut out = Vec::with_capacity(cells.len());
            for (t, line) in texts {
                out.push(match t {
                    None => None,
                    Some(t) if is_na(t) || t == "NaT" => None,
                    Some(t) => {
                        // Naive text in a zoned column is UTC: Python's multi-line header path
                        // writes zoned values that way (`Series.values`).
                        let mut ts = Timestamp::parse(t, None)
                            .map_err(|_| bad(file, line, t, "a date/time"))?;
                        if tz.is_none() && ts.tz.is_some() {
                            ts = Timestamp::from_naive(&ts.local())?;
                        }
                        Some(ts.nanos)
                    }
                });
            }
            let a = TimestampNanosecondArray::from(out);
            Arc::new(a.with_timezone_opt(tz.map(|z| z.arrow_name())))
        }
    };
    Ok(array)
}

/// An integer as pandas may write one (`5`, or `5.0` from a float column).
fn parse_int(t: &str) -> Option<i64> {
    let t = t.trim();
    t.parse::<i64>().ok().or_else(|| {
        let f = t.parse::<f64>().ok()?;
        (f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15).then_some(f as i64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(t: &str, quoted: bool) -> Field {
        Field {
            text: t.into(),
            quoted,
        }
    }

    #[test]
    fn dtypes() {
        assert_eq!(ValueKind::from_dtype("Int64").unwrap(), ValueKind::I64);
        assert_eq!(ValueKind::from_dtype("object").unwrap(), ValueKind::Str);
        let k = ValueKind::from_dtype("datetime64[us, America/Toronto]").unwrap();
        assert_eq!(
            k,
            ValueKind::Timestamp(Some("America/Toronto".parse().unwrap()))
        );
        assert_eq!(
            ValueKind::from_dtype("datetime64[ns]").unwrap(),
            ValueKind::Timestamp(None)
        );
    }

    #[test]
    fn floats_keep_nan_null_and_infinity() {
        let a: ArrayRef = Arc::new(Float64Array::from(vec![
            Some(1.5),
            None,
            Some(f64::NAN),
            Some(f64::NEG_INFINITY),
        ]));
        let cells = value_cells(&a).unwrap();
        assert_eq!(cells[1], Cell::Text("<NA>".into()));
        assert_eq!(cells[2], Cell::Empty);
        let fields: Vec<Option<Field>> = cells
            .iter()
            .map(|c| match c {
                Cell::Empty => Some(field("", false)),
                Cell::Text(t) => Some(field(t, false)),
            })
            .collect();
        let refs: Vec<CellRef> = fields.iter().map(|f| (f.as_ref(), 1)).collect();
        let back = parse_values(ValueKind::F64, &refs, None, "f").unwrap();
        assert_eq!(back.to_data(), a.to_data());
    }

    #[test]
    fn strings_distinguish_empty_and_missing() {
        let fields = [field("", true), field("", false), field("NA", false)];
        let refs: Vec<CellRef> = fields.iter().map(|f| (Some(f), 1)).collect();
        let back = parse_values(ValueKind::Str, &refs, None, "f").unwrap();
        let s = back.as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(s.iter().collect::<Vec<_>>(), [Some(""), None, Some("NA")]);
    }

    #[test]
    fn bad_numbers_name_file_and_line() {
        let f = field("abc", false);
        let e = parse_values(ValueKind::F64, &[(Some(&f), 7)], None, "x.csv").unwrap_err();
        assert!(e.to_string().contains("x.csv, line 7"), "{e}");
    }
}
