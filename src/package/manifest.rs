//! `manifest.json`: what the bundle holds (every file's path, size and
//! SHA-256), what made it (tool version, git commit and whether the tree
//! was dirty), for when (the as-of date), and what `anzen check` said.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's path inside the zip.
pub const MANIFEST: &str = "manifest.json";

/// The manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    /// Always `anzen`.
    pub tool: String,
    /// anzen's version.
    pub tool_version: String,
    /// The as-of date.
    pub as_of: String,
    /// 受注者.
    pub vendor: String,
    /// 発注者.
    pub client: String,
    /// 契約件名.
    pub contract: String,
    /// 契約番号.
    pub contract_number: String,
    /// The git commit, if any.
    pub git_commit: Option<String>,
    /// Whether tracked files had uncommitted changes.
    pub git_dirty: Option<bool>,
    /// The result of `anzen check`.
    pub check: CheckSummary,
    /// Every other file of the bundle, sorted by path.
    pub files: Vec<FileEntry>,
}

/// The check result recorded in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckSummary {
    /// Error-level findings.
    pub errors: usize,
    /// Warning-level findings.
    pub warnings: usize,
    /// Whether the package was made despite errors (`--allow-findings`).
    pub allowed_findings: bool,
    /// The findings, when there are any: rule, location and message.
    pub findings: Vec<FindingEntry>,
}

/// A finding as recorded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FindingEntry {
    /// Rule id.
    pub rule: String,
    /// `error` / `warning`.
    pub severity: String,
    /// file:line:col.
    pub location: String,
    /// Message (Japanese).
    pub message: String,
}

/// One file of the bundle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    /// Path inside the zip (NFC, `/` separators).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
