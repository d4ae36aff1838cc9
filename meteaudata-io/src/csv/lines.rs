//! Line numbers for CSV records, counted here from the bytes read: the `csv` crate's own line
//! count is off after CRLF endings and blank lines (rust-csv issues #395 and #208), and errors
//! must name the line a user sees in an editor.
//!
//! [`Counting`] wraps the input and notes where each line ends as the CSV parser reads ahead;
//! [`Lines::line_of`] turns a record's starting byte into its line, forgetting the line ends
//! before it (records come in order), so memory stays at what the parser has buffered.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Line ends seen and not yet passed.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    /// Lines before the current one.
    passed: u64,
    /// Byte offset where the current line starts.
    start: u64,
    /// The `\n`s read and not yet passed: their byte offset, and whether the line they end is
    /// blank (nothing but `\r`).
    ends: VecDeque<(u64, bool)>,
}

impl Lines {
    /// The 1-based line of the record the CSV parser says starts at `byte`. The parser may
    /// point before the record: at the `\n` ending the previous line (after `\r\n`) or at
    /// blank lines it skipped; the record's line is the first non-blank line starting at or
    /// after `byte`. Records come in order, so the lines before are forgotten.
    pub(crate) fn line_of(&mut self, byte: u64) -> u64 {
        let next = |l: &mut Lines| match l.ends.pop_front() {
            Some((end, _)) => {
                l.passed += 1;
                l.start = end + 1;
                true
            }
            None => false,
        };
        while self.ends.front().is_some_and(|&(e, _)| e < byte) {
            next(self);
        }
        if self.start < byte {
            next(self);
        }
        while self.ends.front().is_some_and(|&(_, blank)| blank) {
            next(self);
        }
        self.passed + 1
    }
}

/// A reader noting the offset of every `\n` it passes on, and whether its line was blank.
pub(crate) struct Counting<R> {
    inner: R,
    at: u64,
    blank: bool,
    lines: Arc<Mutex<Lines>>,
}

impl<R: Read> Counting<R> {
    /// Wraps `inner`; `lines` hears about every line end.
    pub(crate) fn new(inner: R, lines: Arc<Mutex<Lines>>) -> Self {
        Counting {
            inner,
            at: 0,
            blank: true,
            lines,
        }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut lines) = self.lines.lock() {
            for (i, &b) in buf[..n].iter().enumerate() {
                match b {
                    b'\n' => {
                        lines.ends.push_back((self.at + i as u64, self.blank));
                        self.blank = true;
                    }
                    b'\r' => {}
                    _ => self.blank = false,
                }
            }
        }
        self.at += n as u64;
        Ok(n)
    }
}
