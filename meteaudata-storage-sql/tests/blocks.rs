//! How points are laid out in the blocks table: every float bit survives each database's
//! column form, appends fill the last block instead of adding small ones, long texts fit
//! every database's limits, damaged or missing blocks are reported as corrupt data, and
//! PostgreSQL databases of earlier versions (typed arrays) are converted bit for bit.

mod common;

use common::Isolated;
use meteaudata_core::storage::{StorageBackend, StorageKey};
use meteaudata_core::{ErrorKind, Index, Series, TimeSeries, TimeZone};
use meteaudata_storage_sql::BLOCK_POINTS;

fn key(k: &str) -> StorageKey {
    StorageKey::new(k).expect("valid key")
}

fn minutes(n: usize) -> Series {
    let times: Vec<i64> = (0..n as i64).map(|i| i * 60_000_000_000).collect();
    let values: Vec<f64> = (0..n).map(|i| i as f64).collect();
    Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(times, Some(TimeZone::Utc)),
        values,
    )
    .expect("same length")
}

fn save(b: &dyn StorageBackend, k: &StorageKey, s: &Series) {
    let ts = TimeSeries::new(s.clone());
    b.save(k, s, &ts.metadata())
        .unwrap_or_else(|e| panic!("save {k}: {e}"));
}

/// Floats every database must keep bit for bit.
const SPECIALS: [f64; 8] = [
    f64::NAN,
    -0.0,
    0.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MIN_POSITIVE / 4.0,
    f64::MAX,
    1.0 / 3.0,
];

/// NaN payloads, signalling-looking NaNs, ±inf, -0.0 and subnormals come back bit for bit.
fn float_bits_survive(b: &Isolated) {
    let mut specials = vec![
        f64::from_bits(0x7ff8_0000_dead_beef),
        f64::from_bits(0xfff0_0000_0000_0001),
    ];
    specials.extend(SPECIALS);
    let n = specials.len() * 300; // several blocks
    let values: Vec<f64> = (0..n).map(|i| specials[i % specials.len()]).collect();
    let s = Series::from_f64("F#1_RAW#1", Index::range(n), values.clone()).expect("series");
    let k = key("bits/F#1/RAW#1");
    save(b, &k, &s);
    let (back, _) = b.load(&k).expect("load");
    let got: Vec<u64> = back
        .f64_values()
        .expect("floats")
        .values()
        .iter()
        .map(|x| x.to_bits())
        .collect();
    let want: Vec<u64> = values.iter().map(|x| x.to_bits()).collect();
    assert_eq!(got, want);
}

/// 1000 points, 30 one-point appends, then 2000 points: 3030 points in 3 blocks, not 32.
fn appends_fill_the_last_block(b: &Isolated) {
    let all = minutes(3030);
    let k = key("fill/A#1/RAW#1");
    save(b, &k, &all.slice(0, 1000));
    for i in 0..30 {
        b.append(&k, &all.slice(1000 + i, 1)).expect("append");
    }
    b.append(&k, &all.slice(1030, 2000)).expect("append");
    assert_eq!(b.load(&k).expect("load").0, all);
    // The current version's blocks (older versions keep theirs under negative ids).
    let blocks = common::count(
        b,
        "SELECT COUNT(*) AS n FROM meteaudata_blocks WHERE series_id IN (SELECT blocks_id FROM meteaudata_series)",
    );
    assert_eq!(blocks, 3030usize.div_ceil(BLOCK_POINTS) as i64);
    let full = common::count(
        b,
        &format!("SELECT COUNT(*) AS n FROM meteaudata_blocks WHERE series_id IN (SELECT blocks_id FROM meteaudata_series) AND n_points = {BLOCK_POINTS}"),
    );
    assert_eq!(full, 2, "the first two blocks are full");
    // Each append made a version, whose points are kept.
    let versions = b.list_versions(&k).expect("versions");
    assert_eq!(versions.len(), 32);
    assert_eq!(versions[1].points, 1001);
    assert_eq!(
        b.load_version(&k, 2).expect("version 2").0,
        all.slice(0, 1001)
    );
    // Pruning to the latest removes the older blocks.
    b.prune_versions(&k, meteaudata_core::storage::Retention::KeepLast(1))
        .expect("prune");
    let all_blocks = common::count(b, "SELECT COUNT(*) AS n FROM meteaudata_blocks");
    assert_eq!(all_blocks, blocks);
}

/// 1500 texts of 20 kB (30 MB, past MySQL's default 16 MiB packet) as index labels and as
/// values round-trip: blocks of long texts end early and statements stay small.
fn long_texts_round_trip(b: &Isolated) {
    let n = 1500;
    let texts: Vec<String> = (0..n)
        .map(|i| format!("{i:05}{}", "ü".repeat(10_000)))
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let values: arrow_array::ArrayRef = std::sync::Arc::new(arrow_array::StringArray::from(
        texts.iter().rev().map(String::as_str).collect::<Vec<_>>(),
    ));
    let s = Series::new("T#1_RAW#1", Index::strings(&refs), values).expect("series");
    let k = key("texts/T#1/RAW#1");
    save(b, &k, &s);
    assert_eq!(b.load(&k).expect("load").0, s);
}

/// A missing block or a block whose columns were damaged is corrupt data naming the key,
/// and saving the key again repairs it.
fn damaged_blocks_are_corrupt(b: &Isolated, damage: &str) {
    let s = minutes(3 * BLOCK_POINTS);
    let k = key("damaged/A#1/RAW#1");
    save(b, &k, &s);
    common::count(
        b,
        &format!("{damage}; SELECT COUNT(*) AS n FROM meteaudata_blocks"),
    );
    let e = b.load(&k).expect_err("damaged");
    assert_eq!(e.kind(), ErrorKind::Corrupt, "{e}");
    assert!(e.to_string().contains("damaged/A#1/RAW#1"), "{e}");
    save(b, &k, &s);
    assert_eq!(b.load(&k).expect("repaired").0, s);
}

/// A key row that no longer decodes as a key is left out of the listing (with a warning);
/// the other keys are still listed and load.
fn bad_key_rows_are_skipped(b: &Isolated, damage: &str) {
    let s = minutes(10);
    for k in ["keys/A#1/RAW#1", "keys/B#1/RAW#1", "keys/C#1/RAW#1"] {
        save(b, &key(k), &s);
    }
    common::count(
        b,
        &format!("{damage}; SELECT COUNT(*) AS n FROM meteaudata_series"),
    );
    let listed: Vec<String> = b
        .list_keys()
        .expect("listing")
        .iter()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(listed, ["keys/A#1/RAW#1", "keys/C#1/RAW#1"]);
    assert_eq!(b.load(&key("keys/C#1/RAW#1")).expect("load").0, s);
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;

    #[test]
    fn float_bits() {
        float_bits_survive(&common::sqlite_file());
    }

    #[test]
    fn appends() {
        appends_fill_the_last_block(&common::sqlite_file());
    }

    #[test]
    fn long_texts() {
        long_texts_round_trip(&common::sqlite_file());
    }

    #[test]
    fn damaged() {
        let b = common::sqlite_file();
        damaged_blocks_are_corrupt(&b, "DELETE FROM meteaudata_blocks WHERE pos0 = 1024");
        damaged_blocks_are_corrupt(
            &b,
            "UPDATE meteaudata_blocks SET v = X'66000100' WHERE pos0 = 0",
        );
        damaged_blocks_are_corrupt(&b, "UPDATE meteaudata_blocks SET t = v WHERE pos0 = 2048");
        damaged_blocks_are_corrupt(
            &b,
            "UPDATE meteaudata_blocks SET n_points = 5 WHERE pos0 = 0",
        );
    }

    #[test]
    fn bad_keys() {
        bad_key_rows_are_skipped(
            &common::sqlite_file(),
            "UPDATE meteaudata_series SET series_key = '../escape' WHERE series_key = 'keys/B#1/RAW#1'",
        );
        bad_key_rows_are_skipped(
            &common::sqlite_file(),
            "UPDATE meteaudata_series SET series_key = CAST(X'6BFF2F42233123' AS TEXT) WHERE series_key = 'keys/B#1/RAW#1'",
        );
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;

    #[test]
    fn float_bits() {
        let Some(b) = common::postgres() else { return };
        float_bits_survive(&b);
    }

    #[test]
    fn appends() {
        let Some(b) = common::postgres() else { return };
        appends_fill_the_last_block(&b);
    }

    #[test]
    fn long_texts() {
        let Some(b) = common::postgres() else { return };
        long_texts_round_trip(&b);
    }

    #[test]
    fn bad_keys() {
        let Some(b) = common::postgres() else { return };
        bad_key_rows_are_skipped(
            &b,
            "UPDATE meteaudata_series SET series_key = '../escape' WHERE series_key = 'keys/B#1/RAW#1'",
        );
    }

    #[test]
    fn damaged() {
        let Some(b) = common::postgres() else { return };
        damaged_blocks_are_corrupt(&b, "DELETE FROM meteaudata_blocks WHERE pos0 = 1024");
        damaged_blocks_are_corrupt(
            &b,
            "UPDATE meteaudata_blocks SET v = substr(v, 1, 20) WHERE pos0 = 0",
        );
        damaged_blocks_are_corrupt(
            &b,
            "UPDATE meteaudata_blocks SET n_points = -1 WHERE pos0 = 0",
        );
    }

    /// A block column without its tag (what a build from before the BYTEA migration would
    /// send) is refused by the database.
    #[test]
    fn untagged_columns_are_refused() {
        let Some(b) = common::postgres() else { return };
        save(&b, &key("tags/A#1/RAW#1"), &minutes(10));
        for col in ["t", "v"] {
            let e = common::pg_try(
                &b.url,
                &format!("UPDATE meteaudata_blocks SET {col} = '\\x00010203'::bytea"),
            )
            .expect_err("an untagged column");
            assert!(e.contains(&format!("meteaudata_blocks_{col}_tag")), "{e}");
        }
    }

    /// A float literal PostgreSQL's `float8in` reads back to the same bits.
    fn pg_float(x: f64) -> String {
        if x.is_nan() {
            "'NaN'".into()
        } else if x.is_infinite() {
            format!("'{}Infinity'", if x < 0.0 { "-" } else { "" })
        } else {
            format!("'{x:?}'")
        }
    }

    fn pg_text(x: Option<&str>) -> String {
        x.map_or("NULL".into(), |t| format!("'{}'", t.replace('\'', "''")))
    }

    /// Turns the stored blocks of `k` back into the typed arrays of earlier versions: each
    /// column given as an array literal of the whole series, sliced per block.
    fn to_arrays(b: &Isolated, k: &str, columns: &[(&str, &str, Vec<String>)]) {
        let sets: Vec<String> = columns
            .iter()
            .map(|(col, ty, items)| {
                format!(
                    "{col} = (ARRAY[{}]::{ty}[])[b.pos0 + 1 : b.pos0 + b.n_points]",
                    items.join(",")
                )
            })
            .collect();
        common::pg_exec(
            &b.url,
            &format!(
                "UPDATE meteaudata_blocks b SET {} FROM meteaudata_series s \
                 WHERE s.blocks_id = b.series_id AND s.series_key = '{k}'",
                sets.join(", ")
            ),
        );
    }

    /// A database written when the point columns were typed arrays is converted, bit for
    /// bit, the first time this version opens it: floats with NaN, ±inf, -0.0 and
    /// subnormals, times, integers, text labels and text values with a NULL.
    #[test]
    fn arrays_of_earlier_versions_are_converted() {
        let Some(b) = common::postgres() else { return };
        // No NaN payloads: the arrays are written through SQL text.
        let mut specials = SPECIALS.to_vec();
        specials.push(-1e-300);
        let n = 2500;
        let floats = {
            let base = minutes(n);
            let v: Vec<f64> = (0..n).map(|i| specials[i % specials.len()]).collect();
            Series::from_f64("A#1_RAW#1", base.index().clone(), v).expect("series")
        };
        let labels: Vec<String> = (0..1500).map(|i| format!("é€ it's {i}")).collect();
        let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let texts: Vec<Option<&str>> = (0..1500)
            .map(|i| (i % 7 != 3).then_some(label_refs[1499 - i]))
            .collect();
        let text = Series::new(
            "T#1_RAW#1",
            Index::strings(&label_refs),
            std::sync::Arc::new(arrow_array::StringArray::from(texts.clone())),
        )
        .expect("series");
        let ints: Vec<i64> = (0..1100)
            .map(|i| (i as i64 - 550) * 1_000_000_007)
            .collect();
        let int = Series::new(
            "I#1_RAW#1",
            minutes(ints.len()).index().clone(),
            std::sync::Arc::new(arrow_array::Int64Array::from(ints.clone())),
        )
        .expect("series");
        for (k, s) in [
            ("old/A#1/RAW#1", &floats),
            ("old/T#1/RAW#1", &text),
            ("old/I#1/RAW#1", &int),
        ] {
            save(&b, &key(k), s);
        }
        common::pg_exec(
            &b.url,
            "DROP VIEW meteaudata_points; DROP TABLE meteaudata_positions; \
             DELETE FROM __diesel_schema_migrations WHERE version = '20261208000000'; \
             ALTER TABLE meteaudata_blocks \
             DROP CONSTRAINT meteaudata_blocks_t_tag, DROP CONSTRAINT meteaudata_blocks_label_tag, \
             DROP CONSTRAINT meteaudata_blocks_v_tag, DROP CONSTRAINT meteaudata_blocks_vi_tag, \
             DROP CONSTRAINT meteaudata_blocks_vs_tag, \
             ALTER COLUMN t TYPE BIGINT[] USING NULL, ALTER COLUMN label TYPE TEXT[] USING NULL, \
             ALTER COLUMN v TYPE DOUBLE PRECISION[] USING NULL, \
             ALTER COLUMN vi TYPE BIGINT[] USING NULL, ALTER COLUMN vs TYPE TEXT[] USING NULL; \
             DELETE FROM __diesel_schema_migrations WHERE version = '20261205000000'",
        );
        let times = (0..n)
            .map(|i| (i as i64 * 60_000_000_000).to_string())
            .collect();
        let values = (0..n)
            .map(|i| pg_float(specials[i % specials.len()]))
            .collect();
        to_arrays(
            &b,
            "old/A#1/RAW#1",
            &[("t", "BIGINT", times), ("v", "DOUBLE PRECISION", values)],
        );
        let label_items = label_refs.iter().map(|t| pg_text(Some(t))).collect();
        let text_items = texts.iter().map(|t| pg_text(*t)).collect();
        to_arrays(
            &b,
            "old/T#1/RAW#1",
            &[("label", "TEXT", label_items), ("vs", "TEXT", text_items)],
        );
        let int_items = ints.iter().map(i64::to_string).collect();
        let int_times = (0..ints.len())
            .map(|i| (i as i64 * 60_000_000_000).to_string())
            .collect();
        to_arrays(
            &b,
            "old/I#1/RAW#1",
            &[("t", "BIGINT", int_times), ("vi", "BIGINT", int_items)],
        );

        let reopened = meteaudata_storage_sql::SqlBackend::connect(&b.url).expect("migrates");
        let (back, _) = reopened.load(&key("old/A#1/RAW#1")).expect("floats");
        assert_eq!(back.index(), floats.index());
        let bits = |s: &Series| -> Vec<u64> {
            s.f64_values()
                .expect("floats")
                .values()
                .iter()
                .map(|x| x.to_bits())
                .collect()
        };
        assert_eq!(bits(&back), bits(&floats));
        assert_eq!(reopened.load(&key("old/T#1/RAW#1")).expect("texts").0, text);
        assert_eq!(reopened.load(&key("old/I#1/RAW#1")).expect("ints").0, int);
        // The converted columns are the ones this version writes, byte for byte.
        save(&reopened, &key("new/A#1/RAW#1"), &floats);
        let same = common::count(
            &b,
            "SELECT COUNT(*) AS n FROM meteaudata_blocks o JOIN meteaudata_series so ON so.blocks_id = o.series_id \
             JOIN meteaudata_blocks w ON w.pos0 = o.pos0 JOIN meteaudata_series sw ON sw.blocks_id = w.series_id \
             WHERE so.series_key = 'old/A#1/RAW#1' AND sw.series_key = 'new/A#1/RAW#1' AND o.t = w.t AND o.v = w.v",
        );
        assert_eq!(same, n.div_ceil(BLOCK_POINTS) as i64);
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;

    #[test]
    fn float_bits() {
        let Some(b) = common::mysql() else { return };
        float_bits_survive(&b);
    }

    #[test]
    fn appends() {
        let Some(b) = common::mysql() else { return };
        appends_fill_the_last_block(&b);
    }

    #[test]
    fn long_texts() {
        let Some(b) = common::mysql() else { return };
        long_texts_round_trip(&b);
    }

    #[test]
    fn bad_keys() {
        let Some(b) = common::mysql() else { return };
        bad_key_rows_are_skipped(
            &b,
            "UPDATE meteaudata_series SET series_key = '../escape' WHERE series_key = 'keys/B#1/RAW#1'",
        );
    }

    #[test]
    fn damaged() {
        let Some(b) = common::mysql() else { return };
        damaged_blocks_are_corrupt(&b, "DELETE FROM meteaudata_blocks WHERE pos0 = 1024");
        damaged_blocks_are_corrupt(
            &b,
            "UPDATE meteaudata_blocks SET v = LEFT(v, 20) WHERE pos0 = 0",
        );
    }
}
