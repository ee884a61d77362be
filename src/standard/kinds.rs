//! Ledger kinds: the schema of each typed ledger (fields, types, which are
//! required, which hold personal data), read from the bundled
//! `ledger-kinds.yaml`.

use serde::{Deserialize, Serialize};

/// The bundled ledger kinds.
pub const BUNDLED_KINDS: &str = include_str!("data/ledger-kinds.yaml");

/// All ledger kinds.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerKinds {
    /// The kinds.
    pub kinds: Vec<LedgerKind>,
}

/// The schema of one ledger kind.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerKind {
    /// Kind name (`training`).
    pub kind: String,
    /// Japanese title.
    pub title: String,
    /// English title.
    pub title_en: String,
    /// The date a record happened on (for whether the staff it names were
    /// on duty), when the kind has one.
    #[serde(default)]
    pub date_field: Option<String>,
    /// Fields, in display order.
    pub fields: Vec<FieldSpec>,
}

/// One field of a ledger kind.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Key in YAML.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Must be present and non-empty.
    #[serde(default)]
    pub required: bool,
    /// Holds personal data (names, signatures).
    #[serde(default)]
    pub personal: bool,
    /// A date that may lie after the as-of date (a planned start, an
    /// expiry); other dates record what happened and may not.
    #[serde(default)]
    pub planned: bool,
    /// For `ref` and `ref_list`: the kind of ledger whose entries the ids
    /// name.
    #[serde(default)]
    pub to: Option<String>,
    /// A staff field naming who handled personal data in the record.
    #[serde(default)]
    pub handler: bool,
    /// The date field this staff field acts on (else the kind's
    /// `date_field`).
    #[serde(default)]
    pub on: Option<String>,
    /// Column title (Japanese).
    pub title: String,
    /// Allowed values, for enums.
    #[serde(default)]
    pub values: Vec<String>,
    /// Japanese labels of the values.
    #[serde(default)]
    pub labels: Vec<String>,
}

/// Field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    String,
    /// Free text.
    Text,
    /// YYYY-MM-DD.
    Date,
    /// YYYY-MM.
    Month,
    /// true / false.
    Bool,
    /// A whole number.
    Integer,
    /// A staff id.
    Staff,
    /// A list of staff ids.
    StaffList,
    /// A list of texts.
    List,
    /// The id of an entry of a ledger of the kind `to`.
    Ref,
    /// A list of such ids.
    RefList,
    /// One of `values`.
    Enum,
    /// A reference to evidence.
    Evidence,
}

impl LedgerKinds {
    /// The bundled kinds.
    pub fn bundled() -> LedgerKinds {
        let parsed = crate::yaml::parse(BUNDLED_KINDS);
        let root = parsed.root.expect("bundled ledger kinds parse");
        crate::yaml::deserialize(&root).expect("bundled ledger kinds are valid")
    }

    /// The kind named `kind`.
    pub fn get(&self, kind: &str) -> Option<&LedgerKind> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    /// The names of all kinds.
    pub fn names(&self) -> Vec<String> {
        self.kinds.iter().map(|k| k.kind.clone()).collect()
    }
}

impl FieldSpec {
    /// Whether the field names staff (one or a list).
    pub fn is_staff(&self) -> bool {
        matches!(self.ty, FieldType::Staff | FieldType::StaffList)
    }

    /// The kind of ledger a reference field points at (`staff` for staff
    /// fields).
    pub fn target(&self) -> Option<&str> {
        match self.ty {
            FieldType::Staff | FieldType::StaffList => Some("staff"),
            FieldType::Ref | FieldType::RefList => self.to.as_deref(),
            _ => None,
        }
    }
}

impl LedgerKind {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}
