//! Reading a series a chunk at a time: scanned from its backend when it is stored and unloaded,
//! so that commands over large stores hold one chunk in memory.

use anyhow::Result;
use meteaudata::storage::TimeRange;
use meteaudata::{Dataset, Series, TimeSeries};

/// Points read per chunk.
pub const CHUNK: usize = 1 << 16;

/// The chunks of one series: scanned from its backend when it is stored and unloaded (memory
/// holds one chunk), else the series in memory as one chunk.
pub fn chunks<'a>(
    dataset: &'a Dataset,
    ts: &'a TimeSeries,
) -> Result<Box<dyn Iterator<Item = meteaudata::Result<Series>> + 'a>> {
    if let (Some(b), Some(key)) = (dataset.backend(), ts.storage_key()) {
        if !ts.is_loaded() && ts.data_is_stored() {
            return Ok(Box::new(b.scan(key, TimeRange::default(), CHUNK)?));
        }
    }
    Ok(Box::new(std::iter::once(Ok(ts.series()?.clone()))))
}
