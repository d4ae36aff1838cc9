//! Escaping of user text (names, units, parameter values) for XML/HTML and Graphviz DOT.
//!
//! Every piece of user text that ends up in an SVG, HTML or DOT file goes through one of these
//! functions, so names such as `a<b&"c'>` can neither break the markup nor inject any.
//!
//! ```
//! use meteaudata_viz::escape::{xml, dot};
//! assert_eq!(xml(r#"<a & "b" 'c'>"#), "&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt;");
//! assert_eq!(dot("say \"hi\"\n"), "say \\\"hi\\\"\\n");
//! ```

use std::borrow::Cow;

/// Escapes text for XML/HTML element content and attribute values: `<`, `>`, `&`, `"` and `'`
/// become entities. Characters that XML 1.0 forbids (control characters other than tab, line
/// feed and carriage return) become U+FFFD, so the output always parses.
pub fn xml(text: &str) -> Cow<'_, str> {
    let needs = text
        .chars()
        .any(|c| matches!(c, '<' | '>' | '&' | '"' | '\'') || forbidden_in_xml(c));
    if !needs {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if forbidden_in_xml(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether XML 1.0 forbids the character in a document.
fn forbidden_in_xml(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Escapes text for the inside of a double-quoted Graphviz DOT string: backslashes and quotes
/// are backslash-escaped and line breaks become `\n`, so every name stays one DOT string.
pub fn dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Cuts `text` to at most `max` characters, ending with `…` when something was cut.
pub fn truncate(text: &str, max: usize) -> Cow<'_, str> {
    if text.chars().count() <= max {
        return Cow::Borrowed(text);
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    Cow::Owned(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(xml("Temperature#1_RAW#1"), Cow::Borrowed(_)));
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(xml("a\u{1}b\tc"), "a\u{FFFD}b\tc");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("ééééé", 3), "éé…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
