//! The one naming grammar of meteaudata, used for creation, processing, numbering and loading.
//!
//! * A **signal name** is `<base>#<n>`: `Temperature#1`, `AVERAGE#2`.
//! * A **time-series name** is `<signal name>_<base>#<m>`: `Temperature#1_RAW#1`,
//!   `A#1_RESAMPLED#3`. It is split at the **last** `_`, then the right part at its last `#`.
//! * Bases (of signals and of series) are validated when created: non-empty, at most
//!   [`MAX_NAME_LEN`] bytes, no `_`, no `#`, no `/` or `\`, no control characters.
//!
//! Reading is lenient, so that files written by Python load: an unnumbered key
//! (`A#1_RESAMPLED`) counts as number 1 and a key with an empty or foreign signal part
//! (`_RESAMPLED#1`) is re-attached to its signal.
//!
//! ```
//! use meteaudata_core::naming::{SeriesName, series_name};
//! let n = SeriesName::parse("A#1_RESAMPLED#3");
//! assert_eq!((n.signal.as_str(), n.base.as_str(), n.number), ("A#1", "RESAMPLED", Some(3)));
//! assert_eq!(series_name("A#1", "LIN-INT", 2), "A#1_LIN-INT#2");
//! ```

use crate::{Error, Result};

/// Longest accepted base, in bytes.
pub const MAX_NAME_LEN: usize = 200;

/// A time-series name split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesName {
    /// The signal part (before the last `_`); empty when the name has no `_`.
    pub signal: String,
    /// The base (between the last `_` and the last `#`).
    pub base: String,
    /// The number after the last `#`, when there is a valid one.
    pub number: Option<u32>,
}

impl SeriesName {
    /// Splits a full name leniently (never fails): last `_`, then last `#` of the rest. A
    /// missing or non-numeric number leaves `number` as `None` and the whole rest as the base.
    pub fn parse(full: &str) -> SeriesName {
        let (signal, rest) = match full.rfind('_') {
            Some(i) => (&full[..i], &full[i + 1..]),
            None => ("", full),
        };
        let (base, number) = split_number(rest);
        SeriesName {
            signal: signal.to_string(),
            base: base.to_string(),
            number,
        }
    }

    /// The number, counting an unnumbered name as 1 (as upstream does).
    pub fn number_or_one(&self) -> u32 {
        self.number.unwrap_or(1)
    }
}

/// Splits `base#n` at the last `#`; a missing or non-numeric `n` gives `(whole, None)`.
pub fn split_number(name: &str) -> (&str, Option<u32>) {
    match name.rfind('#') {
        Some(i) => match name[i + 1..].parse::<u32>() {
            Ok(n) if !name[i + 1..].starts_with('+') => (&name[..i], Some(n)),
            _ => (name, None),
        },
        None => (name, None),
    }
}

/// `<signal>_<base>#<n>`.
pub fn series_name(signal: &str, base: &str, number: u32) -> String {
    format!("{signal}_{base}#{number}")
}

/// `<base>#<n>`.
pub fn signal_name(base: &str, number: u32) -> String {
    format!("{base}#{number}")
}

/// Checks a base (of a signal or a series) against the grammar. `what` names it in the error.
pub fn validate_base(what: &str, base: &str) -> Result<()> {
    let reason = if base.is_empty() {
        Some("it is empty".to_string())
    } else if base.len() > MAX_NAME_LEN {
        Some(format!("it is longer than {MAX_NAME_LEN} bytes"))
    } else if base.contains('_') {
        Some(format!(
            "a {what} cannot contain '_' (it separates signal and series); use '-' instead"
        ))
    } else if base.contains('#') {
        Some(format!(
            "a {what} cannot contain '#' except before its number"
        ))
    } else if base.contains('/') || base.contains('\\') {
        Some(format!("a {what} cannot contain path separators"))
    } else if base.chars().any(char::is_control) {
        Some(format!("a {what} cannot contain control characters"))
    } else if base == "." || base == ".." {
        Some(format!("a {what} cannot be '.' or '..'"))
    } else {
        None
    };
    match reason {
        Some(r) => Err(Error::invalid_name(base, r)),
        None => Ok(()),
    }
}

/// Validates a signal name and numbers it: `Temperature` → `Temperature#1`, `A#3` stays `A#3`.
///
/// ```
/// use meteaudata_core::naming::numbered_signal_name;
/// assert_eq!(numbered_signal_name("Temperature").unwrap(), "Temperature#1");
/// assert_eq!(numbered_signal_name("A#3").unwrap(), "A#3");
/// assert!(numbered_signal_name("my_sig").is_err());
/// assert!(numbered_signal_name("A#1#2").is_err());
/// ```
pub fn numbered_signal_name(name: &str) -> Result<String> {
    let (base, number) = split_number(name);
    validate_base("signal name", base).map_err(|e| match e {
        Error::InvalidName { reason, .. } => Error::invalid_name(name, reason),
        other => other,
    })?;
    Ok(signal_name(base, number.unwrap_or(1)))
}

/// The base of a signal name (`A#2` → `A`).
pub fn signal_base(name: &str) -> &str {
    split_number(name).0
}

/// Validates a custom output name given to `process` (no `_`, no `#`, ...).
pub fn validate_output_name(option: &str, name: &str) -> Result<()> {
    validate_base("name", name).map_err(|e| match e {
        Error::InvalidName { name, reason } => {
            Error::invalid_name(name, format!("{option}: {reason}"))
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_parse_of_every_upstream_form() {
        let cases = [
            ("Temperature#1_RAW#1", "Temperature#1", "RAW", Some(1)),
            ("A#1_RESAMPLED#3", "A#1", "RESAMPLED", Some(3)),
            ("A#1_LIN-INT#1", "A#1", "LIN-INT", Some(1)),
            ("A#1_RESAMPLED", "A#1", "RESAMPLED", None),
            ("_RESAMPLED#1", "", "RESAMPLED", Some(1)),
            ("RAW", "", "RAW", None),
            ("RAW#2", "", "RAW", Some(2)),
            ("A#1_bar_baz#1", "A#1_bar", "baz", Some(1)),
            ("ZZZ#7_CUSTOM#5", "ZZZ#7", "CUSTOM", Some(5)),
            ("A#1_RAW#x", "A#1", "RAW#x", None),
            ("A#1_R#1#2", "A#1", "R#1", Some(2)),
            ("A#1_RAW#+3", "A#1", "RAW#+3", None),
        ];
        for (full, sig, base, n) in cases {
            let p = SeriesName::parse(full);
            assert_eq!(
                (p.signal.as_str(), p.base.as_str(), p.number),
                (sig, base, n),
                "{full}"
            );
        }
    }

    #[test]
    fn validation_messages() {
        for bad in [
            "",
            "a_b",
            "a#b",
            "a/b",
            "a\\b",
            "a\nb",
            "..",
            &"x".repeat(201),
        ] {
            let e = validate_base("signal name", bad).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidName, "{bad:?}");
        }
        for good in [
            "A",
            "LIN-INT",
            "NH4-N",
            "°C probe",
            "x".repeat(200).as_str(),
        ] {
            validate_base("series base", good).unwrap();
        }
        let e = validate_output_name("output_names", "two_hour").unwrap_err();
        assert!(e.to_string().contains("output_names"));
        assert!(e.to_string().contains("'_'"));
    }
}
