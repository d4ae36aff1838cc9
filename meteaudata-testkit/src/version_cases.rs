//! Conformance cases of versions: with
//! [`Capabilities::versions`](meteaudata_core::storage::Capabilities), every save keeps the
//! previous value loadable, each version records the content hash of its series (the same
//! hash on every backend), retention removes old versions but never the latest, and
//! concurrent writers lose no version. Without it, the calls say `Unsupported`.

use meteaudata_core::storage::{Retention, StorageBackend, StorageKey, VersionInfo};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries};

use crate::cases::{
    check, check_load, e2s, every_kind, filled, fresh_namespace, key, on_threads,
    sample_time_series, save_ts, CaseResult, Outcome,
};

fn versions(b: &dyn StorageBackend, k: &StorageKey) -> Result<Vec<VersionInfo>, String> {
    b.list_versions(k).map_err(e2s("list_versions"))
}

fn numbers(v: &[VersionInfo]) -> Vec<u64> {
    v.iter().map(|v| v.version).collect()
}

/// Checks that version `info` describes `ts` (hash computed here, points) and that
/// `load_version` gives it back.
fn check_version(
    b: &dyn StorageBackend,
    k: &StorageKey,
    info: &VersionInfo,
    ts: &TimeSeries,
) -> Result<(), String> {
    let series = ts.series().map_err(e2s("series"))?;
    let hash = series.content_hash().map_err(e2s("content hash"))?;
    check(info.hash == hash, || {
        format!(
            "{k} version {}: recorded hash {} but the saved series hashes to {hash}",
            info.version, info.hash
        )
    })?;
    check(info.points == series.len() as u64, || {
        format!(
            "{k} version {}: {} points recorded, {} saved",
            info.version,
            info.points,
            series.len()
        )
    })?;
    let (loaded, meta) = b
        .load_version(k, info.version)
        .map_err(e2s("load_version"))?;
    check(&loaded == series, || {
        format!(
            "{k} version {}: data differs\n saved: {series:?}\nloaded: {loaded:?}",
            info.version
        )
    })?;
    check(meta == ts.metadata(), || {
        format!("{k} version {}: metadata differs", info.version)
    })
}

fn skip_unless_versions(b: &dyn StorageBackend) -> Option<Outcome> {
    (!b.capabilities().versions).then(|| Outcome::Skipped("no versions capability".into()))
}

/// Overwrites keep every earlier value loadable by number, with its content hash, points and
/// time; `load` reads the latest; a version not kept is `NotFound`; `delete` removes every
/// version and numbering starts again. Without the capability every call is `Unsupported`.
pub fn versions_overwrite(b: &dyn StorageBackend) -> CaseResult {
    let ns = fresh_namespace("versions");
    let k = key(&ns, "V#1/RAW#1")?;
    if !b.capabilities().versions {
        let ts = filled("V#1_RAW#1", 2, 1.0)?;
        save_ts(b, &k, &ts)?;
        for (what, err) in [
            ("list_versions", b.list_versions(&k).err()),
            ("load_version", b.load_version(&k, 1).err()),
            (
                "prune_versions",
                b.prune_versions(&k, Retention::KeepLast(1)).err(),
            ),
        ] {
            let kind = err.map(|e| e.kind());
            check(kind == Some(ErrorKind::Unsupported), || {
                format!("{what} without the versions capability: {kind:?}, want Unsupported")
            })?;
        }
        return Ok(Outcome::Skipped("no versions capability".into()));
    }
    let saved = vec![
        sample_time_series(),
        filled("V#1_RAW#1", 3, 2.0)?,
        filled("V#1_RAW#1", 1, 3.0)?,
    ];
    for ts in &saved {
        save_ts(b, &k, ts)?;
    }
    let listed = versions(b, &k)?;
    check(numbers(&listed) == [1, 2, 3], || {
        format!(
            "versions after three saves: {:?}, want [1, 2, 3]",
            numbers(&listed)
        )
    })?;
    for (info, ts) in listed.iter().zip(&saved) {
        check_version(b, &k, info, ts)?;
    }
    check(
        listed.windows(2).all(|w| w[0].created <= w[1].created),
        || format!("creation times go back: {listed:?}"),
    )?;
    check_load(b, &k, &saved[2])?;
    let err = b.load_version(&k, 4).err().map(|e| e.kind());
    check(err == Some(ErrorKind::NotFound), || {
        format!("load_version of version 4 of 3: {err:?}, want NotFound")
    })?;
    let other = key(&ns, "V#1/RAW#2")?;
    let err = b.list_versions(&other).err().map(|e| e.kind());
    check(err == Some(ErrorKind::NotFound), || {
        format!("list_versions of a missing key: {err:?}, want NotFound")
    })?;

    b.delete(&k).map_err(e2s("delete"))?;
    let err = b.list_versions(&k).err().map(|e| e.kind());
    check(err == Some(ErrorKind::NotFound), || {
        format!("list_versions after delete: {err:?}, want NotFound")
    })?;
    let err = b.load_version(&k, 1).err().map(|e| e.kind());
    check(err == Some(ErrorKind::NotFound), || {
        format!("load_version after delete: {err:?}, want NotFound")
    })?;
    save_ts(b, &k, &saved[1])?;
    let listed = versions(b, &k)?;
    check(numbers(&listed) == [1], || {
        format!(
            "versions of a deleted and saved key: {:?}, want [1]",
            numbers(&listed)
        )
    })?;
    check_version(b, &k, &listed[0], &saved[1])?;
    Ok(Outcome::Passed)
}

/// Every index kind and value type gets the content hash computed by the caller, so equal
/// content has equal hashes on every backend.
pub fn versions_hash_every_kind(b: &dyn StorageBackend) -> CaseResult {
    if let Some(skip) = skip_unless_versions(b) {
        return Ok(skip);
    }
    let ns = fresh_namespace("versions_kinds");
    for (i, s) in every_kind().into_iter().enumerate() {
        let ts = TimeSeries::new(s);
        let k = key(&ns, &format!("S#1/K{i}#1"))?;
        save_ts(b, &k, &ts)?;
        let listed = versions(b, &k)?;
        check(listed.len() == 1, || format!("{k}: {listed:?}"))?;
        check_version(b, &k, &listed[0], &ts)?;
    }
    Ok(Outcome::Passed)
}

/// Writers, creates and appends add versions too: an append's version hashes the whole
/// series after it.
pub fn versions_writers_and_appends(b: &dyn StorageBackend) -> CaseResult {
    if let Some(skip) = skip_unless_versions(b) {
        return Ok(skip);
    }
    let ns = fresh_namespace("versions_writers");
    let k = key(&ns, "W#1/RAW#1")?;
    let first = filled("W#1_RAW#1", 4, 1.0)?;
    let data = first.series().map_err(e2s("series"))?;
    b.create(&k, data, &first.metadata())
        .map_err(e2s("create"))?;
    let second = filled("W#1_RAW#1", 6, 2.0)?;
    let mut w = b.writer(&k).map_err(e2s("writer"))?;
    let s2 = second.series().map_err(e2s("series"))?;
    w.push(&s2.slice(0, 4)).map_err(e2s("push"))?;
    w.push(&s2.slice(4, 2)).map_err(e2s("push"))?;
    w.commit(&second.metadata()).map_err(e2s("commit"))?;
    let more = Series::from_f64(
        "W#1_RAW#1",
        Index::new(meteaudata_core::IndexData::Range {
            start: 6,
            stop: 8,
            step: 1,
        })
        .map_err(e2s("index"))?,
        vec![3.0, 3.0],
    )
    .map_err(e2s("series"))?;
    b.append(&k, &more).map_err(e2s("append"))?;
    let listed = versions(b, &k)?;
    check(numbers(&listed) == [1, 2, 3], || {
        format!(
            "versions after create, writer and append: {:?}",
            numbers(&listed)
        )
    })?;
    check_version(b, &k, &listed[0], &first)?;
    check_version(b, &k, &listed[1], &second)?;
    let (latest, _) = b.load(&k).map_err(e2s("load"))?;
    let hash = latest.content_hash().map_err(e2s("hash"))?;
    check(listed[2].hash == hash && listed[2].points == 8, || {
        format!(
            "the append's version: {:?}, want hash {hash} and 8 points",
            listed[2]
        )
    })?;
    Ok(Outcome::Passed)
}

/// `KeepLast(n)` keeps the newest n, `NotOlderThan(t)` the versions saved from t on; the
/// latest always stays; `KeepLast(0)` is refused.
pub fn versions_retention(b: &dyn StorageBackend) -> CaseResult {
    if let Some(skip) = skip_unless_versions(b) {
        return Ok(skip);
    }
    let ns = fresh_namespace("versions_retention");
    let k = key(&ns, "R#1/RAW#1")?;
    let saved: Vec<TimeSeries> = (0..5)
        .map(|i| filled("R#1_RAW#1", 2, f64::from(i)))
        .collect::<Result<_, _>>()?;
    for ts in &saved {
        save_ts(b, &k, ts)?;
    }
    let err = b
        .prune_versions(&k, Retention::KeepLast(0))
        .err()
        .map(|e| e.kind());
    check(err == Some(ErrorKind::InvalidInput), || {
        format!("KeepLast(0): {err:?}, want InvalidInput")
    })?;
    check(versions(b, &k)?.len() == 5, || {
        "KeepLast(0) removed versions".into()
    })?;
    let gone = b
        .prune_versions(&k, Retention::KeepLast(3))
        .map_err(e2s("prune"))?;
    check(gone == [1, 2], || {
        format!("KeepLast(3) of 5 removed {gone:?}")
    })?;
    let listed = versions(b, &k)?;
    check(numbers(&listed) == [3, 4, 5], || {
        format!("kept {:?}, want [3, 4, 5]", numbers(&listed))
    })?;
    let err = b.load_version(&k, 2).err().map(|e| e.kind());
    check(err == Some(ErrorKind::NotFound), || {
        format!("a pruned version loads: {err:?}")
    })?;
    check_version(b, &k, &listed[0], &saved[2])?;
    // Everything is older than a time to come, but the latest stays.
    let later = meteaudata_core::chrono::Utc::now() + meteaudata_core::chrono::TimeDelta::days(1);
    let gone = b
        .prune_versions(&k, Retention::NotOlderThan(later))
        .map_err(e2s("prune"))?;
    check(gone == [3, 4], || {
        format!("NotOlderThan(tomorrow) removed {gone:?}")
    })?;
    let listed = versions(b, &k)?;
    check(numbers(&listed) == [5], || {
        format!("kept {:?}", numbers(&listed))
    })?;
    check_load(b, &k, &saved[4])?;
    // Numbering goes on after the pruned ones.
    save_ts(b, &k, &saved[0])?;
    let listed = versions(b, &k)?;
    check(numbers(&listed) == [5, 6], || {
        format!("after pruning and saving: {:?}", numbers(&listed))
    })?;
    Ok(Outcome::Passed)
}

/// Four threads saving one key five times each leave 20 versions, numbered 1 to 20, each the
/// content of one of the saves.
pub fn versions_concurrent(b: &dyn StorageBackend) -> CaseResult {
    if let Some(skip) = skip_unless_versions(b) {
        return Ok(skip);
    }
    let ns = fresh_namespace("versions_concurrent");
    let k = key(&ns, "C#1/RAW#1")?;
    on_threads(4, |t| {
        for i in 0..5 {
            save_ts(b, &k, &filled("C#1_RAW#1", 3, (t * 10 + i) as f64)?)?;
        }
        Ok(())
    })?;
    let listed = versions(b, &k)?;
    check(numbers(&listed) == (1..=20).collect::<Vec<u64>>(), || {
        format!("versions after 20 concurrent saves: {:?}", numbers(&listed))
    })?;
    let mut seen = std::collections::BTreeSet::new();
    for info in &listed {
        let (s, _) = b
            .load_version(&k, info.version)
            .map_err(e2s("load_version"))?;
        let v = s.f64_values().map(|a| a.value(0)).unwrap_or(f64::NAN);
        check(info.hash == s.content_hash().map_err(e2s("hash"))?, || {
            format!("version {}: hash does not match its data", info.version)
        })?;
        seen.insert(v as i64);
    }
    check(seen.len() == 20, || {
        format!("distinct saves kept: {seen:?}")
    })?;
    Ok(Outcome::Passed)
}
