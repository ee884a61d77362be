//! The PDF build cache: a PDF is reused, without running typst, when every
//! file its last compile read has the same bytes in this run's work folder
//! and nothing else that shapes it changed.
//!
//! typst lists what a compile read (`--deps`); that list, with the SHA-256
//! of each file, is kept beside the PDF under `<output>/.anzen-cache/pdf/`,
//! named by a key over the compile's own inputs: the main file, the
//! `--input` pairs, the creation timestamp, PDF/A, the typst binary and
//! version, the anzen binary, and the fonts typst finds (the families it
//! lists and the files of the configured font folders). A PDF is therefore
//! reused only when a compile of the same inputs by the same tools would
//! run again, and typst is deterministic: a cached build is byte-identical
//! to a clean one. Anything wrong with the cache (missing, damaged, a file
//! whose hash does not match, a link in its place) is a miss, never an
//! error; deleting the folder costs one full compile.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The cache's folder inside the output folder.
pub const CACHE_DIR: &str = ".anzen-cache";

/// Bumped when the layout of an entry changes.
const FORMAT: &str = "anzen-pdf-cache 2";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `path` as size and modification time (binaries and fonts: too large to
/// hash on every build, and replaced whole when they change).
fn stamp(path: &Path) -> String {
    match std::fs::metadata(path) {
        Ok(m) => {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {} {modified}", path.display(), m.len())
        }
        Err(_) => format!("{} missing", path.display()),
    }
}

/// What shapes every PDF of a run besides the files typst reads.
pub struct Salt<'a> {
    /// The typst binary.
    pub typst: &'a Path,
    /// Its version.
    pub typst_version: &'a str,
    /// The families typst lists (system fonts and the font folders).
    pub families: &'a [String],
    /// The configured font folders.
    pub font_paths: &'a [PathBuf],
    /// PDF/A-2b.
    pub pdf_a: bool,
}

impl Salt<'_> {
    fn text(&self) -> String {
        let mut s = format!(
            "{FORMAT}\nanzen {}\n{}\ntypst {}\n{}\npdf_a {}\n",
            env!("CARGO_PKG_VERSION"),
            std::env::current_exe()
                .map(|p| stamp(&p))
                .unwrap_or_default(),
            self.typst_version,
            stamp(self.typst),
            self.pdf_a,
        );
        for f in self.families {
            s.push_str("font ");
            s.push_str(f);
            s.push('\n');
        }
        for dir in self.font_paths {
            let mut files: Vec<String> = walkdir::WalkDir::new(dir)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| stamp(e.path()))
                .collect();
            files.sort();
            s.push_str(&format!("font_path {}\n", dir.display()));
            for f in files {
                s.push_str(&f);
                s.push('\n');
            }
        }
        s
    }
}

/// One entry: the files the compile read, with their hashes, and the
/// PDF's hash.
#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    pdf: String,
    deps: BTreeMap<String, String>,
}

/// The cache of one run.
pub struct PdfCache {
    dir: PathBuf,
    work: PathBuf,
    salt: String,
    /// Hashes of work-folder files, by path relative to it.
    hashes: Mutex<HashMap<String, Option<String>>>,
    /// Keys looked up or stored by this run (the rest is pruned).
    used: Mutex<BTreeSet<String>>,
    /// Compiles answered from the cache.
    hits: std::sync::atomic::AtomicUsize,
}

/// Whether `path` is a real folder (not a link), creating it if absent.
fn real_dir(path: &Path) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(m) => m.is_dir(),
        Err(_) => std::fs::create_dir(path).is_ok(),
    }
}

impl PdfCache {
    /// The cache under `output` for a run compiling in `work`; `None` when
    /// its folder cannot be used (a link or a file in its place, or not
    /// writable): the run then compiles everything.
    pub fn open(output: &Path, work: &Path, salt: &Salt) -> Option<PdfCache> {
        let root = output.join(CACHE_DIR);
        if !std::fs::symlink_metadata(output).is_ok_and(|m| m.is_dir()) {
            std::fs::create_dir_all(output).ok()?;
        }
        if !real_dir(&root) {
            return None;
        }
        let tag = root.join("CACHEDIR.TAG");
        if std::fs::symlink_metadata(&tag).is_err() {
            let _ = std::fs::write(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# anzen's build cache: safe to delete (the next build compiles every PDF).\n",
            );
        }
        let dir = root.join("pdf");
        if !real_dir(&dir) {
            return None;
        }
        Some(PdfCache {
            dir,
            work: work.canonicalize().unwrap_or_else(|_| work.to_path_buf()),
            salt: salt.text(),
            hashes: Mutex::default(),
            used: Mutex::default(),
            hits: Default::default(),
        })
    }

    /// The key of one compile: its main file, `--input` pairs and
    /// `--creation-timestamp` under the run's salt.
    pub fn key(&self, main: &str, inputs: &[(&str, String)], timestamp: i64) -> String {
        let mut h = Sha256::new();
        h.update(self.salt.as_bytes());
        h.update(b"\0main ");
        h.update(main.as_bytes());
        h.update(format!("\0timestamp {timestamp}").as_bytes());
        for (k, v) in inputs {
            h.update(b"\0input ");
            h.update(k.as_bytes());
            h.update(b"=");
            h.update(v.as_bytes());
        }
        hex(&h.finalize())
    }

    /// The hash of the work-folder file `rel` (`None`: no such file).
    fn hash(&self, rel: &str) -> Option<String> {
        if let Some(h) = self.hashes.lock().ok()?.get(rel) {
            return h.clone();
        }
        let path = self.work.join(rel);
        let h = match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => std::fs::read(&path).ok().map(|b| sha256(&b)),
            _ => None,
        };
        self.hashes.lock().ok()?.insert(rel.to_string(), h.clone());
        h
    }

    /// Forgets the hash of `rel` (the run rewrote it).
    pub fn forget(&self, rel: &str) {
        if let Ok(mut h) = self.hashes.lock() {
            h.remove(rel);
        }
    }

    fn read_regular(path: &Path) -> Option<Vec<u8>> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_file() => std::fs::read(path).ok(),
            _ => None,
        }
    }

    /// The PDF of `key` if every file its compile read is unchanged.
    pub fn lookup(&self, key: &str) -> Option<Vec<u8>> {
        if let Ok(mut u) = self.used.lock() {
            u.insert(key.to_string());
        }
        let entry: Entry =
            serde_json::from_slice(&Self::read_regular(&self.dir.join(format!("{key}.json")))?)
                .ok()?;
        for (rel, hash) in &entry.deps {
            if self.hash(rel).as_deref() != Some(hash) {
                return None;
            }
        }
        let pdf = Self::read_regular(&self.dir.join(format!("{key}.pdf")))?;
        if sha256(&pdf) != entry.pdf {
            return None;
        }
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(pdf)
    }

    /// The files typst's `--deps` JSON lists, relative to the work folder;
    /// `None` when one lies outside it (then the PDF is not cached).
    fn deps(&self, json: &[u8]) -> Option<Vec<String>> {
        #[derive(serde::Deserialize)]
        struct Deps {
            inputs: Vec<String>,
        }
        let deps: Deps = serde_json::from_slice(json).ok()?;
        let cwd = std::env::current_dir().ok()?;
        deps.inputs
            .iter()
            .map(|p| {
                let abs = cwd.join(p).canonicalize().ok()?;
                let rel = abs.strip_prefix(&self.work).ok()?;
                let parts: Option<Vec<&str>> =
                    rel.components().map(|c| c.as_os_str().to_str()).collect();
                Some(parts?.join("/"))
            })
            .collect()
    }

    /// Keeps `pdf` under `key` with the files its compile read (`deps`:
    /// typst's `--deps` output). Failures only lose the entry.
    pub fn store(&self, key: &str, deps: &[u8], pdf: &[u8]) {
        let Some(files) = self.deps(deps) else { return };
        let mut entry = Entry {
            pdf: sha256(pdf),
            deps: BTreeMap::new(),
        };
        for rel in files {
            let Some(h) = self.hash(&rel) else { return };
            entry.deps.insert(rel, h);
        }
        let Ok(json) = serde_json::to_vec(&entry) else {
            return;
        };
        // The PDF first, then the entry that vouches for it: a run killed
        // in between leaves a PDF nothing points at.
        if self.put(&format!("{key}.pdf"), pdf) {
            self.put(&format!("{key}.json"), &json);
        }
    }

    /// Writes `name` through a temporary sibling renamed over it.
    fn put(&self, name: &str, bytes: &[u8]) -> bool {
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let _ = std::fs::remove_file(&tmp);
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .and_then(|mut f| std::io::Write::write_all(&mut f, bytes));
        if written.is_err() || std::fs::rename(&tmp, self.dir.join(name)).is_err() {
            let _ = std::fs::remove_file(&tmp);
            return false;
        }
        true
    }

    /// How many compiles the cache answered.
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Removes the entries this run did not use (documents removed, other
    /// versions or options), so the cache holds one build's worth.
    pub fn prune(&self) {
        let Ok(used) = self.used.lock() else { return };
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let key = name.split('.').find(|s| !s.is_empty()).unwrap_or("");
            if !used.contains(key) || name.starts_with('.') {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}
