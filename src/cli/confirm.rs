//! `anzen confirm [ITEM...]`: records in the answers file that the
//! evidence of these answers was re-read, and says what was recorded.

use std::process::ExitCode;

use super::{Global, Outcome};
use crate::tr;

/// Runs `anzen confirm`.
pub fn run(g: &Global, items: &[String]) -> Outcome {
    let report =
        crate::confirm::confirm(&g.root, &g.load_options(), items).map_err(|e| e.text())?;
    for (item, fp) in &report.confirmed {
        println!("{}: {fp}", crate::terminal::text(item));
    }
    if !report.skipped.is_empty() {
        println!(
            "{}: {}",
            g.say(&tr!(
                "文書の節を根拠にしていないため記録しなかった項目",
                "not recorded (no document section cited)"
            )),
            crate::terminal::text(&report.skipped.join(", "))
        );
    }
    println!(
        "{}",
        g.say(&tr!(
            "{} 件の確認を {} に記録しました",
            "recorded {} confirmation(s) in {}";
            report.confirmed.len(), crate::terminal::path(&report.file)
        ))
    );
    Ok(ExitCode::SUCCESS)
}
