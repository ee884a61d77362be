//! `anzen serve`: builds, serves the site on 127.0.0.1, watches content,
//! config and themes, rebuilds what changed and reloads the browser.

use std::path::Path;

use crate::date::Date;
use crate::i18n::Lang;

/// Options of `anzen serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// Open a browser.
    pub open: bool,
    /// Message language.
    pub lang: Lang,
    /// As-of override.
    pub as_of: Option<Date>,
}

/// Why serving stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Not implemented yet.
    #[error("not implemented yet")]
    Todo,
}

/// Runs the server until interrupted.
pub fn run(root: &Path, options: &ServeOptions) -> Result<(), ServeError> {
    let _ = (root, options);
    Err(ServeError::Todo)
}
