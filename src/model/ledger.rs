//! Ledgers (台帳・記録): typed YAML registers, each of a kind whose schema
//! lives in the bundled data (`ledger-kinds.yaml`). Entries keep the
//! position of every field so that findings point at the exact line.

use std::sync::Arc;

use serde::Serialize;

use crate::date::{Date, Month};
use crate::diag::Location;

/// A loaded ledger file.
#[derive(Debug, Clone, Serialize)]
pub struct Ledger {
    /// Id (the file name without `.yaml` unless given).
    pub id: String,
    /// Kind, one of the bundled ledger kinds.
    pub kind: String,
    /// Title, if given.
    pub title: Option<String>,
    /// How long the records are kept, if declared.
    pub retention: Option<Retention>,
    /// Line of the `retention` key (or of `kind`).
    pub retention_line: usize,
    /// Path relative to the project root.
    pub file: String,
    /// Path relative to the content folder.
    pub content_path: String,
    /// Entries in file order.
    pub entries: Vec<Entry>,
}

/// A declared retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Retention {
    /// Each record kept this many years after its date.
    Years(u32),
    /// Every record kept until this date.
    Until(Date),
}

/// One record of a ledger.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The entry id.
    pub id: String,
    /// Position of the entry.
    pub location: Location,
    /// Fields by name (only those present and valid).
    pub fields: Fields,
}

/// The fields of an entry, sorted by name: a vector searched by halving, a
/// tenth the memory of a map (a ledger may hold a million entries).
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(Arc<str>, Field)>);

impl Fields {
    /// Fields from name–field pairs (sorted here; on a repeated name the
    /// first is kept).
    pub fn new(mut pairs: Vec<(Arc<str>, Field)>) -> Self {
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|b, a| a.0 == b.0);
        pairs.shrink_to_fit();
        Fields(pairs)
    }

    /// The field called `name`.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.0
            .binary_search_by(|(n, _)| (**n).cmp(name))
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Whether there is a field called `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Name and field, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Field)> {
        self.0.iter().map(|(n, f)| (&**n, f))
    }

    /// The fields, by name.
    pub fn values(&self) -> impl Iterator<Item = &Field> {
        self.0.iter().map(|(_, f)| f)
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a str, &'a Field);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Arc<str>, Field)>,
        fn(&'a (Arc<str>, Field)) -> (&'a str, &'a Field),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(n, f)| (&**n, f))
    }
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// A field value with its position.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The value.
    pub value: FieldValue,
    /// Where it is.
    pub location: Location,
}

/// A typed field value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// Text (string, text, enum, staff, evidence).
    Text(String),
    /// A date.
    Date(Date),
    /// A month.
    Month(Month),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A list of texts (list, staff_list).
    List(Vec<String>),
}

impl FieldValue {
    /// Display text of the value.
    pub fn display(&self) -> String {
        match self {
            FieldValue::Text(s) => s.clone(),
            FieldValue::Date(d) => d.to_string(),
            FieldValue::Month(m) => m.to_string(),
            FieldValue::Bool(b) => b.to_string(),
            FieldValue::Integer(i) => i.to_string(),
            FieldValue::List(l) => l.join(", "),
        }
    }
}

impl Entry {
    /// A text field.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.fields.get(name).map(|f| &f.value) {
            Some(FieldValue::Text(s)) => Some(s),
            _ => None,
        }
    }

    /// A date field.
    pub fn date(&self, name: &str) -> Option<Date> {
        match self.fields.get(name).map(|f| &f.value) {
            Some(FieldValue::Date(d)) => Some(*d),
            _ => None,
        }
    }

    /// A month field.
    pub fn month(&self, name: &str) -> Option<Month> {
        match self.fields.get(name).map(|f| &f.value) {
            Some(FieldValue::Month(m)) => Some(*m),
            _ => None,
        }
    }

    /// A boolean field.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.fields.get(name).map(|f| &f.value) {
            Some(FieldValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// A list field (empty when absent).
    pub fn list(&self, name: &str) -> &[String] {
        match self.fields.get(name).map(|f| &f.value) {
            Some(FieldValue::List(l)) => l,
            _ => &[],
        }
    }

    /// Whether the field is present with a non-empty value.
    pub fn has(&self, name: &str) -> bool {
        match self.fields.get(name).map(|f| &f.value) {
            None => false,
            Some(FieldValue::Text(s)) => !s.trim().is_empty(),
            Some(FieldValue::List(l)) => !l.is_empty(),
            Some(_) => true,
        }
    }

    /// The location of a field, or of the entry when the field is absent.
    pub fn at(&self, name: &str) -> Location {
        self.fields
            .get(name)
            .map(|f| f.location.clone())
            .unwrap_or_else(|| self.location.clone())
    }
}
