//! `anzen serve`: builds, serves the site on 127.0.0.1, watches content,
//! config and themes, rebuilds what changed and reloads the browser.
//!
//! The site lives in memory only (nothing is written to `output/site/`).
//! With `--pdf` the PDFs are made after each build, through the PDF build
//! cache in the output folder (the only thing serve writes), and served
//! from memory under `/pdf/`. A builder thread ([`builder`]) owns an open
//! [`crate::workspace::Workspace`]: a changed content file is re-read on
//! its own ([`crate::workspace::Workspace::reload`]), the checks run again
//! and the workspace renders the site, as `anzen build` does; a changed
//! `anzen.yaml` or standard file reopens the workspace, a changed theme
//! file reloads the theme. [`plan`] turns file events into what to redo,
//! [`http`] serves, [`console`] prints. A failed build keeps
//! the last good site served and shows the error on every page. Served HTML
//! (never the site itself) gets a banner for error findings or a failed
//! build, and a small script that waits on `/__anzen/wait` and reloads the
//! page when the site's version changes.
//!
//! The HTTP server is this module's own ([`http`]), on the loopback only:
//! tiny_http, used before, read request heads without a size limit, gave
//! every connection and every held long poll a thread of its own and had
//! no timeouts, so a few clients could take the machine's memory and
//! threads, and it offers no hook to bound any of it. Here one thread
//! reads the heads of all connections at once (non-blocking sockets and
//! `mio`, which the file watcher already uses), a fixed pool of workers
//! answers complete requests, and one thread holds the long polls; the
//! limits are constants there (`MAX_HEAD_BYTES`, `MAX_CONNECTIONS`,
//! `MAX_LONG_POLLS`, `WORKERS`, `HEAD_TIMEOUT`, `WRITE_TIMEOUT`).
//! Every reply closes its connection (`Connection: close`).
//!
//! Evidence (the project's own files, under `files/`) is served as a
//! sandboxed download (`Content-Disposition: attachment`,
//! `Content-Security-Policy: sandbox`, `nosniff`), never as a page of the
//! preview; evidence a browser would render as a page is in the site under
//! an inert name anyway ([`crate::view::links::evidence_path`]).

mod builder;
mod console;
mod http;
mod plan;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, mpsc};
use std::time::{Duration, Instant};

use crate::date::Date;
use crate::i18n::{Lang, Text};
use crate::model::config::CONFIG_FILE;
use crate::render::site::SiteFiles;
use crate::tr;
use builder::Builder;
use plan::{Plan, Watches};

/// Options of `anzen serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Port on 127.0.0.1 (0 picks a free one).
    pub port: u16,
    /// Open a browser.
    pub open: bool,
    /// Make the PDFs after each build, through the build cache of the
    /// output folder, and serve them under `/pdf/`.
    pub pdf: bool,
    /// Message language.
    pub lang: Lang,
    /// As-of override.
    pub as_of: Option<Date>,
}

/// Why serving stopped (or never started), in both languages.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// No project at the root.
    #[error("{}", .0.en)]
    Config(Text),
    /// The port could not be bound.
    #[error("{}", .0.en)]
    Listen(Text),
    /// The file watcher could not be started.
    #[error("{}", .0.en)]
    Watch(Text),
}

impl ServeError {
    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            ServeError::Config(t) | ServeError::Listen(t) | ServeError::Watch(t) => t.clone(),
        }
    }
}

/// Quiet time after the last file event before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(20);
/// A burst of events longer than this is built anyway.
const MAX_BATCH: Duration = Duration::from_secs(1);
/// How long `/__anzen/wait` holds a request when nothing changes.
const LONG_POLL: Duration = Duration::from_secs(25);

/// Runs the server until interrupted (Ctrl-C).
pub fn run(root: &Path, options: &ServeOptions) -> Result<(), ServeError> {
    let lang = options.lang;
    if !root.join(CONFIG_FILE).is_file() {
        return Err(ServeError::Config(tr!(
            "設定ファイル {} がありません。--root でプロジェクトのルートを指定してください",
            "config file {} not found; point --root at the project root";
            crate::terminal::path(&root.join(CONFIG_FILE))
        )));
    }
    let server = http::Server::bind(options.port).map_err(|e| {
        ServeError::Listen(tr!(
            "127.0.0.1:{} で待ち受けできません: {}",
            "cannot listen on 127.0.0.1:{}: {}"; options.port, e
        ))
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
        ServeError::Watch(tr!(
            "ファイルの監視を始められません: {}",
            "cannot watch files: {}"; e
        ))
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
            pdfs: Arc::default(),
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
        tr!(
            "{} でプレビュー中。{} を監視し、変更があれば再構築してブラウザを再読み込みします（Ctrl-C で終了）",
            "previewing at {}; watching {} to rebuild and reload the browser on change (Ctrl-C to stop)";
            url, watches.describe(&builder.layout)
        )
        .get(lang)
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
    println!("{}", tr!("停止しました", "stopped").get(lang));
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
    /// The PDFs (`pdf/<name>` and the list `pdf/index.html`), with
    /// `--pdf`.
    pdfs: Arc<SiteFiles>,
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
        self.overlay
            .get(path)
            .or_else(|| self.files.get(path))
            .or_else(|| self.pdfs.get(path))
    }

    /// Serves new PDFs; returns how many differ from those served.
    fn publish_pdfs(&mut self, pdfs: SiteFiles) -> usize {
        let mut changed: Vec<String> = pdfs
            .iter()
            .filter(|(k, v)| self.pdfs.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
        changed.extend(self.pdfs.keys().filter(|k| !pdfs.contains_key(*k)).cloned());
        if !changed.is_empty() {
            self.version += 1;
            for k in &changed {
                self.changed_at.insert(k.clone(), self.version);
            }
        }
        self.pdfs = Arc::new(pdfs);
        changed.len()
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
