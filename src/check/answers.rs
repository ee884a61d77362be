//! Checklist answers: every item answered once, はい backed by evidence,
//! いいえ remedied by the work start date, 該当無 explained and not
//! contradicted by the ledgers.

use std::collections::BTreeMap;

use super::Context;
use crate::diag::{Finding, Location};
use crate::model::{Answer, AnswerValue};
use crate::standard::ChecklistItem;
use crate::tr;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let answers_file = format!(
        "{}/{}",
        cx.project.config.content_dir,
        crate::model::project::ANSWERS_FILE
    );
    let Some(answers) = &cx.project.answers else {
        if cx.unloaded.answers {
            return; // the file is there; why it could not be read is reported
        }
        out.push(
            Finding::error("answers.missing-file", tr!("チェックシートの回答ファイルがありません", "the checklist answers file is missing"))
                .at(Location::file(&answers_file))
                .hint(tr!("{} に全項目の回答を書いてください（README 参照）", "write {} with an answer for every item (see README)"; answers_file)),
        );
        return;
    };
    let item_ids: Vec<String> = cx
        .standard
        .checklist
        .items
        .iter()
        .map(|i| i.id.clone())
        .collect();
    let mut first: BTreeMap<&str, &Answer> = BTreeMap::new();
    for a in &answers.answers {
        let Some(item) = cx.standard.item(&a.item) else {
            let hint = crate::yaml::did_you_mean(&a.item, &item_ids)
                .map(|c| tr!("「{}」の誤りではありませんか", "did you mean '{}'?"; c))
                .unwrap_or_else(
                    || tr!("項目番号は {} です", "item numbers are {}"; item_ids.join(", ")),
                );
            out.push(
                Finding::error("answer.unknown-item", tr!("チェック項目「{}」はチェックシートにありません", "the checklist has no item '{}'"; a.item))
                    .at(a.location.clone())
                    .hint(hint),
            );
            continue;
        };
        if let Some(prev) = first.get(a.item.as_str()) {
            out.push(
                Finding::error(
                    "answer.duplicate",
                    tr!("項目 {} に2回回答しています（最初は {} 行目）", "item {} is answered twice (first at line {})"; a.item, prev.location.line),
                )
                .at(a.location.clone())
                .item(&a.item)
                .hint(tr!("どちらか一方にまとめてください", "keep one of them")),
            );
            continue;
        }
        first.insert(&a.item, a);
        answer(cx, item, a, out);
    }
    for item in &cx.standard.checklist.items {
        if !first.contains_key(item.id.as_str()) && !cx.project.answered_invalid.contains(&item.id)
        {
            out.push(
                Finding::error(
                    "answer.missing",
                    tr!("項目 {} に回答がありません", "item {} is not answered"; item.id),
                )
                .at(Location::file(&answers.file))
                .item(&item.id)
                .hint(tr!(
                    "- item: \"{}\" と answer: はい／いいえ／該当無 を追加してください",
                    "add - item: \"{}\" with answer: はい, いいえ or 該当無"; item.id
                )),
            );
        }
    }
}

fn answer(cx: &Context, item: &ChecklistItem, a: &Answer, out: &mut Vec<Finding>) {
    for r in &a.evidence {
        if let Err(msg) = cx.resolve(&r.target) {
            if cx.names_unloaded(&r.target) {
                continue; // its file failed to load, and that is reported
            }
            out.push(
                Finding::error("reference.unresolved", msg)
                    .at(r.location.clone())
                    .item(&a.item)
                    .hint(tr!(
                        "文書ID、文書ID#見出しID、台帳ID、台帳ID#記録ID、または content/ からのファイルパスを書いてください",
                        "write doc-id, doc-id#heading-id, ledger-id, ledger-id#entry-id or a path under content/"
                    )),
            );
        }
    }
    let work_start = cx.project.config.contract.work_start;
    match a.value {
        AnswerValue::Yes => {
            if a.evidence.is_empty() {
                out.push(
                    Finding::error("answer.yes-without-evidence", tr!("項目 {} は「はい」ですが根拠がありません", "item {} is answered はい with no evidence"; a.item))
                        .at(a.answer_location.clone())
                        .item(&a.item)
                        .hint(tr!(
                            "evidence: に根拠の文書（文書ID#見出しID）や台帳を挙げてください",
                            "list the documents (doc-id#heading-id) or ledgers that prove it under evidence:"
                        )),
                );
            }
        }
        AnswerValue::No => match &a.remediation {
            None => out.push(
                Finding::error("answer.no-without-remediation", tr!("項目 {} は「いいえ」ですが対策計画がありません", "item {} is answered いいえ with no remediation plan"; a.item))
                    .at(a.answer_location.clone())
                    .item(&a.item)
                    .hint(tr!(
                        "remediation: {{plan: 対策, owner: 担当者ID, due: {}以前}} を書いてください（業務着手までに対策）",
                        "add remediation: {{plan, owner, due: on or before {}}} (remedy before work starts)"; work_start
                    )),
            ),
            Some(rem) => {
                let at = a.remediation_location.clone().unwrap_or_else(|| a.location.clone());
                if rem.due > work_start {
                    out.push(
                        Finding::error(
                            "answer.remediation-late",
                            tr!("項目 {} の対策期限 {} が業務着手日 {} より後です", "item {} remediation is due {}, after the work start date {}"; a.item, rem.due, work_start),
                        )
                        .at(at.clone())
                        .item(&a.item)
                        .hint(tr!("対策は業務着手までに、発注者と協議の上実施してください", "remedy before work starts, in agreement with the client")),
                    );
                }
                match rem.completed {
                    Some(done) if done > work_start => out.push(
                        Finding::error(
                            "answer.remediation-late",
                            tr!("項目 {} の対策完了日 {} が業務着手日 {} より後です", "item {} was remedied on {}, after the work start date {}"; a.item, done, work_start),
                        )
                        .at(at.clone())
                        .item(&a.item),
                    ),
                    None if cx.project.as_of > rem.due => out.push(
                        Finding::error(
                            "answer.remediation-overdue",
                            tr!("項目 {} の対策期限 {} を過ぎても完了していません", "item {} remediation was due {} and is not completed"; a.item, rem.due),
                        )
                        .at(at.clone())
                        .item(&a.item)
                        .hint(tr!("対策を実施したら completed: YYYY-MM-DD を記入してください", "record completed: YYYY-MM-DD once the measure is in place")),
                    ),
                    _ => {}
                }
                if !cx.staff.contains_key(rem.owner.as_str()) && !cx.kind_unknown("staff") {
                    out.push(
                        Finding::error("reference.unknown-staff", tr!("対策担当者「{}」は従事者名簿にありません", "remediation owner '{}' is not on the staff roster"; rem.owner))
                            .at(at)
                            .item(&a.item),
                    );
                }
            }
        },
        AnswerValue::NotApplicable => {
            if a.reason.is_none() {
                out.push(
                    Finding::error("answer.na-without-reason", tr!("項目 {} は「該当無」ですが理由がありません", "item {} is answered 該当無 with no reason"; a.item))
                        .at(a.answer_location.clone())
                        .item(&a.item)
                        .hint(tr!("reason: に該当しない理由を書いてください", "give the reason under reason:")),
                );
            }
            for cond in &item.na_contradicted_by {
                let hit = cx.project.entries_of(&cond.ledger).find(|(_, e)| match (&cond.field, &cond.equals) {
                    (Some(f), Some(v)) => e.text(f) == Some(v.as_str()),
                    (Some(f), None) => e.has(f),
                    _ => true,
                });
                if let Some((ledger, entry)) = hit {
                    out.push(
                        Finding::error(
                            "answer.na-contradicted",
                            tr!(
                                "項目 {} は「該当無」ですが、{}（{}）の記録「{}」が該当します",
                                "item {0} is answered 該当無, but entry '{3}' of {2} ({1}) says otherwise";
                                a.item, cx.kind_title(&ledger.kind), ledger.id, entry.id
                            ),
                        )
                        .at(a.answer_location.clone())
                        .item(&a.item)
                        .hint(tr!("回答を見直すか、{} の記録を確認してください", "revise the answer or check {}"; entry.location)),
                    );
                }
            }
        }
    }
}
