//! Every git child process anzen starts, and what git says about the
//! project: the revision for headers and manifests. Outside a git
//! repository, or without git, anzen still works.
//!
//! A repository is data, never a source of programs: a pull request, or a
//! zip holding a `.git` folder, can bring a `.git/config` that names
//! programs for git to run (`core.fsmonitor` on `git status`, a clean
//! filter when git hashes a file, `gpg.program` when `git log` shows
//! signatures, hooks, a transport for a lazy fetch). Every git command
//! anzen runs is built by [`command`], which turns each of those off on the
//! command line (where it outranks the repository's own settings), keeps
//! git from prompting or taking optional locks, and keeps anzen's secrets
//! (the package password) out of git's environment. Output is read as
//! NUL-separated plumbing where names appear, so no file name (newlines
//! and quotes included) can shift one answer onto another.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use serde::Serialize;

/// The revision of the working tree.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Revision {
    /// Full commit id.
    pub commit: String,
    /// Short commit id.
    pub short: String,
    /// Commit date (YYYY-MM-DD).
    pub date: String,
    /// Whether the tracked files have uncommitted changes.
    pub dirty: bool,
}

/// Settings given to every git command: each turns off a way for the
/// repository's configuration to run a program (or to reach a network),
/// or keeps output plain.
const SETTINGS: &[(&str, &str)] = &[
    // `git status` would run it to learn what changed.
    ("core.fsmonitor", "false"),
    // No command anzen runs uses hooks; none shall be found if one did.
    ("core.hooksPath", "/dev/null"),
    // `git log` would run gpg.program on every signed commit.
    ("log.showSignature", "false"),
    // A lazy fetch (partial clone) would start a transport.
    ("protocol.allow", "never"),
    // Nothing anzen runs should collect garbage behind its back.
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
    ("color.ui", "false"),
    ("i18n.logOutputEncoding", "UTF-8"),
];

/// The package password's variable, never passed to git.
const SECRET_ENV: &str = crate::secret::PASSWORD_ENV;

/// Environment variables that hold the values of overrides given with
/// `--config-env` (for a key that `-c` cannot spell: one holding `=`).
const EMPTY_ENV: &str = "ANZEN_GIT_EMPTY";
const FALSE_ENV: &str = "ANZEN_GIT_FALSE";
const NEVER_ENV: &str = "ANZEN_GIT_NEVER";

/// `git --no-pager -C root` with the fixed [`SETTINGS`] and environment,
/// before the repository's own filter and protocol names are known.
fn base(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("--no-pager").arg("-C").arg(root);
    for (key, value) in SETTINGS {
        cmd.arg("-c").arg(format!("{key}={value}"));
    }
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env(EMPTY_ENV, "")
        .env(FALSE_ENV, "false")
        .env(NEVER_ENV, "never")
        .env_remove(SECRET_ENV)
        .stdin(Stdio::null());
    cmd
}

/// Sets `key` to the value held by the variable `env` (`value`) on the
/// command line of `cmd`.
fn set(cmd: &mut Command, key: &str, env: &str, value: &str) {
    if key.contains('=') {
        // `-c` splits at the first `=`; `--config-env` at the last.
        cmd.arg(format!("--config-env={key}={env}"));
    } else {
        cmd.arg("-c").arg(format!("{key}={value}"));
    }
}

/// The overrides for the filter drivers and protocols the configuration
/// names (any scope: a driver's name is the repository's choice): each
/// driver's programs emptied (git then passes content through unfiltered)
/// and marked not required, each protocol refused.
fn overrides(root: &Path) -> Vec<(String, &'static str, &'static str)> {
    let Ok(out) = base(root)
        .args([
            "config",
            "--null",
            "--name-only",
            "--get-regexp",
            r"^(filter|protocol)\.",
        ])
        .output()
    else {
        return Vec::new();
    };
    let mut drivers = std::collections::BTreeSet::new();
    let mut protocols = std::collections::BTreeSet::new();
    for key in out.stdout.split(|b| *b == 0).filter(|k| !k.is_empty()) {
        let key = String::from_utf8_lossy(key);
        let Some((section, rest)) = key.split_once('.') else {
            continue;
        };
        let Some((name, _)) = rest.rsplit_once('.') else {
            continue;
        };
        match section {
            "filter" => drivers.insert(name.to_string()),
            "protocol" => protocols.insert(name.to_string()),
            _ => false,
        };
    }
    let mut out = Vec::new();
    for d in drivers {
        for program in ["clean", "smudge", "process"] {
            out.push((format!("filter.{d}.{program}"), EMPTY_ENV, ""));
        }
        out.push((format!("filter.{d}.required"), FALSE_ENV, "false"));
    }
    for p in protocols {
        out.push((format!("protocol.{p}.allow"), NEVER_ENV, "never"));
    }
    out
}

/// A `git` command run in `root` that cannot run a program the repository
/// configures: every git invocation anzen makes starts here. Add the
/// subcommand and its arguments; stdin is null unless the caller pipes it.
pub fn command(root: &Path) -> Command {
    let mut cmd = base(root);
    for (key, env, value) in overrides(root) {
        set(&mut cmd, &key, env, value);
    }
    cmd
}

/// Why a git command gave no usable output: git's own message, or why it
/// could not be started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub String);

/// The standard output of `cmd` (both outputs are drained together while
/// it runs), or git's message when it fails.
pub fn output(mut cmd: Command) -> Result<Vec<u8>, Failure> {
    let out = cmd.output().map_err(|e| Failure(e.to_string()))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(failure(&out.stderr, out.status))
    }
}

fn failure(stderr: &[u8], status: std::process::ExitStatus) -> Failure {
    let text = String::from_utf8_lossy(stderr).trim().to_string();
    Failure(if text.is_empty() {
        format!("git: {status}")
    } else {
        text
    })
}

/// Runs `cmd` with `input` written to its stdin by a thread of its own
/// while `read` consumes its standard output as it comes (git stops when a
/// pipe is full, so nothing may wait for it before its output is read);
/// standard error is collected by a third thread. After `read`, the rest of
/// the output is drained (the child is killed first when `read` failed) and
/// the child reaped. When git failed, its message wins over `read`'s.
pub fn pipe<T, E: From<Failure>>(
    mut cmd: Command,
    input: Vec<u8>,
    read: impl FnOnce(&mut dyn BufRead) -> Result<T, E>,
) -> Result<T, E> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| Failure(e.to_string()))?;
    let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // An early exit of the child shows as a broken pipe here and as
            // its status below.
            let _ = stdin.write_all(&input);
        }
    });
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(mut stderr) = stderr {
            let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut text);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        }
        text
    });
    let result = match stdout {
        Some(stdout) => {
            let mut out = BufReader::new(stdout);
            let result = read(&mut out);
            if result.is_err() {
                let _ = child.kill();
            }
            let _ = std::io::copy(&mut out, &mut std::io::sink());
            result
        }
        None => {
            let _ = child.kill();
            Err(Failure("no standard output".into()).into())
        }
    };
    let _ = writer.join();
    let errors = errors.join().unwrap_or_default();
    let status = child.wait().map_err(|e| Failure(e.to_string()))?;
    match result {
        Ok(v) if status.success() => Ok(v),
        Ok(_) => Err(failure(&errors, status).into()),
        Err(_) if !String::from_utf8_lossy(&errors).trim().is_empty() => {
            Err(failure(&errors, status).into())
        }
        Err(e) => Err(e),
    }
}

/// The current revision, or `None` outside a git repository.
pub fn revision(root: &Path) -> Option<Revision> {
    let mut log = command(root);
    log.args(["log", "-1", "--format=%H %h %cs"]);
    let line = String::from_utf8(output(log).ok()?).ok()?;
    let mut parts = line.split_whitespace();
    let (commit, short, date) = (
        parts.next()?.to_string(),
        parts.next()?.to_string(),
        parts.next()?.to_string(),
    );
    // Submodules: only a changed commit counts (git would otherwise run
    // `git status` inside each, with the submodule's own configuration).
    let mut status = command(root);
    status.args([
        "status",
        "--porcelain",
        "-z",
        "--untracked-files=no",
        "--ignore-submodules=dirty",
        "--",
        ".",
    ]);
    let dirty = output(status).is_ok_and(|s| !s.is_empty());
    Some(Revision {
        commit,
        short,
        date,
        dirty,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(cmd: &Command) -> Vec<String> {
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn git_never_sees_the_package_password() {
        let cmd = command(Path::new("."));
        let removed = cmd.get_envs().any(|(k, v)| k == SECRET_ENV && v.is_none());
        assert!(
            removed,
            "ANZEN_ZIP_PASSWORD is removed from git's environment"
        );
        assert!(
            cmd.get_envs()
                .any(|(k, v)| k == "GIT_TERMINAL_PROMPT" && v == Some(std::ffi::OsStr::new("0")))
        );
    }

    #[test]
    fn every_command_turns_off_the_repository_s_programs() {
        let a = args(&command(Path::new(".")));
        for setting in [
            "core.fsmonitor=false",
            "log.showSignature=false",
            "protocol.allow=never",
            "core.hooksPath=/dev/null",
        ] {
            let at = a.iter().position(|x| x == setting);
            assert!(
                at.is_some_and(|i| i > 0 && a[i - 1] == "-c"),
                "{setting}: {a:?}"
            );
        }
        assert_eq!(a[0], "--no-pager");
    }

    #[test]
    fn repository_filters_and_protocols_are_overridden_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            let ok = Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(args)
                .output()
                .unwrap()
                .status
                .success();
            assert!(ok, "git {args:?}");
        };
        git(&["init", "-q"]);
        git(&["config", "filter.Evil.clean", "touch /tmp/x"]);
        git(&["config", "filter.a=b.process", "touch /tmp/y"]);
        git(&["config", "protocol.ext.allow", "always"]);
        let a = args(&command(dir.path()));
        for setting in [
            "filter.Evil.clean=",
            "filter.Evil.smudge=",
            "filter.Evil.process=",
            "filter.Evil.required=false",
            "protocol.ext.allow=never",
        ] {
            assert!(a.iter().any(|x| x == setting), "{setting}: {a:?}");
        }
        assert!(
            a.iter()
                .any(|x| x == &format!("--config-env=filter.a=b.process={EMPTY_ENV}")),
            "{a:?}"
        );
        // And git reads them so: the effective values are the overrides.
        let mut get = command(dir.path());
        get.args(["config", "--get", "filter.a=b.process"]);
        assert_eq!(output(get).unwrap(), b"\n");
        let mut get = command(dir.path());
        get.args(["config", "--get", "protocol.ext.allow"]);
        assert_eq!(output(get).unwrap(), b"never\n");
    }

    #[test]
    fn a_pipe_reads_output_larger_than_the_pipe_while_git_runs() {
        let dir = tempfile::tempdir().unwrap();
        let mut init = command(dir.path());
        init.args(["init", "-q"]);
        output(init).unwrap();
        let big = vec![b'x'; 1 << 20];
        let mut hash = command(dir.path());
        hash.args(["hash-object", "-w", "--stdin"]);
        let id = pipe(hash, big.clone(), |out| {
            let mut s = String::new();
            out.read_to_string(&mut s)
                .map_err(|e| Failure(e.to_string()))?;
            Ok::<_, Failure>(s.trim().to_string())
        })
        .unwrap();
        // The reader stops after the header: the blob is drained, not waited on.
        let mut batch = command(dir.path());
        batch.args(["cat-file", "--batch"]);
        let header = pipe(batch, format!("{id}\n{id}\n").into_bytes(), |out| {
            let mut line = String::new();
            out.read_line(&mut line)
                .map_err(|e| Failure(e.to_string()))?;
            Ok::<_, Failure>(line)
        })
        .unwrap();
        assert_eq!(header, format!("{id} blob {}\n", big.len()));
    }
}
