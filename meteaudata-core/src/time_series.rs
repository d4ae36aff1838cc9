//! A series together with its full processing history and recorded metadata.

use crate::{IndexMetadata, MetaTime, ProcessingStep, Series};

/// A [`Series`] with everything needed to know how it was made: its full processing history
/// (inputs' steps first, its own last), the [`IndexMetadata`] and values dtype Python records,
/// an external `metadata_id` and its creation time.
///
/// ```
/// use meteaudata_core::{TimeSeries, Series, Index};
/// let ts = TimeSeries::new(Series::from_f64("RAW", Index::range(2), vec![1.0, 2.0]).unwrap());
/// assert_eq!(ts.values_dtype(), "float64");
/// assert_eq!(ts.index_metadata().index_type, "RangeIndex");
/// assert!(ts.processing_steps.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSeries {
    series: Series,
    /// Full history, oldest first.
    pub processing_steps: Vec<ProcessingStep>,
    index_metadata: IndexMetadata,
    values_dtype: String,
    /// Key in an external metadata system; storage backends may assign it.
    pub metadata_id: Option<String>,
    /// When this time series was created.
    pub created_on: MetaTime,
}

impl TimeSeries {
    /// A new time series with no history, created now.
    pub fn new(series: Series) -> Self {
        let index_metadata = series.index().metadata();
        let values_dtype = series.values_dtype();
        TimeSeries {
            series,
            processing_steps: Vec::new(),
            index_metadata,
            values_dtype,
            metadata_id: None,
            created_on: MetaTime::now(),
        }
    }

    /// Sets the history, builder style.
    pub fn with_steps(mut self, steps: Vec<ProcessingStep>) -> Self {
        self.processing_steps = steps;
        self
    }

    /// Rebuilds a time series exactly as recorded (used by loaders): the recorded index
    /// metadata and dtype are kept as written, even when they name another pandas flavour
    /// (`datetime64[us]`, `object`).
    pub fn from_parts(
        series: Series,
        processing_steps: Vec<ProcessingStep>,
        index_metadata: IndexMetadata,
        values_dtype: String,
        metadata_id: Option<String>,
        created_on: MetaTime,
    ) -> Self {
        TimeSeries {
            series,
            processing_steps,
            index_metadata,
            values_dtype,
            metadata_id,
            created_on,
        }
    }

    /// The data. Fallible because a stored series may be loaded from its backend on first
    /// access.
    pub fn series(&self) -> crate::Result<&Series> {
        Ok(&self.series)
    }

    /// Replaces the data; index metadata and dtype are recomputed from it.
    pub fn set_series(&mut self, series: Series) {
        self.index_metadata = series.index().metadata();
        self.values_dtype = series.values_dtype();
        self.series = series;
    }

    /// Takes the data out.
    pub fn into_series(self) -> crate::Result<Series> {
        Ok(self.series)
    }

    /// The full name (the series' name).
    pub fn name(&self) -> &str {
        self.series.name()
    }

    pub(crate) fn set_name(&mut self, name: &str) {
        self.series.set_name(name);
    }

    /// What Python records about the index.
    pub fn index_metadata(&self) -> &IndexMetadata {
        &self.index_metadata
    }

    /// The pandas dtype string of the values.
    pub fn values_dtype(&self) -> &str {
        &self.values_dtype
    }

    /// Removes steps equal (every field) to an earlier one, keeping the first.
    pub fn remove_duplicated_steps(&mut self) -> &mut Self {
        dedup_steps(&mut self.processing_steps);
        self
    }
}

/// Removes steps equal to an earlier one, keeping first occurrences in order.
pub(crate) fn dedup_steps(steps: &mut Vec<ProcessingStep>) {
    let mut kept: Vec<ProcessingStep> = Vec::with_capacity(steps.len());
    for s in steps.drain(..) {
        if !kept.contains(&s) {
            kept.push(s);
        }
    }
    *steps = kept;
}
