//! Storage keys: `dataset/signal/series`, the same on every backend.

use std::fmt;

use crate::naming::SeriesName;
use crate::{Error, Result};

/// Longest accepted key, in bytes.
pub const MAX_KEY_LEN: usize = 512;
/// Most `/`-separated parts a key may have.
pub const MAX_KEY_PARTS: usize = 8;

/// A validated storage key.
///
/// The model stores each series under `dataset/signal/series` (`reactor/CODa#1/RAW#1`, the
/// series name without its signal prefix), on every backend. Keys written directly (the seed's
/// "direct backend access") may have from 1 to [`MAX_KEY_PARTS`] parts. Every part is non-empty,
/// not `.` or `..`, and no key holds `\`, NUL or other control characters or is longer than
/// [`MAX_KEY_LEN`] bytes, so a key can never address anything outside its backend.
///
/// ```
/// use meteaudata_core::storage::StorageKey;
/// let k = StorageKey::for_series("reactor", "CODa#1", "CODa#1_RAW#1").unwrap();
/// assert_eq!(k.as_str(), "reactor/CODa#1/RAW#1");
/// assert_eq!(k.parts().collect::<Vec<_>>(), ["reactor", "CODa#1", "RAW#1"]);
/// assert!(StorageKey::new("a/../b").is_err());
/// assert!(StorageKey::new("my_custom_key").is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StorageKey(String);

impl StorageKey {
    /// Validates a key.
    pub fn new(key: impl Into<String>) -> Result<Self> {
        let key = key.into();
        let bad = |reason: &str| Error::InvalidKey {
            key: key.clone(),
            reason: reason.to_string(),
        };
        if key.is_empty() {
            return Err(bad("it is empty"));
        }
        if key.len() > MAX_KEY_LEN {
            return Err(bad(&format!("it is longer than {MAX_KEY_LEN} bytes")));
        }
        if key.chars().any(char::is_control) {
            return Err(bad("it contains NUL or control characters"));
        }
        if key.contains('\\') {
            return Err(bad("it contains '\\'"));
        }
        let parts: Vec<&str> = key.split('/').collect();
        if parts.len() > MAX_KEY_PARTS {
            return Err(bad(&format!("it has more than {MAX_KEY_PARTS} parts")));
        }
        for p in &parts {
            if p.is_empty() {
                return Err(bad(
                    "it has an empty part (leading, trailing or doubled '/')",
                ));
            }
            if *p == "." || *p == ".." {
                return Err(bad("a part is '.' or '..'"));
            }
        }
        Ok(StorageKey(key))
    }

    /// The key of a series of a signal in a dataset: `dataset/signal/<series without the
    /// signal prefix>`.
    pub fn for_series(dataset: &str, signal: &str, series: &str) -> Result<Self> {
        let short = match series
            .strip_prefix(signal)
            .and_then(|r| r.strip_prefix('_'))
        {
            Some(rest) => rest.to_string(),
            None => {
                let p = SeriesName::parse(series);
                format!("{}#{}", p.base, p.number_or_one())
            }
        };
        StorageKey::new(format!("{dataset}/{signal}/{short}"))
    }

    /// The key text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The `/`-separated parts.
    pub fn parts(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// Whether the key starts with the parts of `prefix` (`reactor` is a prefix of
    /// `reactor/A#1/RAW#1`, `reac` is not).
    pub fn starts_with_parts(&self, prefix: &str) -> bool {
        self.0 == prefix
            || (self.0.starts_with(prefix) && self.0.as_bytes().get(prefix.len()) == Some(&b'/'))
    }
}

impl fmt::Display for StorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for StorageKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for StorageKey {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        StorageKey::new(s)
    }
}

impl TryFrom<&str> for StorageKey {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self> {
        StorageKey::new(s)
    }
}

impl TryFrom<String> for StorageKey {
    type Error = Error;
    fn try_from(s: String) -> Result<Self> {
        StorageKey::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_keys() {
        for bad in [
            "",
            "/a",
            "a/",
            "a//b",
            "..",
            "a/./b",
            "a\\b",
            "a\0b",
            "a\nb",
            &"k".repeat(513),
            "1/2/3/4/5/6/7/8/9",
        ] {
            let e = StorageKey::new(bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidKey, "{bad:?}");
        }
        for good in [
            "a",
            "a/b/c",
            "x'); DROP TABLE t;--/b",
            "°C/é/RAW#1",
            "a..b/c",
        ] {
            StorageKey::new(good).unwrap();
        }
    }

    #[test]
    fn series_keys() {
        assert_eq!(
            StorageKey::for_series("default", "A#1", "A#1_RESAMPLED#2")
                .unwrap()
                .as_str(),
            "default/A#1/RESAMPLED#2"
        );
        let k = StorageKey::new("reactor/A#1/RAW#1").unwrap();
        assert!(k.starts_with_parts("reactor"));
        assert!(k.starts_with_parts("reactor/A#1"));
        assert!(!k.starts_with_parts("reac"));
    }
}
