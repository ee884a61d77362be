//! Coverage: a requirement is satisfied by a document (section) of the
//! right kind, the ledgers it needs exist, and the roles it names are
//! assigned and written down.

use super::Context;
use crate::diag::{Finding, Location};
use crate::i18n::Text;
use crate::model::DocKind;
use crate::tr;

/// `document`: some document of `kinds` lists `requirement` in `satisfies`
/// (naming a section that exists, if `section`).
pub(super) fn document(
    cx: &Context,
    requirement: &str,
    kinds: &[DocKind],
    section: bool,
    out: &mut Vec<Finding>,
) {
    let ok = cx.project.documents.iter().any(|d| {
        kinds.contains(&d.meta.kind)
            && d.meta.satisfies.iter().any(|s| {
                s.requirement == requirement
                    && (!section
                        || s.section
                            .as_deref()
                            .is_some_and(|sec| d.section(sec).is_some()))
            })
    });
    if ok {
        return;
    }
    let labels: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
    let names: Vec<String> = kinds
        .iter()
        .map(|k| format!("{k:?}").to_lowercase())
        .collect();
    let title = cx
        .standard
        .requirement(requirement)
        .map(|r| r.title.clone().unwrap_or_else(|| first_sentence(&r.text)))
        .unwrap_or_default();
    let short = title.as_str();
    // The document that should list it: one that claims it already (a
    // section that does not exist), else the first of the first kind.
    let claims = |d: &&crate::model::Document| {
        d.meta
            .satisfies
            .iter()
            .any(|s| s.requirement == requirement)
    };
    let of_kind = |k: &DocKind| {
        let k = *k;
        cx.project
            .documents
            .iter()
            .filter(move |d| d.meta.kind == k)
    };
    let candidate = kinds
        .iter()
        .flat_map(of_kind)
        .find(claims)
        .or_else(|| kinds.iter().flat_map(of_kind).next());
    let claim_line = |d: &crate::model::Document| {
        d.meta
            .satisfies
            .iter()
            .position(|s| s.requirement == requirement)
            .and_then(|i| d.satisfies_lines.get(i))
            .or(d.satisfies_lines.first())
            .copied()
            .unwrap_or(d.id_line)
    };
    let (ja_sec, en_sec) = if section {
        ("の節", " section")
    } else {
        ("", "")
    };
    out.push(
        Finding::error(
            "requirement.uncovered",
            Text::new(
                format!("要件 {requirement}（{short}）を満たす{}{ja_sec}がありません", labels.join("・")),
                format!("requirement {requirement} ({short}) is not satisfied by any {}{en_sec}", names.join("/")),
            ),
        )
        .requirement(requirement)
        .at_opt(candidate.map(|d| d.at(claim_line(d))))
        .hint(if section {
            Text::new(
                format!("{} の文書のフロントマターに satisfies: [{{requirement: \"{requirement}\", section: 見出しID}}] を追加し、その見出しに {{#見出しID}} を付けてください", labels.join("・")),
                format!("add satisfies: [{{requirement: \"{requirement}\", section: heading-id}}] to the front matter of a {} document and {{#heading-id}} to that heading", names.join("/")),
            )
        } else {
            Text::new(
                format!("{} の文書のフロントマターに satisfies: [{{requirement: \"{requirement}\"}}] を追加してください", labels.join("・")),
                format!("add satisfies: [{{requirement: \"{requirement}\"}}] to the front matter of a {} document", names.join("/")),
            )
        }),
    );
}

/// The first sentence of a requirement's text, whole (up to its 。), its
/// paragraphs joined: a requirement without a title is named by it.
fn first_sentence(text: &str) -> String {
    let joined: String = text.split("\n\n").collect::<Vec<_>>().join("");
    let joined = joined.replace('\n', "");
    match joined.find('。') {
        Some(end) => joined[..end].to_string(),
        None => joined,
    }
}

/// `ledger`: a ledger of `kind` with at least `min` entries.
pub(super) fn ledger(cx: &Context, kind: &str, min: usize, out: &mut Vec<Finding>) {
    let ledgers: Vec<_> = cx.project.ledgers_of(kind).collect();
    let count: usize = ledgers.iter().map(|l| l.entries.len()).sum();
    let title = cx.kind_title(kind);
    if ledgers.is_empty() {
        out.push(
            Finding::error("ledger.missing", tr!("{}（kind: {}）の台帳がありません", "no {1} ledger (kind: {1}, {0})"; title, kind))
                .hint(tr!(
                    "content/ledgers/{}.yaml を作り、kind: {} と entries: を書いてください",
                    "create content/ledgers/{}.yaml with kind: {} and entries:"; kind, kind
                )),
        );
    } else if count < min {
        out.push(
            Finding::error(
                "ledger.missing",
                if count == 0 {
                    tr!("{}に記録がありません", "{} has no entries"; title)
                } else {
                    tr!("{}の記録が {} 件しかありません（{} 件以上必要）", "{} has {} entries; at least {} needed"; title, count, min)
                },
            )
            .at(Location::file(&ledgers[0].file))
            .hint(tr!("{} の entries: に記録を追加してください", "add entries under entries: in {}"; ledgers[0].file)),
        );
    }
}

/// `roles`: each role is held by someone on the roster and named in a
/// document of `documented_in`.
pub(super) fn roles(
    cx: &Context,
    roles: &[String],
    documented_in: &[DocKind],
    out: &mut Vec<Finding>,
) {
    let roster_file = cx
        .project
        .ledgers_of("staff")
        .next()
        .map(|l| Location::file(&l.file));
    for role in roles {
        let holders = cx
            .project
            .entries_of("staff")
            .filter(|(_, e)| e.list("roles").iter().any(|r| r == role))
            .count();
        if holders == 0 {
            out.push(
                Finding::error("roles.missing", tr!("{}が従事者名簿で定められていません", "no {} is named in the staff roster"; role))
                    .at_opt(roster_file.clone())
                    .hint(tr!("名簿の該当者に roles: [{}] を書いてください", "add roles: [{}] to that person's roster entry"; role)),
            );
        }
        if documented_in.is_empty() {
            continue;
        }
        // A role that is part of a longer one (保護管理者 in 総括保護管理者)
        // must appear on its own.
        let longer: Vec<&String> = roles
            .iter()
            .filter(|r| *r != role && r.contains(role.as_str()))
            .collect();
        // 「基本方針、規程及び取扱手順等に明記」: a document of each kind.
        for kind in documented_in {
            if !cx.project.documents.iter().any(|d| d.meta.kind == *kind) {
                continue; // requirement.uncovered says the kind is missing
            }
            let stated = cx
                .project
                .documents
                .iter()
                .filter(|d| d.meta.kind == *kind)
                .any(|d| {
                    let mut text = d.body.clone();
                    for l in &longer {
                        text = text.replace(l.as_str(), "");
                    }
                    text.contains(role.as_str())
                });
            if !stated {
                let at = cx
                    .project
                    .documents
                    .iter()
                    .find(|d| d.meta.kind == *kind)
                    .map(|d| d.at(d.body_line));
                out.push(
                    Finding::error(
                        "roles.undocumented",
                        tr!("{}が{}に明記されていません", "{} is not stated in the {} documents"; role, kind.label()),
                    )
                    .at_opt(at)
                    .hint(tr!("{}の体制（氏名・役割・権限）を文書に書いてください", "state who the {} is and what they do"; role)),
                );
            }
        }
    }
}
