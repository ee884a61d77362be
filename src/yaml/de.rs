//! Typing the located tree: a serde [`Deserializer`](de::Deserializer)
//! over [`Node`], so that a node becomes a Rust type directly, each error
//! typed (unknown field, missing field, wrong type, a message of our own in
//! both languages...) and located at the node it concerns.
//!
//! Scalars keep their text: a scalar read as a string is exactly what was
//! written (`1.10`, `007`, `true`); read as a bool or a number, a plain
//! scalar follows the YAML 1.2 core schema (`true`/`True`/`TRUE`, decimal
//! integers without leading zeros, decimal floats); a quoted scalar is
//! never a bool or a number.
//!
//! Errors are built from what serde reports through [`de::Error`]'s
//! methods, never from its English text; a `Deserialize` impl of the crate
//! gives its message in both languages with [`text_error`].

use std::borrow::Cow;
use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Expected, Unexpected, Visitor};

use super::tree::{Key, Node, NodeKind, YamlError};
use crate::i18n::Text;
use crate::tr;

/// Deepest nesting typed (the readers stop at 200); deeper collections are
/// refused rather than recursed into.
const MAX_DEPTH: usize = 256;

/// Between the Japanese and the English half of a message passed through
/// [`de::Error::custom`] by [`text_error`] (ASCII unit separator; one in
/// either half, from a quoted `"\x1f"` the message quotes, is written as
/// U+241F ␟).
const SEPARATOR: char = '\u{1f}';

/// Deserialises `node` into `T`, an error located at the value it concerns
/// (at the key, for an unknown key) with a bilingual message and, where
/// one helps, a did-you-mean hint.
pub fn deserialize<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, YamlError> {
    T::deserialize(NodeDeserializer::new(node)).map_err(|e| e.into_yaml_error(node))
}

/// An error for a `Deserialize` impl to return, carrying `text` in both
/// languages: `Date::parse(&s).map_err(yaml::text_error)`. Through
/// [`deserialize`] it becomes a `yaml.invalid-value` finding at the value.
pub fn text_error<E: de::Error>(text: Text) -> E {
    E::custom(Bilingual(&text))
}

/// A text written as Japanese, [`SEPARATOR`], English.
struct Bilingual<'a>(&'a Text);

impl fmt::Display for Bilingual<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let half = |s: &str| s.replace(SEPARATOR, "\u{241f}");
        write!(f, "{}{SEPARATOR}{}", half(&self.0.ja), half(&self.0.en))
    }
}

/// The closest of `candidates` to `name`, if it is close enough to be a
/// typo of it: at most one edit (a letter added, dropped, changed, or two
/// swapped) per three characters, case aside. A shared prefix alone is no
/// match (`access-log` is no suggestion for `access-control`).
pub fn did_you_mean<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let budget = (name.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (strsim::osa_distance(&lower, &c.to_lowercase()), c))
        .filter(|(edits, c)| *edits <= budget && c.as_str() != name)
        .min_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                strsim::jaro_winkler(name, b.1).total_cmp(&strsim::jaro_winkler(name, a.1))
            })
        })
        .map(|(_, c)| c.as_str())
}

// ---------------------------------------------------------------------
// Errors

/// A deserialisation error: why, where, and the path to it.
#[derive(Debug)]
pub struct Error(Box<Inner>);

#[derive(Debug)]
struct Inner {
    reason: Reason,
    /// Line and column of the node (or key) concerned, once known.
    at: Option<(usize, usize)>,
    /// Keys and indexes from the node concerned up to the root (innermost
    /// first: pushed while the error travels up).
    path: Vec<Segment>,
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

#[derive(Debug)]
enum Reason {
    UnknownField {
        name: String,
        expected: &'static [&'static str],
    },
    MissingField(&'static str),
    DuplicateField(&'static str),
    UnknownVariant {
        name: String,
        expected: &'static [&'static str],
    },
    InvalidType {
        unexpected: String,
        expected: Want,
    },
    InvalidValue {
        unexpected: String,
        expected: Want,
    },
    InvalidLength {
        len: usize,
        expected: Want,
    },
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A message of a `Deserialize` impl (both languages when given
    /// through [`text_error`]).
    Custom(Text),
}

/// What was expected, in both languages.
#[derive(Debug)]
struct Want {
    ja: Cow<'static, str>,
    en: String,
}

/// The kinds of value this deserializer asks a node to be.
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Float,
    Str,
    Seq,
    Map,
    Null,
    Variant(&'static [&'static str]),
}

impl Want {
    /// The value kind this deserializer was asked for; in English as the
    /// visitor describes it.
    fn kind(kind: Kind, exp: &dyn Expected) -> Want {
        let ja = match kind {
            Kind::Bool => "true または false",
            Kind::Int => "整数",
            Kind::Float => "数",
            Kind::Str => "文字列",
            Kind::Seq => "配列（- 項目）",
            Kind::Map => "対応表（キー: 値）",
            Kind::Null => "空（null）",
            Kind::Variant(variants) => {
                return Want {
                    ja: format!("{} のいずれか", variants.join("・")).into(),
                    en: format!("one of {}", variants.join(", ")),
                };
            }
        };
        Want {
            ja: ja.into(),
            en: exp.to_string(),
        }
    }

    /// What a visitor expected, as it describes itself. The Japanese names
    /// the few descriptions serde's own visitors give (a visitor reports an
    /// error itself only when a value was buffered first, as for an
    /// internally tagged enum); any other description is shown as it is.
    fn described(exp: &dyn Expected) -> Want {
        let en = exp.to_string();
        let ja = match en.as_str() {
            "a boolean" => "true または false",
            "a string" | "a borrowed string" | "a character" => "文字列",
            "a sequence" => "配列（- 項目）",
            "a map" => "対応表（キー: 値）",
            "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64"
            | "i128" | "isize" => "整数",
            "f32" | "f64" => "数",
            "unit" => "空（null）",
            s if s.starts_with("struct ") || s.starts_with("internally tagged enum ") => {
                "対応表（キー: 値）"
            }
            s if s.starts_with("a tuple") || s.starts_with("tuple") => "配列（- 項目）",
            _ => {
                return Want {
                    ja: en.clone().into(),
                    en,
                };
            }
        };
        Want { ja: ja.into(), en }
    }
}

impl Error {
    fn new(reason: Reason) -> Error {
        Error(Box::new(Inner {
            reason,
            at: None,
            path: Vec::new(),
        }))
    }

    /// This deserializer's own type error: `node` is not a `kind`.
    fn wrong_type(node: &Node, kind: Kind, exp: &dyn Expected) -> Error {
        Error::new(Reason::InvalidType {
            unexpected: unexpected(node),
            expected: Want::kind(kind, exp),
        })
        .at(node.line, node.column)
    }

    /// A collection of `len` items of which the visitor took only `taken`
    /// (a tuple): `what` is `["sequence of", "element", "elements"]`.
    fn too_long(len: usize, taken: usize, what: [&str; 3]) -> Error {
        let unit = if taken == 1 { what[1] } else { what[2] };
        Error::new(Reason::InvalidLength {
            len,
            expected: Want {
                ja: format!("{taken} 個").into(),
                en: format!("{} {taken} {unit}", what[0]),
            },
        })
    }

    fn at(mut self, line: usize, column: usize) -> Error {
        self.0.at.get_or_insert((line, column));
        self
    }

    /// The error came out of `node`, the value at `segment` of its parent.
    fn within(mut self, node: &Node, segment: Segment) -> Error {
        self.locate_in(node);
        self.0.path.push(segment);
        self
    }

    /// Locates an error not yet located at `node`, which it came out of;
    /// an unknown key reported by a value that was buffered first (an
    /// internally tagged enum) at the key.
    fn locate_in(&mut self, node: &Node) {
        if self.0.at.is_some() {
            return;
        }
        match unknown_key(node, &self.0.reason) {
            Some(key) => {
                self.0.path.push(Segment::Key(key.text.clone()));
                self.0.at = Some((key.line, key.column));
            }
            None => self.0.at = Some((node.line, node.column)),
        }
    }

    /// The error came out of the key `key` of a mapping.
    fn within_key(mut self, key: &Key) -> Error {
        self.0.at.get_or_insert((key.line, key.column));
        self.0.path.push(Segment::Key(key.text.clone()));
        self
    }

    /// The finding-ready error, `root` being the node deserialised.
    fn into_yaml_error(mut self, root: &Node) -> YamlError {
        self.locate_in(root);
        let Inner { reason, at, path } = *self.0;
        let (line, column) = at.unwrap_or((root.line, root.column));
        let at = if path.is_empty() {
            String::new()
        } else {
            let mut p = String::new();
            for (i, seg) in path.iter().rev().enumerate() {
                if i > 0 {
                    p.push('.');
                }
                match seg {
                    Segment::Key(k) => p.push_str(k),
                    Segment::Index(n) => p.push_str(&n.to_string()),
                }
            }
            p.push_str(": ");
            p
        };
        let (message, hint, rule) = describe(&reason, &at);
        YamlError {
            message,
            hint,
            line,
            column,
            rule,
        }
    }
}

/// The key of `node` (a mapping) an unknown-field `reason` names.
fn unknown_key<'a>(node: &'a Node, reason: &Reason) -> Option<&'a Key> {
    let Reason::UnknownField { name, .. } = reason else {
        return None;
    };
    match &node.kind {
        NodeKind::Map(entries) => entries.iter().map(|(k, _)| k).find(|k| &k.text == name),
        _ => None,
    }
}

/// Message, hint and rule of `reason`, every message prefixed with `at`
/// (the path, `approval.date: `).
fn describe(reason: &Reason, at: &str) -> (Text, Option<Text>, &'static str) {
    let did_you_mean_hint = |name: &str, expected: &[String]| {
        did_you_mean(name, expected)
            .map(|s| tr!("「{}」の誤りではありませんか", "did you mean '{}'?"; s))
    };
    let owned = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match reason {
        Reason::UnknownField { name, expected } => {
            let expected = owned(expected);
            let hint = did_you_mean_hint(name, &expected).or_else(|| {
                (!expected.is_empty())
                    .then(|| tr!("使えるキー: {}", "known keys: {}"; expected.join(", ")))
            });
            (
                tr!("{}未知のキー「{}」です", "{}unknown field '{}'"; at, name),
                hint,
                "yaml.unknown-field",
            )
        }
        Reason::MissingField(name) => (
            tr!("{}必須のキー「{}」がありません", "{}missing field '{}'"; at, name),
            Some(tr!("「{}:」を追加してください", "add '{}:'"; name)),
            "yaml.missing-field",
        ),
        Reason::DuplicateField(name) => (
            tr!("{}キー「{}」が重複しています", "{}duplicate field '{}'"; at, name),
            Some(tr!("「{}:」を一つにしてください", "keep one '{}:'"; name)),
            "yaml.invalid-value",
        ),
        Reason::UnknownVariant { name, expected } => {
            let expected = owned(expected);
            let hint = did_you_mean_hint(name, &expected)
                .unwrap_or_else(|| tr!("使える値: {}", "allowed values: {}"; expected.join(", ")));
            (
                tr!("{}「{}」は使えない値です", "{}'{}' is not an allowed value"; at, name),
                Some(hint),
                "yaml.invalid-value",
            )
        }
        Reason::InvalidType {
            unexpected,
            expected,
        } => (
            Text::new(
                format!("{at}型が違います（{}が必要）", expected.ja),
                format!("{at}invalid type: {unexpected}, expected {}", expected.en),
            ),
            None,
            "yaml.invalid-value",
        ),
        Reason::InvalidValue {
            unexpected,
            expected,
        } => (
            Text::new(
                format!("{at}値が違います（{}が必要）", expected.ja),
                format!("{at}invalid value: {unexpected}, expected {}", expected.en),
            ),
            None,
            "yaml.invalid-value",
        ),
        Reason::InvalidLength { len, expected } => (
            Text::new(
                format!("{at}要素の数が違います（{len} 個。{}が必要）", expected.ja),
                format!("{at}invalid length {len}, expected {}", expected.en),
            ),
            None,
            "yaml.invalid-value",
        ),
        Reason::TooDeep => (
            tr!(
                "{}YAML の入れ子が深すぎます（{} 段超）",
                "{}YAML nested too deeply (over {} levels)";
                at, MAX_DEPTH
            ),
            None,
            "yaml.too-large",
        ),
        Reason::Custom(text) => (
            Text::new(format!("{at}{}", text.ja), format!("{at}{}", text.en)),
            None,
            "yaml.invalid-value",
        ),
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (message, _, _) = describe(&self.0.reason, "");
        f.write_str(&message.en)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let msg = msg.to_string();
        let text = match msg.split_once(SEPARATOR) {
            Some((ja, en)) => Text::new(ja, en),
            None => Text::new(msg.clone(), msg),
        };
        Error::new(Reason::Custom(text))
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Error::new(Reason::InvalidType {
            unexpected: unexp.to_string(),
            expected: Want::described(exp),
        })
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn Expected) -> Self {
        Error::new(Reason::InvalidValue {
            unexpected: unexp.to_string(),
            expected: Want::described(exp),
        })
    }

    fn invalid_length(len: usize, exp: &dyn Expected) -> Self {
        Error::new(Reason::InvalidLength {
            len,
            expected: Want::described(exp),
        })
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::new(Reason::UnknownVariant {
            name: variant.to_string(),
            expected,
        })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error::new(Reason::UnknownField {
            name: field.to_string(),
            expected,
        })
    }

    fn missing_field(field: &'static str) -> Self {
        Error::new(Reason::MissingField(field))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error::new(Reason::DuplicateField(field))
    }
}

// ---------------------------------------------------------------------
// Scalars

/// A plain scalar as YAML 1.2 (core schema) types it.
enum Plain<'a> {
    Bool(bool),
    U64(u64),
    I64(i64),
    U128(u128),
    I128(i128),
    F64(f64),
    Str(&'a str),
}

/// Whether a plain scalar can be a number: ASCII digits and points, a
/// minus only first, a point not first (`5`, `-3`, `1.10`); anything else
/// (`0x1F`, `1e5`, `.5`, `+1`) is text.
fn numeric_shape(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (b == b'.' && i > 0) || (b == b'-' && i == 0))
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Digits with a leading zero (`007`, `-01`) are text in YAML 1.2.
fn leading_zero(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A decimal integer of the core schema, as `T`.
fn parse_int<T: std::str::FromStr>(text: &str) -> Option<T> {
    (numeric_shape(text) && !leading_zero(text) && !text.contains('.'))
        .then(|| text.parse().ok())
        .flatten()
}

fn parse_float(text: &str) -> Option<f64> {
    if !numeric_shape(text) {
        return None;
    }
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The scalar `text` typed as `deserialize_any` hands it on.
fn plain(text: &str, quoted: bool) -> Plain<'_> {
    if quoted {
        return Plain::Str(text);
    }
    if let Some(b) = parse_bool(text) {
        return Plain::Bool(b);
    }
    if !numeric_shape(text) {
        return Plain::Str(text);
    }
    // Unsigned first: `-0` is signed.
    if let Some(u) = parse_int::<u64>(text) {
        return Plain::U64(u);
    }
    if let Some(i) = parse_int::<i64>(text) {
        return Plain::I64(i);
    }
    if let Some(u) = parse_int::<u128>(text) {
        return Plain::U128(u);
    }
    if let Some(i) = parse_int::<i128>(text) {
        return Plain::I128(i);
    }
    if !leading_zero(text)
        && let Some(f) = parse_float(text)
    {
        return Plain::F64(f);
    }
    Plain::Str(text)
}

/// What `node` is, for a type error's English half (as serde words it).
fn unexpected(node: &Node) -> String {
    let unexpected = match &node.kind {
        NodeKind::Null => Unexpected::Unit,
        NodeKind::Seq(_) => Unexpected::Seq,
        NodeKind::Map(_) => Unexpected::Map,
        NodeKind::Scalar { text, quoted } => match plain(text, *quoted) {
            Plain::Bool(b) => Unexpected::Bool(b),
            Plain::U64(u) => Unexpected::Unsigned(u),
            Plain::I64(i) => Unexpected::Signed(i),
            Plain::U128(u) => return format!("integer `{u}` as u128"),
            Plain::I128(i) => return format!("integer `{i}` as i128"),
            Plain::F64(f) => Unexpected::Float(f),
            Plain::Str(s) => Unexpected::Str(s),
        },
    };
    unexpected.to_string()
}

// ---------------------------------------------------------------------
// The deserializer

/// A serde deserializer over a located [`Node`].
#[derive(Clone, Copy)]
pub struct NodeDeserializer<'de> {
    node: &'de Node,
    depth: usize,
}

impl<'de> NodeDeserializer<'de> {
    /// A deserializer of `node`.
    pub fn new(node: &'de Node) -> Self {
        NodeDeserializer { node, depth: 0 }
    }

    fn child(&self, node: &'de Node) -> Self {
        NodeDeserializer {
            node,
            depth: self.depth + 1,
        }
    }

    /// The plain scalar text, if the node is one (quoted scalars are never
    /// bools or numbers).
    fn plain_text(&self) -> Option<&'de str> {
        match &self.node.kind {
            NodeKind::Scalar {
                text,
                quoted: false,
            } => Some(text),
            _ => None,
        }
    }

    fn wrong<V>(&self, kind: Kind, exp: &dyn Expected) -> Result<V, Error> {
        Err(Error::wrong_type(self.node, kind, exp))
    }

    fn too_deep(&self) -> Result<(), Error> {
        if self.depth >= MAX_DEPTH {
            return Err(Error::new(Reason::TooDeep).at(self.node.line, self.node.column));
        }
        Ok(())
    }

    fn seq<V: Visitor<'de>>(self, items: &'de [Node], visitor: V) -> Result<V::Value, Error> {
        self.too_deep()?;
        let mut access = SeqDe {
            de: self,
            items: items.iter(),
            index: 0,
        };
        let value = visitor.visit_seq(&mut access)?;
        match access.items.len() {
            0 => Ok(value),
            left => Err(Error::too_long(
                items.len(),
                items.len() - left,
                ["sequence of", "element", "elements"],
            )),
        }
    }

    fn map<V: Visitor<'de>>(
        self,
        entries: &'de [(Key, Node)],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.too_deep()?;
        let mut access = MapDe {
            de: self,
            entries: entries.iter(),
            value: None,
        };
        let value = visitor.visit_map(&mut access)?;
        match access.entries.len() {
            0 => Ok(value),
            left => Err(Error::too_long(
                entries.len(),
                entries.len() - left,
                ["map containing", "entry", "entries"],
            )),
        }
    }

    fn integer<T: std::str::FromStr>(&self) -> Option<T> {
        self.plain_text().and_then(parse_int)
    }
}

macro_rules! unsigned {
    ($method:ident, $visit:ident, $ty:ty) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.integer::<$ty>() {
                Some(v) => visitor.$visit(v),
                None => self.wrong(Kind::Int, &visitor),
            }
        }
    };
}

macro_rules! signed {
    ($method:ident, $visit:ident, $ty:ty) => {
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.integer::<$ty>() {
                Some(v) => visitor.$visit(v),
                None => self.wrong(Kind::Int, &visitor),
            }
        }
    };
}

impl<'de> de::Deserializer<'de> for NodeDeserializer<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            NodeKind::Scalar { text, quoted } => match plain(text, *quoted) {
                Plain::Bool(b) => visitor.visit_bool(b),
                Plain::U64(u) => visitor.visit_u64(u),
                Plain::I64(i) => visitor.visit_i64(i),
                Plain::U128(u) => visitor.visit_u128(u),
                Plain::I128(i) => visitor.visit_i128(i),
                Plain::F64(f) => visitor.visit_f64(f),
                Plain::Str(_) => visitor.visit_borrowed_str(text),
            },
            NodeKind::Seq(items) => self.seq(items, visitor),
            NodeKind::Map(entries) => self.map(entries, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.plain_text().and_then(parse_bool) {
            Some(b) => visitor.visit_bool(b),
            None => self.wrong(Kind::Bool, &visitor),
        }
    }

    // Narrower integers are read as 64-bit ones and range-checked by the
    // visitor (an `invalid_value` then).
    unsigned!(deserialize_u8, visit_u64, u64);
    unsigned!(deserialize_u16, visit_u64, u64);
    unsigned!(deserialize_u32, visit_u64, u64);
    unsigned!(deserialize_u64, visit_u64, u64);
    unsigned!(deserialize_u128, visit_u128, u128);
    signed!(deserialize_i8, visit_i64, i64);
    signed!(deserialize_i16, visit_i64, i64);
    signed!(deserialize_i32, visit_i64, i64);
    signed!(deserialize_i64, visit_i64, i64);
    signed!(deserialize_i128, visit_i128, i128);

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.plain_text().and_then(parse_float) {
            Some(f) => visitor.visit_f64(f),
            None => self.wrong(Kind::Float, &visitor),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Scalar { text, .. } => visitor.visit_borrowed_str(text),
            // As YAML has always been read here: an empty value or `~`
            // read as text is `null`.
            NodeKind::Null => visitor.visit_borrowed_str("null"),
            _ => self.wrong(Kind::Str, &visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Scalar { text, .. } => visitor.visit_borrowed_bytes(text.as_bytes()),
            _ => self.wrong(Kind::Str, &visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.kind {
            NodeKind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Null => visitor.visit_unit(),
            NodeKind::Scalar { text, .. } => Err(Error::new(Reason::InvalidValue {
                unexpected: Unexpected::Str(text).to_string(),
                expected: Want::kind(Kind::Null, &"null"),
            })
            .at(self.node.line, self.node.column)),
            _ => self.wrong(Kind::Null, &visitor),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Seq(items) => self.seq(items, visitor),
            _ => self.wrong(Kind::Seq, &visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Map(entries) => self.map(entries, visitor),
            _ => self.wrong(Kind::Map, &visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// An enum is written as its variant's name (`kind: policy`); only
    /// unit variants can be written so.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Scalar { text, .. } => visitor.visit_enum(UnitVariant {
                name: text,
                node: self.node,
            }),
            // Read as text, an empty value is `null`: not a variant.
            NodeKind::Null => visitor.visit_enum(UnitVariant {
                name: "null",
                node: self.node,
            }),
            _ => self.wrong(Kind::Variant(variants), &visitor),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// The items of a sequence.
struct SeqDe<'de> {
    de: NodeDeserializer<'de>,
    items: std::slice::Iter<'de, Node>,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let index = self.index;
        self.index += 1;
        seed.deserialize(self.de.child(item))
            .map(Some)
            .map_err(|e| e.within(item, Segment::Index(index)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The entries of a mapping.
struct MapDe<'de> {
    de: NodeDeserializer<'de>,
    entries: std::slice::Iter<'de, (Key, Node)>,
    /// The entry whose key was read last, its value not yet.
    value: Option<&'de (Key, Node)>,
}

impl<'de> de::MapAccess<'de> for MapDe<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(entry);
        let key = &entry.0;
        seed.deserialize(BorrowedStrDeserializer::<Error>::new(&key.text))
            .map(Some)
            .map_err(|e| e.within_key(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.value.take() else {
            return Err(de::Error::custom("a value asked for before its key"));
        };
        seed.deserialize(self.de.child(value))
            .map_err(|e| e.within(value, Segment::Key(key.text.clone())))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An enum written as a scalar: its name is the variant, which must be a
/// unit variant.
struct UnitVariant<'de> {
    name: &'de str,
    node: &'de Node,
}

impl<'de> de::EnumAccess<'de> for UnitVariant<'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let variant = seed.deserialize(BorrowedStrDeserializer::<Error>::new(self.name))?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for UnitVariant<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, _seed: T) -> Result<T::Value, Error> {
        Err(self.not_unit(&"newtype variant"))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        Err(self.not_unit(&visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        Err(self.not_unit(&visitor))
    }
}

impl UnitVariant<'_> {
    fn not_unit(&self, exp: &dyn Expected) -> Error {
        Error::new(Reason::InvalidType {
            unexpected: Unexpected::UnitVariant.to_string(),
            expected: Want::described(exp),
        })
        .at(self.node.line, self.node.column)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::date::Date;

    fn tree(src: &str) -> Node {
        let parsed = crate::yaml::parse(src);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        parsed.root.expect("a tree")
    }

    fn scalar(text: &str, quoted: bool) -> Node {
        Node {
            kind: NodeKind::Scalar {
                text: text.into(),
                quoted,
            },
            line: 4,
            column: 9,
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Approval {
        approver: String,
        date: Date,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Policy,
        Procedure,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        id: String,
        kind: Kind,
        #[serde(default)]
        version: Option<String>,
        #[serde(default)]
        approval: Option<Approval>,
        #[serde(default)]
        count: Option<u32>,
        #[serde(default)]
        draft: bool,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn a_scalar_read_as_text_is_its_text_exactly() {
        let doc: Doc = deserialize(&tree(
            "id: 007\nkind: policy\nversion: 1.10\ntags: [true, 5, -3, 1e5, '1']\n",
        ))
        .unwrap();
        assert_eq!(doc.id, "007");
        assert_eq!(doc.version.as_deref(), Some("1.10"));
        assert_eq!(doc.tags, ["true", "5", "-3", "1e5", "1"]);
        // Text the old flow round trip changed: a lone `-` (read back as a
        // sequence), a NEL (folded to a space), backslashes and spaces.
        for text in ["-", "a\u{85}b", "b\\ e", "x\\\\\ny \\  z"] {
            assert_eq!(deserialize::<String>(&scalar(text, false)).unwrap(), text);
            assert_eq!(deserialize::<String>(&scalar(text, true)).unwrap(), text);
        }
    }

    #[test]
    fn plain_scalars_are_bools_and_numbers_by_the_core_schema() {
        for (text, b) in [("true", true), ("True", true), ("FALSE", false)] {
            assert_eq!(deserialize::<bool>(&scalar(text, false)).unwrap(), b);
        }
        assert_eq!(deserialize::<u32>(&scalar("12", false)).unwrap(), 12);
        assert_eq!(deserialize::<i64>(&scalar("-3", false)).unwrap(), -3);
        assert_eq!(deserialize::<f64>(&scalar("1.10", false)).unwrap(), 1.1);
        assert_eq!(deserialize::<f64>(&scalar("5", false)).unwrap(), 5.0);
        for (text, ty) in [
            ("yes", "bool"),
            ("tRue", "bool"),
            ("007", "u32"),
            ("0x1F", "u32"),
            ("1e5", "f64"),
            ("-5", "u32"),
        ] {
            let n = scalar(text, false);
            let e = match ty {
                "bool" => deserialize::<bool>(&n).unwrap_err(),
                "u32" => deserialize::<u32>(&n).unwrap_err(),
                _ => deserialize::<f64>(&n).unwrap_err(),
            };
            assert_eq!(e.rule, "yaml.invalid-value", "{text}");
            assert_eq!((e.line, e.column), (4, 9));
        }
        // Out of range for the field: a value error, located.
        let e = deserialize::<u8>(&scalar("300", false)).unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml.invalid-value", 4, 9));
        assert_eq!(e.message.en, "invalid value: integer `300`, expected u8");
    }

    #[test]
    fn quoted_numbers_are_text_for_text_fields_and_refused_for_number_fields() {
        assert_eq!(deserialize::<String>(&scalar("5", true)).unwrap(), "5");
        assert_eq!(
            deserialize::<String>(&scalar("true", true)).unwrap(),
            "true"
        );
        let e = deserialize::<u32>(&scalar("5", true)).unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml.invalid-value", 4, 9));
        assert_eq!(e.message.ja, "型が違います（整数が必要）");
        assert_eq!(e.message.en, "invalid type: string \"5\", expected u32");
        let e = deserialize::<bool>(&scalar("true", true)).unwrap_err();
        assert_eq!(e.message.ja, "型が違います（true または falseが必要）");
    }

    #[test]
    fn an_unknown_key_is_located_at_the_key_with_a_suggestion() {
        let root = tree("id: a\nkind: policy\napproval:\n  approver: x\n  dtae: 2026-01-01\n");
        let e = deserialize::<Doc>(&root).unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml.unknown-field", 5, 3));
        assert_eq!(e.message.ja, "approval.dtae: 未知のキー「dtae」です");
        assert_eq!(e.message.en, "approval.dtae: unknown field 'dtae'");
        assert_eq!(e.hint.unwrap().en, "did you mean 'date'?");
        // Nothing close: the known keys.
        let e =
            deserialize::<Approval>(&tree("approver: x\ndate: 2026-01-01\nzzz: 1\n")).unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(e.hint.unwrap().en, "known keys: approver, date");
    }

    #[test]
    fn a_missing_key_is_located_at_its_mapping() {
        let root = tree("id: a\nkind: policy\napproval:\n  approver: x\n");
        let e = deserialize::<Doc>(&root).unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml.missing-field", 4, 3));
        assert_eq!(e.message.ja, "approval: 必須のキー「date」がありません");
        assert_eq!(e.hint.unwrap().ja, "「date:」を追加してください");
        let e = deserialize::<Doc>(&tree("kind: policy\n")).unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml.missing-field", 1, 1));
        assert_eq!(e.message.en, "missing field 'id'");
    }

    #[test]
    fn an_unknown_variant_suggests_the_closest_or_lists_the_values() {
        let e = deserialize::<Doc>(&tree("id: a\nkind: polcy\n")).unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml.invalid-value", 2, 7));
        assert_eq!(e.message.ja, "kind: 「polcy」は使えない値です");
        assert_eq!(e.hint.unwrap().en, "did you mean 'policy'?");
        let e = deserialize::<Doc>(&tree("id: a\nkind: zzz\n")).unwrap_err();
        assert_eq!(e.hint.unwrap().ja, "使える値: policy, procedure");
        // Not a scalar at all.
        let e = deserialize::<Doc>(&tree("id: a\nkind: [policy]\n")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 7));
        assert_eq!(
            e.message.ja,
            "kind: 型が違います（policy・procedure のいずれかが必要）"
        );
    }

    #[test]
    fn a_wrong_type_names_what_is_needed_in_japanese() {
        let cases = [
            (
                "id: a\nkind: policy\ntags: x\n",
                (3, 7),
                "tags: 型が違います（配列（- 項目）が必要）",
            ),
            (
                "id: a\nkind: policy\ndraft: 1\n",
                (3, 8),
                "draft: 型が違います（true または falseが必要）",
            ),
            (
                "id: a\nkind: policy\napproval: x\n",
                (3, 11),
                "approval: 型が違います（対応表（キー: 値）が必要）",
            ),
            (
                "id: [a]\nkind: policy\n",
                (1, 5),
                "id: 型が違います（文字列が必要）",
            ),
            (
                "id: a\nkind: policy\ncount: x\n",
                (3, 8),
                "count: 型が違います（整数が必要）",
            ),
        ];
        for (src, at, ja) in cases {
            let e = deserialize::<Doc>(&tree(src)).unwrap_err();
            assert_eq!(
                (e.rule, e.line, e.column),
                ("yaml.invalid-value", at.0, at.1),
                "{src}"
            );
            assert_eq!(e.message.ja, ja);
        }
        let e = deserialize::<Doc>(&tree("id: a\nkind: policy\napproval: x\n")).unwrap_err();
        assert_eq!(
            e.message.en,
            "approval: invalid type: string \"x\", expected struct Approval"
        );
    }

    #[test]
    fn a_date_reports_its_own_message_in_both_languages() {
        let e = deserialize::<Doc>(&tree(
            "id: a\nkind: policy\napproval:\n  approver: x\n  date: 2026-02-30\n",
        ))
        .unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml.invalid-value", 5, 9));
        assert_eq!(
            e.message.ja,
            "approval.date: 日付「2026-02-30」は存在しない日付です"
        );
        assert_eq!(
            e.message.en,
            "approval.date: date '2026-02-30' does not exist"
        );
        // The user's text may hold " / ": the languages are still apart.
        let e = deserialize::<Date>(&scalar("a / b", true)).unwrap_err();
        assert_eq!(
            e.message.ja,
            "日付「a / b」は YYYY-MM-DD 形式ではありません"
        );
        assert_eq!(e.message.en, "date 'a / b' is not in YYYY-MM-DD form");
        // So may it hold the separator, written "\x1f" in quotes.
        let e = deserialize::<Date>(&scalar("a\u{1f}b", true)).unwrap_err();
        assert_eq!(
            e.message.ja,
            "日付「a\u{241f}b」は YYYY-MM-DD 形式ではありません"
        );
        assert_eq!(e.message.en, "date 'a\u{241f}b' is not in YYYY-MM-DD form");
    }

    #[test]
    fn paths_go_through_lists_and_mappings() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Root {
            docs: Vec<Doc>,
        }
        let e = deserialize::<Root>(&tree(
            "docs:\n- id: a\n  kind: policy\n- id: b\n  kind: policy\n  approval:\n    approver: x\n    date: nope\n",
        ))
        .unwrap_err();
        assert_eq!((e.line, e.column), (8, 11));
        assert_eq!(
            e.message.en,
            "docs.1.approval.date: date 'nope' is not in YYYY-MM-DD form"
        );
    }

    #[test]
    fn null_is_none_and_unit_and_an_empty_value_read_as_text_is_null() {
        let root = tree("id: a\nkind: policy\nversion:\napproval: ~\ncount: null\n");
        let doc: Doc = deserialize(&root).unwrap();
        assert_eq!((doc.version, doc.approval, doc.count), (None, None, None));
        let null = root.get("version").unwrap();
        deserialize::<()>(null).unwrap();
        // As YAML was always read here: `null` text for a text field, and
        // a quoted 'null' is the text too, never None.
        assert_eq!(deserialize::<String>(null).unwrap(), "null");
        assert_eq!(
            deserialize::<Option<String>>(&scalar("null", true)).unwrap(),
            Some("null".into())
        );
        let e = deserialize::<Vec<String>>(null).unwrap_err();
        assert_eq!((e.line, e.column), (null.line, null.column));
    }

    #[test]
    fn untagged_enums_and_values_see_typed_scalars() {
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(untagged)]
        enum Either {
            Flag(bool),
            Number(u64),
            Text(String),
            List(Vec<Either>),
        }
        let v: Either = deserialize(&tree("[true, 5, x, '5', [FALSE]]\n")).unwrap();
        assert_eq!(
            v,
            Either::List(vec![
                Either::Flag(true),
                Either::Number(5),
                Either::Text("x".into()),
                Either::Text("5".into()),
                Either::List(vec![Either::Flag(false)]),
            ])
        );
        let v: serde_yaml::Value = deserialize(&tree("a: [1, -2, 1.5, yes, ~, '7']\n")).unwrap();
        let expected: serde_yaml::Value =
            serde_yaml::from_str("a: [1, -2, 1.5, 'yes', null, '7']").unwrap();
        assert_eq!(v, expected);
    }

    #[test]
    fn an_internally_tagged_enum_locates_an_unknown_key_at_the_key() {
        let e = deserialize::<Vec<crate::standard::Check>>(&tree(
            "- check: ledger\n  kind: x\n- check: ledger\n  kind: x\n  knid: y\n",
        ))
        .unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml.unknown-field", 5, 3));
        assert_eq!(e.message.en, "1.knid: unknown field 'knid'");
        let e =
            deserialize::<crate::standard::Check>(&tree("check: ledgr\nkind: x\n")).unwrap_err();
        assert_eq!((e.rule, e.line, e.column), ("yaml.invalid-value", 1, 8));
        assert_eq!(e.hint.unwrap().en, "did you mean 'ledger'?");
    }

    #[test]
    fn deep_nesting_is_refused_not_recursed_into() {
        let mut node = scalar("x", false);
        for depth in 0..1000 {
            node = Node {
                kind: if depth % 2 == 0 {
                    NodeKind::Seq(vec![node])
                } else {
                    NodeKind::Map(vec![(
                        Key {
                            text: "k".into(),
                            line: 1,
                            column: 1,
                        },
                        node,
                    )])
                },
                line: 1,
                column: 1,
            };
        }
        let e = deserialize::<serde_yaml::Value>(&node).unwrap_err();
        assert_eq!(e.rule, "yaml.too-large");
        // Within the limit, the same shape is read.
        let mut shallow = scalar("x", false);
        for _ in 0..200 {
            shallow = Node {
                kind: NodeKind::Seq(vec![shallow]),
                line: 1,
                column: 1,
            };
        }
        deserialize::<serde_yaml::Value>(&shallow).unwrap();
    }
}
