//! Markdown to HTML for the site: pulldown-cmark with tables, footnotes,
//! strikethrough, task lists and heading ids; Japanese-aware soft breaks and
//! emphasis; links between documents rewritten to site pages; the result
//! passed through an allow-list sanitiser (ammonia) so that raw HTML in a
//! document can never run script on a reviewer's machine.

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use crate::cjk;
use crate::load::markdown::options;

/// A document rendered for the site: its HTML, and the plain text of each
/// of its sections for the search index (collected in the same pass, so
/// the body is parsed once).
pub struct Rendered {
    /// Safe HTML.
    pub html: String,
    /// (heading index, or `None` for the text before the first heading;
    /// the section's text).
    pub sections: Vec<(Option<usize>, String)>,
}

/// Renders `body` to safe HTML. `heading_ids` are the ids of the document's
/// headings in order (as the load stage computed them); `link` maps a link
/// target as written to a site URL, or `None` to leave it.
pub fn to_html(
    body: &str,
    heading_ids: &[String],
    link: &dyn Fn(&str) -> Option<String>,
) -> String {
    render(body, heading_ids, link).html
}

/// Appends the plain text `event` adds to the section being read.
fn collect_text(
    event: &Event,
    marks: bool,
    sections: &mut Vec<(Option<usize>, String)>,
    headings: &mut usize,
) {
    match event {
        Event::Start(Tag::Heading { .. }) => {
            sections.push((Some(*headings), String::new()));
            *headings += 1;
        }
        Event::Text(t) | Event::Code(t) => {
            if let Some(s) = sections.last_mut() {
                match marks {
                    true => s.1.push_str(&cjk::strip_marks(t)),
                    false => s.1.push_str(t),
                }
            }
        }
        Event::End(TagEnd::Heading(_)) => {
            if let Some(s) = sections.last_mut() {
                s.1.push('\n');
            }
        }
        Event::SoftBreak
        | Event::HardBreak
        | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
            if let Some(s) = sections.last_mut() {
                s.1.push(' ');
            }
        }
        _ => {}
    }
}

/// [`to_html`], with each section's text.
pub fn render(
    body: &str,
    heading_ids: &[String],
    link: &dyn Fn(&str) -> Option<String>,
) -> Rendered {
    let (html, raw, sections) = unsanitised(body, heading_ids, link);
    // Every piece of raw HTML is clean and balanced by now; the whole page
    // goes through the sanitiser once more all the same. Without raw HTML
    // the sanitiser's answer is worked out without its parse where that is
    // certain (crate::html::canonical; held to byte equality by tests and
    // the site_html fuzz target).
    let html = match raw {
        false => crate::html::canonical::sanitised_form(&html)
            .unwrap_or_else(|| crate::html::clean(&html)),
        true => crate::html::clean(&html),
    };
    Rendered { html, sections }
}

/// The page HTML before the last pass of the sanitiser, whether the body
/// held raw HTML, and each section's text. Public for the fuzz target that
/// compares the two ways of sanitising.
#[doc(hidden)]
pub fn unsanitised(
    body: &str,
    heading_ids: &[String],
    link: &dyn Fn(&str) -> Option<String>,
) -> (String, bool, Vec<(Option<usize>, String)>) {
    let prepared = cjk::prepare_emphasis(body);
    // Without a mark anywhere no text needs them stripped (looking for one
    // in each text was a tenth of the time: its last byte is common in
    // Japanese UTF-8).
    let marks = prepared.contains(cjk::EMPHASIS_MARK);
    // About one event per 16 bytes of Markdown: sized once rather than
    // grown by doubling (each step a copy).
    let mut events: Vec<Event> = Vec::with_capacity(prepared.len() / 16 + 16);
    events.extend(Parser::new_ext(&prepared, options()));
    let mut out_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut heading_index = 0;
    let mut sections = vec![(None, String::new())];
    let mut headings = 0;
    // The character a soft break follows (what `last_char` of the events
    // so far gives), kept up to date as they go by.
    let mut before: Option<char> = None;
    let mut any_html = false;
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        collect_text(&event, marks, &mut sections, &mut headings);
        let last = last_char(std::slice::from_ref(&event));
        match event {
            Event::SoftBreak => {
                let after = first_char(events.as_slice());
                if !cjk::drop_soft_break(before, after) {
                    out_events.push(Event::SoftBreak);
                }
            }
            Event::Text(t) if marks => out_events.push(Event::Text(match cjk::strip_marks(&t) {
                std::borrow::Cow::Borrowed(_) => t,
                std::borrow::Cow::Owned(s) => CowStr::from(s),
            })),
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
                    .or(id);
                heading_index += 1;
                out_events.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = link(&dest_url).map(CowStr::from).unwrap_or(dest_url);
                out_events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = link(&dest_url).map(CowStr::from).unwrap_or(dest_url);
                out_events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            other => {
                any_html |= matches!(other, Event::Html(_) | Event::InlineHtml(_));
                out_events.push(other)
            }
        }
        if last.is_some() {
            before = last;
        }
    }
    let mut html = String::with_capacity(body.len() * 2);
    // Without raw HTML there is nothing to isolate: the events go from the
    // parser to the writer moved once, bounded and boxed on the way.
    let events = clamp_depth(out_events.into_iter());
    if !any_html {
        pulldown_cmark::html::push_html(&mut html, scroll_tables(events));
        return (html, false, sections);
    }
    let (events, raw) = isolate(events.collect());
    pulldown_cmark::html::push_html(&mut html, scroll_tables(events.into_iter()));
    (html, raw, sections)
}

/// Each piece of raw HTML ([`crate::html::pieces`]) rendered and
/// sanitised on its own, so that none can change how what follows it is
/// parsed (an `<xmp>` or `<plaintext>` line used to turn the rest of the
/// page into literal markup).
/// Also says whether there was any raw HTML.
fn isolate(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, bool) {
    let pieces = crate::html::pieces(&events);
    if pieces.is_empty() {
        return (events, false);
    }
    let mut out = Vec::with_capacity(events.len());
    let mut pieces = pieces.into_iter().peekable();
    let mut i = 0;
    while i < events.len() {
        match pieces.next_if(|p| p.start == i) {
            Some(piece) => {
                let mut html = String::new();
                pulldown_cmark::html::push_html(&mut html, events[piece.clone()].iter().cloned());
                out.push(Event::Html(CowStr::from(crate::html::clean(&html))));
                i = piece.end;
            }
            None => {
                out.push(events[i].clone());
                i += 1;
            }
        }
    }
    (out, true)
}

/// Tables in a box that scrolls sideways when they are wider than the
/// screen (each event handed on as it comes).
fn scroll_tables<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    events.flat_map(|e| {
        let (before, after) = match &e {
            Event::Start(Tag::Table(_)) => (Some("<div class=\"scroll\">"), None),
            Event::End(TagEnd::Table) => (None, Some("</div>")),
            _ => (None, None),
        };
        let html = |h: Option<&'static str>| h.map(|h| Event::Html(h.into()));
        html(before).into_iter().chain([e]).chain(html(after))
    })
}

/// Deepest nesting of Markdown blocks and spans kept on the site; deeper
/// ones are flattened (their text stays).
const MAX_DEPTH: usize = 64;
/// Deepest nesting of raw HTML elements; raw HTML that would open more is
/// shown as text.
const MAX_HTML_DEPTH: usize = 100;

/// Bounds the nesting the HTML parser of the sanitiser sees: it checks
/// scopes by walking the stack of open elements, so 10 000 nested lists,
/// block quotes or `<div>`s took it minutes (quadratic), and a 32 MB file
/// hours. Markdown containers deeper than [`MAX_DEPTH`] lose their tags,
/// and raw HTML that would nest deeper than [`MAX_HTML_DEPTH`] is escaped.
fn clamp_depth<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut kept: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut html = HtmlStack::default();
    events.filter_map(move |event| match event {
        Event::Start(tag) => {
            let keep = depth < MAX_DEPTH;
            kept.push(keep);
            depth += usize::from(keep);
            keep.then_some(Event::Start(tag))
        }
        Event::End(tag) => kept.pop().unwrap_or(true).then(|| {
            depth = depth.saturating_sub(1);
            Event::End(tag)
        }),
        Event::Html(t) if !html.admit(&t) => Some(Event::Text(t)),
        Event::InlineHtml(t) if !html.admit(&t) => Some(Event::Text(t)),
        other => Some(other),
    })
}

/// A model of the elements raw HTML leaves open, good enough to bound
/// their depth: end tags close the nearest open element of their name (or
/// nothing), void elements never open, and an element whose end tag is
/// optional (`li`, `p`, `td`...) closes one of its name just opened.
#[derive(Default)]
struct HtmlStack {
    open: Vec<String>,
}

impl HtmlStack {
    /// Applies `html` if it keeps the depth within bounds; otherwise leaves
    /// the stack as it was and returns false.
    fn admit(&mut self, html: &str) -> bool {
        let before = self.open.clone();
        let b = html.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'<' {
                i += 1;
                continue;
            }
            let closing = b.get(i + 1) == Some(&b'/');
            let start = i + 1 + usize::from(closing);
            let Some(len) = crate::html::tag_name_len(b, start) else {
                i = start + crate::html::name_chars(b, start);
                continue;
            };
            i = start + len;
            let name = html[start..start + len].to_ascii_lowercase();
            if closing {
                if let Some(k) = self.open.iter().rposition(|n| *n == name) {
                    self.open.truncate(k);
                }
            } else if !VOID.contains(&name.as_str()) {
                if OPTIONAL_END.contains(&name.as_str()) && self.open.last() == Some(&name) {
                    self.open.pop();
                }
                self.open.push(name);
                if self.open.len() > MAX_HTML_DEPTH {
                    self.open = before;
                    return false;
                }
            }
        }
        true
    }
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
const OPTIONAL_END: &[&str] = &[
    "li", "p", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot",
];

fn last_char(events: &[Event]) -> Option<char> {
    events.iter().rev().find_map(|e| match e {
        Event::Text(t) | Event::Code(t) => t.chars().rev().find(|c| *c != cjk::EMPHASIS_MARK),
        Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) => {
            None
        }
        _ => Some(' '),
    })
}

fn first_char(events: &[Event]) -> Option<char> {
    events.iter().find_map(|e| match e {
        Event::Text(t) | Event::Code(t) => t.chars().find(|c| *c != cjk::EMPHASIS_MARK),
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }) => None,
        _ => Some(' '),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        to_html(md, &[], &|_| None)
    }

    /// Markdown without raw HTML of every kind the one-pass writer meets:
    /// tables inside and beyond the depth bound, soft breaks beside
    /// emphasis, links, code and marks, nesting deeper than the bound.
    fn markdown_without_html() -> Vec<String> {
        let deep = |n: usize, inner: &str| format!("{}{inner}\n", "> ".repeat(n));
        let mut docs: Vec<String> = [
            "一行目\n二行目\nthird\nline\n",
            "これは**「重要」**\nです。`code`\n続き *強調*\n[リンク](x.md)\n次",
            "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n段落\n",
            "- 項目\n  - 入れ子\n\n    | x |\n    |---|\n    | y |\n",
            "脚注[^1]\n\n[^1]: 注記\n",
            "~~取消~~\n終わり\u{2E31}の印\n",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for n in [MAX_DEPTH - 2, MAX_DEPTH, MAX_DEPTH + 3] {
            docs.push(deep(n, "| t |\n|---|\n| u |"));
            docs.push(deep(n, "- a\n- b\n\n文\n章"));
        }
        docs
    }

    #[test]
    fn the_one_pass_writer_gives_the_events_of_clamping_then_boxing_tables() {
        // Without raw HTML the events skip `isolate`: it would have
        // changed nothing.
        for md in markdown_without_html() {
            let events: Vec<Event> = Parser::new_ext(&md, options()).collect();
            assert!(
                !events
                    .iter()
                    .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
            );
            let one: Vec<Event> = scroll_tables(clamp_depth(events.clone().into_iter())).collect();
            let (isolated, raw) = isolate(clamp_depth(events.into_iter()).collect());
            assert!(!raw);
            let two: Vec<Event> = scroll_tables(isolated.into_iter()).collect();
            assert_eq!(one, two, "{md:?}");
        }
    }

    #[test]
    fn the_character_before_a_soft_break_is_kept_as_the_events_go_by() {
        for md in markdown_without_html() {
            let prepared = cjk::prepare_emphasis(&md);
            let events: Vec<Event> = Parser::new_ext(&prepared, options()).collect();
            let mut before = None;
            for (i, e) in events.iter().enumerate() {
                assert_eq!(before, last_char(&events[..i]), "{md:?} at {i}");
                if let Some(c) = last_char(std::slice::from_ref(e)) {
                    before = Some(c);
                }
            }
        }
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
    fn deep_nesting_is_flattened_not_quadratic() {
        // Before: 10 000 nested lists or block quotes took the sanitiser's
        // HTML parser minutes.
        let lists = html(&format!("{}x\n", "- ".repeat(10_000)));
        assert!(
            lists.matches("<ul>").count() <= MAX_DEPTH,
            "{}",
            lists.len()
        );
        assert!(lists.contains('x'));
        let quotes = html(&format!("{} x\n", ">".repeat(10_000)));
        assert!(quotes.matches("<blockquote>").count() <= MAX_DEPTH);
        let divs = html(&format!("{}x\n", "<div>".repeat(10_000)));
        assert!(
            divs.matches("<div>").count() <= MAX_HTML_DEPTH,
            "{}",
            divs.len()
        );
        assert!(divs.contains("&lt;div&gt;"), "shown as text");
        // Mismatched end tags do not hide the depth.
        let tricky = html(&format!("{}x\n", "<div></span>".repeat(10_000)));
        assert!(tricky.matches("<div>").count() <= MAX_HTML_DEPTH);
    }

    #[test]
    fn ordinary_raw_html_is_kept() {
        let items: String = (0..300).map(|i| format!("<li>{i}")).collect();
        let out = html(&format!("<ul>{items}</ul>\n\n<p>a<br>b<br>c</p>\n"));
        assert_eq!(out.matches("<li>").count(), 300, "{out}");
        assert!(out.contains("<br>"), "{out}");
    }

    #[test]
    fn a_raw_text_element_changes_nothing_after_its_block() {
        for raw in [
            "<xmp>",
            "<title>",
            "<iframe>",
            "<noembed>",
            "<plaintext>",
            "<math><mtext><table><mglyph><style><!--",
            "<noscript>",
        ] {
            let with = html(&format!("BEFORE\n\n{raw}\n\nAFTER *x*\n\n- item\n"));
            let without = html("BEFORE\n\nAFTER *x*\n\n- item\n");
            assert!(
                with.contains("<p>AFTER <em>x</em></p>") && with.contains("<li>item</li>"),
                "{raw}: {with}"
            );
            assert!(!with.contains("&lt;p&gt;"), "{raw}: {with}");
            let after = |h: &str| h[h.find("<p>AFTER").unwrap_or(0)..].to_string();
            assert_eq!(after(&with), after(&without), "{raw}");
        }
        // Inline: the rest of the paragraph may go, the next one stays.
        let out = html("a <xmp> b\n\nnext\n");
        assert!(out.contains("<p>next</p>"), "{out}");
    }

    #[test]
    fn tables_scroll_in_their_own_box() {
        let out = html("| a | b |\n|-|-|\n| 1 | 2 |\n");
        assert!(out.starts_with("<div class=\"scroll\"><table>"), "{out}");
        assert!(
            out.trim_end().ends_with("</table></div>") || out.contains("</table>\n</div>"),
            "{out}"
        );
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

    #[test]
    fn the_text_of_each_section_is_collected_with_the_html() {
        let r = render("前文\n# 見出し\n本文の**「重要」**です。\n", &[], &|_| None);
        assert_eq!(r.sections.len(), 2);
        assert_eq!(r.sections[0], (None, "前文 ".to_string()));
        assert_eq!(r.sections[1].0, Some(0));
        assert!(r.sections[1].1.starts_with("見出し\n"), "{:?}", r.sections);
        // Emphasis as the page shows it: no stars, no marks.
        assert!(
            r.sections[1].1.contains("本文の「重要」です。"),
            "{:?}",
            r.sections
        );
        assert!(r.html.contains("<strong>「重要」</strong>"), "{}", r.html);
    }
}
