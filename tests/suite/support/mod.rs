//! Assertions shared by the rule tests: a broken copy of the sample must
//! fail with exactly the findings its one defect explains, and no other.

#![allow(dead_code)]

use std::path::Path;

use crate::common::{Check, F};

/// The error-level findings.
pub fn errors(check: &Check) -> Vec<F> {
    check
        .findings()
        .into_iter()
        .filter(|f| f.severity == "error")
        .collect()
}

fn listing(findings: &[F]) -> String {
    findings
        .iter()
        .map(|f| {
            format!(
                "  {} {} {}:{}:{} item={:?} req={:?} {}",
                f.severity, f.rule, f.file, f.line, f.column, f.item, f.requirement, f.en
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts exit code 1 and that the errors are exactly `expected`
/// (rule, file, line; in any order); returns them in the order expected.
pub fn exactly(check: &Check, expected: &[(&str, &str, u64)]) -> Vec<F> {
    let errs = errors(check);
    assert_eq!(
        check.code,
        1,
        "exit code; findings:\n{}",
        listing(&check.findings())
    );
    assert_eq!(
        errs.len(),
        expected.len(),
        "expected {} error(s) {:?}, got:\n{}",
        expected.len(),
        expected,
        listing(&errs)
    );
    expected
        .iter()
        .map(|(rule, file, line)| {
            errs.iter()
                .find(|f| f.rule == *rule && f.file == *file && f.line == *line)
                .cloned()
                .unwrap_or_else(|| {
                    panic!("no {rule} at {file}:{line}; errors:\n{}", listing(&errs))
                })
        })
        .collect()
}

/// Asserts exit code 1 and that the only error is `rule` at `file:line`.
pub fn only(check: &Check, rule: &str, file: &str, line: u64) -> F {
    exactly(check, &[(rule, file, line)]).remove(0)
}

/// Asserts no warning-level finding except those of `rules`.
pub fn no_warnings_but(check: &Check, rules: &[&str]) {
    let extra: Vec<F> = check
        .findings()
        .into_iter()
        .filter(|f| f.severity == "warning" && !rules.contains(&f.rule.as_str()))
        .collect();
    assert!(
        extra.is_empty(),
        "unexpected warnings:\n{}",
        listing(&extra)
    );
}

/// The line (1-based) of the `n`th (1-based) line of `rel` containing `needle`.
pub fn nth_line(root: &Path, rel: &str, needle: &str, n: usize) -> u64 {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .nth(n - 1)
        .map(|(i, _)| i as u64 + 1)
        .unwrap_or_else(|| panic!("{needle:?} is not {n} times in {rel}"))
}
