//! Chunked writes on every database: points written one at a time still fill whole blocks,
//! staged points are invisible until the commit, an abandoned writer removes what it staged,
//! and the blocks of a writer whose process died are removed by `remove_abandoned_writes`.

mod common;

use common::Isolated;
use meteaudata_core::storage::{ChunkShape, StorageBackend, StorageKey};
use meteaudata_core::{Index, Series, TimeSeries, TimeZone};
use meteaudata_storage_sql::BLOCK_POINTS;

fn minutes(n: usize) -> Series {
    let times: Vec<i64> = (0..n as i64).map(|i| i * 60_000_000_000).collect();
    let values: Vec<f64> = (0..n).map(|i| i as f64 * 0.5).collect();
    Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(times, Some(TimeZone::Utc)),
        values,
    )
    .expect("same length")
}

fn blocks(b: &Isolated, filter: &str) -> i64 {
    common::count(
        b,
        &format!("SELECT COUNT(*) AS n FROM meteaudata_blocks WHERE {filter}"),
    )
}

/// Blocks of writers not committed yet: ids that no version, current or older, holds.
const STAGED: &str = "series_id NOT IN (SELECT blocks_id FROM meteaudata_versions) \
     AND series_id NOT IN (SELECT blocks_id FROM meteaudata_series)";

fn chunked_writes(b: &Isolated) {
    let all = minutes(3 * BLOCK_POINTS + 17);
    let k = StorageKey::new("w/A#1/RAW#1").expect("key");
    // An earlier value stays readable while the new one is written.
    let old = minutes(10);
    b.save(&k, &old, &TimeSeries::new(old.clone()).metadata())
        .expect("save");
    let mut w = b.writer(&k).expect("writer");
    let mut shape = None;
    for i in 0..all.len() {
        let c = all.slice(i, 1);
        ChunkShape::track(&mut shape, &c).expect("shape");
        w.push(&c).expect("push");
    }
    assert!(
        blocks(b, STAGED) >= 3,
        "points are written as they come ({} blocks in all)",
        blocks(b, "1 = 1")
    );
    assert_eq!(
        b.load(&k).expect("load").0,
        old,
        "staged points are invisible"
    );
    let meta = shape
        .expect("shape")
        .metadata(TimeSeries::new(all.clone()).metadata());
    w.commit(&meta).expect("commit");
    assert_eq!(b.load(&k).expect("load").0, all);
    assert_eq!(b.load_metadata(&k).expect("meta"), meta);
    assert_eq!(blocks(b, STAGED), 0, "nothing stays staged");
    assert_eq!(
        blocks(b, "series_id IN (SELECT blocks_id FROM meteaudata_series)"),
        4,
        "one point at a time still fills whole blocks"
    );
    // The value it replaced is version 1 (one block).
    assert_eq!(blocks(b, "1 = 1"), 5);
    assert_eq!(b.load_version(&k, 1).expect("version 1").0, old);

    // Abandoned: the staged points go, the stored value stays.
    {
        let mut w = b.writer(&k).expect("writer");
        w.push(&minutes(2 * BLOCK_POINTS)).expect("push");
        assert!(blocks(b, STAGED) > 0);
    }
    assert_eq!(blocks(b, STAGED), 0);
    assert_eq!(b.load(&k).expect("load").0, all);

    // A writer that never ran its clean-up (its process died) leaves blocks no read sees.
    let mut w = b.writer(&k).expect("writer");
    w.push(&minutes(2 * BLOCK_POINTS)).expect("push");
    std::mem::forget(w);
    assert_eq!(blocks(b, STAGED), 2);
    assert_eq!(b.load(&k).expect("load").0, all);
    assert_eq!(b.backend().remove_abandoned_writes().expect("remove"), 2);
    assert_eq!(blocks(b, STAGED), 0);
    assert_eq!(b.load(&k).expect("load").0, all);
    // Older versions are no abandoned writes.
    assert_eq!(b.load_version(&k, 1).expect("version 1").0, old);
    assert_eq!(b.list_versions(&k).expect("versions").len(), 2);
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite() {
    chunked_writes(&common::sqlite_file());
}

#[cfg(feature = "postgres")]
#[test]
fn postgres() {
    let Some(b) = common::postgres() else { return };
    chunked_writes(&b);
}

#[cfg(feature = "mysql")]
#[test]
fn mysql() {
    let Some(b) = common::mysql() else { return };
    chunked_writes(&b);
}
