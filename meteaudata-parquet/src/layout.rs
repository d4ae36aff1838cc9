//! File names for keys: Python meteaudata's names where they are safe and unambiguous, a hashed
//! name otherwise, and the reverse mapping for directories Python wrote.

use meteaudata_core::naming::split_number;
use meteaudata_core::storage::StorageKey;

/// Suffix of data files.
pub const DATA_SUFFIX: &str = ".parquet";
/// Suffix of metadata sidecars.
pub const META_SUFFIX: &str = "_meta.yaml";
/// Prefix of temporary files (ignored by listing, removed by `clear`).
pub const TMP_PREFIX: &str = ".tmp-";

/// Whether a file (object) named `name` belongs to a store: a data file, a sidecar or a
/// temporary file (what `clear` removes and sizes count).
pub fn is_store_file(name: &str) -> bool {
    name.ends_with(DATA_SUFFIX) || name.ends_with(META_SUFFIX) || name.starts_with(TMP_PREFIX)
}

/// Longest file stem we use before falling back to a hashed name (file names are limited to
/// 255 bytes; the sidecar adds 10).
const MAX_STEM: usize = 200;

/// Python's file stem for a key: `/` replaced by `_` (`quickstart_Temperature#1_RAW#1`).
pub fn python_stem(key: &StorageKey) -> String {
    key.as_str().replace('/', "_")
}

/// 64-bit FNV-1a, stable across Rust versions and platforms.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The stem used when Python's is taken by another key or too long: a readable prefix and a
/// hash of the whole key.
pub fn hashed_stem(key: &StorageKey) -> String {
    let mut prefix: String = python_stem(key);
    if prefix.len() > 120 {
        let mut cut = 120;
        while !prefix.is_char_boundary(cut) {
            cut -= 1;
        }
        prefix.truncate(cut);
    }
    // Never a leading dot: names starting with `.tmp-` are the backend's temporary files, and
    // a key's file must not pass for one (it would be hidden from listings and copies).
    let lead = if prefix.starts_with('.') { "~" } else { "" };
    format!("{lead}{prefix}~{:016x}", fnv1a(key.as_str().as_bytes()))
}

/// The stems a key may live under, in the order they are tried.
pub fn candidate_stems(key: &StorageKey) -> Vec<String> {
    let py = python_stem(key);
    let hashed = hashed_stem(key);
    if py.len() > MAX_STEM || py.starts_with('.') {
        vec![hashed]
    } else {
        vec![py, hashed]
    }
}

/// Guesses the logical key of a file Python wrote (whose sidecar has no key): a stem ending in
/// `_<signal>#<n>_<base>#<m>` is `dataset/signal/series`; anything else is a one-part key.
pub fn key_from_python_stem(stem: &str) -> Option<StorageKey> {
    let mut parts = stem.rsplitn(3, '_');
    let series = parts.next()?;
    let signal = parts.next();
    let dataset = parts.next();
    let numbered = |s: &str| matches!(split_number(s), (b, Some(_)) if !b.is_empty());
    match (dataset, signal) {
        (Some(d), Some(sig)) if !d.is_empty() && numbered(sig) && numbered(series) => {
            StorageKey::new(format!("{d}/{sig}/{series}")).ok()
        }
        _ => StorageKey::new(stem).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems() {
        let k = StorageKey::new("quickstart/Temperature#1/RAW#1").unwrap();
        assert_eq!(python_stem(&k), "quickstart_Temperature#1_RAW#1");
        assert_eq!(
            key_from_python_stem("quickstart_Temperature#1_RAW#1"),
            Some(k)
        );
        let k2 = StorageKey::new("demo_dataset/A#1/RAW#1").unwrap();
        assert_eq!(key_from_python_stem(&python_stem(&k2)), Some(k2));
        assert_eq!(
            key_from_python_stem("my_custom_key").unwrap().as_str(),
            "my_custom_key"
        );
        let a = StorageKey::new("a/b_c").unwrap();
        let b = StorageKey::new("a_b/c").unwrap();
        assert_eq!(python_stem(&a), python_stem(&b));
        assert_ne!(hashed_stem(&a), hashed_stem(&b));
        let hidden = StorageKey::new(".x/y").unwrap();
        assert_eq!(candidate_stems(&hidden).len(), 1);
        let long = StorageKey::new("x".repeat(300)).unwrap();
        assert!(candidate_stems(&long)[0].len() < 150);
    }
}
