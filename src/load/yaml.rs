//! YAML with source locations. Every YAML file is read into a [`Node`] tree
//! that keeps the line and column of each value (saphyr-parser's events),
//! scalars as written (`1.10` stays `1.10`), and duplicate keys found. Typed
//! structs are then deserialised through the serde_yaml API, and any serde
//! error is mapped back to the line of the value it concerns.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde::de::DeserializeOwned;

use crate::i18n::Text;
use crate::tr;

/// Deepest nesting accepted, against stack exhaustion.
const MAX_DEPTH: usize = 200;
/// Most nodes a file may expand to (aliases included), against alias bombs.
const MAX_NODES: usize = 2_000_000;

/// A YAML value with its position (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub kind: NodeKind,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// The shape of a YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// `~`, `null`, or nothing.
    Null,
    /// A scalar, as written.
    Scalar {
        /// The text of the scalar.
        text: String,
        /// Whether it was quoted or a block scalar (then never a bool or null).
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order, keys as text.
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key text.
    pub text: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A [`Node`] whose texts are borrowed (from the source, or from a
/// `Node`): the fast reader hands ledger entries on this way, without an
/// allocation per key and value.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRef<'a> {
    /// The value.
    pub kind: NodeRefKind<'a>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// The shape of a [`NodeRef`].
#[derive(Debug, Clone, PartialEq)]
pub enum NodeRefKind<'a> {
    /// `~`, `null`, or nothing.
    Null,
    /// A scalar, as written.
    Scalar {
        /// The text of the scalar.
        text: &'a str,
        /// Whether it was quoted or a block scalar.
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<NodeRef<'a>>),
    /// A mapping, in source order.
    Map(Vec<(KeyRef<'a>, NodeRef<'a>)>),
}

/// A mapping key of a [`NodeRef`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyRef<'a> {
    /// The key text.
    pub text: &'a str,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl NodeRef<'_> {
    /// The same value, owning its texts.
    pub fn to_node(&self) -> Node {
        let kind = match &self.kind {
            NodeRefKind::Null => NodeKind::Null,
            NodeRefKind::Scalar { text, quoted } => NodeKind::Scalar {
                text: text.to_string(),
                quoted: *quoted,
            },
            NodeRefKind::Seq(items) => NodeKind::Seq(items.iter().map(NodeRef::to_node).collect()),
            NodeRefKind::Map(pairs) => NodeKind::Map(owned_pairs(pairs)),
        };
        Node {
            kind,
            line: self.line,
            column: self.column,
        }
    }

    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeRefKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether this is null.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeRefKind::Null)
    }

    /// A short English name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeRefKind::Null => "null",
            NodeRefKind::Scalar { .. } => "scalar",
            NodeRefKind::Seq(_) => "sequence",
            NodeRefKind::Map(_) => "mapping",
        }
    }
}

/// Pairs of a mapping, owning their texts.
pub fn owned_pairs(pairs: &[(KeyRef<'_>, NodeRef<'_>)]) -> Vec<(Key, Node)> {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                Key {
                    text: k.text.to_string(),
                    line: k.line,
                    column: k.column,
                },
                v.to_node(),
            )
        })
        .collect()
}

impl Node {
    /// A view of this node with borrowed texts.
    pub fn as_ref(&self) -> NodeRef<'_> {
        let kind = match &self.kind {
            NodeKind::Null => NodeRefKind::Null,
            NodeKind::Scalar { text, quoted } => NodeRefKind::Scalar {
                text,
                quoted: *quoted,
            },
            NodeKind::Seq(items) => NodeRefKind::Seq(items.iter().map(Node::as_ref).collect()),
            NodeKind::Map(pairs) => NodeRefKind::Map(
                pairs
                    .iter()
                    .map(|(k, v)| {
                        (
                            KeyRef {
                                text: &k.text,
                                line: k.line,
                                column: k.column,
                            },
                            v.as_ref(),
                        )
                    })
                    .collect(),
            ),
        };
        NodeRef {
            kind,
            line: self.line,
            column: self.column,
        }
    }
}

/// A YAML problem at a position.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    /// What is wrong.
    pub message: Text,
    /// An optional hint (e.g. did-you-mean).
    pub hint: Option<Text>,
    /// 1-based line (0 if unknown).
    pub line: usize,
    /// 1-based column (0 if unknown).
    pub column: usize,
    /// Rule id (`yaml.syntax`, `yaml.duplicate-key`, `yaml.unknown-field`...).
    pub rule: &'static str,
}

impl Node {
    /// The mapping entry `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key node for `key` in a mapping (its position is the key's).
    pub fn key(&self, key: &str) -> Option<&Key> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(k, _)| k),
            _ => None,
        }
    }

    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether this is null.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// A short English name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Scalar { .. } => "scalar",
            NodeKind::Seq(_) => "sequence",
            NodeKind::Map(_) => "mapping",
        }
    }

    /// Converts to a serde_yaml value: plain `true`/`false` become booleans,
    /// every other scalar stays a string (ids and versions keep their text).
    pub fn to_value(&self) -> serde_yaml::Value {
        use serde_yaml::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Scalar { text, quoted } => {
                if !quoted {
                    match text.as_str() {
                        "true" | "True" | "TRUE" => return Value::Bool(true),
                        "false" | "False" | "FALSE" => return Value::Bool(false),
                        _ => {}
                    }
                }
                Value::String(text.clone())
            }
            NodeKind::Seq(items) => Value::Sequence(items.iter().map(Node::to_value).collect()),
            NodeKind::Map(entries) => {
                let mut m = serde_yaml::Mapping::new();
                for (k, v) in entries {
                    m.insert(Value::String(k.text.clone()), v.to_value());
                }
                Value::Mapping(m)
            }
        }
    }

    /// Moves every position down by `lines` (for front matter inside a
    /// Markdown file).
    pub fn shift_lines(&mut self, lines: usize) {
        self.line += lines;
        match &mut self.kind {
            NodeKind::Seq(items) => items.iter_mut().for_each(|n| n.shift_lines(lines)),
            NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.line += lines;
                v.shift_lines(lines);
            }),
            _ => {}
        }
    }
}

/// The outcome of parsing: the tree (if the syntax allowed one) and the
/// problems found on the way (duplicate keys do not stop parsing).
pub struct Parsed {
    /// The root node; `None` after a syntax error.
    pub root: Option<Node>,
    /// Problems found.
    pub errors: Vec<YamlError>,
}

/// Parses one YAML document into a located tree: with the fast reader
/// ([`crate::load::fast_yaml`]) when the text is in its subset (front
/// matter nearly always is), else with saphyr-parser.
pub fn parse(src: &str) -> Parsed {
    crate::load::fast_yaml::parse(src).unwrap_or_else(|| parse_saphyr(src))
}

/// Parses with saphyr-parser only.
pub fn parse_saphyr(src: &str) -> Parsed {
    parse_with(src, None)
}

/// Receives streamed items: the root mapping's pairs read so far, and the
/// item.
pub type Sink<'a> = dyn FnMut(&[(Key, Node)], Node) + 'a;

/// Parses like [`parse`], but hands each item of the sequence under `key` in
/// the root mapping to `sink` as soon as it is read, with the root's pairs
/// read so far; the tree keeps an empty sequence in its place. A ledger of a
/// hundred thousand entries is then never held as a tree. An anchored
/// sequence (`key: &a [...]`) is kept in the tree as usual.
pub fn parse_streaming(src: &str, key: &str, sink: &mut Sink<'_>) -> Parsed {
    parse_with(src, Some(Stream { key, sink }))
}

fn parse_with(src: &str, stream: Option<Stream<'_>>) -> Parsed {
    let mut builder = Builder {
        events: Parser::new_from_str(src),
        anchors: HashMap::new(),
        nodes: 0,
        aliased: 0,
        errors: Vec::new(),
        stream,
    };
    let root = builder.document();
    let mut errors = builder.errors;
    let mut widths: Vec<usize> = Vec::new();
    for e in errors.iter_mut().filter(|e| e.rule == "yaml.syntax") {
        // The parser reports a tab at the start of the scalar or line it was
        // reading; point at the tab itself.
        if let Some((line, column)) = about_tabs(&e.message.en)
            .then(|| first_tab(src, e.line))
            .flatten()
        {
            e.line = line;
            e.column = column;
        }
        // saphyr-parser 0.3 counts the name and parameters of a `%`
        // directive in bytes, not characters: keep the column on its line.
        if widths.is_empty() {
            widths = src.split('\n').map(|l| l.chars().count()).collect();
        }
        if let Some(width) = e.line.checked_sub(1).and_then(|i| widths.get(i)) {
            e.column = e.column.min(width + 1);
        }
    }
    Parsed { root, errors }
}

/// The position of the first tab on `line` (1-based) or after it.
fn first_tab(src: &str, line: usize) -> Option<(usize, usize)> {
    src.lines()
        .enumerate()
        .skip(line.saturating_sub(1))
        .find_map(|(i, text)| {
            text.chars()
                .position(|c| c == '\t')
                .map(|col| (i + 1, col + 1))
        })
}

/// Where a value lies in its source text, with the shape of its [`Node`]
/// (see [`extents`]): for editing a file in place without guessing from
/// indentation where a value ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Extent {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past its last character: past the closing bracket
    /// of a flow collection, past the last line break of a block scalar
    /// (`|`, `>`; or the end of the text), the end of the last item of a
    /// block collection, the end of the key for a value left empty.
    pub end: usize,
    /// Whether it is a collection written in flow style (`{…}`, `[…]`).
    pub flow: bool,
    /// Nothing for a scalar or an alias; the items of a sequence; the keys
    /// and values of a mapping, alternately, in source order (duplicate
    /// keys kept, unlike in [`Node`]).
    pub items: Vec<Extent>,
}

/// The [`Extent`] of every value of `src` (one document), read with
/// saphyr-parser; `None` if the text does not parse. Positions are byte
/// offsets into `src`.
pub fn extents(src: &str) -> Option<Extent> {
    let mut events = Parser::new_from_str(src);
    let mut offsets = Offsets {
        src,
        chars: 0,
        bytes: 0,
    };
    let mut root = None;
    loop {
        let (ev, _) = events.next()?.ok()?;
        match ev {
            Event::StreamEnd => return root,
            Event::DocumentStart(_) if root.is_some() => return None,
            Event::DocumentStart(_) => {
                let (ev, span) = events.next()?.ok()?;
                root = Some(if matches!(ev, Event::DocumentEnd) {
                    let at = offsets.byte(span.start.index());
                    Extent {
                        start: at,
                        end: at,
                        flow: false,
                        items: Vec::new(),
                    }
                } else {
                    extent(&mut events, &mut offsets, ev, span, 0)?
                });
            }
            _ => {}
        }
    }
}

/// Converts saphyr's character indices to byte offsets, walking from the
/// last one converted (the parser's positions mostly move forward).
struct Offsets<'a> {
    src: &'a str,
    chars: usize,
    bytes: usize,
}

impl Offsets<'_> {
    fn byte(&mut self, chars: usize) -> usize {
        while self.chars < chars && self.bytes < self.src.len() {
            let c = self.src[self.bytes..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            self.bytes += c;
            self.chars += 1;
        }
        while self.chars > chars && self.bytes > 0 {
            self.bytes -= 1;
            while !self.src.is_char_boundary(self.bytes) {
                self.bytes -= 1;
            }
            self.chars -= 1;
        }
        self.bytes
    }
}

/// Just past the closing quote of the quoted scalar that `src[start..]`
/// holds (after its anchor and tag, if any).
fn quoted_end(src: &str, start: usize, quote: u8) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut i = start;
    // Anchor and tag properties come first, each followed by a space.
    while matches!(bytes.get(i), Some(b'&' | b'!')) {
        while bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
            i += 1;
        }
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
    }
    if bytes.get(i) != Some(&quote) {
        return None;
    }
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn extent<'a>(
    events: &mut Parser<'a, saphyr_parser::StrInput<'a>>,
    offsets: &mut Offsets<'_>,
    ev: Event<'a>,
    span: saphyr_parser::Span,
    depth: usize,
) -> Option<Extent> {
    if depth > MAX_DEPTH {
        return None;
    }
    let start = offsets.byte(span.start.index());
    match ev {
        Event::Scalar(_, style, ..) => {
            let mut end = offsets.byte(span.end.index());
            if let Some(quote) = match style {
                ScalarStyle::DoubleQuoted => Some(b'"'),
                ScalarStyle::SingleQuoted => Some(b'\''),
                _ => None,
            } {
                // The parser's span runs on over spaces and a comment after
                // the closing quote: find the quote itself.
                end = quoted_end(&offsets.src[..end], start, quote).unwrap_or(end);
            } else if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                // The parser ends a block scalar at the next token, after
                // the indentation of its line: end it at that line's start.
                let line_start = offsets.src[..end].rfind(['\n', '\r']).map_or(0, |i| i + 1);
                if offsets.src[line_start..end]
                    .bytes()
                    .all(|b| b == b' ' || b == b'\t')
                {
                    end = line_start.max(start);
                }
            }
            Some(Extent {
                start,
                end,
                flow: false,
                items: Vec::new(),
            })
        }
        Event::Alias(_) => Some(Extent {
            start,
            end: offsets.byte(span.end.index()),
            flow: false,
            items: Vec::new(),
        }),
        Event::SequenceStart(..) | Event::MappingStart(..) => {
            let mut items = Vec::new();
            loop {
                let (ev, span) = events.next()?.ok()?;
                if matches!(ev, Event::SequenceEnd | Event::MappingEnd) {
                    // A flow collection ends at its bracket (the span runs
                    // on over a comment after it); a block one where the
                    // next token is, so at its last item.
                    let flow = span.end.index() > span.start.index();
                    let end = if flow {
                        offsets.byte(span.start.index()) + 1
                    } else {
                        items.last().map_or(start, |i: &Extent| i.end)
                    };
                    return Some(Extent {
                        start,
                        end,
                        flow,
                        items,
                    });
                }
                items.push(extent(events, offsets, ev, span, depth + 1)?);
            }
        }
        _ => None,
    }
}

struct Builder<'a, 's> {
    events: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// Anchored nodes with their height (levels of nesting inside them), so
    /// that an alias cannot smuggle in more depth than [`MAX_DEPTH`].
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes held, plus every node an alias expanded to (against
    /// [`MAX_NODES`]). Streamed items stop counting once handed on, except
    /// for what their aliases expanded to.
    nodes: usize,
    /// Nodes that aliases expanded to, so far.
    aliased: usize,
    errors: Vec<YamlError>,
    stream: Option<Stream<'s>>,
}

/// Where the items of the root mapping's sequence `key` go.
struct Stream<'s> {
    key: &'s str,
    sink: &'s mut Sink<'s>,
}

enum Step {
    Node(Node),
    End,
}

impl<'a> Builder<'a, '_> {
    fn next(&mut self) -> Result<(Event<'a>, usize, usize), YamlError> {
        match self.events.next() {
            None => Ok((Event::StreamEnd, 0, 0)),
            Some(Ok((ev, span))) => Ok((ev, span.start.line(), span.start.col() + 1)),
            // The parser's own guard against deep flow nesting.
            Some(Err(e)) if e.info().contains("recursion limit") => Err(YamlError {
                message: tr!("YAML の入れ子が深すぎます（{} 段超）", "YAML nested too deeply (over {} levels)"; MAX_DEPTH),
                hint: None,
                line: e.marker().line(),
                column: e.marker().col() + 1,
                rule: "yaml.too-deep",
            }),
            Some(Err(e)) => Err(YamlError {
                message: tr!("YAML の構文エラー: {}", "YAML syntax error: {}"; e.info()),
                hint: tab_hint(e.info()),
                line: e.marker().line(),
                column: e.marker().col() + 1,
                rule: "yaml.syntax",
            }),
        }
    }

    fn document(&mut self) -> Option<Node> {
        let result = (|| -> Result<Option<Node>, YamlError> {
            let mut root = None;
            loop {
                let (ev, line, column) = self.next()?;
                match ev {
                    Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                    Event::StreamEnd => break,
                    Event::DocumentStart(_) => {
                        if root.is_some() {
                            return Err(YamlError {
                                message: tr!(
                                    "1つのファイルに YAML 文書が複数あります",
                                    "more than one YAML document in one file"
                                ),
                                hint: Some(tr!(
                                    "`---` で区切られた2つ目以降の文書を削除してください",
                                    "remove the documents after the second `---`"
                                )),
                                line,
                                column,
                                rule: "yaml.syntax",
                            });
                        }
                        match self.node(0)? {
                            Step::Node(n) => root = Some(n),
                            Step::End => {
                                root = Some(Node {
                                    kind: NodeKind::Null,
                                    line: 1,
                                    column: 1,
                                })
                            }
                        }
                    }
                    _ => {}
                }
            }
            Ok(Some(root.unwrap_or(Node {
                kind: NodeKind::Null,
                line: 1,
                column: 1,
            })))
        })();
        match result {
            Ok(root) => root,
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    fn count(&mut self, n: usize, line: usize, column: usize) -> Result<(), YamlError> {
        self.nodes += n;
        if self.nodes > MAX_NODES {
            return Err(YamlError {
                message: tr!(
                    "YAML が大きすぎます（別名 * の展開を含め {} 要素超）",
                    "YAML too large (over {} values, aliases expanded)";
                    MAX_NODES
                ),
                hint: Some(tr!(
                    "アンカーと別名（& と *）の多重展開をやめてください",
                    "avoid nested anchors and aliases (& and *)"
                )),
                line,
                column,
                rule: "yaml.too-large",
            });
        }
        Ok(())
    }

    fn node(&mut self, depth: usize) -> Result<Step, YamlError> {
        let (ev, line, column) = self.next()?;
        self.node_from(ev, line, column, depth)
    }

    /// The value of the root mapping's streamed key: a plain sequence goes
    /// item by item to the sink, anything else is read as usual.
    fn streamed(&mut self, depth: usize, pairs: &[(Key, Node)]) -> Result<Step, YamlError> {
        let (ev, line, column) = self.next()?;
        let Event::SequenceStart(0, _) = ev else {
            return self.node_from(ev, line, column, depth);
        };
        self.count(1, line, column)?;
        let mut stream = self.stream.take();
        let result = (|| {
            loop {
                let (held, aliased) = (self.nodes, self.aliased);
                let Step::Node(item) = self.node(depth + 1)? else {
                    return Ok(());
                };
                if let Some(s) = stream.as_mut() {
                    (s.sink)(pairs, item);
                }
                self.nodes = held + (self.aliased - aliased);
            }
        })();
        self.stream = stream;
        result?;
        Ok(Step::Node(Node {
            kind: NodeKind::Seq(Vec::new()),
            line,
            column,
        }))
    }

    fn node_from(
        &mut self,
        ev: Event<'a>,
        line: usize,
        column: usize,
        depth: usize,
    ) -> Result<Step, YamlError> {
        let too_deep = || YamlError {
            message: tr!("YAML の入れ子が深すぎます（{} 段超）", "YAML nested too deeply (over {} levels)"; MAX_DEPTH),
            hint: None,
            line,
            column,
            rule: "yaml.too-deep",
        };
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        let (node, anchor) = match ev {
            Event::SequenceEnd | Event::MappingEnd | Event::DocumentEnd | Event::StreamEnd => {
                return Ok(Step::End);
            }
            Event::Alias(id) => {
                let Some((target_size, target_height)) =
                    self.anchors.get(&id).map(|(n, h)| (size(n), *h))
                else {
                    return Err(YamlError {
                        message: tr!("未定義の別名です", "alias to an unknown anchor"),
                        hint: None,
                        line,
                        column,
                        rule: "yaml.syntax",
                    });
                };
                if depth + target_height > MAX_DEPTH {
                    return Err(too_deep());
                }
                self.aliased += target_size;
                self.count(target_size, line, column)?;
                let target = self.anchors[&id].0.clone();
                return Ok(Step::Node(Node {
                    line,
                    column,
                    ..target
                }));
            }
            Event::Scalar(text, style, anchor, _tag) => {
                self.count(1, line, column)?;
                let quoted = !matches!(style, ScalarStyle::Plain);
                let kind =
                    if !quoted && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
                        NodeKind::Null
                    } else {
                        NodeKind::Scalar {
                            text: text.into_owned(),
                            quoted,
                        }
                    };
                (Node { kind, line, column }, anchor)
            }
            Event::SequenceStart(anchor, _) => {
                self.count(1, line, column)?;
                let mut items = Vec::new();
                while let Step::Node(n) = self.node(depth + 1)? {
                    items.push(n);
                }
                (
                    Node {
                        kind: NodeKind::Seq(items),
                        line,
                        column,
                    },
                    anchor,
                )
            }
            Event::MappingStart(anchor, _) => {
                self.count(1, line, column)?;
                let mut entries: Vec<(Key, Node)> = Vec::new();
                let mut seen = KeyLines::default();
                loop {
                    let key = match self.node(depth + 1)? {
                        Step::End => break,
                        Step::Node(k) => k,
                    };
                    let (key_line, key_column) = (key.line, key.column);
                    let text = match key.kind {
                        NodeKind::Scalar { text, .. } => Some(text),
                        NodeKind::Null => Some(String::new()),
                        _ => None,
                    };
                    let first_line = text.as_deref().and_then(|t| seen.get(t, &entries));
                    let streams = depth == 0
                        && first_line.is_none()
                        && text.is_some()
                        && self.stream.as_ref().map(|s| s.key) == text.as_deref();
                    let value = match if streams {
                        self.streamed(depth + 1, &entries)?
                    } else {
                        self.node(depth + 1)?
                    } {
                        Step::Node(v) => v,
                        Step::End => Node {
                            kind: NodeKind::Null,
                            line: key_line,
                            column: key_column,
                        },
                    };
                    let Some(text) = text else {
                        self.errors.push(YamlError {
                            message: tr!(
                                "キーに配列や対応表は使えません",
                                "a key must be a scalar, not a collection"
                            ),
                            hint: None,
                            line: key_line,
                            column: key_column,
                            rule: "yaml.syntax",
                        });
                        continue;
                    };
                    if let Some(first_line) = first_line {
                        self.errors.push(YamlError {
                            message: tr!(
                                "キー「{}」が重複しています（最初は {} 行目）",
                                "duplicate key '{}' (first at line {})";
                                text, first_line
                            ),
                            hint: Some(tr!("どちらか一方を削除してください", "remove one of them")),
                            line: key_line,
                            column: key_column,
                            rule: "yaml.duplicate-key",
                        });
                        continue;
                    }
                    seen.insert(&text, key_line, &entries);
                    entries.push((
                        Key {
                            text,
                            line: key_line,
                            column: key_column,
                        },
                        value,
                    ));
                }
                (
                    Node {
                        kind: NodeKind::Map(entries),
                        line,
                        column,
                    },
                    anchor,
                )
            }
            _ => return self.node(depth),
        };
        if anchor != 0 {
            let h = height(&node);
            self.anchors.insert(anchor, (node.clone(), h));
        }
        Ok(Step::Node(node))
    }
}

/// The first line of each key of a mapping being read, so that duplicates
/// are found without quadratic time: small mappings (nearly all) are
/// searched directly, larger ones through a hash map built on the way.
#[derive(Default)]
struct KeyLines {
    lines: Option<HashMap<String, usize>>,
}

impl KeyLines {
    /// Up to this many keys a linear search is faster than hashing.
    const LINEAR: usize = 16;

    fn get(&self, text: &str, pairs: &[(Key, Node)]) -> Option<usize> {
        match &self.lines {
            Some(lines) => lines.get(text).copied(),
            None => pairs
                .iter()
                .find(|(k, _)| k.text == text)
                .map(|(k, _)| k.line),
        }
    }

    /// Records a key about to be appended to `pairs`.
    fn insert(&mut self, text: &str, line: usize, pairs: &[(Key, Node)]) {
        if self.lines.is_none() && pairs.len() >= Self::LINEAR {
            self.lines = Some(
                pairs
                    .iter()
                    .map(|(k, _)| (k.text.clone(), k.line))
                    .collect(),
            );
        }
        if let Some(lines) = &mut self.lines {
            lines.insert(text.to_string(), line);
        }
    }
}

/// Levels of nesting below `node` (0 for a scalar).
fn height(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Seq(items) => 1 + items.iter().map(height).max().unwrap_or(0),
        NodeKind::Map(entries) => 1 + entries.iter().map(|(_, v)| height(v)).max().unwrap_or(0),
        _ => 0,
    }
}

fn size(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
        NodeKind::Map(entries) => 1 + entries.iter().map(|(_, v)| 1 + size(v)).sum::<usize>(),
        _ => 1,
    }
}

fn about_tabs(info: &str) -> bool {
    info.contains("tab")
}

fn tab_hint(info: &str) -> Option<Text> {
    about_tabs(info).then(|| {
        tr!(
            "YAML の字下げにタブは使えません。半角スペースにしてください",
            "YAML indentation cannot use tabs; use spaces"
        )
    })
}

/// Deserialises `node` into `T` through serde_yaml, mapping serde's error
/// to the position of the value it concerns, with a Japanese message and a
/// did-you-mean hint.
///
/// The tree is written back out as flow YAML in which every scalar keeps
/// its text and its quoting, so serde_yaml sees exactly what the user wrote
/// (`1.10` stays text for a string field, `5` is a number for a number
/// field) and one entry of a list can be read on its own.
pub fn deserialize<T: DeserializeOwned>(node: &Node) -> Result<T, YamlError> {
    let mut flow = String::new();
    emit_flow(node, &mut flow);
    let de = serde_yaml::Deserializer::from_str(&flow);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let segments: Vec<String> = err
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                _ => None,
            })
            .collect();
        let raw = err.inner().to_string();
        let raw = strip_location(&raw);
        let (line, column, key_pos) = locate(node, &segments);
        let (message, hint, rule) = humanize(raw, &segments);
        let (line, column) = if rule == "yaml.unknown-field" {
            key_pos.unwrap_or((line, column))
        } else {
            (line, column)
        };
        YamlError {
            message,
            hint,
            line,
            column,
            rule,
        }
    })
}

/// serde_yaml appends " at line L column C" (of the flow text): drop it.
fn strip_location(raw: &str) -> &str {
    match raw.rfind(" at line ") {
        Some(i) => &raw[..i],
        None => raw,
    }
}

fn emit_flow(node: &Node, out: &mut String) {
    match &node.kind {
        NodeKind::Null => out.push_str("null"),
        NodeKind::Scalar { text, quoted } => {
            let plain_safe = !quoted
                && !text.is_empty()
                && (matches!(
                    text.as_str(),
                    "true" | "false" | "True" | "False" | "TRUE" | "FALSE"
                ) || text.bytes().enumerate().all(|(i, b)| {
                    b.is_ascii_digit() || (b == b'.' && i > 0) || (b == b'-' && i == 0)
                }));
            if plain_safe {
                out.push_str(text);
            } else {
                out.push_str(&serde_json::to_string(text).unwrap_or_default());
            }
        }
        NodeKind::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                emit_flow(item, out);
            }
            out.push(']');
        }
        NodeKind::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&serde_json::to_string(&k.text).unwrap_or_default());
                out.push_str(": ");
                emit_flow(v, out);
            }
            out.push('}');
        }
    }
}

/// The position of the value at `path` (and of its key when the last step
/// is a mapping key), falling back to the deepest node found.
fn locate(node: &Node, path: &[String]) -> (usize, usize, Option<(usize, usize)>) {
    let mut cur = node;
    let mut key_pos = None;
    for seg in path {
        let next = match &cur.kind {
            NodeKind::Map(entries) => entries.iter().find(|(k, _)| &k.text == seg).map(|(k, v)| {
                key_pos = Some((k.line, k.column));
                v
            }),
            NodeKind::Seq(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    (cur.line, cur.column, key_pos)
}

/// Turns serde's English message into a bilingual one, with did-you-mean.
fn humanize(raw: &str, path: &[String]) -> (Text, Option<Text>, &'static str) {
    let field = path.last().cloned().unwrap_or_default();
    let at = if path.is_empty() {
        String::new()
    } else {
        format!("{}: ", path.join("."))
    };
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        let expected = backticked(rest.split_once("expected").map(|(_, e)| e).unwrap_or(""));
        let hint = did_you_mean(name, &expected)
            .map(|s| tr!("「{}」の誤りではありませんか", "did you mean '{}'?"; s))
            .or_else(|| {
                (!expected.is_empty())
                    .then(|| tr!("使えるキー: {}", "known keys: {}"; expected.join(", ")))
            });
        return (
            tr!("{}未知のキー「{}」です", "{}unknown field '{}'"; at, name),
            hint,
            "yaml.unknown-field",
        );
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        return (
            tr!("{}必須のキー「{}」がありません", "{}missing field '{}'"; at, name),
            Some(tr!("「{}:」を追加してください", "add '{}:'"; name)),
            "yaml.missing-field",
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let name = rest.split('`').next().unwrap_or("");
        let expected = backticked(rest.split_once("expected").map(|(_, e)| e).unwrap_or(""));
        let hint = did_you_mean(name, &expected)
            .map(|s| tr!("「{}」の誤りではありませんか", "did you mean '{}'?"; s))
            .unwrap_or_else(|| tr!("使える値: {}", "allowed values: {}"; expected.join(", ")));
        return (
            tr!("{}「{}」は使えない値です", "{}'{}' is not an allowed value"; at, name),
            Some(hint),
            "yaml.invalid-value",
        );
    }
    if raw.starts_with("invalid type") {
        let expected = raw.split_once("expected ").map(|(_, e)| e).unwrap_or("");
        let ja_expected = match expected {
            e if e.contains("sequence") => "配列（- 項目）",
            e if e.contains("bool") => "true または false",
            e if e.contains("map") || e.contains("struct") => "対応表（キー: 値）",
            e if e.contains("string") => "文字列",
            _ => expected,
        };
        return (
            Text::new(
                format!("{at}型が違います（{ja_expected}が必要）"),
                format!("{at}{raw}"),
            ),
            None,
            "yaml.invalid-value",
        );
    }
    // Our own messages carry both languages as "ja / en".
    if let Some((ja, en)) = raw.split_once(" / ") {
        return (
            Text::new(format!("{at}{ja}"), format!("{at}{en}")),
            None,
            "yaml.invalid-value",
        );
    }
    let _ = field;
    (tr!("{}{}", "{}{}"; at, raw), None, "yaml.invalid-value")
}

fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The closest of `candidates` to `name`, if it is close enough to suggest.
pub fn did_you_mean<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_keep_their_text() {
        let p = parse("version: 1.10\nid: 007\n");
        let root = p.root.unwrap();
        assert_eq!(root.get("version").unwrap().as_str(), Some("1.10"));
        assert_eq!(root.get("id").unwrap().as_str(), Some("007"));
    }

    #[test]
    fn duplicate_key_is_located() {
        let p = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(p.errors.len(), 1);
        assert_eq!((p.errors[0].line, p.errors[0].column), (3, 1));
        assert_eq!(p.errors[0].rule, "yaml.duplicate-key");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            src.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n", p = i - 1));
        }
        let p = parse(&src);
        assert!(p.root.is_none());
        assert_eq!(p.errors[0].rule, "yaml.too-large");
    }

    #[test]
    fn tab_indentation_gets_a_hint() {
        let p = parse("a:\n\tb: 1\n");
        assert!(p.root.is_none());
        assert_eq!((p.errors[0].line, p.errors[0].column), (2, 1));
    }

    #[test]
    fn a_tab_is_located_at_the_tab_not_the_scalar_before_it() {
        let p = parse("a:\n  b: x\n\tc: 1\n");
        assert!(p.root.is_none());
        assert_eq!((p.errors[0].line, p.errors[0].column), (3, 1));
        assert!(p.errors[0].hint.is_some());
    }

    #[test]
    fn extents_end_where_values_end_in_bytes() {
        let src = "a: 日本\r\nb: |\r\n  x\r\n  # y\r\nc: {d: [1, 2]}\r\ne:\r\n";
        let root = extents(src).unwrap();
        let part = |e: &Extent| &src[e.start..e.end];
        assert_eq!(root.items.len(), 8);
        assert_eq!(part(&root.items[1]), "日本");
        // A block scalar ends past its last line break (comment-like lines
        // inside it included), not at the next key.
        assert_eq!(&src[root.items[3].end..], "c: {d: [1, 2]}\r\ne:\r\n");
        assert!(root.items[5].flow && !root.items[3].flow && !root.flow);
        assert_eq!(part(&root.items[5]), "{d: [1, 2]}");
        // An empty value sits at the end of its key; a block mapping ends
        // with its last item.
        assert_eq!(root.items[7].start, src.find("e:").unwrap() + 1);
        assert_eq!(root.end, root.items[7].end);
        assert!(extents("a: [").is_none());
        // Quoted scalars and flow collections end at their closing quote or
        // bracket, not after a comment that follows.
        let src = "a: &q !!str \"x\\\" # y\" # c\nb: 'it''s' # c\nc: [1] # c\n";
        let root = extents(src).unwrap();
        let part = |e: &Extent| &src[e.start..e.end];
        assert_eq!(part(&root.items[1]), "&q !!str \"x\\\" # y\"");
        assert_eq!(part(&root.items[3]), "'it''s'");
        assert_eq!(part(&root.items[5]), "[1]");
    }

    #[test]
    fn unknown_field_suggests_the_closest() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct A {
            approver: String,
            date: String,
        }
        let root = parse("approver: x\naprover: y\n").root.unwrap();
        let e = deserialize::<A>(&root).unwrap_err();
        assert_eq!(e.rule, "yaml.unknown-field");
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e.hint.unwrap().en.contains("approver"));
    }
}
