//! `anzen confirm <item>...`: records, in the answers file, that a person
//! re-read an answer's evidence: today's (as-of) date and the fingerprint of
//! the cited sections. The file is edited in place, so its comments and
//! layout (line endings, BOM, final newline) stay as the author wrote them:
//! the one `confirmed:` value is put where the parser says the entry's
//! mapping ends (or replaces the old value), and the edited text is parsed
//! again and refused unless it reads exactly as before but for that value.
//! The file is written through [`crate::write::file`] and never through a
//! symbolic link.

use std::path::{Path, PathBuf};

use crate::check::evidence;
use crate::i18n::Text;
use crate::load::{self, LoadOptions};
use crate::terminal;
use crate::tr;
use crate::workspace::{OpenError, Workspace};
use crate::write::{self, WriteError};
use crate::yaml::{self, Extent, Key, Node, NodeKind};

/// What `confirm` did.
#[derive(Debug, Default)]
pub struct ConfirmReport {
    /// The answers file.
    pub file: PathBuf,
    /// Items confirmed, with their fingerprint.
    pub confirmed: Vec<(String, String)>,
    /// Items that cite nothing whose text can change (nothing recorded).
    pub skipped: Vec<String>,
}

/// Why `confirm` could not run.
#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    /// The project could not be loaded.
    #[error(transparent)]
    Load(#[from] load::LoadError),
    /// No answers file, or it did not parse.
    #[error("the answers file is missing or has errors; run `anzen check`")]
    NoAnswers,
    /// The answers file is a symbolic link (never read nor written).
    #[error("{0}: is a symbolic link; refusing to edit it")]
    Symlink(PathBuf),
    /// An item that is not answered.
    #[error("item {0} has no answer in the answers file")]
    Unanswered(String),
    /// The standard could not be loaded.
    #[error("the standard named in anzen.yaml has errors; run `anzen check`")]
    Standard,
    /// The answers file could not be read.
    #[error("{0}: {1}")]
    Read(PathBuf, std::io::Error),
    /// The answer could not be edited safely; nothing was written.
    #[error("{}: item {item}: {}; not written", file.display(), error.text().en)]
    Edit {
        /// The answers file.
        file: PathBuf,
        /// The item being confirmed.
        item: String,
        /// What went wrong.
        error: EditError,
    },
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl ConfirmError {
    /// The message in Japanese and English.
    pub fn text(&self) -> Text {
        match self {
            ConfirmError::Load(e) => e.text(),
            ConfirmError::NoAnswers => tr!(
                "回答ファイルがないか、エラーがあります。anzen check で確かめてください",
                "the answers file is missing or has errors; run `anzen check`"
            ),
            ConfirmError::Symlink(p) => tr!(
                "{} はシンボリックリンクです。リンク先を書き換えないよう、確認の記録を中止しました（何も書き込んでいません）。リンクではなくファイルそのものを置いてください",
                "{} is a symbolic link; refusing to edit through it (nothing written). Put the file itself there, not a link";
                terminal::path(p)
            ),
            ConfirmError::Unanswered(item) => tr!(
                "項目 {} の回答が回答ファイルにありません",
                "item {} has no answer in the answers file"; terminal::text(item)
            ),
            ConfirmError::Standard => tr!(
                "anzen.yaml で指定した基準にエラーがあります。anzen check で確かめてください",
                "the standard named in anzen.yaml has errors; run `anzen check`"
            ),
            ConfirmError::Read(p, e) => tr!(
                "{} を読み込めません: {}", "cannot read {}: {}"; terminal::path(p), e
            ),
            ConfirmError::Edit { file, item, error } => {
                let (why, file, item) = (error.text(), terminal::path(file), terminal::text(item));
                Text::new(
                    format!(
                        "{file}: 項目 {item} の確認を記録できません。{}。書き込みを中止しました（ファイルは変更していません）",
                        why.ja
                    ),
                    format!(
                        "{file}: cannot record the confirmation of item {item}: {}; not written (the file is unchanged)",
                        why.en
                    ),
                )
            }
            ConfirmError::Write(e) => e.text(),
        }
    }
}

/// Why one `confirmed:` value could not be set in the answers text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// The text has YAML errors (or no `answers:` list) as it is.
    #[error("the answers file has YAML errors")]
    Invalid,
    /// No entry for the item.
    #[error("no entry for the item")]
    NotFound,
    /// The edited text would not parse.
    #[error("the edited file would not parse")]
    WouldNotParse,
    /// The edited text would read differently in some other value.
    #[error("the edit would change other values")]
    WouldChange,
}

impl EditError {
    /// The reason in Japanese and English.
    pub fn text(&self) -> Text {
        match self {
            EditError::Invalid => tr!(
                "回答ファイルに YAML のエラーがあります（anzen check で確かめてください）",
                "the answers file has YAML errors (see `anzen check`)"
            ),
            EditError::NotFound => tr!(
                "回答ファイルにこの項目の回答がありません",
                "the answers file has no entry for this item"
            ),
            EditError::WouldNotParse => tr!(
                "書き換えると YAML として読めなくなります",
                "the edited file would not parse as YAML"
            ),
            EditError::WouldChange => tr!(
                "書き換えると confirmed 以外の値まで変わってしまいます（アンカーと別名 & * など）。confirmed: を手で書き加えてください",
                "the edit would change values other than `confirmed` (anchors and aliases & * ...); add `confirmed:` by hand"
            ),
        }
    }
}

/// Confirms `items` (every answered item when `items` is empty).
pub fn confirm(
    root: &Path,
    load_options: &LoadOptions,
    items: &[String],
) -> Result<ConfirmReport, ConfirmError> {
    let ws = Workspace::load(root, load_options).map_err(|e| match e {
        OpenError::Load(e) => ConfirmError::Load(e),
        OpenError::Standard(_) => ConfirmError::Standard,
    })?;
    let project = &ws.project;
    // The loader never follows a link in the content folder, so a linked
    // answers file reads as missing: say what it is instead.
    let expected = root
        .join(&project.config.content_dir)
        .join(load::ANSWERS_FILE);
    if write::is_link(&expected) {
        return Err(ConfirmError::Symlink(expected));
    }
    let cx = ws.context();
    let answers = project.answers.as_ref().ok_or(ConfirmError::NoAnswers)?;
    let wanted: Vec<String> = if items.is_empty() {
        answers.answers.iter().map(|a| a.item.clone()).collect()
    } else {
        items.to_vec()
    };
    let path = root.join(&answers.file);
    if write::is_link(&path) {
        return Err(ConfirmError::Symlink(path));
    }
    let original = std::fs::read(&path)
        .and_then(|b| {
            String::from_utf8(b)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
        })
        .map_err(|e| ConfirmError::Read(path.clone(), e))?;
    let mut text = original.clone();
    let date = project.as_of.to_string();
    let mut report = ConfirmReport {
        file: path.clone(),
        ..Default::default()
    };
    for item in &wanted {
        let answer = answers
            .answers
            .iter()
            .find(|a| &a.item == item)
            .ok_or_else(|| ConfirmError::Unanswered(item.clone()))?;
        match evidence::fingerprint(&cx, answer) {
            Some(fp) => {
                text =
                    set_confirmed(&text, item, &date, &fp).map_err(|error| ConfirmError::Edit {
                        file: path.clone(),
                        item: item.clone(),
                        error,
                    })?;
                report.confirmed.push((item.clone(), fp));
            }
            None => report.skipped.push(item.clone()),
        }
    }
    if text != original {
        write::file(&path, text.as_bytes())?;
    }
    Ok(report)
}

/// Sets `confirmed: {date: …, fingerprint: "…"}` in the answer to `item`,
/// replacing an existing `confirmed` value in place or adding one after the
/// entry's last value (inside the braces of a flow-style entry). Comments,
/// line endings, a BOM and the final newline (or its absence) are kept. The
/// result is parsed again and refused unless it reads exactly as `text`
/// does but for that one value.
pub fn set_confirmed(
    text: &str,
    item: &str,
    date: &str,
    fingerprint: &str,
) -> Result<String, EditError> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let before = tree(body).ok_or(EditError::Invalid)?;
    let (index, entry) = find_entry(&before, item)?;
    let extent = entry_extent(body, &before, index).ok_or(EditError::Invalid)?;
    let value = format!(
        "{{date: {date}, fingerprint: {}}}",
        serde_json::to_string(fingerprint).unwrap_or_default()
    );
    let expected = with_confirmed(&before, index, date, fingerprint);
    let mut last = EditError::WouldChange;
    for (at, end, insert) in edits(body, entry, &extent, &value) {
        let edited = format!("{}{insert}{}", &body[..at], &body[end..]);
        let Some(after) = tree(&edited) else {
            last = EditError::WouldNotParse;
            continue;
        };
        if same(&after, &expected) {
            return Ok(format!("{bom}{edited}"));
        }
        last = EditError::WouldChange;
    }
    Err(last)
}

/// The tree of `body` as the loader reads it (line endings folded to LF),
/// if it parses without a problem.
fn tree(body: &str) -> Option<Node> {
    let parsed = if body.contains('\r') {
        yaml::parse(&body.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        yaml::parse(body)
    };
    if !parsed.errors.is_empty() {
        return None;
    }
    parsed.root
}

/// The position of the answer entry for `item` in the `answers:` list.
fn find_entry<'n>(root: &'n Node, item: &str) -> Result<(usize, &'n Node), EditError> {
    let Some(NodeKind::Seq(entries)) = root.get("answers").map(|n| &n.kind) else {
        return Err(EditError::Invalid);
    };
    entries
        .iter()
        .enumerate()
        .find(|(_, e)| e.get("item").and_then(Node::as_str) == Some(item))
        .ok_or(EditError::NotFound)
}

/// The extent of entry `index` of the `answers:` list, checked to have the
/// shape of the tree (so that pairs and items line up).
fn entry_extent(body: &str, root: &Node, index: usize) -> Option<Extent> {
    let ext = yaml::extents(body)?;
    let NodeKind::Map(pairs) = &root.kind else {
        return None;
    };
    let at = pairs.iter().position(|(k, _)| k.text == "answers")?;
    if ext.items.len() != pairs.len() * 2 {
        return None;
    }
    let list = ext.items.into_iter().nth(at * 2 + 1)?;
    let entry = list.items.into_iter().nth(index)?;
    let node = match &root.get("answers")?.kind {
        NodeKind::Seq(entries) => entries.get(index)?,
        _ => return None,
    };
    match &node.kind {
        NodeKind::Map(pairs) if entry.items.len() == pairs.len() * 2 => Some(entry),
        _ => None,
    }
}

/// The candidate edits, best first, as (start, end, text to put there).
fn edits(body: &str, entry: &Node, ext: &Extent, value: &str) -> Vec<(usize, usize, String)> {
    let eol = line_ending(body);
    let NodeKind::Map(pairs) = &entry.kind else {
        return Vec::new();
    };
    // An existing value is replaced from the end of its key on.
    if let Some(i) = pairs.iter().position(|(k, _)| k.text == "confirmed") {
        let (key, old) = (&ext.items[i * 2], &ext.items[i * 2 + 1]);
        let colon = body[key.end..]
            .find(|c: char| c != ' ' && c != '\t')
            .filter(|&n| body[key.end + n..].starts_with(':'))
            .map_or(key.end, |n| key.end + n + 1);
        let end = old.end.max(colon);
        let mut insert = format!(": {value}");
        if end > key.end && ends_with_break(&body[..end]) {
            insert.push_str(eol);
        }
        return vec![(key.end, end, insert)];
    }
    if ext.flow {
        // Inside the braces, after the last value (before the brace when
        // the last value is empty or there is none).
        let close = ext.end.saturating_sub(1);
        let at = match ext.items.last() {
            Some(last) if last.end > last.start => last.end,
            _ => body[..close].trim_end().len(),
        };
        let sep = if pairs.is_empty() || body[..at].trim_end().ends_with(',') {
            " "
        } else {
            ", "
        };
        return vec![(at, at, format!("{sep}confirmed: {value}"))];
    }
    // A block entry: a new line after the line its last value ends on, at
    // the column of its keys.
    let first = ext.items.first().map_or(ext.start, |k| k.start);
    let indent = " ".repeat(body[line_start(body, first)..first].chars().count());
    let line = format!("{indent}confirmed: {value}");
    let end = ext.end;
    let start_of_end = line_start(body, end);
    if body[start_of_end..end]
        .bytes()
        .all(|b| b == b' ' || b == b'\t')
    {
        // The last value (a block scalar) ends at a line start. Its
        // trailing blank lines are kept after it unless it keeps them (`|+`).
        let mut candidates = Vec::new();
        let mut at = start_of_end;
        while at > first {
            let prev = line_start(body, at - 1 - usize::from(body[..at].ends_with("\r\n")));
            if prev < first || !body[prev..at].trim().is_empty() {
                break;
            }
            at = prev;
        }
        if at < start_of_end {
            candidates.push((at, at, format!("{line}{eol}")));
        }
        if end == body.len() && !body.is_empty() && !ends_with_break(body) {
            candidates.push((end, end, format!("{eol}{line}")));
        } else {
            candidates.push((start_of_end, start_of_end, format!("{line}{eol}")));
        }
        return candidates;
    }
    match after_line(body, end) {
        Some(at) => vec![(at, at, format!("{line}{eol}"))],
        None => vec![(body.len(), body.len(), format!("{eol}{line}"))],
    }
}

/// The line ending the text uses (its first), LF when it has none.
fn line_ending(body: &str) -> &'static str {
    match body.find(['\n', '\r']) {
        Some(i) if body[i..].starts_with("\r\n") => "\r\n",
        Some(i) if body[i..].starts_with('\r') => "\r",
        _ => "\n",
    }
}

fn ends_with_break(s: &str) -> bool {
    s.ends_with('\n') || s.ends_with('\r')
}

/// The start of the line `at` is on.
fn line_start(body: &str, at: usize) -> usize {
    body[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// The start of the line after the one `at` is on; `None` on the last line.
fn after_line(body: &str, at: usize) -> Option<usize> {
    let i = at + body[at..].find(['\n', '\r'])?;
    Some(if body[i..].starts_with("\r\n") {
        i + 2
    } else {
        i + 1
    })
}

/// `root` with entry `index` of `answers:` holding the new confirmation:
/// in place of an old one, else after its last key.
fn with_confirmed(root: &Node, index: usize, date: &str, fingerprint: &str) -> Node {
    let scalar = |text: &str, quoted: bool| Node {
        kind: NodeKind::Scalar {
            text: text.to_string(),
            quoted,
        },
        line: 0,
        column: 0,
    };
    let key = |text: &str| Key {
        text: text.to_string(),
        line: 0,
        column: 0,
    };
    let value = Node {
        kind: NodeKind::Map(vec![
            (key("date"), scalar(date, false)),
            (key("fingerprint"), scalar(fingerprint, true)),
        ]),
        line: 0,
        column: 0,
    };
    let mut root = root.clone();
    if let NodeKind::Map(pairs) = &mut root.kind
        && let Some((_, list)) = pairs.iter_mut().find(|(k, _)| k.text == "answers")
        && let NodeKind::Seq(entries) = &mut list.kind
        && let Some(NodeKind::Map(entry)) = entries.get_mut(index).map(|e| &mut e.kind)
    {
        match entry.iter_mut().find(|(k, _)| k.text == "confirmed") {
            Some((_, old)) => *old = value,
            None => entry.push((key("confirmed"), value)),
        }
    }
    root
}

/// Whether two trees hold the same values, positions aside.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Null, NodeKind::Null) => true,
        (NodeKind::Scalar { .. }, NodeKind::Scalar { .. }) => a.kind == b.kind,
        (NodeKind::Seq(x), NodeKind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (NodeKind::Map(x), NodeKind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx.text == ky.text && same(vx, vy))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{EditError, set_confirmed};

    const SRC: &str = "answers:\n  # 1\n  - item: \"1\"\n    answer: はい\n    evidence:\n      - a#b\n\n  # 2\n  - item: \"2-1\"\n    answer: はい\n    confirmed:\n      date: 2026-01-01\n      fingerprint: old\n    note: x\n";

    #[test]
    fn a_confirmation_is_added_at_the_end_of_the_entry_before_comments() {
        let out = set_confirmed(SRC, "1", "2026-11-20", "sha256:ab").unwrap();
        assert!(out.contains("      - a#b\n    confirmed: {date: 2026-11-20, fingerprint: \"sha256:ab\"}\n\n  # 2\n"), "{out}");
    }

    #[test]
    fn an_existing_block_confirmation_is_replaced() {
        let out = set_confirmed(SRC, "2-1", "2026-11-20", "sha256:cd").unwrap();
        assert!(out.contains("    answer: はい\n    confirmed: {date: 2026-11-20, fingerprint: \"sha256:cd\"}\n    note: x\n"), "{out}");
        assert!(!out.contains("old"));
    }

    #[test]
    fn a_block_scalar_keeps_its_trailing_blank_lines_when_it_keeps_them() {
        let src = "answers:\n  - item: \"1\"\n    note: |+\n      x\n\n  - item: \"2\"\n";
        let out = set_confirmed(src, "1", "2026-11-20", "sha256:ab").unwrap();
        assert_eq!(
            out,
            "answers:\n  - item: \"1\"\n    note: |+\n      x\n\n    confirmed: {date: 2026-11-20, fingerprint: \"sha256:ab\"}\n  - item: \"2\"\n"
        );
        let clipped = src.replace("|+", "|");
        let out = set_confirmed(&clipped, "1", "2026-11-20", "sha256:ab").unwrap();
        assert!(
            out.contains(
                "      x\n    confirmed: {date: 2026-11-20, fingerprint: \"sha256:ab\"}\n\n  - item"
            ),
            "{out}"
        );
    }

    #[test]
    fn an_empty_or_flow_confirmation_and_an_empty_flow_value_are_handled() {
        let empty = "answers:\n  - item: \"1\"\n    confirmed:\n    note: x\n";
        let out = set_confirmed(empty, "1", "2026-11-20", "sha256:ab").unwrap();
        assert!(
            out.contains(
                "    confirmed: {date: 2026-11-20, fingerprint: \"sha256:ab\"}\n    note: x\n"
            ),
            "{out}"
        );
        let flow = "answers: [{item: \"1\", confirmed: {date: 2026-01-01, fingerprint: \"x\"}, note: y}]\n";
        let out = set_confirmed(flow, "1", "2026-11-20", "sha256:ab").unwrap();
        assert_eq!(
            out,
            "answers: [{item: \"1\", confirmed: {date: 2026-11-20, fingerprint: \"sha256:ab\"}, note: y}]\n"
        );
        let trailing = "answers:\n  - {item: \"1\", note: , }\n";
        let out = set_confirmed(trailing, "1", "2026-11-20", "sha256:ab").unwrap();
        assert!(out.contains("confirmed: {date: 2026-11-20"), "{out}");
    }

    #[test]
    fn a_comment_after_the_last_value_stays_after_the_confirmation() {
        let flow = "answers:\n  - {item: \"1\",\n     note: \"x # y\" # c\n    }\n";
        let out = set_confirmed(flow, "1", "2026-11-20", "sha256:ab").unwrap();
        assert_eq!(
            out,
            "answers:\n  - {item: \"1\",\n     note: \"x # y\", confirmed: {date: 2026-11-20, fingerprint: \"sha256:ab\"} # c\n    }\n"
        );
        let block = "answers:\n  - item: \"1\"\n    note: 'x' # c\n# end";
        let out = set_confirmed(block, "1", "2026-11-20", "sha256:ab").unwrap();
        assert_eq!(
            out,
            "answers:\n  - item: \"1\"\n    note: 'x' # c\n    confirmed: {date: 2026-11-20, fingerprint: \"sha256:ab\"}\n# end"
        );
    }

    #[test]
    fn an_edit_that_would_change_another_value_is_refused() {
        let aliased = "answers:\n  - &e\n    item: \"1\"\n    answer: はい\ncopy: *e\n";
        assert_eq!(
            set_confirmed(aliased, "1", "2026-11-20", "sha256:ab"),
            Err(EditError::WouldChange)
        );
        assert_eq!(
            set_confirmed("answers: [\n", "1", "2026-11-20", "sha256:ab"),
            Err(EditError::Invalid)
        );
        assert_eq!(
            set_confirmed(SRC, "9", "2026-11-20", "sha256:ab"),
            Err(EditError::NotFound)
        );
    }
}
