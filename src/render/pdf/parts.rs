//! The documents of 提出書類一式 as parts: each document's own PDF, already
//! compiled (or taken from the cache), is placed page by page into the
//! bundle instead of being laid out a second time. What the bundle needs
//! from a part besides its pages is read back from the part's PDF: its
//! page count and its outline (each heading with its level, title and
//! page). The headings go into the bundle's outline and table of contents,
//! and give the marks the 提出書 and the 基準対照表 cite their pages.
//!
//! A part whose PDF cannot be read this way (no outline, or not as many
//! headings as the document has sections) is laid out in the bundle as
//! before, so a page number is never guessed.

use serde::Serialize;

/// One heading of a part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// Its level in the part (the document's title is 1).
    pub level: usize,
    /// Its text.
    pub title: String,
    /// The page of the part it is on, from 1.
    pub page: usize,
}

/// What the bundle places of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    /// The document's slug (`parts/<slug>.pdf` in the work folder).
    pub slug: String,
    /// Its number of pages.
    pub pages: usize,
    /// Its headings in order: the title, then each section.
    pub headings: Vec<Heading>,
    /// The marks the bundle cites (`doc:<slug>`, `sec:<slug>/<n>`), with
    /// the page of the part each is on.
    pub marks: Vec<(String, usize)>,
}

/// The part for the document `slug` whose PDF is `pdf`; `expected` are
/// its headings as the document has them (level and text), the title
/// first. `None` when the PDF's outline does not have exactly those.
pub fn read(slug: &str, pdf: &[u8], expected: &[(usize, String)]) -> Option<Part> {
    let doc = lopdf::Document::load_mem(pdf).ok()?;
    let pages = doc.get_pages().len();
    let toc = doc.get_toc().ok()?;
    if !toc.errors.is_empty() || toc.toc.len() != expected.len() || pages == 0 {
        return None;
    }
    let headings: Vec<Heading> = toc
        .toc
        .into_iter()
        .zip(expected)
        .map(|(t, (level, title))| Heading {
            level: *level,
            title: title.clone(),
            page: t.page,
        })
        .collect();
    if headings.iter().any(|h| h.page == 0 || h.page > pages)
        || headings.windows(2).any(|w| w[1].page < w[0].page)
    {
        return None;
    }
    let marks = headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let key = match i {
                0 => format!("doc:{slug}"),
                n => format!("sec:{slug}/{}", n - 1),
            };
            (key, h.page)
        })
        .collect();
    Some(Part {
        slug: slug.to_string(),
        pages,
        headings,
        marks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_a_readable_pdf_is_no_part() {
        let expected = [(1, "題".to_string())];
        assert_eq!(read("a", b"not a pdf", &expected), None);
        assert_eq!(read("a", b"%PDF-1.7\n%%EOF\n", &expected), None);
    }
}
