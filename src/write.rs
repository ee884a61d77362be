//! Every file anzen writes goes through here, so that a symbolic link
//! planted in a repository (a pull request can commit one) can never turn
//! a write into an overwrite of some other file:
//!
//! - a file is written to a temporary sibling created exclusively
//!   (`create_new`: `O_CREAT | O_EXCL`, which fails on any existing name,
//!   a dangling link included, and never follows one) in the target's own
//!   folder, then renamed over the target;
//! - a target that is itself a symbolic link is refused, never followed;
//! - folders are created one component at a time under a base that the
//!   caller trusts, and a component that is a link is refused.
//!
//! [`OutputLock`] keeps two builds from writing one output folder at once.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::i18n::Text;
use crate::tr;

/// Why a write was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target, or a folder on the way to it, is a symbolic link.
    #[error("{0}: is a symbolic link; refusing to write through it")]
    Symlink(PathBuf),
    /// Another anzen is writing the same output folder.
    #[error("{path}: another anzen build is writing this folder (pid {pid})")]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// The process holding it, as it wrote itself in the file.
        pid: String,
    },
    /// The operating system said no.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl WriteError {
    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            WriteError::Symlink(p) => tr!(
                "{} はシンボリックリンクです。リンク先に書き込まないよう、書き込みを中止しました",
                "{} is a symbolic link; refusing to write through it"; crate::terminal::path(p)
            ),
            WriteError::Locked { path, pid } => tr!(
                "別の anzen（プロセス {}）がこの出力先に書き込み中です（{}）。終わってからもう一度実行してください",
                "another anzen (process {}) is writing this output folder ({}); run again when it has finished";
                pid, crate::terminal::path(path)
            ),
            WriteError::Io { path, source } => {
                let (p, r) = (crate::terminal::path(path), crate::i18n::io_reason(source));
                Text::new(
                    format!("{p} に書き込めません: {}", r.ja),
                    format!("cannot write {p}: {}", r.en),
                )
            }
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Whether `path` is a symbolic link (a junction on Windows counts).
pub fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Creates `base/rel` folder by folder (`base` must exist or is created as
/// with `create_dir_all`: it is the caller's own choice); a component of
/// `rel` that exists as a symbolic link, or as anything but a folder, is
/// refused. `rel` must be relative and plain (no `..`).
pub fn dirs(base: &Path, rel: &Path) -> Result<(), WriteError> {
    if !base.is_dir() {
        std::fs::create_dir_all(base).map_err(io(base))?;
    }
    let mut at = base.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(part) => at.push(part),
            Component::CurDir => continue,
            _ => {
                return Err(WriteError::Io {
                    path: base.join(rel),
                    source: std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "path leaves its folder",
                    ),
                });
            }
        }
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Err(WriteError::Symlink(at)),
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(WriteError::Io {
                    path: at,
                    source: std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        "a file is in the way of a folder",
                    ),
                });
            }
            Err(_) => match std::fs::create_dir(&at) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && at.is_dir() => {}
                Err(e) => return Err(io(&at)(e)),
            },
        }
    }
    Ok(())
}

/// A temporary file beside `target`, created exclusively.
fn temp_beside(target: &Path) -> Result<(std::fs::File, PathBuf), WriteError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let parent = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = parent.join(format!(".{name}.{}-{n}.anzen-tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((f, tmp)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io(&tmp)(e)),
        }
    }
    Err(WriteError::Io {
        path: target.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free temporary name"),
    })
}

/// Replaces (or creates) the file `path` with `bytes`: written to a
/// temporary sibling created exclusively, flushed, then renamed over the
/// target. A target that is a symbolic link, or a folder, is refused; an
/// existing file keeps its permissions. The folder must exist.
pub fn file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    pending(path, bytes)?.commit()
}

/// A file written beside its target, waiting to be renamed over it (so
/// that several outputs can be written first and put in place together).
#[derive(Debug)]
pub struct Pending {
    target: PathBuf,
    tmp: PathBuf,
}

/// Writes `bytes` to a temporary sibling of `path` (see [`file`]).
pub fn pending(path: &Path, bytes: &[u8]) -> Result<Pending, WriteError> {
    let previous = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return Err(WriteError::Symlink(path.into())),
        Ok(m) if m.is_dir() => {
            return Err(WriteError::Io {
                path: path.into(),
                source: std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a folder"),
            });
        }
        Ok(m) => Some(m.permissions()),
        Err(_) => None,
    };
    let (mut f, tmp) = temp_beside(path)?;
    let written = (|| {
        f.write_all(bytes)?;
        f.sync_all()?;
        if let Some(p) = previous {
            f.set_permissions(p)?;
        }
        Ok(())
    })();
    drop(f);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(&tmp)(e));
    }
    Ok(Pending {
        target: path.to_path_buf(),
        tmp,
    })
}

impl Pending {
    /// Renames the written file over its target.
    pub fn commit(self) -> Result<(), WriteError> {
        // Checked again just before the rename: a link planted meanwhile
        // would be replaced by the rename (never followed), but say so
        // rather than silently replace it.
        if is_link(&self.target) {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(WriteError::Symlink(self.target.clone()));
        }
        std::fs::rename(&self.tmp, &self.target).map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp);
            io(&self.target)(e)
        })
    }

    /// Removes the written file, leaving the target as it was.
    pub fn discard(self) {
        let _ = std::fs::remove_file(&self.tmp);
    }

    /// The target.
    pub fn target(&self) -> &Path {
        &self.target
    }
}

/// Creates the file `path` with `bytes` only if no file (and no link) of
/// that name exists: `Ok(false)` when one does. Used by `init`, which never
/// overwrites.
pub fn new_file(path: &Path, bytes: &[u8]) -> Result<bool, WriteError> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut f) => {
            f.write_all(bytes).map_err(io(path))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io(path)(e)),
    }
}

/// Writes `bytes` into a fresh file at `path` inside a folder the caller
/// has just created for itself (a staging folder): the name must not exist.
pub fn fresh_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))
}

/// Holds the output folder for one build: an advisory lock on
/// `<out>/.anzen.lock`, a file holding the holder's process id (for the
/// message another build shows). The lock is the operating system's, so a
/// build that is killed holds nothing: its file stays behind, stale, and
/// the next build takes it over. A build that ends normally removes the
/// file (while still holding the lock; a build that opened the old file
/// meanwhile sees it is no longer the one at that name and tries again).
#[derive(Debug)]
pub struct OutputLock {
    file: Option<std::fs::File>,
    path: PathBuf,
}

/// The lock file's name inside an output folder.
pub const LOCK_FILE: &str = ".anzen.lock";

/// Whether the open file `f` is still the file named `path`.
fn still_named(f: &std::fs::File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (f.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        // Windows does not remove a file that is open, so the name cannot
        // move to another file while it is held.
        let _ = f;
        path.exists()
    }
}

impl OutputLock {
    /// Takes the lock on the output folder `out` (created if missing), or
    /// says who holds it.
    pub fn take(out: &Path) -> Result<OutputLock, WriteError> {
        if is_link(out) {
            return Err(WriteError::Symlink(out.into()));
        }
        std::fs::create_dir_all(out).map_err(io(out))?;
        let path = out.join(LOCK_FILE);
        for _ in 0..20 {
            if is_link(&path) {
                return Err(WriteError::Symlink(path));
            }
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io(&path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let pid = std::fs::read_to_string(&path)
                        .ok()
                        .map(|s| s.trim().chars().take(20).collect::<String>())
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| "?".into());
                    return Err(WriteError::Locked { path, pid });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(&path)(e)),
            }
            if !still_named(&file, &path) {
                continue; // the holder removed it as we opened it
            }
            // Ours now: record who holds it (a number left by a killed
            // build is overwritten; its lock died with that process).
            let _ = file.set_len(0);
            let _ = writeln!(file, "{}", std::process::id());
            return Ok(OutputLock {
                file: Some(file),
                path,
            });
        }
        Err(WriteError::Locked {
            path,
            pid: "?".into(),
        })
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while held, then released.
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_replaces_the_target_and_leaves_no_temporary() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.yaml");
        std::fs::write(&p, "old").unwrap();
        file(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_target_is_refused_and_its_target_untouched() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim");
        std::fs::write(&victim, "ORIG").unwrap();
        let p = d.path().join("a.yaml");
        std::os::unix::fs::symlink(&victim, &p).unwrap();
        assert!(matches!(file(&p, b"x"), Err(WriteError::Symlink(_))));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "ORIG");
        assert!(is_link(&p));
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_at_a_temporary_name_is_never_followed() {
        let d = tempfile::tempdir().unwrap();
        let victim = d.path().join("victim");
        std::fs::write(&victim, "ORIG").unwrap();
        // Every name the old code used, and a guess at ours.
        for name in [
            "a.yaml.tmp",
            ".a.yaml.tmp",
            &format!(".a.yaml.{}-0.anzen-tmp", std::process::id()),
        ] {
            std::os::unix::fs::symlink(&victim, d.path().join(name)).unwrap();
        }
        let p = d.path().join("a.yaml");
        file(&p, b"content").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "ORIG");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "content");
        assert!(!is_link(&p));
    }

    #[cfg(unix)]
    #[test]
    fn folders_are_not_created_through_a_link() {
        let d = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), d.path().join("content")).unwrap();
        let r = dirs(d.path(), Path::new("content/documents"));
        assert!(matches!(r, Err(WriteError::Symlink(_))), "{r:?}");
        assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
        dirs(d.path(), Path::new("a/b/c")).unwrap();
        assert!(d.path().join("a/b/c").is_dir());
    }

    #[test]
    fn new_file_never_overwrites() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x");
        assert!(new_file(&p, b"1").unwrap());
        assert!(!new_file(&p, b"2").unwrap());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "1");
    }

    #[test]
    fn a_second_lock_on_one_folder_is_refused_until_the_first_is_dropped() {
        let d = tempfile::tempdir().unwrap();
        let first = OutputLock::take(d.path()).unwrap();
        match OutputLock::take(d.path()) {
            Err(WriteError::Locked { pid, .. }) => assert_eq!(pid, std::process::id().to_string()),
            other => panic!("{other:?}"),
        }
        drop(first);
        assert!(!d.path().join(LOCK_FILE).exists(), "removed at the end");
        let again = OutputLock::take(d.path()).unwrap();
        drop(again);
        // A file left by a killed holder is taken over.
        std::fs::write(d.path().join(LOCK_FILE), "99999999\n").unwrap();
        OutputLock::take(d.path()).unwrap();
    }
}
