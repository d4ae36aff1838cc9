//! Series as the record batches pandas receives.
//!
//! The engine holds instants and durations in nanoseconds; pandas 3 makes microsecond indexes
//! by default, and Python meteaudata's users expect the unit they gave back. The index column
//! is converted here, in one pass in Rust, when every value converts exactly, so that pyarrow
//! hands pandas the right unit without another copy in Python.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType, DurationSecondType,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{Array, ArrayRef, PrimitiveArray, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use meteaudata::Series;

/// Nanoseconds in one `unit` (`s`, `ms`, `us`), with its Arrow unit.
fn unit_of(unit: &str) -> Option<(i64, TimeUnit)> {
    match unit {
        "s" => Some((1_000_000_000, TimeUnit::Second)),
        "ms" => Some((1_000_000, TimeUnit::Millisecond)),
        "us" => Some((1_000, TimeUnit::Microsecond)),
        _ => None,
    }
}

fn exact<T: arrow_array::ArrowPrimitiveType<Native = i64>>(a: &PrimitiveArray<T>, f: i64) -> bool {
    a.iter().flatten().all(|v| v % f == 0)
}

/// `column` (nanosecond timestamps or durations) in `unit`, or `None` when it is something
/// else or a value would be rounded.
fn in_unit(column: &ArrayRef, unit: &str) -> Option<ArrayRef> {
    let (f, to) = unit_of(unit)?;
    match column.data_type() {
        DataType::Timestamp(TimeUnit::Nanosecond, tz) => {
            let a = column.as_primitive::<TimestampNanosecondType>();
            if !exact(a, f) {
                return None;
            }
            let tz = tz.clone();
            Some(match to {
                TimeUnit::Second => Arc::new(
                    a.unary::<_, TimestampSecondType>(|v| v / f)
                        .with_timezone_opt(tz),
                ),
                TimeUnit::Millisecond => Arc::new(
                    a.unary::<_, TimestampMillisecondType>(|v| v / f)
                        .with_timezone_opt(tz),
                ),
                _ => Arc::new(
                    a.unary::<_, TimestampMicrosecondType>(|v| v / f)
                        .with_timezone_opt(tz),
                ),
            })
        }
        DataType::Duration(TimeUnit::Nanosecond) => {
            let a = column.as_primitive::<DurationNanosecondType>();
            if !exact(a, f) {
                return None;
            }
            Some(match to {
                TimeUnit::Second => Arc::new(a.unary::<_, DurationSecondType>(|v| v / f)),
                TimeUnit::Millisecond => Arc::new(a.unary::<_, DurationMillisecondType>(|v| v / f)),
                _ => Arc::new(a.unary::<_, DurationMicrosecondType>(|v| v / f)),
            })
        }
        _ => None,
    }
}

/// The record batch of `series` (index column, values column, the engine's schema metadata),
/// its datetime or duration index in `unit` when that loses nothing.
pub fn batch_for_python(series: &Series, unit: Option<&str>) -> RecordBatch {
    let batch = series.to_record_batch();
    let Some(index) = unit.and_then(|u| in_unit(batch.column(0), u)) else {
        return batch;
    };
    let schema = batch.schema();
    let fields = vec![
        Arc::new(Field::new(
            schema.field(0).name(),
            index.data_type().clone(),
            true,
        )),
        Arc::clone(&schema.fields()[1]),
    ];
    let schema = Schema::new(fields).with_metadata(schema.metadata().clone());
    RecordBatch::try_new(Arc::new(schema), vec![index, Arc::clone(batch.column(1))])
        .unwrap_or(batch)
}
