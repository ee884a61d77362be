//! Records against stated controls: an はい answer or a rule in the
//! vendor's own documents states a control (only the company's encrypted
//! media; never plain e-mail; no private devices; locked containers), and
//! a record that shows the opposite is an error naming the record and the
//! answer or section it contradicts. Controls are data: `record_values` in
//! the standard (on an item, made only when it is answered はい), and
//! `controls:` in a document's front matter or in anzen.yaml.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::Context;
use crate::diag::{Finding, Location};
use crate::i18n::Text;
use crate::model::{Entry, FieldValue};
use crate::standard::FieldType;
use crate::tr;

/// A control to hold the records of one ledger kind to.
pub(super) struct Rule<'r> {
    pub ledger: &'r str,
    pub field: &'r str,
    pub allowed: &'r [String],
    pub forbidden: &'r [String],
    pub filter: &'r BTreeMap<String, Vec<String>>,
    pub required: bool,
    /// Where the control is stated, for the message
    /// (`チェック項目 4-1 の「はい」`, `文書「規程」の節「持出し」`).
    pub source: Text,
    /// The control in words.
    pub note: &'r str,
    /// The finding's rule id.
    pub rule: &'r str,
}

impl<'r> Rule<'r> {
    /// A control the vendor states (`controls:`), stated at `source`.
    fn stated(c: &'r crate::model::Control, source: Text) -> Rule<'r> {
        Rule {
            ledger: &c.ledger,
            field: &c.field,
            allowed: &c.allowed,
            forbidden: &c.forbidden,
            filter: &c.filter,
            required: c.required,
            source,
            note: &c.rule,
            rule: "record.contradicts-rule",
        }
    }
}

/// The vendor's own controls: from anzen.yaml and from documents.
pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for c in &cx.project.config.controls {
        if let Some(bad) = invalid(cx, &c.ledger, &c.field, c.filter.keys()) {
            out.push(
                Finding::error("control.invalid", bad)
                    .at(Location::file(crate::model::config::CONFIG_FILE)),
            );
            continue;
        }
        let source = tr!("anzen.yaml の controls", "the controls of anzen.yaml");
        apply(cx, &Rule::stated(c, source), out);
    }
    for doc in &cx.project.documents {
        for c in &doc.meta.controls {
            let section = c.section.as_deref();
            let bad = invalid(cx, &c.ledger, &c.field, c.filter.keys()).or_else(|| {
                section.filter(|s| doc.section(s).is_none()).map(|s| {
                    tr!(
                        "controls の section「{}」は文書「{}」の見出し ID にありません",
                        "controls names a section '{}' that document '{}' does not have"; s, doc.meta.id
                    )
                })
            });
            if let Some(bad) = bad {
                out.push(Finding::error("control.invalid", bad).at(doc.at(doc.id_line)));
                continue;
            }
            let heading = section
                .and_then(|s| doc.section(s))
                .map(|s| s.title.clone());
            let source = match &heading {
                Some(h) => tr!("文書「{}」の「{}」", "'{}' of document '{}'"; doc.meta.title, h)
                    .with_en(format!("'{}' of document '{}'", h, doc.meta.title)),
                None => tr!("文書「{}」", "document '{}'"; doc.meta.title),
            };
            apply(cx, &Rule::stated(c, source), out);
        }
    }
}

/// Why a control cannot be applied (an unknown ledger kind or field).
fn invalid<'k>(
    cx: &Context,
    ledger: &str,
    field: &str,
    filter: impl Iterator<Item = &'k String>,
) -> Option<Text> {
    let Some(kind) = cx.kinds.get(ledger) else {
        return Some(
            tr!("controls の台帳の種類「{}」は未知です", "controls names an unknown ledger kind '{}'"; ledger),
        );
    };
    if resolve_path(cx, ledger, field).is_none() {
        return Some(tr!(
            "controls の項目「{}」は台帳「{}」にありません（参照をたどる場合は device.owner のように書きます）",
            "controls names a field '{}' that {} does not have (follow a reference with device.owner)"; field, kind.title
        ));
    }
    for f in filter {
        if kind.field(f).is_none() {
            return Some(
                tr!("controls の where の項目「{}」は台帳「{}」にありません", "controls' where names a field '{}' that {} does not have"; f, kind.title),
            );
        }
    }
    None
}

/// The kinds and fields a path walks through.
type Steps = Vec<(String, String)>;

/// The kinds and fields a path walks through: `device.owner` on take_out
/// is `[(take_out, device), (devices, owner)]`.
fn resolve_path(cx: &Context, ledger: &str, path: &str) -> Option<Steps> {
    let mut kind = ledger.to_string();
    let mut steps = Vec::new();
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let spec = cx.kinds.get(&kind)?.field(part)?;
        steps.push((kind.clone(), part.to_string()));
        if i + 1 < parts.len() {
            kind = spec.target()?.to_string();
        }
    }
    Some(steps)
}

/// The values a field path holds in an entry, the path resolved once
/// ([`resolve_path`]): `None` when the path breaks (a field absent, a
/// reference to nothing). Texts and lists are borrowed, not copied: a rule
/// is held to every row of a million-row ledger.
fn values_along<'a>(
    cx: &Context<'a>,
    entry: &'a Entry,
    steps: &[(String, String)],
) -> Option<Along<'a>> {
    let mut current = entry;
    for (i, (kind, field)) in steps.iter().enumerate() {
        let value = &current.fields.get(field)?.value;
        if i + 1 == steps.len() {
            return Some(match value {
                FieldValue::List(items) => Along::Many(items),
                FieldValue::Text(t) => Along::One(Cow::Borrowed(t.as_str())),
                v => Along::One(Cow::Owned(v.display())),
            });
        }
        let spec = cx.kinds.get(kind)?.field(field)?;
        let FieldValue::Text(id) = value else {
            return None;
        };
        current = cx.entry_of(spec.target()?, id)?;
    }
    None
}

/// What a field path holds: a list's items, or one value as text.
enum Along<'a> {
    Many(&'a [String]),
    One(Cow<'a, str>),
}

impl Along<'_> {
    fn iter(&self) -> impl Iterator<Item = &str> {
        let (many, one) = match self {
            Along::Many(items) => (*items, None),
            Along::One(v) => (&[][..], Some(v.as_ref())),
        };
        many.iter().map(String::as_str).chain(one)
    }
}

/// A value as written in a control (the value or its label) in the
/// field's values.
fn normalise(cx: &Context, ledger: &str, path: &str, written: &str) -> String {
    let Some(steps) = resolve_path(cx, ledger, path) else {
        return written.to_string();
    };
    let Some((kind, field)) = steps.last() else {
        return written.to_string();
    };
    let Some(spec) = cx.kinds.get(kind).and_then(|k| k.field(field)) else {
        return written.to_string();
    };
    if spec.ty == FieldType::Enum
        && let Some(i) = spec.labels.iter().position(|l| l == written)
        && let Some(v) = spec.values.get(i)
    {
        return v.clone();
    }
    match written {
        "はい" | "yes" => "true".into(),
        "いいえ" | "no" => "false".into(),
        w => w.to_string(),
    }
}

/// Holds every entry of the rule's ledger to it.
pub(super) fn apply(cx: &Context, rule: &Rule, out: &mut Vec<Finding>) {
    let allowed: Vec<String> = rule
        .allowed
        .iter()
        .map(|v| normalise(cx, rule.ledger, rule.field, v))
        .collect();
    let forbidden: Vec<String> = rule
        .forbidden
        .iter()
        .map(|v| normalise(cx, rule.ledger, rule.field, v))
        .collect();
    let filter: Vec<(&String, Vec<String>)> = rule
        .filter
        .iter()
        .map(|(k, vs)| {
            (
                k,
                vs.iter()
                    .map(|v| normalise(cx, rule.ledger, k, v))
                    .collect(),
            )
        })
        .collect();
    let head = rule.field.split('.').next().unwrap_or(rule.field);
    // Each path resolved once for the rule, not once per entry; a path
    // that does not resolve holds no value in any entry.
    let filter: Vec<(Option<Steps>, Vec<String>)> = filter
        .into_iter()
        .map(|(k, vs)| (resolve_path(cx, rule.ledger, k), vs))
        .collect();
    let field_steps = resolve_path(cx, rule.ledger, rule.field);
    for (ledger, entry) in cx.project.entries_of(rule.ledger) {
        let selected = filter.iter().all(|(steps, vs)| {
            steps
                .as_deref()
                .and_then(|steps| values_along(cx, entry, steps))
                .is_some_and(|have| have.iter().any(|h| vs.iter().any(|v| v == h)))
        });
        if !selected {
            continue;
        }
        let shown_field = || field_title(cx, rule.ledger, rule.field);
        let values = field_steps
            .as_deref()
            .and_then(|steps| values_along(cx, entry, steps));
        let Some(values) = values else {
            let shown_field = shown_field();
            if rule.required {
                out.push(
                    Finding::error(
                        rule.rule,
                        tr!(
                            "{}の記録「{}」に{}がなく、{}（{}）を守っていることを示せません",
                            "entry '{}' of {} has no {} and cannot show that it keeps {} ({})";
                            cx.kind_title(rule.ledger), entry.id, shown_field, rule.source.ja, rule.note
                        )
                        .with_en(format!(
                            "entry '{}' of {} has no {} ({}) and cannot show that it keeps {} ({})",
                            entry.id, ledger.id, shown_field, rule.field, rule.source.en, rule.note
                        )),
                    )
                    .at(entry.at(head))
                    .hint(tr!("{}: を記入してください", "fill in {}:"; rule.field)),
                );
            }
            continue;
        };
        let has = |list: &[String], v: &str| list.iter().any(|l| l == v);
        let bad = values
            .iter()
            .find(|v| has(&forbidden, v) || (!allowed.is_empty() && !has(&allowed, v)));
        if let Some(bad) = bad {
            let shown_field = shown_field();
            let shown = shown_value(cx, rule.ledger, rule.field, bad);
            out.push(
                Finding::error(
                    rule.rule,
                    tr!(
                        "{}の記録「{}」の{}「{}」は、{}（{}）に反します",
                        "entry '{}' of {}: {} is '{}', against {} ({})";
                        cx.kind_title(rule.ledger), entry.id, shown_field, shown, rule.source.ja, rule.note
                    )
                    .with_en(format!(
                        "entry '{}' of {}: {} is '{}', against {} ({})",
                        entry.id, ledger.id, rule.field, bad, rule.source.en, rule.note
                    )),
                )
                .at(entry.at(head))
                .hint(if allowed.is_empty() {
                    tr!("記録が正しければ、回答・規程を見直してください（不可: {}）", "if the record is right, revise the answer or the rule (forbidden: {})"; rule.forbidden.join("・"))
                } else {
                    tr!("記録が正しければ、回答・規程を見直してください（許容: {}）", "if the record is right, revise the answer or the rule (allowed: {})"; rule.allowed.join("・"))
                }),
            );
        }
    }
}

/// `機器・媒体 → 所有` for `device.owner`.
fn field_title(cx: &Context, ledger: &str, path: &str) -> String {
    match resolve_path(cx, ledger, path) {
        Some(steps) => steps
            .iter()
            .map(|(k, f)| cx.field_title(k, f))
            .collect::<Vec<_>>()
            .join("の"),
        None => path.to_string(),
    }
}

/// A raw value as people read it (the enum's label, ○/－).
fn shown_value(cx: &Context, ledger: &str, path: &str, value: &str) -> String {
    let Some((kind, field)) = resolve_path(cx, ledger, path).and_then(|s| s.last().cloned()) else {
        return value.to_string();
    };
    let v = match value {
        "true" => FieldValue::Bool(true),
        "false" => FieldValue::Bool(false),
        v => FieldValue::Text(std::sync::Arc::new(v.to_string())),
    };
    cx.display(&kind, &field, &v, true)
}
