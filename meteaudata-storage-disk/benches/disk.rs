//! Disk backend throughput beside a bare arrow-rs Parquet write/read of the same arrays (the bare
//! read collects the arrays into memory, as a caller needs them).
//!
//! `cargo bench -p meteaudata-storage-disk` (sizes: `METEAUDATA_BENCH_SIZES=1000000,10000000`).

use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::TimeSeries;
use meteaudata_storage_disk::DiskBackend;
use meteaudata_testkit::generated::sensor_series;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use std::fs::File;
use std::time::{Duration, Instant};

fn best<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// A bare arrow-rs read of a whole file into memory (one contiguous batch, as a caller needs
/// the arrays); returns the row count.
fn bare_read_rows(path: &std::path::Path) -> usize {
    let f = File::open(path).expect("open");
    let b = ParquetRecordBatchReaderBuilder::try_new(f).expect("reader");
    let schema = b.schema().clone();
    let batches: Vec<_> = b
        .build()
        .expect("build")
        .map(|b| b.expect("batch"))
        .collect();
    arrow_select::concat::concat_batches(&schema, &batches)
        .expect("concat")
        .num_rows()
}

fn rate(n: usize, d: Duration) -> String {
    format!(
        "{:>8.1} M points/s ({:>8.2} ms)",
        n as f64 / d.as_secs_f64() / 1e6,
        d.as_secs_f64() * 1e3
    )
}

fn main() {
    let sizes: Vec<usize> = std::env::var("METEAUDATA_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000_000, 10_000_000]);
    let dir = tempfile::tempdir().expect("temp dir");
    for n in sizes {
        let series = sensor_series("Q#1_RAW#1", n, 1_000_000_000, "s");
        let ts = TimeSeries::new(series.clone());
        let meta = ts.metadata();
        let backend = DiskBackend::new(dir.path().join("store"));
        let key: StorageKey = "bench/Q#1/RAW#1".parse().expect("key");
        let runs = if n >= 10_000_000 { 3 } else { 5 };

        let save = best(runs, || backend.save(&key, &series, &meta).expect("save"));
        // The same overwrite without versions (no content hash, no archived copy).
        let plain = DiskBackend::new(dir.path().join("plain")).without_versions();
        let plain_save = best(runs, || plain.save(&key, &series, &meta).expect("save"));
        plain.cleanup().expect("cleanup");
        let load = best(runs, || {
            let (s, _) = backend.load(&key).expect("load");
            assert_eq!(s.len(), n);
        });
        // The content hash a versioned save computes (issue 18).
        let hash = best(runs, || {
            std::hint::black_box(series.content_hash().expect("hash"));
        });

        let batch = series.to_record_batch();
        let bare_path = dir.path().join("bare.parquet");
        let bare_write = best(runs, || {
            let f = File::create(&bare_path).expect("create");
            let mut w = ArrowWriter::try_new(f, batch.schema(), None).expect("writer");
            w.write(&batch).expect("write");
            w.close().expect("close");
        });
        let bare_read = best(runs, || assert_eq!(bare_read_rows(&bare_path), n));
        // The same encodings as the backend (zstd, BYTE_STREAM_SPLIT, DELTA_BINARY_PACKED), no
        // fsync, no metadata: what the file format itself costs.
        let same_path = dir.path().join("same.parquet");
        let same_props = || {
            use parquet::basic::{Compression, Encoding, ZstdLevel};
            use parquet::file::properties::WriterProperties;
            use parquet::schema::types::ColumnPath;
            let schema = batch.schema();
            let (idx, val) = (
                schema.field(0).name().as_str(),
                schema.field(1).name().as_str(),
            );
            WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::default()))
                .set_column_dictionary_enabled(ColumnPath::from(idx), false)
                .set_column_encoding(ColumnPath::from(idx), Encoding::DELTA_BINARY_PACKED)
                .set_column_dictionary_enabled(ColumnPath::from(val), false)
                .set_column_encoding(ColumnPath::from(val), Encoding::BYTE_STREAM_SPLIT)
                .build()
        };
        let same_write = best(runs, || {
            let f = File::create(&same_path).expect("create");
            let mut w =
                ArrowWriter::try_new(f, batch.schema(), Some(same_props())).expect("writer");
            w.write(&batch).expect("write");
            w.close().expect("close");
        });
        // ... and made durable (fsync), as every backend save is.
        let same_write_sync = best(runs, || {
            let f = File::create(&same_path).expect("create");
            let mut w =
                ArrowWriter::try_new(f, batch.schema(), Some(same_props())).expect("writer");
            w.write(&batch).expect("write");
            let f = w.into_inner().expect("finish");
            f.sync_all().expect("fsync");
        });
        let ours = dir.path().join("store/bench_Q#1_RAW#1.parquet");
        let bare_read_ours = best(runs, || assert_eq!(bare_read_rows(&ours), n));
        let size = backend.size_on_disk().expect("size").unwrap_or(0);
        let bare_size = std::fs::metadata(&bare_path).map(|m| m.len()).unwrap_or(0);
        println!("{n} points");
        println!("  backend save     {}", rate(n, save));
        println!(
            "  save without versions {}   versioned/unversioned {:.3}",
            rate(n, plain_save),
            save.as_secs_f64() / plain_save.as_secs_f64()
        );
        println!(
            "  content hash     {}   {:.1}% of a save",
            rate(n, hash),
            100.0 * hash.as_secs_f64() / save.as_secs_f64()
        );
        println!(
            "  bare write       {}   ratio {:.2}",
            rate(n, bare_write),
            save.as_secs_f64() / bare_write.as_secs_f64()
        );
        println!(
            "  bare write, same encodings {}   ratio {:.2}",
            rate(n, same_write),
            save.as_secs_f64() / same_write.as_secs_f64()
        );
        println!(
            "  bare write, same encodings + fsync {}   ratio {:.2}",
            rate(n, same_write_sync),
            save.as_secs_f64() / same_write_sync.as_secs_f64()
        );
        println!("  backend load     {}", rate(n, load));
        println!(
            "  bare read        {}   ratio {:.2}",
            rate(n, bare_read),
            load.as_secs_f64() / bare_read.as_secs_f64()
        );
        println!(
            "  bare read of the backend's file (same encodings) {}   ratio {:.2}",
            rate(n, bare_read_ours),
            load.as_secs_f64() / bare_read_ours.as_secs_f64()
        );
        println!(
            "  files: backend {:.1} MB, bare (defaults) {:.1} MB",
            size as f64 / 1e6,
            bare_size as f64 / 1e6
        );
    }
}
