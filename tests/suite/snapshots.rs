//! Snapshot tests (insta): what anzen writes for the sample project — the
//! check's human output in Japanese and English and its JSON, a few pages
//! of the site, and the typst sources and data of the checklist and of one
//! document — kept under `tests/suite/snapshots/` and compared byte for
//! byte. A change of output then shows as a reviewable diff of a committed
//! file. The sample is copied outside git, so no commit hash or history
//! appears; the version and the revision line are replaced by
//! placeholders. How to review and accept a change: README (## 開発).

use anzen::load::LoadOptions;
use anzen::workspace::Workspace;

use crate::common::Project;

/// Compares `text` with `tests/suite/snapshots/<name>.snap`. In CI (`CI`
/// set, as insta reads it) a difference always fails and nothing is
/// written: the settings that would accept it are refused.
fn snapshot(name: &str, description: &str, text: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    if ci {
        let update = std::env::var("INSTA_UPDATE").unwrap_or_default();
        assert!(
            matches!(update.as_str(), "" | "auto" | "no" | "new"),
            "INSTA_UPDATE={update} would accept snapshots in CI"
        );
        assert!(
            std::env::var_os("INSTA_FORCE_PASS").is_none(),
            "INSTA_FORCE_PASS would pass differing snapshots in CI"
        );
    }
    insta::with_settings!({
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => description,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// The output with what differs between machines and versions replaced:
/// the tool's version and the site's revision line.
fn normalise(text: &str) -> String {
    let mut text = text.replace(
        &format!("anzen {}", env!("CARGO_PKG_VERSION")),
        "anzen [version]",
    );
    text = text.replace(
        &format!("\"tool_version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"tool_version\": \"[version]\"",
    );
    for (open, close) in [("<dt>版（git）</dt><dd>", "</dd>"), ("／ 版 ", "</p>")] {
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(open) {
            let after = &rest[at + open.len()..];
            let Some(end) = after.find(close) else { break };
            out.push_str(&rest[..at + open.len()]);
            out.push_str("[revision]");
            rest = &after[end..];
        }
        out.push_str(rest);
        text = out;
    }
    text
}

/// The sample with one error of each common kind and a warning, so the
/// check's output shows locations, hints and the summary.
fn sample_with_findings() -> Project {
    Project::sample()
        .front_matter("work-rules", "review_by", "2026-10-31")
        .field("take_out", "TO-2026-005", "approver", "S030")
        .without_field("take_out", "TO-2026-006", "protection")
        .answer("5-8", "answer: 該当無")
}

// ---- anzen check ------------------------------------------------------------

#[test]
fn check_of_the_sample_in_japanese() {
    let run = Project::sample().run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot(
        "check_sample_ja",
        "anzen check on the sample (clean), Japanese",
        &run.stdout,
    );
}

#[test]
fn check_of_the_sample_in_english() {
    let run = Project::sample().run(&["--lang", "en", "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot(
        "check_sample_en",
        "anzen --lang en check on the sample (clean)",
        &run.stdout,
    );
}

#[test]
fn check_json_of_the_sample() {
    let run = Project::sample().run(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    snapshot(
        "check_sample_json",
        "anzen check --format json on the sample (clean)",
        &normalise(&run.stdout),
    );
}

#[test]
fn check_of_the_sample_with_findings_in_japanese() {
    let run = sample_with_findings().run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    snapshot(
        "check_findings_ja",
        "anzen check on the sample with an overdue review, an unknown staff id, a take-out without protection (warning) and 該当無 without a reason",
        &run.stdout,
    );
}

#[test]
fn check_of_the_sample_with_findings_in_english() {
    let run = sample_with_findings().run(&["--lang", "en", "check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    snapshot(
        "check_findings_en",
        "anzen --lang en check on the sample with the defects of check_findings_ja",
        &run.stdout,
    );
}

#[test]
fn check_json_of_the_sample_with_findings() {
    let run = sample_with_findings().run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    snapshot(
        "check_findings_json",
        "anzen check --format json on the sample with the defects of check_findings_ja",
        &normalise(&run.stdout),
    );
}

// ---- the site -----------------------------------------------------------------

/// Builds the sample's site (outside git) and returns page `rel` of it.
fn site_page(rel: &str) -> String {
    let p = Project::sample();
    let out = tempfile::tempdir().unwrap();
    let run = p.run(&[
        "build",
        "--no-pdf",
        "--no-package",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Outside git: no revision and no history, so the page is the same
    // on every machine.
    assert!(
        run.stderr.contains("git リポジトリではない"),
        "the sample copy is inside a git repository: {}",
        run.stderr
    );
    let page = std::fs::read_to_string(out.path().join("site").join(rel)).unwrap();
    normalise(&page)
}

#[test]
fn site_dashboard_of_the_sample() {
    snapshot(
        "site_index",
        "site/index.html of the sample: the dashboard",
        &site_page("index.html"),
    );
}

#[test]
fn site_checklist_of_the_sample() {
    snapshot(
        "site_checklist",
        "site/checklist.html of the sample: every answer with its evidence",
        &site_page("checklist.html"),
    );
}

#[test]
fn site_document_page_of_the_sample() {
    snapshot(
        "site_document_work_rules",
        "site/documents/work-rules.html of the sample: a document page",
        &site_page("documents/work-rules.html"),
    );
}

#[test]
fn site_ledger_page_of_the_sample() {
    snapshot(
        "site_ledger_training",
        "site/ledgers/training.html of the sample: a ledger page",
        &site_page("ledgers/training.html"),
    );
}

// ---- the typst sources ------------------------------------------------------

/// The generated typst sources and data of the sample, by path.
fn typst_source(rel: &str) -> String {
    let p = Project::sample();
    let ws = Workspace::open(p.path(), &LoadOptions::default()).expect("the sample opens");
    assert!(ws.findings.is_empty(), "the sample checks clean");
    let files = anzen::render::pdf::render::sources(&ws.context(), &ws.findings);
    let bytes = files
        .get(rel)
        .unwrap_or_else(|| panic!("no {rel} in {:?}", files.keys().collect::<Vec<_>>()));
    String::from_utf8(bytes.clone()).unwrap()
}

#[test]
fn typst_data_of_the_checklist() {
    snapshot(
        "typst_checklist_json",
        "data/checklist.json: what checklist.typ fills the form with",
        &typst_source("data/checklist.json"),
    );
}

#[test]
fn typst_data_of_the_documents() {
    snapshot(
        "typst_documents_json",
        "data/documents.json: each document's title block and history",
        &typst_source("data/documents.json"),
    );
}

#[test]
fn typst_source_of_a_document() {
    snapshot(
        "typst_document_work_rules",
        "docs/work-rules.typ: the Markdown of work-rules.md converted to typst",
        &typst_source("docs/work-rules.typ"),
    );
}
