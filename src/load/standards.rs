//! The standards a project names in `anzen.yaml` (`standards:`): bundled
//! ids, or files inside the project, read and merged in order. A file
//! outside the project is refused before it is read, and a parse error
//! quotes at most a short excerpt (the message goes to CI logs).

use crate::i18n::Text;
use crate::standard::{BUNDLED, Standard};

/// Loads the standards a project names (bundled ids or paths relative to
/// `root`) and merges them in order.
pub fn resolve(
    root: &std::path::Path,
    names: &[String],
) -> Result<Standard, Vec<crate::diag::Finding>> {
    use crate::diag::{Finding, Location};
    use crate::tr;
    let mut merged: Option<Standard> = None;
    let mut errors = Vec::new();
    for name in names {
        let loaded = match Standard::bundled(name) {
            Some(s) => Ok(s),
            None if !standard_path_ok(root, name) => Err(Finding::error(
                "yaml.invalid-value",
                tr!(
                    "基準ファイル「{}」はプロジェクトの外にあります（読み込みません）",
                    "standard file '{}' is outside the project (not read)";
                    crate::terminal::text(name)
                ),
            )
            .at(Location::file(crate::model::config::CONFIG_FILE))
            .hint(tr!(
                "基準ファイルはプロジェクトの中に置き、ルートからの相対パス（.. を含まない）で書いてください",
                "keep standard files inside the project and name them by a path relative to the root, without .."
            ))),
            None => {
                let path = root.join(name);
                match crate::load::source::read_text(&path, name) {
                    Err(_) => Err(Finding::error(
                        "yaml.invalid-value",
                        tr!(
                            "基準「{}」は同梱の基準にもファイルにもありません",
                            "standard '{}' is neither bundled nor a file"; name
                        ),
                    )
                    .at(Location::file(crate::model::config::CONFIG_FILE))
                    .hint(tr!(
                        "同梱の基準: {}",
                        "bundled standards: {}"; BUNDLED.iter().map(|(id, _)| *id).collect::<Vec<_>>().join(", ")
                    ))),
                    Ok(text) => Standard::from_yaml(&text).map_err(|e| {
                        let mut f = crate::yaml::finding(&e, name, 0);
                        f.message = short(&f.message);
                        f
                    }),
                }
            }
        };
        match loaded {
            Ok(s) => match merged.as_mut() {
                None => merged = Some(s),
                Some(m) => m.merge(s),
            },
            Err(f) => errors.push(f),
        }
    }
    match merged {
        Some(s) if errors.is_empty() => Ok(s),
        _ => {
            if errors.is_empty() {
                errors.push(
                    Finding::error(
                        "yaml.missing-field",
                        tr!("基準が指定されていません", "no standard is named"),
                    )
                    .at(Location::file(crate::model::config::CONFIG_FILE)),
                );
            }
            Err(errors)
        }
    }
}

/// Whether a standard named by path lies inside the project: relative,
/// without `..`, and not through a link that leads out.
fn standard_path_ok(root: &std::path::Path, name: &str) -> bool {
    let p = std::path::Path::new(name);
    !p.is_absolute()
        && !name.starts_with(['/', '\\'])
        && !name.contains(':')
        && !name.split(['/', '\\']).any(|s| s == "..")
        && crate::load::source::resolves_inside(root, &root.join(p))
}

/// A parse error of a standard file, cut to a short excerpt: the file is
/// the project's, but the message goes to CI logs and JSON output.
fn short(t: &Text) -> Text {
    let cut = |s: &str| {
        const MAX: usize = 160;
        if s.chars().count() <= MAX {
            s.to_string()
        } else {
            format!("{}…", s.chars().take(MAX).collect::<String>())
        }
    };
    Text::new(cut(&t.ja), cut(&t.en))
}
