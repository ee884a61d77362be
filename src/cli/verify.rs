//! `anzen verify <ZIP>`: checks a submission zip against its manifest and
//! says what was added, is missing or was altered (exit code 1), or why
//! the zip cannot be verified at all (exit code 2).

use std::path::Path;
use std::process::ExitCode;

use super::{Global, Outcome};
use crate::terminal;
use crate::tr;

/// Output forms of lists (`verify`, `standard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people
    Text,
    /// JSON
    Json,
}

/// Runs `anzen verify`.
pub fn run(g: &Global, zip: &Path, password_file: Option<&Path>, format: Format) -> Outcome {
    let password = crate::secret::read(password_file)?;
    let v = crate::package::verify::verify(zip, password.as_ref().map(|p| p.0.as_bytes()))
        .map_err(|e| {
            let t = e.text();
            crate::i18n::Text::new(
                format!("{}: {}", terminal::path(zip), t.ja),
                format!("{}: {}", terminal::path(zip), t.en),
            )
        })?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default()),
        Format::Text => {
            for (label, list) in [
                (tr!("追加", "added"), &v.added),
                (tr!("欠落", "missing"), &v.missing),
                (tr!("改変", "altered"), &v.altered),
            ] {
                for f in list {
                    println!("{}: {}", g.say(&label), terminal::text(f));
                }
            }
            let line = if v.ok() {
                tr!(
                    "manifest.json と一致しました（{} ファイル）",
                    "matches manifest.json ({} files)"; v.listed
                )
            } else {
                tr!(
                    "manifest.json と一致しません: 追加 {}、欠落 {}、改変 {}",
                    "does not match manifest.json: {} added, {} missing, {} altered";
                    v.added.len(), v.missing.len(), v.altered.len()
                )
            };
            println!("{}", g.say(&line));
        }
    }
    Ok(if v.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
