//! The view models of every page: plain serialisable data built from the
//! project, the standard and the findings, handed to the tera templates.
//! Everything is in a fixed order, so the same input renders the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::links::{self, document_page, entry_anchor, ledger_page, requirement_page};
use crate::check::Context;
use crate::check::status::Status;
use crate::diag::{Finding, Severity};
use crate::model::{AnswerValue, Document, FieldValue, Ledger};
use crate::standard::{FieldType, Requirement};

/// What every page shows in its header and footer.
#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    /// 受注者.
    pub vendor: String,
    /// 発注者.
    pub client: String,
    /// 契約件名.
    pub contract: String,
    /// 契約番号.
    pub number: String,
    /// Contract start.
    pub start: String,
    /// Contract end.
    pub end: String,
    /// Work start.
    pub work_start: String,
    /// Handles 特定個人情報.
    pub specific: bool,
    /// As-of date.
    pub as_of: String,
    /// Git revision text.
    pub revision: String,
    /// anzen's version.
    pub tool_version: String,
    /// Whether personal data is masked.
    pub masked: bool,
    /// The phase of the contract checked (着手前・履行中・終了後).
    pub phase: String,
    /// Its key (`before_work`, `in_progress`, `after_end`).
    pub phase_key: String,
    /// Check errors remain: every page says 下書き（未確定）.
    pub draft: bool,
}

/// A date that falls due, for the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct DueView {
    /// YYYY-MM-DD.
    pub date: String,
    /// What falls due.
    pub what: String,
    /// The checklist item or requirement concerned.
    pub concerns: Option<String>,
    /// Who is responsible.
    pub owner: Option<String>,
}

/// The next `n` dates that fall due within a year of the as-of date.
pub fn due(p: &Pages, n: usize) -> Vec<DueView> {
    let cx = p.cx;
    let until = cx.project.as_of.plus_months(12);
    crate::check::due::due(cx, until)
        .into_iter()
        .take(n)
        .map(|d| DueView {
            date: d.date.to_string(),
            what: d.what.ja,
            concerns: d
                .item
                .map(|i| format!("チェック項目 {i}"))
                .or(d.requirement.map(|r| format!("要件 {r}"))),
            owner: d.owner.map(|o| if p.mask { MASK.to_string() } else { o }),
        })
        .collect()
}

/// A finding as pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// Rule id.
    pub rule: String,
    /// `error` / `warning`.
    pub severity: String,
    /// エラー / 警告.
    pub severity_label: String,
    /// Message (Japanese).
    pub message: String,
    /// Hint (Japanese).
    pub hint: Option<String>,
    /// file:line:col.
    pub location: String,
    /// Page it concerns, from the site root.
    pub url: String,
    /// Checklist item.
    pub item: Option<String>,
    /// Requirement.
    pub requirement: Option<String>,
}

/// A link with a label.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Label.
    pub label: String,
    /// URL from the site root (empty when it does not resolve).
    pub url: String,
    /// Whether the target exists.
    pub ok: bool,
}

/// Builds page models.
pub struct Pages<'a> {
    /// Index of the project.
    pub cx: &'a Context<'a>,
    /// All findings.
    pub findings: &'a [Finding],
    /// Status by requirement.
    pub statuses: &'a BTreeMap<String, Status>,
    /// Mask personal data.
    pub mask: bool,
}

/// Text shown for masked personal data.
pub const MASK: &str = "＊＊＊";

impl<'a> Pages<'a> {
    /// The pages of a checked project; `mask` hides personal data.
    pub fn new(
        cx: &'a Context<'a>,
        findings: &'a [Finding],
        statuses: &'a BTreeMap<String, Status>,
        mask: bool,
    ) -> Self {
        Pages {
            cx,
            findings,
            statuses,
            mask,
        }
    }

    /// A finding for display.
    pub fn finding(&self, f: &Finding) -> FindingView {
        FindingView {
            rule: f.rule.clone(),
            severity: match f.severity {
                Severity::Error => "error".into(),
                Severity::Warning => "warning".into(),
            },
            severity_label: f.severity.label(crate::i18n::Lang::Ja).into(),
            message: self.mask_text(&f.message.ja),
            hint: f.hint.as_ref().map(|h| h.ja.clone()),
            location: f
                .location
                .as_ref()
                .map(|l| l.to_string())
                .unwrap_or_default(),
            url: links::finding_url(self.cx, f),
            item: f.item.clone(),
            requirement: f.requirement.clone(),
        }
    }

    /// Removes personal names from a message when masking (messages name
    /// staff as `氏名（ID）`).
    fn mask_text(&self, text: &str) -> String {
        if !self.mask {
            return text.to_string();
        }
        let mut out = text.to_string();
        for e in self.cx.staff.values() {
            if let Some(name) = e.text("name") {
                out = out.replace(name, MASK);
            }
        }
        out
    }

    /// Findings matching `pred`, for display.
    pub fn findings_where(&self, pred: impl Fn(&Finding) -> bool) -> Vec<FindingView> {
        self.findings
            .iter()
            .filter(|f| pred(f))
            .map(|f| self.finding(f))
            .collect()
    }

    /// The shared header data.
    pub fn site_info(&self, revision: Option<&crate::git::Revision>) -> SiteInfo {
        let c = &self.cx.project.config;
        SiteInfo {
            vendor: c.vendor.name.clone(),
            client: match &c.client.department {
                Some(d) => format!("{} {}", c.client.name, d),
                None => c.client.name.clone(),
            },
            contract: c.contract.name.clone(),
            number: c.contract.number.clone(),
            start: c.contract.start.to_string(),
            end: c.contract.end.to_string(),
            work_start: c.contract.work_start.to_string(),
            specific: c.contract.specific_personal_info,
            as_of: self.cx.project.as_of.to_string(),
            revision: match revision {
                Some(r) if r.dirty => format!("{}（未コミットの変更あり）", r.short),
                Some(r) => format!("{}（{}）", r.short, r.date),
                None => "git 管理外".into(),
            },
            tool_version: env!("CARGO_PKG_VERSION").into(),
            masked: self.mask,
            phase: self.cx.phase.label().ja,
            phase_key: format!("{:?}", self.cx.phase),
            draft: self.findings.iter().any(|f| f.severity == Severity::Error),
        }
    }

    /// A reference for display.
    pub fn reference(&self, target: &str) -> LinkView {
        match self.cx.resolve(target) {
            Ok(r) => LinkView {
                label: self.reference_label(target, &r),
                url: links::resolved_url(&r),
                ok: true,
            },
            Err(_) => LinkView {
                label: target.to_string(),
                url: String::new(),
                ok: false,
            },
        }
    }

    fn reference_label(&self, target: &str, r: &crate::check::Resolved) -> String {
        use crate::check::Resolved;
        match r {
            Resolved::Document(d, None) => d.meta.title.clone(),
            Resolved::Document(d, Some(s)) => format!("{} › {}", d.meta.title, s.title),
            Resolved::Ledger(l, None) => self.ledger_title(l),
            Resolved::Ledger(l, Some(e)) => format!("{} › {}", self.ledger_title(l), e.id),
            Resolved::File(_) => target.rsplit('/').next().unwrap_or(target).to_string(),
        }
    }

    /// A ledger's title (its own, or its kind's).
    pub fn ledger_title(&self, l: &Ledger) -> String {
        l.title
            .clone()
            .unwrap_or_else(|| self.cx.kind_title(&l.kind))
    }

    /// Status of a requirement.
    pub fn status(&self, id: &str) -> Status {
        self.statuses.get(id).copied().unwrap_or(Status::Satisfied)
    }

    /// The display text of a field value, masked if personal.
    pub fn cell(&self, kind: &str, name: &str, value: &FieldValue) -> String {
        let spec = self.cx.kinds.get(kind).and_then(|k| k.field(name));
        if self.mask && spec.is_some_and(|s| s.personal) {
            return MASK.to_string();
        }
        self.cx.display(kind, name, value, self.mask)
    }

    fn staff_label(&self, id: &str) -> String {
        self.cx.staff_label(id, self.mask)
    }
}

/// A requirement row on the dashboard and index.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementRow {
    /// Id.
    pub id: String,
    /// Number as in the standard.
    pub number: String,
    /// Short title.
    pub title: String,
    /// Status key.
    pub status: Status,
    /// Status label.
    pub status_label: String,
    /// Page.
    pub url: String,
    /// Sub-item.
    pub child: bool,
}

/// Rows for all requirements, in the standard's order.
pub fn requirement_rows(p: &Pages) -> Vec<RequirementRow> {
    p.cx.standard
        .requirements
        .iter()
        .map(|r| {
            let s = p.status(&r.id);
            RequirementRow {
                id: r.id.clone(),
                number: r.number.clone(),
                title: short_title(r),
                status: s,
                status_label: s.label().into(),
                url: requirement_page(&r.id),
                child: r.parent.is_some(),
            }
        })
        .collect()
}

/// A requirement's heading, or the start of its text.
pub fn short_title(r: &Requirement) -> String {
    let t = r
        .title
        .clone()
        .unwrap_or_else(|| r.text.split("\n\n").next().unwrap_or("").to_string());
    excerpt(&t, 60)
}

/// One row of the checklist.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    /// Item id.
    pub id: String,
    /// Question text.
    pub text: String,
    /// はい / いいえ / 該当無, or empty.
    pub answer: String,
    /// `yes` / `no` / `na` / empty.
    pub answer_key: String,
    /// Evidence links.
    pub evidence: Vec<LinkView>,
    /// Remediation plan.
    pub remediation: Option<RemediationView>,
    /// Reason for 該当無.
    pub reason: Option<String>,
    /// Note.
    pub note: Option<String>,
    /// Requirements it maps to.
    pub requirements: Vec<LinkView>,
    /// Findings on the item.
    pub findings: Vec<FindingView>,
}

/// A remediation plan for display.
#[derive(Debug, Clone, Serialize)]
pub struct RemediationView {
    /// Plan.
    pub plan: String,
    /// Owner.
    pub owner: String,
    /// Due date.
    pub due: String,
    /// Completion date.
    pub completed: Option<String>,
}

/// A heading of the checklist with its items.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistSectionView {
    /// Heading.
    pub title: String,
    /// Sub-heading rows and items, in order: (sub-heading or None, items).
    pub groups: Vec<(Option<String>, Vec<ItemView>)>,
}

/// The checklist, laid out as the form.
pub fn checklist(p: &Pages) -> Vec<ChecklistSectionView> {
    let std = p.cx.standard;
    let answers = p.cx.project.answers.as_ref();
    let mut out = Vec::new();
    for section in &std.checklist.sections {
        let mut groups: Vec<(Option<String>, Vec<ItemView>)> = Vec::new();
        for item in std
            .checklist
            .items
            .iter()
            .filter(|i| i.section == section.id)
        {
            let sub = item
                .subsection
                .as_ref()
                .and_then(|s| section.subsections.iter().find(|x| &x.id == s))
                .map(|s| s.title.clone());
            if groups.last().is_none_or(|(g, _)| *g != sub) {
                groups.push((sub, Vec::new()));
            }
            let answer = answers.and_then(|a| a.answers.iter().find(|x| x.item == item.id));
            let view = ItemView {
                id: item.id.clone(),
                text: item.text.clone(),
                answer: answer
                    .map(|a| a.value.label().to_string())
                    .unwrap_or_default(),
                answer_key: answer
                    .map(|a| match a.value {
                        AnswerValue::Yes => "yes",
                        AnswerValue::No => "no",
                        AnswerValue::NotApplicable => "na",
                    })
                    .unwrap_or("")
                    .into(),
                evidence: answer
                    .map(|a| a.evidence.iter().map(|r| p.reference(&r.target)).collect())
                    .unwrap_or_default(),
                remediation: answer
                    .and_then(|a| a.remediation.as_ref())
                    .map(|r| RemediationView {
                        plan: r.plan.clone(),
                        owner: p.staff_label(&r.owner),
                        due: r.due.to_string(),
                        completed: r.completed.map(|d| d.to_string()),
                    }),
                reason: answer.and_then(|a| a.reason.clone()),
                note: answer.and_then(|a| a.note.clone()),
                requirements: item
                    .requirements
                    .iter()
                    .map(|r| LinkView {
                        label: r.clone(),
                        url: requirement_page(r),
                        ok: std.requirement(r).is_some(),
                    })
                    .collect(),
                findings: p.findings_where(|f| f.item.as_deref() == Some(item.id.as_str())),
            };
            groups.last_mut().expect("pushed above").1.push(view);
        }
        out.push(ChecklistSectionView {
            title: format!("{}. {}", section.id, section.title),
            groups,
        });
    }
    out
}

/// The checklist-by-evidence matrix: columns are the documents and ledgers
/// cited by any answer, rows the items.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// Column headings.
    pub columns: Vec<LinkView>,
    /// Rows: item id, answer, one mark per column.
    pub rows: Vec<MatrixRow>,
}

/// A row of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    /// Item id.
    pub id: String,
    /// Answer label.
    pub answer: String,
    /// Whether the item cites each column.
    pub cells: Vec<bool>,
}

/// Builds the matrix.
pub fn matrix(p: &Pages) -> Matrix {
    let Some(answers) = &p.cx.project.answers else {
        return Matrix {
            columns: Vec::new(),
            rows: Vec::new(),
        };
    };
    let base = |t: &str| t.split('#').next().unwrap_or(t).to_string();
    let cited: BTreeSet<String> = answers
        .answers
        .iter()
        .flat_map(|a| a.evidence.iter().map(|r| base(&r.target)))
        .collect();
    let mut columns: Vec<String> = Vec::new();
    for d in &p.cx.project.documents {
        if cited.contains(&d.meta.id) && !columns.contains(&d.meta.id) {
            columns.push(d.meta.id.clone());
        }
    }
    for l in &p.cx.project.ledgers {
        if cited.contains(&l.id) && !columns.contains(&l.id) {
            columns.push(l.id.clone());
        }
    }
    let rows =
        p.cx.standard
            .checklist
            .items
            .iter()
            .map(|item| {
                let a = answers.answers.iter().find(|a| a.item == item.id);
                let cites: BTreeSet<String> = a
                    .map(|a| a.evidence.iter().map(|r| base(&r.target)).collect())
                    .unwrap_or_default();
                MatrixRow {
                    id: item.id.clone(),
                    answer: a.map(|a| a.value.label().to_string()).unwrap_or_default(),
                    cells: columns.iter().map(|c| cites.contains(c)).collect(),
                }
            })
            .collect();
    Matrix {
        columns: columns.iter().map(|c| p.reference(c)).collect(),
        rows,
    }
}

/// What a document's page and its row on the list page both show.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentHead {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind label.
    pub kind: String,
    /// Version.
    pub version: Option<String>,
    /// Approver.
    pub approver: Option<String>,
    /// Approval date.
    pub approved: Option<String>,
    /// Review date.
    pub review_by: Option<String>,
    /// Source file.
    pub file: String,
    /// Page URL.
    pub url: String,
}

/// A document's page model (templates see the head's fields at the top).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    /// Id, title, dates, file and URL.
    #[serde(flatten)]
    pub head: DocumentHead,
    /// Table of contents: (level, id, title).
    pub toc: Vec<(u8, String, String)>,
    /// Rendered body (placed in the page after the template has run:
    /// `render::site`'s `document_page`).
    #[serde(skip)]
    pub html: String,
    /// Requirements it satisfies: link to the requirement, and the section.
    pub satisfies: Vec<(LinkView, Option<LinkView>)>,
    /// Checklist items citing it.
    pub cited_by: Vec<LinkView>,
    /// Findings in this document.
    pub findings: Vec<FindingView>,
    /// 改訂履歴 from git, newest first.
    pub history: Vec<ChangeView>,
    /// Whether the project is in git (else the page says so).
    pub in_git: bool,
}

/// A document on the list page: what the table shows, without the body.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentSummary {
    /// Id, title, dates, file and URL.
    #[serde(flatten)]
    pub head: DocumentHead,
    /// Number of findings in the document.
    pub findings: usize,
}

impl From<&DocumentView> for DocumentSummary {
    fn from(d: &DocumentView) -> Self {
        DocumentSummary {
            head: d.head.clone(),
            findings: d.findings.len(),
        }
    }
}

/// A commit in a document's history.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    /// YYYY-MM-DD.
    pub date: String,
    /// Author (masked when masking).
    pub author: String,
    /// Commit summary.
    pub summary: String,
    /// Short commit id.
    pub short: String,
}

/// The history of a file for display, newest first.
pub fn history(p: &Pages, file: &str) -> Vec<ChangeView> {
    p.cx.project
        .history
        .of(file)
        .iter()
        .map(|c| ChangeView {
            date: c.date.clone(),
            author: if p.mask {
                MASK.to_string()
            } else {
                c.author.clone()
            },
            summary: c.summary.clone(),
            short: c.short.clone(),
        })
        .collect()
}

/// Builds a document page model (the body HTML is rendered by the caller).
pub fn document(p: &Pages, d: &Document, html: String) -> DocumentView {
    let m = &d.meta;
    let cited_by =
        p.cx.project
            .answers
            .as_ref()
            .map(|a| {
                a.answers
                    .iter()
                    .filter(|x| {
                        x.evidence
                            .iter()
                            .any(|r| r.target.split('#').next() == Some(m.id.as_str()))
                    })
                    .map(|x| LinkView {
                        label: x.item.clone(),
                        url: format!("checklist.html#item-{}", x.item),
                        ok: true,
                    })
                    .collect()
            })
            .unwrap_or_default();
    DocumentView {
        head: DocumentHead {
            id: m.id.clone(),
            title: m.title.clone(),
            kind: m.kind.label().into(),
            version: m.version.clone(),
            approver: m.approval.as_ref().map(|a| {
                if p.mask {
                    MASK.to_string()
                } else {
                    a.approver.clone()
                }
            }),
            approved: m.approval.as_ref().map(|a| a.date.to_string()),
            review_by: m.review_by.map(|d| d.to_string()),
            file: d.file.clone(),
            url: document_page(&m.id),
        },
        toc: d
            .sections
            .iter()
            .map(|s| (s.level, s.id.clone(), s.title.clone()))
            .collect(),
        html,
        satisfies: m
            .satisfies
            .iter()
            .map(|s| {
                let req = LinkView {
                    label: s.requirement.clone(),
                    url: requirement_page(&s.requirement),
                    ok: p.cx.standard.requirement(&s.requirement).is_some(),
                };
                let sec = s.section.as_ref().map(|id| match d.section(id) {
                    Some(sec) => LinkView {
                        label: sec.title.clone(),
                        url: format!("{}#{}", document_page(&m.id), sec.id),
                        ok: true,
                    },
                    None => LinkView {
                        label: id.clone(),
                        url: String::new(),
                        ok: false,
                    },
                });
                (req, sec)
            })
            .collect(),
        cited_by,
        findings: p.findings_where(|f| f.location.as_ref().is_some_and(|l| *l.file == *d.file)),
        history: history(p, &d.file),
        in_git: p.cx.project.history.in_git,
    }
}

/// What a ledger's page and its row on the list page both show.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerHead {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind and its title.
    pub kind: String,
    /// Retention text.
    pub retention: Option<String>,
    /// Source file.
    pub file: String,
    /// Page URL.
    pub url: String,
}

/// A ledger's page model (templates see the head's fields at the top).
#[derive(Debug, Clone, Serialize)]
pub struct LedgerView {
    /// Id, title, kind, retention, file and URL.
    #[serde(flatten)]
    pub head: LedgerHead,
    /// Column titles.
    pub columns: Vec<String>,
    /// Rows, sorted by date then id.
    pub rows: Vec<LedgerRow>,
    /// Findings on the ledger as a whole (not on an entry).
    pub findings: Vec<FindingView>,
}

/// A ledger on the list page: what the table shows, without the rows.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerSummary {
    /// Id, title, kind, retention, file and URL.
    #[serde(flatten)]
    pub head: LedgerHead,
    /// Number of entries.
    pub count: usize,
    /// Number of findings on the ledger and its entries.
    pub findings: usize,
}

impl From<&LedgerView> for LedgerSummary {
    fn from(l: &LedgerView) -> Self {
        LedgerSummary {
            head: l.head.clone(),
            count: l.rows.len(),
            findings: l.findings.len() + l.rows.iter().map(|r| r.findings.len()).sum::<usize>(),
        }
    }
}

/// One entry of a ledger table.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRow {
    /// Entry id.
    pub id: String,
    /// Anchor.
    pub anchor: String,
    /// Cells in column order.
    pub cells: Vec<LedgerCell>,
    /// Findings on the entry.
    pub findings: Vec<FindingView>,
}

/// The cells a run of ledger rows has made for one column, by the address
/// of the (interned) text shown.
type CellMemo = foldhash::HashMap<usize, LedgerCell>;

/// One cell: text, and a link when the value is a reference.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerCell {
    /// Text.
    pub text: String,
    /// Link, for evidence.
    pub url: Option<String>,
    /// How the text may wrap ([`CellWrap`]).
    pub wrap: CellWrap,
}

/// How a ledger cell's text may break across lines (the site's CSS class
/// and the PDF's cell style).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellWrap {
    /// Never: dates, months, numbers, ids, codes, yes/no, names.
    Code,
    /// Between words (and Japanese characters), never inside a word.
    Words,
    /// Anywhere it must: free text.
    Free,
}

impl Serialize for CellWrap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.class())
    }
}

impl CellWrap {
    /// Its name: the site's CSS class, and what templates see.
    pub fn class(self) -> &'static str {
        match self {
            CellWrap::Code => "code",
            CellWrap::Words => "words",
            CellWrap::Free => "free",
        }
    }

    /// The wrap of a value of type `ty` shown as `text`: a short text
    /// without spaces in ASCII (an id such as `TO-2026-001`) is a code.
    pub fn of(ty: FieldType, text: &str) -> CellWrap {
        match ty {
            FieldType::Date
            | FieldType::Month
            | FieldType::Bool
            | FieldType::Integer
            | FieldType::Staff
            | FieldType::Ref
            | FieldType::Enum => CellWrap::Code,
            FieldType::Text => CellWrap::Free,
            _ if text.chars().count() <= 32 && text.chars().all(|c| c.is_ascii_graphic()) => {
                CellWrap::Code
            }
            _ => CellWrap::Words,
        }
    }
}

/// Builds a ledger page model.
pub fn ledger(p: &Pages, l: &Ledger) -> LedgerView {
    let kind = p.cx.kinds.get(&l.kind);
    let fields: Vec<(&str, &str, FieldType)> = kind
        .map(|k| {
            k.fields
                .iter()
                .map(|f| (f.name.as_str(), f.title.as_str(), f.ty))
                .collect()
        })
        .unwrap_or_default();
    let mut entries: Vec<&crate::model::Entry> = l.entries.iter().collect();
    let date_field = fields
        .iter()
        .find(|(_, _, t)| matches!(t, FieldType::Date | FieldType::Month))
        .map(|(n, _, _)| *n);
    // Each entry's key is worked out once (it used to be twice per
    // comparison: two strings made for every step of the sort).
    entries.sort_by_cached_key(|e| {
        let date = date_field
            .and_then(|f| e.fields.get(f))
            .map(|v| v.value.display())
            .unwrap_or_default();
        (date, e.id.as_str())
    });
    let in_file = |f: &Finding| {
        f.location
            .as_ref()
            .filter(|loc| *loc.file == *l.file)
            .map(|loc| loc.line)
    };
    // Each finding in this file goes to the entry whose span holds its line.
    let starts: Vec<(usize, &str)> = {
        let mut v: Vec<(usize, &str)> = l
            .entries
            .iter()
            .map(|e| (e.location.line, e.id.as_str()))
            .collect();
        v.sort();
        v
    };
    let owner = |line: usize| {
        let k = starts.partition_point(|(s, _)| *s <= line);
        k.checked_sub(1).map(|k| starts[k].1)
    };
    // Findings grouped by entry in one pass (a ledger of 100 000 entries
    // with a finding each used to take hours: every row scanned every
    // finding, and every finding every entry).
    let mut by_entry: foldhash::HashMap<&str, Vec<FindingView>> = foldhash::HashMap::default();
    for f in p.findings {
        if let Some(id) = in_file(f).filter(|line| *line > 0).and_then(owner) {
            by_entry.entry(id).or_default().push(p.finding(f));
        }
    }
    // A cell's text depends only on its value: the texts of a ledger are
    // shared (interned), so each run of rows shows each text once per
    // column and copies it after (staff, areas and purposes repeat on
    // every row).
    let cell = |i: usize, v: &crate::model::Field, memo: &mut [CellMemo]| {
        let (name, _, ty) = fields[i];
        let key = match &v.value {
            FieldValue::Text(t) => Some(std::sync::Arc::as_ptr(t) as usize),
            _ => None,
        };
        if let Some(hit) = key.and_then(|k| memo[i].get(&k)) {
            return hit.clone();
        }
        let text = p.cell(&l.kind, name, &v.value);
        let url = match (ty, &v.value) {
            (FieldType::Evidence, FieldValue::Text(t)) if text != MASK => {
                p.cx.resolve(t).ok().map(|r| links::resolved_url(&r))
            }
            _ => None,
        };
        let wrap = CellWrap::of(ty, &text);
        let made = LedgerCell { text, url, wrap };
        if let Some(k) = key {
            memo[i].insert(k, made.clone());
        }
        made
    };
    let row = |e: &crate::model::Entry, memo: &mut [CellMemo]| LedgerRow {
        id: e.id.to_string(),
        anchor: entry_anchor(&e.id),
        cells: fields
            .iter()
            .enumerate()
            .map(|(i, (name, _, _))| match e.fields.get(name) {
                None => LedgerCell {
                    text: String::new(),
                    url: None,
                    wrap: CellWrap::Words,
                },
                Some(v) => cell(i, v, memo),
            })
            .collect(),
        findings: by_entry.get(e.id.as_str()).cloned().unwrap_or_default(),
    };
    // Rows in parallel runs, kept in order: one ledger of 100,000 entries
    // is most of this stage, and it ran on one thread after the others.
    use rayon::prelude::*;
    let rows: Vec<LedgerRow> = entries
        .par_chunks(2048)
        .flat_map_iter(|run| {
            let mut memo = vec![foldhash::HashMap::default(); fields.len()];
            run.iter().map(move |e| row(e, &mut memo))
        })
        .collect();
    LedgerView {
        head: LedgerHead {
            id: l.id.clone(),
            title: p.ledger_title(l),
            kind: format!(
                "{}（{}）",
                kind.map(|k| k.title.as_str()).unwrap_or(&l.kind),
                l.kind
            ),
            retention: l.retention.map(|r| match r {
                crate::model::Retention::Years(n) => format!("記録から{n}年"),
                crate::model::Retention::Until(d) => format!("{d} まで"),
            }),
            file: l.file.clone(),
            url: ledger_page(&l.id),
        },
        columns: fields.iter().map(|(_, t, _)| t.to_string()).collect(),
        rows,
        findings: p.findings_where(|f| {
            in_file(f).is_some_and(|line| owner(line).is_none())
                || (f.location.is_none()
                    && f.rule.starts_with("ledger.")
                    && f.message.ja.contains(&l.kind))
        }),
    }
}

/// A requirement's page model.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementView {
    /// Id.
    pub id: String,
    /// Number.
    pub number: String,
    /// Heading, for sections.
    pub title: Option<String>,
    /// Paragraphs of the text.
    pub paragraphs: Vec<String>,
    /// Note.
    pub note: Option<String>,
    /// Examples.
    pub examples: Vec<String>,
    /// Source, if not the standard.
    pub source: Option<String>,
    /// Status key.
    pub status: Status,
    /// Status label.
    pub status_label: String,
    /// What the checks demand.
    pub checks: Vec<String>,
    /// Document sections that satisfy it.
    pub satisfied_by: Vec<LinkView>,
    /// Ledgers its checks read.
    pub ledgers: Vec<LinkView>,
    /// Checklist items mapping to it: link, answer.
    pub items: Vec<(LinkView, String)>,
    /// Parent requirement.
    pub parent: Option<LinkView>,
    /// Sub-items.
    pub children: Vec<RequirementRow>,
    /// Findings.
    pub findings: Vec<FindingView>,
}

/// Builds a requirement page model.
pub fn requirement(p: &Pages, r: &Requirement) -> RequirementView {
    let std = p.cx.standard;
    let mut satisfied_by = Vec::new();
    for d in &p.cx.project.documents {
        for s in d.meta.satisfies.iter().filter(|s| s.requirement == r.id) {
            let target = match &s.section {
                Some(sec) => format!("{}#{sec}", d.meta.id),
                None => d.meta.id.clone(),
            };
            satisfied_by.push(p.reference(&target));
        }
    }
    let kinds: BTreeSet<&str> = r.checks.iter().flat_map(|c| c.ledger_kinds()).collect();
    let ledgers =
        p.cx.project
            .ledgers
            .iter()
            .filter(|l| kinds.contains(l.kind.as_str()))
            .map(|l| p.reference(&l.id))
            .collect();
    let answers = p.cx.project.answers.as_ref();
    let items = std
        .items_for(&r.id)
        .map(|i| {
            let a = answers
                .and_then(|a| a.answers.iter().find(|x| x.item == i.id))
                .map(|a| a.value.label().to_string())
                .unwrap_or_default();
            (
                LinkView {
                    label: format!("{} {}", i.id, excerpt(&i.text, 40)),
                    url: format!("checklist.html#item-{}", i.id),
                    ok: true,
                },
                a,
            )
        })
        .collect();
    let children: Vec<RequirementRow> = requirement_rows(p)
        .into_iter()
        .filter(|row| {
            std.requirement(&row.id)
                .is_some_and(|c| c.parent.as_deref() == Some(r.id.as_str()))
        })
        .collect();
    let child_ids: Vec<String> = children.iter().map(|c| c.id.clone()).collect();
    let s = p.status(&r.id);
    RequirementView {
        id: r.id.clone(),
        number: r.number.clone(),
        title: r.title.clone(),
        paragraphs: r.text.split("\n\n").map(str::to_string).collect(),
        note: r.note.as_ref().map(|n| n.replace("\n\n", "")),
        examples: r.examples.clone(),
        source: r.source.clone(),
        status: s,
        status_label: s.label().into(),
        checks: r.checks.iter().map(|c| c.describe().ja).collect(),
        satisfied_by,
        ledgers,
        items,
        parent: r.parent.as_ref().map(|id| LinkView {
            label: id.clone(),
            url: requirement_page(id),
            ok: true,
        }),
        children,
        findings: p.findings_where(|f| {
            f.requirement.as_deref() == Some(r.id.as_str())
                || f.requirement
                    .as_ref()
                    .is_some_and(|x| child_ids.contains(x))
                || f.item
                    .as_deref()
                    .and_then(|i| std.item(i))
                    .is_some_and(|i| i.requirements.contains(&r.id))
        }),
    }
}

/// The first `n` characters of `text` on one line, with `…` when cut.
pub fn excerpt(text: &str, n: usize) -> String {
    // Word by word up to `n` characters: a ledger's whole text can be
    // megabytes, of which only the start is read.
    let mut s = String::with_capacity(n.min(text.len()) * 3 + 3);
    let mut count = 0;
    for word in text.split_whitespace() {
        if count > 0 {
            if count == n {
                s.push('…');
                return s;
            }
            s.push(' ');
            count += 1;
        }
        // The word whole when it fits, else up to the character that does
        // not (copied as one slice, not char by char).
        let room = n - count;
        match word.char_indices().nth(room) {
            None => {
                s.push_str(word);
                count += word.chars().count();
            }
            Some((cut, _)) => {
                s.push_str(&word[..cut]);
                s.push('…');
                return s;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn an_excerpt_is_the_start_of_the_text_on_one_line() {
        // What it was before it stopped reading at n characters: the whole
        // text on one line, cut at n with … when longer.
        let whole = |text: &str, n: usize| {
            let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut s: String = one.chars().take(n).collect();
            if one.chars().count() > n {
                s.push('…');
            }
            s
        };
        for text in [
            "",
            "  ",
            "研修 記録",
            "a  b\n\tc ",
            "一二三四五",
            "ab cd",
            " x",
        ] {
            for n in 0..8 {
                assert_eq!(excerpt(text, n), whole(text, n), "{text:?} {n}");
            }
        }
        assert_eq!(excerpt("研修 記録の件", 4), "研修 記…");
    }
}
