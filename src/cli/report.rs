//! `anzen report monthly --month YYYY-MM`: the workspace writes the
//! 個人情報取扱状況報告書 of one month as HTML and PDF; the files are listed.

use std::path::Path;
use std::process::ExitCode;

use super::{Global, Outcome};
use crate::date::Month;
use crate::tr;

/// Runs `anzen report monthly`.
pub fn monthly(g: &Global, month: Month, out: Option<&Path>, pdf: bool) -> Outcome {
    super::with_workspace(g, |ws| {
        let written = ws.report_monthly(month, out, pdf).map_err(|e| e.text())?;
        let errors = ws.summary().errors;
        if errors > 0 {
            eprintln!(
                "{}",
                g.say(&tr!(
                    "注意: anzen check にエラーが {} 件あります。報告書の内容を確認してください",
                    "note: anzen check has {} error(s); review the report"; errors
                ))
            );
        }
        for f in &written.files {
            println!("{}", crate::terminal::path(f));
        }
        Ok(ExitCode::SUCCESS)
    })
}
