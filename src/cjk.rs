//! Japanese-aware Markdown helpers shared by the HTML and Typst renderers:
//! which characters are CJK, when a soft line break between two lines is
//! dropped, and a pre-pass that lets emphasis work next to CJK punctuation.

/// Whether `c` is a CJK character or CJK punctuation (a line break between
/// two of them is no word space).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F   // CJK symbols and punctuation
        | 0x3040..=0x30FF // hiragana, katakana
        | 0x31F0..=0x31FF // katakana extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFF00..=0xFFEF // half- and full-width forms
        | 0x20000..=0x3FFFF)
}

/// Whether a soft break between `before` and `after` should vanish.
pub fn drop_soft_break(before: Option<char>, after: Option<char>) -> bool {
    matches!((before, after), (Some(a), Some(b)) if is_cjk(a) && is_cjk(b))
}

/// An invisible punctuation mark inserted by [`prepare_emphasis`] and
/// removed from text events by the renderers. U+2E31 (word separator
/// middle dot) is punctuation to CommonMark and never used in Japanese text.
pub const EMPHASIS_MARK: char = '\u{2E31}';

fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

/// CommonMark does not treat `**「重要」**です` as emphasis: the closing `**`
/// follows punctuation and precedes a letter. This pre-pass inserts
/// [`EMPHASIS_MARK`] between such a `*` run and the CJK letter beside it, so
/// that the run flanks as the writer meant; renderers drop the mark. Code
/// spans and fenced code blocks are left alone.
pub fn prepare_emphasis(src: &str) -> std::borrow::Cow<'_, str> {
    if !src.contains('*') {
        return std::borrow::Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len() + 16);
    let mut fence: Option<String> = None;
    for line in src.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|c| *c == '`' || *c == '~')
            .collect();
        if let Some(open) = &fence {
            if marker.len() >= open.len() && marker.starts_with(&open[..1]) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if marker.len() >= 3 {
            fence = Some(marker);
            out.push_str(line);
            continue;
        }
        fix_line(line, &mut out);
    }
    std::borrow::Cow::Owned(out)
}

fn fix_line(line: &str, out: &mut String) {
    let chars: Vec<char> = line.chars().collect();
    // Backtick runs: length at each position, and the starts of the runs of
    // each length in order, so that finding a code span's closing run is a
    // lookup, not a scan (a line of backticks would be quadratic).
    let mut run_at = vec![0usize; chars.len() + 1];
    for j in (0..chars.len()).rev() {
        if chars[j] == '`' {
            run_at[j] = run_at[j + 1] + 1;
        }
    }
    let mut starts: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for j in 0..chars.len() {
        if chars[j] == '`' && (j == 0 || chars[j - 1] != '`') {
            starts.entry(run_at[j]).or_default().push(j);
        }
    }
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            // Copy a code span verbatim.
            let run = run_at[i];
            let close = starts.get(&run).and_then(|list| {
                let k = list.partition_point(|&j| j < i + run);
                list.get(k).copied()
            });
            let end = close.map(|j| j + run).unwrap_or(i + run);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c == '\\' && i + 1 < chars.len() {
            out.push(c);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '*' {
            let run = chars[i..].iter().take_while(|c| **c == '*').count();
            let before = if i > 0 { Some(chars[i - 1]) } else { None };
            let after = chars.get(i + run).copied();
            // Opening run: letter before, CJK punctuation after.
            if let (Some(b), Some(a)) = (before, after)
                && is_cjk_punct(a)
                && is_cjk(b)
                && !is_cjk_punct(b)
            {
                out.push(EMPHASIS_MARK);
            }
            out.extend(std::iter::repeat_n('*', run));
            // Closing run: CJK punctuation before, letter after.
            if let (Some(b), Some(a)) = (before, after)
                && is_cjk_punct(b)
                && is_cjk(a)
                && !is_cjk_punct(a)
            {
                out.push(EMPHASIS_MARK);
            }
            i += run;
            continue;
        }
        out.push(c);
        i += 1;
    }
}

/// Removes [`EMPHASIS_MARK`]s from rendered text.
pub fn strip_marks(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(EMPHASIS_MARK) {
        std::borrow::Cow::Owned(text.replace(EMPHASIS_MARK, ""))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_break_between_japanese_is_dropped_but_not_between_latin() {
        assert!(drop_soft_break(Some('す'), Some('ま')));
        assert!(drop_soft_break(Some('。'), Some('次')));
        assert!(!drop_soft_break(Some('a'), Some('b')));
        assert!(!drop_soft_break(Some('す'), Some('A')));
    }

    #[test]
    fn emphasis_marks_go_beside_cjk_punctuation_only() {
        let s = prepare_emphasis("これは**「重要」**です");
        assert_eq!(
            s,
            format!("これは{m}**「重要」**{m}です", m = EMPHASIS_MARK)
        );
        assert_eq!(prepare_emphasis("**強調**です"), "**強調**です");
        assert_eq!(prepare_emphasis("`**「x」**です`"), "`**「x」**です`");
        assert_eq!(
            prepare_emphasis("```\n**「x」**です\n```\n"),
            "```\n**「x」**です\n```\n"
        );
    }

    #[test]
    fn code_spans_are_matched_by_run_length() {
        let m = EMPHASIS_MARK;
        assert_eq!(
            prepare_emphasis("``a`b`` **「x」**です"),
            format!("``a`b`` **「x」**{m}です")
        );
        // An opener without a closer of its length is no code span.
        assert_eq!(
            prepare_emphasis("`a``**「x」**です"),
            format!("`a``**「x」**{m}です")
        );
        assert_eq!(
            prepare_emphasis("\\``x` **「y」**です"),
            format!("\\``x` **「y」**{m}です")
        );
    }

    #[test]
    fn a_line_of_backticks_is_not_quadratic() {
        // Before: every position of the long run was measured again for
        // every opener (minutes for 100 000 backticks).
        let line = format!("*x `a{}", "`".repeat(200_000));
        let out = prepare_emphasis(&line);
        assert_eq!(out.len(), line.len());
    }
}
