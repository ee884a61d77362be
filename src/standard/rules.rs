//! The catalogue of finding rules (`rules.yaml`): id, default severity,
//! meaning in both languages and source in the standard. `anzen explain`
//! and the README read it.

use serde::{Deserialize, Serialize};

use crate::diag::Severity;

/// The bundled catalogue.
pub const BUNDLED_RULES: &str = include_str!("data/rules.yaml");

/// All rules.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// The rules, in catalogue order.
    pub rules: Vec<RuleInfo>,
}

/// One rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInfo {
    /// Id, as in findings.
    pub id: String,
    /// Default severity.
    pub severity: Severity,
    /// Where it comes from.
    pub source: String,
    /// Meaning (Japanese).
    pub ja: String,
    /// Meaning (English).
    pub en: String,
}

impl Rules {
    /// The bundled catalogue.
    pub fn bundled() -> Rules {
        let parsed = crate::yaml::parse(BUNDLED_RULES);
        let root = parsed.root.expect("bundled rules parse");
        crate::yaml::deserialize(&root).expect("bundled rules are valid")
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }
}
