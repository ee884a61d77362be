//! The site's search index: one record per document section, ledger,
//! requirement and checklist item, and an index of character bigrams, so
//! that Japanese text (no spaces between words) can be searched. It ships
//! as scripts so search works from file://, split so that a page loads only
//! what a query needs: `assets/search-index.js` says how the index is
//! split; `assets/search/g<N>.js` hold the bigrams whose first character
//! falls in shard N (code point mod the shard count), each bigram's record
//! numbers delta-encoded, as a string of base-32 digits ([`DIGITS`], also
//! given to the page in the manifest); `assets/search/r<N>.js` hold records
//! `N × per` onwards; `assets/search/n0.js` holds one length class per
//! record. A site of 100 documents is one file of each.
//!
//! Each posting also carries two bits for ranking (see [`Posting`]): the
//! bigram occurs in the record's title, and it occurs more than once. With
//! the length classes they let `search.js` rank every hit before loading
//! any record; it then loads the best few records (title, and the start of
//! the text for the snippet) and ranks those exactly.

use std::collections::BTreeMap;

use serde::Serialize;

/// Bigram postings per gram shard aimed at (about 0.5 MB of script).
const POSTINGS_PER_SHARD: usize = 200_000;
/// Most gram shards.
const MAX_SHARDS: usize = 256;
/// Records per record shard (each record carries up to
/// [`EXCERPT_CHARS`] of text, so a shard is about 120 KB).
pub const RECORDS_PER_SHARD: usize = 200;
/// Characters of a record's text shipped for its snippet.
pub const EXCERPT_CHARS: usize = 240;

/// A posting: the record number shifted left by two, with
/// [`IN_TITLE`] and [`REPEATED`] as the low bits. In the scripts each is
/// written as `(record − previous record) × 4 + bits`.
pub type Posting = u32;
/// The bigram occurs in the record's title.
pub const IN_TITLE: Posting = 2;
/// The bigram occurs more than once in the record.
pub const REPEATED: Posting = 1;

/// One searchable thing.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Title shown in results.
    pub t: String,
    /// URL from the site root.
    pub u: String,
    /// Kind label (文書, 台帳, 要件, チェック項目).
    pub k: String,
    /// The start of the text (up to [`EXCERPT_CHARS`]), from which the
    /// snippet around the first match is cut.
    pub s: String,
    /// Characters in the normalised text (set by [`index`]): shorter
    /// sections rank ahead of longer ones.
    pub n: u32,
    /// The text indexed (emptied by [`index`] once its grams are taken).
    #[serde(skip)]
    pub text: String,
}

/// The index: records and bigram postings.
#[derive(Debug)]
pub struct Index {
    /// Records.
    pub records: Vec<Record>,
    /// Bigram (or lone character) → its postings, by ascending record.
    pub grams: BTreeMap<String, Vec<Posting>>,
}

/// Lowercases and drops white space (the same normalisation runs in JS).
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Appends the characters of [`normalize`]`(text)` to `out`; kana and
/// kanji (most of the text) skip the Unicode case tables.
fn push_normalized(text: &str, out: &mut Vec<char>) {
    for c in text.chars() {
        if c.is_ascii() {
            if !c.is_whitespace() {
                out.push(c.to_ascii_lowercase());
            }
        } else if ('\u{3040}'..='\u{9FFF}').contains(&c) {
            out.push(c);
        } else if !c.is_whitespace() {
            out.extend(c.to_lowercase());
        }
    }
}

/// A bigram, or a lone character (`None`) for a one-character text.
type Gram = (char, Option<char>);

/// `records` cut into contiguous runs (with the number of each run's
/// first record) holding about the same amount of text, four per thread:
/// a ledger's record holds all its rows, and the ledgers come last, so runs
/// of equal counts left one thread indexing them alone.
fn runs_of_equal_text(records: &mut [Record]) -> Vec<(usize, &mut [Record])> {
    let weight = |r: &Record| r.t.len() + r.text.len() + 1;
    let total: usize = records.iter().map(weight).sum();
    let per = total
        .div_ceil(rayon::current_num_threads().max(1) * 4)
        .max(1);
    let mut runs = Vec::new();
    let (mut rest, mut first) = (records, 0);
    while !rest.is_empty() {
        let mut acc = 0;
        let len = rest
            .iter()
            .position(|r| {
                acc += weight(r);
                acc >= per
            })
            .map_or(rest.len(), |k| k + 1);
        let (run, after) = std::mem::take(&mut rest).split_at_mut(len);
        runs.push((first, run));
        first += len;
        rest = after;
    }
    runs
}

/// Builds the bigram index of `records`. The records are split into runs
/// of about equal text ([`runs_of_equal_text`]), each run indexed on its
/// own, and the runs' lists joined in record order: every list is
/// ascending and the index is the same whatever the number of threads.
pub fn index(mut records: Vec<Record>) -> Index {
    use rayon::prelude::*;
    type Postings = foldhash::HashMap<Gram, Vec<Posting>>;
    let runs: Vec<Postings> = runs_of_equal_text(&mut records)
        .into_par_iter()
        .map(|(first, chunk)| {
            let mut postings = Postings::default();
            let mut chars: Vec<char> = Vec::new();
            for (k, r) in chunk.iter_mut().enumerate() {
                let i = u32::try_from(first + k).unwrap_or(u32::MAX >> 2) << 2;
                chars.clear();
                push_normalized(&r.t, &mut chars);
                let title = chars.len();
                push_normalized(&r.text, &mut chars);
                // Only the grams are kept: the text's memory is reused by
                // the rest of the build at once.
                r.text = String::new();
                r.n = u32::try_from(chars.len() - title).unwrap_or(u32::MAX);
                let mut add = |g: Gram, in_title: bool| {
                    // A record's grams come in text order: a repeat within
                    // the record finds the record already last in the list.
                    let list = postings.entry(g).or_default();
                    match list.last_mut() {
                        Some(last) if *last >> 2 == i >> 2 => *last |= REPEATED,
                        _ => list.push(i | if in_title { IN_TITLE } else { 0 }),
                    }
                };
                match chars.as_slice() {
                    [c] => add((*c, None), title == 1),
                    _ => chars
                        .windows(2)
                        .enumerate()
                        .for_each(|(j, w)| add((w[0], Some(w[1])), j + 1 < title)),
                }
            }
            postings
        })
        .collect();
    // The runs' lists joined in record order, in parallel: the grams are
    // dealt into parts by their characters (the lists moved, in run order),
    // and each part joins its own (one table joining them all ran on one
    // thread while the other waited).
    const PARTS: usize = 16;
    let part = |(a, b): &Gram| {
        (*a as usize)
            .wrapping_mul(31)
            .wrapping_add(b.map_or(0, |c| c as usize))
            % PARTS
    };
    let mut parts: Vec<Vec<(Gram, Vec<Posting>)>> = (0..PARTS).map(|_| Vec::new()).collect();
    for run in runs {
        for (g, list) in run {
            parts[part(&g)].push((g, list));
        }
    }
    let mut sorted: Vec<(String, Vec<u32>)> = parts
        .into_par_iter()
        .flat_map_iter(|lists| {
            let mut all = Postings::default();
            for (g, list) in lists {
                match all.entry(g) {
                    std::collections::hash_map::Entry::Occupied(mut o) => o.get_mut().extend(list),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(list);
                    }
                }
            }
            all.into_iter()
                .map(|((a, b), v)| (std::iter::once(a).chain(b).collect(), v))
        })
        .collect();
    sorted.par_sort_unstable_by(|x, y| x.0.cmp(&y.0));
    Index {
        records,
        grams: sorted.into_iter().collect(),
    }
}

impl Index {
    /// How many gram shards the index is split into.
    pub fn shards(&self) -> usize {
        let postings: usize = self.grams.values().map(Vec::len).sum();
        postings.div_ceil(POSTINGS_PER_SHARD).clamp(1, MAX_SHARDS)
    }

    /// The scripts of the index, by path from the site root.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        use rayon::prelude::*;
        let shards = self.shards();
        let mut by_shard: Vec<Vec<(&String, &Vec<u32>)>> = vec![Vec::new(); shards];
        for (gram, list) in &self.grams {
            let first = gram.chars().next().map_or(0, |c| c as usize);
            by_shard[first % shards].push((gram, list));
        }
        let record_shards = self.records.len().div_ceil(RECORDS_PER_SHARD).max(1);
        let manifest = serde_json::json!({
            "shards": shards,
            "recordShards": record_shards,
            "per": RECORDS_PER_SHARD,
            "records": self.records.len(),
            "digits": std::str::from_utf8(DIGITS).unwrap_or_default(),
        });
        let mut files = vec![
            (
                "assets/search-index.js".to_string(),
                format!("window.ANZEN_SEARCH = {manifest};\n").into_bytes(),
            ),
            (
                "assets/search/n0.js".to_string(),
                format!(
                    "ANZEN_SEARCH_LOAD(\"n\",0,\"{}\");\n",
                    self.records
                        .iter()
                        .map(|r| length_class(r.n))
                        .collect::<String>()
                )
                .into_bytes(),
            ),
        ];
        let grams = by_shard.par_iter().enumerate().map(|(n, list)| {
            let mut out = format!("ANZEN_SEARCH_LOAD(\"g\",{n},{{");
            for (i, (gram, postings)) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(gram).unwrap_or_default());
                out.push_str(":\"");
                let mut last = 0;
                for p in postings.iter() {
                    // Delta from the previous record: small numbers, short
                    // text; the ranking bits stay below it.
                    push_digits(&mut out, (((p >> 2) - last) << 2) | (p & 3));
                    last = p >> 2;
                }
                out.push('"');
            }
            out.push_str("});\n");
            (format!("assets/search/g{n}.js"), out.into_bytes())
        });
        let records = self
            .records
            .par_chunks(RECORDS_PER_SHARD)
            .enumerate()
            .map(|(n, chunk)| {
                let json = serde_json::to_string(chunk).unwrap_or_else(|_| "[]".into());
                (
                    format!("assets/search/r{n}.js"),
                    format!("ANZEN_SEARCH_LOAD(\"r\",{n},{json});\n").into_bytes(),
                )
            });
        let mut rest: Vec<(String, Vec<u8>)> = grams.chain(records).collect();
        if self.records.is_empty() {
            rest.push((
                "assets/search/r0.js".to_string(),
                b"ANZEN_SEARCH_LOAD(\"r\",0,[]);\n".to_vec(),
            ));
        }
        files.extend(rest);
        files
    }
}

/// A record's length class, one base-36 digit: twice the binary
/// logarithm of its length, so classes are about 40 % apart.
fn length_class(n: u32) -> char {
    let class = (f64::from(n) + 1.0).log2() * 2.0;
    char::from_digit((class as u32).min(35), 36).unwrap_or('z')
}

/// The digits of the postings' text: a number is written in base 32,
/// most significant digit first; every digit but its last is taken from
/// the second half of this alphabet, so that numbers need no separator
/// (one character below 32, two below 1,024, three below 32,768). None
/// needs escaping in a JavaScript string.
pub const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvwxyzWXYZ-_";

/// Appends `n` in the digits of [`DIGITS`] (tens of millions of
/// postings: no allocation).
fn push_digits(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 7];
    let mut i = digits.len();
    let mut last = true;
    loop {
        i -= 1;
        let d = (n % 32) as usize + if last { 0 } else { 32 };
        digits[i] = DIGITS[d];
        last = false;
        n /= 32;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

pub use crate::view::pages::excerpt;

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbers of a postings text written by [`push_digits`] (what
    /// `search.js` reads), or `None` for a character outside [`DIGITS`] or a
    /// number left unfinished.
    fn read_digits(text: &str) -> Option<Vec<u32>> {
        let mut out = Vec::new();
        let mut acc: u64 = 0;
        let mut open = false;
        for b in text.bytes() {
            let d = DIGITS.iter().position(|&x| x == b)? as u64;
            if d >= 32 {
                acc = acc * 32 + (d - 32);
                open = true;
            } else {
                out.push(u32::try_from(acc * 32 + d).ok()?);
                acc = 0;
                open = false;
            }
        }
        (!open).then_some(out)
    }

    #[test]
    fn japanese_words_are_found_by_bigrams() {
        let idx = index(vec![
            Record {
                t: "研修計画".into(),
                u: "a".into(),
                k: "文書".into(),
                s: String::new(),
                n: 0,
                text: "年1回以上".into(),
            },
            Record {
                t: "入退室記録".into(),
                u: "b".into(),
                k: "台帳".into(),
                s: String::new(),
                n: 0,
                text: String::new(),
            },
        ]);
        assert_eq!(idx.grams["研修"], vec![IN_TITLE]);
        assert_eq!(idx.grams["記録"], vec![(1 << 2) | IN_TITLE]);
        assert_eq!(idx.grams["1回"], vec![0]);
    }

    fn record(t: &str, text: &str) -> Record {
        Record {
            t: t.into(),
            u: format!("{t}.html"),
            k: "文書".into(),
            s: String::new(),
            n: 0,
            text: text.into(),
        }
    }

    #[test]
    fn a_small_index_is_one_gram_shard_and_one_record_shard() {
        let idx = index(vec![record("研修計画", "年1回"), record("入退室", "")]);
        assert_eq!(idx.shards(), 1);
        let files: BTreeMap<String, Vec<u8>> = idx.files().into_iter().collect();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            [
                "assets/search-index.js",
                "assets/search/g0.js",
                "assets/search/n0.js",
                "assets/search/r0.js"
            ]
        );
        let g0 = String::from_utf8(files["assets/search/g0.js"].clone()).unwrap();
        assert!(g0.starts_with("ANZEN_SEARCH_LOAD(\"g\",0,{"), "{g0}");
        assert!(g0.contains("\"研修\":\"2\""), "{g0}");
        assert!(g0.contains("\"入退\":\"6\""), "{g0}");
    }

    #[test]
    fn a_large_index_is_split_by_first_character_with_delta_encoded_postings() {
        // 2,000 records sharing the gram 研修: record numbers go up by one.
        // Each text: 150 CJK characters starting at a different point.
        let text = |i: u32| -> String {
            (0..150)
                .filter_map(|k| char::from_u32(0x4E00 + (i * 7 + k) % 3000))
                .collect()
        };
        let records: Vec<Record> = (0..2_000)
            .map(|i| record(&format!("研修{i}"), &text(i)))
            .collect();
        let idx = index(records);
        let shards = idx.shards();
        assert!(shards > 1, "{shards}");
        let files: BTreeMap<String, Vec<u8>> = idx.files().into_iter().collect();
        let shard = '研' as usize % shards;
        let text = String::from_utf8(files[&format!("assets/search/g{shard}.js")].clone()).unwrap();
        // Each posting: one record on (× 4), in the title (+ 2).
        let sixes = "6".repeat(1_999);
        assert!(
            text.contains(&format!("\"研修\":\"2{sixes}\"")),
            "not delta-encoded"
        );
        // Every gram is in the shard of its first character, once.
        for (gram, _) in idx.grams.iter().step_by(997) {
            let n = gram.chars().next().unwrap() as usize % shards;
            let key = serde_json::to_string(gram).unwrap();
            let holding: Vec<&String> = files
                .iter()
                .filter(|(p, b)| {
                    p.contains("/g") && String::from_utf8_lossy(b).contains(&format!("{key}:\""))
                })
                .map(|(p, _)| p)
                .collect();
            assert_eq!(holding, vec![&format!("assets/search/g{n}.js")], "{gram}");
        }
        assert_eq!(
            files.keys().filter(|p| p.contains("/r")).count(),
            2_000usize.div_ceil(RECORDS_PER_SHARD)
        );
    }

    #[test]
    fn postings_mark_title_and_repeated_bigrams_and_records_know_their_length() {
        let idx = index(vec![
            record("研修計画", "研修を行う。研修は年1回"),
            record("名簿", "研修"),
        ]);
        assert_eq!(idx.grams["研修"], vec![IN_TITLE | REPEATED, 1 << 2]);
        assert_eq!(idx.grams["計画"], vec![IN_TITLE]);
        assert_eq!(idx.grams["行う"], vec![0]);
        assert_eq!(idx.records[0].n, 12);
        assert_eq!(idx.records[1].n, 2);
        let files: BTreeMap<String, Vec<u8>> = idx.files().into_iter().collect();
        let n = String::from_utf8(files["assets/search/n0.js"].clone()).unwrap();
        assert_eq!(n, "ANZEN_SEARCH_LOAD(\"n\",0,\"73\");\n");
        let g0 = String::from_utf8(files["assets/search/g0.js"].clone()).unwrap();
        assert!(g0.contains("\"研修\":\"34\""), "{g0}");
    }

    #[test]
    fn runs_of_equal_text_cover_every_record_in_order_and_the_index_does_not_depend_on_them() {
        let text = |i: usize, n: usize| -> String {
            (0..n)
                .filter_map(|k| char::from_u32(0x4E00 + ((i * 31 + k * 7) % 500) as u32))
                .collect()
        };
        let mut records: Vec<Record> = (0..120)
            .map(|i| {
                record(
                    &format!("記録{i}"),
                    &text(i, if i == 100 { 20_000 } else { 40 }),
                )
            })
            .collect();
        let runs = runs_of_equal_text(&mut records);
        assert!(runs.len() > 2, "{}", runs.len());
        let mut next = 0;
        for (first, run) in &runs {
            assert_eq!(*first, next);
            assert!(!run.is_empty());
            next += run.len();
        }
        assert_eq!(next, 120);
        // The same postings as indexing the records one by one in order.
        let mut expected: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
        for (i, r) in records.iter().enumerate() {
            let mut chars = Vec::new();
            push_normalized(&r.t, &mut chars);
            let title = chars.len();
            push_normalized(&r.text, &mut chars);
            for (j, w) in chars.windows(2).enumerate() {
                let list = expected.entry(w.iter().collect()).or_default();
                let p = (i as u32) << 2;
                match list.last_mut() {
                    Some(last) if *last >> 2 == i as u32 => *last |= REPEATED,
                    _ => list.push(p | if j + 1 < title { IN_TITLE } else { 0 }),
                }
            }
        }
        assert_eq!(index(records).grams, expected);
    }

    #[test]
    fn postings_digits_need_no_separator_and_read_back_at_every_length() {
        let values = [
            0,
            1,
            31,
            32,
            33,
            1_023,
            1_024,
            32_767,
            32_768,
            1 << 25,
            (1 << 30) - 1,
            1 << 30,
            u32::MAX,
        ];
        let mut text = String::new();
        for v in values {
            let before = text.len();
            push_digits(&mut text, v);
            let len = text.len() - before;
            let expected = (1..=7).find(|k| u64::from(v) < 1u64 << (5 * k)).unwrap();
            assert_eq!(len, expected, "{v}");
        }
        assert_eq!(read_digits(&text), Some(values.to_vec()));
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(read_digits("a"), None, "a number left open");
        assert_eq!(read_digits("2,"), None, "a character outside the digits");
        // The digits are 64 different bytes.
        let set: std::collections::BTreeSet<u8> = DIGITS.iter().copied().collect();
        assert_eq!(set.len(), 64);
    }

    #[test]
    fn the_fast_normalisation_matches_the_plain_one() {
        for text in [
            "研修 計画ＡＢ ÀÉ İstanbul ΣΑΣ ｶﾀｶﾅ",
            "Hello\tWorld\u{3000}全角空白",
            "ß ǅ",
            "a\u{b}b\u{c}c",
        ] {
            let mut chars = Vec::new();
            push_normalized(text, &mut chars);
            assert_eq!(
                chars.into_iter().collect::<String>(),
                normalize(text),
                "{text}"
            );
        }
    }
}
