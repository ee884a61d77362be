//! The typst CLI as an external process: found on PATH, at a configured
//! path or through `ANZEN_TYPST`; its version checked against the pinned
//! one; its fonts listed to make sure a Japanese font exists; and compile
//! runs with argument lists (never a shell), stderr captured.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The typst version anzen's templates and reproducibility are pinned to.
pub const PINNED_VERSION: &str = "0.15.1";

/// The command that installs the pinned typst.
pub const INSTALL_HINT: &str = "cargo install typst-cli --version 0.15.1 --locked";

/// A usable typst binary.
#[derive(Debug, Clone)]
pub struct Typst {
    /// The binary.
    pub path: PathBuf,
    /// Its version (`0.15.1`).
    pub version: String,
}

/// Why typst cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TypstError {
    /// No binary found.
    #[error("typst not found (looked at: {tried}); install it with: {INSTALL_HINT}")]
    NotFound {
        /// Places looked at.
        tried: String,
    },
    /// A binary of another version.
    #[error(
        "{path} is typst {found}, but anzen needs {PINNED_VERSION} for reproducible PDFs; install it with: {INSTALL_HINT}"
    )]
    WrongVersion {
        /// The binary.
        path: String,
        /// Its version.
        found: String,
    },
    /// The binary could not be run.
    #[error("{path}: {message}")]
    Run {
        /// The binary.
        path: String,
        /// What happened.
        message: String,
    },
}

impl TypstError {
    /// The message in both languages.
    pub fn text(&self) -> crate::i18n::Text {
        match self {
            TypstError::NotFound { tried } => crate::tr!(
                "typst が見つかりません（探した場所: {}）。次のコマンドで入れてください: {}",
                "typst not found (looked at: {}); install it with: {}"; tried, INSTALL_HINT
            ),
            TypstError::WrongVersion { path, found } => crate::tr!(
                "{} は typst {} ですが、PDF を再現可能に作るには {} が必要です。次のコマンドで入れてください: {}",
                "{} is typst {}, but anzen needs {} for reproducible PDFs; install it with: {}";
                path, found, PINNED_VERSION, INSTALL_HINT
            ),
            TypstError::Run { path, message } => crate::tr!(
                "{} を実行できません: {}", "cannot run {}: {}"; path, message
            ),
        }
    }
}

/// A typst process: an argument list, never a shell, and none of the
/// secrets anzen may hold in its environment (the package password).
fn child(path: &Path) -> Command {
    let mut cmd = Command::new(path);
    crate::secret::scrub(&mut cmd);
    cmd
}

fn executable_names() -> &'static [&'static str] {
    if cfg!(windows) {
        &["typst.exe", "typst"]
    } else {
        &["typst"]
    }
}

/// Finds typst: the configured path, then `ANZEN_TYPST`, then PATH, then
/// cargo's bin folder; and checks its version.
pub fn locate(configured: Option<&Path>) -> Result<Typst, TypstError> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = configured {
        candidates.push(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("ANZEN_TYPST").filter(|p| !p.is_empty()) {
        candidates.push(PathBuf::from(p));
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            candidates.extend(executable_names().iter().map(|n| dir.join(n)));
        }
    }
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    {
        candidates.extend(executable_names().iter().map(|n| home.join("bin").join(n)));
    }
    let explicit =
        configured.is_some() || std::env::var_os("ANZEN_TYPST").is_some_and(|p| !p.is_empty());
    let found = candidates.iter().find(|p| p.is_file());
    let Some(path) = found else {
        let tried = if explicit {
            candidates
                .first()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        } else {
            "PATH, ~/.cargo/bin".to_string()
        };
        return Err(TypstError::NotFound { tried });
    };
    // An explicit path that does not exist must not silently fall back.
    if explicit && !candidates[0].is_file() {
        return Err(TypstError::NotFound {
            tried: candidates[0].display().to_string(),
        });
    }
    let out = child(path)
        .arg("--version")
        .output()
        .map_err(|e| TypstError::Run {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.split_whitespace().nth(1).unwrap_or("").to_string();
    if version != PINNED_VERSION {
        return Err(TypstError::WrongVersion {
            path: path.display().to_string(),
            found: if version.is_empty() {
                text.trim().to_string()
            } else {
                version
            },
        });
    }
    Ok(Typst {
        path: path.clone(),
        version,
    })
}

impl Typst {
    /// The font families typst can see (system fonts plus `font_paths`).
    pub fn fonts(&self, font_paths: &[PathBuf]) -> Result<Vec<String>, TypstError> {
        let mut cmd = child(&self.path);
        cmd.arg("fonts");
        for p in font_paths {
            cmd.arg("--font-path").arg(p);
        }
        let out = cmd.output().map_err(|e| TypstError::Run {
            path: self.path.display().to_string(),
            message: e.to_string(),
        })?;
        if !out.status.success() {
            return Err(TypstError::Run {
                path: self.path.display().to_string(),
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect())
    }

    /// Compiles `input` (relative to `root`) to `output`.
    pub fn compile(&self, job: &CompileJob) -> Result<(), String> {
        let mut cmd = child(&self.path);
        cmd.arg("compile").arg("--root").arg(job.root);
        for p in job.font_paths {
            cmd.arg("--font-path").arg(p);
        }
        cmd.arg("--creation-timestamp")
            .arg(job.timestamp.to_string());
        if job.pdf_a {
            cmd.arg("--pdf-standard").arg("a-2b");
        }
        for (k, v) in &job.inputs {
            cmd.arg("--input").arg(format!("{k}={v}"));
        }
        cmd.arg("--diagnostic-format").arg("short");
        if let Some(deps) = job.deps {
            cmd.arg("--deps").arg(deps).arg("--deps-format").arg("json");
        }
        cmd.arg(job.root.join(job.input)).arg(job.output);
        // typst compiles with all cores by itself; anzen already runs one
        // typst per core, so each gets one thread.
        cmd.arg("--jobs").arg("1");
        let out = cmd.output().map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }
}

/// One compile.
pub struct CompileJob<'a> {
    /// The project root for typst (`--root`).
    pub root: &'a Path,
    /// Main file, relative to `root`.
    pub input: &'a str,
    /// Where the PDF goes.
    pub output: &'a Path,
    /// Extra font folders.
    pub font_paths: &'a [PathBuf],
    /// `--creation-timestamp` (UNIX seconds).
    pub timestamp: i64,
    /// PDF/A-2b.
    pub pdf_a: bool,
    /// `--input key=value` pairs.
    pub inputs: Vec<(&'a str, String)>,
    /// Where typst lists the files it read (`--deps`, JSON), for the cache.
    pub deps: Option<&'a Path>,
}

/// A typst diagnostic in short form: `path:line:col: error: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// File relative to the typst root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The message.
    pub message: String,
}

/// Parses typst's short diagnostics (errors only).
pub fn diagnostics(stderr: &str) -> Vec<Diagnostic> {
    stderr
        .lines()
        .filter_map(|l| {
            let (loc, rest) = l.split_once(": error: ")?;
            let mut parts = loc.rsplitn(3, ':');
            let column = parts.next()?.parse().ok()?;
            let line = parts.next()?.parse().ok()?;
            let file = parts.next()?.trim_start_matches('/').to_string();
            Some(Diagnostic {
                file,
                line,
                column,
                message: rest.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_diagnostics_are_parsed() {
        let d = diagnostics("/docs/a.typ:12:5: error: unexpected argument\nwarning: x");
        assert_eq!(
            d,
            vec![Diagnostic {
                file: "docs/a.typ".into(),
                line: 12,
                column: 5,
                message: "unexpected argument".into()
            }]
        );
    }
}
