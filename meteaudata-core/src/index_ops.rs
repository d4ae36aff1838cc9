//! Selecting rows of an [`Index`]: zero-copy slices and gathers by position, keeping the
//! index name and frequency.

use arrow_array::{Array, ArrayRef, Int64Array, UInt64Array};

use crate::index::{Index, IndexData};
use crate::{Error, Result};

pub(crate) fn downcast<T: Array + Clone + 'static>(a: ArrayRef) -> Result<T> {
    a.as_any()
        .downcast_ref::<T>()
        .cloned()
        .ok_or_else(|| Error::invalid_input("unexpected array type"))
}

/// A new index with `data` and the name and frequency of `like`.
pub(crate) fn rebuild(like: &Index, data: IndexData) -> Result<Index> {
    let mut idx = Index::new(data)?;
    idx.set_name(like.name().map(str::to_string));
    idx.set_frequency(like.frequency().map(str::to_string));
    Ok(idx)
}

impl Index {
    /// `len` labels from `offset` (both clamped), sharing buffers; a range stays a range.
    ///
    /// ```
    /// use meteaudata_core::Index;
    /// let idx = Index::range(10).with_name("row");
    /// let cut = idx.slice(2, 3);
    /// assert_eq!((cut.len(), cut.label(0), cut.name()), (3, "2".to_string(), Some("row")));
    /// ```
    pub fn slice(&self, offset: usize, len: usize) -> Index {
        let offset = offset.min(self.len());
        let len = len.min(self.len() - offset);
        let data = match self.data() {
            IndexData::Range { start, step, .. } => {
                let s = start + offset as i64 * step;
                IndexData::Range {
                    start: s,
                    stop: s + len as i64 * step,
                    step: *step,
                }
            }
            IndexData::DateTime { values, tz } => IndexData::DateTime {
                values: values.slice(offset, len),
                tz: *tz,
            },
            IndexData::Int(a) => IndexData::Int(a.slice(offset, len)),
            IndexData::Float(a) => IndexData::Float(a.slice(offset, len)),
            IndexData::String(a) => IndexData::String(a.slice(offset, len)),
            IndexData::Categorical { values, ordered } => IndexData::Categorical {
                values: values.slice(offset, len),
                ordered: *ordered,
            },
            IndexData::Timedelta(a) => IndexData::Timedelta(a.slice(offset, len)),
            IndexData::Period(a) => IndexData::Period(a.slice(offset, len)),
        };
        rebuild(self, data).unwrap_or_else(|_| self.clone())
    }

    /// The labels at `positions`, in that order (a range becomes integer labels). A position
    /// out of bounds is an [`InvalidInput`](crate::ErrorKind::InvalidInput) error.
    pub fn take(&self, positions: &UInt64Array) -> Result<Index> {
        let take = |a: &dyn Array| -> Result<ArrayRef> {
            arrow_select::take::take(a, positions, None)
                .map_err(|e| Error::invalid_input(format!("cannot select index rows: {e}")))
        };
        let n = self.len() as u64;
        if positions.values().iter().any(|&p| p >= n) {
            return Err(Error::invalid_input(format!(
                "a position is beyond the {n} labels of the index"
            )));
        }
        let data = match self.data() {
            IndexData::DateTime { values, tz } => IndexData::DateTime {
                values: downcast(take(values)?)?,
                tz: *tz,
            },
            IndexData::Range { start, step, .. } => IndexData::Int(Int64Array::from_iter_values(
                positions
                    .values()
                    .iter()
                    .map(|&p| crate::index::range_label(*start, *step, p as usize)),
            )),
            IndexData::Int(a) => IndexData::Int(downcast(take(a)?)?),
            IndexData::Float(a) => IndexData::Float(downcast(take(a)?)?),
            IndexData::String(a) => IndexData::String(downcast(take(a)?)?),
            IndexData::Categorical { values, ordered } => IndexData::Categorical {
                values: downcast(take(values)?)?,
                ordered: *ordered,
            },
            IndexData::Timedelta(a) => IndexData::Timedelta(downcast(take(a)?)?),
            IndexData::Period(a) => IndexData::Period(downcast(take(a)?)?),
        };
        rebuild(self, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_keeps_name_and_checks_bounds() {
        let idx = Index::range(5).with_name("r");
        let t = idx.take(&UInt64Array::from(vec![4, 0])).unwrap();
        assert_eq!(
            (t.label(0), t.label(1), t.name()),
            ("4".into(), "0".into(), Some("r"))
        );
        assert!(idx.take(&UInt64Array::from(vec![5])).is_err());
        let tz =
            Index::datetime_nanos(vec![1, 2, 3], Some(crate::TimeZone::Utc)).with_frequency("ns");
        let s = tz.slice(1, 10);
        assert_eq!((s.len(), s.frequency()), (2, Some("ns")));
    }
}
