//! The stored description of a series' types: what the point columns alone cannot say
//! (index kind, name, frequency, zone, range bounds, categories, value type), kept as JSON in
//! the series row.

use meteaudata_core::{Error, Result, Series};
use serde::{Deserialize, Serialize};

/// The kind of an index, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum IndexKind {
    Datetime,
    Range,
    Int,
    Float,
    String,
    Categorical,
    Timedelta,
    Period,
}

impl IndexKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            IndexKind::Datetime => "datetime",
            IndexKind::Range => "range",
            IndexKind::Int => "int",
            IndexKind::Float => "float",
            IndexKind::String => "string",
            IndexKind::Categorical => "categorical",
            IndexKind::Timedelta => "timedelta",
            IndexKind::Period => "period",
        }
    }

    /// Whether labels of this kind are text (the `label` column).
    pub(crate) fn uses_text(self) -> bool {
        matches!(self, IndexKind::String | IndexKind::Period)
    }
}

/// The kind of the values, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ValueKind {
    Float64,
    Float32,
    Int64,
    Int32,
    Bool,
    Utf8,
    Timestamp,
    Category,
}

/// What the point columns cannot say about the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct IndexLayout {
    pub kind: IndexKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    /// Zone of a datetime index, Python notation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    /// `[start, stop, step]` of a range index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<[i64; 3]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Option<String>>>,
}

/// What the point columns cannot say about the values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ValueLayout {
    pub kind: ValueKind,
    /// Arrow zone string of timestamp values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<Option<String>>>,
}

/// The stored description of a series' types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Layout {
    pub index: IndexLayout,
    pub values: ValueLayout,
}

impl Layout {
    pub(crate) fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::parse("series layout", e))
    }

    pub(crate) fn from_json(location: &str, text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::Corrupt {
            location: location.to_string(),
            message: format!("unreadable layout {text:?}: {e}"),
        })
    }
}

/// The layout after appending `more` (encoded as `add`) to a series stored with `stored`, or
/// `None` when the rows cannot simply be added (categories, whose dictionaries merge), in which
/// case the caller rewrites the whole series. Kinds that do not fit are an error, as in
/// [`Series::append`].
pub(crate) fn appended_layout(
    stored: &Layout,
    add: &Layout,
    more: &Series,
) -> Result<Option<Layout>> {
    let mismatch =
        || Error::invalid_input("cannot append a series with another index kind or zone");
    if stored.values.kind != add.values.kind || stored.values.tz != add.values.tz {
        return Err(Error::invalid_input(format!(
            "cannot append {} values to a series of {:?} values",
            more.values().data_type(),
            stored.values.kind
        )));
    }
    if stored.values.kind == ValueKind::Category
        || stored.index.kind == IndexKind::Categorical
        || add.index.kind == IndexKind::Categorical
    {
        return Ok(None);
    }
    let mut out = stored.clone();
    use IndexKind::*;
    match (stored.index.kind, add.index.kind) {
        (Range, Range) => {
            let ([start, stop, step], [s2, e2, st2]) = (
                stored.index.range.unwrap_or([0, 0, 1]),
                add.index.range.unwrap_or([0, 0, 1]),
            );
            if stop == s2 && (step == st2 || more.is_empty()) {
                out.index.range = Some([start, if more.is_empty() { stop } else { e2 }, step]);
            } else {
                out.index.kind = Int;
                out.index.range = None;
            }
        }
        (Range | Int, Range | Int) => {
            out.index.kind = Int;
            out.index.range = None;
        }
        (Datetime, Datetime) if stored.index.tz == add.index.tz => {}
        (a, b) if a == b && a != Datetime => {}
        _ => return Err(mismatch()),
    }
    Ok(Some(out))
}
