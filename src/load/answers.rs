//! Loading the checklist answers file. Each entry is read on its own, so a
//! bad entry is reported and the others still load.

use crate::diag::{Finding, Location};
use crate::load::document::yaml_finding;
use crate::load::yaml::{self, Node, NodeKind};
use crate::model::answers::AnswerEntry;
use crate::model::{Answer, Answers, Reference};
use crate::tr;

/// Builds the answers from the file's YAML tree; problems go to `findings`.
/// Also returns the item ids of entries that failed to parse, so that they
/// are not reported again as unanswered.
pub fn from_tree(root: &Node, file: &str, findings: &mut Vec<Finding>) -> (Answers, Vec<String>) {
    let mut answers = Answers {
        file: file.to_string(),
        answers: Vec::new(),
    };
    let mut unparsed = Vec::new();
    if let NodeKind::Map(pairs) = &root.kind {
        for (k, _) in pairs {
            if k.text != "answers" {
                findings.push(
                    Finding::error(
                        "yaml.unknown-field",
                        tr!("未知のキー「{}」です", "unknown field '{}'"; k.text),
                    )
                    .at(Location::new(file, k.line, k.column))
                    .hint(tr!(
                        "回答は `answers:` の下に並べてください",
                        "list the answers under `answers:`"
                    )),
                );
            }
        }
    }
    let items = match root.get("answers").map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items,
        _ => {
            findings.push(
                Finding::error(
                    "yaml.missing-field",
                    tr!("`answers:` の配列がありません", "no `answers:` list"),
                )
                .at(Location::new(file, root.line, root.column)),
            );
            return (answers, unparsed);
        }
    };
    for node in items {
        match yaml::deserialize::<AnswerEntry>(node) {
            Ok(raw) => answers.answers.push(answer(raw, node, file)),
            Err(e) => {
                let mut f = yaml_finding(&e, file, 0);
                if let Some(item) = node.get("item").and_then(Node::as_str) {
                    unparsed.push(item.to_string());
                    f = f.item(item);
                }
                findings.push(f);
            }
        }
    }
    (answers, unparsed)
}

fn answer(raw: AnswerEntry, node: &Node, file: &str) -> Answer {
    let at = |n: &Node| Location::new(file, n.line, n.column);
    let evidence = match node.get("evidence").map(|n| &n.kind) {
        Some(NodeKind::Seq(items)) => items
            .iter()
            .zip(raw.evidence.iter())
            .map(|(n, t)| Reference {
                target: t.clone(),
                location: at(n),
            })
            .collect(),
        _ => Vec::new(),
    };
    Answer {
        item: raw.item,
        value: raw.answer,
        evidence,
        remediation: raw.remediation,
        reason: raw.reason.filter(|r| !r.trim().is_empty()),
        note: raw.note,
        location: at(node),
        answer_location: node.get("answer").map(at).unwrap_or_else(|| at(node)),
        remediation_location: node
            .key("remediation")
            .map(|k| Location::new(file, k.line, k.column)),
    }
}
