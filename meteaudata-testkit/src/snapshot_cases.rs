//! Conformance cases of snapshots: with
//! [`Capabilities::snapshots`](meteaudata_core::storage::Capabilities), a snapshot records
//! the latest version of each key it covers and keeps loading exactly that after later saves
//! and prunes; names are unique (of writers racing for one name, exactly one wins) and
//! checked. Without it, the calls say `Unsupported`.
//!
//! Snapshot names are not namespaced by keys, so each case takes names no other case uses
//! and only checks that its own names are listed.

use meteaudata_core::storage::{Retention, Snapshot, StorageBackend, StorageKey};
use meteaudata_core::{ErrorKind, TimeSeries};

use crate::cases::{
    check, e2s, filled, fresh_namespace, key, on_threads, sample_time_series, save_ts, CaseResult,
    Outcome,
};

/// Loads `k` as snapshot `s` recorded it and checks it equals `want`.
fn check_snapshot_load(
    b: &dyn StorageBackend,
    s: &Snapshot,
    k: &StorageKey,
    want: &TimeSeries,
) -> Result<(), String> {
    let (series, meta) = s.load(b, k).map_err(e2s("load from the snapshot"))?;
    let want_series = want.series().map_err(e2s("series"))?;
    check(&series == want_series, || {
        format!(
            "{k} from snapshot {}: data differs\n saved: {want_series:?}\nloaded: {series:?}",
            s.name()
        )
    })?;
    check(meta == want.metadata(), || {
        format!("{k} from snapshot {}: metadata differs", s.name())
    })
}

fn kind<T>(r: meteaudata_core::Result<T>) -> Option<ErrorKind> {
    r.err().map(|e| e.kind())
}

/// Without the capability every snapshot call is `Unsupported`.
fn unsupported(b: &dyn StorageBackend) -> CaseResult {
    let probe =
        Snapshot::new("probe", chrono::Utc::now(), Default::default()).map_err(e2s("snapshot"))?;
    for (what, got) in [
        ("save_snapshot", kind(b.save_snapshot(&probe))),
        ("load_snapshot", kind(b.load_snapshot("probe"))),
        ("list_snapshots", kind(b.list_snapshots())),
        ("delete_snapshot", kind(b.delete_snapshot("probe"))),
    ] {
        check(got == Some(ErrorKind::Unsupported), || {
            format!("{what} without the snapshots capability: {got:?}, want Unsupported")
        })?;
    }
    Ok(Outcome::Skipped("no snapshots capability".into()))
}

/// A snapshot records the latest version of each key and keeps loading it after overwrites;
/// it is listed, loads back equal, cannot be taken twice under one name (of four writers
/// racing for a name exactly one wins), and is gone after `delete_snapshot`.
pub fn snapshots_round_trip(b: &dyn StorageBackend) -> CaseResult {
    if !b.capabilities().snapshots {
        return unsupported(b);
    }
    let ns = fresh_namespace("snap");
    let (ka, kb) = (key(&ns, "A#1/RAW#1")?, key(&ns, "B#1/RAW#1")?);
    let a1 = sample_time_series();
    let (b1, b2) = (filled("B#1_RAW#1", 3, 1.0)?, filled("B#1_RAW#1", 2, 2.0)?);
    save_ts(b, &ka, &a1)?;
    save_ts(b, &kb, &b1)?;
    save_ts(b, &kb, &b2)?;
    let name = format!("{ns}-s");
    let taken = Snapshot::take(b, &name, &[ka.clone(), kb.clone()]).map_err(e2s("take"))?;
    let recorded: Vec<(String, u64)> = taken
        .entries()
        .iter()
        .map(|(k, e)| (k.to_string(), e.version))
        .collect();
    check(
        recorded == [(ka.to_string(), 1), (kb.to_string(), 2)],
        || format!("snapshot entries {recorded:?}, want {ka} → 1, {kb} → 2"),
    )?;
    let b2_hash = b2
        .series()
        .and_then(|s| s.content_hash())
        .map_err(e2s("hash"))?;
    check(taken.entries()[&kb].hash == b2_hash, || {
        format!("{kb}: the snapshot records another hash than the saved series'")
    })?;

    // Later saves change neither the snapshot nor what it loads.
    save_ts(b, &ka, &filled("A#1_RAW#1", 4, 9.0)?)?;
    save_ts(b, &kb, &filled("B#1_RAW#1", 1, 9.0)?)?;
    let loaded = b.load_snapshot(&name).map_err(e2s("load_snapshot"))?;
    check(loaded == taken, || {
        format!("the snapshot read back differs:\n taken: {taken:?}\nloaded: {loaded:?}")
    })?;
    check_snapshot_load(b, &loaded, &ka, &a1)?;
    check_snapshot_load(b, &loaded, &kb, &b2)?;

    let listed = b.list_snapshots().map_err(e2s("list_snapshots"))?;
    check(listed.contains(&name), || {
        format!("list_snapshots {listed:?} misses {name}")
    })?;
    check(listed.windows(2).all(|w| w[0] < w[1]), || {
        format!("list_snapshots is not sorted: {listed:?}")
    })?;

    // A name in use: Conflict, and the snapshot stays as it was.
    let again = Snapshot::take(b, &name, std::slice::from_ref(&ka));
    check(kind(again) == Some(ErrorKind::Conflict), || {
        format!("a second snapshot {name}: want Conflict")
    })?;
    let still = b.load_snapshot(&name).map_err(e2s("load_snapshot"))?;
    check(still == taken, || {
        format!("a refused snapshot changed {name}: {still:?}")
    })?;

    // Racing writers: exactly one creates the name.
    let raced = format!("{ns}-race");
    let wins = on_threads(4, |_| {
        match Snapshot::take(b, &raced, std::slice::from_ref(&kb)) {
            Ok(_) => Ok(1),
            Err(e) if e.kind() == ErrorKind::Conflict => Ok(0),
            Err(e) => Err(format!("a racing snapshot: {e}")),
        }
    })?;
    let won: u32 = wins.iter().sum();
    check(won == 1, || {
        format!("4 writers racing for snapshot {raced}: {won} won, want exactly 1")
    })?;

    for n in [&name, &raced] {
        b.delete_snapshot(n).map_err(e2s("delete_snapshot"))?;
        let got = kind(b.load_snapshot(n));
        check(got == Some(ErrorKind::NotFound), || {
            format!("load_snapshot after delete_snapshot: {got:?}, want NotFound")
        })?;
    }
    let listed = b.list_snapshots().map_err(e2s("list_snapshots"))?;
    check(!listed.contains(&name), || {
        format!("{name} is still listed after delete_snapshot: {listed:?}")
    })?;
    let got = kind(b.delete_snapshot(&name));
    check(got == Some(ErrorKind::NotFound), || {
        format!("delete_snapshot of a deleted snapshot: {got:?}, want NotFound")
    })?;
    Ok(Outcome::Passed)
}

/// Pruning spares every version a snapshot names, until the snapshot is deleted.
pub fn snapshots_spare_versions(b: &dyn StorageBackend) -> CaseResult {
    if !b.capabilities().snapshots {
        return unsupported(b);
    }
    let ns = fresh_namespace("snapkeep");
    let k = key(&ns, "K#1/RAW#1")?;
    let first = filled("K#1_RAW#1", 5, 1.0)?;
    save_ts(b, &k, &first)?;
    let name = format!("{ns}-s");
    let taken = Snapshot::take(b, &name, std::slice::from_ref(&k)).map_err(e2s("take"))?;
    for v in [2.0, 3.0] {
        save_ts(b, &k, &filled("K#1_RAW#1", 5, v)?)?;
    }
    let gone = b
        .prune_versions(&k, Retention::KeepLast(1))
        .map_err(e2s("prune_versions"))?;
    check(gone == [2], || {
        format!("keep_last(1) with version 1 in a snapshot removed {gone:?}, want [2]")
    })?;
    let left: Vec<u64> = b
        .list_versions(&k)
        .map_err(e2s("list_versions"))?
        .iter()
        .map(|v| v.version)
        .collect();
    check(left == [1, 3], || {
        format!("versions after the prune: {left:?}, want [1, 3]")
    })?;
    check_snapshot_load(b, &taken, &k, &first)?;

    b.delete_snapshot(&name).map_err(e2s("delete_snapshot"))?;
    let gone = b
        .prune_versions(&k, Retention::KeepLast(1))
        .map_err(e2s("prune_versions"))?;
    check(gone == [1], || {
        format!("keep_last(1) after the snapshot was deleted removed {gone:?}, want [1]")
    })?;
    let got = kind(taken.load(b, &k));
    check(got == Some(ErrorKind::NotFound), || {
        format!("loading a pruned version through an old snapshot: {got:?}, want NotFound")
    })?;
    Ok(Outcome::Passed)
}

/// Bad snapshot names are `InvalidName` everywhere; a missing snapshot is `NotFound`; a
/// snapshot of a missing key is `NotFound` and leaves no snapshot behind.
pub fn snapshot_names_checked(b: &dyn StorageBackend) -> CaseResult {
    if !b.capabilities().snapshots {
        return unsupported(b);
    }
    for bad in ["", ".hidden", "a/b", "../up", "a b", "x\u{e9}", "a\\b"] {
        for (what, got) in [
            ("load_snapshot", kind(b.load_snapshot(bad))),
            ("delete_snapshot", kind(b.delete_snapshot(bad))),
            ("take", kind(Snapshot::take(b, bad, &[]))),
        ] {
            check(got == Some(ErrorKind::InvalidName), || {
                format!("{what}({bad:?}): {got:?}, want InvalidName")
            })?;
        }
    }
    let ns = fresh_namespace("snapname");
    let got = kind(b.load_snapshot(&ns));
    check(got == Some(ErrorKind::NotFound), || {
        format!("load_snapshot of a missing name: {got:?}, want NotFound")
    })?;
    let missing = key(&ns, "M#1/RAW#1")?;
    let got = kind(Snapshot::take(b, &ns, &[missing]));
    check(got == Some(ErrorKind::NotFound), || {
        format!("a snapshot of a missing key: {got:?}, want NotFound")
    })?;
    let listed = b.list_snapshots().map_err(e2s("list_snapshots"))?;
    check(!listed.contains(&ns), || {
        format!("a refused snapshot is listed: {listed:?}")
    })?;
    Ok(Outcome::Passed)
}
