//! The rules of the standard on documents, people and records: each defect
//! made in a copy of the sample is reported once, with its rule, its
//! requirement or checklist item, and the line of the record concerned.

use crate::common::{Check, Fixture, Project};
use crate::support;
use crate::support::{exactly, no_warnings_but, only};

const CHECKLIST: &str = "content/checklist.yaml";
const SECURITY_RULES: &str = "content/documents/security-rules.md";
const WORK_RULES: &str = "content/documents/work-rules.md";
const STAFF: &str = "content/ledgers/staff.yaml";
const TRAINING: &str = "content/ledgers/training.yaml";
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

/// The answer to 2-6 (再委託) once there is a subcontractor.
const ANSWER_2_6_YES: &str = "answer: はい\nevidence:\n  - subcontractors#SUB-01";
/// A valid Privacy Mark of subcontractor SUB-01.
const CERT_SUB_01: &str = "
    holder: SUB-01
    scheme: pmark
    standard: \"JIS Q 15001:2023\"
    number: \"第29990999(01)号\"
    expires: 2028-01-19
    copy: evidence/certifications/プライバシーマーク登録証_写し.pdf
";

fn line(f: &Fixture, file: &str, needle: &str) -> u64 {
    Check::line_of(f.path(), file, needle)
}

// ---- requirements covered by documents -------------------------------

#[test]
fn a_requirement_nothing_satisfies_is_uncovered() {
    let p =
        Project::sample().without_front_matter("security-rules", "satisfies[requirement=S1(3)]");
    let check = p.check();
    // Located at the document of the first kind asked for (規程), which
    // should list it: its satisfies.
    let at = p.at(SECURITY_RULES, "satisfies[requirement=S1]");
    let found = only(&check, "requirement.uncovered", SECURITY_RULES, at);
    assert_eq!(found.requirement.as_deref(), Some("S1(3)"));
    assert!(found.ja.contains("物理的安全管理措置"), "{}", found.ja);
    assert!(found.hint.unwrap().contains("S1(3)"));
}

#[test]
fn satisfies_naming_a_missing_section_is_reported_at_that_claim() {
    let p = Project::sample().front_matter(
        "security-rules",
        "satisfies[requirement=S1(3)].section",
        "physcal",
    );
    let check = p.check();
    let claim = p.at(SECURITY_RULES, "satisfies[requirement=S1(3)]");
    let found = exactly(
        &check,
        &[
            ("document.section-missing", SECURITY_RULES, claim),
            // The requirement is then really uncovered, at the same claim.
            ("requirement.uncovered", SECURITY_RULES, claim),
        ],
    );
    assert_eq!(found[0].requirement.as_deref(), Some("S1(3)"));
    assert!(found[0].hint.clone().unwrap().contains("physical"));
    assert_eq!(found[1].requirement.as_deref(), Some("S1(3)"));
}

#[test]
fn satisfies_naming_an_unknown_requirement_is_reported_with_the_closest_id() {
    // An extra claim, so that nothing else becomes uncovered.
    let p = Project::sample().front_matter(
        "security-rules",
        "satisfies[requirement=S13]",
        "section: physical",
    );
    let check = p.check();
    let found = only(
        &check,
        "document.unknown-requirement",
        SECURITY_RULES,
        p.at(SECURITY_RULES, "satisfies[requirement=S13]"),
    );
    assert!(found.en.contains("S13"), "{}", found.en);
    assert!(found.hint.is_some());
}

// ---- roles and people -----------------------------------------------

#[test]
fn no_chief_protection_manager_on_the_roster_is_roles_missing() {
    let check = Project::sample()
        .without_field("staff", "S001", "roles")
        .check();
    // S001's approvals now come from someone with no approving role: each
    // is reported too (duty.approver-role), and nothing else.
    let errs = support::errors(&check);
    assert!(
        errs.iter().all(|f| f.rule == "roles.missing"
            || (f.rule == "duty.approver-role" && f.en.contains("S001"))),
        "{errs:#?}"
    );
    assert_eq!(check.of("roles.missing").len(), 1);
    let found = check.expect("roles.missing", STAFF, 0);
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
    let p = Project::sample()
        .field("training", "TR-2026-02", "attendees", "[S009]")
        .field(
            "training",
            "TR-2026-03",
            "attendees",
            "[S001, S002, S003, S004, S005, S006, S007, S008, S009]",
        );
    let check = p.check();
    let found = only(
        &check,
        "training.never",
        STAFF,
        p.entry_line("staff", "S010"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S3(3)"));
    assert!(found.ja.contains("S010"), "{}", found.ja);
}

#[test]
fn a_worker_trained_more_than_12_months_ago_is_stale() {
    // S008 misses the autumn training and the first one moves to 2025.
    let p = Project::sample()
        .field("training", "TR-2026-01", "date", "2025-09-30")
        .field(
            "training",
            "TR-2026-03",
            "attendees",
            "[S001, S002, S003, S004, S005, S006, S007, S009, S010]",
        );
    let check = p.check();
    let found = only(
        &check,
        "training.stale",
        STAFF,
        p.entry_line("staff", "S008"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S3(3)"));
    assert!(found.en.contains("2025-09-30"), "{}", found.en);
}

#[test]
fn a_training_record_without_signatures_is_reported_at_the_record() {
    let p = Project::sample().without_field("training", "TR-2026-02", "signature_evidence");
    let check = p.check();
    let at = p.entry_line("training", "TR-2026-02");
    // 基準3(3) and item 1 both ask for signed records: one finding, not two.
    let found = exactly(&check, &[("training.no-signature", TRAINING, at)]);
    assert_eq!(found[0].requirement.as_deref(), Some("S3(3)"));
}

#[test]
fn a_worker_without_a_pledge_is_reported_at_the_staff_entry() {
    let p = Project::sample().without_entry("pledges", "PL-S005");
    let check = p.check();
    let found = only(
        &check,
        "pledge.missing",
        STAFF,
        p.entry_line("staff", "S005"),
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
    let p = Project::sample().without_field("staff", "S007", "dispatch_agreement");
    let check = p.check();
    let found = only(
        &check,
        "dispatch.no-agreement",
        STAFF,
        p.entry_line("staff", "S007"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S3(1)"));
}

#[test]
fn a_staff_reference_not_on_the_roster_is_reported_at_the_field() {
    let p = Project::sample().field("take_out", "TO-2026-005", "approver", "S030");
    let check = p.check();
    let found = only(
        &check,
        "reference.unknown-staff",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-005].approver"),
    );
    assert_eq!(found.column, 15, "at the value");
    assert!(found.hint.unwrap().contains("S003"), "did you mean S003");
}

// ---- retention ------------------------------------------------------

#[test]
fn entry_exit_records_kept_3_years_are_too_short_at_the_retention_line() {
    let p = Project::sample().set(ENTRY_EXIT, "retention.years", "3");
    let check = p.check();
    let found = only(
        &check,
        "retention.short",
        ENTRY_EXIT,
        p.at(ENTRY_EXIT, "retention"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S4(2)"));
    assert!(found.en.contains("2029-04-06"), "{}", found.en);
}

#[test]
fn a_ledger_with_no_retention_declared_is_undeclared() {
    let p = Project::sample().unset(ENTRY_EXIT, "retention");
    let check = p.check();
    // No retention line: the finding points at the kind.
    let found = only(
        &check,
        "retention.undeclared",
        ENTRY_EXIT,
        p.at(ENTRY_EXIT, "kind"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S4(2)"));
}

#[test]
fn access_logs_kept_too_short_are_reported_once() {
    let p = Project::sample().set(ACCESS_LOGS, "retention.years", "1");
    let check = p.check();
    // 基準5(6) and item 5-11 both ask for it: one finding.
    let found = only(
        &check,
        "retention.short",
        ACCESS_LOGS,
        p.at(ACCESS_LOGS, "retention"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(6)"));
    // Dated by `to`, the end of the logged period.
    assert!(found.en.contains("2026-04-30"), "{}", found.en);
}

#[test]
fn retention_until_a_date_too_early_is_too_short() {
    let p = Project::sample().set(EXCHANGES, "retention", "until: 2030-03-31");
    let check = p.check();
    let found = only(
        &check,
        "retention.short",
        EXCHANGES,
        p.at(EXCHANGES, "retention"),
    );
    assert_eq!(found.item.as_deref(), Some("4-5"));
}

// ---- records --------------------------------------------------------

#[test]
fn a_take_out_without_approver_is_reported_at_the_entry() {
    let p = Project::sample().without_field("take_out", "TO-2026-005", "approver");
    let check = p.check();
    let found = only(
        &check,
        "record.field-missing",
        TAKE_OUT,
        p.entry_line("take_out", "TO-2026-005"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(7)"));
    assert!(found.en.contains("TO-2026-005"), "{}", found.en);
    assert!(found.hint.unwrap().contains("approver"));
}

#[test]
fn a_take_out_without_protection_is_a_warning_only() {
    let p = Project::sample().without_field("take_out", "TO-2026-006", "protection");
    let check = p.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    let warnings = check.of("record.field-missing");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].severity, "warning");
    assert_eq!(warnings[0].line, p.entry_line("take_out", "TO-2026-006"));
    assert_eq!(warnings[0].requirement.as_deref(), Some("S7"));
}

#[test]
fn a_visitor_without_an_escort_is_reported_at_the_entry() {
    let p = Project::sample().without_field("entry_exit", "EE-2026-0655", "escort");
    let check = p.check();
    let found = only(
        &check,
        "record.field-missing",
        ENTRY_EXIT,
        p.entry_line("entry_exit", "EE-2026-0655"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S4(2)"));
}

/// Subcontractor SUB-01 (its keys but `id`), with 2-6 answered はい and a
/// valid certificate for it, so that only the entry's own defect remains.
fn with_subcontractor(entry: &str) -> Project {
    Project::sample()
        .entry("subcontractors", "SUB-01", entry)
        .answer("2-6", ANSWER_2_6_YES)
        .entry("certifications", "CERT-SUB-01", CERT_SUB_01)
        .subcontractor_nda("SUB-01")
}

#[test]
fn a_properly_approved_subcontractor_passes() {
    let check = with_subcontractor(
        "name: 架空データ入力株式会社\nscope: 入力結果の照合\napproved_on: 2026-04-10\nstarts_on: 2026-05-01",
    )
    .check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    assert!(check.findings().is_empty(), "{:#?}", check.findings());
}

#[test]
fn a_subcontractor_without_prior_approval_is_reported_at_the_entry() {
    let p = with_subcontractor(
        "name: 架空データ入力株式会社\nscope: 入力結果の照合\nstarts_on: 2026-05-01",
    );
    let check = p.check();
    let found = only(
        &check,
        "record.field-missing",
        SUBCONTRACTORS,
        p.entry_line("subcontractors", "SUB-01"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(12)"));
    assert!(found.hint.unwrap().contains("approved_on"));
}

#[test]
fn a_subcontractor_approved_after_it_started_is_out_of_order_at_the_approval() {
    let p = with_subcontractor(
        "name: 架空データ入力株式会社\nscope: 入力結果の照合\napproved_on: 2026-05-10\nstarts_on: 2026-05-01",
    );
    let check = p.check();
    let found = only(
        &check,
        "record.date-order",
        SUBCONTRACTORS,
        p.at(SUBCONTRACTORS, "entries[id=SUB-01].approved_on"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(12)"));
    assert!(found.en.contains("2026-05-10"), "{}", found.en);
    // The ledger is named by its title and the record by its id, in that
    // order (they were once swapped: 「SC-01の記録「subcontractors」」).
    assert!(
        found.ja.starts_with("再委託先一覧の記録「SUB-01」"),
        "{}",
        found.ja
    );
    assert!(
        found.en.starts_with("entry 'SUB-01' of subcontractors"),
        "{}",
        found.en
    );
}

#[test]
fn a_subcontractor_without_a_certificate_is_reported() {
    let check = Project::sample()
        .entry(
            "subcontractors",
            "SUB-01",
            "name: 架空データ入力株式会社\nscope: 入力結果の照合\napproved_on: 2026-04-10\nstarts_on: 2026-05-01\nnda: evidence/subcontractors/SUB-01_機密保持契約書.pdf",
        )
        .file(
            "content/evidence/subcontractors/SUB-01_機密保持契約書.pdf",
            "%PDF-1.4\n% 機密保持契約書（架空データ入力株式会社）\n%%EOF\n",
        )
        .answer("2-6", ANSWER_2_6_YES)
        .check();
    // No certificate of its own: the certifications ledger is meant.
    let found = only(&check, "certificate.missing", CERTIFICATIONS, 0);
    assert_eq!(found.requirement.as_deref(), Some("S1.1"));
    assert!(found.ja.contains("架空データ入力株式会社"), "{}", found.ja);
    assert!(found.hint.unwrap().contains("SUB-01"));
}

#[test]
fn a_deletion_without_certificate_is_reported_at_the_entry() {
    let p = Project::sample().without_field("deletions", "DEL-2026-002", "certificate");
    let check = p.check();
    let found = only(
        &check,
        "record.field-missing",
        DELETIONS,
        p.entry_line("deletions", "DEL-2026-002"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S5(10)"));
}

#[test]
fn evidence_in_a_ledger_that_does_not_resolve_is_reported_at_the_field() {
    let p = Project::sample().field(
        "deletions",
        "DEL-2026-002",
        "certificate",
        "evidence/deletions/2026-07-09_削除証明書.pdf",
    );
    let check = p.check();
    let found = only(
        &check,
        "reference.unresolved",
        DELETIONS,
        p.at(DELETIONS, "entries[id=DEL-2026-002].certificate"),
    );
    assert_eq!(found.column, 18, "at the value");
}

// ---- certificates ---------------------------------------------------

#[test]
fn expired_vendor_certificates_leave_no_valid_certificate() {
    let p = Project::sample()
        .field("certifications", "CERT-ISMS-01", "expires", "2026-10-31")
        .field("certifications", "CERT-PMARK-01", "expires", "2026-06-30");
    let check = p.check();
    let found = only(
        &check,
        "certificate.missing",
        CERTIFICATIONS,
        p.entry_line("certifications", "CERT-ISMS-01"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S1.1"));
    assert!(found.en.contains("2026-10-31"), "says why: {}", found.en);
    assert!(found.en.contains("2026-06-30"), "says why: {}", found.en);
}

#[test]
fn a_certificate_expiring_during_the_contract_is_a_warning_at_its_expiry() {
    let p = Project::sample()
        .field("certifications", "CERT-ISMS-01", "expires", "2027-01-31")
        .field("certifications", "CERT-PMARK-01", "expires", "2026-12-31");
    let check = p.check();
    assert_eq!(check.code, 0, "a warning does not fail the check");
    assert!(support::errors(&check).is_empty());
    let warnings = check.of("certificate.expires-during-contract");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = &warnings[0];
    assert_eq!(w.severity, "warning");
    assert_eq!(w.file, CERTIFICATIONS);
    // The one lasting longest (CERT-ISMS-01) is the one to renew.
    assert_eq!(
        w.line,
        p.at(CERTIFICATIONS, "entries[id=CERT-ISMS-01].expires")
    );
    assert!(w.en.contains("CERT-ISMS-01"), "{}", w.en);
    assert_eq!(check.json["summary"]["warnings"], 1);
    no_warnings_but(&check, &["certificate.expires-during-contract"]);
}

#[test]
fn a_certificate_on_iso_27001_2013_is_superseded_at_its_standard() {
    let p = Project::sample().field(
        "certifications",
        "CERT-ISMS-01",
        "standard",
        "\"ISO/IEC 27001:2013\"",
    );
    let check = p.check();
    // The Privacy Mark is still valid: only the edition is wrong.
    let found = only(
        &check,
        "certificate.superseded",
        CERTIFICATIONS,
        p.at(CERTIFICATIONS, "entries[id=CERT-ISMS-01].standard"),
    );
    assert_eq!(found.requirement.as_deref(), Some("S1.1"));
    assert!(found.hint.unwrap().contains("ISO/IEC 27001:2022"));
}

#[test]
fn a_certificate_on_an_unknown_edition_is_a_warning() {
    let p = Project::sample().field(
        "certifications",
        "CERT-PMARK-01",
        "standard",
        "\"JIS Q 15001:2017\"",
    );
    let check = p.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    let w = &check.of("certificate.unknown-edition")[0];
    assert_eq!(
        w.line,
        p.at(CERTIFICATIONS, "entries[id=CERT-PMARK-01].standard")
    );
}

// ---- periodic records -----------------------------------------------

#[test]
fn a_missing_monthly_report_is_reported_for_that_month() {
    let check = Project::sample()
        .without_entry("monthly_reports", "MR-2026-07")
        .check();
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
    let later = Project::sample().config("as_of", "2026-12-11").check();
    let months: Vec<String> = later
        .of("monthly.missing")
        .into_iter()
        .map(|f| f.en)
        .collect();
    assert_eq!(months.len(), 1, "{months:?}");
    assert!(months[0].contains("2026-11"), "{months:?}");
}

#[test]
fn no_internal_audit_in_the_last_12_months_is_stale() {
    let mut p = Project::sample();
    for (id, date) in [
        ("AU-2026-01", "2025-03-10"),
        ("AU-2026-02", "2025-07-22"),
        ("AU-2026-03", "2025-09-25"),
        ("AU-2026-04", "2025-10-30"),
    ] {
        p = p.field("audits", id, "date", date);
    }
    for (id, date) in [("AU-2025-01", "2024-06-24"), ("AU-2025-02", "2024-12-12")] {
        p = p.field("audits", id, "date", date);
    }
    // 「点検、内部監査及び外部監査」: each kind is stale on its own.
    let check = p.check();
    let errs = support::errors(&check);
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert!(
        errs.iter()
            .all(|f| f.rule == "record.stale" && f.file == AUDITS)
    );
    let found = errs;
    for (kind, latest) in [
        ("external_audit", "2025-07-22"),
        ("inspection", "2025-10-30"),
        ("internal_audit", "2025-09-25"),
    ] {
        let f = found
            .iter()
            .find(|f| f.en.contains(&format!("type: {kind})")))
            .unwrap_or_else(|| panic!("no finding for {kind}: {found:#?}"));
        assert_eq!(f.requirement.as_deref(), Some("S9"));
        assert!(f.en.contains(&format!("latest: {latest}")), "{}", f.en);
    }
}

#[test]
fn no_drill_on_record_is_ledger_missing_for_drills() {
    let check = Project::sample().ledger("drills", "[]").check();
    let found = only(&check, "ledger.missing", DRILLS, 0);
    assert_eq!(found.requirement.as_deref(), Some("S6"));
    assert!(found.en.contains("has no entries"), "{}", found.en);
    assert!(found.hint.is_some(), "says where to add entries");
}

#[test]
fn no_drills_ledger_at_all_is_ledger_missing() {
    let check = Project::sample()
        .without(DRILLS)
        .replace(CHECKLIST, "      - drills\n", "")
        .check();
    let found = only(&check, "ledger.missing", "", 0);
    assert_eq!(found.requirement.as_deref(), Some("S6"));
    assert!(found.hint.unwrap().contains("content/ledgers/drills.yaml"));
}

// ---- documents ------------------------------------------------------

#[test]
fn an_unapproved_document_is_reported() {
    let p = Project::sample().without_front_matter("work-rules", "approval");
    let check = p.check();
    // No approval key: the finding points at the id.
    let found = only(
        &check,
        "document.unapproved",
        WORK_RULES,
        p.at(WORK_RULES, "id"),
    );
    assert!(found.ja.contains("就業規則"), "{}", found.ja);
}

#[test]
fn a_document_approved_after_the_as_of_date_is_unapproved_at_the_approval() {
    let p = Project::sample().front_matter("work-rules", "approval.date", "2026-12-16");
    let check = p.check();
    only(
        &check,
        "document.unapproved",
        WORK_RULES,
        p.at(WORK_RULES, "approval"),
    );
}

#[test]
fn a_document_past_its_review_date_is_overdue_at_review_by() {
    let p = Project::sample().front_matter("work-rules", "review_by", "2026-10-31");
    let check = p.check();
    let found = only(
        &check,
        "document.review-overdue",
        WORK_RULES,
        p.at(WORK_RULES, "review_by"),
    );
    assert!(found.en.contains("2026-10-31"), "{}", found.en);
}

#[test]
fn a_document_without_a_review_date_is_a_warning() {
    let p = Project::sample().without_front_matter("work-rules", "review_by");
    let check = p.check();
    assert_eq!(check.code, 0);
    let w = &check.of("document.no-review-date")[0];
    assert_eq!(w.file, WORK_RULES);
    assert_eq!(w.line, p.at(WORK_RULES, "id"));
}

#[test]
fn two_documents_with_one_id_are_reported_at_the_second() {
    let copy = "content/documents/work-rules-2025.md";
    let p = Project::sample();
    let text = p.read(WORK_RULES);
    let p = p
        .file(copy, &text)
        .front_matter("work-rules-2025", "version", "\"5.1\"");
    let check = p.check();
    // work-rules-2025.md sorts before work-rules.md, so it is the first.
    let found = only(
        &check,
        "document.duplicate-id",
        WORK_RULES,
        p.at(WORK_RULES, "id"),
    );
    assert!(found.en.contains(copy), "names the other: {}", found.en);
}

#[test]
fn a_document_and_a_ledger_sharing_an_id_are_reported() {
    let check = Project::sample()
        .replace(
            DRILLS,
            "kind: drills\n",
            "kind: drills\nid: emergency-plan\n",
        )
        .replace(CHECKLIST, "      - drills\n", "")
        .check();
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
    // 「基本方針、規程及び取扱手順等に明記」: missing from each of the three
    // kinds, reported once per kind, at a document of that kind.
    let check = f.check();
    let found = support::errors(&check);
    let mut files: Vec<&str> = found.iter().map(|f| f.file.as_str()).collect();
    files.sort();
    assert_eq!(
        files,
        [
            "content/documents/basic-policy.md",
            "content/documents/handling-procedure.md",
            "content/documents/security-rules.md"
        ],
        "{found:#?}"
    );
    assert!(found.iter().all(|f| f.rule == "roles.undocumented"));
    for f in &found {
        assert_eq!(f.requirement.as_deref(), Some("S2"));
        assert!(f.ja.starts_with("保護管理者"), "{}", f.ja);
    }
}

#[test]
fn an_enum_field_accepts_the_label_the_form_prints() {
    // 正社員 is how the roster form shows `regular`.
    let p = Project::sample().field("staff", "S001", "employment", "正社員");
    let check = p.check();
    assert!(
        support::errors(&check).is_empty(),
        "a label is a value: {:?}",
        support::errors(&check)
    );
    let p = Project::sample().field("staff", "S001", "employment", "正規社員");
    let check = p.check();
    let found = only(
        &check,
        "yaml.invalid-value",
        STAFF,
        p.at(STAFF, "entries[id=S001].employment"),
    );
    assert!(found.ja.contains("regular（正社員）"), "{}", found.ja);
    assert!(!found.ja.contains("（）"), "{}", found.ja);
    assert!(found.en.contains("regular (正社員)"), "{}", found.en);
}
