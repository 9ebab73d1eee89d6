//! Escaping of data for the Typst source that the templates produce.
//!
//! Names of centres, standards and institutions come from the providers' files, and any of them
//! may contain characters that Typst reads as markup or code (`#sys.exit()`, `*bold*`, `$x$`,
//! `<label>`, `// comment`, `= heading` …). Each function here turns such text into source that
//! Typst prints exactly as given, for one syntactic position: markup, or inside a string literal.

use std::fmt::Write as _;

/// Text placed in markup (body text, inside `[...]` content blocks, table cells).
///
/// Every character that can start markup, code, math, a comment, a label, a reference, raw text,
/// a shorthand (`--`, `...`, `~`, `-?`) or a smart quote is backslash-escaped; Typst accepts `\`
/// before any non-space character and prints that character. Line breaks become spaces, so data
/// can never start a line and turn into a heading or a list item; a leading digit is escaped
/// because `2025. ` at the start of a cell would become a numbered list.
pub fn markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for (i, c) in s.chars().enumerate() {
        match c {
            '\r' | '\n' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            '\\' | '#' | '*' | '_' | '$' | '[' | ']' | '<' | '>' | '@' | '`' | '=' | '-' | '+'
            | '/' | '~' | '\'' | '"' | '{' | '}' | '.' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            // Other control characters have no business in a report and some break the PDF/A
            // text layer.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text placed inside a Typst string literal, between double quotes.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A number as a Typst float literal; anything that is not a finite number becomes `none`, so
/// data can never inject code through a numeric position.
pub fn number(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => {
            let s = format!("{v:?}");
            // `{:?}` may use exponent notation (1e21), which Typst also parses; a bare integer
            // gets a decimal point so Typst's arithmetic on it stays in floats.
            if s.contains(['.', 'e', 'E']) {
                s
            } else {
                format!("{s}.0")
            }
        }
        _ => "none".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_every_markup_trigger() {
        assert_eq!(markup("#sys.exit()"), "\\#sys\\.exit()");
        assert_eq!(markup("*bold* _it_ $x$"), "\\*bold\\* \\_it\\_ \\$x\\$");
        assert_eq!(markup("= Title\n- item"), "\\= Title \\- item");
        assert_eq!(markup("2025. жыл"), "\\2025\\. жыл");
        assert_eq!(markup("a // b /* c */"), "a \\/\\/ b \\/\\* c \\*\\/");
        assert_eq!(
            markup("<lbl> @ref `raw` \\"),
            "\\<lbl\\> \\@ref \\`raw\\` \\\\"
        );
        assert_eq!(markup("Қазақстан"), "Қазақстан");
    }

    #[test]
    fn string_escapes_quotes_and_backslashes() {
        assert_eq!(string(r#"a "b" \c"#), r#"a \"b\" \\c"#);
        assert_eq!(string("x\ny"), "x\\ny");
    }

    #[test]
    fn numbers_are_literals_or_none() {
        assert_eq!(number(Some(12.0)), "12.0");
        assert_eq!(number(Some(-0.5)), "-0.5");
        assert_eq!(number(Some(f64::NAN)), "none");
        assert_eq!(number(None), "none");
    }
}
