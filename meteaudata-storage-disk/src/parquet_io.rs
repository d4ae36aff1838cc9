//! Writing and reading one series as a Parquet file: explicit encodings, row groups with
//! statistics for range reads, and the key/value metadata that makes the file self-describing
//! (for us) and loadable by pandas (for Python).

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{StorageKey, TimeRange};
use meteaudata_core::{batch_keys, Error, Index, IndexData, Result, Series};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::file::statistics::Statistics;
use parquet::schema::types::ColumnPath;
use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use crate::pandas_meta::{pandas_index, pandas_metadata, PandasIndex};

/// Key/value entry holding the logical storage key.
pub const KEY_ENTRY: &str = "meteaudata:key";
/// Key/value entry holding the metadata document (YAML), written atomically with the data.
pub const METADATA_ENTRY: &str = "meteaudata:metadata";
/// Rows per row group: small enough for selective range reads, large enough for throughput.
pub const ROW_GROUP_ROWS: usize = 1 << 17;

fn corrupt(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        location: path.display().to_string(),
        message: message.to_string(),
    }
}

/// Writes `series` (values column first, then the index column, as pandas does) with its
/// metadata into `out`.
pub fn write_series<W: Write + Send>(
    out: W,
    key: &StorageKey,
    series: &Series,
    metadata: &TimeSeriesMetadata,
) -> Result<()> {
    let batch = series.to_record_batch();
    let schema = batch.schema();
    let (index_field, value_field) = (schema.field(0).clone(), schema.field(1).clone());
    let mut meta: HashMap<String, String> = schema.metadata().into();
    meta.insert(KEY_ENTRY.into(), key.to_string());
    meta.insert(METADATA_ENTRY.into(), metadata.to_yaml()?);
    let ordered = matches!(
        series.index().data(),
        IndexData::Categorical { ordered: true, .. }
    );
    meta.insert(
        "pandas".into(),
        pandas_metadata(&value_field, &index_field, series.index().name(), ordered),
    );
    let out_schema =
        Arc::new(Schema::new(vec![value_field.clone(), index_field.clone()]).with_metadata(meta));
    let out_batch = RecordBatch::try_new(
        Arc::clone(&out_schema),
        vec![Arc::clone(batch.column(1)), Arc::clone(batch.column(0))],
    )
    .map_err(|e| Error::invalid_input(format!("{key}: {e}")))?;

    let mut props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS));
    for f in [&value_field, &index_field] {
        let encoding = match f.data_type() {
            DataType::Float64 | DataType::Float32 => Some(Encoding::BYTE_STREAM_SPLIT),
            DataType::Timestamp(_, _)
            | DataType::Int64
            | DataType::Int32
            | DataType::Duration(_) => Some(Encoding::DELTA_BINARY_PACKED),
            _ => None,
        };
        if let Some(enc) = encoding {
            let col = ColumnPath::from(f.name().as_str());
            props = props
                .set_column_dictionary_enabled(col.clone(), false)
                .set_column_encoding(col, enc);
        }
    }
    let mut writer = ArrowWriter::try_new(out, out_schema, Some(props.build()))
        .map_err(|e| Error::backend("disk", format!("{key}: cannot start Parquet writer"), e))?;
    writer
        .write(&out_batch)
        .map_err(|e| Error::backend("disk", format!("{key}: cannot write Parquet"), e))?;
    writer
        .close()
        .map_err(|e| Error::backend("disk", format!("{key}: cannot finish Parquet"), e))?;
    Ok(())
}

/// What the footer of a data file says.
#[derive(Debug, Clone)]
pub struct Footer {
    /// The logical key (absent in files Python wrote).
    pub key: Option<String>,
    /// The metadata document (absent in files Python wrote).
    pub metadata: Option<String>,
}

fn open(path: &Path) -> Result<ParquetRecordBatchReaderBuilder<File>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| corrupt(path, e))
}

/// Reads only the footer.
pub fn read_footer(path: &Path) -> Result<Footer> {
    let builder = open(path)?;
    let meta: HashMap<String, String> = builder.schema().metadata().into();
    Ok(Footer {
        key: meta.get(KEY_ENTRY).cloned(),
        metadata: meta.get(METADATA_ENTRY).cloned(),
    })
}

/// Reads a series, optionally only the row groups that can hold points of `range` (the result
/// is then cut exactly). `frequency` restores an index frequency that foreign files do not
/// carry. Returns the series and the footer.
pub fn read_series(
    path: &Path,
    range: Option<TimeRange>,
    frequency: Option<&str>,
) -> Result<(Series, Footer)> {
    let mut builder = open(path)?;
    let schema = Arc::clone(builder.schema());
    let meta: HashMap<String, String> = schema.metadata().into();
    let footer = Footer {
        key: meta.get(KEY_ENTRY).cloned(),
        metadata: meta.get(METADATA_ENTRY).cloned(),
    };
    let ours = meta.contains_key(batch_keys::INDEX_KIND);
    let pandas = meta.get("pandas").and_then(|p| pandas_index(p));
    let index_col = match (&pandas, ours) {
        (_, true) => Some(1),
        (Some(PandasIndex::Column(name)), _) => Some(
            schema
                .index_of(name)
                .map_err(|_| corrupt(path, format!("index column {name:?} is missing")))?,
        ),
        (Some(PandasIndex::Range { .. }), _) => None,
        (None, _) if schema.fields().len() == 2 => Some(1),
        (None, _) => None,
    };
    let value_col = (0..schema.fields().len())
        .find(|i| Some(*i) != index_col)
        .ok_or_else(|| corrupt(path, "no value column"))?;

    let mut selected_rows: Option<i64> = None;
    if let (Some(r), Some(ic)) = (range, index_col) {
        if matches!(schema.field(ic).data_type(), DataType::Timestamp(_, _)) {
            let scale = match schema.field(ic).data_type() {
                DataType::Timestamp(arrow_schema::TimeUnit::Second, _) => 1_000_000_000,
                DataType::Timestamp(arrow_schema::TimeUnit::Millisecond, _) => 1_000_000,
                DataType::Timestamp(arrow_schema::TimeUnit::Microsecond, _) => 1_000,
                _ => 1,
            };
            let leaf = builder
                .parquet_schema()
                .columns()
                .iter()
                .position(|c| c.name() == schema.field(ic).name());
            if let Some(leaf) = leaf {
                let groups: Vec<usize> = builder
                    .metadata()
                    .row_groups()
                    .iter()
                    .enumerate()
                    .filter(|(_, rg)| match rg.column(leaf).statistics() {
                        Some(Statistics::Int64(s)) => match (s.min_opt(), s.max_opt()) {
                            (Some(&lo), Some(&hi)) => {
                                let (lo, hi) = (lo.saturating_mul(scale), hi.saturating_mul(scale));
                                r.start.is_none_or(|st| hi >= st) && r.end.is_none_or(|en| lo < en)
                            }
                            _ => true,
                        },
                        _ => true,
                    })
                    .map(|(i, _)| i)
                    .collect();
                selected_rows = Some(
                    groups
                        .iter()
                        .map(|&g| builder.metadata().row_group(g).num_rows())
                        .sum::<i64>(),
                );
                builder = builder.with_row_groups(groups);
            }
        }
    }
    // One batch for the whole selection: no concatenation copy afterwards.
    let rows: i64 = selected_rows.unwrap_or_else(|| {
        builder
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .sum()
    });
    let reader = builder
        .with_batch_size(usize::try_from(rows).unwrap_or(usize::MAX).max(1))
        .build()
        .map_err(|e| corrupt(path, e))?;
    let mut batches = Vec::new();
    for b in reader {
        batches.push(b.map_err(|e| corrupt(path, e))?);
    }
    let whole = if batches.len() == 1 {
        batches.swap_remove(0)
    } else {
        arrow_select::concat::concat_batches(&schema, &batches).map_err(|e| corrupt(path, e))?
    };
    let mut values: ArrayRef = Arc::clone(whole.column(value_col));
    if !ours && values.null_count() > 0 {
        // pandas writes missing floats as Parquet nulls and reads them back as NaN.
        values = nulls_to_nan(&values);
    }
    let value_field = schema.field(value_col).clone();
    let series = match index_col {
        Some(ic) => {
            let index_field: Field = schema.field(ic).clone();
            let ordered_schema = Schema::new(vec![index_field, value_field])
                .with_metadata(if ours { meta.clone() } else { HashMap::new() });
            let batch = RecordBatch::try_new(
                Arc::new(ordered_schema),
                vec![Arc::clone(whole.column(ic)), values],
            )
            .map_err(|e| corrupt(path, e))?;
            let mut s = Series::from_record_batch(&batch).map_err(|e| corrupt(path, e))?;
            if !ours {
                if s.index().name() == Some("__index_level_0__") {
                    s.index_mut().set_name(None);
                }
                if matches!(
                    s.index().data(),
                    IndexData::DateTime { .. } | IndexData::Timedelta(_)
                ) {
                    s.index_mut().set_frequency(frequency.map(str::to_string));
                }
            }
            s
        }
        None => {
            let (start, stop, step, name) = match pandas {
                Some(PandasIndex::Range {
                    start,
                    stop,
                    step,
                    name,
                }) => (start, stop, step, name),
                _ => (0, values.len() as i64, 1, None),
            };
            let mut index =
                Index::new(IndexData::Range { start, stop, step }).map_err(|e| corrupt(path, e))?;
            index.set_name(name);
            Series::new(value_field.name().clone(), index, values).map_err(|e| corrupt(path, e))?
        }
    };
    let series = match range {
        Some(r) => series.time_window(r)?,
        None => series,
    };
    Ok((series, footer))
}

/// Float nulls become NaN (pandas' missing value); other arrays are returned as they are.
fn nulls_to_nan(values: &ArrayRef) -> ArrayRef {
    use arrow_array::{Float32Array, Float64Array};
    if let Some(a) = values.as_any().downcast_ref::<Float64Array>() {
        return Arc::new(
            a.iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect::<Float64Array>(),
        );
    }
    if let Some(a) = values.as_any().downcast_ref::<Float32Array>() {
        return Arc::new(
            a.iter()
                .map(|v| v.unwrap_or(f32::NAN))
                .collect::<Float32Array>(),
        );
    }
    Arc::clone(values)
}
