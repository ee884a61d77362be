//! Documents: policies, rules, procedures and plans written in Markdown
//! with YAML front matter, and what the checks need of them (sections with
//! heading ids, links, which requirements they claim to satisfy).

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::diag::Location;

/// What kind of document this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// 基本方針.
    Policy,
    /// 規程 (rules, including 就業規則 extracts).
    Rules,
    /// 取扱手順.
    Procedure,
    /// 計画 (研修計画, 緊急時対応計画...).
    Plan,
    /// Anything else.
    Other,
}

impl DocKind {
    /// The Japanese name of the kind.
    pub fn label(self) -> &'static str {
        match self {
            DocKind::Policy => "基本方針",
            DocKind::Rules => "規程",
            DocKind::Procedure => "取扱手順",
            DocKind::Plan => "計画",
            DocKind::Other => "その他",
        }
    }
}

/// The YAML front matter of a document.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Unique id across documents and ledgers.
    pub id: String,
    /// The kind.
    pub kind: DocKind,
    /// Title.
    pub title: String,
    /// Version (text: `1.10` stays `1.10`).
    #[serde(default)]
    pub version: Option<String>,
    /// Who approved it and when.
    #[serde(default)]
    pub approval: Option<Approval>,
    /// Next review date.
    #[serde(default)]
    pub review_by: Option<Date>,
    /// Requirements it satisfies.
    #[serde(default)]
    pub satisfies: Vec<Satisfies>,
    /// Controls the document's rules state, as data the records are held to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<crate::model::Control>,
}

/// An approval.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Who approved.
    pub approver: String,
    /// When.
    pub date: Date,
}

/// A claim that a document (section) satisfies a requirement.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Satisfies {
    /// Requirement id, e.g. `S1(1)`.
    pub requirement: String,
    /// Heading id in this document, e.g. `organizational`.
    #[serde(default)]
    pub section: Option<String>,
}

/// A heading of a document.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Heading id: `{#id}` if given, else a slug of the text.
    pub id: String,
    /// Heading text.
    pub title: String,
    /// 1 to 6.
    pub level: u8,
    /// 1-based line in the file.
    pub line: usize,
}

/// A link in a document's Markdown.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// The link target as written.
    pub target: String,
    /// Where it is.
    pub location: Location,
}

/// A loaded document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Front matter.
    pub meta: FrontMatter,
    /// Path relative to the project root.
    pub file: String,
    /// Path relative to the content folder, for references by path.
    pub content_path: String,
    /// Line of the front matter's `id` key (for duplicate-id findings).
    pub id_line: usize,
    /// Lines of each `satisfies` entry, in order.
    pub satisfies_lines: Vec<usize>,
    /// Line of the `approval` key, or of `id` when absent.
    pub approval_line: usize,
    /// Line of the `review_by` key, or of `id` when absent.
    pub review_line: usize,
    /// Headings in order.
    pub sections: Vec<Section>,
    /// Links in order.
    pub links: Vec<Link>,
    /// The Markdown body (after the front matter).
    pub body: String,
    /// 1-based line where the body starts.
    pub body_line: usize,
    /// The newest commit (up to the as-of date) that changed the body
    /// after the approval date, if any: the document was edited after it
    /// was approved.
    pub edited_after_approval: Option<crate::model::history::Change>,
}

impl Document {
    /// The section with heading id `id`.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// Location in this file.
    pub fn at(&self, line: usize) -> Location {
        Location::new(&self.file, line, 1)
    }
}
