//! `anzen diff <base> [<head>]`: what a change does to compliance. Both
//! revisions are read from git (blobs copied into a temporary folder, never
//! touching the working tree or the index), loaded and checked at the same
//! as-of date, and compared: answers, requirement status, findings,
//! documents (by section), ledgers (by entry).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use serde::Serialize;

use crate::check::{self, Context, evidence, status};
use crate::date::Date;
use crate::diag::{Finding, Severity};
use crate::load::{self, LoadOptions};
use crate::model::Project;
use crate::standard::{self, LedgerKinds, Standard};

/// Why a diff could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// git failed (unknown revision, not a repository...).
    #[error("git: {0}")]
    Git(String),
    /// Not a commit of this repository.
    #[error("'{0}' is not a commit of this git repository")]
    Revision(String),
    /// A revision could not be loaded as a project.
    #[error("{rev}: {message}")]
    Load {
        /// The revision.
        rev: String,
        /// Why.
        message: String,
    },
    /// File trouble.
    #[error("{0}")]
    Io(String),
}

/// One side of the comparison.
struct Side {
    project: Project,
    standard: Standard,
    findings: Vec<Finding>,
}

/// The compliance difference between two revisions.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Diff {
    /// Base revision.
    pub base: String,
    /// Head revision (`working tree` when none).
    pub head: String,
    /// As-of date both sides were checked at.
    pub as_of: String,
    /// Error and warning counts: base, head.
    pub counts: [check::Summary; 2],
    /// Checklist answers that changed: item, before, after.
    pub answers: Vec<(String, String, String)>,
    /// Requirements whose status changed: id, before, after.
    pub requirements: Vec<(String, String, String)>,
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

/// A finding, as listed in a diff.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct FindingLine {
    /// `error` / `warning`.
    pub severity: String,
    /// Rule id.
    pub rule: String,
    /// file:line.
    pub location: String,
    /// Message (Japanese).
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
            && self.introduced.is_empty()
            && self.fixed.is_empty()
            && self.documents_added.is_empty()
            && self.documents_removed.is_empty()
            && self.documents_changed.is_empty()
            && self.ledgers.is_empty()
    }
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>, DiffError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| DiffError::Git(e.to_string()))?;
    if !out.status.success() {
        return Err(DiffError::Git(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    Ok(out.stdout)
}

/// Copies the project as it is at `rev` (files under `root`) into `dest`,
/// through `git ls-tree` and one `git cat-file --batch`.
fn materialize(root: &Path, rev: &str, dest: &Path) -> Result<(), DiffError> {
    let listing = git(
        root,
        &["ls-tree", "-r", "-z", "--name-only", rev, "--", "."],
    )?;
    let paths: Vec<String> = listing
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let mut child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| DiffError::Git(e.to_string()))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| DiffError::Git("no stdin".into()))?;
    let requests: String = paths.iter().map(|p| format!("{rev}:./{p}\n")).collect();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(requests.as_bytes());
    });
    let mut out = BufReader::new(
        child
            .stdout
            .take()
            .ok_or_else(|| DiffError::Git("no stdout".into()))?,
    );
    for path in &paths {
        let mut header = String::new();
        out.read_line(&mut header)
            .map_err(|e| DiffError::Git(e.to_string()))?;
        let size: usize = match header.split_whitespace().collect::<Vec<_>>().as_slice() {
            [_, "blob", size] => size.parse().unwrap_or(0),
            _ => continue, // missing or not a blob (submodule)
        };
        let mut bytes = vec![0u8; size + 1];
        out.read_exact(&mut bytes)
            .map_err(|e| DiffError::Git(e.to_string()))?;
        bytes.truncate(size);
        // Paths come from git; refuse anything that would climb out.
        if path.split('/').any(|seg| seg == ".." || seg.is_empty()) {
            continue;
        }
        let target = dest.join(path);
        if let Some(p) = target.parent() {
            std::fs::create_dir_all(p).map_err(|e| DiffError::Io(e.to_string()))?;
        }
        std::fs::write(&target, &bytes).map_err(|e| DiffError::Io(e.to_string()))?;
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(())
}

fn side(root: &Path, rev: &str, as_of: Date) -> Result<Side, DiffError> {
    let options = LoadOptions { as_of: Some(as_of) };
    let fail = |message: String| DiffError::Load {
        rev: rev.to_string(),
        message,
    };
    let (project, mut findings) = load::load(root, &options).map_err(|e| fail(e.to_string()))?;
    let standard = standard::resolve(root, &project.config.standards)
        .map_err(|_| fail("the standard has errors".into()))?;
    findings.extend(check::run(&project, &standard, &LedgerKinds::bundled()));
    Ok(Side {
        project,
        standard,
        findings,
    })
}

/// Compares `base` with `head` (the working tree when `None`).
pub fn diff(
    root: &Path,
    base: &str,
    head: Option<&str>,
    as_of: Option<Date>,
) -> Result<Diff, DiffError> {
    for rev in std::iter::once(base).chain(head) {
        git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| DiffError::Revision(rev.to_string()))?;
    }
    let head_name = head.unwrap_or("working tree").to_string();
    let tmp = tempfile::tempdir().map_err(|e| DiffError::Io(e.to_string()))?;
    let (base_dir, head_dir) = (tmp.path().join("base"), tmp.path().join("head"));
    materialize(root, base, &base_dir)?;
    let head_root = match head {
        Some(h) => {
            materialize(root, h, &head_dir)?;
            head_dir.as_path()
        }
        None => root,
    };
    // One as-of date for both sides: the flag, else head's config, else today.
    let as_of = as_of
        .or_else(|| load::load_config(head_root).ok().and_then(|c| c.as_of))
        .unwrap_or_else(Date::today);
    let b = side(&base_dir, base, as_of)?;
    let h = side(head_root, &head_name, as_of)?;
    Ok(compare(base, &head_name, as_of, &b, &h))
}

fn finding_line(f: &Finding) -> FindingLine {
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
        message: f.message.ja.clone(),
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

fn compare(base: &str, head: &str, as_of: Date, b: &Side, h: &Side) -> Diff {
    let mut d = Diff {
        base: base.into(),
        head: head.into(),
        as_of: as_of.to_string(),
        ..Default::default()
    };
    d.counts = [
        check::Summary::of(&b.findings),
        check::Summary::of(&h.findings),
    ];

    let answers = |s: &Side| -> BTreeMap<String, String> {
        s.project
            .answers
            .iter()
            .flat_map(|a| &a.answers)
            .map(|a| (a.item.clone(), a.value.label().to_string()))
            .collect()
    };
    let (ab, ah) = (answers(b), answers(h));
    for item in h.standard.checklist.items.iter().map(|i| &i.id) {
        let (x, y) = (
            ab.get(item).cloned().unwrap_or_else(|| "（未回答）".into()),
            ah.get(item).cloned().unwrap_or_else(|| "（未回答）".into()),
        );
        if x != y {
            d.answers.push((item.clone(), x, y));
        }
    }

    let (sb, sh) = (
        status::statuses(&b.project, &b.standard, &b.findings),
        status::statuses(&h.project, &h.standard, &h.findings),
    );
    for r in &h.standard.requirements {
        let (x, y) = (
            sb.get(&r.id).map(|s| s.label()).unwrap_or("―"),
            sh.get(&r.id).map(|s| s.label()).unwrap_or("―"),
        );
        if x != y {
            d.requirements.push((r.id.clone(), x.into(), y.into()));
        }
    }

    let kb: BTreeSet<_> = b.findings.iter().map(finding_key).collect();
    let kh: BTreeSet<_> = h.findings.iter().map(finding_key).collect();
    d.introduced = h
        .findings
        .iter()
        .filter(|f| !kb.contains(&finding_key(f)))
        .map(finding_line)
        .collect();
    d.fixed = b
        .findings
        .iter()
        .filter(|f| !kh.contains(&finding_key(f)))
        .map(finding_line)
        .collect();

    let kinds = LedgerKinds::bundled();
    let (cb, ch) = (
        Context::new(&b.project, &b.standard, &kinds),
        Context::new(&h.project, &h.standard, &kinds),
    );
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
                        .unwrap_or_else(|| "未承認".into())
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
                    c.sections_changed.push("（見出し前の本文）".into());
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
                .map(|l| l.title.clone().unwrap_or_else(|| ch.kind_title(&l.kind)))
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

/// The diff as Markdown for a pull-request comment.
pub fn markdown(d: &Diff) -> String {
    let mut o = String::new();
    let [cb, ch] = d.counts;
    o.push_str(&format!(
        "## anzen: コンプライアンスの差分（`{}` → `{}`、基準日 {}）\n\n",
        d.base, d.head, d.as_of
    ));
    o.push_str(&format!(
        "検査結果: エラー {} → **{}**、警告 {} → **{}**（新たに {} 件、解消 {} 件）\n\n",
        cb.errors,
        ch.errors,
        cb.warnings,
        ch.warnings,
        d.introduced.len(),
        d.fixed.len()
    ));
    if d.is_empty() {
        o.push_str("コンプライアンスに関わる変更はありません。\n");
        return o;
    }
    if !d.answers.is_empty() {
        o.push_str("### チェックシートの回答\n\n| 項目 | 変更前 | 変更後 |\n|---|---|---|\n");
        for (i, x, y) in &d.answers {
            o.push_str(&format!("| {i} | {x} | **{y}** |\n"));
        }
        o.push('\n');
    }
    if !d.requirements.is_empty() {
        o.push_str("### 要件の状況\n\n| 要件 | 変更前 | 変更後 |\n|---|---|---|\n");
        for (r, x, y) in &d.requirements {
            o.push_str(&format!("| {r} | {x} | **{y}** |\n"));
        }
        o.push('\n');
    }
    let list = |o: &mut String, title: &str, items: &[FindingLine]| {
        if items.is_empty() {
            return;
        }
        o.push_str(&format!("### {title}（{} 件）\n\n", items.len()));
        for f in items {
            let sev = if f.severity == "error" {
                "エラー"
            } else {
                "警告"
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
    list(&mut o, "新たな検査結果", &d.introduced);
    list(&mut o, "解消した検査結果", &d.fixed);
    if !d.documents_added.is_empty()
        || !d.documents_removed.is_empty()
        || !d.documents_changed.is_empty()
    {
        o.push_str("### 文書\n\n");
        for (id, t) in &d.documents_added {
            o.push_str(&format!("- 追加: {}（`{id}`）\n", md_escape(t)));
        }
        for (id, t) in &d.documents_removed {
            o.push_str(&format!("- 削除: {}（`{id}`）\n", md_escape(t)));
        }
        for c in &d.documents_changed {
            let mut parts = Vec::new();
            if let Some((a, b)) = &c.version {
                parts.push(format!("版 {a} → {b}"));
            }
            if let Some((a, b)) = &c.approval {
                parts.push(format!("承認 {a} → {b}"));
            }
            for (label, v) in [
                ("節を追加", &c.sections_added),
                ("節を削除", &c.sections_removed),
                ("節を変更", &c.sections_changed),
            ] {
                if !v.is_empty() {
                    parts.push(format!(
                        "{label}: {}",
                        v.iter()
                            .map(|s| format!("「{}」", md_escape(s)))
                            .collect::<Vec<_>>()
                            .join("、")
                    ));
                }
            }
            o.push_str(&format!(
                "- 変更: {}（`{}`）— {}\n",
                md_escape(&c.title),
                c.id,
                parts.join("／")
            ));
        }
        o.push('\n');
    }
    if !d.ledgers.is_empty() {
        o.push_str("### 台帳\n\n| 台帳 | 追加 | 削除 | 変更 |\n|---|---|---|---|\n");
        for l in &d.ledgers {
            let show = |v: &Vec<String>| {
                if v.is_empty() {
                    "―".to_string()
                } else {
                    format!("{} 件（{}）", v.len(), v.join("、"))
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

/// Keeps table pipes and HTML out of Markdown cells.
fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('\n', " ")
}
