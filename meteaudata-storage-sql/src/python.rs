//! Reading what Python meteaudata's SQL adapter wrote: `time_series_metadata` (the metadata
//! dict as JSON) and `time_series_data` (one row per point: `str()` of the index label and the
//! value as a float).

use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array};
use meteaudata_core::metadata::TimeSeriesMetadata;
use meteaudata_core::storage::Stored;
use meteaudata_core::{Error, Index, Result, Series};

use crate::ops::{PyDataRow, PyMetaRow};

/// Python's `json.dumps` writes `NaN`, `Infinity` and `-Infinity` bare, which is not JSON;
/// YAML reads JSON once those are spelled the YAML way.
fn python_json_to_yaml(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            // JSON leaves these raw inside strings; YAML reads them as line breaks.
            match c {
                '\u{2028}' | '\u{2029}' | '\u{85}' if !escaped => {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                    rest = &rest[c.len_utf8()..];
                    continue;
                }
                _ => {}
            }
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        let replaced = [
            ("-Infinity", "-.inf"),
            ("Infinity", ".inf"),
            ("NaN", ".nan"),
        ]
        .into_iter()
        .find(|(word, _)| rest.starts_with(word));
        match replaced {
            Some((word, yaml)) => {
                out.push_str(yaml);
                rest = &rest[word.len()..];
            }
            None => {
                // JSON allows tabs between tokens, YAML flow style does not.
                out.push(if c == '\t' { ' ' } else { c });
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

/// Rebuilds a series stored by Python's SQL adapter under `key`.
pub(crate) fn rebuild(key: &str, meta: PyMetaRow, rows: Vec<PyDataRow>) -> Result<Stored> {
    let corrupt = |message: String| Error::Corrupt {
        location: format!("{key} (Python SQL tables)"),
        message,
    };
    let metadata: TimeSeriesMetadata =
        serde_yaml::from_str(&python_json_to_yaml(&meta.metadata_json))
            .map_err(|e| corrupt(format!("unreadable metadata_json: {e}")))?;
    let labels: Vec<Option<&str>> = rows.iter().map(|r| r.index_value.as_deref()).collect();
    let index = match &metadata.index_metadata {
        Some(im) => Index::from_text_labels(im, &labels)?,
        None => Index::range(rows.len()),
    };
    let dtype = metadata.values_dtype.to_ascii_lowercase();
    let values: ArrayRef = if dtype.starts_with("int") || dtype.starts_with("uint") {
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(match r.value {
                Some(x) if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 => Some(x as i64),
                Some(x) => return Err(corrupt(format!("{x} is not an integer value"))),
                None => None,
            });
        }
        Arc::new(Int64Array::from(out))
    } else if dtype.starts_with("bool") {
        Arc::new(BooleanArray::from(
            rows.iter()
                .map(|r| r.value.map(|x| x != 0.0))
                .collect::<Vec<_>>(),
        ))
    } else {
        // pandas reads NULL as NaN.
        Arc::new(Float64Array::from(
            rows.iter()
                .map(|r| r.value.unwrap_or(f64::NAN))
                .collect::<Vec<_>>(),
        ))
    };
    let series = Series::new(meta.series_name.unwrap_or_default(), index, values)?;
    Ok((series, metadata))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_separators_in_strings_stay_text() {
        let json = "{\"a\": \"x\u{2028}y\u{85}z\u{2029}\", \"b\": NaN}";
        let yaml = python_json_to_yaml(json);
        let v: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        assert_eq!(v["a"].as_str(), Some("x\u{2028}y\u{85}z\u{2029}"));
        assert!(v["b"].as_f64().unwrap().is_nan());
    }

    #[test]
    fn python_json_specials() {
        let t = r#"{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN\"Infinity"}"#;
        assert_eq!(
            python_json_to_yaml(t),
            r#"{"a": .nan, "b": [.inf, -.inf], "c": "NaN\"Infinity"}"#
        );
    }
}
