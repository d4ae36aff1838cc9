//! The fourteen kinds of processing step, serialised by their string value.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// What kind of operation a [`ProcessingStep`](crate::ProcessingStep) performed.
///
/// Serialised as its lowercase value (`"resampling"`), exactly as Python meteaudata writes it; the
/// variant name (`"RESAMPLING"`) is rejected on input, as upstream does.
///
/// ```
/// use meteaudata_core::ProcessingType;
/// assert_eq!(ProcessingType::GapFilling.as_str(), "gap_filling");
/// assert_eq!("export_rename".parse::<ProcessingType>().unwrap(), ProcessingType::ExportRename);
/// assert!("SMOOTHING".parse::<ProcessingType>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingType {
    /// Sorting of the index.
    Sorting,
    /// Removal of duplicated points.
    RemoveDuplicates,
    /// Smoothing.
    Smoothing,
    /// Filtering.
    Filtering,
    /// Resampling to a new frequency.
    Resampling,
    /// Filling gaps (interpolation, ...).
    GapFilling,
    /// Prediction / forecasting.
    Prediction,
    /// A generic transformation.
    Transformation,
    /// Dimensionality reduction (e.g. averaging several signals).
    DimensionalityReduction,
    /// Fault detection.
    FaultDetection,
    /// Fault identification.
    FaultIdentification,
    /// Fault diagnosis.
    FaultDiagnosis,
    /// A column renamed on export (written into archives only).
    ExportRename,
    /// Anything else.
    Other,
}

impl ProcessingType {
    /// All fourteen values, in upstream declaration order.
    pub const ALL: [ProcessingType; 14] = [
        ProcessingType::Sorting,
        ProcessingType::RemoveDuplicates,
        ProcessingType::Smoothing,
        ProcessingType::Filtering,
        ProcessingType::Resampling,
        ProcessingType::GapFilling,
        ProcessingType::Prediction,
        ProcessingType::Transformation,
        ProcessingType::DimensionalityReduction,
        ProcessingType::FaultDetection,
        ProcessingType::FaultIdentification,
        ProcessingType::FaultDiagnosis,
        ProcessingType::ExportRename,
        ProcessingType::Other,
    ];

    /// The serialised value (`"gap_filling"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessingType::Sorting => "sorting",
            ProcessingType::RemoveDuplicates => "remove_duplicates",
            ProcessingType::Smoothing => "smoothing",
            ProcessingType::Filtering => "filtering",
            ProcessingType::Resampling => "resampling",
            ProcessingType::GapFilling => "gap_filling",
            ProcessingType::Prediction => "prediction",
            ProcessingType::Transformation => "transformation",
            ProcessingType::DimensionalityReduction => "dimensionality_reduction",
            ProcessingType::FaultDetection => "fault_detection",
            ProcessingType::FaultIdentification => "fault_identification",
            ProcessingType::FaultDiagnosis => "fault_diagnosis",
            ProcessingType::ExportRename => "export_rename",
            ProcessingType::Other => "other",
        }
    }
}

impl fmt::Display for ProcessingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProcessingType {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ProcessingType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                Error::parse(
                    "processing type",
                    format!(
                        "{s:?} is not one of {}",
                        ProcessingType::ALL.map(|t| t.as_str()).join(", ")
                    ),
                )
            })
    }
}
