//! Safe HTML, proven in a real browser: a corpus of XSS payloads (script
//! tags, event handlers, javascript:/data:/vbscript: URLs, srcdoc frames,
//! object/embed, style tricks, meta refresh, form action, base href, SVG
//! and MathML script, entity obfuscation, unclosed tags, Markdown links,
//! images and autolinks, raw HTML in tables and lists) is put in a
//! document, in ledger fields, in checklist notes and in the config; the
//! site is built and `tests/e2e/xss.mjs` loads every page in Chromium with
//! alert/confirm/prompt and `window.__pwned` (which every payload calls)
//! recorded from before any script runs. Nothing may run, and no
//! event-handler attribute or javascript: URL may be left in the DOM.

use std::path::Path;

use crate::common::{Fixture, repo, run_anzen};

/// Payloads for Markdown documents; each calls `window.__pwned(n)`.
const PAYLOADS: &[&str] = &[
    "<script>window.__pwned(1)</script>",
    "<img src=x onerror=\"window.__pwned(2)\">",
    "<svg onload=\"window.__pwned(3)\"></svg>",
    "<body onload=\"window.__pwned(4)\">",
    "<details open ontoggle=\"window.__pwned(5)\"><summary>x</summary>y</details>",
    "[リンク](javascript:window.__pwned(6))",
    "![画像](javascript:window.__pwned(7))",
    "<a href=\"javascript:window.__pwned(8)\">a</a>",
    "<a href=\"data:text/html,<script>window.__pwned(9)</script>\">d</a>",
    "<a href=\"vbscript:window.__pwned(10)\">v</a>",
    "<iframe srcdoc=\"<script>parent.__pwned(11)</script>\"></iframe>",
    "<object data=\"javascript:window.__pwned(12)\"></object>",
    "<embed src=\"javascript:window.__pwned(13)\">",
    "<style>body{background:url(\"javascript:window.__pwned(14)\")}</style>",
    "<div style=\"width:expression(window.__pwned(15))\">x</div>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__pwned(16)\">",
    "<form action=\"javascript:window.__pwned(17)\"><button>go</button></form>",
    "<base href=\"javascript:window.__pwned(18)//\">",
    "<svg><script>window.__pwned(19)</script></svg>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__pwned(20)\">e</a>",
    "<a href=\"jav&#x09;ascript:window.__pwned(21)\">t</a>",
    "<img src=x onerror=window.__pwned(22)",
    "<scr<script>ipt>window.__pwned(23)</script>",
    "<javascript:window.__pwned(24)>",
    "| <img src=x onerror=window.__pwned(25)> | b |\n|---|---|\n| <svg/onload=window.__pwned(25)> | c |",
    "- <svg/onload=window.__pwned(26)>\n- <img src=x onerror=window.__pwned(26)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned(27)>",
    "<noscript><p title=\"</noscript><img src=x onerror=window.__pwned(28)>\">",
    "<input autofocus onfocus=\"window.__pwned(29)\">",
    "<video><source onerror=\"window.__pwned(30)\"></video>",
    "<a href=\"#\" onmouseover=\"window.__pwned(31)\">hover</a>",
    "[参照リンク][r32]\n\n[r32]: javascript:window.__pwned(32)",
    "<iframe src=\"javascript:window.__pwned(33)\"></iframe>",
    "<link rel=import href=\"data:text/html,<script>window.__pwned(34)</script>\">",
    "<img src=\"x\" onerror=\"&#119;indow.__pwned(35)\">",
    "<a href=\" javascript:window.__pwned(36)\">space</a>",
    "<svg><a xlink:href=\"javascript:window.__pwned(37)\"><text y=\"20\">x</text></a></svg>",
    "<isindex action=javascript:window.__pwned(38) type=image>",
    "## 見出し {#h39 onmouseover=\"window.__pwned(39)\"}",
    "<template><script>window.__pwned(40)</script></template>",
    "[title](https://example.invalid \"x\\\" onmouseover=\\\"window.__pwned(41)\")",
    "<img src=\"https://example.invalid/track.png\">",
    "<a href=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9d2luZG93Ll9fcHduZWQoNDMpPjwvc3ZnPg==\">svg</a>",
    "<svg><animate onbegin=\"window.__pwned(44)\" attributeName=x dur=1s></svg>",
    "<svg><set attributeName=\"href\" to=\"javascript:window.__pwned(45)\"/></svg>",
    "<img src=`x` onerror=`window.__pwned(46)`>",
    "<<img src=x onerror=window.__pwned(47)>>",
    "<div><p>unclosed <b onmouseover=window.__pwned(48)>bold",
];

/// Payloads for plain text fields (ledger, answers, config).
const TEXT_PAYLOADS: &[&str] = &[
    "<script>window.__pwned(101)</script>",
    "<img src=x onerror=window.__pwned(102)>",
    "\"><svg onload=window.__pwned(103)>",
    "javascript:window.__pwned(104)",
    "'-window.__pwned(105)-'",
    "</script><script>window.__pwned(106)</script>",
    "{{ 7*7 }}{% raw %}<b onmouseover=window.__pwned(107)>",
];

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The sample with every payload planted.
fn poisoned() -> Fixture {
    let f = Fixture::sample();
    // A document: each payload in its own block, and all of them inline.
    let mut body = String::from("# XSS {#xss}\n\n");
    for (i, p) in PAYLOADS.iter().enumerate() {
        body.push_str(&format!(
            "## ペイロード {} {{#p{}}}\n\n{p}\n\n",
            i + 1,
            i + 1
        ));
    }
    body.push_str("## 段落の中\n\n");
    for p in PAYLOADS.iter().filter(|p| !p.contains('\n')) {
        body.push_str(&format!("文中 {p} 続き。"));
    }
    body.push('\n');
    f.write(
        "content/documents/xss.md",
        &format!(
            "---\nid: xss\nkind: other\ntitle: {}\nversion: {}\napproval:\n  approver: {}\n  date: 2026-03-02\nreview_by: 2027-03-31\n---\n{body}",
            yaml_string("<script>window.__pwned(90)</script>題名"),
            yaml_string("<img src=x onerror=window.__pwned(91)>"),
            yaml_string("<svg onload=window.__pwned(92)>"),
        ),
    );
    // Ledger fields: text, lists, evidence (unresolved, shown as text).
    let mut ledger = String::from(
        "kind: drills\ntitle: \"<script>window.__pwned(93)</script>訓練\"\nentries:\n",
    );
    for (i, p) in TEXT_PAYLOADS.iter().enumerate() {
        ledger.push_str(&format!(
            "  - id: {}\n    date: 2026-03-19\n    scenario: {}\n    participants: [S001]\n    result: {}\n",
            yaml_string(&format!("X{i}{p}")),
            yaml_string(p),
            yaml_string(&format!("結果 {p}")),
        ));
    }
    f.write("content/ledgers/xss.yaml", &ledger);
    f.write(
        "content/ledgers/xss-reports.yaml",
        &format!(
            "kind: monthly_reports\nentries:\n  - id: MR-XSS\n    month: 2025-01\n    submitted_on: 2025-02-01\n    evidence: {}\n    summary: {}\n",
            yaml_string("javascript:window.__pwned(108)"),
            yaml_string(TEXT_PAYLOADS[1]),
        ),
    );
    // Checklist notes and a 該当無 reason.
    let notes = TEXT_PAYLOADS.join(" ");
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-8\"\n    answer: 該当無\n",
        &format!(
            "  - item: \"5-8\"\n    answer: 該当無\n    note: {}\n",
            yaml_string(&notes)
        ),
    );
    f.edit(
        "content/checklist.yaml",
        "  - item: \"2-1\"\n",
        &format!(
            "  - item: \"2-1\"\n    note: {}\n",
            yaml_string("<img src=x onerror=window.__pwned(109)>")
        ),
    );
    // The config: shown in every page's header and title.
    f.edit(
        "anzen.yaml",
        "  name: 株式会社みなと情報サービス",
        "  name: \"株式会社みなと<script>window.__pwned(110)</script>\"",
    );
    f
}

fn build(root: &Path, out: &Path) -> std::path::PathBuf {
    let run = run_anzen(
        root,
        &[
            "build",
            "--no-pdf",
            "--no-package",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "build failed: {}\n{}", run.stdout, run.stderr);
    out.join("site")
}

#[test]
fn the_corpus_has_at_least_30_payloads() {
    assert!(PAYLOADS.len() >= 30, "{}", PAYLOADS.len());
    for (i, p) in PAYLOADS.iter().enumerate() {
        assert!(
            p.contains("__pwned(") || p.contains("track.png") || p.contains("base64"),
            "payload {i} calls no marker: {p}"
        );
    }
}

#[test]
fn payloads_leave_no_handler_or_script_url_in_the_html() {
    let f = poisoned();
    let out = tempfile::tempdir().unwrap();
    let site = build(f.path(), out.path());
    let doc = std::fs::read_to_string(site.join("documents/xss.html")).unwrap();
    assert!(doc.contains("ペイロード 30"), "the document rendered");
    for entry in walkdir::WalkDir::new(&site).into_iter().flatten() {
        let name = entry.path().to_string_lossy().into_owned();
        if !name.ends_with(".html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path())
            .unwrap()
            .to_lowercase();
        // Only tags: text never holds a raw `<` (it is escaped), so what
        // is between `<` and `>` is markup the browser will parse.
        let tags: String = html
            .split('<')
            .skip(1)
            .map(|t| format!("<{}>\n", t.split('>').next().unwrap_or_default()))
            .collect();
        let names: String = tags.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
        for bad in [
            "<script>",
            "<script src=\"http",
            "href=\"javascript:",
            "src=\"javascript:",
            "href=\"vbscript:",
            "href=\"data:",
            " onerror=",
            " onload=",
            " onmouseover=",
            " onfocus=",
            " ontoggle=",
            "<iframe",
            "<object",
            "<embed",
            "<base ",
            "http-equiv",
            "srcdoc",
            "example.invalid/track",
        ] {
            // An attribute name is looked for outside quoted values:
            // `title="x&quot; onmouseover=&quot;…"` is one harmless title.
            // (Payload 27 used to wipe the rest of the page, so no payload
            // after it reached this test.)
            let hay = if bad.starts_with(" on") {
                &names
            } else {
                &tags
            };
            assert!(!hay.contains(bad), "{name} contains {bad:?}");
        }
    }
}

#[test]
fn no_payload_runs_in_a_real_browser() {
    let f = poisoned();
    let out = tempfile::tempdir().unwrap();
    let site = build(f.path(), out.path());
    let e2e = repo().join("tests/e2e");
    assert!(
        e2e.join("node_modules/playwright-core").is_dir(),
        "tests/e2e/node_modules is missing: run scripts/test (or `npm ci` in tests/e2e) to install playwright-core"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} missing: run scripts/test (it installs Debian's chromium)"
    );
    let run = std::process::Command::new("node")
        .arg(e2e.join("xss.mjs"))
        .arg(&site)
        .output()
        .expect("node");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("\"ok\":true"), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert!(report["pages"].as_u64().unwrap() > 50, "{stdout}");
}

#[test]
fn the_browser_test_catches_a_payload_that_runs() {
    // The harness itself: a page that does run a payload must fail it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><p>x</p><img src=x onerror=\"window.__pwned(1)\">",
    )
    .unwrap();
    let run = std::process::Command::new("node")
        .arg(repo().join("tests/e2e/xss.mjs"))
        .arg(dir.path())
        .output()
        .expect("node");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("__pwned(1)"), "{stdout}\n{stderr}");
}
