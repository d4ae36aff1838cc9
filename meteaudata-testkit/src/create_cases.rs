//! Conformance cases of conditional creation: `create` and `create_writer` write only a free
//! key, and with [`Capabilities::atomic_create`](meteaudata_core::storage::Capabilities) one
//! of several concurrent creators wins.

use meteaudata_core::storage::StorageBackend;
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries};

use crate::cases::{
    check_load, e2s, fresh_namespace, key, on_threads, sample_time_series, save_ts, storable,
    CaseResult, Outcome,
};

fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(msg())
    }
}

fn one_point(name: &str, v: f64) -> Result<TimeSeries, String> {
    Ok(TimeSeries::new(
        Series::from_f64(name, Index::range(1), vec![v]).map_err(e2s("series"))?,
    ))
}

/// `create` writes a free key and refuses a taken one with `Conflict`, leaving its value;
/// `create_writer` does the same at its commit.
pub fn create_new(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("create");
    let k = key(&ns, "A#2/RAW#1")?;
    let first = storable(b, &sample_time_series());
    let data = first.series().map_err(e2s("series"))?;
    b.create(&k, data, &first.metadata())
        .map_err(e2s("create of a free key"))?;
    check_load(b, &k, &first)?;

    let other = one_point("A#2_RAW#1", 42.0)?;
    let odata = other.series().map_err(e2s("series"))?;
    let err = b
        .create(&k, odata, &other.metadata())
        .err()
        .ok_or("create of a taken key succeeded")?;
    ensure(err.kind() == ErrorKind::Conflict, || {
        format!(
            "create of a taken key: {:?} ({err}), want Conflict",
            err.kind()
        )
    })?;
    check_load(b, &k, &first)?;

    let mut w = b.create_writer(&k).map_err(e2s("create_writer"))?;
    w.push(odata).map_err(e2s("push"))?;
    let err = w
        .commit(&other.metadata())
        .err()
        .ok_or("create_writer committed over a taken key")?;
    ensure(err.kind() == ErrorKind::Conflict, || {
        format!(
            "create_writer over a taken key: {:?} ({err}), want Conflict",
            err.kind()
        )
    })?;
    check_load(b, &k, &first)?;

    let free = key(&ns, "A#3/RAW#1")?;
    let mut w = b.create_writer(&free).map_err(e2s("create_writer"))?;
    w.push(odata).map_err(e2s("push"))?;
    w.commit(&other.metadata())
        .map_err(e2s("create_writer of a free key"))?;
    check_load(b, &free, &other)?;

    // A deleted key is free again.
    b.delete(&free).map_err(e2s("delete"))?;
    save_ts(b, &k, &other)?;
    b.create(&free, odata, &other.metadata())
        .map_err(e2s("create after delete"))?;
    Ok(Outcome::Passed)
}

/// Four threads create the same 10 keys at once: each key is created exactly once, the
/// others get `Conflict`, and the stored value is the winner's.
pub fn concurrent_creates(b: &dyn StorageBackend) -> CaseResult {
    if !b.capabilities().atomic_create {
        return Ok(Outcome::Skipped(
            "backend does not claim atomic creation".into(),
        ));
    }
    let ns = fresh_namespace("concurrent_create");
    const THREADS: usize = 4;
    const KEYS: usize = 10;
    let won: Vec<Vec<bool>> = on_threads(THREADS, |t| {
        let mut won = Vec::with_capacity(KEYS);
        for i in 0..KEYS {
            let ts = one_point(&format!("C#{i}_RAW#1"), (t * 100 + i) as f64)?;
            let k = key(&ns, &format!("C#{i}/RAW#1"))?;
            let data = ts.series().map_err(e2s("series"))?;
            match b.create(&k, data, &ts.metadata()) {
                Ok(()) => won.push(true),
                Err(e) if e.kind() == ErrorKind::Conflict => won.push(false),
                Err(e) => return Err(format!("create {k}: {e}")),
            }
        }
        Ok(won)
    })?;
    for i in 0..KEYS {
        let winners: Vec<usize> = won
            .iter()
            .enumerate()
            .filter(|(_, w)| w[i])
            .map(|(t, _)| t)
            .collect();
        ensure(winners.len() == 1, || {
            format!("key C#{i}: created by threads {winners:?}, want exactly one")
        })?;
        let (s, _) = b
            .load(&key(&ns, &format!("C#{i}/RAW#1"))?)
            .map_err(e2s("load"))?;
        let v = s.f64_values().map(|a| a.value(0));
        ensure(v == Some((winners[0] * 100 + i) as f64), || {
            format!("key C#{i} holds {v:?}, created by thread {}", winners[0])
        })?;
    }
    Ok(Outcome::Passed)
}
