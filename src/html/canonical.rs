//! The sanitiser's answer without its parse, where that answer is known.
//! HTML that pulldown-cmark wrote for Markdown holding no raw HTML has a
//! small, regular grammar: the tags it writes, double-quoted attributes,
//! text whose `<` and `&` are escaped. For such HTML, what the sanitiser
//! ([`super::clean`]) returns can be worked out tag by tag, without
//! building a DOM: the same attribute allow-list, the same URL rules (the
//! `url` crate's parse, [`super::keep_attribute`], [`super::relative_url`]),
//! in the same order, and html5ever's way of writing tags and escaping
//! text. [`sanitised_form`] does that, and gives up (returns `None`) on
//! anything outside that grammar or anything the HTML parser would
//! restructure (a link inside a link, a block inside a paragraph...): the
//! caller then runs the sanitiser itself. Tests and the `site_html` fuzz
//! target hold it to byte equality with the sanitiser.

use std::borrow::Cow;

/// Elements with no end tag.
const VOID: &[&str] = &["br", "hr", "img", "input"];

/// Phrasing elements: no block may open inside them (the parser would
/// move it), and no link inside a link.
const INLINE: &[&str] = &["a", "em", "strong", "del", "code", "sup"];

/// Elements whose start tag closes an open paragraph or heading.
const BLOCK: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "pre",
    "blockquote",
    "hr",
    "div",
];

/// Table elements in which only other table elements and white space may
/// appear (anything else is moved out of the table by the parser).
const TABLE_PARTS: &[&str] = &["table", "thead", "tbody", "tr"];

/// Elements pulldown-cmark writes for Markdown (with anzen's options) and
/// anzen's own wrappers: the only ones this module handles.
fn known(name: &str) -> bool {
    [BLOCK, INLINE, VOID, TABLE_PARTS, &["th", "td"]]
        .iter()
        .any(|set| set.contains(&name))
}

/// Attributes the sanitiser keeps on every element (its defaults and
/// anzen's additions: [`super::sanitizer`]).
const GENERIC: &[&str] = &["id", "class", "title", "lang"];

/// Attributes the sanitiser keeps on one element.
fn tag_attributes(tag: &str) -> &'static [&'static str] {
    match tag {
        "a" => &["href", "hreflang"],
        "img" => &["align", "alt", "height", "src", "width"],
        "ol" => &["start"],
        "th" => &[
            "align", "char", "charoff", "colspan", "headers", "rowspan", "scope", "style",
        ],
        "td" => &[
            "align", "char", "charoff", "colspan", "headers", "rowspan", "style",
        ],
        "table" => &["align", "char", "charoff", "summary"],
        "thead" | "tbody" | "tr" => &["align", "char", "charoff"],
        "blockquote" => &["cite"],
        "del" => &["cite", "datetime"],
        "hr" => &["align", "size", "width"],
        "input" => &["type", "checked", "disabled"],
        _ => &[],
    }
}

/// Attributes holding a URL (of the elements handled here).
fn is_url_attribute(name: &str) -> bool {
    name == "href" || name == "src"
}

/// What [`super::clean`] returns for `html`, when `html` is pulldown-cmark
/// output of Markdown without raw HTML (plus anzen's own wrappers);
/// `None` when it is not sure.
pub fn sanitised_form(html: &str) -> Option<String> {
    // The parser drops or replaces NUL; pulldown-cmark never writes it.
    if memchr::memchr(0, html.as_bytes()).is_some() {
        return None;
    }
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        // The memchr crate's searches (SIMD), not str::find's: a page is
        // mostly text, scanned once here.
        let lt = memchr::memchr(b'<', rest.as_bytes()).unwrap_or(rest.len());
        let (text, after) = rest.split_at(lt);
        if !text.is_empty() {
            if open.last().is_some_and(|t| TABLE_PARTS.contains(t))
                && !text.bytes().all(|b| b.is_ascii_whitespace())
            {
                return None;
            }
            push_text(&mut out, text)?;
        }
        if after.is_empty() {
            break;
        }
        let end = memchr::memchr(b'>', after.as_bytes())?;
        let tag = &after[1..end];
        rest = &after[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            if open.pop() != Some(name) {
                return None;
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
            continue;
        }
        start_tag(&mut out, &mut open, tag)?;
    }
    open.is_empty().then_some(out)
}

/// Text between tags, written as html5ever writes a text node: the
/// escapes pulldown-cmark wrote (`&amp;`, `&lt;`, `&gt;`) stay, a `>` or
/// a no-break space is escaped, and line ends become `\n` as the parser's
/// input stream makes them.
fn push_text(out: &mut String, text: &str) -> Option<()> {
    // A no-break space is C2 A0 in UTF-8: any C2 byte takes the long way
    // (which writes other text unchanged).
    let b = text.as_bytes();
    if memchr::memchr3(b'&', b'>', b'\r', b).is_none() && memchr::memchr(0xC2, b).is_none() {
        out.push_str(text);
        return Some(());
    }
    let decoded = decode(text)?;
    escape_into(out, &decoded, false);
    Some(())
}

/// One start tag (`tag` is what lies between `<` and `>`).
fn start_tag<'h>(out: &mut String, open: &mut Vec<&'h str>, tag: &'h str) -> Option<()> {
    let tag = match tag.strip_suffix('/') {
        Some(t) => t.strip_suffix(' ').unwrap_or(t),
        None => tag,
    };
    let name_len = tag
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let (name, mut attrs_text) = tag.split_at(name_len);
    if !known(name) {
        return None;
    }
    // What the parser would restructure.
    let inside = |set: &[&str]| open.iter().any(|t| set.contains(t));
    if name == "a" && open.contains(&"a") {
        return None;
    }
    if BLOCK.contains(&name)
        && (inside(INLINE) || inside(&["p", "h1", "h2", "h3", "h4", "h5", "h6"]))
    {
        return None;
    }
    let parent = open.last().copied();
    let table_part_ok = match name {
        "thead" | "tbody" => parent == Some("table"),
        "tr" => matches!(parent, Some("thead" | "tbody")),
        "th" | "td" => parent == Some("tr"),
        "li" => matches!(parent, Some("ul" | "ol")),
        _ => !parent.is_some_and(|p| TABLE_PARTS.contains(&p)),
    };
    if !table_part_ok {
        return None;
    }
    // Attributes, as the tokenizer reads them: names lowercased, values
    // unescaped, a repeated name ignored.
    let mut attrs: Vec<(String, String)> = Vec::new();
    loop {
        if attrs_text.is_empty() {
            break;
        }
        let t = attrs_text.strip_prefix(' ')?;
        let eq = t.find("=\"")?;
        let attr_name = &t[..eq];
        if attr_name.is_empty()
            || !attr_name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        {
            return None;
        }
        let value_start = eq + 2;
        let close = t[value_start..].find('"')? + value_start;
        let value = decode(&t[value_start..close])?.into_owned();
        let attr_name = attr_name.to_ascii_lowercase();
        if !attrs.iter().any(|(n, _)| *n == attr_name) {
            attrs.push((attr_name, value));
        }
        attrs_text = &t[close + 1..];
    }
    let attrs = sanitise_attributes(name, attrs);
    out.push('<');
    out.push_str(name);
    for (n, v) in &attrs {
        out.push(' ');
        out.push_str(n);
        out.push_str("=\"");
        escape_into(out, v, true);
        out.push('"');
    }
    out.push('>');
    if !VOID.contains(&name) {
        open.push(name);
    }
    Some(())
}

/// The sanitiser's steps on one element's attributes, in its order: the
/// allow-list and URL schemes, then `rel` on links, then anzen's
/// attribute filter, then the rule for relative URLs (the last two drop
/// by swapping with the last attribute, as the sanitiser does).
fn sanitise_attributes(tag: &str, mut attrs: Vec<(String, String)>) -> Vec<(String, String)> {
    attrs.retain(|(name, value)| {
        let allowed =
            GENERIC.contains(&name.as_str()) || tag_attributes(tag).contains(&name.as_str());
        if !allowed {
            return false;
        }
        if !is_url_attribute(name) {
            return true;
        }
        match url::Url::parse(value) {
            Ok(u) => super::URL_SCHEMES.contains(&u.scheme()),
            Err(url::ParseError::RelativeUrlWithoutBase) => true,
            Err(_) => false,
        }
    });
    if tag == "a" {
        attrs.push(("rel".into(), super::LINK_REL.into()));
    }
    let mut dropped = Vec::new();
    for (i, (name, value)) in attrs.iter_mut().enumerate() {
        match super::keep_attribute(tag, name, value) {
            Some(v) if *v != **value => *value = v.into_owned(),
            Some(_) => {}
            None => dropped.push(i),
        }
    }
    for i in dropped.into_iter().rev() {
        attrs.swap_remove(i);
    }
    let mut dropped = Vec::new();
    for (i, (name, value)) in attrs.iter_mut().enumerate() {
        let relative = matches!(
            url::Url::parse(value),
            Err(url::ParseError::RelativeUrlWithoutBase)
        );
        if is_url_attribute(name) && relative {
            match super::relative_url(value) {
                Some(v) if *v != **value => *value = v.into_owned(),
                Some(_) => {}
                None => dropped.push(i),
            }
        }
    }
    for i in dropped.into_iter().rev() {
        attrs.swap_remove(i);
    }
    attrs
}

/// `s` with the character references pulldown-cmark writes replaced by
/// their characters, and line ends as the parser's input stream makes
/// them; `None` on any other reference.
fn decode(s: &str) -> Option<Cow<'_, str>> {
    if memchr::memchr2(b'&', b'\r', s.as_bytes()).is_none() {
        return Some(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = memchr::memchr2(b'&', b'\r', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let r = &rest[i..];
        if let Some(after) = r.strip_prefix("\r\n").or_else(|| r.strip_prefix('\r')) {
            out.push('\n');
            rest = after;
            continue;
        }
        let (c, len) = [
            ("&amp;", '&'),
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&#39;", '\''),
            ("&#x27;", '\''),
        ]
        .iter()
        .find(|(e, _)| r.starts_with(e))
        .map(|(e, c)| (*c, e.len()))?;
        out.push(c);
        rest = &r[len..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// Escapes as html5ever's serialiser does: `&`, `<`, `>` and the
/// no-break space, and `"` in attribute values.
fn escape_into(out: &mut String, s: &str, attribute: bool) {
    // Byte by byte, copying the runs between escapes whole: every byte
    // escaped is ASCII or the lead of a no-break space (C2 A0), so each
    // cut falls between characters.
    let b = s.as_bytes();
    let (mut last, mut i) = (0, 0);
    while i < b.len() {
        let (escape, len) = match b[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' if attribute => ("&quot;", 1),
            0xC2 if b.get(i + 1) == Some(&0xA0) => ("&nbsp;", 2),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[last..i]);
        out.push_str(escape);
        i += len;
        last = i;
    }
    out.push_str(&s[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::site::markdown::unsanitised;

    /// Inline Markdown: links of every kind of URL the rules tell apart,
    /// images, footnote references, escapes, quotes, no-break spaces,
    /// line ends, code with markup characters.
    const INLINE: &[&str] = &[
        "平文のテキスト",
        "plain words",
        "*強調*",
        "**重要**",
        "~~取消~~",
        "`code \"'&<> \u{a0}`",
        "[文書](other.md)",
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](https://example.invalid/a?b=1&c='2'#f)",
        "[x](HTTP://UPPER.example/)",
        "[x](../../../etc/passwd)",
        "[x](../up.html)",
        "[x](/absolute)",
        "[x](//host/path)",
        "[x](\\\\host\\share)",
        "[x](%2e%2e/%2e%2e/x)",
        "[x](#frag \"title \\\"q\\\" & <t>\")",
        "[x](mailto:a@example.invalid)",
        "[x](tel:+81-3-0000)",
        "[x](ftp://old.example/)",
        "[x](http://[::1)",
        "[x](<a b>)",
        "[x](data:text/html,hi)",
        "[x]()",
        "[x](日本語.md)",
        "![画像](pic.png \"題\")",
        "![*alt* `c` \"q\" 'a'](https://example.invalid/p.png)",
        "![](data:image/png;base64,AAAA)",
        "![外部](https://example.invalid/p.png \"題\")",
        "![a](../../../x.png)",
        "![a ![inner](i.png) b](o.png)",
        "<https://auto.example/x?a=1&b=2>",
        "<mail@example.invalid>",
        "脚注[^1]",
        "&quot;&amp;&nbsp;&#39;&lt;&gt;&copy;&#x27;",
        "\u{a0}no-break\u{a0}",
        "\"double\" and 'single'",
        "a & b < c > d",
        "line\\\nbreak",
        "soft\nbreak",
        "carriage\r\nreturn",
        "lone\rcr",
        "tab\there",
        "[ref][r]",
    ];

    /// Blocks.
    const BLOCKS: &[&str] = &[
        "# 見出し {#h-one .cls data-x=1 title=T onclick=alert(1)}",
        "## Heading {lang=ja Title=x ID=y}",
        "### plain heading",
        "- [ ] 未了\n- [x] 済",
        "1. one\n2. two",
        "3. three\n4. four",
        "> quoted *text*\n> more",
        "```rust\nlet a = \"<b>&amp;\";\n```",
        "```\nplain \u{a0} code\r\n```",
        "    indented <code>",
        "---",
        "| a | b | c |\n|:-|-:|:-:|\n| 1 | *2* | [x](y.md) |",
        "| only | head |\n|---|---|",
        "[^1]: 注 *x*",
        "[r]: https://example.invalid/ref \"Ref title\"",
        "- item\n\n  second paragraph\n\n  - nested\n    > quote",
    ];

    /// A deterministic Markdown document from `seed`.
    fn document(seed: u64) -> String {
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let mut doc = String::new();
        for _ in 0..1 + next(6) {
            let block = match next(3) {
                0 => BLOCKS[next(BLOCKS.len())].to_string(),
                _ => (0..1 + next(5))
                    .map(|_| INLINE[next(INLINE.len())])
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            let block = match next(6) {
                0 => format!("- {}", block.replace('\n', "\n  ")),
                1 => format!("> {}", block.replace('\n', "\n> ")),
                2 => format!(
                    "| {} | x |\n|---|---|\n| y | {} |",
                    block.replace('\n', " "),
                    block.replace('\n', " ")
                ),
                _ => block,
            };
            doc.push_str(&block);
            doc.push_str("\n\n");
        }
        doc
    }

    /// The two ways of sanitising a body: this module's (when it is sure)
    /// and the sanitiser's.
    fn both(body: &str) -> Option<(String, String)> {
        let (html, raw, _) = unsanitised(body, &[], &|_| None);
        if raw {
            return None;
        }
        sanitised_form(&html).map(|fast| (fast, super::super::clean(&html)))
    }

    #[test]
    fn gives_the_sanitisers_bytes_for_generated_markdown() {
        let mut fast = 0;
        let total = 4000;
        for seed in 0..total {
            let doc = document(seed);
            if let Some((mine, theirs)) = both(&doc) {
                assert_eq!(mine, theirs, "seed {seed}: {doc:?}");
                fast += 1;
            }
        }
        // The nested-link and similar cases fall back; most do not.
        assert!(
            fast * 10 > total * 8,
            "only {fast} of {total} without the parse"
        );
    }

    #[test]
    fn gives_the_sanitisers_bytes_for_each_fragment_alone() {
        for md in INLINE.iter().chain(BLOCKS) {
            let (mine, theirs) = both(md).unwrap_or_else(|| panic!("fell back on {md:?}"));
            assert_eq!(mine, theirs, "{md:?}");
        }
    }

    #[test]
    fn gives_the_sanitisers_bytes_for_the_sample_documents() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for dir in ["content", "tests/fixtures"] {
            for e in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let e = e.unwrap();
                if e.path().extension().is_none_or(|x| x != "md") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(e.path()) else {
                    continue;
                };
                let (html, raw, _) = unsanitised(&text, &[], &|_| None);
                if raw {
                    continue;
                }
                let mine = sanitised_form(&html)
                    .unwrap_or_else(|| panic!("fell back on {}: {html}", e.path().display()));
                assert_eq!(mine, super::super::clean(&html), "{}", e.path().display());
                seen += 1;
            }
        }
        assert!(seen > 20, "{seen} documents");
    }

    #[test]
    fn falls_back_where_the_parser_would_restructure() {
        // A link in a link, a block in a paragraph or a link.
        for html in [
            "<p><a href=\"a\">x<a href=\"b\">y</a></a></p>",
            "<p><em><ul><li>x</li></ul></em></p>",
            "<h2><p>x</p></h2>",
        ] {
            assert_eq!(sanitised_form(html), None, "{html}");
        }
        // Outside the grammar: raw markup, an unknown element, a stray
        // reference, an unclosed element.
        for html in [
            "<p><span>x</span></p>",
            "<script>x</script>",
            "<p>&copy;</p>",
            "<p>a",
            "<p><div>x</div></p>",
            "<table>text</table>",
            "<td>x</td>",
            "<p x=y>z</p>",
        ] {
            assert_eq!(sanitised_form(html), None, "{html}");
        }
    }
}
