//! Reading one series from a Parquet file, whole or a chunk at a time: ours (self-describing,
//! with the key and the metadata document in the footer) or pandas' (Python meteaudata's
//! files), with only the row groups that can hold points of a time window.

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use meteaudata_core::storage::TimeRange;
use meteaudata_core::{batch_keys, Error, Index, IndexData, Result, Series};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::{parquet_to_arrow_field_levels, ProjectionMask};

use crate::checksum::{CheckedFile, CHECKSUM_ENTRY};
use crate::level_check::CheckedGroups;
use crate::page_check::{check_footer, check_pages};
use crate::source::ReadAt;
use parquet::file::statistics::Statistics;
use std::collections::HashMap;
use std::sync::Arc;

use crate::pandas_meta::{pandas_index, PandasIndex};
use crate::parquet_write::{KEY_ENTRY, METADATA_ENTRY, VERSION_ENTRY};

pub(crate) fn corrupt(location: &str, message: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        location: location.to_string(),
        message: message.to_string(),
    }
}

/// Runs `f`, a call into the `parquet` crate, with a panic turned into `Corrupt`: the crate
/// panics on some damaged files instead of returning an error. Every such file the
/// `parquet_read` fuzz target found is now refused before the crate sees it (page headers:
/// `page_check`; definition levels: `level_check`); this stays for the ones not found yet.
/// Files with our checksums never reach it damaged; files without them (Python's) are read
/// unverified.
fn contained<T>(path: &str, f: impl FnOnce() -> T) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        corrupt(path, format!("the Parquet decoder failed: {why}"))
    })
}

/// What the footer of a data file says.
#[derive(Debug, Clone)]
pub struct Footer {
    /// The logical key (absent in files Python wrote).
    pub key: Option<String>,
    /// The metadata document (absent in files Python wrote).
    pub metadata: Option<String>,
    /// The version entry's text (absent in files Python wrote and in files written before
    /// versions); [`Footer::version_info`] reads it.
    pub version: Option<String>,
}

impl Footer {
    /// The version this file records, if it records one; an entry that is not a version is
    /// [`Corrupt`](meteaudata_core::ErrorKind::Corrupt) (`location` names the file).
    pub fn version_info(
        &self,
        location: &str,
    ) -> Result<Option<meteaudata_core::storage::VersionInfo>> {
        self.version
            .as_deref()
            .map(|text| {
                serde_json::from_str(text)
                    .map_err(|e| corrupt(location, format!("its version entry is damaged: {e}")))
            })
            .transpose()
    }

    /// The key the data file named `<stem>.parquet` holds: the one its footer records, or
    /// for files Python wrote, the one its name says.
    pub fn key_of(&self, stem: &str) -> Option<meteaudata_core::storage::StorageKey> {
        match &self.key {
            Some(k) => meteaudata_core::storage::StorageKey::new(k.as_str()).ok(),
            None => crate::layout::key_from_python_stem(stem),
        }
    }
}

fn open(
    file: Arc<dyn ReadAt>,
) -> Result<(CheckedFile, ParquetRecordBatchReaderBuilder<CheckedFile>)> {
    let path = file.location().to_string();
    let path = path.as_str();
    // Its Thrift structure is checked before the `parquet` crate decodes it (see page_check).
    check_footer(file.as_ref())?;
    // The footer of a file without checksums is decoded unverified here too.
    let file = contained(path, || CheckedFile::open(file))??;
    let builder = contained(path, || {
        ParquetRecordBatchReaderBuilder::try_new(file.clone())
    })?
    .map_err(|e| corrupt(path, e))?;
    Ok((file, builder))
}

fn footer_of(meta: &HashMap<String, String>) -> Footer {
    Footer {
        key: meta.get(KEY_ENTRY).cloned(),
        metadata: meta.get(METADATA_ENTRY).cloned(),
        version: meta.get(VERSION_ENTRY).cloned(),
    }
}

/// Reads only the footer.
pub fn read_footer(file: Arc<dyn ReadAt>) -> Result<Footer> {
    let (_, builder) = open(file)?;
    let meta: HashMap<String, String> = builder.schema().metadata().into();
    Ok(footer_of(&meta))
}

/// How the index of the file is stored.
#[derive(Debug, Clone)]
enum IndexSource {
    /// In this column.
    Column(usize),
    /// A range with no column (pandas' RangeIndex, or a file without index).
    Range {
        start: i64,
        step: i64,
        name: Option<String>,
    },
}

/// The batches of one file and how to turn each into a [`Series`].
pub struct ParquetScan {
    path: String,
    reader: ParquetRecordBatchReader,
    meta: HashMap<String, String>,
    schema: Arc<Schema>,
    ours: bool,
    index: IndexSource,
    value_col: usize,
    value_field: Field,
    index_field: Option<Field>,
    /// For our range indexes: (start, step) of the whole series.
    range: Option<(i64, i64)>,
    frequency: Option<String>,
    window: Option<TimeRange>,
    /// Position of the next batch's first row (meaningful without a window).
    at: usize,
    /// Whether the decoder failed (an error or a panic, see [`contained`]): the scan is over.
    failed: bool,
    /// The footer.
    pub footer: Footer,
    /// Rows the selected row groups hold.
    pub rows: usize,
}

impl ParquetScan {
    /// Opens `file` for reading `batch` rows at a time (`None`: every selected row in one
    /// batch), only the row groups that can hold points of `window` (when the index is a
    /// datetime column). `frequency` restores an index frequency that foreign files do not
    /// carry.
    pub fn open(
        file: Arc<dyn ReadAt>,
        window: Option<TimeRange>,
        batch: Option<usize>,
        frequency: Option<&str>,
    ) -> Result<Self> {
        let location = file.location().to_string();
        let path = location.as_str();
        let (checked, builder) = open(Arc::clone(&file))?;
        let schema = Arc::clone(builder.schema());
        let meta: HashMap<String, String> = schema.metadata().into();
        let footer = footer_of(&meta);
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
        if let Some(ic) = index_col {
            if ic >= schema.fields().len() {
                return Err(corrupt(path, "no index column"));
            }
        }
        if window.is_some() {
            let is_time = index_col.is_some_and(|ic| {
                matches!(schema.field(ic).data_type(), DataType::Timestamp(_, _))
            });
            if !is_time {
                return Err(Error::invalid_input(format!(
                    "{path}: a time window needs a datetime index"
                )));
            }
        }
        let mut selected: Vec<usize> = (0..builder.metadata().num_row_groups()).collect();
        if let (Some(r), Some(ic)) = (window, index_col) {
            selected = groups_meeting(&builder, schema.field(ic), r);
        }
        // Row counts come from the footer: a damaged one may claim any numbers.
        let rows = selected
            .iter()
            .map(|&g| builder.metadata().row_group(g).num_rows())
            .try_fold(0i64, |sum, n| sum.checked_add(n).filter(|_| n >= 0))
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| corrupt(path, "the footer's row counts are not valid"))?;
        // Files without checksums: page headers are checked before the decoder trusts them.
        let verified = builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .is_some_and(|kv| kv.iter().any(|e| e.key == CHECKSUM_ENTRY));
        if !verified {
            check_pages(file.as_ref(), builder.metadata(), &selected)?;
        }
        let batch_size = batch.unwrap_or(rows).min(rows).max(1);
        // The decoder reads pages whose definition levels are checked first (see level_check).
        let levels = parquet_to_arrow_field_levels(
            builder.parquet_schema(),
            ProjectionMask::all(),
            Some(schema.fields()),
        )
        .map_err(|e| corrupt(path, e))?;
        let groups = CheckedGroups {
            file: Arc::new(checked),
            meta: Arc::clone(builder.metadata()),
            groups: selected,
        };
        let reader = contained(path, || {
            ParquetRecordBatchReader::try_new_with_row_groups(&levels, &groups, batch_size, None)
        })?
        .map_err(|e| corrupt(path, e))?;
        let index = match (index_col, &pandas) {
            (Some(ic), _) => IndexSource::Column(ic),
            (
                None,
                Some(PandasIndex::Range {
                    start, step, name, ..
                }),
            ) => IndexSource::Range {
                start: *start,
                step: *step,
                name: name.clone(),
            },
            (None, _) => IndexSource::Range {
                start: 0,
                step: 1,
                name: None,
            },
        };
        if let IndexSource::Range { step: 0, .. } = index {
            return Err(corrupt(path, "a range index with step 0"));
        }
        let range = if ours && meta.get(batch_keys::INDEX_KIND).map(String::as_str) == Some("range")
        {
            let parts: Vec<i64> = meta
                .get(batch_keys::RANGE)
                .map(|r| r.split(',').filter_map(|p| p.parse().ok()).collect())
                .unwrap_or_default();
            match parts[..] {
                [start, _, step] if step != 0 => Some((start, step)),
                _ => return Err(corrupt(path, "index column does not hold a valid range")),
            }
        } else {
            None
        };
        Ok(ParquetScan {
            path: location.clone(),
            reader,
            ours,
            index,
            value_col,
            value_field: schema.field(value_col).clone(),
            index_field: index_col.map(|ic| schema.field(ic).clone()),
            range,
            frequency: frequency.map(str::to_string),
            window,
            at: 0,
            failed: false,
            footer,
            rows,
            meta,
            schema,
        })
    }

    /// The series of one batch (cut to the window).
    fn series_of(&mut self, batch: &RecordBatch) -> Result<Series> {
        let path = self.path.clone();
        let n = batch.num_rows();
        let offset = self.at;
        self.at += n;
        let mut values: ArrayRef = Arc::clone(batch.column(self.value_col));
        if !self.ours && values.null_count() > 0 {
            // pandas writes missing floats as Parquet nulls and reads them back as NaN.
            values = nulls_to_nan(&values);
        }
        let series = match (&self.index, self.range) {
            (IndexSource::Column(_), Some((start, step))) => {
                let s = start.wrapping_add((offset as i64).wrapping_mul(step));
                let mut index = Index::new(IndexData::Range {
                    start: s,
                    stop: s.wrapping_add((n as i64).wrapping_mul(step)),
                    step,
                })
                .map_err(|e| corrupt(&path, e))?;
                let field = self.index_field.as_ref().map(|f| f.name().as_str());
                if field != Some(batch_keys::UNNAMED_INDEX) {
                    index.set_name(field.map(str::to_string));
                }
                index.set_frequency(self.meta.get(batch_keys::FREQUENCY).cloned());
                Series::new(self.value_field.name().clone(), index, values)
                    .map_err(|e| corrupt(&path, e))?
            }
            (IndexSource::Column(ic), None) => {
                let index_field = self
                    .index_field
                    .clone()
                    .ok_or_else(|| corrupt(&path, "no index"))?;
                let ordered_schema = Schema::new(vec![index_field, self.value_field.clone()])
                    .with_metadata(if self.ours {
                        self.meta.clone()
                    } else {
                        HashMap::new()
                    });
                let b = RecordBatch::try_new(
                    Arc::new(ordered_schema),
                    vec![Arc::clone(batch.column(*ic)), values],
                )
                .map_err(|e| corrupt(&path, e))?;
                let mut s = Series::from_record_batch(&b).map_err(|e| corrupt(&path, e))?;
                if !self.ours {
                    if s.index().name() == Some(batch_keys::UNNAMED_INDEX) {
                        s.index_mut().set_name(None);
                    }
                    if matches!(
                        s.index().data(),
                        IndexData::DateTime { .. } | IndexData::Timedelta(_)
                    ) {
                        s.index_mut().set_frequency(self.frequency.clone());
                    }
                }
                s
            }
            (IndexSource::Range { start, step, name }, _) => {
                let s = start.wrapping_add((offset as i64).wrapping_mul(*step));
                let mut index = Index::new(IndexData::Range {
                    start: s,
                    stop: s.wrapping_add((n as i64).wrapping_mul(*step)),
                    step: *step,
                })
                .map_err(|e| corrupt(&path, e))?;
                index.set_name(name.clone());
                Series::new(self.value_field.name().clone(), index, values)
                    .map_err(|e| corrupt(&path, e))?
            }
        };
        match self.window {
            Some(r) => series.time_window(r),
            None => Ok(series),
        }
    }
}

impl Iterator for ParquetScan {
    type Item = Result<Series>;

    fn next(&mut self) -> Option<Result<Series>> {
        if self.failed {
            return None;
        }
        let batch = match contained(&self.path, || self.reader.next()) {
            Ok(None) => return None,
            Ok(Some(Ok(b))) => b,
            // The reader's state is unknown after an error or a panic (one column may have
            // read its rows and another not, so later batches could pair values with the
            // wrong timestamps): the scan ends with the error.
            Ok(Some(Err(e))) => {
                self.failed = true;
                return Some(Err(corrupt(&self.path, e)));
            }
            Err(e) => {
                self.failed = true;
                return Some(Err(e));
            }
        };
        Some(self.series_of(&batch))
    }
}

/// The row groups whose timestamp statistics meet `r` (all of them without statistics).
fn groups_meeting(
    builder: &ParquetRecordBatchReaderBuilder<CheckedFile>,
    field: &Field,
    r: TimeRange,
) -> Vec<usize> {
    let scale = match field.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => 1_000_000_000,
        DataType::Timestamp(TimeUnit::Millisecond, _) => 1_000_000,
        DataType::Timestamp(TimeUnit::Microsecond, _) => 1_000,
        _ => 1,
    };
    let all = || (0..builder.metadata().num_row_groups()).collect();
    let Some(leaf) = builder
        .parquet_schema()
        .columns()
        .iter()
        .position(|c| c.name() == field.name())
    else {
        return all();
    };
    builder
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
        .collect()
}

/// Reads a whole series (or the points of `range`) in one batch. Returns the series and the
/// footer.
pub fn read_series(
    file: Arc<dyn ReadAt>,
    range: Option<TimeRange>,
    frequency: Option<&str>,
) -> Result<(Series, Footer)> {
    // One batch for the whole selection: no concatenation copy afterwards.
    let mut scan = ParquetScan::open(file, range, None, frequency)?;
    let footer = scan.footer.clone();
    let parts = scan.by_ref().collect::<Result<Vec<_>>>()?;
    let series = match parts.as_slice() {
        [] => scan.empty()?,
        [one] => one.clone(),
        many => Series::concat(many)?,
    };
    Ok((series, footer))
}

impl ParquetScan {
    /// This scan as a backend's [`SeriesScan`](meteaudata_core::storage::SeriesScan) of a
    /// key whose metadata is `metadata`: its chunks decoded a chunk ahead on a thread of their
    /// own, or one empty series when no row is selected (a scan yields at least one chunk).
    pub fn into_series_scan(
        mut self,
        metadata: meteaudata_core::metadata::TimeSeriesMetadata,
    ) -> Result<meteaudata_core::storage::SeriesScan<'static>> {
        use meteaudata_core::storage::{prefetched, SeriesScan};
        if self.rows == 0 {
            let empty = self.empty()?;
            return Ok(SeriesScan::new(metadata, std::iter::once(Ok(empty))));
        }
        Ok(SeriesScan::new(metadata, prefetched(self, 1)))
    }

    /// The series with no point, of this file's kind.
    pub fn empty(&mut self) -> Result<Series> {
        let batch = RecordBatch::new_empty(Arc::clone(&self.schema));
        self.series_of(&batch)
    }
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
