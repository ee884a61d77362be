//! Edits block-style YAML as text, line by line, so that a test can change
//! one value of a project file and keep everything else (comments, quoting,
//! the line of every other value) as it was. A path names the node:
//! `contract.work_start`, `entries[id=TO-2026-005].approver`,
//! `answers[item=5-8]`. Anything the sample's files do not use (flow
//! mappings, anchors, block scalars) is out of scope: a path that does not
//! lead anywhere panics, so a test cannot silently test nothing.

use std::ops::Range;

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// The value of a mapping key.
    Key(String),
    /// The list item whose `field` is `value` (`[id=S001]`), or, with no
    /// field, the scalar item `value` (`[=drills]`).
    Item { field: String, value: String },
}

/// The parts of a path between dots outside brackets (`S1.1` in
/// `[requirement=S1.1]` is one value).
fn split_path(path: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in path.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '.' if depth == 0 => {
                parts.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&path[start..]);
    parts
}

fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in split_path(path) {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], Some(&part[i..])),
            None => (part, None),
        };
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        if let Some(rest) = rest {
            let inner = rest
                .strip_prefix('[')
                .and_then(|r| r.strip_suffix(']'))
                .unwrap_or_else(|| panic!("bad path step {part:?} in {path:?}"));
            let (field, value) = inner
                .split_once('=')
                .unwrap_or_else(|| panic!("bad item selector {inner:?} in {path:?}"));
            steps.push(Step::Item {
                field: field.to_string(),
                value: value.to_string(),
            });
        }
    }
    assert!(!steps.is_empty(), "empty path");
    steps
}

/// A region of lines whose keys (or items) sit at one indentation. The
/// first line of a list item is read with its `- ` as indentation.
#[derive(Debug, Clone, Copy)]
struct Block {
    start: usize,
    end: usize,
    /// The indentation of the keys, or of the `- ` of the items.
    indent: usize,
    /// The block is one list item: its first line starts with `- `.
    item: bool,
}

/// A found node: its lines and how its first line begins.
#[derive(Debug, Clone)]
struct Node {
    lines: Range<usize>,
    /// Indentation of the key (or of the item's `- `).
    indent: usize,
    /// The node's key is on the first line of a list item (after `- `).
    after_dash: bool,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_filler(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The indentation and text of line `i` in `block` (the `- ` of an item's
/// first line counted as indentation).
fn content(lines: &[String], block: Block, i: usize) -> (usize, &str) {
    let line = lines[i].as_str();
    let ind = indent_of(line);
    let text = &line[ind..];
    if block.item && i == block.start {
        let rest = text.strip_prefix('-').unwrap_or(text);
        let after = rest.len() - rest.trim_start_matches(' ').len();
        (ind + 1 + after, &rest[after..])
    } else {
        (ind, text)
    }
}

/// The end of the value that starts after line `first` at indentation
/// `indent`: the next content line indented no deeper (a `- ` at the same
/// indentation continues a value written as `key:\n- a`), trailing comments
/// and blank lines left out.
fn value_end(lines: &[String], first: usize, end: usize, indent: usize, seq_same: bool) -> usize {
    let mut last = first + 1;
    for (i, line) in lines.iter().enumerate().take(end).skip(first + 1) {
        if is_filler(line) {
            continue;
        }
        let ind = indent_of(line);
        if ind < indent || (ind == indent && !(seq_same && line[ind..].starts_with("- "))) {
            break;
        }
        last = i + 1;
    }
    last
}

fn key_of(text: &str) -> Option<(&str, &str)> {
    let (key, rest) = text.split_once(':')?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let key = key.trim().trim_matches('"').trim_matches('\'');
    Some((key, rest.trim()))
}

/// A scalar's text without its quotes and comment.
fn scalar(value: &str) -> &str {
    let v = value.trim();
    if let Some(inner) = v.strip_prefix('"').and_then(|r| r.split_once('"')) {
        return inner.0;
    }
    if let Some(inner) = v.strip_prefix('\'').and_then(|r| r.split_once('\'')) {
        return inner.0;
    }
    v.split(" #").next().unwrap_or(v).trim()
}

fn find_key(lines: &[String], block: Block, key: &str) -> Option<Node> {
    for i in block.start..block.end {
        if is_filler(&lines[i]) {
            continue;
        }
        let (ind, text) = content(lines, block, i);
        if ind != block.indent {
            continue;
        }
        if let Some((k, v)) = key_of(text)
            && k == key
        {
            let end = value_end(lines, i, block.end, ind, v.is_empty());
            return Some(Node {
                lines: i..end,
                indent: ind,
                after_dash: block.item && i == block.start,
            });
        }
    }
    None
}

/// The block inside a key's value (its children).
fn inner(lines: &[String], node: &Node) -> Block {
    let start = node.lines.start + 1;
    let indent = (start..node.lines.end)
        .find(|&i| !is_filler(&lines[i]))
        .map(|i| indent_of(&lines[i]))
        .unwrap_or(node.indent + 2);
    Block {
        start,
        end: node.lines.end,
        indent,
        item: false,
    }
}

/// The list items of `block` (a sequence's lines).
fn items(lines: &[String], block: Block) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = block.start;
    while i < block.end {
        let line = &lines[i];
        if !is_filler(line) && indent_of(line) == block.indent && line.trim_start().starts_with('-')
        {
            let end = value_end(lines, i, block.end, block.indent, false);
            out.push(Block {
                start: i,
                end,
                indent: block.indent,
                item: true,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// The keys of an item sit after its `- `.
fn item_keys(lines: &[String], item: Block) -> Block {
    let (ind, _) = content(lines, item, item.start);
    Block {
        indent: ind,
        ..item
    }
}

fn find_item(lines: &[String], seq: Block, field: &str, value: &str) -> Option<Node> {
    items(lines, seq).into_iter().find_map(|item| {
        let keys = item_keys(lines, item);
        if field.is_empty() {
            let (_, text) = content(lines, keys, item.start);
            return (key_of(text).is_none() && scalar(text) == value).then_some(Node {
                lines: item.start..item.end,
                indent: item.indent,
                after_dash: false,
            });
        }
        let node = find_key(lines, keys, field)?;
        let (_, text) = content(lines, keys, node.lines.start);
        let (_, v) = key_of(text)?;
        (scalar(v) == value).then_some(Node {
            lines: item.start..item.end,
            indent: item.indent,
            after_dash: false,
        })
    })
}

/// Where a path leads: the node if it is there, else the block it would
/// be added to.
enum Found {
    Node(Node),
    Missing {
        parent: Block,
        step: Step,
        /// The line of the key whose list the missing item would join.
        owner: Option<usize>,
    },
}

fn walk(lines: &[String], region: Block, path: &str) -> Found {
    let steps = parse_path(path);
    let mut block = region;
    let mut seq: Option<Block> = None;
    let mut owner: Option<usize> = None;
    for (n, step) in steps.iter().enumerate() {
        let last = n + 1 == steps.len();
        let found = match step {
            Step::Key(k) => find_key(lines, block, k),
            Step::Item { field, value } => {
                let s = seq.unwrap_or_else(|| panic!("{path:?}: [..] must follow a key"));
                find_item(lines, s, field, value)
            }
        };
        let Some(node) = found else {
            if last {
                let parent = match step {
                    Step::Key(_) => block,
                    Step::Item { .. } => seq.unwrap(),
                };
                return Found::Missing {
                    parent,
                    step: step.clone(),
                    owner,
                };
            }
            panic!("{path:?}: no {step:?}");
        };
        if last {
            return Found::Node(node);
        }
        match step {
            Step::Key(_) => {
                let b = inner(lines, &node);
                seq = Some(b);
                block = b;
                owner = Some(node.lines.start);
            }
            Step::Item { .. } => {
                let item = Block {
                    start: node.lines.start,
                    end: node.lines.end,
                    indent: node.indent,
                    item: true,
                };
                block = item_keys(lines, item);
                seq = None;
                owner = None;
            }
        }
    }
    unreachable!()
}

/// Strips a common indentation and the leading and trailing blank lines,
/// so a value can be written as an indented raw string.
pub fn dedent(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let lines = &lines[first..=last];
    let common = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent_of(l))
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(common..).unwrap_or("").trim_end().to_string())
        .collect()
}

/// `key: value` at `indent`, or `key:` and the value's lines below it.
fn key_lines(indent: usize, dash: bool, key: &str, value: &str) -> Vec<String> {
    let value_lines = dedent(value);
    let pad = " ".repeat(indent);
    let lead = if dash {
        format!("{}- ", " ".repeat(indent - 2))
    } else {
        pad.clone()
    };
    match value_lines.as_slice() {
        [] => vec![format!("{lead}{key}:")],
        [one] if !one.starts_with("- ") && key_of(one).is_none() => {
            vec![format!("{lead}{key}: {one}")]
        }
        many => {
            let mut out = vec![format!("{lead}{key}:")];
            out.extend(many.iter().map(|l| {
                if l.is_empty() {
                    String::new()
                } else {
                    format!("{pad}  {l}")
                }
            }));
            out
        }
    }
}

/// A list item: `- field: value` and the body's keys under it.
fn item_lines(indent: usize, head: &str, body: &str) -> Vec<String> {
    let pad = " ".repeat(indent);
    let mut out = vec![format!("{pad}- {head}")];
    out.extend(dedent(body).iter().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!("{pad}  {l}")
        }
    }));
    out
}

/// Text split into lines, with the region a path is read in (the whole
/// file, or a document's front matter).
pub struct Yaml {
    lines: Vec<String>,
    region: Block,
    trailing_newline: bool,
}

impl Yaml {
    /// A YAML file (`front_matter`: the region between the first two `---`
    /// lines of a Markdown document).
    pub fn new(text: &str, front_matter: bool) -> Yaml {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let region = if front_matter {
            assert_eq!(
                lines.first().map(String::as_str),
                Some("---"),
                "no front matter"
            );
            let close = lines
                .iter()
                .skip(1)
                .position(|l| l == "---")
                .expect("front matter not closed")
                + 1;
            Block {
                start: 1,
                end: close,
                indent: 0,
                item: false,
            }
        } else {
            Block {
                start: 0,
                end: lines.len(),
                indent: 0,
                item: false,
            }
        };
        Yaml {
            lines,
            region,
            trailing_newline: text.ends_with('\n') || text.is_empty(),
        }
    }

    /// The text.
    pub fn text(&self) -> String {
        let mut t = self.lines.join("\n");
        if self.trailing_newline && !self.lines.is_empty() {
            t.push('\n');
        }
        t
    }

    /// The 1-based line where the node at `path` starts; panics if there
    /// is none.
    pub fn line(&self, path: &str) -> u64 {
        match walk(&self.lines, self.region, path) {
            Found::Node(n) => n.lines.start as u64 + 1,
            Found::Missing { .. } => panic!("{path:?} is not there"),
        }
    }

    /// Sets the node at `path` to `value` (YAML: a scalar on one line, or a
    /// block of lines for a mapping or list; for a list item, the item's
    /// other keys). A missing last step is added at the end of its parent.
    pub fn set(&mut self, path: &str, value: &str) {
        let (range, new) = match walk(&self.lines, self.region, path) {
            Found::Node(node) => {
                let first = self.lines[node.lines.start].clone();
                let new = if first.trim_start().starts_with("- ") && !node.after_dash {
                    // A whole list item: keep its `- field: value` line
                    // unless the body writes that key itself.
                    let item = Block {
                        start: node.lines.start,
                        end: node.lines.end,
                        indent: node.indent,
                        item: true,
                    };
                    let (_, head) = content(&self.lines, item, item.start);
                    let head_key = key_of(head).map(|(k, _)| k.to_string());
                    let body = dedent(value);
                    if head_key.is_none() {
                        // A scalar item: `- value`.
                        item_lines(node.indent, value.trim(), "")
                    } else if head_key.as_deref().is_some_and(|k| {
                        body.iter().any(|l| key_of(l).is_some_and(|(b, _)| b == k))
                    }) {
                        let (head, rest) = body.split_first().unwrap();
                        item_lines(node.indent, head, &rest.join("\n"))
                    } else {
                        item_lines(node.indent, head, value)
                    }
                } else {
                    let (_, text) = content(
                        &self.lines,
                        Block {
                            start: node.lines.start,
                            end: node.lines.end,
                            indent: node.indent,
                            item: node.after_dash,
                        },
                        node.lines.start,
                    );
                    let key = key_of(text).map(|(k, _)| k.to_string()).unwrap();
                    key_lines(node.indent, node.after_dash, &key, value)
                };
                (node.lines, new)
            }
            Found::Missing {
                parent,
                step,
                owner,
            } => {
                // `entries: []` becomes `entries:` with the item below.
                if let (Step::Item { .. }, Some(o)) = (&step, owner)
                    && let Some(open) = self.lines[o].strip_suffix(" []")
                {
                    self.lines[o] = open.to_string();
                }
                let at = (parent.start..parent.end)
                    .rev()
                    .find(|&i| !is_filler(&self.lines[i]))
                    .map(|i| i + 1)
                    .unwrap_or(parent.start);
                let new = match step {
                    Step::Key(k) => key_lines(parent.indent, false, &k, value),
                    Step::Item { field, value: v } => {
                        item_lines(parent.indent, &format!("{field}: \"{v}\""), value)
                    }
                };
                (at..at, new)
            }
        };
        let added = new.len() as isize - range.len() as isize;
        self.lines.splice(range, new);
        self.region.end = (self.region.end as isize + added) as usize;
    }

    /// Removes the node at `path` (a key with its value, or a list item);
    /// panics if there is none.
    pub fn remove(&mut self, path: &str) {
        match walk(&self.lines, self.region, path) {
            Found::Node(node) => {
                assert!(
                    !node.after_dash,
                    "{path:?}: the first key of a list item cannot be removed"
                );
                let n = node.lines.len();
                self.lines.drain(node.lines);
                self.region.end -= n;
            }
            Found::Missing { .. } => panic!("{path:?} is not there"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Yaml;

    const LEDGER: &str = "kind: take_out
# comment
retention:
  years: 5
entries:
  - id: TO-1
    approver: S003
    protection: x
  # between
  - id: \"TO-2\"
    approver: S003
";

    fn set(text: &str, path: &str, value: &str) -> String {
        let mut y = Yaml::new(text, false);
        y.set(path, value);
        y.text()
    }

    fn remove(text: &str, path: &str) -> String {
        let mut y = Yaml::new(text, false);
        y.remove(path);
        y.text()
    }

    #[test]
    fn a_field_of_one_item_is_set_and_removed() {
        let t = set(LEDGER, "entries[id=TO-2].approver", "S030");
        assert!(t.ends_with("  - id: \"TO-2\"\n    approver: S030\n"), "{t}");
        let t = remove(LEDGER, "entries[id=TO-1].approver");
        assert!(
            t.contains("  - id: TO-1\n    protection: x\n  # between\n"),
            "{t}"
        );
    }

    #[test]
    fn a_missing_key_is_added_at_the_end_of_its_parent() {
        let t = set(LEDGER, "retention.until", "2030-03-31");
        assert!(
            t.contains("  years: 5\n  until: 2030-03-31\nentries:"),
            "{t}"
        );
        let t = set(LEDGER, "title", "持出し");
        assert!(t.ends_with("    approver: S003\ntitle: 持出し\n"), "{t}");
    }

    #[test]
    fn a_block_value_replaces_the_old_one() {
        let t = set(LEDGER, "entries", "- id: A\n  approver: S001");
        assert!(
            t.ends_with("entries:\n  - id: A\n    approver: S001\n"),
            "{t}"
        );
        let t = set(LEDGER, "entries", "[]");
        assert!(t.ends_with("entries: []\n"), "{t}");
    }

    #[test]
    fn an_item_is_replaced_keeping_its_head_or_added() {
        let t = set(LEDGER, "entries[id=TO-1]", "approver: S009");
        assert!(
            t.contains("  - id: TO-1\n    approver: S009\n  # between\n"),
            "{t}"
        );
        let t = set(LEDGER, "entries[id=TO-3]", "approver: S009");
        assert!(t.ends_with("  - id: \"TO-3\"\n    approver: S009\n"), "{t}");
        let t = set(LEDGER, "entries[id=TO-1].approver", "[S001, S002]");
        assert!(t.contains("    approver: [S001, S002]\n"), "{t}");
        let list = "evidence:\n  - a#b\n  - c\n";
        assert_eq!(
            set(list, "evidence[=c]", "d"),
            "evidence:\n  - a#b\n  - d\n"
        );
        assert_eq!(remove(list, "evidence[=a#b]"), "evidence:\n  - c\n");
        let t = set("entries: []\n", "entries[id=A]", "x: 1");
        assert_eq!(t, "entries:\n  - id: \"A\"\n    x: 1\n");
        let t = remove(LEDGER, "entries[id=TO-1]");
        assert!(t.contains("entries:\n  # between\n  - id: \"TO-2\""), "{t}");
    }

    #[test]
    fn front_matter_is_edited_and_lines_count_from_the_file_start() {
        let doc = "---\nid: a\napproval:\n  approver: X\n  date: 2026-01-01\n---\n# a\n";
        let mut y = Yaml::new(doc, true);
        assert_eq!(y.line("approval.date"), 5);
        assert_eq!(Yaml::new("s:\n  - r: S1.1\n", false).line("s[r=S1.1]"), 2);
        y.remove("approval");
        y.set("review_by", "2027-03-31");
        assert_eq!(y.text(), "---\nid: a\nreview_by: 2027-03-31\n---\n# a\n");
    }
}
