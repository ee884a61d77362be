//! The fixture builder: a project in a temporary folder (a copy of the
//! sample, of a fixture under `tests/fixtures/`, or an empty folder) and
//! chainable edits that say what a test breaks in the project's own terms —
//! a config value, a document, a ledger entry, a checklist answer — instead
//! of editing YAML text by hand:
//!
//! ```ignore
//! let p = Project::sample()
//!     .without_field("take_out", "TO-2026-005", "approver")
//!     .answer("5-8", "answer: 該当無");
//! let check = p.check();
//! ```
//!
//! Edits change only the lines of the node they name (comments, quoting and
//! every other line stay as they were: see [`super::yaml_edit`]) and panic
//! when the node is not there. A `Project` derefs to [`Fixture`], so the
//! text-level `edit`, `write`, `run` and `check` are there too.

use std::ops::Deref;

use super::yaml_edit::{Yaml, dedent};
use super::{Fixture, repo};

/// The config file.
pub const CONFIG: &str = "anzen.yaml";
/// The checklist answers.
pub const CHECKLIST: &str = "content/checklist.yaml";
/// The documents' folder.
pub const DOCUMENTS: &str = "content/documents";
/// The ledgers' folder.
pub const LEDGERS: &str = "content/ledgers";

/// A project being built for one test.
pub struct Project {
    fixture: Fixture,
}

impl Deref for Project {
    type Target = Fixture;

    fn deref(&self) -> &Fixture {
        &self.fixture
    }
}

impl Project {
    /// A copy of the sample project (`anzen.yaml` and `content/`), which
    /// checks clean.
    pub fn sample() -> Project {
        Project {
            fixture: Fixture::sample(),
        }
    }

    /// A copy of `tests/fixtures/<name>/`.
    pub fn named(name: &str) -> Project {
        Project {
            fixture: Fixture::named(name),
        }
    }

    /// An empty folder: no config, no content.
    pub fn empty() -> Project {
        Project {
            fixture: Fixture::empty(),
        }
    }

    // ---- reading --------------------------------------------------------

    /// The text of `rel`.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// The 1-based line of the first line of `rel` containing `needle`.
    pub fn line(&self, rel: &str, needle: &str) -> u64 {
        super::Check::line_of(self.path(), rel, needle)
    }

    /// The 1-based line where the YAML node at `path` of `rel` starts (in
    /// a `.md` file, a front-matter key; lines count from the file start).
    pub fn at(&self, rel: &str, path: &str) -> u64 {
        self.yaml(rel).line(path)
    }

    /// The line of ledger entry `id` of `kind` (its `- id:` line).
    pub fn entry_line(&self, kind: &str, id: &str) -> u64 {
        self.at(&self.ledger_file(kind), &format!("entries[id={id}]"))
    }

    /// The line of the answer to `item` (its `- item:` line).
    pub fn answer_line(&self, item: &str) -> u64 {
        self.at(CHECKLIST, &format!("answers[item={item}]"))
    }

    /// The file of the ledger of `kind`: `content/ledgers/<kind>.yaml` if
    /// there is one, else the first ledger file declaring `kind: <kind>`,
    /// else `content/ledgers/<kind>.yaml` (to be created).
    pub fn ledger_file(&self, kind: &str) -> String {
        let plain = format!("{LEDGERS}/{kind}.yaml");
        if self.path().join(&plain).is_file() {
            return plain;
        }
        let dir = self.path().join(LEDGERS);
        let declared = format!("kind: {kind}");
        walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .find(|e| {
                std::fs::read_to_string(e.path())
                    .is_ok_and(|t| t.lines().any(|l| l.trim_end() == declared))
            })
            .map(|e| {
                e.path()
                    .strip_prefix(self.path())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .unwrap_or(plain)
    }

    /// The file of document `name` (`content/documents/<name>.md`; `name`
    /// may be a path under `content/documents/` and may end in `.md`).
    pub fn document_file(name: &str) -> String {
        let name = name.strip_suffix(".md").unwrap_or(name);
        format!("{DOCUMENTS}/{name}.md")
    }

    fn yaml(&self, rel: &str) -> Yaml {
        Yaml::new(&self.read(rel), rel.ends_with(".md"))
    }

    // ---- edits ------------------------------------------------------------

    /// Sets the YAML node at `path` of `rel` to `value` (see
    /// [`Yaml::set`]); in a `.md` file, in its front matter.
    pub fn set(self, rel: &str, path: &str, value: &str) -> Self {
        let mut y = self.yaml(rel);
        y.set(path, value);
        self.fixture.write(rel, &y.text());
        self
    }

    /// Removes the YAML node at `path` of `rel`.
    pub fn unset(self, rel: &str, path: &str) -> Self {
        let mut y = self.yaml(rel);
        y.remove(path);
        self.fixture.write(rel, &y.text());
        self
    }

    /// Sets a value of `anzen.yaml`: `.config("contract.work_start",
    /// "2026-05-01")`.
    pub fn config(self, path: &str, value: &str) -> Self {
        self.set(CONFIG, path, value)
    }

    /// Removes a value of `anzen.yaml`.
    pub fn without_config(self, path: &str) -> Self {
        self.unset(CONFIG, path)
    }

    /// Writes document `name` (see [`Project::document_file`]) with
    /// `front_matter` (YAML, without the `---` lines) and `body`.
    pub fn document(self, name: &str, front_matter: &str, body: &str) -> Self {
        let mut text = String::from("---\n");
        for l in dedent(front_matter) {
            text.push_str(&l);
            text.push('\n');
        }
        text.push_str("---\n");
        text.push_str(&dedent(body).join("\n"));
        text.push('\n');
        self.fixture.write(&Self::document_file(name), &text);
        self
    }

    /// Sets a front-matter value of document `name`:
    /// `.front_matter("work-rules", "review_by", "2026-10-31")`.
    pub fn front_matter(self, name: &str, path: &str, value: &str) -> Self {
        self.set(&Self::document_file(name), path, value)
    }

    /// Removes a front-matter key of document `name`.
    pub fn without_front_matter(self, name: &str, path: &str) -> Self {
        self.unset(&Self::document_file(name), path)
    }

    /// Replaces the entries of the ledger of `kind` with `entries` (a YAML
    /// list, or `[]`); a ledger the project lacks is created with a title
    /// and a five-year retention.
    pub fn ledger(self, kind: &str, entries: &str) -> Self {
        let rel = self.ledger_file(kind);
        if !self.path().join(&rel).exists() {
            self.fixture.write(
                &rel,
                &format!("kind: {kind}\ntitle: {kind}\nretention:\n  years: 5\nentries: []\n"),
            );
        }
        self.set(&rel, "entries", entries)
    }

    /// Sets the keys of entry `id` of the ledger of `kind` other than `id`
    /// (`body`, YAML), adding the entry if there is none.
    pub fn entry(self, kind: &str, id: &str, body: &str) -> Self {
        let rel = self.ledger_file(kind);
        self.set(&rel, &format!("entries[id={id}]"), body)
    }

    /// Removes entry `id` of the ledger of `kind`.
    pub fn without_entry(self, kind: &str, id: &str) -> Self {
        let rel = self.ledger_file(kind);
        self.unset(&rel, &format!("entries[id={id}]"))
    }

    /// Sets `field` of entry `id` of the ledger of `kind` to `value`.
    pub fn field(self, kind: &str, id: &str, field: &str, value: &str) -> Self {
        let rel = self.ledger_file(kind);
        self.set(&rel, &format!("entries[id={id}].{field}"), value)
    }

    /// Removes `field` of entry `id` of the ledger of `kind`.
    pub fn without_field(self, kind: &str, id: &str, field: &str) -> Self {
        let rel = self.ledger_file(kind);
        self.unset(&rel, &format!("entries[id={id}].{field}"))
    }

    /// Answers checklist item `item` with `body` (YAML: `answer:` and its
    /// `evidence:`, `reason:` or `remediation:`), replacing its answer or
    /// adding one.
    pub fn answer(self, item: &str, body: &str) -> Self {
        self.set(CHECKLIST, &format!("answers[item={item}]"), body)
    }

    /// Removes the answer to `item`.
    pub fn unanswered(self, item: &str) -> Self {
        self.unset(CHECKLIST, &format!("answers[item={item}]"))
    }

    /// Replaces the first `from` in `rel` with `to` (panics if absent).
    pub fn replace(self, rel: &str, from: &str, to: &str) -> Self {
        self.fixture.edit(rel, from, to);
        self
    }

    /// Writes `text` to `rel`.
    pub fn file(self, rel: &str, text: &str) -> Self {
        self.fixture.write(rel, text);
        self
    }

    /// Deletes `rel`.
    pub fn without(self, rel: &str) -> Self {
        self.fixture.remove(rel);
        self
    }

    /// Gives subcontractor `id` a confidentiality agreement: a small PDF of
    /// its own under content/evidence/subcontractors/, cited by `nda:`.
    pub fn subcontractor_nda(self, id: &str) -> Self {
        let rel = format!("evidence/subcontractors/{id}_機密保持契約書.pdf");
        self.file(
            &format!("content/{rel}"),
            &format!("%PDF-1.4\n% 機密保持契約書（{id}）\n%%EOF\n"),
        )
        .field("subcontractors", id, "nda", &rel)
    }

    /// Lays the files of `tests/fixtures/<name>/` over the project.
    pub fn with_files_of(self, name: &str) -> Self {
        super::copy_dir(&repo().join("tests/fixtures").join(name), self.path());
        self
    }
}
