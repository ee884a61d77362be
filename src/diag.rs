//! Findings: what `anzen check` reports, as data that every output format
//! renders. A finding has a rule id, a severity, a location, a message and a
//! hint, and names the checklist item or requirement it concerns.

use std::path::{Path, PathBuf};

use std::sync::Arc;

use serde::Serialize;

use crate::i18n::Text;

/// How serious a finding is. Errors fail `anzen check` (exit code 1).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed before submission.
    Error,
    /// Should be looked at; does not fail the check.
    Warning,
}

impl Severity {
    /// Label for human output.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match (self, lang) {
            (Severity::Error, crate::i18n::Lang::Ja) => "エラー",
            (Severity::Warning, crate::i18n::Lang::Ja) => "警告",
            (Severity::Error, crate::i18n::Lang::En) => "error",
            (Severity::Warning, crate::i18n::Lang::En) => "warning",
        }
    }
}

/// A place in a project file: path relative to the project root, 1-based
/// line and column (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Path relative to the project root, with `/` separators; shared, so
    /// that the positions of a million ledger fields do not each hold a copy.
    pub file: Arc<str>,
    /// 1-based line, 0 when the whole file is meant.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
}

impl Location {
    /// A location at `line:column` of `file`.
    pub fn new(file: &str, line: usize, column: usize) -> Self {
        Location {
            file: Arc::from(file),
            line,
            column,
        }
    }

    /// A location in a file whose path is already shared.
    pub fn in_file(file: &Arc<str>, line: usize, column: usize) -> Self {
        Location {
            file: Arc::clone(file),
            line,
            column,
        }
    }

    /// The whole file.
    pub fn file(file: &str) -> Self {
        Location::new(file, 0, 0)
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.file),
            (l, 0) => write!(f, "{}:{}", self.file, l),
            (l, c) => write!(f, "{}:{}:{}", self.file, l, c),
        }
    }
}

/// One problem found in the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id, e.g. `answer.missing` (see `anzen explain`).
    pub rule: String,
    /// Error or warning.
    pub severity: Severity,
    /// Where the problem is, when it has a place.
    pub location: Option<Location>,
    /// The checklist item concerned, if any (e.g. `2-1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The requirement of the standard concerned, if any (e.g. `S3(3)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// What is wrong.
    pub message: Text,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<Text>,
}

impl Finding {
    /// An error-level finding.
    pub fn error(rule: &str, message: Text) -> Self {
        Finding::new(rule, Severity::Error, message)
    }

    /// A warning-level finding.
    pub fn warning(rule: &str, message: Text) -> Self {
        Finding::new(rule, Severity::Warning, message)
    }

    /// A finding of the given severity.
    pub fn new(rule: &str, severity: Severity, message: Text) -> Self {
        Finding {
            rule: rule.to_string(),
            severity,
            location: None,
            item: None,
            requirement: None,
            message,
            hint: None,
        }
    }

    /// Sets the location.
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Sets the location if there is one.
    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        if location.is_some() {
            self.location = location;
        }
        self
    }

    /// Sets the hint.
    pub fn hint(mut self, hint: Text) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Names the checklist item concerned.
    pub fn item(mut self, item: &str) -> Self {
        self.item = Some(item.to_string());
        self
    }

    /// Names the requirement concerned.
    pub fn requirement(mut self, requirement: &str) -> Self {
        self.requirement = Some(requirement.to_string());
        self
    }
}

/// Sorts findings into their reporting order (file, line, column, rule) so
/// that output is deterministic.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.location, &a.rule, &a.item, &a.requirement, &a.message.en).cmp(&(
            &b.location,
            &b.rule,
            &b.item,
            &b.requirement,
            &b.message.en,
        ))
    });
}

/// A path relative to `root`, with `/` separators, for locations.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
