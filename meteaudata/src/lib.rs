//! # meteaudata
//!
//! Provenance and processing-history tracking for environmental time series (water-quality
//! sensors, treatment plants), so that data pipelines are repeatable. This is the crate users
//! depend on: it re-exports the model of [`meteaudata-core`](meteaudata_core) and, as they land,
//! the built-in transforms, the storage backends (one feature each) and the command-line tool.
//!
//! Files it writes are read by Python meteaudata 0.12.1, and the reverse.
//!
//! ```
//! use meteaudata::*;
//!
//! let raw = Series::from_f64("RAW", Index::range(3), vec![1.0, f64::NAN, 3.0])?;
//! let mut signal = Signal::new("NH4-N", "mg/L")?.with_series(raw)?;
//! let keep_finite = |inputs: &[Series]| -> Result<Vec<TransformOutput>> {
//!     let s = &inputs[0];
//!     let v: Vec<f64> = s.f64_values().unwrap().iter().map(|x| x.unwrap_or(0.0)).collect();
//!     let step = ProcessingStep::new(ProcessingType::Filtering, "finite only",
//!         FunctionInfo::new("keep_finite", "1.0", "docs", "-"), "FINITE");
//!     Ok(vec![TransformOutput::new(Series::from_f64("FINITE", s.index().clone(), v)?, step)])
//! };
//! signal.process(&["NH4-N#1_RAW#1"], &keep_finite, ProcessOptions::new())?;
//! assert_eq!(signal.all_time_series(), ["NH4-N#1_RAW#1", "NH4-N#1_FINITE#1"]);
//! # Ok::<(), Error>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use meteaudata_core::*;
