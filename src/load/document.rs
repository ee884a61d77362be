//! Loading one Markdown document: front matter into the typed
//! [`FrontMatter`](crate::model::document::FrontMatter), body into its
//! outline.

use crate::diag::{Finding, Location};
use crate::load::frontmatter::{self, SplitError};
use crate::load::markdown;
use crate::model::Document;
use crate::model::document::FrontMatter;
use crate::tr;
use crate::yaml;

/// Parses a document's text; problems go to `findings`.
pub fn parse(
    text: &str,
    file: &str,
    content_path: &str,
    findings: &mut Vec<Finding>,
) -> Option<Document> {
    let split = match frontmatter::split(text) {
        Ok(s) => s,
        Err(SplitError::Missing) => {
            findings.push(
                Finding::error("frontmatter.missing", tr!("フロントマターがありません", "no front matter"))
                    .at(Location::new(file, 1, 1))
                    .hint(tr!(
                        "1行目を `---` にし、id・kind・title などを書いて `---` で閉じてください",
                        "start the file with a `---` line, then id, kind, title..., then a closing `---`"
                    )),
            );
            return None;
        }
        Err(SplitError::Unclosed) => {
            findings.push(
                Finding::error(
                    "frontmatter.unclosed",
                    tr!(
                        "フロントマターが `---` で閉じられていません",
                        "front matter is never closed"
                    ),
                )
                .at(Location::new(file, 1, 1))
                .hint(tr!(
                    "フロントマターの最後に `---` の行を入れてください",
                    "add a `---` line after the front matter"
                )),
            );
            return None;
        }
    };
    let parsed = yaml::parse(split.yaml);
    let offset = split.yaml_line - 1;
    for e in &parsed.errors {
        findings.push(yaml_finding(e, file, offset));
    }
    let mut root = parsed.root?;
    root.shift_lines(offset);
    let meta: FrontMatter = match yaml::deserialize(&root) {
        Ok(m) => m,
        Err(e) => {
            findings.push(yaml_finding(&e, file, 0));
            return None;
        }
    };
    let line_of = |key: &str| root.key(key).map(|k| k.line);
    let id_line = line_of("id").unwrap_or(1);
    let satisfies_lines = match root.get("satisfies").map(|n| &n.kind) {
        Some(yaml::NodeKind::Seq(items)) => items.iter().map(|n| n.line).collect(),
        _ => Vec::new(),
    };
    let (sections, links) = markdown::outline(split.body, split.body_line, file);
    Some(Document {
        approval_line: line_of("approval").unwrap_or(id_line),
        review_line: line_of("review_by").unwrap_or(id_line),
        meta,
        file: file.to_string(),
        content_path: content_path.to_string(),
        id_line,
        satisfies_lines,
        sections,
        links,
        body: split.body.to_string(),
        body_line: split.body_line,
        edited_after_approval: None,
    })
}

pub use crate::yaml::finding as yaml_finding;
