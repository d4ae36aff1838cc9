//! What Python meteaudata records about a series' index.

use serde::{Deserialize, Serialize};

use crate::ParameterValue;

/// The description of an index that metadata files carry, field for field as Python writes it.
///
/// `type` is the pandas class name (`DatetimeIndex`, `RangeIndex`, `Index`, `PeriodIndex`,
/// `CategoricalIndex`, `TimedeltaIndex`, ...); `end` of a range is exclusive. Build one from an
/// [`Index`](crate::Index) with [`Index::metadata`](crate::Index::metadata).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexMetadata {
    /// pandas index class name.
    #[serde(rename = "type")]
    pub index_type: String,
    /// Index name.
    #[serde(default)]
    pub name: Option<String>,
    /// Frequency alias (`h`, `15min`, `D`, ...).
    #[serde(default)]
    pub frequency: Option<String>,
    /// Zone of a datetime index (`UTC`, `America/Toronto`, `UTC-05:00`).
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Interval closure (`left`, `right`, `both`, `neither`).
    #[serde(default)]
    pub closed: Option<String>,
    /// Categories of a categorical index.
    #[serde(default)]
    pub categories: Option<Vec<ParameterValue>>,
    /// Whether the categories are ordered.
    #[serde(default)]
    pub ordered: Option<bool>,
    /// Range start.
    #[serde(default)]
    pub start: Option<i64>,
    /// Range stop (exclusive).
    #[serde(default)]
    pub end: Option<i64>,
    /// Range step.
    #[serde(default)]
    pub step: Option<i64>,
    /// pandas dtype string (`datetime64[ns]`, `int64`, `str`, ...).
    pub dtype: String,
}

impl IndexMetadata {
    /// The time unit of a datetime or duration dtype (`us` in `datetime64[us, UTC]`); `None`
    /// for other dtypes. pandas 3 makes microsecond indexes by default; the engine holds
    /// nanoseconds, and this is the unit to give back.
    ///
    /// ```
    /// use meteaudata_core::{Index, IndexMetadata};
    /// let mut m = Index::datetime_nanos(vec![0], None).metadata();
    /// assert_eq!(m.time_unit(), Some("ns"));
    /// m.dtype = "datetime64[us, Europe/Paris]".into();
    /// assert_eq!(m.time_unit(), Some("us"));
    /// m.dtype = "int64".into();
    /// assert_eq!(m.time_unit(), None);
    /// ```
    pub fn time_unit(&self) -> Option<&str> {
        let rest = self
            .dtype
            .strip_prefix("datetime64[")
            .or_else(|| self.dtype.strip_prefix("timedelta64["))?;
        let unit = rest.split([',', ']']).next()?.trim();
        (!unit.is_empty()).then_some(unit)
    }
}
