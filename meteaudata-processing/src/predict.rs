//! `predict_from_previous_point()`: the naive forecast "the next value equals this one".
//!
//! The data are returned unchanged; the prediction lives in the metadata: the step records
//! `step_distance = 1`, meaning that the value stored at time *t* is the forecast for the next
//! time step (plots shift such series forward by one period).
//!
//! ```
//! use meteaudata_core::{Index, Series, Transform};
//! use meteaudata_processing::PredictFromPreviousPoint;
//! let raw = Series::from_f64("A#1_RAW#1", Index::datetime_nanos(vec![0, 10], None), vec![1.0, 2.0])?;
//! let out = PredictFromPreviousPoint.apply(&[raw.clone()])?;
//! assert_eq!(out[0].series.values(), raw.values());
//! assert_eq!(out[0].steps[0].step_distance, 1);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use meteaudata_core::{
    Parameters, ProcessingStep, ProcessingType, Result, Series, Transform, TransformOutput,
};

use crate::common::per_input;
use crate::common::{builtin_info, require_time_index};

/// Suffix of predicted series.
pub const SUFFIX: &str = "PREV-PRED";
const DESCRIPTION: &str =
    "A simple processing function that predicts the next point in a series using the last point";

/// The `predict_from_previous_point` built-in (see the [module docs](self)).
///
/// Records a [`ProcessingType::Prediction`] step with suffix `PREV-PRED`, an empty parameter
/// record and `step_distance = 1`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PredictFromPreviousPoint;

impl PredictFromPreviousPoint {
    /// The step recorded (before its inputs are named).
    pub(crate) fn step(&self) -> ProcessingStep {
        ProcessingStep::new(
            ProcessingType::Prediction,
            DESCRIPTION,
            builtin_info("Previous point prediction"),
            SUFFIX,
        )
        .with_parameters(Parameters::new())
        .with_step_distance(1)
    }
}

impl Transform for PredictFromPreviousPoint {
    fn streaming(&self) -> Option<&dyn meteaudata_core::streaming::StreamTransform> {
        Some(self)
    }

    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
        per_input(inputs, self.step(), SUFFIX, |s| {
            require_time_index(s, "predict_from_previous_point")?;
            Ok(s.clone())
        })
    }
}
