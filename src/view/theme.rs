//! The theme: tera templates for the site's pages, static assets, and the
//! Typst templates of the PDFs. The default theme in `themes/default/`
//! (`templates/`, `static/`, `typst/`) is compiled into the binary; a
//! project names its own theme folder (`theme:` in anzen.yaml) and any file
//! there replaces the default one of the same name, by one mechanism for
//! all three kinds. Theme folders are read only from inside the project.

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;

macro_rules! embed {
    ($dir:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/", $dir, "/", $name)))),*]
    };
}

/// The default templates.
pub const TEMPLATES: &[(&str, &str)] = embed!("templates":
    "base.html",
    "index.html",
    "checklist.html",
    "requirements.html",
    "requirement.html",
    "documents.html",
    "document.html",
    "ledgers.html",
    "ledger.html",
    "findings.html",
    "macros.html",
    "monthly.html",
);

/// The default Typst templates of the PDFs.
pub const TYPST: &[(&str, &str)] = embed!("typst":
    "anzen.typ",
    "checklist.typ",
    "document.typ",
    "combined.typ",
    "monthly.typ",
);

/// The default static assets (copied to `assets/`).
pub const ASSETS: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
];

/// An internal template: the theme's `findings` macro on `list`, for the
/// findings under a flagged ledger row (`render::site::ledger_rows`).
pub const ROW_FINDINGS_TEMPLATE: &str = "anzen-row-findings.html";

/// A loaded theme.
pub struct Theme {
    /// Templates, parsed once.
    pub tera: Tera,
    /// Static assets by path under `assets/`.
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Typst templates by path (written beside the PDFs' sources).
    pub typst: BTreeMap<String, String>,
    /// The site templates the project's theme replaces.
    pub replaced: std::collections::BTreeSet<String>,
}

/// Why a theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    /// A template does not parse.
    #[error("template error: {0}")]
    Template(String),
    /// A theme file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A theme folder leads out of the project (a symbolic link).
    #[error(
        "{0}: the theme folder leads outside the project (a symbolic link); themes are read only from inside it"
    )]
    Outside(String),
    /// The named theme folder does not exist.
    #[error("theme folder {0} not found")]
    Missing(String),
}

impl ThemeError {
    /// The message in both languages (the template engine's own message
    /// is quoted as it is).
    pub fn text(&self) -> crate::i18n::Text {
        match self {
            ThemeError::Template(m) => crate::tr!(
                "テーマのテンプレートにエラーがあります: {}", "template error: {}"; m
            ),
            ThemeError::Io { path, source } => {
                let r = crate::i18n::io_reason(source);
                crate::i18n::Text::new(
                    format!("テーマのファイル {path} を読めません: {}", r.ja),
                    format!("cannot read the theme file {path}: {}", r.en),
                )
            }
            ThemeError::Outside(p) => crate::tr!(
                "テーマのフォルダ {} はプロジェクトの外を指すシンボリックリンクです（テーマはプロジェクトの中からだけ読みます）",
                "the theme folder {} leads outside the project (a symbolic link); themes are read only from inside it";
                crate::terminal::text(p)
            ),
            ThemeError::Missing(p) => crate::tr!(
                "テーマのフォルダ {} がありません", "theme folder {} not found"; crate::terminal::text(p)
            ),
        }
    }
}

/// Loads the default theme with the project's overrides laid over it.
pub fn load(root: &Path, name: Option<&str>) -> Result<Theme, ThemeError> {
    let texts = |defaults: &[(&str, &str)]| -> BTreeMap<String, String> {
        defaults
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect()
    };
    let mut templates = texts(TEMPLATES);
    let mut replaced = std::collections::BTreeSet::new();
    let mut typst = texts(TYPST);
    let mut assets: BTreeMap<String, Vec<u8>> = ASSETS
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    if let Some(name) = name.filter(|n| *n != "default") {
        let dir = root.join("themes").join(name);
        if !dir.is_dir() {
            return Err(ThemeError::Missing(dir.display().to_string()));
        }
        for sub in ["templates", "static", "typst"] {
            let base = dir.join(sub);
            // A theme folder (or `themes/` itself) that is a link out of the
            // project would copy outside files into the site and the zip.
            if !crate::load::source::resolves_inside(root, &base) {
                return Err(ThemeError::Outside(base.display().to_string()));
            }
            for entry in walkdir::WalkDir::new(&base)
                .follow_links(false)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = crate::diag::rel_path(&base, entry.path());
                let io = |source| ThemeError::Io {
                    path: entry.path().display().to_string(),
                    source,
                };
                match sub {
                    "templates" => {
                        let text = std::fs::read_to_string(entry.path()).map_err(io)?;
                        replaced.insert(rel.clone());
                        templates.insert(rel, text);
                    }
                    "typst" => {
                        typst.insert(rel, std::fs::read_to_string(entry.path()).map_err(io)?);
                    }
                    _ => {
                        assets.insert(rel, std::fs::read(entry.path()).map_err(io)?);
                    }
                }
            }
        }
    }
    templates.insert(
        ROW_FINDINGS_TEMPLATE.into(),
        "{% import \"macros.html\" as m %}{{ m::findings(list=list, root=root) }}".into(),
    );
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.add_raw_templates(templates.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| ThemeError::Template(error_chain(&e)))?;
    tera.register_filter("date_ja", date_ja);
    // Templates come from the project, which may be someone else's pull
    // request: nothing in them may read the environment (where the package
    // password can be).
    tera.register_function("get_env", no_environment);
    Ok(Theme {
        tera,
        assets,
        typst,
        replaced,
    })
}

/// Stands in for tera's `get_env`: always an error.
fn no_environment(_: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    Err(tera::Error::msg(
        "get_env is not available in anzen templates (環境変数はテンプレートから読めません)",
    ))
}

/// A tera error with its causes (tera puts the useful part in `source`).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// `{{ date | date_ja }}`: `2026-04-01（令和8年4月1日）`.
fn date_ja(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let s = value.as_str().unwrap_or_default();
    Ok(match crate::date::Date::parse(s) {
        Ok(d) => tera::Value::String(format!("{s}（{}）", d.wareki())),
        Err(_) => value.clone(),
    })
}
