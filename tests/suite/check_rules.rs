//! The rules of the standard on documents, people and records: each defect
//! made in a copy of the sample is reported once, with its rule, its
//! requirement or checklist item, and the line of the record concerned.

use crate::common::{Check, Fixture};
use crate::support;
use crate::support::{exactly, no_warnings_but, only};

const CHECKLIST: &str = "content/checklist.yaml";
const SECURITY_RULES: &str = "content/documents/security-rules.md";
const WORK_RULES: &str = "content/documents/work-rules.md";
const STAFF: &str = "content/ledgers/staff.yaml";
const TRAINING: &str = "content/ledgers/training.yaml";
const PLEDGES: &str = "content/ledgers/pledges.yaml";
const TAKE_OUT: &str = "content/ledgers/take_out.yaml";
const DELETIONS: &str = "content/ledgers/deletions.yaml";
const SUBCONTRACTORS: &str = "content/ledgers/subcontractors.yaml";
const CERTIFICATIONS: &str = "content/ledgers/certifications.yaml";
const MONTHLY: &str = "content/ledgers/monthly_reports.yaml";
const AUDITS: &str = "content/ledgers/audits.yaml";
const DRILLS: &str = "content/ledgers/drills.yaml";
const ENTRY_EXIT: &str = "content/ledgers/entry_exit.yaml";
const ACCESS_LOGS: &str = "content/ledgers/access_logs.yaml";
const EXCHANGES: &str = "content/ledgers/exchanges.yaml";

/// The answer to 2-6 (該当無: no subcontracting).
const ANSWER_2_6: &str = "    answer: 該当無\n    reason: 本業務では再委託を行わない。入力・照合・搬送の全工程を当社の従事者のみで実施する（再委託先一覧は空）。\n";

fn line(f: &Fixture, file: &str, needle: &str) -> u64 {
    Check::line_of(f.path(), file, needle)
}

// ---- requirements covered by documents -------------------------------

#[test]
fn a_requirement_nothing_satisfies_is_uncovered() {
    let f = Fixture::sample();
    f.edit(
        SECURITY_RULES,
        "  - requirement: S1(3)\n    section: physical\n",
        "",
    );
    let check = f.check();
    // Coverage is about the whole package: no file.
    let found = only(&check, "requirement.uncovered", "", 0);
    assert_eq!(found.requirement.as_deref(), Some("S1(3)"));
    assert!(found.ja.contains("物理的安全管理措置"), "{}", found.ja);
    assert!(found.hint.unwrap().contains("S1(3)"));
}

#[test]
fn satisfies_naming_a_missing_section_is_reported_at_that_claim() {
    let f = Fixture::sample();
    f.edit(
        SECURITY_RULES,
        "    section: physical\n",
        "    section: physcal\n",
    );
    let check = f.check();
    let claim = line(&f, SECURITY_RULES, "  - requirement: S1(3)");
    let found = exactly(
        &check,
        &[
            ("document.section-missing", SECURITY_RULES, claim),
            // The requirement is then really uncovered.
            ("requirement.uncovered", "", 0),
        ],
    );
    assert_eq!(found[0].requirement.as_deref(), Some("S1(3)"));
    assert!(found[0].hint.clone().unwrap().contains("physical"));
    assert_eq!(found[1].requirement.as_deref(), Some("S1(3)"));
}

#[test]
fn satisfies_naming_an_unknown_requirement_is_reported_with_the_closest_id() {
    let f = Fixture::sample();
    // An extra claim, so that nothing else becomes uncovered.
    f.edit(
        SECURITY_RULES,
        "  - requirement: S1(3)\n    section: physical\n",
        "  - requirement: S1(3)\n    section: physical\n  - requirement: S13\n    section: physical\n",
    );
    let check = f.check();
    let found = only(
        &check,
        "document.unknown-requirement",
        SECURITY_RULES,
        line(&f, SECURITY_RULES, "  - requirement: S13"),
    );
    assert!(found.en.contains("S13"), "{}", found.en);
    assert!(found.hint.is_some());
}

// ---- roles and people -----------------------------------------------

#[test]
fn no_chief_protection_manager_on_the_roster_is_roles_missing() {
    let f = Fixture::sample();
    f.edit(STAFF, "    roles: [総括保護管理者]\n", "");
    let check = f.check();
    let found = only(&check, "roles.missing", STAFF, 0);
    assert_eq!(found.requirement.as_deref(), Some("S2"));
    assert!(found.ja.contains("総括保護管理者"), "{}", found.ja);
}

#[test]
fn no_designated_worker_is_reported() {
    let f = Fixture::sample();
    let text = std::fs::read_to_string(f.path().join(STAFF)).unwrap();
    f.write(
        STAFF,
        &text.replace("designated: true", "designated: false"),
    );
    let check = f.check();
    let found = only(&check, "staff.none-designated", STAFF, 0);
    assert_eq!(found.requirement.as_deref(), Some("S3(2)"));
}

#[test]
fn a_designated_worker_never_trained_is_reported_at_the_staff_entry() {
    let f = Fixture::sample();
    f.edit(
        TRAINING,
        "    attendees: [S010]\n",
        "    attendees: [S009]\n",
    );
    f.edit(TRAINING, "S008, S009, S010]", "S008, S009]");
    let check = f.check();
    let found = only(
        &check,
        "training.never",
        STAFF,
        line(&f, STAFF, "  - id: S010"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S3(3)"));
    assert!(found.ja.contains("S010"), "{}", found.ja);
}

#[test]
fn a_worker_trained_more_than_12_months_ago_is_stale() {
    let f = Fixture::sample();
    // S008 misses the autumn training and the first one moves to 2025.
    f.edit(TRAINING, "    date: 2026-03-27\n", "    date: 2025-09-30\n");
    f.edit(
        TRAINING,
        "S006, S007, S008, S009, S010]",
        "S006, S007, S009, S010]",
    );
    let check = f.check();
    let found = only(
        &check,
        "training.stale",
        STAFF,
        line(&f, STAFF, "  - id: S008"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S3(3)"));
    assert!(found.en.contains("2025-09-30"), "{}", found.en);
}

#[test]
fn a_training_record_without_signatures_is_reported_at_the_record() {
    let f = Fixture::sample();
    f.edit(
        TRAINING,
        "    signature_evidence: evidence/training/2026-05-08_新規従事者研修署名簿.pdf\n",
        "",
    );
    let check = f.check();
    let at = line(&f, TRAINING, "  - id: TR-2026-02");
    // 基準3(3) and item 1 both ask for signed records: one finding, not two.
    let found = exactly(&check, &[("training.no-signature", TRAINING, at)]);
    assert_eq!(found[0].requirement.as_deref(), Some("S3(3)"));
}

#[test]
fn a_worker_without_a_pledge_is_reported_at_the_staff_entry() {
    let f = Fixture::sample();
    f.edit(
        PLEDGES,
        "  - id: PL-S005\n    staff: S005\n    date: 2026-03-27\n    evidence: evidence/pledges/誓約書_S005.pdf\n",
        "",
    );
    let check = f.check();
    let found = only(
        &check,
        "pledge.missing",
        STAFF,
        line(&f, STAFF, "  - id: S005"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S3(1)"));
    assert!(
        found.ja.contains("パート"),
        "names the employment: {}",
        found.ja
    );
}

#[test]
fn a_dispatched_worker_without_an_agreement_is_reported_at_the_staff_entry() {
    let f = Fixture::sample();
    f.edit(
        STAFF,
        "    dispatch_agreement: evidence/dispatch/架空スタッフサービス_機密保持契約書.pdf\n",
        "",
    );
    let check = f.check();
    let found = only(
        &check,
        "dispatch.no-agreement",
        STAFF,
        line(&f, STAFF, "  - id: S007"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S3(1)"));
}

#[test]
fn a_staff_reference_not_on_the_roster_is_reported_at_the_field() {
    let f = Fixture::sample();
    f.edit(TAKE_OUT, "    approver: S003\n", "    approver: S030\n");
    let check = f.check();
    let found = only(
        &check,
        "reference.unknown-staff",
        TAKE_OUT,
        line(&f, TAKE_OUT, "approver: S030"),
    );
    assert_eq!(found.column, 15, "at the value");
    assert!(found.hint.unwrap().contains("S003"), "did you mean S003");
}

// ---- retention ------------------------------------------------------

#[test]
fn entry_exit_records_kept_3_years_are_too_short_at_the_retention_line() {
    let f = Fixture::sample();
    f.edit(ENTRY_EXIT, "  years: 5", "  years: 3");
    let check = f.check();
    let found = only(
        &check,
        "retention.short",
        ENTRY_EXIT,
        line(&f, ENTRY_EXIT, "retention:"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S4(2)"));
    assert!(found.en.contains("2029-04-06"), "{}", found.en);
}

#[test]
fn a_ledger_with_no_retention_declared_is_undeclared() {
    let f = Fixture::sample();
    f.edit(ENTRY_EXIT, "retention:\n  years: 5\n", "");
    let check = f.check();
    // No retention line: the finding points at the kind.
    let found = only(
        &check,
        "retention.undeclared",
        ENTRY_EXIT,
        line(&f, ENTRY_EXIT, "kind: entry_exit"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S4(2)"));
}

#[test]
fn access_logs_kept_too_short_are_reported_once() {
    let f = Fixture::sample();
    f.edit(ACCESS_LOGS, "  years: 5", "  years: 1");
    let check = f.check();
    // 基準5(6) and item 5-11 both ask for it: one finding.
    let found = only(
        &check,
        "retention.short",
        ACCESS_LOGS,
        line(&f, ACCESS_LOGS, "retention:"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(6)"));
    // Dated by `to`, the end of the logged period.
    assert!(found.en.contains("2026-04-30"), "{}", found.en);
}

#[test]
fn retention_until_a_date_too_early_is_too_short() {
    let f = Fixture::sample();
    f.edit(EXCHANGES, "  years: 5", "  until: 2030-03-31");
    let check = f.check();
    let found = only(
        &check,
        "retention.short",
        EXCHANGES,
        line(&f, EXCHANGES, "retention:"),
    );
    assert_eq!(found.item.as_deref(), Some("4-5"));
}

// ---- records --------------------------------------------------------

#[test]
fn a_take_out_without_approver_is_reported_at_the_entry() {
    let f = Fixture::sample();
    f.edit(TAKE_OUT, "    approver: S003\n", "");
    let check = f.check();
    let found = only(
        &check,
        "record.field-missing",
        TAKE_OUT,
        line(&f, TAKE_OUT, "  - id: TO-2026-005"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(7)"));
    assert!(found.en.contains("TO-2026-005"), "{}", found.en);
    assert!(found.hint.unwrap().contains("approver"));
}

#[test]
fn a_take_out_without_protection_is_a_warning_only() {
    let f = Fixture::sample();
    f.edit(
        TAKE_OUT,
        "    protection: 施錠搬送容器（1台）・社用車により2名で搬送、立寄りなし\n",
        "",
    );
    let check = f.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    let warnings = check.of("record.field-missing");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].severity, "warning");
    assert_eq!(warnings[0].line, line(&f, TAKE_OUT, "  - id: TO-2026-006"));
    assert_eq!(warnings[0].requirement.as_deref(), Some("S7"));
}

#[test]
fn a_visitor_without_an_escort_is_reported_at_the_entry() {
    let f = Fixture::sample();
    f.edit(
        ENTRY_EXIT,
        "    time_out: \"09:50\"\n    escort: S002\n",
        "    time_out: \"09:50\"\n",
    );
    let check = f.check();
    let found = only(
        &check,
        "record.field-missing",
        ENTRY_EXIT,
        line(&f, ENTRY_EXIT, "  - id: EE-2026-0655"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S4(2)"));
}

/// A subcontractor `entry` (YAML lines), with 2-6 answered はい and a
/// valid certificate for it, so that only the entry's own defect remains.
fn with_subcontractor(entry: &str) -> Fixture {
    let f = Fixture::sample();
    f.edit(SUBCONTRACTORS, "entries: []", &format!("entries:\n{entry}"));
    f.edit(
        CHECKLIST,
        ANSWER_2_6,
        "    answer: はい\n    evidence:\n      - subcontractors#SUB-01\n",
    );
    f.edit(
        CERTIFICATIONS,
        "entries:\n",
        "entries:\n  - id: CERT-SUB-01\n    holder: SUB-01\n    scheme: pmark\n    standard: \"JIS Q 15001:2023\"\n    number: \"第29990999(01)号\"\n    expires: 2028-01-19\n    copy: evidence/certifications/プライバシーマーク登録証_写し.pdf\n",
    );
    f
}

#[test]
fn a_properly_approved_subcontractor_passes() {
    let f = with_subcontractor(
        "  - id: SUB-01\n    name: 架空データ入力株式会社\n    scope: 入力結果の照合\n    approved_on: 2026-04-10\n    starts_on: 2026-05-01\n",
    );
    let check = f.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    assert!(check.findings().is_empty(), "{:#?}", check.findings());
}

#[test]
fn a_subcontractor_without_prior_approval_is_reported_at_the_entry() {
    let f = with_subcontractor(
        "  - id: SUB-01\n    name: 架空データ入力株式会社\n    scope: 入力結果の照合\n    starts_on: 2026-05-01\n",
    );
    let check = f.check();
    let found = only(
        &check,
        "record.field-missing",
        SUBCONTRACTORS,
        line(&f, SUBCONTRACTORS, "  - id: SUB-01"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(12)"));
    assert!(found.hint.unwrap().contains("approved_on"));
}

#[test]
fn a_subcontractor_approved_after_it_started_is_out_of_order_at_the_approval() {
    let f = with_subcontractor(
        "  - id: SUB-01\n    name: 架空データ入力株式会社\n    scope: 入力結果の照合\n    approved_on: 2026-05-10\n    starts_on: 2026-05-01\n",
    );
    let check = f.check();
    let found = only(
        &check,
        "record.date-order",
        SUBCONTRACTORS,
        line(&f, SUBCONTRACTORS, "approved_on: 2026-05-10"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(12)"));
    assert!(found.en.contains("2026-05-10"), "{}", found.en);
}

#[test]
fn a_subcontractor_without_a_certificate_is_reported() {
    let f = Fixture::sample();
    f.edit(
        SUBCONTRACTORS,
        "entries: []",
        "entries:\n  - id: SUB-01\n    name: 架空データ入力株式会社\n    scope: 入力結果の照合\n    approved_on: 2026-04-10\n    starts_on: 2026-05-01\n",
    );
    f.edit(
        CHECKLIST,
        ANSWER_2_6,
        "    answer: はい\n    evidence:\n      - subcontractors#SUB-01\n",
    );
    let check = f.check();
    // No certificate of its own: the certifications ledger is meant.
    let found = only(&check, "certificate.missing", CERTIFICATIONS, 0);
    assert_eq!(found.requirement.as_deref(), Some("S1.1"));
    assert!(found.ja.contains("架空データ入力株式会社"), "{}", found.ja);
    assert!(found.hint.unwrap().contains("SUB-01"));
}

#[test]
fn a_deletion_without_certificate_is_reported_at_the_entry() {
    let f = Fixture::sample();
    f.edit(
        DELETIONS,
        "    certificate: evidence/deletions/2026-07-08_削除証明書.pdf\n",
        "",
    );
    let check = f.check();
    let found = only(
        &check,
        "record.field-missing",
        DELETIONS,
        line(&f, DELETIONS, "  - id: DEL-2026-002"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(10)"));
}

#[test]
fn evidence_in_a_ledger_that_does_not_resolve_is_reported_at_the_field() {
    let f = Fixture::sample();
    f.edit(
        DELETIONS,
        "certificate: evidence/deletions/2026-07-08_削除証明書.pdf",
        "certificate: evidence/deletions/2026-07-09_削除証明書.pdf",
    );
    let check = f.check();
    let found = only(
        &check,
        "reference.unresolved",
        DELETIONS,
        line(&f, DELETIONS, "2026-07-09_削除証明書.pdf"),
    );
    assert_eq!(found.column, 18, "at the value");
}

// ---- certificates ---------------------------------------------------

#[test]
fn expired_vendor_certificates_leave_no_valid_certificate() {
    let f = Fixture::sample();
    f.edit(CERTIFICATIONS, "expires: 2028-07-31", "expires: 2026-10-31");
    f.edit(CERTIFICATIONS, "expires: 2028-01-19", "expires: 2026-06-30");
    let check = f.check();
    let found = only(
        &check,
        "certificate.missing",
        CERTIFICATIONS,
        line(&f, CERTIFICATIONS, "  - id: CERT-ISMS-01"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S1.1"));
    assert!(found.en.contains("2026-10-31"), "says why: {}", found.en);
    assert!(found.en.contains("2026-06-30"), "says why: {}", found.en);
}

#[test]
fn a_certificate_expiring_during_the_contract_is_a_warning_at_its_expiry() {
    let f = Fixture::sample();
    f.edit(CERTIFICATIONS, "expires: 2028-07-31", "expires: 2027-01-31");
    f.edit(CERTIFICATIONS, "expires: 2028-01-19", "expires: 2026-12-31");
    let check = f.check();
    assert_eq!(check.code, 0, "a warning does not fail the check");
    assert!(support::errors(&check).is_empty());
    let warnings = check.of("certificate.expires-during-contract");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = &warnings[0];
    assert_eq!(w.severity, "warning");
    assert_eq!(w.file, CERTIFICATIONS);
    // The one lasting longest (CERT-ISMS-01) is the one to renew.
    assert_eq!(w.line, line(&f, CERTIFICATIONS, "expires: 2027-01-31"));
    assert!(w.en.contains("CERT-ISMS-01"), "{}", w.en);
    assert_eq!(check.json["summary"]["warnings"], 1);
    no_warnings_but(&check, &["certificate.expires-during-contract"]);
}

#[test]
fn a_certificate_on_iso_27001_2013_is_superseded_at_its_standard() {
    let f = Fixture::sample();
    f.edit(
        CERTIFICATIONS,
        "standard: \"ISO/IEC 27001:2022\"",
        "standard: \"ISO/IEC 27001:2013\"",
    );
    let check = f.check();
    // The Privacy Mark is still valid: only the edition is wrong.
    let found = only(
        &check,
        "certificate.superseded",
        CERTIFICATIONS,
        line(&f, CERTIFICATIONS, "ISO/IEC 27001:2013"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S1.1"));
    assert!(found.hint.unwrap().contains("ISO/IEC 27001:2022"));
}

#[test]
fn a_certificate_on_an_unknown_edition_is_a_warning() {
    let f = Fixture::sample();
    f.edit(
        CERTIFICATIONS,
        "standard: \"JIS Q 15001:2023\"",
        "standard: \"JIS Q 15001:2017\"",
    );
    let check = f.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    let w = &check.of("certificate.unknown-edition")[0];
    assert_eq!(w.line, line(&f, CERTIFICATIONS, "JIS Q 15001:2017"));
}

// ---- periodic records -----------------------------------------------

#[test]
fn a_missing_monthly_report_is_reported_for_that_month() {
    let f = Fixture::sample();
    f.edit(
        MONTHLY,
        "  - id: MR-2026-07\n    month: \"2026-07\"\n    submitted_on: 2026-08-07\n    summary: 第2回納品分の作業用データ削除（7月8日）。委託元立入検査（7月10日）、ISMSサーベイランス審査受審。事故なし。\n    evidence: evidence/monthly_reports/2026-07_個人情報取扱状況報告書.pdf\n",
        "",
    );
    let check = f.check();
    let found = only(&check, "monthly.missing", MONTHLY, 0);
    assert_eq!(found.requirement.as_deref(), Some("S10"));
    assert!(found.en.contains("2026-07"), "{}", found.en);
    assert!(found.en.contains("due 2026-08-10"), "{}", found.en);
}

#[test]
fn a_report_not_yet_due_is_not_missing() {
    // The November report is due on 10 December: not missing on 20 November.
    let check = Fixture::sample().check();
    assert!(check.of("monthly.missing").is_empty());
    let run = Fixture::sample().run(&["--as-of", "2026-12-11", "check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let months: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "monthly.missing")
        .map(|f| f["message"]["en"].as_str().unwrap())
        .collect();
    assert_eq!(months.len(), 1, "{months:?}");
    assert!(months[0].contains("2026-11"), "{months:?}");
}

#[test]
fn no_internal_audit_in_the_last_12_months_is_stale() {
    let f = Fixture::sample();
    for (from, to) in [
        ("date: 2026-03-10", "date: 2025-03-10"),
        ("date: 2026-07-22", "date: 2025-07-22"),
        ("date: 2026-09-25", "date: 2025-09-25"),
        ("date: 2026-10-30", "date: 2025-10-30"),
    ] {
        f.edit(AUDITS, from, to);
    }
    let check = f.check();
    let found = only(&check, "record.stale", AUDITS, 0);
    assert_eq!(found.requirement.as_deref(), Some("S9"));
    assert!(found.en.contains("latest: 2025-10-30"), "{}", found.en);
}

#[test]
fn no_drill_on_record_is_ledger_missing_for_drills() {
    let f = Fixture::sample();
    f.write(
        DRILLS,
        "kind: drills\ntitle: 訓練記録\nretention:\n  years: 5\nentries: []\n",
    );
    let check = f.check();
    let found = only(&check, "ledger.missing", DRILLS, 0);
    assert_eq!(found.requirement.as_deref(), Some("S6"));
    assert!(found.en.contains("has no entries"), "{}", found.en);
    assert!(found.hint.is_some(), "says where to add entries");
}

#[test]
fn no_drills_ledger_at_all_is_ledger_missing() {
    let f = Fixture::sample();
    f.remove(DRILLS);
    f.edit(CHECKLIST, "      - drills\n", "");
    let check = f.check();
    let found = only(&check, "ledger.missing", "", 0);
    assert_eq!(found.requirement.as_deref(), Some("S6"));
    assert!(found.hint.unwrap().contains("content/ledgers/drills.yaml"));
}

// ---- documents ------------------------------------------------------

#[test]
fn an_unapproved_document_is_reported() {
    let f = Fixture::sample();
    f.edit(
        WORK_RULES,
        "approval:\n  approver: 代表取締役 港 一郎\n  date: 2026-02-16\n",
        "",
    );
    let check = f.check();
    // No approval key: the finding points at the id.
    let found = only(
        &check,
        "document.unapproved",
        WORK_RULES,
        line(&f, WORK_RULES, "id: work-rules"),
    );
    assert!(found.ja.contains("就業規則"), "{}", found.ja);
}

#[test]
fn a_document_approved_after_the_as_of_date_is_unapproved_at_the_approval() {
    let f = Fixture::sample();
    f.edit(WORK_RULES, "  date: 2026-02-16", "  date: 2026-12-16");
    let check = f.check();
    only(
        &check,
        "document.unapproved",
        WORK_RULES,
        line(&f, WORK_RULES, "approval:"),
    );
}

#[test]
fn a_document_past_its_review_date_is_overdue_at_review_by() {
    let f = Fixture::sample();
    f.edit(WORK_RULES, "review_by: 2027-03-31", "review_by: 2026-10-31");
    let check = f.check();
    let found = only(
        &check,
        "document.review-overdue",
        WORK_RULES,
        line(&f, WORK_RULES, "review_by:"),
    );
    assert!(found.en.contains("2026-10-31"), "{}", found.en);
}

#[test]
fn a_document_without_a_review_date_is_a_warning() {
    let f = Fixture::sample();
    f.edit(WORK_RULES, "review_by: 2027-03-31\n", "");
    let check = f.check();
    assert_eq!(check.code, 0);
    let w = &check.of("document.no-review-date")[0];
    assert_eq!(w.file, WORK_RULES);
    assert_eq!(w.line, line(&f, WORK_RULES, "id: work-rules"));
}

#[test]
fn two_documents_with_one_id_are_reported_at_the_second() {
    let f = Fixture::sample();
    let copy = "content/documents/work-rules-2025.md";
    let text = std::fs::read_to_string(f.path().join(WORK_RULES)).unwrap();
    f.write(copy, &text.replace("version: \"5.2\"", "version: \"5.1\""));
    let check = f.check();
    // work-rules-2025.md sorts before work-rules.md, so it is the first.
    let found = only(
        &check,
        "document.duplicate-id",
        WORK_RULES,
        line(&f, WORK_RULES, "id: work-rules"),
    );
    assert!(found.en.contains(copy), "names the other: {}", found.en);
}

#[test]
fn a_document_and_a_ledger_sharing_an_id_are_reported() {
    let f = Fixture::sample();
    f.edit(
        DRILLS,
        "kind: drills\n",
        "kind: drills\nid: emergency-plan\n",
    );
    f.edit(CHECKLIST, "      - drills\n", "");
    let check = f.check();
    let found = only(&check, "document.duplicate-id", DRILLS, 1);
    assert!(
        found.en.contains("content/documents/emergency-plan.md"),
        "{}",
        found.en
    );
}

#[test]
fn a_link_to_a_missing_heading_is_reported_at_its_line_and_column() {
    let f = Fixture::sample();
    let plan = "content/documents/training-plan.md";
    f.edit(
        plan,
        "[個人情報取扱手順書](handling-procedure#lifecycle)",
        "[個人情報取扱手順書](handling-procedure#life-cycle)",
    );
    let check = f.check();
    let at = line(&f, plan, "handling-procedure#life-cycle");
    let found = only(&check, "link.unresolved", plan, at);
    // `   - [` : the link starts at the sixth character.
    assert_eq!(found.column, 6);
    assert!(
        found.en.contains("no heading id 'life-cycle'"),
        "says what is missing: {}",
        found.en
    );
}

#[test]
fn a_link_to_a_missing_document_is_reported_at_its_line_and_column() {
    let f = Fixture::sample();
    let policy = "content/documents/basic-policy.md";
    f.edit(policy, "](emergency-plan)", "](emergency-manual)");
    let check = f.check();
    let at = line(&f, policy, "](emergency-manual)");
    let found = only(&check, "link.unresolved", policy, at);
    let text = std::fs::read_to_string(f.path().join(policy)).unwrap();
    let row = text.lines().nth(at as usize - 1).unwrap();
    let column = row
        .split("[緊急時対応計画]")
        .next()
        .unwrap()
        .chars()
        .count() as u64
        + 1;
    assert_eq!(found.column, column);
}

#[test]
fn a_link_to_a_missing_local_heading_is_reported() {
    let f = Fixture::sample();
    let plan = "content/documents/emergency-plan.md";
    f.edit(
        plan,
        "[緊急時連絡網](#contact-list)",
        "[緊急時連絡網](#contacts)",
    );
    let check = f.check();
    let found = only(
        &check,
        "link.unresolved",
        plan,
        line(&f, plan, "(#contacts)"),
    );
    assert_eq!(found.column, 11);
}

#[test]
fn a_role_not_written_in_any_document_is_undocumented() {
    let f = Fixture::sample();
    // Only the policy, rules and procedures count; drop 保護管理者 from them
    // by renaming it everywhere in those three kinds of documents.
    for doc in [
        "content/documents/basic-policy.md",
        "content/documents/security-rules.md",
        "content/documents/handling-procedure.md",
        "content/documents/system-operation-rules.md",
        "content/documents/work-rules.md",
    ] {
        let text = std::fs::read_to_string(f.path().join(doc)).unwrap();
        let text = text
            .replace("総括保護管理者", "\u{0}")
            .replace("保護管理者", "管理責任者")
            .replace('\u{0}', "総括保護管理者");
        f.write(doc, &text);
    }
    let check = f.check();
    let found = only(&check, "roles.undocumented", "", 0);
    assert_eq!(found.requirement.as_deref(), Some("S2"));
    assert!(found.ja.starts_with("保護管理者"), "{}", found.ja);
}
