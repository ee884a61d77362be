//! The interpreter of the standard's declarative checks: runs each check
//! attached to a requirement, and those attached to checklist items that are
//! not answered 該当無.

use super::{Context, certificates, coverage, records, staff};
use crate::diag::Finding;
use crate::model::AnswerValue;
use crate::standard::Check;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for req in &cx.standard.requirements {
        for c in req.checks.iter().filter(|c| c.applies_in(cx.phase)) {
            let mut found = Vec::new();
            run(cx, &req.id, c, &mut found);
            out.extend(found.into_iter().map(|f| {
                if f.requirement.is_none() {
                    f.requirement(&req.id)
                } else {
                    f
                }
            }));
        }
    }
    for item in &cx.standard.checklist.items {
        let na = cx
            .project
            .answers
            .as_ref()
            .and_then(|a| a.answers.iter().find(|x| x.item == item.id))
            .is_some_and(|a| a.value == AnswerValue::NotApplicable);
        if na {
            continue;
        }
        for c in item.checks.iter().filter(|c| c.applies_in(cx.phase)) {
            let mut found = Vec::new();
            run(cx, &item.id, c, &mut found);
            out.extend(found.into_iter().map(|f| f.item(&item.id)));
        }
    }
}

/// Whether the check reads something that failed to load (a ledger kind
/// that may be in a broken file, or the documents when one is broken): its
/// verdict would only repeat that failure, so it is not run.
fn blind(cx: &Context, check: &Check) -> bool {
    let reads_documents = matches!(check, Check::Document { .. } | Check::Roles { .. });
    (reads_documents && cx.unloaded.documents)
        || check.ledger_kinds().iter().any(|k| cx.kind_unknown(k))
}

/// Runs one check for the requirement or item `owner`.
fn run(cx: &Context, owner: &str, check: &Check, out: &mut Vec<Finding>) {
    if blind(cx, check) {
        return;
    }
    match check {
        Check::Document { kinds, section } => coverage::document(cx, owner, kinds, *section, out),
        Check::Ledger { kind, min_entries } => coverage::ledger(cx, kind, *min_entries, out),
        Check::Roles {
            roles,
            documented_in,
        } => coverage::roles(cx, roles, documented_in, out),
        Check::Designated => staff::designated(cx, out),
        Check::Training {
            within_months,
            signatures,
        } => staff::training(cx, *within_months, *signatures, out),
        Check::Pledges => staff::pledges(cx, out),
        Check::DispatchAgreement => staff::dispatch_agreement(cx, out),
        Check::Retention {
            ledger,
            years,
            after_contract_end_years,
            date_field,
        } => records::retention(
            cx,
            ledger,
            *years,
            *after_contract_end_years,
            date_field.as_deref().unwrap_or("date"),
            out,
        ),
        Check::FieldRequired {
            ledger,
            field,
            when_field,
            when,
            severity,
            note,
        } => {
            if when.is_some_and(|flag| !records::flag(cx, flag)) {
                return;
            }
            records::field_required(
                cx,
                ledger,
                field,
                when_field.as_deref(),
                *severity,
                note.as_deref(),
                out,
            )
        }
        Check::DateOrder {
            ledger,
            earlier,
            later,
        } => records::date_order(cx, ledger, earlier, later, out),
        Check::RecentEntry {
            ledger,
            field,
            within_months,
        } => records::recent_entry(
            cx,
            ledger,
            field.as_deref().unwrap_or("date"),
            *within_months,
            out,
        ),
        Check::MonthlyReports { ledger, due_day } => {
            records::monthly_reports(cx, ledger, *due_day, out)
        }
        Check::AssetsClosed { ledger, all_closed } => {
            records::assets_closed(cx, ledger, *all_closed, out)
        }
        Check::Certificates {
            holders,
            schemes,
            editions,
        } => certificates::check(cx, holders, schemes, editions, out),
    }
}
