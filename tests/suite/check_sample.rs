//! The sample vendor in `content/` passes `anzen check` with no finding,
//! in both output formats and both languages.

use crate::common::{Fixture, repo, run_anzen};

#[test]
fn sample_passes_with_no_finding() {
    let check = Fixture::sample().check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    assert!(check.findings().is_empty(), "{:#?}", check.findings());
    assert_eq!(check.json["summary"]["errors"], 0);
    assert_eq!(check.json["as_of"], "2026-11-20");
}

#[test]
fn human_output_ends_with_a_summary_in_japanese_by_default() {
    let run = run_anzen(&repo(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("問題は見つかりませんでした"),
        "{}",
        run.stdout
    );
    let en = run_anzen(&repo(), &["--lang", "en", "check"]);
    assert!(
        en.stdout.contains(
            "no findings (as of 2026-11-20, as_of in anzen.yaml; checked as work in progress)"
        ),
        "{}",
        en.stdout
    );
}

#[test]
fn as_of_flag_overrides_the_config_and_findings_appear() {
    // Two years on, training, reports and reviews are all overdue.
    let run = run_anzen(
        &repo(),
        &["--as-of", "2028-02-01", "check", "--format", "json"],
    );
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["as_of"], "2028-02-01");
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "training.stale",
        "monthly.missing",
        "document.review-overdue",
        "record.stale",
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
}

#[test]
fn a_missing_config_is_a_usage_failure_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_anzen(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("anzen.yaml"), "{}", run.stderr);
}

#[test]
fn bad_as_of_date_is_a_usage_error() {
    let run = run_anzen(&repo(), &["--as-of", "2026-02-30", "check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("2026-02-30"), "{}", run.stderr);
}
