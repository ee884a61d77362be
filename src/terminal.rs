//! Text bound for a terminal: file names and values come from the project
//! (or a zip someone sent), and a name holding `ESC [2K`, a carriage return
//! or a right-to-left override could rewrite or hide the lines around it
//! (a fake "一致しました" over a real "一致しません"). Every path and value
//! printed goes through [`text`], which shows such characters as visible
//! escapes (`\x1b`, `\r`, `\u{202e}`) instead of sending them.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls
/// (tab and newline included: a value never spans lines), DEL, the bidi
/// embeddings, overrides and isolates, the implicit marks, and the line and
/// paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{feff}'
        )
}

/// `s` with every unsafe character written as an escape.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && is_unsafe(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Several lines: each line escaped as [`text`] does, the line breaks
/// between them kept (for reports made of lines, such as `anzen diff`).
pub fn lines(s: &str) -> String {
    s.split('\n')
        .map(|l| text(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A path, escaped as [`text`] does (lossy for names that are not UTF-8).
pub fn path(p: &std::path::Path) -> String {
    text(&p.to_string_lossy()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_bidi_overrides_are_shown_not_sent() {
        assert_eq!(text("a\r\x1b[2K\x1b[1Ab"), "a\\r\\x1b[2K\\x1b[1Ab");
        assert_eq!(text("evil\u{202e}fdp.exe"), "evil\\u{202e}fdp.exe");
        assert_eq!(text("a\nb"), "a\\nb");
        assert_eq!(text("\u{85}"), "\\x85");
    }

    #[test]
    fn ordinary_japanese_text_is_untouched() {
        let s = "content/証跡/研修 記録（2026）.pdf";
        assert!(matches!(text(s), Cow::Borrowed(_)));
    }
}
