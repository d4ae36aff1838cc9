//! Content hashes: the documented canonical form (recomputed here from the module docs),
//! what is and is not content, and chunking (proptest).

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Float32Array, Float64Array, Int32Array, Int64Array,
    StringArray,
};
use meteaudata_core::arrow_array;
use meteaudata_core::arrow_array::types::Int32Type;
use meteaudata_core::{ContentHash, ContentHasher, ErrorKind, Index, IndexData, Series, TimeZone};
use proptest::prelude::*;

/// The digest of the module docs' canonical form, written out by hand for a naive datetime
/// index and float values (with a missing value at `missing`).
fn by_the_docs(nanos: &[i64], values: &[f64], missing: &[u64]) -> String {
    let mut index = blake3::Hasher::new();
    for t in nanos {
        index.update(&t.to_le_bytes());
    }
    let index_missing = blake3::Hasher::new();
    let mut vals = blake3::Hasher::new();
    for v in values {
        let bits = if v.is_nan() {
            0x7FF8_0000_0000_0000u64
        } else {
            v.to_bits()
        };
        vals.update(&bits.to_le_bytes());
    }
    let mut vals_missing = blake3::Hasher::new();
    for m in missing {
        vals_missing.update(&m.to_le_bytes());
    }
    let mut top = blake3::Hasher::new();
    top.update(b"meteaudata-content-v1\0datetime\0\0float\0\0");
    top.update(&(nanos.len() as u64).to_le_bytes());
    for h in [index, index_missing, vals, vals_missing] {
        top.update(h.finalize().as_bytes());
    }
    top.finalize().to_hex().to_string()
}

fn naive(nanos: Vec<i64>) -> Index {
    Index::datetime_nanos(nanos, None)
}

fn floats(index: Index, values: Vec<f64>) -> Series {
    Series::from_f64("S#1_RAW#1", index, values).unwrap()
}

fn hash(s: &Series) -> ContentHash {
    s.content_hash().unwrap()
}

#[test]
fn the_digest_is_the_documented_canonical_form() {
    let nanos = vec![0, 600_000_000_000, 1_200_000_000_000];
    // A NaN with a payload is the canonical NaN, and missing.
    let odd_nan = f64::from_bits(0x7FF8_0000_0000_0001);
    let s = floats(naive(nanos.clone()), vec![1.5, odd_nan, -0.0]);
    assert_eq!(
        hash(&s).to_string(),
        by_the_docs(&nanos, &[1.5, f64::NAN, -0.0], &[1])
    );
    // Frozen: a change of the canonical form must change its version tag, not this digest.
    assert_eq!(
        hash(&s).to_string(),
        "729265d96160f61dcd33a2f49062a6544c70557f3754c0abbec4507e0b8cfdb3"
    );
}

#[test]
fn names_and_frequency_are_not_content() {
    let s = floats(naive(vec![0, 1, 2]), vec![1.0, 2.0, 3.0]);
    let mut renamed = s.clone().with_name("Other#1_RAW#9");
    *renamed.index_mut() = naive(vec![0, 1, 2]).with_name("time").with_frequency("ns");
    assert_eq!(hash(&s), hash(&renamed));
}

#[test]
fn every_point_matters() {
    let base = floats(naive(vec![0, 1, 2]), vec![1.0, f64::NAN, 3.0]);
    let variants = [
        floats(naive(vec![0, 1, 3]), vec![1.0, f64::NAN, 3.0]),
        floats(naive(vec![0, 1, 2]), vec![1.0, f64::NAN, 3.5]),
        floats(naive(vec![0, 1, 2]), vec![1.0, 2.0, f64::NAN]),
        floats(naive(vec![0, 1, 2]), vec![1.0, 0.0, 3.0]),
        floats(naive(vec![0, 1]), vec![1.0, f64::NAN]),
        floats(naive(vec![0, 1, 2]), vec![-1.0, f64::NAN, 3.0]),
    ];
    let h = hash(&base);
    for v in &variants {
        assert_ne!(h, hash(v), "{v:?}");
    }
    // -0.0 and 0.0 are different values (they round-trip as such).
    assert_ne!(
        hash(&floats(Index::range(1), vec![0.0])),
        hash(&floats(Index::range(1), vec![-0.0]))
    );
}

#[test]
fn zones_are_content() {
    let utc = floats(
        Index::datetime_nanos(vec![0, 1], Some(TimeZone::Utc)),
        vec![1.0, 2.0],
    );
    let paris = floats(
        Index::datetime_nanos(vec![0, 1], Some("Europe/Paris".parse().unwrap())),
        vec![1.0, 2.0],
    );
    let naive = floats(naive(vec![0, 1]), vec![1.0, 2.0]);
    assert_ne!(hash(&utc), hash(&paris));
    assert_ne!(hash(&utc), hash(&naive));
    assert_ne!(hash(&paris), hash(&naive));
}

#[test]
fn missing_floats_hash_alike_whatever_their_spelling() {
    let nan = floats(Index::range(3), vec![1.0, f64::NAN, 3.0]);
    let null = Series::new(
        "S",
        Index::range(3),
        Arc::new(Float64Array::from(vec![Some(1.0), None, Some(3.0)])),
    )
    .unwrap();
    assert_eq!(hash(&nan), hash(&null));
}

#[test]
fn widths_and_encodings_are_not_content() {
    let pairs: Vec<(ArrayRef, ArrayRef)> = vec![
        (
            Arc::new(Float64Array::from(vec![Some(0.5), None, Some(-2.0)])),
            Arc::new(Float32Array::from(vec![Some(0.5), None, Some(-2.0)])),
        ),
        (
            Arc::new(Int64Array::from(vec![Some(7), None, Some(-9)])),
            Arc::new(Int32Array::from(vec![Some(7), None, Some(-9)])),
        ),
        (
            Arc::new(StringArray::from(vec![Some("lo"), None, Some("hi")])),
            Arc::new(
                vec![Some("lo"), None, Some("hi")]
                    .into_iter()
                    .collect::<DictionaryArray<Int32Type>>(),
            ),
        ),
    ];
    for (a, b) in pairs {
        let sa = Series::new("S", Index::range(3), a).unwrap();
        let sb = Series::new("S", Index::range(3), b).unwrap();
        assert_eq!(hash(&sa), hash(&sb), "{sa:?} vs {sb:?}");
    }
    // A range index is the integers it stands for.
    let range = Index::new(IndexData::Range {
        start: 10,
        stop: 4,
        step: -3,
    })
    .unwrap();
    assert_eq!(
        hash(&floats(range, vec![1.0, 2.0])),
        hash(&floats(Index::ints(vec![10, 7]), vec![1.0, 2.0]))
    );
    // But the families differ: 1 is not 1.0, nor "1", nor true.
    let one: Vec<ArrayRef> = vec![
        Arc::new(Float64Array::from(vec![1.0])),
        Arc::new(Int64Array::from(vec![1])),
        Arc::new(StringArray::from(vec!["1"])),
        Arc::new(BooleanArray::from(vec![true])),
    ];
    let hashes: std::collections::HashSet<_> = one
        .into_iter()
        .map(|v| hash(&Series::new("S", Index::range(1), v).unwrap()))
        .collect();
    assert_eq!(hashes.len(), 4);
}

#[test]
fn text_boundaries_are_content() {
    let s =
        |v: Vec<&str>| Series::new("S", Index::range(2), Arc::new(StringArray::from(v))).unwrap();
    assert_ne!(hash(&s(vec!["ab", "c"])), hash(&s(vec!["a", "bc"])));
    // An empty string is not a missing one.
    let missing = Series::new(
        "S",
        Index::range(2),
        Arc::new(StringArray::from(vec![Some(""), None])),
    )
    .unwrap();
    assert_ne!(hash(&s(vec!["", ""])), hash(&missing));
}

#[test]
fn a_chunk_of_another_kind_is_refused() {
    let mut h = ContentHasher::new();
    h.update(&floats(naive(vec![0]), vec![1.0])).unwrap();
    let err = h
        .update(&floats(
            Index::datetime_nanos(vec![1], Some(TimeZone::Utc)),
            vec![2.0],
        ))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(h.points(), 1);
    assert_eq!(h.finish(), hash(&floats(naive(vec![0]), vec![1.0])));
}

#[test]
fn hex_text_round_trips_and_bad_text_is_refused() {
    let h = hash(&floats(Index::range(2), vec![1.0, 2.0]));
    assert_eq!(h.to_string().parse::<ContentHash>().unwrap(), h);
    assert_eq!(
        h.to_string().to_uppercase().parse::<ContentHash>().unwrap(),
        h
    );
    for bad in [
        "",
        "xyz",
        &"g".repeat(64),
        &h.to_string()[1..],
        "é".repeat(32).as_str(),
    ] {
        let err = bad.parse::<ContentHash>().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Parse, "{bad:?}");
    }
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(json, format!("\"{h}\""));
    assert_eq!(serde_json::from_str::<ContentHash>(&json).unwrap(), h);
}

fn value_strategy() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        6 => any::<f64>().prop_map(Some),
        1 => Just(None),
        1 => Just(Some(f64::NAN)),
    ]
}

proptest! {
    /// Cutting a series anywhere gives the hash of the whole, for every index kind.
    #[test]
    fn chunks_hash_as_the_whole(
        values in prop::collection::vec(value_strategy(), 0..300),
        cuts in prop::collection::vec(0usize..300, 0..6),
        kind in 0usize..4,
    ) {
        let n = values.len();
        let index = match kind {
            0 => Index::datetime_nanos((0..n as i64).map(|i| i * 7 - 3).collect(), Some(TimeZone::Utc)),
            1 => Index::range(n),
            2 => Index::strings(&(0..n).map(|i| format!("l{i}")).collect::<Vec<_>>()),
            _ => Index::floats((0..n).map(|i| i as f64 / 3.0).collect()),
        };
        let s = Series::new("S", index, Arc::new(Float64Array::from(values))).unwrap();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(n)).collect();
        cuts.push(0);
        cuts.push(n);
        cuts.sort_unstable();
        let mut h = ContentHasher::new();
        for w in cuts.windows(2) {
            h.update(&s.slice(w[0], w[1] - w[0])).unwrap();
        }
        prop_assert_eq!(h.points(), n as u64);
        prop_assert_eq!(h.finish(), s.content_hash().unwrap());
    }
}
