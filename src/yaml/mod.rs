//! YAML with source locations. Every YAML file is read into a [`Node`]
//! tree that keeps the line and column of each value, scalars as written,
//! and duplicate keys found; typed structs are then deserialised from the
//! tree ([`deserialize`]), errors located at the value they concern.
//!
//! Two readers build the tree: [`fast`], a line-based reader of the plain
//! block YAML that ledgers and front matter are written in, and
//! [`saphyr`], saphyr-parser for everything else (and for every error). A
//! text goes to the fast reader first; when it gives up, to saphyr-parser.
//! Both agree on every input the fast reader accepts (the `fast_yaml` fuzz
//! target).

pub mod de;
pub mod extent;
pub mod fast;
pub mod saphyr;
pub mod tree;

pub use de::{NodeDeserializer, deserialize, did_you_mean, text_error};
pub use extent::{Extent, extents};
pub use saphyr::{parse_saphyr, parse_streaming};
pub use tree::{
    Key, KeyRef, Node, NodeKind, NodeRef, NodeRefKind, Parsed, Sink, YamlError, owned_pairs,
};

/// A YAML problem as a finding in `file`, its line moved down by `offset`
/// (front matter starts below the document's first line).
pub fn finding(e: &YamlError, file: &str, offset: usize) -> crate::diag::Finding {
    let line = if e.line == 0 { 0 } else { e.line + offset };
    let mut f = crate::diag::Finding::error(e.rule, e.message.clone())
        .at(crate::diag::Location::new(file, line, e.column));
    if let Some(h) = &e.hint {
        f = f.hint(h.clone());
    }
    f
}

/// Parses one YAML document into a located tree: with the fast reader
/// when the text is in its subset (front matter nearly always is), else
/// with saphyr-parser.
pub fn parse(src: &str) -> Parsed {
    fast::parse(src).unwrap_or_else(|| saphyr::parse_saphyr(src))
}

#[cfg(test)]
mod tests {
    use super::extent::Extent;
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
