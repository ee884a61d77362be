//! The command line as a whole: every defect reported in one run, the JSON
//! report's shape, `anzen standard` and `anzen explain`.

use std::collections::BTreeSet;

use crate::common::{Check, Fixture, repo, run_anzen};
use crate::support::exactly;
use serde_json::Value;

#[test]
fn every_defect_in_every_file_is_reported_in_one_run() {
    let f = Fixture::sample();
    let checklist = "content/checklist.yaml";
    let staff = "content/ledgers/staff.yaml";
    let take_out = "content/ledgers/take_out.yaml";
    let entry_exit = "content/ledgers/entry_exit.yaml";
    let monthly = "content/ledgers/monthly_reports.yaml";
    let certs = "content/ledgers/certifications.yaml";
    let drills = "content/ledgers/drills.yaml";
    let work_rules = "content/documents/work-rules.md";
    let plan = "content/documents/training-plan.md";
    f.edit(
        checklist,
        "    reason: 無線LANを設置・使用していない。業務LAN・事務LANとも有線のみで構成し、端末の無線LAN機能は無効化している（情報システム運用規程 第5条）。\n",
        "",
    )
    .edit(
        staff,
        "    dispatch_agreement: evidence/dispatch/架空スタッフサービス_機密保持契約書.pdf\n",
        "",
    )
    .edit(take_out, "    approver: S003\n", "")
    .edit(entry_exit, "  years: 5", "  years: 3")
    .edit(
        monthly,
        "  - id: MR-2026-07\n    month: \"2026-07\"\n",
        "  - id: MR-2026-07\n    month: \"2026-08\"\n",
    )
    .edit(
        certs,
        "standard: \"ISO/IEC 27001:2022\"",
        "standard: \"ISO/IEC 27001:2013\"",
    )
    .edit(drills, "    participants: [S001, S002, S003, S004, S010]\n", "    participants: [S001, S002, S003, S004, S010\n")
    .edit(work_rules, "review_by: 2027-03-31", "review_by: 2026-10-31")
    .edit(
        plan,
        "](handling-procedure#lifecycle)",
        "](handling-procedure#life-cycle)",
    );
    let check = f.check();
    let l = |file: &str, needle: &str| Check::line_of(f.path(), file, needle);
    let found = exactly(
        &check,
        &[
            (
                "answer.na-without-reason",
                checklist,
                l(checklist, "- item: \"5-8\"") + 1,
            ),
            ("dispatch.no-agreement", staff, l(staff, "  - id: S007")),
            (
                "record.field-missing",
                take_out,
                l(take_out, "  - id: TO-2026-005"),
            ),
            ("retention.short", entry_exit, l(entry_exit, "retention:")),
            ("monthly.missing", monthly, 0),
            // MR-2026-07 now reports August twice; July is missing.
            (
                "certificate.superseded",
                certs,
                l(certs, "ISO/IEC 27001:2013"),
            ),
            (
                "yaml.syntax",
                drills,
                l(drills, "participants: [S001, S002, S003, S004, S010") + 1,
            ),
            (
                "document.review-overdue",
                work_rules,
                l(work_rules, "review_by:"),
            ),
            (
                "link.unresolved",
                plan,
                l(plan, "handling-procedure#life-cycle"),
            ),
        ],
    );
    assert!(found[4].en.contains("2026-07"), "{}", found[4].en);
    assert_eq!(check.json["summary"]["errors"], 9);
    // Sorted by file, then line.
    let order: Vec<(String, u64)> = check
        .findings()
        .iter()
        .map(|f| (f.file.clone(), f.line))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[test]
fn check_json_has_the_documented_shape() {
    let f = Fixture::sample();
    // One finding with a place, item and hint; one without a place.
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-9\"\n    answer: はい\n    evidence:\n      - system-operation-rules#email\n",
        "  - item: \"5-9\"\n    answer: はい\n",
    );
    f.edit(
        "content/documents/security-rules.md",
        "  - requirement: S1(3)\n    section: physical\n",
        "",
    );
    let check = f.check();
    let json = &check.json;
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "tool_version",
            "as_of",
            "as_of_source",
            "phase",
            "standard",
            "summary",
            "findings"
        ])
    );
    assert_eq!(json["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["as_of"], "2026-11-20");
    assert_eq!(json["standard"], "municipal-standard");
    assert_eq!(
        json["summary"],
        serde_json::json!({"errors": 2, "warnings": 0})
    );
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    for f in findings {
        assert!(f["rule"].is_string());
        assert!(f["severity"] == "error" || f["severity"] == "warning");
        assert!(!f["message"]["ja"].as_str().unwrap().is_empty());
        assert!(!f["message"]["en"].as_str().unwrap().is_empty());
        assert!(f.get("location").is_some(), "location is always present");
    }
    let yes = findings
        .iter()
        .find(|f| f["rule"] == "answer.yes-without-evidence")
        .unwrap();
    let at = Check::line_of(f.path(), "content/checklist.yaml", "- item: \"5-9\"") + 1;
    assert_eq!(
        yes["location"],
        serde_json::json!({"file": "content/checklist.yaml", "line": at, "column": 13})
    );
    assert_eq!(yes["item"], "5-9");
    assert!(yes.get("requirement").is_none(), "absent, not null");
    assert!(yes["hint"]["ja"].is_string() && yes["hint"]["en"].is_string());
    let uncovered = findings
        .iter()
        .find(|f| f["rule"] == "requirement.uncovered")
        .unwrap();
    assert_eq!(
        uncovered["location"]["file"],
        "content/documents/security-rules.md"
    );
    assert_eq!(uncovered["requirement"], "S1(3)");
    assert!(uncovered.get("item").is_none());
}

#[test]
fn the_human_report_shows_rule_location_and_hint() {
    let f = Fixture::sample();
    f.edit(
        "content/ledgers/take_out.yaml",
        "    approver: S003\n",
        "    aprover: S003\n",
    );
    let run = f.run(&["--lang", "en", "check"]);
    assert_eq!(run.code, 1);
    let at = Check::line_of(f.path(), "content/ledgers/take_out.yaml", "aprover:");
    assert!(
        run.stdout.contains(&format!(
            "content/ledgers/take_out.yaml:{at}:5: error[yaml.unknown-field]"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("did you mean 'approver'?"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2 error(s), 0 warning(s)"),
        "{}",
        run.stdout
    );
}

#[test]
fn standard_json_lists_31_items_and_every_requirement() {
    let run = run_anzen(&repo(), &["standard", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["id"], "municipal-standard");
    let items = json["checklist"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 31);
    let item_ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(item_ids[0], "1");
    assert!(item_ids.contains(&"2-8") && item_ids.contains(&"5-12"));
    assert_eq!(item_ids[30], "6-2");
    for i in items {
        assert!(!i["text"].as_str().unwrap().is_empty());
        assert!(
            !i["requirements"].as_array().unwrap().is_empty(),
            "{}",
            i["id"]
        );
    }
    let req_ids: BTreeSet<String> = json["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let mut expected: BTreeSet<String> = [
        "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S1.1",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for (parent, n) in [(1, 4), (3, 4), (4, 5), (5, 12), (6, 3)] {
        for i in 1..=n {
            expected.insert(format!("S{parent}({i})"));
        }
    }
    assert_eq!(req_ids, expected);
    // Every requirement an item names exists.
    for i in items {
        for r in i["requirements"].as_array().unwrap() {
            assert!(req_ids.contains(r.as_str().unwrap()), "{r}");
        }
    }
}

#[test]
fn explain_a_checklist_item() {
    let run = run_anzen(&repo(), &["explain", "2-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("個人情報保護責任者、個人情報保護担当者は任命されていますか")
    );
    assert!(
        run.stdout.contains("[S2]"),
        "with its requirement: {}",
        run.stdout
    );
}

#[test]
fn explain_a_requirement() {
    let run = run_anzen(&repo(), &["explain", "S5(6)"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("契約期間終了後、1年以上保管していること")
    );
    assert!(
        run.stdout.contains("access_logs"),
        "its checks: {}",
        run.stdout
    );
    assert!(run.stdout.contains("5-11"), "its items: {}", run.stdout);
}

#[test]
fn explain_a_rule() {
    let run = run_anzen(&repo(), &["explain", "training.stale"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("training.stale"));
    assert!(run.stdout.contains("12か月"), "{}", run.stdout);
    assert!(
        run.stdout.contains("基準3(3)"),
        "its source: {}",
        run.stdout
    );
    let en = run_anzen(&repo(), &["--lang", "en", "explain", "training.stale"]);
    assert!(en.stdout.contains("older than 12 months"), "{}", en.stdout);
}

#[test]
fn explain_a_ledger_kind() {
    let run = run_anzen(&repo(), &["explain", "take_out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("持出し記録"));
    for field in ["carrier", "approver", "protection"] {
        assert!(run.stdout.contains(field), "{field}: {}", run.stdout);
    }
}

#[test]
fn explain_something_unknown_is_a_usage_error() {
    let run = run_anzen(&repo(), &["explain", "nosuch"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("nosuch"), "{}", run.stderr);
    let close = run_anzen(&repo(), &["explain", "traning.stale"]);
    assert_eq!(close.code, 2);
    assert!(
        close.stderr.contains("training.stale"),
        "did you mean: {}",
        close.stderr
    );
}

#[test]
fn explain_reads_a_requirement_id_in_full_width_url_and_bare_forms() {
    let want = run_anzen(&repo(), &["explain", "S5(6)"]);
    assert_eq!(want.code, 0, "{}", want.stderr);
    assert!(want.stdout.starts_with("[S5(6)]"), "{}", want.stdout);
    for typed in ["S5（6）", "S5-6", "5(6)", "Ｓ５（６）"] {
        let run = run_anzen(&repo(), &["explain", typed]);
        assert_eq!(run.code, 0, "{typed}: {}", run.stderr);
        assert_eq!(run.stdout, want.stdout, "{typed}");
    }
}

#[test]
fn did_you_mean_is_offered_only_for_a_close_match() {
    let far = run_anzen(&repo(), &["explain", "stuff.unrelated"]);
    assert_eq!(far.code, 2);
    assert!(
        !far.stderr.contains("誤りではありませんか"),
        "{}",
        far.stderr
    );
}
