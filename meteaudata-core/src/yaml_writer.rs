//! A YAML emitter whose output PyYAML (`yaml.safe_load`, YAML 1.1) reads back as exactly the
//! same values.
//!
//! General YAML 1.2 emitters leave strings such as `yes`, `1:20`, `2024-01-01` or `010` plain;
//! PyYAML's 1.1 resolver turns those into booleans, sexagesimal integers, dates and octals, and
//! pydantic then rejects them. This writer keeps PyYAML's block layout (indent 2, sequences not
//! indented under their key) and only leaves a string plain when it starts with a letter, holds
//! nothing but letters, digits, spaces and `_-./#()+`, and is not a 1.1 boolean or null word;
//! everything else is double-quoted with escapes for every character PyYAML would not accept raw.

use serde_yaml::Value;
use std::fmt::Write;

/// Emits `value` as a YAML document.
pub(crate) fn emit(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Mapping(m) if !m.is_empty() => mapping(&mut out, m, 0),
        Value::Sequence(s) if !s.is_empty() => sequence(&mut out, s, 0),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn untag(v: &Value) -> &Value {
    match v {
        Value::Tagged(t) => untag(&t.value),
        other => other,
    }
}

fn is_block(v: &Value) -> bool {
    match untag(v) {
        Value::Mapping(m) => !m.is_empty(),
        Value::Sequence(s) => !s.is_empty(),
        _ => false,
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn mapping(out: &mut String, m: &serde_yaml::Mapping, indent: usize) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str(&scalar(untag(k)));
        out.push(':');
        value_after_key(out, v, indent);
    }
}

fn value_after_key(out: &mut String, v: &Value, indent: usize) {
    match untag(v) {
        Value::Mapping(m) if !m.is_empty() => {
            out.push('\n');
            pad(out, indent + 2);
            mapping(out, m, indent + 2);
        }
        Value::Sequence(s) if !s.is_empty() => {
            out.push('\n');
            pad(out, indent);
            sequence(out, s, indent);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn sequence(out: &mut String, s: &[Value], indent: usize) {
    for (i, item) in s.iter().enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str("- ");
        match untag(item) {
            Value::Mapping(m) if is_block(item) => mapping(out, m, indent + 2),
            Value::Sequence(inner) if is_block(item) => sequence(out, inner, indent + 2),
            other => {
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.to_string()
            } else if let Some(u) = n.as_u64() {
                u.to_string()
            } else {
                float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => string(s),
        Value::Mapping(_) => "{}".into(),
        Value::Sequence(_) => "[]".into(),
        Value::Tagged(t) => scalar(untag(&t.value)),
    }
}

/// A float as PyYAML's 1.1 resolver recognises it: a `.` in the mantissa and a signed
/// exponent (`1.0e-300`, `1.0e+188`), `.nan`, `.inf`, `-.inf`.
pub(crate) fn float(x: f64) -> String {
    if x.is_nan() {
        return ".nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let s = format!("{x:?}");
    match s.split_once('e') {
        None => s,
        Some((mant, exp)) => {
            let mant = if mant.contains('.') {
                mant.to_string()
            } else {
                format!("{mant}.0")
            };
            let exp = if exp.starts_with('-') {
                exp.to_string()
            } else {
                format!("+{exp}")
            };
            format!("{mant}e{exp}")
        }
    }
}

const YAML11_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
];

fn plain_ok(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_ascii_alphabetic()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-./#()+".contains(c))
        && !s.ends_with(' ')
        && !s.contains(" #")
        && !s.contains("  ")
        && !YAML11_WORDS.contains(&s)
}

fn string(s: &str) -> String {
    if plain_ok(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c if (0xd800..0xe000).contains(&(c as u32)) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_pyyaml_reads_as_floats() {
        assert_eq!(float(1e-300), "1.0e-300");
        assert_eq!(float(1.5e188), "1.5e+188");
        assert_eq!(float(0.1), "0.1");
        assert_eq!(float(-0.0), "-0.0");
        assert_eq!(float(3.0), "3.0");
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "yes",
            "on",
            "1:20",
            "2024-01-01",
            "010",
            "0x1F",
            "",
            " a",
            "a ",
            "-",
            "a: b",
            "a #b",
            "~",
            "null",
            ".inf",
            "2h",
        ] {
            assert!(string(s).starts_with('"'), "{s:?}");
        }
        for s in [
            "RAW",
            "Temperature#1_RAW#1",
            "Demo project",
            "mg/L",
            "A#1_LIN-INT#1",
        ] {
            assert_eq!(string(s), s);
        }
        assert_eq!(string("°C\n\u{85}"), "\"°C\\n\\x85\"");
    }

    #[test]
    fn block_layout() {
        let v: Value =
            serde_yaml::from_str("a: {b: [1, {c: d, e: []}], f: {}}\ng: [[1, 2]]\n").unwrap();
        let text = emit(&v);
        assert_eq!(
            text,
            "a:\n  b:\n  - 1\n  - c: d\n    e: []\n  f: {}\ng:\n- - 1\n  - 2\n"
        );
        let back: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
