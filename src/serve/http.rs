//! The preview's HTTP server on 127.0.0.1: one thread reads the request
//! heads of every connection (non-blocking sockets, `mio`), a fixed pool
//! of workers answers complete requests, one thread holds the long polls
//! of the reload script; every limit is a constant below.

use super::*;
use std::collections::{BTreeMap, VecDeque};
use std::io::Write as _;
use std::io::{ErrorKind, Read as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};

use mio::{Events, Interest, Poll, Token};

// Limits of the HTTP server (see the module doc). Whatever clients do, it
// keeps 2 + WORKERS threads and at most MAX_CONNECTIONS sockets with at
// most MAX_HEAD_BYTES (plus a read buffer) each.

/// Longest request head (request line and headers, blank line included);
/// a longer one is answered 431 and the connection closed.
pub(super) const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Most connections open at once: waiting for their head, queued for or in
/// a worker, or held as long polls. One more drops the connection that has
/// waited longest for its head (an idle or slow one), or gets 503 if none
/// is waiting.
pub(super) const MAX_CONNECTIONS: usize = 64;
/// Most long polls (`/__anzen/wait`) held at once. One more answers the
/// oldest at once with 503 and `Retry-After: 1`: the reload script polls
/// again a second later, so no change is missed.
pub(super) const MAX_LONG_POLLS: usize = 32;
/// Threads answering requests (a fixed pool; one more thread reads request
/// heads for all connections, and one answers the long polls).
pub(super) const WORKERS: usize = 8;
/// Time from accepting a connection to having its whole request head;
/// slower clients (slowloris) get 408 and are closed.
pub(super) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Time to send a whole reply; a client that reads too slowly is cut off.
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

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
                let (files, overlay, pdfs, snapshot) = {
                    let s = shared.lock();
                    (
                        Arc::clone(&s.files),
                        Arc::clone(&s.overlay),
                        Arc::clone(&s.pdfs),
                        Snapshot::of(&s),
                    )
                };
                let rel = if rel == "pdf" {
                    "pdf/index.html".to_string()
                } else {
                    rel
                };
                let from = if overlay.contains_key(&rel) {
                    Some(overlay)
                } else if files.contains_key(&rel) {
                    Some(files)
                } else if pdfs.contains_key(&rel) {
                    Some(pdfs)
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

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
