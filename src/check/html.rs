//! Raw HTML the site drops (`html.raw-dropped`): each piece of raw HTML in
//! a document is sanitised on its own ([`crate::html`]); where that
//! removes an element or attribute (`<xmp>`, `<iframe>`, `onerror`...),
//! the reader of the site does not see what the writer wrote, so the check
//! says so at the line of the piece.

use pulldown_cmark::{Event, Parser};

use super::Context;
use crate::diag::Finding;
use crate::model::Document;
use crate::tr;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    for d in &cx.project.documents {
        if d.body.contains('<') {
            raw_dropped(d, out);
        }
    }
}

fn raw_dropped(d: &Document, out: &mut Vec<Finding>) {
    let parsed: Vec<(Event, std::ops::Range<usize>)> =
        Parser::new_ext(&d.body, crate::load::markdown::options())
            .into_offset_iter()
            .collect();
    let events: Vec<Event> = parsed.iter().map(|(e, _)| e.clone()).collect();
    for piece in crate::html::pieces(&events) {
        let mut raw = String::new();
        pulldown_cmark::html::push_html(&mut raw, events[piece.clone()].iter().cloned());
        let Some(what) = crate::html::dropped(&raw, &crate::html::clean(&raw)) else {
            continue;
        };
        let offset = parsed[piece.clone()]
            .iter()
            .find(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
            .map_or(parsed[piece.start].1.start, |(_, r)| r.start);
        let line = d.body_line + d.body[..offset].matches('\n').count();
        out.push(
            Finding::warning(
                "html.raw-dropped",
                tr!(
                    "生の HTML の {} はサイトに表示されません（この HTML はここで閉じ、後の文章には影響しません）",
                    "the site drops {} from this raw HTML (it is closed here and does not affect what follows)";
                    what
                ),
            )
            .at(d.at(line))
            .hint(tr!(
                "文字として見せるなら `&lt;` と書くか、Markdown の書き方にしてください",
                "to show the characters, write `&lt;`, or use Markdown instead"
            )),
        );
    }
}
