//! `anzen diff <BASE> [<HEAD>]`: the compliance difference between two
//! revisions, as Markdown for a pull-request comment or as JSON.

use std::process::ExitCode;

use super::{Global, Outcome};

/// Output forms of `anzen diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Markdown (pull-request comment)
    Markdown,
    /// JSON
    Json,
}

/// Runs `anzen diff`.
pub fn run(g: &Global, base: &str, head: Option<&str>, format: Format) -> Outcome {
    let d = crate::diff::diff(&g.root, base, head, g.as_of, g.lang).map_err(|e| e.text())?;
    match format {
        Format::Markdown => print!("{}", crate::terminal::lines(&crate::diff::markdown(&d))),
        Format::Json => println!("{}", serde_json::to_string_pretty(&d).unwrap_or_default()),
    }
    Ok(ExitCode::SUCCESS)
}
