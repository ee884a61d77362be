//! Stage 3a of the pipeline: the browsable static site. Takes the loaded
//! project, the standard and the findings, and returns every file of the
//! site in memory (pages rendered in parallel with tera); the build stage
//! writes them out. Links are relative, so the site opens from disk.

pub mod ledger_rows;
pub mod markdown;
pub mod search;

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context as TeraContext;

use crate::check::Context;
use crate::check::status;
use crate::diag::{Finding, Severity};
use crate::git::Revision;
use crate::model::Document;
use crate::progress::Event;
use crate::view::pages::{self, Pages};
use crate::view::{links, theme};

/// Options of a site build.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// Mask personal-data fields and names.
    pub mask_personal: bool,
    /// Where the steps of the site build are reported (`--verbose`).
    pub progress: Option<crate::progress::Progress>,
}

/// Why the site could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    /// A template failed.
    #[error("{template}: {message}")]
    Render {
        /// The template.
        template: String,
        /// What went wrong.
        message: String,
    },
    /// An evidence file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
}

impl SiteError {
    /// The message in both languages (a template engine's own message
    /// is quoted as it is).
    pub fn text(&self) -> crate::i18n::Text {
        match self {
            SiteError::Render { template, message } => crate::tr!(
                "テンプレート {} を描画できません: {}",
                "cannot render the template {}: {}"; template, message
            ),
            SiteError::Io { path, source } => {
                let r = crate::i18n::io_reason(source);
                crate::i18n::Text::new(
                    format!("{path} を読めません: {}", r.ja),
                    format!("cannot read {path}: {}", r.en),
                )
            }
        }
    }
}

/// The files of the site: path relative to the site root → bytes.
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// Findings of each severity listed on the dashboard; the rest are on
/// findings.html.
pub const DASHBOARD_FINDINGS: usize = 50;

struct Job {
    path: String,
    template: &'static str,
    context: TeraContext,
}

/// Renders the whole site.
pub fn render(
    cx: &Context,
    findings: &[Finding],
    revision: Option<&Revision>,
    theme: &theme::Theme,
    options: &SiteOptions,
) -> Result<SiteFiles, SiteError> {
    let statuses = status::statuses(cx.project, cx.standard, findings);
    let p = Pages::new(cx, findings, &statuses, options.mask_personal);
    let info = p.site_info(revision);
    let base = |root: &str, nav: &str, title: &str| base_context(&info, root, nav, title);
    let rows = pages::requirement_rows(&p);
    let errors = p.findings_where(|f| f.severity == Severity::Error);
    let warnings = p.findings_where(|f| f.severity == Severity::Warning);
    let mut jobs: Vec<Job> = Vec::new();

    let mut c = base("", "index", "ダッシュボード");
    let count = |s: status::Status| rows.iter().filter(|r| r.status == s).count();
    c.insert(
        "counts",
        &Counts {
            satisfied: count(status::Status::Satisfied),
            attention: count(status::Status::Attention),
            lacking: count(status::Status::Lacking),
            total: rows.len(),
        },
    );
    c.insert("requirements", &rows);
    c.insert("matrix", &pages::matrix(&p));
    c.insert("due", &pages::due(&p, 10));
    // The first findings of each severity, and a link to the full list: a
    // project with 100,000 findings would otherwise make the dashboard as
    // large as findings.html.
    for (name, list) in [("errors", &errors), ("warnings", &warnings)] {
        c.insert(name, &list[..list.len().min(DASHBOARD_FINDINGS)]);
        c.insert(format!("{name}_total"), &list.len());
        c.insert(
            format!("{name}_more"),
            &list.len().saturating_sub(DASHBOARD_FINDINGS),
        );
    }
    jobs.push(Job {
        path: "index.html".into(),
        template: "index.html",
        context: c,
    });

    let mut c = base("", "checklist", &cx.standard.checklist.title);
    c.insert("sections", &pages::checklist(&p));
    c.insert("columns", &cx.standard.checklist.columns);
    c.insert("notes", &cx.standard.checklist.notes);
    jobs.push(Job {
        path: "checklist.html".into(),
        template: "checklist.html",
        context: c,
    });

    let mut c = base("", "requirements", "安全管理基準");
    c.insert("requirements", &rows);
    c.insert("title", &cx.standard.title);
    jobs.push(Job {
        path: "requirements.html".into(),
        template: "requirements.html",
        context: c,
    });
    for r in &cx.standard.requirements {
        let mut c = base(
            "../",
            "requirements",
            &format!("{} {}", r.number, pages::short_title(r)),
        );
        c.insert("req", &pages::requirement(&p, r));
        jobs.push(Job {
            path: links::requirement_page(&r.id),
            template: "requirement.html",
            context: c,
        });
    }

    // Documents and ledgers: their views are built, and their pages
    // rendered, in parallel; each page's template context lives only while
    // it is rendered. The list pages get summaries, not every body and row.
    let step = |ja: &str, en: &str| crate::progress::emit(&options.progress, Event::Stage(ja, en));
    step("  文書の HTML", "  document HTML");
    let (doc_views, doc_texts): (Vec<pages::DocumentView>, Vec<SectionTexts>) = cx
        .project
        .documents
        .par_iter()
        .map(|d| {
            let r = document_html(cx, d);
            (pages::document(&p, d, r.html), r.sections)
        })
        .unzip();
    let mut c = base("", "documents", "文書");
    let summaries: Vec<pages::DocumentSummary> = doc_views.iter().map(Into::into).collect();
    c.insert("documents", &summaries);
    jobs.push(Job {
        path: "documents.html".into(),
        template: "documents.html",
        context: c,
    });
    // Ids that share a page (a duplicate id, or two ids with one slug) are
    // reported as findings; one of them gets the page (`names::page_owners`).
    let doc_owners =
        crate::names::page_owners(cx.project.documents.iter().map(|d| d.meta.id.as_str()));
    let ledger_owners = crate::names::page_owners(cx.project.ledgers.iter().map(|l| l.id.as_str()));
    // Each body goes to its page and is dropped there (the views stay for
    // the search index, which needs only their heads).
    let mut doc_views = doc_views;
    let bodies: Vec<String> = doc_views
        .iter_mut()
        .map(|d| std::mem::take(&mut d.html))
        .collect();
    let first_docs: Vec<(&pages::DocumentView, String)> = doc_views
        .iter()
        .zip(bodies)
        .zip(&doc_owners)
        .filter(|(_, own)| **own)
        .map(|(d, _)| d)
        .collect();

    step("  台帳の表", "  ledger tables");
    let ledger_views: Vec<pages::LedgerView> = cx
        .project
        .ledgers
        .par_iter()
        .map(|l| pages::ledger(&p, l))
        .collect();
    let mut c = base("", "ledgers", "台帳");
    let summaries: Vec<pages::LedgerSummary> = ledger_views.iter().map(Into::into).collect();
    c.insert("ledgers", &summaries);
    jobs.push(Job {
        path: "ledgers.html".into(),
        template: "ledgers.html",
        context: c,
    });
    let first_ledgers: Vec<&pages::LedgerView> = ledger_views
        .iter()
        .zip(&ledger_owners)
        .filter(|(_, own)| **own)
        .map(|(l, _)| l)
        .collect();

    let mut c = base("", "findings", "検査結果");
    c.insert("errors", &errors);
    c.insert("warnings", &warnings);
    jobs.push(Job {
        path: "findings.html".into(),
        template: "findings.html",
        context: c,
    });

    let render = |path: &str, template: &'static str, context: &TeraContext| {
        render_page(theme, path, template, context)
    };
    let pages = jobs
        .par_iter()
        .map(|job| render(&job.path, job.template, &job.context));
    let doc_pages = first_docs
        .into_par_iter()
        .map(|(d, body)| document_page(theme, &info, d, body));
    // A ledger's rows reach its template as HTML (ledger_rows); the row
    // data too only when the project's theme has its own ledger.html.
    let own_ledger_template = theme.replaced.contains("ledger.html");
    let ledger_pages = first_ledgers.par_iter().map(|l| {
        let mut c = base("../", "ledgers", &l.head.title);
        let page = LedgerPage {
            head: &l.head,
            columns: &l.columns,
            findings: &l.findings,
            count: l.rows.len(),
            table_rows: ROWS_MARK,
            rows: own_ledger_template.then_some(&l.rows[..]),
        };
        c.insert("ledger", &page);
        // The rows' HTML (megabytes for a large ledger) is placed after the
        // template ran, as a document's body is.
        let rows = ledger_rows::table_rows(l, "../", theme)?;
        let page = render_text(theme, "ledger.html", &c)?;
        Ok((l.head.url.clone(), place_body(&page, ROWS_MARK, &rows)))
    });
    step(
        "  ページの描画と検索索引",
        "  page templates and search index",
    );
    // The search index is built beside the pages (its merge and sort are
    // partly serial; the pages fill the other core meanwhile).
    let (rendered, index_files) = rayon::join(
        || -> Result<Vec<(String, Vec<u8>)>, SiteError> {
            pages.chain(doc_pages).chain(ledger_pages).collect()
        },
        || search_index(&p, &doc_views, doc_texts, &ledger_views).files(),
    );
    let mut files: SiteFiles = rendered?.into_iter().collect();
    for (name, bytes) in &theme.assets {
        files.insert(format!("assets/{name}"), bytes.clone());
    }
    files.extend(index_files);
    copy_evidence(cx, &mut files)?;
    Ok(files)
}

/// Only the pages of the documents at `content_paths` (relative to the
/// content folder), rendered as [`render`] would with these findings:
/// `anzen serve` shows an edited document with this at once, before the
/// checks run again and the whole site is rendered. Unknown paths are
/// skipped.
pub fn render_documents(
    cx: &Context,
    findings: &[Finding],
    revision: Option<&Revision>,
    theme: &theme::Theme,
    options: &SiteOptions,
    content_paths: &[&str],
) -> Result<SiteFiles, SiteError> {
    let statuses = status::statuses(cx.project, cx.standard, findings);
    let p = Pages::new(cx, findings, &statuses, options.mask_personal);
    let info = p.site_info(revision);
    let docs: Vec<&Document> = cx
        .project
        .documents
        .iter()
        .filter(|d| content_paths.contains(&d.content_path.as_str()))
        .collect();
    docs.par_iter()
        .map(|d| {
            let mut view = pages::document(&p, d, document_html(cx, d).html);
            let body = std::mem::take(&mut view.html);
            document_page(theme, &info, &view, body)
        })
        .collect()
}

/// Where a document's body goes in its page: the template gets this in
/// place of `doc.html`, and the body is put in its place afterwards, so
/// that the body is neither copied into the template's values nor walked
/// by the template engine. A `<` from any value the template escapes
/// becomes `&lt;`, so only the template itself can write this.
const BODY_MARK: &str = "<!--anzen:document-body-->";

/// What a document's template gets as `doc`.
#[derive(Serialize)]
struct DocumentPage<'a> {
    #[serde(flatten)]
    view: &'a pages::DocumentView,
    html: &'static str,
}

/// A document's page, its body (`view.html`, taken out) placed in it.
fn document_page(
    theme: &theme::Theme,
    info: &pages::SiteInfo,
    view: &pages::DocumentView,
    body: String,
) -> Result<(String, Vec<u8>), SiteError> {
    let mut c = base_context(info, "../", "documents", &view.head.title);
    c.insert(
        "doc",
        &DocumentPage {
            view,
            html: BODY_MARK,
        },
    );
    let page = render_text(theme, "document.html", &c)?;
    Ok((view.head.url.clone(), place_body(&page, BODY_MARK, &body)))
}

/// Where a ledger's rows go in its page (`ledger.table_rows`), as
/// [`BODY_MARK`] for a document's body.
const ROWS_MARK: &str = "<!--anzen:ledger-rows-->";

/// `page` with `body` wherever the template put `mark`, written into one
/// buffer of the final size.
fn place_body(page: &str, mark: &str, body: &str) -> Vec<u8> {
    let marks = page.matches(mark).count();
    let mut out = Vec::with_capacity(page.len() + marks * body.len());
    let mut last = 0;
    for (at, _) in page.match_indices(mark) {
        out.extend_from_slice(&page.as_bytes()[last..at]);
        out.extend_from_slice(body.as_bytes());
        last = at + mark.len();
    }
    out.extend_from_slice(&page.as_bytes()[last..]);
    out
}

/// What every page's template gets: the site, the way back to the root,
/// the menu entry and the page title.
fn base_context(info: &pages::SiteInfo, root: &str, nav: &str, title: &str) -> TeraContext {
    let mut c = TeraContext::new();
    c.insert("site", info);
    c.insert("root", root);
    c.insert("nav", nav);
    c.insert("page_title", title);
    c
}

/// One page: `template` rendered with `context`, to be written at `path`.
fn render_page(
    theme: &theme::Theme,
    path: &str,
    template: &str,
    context: &TeraContext,
) -> Result<(String, Vec<u8>), SiteError> {
    render_text(theme, template, context).map(|html| (path.to_string(), html.into_bytes()))
}

/// `template` rendered with `context`.
fn render_text(
    theme: &theme::Theme,
    template: &str,
    context: &TeraContext,
) -> Result<String, SiteError> {
    theme
        .tera
        .render(template, context)
        .map_err(|e| SiteError::Render {
            template: template.to_string(),
            message: theme::error_chain(&e),
        })
}

/// What a ledger page's template gets as `ledger`.
#[derive(Serialize)]
struct LedgerPage<'a> {
    #[serde(flatten)]
    head: &'a pages::LedgerHead,
    columns: &'a [String],
    findings: &'a [pages::FindingView],
    /// How many rows.
    count: usize,
    /// Where the table's rows go as HTML ([`ROWS_MARK`], replaced by them
    /// once the template ran).
    table_rows: &'static str,
    /// The rows as data, for a theme with its own ledger.html.
    #[serde(skip_serializing_if = "Option::is_none")]
    rows: Option<&'a [pages::LedgerRow]>,
}

#[derive(Serialize)]
struct Counts {
    satisfied: usize,
    attention: usize,
    lacking: usize,
    total: usize,
}

/// Each section's plain text, as [`markdown::render`] collects it.
type SectionTexts = Vec<(Option<usize>, String)>;

fn document_html(cx: &Context, d: &Document) -> markdown::Rendered {
    let ids: Vec<String> = d.sections.iter().map(|s| s.id.clone()).collect();
    let link = |target: &str| -> Option<String> {
        if target.starts_with('#') || target.contains("://") || target.starts_with("mailto:") {
            return None;
        }
        if let Ok(r) = cx.resolve(target) {
            return Some(format!("../{}", links::resolved_url(&r)));
        }
        // A path relative to the document.
        let (path, frag) = target
            .split_once('#')
            .map(|(a, b)| (a, Some(b)))
            .unwrap_or((target, None));
        let dir = d
            .content_path
            .rsplit_once('/')
            .map(|(dir, _)| dir)
            .unwrap_or("");
        let joined = crate::check::references::normalize(dir, path)?;
        let frag = frag.map(|f| format!("#{f}")).unwrap_or_default();
        if let Some(other) = cx
            .project
            .documents
            .iter()
            .find(|x| x.content_path == joined)
        {
            return Some(format!("../{}{frag}", links::document_page(&other.meta.id)));
        }
        if let Some(l) = cx.project.ledgers.iter().find(|x| x.content_path == joined) {
            return Some(format!("../{}{frag}", links::ledger_page(&l.id)));
        }
        cx.project
            .files
            .contains(&joined)
            .then(|| format!("../{}", links::file_page(&joined)))
    };
    markdown::render(&d.body, &ids, &link)
}

fn search_index(
    p: &Pages,
    docs: &[pages::DocumentView],
    texts: Vec<SectionTexts>,
    ledgers: &[pages::LedgerView],
) -> search::Index {
    // Documents in parallel (their sections' text was collected when their
    // HTML was rendered), kept in document order.
    let doc_records: Vec<Vec<search::Record>> =
        p.cx.project
            .documents
            .par_iter()
            .zip(docs)
            .zip(texts)
            .map(|((d, view), sections)| {
                let mut records = Vec::new();
                for (heading, text) in sections {
                    let (title, url) = match heading.and_then(|h| d.sections.get(h)) {
                        Some(s) => (
                            format!("{} › {}", d.meta.title, s.title),
                            format!("{}#{}", view.head.url, s.id),
                        ),
                        None => (d.meta.title.clone(), view.head.url.clone()),
                    };
                    // An empty section, or an empty start of a document
                    // whose headings are its records.
                    if text.trim().is_empty() && (heading.is_some() || !d.sections.is_empty()) {
                        continue;
                    }
                    records.push(search::Record {
                        s: search::excerpt(&text, search::EXCERPT_CHARS),
                        n: 0,
                        t: title,
                        u: url,
                        k: "文書".into(),
                        text,
                    });
                }
                records
            })
            .collect();
    let mut records: Vec<search::Record> = doc_records.into_iter().flatten().collect();
    // The ledger views the pages were rendered from (not built again).
    for view in ledgers {
        let mut text = view.columns.join(" ");
        for row in &view.rows {
            text.push(' ');
            text.push_str(&row.id);
            for cell in &row.cells {
                text.push(' ');
                text.push_str(&cell.text);
            }
        }
        let summary = format!("{}（{} 件）", view.head.kind, view.rows.len());
        records.push(search::Record {
            // The summary before the start of the ledger's text, not a copy of
            // all its rows (a ledger of a million rows is tens of megabytes).
            s: search::excerpt(
                &format!(
                    "{summary} {}",
                    text.chars()
                        .take(search::EXCERPT_CHARS * 2)
                        .collect::<String>()
                ),
                search::EXCERPT_CHARS,
            ),
            n: 0,
            t: view.head.title.clone(),
            u: view.head.url.clone(),
            k: "台帳".into(),
            text,
        });
    }
    for r in &p.cx.standard.requirements {
        let text = format!(
            "{} {} {}",
            r.number,
            r.title.clone().unwrap_or_default(),
            r.text
        );
        records.push(search::Record {
            t: format!("{} {}", r.id, pages::short_title(r)),
            u: links::requirement_page(&r.id),
            k: "要件".into(),
            s: search::excerpt(&r.text, search::EXCERPT_CHARS),
            n: 0,
            text,
        });
    }
    for i in &p.cx.standard.checklist.items {
        records.push(search::Record {
            t: format!("チェック項目 {}", i.id),
            u: format!("checklist.html#item-{}", i.id),
            k: "チェック項目".into(),
            s: search::excerpt(&i.text, search::EXCERPT_CHARS),
            n: 0,
            text: i.text.clone(),
        });
    }
    search::index(records)
}

/// Copies every non-Markdown, non-YAML file of the content folder (scans,
/// certificates...) under `files/`, so evidence links open. Evidence a
/// browser would render as a page or run (HTML, SVG, XML, scripts...) goes
/// under an inert name ([`links::evidence_path`]): the site is also opened
/// from disk, where no header can keep its scripts from running.
fn copy_evidence(cx: &Context, files: &mut SiteFiles) -> Result<(), SiteError> {
    let content = cx.project.root.join(&cx.project.config.content_dir);
    for rel in &cx.project.files {
        let lower = rel.to_ascii_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".yaml") || lower.ends_with(".yml") {
            continue;
        }
        // A file that cannot be read is reported by the load stage
        // (file.unreadable); the rest of the site is still written.
        let path = content.join(rel);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => {}
            _ => continue, // replaced by a symlink (or removed) since loading: never followed
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        // Under an inert name if a browser would render it as a page.
        files.insert(format!("files/{}", links::evidence_path(rel)), bytes);
    }
    Ok(())
}
