//! `anzen diff <base> [<head>]`: what a change does to compliance. Both
//! revisions are read from git (blobs copied into a temporary folder, never
//! touching the working tree or the index), loaded and checked at the same
//! as-of date, and compared: answers, requirement status, findings,
//! documents (by section), ledgers (by entry).
//!
//! A revision is read with NUL-separated plumbing (`ls-tree -z` for names
//! and object ids, one `cat-file --batch` fed the ids, its output read
//! while it runs), so any file name is copied to its own place. Only
//! regular files are copied: a committed symbolic link is left out (never
//! recreated, so nothing read from a revision leads out of the temporary
//! folder), and so are names that would climb out of it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read};
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::check::{self, Context, evidence, status};
use crate::date::Date;
use crate::diag::{Finding, Severity};
use crate::git;
use crate::i18n::{Lang, Text};
use crate::load::{self, LoadError, LoadOptions};
use crate::terminal;
use crate::tr;
use crate::workspace::{OpenError, Workspace};
use crate::write::{self, WriteError};

/// Why a diff could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// git failed (not a repository, no git...): git's own message.
    #[error("git: {0}")]
    Git(String),
    /// Not a commit of this repository.
    #[error("'{0}' is not a commit of this git repository")]
    Revision(String),
    /// A revision could not be loaded as a project.
    #[error("{rev}: {}", message.en)]
    Load {
        /// The revision.
        rev: String,
        /// Why.
        message: Text,
    },
    /// git listed a file of the revision but has not its content (a
    /// partial clone: anzen never fetches).
    #[error("{rev}: git has no content for {path}")]
    Missing {
        /// The revision.
        rev: String,
        /// The file, relative to the project root.
        path: String,
    },
    /// The temporary folder could not be made.
    #[error("cannot make a temporary folder: {0}")]
    TempDir(std::io::Error),
    /// A file of a revision could not be written into the temporary folder.
    #[error("{}", .0.text().en)]
    Write(WriteError),
}

impl DiffError {
    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            DiffError::Git(m) => tr!(
                "git がエラーを返しました: {}",
                "git failed: {}"; terminal::text(m)
            ),
            DiffError::Revision(r) => tr!(
                "「{}」はこの git リポジトリのコミットではありません",
                "'{}' is not a commit of this git repository"; terminal::text(r)
            ),
            DiffError::Load { rev, message } => Text::new(
                format!("{}: {}", terminal::text(rev), message.ja),
                format!("{}: {}", terminal::text(rev), message.en),
            ),
            DiffError::Missing { rev, path } => tr!(
                "{}: git に {} の中身がありません。anzen は部分クローン（--filter）の足りない中身を取り寄せません。フィルタなしでクローンしてください",
                "{}: git has no content for {}; anzen never fetches what a partial clone (--filter) lacks: clone without a filter";
                terminal::text(rev), terminal::text(path)
            ),
            DiffError::TempDir(e) => tr!(
                "一時フォルダを作れません: {}",
                "cannot make a temporary folder: {}"; e
            ),
            DiffError::Write(e) => e.text(),
        }
    }
}

impl From<git::Failure> for DiffError {
    fn from(f: git::Failure) -> Self {
        DiffError::Git(f.0)
    }
}

/// The compliance difference between two revisions.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Diff {
    /// Base revision.
    pub base: String,
    /// Head revision (`working tree` when none).
    pub head: String,
    /// Whether head is the working tree (shown in the chosen language).
    #[serde(skip)]
    pub head_is_worktree: bool,
    /// The language of the texts below (labels, messages).
    #[serde(skip)]
    pub lang: Lang,
    /// As-of date both sides were checked at.
    pub as_of: String,
    /// Error and warning counts: base, head.
    pub counts: [check::Summary; 2],
    /// Checklist answers that changed: item, before, after.
    pub answers: Vec<(String, String, String)>,
    /// Requirements whose status changed: id, before, after.
    pub requirements: Vec<(String, String, String)>,
    /// Evidence references of answers that changed (a removed reference
    /// weakens an answer even when no finding changes).
    pub evidence: Vec<EvidenceChange>,
    /// Remediation plans of いいえ answers that changed: item, before, after.
    pub remediations: Vec<(String, String, String)>,
    /// Requirements that documents claim (`satisfies`) that changed.
    pub satisfies: Vec<SatisfiesChange>,
    /// Findings in head and not in base.
    pub introduced: Vec<FindingLine>,
    /// Findings in base and not in head.
    pub fixed: Vec<FindingLine>,
    /// Documents added (id, title).
    pub documents_added: Vec<(String, String)>,
    /// Documents removed (id, title).
    pub documents_removed: Vec<(String, String)>,
    /// Documents changed.
    pub documents_changed: Vec<DocumentChange>,
    /// Ledgers that changed.
    pub ledgers: Vec<LedgerChange>,
}

/// How the evidence an answer cites changed.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct EvidenceChange {
    /// The checklist item.
    pub item: String,
    /// References added.
    pub added: Vec<String>,
    /// References removed.
    pub removed: Vec<String>,
}

/// How the requirements a document claims changed.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct SatisfiesChange {
    /// The document.
    pub id: String,
    /// Its title (head, else base).
    pub title: String,
    /// Claims added (`S4(2) → entry-exit`).
    pub added: Vec<String>,
    /// Claims removed.
    pub removed: Vec<String>,
}

/// A finding, as listed in a diff.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingLine {
    /// `error` / `warning`.
    pub severity: String,
    /// Rule id.
    pub rule: String,
    /// file:line.
    pub location: String,
    /// Message (in the chosen language).
    pub message: String,
}

/// How a document changed.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DocumentChange {
    /// Id.
    pub id: String,
    /// Title (head).
    pub title: String,
    /// Version before → after, if changed.
    pub version: Option<(String, String)>,
    /// Approval before → after, if changed.
    pub approval: Option<(String, String)>,
    /// Sections added (titles).
    pub sections_added: Vec<String>,
    /// Sections removed (titles).
    pub sections_removed: Vec<String>,
    /// Sections whose text changed (titles).
    pub sections_changed: Vec<String>,
}

/// How a ledger changed.
#[derive(Debug, Clone, Serialize, Default)]
pub struct LedgerChange {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Entries added.
    pub added: Vec<String>,
    /// Entries removed.
    pub removed: Vec<String>,
    /// Entries changed.
    pub changed: Vec<String>,
}

impl Diff {
    /// Whether nothing compliance-relevant changed.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
            && self.requirements.is_empty()
            && self.evidence.is_empty()
            && self.remediations.is_empty()
            && self.satisfies.is_empty()
            && self.introduced.is_empty()
            && self.fixed.is_empty()
            && self.documents_added.is_empty()
            && self.documents_removed.is_empty()
            && self.documents_changed.is_empty()
            && self.ledgers.is_empty()
    }
}

/// The commit id `rev` names, or [`DiffError::Revision`]. A revision
/// starting with `-` would read as an option: refused.
fn resolve(root: &Path, rev: &str) -> Result<String, DiffError> {
    let not_a_commit = || DiffError::Revision(rev.to_string());
    if rev.is_empty() || rev.starts_with('-') {
        return Err(not_a_commit());
    }
    let mut cmd = git::command(root);
    cmd.args(["rev-parse", "--verify", "--quiet"])
        .arg(format!("{rev}^{{commit}}"));
    let out = git::output(cmd).map_err(|_| not_a_commit())?;
    let id = String::from_utf8_lossy(&out).trim().to_string();
    if id.len() >= 40 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(id)
    } else {
        Err(not_a_commit())
    }
}

/// `path` (as git lists it, relative to the project root) as a relative
/// path of plain names, or `None` for anything that could leave the
/// folder it is joined to: empty, absolute, `.` or `..` components.
fn plain_path(path: &[u8]) -> Option<PathBuf> {
    if path.is_empty()
        || path
            .split(|b| *b == b'/')
            .any(|seg| seg.is_empty() || seg == b"." || seg == b"..")
    {
        return None;
    }
    #[cfg(unix)]
    let p = {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(path))
    };
    #[cfg(not(unix))]
    let p = PathBuf::from(std::str::from_utf8(path).ok()?);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(p)
}

/// One regular file of a revision: where it goes and its blob.
struct Entry {
    path: PathBuf,
    name: String,
    blob: String,
}

/// The regular files of `commit` under `root`, from `git ls-tree -r -z`
/// (`<mode> <type> <object>\t<path>`, NUL-terminated, paths as they are).
/// Symbolic links (mode 120000) are left out: a link committed in a
/// revision is never recreated, so nothing anzen reads from the revision
/// can lead out of the temporary folder (the working tree's own links are
/// reported by the loader as `file.outside-content` when they lead out of
/// the content folder, and never followed). Submodules (commits) have no
/// content here; paths that could climb out are skipped.
fn entries(root: &Path, commit: &str) -> Result<Vec<Entry>, DiffError> {
    let mut cmd = git::command(root);
    cmd.args(["ls-tree", "-r", "-z", commit, "--", "."]);
    let listing = git::output(cmd)?;
    let mut entries = Vec::new();
    for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let Some(tab) = record.iter().position(|b| *b == b'\t') else {
            continue;
        };
        let (meta, path) = (&record[..tab], &record[tab + 1..]);
        let meta = String::from_utf8_lossy(meta);
        let [mode, kind, blob] = meta.split(' ').collect::<Vec<_>>()[..] else {
            continue;
        };
        let regular = u32::from_str_radix(mode, 8).is_ok_and(|m| m & 0o170000 == 0o100000);
        if kind != "blob" || !regular || !blob.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let Some(rel) = plain_path(path) else {
            continue;
        };
        entries.push(Entry {
            path: rel,
            name: String::from_utf8_lossy(path).into_owned(),
            blob: blob.to_string(),
        });
    }
    Ok(entries)
}

/// Copies the project as it is at `commit` (its regular files under
/// `root`, see [`entries`]) into `dest`, through one `git cat-file
/// --batch` fed object ids (which hold no newline, whatever the names),
/// its output read while it runs.
fn materialize(root: &Path, rev: &str, commit: &str, dest: &Path) -> Result<(), DiffError> {
    let entries = entries(root, commit)?;
    let requests: Vec<u8> = entries
        .iter()
        .flat_map(|e| format!("{}\n", e.blob).into_bytes())
        .collect();
    let mut cmd = git::command(root);
    cmd.args(["cat-file", "--batch"]);
    git::pipe(cmd, requests, |out: &mut dyn BufRead| {
        let broken = |e: std::io::Error| DiffError::Git(e.to_string());
        for e in &entries {
            let mut header = String::new();
            out.read_line(&mut header).map_err(broken)?;
            let fields: Vec<&str> = header.split_whitespace().collect();
            let size: u64 = match fields[..] {
                [blob, "blob", size] if blob == e.blob => size
                    .parse()
                    .map_err(|_| DiffError::Git(format!("cat-file: {}", header.trim())))?,
                [_, "missing"] => {
                    return Err(DiffError::Missing {
                        rev: rev.to_string(),
                        path: e.name.clone(),
                    });
                }
                _ => {
                    return Err(DiffError::Git(format!(
                        "cat-file: unexpected answer {:?}",
                        header.trim()
                    )));
                }
            };
            let mut bytes = Vec::new();
            out.take(size).read_to_end(&mut bytes).map_err(broken)?;
            let mut newline = [0u8; 1];
            out.read_exact(&mut newline).map_err(broken)?;
            if bytes.len() as u64 != size || newline != *b"\n" {
                return Err(DiffError::Git("cat-file: output cut short".into()));
            }
            if let Some(parent) = e.path.parent() {
                write::dirs(dest, parent).map_err(DiffError::Write)?;
            }
            // A name taken twice (a folder that folds case) keeps the first.
            write::new_file(&dest.join(&e.path), &bytes).map_err(DiffError::Write)?;
        }
        Ok(())
    })
}

/// A load failure of one side, in both languages; no temporary paths.
fn load_message(e: LoadError, root: &Path) -> Text {
    let shown = |p: &Path| terminal::path(p.strip_prefix(root).unwrap_or(p));
    match e {
        LoadError::ConfigMissing(p) => tr!(
            "設定ファイル {} がありません",
            "config file {} not found"; shown(&p)
        ),
        LoadError::ContentMissing(p) => tr!(
            "コンテンツフォルダ {} がありません",
            "content folder {} not found"; shown(&p)
        ),
        LoadError::ContentOutside(p) => tr!(
            "コンテンツフォルダ {} はプロジェクトの外を指すシンボリックリンクです",
            "content folder {} is a symbolic link out of the project"; shown(&p)
        ),
        LoadError::ConfigInvalid(findings) => findings
            .first()
            .map(|f| f.message.clone())
            .unwrap_or_else(|| {
                tr!(
                    "設定ファイルにエラーがあります",
                    "the config file has errors"
                )
            }),
    }
}

fn side(root: &Path, rev: &str, as_of: Date) -> Result<Workspace, DiffError> {
    let options = LoadOptions { as_of: Some(as_of) };
    let fail = |message: Text| DiffError::Load {
        rev: rev.to_string(),
        message,
    };
    Workspace::open(root, &options).map_err(|e| match e {
        OpenError::Load(e) => fail(load_message(e, root)),
        OpenError::Standard(_) => fail(tr!(
            "基準にエラーがあります（anzen check で確認してください）",
            "the standard has errors (see anzen check)"
        )),
    })
}

/// Compares `base` with `head` (the working tree when `None`); labels and
/// messages in `lang`.
pub fn diff(
    root: &Path,
    base: &str,
    head: Option<&str>,
    as_of: Option<Date>,
    lang: Lang,
) -> Result<Diff, DiffError> {
    let base_id = resolve(root, base)?;
    let head_id = head.map(|h| resolve(root, h)).transpose()?;
    let head_name = head.unwrap_or("working tree").to_string();
    let tmp = tempfile::tempdir().map_err(DiffError::TempDir)?;
    let (base_dir, head_dir) = (tmp.path().join("base"), tmp.path().join("head"));
    materialize(root, base, &base_id, &base_dir)?;
    let head_root = match (head, &head_id) {
        (Some(h), Some(id)) => {
            materialize(root, h, id, &head_dir)?;
            head_dir.as_path()
        }
        _ => root,
    };
    // One as-of date for both sides: the flag, else head's config, else today.
    let as_of = as_of
        .or_else(|| load::load_config(head_root).ok().and_then(|c| c.as_of))
        .unwrap_or_else(Date::today);
    let b = side(&base_dir, base, as_of)?;
    let h = side(head_root, &head_name, as_of)?;
    let mut d = compare(base, &head_name, as_of, &b, &h, lang);
    d.head_is_worktree = head.is_none();
    Ok(d)
}

fn finding_line(f: &Finding, lang: Lang) -> FindingLine {
    FindingLine {
        severity: if f.severity == Severity::Error {
            "error".into()
        } else {
            "warning".into()
        },
        rule: f.rule.clone(),
        location: f
            .location
            .as_ref()
            .map(|l| l.to_string())
            .unwrap_or_default(),
        message: f.message.get(lang).to_string(),
    }
}

/// Findings are the same when rule, file and message match (lines move).
fn finding_key(f: &Finding) -> (String, String, String) {
    (
        f.rule.clone(),
        f.location
            .as_ref()
            .map(|l| l.file.to_string())
            .unwrap_or_default(),
        f.message.ja.clone(),
    )
}

fn compare(base: &str, head: &str, as_of: Date, b: &Workspace, h: &Workspace, lang: Lang) -> Diff {
    let say = |t: Text| t.get(lang).to_string();
    let mut d = Diff {
        base: base.into(),
        head: head.into(),
        as_of: as_of.to_string(),
        lang,
        ..Default::default()
    };
    d.counts = [
        check::Summary::of(&b.findings),
        check::Summary::of(&h.findings),
    ];

    let answers = |s: &Workspace| -> BTreeMap<String, String> {
        s.project
            .answers
            .iter()
            .flat_map(|a| &a.answers)
            .map(|a| (a.item.clone(), say(a.value.text())))
            .collect()
    };
    let (ab, ah) = (answers(b), answers(h));
    let unanswered = || say(tr!("（未回答）", "(unanswered)"));
    for item in h.standard.checklist.items.iter().map(|i| &i.id) {
        let (x, y) = (
            ab.get(item).cloned().unwrap_or_else(unanswered),
            ah.get(item).cloned().unwrap_or_else(unanswered),
        );
        if x != y {
            d.answers.push((item.clone(), x, y));
        }
    }

    // What each answer cites, and its remediation plan.
    let answer_map = |s: &Workspace| -> BTreeMap<String, crate::model::Answer> {
        s.project
            .answers
            .iter()
            .flat_map(|a| &a.answers)
            .map(|a| (a.item.clone(), a.clone()))
            .collect()
    };
    let (mb, mh) = (answer_map(b), answer_map(h));
    for item in h.standard.checklist.items.iter().map(|i| &i.id) {
        let refs = |m: &BTreeMap<String, crate::model::Answer>| -> BTreeSet<String> {
            m.get(item)
                .map(|a| a.evidence.iter().map(|r| r.target.clone()).collect())
                .unwrap_or_default()
        };
        let (rb, rh) = (refs(&mb), refs(&mh));
        if rb != rh {
            d.evidence.push(EvidenceChange {
                item: item.clone(),
                added: rh.difference(&rb).cloned().collect(),
                removed: rb.difference(&rh).cloned().collect(),
            });
        }
        let plan = |m: &BTreeMap<String, crate::model::Answer>| -> String {
            m.get(item)
                .and_then(|a| a.remediation.as_ref())
                .map(|r| {
                    let done = r
                        .completed
                        .map(|c| tr!("、完了 {}", ", completed {}"; c))
                        .unwrap_or_else(|| Text::new("", ""));
                    say(tr!(
                        "{}（担当 {}、期限 {}{}）",
                        "{} (owner {}, due {}{})";
                        r.plan, r.owner, r.due, done.get(lang)
                    ))
                })
                .unwrap_or_else(|| "―".into())
        };
        let (pb, ph) = (plan(&mb), plan(&mh));
        if pb != ph {
            d.remediations.push((item.clone(), pb, ph));
        }
    }
    let claims = |s: &Workspace| -> BTreeMap<String, (String, BTreeSet<String>)> {
        s.project
            .documents
            .iter()
            .map(|doc| {
                let c = doc
                    .meta
                    .satisfies
                    .iter()
                    .map(|x| match &x.section {
                        Some(sec) => format!("{} → {sec}", x.requirement),
                        None => x.requirement.clone(),
                    })
                    .collect();
                (doc.meta.id.clone(), (doc.meta.title.clone(), c))
            })
            .collect()
    };
    let (cb, ch) = (claims(b), claims(h));
    let ids: BTreeSet<&String> = cb.keys().chain(ch.keys()).collect();
    for id in ids {
        let empty = (String::new(), BTreeSet::new());
        let (tb, xb) = cb.get(id).unwrap_or(&empty);
        let (th, xh) = ch.get(id).unwrap_or(&empty);
        // A document added or removed whole is listed as such.
        if xb != xh && cb.contains_key(id) && ch.contains_key(id) {
            d.satisfies.push(SatisfiesChange {
                id: id.clone(),
                title: if th.is_empty() {
                    tb.clone()
                } else {
                    th.clone()
                },
                added: xh.difference(xb).cloned().collect(),
                removed: xb.difference(xh).cloned().collect(),
            });
        }
    }

    let (sb, sh) = (
        status::statuses(&b.project, &b.standard, &b.findings),
        status::statuses(&h.project, &h.standard, &h.findings),
    );
    for r in &h.standard.requirements {
        let (x, y) = (
            sb.get(&r.id).map(|s| say(s.text())).unwrap_or("―".into()),
            sh.get(&r.id).map(|s| say(s.text())).unwrap_or("―".into()),
        );
        if x != y {
            d.requirements.push((r.id.clone(), x, y));
        }
    }

    let kb: BTreeSet<_> = b.findings.iter().map(finding_key).collect();
    let kh: BTreeSet<_> = h.findings.iter().map(finding_key).collect();
    d.introduced = h
        .findings
        .iter()
        .filter(|f| !kb.contains(&finding_key(f)))
        .map(|f| finding_line(f, lang))
        .collect();
    d.fixed = b
        .findings
        .iter()
        .filter(|f| !kh.contains(&finding_key(f)))
        .map(|f| finding_line(f, lang))
        .collect();

    let (cb, ch) = (b.context(), h.context());
    for (id, doc) in &ch.docs {
        match cb.docs.get(id) {
            None => d
                .documents_added
                .push((id.to_string(), doc.meta.title.clone())),
            Some(old) => {
                let mut c = DocumentChange {
                    id: id.to_string(),
                    title: doc.meta.title.clone(),
                    ..Default::default()
                };
                let (vo, vn) = (
                    old.meta.version.clone().unwrap_or_default(),
                    doc.meta.version.clone().unwrap_or_default(),
                );
                if vo != vn {
                    c.version = Some((vo, vn));
                }
                let approval = |x: &crate::model::Document| {
                    x.meta
                        .approval
                        .as_ref()
                        .map(|a| format!("{} {}", a.date, a.approver))
                        .unwrap_or_else(|| say(tr!("未承認", "not approved")))
                };
                if approval(old) != approval(doc) {
                    c.approval = Some((approval(old), approval(doc)));
                }
                for s in &doc.sections {
                    match old.section(&s.id) {
                        None => c.sections_added.push(s.title.clone()),
                        Some(os)
                            if evidence::section_text(old, os)
                                != evidence::section_text(doc, s) =>
                        {
                            c.sections_changed.push(s.title.clone())
                        }
                        Some(_) => {}
                    }
                }
                for s in &old.sections {
                    if doc.section(&s.id).is_none() {
                        c.sections_removed.push(s.title.clone());
                    }
                }
                // A change above the first heading shows as a change of the whole.
                if c.sections_added.is_empty()
                    && c.sections_removed.is_empty()
                    && c.sections_changed.is_empty()
                    && old.body != doc.body
                {
                    c.sections_changed.push(say(tr!(
                        "（見出し前の本文）",
                        "(text before the first heading)"
                    )));
                }
                if c.version.is_some()
                    || c.approval.is_some()
                    || !c.sections_added.is_empty()
                    || !c.sections_removed.is_empty()
                    || !c.sections_changed.is_empty()
                {
                    d.documents_changed.push(c);
                }
            }
        }
    }
    for (id, doc) in &cb.docs {
        if !ch.docs.contains_key(id) {
            d.documents_removed
                .push((id.to_string(), doc.meta.title.clone()));
        }
    }
    let ids: BTreeSet<&str> = cb
        .ledgers
        .keys()
        .chain(ch.ledgers.keys())
        .copied()
        .collect();
    for id in ids {
        let entries = |c: &Context, id: &str| -> BTreeMap<String, String> {
            c.ledgers
                .get(id)
                .map(|l| {
                    l.entries
                        .iter()
                        .map(|e| {
                            (
                                e.id.to_string(),
                                e.fields
                                    .iter()
                                    .map(|(k, v)| format!("{k}={}", v.value.display()))
                                    .collect::<Vec<_>>()
                                    .join("\u{1f}"),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (eb, eh) = (entries(&cb, id), entries(&ch, id));
        let mut c = LedgerChange {
            id: id.to_string(),
            title: ch
                .ledgers
                .get(id)
                .or(cb.ledgers.get(id))
                .map(|l| {
                    l.title
                        .clone()
                        .unwrap_or_else(|| match (ch.kinds.get(&l.kind), lang) {
                            (Some(k), Lang::Ja) => k.title.clone(),
                            (Some(k), Lang::En) => k.title_en.clone(),
                            (None, _) => l.kind.clone(),
                        })
                })
                .unwrap_or_default(),
            ..Default::default()
        };
        for (k, v) in &eh {
            match eb.get(k) {
                None => c.added.push(k.clone()),
                Some(old) if old != v => c.changed.push(k.clone()),
                Some(_) => {}
            }
        }
        c.removed = eb
            .keys()
            .filter(|k| !eh.contains_key(*k))
            .cloned()
            .collect();
        if !c.added.is_empty() || !c.removed.is_empty() || !c.changed.is_empty() {
            d.ledgers.push(c);
        }
    }
    d
}

/// The diff as Markdown for a pull-request comment, in the language it
/// was made in.
pub fn markdown(d: &Diff) -> String {
    let lang = d.lang;
    let ja = lang == Lang::Ja;
    // Picks the Japanese or the English of a fixed string.
    let t = |j: &'static str, e: &'static str| if ja { j } else { e };
    let sep = t("、", ", ");
    let mut o = String::new();
    let [cb, ch] = d.counts;
    let head = if d.head_is_worktree {
        t("作業ツリー", "working tree").to_string()
    } else {
        format!("`{}`", d.head)
    };
    o.push_str(&say(
        lang,
        tr!(
            "## anzen: コンプライアンスの差分（`{}` → {}、基準日 {}）\n\n",
            "## anzen: compliance diff (`{}` → {}, as of {})\n\n";
            d.base, head, d.as_of
        ),
    ));
    o.push_str(&say(
        lang,
        tr!(
            "検査結果: エラー {} → **{}**、警告 {} → **{}**（新たに {} 件、解消 {} 件）\n\n",
            "Findings: errors {} → **{}**, warnings {} → **{}** ({} new, {} fixed)\n\n";
            cb.errors, ch.errors, cb.warnings, ch.warnings, d.introduced.len(), d.fixed.len()
        ),
    ));
    if d.is_empty() {
        o.push_str(t(
            "コンプライアンスに関わる変更はありません。\n",
            "No compliance-relevant change.\n",
        ));
        return o;
    }
    let table = |o: &mut String, title: &str, columns: &[&str]| {
        o.push_str(&format!("### {title}\n\n| {} |\n|", columns.join(" | ")));
        o.push_str(&"---|".repeat(columns.len()));
        o.push('\n');
    };
    let before_after = [t("変更前", "Before"), t("変更後", "After")];
    let added_removed = [t("追加", "Added"), t("削除", "Removed")];
    if !d.answers.is_empty() {
        table(
            &mut o,
            t("チェックシートの回答", "Checklist answers"),
            &[t("項目", "Item"), before_after[0], before_after[1]],
        );
        for (i, x, y) in &d.answers {
            o.push_str(&format!("| {i} | {x} | **{y}** |\n"));
        }
        o.push('\n');
    }
    if !d.evidence.is_empty() {
        table(
            &mut o,
            t("回答の根拠", "Evidence of answers"),
            &[t("項目", "Item"), added_removed[0], added_removed[1]],
        );
        let list = |v: &[String]| {
            if v.is_empty() {
                "―".to_string()
            } else {
                v.iter()
                    .map(|x| format!("`{}`", md_escape(x)))
                    .collect::<Vec<_>>()
                    .join(sep)
            }
        };
        for e in &d.evidence {
            let removed = if e.removed.is_empty() {
                list(&e.removed)
            } else {
                format!("**{}**", list(&e.removed))
            };
            o.push_str(&format!(
                "| {} | {} | {removed} |\n",
                e.item,
                list(&e.added)
            ));
        }
        o.push('\n');
    }
    if !d.remediations.is_empty() {
        table(
            &mut o,
            t("「いいえ」の対策計画", "Remediation plans of “no” answers"),
            &[t("項目", "Item"), before_after[0], before_after[1]],
        );
        for (i, x, y) in &d.remediations {
            o.push_str(&format!(
                "| {i} | {} | **{}** |\n",
                md_escape(x),
                md_escape(y)
            ));
        }
        o.push('\n');
    }
    if !d.satisfies.is_empty() {
        table(
            &mut o,
            t(
                "文書が満たす要件（satisfies）",
                "Requirements documents satisfy (satisfies)",
            ),
            &[t("文書", "Document"), added_removed[0], added_removed[1]],
        );
        for c in &d.satisfies {
            let join = |v: &[String]| {
                if v.is_empty() {
                    "―".to_string()
                } else {
                    v.iter().map(|x| md_escape(x)).collect::<Vec<_>>().join(sep)
                }
            };
            let removed = if c.removed.is_empty() {
                join(&c.removed)
            } else {
                format!("**{}**", join(&c.removed))
            };
            o.push_str(&format!(
                "| {} | {} | {removed} |\n",
                titled(lang, &c.title, &c.id),
                join(&c.added)
            ));
        }
        o.push('\n');
    }
    if !d.requirements.is_empty() {
        table(
            &mut o,
            t("要件の状況", "Requirement status"),
            &[t("要件", "Requirement"), before_after[0], before_after[1]],
        );
        for (r, x, y) in &d.requirements {
            o.push_str(&format!("| {r} | {x} | **{y}** |\n"));
        }
        o.push('\n');
    }
    let list = |o: &mut String, title: Text, items: &[FindingLine]| {
        if items.is_empty() {
            return;
        }
        o.push_str(&say(
            lang,
            tr!("### {}（{} 件）\n\n", "### {} ({})\n\n"; title.get(lang), items.len()),
        ));
        for f in items {
            let sev = match (f.severity == "error", ja) {
                (true, true) => "エラー",
                (false, true) => "警告",
                (true, false) => "error",
                (false, false) => "warning",
            };
            o.push_str(&format!(
                "- {sev} `{}` {} — `{}`\n",
                f.rule,
                md_escape(&f.message),
                f.location
            ));
        }
        o.push('\n');
    };
    list(&mut o, tr!("新たな検査結果", "New findings"), &d.introduced);
    list(&mut o, tr!("解消した検査結果", "Fixed findings"), &d.fixed);
    if !d.documents_added.is_empty()
        || !d.documents_removed.is_empty()
        || !d.documents_changed.is_empty()
    {
        o.push_str(t("### 文書\n\n", "### Documents\n\n"));
        for (id, title) in &d.documents_added {
            let what = titled(lang, title, id);
            o.push_str(&format!("- {}: {what}\n", t("追加", "added")));
        }
        for (id, title) in &d.documents_removed {
            let what = titled(lang, title, id);
            o.push_str(&format!("- {}: {what}\n", t("削除", "removed")));
        }
        for c in &d.documents_changed {
            let mut parts = Vec::new();
            if let Some((a, b)) = &c.version {
                parts.push(format!("{} {a} → {b}", t("版", "version")));
            }
            if let Some((a, b)) = &c.approval {
                parts.push(format!("{} {a} → {b}", t("承認", "approval")));
            }
            for (label, v) in [
                (t("節を追加", "sections added"), &c.sections_added),
                (t("節を削除", "sections removed"), &c.sections_removed),
                (t("節を変更", "sections changed"), &c.sections_changed),
            ] {
                if !v.is_empty() {
                    parts.push(format!(
                        "{label}: {}",
                        v.iter()
                            .map(|s| match lang {
                                Lang::Ja => format!("「{}」", md_escape(s)),
                                Lang::En => format!("“{}”", md_escape(s)),
                            })
                            .collect::<Vec<_>>()
                            .join(sep)
                    ));
                }
            }
            o.push_str(&format!(
                "- {}: {} — {}\n",
                t("変更", "changed"),
                titled(lang, &c.title, &c.id),
                parts.join(t("／", "; "))
            ));
        }
        o.push('\n');
    }
    if !d.ledgers.is_empty() {
        table(
            &mut o,
            t("台帳", "Ledgers"),
            &[
                t("台帳", "Ledger"),
                added_removed[0],
                added_removed[1],
                t("変更", "Changed"),
            ],
        );
        for l in &d.ledgers {
            let show = |v: &Vec<String>| {
                if v.is_empty() {
                    "―".to_string()
                } else {
                    say(lang, tr!("{} 件（{}）", "{} ({})"; v.len(), v.join(sep)))
                }
            };
            o.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                md_escape(&l.title),
                show(&l.added),
                show(&l.removed),
                show(&l.changed)
            ));
        }
        o.push('\n');
    }
    o
}

fn say(lang: Lang, t: Text) -> String {
    t.get(lang).to_string()
}

/// A document's title with its id: `方針（`policy`）` / `方針 (`policy`)`.
fn titled(lang: Lang, title: &str, id: &str) -> String {
    match lang {
        Lang::Ja => format!("{}（`{id}`）", md_escape(title)),
        Lang::En => format!("{} (`{id}`)", md_escape(title)),
    }
}

/// Keeps table pipes and HTML out of Markdown cells.
fn md_escape(s: &str) -> String {
    let s = s
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('\n', " ");
    crate::terminal::text(&s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_leave_the_folder_are_refused() {
        for bad in [
            &b""[..],
            b"/etc/passwd",
            b"../x",
            b"a/../../x",
            b"a//b",
            b"./a",
            b"a/.",
        ] {
            assert_eq!(plain_path(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(
            plain_path(b"content/evidence/a\nb.pdf"),
            Some(PathBuf::from("content/evidence/a\nb.pdf"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_committed_symlink_is_never_recreated_and_an_option_is_no_revision() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let run = |args: &[&str]| {
            let mut cmd = git::command(root);
            cmd.args(["-c", "user.name=a", "-c", "user.email=a@example.jp"])
                .args(args);
            git::output(cmd).unwrap()
        };
        run(&["init", "-q"]);
        std::fs::write(root.join("plain.md"), "本文\n").unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("passwd.md")).unwrap();
        std::os::unix::fs::symlink("plain.md", root.join("alias.md")).unwrap();
        run(&["add", "-A"]);
        run(&["commit", "-qm", "links"]);
        let commit = resolve(root, "HEAD").unwrap();
        let out = tempfile::tempdir().unwrap();
        let dest = out.path().join("base");
        materialize(root, "HEAD", &commit, &dest).unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("plain.md")).unwrap(),
            "本文\n"
        );
        for link in ["passwd.md", "alias.md"] {
            assert!(
                std::fs::symlink_metadata(dest.join(link)).is_err(),
                "{link} is neither a link nor a file holding its target"
            );
        }
        assert!(matches!(
            resolve(root, "--output=x"),
            Err(DiffError::Revision(_))
        ));
    }
}
