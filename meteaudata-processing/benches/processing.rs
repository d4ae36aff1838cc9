//! Resampling and interpolation throughput: 10^6 and 10^7 points of 1-minute data (every 97th
//! value missing) resampled to 5 minutes, then the result interpolated. Each time is printed
//! beside one plain pass over the same arrays and, when `METEAUDATA_PYTHON` points at a Python
//! with meteaudata 0.12.1, beside Python's `Signal.process` on the same data.
//!
//! Run with `cargo bench -p meteaudata-processing` (`BENCH_SIZES=1000000` to pick sizes).

use meteaudata_core::{Index, Series, Transform};
use meteaudata_processing::{interpolate_series, resample_series, Frequency, LinearInterpolation};
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

const MIN: i64 = 60_000_000_000;
const START: i64 = 1_577_836_800_000_000_000; // 2020-01-01

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(black_box(r));
    }
    (best, out.expect("at least one run"))
}

/// One pass over the same arrays: count, sum of non-missing values and the last instant.
fn plain_pass(times: &[i64], values: &[f64]) -> (usize, f64, i64) {
    let (mut n, mut sum, mut last) = (0usize, 0.0, i64::MIN);
    for (&t, &v) in times.iter().zip(values) {
        if !v.is_nan() {
            n += 1;
            sum += v;
        }
        last = last.max(t);
    }
    (n, sum, last)
}

fn python_times(python: &str, n: usize) -> Option<(f64, f64, f64)> {
    let script = format!(
        r#"
import time, numpy as np, pandas as pd, warnings
warnings.simplefilter("ignore")
from meteaudata import Signal, DataProvenance
from meteaudata.processing_steps.univariate.resample import resample
from meteaudata.processing_steps.univariate.interpolate import linear_interpolation
n = {n}
idx = pd.date_range("2020-01-01", periods=n, freq="min")
v = (np.arange(n) % 1000).astype("float64") * 0.5
v[::97] = np.nan
sig = Signal(input_data=pd.Series(v, index=idx, name="RAW"), name="A", provenance=DataProvenance(parameter="x"), units="u")
best_r = best_i = 1e9
for _ in range(3):
    t = time.perf_counter(); sig.process(["A#1_RAW#1"], resample, "5min"); best_r = min(best_r, time.perf_counter() - t)
name = sorted(k for k in sig.time_series if "RESAMPLED" in k)[0]
for _ in range(3):
    t = time.perf_counter(); sig.process([name], linear_interpolation); best_i = min(best_i, time.perf_counter() - t)
best_raw = 1e9
for _ in range(3):
    t = time.perf_counter(); sig.process(["A#1_RAW#1"], linear_interpolation); best_raw = min(best_raw, time.perf_counter() - t)
print(best_r, best_i, best_raw)
"#
    );
    let out = Command::new(python).arg("-c").arg(script).output().ok()?;
    if !out.status.success() {
        eprintln!("python failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace().map(|x| x.parse::<f64>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000_000, 10_000_000]);
    let python = std::env::var("METEAUDATA_PYTHON")
        .ok()
        .filter(|p| !p.is_empty());
    let freq = Frequency::parse("5min").expect("valid frequency");
    for n in sizes {
        let times: Vec<i64> = (0..n as i64).map(|k| START + k * MIN).collect();
        let values: Vec<f64> = (0..n)
            .map(|k| {
                if k % 97 == 0 {
                    f64::NAN
                } else {
                    (k % 1000) as f64 * 0.5
                }
            })
            .collect();
        let series = Series::from_f64(
            "A#1_RAW#1",
            Index::datetime_nanos(times.clone(), None).with_frequency("min"),
            values.clone(),
        )
        .expect("valid series");
        let (plain, _) = best(5, || plain_pass(&times, &values));
        let (res_t, resampled) = best(5, || resample_series(&series, &freq).expect("resample"));
        let m = resampled.len();
        let (int_t, _) = best(5, || interpolate_series(&resampled).expect("interpolate"));
        // Through the Transform trait as well (adds the step and the output name).
        let (int_tr, _) = best(5, || {
            LinearInterpolation
                .apply(std::slice::from_ref(&resampled))
                .expect("apply")
        });
        // The raw series, NaN every 97 points, through Signal::process (what users call).
        let (raw_t, _) = best(5, || interpolate_series(&series).expect("interpolate"));
        // What any function returning a new array of n floats pays: a copy into fresh memory.
        let (copy_t, _) = best(5, || values.to_vec());
        let mut signal = meteaudata_core::Signal::new("A", "u")
            .expect("signal")
            .with_series(series.clone().with_name("RAW"))
            .expect("series");
        let (raw_sig, _) = best(5, || {
            signal
                .process(
                    &["A#1_RAW#1"],
                    &LinearInterpolation,
                    meteaudata_core::ProcessOptions::new().overwrite(true),
                )
                .expect("process")
        });
        let pps = |d: Duration, pts: usize| pts as f64 / d.as_secs_f64();
        println!("n = {n} (1-minute data, every 97th value NaN) -> {m} 5-minute bins");
        println!(
            "  plain pass          {:>9.2} ms  {:>8.1} Mpoints/s",
            plain.as_secs_f64() * 1e3,
            pps(plain, n) / 1e6
        );
        println!(
            "  resample 5min       {:>9.2} ms  {:>8.1} Mpoints/s  ({:.2}x the plain pass)",
            res_t.as_secs_f64() * 1e3,
            pps(res_t, n) / 1e6,
            res_t.as_secs_f64() / plain.as_secs_f64()
        );
        let (plain_m, _) = best(5, || plain_pass(&times[..m], &values[..m]));
        println!(
            "  interpolate result  {:>9.2} ms  {:>8.1} Mpoints/s  ({:.2}x a plain pass over {m}; {:.2} ms via Transform)",
            int_t.as_secs_f64() * 1e3,
            pps(int_t, m) / 1e6,
            int_t.as_secs_f64() / plain_m.as_secs_f64(),
            int_tr.as_secs_f64() * 1e3
        );
        println!(
            "  interpolate raw     {:>9.2} ms  {:>8.1} Mpoints/s  ({:.2}x the plain pass, {:.2}x a copy into new memory ({:.2} ms); {:.2} ms via Signal::process)",
            raw_t.as_secs_f64() * 1e3,
            pps(raw_t, n) / 1e6,
            raw_t.as_secs_f64() / plain.as_secs_f64(),
            raw_t.as_secs_f64() / copy_t.as_secs_f64(),
            copy_t.as_secs_f64() * 1e3,
            raw_sig.as_secs_f64() * 1e3
        );
        if let Some(py) = &python {
            if let Some((pr, pi, praw)) = python_times(py, n) {
                println!(
                    "  python Signal.process: resample {:.2} ms ({:.1}x slower), interpolate result {:.2} ms ({:.1}x slower), interpolate raw {:.2} ms ({:.1}x slower than Signal::process)",
                    pr * 1e3,
                    pr / res_t.as_secs_f64(),
                    pi * 1e3,
                    pi / int_tr.as_secs_f64(),
                    praw * 1e3,
                    praw / raw_sig.as_secs_f64()
                );
            }
        } else {
            println!("  python: set METEAUDATA_PYTHON to compare with Python meteaudata");
        }
    }
}
