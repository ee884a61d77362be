//! `anzen confirm <item>...`: records, in the answers file, that a person
//! re-read an answer's evidence: today's (as-of) date and the fingerprint of
//! the cited sections. The file is edited in place, line by line, so its
//! comments and layout stay as the author wrote them.

use std::path::{Path, PathBuf};

use crate::check::{Context, evidence};
use crate::load::yaml::{self, NodeKind};
use crate::load::{self, LoadOptions};
use crate::standard::{self, LedgerKinds};

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
    /// An item that is not answered.
    #[error("item {0} has no answer in the answers file")]
    Unanswered(String),
    /// The standard could not be loaded.
    #[error("the standard named in anzen.yaml has errors; run `anzen check`")]
    Standard,
    /// Writing failed.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

/// Confirms `items` (every answered item when `items` is empty).
pub fn confirm(
    root: &Path,
    load_options: &LoadOptions,
    items: &[String],
) -> Result<ConfirmReport, ConfirmError> {
    let (project, _) = load::load(root, load_options)?;
    let std =
        standard::resolve(root, &project.config.standards).map_err(|_| ConfirmError::Standard)?;
    let kinds = LedgerKinds::bundled();
    let cx = Context::new(&project, &std, &kinds);
    let answers = project.answers.as_ref().ok_or(ConfirmError::NoAnswers)?;
    let wanted: Vec<String> = if items.is_empty() {
        answers.answers.iter().map(|a| a.item.clone()).collect()
    } else {
        items.to_vec()
    };
    let path = root.join(&answers.file);
    let mut text =
        std::fs::read_to_string(&path).map_err(|e| ConfirmError::Io(answers.file.clone(), e))?;
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
                text = set_confirmed(&text, item, &date, &fp).ok_or(ConfirmError::NoAnswers)?;
                report.confirmed.push((item.clone(), fp));
            }
            None => report.skipped.push(item.clone()),
        }
    }
    let tmp = path.with_extension("yaml.tmp");
    std::fs::write(&tmp, &text).map_err(|e| ConfirmError::Io(tmp.display().to_string(), e))?;
    std::fs::rename(&tmp, &path).map_err(|e| ConfirmError::Io(path.display().to_string(), e))?;
    Ok(report)
}

/// Sets `confirmed: {date: …, fingerprint: "…"}` in the answer to `item`,
/// replacing an existing `confirmed` block or adding one at the end of the
/// entry; `None` if the entry is not found.
pub fn set_confirmed(text: &str, item: &str, date: &str, fingerprint: &str) -> Option<String> {
    let parsed = yaml::parse(text);
    let root = parsed.root?;
    let NodeKind::Seq(entries) = &root.get("answers")?.kind else {
        return None;
    };
    let lines: Vec<&str> = text.lines().collect();
    let idx = entries
        .iter()
        .position(|e| e.get("item").and_then(|n| n.as_str()) == Some(item))?;
    let entry = &entries[idx];
    let indent = " ".repeat(entry.column.saturating_sub(1));
    let new_line = format!("{indent}confirmed: {{date: {date}, fingerprint: \"{fingerprint}\"}}");
    // The entry spans up to the next entry (or the end), less trailing
    // blank lines and comments (they introduce what follows).
    let start = entry.line - 1;
    let mut end = entries
        .get(idx + 1)
        .map(|n| n.line - 1)
        .unwrap_or(lines.len());
    while end > start + 1
        && (lines[end - 1].trim().is_empty() || lines[end - 1].trim_start().starts_with('#'))
    {
        end -= 1;
    }
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    if let Some(key) = entry.key("confirmed") {
        // Replace the key's line and any deeper-indented lines after it.
        let first = key.line - 1;
        let mut last = first + 1;
        while last < end
            && lines[last].len() - lines[last].trim_start().len() > key.column - 1
            && !lines[last].trim().is_empty()
        {
            last += 1;
        }
        out.splice(first..last, [new_line]);
    } else {
        out.insert(end, new_line);
    }
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::set_confirmed;

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
}
