//! Reading CSV text into records, keeping whether each field was quoted (an empty quoted field
//! is an empty string, an empty unquoted one is missing), and guessing the separator of files
//! that do not say which one they use.

use meteaudata_core::{Error, Result};

/// One field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// The text, unquoted.
    pub(crate) text: String,
    /// Whether it was written in quotes.
    pub(crate) quoted: bool,
}

impl Field {
    /// `None` for an empty unquoted field (missing), the text otherwise.
    pub(crate) fn value(&self) -> Option<&str> {
        if self.text.is_empty() && !self.quoted {
            None
        } else {
            Some(&self.text)
        }
    }
}

/// A record with the line it starts on (1-based), for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Record {
    pub(crate) line: usize,
    pub(crate) fields: Vec<Field>,
}

/// Splits `text` into records. Accepts `\n` and `\r\n` line ends and a leading BOM; skips blank
/// lines (as pandas does); an unterminated quote is an error naming `file`.
pub(crate) fn parse(text: &str, sep: char, file: &str) -> Result<Vec<Record>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut line = 1usize;
    let mut start_line = 1usize;
    let mut row_has_content = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                if c == '\n' {
                    line += 1;
                }
                cur.push(c);
            }
            continue;
        }
        match c {
            '"' if cur.is_empty() && !quoted => {
                in_quotes = true;
                quoted = true;
                row_has_content = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if row_has_content {
                    fields.push(Field {
                        text: std::mem::take(&mut cur),
                        quoted,
                    });
                    records.push(Record {
                        line: start_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                quoted = false;
                row_has_content = false;
                line += 1;
                start_line = line;
            }
            c if c == sep => {
                fields.push(Field {
                    text: std::mem::take(&mut cur),
                    quoted,
                });
                quoted = false;
                row_has_content = true;
            }
            c => {
                cur.push(c);
                row_has_content = true;
            }
        }
    }
    if in_quotes {
        return Err(Error::Corrupt {
            location: file.to_string(),
            message: format!("a quoted field opened on line {start_line} is never closed"),
        });
    }
    if row_has_content {
        fields.push(Field { text: cur, quoted });
        records.push(Record {
            line: start_line,
            fields,
        });
    }
    Ok(records)
}

/// Separators tried, in order, for files that do not record theirs.
const CANDIDATES: [char; 6] = [',', ';', '\t', '|', ':', ' '];

/// Guesses the separator of a file written by Python with unknown export options: the first
/// candidate with which every record has at least two fields. When the first line ends with
/// `<sep><value header>`, that character is tried first.
pub(crate) fn guess_separator(text: &str, value_header: &str, file: &str) -> Result<char> {
    let first_line = text.lines().next().unwrap_or("");
    let mut candidates: Vec<char> = Vec::new();
    if let Some(head) = first_line.trim_end_matches('\r').strip_suffix(value_header) {
        if let Some(c) = head.chars().last() {
            if c != '"' {
                candidates.push(c);
            }
        }
    }
    candidates.extend(CANDIDATES);
    for sep in candidates {
        if let Ok(records) = parse(text, sep, file) {
            if !records.is_empty() && records.iter().all(|r| r.fields.len() >= 2) {
                return Ok(sep);
            }
        }
    }
    Err(Error::Corrupt {
        location: file.to_string(),
        message: "cannot find the separator: no candidate (, ; tab | : space) splits every line \
                  into an index and a value column"
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(r: &Record) -> Vec<Option<&str>> {
        r.fields.iter().map(Field::value).collect()
    }

    #[test]
    fn quoting_and_missing() {
        let recs = parse(
            "\u{feff},\"v,w\"\r\n0,\"a,b\"\n\n1,\"q\"\"x\"\n2,\"l\nm\"\n3,\n4,\"\"",
            ',',
            "f.csv",
        )
        .unwrap();
        assert_eq!(recs.len(), 6);
        assert_eq!(texts(&recs[0]), [None, Some("v,w")]);
        assert_eq!(texts(&recs[1]), [Some("0"), Some("a,b")]);
        assert_eq!(recs[2].line, 4);
        assert_eq!(texts(&recs[2]), [Some("1"), Some("q\"x")]);
        assert_eq!(texts(&recs[3]), [Some("2"), Some("l\nm")]);
        assert_eq!(recs[4].line, 7);
        assert_eq!(texts(&recs[4]), [Some("3"), None]);
        assert_eq!(texts(&recs[5]), [Some("4"), Some("")]);
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        let e = parse("a,\"b\n", ',', "x.csv").unwrap_err();
        assert!(e.to_string().contains("x.csv"));
    }

    #[test]
    fn separator_guess() {
        let t = "timestamp;A#1_RAW#1\n2024-01-01 00:00:00;1.5\n";
        assert_eq!(guess_separator(t, "A#1_RAW#1", "f").unwrap(), ';');
        let t = ",A#1_RAW#1\n2024-01-01,1.5\n";
        assert_eq!(guess_separator(t, "A#1_RAW#1", "f").unwrap(), ',');
        let t = "i\tv\nx\t1.0\n";
        assert_eq!(guess_separator(t, "zzz", "f").unwrap(), '\t');
        assert!(guess_separator("justone\n", "v", "f").is_err());
    }
}
