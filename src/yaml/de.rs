//! Typing the located tree: a node deserialised into a Rust type, errors
//! located at the value they concern.

use serde::de::DeserializeOwned;

use super::tree::{Node, NodeKind, YamlError};
use crate::i18n::Text;
use crate::tr;

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
