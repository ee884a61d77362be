//! Findings for the terminal: `file:line:col: severity[rule] message`,
//! then the hint, then a one-line summary.

use std::fmt::Write;

use crate::check::Summary;
use crate::diag::Finding;
use crate::i18n::Lang;
use crate::terminal;

/// Renders findings, one block each.
pub fn findings(findings: &[Finding], lang: Lang) -> String {
    let mut out = String::new();
    for f in findings {
        let place = f
            .location
            .as_ref()
            .map(|l| format!("{}: ", terminal::text(&l.to_string())))
            .unwrap_or_default();
        let concerns = match (&f.item, &f.requirement, lang) {
            (Some(i), _, Lang::Ja) => format!("（チェック項目 {i}）"),
            (Some(i), _, Lang::En) => format!(" (checklist item {i})"),
            (None, Some(r), Lang::Ja) => format!("（要件 {r}）"),
            (None, Some(r), Lang::En) => format!(" (requirement {r})"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "{place}{}[{}] {}{}",
            f.severity.label(lang),
            f.rule,
            terminal::text(f.message.get(lang)),
            terminal::text(&concerns)
        );
        if let Some(h) = &f.hint {
            let label = if lang == Lang::Ja {
                "ヒント"
            } else {
                "hint"
            };
            let _ = writeln!(out, "    {label}: {}", terminal::text(h.get(lang)));
        }
    }
    out
}

/// The closing line of `anzen check`, saying where the as-of date came
/// from (`anzen.yaml`, `--as-of`, the commit date of HEAD, today).
pub fn summary_from(s: Summary, as_of: &str, source: &crate::i18n::Text, lang: Lang) -> String {
    let sep = if lang == Lang::Ja { "、" } else { ", " };
    summary(s, &format!("{as_of}{sep}{}", source.get(lang)), lang)
}

/// The closing line of a command: counts and the as-of date.
pub fn summary(s: Summary, as_of: &str, lang: Lang) -> String {
    match (s.errors + s.warnings, lang) {
        (0, Lang::Ja) => format!("問題は見つかりませんでした（基準日 {as_of}）"),
        (0, Lang::En) => format!("no findings (as of {as_of})"),
        (_, Lang::Ja) => format!(
            "エラー {} 件、警告 {} 件（基準日 {as_of}）",
            s.errors, s.warnings
        ),
        (_, Lang::En) => format!(
            "{} error(s), {} warning(s) (as of {as_of})",
            s.errors, s.warnings
        ),
    }
}
