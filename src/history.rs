//! Revision history from git: for every file under the project root, the
//! commits that changed it (date, author, summary), read in one `git log`
//! pass. Outside a git repository (or without git) anzen works without it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde::Serialize;

/// One commit that changed a file.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    /// Full commit id.
    pub commit: String,
    /// Short commit id.
    pub short: String,
    /// Commit date, YYYY-MM-DD.
    pub date: String,
    /// Author name.
    pub author: String,
    /// First line of the message.
    pub summary: String,
}

/// History of the project's files.
#[derive(Debug, Clone, Default, Serialize)]
pub struct History {
    /// Whether the project is in a git repository.
    pub in_git: bool,
    /// Changes by path relative to the project root, newest first.
    pub by_file: BTreeMap<String, Vec<Change>>,
}

impl History {
    /// The changes of `file` (relative to the project root), newest first.
    pub fn of(&self, file: &str) -> &[Change] {
        self.by_file.get(file).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Reads the history of every file under `root` from git.
pub fn read(root: &Path) -> History {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "log",
            "--relative",
            "--no-renames",
            "--name-only",
            "--format=%x1e%H%x1f%h%x1f%cs%x1f%an%x1f%s",
            "--",
            ".",
        ])
        .output();
    let Ok(out) = out else {
        return History::default();
    };
    if !out.status.success() {
        return History::default();
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut by_file: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    for record in text.split('\u{1e}').filter(|r| !r.trim().is_empty()) {
        let mut lines = record.lines();
        let Some(header) = lines.next() else { continue };
        let f: Vec<&str> = header.split('\u{1f}').collect();
        if f.len() < 5 {
            continue;
        }
        let change = Change {
            commit: f[0].into(),
            short: f[1].into(),
            date: f[2].into(),
            author: f[3].into(),
            summary: f[4].into(),
        };
        for file in lines.map(str::trim).filter(|l| !l.is_empty()) {
            by_file
                .entry(unquote(file))
                .or_default()
                .push(change.clone());
        }
    }
    History {
        in_git: true,
        by_file,
    }
}

/// git quotes paths with non-ASCII bytes as "\346\226\207..." unless
/// core.quotePath is off; undo that.
fn unquote(path: &str) -> String {
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return path.to_string();
    };
    let mut bytes = Vec::new();
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(d @ b'0'..=b'7') => {
                let mut v = (d - b'0') as u32;
                for _ in 0..2 {
                    if let Some(n @ b'0'..=b'7') = chars.peek().copied() {
                        v = v * 8 + (n - b'0') as u32;
                        chars.next();
                    }
                }
                bytes.push(v as u8);
            }
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The text of `file` (relative to `root`) at `commit`, if it existed.
pub fn file_at(root: &Path, commit: &str, file: &str) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .arg("show")
        .arg(format!("{commit}:./{file}"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The newest commit dated after `after` and on or before `until`
/// (YYYY-MM-DD) that changed the body of the Markdown document `file`
/// (front matter edits, such as recording an approval, do not count).
pub fn last_body_change(
    root: &Path,
    history: &History,
    file: &str,
    after: &str,
    until: &str,
) -> Option<Change> {
    let body = |text: Option<String>| -> Option<String> {
        let text = text?;
        let text = text
            .strip_prefix('\u{feff}')
            .unwrap_or(&text)
            .replace("\r\n", "\n");
        Some(match crate::load::frontmatter::split(&text) {
            Ok(s) => s.body.to_string(),
            Err(_) => text,
        })
    };
    for change in history.of(file).iter().filter(|c| c.date.as_str() <= until) {
        if change.date.as_str() <= after {
            return None;
        }
        let now = body(file_at(root, &change.commit, file));
        // The commit that adds the file records the approved text; not an edit.
        let before = body(file_at(root, &format!("{}^", change.commit), file))?;
        if now.as_ref() != Some(&before) {
            return Some(change.clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::unquote;

    #[test]
    fn quoted_paths_are_decoded() {
        assert_eq!(unquote("\"content/\\346\\226\\207.md\""), "content/文.md");
        assert_eq!(unquote("plain.md"), "plain.md");
    }
}
