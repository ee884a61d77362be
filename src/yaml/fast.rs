//! A line-by-line reader for the plain block subset of YAML that ledgers
//! are written in: block mappings with simple keys, block sequences, plain
//! or simply quoted scalars, one-line flow lists of scalars, comments.
//! It gives the same tree, positions and streamed items as
//! [`yaml::parse_streaming`] (saphyr-parser) about five times faster, and
//! gives up (`None`) on anything outside the subset: tabs, anchors, tags,
//! block scalars, escapes, multi-line scalars, flow mappings, duplicate
//! keys, directives, odd indentation. The caller then reads the file with
//! saphyr-parser, which also reports every error; this reader reports none.
//! `fuzz/fuzz_targets/fast_yaml.rs` checks it against saphyr-parser.

use super::tree::{Key, KeyRef, Node, NodeRef, NodeRefKind, Parsed, owned_pairs};

/// Receives the streamed items: the root mapping's pairs read so far, and
/// the item, its texts borrowed from the source.
pub type RefSink<'a, 's> = dyn FnMut(&[(Key, Node)], NodeRef<'a>) + 's;

/// Most nodes a file read here may hold (past it saphyr-parser reads the
/// file, with its own limit and message).
const MAX_NODES: usize = 1_000_000;
/// Deepest block nesting read here.
const MAX_DEPTH: usize = 64;

/// Reads `src` like [`crate::yaml::parse_saphyr`], or returns `None`
/// when it is outside the subset.
pub fn parse(src: &str) -> Option<Parsed> {
    // No key is empty: nothing is streamed.
    parse_streaming(src, "", &mut |_, _| {})
}

/// Reads `src` like [`crate::yaml::parse_streaming`], or returns
/// `None` when the file is outside the subset. `sink` may already have been
/// given some items when `None` comes back: the caller must forget them.
pub fn parse_streaming<'a>(src: &'a str, key: &str, sink: &mut RefSink<'a, '_>) -> Option<Parsed> {
    if has_controls(src) || has_special_chars(src) {
        return None;
    }
    let mut r = Reader {
        lines: Lines::new(src),
        pending: None,
        nodes: 0,
        map_len: 0,
        stream_key: key,
        sink,
    };
    let root = match r.peek() {
        None => NodeRef {
            kind: NodeRefKind::Null,
            line: 1,
            column: 1,
        },
        Some(first) => {
            if first.indent != 0 {
                return None;
            }
            let root = r.block(0, 0, true)?;
            // Anything left is less indented than the root: not in the subset.
            if r.peek().is_some() {
                return None;
            }
            root
        }
    };
    Some(Parsed {
        root: Some(root.to_node()),
        errors: Vec::new(),
    })
}

/// A line with content: its 1-based number, its indent (spaces) and the
/// text after the indent.
#[derive(Clone, Copy)]
struct Line<'a> {
    no: usize,
    indent: usize,
    text: &'a str,
}

/// The lines of the source, without blank and comment-only lines.
struct Lines<'a> {
    rest: &'a str,
    no: usize,
}

impl<'a> Lines<'a> {
    fn new(src: &'a str) -> Self {
        Lines { rest: src, no: 0 }
    }
}

impl<'a> Iterator for Lines<'a> {
    /// `Err(())` for a line this reader does not take (a directive or a
    /// document marker).
    type Item = Result<Line<'a>, ()>;

    // Inlined: returned through memory, the result was read back
    // before its stores had landed (a stall per line).
    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            let (line, rest) = match memchr::memchr(b'\n', self.rest.as_bytes()) {
                Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
                None => (self.rest, ""),
            };
            self.rest = rest;
            self.no += 1;
            let text = line.trim_start_matches(' ');
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
            let indent = line.len() - text.len();
            if indent == 0
                && (text.starts_with("---") || text.starts_with("...") || text.starts_with('%'))
            {
                return Some(Err(()));
            }
            return Some(Ok(Line {
                no: self.no,
                indent,
                text: text.trim_end_matches(' '),
            }));
        }
    }
}

struct Reader<'a, 'r, 'x> {
    lines: Lines<'a>,
    /// A line looked at but not taken, or the rest of a `- ` line.
    pending: Option<Line<'a>>,
    nodes: usize,
    /// Pairs in the mapping read last: the next one (a ledger's next
    /// entry, mostly) starts with room for as many.
    map_len: usize,
    stream_key: &'r str,
    sink: &'r mut RefSink<'a, 'x>,
}

impl<'a> Reader<'a, '_, '_> {
    /// The next line, without taking it; `None` at the end. A line outside
    /// the subset ends the reading too, and makes [`Self::out`] true.
    // Inlined: returned through memory, the result was read back
    // before its stores had landed (a stall per line).
    #[inline(always)]
    fn peek(&mut self) -> Option<Line<'a>> {
        if self.pending.is_none() {
            self.pending = match self.lines.next() {
                None => None,
                Some(Ok(l)) => Some(l),
                // A sentinel no block accepts: indent past any.
                Some(Err(())) => Some(Line {
                    no: 0,
                    indent: usize::MAX,
                    text: "",
                }),
            };
        }
        self.pending
    }

    fn take(&mut self) {
        self.pending = None;
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= MAX_NODES).then_some(())
    }

    /// The block node starting at the next line, whose indent is `indent`.
    /// `root` is true for the document's root mapping (whose sequence
    /// `stream_key` is streamed).
    fn block(&mut self, indent: usize, depth: usize, root: bool) -> Option<NodeRef<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let line = self.peek()?;
        if line.indent != indent {
            return None;
        }
        if is_dash(line.text) {
            self.seq(indent, depth, false, false, &[])
        } else {
            self.map(indent, depth, root)
        }
    }

    /// A block sequence whose dashes are at `indent`; `indentless` when it
    /// is at its key's indent (saphyr-parser then places it at its first
    /// item, not its first dash). When `stream` is set the items go to the
    /// sink (with the root's pairs) and the node holds none.
    fn seq(
        &mut self,
        indent: usize,
        depth: usize,
        indentless: bool,
        stream: bool,
        root_pairs: &[(KeyRef<'a>, NodeRef<'a>)],
    ) -> Option<NodeRef<'a>> {
        let first = self.peek()?;
        self.count()?;
        let skip = if indentless {
            first.text.len() - first.text[1..].trim_start_matches(' ').len()
        } else {
            0
        };
        let (line, column) = (first.no, indent + skip + 1);
        let mut items = Vec::new();
        // The root's pairs as the sink takes them, made once.
        let header: Vec<(Key, Node)> = if stream {
            owned_pairs(root_pairs)
        } else {
            Vec::new()
        };
        while let Some(l) = self.peek() {
            if l.indent < indent || (l.indent == indent && !is_dash(l.text)) {
                break;
            }
            if l.indent != indent {
                return None;
            }
            // `- ` and what follows, which is read as if it were a line of
            // its own indented past the dash.
            let after = l.text[1..].trim_start_matches(' ');
            if after.is_empty() || after.starts_with('#') {
                return None;
            }
            let inner = indent + (l.text.len() - after.len());
            let item = if is_dash(after) {
                return None;
            } else if key_of(after).is_some() {
                self.pending = Some(Line {
                    no: l.no,
                    indent: inner,
                    text: after,
                });
                self.map(inner, depth + 1, false)?
            } else {
                self.take();
                let node = self.inline(after, l.no, inner)?;
                self.after_inline(indent)?;
                node
            };
            if stream {
                (self.sink)(&header, item);
            } else {
                items.push(item);
            }
        }
        Some(NodeRef {
            kind: NodeRefKind::Seq(items),
            line,
            column,
        })
    }

    /// A block mapping whose keys are at `indent`.
    fn map(&mut self, indent: usize, depth: usize, root: bool) -> Option<NodeRef<'a>> {
        let first = self.peek()?;
        self.count()?;
        let (line, column) = (first.no, indent + 1);
        let mut pairs: Vec<(KeyRef<'a>, NodeRef<'a>)> =
            Vec::with_capacity(if root { 0 } else { self.map_len });
        // Keys seen, for a mapping too long to search by scanning (a
        // 100,000-key mapping was quadratic).
        let mut seen: std::collections::HashSet<&'a str> = std::collections::HashSet::new();
        while let Some(l) = self.peek() {
            if l.indent < indent {
                break;
            }
            if l.indent != indent || is_dash(l.text) {
                return None;
            }
            let (key, rest) = key_of(l.text)?;
            let repeated = if pairs.len() < 16 {
                pairs.iter().any(|(k, _)| k.text == key)
            } else {
                if seen.is_empty() {
                    seen.extend(pairs.iter().map(|(k, _)| k.text));
                }
                !seen.insert(key)
            };
            if repeated {
                return None;
            }
            self.count()?;
            self.take();
            let key = KeyRef {
                text: key,
                line: l.no,
                column: indent + 1,
            };
            let rest = rest.trim_start_matches(' ');
            let streams = root && key.text == self.stream_key;
            let value = if rest.is_empty() || rest.starts_with('#') {
                match self.peek() {
                    Some(next) if next.indent > indent && next.indent != usize::MAX => {
                        if streams && is_dash(next.text) {
                            self.seq(next.indent, depth + 1, false, true, &pairs)?
                        } else {
                            self.block(next.indent, depth + 1, false)?
                        }
                    }
                    // A sequence may sit at its key's indent.
                    Some(next) if next.indent == indent && is_dash(next.text) => {
                        self.seq(indent, depth + 1, true, streams, &pairs)?
                    }
                    _ => return None,
                }
            } else {
                let at = indent + (l.text.len() - rest.len());
                let node = if streams && rest.starts_with('[') {
                    let node = self.inline(rest, l.no, at)?;
                    let NodeRefKind::Seq(items) = node.kind else {
                        return None;
                    };
                    let header = owned_pairs(&pairs);
                    for item in items {
                        (self.sink)(&header, item);
                    }
                    NodeRef {
                        kind: NodeRefKind::Seq(Vec::new()),
                        ..node
                    }
                } else {
                    self.inline(rest, l.no, at)?
                };
                self.after_inline(indent)?;
                node
            };
            pairs.push((key, value));
        }
        self.map_len = pairs.len();
        Some(NodeRef {
            kind: NodeRefKind::Map(pairs),
            line,
            column,
        })
    }

    /// After a value written on its key's line, the next line may not be
    /// more indented than the key (that would be a multi-line scalar or an
    /// error).
    fn after_inline(&mut self, indent: usize) -> Option<()> {
        match self.peek() {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }

    /// A value written on one line at 0-based column `at` (in bytes, which
    /// here are characters: only spaces, dashes and ASCII keys precede it).
    // Inlined: returned through memory, the result was read back
    // before its stores had landed (a stall per line).
    #[inline(always)]
    fn inline(&mut self, text: &'a str, line: usize, at: usize) -> Option<NodeRef<'a>> {
        self.count()?;
        if let Some(list) = text.strip_prefix('[') {
            return self.flow_list(list, line, at);
        }
        let (value, quoted, rest) = scalar(text, false)?;
        if !comment_or_end(rest) {
            return None;
        }
        Some(scalar_node(value, quoted, line, at + 1))
    }

    /// `[a, b, "c"]`: scalars only, on one line.
    fn flow_list(&mut self, body: &'a str, line: usize, at: usize) -> Option<NodeRef<'a>> {
        let mut items = Vec::new();
        let mut rest = body.trim_start_matches(' ');
        if let Some(after) = rest.strip_prefix(']') {
            return comment_or_end(after).then_some(NodeRef {
                kind: NodeRefKind::Seq(items),
                line,
                column: at + 1,
            });
        }
        // Characters (not bytes) from the line start to `[`: values before
        // an item may be Japanese.
        let base = at + 1;
        loop {
            let (value, quoted, after) = scalar(rest, true)?;
            let column = base + body[..body.len() - rest.len()].chars().count() + 1;
            self.count()?;
            items.push(scalar_node(value, quoted, line, column));
            let after = after.trim_start_matches(' ');
            if let Some(more) = after.strip_prefix(',') {
                rest = more.trim_start_matches(' ');
                if rest.starts_with(']') || rest.is_empty() {
                    return None;
                }
            } else if let Some(end) = after.strip_prefix(']') {
                if !comment_or_end(end) {
                    return None;
                }
                break;
            } else {
                return None;
            }
        }
        Some(NodeRef {
            kind: NodeRefKind::Seq(items),
            line,
            column: at + 1,
        })
    }
}

/// Whether `src` has an ASCII control other than line feed (tab and
/// carriage return included: YAML treats them specially; the others are
/// not printable), 64 bytes at a time without stopping.
fn has_controls(src: &str) -> bool {
    let bad = |b: u8| (b < 0x20 && b != b'\n') || b == 0x7f;
    src.as_bytes()
        .chunks(64)
        .any(|c| c.iter().fold(false, |any, &b| any | bad(b)))
}

/// Whether `src` has a character YAML treats specially beyond ASCII: a
/// byte order mark (an error inside a document), C1 controls (U+0085 is a
/// line break), line and paragraph separators, U+FFFE and U+FFFF.
fn has_special_chars(src: &str) -> bool {
    let b = src.as_bytes();
    memchr::memchr3_iter(0xC2, 0xE2, 0xEF, b).any(|i| match b[i] {
        0xC2 => matches!(b.get(i + 1), Some(0x80..=0x9F)),
        0xE2 => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)),
        0xEF => matches!(
            (b.get(i + 1), b.get(i + 2)),
            (Some(0xBB), Some(0xBF)) | (Some(0xBF), Some(0xBE | 0xBF))
        ),
        _ => false,
    })
}

fn scalar_node(text: &str, quoted: bool, line: usize, column: usize) -> NodeRef<'_> {
    let kind = if !quoted && matches!(text, "~" | "null" | "Null" | "NULL") {
        NodeRefKind::Null
    } else {
        NodeRefKind::Scalar { text, quoted }
    };
    NodeRef { kind, line, column }
}

/// Whether a line's text is a sequence item (`-` then a space or nothing).
fn is_dash(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// `key:` or `key: rest`, for a simple key (ASCII letters, digits, `_`,
/// and `-` or `.` inside), giving the key and what follows the colon.
fn key_of(text: &str) -> Option<(&str, &str)> {
    let end = memchr::memchr(b':', text.as_bytes())?;
    let key = &text[..end];
    let rest = &text[end + 1..];
    let simple = key.bytes().enumerate().all(|(i, b)| {
        b.is_ascii_alphanumeric() || b == b'_' || (i > 0 && matches!(b, b'-' | b'.'))
    });
    if key.is_empty()
        || !simple
        || matches!(key, "null" | "Null" | "NULL")
        || !(rest.is_empty() || rest.starts_with(' '))
    {
        return None;
    }
    Some((key, rest))
}

/// A scalar at the start of `text`: its value, whether it was quoted, and
/// the text after it. `flow` is set inside `[...]`.
fn scalar(text: &str, flow: bool) -> Option<(&str, bool, &str)> {
    let first = text.chars().next()?;
    match first {
        '"' => {
            let body = &text[1..];
            let end = memchr::memchr(b'"', body.as_bytes())?;
            let value = &body[..end];
            if memchr::memchr(b'\\', value.as_bytes()).is_some() {
                return None;
            }
            Some((value, true, &body[end + 1..]))
        }
        '\'' => {
            let body = &text[1..];
            let end = memchr::memchr(b'\'', body.as_bytes())?;
            if body[end + 1..].starts_with('\'') {
                return None;
            }
            Some((&body[..end], true, &body[end + 1..]))
        }
        '-' | '?' | ':' | ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '%'
        | '@' | '`' => None,
        _ if !flow => {
            // A plain scalar ends at ` #` (a comment); `: ` inside it, or a
            // `:` ending it, is not in the subset. One pass over the bytes.
            let b = text.as_bytes();
            let mut end = b.len();
            for i in memchr::memchr2_iter(b'#', b':', b) {
                if b[i] == b'#' {
                    if b[i - 1] == b' ' {
                        // The rest keeps the space before the comment.
                        end = i - 1;
                        break;
                    }
                } else if i + 1 == b.len() || b[i + 1] == b' ' {
                    return None;
                }
            }
            let value = text[..end].trim_end_matches(' ');
            Some((value, false, &text[end..]))
        }
        _ => {
            // In a flow list a plain scalar also ends at `,` or `]`.
            let mut end = text.len();
            if let Some(i) = text.find(" #") {
                end = i;
            }
            if flow && let Some(i) = text.find([',', ']', '[', '{', '}']) {
                end = end.min(i);
            }
            let value = text[..end].trim_end_matches(' ');
            if value.contains(": ") || value.ends_with(':') || value.contains(" #") {
                return None;
            }
            if flow && value.contains(['#', ':', '"', '\'']) {
                return None;
            }
            Some((value, false, &text[end..]))
        }
    }
}

/// Whether `rest` is nothing, or spaces and a comment.
/// Whether `rest` is nothing, or spaces and a comment: YAML wants white
/// space before the `#` (`"a"#b` is an error).
fn comment_or_end(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    /// A tree and the streamed items (with how many root pairs preceded each).
    type Read = (Option<Node>, Vec<(usize, Node)>);

    /// The fast reader's tree and items, or `None`.
    fn fast(src: &str) -> Option<Read> {
        let mut items = Vec::new();
        let parsed = parse_streaming(src, "entries", &mut |pairs, item| {
            items.push((pairs.len(), item.to_node()))
        })?;
        assert!(parsed.errors.is_empty());
        Some((parsed.root, items))
    }

    fn slow(src: &str) -> (Option<Node>, Vec<(usize, Node)>, usize) {
        let mut items = Vec::new();
        let parsed = yaml::parse_streaming(src, "entries", &mut |pairs, item| {
            items.push((pairs.len(), item))
        });
        (parsed.root, items, parsed.errors.len())
    }

    /// Reads `src` both ways: the fast reader must take it and agree.
    fn agrees(src: &str) {
        let (root, items) = fast(src).unwrap_or_else(|| panic!("fast reader gave up on:\n{src}"));
        let (sroot, sitems, errors) = slow(src);
        assert_eq!(errors, 0, "saphyr found errors in:\n{src}");
        assert_eq!(root, sroot, "tree differs for:\n{src}");
        assert_eq!(items, sitems, "items differ for:\n{src}");
    }

    /// The fast reader must give up on `src`, or agree with saphyr-parser.
    fn gives_up_or_agrees(src: &str) {
        if let Some((root, items)) = fast(src) {
            let (sroot, sitems, errors) = slow(src);
            assert_eq!(errors, 0, "fast reader took a file with errors:\n{src}");
            assert_eq!((root, items), (sroot, sitems), "differs for:\n{src}");
        }
    }

    #[test]
    fn a_ledger_in_the_usual_shape_reads_the_same_as_saphyr() {
        agrees(
            "# 入退室記録\nkind: entry_exit\ntitle: 入退室記録（2026年度）\nretention:\n  years: 5\nentries:\n  - id: EE-1   # 最初\n    date: 2026-04-01\n    area: 管理区域A（データ入力室）\n    time_in: \"08:00\"\n    note: 'a b'\n    staff: [S001, \"S002\", 田中]\n    empty: \"\"\n    nothing: ~\n\n  - id: EE-2\n    members:\n      - S001\n      - S002\n    done: true\n",
        );
    }

    #[test]
    fn sequences_at_their_keys_indent_and_flow_entries_read_the_same() {
        agrees("kind: x\nentries:\n- id: 1\n  a: b\n- id: 2\nafter: 1\n");
        agrees("kind: x\nentries: []\n");
        agrees("kind: x\nentries: [a, b]\ntitle: t # c\n");
        agrees("a:\n  b:\n    c: d\n  e: f\ng: h\n");
        agrees("entries:\n  - a: 1\n    b:\n      c: 2\n  - x\n  - \"y\"\nkind: k\n");
        agrees("");
        agrees("# only a comment\n");
    }

    #[test]
    fn anything_outside_the_subset_is_left_to_saphyr() {
        for src in [
            "a: |\n  text\n",
            "a: >\n  text\n",
            "a: &x 1\nb: *x\n",
            "a: !tag 1\n",
            "a: \"esc\\n\"\n",
            "a: 'it''s'\n",
            "a: multi\n  line\n",
            "a: {b: c}\n",
            "a:\tb\n",
            "a: b\na: c\n",
            "---\na: b\n",
            "a: b\n---\nc: d\n",
            "\"quoted key\": v\n",
            "a: b: c\n",
            "a:\n- b\n  c: d\n",
            "  a: b\n",
            "a:\n  - - b\n",
            "a:\n  -\n    b: c\n",
            "null: x\n",
            "a: [b, [c]]\n",
            "a: -1\n",
            "a: [b,]\n",
            "a: b\u{feff}\n",
            "a: b\u{85}c\n",
            "a: b\u{2028}c\n",
            "a: b\u{7f}\n",
            "a: b\u{1}\n",
            "a: \"b\"#c\n",
            "a: 'b'#c\n",
            "a: [b]#c\n",
            "- 'x'#c\n",
        ] {
            assert!(fast(src).is_none(), "fast reader took:\n{src}");
        }
    }

    #[test]
    fn hostile_shapes_never_disagree_with_saphyr() {
        for src in [
            "a: b #c\n",
            "a: b#c\n",
            "a: \"b\" #c\n",
            "a: \"b\"c\n",
            "a: 'b' x\n",
            "a:\n b: c\n d: e\n",
            "a:\n  b: c\n d: e\n",
            "a: b\n  # comment\nc: d\n",
            "a:\n\n  b: c\n",
            "a:    \n  - x\n",
            "entries:\n  - id: 1\n  - \n",
            "a: [ ]\n",
            "a: [x , y]\n",
            "a: [\"x\", 'y']\n",
            "a: [x] y\n",
            "a: 1:2\n",
            "a: x:\n",
            "a: ~\nb: null\nc: NULL\nd: Null\ne: \"~\"\n",
            "a: [~, null]\n",
            "a: 値 # 注\n",
            "a: [田中, 佐藤]\n",
            "entries:\n- x\n- y\n",
            "kind: x\nentries:\n  - id: a\nentries:\n  - id: b\n",
            "a:\nb: c\n",
            "a:\n",
            "a: x\n ",
            "a: b\n...\n",
        ] {
            gives_up_or_agrees(src);
        }
    }
}
