//! Text forms of single values as pandas writes them in CSV files: Python's shortest float
//! `repr`, datetimes with the precision the column needs, and timedeltas.

use meteaudata_core::{nanos_to_naive, TimeZone};

const NS_PER_SEC: i64 = 1_000_000_000;
const NS_PER_DAY: i64 = 86_400 * NS_PER_SEC;

/// Python's `repr` of a float: shortest round-trip digits, positional between `1e-4` and
/// `1e16`, otherwise `d.ddde±XX`; `nan`, `inf`, `-inf` for the specials.
///
/// `sci` is Rust's shortest `{:e}` form of the value (which is what makes this work for both
/// `f64` and `f32`).
fn py_repr_from_sci(sci: &str) -> String {
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (sci, 0),
    };
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exp) {
        if exp >= 0 {
            let point = exp as usize + 1;
            let mut int = digits.clone();
            while int.len() < point {
                int.push('0');
            }
            let (i, f) = int.split_at(point);
            let f = if f.is_empty() { "0" } else { f };
            format!("{sign}{i}.{f}")
        } else {
            let zeros = "0".repeat((-exp - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{esign}{:02}", exp.abs())
    }
}

/// Python's `repr(float)`.
pub(crate) fn py_float(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        py_repr_from_sci(&format!("{v:e}"))
    }
}

/// numpy's `str(float32)`: the same layout with the shortest `f32` digits.
pub(crate) fn py_float32(v: f32) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        py_repr_from_sci(&format!("{v:e}"))
    }
}

/// How zoned datetimes of one column are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ZoneText {
    /// Naive values: wall-clock text without offset.
    Naive,
    /// Wall-clock time in the zone with its offset per row (`-05:00`), as pandas writes it.
    Local(TimeZone),
    /// The UTC instant with `+00:00` (used when the offsets of a named zone change inside the
    /// column or are not whole minutes: Python 0.12.1 cannot parse mixed offsets).
    Utc,
}

impl ZoneText {
    /// Picks the text for a column of instants in `tz`.
    pub(crate) fn choose(nanos: impl Iterator<Item = i64>, tz: Option<TimeZone>) -> ZoneText {
        let Some(zone) = tz else {
            return ZoneText::Naive;
        };
        if zone == TimeZone::Utc {
            return ZoneText::Utc;
        }
        let mut first = None;
        for n in nanos {
            let off = zone.offset_at(&nanos_to_naive(n)).local_minus_utc();
            if off % 60 != 0 || first.is_some_and(|f| f != off) {
                return ZoneText::Utc;
            }
            first = Some(off);
        }
        ZoneText::Local(zone)
    }
}

/// Fractional digits a column of nanosecond values needs: 0, 3, 6 or 9 (as pandas pads).
fn datetime_precision(nanos: &[i64]) -> usize {
    let frac = |n: &i64| n.rem_euclid(NS_PER_SEC);
    if nanos.iter().all(|n| frac(n) == 0) {
        0
    } else if nanos.iter().all(|n| frac(n) % 1_000_000 == 0) {
        3
    } else if nanos.iter().all(|n| frac(n) % 1_000 == 0) {
        6
    } else {
        9
    }
}

fn push_fraction(s: &mut String, frac: i64, digits: usize) {
    if digits == 0 {
        return;
    }
    let scaled = frac / 10i64.pow(9 - digits as u32);
    s.push_str(&format!(".{scaled:0digits$}"));
}

/// Formats a column of datetimes as pandas does: `YYYY-MM-DD HH:MM:SS[.f]` with one fraction
/// width for the column, a date only when every naive value is at midnight, and the offset of
/// each row for zoned values. `None` entries (missing) stay `None`.
pub(crate) fn datetime_column(values: &[Option<i64>], text: ZoneText) -> Vec<Option<String>> {
    let present: Vec<i64> = values.iter().flatten().copied().collect();
    let digits = datetime_precision(&present);
    let date_only = text == ZoneText::Naive
        && !present.is_empty()
        && present.iter().all(|n| n.rem_euclid(NS_PER_DAY) == 0);
    values
        .iter()
        .map(|v| {
            v.map(|n| {
                let utc = nanos_to_naive(n);
                let (wall, offset) = match text {
                    ZoneText::Naive => (utc, None),
                    ZoneText::Utc => (utc, Some(0)),
                    ZoneText::Local(z) => {
                        let off = z.offset_at(&utc);
                        (utc + off, Some(off.local_minus_utc()))
                    }
                };
                if date_only {
                    return wall.format("%Y-%m-%d").to_string();
                }
                let mut s = wall.format("%Y-%m-%d %H:%M:%S").to_string();
                push_fraction(&mut s, n.rem_euclid(NS_PER_SEC), digits);
                if let Some(secs) = offset {
                    let sign = if secs < 0 { '-' } else { '+' };
                    let a = secs.abs();
                    s.push_str(&format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60));
                }
                s
            })
        })
        .collect()
}

/// Formats a column of durations as pandas does: `D days HH:MM:SS[.f]`, negative values as
/// `-1 days +23:59:59`, with 6 or 9 fractional digits when any value needs them.
pub(crate) fn timedelta_column(values: &[Option<i64>]) -> Vec<Option<String>> {
    let present: Vec<i64> = values.iter().flatten().copied().collect();
    let digits = match datetime_precision(&present) {
        0 => 0,
        3 | 6 => 6,
        _ => 9,
    };
    values
        .iter()
        .map(|v| {
            v.map(|n| {
                let days = n.div_euclid(NS_PER_DAY);
                let rem = n.rem_euclid(NS_PER_DAY);
                let secs = rem / NS_PER_SEC;
                let sign = if n < 0 { "+" } else { "" };
                let mut s = format!(
                    "{days} days {sign}{:02}:{:02}:{:02}",
                    secs / 3600,
                    (secs % 3600) / 60,
                    secs % 60
                );
                push_fraction(&mut s, rem % NS_PER_SEC, digits);
                s
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_python_writes_them() {
        for (v, t) in [
            (1e16, "1e+16"),
            (1e-5, "1e-05"),
            (0.1, "0.1"),
            (-0.0, "-0.0"),
            (123456789.123, "123456789.123"),
            (1e15, "1000000000000000.0"),
            (1.5e300, "1.5e+300"),
            (3.0, "3.0"),
            (0.0001, "0.0001"),
            (24.451500000000003, "24.451500000000003"),
            (-2.5e-7, "-2.5e-07"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(py_float(v), t);
            if v.is_finite() {
                assert_eq!(t.parse::<f64>().unwrap().to_bits(), v.to_bits());
            }
        }
        assert_eq!(py_float32(1.1), "1.1");
        assert_eq!(py_float32(3.402_823_5e38), "3.4028235e+38");
        assert_eq!(py_float32(1e-45), "1e-45");
    }

    #[test]
    fn datetimes_as_pandas_writes_them() {
        let day = NS_PER_DAY;
        let col = datetime_column(&[Some(0), None, Some(2 * day)], ZoneText::Naive);
        assert_eq!(
            col,
            [Some("1970-01-01".into()), None, Some("1970-01-03".into())]
        );
        let col = datetime_column(&[Some(500_000_000), Some(day)], ZoneText::Naive);
        assert_eq!(col[0].as_deref(), Some("1970-01-01 00:00:00.500"));
        assert_eq!(col[1].as_deref(), Some("1970-01-02 00:00:00.000"));
        let col = datetime_column(&[Some(1), Some(day)], ZoneText::Utc);
        assert_eq!(
            col[0].as_deref(),
            Some("1970-01-01 00:00:00.000000001+00:00")
        );
        let tz: TimeZone = "America/Toronto".parse().unwrap();
        let t = 1_710_054_000 * NS_PER_SEC; // 2024-03-10 07:00 UTC
        assert_eq!(
            ZoneText::choose([t].into_iter(), Some(tz)),
            ZoneText::Local(tz)
        );
        assert_eq!(
            ZoneText::choose([t - 3600 * NS_PER_SEC, t].into_iter(), Some(tz)),
            ZoneText::Utc
        );
        let col = datetime_column(&[Some(t)], ZoneText::Local(tz));
        assert_eq!(col[0].as_deref(), Some("2024-03-10 03:00:00-04:00"));
    }

    #[test]
    fn timedeltas_as_pandas_writes_them() {
        let s = NS_PER_SEC;
        let col = timedelta_column(&[Some(0), Some(30 * s), Some(60 * s)]);
        assert_eq!(col[1].as_deref(), Some("0 days 00:00:30"));
        let col = timedelta_column(&[Some(-s), Some(NS_PER_DAY + s / 2)]);
        assert_eq!(col[0].as_deref(), Some("-1 days +23:59:59.000000"));
        assert_eq!(col[1].as_deref(), Some("1 days 00:00:00.500000"));
        let col = timedelta_column(&[Some(1), Some(i64::MIN)]);
        assert_eq!(col[0].as_deref(), Some("0 days 00:00:00.000000001"));
        let back = meteaudata_core::parse_timedelta(col[1].as_deref().unwrap()).unwrap();
        assert_eq!(back, i64::MIN);
    }
}
