//! `anzen check --format github|sarif`: CI annotations and code-scanning
//! results point at the file and line of each finding.

use crate::common::{Check, Fixture};

fn broken() -> Fixture {
    let f = Fixture::sample();
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-8\"\n    answer: 該当無\n",
        "  - item: \"5-8\"\n    answer: はい\n",
    );
    f
}

#[test]
fn github_format_annotates_the_line_of_each_finding() {
    let f = broken();
    let line = Check::line_of(f.path(), "content/checklist.yaml", "item: \"5-8\"") + 1;
    let run = f.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    let expected = format!(
        "::error file=content/checklist.yaml,line={line},col=13,title=answer.yes-without-evidence::"
    );
    assert!(
        run.stdout.lines().any(|l| l.starts_with(&expected)),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("%0A"),
        "the hint follows on an escaped new line"
    );
}

#[test]
fn sarif_format_is_a_sarif_2_1_0_log_with_regions() {
    let f = broken();
    let run = f.run(&["--lang", "en", "check", "--format", "sarif"]);
    assert_eq!(run.code, 1);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run0 = &log["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "anzen");
    let rules: Vec<&str> = run0["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"answer.yes-without-evidence"));
    let results = run0["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "answer.yes-without-evidence")
        .unwrap();
    assert_eq!(r["level"], "error");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "content/checklist.yaml");
    assert!(loc["region"]["startLine"].as_u64().unwrap() > 1);
    assert_eq!(r["properties"]["checklistItem"], "5-8");
    assert!(r["message"]["text"].as_str().unwrap().contains("5-8"));
}

#[test]
fn a_clean_project_gives_an_empty_sarif_run_and_no_annotations() {
    let f = Fixture::sample();
    let run = f.run(&["check", "--format", "sarif"]);
    assert_eq!(run.code, 0);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
    let run = f.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 0);
    assert!(!run.stdout.contains("::error"));
}
