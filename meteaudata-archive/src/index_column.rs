//! The index column of a CSV file: labels written as pandas writes them, read back with the
//! recorded [`IndexMetadata`](meteaudata_core::IndexMetadata).

use arrow_array::Array;
use meteaudata_core::{Index, IndexData};

use crate::csv_write::Cell;
use crate::text::{datetime_column, py_float, timedelta_column, ZoneText};

/// The cells of the index column and, for datetimes, how zoned instants were written.
pub(crate) fn index_cells(index: &Index) -> (Vec<Cell>, ZoneText) {
    let text = |v: Option<String>| v.map_or(Cell::Empty, Cell::Text);
    match index.data() {
        IndexData::DateTime { values, tz } => {
            let opt: Vec<Option<i64>> = values.iter().collect();
            let mode = ZoneText::choose(opt.iter().flatten().copied(), *tz);
            let cells = datetime_column(&opt, mode).into_iter().map(text).collect();
            (cells, mode)
        }
        IndexData::Timedelta(a) => {
            let opt: Vec<Option<i64>> = a.iter().collect();
            let cells = timedelta_column(&opt).into_iter().map(text).collect();
            (cells, ZoneText::Naive)
        }
        IndexData::Float(a) => {
            let cells = a
                .iter()
                .map(|v| match v {
                    Some(x) if !x.is_nan() => Cell::Text(py_float(x)),
                    _ => Cell::Empty,
                })
                .collect();
            (cells, ZoneText::Naive)
        }
        IndexData::Int(a) => {
            let cells = a.iter().map(|v| text(v.map(|x| x.to_string()))).collect();
            (cells, ZoneText::Naive)
        }
        IndexData::String(a) | IndexData::Period(a) => {
            let cells = a.iter().map(|v| text(v.map(str::to_string))).collect();
            (cells, ZoneText::Naive)
        }
        _ => {
            // Ranges and categories: the labels as text (`label` handles nulls of neither).
            let cells = (0..index.len())
                .map(|i| match index.data() {
                    IndexData::Categorical { values, .. } if values.is_null(i) => Cell::Empty,
                    _ => Cell::Text(index.label(i)),
                })
                .collect();
            (cells, ZoneText::Naive)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meteaudata_core::IndexMetadata;

    fn round_trip(index: Index) {
        let (cells, _) = index_cells(&index);
        let labels: Vec<Option<&str>> = cells
            .iter()
            .map(|c| match c {
                Cell::Empty => None,
                Cell::Text(t) => Some(t.as_str()),
            })
            .collect();
        let meta: IndexMetadata = index.metadata();
        let back = Index::from_text_labels(&meta, &labels).unwrap();
        assert_eq!(back, index);
    }

    #[test]
    fn every_kind_round_trips_through_text() {
        let tz = "Australia/Lord_Howe".parse().unwrap();
        round_trip(Index::datetime_nanos(
            vec![1, 1_700_000_000_000_000_000],
            Some(tz),
        ));
        round_trip(Index::datetime_nanos(vec![0, 86_400_000_000_000], None).with_frequency("D"));
        round_trip(Index::floats(vec![0.5, 1e16, -0.0]));
        round_trip(Index::ints(vec![i64::MIN, 0, i64::MAX]).with_name("row"));
        round_trip(Index::strings(&["a,b", "", "l\nm"]));
        round_trip(Index::new(IndexData::Timedelta(vec![i64::MIN, -1, 0].into())).unwrap());
        round_trip(
            Index::new(IndexData::Range {
                start: 10,
                stop: 16,
                step: 2,
            })
            .unwrap(),
        );
    }
}
