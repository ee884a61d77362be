//! Dates against the as-of date: a record dated after it (a training not
//! yet held, a take-out of next week, a report for a month to come) is an
//! error, not a record silently ignored. Dates the ledger kinds mark
//! `planned` (a planned start, an expiry, a disposal due) may lie ahead;
//! so may a remediation's due date. A completion or confirmation may not.

use super::Context;
use crate::diag::Finding;
use crate::model::FieldValue;
use crate::tr;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let as_of = cx.project.as_of;
    let this_month = as_of.month();
    for l in &cx.project.ledgers {
        let Some(kind) = cx.kinds.get(&l.kind) else {
            continue;
        };
        // The kind's event dates, by name: only these are looked at.
        let dated: Vec<&str> = kind
            .fields
            .iter()
            .filter(|f| {
                matches!(
                    f.ty,
                    crate::standard::FieldType::Date | crate::standard::FieldType::Month
                ) && !f.planned
            })
            .map(|f| f.name.as_str())
            .collect();
        if dated.is_empty() {
            continue;
        }
        for e in &l.entries {
            for name in &dated {
                let Some(field) = e.fields.get(name) else {
                    continue;
                };
                let future = match &field.value {
                    FieldValue::Date(d) => (*d > as_of).then(|| d.to_string()),
                    FieldValue::Month(m) => (*m > this_month).then(|| m.to_string()),
                    _ => None,
                };
                if let Some(value) = future {
                    out.push(
                        Finding::error(
                            "record.future",
                            tr!(
                                "{}の記録「{}」の{}（{}）が基準日 {} より後です",
                                "entry '{}' of {}: {} ({}) is after the as-of date {}";
                                cx.kind_title(&l.kind), e.id, cx.field_title(&l.kind, name), value, as_of
                            )
                            .with_en(format!(
                                "entry '{}' of {}: {} ({}) is after the as-of date {}",
                                e.id, l.id, name, value, as_of
                            )),
                        )
                        .at(e.field_location(field))
                        .hint(tr!(
                            "まだ起きていないことは記録できません。予定なら実施してから記録し、日付の誤りなら直してください",
                            "only what has happened can be recorded: record a plan once it is carried out, and correct the date if it is wrong"
                        )),
                    );
                }
            }
        }
    }
    let Some(answers) = &cx.project.answers else {
        return;
    };
    for a in &answers.answers {
        let at = a
            .remediation_location
            .clone()
            .unwrap_or_else(|| a.location.clone());
        if let Some(done) = a.remediation.as_ref().and_then(|r| r.completed)
            && done > as_of
        {
            out.push(
                Finding::error(
                    "record.future",
                    tr!(
                        "項目 {} の対策完了日 {} が基準日 {} より後です",
                        "item {} is remedied on {}, after the as-of date {}"; a.item, done, as_of
                    ),
                )
                .at(at)
                .item(&a.item)
                .hint(tr!(
                    "完了したら completed: を記入してください（予定は due: に）",
                    "record completed: once it is done (the plan goes in due:)"
                )),
            );
        }
        if let Some(c) = &a.confirmed
            && c.date > as_of
        {
            out.push(
                Finding::error(
                    "record.future",
                    tr!(
                        "項目 {} の確認日 {} が基準日 {} より後です",
                        "item {} is confirmed on {}, after the as-of date {}"; a.item, c.date, as_of
                    ),
                )
                .at(a
                    .confirmed_location
                    .clone()
                    .unwrap_or_else(|| a.location.clone()))
                .item(&a.item),
            );
        }
    }
}
