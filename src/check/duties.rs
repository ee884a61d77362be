//! Separation of duties and authority: whoever approves a take-out, a
//! deletion or an access right is not the person who carries it out, holds
//! a role that may approve it, and approved it on or before the act.

use super::Context;
use crate::diag::Finding;
use crate::tr;

/// The roles that may approve when neither the standard's check nor the
/// config names any.
const DEFAULT_ROLES: [&str; 2] = ["総括保護管理者", "保護管理者"];

/// The `approval` check's fields.
pub(super) struct Approval<'r> {
    pub ledger: &'r str,
    pub approver: &'r str,
    pub actors: &'r [String],
    pub approved_on: &'r str,
    pub date: &'r str,
    pub roles: &'r [String],
    pub required: bool,
}

pub(super) fn approval(cx: &Context, a: &Approval, out: &mut Vec<Finding>) {
    let configured = &cx.project.config.check.approver_roles;
    let roles: Vec<&str> = if !configured.is_empty() {
        configured.iter().map(String::as_str).collect()
    } else if !a.roles.is_empty() {
        a.roles.iter().map(String::as_str).collect()
    } else {
        DEFAULT_ROLES.to_vec()
    };
    let kind = cx.kind_title(a.ledger);
    for (_, e) in cx.project.entries_of(a.ledger) {
        let Some(approver) = e.text(a.approver) else {
            if a.required {
                out.push(
                    Finding::error(
                        "record.field-missing",
                        tr!(
                            "{}の記録「{}」に{}がありません（承認を得たことを示せません）",
                            "entry '{}' of {} has no {} (it cannot show it was approved)";
                            kind, e.id, cx.field_title(a.ledger, a.approver)
                        )
                        .with_en(format!(
                            "entry '{}' of {} has no {} ({}): it cannot show it was approved",
                            e.id, kind, cx.field_title(a.ledger, a.approver), a.approver
                        )),
                    )
                    .at(e.location.clone())
                    .hint(tr!("{}: と {}: を記入してください", "fill in {}: and {}:"; a.approver, a.approved_on)),
                );
            }
            continue;
        };
        for actor_field in a.actors {
            let actors: Vec<&str> = match e.fields.get(actor_field).map(|f| &f.value) {
                Some(crate::model::FieldValue::Text(t)) => vec![t.as_str()],
                Some(crate::model::FieldValue::List(l)) => l.iter().map(String::as_str).collect(),
                _ => vec![],
            };
            if actors.contains(&approver) {
                out.push(
                    Finding::error(
                        "duty.not-separated",
                        tr!(
                            "{}の記録「{}」: {}が{}（{}）と同じ人です。承認は実施者以外が行います",
                            "entry '{}' of {}: the {} is the {} ({}); approval must come from someone else";
                            kind, e.id, cx.field_title(a.ledger, a.approver), cx.field_title(a.ledger, actor_field), cx.staff_label(approver, true)
                        )
                        .with_en(format!(
                            "entry '{}' of {}: the {} is the {} ({}); approval must come from someone else",
                            e.id, kind, a.approver, actor_field, approver
                        )),
                    )
                    .at(e.at(a.approver))
                    .hint(tr!("実施者以外の承認権限者（{}）の承認を記録してください", "record the approval of someone else who may approve ({})"; roles.join("・"))),
                );
            }
        }
        // When nobody on the roster holds an approving role, roles.missing
        // says so once; every approval would only repeat it.
        let roles_held = cx
            .staff
            .values()
            .any(|s| s.list("roles").iter().any(|r| roles.contains(&r.as_str())));
        if roles_held && let Some(staff) = cx.staff.get(approver) {
            let held = staff.list("roles");
            if !held.iter().any(|r| roles.contains(&r.as_str())) {
                out.push(
                    Finding::error(
                        "duty.approver-role",
                        tr!(
                            "{}の記録「{}」の{} {} は承認できる役割（{}）を持っていません",
                            "entry '{}' of {}: the {} {} holds no role that may approve ({})";
                            kind, e.id, cx.field_title(a.ledger, a.approver), cx.staff_label(approver, true), roles.join("・")
                        )
                        .with_en(format!(
                            "entry '{}' of {}: the {} {} holds no role that may approve ({})",
                            e.id, kind, a.approver, approver, roles.join(", ")
                        )),
                    )
                    .at(e.at(a.approver))
                    .hint(tr!(
                        "承認者を見直すか、名簿の roles: に役割を記入してください（承認できる役割は anzen.yaml の check.approver_roles で変えられます）",
                        "change the approver, or give the person the role in the roster (check.approver_roles in anzen.yaml sets the approving roles)"
                    )),
                );
            }
        }
        match (e.date(a.approved_on), e.date(a.date)) {
            (None, _) => out.push(
                Finding::error(
                    "record.field-missing",
                    tr!(
                        "{}の記録「{}」に{}がありません",
                        "entry '{}' of {} has no {}";
                        kind, e.id, cx.field_title(a.ledger, a.approved_on)
                    ),
                )
                .at(e.at(a.approver))
                .hint(tr!("{}: YYYY-MM-DD を記入してください", "fill in {}: YYYY-MM-DD"; a.approved_on)),
            ),
            (Some(approved), Some(done)) if approved > done => out.push(
                Finding::error(
                    "duty.approved-late",
                    tr!(
                        "{}の記録「{}」: {}（{}）が{}（{}）より後です。承認は実施の前に得ます",
                        "entry '{}' of {}: approved on {} ({}), after the {} ({}); approval comes first";
                        kind, e.id, cx.field_title(a.ledger, a.approved_on), approved, cx.field_title(a.ledger, a.date), done
                    )
                    .with_en(format!(
                        "entry '{}' of {}: approved on {}, after the {} ({}); approval comes first",
                        e.id, kind, approved, a.date, done
                    )),
                )
                .at(e.at(a.approved_on)),
            ),
            _ => {}
        }
    }
}
