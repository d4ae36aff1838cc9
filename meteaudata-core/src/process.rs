//! The processing protocol: univariate transforms (series in, series and steps out) and
//! multivariate ones (signals in, new signals out), with their options.

use std::sync::Arc;

use crate::{ProcessingStep, Result, Series, Signal};

/// One output of a univariate transform: a series and the steps that made it.
///
/// Name the series `<anything>_<SUFFIX>` (or just `<SUFFIX>`): the signal keeps only the base
/// after the last `_`, prefixes its own name and numbers it. Give each step the exact names of
/// the inputs it read; steps left with no `input_series_names` get the names of all inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct TransformOutput {
    /// The produced series.
    pub series: Series,
    /// The new steps (only this transform's; the signal prepends the inputs' histories).
    pub steps: Vec<ProcessingStep>,
}

impl TransformOutput {
    /// An output with one step.
    pub fn new(series: Series, step: ProcessingStep) -> Self {
        TransformOutput {
            series,
            steps: vec![step],
        }
    }
}

/// A univariate transform: receives copies of the input series (named with their full names)
/// and returns outputs. Closures `Fn(&[Series]) -> Result<Vec<TransformOutput>>` are
/// transforms, and so is any type implementing this trait.
pub trait Transform {
    /// Runs the transform.
    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>>;

    /// The chunk-by-chunk form of this transform, when it has one (see [`crate::streaming`]):
    /// [`Signal::process`](crate::Signal::process) then streams stored inputs from the backend
    /// into the backend. The default has none.
    fn streaming(&self) -> Option<&dyn crate::streaming::StreamTransform> {
        None
    }
}

impl<F> Transform for F
where
    F: Fn(&[Series]) -> Result<Vec<TransformOutput>>,
{
    fn apply(&self, inputs: &[Series]) -> Result<Vec<TransformOutput>> {
        self(inputs)
    }
}

/// A multivariate transform: receives copies of the signals owning the requested series (one
/// per requested name, in order) and the requested names, and returns **new** signals whose
/// series carry only the new steps (the dataset prepends the inputs' histories).
pub trait DatasetTransform {
    /// Runs the transform.
    fn apply(&self, signals: &[Signal], input_names: &[String]) -> Result<Vec<Signal>>;
}

impl<F> DatasetTransform for F
where
    F: Fn(&[Signal], &[String]) -> Result<Vec<Signal>>,
{
    fn apply(&self, signals: &[Signal], input_names: &[String]) -> Result<Vec<Signal>> {
        self(signals, input_names)
    }
}

/// When [`Signal::process`](crate::Signal::process) streams a transform that can stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Streaming {
    /// Stream when every input is saved, unchanged since, and unloaded from memory.
    #[default]
    Unloaded,
    /// Also stream saved, unchanged inputs that are loaded but hold at least this many points.
    Above(usize),
    /// Always compute in memory.
    Never,
}

/// Options of [`Signal::process`](crate::Signal::process).
///
/// ```
/// use meteaudata_core::ProcessOptions;
/// let o = ProcessOptions::new().output_names(["daily"]).overwrite(true);
/// assert!(o.overwrite);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessOptions {
    /// Custom bases for the outputs, one per output (no `_`, no `#`).
    pub output_names: Option<Vec<String>>,
    /// Replace the latest version of each output base instead of adding `#(max+1)`.
    pub overwrite: bool,
    /// When to stream (for transforms that can; see [`Streaming`]).
    pub streaming: Streaming,
    /// Points per chunk when streaming (0: [`DEFAULT_CHUNK_POINTS`](crate::storage::DEFAULT_CHUNK_POINTS)).
    pub chunk_points: usize,
    /// Told how many input points were read (see [`ProgressHook`]).
    pub progress: Option<ProgressHook>,
}

/// A callback told how far a [`Signal::process`] call has got: after each chunk a streamed
/// transform reads, with the input points read so far; once, with all of them, for a
/// transform computed in memory.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use std::sync::Arc;
/// use meteaudata_core::{ProcessOptions, ProgressHook};
/// let seen = Arc::new(AtomicU64::new(0));
/// let s = Arc::clone(&seen);
/// let options = ProcessOptions::new().progress(ProgressHook::new(move |n| s.store(n, Ordering::SeqCst)));
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct ProgressHook(Arc<dyn Fn(u64) + Send + Sync>);

impl ProgressHook {
    /// A hook calling `f` with the input points read so far.
    pub fn new(f: impl Fn(u64) + Send + Sync + 'static) -> Self {
        ProgressHook(Arc::new(f))
    }

    /// Reports `points` read so far.
    pub fn report(&self, points: u64) {
        (self.0)(points)
    }
}

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook(..)")
    }
}

impl PartialEq for ProgressHook {
    /// The same callback.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for ProgressHook {}

impl ProcessOptions {
    /// Default options: automatic names, no overwrite.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets custom output names.
    pub fn output_names<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.output_names = Some(names.into_iter().map(Into::into).collect());
        self
    }
    /// Sets overwrite.
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }
    /// Sets when to stream.
    pub fn streaming(mut self, streaming: Streaming) -> Self {
        self.streaming = streaming;
        self
    }
    /// Sets the points per chunk when streaming.
    pub fn chunk_points(mut self, chunk_points: usize) -> Self {
        self.chunk_points = chunk_points;
        self
    }
    /// Sets the progress callback.
    pub fn progress(mut self, hook: ProgressHook) -> Self {
        self.progress = Some(hook);
        self
    }
}

/// Options of [`Dataset::process`](crate::Dataset::process).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasetProcessOptions {
    /// Custom signal bases, one per output signal.
    pub output_signal_names: Option<Vec<String>>,
    /// Custom series bases, one per series of each output signal.
    pub output_ts_names: Option<Vec<String>>,
    /// Replace the latest version of each output signal base instead of adding `#(max+1)`.
    pub overwrite: bool,
}

impl DatasetProcessOptions {
    /// Default options.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets custom signal names.
    pub fn output_signal_names<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        names: I,
    ) -> Self {
        self.output_signal_names = Some(names.into_iter().map(Into::into).collect());
        self
    }
    /// Sets custom series names.
    pub fn output_ts_names<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.output_ts_names = Some(names.into_iter().map(Into::into).collect());
        self
    }
    /// Sets overwrite.
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }
}
