//! One step of a time series' processing history.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::{FunctionInfo, MetaTime, Parameters, ProcessingType};

/// One operation in a time series' history: what was done, by which function, with which
/// parameters, on which inputs.
///
/// Lineage is carried by `input_series_names`: the exact full names of the series the step read.
/// Equality compares every field (including `run_datetime`), which is what history
/// de-duplication relies on.
///
/// ```
/// use meteaudata_core::{ProcessingStep, ProcessingType, FunctionInfo};
/// let step = ProcessingStep::new(
///     ProcessingType::Smoothing,
///     "rolling mean",
///     FunctionInfo::new("smooth", "1.0", "me", "notes"),
///     "SMOOTH",
/// )
/// .with_inputs(["A#1_RAW#1"]);
/// assert_eq!(step.input_series_names, vec!["A#1_RAW#1".to_string()]);
/// assert!(step.to_string().contains("using function `smooth`"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcessingStep {
    /// Kind of operation.
    #[serde(rename = "type")]
    pub step_type: ProcessingType,
    /// Free-text description.
    pub description: String,
    /// When it ran.
    pub run_datetime: MetaTime,
    /// Whether the result needs calibration.
    pub requires_calibration: bool,
    /// The function that ran.
    pub function_info: FunctionInfo,
    /// Its parameters; `None` is written as `null`, an empty record as `{}`.
    #[serde(default)]
    pub parameters: Option<Parameters>,
    /// Time-step shift of the result relative to its input (positive: a forecast).
    #[serde(default)]
    pub step_distance: i64,
    /// Short operation label used to name outputs (`RESAMPLED`, `LIN-INT`, ...).
    pub suffix: String,
    /// Exact full names of the inputs.
    #[serde(default)]
    pub input_series_names: Vec<String>,
    /// What this library records beside Python's fields: the content hash of each input
    /// when the step ran. Written under the key `meteaudata_rs`, which Python meteaudata
    /// ignores; absent in steps Python made.
    #[serde(
        default,
        rename = "meteaudata_rs",
        skip_serializing_if = "Option::is_none"
    )]
    pub pins: Option<StepPins>,
}

/// The inputs of a step, pinned by content (see [`ProcessingStep::pins`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepPins {
    /// One entry per input, in the order of `input_series_names`.
    pub inputs: Vec<PinnedInput>,
}

/// An input of a step, the content hash it had when the step ran and, when it was stored
/// then, the version of its key with that content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedInput {
    /// The input's full name (`Flow#1_RAW#1`).
    pub name: String,
    /// Its [`ContentHash`](crate::ContentHash) then.
    pub hash: crate::ContentHash,
    /// The newest stored version of the input's key with that hash, when the input was
    /// attached to a backend with versions (absent otherwise, and in steps made before
    /// versions were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
}

impl PinnedInput {
    /// Input `name` with content `hash`: its version is the newest version of `ts`'s key (if
    /// `ts` is attached to a backend with versions) whose hash is `hash`.
    pub(crate) fn of(name: &str, hash: crate::ContentHash, ts: Option<&crate::TimeSeries>) -> Self {
        PinnedInput {
            name: name.to_string(),
            hash,
            version: ts.and_then(|ts| ts.stored_version(&hash)),
        }
    }
}

impl ProcessingStep {
    /// A step run now, with no parameters, no inputs and `step_distance` 0.
    pub fn new(
        step_type: ProcessingType,
        description: impl Into<String>,
        function_info: FunctionInfo,
        suffix: impl Into<String>,
    ) -> Self {
        ProcessingStep {
            step_type,
            description: description.into(),
            run_datetime: MetaTime::now(),
            requires_calibration: false,
            function_info,
            parameters: None,
            step_distance: 0,
            suffix: suffix.into(),
            input_series_names: Vec::new(),
            pins: None,
        }
    }

    /// Sets the parameters.
    pub fn with_parameters(mut self, parameters: Parameters) -> Self {
        self.parameters = Some(parameters);
        self
    }

    /// Sets the input names.
    pub fn with_inputs<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.input_series_names = names.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the step distance.
    pub fn with_step_distance(mut self, distance: i64) -> Self {
        self.step_distance = distance;
        self
    }

    /// Pins the inputs this step names to `pins` (one per input, by name), unless it is
    /// pinned already; a step naming an input without a pin stays unpinned.
    pub(crate) fn pin(&mut self, pins: &[PinnedInput]) {
        if self.pins.is_some() || self.input_series_names.is_empty() {
            return;
        }
        let inputs: Option<Vec<PinnedInput>> = self
            .input_series_names
            .iter()
            .map(|n| pins.iter().find(|p| &p.name == n).cloned())
            .collect();
        self.pins = inputs.map(|inputs| StepPins { inputs });
    }

    /// Sets `requires_calibration`.
    pub fn with_calibration(mut self, requires: bool) -> Self {
        self.requires_calibration = requires;
        self
    }
}

impl fmt::Display for ProcessingStep {
    /// `Processed ['A#1_RAW#1'] on 2024-01-01 00:00:00 using function `resample`. Result has suffix RESAMPLED`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inputs: Vec<String> = self
            .input_series_names
            .iter()
            .map(|n| format!("'{n}'"))
            .collect();
        write!(
            f,
            "Processed [{}] on {} using function `{}`. Result has suffix {}",
            inputs.join(", "),
            self.run_datetime.naive_local().format("%Y-%m-%d %H:%M:%S"),
            self.function_info.name,
            self.suffix
        )
    }
}
