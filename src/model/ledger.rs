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
    /// Line of the `id` key, 0 when the id comes from the file name.
    pub id_line: usize,
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
    /// The entry id (shared with its `id` field).
    pub id: Arc<String>,
    /// Position of the entry.
    pub location: Location,
    /// Fields by name (only those present and valid).
    pub fields: Fields,
}

/// The fields of an entry, in the order of the kind's schema: the names are
/// the schema's, shared by every entry of the ledger, and each field holds
/// only the index of its name (a field is 24 bytes).
#[derive(Debug, Clone)]
pub struct Fields {
    /// Every field name of the kind, sorted; shared.
    names: Arc<[Arc<str>]>,
    /// The fields present, sorted by name.
    items: Box<[Field]>,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            names: Arc::from(Vec::new()),
            items: Box::default(),
        }
    }
}

impl Fields {
    /// Fields from name–field pairs (on a repeated name the first is kept).
    pub fn new(pairs: Vec<(Arc<str>, Field)>) -> Self {
        let mut names: Vec<Arc<str>> = pairs.iter().map(|(n, _)| Arc::clone(n)).collect();
        names.sort();
        names.dedup();
        let names: Arc<[Arc<str>]> = Arc::from(names);
        Fields::with_names(&names, pairs)
    }

    /// Fields whose names are all in `names` (sorted, shared by the entries
    /// of one ledger); on a repeated name the first is kept.
    ///
    /// # Panics
    /// When a name is not in `names` (a loader bug, not bad input).
    pub fn with_names(names: &Arc<[Arc<str>]>, pairs: Vec<(Arc<str>, Field)>) -> Self {
        let items = pairs
            .into_iter()
            .map(|(n, f)| {
                let i = names
                    .binary_search_by(|m| (**m).cmp(&*n))
                    .expect("field name in the schema");
                f.in_slot(u16::try_from(i).expect("under 65,536 fields"))
            })
            .collect();
        Fields::slotted_fields(names, items)
    }

    /// Fields already placed in their slot ([`Field::in_slot`]); on a
    /// repeated slot the first is kept. The loader builds these directly:
    /// one allocation per entry, of its final size when no slot repeats.
    pub fn slotted_fields(names: &Arc<[Arc<str>]>, mut items: Vec<Field>) -> Self {
        debug_assert!(items.iter().all(|f| usize::from(f.slot) < names.len()));
        // Stable: of two fields with one name the first stays first. Most
        // entries list their fields in the kind's order, already sorted.
        if !items.is_sorted_by(|a, b| a.slot < b.slot) {
            items.sort_by_key(|f| f.slot);
            items.dedup_by_key(|f| f.slot);
        }
        Fields {
            names: Arc::clone(names),
            items: items.into_boxed_slice(),
        }
    }

    /// The field names the slots index (sorted; shared by the entries of
    /// one ledger as it was loaded).
    pub fn names(&self) -> &Arc<[Arc<str>]> {
        &self.names
    }

    /// The fields with the index of their name in [`Fields::names`].
    pub fn slotted(&self) -> impl Iterator<Item = (u16, &Field)> {
        self.items.iter().map(|f| (f.slot, f))
    }

    /// The field whose name is `names[slot]`.
    pub fn get_slot(&self, slot: u16) -> Option<&Field> {
        // The fields are sorted by slot, one each: the field of slot `s`
        // is at index `s` when no field before it is missing (most
        // entries), else before it. One load then, where halving waited on
        // two or three across an entry's cache lines.
        let at = usize::from(slot);
        if let Some(f) = self.items.get(at)
            && f.slot == slot
        {
            return Some(f);
        }
        let before = &self.items[..at.min(self.items.len())];
        before
            .binary_search_by_key(&slot, |f| f.slot)
            .ok()
            .map(|i| &before[i])
    }

    /// The field called `name`.
    pub fn get(&self, name: &str) -> Option<&Field> {
        // A kind has a dozen fields: a linear search with a comparison that
        // needs no call beats halving with a string comparison at each step.
        let slot = self.names.iter().position(|n| same_name(n, name))?;
        self.get_slot(u16::try_from(slot).ok()?)
    }

    /// Whether there is a field called `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Name and field, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Field)> {
        self.items
            .iter()
            .map(|f| (&*self.names[usize::from(f.slot)], f))
    }

    /// The fields, by name.
    pub fn values(&self) -> impl Iterator<Item = &Field> {
        self.items.iter()
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a str, &'a Field);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a Field)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl Serialize for Fields {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// Something looked up once per field name and kept by slot
/// ([`Fields::slotted`]) for as long as entries share their names: a
/// ledger's loop asks [`SlotMap::of`] for each entry, and the lookup runs
/// again only when an entry's names are another set.
#[derive(Debug)]
pub struct SlotMap<T> {
    names: Option<Arc<[Arc<str>]>>,
    values: Vec<T>,
}

impl<T> Default for SlotMap<T> {
    fn default() -> Self {
        SlotMap {
            names: None,
            values: Vec::new(),
        }
    }
}

impl<T> SlotMap<T> {
    /// The value for each slot of `fields`, `look(name)` computed once per
    /// set of names.
    pub fn of(&mut self, fields: &Fields, look: impl Fn(&str) -> T) -> &[T] {
        let names = fields.names();
        if !self.names.as_ref().is_some_and(|n| Arc::ptr_eq(n, names)) {
            self.values = names.iter().map(|n| look(n)).collect();
            self.names = Some(Arc::clone(names));
        }
        &self.values
    }
}

/// A field value with its position (the file is the entry's: see
/// [`Entry::field_location`]).
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// The value.
    pub value: FieldValue,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (columns past 65,535 are kept as 65,535).
    pub column: u16,
    /// Index of the name in the ledger's sorted field names.
    #[serde(skip)]
    slot: u16,
}

impl Field {
    /// A field at `line:column`.
    pub fn new(value: FieldValue, line: usize, column: usize) -> Self {
        Field {
            value,
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u16::try_from(column).unwrap_or(u16::MAX),
            slot: 0,
        }
    }

    /// The same field, for the name `names[slot]` of a [`Fields`].
    pub fn in_slot(mut self, slot: u16) -> Self {
        self.slot = slot;
        self
    }

    /// A field at `line:column` for the name `names[slot]` of a [`Fields`]
    /// (made whole: setting the slot afterwards stalls a store).
    pub fn new_in_slot(value: FieldValue, line: usize, column: usize, slot: u16) -> Self {
        Field {
            slot,
            ..Field::new(value, line, column)
        }
    }
}

/// A typed field value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// Text (string, text, enum, staff, evidence); equal texts of one
    /// ledger share their allocation. `Arc<String>` rather than `Arc<str>`:
    /// a thin pointer keeps a field at 24 bytes.
    Text(Arc<String>),
    /// A date.
    Date(Date),
    /// A month.
    Month(Month),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A list of texts (list, staff_list), boxed to keep the value small.
    List(Box<Vec<String>>),
}

impl FieldValue {
    /// Whether there is something: not blank text, not an empty list.
    pub fn is_present(&self) -> bool {
        match self {
            FieldValue::Text(s) => !s.trim().is_empty(),
            FieldValue::List(l) => !l.is_empty(),
            _ => true,
        }
    }

    /// Display text of the value.
    pub fn display(&self) -> String {
        match self {
            FieldValue::Text(s) => s.to_string(),
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
        self.fields.get(name).is_some_and(|f| f.value.is_present())
    }

    /// The location of a field, or of the entry when the field is absent.
    pub fn at(&self, name: &str) -> Location {
        self.fields
            .get(name)
            .map(|f| self.field_location(f))
            .unwrap_or_else(|| self.location.clone())
    }

    /// Where one of this entry's fields is.
    pub fn field_location(&self, field: &Field) -> Location {
        Location::in_file(
            &self.location.file,
            field.line as usize,
            usize::from(field.column),
        )
    }
}

/// Whether two field names are equal, compared in a few word loads rather
/// than a call to `memcmp` (names are a few bytes long, compared for every
/// field of a million entries).
#[inline]
pub fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]));
    match n {
        // Two loads that overlap cover every length between.
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_equal_exactly_when_their_bytes_are() {
        let names = [
            "",
            "a",
            "id",
            "abc",
            "date",
            "area",
            "staff",
            "time_in",
            "visitor",
            "purpose_",
            "time_out1",
            "approved_by_x",
            "sixteen_chars_ab",
            "seventeen_chars_a",
            "入退室",
            "入退出",
        ];
        for a in names {
            for b in names {
                assert_eq!(same_name(a, b), a == b, "{a} / {b}");
            }
            // Each byte changed in turn is seen.
            for i in 0..a.len() {
                let mut bytes = a.as_bytes().to_vec();
                bytes[i] ^= 1;
                let other = String::from_utf8_lossy(&bytes).into_owned();
                assert_eq!(same_name(a, &other), a == other, "{a} byte {i}");
            }
        }
    }

    #[test]
    fn every_slot_finds_its_field_whichever_fields_are_missing() {
        let names: Arc<[Arc<str>]> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|n| Arc::from(*n))
            .collect();
        // Every subset of the six slots, each field holding its slot.
        for mask in 0u32..64 {
            let present: Vec<u16> = (0..6).filter(|s| mask & (1 << s) != 0).collect();
            let items = present
                .iter()
                .map(|&s| Field::new(FieldValue::Integer(i64::from(s)), 1, 1).in_slot(s))
                .collect();
            let fields = Fields::slotted_fields(&names, items);
            for slot in 0..8u16 {
                let found = fields.get_slot(slot).map(|f| f.value.display());
                let expected = present.contains(&slot).then(|| slot.to_string());
                assert_eq!(found, expected, "mask {mask:06b}, slot {slot}");
            }
        }
    }
}
