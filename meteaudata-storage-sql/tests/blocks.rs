//! How points are laid out in the blocks table: every float bit survives each database's
//! column form, appends fill the last block instead of adding small ones, long texts fit
//! every database's limits, damaged or missing blocks are reported as corrupt data, and PostgreSQL users can read the points with plain
//! SQL (`unnest`), as the crate documentation shows.

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

/// NaN payloads, signalling-looking NaNs, ±inf, -0.0 and subnormals come back bit for bit.
fn float_bits_survive(b: &Isolated) {
    let specials = [
        f64::from_bits(0x7ff8_0000_dead_beef),
        f64::from_bits(0xfff0_0000_0000_0001),
        f64::NAN,
        -0.0,
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE / 4.0,
        f64::MAX,
        1.0 / 3.0,
    ];
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
    let blocks = common::count(b, "SELECT COUNT(*) AS n FROM meteaudata_blocks");
    assert_eq!(blocks, 3030usize.div_ceil(BLOCK_POINTS) as i64);
    let full = common::count(
        b,
        &format!("SELECT COUNT(*) AS n FROM meteaudata_blocks WHERE n_points = {BLOCK_POINTS}"),
    );
    assert_eq!(full, 2, "the first two blocks are full");
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
    use meteaudata_core::storage::TimeRange;

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
        damaged_blocks_are_corrupt(&b, "UPDATE meteaudata_blocks SET v = v[1:5] WHERE pos0 = 0");
        damaged_blocks_are_corrupt(
            &b,
            "UPDATE meteaudata_blocks SET n_points = -1 WHERE pos0 = 0",
        );
    }

    /// The query of the crate documentation reads a window of points with plain SQL.
    #[test]
    fn unnest_reads_points_with_sql() {
        let Some(b) = common::postgres() else { return };
        let s = minutes(5000);
        let k = key("reactor/A#1/RAW#1");
        save(&b, &k, &s);
        let (lo, hi) = (1500 * 60_000_000_000i64, 3700 * 60_000_000_000i64);
        let window = format!(
            "SELECT COUNT(*) AS n FROM meteaudata_series s \
             JOIN meteaudata_blocks b ON b.series_id = s.id \
             CROSS JOIN LATERAL unnest(b.t, b.v) AS p(t, v) \
             WHERE s.series_key = 'reactor/A#1/RAW#1' AND b.t_max >= {lo} AND b.t_min < {hi} \
             AND p.t >= {lo} AND p.t < {hi} AND p.v = p.t / 60000000000"
        );
        assert_eq!(common::count(&b, &window), 2200);
        let (w, _) = b
            .load_range(&k, TimeRange::new(Some(lo), Some(hi)))
            .expect("window");
        assert_eq!(w.len(), 2200);
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
