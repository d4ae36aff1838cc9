//! CSV files in: the files people have, read as pandas would read them.
//!
//! [`CsvReader`] looks at the first rows of a file to work out how it is written (see
//! [`CsvLayout`]): the delimiter (`,` `;` tab `|`), decimal commas, whether the first row is a
//! header, which column holds the times and in which form, and the type of every other column
//! (float, integer, boolean or text). Each choice can be fixed with [`CsvOptions`]. Rows then
//! come a chunk at a time ([`CsvReader::next_chunk`]: bounded memory for files of any size) or
//! all at once ([`CsvReader::read_all`]).
//!
//! ```
//! use meteaudata_io::csv::{CsvOptions, CsvReader, ColumnType};
//! let text = "Date;Temp;Weather\n2012/01/01 00:00;1,5;sunny\n2012/01/01 01:00;N/A;rain\n";
//! let reader = CsvReader::from_reader(std::io::Cursor::new(text), "weather.csv", &CsvOptions::new())?;
//! let layout = reader.layout().clone();
//! assert_eq!((layout.delimiter, layout.decimal), (b';', ','));
//! assert_eq!(layout.time_column.0, "Date");
//! assert_eq!(layout.columns[1].column_type, ColumnType::Text);
//! let series = reader.read_all()?;
//! let temp = series[0].f64_values().unwrap();
//! assert_eq!(temp.value(0), 1.5);
//! assert!(temp.value(1).is_nan());
//! # Ok::<(), meteaudata_core::Error>(())
//! ```
//!
//! Times without an offset stay naive unless a zone is given ([`CsvOptions::tz`]); then the
//! wall-clock times a DST change skips or repeats follow [`Nonexistent`] and [`Ambiguous`], as
//! pandas' `tz_localize` does. Every error names the file and the line.

mod lines;
mod options;
mod reader;
mod sniff;
mod times;
mod values;
mod zone;

pub use options::{CsvOptions, SAMPLE_ROWS};
pub use reader::{CsvChunk, CsvColumn, CsvLayout, CsvReader};
pub use times::{CellTime, EpochUnit, TimeFormat, TimeParser};
pub use values::{CellRules, ColumnType, PANDAS_NA_TOKENS};
pub use zone::{Ambiguous, Localizer, Nonexistent};
