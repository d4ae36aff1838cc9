//! Object-store backend: save, load and a 1 % window of 10^6 and 10^7 points, beside the disk
//! backend, with the bytes each read fetched from the store.
//!
//! `cargo bench -p meteaudata-storage-object --features s3` with `METEAUDATA_S3_URL` and the
//! `AWS_*` variables set (a local S3 server: see `.ci/run`); without it, `memory://`.
//! Sizes: `METEAUDATA_BENCH_SIZES=1000000,10000000`.

use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::TimeSeries;
use meteaudata_storage_disk::DiskBackend;
use meteaudata_storage_object::ObjectBackend;
use meteaudata_testkit::generated::{sensor_series, START};
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

fn ms(d: Duration) -> String {
    format!("{:>9.1} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("METEAUDATA_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000_000, 10_000_000]);
    let url = std::env::var("METEAUDATA_S3_URL")
        .map(|u| format!("{}/bench-{}", u.trim_end_matches('/'), std::process::id()))
        .unwrap_or_else(|_| "memory:///bench".to_string());
    let object = ObjectBackend::new(&url).expect("the object store");
    let dir = tempfile::tempdir().expect("temp dir");
    let disk = DiskBackend::new(dir.path().join("store"));
    println!("object store: {}", object.url());
    for n in sizes {
        let series = sensor_series("Q#1_RAW#1", n, 1_000_000_000, "s");
        let meta = TimeSeries::new(series.clone()).metadata();
        let key: StorageKey = "bench/Q#1/RAW#1".parse().expect("key");
        // The middle 1 % of the points.
        let from = START + (n as i64 / 2) * 1_000_000_000;
        let window = TimeRange::new(Some(from), Some(from + (n as i64 / 100) * 1_000_000_000));
        let runs = if n >= 10_000_000 { 3 } else { 5 };
        println!("{n} points");
        for (name, b) in [
            ("object", &object as &dyn StorageBackend),
            ("disk", &disk as &dyn StorageBackend),
        ] {
            let save = best(runs, || b.save(&key, &series, &meta).expect("save"));
            let load = best(runs, || assert_eq!(b.load(&key).expect("load").0.len(), n));
            let win = best(runs, || {
                assert_eq!(b.load_range(&key, window).expect("window").0.len(), n / 100)
            });
            println!(
                "  {name:<7} save {}  load {}  1% window {}",
                ms(save),
                ms(load),
                ms(win)
            );
        }
        let size = object.size_on_disk().expect("size").unwrap_or(0);
        let before = object.bytes_read();
        object.load_range(&key, window).expect("window");
        let window_bytes = object.bytes_read() - before;
        let before = object.bytes_read();
        object.load(&key).expect("load");
        let load_bytes = object.bytes_read() - before;
        println!(
            "  object size {size} bytes; a load fetched {load_bytes}, a 1% window fetched {window_bytes} ({:.2}% of the data object)",
            100.0 * window_bytes as f64 / size.max(1) as f64
        );
        object.delete(&key).expect("delete");
    }
}
