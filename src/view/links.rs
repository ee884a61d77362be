//! Where things live on the site: page paths for requirements, documents
//! and ledgers, anchors for sections and entries, the page a finding
//! points at, and where evidence files go (active ones, which a browser
//! would render as a page, under an inert name).

use crate::check::Context;
use crate::check::Resolved;
use crate::diag::Finding;

pub use crate::names::{
    ACTIVE_EXTENSIONS, INERT_SUFFIX, document_page, evidence_path, is_active_evidence, ledger_page,
    requirement_page, slug,
};

/// Percent-encodes the characters that would break a relative URL, leaving
/// other text (Japanese included) readable.
pub fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for c in path.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            '%' => out.push_str("%25"),
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c => out.push(c),
        }
    }
    out
}

/// The anchor of a ledger entry.
pub fn entry_anchor(id: &str) -> String {
    format!(
        "entry-{}",
        id.split_whitespace().collect::<Vec<_>>().join("-")
    )
}

/// Where an evidence file is copied, as a URL from the site root (see
/// [`evidence_path`]).
pub fn file_page(content_path: &str) -> String {
    format!("files/{}", encode_path(&evidence_path(content_path)))
}

/// The site URL (from the root) of a resolved reference.
pub fn resolved_url(r: &Resolved) -> String {
    match r {
        Resolved::Document(d, None) => document_page(&d.meta.id),
        Resolved::Document(d, Some(s)) => format!("{}#{}", document_page(&d.meta.id), s.id),
        Resolved::Ledger(l, None) => ledger_page(&l.id),
        Resolved::Ledger(l, Some(e)) => format!("{}#{}", ledger_page(&l.id), entry_anchor(&e.id)),
        Resolved::File(path) => file_page(path),
    }
}

/// The page (and anchor) a finding is about.
pub fn finding_url(cx: &Context, f: &Finding) -> String {
    if let Some(loc) = &f.location {
        if let Some(doc) = cx.project.documents.iter().find(|d| *d.file == *loc.file) {
            // Sections, entries and answers are in file order: a binary
            // search keeps many findings in a long file from being quadratic.
            let k = doc.sections.partition_point(|s| s.line <= loc.line);
            let sec = k
                .checked_sub(1)
                .map(|k| &doc.sections[k])
                .filter(|_| loc.line >= doc.body_line);
            return match sec {
                Some(s) => format!("{}#{}", document_page(&doc.meta.id), s.id),
                None => document_page(&doc.meta.id),
            };
        }
        if let Some(ledger) = cx.project.ledgers.iter().find(|l| *l.file == *loc.file) {
            let k = ledger
                .entries
                .partition_point(|e| e.location.line <= loc.line);
            let entry = k
                .checked_sub(1)
                .map(|k| &ledger.entries[k])
                .filter(|_| loc.line > 0);
            return match entry {
                Some(e) => format!("{}#{}", ledger_page(&ledger.id), entry_anchor(&e.id)),
                None => ledger_page(&ledger.id),
            };
        }
        if cx
            .project
            .answers
            .as_ref()
            .is_some_and(|a| *a.file == *loc.file)
        {
            if let Some(item) = &f.item {
                return format!("checklist.html#item-{item}");
            }
            let answer = cx.project.answers.as_ref().and_then(|a| {
                let k = a.answers.partition_point(|x| x.location.line <= loc.line);
                k.checked_sub(1)
                    .map(|k| &a.answers[k])
                    .filter(|_| loc.line > 0)
            });
            return match answer {
                Some(a) => format!("checklist.html#item-{}", a.item),
                None => "checklist.html".to_string(),
            };
        }
    }
    if let Some(item) = &f.item {
        return format!("checklist.html#item-{item}");
    }
    if let Some(r) = &f.requirement {
        return requirement_page(r);
    }
    "findings.html".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::MAX_SLUG;

    #[test]
    fn slugs_are_portable_and_distinct() {
        assert_eq!(slug("S5(6)"), "S5-6");
        assert_eq!(slug("S1.1"), "S1.1");
        assert_eq!(slug("security-rules"), "security-rules");
        assert_eq!(slug("規程"), "_e8_a6_8f_e7_a8_8b");
        assert_ne!(slug("a b"), slug("a_b"));
        assert_eq!(slug(".."), "_..");
    }

    #[test]
    fn long_ids_make_short_distinct_slugs() {
        // Before: a 90-character Japanese id made a 810-byte file name and
        // the build failed (File name too long).
        let a = "個".repeat(90);
        let b = format!("{}人", "個".repeat(89));
        assert!(slug(&a).len() <= MAX_SLUG, "{}", slug(&a).len());
        assert_ne!(slug(&a), slug(&b));
        assert_eq!(slug(&a), slug(&a));
        assert_eq!(slug("S5(6)"), "S5-6", "short ids unchanged");
    }

    #[test]
    fn active_evidence_gets_an_inert_name_and_names_stay_distinct() {
        for (from, to) in [
            ("evidence/a.pdf", "evidence/a.pdf"),
            ("evidence/notes.txt", "evidence/notes.txt"),
            ("evidence/noext", "evidence/noext"),
            ("evidence/a.html", "evidence/a.html.txt"),
            ("evidence/A.SVG", "evidence/A.SVG.txt"),
            ("evidence/a.html.txt", "evidence/a.html.txt.txt"),
            ("evidence/a.html.TXT", "evidence/a.html.TXT.txt"),
            ("evidence/a.html. ", "evidence/a.html. .txt"),
            ("evidence/a.js.txt.", "evidence/a.js.txt..txt"),
            ("evidence/x.html/readme", "evidence/x.html/readme"),
            (".txt", ".txt"),
        ] {
            assert_eq!(evidence_path(from), to, "{from}");
        }
        let names = [
            "a.html",
            "a.html.txt",
            "a.html.txt.txt",
            "a.txt",
            "a",
            "a.svg",
            "a.svg.",
        ];
        let mapped: std::collections::BTreeSet<String> =
            names.iter().map(|n| evidence_path(n)).collect();
        assert_eq!(mapped.len(), names.len(), "{mapped:?}");
        assert_eq!(
            file_page("evidence/研修 #1.html"),
            "files/evidence/研修%20%231.html.txt"
        );
    }

    #[test]
    fn paths_keep_japanese_and_escape_url_breakers() {
        assert_eq!(
            encode_path("evidence/研修 #1.pdf"),
            "evidence/研修%20%231.pdf"
        );
    }
}
