//! `anzen build` makes the PDFs with the real typst CLI: the checklist as
//! the municipality's form, every document, and the combined 提出書類一式,
//! with the Japanese text extractable (pdftotext), byte-identical across
//! builds, and clear errors when typst or a Japanese font is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Fixture, repo, run_anzen};

fn build(root: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["build", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = run_anzen(root, &args);
    assert_eq!(run.code, 0, "build failed: {}\n{}", run.stdout, run.stderr);
    out.join("pdf")
}

fn pdftotext(pdf: &Path, layout: bool) -> String {
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is missing: run scripts/test (it installs poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8(out.stdout).unwrap()
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap()
}

/// The answer marked for each item in the checklist PDF: the first row of
/// three marks after the item's number.
fn marked_answers(layout_text: &str, ids: &[&str]) -> Vec<(String, String)> {
    let lines: Vec<&str> = layout_text.lines().collect();
    ids.iter()
        .map(|id| {
            let start = lines
                .iter()
                .position(|l| l.trim_start().starts_with(&format!("{id} ")))
                .unwrap_or_else(|| panic!("item {id} not in the PDF"));
            let marks = lines[start..]
                .iter()
                .find_map(|l| {
                    let m: Vec<char> = l.chars().filter(|c| *c == '☑' || *c == '☐').collect();
                    (m.len() == 3).then_some(m)
                })
                .unwrap_or_else(|| panic!("no marks for {id}"));
            let answer = match marks.iter().position(|c| *c == '☑') {
                Some(0) => "はい",
                Some(1) => "いいえ",
                Some(2) => "該当無",
                _ => "",
            };
            (id.to_string(), answer.to_string())
        })
        .collect()
}

#[test]
fn checklist_pdf_is_the_filled_form_with_every_answer_marked() {
    let out = tempfile::tempdir().unwrap();
    let pdf = build(&repo(), out.path(), &[]).join("情報セキュリティチェックシート.pdf");
    let text = pdftotext(&pdf, true);
    let flat = squash(&text);
    assert!(flat.contains("情報セキュリティチェックシート"));
    assert!(flat.contains("架空市市民部市民税課御中"));
    assert!(flat.contains("株式会社みなと情報サービス"));
    assert!(flat.contains("チェック内容はいいいえ該当無"));
    // Exact text of an item survives extraction.
    assert!(flat.contains(&squash(
        "私物のパソコン及び記録媒体の利用を禁止していますか?"
    )));
    assert_eq!(text.matches('☑').count(), 31, "one mark per item");
    let std = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    let ids: Vec<&str> = std.checklist.items.iter().map(|i| i.id.as_str()).collect();
    for (id, answer) in marked_answers(&text, &ids) {
        let expected = match id.as_str() {
            "4-4" => "いいえ",
            "2-6" | "5-8" => "該当無",
            _ => "はい",
        };
        assert_eq!(answer, expected, "item {id}");
    }
    assert!(flat.contains("該当無の理由"), "reasons shown");
    assert!(flat.contains("対策:"), "remediation shown");
}

#[test]
fn every_document_gets_a_pdf_and_the_combined_pdf_has_cover_toc_and_page_numbers() {
    let out = tempfile::tempdir().unwrap();
    let dir = build(&repo(), out.path(), &[]);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 9, "{names:?}");
    assert!(
        names.contains(&"個人情報保護規程.pdf".to_string()),
        "{names:?}"
    );
    let rules = squash(&pdftotext(&dir.join("個人情報保護規程.pdf"), false));
    assert!(rules.contains("第2章組織的安全管理措置"));
    assert!(
        rules.contains("承認代表取締役港一郎"),
        "approval in the title block"
    );
    let combined = dir.join("提出書類一式.pdf");
    let n = pages(&combined);
    assert!(n > 15, "{n} pages");
    let text = pdftotext(&combined, false);
    let flat = squash(&text);
    for needle in [
        "提出書類一式",
        "目次",
        "情報セキュリティチェックシート",
        "個人情報保護基本方針",
        "緊急時対応計画",
        "台帳一覧",
        "令和8年11月20日",
    ] {
        assert!(
            flat.contains(needle),
            "{needle} missing from the combined PDF"
        );
    }
    assert!(flat.contains(&format!("2/{n}")), "page numbers N / total");
    // Running header on inner pages: vendor and contract.
    let page3 = text.split('\u{c}').nth(2).unwrap();
    assert!(
        squash(page3)
            .contains("株式会社みなと情報サービス令和8年度市民税課税資料データ入力業務委託"),
        "{page3}"
    );
}

#[test]
fn two_builds_give_byte_identical_pdfs() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (da, db) = (build(&repo(), a.path(), &[]), build(&repo(), b.path(), &[]));
    for entry in std::fs::read_dir(&da).unwrap() {
        let name = entry.unwrap().file_name();
        let (x, y) = (
            std::fs::read(da.join(&name)).unwrap(),
            std::fs::read(db.join(&name)).unwrap(),
        );
        assert!(x == y, "{name:?} differs between builds");
    }
}

#[test]
fn no_pdf_skips_the_pdfs_and_keeps_the_site() {
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        &repo(),
        &["build", "--no-pdf", "--out", out.path().to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.path().join("site/index.html").is_file());
    assert!(!out.path().join("pdf").exists());
}

#[test]
fn pdf_a_2b_is_an_option() {
    let out = tempfile::tempdir().unwrap();
    let pdf = build(&repo(), out.path(), &["--pdf-a"]).join("情報セキュリティチェックシート.pdf");
    let bytes = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("pdfaid:part") && text.contains("pdfaid:conformance"),
        "no PDF/A identification"
    );
}

#[test]
fn missing_typst_is_explained_with_the_install_command_and_output_is_kept() {
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    build(f.path(), out.path(), &["--no-pdf"]);
    let before = std::fs::read(out.path().join("site/index.html")).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .args([
            "--root",
            f.path().to_str().unwrap(),
            "build",
            "--out",
            out.path().to_str().unwrap(),
        ])
        .env("ANZEN_TYPST", "/nonexistent/typst")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cargo install typst-cli --version 0.15.1 --locked"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(out.path().join("site/index.html")).unwrap(),
        before,
        "previous output untouched"
    );
}

#[cfg(unix)]
#[test]
fn a_typst_of_another_version_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("typst");
    std::fs::write(&fake, "#!/bin/sh\necho 'typst 0.12.0 (deadbeef)'\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .args([
            "--lang",
            "en",
            "--root",
            repo().to_str().unwrap(),
            "build",
            "--out",
            out.path().to_str().unwrap(),
        ])
        .env("ANZEN_TYPST", &fake)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("0.12.0") && stderr.contains("0.15.1"),
        "{stderr}"
    );
}

#[test]
fn no_japanese_font_fails_with_how_to_install_one() {
    let f = Fixture::sample();
    f.edit(
        "anzen.yaml",
        "standards:",
        "pdf:\n  serif_fonts: [No Such Mincho]\n  sans_fonts: [No Such Gothic]\nstandards:",
    );
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(f.path(), &["build", "--out", out.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("fonts-noto-cjk"), "{}", run.stderr);
    assert!(run.stderr.contains("No Such Gothic"), "{}", run.stderr);
    assert!(!out.path().join("pdf").exists(), "no PDF full of tofu");
}

#[test]
fn odd_markdown_in_a_document_still_compiles_and_keeps_its_text() {
    let f = Fixture::sample();
    let doc = "content/documents/work-rules.md";
    let text = std::fs::read_to_string(f.path().join(doc)).unwrap();
    let odd = "\n## 記号の多い節\n\n#import \"@preview/x:0.1.0\": * と $x^2$ と @ref と <label> と [括弧] と \\ と `code #x` と // 注釈ではない\n\n<script>alert(1)</script>\n\n1. 入れ子\n   - さらに\n     - もっと\n";
    f.write(doc, &format!("{text}{odd}"));
    let out = tempfile::tempdir().unwrap();
    let pdf = build(f.path(), out.path(), &[]).join("就業規則（抜粋）.pdf");
    let flat = squash(&pdftotext(&pdf, false));
    for needle in [
        "#import\"@preview/x:0.1.0\":*",
        "$x^2$",
        "@ref",
        "<label>",
        "[括弧]",
        "codex",
        "//注釈ではない",
        "<script>alert(1)</script>",
    ] {
        let needle = if needle == "codex" { "code#x" } else { needle };
        assert!(flat.contains(needle), "{needle} lost from the PDF");
    }
}
