//! The builder thread's side of `anzen serve`: it owns the open
//! workspace and the theme, carries out a [`Plan`] (re-read the changed
//! files, or reopen the workspace; check; render the site, or only the
//! edited documents ahead of the rest) and publishes the result to the
//! HTTP side; with `--pdf`, then the PDFs through the build cache.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind};

use super::plan::{Layout, Plan};
use super::{ServeOptions, Shared, console};
use crate::check::Summary;
use crate::diag::rel_path;
use crate::i18n::Lang;
use crate::load::LoadOptions;
use crate::render::site::{SiteFiles, SiteOptions};
use crate::report::human;
use crate::tr;
use crate::view::theme::Theme;
use crate::workspace::Workspace;

/// Stage times of one build.
#[derive(Default)]
struct Times {
    load: Duration,
    check: Duration,
    render: Duration,
}

/// Owns the open workspace and the theme; turns plans into sites.
pub(super) struct Builder {
    root: PathBuf,
    load_options: LoadOptions,
    lang: Lang,
    ws: Option<Workspace>,
    theme: Option<Theme>,
    pub(super) layout: Layout,
    /// A full load failed: the next build must retry it.
    need_full: bool,
    /// The theme failed to load: the next build must retry it.
    need_theme: bool,
    /// Findings printed last, to print only what changed.
    printed: Option<HashSet<String>>,
    /// The git revision of the last build, for pages rendered ahead.
    revision: Option<crate::git::Revision>,
    /// Make the PDFs after each good build (`--pdf`).
    pdf: bool,
    /// The PDF error printed last, to print it once.
    pdf_error: Option<String>,
}

impl Builder {
    pub(super) fn new(root: &Path, options: &ServeOptions) -> Builder {
        Builder {
            root: root.to_path_buf(),
            load_options: LoadOptions {
                as_of: options.as_of,
            },
            lang: options.lang,
            ws: None,
            theme: None,
            layout: Layout::of(root, None),
            need_full: true,
            need_theme: true,
            printed: None,
            revision: None,
            pdf: options.pdf,
            pdf_error: None,
        }
    }

    /// Adds what `event` asks for to `plan`.
    pub(super) fn classify(&self, event: &notify::Result<notify::Event>, plan: &mut Plan) {
        let event = match event {
            Ok(e) => e,
            Err(_) => {
                // The watcher lost track (e.g. an overflow): start over.
                plan.full = true;
                return;
            }
        };
        if event.need_rescan() {
            plan.full = true;
            return;
        }
        // Opening and reading files (our own builds do) change nothing.
        let structural = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => false,
            EventKind::Access(_) | EventKind::Other => return,
            EventKind::Create(_) | EventKind::Remove(_) => true,
            EventKind::Modify(notify::event::ModifyKind::Name(_)) => true,
            EventKind::Modify(_) => false,
            EventKind::Any => true,
        };
        let l = &self.layout;
        for p in &event.paths {
            let shown = rel_path(&l.root, p);
            if *p == l.config || l.standards.contains(p) {
                plan.full = true;
            } else if p.parent() == Some(l.root.as_path()) {
                // An entry of the root: only the content and themes folders
                // appearing, going or moving matter.
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                if structural
                    && (name.as_deref() == Some(l.content_entry.as_str())
                        || name.as_deref() == Some("themes"))
                {
                    plan.full = true;
                } else {
                    continue;
                }
            } else if let Some(content) = l.content.as_ref().filter(|c| p.starts_with(c)) {
                let rel = rel_path(content, p);
                let is_dir = std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
                let was_dir = !rel.is_empty()
                    && self.ws.as_ref().is_some_and(|ld| {
                        let prefix = format!("{rel}/");
                        ld.project
                            .files
                            .range(prefix.clone()..)
                            .next()
                            .is_some_and(|f| f.starts_with(&prefix))
                    });
                if rel.is_empty() || is_dir || was_dir {
                    // A folder: its files may have come or gone unseen.
                    if structural {
                        plan.full = true;
                    } else {
                        continue;
                    }
                } else if !p.exists()
                    && self
                        .ws
                        .as_ref()
                        .is_some_and(|ld| !ld.project.files.contains(&rel))
                {
                    // Came and went (an editor's or sed's temporary file).
                    continue;
                } else {
                    plan.content.insert(rel);
                }
            } else if l.theme.as_ref().is_some_and(|t| p.starts_with(t)) {
                plan.theme = true;
            } else {
                continue;
            }
            plan.changed.insert(shown);
        }
    }

    /// Opens the workspace anew (without checking); the error message on
    /// failure.
    fn load_all(&self) -> Result<Workspace, String> {
        Workspace::load(&self.root, &self.load_options).map_err(|e| match e.findings() {
            Some(f) => human::findings(f, self.lang),
            None => e.text().get(self.lang).to_string(),
        })
    }

    /// Carries out `plan` and publishes the result (or the error).
    pub(super) fn apply(&mut self, plan: &Plan, shared: &Shared) {
        let started = Instant::now();
        let mut times = Times::default();
        let full = plan.full || self.need_full || self.ws.is_none();
        let root = self.root.clone();
        let result = std::thread::scope(|s| {
            // git runs while the files load and the checks run.
            let revision = s.spawn(|| crate::git::revision(&root));
            let t = Instant::now();
            if full {
                let loaded = self.load_all();
                self.layout = Layout::of(&self.root, loaded.as_ref().ok().map(|w| &w.project));
                match loaded {
                    Ok(w) => {
                        self.ws = Some(w);
                        self.need_full = false;
                        self.need_theme = true;
                    }
                    Err(e) => {
                        self.need_full = true;
                        return Err(e);
                    }
                }
            } else if let Some(ws) = self.ws.as_mut() {
                for rel in &plan.content {
                    ws.reload(rel);
                }
            }
            times.load = t.elapsed();
            if !full
                && !plan.theme
                && !self.need_theme
                && let Some(theme) = &self.theme
            {
                self.render_ahead(plan, theme, shared);
            }
            let ws = self.ws.as_mut().expect("loaded");
            let t = Instant::now();
            ws.recheck();
            times.check = t.elapsed();
            let revision = revision.join().ok().flatten();
            self.revision.clone_from(&revision);
            let t = Instant::now();
            if plan.theme || self.need_theme || self.theme.is_none() {
                match self.ws.as_ref().expect("loaded").theme() {
                    Ok(th) => {
                        self.theme = Some(th);
                        self.need_theme = false;
                    }
                    Err(e) => {
                        self.need_theme = true;
                        return Err(e.text().get(self.lang).to_string());
                    }
                }
            }
            let ws = self.ws.as_ref().expect("loaded");
            let files = ws
                .site(
                    self.theme.as_ref().expect("theme"),
                    revision.as_ref(),
                    &SiteOptions::default(),
                )
                .map_err(|e| e.text().get(self.lang).to_string())?;
            times.render = t.elapsed();
            Ok(files)
        });
        let elapsed = started.elapsed();
        let built = result.is_ok();
        self.publish(plan, result, &times, elapsed, shared);
        if built && self.pdf {
            self.make_pdfs(shared);
        }
    }

    /// Makes the PDFs of the build just published, through the build cache
    /// of the output folder (only what changed is compiled again), and
    /// serves them under `/pdf/` with a list at `/pdf/`. A failure keeps
    /// the PDFs served before and is printed once.
    fn make_pdfs(&mut self, shared: &Shared) {
        let (Some(ws), Some(theme)) = (self.ws.as_ref(), self.theme.as_ref()) else {
            return;
        };
        let started = Instant::now();
        let options = crate::render::pdf::PdfOptions {
            cache: ws.default_output_folder().ok(),
            ..Default::default()
        };
        let stamp = chrono::Local::now().format("%H:%M:%S");
        let line = match ws.pdfs(theme, self.revision.as_ref(), &options) {
            Ok(pdfs) => {
                self.pdf_error = None;
                let count = pdfs.len();
                let mut files: SiteFiles = pdfs
                    .into_iter()
                    .map(|(name, bytes)| (format!("pdf/{name}"), bytes))
                    .collect();
                files.insert("pdf/index.html".into(), pdf_index(&files, self.lang));
                let mut s = shared.lock();
                let changed = s.publish_pdfs(files);
                if changed > 0 {
                    shared.changed.notify_all();
                }
                drop(s);
                tr!(
                    "[{}] PDF {} 件 {:.1} 秒、変わった PDF {}（/pdf/）\n",
                    "[{}] {} PDF(s) in {:.1} s, {} changed (/pdf/)\n";
                    stamp, count, started.elapsed().as_secs_f64(), changed.saturating_sub(1)
                )
                .get(self.lang)
                .to_string()
            }
            Err(e) => {
                let message = e.text().get(self.lang).to_string();
                if self.pdf_error.as_deref() == Some(message.as_str()) {
                    return;
                }
                self.pdf_error = Some(message.clone());
                tr!(
                    "[{}] PDF を作れませんでした（前の PDF を表示し続けます）: {}\n",
                    "[{}] the PDFs could not be made (the previous ones are still served): {}\n";
                    stamp, message
                )
                .get(self.lang)
                .to_string()
            }
        };
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(line.as_bytes());
        let _ = stdout.flush();
    }

    /// Renders the edited documents of `plan` with the findings of the last
    /// build and serves them at once: the checks and the rest of the site
    /// follow. Nothing is rendered when anything but documents changed.
    fn render_ahead(&self, plan: &Plan, theme: &Theme, shared: &Shared) {
        let started = Instant::now();
        let Some(ws) = &self.ws else {
            return;
        };
        let project = &ws.project;
        let is_document = |rel: &String| project.documents.iter().any(|d| d.content_path == *rel);
        if plan.content.is_empty() || !plan.content.iter().all(is_document) {
            return;
        }
        let paths: Vec<&str> = plan.content.iter().map(String::as_str).collect();
        let Ok(pages) = ws.site_documents(theme, self.revision.as_ref(), &paths) else {
            // The whole build that follows reports the error.
            return;
        };
        let mut s = shared.lock();
        let changed = s.publish_ahead(pages);
        if changed > 0 {
            shared.changed.notify_all();
        }
        drop(s);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let stamp = chrono::Local::now().format("%H:%M:%S");
        let line = tr!(
            "[{}] 先行表示 {:.1} ms（文書 {} ページ、検査と全体の描画はこのあと）\n",
            "[{}] shown ahead in {:.1} ms ({} document page(s); checks and the whole site follow)\n";
            stamp, ms, changed
        );
        let line = line.get(self.lang);
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(line.as_bytes());
        let _ = stdout.flush();
    }

    fn publish(
        &mut self,
        plan: &Plan,
        result: Result<SiteFiles, String>,
        times: &Times,
        elapsed: Duration,
        shared: &Shared,
    ) {
        let say = |t: crate::i18n::Text| t.get(self.lang).to_string();
        let mut out = String::new();
        let stamp = chrono::Local::now().format("%H:%M:%S");
        if !plan.changed.is_empty() {
            let mut names: Vec<&str> = plan.changed.iter().map(String::as_str).take(5).collect();
            if plan.changed.len() > 5 {
                names.push("…");
            }
            out.push_str(&say(tr!(
                "[{}] 変更: {}\n",
                "[{}] changed: {}\n";
                stamp, crate::terminal::text(&names.join(", "))
            )));
        }
        match result {
            Err(message) => {
                let message = message.trim_end().to_string();
                out.push_str(&say(tr!(
                    "[{}] ビルドに失敗しました（直前に成功したサイトを表示し続けます）:\n{}\n",
                    "[{}] build failed (the last good site is still served):\n{}\n";
                    stamp, message
                )));
                let mut s = shared.lock();
                if s.error.as_deref() != Some(message.as_str()) {
                    s.error = Some(message);
                    s.version += 1;
                    s.banner_at = s.version;
                    shared.changed.notify_all();
                }
                drop(s);
                // The findings are printed in full once it builds again.
                self.printed = None;
            }
            Ok(files) => {
                let ws = self.ws.as_ref().expect("loaded");
                let findings = &ws.findings;
                out.push_str(&console::findings_text(
                    &mut self.printed,
                    findings,
                    self.lang,
                ));
                let summary = Summary::of(findings);
                out.push_str(&human::summary(
                    summary,
                    &ws.project.as_of.to_string(),
                    self.lang,
                ));
                out.push('\n');
                let mut s = shared.lock();
                let version = s.version;
                let banner = s.error.is_some()
                    || s.errors != summary.errors
                    || s.warnings != summary.warnings;
                s.error = None;
                s.errors = summary.errors;
                s.warnings = summary.warnings;
                let changed_pages = s.publish(files, banner);
                if s.version != version {
                    shared.changed.notify_all();
                }
                drop(s);
                let ms = |d: Duration| d.as_secs_f64() * 1000.0;
                let done = say(if plan.full {
                    tr!("ビルド", "built")
                } else {
                    tr!("再構築", "rebuilt")
                });
                out.push_str(&say(tr!(
                    "[{}] {} {:.1} ms（読込 {:.1} ms・検査 {:.1} ms・描画 {:.1} ms）、変わったファイル {}\n",
                    "[{}] {} in {:.1} ms (load {:.1} ms, check {:.1} ms, render {:.1} ms), {} file(s) changed\n";
                    stamp, done, ms(elapsed), ms(times.load), ms(times.check), ms(times.render), changed_pages
                )));
            }
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
    }
}

/// The list of PDFs served at `/pdf/`: a link to each.
fn pdf_index(files: &SiteFiles, lang: Lang) -> Vec<u8> {
    let (title, lang_attr) = match lang {
        Lang::Ja => ("PDF（プレビュー）", "ja"),
        Lang::En => ("PDFs (preview)", "en"),
    };
    let mut items = String::new();
    for key in files.keys() {
        let Some(name) = key.strip_prefix("pdf/") else {
            continue;
        };
        let href: String = name
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        items.push_str(&format!(
            "<li><a href=\"{href}\">{}</a></li>\n",
            super::http::escape(name)
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang_attr}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body><h1>{title}</h1>\n<ul>\n{items}</ul>\n</body></html>\n"
    )
    .into_bytes()
}
