//! Signals and datasets to and from [polars](https://pola.rs) `DataFrame`s (feature `polars`),
//! through the tables of [`frame`]: a signal or a dataset becomes one frame with a
//! time column and a column per series (an outer join, as Python meteaudata's
//! `Signal._to_dataframe`), and a frame with a time column becomes a dataset (one signal per
//! value column) or a signal (one series per column).
//!
//! ```
//! use meteaudata_core::{Index, Series, Signal, TimeZone};
//! use meteaudata_io::polars::{signal_from_polars, signal_to_polars};
//!
//! let raw = Series::from_f64("RAW", Index::datetime_nanos(vec![0, 60_000_000_000], Some(TimeZone::Utc)), vec![1.5, f64::NAN])?;
//! let signal = Signal::new("NH4", "mg/L")?.with_series(raw)?;
//! let df = signal_to_polars(&signal)?;
//! assert_eq!(df.get_column_names(), ["time", "NH4#1_RAW#1"]);
//! let back = signal_from_polars("NH4", "mg/L", &df, "time")?;
//! assert_eq!(back.get("NH4#1_RAW#1")?.series()?.len(), 2);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! Values are copied column by column between Arrow arrays and polars series (floats keep
//! every bit; missing entries stay missing). Supported columns: 64- and 32-bit floats and
//! integers (smaller integers widen to 64 bits), booleans, text, and for the time column
//! datetimes of any unit and zone, or dates.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type, TimestampNanosecondType};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array, RecordBatch,
    StringArray,
};
use arrow_schema::{DataType as ArrowType, Field, Schema, TimeUnit as ArrowUnit};
use meteaudata_core::{Dataset, Error, Result, Signal};
use polars::prelude::{
    Column, DataFrame, DataType, IntoColumn, NamedFrom, PlSmallStr, Series as PlSeries, TimeUnit,
    TimeZone as PlZone,
};

use crate::frame;

fn polars_error(e: impl std::fmt::Display) -> Error {
    Error::invalid_input(format!("polars: {e}"))
}

/// One Arrow column as a polars column named `name`.
fn to_polars_column(name: &str, a: &ArrayRef) -> Result<Column> {
    let n = PlSmallStr::from(name);
    let s = match a.data_type() {
        ArrowType::Float64 => PlSeries::new(
            n,
            a.as_primitive::<Float64Type>().iter().collect::<Vec<_>>(),
        ),
        ArrowType::Float32 => PlSeries::new(
            n,
            a.as_primitive::<Float32Type>().iter().collect::<Vec<_>>(),
        ),
        ArrowType::Int64 => {
            PlSeries::new(n, a.as_primitive::<Int64Type>().iter().collect::<Vec<_>>())
        }
        ArrowType::Int32 => {
            PlSeries::new(n, a.as_primitive::<Int32Type>().iter().collect::<Vec<_>>())
        }
        ArrowType::Boolean => PlSeries::new(n, a.as_boolean().iter().collect::<Vec<_>>()),
        ArrowType::Utf8 => PlSeries::new(n, a.as_string::<i32>().iter().collect::<Vec<_>>()),
        ArrowType::Timestamp(ArrowUnit::Nanosecond, tz) => {
            let ns = PlSeries::new(
                n,
                a.as_primitive::<TimestampNanosecondType>()
                    .iter()
                    .collect::<Vec<_>>(),
            );
            let zone =
                PlZone::opt_try_new(tz.as_deref().map(str::to_string)).map_err(polars_error)?;
            ns.cast(&DataType::Datetime(TimeUnit::Nanoseconds, zone))
                .map_err(polars_error)?
        }
        ArrowType::Dictionary(_, _) => {
            // Categories: their text.
            let text = dictionary_text(a)?;
            PlSeries::new(n, text)
        }
        other => {
            return Err(Error::invalid_input(format!(
                "column {name:?}: {other} has no polars counterpart here"
            )))
        }
    };
    Ok(s.into_column())
}

/// The text of each entry of a string dictionary array.
fn dictionary_text(a: &ArrayRef) -> Result<Vec<Option<String>>> {
    let dict = a
        .as_any_dictionary_opt()
        .ok_or_else(|| Error::invalid_input("a dictionary column is not readable"))?;
    let values = dict
        .values()
        .as_string_opt::<i32>()
        .ok_or_else(|| Error::invalid_input("categories must be text"))?;
    let keys = dict.normalized_keys();
    Ok((0..a.len())
        .map(|i| a.is_valid(i).then(|| values.value(keys[i]).to_string()))
        .collect())
}

/// An Arrow table as a polars frame (column by column).
pub fn batch_to_polars(batch: &RecordBatch) -> Result<DataFrame> {
    let schema = batch.schema();
    let columns = schema
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(f, a)| to_polars_column(f.name(), a))
        .collect::<Result<Vec<_>>>()?;
    DataFrame::new(columns).map_err(polars_error)
}

/// One polars column as an Arrow field and array.
fn from_polars_column(c: &Column) -> Result<(Field, ArrayRef)> {
    let s = c.as_materialized_series();
    let name = s.name().to_string();
    let array: ArrayRef = match s.dtype() {
        DataType::Float64 => Arc::new(s.f64().map_err(polars_error)?.iter().collect::<Float64Array>()),
        DataType::Float32 => Arc::new(s.f32().map_err(polars_error)?.iter().collect::<Float32Array>()),
        DataType::Int64 => Arc::new(s.i64().map_err(polars_error)?.iter().collect::<Int64Array>()),
        DataType::Int32 => Arc::new(s.i32().map_err(polars_error)?.iter().collect::<Int32Array>()),
        DataType::Int8 | DataType::Int16 | DataType::UInt8 | DataType::UInt16 | DataType::UInt32 => {
            let wide = s.cast(&DataType::Int64).map_err(polars_error)?;
            Arc::new(wide.i64().map_err(polars_error)?.iter().collect::<Int64Array>())
        }
        DataType::Boolean => Arc::new(s.bool().map_err(polars_error)?.iter().collect::<BooleanArray>()),
        DataType::String => Arc::new(s.str().map_err(polars_error)?.iter().collect::<StringArray>()),
        DataType::Datetime(unit, zone) => {
            let per = match unit {
                TimeUnit::Nanoseconds => 1,
                TimeUnit::Microseconds => 1_000,
                TimeUnit::Milliseconds => 1_000_000,
            };
            let dt = s.datetime().map_err(polars_error)?;
            let ns = frame::scaled_to_nanos(dt.physical().iter(), per, &name)?;
            Arc::new(ns.with_timezone_opt(zone.as_ref().map(|z| z.to_string())))
        }
        DataType::Date => {
            let d = s.date().map_err(polars_error)?;
            let days = d.physical().iter().map(|v| v.map(i64::from));
            Arc::new(frame::scaled_to_nanos(days, 86_400_000_000_000, &name)?)
        }
        other => {
            return Err(Error::invalid_input(format!(
                "column {name:?}: polars {other} is not read here (floats, integers, booleans, text, datetimes, dates)"
            )))
        }
    };
    Ok((Field::new(name, array.data_type().clone(), true), array))
}

/// A polars frame as an Arrow table (column by column).
pub fn polars_to_batch(df: &DataFrame) -> Result<RecordBatch> {
    let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = df
        .get_columns()
        .iter()
        .map(from_polars_column)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .unzip();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| Error::invalid_input(format!("cannot build the table: {e}")))
}

/// The loaded series of a signal as one frame (see [`frame::signal_to_batch`]).
pub fn signal_to_polars(signal: &Signal) -> Result<DataFrame> {
    batch_to_polars(&frame::signal_to_batch(signal)?)
}

/// The loaded series of a dataset as one frame (see [`frame::dataset_to_batch`]).
pub fn dataset_to_polars(dataset: &Dataset) -> Result<DataFrame> {
    batch_to_polars(&frame::dataset_to_batch(dataset)?)
}

/// A dataset with one signal per value column of `df` (see [`frame::dataset_from_batch`]).
pub fn dataset_from_polars(
    name: &str,
    df: &DataFrame,
    time_column: &str,
    units: &str,
) -> Result<Dataset> {
    frame::dataset_from_batch(name, &polars_to_batch(df)?, time_column, units)
}

/// A signal with one series per value column of `df` (see [`frame::signal_from_batch`]).
pub fn signal_from_polars(
    name: &str,
    units: &str,
    df: &DataFrame,
    time_column: &str,
) -> Result<Signal> {
    frame::signal_from_batch(name, units, &polars_to_batch(df)?, time_column)
}
