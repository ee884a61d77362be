//! `anzen init`: scaffolds a new project for the bundled standard.
//!
//! Everything is derived from the data: a document stub for the
//! requirements the standard's `document` checks ask for (each with a
//! `{#id}` heading per requirement, a TODO line and the requirement's text),
//! an empty ledger of every kind, the checklist answers file with every item,
//! and JSON Schemas for the config, the answers and each ledger kind, wired
//! to the files by `yaml-language-server` modelines. A fresh scaffold fails
//! `anzen check` only with findings that say what to fill in.

mod scaffold;
mod schema;

use std::path::{Path, PathBuf};

use crate::date::Date;
use crate::standard::{LedgerKinds, Standard};

pub use scaffold::{DocumentStub, document_stubs};

/// The bundled standard the scaffold is made for.
pub const STANDARD_ID: &str = "municipal-standard";
/// Folder of the JSON Schemas, relative to the project root.
pub const SCHEMAS_DIR: &str = "schemas";

/// Options of `anzen init`.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// Write into a folder that already has files (never overwriting one).
    pub force: bool,
}

/// What `init` wrote.
#[derive(Debug, Default)]
pub struct InitReport {
    /// Files created.
    pub written: Vec<PathBuf>,
    /// Files left as they were because they already existed (`--force`).
    pub skipped: Vec<PathBuf>,
}

/// Why `init` stopped.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// A write was refused (a symbolic link in the way) or failed.
    #[error(transparent)]
    Write(#[from] crate::write::WriteError),
    /// The folder has files and `--force` was not given.
    #[error(
        "{0}: the folder is not empty; use --force to add the scaffold without overwriting existing files"
    )]
    NotEmpty(PathBuf),
    /// The path exists and is not a folder.
    #[error("{0}: not a folder")]
    NotADirectory(PathBuf),
    /// Reading or writing failed.
    #[error("{path}: cannot write: {source}")]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl InitError {
    /// The message in both languages.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::terminal::path;
        use crate::tr;
        match self {
            InitError::Write(e) => e.text(),
            InitError::NotEmpty(p) => tr!(
                "{}: フォルダが空ではありません。既存のファイルを上書きせずに書き足すには --force を付けてください",
                "{}: the folder is not empty; use --force to add the scaffold without overwriting existing files";
                path(p)
            ),
            InitError::NotADirectory(p) => {
                tr!("{}: フォルダではありません", "{}: not a folder"; path(p))
            }
            InitError::Io { path: p, source } => {
                let (p, r) = (path(p), crate::i18n::io_reason(source));
                crate::i18n::Text::new(
                    format!("{p}: 書き込めません: {}", r.ja),
                    format!("{p}: cannot write: {}", r.en),
                )
            }
        }
    }
}

/// One file of the scaffold: path relative to the project root, contents.
#[derive(Debug, Clone)]
pub struct ScaffoldFile {
    /// Path relative to the project root, with `/` separators.
    pub path: String,
    /// The text.
    pub text: String,
}

/// Scaffolds a project in `dir` (created if missing). Refuses a folder
/// that has anything but `.git` in it unless `force`; never overwrites a
/// file either way.
pub fn init(dir: &Path, options: &InitOptions) -> Result<InitReport, InitError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    if dir.exists() {
        if !dir.is_dir() {
            return Err(InitError::NotADirectory(dir.to_path_buf()));
        }
        let occupied = std::fs::read_dir(dir)
            .map_err(io(dir))?
            .filter_map(Result::ok)
            .any(|e| e.file_name() != ".git");
        if occupied && !options.force {
            return Err(InitError::NotEmpty(dir.to_path_buf()));
        }
    } else {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut report = InitReport::default();
    for file in files(Date::today()) {
        let path = dir.join(&file.path);
        // Folders are made without following a link (a folder that is a
        // symbolic link out of the project is refused), and files with
        // create_new: an existing file, or a link planted at its name, is
        // never overwritten or followed.
        if let Some(parent) = std::path::Path::new(&file.path).parent() {
            crate::write::dirs(dir, parent)?;
        }
        if crate::write::new_file(&path, file.text.as_bytes())? {
            report.written.push(path);
        } else {
            report.skipped.push(path);
        }
    }
    Ok(report)
}

/// Every file of the scaffold, dated `today` (contract and as-of
/// placeholders), in the order they are written.
pub fn files(today: Date) -> Vec<ScaffoldFile> {
    let standard = bundled_standard();
    let kinds = LedgerKinds::bundled();
    let mut out = vec![
        ScaffoldFile {
            path: crate::model::config::CONFIG_FILE.to_string(),
            text: scaffold::config(today),
        },
        ScaffoldFile {
            path: ".gitignore".to_string(),
            text: "# anzen build の出力\n/output/\n".to_string(),
        },
    ];
    let stubs = document_stubs(&standard);
    for stub in &stubs {
        out.push(ScaffoldFile {
            path: format!(
                "content/{}/{}.md",
                crate::model::project::DOCUMENTS_DIR,
                stub.id
            ),
            text: scaffold::document(stub, &standard),
        });
    }
    for kind in &kinds.kinds {
        out.push(ScaffoldFile {
            path: format!(
                "content/{}/{}.yaml",
                crate::model::project::LEDGERS_DIR,
                kind.kind
            ),
            text: scaffold::ledger(kind, &standard, today),
        });
    }
    out.push(ScaffoldFile {
        path: format!("content/{}", crate::model::project::ANSWERS_FILE),
        text: scaffold::checklist(&standard, &kinds, &stubs),
    });
    for (path, text) in schemas() {
        out.push(ScaffoldFile { path, text });
    }
    out
}

/// The JSON Schemas (draft-07) as (path relative to the project root,
/// JSON text): the config, the checklist answers and one per ledger kind.
pub fn schemas() -> Vec<(String, String)> {
    let standard = bundled_standard();
    let kinds = LedgerKinds::bundled();
    let pretty = |v: serde_json::Value| {
        let mut s = serde_json::to_string_pretty(&v).expect("a schema serialises");
        s.push('\n');
        s
    };
    let mut out = vec![
        (
            format!("{SCHEMAS_DIR}/{}", schema::CONFIG_SCHEMA),
            pretty(schema::config()),
        ),
        (
            format!("{SCHEMAS_DIR}/{}", schema::CHECKLIST_SCHEMA),
            pretty(schema::checklist(&standard)),
        ),
    ];
    for kind in &kinds.kinds {
        out.push((
            format!("{SCHEMAS_DIR}/{}", schema::ledger_schema_file(&kind.kind)),
            pretty(schema::ledger(kind)),
        ));
    }
    out
}

fn bundled_standard() -> Standard {
    Standard::bundled(STANDARD_ID).expect("the bundled standard exists")
}
