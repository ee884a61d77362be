//! People: designated workers, training within the window with signed
//! records, a pledge from every worker of any employment type, and the
//! dispatch company's agreement for dispatched staff.

use super::Context;
use crate::diag::{Finding, Location};
use crate::model::Entry;
use crate::tr;

/// Roster entries working on the roster day: the as-of date, or, before
/// work starts, the work start date (those who start with the work count).
fn active<'a>(cx: &'a Context) -> impl Iterator<Item = &'a Entry> + 'a {
    let day = cx.project.roster_day();
    cx.project
        .entries_of("staff")
        .map(|(_, e)| e)
        .filter(move |e| {
            e.date("left").is_none_or(|l| l >= day) && e.date("joined").is_none_or(|j| j <= day)
        })
}

/// The designated workers on the roster day.
pub(super) fn designated_workers<'a>(cx: &'a Context) -> impl Iterator<Item = &'a Entry> + 'a {
    active(cx).filter(|e| e.bool("designated") == Some(true))
}

fn name(e: &Entry) -> String {
    e.text("name")
        .map(|n| format!("{}（{}）", n, e.id))
        .unwrap_or_else(|| e.id.to_string())
}

/// `designated`: someone is designated to handle personal information.
pub(super) fn designated(cx: &Context, out: &mut Vec<Finding>) {
    if cx.project.ledgers_of("staff").next().is_none() {
        return; // reported by the ledger check
    }
    if !active(cx).any(|e| e.bool("designated") == Some(true)) {
        let at = cx
            .project
            .ledgers_of("staff")
            .next()
            .map(|l| Location::file(&l.file));
        out.push(
            Finding::error(
                "staff.none-designated",
                tr!(
                    "個人情報を取り扱う従業者が指定されていません",
                    "no worker is designated to handle personal information"
                ),
            )
            .at_opt(at)
            .hint(tr!(
                "取り扱う従業者に designated: true を書いてください",
                "set designated: true for the workers who handle it"
            )),
        );
    }
}

/// `training`: every designated worker trained within `months`; with
/// `signatures`, every training record has signature evidence.
pub(super) fn training(cx: &Context, months: u32, signatures: bool, out: &mut Vec<Finding>) {
    let as_of = cx.project.as_of;
    let since = as_of.minus_months(months);
    for worker in active(cx).filter(|e| e.bool("designated") == Some(true)) {
        let last = cx
            .project
            .entries_of("training")
            .filter(|(_, t)| t.list("attendees").iter().any(|a| **a == *worker.id))
            .filter_map(|(_, t)| t.date("date"))
            .filter(|d| *d <= as_of)
            .max();
        match last {
            None => out.push(
                Finding::error("training.never", tr!("{}は研修を一度も受講していません", "{} has never attended training"; name(worker)))
                    .at(worker.location.clone())
                    .hint(tr!(
                        "研修記録（kind: training）の attendees に {} を記録してください。個人情報を取り扱う従業者は必ず1回以上受講している必要があります",
                        "record {} among the attendees of a training (kind: training); every handling worker must be trained at least once"; worker.id
                    )),
            ),
            Some(d) if d < since => out.push(
                Finding::error(
                    "training.stale",
                    tr!("{}の最後の受講は {} で、{}か月より前です", "{} was last trained on {}, more than {} months ago"; name(worker), d, months),
                )
                .at(worker.location.clone())
                .hint(tr!("{} 以降に研修を実施し記録してください（毎年1回以上）", "train and record it on or after {} (at least once a year)"; since)),
            ),
            Some(_) => {}
        }
    }
    if signatures {
        for (_, t) in cx.project.entries_of("training") {
            if !t.has("signature_evidence") {
                out.push(
                    Finding::error("training.no-signature", tr!("研修記録「{}」に署名入りの受講記録がありません", "training record '{}' has no signature evidence"; t.id))
                        .at(t.location.clone())
                        .hint(tr!(
                            "signature_evidence: に署名簿のスキャン（content/ からのパス）を書いてください",
                            "set signature_evidence: to the scanned signed attendance sheet (path under content/)"
                        )),
                );
            }
        }
    }
}

/// `pledges`: every active worker, of any employment type, has a pledge.
pub(super) fn pledges(cx: &Context, out: &mut Vec<Finding>) {
    for worker in active(cx) {
        let has = cx
            .project
            .entries_of("pledges")
            .any(|(_, p)| p.text("staff") == Some(&*worker.id));
        if !has {
            let employment = worker.text("employment").unwrap_or("");
            out.push(
                Finding::error(
                    "pledge.missing",
                    tr!("{}（{}）の誓約書がありません", "{} ({}) has no confidentiality pledge"; name(worker), employment_label(cx, employment)),
                )
                .at(worker.location.clone())
                .hint(tr!(
                    "誓約書管理簿（kind: pledges）に staff: {} の記録を追加してください（契約社員・パート・アルバイト・派遣を含む全員）",
                    "add a pledges entry with staff: {} (everyone, incl. contract, part-time and dispatched staff)"; worker.id
                )),
            );
        }
    }
}

fn employment_label(cx: &Context, value: &str) -> String {
    cx.kinds
        .get("staff")
        .and_then(|k| k.field("employment"))
        .and_then(|f| {
            f.values
                .iter()
                .position(|v| v == value)
                .and_then(|i| f.labels.get(i))
        })
        .cloned()
        .unwrap_or_else(|| value.to_string())
}

/// `dispatch_agreement`: dispatched workers have the dispatch company's
/// confidentiality agreement on record.
pub(super) fn dispatch_agreement(cx: &Context, out: &mut Vec<Finding>) {
    for worker in active(cx).filter(|e| e.text("employment") == Some("dispatched")) {
        if !worker.has("dispatch_agreement") {
            out.push(
                Finding::error(
                    "dispatch.no-agreement",
                    tr!("派遣社員 {} について派遣会社との機密保持契約がありません", "dispatched worker {} has no agreement with the dispatch company"; name(worker)),
                )
                .at(worker.location.clone())
                .hint(tr!(
                    "dispatch_agreement: に派遣会社との機密保持契約（ファイルや文書の参照）を書いてください",
                    "set dispatch_agreement: to the confidentiality agreement with the dispatch company"
                )),
            );
        }
    }
}
