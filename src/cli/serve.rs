//! `anzen serve`: the preview server, until Ctrl-C.

use std::process::ExitCode;

use super::{Global, Outcome};

/// Runs `anzen serve`.
pub fn run(g: &Global, port: u16, open: bool, pdf: bool) -> Outcome {
    let options = crate::serve::ServeOptions {
        port,
        open,
        pdf,
        lang: g.lang,
        as_of: g.as_of,
    };
    crate::serve::run(&g.root, &options)
        .map(|_| ExitCode::SUCCESS)
        .map_err(|e| e.text())
}
