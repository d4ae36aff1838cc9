//! Generated series of up to 3000 points (several blocks; every index kind and value type)
//! saved whole or in pieces (a head, then one to three appends) load back exactly as
//! appending them in memory gives, and time windows keep exactly what
//! `Series::time_window` keeps — on SQLite always, on PostgreSQL and MariaDB when their URLs
//! are set.

mod common;

use common::Isolated;
use meteaudata_core::storage::{StorageBackend, StorageKey, TimeRange};
use meteaudata_core::{IndexData, Series, TimeSeries};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A series, where to cut it into a head and appended pieces, and a window.
fn case() -> impl Strategy<Value = (Series, Vec<usize>, (i64, i64))> {
    (
        meteaudata_testkit::strategies::series("P#1_RAW#1".into(), 3000),
        prop::collection::vec(0.0f64..=1.0, 0..4),
        (any::<i64>(), any::<i64>()),
    )
        .prop_map(|(s, fractions, window)| {
            let n = s.len();
            let mut cuts: Vec<usize> = fractions.iter().map(|f| (f * n as f64) as usize).collect();
            cuts.sort_unstable();
            (s, cuts, window)
        })
}

/// Saves the head, appends the pieces, and checks the load and a window.
fn check(
    b: &Isolated,
    i: usize,
    (s, cuts, (lo, hi)): (Series, Vec<usize>, (i64, i64)),
) -> Result<(), TestCaseError> {
    let k = StorageKey::new(format!("props/P#1/RAW#{i}")).expect("valid key");
    let mut edges = vec![0];
    edges.extend(&cuts);
    edges.push(s.len());
    let head = s.slice(0, edges[1]);
    let ts = TimeSeries::new(head.clone());
    b.save(&k, &head, &ts.metadata())
        .map_err(|e| TestCaseError::fail(format!("save: {e}")))?;
    let mut want = head;
    for w in edges[1..].windows(2) {
        let piece = s.slice(w[0], w[1] - w[0]);
        match want.append(&piece) {
            Ok(joined) => {
                b.append(&k, &piece)
                    .map_err(|e| TestCaseError::fail(format!("append: {e}")))?;
                want = joined;
            }
            // What cannot be appended in memory is refused by the backend too.
            Err(_) => prop_assert!(b.append(&k, &piece).is_err()),
        }
    }
    let (got, _) = b
        .load(&k)
        .map_err(|e| TestCaseError::fail(format!("load: {e}")))?;
    prop_assert_eq!(&got, &want, "cuts {:?}", cuts);
    if matches!(want.index().data(), IndexData::DateTime { .. }) {
        let range = TimeRange::new(Some(lo.min(hi)), Some(lo.max(hi)));
        let (window, _) = b
            .load_range(&k, range)
            .map_err(|e| TestCaseError::fail(format!("load_range: {e}")))?;
        let expected = want.time_window(range).expect("datetime index");
        prop_assert_eq!(window, expected);
    }
    Ok(())
}

fn run(b: &Isolated, cases: u32) {
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let i = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&case(), |c| {
            check(b, i.fetch_add(1, std::sync::atomic::Ordering::Relaxed), c)
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_pieces_and_windows() {
    run(&common::sqlite_memory(), 48);
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_pieces_and_windows() {
    let Some(b) = common::postgres() else { return };
    run(&b, 16);
}

#[cfg(feature = "mysql")]
#[test]
fn mysql_pieces_and_windows() {
    let Some(b) = common::mysql() else { return };
    run(&b, 16);
}
