//! The view of the submission bundle (提出書類一式) as a city's reviewer
//! reads it: the 提出書 (cover letter), the order of the documents (by
//! kind, then as configured) and of the ledgers (as the checklist first
//! cites them), the 基準対照表 (every requirement with what satisfies
//! it), the staff roster and pledge list, and the evidence files the
//! answers point at, in checklist order, to be attached as pages.

use std::collections::BTreeMap;

use serde::Serialize;

use super::pages::{self, LedgerView, Pages, short_title};
use crate::check::{Context, Resolved};
use crate::model::config::Signature;
use crate::model::{Document, Entry, FieldValue, Ledger};
use crate::standard::FieldType;

/// Ledger kinds whose evidence is always attached: the signed training
/// records (item 1) and the certificate copies (item 2-8).
pub const ALWAYS_ATTACHED: &[&str] = &["training", "certifications"];

/// The 提出書.
#[derive(Debug, Clone, Serialize)]
pub struct Letter {
    /// 発注者 (the municipality).
    pub client: String,
    /// Its department, if named.
    pub department: Option<String>,
    /// 提出日, YYYY-MM-DD.
    pub date: String,
    /// 提出日 in 和暦.
    pub date_ja: String,
    /// 受注者.
    pub vendor: String,
    /// The vendor's address.
    pub address: Option<String>,
    /// 代表者.
    pub representative: Option<String>,
    /// `seal` or `electronic`.
    pub signature: &'static str,
    /// The note printed for an electronic signature.
    pub signature_note: String,
    /// 担当者.
    pub contact: Option<ContactView>,
    /// 契約件名.
    pub contract: String,
    /// 契約番号.
    pub number: String,
    /// Contract period in 和暦.
    pub period_ja: String,
    /// 業務着手日 in 和暦.
    pub work_start_ja: String,
    /// As-of date in 和暦.
    pub as_of_ja: String,
}

/// The contact person on the 提出書.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    /// Name.
    pub name: String,
    /// Department.
    pub department: Option<String>,
    /// Telephone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// The note printed instead of the 印 box when none is configured.
pub const DEFAULT_SIGNATURE_NOTE: &str =
    "本書は電子署名を付して提出するため、押印を省略しています。";

/// The 提出書's data.
pub fn letter(cx: &Context) -> Letter {
    let c = &cx.project.config;
    let date = c.submission_date.unwrap_or(cx.project.as_of);
    Letter {
        client: c.client.name.clone(),
        department: c.client.department.clone(),
        date: date.to_string(),
        date_ja: date.wareki(),
        vendor: c.vendor.name.clone(),
        address: c.vendor.address.clone(),
        representative: c.vendor.representative.clone(),
        signature: match c.pdf.signature {
            Signature::Seal => "seal",
            Signature::Electronic => "electronic",
        },
        signature_note: c
            .pdf
            .signature_note
            .clone()
            .unwrap_or_else(|| DEFAULT_SIGNATURE_NOTE.to_string()),
        contact: c.vendor.contact.as_ref().map(|k| ContactView {
            name: k.name.clone(),
            department: k.department.clone(),
            phone: k.phone.clone(),
            email: k.email.clone(),
        }),
        contract: c.contract.name.clone(),
        number: c.contract.number.clone(),
        period_ja: format!(
            "{} 〜 {}",
            c.contract.start.wareki(),
            c.contract.end.wareki()
        ),
        work_start_ja: c.contract.work_start.wareki(),
        as_of_ja: cx.project.as_of.wareki(),
    }
}

/// The documents in the bundle's order: by kind (policy, rules,
/// procedure, plan, other), then in the order `pdf.document_order` lists
/// them, then by id.
pub fn document_order<'a>(cx: &Context<'a>) -> Vec<&'a Document> {
    let order = &cx.project.config.pdf.document_order;
    let mut docs: Vec<&Document> = cx.project.documents.iter().collect();
    docs.sort_by_key(|d| {
        let listed = order
            .iter()
            .position(|id| *id == d.meta.id)
            .unwrap_or(usize::MAX);
        (d.meta.kind, listed, d.meta.id.clone())
    });
    docs
}

/// The ledgers in the order the checklist first cites them (answers in
/// the checklist's item order, evidence in the order written), then the
/// ones no answer cites, in file order.
pub fn ledger_order<'a>(cx: &Context<'a>) -> Vec<&'a Ledger> {
    let mut out: Vec<&Ledger> = Vec::new();
    for (_, answer) in answers_in_order(cx) {
        for r in &answer.evidence {
            let id = r.target.split('#').next().unwrap_or(&r.target);
            if let Some(l) = cx.ledgers.get(id)
                && !out.iter().any(|x| std::ptr::eq(*x, *l))
            {
                out.push(*l);
            }
        }
    }
    for l in &cx.project.ledgers {
        if !out.iter().any(|x| std::ptr::eq(*x, l)) {
            out.push(l);
        }
    }
    out
}

/// The answers in the checklist's item order.
fn answers_in_order<'a>(cx: &Context<'a>) -> Vec<(&'a str, &'a crate::model::Answer)> {
    let Some(answers) = &cx.project.answers else {
        return Vec::new();
    };
    cx.standard
        .checklist
        .items
        .iter()
        .filter_map(|i| {
            answers
                .answers
                .iter()
                .find(|a| a.item == i.id)
                .map(|a| (i.id.as_str(), a))
        })
        .collect()
}

/// A document section a requirement row points at.
#[derive(Debug, Clone, Serialize)]
pub struct SectionRef {
    /// 文書名 › 見出し.
    pub label: String,
    /// The document id.
    pub document: String,
    /// The section id (none: the whole document).
    pub section: Option<String>,
}

/// One row of the 基準対照表.
#[derive(Debug, Clone, Serialize)]
pub struct CrossRow {
    /// Requirement id.
    pub id: String,
    /// Its number as in the standard (1, 1.1, 5(6)).
    pub number: String,
    /// Heading or the start of its text.
    pub title: String,
    /// A sub-item of another requirement.
    pub child: bool,
    /// 充足 / 要対応 / 不足.
    pub status_label: String,
    /// `satisfied`, `attention`, `lacking`.
    pub status: crate::check::status::Status,
    /// Document sections that claim it.
    pub sections: Vec<SectionRef>,
    /// Ledgers its checks read: (title, ledger id).
    pub ledgers: Vec<(String, String)>,
    /// Checklist items that map to it: (item id, answer label).
    pub items: Vec<(String, String)>,
}

/// The 基準対照表: every requirement of the standard, in its order.
pub fn cross_reference(p: &Pages) -> Vec<CrossRow> {
    let cx = p.cx;
    let answers = cx.project.answers.as_ref();
    let ledgers = ledger_order(cx);
    cx.standard
        .requirements
        .iter()
        .map(|r| {
            let mut sections = Vec::new();
            for d in document_order(cx) {
                for s in d.meta.satisfies.iter().filter(|s| s.requirement == r.id) {
                    let label = match s.section.as_deref().and_then(|id| d.section(id)) {
                        Some(sec) => format!("{} › {}", d.meta.title, sec.title),
                        None => d.meta.title.clone(),
                    };
                    sections.push(SectionRef {
                        label,
                        document: d.meta.id.clone(),
                        section: s.section.clone(),
                    });
                }
            }
            let kinds: std::collections::BTreeSet<&str> =
                r.checks.iter().flat_map(|c| c.ledger_kinds()).collect();
            let status = p.status(&r.id);
            CrossRow {
                id: r.id.clone(),
                number: r.number.clone(),
                title: short_title(r),
                child: r.parent.is_some(),
                status_label: status.label().into(),
                status,
                sections,
                ledgers: ledgers
                    .iter()
                    .filter(|l| kinds.contains(l.kind.as_str()))
                    .map(|l| (p.ledger_title(l), l.id.clone()))
                    .collect(),
                items: cx
                    .standard
                    .items_for(&r.id)
                    .map(|i| {
                        let answer = answers
                            .and_then(|a| a.answers.iter().find(|x| x.item == i.id))
                            .map(|a| a.value.label().to_string())
                            .unwrap_or_default();
                        (i.id.clone(), answer)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Roster columns the bundle's tables leave to the ledger pages.
const ROSTER_LEAVES_OUT: [&str; 6] = [
    "access",
    "areas",
    "company",
    "agency",
    "subcontractor",
    "dispatch_agreement",
];

/// The 従事者名簿 and 誓約書一覧: the tables of every staff and pledges
/// ledger, masked as `p` masks, without the columns no row fills.
pub fn rosters(p: &Pages) -> Vec<LedgerView> {
    let cx = p.cx;
    let mut out = Vec::new();
    for kind in ["staff", "pledges"] {
        for l in cx.project.ledgers_of(kind) {
            let mut v = pages::ledger(p, l);
            // The roster a city files names who and in what role; access
            // lists, areas and links stay in the ledger itself.
            let fields: Vec<&str> = cx
                .kinds
                .get(kind)
                .map(|k| k.fields.iter().map(|f| f.name.as_str()).collect())
                .unwrap_or_default();
            let operational = |c: usize| {
                fields.len() == v.columns.len() && ROSTER_LEAVES_OUT.contains(&fields[c])
            };
            let keep: Vec<bool> = (0..v.columns.len())
                .map(|c| !operational(c) && v.rows.iter().any(|r| !r.cells[c].text.is_empty()))
                .collect();
            let mut c = 0;
            v.columns.retain(|_| {
                c += 1;
                keep[c - 1]
            });
            for row in &mut v.rows {
                let mut c = 0;
                row.cells.retain(|_| {
                    c += 1;
                    keep[c - 1]
                });
            }
            out.push(v);
        }
    }
    out
}

/// What an attached file supports: an item and a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Support {
    /// The checklist item (none: a record no answer cites, attached
    /// because its kind always is).
    pub item: Option<String>,
    /// The record: `台帳 › 記録（欄）`, or `回答の根拠` for a file an
    /// answer names itself.
    pub record: String,
}

/// An evidence file to attach, with everything it supports.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentSource {
    /// Path relative to the content folder.
    pub path: String,
    /// What it supports, in checklist order.
    pub supports: Vec<Support>,
    /// It holds personal data (a signed list, a pledge): shown by name
    /// only when personal data is masked.
    pub personal: bool,
}

/// The evidence files the answers point at, in checklist order, each once:
/// files an answer names; the evidence fields of the records an answer
/// cites (of training and certification ledgers always, of other ledgers
/// when `pdf.attachments` names their id or kind); then the training and
/// certification records no answer cites.
pub fn attachments(cx: &Context) -> Vec<AttachmentSource> {
    let configured = &cx.project.config.pdf.attachments;
    let attached = |l: &Ledger| {
        ALWAYS_ATTACHED.contains(&l.kind.as_str())
            || configured.iter().any(|c| *c == l.id || *c == l.kind)
    };
    let mut out: Vec<AttachmentSource> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut add = |path: &str, support: Support, personal: bool| {
        let i = *index.entry(path.to_string()).or_insert_with(|| {
            out.push(AttachmentSource {
                path: path.to_string(),
                supports: Vec::new(),
                personal: false,
            });
            out.len() - 1
        });
        let a = &mut out[i];
        a.personal |= personal;
        if !a.supports.contains(&support) {
            a.supports.push(support);
        }
    };
    let entry_files = |l: &'_ Ledger, e: &'_ Entry| -> Vec<(String, String, bool)> {
        let Some(kind) = cx.kinds.get(&l.kind) else {
            return Vec::new();
        };
        kind.fields
            .iter()
            .filter(|f| f.ty == FieldType::Evidence)
            .filter_map(|f| match e.fields.get(&f.name).map(|v| &v.value) {
                Some(FieldValue::Text(t)) => match cx.resolve(t) {
                    Ok(Resolved::File(path)) => {
                        Some((path.to_string(), f.title.clone(), f.personal))
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect()
    };
    let title = |l: &Ledger| l.title.clone().unwrap_or_else(|| cx.kind_title(&l.kind));
    let mut seen_records: std::collections::BTreeSet<(String, String)> = Default::default();
    for (item, answer) in answers_in_order(cx) {
        for r in &answer.evidence {
            match cx.resolve(&r.target) {
                Ok(Resolved::File(path)) => add(
                    path,
                    Support {
                        item: Some(item.to_string()),
                        record: "回答の根拠".into(),
                    },
                    false,
                ),
                Ok(Resolved::Ledger(l, entry)) if attached(l) => {
                    let entries: Vec<&Entry> = match entry {
                        Some(e) => vec![e],
                        None => l.entries.iter().collect(),
                    };
                    for e in entries {
                        seen_records.insert((l.id.clone(), e.id.to_string()));
                        for (path, field, personal) in entry_files(l, e) {
                            add(
                                &path,
                                Support {
                                    item: Some(item.to_string()),
                                    record: format!("{} › {}（{}）", title(l), e.id, field),
                                },
                                personal,
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for l in &cx.project.ledgers {
        if !ALWAYS_ATTACHED.contains(&l.kind.as_str()) {
            continue;
        }
        for e in &l.entries {
            if seen_records.contains(&(l.id.clone(), e.id.to_string())) {
                continue;
            }
            for (path, field, personal) in entry_files(l, e) {
                add(
                    &path,
                    Support {
                        item: None,
                        record: format!("{} › {}（{}）", title(l), e.id, field),
                    },
                    personal,
                );
            }
        }
    }
    out
}

/// A requirement of the standard as the 別添 prints it.
#[derive(Debug, Clone, Serialize)]
pub struct StandardText {
    /// Number.
    pub number: String,
    /// Heading.
    pub title: Option<String>,
    /// A sub-item.
    pub child: bool,
    /// Paragraphs.
    pub paragraphs: Vec<String>,
    /// Examples (the standard's list items).
    pub examples: Vec<String>,
    /// Note.
    pub note: Option<String>,
    /// Source, when not the standard itself (入札告示).
    pub source: Option<String>,
}

/// The standard's text, requirement by requirement.
pub fn standard_text(cx: &Context) -> Vec<StandardText> {
    cx.standard
        .requirements
        .iter()
        .map(|r| StandardText {
            number: r.number.clone(),
            title: r.title.clone(),
            child: r.parent.is_some(),
            paragraphs: r.text.split("\n\n").map(str::to_string).collect(),
            examples: r.examples.clone(),
            note: r.note.clone(),
            source: r.source.clone(),
        })
        .collect()
}
