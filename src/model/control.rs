//! A control the vendor states next to its rule text (in a document's front
//! matter or in anzen.yaml) as data, so that `check` can hold the records
//! to it: which values a ledger field may or may not hold.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One stated control: records of `ledger` (matching `where`) hold in
/// `field` a value of `allowed` (when given) and none of `forbidden`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// The ledger kind the control governs (`take_out`).
    pub ledger: String,
    /// The field, or a path through reference fields (`device.owner`).
    pub field: String,
    /// Values the field may hold (values or their labels).
    #[serde(default)]
    pub allowed: Vec<String>,
    /// Values the field may not hold.
    #[serde(default)]
    pub forbidden: Vec<String>,
    /// Only records whose fields hold one of these values.
    #[serde(default, rename = "where")]
    pub filter: BTreeMap<String, Vec<String>>,
    /// A record without the field cannot show the control: an error.
    #[serde(default)]
    pub required: bool,
    /// The heading id of the section that states the rule (documents).
    #[serde(default)]
    pub section: Option<String>,
    /// The rule in words, as the section states it.
    pub rule: String,
}
