//! Checklist answers: each defect of `content/checklist.yaml` is reported
//! once, with its rule, at the line of the answer concerned.

use crate::common;
use crate::common::{Check, Fixture, Project};
use crate::support;
use crate::support::{exactly, only};

const CHECKLIST: &str = "content/checklist.yaml";
const STAFF: &str = "content/ledgers/staff.yaml";

/// The sample's answer to 5-8 (該当無 with a reason).
const ANSWER_5_8: &str = "  - item: \"5-8\"\n    answer: 該当無\n";
/// The evidence of 5-9 that the reference tests break.
const EVIDENCE_5_9: &str = "answers[item=5-9].evidence[=system-operation-rules#email]";

fn line(f: &Fixture, needle: &str) -> u64 {
    Check::line_of(f.path(), CHECKLIST, needle)
}

#[test]
fn an_unanswered_item_is_reported_for_that_item() {
    let check = Project::sample().unanswered("2-2").check();
    // Unanswered is about the whole file: no line.
    let found = only(&check, "answer.missing", CHECKLIST, 0);
    assert_eq!(found.item.as_deref(), Some("2-2"));
    assert!(found.hint.unwrap().contains("2-2"));
}

#[test]
fn an_item_answered_twice_is_reported_at_the_second_answer() {
    let f = Fixture::sample();
    f.edit(
        CHECKLIST,
        "  - item: \"2-3\"\n",
        "  - item: \"2-2\"\n    answer: はい\n    evidence:\n      - handling-procedure\n  - item: \"2-3\"\n",
    );
    let check = f.check();
    let first = line(&f, "- item: \"2-2\"");
    let second = support::nth_line(f.path(), CHECKLIST, "- item: \"2-2\"", 2);
    let found = only(&check, "answer.duplicate", CHECKLIST, second);
    assert_eq!(found.item.as_deref(), Some("2-2"));
    assert!(
        found.en.contains(&format!("first at line {first}")),
        "{}",
        found.en
    );
    assert_eq!(found.column, 5);
}

#[test]
fn an_answer_to_an_unknown_item_is_reported_with_the_closest_item() {
    let f = Fixture::sample();
    f.edit(
        CHECKLIST,
        ANSWER_5_8,
        &format!("  - item: \"5-13\"\n    answer: はい\n    evidence: [system-operation-rules]\n{ANSWER_5_8}"),
    );
    let check = f.check();
    let found = only(
        &check,
        "answer.unknown-item",
        CHECKLIST,
        line(&f, "- item: \"5-13\""),
    );
    assert!(found.en.contains("5-13"), "{}", found.en);
    let hint = found.hint.expect("did-you-mean hint");
    assert!(hint.contains("5-1"), "{hint}");
}

#[test]
fn an_invalid_answer_value_is_reported_at_the_answer_and_not_as_unanswered() {
    let p = Project::sample().answer("5-8", "answer: maybe");
    let check = p.check();
    let at = p.at(CHECKLIST, "answers[item=5-8].answer");
    let found = only(&check, "yaml.invalid-value", CHECKLIST, at);
    assert_eq!(found.column, 13, "at the value");
    assert_eq!(found.item.as_deref(), Some("5-8"));
    assert!(found.en.contains("maybe"), "{}", found.en);
    assert!(found.ja.contains("はい・いいえ・該当無"), "{}", found.ja);
    assert!(check.of("answer.missing").is_empty());
}

#[test]
fn yes_without_evidence_is_an_error_at_the_answer() {
    let p = Project::sample().answer("5-9", "answer: はい");
    let check = p.check();
    let at = p.at(CHECKLIST, "answers[item=5-9].answer");
    let found = only(&check, "answer.yes-without-evidence", CHECKLIST, at);
    assert_eq!(found.item.as_deref(), Some("5-9"));
}

/// Replaces the evidence of 5-9 with `target`; the one finding is
/// reference.unresolved at that evidence line.
fn unresolved_evidence(target: &str) -> common::F {
    let p = Project::sample().set(CHECKLIST, EVIDENCE_5_9, target);
    let check = p.check();
    let at = p.at(CHECKLIST, &format!("answers[item=5-9].evidence[={target}]"));
    let found = only(&check, "reference.unresolved", CHECKLIST, at);
    assert_eq!(found.item.as_deref(), Some("5-9"));
    assert_eq!(found.column, 9, "at the reference");
    found
}

#[test]
fn evidence_naming_a_missing_document_is_unresolved_at_the_evidence_line() {
    let found = unresolved_evidence("system-operation-manual");
    assert!(found.en.contains("system-operation-manual"), "{}", found.en);
}

#[test]
fn evidence_naming_a_missing_section_is_unresolved_at_the_evidence_line() {
    let found = unresolved_evidence("system-operation-rules#nope");
    assert!(found.en.contains("no heading id 'nope'"), "{}", found.en);
}

#[test]
fn evidence_naming_a_missing_ledger_is_unresolved_at_the_evidence_line() {
    let found = unresolved_evidence("mail_logs");
    assert!(found.en.contains("mail_logs"), "{}", found.en);
}

#[test]
fn evidence_naming_a_missing_ledger_entry_is_unresolved_at_the_evidence_line() {
    let found = unresolved_evidence("staff#S999");
    assert!(found.en.contains("no entry 'S999'"), "{}", found.en);
}

#[test]
fn evidence_naming_a_missing_file_is_unresolved_at_the_evidence_line() {
    unresolved_evidence("evidence/mail/送信ログ.pdf");
}

#[test]
fn no_without_a_remediation_plan_is_an_error_at_the_answer() {
    let p = Project::sample().unset(CHECKLIST, "answers[item=4-4].remediation");
    let check = p.check();
    let at = p.at(CHECKLIST, "answers[item=4-4].answer");
    let found = only(&check, "answer.no-without-remediation", CHECKLIST, at);
    assert_eq!(found.item.as_deref(), Some("4-4"));
    assert!(found.hint.unwrap().contains("2026-04-01"));
}

#[test]
fn a_remediation_due_after_work_start_is_late_at_the_remediation() {
    let p = Project::sample().set(CHECKLIST, "answers[item=4-4].remediation.due", "2026-04-15");
    let check = p.check();
    let found = only(
        &check,
        "answer.remediation-late",
        CHECKLIST,
        p.at(CHECKLIST, "answers[item=4-4].remediation"),
    );
    assert_eq!(found.item.as_deref(), Some("4-4"));
    assert_eq!(found.column, 5, "at the remediation key");
    assert!(found.en.contains("2026-04-15"), "{}", found.en);
}

#[test]
fn a_remediation_completed_after_work_start_is_late() {
    let p = Project::sample().set(
        CHECKLIST,
        "answers[item=4-4].remediation.completed",
        "2026-04-20",
    );
    let check = p.check();
    let found = only(
        &check,
        "answer.remediation-late",
        CHECKLIST,
        p.at(CHECKLIST, "answers[item=4-4].remediation"),
    );
    assert!(found.en.contains("2026-04-20"), "{}", found.en);
}

#[test]
fn a_remediation_past_due_and_not_completed_is_overdue() {
    let p = Project::sample().unset(CHECKLIST, "answers[item=4-4].remediation.completed");
    let check = p.check();
    let found = only(
        &check,
        "answer.remediation-overdue",
        CHECKLIST,
        p.at(CHECKLIST, "answers[item=4-4].remediation"),
    );
    assert_eq!(found.item.as_deref(), Some("4-4"));
    assert!(found.en.contains("2026-03-25"), "{}", found.en);
}

#[test]
fn a_remediation_owner_not_on_the_roster_is_reported() {
    let p = Project::sample().set(CHECKLIST, "answers[item=4-4].remediation.owner", "S099");
    let check = p.check();
    let found = only(
        &check,
        "reference.unknown-staff",
        CHECKLIST,
        p.at(CHECKLIST, "answers[item=4-4].remediation"),
    );
    assert_eq!(found.item.as_deref(), Some("4-4"));
}

#[test]
fn not_applicable_without_a_reason_is_an_error_at_the_answer() {
    let p = Project::sample().answer("5-8", "answer: 該当無");
    let check = p.check();
    let at = p.at(CHECKLIST, "answers[item=5-8].answer");
    let found = only(&check, "answer.na-without-reason", CHECKLIST, at);
    assert_eq!(found.item.as_deref(), Some("5-8"));
}

#[test]
fn not_applicable_contradicted_by_a_subcontractor_worker_on_the_roster() {
    let f = Fixture::sample();
    // S010 becomes a worker of a subcontractor: 2-6 (再委託) 該当無 is false.
    f.edit(
        STAFF,
        "  - id: S010\n    name: 沖 直樹\n    employment: contract\n",
        "  - id: S010\n    name: 沖 直樹\n    employment: subcontractor\n    company: 架空データ入力株式会社\n",
    );
    let check = f.check();
    let at = line(&f, "- item: \"2-6\"") + 1;
    let found = only(&check, "answer.na-contradicted", CHECKLIST, at);
    assert_eq!(found.item.as_deref(), Some("2-6"));
    assert!(
        found.en.contains("entry 'S010' of staff"),
        "names the entry: {}",
        found.en
    );
    assert!(found.ja.contains("S010"), "{}", found.ja);
    let hint = found.hint.unwrap();
    let entry_line = Check::line_of(f.path(), STAFF, "  - id: S010");
    assert!(
        hint.contains(&format!("{STAFF}:{entry_line}")),
        "hint points at the roster entry: {hint}"
    );
}

#[test]
fn not_applicable_contradicted_by_a_dispatched_worker() {
    let p = Project::sample().answer(
        "3-2",
        "answer: 該当無\nreason: 本業務では派遣社員を使用していない。",
    );
    let check = p.check();
    let at = p.at(CHECKLIST, "answers[item=3-2].answer");
    let found = only(&check, "answer.na-contradicted", CHECKLIST, at);
    assert_eq!(found.item.as_deref(), Some("3-2"));
    assert!(found.en.contains("S007"), "{}", found.en);
}

#[test]
fn a_subcontractor_in_the_register_contradicts_not_applicable_too() {
    let p = Project::sample()
        .entry(
            "subcontractors",
            "SUB-01",
            "name: 架空データ入力株式会社\nscope: 入力結果の照合\napproved_on: 2026-04-10\nstarts_on: 2026-05-01",
        )
        .entry(
            "certifications",
            "CERT-SUB-01",
            "holder: SUB-01\nscheme: pmark\nstandard: \"JIS Q 15001:2023\"\nnumber: \"第29990999(01)号\"\nexpires: 2028-01-19\ncopy: evidence/certifications/プライバシーマーク登録証_写し.pdf",
        );
    let check = p.check();
    let at = p.at(CHECKLIST, "answers[item=2-6].answer");
    let found = only(&check, "answer.na-contradicted", CHECKLIST, at);
    assert!(found.en.contains("SUB-01"), "{}", found.en);
    // And once 2-6 is answered はい, the package passes.
    let p = p
        .answer("2-6", "answer: はい\nevidence:\n  - subcontractors#SUB-01")
        .subcontractor_nda("SUB-01");
    let check = p.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
}

#[test]
fn every_answer_defect_in_one_file_is_reported_in_one_run() {
    let p = Project::sample()
        .unset(CHECKLIST, "answers[item=5-8].reason")
        .unset(CHECKLIST, "answers[item=4-4].remediation.completed")
        .set(CHECKLIST, EVIDENCE_5_9, "system-operation-rules#mail");
    let check = p.check();
    exactly(
        &check,
        &[
            (
                "answer.na-without-reason",
                CHECKLIST,
                p.at(CHECKLIST, "answers[item=5-8].answer"),
            ),
            (
                "answer.remediation-overdue",
                CHECKLIST,
                p.at(CHECKLIST, "answers[item=4-4].remediation"),
            ),
            (
                "reference.unresolved",
                CHECKLIST,
                p.at(
                    CHECKLIST,
                    "answers[item=5-9].evidence[=system-operation-rules#mail]",
                ),
            ),
        ],
    );
}
