//! Cells as values: pandas' missing-value tokens, the column types a CSV column can have
//! (float, integer, boolean, text) and how they are inferred and parsed.
//!
//! The rules follow `pandas.read_csv` with its defaults: the cells listed in
//! [`PANDAS_NA_TOKENS`] are missing; a column is integer when every present cell is an
//! integer and none is missing (pandas gives `float64` to an integer column with a missing
//! cell), float when every present cell is a number, boolean when every present cell is
//! `True`/`False` (in any of pandas' spellings), and text otherwise. Decimal commas are read
//! when the decimal separator is `,`.

/// The cells pandas reads as missing by default (`na_values`' default list).
pub const PANDAS_NA_TOKENS: &[&str] = &[
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// The type of a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    /// 64-bit floats (missing cells are NaN).
    Float,
    /// 64-bit integers.
    Int,
    /// Booleans.
    Bool,
    /// Text (pandas' `object` dtype).
    Text,
}

impl ColumnType {
    /// The type's name as the CLI and errors spell it.
    pub fn as_str(&self) -> &'static str {
        match self {
            ColumnType::Float => "float",
            ColumnType::Int => "int",
            ColumnType::Bool => "bool",
            ColumnType::Text => "text",
        }
    }
}

impl std::str::FromStr for ColumnType {
    type Err = meteaudata_core::Error;
    fn from_str(s: &str) -> meteaudata_core::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "float" | "float64" | "f64" => Ok(ColumnType::Float),
            "int" | "int64" | "integer" | "i64" => Ok(ColumnType::Int),
            "bool" | "boolean" => Ok(ColumnType::Bool),
            "text" | "str" | "string" | "object" => Ok(ColumnType::Text),
            _ => Err(meteaudata_core::Error::parse(
                "column type",
                format!("{s:?} is not one of float, int, bool, text"),
            )),
        }
    }
}

/// How cells are read: which are missing and which character separates decimals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellRules {
    /// Cells read as missing (compared after trimming spaces).
    pub na: Vec<String>,
    /// The decimal separator, `.` or `,`.
    pub decimal: char,
}

impl Default for CellRules {
    fn default() -> Self {
        CellRules {
            na: PANDAS_NA_TOKENS.iter().map(|s| s.to_string()).collect(),
            decimal: '.',
        }
    }
}

impl CellRules {
    /// Whether `cell` is missing.
    pub fn is_na(&self, cell: &str) -> bool {
        let t = cell.trim();
        self.na.iter().any(|n| n == t)
    }

    /// `cell` as an integer (optional sign, digits; nothing else).
    pub fn int(&self, cell: &str) -> Option<i64> {
        let t = cell.trim();
        let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    }

    /// `cell` as a float, with this decimal separator; `inf`, `-inf` and `nan` spelled as
    /// Python writes them are read too.
    pub fn float(&self, cell: &str) -> Option<f64> {
        let t = cell.trim();
        if self.decimal == ',' {
            if t.contains('.') {
                return None;
            }
            return meteaudata_core::parse_float(&t.replacen(',', ".", 1));
        }
        if t.contains(',') || t.is_empty() {
            return None;
        }
        // Rust also reads "infinity"-like words and hex-free forms pandas reads; words that
        // are neither numbers nor pandas' spellings are text.
        let lower = t.to_ascii_lowercase();
        let word = lower.trim_start_matches(['+', '-']);
        if word.starts_with(|c: char| c.is_ascii_alphabetic())
            && !matches!(word, "inf" | "infinity" | "nan")
        {
            return None;
        }
        meteaudata_core::parse_float(t)
    }

    /// `cell` as a boolean in pandas' spellings (`True`, `TRUE`, `true` and the same for false).
    pub fn bool(&self, cell: &str) -> Option<bool> {
        match cell.trim() {
            "True" | "TRUE" | "true" => Some(true),
            "False" | "FALSE" | "false" => Some(false),
            _ => None,
        }
    }
}

/// What the cells of a column seen so far allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Inference {
    int: bool,
    float: bool,
    bool: bool,
    present: usize,
    missing: usize,
}

impl Default for Inference {
    fn default() -> Self {
        Inference {
            int: true,
            float: true,
            bool: true,
            present: 0,
            missing: 0,
        }
    }
}

impl Inference {
    /// Takes `cell` into account.
    pub(crate) fn see(&mut self, rules: &CellRules, cell: &str) {
        if rules.is_na(cell) {
            self.missing += 1;
            return;
        }
        self.present += 1;
        if self.int && rules.int(cell).is_none() {
            self.int = false;
        }
        if self.float && rules.float(cell).is_none() {
            self.float = false;
        }
        if self.bool && rules.bool(cell).is_none() {
            self.bool = false;
        }
    }

    /// The column's type: the narrowest that reads every present cell (a column with no
    /// present cell is float, as pandas reads an all-missing column).
    pub(crate) fn column_type(&self) -> ColumnType {
        if self.present == 0 {
            ColumnType::Float
        } else if self.int && self.missing == 0 {
            ColumnType::Int
        } else if self.float {
            ColumnType::Float
        } else if self.bool {
            ColumnType::Bool
        } else {
            ColumnType::Text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(cells: &[&str], rules: &CellRules) -> ColumnType {
        let mut i = Inference::default();
        for c in cells {
            i.see(rules, c);
        }
        i.column_type()
    }

    #[test]
    fn types_as_pandas_infers_them() {
        let r = CellRules::default();
        assert_eq!(infer(&["1", "-2", "+3"], &r), ColumnType::Int);
        assert_eq!(infer(&["1", "", "3"], &r), ColumnType::Float, "int with NA");
        assert_eq!(
            infer(&["1.5", "N/A", "1e3", "inf", "-inf"], &r),
            ColumnType::Float
        );
        assert_eq!(infer(&["True", "false", "NA"], &r), ColumnType::Bool);
        assert_eq!(infer(&["sunny", "1.0"], &r), ColumnType::Text);
        assert_eq!(infer(&["NA", "null", ""], &r), ColumnType::Float);
        assert_eq!(
            infer(&["1,5"], &r),
            ColumnType::Text,
            "decimal comma needs decimal=','"
        );
        let comma = CellRules {
            decimal: ',',
            ..CellRules::default()
        };
        assert_eq!(infer(&["1,5", "-0,25", "3"], &comma), ColumnType::Float);
        assert_eq!(comma.float("-0,25"), Some(-0.25));
        assert_eq!(comma.float("1.5"), None);
        assert!(r.float("infinity").is_some_and(f64::is_infinite));
        assert_eq!(r.float("e5"), None);
        assert_eq!(r.int("12a"), None);
        assert_eq!(r.int("99999999999999999999"), None);
    }
}
