//! The interpreter of the standard's declarative checks: runs each check
//! attached to a requirement, and those attached to checklist items that are
//! not answered 該当無.

use super::{Context, assurance, certificates, controls, coverage, duties, people, records, staff};
use crate::diag::Finding;
use crate::model::AnswerValue;
use crate::standard::Check;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    /// One check to run, for a requirement or a checklist item.
    enum Job<'s> {
        Requirement(&'s str, &'s crate::standard::CheckSpec),
        /// An item's check, and whether the item is answered はい.
        Item(&'s str, &'s crate::standard::CheckSpec, bool),
    }
    let mut jobs = Vec::new();
    for req in &cx.standard.requirements {
        for c in req.checks.iter().filter(|c| c.applies_in(cx.phase)) {
            jobs.push(Job::Requirement(&req.id, c));
        }
    }
    for item in &cx.standard.checklist.items {
        let answer = cx
            .project
            .answers
            .as_ref()
            .and_then(|a| a.answers.iter().find(|x| x.item == item.id))
            .map(|a| a.value);
        if answer == Some(AnswerValue::NotApplicable) {
            continue;
        }
        for c in item.checks.iter().filter(|c| c.applies_in(cx.phase)) {
            jobs.push(Job::Item(&item.id, c, answer == Some(AnswerValue::Yes)));
        }
    }
    // The checks are independent and some read every row of a large
    // ledger: run in parallel (this group would otherwise end the run on
    // one thread), the findings joined in the order above.
    use rayon::prelude::*;
    let found: Vec<Vec<Finding>> = jobs
        .par_iter()
        .with_max_len(1)
        .map(|job| {
            let mut found = Vec::new();
            match *job {
                Job::Requirement(id, c) => {
                    run(cx, id, c, &mut found);
                    found = found
                        .into_iter()
                        .map(|f| {
                            if f.requirement.is_none() {
                                f.requirement(id)
                            } else {
                                f
                            }
                        })
                        .collect();
                }
                Job::Item(id, c, yes) => {
                    if let Check::RecordValues { .. } = &c.check {
                        // The answer states the control: only a はい can be
                        // contradicted.
                        if yes {
                            record_values(cx, &c.check, Some(id), &mut found);
                        }
                    } else {
                        run(cx, id, c, &mut found);
                    }
                    found = found.into_iter().map(|f| f.item(id)).collect();
                }
            }
            found
        })
        .collect();
    out.extend(found.into_iter().flatten());
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
        Check::DispatchAgreement => {
            staff::dispatch_agreement(cx, out);
            assurance::agencies(cx, out);
        }
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
            within_days,
            filter,
        } => records::recent_entry(
            cx,
            ledger,
            field.as_deref().unwrap_or("date"),
            records::Window::new(*within_months, *within_days),
            filter,
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
        Check::RecordValues { .. } => record_values(cx, check, None, out),
        Check::Approval {
            ledger,
            approver,
            actors,
            approved_on,
            date,
            roles,
            required,
        } => duties::approval(
            cx,
            &duties::Approval {
                ledger,
                approver,
                actors,
                approved_on,
                date,
                roles,
                required: *required,
            },
            out,
        ),
        Check::OnDuty => people::on_duty(cx, out),
        Check::AreaAccess { ledger } => people::area_access(cx, ledger, out),
        Check::Leavers => people::leavers(cx, out),
        Check::Deadline {
            ledger,
            from,
            to,
            within_days,
            setting,
            when_field,
            rule,
            note,
        } => assurance::deadline(
            cx,
            &assurance::Deadline {
                ledger,
                from,
                to,
                within_days: *within_days,
                setting: setting.as_deref(),
                when_field: when_field.as_deref(),
                rule,
                note,
            },
            out,
        ),
        Check::SubcontractorAssurance => assurance::subcontractors(cx, out),
        Check::Permissions {
            ledger,
            when,
            permission,
        } => assurance::permissions(cx, ledger, when, permission, out),
    }
}

/// `record_values`: on an item (answered はい) the answer states the
/// control; on a requirement, the standard does.
fn record_values(cx: &Context, check: &Check, item: Option<&str>, out: &mut Vec<Finding>) {
    let Check::RecordValues {
        ledger,
        field,
        allowed,
        forbidden,
        filter,
        required,
        note,
    } = check
    else {
        return;
    };
    if blind(cx, check) {
        return;
    }
    let (source, rule) = match item {
        Some(id) => (
            crate::tr!("チェック項目 {} の「はい」", "the はい (yes) answer to item {}"; id),
            "record.contradicts-answer",
        ),
        None => (
            crate::tr!("基準", "the standard"),
            "record.contradicts-standard",
        ),
    };
    controls::apply(
        cx,
        &controls::Rule {
            ledger,
            field,
            allowed,
            forbidden,
            filter,
            required: *required,
            source,
            note,
            rule,
        },
        out,
    );
}
