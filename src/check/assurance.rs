//! Deadlines inside the contract and assurances that must be on record:
//! an incident reported to the client without delay, a deletion's
//! certificate soon after it; each subcontractor approved before it
//! starts, under an NDA and (for 特定個人情報) certified or inspected;
//! dispatched staff linked to their agency and its contract; devices the
//! standard allows only with the client's permission naming it.

use super::Context;
use crate::diag::{Finding, Severity};
use crate::tr;

/// The `deadline` check's fields.
pub(super) struct Deadline<'r> {
    pub ledger: &'r str,
    pub from: &'r str,
    pub to: &'r str,
    pub within_days: u32,
    pub setting: Option<&'r str>,
    pub when_field: Option<&'r str>,
    pub rule: &'r str,
    pub note: &'r str,
}

/// The days a contract setting gives, if it sets them.
fn setting(cx: &Context, name: &str) -> Option<u32> {
    let c = &cx.project.config.contract;
    match name {
        "incident_report_days" => c.incident_report_days,
        "deletion_certificate_days" => c.deletion_certificate_days,
        _ => None,
    }
}

/// `deadline`: `to` follows `from` within the days allowed.
pub(super) fn deadline(cx: &Context, d: &Deadline, out: &mut Vec<Finding>) {
    let days = d
        .setting
        .and_then(|s| setting(cx, s))
        .unwrap_or(d.within_days);
    let as_of = cx.project.as_of;
    let kind = cx.kind_title(d.ledger);
    let (tf, tt) = (
        cx.field_title(d.ledger, d.from),
        cx.field_title(d.ledger, d.to),
    );
    for (_, e) in cx.project.entries_of(d.ledger) {
        if d.when_field.is_some_and(|w| !e.has(w)) {
            continue;
        }
        let Some(from) = e.date(d.from) else { continue };
        let due = from.plus_days(i64::from(days));
        match e.date(d.to) {
            Some(to) if to > due => out.push(
                Finding::error(
                    d.rule,
                    tr!(
                        "{}の記録「{}」: {}（{}）が{}（{}）から{}日を超えています（{}、期限 {}）",
                        "entry '{}' of {}: {} ({}) is more than {} days after {} ({}) ({}; due {})";
                        kind, e.id, tt, to, tf, from, days, d.note, due
                    )
                    .with_en(format!(
                        "entry '{}' of {}: {} ({}) is more than {} days after {} ({}) ({}; due {})",
                        e.id, kind, d.to, to, days, d.from, from, d.note, due
                    )),
                )
                .at(e.at(d.to)),
            ),
            None if as_of > due => out.push(
                Finding::error(
                    d.rule,
                    tr!(
                        "{}の記録「{}」に{}がなく、期限 {}（{}から{}日、{}）を過ぎています",
                        "entry '{}' of {} has no {} and its due date {} ({} days after {}; {}) has passed";
                        kind, e.id, tt, due, tf, days, d.note
                    )
                    .with_en(format!(
                        "entry '{}' of {} has no {} and its due date {} ({} days after {}; {}) has passed",
                        e.id, kind, d.to, due, days, d.from, d.note
                    )),
                )
                .at(e.location.clone())
                .hint(tr!("{}: YYYY-MM-DD を記入してください", "fill in {}: YYYY-MM-DD"; d.to)),
            ),
            _ => {}
        }
    }
}

/// `subcontractor_assurance`: an NDA, and with
/// 特定個人情報 a valid certificate or an inspection record; subcontractor
/// staff point at a subcontractor, dispatched staff at their agency.
pub(super) fn subcontractors(cx: &Context, out: &mut Vec<Finding>) {
    let as_of = cx.project.as_of;
    let specific = cx.project.config.contract.specific_personal_info;
    for (_, s) in cx.project.entries_of("subcontractors") {
        let name = s.text("name").unwrap_or(&s.id).to_string();
        let mut missing: Vec<(&str, &str, &str)> = Vec::new();
        // The client's approval before the start is 基準5(12)'s date_order.
        if !s.has("nda") {
            missing.push(("nda", "機密保持契約", "a confidentiality agreement"));
        }
        // A standard that asks every subcontractor for a certificate
        // (入札告示1.1) reports a missing one there; the inspection record
        // is the alternative only where it does not.
        let certificates_asked = cx.standard.requirements.iter().any(|r| {
            r.checks.iter().any(|c| {
                matches!(&c.check, crate::standard::Check::Certificates { holders, .. }
                    if holders.contains(&crate::standard::checks::Holder::Subcontractors))
            })
        });
        if specific && !certificates_asked {
            let certified = cx.project.entries_of("certifications").any(|(_, c)| {
                c.text("holder") == Some(s.id.as_str())
                    && c.date("expires").is_some_and(|x| x >= as_of)
            });
            if !certified && !s.has("inspection") {
                missing.push((
                    "inspection",
                    "有効な認証または個人情報保護管理体制の確認（立入点検等）の記録",
                    "a valid certificate or a record of inspecting its protection",
                ));
            }
        }
        for (field, ja, en) in missing {
            out.push(
                Finding::error(
                    "subcontractor.no-assurance",
                    tr!("再委託先「{}」（{}）に{}がありません", "subcontractor '{}' ({}) lacks {}"; name, s.id, ja)
                        .with_en(format!("subcontractor '{}' ({}) lacks {}", name, s.id, en)),
                )
                .at(s.at(field))
                .hint(tr!("{}: を記入してください", "fill in {}:"; field)),
            );
        }
    }
    staff_links(cx, "subcontractor", out);
}

/// Dispatched staff point at their agency, which has its dispatch
/// contract on record (run with `dispatch_agreement`).
pub(super) fn agencies(cx: &Context, out: &mut Vec<Finding>) {
    staff_links(cx, "dispatched", out);
}

/// Staff of `employment` point at their company's entry.
fn staff_links(cx: &Context, employment: &str, out: &mut Vec<Finding>) {
    for (_, p) in cx.project.entries_of("staff") {
        if p.text("employment") != Some(employment) {
            continue;
        }
        let link = match employment {
            "subcontractor" => Some(("subcontractor", "再委託先", "subcontractor")),
            "dispatched" => Some(("agency", "派遣元", "dispatch agency")),
            _ => None,
        };
        let Some((field, ja, en)) = link else {
            continue;
        };
        if !p.has(field) {
            out.push(
                Finding::new(
                    "record.field-missing",
                    Severity::Error,
                    tr!(
                        "従事者 {} の{}（{}一覧の ID）がありません",
                        "staff member {} names no {} (an id of the {} list)";
                        cx.staff_label(&p.id, true), ja, ja
                    )
                    .with_en(format!(
                        "staff member {} names no {} (an id of the {}s ledger)",
                        p.id, en, en
                    )),
                )
                .at(p.location.clone())
                .hint(tr!(
                    "{}: に{}の ID を書いてください（会社名の自由記述ではなく）",
                    "set {}: to the {}'s id (not a free-text company name)"; field, ja
                )),
            );
        } else if field == "agency"
            && let Some(agency) = p.text("agency").and_then(|a| cx.entry_of("agencies", a))
            && !agency.has("contract")
        {
            out.push(
                Finding::error(
                    "record.field-missing",
                    tr!(
                        "派遣元「{}」に労働者派遣契約の記録がありません",
                        "dispatch agency '{}' has no dispatch contract on record"; agency.text("name").unwrap_or(&agency.id)
                    ),
                )
                .at(agency.at("contract"))
                .hint(tr!("contract: に労働者派遣契約（写し）を書いてください", "set contract: to the dispatch contract (a copy)")),
            );
        }
    }
}

/// `permissions`: a device connected to the internet or set up off site
/// names the client's permission (基準5(1)(2) allow them only with it).
pub(super) fn permissions(
    cx: &Context,
    ledger: &str,
    when: &[String],
    permission: &str,
    out: &mut Vec<Finding>,
) {
    for (_, e) in cx.project.entries_of(ledger) {
        for flag in when.iter().filter(|f| e.bool(f) == Some(true)) {
            if !e.has(permission) {
                out.push(
                    Finding::error(
                        "permission.missing",
                        tr!(
                            "{}の「{}」（{}）は{}ですが、発注者の許可の記録がありません",
                            "'{}' of {} ({}) is {} without the client's permission on record";
                            cx.kind_title(ledger), e.id, e.text("name").unwrap_or(""), cx.field_title(ledger, flag)
                        )
                        .with_en(format!(
                            "{} '{}' ({}) has {} but names no permission of the client",
                            cx.kind_title(ledger), e.id, e.text("name").unwrap_or(""), flag
                        )),
                    )
                    .at(e.at(flag))
                    .hint(tr!(
                        "発注者の許可を得て許可記録（kind: permissions）に記録し、{}: にその ID を書いてください",
                        "obtain the client's permission, record it (kind: permissions) and set {}: to its id"; permission
                    )),
                );
            }
        }
    }
}
