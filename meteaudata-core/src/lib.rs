//! # meteaudata-core
//!
//! The model of meteaudata: environmental time series that carry their full provenance and
//! processing history, so that every derived series can say exactly how it was made.
//!
//! * A [`Dataset`] holds [`Signal`]s (one measured quantity each: `CODa#1`).
//! * A [`Signal`] holds [`TimeSeries`] keyed by full name (`CODa#1_RAW#1`,
//!   `CODa#1_RESAMPLED#1`), plus units and [`DataProvenance`].
//! * A [`TimeSeries`] is a [`Series`] (Arrow arrays: an [`Index`] and values) with its
//!   [`ProcessingStep`]s, each naming its function ([`FunctionInfo`]), [`Parameters`] and
//!   exact inputs.
//!
//! Names follow one grammar everywhere ([`naming`]). Processing goes through
//! [`Signal::process`] (univariate [`Transform`]s) and [`Dataset::process`] (multivariate
//! [`DatasetTransform`]s); both record cumulative, de-duplicated history with exact input names.
//! Metadata reads and writes the YAML Python meteaudata 0.12.1 uses ([`metadata`]) and a
//! lossless JSON form ([`json`]).
//!
//! ## A first signal, processed
//!
//! ```
//! use meteaudata_core::*;
//! use chrono::{NaiveDate, TimeDelta};
//!
//! // Raw data: three hourly readings, one missing.
//! let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
//! let index = Index::date_range(start, 3, TimeDelta::hours(1), None)?.with_frequency("h");
//! let raw = Series::from_f64("RAW", index, vec![20.5, f64::NAN, 21.0])?;
//!
//! let mut signal = Signal::new("Temperature", "°C")?
//!     .with_provenance(DataProvenance { parameter: Some("Temperature".into()), ..Default::default() })
//!     .with_series(raw)?;
//! assert_eq!(signal.all_time_series(), ["Temperature#1_RAW#1"]);
//!
//! // Any closure with the right shape is a transform: here, fill missing values with 0.
//! let fill = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
//!     let s = &inputs[0];
//!     let vals: Vec<f64> = s.f64_values().unwrap().iter()
//!         .map(|v| v.filter(|x| !x.is_nan()).unwrap_or(0.0)).collect();
//!     let step = ProcessingStep::new(ProcessingType::GapFilling, "fill with zero",
//!         FunctionInfo::new("fill_zero", "1.0", "docs", "-"), "FILLED")
//!         .with_parameters(Parameters::new().with("value", 0.0));
//!     Ok(vec![TransformOutput::new(Series::from_f64("FILLED", s.index().clone(), vals)?, step)])
//! };
//! let out = signal.process(&["Temperature#1_RAW#1"], &fill, ProcessOptions::new())?;
//! assert_eq!(out, ["Temperature#1_FILLED#1"]);
//!
//! let filled = signal.get("Temperature#1_FILLED#1")?;
//! assert_eq!(filled.processing_steps[0].input_series_names, ["Temperature#1_RAW#1"]);
//!
//! // The metadata sidecar Python meteaudata reads.
//! let yaml = signal.metadata().to_yaml()?;
//! assert!(yaml.contains("suffix: FILLED"));
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod content_hash;
mod dataset;
mod error;
pub mod frequency;
mod function_info;
mod index;
mod index_metadata;
mod index_ops;
mod index_text;
pub mod json;
mod lineage;
pub mod metadata;
pub mod naming;
mod parameters;
mod process;
mod processing_step;
mod processing_type;
pub mod prov;
mod provenance;
mod series;
mod series_ops;
mod signal;
mod signal_stream;
pub use signal_stream::SeriesInProgress;
pub mod storage;
pub mod streaming;
mod time_series;
mod timestamp;
mod tz;
mod yaml_writer;

pub use content_hash::{ContentHash, ContentHasher};
pub use dataset::{validate_dataset_name, Dataset};
pub use error::{Error, ErrorKind, Result};
pub use frequency::{Frequency, FrequencyUnit};
pub use function_info::FunctionInfo;
pub use index::{range_label, Index, IndexData};
pub use index_metadata::IndexMetadata;
pub use index_text::{parse_float, parse_timedelta};
pub use parameters::{NdArray, ParameterValue, Parameters};
pub use process::{
    DatasetProcessOptions, DatasetTransform, ProcessOptions, ProgressHook, Streaming, Transform,
    TransformOutput,
};
pub use processing_step::{PinnedInput, ProcessingStep, StepPins};
pub use processing_type::ProcessingType;
pub use provenance::DataProvenance;
pub use series::{batch_keys, dtype_name, index_batch_metadata, Series};
pub use signal::Signal;
pub use time_series::TimeSeries;
pub use timestamp::MetaTime;
pub use tz::{naive_to_nanos, nanos_to_naive, TimeZone, Timestamp};

/// Re-export of the Arrow array crate the model is built on.
pub use arrow_array;
/// Re-export of the Arrow schema crate.
pub use arrow_schema;
/// Re-export of chrono.
pub use chrono;
