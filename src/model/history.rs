//! The revision history of a project's files, as git tells it: for each
//! file the commits that changed it (date, author, summary). The load
//! stage reads it ([`crate::load::history`]); pages and PDFs show it.

use std::collections::BTreeMap;

use serde::Serialize;

/// One commit that changed a file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    /// Full commit id.
    pub commit: String,
    /// Short commit id.
    pub short: String,
    /// Commit date, YYYY-MM-DD.
    pub date: String,
    /// Author name.
    pub author: String,
    /// First line of the message.
    pub summary: String,
}

/// History of the project's files.
#[derive(Debug, Clone, Default, Serialize)]
pub struct History {
    /// Whether the project is in a git repository.
    pub in_git: bool,
    /// Changes by path relative to the project root, newest first.
    pub by_file: BTreeMap<String, Vec<Change>>,
}

impl History {
    /// The changes of `file` (relative to the project root), newest first.
    pub fn of(&self, file: &str) -> &[Change] {
        self.by_file.get(file).map(Vec::as_slice).unwrap_or(&[])
    }
}
