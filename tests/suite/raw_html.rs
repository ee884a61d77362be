//! A stray raw tag changes nothing after its block: a corpus of raw HTML
//! lines that make an HTML parser read the rest of a page as text
//! (`<xmp>`, `<title>`, `<iframe>`, `<noembed>`, `<plaintext>`) or drop
//! it (`<math><mtext><table><mglyph><style><!--`), alone on a line, inside
//! a paragraph, a list item and a table cell. Each document's page must
//! read, after the raw block, exactly as the same document without it;
//! and `check` warns (`html.raw-dropped`) at the line of each.

use std::path::Path;

use crate::common::{Check, Fixture, run_anzen};

const RAW: &[&str] = &[
    "<xmp>",
    "<title>",
    "<iframe>",
    "<noembed>",
    "<plaintext>",
    "<math><mtext><table><mglyph><style><!--",
    "<noscript>",
    "<xmp><p>inner</p>",
    "本文の途中の <plaintext> から",
    "- 項目の中の <xmp> から",
    "| <title> | b |\n|-|-|\n| 1 | 2 |",
];

/// A document whose body has `raw` (or nothing) between BEFORE and the
/// section 後 that the test compares.
fn document(id: &str, raw: &str) -> String {
    format!(
        "---\nid: {id}\nkind: procedure\ntitle: 生のHTML {id}\nversion: \"1\"\napproval:\n  approver: 代表取締役 港 一郎\n  date: 2026-02-16\nreview_by: 2027-03-31\n---\n# 生のHTML\n\nBEFORE\n\n{raw}\n\n## 後\n\nAFTER *強調* と `コード` と [リンク](#後)\n\n- 項目1\n- 項目2\n\n| 列1 | 列2 |\n|-|-|\n| 2026-05-15 | TO-2026-001 |\n\n> 引用\n"
    )
}

/// The page's body from the heading 後 to its end.
fn after_the_raw_block(site: &Path, id: &str) -> String {
    let page = std::fs::read_to_string(site.join(format!("documents/{id}.html"))).unwrap();
    let start = page
        .find("<h2 id=\"後\"")
        .unwrap_or_else(|| panic!("{id}: no heading 後 in\n{page}"));
    let end = start + page[start..].find("</article>").unwrap();
    page[start..end].to_string()
}

#[test]
fn raw_html_blocks_leave_the_rest_of_the_page_as_without_them() {
    let f = Fixture::sample();
    f.write("content/documents/raw-base.md", &document("raw-base", ""));
    for (i, raw) in RAW.iter().enumerate() {
        f.write(
            &format!("content/documents/raw-{i}.md"),
            &document(&format!("raw-{i}"), raw),
        );
    }
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        f.path(),
        &["build", "--no-pdf", "--out", out.path().to_str().unwrap()],
    );
    assert!(
        out.path().join("site/index.html").is_file(),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    let site = out.path().join("site");
    let base = after_the_raw_block(&site, "raw-base");
    assert!(base.contains("<p>AFTER <em>強調</em>"), "{base}");
    for (i, raw) in RAW.iter().enumerate() {
        let page = after_the_raw_block(&site, &format!("raw-{i}"));
        assert_eq!(page, base, "after {raw:?} the page differs");
    }
}

#[test]
fn each_dropped_raw_tag_is_a_warning_at_its_line() {
    let f = Fixture::sample();
    for (i, raw) in RAW.iter().enumerate() {
        f.write(
            &format!("content/documents/raw-{i}.md"),
            &document(&format!("raw-{i}"), raw),
        );
    }
    f.write(
        "content/documents/raw-kept.md",
        &document(
            "raw-kept",
            "<p>a<br>b</p>\n\n<!-- 注記 -->\n\n<details><summary>s</summary>d</details>",
        ),
    );
    let check = f.check();
    for (i, raw) in RAW.iter().enumerate() {
        let file = format!("content/documents/raw-{i}.md");
        let needle = raw.lines().next().unwrap();
        let line = Check::line_of(f.path(), &file, needle);
        let found = check.expect("html.raw-dropped", &file, line);
        assert_eq!(found.severity, "warning");
        let tag = needle[needle.find('<').unwrap()..]
            .split('>')
            .next()
            .unwrap()
            .to_string()
            + ">";
        assert!(
            found.ja.contains(&tag) && found.en.contains(&tag),
            "{raw}: {} / {}",
            found.ja,
            found.en
        );
    }
    let kept: Vec<_> = check
        .of("html.raw-dropped")
        .into_iter()
        .filter(|x| x.file.ends_with("raw-kept.md"))
        .collect();
    assert!(
        kept.is_empty(),
        "allowed HTML and comments warned: {kept:?}"
    );
}
