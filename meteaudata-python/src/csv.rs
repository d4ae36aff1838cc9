//! `read_csv`: a CSV file read by the engine's reader (`meteaudata::io::csv`), the way
//! `pandas.read_csv` followed by `tz_localize` reads it, one chunk at a time, into one series
//! per value column.

use std::collections::BTreeMap;

use arrow_pyarrow::ToPyArrow;
use meteaudata::io::csv::{Ambiguous, CsvOptions, CsvReader, Nonexistent};
use meteaudata::{Error, Result, Series, TimeZone};
use pyo3::prelude::*;

use crate::convert::batch_for_python;
use crate::errors::to_py;

/// The columns of the CSV file at `path` as `{name: batch}` in file order (one series per
/// value column on the time column's index). Options are those of `meteaudata::io::csv`:
/// `delimiter` (one character), `decimal`, `time_column`, `tz` (zone of times written
/// without an offset), `dayfirst`, `na_values` (replacing pandas' default NA tokens),
/// `columns` (value columns to keep), `ambiguous` (`raise`, `infer`, `earliest`, `latest`) and
/// `nonexistent` (`raise`, `shift_forward`, `NaT`) for DST changes.
#[pyfunction]
#[pyo3(signature = (path, *, delimiter=None, decimal=None, time_column=None, tz=None, dayfirst=false, na_values=None, columns=None, ambiguous="raise", nonexistent="raise"))]
#[allow(clippy::too_many_arguments)]
pub fn read_csv<'py>(
    py: Python<'py>,
    path: &str,
    delimiter: Option<char>,
    decimal: Option<char>,
    time_column: Option<String>,
    tz: Option<String>,
    dayfirst: bool,
    na_values: Option<Vec<String>>,
    columns: Option<Vec<String>>,
    ambiguous: &str,
    nonexistent: &str,
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let read = py
        .detach(|| {
            let mut options = CsvOptions::new()
                .dayfirst(dayfirst)
                .ambiguous(ambiguous.parse::<Ambiguous>()?)
                .nonexistent(nonexistent.parse::<Nonexistent>()?);
            if let Some(d) = delimiter {
                let byte = u8::try_from(d).map_err(|_| {
                    Error::invalid_input(format!("delimiter {d:?} is not a one-byte character"))
                })?;
                options = options.delimiter(byte);
            }
            if let Some(d) = decimal {
                options = options.decimal(d);
            }
            if let Some(t) = time_column {
                options = options.time_column(t);
            }
            if let Some(z) = tz {
                options = options.tz(z.parse::<TimeZone>()?);
            }
            if let Some(na) = na_values {
                options = options.na_tokens(na);
            }
            if let Some(c) = columns {
                options = options.columns(c);
            }
            read_all(path, &options)
        })
        .map_err(to_py)?;
    read.into_iter()
        .map(|(name, s)| Ok((name, batch_for_python(&s, None).to_pyarrow(py)?)))
        .collect()
}

/// Every chunk of the file, joined per column (in file order; one concatenation per column).
fn read_all(path: &str, options: &CsvOptions) -> Result<Vec<(String, Series)>> {
    let mut reader = CsvReader::open(path, options)?;
    let mut order = Vec::new();
    let mut parts: BTreeMap<String, Vec<Series>> = BTreeMap::new();
    while let Some(chunk) = reader.next_chunk()? {
        for s in chunk.series {
            let name = s.name().to_string();
            if !parts.contains_key(&name) {
                order.push(name.clone());
            }
            parts.entry(name).or_default().push(s);
        }
    }
    order
        .into_iter()
        .filter_map(|n| parts.remove(&n).map(|p| (n, p)))
        .map(|(n, p)| Ok((n, Series::concat(&p)?)))
        .collect()
}
