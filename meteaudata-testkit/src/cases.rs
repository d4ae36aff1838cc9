//! The conformance cases: plain functions, each taking a fresh backend. A case returns
//! `Ok(Outcome::Passed)`, `Ok(Outcome::Skipped(reason))` when the backend lacks a capability,
//! or `Err(message)` on a violation of the contract.

use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int64Array, StringArray};
use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{
    ErrorKind, FunctionInfo, Index, IndexData, MetaTime, ParameterValue, Parameters,
    ProcessingStep, ProcessingType, Series, TimeSeries, TimeZone, Timestamp,
};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How a case ended when it did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every check held.
    Passed,
    /// Not applicable to this backend (the reason names the missing capability).
    Skipped(String),
}

/// What a case returns.
pub type CaseResult = Result<Outcome, String>;

/// A case: a name and the function that runs it.
pub type Case = (&'static str, fn(&dyn StorageBackend) -> CaseResult);

macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

pub(crate) fn e2s<E: std::fmt::Display>(context: &str) -> impl Fn(E) -> String + '_ {
    move |e| format!("{context}: {e}")
}

/// `Ok` if `cond`, else the message `msg` makes.
pub(crate) fn check(cond: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(msg())
    }
}

/// A time series `name` of `n` points, all `v`.
pub(crate) fn filled(name: &str, n: usize, v: f64) -> Result<TimeSeries, String> {
    Ok(TimeSeries::new(
        Series::from_f64(name, Index::range(n), vec![v; n]).map_err(e2s("series"))?,
    ))
}

/// Runs `f(0)`, …, `f(threads - 1)` on that many threads at once; their results in order, or
/// the first error (a thread that panicked is one).
pub(crate) fn on_threads<T: Send>(
    threads: usize,
    f: impl Fn(usize) -> Result<T, String> + Sync,
) -> Result<Vec<T>, String> {
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|t| scope.spawn(move || f(t))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("a thread panicked".into())))
            .collect()
    })
}

/// A namespace (first key part) no other test uses.
pub fn fresh_namespace(case: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("ns-{case}-{}-{t}-{n}", std::process::id())
}

pub(crate) fn key(ns: &str, rest: &str) -> Result<StorageKey, String> {
    StorageKey::new(format!("{ns}/{rest}")).map_err(e2s("key"))
}

fn step(name: &str) -> ProcessingStep {
    let mut step = ProcessingStep::new(
        ProcessingType::Resampling,
        "a step with parameters",
        FunctionInfo::new(name, "1.0", "testkit", "conformance").with_source("fn f() {}"),
        "RESAMPLED",
    )
    .with_parameters(
        Parameters::new()
            .with("frequency", "15min")
            .with(
                "when",
                Timestamp {
                    nanos: 1_700_000_000_123_456_789,
                    tz: Some(TimeZone::Utc),
                },
            )
            .with("window", ParameterValue::Duration(900_000_000_000))
            .with("nested", vec![1.5, f64::NAN]),
    )
    .with_inputs(["A#1_RAW#1"]);
    step.run_datetime = MetaTime::naive(meteaudata_core::nanos_to_naive(1_704_067_200_123_456_000));
    step
}

/// `ts` as a backend without [`lossless_values`](meteaudata_core::storage::Capabilities)
/// holds it: missing floats as NaN, -0.0 as 0.0, infinities as ±1e300, integers folded below
/// 2^53, and values of other types (text, timestamps, categories) as their position. With
/// lossless values, `ts` itself. The cases save and compare this form, so such a backend is
/// held to exact round trips of what it claims to store.
pub fn storable(b: &dyn StorageBackend, ts: &TimeSeries) -> TimeSeries {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float32Type, Float64Type, Int32Type, Int64Type};
    use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array};
    use meteaudata_core::arrow_schema::DataType;
    use std::sync::Arc;
    if b.capabilities().lossless_values {
        return ts.clone();
    }
    let Ok(s) = ts.series() else {
        return ts.clone();
    };
    let v = s.values();
    let n = v.len();
    let float = |x: f64| {
        if x.is_nan() {
            f64::NAN
        } else if x.is_infinite() {
            1e300_f64.copysign(x)
        } else if x == 0.0 {
            0.0
        } else {
            x
        }
    };
    let values: ArrayRef = match v.data_type() {
        DataType::Float64 => {
            let a = v.as_primitive::<Float64Type>();
            Arc::new(Float64Array::from_iter_values((0..n).map(|i| {
                if a.is_valid(i) {
                    float(a.value(i))
                } else {
                    f64::NAN
                }
            })))
        }
        DataType::Float32 => {
            let a = v.as_primitive::<Float32Type>();
            Arc::new(Float64Array::from_iter_values((0..n).map(|i| {
                if a.is_valid(i) {
                    float(f64::from(a.value(i)))
                } else {
                    f64::NAN
                }
            })))
        }
        DataType::Int64 => {
            let a = v.as_primitive::<Int64Type>();
            Arc::new(Int64Array::from_iter(
                (0..n).map(|i| a.is_valid(i).then(|| a.value(i) % (1 << 53))),
            ))
        }
        DataType::Int32 => {
            let a = v.as_primitive::<Int32Type>();
            Arc::new(Int64Array::from_iter(
                (0..n).map(|i| a.is_valid(i).then(|| i64::from(a.value(i)))),
            ))
        }
        DataType::Boolean => Arc::new(BooleanArray::from(
            (0..n)
                .map(|i| v.is_valid(i).then(|| v.as_boolean().value(i)))
                .collect::<Vec<_>>(),
        )),
        _ => Arc::new(Float64Array::from_iter_values((0..n).map(|i| i as f64))),
    };
    let Ok(series) = Series::new(s.name(), s.index().clone(), values) else {
        return ts.clone();
    };
    let mut out = ts.clone();
    out.set_series(series);
    out
}

pub(crate) fn save_ts(
    b: &dyn StorageBackend,
    k: &StorageKey,
    ts: &TimeSeries,
) -> Result<(), String> {
    let ts = &storable(b, ts);
    let series = ts.series().map_err(e2s("series"))?;
    b.save(k, series, &ts.metadata())
        .map_err(e2s(&format!("save {k}")))
}

pub(crate) fn check_load(
    b: &dyn StorageBackend,
    k: &StorageKey,
    ts: &TimeSeries,
) -> Result<(), String> {
    let ts = &storable(b, ts);
    let (series, meta) = b.load(k).map_err(e2s(&format!("load {k}")))?;
    let expected = ts.series().map_err(e2s("series"))?;
    ensure!(
        &series == expected,
        "{k}: data differs after a round trip\n saved: {expected:?}\nloaded: {series:?}"
    );
    let want = ts.metadata();
    ensure!(
        meta == want,
        "{k}: metadata differs after a round trip\n saved: {want:?}\nloaded: {meta:?}"
    );
    Ok(())
}

/// A zoned datetime series crossing a DST change, with NaN, nanoseconds and a frequency,
/// carrying a processing history.
pub fn sample_time_series() -> TimeSeries {
    let tz: TimeZone = "Europe/Paris".parse().expect("known zone");
    // 2024-03-31 00:30 UTC, every 30 minutes + 1 ns: crosses the 01:00 UTC change.
    let start = 1_711_845_000_000_000_000i64;
    let times: Vec<i64> = (0..8).map(|i| start + i * 1_800_000_000_001).collect();
    let index = Index::datetime_nanos(times, Some(tz)).with_name("time");
    let values = vec![
        1.0,
        f64::NAN,
        2.5,
        -0.0,
        f64::INFINITY,
        1e-300,
        3.0,
        f64::NEG_INFINITY,
    ];
    let series = Series::from_f64("A#1_RESAMPLED#1", index, values).expect("same length");
    let mut ts = TimeSeries::new(series).with_steps(vec![step("resample")]);
    ts.metadata_id = Some("id-'quoted'-\"id\"".into());
    ts.created_on = "2024-01-02T03:04:05.678901".parse().expect("valid");
    ts
}

pub(crate) fn every_kind() -> Vec<Series> {
    let n = 3;
    let cats: DictionaryArray<Int32Type> = vec!["lo", "hi", "lo"].into_iter().collect();
    let indexes = vec![
        Index::range(n),
        Index::new(IndexData::Range {
            start: 10,
            stop: 16,
            step: 2,
        })
        .expect("valid"),
        Index::ints(vec![5, 7, 20]).with_name("row"),
        Index::floats(vec![0.5, 1.25, 3.0]),
        Index::strings(&["a", "b", "c,d"]),
        Index::new(IndexData::Categorical {
            values: cats,
            ordered: true,
        })
        .expect("valid"),
        Index::new(IndexData::Timedelta(
            vec![0i64, 30_000_000_000, 60_000_000_001].into(),
        ))
        .expect("valid")
        .with_frequency("30s"),
        Index::new(IndexData::Period(
            vec!["2024-01", "2024-02", "2024-03"].into(),
        ))
        .expect("valid")
        .with_frequency("M"),
        Index::datetime_nanos(vec![0, 1, 2], None).with_frequency("ns"),
        Index::datetime_nanos(
            vec![0, 3_600_000_000_000, 7_200_000_000_000],
            Some(TimeZone::Utc),
        )
        .with_frequency("h"),
        Index::datetime_nanos(vec![-1, 0, 1], Some("UTC-05:00".parse().expect("valid"))),
        Index::datetime_nanos(
            vec![
                1_710_054_000_000_000_000,
                1_710_057_600_000_000_000,
                1_710_061_200_000_000_000,
            ],
            Some("America/Toronto".parse().expect("valid")),
        ),
    ];
    let values: Vec<ArrayRef> = vec![
        Arc::new(Float64Array::from(vec![Some(1.5), None, Some(f64::NAN)])),
        Arc::new(Int64Array::from(vec![Some(i64::MIN), None, Some(i64::MAX)])),
        Arc::new(Int64Array::from(vec![1, 2, 3])),
        Arc::new(BooleanArray::from(vec![Some(true), Some(false), None])),
        Arc::new(StringArray::from(vec![
            Some("a'b"),
            None,
            Some("°C\n\"q\""),
        ])),
    ];
    let mut out = Vec::new();
    for (i, idx) in indexes.into_iter().enumerate() {
        let v = Arc::clone(&values[i % values.len()]);
        out.push(Series::new(format!("S#1_K{i}#1"), idx, v).expect("same length"));
    }
    out
}

/// Data and metadata come back exactly (zone across DST, NaN, ±inf, -0.0, nanoseconds,
/// frequency, index name, parameters of every kind, created_on, metadata_id).
pub fn round_trip(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("round_trip");
    let ts = sample_time_series();
    let k = key(&ns, "A#1/RESAMPLED#1")?;
    save_ts(b, &k, &ts)?;
    check_load(b, &k, &ts)?;
    Ok(Outcome::Passed)
}

/// Every index kind and value type round-trips.
pub fn round_trip_every_kind(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("every_kind");
    for (i, s) in every_kind().into_iter().enumerate() {
        let ts = TimeSeries::new(s);
        let k = key(&ns, &format!("S#1/K{i}#1"))?;
        save_ts(b, &k, &ts)?;
        check_load(b, &k, &ts)?;
    }
    Ok(Outcome::Passed)
}

/// Generated series (every index kind, NaN, ±inf, empty, nanoseconds, zones across DST) and
/// histories round-trip (proptest, fixed seed).
pub fn round_trip_generated(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("generated");
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[42; 32]),
    );
    let strategy = crate::strategies::time_series("G#1_RAW#1".into(), 40);
    for i in 0..48 {
        let ts = strategy
            .new_tree(&mut runner)
            .map_err(e2s("generate"))?
            .current();
        let k = key(&ns, &format!("G#1/RAW#{i}"))?;
        save_ts(b, &k, &ts)?;
        check_load(b, &k, &ts)?;
    }
    Ok(Outcome::Passed)
}

/// An empty series round-trips.
pub fn empty_series(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("empty");
    let ts = TimeSeries::new(
        Series::from_f64("E#1_RAW#1", Index::datetime_nanos(vec![], None), vec![])
            .map_err(e2s("series"))?,
    );
    let k = key(&ns, "E#1/RAW#1")?;
    save_ts(b, &k, &ts)?;
    check_load(b, &k, &ts)?;
    let ts = TimeSeries::new(Series::empty("E#1_RAW#2"));
    let k = key(&ns, "E#1/RAW#2")?;
    save_ts(b, &k, &ts)?;
    check_load(b, &k, &ts)?;
    Ok(Outcome::Passed)
}

/// Saving again under a key replaces the value.
pub fn overwrite(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("overwrite");
    let k = key(&ns, "A#1/RAW#1")?;
    let first = TimeSeries::new(
        Series::from_f64("A#1_RAW#1", Index::range(3), vec![1.0, 2.0, 3.0]).map_err(e2s("s"))?,
    );
    let second = TimeSeries::new(
        Series::from_f64("A#1_RAW#1", Index::range(1), vec![9.0]).map_err(e2s("s"))?,
    )
    .with_steps(vec![step("second")]);
    save_ts(b, &k, &first)?;
    save_ts(b, &k, &second)?;
    check_load(b, &k, &second)?;
    let keys = b.list_keys().map_err(e2s("list"))?;
    ensure!(
        keys.iter().filter(|x| *x == &k).count() == 1,
        "{k} listed more than once after overwrite: {keys:?}"
    );
    Ok(Outcome::Passed)
}

/// `exists` tells stored keys from others.
pub fn exists(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("exists");
    let k = key(&ns, "A#1/RAW#1")?;
    ensure!(
        !b.exists(&k).map_err(e2s("exists"))?,
        "{k} exists before any save"
    );
    save_ts(b, &k, &sample_time_series())?;
    ensure!(
        b.exists(&k).map_err(e2s("exists"))?,
        "{k} does not exist after save"
    );
    ensure!(
        !b.exists(&key(&ns, "A#1/RAW#2")?).map_err(e2s("exists"))?,
        "a sibling key exists"
    );
    ensure!(
        !b.exists(&key(&ns, "A#1")?).map_err(e2s("exists"))?,
        "a prefix of a key exists"
    );
    Ok(Outcome::Passed)
}

/// `delete` removes a key; deleting a missing key is NotFound naming the key.
pub fn delete(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("delete");
    let k = key(&ns, "A#1/RAW#1")?;
    let other = key(&ns, "A#1/RAW#2")?;
    save_ts(b, &k, &sample_time_series())?;
    save_ts(b, &other, &sample_time_series())?;
    b.delete(&k).map_err(e2s("delete"))?;
    ensure!(
        !b.exists(&k).map_err(e2s("exists"))?,
        "{k} still exists after delete"
    );
    ensure!(
        b.exists(&other).map_err(e2s("exists"))?,
        "delete removed another key"
    );
    let err = b
        .delete(&k)
        .err()
        .ok_or("deleting a missing key succeeded")?;
    ensure!(
        err.kind() == ErrorKind::NotFound,
        "deleting a missing key: {:?}, want NotFound",
        err.kind()
    );
    ensure!(
        err.to_string().contains(k.as_str()),
        "the error does not name the key: {err}"
    );
    Ok(Outcome::Passed)
}

/// Loading a missing key is NotFound naming the key.
pub fn missing_key(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("missing");
    let k = key(&ns, "nonexistent_key")?;
    let err = b.load(&k).err().ok_or("loading a missing key succeeded")?;
    ensure!(
        err.kind() == ErrorKind::NotFound,
        "load of a missing key: {:?} ({err}), want NotFound",
        err.kind()
    );
    ensure!(
        err.to_string().contains(k.as_str()),
        "the error does not name the key: {err}"
    );
    let err = b
        .load_range(&k, TimeRange::default())
        .err()
        .ok_or("load_range of a missing key succeeded")?;
    ensure!(
        err.kind() == ErrorKind::NotFound,
        "load_range of a missing key: {:?}",
        err.kind()
    );
    Ok(Outcome::Passed)
}

/// `list_keys` is sorted and exact, with odd characters kept.
pub fn list_keys_sorted(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("list");
    let names = [
        "b/Z#1/RAW#1",
        "a/A#2/RAW#1",
        "a/A#10/RAW#1",
        "é/°C#1/RAW#1",
        "a/A#1/RAW#1",
        "a_b/c/d",
        "a/b_c/d",
    ];
    let ts = sample_time_series();
    for n in names {
        save_ts(b, &key(&ns, n)?, &ts)?;
    }
    let listed: Vec<StorageKey> = b
        .list_keys()
        .map_err(e2s("list"))?
        .into_iter()
        .filter(|k| k.starts_with_parts(&ns))
        .collect();
    let mut want: Vec<StorageKey> = names
        .iter()
        .map(|n| key(&ns, n))
        .collect::<Result<_, _>>()?;
    want.sort();
    ensure!(listed == want, "list_keys: got {listed:?}, want {want:?}");
    let all = b.list_keys().map_err(e2s("list"))?;
    ensure!(
        all.windows(2).all(|w| w[0] < w[1]),
        "list_keys is not strictly sorted: {all:?}"
    );
    Ok(Outcome::Passed)
}

/// `clear` removes every key and the backend stays usable.
pub fn clear(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("clear");
    for i in 0..3 {
        save_ts(
            b,
            &key(&ns, &format!("A#1/RAW#{i}"))?,
            &sample_time_series(),
        )?;
    }
    b.clear().map_err(e2s("clear"))?;
    let keys = b.list_keys().map_err(e2s("list"))?;
    ensure!(keys.is_empty(), "keys left after clear: {keys:?}");
    let k = key(&ns, "A#1/RAW#9")?;
    save_ts(b, &k, &sample_time_series())?;
    check_load(b, &k, &sample_time_series())?;
    Ok(Outcome::Passed)
}

/// Keys with quotes, SQL, wildcards, spaces and non-ASCII are plain data.
pub fn special_character_keys(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("special");
    let odd = [
        "x'); DROP TABLE time_series_metadata;--/s/RAW#1",
        "quote\"d/sig'nal/RAW#1",
        "percent%/_under_/RAW#1",
        "spaces here/and there/RAW#1",
        "µS-cm/NH4-N#1/LIN-INT#1",
        "a..b/c/d",
        "*/?/[x]",
    ];
    for (i, n) in odd.iter().enumerate() {
        let k = key(&ns, n)?;
        let ts = TimeSeries::new(
            Series::from_f64(format!("S#1_RAW#{i}"), Index::range(1), vec![i as f64])
                .map_err(e2s("s"))?,
        );
        save_ts(b, &k, &ts)?;
        check_load(b, &k, &ts)?;
    }
    let listed = b
        .list_keys()
        .map_err(e2s("list"))?
        .into_iter()
        .filter(|k| k.starts_with_parts(&ns))
        .count();
    ensure!(
        listed == odd.len(),
        "{listed} odd keys listed, want {}",
        odd.len()
    );
    Ok(Outcome::Passed)
}

/// Invalid keys cannot be made, so no backend ever sees one.
pub fn invalid_keys_rejected(_b: &dyn StorageBackend) -> CaseResult {
    for bad in [
        "",
        "/abs",
        "a/../b",
        "..",
        "a//b",
        "a\\b",
        "a\0b",
        "tab\there",
    ] {
        match StorageKey::new(bad) {
            Err(e) if e.kind() == ErrorKind::InvalidKey => {}
            other => return Err(format!("key {bad:?} was not rejected: {other:?}")),
        }
    }
    Ok(Outcome::Passed)
}

/// A save that fails leaves the previous value readable.
pub fn failed_save_keeps_previous(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("failed_save");
    let k = key(&ns, "A#1/RAW#1")?;
    let good = sample_time_series();
    save_ts(b, &k, &good)?;
    // Metadata that contradicts the data: every backend must refuse it before writing.
    let bad_series =
        Series::from_f64("A#1_RAW#1", Index::range(2), vec![0.0, 0.0]).map_err(e2s("s"))?;
    let mut bad_meta: TimeSeriesMetadata = good.metadata();
    bad_meta.values_dtype = "bool".into();
    let err = b
        .save(&k, &bad_series, &bad_meta)
        .err()
        .ok_or("a contradictory save succeeded")?;
    ensure!(
        err.kind() == ErrorKind::InvalidInput,
        "contradictory save: {:?} ({err}), want InvalidInput",
        err.kind()
    );
    check_load(b, &k, &good)?;
    Ok(Outcome::Passed)
}

/// Checks that each window of `k` (saved from `ts`) holds what [`Series::time_window`] keeps,
/// with the metadata unchanged.
fn check_windows(
    b: &dyn StorageBackend,
    k: &StorageKey,
    ts: &TimeSeries,
    windows: &[(Option<i64>, Option<i64>)],
) -> Result<(), String> {
    let full = ts.series().map_err(e2s("series"))?;
    for &(start, end) in windows {
        let range = TimeRange::new(start, end);
        let (got, meta) = b.load_range(k, range).map_err(e2s("load_range"))?;
        let want = full.time_window(range).map_err(e2s("window"))?;
        ensure!(
            got == want,
            "load_range({start:?}, {end:?}) of {k}: {} points, want {}\n  got: {got:?}\n want: {want:?}",
            got.len(),
            want.len()
        );
        ensure!(meta == ts.metadata(), "load_range changed the metadata");
    }
    Ok(())
}

/// `load_range` returns exactly the points in `[start, end)` (either bound open).
pub fn range_read(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("range");
    let ts = storable(b, &sample_time_series());
    let k = key(&ns, "A#1/RESAMPLED#1")?;
    save_ts(b, &k, &ts)?;
    let full = ts.series().map_err(e2s("series"))?;
    let meteaudata_core::IndexData::DateTime { values, .. } = full.index().data() else {
        return Err("sample is datetime-indexed".into());
    };
    let t = values.values();
    let windows = [
        (Some(t[2]), Some(t[5])),
        (None, Some(t[1])),
        (Some(t[6]), None),
        (Some(t[7] + 1), None),
        (None, None),
    ];
    check_windows(b, &k, &ts, &windows)?;
    let ints = TimeSeries::new(
        Series::from_f64("A#1_RAW#1", Index::range(2), vec![1.0, 2.0]).map_err(e2s("s"))?,
    );
    let k2 = key(&ns, "A#1/RAW#1")?;
    save_ts(b, &k2, &ints)?;
    let err = b
        .load_range(&k2, TimeRange::new(Some(0), None))
        .err()
        .ok_or("a time window on a range index succeeded")?;
    ensure!(
        err.kind() == ErrorKind::InvalidInput,
        "time window on a range index: {:?}",
        err.kind()
    );
    if b.capabilities().range_reads {
        Ok(Outcome::Passed)
    } else {
        Ok(Outcome::Skipped(
            "results checked, but the backend reads whole series (no range_reads)".into(),
        ))
    }
}

/// `append` adds points after the stored ones, keeping the metadata.
pub fn append(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("append");
    let k = key(&ns, "A#1/RAW#1")?;
    let ts = storable(b, &sample_time_series());
    save_ts(b, &k, &ts)?;
    let full = ts.series().map_err(e2s("series"))?;
    let more = full.slice(6, 2);
    let start = full.slice(0, 6);
    let head = TimeSeries::from_parts(
        start,
        ts.processing_steps.clone(),
        ts.index_metadata().clone(),
        ts.values_dtype().to_string(),
        ts.metadata_id.clone(),
        ts.created_on,
    );
    save_ts(b, &k, &head)?;
    b.append(&k, &more).map_err(e2s("append"))?;
    let (got, meta) = b.load(&k).map_err(e2s("load"))?;
    ensure!(&got == full, "after append: got {got:?}, want {full:?}");
    ensure!(meta == ts.metadata(), "append changed the metadata");
    let err = b
        .append(&key(&ns, "A#1/RAW#404")?, &more)
        .err()
        .ok_or("append to a missing key succeeded")?;
    ensure!(
        err.kind() == ErrorKind::NotFound,
        "append to a missing key: {:?}",
        err.kind()
    );
    let wrong = Series::from_f64("x", Index::range(1), vec![1.0]).map_err(e2s("s"))?;
    ensure!(
        b.append(&k, &wrong).is_err(),
        "appending another index kind succeeded"
    );
    let (after, _) = b.load(&k).map_err(e2s("load"))?;
    ensure!(&after == full, "a failed append changed the stored series");
    Ok(Outcome::Passed)
}

/// A datetime series of 5000 points whose times are shuffled, with some missing (NaT):
/// enough points to span several storage blocks or row groups, in no particular order.
pub(crate) fn scattered_series() -> Result<Series, String> {
    let n = 5000i64;
    let start = 1_700_000_000_000_000_000i64;
    // 1913 is prime to 5000: i -> i * 1913 mod n is a permutation.
    let times = arrow_array::TimestampNanosecondArray::from(
        (0..n)
            .map(|i| (i % 53 != 7).then_some(start + (i * 1913 % n) * 1_000_000_000))
            .collect::<Vec<_>>(),
    );
    let index = Index::new(IndexData::DateTime {
        values: times,
        tz: Some(TimeZone::Utc),
    })
    .map_err(e2s("index"))?;
    let values = (0..n)
        .map(|i| {
            if i % 31 == 0 {
                f64::NAN
            } else {
                i as f64 * 0.25
            }
        })
        .collect();
    Series::from_f64("W#1_RAW#1", index, values).map_err(e2s("series"))
}

/// Time windows of a large series with shuffled and missing times keep exactly the points
/// inside them, in stored order (the windows start and end on stored times, between them,
/// before and after everything).
pub fn range_read_scattered(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("range_scattered");
    let ts = TimeSeries::new(scattered_series()?);
    let k = key(&ns, "W#1/RAW#1")?;
    save_ts(b, &k, &ts)?;
    let s = 1_700_000_000_000_000_000i64;
    let sec = 1_000_000_000i64;
    let windows = [
        (Some(s), Some(s + 10 * sec)),
        (Some(s + 1234 * sec), Some(s + 1300 * sec)),
        (Some(s + 1234 * sec + 1), Some(s + 1300 * sec - 1)),
        (Some(s + 4990 * sec), None),
        (None, Some(s + 3 * sec)),
        (Some(s + 2500 * sec), Some(s + 2500 * sec)),
        (Some(s - sec), Some(s + 5000 * sec)),
        (Some(s + 6000 * sec), None),
        (None, None),
    ];
    check_windows(b, &k, &ts, &windows)?;
    Ok(Outcome::Passed)
}

/// Many small appends, then a large one, give the same series as appending in memory.
pub fn append_in_pieces(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("append_pieces");
    let full = scattered_series()?;
    let k = key(&ns, "W#1/RAW#1")?;
    let head = TimeSeries::new(full.slice(0, 1000));
    save_ts(b, &k, &head)?;
    let mut at = 1000;
    for _ in 0..30 {
        b.append(&k, &full.slice(at, 1)).map_err(e2s("append"))?;
        at += 1;
    }
    b.append(&k, &full.slice(at, 2000)).map_err(e2s("append"))?;
    at += 2000;
    let want = full.slice(0, at);
    let (got, meta) = b.load(&k).map_err(e2s("load"))?;
    ensure!(
        got == want,
        "after 31 appends: {} points, want {}",
        got.len(),
        want.len()
    );
    ensure!(meta == head.metadata(), "appends changed the metadata");
    let range = TimeRange::new(Some(1_700_000_000_000_000_000 + 2000 * 1_000_000_000), None);
    let (window, _) = b.load_range(&k, range).map_err(e2s("load_range"))?;
    ensure!(
        window == want.time_window(range).map_err(e2s("window"))?,
        "a window of the appended series differs"
    );
    Ok(Outcome::Passed)
}

/// A series of 10^6 points round-trips.
pub fn large_series(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("large");
    let series = crate::generated::sensor_series("L#1_RAW#1", 1_000_000, 1_000_000_000, "s");
    let ts = TimeSeries::new(series);
    let k = key(&ns, "L#1/RAW#1")?;
    save_ts(b, &k, &ts)?;
    check_load(b, &k, &ts)?;
    Ok(Outcome::Passed)
}

/// Keys the `many_keys` case stores and lists, unless the suite says otherwise.
pub const MANY_KEYS: usize = 10_000;

std::thread_local! {
    static KEYS: std::cell::Cell<usize> = const { std::cell::Cell::new(MANY_KEYS) };
}

/// Runs `f` with `many_keys` storing `n` keys on this thread (`backend_suite!(many_keys: n,
/// optional: …)`: emulated object stores answer in milliseconds per request, so a CI run
/// lists fewer keys there, still more than a listing page of 1 000).
pub fn with_many_keys<T>(n: usize, f: impl FnOnce() -> T) -> T {
    let before = KEYS.with(|k| k.replace(n));
    let out = f();
    KEYS.with(|k| k.set(before));
    out
}

/// [`MANY_KEYS`] keys (or what [`with_many_keys`] says) are stored and listed.
pub fn many_keys(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("many");
    let ts = TimeSeries::new(
        Series::from_f64("M#1_RAW#1", Index::range(2), vec![1.0, 2.0]).map_err(e2s("s"))?,
    );
    let n = KEYS.with(std::cell::Cell::get);
    // From 4 threads: the case is about how many keys a store holds and lists, and a remote
    // store takes milliseconds per request.
    let threads = 4;
    on_threads(threads, |t| {
        for i in (t..n).step_by(threads) {
            save_ts(b, &key(&ns, &format!("M#1/RAW#{i}"))?, &ts)?;
        }
        Ok(())
    })?;
    let listed = b
        .list_keys()
        .map_err(e2s("list"))?
        .into_iter()
        .filter(|k| k.starts_with_parts(&ns))
        .count();
    ensure!(listed == n, "{listed} keys listed, want {n}");
    check_load(b, &key(&ns, &format!("M#1/RAW#{}", n - 1))?, &ts)?;
    Ok(Outcome::Passed)
}

/// Four threads saving 25 keys each lose nothing.
pub fn concurrent_saves(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("concurrent");
    on_threads(4, |t| {
        for i in 0..25 {
            let v = (t * 100 + i) as f64;
            let ts = TimeSeries::new(
                Series::from_f64(format!("T#{t}_RAW#{i}"), Index::range(1), vec![v])
                    .map_err(e2s("s"))?,
            );
            save_ts(b, &key(&ns, &format!("T#{t}/RAW#{i}"))?, &ts)?;
        }
        Ok(())
    })?;
    for t in 0..4 {
        for i in 0..25 {
            let (s, _) = b
                .load(&key(&ns, &format!("T#{t}/RAW#{i}"))?)
                .map_err(e2s("load"))?;
            let v = s.f64_values().map(|a| a.value(0));
            ensure!(v == Some((t * 100 + i) as f64), "T#{t}/RAW#{i}: {v:?}");
        }
    }
    Ok(Outcome::Passed)
}

/// `size_on_disk` reports a positive size that grows with data.
pub fn size_on_disk(b: &dyn StorageBackend) -> CaseResult {
    if !b.capabilities().size {
        let reported = b.size_on_disk().map_err(e2s("size"))?;
        ensure!(
            reported.is_none(),
            "size_on_disk reports {reported:?} without the size capability"
        );
        return Ok(Outcome::Skipped("backend has no size capability".into()));
    }
    let ns = fresh_namespace("size");
    save_ts(b, &key(&ns, "A#1/RAW#1")?, &sample_time_series())?;
    let first = b
        .size_on_disk()
        .map_err(e2s("size"))?
        .ok_or("no size reported")?;
    ensure!(first > 0, "size is 0 after a save");
    let big = TimeSeries::new(
        Series::from_f64(
            "B#1_RAW#1",
            Index::range(100_000),
            (0..100_000).map(|i| i as f64 * 0.37).collect(),
        )
        .map_err(e2s("s"))?,
    );
    save_ts(b, &key(&ns, "B#1/RAW#1")?, &big)?;
    let second = b
        .size_on_disk()
        .map_err(e2s("size"))?
        .ok_or("no size reported")?;
    ensure!(second > first, "size did not grow: {first} then {second}");
    Ok(Outcome::Passed)
}

/// Metadata keeps `parameters: null` apart from `{}`, and timestamps exactly.
pub fn metadata_exact(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("metadata");
    let mut none = step("none");
    none.parameters = None;
    let mut empty = step("empty");
    empty.parameters = Some(Parameters::new());
    empty.run_datetime = MetaTime::with_offset(
        chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.123456+05:30")
            .map_err(e2s("t"))?,
    );
    let ts =
        TimeSeries::new(Series::from_f64("A#1_X#1", Index::range(1), vec![1.0]).map_err(e2s("s"))?)
            .with_steps(vec![none, empty]);
    let k = key(&ns, "A#1/X#1")?;
    save_ts(b, &k, &ts)?;
    check_load(b, &k, &ts)?;
    // The signal and dataset fields the model stores beside a series come back too.
    let mut meta = ts.metadata();
    meta.context = Some(meteaudata_core::metadata::StoredContext {
        signal: Some(meteaudata_core::metadata::SignalContext {
            name: "A#1".into(),
            units: "µS/cm".into(),
            provenance: meteaudata_core::DataProvenance::unknown(),
            created_on: MetaTime::naive(meteaudata_core::nanos_to_naive(0)),
            last_updated: MetaTime::naive(meteaudata_core::nanos_to_naive(1_000)),
        }),
        dataset: Some(meteaudata_core::metadata::DatasetContext {
            name: ns.clone(),
            description: Some("a 'quoted' description: with colon".into()),
            owner: None,
            purpose: Some("yes".into()),
            project: None,
            created_on: MetaTime::naive(meteaudata_core::nanos_to_naive(0)),
            last_updated: MetaTime::naive(meteaudata_core::nanos_to_naive(0)),
        }),
    });
    let series = ts.series().map_err(e2s("series"))?;
    b.save(&k, series, &meta)
        .map_err(e2s("save with context"))?;
    let (_, loaded) = b.load(&k).map_err(e2s("load"))?;
    ensure!(
        loaded == meta,
        "stored context differs:\n saved: {meta:?}\nloaded: {loaded:?}"
    );
    Ok(Outcome::Passed)
}

pub use crate::create_cases::{concurrent_creates, create_new};
pub use crate::snapshot_cases::{
    snapshot_names_checked, snapshots_round_trip, snapshots_spare_versions,
};
pub use crate::stream_cases::{
    load_metadata, scan_chunks, scan_windows, writer_abandoned_keeps_previous, writer_round_trip,
};
pub use crate::version_cases::{
    versions_concurrent, versions_hash_every_kind, versions_overwrite, versions_retention,
    versions_writers_and_appends,
};

/// Every case, in the order the suite runs them.
pub const ALL: &[Case] = &[
    ("round_trip", round_trip),
    ("round_trip_every_kind", round_trip_every_kind),
    ("round_trip_generated", round_trip_generated),
    ("empty_series", empty_series),
    ("overwrite", overwrite),
    ("exists", exists),
    ("delete", delete),
    ("missing_key", missing_key),
    ("list_keys_sorted", list_keys_sorted),
    ("clear", clear),
    ("special_character_keys", special_character_keys),
    ("invalid_keys_rejected", invalid_keys_rejected),
    ("failed_save_keeps_previous", failed_save_keeps_previous),
    ("range_read", range_read),
    ("append", append),
    ("range_read_scattered", range_read_scattered),
    ("append_in_pieces", append_in_pieces),
    ("large_series", large_series),
    ("many_keys", many_keys),
    ("concurrent_saves", concurrent_saves),
    ("size_on_disk", size_on_disk),
    ("metadata_exact", metadata_exact),
    ("load_metadata", load_metadata),
    ("scan_chunks", scan_chunks),
    ("scan_windows", scan_windows),
    ("writer_round_trip", writer_round_trip),
    (
        "writer_abandoned_keeps_previous",
        writer_abandoned_keeps_previous,
    ),
    ("create_new", create_new),
    ("concurrent_creates", concurrent_creates),
    ("versions_overwrite", versions_overwrite),
    ("versions_hash_every_kind", versions_hash_every_kind),
    ("versions_writers_and_appends", versions_writers_and_appends),
    ("versions_retention", versions_retention),
    ("versions_concurrent", versions_concurrent),
    ("snapshots_round_trip", snapshots_round_trip),
    ("snapshots_spare_versions", snapshots_spare_versions),
    ("snapshot_names_checked", snapshot_names_checked),
];
