//! How inputs are named in the outputs: the page of a document or ledger
//! (`documents/<slug>.html`), the PDF of a document (`<title>.pdf`), the
//! CSV of a ledger, and the file names every output uses. One place, so
//! that the check can say ahead of time when two inputs would land on one
//! output file (`output.name-collision`) and the renderers never silently
//! let one replace the other.
//!
//! Output names are compared as the receiving file systems compare them:
//! after NFC normalisation (macOS writes NFD, zip readers show NFC) and
//! case folding (Windows and macOS ignore case), see [`fold`].

use unicode_normalization::UnicodeNormalization;

/// The checklist PDF.
pub const CHECKLIST_PDF: &str = "情報セキュリティチェックシート.pdf";
/// The combined submission PDF.
pub const COMBINED_PDF: &str = "提出書類一式.pdf";
/// The checklist answers as CSV, beside the checklist PDF.
pub const CHECKLIST_CSV: &str = "チェックシート回答.csv";
/// The checklist as an Excel workbook laid out as the form, beside the
/// checklist PDF.
pub const CHECKLIST_XLSX: &str = "情報セキュリティチェックシート.xlsx";
/// The ledgers as one Excel workbook (a sheet per ledger), beside their
/// CSVs. Ledger files are named `<title>.csv`, so no ledger can take it.
pub const LEDGERS_XLSX: &str = "台帳一覧.xlsx";

/// Longest id, in characters.
pub const MAX_ID: usize = 100;

/// Why an id is not allowed, or `None` when it is. Ids of documents,
/// ledgers and ledger entries name pages, anchors and references
/// (`文書ID#見出しID`, `台帳ID#記録ID`), so they are letters and digits of
/// any script, with `-`, `_` and `.` inside; no spaces, brackets, `#`, `/`
/// or invisible characters; in NFC; at most [`MAX_ID`] characters.
pub fn id_problem(id: &str) -> Option<crate::i18n::Text> {
    use crate::tr;
    let mut chars = id.chars();
    let Some(first) = chars.next() else {
        return Some(tr!("id が空です", "the id is empty"));
    };
    if id.chars().count() > MAX_ID {
        return Some(tr!(
            "id が長すぎます（{} 文字まで）",
            "the id is too long (at most {} characters)"; MAX_ID
        ));
    }
    if !first.is_alphanumeric() {
        return Some(tr!(
            "id は文字か数字で始めてください（「{}」）",
            "an id starts with a letter or digit ('{}')"; crate::terminal::text(&first.to_string())
        ));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(tr!(
            "id に使えない文字「{}」（U+{:04X}）があります",
            "the id holds a character that is not allowed: '{}' (U+{:04X})";
            crate::terminal::text(&bad.to_string()), bad as u32
        ));
    }
    if id.ends_with('.') {
        return Some(tr!(
            "id の末尾に「.」は使えません",
            "an id cannot end with '.'"
        ));
    }
    if !unicode_normalization::is_nfc(id) {
        return Some(tr!(
            "id が NFC に正規化されていません（見た目が同じ別の文字列になります）",
            "the id is not in Unicode NFC (it would look like a different id)"
        ));
    }
    None
}

/// The key two output names are compared by: NFC, then lower case.
pub fn fold(name: &str) -> String {
    name.nfc().flat_map(char::to_lowercase).collect()
}

/// A file name for an id: ASCII letters, digits, `-`, `_` and `.` kept,
/// `(` `)` folded to `-` (requirement ids such as `S5(6)`), anything else
/// hex-encoded, so that the name is portable. Two ids can still give one
/// slug (`a_e3_81_82` and `aあ`, or `Rules` and `rules` on a file system
/// that ignores case): the check reports that as `output.name-collision`.
pub fn slug(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' => out.push(c),
            '(' => out.push('-'),
            ')' => {}
            other => {
                let mut buf = [0u8; 4];
                for b in other.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("_{b:02x}"));
                }
            }
        }
    }
    if out.is_empty() || out.starts_with('.') {
        out = format!("_{out}");
    }
    if out.len() > MAX_SLUG {
        // File names stop at 255 bytes, and a Japanese id triples twice
        // over: keep a readable head and a hash of the whole id.
        use sha2::Digest;
        let hash = sha2::Sha256::digest(id.as_bytes());
        let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
        out.truncate(MAX_SLUG - hex.len() - 1);
        out = format!("{out}~{hex}");
    }
    out
}

/// Which of `ids` (documents or ledgers, in walk order) get their page
/// when several share one (folded) slug: the first whose id is valid, else
/// the first. An attacker's `0-a.md` with the id `security(rules` sorts
/// first but can never push `security-rules` off its page.
pub fn page_owners<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
    let ids: Vec<&str> = ids.into_iter().collect();
    let mut owner: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        let key = fold(&slug(id));
        match owner.get(&key) {
            None => {
                owner.insert(key, i);
            }
            Some(&j) if id_problem(ids[j]).is_some() && id_problem(id).is_none() => {
                owner.insert(key, i);
            }
            Some(_) => {}
        }
    }
    let winners: std::collections::HashSet<usize> = owner.into_values().collect();
    (0..ids.len()).map(|i| winners.contains(&i)).collect()
}

/// Longest slug (bytes), well under the 255-byte limit of file names once
/// `.html` or `.pdf` is added.
pub const MAX_SLUG: usize = 120;

/// Page of a requirement, from the site root.
pub fn requirement_page(id: &str) -> String {
    format!("requirements/{}.html", slug(id))
}

/// Page of a document.
pub fn document_page(id: &str) -> String {
    format!("documents/{}.html", slug(id))
}

/// Page of a ledger.
pub fn ledger_page(id: &str) -> String {
    format!("ledgers/{}.html", slug(id))
}

/// A file name that Windows, macOS and Linux all accept and that shows
/// what it says: characters Windows forbids become `_`, every kind of
/// space and line or paragraph separator becomes one space, invisible
/// format characters (zero-width, bidi, soft hyphen, BOM) and controls go,
/// trailing dots and spaces go, and the name stops at 180 bytes.
pub fn file_name(title: &str) -> String {
    let mut cleaned = String::with_capacity(title.len());
    let mut space = false;
    for c in title.nfc() {
        let c = if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
            '_'
        } else if c.is_whitespace() && c != '\u{3000}' {
            ' '
        } else if c.is_control() || is_format(c) {
            continue;
        } else {
            c
        };
        if c == ' ' {
            if space {
                continue;
            }
            space = true;
        } else {
            space = false;
        }
        cleaned.push(c);
    }
    let mut trimmed = cleaned
        .trim_start_matches([' ', '\u{3000}'])
        .trim_end_matches([' ', '\u{3000}', '.'])
        .to_string();
    // File names stop at 255 bytes (a 90-character Japanese title is 270).
    while trimmed.len() > 180 {
        trimmed.pop();
    }
    if trimmed.is_empty() {
        "_".into()
    } else {
        trimmed
    }
}

/// Invisible characters of Unicode's "format" class that can make two
/// names look alike (or a name look like something else).
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}'
        | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}' | '\u{1d173}'..='\u{1d17a}'
        | '\u{e0001}' | '\u{e0020}'..='\u{e007f}')
}

/// Extensions (lower case) of evidence a browser would render as a page or
/// run as a script when it is opened from the site, locally (`file://`,
/// where no header can stop it) or from `anzen serve`: HTML and XHTML,
/// saved web pages, SVG, XML and its stylesheets and feeds (which can carry
/// XHTML scripts), JavaScript, and Windows HTML applications and
/// components. Such evidence is put in the site under an inert name
/// ([`evidence_path`]).
pub const ACTIVE_EXTENSIONS: &[&str] = &[
    "html", "htm", "xhtml", "xht", "shtml", "shtm", "mht", "mhtml", "svg", "svgz", "xml", "xsl",
    "xslt", "rss", "atom", "rdf", "js", "mjs", "cjs", "hta", "htc",
];

/// Appended to the name of active evidence in the site: every browser and
/// desktop maps `.txt` to plain text, shown as text and never sniffed into
/// a page, so the evidence opens as its source text and its scripts never
/// run.
pub const INERT_SUFFIX: &str = ".txt";

/// Whether a browser would render the file `name` as a page or run it
/// (by [`ACTIVE_EXTENSIONS`]), looking through what a name can end with
/// and still be that file: dots and spaces (Windows drops them) and
/// [`INERT_SUFFIX`] (already inert, but `a.html.txt` must not take the
/// inert name of `a.html`).
pub fn is_active_evidence(name: &str) -> bool {
    let mut name = name.rsplit('/').next().unwrap_or(name);
    loop {
        name = name.trim_end_matches(['.', ' ']);
        let cut = name.len().saturating_sub(INERT_SUFFIX.len());
        match name.get(cut..) {
            Some(tail) if cut > 0 && tail.eq_ignore_ascii_case(INERT_SUFFIX) => {
                name = &name[..cut];
            }
            _ => break,
        }
    }
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        ACTIVE_EXTENSIONS
            .iter()
            .any(|a| a.eq_ignore_ascii_case(ext))
    })
}

/// Where the evidence file at `content_path` (relative to the content
/// folder) is put in the site, under `files/`: the same path, with
/// [`INERT_SUFFIX`] appended when [`is_active_evidence`]. No two content
/// paths share one: a name that gets the suffix is active, and so is the
/// same name with the suffix, which therefore gets another.
pub fn evidence_path(content_path: &str) -> String {
    if is_active_evidence(content_path) {
        format!("{content_path}{INERT_SUFFIX}")
    } else {
        content_path.to_string()
    }
}

/// File names for outputs named by title (document PDFs, ledger CSVs),
/// one per `(id, title)` in order: `<title><ext>`, or `<title>_<id><ext>`
/// for every item whose title another item shares (several ledger files
/// of one kind, untitled, all read 入退室記録). The choice depends on the
/// titles only, never on the order, so no item can push another off its
/// name; names that still meet (a title written as another's `<title>_<id>`)
/// are what `output.name-collision` reports.
pub fn by_title<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>, ext: &str) -> Vec<String> {
    // Each title's name and folded name made once (ten thousand documents).
    let named: Vec<(&str, String, String)> = items
        .into_iter()
        .map(|(id, title)| {
            let base = file_name(title);
            let folded = fold(&base);
            (id, base, folded)
        })
        .collect();
    let mut count: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
    for (_, _, folded) in &named {
        *count.entry(folded.as_str()).or_default() += 1;
    }
    named
        .iter()
        .map(|(id, base, folded)| {
            if count[folded.as_str()] > 1 {
                file_name(&format!("{base}_{id}")) + ext
            } else {
                base.clone() + ext
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_letters_digits_and_inner_punctuation_are_allowed() {
        for id in ["security-rules", "TO-2026-001", "研修記録", "S001", "a.b_c"] {
            assert!(id_problem(id).is_none(), "{id}");
        }
    }

    #[test]
    fn ids_that_could_alias_another_name_are_refused() {
        for id in [
            "security(rules",
            "rule(1)",
            "a b",
            "a#b",
            "a/b",
            ".hidden",
            "-x",
            "x.",
            "a\u{200b}b",
            "e\u{301}",
            "",
        ] {
            assert!(id_problem(id).is_some(), "{id:?}");
        }
    }

    #[test]
    fn file_names_lose_separators_and_invisible_characters() {
        assert_eq!(file_name("個人情報\u{2028}保護規程"), "個人情報 保護規程");
        assert_eq!(file_name("a\u{200b}b\u{202e}c"), "abc");
        assert_eq!(file_name("a:b/c"), "a_b_c");
        assert_eq!(file_name("  題名 . "), "題名");
        assert_eq!(file_name("全角\u{3000}空白"), "全角\u{3000}空白");
    }

    #[test]
    fn shared_titles_take_the_id_for_every_holder_not_only_the_later_one() {
        let names = by_title(
            [("p", "同名文書"), ("q", "同名文書"), ("r", "別の文書")],
            ".pdf",
        );
        assert_eq!(names, ["同名文書_p.pdf", "同名文書_q.pdf", "別の文書.pdf"]);
        let names = by_title([("q", "同名文書"), ("p", "同名文書")], ".pdf");
        assert_eq!(names, ["同名文書_q.pdf", "同名文書_p.pdf"]);
    }

    #[test]
    fn a_valid_id_keeps_its_page_against_an_alias_that_sorts_first() {
        assert_eq!(
            page_owners(["security(rules", "security-rules"]),
            [false, true]
        );
        assert_eq!(page_owners(["rule-1", "rule(1)"]), [true, false]);
        assert_eq!(page_owners(["a", "b", "A"]), [true, true, false]);
    }

    #[test]
    fn folded_names_meet_across_case_and_normal_forms() {
        assert_eq!(fold("Rules.html"), fold("rules.html"));
        assert_eq!(fold("\u{304b}\u{3099}.pdf"), fold("\u{304c}.pdf"));
    }
}
