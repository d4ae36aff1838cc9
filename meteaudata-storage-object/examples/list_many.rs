//! Stores N small series under an object-store URL from T threads, then lists them, and prints
//! how long each took: the listing figure of docs/storage.md (10⁵ keys on the moto S3 server).
//!
//! ```text
//! cargo run --release -p meteaudata-storage-object --features s3 --example list_many -- \
//!     s3://bucket/prefix 100000 8
//! ```
//!
//! Each run writes under a fresh sub-prefix (`<url>/many-<pid>`) and leaves it there (a
//! listing can be timed again with `--list-only URL/many-<pid> N`).

use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::{Index, Series, TimeSeries};
use meteaudata_storage_object::ObjectBackend;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (list_only, args) = match args.first().map(String::as_str) {
        Some("--list-only") => (true, &args[1..]),
        _ => (false, &args[..]),
    };
    let usage = "usage: list_many [--list-only] URL N [THREADS]";
    let url = args.first().ok_or(usage)?;
    let n: usize = args.get(1).ok_or(usage)?.parse()?;
    let threads: usize = args.get(2).map_or(Ok(8), |t| t.parse())?;
    let url = if list_only {
        url.clone()
    } else {
        format!("{}/many-{}", url.trim_end_matches('/'), std::process::id())
    };
    let backend = ObjectBackend::new(&url)?;
    if !list_only {
        let started = Instant::now();
        std::thread::scope(|s| {
            for t in 0..threads {
                let backend = &backend;
                s.spawn(move || {
                    for i in (t..n).step_by(threads) {
                        let key: StorageKey = format!("many/S{i}#1/RAW#1").parse().expect("key");
                        let series = Series::from_f64(
                            format!("S{i}#1_RAW#1"),
                            Index::range(3),
                            vec![i as f64, 1.0, 2.0],
                        )
                        .expect("series");
                        let meta = TimeSeries::new(series.clone()).metadata();
                        backend.save(&key, &series, &meta).expect("save");
                    }
                });
            }
        });
        let secs = started.elapsed().as_secs_f64();
        println!(
            "saved {n} keys to {url} from {threads} threads in {secs:.1} s ({:.0} keys/s)",
            n as f64 / secs
        );
    }
    let started = Instant::now();
    let keys = backend.list_keys()?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "listed {} keys in {secs:.1} s ({:.0} keys/s, {} bytes read)",
        keys.len(),
        keys.len() as f64 / secs,
        backend.bytes_read()
    );
    if keys.len() != n {
        return Err(format!("listed {} keys, expected {n}", keys.len()).into());
    }
    Ok(())
}
