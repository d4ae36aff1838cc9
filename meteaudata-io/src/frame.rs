//! Tables in and out: an Arrow [`RecordBatch`] with a time column becomes series, a signal or a
//! whole dataset (one signal per value column, as `meteaudata import` makes from a CSV file);
//! a signal's or a dataset's series become one table, the way Python meteaudata's
//! `Signal._to_dataframe` joins them: a time column holding the union of their times, sorted,
//! and a column per series named by its full name, null where that series has no point.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Float64Array, RecordBatch, TimestampNanosecondArray};
//! use meteaudata_io::frame;
//!
//! let time = TimestampNanosecondArray::from(vec![0, 60_000_000_000]).with_timezone("UTC");
//! let batch = RecordBatch::try_from_iter([
//!     ("time", Arc::new(time) as _),
//!     ("NH4", Arc::new(Float64Array::from(vec![1.5, f64::NAN])) as _),
//!     ("flow rate", Arc::new(Float64Array::from(vec![10.0, 11.0])) as _),
//! ])?;
//! let ds = frame::dataset_from_batch("plant", &batch, "time", "mg/L")?;
//! assert_eq!(ds.signals().keys().collect::<Vec<_>>(), ["NH4#1", "flow rate#1"]);
//! let table = frame::dataset_to_batch(&ds)?;
//! assert_eq!(table.schema().field(1).name(), "NH4#1_RAW#1");
//! assert_eq!(table.num_rows(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A table holds values only: histories, provenance and index metadata other than the zone
//! stay with the model.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Date64Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, RecordBatch, TimestampNanosecondArray, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use meteaudata_core::{
    DataProvenance, Dataset, Error, IndexData, Result, Series, Signal, TimeZone,
};

const NS_PER_DAY: i64 = 86_400_000_000_000;

/// A signal's base name for a column: characters the naming grammar reserves (`_`, `#`, `/`,
/// `\`, control characters) become `-`; an empty name becomes `value`.
pub fn signal_base(column: &str) -> String {
    let cleaned: String = column
        .trim()
        .chars()
        .map(|c| {
            if matches!(c, '_' | '#' | '/' | '\\') || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    if cleaned.is_empty() {
        "value".into()
    } else {
        cleaned
    }
}

/// `values` scaled to nanoseconds; a value out of the nanosecond range is an error naming
/// its row (never a missing time).
pub(crate) fn scaled_to_nanos(
    values: impl Iterator<Item = Option<i64>>,
    per: i64,
    name: &str,
) -> Result<TimestampNanosecondArray> {
    values
        .enumerate()
        .map(|(row, v)| match v {
            None => Ok(None),
            Some(x) => x.checked_mul(per).map(Some).ok_or_else(|| {
                Error::invalid_input(format!(
                    "column {name:?}, row {row}: a time out of the nanosecond range (1677-2262)"
                ))
            }),
        })
        .collect()
}

/// The time column of a table as nanosecond timestamps (dates are midnights).
fn time_array(column: &ArrayRef, name: &str) -> Result<ArrayRef> {
    Ok(match column.data_type() {
        DataType::Timestamp(_, _) => Arc::clone(column),
        DataType::Date32 => Arc::new(scaled_to_nanos(
            column
                .as_primitive::<Date32Type>()
                .iter()
                .map(|d| d.map(i64::from)),
            NS_PER_DAY,
            name,
        )?),
        DataType::Date64 => Arc::new(scaled_to_nanos(
            column.as_primitive::<Date64Type>().iter(),
            1_000_000,
            name,
        )?),
        other => {
            return Err(Error::invalid_input(format!(
                "the time column {name:?} holds {other}, not timestamps or dates"
            )))
        }
    })
}

/// The value columns of `batch` as series (named after their columns) on the time index read
/// from `time_column` (timestamps of any unit and zone, or dates).
pub fn series_from_batch(batch: &RecordBatch, time_column: &str) -> Result<Vec<Series>> {
    let schema = batch.schema();
    let t = schema.index_of(time_column).map_err(|_| {
        Error::invalid_input(format!(
            "no time column {time_column:?} (columns: {})",
            schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let time = time_array(batch.column(t), time_column)?;
    let mut out = Vec::new();
    for (c, field) in schema.fields().iter().enumerate() {
        if c == t {
            continue;
        }
        let pair = Schema::new(vec![
            Field::new(time_column, time.data_type().clone(), true),
            Field::new(field.name(), field.data_type().clone(), true),
        ]);
        let two = RecordBatch::try_new(
            Arc::new(pair),
            vec![Arc::clone(&time), Arc::clone(batch.column(c))],
        )
        .map_err(|e| Error::invalid_input(format!("column {:?}: {e}", field.name())))?;
        let series = Series::from_record_batch(&two)
            .map_err(|e| Error::invalid_input(format!("column {:?}: {e}", field.name())))?;
        out.push(series);
    }
    Ok(out)
}

/// A dataset with one signal per value column of `batch` (its `RAW` series; the column name
/// is the signal's base and the provenance's parameter), in `units`.
pub fn dataset_from_batch(
    name: &str,
    batch: &RecordBatch,
    time_column: &str,
    units: &str,
) -> Result<Dataset> {
    let mut ds = Dataset::new(name)?;
    for s in series_from_batch(batch, time_column)? {
        let column = s.name().to_string();
        let provenance = DataProvenance {
            parameter: Some(column.clone()),
            ..DataProvenance::default()
        };
        let signal = Signal::new(&signal_base(&column), units)?
            .with_provenance(provenance)
            .with_series(s.with_name("RAW"))?;
        ds.add(signal)?;
    }
    Ok(ds)
}

/// A signal named `name` whose series are the value columns of `batch` (each named after its
/// column, `A#1_RAW#1` giving a `RAW` series); rows where a column is null are left out of its
/// series (a table made by [`signal_to_batch`] gets its series back).
pub fn signal_from_batch(
    name: &str,
    units: &str,
    batch: &RecordBatch,
    time_column: &str,
) -> Result<Signal> {
    let mut signal = Signal::new(name, units)?;
    for s in series_from_batch(batch, time_column)? {
        let present = match s.values().logical_nulls() {
            Some(nulls) => BooleanArray::new(nulls.inner().clone(), None),
            None => {
                signal.add_series(s)?;
                continue;
            }
        };
        let keep: arrow_array::UInt64Array = (0..s.len() as u64)
            .filter(|&i| present.value(i as usize))
            .collect();
        let index = s.index().take(&keep)?;
        let values = arrow_select::take::take(s.values(), &keep, None)
            .map_err(|e| Error::invalid_input(format!("column {:?}: {e}", s.name())))?;
        signal.add_series(Series::new(s.name(), index, values)?)?;
    }
    Ok(signal)
}

/// A series being joined: its name, and its times with their positions, sorted.
struct Column<'a> {
    name: &'a str,
    series: &'a Series,
    labels: Vec<(i64, u64)>,
}

/// Named series as one table: the union of their times (sorted) and a column per series,
/// null where that series has no point. Every series needs a datetime index of one zone (or
/// all naive) without missing or repeated times.
pub fn series_to_batch(series: &[(&str, &Series)]) -> Result<RecordBatch> {
    let mut zone: Option<Option<TimeZone>> = None;
    let mut index_name: Option<Option<String>> = None;
    // Each series with its (time, position) pairs sorted by time.
    let mut columns: Vec<Column<'_>> = Vec::new();
    for (name, s) in series {
        let IndexData::DateTime { values, tz } = s.index().data() else {
            return Err(Error::invalid_input(format!(
                "{name}: only series on a datetime index join into one table"
            )));
        };
        if *zone.get_or_insert(*tz) != *tz {
            return Err(Error::invalid_input(format!(
                "{name}: its zone differs from the other series'"
            )));
        }
        if values.null_count() > 0 {
            return Err(Error::invalid_input(format!(
                "{name}: its index has missing times"
            )));
        }
        let same_name = index_name.get_or_insert(s.index().name().map(str::to_string));
        if same_name.as_deref() != s.index().name() {
            *same_name = None;
        }
        let mut labels: Vec<(i64, u64)> = values
            .values()
            .iter()
            .enumerate()
            .map(|(i, &t)| (t, i as u64))
            .collect();
        labels.sort_unstable();
        if let Some(w) = labels.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Error::invalid_input(format!(
                "{name}: the time {} appears twice; a table holds one value per time and series",
                s.index().label(w[0].1 as usize)
            )));
        }
        columns.push(Column {
            name,
            series: s,
            labels,
        });
    }
    let mut union: Vec<i64> = columns
        .iter()
        .flat_map(|c| c.labels.iter().map(|x| x.0))
        .collect();
    union.sort_unstable();
    union.dedup();
    let zone = zone.flatten();
    let time = TimestampNanosecondArray::from(union.clone())
        .with_timezone_opt(zone.map(|z| z.arrow_name()));
    let time_name = index_name.flatten().unwrap_or_else(|| "time".to_string());
    let mut fields = vec![Field::new(&time_name, time.data_type().clone(), false)];
    let mut arrays: Vec<ArrayRef> = vec![Arc::new(time)];
    for Column {
        name,
        series: s,
        labels,
    } in columns
    {
        // Both sorted: walk them together.
        let mut at = labels.iter().peekable();
        let take: UInt64Array = union
            .iter()
            .map(|t| match at.peek() {
                Some((l, i)) if l == t => {
                    let i = *i;
                    at.next();
                    Some(i)
                }
                _ => None,
            })
            .collect();
        let column = arrow_select::take::take(s.values(), &take, None)
            .map_err(|e| Error::invalid_input(format!("{name}: {e}")))?;
        fields.push(Field::new(name, column.data_type().clone(), true));
        arrays.push(column);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| Error::invalid_input(format!("cannot build the table: {e}")))
}

/// The loaded series of `signal` as one table (see [`series_to_batch`]), Python's
/// `Signal._to_dataframe`.
pub fn signal_to_batch(signal: &Signal) -> Result<RecordBatch> {
    let mut named = Vec::new();
    for (name, ts) in signal.time_series() {
        named.push((name.as_str(), ts.series()?));
    }
    series_to_batch(&named)
}

/// The loaded series of every signal of `dataset` as one table (see [`series_to_batch`]).
pub fn dataset_to_batch(dataset: &Dataset) -> Result<RecordBatch> {
    let mut named = Vec::new();
    for signal in dataset.signals().values() {
        for (name, ts) in signal.time_series() {
            named.push((name.as_str(), ts.series()?));
        }
    }
    series_to_batch(&named)
}
