//! Where a signal's data came from.

use serde::{Deserialize, Serialize};

/// Where a signal's data came from: repository, project, location, equipment, measured parameter,
/// purpose, and an external metadata id.
///
/// Field names and order are those of Python meteaudata. [`DataProvenance::default`] leaves every
/// field empty (`None`); [`DataProvenance::unknown`] sets them all to `"unknown"`, which is what a
/// Python `Signal` gets when no provenance is given.
///
/// ```
/// use meteaudata_core::DataProvenance;
/// let p = DataProvenance { parameter: Some("COD".into()), ..Default::default() };
/// assert_eq!(p.project, None);
/// assert_eq!(DataProvenance::unknown().location.as_deref(), Some("unknown"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DataProvenance {
    /// Repository or database the data came from.
    #[serde(default)]
    pub source_repository: Option<String>,
    /// Project under which the data was collected.
    #[serde(default)]
    pub project: Option<String>,
    /// Physical location.
    #[serde(default)]
    pub location: Option<String>,
    /// Instrument.
    #[serde(default)]
    pub equipment: Option<String>,
    /// Measured quantity.
    #[serde(default)]
    pub parameter: Option<String>,
    /// Why it was measured.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Key in an external metadata system; storage backends also use it.
    #[serde(default)]
    pub metadata_id: Option<String>,
}

impl DataProvenance {
    /// A provenance whose seven fields are all `"unknown"` (Python's default for a `Signal`).
    pub fn unknown() -> Self {
        let u = || Some("unknown".to_string());
        DataProvenance {
            source_repository: u(),
            project: u(),
            location: u(),
            equipment: u(),
            parameter: u(),
            purpose: u(),
            metadata_id: u(),
        }
    }
}
