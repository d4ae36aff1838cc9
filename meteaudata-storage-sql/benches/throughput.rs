//! Save and load throughput: 10^6 points (UTC datetimes, floats with some NaN) per database,
//! printed as points per second. SQLite always; PostgreSQL and MySQL/MariaDB when
//! `METEAUDATA_PG_URL` / `METEAUDATA_MYSQL_URL` are set (each in a fresh schema/database,
//! dropped afterwards). `cargo bench -p meteaudata-storage-sql --all-features`; set
//! `BENCH_POINTS` to change the size and `BENCH_RUNS` the number of runs (best is reported).
//!
//! Loads are compared with a bare Parquet read of the same points (the `parquet` crate's Arrow
//! reader over a file in the disk backend's encodings, zstd, and over an uncompressed one): the
//! floor for reading stored points into Arrow arrays on this machine.
//!
//! The plain-SQL view `meteaudata_points` is timed too, through the database's own SQL
//! (`count(*)`, `avg(value)`): over the whole series, over a 1% window with the block bounds
//! (`block_t_max >= t0 AND block_t_min < t1`, read through the block index) and over the same
//! window without them (every block of the key decoded).
//!
//! Python meteaudata's own layout (`PythonSqlBackend`, a row per point) is timed on the same
//! databases, save and load.

use std::time::Instant;

use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{Index, Series, TimeSeries, TimeZone};
use meteaudata_storage_sql::SqlBackend;

fn series(n: usize) -> TimeSeries {
    let start = 1_700_000_000_000_000_000i64;
    let times: Vec<i64> = (0..n as i64).map(|i| start + i * 60_000_000_000).collect();
    let values: Vec<f64> = (0..n)
        .map(|i| {
            if i % 101 == 0 {
                f64::NAN
            } else {
                (i as f64 * 0.001).sin()
            }
        })
        .collect();
    TimeSeries::new(
        Series::from_f64(
            "B#1_RAW#1",
            Index::datetime_nanos(times, Some(TimeZone::Utc)).with_frequency("min"),
            values,
        )
        .expect("same length"),
    )
}

/// Best time to read `ts` back from a Parquet file written with `props` (bare reader, all
/// batches decoded and kept).
fn bare_parquet_read(
    ts: &TimeSeries,
    props: parquet::file::properties::WriterProperties,
    runs: usize,
) -> f64 {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::arrow::ArrowWriter;
    let batch = ts.series().expect("loaded").to_record_batch();
    let batch_rows = batch.num_rows();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bare.parquet");
    let file = std::fs::File::create(&path).expect("create");
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).expect("writer");
    w.write(&batch).expect("write");
    w.close().expect("close");
    let mut best = f64::MAX;
    for _ in 0..runs.max(2) {
        let t = Instant::now();
        let file = std::fs::File::open(&path).expect("open");
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .expect("reader")
            .with_batch_size(1 << 20)
            .build()
            .expect("reader");
        // Kept, as a load keeps its points.
        let batches: Vec<_> = reader.map(|b| b.expect("batch")).collect();
        best = best.min(t.elapsed().as_secs_f64());
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, batch_rows);
    }
    best
}

/// What loads are compared with: two bare Parquet reads (the disk backend's encodings with
/// zstd, and uncompressed), in seconds, printed.
fn parquet_floor(n: usize, runs: usize) -> (f64, f64) {
    use parquet::basic::{Compression, Encoding, ZstdLevel};
    use parquet::file::properties::WriterProperties;
    use parquet::schema::types::ColumnPath;
    let ts = series(n);
    let disk_like = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(1 << 17))
        .set_dictionary_enabled(false)
        .set_column_encoding(ColumnPath::from("B#1_RAW#1"), Encoding::BYTE_STREAM_SPLIT)
        .set_column_encoding(
            ColumnPath::from("__index_level_0__"),
            Encoding::DELTA_BINARY_PACKED,
        )
        .build();
    let plain = WriterProperties::builder()
        .set_dictionary_enabled(false)
        .build();
    let zstd = bare_parquet_read(&ts, disk_like, runs);
    let raw = bare_parquet_read(&ts, plain, runs);
    println!(
        "bare parquet read       {n} points: zstd {:.2} M points/s ({zstd:.3} s), uncompressed {:.2} M points/s ({raw:.3} s)",
        n as f64 / zstd / 1e6,
        n as f64 / raw / 1e6
    );
    (zstd, raw)
}

fn run(label: &str, backend: &SqlBackend, n: usize, runs: usize, floor: (f64, f64)) {
    let ts = series(n);
    let data = ts.series().expect("loaded");
    let meta = ts.metadata();
    let (mut best_save, mut best_load, mut best_range, mut best_over) =
        (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
    for r in 0..runs {
        let key = StorageKey::new(format!("bench/B#1/RAW#{r}")).expect("valid key");
        let t = Instant::now();
        backend.save(&key, data, &meta).expect("save");
        best_save = best_save.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let (back, _) = backend.load(&key).expect("load");
        best_load = best_load.min(t.elapsed().as_secs_f64());
        assert_eq!(back.len(), n);
        // A window of 1% of the points.
        let start = 1_700_000_000_000_000_000i64 + (n as i64 / 2) * 60_000_000_000;
        let end = start + (n as i64 / 100) * 60_000_000_000;
        let t = Instant::now();
        let (w, _) = backend
            .load_range(&key, TimeRange::new(Some(start), Some(end)))
            .expect("range");
        best_range = best_range.min(t.elapsed().as_secs_f64());
        assert_eq!(w.len(), n / 100);
        let t = Instant::now();
        backend.save(&key, data, &meta).expect("overwrite");
        best_over = best_over.min(t.elapsed().as_secs_f64());
    }
    let m = |secs: f64| n as f64 / secs / 1e6;
    println!(
        "{label:<22} {n} points: save {:.2} M points/s ({best_save:.3} s), load {:.2} M points/s ({best_load:.3} s; {:.2}x a bare Parquet read of zstd, {:.2}x of uncompressed), overwrite {:.2} M points/s, 1% window {:.1} ms",
        m(best_save),
        m(best_load),
        best_load / floor.0,
        best_load / floor.1,
        m(best_over),
        best_range * 1e3
    );
}

/// Save and load through Python meteaudata's own tables (`PythonSqlBackend`, a row per
/// point) on the database of `url`.
fn python_layout(label: &str, url: &str, n: usize, runs: usize) {
    let backend = meteaudata_storage_sql::PythonSqlBackend::connect(url).expect("Python layout");
    let ts = series(n);
    let data = ts.series().expect("loaded");
    let meta = ts.metadata();
    let key = StorageKey::new("bench/P#1/RAW#1").expect("valid key");
    let (mut best_save, mut best_load) = (f64::MAX, f64::MAX);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        backend.save(&key, data, &meta).expect("save");
        best_save = best_save.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let (back, _) = backend.load(&key).expect("load");
        best_load = best_load.min(t.elapsed().as_secs_f64());
        assert_eq!(back.len(), n);
    }
    let m = |secs: f64| n as f64 / secs / 1e6;
    println!(
        "{label:<22} Python's layout, {n} points: save {:.2} M points/s ({best_save:.3} s), load {:.2} M points/s ({best_load:.3} s)",
        m(best_save),
        m(best_load)
    );
}

/// Seconds of the best of `runs` executions of `sql` (one row back) on the database of `url`.
fn sql_seconds(url: &str, sql: &str, runs: usize) -> f64 {
    use diesel::sql_types::{BigInt, Double, Nullable};
    use diesel::{Connection, QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = Nullable<Double>)]
        #[allow(dead_code)]
        mean: Option<f64>,
    }
    let mut best = f64::MAX;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let q = diesel::sql_query(sql);
        let row: Row = match url.split("://").next().unwrap_or_default() {
            #[cfg(feature = "sqlite")]
            "sqlite" => q.get_result(
                &mut diesel::SqliteConnection::establish(url.trim_start_matches("sqlite:///"))
                    .expect("sqlite"),
            ),
            #[cfg(feature = "postgres")]
            "postgresql" | "postgres" => {
                q.get_result(&mut diesel::PgConnection::establish(url).expect("postgres"))
            }
            #[cfg(feature = "mysql")]
            "mysql" => q.get_result(&mut diesel::MysqlConnection::establish(url).expect("mysql")),
            other => panic!("no connection for {other}"),
        }
        .expect("view query");
        best = best.min(t.elapsed().as_secs_f64());
        assert!(row.n > 0);
    }
    best
}

/// Times the view over key `bench/B#1/RAW#0` of `n` points (saved by [`run`]).
fn view(label: &str, url: &str, n: usize, runs: usize) {
    let key = if url.starts_with("mysql") {
        "`key`"
    } else {
        "\"key\""
    };
    let start = 1_700_000_000_000_000_000i64 + (n as i64 / 2) * 60_000_000_000;
    let end = start + (n as i64 / 100) * 60_000_000_000;
    let base = format!(
        "SELECT count(*) AS n, avg(value) AS mean FROM meteaudata_points WHERE {key} = 'bench/B#1/RAW#0'"
    );
    // The whole series through the view takes minutes beyond 10^6 points on SQLite.
    let all = if n > 1_000_000 {
        "whole series not timed above 10^6 points".to_string()
    } else {
        let secs = sql_seconds(url, &base, runs);
        format!(
            "all {n} points {:.2} M points/s ({secs:.3} s)",
            n as f64 / secs / 1e6
        )
    };
    let window = format!("{base} AND t >= {start} AND t < {end}");
    let bounded = sql_seconds(
        url,
        &format!("{window} AND block_t_max >= {start} AND block_t_min < {end}"),
        runs,
    );
    let unbounded = sql_seconds(url, &window, runs);
    println!(
        "{label:<22} view meteaudata_points: {all}, 1% window {:.1} ms with the block bounds, {:.1} ms without",
        bounded * 1e3,
        unbounded * 1e3
    );
}

fn env_usize(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
fn unique() -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() % 1_000_000_000_000);
    format!("bench_{}_{t}", std::process::id())
}

fn main() {
    // `cargo test --benches` runs this with `--bench`-less arguments: keep that fast.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n = if quick {
        10_000
    } else {
        env_usize("BENCH_POINTS", 1_000_000)
    };
    let runs = if quick { 1 } else { env_usize("BENCH_RUNS", 3) };
    let floor = parquet_floor(n, runs);
    #[cfg(feature = "sqlite")]
    {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:///{}", dir.path().join("bench.db").display());
        let b = SqlBackend::connect(&url).expect("sqlite");
        run("sqlite (file, WAL)", &b, n, runs, floor);
        view("sqlite (file, WAL)", &url, n, runs);
        python_layout("sqlite (file, WAL)", &url, n, runs);
        let b = SqlBackend::connect("sqlite:///:memory:").expect("sqlite memory");
        run("sqlite (:memory:)", &b, n, runs, floor);
    }
    #[cfg(feature = "postgres")]
    if let Ok(admin) = std::env::var("METEAUDATA_PG_URL") {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let schema = unique();
        let mut c = diesel::PgConnection::establish(&admin).expect("admin connection");
        c.batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("create schema");
        let sep = if admin.contains('?') { '&' } else { '?' };
        let url = format!("{admin}{sep}options=-csearch_path%3D{schema}");
        {
            let b = SqlBackend::connect(&url).expect("postgres");
            run("postgresql (COPY)", &b, n, runs, floor);
            view("postgresql (COPY)", &url, n, runs);
            python_layout("postgresql", &url, n, runs);
        }
        let _ = c.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
    } else {
        println!("postgresql: METEAUDATA_PG_URL unset, skipped");
    }
    #[cfg(feature = "mysql")]
    if let Ok(admin) = std::env::var("METEAUDATA_MYSQL_URL") {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let db = unique();
        let admin = admin.replacen("mysql+pymysql://", "mysql://", 1);
        let mut c = diesel::MysqlConnection::establish(&admin).expect("admin connection");
        c.batch_execute(&format!("CREATE DATABASE {db}"))
            .expect("create database");
        let base = admin.split('?').next().unwrap_or(&admin);
        let host_end = base[8..].find('/').map_or(base.len(), |i| i + 8);
        let url = format!("{}/{db}", &base[..host_end]);
        {
            let b = SqlBackend::connect(&url).expect("mysql");
            run("mysql (INSERT batches)", &b, n, runs, floor);
            view("mysql (INSERT batches)", &url, n, runs);
            python_layout("mysql", &url, n, runs);
        }
        let _ = c.batch_execute(&format!("DROP DATABASE {db}"));
    } else {
        println!("mysql: METEAUDATA_MYSQL_URL unset, skipped");
    }
}
