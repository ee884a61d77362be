//! `anzen verify`: opens a bundle, reads its manifest, and compares every
//! entry with it: files added, missing or altered.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde::Serialize;

use super::manifest::{MANIFEST, Manifest, sha256};

/// What verification found.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Verification {
    /// Files the manifest lists.
    pub listed: usize,
    /// In the zip, not in the manifest.
    pub added: Vec<String>,
    /// In the manifest, not in the zip.
    pub missing: Vec<String>,
    /// Size or hash differs from the manifest.
    pub altered: Vec<String>,
}

impl Verification {
    /// Whether the bundle is exactly what its manifest says.
    pub fn ok(&self) -> bool {
        self.added.is_empty() && self.missing.is_empty() && self.altered.is_empty()
    }
}

/// Why a bundle could not be verified at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Not readable as a zip.
    #[error("{0}")]
    Zip(String),
    /// Encrypted and no (or a wrong) password.
    #[error(
        "the bundle is encrypted: give the password in ANZEN_ZIP_PASSWORD or with --password-file (or it is wrong)"
    )]
    Password,
    /// No manifest inside.
    #[error("no manifest.json in the bundle")]
    NoManifest,
    /// The manifest does not parse.
    #[error("manifest.json is not valid: {0}")]
    BadManifest(String),
}

/// Verifies the zip at `path` (with `password` for an encrypted one).
pub fn verify(path: &Path, password: Option<&[u8]>) -> Result<Verification, VerifyError> {
    let file = std::fs::File::open(path)
        .map_err(|e| VerifyError::Zip(format!("{}: {e}", path.display())))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| VerifyError::Zip(e.to_string()))?;
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..zip.len() {
        let encrypted = zip
            .by_index_raw(i)
            .map(|f| f.encrypted())
            .map_err(|e| VerifyError::Zip(e.to_string()))?;
        let mut entry = match (encrypted, password) {
            (false, _) => zip
                .by_index(i)
                .map_err(|e| VerifyError::Zip(e.to_string()))?,
            (true, Some(pw)) => zip
                .by_index_decrypt(i, pw)
                .map_err(|_| VerifyError::Password)?,
            (true, None) => return Err(VerifyError::Password),
        };
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_err(|e| VerifyError::Zip(e.to_string()))?
            .to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| {
            if encrypted {
                VerifyError::Password
            } else {
                VerifyError::Zip(e.to_string())
            }
        })?;
        contents.insert(name, bytes);
    }
    let manifest_bytes = contents.remove(MANIFEST).ok_or(VerifyError::NoManifest)?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| VerifyError::BadManifest(e.to_string()))?;
    let mut v = Verification {
        listed: manifest.files.len(),
        ..Default::default()
    };
    for f in &manifest.files {
        match contents.get(&f.path) {
            None => v.missing.push(f.path.clone()),
            Some(bytes) if bytes.len() as u64 != f.size || sha256(bytes) != f.sha256 => {
                v.altered.push(f.path.clone())
            }
            Some(_) => {}
        }
    }
    for name in contents.keys() {
        if !manifest.files.iter().any(|f| &f.path == name) {
            v.added.push(name.clone());
        }
    }
    Ok(v)
}
