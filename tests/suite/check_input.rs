//! Broken input: YAML and front matter mistakes, wrong types, typos, dates
//! and encodings are each reported once at their line, and a file that
//! cannot be loaded does not set off findings about what it would hold.

use crate::common::{Check, Fixture, Project};
use crate::support;
use crate::support::{exactly, only};

const CHECKLIST: &str = "content/checklist.yaml";
const STAFF: &str = "content/ledgers/staff.yaml";
const TAKE_OUT: &str = "content/ledgers/take_out.yaml";
const DRILLS: &str = "content/ledgers/drills.yaml";
const TRAINING_PLAN: &str = "content/documents/training-plan.md";
const SECURITY_RULES: &str = "content/documents/security-rules.md";

fn line(f: &Fixture, file: &str, needle: &str) -> u64 {
    Check::line_of(f.path(), file, needle)
}

// ---- YAML syntax ----------------------------------------------------

#[test]
fn malformed_yaml_in_a_ledger_is_a_syntax_error_at_its_line_and_nothing_else() {
    let f = Fixture::sample();
    // An unclosed quote. take_out is cited by answers 4-2 and 5-5 and
    // required by 基準5(7): none of that is reported again.
    f.edit(TAKE_OUT, "    purpose: 納品\n", "    purpose: \"納品\n");
    let check = f.check();
    let found = only(
        &check,
        "yaml.syntax",
        TAKE_OUT,
        line(&f, TAKE_OUT, "purpose: \"納品"),
    );
    assert_eq!(found.column, 14, "at the opening quote");
}

#[test]
fn a_broken_ledger_does_not_silence_the_checks_that_read_other_ledgers() {
    // take_out cannot be read; the patches missing from updates are still
    // reported (only the checks that read take_out hold their verdict).
    let p = Project::sample()
        .without_entry("updates", "UP-2026-012")
        .without_entry("updates", "UP-2026-014")
        .without_entry("updates", "UP-2026-016")
        .replace(TAKE_OUT, "    purpose: 納品\n", "    purpose: \"納品\n");
    exactly(
        &p.check(),
        &[
            (
                "yaml.syntax",
                TAKE_OUT,
                Check::line_of(p.path(), TAKE_OUT, "purpose: \"納品"),
            ),
            ("record.stale", "content/ledgers/updates.yaml", 0),
        ],
    );
}

#[test]
fn tab_indentation_is_a_syntax_error_at_the_tab_with_a_hint() {
    let f = Fixture::sample();
    f.edit(TAKE_OUT, "    carrier: S008\n", "\tcarrier: S008\n");
    let check = f.check();
    let found = only(
        &check,
        "yaml.syntax",
        TAKE_OUT,
        line(&f, TAKE_OUT, "\tcarrier: S008"),
    );
    assert_eq!(found.column, 1);
    let hint = found.hint.expect("hint");
    assert!(hint.contains("タブ"), "{hint}");
}

#[test]
fn a_broken_roster_does_not_make_every_staff_reference_unknown() {
    let f = Fixture::sample();
    f.edit(
        STAFF,
        "    roles: [総括保護管理者]\n",
        "    roles: [総括保護管理者\n",
    );
    let check = f.check();
    // Nothing about staff ids, roles, training or pledges: the roster is
    // unknown. The parser notices the unclosed bracket on the next line.
    only(
        &check,
        "yaml.syntax",
        STAFF,
        line(&f, STAFF, "roles: [総括保護管理者") + 1,
    );
}

#[test]
fn a_broken_checklist_is_not_reported_as_missing() {
    let f = Fixture::sample();
    f.edit(CHECKLIST, "answers:\n", "answers:\n\t- item: \"0\"\n");
    let check = f.check();
    let found = only(
        &check,
        "yaml.syntax",
        CHECKLIST,
        line(&f, CHECKLIST, "\t- item"),
    );
    assert!(found.hint.unwrap().contains("タブ"));
    assert!(check.of("answers.missing-file").is_empty());
}

#[test]
fn a_duplicate_key_is_reported_at_the_second_key() {
    let f = Fixture::sample();
    f.edit(
        TAKE_OUT,
        "    carrier: S008\n    approver: S001\n    approved_on: 2026-05-29\n",
        "    carrier: S008\n    approver: S001\n    carrier: S004\n    approved_on: 2026-05-29\n",
    );
    let check = f.check();
    let found = only(
        &check,
        "yaml.duplicate-key",
        TAKE_OUT,
        line(&f, TAKE_OUT, "carrier: S004"),
    );
    assert_eq!(found.column, 5);
    let first = line(&f, TAKE_OUT, "carrier: S008");
    assert!(
        found
            .en
            .contains(&format!("'carrier' (first at line {first})")),
        "{}",
        found.en
    );
}

#[test]
fn a_duplicate_key_in_an_answer_is_reported_at_the_second_key() {
    let f = Fixture::sample();
    f.edit(
        CHECKLIST,
        "  - item: \"5-9\"\n    answer: はい\n",
        "  - item: \"5-9\"\n    answer: はい\n    answer: いいえ\n",
    );
    let check = f.check();
    only(
        &check,
        "yaml.duplicate-key",
        CHECKLIST,
        support::nth_line(f.path(), CHECKLIST, "answer: いいえ", 2),
    );
}

// ---- front matter ---------------------------------------------------

#[test]
fn front_matter_never_closed_is_reported_and_nothing_about_the_document() {
    let f = Fixture::sample();
    // training-plan is cited by answer 1, linked from two documents and
    // the only plan satisfying 基準3(3): none of that is reported again.
    f.edit(
        TRAINING_PLAN,
        "    section: annual-plan\n---\n",
        "    section: annual-plan\n",
    );
    let check = f.check();
    only(&check, "frontmatter.unclosed", TRAINING_PLAN, 1);
}

#[test]
fn a_document_without_front_matter_is_reported_at_its_first_line() {
    let f = Fixture::sample();
    f.write("content/documents/memo.md", "# 引継ぎメモ\n\n本文\n");
    let check = f.check();
    only(
        &check,
        "frontmatter.missing",
        "content/documents/memo.md",
        1,
    );
}

#[test]
fn front_matter_removed_from_a_cited_document_is_one_finding() {
    let f = Fixture::sample();
    let text = std::fs::read_to_string(f.path().join(SECURITY_RULES)).unwrap();
    let body = text.splitn(3, "---\n").nth(2).unwrap();
    f.write(SECURITY_RULES, body);
    let check = f.check();
    only(&check, "frontmatter.missing", SECURITY_RULES, 1);
}

#[test]
fn an_unknown_front_matter_key_suggests_the_right_one() {
    let f = Fixture::sample();
    f.edit(
        TRAINING_PLAN,
        "review_by: 2027-03-31",
        "reviw_by: 2027-03-31",
    );
    let check = f.check();
    let found = only(
        &check,
        "yaml.unknown-field",
        TRAINING_PLAN,
        line(&f, TRAINING_PLAN, "reviw_by:"),
    );
    assert_eq!(found.column, 1, "at the key");
    let hint = found.hint.expect("did-you-mean");
    assert!(hint.contains("review_by"), "{hint}");
}

#[test]
fn a_version_like_1_10_is_kept_as_text() {
    // Unquoted, 1.10 would be the number 1.1 to a YAML library: anzen keeps
    // the text and the string field accepts it.
    let f = Fixture::sample();
    f.edit(TRAINING_PLAN, "version: \"2026.1\"", "version: 1.10");
    let check = f.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    assert!(check.findings().is_empty(), "{:#?}", check.findings());
}

// ---- values ---------------------------------------------------------

#[test]
fn a_wrong_type_is_an_invalid_value_at_the_value() {
    let f = Fixture::sample();
    f.edit(
        STAFF,
        "    designated: false\n",
        "    designated: \"maybe\"\n",
    );
    let check = f.check();
    let found = only(
        &check,
        "yaml.invalid-value",
        STAFF,
        line(&f, STAFF, "designated: \"maybe\""),
    );
    assert_eq!(found.column, 17);
    assert!(found.ja.contains("true"), "{}", found.ja);
}

#[test]
fn a_list_where_one_value_is_expected_is_an_invalid_value() {
    let f = Fixture::sample();
    f.edit(
        TAKE_OUT,
        "    approver: S003\n",
        "    approver: [S003, S001]\n",
    );
    let check = f.check();
    exactly(
        &check,
        &[
            (
                "yaml.invalid-value",
                TAKE_OUT,
                line(&f, TAKE_OUT, "approver: [S003, S001]"),
            ),
            // The value is dropped, so 基準5(7) finds no approver either.
            (
                "record.field-missing",
                TAKE_OUT,
                line(&f, TAKE_OUT, "  - id: TO-2026-005"),
            ),
        ],
    );
}

#[test]
fn an_unknown_ledger_field_suggests_the_right_one() {
    let f = Fixture::sample();
    f.edit(TAKE_OUT, "    approver: S003\n", "    aprover: S003\n");
    let check = f.check();
    let entry = line(&f, TAKE_OUT, "  - id: TO-2026-005");
    let found = exactly(
        &check,
        &[
            (
                "yaml.unknown-field",
                TAKE_OUT,
                line(&f, TAKE_OUT, "aprover:"),
            ),
            // The record then has no approver, which 基準5(7) requires.
            ("record.field-missing", TAKE_OUT, entry),
        ],
    );
    assert_eq!(found[0].column, 5, "at the key");
    let hint = found[0].hint.clone().expect("did-you-mean");
    assert!(hint.contains("approver"), "{hint}");
}

#[test]
fn an_impossible_date_is_an_invalid_value() {
    let f = Fixture::sample();
    f.edit(TAKE_OUT, "    date: 2026-06-26\n", "    date: 2026-02-30\n");
    let check = f.check();
    let found = only(
        &check,
        "yaml.invalid-value",
        TAKE_OUT,
        line(&f, TAKE_OUT, "date: 2026-02-30"),
    );
    assert_eq!(found.column, 11);
    assert!(found.en.contains("2026-02-30"), "{}", found.en);
    assert!(found.ja.contains("存在しない日付"), "{}", found.ja);
}

#[test]
fn a_japanese_era_date_suggests_the_iso_date() {
    let f = Fixture::sample();
    f.edit(
        STAFF,
        "    joined: 2026-04-01\n  - id: S002",
        "    joined: 令和8年4月1日\n  - id: S002",
    );
    let check = f.check();
    let found = only(
        &check,
        "yaml.invalid-value",
        STAFF,
        line(&f, STAFF, "令和8年4月1日"),
    );
    assert!(found.ja.contains("2026-04-01"), "{}", found.ja);
    assert!(found.en.contains("2026-04-01"), "{}", found.en);
}

#[test]
fn a_japanese_era_date_in_the_config_suggests_the_iso_date() {
    let f = Fixture::sample();
    f.edit(
        "anzen.yaml",
        "work_start: 2026-04-01",
        "work_start: 令和8年4月1日",
    );
    let check = f.check();
    let found = only(
        &check,
        "yaml.invalid-value",
        "anzen.yaml",
        line(&f, "anzen.yaml", "work_start:"),
    );
    assert!(found.en.contains("2026-04-01"), "{}", found.en);
}

#[test]
fn an_unknown_config_key_suggests_the_right_one() {
    let f = Fixture::sample();
    f.edit("anzen.yaml", "as_of: 2026-11-20", "as_off: 2026-11-20");
    let check = f.check();
    let found = only(
        &check,
        "yaml.unknown-field",
        "anzen.yaml",
        line(&f, "anzen.yaml", "as_off:"),
    );
    assert!(found.hint.unwrap().contains("as_of"));
}

// ---- files ----------------------------------------------------------

#[test]
fn a_file_that_is_not_utf8_is_unreadable_at_the_bad_line() {
    let f = Fixture::sample();
    let text = std::fs::read_to_string(f.path().join(DRILLS)).unwrap();
    let bad_line = text
        .lines()
        .position(|l| l.contains("事故対応訓練"))
        .unwrap() as u64
        + 1;
    // 事故対応訓練 as Shift_JIS bytes.
    let bytes = text.replacen("事故対応訓練", "\u{0}", 1).into_bytes();
    let mut out = Vec::new();
    for b in bytes {
        if b == 0 {
            out.extend_from_slice(&[0x8E, 0x96, 0x8C, 0xCC, 0x91, 0xCE, 0x89, 0x9E]);
        } else {
            out.push(b);
        }
    }
    f.write_bytes(DRILLS, &out);
    // drills is cited by answer 6-2 and required by 基準6: not reported again.
    let check = f.check();
    let found = only(&check, "file.unreadable", DRILLS, bad_line);
    assert!(found.hint.unwrap().contains("UTF-8"));
}

#[test]
fn a_ledger_of_unknown_kind_suggests_the_closest_kind() {
    let f = Fixture::sample();
    f.edit(DRILLS, "kind: drills", "kind: drils");
    let check = f.check();
    let found = only(&check, "ledger.unknown-kind", DRILLS, 1);
    assert_eq!(found.column, 7, "at the value");
    assert!(found.hint.unwrap().contains("drills"));
}

#[test]
fn a_roster_of_unknown_kind_is_one_finding() {
    let f = Fixture::sample();
    f.edit(STAFF, "kind: staff", "kind: staf");
    let check = f.check();
    let found = only(&check, "ledger.unknown-kind", STAFF, 1);
    assert!(found.hint.unwrap().contains("staff"));
}

#[test]
fn two_entries_with_one_id_are_reported_at_the_second() {
    let f = Fixture::sample();
    f.edit(TAKE_OUT, "  - id: TO-2026-006\n", "  - id: TO-2026-005\n");
    let check = f.check();
    let second = support::nth_line(f.path(), TAKE_OUT, "  - id: TO-2026-005", 2);
    let found = only(&check, "ledger.duplicate-entry", TAKE_OUT, second);
    let first = support::nth_line(f.path(), TAKE_OUT, "  - id: TO-2026-005", 1);
    assert!(found.en.contains(&format!("line {first}")), "{}", found.en);
}

#[test]
fn a_required_ledger_field_missing_is_reported_at_the_entry() {
    let f = Fixture::sample();
    f.edit(
        TAKE_OUT,
        "    purpose: 原本の返却\n    carrier: S008\n",
        "    carrier: S008\n",
    );
    let check = f.check();
    let found = only(
        &check,
        "yaml.missing-field",
        TAKE_OUT,
        line(&f, TAKE_OUT, "  - id: TO-2026-002"),
    );
    assert!(found.en.contains("purpose"), "{}", found.en);
}

#[test]
fn a_stray_yaml_file_is_a_warning() {
    let f = Fixture::sample();
    f.write("content/staff.yaml", "kind: staff\nentries: []\n");
    let check = f.check();
    assert_eq!(check.code, 0);
    let w = &check.of("content.stray-file")[0];
    assert_eq!(w.file, "content/staff.yaml");
    assert_eq!(w.severity, "warning");
}

#[test]
fn crlf_line_endings_and_a_bom_are_read_as_usual() {
    let f = Fixture::sample();
    for rel in [CHECKLIST, STAFF, TRAINING_PLAN] {
        let text = std::fs::read_to_string(f.path().join(rel)).unwrap();
        f.write(rel, &format!("\u{feff}{}", text.replace('\n', "\r\n")));
    }
    let check = f.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    assert!(check.findings().is_empty());
    // Lines are still counted right: break one answer.
    f.edit(
        CHECKLIST,
        "  - item: \"5-8\"\r\n    answer: 該当無",
        "  - item: \"5-8\"\r\n    answer: maybe",
    );
    let check = f.check();
    only(
        &check,
        "yaml.invalid-value",
        CHECKLIST,
        line(&f, CHECKLIST, "answer: maybe"),
    );
}

// ---- standalone fixtures --------------------------------------------

#[test]
fn an_empty_project_reports_what_is_missing_without_panicking() {
    let f = Fixture::named("empty-content");
    let check = f.check();
    assert_eq!(check.code, 1);
    let found = check.expect("answers.missing-file", CHECKLIST, 0);
    assert_eq!(found.severity, "error");
    let uncovered: Vec<String> = check
        .of("requirement.uncovered")
        .into_iter()
        .filter_map(|f| f.requirement)
        .collect();
    for req in ["S1", "S1(3)", "S2", "S3(3)", "S5(6)", "S6(3)", "S9"] {
        assert!(uncovered.iter().any(|r| r == req), "{req} in {uncovered:?}");
    }
    let missing: Vec<String> = check
        .of("ledger.missing")
        .into_iter()
        .map(|f| f.en)
        .collect();
    for kind in ["staff", "entry_exit", "take_out", "drills", "exchanges"] {
        assert!(
            missing.iter().any(|m| m.contains(&format!("kind: {kind}"))),
            "{kind} in {missing:?}"
        );
    }
    assert_eq!(check.of("monthly.missing").len(), 7, "April to October");
    check.expect("certificate.missing", "", 0);
    // Nothing is answered, so nothing is reported per answer.
    assert!(check.of("answer.missing").is_empty());
    assert_eq!(
        check.json["summary"]["errors"].as_u64().unwrap(),
        support::errors(&check).len() as u64
    );
}

#[test]
fn an_empty_project_also_reads_in_human_form() {
    let f = Fixture::named("empty-content");
    let run = f.run(&["--lang", "en", "check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("answers.missing-file"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn every_broken_file_is_reported_once_at_its_line_and_nothing_else() {
    let f = Fixture::named("broken-yaml");
    // And one more, not UTF-8 (kept out of git as a binary).
    f.write_bytes(
        "content/ledgers/training.yaml",
        b"kind: training\nentries:\n  - id: TR-01\n    topic: \x8c\xa4\x8f\x43\n",
    );
    let check = f.check();
    let docs = "content/documents";
    let ledgers = "content/ledgers";
    let found = exactly(
        &check,
        &[
            ("yaml.syntax", CHECKLIST, line(&f, CHECKLIST, "\t")),
            (
                "frontmatter.unclosed",
                &format!("{docs}/basic-policy.md"),
                1,
            ),
            (
                "frontmatter.missing",
                &format!("{docs}/security-rules.md"),
                1,
            ),
            (
                "yaml.unknown-field",
                &format!("{docs}/handling-procedure.md"),
                line(&f, &format!("{docs}/handling-procedure.md"), "reviw_by"),
            ),
            ("ledger.unknown-kind", &format!("{ledgers}/drills.yaml"), 1),
            (
                "yaml.duplicate-key",
                &format!("{ledgers}/pledges.yaml"),
                support::nth_line(f.path(), &format!("{ledgers}/pledges.yaml"), "staff:", 3),
            ),
            (
                "yaml.invalid-value",
                &format!("{ledgers}/pledges.yaml"),
                line(&f, &format!("{ledgers}/pledges.yaml"), "2026-02-30"),
            ),
            (
                "yaml.syntax",
                &format!("{ledgers}/staff.yaml"),
                line(&f, &format!("{ledgers}/staff.yaml"), "designated: true"),
            ),
            ("file.unreadable", &format!("{ledgers}/training.yaml"), 4),
        ],
    );
    assert!(found[0].hint.clone().unwrap().contains("タブ"));
    assert!(found[3].hint.clone().unwrap().contains("review_by"));
    assert!(found[4].hint.clone().unwrap().contains("drills"));
}
