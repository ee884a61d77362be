//! Stage 2 of the pipeline: checks a loaded [`Project`] against a
//! [`Standard`] and returns every finding at once. Each submodule owns one
//! family of rules; [`requirements`] interprets the standard's declarative
//! checks.

mod answers;
mod assurance;
mod certificates;
mod controls;
mod coverage;
mod dates;
mod documents;
pub mod due;
mod duties;
pub mod evidence;
mod html;
mod names;
mod people;
pub mod pii;
mod records;
pub(crate) mod references;
mod requirements;
mod staff;
pub mod status;
mod substance;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::diag::{self, Finding, Severity};
use crate::model::{Document, Entry, Ledger, Project};
use crate::standard::{LedgerKinds, Standard};

pub use references::Resolved;

/// What a check run has to hand: the project, the standard, the ledger
/// schemas and indexes by id (built once, so no check is quadratic).
pub struct Context<'a> {
    /// The project.
    pub project: &'a Project,
    /// The standard.
    pub standard: &'a Standard,
    /// Ledger schemas.
    pub kinds: &'a LedgerKinds,
    /// Documents by id.
    pub docs: BTreeMap<&'a str, &'a Document>,
    /// Ledgers by id.
    pub ledgers: BTreeMap<&'a str, &'a Ledger>,
    /// Staff roster entries by id.
    pub staff: BTreeMap<&'a str, &'a Entry>,
    /// What failed to load (its own finding says why), so that it is not
    /// reported again as missing.
    pub unloaded: Unloaded,
    /// The phase of the contract on the as-of date.
    pub phase: crate::standard::Phase,
    /// The entries of the kinds a reference can name (staff, areas,
    /// devices...), by kind and id. The large ledgers (entry/exit, exchanges
    /// with a million rows) are never a reference's target and are left
    /// out: indexing them cost a tenth of `check` at scale.
    pub by_kind: foldhash::HashMap<(&'a str, &'a str), &'a Entry>,
    /// The kinds some reference field names (those `by_kind` holds).
    pub ref_targets: BTreeSet<&'a str>,
}

/// Document, ledger and answers files that exist but could not be loaded
/// (syntax error, bad front matter, unknown kind, not UTF-8...). What they
/// hold is unknown, so checks that would need it stay silent instead of
/// reporting it missing: one broken file is one finding, not a cascade.
#[derive(Debug, Default)]
pub struct Unloaded {
    /// Default ids (file names without extension) of such documents and ledgers.
    pub ids: BTreeSet<String>,
    /// Some document file failed to load.
    pub documents: bool,
    /// Some ledger file failed to load.
    pub ledgers: bool,
    /// The answers file exists but failed to load.
    pub answers: bool,
}

impl Unloaded {
    fn of(project: &Project) -> Unloaded {
        let loaded: BTreeSet<&str> = project
            .documents
            .iter()
            .map(|d| d.content_path.as_str())
            .chain(project.ledgers.iter().map(|l| l.content_path.as_str()))
            .collect();
        let mut out = Unloaded {
            answers: project.answers.is_none()
                && project.files.contains(crate::model::project::ANSWERS_FILE),
            ..Unloaded::default()
        };
        for file in project
            .files
            .iter()
            .filter(|f| !loaded.contains(f.as_str()))
        {
            let name = file.rsplit('/').next().unwrap_or(file);
            let Some((stem, ext)) = name.rsplit_once('.') else {
                continue;
            };
            let ext = ext.to_ascii_lowercase();
            let in_dir = |dir: &str| file.starts_with(&format!("{dir}/"));
            if in_dir(crate::model::project::DOCUMENTS_DIR) && ext == "md" {
                out.documents = true;
            } else if in_dir(crate::model::project::LEDGERS_DIR) && (ext == "yaml" || ext == "yml")
            {
                out.ledgers = true;
            } else {
                continue;
            }
            out.ids.insert(stem.to_string());
        }
        out
    }
}

impl<'a> Context<'a> {
    /// Builds the indexes.
    pub fn new(project: &'a Project, standard: &'a Standard, kinds: &'a LedgerKinds) -> Self {
        let staff = project
            .entries_of("staff")
            .map(|(_, e)| (e.id.as_str(), e))
            .collect();
        let ref_targets: BTreeSet<&str> = kinds
            .kinds
            .iter()
            .flat_map(|k| &k.fields)
            .filter_map(|f| f.target())
            .collect();
        Context {
            project,
            standard,
            kinds,
            docs: project.documents_by_id(),
            ledgers: project.ledgers_by_id(),
            staff,
            unloaded: Unloaded::of(project),
            phase: project.phase(),
            by_kind: project
                .ledgers
                .iter()
                .filter(|l| ref_targets.contains(l.kind.as_str()))
                .flat_map(|l| {
                    l.entries
                        .iter()
                        .map(move |e| ((l.kind.as_str(), e.id.as_str()), e))
                })
                .collect(),
            ref_targets,
        }
    }

    /// The entry of a ledger of `kind` with the id `id` (of two with one
    /// id, the later).
    pub fn entry_of(&self, kind: &str, id: &str) -> Option<&'a Entry> {
        if let Some(e) = self.by_kind.get(&(kind, id)) {
            return Some(e);
        }
        if self.ref_targets.contains(kind) {
            return None;
        }
        self.project
            .ledgers
            .iter()
            .filter(|l| l.kind == kind)
            .flat_map(|l| &l.entries)
            .rfind(|e| e.id.as_str() == id)
    }

    /// Whether no ledger of `kind` loaded while some ledger file failed
    /// to: the kind may be in that file, so its absence proves nothing.
    pub fn kind_unknown(&self, kind: &str) -> bool {
        self.unloaded.ledgers && self.project.ledgers_of(kind).next().is_none()
    }

    /// The Japanese title of a ledger field, for messages.
    pub fn field_title(&self, kind: &str, field: &str) -> String {
        self.kinds
            .get(kind)
            .and_then(|k| k.field(field))
            .map(|f| f.title.clone())
            .unwrap_or_else(|| field.to_string())
    }

    /// A staff member as `氏名（ID）`, or just the ID when `mask` hides names
    /// or the ID is not on the roster.
    pub fn staff_label(&self, id: &str, mask: bool) -> String {
        match self.staff.get(id).and_then(|e| e.text("name")) {
            Some(name) if !mask => format!("{name}（{id}）"),
            _ => id.to_string(),
        }
    }

    /// How a field value reads in tables and reports: enum labels, staff as
    /// `氏名（ID）` (just the ID when `mask` hides names), ○/－ for booleans.
    pub fn display(
        &self,
        kind: &str,
        field: &str,
        value: &crate::model::FieldValue,
        mask: bool,
    ) -> String {
        use crate::model::FieldValue;
        use crate::standard::FieldType;
        let spec = self.kinds.get(kind).and_then(|k| k.field(field));
        let staff = |id: &str| self.staff_label(id, mask);
        match (spec.map(|s| s.ty), value) {
            (Some(FieldType::Enum), FieldValue::Text(v)) => spec
                .and_then(|s| {
                    s.values
                        .iter()
                        .position(|x| **x == **v)
                        .and_then(|i| s.labels.get(i))
                })
                .cloned()
                .unwrap_or_else(|| v.to_string()),
            (Some(FieldType::Staff), FieldValue::Text(id)) => staff(id),
            (Some(FieldType::StaffList), FieldValue::List(ids)) => {
                ids.iter().map(|i| staff(i)).collect::<Vec<_>>().join("、")
            }
            (Some(FieldType::Ref), FieldValue::Text(id)) => spec
                .and_then(|s| s.to.as_deref())
                .and_then(|to| self.entry_of(to, id))
                .and_then(|e| e.text("name"))
                .map(|n| format!("{n}（{id}）"))
                .unwrap_or_else(|| id.to_string()),
            (Some(FieldType::RefList), FieldValue::List(ids)) => ids
                .iter()
                .map(|id| {
                    spec.and_then(|s| s.to.as_deref())
                        .and_then(|to| self.entry_of(to, id))
                        .and_then(|e| e.text("name"))
                        .map(|n| format!("{n}（{id}）"))
                        .unwrap_or_else(|| id.to_string())
                })
                .collect::<Vec<_>>()
                .join("、"),
            (Some(FieldType::Bool), FieldValue::Bool(b)) => if *b { "○" } else { "－" }.to_string(),
            (_, v) => v.display(),
        }
    }

    /// The Japanese title of a ledger kind.
    pub fn kind_title(&self, kind: &str) -> String {
        self.kinds
            .get(kind)
            .map(|k| k.title.clone())
            .unwrap_or_else(|| kind.to_string())
    }
}

/// A group of checks.
type Group = fn(&Context, &mut Vec<Finding>);

/// The groups are independent: run in parallel, their findings joined in
/// this order (so the same finding is always the one kept by dedup).
const GROUPS: [Group; 11] = [
    substance::check,
    dates::check,
    documents::check,
    names::check,
    references::check,
    answers::check,
    evidence::check,
    pii::check,
    requirements::check,
    controls::check,
    html::check,
];

/// The groups' indices, started longest first (as measured at scale), each
/// on its own, so that no long group is left to end alone.
const LONGEST_FIRST: [usize; 11] = [8, 0, 7, 4, 3, 9, 1, 2, 5, 6, 10];

/// Runs every check; findings come back sorted and without repeats.
pub fn run(project: &Project, standard: &Standard, kinds: &LedgerKinds) -> Vec<Finding> {
    let cx = Context::new(project, standard, kinds);
    use rayon::prelude::*;
    let mut parts: Vec<(usize, Vec<Finding>)> = LONGEST_FIRST
        .par_iter()
        .with_max_len(1)
        .map(|&i| {
            let mut out = Vec::new();
            GROUPS[i](&cx, &mut out);
            (i, out)
        })
        .collect();
    parts.sort_by_key(|(i, _)| *i);
    let mut out: Vec<Finding> = parts.into_iter().flat_map(|(_, f)| f).collect();
    dedup(&mut out);
    diag::sort(&mut out);
    out
}

/// The same problem reached through two requirements is reported once.
fn dedup(findings: &mut Vec<Finding>) {
    let mut seen = BTreeSet::new();
    findings.retain(|f| seen.insert((f.rule.clone(), f.location.clone(), f.message.en.clone())));
}

/// Counts of a run, for summaries and manifests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Error-level findings.
    pub errors: usize,
    /// Warning-level findings.
    pub warnings: usize,
}

impl Summary {
    /// Counts `findings`.
    pub fn of(findings: &[Finding]) -> Summary {
        Summary {
            errors: findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
            warnings: findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_is_started_once() {
        let mut order = LONGEST_FIRST.to_vec();
        order.sort_unstable();
        assert_eq!(order, (0..GROUPS.len()).collect::<Vec<_>>());
    }
}
