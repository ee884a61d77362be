//! The located YAML tree: every value with its line and column, scalars
//! as written (`1.10` stays `1.10`), keys with their own positions; the
//! errors a reader reports; and borrowed views ([`NodeRef`]) for readers
//! that type values without copying them. Both readers ([`super::saphyr`],
//! [`super::fast`]) build these.

use crate::i18n::Text;

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

/// Receives streamed items: the root mapping's pairs read so far, and the
/// item.
pub type Sink<'a> = dyn FnMut(&[(Key, Node)], Node) + 'a;
