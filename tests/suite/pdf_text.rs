//! Text copies out of the PDFs as it was written: a long URL or id wraps
//! without any character put into it (it used to get a U+200B every 40
//! characters); in tables, dates, ids and bracketed codes stay whole on
//! their line and no line starts with a closing bracket; and characters
//! the Japanese fonts lack (the CommonMark spec's entity examples ℋ ⅆ ∲ Ӓ
//! Ϡ, Greek, Cyrillic, Hebrew, ẞ, ☐) are set in a fallback font, not as
//! boxes.

use std::path::Path;
use std::process::Command;

use crate::common::{Fixture, run_anzen};

const URL: &str = "https://example.com/a/very/long/path/that/keeps/going/and/going/0123456789abcdef0123456789abcdef/end.html";
const ID: &str = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789";
const SYMBOLS: &[&str] = &[
    "ℋ",
    "ⅆ",
    "∲",
    "Ӓ",
    "Ϡ",
    "ᾈ",
    "ℏ",
    "Ω",
    "Жизнь",
    "א",
    "ẞ",
    "☐",
    "→",
    "≠",
];

fn document() -> String {
    let row = "| 2026-05-15 | TO-2026-001 | 浜田 健吾（S002） | 令和8年5月15日 | 持出しの目的と運搬の方法を書いた長い自由記述の文章で、表の幅に合わせて折り返されます。持出しの目的と運搬の方法を書いた長い自由記述の文章で、表の幅に合わせて折り返されます。 | 2026-06-01 |";
    format!(
        "---\nid: pdf-text\nkind: procedure\ntitle: 文字の検査\nversion: \"1\"\napproval:\n  approver: 代表取締役 港 一郎\n  date: 2026-02-16\nreview_by: 2027-03-31\n---\n# 文字の検査\n\n参照先 {URL} を見る。\n\n記録番号 {ID} の記録。\n\n`{ID}{ID}`\n\n| 日付 | 記録ID | 持出者 | 和暦 | 目的 | 返却日 |\n|-|-|-|-|-|-|\n{row}\n{row}\n\n記号: {}\n",
        SYMBOLS.join(" ")
    )
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|_| {
            panic!("{name} is missing: run scripts/test (it installs poppler-utils)")
        });
    assert!(out.status.success(), "{name} failed on {}", pdf.display());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn long_tokens_table_codes_and_other_scripts_copy_out_of_the_pdf_as_written() {
    let f = Fixture::sample();
    f.write("content/documents/pdf-text.md", &document());
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(f.path(), &["build", "--out", out.path().to_str().unwrap()]);
    let pdf = out.path().join("pdf/文字の検査.pdf");
    assert!(pdf.is_file(), "{}\n{}", run.stdout, run.stderr);
    let text = tool("pdftotext", &[], &pdf);
    if std::env::var_os("ANZEN_SHOW_PDF_TEXT").is_some() {
        eprintln!("{text}");
    }
    assert!(
        !text.contains('\u{200B}'),
        "a zero-width space is in the text"
    );
    // Wrapped or not, the long tokens come out whole once line ends go.
    let joined: String = text.split('\n').collect();
    assert!(joined.contains(URL), "URL broken:\n{text}");
    assert!(joined.contains(ID), "id broken:\n{text}");
    assert!(
        joined.contains(&format!("{ID}{ID}")),
        "code broken:\n{text}"
    );
    // In the table, each code is whole on one line (pdftotext puts
    // spaces between Japanese and digits).
    for code in [
        "2026-05-15",
        "TO-2026-001",
        "浜田健吾（S002）",
        "令和8年5月15日",
        "2026-06-01",
    ] {
        assert!(
            text.lines().any(|l| squash(l).contains(code)),
            "{code} broken across lines:\n{text}"
        );
    }
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with(['）', '」', '、', '。'])),
        "a line starts with a closing bracket:\n{text}"
    );
    // Characters the CJK fonts lack: in the text, and set in a fallback.
    for s in SYMBOLS {
        assert!(text.contains(s), "{s} missing:\n{text}");
    }
    let fonts = tool("pdffonts", &[], &pdf);
    assert!(
        fonts.contains("DejaVu"),
        "no fallback font embedded:\n{fonts}"
    );
}
