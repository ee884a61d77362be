//! Findings as JSON for machines: `anzen check --format json`.

use serde::Serialize;

use crate::check::Summary;
use crate::diag::Finding;

/// The JSON document `anzen check --format json` prints.
#[derive(Serialize)]
pub struct CheckReport<'a> {
    /// anzen's version.
    pub tool_version: &'a str,
    /// The as-of date of the checks.
    pub as_of: String,
    /// Where it came from (`{"from": "config"}`, `commit`, `today`, `flag`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of_source: Option<&'a crate::model::project::AsOfSource>,
    /// The phase of the contract checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase: Option<crate::standard::Phase>,
    /// The standard checked against.
    pub standard: &'a str,
    /// Counts.
    pub summary: Summary,
    /// Every finding, sorted.
    pub findings: &'a [Finding],
}

/// Serialises the report, pretty-printed.
pub fn check_report(report: &CheckReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".to_string())
}
