//! What a CSV read is told: every choice has a default that reads common files as pandas
//! would, and each can be set.

use std::collections::HashMap;

use meteaudata_core::TimeZone;

use super::times::TimeFormat;
use super::values::{ColumnType, PANDAS_NA_TOKENS};
use super::zone::{Ambiguous, Nonexistent};

/// Rows read first to infer the delimiter's use, the header, the time format and the column
/// types.
pub const SAMPLE_ROWS: usize = 1000;

/// Options of a CSV read (builder style; see [`CsvReader`](super::CsvReader)).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CsvOptions {
    /// Field delimiter; `None`: sniffed among `,` `;` tab and `|`.
    pub delimiter: Option<u8>,
    /// Decimal separator; `None`: `,` when the delimiter is not `,` and numbers are written
    /// with decimal commas, else `.`.
    pub decimal: Option<char>,
    /// Whether the first row names the columns; `None`: yes unless it holds a number or a
    /// date. Without a header, columns are named by their position (`0`, `1`, …).
    pub header: Option<bool>,
    /// The time column's name (after renaming, or as in the file); `None`: the column named
    /// like a time (`time`, `date`, `datetime`, `timestamp`…) or else the first whose cells
    /// are all dates.
    pub time_column: Option<String>,
    /// How times are written.
    pub time_format: TimeFormat,
    /// With the year last and slashes, read the day first (`01/02/2012` is 1 February).
    pub dayfirst: bool,
    /// Cells read as missing.
    pub na: Vec<String>,
    /// The value columns to keep (names after renaming); `None`: all.
    pub columns: Option<Vec<String>>,
    /// New names for columns (`old` → `new`).
    pub rename: Vec<(String, String)>,
    /// Column types that are not to be inferred.
    pub types: HashMap<String, ColumnType>,
    /// The zone of times written without an offset; `None`: they stay naive. Times written
    /// with an offset are instants either way (shown in this zone, or UTC without one).
    pub tz: Option<TimeZone>,
    /// Wall-clock times a spring-forward change skips.
    pub nonexistent: Nonexistent,
    /// Wall-clock times a fall-back change repeats.
    pub ambiguous: Ambiguous,
    /// Rows per chunk of [`CsvReader::next_chunk`](super::CsvReader::next_chunk).
    pub chunk_rows: usize,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: None,
            decimal: None,
            header: None,
            time_column: None,
            time_format: TimeFormat::Auto,
            dayfirst: false,
            na: PANDAS_NA_TOKENS.iter().map(|s| s.to_string()).collect(),
            columns: None,
            rename: Vec::new(),
            types: HashMap::new(),
            tz: None,
            nonexistent: Nonexistent::Raise,
            ambiguous: Ambiguous::Raise,
            chunk_rows: 1 << 16,
        }
    }
}

impl CsvOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the delimiter.
    pub fn delimiter(mut self, d: u8) -> Self {
        self.delimiter = Some(d);
        self
    }
    /// Sets the decimal separator.
    pub fn decimal(mut self, d: char) -> Self {
        self.decimal = Some(d);
        self
    }
    /// Says whether the first row is a header.
    pub fn header(mut self, h: bool) -> Self {
        self.header = Some(h);
        self
    }
    /// Names the time column.
    pub fn time_column(mut self, name: impl Into<String>) -> Self {
        self.time_column = Some(name.into());
        self
    }
    /// Sets the time format.
    pub fn time_format(mut self, f: TimeFormat) -> Self {
        self.time_format = f;
        self
    }
    /// Reads slashed dates with the year last day first.
    pub fn dayfirst(mut self, yes: bool) -> Self {
        self.dayfirst = yes;
        self
    }
    /// Adds a cell read as missing (besides pandas' tokens).
    pub fn na_token(mut self, token: impl Into<String>) -> Self {
        self.na.push(token.into());
        self
    }
    /// Replaces the missing-cell tokens.
    pub fn na_tokens(mut self, tokens: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.na = tokens.into_iter().map(Into::into).collect();
        self
    }
    /// Keeps only these value columns.
    pub fn columns(mut self, names: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.columns = Some(names.into_iter().map(Into::into).collect());
        self
    }
    /// Renames column `from` to `to`.
    pub fn rename(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.rename.push((from.into(), to.into()));
        self
    }
    /// Sets a column's type instead of inferring it.
    pub fn column_type(mut self, name: impl Into<String>, t: ColumnType) -> Self {
        self.types.insert(name.into(), t);
        self
    }
    /// Sets the zone of times written without an offset.
    pub fn tz(mut self, zone: TimeZone) -> Self {
        self.tz = Some(zone);
        self
    }
    /// Sets the policy for skipped wall-clock times.
    pub fn nonexistent(mut self, p: Nonexistent) -> Self {
        self.nonexistent = p;
        self
    }
    /// Sets the policy for repeated wall-clock times.
    pub fn ambiguous(mut self, p: Ambiguous) -> Self {
        self.ambiguous = p;
        self
    }
    /// Sets the rows per chunk (at least 1).
    pub fn chunk_rows(mut self, n: usize) -> Self {
        self.chunk_rows = n.max(1);
        self
    }
}
