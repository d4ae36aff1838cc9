//! Operations on series that backends and transforms share: slicing, time windows, appending
//! and deep copies, all on Arrow arrays without per-point work where a kernel exists.

use arrow_array::{Array, ArrayRef, BooleanArray, Int64Array};
use arrow_data::transform::MutableArrayData;
use std::sync::Arc;

use crate::index::{Index, IndexData};
use crate::index_ops::{downcast, rebuild};
use crate::{Error, Result, Series};

/// A half-open time window `[start, end)` in nanoseconds (UTC for zoned indexes, wall clock
/// for naive ones); either bound may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    /// Inclusive start.
    pub start: Option<i64>,
    /// Exclusive end.
    pub end: Option<i64>,
}

impl TimeRange {
    /// `[start, end)`.
    pub fn new(start: Option<i64>, end: Option<i64>) -> Self {
        TimeRange { start, end }
    }

    /// The window, or `None` when it is open on both sides (every point).
    pub fn bounded(self) -> Option<TimeRange> {
        (self != TimeRange::default()).then_some(self)
    }

    /// Whether `t` lies in the window.
    pub fn contains(&self, t: i64) -> bool {
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t < e)
    }
}

fn deep_copy(a: &ArrayRef) -> ArrayRef {
    let data = a.to_data();
    let mut m = MutableArrayData::new(vec![&data], false, data.len());
    if m.try_extend(0, 0, data.len()).is_err() {
        return Arc::clone(a);
    }
    arrow_array::make_array(m.freeze())
}

fn filter_index(index: &Index, mask: &BooleanArray) -> Result<Index> {
    let err = |e| Error::invalid_input(format!("cannot filter index: {e}"));
    let filt = |a: &dyn Array| arrow_select::filter::filter(a, mask).map_err(err);
    let data = match index.data() {
        IndexData::DateTime { values, tz } => IndexData::DateTime {
            values: downcast(filt(values)?)?,
            tz: *tz,
        },
        IndexData::Range { .. } => {
            let arr = index.to_arrow();
            IndexData::Int(downcast::<Int64Array>(filt(arr.as_ref())?)?)
        }
        IndexData::Int(a) => IndexData::Int(downcast(filt(a)?)?),
        IndexData::Float(a) => IndexData::Float(downcast(filt(a)?)?),
        IndexData::String(a) => IndexData::String(downcast(filt(a)?)?),
        IndexData::Categorical { values, ordered } => IndexData::Categorical {
            values: downcast(filt(values)?)?,
            ordered: *ordered,
        },
        IndexData::Timedelta(a) => IndexData::Timedelta(downcast(filt(a)?)?),
        IndexData::Period(a) => IndexData::Period(downcast(filt(a)?)?),
    };
    rebuild(index, data)
}

impl Series {
    /// A copy that shares no buffers with `self` (what a store keeps).
    pub fn deep_copy(&self) -> Series {
        let index = match self.index().data() {
            IndexData::Range { .. } => self.index().clone(),
            _ => {
                let arr = deep_copy(&self.index().to_arrow());
                let data = match self.index().data() {
                    IndexData::DateTime { tz, .. } => arr
                        .as_any()
                        .downcast_ref::<arrow_array::TimestampNanosecondArray>()
                        .map(|v| IndexData::DateTime {
                            values: v.clone().with_timezone_opt(None::<String>),
                            tz: *tz,
                        }),
                    IndexData::Int(_) => arr.as_any().downcast_ref().cloned().map(IndexData::Int),
                    IndexData::Float(_) => {
                        arr.as_any().downcast_ref().cloned().map(IndexData::Float)
                    }
                    IndexData::String(_) => {
                        arr.as_any().downcast_ref().cloned().map(IndexData::String)
                    }
                    IndexData::Categorical { ordered, .. } => arr
                        .as_any()
                        .downcast_ref()
                        .cloned()
                        .map(|values| IndexData::Categorical {
                            values,
                            ordered: *ordered,
                        }),
                    IndexData::Timedelta(_) => arr
                        .as_any()
                        .downcast_ref()
                        .cloned()
                        .map(IndexData::Timedelta),
                    IndexData::Period(_) => {
                        arr.as_any().downcast_ref().cloned().map(IndexData::Period)
                    }
                    IndexData::Range { .. } => None,
                };
                match data.and_then(|d| rebuild(self.index(), d).ok()) {
                    Some(i) => i,
                    None => self.index().clone(),
                }
            }
        };
        Series::new(self.name().to_string(), index, deep_copy(self.values()))
            .unwrap_or_else(|_| self.clone())
    }

    /// The points whose datetime label lies in `range`. Sorted indexes are cut with two binary
    /// searches (zero-copy slices); unsorted ones are filtered. Non-datetime indexes are an
    /// [`InvalidInput`](crate::ErrorKind::InvalidInput) error.
    pub fn time_window(&self, range: TimeRange) -> Result<Series> {
        let IndexData::DateTime { values, .. } = self.index().data() else {
            return Err(Error::invalid_input(format!(
                "series {:?}: a time window needs a datetime index",
                self.name()
            )));
        };
        let v = values.values();
        let sorted = values.null_count() == 0 && v.windows(2).all(|w| w[0] <= w[1]);
        if sorted {
            let lo = range.start.map_or(0, |s| v.partition_point(|&t| t < s));
            let hi = range.end.map_or(v.len(), |e| v.partition_point(|&t| t < e));
            return Ok(self.slice(lo, hi.saturating_sub(lo)));
        }
        let mask: BooleanArray = values
            .iter()
            .map(|t| Some(t.is_some_and(|t| range.contains(t))))
            .collect();
        let index = filter_index(self.index(), &mask)?;
        let vals = arrow_select::filter::filter(self.values().as_ref(), &mask)
            .map_err(|e| Error::invalid_input(format!("cannot filter values: {e}")))?;
        Series::new(self.name().to_string(), index, vals)
    }

    /// `len` points from `offset` (clamped), sharing buffers.
    pub fn slice(&self, offset: usize, len: usize) -> Series {
        let offset = offset.min(self.len());
        let len = len.min(self.len() - offset);
        Series::new(
            self.name().to_string(),
            self.index().slice(offset, len),
            self.values().slice(offset, len),
        )
        .unwrap_or_else(|_| self.clone())
    }

    /// `self` followed by `more` (same index kind and zone, same value type). A range index
    /// stays a range when `more` continues it; otherwise it becomes integer labels.
    pub fn append(&self, more: &Series) -> Result<Series> {
        if self.values().data_type() != more.values().data_type() {
            return Err(Error::invalid_input(format!(
                "cannot append {} values to a series of {} values",
                more.values().data_type(),
                self.values().data_type()
            )));
        }
        let cat = |a: &dyn Array, b: &dyn Array| {
            arrow_select::concat::concat(&[a, b])
                .map_err(|e| Error::invalid_input(format!("cannot append: {e}")))
        };
        let mismatch =
            || Error::invalid_input("cannot append a series with another index kind or zone");
        let data = match (self.index().data(), more.index().data()) {
            (
                IndexData::Range { start, stop, step },
                IndexData::Range {
                    start: s2,
                    stop: e2,
                    step: st2,
                },
            ) if stop == s2 && (step == st2 || more.is_empty()) => IndexData::Range {
                start: *start,
                stop: if more.is_empty() { *stop } else { *e2 },
                step: *step,
            },
            (
                IndexData::Range { .. } | IndexData::Int(_),
                IndexData::Range { .. } | IndexData::Int(_),
            ) => IndexData::Int(downcast(cat(
                &self.index().to_arrow(),
                &more.index().to_arrow(),
            )?)?),
            (IndexData::DateTime { values: a, tz }, IndexData::DateTime { values: b, tz: tz2 })
                if tz == tz2 =>
            {
                IndexData::DateTime {
                    values: downcast(cat(a, b)?)?,
                    tz: *tz,
                }
            }
            (IndexData::Float(a), IndexData::Float(b)) => IndexData::Float(downcast(cat(a, b)?)?),
            (IndexData::String(a), IndexData::String(b)) => {
                IndexData::String(downcast(cat(a, b)?)?)
            }
            (IndexData::Timedelta(a), IndexData::Timedelta(b)) => {
                IndexData::Timedelta(downcast(cat(a, b)?)?)
            }
            (IndexData::Period(a), IndexData::Period(b)) => {
                IndexData::Period(downcast(cat(a, b)?)?)
            }
            (
                IndexData::Categorical { values: a, ordered },
                IndexData::Categorical { values: b, .. },
            ) => IndexData::Categorical {
                values: downcast(cat(a, b)?)?,
                ordered: *ordered,
            },
            _ => return Err(mismatch()),
        };
        let index = rebuild(self.index(), data)?;
        let values: ArrayRef = cat(self.values(), more.values())?;
        Series::new(self.name().to_string(), index, Arc::clone(&values))
    }
}

impl Series {
    /// The parts joined in order, as repeated [`Series::append`] would join them but with one
    /// copy of the data (the name, index name and frequency are the first part's). An empty
    /// list is an [`InvalidInput`](crate::ErrorKind::InvalidInput) error.
    pub fn concat(parts: &[Series]) -> Result<Series> {
        let (first, rest) = parts
            .split_first()
            .ok_or_else(|| Error::invalid_input("nothing to concatenate"))?;
        if rest.is_empty() {
            return Ok(first.clone());
        }
        let mut shape = crate::storage::ChunkShape::new(first);
        for p in rest {
            shape.push(p)?;
        }
        let cat = |arrays: Vec<ArrayRef>| -> Result<ArrayRef> {
            let refs: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
            arrow_select::concat::concat(&refs)
                .map_err(|e| Error::invalid_input(format!("cannot append: {e}")))
        };
        let joined = shape.index_kind();
        let data = match (joined.data(), first.index().data()) {
            (IndexData::Range { .. }, _) => joined.data().clone(),
            (_, kind) => {
                let arr = cat(parts.iter().map(|p| p.index().to_arrow()).collect())?;
                match kind {
                    IndexData::Range { .. } | IndexData::Int(_) => IndexData::Int(downcast(arr)?),
                    IndexData::DateTime { tz, .. } => IndexData::DateTime {
                        values: downcast::<arrow_array::TimestampNanosecondArray>(arr)?
                            .with_timezone_opt(None::<String>),
                        tz: *tz,
                    },
                    IndexData::Float(_) => IndexData::Float(downcast(arr)?),
                    IndexData::String(_) => IndexData::String(downcast(arr)?),
                    IndexData::Timedelta(_) => IndexData::Timedelta(downcast(arr)?),
                    IndexData::Period(_) => IndexData::Period(downcast(arr)?),
                    IndexData::Categorical { ordered, .. } => IndexData::Categorical {
                        values: downcast(arr)?,
                        ordered: *ordered,
                    },
                }
            }
        };
        let index = rebuild(first.index(), data)?;
        let values = cat(parts.iter().map(|p| Arc::clone(p.values())).collect())?;
        Series::new(first.name().to_string(), index, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(times: Vec<i64>) -> Series {
        let n = times.len();
        Series::from_f64(
            "x",
            Index::datetime_nanos(times, None),
            (0..n).map(|i| i as f64).collect(),
        )
        .unwrap()
    }

    #[test]
    fn windows_sorted_and_unsorted() {
        let sorted = s(vec![1, 2, 3, 4, 5]);
        let w = sorted
            .time_window(TimeRange::new(Some(2), Some(4)))
            .unwrap();
        assert_eq!(w.f64_values().unwrap().values().to_vec(), vec![1.0, 2.0]);
        let open = sorted.time_window(TimeRange::new(None, Some(3))).unwrap();
        assert_eq!(open.len(), 2);
        let unsorted = s(vec![5, 1, 4, 2]);
        let w = unsorted.time_window(TimeRange::new(Some(2), None)).unwrap();
        assert_eq!(
            w.f64_values().unwrap().values().to_vec(),
            vec![0.0, 2.0, 3.0]
        );
        assert!(Series::empty("e")
            .time_window(TimeRange::default())
            .is_err());
    }

    #[test]
    fn appends() {
        let a = Series::from_f64("a", Index::range(2), vec![1.0, 2.0]).unwrap();
        let b = Series::from_f64(
            "b",
            Index::new(IndexData::Range {
                start: 2,
                stop: 3,
                step: 1,
            })
            .unwrap(),
            vec![3.0],
        )
        .unwrap();
        let c = a.append(&b).unwrap();
        assert_eq!(c.index(), &Index::range(3));
        assert_eq!(c.name(), "a");
        let d = a.append(&a).unwrap();
        assert_eq!(d.index().label(3), "1");
        assert!(a.append(&s(vec![1])).is_err());
        let copy = c.deep_copy();
        assert_eq!(copy, c);
    }

    #[test]
    fn concat_equals_repeated_append() {
        let t = s(vec![1, 2, 3, 4, 5, 6, 7]);
        let parts = vec![t.slice(0, 2), t.slice(2, 0), t.slice(2, 4), t.slice(6, 1)];
        assert_eq!(Series::concat(&parts).unwrap(), t);
        let r = Series::from_f64("r", Index::range(5), vec![1.0; 5]).unwrap();
        let joined = Series::concat(&[r.slice(0, 2), r.slice(2, 3)]).unwrap();
        assert_eq!(joined.index(), &Index::range(5));
        let broken = Series::concat(&[r.slice(0, 2), r.slice(0, 2)]).unwrap();
        assert_eq!(broken, r.slice(0, 2).append(&r.slice(0, 2)).unwrap());
        assert!(matches!(broken.index().data(), IndexData::Int(_)));
        assert!(Series::concat(&[r.clone(), t.clone()]).is_err());
        assert!(Series::concat(&[]).is_err());
    }
}
