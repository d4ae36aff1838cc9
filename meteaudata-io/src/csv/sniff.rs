//! Guessing how a CSV file is written from its first lines: the encoding marks it may start
//! with, the delimiter and the decimal separator.

use meteaudata_core::{Error, Result};

/// Bytes of the file's start looked at.
pub(crate) const HEAD_BYTES: usize = 64 * 1024;
/// Delimiters tried, in order of preference on ties.
const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Refuses text that is not UTF-8 by its byte-order mark (UTF-16 and UTF-32), naming the
/// encoding; a UTF-8 mark is fine (the CSV reader skips it).
pub(crate) fn check_encoding(head: &[u8], source: &str) -> Result<()> {
    let utf = |name: &str| {
        Err(Error::parse(
            "CSV",
            format!(
                "{source}: the file is {name} text; convert it to UTF-8 (for example with iconv)"
            ),
        ))
    };
    if head.starts_with(&[0xFF, 0xFE, 0, 0]) || head.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return utf("UTF-32");
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return utf("UTF-16");
    }
    Ok(())
}

/// The first complete lines of `head` (up to 50), without quoted delimiters' influence being
/// considered beyond skipping quoted text.
fn lines(head: &[u8]) -> Vec<&[u8]> {
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let complete = match head.iter().rposition(|&b| b == b'\n') {
        Some(end) if head.len() == HEAD_BYTES => &head[..end],
        _ => head,
    };
    complete
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .take(50)
        .collect()
}

/// Occurrences of `d` in `line` outside double quotes.
fn count(line: &[u8], d: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

/// The delimiter: the candidate found the same number of times (at least once) on every
/// line, the most often; else the one found most often; else `,`.
pub(crate) fn delimiter(head: &[u8]) -> u8 {
    let lines = lines(head);
    if lines.is_empty() {
        return b',';
    }
    let mut best: Option<(bool, usize, u8)> = None;
    for d in DELIMITERS {
        let counts: Vec<usize> = lines.iter().map(|l| count(l, d)).collect();
        let total: usize = counts.iter().sum();
        if total == 0 {
            continue;
        }
        let consistent = counts.iter().all(|&c| c == counts[0]);
        let score = (consistent, if consistent { counts[0] } else { total }, d);
        if best.is_none_or(|b| (score.0, score.1) > (b.0, b.1)) {
            best = Some(score);
        }
    }
    best.map_or(b',', |b| b.2)
}

/// The decimal separator with delimiter `d`: `,` when numbers after the first line are
/// written `12,5` and none `12.5` (only possible when `d` is not `,`).
pub(crate) fn decimal(head: &[u8], d: u8) -> char {
    if d == b',' {
        return '.';
    }
    let (mut comma, mut dot) = (false, false);
    for line in lines(head).iter().skip(1) {
        for field in line.split(|&b| b == d) {
            let f = String::from_utf8_lossy(field);
            let f = f.trim().trim_matches('"');
            let digits = f.strip_prefix(['+', '-']).unwrap_or(f);
            let mut parts = digits.splitn(2, [',', '.']);
            let (a, b) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let numeric = !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit());
            if numeric {
                comma |= digits.contains(',');
                dot |= digits.contains('.');
            }
        }
    }
    if comma && !dot {
        ','
    } else {
        '.'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_and_decimals() {
        assert_eq!(delimiter(b"time,a,b\n1,2,3\n"), b',');
        assert_eq!(delimiter(b"time;a;b\n2012/01/01;1,5;2,5\n"), b';');
        assert_eq!(delimiter(b"time\ta\n2012-01-01\t1,000\n"), b'\t');
        assert_eq!(delimiter(b"\"a,b\";c\n\"x,y\";1\n"), b';');
        assert_eq!(delimiter(b"just one column\nvalue\n"), b',');
        assert_eq!(decimal(b"time;a\n2012;1,5\n2013;-2,25\n", b';'), ',');
        assert_eq!(decimal(b"time;a\n2012;1.5\n2013;2,5\n", b';'), '.');
        assert_eq!(decimal(b"time,a\n2012,1\n", b','), '.');
    }

    #[test]
    fn utf16_is_refused_by_name() {
        let e = check_encoding(&[0xFF, 0xFE, b'a', 0], "f.csv").unwrap_err();
        assert!(e.to_string().contains("UTF-16"), "{e}");
        assert!(check_encoding(&[0xEF, 0xBB, 0xBF, b'a'], "f.csv").is_ok());
    }
}
