//! The worker of the crash and race harnesses (`cargo xtask crash`, `cargo xtask race`): it
//! runs storage operations on one backend and reports each on stdout, one line written and
//! flushed at a time: `begin OP KEY ARG` before an operation starts and `ack OP KEY ARG` only
//! after the backend returned `Ok`. The harness kills it (SIGKILL) or runs several at once,
//! then checks the store with `observe`.
//!
//! Everything written is computed from small numbers, so a checker can tell what a key holds:
//!
//! * version `v`: [`base_len`]`(v)` points, point `i` at `T0 + i s` with value
//!   `2^50 + (v mod 2^30)·2^12 + i`; its metadata document has `metadata_id: v<v>`;
//! * appended chunk `c`: [`chunk_len`]`(c)` points, point `j` with value `c·2^16 + j` at
//!   `T0 + c·2^16 + j` nanoseconds.
//!
//! A stored key is thus "version `v` followed by chunks `c1, c2, …`", printed by `observe` as
//! `key KEY v=V chunks=C1,C2,…`, or `torn KEY REASON` when its data is anything else (a mix
//! of versions, a partial chunk, metadata of another version, a load error such as `Corrupt`).
//!
//! Modes (STORE: a directory, or a `sqlite://`, `postgresql://` or `mysql://` URL):
//!
//! * `crash STORE --run N --seed S`: saves, streamed saves, appends and deletes at random on
//!   [`CRASH_KEYS`] until killed (at most a minute); versions and chunks are numbered
//!   `N·100000 + op`, so every run writes values no other run wrote. Prints `ready` first.
//! * `observe STORE`: every listed key as above, then `listed N`.
//! * `setup STORE KEY V`: saves version `V` under `KEY`.
//! * `collide STORE --proc P --count N`: saves `race/c<i>/x_y` (P = 0) or `race/c<i>_x/y`
//!   (P = 1), whose disk file names collide, with version `(P+1)·100000 + i`.
//! * `save-loop STORE --key K --proc P --count N`: saves (and streams, every other time)
//!   versions `(P+1)·100000 + i` under `K`.
//! * `append-loop STORE --key K --proc P --count N`: appends chunks `(P+1)·100000 + i` to `K`.
//! * `csv-check STORE --dataset D --series NAME --tag T --rows R`: the series `NAME` of
//!   dataset `D` (imported by the CLI) holds the `R` values `T·100000 + i + 0.5`.
//! * `len-check STORE --dataset D --series NAME --points N`: that series has `N` points.
//!
//! With `--go FILE`, the race modes print `ready` once connected and wait for `FILE` to exist,
//! so that several workers start writing together.

use meteaudata::arrow_array::Array;
use meteaudata::metadata::TimeSeriesMetadata;
use meteaudata::naming::SeriesName;
use meteaudata::storage::{SharedBackend, StorageConfig, StorageKey};
use meteaudata::*;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// 2024-01-01 UTC, in nanoseconds.
const T0: i64 = 1_704_067_200_000_000_000;
const SECOND: i64 = 1_000_000_000;

/// The keys the crash mode writes: six plain ones and two whose disk file names collide.
pub const CRASH_KEYS: [&str; 8] = [
    "crash/S1#1/RAW#1",
    "crash/S2#1/RAW#1",
    "crash/S3#1/RAW#1",
    "crash/S4#1/RAW#1",
    "crash/S5#1/RAW#1",
    "crash/S6#1/RAW#1",
    "crash/x_y",
    "crash_x/y",
];

/// Points of version `v` (1 to 4000).
pub fn base_len(v: u64) -> usize {
    1 + (v.wrapping_mul(7919) % 4000) as usize
}

/// Points of chunk `c` (1 to 1500).
pub fn chunk_len(c: u64) -> usize {
    1 + (c.wrapping_mul(31) % 1500) as usize
}

fn base_value(v: u64, i: usize) -> f64 {
    ((1u64 << 50) + ((v % (1 << 30)) << 12) + i as u64) as f64
}

fn chunk_value(c: u64, j: usize) -> u64 {
    (c << 16) + j as u64
}

/// Points `from..to` of version `v`.
fn base_part(v: u64, from: usize, to: usize) -> Result<Series> {
    Series::from_f64(
        "RAW",
        Index::datetime_nanos((from..to).map(|i| T0 + i as i64 * SECOND).collect(), None),
        (from..to).map(|i| base_value(v, i)).collect(),
    )
}

fn chunk(c: u64) -> Result<Series> {
    let n = chunk_len(c);
    Series::from_f64(
        "RAW",
        Index::datetime_nanos(
            (0..n).map(|j| T0 + chunk_value(c, j) as i64).collect(),
            None,
        ),
        (0..n).map(|j| chunk_value(c, j) as f64).collect(),
    )
}

fn metadata(series: &Series, v: u64) -> TimeSeriesMetadata {
    let mut m = TimeSeries::new(series.clone()).metadata();
    m.metadata_id = Some(format!("v{v}"));
    m
}

/// What a stored key holds: a version and the chunks appended to it since.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    v: u64,
    chunks: Vec<u64>,
}

/// Reads back what `key` holds, or why it is not something we wrote.
fn decode(series: &Series, meta: &TimeSeriesMetadata) -> std::result::Result<State, String> {
    let v: u64 = meta
        .metadata_id
        .as_deref()
        .and_then(|id| id.strip_prefix('v'))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("metadata_id {:?} names no version", meta.metadata_id))?;
    let times: Vec<i64> = match series.index().data() {
        IndexData::DateTime { values, tz: None } if values.null_count() == 0 => {
            values.values().to_vec()
        }
        other => return Err(format!("unexpected index {other:?}")),
    };
    let values = series
        .f64_values()
        .filter(|a| a.null_count() == 0)
        .ok_or_else(|| {
            format!(
                "values are not float without nulls: {}",
                series.values_dtype()
            )
        })?
        .values();
    let (n, base) = (series.len(), base_len(v));
    if n < base {
        return Err(format!("{n} points, fewer than the {base} of version {v}"));
    }
    for (i, (&x, &t)) in values.iter().zip(&times).take(base).enumerate() {
        if x != base_value(v, i) || t != T0 + i as i64 * SECOND {
            return Err(format!(
                "point {i} ({x} at {t}) is not point {i} of version {v}"
            ));
        }
    }
    let mut chunks = Vec::new();
    let mut pos = base;
    while pos < n {
        let x = values[pos];
        if x.fract() != 0.0 || !(0.0..(1u64 << 48) as f64).contains(&x) || (x as u64) & 0xffff != 0
        {
            return Err(format!("point {pos} ({x}) starts no chunk"));
        }
        let c = (x as u64) >> 16;
        let len = chunk_len(c);
        if pos + len > n {
            return Err(format!(
                "chunk {c} at point {pos} is cut short at {n} points"
            ));
        }
        for j in 0..len {
            let want = chunk_value(c, j);
            if values[pos + j] != want as f64 || times[pos + j] != T0 + want as i64 {
                return Err(format!("point {} is not point {j} of chunk {c}", pos + j));
            }
        }
        chunks.push(c);
        pos += len;
    }
    Ok(State { v, chunks })
}

/// What `key` holds: absent, a state, or an error saying why it is not one of ours.
fn observe_key(
    backend: &SharedBackend,
    key: &StorageKey,
) -> std::result::Result<Option<State>, String> {
    if !backend.exists(key).map_err(|e| format!("exists: {e}"))? {
        return Ok(None);
    }
    let (series, meta) = backend.load(key).map_err(|e| format!("load: {e}"))?;
    let alone = backend
        .load_metadata(key)
        .map_err(|e| format!("load_metadata: {e}"))?;
    if alone.metadata_id != meta.metadata_id {
        return Err(format!(
            "load_metadata says {:?}, load says {:?}",
            alone.metadata_id, meta.metadata_id
        ));
    }
    if backend.capabilities().versions {
        check_versions(backend, key, &series)?;
    }
    decode(&series, &meta).map(Some)
}

/// Versions checked after kills: numbered in increasing order, the last one the value `load`
/// reads, and each of the last [`VERSIONS_CHECKED`] whole (a state some write left, never a
/// mix) with the content hash it records.
fn check_versions(
    backend: &SharedBackend,
    key: &StorageKey,
    latest: &Series,
) -> std::result::Result<(), String> {
    let versions = backend
        .list_versions(key)
        .map_err(|e| format!("list_versions: {e}"))?;
    if !versions.windows(2).all(|w| w[0].version < w[1].version) {
        let numbers: Vec<u64> = versions.iter().map(|v| v.version).collect();
        return Err(format!("versions out of order: {numbers:?}"));
    }
    let last = versions.last().ok_or("a stored key lists no version")?;
    let hash = latest.content_hash().map_err(|e| format!("hash: {e}"))?;
    if last.hash != hash {
        return Err(format!(
            "the latest version (#{}) records hash {} but load reads {hash}",
            last.version, last.hash
        ));
    }
    for v in versions.iter().rev().take(VERSIONS_CHECKED) {
        let (s, m) = backend
            .load_version(key, v.version)
            .map_err(|e| format!("version {}: {e}", v.version))?;
        let h = s.content_hash().map_err(|e| format!("hash: {e}"))?;
        if h != v.hash {
            return Err(format!(
                "version {} records hash {} but holds {h}",
                v.version, v.hash
            ));
        }
        decode(&s, &m).map_err(|e| format!("version {}: {e}", v.version))?;
    }
    Ok(())
}

/// Older versions loaded and checked per key by `observe`.
const VERSIONS_CHECKED: usize = 12;

fn open(store: &str) -> Result<SharedBackend> {
    let lower = store.to_ascii_lowercase();
    let config = if StorageConfig::is_object_url(store) {
        StorageConfig::object(store)
    } else if ["sqlite:", "postgres", "mysql", "mariadb:"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        StorageConfig::sql(store)
    } else {
        StorageConfig::disk(store)
    };
    create_backend(&config)
}

/// A line on stdout, written and flushed at once.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(format!("{line}\n").as_bytes());
    let _ = out.flush();
}

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn save(backend: &SharedBackend, key: &StorageKey, v: u64) -> Result<()> {
    let series = base_part(v, 0, base_len(v))?;
    backend.save(key, &series, &metadata(&series, v))
}

/// Version `v` pushed to a writer in chunks of 700 points.
fn stream(backend: &SharedBackend, key: &StorageKey, v: u64) -> Result<()> {
    let n = base_len(v);
    let mut writer = backend.writer(key)?;
    for from in (0..n).step_by(700) {
        writer.push(&base_part(v, from, (from + 700).min(n))?)?;
    }
    writer.commit(&metadata(&base_part(v, 0, n)?, v))
}

fn append(backend: &SharedBackend, key: &StorageKey, c: u64) -> Result<()> {
    backend.append(key, &chunk(c)?)
}

fn key(text: &str) -> Result<StorageKey> {
    StorageKey::new(text)
}

/// The crash mode: random operations until killed.
fn crash(backend: &SharedBackend, run: u64, seed: u64) -> Result<()> {
    let keys: Vec<StorageKey> = CRASH_KEYS.iter().map(|k| key(k)).collect::<Result<_>>()?;
    // What each key holds: `Some(true)` ours, `Some(false)` something else (saved over
    // first), `None` absent.
    let mut present: Vec<Option<bool>> = Vec::new();
    for k in &keys {
        present.push(match observe_key(backend, k) {
            Ok(None) => None,
            Ok(Some(_)) => Some(true),
            Err(_) => Some(false),
        });
    }
    let mut rng = Rng(seed ^ run.wrapping_mul(0xA24B_AED4_963E_E407));
    say("ready");
    let started = Instant::now();
    let mut op = 0u64;
    while started.elapsed() < Duration::from_secs(60) {
        op += 1;
        let n = run * 100_000 + op;
        let i = rng.below(keys.len() as u64) as usize;
        let k = &keys[i];
        let roll = rng.below(100);
        let (name, result) = match present[i] {
            Some(true) if roll < 40 => {
                say(&format!("begin append {k} {n}"));
                ("append", append(backend, k, n))
            }
            Some(true) if roll < 55 => {
                say(&format!("begin delete {k} 0"));
                ("delete", backend.delete(k))
            }
            _ if roll.is_multiple_of(3) => {
                say(&format!("begin stream {k} {n}"));
                ("stream", stream(backend, k, n))
            }
            _ => {
                say(&format!("begin save {k} {n}"));
                ("save", save(backend, k, n))
            }
        };
        if let Err(e) = result {
            say(&format!("fail {name} {k} {e}"));
            return Err(e);
        }
        present[i] = if name == "delete" { None } else { Some(true) };
        say(&format!(
            "ack {name} {k} {}",
            if name == "delete" { 0 } else { n }
        ));
    }
    say("done");
    Ok(())
}

fn observe(backend: &SharedBackend) -> Result<()> {
    let keys = backend.list_keys()?;
    for k in &keys {
        match observe_key(backend, k) {
            Ok(Some(s)) => {
                let chunks: Vec<String> = s.chunks.iter().map(u64::to_string).collect();
                say(&format!("key {k} v={} chunks={}", s.v, chunks.join(",")));
            }
            Ok(None) => say(&format!("torn {k} listed but does not exist")),
            Err(reason) => say(&format!("torn {k} {reason}")),
        }
    }
    say(&format!("listed {}", keys.len()));
    Ok(())
}

/// Waits for the file `go` (when given) after saying `ready`.
fn wait_for_go(go: Option<&str>) {
    let Some(go) = go else { return };
    say("ready");
    let until = Instant::now() + Duration::from_secs(60);
    while !std::path::Path::new(go).exists() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// The series `name` of dataset `dataset`, after checking that the dataset loads and lists it.
fn cli_series(backend: &SharedBackend, dataset: &str, name: &str) -> Result<Series> {
    let signal = SeriesName::parse(name).signal;
    let loaded = Dataset::load_from_backend(backend, dataset)?;
    if !loaded.signal(&signal)?.time_series().contains_key(name) {
        return Err(Error::invalid_input(format!(
            "dataset {dataset} does not list {name}"
        )));
    }
    Ok(backend
        .load(&StorageKey::for_series(dataset, &signal, name)?)?
        .0)
}

/// `--name value` among `args`.
fn opt<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn num(args: &[String], name: &str) -> Result<u64> {
    opt(args, name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Error::invalid_input(format!("{name} N is required")))
}

fn text<'a>(args: &'a [String], name: &str) -> Result<&'a str> {
    opt(args, name).ok_or_else(|| Error::invalid_input(format!("{name} VALUE is required")))
}

fn run(args: &[String]) -> Result<bool> {
    let (Some(mode), Some(store)) = (args.first(), args.get(1)) else {
        return Err(Error::invalid_input(
            "usage: storage_worker MODE STORE [options] (see the example's documentation)",
        ));
    };
    let backend = open(store)?;
    let go = opt(args, "--go");
    match mode.as_str() {
        "crash" => crash(&backend, num(args, "--run")?, num(args, "--seed")?)?,
        "observe" => observe(&backend)?,
        "setup" => {
            let k = key(args.get(2).map_or("", String::as_str))?;
            let v = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(1);
            save(&backend, &k, v)?;
        }
        "collide" => {
            let p = num(args, "--proc")?;
            let count = num(args, "--count")?;
            wait_for_go(go);
            for i in 0..count {
                let k = match p {
                    0 => format!("race/c{i}/x_y"),
                    _ => format!("race/c{i}_x/y"),
                };
                let v = (p + 1) * 100_000 + i;
                save(&backend, &key(&k)?, v)?;
                say(&format!("ack save {k} {v}"));
            }
        }
        "save-loop" => {
            let (k, p, count) = (
                key(text(args, "--key")?)?,
                num(args, "--proc")?,
                num(args, "--count")?,
            );
            wait_for_go(go);
            for i in 0..count {
                let v = (p + 1) * 100_000 + i;
                if i.is_multiple_of(2) {
                    save(&backend, &k, v)?;
                } else {
                    stream(&backend, &k, v)?;
                }
                say(&format!("ack save {k} {v}"));
            }
        }
        "append-loop" => {
            let (k, p, count) = (
                key(text(args, "--key")?)?,
                num(args, "--proc")?,
                num(args, "--count")?,
            );
            wait_for_go(go);
            for i in 0..count {
                let c = (p + 1) * 100_000 + i;
                append(&backend, &k, c)?;
                say(&format!("ack append {k} {c}"));
            }
        }
        "csv-check" => {
            let (dataset, name) = (text(args, "--dataset")?, text(args, "--series")?);
            let (tag, rows) = (num(args, "--tag")?, num(args, "--rows")? as usize);
            let series = cli_series(&backend, dataset, name)?;
            let want: Vec<f64> = (0..rows)
                .map(|i| (tag * 100_000 + i as u64) as f64 + 0.5)
                .collect();
            let got = series.f64_values().map(|a| a.values().to_vec());
            if got.as_deref() != Some(&want[..]) {
                let first = got.as_ref().and_then(|g| g.first().copied());
                say(&format!(
                    "bad {name}: {} points starting with {first:?} (written by import {:?}), not the {rows} values of import {tag}",
                    series.len(),
                    first.map(|x| x as u64 / 100_000)
                ));
                return Ok(false);
            }
            say(&format!("ok {name}"));
        }
        "len-check" => {
            let (dataset, name) = (text(args, "--dataset")?, text(args, "--series")?);
            let points = num(args, "--points")? as usize;
            let series = cli_series(&backend, dataset, name)?;
            if series.len() != points {
                say(&format!(
                    "bad {name}: {} points instead of {points}",
                    series.len()
                ));
                return Ok(false);
            }
            say(&format!("ok {name}"));
        }
        other => {
            return Err(Error::invalid_input(format!("unknown mode {other:?}")));
        }
    }
    Ok(true)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("storage_worker: {e}");
            ExitCode::from(2)
        }
    }
}
