//! The chunk-by-chunk forms of the univariate built-ins ([`StreamTransform`]), used by
//! [`Signal::process`](meteaudata_core::Signal::process) on stored series. Each gives, for every
//! chunking of its input, the chunks of the in-memory result and the same recorded step:
//!
//! | built-in | state carried across chunk edges | streams |
//! |---|---|---|
//! | [`Resample`] | the open bin (sum, count), the grid | sorted indexes without NaT; otherwise a clear error |
//! | [`LinearInterpolation`] | the last valid value and its position; the NaN run after it | every input (the open NaN run is held until it ends) |
//! | [`Subset`] | the position (by position) | by label always; by position when neither bound is negative |
//! | [`ReplaceRanges`] | none | float values (integers may change type, computed in memory) |
//! | [`PredictFromPreviousPoint`] | none | every input |
//! | [`NormalizeIndexToNumericDelta`] | the reference instant | every input |
//!
//! Memory stays at about one chunk, except for interpolation, which holds a run of missing
//! values until the next valid value (or the end) decides how to fill it.
//!
//! ```
//! use meteaudata_core::storage::{SeriesScan, TimeRange};
//! use meteaudata_core::streaming::{run_chunks, StreamInput, StreamTransform};
//! use meteaudata_core::{Index, Series, Transform, TimeSeries};
//! use meteaudata_processing::LinearInterpolation;
//!
//! let nan = f64::NAN;
//! let raw = Series::from_f64("A#1_RAW#1", Index::datetime_nanos((0..6).collect(), None),
//!     vec![1.0, nan, nan, nan, 5.0, nan])?;
//! let whole = LinearInterpolation.apply(&[raw.clone()])?;
//!
//! // The same, two points at a time: the NaN run spans three chunks.
//! let meta = TimeSeries::new(raw.clone()).metadata();
//! let names = ["A#1_RAW#1".to_string()];
//! let input = StreamInput { name: "A#1_RAW#1", all_inputs: &names, values_dtype: "float64" };
//! let processor = LinearInterpolation.start(&input)?.expect("floats stream");
//! let mut chunks = Vec::new();
//! let steps = run_chunks(processor, SeriesScan::from_series(raw, meta, TimeRange::default(), 2)?,
//!     |c| { chunks.push(c); Ok(()) })?;
//! let mut joined = chunks[0].clone();
//! for c in &chunks[1..] { joined = joined.append(c)?; }
//! assert_eq!(joined, whole[0].series);
//! // The same step (but for the time it ran).
//! assert_eq!(steps[0].suffix, whole[0].steps[0].suffix);
//! assert_eq!(steps[0].input_series_names, whole[0].steps[0].input_series_names);
//! # Ok::<(), meteaudata_core::Error>(())
//! ```

use arrow_array::{Array, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array};
use meteaudata_core::streaming::{ChunkProcessor, StreamInput, StreamTransform};
use meteaudata_core::{Error, IndexData, ProcessingStep, Result, Series, Timestamp};
use std::sync::Arc;

use crate::common::{output_name, require_time_index};
use crate::interpolate::{input_values, interpolate_in_place, output_values, Gap};
use crate::normalize::NormalizeIndexToNumericDelta;
use crate::subset::{subset_series, Mode};
#[allow(unused_imports)] // Resample: named by the module docs
use crate::{LinearInterpolation, PredictFromPreviousPoint, ReplaceRanges, Resample, Subset};

type Emit<'a> = &'a mut dyn FnMut(Series) -> Result<()>;

/// A kernel that maps each chunk on its own (no state), with the output name and step.
struct PerChunk<K> {
    kernel: K,
    name: String,
    step: ProcessingStep,
}

impl<K> PerChunk<K> {
    fn boxed(kernel: K, input: &StreamInput<'_>, suffix: &str, step: ProcessingStep) -> Box<Self> {
        Box::new(PerChunk {
            kernel,
            name: output_name(input.name, suffix),
            step: step.with_inputs(input.all_inputs.iter().cloned()),
        })
    }
}

impl<K: Fn(&Series) -> Result<Series> + Send> ChunkProcessor for PerChunk<K> {
    fn push(&mut self, chunk: &Series, emit: Emit<'_>) -> Result<()> {
        emit((self.kernel)(chunk)?.with_name(self.name.as_str()))
    }

    fn finish(self: Box<Self>, _emit: Emit<'_>) -> Result<Vec<ProcessingStep>> {
        Ok(vec![self.step])
    }
}

impl StreamTransform for PredictFromPreviousPoint {
    fn start(&self, input: &StreamInput<'_>) -> Result<Option<Box<dyn ChunkProcessor>>> {
        let kernel = |s: &Series| {
            require_time_index(s, "predict_from_previous_point")?;
            Ok(s.clone())
        };
        Ok(Some(PerChunk::boxed(
            kernel,
            input,
            crate::predict::SUFFIX,
            self.step(),
        )))
    }
}

impl StreamTransform for ReplaceRanges {
    fn start(&self, input: &StreamInput<'_>) -> Result<Option<Box<dyn ChunkProcessor>>> {
        // Integer values become floats only when the whole series needs it: in memory.
        if !matches!(input.values_dtype, "float64" | "float32") {
            return Ok(None);
        }
        let this = self.clone();
        let kernel = move |s: &Series| {
            if !matches!(
                s.values().data_type(),
                meteaudata_core::arrow_schema::DataType::Float64
                    | meteaudata_core::arrow_schema::DataType::Float32
            ) {
                return Err(Error::invalid_input(format!(
                    "replace_ranges: series {:?} is recorded as floats but holds {} values",
                    s.name(),
                    s.values_dtype()
                )));
            }
            crate::replace_series(s, &this)
        };
        Ok(Some(PerChunk::boxed(
            kernel,
            input,
            crate::replace::SUFFIX,
            self.step(),
        )))
    }
}

impl StreamTransform for Subset {
    fn start(&self, input: &StreamInput<'_>) -> Result<Option<Box<dyn ChunkProcessor>>> {
        let step = self.step().with_inputs(input.all_inputs.iter().cloned());
        let name = output_name(input.name, crate::subset::SUFFIX);
        match self.mode() {
            Mode::Label(..) => {
                let this = self.clone();
                let kernel = move |s: &Series| subset_series(s, &this);
                Ok(Some(Box::new(PerChunk { kernel, name, step })))
            }
            Mode::Position(s, e) => {
                if s.is_some_and(|p| p < 0) || e.is_some_and(|p| p < 0) {
                    // Counted from the end: the length must be known first.
                    return Ok(None);
                }
                let lo = s.map_or(0, |p| p as u64);
                let hi = e.map_or(u64::MAX, |p| p as u64);
                Ok(Some(Box::new(PositionChunks {
                    lo,
                    hi,
                    at: 0,
                    name,
                    step,
                })))
            }
        }
    }
}

/// A positional subset `[lo, hi)` over the global positions of the chunks.
struct PositionChunks {
    lo: u64,
    hi: u64,
    at: u64,
    name: String,
    step: ProcessingStep,
}

impl ChunkProcessor for PositionChunks {
    fn push(&mut self, chunk: &Series, emit: Emit<'_>) -> Result<()> {
        require_time_index(chunk, "subset")?;
        let start = self.at;
        let end = start + chunk.len() as u64;
        self.at = end;
        let a = self.lo.clamp(start, end);
        let b = self.hi.clamp(a, end);
        let out = chunk.slice((a - start) as usize, (b - a) as usize);
        emit(out.with_name(self.name.as_str()))
    }

    fn finish(self: Box<Self>, _emit: Emit<'_>) -> Result<Vec<ProcessingStep>> {
        Ok(vec![self.step])
    }
}

impl StreamTransform for NormalizeIndexToNumericDelta {
    fn start(&self, input: &StreamInput<'_>) -> Result<Option<Box<dyn ChunkProcessor>>> {
        Ok(Some(Box::new(NormalizeChunks {
            base: self.clone(),
            fixed: None,
            step: None,
            name: output_name(input.name, crate::normalize::SUFFIX),
            input: input.name.to_string(),
        })))
    }
}

/// What the first chunk decided about the reference of a normalisation.
enum Reference {
    /// Every later chunk is measured from this instant (the first one's first label, or the
    /// given reference).
    At(NormalizeIndexToNumericDelta),
    /// The first label is NaT: every value is NaN, as in memory.
    Missing,
}

struct NormalizeChunks {
    base: NormalizeIndexToNumericDelta,
    fixed: Option<Reference>,
    step: Option<ProcessingStep>,
    name: String,
    input: String,
}

impl ChunkProcessor for NormalizeChunks {
    fn push(&mut self, chunk: &Series, emit: Emit<'_>) -> Result<()> {
        let out = match &self.fixed {
            None => {
                let (out, params) = self.base.normalize_series(chunk)?;
                self.step = Some(
                    self.base
                        .step(chunk.index(), params)
                        .with_inputs([self.input.as_str()]),
                );
                self.fixed = Some(match chunk.index().data() {
                    IndexData::DateTime { values, tz } if !values.is_empty() => {
                        if values.is_null(0) && !self.base.has_reference() {
                            Reference::Missing
                        } else if self.base.has_reference() {
                            Reference::At(self.base.clone())
                        } else {
                            Reference::At(self.base.with_fixed_reference(Timestamp {
                                nanos: values.value(0),
                                tz: *tz,
                            }))
                        }
                    }
                    _ => Reference::At(self.base.clone()),
                });
                out
            }
            Some(Reference::At(n)) => n.normalize_series(chunk)?.0,
            Some(Reference::Missing) => {
                let (out, _) = self.base.normalize_series(chunk)?;
                let nan = Float64Array::from(vec![f64::NAN; out.len()]);
                let mut index = meteaudata_core::Index::new(IndexData::Float(nan))?;
                index.set_name(out.index().name().map(str::to_string));
                Series::new(out.name(), index, Arc::clone(out.values()))?
            }
        };
        emit(out.with_name(self.name.as_str()))
    }

    fn finish(self: Box<Self>, _emit: Emit<'_>) -> Result<Vec<ProcessingStep>> {
        let step = self.step.ok_or_else(|| {
            Error::invalid_input(format!("{}: no chunk to normalise", self.input))
        })?;
        Ok(vec![step])
    }
}

impl StreamTransform for LinearInterpolation {
    fn start(&self, input: &StreamInput<'_>) -> Result<Option<Box<dyn ChunkProcessor>>> {
        let unchanged = matches!(input.values_dtype, "int64" | "int32" | "bool");
        Ok(Some(Box::new(InterpolateChunks {
            unchanged,
            last: None,
            held: Vec::new(),
            name: output_name(input.name, crate::interpolate::SUFFIX),
            step: self.step().with_inputs(input.all_inputs.iter().cloned()),
        })))
    }
}

/// Linear interpolation by position across chunks: a chunk is emitted up to its last valid
/// value; the NaN run after it is held until a valid value ends it (then it is filled on the
/// line between the two) or the series ends (then it takes the last value).
struct InterpolateChunks {
    /// Integers or booleans without missing values: returned unchanged.
    unchanged: bool,
    /// The last valid value and the number of held points after it.
    last: Option<f64>,
    /// Held chunks (index and NaN values) after the last valid value.
    held: Vec<Series>,
    name: String,
    step: ProcessingStep,
}

impl InterpolateChunks {
    /// Emits every held chunk, filled with `fill(k)` for the k-th held point (1-based).
    fn release(&mut self, fill: &dyn Fn(usize) -> f64, emit: Emit<'_>) -> Result<()> {
        let mut k = 0;
        for chunk in std::mem::take(&mut self.held) {
            let float32 = chunk.values().as_any().is::<Float32Array>();
            let values: Vec<f64> = (0..chunk.len())
                .map(|_| {
                    k += 1;
                    fill(k)
                })
                .collect();
            let out = Series::new(
                self.name.as_str(),
                chunk.index().clone(),
                output_values(values, float32),
            )?;
            emit(out)?;
        }
        Ok(())
    }

    fn held_points(&self) -> usize {
        self.held.iter().map(Series::len).sum()
    }
}

impl ChunkProcessor for InterpolateChunks {
    fn push(&mut self, chunk: &Series, emit: Emit<'_>) -> Result<()> {
        require_time_index(chunk, "linear_interpolation")?;
        let v = chunk.values();
        if self.unchanged {
            let plain = v.as_any().is::<Int64Array>()
                || v.as_any().is::<Int32Array>()
                || v.as_any().is::<BooleanArray>();
            if !plain || v.null_count() > 0 {
                return Err(Error::invalid_input(format!(
                    "linear_interpolation: series {:?} is recorded without missing values but holds {} values with {} missing",
                    chunk.name(),
                    chunk.values_dtype(),
                    v.null_count()
                )));
            }
            return emit(chunk.clone().with_name(self.name.as_str()));
        }
        let float32 = v.as_any().is::<Float32Array>();
        let values = input_values(chunk)?;
        let first = values.iter().position(|x| !x.is_nan());
        let Some(first) = first else {
            // No valid value: leading NaN stays NaN; after a valid value, held.
            if self.last.is_some() {
                self.held.push(chunk.clone());
                return Ok(());
            }
            return emit(Series::new(
                self.name.as_str(),
                chunk.index().clone(),
                output_values(values.into_owned(), float32),
            )?);
        };
        let last_valid = values.iter().rposition(|x| !x.is_nan()).unwrap_or(first);
        let mut out = values.into_owned();
        if let Some(y0) = self.last {
            // One gap: the last valid value, the held points, this chunk's leading NaN, then
            // `out[first]`.
            let held = self.held_points();
            let gap = Gap::new(y0, out[first], held + first + 1);
            self.release(&|k| gap.at(k), emit)?;
            for (j, slot) in out.iter_mut().enumerate().take(first) {
                *slot = gap.at(held + 1 + j);
            }
        }
        interpolate_in_place(&mut out[first..=last_valid]);
        self.last = Some(out[last_valid]);
        let n = chunk.len();
        out.truncate(last_valid + 1);
        let head = chunk.index().slice(0, last_valid + 1);
        emit(Series::new(
            self.name.as_str(),
            head,
            output_values(out, float32),
        )?)?;
        if last_valid + 1 < n {
            self.held
                .push(chunk.slice(last_valid + 1, n - last_valid - 1));
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, emit: Emit<'_>) -> Result<Vec<ProcessingStep>> {
        if let Some(y) = self.last {
            self.release(&|_| y, emit)?;
        }
        Ok(vec![self.step])
    }
}
