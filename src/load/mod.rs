//! Stage 1 of the pipeline: reads a project (config, documents, ledgers,
//! checklist answers) from disk into the typed [`crate::model`]. Problems in
//! content become findings and loading goes on; only a missing or
//! unreadable config stops it.

pub mod answers;
pub mod document;
pub mod frontmatter;
pub mod history;
pub mod ledger;
pub mod markdown;
pub mod source;
pub mod standards;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::date::Date;
use crate::diag::{Finding, Location, rel_path};
use crate::model::config::CONFIG_FILE;
use crate::model::project::AsOfSource;
use crate::model::{Config, Project};
use crate::standard::LedgerKinds;
use crate::tr;
use crate::yaml;

pub use crate::model::project::{ANSWERS_FILE, DOCUMENTS_DIR, LEDGERS_DIR};

/// Why a project could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No config file at the root.
    #[error("{0}: config file not found")]
    ConfigMissing(PathBuf),
    /// The config exists but has problems (reported as findings).
    #[error("the config file has errors")]
    ConfigInvalid(Vec<Finding>),
    /// The content folder is missing.
    #[error("{0}: content folder not found")]
    ContentMissing(PathBuf),
    /// The content folder is a symbolic link that leads out of the project.
    #[error("{0}: the content folder leads outside the project (a symbolic link)")]
    ContentOutside(PathBuf),
}

impl LoadError {
    /// The message in both languages (the findings of an invalid config
    /// rendered for people).
    pub fn text(&self) -> crate::i18n::Text {
        use crate::terminal::path;
        match self {
            LoadError::ConfigMissing(p) => tr!(
                "設定ファイル {} がありません。--root でプロジェクトのルートを指定してください",
                "config file {} not found; point --root at the project root"; path(p)
            ),
            LoadError::ContentMissing(p) => tr!(
                "コンテンツフォルダ {} がありません",
                "content folder {} not found"; path(p)
            ),
            LoadError::ContentOutside(p) => tr!(
                "コンテンツフォルダ {} はプロジェクトの外を指すシンボリックリンクです（読み込みません）",
                "content folder {} is a symbolic link out of the project (not read)"; path(p)
            ),
            LoadError::ConfigInvalid(f) => {
                let first = f.first().map(|f| {
                    let at = f
                        .location
                        .as_ref()
                        .map(|l| format!("{l}: "))
                        .unwrap_or_default();
                    (
                        format!("{at}{}", f.message.ja),
                        format!("{at}{}", f.message.en),
                    )
                });
                let (ja, en) = first.unwrap_or_default();
                let more = f.len().saturating_sub(1);
                tr!(
                    "設定ファイルにエラーがあります: {}{}",
                    "the config file has errors: {}{}";
                    crate::terminal::text(&ja),
                    if more > 0 { format!("（ほか {more} 件）") } else { String::new() }
                )
                .with_en(format!(
                    "the config file has errors: {}{}",
                    crate::terminal::text(&en),
                    if more > 0 {
                        format!(" (and {more} more)")
                    } else {
                        String::new()
                    }
                ))
            }
        }
    }
}

/// Options that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Overrides the config's as-of date.
    pub as_of: Option<Date>,
}

/// Loads the project at `root`: the project and every problem found.
pub fn load(
    root: &Path,
    options: &LoadOptions,
    kinds: &LedgerKinds,
) -> Result<(Project, Vec<Finding>), LoadError> {
    let mut findings = Vec::new();
    let config = load_config(root)?;
    let (as_of, as_of_source) = as_of(root, options, &config);
    let content = root.join(&config.content_dir);
    if !content.is_dir() {
        return Err(LoadError::ContentMissing(content));
    }
    // The content folder itself may be a link only within the project: a
    // link out of it would read (and copy into the site and the zip)
    // whatever it points at.
    if !source::resolves_inside(root, &content) {
        return Err(LoadError::ContentOutside(content));
    }
    let mut documents = Vec::new();
    let mut ledgers = Vec::new();
    let mut answers = None;
    let mut files = BTreeSet::new();
    let mut unreadable_dirs = BTreeSet::new();
    let mut answered_invalid = Vec::new();
    let mut pending = Vec::new();
    let mut evidence = std::collections::BTreeMap::new();

    // Symlinks are never followed; the canonical content folder tells the
    // ones that point out of it (reported) from those that stay inside.
    let content_real = content.canonicalize().unwrap_or_else(|_| content.clone());
    let walk = WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walk {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e.path().map(|p| rel_path(root, p)).unwrap_or_default();
                if let Some(p) = e.path().filter(|p| p.is_dir()) {
                    unreadable_dirs.insert(rel_path(&content, p));
                }
                findings.push(
                    Finding::error(
                        "file.unreadable",
                        tr!("読み込めません: {}", "cannot read: {}"; e),
                    )
                    .at(Location::file(&rel)),
                );
                continue;
            }
        };
        if entry.path_is_symlink() && entry.depth() > 0 {
            if let Some(f) = symlink_out(entry.path(), &content_real, &rel_path(root, entry.path()))
            {
                findings.push(f);
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = rel_path(root, path);
        let content_rel = rel_path(&content, path);
        files.insert(content_rel.clone());
        let role = match classify(&content_rel, path) {
            Kind::Read(role) => role,
            Kind::Stray => {
                findings.push(stray_file(&rel));
                continue;
            }
            Kind::Evidence => {
                // Evidence: its size and first bytes for the checks; the
                // site copies it, so say now if it cannot be read.
                match evidence_file(path) {
                    Ok(e) => {
                        evidence.insert(content_rel, e);
                    }
                    Err(e) => findings.push(
                        Finding::error(
                            "file.unreadable",
                            tr!("読み込めません: {}", "cannot read: {}"; e),
                        )
                        .at(Location::file(&rel)),
                    ),
                }
                continue;
            }
        };
        pending.push((role, path.to_path_buf(), rel, content_rel));
    }
    // Reading and parsing, in parallel; results are taken in walk order.
    // One file per task: the ledgers, a few large files at the end of the
    // walk, would otherwise fall to one thread in one chunk.
    use rayon::prelude::*;
    let parsed: Vec<(Parsed, Vec<Finding>)> = pending
        .par_iter()
        .with_max_len(1)
        .map(|(role, path, rel, content_rel)| {
            let mut findings = Vec::new();
            let text = match source::read_text(path, rel) {
                Ok(t) => t,
                Err(f) => return (Parsed::Nothing, vec![f]),
            };
            let out = match role {
                Role::Document => document::parse(&text, rel, content_rel, &mut findings)
                    .map_or(Parsed::Nothing, |d| Parsed::Document(Box::new(d))),
                Role::Ledger => ledger::parse(&text, kinds, rel, content_rel, &mut findings)
                    .map_or(Parsed::Nothing, |l| Parsed::Ledger(Box::new(l))),
                Role::Answers => answers::parse(&text, rel, &mut findings)
                    .map_or(Parsed::Nothing, |(a, invalid)| Parsed::Answers(a, invalid)),
            };
            (out, findings)
        })
        .collect();
    for (p, f) in parsed {
        findings.extend(f);
        match p {
            Parsed::Nothing => {}
            Parsed::Document(d) => documents.push(*d),
            Parsed::Ledger(l) => ledgers.push(*l),
            Parsed::Answers(a, invalid) => {
                answers = a;
                answered_invalid = invalid;
            }
        }
    }
    digest_lookalikes(&content, &mut evidence);
    let history = crate::load::history::read(root);
    mark_edited_after_approval(root, &history, &as_of.to_string(), &mut documents);
    let project = Project {
        root: root.to_path_buf(),
        config,
        config_file: CONFIG_FILE.to_string(),
        as_of,
        as_of_source,
        documents,
        ledgers,
        answers,
        answered_invalid,
        history,
        files,
        unreadable_dirs,
        evidence,
    };
    Ok((project, findings))
}

/// The as-of date and where it came from: `--as-of`, else the config's
/// `as_of`, else the committer date of HEAD when the tracked files have no
/// uncommitted changes (the same commit always checks the same), else today.
fn as_of(root: &Path, options: &LoadOptions, config: &Config) -> (Date, AsOfSource) {
    if let Some(d) = options.as_of {
        return (d, AsOfSource::Flag);
    }
    if let Some(d) = config.as_of {
        return (d, AsOfSource::Config);
    }
    match crate::git::revision(root) {
        Some(r) if !r.dirty => match Date::parse(&r.date) {
            Ok(d) => (d, AsOfSource::Commit { short: r.short }),
            Err(_) => (Date::today(), AsOfSource::Today { in_git: true }),
        },
        Some(_) => (Date::today(), AsOfSource::Today { in_git: true }),
        None => (Date::today(), AsOfSource::Today { in_git: false }),
    }
}

/// Marks documents whose body changed in git after their approval date.
fn mark_edited_after_approval(
    root: &Path,
    history: &crate::model::history::History,
    as_of: &str,
    documents: &mut [crate::model::Document],
) {
    if !history.in_git {
        return;
    }
    for d in documents.iter_mut() {
        if let Some(approved) = d.meta.approval.as_ref().map(|a| a.date.to_string()) {
            d.edited_after_approval =
                crate::load::history::last_body_change(root, history, &d.file, &approved, as_of);
        }
    }
}

/// The size and first bytes of an evidence file.
fn evidence_file(path: &Path) -> std::io::Result<crate::model::project::EvidenceFile> {
    use crate::model::project::EvidenceFile;
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    let size = f.metadata()?.len();
    let mut head = Vec::with_capacity(EvidenceFile::HEAD);
    (&mut f)
        .take(EvidenceFile::HEAD as u64)
        .read_to_end(&mut head)?;
    let mut tail = Vec::new();
    if head.starts_with(b"%PDF-") {
        let from = size.saturating_sub(EvidenceFile::TAIL as u64);
        f.seek(SeekFrom::Start(from))?;
        f.take(EvidenceFile::TAIL as u64).read_to_end(&mut tail)?;
    }
    Ok(EvidenceFile {
        size,
        head,
        digest: None,
        tail,
    })
}

/// Hashes the evidence files that share their size with another (only
/// they can be copies of each other), in parallel; a file that cannot be
/// read now keeps no digest.
fn digest_lookalikes(
    content: &Path,
    evidence: &mut std::collections::BTreeMap<String, crate::model::project::EvidenceFile>,
) {
    use rayon::prelude::*;
    use sha2::Digest;
    let mut by_size: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for e in evidence.values().filter(|e| e.size > 0) {
        *by_size.entry(e.size).or_default() += 1;
    }
    let wanted: Vec<String> = evidence
        .iter()
        .filter(|(_, e)| e.digest.is_none() && e.size > 0 && by_size[&e.size] > 1)
        .map(|(k, _)| k.clone())
        .collect();
    let digests: Vec<(String, Option<[u8; 32]>)> = wanted
        .into_par_iter()
        .map(|rel| {
            let digest = std::fs::File::open(content.join(&rel))
                .ok()
                .and_then(|mut f| {
                    let mut h = sha2::Sha256::new();
                    std::io::copy(&mut f, &mut h).ok()?;
                    Some(h.finalize().into())
                });
            (rel, digest)
        })
        .collect();
    for (rel, d) in digests {
        if let Some(e) = evidence.get_mut(&rel) {
            e.digest = d;
        }
    }
}

/// A `file.outside-content` finding for a symlink under the content
/// folder that leads out of it, nowhere, or round in a loop. Its target is
/// never read: symlinks are not followed, so the project holds all it needs.
fn symlink_out(path: &Path, content_real: &Path, rel: &str) -> Option<Finding> {
    let (ja, en) = match path.canonicalize() {
        Ok(target) if target.starts_with(content_real) => return None,
        Ok(_) => (
            "content/ の外を指すシンボリックリンクです（読み込みもコピーもしません）",
            "symlink pointing outside content/ (neither read nor copied)",
        ),
        Err(_) => (
            "たどれないシンボリックリンクです（リンク先がない、またはループ）",
            "symlink that leads nowhere (missing target or a loop)",
        ),
    };
    Some(
        Finding::error("file.outside-content", crate::i18n::Text::new(ja, en))
            .at(Location::file(rel))
            .hint(tr!(
                "シンボリックリンクではなく、ファイルそのものを content/ に置いてください",
                "put the file itself under content/, not a symlink to it"
            )),
    )
}

/// What one file of the content folder gave.
enum Parsed {
    Nothing,
    Document(Box<crate::model::Document>),
    Ledger(Box<crate::model::Ledger>),
    Answers(Option<crate::model::Answers>, Vec<String>),
}

/// What a file under content/ is, from its path.
enum Kind {
    /// Read as a document, ledger or the answers.
    Read(Role),
    /// A .md or .yaml outside documents/ and ledgers/: read by nothing.
    Stray,
    /// Anything else: evidence that references may point at.
    Evidence,
}

fn classify(content_rel: &str, path: &Path) -> Kind {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_yaml = ext == "yaml" || ext == "yml";
    if content_rel == ANSWERS_FILE {
        Kind::Read(Role::Answers)
    } else if ext == "md" && content_rel.starts_with(&format!("{DOCUMENTS_DIR}/")) {
        Kind::Read(Role::Document)
    } else if is_yaml && content_rel.starts_with(&format!("{LEDGERS_DIR}/")) {
        Kind::Read(Role::Ledger)
    } else if ext == "md" || is_yaml {
        Kind::Stray
    } else {
        Kind::Evidence
    }
}

fn stray_file(rel: &str) -> Finding {
    Finding::warning(
        "content.stray-file",
        tr!(
            "このファイルは文書・台帳・回答のどれとしても読み込まれません",
            "this file is not read as a document, ledger or answers file"
        ),
    )
    .at(Location::file(rel))
    .hint(tr!(
        "文書は content/documents/、台帳は content/ledgers/ に置いてください",
        "put documents under content/documents/ and ledgers under content/ledgers/"
    ))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Document,
    Ledger,
    Answers,
}

/// Reads and validates `anzen.yaml`.
pub fn load_config(root: &Path) -> Result<Config, LoadError> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        return Err(LoadError::ConfigMissing(path));
    }
    if !source::resolves_inside(root, &path) {
        return Err(LoadError::ConfigInvalid(vec![
            Finding::error(
                "file.outside-content",
                tr!(
                    "設定ファイルがプロジェクトの外を指すシンボリックリンクです（読み込みません）",
                    "the config file is a symbolic link out of the project (not read)"
                ),
            )
            .at(Location::file(CONFIG_FILE)),
        ]));
    }
    let text =
        source::read_text(&path, CONFIG_FILE).map_err(|f| LoadError::ConfigInvalid(vec![f]))?;
    let parsed = yaml::parse(&text);
    let mut findings: Vec<Finding> = parsed
        .errors
        .iter()
        .map(|e| crate::yaml::finding(e, CONFIG_FILE, 0))
        .collect();
    let Some(tree) = parsed.root else {
        return Err(LoadError::ConfigInvalid(findings));
    };
    if tree.is_null() && findings.is_empty() {
        return Err(LoadError::ConfigInvalid(vec![
            Finding::error(
                "yaml.missing-field",
                tr!("設定ファイルが空です", "the config file is empty"),
            )
            .at(Location::new(CONFIG_FILE, 1, 1))
            .hint(tr!(
                "vendor・client・contract を書いてください（README 参照）",
                "write vendor, client and contract (see README)"
            )),
        ]));
    }
    match yaml::deserialize::<Config>(&tree) {
        Ok(c) if findings.is_empty() => {
            let mut bad = Vec::new();
            if c.contract.end < c.contract.start {
                let at = tree
                    .get("contract")
                    .and_then(|n| n.get("end"))
                    .map(|n| Location::new(CONFIG_FILE, n.line, n.column));
                bad.push(
                    Finding::error(
                        "yaml.invalid-value",
                        tr!(
                            "契約期間の終了日が開始日より前です",
                            "the contract ends before it starts"
                        ),
                    )
                    .at_opt(at),
                );
            }
            // The content folder and the theme are read, and the output
            // guarded, on the understanding that they lie inside the project.
            let inside = |p: &str| {
                !p.is_empty()
                    && !p.contains('\\')
                    && !Path::new(p).is_absolute()
                    && !p.starts_with('/')
                    && !p.split('/').any(|s| s == "..")
            };
            let checks = [
                ("content_dir", Some(c.content_dir.as_str()), false),
                ("theme", c.theme.as_deref(), true),
            ];
            for (key, value, single) in checks {
                let Some(v) = value else { continue };
                if inside(v) && !(single && v.contains('/')) {
                    continue;
                }
                let at = tree
                    .get(key)
                    .map(|n| Location::new(CONFIG_FILE, n.line, n.column));
                bad.push(
                    Finding::error(
                        "yaml.invalid-value",
                        tr!(
                            "{}: 「{}」はプロジェクトの外を指しています",
                            "{}: '{}' points outside the project"; key, v
                        ),
                    )
                    .at_opt(at)
                    .hint(tr!(
                        "プロジェクトのルートからの相対パス（.. を含まない）を書いてください",
                        "write a path relative to the project root, without .."
                    )),
                );
            }
            // A program to run is never taken from the project file: a
            // pull request could point it at a script of its own.
            if c.pdf.typst.is_some() {
                let at = tree
                    .get("pdf")
                    .and_then(|n| n.key("typst"))
                    .map(|n| Location::new(CONFIG_FILE, n.line, n.column));
                bad.push(
                    Finding::error(
                        "yaml.invalid-value",
                        tr!(
                            "pdf.typst はプロジェクトの設定には書けません（リポジトリが実行するプログラムを決められてしまうため）",
                            "pdf.typst cannot be set in the project file (a repository must not choose a program for anzen to run)"
                        ),
                    )
                    .at_opt(at)
                    .hint(tr!(
                        "typst の場所は環境変数 ANZEN_TYPST か PATH で指定してください",
                        "name typst's location with the ANZEN_TYPST environment variable or PATH"
                    )),
                );
            }
            // Folders of the zip: one plain name each, all different, so
            // that no entry can land outside the zip's root or on another.
            let folders = &c.package.folders;
            let mut seen: Vec<(String, &str)> = Vec::new();
            for (key, value) in [
                ("combined", &folders.combined),
                ("checklist", &folders.checklist),
                ("documents", &folders.documents),
                ("ledgers", &folders.ledgers),
                ("site", &folders.site),
            ] {
                let at = tree
                    .get("package")
                    .and_then(|n| n.get("folders"))
                    .and_then(|n| n.get(key))
                    .map(|n| Location::new(CONFIG_FILE, n.line, n.column));
                let problem = folder_problem(value).or_else(|| {
                    let folded = crate::names::fold(value);
                    seen.iter().find(|(f, _)| *f == folded).map(|(_, other)| {
                        tr!("package.folders.{} と同じ名前です", "the same name as package.folders.{}"; other)
                    })
                });
                seen.push((crate::names::fold(value), key));
                if let Some(p) = problem {
                    bad.push(
                        Finding::error(
                            "yaml.invalid-value",
                            tr!(
                                "package.folders.{}: 「{}」は zip のフォルダ名に使えません（{}）",
                                "package.folders.{}: '{}' cannot name a folder of the zip ({})";
                                key, crate::terminal::text(value), p.get(crate::i18n::Lang::Ja)
                            ),
                        )
                        .at_opt(at)
                        .hint(tr!(
                            "「/」「\\」「..」やドライブ名を含まない、ほかと重ならない1つのフォルダ名を書いてください（例: 01_提出書類一式）",
                            "write one plain folder name, different from the others, without /, \\, .. or a drive (e.g. 01_提出書類一式)"
                        )),
                    );
                }
            }
            if bad.is_empty() {
                Ok(c)
            } else {
                Err(LoadError::ConfigInvalid(bad))
            }
        }
        Ok(_) => Err(LoadError::ConfigInvalid(findings)),
        Err(e) => {
            findings.push(crate::yaml::finding(&e, CONFIG_FILE, 0));
            Err(LoadError::ConfigInvalid(findings))
        }
    }
}

/// Why `name` cannot be a folder of the zip: it must be one plain path
/// component that Windows, macOS and Linux all accept.
fn folder_problem(name: &str) -> Option<crate::i18n::Text> {
    let reserved = |n: &str| {
        let stem = n.split('.').next().unwrap_or(n).to_ascii_uppercase();
        matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
            || (stem.len() == 4
                && (stem.starts_with("COM") || stem.starts_with("LPT"))
                && stem.as_bytes()[3].is_ascii_digit())
    };
    if name.trim().is_empty() {
        Some(tr!("空です", "it is empty"))
    } else if name == "." || name == ".." {
        Some(tr!("「.」「..」は使えません", "'.' and '..' are not names"))
    } else if name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|'])
        || name.chars().any(crate::terminal::is_unsafe)
    {
        Some(tr!(
            "区切り文字・ドライブ名・使えない文字を含みます",
            "it holds a separator, a drive or a character file names cannot have"
        ))
    } else if name.ends_with(['.', ' ']) || reserved(name) || name.len() > 100 {
        Some(tr!(
            "Windows で使えない名前です",
            "Windows does not accept this name"
        ))
    } else {
        None
    }
}

/// Re-reads one file of the content folder (`content_rel`, relative to it)
/// into an already loaded `project`, for `anzen serve`: the document, ledger
/// or answers it held are replaced (or removed when the file is gone) and
/// `files` is updated, keeping the order [`load`] gives. Returns the
/// findings [`load`] would report for that file.
pub fn reload_file(project: &mut Project, kinds: &LedgerKinds, content_rel: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let content = project.root.join(&project.config.content_dir);
    let path = content.join(content_rel);
    let rel = rel_path(&project.root, &path);
    project.documents.retain(|d| d.content_path != content_rel);
    project.ledgers.retain(|l| l.content_path != content_rel);
    if content_rel == ANSWERS_FILE {
        project.answers = None;
        project.answered_invalid.clear();
    }
    project.files.remove(content_rel);
    project.evidence.remove(content_rel);
    // As in `load`: links are reported when they lead out, never followed;
    // only regular files are read.
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return findings;
    };
    if meta.file_type().is_symlink() {
        let content_real = content.canonicalize().unwrap_or_else(|_| content.clone());
        findings.extend(symlink_out(&path, &content_real, &rel));
        return findings;
    }
    if !meta.is_file() {
        return findings;
    }
    project.files.insert(content_rel.to_string());
    let role = match classify(content_rel, &path) {
        Kind::Read(role) => role,
        Kind::Stray => {
            findings.push(stray_file(&rel));
            return findings;
        }
        Kind::Evidence => {
            match evidence_file(&path) {
                Ok(e) => {
                    project.evidence.insert(content_rel.to_string(), e);
                    digest_lookalikes(&content, &mut project.evidence);
                }
                Err(e) => findings.push(
                    Finding::error(
                        "file.unreadable",
                        tr!("読み込めません: {}", "cannot read: {}"; e),
                    )
                    .at(Location::file(&rel)),
                ),
            }
            return findings;
        }
    };
    let text = match source::read_text(&path, &rel) {
        Ok(t) => t,
        Err(f) => {
            findings.push(f);
            return findings;
        }
    };
    // `load` walks folders depth first, names sorted: compare by component.
    let walk_order = |a: &str| a.split('/').cmp(content_rel.split('/'));
    match role {
        Role::Document => {
            if let Some(mut d) = document::parse(&text, &rel, content_rel, &mut findings) {
                let as_of = project.as_of.to_string();
                let (root, history) = (&project.root, &project.history);
                mark_edited_after_approval(root, history, &as_of, std::slice::from_mut(&mut d));
                let at = project
                    .documents
                    .partition_point(|x| walk_order(&x.content_path).is_lt());
                project.documents.insert(at, d);
            }
        }
        Role::Ledger => {
            if let Some(l) = ledger::parse(&text, kinds, &rel, content_rel, &mut findings) {
                let at = project
                    .ledgers
                    .partition_point(|x| walk_order(&x.content_path).is_lt());
                project.ledgers.insert(at, l);
            }
        }
        Role::Answers => {
            if let Some((a, invalid)) = answers::parse(&text, &rel, &mut findings) {
                project.answers = a;
                project.answered_invalid = invalid;
            }
        }
    }
    findings
}
