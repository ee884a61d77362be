//! What the checks need from a document's Markdown: its headings (with
//! stable ids: `{#id}` or a slug that keeps Japanese text) and its links,
//! each with its line and column in the file.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::diag::Location;
use crate::model::{Link, Section};

/// The pulldown-cmark options anzen uses everywhere.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Headings and links of a Markdown body that starts at `body_line` of `file`.
pub fn outline(body: &str, body_line: usize, file: &str) -> (Vec<Section>, Vec<Link>) {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    // Columns are counted on from the last position asked for on the same
    // line, so that a long line with many links is not quadratic.
    let mut last: (usize, usize, usize) = (0, 0, 1); // (line index, offset, column)
    let mut pos = |offset: usize| -> (usize, usize) {
        let offset = offset.min(body.len());
        let idx = line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let (from, col) = if last.0 == idx && last.1 <= offset && last.1 >= line_starts[idx] {
            (last.1, last.2)
        } else {
            (line_starts[idx], 1)
        };
        let col = col + body.get(from..offset).map_or(0, |t| t.chars().count());
        last = (idx, offset, col);
        (body_line + idx, col)
    };
    let mut sections = Vec::new();
    let mut used: HashSet<String> = HashSet::new();
    let mut next: HashMap<String, usize> = HashMap::new();
    let mut links = Vec::new();
    let mut heading: Option<(u8, Option<String>, String, usize)> = None;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((
                    level_number(level),
                    id.map(|s| s.to_string()),
                    String::new(),
                    pos(range.start).0,
                ));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, id, title, line)) = heading.take() {
                    let title = title.trim().to_string();
                    let id = id.unwrap_or_else(|| unique(&slug(&title), &used, &mut next));
                    used.insert(id.clone());
                    sections.push(Section {
                        id,
                        title,
                        level,
                        line,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, title, _)) = heading.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let (line, column) = pos(range.start);
                links.push(Link {
                    target: dest_url.to_string(),
                    location: Location::new(file, line, column),
                });
            }
            _ => {}
        }
    }
    (sections, links)
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A stable heading id: letters and digits of any script kept (so Japanese
/// headings keep their text), ASCII lowercased, spaces to `-`, the rest
/// dropped.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '\u{3000}')
            && !out.ends_with('-')
            && !out.is_empty()
        {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

/// `base`, or `base-1`, `base-2`... (the first not yet used). `next`
/// remembers where each base's search stopped (every number below it is
/// taken, and ids are never released), so many headings with one title
/// stay linear.
fn unique(base: &str, used: &HashSet<String>, next: &mut HashMap<String, usize>) -> String {
    if !used.contains(base) {
        return base.to_string();
    }
    let n = next.entry(base.to_string()).or_insert(1);
    while used.contains(&format!("{base}-{n}")) {
        *n += 1;
    }
    format!("{base}-{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_heading_ids_win_and_japanese_slugs_are_kept() {
        let (s, _) = outline(
            "# 規程\n\n## 組織的安全管理措置 {#organizational}\n\n## 人的　安全 Management\n",
            5,
            "a.md",
        );
        assert_eq!(s[0].id, "規程");
        assert_eq!(s[1].id, "organizational");
        assert_eq!(s[1].line, 7);
        assert_eq!(s[2].id, "人的-安全-management");
    }

    #[test]
    fn repeated_headings_get_numbered_ids() {
        let (s, _) = outline("## 概要\n## 概要\n", 1, "a.md");
        assert_eq!(s[1].id, "概要-1");
    }

    #[test]
    fn links_are_located() {
        let (_, l) = outline(
            "前文\n\n本文は[手順](procedure#takeout)を参照。\n",
            10,
            "a.md",
        );
        assert_eq!(l[0].target, "procedure#takeout");
        assert_eq!((l[0].location.line, l[0].location.column), (12, 4));
    }
}
