//! `anzen serve` under hostile clients, and evidence that could run
//! scripts: the real binary on a copy of the sample, spoken to over real
//! TCP on the loopback.
//!
//! - Oversize request heads are refused (431) without the server's memory
//!   growing with them; idle, slow and numerous connections and long polls
//!   leave its thread count and memory bounded and a normal request is
//!   still answered.
//! - Evidence files are served as sandboxed attachments, and evidence a
//!   browser would render as a page (HTML, SVG, XML, scripts...) is put in
//!   the site under an inert name (`.txt` appended) that every link follows.
//!
//! Thread counts and memory are read from `/proc/<pid>/status` (Linux
//! only); bounds are generous, and no timing bound is tighter than several
//! seconds.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::common::{Fixture, run_anzen};

/// How long anything may take before the test gives up.
const PATIENCE: Duration = Duration::from_secs(60);
/// A normal request must be answered within this, whatever else is going on.
const PROMPTLY: Duration = Duration::from_secs(15);

/// A running `anzen serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    output: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_anzen"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", "0", "--no-open"])
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
        let line = rx
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("no first line; output:\n{}", output.lock().unwrap()));
        let port = line
            .strip_prefix("serving http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        let server = Server {
            child,
            port,
            output,
        };
        // The first build is done once the version is past 0.
        let start = Instant::now();
        while server.get("/__anzen/version").text().trim() == "0" {
            assert!(start.elapsed() < PATIENCE, "no first build");
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(PATIENCE)).unwrap();
        s.set_write_timeout(Some(PATIENCE)).unwrap();
        s
    }

    /// Sends `raw` as the whole request and reads the reply.
    fn send(&self, raw: &[u8]) -> Reply {
        let mut stream = self.connect();
        stream.write_all(raw).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).expect("read reply");
        Reply::parse(&bytes).unwrap_or_else(|| {
            panic!(
                "no HTTP reply: {:?}; output:\n{}",
                String::from_utf8_lossy(&bytes),
                self.output()
            )
        })
    }

    fn request(&self, method: &str, path: &str) -> Reply {
        self.send(format!("{method} {path} HTTP/1.0\r\nHost: {}\r\n\r\n", self.host()).as_bytes())
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path)
    }

    /// A normal page, answered within [`PROMPTLY`].
    fn assert_answers_promptly(&self, why: &str) {
        let started = Instant::now();
        let (tx, rx) = mpsc::channel();
        let port = self.port;
        std::thread::spawn(move || {
            let reply = (|| {
                let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
                s.set_read_timeout(Some(PATIENCE)).ok()?;
                write!(s, "GET / HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n").ok()?;
                let mut bytes = Vec::new();
                s.read_to_end(&mut bytes).ok()?;
                Reply::parse(&bytes)
            })();
            let _ = tx.send(reply);
        });
        let reply = rx.recv_timeout(PROMPTLY).unwrap_or_else(|_| {
            panic!(
                "{why}: no answer to a normal request within {PROMPTLY:?}; output:\n{}",
                self.output()
            )
        });
        let reply = reply.unwrap_or_else(|| panic!("{why}: the normal request failed"));
        assert_eq!(reply.status, 200, "{why}: {}", reply.head);
        assert!(reply.text().contains("ダッシュボード"), "{why}");
        assert!(started.elapsed() < PROMPTLY, "{why}");
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// A field of the server's `/proc/<pid>/status` (Linux).
    #[cfg(target_os = "linux")]
    fn status_field(&self, name: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc status"))
    }

    /// The server's thread count.
    #[cfg(target_os = "linux")]
    fn threads(&self) -> u64 {
        self.status_field("Threads")
    }

    /// The server's resident memory in MiB.
    #[cfg(target_os = "linux")]
    fn rss_mib(&self) -> u64 {
        self.status_field("VmRSS") / 1024
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
    fn parse(raw: &[u8]) -> Option<Reply> {
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head.split_whitespace().nth(1)?.parse().ok()?;
        Some(Reply {
            status,
            head,
            body: raw[split + 4..].to_vec(),
        })
    }

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
}

/// Whether the server closed `stream` (end of file, a reset, or a reply
/// followed by the end) within `within`; `false` if it is still open.
fn closed_by_server(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn an_oversize_request_head_is_refused_without_reading_it_into_memory() {
    let f = Fixture::sample();
    let server = Server::start(f.path());
    let host = server.host();

    // A complete head just over the limit: refused with 431.
    let big = format!(
        "GET / HTTP/1.0\r\nHost: {host}\r\nX-Big: {}\r\n\r\n",
        "a".repeat(20 * 1024)
    );
    let reply = server.send(big.as_bytes());
    assert_eq!(reply.status, 431, "{}", reply.head);
    // Many small header lines adding up past the limit: the same.
    let many: String = (0..2000).map(|i| format!("X-H{i}: abcdefgh\r\n")).collect();
    let reply = server.send(format!("GET / HTTP/1.0\r\nHost: {host}\r\n{many}\r\n").as_bytes());
    assert_eq!(reply.status, 431, "{}", reply.head);
    // Just under the limit is fine.
    let fine = format!(
        "GET / HTTP/1.0\r\nHost: {host}\r\nX-Big: {}\r\n\r\n",
        "a".repeat(12 * 1024)
    );
    assert_eq!(server.send(fine.as_bytes()).status, 200);

    #[cfg(target_os = "linux")]
    let rss_before = server.rss_mib();

    // 8 connections each sending an unfinished 32 MiB header: before, the
    // server read all of it into memory (8 x 64 MB raised it to 603 MB).
    const SENT: usize = 32 << 20;
    let senders: Vec<_> = (0..8)
        .map(|_| {
            let mut s = server.connect();
            s.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
            std::thread::spawn(move || {
                let mut sent = 0;
                let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
                let chunk = vec![b'a'; 64 * 1024];
                while sent < SENT {
                    match s.write(&chunk) {
                        Ok(n) => sent += n,
                        Err(_) => break,
                    }
                }
                (s, sent)
            })
        })
        .collect();
    let senders: Vec<(TcpStream, usize)> = senders.into_iter().map(|h| h.join().unwrap()).collect();
    #[cfg(target_os = "linux")]
    {
        let rss = server.rss_mib();
        assert!(
            rss < rss_before + 64,
            "memory grew from {rss_before} MiB to {rss} MiB with unfinished heads"
        );
    }
    for (_, sent) in &senders {
        assert!(
            *sent < SENT,
            "the server read a {SENT}-byte header to the end"
        );
    }
    server.assert_answers_promptly("after oversize heads");
    drop(senders);
    server.assert_answers_promptly("after the senders left");
}

#[test]
fn idle_connections_and_many_long_polls_keep_threads_bounded() {
    let f = Fixture::sample();
    let server = Server::start(f.path());
    server.assert_answers_promptly("at start");
    #[cfg(target_os = "linux")]
    let (threads_before, rss_before) = (server.threads(), server.rss_mib());

    // 100 connections that never send a byte (more than the server takes at
    // once): before, each one got its own thread.
    let idle: Vec<TcpStream> = (0..100).map(|_| server.connect()).collect();
    server.assert_answers_promptly("with 100 idle connections");

    // 200 long polls, as 200 browser tabs would make them: before, each
    // one held a thread for 25 seconds (200 polls -> 211 threads).
    let version = server.get("/__anzen/version").text().trim().to_string();
    let (tx, rx) = mpsc::channel();
    let port = server.port;
    for _ in 0..200 {
        let mut s = server.connect();
        write!(
            s,
            "GET /__anzen/wait?v={version}&p=index.html HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        )
        .unwrap();
        let tx = tx.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let done = s.read_to_end(&mut bytes).is_ok() || !bytes.is_empty();
            let _ = tx.send(done.then(|| Reply::parse(&bytes)));
        });
    }
    drop(tx);
    std::thread::sleep(Duration::from_secs(1));
    server.assert_answers_promptly("with 200 long polls waiting");
    #[cfg(target_os = "linux")]
    {
        let threads = server.threads();
        assert!(
            threads < threads_before + 32,
            "{threads} threads (from {threads_before}) with 100 idle connections and 200 long polls"
        );
        let rss = server.rss_mib();
        assert!(
            rss < rss_before + 64,
            "memory grew from {rss_before} MiB to {rss} MiB"
        );
    }

    // The polls over the limit are answered at once (503, so the reload
    // script tries again a second later), not after the long wait.
    let deadline = Instant::now() + PROMPTLY;
    let (mut finished, mut busy) = (0, 0);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(Some(reply)) => {
                finished += 1;
                if let Some(r) = reply {
                    assert!(r.status == 503 || r.status == 200, "{}", r.head);
                    if r.status == 503 {
                        assert_eq!(r.header("Retry-After").as_deref(), Some("1"), "{}", r.head);
                        busy += 1;
                    }
                }
            }
            Ok(None) => finished += 1,
            Err(_) => break,
        }
    }
    assert!(
        finished >= 150,
        "only {finished} of 200 long polls were answered within {PROMPTLY:?}"
    );
    assert!(busy > 0, "no long poll was told to come back later");
    drop(idle);
    server.assert_answers_promptly("after the idle connections left");
}

#[test]
fn a_slow_or_silent_client_is_cut_off() {
    let f = Fixture::sample();
    let server = Server::start(f.path());
    let mut silent = server.connect();
    let mut slow = server.connect();
    slow.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let mut drip = slow.try_clone().unwrap();
    let dripper = std::thread::spawn(move || {
        // One byte every half second, never finishing the head.
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if drip.write_all(b"X").is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        false
    });
    server.assert_answers_promptly("with a slow client");
    let within = Duration::from_secs(45);
    assert!(
        closed_by_server(&mut silent, within),
        "a silent connection was still open after {within:?}"
    );
    assert!(
        closed_by_server(&mut slow, within),
        "a connection dripping its head was still open after {within:?}"
    );
    assert!(
        dripper.join().unwrap(),
        "the dripping client was never cut off"
    );
    server.assert_answers_promptly("after the slow clients");
}

/// The sample with evidence a browser would run: pages, images and feeds
/// with scripts, and script files, linked from a document, the checklist
/// and a ledger. `page.html.txt` is inert but would collide with the inert
/// name of `page.html`.
fn with_active_evidence() -> Fixture {
    let f = Fixture::sample();
    let script = "<script>document.title='pwned'</script>";
    f.write(
        "content/evidence/active/page.html",
        &format!("<!DOCTYPE html><html><body>{script}</body></html>\n"),
    );
    f.write(
        "content/evidence/active/page.html.txt",
        "a plain text note\n",
    );
    f.write(
        "content/evidence/active/Upper.HTM",
        &format!("<html><body>{script}</body></html>\n"),
    );
    f.write(
        "content/evidence/active/app.xhtml",
        &format!("<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>{script}</body></html>\n"),
    );
    f.write(
        "content/evidence/active/vector.svg",
        &format!("<svg xmlns=\"http://www.w3.org/2000/svg\">{script}</svg>\n"),
    );
    f.write(
        "content/evidence/active/feed.xml",
        "<?xml version=\"1.0\"?><x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(1)</x:script>\n",
    );
    f.write("content/evidence/active/code.js", "alert(1)\n");
    f.write("content/evidence/active/module.mjs", "alert(1)\n");
    f.write(
        "content/evidence/active/trailing.html.",
        "<script>alert(1)</script>\n",
    );
    f.edit(
        "content/documents/basic-policy.md",
        "## 適用範囲 {#scope}",
        "[証跡ページ](../evidence/active/page.html)、[メモ](../evidence/active/page.html.txt)、\
         ![図](../evidence/active/vector.svg)\n\n## 適用範囲 {#scope}",
    );
    f.edit(
        "content/checklist.yaml",
        "      - training-plan#annual-plan\n",
        "      - training-plan#annual-plan\n      - evidence/active/Upper.HTM\n      - evidence/active/code.js\n",
    );
    f.edit(
        "content/ledgers/certifications.yaml",
        "copy: evidence/certifications/ISMS登録証_写し.pdf",
        "copy: evidence/active/app.xhtml",
    );
    f
}

/// Names a browser renders as a page (or runs), after the dots and spaces
/// Windows drops from the end of a name.
fn renders_as_active(name: &str) -> bool {
    let name = name.trim_end_matches(['.', ' ']).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    [
        "html", "htm", "xhtml", "xht", "shtml", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs",
        "mht", "mhtml",
    ]
    .contains(&ext)
}

/// An attribute value as the browser reads it (tera escapes `/` too).
fn unescape_html(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 3 <= b.len()
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn active_evidence_is_built_under_an_inert_name_and_every_link_follows() {
    let f = with_active_evidence();
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        f.path(),
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
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let site = out.path().join("site");
    let active = site.join("files/evidence/active");
    let content = f.path().join("content/evidence/active");
    for (from, to) in [
        ("page.html", "page.html.txt"),
        ("page.html.txt", "page.html.txt.txt"),
        ("Upper.HTM", "Upper.HTM.txt"),
        ("app.xhtml", "app.xhtml.txt"),
        ("vector.svg", "vector.svg.txt"),
        ("feed.xml", "feed.xml.txt"),
        ("code.js", "code.js.txt"),
        ("module.mjs", "module.mjs.txt"),
        ("trailing.html.", "trailing.html..txt"),
    ] {
        assert_eq!(
            std::fs::read(active.join(to)).ok(),
            Some(std::fs::read(content.join(from)).unwrap()),
            "{from} is not at {to}"
        );
    }
    // Inert evidence keeps its name.
    assert!(
        site.join("files/evidence/pledges/誓約書_S001.pdf")
            .is_file()
    );

    // Nothing under files/ is a page a browser would render, and every
    // link into files/ from any page reaches a file that is there.
    let mut links = Vec::new();
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&site)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.starts_with("files/") {
            assert!(!renders_as_active(&rel), "{rel} is served as a page");
        }
        if !entry.file_type().is_file() || !rel.ends_with(".html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let dir = entry.path().parent().unwrap();
        for attr in ["href=\"", "src=\""] {
            for piece in html.split(attr).skip(1) {
                let target = unescape_html(piece.split('"').next().unwrap());
                let target = target.as_str();
                if !target.contains("files/") || target.contains("://") {
                    continue;
                }
                let path = percent_decode(target.split('#').next().unwrap());
                assert!(
                    !renders_as_active(&path),
                    "{rel} links active evidence {target}"
                );
                assert!(
                    dir.join(&path).is_file(),
                    "{rel} links {target}, not in the site"
                );
                links.push((rel.clone(), path));
            }
        }
    }
    for (page, want) in [
        (
            "documents/basic-policy.html",
            "evidence/active/page.html.txt",
        ),
        (
            "documents/basic-policy.html",
            "evidence/active/page.html.txt.txt",
        ),
        (
            "documents/basic-policy.html",
            "evidence/active/vector.svg.txt",
        ),
        ("checklist.html", "evidence/active/Upper.HTM.txt"),
        ("checklist.html", "evidence/active/code.js.txt"),
        (
            "ledgers/certifications.html",
            "evidence/active/app.xhtml.txt",
        ),
    ] {
        assert!(
            links
                .iter()
                .any(|(p, l)| p == page && l.ends_with(&format!("files/{want}"))),
            "{page} does not link files/{want}; links: {links:?}"
        );
    }
}

#[test]
fn evidence_is_served_as_a_sandboxed_attachment() {
    let f = with_active_evidence();
    let server = Server::start(f.path());

    let pdf = server.get("/files/evidence/pledges/%E8%AA%93%E7%B4%84%E6%9B%B8_S001.pdf");
    assert_eq!(pdf.status, 200, "{}", pdf.head);
    for reply in [
        &pdf,
        &server.request("HEAD", "/files/evidence/active/page.html.txt"),
    ] {
        assert_eq!(reply.status, 200, "{}", reply.head);
        let disposition = reply.header("Content-Disposition").unwrap_or_default();
        assert!(disposition.starts_with("attachment"), "{}", reply.head);
        assert_eq!(
            reply.header("Content-Security-Policy").as_deref(),
            Some("sandbox"),
            "{}",
            reply.head
        );
        assert_eq!(
            reply.header("X-Content-Type-Options").as_deref(),
            Some("nosniff"),
            "{}",
            reply.head
        );
    }
    assert!(
        pdf.header("Content-Disposition")
            .unwrap()
            .contains("filename*=UTF-8''%E8%AA%93%E7%B4%84%E6%9B%B8_S001.pdf"),
        "{}",
        pdf.head
    );

    // The active page is not there under its own name; under its inert
    // name it is plain text, byte for byte, with nothing injected.
    assert_eq!(server.get("/files/evidence/active/page.html").status, 404);
    let page = server.get("/files/evidence/active/page.html.txt");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("Content-Type").as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        page.body,
        std::fs::read(f.path().join("content/evidence/active/page.html")).unwrap()
    );
    let svg = server.get("/files/evidence/active/vector.svg.txt");
    assert_eq!(svg.status, 200);
    assert!(
        svg.header("Content-Type")
            .unwrap()
            .starts_with("text/plain")
    );

    // The site's own pages still display, with the live reload.
    let doc = server.get("/documents/basic-policy.html");
    assert_eq!(doc.status, 200);
    assert_eq!(doc.header("Content-Disposition"), None, "{}", doc.head);
    assert!(doc.text().contains("/__anzen/wait"));
    assert!(doc.text().contains("files/evidence/active/page.html.txt"));
}
