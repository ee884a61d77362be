//! Putting outputs in place: a folder (the site, the PDFs) is written
//! whole into a staging folder beside it and swapped in, a file (the zip, a
//! report) through an exclusive temporary sibling renamed over it (see
//! [`crate::write`]). Several outputs are staged first and committed
//! together, so a failure while writing (disk full, permissions, a folder
//! in a file's place) leaves the previous output as it was. An output
//! folder that is, holds or lies inside the project or its content is
//! refused. A folder of files (the documents, the search shards) is carried
//! over from the last build with only its changed files replaced (see
//! [`carry`]); any other file whose bytes equal the last build's is
//! hard-linked, not written again.

use std::path::{Path, PathBuf};

mod carry;

/// Files of one output by path (`/`-separated, relative to its folder).
pub type Files = std::collections::BTreeMap<String, Vec<u8>>;

/// Why an output could not be put in place.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output folder is, holds or lies inside the project or its
    /// content, or a name would leave it.
    #[error("refusing to write to {0}: it is or contains the project or its content")]
    Unsafe(PathBuf),
    /// A write was refused (a symbolic link in the way) or another build
    /// holds the output folder.
    #[error(transparent)]
    Refused(#[from] crate::write::WriteError),
    /// Writing failed.
    #[error("{path}: {source}")]
    Write {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl OutputError {
    /// The message in both languages.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::terminal::path;
        use crate::tr;
        match self {
            OutputError::Unsafe(p) => tr!(
                "出力先 {} はプロジェクトか content/ そのもの・それを含む場所・その中なので、書き込みを拒否しました",
                "refusing to write to {}: it is or contains the project or its content"; path(p)
            ),
            OutputError::Refused(e) => e.text(),
            OutputError::Write { path: p, source } => {
                let (p, r) = (path(p), crate::i18n::io_reason(source));
                crate::i18n::Text::new(
                    format!("{p} に書き込めません: {}", r.ja),
                    format!("cannot write {p}: {}", r.en),
                )
            }
        }
    }
}

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // One component at a time, resolving what exists (symlinks) as it goes,
    // so that `..` is taken from the real folder, and also when the rest
    // does not exist yet: `output/../content` is the content folder (it
    // used to be compared as written, and the site went into content/).
    let mut resolved = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                resolved.pop();
            }
            other => {
                resolved.push(other);
                if let Ok(real) = resolved.canonicalize() {
                    resolved = real;
                }
            }
        }
    }
    resolved
}

/// The output folder: `--out` as the user gave it, resolved through any
/// symbolic link (their own choice), else `<root>/output`, which is used
/// as it is: a link there (a repository can commit one) is refused when
/// the lock is taken, never followed.
pub fn output_folder(root: &Path, out: Option<&Path>) -> PathBuf {
    match out {
        Some(o) if crate::write::is_link(o) => o.canonicalize().unwrap_or_else(|_| o.to_path_buf()),
        Some(o) => o.to_path_buf(),
        None => root.join("output"),
    }
}

/// Refuses an output folder that is, or contains, the project root or the
/// content folder (writing there would destroy sources).
pub fn guard_output(root: &Path, content: &Path, out: &Path) -> Result<(), OutputError> {
    let (root, content, out_abs) = (absolute(root), absolute(content), absolute(out));
    if root.starts_with(&out_abs) || content.starts_with(&out_abs) || out_abs.starts_with(&content)
    {
        return Err(OutputError::Unsafe(out.to_path_buf()));
    }
    Ok(())
}

/// Writes one file through a temporary sibling renamed into place (a
/// symbolic link at the target is refused, see [`crate::write`]).
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    stage_file(path, bytes)?.commit()
}

/// Writes `files` into `dir` through a temporary sibling folder that is
/// swapped in only when every file is written.
pub fn write_atomically(dir: &Path, files: &Files) -> Result<(), OutputError> {
    stage_dir(dir, files)?.commit().map(|_| ())
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Write { path, source }
}

/// A folder or file written beside its place, waiting to be swapped in.
#[derive(Debug)]
pub enum Staged {
    /// A file, written to an exclusive temporary sibling.
    File(crate::write::Pending),
    /// A folder, written whole into `.<name>.tmp`.
    Dir {
        /// The folder to replace.
        target: PathBuf,
        /// The staged copy.
        tmp: PathBuf,
        /// Where the previous folder goes while swapping.
        old: PathBuf,
        /// Folders of the previous output moved in at commit.
        carried: Vec<carry::Carried>,
    },
}

impl Staged {
    /// Puts the staged copy in place of the target.
    pub fn commit(self) -> Result<PathBuf, OutputError> {
        match self {
            Staged::File(p) => {
                let target = p.target().to_path_buf();
                p.commit()?;
                Ok(target)
            }
            Staged::Dir {
                target,
                tmp,
                old,
                carried,
            } => {
                carry::bring(&target, &tmp, &carried)?;
                // A link in the target's place is renamed away (never
                // followed) and removed as a link.
                if target.symlink_metadata().is_ok() {
                    std::fs::rename(&target, &old).map_err(io_error(&target))?;
                }
                std::fs::rename(&tmp, &target).map_err(io_error(&target))?;
                remove_stale(&old)?;
                Ok(target)
            }
        }
    }

    /// Removes the staged copy, leaving the target as it was.
    pub fn discard(self) {
        match self {
            Staged::File(p) => p.discard(),
            Staged::Dir { tmp, .. } => {
                let _ = remove_stale(&tmp);
            }
        }
    }
}

/// `.<name>.<suffix>` beside `path`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    parent.join(format!(".{name}.{suffix}"))
}

/// Removes what a crashed run may have left at `path` (a symlink there is
/// removed itself, never followed).
fn remove_stale(path: &Path) -> Result<(), OutputError> {
    match path.symlink_metadata() {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path).map_err(io_error(path)),
        Ok(_) => std::fs::remove_file(path).map_err(io_error(path)),
        Err(_) => Ok(()),
    }
}

/// Writes `bytes` beside `path`, to be renamed into place.
pub fn stage_file(path: &Path, bytes: &[u8]) -> Result<Staged, OutputError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    Ok(Staged::File(crate::write::pending(path, bytes)?))
}

/// Writes `files` into a folder beside `dir`, to be swapped in.
pub fn stage_dir(dir: &Path, files: &Files) -> Result<Staged, OutputError> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    let (tmp, old) = (sibling(dir, "tmp"), sibling(dir, "old"));
    // A build killed between its two renames left the last good folder as
    // `.<name>.old` and nothing in its place: put it back first.
    if dir.symlink_metadata().is_err() && old.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        std::fs::rename(&old, dir).map_err(io_error(dir))?;
    }
    remove_stale(&tmp)?;
    remove_stale(&old)?;
    // Created exclusively: whatever was planted at this name is gone, and
    // everything inside is new.
    std::fs::create_dir(&tmp).map_err(io_error(&tmp))?;
    let carried = carry::folders(dir, files);
    let in_carried = |rel: &str| {
        rel.rsplit_once('/')
            .and_then(|(parent, _)| carried.get(parent))
    };
    let written = (|| {
        // Folders first, each once; then the files, in parallel.
        let mut made = std::collections::BTreeSet::new();
        for rel in files.keys() {
            // Never outside the folder, whatever a name holds.
            let inside = Path::new(rel)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                return Err(OutputError::Unsafe(PathBuf::from(rel)));
            }
            // A carried folder's files wait aside; the folder itself comes
            // from the last build, into its parent.
            let path = match in_carried(rel) {
                Some(_) => tmp.join(carry::ASIDE).join(rel),
                None => tmp.join(rel),
            };
            if let Some(p) = path.parent()
                && made.insert(p.to_path_buf())
            {
                std::fs::create_dir_all(p).map_err(io_error(p))?;
            }
        }
        for rel in carried.keys() {
            if let Some(p) = tmp.join(rel).parent()
                && made.insert(p.to_path_buf())
            {
                std::fs::create_dir_all(p).map_err(io_error(p))?;
            }
        }
        use rayon::prelude::*;
        // The carried folders' files are listed already.
        let previous = previous_files(dir, &carried);
        let changed: Vec<Option<&str>> = files
            .par_iter()
            .map(|(rel, bytes)| {
                let old = dir.join(rel);
                if let Some(names) = in_carried(rel) {
                    // Left in the carried folder, or staged to replace it.
                    let name = rel.rsplit_once('/').map_or(rel.as_str(), |(_, n)| n);
                    if names.contains(name) && unchanged(&old, bytes) {
                        return Ok(None);
                    }
                    let aside = tmp.join(carry::ASIDE).join(rel);
                    crate::write::fresh_file(&aside, bytes)?;
                    return Ok(Some(rel.as_str()));
                }
                // A file the last build wrote with the same bytes is
                // linked, not written: no new inode, no data written.
                let path = tmp.join(rel);
                if previous.contains(rel.as_str())
                    && unchanged(&old, bytes)
                    && std::fs::hard_link(&old, &path).is_ok()
                {
                    return Ok(None);
                }
                crate::write::fresh_file(&path, bytes)?;
                Ok(None)
            })
            .collect::<Result<_, OutputError>>()?;
        let changed: Vec<&str> = changed.into_iter().flatten().collect();
        Ok(carry::plans(&carried, files, &changed))
    })();
    match written {
        Ok(carried) => Ok(Staged::Dir {
            target: dir.to_path_buf(),
            tmp,
            old,
            carried,
        }),
        Err(e) => {
            let _ = remove_stale(&tmp);
            Err(e)
        }
    }
}

/// The regular files under `dir` reached without following a symbolic
/// link, as `/`-separated paths relative to it; none when `dir` is itself
/// a link. Only these are linked into a new build: never a file elsewhere.
/// The carried folders are not walked (their files are listed already).
fn previous_files(dir: &Path, carried: &carry::Folders) -> std::collections::HashSet<String> {
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Default::default();
    }
    let rel = |path: &Path| -> Option<String> {
        let parts: Option<Vec<&str>> = path
            .strip_prefix(dir)
            .ok()?
            .components()
            .map(|c| c.as_os_str().to_str())
            .collect();
        parts.map(|p| p.join("/"))
    };
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            !e.file_type().is_dir() || rel(e.path()).is_none_or(|r| !carried.contains_key(&r))
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| rel(e.path()))
        .collect()
}

/// Whether `old` is a regular file (not a link) holding exactly `bytes`.
/// Read a piece at a time into one buffer on the stack: reading each old
/// file into a new allocation of its size made the kernel hand out and
/// clear fresh pages for the whole previous site.
fn unchanged(old: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let same_size =
        std::fs::symlink_metadata(old).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    let Some(mut file) = same_size.then(|| std::fs::File::open(old).ok()).flatten() else {
        return false;
    };
    let mut buf = [0u8; 32 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut buf) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buf[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) => return false,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}
