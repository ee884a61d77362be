//! Checks that read meaning (issue 15): records against answers and the
//! vendor's own rules, separation of duties, people and permissions over
//! time, deadlines, links between ledgers. Each rule fires on one
//! contradiction planted in a copy of the sample, at the record's line,
//! and stays silent on the near miss beside it (the sample itself checks
//! clean: `check_sample`).

use crate::common::Project;
use crate::support::{exactly, only};

const TAKE_OUT: &str = "content/ledgers/take_out.yaml";
const EXCHANGES: &str = "content/ledgers/exchanges.yaml";
const DEVICES: &str = "content/ledgers/devices.yaml";
const ENTRY_EXIT: &str = "content/ledgers/entry_exit.yaml";
const STAFF: &str = "content/ledgers/staff.yaml";
const GRANTS: &str = "content/ledgers/access_grants.yaml";
const KEYS: &str = "content/ledgers/keys.yaml";
const DELETIONS: &str = "content/ledgers/deletions.yaml";
const INCIDENTS: &str = "content/ledgers/incidents.yaml";
const MONTHLY: &str = "content/ledgers/monthly_reports.yaml";
const AUDITS: &str = "content/ledgers/audits.yaml";
const SUBS: &str = "content/ledgers/subcontractors.yaml";
const UPDATES: &str = "content/ledgers/updates.yaml";

fn clean(p: &Project) {
    let check = p.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    assert!(check.findings().is_empty(), "{:#?}", check.findings());
}

// ---- 1. records against answers and rules --------------------------------

#[test]
fn a_private_device_contradicts_the_yes_to_4_1_and_names_the_record() {
    // The device itself, and the take-out and exchange that used it.
    let p = Project::sample().field("devices", "USB-M04", "owner", "private");
    let found = exactly(
        &p.check(),
        &[
            (
                "record.contradicts-answer",
                DEVICES,
                p.at(DEVICES, "entries[id=USB-M04].owner"),
            ),
            (
                "record.contradicts-answer",
                TAKE_OUT,
                p.at(TAKE_OUT, "entries[id=TO-2026-005].device"),
            ),
            (
                "record.contradicts-answer",
                EXCHANGES,
                p.at(EXCHANGES, "entries[id=EX-2026-009].device"),
            ),
        ],
    );
    assert!(found.iter().all(|f| f.item.as_deref() == Some("4-1")));
    let f = found.iter().find(|f| f.file == DEVICES).unwrap();
    assert!(
        f.ja.contains("USB-M04") && f.ja.contains("私物"),
        "{}",
        f.ja
    );
}

#[test]
fn a_private_device_is_no_contradiction_when_4_1_is_not_answered_yes() {
    // いいえ with a plan: the answer states no control, so no contradiction
    // (the plan itself is judged by the answer rules).
    let p = Project::sample()
        .field("devices", "USB-M04", "owner", "private")
        .answer(
            "4-1",
            "answer: いいえ\nremediation:\n  plan: 私物の媒体を回収し、利用を禁止する\n  owner: S001\n  due: 2026-04-01\n  completed: 2026-03-31",
        );
    assert!(
        p.check().of("record.contradicts-answer").is_empty(),
        "{:#?}",
        p.check().findings()
    );
}

#[test]
fn a_take_out_on_a_private_device_is_followed_through_the_reference() {
    let p = Project::sample().field("devices", "USB-M03", "owner", "private");
    let check = p.check();
    let on_take_out = check
        .of("record.contradicts-answer")
        .into_iter()
        .filter(|f| f.file == TAKE_OUT)
        .count();
    assert_eq!(on_take_out, 2, "{:#?}", check.findings());
    check.expect(
        "record.contradicts-answer",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-001].device"),
    );
}

#[test]
fn plain_email_contradicts_the_yes_to_5_4_and_the_procedure_that_forbids_it() {
    let p = Project::sample().field("exchanges", "EX-2026-001", "channel", "email");
    let line = p.at(EXCHANGES, "entries[id=EX-2026-001].channel");
    let check = p.check();
    let found = exactly(
        &check,
        &[
            ("record.contradicts-answer", EXCHANGES, line),
            ("record.contradicts-rule", EXCHANGES, line),
        ],
    );
    let rule = found
        .iter()
        .find(|f| f.rule == "record.contradicts-rule")
        .unwrap();
    assert!(
        rule.ja.contains("個人情報取扱手順書") && rule.ja.contains("交換・提供"),
        "{}",
        rule.ja
    );
}

#[test]
fn encrypted_email_is_allowed_by_5_4_but_not_by_the_vendors_own_procedure() {
    let p = Project::sample().field("exchanges", "EX-2026-001", "channel", "encrypted_email");
    only(
        &p.check(),
        "record.contradicts-rule",
        EXCHANGES,
        p.at(EXCHANGES, "entries[id=EX-2026-001].channel"),
    );
}

#[test]
fn an_unencrypted_usb_taken_out_contradicts_5_6() {
    let p = Project::sample().field("devices", "USB-M04", "encrypted", "false");
    let check = p.check();
    let line = p.at(TAKE_OUT, "entries[id=TO-2026-005].device");
    check.expect("record.contradicts-answer", TAKE_OUT, line);
    // The procedure's own control says the same.
    check.expect("record.contradicts-rule", TAKE_OUT, line);
}

#[test]
fn a_contradiction_names_the_field_by_its_titles_along_the_reference_and_the_value_as_shown() {
    // take_out's device.encrypted is read as the device's field: the
    // message names both steps as the ledgers title them, and the value
    // as the ledgers show it (－ for no).
    let p = Project::sample().field("devices", "USB-M04", "encrypted", "false");
    let check = p.check();
    let f = check.expect(
        "record.contradicts-rule",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-005].device"),
    );
    assert!(
        f.ja.contains("TO-2026-005")
            && f.ja
                .contains("の機器・媒体（機器一覧の ID）の暗号化・パスワード保護「－」は"),
        "{}",
        f.ja
    );
}

#[test]
fn paper_take_outs_need_no_encrypted_device() {
    // The 5-6 control selects USB and other media: paper is outside it.
    let p = Project::sample().field("take_out", "TO-2026-002", "media_type", "paper");
    clean(&p);
}

#[test]
fn a_take_out_without_a_locked_container_contradicts_the_standard() {
    let p = Project::sample().field("take_out", "TO-2026-002", "locked_container", "false");
    let line = p.at(TAKE_OUT, "entries[id=TO-2026-002].locked_container");
    let check = p.check();
    let f = check.expect("record.contradicts-standard", TAKE_OUT, line);
    assert_eq!(f.requirement.as_deref(), Some("S7"));
}

#[test]
fn a_vendor_control_in_anzen_yaml_holds_the_records_to_it() {
    let p = Project::sample().config(
        "controls",
        "- ledger: exchanges\n  field: media_type\n  allowed: [紙]\n  rule: 授受は紙に限る",
    );
    let check = p.check();
    let hits = check.of("record.contradicts-rule");
    assert_eq!(hits.len(), 4, "the four USB exchanges: {hits:#?}");
    assert!(hits.iter().all(|f| f.file == EXCHANGES));
}

#[test]
fn a_control_naming_an_unknown_field_is_reported_not_ignored() {
    let p = Project::sample().config(
        "controls",
        "- ledger: exchanges\n  field: medium\n  forbidden: [usb]\n  rule: 媒体の制限",
    );
    only(&p.check(), "control.invalid", "anzen.yaml", 0);
}

// ---- 2. separation of duties ---------------------------------------------

#[test]
fn a_carrier_approving_their_own_take_out_is_not_separated() {
    let p = Project::sample().field("take_out", "TO-2026-001", "approver", "S002");
    only(
        &p.check(),
        "duty.not-separated",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-001].approver"),
    );
}

#[test]
fn an_approver_without_an_approving_role_is_reported_and_the_config_can_name_roles() {
    let p = Project::sample().field("take_out", "TO-2026-001", "approver", "S004");
    only(
        &p.check(),
        "duty.approver-role",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-001].approver"),
    );
    // A vendor whose 総括保護管理者 alone approves: 保護管理者 S003 no longer may.
    let p = Project::sample().config("check", "approver_roles: [総括保護管理者]");
    only(
        &p.check(),
        "duty.approver-role",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-005].approver"),
    );
}

#[test]
fn an_approval_dated_after_the_take_out_is_late_and_on_the_day_is_not() {
    let p = Project::sample().field("take_out", "TO-2026-001", "approved_on", "2026-05-16");
    only(
        &p.check(),
        "duty.approved-late",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-001].approved_on"),
    );
    clean(&Project::sample().field("take_out", "TO-2026-001", "approved_on", "2026-05-15"));
}

#[test]
fn a_take_out_without_an_approver_cannot_show_approval() {
    let p = Project::sample()
        .without_field("take_out", "TO-2026-001", "approver")
        .without_field("take_out", "TO-2026-001", "approved_on");
    only(
        &p.check(),
        "record.field-missing",
        TAKE_OUT,
        p.entry_line("take_out", "TO-2026-001"),
    );
}

#[test]
fn an_access_right_approved_by_its_holder_is_not_separated() {
    let p = Project::sample().field("access_grants", "AG-2026-002", "approver", "S002");
    only(
        &p.check(),
        "duty.not-separated",
        GRANTS,
        p.at(GRANTS, "entries[id=AG-2026-002].approver"),
    );
}

// ---- 3. people and permissions over time -----------------------------------

#[test]
fn someone_named_in_a_record_after_they_left_was_off_duty_and_on_the_last_day_was_not() {
    // S008 carries TO-2026-003 on 2026-06-26 and TO-2026-006 on 2026-10-30.
    let p = Project::sample().field("staff", "S008", "left", "2026-06-26");
    let check = p.check();
    let f = check.expect(
        "staff.off-duty",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-006].carrier"),
    );
    assert!(
        f.ja.contains("2026-10-30") && f.ja.contains("S008"),
        "{}",
        f.ja
    );
    let last_day = p.at(TAKE_OUT, "entries[id=TO-2026-003].carrier");
    assert!(
        check
            .of("staff.off-duty")
            .iter()
            .all(|f| !(f.file == TAKE_OUT && f.line == last_day)),
        "{:#?}",
        check.of("staff.off-duty")
    );
    assert!(
        check
            .of("staff.off-duty")
            .iter()
            .all(|f| f.ja.contains("S008"))
    );
}

#[test]
fn an_undesignated_worker_handling_personal_data_is_reported() {
    let p = Project::sample().field("take_out", "TO-2026-002", "carrier", "S009");
    let check = p.check();
    check.expect(
        "staff.not-designated",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-002].carrier"),
    );
}

#[test]
fn handlers_need_the_specific_designation_only_when_the_contract_has_it() {
    let p = Project::sample().without_field("staff", "S002", "specific");
    let check = p.check();
    let hits = check.of("staff.not-specific");
    assert!(
        !hits.is_empty() && hits.iter().all(|f| f.ja.contains("S002")),
        "{hits:#?}"
    );
    let p = Project::sample()
        .without_field("staff", "S002", "specific")
        .config("contract.specific_personal_info", "false");
    assert!(p.check().of("staff.not-specific").is_empty());
}

#[test]
fn entering_an_area_not_on_the_persons_list_is_reported() {
    // S002 may enter A and C, not the server room B.
    let p = Project::sample().field("entry_exit", "EE-2026-0001", "area", "AREA-B");
    only(
        &p.check(),
        "area.no-access",
        ENTRY_EXIT,
        p.at(ENTRY_EXIT, "entries[id=EE-2026-0001].staff"),
    );
}

#[test]
fn a_visitor_escorted_by_someone_who_may_not_enter_is_reported() {
    let p = Project::sample().field("entry_exit", "EE-2026-0148", "escort", "S002");
    only(
        &p.check(),
        "escort.not-allowed",
        ENTRY_EXIT,
        p.at(ENTRY_EXIT, "entries[id=EE-2026-0148].escort"),
    );
}

#[test]
fn an_area_that_is_not_defined_is_an_unresolved_reference() {
    let p = Project::sample().field("entry_exit", "EE-2026-0001", "area", "管理区域C（保管庫）");
    let check = p.check();
    check.expect(
        "reference.unresolved",
        ENTRY_EXIT,
        p.at(ENTRY_EXIT, "entries[id=EE-2026-0001].area"),
    );
}

#[test]
fn a_leaver_keeps_no_access_right_or_key() {
    let p = Project::sample()
        .field("staff", "S002", "left", "2026-11-13")
        .config("as_of", "2026-11-20");
    let check = p.check();
    check.expect(
        "access.not-revoked",
        GRANTS,
        p.entry_line("access_grants", "AG-2026-002"),
    );
    check.expect("key.not-returned", KEYS, p.entry_line("keys", "KEY-001"));
    // Revoked and returned on the last day: silent.
    let p = Project::sample()
        .field("staff", "S002", "left", "2026-11-13")
        .field("access_grants", "AG-2026-002", "revoked_on", "2026-11-13")
        .field("keys", "KEY-001", "returned_on", "2026-11-13")
        .field("keys", "KEY-002", "returned_on", "2026-11-12");
    let check = p.check();
    assert!(
        check.of("access.not-revoked").is_empty() && check.of("key.not-returned").is_empty(),
        "{:#?}",
        check.findings()
    );
}

#[test]
fn a_device_on_the_internet_needs_the_clients_permission() {
    let p = Project::sample().field("devices", "PC-A", "internet", "true");
    only(
        &p.check(),
        "permission.missing",
        DEVICES,
        p.at(DEVICES, "entries[id=PC-A].internet"),
    );
    let p = Project::sample()
        .field("devices", "PC-A", "internet", "true")
        .field("devices", "PC-A", "permission", "PM-01")
        .ledger(
            "permissions",
            "- id: PM-01\n  requirement: S5(1)\n  subject: 入力端末のインターネット接続（ウイルス定義の更新に限る）\n  granted_on: 2026-03-25\n  reference: 架空市市税第123号",
        );
    clean(&p);
}

// ---- 5. deadlines ----------------------------------------------------------

#[test]
fn an_incident_reported_two_days_later_is_late_and_the_contract_can_allow_it() {
    let entry = "- id: INC-2026-01\n  date: 2026-09-01\n  summary: 誤送付の疑い（調査の結果、誤送付なし）\n  reported_on: 2026-09-03\n  reported_to: 架空市市民部市民税課";
    let p = Project::sample().ledger("incidents", entry);
    only(
        &p.check(),
        "incident.reported-late",
        INCIDENTS,
        p.at(INCIDENTS, "entries[id=INC-2026-01].reported_on"),
    );
    clean(
        &Project::sample()
            .ledger("incidents", entry)
            .config("contract.incident_report_days", "2"),
    );
}

#[test]
fn an_incident_never_reported_is_late_once_the_period_passed() {
    let p = Project::sample().ledger(
        "incidents",
        "- id: INC-2026-01\n  date: 2026-11-18\n  summary: 紛失の疑い",
    );
    only(
        &p.check(),
        "incident.reported-late",
        INCIDENTS,
        p.entry_line("incidents", "INC-2026-01"),
    );
    // On 11-19 the one day has not yet passed.
    let p = Project::sample().ledger(
        "incidents",
        "- id: INC-2026-01\n  date: 2026-11-19\n  summary: 紛失の疑い",
    );
    assert!(p.check().of("incident.reported-late").is_empty());
}

#[test]
fn a_deletion_certificate_after_thirty_days_is_late() {
    let p = Project::sample().field("deletions", "DEL-2026-001", "certified_on", "2026-06-22");
    only(
        &p.check(),
        "deletion.certificate-late",
        DELETIONS,
        p.at(DELETIONS, "entries[id=DEL-2026-001].certified_on"),
    );
    clean(&Project::sample().field("deletions", "DEL-2026-001", "certified_on", "2026-06-21"));
}

#[test]
fn the_contract_can_shorten_the_days_a_deletion_certificate_may_take() {
    // contract.deletion_certificate_days: 7 replaces the standard's 30:
    // a certificate 8 days after the deletion (2026-05-22) is late, one
    // 7 days after is in time.
    let p = Project::sample()
        .config("contract.deletion_certificate_days", "7")
        .field("deletions", "DEL-2026-001", "certified_on", "2026-05-30");
    only(
        &p.check(),
        "deletion.certificate-late",
        DELETIONS,
        p.at(DELETIONS, "entries[id=DEL-2026-001].certified_on"),
    );
    clean(
        &Project::sample()
            .config("contract.deletion_certificate_days", "7")
            .field("deletions", "DEL-2026-001", "certified_on", "2026-05-29"),
    );
}

#[test]
fn a_monthly_report_submitted_after_the_tenth_is_late() {
    let p = Project::sample();
    let text = p.read(MONTHLY);
    assert!(text.contains("submitted_on"), "{text}");
    let first = text
        .lines()
        .find(|l| l.trim_start().starts_with("- id:"))
        .unwrap();
    let id = first
        .split(':')
        .nth(1)
        .unwrap()
        .trim()
        .trim_matches('"')
        .to_string();
    let month_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("month:"))
        .unwrap();
    let month = month_line
        .split(':')
        .nth(1)
        .unwrap()
        .trim()
        .trim_matches('"')
        .to_string();
    let (y, m) = month.split_once('-').unwrap();
    let (y, m): (u32, u32) = (y.parse().unwrap(), m.parse().unwrap());
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let p = p.field(
        "monthly_reports",
        &id,
        "submitted_on",
        &format!("{ny}-{nm:02}-11"),
    );
    only(
        &p.check(),
        "monthly.late",
        MONTHLY,
        p.at(MONTHLY, &format!("entries[id={id}].submitted_on")),
    );
}

// ---- 4. 及び means and -----------------------------------------------------

#[test]
fn inspection_internal_and_external_audits_are_each_required() {
    let p = Project::sample().without_entry("audits", "AU-2026-02");
    let f = only(&p.check(), "record.stale", AUDITS, 0);
    assert!(f.ja.contains("外部監査"), "{}", f.ja);
}

#[test]
fn a_rule_alone_no_longer_covers_what_the_standard_asks_of_rules_and_procedures() {
    let p = Project::sample()
        .without_front_matter("handling-procedure", "satisfies[requirement=S1(4)]");
    let f = only(
        &p.check(),
        "requirement.uncovered",
        "content/documents/handling-procedure.md",
        p.line(
            "content/documents/handling-procedure.md",
            "  - requirement: S1",
        ),
    );
    assert!(
        f.ja.contains("S1(4)") && f.ja.contains("取扱手順"),
        "{}",
        f.ja
    );
}

#[test]
fn patches_and_virus_definitions_are_each_recorded() {
    // The last patch before 2026-08-20 (three months before the as-of date).
    let p = Project::sample()
        .without_entry("updates", "UP-2026-012")
        .without_entry("updates", "UP-2026-014")
        .without_entry("updates", "UP-2026-016");
    let f = only(&p.check(), "record.stale", UPDATES, 0);
    assert!(f.ja.contains("パッチ"), "{}", f.ja);
}

// ---- 6. links instead of free text -----------------------------------------

#[test]
fn dispatched_staff_point_at_their_agency() {
    let p = Project::sample().without_field("staff", "S007", "agency");
    only(
        &p.check(),
        "record.field-missing",
        STAFF,
        p.entry_line("staff", "S007"),
    );
    let p = Project::sample().field("staff", "S007", "agency", "AG-99");
    only(
        &p.check(),
        "reference.unresolved",
        STAFF,
        p.at(STAFF, "entries[id=S007].agency"),
    );
}

#[test]
fn the_agency_of_dispatched_staff_has_its_dispatch_contract_on_record() {
    let p = Project::sample().without_field("agencies", "AG-01", "contract");
    let f = only(
        &p.check(),
        "record.field-missing",
        "content/ledgers/agencies.yaml",
        p.entry_line("agencies", "AG-01"),
    );
    assert!(f.ja.contains("労働者派遣契約"), "{}", f.ja);
}

#[test]
fn subcontractor_staff_point_at_their_subcontractor() {
    // S004 works for subcontractor SUB-01 (2-6 answered はい): without
    // subcontractor: naming it, the roster cannot show whose staff they are.
    let sub = "name: 架空データ入力株式会社\nscope: 入力結果の照合\napproved_on: 2026-04-10\nstarts_on: 2026-05-01";
    let p = |linked: bool| {
        let p = Project::sample()
            .entry("subcontractors", "SUB-01", sub)
            .subcontractor_nda("SUB-01")
            .answer("2-6", "answer: はい\nevidence:\n  - subcontractors#SUB-01")
            .field("staff", "S004", "employment", "subcontractor");
        if linked {
            p.field("staff", "S004", "subcontractor", "SUB-01")
        } else {
            p
        }
    };
    let unlinked = p(false);
    let on_staff = |p: &Project| -> Vec<u64> {
        p.check()
            .of("record.field-missing")
            .into_iter()
            .filter(|f| f.file == STAFF)
            .map(|f| f.line)
            .collect()
    };
    assert_eq!(on_staff(&unlinked), [unlinked.entry_line("staff", "S004")]);
    assert_eq!(on_staff(&p(true)), [] as [u64; 0]);
}

#[test]
fn a_subcontractor_needs_an_nda_and_with_my_number_a_certificate() {
    let sub = "name: 架空データ入力株式会社\nscope: 入力結果の照合\napproved_on: 2026-04-10\nstarts_on: 2026-05-01";
    let p = Project::sample()
        .entry("subcontractors", "SUB-01", sub)
        .answer("2-6", "answer: はい\nevidence:\n  - subcontractors#SUB-01");
    let check = p.check();
    let f = check.expect(
        "subcontractor.no-assurance",
        SUBS,
        p.entry_line("subcontractors", "SUB-01"),
    );
    assert!(f.ja.contains("機密保持契約"), "{}", f.ja);
    assert_eq!(check.of("subcontractor.no-assurance").len(), 1);
    // 入札告示1.1 asks every subcontractor for a certificate: reported there.
    assert_eq!(
        check.of("certificate.missing").len(),
        1,
        "{:#?}",
        check.findings()
    );
}

// ---- certificates as they are worded -----------------------------------------

#[test]
fn certificates_worded_with_an_amendment_or_the_international_edition_are_read() {
    for wording in [
        "ISO/IEC 27001:2022/Amd 1:2024",
        "JIS Q 27001:2023 (ISO/IEC 27001:2022)",
    ] {
        let p = Project::sample().field(
            "certifications",
            "CERT-ISMS-01",
            "standard",
            &format!("\"{wording}\""),
        );
        let check = p.check();
        assert!(
            check.of("certificate.unknown-edition").is_empty(),
            "{wording}: {:#?}",
            check.findings()
        );
        assert!(
            check.findings().is_empty(),
            "{wording}: {:#?}",
            check.findings()
        );
    }
}

// ---- explain ---------------------------------------------------------------

#[test]
fn explain_names_where_the_standard_uses_a_check_word() {
    let p = Project::sample();
    let run = p.run(&["explain", "approval"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("[S5(3)]") && run.stdout.contains("4-2"),
        "{}",
        run.stdout
    );
    let run = p.run(&["explain", "record_values", "--lang", "en"]);
    assert!(
        run.stdout.contains("[item 4-1]") && run.stdout.contains("forbidden: private"),
        "{}",
        run.stdout
    );
    // What a control allows is named too (5-6: only encrypted devices),
    // and a control without such a list names none.
    assert!(
        run.stdout.contains("(allowed: true)") && !run.stdout.contains("(allowed: )"),
        "{}",
        run.stdout
    );
}

// ---- evidence that does not open -------------------------------------------

#[test]
fn a_pdf_cut_short_or_encrypted_is_warned_of_and_a_whole_one_is_not() {
    let rel = "content/evidence/certifications/ISMS登録証_写し.pdf";
    let p = Project::sample();
    let whole = std::fs::read(p.path().join(rel)).unwrap();
    // The sample's own PDFs end as PDFs do.
    assert!(p.check().of("evidence.damaged").is_empty());
    p.write_bytes(rel, &whole[..whole.len() / 2]);
    let f = p.check().expect("evidence.damaged", rel, 0);
    assert_eq!(f.severity, "warning");
    assert!(f.ja.contains("%%EOF"), "{}", f.ja);
    let mut encrypted = whole.clone();
    let at = encrypted.len() - 10;
    encrypted.splice(at..at, b"\n/Encrypt 9 0 R\n".iter().copied());
    let p = Project::sample();
    p.write_bytes(rel, &encrypted);
    let f = p.check().expect("evidence.damaged", rel, 0);
    assert!(f.ja.contains("暗号化"), "{}", f.ja);
}

#[test]
fn an_approval_without_its_date_cannot_show_it_came_first() {
    let p = Project::sample().without_field("take_out", "TO-2026-001", "approved_on");
    let check = p.check();
    let f = check.expect(
        "record.field-missing",
        TAKE_OUT,
        p.at(TAKE_OUT, "entries[id=TO-2026-001].approver"),
    );
    assert!(f.ja.contains("承認日"), "{}", f.ja);
}

#[test]
fn an_access_right_revoked_the_day_after_leaving_is_late() {
    let p = Project::sample()
        .field("staff", "S002", "left", "2026-11-13")
        .field("access_grants", "AG-2026-002", "revoked_on", "2026-11-14")
        .field("keys", "KEY-001", "returned_on", "2026-11-14")
        .field("keys", "KEY-002", "returned_on", "2026-11-13");
    let check = p.check();
    let f = check.expect(
        "access.not-revoked",
        GRANTS,
        p.at(GRANTS, "entries[id=AG-2026-002].revoked_on"),
    );
    assert!(f.ja.contains("2026-11-14"), "{}", f.ja);
    check.expect(
        "key.not-returned",
        KEYS,
        p.at(KEYS, "entries[id=KEY-001].returned_on"),
    );
    assert_eq!(
        check.of("key.not-returned").len(),
        1,
        "KEY-002 came back on the day"
    );
}
