//! The ready-made GitHub Actions workflow in docs/ parses and only calls
//! anzen subcommands and options that exist.

use crate::common::{repo, run_anzen};

#[test]
fn the_workflow_calls_only_real_anzen_commands() {
    let text = std::fs::read_to_string(repo().join("docs/github/anzen.yml")).unwrap();
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let jobs = yaml["jobs"].as_mapping().unwrap();
    assert!(jobs.contains_key("check") && jobs.contains_key("package"));
    let mut calls = 0;
    for line in text.lines().map(str::trim) {
        for part in line.split(['|', ';']).map(str::trim) {
            let part = part
                .trim_start_matches("run: ")
                .trim_start_matches("if [ -n \"$ANZEN_ZIP_PASSWORD\" ]; then ")
                .trim_start_matches("then ")
                .trim_start_matches("else ");
            let Some(rest) = part.strip_prefix("anzen ") else {
                continue;
            };
            let words: Vec<&str> = rest
                .split_whitespace()
                .take_while(|w| !w.starts_with('>') && *w != "||")
                .collect();
            let sub = words[0];
            let help = run_anzen(&repo(), &[sub, "--help"]);
            assert_eq!(help.code, 0, "anzen {sub} does not exist");
            for flag in words.iter().filter(|w| w.starts_with("--")) {
                assert!(help.stdout.contains(flag), "anzen {sub} has no {flag}");
            }
            calls += 1;
        }
    }
    assert!(calls >= 5, "found only {calls} anzen calls");
}
