//! Databases written before versions: their series are version 1 (hashed when listed) and
//! the next save keeps them as such.

mod common;

use common::Isolated;
use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::{Index, Series, TimeSeries};

fn series(v: f64) -> Series {
    Series::from_f64("A#1_RAW#1", Index::range(2500), vec![v; 2500]).expect("series")
}

/// Saves a key, turns the database back into the schema before versions (`undo`: the
/// statements that do it on this database), reopens it and checks the versions.
fn before_versions(b: &Isolated, undo: &str) {
    let k = StorageKey::new("old/A#1/RAW#1").expect("key");
    let old = series(1.0);
    b.save(&k, &old, &TimeSeries::new(old.clone()).metadata())
        .expect("save");
    // The blocks back under the row's id, the columns and table of versions gone.
    let left = common::count(
        b,
        &format!(
            "DROP VIEW meteaudata_points; DROP TABLE meteaudata_positions; \
             UPDATE meteaudata_blocks SET series_id = (SELECT id FROM meteaudata_series WHERE blocks_id = meteaudata_blocks.series_id); \
             {undo}; \
             DELETE FROM __diesel_schema_migrations WHERE version IN ('20261206000000', '20261207000001', '20261208000000'); \
             SELECT COUNT(*) AS n FROM meteaudata_blocks b JOIN meteaudata_series s ON s.id = b.series_id"
        ),
    );
    assert_eq!(
        left, 3,
        "the old layout holds the blocks under the row's id"
    );

    let reopened = meteaudata_storage_sql::SqlBackend::connect(&b.url).expect("migrates");
    assert_eq!(reopened.load(&k).expect("load").0, old);
    let listed = reopened.list_versions(&k).expect("versions");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].version, 1);
    assert_eq!(listed[0].hash, old.content_hash().expect("hash"));
    assert_eq!(listed[0].points, 2500);
    // Its time is the row's last save (not the epoch).
    let age = meteaudata_core::chrono::Utc::now() - listed[0].created;
    assert!(
        age.num_seconds() >= 0 && age.num_seconds() < 600,
        "version 1 of a row from before versions: created {}",
        listed[0].created
    );
    let new = series(2.0);
    reopened
        .save(&k, &new, &TimeSeries::new(new.clone()).metadata())
        .expect("save");
    let listed = reopened.list_versions(&k).expect("versions");
    assert_eq!(listed.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(reopened.load_version(&k, 1).expect("version 1").0, old);
    assert_eq!(reopened.load(&k).expect("load").0, new);
    assert_eq!(listed[0].hash, old.content_hash().expect("hash"));
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_database_from_before_versions() {
    before_versions(
        &common::sqlite_file(),
        "DROP TABLE meteaudata_versions; \
         ALTER TABLE meteaudata_series DROP COLUMN blocks_id; \
         ALTER TABLE meteaudata_series DROP COLUMN version_created_ns; \
         ALTER TABLE meteaudata_series DROP COLUMN content_hash; \
         ALTER TABLE meteaudata_series DROP COLUMN version",
    );
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_database_from_before_versions() {
    let Some(b) = common::postgres() else { return };
    before_versions(
        &b,
        "DROP TABLE meteaudata_versions; \
         ALTER TABLE meteaudata_series DROP COLUMN blocks_id, DROP COLUMN version_created_ns, \
         DROP COLUMN content_hash, DROP COLUMN version",
    );
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_database_from_before_versions() {
    let Some(b) = common::mysql() else { return };
    before_versions(
        &b,
        "DROP TABLE meteaudata_versions; \
         ALTER TABLE meteaudata_series DROP COLUMN blocks_id, DROP COLUMN version_created_ns, \
         DROP COLUMN content_hash, DROP COLUMN version",
    );
}

/// A snapshot row whose document was damaged is `Corrupt`, and pruning (which must know what
/// every snapshot pins) refuses to guess.
fn damaged_snapshot(b: &Isolated) {
    use meteaudata_core::storage::{Retention, Snapshot};
    use meteaudata_core::ErrorKind;
    let k = StorageKey::new("snap/A#1/RAW#1").expect("key");
    for v in [1.0, 2.0] {
        let s = series(v);
        b.save(&k, &s, &TimeSeries::new(s.clone()).metadata())
            .expect("save");
    }
    Snapshot::take(b, "s1", std::slice::from_ref(&k)).expect("take");
    let s = series(3.0);
    b.save(&k, &s, &TimeSeries::new(s.clone()).metadata())
        .expect("save");
    let n = common::count(
        b,
        "UPDATE meteaudata_snapshots SET document = 'not json' WHERE name = 's1'; \
         SELECT COUNT(*) AS n FROM meteaudata_snapshots",
    );
    assert_eq!(n, 1);
    let e = b.load_snapshot("s1").expect_err("damaged");
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert!(e.to_string().contains("snapshot s1"), "{e}");
    let e = b
        .prune_versions(&k, Retention::KeepLast(1))
        .expect_err("prune with a damaged snapshot");
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert_eq!(b.list_versions(&k).expect("versions").len(), 3);
    b.delete_snapshot("s1")
        .expect("a damaged snapshot can be deleted");
    assert_eq!(
        b.prune_versions(&k, Retention::KeepLast(1)).expect("prune"),
        [1, 2]
    );
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_damaged_snapshot() {
    damaged_snapshot(&common::sqlite_file());
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_damaged_snapshot() {
    if let Some(b) = common::postgres() {
        damaged_snapshot(&b);
    }
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_damaged_snapshot() {
    if let Some(b) = common::mysql() {
        damaged_snapshot(&b);
    }
}
