//! The site's search index: one record per document section, ledger,
//! requirement and checklist item, and an index of character bigrams, so
//! that Japanese text (no spaces between words) can be searched. It ships
//! as a script (`search-index.js`) so search works from file://.

use std::collections::{BTreeMap, HashMap};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::cjk;
use crate::load::markdown::options;

/// One searchable thing.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Title shown in results.
    pub t: String,
    /// URL from the site root.
    pub u: String,
    /// Kind label (文書, 台帳, 要件, チェック項目).
    pub k: String,
    /// Short excerpt.
    pub s: String,
    /// Normalised text, for the final substring test.
    #[serde(skip)]
    pub text: String,
}

/// The index shipped to the browser.
#[derive(Debug, Serialize)]
pub struct Index {
    /// Records.
    pub records: Vec<Record>,
    /// Bigram → indices of records that contain it.
    pub grams: BTreeMap<String, Vec<usize>>,
}

/// Lowercases and drops white space (the same normalisation runs in JS).
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Builds the bigram index of `records`. Each record's grams are found in
/// parallel; they are merged in record order, so every list is ascending
/// and the index is the same whatever the number of threads.
pub fn index(records: Vec<Record>) -> Index {
    use rayon::prelude::*;
    /// A bigram, or a lone character (`None`) for a one-character text.
    type Gram = (char, Option<char>);
    let per_record: Vec<Vec<Gram>> = records
        .par_iter()
        .map(|r| {
            let chars: Vec<char> = normalize(&format!("{} {}", r.t, r.text)).chars().collect();
            let mut grams: Vec<Gram> = match chars.as_slice() {
                [c] => vec![(*c, None)],
                _ => chars.windows(2).map(|w| (w[0], Some(w[1]))).collect(),
            };
            grams.sort_unstable();
            grams.dedup();
            grams
        })
        .collect();
    let mut grams: HashMap<Gram, Vec<usize>> = HashMap::new();
    for (i, record_grams) in per_record.into_iter().enumerate() {
        for g in record_grams {
            grams.entry(g).or_default().push(i);
        }
    }
    let mut sorted: Vec<(String, Vec<usize>)> = grams
        .into_iter()
        .map(|((a, b), v)| (std::iter::once(a).chain(b).collect(), v))
        .collect();
    sorted.par_sort_unstable_by(|x, y| x.0.cmp(&y.0));
    Index {
        records,
        grams: sorted.into_iter().collect(),
    }
}

/// The script that defines the index.
pub fn script(index: &Index) -> String {
    format!(
        "window.ANZEN_SEARCH = {};\n",
        serde_json::to_string(index).unwrap_or_else(|_| "{}".into())
    )
}

/// Plain text of each section of a Markdown body: (heading index or None
/// for text before the first heading, text).
pub fn sections_text(body: &str) -> Vec<(Option<usize>, String)> {
    let mut out: Vec<(Option<usize>, String)> = vec![(None, String::new())];
    let mut heading = 0;
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                out.push((Some(heading), String::new()));
                heading += 1;
            }
            Event::Text(t) | Event::Code(t) => out
                .last_mut()
                .expect("non-empty")
                .1
                .push_str(&cjk::strip_marks(&t)),
            Event::End(TagEnd::Heading(_)) => out.last_mut().expect("non-empty").1.push('\n'),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                out.last_mut().expect("non-empty").1.push(' ')
            }
            _ => {}
        }
    }
    out
}

/// The first `n` characters of `text`, on one line.
pub fn excerpt(text: &str, n: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = one_line.chars().take(n).collect();
    if one_line.chars().count() > n {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_words_are_found_by_bigrams() {
        let idx = index(vec![
            Record {
                t: "研修計画".into(),
                u: "a".into(),
                k: "文書".into(),
                s: String::new(),
                text: "年1回以上".into(),
            },
            Record {
                t: "入退室記録".into(),
                u: "b".into(),
                k: "台帳".into(),
                s: String::new(),
                text: String::new(),
            },
        ]);
        assert_eq!(idx.grams["研修"], vec![0]);
        assert_eq!(idx.grams["記録"], vec![1]);
    }

    #[test]
    fn sections_split_at_headings() {
        let s = sections_text("前文\n# 見出し\n本文です。\n");
        assert_eq!(s[0].0, None);
        assert!(s[1].1.contains("本文です"));
    }
}
