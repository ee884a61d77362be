//! The combined 提出書類一式.pdf as a city's reviewer reads it, made with
//! the real typst and read back with pdftotext: the 提出書 on page 1 with
//! the enclosed documents and their real pages, the 基準対照表 with page
//! references, documents by kind and ledgers in checklist order, the
//! evidence attached as pages with a header naming item and record, the
//! rosters (masked with --mask-personal), and 下書き（未確定） exactly when
//! check errors remain.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::common::{Project, repo, run_anzen};

const COMBINED: &str = "提出書類一式.pdf";

fn build(root: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["build", "--out", out.to_str().unwrap(), "--no-package"];
    args.extend_from_slice(extra);
    let run = run_anzen(root, &args);
    assert_eq!(run.code, 0, "build failed: {}\n{}", run.stdout, run.stderr);
    out.join("pdf")
}

/// The sample's PDFs, built once for the tests that only read them.
fn sample_pdfs() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, dir) = BUILT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        let dir = build(&repo(), out.path(), &[]);
        (out, dir)
    });
    dir
}

/// The text of each page, whitespace removed.
fn pages(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is missing: run scripts/test (it installs poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text
        .split('\u{c}')
        .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    if pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    pages
}

/// The page number the 提出書 lists for `title`: the last number on its
/// row of the enclosed documents (`letter` is page 1 in layout mode).
fn listed_page(letter: &str, title: &str) -> usize {
    let line = letter
        .lines()
        .find(|l| squash(l).contains(title))
        .unwrap_or_else(|| panic!("{title} not listed on the 提出書: {letter}"));
    line.split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no page after {title}: {line}"))
}

/// Page 1 of the combined PDF, laid out (rows stay rows).
fn letter(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    String::from_utf8(out.stdout).unwrap()
}

/// `page` without the bundle's page number (`提出書類一式n/total`), which
/// pdftotext may read in the middle of a page's other text.
fn unstamped(page: &str) -> String {
    let mark = "提出書類一式";
    let mut out = String::new();
    let mut rest = page;
    while let Some(i) = rest.find(mark) {
        out.push_str(&rest[..i]);
        let after = &rest[i + mark.len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n = digits(after);
        match after[n..].strip_prefix('/') {
            Some(tail) if n > 0 && digits(tail) > 0 => rest = &tail[digits(tail)..],
            _ => {
                out.push_str(mark);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn the_combined_pdf_opens_with_the_submission_letter() {
    let pages = pages(&sample_pdfs().join(COMBINED));
    let layout = self::letter(&sample_pdfs().join(COMBINED));
    let letter = &pages[0];
    for needle in [
        "提出書",
        "架空市市民部市民税課御中",
        "令和8年11月20日",
        "架空県架空市本町1-2-3",
        "株式会社みなと情報サービス",
        "代表取締役港一郎",
        "印",
        "令和8年度市民税課税資料データ入力業務委託",
        "R8-市税-014",
        "担当者",
        "業務管理部浜田健吾",
        "電話099-000-0000",
        "電子メールprivacy@minato-info.example.jp",
        "以上",
    ] {
        assert!(
            letter.contains(needle),
            "{needle} missing from page 1: {letter}"
        );
    }
    assert!(!letter.contains("下書き"), "a clean build is no draft");
    // The enclosed documents with the pages they really start on.
    let letter = &layout;
    let checklist = listed_page(letter, "情報セキュリティチェックシート");
    assert!(pages[checklist - 1].starts_with(&squash("株式会社みなと情報サービス")));
    assert!(pages[checklist - 1].contains("情報セキュリティチェックシート"));
    let cross = listed_page(letter, "基準対照表");
    assert!(
        pages[cross - 1].contains("基準対照表安全管理基準の要件ごとに"),
        "{}",
        pages[cross - 1]
    );
    let rules = listed_page(letter, "個人情報保護規程（第3.0版）");
    assert!(
        pages[rules - 1].contains("個人情報保護規程規程／第3.0版"),
        "{}",
        pages[rules - 1]
    );
    let staff = listed_page(letter, "従事者名簿");
    assert!(pages[staff - 1].contains("従事者名簿"));
    let attachments = listed_page(letter, "添付資料（");
    assert!(pages[attachments - 1].contains("添付資料チェックシートの回答が根拠として挙げる"));
}

#[test]
fn the_cross_reference_table_has_every_requirement_with_sections_and_pages() {
    let pages = pages(&sample_pdfs().join(COMBINED));
    let letter = letter(&sample_pdfs().join(COMBINED));
    let cross = listed_page(&letter, "基準対照表");
    // The table runs from its first page to the first document.
    let end = listed_page(&letter, "個人情報保護基本方針");
    let table: String = pages[cross - 1..end - 1].concat();
    let std = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    let mut at = 0;
    for r in &std.requirements {
        let found = table[at..]
            .find(&squash(&r.number))
            .unwrap_or_else(|| panic!("requirement {} not in the table after {at}", r.number));
        at += found;
    }
    assert!(table.contains("充足"));
    // 4(2) 入退室: the section of the rules that claims it, with its page,
    // and that page holds the section.
    let needle = "個人情報保護規程›";
    assert!(table.contains(needle), "{table}");
    let row = &table[table.find("入退室").unwrap()..];
    let cite = &row[row.find(needle).unwrap()..];
    let open = cite.find('（').unwrap();
    let title = &cite[needle.len()..open];
    let page: usize = cite[open + '（'.len_utf8()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no page in {cite}"));
    assert!(
        pages[page - 1].contains(title),
        "section {title} not on page {page}: {}",
        pages[page - 1]
    );
    assert!(table.contains("項目:"), "checklist items listed");
    assert!(table.contains("台帳:"), "ledgers listed");
}

#[test]
fn evidence_is_attached_as_pages_with_a_header_naming_item_and_record() {
    let pages = pages(&sample_pdfs().join(COMBINED));
    let first = listed_page(&letter(&sample_pdfs().join(COMBINED)), "添付資料（");
    let attached = &pages[first..];
    let signed = attached
        .iter()
        .find(|p| p.contains("研修記録›TR-2026-01（署名入り受講記録）"))
        .expect("a page of the signed training record");
    assert!(signed.contains("添付1"), "{signed}");
    assert!(signed.contains("チェック項目1"), "{signed}");
    assert!(
        signed.contains("2026-03-27_研修受講者署名簿.pdf"),
        "{signed}"
    );
    // The evidence's own text is on the page (placed, not just named).
    let evidence =
        pages_of_file(&repo().join("content/evidence/training/2026-03-27_研修受講者署名簿.pdf"));
    let words: String = evidence[0].chars().take(12).collect();
    assert!(signed.contains(&words), "{words} not on {signed}");
    let cert = attached
        .iter()
        .find(|p| p.contains("認証取得状況›CERT-ISMS-01（認証証明書の写し）"))
        .expect("the ISMS certificate copy");
    assert!(cert.contains("チェック項目2-8"), "{cert}");
    // In checklist order: item 1's evidence before item 2-8's.
    let (a, b) = (
        attached.iter().position(|p| p == signed).unwrap(),
        attached.iter().position(|p| p == cert).unwrap(),
    );
    assert!(a < b);
}

fn pages_of_file(pdf: &Path) -> Vec<String> {
    pages(pdf)
}

#[test]
fn documents_go_by_kind_then_the_configured_order() {
    let letter = &letter(&sample_pdfs().join(COMBINED));
    let order = [
        "個人情報保護基本方針",
        "個人情報保護規程",
        "情報システム運用規程",
        "就業規則（抜粋）",
        "個人情報取扱手順書",
        "緊急時対応計画",
        "令和8年度個人情報保護・情報セキュリティ研修計画",
    ];
    let starts: Vec<usize> = order.iter().map(|t| listed_page(letter, t)).collect();
    assert!(
        starts.windows(2).all(|w| w[0] < w[1]),
        "{order:?} at {starts:?}"
    );

    let p = Project::sample().config("pdf", "{document_order: [work-rules, training-plan]}");
    let out = tempfile::tempdir().unwrap();
    let letter = &self::letter(&build(p.path(), out.path(), &[]).join(COMBINED));
    assert!(listed_page(letter, "就業規則（抜粋）") < listed_page(letter, "個人情報保護規程"));
    assert!(
        listed_page(letter, "令和8年度個人情報保護・情報セキュリティ研修計画")
            < listed_page(letter, "緊急時対応計画")
    );
    assert!(listed_page(letter, "個人情報保護基本方針") < listed_page(letter, "就業規則（抜粋）"));
}

#[test]
fn headers_show_the_documents_version_and_date_and_the_ledgers_follow_the_checklist() {
    let pages = pages(&sample_pdfs().join(COMBINED));
    let letter = letter(&sample_pdfs().join(COMBINED));
    let rules = listed_page(&letter, "個人情報保護規程（第3.0版）");
    // The page after the first: the header names the document, its 版 and approval.
    let header = &pages[rules];
    assert!(
        header.contains("個人情報保護規程第3.0版令和8年") && header.contains("承認"),
        "{header}"
    );
    assert!(!header.contains("版git"), "{header}");
    // 台帳一覧: the ledger item 1 cites first comes first.
    let ledgers = listed_page(&letter, "台帳一覧");
    let list = &pages[ledgers - 1];
    let (training, access) = (list.find("研修記録").unwrap(), list.find("アクセス記録"));
    assert!(access.is_none_or(|a| training < a), "{list}");
}

#[test]
fn rosters_are_in_the_bundle_and_masked_with_mask_personal() {
    let pages = pages(&sample_pdfs().join(COMBINED));
    let letter = letter(&sample_pdfs().join(COMBINED));
    let staff = listed_page(&letter, "従事者名簿");
    assert!(
        pages[staff - 1].contains("浜田健吾"),
        "{}",
        pages[staff - 1]
    );
    let pledges = listed_page(&letter, "誓約書一覧");
    assert!(
        pages[pledges - 1].contains("PL-S001"),
        "{}",
        pages[pledges - 1]
    );

    let out = tempfile::tempdir().unwrap();
    let pdf = build(&repo(), out.path(), &["--mask-personal"]).join(COMBINED);
    let masked = self::pages(&pdf);
    let staff = listed_page(&self::letter(&pdf), "従事者名簿");
    assert!(masked[staff - 1].contains("＊＊＊"));
    assert!(
        !masked[staff - 1].contains("浜田健吾"),
        "{}",
        masked[staff - 1]
    );
    // Signed lists hold names: listed by hash, not placed as pages.
    assert!(
        !masked
            .iter()
            .any(|p| p.contains("添付1") && p.contains("研修受講者署名簿.pdf（")),
        "no page of a signed list"
    );
    assert!(masked.iter().any(|p| p.contains("個人データのため伏せ字")));
}

#[test]
fn a_clean_build_carries_no_draft_mark() {
    let dir = sample_pdfs();
    for entry in std::fs::read_dir(dir).unwrap() {
        let pdf = entry.unwrap().path();
        let text = pages(&pdf).concat();
        assert!(!text.contains("下書き"), "{} says 下書き", pdf.display());
    }
    let site = dir.parent().unwrap().join("site/index.html");
    assert!(!std::fs::read_to_string(site).unwrap().contains("下書き"));
}

#[test]
fn a_build_with_errors_is_a_draft_on_every_page_and_the_site() {
    let p = Project::sample().unanswered("5-1");
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        p.path(),
        &[
            "build",
            "--out",
            out.path().to_str().unwrap(),
            "--allow-findings",
        ],
    );
    // Errors remain; --allow-findings lets the build finish.
    assert!(run.stderr.contains("エラー 1 件"), "{}", run.stderr);
    let dir = out.path().join("pdf");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let pdf = entry.unwrap().path();
        for (n, page) in pages(&pdf).iter().enumerate() {
            assert!(
                page.contains("下書き（未確定）"),
                "{} page {} has no draft mark",
                pdf.display(),
                n + 1
            );
        }
    }
    let letter = &pages(&dir.join(COMBINED))[0];
    assert!(letter.contains("この書類一式は下書きです"), "{letter}");
    let site = std::fs::read_to_string(out.path().join("site/index.html")).unwrap();
    assert!(site.contains("下書き（未確定）"));
}

#[test]
fn two_builds_give_a_byte_identical_combined_pdf() {
    let out = tempfile::tempdir().unwrap();
    let again = build(&repo(), out.path(), &[]).join(COMBINED);
    assert!(
        std::fs::read(again).unwrap() == std::fs::read(sample_pdfs().join(COMBINED)).unwrap(),
        "the combined PDF differs between builds"
    );
}

#[test]
fn the_standard_text_is_appended_when_asked_and_electronic_signature_replaces_the_seal() {
    let p = Project::sample().config(
        "pdf",
        "{include_standard: true, signature: electronic, signature_note: 電子署名により署名しています}",
    );
    let out = tempfile::tempdir().unwrap();
    let pdf = build(p.path(), out.path(), &[]).join(COMBINED);
    let pages = pages(&pdf);
    assert!(
        pages[0].contains("電子署名により署名しています"),
        "{}",
        pages[0]
    );
    assert!(!pages[0].contains("印"), "no seal box: {}", pages[0]);
    let appendix = listed_page(&letter(&pdf), "別添");
    assert!(
        pages[appendix - 1].contains("別添"),
        "{}",
        pages[appendix - 1]
    );
    let std = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    let last = std.requirements.last().unwrap();
    let start: String = squash(&last.text).chars().take(15).collect();
    assert!(pages[appendix - 1..].concat().contains(&start), "{start}");
}

/// A valid PNG of `w`×`h` RGB pixels, `pixel(x, y)` each (unfiltered rows,
/// zlib-compressed, with the chunks' CRC-32).
fn png(w: u32, h: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    use std::io::Write;
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend(kind);
        out.extend(data);
        let crc = crc32(&out[start..]);
        out.extend(crc.to_be_bytes());
    }
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0);
        for x in 0..w {
            raw.extend(pixel(x, y));
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    let mut header = Vec::new();
    header.extend(w.to_be_bytes());
    header.extend(h.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A valid baseline JPEG, grey, of `bw`×`bh` blocks of 8×8 pixels, block
/// (x, y) all of level `level(x, y)`: only DC coefficients (a flat block
/// has no others), quantised by 1, with a Huffman table of 4-bit codes for
/// the DC categories and a 1-bit end-of-block as the only AC code.
fn jpeg(bw: u16, bh: u16, level: impl Fn(u16, u16) -> u8) -> Vec<u8> {
    fn segment(out: &mut Vec<u8>, marker: u8, data: &[u8]) {
        out.extend([0xFF, marker]);
        out.extend((data.len() as u16 + 2).to_be_bytes());
        out.extend(data);
    }
    let mut out = vec![0xFF, 0xD8];
    segment(&mut out, 0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    let mut dqt = vec![0u8];
    dqt.extend([1u8; 64]);
    segment(&mut out, 0xDB, &dqt);
    let (w, h) = (bw * 8, bh * 8);
    let mut sof = vec![8];
    sof.extend(h.to_be_bytes());
    sof.extend(w.to_be_bytes());
    sof.extend([1, 1, 0x11, 0]);
    segment(&mut out, 0xC0, &sof);
    // DC: categories 0..=11, each a 4-bit code equal to the category.
    let mut dc = vec![0x00, 0, 0, 0, 12];
    dc.extend([0; 12]);
    dc.extend(0..12u8);
    segment(&mut out, 0xC4, &dc);
    // AC: end-of-block only, code `0`.
    let mut ac = vec![0x10, 1];
    ac.extend([0; 15]);
    ac.push(0x00);
    segment(&mut out, 0xC4, &ac);
    segment(&mut out, 0xDA, &[1, 1, 0x00, 0, 63, 0]);
    // The entropy-coded blocks, in raster order.
    let mut bits: Vec<bool> = Vec::new();
    let put = |v: u32, n: u32, bits: &mut Vec<bool>| {
        for i in (0..n).rev() {
            bits.push(v >> i & 1 == 1);
        }
    };
    let mut previous = 0i32;
    for y in 0..bh {
        for x in 0..bw {
            let dc = 8 * (i32::from(level(x, y)) - 128);
            let diff = dc - previous;
            previous = dc;
            let category = 32 - diff.unsigned_abs().leading_zeros();
            put(category, 4, &mut bits);
            let value = if diff >= 0 {
                diff
            } else {
                diff + (1 << category) - 1
            };
            put(value as u32, category, &mut bits);
            put(0, 1, &mut bits);
        }
    }
    while !bits.len().is_multiple_of(8) {
        bits.push(true);
    }
    for byte in bits.chunks(8) {
        let b = byte.iter().fold(0u8, |acc, &bit| acc << 1 | u8::from(bit));
        out.push(b);
        if b == 0xFF {
            out.push(0);
        }
    }
    out.extend([0xFF, 0xD9]);
    out
}

/// The images `pdfimages -list` finds on page `page`: (width, height, encoding).
fn images_on(pdf: &Path, page: usize) -> Vec<(u32, u32, String)> {
    let p = page.to_string();
    let out = Command::new("pdfimages")
        .args(["-list", "-f", &p, "-l", &p])
        .arg(pdf)
        .output()
        .expect("pdfimages (poppler-utils)");
    assert!(out.status.success(), "pdfimages failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            Some((
                f.get(3)?.parse().ok()?,
                f.get(4)?.parse().ok()?,
                f.get(8)?.to_string(),
            ))
        })
        .collect()
}

/// The sample with `files` (path under content/evidence/photos/, bytes)
/// named as evidence of item 2-8.
fn with_evidence(files: &[(&str, Vec<u8>)]) -> Project {
    let cited: String = files
        .iter()
        .map(|(name, _)| format!("      - evidence/photos/{name}\n"))
        .collect();
    let p = Project::sample().replace(
        "content/checklist.yaml",
        "      - evidence/certifications/ISMS登録証_写し.pdf\n",
        &format!("      - evidence/certifications/ISMS登録証_写し.pdf\n{cited}"),
    );
    for (name, bytes) in files {
        p.write_bytes(&format!("content/evidence/photos/{name}"), bytes);
    }
    p
}

#[test]
fn image_evidence_is_a_page_of_its_own_with_the_header_and_the_image_embedded() {
    let png = png(24, 12, |x, y| [(x * 10) as u8, (y * 20) as u8, 200]);
    let jpeg = jpeg(5, 2, |x, y| (40 * x + 60 * y) as u8 + 20);
    let svg = br#"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><rect width="80" height="40" fill="blue"/></svg>"#;
    let p = with_evidence(&[
        ("入退室管理画面.png", png),
        ("施錠状況.jpg", jpeg),
        ("配置図.svg", svg.to_vec()),
    ]);
    let out = tempfile::tempdir().unwrap();
    let pdf = build(p.path(), out.path(), &[]).join(COMBINED);
    let pages = pages(&pdf);
    for (name, size) in [
        ("入退室管理画面.png", Some((24, 12, "image"))),
        // The JPEG goes in as it is (DCT), not re-encoded.
        ("施錠状況.jpg", Some((40, 16, "jpeg"))),
        ("配置図.svg", None),
    ] {
        let found: Vec<usize> = (0..pages.len())
            .filter(|&i| pages[i].contains(name) && pages[i].contains("回答の根拠"))
            .filter(|&i| !pages[i].contains("添付資料"))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{name}: one attachment page, found {found:?}"
        );
        let page = &unstamped(&pages[found[0]]);
        assert!(page.contains("チェック項目2-8回答の根拠"), "{page}");
        assert!(page.starts_with("添付"), "the header first: {page}");
        let images = images_on(&pdf, found[0] + 1);
        match size {
            Some((w, h, enc)) => assert!(
                images
                    .iter()
                    .any(|i| (i.0, i.1, i.2.as_str()) == (w, h, enc)),
                "{name}: no {w}×{h} {enc} image on page {}: {images:?}",
                found[0] + 1
            ),
            // SVG is placed as vector graphics, not as an image.
            None => assert!(images.is_empty(), "{images:?}"),
        }
    }
}

#[test]
fn a_pdf_typst_cannot_read_is_listed_with_its_hash_and_the_build_succeeds() {
    let whole =
        std::fs::read(repo().join("content/evidence/certifications/ISMS登録証_写し.pdf")).unwrap();
    let truncated = whole[..whole.len() / 2].to_vec();
    let sha256: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&truncated)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let p = with_evidence(&[("破損した写し.pdf", truncated)]);
    let out = tempfile::tempdir().unwrap();
    let pdf = build(p.path(), out.path(), &[]).join(COMBINED);
    let pages = pages(&pdf);
    let listing = pages
        .iter()
        .find(|p| p.contains(&sha256))
        .unwrap_or_else(|| panic!("{sha256} listed nowhere"));
    assert!(listing.contains("頁として添付できない証跡"), "{listing}");
    assert!(
        listing.contains("evidence/photos/破損した写し.pdf"),
        "{listing}"
    );
    assert!(listing.contains(&sha256), "{sha256} not in {listing}");
    assert!(
        listing.contains("チェック項目2-8") && listing.contains("回答の根拠"),
        "{listing}"
    );
    assert!(listing.contains("読み込めないPDF"), "the reason: {listing}");
    // No attachment page of it, and the other attachments are still placed.
    assert!(
        !pages
            .iter()
            .any(|p| p.starts_with("添付") && p.contains("破損した写し.pdf"))
    );
    assert!(
        pages
            .iter()
            .any(|p| p.starts_with("添付") && p.contains("ISMS登録証_写し.pdf"))
    );
}

#[test]
fn a_long_contract_name_keeps_the_running_header_on_one_line() {
    let long = "令和8年度 市民税・県民税課税資料（給与支払報告書、公的年金等支払報告書及び確定申告書等）のデータ入力、照合、補正並びに電子化業務委託";
    let p = Project::sample().config("contract.name", long);
    let out = tempfile::tempdir().unwrap();
    let dir = build(p.path(), out.path(), &[]);
    let pdf = dir.join(COMBINED);
    let rules = listed_page(&letter(&pdf), "個人情報保護規程（第3.0版）");
    for (pdf, page) in [(pdf.clone(), rules), (dir.join("個人情報保護規程.pdf"), 1)] {
        let p = page.to_string();
        let out = Command::new("pdftotext")
            .args(["-layout", "-f", &p, "-l", &p])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let (first, second) = (lines.next().unwrap(), lines.next().unwrap());
        let head = squash(first);
        // Vendor, the start of the contract cut with "…", the number and
        // the document's 版, all on the first line.
        assert!(
            head.starts_with("株式会社みなと情報サービス令和8年度市民税"),
            "{first}"
        );
        assert!(head.contains("…（R8-市税-014）"), "{first}");
        assert!(head.contains("個人情報保護規程第3.0版"), "{first}");
        assert!(!head.contains("電子化業務委託"), "{first}");
        // The next line is the page's own text, not the header's rest.
        assert!(
            !squash(second).contains("業務委託") && !squash(second).contains("R8-市税-014"),
            "{second}"
        );
    }
    // A short name stays whole.
    let letter = letter(&sample_pdfs().join(COMBINED));
    let rules = listed_page(&letter, "個人情報保護規程（第3.0版）");
    let page = &pages(&sample_pdfs().join(COMBINED))[rules - 1];
    assert!(
        page.starts_with(
            "株式会社みなと情報サービス令和8年度市民税課税資料データ入力業務委託（R8-市税-014）"
        ),
        "{page}"
    );
}

/// The pages of a document in the bundle are its own PDF's pages, placed
/// as they are (its header and its own page numbers), and every page of
/// the bundle carries the bundle's number as well.
#[test]
fn documents_are_placed_from_their_own_pdfs_with_the_bundles_page_numbers() {
    let combined = pages(&sample_pdfs().join(COMBINED));
    let total = combined.len();
    let letter = letter(&sample_pdfs().join(COMBINED));
    for (title, file) in [
        ("個人情報保護規程（第3.0版）", "個人情報保護規程.pdf"),
        ("緊急時対応計画（第2.0版）", "緊急時対応計画.pdf"),
    ] {
        let start = listed_page(&letter, title);
        let own = pages(&sample_pdfs().join(file));
        assert!(own.len() > 1, "{file}: {} pages", own.len());
        for (i, page) in own.iter().enumerate() {
            let n = start + i;
            let placed = &combined[n - 1];
            let stamp = format!("提出書類一式{n}/{total}");
            assert!(placed.contains(&stamp), "page {n}: no {stamp}: {placed}");
            assert_eq!(
                placed.replacen(&stamp, "", 1),
                *page,
                "page {n} is page {} of {file}",
                i + 1
            );
        }
    }
    for (i, page) in combined.iter().enumerate() {
        assert!(
            page.contains(&format!("{}/{total}", i + 1)),
            "page {} has no bundle number: {page}",
            i + 1
        );
    }
}

/// Under PDF/A typst places no PDF pages: the bundle lays the documents
/// out itself, and the 提出書 still cites the pages they start on.
#[test]
fn under_pdf_a_the_bundle_lays_the_documents_out_itself() {
    let out = tempfile::tempdir().unwrap();
    let pdf = build(&repo(), out.path(), &["--pdf-a"]).join(COMBINED);
    let pdf_pages = pages(&pdf);
    let letter = letter(&pdf);
    for (title, head) in [
        (
            "個人情報保護規程（第3.0版）",
            "個人情報保護規程規程／第3.0版",
        ),
        ("緊急時対応計画（第2.0版）", "緊急時対応計画計画／第2.0版"),
    ] {
        let start = listed_page(&letter, title);
        assert!(
            pdf_pages[start - 1].contains(head),
            "{title} on page {start}: {}",
            pdf_pages[start - 1]
        );
    }
}
