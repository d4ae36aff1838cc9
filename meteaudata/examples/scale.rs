//! Larger than memory: builds a series of N float points chunk by chunk on a disk backend
//! (1 s apart, with NaN runs and gaps), opens the dataset from the backend without reading
//! data, resamples it to 5 minutes and interpolates the result, both streamed from the backend
//! into the backend. Prints the time of each phase and, last, one line
//! `scale: points=N seconds=S peak_rss_mib=M` (S: the whole run; M: the process's peak
//! resident set, from the OS).
//!
//! `cargo run --release -p meteaudata --example scale -- --points 100000000 [--dir D]
//! [--in-memory]`; `--in-memory` does the same work in memory (no backend) for comparison.
//! `cargo xtask bench scale --points N` runs it.

use meteaudata::processing::{LinearInterpolation, Resample};
use meteaudata::storage::{ChunkShape, SharedBackend, StorageConfig, StorageKey};
use meteaudata::*;
use std::time::Instant;

/// Points per chunk (`--chunk`).
const CHUNK: usize = 1 << 16;
const T0: i64 = 1_577_836_800_000_000_000; // 2020-01-01 UTC
const SECOND: i64 = 1_000_000_000;

/// Points `start..start+n` of the synthetic series: a daily-ish wave, a NaN every 97 points
/// and a 10-minute NaN run every 100 000 points; one point in 50 000 is missing (a gap).
fn chunk(start: u64, n: usize) -> Result<Series> {
    let mut t = Vec::with_capacity(n);
    let mut v = Vec::with_capacity(n);
    for i in start..start + n as u64 {
        let gap = (i / 50_000) as i64;
        t.push(T0 + (i as i64 + gap) * SECOND);
        let x = if i % 97 == 0 || i % 100_000 < 600 {
            f64::NAN
        } else {
            // A daily triangle wave plus sensor noise from a cheap hash of the position
            // (generating data is not what is measured; noise keeps it from compressing away).
            10.0 + ((i % 86_400) as f64 - 43_200.0).abs() * 1e-4 + noise(i)
        };
        v.push(x);
    }
    Series::from_f64(
        "SENSOR#1_RAW#1",
        Index::datetime_nanos(t, Some(TimeZone::Utc)).with_name("time"),
        v,
    )
}

/// A deterministic value in [0, 0.01) for position `i` (splitmix64).
fn noise(i: u64) -> f64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 0.01
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = arg(&args, "--points")
        .map(|p| p.replace('_', "").parse::<f64>().map(|x| x as u64))
        .transpose()
        .map_err(|e| Error::invalid_input(format!("--points: {e}")))?
        .unwrap_or(10_000_000);
    let in_memory = args.iter().any(|a| a == "--in-memory");
    let chunk_points: usize = arg(&args, "--chunk")
        .and_then(|c| c.parse().ok())
        .unwrap_or(CHUNK);
    let started = Instant::now();

    if in_memory {
        let series = chunk(0, n as usize)?;
        let built = started.elapsed().as_secs_f64();
        let mut signal = Signal::new("SENSOR", "mg/L")?.with_series(series.with_name("RAW"))?;
        let t = Instant::now();
        let r = signal.process(
            &["SENSOR#1_RAW#1"],
            &Resample::new("5min")?,
            ProcessOptions::new(),
        )?;
        let resample = t.elapsed().as_secs_f64();
        let t = Instant::now();
        signal.process(
            &[r[0].as_str()],
            &LinearInterpolation,
            ProcessOptions::new(),
        )?;
        let interpolate = t.elapsed().as_secs_f64();
        println!("in memory: build {built:.2} s, resample {resample:.2} s, interpolate {interpolate:.3} s");
    } else {
        let dir = match arg(&args, "--dir") {
            Some(d) => std::path::PathBuf::from(d),
            None => std::env::temp_dir().join(format!("meteaudata-scale-{}", std::process::id())),
        };
        let backend: SharedBackend = create_backend(&StorageConfig::disk(&dir))?;
        let key = StorageKey::for_series("scale", "SENSOR#1", "SENSOR#1_RAW#1")?;

        // 1. Write the raw series chunk by chunk.
        let t = Instant::now();
        let mut writer = backend.writer(&key)?;
        let mut shape = None;
        let mut at = 0;
        while at < n {
            let k = chunk_points.min((n - at) as usize);
            let c = chunk(at, k)?;
            ChunkShape::track(&mut shape, &c)?;
            writer.push(&c)?;
            at += k as u64;
        }
        let shape = shape.ok_or_else(|| Error::invalid_input("no points"))?;
        let pushed = t.elapsed().as_secs_f64();
        let meta = TimeSeries::new(Series::empty("SENSOR#1_RAW#1")).metadata();
        writer.commit(&shape.metadata(meta))?;
        let write = t.elapsed().as_secs_f64();

        // 2. Open the dataset (metadata only) and process, streamed.
        let mut ds = Dataset::load_from_backend(&backend, "scale")?;
        let sig = ds.signal_mut("SENSOR#1")?;
        let t = Instant::now();
        let r = sig.process(
            &["SENSOR#1_RAW#1"],
            &Resample::new("5min")?,
            ProcessOptions::new().chunk_points(chunk_points),
        )?;
        let resample = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let i = sig.process(
            &[r[0].as_str()],
            &LinearInterpolation,
            ProcessOptions::new().chunk_points(chunk_points),
        )?;
        let interpolate = t.elapsed().as_secs_f64();
        let out = sig.get(&i[0])?;
        let bytes = backend.size_on_disk()?.unwrap_or(0);
        println!(
            "disk: write {write:.2} s ({pushed:.2} s pushing), resample {resample:.2} s, interpolate {interpolate:.3} s; {} bins; {:.2} GB on disk; streamed: {}",
            shape_len(&backend, out)?,
            bytes as f64 / 1e9,
            !out.is_loaded()
        );
        if arg(&args, "--dir").is_none() {
            backend.cleanup()?;
        }
    }
    println!(
        "scale: points={n} seconds={:.2} peak_rss_mib={:.0}",
        started.elapsed().as_secs_f64(),
        peak_rss_mib()
    );
    Ok(())
}

/// The points of a stored series, counted chunk by chunk.
fn shape_len(backend: &SharedBackend, ts: &TimeSeries) -> Result<u64> {
    let key = ts
        .storage_key()
        .ok_or_else(|| Error::invalid_input("not stored"))?;
    let mut total = 0;
    for c in backend.scan(key, storage::TimeRange::default(), CHUNK)? {
        total += c?.len() as u64;
    }
    Ok(total)
}
