//! Writing the two-column CSV files of an archive: minimal quoting as Python's `csv` module
//! does it, `\n` line ends, any one-character separator.

/// One field to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Nothing between the separators (a missing value, or an empty header cell).
    Empty,
    /// Text, quoted only when it holds the separator, a quote or a line break. An empty string
    /// is written as `""` so that it reads back as an empty string, not as missing.
    Text(String),
}

/// Accumulates CSV text.
pub(crate) struct CsvWriter {
    sep: char,
    out: String,
}

impl CsvWriter {
    pub(crate) fn new(sep: char) -> Self {
        CsvWriter {
            sep,
            out: String::new(),
        }
    }

    fn push_field(&mut self, cell: &Cell) {
        match cell {
            Cell::Empty => {}
            Cell::Text(t) if t.is_empty() => self.out.push_str("\"\""),
            Cell::Text(t) => {
                let needs = t
                    .chars()
                    .any(|c| c == self.sep || c == '"' || c == '\n' || c == '\r');
                if needs {
                    self.out.push('"');
                    self.out.push_str(&t.replace('"', "\"\""));
                    self.out.push('"');
                } else {
                    self.out.push_str(t);
                }
            }
        }
    }

    /// Writes one row of cells.
    pub(crate) fn row(&mut self, cells: &[&Cell]) {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(self.sep);
            }
            self.push_field(c);
        }
        self.out.push('\n');
    }

    /// Writes a header row: an empty name is an empty field (as pandas writes an unnamed
    /// index), other names follow the quoting rules.
    pub(crate) fn header(&mut self, names: &[&str]) {
        let cells: Vec<Cell> = names
            .iter()
            .map(|n| {
                if n.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(n.to_string())
                }
            })
            .collect();
        let refs: Vec<&Cell> = cells.iter().collect();
        self.row(&refs);
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_quoting() {
        let mut w = CsvWriter::new(',');
        w.header(&["", "v,w"]);
        for t in ["a,b", "q\"x", "l\nm", " sp", ""] {
            w.row(&[&Cell::Text("0".into()), &Cell::Text(t.into())]);
        }
        w.row(&[&Cell::Text("1".into()), &Cell::Empty]);
        assert_eq!(
            w.finish(),
            ",\"v,w\"\n0,\"a,b\"\n0,\"q\"\"x\"\n0,\"l\nm\"\n0, sp\n0,\"\"\n1,\n"
        );
        let mut w = CsvWriter::new(';');
        w.header(&["timestamp", "A#1_RAW#1"]);
        w.row(&[&Cell::Text("a,b".into()), &Cell::Text("x;y".into())]);
        assert_eq!(w.finish(), "timestamp;A#1_RAW#1\na,b;\"x;y\"\n");
    }
}
