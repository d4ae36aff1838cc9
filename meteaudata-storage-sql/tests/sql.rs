//! SQL-specific behaviour beyond the conformance suite: concurrent writers in one PostgreSQL
//! database, keys full of SQL, atomic saves when the database fails half-way, readers never
//! seeing half a save, and importing a database written by Python meteaudata.

mod common;

use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries, TimeZone};
use meteaudata_storage_sql::SqlBackend;

fn key(k: &str) -> StorageKey {
    StorageKey::new(k).expect("valid key")
}

/// A UTC series of `n` points whose values are all `value`.
fn flat(name: &str, n: usize, value: f64) -> TimeSeries {
    let times: Vec<i64> = (0..n as i64).map(|i| i * 1_000_000_000).collect();
    let mut ts = TimeSeries::new(
        Series::from_f64(
            name,
            Index::datetime_nanos(times, Some(TimeZone::Utc)),
            vec![value; n],
        )
        .expect("same length"),
    );
    ts.created_on = "2024-01-02T03:04:05.678901".parse().expect("valid time");
    ts
}

fn save(b: &dyn StorageBackend, k: &StorageKey, ts: &TimeSeries) {
    b.save(k, ts.series().expect("loaded"), &ts.metadata())
        .unwrap_or_else(|e| panic!("save {k}: {e}"));
}

/// 4 writers (each its own backend, like separate processes) × 100 keys into one database;
/// then every key loads back exactly.
fn many_writers(url: &str) {
    std::thread::scope(|s| {
        for t in 0..4 {
            s.spawn(move || {
                let b = SqlBackend::connect(url).expect("connect");
                for i in 0..100 {
                    let ts = flat(&format!("W#{t}_RAW#{i}"), 50 + i, (t * 1000 + i) as f64);
                    save(&b, &key(&format!("conc/W#{t}/RAW#{i}")), &ts);
                }
            });
        }
    });
    let b = SqlBackend::connect(url).expect("connect");
    assert_eq!(b.list_keys().expect("list").len(), 400);
    for t in 0..4 {
        for i in 0..100 {
            let k = key(&format!("conc/W#{t}/RAW#{i}"));
            let want = flat(&format!("W#{t}_RAW#{i}"), 50 + i, (t * 1000 + i) as f64);
            let (series, meta) = b.load(&k).expect("load");
            assert_eq!(&series, want.series().expect("loaded"), "{k}");
            assert_eq!(meta, want.metadata(), "{k}");
        }
    }
}

/// 4 writers save different versions of one key at once: the result is one of them, whole.
fn one_key_race(url: &str) {
    let k = key("race/R#1/RAW#1");
    std::thread::scope(|s| {
        for t in 0..4 {
            let k = k.clone();
            s.spawn(move || {
                let b = SqlBackend::connect(url).expect("connect");
                for round in 0..5 {
                    let ts = flat("R#1_RAW#1", 500 + 100 * t + round, t as f64);
                    save(&b, &k, &ts);
                }
            });
        }
    });
    let b = SqlBackend::connect(url).expect("connect");
    let (series, _) = b.load(&k).expect("load");
    let values = series.f64_values().expect("floats");
    let first = values.value(0);
    assert!(
        values.values().iter().all(|v| *v == first),
        "a mix of versions"
    );
    let t = first as usize;
    assert!(
        (500 + 100 * t..505 + 100 * t).contains(&series.len()),
        "{}",
        series.len()
    );
}

/// While one thread keeps replacing a series by versions of different lengths and values,
/// readers only ever see whole versions.
fn readers_see_whole_versions(b: &dyn StorageBackend) {
    let k = key("iso/I#1/RAW#1");
    save(b, &k, &flat("I#1_RAW#1", 1000, 0.0));
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            for v in 1..30 {
                save(b, &k, &flat("I#1_RAW#1", 1000 + 37 * v, v as f64));
            }
            stop.store(true, std::sync::atomic::Ordering::Release);
        });
        s.spawn(|| {
            let mut reads = 0;
            while !stop.load(std::sync::atomic::Ordering::Acquire) || reads == 0 {
                let (series, _) = b.load(&k).expect("load");
                let values = series.f64_values().expect("floats");
                let v = values.value(0);
                assert_eq!(
                    series.len(),
                    1000 + 37 * v as usize,
                    "length of version {v}"
                );
                assert!(values.values().iter().all(|x| *x == v), "mixed versions");
                reads += 1;
            }
        });
    });
}

/// Keys made of SQL are stored as data, and the tables survive them.
fn injection_keys(b: &dyn StorageBackend) {
    let evil = [
        "x'); DROP TABLE meteaudata_blocks;--/s/RAW#1",
        "'; DELETE FROM meteaudata_series; --/a/b",
        "\"; DROP TABLE meteaudata_series; --/a/b",
        "a' OR '1'='1/b/c",
        "`backtick`/$1/?",
        "%/_/%",
    ];
    for (i, k) in evil.iter().enumerate() {
        let ts = flat(&format!("S#1_RAW#{i}"), 3, i as f64);
        save(b, &key(k), &ts);
    }
    let listed = b.list_keys().expect("list");
    assert_eq!(listed.len(), evil.len(), "{listed:?}");
    for (i, k) in evil.iter().enumerate() {
        let (series, _) = b.load(&key(k)).expect("load");
        assert_eq!(series.f64_values().expect("f").value(0), i as f64);
        assert!(!b.exists(&key(&format!("{k}x"))).expect("exists"));
    }
    // A LIKE-style wildcard key matches nothing else.
    b.delete(&key("%/_/%")).expect("delete");
    assert_eq!(b.list_keys().expect("list").len(), evil.len() - 1);
}

/// The database refuses a block half-way through a save (a trigger raising on blocks that
/// reach 7000 s): the save fails and the previous version is intact.
fn failed_insert_keeps_previous(b: &dyn StorageBackend, install_trigger: impl FnOnce()) {
    let k = key("atomic/A#1/RAW#1");
    let good = flat("A#1_RAW#1", 5000, 1.0);
    save(b, &k, &good);
    install_trigger();
    let values = vec![2.0; 10_000];
    let times: Vec<i64> = (0..10_000).map(|i| i * 1_000_000_000).collect();
    let bad = TimeSeries::new(
        Series::from_f64(
            "A#1_RAW#1",
            Index::datetime_nanos(times, Some(TimeZone::Utc)),
            values,
        )
        .expect("same length"),
    );
    // The test trigger refuses blocks holding a time from 7000 s on: the first six blocks of
    // this save go in, the seventh fails.
    let err = b
        .save(&k, bad.series().expect("loaded"), &bad.metadata())
        .expect_err("the trigger refuses the save");
    assert_eq!(err.kind(), ErrorKind::Backend, "{err}");
    let (series, meta) = b.load(&k).expect("load");
    assert_eq!(&series, good.series().expect("loaded"));
    assert_eq!(meta, good.metadata());
    // An append that fails the same way adds nothing (and keeps the short last block it was
    // about to rewrite).
    let more = Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(vec![9_000_000_000_000], Some(TimeZone::Utc)),
        vec![2.0],
    )
    .expect("series");
    assert!(b.append(&k, &more).is_err());
    assert_eq!(&b.load(&k).expect("load").0, good.series().expect("loaded"));
}

/// Four processes' worth of connections opening one database that has no tables yet, at
/// once: every open succeeds (the migrations take turns) and the tables work.
#[cfg(any(feature = "postgres", feature = "mysql"))]
fn concurrent_opens(b: &common::Isolated, drop_tables: &str) {
    for round in 0..5 {
        common::count(
            b,
            &format!("{drop_tables}; SELECT COUNT(*) AS n FROM (SELECT 1) AS one"),
        );
        let url = b.url.clone();
        let opened: Vec<meteaudata_core::Result<SqlBackend>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| SqlBackend::connect(&url)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("no panic"))
                .collect()
        });
        for (i, o) in opened.into_iter().enumerate() {
            let backend = o.unwrap_or_else(|e| panic!("round {round}, open {i}: {e}"));
            save(
                &backend,
                &key(&format!("open/A#{i}/RAW#1")),
                &flat("A#1_RAW#1", 3, 1.0),
            );
        }
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;

    #[test]
    fn injection() {
        injection_keys(&common::sqlite_file());
        injection_keys(&common::sqlite_memory());
    }

    #[test]
    fn atomic_save() {
        let b = common::sqlite_file();
        let path = b.url.trim_start_matches("sqlite:///").to_string();
        failed_insert_keeps_previous(&b, || {
            use diesel::connection::SimpleConnection;
            use diesel::Connection;
            let mut c = diesel::SqliteConnection::establish(&path).expect("open");
            c.batch_execute(
                "CREATE TRIGGER refuse BEFORE INSERT ON meteaudata_blocks WHEN NEW.t_max >= 7000000000000 \
                 BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END;",
            )
            .expect("trigger");
        });
    }

    #[test]
    fn readers_isolated() {
        readers_see_whole_versions(&common::sqlite_file());
    }

    #[test]
    fn writers_in_one_file() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite:///{}", dir.path().join("shared.db").display());
        many_writers(&url);
        one_key_race(&url);
    }

    #[test]
    fn cleanup_drops_tables_and_they_come_back() {
        let b = common::sqlite_file();
        save(&b, &key("c/A#1/RAW#1"), &flat("A#1_RAW#1", 3, 1.0));
        b.cleanup().expect("cleanup");
        assert!(b.list_keys().expect("list").is_empty());
        save(&b, &key("c/A#1/RAW#1"), &flat("A#1_RAW#1", 3, 1.0));
        assert!(b.exists(&key("c/A#1/RAW#1")).expect("exists"));
    }

    #[test]
    fn reopening_a_file_keeps_everything() {
        let dir = tempfile::tempdir().expect("dir");
        let url = format!("sqlite:///{}", dir.path().join("keep.db").display());
        let ts = meteaudata_testkit::cases::sample_time_series();
        {
            let b = SqlBackend::connect(&url).expect("open");
            save(&b, &key("k/A#1/RESAMPLED#1"), &ts);
        }
        let b = SqlBackend::connect(&url).expect("reopen");
        let (series, meta) = b.load(&key("k/A#1/RESAMPLED#1")).expect("load");
        assert_eq!(&series, ts.series().expect("loaded"));
        assert_eq!(meta, ts.metadata());
    }

    #[test]
    fn python_database_imports() {
        let dir = tempfile::tempdir().expect("dir");
        let Some((db, expected)) = common::python_written_db(dir.path()) else {
            return;
        };
        let b = SqlBackend::connect(&format!("sqlite:///{}", db.display())).expect("open");
        let keys = b.python_keys().expect("python keys");
        let want: Vec<String> = expected
            .as_object()
            .expect("object")
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys.iter().map(|k| k.to_string()).collect::<Vec<_>>(), want);
        for k in &keys {
            let (series, meta) = b.load_python(k).expect("load python");
            common::check_python_series(k.as_str(), &series, &meta, &expected[k.as_str()]);
        }
        let report = b.import_python(false).expect("import");
        assert_eq!(report.imported.len(), keys.len());
        let again = b.import_python(false).expect("import again");
        assert_eq!(again.skipped.len(), keys.len());
        for k in &keys {
            assert_eq!(
                b.load(k).expect("load").0,
                b.load_python(k).expect("python").0
            );
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;

    #[test]
    fn four_writers_hundred_keys_each() {
        let Some(b) = common::postgres() else { return };
        many_writers(&b.url);
        eprintln!("postgresql: 4 writers x 100 keys loaded back exactly");
    }

    #[test]
    fn one_key_one_winner() {
        let Some(b) = common::postgres() else { return };
        one_key_race(&b.url);
    }

    #[test]
    fn readers_isolated() {
        let Some(b) = common::postgres() else { return };
        readers_see_whole_versions(&b);
    }

    #[test]
    fn injection() {
        let Some(b) = common::postgres() else { return };
        injection_keys(&b);
    }

    #[test]
    fn fresh_database_opened_at_once() {
        let Some(b) = common::postgres() else { return };
        concurrent_opens(
            &b,
            "DROP VIEW IF EXISTS meteaudata_points; \
             DROP TABLE IF EXISTS meteaudata_positions, meteaudata_blocks, meteaudata_series, __diesel_schema_migrations",
        );
    }

    #[test]
    fn atomic_save() {
        let Some(b) = common::postgres() else { return };
        let url = b.url.clone();
        failed_insert_keeps_previous(&b, || {
            common::pg_exec(
                &url,
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
                 IF NEW.t_max >= 7000000000000 THEN RAISE EXCEPTION 'refused by test trigger'; END IF; \
                 RETURN NEW; END $$; \
                 CREATE TRIGGER refuse BEFORE INSERT ON meteaudata_blocks \
                 FOR EACH ROW EXECUTE FUNCTION refuse();",
            );
        });
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;

    #[test]
    fn four_writers_hundred_keys_each() {
        let Some(b) = common::mysql() else { return };
        many_writers(&b.url);
    }

    #[test]
    fn one_key_one_winner() {
        let Some(b) = common::mysql() else { return };
        one_key_race(&b.url);
    }

    #[test]
    fn readers_isolated() {
        let Some(b) = common::mysql() else { return };
        readers_see_whole_versions(&b);
    }

    #[test]
    fn injection() {
        let Some(b) = common::mysql() else { return };
        injection_keys(&b);
    }

    #[test]
    fn fresh_database_opened_at_once() {
        let Some(b) = common::mysql() else { return };
        concurrent_opens(
            &b,
            "DROP VIEW IF EXISTS meteaudata_points; \
             DROP TABLE IF EXISTS meteaudata_positions, meteaudata_blocks, meteaudata_series, __diesel_schema_migrations",
        );
    }

    #[test]
    fn keys_differing_in_case_or_trailing_space_are_distinct() {
        let Some(b) = common::mysql() else { return };
        for (i, k) in ["a/b/c", "A/b/c", "a/b/c ", "a/b/C"].iter().enumerate() {
            save(&b, &key(k), &flat("X#1_RAW#1", 1, i as f64));
        }
        assert_eq!(b.list_keys().expect("list").len(), 4);
        let (s, _) = b.load(&key("a/b/c ")).expect("load");
        assert_eq!(s.f64_values().expect("f").value(0), 2.0);
    }

    #[test]
    fn atomic_save() {
        let Some(b) = common::mysql() else { return };
        let url = b.url.clone();
        failed_insert_keeps_previous(&b, || {
            common::mysql_exec(
                &url,
                "CREATE TRIGGER refuse BEFORE INSERT ON meteaudata_blocks FOR EACH ROW \
                 BEGIN IF NEW.t_max >= 7000000000000 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by test trigger'; END IF; END",
            );
        });
    }
}
