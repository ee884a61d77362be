//! A whole loaded project: what the check and render stages read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

use super::{Answers, Config, Document, Ledger};
use crate::date::Date;

/// The answers file, relative to the content folder.
pub const ANSWERS_FILE: &str = "checklist.yaml";
/// Documents live under this folder of the content folder.
pub const DOCUMENTS_DIR: &str = "documents";
/// Ledgers live under this folder of the content folder.
pub const LEDGERS_DIR: &str = "ledgers";

/// Everything loaded from a project root.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    /// The project root.
    pub root: PathBuf,
    /// The config.
    pub config: Config,
    /// The config file, relative to the root.
    pub config_file: String,
    /// The date checks are made for.
    pub as_of: Date,
    /// Documents, sorted by path.
    pub documents: Vec<Document>,
    /// Ledgers, sorted by path.
    pub ledgers: Vec<Ledger>,
    /// Checklist answers, if the file exists.
    pub answers: Option<Answers>,
    /// Items of answers that were written but failed to parse (reported
    /// already; not to be reported again as unanswered).
    pub answered_invalid: Vec<String>,
    /// Revision history from git (empty outside a repository).
    pub history: crate::model::history::History,
    /// Every file under the content folder, relative to it (for evidence
    /// references by path).
    pub files: BTreeSet<String>,
    /// Folders under the content folder that could not be listed (reported
    /// as `file.unreadable`), relative to it: what they hold is unknown.
    pub unreadable_dirs: BTreeSet<String>,
}

impl Project {
    /// Documents by id (the first of duplicates).
    pub fn documents_by_id(&self) -> BTreeMap<&str, &Document> {
        let mut map = BTreeMap::new();
        for d in &self.documents {
            map.entry(d.meta.id.as_str()).or_insert(d);
        }
        map
    }

    /// Ledgers by id (the first of duplicates).
    pub fn ledgers_by_id(&self) -> BTreeMap<&str, &Ledger> {
        let mut map = BTreeMap::new();
        for l in &self.ledgers {
            map.entry(l.id.as_str()).or_insert(l);
        }
        map
    }

    /// All ledgers of a kind.
    pub fn ledgers_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Ledger> + 'a {
        self.ledgers.iter().filter(move |l| l.kind == kind)
    }

    /// All entries of all ledgers of a kind, with their ledger.
    pub fn entries_of<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = (&'a Ledger, &'a super::Entry)> + 'a {
        self.ledgers_of(kind)
            .flat_map(|l| l.entries.iter().map(move |e| (l, e)))
    }
}
