//! Raw HTML in documents: the allow-list the site keeps, and the pieces
//! it is applied to. Each piece of raw HTML (an HTML block, or the inline
//! HTML of one paragraph, heading, list item or table cell, with the
//! Markdown around it) is sanitised on its own, so an unclosed element or
//! one whose content the HTML parser reads as text (`<xmp>`, `<title>`,
//! `<iframe>`, `<noembed>`, `<plaintext>`, `<style><!--`...) can change
//! nothing after its piece. [`dropped`] says what the sanitiser removed
//! from a piece: the check warns of it (`html.raw-dropped`) at its line.
//! [`canonical`] gives the sanitiser's answer without its parse for the
//! HTML of Markdown that holds no raw HTML.

pub mod canonical;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{Event, Tag};

/// Sanitises one piece of HTML on its own: the result is balanced and
/// holds only what [`sanitizer`] allows.
pub fn clean(html: &str) -> String {
    sanitizer().clean(html).to_string()
}

/// The ranges of `events` to render and sanitise on their own, in order
/// and not overlapping: the events inside each innermost block that holds
/// raw HTML (inline HTML, or an HTML block's lines).
pub fn pieces(events: &[Event]) -> Vec<Range<usize>> {
    let mut open: Vec<(usize, bool)> = Vec::new();
    let mut found: Vec<Range<usize>> = Vec::new();
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => open.push((i, matches!(tag, Tag::HtmlBlock))),
            Event::End(_) => {
                if let Some((start, true)) = open.pop() {
                    found.push(start + 1..i);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => match open.last_mut() {
                Some((_, raw)) => *raw = true,
                None => found.push(i..i + 1),
            },
            _ => {}
        }
    }
    // Inner pieces close first: keep the outermost of nested ones.
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in found {
        if out.last().is_none_or(|last| r.start >= last.end) && !r.is_empty() {
            out.push(r);
        }
    }
    out
}

/// What the sanitiser removed from `raw` to give `cleaned`: the first
/// element (`<xmp>`) or attribute (`onerror`) of `raw` that `cleaned`
/// lacks. Comments are not counted.
pub fn dropped(raw: &str, cleaned: &str) -> Option<String> {
    let (raw_tags, raw_attrs) = scan(raw);
    let (tags, attrs) = scan(cleaned);
    let tags: BTreeSet<String> = tags.into_iter().collect();
    let attrs: BTreeSet<(String, String)> = attrs.into_iter().collect();
    if let Some(t) = raw_tags.into_iter().find(|t| !tags.contains(t)) {
        return Some(format!("<{t}>"));
    }
    raw_attrs
        .into_iter()
        .find(|a| !attrs.contains(a))
        .map(|(t, a)| format!("<{t} {a}>"))
}

/// The start tags (lowercase names, in order) and their attributes of an
/// HTML text, read as a tokenizer would in the data state.
fn scan(html: &str) -> (Vec<String>, Vec<(String, String)>) {
    let b = html.as_bytes();
    let (mut tags, mut attrs) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i + 4..].find("-->").map_or(b.len(), |k| i + 4 + k + 3);
            continue;
        }
        let start = i + 1;
        let Some(len) = tag_name_len(b, start) else {
            i = start + name_chars(b, start);
            continue;
        };
        i = start + len;
        let tag = html[start..start + len].to_ascii_lowercase();
        // Attributes up to the closing '>'.
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'/' | b'>' | b'=')
            {
                i += 1;
            }
            let name = html[name_start..i].to_ascii_lowercase();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) == Some(&b'=') {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        i = html[i + 1..]
                            .find(q as char)
                            .map_or(b.len(), |k| i + 1 + k + 1);
                    }
                    _ => {
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                            i += 1;
                        }
                    }
                }
            }
            if !name.is_empty() {
                attrs.push((tag.clone(), name));
            }
        }
        tags.push(tag);
    }
    (tags, attrs)
}

/// URL schemes kept in links.
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// The `rel` every link gets.
pub const LINK_REL: &str = "noopener noreferrer";

/// How many name characters (letters, digits, `-`) start at `start`.
pub fn name_chars(b: &[u8], start: usize) -> usize {
    b[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
        .count()
}

/// The length of the tag name at `start` (just after `<` or `</`), as a
/// tokenizer in the data state reads one: a letter, then letters, digits
/// and `-`; `None` when no tag starts there.
pub fn tag_name_len(b: &[u8], start: usize) -> Option<usize> {
    let len = name_chars(b, start);
    (len > 0 && b[start].is_ascii_alphabetic()).then_some(len)
}

/// The allow-list sanitiser: the tags pulldown-cmark produces, ids and
/// classes for anchors, task-list checkboxes; no script, style, event
/// handler or javascript: URL.
pub fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags([
            "input",
            "section",
            "figure",
            "figcaption",
            "details",
            "summary",
            "mark",
            "kbd",
        ])
        .add_generic_attributes(["id", "class", "title", "lang"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("ol", ["start"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::Custom(Box::new(relative_url)))
        .link_rel(Some(LINK_REL))
        .id_prefix(None);
        b.attribute_filter(keep_attribute);
        b
    })
}

/// anzen's attribute filter, after the allow-list: the value to keep, or
/// `None` to drop the attribute.
pub fn keep_attribute<'v>(element: &str, attribute: &str, value: &'v str) -> Option<Cow<'v, str>> {
    match (element, attribute) {
        // pulldown-cmark aligns table cells with style="text-align: ..."; keep only that.
        ("th" | "td", "style") => {
            let v = value.trim();
            (v.starts_with("text-align:") && !v.contains(';') && !v.contains('(')).then(|| v.into())
        }
        ("input", "type") => (value == "checkbox").then(|| value.into()),
        // The site works offline: no image is fetched from elsewhere
        // (nor tells anyone the page was opened).
        ("img", "src") => (!has_scheme(value)).then(|| value.into()),
        _ => Some(value.into()),
    }
}

/// Whether `url` starts with a scheme (`https:`, `data:`...).
fn has_scheme(url: &str) -> bool {
    let url = url.trim_start_matches(|c: char| c <= ' ');
    url.find(':').is_some_and(|i| {
        url[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '\t' | '\n' | '\r'))
    })
}

/// Keeps a relative URL only if it stays inside the site: documents are at
/// `documents/<id>.html`, so one `..` reaches the site root and a second
/// would leave it (`../../../etc/passwd`). Absolute paths (`/etc/passwd`),
/// scheme-relative ones (`//host`) and backslashes (which browsers read as
/// `/`) are dropped as well.
pub fn relative_url(url: &str) -> Option<Cow<'_, str>> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned.starts_with('#') {
        return Some(url.into());
    }
    if cleaned.starts_with('/')
        || cleaned.contains('\\')
        || cleaned.to_ascii_lowercase().contains("%5c")
    {
        return None;
    }
    let path = cleaned.split(['?', '#']).next().unwrap_or_default();
    let mut depth: i32 = 1;
    for seg in path.split('/') {
        match seg.to_ascii_lowercase().replace("%2e", ".").as_str() {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            _ => depth += 1,
        }
    }
    Some(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn pieces_of(md: &str) -> Vec<String> {
        let events: Vec<Event> = Parser::new_ext(md, crate::load::markdown::options()).collect();
        pieces(&events)
            .into_iter()
            .map(|r| {
                let mut html = String::new();
                pulldown_cmark::html::push_html(&mut html, events[r].iter().cloned());
                html
            })
            .collect()
    }

    #[test]
    fn each_block_with_raw_html_is_its_own_piece() {
        let p = pieces_of("<xmp>\n\nAFTER *x*\n\n- a <b>b</b>\n- c\n\n| <i>i</i> | j |\n|-|-|\n");
        assert_eq!(p, ["<xmp>\n", "a <b>b</b>", "<i>i</i>"], "{p:?}");
        assert!(pieces_of("plain *text*\n").is_empty());
    }

    #[test]
    fn what_the_sanitiser_drops_is_named() {
        let d = |raw: &str| dropped(raw, &clean(raw));
        assert_eq!(d("<xmp>"), Some("<xmp>".into()));
        assert_eq!(
            d("<img src=x onerror=alert(1)>"),
            Some("<img onerror>".into())
        );
        assert_eq!(
            d("<math><mtext><table><mglyph><style><!--"),
            Some("<math>".into())
        );
        assert_eq!(d("<p>a<br>b</p>"), None);
        assert_eq!(d("<!-- a note -->"), None);
        assert_eq!(d("<a href='x.html' title=\"t\">x</a>"), None);
        assert_eq!(d("<div>unclosed"), None, "closed, nothing dropped");
    }
}
