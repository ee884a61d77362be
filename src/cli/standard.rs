//! `anzen standard` and `anzen explain <ID>`: the checklist items and
//! requirements of the project's standard (the bundled one where there is
//! no project), and one item, requirement, rule or ledger kind in full.
//! `anzen standard import`: a city's own checklist workbook read into a
//! standard variant file.

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

/// Largest workbook `anzen standard import` reads.
const MAX_WORKBOOK: u64 = 64 * 1024 * 1024;

/// Runs `anzen standard import <WORKBOOK> [--out FILE]`: the variant file
/// goes to `out` (through [`crate::write`]) or to standard output; what
/// could not be placed is listed on standard error.
pub fn import(g: &Global, workbook: &std::path::Path, out: Option<&std::path::Path>) -> Outcome {
    use crate::terminal::path;
    let unreadable = |e: &dyn std::fmt::Display| tr!("{} を読めません: {}", "cannot read {}: {}"; path(workbook), e);
    if let Some(folder) = out
        .and_then(|o| o.parent())
        .filter(|p| !p.as_os_str().is_empty() && !p.is_dir())
    {
        return Err(tr!(
            "出力先のフォルダ {} がありません",
            "the output folder {} does not exist"; path(folder)
        ));
    }
    let meta = std::fs::metadata(workbook).map_err(|e| unreadable(&e))?;
    if meta.len() > MAX_WORKBOOK {
        return Err(tr!(
            "{} は大きすぎます（{} MiB まで）",
            "{} is too large (at most {} MiB)"; path(workbook), MAX_WORKBOOK >> 20
        ));
    }
    let bytes = std::fs::read(workbook).map_err(|e| unreadable(&e))?;
    let name = workbook
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bundled = Standard::bundled("municipal-standard").expect("bundled standard");
    let imported = crate::standard::import::import(&bytes, &name, &bundled).map_err(|e| {
        let (t, at) = (e.text(), path(workbook));
        Text::new(format!("{at}: {}", t.ja), format!("{at}: {}", t.en))
    })?;
    // The file must read back as a standard before it is written.
    if let Err(e) = Standard::from_yaml(&imported.yaml) {
        return Err(tr!(
            "取り込んだ基準が読み直せません（不具合です）: {}",
            "the imported standard does not read back (a bug): {}"; e.message.en
        ));
    }
    match out {
        Some(out) => crate::write::file(out, imported.yaml.as_bytes()).map_err(|e| e.text())?,
        None => print!("{}", imported.yaml),
    }
    for w in &imported.warnings {
        let t = w.text();
        let t = Text::new(format!("警告: {}", t.ja), format!("warning: {}", t.en));
        eprintln!("{}", g.say(&t));
    }
    if !g.quiet {
        let items = imported.standard.checklist.items.len();
        let summary = tr!(
            "{} 項目を取り込みました（同梱と同じ {}、本文の変更 {}、新規 {}）。警告 {} 件",
            "imported {} items ({} as bundled, {} with changed text, {} new); {} warning(s)";
            items, imported.unchanged, imported.changed.len(), imported.new.len(), imported.warnings.len()
        );
        eprintln!("{}", g.say(&summary));
        if let Some(out) = out {
            eprintln!(
                "{}",
                g.say(&tr!(
                    "基準ファイル: {}（anzen.yaml の standards: に加えてください）",
                    "standard file: {} (add it to standards: in anzen.yaml)"; path(out)
                ))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
