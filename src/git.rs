//! What git says about the project: the revision for headers and
//! manifests. Outside a git repository, or without git, anzen still works.

use std::path::Path;
use std::process::Command;

use serde::Serialize;

/// The revision of the working tree.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Revision {
    /// Full commit id.
    pub commit: String,
    /// Short commit id.
    pub short: String,
    /// Commit date (YYYY-MM-DD).
    pub date: String,
    /// Whether the tracked files have uncommitted changes.
    pub dirty: bool,
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The current revision, or `None` outside a git repository.
pub fn revision(root: &Path) -> Option<Revision> {
    let line = git(root, &["log", "-1", "--format=%H %h %cs"])?;
    let mut parts = line.split_whitespace();
    let (commit, short, date) = (
        parts.next()?.to_string(),
        parts.next()?.to_string(),
        parts.next()?.to_string(),
    );
    let dirty = git(
        root,
        &["status", "--porcelain", "--untracked-files=no", "--", "."],
    )
    .is_some_and(|s| !s.is_empty());
    Some(Revision {
        commit,
        short,
        date,
        dirty,
    })
}
