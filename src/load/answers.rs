//! Loading the checklist answers file. Each entry is read on its own, so a
//! bad entry is reported and the others still load.

use crate::diag::{Finding, Location};
use crate::model::answers::AnswerEntry;
use crate::model::{Answer, Answers, Reference};
use crate::tr;
use crate::yaml::finding as yaml_finding;
use crate::yaml::{self, Node, NodeKind};

/// Reads the answers file's text: [`from_tree`] on its YAML tree, with the
/// YAML problems in `findings`; `None` when the syntax allowed no tree.
pub fn parse(
    text: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<(Option<Answers>, Vec<String>)> {
    let parsed = yaml::parse(text);
    for e in &parsed.errors {
        findings.push(yaml_finding(e, file, 0));
    }
    Some(from_tree(&parsed.root?, file, findings))
}

/// Builds the answers from the file's YAML tree; problems go to `findings`.
/// Also returns the item ids of entries that failed to parse, so that they
/// are not reported again as unanswered. Without an `answers:` list (an
/// empty file, a list or a scalar at the top) there are no answers to go
/// by: that one finding is made and `None` returned, so that the 31 items
/// are not each reported unanswered.
pub fn from_tree(
    root: &Node,
    file: &str,
    findings: &mut Vec<Finding>,
) -> (Option<Answers>, Vec<String>) {
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
        found => {
            let at = match (found, root.get("answers")) {
                (Some(_), Some(n)) => Location::new(file, n.line, n.column),
                _ => Location::new(file, root.line, root.column),
            };
            findings.push(
                Finding::error(
                    "yaml.missing-field",
                    tr!("`answers:` の配列がありません", "no `answers:` list"),
                )
                .at(at)
                .hint(tr!(
                    "`answers:` の下に `- item: \"1\"` のように回答を並べてください（まだなければ `answers: []`）",
                    "list the answers under `answers:` as `- item: \"1\"` (or write `answers: []`)"
                )),
            );
            return (None, unparsed);
        }
    };
    for node in items {
        if let Some(item) = unanswered(node) {
            // `answer:` left empty (as `anzen init` writes it): say what to
            // fill in rather than that null is not an answer.
            let at = node
                .get("answer")
                .filter(|a| a.line > 0)
                .map(|a| Location::new(file, a.line, a.column))
                .unwrap_or_else(|| Location::new(file, node.line, node.column));
            findings.push(
                Finding::error(
                    "answer.missing",
                    tr!("項目 {} に回答がありません", "item {} is not answered"; item),
                )
                .at(at)
                .item(item)
                .hint(tr!(
                    "answer: に はい・いいえ・該当無 のいずれかを記入してください（はい は evidence:、いいえ は remediation:、該当無 は reason: も）",
                    "fill in answer: with はい, いいえ or 該当無 (and evidence: for はい, remediation: for いいえ, reason: for 該当無)"
                )),
            );
            // The rest of the entry is still checked (typos in its keys).
            let mut filled = node.clone();
            if let NodeKind::Map(pairs) = &mut filled.kind {
                for (_, v) in pairs.iter_mut().filter(|(k, _)| k.text == "answer") {
                    v.kind = NodeKind::Scalar {
                        text: "はい".to_string(),
                        quoted: false,
                    };
                }
            }
            if let Err(e) = yaml::deserialize::<AnswerEntry>(&filled) {
                findings.push(yaml_finding(&e, file, 0).item(item));
            }
            unparsed.push(item.to_string());
            continue;
        }
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
    (Some(answers), unparsed)
}

/// The item of an entry whose `answer:` is empty (null), if it is one.
fn unanswered(node: &Node) -> Option<&str> {
    let item = node.get("item").and_then(Node::as_str)?;
    node.get("answer")
        .is_some_and(Node::is_null)
        .then_some(item)
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
        confirmed: raw.confirmed,
        confirmed_location: node
            .key("confirmed")
            .map(|k| Location::new(file, k.line, k.column)),
        reason_location: node.get("reason").map(at),
        note_location: node.get("note").map(at),
        plan_location: node.get("remediation").and_then(|r| r.get("plan")).map(at),
    }
}
