//! The PDF stage proper: writes the typst sources (templates from the
//! theme, data as JSON, each document converted from Markdown) into a work
//! folder, checks that typst has a Japanese font, then compiles the
//! checklist, every document and the combined 提出書類一式 in parallel,
//! one typst process per core.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use super::markup::{self, MarkupOptions};
use super::typst::{self, CompileJob, Typst};
use crate::check::Context;
use crate::diag::Finding;
use crate::git::Revision;
use crate::view::pages::{self, Pages};

/// Default Mincho families: Linux, Windows, macOS.
pub const SERIF_FONTS: &[&str] = &[
    "Noto Serif CJK JP",
    "IPAexMincho",
    "IPAMincho",
    "Yu Mincho",
    "YuMincho",
    "Hiragino Mincho ProN",
    "MS Mincho",
    "Noto Sans CJK JP",
];
/// Default Gothic families: Linux, Windows, macOS.
pub const SANS_FONTS: &[&str] = &[
    "Noto Sans CJK JP",
    "IPAexGothic",
    "IPAGothic",
    "Yu Gothic",
    "YuGothic",
    "Hiragino Sans",
    "Hiragino Kaku Gothic ProN",
    "Meiryo",
    "MS Gothic",
];

pub use crate::names::{CHECKLIST_PDF, COMBINED_PDF};

/// Families for the characters Japanese fonts lack (check boxes, letter-
/// like symbols, other scripts), in this order, where typst finds them;
/// `scripts/setup` installs them.
pub const FALLBACK_FONTS: &[&str] = &[
    "DejaVu Sans",
    "Noto Sans",
    "Noto Sans Math",
    "Noto Sans Symbols",
    "Noto Sans Symbols 2",
    "Symbola",
];

/// Why PDFs could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// typst missing or wrong.
    #[error(transparent)]
    Typst(#[from] typst::TypstError),
    /// No Japanese font.
    #[error(
        "typst finds none of the Japanese fonts {wanted}. Install one: Debian/Ubuntu `sudo apt-get install fonts-noto-cjk`; Windows has Yu Gothic / Yu Mincho; macOS has Hiragino; or name a font folder in anzen.yaml (pdf: {{font_paths: [fonts]}}) and families (pdf: {{sans_fonts: [...], serif_fonts: [...]}})"
    )]
    NoCjkFont {
        /// The families looked for.
        wanted: String,
    },
    /// A compile failed.
    #[error("{pdf}: typst failed: {message}")]
    Compile {
        /// The PDF being made.
        pdf: String,
        /// What typst said, mapped to the source where possible.
        message: String,
    },
    /// File trouble.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

impl PdfError {
    /// The message in both languages (typst's own diagnostics are quoted
    /// as they are).
    pub fn text(&self) -> crate::i18n::Text {
        match self {
            PdfError::Typst(e) => e.text(),
            PdfError::NoCjkFont { wanted } => crate::tr!(
                "typst が日本語フォント（{}）を見つけられません。Debian/Ubuntu では `sudo apt-get install fonts-noto-cjk`、Windows には游ゴシック・游明朝、macOS にはヒラギノがあります。anzen.yaml でフォントのフォルダ（pdf: {{font_paths: [fonts]}}）と書体（pdf: {{sans_fonts: [...], serif_fonts: [...]}}）を指定することもできます",
                "typst finds none of the Japanese fonts {}. Install one: Debian/Ubuntu `sudo apt-get install fonts-noto-cjk`; Windows has Yu Gothic / Yu Mincho; macOS has Hiragino; or name a font folder in anzen.yaml (pdf: {{font_paths: [fonts]}}) and families (pdf: {{sans_fonts: [...], serif_fonts: [...]}})";
                wanted
            ),
            PdfError::Compile { pdf, message } => crate::tr!(
                "{}: typst がエラーを返しました:\n{}", "{}: typst failed:\n{}"; pdf, message
            ),
            PdfError::Io { path, source } => {
                let r = crate::i18n::io_reason(source);
                crate::i18n::Text::new(
                    format!("{path} を読み書きできません: {}", r.ja),
                    format!("cannot read or write {path}: {}", r.en),
                )
            }
        }
    }
}

/// Options of the PDF stage.
#[derive(Debug, Clone, Default)]
pub struct PdfOptions {
    /// PDF/A-2b output.
    pub pdf_a: bool,
    /// Mask personal data (the rosters' personal columns; attachments that
    /// hold personal data are listed, not placed).
    pub mask_personal: bool,
    /// Told of each PDF made.
    pub progress: Option<crate::progress::Progress>,
    /// The output folder whose build cache (`.anzen-cache/`) PDFs whose
    /// inputs did not change are taken from; `None`: compile every one.
    pub cache: Option<PathBuf>,
}

/// The PDFs, by file name.
pub type PdfFiles = BTreeMap<String, Vec<u8>>;

/// `data/meta.json`: what every PDF may show. What changes from run to
/// run without changing a document (the dates of the run, the git
/// revision) is in [`Run`], so that a document's own PDF, which does not
/// read it, is reused from the cache across commits.
#[derive(Serialize)]
struct Meta<'a> {
    vendor: &'a str,
    representative: Option<&'a str>,
    client: String,
    contract: &'a str,
    number: &'a str,
    start_ja: String,
    end_ja: String,
    tool_version: &'a str,
    /// Check errors remain: every page carries 下書き（未確定）.
    draft: bool,
    fonts: Fonts,
}

/// `data/run.json`: read by the checklist, 提出書類一式 and the monthly
/// report, which show the as-of and submission dates and the revision.
#[derive(Serialize)]
struct Run {
    as_of: String,
    as_of_ja: String,
    submission_ja: String,
    revision: String,
}

#[derive(Serialize)]
struct Fonts {
    serif: Vec<String>,
    sans: Vec<String>,
    mono: String,
}

#[derive(Serialize)]
struct DocMeta {
    #[serde(skip)]
    id: String,
    /// The headings its PDF has (level, text), the title first: what
    /// [`parts::read`](super::parts::read) expects of the PDF's outline.
    #[serde(skip)]
    headings: Vec<(usize, String)>,
    /// The PDF's creation date: the document's own latest date.
    #[serde(skip)]
    date: Option<crate::date::Date>,
    history: Vec<pages::ChangeView>,
    slug: String,
    offset: u8,
    title: String,
    kind: String,
    version: Option<String>,
    approver: Option<String>,
    approved: Option<String>,
    approved_ja: Option<String>,
    review_by: Option<String>,
    review_by_ja: Option<String>,
    /// What the running header shows on its pages: 版 and date.
    head: String,
}

#[derive(Serialize)]
struct LedgerMeta {
    id: String,
    title: String,
    kind: String,
    count: usize,
    retention: Option<String>,
}

pub use crate::names::file_name;

/// The creation timestamp: SOURCE_DATE_EPOCH if set, else the as-of date
/// at midnight UTC.
pub fn timestamp(as_of: crate::date::Date) -> i64 {
    source_date_epoch().unwrap_or_else(|| midnight(as_of))
}

fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

fn midnight(date: crate::date::Date) -> i64 {
    date.0
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp())
        .unwrap_or(0)
}

/// A document's own PDF is dated by the document (its last change in git
/// or its approval, whichever is later), not by the run: a PDF whose
/// document did not change stays the same bytes from one commit or day to
/// the next. SOURCE_DATE_EPOCH still wins; a document with neither date
/// gets the run's timestamp.
fn document_timestamp(date: Option<crate::date::Date>, run: i64) -> i64 {
    source_date_epoch().unwrap_or_else(|| date.map_or(run, midnight))
}

/// A work folder with the templates and `data/meta.json` written, and the
/// typst to compile with.
pub struct Workspace {
    typst: Typst,
    /// The font families typst lists.
    families: Vec<String>,
    font_paths: Vec<PathBuf>,
    work: tempfile::TempDir,
    _lock: std::fs::File,
    timestamp: i64,
}

impl Workspace {
    /// Writes `bytes` at `rel` in the work folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), PdfError> {
        let path = self.work.path().join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|source| PdfError::Io {
                path: p.display().to_string(),
                source,
            })?;
        }
        std::fs::write(&path, bytes).map_err(|source| PdfError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// Writes `value` as JSON at `rel`.
    pub fn write_json<T: Serialize>(&self, rel: &str, value: &T) -> Result<(), PdfError> {
        self.write(rel, to_json(value).as_bytes())
    }

    /// Compiles the main file `main` into a PDF named `name`.
    pub fn compile(&self, name: &str, main: &str, pdf_a: bool) -> Result<Vec<u8>, PdfError> {
        compile_one(
            &self.typst,
            self.work.path(),
            &self.font_paths,
            self.timestamp,
            pdf_a,
            name,
            main,
            None,
            &BTreeMap::new(),
            None,
        )
        .map(|(_, b)| b)
    }
}

/// Work folders are `anzen-pdf-*` in the system's temporary folder.
const WORK_PREFIX: &str = "anzen-pdf-";
/// The lock file a live run holds in its work folder.
const WORK_LOCK: &str = ".anzen.lock";

/// Removes the work folders of runs that were killed (SIGKILL, power
/// loss): those whose lock nobody holds, and lockless ones (older versions,
/// or a run killed before locking) untouched for an hour. Folders of live
/// runs, and other users' folders, stay.
fn remove_stale_work_folders() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().starts_with(WORK_PREFIX) {
            continue;
        }
        let dir = e.path();
        if !std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let stale = match std::fs::File::open(dir.join(WORK_LOCK)) {
            Ok(f) => f.try_lock().is_ok(),
            Err(_) => std::fs::symlink_metadata(&dir)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(3600)),
        };
        if stale {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Finds typst and a Japanese font, and writes the templates and the
/// shared metadata into a fresh work folder.
pub fn prepare(
    cx: &Context,
    theme: &crate::view::theme::Theme,
    revision: Option<&Revision>,
    findings: &[Finding],
) -> Result<Workspace, PdfError> {
    let project = cx.project;
    let config = &project.config.pdf;
    let root = &project.root;
    let typst = typst::locate(None)?;
    let font_paths: Vec<PathBuf> = config.font_paths.iter().map(|p| root.join(p)).collect();
    let pick = |configured: &[String], defaults: &[&str]| -> Vec<String> {
        if configured.is_empty() {
            defaults.iter().map(|s| s.to_string()).collect()
        } else {
            configured.to_vec()
        }
    };
    let (serif, sans) = (
        pick(&config.serif_fonts, SERIF_FONTS),
        pick(&config.sans_fonts, SANS_FONTS),
    );
    let available = typst.fonts(&font_paths)?;
    let has = |f: &String| available.iter().any(|a| a.eq_ignore_ascii_case(f));
    if !serif.iter().chain(&sans).any(has) {
        let mut wanted: Vec<&String> = sans.iter().chain(&serif).collect();
        wanted.dedup();
        return Err(PdfError::NoCjkFont {
            wanted: wanted
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    // Only families typst has, so it never falls back to a font without
    // kana; then, for characters the CJK fonts lack (☐, ℋ, other scripts),
    // fallback families in a fixed order, so that the PDF does not depend
    // on which other fonts a machine happens to have (typst's own
    // fallback picks any font that has the character).
    let fallback: Vec<String> = FALLBACK_FONTS
        .iter()
        .map(|s| s.to_string())
        .filter(|f| has(f))
        .collect();
    let serif: Vec<String> = serif
        .iter()
        .filter(|f| has(f))
        .cloned()
        .chain(sans.iter().filter(|f| has(f)).cloned())
        .collect();
    let sans: Vec<String> = sans
        .iter()
        .filter(|f| has(f))
        .cloned()
        .chain(serif.iter().cloned())
        .collect();
    let dedup = |v: Vec<String>| {
        let mut seen = std::collections::BTreeSet::new();
        v.into_iter()
            .chain(fallback.iter().cloned())
            .filter(|f| seen.insert(f.to_lowercase()))
            .collect::<Vec<String>>()
    };
    let (serif, sans) = (dedup(serif), dedup(sans));
    let mono = [
        "Noto Sans Mono CJK JP",
        "BIZ UDGothic",
        "MS Gothic",
        "Osaka-Mono",
    ]
    .iter()
    .find(|f| has(&f.to_string()))
    .map(|s| s.to_string())
    .unwrap_or_else(|| sans[0].clone());

    remove_stale_work_folders();
    let work = tempfile::Builder::new()
        .prefix(WORK_PREFIX)
        .tempdir()
        .map_err(|source| PdfError::Io {
            path: "temp".into(),
            source,
        })?;
    // Held while the folder is in use: a later run that can take this lock
    // knows the folder's owner is gone (killed: no destructor ran).
    let lock = std::fs::File::create(work.path().join(WORK_LOCK))
        .and_then(|f| f.try_lock().map(|()| f).map_err(std::io::Error::other))
        .map_err(|source| PdfError::Io {
            path: work.path().display().to_string(),
            source,
        })?;
    let ws = Workspace {
        typst,
        families: available,
        font_paths,
        work,
        _lock: lock,
        timestamp: timestamp(project.as_of),
    };
    for (name, text) in &theme.typst {
        ws.write(name, text.as_bytes())?;
    }

    let c = &project.config;
    let meta = Meta {
        vendor: &c.vendor.name,
        representative: c.vendor.representative.as_deref(),
        client: match &c.client.department {
            Some(d) => format!("{} {}", c.client.name, d),
            None => c.client.name.clone(),
        },
        contract: &c.contract.name,
        number: &c.contract.number,
        start_ja: c.contract.start.wareki(),
        end_ja: c.contract.end.wareki(),
        tool_version: env!("CARGO_PKG_VERSION"),
        draft: findings
            .iter()
            .any(|f| f.severity == crate::diag::Severity::Error),
        fonts: Fonts { serif, sans, mono },
    };
    ws.write_json("data/meta.json", &meta)?;
    let run = Run {
        as_of: project.as_of.to_string(),
        as_of_ja: project.as_of.wareki(),
        submission_ja: c.submission_date.unwrap_or(project.as_of).wareki(),
        revision: match revision {
            Some(r) if r.dirty => format!("{}+", r.short),
            Some(r) => r.short.clone(),
            None => "git 管理外".into(),
        },
    };
    ws.write_json("data/run.json", &run)?;
    Ok(ws)
}

/// What one run compiles besides the theme's templates and
/// `data/meta.json`: the files, each document's metadata (for the jobs)
/// and the line maps of the converted documents (for typst's errors).
struct Generated {
    files: PdfFiles,
    docs: Vec<DocMeta>,
    line_maps: BTreeMap<String, (String, usize, Vec<usize>)>,
    /// `data/bundle.json` as data, to list attachments typst cannot read.
    bundle: serde_json::Value,
}

/// The typst sources and data generated from the project, by path in the
/// work folder, without compiling: `docs/<slug>.typ` for each document
/// (converted from Markdown), `data/checklist.json`, `data/documents.json`
/// (in the bundle's order), `data/ledgers.json`, `data/bundle.json` (the
/// 提出書, the 基準対照表, the rosters, the attachments, the standard's
/// text) and the attached evidence under `attach/`. The theme's templates
/// and `data/meta.json` (which names the fonts found) are written by
/// [`prepare`]. [`render`] compiles exactly these files.
pub fn sources(cx: &Context, findings: &[Finding]) -> PdfFiles {
    generate(cx, findings, false, false).files
}

/// `mask`: personal data masked; `pdf_a`: PDF/A, where typst cannot place
/// PDF pages (attached PDFs are then listed by hash).
fn generate(cx: &Context, findings: &[Finding], mask: bool, pdf_a: bool) -> Generated {
    use crate::view::bundle;
    let project = cx.project;
    let mut files = PdfFiles::new();
    let statuses = crate::check::status::statuses(project, cx.standard, findings);
    let p = Pages {
        cx,
        findings,
        statuses: &statuses,
        mask,
    };
    let checklist = serde_json::json!({
        "title": cx.standard.checklist.title,
        "columns": cx.standard.checklist.columns,
        "notes": cx.standard.checklist.notes,
        "sections": pages::checklist(&p),
    });
    let mut docs = Vec::new();
    let mut line_maps: BTreeMap<String, (String, usize, Vec<usize>)> = BTreeMap::new();
    // The mark of each document section, for the page numbers of the
    // 基準対照表: (document id, section id) → mark key.
    let mut section_marks: BTreeMap<(String, String), String> = BTreeMap::new();
    // Documents whose ids share a page (`output.name-collision`): one gets
    // its typst source, as on the site (see `names::page_owners`).
    let ordered = bundle::document_order(cx);
    let owners = crate::names::page_owners(ordered.iter().map(|d| d.meta.id.as_str()));
    for (d, _) in ordered.into_iter().zip(owners).filter(|(_, own)| *own) {
        let slug = crate::view::links::slug(&d.meta.id);
        // The title block repeats the front matter's title: a first `# 同じ題`
        // is dropped (its line kept blank so lines still map), and the body's
        // `##` headings then sit right under the title.
        let (body, offset) = match d.sections.first() {
            Some(s) if s.level == 1 && s.title == d.meta.title => {
                let skip = s.line - d.body_line;
                let body: Vec<&str> = d
                    .body
                    .split('\n')
                    .enumerate()
                    .map(|(i, l)| if i == skip { "" } else { l })
                    .collect();
                (body.join("\n"), 0)
            }
            _ => (d.body.clone(), 1),
        };
        // The converted body's headings are the document's sections, less
        // the title heading dropped above.
        let dropped = usize::from(offset == 0);
        for (i, s) in d.sections.iter().enumerate() {
            let key = match i.checked_sub(dropped) {
                Some(k) if i >= dropped => format!("sec:{slug}/{k}"),
                _ => format!("doc:{slug}"),
            };
            section_marks
                .entry((d.meta.id.clone(), s.id.clone()))
                .or_insert(key);
        }
        let converted = markup::to_typst(
            &body,
            &MarkupOptions {
                section_marks: Some(&slug),
                ..MarkupOptions::default()
            },
        );
        files.insert(format!("docs/{slug}.typ"), converted.markup.into_bytes());
        line_maps.insert(
            format!("docs/{slug}.typ"),
            (d.file.clone(), d.body_line, converted.line_map),
        );
        let m = &d.meta;
        let mut head = vec![m.title.clone()];
        if let Some(v) = &m.version {
            head.push(format!("第{v}版"));
        }
        head.push(match &m.approval {
            Some(a) => format!("{} 承認", a.date.wareki()),
            None => "未承認".into(),
        });
        let mut headings = vec![(1, m.title.clone())];
        headings.extend(
            d.sections
                .iter()
                .skip(dropped)
                .map(|s| (usize::from(s.level) + usize::from(offset), s.title.clone())),
        );
        let history = pages::history(&p, &d.file);
        let date = history
            .first()
            .and_then(|c| crate::date::Date::parse(&c.date).ok())
            .into_iter()
            .chain(m.approval.as_ref().map(|a| a.date))
            .max();
        docs.push(DocMeta {
            id: d.meta.id.clone(),
            headings,
            date,
            history,
            slug,
            offset,
            title: m.title.clone(),
            kind: m.kind.label().into(),
            version: m.version.clone(),
            approver: m.approval.as_ref().map(|a| a.approver.clone()),
            approved: m.approval.as_ref().map(|a| a.date.to_string()),
            approved_ja: m.approval.as_ref().map(|a| a.date.wareki()),
            review_by: m.review_by.map(|d| d.to_string()),
            review_by_ja: m.review_by.map(|d| d.wareki()),
            head: head.join("　"),
        });
    }
    let ledgers: Vec<LedgerMeta> = bundle::ledger_order(cx)
        .into_iter()
        .map(|l| LedgerMeta {
            id: l.id.clone(),
            title: p.ledger_title(l),
            kind: cx.kind_title(&l.kind),
            count: l.entries.len(),
            retention: l.retention.map(|r| match r {
                crate::model::Retention::Years(n) => format!("記録から{n}年"),
                crate::model::Retention::Until(d) => format!("{d} まで"),
            }),
        })
        .collect();
    let doc_slug = |id: &str| {
        docs.iter()
            .find(|d| d.id == id)
            .map(|d| format!("doc:{}", d.slug))
    };
    let cross: Vec<serde_json::Value> = bundle::cross_reference(&p)
        .into_iter()
        .map(|row| {
            let sections: Vec<serde_json::Value> = row
                .sections
                .iter()
                .map(|s| {
                    let key = match &s.section {
                        Some(sec) => section_marks
                            .get(&(s.document.clone(), sec.clone()))
                            .cloned()
                            .or_else(|| doc_slug(&s.document)),
                        None => doc_slug(&s.document),
                    };
                    serde_json::json!({ "label": s.label, "key": key })
                })
                .collect();
            let ledgers: Vec<serde_json::Value> = row
                .ledgers
                .iter()
                .map(|(title, id)| serde_json::json!({ "label": title, "key": format!("ledger:{id}") }))
                .collect();
            let items: Vec<serde_json::Value> = row
                .items
                .iter()
                .map(|(id, answer)| serde_json::json!({ "id": id, "answer": answer, "key": format!("item:{id}") }))
                .collect();
            serde_json::json!({
                "number": row.number,
                "title": row.title,
                "child": row.child,
                "status": row.status,
                "status_label": row.status_label,
                "sections": sections,
                "ledgers": ledgers,
                "items": items,
            })
        })
        .collect();
    let rosters: Vec<serde_json::Value> = bundle::rosters(&p)
        .into_iter()
        .map(|v| {
            serde_json::json!({
                "id": v.head.id,
                "title": v.head.title,
                "kind": v.head.kind,
                "kind_key": cx.ledgers.get(v.head.id.as_str()).map(|l| l.kind.clone()),
                "columns": v.columns,
                "rows": v.rows.iter().map(|r| r.cells.iter().map(|c| c.text.clone()).collect::<Vec<_>>()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let content = project.root.join(&project.config.content_dir);
    let mut attachments = Vec::new();
    for (n, a) in bundle::attachments(cx).into_iter().enumerate() {
        let name = a.path.rsplit('/').next().unwrap_or(&a.path).to_string();
        let path = content.join(&a.path);
        // Only a regular file (never a symlink swapped in since loading).
        let bytes = match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => std::fs::read(&path).ok(),
            _ => None,
        };
        let Some(bytes) = bytes else { continue };
        let sha256: String = {
            use sha2::Digest;
            sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        let found = super::attach::placement(&name, &bytes);
        // Why a file is listed instead of placed (shown beside its hash).
        let reason = if mask && a.personal {
            "masked"
        } else if pdf_a && matches!(found.0, super::attach::Placement::Pdf(_)) {
            "pdf_a"
        } else if found.0 == super::attach::Placement::Listed && bytes.starts_with(b"%PDF-") {
            match super::attach::page_count(&bytes) {
                Some(n) if n > super::attach::MAX_PAGES => "too_long",
                _ => "unreadable",
            }
        } else {
            "other"
        };
        let (placement, ext) = match reason {
            "masked" | "pdf_a" => (super::attach::Placement::Listed, "bin"),
            _ => found,
        };
        let (kind, pages) = match placement {
            super::attach::Placement::Pdf(n) => ("pdf", n),
            super::attach::Placement::Image => ("image", 1),
            super::attach::Placement::Listed => ("listed", 0),
        };
        let file = format!("attach/{}.{ext}", n + 1);
        if kind != "listed" {
            files.insert(file.clone(), bytes.clone());
        }
        let supports: Vec<String> = a
            .supports
            .iter()
            .map(|s| match &s.item {
                Some(i) => format!("チェック項目 {i}　{}", s.record),
                None => s.record.clone(),
            })
            .collect();
        attachments.push(serde_json::json!({
            "number": n + 1,
            "name": name,
            "path": a.path,
            "file": file,
            "kind": kind,
            "pages": pages,
            "size": bytes.len(),
            "sha256": sha256,
            "masked": mask && a.personal,
            "reason": reason,
            "supports": supports,
        }));
    }
    let bundle_data = serde_json::json!({
        "letter": bundle::letter(cx),
        "cross": cross,
        "rosters": rosters,
        "attachments": attachments,
        "standard_title": cx.standard.title,
        "standard": if project.config.pdf.include_standard {
            Some(bundle::standard_text(cx))
        } else {
            None
        },
        "masked": mask,
        "pdf_a": pdf_a,
    });
    files.insert(
        "data/checklist.json".into(),
        to_json(&checklist).into_bytes(),
    );
    files.insert("data/documents.json".into(), to_json(&docs).into_bytes());
    for d in &docs {
        files.insert(
            format!("data/docs/{}.json", d.slug),
            to_json(d).into_bytes(),
        );
    }
    files.insert("data/ledgers.json".into(), to_json(&ledgers).into_bytes());
    files.insert(
        "data/bundle.json".into(),
        to_json(&bundle_data).into_bytes(),
    );
    Generated {
        files,
        docs,
        line_maps,
        bundle: bundle_data,
    }
}

/// Makes every PDF: (file name → bytes), in memory.
pub fn render(
    cx: &Context,
    theme: &crate::view::theme::Theme,
    findings: &[Finding],
    revision: Option<&Revision>,
    options: &PdfOptions,
) -> Result<PdfFiles, PdfError> {
    let ws = prepare(cx, theme, revision, findings)?;
    let Generated {
        files,
        docs,
        line_maps,
        bundle,
    } = generate(cx, findings, options.mask_personal, options.pdf_a);
    for (rel, bytes) in &files {
        ws.write(rel, bytes)?;
    }

    // The jobs: (pdf name, main file, doc slug, creation timestamp). The
    // documents first, in parallel; then 提出書類一式, which places the
    // documents' PDFs as its parts, beside the checklist.
    let mut jobs: Vec<(String, &str, Option<String>, i64)> = Vec::new();
    // Two documents whose PDFs would share a name (as Windows or macOS
    // compare names) are an `output.name-collision` error: the first keeps
    // the name, the other gets no PDF of its own (never a silent overwrite).
    let mut names: std::collections::BTreeSet<String> = [CHECKLIST_PDF, COMBINED_PDF]
        .iter()
        .map(|n| crate::names::fold(n))
        .collect();
    let pdf_names = crate::names::by_title(
        docs.iter().map(|d| (d.id.as_str(), d.title.as_str())),
        ".pdf",
    );
    for (d, name) in docs.iter().zip(pdf_names) {
        if names.insert(crate::names::fold(&name)) {
            jobs.push((
                name,
                "document.typ",
                Some(d.slug.clone()),
                document_timestamp(d.date, ws.timestamp),
            ));
        }
    }
    let (typst, dir, font_paths) = (&ws.typst, ws.work.path(), &ws.font_paths);
    let cache = options.cache.as_deref().and_then(|out| {
        let salt = super::cache::Salt {
            typst: &typst.path,
            typst_version: &typst.version,
            families: &ws.families,
            font_paths,
            pdf_a: options.pdf_a,
        };
        super::cache::PdfCache::open(out, dir, &salt)
    });
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| PdfError::Io {
            path: "threads".into(),
            source: std::io::Error::other(e),
        })?;
    crate::progress::emit(
        &options.progress,
        crate::progress::Event::PdfTotal(jobs.len() + 2),
    );
    let compile = |name: &str, main: &str, slug: Option<&str>, timestamp: i64| {
        let done = compile_one(
            typst,
            dir,
            font_paths,
            timestamp,
            options.pdf_a,
            name,
            main,
            slug,
            &line_maps,
            cache.as_ref(),
        );
        crate::progress::emit(&options.progress, crate::progress::Event::PdfDone(name));
        done
    };
    let results: Vec<Result<(String, Vec<u8>), PdfError>> = pool.install(|| {
        jobs.par_iter()
            .map(|(name, main, slug, timestamp)| compile(name, main, slug.as_deref(), *timestamp))
            .collect()
    });
    let mut done: PdfFiles = PdfFiles::new();
    // The documents' PDFs as parts of the bundle (none under PDF/A, where
    // typst places no PDF pages: the bundle then lays every document out).
    let mut parts: BTreeMap<String, super::parts::Part> = BTreeMap::new();
    for (r, (_, _, slug, _)) in results.into_iter().zip(&jobs) {
        let (name, bytes) = r?;
        if let Some(slug) = slug
            && !options.pdf_a
            && let Some(d) = docs.iter().find(|d| &d.slug == slug)
            && let Some(part) = super::parts::read(slug, &bytes, &d.headings)
        {
            ws.write(&format!("parts/{slug}.pdf"), &bytes)?;
            parts.insert(slug.clone(), part);
        }
        done.insert(name, bytes);
    }
    ws.write_json("data/parts.json", &parts)?;
    let (combined, checklist) = pool.install(|| {
        rayon::join(
            || compile(COMBINED_PDF, "combined.typ", None, ws.timestamp),
            || compile(CHECKLIST_PDF, "checklist.typ", None, ws.timestamp),
        )
    });
    let checklist = checklist?;
    done.insert(checklist.0, checklist.1);
    let combined = match combined {
        Ok(c) => c,
        // An attached file typst cannot read (a damaged or encrypted PDF)
        // must not stop the bundle: such files are listed by name and hash
        // instead, and the bundle is made again.
        Err(e) => {
            let Some(bundle) = list_unreadable_attachments(&ws, bundle.clone())? else {
                return Err(e);
            };
            ws.write_json("data/bundle.json", &bundle)?;
            if let Some(c) = &cache {
                c.forget("data/bundle.json");
            }
            compile(COMBINED_PDF, "combined.typ", None, ws.timestamp)?
        }
    };
    done.insert(combined.0, combined.1);
    if let Some(c) = &cache {
        c.prune();
        crate::progress::emit(
            &options.progress,
            crate::progress::Event::PdfCached(c.hits()),
        );
    }
    Ok(done)
}

/// Tries each attachment placed as pages on its own; those typst fails on
/// become listed ones. `None` when every one compiles (the bundle failed
/// for another reason).
fn list_unreadable_attachments(
    ws: &Workspace,
    mut bundle: serde_json::Value,
) -> Result<Option<serde_json::Value>, PdfError> {
    let mut changed = false;
    let Some(list) = bundle.get_mut("attachments").and_then(|a| a.as_array_mut()) else {
        return Ok(None);
    };
    for a in list.iter_mut() {
        let (Some(kind), Some(file)) = (
            a.get("kind").and_then(|k| k.as_str()).map(str::to_string),
            a.get("file").and_then(|f| f.as_str()).map(str::to_string),
        ) else {
            continue;
        };
        if kind == "listed" {
            continue;
        }
        let pages = a.get("pages").and_then(|p| p.as_u64()).unwrap_or(1);
        let lit = markup::string_literal(&file);
        let probe = if kind == "pdf" {
            format!("#image({lit}, page: 1)\n#image({lit}, page: {pages})\n")
        } else {
            format!("#image({lit})\n")
        };
        ws.write("probe.typ", probe.as_bytes())?;
        if ws.compile("probe.pdf", "probe.typ", false).is_err() {
            a["kind"] = "listed".into();
            a["pages"] = 0.into();
            a["reason"] = "unreadable".into();
            changed = true;
        }
    }
    Ok(changed.then_some(bundle))
}

#[allow(clippy::too_many_arguments)]
fn compile_one(
    typst: &Typst,
    dir: &Path,
    font_paths: &[PathBuf],
    timestamp: i64,
    pdf_a: bool,
    name: &str,
    main: &str,
    slug: Option<&str>,
    line_maps: &BTreeMap<String, (String, usize, Vec<usize>)>,
    cache: Option<&super::cache::PdfCache>,
) -> Result<(String, Vec<u8>), PdfError> {
    let out = dir
        .join("out")
        .join(format!("{}.pdf", slug.unwrap_or(main)));
    if let Some(p) = out.parent() {
        std::fs::create_dir_all(p).map_err(|source| PdfError::Io {
            path: p.display().to_string(),
            source,
        })?;
    }
    let mut inputs = Vec::new();
    if let Some(s) = slug {
        inputs.push(("doc", s.to_string()));
    }
    let key = cache.map(|c| c.key(main, &inputs, timestamp));
    if let (Some(c), Some(k)) = (cache, &key)
        && let Some(bytes) = c.lookup(k)
    {
        return Ok((name.to_string(), bytes));
    }
    let deps = out.with_extension("deps.json");
    let job = CompileJob {
        root: dir,
        input: main,
        output: &out,
        font_paths,
        timestamp,
        pdf_a,
        inputs,
        deps: cache.is_some().then_some(deps.as_path()),
    };
    typst.compile(&job).map_err(|stderr| PdfError::Compile {
        pdf: name.to_string(),
        message: map_diagnostics(&stderr, line_maps),
    })?;
    let bytes = std::fs::read(&out).map_err(|source| PdfError::Io {
        path: out.display().to_string(),
        source,
    })?;
    if let (Some(c), Some(k)) = (cache, &key)
        && let Ok(listed) = std::fs::read(&deps)
    {
        c.store(k, &listed, &bytes);
    }
    Ok((name.to_string(), bytes))
}

/// typst's errors, with lines in converted documents mapped back to the
/// Markdown file they came from.
fn map_diagnostics(
    stderr: &str,
    line_maps: &BTreeMap<String, (String, usize, Vec<usize>)>,
) -> String {
    let diags = typst::diagnostics(stderr);
    if diags.is_empty() {
        return stderr.to_string();
    }
    diags
        .iter()
        .map(|d| match line_maps.get(&d.file) {
            Some((file, body_line, map)) => {
                let line = map
                    .get(d.line.saturating_sub(1))
                    .map(|l| l + body_line - 1)
                    .unwrap_or(*body_line);
                format!("{file}:{line}: {}", d.message)
            }
            None => format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Pretty JSON for the typst data files.
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into())
}
