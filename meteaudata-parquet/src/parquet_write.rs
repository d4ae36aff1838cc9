//! Writing one series as a Parquet file, a chunk at a time: explicit encodings, row groups
//! with statistics for range reads, and the key/value metadata that makes the file
//! self-describing (for us) and loadable by pandas (for Python).
//!
//! The Arrow schema (and with it the `pandas` entry) is fixed by the first chunk. What only
//! the whole series knows (its key, the metadata document, the index kind and range bounds,
//! the frequency) is written as plain key/value entries when the file is finished; readers
//! take those over the embedded Arrow schema's.

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Field, Schema};
use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{ChunkShape, StorageKey};
use meteaudata_core::{index_batch_metadata, Error, IndexData, Result, Series};
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnChunk, ArrowRowGroupWriterFactory};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::ColumnPath;
use std::collections::{HashMap, VecDeque};
use std::io::Write;
use std::sync::Arc;

use crate::checksum::{HashingWriter, CHECKSUM_ENTRY, CREATED_BY};
use crate::pandas_meta::pandas_metadata;

/// Key/value entry holding the logical storage key.
pub const KEY_ENTRY: &str = "meteaudata:key";
/// Key/value entry holding the metadata document (YAML), written atomically with the data.
pub const METADATA_ENTRY: &str = "meteaudata:metadata";
/// Key/value entry holding the file's version (issue 18): JSON of a
/// [`VersionInfo`](meteaudata_core::storage::VersionInfo) (`version`, `hash`, `points`,
/// `created`). Python meteaudata ignores it.
pub const VERSION_ENTRY: &str = "meteaudata:version";
/// Rows per row group: small enough for selective range reads, large enough for throughput.
pub const ROW_GROUP_ROWS: usize = 1 << 17;

/// A Parquet file being written (values column first, then the index column, as pandas
/// does). Rows are gathered into row groups of [`ROW_GROUP_ROWS`]; each full group is encoded
/// with one thread per column, up to two groups at once, and appended to the
/// file in order.
pub struct ParquetSeriesWriter<W: Write + Send> {
    file: SerializedFileWriter<HashingWriter<W>>,
    factory: ArrowRowGroupWriterFactory,
    schema: Arc<Schema>,
    key: StorageKey,
    /// Rows of the current row group, not encoded yet.
    pending: Vec<RecordBatch>,
    pending_rows: usize,
    groups: usize,
    /// Row groups being encoded (oldest first), appended to the file in order.
    encoding: VecDeque<Encoders<ArrowColumnChunk>>,
    /// The version the footer records, if any.
    version: Option<meteaudata_core::storage::VersionInfo>,
}

/// The column chunks of one row group, each encoded on a thread of its own.
type Encoders<T> = Vec<std::thread::JoinHandle<parquet::errors::Result<T>>>;

/// Row groups encoded at once: while the values of one are still being compressed, the next
/// one's columns start, so that both cores stay busy.
const GROUPS_IN_FLIGHT: usize = 2;

fn backend_error(
    key: &StorageKey,
    what: &str,
    e: impl std::error::Error + Send + Sync + 'static,
) -> Error {
    Error::backend("disk", format!("{key}: {what}"), e)
}

impl<W: Write + Send> ParquetSeriesWriter<W> {
    /// Starts a file whose columns are those of `first` (which is written too).
    pub fn start(out: W, key: &StorageKey, first: &Series) -> Result<Self> {
        let batch = first.to_record_batch();
        let schema = batch.schema();
        let (index_field, value_field) = (schema.field(0).clone(), schema.field(1).clone());
        let ordered = matches!(
            first.index().data(),
            IndexData::Categorical { ordered: true, .. }
        );
        let meta = HashMap::from([(
            "pandas".to_string(),
            pandas_metadata(&value_field, &index_field, first.index().name(), ordered),
        )]);
        let out_schema = Arc::new(
            Schema::new(vec![value_field.clone(), index_field.clone()]).with_metadata(meta),
        );
        // Chunk statistics by default: page statistics would bring a page index, written
        // after the checksummed data (see `checksum`).
        let mut props = WriterProperties::builder()
            .set_created_by(CREATED_BY.to_string())
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS));
        for f in [&value_field, &index_field] {
            if let Some(enc) = encoding(f) {
                let col = ColumnPath::from(f.name().as_str());
                props = props
                    .set_column_dictionary_enabled(col.clone(), false)
                    .set_column_encoding(col, enc);
            }
        }
        // Range reads prune row groups by the index's statistics; the values' statistics
        // would only cost a min/max pass per page. No page index: nothing reads it, and with
        // none the checksummed data ends where the footer starts (see `checksum`).
        props = props
            .set_column_statistics_enabled(
                ColumnPath::from(value_field.name().as_str()),
                EnabledStatistics::None,
            )
            .set_column_statistics_enabled(
                ColumnPath::from(index_field.name().as_str()),
                EnabledStatistics::Chunk,
            )
            .set_offset_index_disabled(true);
        let writer = ArrowWriter::try_new(
            HashingWriter::new(out),
            Arc::clone(&out_schema),
            Some(props.build()),
        )
        .map_err(|e| backend_error(key, "cannot start Parquet writer", e))?;
        let (file, factory) = writer
            .into_serialized_writer()
            .map_err(|e| backend_error(key, "cannot start Parquet writer", e))?;
        let mut w = ParquetSeriesWriter {
            file,
            factory,
            schema: out_schema,
            key: key.clone(),
            pending: Vec::new(),
            pending_rows: 0,
            groups: 0,
            encoding: VecDeque::new(),
            version: None,
        };
        w.push(first)?;
        Ok(w)
    }

    /// Adds a chunk after those written (the caller checks that it joins; see
    /// [`ChunkShape`]).
    pub fn push(&mut self, chunk: &Series) -> Result<()> {
        if chunk.is_empty() {
            return Ok(());
        }
        let batch = chunk.to_record_batch();
        let mut batch = RecordBatch::try_new(
            Arc::clone(&self.schema),
            vec![Arc::clone(batch.column(1)), Arc::clone(batch.column(0))],
        )
        .map_err(|e| {
            Error::invalid_input(format!(
                "{}: a chunk does not fit the series' columns: {e}",
                self.key
            ))
        })?;
        while batch.num_rows() > 0 {
            let take = (ROW_GROUP_ROWS - self.pending_rows).min(batch.num_rows());
            self.pending.push(batch.slice(0, take));
            self.pending_rows += take;
            batch = batch.slice(take, batch.num_rows() - take);
            if self.pending_rows == ROW_GROUP_ROWS {
                self.flush_group()?;
            }
        }
        Ok(())
    }

    /// Starts encoding the pending rows as one row group, a thread per column; appends the
    /// oldest row group to the file once more than [`GROUPS_IN_FLIGHT`] are being encoded.
    fn flush_group(&mut self) -> Result<()> {
        if self.pending_rows == 0 {
            return Ok(());
        }
        let writers = self
            .factory
            .create_column_writers(self.groups)
            .map_err(|e| backend_error(&self.key, "cannot write Parquet", e))?;
        let pending = Arc::new(std::mem::take(&mut self.pending));
        let handles = writers
            .into_iter()
            .enumerate()
            .map(|(i, mut writer)| {
                let field = Arc::clone(&self.schema.fields()[i]);
                let pending = Arc::clone(&pending);
                std::thread::Builder::new()
                    .name("meteaudata-parquet-column".into())
                    .spawn(move || -> parquet::errors::Result<ArrowColumnChunk> {
                        for batch in pending.iter() {
                            for leaf in compute_leaves(&field, batch.column(i))? {
                                writer.write(&leaf)?;
                            }
                        }
                        writer.close()
                    })
                    .map_err(|e| backend_error(&self.key, "cannot start a Parquet encoder", e))
            })
            .collect::<Result<Vec<_>>>()?;
        self.encoding.push_back(handles);
        self.groups += 1;
        self.pending_rows = 0;
        while self.encoding.len() > GROUPS_IN_FLIGHT {
            self.append_oldest()?;
        }
        Ok(())
    }

    /// Waits for the oldest row group being encoded and appends it to the file.
    fn append_oldest(&mut self) -> Result<()> {
        let Some(handles) = self.encoding.pop_front() else {
            return Ok(());
        };
        let err = |e| backend_error(&self.key, "cannot write Parquet", e);
        // Every thread is joined, even after an error, so none outlives the writer's data.
        let chunks: Vec<_> = handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(parquet::errors::ParquetError::General(
                        "a column encoder stopped unexpectedly".into(),
                    ))
                })
            })
            .collect();
        let chunks = chunks
            .into_iter()
            .collect::<parquet::errors::Result<Vec<_>>>()
            .map_err(err)?;
        let mut group = self.file.next_row_group().map_err(err)?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut group).map_err(err)?;
        }
        group.close().map_err(err)?;
        Ok(())
    }

    /// Makes the footer record `version` (see [`VERSION_ENTRY`]).
    pub fn set_version(&mut self, version: meteaudata_core::storage::VersionInfo) {
        self.version = Some(version);
    }

    /// Writes the footer (key, metadata, the index of the joined `shape`, the version if
    /// set) and returns the output.
    pub fn finish(mut self, metadata: &TimeSeriesMetadata, shape: &ChunkShape) -> Result<W> {
        self.flush_group()?;
        while !self.encoding.is_empty() {
            self.append_oldest()?;
        }
        let mut entries = index_batch_metadata(&shape.index_kind());
        entries.insert(KEY_ENTRY.into(), self.key.to_string());
        entries.insert(METADATA_ENTRY.into(), metadata.to_yaml()?);
        if let Some(v) = &self.version {
            let text = serde_json::to_string(v)
                .map_err(|e| backend_error(&self.key, "cannot write its version", e))?;
            entries.insert(VERSION_ENTRY.into(), text);
        }
        // Every row group is in the file now: the data's checksums are complete.
        self.file
            .flush()
            .map_err(|e| backend_error(&self.key, "cannot write Parquet", e))?;
        entries.insert(CHECKSUM_ENTRY.into(), self.file.inner().entry());
        let mut entries: Vec<_> = entries.into_iter().collect();
        entries.sort();
        for (k, v) in entries {
            self.file.append_key_value_metadata(KeyValue::new(k, v));
        }
        self.file
            .into_inner()
            .map(HashingWriter::into_inner)
            .map_err(|e| backend_error(&self.key, "cannot finish Parquet", e))
    }
}

fn encoding(f: &Field) -> Option<Encoding> {
    match f.data_type() {
        DataType::Float64 | DataType::Float32 => Some(Encoding::BYTE_STREAM_SPLIT),
        DataType::Timestamp(_, _) | DataType::Int64 | DataType::Int32 | DataType::Duration(_) => {
            Some(Encoding::DELTA_BINARY_PACKED)
        }
        _ => None,
    }
}

/// Writes a whole series with its metadata into `out` (one chunk).
pub fn write_series<W: Write + Send>(
    out: W,
    key: &StorageKey,
    series: &Series,
    metadata: &TimeSeriesMetadata,
) -> Result<W> {
    ParquetSeriesWriter::start(out, key, series)?.finish(metadata, &ChunkShape::new(series))
}
