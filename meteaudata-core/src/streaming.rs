//! Streaming transforms: a univariate transform that can also run chunk by chunk, so that
//! [`Signal::process`](crate::Signal::process) can read a stored series from its backend and
//! write the result back without ever holding either whole.
//!
//! A transform opts in by returning itself from [`Transform::streaming`](crate::Transform::streaming)
//! and implementing [`StreamTransform`]: for each input it starts a [`ChunkProcessor`], which
//! receives the input's chunks in stored order, emits output chunks whenever it can, carries
//! whatever state spans chunk edges, and at the end returns the steps to record. The contract
//! is exactness: the chunks it emits, joined, and the steps it returns are what
//! [`Transform::apply`](crate::Transform::apply) gives on the whole series, for every chunking
//! (down to one point per chunk).
//!
//! ```
//! use meteaudata_core::streaming::{run_chunks, ChunkProcessor, StreamInput, StreamTransform};
//! use meteaudata_core::*;
//!
//! /// Doubles every value; needs no state across chunks.
//! struct Double;
//! struct DoubleChunks { step: ProcessingStep }
//! impl ChunkProcessor for DoubleChunks {
//!     fn push(&mut self, chunk: &Series, emit: &mut dyn FnMut(Series) -> Result<()>) -> Result<()> {
//!         let v: Vec<f64> = chunk.f64_values().unwrap().values().iter().map(|v| v * 2.0).collect();
//!         emit(Series::from_f64("A#1_DOUBLED", chunk.index().clone(), v)?)
//!     }
//!     fn finish(self: Box<Self>, _emit: &mut dyn FnMut(Series) -> Result<()>) -> Result<Vec<ProcessingStep>> {
//!         Ok(vec![self.step])
//!     }
//! }
//! impl StreamTransform for Double {
//!     fn start(&self, input: &StreamInput<'_>) -> Result<Option<Box<dyn ChunkProcessor>>> {
//!         if input.values_dtype != "float64" {
//!             return Ok(None); // computed in memory instead
//!         }
//!         let step = ProcessingStep::new(ProcessingType::Transformation, "x2",
//!             FunctionInfo::new("double", "1", "me", "-"), "DOUBLED").with_inputs(input.all_inputs.iter().cloned());
//!         Ok(Some(Box::new(DoubleChunks { step })))
//!     }
//! }
//! let chunks = (0..5).map(|i| Series::from_f64("A#1_RAW#1", Index::range(1), vec![i as f64]));
//! let names = ["A#1_RAW#1".to_string()];
//! let input = StreamInput { name: "A#1_RAW#1", all_inputs: &names, values_dtype: "float64" };
//! let processor = Double.start(&input)?.expect("floats stream");
//! let mut out = Vec::new();
//! let steps = run_chunks(processor, chunks, |s| { out.push(s); Ok(()) })?;
//! assert_eq!(out.len(), 5);
//! assert_eq!(steps[0].suffix, "DOUBLED");
//! # Ok::<(), Error>(())
//! ```

use crate::{ProcessingStep, Result, Series};

/// What a streaming transform knows about one input before its first chunk.
#[derive(Debug, Clone, Copy)]
pub struct StreamInput<'a> {
    /// The input's full name (`A#1_RAW#1`).
    pub name: &'a str,
    /// The full names of every input of the call, in request order (steps name them all).
    pub all_inputs: &'a [String],
    /// The pandas dtype recorded for the input's values (`float64`, `Int64`, ...).
    pub values_dtype: &'a str,
}

/// The chunk-by-chunk state of a streaming transform for one input.
pub trait ChunkProcessor: Send {
    /// Takes the next input chunk and emits the output chunks that are now
    /// final, in order.
    fn push(&mut self, chunk: &Series, emit: &mut dyn FnMut(Series) -> Result<()>) -> Result<()>;

    /// Emits what is left after the last chunk and returns the steps this output records
    /// (only its own; the signal prepends the input's history). A processor that emitted
    /// nothing must emit one (empty) chunk here, so the output's kind is known.
    fn finish(
        self: Box<Self>,
        emit: &mut dyn FnMut(Series) -> Result<()>,
    ) -> Result<Vec<ProcessingStep>>;
}

/// A univariate transform that can run chunk by chunk: one output per input.
pub trait StreamTransform {
    /// A fresh processor for one input, or `None` when this input cannot be streamed exactly
    /// (the caller then computes it in memory, and says so).
    fn start(&self, input: &StreamInput<'_>) -> Result<Option<Box<dyn ChunkProcessor>>>;
}

/// Runs `processor` over `chunks` of one input (as a [`SeriesScan`](crate::storage::SeriesScan)
/// yields them: no empty chunk, except one for a series without points), handing every output
/// chunk to `sink`; returns the recorded steps.
pub fn run_chunks<I, F>(
    mut processor: Box<dyn ChunkProcessor>,
    chunks: I,
    mut sink: F,
) -> Result<Vec<ProcessingStep>>
where
    I: IntoIterator<Item = Result<Series>>,
    F: FnMut(Series) -> Result<()>,
{
    for chunk in chunks {
        processor.push(&chunk?, &mut sink)?;
    }
    processor.finish(&mut sink)
}
