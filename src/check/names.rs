//! Names: ids are of the documented character set (`id.invalid`), and no
//! two inputs land on one output file (`output.name-collision`): the pages
//! of documents and ledgers, the PDFs of documents, the CSVs of ledgers,
//! and evidence files copied into the site and the zip, compared as the
//! receiving file systems compare names (NFC, case folded). Without this a
//! document `security(rules` silently replaced `security-rules` in the site
//! and the PDFs.

use std::collections::BTreeMap;

use super::Context;
use crate::diag::{Finding, Location};
use crate::names;
use crate::tr;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    ids(cx, out);
    let mut pages = Outputs::new("site");
    let mut pdfs = Outputs::new("PDF");
    for reserved in [names::CHECKLIST_PDF, names::COMBINED_PDF] {
        pdfs.reserve(reserved);
    }
    let docs = &cx.project.documents;
    let pdf_names = names::by_title(
        docs.iter()
            .map(|d| (d.meta.id.as_str(), d.meta.title.as_str())),
        ".pdf",
    );
    for (d, pdf) in docs.iter().zip(&pdf_names) {
        let at = d.at(d.id_line);
        pages.claim(
            &names::document_page(&d.meta.id),
            at.clone(),
            &d.meta.id,
            out,
        );
        pdfs.claim(pdf, at, &d.meta.id, out);
    }
    let mut csvs = Outputs::new("CSV");
    let ledgers = &cx.project.ledgers;
    let titles: Vec<String> = ledgers.iter().map(|l| ledger_title(cx, l)).collect();
    let csv_names = names::by_title(
        ledgers
            .iter()
            .zip(&titles)
            .map(|(l, t)| (l.id.as_str(), t.as_str())),
        ".csv",
    );
    for (l, csv) in ledgers.iter().zip(&csv_names) {
        let at = Location::new(&l.file, l.id_line.max(1), 1);
        pages.claim(&names::ledger_page(&l.id), at.clone(), &l.id, out);
        csvs.claim(csv, at, &l.id, out);
    }
    let content = &cx.project.config.content_dir;
    let mut files = Outputs::new("site");
    for f in cx.project.files.iter().filter(|f| is_evidence(f)) {
        let site_name = names::evidence_path(f);
        files.claim(
            &site_name,
            Location::file(&format!("{content}/{f}")),
            f,
            out,
        );
    }
}

/// The title a ledger is shown and exported under.
pub fn ledger_title(cx: &Context, l: &crate::model::Ledger) -> String {
    l.title.clone().unwrap_or_else(|| cx.kind_title(&l.kind))
}

/// Whether a content file is evidence (copied as is), not a document,
/// ledger or the answers.
fn is_evidence(content_rel: &str) -> bool {
    let ext = content_rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    !matches!(ext.as_str(), "md" | "yaml" | "yml")
}

/// Output names claimed so far, by folded name.
struct Outputs {
    what: &'static str,
    /// Folded name → (name, where, the id that claimed it).
    claimed: BTreeMap<String, (String, Option<Location>, String)>,
}

impl Outputs {
    fn new(what: &'static str) -> Self {
        Outputs {
            what,
            claimed: BTreeMap::new(),
        }
    }

    /// A name anzen itself writes: nothing else may take it.
    fn reserve(&mut self, name: &str) {
        self.claimed
            .insert(names::fold(name), (name.to_string(), None, String::new()));
    }

    /// `name` claimed at `at` by the input `id`: two inputs with one id
    /// are `document.duplicate-id` already, not a second finding here.
    fn claim(&mut self, name: &str, at: Location, id: &str, out: &mut Vec<Finding>) {
        match self.claimed.get(&names::fold(name)) {
            None => {
                self.claimed
                    .insert(names::fold(name), (name.to_string(), Some(at), id.to_string()));
            }
            Some((_, first, _)) if first.as_ref() == Some(&at) => {}
            Some((_, Some(_), first_id)) if first_id == id => {}
            Some((other, Some(first), _)) => out.push(
                Finding::error(
                    "output.name-collision",
                    tr!(
                        "{} と同じ出力ファイル（{}: {}）になり、どちらかが失われます",
                        "lands on the same output file as {} ({}: {}); one of them would be lost";
                        first, self.what, crate::terminal::text(other)
                    ),
                )
                .at(at)
                .hint(tr!(
                    "id・題名・ファイル名を変えて、出力名が重ならないようにしてください（大文字と小文字、NFC と NFD の違いは同じ名前とみなします）",
                    "change the id, title or file name so that the outputs differ (case and NFC/NFD forms count as the same name)"
                )),
            ),
            Some((other, None, _)) => out.push(
                Finding::error(
                    "output.name-collision",
                    tr!(
                        "anzen が作るファイル「{}」と同じ名前になります",
                        "has the name of a file anzen writes itself: '{}'"; other
                    ),
                )
                .at(at)
                .hint(tr!("題名を変えてください", "change the title")),
            ),
        }
    }
}

/// Every document, ledger and entry id of the documented character set.
fn ids(cx: &Context, out: &mut Vec<Finding>) {
    let bad = |what: crate::i18n::Text, problem: crate::i18n::Text, at: Location| {
        Finding::error(
            "id.invalid",
            crate::i18n::Text::new(
                format!("{}: {}", what.ja, problem.ja),
                format!("{}: {}", what.en, problem.en),
            ),
        )
        .at(at)
        .hint(tr!(
            "id には文字・数字と、途中の「-」「_」「.」だけを使ってください（空白・括弧・#・/ は使えません）",
            "use letters, digits and, inside, '-', '_' or '.' (no spaces, brackets, # or /)"
        ))
    };
    for d in &cx.project.documents {
        if let Some(p) = names::id_problem(&d.meta.id) {
            let what =
                tr!("文書の id「{}」", "document id '{}'"; crate::terminal::text(&d.meta.id));
            out.push(bad(what, p, d.at(d.id_line)));
        }
    }
    for l in &cx.project.ledgers {
        let at = Location::new(&l.file, l.id_line, if l.id_line > 0 { 1 } else { 0 });
        if let Some(p) = names::id_problem(&l.id) {
            let what = if l.id_line > 0 {
                tr!("台帳の id「{}」", "ledger id '{}'"; crate::terminal::text(&l.id))
            } else {
                tr!(
                    "ファイル名から作った台帳の id「{}」",
                    "ledger id '{}' taken from the file name"; crate::terminal::text(&l.id)
                )
            };
            out.push(bad(what, p, at));
        }
        for e in &l.entries {
            if plain_ascii_id(&e.id) {
                continue;
            }
            if let Some(p) = names::id_problem(&e.id) {
                let at = e.at("id");
                let what = tr!("記録の id「{}」", "entry id '{}'"; crate::terminal::text(&e.id));
                out.push(bad(what, p, at));
            }
        }
    }
}

/// The common case, decided without looking at characters one by one.
fn plain_ascii_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= names::MAX_ID
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1] != b'.'
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}
