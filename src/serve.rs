//! `anzen serve`: builds, serves the site on 127.0.0.1, watches content,
//! config and themes, rebuilds what changed and reloads the browser.
//!
//! The site lives in memory only (nothing is written to `output/`, no
//! PDFs). A builder thread owns the loaded project: a changed content file
//! is re-read on its own ([`load::reload_file`]), the checks run again and
//! the site is rendered; a changed `anzen.yaml` or standard file reloads
//! everything, a changed theme file reloads the theme. A failed build keeps
//! the last good site served and shows the error on every page. Served HTML
//! (never the site itself) gets a banner for error findings or a failed
//! build, and a small script that waits on `/__anzen/wait` and reloads the
//! page when the site's version changes.
//!
//! The HTTP server is this module's own (`mod http`), on the loopback only:
//! tiny_http, used before, read request heads without a size limit, gave
//! every connection and every held long poll a thread of its own and had
//! no timeouts, so a few clients could take the machine's memory and
//! threads, and it offers no hook to bound any of it. Here one thread
//! reads the heads of all connections at once (non-blocking sockets and
//! `mio`, which the file watcher already uses), a fixed pool of workers
//! answers complete requests, and one thread holds the long polls; the
//! limits are the constants below ([`MAX_HEAD_BYTES`], [`MAX_CONNECTIONS`],
//! [`MAX_LONG_POLLS`], [`WORKERS`], [`HEAD_TIMEOUT`], [`WRITE_TIMEOUT`]).
//! Every reply closes its connection (`Connection: close`).
//!
//! Evidence (the project's own files, under `files/`) is served as a
//! sandboxed download (`Content-Disposition: attachment`,
//! `Content-Security-Policy: sandbox`, `nosniff`), never as a page of the
//! preview; evidence a browser would render as a page is in the site under
//! an inert name anyway ([`crate::view::links::evidence_path`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};

use crate::check::{self, Context, Summary};
use crate::date::Date;
use crate::diag::{Finding, rel_path};
use crate::i18n::Lang;
use crate::load::{self, LoadError, LoadOptions};
use crate::model::Project;
use crate::model::config::CONFIG_FILE;
use crate::render::site::{self, SiteFiles, SiteOptions};
use crate::report::human;
use crate::standard::{LedgerKinds, Standard};
use crate::view::theme::{self, Theme};

/// Options of `anzen serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// Open a browser.
    pub open: bool,
    /// Message language.
    pub lang: Lang,
    /// As-of override.
    pub as_of: Option<Date>,
}

/// Why serving stopped (or never started). Messages are in the language
/// of the options.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// No project at the root.
    #[error("{0}")]
    Config(String),
    /// The port could not be bound.
    #[error("{0}")]
    Listen(String),
    /// The file watcher could not be started.
    #[error("{0}")]
    Watch(String),
}

/// Quiet time after the last file event before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// A burst of events longer than this is built anyway.
const MAX_BATCH: Duration = Duration::from_secs(1);
/// How long `/__anzen/wait` holds a request when nothing changes.
const LONG_POLL: Duration = Duration::from_secs(25);

// Limits of the HTTP server (see the module doc). Whatever clients do, it
// keeps 2 + WORKERS threads and at most MAX_CONNECTIONS sockets with at
// most MAX_HEAD_BYTES (plus a read buffer) each.

/// Longest request head (request line and headers, blank line included);
/// a longer one is answered 431 and the connection closed.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Most connections open at once: waiting for their head, queued for or in
/// a worker, or held as long polls. One more drops the connection that has
/// waited longest for its head (an idle or slow one), or gets 503 if none
/// is waiting.
const MAX_CONNECTIONS: usize = 64;
/// Most long polls (`/__anzen/wait`) held at once. One more answers the
/// oldest at once with 503 and `Retry-After: 1`: the reload script polls
/// again a second later, so no change is missed.
const MAX_LONG_POLLS: usize = 32;
/// Threads answering requests (a fixed pool; one more thread reads request
/// heads for all connections, and one answers the long polls).
const WORKERS: usize = 8;
/// Time from accepting a connection to having its whole request head;
/// slower clients (slowloris) get 408 and are closed.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Time to send a whole reply; a client that reads too slowly is cut off.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs the server until interrupted (Ctrl-C).
pub fn run(root: &Path, options: &ServeOptions) -> Result<(), ServeError> {
    let lang = options.lang;
    if !root.join(CONFIG_FILE).is_file() {
        return Err(ServeError::Config(match lang {
            Lang::Ja => format!(
                "設定ファイル {} がありません。--root でプロジェクトのルートを指定してください",
                root.join(CONFIG_FILE).display()
            ),
            Lang::En => format!(
                "config file {} not found; point --root at the project root",
                root.join(CONFIG_FILE).display()
            ),
        }));
    }
    let server = http::Server::bind(options.port).map_err(|e| {
        ServeError::Listen(match lang {
            Lang::Ja => format!("127.0.0.1:{} で待ち受けできません: {e}", options.port),
            Lang::En => format!("cannot listen on 127.0.0.1:{}: {e}", options.port),
        })
    })?;
    let port = server.port();
    let url = format!("http://127.0.0.1:{port}/");
    // The first line is for scripts and tests: keep its form.
    println!("serving {url}");

    let (tx, rx) = mpsc::channel::<Msg>();
    {
        let tx = tx.clone();
        // Without a handler Ctrl-C still ends the process; nothing is
        // written to disk, so that is clean too.
        let _ = ctrlc::set_handler(move || {
            let _ = tx.send(Msg::Stop);
        });
    }
    let mut watcher = {
        let tx = tx.clone();
        notify::recommended_watcher(move |event| {
            let _ = tx.send(Msg::Fs(event));
        })
    }
    .map_err(|e| {
        ServeError::Watch(match lang {
            Lang::Ja => format!("ファイルの監視を始められません: {e}"),
            Lang::En => format!("cannot watch files: {e}"),
        })
    })?;

    let shared = Arc::new(Shared {
        state: Mutex::new(Served {
            files: Arc::new(SiteFiles::new()),
            overlay: Arc::default(),
            version: 0,
            changed_at: HashMap::new(),
            banner_at: 0,
            errors: 0,
            warnings: 0,
            error: None,
            polls: http::Polls::new(),
        }),
        changed: Condvar::new(),
        lang,
    });
    let mut builder = Builder::new(root, options);
    let mut watches = Watches::default();
    watches.update(&mut watcher, &builder.layout);
    builder.apply(&Plan::full(), &shared);
    watches.update(&mut watcher, &builder.layout);

    server.start(&shared);
    println!(
        "{}",
        match lang {
            Lang::Ja => format!(
                "{url} でプレビュー中。{} を監視し、変更があれば再構築してブラウザを再読み込みします（Ctrl-C で終了）",
                watches.describe(&builder.layout)
            ),
            Lang::En => format!(
                "previewing at {url}; watching {} to rebuild and reload the browser on change (Ctrl-C to stop)",
                watches.describe(&builder.layout)
            ),
        }
    );
    if options.open {
        open_browser(&url);
    }

    'events: while let Ok(Msg::Fs(first)) = rx.recv() {
        let mut plan = Plan::default();
        builder.classify(&first, &mut plan);
        let started = Instant::now();
        loop {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(Msg::Fs(e)) => builder.classify(&e, &mut plan),
                Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => break 'events,
                Err(mpsc::RecvTimeoutError::Timeout) => break,
            }
            if started.elapsed() > MAX_BATCH {
                break;
            }
        }
        if plan.is_empty() {
            continue;
        }
        builder.apply(&plan, &shared);
        // A full load (asked for, or retried after a failure) may have
        // moved the content folder or the theme.
        watches.update(&mut watcher, &builder.layout);
    }
    println!(
        "{}",
        match lang {
            Lang::Ja => "停止しました",
            Lang::En => "stopped",
        }
    );
    Ok(())
}

enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// What the HTTP side sees: the last good site and the state of the last
/// build.
struct Shared {
    state: Mutex<Served>,
    changed: Condvar,
    lang: Lang,
}

struct Served {
    files: Arc<SiteFiles>,
    /// Pages rendered ahead of the rest, served instead of `files`' until
    /// the whole site is rendered again (an edited document is shown before
    /// the checks run).
    overlay: Arc<SiteFiles>,
    /// Goes up by one whenever what a page shows changes.
    version: u64,
    /// The version at which each file last changed, so that a browser is
    /// reloaded only when its own page changed (or the banner).
    changed_at: HashMap<String, u64>,
    /// The version at which the banner (findings counts, build error) last
    /// changed.
    banner_at: u64,
    errors: usize,
    warnings: usize,
    /// The error of the last build, if it failed.
    error: Option<String>,
    /// Long polls waiting for a change.
    polls: http::Polls,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Served> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Served {
    /// The file served at `path`.
    fn get(&self, path: &str) -> Option<&Vec<u8>> {
        self.overlay.get(path).or_else(|| self.files.get(path))
    }

    /// Serves `pages` ahead of the next whole site; returns how many differ
    /// from what was served.
    fn publish_ahead(&mut self, pages: SiteFiles) -> usize {
        let changed: Vec<String> = pages
            .iter()
            .filter(|(k, v)| self.get(k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
        if changed.is_empty() {
            return 0;
        }
        self.version += 1;
        let mut overlay = (*self.overlay).clone();
        for k in &changed {
            self.changed_at.insert(k.clone(), self.version);
        }
        overlay.extend(pages);
        self.overlay = Arc::new(overlay);
        changed.len()
    }

    /// Serves a whole new site; returns how many files differ from what was
    /// served (added, removed or changed). The version goes up when any do
    /// or `banner` changed.
    fn publish(&mut self, files: SiteFiles, banner: bool) -> usize {
        let mut changed: Vec<String> = files
            .iter()
            .filter(|(k, v)| self.get(k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
        changed.extend(
            self.files
                .keys()
                .chain(self.overlay.keys())
                .filter(|k| !files.contains_key(*k))
                .cloned(),
        );
        changed.sort();
        changed.dedup();
        if !changed.is_empty() || banner || self.version == 0 {
            self.version += 1;
            for k in &changed {
                self.changed_at.insert(k.clone(), self.version);
            }
            if banner {
                self.banner_at = self.version;
            }
        }
        self.files = Arc::new(files);
        self.overlay = Arc::default();
        changed.len()
    }

    /// Whether a browser showing `page` at version `since` must reload.
    fn stale(&self, page: &str, since: u64) -> bool {
        self.banner_at > since || self.changed_at.get(page).is_some_and(|v| *v > since)
    }
}

/// What a batch of file events asks to redo.
#[derive(Default)]
struct Plan {
    /// Reload everything (config, standard, content folder moved...).
    full: bool,
    /// Reload the theme.
    theme: bool,
    /// Content files to re-read, relative to the content folder.
    content: BTreeSet<String>,
    /// Changed paths relative to the root, for the terminal.
    changed: BTreeSet<String>,
}

impl Plan {
    fn full() -> Plan {
        Plan {
            full: true,
            ..Plan::default()
        }
    }

    fn is_empty(&self) -> bool {
        !self.full && !self.theme && self.content.is_empty()
    }
}

/// Where things are on disk (canonical paths, as the watcher reports them).
#[derive(Default, Clone, PartialEq)]
struct Layout {
    root: PathBuf,
    config: PathBuf,
    /// The content folder's name under the root (first component).
    content_entry: String,
    content: Option<PathBuf>,
    themes: PathBuf,
    /// The project's own theme folder, if it names one.
    theme: Option<PathBuf>,
    /// Standard files named by path in the config.
    standards: BTreeSet<PathBuf>,
}

impl Layout {
    fn of(root: &Path, project: Option<&Project>) -> Layout {
        let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        // The config as it is now, else the last one that loaded.
        let config = load::load_config(root)
            .ok()
            .or_else(|| project.map(|p| p.config.clone()));
        let content_dir = config
            .as_ref()
            .map_or_else(|| "content".to_string(), |c| c.content_dir.clone());
        let content = std::fs::canonicalize(root.join(&content_dir))
            .ok()
            .filter(|p| p.is_dir());
        let themes = root_abs.join("themes");
        let theme = config
            .as_ref()
            .and_then(|c| c.theme.clone())
            .filter(|t| t != "default")
            .map(|t| themes.join(t));
        let standards = config
            .iter()
            .flat_map(|c| c.standards.iter())
            .filter(|name| Standard::bundled(name).is_none())
            .filter_map(|name| {
                let path = root.join(name);
                let parent = std::fs::canonicalize(path.parent()?).ok()?;
                Some(parent.join(path.file_name()?))
            })
            .collect();
        Layout {
            config: root_abs.join(CONFIG_FILE),
            content_entry: Path::new(&content_dir)
                .components()
                .next()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .unwrap_or_default(),
            root: root_abs,
            content,
            themes,
            theme,
            standards,
        }
    }
}

/// The folders being watched.
#[derive(Default)]
struct Watches {
    watched: BTreeMap<PathBuf, bool>,
}

impl Watches {
    fn wanted(layout: &Layout) -> BTreeMap<PathBuf, bool> {
        let mut want = BTreeMap::new();
        want.insert(layout.root.clone(), false);
        if let Some(c) = &layout.content {
            want.insert(c.clone(), true);
        }
        if layout.themes.is_dir() {
            want.insert(layout.themes.clone(), true);
        }
        for s in &layout.standards {
            if let Some(parent) = s.parent().filter(|p| p.is_dir()) {
                want.entry(parent.to_path_buf()).or_insert(false);
            }
        }
        want
    }

    fn update(&mut self, watcher: &mut impl Watcher, layout: &Layout) {
        let want = Watches::wanted(layout);
        let stale: Vec<PathBuf> = self
            .watched
            .iter()
            .filter(|(p, r)| want.get(*p) != Some(r))
            .map(|(p, _)| p.clone())
            .collect();
        for p in stale {
            let _ = watcher.unwatch(&p);
            self.watched.remove(&p);
        }
        for (p, recursive) in want {
            if self.watched.contains_key(&p) {
                continue;
            }
            let mode = if recursive {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            match watcher.watch(&p, mode) {
                Ok(()) => {
                    self.watched.insert(p, recursive);
                }
                Err(e) => eprintln!("anzen: {}: {e}", p.display()),
            }
        }
    }

    fn describe(&self, layout: &Layout) -> String {
        let mut names = vec![CONFIG_FILE.to_string()];
        for (p, recursive) in &self.watched {
            if *p == layout.root {
                continue;
            }
            let rel = rel_path(&layout.root, p);
            names.push(if *recursive { format!("{rel}/") } else { rel });
        }
        for s in &layout.standards {
            names.push(rel_path(&layout.root, s));
        }
        names.join(", ")
    }
}

/// The last successful load, kept so that one changed file costs one file.
struct Loaded {
    project: Project,
    standard: Standard,
    /// Findings of the load stage by file (root-relative), in load order.
    by_file: BTreeMap<WalkKey, Vec<Finding>>,
    /// Load findings without a place.
    other: Vec<Finding>,
    /// Every finding, sorted.
    findings: Vec<Finding>,
}

/// A root-relative path ordered as the loader walks folders (depth first,
/// names sorted), so findings come in the same order as from a full load.
#[derive(Clone, PartialEq, Eq)]
struct WalkKey(String);

impl Ord for WalkKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.split('/').cmp(other.0.split('/'))
    }
}

impl PartialOrd for WalkKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Stage times of one build.
#[derive(Default)]
struct Times {
    load: Duration,
    check: Duration,
    render: Duration,
}

/// Owns the loaded project and the theme; turns plans into sites.
struct Builder {
    root: PathBuf,
    load_options: LoadOptions,
    lang: Lang,
    kinds: LedgerKinds,
    loaded: Option<Loaded>,
    theme: Option<Theme>,
    layout: Layout,
    /// A full load failed: the next build must retry it.
    need_full: bool,
    /// The theme failed to load: the next build must retry it.
    need_theme: bool,
    /// Findings printed last, to print only what changed.
    printed: Option<HashSet<String>>,
    /// The git revision of the last build, for pages rendered ahead.
    revision: Option<crate::git::Revision>,
}

impl Builder {
    fn new(root: &Path, options: &ServeOptions) -> Builder {
        Builder {
            root: root.to_path_buf(),
            load_options: LoadOptions {
                as_of: options.as_of,
            },
            lang: options.lang,
            kinds: LedgerKinds::bundled(),
            loaded: None,
            theme: None,
            layout: Layout::of(root, None),
            need_full: true,
            need_theme: true,
            printed: None,
            revision: None,
        }
    }

    /// Adds what `event` asks for to `plan`.
    fn classify(&self, event: &notify::Result<notify::Event>, plan: &mut Plan) {
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
                    && self.loaded.as_ref().is_some_and(|ld| {
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
                        .loaded
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

    /// Loads everything; the error message on failure.
    fn load_all(&self) -> Result<Loaded, String> {
        let (project, load_findings) =
            load::load(&self.root, &self.load_options).map_err(|e| load_error(e, self.lang))?;
        let standard = crate::load::standards::resolve(&self.root, &project.config.standards)
            .map_err(|f| human::findings(&f, self.lang))?;
        let mut by_file: BTreeMap<WalkKey, Vec<Finding>> = BTreeMap::new();
        let mut other = Vec::new();
        for f in load_findings {
            match &f.location {
                Some(l) => by_file
                    .entry(WalkKey(l.file.to_string()))
                    .or_default()
                    .push(f),
                None => other.push(f),
            }
        }
        Ok(Loaded {
            project,
            standard,
            by_file,
            other,
            findings: Vec::new(),
        })
    }

    /// Carries out `plan` and publishes the result (or the error).
    fn apply(&mut self, plan: &Plan, shared: &Shared) {
        let started = Instant::now();
        let mut times = Times::default();
        let full = plan.full || self.need_full || self.loaded.is_none();
        let root = self.root.clone();
        let result = std::thread::scope(|s| {
            // git runs while the files load and the checks run.
            let revision = s.spawn(|| crate::git::revision(&root));
            let t = Instant::now();
            if full {
                let loaded = self.load_all();
                self.layout = Layout::of(&self.root, loaded.as_ref().ok().map(|l| &l.project));
                match loaded {
                    Ok(l) => {
                        self.loaded = Some(l);
                        self.need_full = false;
                        self.need_theme = true;
                    }
                    Err(e) => {
                        self.need_full = true;
                        return Err(e);
                    }
                }
            }
            let loaded = self.loaded.as_mut().expect("loaded");
            if !full {
                for rel in &plan.content {
                    let found = load::reload_file(&mut loaded.project, &self.kinds, rel);
                    let content = self.root.join(&loaded.project.config.content_dir);
                    let key = WalkKey(rel_path(&self.root, &content.join(rel)));
                    if found.is_empty() {
                        loaded.by_file.remove(&key);
                    } else {
                        loaded.by_file.insert(key, found);
                    }
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
            let loaded = self.loaded.as_mut().expect("loaded");
            let t = Instant::now();
            let mut findings: Vec<Finding> = loaded
                .by_file
                .values()
                .flatten()
                .chain(&loaded.other)
                .cloned()
                .collect();
            findings.extend(check::run(&loaded.project, &loaded.standard, &self.kinds));
            crate::diag::sort(&mut findings);
            loaded.findings = findings;
            times.check = t.elapsed();
            let revision = revision.join().ok().flatten();
            self.revision.clone_from(&revision);
            let loaded = self.loaded.as_mut().expect("loaded");
            let t = Instant::now();
            if plan.theme || self.need_theme || self.theme.is_none() {
                match theme::load(&self.root, loaded.project.config.theme.as_deref()) {
                    Ok(th) => {
                        self.theme = Some(th);
                        self.need_theme = false;
                    }
                    Err(e) => {
                        self.need_theme = true;
                        return Err(e.to_string());
                    }
                }
            }
            let cx = Context::new(&loaded.project, &loaded.standard, &self.kinds);
            let options = SiteOptions {
                mask_personal: loaded.project.config.site.mask_personal,
                progress: None,
            };
            let files = site::render(
                &cx,
                &loaded.findings,
                revision.as_ref(),
                self.theme.as_ref().expect("theme"),
                &options,
            )
            .map_err(|e| e.to_string())?;
            times.render = t.elapsed();
            Ok(files)
        });
        let elapsed = started.elapsed();
        self.publish(plan, result, &times, elapsed, shared);
    }

    /// Renders the edited documents of `plan` with the findings of the last
    /// build and serves them at once: the checks and the rest of the site
    /// follow. Nothing is rendered when anything but documents changed.
    fn render_ahead(&self, plan: &Plan, theme: &Theme, shared: &Shared) {
        let started = Instant::now();
        let Some(loaded) = &self.loaded else {
            return;
        };
        let project = &loaded.project;
        let is_document = |rel: &String| project.documents.iter().any(|d| d.content_path == *rel);
        if plan.content.is_empty() || !plan.content.iter().all(is_document) {
            return;
        }
        let paths: Vec<&str> = plan.content.iter().map(String::as_str).collect();
        let cx = Context::new(project, &loaded.standard, &self.kinds);
        let options = SiteOptions {
            mask_personal: project.config.site.mask_personal,
            progress: None,
        };
        let Ok(pages) = site::render_documents(
            &cx,
            &loaded.findings,
            self.revision.as_ref(),
            theme,
            &options,
            &paths,
        ) else {
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
        let line = match self.lang {
            Lang::Ja => format!(
                "[{stamp}] 先行表示 {ms:.1} ms（文書 {changed} ページ、検査と全体の描画はこのあと）\n"
            ),
            Lang::En => format!(
                "[{stamp}] shown ahead in {ms:.1} ms ({changed} document page(s); checks and the whole site follow)\n"
            ),
        };
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
        let ja = self.lang == Lang::Ja;
        let mut out = String::new();
        let stamp = chrono::Local::now().format("%H:%M:%S");
        if !plan.changed.is_empty() {
            let mut names: Vec<&str> = plan.changed.iter().map(String::as_str).take(5).collect();
            if plan.changed.len() > 5 {
                names.push("…");
            }
            out.push_str(&format!(
                "[{stamp}] {} {}\n",
                if ja { "変更:" } else { "changed:" },
                names.join(", ")
            ));
        }
        match result {
            Err(message) => {
                let message = message.trim_end().to_string();
                out.push_str(&if ja {
                    format!(
                        "[{stamp}] ビルドに失敗しました（直前に成功したサイトを表示し続けます）:\n{message}\n"
                    )
                } else {
                    format!(
                        "[{stamp}] build failed (the last good site is still served):\n{message}\n"
                    )
                });
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
                let loaded = self.loaded.as_ref().expect("loaded");
                let findings = &loaded.findings;
                out.push_str(&findings_text(&mut self.printed, findings, self.lang));
                let summary = Summary::of(findings);
                out.push_str(&human::summary(
                    summary,
                    &loaded.project.as_of.to_string(),
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
                out.push_str(&if ja {
                    format!(
                        "[{stamp}] {} {:.1} ms（読込 {:.1} ms・検査 {:.1} ms・描画 {:.1} ms）、変わったファイル {changed_pages}\n",
                        if plan.full { "ビルド" } else { "再構築" },
                        ms(elapsed),
                        ms(times.load),
                        ms(times.check),
                        ms(times.render)
                    )
                } else {
                    format!(
                        "[{stamp}] {} in {:.1} ms (load {:.1} ms, check {:.1} ms, render {:.1} ms), {changed_pages} file(s) changed\n",
                        if plan.full { "built" } else { "rebuilt" },
                        ms(elapsed),
                        ms(times.load),
                        ms(times.check),
                        ms(times.render)
                    )
                });
            }
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
    }
}

/// Every finding the first time, then only the new and fixed ones;
/// `printed` remembers what was printed.
fn findings_text(
    printed: &mut Option<HashSet<String>>,
    findings: &[Finding],
    lang: Lang,
) -> String {
    let key = |f: &Finding| serde_json::to_string(f).unwrap_or_default();
    let now: HashSet<String> = findings.iter().map(key).collect();
    let text = match printed.as_ref() {
        None => human::findings(findings, lang),
        Some(before) => {
            let new: Vec<Finding> = findings
                .iter()
                .filter(|f| !before.contains(&key(f)))
                .cloned()
                .collect();
            let mut text = human::findings(&new, lang);
            let fixed = before.iter().filter(|k| !now.contains(*k)).count();
            if fixed > 0 {
                text.push_str(&match lang {
                    Lang::Ja => format!("解消: {fixed} 件\n"),
                    Lang::En => format!("resolved: {fixed}\n"),
                });
            }
            text
        }
    };
    *printed = Some(now);
    text
}

fn load_error(e: LoadError, lang: Lang) -> String {
    match e {
        LoadError::ConfigInvalid(f) => human::findings(&f, lang),
        e => e.text().get(lang).to_string(),
    }
}

/// Tries to open `url` in a browser; failing is fine (the URL is printed).
fn open_browser(url: &str) {
    use std::process::{Command, Stdio};
    let mut cmd = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if let Ok(mut child) = cmd.spawn() {
        std::thread::spawn(move || child.wait());
    }
}

/// The HTTP side: a small server of its own (see the module doc), files
/// from memory, the live-reload endpoints, and what is injected into
/// served HTML.
mod http {
    use super::*;
    use std::collections::VecDeque;
    use std::io::{ErrorKind, Read as _};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicUsize, Ordering};

    use mio::{Events, Interest, Poll, Token};

    /// The listening socket's token; connections get 1, 2, 3...
    const LISTENER: Token = Token(0);
    /// Bytes read from a refused connection before it is closed, so that a
    /// client which sent a little more than allowed still reads its 431.
    const DRAIN: usize = 64 * 1024;

    /// The bound (not yet serving) server.
    pub(super) struct Server {
        poll: Poll,
        listener: mio::net::TcpListener,
        port: u16,
    }

    impl Server {
        /// Binds 127.0.0.1:`port` (0 picks a free one).
        pub(super) fn bind(port: u16) -> std::io::Result<Server> {
            let listener = TcpListener::bind(("127.0.0.1", port))?;
            listener.set_nonblocking(true)?;
            let port = listener.local_addr()?.port();
            let mut listener = mio::net::TcpListener::from_std(listener);
            let poll = Poll::new()?;
            poll.registry()
                .register(&mut listener, LISTENER, Interest::READABLE)?;
            Ok(Server {
                poll,
                listener,
                port,
            })
        }

        /// The bound port.
        pub(super) fn port(&self) -> u16 {
            self.port
        }

        /// Serves `shared` from now on: one thread reads request heads,
        /// [`WORKERS`] answer them, one answers the long polls.
        pub(super) fn start(self, shared: &Arc<Shared>) {
            let (jobs, queue) = mpsc::sync_channel::<Job>(MAX_CONNECTIONS);
            let queue = Arc::new(Mutex::new(queue));
            for _ in 0..WORKERS {
                let queue = Arc::clone(&queue);
                let shared = Arc::clone(shared);
                std::thread::spawn(move || {
                    loop {
                        // The guard goes at the end of the statement: one
                        // worker waits for a job, the others for the lock.
                        let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match job {
                            Ok(job) => handle(job, &shared),
                            Err(_) => return,
                        }
                    }
                });
            }
            {
                let shared = Arc::clone(shared);
                std::thread::spawn(move || answer_polls(&shared));
            }
            let lang = shared.lang;
            std::thread::spawn(move || self.receive(&jobs, lang));
        }

        /// Accepts connections and reads their request heads without a
        /// thread each; a complete head goes to the workers.
        fn receive(mut self, jobs: &mpsc::SyncSender<Job>, lang: Lang) {
            let handed_on = Arc::new(AtomicUsize::new(0));
            // Connections whose head is still coming, in the order they
            // came (so the first one has the nearest deadline).
            let mut waiting: BTreeMap<usize, Waiting> = BTreeMap::new();
            let mut next = 1;
            let mut events = Events::with_capacity(256);
            loop {
                let timeout = waiting
                    .values()
                    .next()
                    .map(|w| w.deadline.saturating_duration_since(Instant::now()));
                if let Err(e) = self.poll.poll(&mut events, timeout) {
                    if e.kind() != ErrorKind::Interrupted {
                        eprintln!("anzen: {e}");
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    continue;
                }
                for event in &events {
                    if event.token() == LISTENER {
                        self.accept(&mut waiting, &mut next, &handed_on, lang);
                        continue;
                    }
                    let key = event.token().0;
                    let Some(w) = waiting.get_mut(&key) else {
                        continue; // already gone
                    };
                    let read = w.read();
                    if matches!(read, Progress::Pending) {
                        continue;
                    }
                    let Some(mut w) = waiting.remove(&key) else {
                        continue;
                    };
                    let _ = self.poll.registry().deregister(&mut w.stream);
                    let stream = TcpStream::from(w.stream);
                    match read {
                        Progress::Pending | Progress::Closed => {}
                        Progress::TooLarge => refuse(stream, 431, lang),
                        Progress::Complete(end) => {
                            w.head.truncate(end);
                            let job = Job {
                                stream,
                                head: w.head,
                                _slot: Slot::new(&handed_on),
                            };
                            if let Err(e) = jobs.try_send(job) {
                                let job = match e {
                                    mpsc::TrySendError::Full(j)
                                    | mpsc::TrySendError::Disconnected(j) => j,
                                };
                                refuse(job.stream, 503, lang);
                            }
                        }
                    }
                }
                // Too slow: the head did not come in time.
                let now = Instant::now();
                while let Some(entry) = waiting.first_entry() {
                    if entry.get().deadline > now {
                        break;
                    }
                    let mut w = entry.remove();
                    let _ = self.poll.registry().deregister(&mut w.stream);
                    refuse(TcpStream::from(w.stream), 408, lang);
                }
            }
        }

        /// Takes every connection waiting on the listener.
        fn accept(
            &mut self,
            waiting: &mut BTreeMap<usize, Waiting>,
            next: &mut usize,
            handed_on: &AtomicUsize,
            lang: Lang,
        ) {
            loop {
                let mut stream = match self.listener.accept() {
                    Ok((stream, _)) => stream,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    // WouldBlock: all taken. Anything else (out of file
                    // descriptors...): the next connection tries again.
                    Err(_) => return,
                };
                if waiting.len() + handed_on.load(Ordering::Acquire) >= MAX_CONNECTIONS {
                    // Full: make room by dropping the connection that has
                    // waited longest for its head, else refuse this one.
                    match waiting.pop_first() {
                        Some((_, mut old)) => {
                            let _ = self.poll.registry().deregister(&mut old.stream);
                        }
                        None => {
                            refuse(TcpStream::from(stream), 503, lang);
                            continue;
                        }
                    }
                }
                let key = *next;
                *next += 1;
                if self
                    .poll
                    .registry()
                    .register(&mut stream, Token(key), Interest::READABLE)
                    .is_err()
                {
                    continue;
                }
                waiting.insert(
                    key,
                    Waiting {
                        stream,
                        head: Vec::new(),
                        deadline: Instant::now() + HEAD_TIMEOUT,
                    },
                );
            }
        }
    }

    /// A connection whose request head is still coming.
    struct Waiting {
        stream: mio::net::TcpStream,
        head: Vec<u8>,
        deadline: Instant,
    }

    /// What reading a head has come to so far.
    enum Progress {
        /// More is to come.
        Pending,
        /// The head ends at this many bytes.
        Complete(usize),
        /// Past [`MAX_HEAD_BYTES`] with no end in sight.
        TooLarge,
        /// The client went away (or the connection broke).
        Closed,
    }

    impl Waiting {
        /// Reads what has arrived (the socket does not block).
        fn read(&mut self) -> Progress {
            let mut buf = [0u8; 4096];
            loop {
                match self.stream.read(&mut buf) {
                    Ok(0) => return Progress::Closed,
                    Ok(n) => {
                        let from = self.head.len().saturating_sub(3);
                        self.head.extend_from_slice(&buf[..n]);
                        if let Some(end) = head_end(&self.head[from..]).map(|e| from + e) {
                            return if end > MAX_HEAD_BYTES {
                                Progress::TooLarge
                            } else {
                                Progress::Complete(end)
                            };
                        }
                        if self.head.len() > MAX_HEAD_BYTES {
                            return Progress::TooLarge;
                        }
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => return Progress::Pending,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(_) => return Progress::Closed,
                }
            }
        }
    }

    /// Where the head in `bytes` ends (after its blank line), if it does.
    pub(super) fn head_end(bytes: &[u8]) -> Option<usize> {
        let crlf = memchr::memmem::find(bytes, b"\r\n\r\n").map(|i| i + 4);
        let lf = memchr::memmem::find(bytes, b"\n\n").map(|i| i + 2);
        match (crlf, lf) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Counts a connection handed on by the reading thread (queued, in a
    /// worker, or held as a long poll) until it is dropped.
    struct Slot(Arc<AtomicUsize>);

    impl Slot {
        fn new(count: &Arc<AtomicUsize>) -> Slot {
            count.fetch_add(1, Ordering::AcqRel);
            Slot(Arc::clone(count))
        }
    }

    impl Drop for Slot {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// A connection with its whole request head.
    struct Job {
        stream: TcpStream,
        head: Vec<u8>,
        _slot: Slot,
    }

    /// A long poll being held: answered by [`answer_polls`] once its page
    /// (or the version) changes or [`LONG_POLL`] is up.
    pub(super) struct Parked {
        stream: TcpStream,
        _slot: Slot,
        head_only: bool,
        since: u64,
        /// The page the browser shows (`None`: any change will do).
        page: Option<String>,
        deadline: Instant,
    }

    impl Parked {
        /// The answer, if it is due now.
        fn answer(&self, s: &Served) -> Option<String> {
            match &self.page {
                Some(page) => s.stale(page, self.since).then(|| "reload".to_string()),
                None => (s.version != self.since).then(|| s.version.to_string()),
            }
        }
    }

    /// Held long polls: [`MAX_LONG_POLLS`] at most, oldest first.
    pub(super) type Polls = VecDeque<Parked>;

    /// Answers held long polls as they fall due (their page changed, or
    /// their time is up).
    fn answer_polls(shared: &Shared) {
        let mut s = shared.lock();
        loop {
            let now = Instant::now();
            let mut due = Vec::new();
            for p in std::mem::take(&mut s.polls) {
                match p.answer(&s) {
                    Some(body) => due.push((p, body)),
                    None if p.deadline <= now => {
                        let body = s.version.to_string();
                        due.push((p, body));
                    }
                    None => s.polls.push_back(p),
                }
            }
            if !due.is_empty() {
                drop(s);
                for (p, body) in due {
                    send(
                        p.stream,
                        &text(200, "text/plain; charset=utf-8", body),
                        p.head_only,
                    );
                }
                s = shared.lock();
                continue;
            }
            // Held in arrival order, so the first one is due first.
            let next = s
                .polls
                .front()
                .map(|p| p.deadline.saturating_duration_since(now));
            s = match next {
                Some(t) => {
                    shared
                        .changed
                        .wait_timeout(s, t)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => shared.changed.wait(s).unwrap_or_else(|e| e.into_inner()),
            };
        }
    }

    /// What a request asks, from its head.
    pub(super) struct Request {
        pub(super) method: String,
        pub(super) target: String,
        pub(super) host: Option<String>,
    }

    impl Request {
        /// The request line and the Host header; `None` for a malformed
        /// head (or two Host headers).
        pub(super) fn parse(head: &[u8]) -> Option<Request> {
            let text = String::from_utf8_lossy(head);
            let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
            let mut first = lines.next()?.split(' ');
            let (method, target, version) = (first.next()?, first.next()?, first.next()?);
            if first.next().is_some() || !version.starts_with("HTTP/1.") || method.is_empty() {
                return None;
            }
            let mut host = None;
            for line in lines.take_while(|l| !l.is_empty()) {
                // Folded lines are refused (RFC 9112, 5.2).
                if line.starts_with([' ', '\t']) {
                    return None;
                }
                let (name, value) = line.split_once(':')?;
                if name.trim().eq_ignore_ascii_case("host") {
                    if host.is_some() {
                        return None;
                    }
                    host = Some(value.trim().to_string());
                }
            }
            Some(Request {
                method: method.to_string(),
                target: target.to_string(),
                host,
            })
        }

        fn head_only(&self) -> bool {
            self.method == "HEAD"
        }
    }

    /// A reply's body: bytes of its own, or a file of a site (not copied).
    enum Body {
        Owned(Vec<u8>),
        Site(Arc<SiteFiles>, String),
    }

    /// A reply to send.
    struct Reply {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Body,
    }

    impl Reply {
        fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
            self.headers.push((name, value.into()));
            self
        }

        fn body(&self) -> &[u8] {
            match &self.body {
                Body::Owned(b) => b,
                Body::Site(files, path) => files.get(path).map_or(&[], Vec::as_slice),
            }
        }
    }

    /// Answers one request: at once, or by holding it as a long poll.
    fn handle(job: Job, shared: &Shared) {
        let lang = shared.lang;
        let Some(request) = Request::parse(&job.head) else {
            send(job.stream, &page(400, &title(400, lang), "", None), false);
            return;
        };
        let head_only = request.head_only();
        if !matches!(request.method.as_str(), "GET" | "HEAD") {
            let r = page(405, &title(405, lang), "", None).with_header("Allow", "GET, HEAD");
            send(job.stream, &r, false);
            return;
        }
        if !host_allowed(request.host.as_deref()) {
            send(
                job.stream,
                &page(403, &title(403, lang), "", None),
                head_only,
            );
            return;
        }
        let (path, query) = match request.target.split_once('?') {
            Some((p, q)) => (p, q),
            None => (request.target.as_str(), ""),
        };
        let path = path.split('#').next().unwrap_or("");
        let reply = match path {
            "/__anzen/version" => {
                let v = shared.lock().version;
                text(200, "text/plain; charset=utf-8", v.to_string())
            }
            // `?v=N`: returns the version once it is past N. `?v=N&p=PAGE`
            // (the reload script): returns `reload` once PAGE or the banner
            // changed after N, else the version after a long wait.
            "/__anzen/wait" => {
                let param = |name: &str| {
                    query
                        .split('&')
                        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                };
                let since = param("v").and_then(|v| v.parse::<u64>().ok());
                // The page's path, as the script sends it (percent-encoded
                // once more by encodeURIComponent).
                let page = param("p")
                    .and_then(percent_decode)
                    .and_then(|p| String::from_utf8(p).ok())
                    .and_then(|p| site_path(&p));
                match since {
                    Some(since) => {
                        let parked = Parked {
                            stream: job.stream,
                            _slot: job._slot,
                            head_only,
                            since,
                            page,
                            deadline: Instant::now() + LONG_POLL,
                        };
                        hold(parked, shared);
                        return;
                    }
                    None => {
                        let v = shared.lock().version;
                        text(200, "text/plain; charset=utf-8", v.to_string())
                    }
                }
            }
            "/__anzen/status" => {
                let s = shared.lock();
                let body = serde_json::json!({
                    "version": s.version,
                    "errors": s.errors,
                    "warnings": s.warnings,
                    "build_error": s.error,
                });
                drop(s);
                text(200, "application/json", body.to_string())
            }
            _ => match site_path(path) {
                None => page(400, &title(400, lang), "", Some(shared)),
                Some(rel) => {
                    let (files, overlay, snapshot) = {
                        let s = shared.lock();
                        (
                            Arc::clone(&s.files),
                            Arc::clone(&s.overlay),
                            Snapshot::of(&s),
                        )
                    };
                    let from = if overlay.contains_key(&rel) {
                        Some(overlay)
                    } else if files.contains_key(&rel) {
                        Some(files)
                    } else {
                        None
                    };
                    match from {
                        Some(site) => file_reply(site, rel, &snapshot, lang),
                        None => page(404, &title(404, lang), &rel, Some(shared)),
                    }
                }
            },
        };
        send(job.stream, &reply, head_only);
    }

    /// The reply for the site file at `rel` (which `site` has).
    fn file_reply(site: Arc<SiteFiles>, rel: String, snapshot: &Snapshot, lang: Lang) -> Reply {
        let kind = content_type(&rel);
        let evidence = rel.starts_with("files/");
        let mut reply = if kind.starts_with("text/html") && !evidence {
            let bytes = site.get(&rel).map_or(&[][..], Vec::as_slice);
            Reply {
                status: 200,
                headers: Vec::new(),
                body: Body::Owned(inject(bytes, &snapshot.injection(lang))),
            }
        } else {
            Reply {
                status: 200,
                headers: Vec::new(),
                body: Body::Site(site, rel.clone()),
            }
        };
        reply = reply.with_header("Content-Type", kind);
        if evidence {
            // Evidence is the project's files, not the site's pages: it is
            // downloaded, never shown in the preview's origin, and if a
            // browser shows it anyway it runs no script and reaches
            // nothing.
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            reply = reply
                .with_header(
                    "Content-Disposition",
                    format!("attachment; filename*=UTF-8''{}", rfc5987(name)),
                )
                .with_header("Content-Security-Policy", "sandbox");
        }
        reply
    }

    /// `name` as an RFC 5987 `value-chars` (UTF-8, percent-encoded).
    fn rfc5987(name: &str) -> String {
        let mut out = String::new();
        for b in name.bytes() {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    /// Holds a long poll, or answers it at once if it is due; past
    /// [`MAX_LONG_POLLS`] the oldest held one is told to come back (503,
    /// which the reload script retries a second later).
    fn hold(parked: Parked, shared: &Shared) {
        let mut s = shared.lock();
        if let Some(body) = parked.answer(&s) {
            drop(s);
            let reply = text(200, "text/plain; charset=utf-8", body);
            send(parked.stream, &reply, parked.head_only);
            return;
        }
        let evicted = if s.polls.len() >= MAX_LONG_POLLS {
            s.polls.pop_front()
        } else {
            None
        };
        s.polls.push_back(parked);
        drop(s);
        shared.changed.notify_all();
        if let Some(old) = evicted {
            send(old.stream, &busy(shared.lang), old.head_only);
        }
    }

    /// 503: too many connections or long polls; try again in a second.
    fn busy(lang: Lang) -> Reply {
        let body = match lang {
            Lang::Ja => "接続が多すぎます。少し待ってから再読み込みしてください",
            Lang::En => "Too many connections; reload in a moment",
        };
        text(503, "text/plain; charset=utf-8", body.to_string()).with_header("Retry-After", "1")
    }

    /// Answers a connection the reading thread will not serve (408, 431,
    /// 503) and closes it.
    fn refuse(stream: TcpStream, status: u16, lang: Lang) {
        let reply = match status {
            503 => busy(lang),
            _ => {
                let body = match (status, lang) {
                    (408, Lang::Ja) => "リクエストが時間内に届きませんでした",
                    (408, Lang::En) => "The request did not arrive in time",
                    (_, Lang::Ja) => "リクエストのヘッダーが大きすぎます",
                    (_, Lang::En) => "Request header fields too large",
                };
                text(status, "text/plain; charset=utf-8", body.to_string())
            }
        };
        // A fresh socket's send buffer takes this small reply at once: the
        // reading thread never waits on a client.
        let _ = stream.set_nonblocking(true);
        let _ = (&stream).write_all(&head_bytes(&reply));
        let _ = (&stream).write_all(reply.body());
        finish(stream);
    }

    /// The status line and headers of `reply`.
    fn head_bytes(reply: &Reply) -> Vec<u8> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
            reply.body().len()
        ));
        head.into_bytes()
    }

    /// Sends `reply` (its head only for HEAD) within [`WRITE_TIMEOUT`] and
    /// closes the connection.
    fn send(stream: TcpStream, reply: &Reply, head_only: bool) {
        let deadline = Instant::now() + WRITE_TIMEOUT;
        let _ = stream.set_nonblocking(false);
        if write_by(&stream, &head_bytes(reply), deadline) && !head_only {
            write_by(&stream, reply.body(), deadline);
        }
        finish(stream);
    }

    /// Writes `bytes` unless `deadline` passes first (a client reading a
    /// byte now and then cannot hold a worker for longer).
    fn write_by(mut stream: &TcpStream, mut bytes: &[u8], deadline: Instant) -> bool {
        while !bytes.is_empty() {
            let Some(left) = deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
            else {
                return false;
            };
            if stream.set_write_timeout(Some(left)).is_err() {
                return false;
            }
            let n = bytes.len().min(64 * 1024);
            match stream.write(&bytes[..n]) {
                Ok(0) => return false,
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        true
    }

    /// Ends a connection: no more to send, and what the client already
    /// sent past its head is read (up to [`DRAIN`], without waiting) so
    /// that closing does not reset the connection before the client has
    /// read the reply.
    fn finish(stream: TcpStream) {
        let _ = stream.shutdown(Shutdown::Write);
        if stream.set_nonblocking(true).is_ok() {
            let mut buf = [0u8; 4096];
            let mut read = 0;
            while read < DRAIN {
                match (&stream).read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => read += n,
                }
            }
        }
    }

    fn reason(status: u16) -> &'static str {
        match status {
            200 => "OK",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            431 => "Request Header Fields Too Large",
            503 => "Service Unavailable",
            _ => "",
        }
    }

    fn text(status: u16, kind: &str, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", kind.to_string())],
            body: Body::Owned(body.into_bytes()),
        }
    }

    fn title(status: u16, lang: Lang) -> String {
        let (ja, en) = match status {
            400 => ("不正なパスです", "Bad request"),
            403 => ("このホスト名では応答しません", "Forbidden host"),
            404 => ("ページがありません", "Not found"),
            _ => ("GET と HEAD だけを受け付けます", "Method not allowed"),
        };
        format!(
            "{status} {}",
            match lang {
                Lang::Ja => ja,
                Lang::En => en,
            }
        )
    }

    /// A small HTML page (errors); live reload too when `shared` is given,
    /// so a missing page shows up once it is built.
    fn page(status: u16, title: &str, path: &str, shared: Option<&Shared>) -> Reply {
        let (back, lang_attr) = match shared.map_or(Lang::Ja, |s| s.lang) {
            Lang::Ja => ("トップページへ", "ja"),
            Lang::En => ("Back to the top page", "en"),
        };
        let detail = if path.is_empty() {
            String::new()
        } else {
            format!("<p><code>/{}</code></p>", escape(path))
        };
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"{lang_attr}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body style=\"font-family:system-ui,sans-serif;margin:2rem\"><h1>{title}</h1>{detail}<p><a href=\"/\">{back}</a></p></body></html>\n",
            title = escape(title)
        );
        let body = match shared {
            Some(s) => {
                let snapshot = Snapshot::of(&s.lock());
                inject(html.as_bytes(), &snapshot.injection(s.lang))
            }
            None => html.into_bytes(),
        };
        Reply {
            status,
            headers: vec![("Content-Type", "text/html; charset=utf-8".to_string())],
            body: Body::Owned(body),
        }
    }

    /// Only requests addressed to the loopback host are answered, so a web
    /// page cannot reach the preview through DNS rebinding.
    fn host_allowed(host: Option<&str>) -> bool {
        let Some(h) = host.map(str::to_ascii_lowercase) else {
            return true; // HTTP/1.0
        };
        let host = if let Some(rest) = h.strip_prefix('[') {
            rest.split(']').next().unwrap_or("").to_string()
        } else {
            h.split(':').next().unwrap_or("").to_string()
        };
        matches!(host.as_str(), "127.0.0.1" | "localhost" | "::1")
    }

    /// The site path of a request path: percent-decoded, `index.html` for a
    /// folder, `None` for anything that could leave the site (`..`, `.`,
    /// backslashes, empty segments, NUL) or is not UTF-8.
    pub(super) fn site_path(raw: &str) -> Option<String> {
        let rest = raw.strip_prefix('/')?;
        let decoded = String::from_utf8(percent_decode(rest)?).ok()?;
        if decoded.contains(['\\', '\0']) {
            return None;
        }
        let mut segments: Vec<&str> = decoded.split('/').collect();
        let folder = segments.last() == Some(&"");
        if folder {
            segments.pop();
        }
        if segments
            .iter()
            .any(|s| s.is_empty() || *s == "." || *s == "..")
        {
            return None;
        }
        let mut path = segments.join("/");
        if folder {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str("index.html");
        }
        Some(path)
    }

    fn percent_decode(s: &str) -> Option<Vec<u8>> {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = bytes.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        Some(out)
    }

    pub(super) fn content_type(path: &str) -> &'static str {
        let ext = path
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "html" | "htm" => "text/html; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "js" | "mjs" => "text/javascript; charset=utf-8",
            "json" => "application/json",
            "pdf" => "application/pdf",
            "png" => "image/png",
            "jpg" | "jpeg" => "image/jpeg",
            "gif" => "image/gif",
            "svg" => "image/svg+xml",
            "webp" => "image/webp",
            "ico" => "image/x-icon",
            "txt" | "md" => "text/plain; charset=utf-8",
            "csv" => "text/csv; charset=utf-8",
            "woff2" => "font/woff2",
            "zip" => "application/zip",
            _ => "application/octet-stream",
        }
    }

    /// What the injected part of a page depends on.
    struct Snapshot {
        version: u64,
        errors: usize,
        warnings: usize,
        error: Option<String>,
    }

    impl Snapshot {
        fn of(s: &Served) -> Snapshot {
            Snapshot {
                version: s.version,
                errors: s.errors,
                warnings: s.warnings,
                error: s.error.clone(),
            }
        }

        /// The banner (error findings, failed build) and the reload script.
        fn injection(&self, lang: Lang) -> String {
            let mut banner = String::new();
            if let Some(e) = &self.error {
                banner.push_str(&format!(
                    "<strong>{}</strong><pre style=\"white-space:pre-wrap;margin:.3rem 0 0;max-height:40vh;overflow:auto;font:12px/1.4 ui-monospace,monospace\">{}</pre>",
                    match lang {
                        Lang::Ja => "ビルドに失敗しました。直前に成功したサイトを表示しています。",
                        Lang::En => "The build failed; this is the last good site.",
                    },
                    escape(e)
                ));
            }
            if self.errors > 0 {
                if !banner.is_empty() {
                    banner.push_str("<br>");
                }
                banner.push_str(&format!(
                    "<a href=\"/findings.html\" style=\"color:inherit;text-decoration:underline\">{}</a>",
                    match lang {
                        Lang::Ja => format!(
                            "エラー {} 件、警告 {} 件 — 検査結果を見る",
                            self.errors, self.warnings
                        ),
                        Lang::En => format!(
                            "{} error(s), {} warning(s) — see the findings",
                            self.errors, self.warnings
                        ),
                    }
                ));
            }
            let banner = if banner.is_empty() {
                banner
            } else {
                format!(
                    "<div id=\"anzen-serve-banner\" role=\"alert\" style=\"position:sticky;top:0;z-index:2147483647;margin:0;padding:.5rem 1rem;background:#a50e1f;color:#fff;font:14px/1.5 system-ui,sans-serif\">{banner}</div>"
                )
            };
            format!(
                "<!--anzen-serve-->{banner}<script>{}</script><!--/anzen-serve-->",
                RELOAD_SCRIPT.replace("VERSION", &self.version.to_string())
            )
        }
    }

    /// Waits until this page (or the banner) changes and reloads; follows
    /// the version while other pages change; retries quietly while the
    /// server is away.
    const RELOAD_SCRIPT: &str = "(function(){var v=VERSION,p=encodeURIComponent(location.pathname);function poll(){fetch('/__anzen/wait?v='+v+'&p='+p,{cache:'no-store'}).then(function(r){if(!r.ok)throw r;return r.text()}).then(function(t){t=t.trim();if(t==='reload'){location.reload()}else{var n=parseInt(t,10);if(n>=0)v=n;poll()}}).catch(function(){setTimeout(poll,1000)})}poll()})();";

    /// `html` with `snippet` right after the `<body>` tag (or at the end).
    pub(super) fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
        let lower = html.to_ascii_lowercase();
        let at = lower
            .windows(5)
            .position(|w| w == b"<body")
            .and_then(|i| html[i..].iter().position(|&b| b == b'>').map(|j| i + j + 1))
            .unwrap_or(html.len());
        let mut out = Vec::with_capacity(html.len() + snippet.len());
        out.extend_from_slice(&html[..at]);
        out.extend_from_slice(snippet.as_bytes());
        out.extend_from_slice(&html[at..]);
        out
    }

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
}

#[cfg(test)]
mod tests {
    use super::http::{Request, content_type, head_end, inject, site_path};

    #[test]
    fn paths_stay_in_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/documents/basic-policy.html").as_deref(),
            Some("documents/basic-policy.html")
        );
        assert_eq!(
            site_path("/files/evidence/%E8%AA%93%E7%B4%84%E6%9B%B8.pdf").as_deref(),
            Some("files/evidence/誓約書.pdf")
        );
        assert_eq!(
            site_path("/documents/").as_deref(),
            Some("documents/index.html")
        );
        for bad in [
            "/../anzen.yaml",
            "/%2e%2e/anzen.yaml",
            "/%2E%2E%2Fanzen.yaml",
            "/a/../../b",
            "//etc/passwd",
            "/%2Fetc/passwd",
            "/a\\..\\b",
            "/a%5C..%5Cb",
            "/./index.html",
            "/%00",
            "/%zz",
            "/%e8",
            "index.html",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn request_heads_are_read_strictly() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nrest"), Some(27));
        assert_eq!(head_end(b"GET / HTTP/1.0\n\n"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
        let r =
            Request::parse(b"GET /a?b HTTP/1.1\r\nhOsT:  127.0.0.1:8 \r\nX: y\r\n\r\n").unwrap();
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/a?b"));
        assert_eq!(r.host.as_deref(), Some("127.0.0.1:8"));
        assert!(
            Request::parse(b"GET / HTTP/1.0\r\n\r\n")
                .unwrap()
                .host
                .is_none()
        );
        for bad in [
            &b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"[..],
            b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET  / HTTP/1.1\r\n\r\n",
            b"GET /\r\n\r\n",
            b"PRI * HTTP/2.0\r\n\r\n",
            b"\r\n\r\n",
        ] {
            assert!(
                Request::parse(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn types_and_injection() {
        assert_eq!(content_type("a/b.PDF"), "application/pdf");
        assert_eq!(content_type("x.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(
            inject(b"<html><BODY class=\"x\"><p>", "<i>"),
            b"<html><BODY class=\"x\"><i><p>".to_vec()
        );
        assert_eq!(inject(b"<p>", "<i>"), b"<p><i>".to_vec());
    }
}
