//! Markdown to HTML for the site: pulldown-cmark with tables, footnotes,
//! strikethrough, task lists and heading ids; Japanese-aware soft breaks and
//! emphasis; links between documents rewritten to site pages; the result
//! passed through an allow-list sanitiser (ammonia) so that raw HTML in a
//! document can never run script on a reviewer's machine.

use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use crate::cjk;
use crate::load::markdown::options;

/// Renders `body` to safe HTML. `heading_ids` are the ids of the document's
/// headings in order (as the load stage computed them); `link` maps a link
/// target as written to a site URL, or `None` to leave it.
pub fn to_html(
    body: &str,
    heading_ids: &[String],
    link: &dyn Fn(&str) -> Option<String>,
) -> String {
    let prepared = cjk::prepare_emphasis(body);
    let events: Vec<Event> = Parser::new_ext(&prepared, options()).collect();
    let mut out_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut heading_index = 0;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::SoftBreak => {
                let before = last_char(&events[..i]);
                let after = first_char(&events[i + 1..]);
                if !cjk::drop_soft_break(before, after) {
                    out_events.push(Event::SoftBreak);
                }
            }
            Event::Text(t) => {
                out_events.push(Event::Text(CowStr::from(cjk::strip_marks(t).into_owned())))
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let id = heading_ids
                    .get(heading_index)
                    .cloned()
                    .map(CowStr::from)
                    .or_else(|| id.clone());
                heading_index += 1;
                out_events.push(Event::Start(Tag::Heading {
                    level: *level,
                    id,
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = link(dest_url)
                    .map(CowStr::from)
                    .unwrap_or_else(|| dest_url.clone());
                out_events.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = link(dest_url)
                    .map(CowStr::from)
                    .unwrap_or_else(|| dest_url.clone());
                out_events.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            other => out_events.push(other.clone()),
        }
    }
    let mut html = String::with_capacity(body.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out_events.into_iter());
    sanitizer().clean(&html).to_string()
}

fn last_char(events: &[Event]) -> Option<char> {
    events.iter().rev().find_map(|e| match e {
        Event::Text(t) | Event::Code(t) => cjk::strip_marks(t).chars().last(),
        Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) => {
            None
        }
        _ => Some(' '),
    })
}

fn first_char(events: &[Event]) -> Option<char> {
    events.iter().find_map(|e| match e {
        Event::Text(t) | Event::Code(t) => cjk::strip_marks(t).chars().next(),
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }) => None,
        _ => Some(' '),
    })
}

/// The allow-list sanitiser: the tags pulldown-cmark produces, ids and
/// classes for anchors, task-list checkboxes; no script, style, event
/// handler or javascript: URL.
fn sanitizer() -> &'static ammonia::Builder<'static> {
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
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .id_prefix(None);
        b.attribute_filter(|element, attribute, value| match (element, attribute) {
            // pulldown-cmark aligns table cells with style="text-align: ..."; keep only that.
            ("th" | "td", "style") => {
                let v = value.trim();
                (v.starts_with("text-align:") && !v.contains(';') && !v.contains('('))
                    .then(|| v.into())
            }
            ("input", "type") => (value == "checkbox").then(|| value.into()),
            _ => Some(value.into()),
        });
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        to_html(md, &[], &|_| None)
    }

    #[test]
    fn soft_break_between_japanese_lines_is_dropped() {
        assert_eq!(
            html("個人情報を\n取り扱う。\n"),
            "<p>個人情報を取り扱う。</p>\n"
        );
        assert_eq!(html("word\nbreak\n"), "<p>word\nbreak</p>\n");
    }

    #[test]
    fn emphasis_around_cjk_punctuation_renders_as_meant() {
        assert_eq!(
            html("これは**「重要」**です\n"),
            "<p>これは<strong>「重要」</strong>です</p>\n"
        );
    }

    #[test]
    fn raw_script_and_handlers_are_removed() {
        let out = html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n",
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
    }

    #[test]
    fn headings_take_the_ids_computed_at_load() {
        let out = to_html(
            "# 概要\n## 詳細 {#detail}\n",
            &["概要".into(), "detail".into()],
            &|_| None,
        );
        assert!(out.contains("<h1 id=\"概要\">概要</h1>"), "{out}");
        assert!(out.contains("<h2 id=\"detail\">詳細</h2>"), "{out}");
    }

    #[test]
    fn tables_task_lists_and_footnotes_render() {
        let out = html("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n- [x] done\n\n注[^1]\n\n[^1]: 脚注\n");
        assert!(
            out.contains("<table>") && out.contains("text-align: right"),
            "{out}"
        );
        assert!(out.contains("type=\"checkbox\""), "{out}");
        assert!(out.contains("footnote"), "{out}");
    }

    #[test]
    fn links_are_rewritten() {
        let out = to_html("[手順](procedure#x)\n", &[], &|t| {
            (t == "procedure#x").then(|| "../documents/procedure.html#x".into())
        });
        assert!(
            out.contains("href=\"../documents/procedure.html#x\""),
            "{out}"
        );
    }
}
