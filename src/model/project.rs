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

/// Where the as-of date came from: `--as-of`, `as_of` in the config, or,
/// when neither gives one, the committer date of HEAD (a clean working
/// tree: a build stays the same for a commit) or today (uncommitted
/// changes, or no git).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum AsOfSource {
    /// `--as-of` on the command line.
    Flag,
    /// `as_of:` in anzen.yaml.
    Config,
    /// The committer date of HEAD; the tree has no uncommitted changes.
    Commit {
        /// The commit (short id).
        short: String,
    },
    /// Today: the tree has uncommitted changes, or is not in git.
    Today {
        /// Whether the project is in git (with uncommitted changes).
        in_git: bool,
    },
}

impl AsOfSource {
    /// Where the date came from, for the summary line.
    pub fn describe(&self) -> crate::i18n::Text {
        use crate::tr;
        match self {
            AsOfSource::Flag => tr!("--as-of で指定", "given with --as-of"),
            AsOfSource::Config => tr!("anzen.yaml の as_of", "as_of in anzen.yaml"),
            AsOfSource::Commit { short } => tr!(
                "HEAD（{}）のコミット日",
                "the commit date of HEAD ({})"; short
            ),
            AsOfSource::Today { in_git: true } => tr!(
                "今日（未コミットの変更があるため）",
                "today (the working tree has uncommitted changes)"
            ),
            AsOfSource::Today { in_git: false } => {
                tr!("今日（git の外のため）", "today (not in a git repository)")
            }
        }
    }
}

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
    /// Where the as-of date came from.
    pub as_of_source: AsOfSource,
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
    /// What the checks know of each evidence file (every file that is not a
    /// document, ledger or the answers), by path relative to the content
    /// folder.
    pub evidence: BTreeMap<String, EvidenceFile>,
}

/// An evidence file as the load stage saw it: enough to tell an empty
/// file, a file whose bytes are not what its name says, and two files
/// that are copies of each other, without holding the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceFile {
    /// Size in bytes.
    pub size: u64,
    /// The first bytes (up to [`EvidenceFile::HEAD`]): the file's magic number.
    #[serde(skip)]
    pub head: Vec<u8>,
    /// SHA-256 of the content, when another evidence file has the same
    /// size (only then can it be a copy).
    #[serde(skip)]
    pub digest: Option<[u8; 32]>,
    /// The last bytes (up to [`EvidenceFile::TAIL`]): whether a PDF ends
    /// as one does (`%%EOF`) and says it is encrypted.
    #[serde(skip)]
    pub tail: Vec<u8>,
}

impl EvidenceFile {
    /// How many leading bytes are kept.
    pub const HEAD: usize = 8;
    /// How many trailing bytes are kept.
    pub const TAIL: usize = 1024;
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

    /// The phase of the contract on the as-of date.
    pub fn phase(&self) -> crate::model::Phase {
        let c = &self.config.contract;
        crate::model::Phase::on(self.as_of, c.work_start, c.end)
    }

    /// The day whose roster counts: the as-of date, or, before work
    /// starts, the work start date (staff joining on it count already).
    pub fn roster_day(&self) -> Date {
        self.as_of.max(self.config.contract.work_start)
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
