//! References: evidence cited by answers and ledgers, staff ids in ledgers,
//! and links between documents must all resolve; ids must be unique.

use std::collections::BTreeMap;

use super::Context;
use crate::diag::{Finding, Location};
use crate::model::{Document, Entry, FieldValue, Ledger, Section};
use crate::standard::FieldType;
use crate::tr;

/// What a reference points at.
#[derive(Debug, Clone, Copy)]
pub enum Resolved<'a> {
    /// A document, or one of its sections.
    Document(&'a Document, Option<&'a Section>),
    /// A ledger, or one of its entries.
    Ledger(&'a Ledger, Option<&'a Entry>),
    /// A file under the content folder (its path relative to it).
    File(&'a str),
}

impl<'a> Context<'a> {
    /// Resolves `doc-id`, `doc-id#section`, `ledger-id`, `ledger-id#entry`
    /// or a content file path; the error says what is missing.
    pub fn resolve(&self, target: &str) -> Result<Resolved<'a>, crate::i18n::Text> {
        let target = target.trim();
        let (id, frag) = match target.split_once('#') {
            Some((i, f)) => (i, Some(f)),
            None => (target, None),
        };
        if let Some(doc) = self.docs.get(id) {
            return match frag {
                None => Ok(Resolved::Document(doc, None)),
                Some(f) => doc.section(f).map(|s| Resolved::Document(doc, Some(s))).ok_or_else(|| {
                    tr!("文書「{}」に見出し ID「{}」がありません", "document '{}' has no heading id '{}'"; id, f)
                }),
            };
        }
        if let Some(ledger) = self.ledgers.get(id) {
            return match frag {
                None => Ok(Resolved::Ledger(ledger, None)),
                Some(f) => ledger
                    .entries
                    .iter()
                    .find(|e| *e.id == *f)
                    .map(|e| Resolved::Ledger(ledger, Some(e)))
                    .ok_or_else(|| tr!("台帳「{}」に記録「{}」がありません", "ledger '{}' has no entry '{}'"; id, f)),
            };
        }
        // A file, even one with `#` in its name.
        if let Some(path) = self.project.files.get(target) {
            return Ok(Resolved::File(path.as_str()));
        }
        if outside_content(target) {
            return Err(outside(target));
        }
        Err(tr!(
            "「{}」に当たる文書・台帳・ファイルがありません",
            "'{}' matches no document, ledger or file"; target
        ))
    }

    /// Whether `target` names a document or ledger whose file failed to
    /// load: it cannot be judged, and that failure is reported already.
    pub fn names_unloaded(&self, target: &str) -> bool {
        let id = target.trim().split('#').next().unwrap_or_default();
        self.unloaded.ids.contains(id)
            || self
                .project
                .unreadable_dirs
                .iter()
                .any(|d| id.starts_with(&format!("{d}/")))
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    duplicate_ids(cx, out);
    for ledger in &cx.project.ledgers {
        let Some(kind) = cx.kinds.get(&ledger.kind) else {
            continue;
        };
        // The schema of each field, found once per set of field names (the
        // entries of a ledger share theirs), not once per field.
        let mut specs = crate::model::ledger::SlotMap::default();
        for entry in &ledger.entries {
            let specs = specs.of(&entry.fields, |name| kind.field(name));
            for (slot, field) in entry.fields.slotted() {
                let Some(spec) = specs[usize::from(slot)] else {
                    continue;
                };
                // Made only for a finding.
                let at = || entry.field_location(field);
                match (spec.ty, &field.value) {
                    (FieldType::Staff, FieldValue::Text(id)) => unknown_staff(cx, id, &at, out),
                    (FieldType::StaffList, FieldValue::List(ids)) => {
                        ids.iter().for_each(|id| unknown_staff(cx, id, &at, out))
                    }
                    (FieldType::Ref, FieldValue::Text(id)) => unknown_ref(cx, spec, id, &at, out),
                    (FieldType::RefList, FieldValue::List(ids)) => ids
                        .iter()
                        .for_each(|id| unknown_ref(cx, spec, id, &at, out)),
                    (FieldType::Evidence, FieldValue::Text(t)) => match cx.resolve(t) {
                        Err(msg) if !cx.names_unloaded(t) => out.push(unresolved(msg, at())),
                        _ => {}
                    },
                    _ => {}
                }
            }
            if ledger.kind == "certifications"
                && let Some(holder) = entry.text("holder")
            {
                let is_sub = cx
                    .project
                    .entries_of("subcontractors")
                    .any(|(_, s)| *s.id == *holder);
                if holder != "vendor" && !is_sub && !cx.kind_unknown("subcontractors") {
                    out.push(
                            unresolved(
                                tr!("取得者「{}」は vendor でも再委託先 ID でもありません", "holder '{}' is neither vendor nor a subcontractor id"; holder),
                                entry.at("holder"),
                            )
                            .hint(tr!("受注者は vendor、再委託先は再委託先一覧の id を書いてください", "write vendor, or the id of a subcontractor")),
                        );
                }
            }
        }
    }
    for doc in &cx.project.documents {
        for link in &doc.links {
            if let Err(msg) = resolve_link(cx, doc, &link.target) {
                out.push(
                    Finding::error("link.unresolved", msg)
                        .at(link.location.clone())
                        .hint(tr!(
                            "リンク先は 文書ID、文書ID#見出しID、#見出しID、または content/ 内のファイルです",
                            "link to doc-id, doc-id#heading-id, #heading-id or a file under content/"
                        )),
                );
            }
        }
    }
}

/// Whether a path climbs out of content/ or is not a relative `/` path at
/// all (`../../anzen.yaml`, `/etc/passwd`, `..\\..\\x`, `C:x`): such a
/// target is reported and never looked up on disk.
fn outside_content(path: &str) -> bool {
    let path = path.split('#').next().unwrap_or_default();
    path.starts_with('/')
        || path.contains('\\')
        || path.split('/').any(|s| s == "..")
        || path.as_bytes().get(1) == Some(&b':')
}

fn outside(target: &str) -> crate::i18n::Text {
    tr!(
        "「{}」は content/ の外を指しています（読み込みません）",
        "'{}' points outside content/ (not read)"; target
    )
}

fn unresolved(msg: crate::i18n::Text, at: Location) -> Finding {
    Finding::error("reference.unresolved", msg).at(at).hint(tr!(
        "文書ID、文書ID#見出しID、台帳ID、台帳ID#記録ID、または content/ からのファイルパスを書いてください",
        "write doc-id, doc-id#heading-id, ledger-id, ledger-id#entry-id or a path under content/"
    ))
}

fn unknown_staff(cx: &Context, id: &str, at: &dyn Fn() -> Location, out: &mut Vec<Finding>) {
    if !cx.staff.contains_key(id) && !cx.kind_unknown("staff") {
        let ids: Vec<String> = cx.staff.keys().map(|s| s.to_string()).collect();
        let hint = crate::yaml::did_you_mean(id, &ids)
            .map(|s| tr!("「{}」の誤りではありませんか", "did you mean '{}'?"; s))
            .unwrap_or_else(|| {
                tr!(
                    "従事者名簿（kind: staff）に登録してください",
                    "add the person to the staff roster (kind: staff)"
                )
            });
        out.push(
            Finding::error(
                "reference.unknown-staff",
                tr!("従事者 ID「{}」は名簿にありません", "staff id '{}' is not on the roster"; id),
            )
            .at(at())
            .hint(hint),
        );
    }
}

fn resolve_link(cx: &Context, doc: &Document, target: &str) -> Result<(), crate::i18n::Text> {
    let t = target.trim();
    if t.is_empty() {
        return Err(tr!("リンク先が空です", "empty link target"));
    }
    if t.contains("://") || t.starts_with("mailto:") || t.starts_with("tel:") {
        return Ok(());
    }
    if let Some(frag) = t.strip_prefix('#') {
        return doc.section(frag).map(|_| ()).ok_or_else(|| {
            tr!("この文書に見出し ID「{}」がありません", "this document has no heading id '{}'"; frag)
        });
    }
    match cx.resolve(t) {
        Ok(_) => return Ok(()),
        Err(_) if cx.names_unloaded(t) => return Ok(()),
        // A known document or ledger without that heading or entry: say so.
        Err(msg)
            if t.split_once('#')
                .is_some_and(|(id, _)| cx.docs.contains_key(id) || cx.ledgers.contains_key(id)) =>
        {
            return Err(msg);
        }
        Err(_) => {}
    }
    if t.contains('\\') || t.starts_with('/') || t.as_bytes().get(1) == Some(&b':') {
        return Err(outside(t));
    }
    // A path relative to the document (e.g. ../ledgers/x.yaml, other.md#sec).
    let (path, frag) = t
        .split_once('#')
        .map(|(p, f)| (p, Some(f)))
        .unwrap_or((t, None));
    let base = doc
        .content_path
        .rsplit_once('/')
        .map(|(d, _)| d)
        .unwrap_or("");
    let Some(joined) = normalize(base, path) else {
        return Err(outside(t));
    };
    if let Some(target_doc) = cx
        .project
        .documents
        .iter()
        .find(|d| d.content_path == joined)
    {
        return match frag {
            Some(f) if target_doc.section(f).is_none() => Err(tr!(
                "文書「{}」に見出し ID「{}」がありません", "document '{}' has no heading id '{}'"; target_doc.meta.id, f
            )),
            _ => Ok(()),
        };
    }
    if cx.project.files.contains(&joined) {
        return Ok(());
    }
    Err(tr!("リンク先「{}」が見つかりません", "link target '{}' not found"; t))
}

/// Joins a relative path onto a folder inside content/, or None if it
/// climbs out (`/x` is relative to content/). Shared with the site's link
/// rewriting so that a link resolves there exactly when the check accepts it.
pub(crate) fn normalize(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn duplicate_ids(cx: &Context, out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<&str, Location> = BTreeMap::new();
    let docs = cx
        .project
        .documents
        .iter()
        .map(|d| (d.meta.id.as_str(), d.at(d.id_line)));
    let ledgers = cx
        .project
        .ledgers
        .iter()
        .map(|l| (l.id.as_str(), Location::new(&l.file, 1, 1)));
    for (id, at) in docs.chain(ledgers) {
        if let Some(first) = seen.get(id) {
            out.push(
                Finding::error("document.duplicate-id", tr!("id「{}」は {} でも使われています", "id '{}' is also used by {}"; id, first))
                    .at(at)
                    .hint(tr!("文書・台帳の id は一意にしてください", "give every document and ledger a unique id")),
            );
        } else {
            seen.insert(id, at);
        }
    }
}

/// A `ref` field's id names no entry of a ledger of the kind it points at.
fn unknown_ref(
    cx: &Context,
    spec: &crate::standard::FieldSpec,
    id: &str,
    at: &dyn Fn() -> Location,
    out: &mut Vec<Finding>,
) {
    let Some(to) = spec.to.as_deref() else {
        return;
    };
    if cx.entry_of(to, id).is_some() || cx.kind_unknown(to) {
        return;
    }
    let title = cx.kind_title(to);
    let known: Vec<&str> = cx
        .project
        .entries_of(to)
        .map(|(_, e)| e.id.as_str())
        .take(8)
        .collect();
    out.push(
        unresolved(
            tr!(
                "{}「{}」は{}（kind: {}）にありません",
                "{} '{}' is not in the {} (kind: {})"; spec.title, id, title, to
            ),
            at(),
        )
        .hint(if known.is_empty() {
            tr!("{}（kind: {}）の台帳を作り、id: {} の記録を定義してください", "create a {} ledger (kind: {}) defining id: {}"; title, to, id)
        } else {
            tr!("定義されている ID: {}", "ids defined: {}"; known.join(", "))
        }),
    );
}
