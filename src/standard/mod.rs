//! The standard as data: checklist items, requirements, their crosswalk and
//! the checks that apply to each, read from YAML. The bundled standard and
//! the ledger kinds are embedded in the binary; a project may add or
//! override standards with files of the same format.

pub mod checks;
pub mod import;
pub mod kinds;
pub mod rules;

use serde::{Deserialize, Serialize};

pub use checks::{Check, CheckSpec, Phase};
pub use kinds::{FieldSpec, FieldType, LedgerKind, LedgerKinds};
pub use rules::{RuleInfo, Rules};

use crate::i18n::Text;
use crate::yaml;

/// The bundled standards: (id, YAML source).
pub const BUNDLED: &[(&str, &str)] = &[(
    "municipal-standard",
    include_str!("data/municipal-standard.yaml"),
)];

/// A standard: the checklist and the safety-management requirements.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    /// Stable id.
    pub id: String,
    /// Title (Japanese).
    pub title: String,
    /// Title (English).
    #[serde(default)]
    pub title_en: Option<String>,
    /// The information-security checklist.
    pub checklist: Checklist,
    /// The requirements of the safety-management standard.
    pub requirements: Vec<Requirement>,
    /// Closing notes of the standard.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// The checklist form.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    /// Title of the form.
    pub title: String,
    /// Column headings (チェック内容, はい, いいえ, 該当無).
    pub columns: Vec<String>,
    /// Notes printed under the form.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Headings of the form.
    pub sections: Vec<ChecklistSection>,
    /// The items.
    pub items: Vec<ChecklistItem>,
}

/// A heading of the checklist (e.g. `2. 組織的安全管理`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistSection {
    /// Number.
    pub id: String,
    /// Heading text.
    pub title: String,
    /// Sub-headings (5(1), 5(2)).
    #[serde(default)]
    pub subsections: Vec<ChecklistSection>,
}

/// One question of the checklist.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// Item number as on the form (`2-1`).
    pub id: String,
    /// The section it belongs to.
    pub section: String,
    /// The sub-heading, if any.
    #[serde(default)]
    pub subsection: Option<String>,
    /// The question, exactly as on the form.
    pub text: String,
    /// Requirements of the standard this item asks about (the crosswalk).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Checks that apply to this item.
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
    /// Ledger contents that contradict a 該当無 answer.
    #[serde(default)]
    pub na_contradicted_by: Vec<checks::LedgerCondition>,
}

/// A requirement (section or numbered sub-item) of the standard.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable id (`S5(6)`).
    pub id: String,
    /// Number as in the standard (`5(6)`).
    pub number: String,
    /// Parent requirement, for numbered sub-items.
    #[serde(default)]
    pub parent: Option<String>,
    /// Heading of a section.
    #[serde(default)]
    pub title: Option<String>,
    /// The text, exactly as in the standard (paragraphs split by blank lines).
    pub text: String,
    /// A note under the requirement.
    #[serde(default)]
    pub note: Option<String>,
    /// Examples listed in the standard.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Where the requirement comes from, when not the standard itself.
    #[serde(default)]
    pub source: Option<String>,
    /// Checks that apply.
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
}

impl Standard {
    /// Parses a standard from YAML.
    pub fn from_yaml(src: &str) -> Result<Standard, yaml::YamlError> {
        let parsed = yaml::parse(src);
        if let Some(e) = parsed.errors.into_iter().next() {
            return Err(e);
        }
        let root = parsed.root.ok_or_else(|| yaml::YamlError {
            message: Text::new("空のファイルです", "empty file"),
            hint: None,
            line: 1,
            column: 1,
            rule: "yaml.syntax",
        })?;
        yaml::deserialize(&root)
    }

    /// The bundled standard with this id.
    pub fn bundled(id: &str) -> Option<Standard> {
        BUNDLED
            .iter()
            .find(|(bid, _)| *bid == id)
            .map(|(_, src)| Standard::from_yaml(src).expect("bundled standard is valid"))
    }

    /// The requirement with this id.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// The checklist item with this id.
    pub fn item(&self, id: &str) -> Option<&ChecklistItem> {
        self.checklist.items.iter().find(|i| i.id == id)
    }

    /// Sub-items of a requirement.
    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Requirement> + 'a {
        self.requirements
            .iter()
            .filter(move |r| r.parent.as_deref() == Some(id))
    }

    /// Checklist items whose crosswalk names this requirement.
    pub fn items_for<'a>(
        &'a self,
        requirement: &'a str,
    ) -> impl Iterator<Item = &'a ChecklistItem> + 'a {
        self.checklist
            .items
            .iter()
            .filter(move |i| i.requirements.iter().any(|r| r == requirement))
    }

    /// Merges `other` into this standard: items and requirements with the
    /// same id are replaced, new ones appended.
    pub fn merge(&mut self, other: Standard) {
        for item in other.checklist.items {
            match self.checklist.items.iter_mut().find(|i| i.id == item.id) {
                Some(existing) => *existing = item,
                None => self.checklist.items.push(item),
            }
        }
        for section in other.checklist.sections {
            if !self.checklist.sections.iter().any(|s| s.id == section.id) {
                self.checklist.sections.push(section);
            }
        }
        for req in other.requirements {
            match self.requirements.iter_mut().find(|r| r.id == req.id) {
                Some(existing) => *existing = req,
                None => self.requirements.push(req),
            }
        }
        self.notes.extend(other.notes);
        self.id = format!("{}+{}", self.id, other.id);
    }
}
