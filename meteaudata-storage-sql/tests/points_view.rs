//! The view `meteaudata_points` (issue 20): one row per point in plain SQL, on SQLite,
//! PostgreSQL and MariaDB, equal to what the library loads: floats bit for bit (NaN and ±inf
//! as `value_text`), integers, booleans, timestamps, text and categories, every index kind,
//! NULL entries (validity bitmaps), appended blocks, and time windows with and without the
//! block bounds.

#![cfg(all(feature = "sqlite", feature = "postgres", feature = "mysql"))]

mod common;

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, Float64Array, Int32Array, Int64Array,
    StringArray, TimestampNanosecondArray,
};
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl};
use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{Index, IndexData, Series, TimeSeries};

#[derive(Debug, Clone, PartialEq, QueryableByName)]
struct Point {
    #[diesel(sql_type = BigInt)]
    pos: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    t: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    label: Option<String>,
    #[diesel(sql_type = Nullable<Double>)]
    value: Option<f64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    value_int: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    value_text: Option<String>,
}

#[derive(Debug, QueryableByName)]
struct Window {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Nullable<Double>)]
    mean: Option<f64>,
}

/// A connection of any of the three databases, for raw SQL.
enum Conn {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
    Mysql(diesel::MysqlConnection),
}

impl Conn {
    fn open(url: &str) -> Conn {
        use diesel::Connection;
        if let Some(path) = url.strip_prefix("sqlite:///") {
            Conn::Sqlite(diesel::SqliteConnection::establish(path).expect("sqlite"))
        } else if url.starts_with("postgres") {
            Conn::Pg(diesel::PgConnection::establish(url).expect("postgres"))
        } else {
            Conn::Mysql(diesel::MysqlConnection::establish(url).expect("mysql"))
        }
    }

    /// `sql` with `?` placeholders (PostgreSQL: `$1`, `$2`, …).
    fn placeholders(&self, sql: &str) -> String {
        match self {
            Conn::Pg(_) => {
                let mut n = 0;
                sql.chars()
                    .map(|c| match c {
                        '?' => {
                            n += 1;
                            format!("${n}")
                        }
                        c => c.to_string(),
                    })
                    .collect()
            }
            // `key` is a reserved word in MySQL.
            Conn::Mysql(_) => sql.replace("key = ?", "`key` = ?"),
            Conn::Sqlite(_) => sql.to_string(),
        }
    }

    fn points(&mut self, key: &str) -> Vec<Point> {
        let sql = self.placeholders(
            "SELECT pos, t, label, value, value_int, value_text FROM meteaudata_points WHERE key = ? ORDER BY pos",
        );
        let q = diesel::sql_query(sql).bind::<Text, _>(key);
        match self {
            Conn::Sqlite(c) => q.load(c),
            Conn::Pg(c) => q.load(c),
            Conn::Mysql(c) => q.load(c),
        }
        .expect("query the view")
    }

    /// `count(*)` and `avg(value)` over `[t0, t1)`, with the block bounds added when
    /// `bounds`.
    fn window(&mut self, key: &str, t0: i64, t1: i64, bounds: bool, mean: bool) -> Window {
        let extra = if bounds {
            " AND block_t_max >= ? AND block_t_min < ?"
        } else {
            ""
        };
        let sql = self.placeholders(&format!(
            "SELECT count(*) AS n, {} AS mean FROM meteaudata_points WHERE key = ? AND t >= ? AND t < ?{extra}",
            if mean { "avg(value)" } else { "avg(CASE WHEN 1 = 0 THEN value END)" }
        ));
        let q = diesel::sql_query(sql)
            .bind::<Text, _>(key)
            .bind::<BigInt, _>(t0)
            .bind::<BigInt, _>(t1);
        let q2 = q.clone().bind::<BigInt, _>(t0).bind::<BigInt, _>(t1);
        match (self, bounds) {
            (Conn::Sqlite(c), false) => q.get_result(c),
            (Conn::Pg(c), false) => q.get_result(c),
            (Conn::Mysql(c), false) => q.get_result(c),
            (Conn::Sqlite(c), true) => q2.get_result(c),
            (Conn::Pg(c), true) => q2.get_result(c),
            (Conn::Mysql(c), true) => q2.get_result(c),
        }
        .expect("window query")
    }
}

const MINUTE: i64 = 60_000_000_000;
const T0: i64 = 1_700_000_000_000_000_000;

/// Floats that test every branch of the bit decoding.
fn awkward_floats() -> Vec<f64> {
    vec![
        0.0,
        -0.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        5e-324,
        -5e-324,
        2.225_073_858_507_201e-308,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        1.0,
        -1.5,
        0.1,
        20.625,
        1e300,
        -3.14e-200,
    ]
}

/// A long float series: awkward values first, then a sensor-like signal, over several
/// blocks, in Europe/Paris time.
fn long_floats(n: usize) -> Series {
    let mut v = awkward_floats();
    let mut x = 12_345u64;
    while v.len() < n {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        v.push(((x >> 11) as f64 / (1u64 << 53) as f64) * 40.0 - 5.0);
    }
    let t = (0..n as i64).map(|i| T0 + i * MINUTE).collect();
    let tz = "Europe/Paris".parse().ok();
    Series::from_f64("A#1_RAW#1", Index::datetime_nanos(t, tz), v).unwrap()
}

fn series(name: &str, index: Index, values: ArrayRef) -> Series {
    Series::new(name, index, values).unwrap()
}

/// Every key of the test and its series.
fn cases() -> Vec<(String, Series)> {
    let n = 5;
    let ints: ArrayRef = Arc::new(Int64Array::from(vec![
        Some(i64::MIN),
        None,
        Some(-1),
        Some(0),
        Some(i64::MAX),
    ]));
    let bools: ArrayRef = Arc::new(BooleanArray::from(vec![true, false, true, true, false]));
    let texts: ArrayRef = Arc::new(StringArray::from(vec![
        Some("é ü 水"),
        None,
        Some(""),
        Some("it's; DROP TABLE x"),
        Some("z"),
    ]));
    let stamps: ArrayRef = Arc::new(
        TimestampNanosecondArray::from(vec![Some(T0), None, Some(-1), Some(0), Some(T0 + 1)])
            .with_timezone("UTC"),
    );
    let cats: ArrayRef = Arc::new(
        DictionaryArray::try_new(
            Int32Array::from(vec![Some(1), Some(0), None, Some(1), Some(2)]),
            Arc::new(StringArray::from(vec!["low", "mid", "high"])),
        )
        .unwrap(),
    );
    let nulls_f: ArrayRef = Arc::new(Float64Array::from(vec![
        Some(1.5),
        None,
        Some(-0.0),
        None,
        Some(2.0),
    ]));
    let times: Vec<i64> = (0..n as i64).map(|i| T0 + i * MINUTE).collect();
    let mut with_nat = times.clone();
    with_nat[2] = 0;
    let nat_index = Index::new(IndexData::DateTime {
        values: TimestampNanosecondArray::from(vec![
            Some(times[0]),
            Some(times[1]),
            None,
            Some(times[3]),
            Some(times[4]),
        ]),
        tz: None,
    })
    .unwrap();
    let cat_index = Index::new(IndexData::Categorical {
        values: DictionaryArray::try_new(
            Int32Array::from(vec![0, 1, 0, 2, 1]),
            Arc::new(StringArray::from(vec!["a", "b", "c"])),
        )
        .unwrap(),
        ordered: false,
    })
    .unwrap();
    vec![
        ("site/A#1/RAW#1".into(), long_floats(3_000)),
        (
            "ints/range".into(),
            series("I#1_RAW#1", Index::range(n), ints),
        ),
        (
            "bools/int-index".into(),
            series(
                "B#1_RAW#1",
                Index::ints(vec![10, -3, 7, 0, i64::MAX]),
                bools,
            ),
        ),
        (
            "texts/string-index".into(),
            series(
                "S#1_RAW#1",
                Index::strings(&["x", "", "ÿ", "a b", "z"]),
                texts,
            ),
        ),
        (
            "stamps/float-index".into(),
            series(
                "T#1_RAW#1",
                Index::floats(vec![0.5, -2.0, 1e10, 0.0, 3.25]),
                stamps,
            ),
        ),
        (
            "cats/cat-index".into(),
            series("C#1_RAW#1", cat_index, cats),
        ),
        ("floats/nat".into(), series("F#1_RAW#1", nat_index, nulls_f)),
        (
            "floats/'quoted\"key".into(),
            series(
                "Q#1_RAW#1",
                Index::datetime_nanos(times, None),
                Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0, 4.0, 5.0])),
            ),
        ),
    ]
}

/// What the view should hold for point `i` of `s`.
fn expected(s: &Series, i: usize) -> Point {
    let index = s.index();
    let (t, label) = match index.data() {
        IndexData::DateTime { values, .. } => (values.is_valid(i).then(|| values.value(i)), None),
        IndexData::Float(a) => (None, Some(format!("{}", a.value(i)))),
        _ => (None, Some(index.label(i))),
    };
    let values = s.values();
    let mut p = Point {
        pos: i as i64,
        t,
        label,
        value: None,
        value_int: None,
        value_text: None,
    };
    if values.is_null(i) {
        return p;
    }
    let any = values.as_any();
    if let Some(a) = any.downcast_ref::<Float64Array>() {
        let x = a.value(i);
        if x.is_finite() {
            p.value = Some(x);
        } else {
            p.value_text = Some(
                if x.is_nan() {
                    "nan"
                } else if x > 0.0 {
                    "inf"
                } else {
                    "-inf"
                }
                .to_string(),
            );
        }
    } else if let Some(a) = any.downcast_ref::<Int64Array>() {
        p.value_int = Some(a.value(i));
        p.value = Some(a.value(i) as f64);
    } else if let Some(a) = any.downcast_ref::<BooleanArray>() {
        p.value_int = Some(i64::from(a.value(i)));
        p.value = Some(f64::from(u8::from(a.value(i))));
    } else if let Some(a) = any.downcast_ref::<StringArray>() {
        p.value_text = Some(a.value(i).to_string());
    } else if let Some(a) = any.downcast_ref::<TimestampNanosecondArray>() {
        p.value_int = Some(a.value(i));
    } else if let Some(a) = any.downcast_ref::<DictionaryArray<arrow_array::types::Int32Type>>() {
        let cats = a.values().as_any().downcast_ref::<StringArray>().unwrap();
        p.value_text = Some(cats.value(a.keys().value(i) as usize).to_string());
    } else {
        panic!("no expectation for {:?}", values.data_type());
    }
    p
}

fn same(a: &Point, b: &Point) -> bool {
    let bits = |x: Option<f64>| x.map(f64::to_bits);
    // Float index labels are printed by the database: compare them as numbers.
    let label = match (&a.label, &b.label) {
        (Some(x), Some(y)) => {
            x == y
                || x.parse::<f64>()
                    .ok()
                    .is_some_and(|x| y.parse::<f64>().ok() == Some(x))
        }
        (x, y) => x == y,
    };
    a.pos == b.pos
        && a.t == b.t
        && label
        && bits(a.value) == bits(b.value)
        && a.value_int == b.value_int
        && a.value_text == b.value_text
}

fn check(db: &common::Isolated, mysql: bool) {
    let backend = db.backend();
    let mut conn = Conn::open(&db.url);
    let cases = cases();
    for (key, s) in &cases {
        let k = StorageKey::new(key).unwrap();
        let ts = TimeSeries::new(s.clone());
        backend.save(&k, s, &ts.metadata()).unwrap();
    }
    // An append: fills up the last block, then starts new ones.
    let key = StorageKey::new("site/A#1/RAW#1").unwrap();
    let more = long_floats(4_100);
    let more = Series::from_f64(
        "A#1_RAW#1",
        Index::datetime_nanos(
            (3_000..4_100).map(|i| T0 + i * MINUTE).collect(),
            "Europe/Paris".parse().ok(),
        ),
        more.f64_values().unwrap().values()[3_000..].to_vec(),
    )
    .unwrap();
    backend.append(&key, &more).unwrap();

    for (key, _) in &cases {
        let (stored, _) = backend.load(&StorageKey::new(key).unwrap()).unwrap();
        let rows = conn.points(key);
        assert_eq!(rows.len(), stored.len(), "{key}: one row per point");
        for (i, row) in rows.iter().enumerate() {
            let mut want = expected(&stored, i);
            // MySQL keeps no negative zero.
            if mysql && want.value == Some(-0.0) {
                want.value = Some(0.0);
            }
            assert!(
                same(row, &want),
                "{key} point {i}: view {row:?}, library {want:?}"
            );
        }
    }

    // Windows: count(*) and avg(value) equal the library's, with and without the bounds.
    // (PostgreSQL's avg() of doubles also sums their squares, and fails with "value out of
    // range" over values near f64::MAX: the windows that hold the awkward first points are
    // counted only.)
    let awkward = awkward_floats().len() as i64;
    for (t0, t1) in [
        (T0, T0 + 10 * MINUTE),
        (T0 - MINUTE, T0 + 5_000 * MINUTE),
        (T0 + awkward * MINUTE, T0 + (awkward + 10) * MINUTE),
        (T0 + 1_000 * MINUTE, T0 + 3_500 * MINUTE),
        (T0 + awkward * MINUTE, T0 + 5_000 * MINUTE),
        (T0 + 4_200 * MINUTE, T0 + 4_300 * MINUTE),
    ] {
        let count_only = t0 < T0 + awkward * MINUTE;
        let (w, _) = backend
            .load_range(&key, TimeRange::new(Some(t0), Some(t1)))
            .unwrap();
        let finite: Vec<f64> = w
            .f64_values()
            .unwrap()
            .values()
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .collect();
        let mean = (!finite.is_empty()).then(|| finite.iter().sum::<f64>() / finite.len() as f64);
        for bounds in [false, true] {
            let got = conn.window(key.as_str(), t0, t1, bounds, !count_only);
            assert_eq!(
                got.n,
                w.len() as i64,
                "count over [{t0}, {t1}) (bounds: {bounds})"
            );
            if count_only {
                continue;
            }
            match (got.mean, mean) {
                (Some(a), Some(b)) => {
                    assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "avg {a} vs {b}")
                }
                (a, b) => assert_eq!(a, b),
            }
        }
    }

    // Only the current version: after an overwrite the view shows the new values.
    let k = StorageKey::new("ints/range").unwrap();
    let s = series(
        "I#1_RAW#1",
        Index::range(2),
        Arc::new(Int64Array::from(vec![7, 8])),
    );
    backend
        .save(&k, &s, &TimeSeries::new(s.clone()).metadata())
        .unwrap();
    let rows = conn.points("ints/range");
    assert_eq!(
        rows.iter().map(|r| r.value_int).collect::<Vec<_>>(),
        vec![Some(7), Some(8)]
    );
    // A deleted key is gone from the view.
    backend.delete(&k).unwrap();
    assert!(conn.points("ints/range").is_empty());
}

#[test]
fn sqlite_view_equals_the_library() {
    check(&common::sqlite_file(), false);
}

#[test]
fn postgres_view_equals_the_library() {
    if let Some(db) = common::postgres() {
        check(&db, false);
    }
}

#[test]
fn mysql_view_equals_the_library() {
    if let Some(db) = common::mysql() {
        check(&db, true);
    }
}
