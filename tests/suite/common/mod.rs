//! Test harness: copies a project (the sample in `content/`, or a fixture
//! under `tests/fixtures/`) into a temporary folder, lets a test break it,
//! runs the real `anzen` binary on it and reads its JSON findings.
//! [`Project`] is the builder that breaks it in the project's own terms
//! (a config value, a ledger entry, an answer); [`Fixture`] edits text.

#![allow(dead_code)]

mod project;
mod yaml_edit;

pub use project::Project;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A project in a temporary folder.
pub struct Fixture {
    dir: tempfile::TempDir,
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

impl Fixture {
    /// A copy of the sample project (anzen.yaml and content/).
    pub fn sample() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(repo().join("anzen.yaml"), dir.path().join("anzen.yaml")).unwrap();
        copy_dir(&repo().join("content"), &dir.path().join("content"));
        Fixture { dir }
    }

    /// An empty folder.
    pub fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A copy of `tests/fixtures/<name>/`; if it has a `base` file naming
    /// another fixture, laid over a copy of that one.
    pub fn named(name: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let from = repo().join("tests/fixtures").join(name);
        if let Ok(base) = std::fs::read_to_string(from.join("base")) {
            copy_dir(&repo().join("tests/fixtures").join(base.trim()), dir.path());
        }
        copy_dir(&from, dir.path());
        Fixture { dir }
    }

    /// The sample with the files of `tests/fixtures/<name>/` laid over it.
    pub fn sample_with(name: &str) -> Fixture {
        let f = Fixture::sample();
        copy_dir(&repo().join("tests/fixtures").join(name), f.path());
        f
    }

    /// The project root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces the first occurrence of `from` with `to` in `rel`; panics
    /// if `from` is not there (so a test cannot silently test nothing).
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let p = self.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
        self
    }

    /// Writes `text` to `rel` (creating folders).
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    /// Writes raw bytes to `rel`.
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    /// Deletes `rel`.
    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        self
    }

    /// Runs `anzen --root <fixture> <args>`.
    pub fn run(&self, args: &[&str]) -> Run {
        run_anzen(self.path(), args)
    }

    /// Runs `anzen check --format json` and parses the findings.
    pub fn check(&self) -> Check {
        let run = self.run(&["check", "--format", "json"]);
        let json: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr: {}", run.stdout, run.stderr));
        Check {
            code: run.code,
            json,
        }
    }
}

/// Runs the anzen binary with `--root root` and `args`.
pub fn run_anzen(root: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("ANZEN_LANG")
        .output()
        .expect("run anzen");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The outcome of a command.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// The outcome of `check --format json`.
pub struct Check {
    /// Exit code.
    pub code: i32,
    /// The report.
    pub json: Value,
}

/// One finding, flattened for assertions.
#[derive(Debug, Clone)]
pub struct F {
    pub rule: String,
    pub severity: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub item: Option<String>,
    pub requirement: Option<String>,
    pub ja: String,
    pub en: String,
    pub hint: Option<String>,
}

impl Check {
    /// Every finding.
    pub fn findings(&self) -> Vec<F> {
        self.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| F {
                rule: f["rule"].as_str().unwrap().to_string(),
                severity: f["severity"].as_str().unwrap().to_string(),
                file: f["location"]["file"].as_str().unwrap_or("").to_string(),
                line: f["location"]["line"].as_u64().unwrap_or(0),
                column: f["location"]["column"].as_u64().unwrap_or(0),
                item: f["item"].as_str().map(str::to_string),
                requirement: f["requirement"].as_str().map(str::to_string),
                ja: f["message"]["ja"].as_str().unwrap().to_string(),
                en: f["message"]["en"].as_str().unwrap().to_string(),
                hint: f["hint"]["ja"].as_str().map(str::to_string),
            })
            .collect()
    }

    /// Findings of one rule.
    pub fn of(&self, rule: &str) -> Vec<F> {
        self.findings()
            .into_iter()
            .filter(|f| f.rule == rule)
            .collect()
    }

    /// The one finding of `rule` in `file` at `line` (0: any line); panics
    /// with every finding listed when there is none.
    pub fn expect(&self, rule: &str, file: &str, line: u64) -> F {
        let all = self.findings();
        all.iter()
            .find(|f| f.rule == rule && f.file == file && (line == 0 || f.line == line))
            .cloned()
            .unwrap_or_else(|| {
                let listing: Vec<String> = all
                    .iter()
                    .map(|f| format!("{} {}:{} {}", f.rule, f.file, f.line, f.en))
                    .collect();
                panic!(
                    "no {rule} at {file}:{line}; findings:\n{}",
                    listing.join("\n")
                )
            })
    }

    /// The line of the first line of `rel` containing `needle` (1-based).
    pub fn line_of(root: &Path, rel: &str, needle: &str) -> u64 {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        text.lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle:?} not in {rel}")) as u64
            + 1
    }
}
