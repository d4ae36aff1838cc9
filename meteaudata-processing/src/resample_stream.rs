//! Resampling chunk by chunk: the walk over the bins that [`resample_series`](crate::resample_series)
//! makes over a sorted index, with the open bin's sum carried across chunk edges.
//!
//! The grid depends only on the first timestamp (its origin or its calendar anchors), so a
//! grid built up to some later instant is a prefix of the grid of the whole series. Calendar
//! grids are built ahead (doubling the span each time a chunk passes their end); at the end
//! the exact grid of the whole series gives the number of bins, and bins after the last point's
//! one (possible with right-closed periods) are emitted as NaN, as in memory.

use arrow_array::{DurationNanosecondArray, TimestampNanosecondArray};
use meteaudata_core::streaming::{ChunkProcessor, StreamInput, StreamTransform};
use meteaudata_core::{Error, Index, IndexData, ProcessingStep, Result, Series, TimeZone};

use crate::common::{
    float_series, float_values, output_name, rebuild, require_time_index, time_keys,
};
use crate::resample::{too_many, Acc, Grid, Resample, MAX_BINS};
use crate::Frequency;

/// Bins emitted per output chunk at most.
const FLUSH_BINS: usize = 1 << 16;

impl StreamTransform for Resample {
    fn start(&self, input: &StreamInput<'_>) -> Result<Option<Box<dyn ChunkProcessor>>> {
        Ok(Some(Box::new(ResampleChunks {
            frequency: *self.frequency(),
            name: output_name(input.name, crate::resample::SUFFIX),
            step: self.step().with_inputs(input.all_inputs.iter().cloned()),
            template: None,
            walk: None,
            acc: Acc::default(),
            labels: Vec::new(),
            means: Vec::new(),
            bins: 0,
        })))
    }
}

/// Where the walk is on the grid.
struct Walk {
    /// First timestamp (the grid's anchor).
    min: i64,
    /// Last timestamp seen.
    last: i64,
    tz: Option<TimeZone>,
    duration: bool,
    grid: Grid,
    /// The instant the grid was built up to.
    built: i64,
    /// Current bin.
    k: usize,
    /// Regular grids: the current bin's label and the next bin's start.
    label: i64,
    next: i64,
}

struct ResampleChunks {
    frequency: Frequency,
    name: String,
    step: ProcessingStep,
    /// An empty slice of the first chunk's index (name, frequency, zone).
    template: Option<Index>,
    walk: Option<Walk>,
    acc: Acc,
    labels: Vec<i64>,
    means: Vec<f64>,
    /// Bins emitted so far (closed bins).
    bins: usize,
}

fn unsorted(name: &str) -> Error {
    Error::invalid_input(format!(
        "resample: series {name:?} is not sorted by time (or holds NaT), so it cannot be resampled chunk by chunk; process it in memory (Streaming::Never)"
    ))
}

impl ResampleChunks {
    /// Closes the current bin.
    fn close_bin(&mut self, emit: &mut dyn FnMut(Series) -> Result<()>) -> Result<()> {
        let Some(w) = self.walk.as_mut() else {
            return Ok(());
        };
        let label = match &w.grid {
            Grid::Regular { step, .. } => {
                let l = w.label;
                w.label = w.label.saturating_add(*step);
                w.next = w.next.saturating_add(*step);
                l
            }
            Grid::Explicit { labels, .. } => labels[w.k],
        };
        w.k += 1;
        self.labels.push(label);
        self.means.push(self.acc.mean());
        self.acc = Acc::default();
        self.bins += 1;
        if self.bins > MAX_BINS {
            return Err(too_many(self.bins as i128));
        }
        if self.labels.len() >= FLUSH_BINS {
            self.flush(emit)?;
        }
        Ok(())
    }

    /// Emits the closed bins held.
    fn flush(&mut self, emit: &mut dyn FnMut(Series) -> Result<()>) -> Result<()> {
        let template = self
            .template
            .as_ref()
            .ok_or_else(|| Error::invalid_input("resample: no chunk"))?;
        let labels = std::mem::take(&mut self.labels);
        let means = std::mem::take(&mut self.means);
        let data = match template.data() {
            IndexData::Timedelta(_) => IndexData::Timedelta(DurationNanosecondArray::from(labels)),
            _ => IndexData::DateTime {
                values: TimestampNanosecondArray::from(labels),
                tz: template.time_zone(),
            },
        };
        let index = rebuild(template, data)?.with_frequency(self.frequency.to_string());
        emit(float_series(self.name.clone(), index, means)?)
    }

    /// Makes sure an explicit grid reaches past `t`.
    fn extend_grid(&mut self, t: i64) -> Result<()> {
        let Some(w) = self.walk.as_mut() else {
            return Ok(());
        };
        if matches!(w.grid, Grid::Regular { .. }) || t <= w.built {
            return Ok(());
        }
        let span = i128::from(w.built.max(t)) - i128::from(w.min);
        let ahead = i64::try_from(i128::from(w.min) + 2 * span).unwrap_or(i64::MAX);
        let grid = match Grid::build(&self.frequency, w.min, ahead, w.tz, w.duration) {
            Ok(g) => {
                w.built = ahead;
                g
            }
            Err(_) => {
                w.built = t;
                Grid::build(&self.frequency, w.min, t, w.tz, w.duration)?
            }
        };
        w.grid = grid;
        Ok(())
    }
}

impl ChunkProcessor for ResampleChunks {
    fn push(&mut self, chunk: &Series, emit: &mut dyn FnMut(Series) -> Result<()>) -> Result<()> {
        const F: &str = "resample";
        require_time_index(chunk, F)?;
        let values = float_values(chunk, F)?;
        let (keys, nulls) =
            time_keys(chunk.index()).ok_or_else(|| Error::invalid_input("no time index"))?;
        let (tz, duration) = match chunk.index().data() {
            IndexData::DateTime { tz, .. } => (*tz, false),
            _ => (None, true),
        };
        if duration && self.frequency.fixed_nanos().is_none() {
            return Err(Error::invalid_input(format!(
                "resample: resampling a TimedeltaIndex needs a fixed-duration frequency such as '24h' or '3D', not {}",
                self.frequency
            )));
        }
        if self.template.is_none() {
            self.template = Some(chunk.index().slice(0, 0));
        }
        if nulls.is_some_and(|n| n.null_count() > 0) || !keys.windows(2).all(|w| w[0] <= w[1]) {
            return Err(unsorted(chunk.name()));
        }
        let (Some(&first), Some(&last)) = (keys.first(), keys.last()) else {
            return Ok(());
        };
        match &self.walk {
            Some(w) if first < w.last => return Err(unsorted(chunk.name())),
            Some(_) => {}
            None => {
                let grid = Grid::build(&self.frequency, first, first, tz, duration)?;
                let (label, next) = match &grid {
                    Grid::Regular { origin, step, .. } => (*origin, origin.saturating_add(*step)),
                    Grid::Explicit { .. } => (0, 0),
                };
                self.walk = Some(Walk {
                    min: first,
                    last: first,
                    tz,
                    duration,
                    grid,
                    built: first,
                    k: 0,
                    label,
                    next,
                });
            }
        }
        self.extend_grid(last)?;
        for (&t, &v) in keys.iter().zip(values.iter()) {
            while let Some(w) = self.walk.as_ref() {
                let leave = match &w.grid {
                    Grid::Regular { .. } => t >= w.next,
                    Grid::Explicit { starts, .. } => w.k + 1 < starts.len() && t >= starts[w.k + 1],
                };
                if !leave {
                    break;
                }
                self.close_bin(emit)?;
            }
            self.acc.add(v);
        }
        if let Some(w) = self.walk.as_mut() {
            w.last = last;
        }
        if !self.labels.is_empty() {
            self.flush(emit)?;
        }
        Ok(())
    }

    fn finish(
        mut self: Box<Self>,
        emit: &mut dyn FnMut(Series) -> Result<()>,
    ) -> Result<Vec<ProcessingStep>> {
        let Some((min, last, tz, duration)) = self
            .walk
            .as_ref()
            .map(|w| (w.min, w.last, w.tz, w.duration))
        else {
            // No point: an empty result of the input's kind.
            self.flush(emit)?;
            return Ok(vec![self.step]);
        };
        let exact = Grid::build(&self.frequency, min, last, tz, duration)?;
        let n = exact.bins();
        self.close_bin(emit)?;
        if self.bins > n {
            return Err(Error::invalid_input(format!(
                "resample: {} bins were emitted but the grid has {n}",
                self.bins
            )));
        }
        // Bins after the last point's one (right-closed periods): NaN, as in memory.
        while self.bins < n {
            let label = match &exact {
                Grid::Regular { origin, step, .. } => {
                    let mut l = *origin;
                    for _ in 0..self.bins {
                        l = l.saturating_add(*step);
                    }
                    l
                }
                Grid::Explicit { labels, .. } => labels[self.bins],
            };
            self.labels.push(label);
            self.means.push(f64::NAN);
            self.bins += 1;
        }
        self.flush(emit)?;
        Ok(vec![self.step])
    }
}
