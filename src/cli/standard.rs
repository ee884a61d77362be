//! `anzen standard` and `anzen explain <ID>`: the checklist items and
//! requirements of the project's standard (the bundled one where there is
//! no project), and one item, requirement, rule or ledger kind in full.

use std::process::ExitCode;

use super::verify::Format;
use super::{Global, Outcome};
use crate::i18n::Text;
use crate::load::LoadError;
use crate::report::explain;
use crate::standard::{LedgerKinds, Rules, Standard};
use crate::tr;

/// The standard of the project at --root, or the bundled one when there is
/// no project there.
fn project_standard(g: &Global) -> Result<Standard, Text> {
    match crate::load::load_config(&g.root) {
        Ok(config) => crate::load::standards::resolve(&g.root, &config.standards).map_err(|f| {
            Text::new(
                crate::report::human::findings(&f, crate::i18n::Lang::Ja).trim_end(),
                crate::report::human::findings(&f, crate::i18n::Lang::En).trim_end(),
            )
        }),
        Err(LoadError::ConfigMissing(_)) => {
            Ok(Standard::bundled("municipal-standard").expect("bundled standard"))
        }
        Err(e) => Err(e.text()),
    }
}

/// Runs `anzen standard`.
pub fn list(g: &Global, format: Format) -> Outcome {
    let std = project_standard(g)?;
    match format {
        Format::Text => print!("{}", explain::standard(&std, g.lang)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&std).unwrap_or_default()),
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `anzen explain <ID>`.
pub fn explain(g: &Global, id: &str) -> Outcome {
    let std = project_standard(g)?;
    match explain::explain(id, &std, &Rules::bundled(), &LedgerKinds::bundled(), g.lang) {
        explain::Explained::Found(text) => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        explain::Explained::NotFound(close) => {
            let shown = crate::terminal::text(id);
            let hint = close
                .first()
                .map(|c| tr!("（「{}」の誤りではありませんか）", " (did you mean '{}'?)"; c));
            let (hint_ja, hint_en) = hint.map(|h| (h.ja, h.en)).unwrap_or_default();
            Err(tr!(
                "「{}」に当たる項目・要件・規則・台帳の種類はありません{}",
                "no checklist item, requirement, rule or ledger kind '{}'{}";
                shown, hint_ja
            )
            .with_en(format!(
                "no checklist item, requirement, rule or ledger kind '{shown}'{hint_en}"
            )))
        }
    }
}
