//! The fixture projects: every folder of `tests/fixtures/` with an
//! `expected.txt` is a small project of one defect class (or, like
//! `minimal/`, of none). The check runs on each, and its findings must be
//! exactly the list kept beside it, so adding a fixture is adding a folder:
//! the files (or, with a `base` file naming another fixture, only the files
//! laid over that one), a `README.md` saying what it shows, and
//! `expected.txt`. `ANZEN_UPDATE_EXPECTED=1 cargo test --test suite
//! fixture_projects` writes the lists (never when `CI` is set) for review.

use std::path::{Path, PathBuf};

use crate::common::{Project, repo};

/// The header of every `expected.txt`.
const HEADER: &str = "\
# anzen check: one finding a line, `severity rule file:line subject`
# (line 0: about the whole file; file `-`: about no file; subject: the
# checklist item or requirement). Order does not matter; none: checks clean.
";

/// The fixture folders that have an `expected.txt`.
fn fixture_projects() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expected.txt").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn name(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

/// The findings of `anzen check` on fixture `name`, one line each in the
/// order anzen reports them, and the exit code.
fn findings(name: &str) -> (Vec<String>, i32) {
    let check = Project::named(name).check();
    let lines: Vec<String> = check
        .findings()
        .iter()
        .map(|f| {
            let file = if f.file.is_empty() { "-" } else { &f.file };
            let subject = match (&f.item, &f.requirement) {
                (Some(item), _) => format!(" item={item}"),
                (None, Some(req)) => format!(" requirement={req}"),
                (None, None) => String::new(),
            };
            format!("{} {} {file}:{}{subject}", f.severity, f.rule, f.line)
        })
        .collect();
    (lines, check.code)
}

fn expected(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn sorted(mut lines: Vec<String>) -> Vec<String> {
    lines.sort();
    lines
}

#[test]
fn every_fixture_project_reports_exactly_the_findings_listed_beside_it() {
    let update = std::env::var_os("ANZEN_UPDATE_EXPECTED").is_some();
    assert!(
        !(update && std::env::var_os("CI").is_some()),
        "ANZEN_UPDATE_EXPECTED is refused in CI: update the lists locally and review them"
    );
    let dirs = fixture_projects();
    assert!(dirs.len() >= 7, "fixture projects: {dirs:?}");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = name(dir);
        let (got, code) = findings(&name);
        let want = expected(dir);
        let errors = got.iter().any(|l| l.starts_with("error "));
        if code != i32::from(errors) {
            failures.push(format!("{name}: exit code {code} with findings {got:#?}"));
        }
        let text = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
        if sorted(got.clone()) == sorted(want.clone()) && text.starts_with(HEADER) {
            continue;
        }
        if update {
            let mut text = String::from(HEADER);
            for l in &got {
                text.push_str(l);
                text.push('\n');
            }
            std::fs::write(dir.join("expected.txt"), text).unwrap();
            continue;
        }
        if !text.starts_with(HEADER) {
            failures.push(format!(
                "{name}/expected.txt does not start with the header"
            ));
        }
        let missing: Vec<&String> = want.iter().filter(|l| !got.contains(l)).collect();
        let extra: Vec<&String> = got.iter().filter(|l| !want.contains(l)).collect();
        failures.push(format!(
            "{name}/expected.txt differs from the check:\n  expected but not found: {missing:#?}\n  found but not expected: {extra:#?}"
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_fixture_project_says_what_it_shows() {
    for dir in fixture_projects() {
        let readme = std::fs::read_to_string(dir.join("README.md"))
            .unwrap_or_else(|e| panic!("{}: README.md: {e}", name(&dir)));
        assert!(
            readme.trim().len() > 20,
            "{}: README.md is empty",
            name(&dir)
        );
        if let Ok(base) = std::fs::read_to_string(dir.join("base")) {
            let base = repo().join("tests/fixtures").join(base.trim());
            assert!(
                base.join("anzen.yaml").is_file(),
                "{}: base {} is not a project",
                name(&dir),
                base.display()
            );
        }
    }
}

#[test]
fn the_minimal_project_checks_clean_and_builds() {
    let p = Project::named("minimal");
    let check = p.check();
    assert_eq!(check.code, 0, "{:#?}", check.findings());
    assert!(check.findings().is_empty(), "{:#?}", check.findings());
    let out = tempfile::tempdir().unwrap();
    let run = p.run(&[
        "build",
        "--no-pdf",
        "--no-package",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("site/index.html").is_file());
}

#[test]
fn a_fixture_laid_over_a_base_holds_only_files_it_changes_or_adds() {
    // So that the defect is exactly the files in the folder.
    for dir in fixture_projects() {
        let Ok(base) = std::fs::read_to_string(dir.join("base")) else {
            continue;
        };
        let base = repo().join("tests/fixtures").join(base.trim());
        for e in walkdir::WalkDir::new(&dir).into_iter().flatten() {
            let rel = e.path().strip_prefix(&dir).unwrap();
            if !e.file_type().is_file()
                || ["README.md", "expected.txt", "base"].contains(&rel.to_str().unwrap())
            {
                continue;
            }
            let Ok(theirs) = std::fs::read(base.join(rel)) else {
                continue;
            };
            assert_ne!(
                theirs,
                std::fs::read(e.path()).unwrap(),
                "{}: {} is the same as the base's",
                name(&dir),
                rel.display()
            );
        }
    }
}
