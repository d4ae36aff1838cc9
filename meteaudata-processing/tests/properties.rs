//! Properties of the kernels on generated data.

mod common;
use common::*;
use meteaudata_core::{Index, Series, Transform};
use meteaudata_processing::*;
use proptest::prelude::*;

const MIN: i64 = 60_000_000_000;

fn rows() -> impl Strategy<Value = Vec<(i64, f64)>> {
    prop::collection::vec(
        (
            0i64..3 * 24 * 60,
            prop_oneof![4 => (-1000i32..1000).prop_map(|v| f64::from(v) / 4.0), 1 => Just(f64::NAN)],
        ),
        0..60,
    )
    .prop_map(|v| v.into_iter().map(|(m, x)| (at(0) + m * MIN, x)).collect())
}

fn series_of(rows: &[(i64, f64)]) -> Series {
    naive(
        &rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        &rows.iter().map(|r| r.1).collect::<Vec<_>>(),
    )
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-9 * x.abs().max(1.0))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Stored order does not matter to resample: the sorted fast path and the general path agree.
    #[test]
    fn resample_ignores_stored_order(mut r in rows(), f in prop::sample::select(vec!["7min", "1h", "D", "W", "MS", "ME", "2h"])) {
        let tr = Resample::new(f).unwrap();
        let shuffled = run1(&tr, series_of(&r));
        r.sort_by_key(|x| x.0);
        let sorted = run1(&tr, series_of(&r));
        prop_assert!(same(&values(&shuffled), &values(&sorted)));
        prop_assert_eq!(shuffled.index(), sorted.index());
    }

    /// Every bin mean equals the mean of the non-missing values whose timestamps fall in it, and
    /// labels increase strictly.
    #[test]
    fn resample_bins_are_means(r in rows()) {
        let out = run1(&Resample::new("15min").unwrap(), series_of(&r));
        let labels: Vec<i64> = match out.index().data() {
            meteaudata_core::IndexData::DateTime { values, .. } => values.values().to_vec(),
            _ => unreachable!(),
        };
        prop_assert!(labels.windows(2).all(|w| w[0] < w[1]));
        for (k, (&l, &v)) in labels.iter().zip(values(&out).iter()).enumerate() {
            let inside: Vec<f64> = r.iter().filter(|x| x.0 >= l && x.0 < l + 15 * MIN && !x.1.is_nan()).map(|x| x.1).collect();
            let expected = if inside.is_empty() { f64::NAN } else { inside.iter().sum::<f64>() / inside.len() as f64 };
            prop_assert!(same(&[v], &[expected]), "bin {k}");
        }
    }

    /// Interpolation leaves valid values alone, fills everything after the first valid value,
    /// and is idempotent.
    #[test]
    fn interpolation_properties(r in rows()) {
        let s = series_of(&r);
        let once = run1(&LinearInterpolation, s.clone());
        let v = values(&once);
        let first = r.iter().position(|x| !x.1.is_nan());
        for (i, (orig, new)) in r.iter().map(|x| x.1).zip(&v).enumerate() {
            if !orig.is_nan() { prop_assert_eq!(orig, *new); }
            if first.is_some_and(|f| i >= f) { prop_assert!(!new.is_nan()); } else { prop_assert!(new.is_nan()); }
        }
        let twice = run1(&LinearInterpolation, once.clone());
        prop_assert!(same(&values(&twice), &v));
    }

    /// The copying pass (blocks of 512, eight values per compare) fills exactly as the simple
    /// in-place pass, bit for bit, for runs that start and end anywhere across block and lane
    /// edges (including leading and trailing runs and infinities), and copies nothing when no
    /// value is missing.
    #[test]
    fn copying_interpolation_equals_in_place(
        runs in prop::collection::vec((0usize..700, 0usize..40, prop::sample::select(vec![1.5, -2.0, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, 1e300])), 0..12),
        lead in 0usize..20,
    ) {
        let mut v: Vec<f64> = vec![f64::NAN; lead];
        for (k, (valid, missing, special)) in runs.iter().enumerate() {
            v.extend((0..*valid).map(|i| if i == 0 { *special } else { (k * 1000 + i) as f64 * 0.25 }));
            v.extend(std::iter::repeat_n(f64::NAN, *missing));
        }
        let mut expected = v.clone();
        interpolate_in_place(&mut expected);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&interpolated(&v)), bits(&expected));
        let any_missing = v.iter().any(|x| x.is_nan());
        prop_assert_eq!(interpolated_if_missing(&v).is_some(), any_missing);
    }

    /// Positional subsets are Python slices.
    #[test]
    fn positional_subset_is_a_python_slice(r in rows(), a in prop::option::of(-70i64..70), b in prop::option::of(-70i64..70)) {
        let out = run1(&Subset::by_position(a, b), series_of(&r));
        let n = r.len() as i64;
        let fix = |p: Option<i64>, d: i64| match p { None => d, Some(p) if p < 0 => (p + n).max(0), Some(p) => p.min(n) };
        let (s, e) = (fix(a, 0), fix(b, n).max(fix(a, 0)));
        let expected: Vec<f64> = r[s as usize..e as usize].iter().map(|x| x.1).collect();
        prop_assert!(same(&values(&out), &expected));
    }

    /// Label subsets keep exactly the rows inside the range, in stored order, sorted or not.
    #[test]
    fn label_subset_and_replace_agree_with_a_scan(r in rows(), lo in 0i64..4000, len in 0i64..2000) {
        let (a, b) = (at(0) + lo * MIN, at(0) + (lo + len) * MIN);
        let bound = |n: i64| meteaudata_core::Timestamp { nanos: n, tz: None };
        let out = run1(&Subset::by_label(bound(a), bound(b)), series_of(&r));
        let expected: Vec<f64> = r.iter().filter(|x| x.0 >= a && x.0 <= b).map(|x| x.1).collect();
        prop_assert!(same(&values(&out), &expected));
        let replaced = run1(&ReplaceRanges::new([(bound(a), bound(b))], "p").with_value(-5.0), series_of(&r));
        let expected: Vec<f64> = r.iter().map(|x| if x.0 >= a && x.0 <= b { -5.0 } else { x.1 }).collect();
        prop_assert!(same(&values(&replaced), &expected));
    }

    /// Normalising measures every instant from the first one.
    #[test]
    fn normalize_measures_from_the_first(r in rows()) {
        let out = NormalizeIndexToNumericDelta::new("min").unwrap().apply(&[series_of(&r)]).unwrap();
        let idx = out[0].series.index().to_arrow();
        let got = idx.as_any().downcast_ref::<meteaudata_core::arrow_array::Float64Array>().unwrap();
        for (g, x) in got.values().iter().zip(&r) {
            prop_assert_eq!(*g, ((x.0 - r[0].0) / MIN) as f64);
        }
    }

    /// Averaging one series with itself sorts it and averages duplicate timestamps.
    #[test]
    fn average_of_one_series(r in rows()) {
        let s = series_of(&r);
        let out = average_series(&[&s, &s]).unwrap();
        let mut keys: Vec<i64> = r.iter().map(|x| x.0).collect();
        keys.sort();
        keys.dedup();
        let expected: Vec<f64> = keys.iter().map(|k| {
            let v: Vec<f64> = r.iter().filter(|x| x.0 == *k && !x.1.is_nan()).map(|x| x.1).collect();
            if v.is_empty() { f64::NAN } else { v.iter().sum::<f64>() / v.len() as f64 }
        }).collect();
        prop_assert!(same(&values(&out), &expected));
        prop_assert_eq!(out.index(), &Index::datetime_nanos(keys, None));
    }

    /// Frequency text round-trips through its canonical form.
    #[test]
    fn frequency_canonical_round_trip(n in 1i64..500, alias in prop::sample::select(vec!["ns", "us", "ms", "s", "min", "h", "D", "W", "W-WED", "ME", "MS", "QE", "QS-FEB", "YE", "YS"])) {
        let f = Frequency::parse(&format!("{n}{alias}")).unwrap();
        prop_assert_eq!(Frequency::parse(&f.to_string()).unwrap(), f);
    }
}
