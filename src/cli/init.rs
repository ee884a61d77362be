//! `anzen init [DIR]`: writes the scaffold of a new project and says what
//! to do next.

use std::path::Path;
use std::process::ExitCode;

use super::{Global, Outcome};
use crate::tr;

/// Runs `anzen init`.
pub fn run(g: &Global, dir: &Path, force: bool) -> Outcome {
    let report =
        crate::init::init(dir, &crate::init::InitOptions { force }).map_err(|e| e.text())?;
    for f in &report.written {
        println!("{}", crate::terminal::path(f));
    }
    println!(
        "{}",
        g.say(&tr!(
            "{} ファイルを作成しました。次は `anzen --root {} check` で埋めるべき箇所を確認してください",
            "created {} files; run `anzen --root {} check` to see what to fill in";
            report.written.len(), crate::terminal::path(dir)
        ))
    );
    Ok(ExitCode::SUCCESS)
}
