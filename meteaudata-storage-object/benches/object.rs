//! Object-store backend: save, load and a 1 % window of 10^6 and 10^7 points, beside the disk
//! backend, with the bytes each read fetched from the store; then an overwrite that keeps the
//! previous version against one that keeps none (`without_versions`), on `memory://`,
//! `file://` and S3 when set (runs alternated, best of each).
//!
//! `cargo bench -p meteaudata-storage-object --features s3` with `METEAUDATA_S3_URL` and the
//! `AWS_*` variables set (a local S3 server: see `.ci/run`); without it, `memory://`.
//! Sizes: `METEAUDATA_BENCH_SIZES=1000000,10000000`.

use meteaudata_core::storage::{Retention, StorageBackend, StorageKey, TimeRange};
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
        // The latest version alone (the saves above kept the others).
        object
            .prune_versions(&key, Retention::KeepLast(1))
            .expect("prune");
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

        let dir = tempfile::tempdir().expect("temp dir");
        let file_url = format!("file://{}", dir.path().display());
        let mut stores = vec![
            ("memory://".to_string(), "memory:///versions".to_string()),
            ("file://".to_string(), file_url),
        ];
        if let Ok(s3) = std::env::var("METEAUDATA_S3_URL") {
            let url = format!(
                "{}/bench-versions-{}",
                s3.trim_end_matches('/'),
                std::process::id()
            );
            stores.push(("S3".to_string(), url));
        }
        for (store, url) in &stores {
            let versioned = ObjectBackend::new(url).expect("the object store");
            let plain_url = format!("{}/plain", url.trim_end_matches('/'));
            let plain = ObjectBackend::new(&plain_url)
                .expect("the object store")
                .without_versions();
            // The key holds a value: each save below is an overwrite.
            versioned.save(&key, &series, &meta).expect("save");
            plain.save(&key, &series, &meta).expect("save");
            let (mut with, mut without) = (Duration::MAX, Duration::MAX);
            for _ in 0..runs {
                with = with.min(best(1, || {
                    versioned.save(&key, &series, &meta).expect("save")
                }));
                without = without.min(best(1, || plain.save(&key, &series, &meta).expect("save")));
            }
            let kept = versioned.list_versions(&key).expect("versions").len();
            println!(
                "  {store:<10} overwrite with versions {}  without {}  ({:.2}x; {kept} versions kept)",
                ms(with),
                ms(without),
                with.as_secs_f64() / without.as_secs_f64().max(1e-9)
            );
            versioned.delete(&key).expect("delete");
            plain.delete(&key).expect("delete");
        }
    }
}
