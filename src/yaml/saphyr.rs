//! The general YAML reader: saphyr-parser's events built into the located
//! tree, with limits on depth and on the nodes aliases expand to (against
//! alias bombs), duplicate keys found, tab indentation located and
//! explained, and the items of one sequence streamed out as they are read.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::tree::{Key, Node, NodeKind, Parsed, Sink, YamlError};
use crate::i18n::Text;
use crate::tr;

/// Deepest nesting accepted, against stack exhaustion.
const MAX_DEPTH: usize = 200;
/// Most nodes a file may expand to (aliases included), against alias bombs.
const MAX_NODES: usize = 2_000_000;

/// Parses with saphyr-parser only.
pub fn parse_saphyr(src: &str) -> Parsed {
    parse_with(src, None)
}

/// Parses with saphyr-parser, handing each item of the sequence under
/// `key` in the root mapping to `sink` as soon as it is read (see
/// [`super::parse_streaming`]).
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
                message: syntax_reason(e.info()),
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

/// The parser's message in both languages: its known messages by a fixed
/// table (the offending character kept), any other one kept as it is in
/// the Japanese too, so nothing is lost.
fn syntax_reason(info: &str) -> crate::i18n::Text {
    const KNOWN: &[(&str, &str)] = &[
        (
            "did not find expected <document start>",
            "文書の始まりがありません（前の行の続きとして読めません）",
        ),
        (
            "did not find expected <document-start>",
            "文書の始まりがありません（前の行の続きとして読めません）",
        ),
        ("did not find expected next token", "次の要素がありません"),
        (
            "mapping values are not allowed in this context",
            "ここにはキーと値（キー: 値）を書けません（コロンの後に空白があるか、字下げを確かめてください）",
        ),
        (
            "mapping keys are not allowed in this context",
            "ここにはキーを書けません",
        ),
        (
            "block sequence entries are not allowed in this context",
            "ここにはリストの項目（- ）を書けません（字下げを確かめてください）",
        ),
        (
            "while parsing a block mapping, did not find expected key",
            "キーと値の並びの途中で、キーがありません（字下げがずれていないか確かめてください）",
        ),
        (
            "while parsing a block collection, did not find expected '-' indicator",
            "リストの途中で、項目の「- 」がありません（字下げを確かめてください）",
        ),
        (
            "while parsing a flow sequence, expected ',' or ']'",
            "[ ] の中で「,」か「]」がありません",
        ),
        (
            "while parsing a flow mapping, did not find expected ',' or '}'",
            "{ } の中で「,」か「}」がありません",
        ),
        (
            "while parsing a node, did not find expected node content",
            "値がありません",
        ),
        (
            "while scanning a quoted scalar, found unexpected end of stream",
            "引用符が閉じられていません",
        ),
        (
            "while scanning a quoted scalar, found unexpected document indicator",
            "引用符の中に文書の区切り（--- か ...）があります",
        ),
        (
            "while parsing a quoted scalar, found unknown escape character",
            "引用符の中に知らないエスケープ（\\ の後の文字）があります",
        ),
        (
            "while scanning a plain scalar, found a tab",
            "値の中にタブがあります（空白にしてください）",
        ),
        (
            "tabs disallowed within this context (block indentation)",
            "字下げにタブは使えません（空白にしてください）",
        ),
        (
            "tabs disallowed in this context",
            "ここにタブは使えません（空白にしてください）",
        ),
        (
            "while parsing node, found unknown anchor",
            "定義されていないアンカー（*名前）を参照しています",
        ),
        (
            "while parsing anchor, found duplicated anchor",
            "アンカー（&名前）が二度定義されています",
        ),
        (
            "while scanning an anchor or alias, did not find expected alphabetic or numeric character",
            "アンカー・エイリアスの名前がありません",
        ),
        ("invalid indentation", "字下げが正しくありません"),
        (
            "invalid indentation in flow construct",
            "[ ] や { } の中の字下げが正しくありません",
        ),
        (
            "invalid indentation in quoted scalar",
            "引用符の中の字下げが正しくありません",
        ),
        (
            "invalid trailing content after double-quoted scalar",
            "閉じた引用符の後に余計な文字があります",
        ),
        (
            "invalid content after document end marker",
            "文書の終わり（...）の後に余計な内容があります",
        ),
        ("simple key expected", "キーがありません"),
        ("simple key expect ':'", "キーの後に「:」がありません"),
        ("misplaced bracket", "括弧の位置が正しくありません"),
        ("unexpected end of plain scalar", "値が途中で終わっています"),
        ("unexpected eof", "ファイルが途中で終わっています"),
        ("expected whitespace", "空白が必要です"),
        ("found unprintable character", "表示できない文字があります"),
        (
            "found incompatible YAML document",
            "対応していない YAML の版です",
        ),
        (
            "while scanning a block scalar, did not find expected comment or line break",
            "| や > の後にコメントか改行が必要です",
        ),
    ];
    let en = format!("YAML syntax error: {info}");
    if let Some((_, ja)) = KNOWN.iter().find(|(m, _)| *m == info) {
        return crate::i18n::Text::new(format!("YAML の構文エラー: {ja}"), en);
    }
    if let Some(c) = info
        .strip_prefix("unexpected character: `")
        .and_then(|r| r.strip_suffix('\''))
    {
        return crate::i18n::Text::new(format!("YAML の構文エラー: ここに「{c}」は書けません"), en);
    }
    crate::i18n::Text::new(format!("YAML の構文エラー（パーサーの報告: {info}）"), en)
}

#[cfg(test)]
mod syntax_tests {
    #[test]
    fn the_parsers_known_messages_read_in_japanese_and_others_are_kept() {
        let t = super::syntax_reason("while parsing a flow sequence, expected ',' or ']'");
        assert_eq!(
            t.ja,
            "YAML の構文エラー: [ ] の中で「,」か「]」がありません"
        );
        assert_eq!(
            t.en,
            "YAML syntax error: while parsing a flow sequence, expected ',' or ']'"
        );
        let c = super::syntax_reason("unexpected character: `@'");
        assert!(c.ja.contains("「@」"), "{}", c.ja);
        let other = super::syntax_reason("something new");
        assert!(other.ja.contains("something new"), "{}", other.ja);
    }
}
