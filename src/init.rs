//! `anzen init`: scaffolds a new project for the bundled standard.

use std::path::{Path, PathBuf};

/// Options of `anzen init`.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Write into a folder that already has files (never overwriting one).
    pub force: bool,
}

/// What `init` wrote.
#[derive(Debug, Default)]
pub struct InitReport {
    /// Files created.
    pub written: Vec<PathBuf>,
}

/// Why `init` stopped.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// Not implemented yet.
    #[error("not implemented yet")]
    Todo,
}

/// Scaffolds a project in `dir`.
pub fn init(dir: &Path, options: &InitOptions) -> Result<InitReport, InitError> {
    let _ = (dir, options);
    Err(InitError::Todo)
}
