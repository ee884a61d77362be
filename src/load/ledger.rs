//! Loading one ledger file: its header (kind, id, title, retention) and
//! entries, each field validated against the kind's schema with its
//! position kept. A bad field is reported and dropped; the rest of the
//! entry and of the file still loads.

use std::sync::Arc;

use crate::date::{Date, Month};
use crate::diag::{Finding, Location};
use crate::model::{Entry, Field, FieldValue, Fields, Ledger, Retention, same_name};
use crate::standard::{FieldType, LedgerKind, LedgerKinds};
use crate::tr;
use crate::yaml::{self, Node, NodeKind, NodeRef, NodeRefKind};

const HEADER_KEYS: &[&str] = &["kind", "id", "title", "retention", "entries"];

/// Reads a ledger file's text; problems (YAML ones included) go to
/// `findings`. Entries are typed one by one as the parser reads them
/// ([`yaml::parse_streaming`]), so a long ledger is never held twice.
pub fn parse(
    text: &str,
    kinds: &LedgerKinds,
    file: &str,
    content_path: &str,
    findings: &mut Vec<Finding>,
) -> Option<Ledger> {
    parse_with(text, kinds, file, content_path, findings, true)
}

/// [`parse`], with `fast` false to skip [`crate::yaml::fast`] and read the file with
/// saphyr-parser only (for the differential fuzz target).
#[doc(hidden)]
pub fn parse_with(
    text: &str,
    kinds: &LedgerKinds,
    file: &str,
    content_path: &str,
    findings: &mut Vec<Finding>,
    fast: bool,
) -> Option<Ledger> {
    let mut entries = Entries::new(kinds, file, text.len());
    let fast = fast
        .then(|| {
            yaml::fast::parse_streaming(text, "entries", &mut |header, item| {
                entries.push(header, item)
            })
        })
        .flatten();
    let parsed = match fast {
        Some(parsed) => parsed,
        None => {
            // The fast reader may have handed on some items before giving up.
            entries = Entries::new(kinds, file, text.len());
            yaml::parse_streaming(text, "entries", &mut |header, item| {
                entries.push(header, item.as_ref())
            })
        }
    };
    for e in &parsed.errors {
        findings.push(crate::yaml::finding(e, file, 0));
    }
    let root = parsed.root?;
    from_tree(&root, kinds, file, content_path, entries, findings)
}

/// The entries of a ledger as they are read: typed as soon as the ledger's
/// kind is known (it nearly always comes first), kept as YAML until then.
struct Entries<'k> {
    kinds: &'k LedgerKinds,
    /// The file's path, shared by every position in it.
    file: Arc<str>,
    /// `None` until the header's `kind` has been looked at; `Some(None)`
    /// when it is missing or unknown (the header reports that).
    kind: Option<Option<Schema<'k>>>,
    /// Items read before `kind` was.
    waiting: Vec<Node>,
    /// Line of each id seen, so that a long ledger is not quadratic.
    seen: foldhash::HashMap<Arc<String>, usize>,
    /// Texts read so far: equal values share one allocation.
    texts: Interner,
    out: Vec<Entry>,
    findings: Vec<Finding>,
}

impl<'k> Entries<'k> {
    /// Entries of a file of `len` bytes.
    fn new(kinds: &'k LedgerKinds, file: &str, len: usize) -> Self {
        // About one entry per 150 bytes: the id table and the entries seldom
        // have to grow (the entries are shrunk to fit once read).
        let mut seen = foldhash::HashMap::default();
        seen.reserve(len / 150);
        Entries {
            kinds,
            file: Arc::from(file),
            kind: None,
            waiting: Vec::new(),
            seen,
            texts: Interner::default(),
            out: Vec::with_capacity(len / 150),
            findings: Vec::new(),
        }
    }

    /// One item of `entries`, with the root mapping's pairs read so far.
    fn push(&mut self, header: &[(yaml::Key, Node)], item: NodeRef<'_>) {
        if self.kind.is_none() {
            match header.iter().find(|(k, _)| k.text == "kind") {
                None => {
                    self.waiting.push(item.to_node());
                    return;
                }
                Some((_, v)) => {
                    self.kind = Some(v.as_str().and_then(|n| self.kinds.get(n)).map(Schema::new))
                }
            }
        }
        self.add(&item);
    }

    fn add(&mut self, item: &NodeRef<'_>) {
        let Some(Some(kind)) = &self.kind else {
            return;
        };
        let Some(e) = entry(item, kind, &self.file, &mut self.texts, &mut self.findings) else {
            return;
        };
        if let Some(first_line) = self.seen.get(&e.id) {
            self.findings.push(
                Finding::error(
                    "ledger.duplicate-entry",
                    tr!("記録 id「{}」が重複しています（最初は {} 行目）", "duplicate entry id '{}' (first at line {})"; e.id, first_line),
                )
                .at(e.location.clone()),
            );
            return;
        }
        self.seen.insert(e.id.clone(), e.location.line);
        self.out.push(e);
    }

    /// The typed entries, once the whole file is read and the kind known;
    /// `inline` are the items of an entries sequence that was not streamed.
    fn finish(
        mut self,
        kind: &'k LedgerKind,
        inline: &[Node],
        findings: &mut Vec<Finding>,
    ) -> Vec<Entry> {
        // The header's kind, unless `kind:` came after the entries.
        if !matches!(&self.kind, Some(Some(s)) if std::ptr::eq(s.kind, kind)) {
            self.kind = Some(Some(Schema::new(kind)));
        }
        for item in std::mem::take(&mut self.waiting).iter().chain(inline) {
            self.add(&item.as_ref());
        }
        findings.append(&mut self.findings);
        self.out.shrink_to_fit();
        self.out
    }
}

/// A ledger kind with its field names shared by every entry.
struct Schema<'k> {
    kind: &'k LedgerKind,
    /// The kind's field names, sorted, as every entry's [`Fields`] holds them.
    sorted: Arc<[Arc<str>]>,
    /// For each field of the kind (in its order), its index in `sorted`.
    slots: Vec<u16>,
}

impl<'k> Schema<'k> {
    fn new(kind: &'k LedgerKind) -> Self {
        let names: Vec<Arc<str>> = kind
            .fields
            .iter()
            .map(|f| Arc::from(f.name.as_str()))
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        let slots = names
            .iter()
            .map(|n| sorted.binary_search(n).map_or(u16::MAX, |i| i as u16))
            .collect();
        Schema {
            kind,
            sorted: Arc::from(sorted),
            slots,
        }
    }
}

/// Equal texts share one allocation: a ledger repeats the same areas,
/// staff and purposes on every row.
#[derive(Default)]
struct Interner(foldhash::HashSet<Interned>);

/// A shared text, looked up by its characters (so the table holds no
/// second copy of each text).
struct Interned(Arc<String>);

impl std::borrow::Borrow<str> for Interned {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl std::hash::Hash for Interned {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.as_str().hash(state);
    }
}

impl PartialEq for Interned {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for Interned {}

impl Interner {
    fn get(&mut self, text: &str) -> Arc<String> {
        if let Some(t) = self.0.get(text) {
            return Arc::clone(&t.0);
        }
        let t = Arc::new(text.to_string());
        self.0.insert(Interned(Arc::clone(&t)));
        t
    }
}

/// Builds a ledger from its YAML tree and the entries streamed out of it;
/// problems go to `findings`.
fn from_tree(
    root: &Node,
    kinds: &LedgerKinds,
    file: &str,
    content_path: &str,
    entries_read: Entries<'_>,
    findings: &mut Vec<Finding>,
) -> Option<Ledger> {
    let at = |line: usize, column: usize| Location::new(file, line, column);
    let NodeKind::Map(entries) = &root.kind else {
        findings.push(
            Finding::error(
                "yaml.invalid-value",
                tr!(
                    "台帳は対応表（kind: と entries:）で書いてください",
                    "a ledger must be a mapping with kind: and entries:"
                ),
            )
            .at(at(root.line, root.column)),
        );
        return None;
    };
    for (k, _) in entries {
        if !HEADER_KEYS.contains(&k.text.as_str()) {
            findings.push(unknown_key(
                &k.text,
                HEADER_KEYS.iter().map(|s| s.to_string()).collect(),
                at(k.line, k.column),
            ));
        }
    }
    let Some(kind_node) = root.get("kind") else {
        findings.push(
            Finding::error(
                "yaml.missing-field",
                tr!("台帳に kind がありません", "the ledger has no kind"),
            )
            .at(at(root.line, root.column))
            .hint(tr!("使える kind: {}", "known kinds: {}"; kinds.names().join(", "))),
        );
        return None;
    };
    let Some(kind_name) = kind_node.as_str() else {
        findings.push(
            Finding::error(
                "yaml.invalid-value",
                tr!(
                    "kind は1つの値（台帳の種類）で書いてください（{}ではなく）",
                    "kind must be a single value (the ledger kind), not a {}"; kind_node.type_name()
                ),
            )
            .at(at(kind_node.line, kind_node.column))
            .hint(tr!("使える kind: {}", "known kinds: {}"; kinds.names().join(", "))),
        );
        return None;
    };
    let Some(kind) = kinds.get(kind_name) else {
        let names = kinds.names();
        let hint = yaml::did_you_mean(kind_name, &names)
            .map(|s| tr!("「{}」の誤りではありませんか", "did you mean '{}'?"; s))
            .unwrap_or_else(|| tr!("使える kind: {}", "known kinds: {}"; names.join(", ")));
        findings.push(
            Finding::error(
                "ledger.unknown-kind",
                tr!("台帳の kind「{}」は未知です", "unknown ledger kind '{}'"; kind_name),
            )
            .at(at(kind_node.line, kind_node.column))
            .hint(hint),
        );
        return None;
    };
    let default_id = content_path
        .rsplit('/')
        .next()
        .unwrap_or(content_path)
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml");
    for key in ["id", "title"] {
        if let Some(n) = root
            .get(key)
            .filter(|n| !n.is_null() && n.as_str().is_none())
        {
            findings.push(
                Finding::error(
                    "yaml.invalid-value",
                    tr!("{} は1つの値で書いてください（{}ではなく）", "{} must be a single value, not a {}"; key, n.type_name()),
                )
                .at(at(n.line, n.column)),
            );
        }
    }
    let id = root
        .get("id")
        .and_then(Node::as_str)
        .unwrap_or(default_id)
        .to_string();
    let title = root.get("title").and_then(Node::as_str).map(str::to_string);
    let retention = root
        .get("retention")
        .and_then(|n| retention(n, file, findings));
    let retention_line = root
        .key("retention")
        .or_else(|| root.key("kind"))
        .map(|k| k.line)
        .unwrap_or(1);

    // Without a list of entries what the ledger holds is unknown: it is
    // reported once and not loaded, so that nothing is reported missing.
    let out = match root.get("entries").map(|n| (&n.kind, n)) {
        None => {
            findings.push(
                Finding::error(
                    "yaml.missing-field",
                    tr!("台帳に entries がありません", "the ledger has no entries"),
                )
                .at(at(root.line, root.column))
                .hint(tr!(
                    "記録がまだない場合は `entries: []` と書いてください",
                    "write `entries: []` when there are no records yet"
                )),
            );
            return None;
        }
        Some((NodeKind::Null, _)) => entries_read.finish(kind, &[], findings),
        Some((NodeKind::Seq(items), _)) => entries_read.finish(kind, items, findings),
        Some((_, n)) => {
            findings.push(
                Finding::error(
                    "yaml.invalid-value",
                    tr!(
                        "entries は配列（- で始まる項目）で書いてください",
                        "entries must be a sequence of - items"
                    ),
                )
                .at(at(n.line, n.column)),
            );
            return None;
        }
    };
    Some(Ledger {
        id,
        id_line: root.key("id").map_or(0, |k| k.line),
        kind: kind.kind.clone(),
        title,
        retention,
        retention_line,
        file: file.to_string(),
        content_path: content_path.to_string(),
        entries: out,
    })
}

fn retention(node: &Node, file: &str, findings: &mut Vec<Finding>) -> Option<Retention> {
    let at = Location::new(file, node.line, node.column);
    let bad = || {
        Finding::error(
            "yaml.invalid-value",
            tr!(
                "retention は `years: 5` か `until: YYYY-MM-DD` で書いてください",
                "retention must be `years: N` or `until: YYYY-MM-DD`"
            ),
        )
        .at(at.clone())
    };
    if let Some(y) = node.get("years") {
        return match y.as_str().and_then(|s| s.parse::<u32>().ok()) {
            Some(n) => Some(Retention::Years(n)),
            None => {
                findings.push(bad());
                None
            }
        };
    }
    if let Some(u) = node.get("until") {
        return match u.as_str().map(Date::parse) {
            Some(Ok(d)) => Some(Retention::Until(d)),
            Some(Err(msg)) => {
                findings.push(
                    Finding::error("yaml.invalid-value", msg)
                        .at(Location::new(file, u.line, u.column)),
                );
                None
            }
            None => {
                findings.push(bad());
                None
            }
        };
    }
    findings.push(bad());
    None
}

fn unknown_key(name: &str, known: Vec<String>, at: Location) -> Finding {
    let hint = yaml::did_you_mean(name, &known)
        .map(|s| tr!("「{}」の誤りではありませんか", "did you mean '{}'?"; s))
        .unwrap_or_else(|| tr!("使えるキー: {}", "known keys: {}"; known.join(", ")));
    Finding::error(
        "yaml.unknown-field",
        tr!("未知のキー「{}」です", "unknown field '{}'"; name),
    )
    .at(at)
    .hint(hint)
}

fn entry(
    node: &NodeRef<'_>,
    kind: &Schema<'_>,
    file: &Arc<str>,
    texts: &mut Interner,
    findings: &mut Vec<Finding>,
) -> Option<Entry> {
    let location = Location::in_file(file, node.line, node.column);
    let NodeRefKind::Map(pairs) = &node.kind else {
        findings.push(
            Finding::error(
                "yaml.invalid-value",
                tr!(
                    "記録は対応表（キー: 値）で書いてください",
                    "an entry must be a mapping of key: value"
                ),
            )
            .at(location),
        );
        return None;
    };
    let mut fields = Vec::with_capacity(pairs.len());
    // Fields of the kind written with a value, by their index in the kind.
    let mut written = Written::new(kind.kind.fields.len());
    // Entries mostly list their fields in one order: the field after the
    // last one found is tried first.
    let mut next = 0;
    let specs = &kind.kind.fields;
    for (key, value) in pairs {
        let found = match specs.get(next) {
            Some(f) if same_name(&f.name, key.text) => Some(next),
            _ => specs.iter().position(|f| same_name(&f.name, key.text)),
        };
        let Some(i) = found else {
            findings.push(unknown_key(
                key.text,
                kind.kind.fields.iter().map(|f| f.name.clone()).collect(),
                Location::in_file(file, key.line, key.column),
            ));
            continue;
        };
        next = i + 1;
        if value.is_null() {
            continue;
        }
        written.set(i);
        match field_value(value, &kind.kind.fields[i], texts) {
            Ok(v) => fields.push(Field::new_in_slot(
                v,
                value.line,
                value.column,
                kind.slots[i],
            )),
            Err(msg) => findings.push(
                Finding::error(
                    "yaml.invalid-value",
                    crate::i18n::Text::new(
                        format!("{}: {}", key.text, msg.ja),
                        format!("{}: {}", key.text, msg.en),
                    ),
                )
                .at(Location::in_file(file, value.line, value.column)),
            ),
        }
    }
    let fields = Fields::slotted_fields(&kind.sorted, fields);
    let id = match fields.get("id").map(|f| &f.value) {
        Some(FieldValue::Text(s)) if !s.trim().is_empty() => Arc::clone(s),
        _ => {
            findings.push(
                Finding::error(
                    "yaml.missing-field",
                    tr!("記録に id がありません", "the entry has no id"),
                )
                .at(location)
                .hint(tr!(
                    "各記録に一意の id を付けてください",
                    "give every entry a unique id"
                )),
            );
            return None;
        }
    };
    let entry = Entry {
        id,
        location,
        fields,
    };
    for (i, spec) in kind.kind.fields.iter().enumerate() {
        if !spec.required {
            continue;
        }
        let field = entry.fields.get_slot(kind.slots[i]);
        let invalid = written.get(i) && field.is_none();
        if !field.is_some_and(|f| f.value.is_present()) && !invalid {
            findings.push(
                Finding::error(
                    "yaml.missing-field",
                    tr!("記録「{}」に必須の「{}」（{}）がありません", "entry '{}' lacks required field '{}' ({})"; entry.id, spec.name, spec.title),
                )
                .at(entry.location.clone()),
            );
        }
    }
    Some(entry)
}

/// Which fields of a kind an entry wrote with a value: a bit each, on the
/// heap only for a kind of more than 128 fields.
enum Written {
    Bits(u128),
    Many(Vec<bool>),
}

impl Written {
    fn new(fields: usize) -> Self {
        if fields <= 128 {
            Written::Bits(0)
        } else {
            Written::Many(vec![false; fields])
        }
    }

    fn set(&mut self, i: usize) {
        match self {
            Written::Bits(b) => *b |= 1 << i,
            Written::Many(v) => v[i] = true,
        }
    }

    fn get(&self, i: usize) -> bool {
        match self {
            Written::Bits(b) => b & (1 << i) != 0,
            Written::Many(v) => v[i],
        }
    }
}

/// Why `s` is none of an enum's values: the values with their labels
/// (`regular（正社員）`), and the closest one if it looks like a typo.
fn enum_refused(s: &str, spec: &crate::standard::FieldSpec) -> crate::i18n::Text {
    let listed = |open: &str, close: &str| {
        spec.values
            .iter()
            .enumerate()
            .map(
                |(i, v)| match spec.labels.get(i).filter(|l| !l.is_empty()) {
                    Some(l) => format!("{v}{open}{l}{close}"),
                    None => v.clone(),
                },
            )
            .collect::<Vec<_>>()
            .join(", ")
    };
    let close = yaml::did_you_mean(s, &spec.values)
        .or_else(|| yaml::did_you_mean(s, &spec.labels))
        .map(|m| {
            (
                format!("（「{m}」の誤りではありませんか）"),
                format!(" (did you mean '{m}'?)"),
            )
        })
        .unwrap_or_default();
    crate::i18n::Text::new(
        format!(
            "「{s}」は使えません。使える値: {}{}",
            listed("（", "）"),
            close.0
        ),
        format!(
            "'{s}' is not allowed; use one of: {}{}",
            listed(" (", ")"),
            close.1
        ),
    )
}

fn field_value(
    node: &NodeRef<'_>,
    spec: &crate::standard::FieldSpec,
    texts: &mut Interner,
) -> Result<FieldValue, crate::i18n::Text> {
    let scalar = || {
        node.as_str().ok_or_else(|| tr!("1つの値を書いてください（{}ではなく）", "expected a single value, not a {}"; node.type_name()))
    };
    Ok(match spec.ty {
        // Ids are unique: not worth remembering.
        FieldType::String if spec.name == "id" => FieldValue::Text(Arc::new(scalar()?.to_string())),
        FieldType::String
        | FieldType::Text
        | FieldType::Staff
        | FieldType::Ref
        | FieldType::Evidence => FieldValue::Text(texts.get(scalar()?)),
        FieldType::Enum => {
            let s = scalar()?;
            // A value, or its label as the form prints it (正社員 for regular).
            let value = spec.values.iter().enumerate().find_map(|(i, v)| {
                (v == s || spec.labels.get(i).is_some_and(|l| l == s)).then_some(v)
            });
            let Some(value) = value else {
                return Err(enum_refused(s, spec));
            };
            FieldValue::Text(texts.get(value))
        }
        FieldType::Date => FieldValue::Date(Date::parse(scalar()?)?),
        FieldType::Month => FieldValue::Month(Month::parse(scalar()?)?),
        FieldType::Bool => match &node.kind {
            NodeRefKind::Scalar {
                text: "true",
                quoted: false,
            } => FieldValue::Bool(true),
            NodeRefKind::Scalar {
                text: "false",
                quoted: false,
            } => FieldValue::Bool(false),
            _ => {
                return Err(tr!(
                    "true か false を書いてください",
                    "expected true or false"
                ));
            }
        },
        FieldType::Integer => {
            let s = scalar()?;
            FieldValue::Integer(
                s.parse().map_err(
                    |_| tr!("「{}」は整数ではありません", "'{}' is not a whole number"; s),
                )?,
            )
        }
        FieldType::List | FieldType::StaffList | FieldType::RefList => match &node.kind {
            NodeRefKind::Seq(items) => FieldValue::List(Box::new(
                items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_string).ok_or_else(|| {
                            tr!(
                                "配列の各項目は1つの値にしてください",
                                "each list item must be a single value"
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?,
            )),
            _ => {
                return Err(tr!(
                    "配列（[a, b] または - の項目）で書いてください",
                    "expected a list ([a, b] or - items)"
                ));
            }
        },
    })
}

#[cfg(test)]
mod written_tests {
    use super::Written;

    #[test]
    fn written_fields_are_remembered_for_small_and_large_kinds() {
        for n in [12, 128, 200] {
            let mut w = Written::new(n);
            w.set(0);
            w.set(n - 1);
            assert!(w.get(0) && w.get(n - 1), "{n}");
            assert!(!w.get(1) && !w.get(n - 2), "{n}");
        }
    }
}
