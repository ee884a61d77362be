//! `anzen serve`: the real binary on a copy of the sample, spoken to over
//! real HTTP on the loopback. It serves the same bytes `anzen build` writes
//! (plus the injected live-reload part), refuses paths out of the site,
//! rebuilds on change (one file re-read, the result equal to a full build),
//! and keeps serving through broken content and a broken config.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::common::{Fixture, run_anzen};

/// How long anything may take before the test gives up (generous: debug
/// builds on a busy machine).
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `anzen serve`, killed when dropped (also on panic).
struct Server {
    child: Child,
    port: u16,
    output: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        Server::start_with(root, &[], &[])
    }

    /// `anzen serve` with `extra` arguments and `env` set.
    fn start_with(root: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_anzen"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", "0", "--no-open"])
            .args(extra)
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .env_remove("ANZEN_LANG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start anzen serve");
        let output = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        for (pipe, first) in [
            (
                Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
                Some(tx),
            ),
            (Box::new(child.stderr.take().unwrap()), None),
        ] {
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                let mut first = first;
                for line in BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    if let Some(tx) = first.take() {
                        let _ = tx.send(line.clone());
                    }
                    let mut o = output.lock().unwrap();
                    o.push_str(&line);
                    o.push('\n');
                }
            });
        }
        let mut server = Server {
            child,
            port: 0,
            output,
        };
        let line = rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("no first line; output:\n{}", server.output()));
        let port = line
            .strip_prefix("serving http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        server.port = port;
        server
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    fn request(&self, method: &str, path: &str, host: &str) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        // HTTP/1.0: no chunked bodies, the body ends with the connection.
        write!(stream, "{method} {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read reply");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end");
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        Reply {
            status,
            head,
            body: raw[split + 4..].to_vec(),
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &format!("127.0.0.1:{}", self.port))
    }

    fn version(&self) -> u64 {
        self.get("/__anzen/version").text().trim().parse().unwrap()
    }

    /// Waits until `cond` holds for the page at `path`.
    fn until(&self, path: &str, what: &str, cond: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let reply = self.get(path);
            if cond(&reply) {
                return reply;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "{path}: timed out waiting for {what}; output:\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn assert_running(&mut self) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "the server stopped; output:\n{}",
            self.output()
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }

    fn has_banner(&self) -> bool {
        self.text().contains("id=\"anzen-serve-banner\"")
    }
}

/// A served page without what serve injects.
fn strip_injection(body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(body.to_vec()).expect("UTF-8 page");
    let (start, end) = ("<!--anzen-serve-->", "<!--/anzen-serve-->");
    let Some(a) = text.find(start) else {
        return body.to_vec();
    };
    let b = text[a..].find(end).expect("end of injection") + a + end.len();
    format!("{}{}", &text[..a], &text[b..]).into_bytes()
}

fn percent_encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Every file `anzen build` writes for `root` is served with the same
/// bytes (HTML less the injection), and `gone` pages are not served.
fn assert_serves_what_build_writes(server: &Server, root: &Path, gone: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        root,
        &[
            "build",
            "--no-pdf",
            "--no-package",
            "--allow-findings",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(
        run.code == 0 || run.code == 1,
        "build: {}\n{}",
        run.stdout,
        run.stderr
    );
    let site = out.path().join("site");
    let mut n = 0;
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&site)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let built = std::fs::read(entry.path()).unwrap();
        let reply = server.get(&format!("/{}", percent_encode(&rel)));
        assert_eq!(reply.status, 200, "{rel}");
        let served = if rel.ends_with(".html") {
            strip_injection(&reply.body)
        } else {
            reply.body.clone()
        };
        assert!(served == built, "{rel} served differs from the build");
        n += 1;
    }
    assert!(n > 20, "only {n} files built");
    for g in gone {
        assert!(!site.join(g).exists(), "{g} was built");
        assert_eq!(server.get(&format!("/{g}")).status, 404, "{g} still served");
    }
}

#[test]
fn serves_the_site_over_loopback() {
    let f = Fixture::sample();
    let server = Server::start(f.path());

    let index = server.get("/");
    assert_eq!(index.status, 200);
    assert_eq!(
        index.header("Content-Type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    let text = index.text();
    assert!(text.contains("ダッシュボード"), "{text}");
    assert!(text.contains("/__anzen/wait"), "no live reload script");
    assert!(!index.has_banner(), "the sample has no errors");

    let doc = server.get("/documents/basic-policy.html");
    assert_eq!(doc.status, 200);
    assert!(doc.text().contains("個人情報保護基本方針"));

    let css = server.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(
        css.header("Content-Type").as_deref(),
        Some("text/css; charset=utf-8")
    );
    assert!(!css.text().contains("anzen-serve"), "only HTML is injected");

    // Japanese file names, percent-encoded as browsers send them.
    let pdf = server.get(&format!(
        "/{}",
        percent_encode("files/evidence/pledges/誓約書_S001.pdf")
    ));
    assert_eq!(pdf.status, 200);
    assert_eq!(
        pdf.header("Content-Type").as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        pdf.body,
        std::fs::read(f.path().join("content/evidence/pledges/誓約書_S001.pdf")).unwrap()
    );

    // Nothing outside the site, however the path is spelled.
    let config = std::fs::read_to_string(f.path().join("anzen.yaml")).unwrap();
    let secret = config.lines().find(|l| l.contains("vendor:")).unwrap();
    for path in [
        "/../anzen.yaml",
        "/%2e%2e/anzen.yaml",
        "/%2E%2E%2Fanzen.yaml",
        "/..%2fanzen.yaml",
        "/documents/../../anzen.yaml",
        "/..%5canzen.yaml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/anzen.yaml",
        "/content/checklist.yaml",
    ] {
        let reply = server.get(path);
        assert!(
            reply.status == 400 || reply.status == 404,
            "{path}: {}",
            reply.status
        );
        assert!(!reply.text().contains(secret), "{path} leaked anzen.yaml");
    }
    assert_eq!(server.get("/no-such-page.html").status, 404);
    assert_eq!(
        server
            .request("POST", "/", &format!("127.0.0.1:{}", server.port))
            .status,
        405
    );
    // Another host name (DNS rebinding) is refused.
    assert_eq!(server.request("GET", "/", "attacker.example").status, 403);

    assert_serves_what_build_writes(&server, f.path(), &[]);
}

#[test]
fn rebuilds_on_change_and_survives_broken_content() {
    let f = Fixture::sample();
    let mut server = Server::start(f.path());
    let page = "/documents/basic-policy.html";
    let v0 = server.version();
    assert!(v0 >= 1);

    // A long poll waiting on the current version returns once it changes.
    let port = server.port;
    let waiter = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            s,
            "GET /__anzen/wait?v={v0} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        )
        .unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        raw.rsplit("\r\n\r\n").next().unwrap().trim().to_string()
    });
    std::thread::sleep(Duration::from_millis(200));

    // One document changes: the page shows it and the version goes up.
    f.edit(
        "content/documents/basic-policy.md",
        "株式会社みなと情報サービス（以下「当社」という。）は",
        "株式会社みなと情報サービス（以下「当社」という。改訂テスト文）は",
    );
    server.until(page, "the new text", |r| r.text().contains("改訂テスト文"));
    let v1 = server.version();
    assert!(v1 > v0, "version {v0} -> {v1}");
    let waited: u64 = waiter.join().unwrap().parse().unwrap();
    assert!(waited > v0, "long poll returned {waited}");
    assert_serves_what_build_writes(&server, f.path(), &[]);

    // A ledger with a YAML error: still serving, an error banner on pages.
    let staff = std::fs::read_to_string(f.path().join("content/ledgers/staff.yaml")).unwrap();
    f.write(
        "content/ledgers/staff.yaml",
        &format!("{staff}  - {{id: [broken\n"),
    );
    let broken = server.until("/", "the error banner", Reply::has_banner);
    assert!(broken.text().contains("findings.html"), "{}", broken.text());
    server.assert_running();
    let findings = server.get("/findings.html").text();
    assert!(findings.contains("staff.yaml"), "{findings}");
    assert!(
        server.output().contains("staff.yaml"),
        "findings go to the terminal too:\n{}",
        server.output()
    );
    assert_serves_what_build_writes(&server, f.path(), &[]);

    // Fixed: the banner goes.
    f.write("content/ledgers/staff.yaml", &staff);
    server.until("/", "the banner to go", |r| !r.has_banner());

    // A new document appears, then goes again.
    let policy =
        std::fs::read_to_string(f.path().join("content/documents/basic-policy.md")).unwrap();
    f.write(
        "content/documents/zz-extra.md",
        &policy.replacen("id: basic-policy", "id: zz-extra", 1),
    );
    server.until("/documents/zz-extra.html", "the new page", |r| {
        r.status == 200
    });
    assert_serves_what_build_writes(&server, f.path(), &[]);
    f.remove("content/documents/zz-extra.md");
    server.until("/documents/zz-extra.html", "the page to go", |r| {
        r.status == 404
    });
    assert_serves_what_build_writes(&server, f.path(), &["documents/zz-extra.html"]);

    // A broken config: the last good site stays, with the build error.
    let config = std::fs::read_to_string(f.path().join("anzen.yaml")).unwrap();
    f.write("anzen.yaml", &format!("{config}\nvendor: [\n"));
    let failed = server.until(page, "the build error", |r| {
        r.text().contains("ビルドに失敗しました")
    });
    assert_eq!(failed.status, 200);
    assert!(
        failed.text().contains("改訂テスト文"),
        "last good page kept"
    );
    assert!(failed.text().contains("anzen.yaml"), "{}", failed.text());
    server.assert_running();

    f.write("anzen.yaml", &config);
    server.until(page, "the build error to go", |r| !r.has_banner());
    server.assert_running();
    assert_serves_what_build_writes(&server, f.path(), &[]);
}

/// A long poll as the reload script makes it for `page` (percent-encoded
/// like encodeURIComponent would), in a thread; its answer comes back on
/// the channel.
fn wait_for_page(port: u16, version: u64, page: &str) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let p = page.replace('/', "%2F");
    std::thread::spawn(move || {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
            return;
        };
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        let _ = write!(
            s,
            "GET /__anzen/wait?v={version}&p={p} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        );
        let mut raw = String::new();
        let _ = s.read_to_string(&mut raw);
        let _ = tx.send(
            raw.rsplit("\r\n\r\n")
                .next()
                .unwrap_or("")
                .trim()
                .to_string(),
        );
    });
    rx
}

#[test]
fn an_edited_document_is_shown_ahead_and_reloads_only_its_own_page() {
    let f = Fixture::sample();
    let server = Server::start(f.path());
    let v0 = server.version();
    let edited = "/documents/basic-policy.html";
    let other = "/documents/training-plan.html";
    let mine = wait_for_page(server.port, v0, edited);
    let theirs = wait_for_page(server.port, v0, other);
    std::thread::sleep(Duration::from_millis(200));

    f.edit(
        "content/documents/basic-policy.md",
        "株式会社みなと情報サービス（以下「当社」という。）は",
        "株式会社みなと情報サービス（以下「当社」という。先行表示テスト）は",
    );
    assert_eq!(
        mine.recv_timeout(PATIENCE).as_deref(),
        Ok("reload"),
        "the edited page's browser reloads"
    );
    server.until(edited, "the new text", |r| {
        r.text().contains("先行表示テスト")
    });
    // The whole rebuild follows: wait for it to be printed, then the other
    // page's browser must still be waiting (its page did not change).
    let deadline = Instant::now() + PATIENCE;
    while !server.output().contains("再構築") {
        assert!(
            Instant::now() < deadline,
            "no rebuild:\n{}",
            server.output()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        server.output().contains("先行表示"),
        "the page shown ahead is reported:\n{}",
        server.output()
    );
    assert!(
        theirs.recv_timeout(Duration::from_millis(500)).is_err(),
        "a browser on an unchanged page was reloaded"
    );
    assert_serves_what_build_writes(&server, f.path(), &[]);
}

#[test]
fn a_wrong_root_fails_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_anzen(dir.path(), &["serve", "--port", "0", "--no-open"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("anzen.yaml"), "{}", run.stderr);
}

/// Re-reading any one file into a loaded project gives what a full load
/// gives, for unchanged, changed, broken, new and deleted files.
#[test]
fn reload_file_matches_a_full_load() {
    use anzen::load::{self, LoadOptions};
    use anzen::standard::LedgerKinds;

    let f = Fixture::sample();
    let kinds = LedgerKinds::bundled();
    let options = LoadOptions::default();
    let full = || {
        let (p, mut found) = load::load(f.path(), &options, &kinds).unwrap();
        anzen::diag::sort(&mut found);
        (serde_json::to_value(&p).unwrap(), found)
    };
    let reload = |p: &mut anzen::model::Project, rel: &str| {
        let mut found = load::reload_file(p, &kinds, rel);
        anzen::diag::sort(&mut found);
        found
    };
    let file_findings = |all: &[anzen::diag::Finding], rel: &str| {
        let file = format!("content/{rel}");
        let mut v: Vec<_> = all
            .iter()
            .filter(|x| x.location.as_ref().is_some_and(|l| *l.file == *file))
            .cloned()
            .collect();
        anzen::diag::sort(&mut v);
        v
    };

    let (mut project, _) = load::load(f.path(), &options, &kinds).unwrap();
    let files: Vec<String> = project.files.iter().cloned().collect();
    for rel in &files {
        reload(&mut project, rel);
    }
    assert_eq!(serde_json::to_value(&project).unwrap(), full().0);

    let edits: &[(&str, Option<&str>)] = &[
        (
            "documents/basic-policy.md",
            Some("---\nid: basic-policy\nkind: policy\ntitle: 短い\n---\n# 短い\n"),
        ),
        ("ledgers/staff.yaml", Some("kind: staff\nentries: [\n")),
        ("checklist.yaml", Some("2-1: {answer: maybe}\n")),
        // Walk order is by component: basic/ comes before basic-policy.md.
        (
            "documents/basic/new.md",
            Some("---\nid: basic-new\nkind: plan\ntitle: 新\n---\n# 新\n"),
        ),
        ("documents/nofront.md", Some("no front matter\n")),
        ("ledgers/a-new.yaml", Some("kind: take_out\nentries: []\n")),
        ("stray.md", Some("# stray\n")),
        ("evidence/メモ.txt", Some("メモ\n")),
        ("documents/training-plan.md", None),
        ("ledgers/assets.yaml", None),
        ("checklist.yaml", None),
    ];
    for (rel, text) in edits {
        match text {
            Some(t) => f.write(&format!("content/{rel}"), t),
            None => f.remove(&format!("content/{rel}")),
        };
        let found = reload(&mut project, rel);
        let (want, all) = full();
        assert_eq!(serde_json::to_value(&project).unwrap(), want, "after {rel}");
        assert_eq!(found, file_findings(&all, rel), "findings of {rel}");
    }
    #[cfg(unix)]
    for (rel, target) in [
        ("evidence/out.pdf", std::path::PathBuf::from("/")),
        (
            "documents/in.md",
            f.path().join("content/documents/work-rules.md"),
        ),
    ] {
        std::os::unix::fs::symlink(target, f.path().join("content").join(rel)).unwrap();
        let found = reload(&mut project, rel);
        let (want, all) = full();
        assert_eq!(serde_json::to_value(&project).unwrap(), want, "after {rel}");
        assert_eq!(found, file_findings(&all, rel), "findings of {rel}");
    }
    let order: Vec<&str> = project
        .documents
        .iter()
        .map(|d| d.content_path.as_str())
        .collect();
    let new = order.iter().position(|p| *p == "documents/basic/new.md");
    let policy = order.iter().position(|p| *p == "documents/basic-policy.md");
    assert!(new.is_some() && new < policy, "{order:?}");
    assert!(
        project
            .ledgers
            .iter()
            .any(|l| l.content_path == "ledgers/a-new.yaml")
    );
}

/// `--pdf`: the PDFs are made after the site and served under /pdf/ with
/// a list; after an edit only the edited document's PDF and the bundle
/// are compiled again (the build cache), and what is served is what
/// `anzen build` writes.
#[test]
fn with_pdf_the_pdfs_are_served_and_an_edit_compiles_only_what_changed() {
    let rec = crate::cache::Recorder::new();
    let f = Fixture::sample();
    let typst = rec.wrapper();
    let server = Server::start_with(f.path(), &["--pdf"], &[("ANZEN_TYPST", typst.as_path())]);
    let list = server.until("/pdf/", "the list of PDFs", |r| r.status == 200);
    let names = [
        "提出書類一式.pdf",
        "情報セキュリティチェックシート.pdf",
        "個人情報保護規程.pdf",
    ];
    for name in names {
        assert!(
            list.text().contains(name),
            "{name} not listed: {}",
            list.text()
        );
    }
    let combined = percent_encode("/pdf/提出書類一式.pdf");
    let before = server.get(&combined);
    assert_eq!(before.status, 200);
    assert_eq!(
        before.header("Content-Type").as_deref(),
        Some("application/pdf")
    );
    assert!(before.body.starts_with(b"%PDF-"));
    assert!(rec.take().len() > 3, "every PDF compiled at start");

    crate::cache::append_to_training_plan(&f);
    let after = server.until(&combined, "the new bundle", |r| r.body != before.body);
    assert!(after.body.starts_with(b"%PDF-"));
    assert_eq!(
        rec.take(),
        vec![
            "combined.typ".to_string(),
            "doc=training-plan document.typ".into()
        ],
        "output:\n{}",
        server.output()
    );
    // What is served is what a build of the same files writes.
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        f.path(),
        &[
            "build",
            "--no-package",
            "--no-cache",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(run.code <= 1, "{}", run.stderr);
    for name in names {
        let built = std::fs::read(out.path().join("pdf").join(name)).unwrap();
        let served = server.get(&percent_encode(&format!("/pdf/{name}")));
        assert!(served.body == built, "{name} served differs from the build");
    }
}
