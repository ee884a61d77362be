//! Stale evidence: the fingerprint of what an answer cites (the text of
//! the cited document sections, the fields of cited ledger entries), kept
//! in the answers file by `anzen confirm`; when the cited text changes
//! afterwards, the answer is flagged for re-confirmation.

use sha2::{Digest, Sha256};

use super::{Context, Resolved};
use crate::diag::Finding;
use crate::model::{Answer, Document, Section};
use crate::tr;

/// The text of a section: its heading line up to the next heading of the
/// same or a higher level.
pub fn section_text(doc: &Document, section: &Section) -> String {
    let lines: Vec<&str> = doc.body.lines().collect();
    let start = section.line.saturating_sub(doc.body_line);
    let end = doc
        .sections
        .iter()
        .filter(|s| s.line > section.line && s.level <= section.level)
        .map(|s| s.line.saturating_sub(doc.body_line))
        .min()
        .unwrap_or(lines.len());
    lines
        .get(start..end.max(start).min(lines.len()))
        .unwrap_or(&[])
        .iter()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fingerprint of an answer's evidence (`sha256:` and 16 hex digits),
/// or `None` when it cites nothing whose text can change.
pub fn fingerprint(cx: &Context, answer: &Answer) -> Option<String> {
    let mut hasher = Sha256::new();
    let mut any = false;
    for r in &answer.evidence {
        let text = match cx.resolve(&r.target) {
            Ok(Resolved::Document(d, Some(s))) => section_text(d, s),
            Ok(Resolved::Document(d, None)) => d
                .body
                .lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n"),
            Ok(Resolved::Ledger(_, Some(e))) => e
                .fields
                .iter()
                .map(|(k, v)| format!("{k}={}", v.value.display()))
                .collect::<Vec<_>>()
                .join("\n"),
            _ => continue,
        };
        any = true;
        hasher.update(r.target.trim().as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
        hasher.update([0]);
    }
    any.then(|| {
        format!(
            "sha256:{}",
            hasher
                .finalize()
                .iter()
                .take(8)
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    })
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let Some(answers) = &cx.project.answers else {
        return;
    };
    for a in &answers.answers {
        let Some(confirmed) = &a.confirmed else {
            continue;
        };
        let now = fingerprint(cx, a).unwrap_or_default();
        if now != confirmed.fingerprint {
            out.push(
                Finding::warning(
                    "answer.stale-evidence",
                    tr!(
                        "項目 {} の根拠が、確認日 {} の後に変更されています",
                        "the evidence of item {} changed after it was confirmed on {}";
                        a.item, confirmed.date
                    ),
                )
                .at(a.confirmed_location.clone().unwrap_or_else(|| a.location.clone()))
                .item(&a.item)
                .hint(tr!(
                    "根拠の文書を読み直し、回答が正しければ `anzen confirm {}` で確認し直してください",
                    "re-read the cited sections and, if the answer still holds, run `anzen confirm {}`"; a.item
                )),
            );
        }
    }
}
