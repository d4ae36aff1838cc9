//! One series as one CSV file: header line(s), then `<index label><sep><value>` per point.
//! Reading rebuilds the index from the recorded index metadata and the values from the
//! recorded dtype; for files written by Python with unknown export options it guesses the
//! separator and the number of header lines.

use meteaudata_core::{Error, Index, IndexMetadata, Result, Series, Timestamp};

use crate::csv_read::{self, Field, Record};
use crate::csv_write::CsvWriter;
use crate::errors::in_file;
use crate::index_column::index_cells;
use crate::text::ZoneText;
use crate::values::{parse_values, value_cells, CellRef, ValueKind};

/// The CSV text of `series` under the given header lines, and how its zoned index was written.
pub(crate) fn write_csv(
    series: &Series,
    index_header: &[String],
    value_header: &[String],
    sep: char,
) -> Result<(String, ZoneText)> {
    let mut w = CsvWriter::new(sep);
    for (i, v) in index_header.iter().zip(value_header) {
        w.header(&[i, v]);
    }
    let (labels, mode) = index_cells(series.index());
    let values = value_cells(series.values())?;
    for (l, v) in labels.iter().zip(&values) {
        w.row(&[l, v]);
    }
    Ok((w.finish(), mode))
}

/// How to read one file.
pub(crate) struct ReadSpec<'a> {
    /// The file name, for messages.
    pub(crate) file: &'a str,
    /// The full series name (the series is named after it).
    pub(crate) key: &'a str,
    /// The separator, when recorded.
    pub(crate) separator: Option<char>,
    /// The number of header lines, when recorded.
    pub(crate) header_lines: Option<usize>,
    /// The index metadata (exact when recorded).
    pub(crate) index_metadata: Option<&'a IndexMetadata>,
    /// The recorded values dtype.
    pub(crate) values_dtype: &'a str,
    /// The category list of categorical values.
    pub(crate) categories: Option<&'a [String]>,
}

/// Reads the series in `text`.
pub(crate) fn read_csv(text: &str, spec: &ReadSpec<'_>) -> Result<Series> {
    let file = spec.file;
    let sep = match spec.separator {
        Some(s) => s,
        None => csv_read::guess_separator(text, spec.key, file)?,
    };
    let records = csv_read::parse(text, sep, file)?;
    if records.is_empty() {
        return Err(Error::Corrupt {
            location: file.to_string(),
            message: "the file is empty (not even a header line)".into(),
        });
    }
    let kind = ValueKind::from_dtype(spec.values_dtype)?;
    let inferred;
    let meta = match spec.index_metadata {
        Some(m) => m,
        None => {
            inferred = infer_index_metadata(records.iter().skip(1).map(first_label));
            &inferred
        }
    };
    let header = match spec.header_lines {
        Some(n) => n,
        None => detect_header_lines(&records, meta, kind, spec),
    };
    let rows = records.get(header..).unwrap_or_default();
    let mut labels = Vec::with_capacity(rows.len());
    let mut cells: Vec<CellRef<'_>> = Vec::with_capacity(rows.len());
    for r in rows {
        if r.fields.len() < 2 {
            return Err(Error::Corrupt {
                location: format!("{file}, line {}", r.line),
                message: format!(
                    "expected an index and a value separated by {sep:?}, found one field"
                ),
            });
        }
        labels.push(first_label(r));
        cells.push((r.fields.get(1), r.line));
    }
    let index = Index::from_text_labels(meta, &labels).map_err(|e| in_file(file, e))?;
    let values = parse_values(kind, &cells, spec.categories, file)?;
    Series::new(spec.key, index, values).map_err(|e| in_file(file, e))
}

fn first_label(r: &Record) -> Option<&str> {
    r.fields.first().and_then(Field::value)
}

/// Header lines of a file written by Python with unknown export options: exact for a range
/// index (its length is recorded), otherwise the first line whose index label (present) and
/// value both parse starts the data. One line when nothing decides. A string index cannot be
/// told from header cells, so there the first line with a parsable value wins.
fn detect_header_lines(
    records: &[Record],
    meta: &IndexMetadata,
    kind: ValueKind,
    spec: &ReadSpec<'_>,
) -> usize {
    if meta.index_type == "RangeIndex" {
        if let (Some(start), Some(end)) = (meta.start, meta.end) {
            let step = meta.step.filter(|s| *s != 0).unwrap_or(1);
            let n = Index::new(meteaudata_core::IndexData::Range {
                start,
                stop: end,
                step,
            })
            .map(|i| i.len())
            .unwrap_or(0);
            return records.len().saturating_sub(n).max(1);
        }
    }
    for (k, r) in records.iter().enumerate().skip(1) {
        // Header cells are never missing labels, and period labels start with their year.
        let label_ok = first_label(r).is_some_and(|l| {
            (meta.index_type != "PeriodIndex" || l.starts_with(|c: char| c.is_ascii_digit()))
                && Index::from_text_labels(meta, &[Some(l)]).is_ok()
        });
        let value_ok = r.fields.len() >= 2
            && parse_values(
                kind,
                &[(r.fields.get(1), r.line)],
                spec.categories,
                spec.file,
            )
            .is_ok();
        if label_ok && value_ok {
            return k;
        }
    }
    1
}

/// Index metadata for a file whose document has none: datetimes, integers, floats or strings,
/// whichever every label parses as.
fn infer_index_metadata<'a>(
    labels: impl Iterator<Item = Option<&'a str>> + Clone,
) -> IndexMetadata {
    let all = |f: &dyn Fn(&str) -> bool| labels.clone().all(|l| l.is_some_and(f));
    let (index_type, dtype) = if all(&|l| l.trim().parse::<i64>().is_ok()) {
        ("Index", "int64")
    } else if all(&|l| meteaudata_core::parse_float(l).is_some()) {
        ("Index", "float64")
    } else if all(&|l| Timestamp::parse(l, None).is_ok()) {
        ("DatetimeIndex", "datetime64[ns]")
    } else {
        ("Index", "str")
    };
    IndexMetadata {
        index_type: index_type.into(),
        name: None,
        frequency: None,
        time_zone: None,
        closed: None,
        categories: None,
        ordered: None,
        start: None,
        end: None,
        step: None,
        dtype: dtype.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(meta: &'a IndexMetadata, dtype: &'a str) -> ReadSpec<'a> {
        ReadSpec {
            file: "f.csv",
            key: "A#1_RAW#1",
            separator: None,
            header_lines: None,
            index_metadata: Some(meta),
            values_dtype: dtype,
            categories: None,
        }
    }

    #[test]
    fn python_multiline_headers_are_detected() {
        let meta: IndexMetadata =
            serde_yaml::from_str("type: DatetimeIndex\ndtype: datetime64[us]").unwrap();
        let s = read_csv(
            "Time,Temperature\nlocal,°C\n2024-01-01 00:00:00,1.5\n2024-01-01 01:00:00,2.5\n",
            &spec(&meta, "float64"),
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        let s = read_csv(
            "timestamp;A#1_RAW#1\n2024-01-01 00:00:00;1.5\n",
            &spec(&meta, "float64"),
        )
        .unwrap();
        assert_eq!(s.f64_values().unwrap().value(0), 1.5);
        let s = read_csv(
            "Time,T\nx,\ny,\n2024-01-01 00:00:00,1.5\n",
            &spec(&meta, "float64"),
        )
        .unwrap();
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn errors_name_the_file() {
        let meta: IndexMetadata = serde_yaml::from_str("type: Index\ndtype: int64").unwrap();
        let e = read_csv(",v\n1,2\nx,3\n", &spec(&meta, "float64")).unwrap_err();
        assert!(e.to_string().contains("f.csv"), "{e}");
        let e = read_csv("", &spec(&meta, "float64")).unwrap_err();
        assert!(e.to_string().contains("f.csv"), "{e}");
    }
}
