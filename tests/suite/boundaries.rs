//! The edges of every dated rule (issue 20): for each period the checks
//! measure — training within 12 months, retention until the later of five
//! years after a record and a year after the contract, certificate
//! validity, review and approval dates, monthly reports from the first to
//! the last contract month, periodic records, remediation by the work
//! start, records dated after the as-of date, the contract's phases and
//! the roster day — a project exactly on the edge, one a day inside and
//! one a day outside, with the exact finding (rule, file, line) or none.
//! Leap days, month ends and the 平成/令和 boundary are among the edges.
//!
//! Most cases start from `tests/fixtures/minimal` (contract 2026-04-01 to
//! 2027-03-31, work from 2026-04-01, as of 2026-04-20), which checks clean;
//! [`shifted`] moves all of its dates by whole years to put a leap day or
//! an era boundary inside the contract.

use crate::common::{Check, Project};
use crate::support::{exactly, only};

use anzen::date::{Date, Month};

const STAFF: &str = "content/ledgers/staff.yaml";
const TRAINING: &str = "content/ledgers/training.yaml";
const AUDITS: &str = "content/ledgers/audits.yaml";
const ASSETS: &str = "content/ledgers/assets.yaml";
const EXCHANGES: &str = "content/ledgers/exchanges.yaml";
const ACCESS_LOGS: &str = "content/ledgers/access_logs.yaml";
const ENTRY_EXIT: &str = "content/ledgers/entry_exit.yaml";
const CERTS: &str = "content/ledgers/certifications.yaml";
const MONTHLY: &str = "content/ledgers/monthly_reports.yaml";
const SUBCONTRACTORS: &str = "content/ledgers/subcontractors.yaml";
const CHECKLIST: &str = "content/checklist.yaml";
const POLICY: &str = "content/documents/policy.md";

// ---- builders ---------------------------------------------------------

/// The minimal project, checked as of `as_of`.
fn minimal_on(as_of: &str) -> Project {
    fresh_updates(Project::named("minimal").config("as_of", as_of), as_of)
}

/// Virus definitions and patches recorded on `as_of` (5-2, 5-3 ask for
/// them within a month and three months), so that only the rule a case
/// is about speaks.
fn fresh_updates(p: Project, as_of: &str) -> Project {
    p.entry(
        "updates",
        "UP-V",
        &format!("date: {as_of}\ntype: virus_definitions\ntarget: 入力端末"),
    )
    .entry(
        "updates",
        "UP-P",
        &format!("date: {as_of}\ntype: patch\ntarget: 入力端末"),
    )
}

/// Internal and external audits on `as_of` (基準9 asks for each of the
/// three kinds within twelve months).
fn fresh_audits(p: Project, as_of: &str) -> Project {
    p.entry(
        "audits",
        "AU-INT-02",
        &format!("date: {as_of}\ntype: internal_audit\nauditor: 小港 三郎\nscope: 定期監査"),
    )
    .entry(
        "audits",
        "AU-EXT-02",
        &format!("date: {as_of}\ntype: external_audit\nauditor: 架空監査法人\nscope: 外部監査"),
    )
}

/// The minimal project with every date moved by `years` (2026-04-20
/// becomes 2027-04-20 for 1), so that the contract runs over another
/// calendar: +1 puts 2028-02-29 inside it, -7 the start of 令和.
fn shifted(years: i32) -> Project {
    let p = Project::named("minimal");
    for entry in walkdir::WalkDir::new(p.path()).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        std::fs::write(entry.path(), shift_years(&text, years)).unwrap();
    }
    p
}

/// `text` with every `20YY-` of an ISO date or month moved by `years`.
fn shift_years(text: &str, years: i32) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let date_like = i + 7 <= b.len()
            && b[i] == b'2'
            && b[i + 1] == b'0'
            && b[i + 2..i + 4].iter().all(u8::is_ascii_digit)
            && b[i + 4] == b'-'
            && b[i + 5..i + 7].iter().all(u8::is_ascii_digit)
            && (i == 0 || !b[i - 1].is_ascii_digit());
        if date_like {
            let year: i32 = text[i..i + 4].parse().unwrap();
            out.push_str(&(year + years).to_string());
            i += 4;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Adds a submitted monthly report for every month from `first` to `last`
/// (`YYYY-MM`), each submitted on the 5th of the next month.
fn reports(mut p: Project, first: &str, last: &str) -> Project {
    let (mut m, last) = (Month::parse(first).unwrap(), Month::parse(last).unwrap());
    while m <= last {
        p = p.entry(
            "monthly_reports",
            &format!("MR-{m}"),
            &format!("month: \"{m}\"\nsubmitted_on: {}", m.next().day(5)),
        );
        m = m.next();
    }
    p
}

/// The minimal project kept current up to `as_of` late in its contract or
/// after it: a fresh training, audit and asset update a few weeks before,
/// and every monthly report due by then.
fn minimal_kept_to(as_of: &str) -> Project {
    let day = Date::parse(as_of).unwrap();
    let recent = day.plus_days(-20).to_string();
    // The last month whose report is overdue (due on the 10th, missing
    // from the 11th).
    let last_due = if day > day.month().day(10) {
        prev(day.month())
    } else {
        prev(prev(day.month()))
    };
    let last_due = if last_due > Month::parse("2027-03").unwrap() {
        Month::parse("2027-03").unwrap()
    } else {
        last_due
    };
    let mut p = minimal_on(as_of);
    if day > Date::parse("2027-03-01").unwrap() {
        // The documents are due for review at the contract's end.
        for doc in ["policy", "procedure", "rules", "training-plan"] {
            p = p.front_matter(doc, "review_by", "2028-03-31");
        }
    }
    let p = p
        .entry(
            "training",
            "TR-02",
            &format!(
                "date: {recent}\ntopic: 定期研修\nattendees: [S001, S002]\nsignature_evidence: evidence/training-signatures.txt"
            ),
        )
        .entry(
            "audits",
            "AU-02",
            &format!("date: {recent}\ntype: inspection\nauditor: 小港 花子（総括保護管理者）\nscope: 定期点検"),
        )
        .field("assets", "AS-01", "updated", &recent)
        // 基準9 asks for each of 点検・内部監査・外部監査, and 5-2/5-3 for
        // virus definitions and patches, within their windows.
        .entry(
            "audits",
            "AU-INT-02",
            &format!("date: {recent}\ntype: internal_audit\nauditor: 小港 三郎\nscope: 定期監査"),
        )
        .entry(
            "audits",
            "AU-EXT-02",
            &format!("date: {recent}\ntype: external_audit\nauditor: 架空監査法人\nscope: 外部監査"),
        )
        .entry(
            "updates",
            "UP-V",
            &format!("date: {recent}\ntype: virus_definitions\ntarget: 入力端末"),
        )
        .entry(
            "updates",
            "UP-P",
            &format!("date: {recent}\ntype: patch\ntarget: 入力端末"),
        );
    reports(p, "2026-04", &last_due.to_string())
}

/// The month before `m`.
fn prev(m: Month) -> Month {
    m.day(1).plus_days(-1).month()
}

/// Asserts exit code 0 and no finding at all.
fn clean(check: &Check) {
    assert_eq!(
        check.code,
        0,
        "exit code; findings: {:#?}",
        check.findings()
    );
    assert!(check.findings().is_empty(), "{:#?}", check.findings());
}

/// The one finding of `rule` and that it is the only finding of any level.
fn sole(check: &Check, rule: &str, file: &str, line: u64) -> crate::common::F {
    let all = check.findings();
    assert_eq!(all.len(), 1, "{all:#?}");
    check.expect(rule, file, line)
}

// ---- training: within 12 months (基準3(3)) ------------------------------

fn trained_on(p: Project, date: &str) -> Project {
    p.field("training", "TR-01", "date", date)
}

fn both_stale(p: &Project, check: &Check) {
    exactly(
        check,
        &[
            ("training.stale", STAFF, p.entry_line("staff", "S001")),
            ("training.stale", STAFF, p.entry_line("staff", "S002")),
        ],
    );
}

#[test]
fn training_exactly_twelve_months_before_the_as_of_date_still_counts() {
    clean(&trained_on(minimal_on("2026-04-20"), "2025-04-20").check());
}

#[test]
fn training_a_day_less_than_twelve_months_before_counts() {
    clean(&trained_on(minimal_on("2026-04-20"), "2025-04-21").check());
}

#[test]
fn training_twelve_months_and_a_day_before_is_stale_for_every_worker() {
    let p = trained_on(minimal_on("2026-04-20"), "2025-04-19");
    let check = p.check();
    both_stale(&p, &check);
    let f = check.expect("training.stale", STAFF, p.entry_line("staff", "S001"));
    assert!(f.en.contains("2025-04-19"), "{}", f.en);
    assert_eq!(f.requirement.as_deref(), Some("S3(3)"));
}

/// Contract 2027-04-01 to 2028-03-31, as of `as_of`, monthly reports due
/// by then submitted, trained on `trained`.
fn leap_year_training(as_of: &str, trained: &str) -> Project {
    let p = fresh_audits(
        fresh_updates(shifted(1).config("as_of", as_of), as_of),
        as_of,
    );
    trained_on(reports(p, "2027-04", "2028-01"), trained)
}

#[test]
fn training_on_the_last_day_of_february_counts_through_the_next_leap_day() {
    // Twelve months from 2027-02-28 end on 2028-02-29 (the month's end).
    clean(&leap_year_training("2028-02-29", "2027-02-28").check());
    clean(&leap_year_training("2028-02-28", "2027-02-28").check());
}

#[test]
fn training_on_the_last_day_of_february_is_stale_from_the_first_of_march() {
    let p = leap_year_training("2028-03-01", "2027-02-28");
    both_stale(&p, &p.check());
}

#[test]
fn training_a_day_before_that_is_stale_on_the_leap_day() {
    let p = leap_year_training("2028-02-29", "2027-02-27");
    both_stale(&p, &p.check());
}

#[test]
fn a_training_after_the_as_of_date_does_not_count_and_is_itself_reported() {
    let p = trained_on(minimal_on("2026-04-20"), "2026-04-21");
    let check = p.check();
    exactly(
        &check,
        &[
            ("training.never", STAFF, p.entry_line("staff", "S001")),
            ("training.never", STAFF, p.entry_line("staff", "S002")),
            (
                "record.future",
                TRAINING,
                p.at(TRAINING, "entries[id=TR-01].date"),
            ),
        ],
    );
}

#[test]
fn a_training_on_the_as_of_date_counts() {
    clean(&trained_on(minimal_on("2026-04-20"), "2026-04-20").check());
}

// ---- the roster day: who is working --------------------------------------

const S003: &str = "name: 小港 三郎\nemployment: regular\ndesignated: true";

fn joined(p: Project, joined: &str) -> Project {
    p.entry("staff", "S003", &format!("{S003}\njoined: {joined}"))
}

fn s003_findings(p: &Project, check: &Check) {
    let line = p.entry_line("staff", "S003");
    exactly(
        check,
        &[
            ("training.never", STAFF, line),
            ("pledge.missing", STAFF, line),
        ],
    );
}

#[test]
fn a_worker_joining_on_the_as_of_date_is_on_the_roster() {
    let p = joined(minimal_on("2026-04-20"), "2026-04-20");
    s003_findings(&p, &p.check());
}

#[test]
fn a_worker_joining_the_day_after_the_as_of_date_is_not_yet_on_it() {
    clean(&joined(minimal_on("2026-04-20"), "2026-04-21").check());
}

#[test]
fn a_worker_leaving_on_the_as_of_date_is_still_on_the_roster() {
    let p =
        joined(minimal_on("2026-04-20"), "2026-04-01").field("staff", "S003", "left", "2026-04-20");
    s003_findings(&p, &p.check());
}

#[test]
fn a_worker_who_left_the_day_before_is_off_the_roster() {
    let p =
        joined(minimal_on("2026-04-20"), "2026-04-01").field("staff", "S003", "left", "2026-04-19");
    clean(&p.check());
}

#[test]
fn before_work_starts_a_worker_joining_on_the_work_start_counts_already() {
    let p = joined(
        minimal_on("2026-04-20").config("contract.work_start", "2026-05-01"),
        "2026-05-01",
    );
    s003_findings(&p, &p.check());
    let later = joined(
        minimal_on("2026-04-20").config("contract.work_start", "2026-05-01"),
        "2026-05-02",
    );
    clean(&later.check());
}

// ---- periodic records: audits and register updates within 12 months -------

fn audited_on(as_of: &str, date: &str) -> Project {
    minimal_on(as_of).field("audits", "AU-01", "date", date)
}

#[test]
fn an_audit_exactly_twelve_months_before_counts() {
    clean(&audited_on("2026-04-20", "2025-04-20").check());
    clean(&audited_on("2026-04-20", "2025-04-21").check());
}

#[test]
fn an_audit_twelve_months_and_a_day_before_is_stale() {
    let check = audited_on("2026-04-20", "2025-04-19").check();
    let f = only(&check, "record.stale", AUDITS, 0);
    assert_eq!(f.requirement.as_deref(), Some("S9"));
    assert!(
        f.en.contains("since 2025-04-20; latest: 2025-04-19"),
        "{}",
        f.en
    );
}

#[test]
fn a_register_updated_exactly_twelve_months_before_counts() {
    let p = minimal_on("2026-04-20").field("assets", "AS-01", "updated", "2025-04-20");
    clean(&p.check());
}

#[test]
fn a_register_updated_twelve_months_and_a_day_before_is_stale() {
    let p = minimal_on("2026-04-20").field("assets", "AS-01", "updated", "2025-04-19");
    let f = only(&p.check(), "record.stale", ASSETS, 0);
    assert_eq!(f.item.as_deref(), Some("2-5"));
}

/// The bundled standard with S9's audits due every month, not every year:
/// `recent_entry` with a one-month window, to reach a month's end.
fn monthly_audits(p: Project) -> Project {
    let bundled = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    let s9 = bundled.requirement("S9").unwrap();
    let variant = format!(
        "id: monthly-audits\ntitle: t\nchecklist: {{title: t, columns: [], sections: [], items: []}}\nrequirements:\n  - id: S9\n    number: \"9\"\n    title: {}\n    text: {}\n    checks:\n      - {{check: recent_entry, ledger: audits, within_months: 1}}\n",
        serde_json::to_string(s9.title.as_ref().unwrap()).unwrap(),
        serde_json::to_string(&s9.text).unwrap()
    );
    p.file("standards/monthly-audits.yaml", &variant).config(
        "standards",
        "[municipal-standard, standards/monthly-audits.yaml]",
    )
}

fn audited_monthly(as_of: &str, date: &str) -> Project {
    monthly_audits(minimal_kept_to(as_of))
        .without_entry("audits", "AU-02")
        .without_entry("audits", "AU-INT-02")
        .without_entry("audits", "AU-EXT-02")
        .without_entry("audits", "AU-INT-01")
        .without_entry("audits", "AU-EXT-01")
        .field("audits", "AU-01", "date", date)
}

#[test]
fn an_audit_on_the_31st_of_january_counts_through_the_end_of_february() {
    clean(&audited_monthly("2027-02-28", "2027-01-31").check());
    // 2027-01-28 plus a month is 2027-02-28 too.
    clean(&audited_monthly("2027-02-28", "2027-01-28").check());
}

#[test]
fn an_audit_on_the_31st_of_january_is_stale_on_the_first_of_march() {
    only(
        &audited_monthly("2027-03-01", "2027-01-31").check(),
        "record.stale",
        AUDITS,
        0,
    );
}

#[test]
fn an_audit_on_the_last_day_of_november_counts_through_the_end_of_december() {
    clean(&audited_monthly("2026-12-31", "2026-11-30").check());
    only(
        &audited_monthly("2027-01-01", "2026-11-30").check(),
        "record.stale",
        AUDITS,
        0,
    );
}

#[test]
fn an_audit_on_the_27th_of_january_is_stale_on_the_28th_of_february() {
    only(
        &audited_monthly("2027-02-28", "2027-01-27").check(),
        "record.stale",
        AUDITS,
        0,
    );
}

// ---- retention: the later of 5 years after the record and 1 after the end --

fn retention_until(p: Project, file: &str, until: &str) -> Project {
    p.set(file, "retention", &format!("\n  until: {until}"))
}

#[test]
fn retention_reaching_exactly_five_years_after_the_record_is_enough() {
    // EX-01 is dated 2026-04-06; the contract ends 2027-03-31.
    clean(&retention_until(minimal_on("2026-04-20"), EXCHANGES, "2031-04-06").check());
    clean(&retention_until(minimal_on("2026-04-20"), EXCHANGES, "2031-04-07").check());
}

#[test]
fn retention_a_day_short_of_five_years_after_the_record_is_too_short() {
    let p = retention_until(minimal_on("2026-04-20"), EXCHANGES, "2031-04-05");
    let f = only(
        &p.check(),
        "retention.short",
        EXCHANGES,
        p.at(EXCHANGES, "retention"),
    );
    assert!(
        f.en.contains("kept until 2031-04-05 but must be kept until 2031-04-06"),
        "{}",
        f.en
    );
    assert_eq!(f.item.as_deref(), Some("4-5"));
}

#[test]
fn access_logs_are_kept_five_years_after_their_last_day() {
    // AL-01 runs from 2026-04-01 to 2026-04-15: retention counts from `to`.
    clean(&retention_until(minimal_on("2026-04-20"), ACCESS_LOGS, "2031-04-15").check());
    let p = retention_until(minimal_on("2026-04-20"), ACCESS_LOGS, "2031-04-14");
    let check = p.check();
    let line = p.at(ACCESS_LOGS, "retention");
    let found = exactly(&check, &[("retention.short", ACCESS_LOGS, line)]);
    assert!(found[0].en.contains("2031-04-15"), "{}", found[0].en);
}

/// A five-year contract (to 2031-03-31): a year after its end, 2032-03-31,
/// is later than five years after any record of 2026. The other ledgers
/// kept six years and the certificate running through it, so only the
/// exchanges decide.
fn long_contract() -> Project {
    minimal_on("2026-04-20")
        .config("contract.end", "2031-03-31")
        .set(ENTRY_EXIT, "retention.years", "6")
        .set(ACCESS_LOGS, "retention.years", "6")
        .field("certifications", "CERT-01", "expires", "2031-12-31")
}

#[test]
fn after_a_long_contract_retention_must_reach_a_year_after_its_end() {
    clean(&retention_until(long_contract(), EXCHANGES, "2032-03-31").check());
    clean(&retention_until(long_contract(), EXCHANGES, "2032-04-01").check());
}

#[test]
fn retention_a_day_short_of_a_year_after_a_long_contract_is_too_short() {
    let p = retention_until(long_contract(), EXCHANGES, "2032-03-30");
    let f = only(
        &p.check(),
        "retention.short",
        EXCHANGES,
        p.at(EXCHANGES, "retention"),
    );
    assert!(f.en.contains("must be kept until 2032-03-31"), "{}", f.en);
}

#[test]
fn five_years_after_each_record_is_not_enough_when_the_contract_ends_later() {
    // `years: 5` keeps EX-01 to 2031-04-06, short of 2032-03-31.
    let p = long_contract();
    let f = only(
        &p.check(),
        "retention.short",
        EXCHANGES,
        p.at(EXCHANGES, "retention"),
    );
    assert!(
        f.en.contains("kept until 2031-04-06 but must be kept until 2032-03-31"),
        "{}",
        f.en
    );
}

#[test]
fn five_years_after_a_leap_day_record_end_on_the_28th_of_february() {
    let p = |until: &str| {
        let p = reports(
            fresh_audits(
                fresh_updates(shifted(1).config("as_of", "2028-02-29"), "2028-02-29"),
                "2028-02-29",
            ),
            "2027-04",
            "2028-01",
        )
        .field("exchanges", "EX-01", "date", "2028-02-29");
        retention_until(p, EXCHANGES, until)
    };
    clean(&p("2033-02-28").check());
    let short = p("2033-02-27");
    only(
        &short.check(),
        "retention.short",
        EXCHANGES,
        short.at(EXCHANGES, "retention"),
    );
}

// ---- certificates: valid on the as-of date, ideally through the contract --

fn expiring(as_of: &str, expires: &str) -> Project {
    minimal_on(as_of).field("certifications", "CERT-01", "expires", expires)
}

#[test]
fn a_certificate_expiring_on_the_as_of_date_is_still_valid() {
    let p = expiring("2026-04-20", "2026-04-20");
    let check = p.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    sole(
        &check,
        "certificate.expires-during-contract",
        CERTS,
        p.at(CERTS, "entries[id=CERT-01].expires"),
    );
}

#[test]
fn a_certificate_that_expired_the_day_before_is_missing() {
    let p = expiring("2026-04-20", "2026-04-19");
    let f = only(
        &p.check(),
        "certificate.missing",
        CERTS,
        p.entry_line("certifications", "CERT-01"),
    );
    assert!(f.en.contains("2026-04-19"), "{}", f.en);
}

#[test]
fn a_certificate_expiring_on_the_contract_end_covers_the_contract() {
    clean(&expiring("2026-04-20", "2027-03-31").check());
    clean(&expiring("2026-04-20", "2027-04-01").check());
}

#[test]
fn a_certificate_expiring_the_day_before_the_contract_end_is_a_warning() {
    let p = expiring("2026-04-20", "2027-03-30");
    let check = p.check();
    assert_eq!(check.code, 0);
    let f = sole(
        &check,
        "certificate.expires-during-contract",
        CERTS,
        p.at(CERTS, "entries[id=CERT-01].expires"),
    );
    assert_eq!(f.severity, "warning");
}

#[test]
fn a_certificate_issued_on_the_as_of_date_is_valid() {
    clean(
        &minimal_on("2026-04-20")
            .field("certifications", "CERT-01", "issued", "2026-04-20")
            .check(),
    );
}

#[test]
fn a_certificate_issued_the_day_after_is_not_yet_valid() {
    let p = minimal_on("2026-04-20").field("certifications", "CERT-01", "issued", "2026-04-21");
    let check = p.check();
    exactly(
        &check,
        &[
            (
                "certificate.missing",
                CERTS,
                p.entry_line("certifications", "CERT-01"),
            ),
            (
                "record.future",
                CERTS,
                p.at(CERTS, "entries[id=CERT-01].issued"),
            ),
        ],
    );
}

/// A contract of 2025-04-01 to 2026-03-31 whose vendor holds an ISO/IEC
/// 27001:2013 certificate (accepted until 2025-10-31), as of `as_of`.
fn old_edition(as_of: &str) -> Project {
    let p = fresh_audits(
        fresh_updates(shifted(-1).config("as_of", as_of), as_of),
        as_of,
    )
    .field(
        "certifications",
        "CERT-01",
        "standard",
        "\"ISO/IEC 27001:2013\"",
    );
    reports(p, "2025-04", "2025-09")
}

#[test]
fn an_old_edition_is_valid_through_its_last_day_but_warned_of() {
    for day in ["2025-10-30", "2025-10-31"] {
        let p = old_edition(day);
        let check = p.check();
        assert_eq!(check.code, 0, "{day}: {:#?}", check.findings());
        let f = sole(
            &check,
            "certificate.expires-during-contract",
            CERTS,
            p.at(CERTS, "entries[id=CERT-01].expires"),
        );
        assert!(f.en.contains("lapses on 2025-10-31"), "{}", f.en);
    }
}

#[test]
fn an_old_edition_lapses_the_day_after_its_last_day() {
    let p = old_edition("2025-11-01");
    let check = p.check();
    exactly(
        &check,
        &[
            (
                "certificate.superseded",
                CERTS,
                p.at(CERTS, "entries[id=CERT-01].standard"),
            ),
            (
                "certificate.missing",
                CERTS,
                p.entry_line("certifications", "CERT-01"),
            ),
        ],
    );
}

// ---- documents: review and approval dates -----------------------------

#[test]
fn a_document_due_for_review_on_the_as_of_date_is_not_overdue() {
    clean(
        &minimal_on("2026-04-20")
            .front_matter("policy", "review_by", "2026-04-20")
            .check(),
    );
    clean(
        &minimal_on("2026-04-20")
            .front_matter("policy", "review_by", "2026-04-21")
            .check(),
    );
}

#[test]
fn a_document_due_for_review_the_day_before_is_overdue() {
    let p = minimal_on("2026-04-20").front_matter("policy", "review_by", "2026-04-19");
    let f = only(
        &p.check(),
        "document.review-overdue",
        POLICY,
        p.at(POLICY, "review_by"),
    );
    assert!(f.en.contains("2026-04-19"), "{}", f.en);
}

#[test]
fn a_document_approved_on_the_as_of_date_is_approved() {
    clean(
        &minimal_on("2026-04-20")
            .front_matter("policy", "approval.date", "2026-04-20")
            .check(),
    );
}

#[test]
fn a_document_approved_the_day_after_is_not_yet_approved() {
    let p = minimal_on("2026-04-20").front_matter("policy", "approval.date", "2026-04-21");
    only(
        &p.check(),
        "document.unapproved",
        POLICY,
        p.at(POLICY, "approval"),
    );
}

// ---- monthly reports: every contract month, due on the 10th of the next ----

#[test]
fn no_report_is_missing_up_to_and_on_the_first_deadline() {
    // On the due date itself the report can still be made in time.
    clean(&minimal_on("2026-05-09").check());
    clean(&minimal_on("2026-05-10").check());
}

#[test]
fn the_first_months_report_is_missing_from_the_day_after_its_deadline() {
    for day in ["2026-05-11", "2026-05-12"] {
        let check = minimal_on(day).check();
        let f = only(&check, "monthly.missing", MONTHLY, 0);
        assert!(
            f.en.contains("for 2026-04 (due 2026-05-10)"),
            "{day}: {}",
            f.en
        );
        assert_eq!(f.requirement.as_deref(), Some("S10"));
    }
}

/// After the contract: every asset disposed of on its last day, the rest
/// kept current (see [`minimal_kept_to`]).
fn after_end(as_of: &str) -> Project {
    minimal_kept_to(as_of).entry(
        "assets",
        "AS-01",
        "name: 申告書（紙）\ncategory: 個人情報（貸与文書）\nmedia: 紙\nlocation: 管理区域C\nowner: S002\nreceived: 2026-04-06\nupdated: 2027-03-31\nstatus: disposed\nclosed_on: 2027-03-31\nclosed_evidence: exchanges#EX-01",
    )
}

#[test]
fn after_the_contract_the_last_months_report_is_due_on_the_10th() {
    // Reports for 2026-04 to 2027-02 are in; 2027-03 is due 2027-04-10,
    // and missing from the 11th.
    let before = after_end("2027-04-10");
    assert!(!before.read(MONTHLY).contains("MR-2027-03"));
    let check = before.check();
    assert_eq!(check.json["phase"], "after_end");
    clean(&check);
    let on = after_end("2027-04-11").without_entry("monthly_reports", "MR-2027-03");
    let f = only(&on.check(), "monthly.missing", MONTHLY, 0);
    assert!(f.en.contains("for 2027-03 (due 2027-04-10)"), "{}", f.en);
}

#[test]
fn long_after_the_contract_only_the_missing_last_month_is_named() {
    // 2027-04 lies outside the contract: its report is never due.
    let p = after_end("2027-06-20").without_entry("monthly_reports", "MR-2027-03");
    let check = p.check();
    let missing = check.of("monthly.missing");
    assert_eq!(missing.len(), 1, "{missing:#?}");
    assert!(missing[0].en.contains("for 2027-03"), "{}", missing[0].en);
}

#[test]
fn every_month_of_the_contract_is_required_and_no_other() {
    let check = after_end("2027-06-20")
        .set(MONTHLY, "entries", "[]")
        .check();
    let named: Vec<String> = check
        .of("monthly.missing")
        .iter()
        .map(|f| f.en.split_whitespace().nth(5).unwrap().to_string())
        .collect();
    let expected: Vec<String> = (0..12)
        .map(|i| {
            let mut m = Month::parse("2026-04").unwrap();
            for _ in 0..i {
                m = m.next();
            }
            m.to_string()
        })
        .collect();
    assert_eq!(named, expected);
}

#[test]
fn a_contract_starting_mid_month_owes_a_report_for_that_month() {
    let p = minimal_on("2026-05-11")
        .config("contract.start", "2026-04-30")
        .config("contract.work_start", "2026-04-30");
    // The workers joined on 2026-04-01 (their records from April stay on duty).
    let f = only(&p.check(), "monthly.missing", MONTHLY, 0);
    assert!(f.en.contains("for 2026-04"), "{}", f.en);
}

/// Reports due on the last day of the next month (day 31, clamped).
fn due_on_the_31st(p: Project) -> Project {
    p.config("contract.monthly_report_due_day", "31")
}

#[test]
fn a_report_due_on_the_31st_is_due_on_the_28th_in_february() {
    let base = |as_of: &str| {
        due_on_the_31st(minimal_kept_to(as_of)).without_entry("monthly_reports", "MR-2027-01")
    };
    // minimal_kept_to counts with the 10th; with the 31st the December
    // report is due 2027-01-31 and January's 2027-02-28 (missing from
    // 2027-03-01).
    clean(&base("2027-02-28").check());
    let f = only(&base("2027-03-01").check(), "monthly.missing", MONTHLY, 0);
    assert!(f.en.contains("for 2027-01 (due 2027-02-28)"), "{}", f.en);
}

#[test]
fn a_report_due_on_the_31st_is_due_on_the_leap_day_in_a_leap_year() {
    let p = |as_of: &str| {
        due_on_the_31st(reports(
            fresh_audits(
                fresh_updates(shifted(1).config("as_of", as_of), as_of),
                as_of,
            ),
            "2027-04",
            "2027-12",
        ))
    };
    clean(&p("2028-02-29").check());
    let f = only(&p("2028-03-01").check(), "monthly.missing", MONTHLY, 0);
    assert!(f.en.contains("for 2028-01 (due 2028-02-29)"), "{}", f.en);
}

#[test]
fn a_due_day_in_the_config_moves_the_first_deadline() {
    let p = |as_of: &str| minimal_on(as_of).config("contract.monthly_report_due_day", "5");
    clean(&p("2026-05-05").check());
    let f = only(&p("2026-05-06").check(), "monthly.missing", MONTHLY, 0);
    assert!(f.en.contains("(due 2026-05-05)"), "{}", f.en);
}

// ---- remediation: due by the work start --------------------------------

/// Item 1 answered いいえ with a remediation (`remediation` is its body),
/// work starting 2026-05-01, as of `as_of`.
fn remedied(as_of: &str, remediation: &str) -> Project {
    minimal_on(as_of)
        .config("contract.work_start", "2026-05-01")
        .answer(
            "1",
            &format!(
                "answer: いいえ\nremediation:\n  plan: 規程を整備する\n  owner: S001\n{remediation}"
            ),
        )
}

fn remediation_line(p: &Project) -> u64 {
    p.at(CHECKLIST, "answers[item=1].remediation")
}

#[test]
fn a_remediation_due_on_the_work_start_is_in_time() {
    clean(&remedied("2026-04-20", "  due: 2026-05-01").check());
    clean(&remedied("2026-04-20", "  due: 2026-04-30").check());
}

#[test]
fn a_remediation_due_the_day_after_the_work_start_is_late() {
    let p = remedied("2026-04-20", "  due: 2026-05-02");
    let f = only(
        &p.check(),
        "answer.remediation-late",
        CHECKLIST,
        remediation_line(&p),
    );
    assert_eq!(f.item.as_deref(), Some("1"));
}

#[test]
fn a_remediation_due_on_the_as_of_date_is_not_yet_overdue() {
    clean(&remedied("2026-04-20", "  due: 2026-04-20").check());
}

#[test]
fn an_open_remediation_due_the_day_before_is_overdue() {
    let p = remedied("2026-04-20", "  due: 2026-04-19");
    only(
        &p.check(),
        "answer.remediation-overdue",
        CHECKLIST,
        remediation_line(&p),
    );
}

#[test]
fn a_remediation_completed_on_the_work_start_is_in_time() {
    clean(&remedied("2026-05-05", "  due: 2026-05-01\n  completed: 2026-05-01").check());
}

#[test]
fn a_remediation_completed_the_day_after_the_work_start_is_late() {
    let p = remedied("2026-05-05", "  due: 2026-05-01\n  completed: 2026-05-02");
    only(
        &p.check(),
        "answer.remediation-late",
        CHECKLIST,
        remediation_line(&p),
    );
}

#[test]
fn a_remediation_completed_on_the_as_of_date_is_done() {
    clean(&remedied("2026-04-20", "  due: 2026-05-01\n  completed: 2026-04-20").check());
}

#[test]
fn a_remediation_completed_the_day_after_the_as_of_date_is_a_future_record() {
    let p = remedied("2026-04-20", "  due: 2026-05-01\n  completed: 2026-04-21");
    only(&p.check(), "record.future", CHECKLIST, remediation_line(&p));
}

// ---- record.future: nothing dated after the as-of date --------------------

#[test]
fn a_record_dated_on_the_as_of_date_is_fine() {
    clean(
        &minimal_on("2026-04-20")
            .field("exchanges", "EX-01", "date", "2026-04-20")
            .check(),
    );
}

#[test]
fn a_record_dated_the_day_after_the_as_of_date_is_reported_at_its_date() {
    let p = minimal_on("2026-04-20").field("exchanges", "EX-01", "date", "2026-04-21");
    let f = only(
        &p.check(),
        "record.future",
        EXCHANGES,
        p.at(EXCHANGES, "entries[id=EX-01].date"),
    );
    assert!(
        f.en.contains("(2026-04-21) is after the as-of date 2026-04-20"),
        "{}",
        f.en
    );
}

#[test]
fn a_report_for_the_current_month_is_fine_and_for_the_next_is_future() {
    let p = |month: &str| {
        minimal_on("2026-05-31")
            .entry(
                "monthly_reports",
                "MR-04",
                "month: \"2026-04\"\nsubmitted_on: 2026-05-08",
            )
            .entry(
                "monthly_reports",
                "MR-X",
                &format!("month: \"{month}\"\nsubmitted_on: 2026-05-31"),
            )
    };
    clean(&p("2026-05").check());
    let next = p("2026-06");
    only(
        &next.check(),
        "record.future",
        MONTHLY,
        next.at(MONTHLY, "entries[id=MR-X].month"),
    );
}

#[test]
fn a_record_on_new_years_eve_is_future_on_the_30th_of_december() {
    // The month and year roll over between the record and the as-of date.
    let p = minimal_kept_to("2026-12-30").field("exchanges", "EX-01", "date", "2026-12-31");
    only(
        &p.check(),
        "record.future",
        EXCHANGES,
        p.at(EXCHANGES, "entries[id=EX-01].date"),
    );
    let ok = minimal_kept_to("2026-12-31").field("exchanges", "EX-01", "date", "2026-12-31");
    clean(&ok.check());
}

// ---- date order: approval before the subcontract starts; closed after received

const ANSWER_2_6_YES: &str = "answer: はい\nevidence:\n  - subcontractors#SUB-01";
const CERT_SUB_01: &str = "holder: SUB-01\nscheme: pmark\nstandard: \"JIS Q 15001:2023\"\nnumber: \"第29990999(01)号\"\nexpires: 2028-01-19\ncopy: evidence/certifications/プライバシーマーク登録証_写し.pdf";

fn subcontracted(approved_on: &str) -> Project {
    Project::sample()
        .entry(
            "subcontractors",
            "SUB-01",
            &format!("name: 架空データ入力株式会社\nscope: 入力結果の照合\napproved_on: {approved_on}\nstarts_on: 2026-05-01"),
        )
        .answer("2-6", ANSWER_2_6_YES)
        .entry("certifications", "CERT-SUB-01", CERT_SUB_01)
        .subcontractor_nda("SUB-01")
}

#[test]
fn a_subcontract_approved_on_the_day_it_starts_is_in_order() {
    clean(&subcontracted("2026-05-01").check());
}

#[test]
fn a_subcontract_approved_the_day_after_it_starts_is_out_of_order() {
    let p = subcontracted("2026-05-02");
    let f = only(
        &p.check(),
        "record.date-order",
        SUBCONTRACTORS,
        p.at(SUBCONTRACTORS, "entries[id=SUB-01].approved_on"),
    );
    assert_eq!(f.requirement.as_deref(), Some("S5(12)"));
}

fn disposed_on(closed_on: &str) -> Project {
    minimal_on("2026-04-20")
        .field("assets", "AS-01", "status", "disposed")
        .field("assets", "AS-01", "closed_on", closed_on)
        .field("assets", "AS-01", "closed_evidence", "exchanges#EX-01")
}

#[test]
fn an_asset_disposed_of_on_the_day_it_was_received_is_in_order() {
    clean(&disposed_on("2026-04-06").check());
}

#[test]
fn an_asset_disposed_of_the_day_before_it_was_received_is_out_of_order() {
    let p = disposed_on("2026-04-05");
    only(
        &p.check(),
        "record.date-order",
        ASSETS,
        p.at(ASSETS, "entries[id=AS-01].closed_on"),
    );
}

// ---- phases: before work, during, after the contract ---------------------

#[test]
fn the_day_before_work_starts_is_checked_as_before_work() {
    let check = minimal_on("2026-04-20")
        .config("contract.work_start", "2026-04-21")
        .check();
    clean(&check);
    assert_eq!(check.json["phase"], "before_work");
}

#[test]
fn the_work_start_itself_is_checked_as_work_in_progress() {
    let check = minimal_on("2026-04-20")
        .config("contract.work_start", "2026-04-20")
        .check();
    clean(&check);
    assert_eq!(check.json["phase"], "in_progress");
}

#[test]
fn before_work_records_of_the_work_are_not_yet_required() {
    let p = |work_start: &str| {
        minimal_on("2026-04-20")
            .config("contract.work_start", work_start)
            .set(EXCHANGES, "entries", "[]")
    };
    clean(&p("2026-04-21").check());
    let during = p("2026-04-20");
    let check = during.check();
    let f = only(&check, "ledger.missing", EXCHANGES, 0);
    assert_eq!(f.item.as_deref(), Some("4-5"));
}

#[test]
fn the_contracts_last_day_is_still_in_progress() {
    let check = minimal_kept_to("2027-03-31").check();
    clean(&check);
    assert_eq!(check.json["phase"], "in_progress");
}

#[test]
fn the_day_after_the_contract_ends_every_asset_must_be_closed() {
    let p = minimal_kept_to("2027-04-01");
    let check = p.check();
    assert_eq!(check.json["phase"], "after_end");
    only(
        &check,
        "asset.not-closed",
        ASSETS,
        p.entry_line("assets", "AS-01"),
    );
}

// ---- anzen due: the same edges as the checks --------------------------------

/// `anzen due --format json` items of `kind` as (date, key).
fn due_of(p: &Project, kind: &str) -> Vec<(String, String)> {
    let run = p.run(&["due", "--within", "1y", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    json["due"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", run.stdout))
        .iter()
        .filter(|d| d["kind"] == kind)
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_string(),
                d["key"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn training_falls_due_on_the_last_day_the_check_still_accepts_it() {
    // Trained 2027-02-28: the check accepts it through 2028-02-29.
    let p = trained_on(shifted(1), "2027-02-28");
    assert_eq!(
        due_of(&p, "training"),
        vec![
            ("2028-02-29".to_string(), "training-S001".to_string()),
            ("2028-02-29".to_string(), "training-S002".to_string()),
        ]
    );
    let p = trained_on(minimal_on("2026-04-20"), "2025-04-20");
    assert_eq!(due_of(&p, "training")[0].0, "2026-04-20");
}

#[test]
fn each_workers_training_falls_due_from_the_last_training_they_attended() {
    // S001 alone attends a second training on 2026-04-10: S001's next one
    // falls due a year after it, S002's still a year after TR-01.
    let p = minimal_on("2026-04-20").entry(
        "training",
        "TR-02",
        "date: 2026-04-10\ntopic: 追加研修\nattendees: [S001]\nsignature_evidence: evidence/training-signatures.txt",
    );
    assert_eq!(
        due_of(&p, "training"),
        vec![
            ("2027-03-27".to_string(), "training-S002".to_string()),
            ("2027-04-10".to_string(), "training-S001".to_string()),
        ]
    );
}

#[test]
fn a_monthly_audit_falls_due_on_the_last_day_the_check_still_accepts_it() {
    let p = audited_monthly("2027-02-20", "2027-01-31");
    let due = due_of(&p, "periodic_record");
    assert!(
        due.contains(&("2027-02-28".to_string(), "recent-audits-date".to_string())),
        "{due:?}"
    );
    let p = audited_monthly("2027-02-20", "2027-01-27");
    let due = due_of(&p, "periodic_record");
    assert!(
        due.contains(&("2027-02-27".to_string(), "recent-audits-date".to_string())),
        "{due:?}"
    );
    // From the last day of February, a month runs to the end of March.
    let p = audited_monthly("2027-03-05", "2027-02-28");
    let due = due_of(&p, "periodic_record");
    assert!(
        due.contains(&("2027-03-31".to_string(), "recent-audits-date".to_string())),
        "{due:?}"
    );
}

#[test]
fn review_certificate_and_report_deadlines_are_the_checks_edges() {
    let p = minimal_on("2026-04-20")
        .front_matter("policy", "review_by", "2026-06-30")
        .field("certifications", "CERT-01", "expires", "2026-07-15");
    assert!(due_of(&p, "review").contains(&("2026-06-30".into(), "review-policy".into())));
    assert_eq!(
        due_of(&p, "certificate"),
        vec![("2026-07-15".to_string(), "certificate-CERT-01".to_string())]
    );
    assert_eq!(
        due_of(&p, "monthly_report")[0],
        ("2026-05-10".into(), "monthly-2026-04".into())
    );
}

// ---- 和暦: the era boundary where dates are shown ------------------------

#[test]
fn dates_show_in_the_era_they_fall_in() {
    let w = |s: &str| Date::parse(s).unwrap().wareki();
    assert_eq!(w("1989-01-07"), "1989-01-07");
    assert_eq!(w("1989-01-08"), "平成元年1月8日");
    assert_eq!(w("2019-04-30"), "平成31年4月30日");
    assert_eq!(w("2019-05-01"), "令和元年5月1日");
    assert_eq!(w("2019-12-31"), "令和元年12月31日");
    assert_eq!(w("2020-01-01"), "令和2年1月1日");
}

#[test]
fn an_era_date_in_a_ledger_is_rejected_with_the_iso_date_across_the_boundary() {
    for (era, iso) in [
        ("平成31年4月30日", "2019-04-30"),
        ("令和元年5月1日", "2019-05-01"),
    ] {
        let p = minimal_on("2026-04-20").field("exchanges", "EX-01", "date", era);
        let check = p.check();
        assert_eq!(check.code, 1);
        let f = check
            .findings()
            .into_iter()
            .find(|f| f.file == EXCHANGES)
            .unwrap_or_else(|| panic!("{:#?}", check.findings()));
        assert!(f.ja.contains(iso), "{era}: {}", f.ja);
        assert_eq!(f.line, p.at(EXCHANGES, "entries[id=EX-01].date"));
    }
}

#[test]
fn the_monthly_report_names_april_2019_in_heisei_and_may_in_reiwa() {
    // A contract of 2019-04-01 to 2020-03-31.
    let p = fresh_audits(
        fresh_updates(shifted(-7).config("as_of", "2019-06-05"), "2019-06-05"),
        "2019-06-05",
    );
    for (month, title) in [("2019-04", "平成31年4月"), ("2019-05", "令和元年5月")] {
        let out = tempfile::tempdir().unwrap();
        let run = p.run(&[
            "report",
            "monthly",
            "--month",
            month,
            "--no-pdf",
            "--out",
            out.path().to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        let html = std::fs::read_to_string(
            out.path()
                .join(format!("reports/個人情報取扱状況報告書_{month}.html")),
        )
        .unwrap();
        assert!(html.contains(title), "{month}: {title} missing");
    }
}

#[test]
fn shifting_a_project_moves_only_its_dates() {
    assert_eq!(
        shift_years(
            "date: 2026-04-20\nmonth: \"2026-12\"\nnumber: R8-2026\nx12026-01",
            1
        ),
        "date: 2027-04-20\nmonth: \"2027-12\"\nnumber: R8-2026\nx12026-01"
    );
}

// ---- more edges: empty ledgers, future records that do not count ---------

#[test]
fn an_empty_ledger_is_kept_five_years_after_the_contract_end() {
    // No record to count from: the contract's end (2027-03-31) is.
    let p = |until: &str| {
        retention_until(
            minimal_on("2026-04-20").set(ACCESS_LOGS, "entries", "[]"),
            ACCESS_LOGS,
            until,
        )
    };
    let on = p("2032-03-31").check();
    assert!(on.of("retention.short").is_empty(), "{:#?}", on.findings());
    let short = p("2032-03-30");
    let check = short.check();
    let f = check.expect(
        "retention.short",
        ACCESS_LOGS,
        short.at(ACCESS_LOGS, "retention"),
    );
    assert!(f.en.contains("must be kept until 2032-03-31"), "{}", f.en);
    assert_eq!(check.of("retention.short").len(), 1);
}

#[test]
fn an_audit_after_the_as_of_date_does_not_keep_the_audits_current() {
    let p = minimal_on("2026-04-20")
        .field("audits", "AU-01", "date", "2025-04-19")
        .entry(
            "audits",
            "AU-02",
            "date: 2026-04-21\ntype: inspection\nauditor: 小港 花子（総括保護管理者）\nscope: 定期点検",
        );
    let check = p.check();
    let found = exactly(
        &check,
        &[
            ("record.stale", AUDITS, 0),
            (
                "record.future",
                AUDITS,
                p.at(AUDITS, "entries[id=AU-02].date"),
            ),
        ],
    );
    assert!(
        found[0].en.contains("latest: 2025-04-19"),
        "{}",
        found[0].en
    );
}

fn confirmed_on(date: &str) -> Vec<crate::common::F> {
    let p = minimal_on("2026-04-20").answer(
        "1",
        &format!(
            "answer: はい\nevidence: [rules]\nconfirmed:\n  date: {date}\n  fingerprint: \"sha256:0000000000000000\""
        ),
    );
    let line = p.at(CHECKLIST, "answers[item=1].confirmed");
    p.check()
        .of("record.future")
        .into_iter()
        .inspect(|f| assert_eq!((f.file.as_str(), f.line), (CHECKLIST, line)))
        .collect()
}

#[test]
fn a_confirmation_on_the_as_of_date_is_fine_and_the_day_after_is_future() {
    assert!(confirmed_on("2026-04-20").is_empty());
    let future = confirmed_on("2026-04-21");
    assert_eq!(future.len(), 1, "{future:#?}");
    assert!(
        future[0].en.contains("confirmed on 2026-04-21"),
        "{}",
        future[0].en
    );
}

/// `anzen due --within <within>` keys as of `as_of`.
fn due_keys(p: &Project, within: &str) -> Vec<String> {
    let run = p.run(&["due", "--within", within, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    json["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["date"].as_str().unwrap(),
                d["key"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_work_start_is_due_through_its_own_day() {
    let p = |as_of: &str| {
        minimal_on(as_of)
            .config("contract.work_start", "2026-04-25")
            .config("contract.start", "2026-04-01")
    };
    assert!(due_keys(&p("2026-04-25"), "1d").contains(&"2026-04-25 work-start".to_string()));
    let after = minimal_on("2026-04-26").config("contract.work_start", "2026-04-25");
    assert!(
        !due_keys(&after, "1y")
            .iter()
            .any(|k| k.ends_with("work-start"))
    );
}

#[test]
fn the_contract_end_is_due_through_its_own_day_and_not_after() {
    let on = minimal_kept_to("2027-03-31");
    assert!(due_keys(&on, "1d").contains(&"2027-03-31 contract-end".to_string()));
    let after = after_end("2027-04-01");
    assert!(
        !due_keys(&after, "1y")
            .iter()
            .any(|k| k.ends_with("contract-end"))
    );
}

#[test]
fn due_lists_a_date_exactly_at_the_end_of_the_window_and_not_a_day_beyond() {
    // The first report is due 2026-05-10, 20 days after the as-of date.
    let p = minimal_on("2026-04-20");
    assert!(due_keys(&p, "20d").contains(&"2026-05-10 monthly-2026-04".to_string()));
    assert!(
        !due_keys(&p, "19d")
            .iter()
            .any(|k| k.contains("monthly-2026-04"))
    );
}

#[test]
fn a_report_due_today_is_still_listed_and_one_submitted_is_not() {
    let p = minimal_on("2026-05-10");
    assert!(due_keys(&p, "1d").contains(&"2026-05-10 monthly-2026-04".to_string()));
    let done = reports(minimal_on("2026-05-10"), "2026-04", "2026-04");
    assert!(
        !due_keys(&done, "1y")
            .iter()
            .any(|k| k.contains("monthly-2026-04"))
    );
}

// ---- what the findings and the due list say ------------------------------

#[test]
fn a_stale_training_names_the_worker_and_a_new_worker_their_employment() {
    let p = trained_on(minimal_on("2026-04-20"), "2025-04-19");
    let f = p
        .check()
        .expect("training.stale", STAFF, p.entry_line("staff", "S001"));
    assert!(
        f.ja.starts_with("小港 花子（S001）の最後の受講は 2025-04-19"),
        "{}",
        f.ja
    );
    assert!(f.hint.unwrap().contains("2025-04-20 以降"));
    let p = joined(minimal_on("2026-04-20"), "2026-04-20");
    let f = p
        .check()
        .expect("pledge.missing", STAFF, p.entry_line("staff", "S003"));
    assert!(f.ja.starts_with("小港 三郎（S003）（正社員）"), "{}", f.ja);
}

#[test]
fn editions_match_whatever_the_width_spacing_and_case() {
    for written in [
        "ＩＳＯ／ＩＥＣ　２７００１：２０２２",
        "iso/iec27001:2022",
        "JISQ27001:2023",
    ] {
        let p = minimal_on("2026-04-20").field(
            "certifications",
            "CERT-01",
            "standard",
            &format!("\"{written}\""),
        );
        clean(&p.check());
    }
}

#[test]
fn an_unknown_edition_is_a_warning_listing_the_current_editions_only() {
    let p = minimal_on("2026-04-20").field(
        "certifications",
        "CERT-01",
        "standard",
        "\"ISO/IEC 27001:2005\"",
    );
    let check = p.check();
    assert_eq!(check.code, 0);
    let f = sole(
        &check,
        "certificate.unknown-edition",
        CERTS,
        p.at(CERTS, "entries[id=CERT-01].standard"),
    );
    let hint = f.hint.unwrap();
    assert!(
        hint.contains("ISO/IEC 27001:2022") && hint.contains("JIS Q 15001:2023"),
        "{hint}"
    );
    assert!(!hint.contains("2013") && !hint.contains("2014"), "{hint}");
}

#[test]
fn a_vendor_without_any_certificate_is_reported_on_the_ledger() {
    let p = minimal_on("2026-04-20").set(CERTS, "entries", "[]");
    let f = only(&p.check(), "certificate.missing", CERTS, 0);
    assert!(f.en.contains("株式会社こみなと事務"), "{}", f.en);
    assert!(f.en.contains("(記録なし / no record)"), "{}", f.en);
}

#[test]
fn an_open_remediation_falls_due_on_its_date_and_a_completed_one_not() {
    let p = remedied("2026-04-20", "  due: 2026-04-30");
    assert!(due_keys(&p, "10d").contains(&"2026-04-30 remediation-1".to_string()));
    let done = remedied("2026-04-20", "  due: 2026-04-30\n  completed: 2026-04-20");
    assert!(
        !due_keys(&done, "1y")
            .iter()
            .any(|k| k.contains("remediation"))
    );
}

#[test]
fn the_calendar_has_one_all_day_event_per_date_folded_and_escaped() {
    let p = remedied("2026-04-20", "  due: 2026-04-30").replace(
        CHECKLIST,
        "規程を整備する",
        "規程を整備し, 教育を行う; 点検も実施する。記録は保管庫に入れ、鍵は総括保護管理者が持つ",
    );
    let run = p.run(&["due", "--within", "20d", "--format", "ics"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ics = run.stdout;
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    for line in ics.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        assert!(!line.contains('\n'), "bare LF in {line:?}");
    }
    let unfolded = ics.replace("\r\n ", "");
    let event = unfolded
        .split("BEGIN:VEVENT\r\n")
        .find(|e| e.contains("UID:remediation-1@anzen"))
        .unwrap_or_else(|| panic!("{unfolded}"));
    assert!(event.contains("DTSTAMP:20260420T000000Z\r\n"), "{event}");
    assert!(
        event.contains("DTSTART;VALUE=DATE:20260430\r\nDTEND;VALUE=DATE:20260501\r\n"),
        "{event}"
    );
    assert!(
        event.contains(
            "SUMMARY:項目 1 の対策の期限（規程を整備し\\, 教育を行う\\; 点検も実施する。"
        ),
        "{event}"
    );
    assert!(event.contains("持つ） [1]\r\n"), "{event}");
    assert!(
        event.contains("DESCRIPTION:小港 花子（S001）\r\n"),
        "{event}"
    );
    assert!(event.contains("CATEGORIES:REMEDIATION\r\n"), "{event}");
    let monthly = unfolded
        .split("BEGIN:VEVENT\r\n")
        .find(|e| e.contains("UID:monthly-2026-04@anzen"))
        .unwrap();
    assert!(monthly.contains("提出 [S10]\r\n"), "{monthly}");
    assert!(!monthly.contains("DESCRIPTION"), "{monthly}");
    assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 3, "{unfolded}");
}

#[test]
fn a_calendar_line_of_exactly_75_octets_is_not_folded_and_no_line_folds_early() {
    // "SUMMARY:項目 1 の対策の期限（" + plan + "） [1]" is 45 octets + the plan.
    let line = |plan: &str| {
        let p =
            remedied("2026-04-20", "  due: 2026-04-30").replace(CHECKLIST, "規程を整備する", plan);
        let run = p.run(&["due", "--within", "10d", "--format", "ics"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let exact = format!("SUMMARY:項目 1 の対策の期限（{}） [1]\r\n", "a".repeat(30));
    assert_eq!(exact.len(), 75 + 2);
    assert!(line(&"a".repeat(30)).contains(&format!("\r\n{exact}")));
    let longer = line(&"a".repeat(31));
    assert!(
        longer.contains(&format!(
            "\r\nSUMMARY:項目 1 の対策の期限（{}） [1\r\n ]\r\n",
            "a".repeat(31)
        )),
        "{longer}"
    );
    // A long line breaks only where the next character would pass 75 octets.
    let long = line(&"規".repeat(40));
    let lines: Vec<&str> = long.split("\r\n").collect();
    for pair in lines.windows(2) {
        if pair[1].starts_with(' ') {
            assert!(pair[0].len() > 72, "folded early after {:?}", pair[0]);
        }
    }
}

#[test]
fn control_characters_are_dropped_from_the_calendar() {
    let p = remedied("2026-04-20", "  due: 2026-04-30").replace(
        CHECKLIST,
        "plan: 規程を整備する",
        "plan: \"規程を\\t整備する\"",
    );
    let run = p.run(&["due", "--within", "10d", "--format", "ics"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("SUMMARY:項目 1 の対策の期限（規程を整備する） [1]\r\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_check_the_standard_asks_twice_falls_due_once() {
    // A variant adds a second training requirement: one due date each worker.
    let variant = "id: twice\ntitle: t\nchecklist: {title: t, columns: [], sections: [], items: []}\nrequirements:\n  - id: X1\n    number: \"X1\"\n    title: 研修（再掲）\n    text: 研修を受講していること。\n    checks:\n      - {check: training, within_months: 12}\n";
    let p = trained_on(minimal_on("2026-04-20"), "2025-06-30")
        .file("standards/twice.yaml", variant)
        .config("standards", "[municipal-standard, standards/twice.yaml]");
    assert_eq!(
        due_of(&p, "training"),
        vec![
            ("2026-06-30".to_string(), "training-S001".to_string()),
            ("2026-06-30".to_string(), "training-S002".to_string()),
        ]
    );
}

// ---- 該当無 contradicted by a field, whatever its value -------------------

/// A variant item 7-1, answered 該当無, contradicted by any roster entry
/// that has a `dispatch_agreement`.
fn na_unless_agreement(p: Project) -> Project {
    let variant = "id: na-field\ntitle: t\nchecklist:\n  title: t\n  columns: [チェック内容, はい, いいえ, 該当無]\n  sections:\n    - { id: \"7\", title: 追加 }\n  items:\n    - id: \"7-1\"\n      section: \"7\"\n      text: \"派遣会社と契約していますか?\"\n      requirements: [\"S1\"]\n      na_contradicted_by:\n        - { ledger: staff, field: dispatch_agreement }\nrequirements: []\n";
    p.file("standards/na-field.yaml", variant)
        .config("standards", "[municipal-standard, standards/na-field.yaml]")
        .answer(
            "7-1",
            "answer: 該当無\nreason: 派遣社員を受け入れず、派遣会社と契約していない。",
        )
}

#[test]
fn a_field_condition_contradicts_na_only_when_an_entry_has_the_field() {
    clean(&na_unless_agreement(minimal_on("2026-04-20")).check());
    let p = na_unless_agreement(minimal_on("2026-04-20")).field(
        "staff",
        "S002",
        "dispatch_agreement",
        "evidence/pledge-S002.txt",
    );
    let f = only(
        &p.check(),
        "answer.na-contradicted",
        CHECKLIST,
        p.at(CHECKLIST, "answers[item=7-1].answer"),
    );
    assert!(f.en.contains("entry 'S002'"), "{}", f.en);
}

// ---- a check made only when the work handles 特定個人情報 -------------------

#[test]
fn the_certificate_copy_is_required_only_for_specific_personal_information() {
    let p = |specific: &str| {
        minimal_on("2026-04-20")
            .config("contract.specific_personal_info", specific)
            .without_field("certifications", "CERT-01", "copy")
    };
    clean(&p("false").check());
    let with = p("true");
    let check = with.check();
    let f = check.expect(
        "record.field-missing",
        CERTS,
        with.entry_line("certifications", "CERT-01"),
    );
    assert_eq!(f.item.as_deref(), Some("2-8"));
}
