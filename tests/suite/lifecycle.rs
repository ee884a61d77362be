//! The contract's phases and time (issue 14): the package a vendor submits
//! before work starts passes and packages; records dated after the as-of
//! date are errors; after the contract ends every asset must be accounted
//! for; the as-of date follows the commit; a placeholder package fails;
//! `anzen due` lists what falls due and exports a calendar; `diff` sees
//! weakened evidence.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::common::Fixture;

/// Dates that mark when a record happened, by ledger kind (the kinds'
/// non-`planned` date fields).
fn event_dates(kind: &str) -> Vec<String> {
    let kinds = anzen::standard::LedgerKinds::bundled();
    kinds
        .get(kind)
        .map(|k| {
            k.fields
                .iter()
                .filter(|f| {
                    matches!(
                        f.ty,
                        anzen::standard::FieldType::Date | anzen::standard::FieldType::Month
                    ) && !f.planned
                })
                .map(|f| f.name.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// The sample as it stood on `day`: as_of pinned there, every ledger
/// record dated later removed (the roster kept), and answers' references
/// to removed records dropped.
fn sample_as_of(day: &str) -> Fixture {
    let f = Fixture::sample();
    f.edit("anzen.yaml", "as_of: 2026-11-20", &format!("as_of: {day}"));
    let month = &day[..7];
    let mut removed = BTreeSet::new();
    for entry in std::fs::read_dir(f.path().join("content/ledgers")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let mut doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let kind = doc["kind"].as_str().unwrap().to_string();
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        let dates = event_dates(&kind);
        let Some(entries) = doc["entries"].as_sequence_mut() else {
            continue;
        };
        entries.retain(|e| {
            let later = dates.iter().any(|d| {
                e[d.as_str()]
                    .as_str()
                    .is_some_and(|v| if v.len() == 7 { v >= month } else { v > day })
            });
            if later {
                removed.insert(format!("{id}#{}", e["id"].as_str().unwrap()));
            }
            !later
        });
        std::fs::write(&path, serde_yaml::to_string(&doc).unwrap()).unwrap();
    }
    let answers = f.path().join("content/checklist.yaml");
    let text = std::fs::read_to_string(&answers).unwrap();
    let kept: String = text
        .lines()
        .filter(|l| !removed.contains(l.trim().trim_start_matches("- ")))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&answers, kept).unwrap();
    f
}

#[test]
fn the_sample_as_it_stood_before_work_passes_and_packages_without_allow_findings() {
    let f = sample_as_of("2026-03-30");
    let check = f.check();
    assert_eq!(
        check.code,
        0,
        "findings: {:#?}",
        check
            .findings()
            .iter()
            .map(|x| format!("{} {}:{} {}", x.rule, x.file, x.line, x.ja))
            .collect::<Vec<_>>()
    );
    let human = f.run(&["check"]);
    assert!(
        human.stdout.contains("業務着手前として検査"),
        "{}",
        human.stdout
    );
    let out = tempfile::tempdir().unwrap();
    let run = f.run(&["build", "--no-pdf", "--out", out.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("提出用 zip"), "{}", run.stdout);
    let dashboard = std::fs::read_to_string(out.path().join("site/index.html")).unwrap();
    assert!(
        dashboard.contains("着手前として検査"),
        "the dashboard says which phase"
    );
    let ledgers = std::fs::read_to_string(out.path().join("site/ledgers.html")).unwrap();
    assert!(
        ledgers.contains("記録前"),
        "an empty ledger before work reads 記録前"
    );
}

#[test]
fn before_work_the_roster_counts_staff_who_start_with_the_work() {
    // The day before work starts nobody has joined yet: they still count.
    let f = sample_as_of("2026-03-31");
    assert_eq!(f.check().of("staff.none-designated").len(), 0);
    // Once work runs, operational records are asked for.
    let f = sample_as_of("2026-04-03");
    let check = f.check();
    let missing: Vec<String> = check
        .of("ledger.missing")
        .iter()
        .map(|x| x.ja.clone())
        .collect();
    assert!(
        !missing.is_empty(),
        "in progress, empty operational ledgers are findings"
    );
    assert!(
        missing.iter().any(|m| m.contains("入退室記録")),
        "{missing:?}"
    );
}

#[test]
fn a_record_dated_after_the_as_of_date_is_an_error_not_ignored() {
    let f = Fixture::sample();
    f.edit("anzen.yaml", "as_of: 2026-11-20", "as_of: 2026-10-01");
    let check = f.check();
    let future = check.of("record.future");
    let line = crate::common::Check::line_of(
        f.path(),
        "content/ledgers/training.yaml",
        "date: 2026-10-16",
    );
    assert!(
        future
            .iter()
            .any(|x| x.file == "content/ledgers/training.yaml" && x.line == line),
        "{future:#?}"
    );
    // Planned dates (an expiry, a disposal due, a joining date) may lie ahead.
    assert!(
        future
            .iter()
            .all(|x| !x.ja.contains("有効期限") && !x.ja.contains("予定"))
    );
}

#[test]
fn a_month_that_has_not_ended_gets_no_report() {
    let f = Fixture::sample();
    let run = f.run(&["report", "monthly", "--month", "2026-11", "--no-pdf"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("まだ終わっていません"),
        "{}",
        run.stderr
    );
    let run = f.run(&[
        "--lang", "en", "report", "monthly", "--month", "2027-06", "--no-pdf",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("outside the contract period"),
        "{}",
        run.stderr
    );
}

#[test]
fn after_the_contract_ends_every_asset_must_be_returned_or_disposed() {
    let f = Fixture::sample();
    f.edit("anzen.yaml", "as_of: 2026-11-20", "as_of: 2027-05-01");
    let check = f.check();
    let open: Vec<String> = check
        .of("asset.not-closed")
        .iter()
        .map(|x| x.en.clone())
        .collect();
    assert_eq!(open.len(), 4, "{open:?}");
    assert!(open.iter().any(|m| m.contains("AS-002")));
    // While the work runs, assets in use are fine; a returned one needs its
    // date and evidence.
    let f = Fixture::sample();
    f.edit(
        "content/ledgers/assets.yaml",
        "    closed_evidence: exchanges#EX-2026-005\n",
        "",
    );
    let check = f.check();
    assert_eq!(check.of("asset.not-closed").len(), 0);
    let missing = check.of("record.field-missing");
    assert!(
        missing.iter().any(|x| x.en.contains("AS-001")),
        "{missing:?}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .env("GIT_COMMITTER_DATE", "2026-12-01T10:00:00+09:00")
        .env("GIT_AUTHOR_DATE", "2026-12-01T10:00:00+09:00")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn without_a_pinned_date_the_as_of_date_is_the_commit_date_of_a_clean_tree_and_today_otherwise() {
    let f = Fixture::sample();
    f.edit("anzen.yaml", "as_of: 2026-11-20", "");
    git(f.path(), &["init", "-q"]);
    git(f.path(), &["add", "-A"]);
    git(f.path(), &["commit", "-q", "-m", "sample"]);
    let run = f.run(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["as_of"], "2026-12-01", "the commit date");
    assert_eq!(json["as_of_source"]["from"], "commit");
    let human = f.run(&["check"]);
    assert!(human.stdout.contains("のコミット日"), "{}", human.stdout);
    // Two checks of one commit agree, whatever the day.
    let again = f.run(&["check", "--format", "json"]);
    assert_eq!(run.stdout, again.stdout);
    // An uncommitted change: today.
    f.edit("content/documents/basic-policy.md", "# ", "# 改 ");
    let run = f.run(&["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["as_of_source"]["from"], "today");
    assert_eq!(json["as_of"], chrono::Local::now().date_naive().to_string());
}

#[test]
fn a_scaffold_filled_with_placeholders_fails_with_its_own_rules_and_packages_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    let run = crate::common::run_anzen(dir.path(), &["init", root.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Approvals and example records uncommented, every 〇〇 and fill-in
    // line left, 9-byte text files named .pdf as evidence.
    for entry in walkdir::WalkDir::new(root.join("content/documents")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let text = text
                .replace(
                    "# approval:\n#   approver: 代表取締役 〇〇 〇〇\n#   date: YYYY-MM-DD",
                    "approval:\n  approver: 代表取締役 〇〇 〇〇\n  date: 2026-01-05",
                )
                .replace("# review_by: YYYY-MM-DD", "review_by: 2027-01-05");
            std::fs::write(entry.path(), text).unwrap();
        }
    }
    std::fs::create_dir_all(root.join("content/evidence")).unwrap();
    std::fs::write(root.join("content/evidence/署名簿.pdf"), "not a pdf").unwrap();
    let f_check = crate::common::run_anzen(&root, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&f_check.stdout).unwrap();
    let rules: BTreeSet<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap().to_string())
        .collect();
    for rule in [
        "content.placeholder",
        "document.section-empty",
        "evidence.type-mismatch",
    ] {
        assert!(rules.contains(rule), "{rule} missing from {rules:?}");
    }
    assert!(
        !rules.contains("document.unapproved"),
        "the approvals were uncommented"
    );
    let run = crate::common::run_anzen(&root, &["build", "--no-pdf"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let zips: Vec<_> = std::fs::read_dir(root.join("output"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "zip"))
        .collect();
    assert!(zips.is_empty(), "no zip of a placeholder package");
}

#[test]
fn not_applicable_needs_a_reason_that_says_something_and_no_evidence() {
    let f = Fixture::sample();
    let text = std::fs::read_to_string(f.path().join("content/checklist.yaml")).unwrap();
    let text: String = text
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("reason: 無線LAN") {
                "    reason: 特になし\n    evidence: [security-rules]\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    f.write("content/checklist.yaml", &text);
    let check = f.check();
    assert_eq!(check.of("answer.na-reason-empty").len(), 1);
    assert_eq!(check.of("answer.na-with-evidence").len(), 1);
    // The minimum is the config's: both real reasons are under 200 characters.
    let f = Fixture::sample();
    let config = std::fs::read_to_string(f.path().join("anzen.yaml")).unwrap();
    f.write(
        "anzen.yaml",
        &format!("{config}check:\n  na_reason_min_chars: 200\n"),
    );
    assert_eq!(
        f.check().of("answer.na-reason-empty").len(),
        2,
        "both 該当無 reasons are under 200 characters"
    );
}

#[test]
fn evidence_that_is_empty_mislabelled_or_a_copy_of_another_records_file_is_an_error() {
    let f = Fixture::sample();
    f.write_bytes("content/evidence/pledges/誓約書_S001.pdf", b"");
    let bytes = std::fs::read(f.path().join("content/evidence/pledges/誓約書_S003.pdf")).unwrap();
    f.write_bytes("content/evidence/pledges/誓約書_S002.pdf", &bytes);
    f.write_bytes(
        "content/evidence/training/2026-03-27_研修受講者署名簿.pdf",
        b"\x89PNG\r\n\x1a\nxxxx",
    );
    let check = f.check();
    assert_eq!(check.of("evidence.empty").len(), 1);
    let copy = check.of("evidence.copy");
    assert_eq!(copy.len(), 1, "{copy:?}");
    assert!(
        copy[0].ja.contains("PL-S002") || copy[0].ja.contains("PL-S003"),
        "{}",
        copy[0].ja
    );
    assert_eq!(check.of("evidence.type-mismatch").len(), 1);
}

#[test]
fn due_lists_what_falls_due_and_exports_a_calendar_a_real_parser_reads() {
    let f = Fixture::sample();
    let run = f.run(&["due", "--within", "6m"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("2026-12-10"),
        "the November report: {}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2027-03-31"),
        "the contract end and review dates"
    );
    let json = f.run(&["due", "--within", "1y", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let kinds: BTreeSet<&str> = v["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    for k in [
        "monthly_report",
        "review",
        "training",
        "periodic_record",
        "contract_end",
    ] {
        assert!(kinds.contains(k), "{k} not in {kinds:?}");
    }
    let ics = f.run(&["due", "--within", "1y", "--format", "ics"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("due.ics");
    std::fs::write(&file, &ics.stdout).unwrap();
    let count = v["due"].as_array().unwrap().len();
    let script = r#"
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
events = [c for c in cal.walk('VEVENT')]
print(len(events))
for e in events:
    assert e.get('DTSTART').dt, e
    assert str(e.get('SUMMARY'))
for e in events:
    print(str(e.get('SUMMARY')))
"#;
    let py = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .expect("python3");
    assert!(
        py.status.success(),
        "icalendar (scripts/setup installs it): {}",
        String::from_utf8_lossy(&py.stderr)
    );
    let out = String::from_utf8_lossy(&py.stdout);
    assert_eq!(out.lines().next().unwrap().trim(), count.to_string());
    assert!(out.contains("個人情報取扱状況報告書"), "{out}");
    // The same project gives the same calendar.
    assert_eq!(
        ics.stdout,
        f.run(&["due", "--within", "1y", "--format", "ics"]).stdout
    );
}

#[test]
fn diff_reports_weakened_evidence_even_when_no_finding_changes() {
    let f = Fixture::sample();
    git(f.path(), &["init", "-q"]);
    git(f.path(), &["add", "-A"]);
    git(f.path(), &["commit", "-q", "-m", "base"]);
    f.edit(
        "content/checklist.yaml",
        "      - security-rules#entry-exit\n",
        "",
    );
    f.edit(
        "content/documents/security-rules.md",
        "  - requirement: S4(2)\n    section: entry-exit\n",
        "",
    );
    f.edit(
        "content/checklist.yaml",
        "due: 2026-03-25",
        "due: 2026-03-31",
    );
    let md = f.run(&["diff", "HEAD"]);
    assert_eq!(md.code, 0, "{}", md.stderr);
    assert!(
        !md.stdout
            .contains("コンプライアンスに関わる変更はありません"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("security-rules#entry-exit"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("S4(2) → entry-exit"), "{}", md.stdout);
    assert!(md.stdout.contains("期限 2026-03-31"), "{}", md.stdout);
    let json = f.run(&["diff", "HEAD", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["evidence"][0]["item"], "4-3");
    assert_eq!(v["evidence"][0]["removed"][0], "security-rules#entry-exit");
    assert_eq!(v["satisfies"][0]["removed"][0], "S4(2) → entry-exit");
    assert_eq!(v["remediations"][0][0], "4-4");
}
