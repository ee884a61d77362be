//! Revision history from git: for every file under the project root, the
//! commits that changed it (date, author, summary), read in one `git log
//! -z` pass (NUL-separated, so names and subjects are taken as they are),
//! and a file's text at a commit (`git cat-file`, no filters or textconv).
//! Every git command comes from [`crate::git::command`]. Outside a git
//! repository (or without git) anzen works without it.

use std::collections::BTreeMap;
use std::path::Path;

pub use crate::model::history::{Change, History};

/// Reads the history of every file under `root` from git: one `git log
/// -z` pass, its commits and names NUL-separated (see [`parse`]).
pub fn read(root: &Path) -> History {
    let mut log = crate::git::command(root);
    log.args([
        "log",
        "-z",
        "--relative",
        "--no-renames",
        "--name-only",
        "--no-ext-diff",
        "--no-textconv",
        "--format=%x00%H%x00%h%x00%cs%x00%an%x00%s",
        "--",
        ".",
    ]);
    match crate::git::output(log) {
        Ok(out) => History {
            in_git: true,
            by_file: parse(&out),
        },
        Err(_) => History::default(),
    }
}

/// Reads the output of the `git log -z --name-only` in [`read`]. Split at
/// NUL, each commit is an empty field (the format's leading NUL), the five
/// header fields (any may be empty but the ids), then, for a commit that
/// lists files, the names: the first after the newline git puts before
/// them, each name its own field, none empty. A name is taken as it is
/// (newlines, quotes, separators and all); a subject cannot hold a NUL.
fn parse(out: &[u8]) -> BTreeMap<String, Vec<Change>> {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut fields = out.split(|b| *b == 0).peekable();
    let mut by_file: BTreeMap<String, Vec<Change>> = BTreeMap::new();
    while let Some(field) = fields.next() {
        if !field.is_empty() {
            continue; // out of step: look for the next commit
        }
        let header: Vec<&[u8]> = fields.by_ref().take(5).collect();
        let [commit, short, date, author, summary] = header[..] else {
            break;
        };
        if commit.len() < 40 || !commit.iter().all(u8::is_ascii_hexdigit) {
            continue;
        }
        let change = Change {
            commit: text(commit),
            short: text(short),
            date: text(date),
            author: text(author),
            summary: text(summary),
        };
        let mut first = true;
        while let Some(name) = fields.next_if(|f| !f.is_empty()) {
            let name = match first {
                true => name.strip_prefix(b"\n").unwrap_or(name),
                false => name,
            };
            first = false;
            if !name.is_empty() {
                by_file.entry(text(name)).or_default().push(change.clone());
            }
        }
    }
    by_file
}

/// The text of `file` (relative to `root`) at `commit`, if it existed.
pub fn file_at(root: &Path, commit: &str, file: &str) -> Option<String> {
    let mut cat = crate::git::command(root);
    cat.arg("cat-file")
        .arg("blob")
        .arg(format!("{commit}:./{file}"));
    let out = crate::git::output(cat).ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
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
    use super::parse;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";

    #[test]
    fn names_and_subjects_are_read_as_they_are() {
        // As `git log -z --name-only` writes it: a commit listing two
        // files (one named with a newline, quotes and a separator), then a
        // merge listing none, with an empty subject.
        let out = format!(
            "\0{A}\0111\02026-07-01\0港 一郎\0追記\u{1e}\u{1f}\0\ncontent/a\n\"b\"\u{1e}.md\0c.md\0\
             \0{B}\0222\02026-06-01\0\0\0"
        );
        let by_file = parse(out.as_bytes());
        let names: Vec<&str> = by_file.keys().map(String::as_str).collect();
        assert_eq!(names, ["c.md", "content/a\n\"b\"\u{1e}.md"]);
        let change = &by_file["c.md"][0];
        assert_eq!(change.commit, A);
        assert_eq!(change.summary, "追記\u{1e}\u{1f}");
        assert_eq!(change.author, "港 一郎");
        assert_eq!(
            by_file.values().flatten().filter(|c| c.commit == B).count(),
            0
        );
    }

    #[test]
    fn a_name_that_starts_with_a_newline_keeps_it() {
        let out = format!("\0{A}\0111\02026-07-01\0a\0s\0\n\nx.md\0");
        assert!(parse(out.as_bytes()).contains_key("\nx.md"));
    }
}
