//! History from git: each document's 改訂履歴 on its site page and in its
//! PDF, documents edited after approval flagged, stale evidence flagged
//! after `anzen confirm`, and a project outside git still builds.

use std::path::Path;
use std::process::Command;

use crate::common::{Fixture, run_anzen};

pub fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_DATE", format!("{date}T10:00:00+09:00"))
        .env("GIT_COMMITTER_DATE", format!("{date}T10:00:00+09:00"))
        .env("GIT_AUTHOR_NAME", "港 一郎")
        .env("GIT_AUTHOR_EMAIL", "minato@example.jp")
        .env("GIT_COMMITTER_NAME", "港 一郎")
        .env("GIT_COMMITTER_EMAIL", "minato@example.jp")
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The sample in a git repository: first commit on 2026-03-01.
pub fn repo() -> Fixture {
    let f = Fixture::sample();
    git(f.path(), &["init", "-q", "-b", "main"], "2026-03-01");
    git(f.path(), &["add", "-A"], "2026-03-01");
    git(f.path(), &["commit", "-q", "-m", "初版"], "2026-03-01");
    f
}

const POLICY: &str = "content/documents/basic-policy.md";

#[test]
fn a_body_edit_after_approval_is_flagged_but_a_front_matter_edit_is_not() {
    let f = repo();
    let check = f.check();
    assert!(
        check.of("document.approved-before-edited").is_empty(),
        "approval 2026-03-0x after the first commit"
    );
    // Front matter only (e.g. the version line): not an edit of the content.
    f.edit(POLICY, "version: \"", "version: \"9");
    git(f.path(), &["commit", "-qam", "版数のみ"], "2026-06-01");
    assert!(f.check().of("document.approved-before-edited").is_empty());
    // The body changes after approval.
    let text = std::fs::read_to_string(f.path().join(POLICY)).unwrap();
    f.write(POLICY, &format!("{text}\n追記した段落。\n"));
    git(
        f.path(),
        &["commit", "-qam", "方針に段落を追加"],
        "2026-07-01",
    );
    let found = f.check().of("document.approved-before-edited");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].file, POLICY);
    assert!(
        found[0].ja.contains("方針に段落を追加") && found[0].ja.contains("2026-07-01"),
        "{}",
        found[0].ja
    );
    // A commit after the as-of date is not yet part of the checked state.
    let out = run_anzen(
        f.path(),
        &["--as-of", "2026-06-15", "check", "--format", "json"],
    );
    assert!(
        !out.stdout.contains("approved-before-edited"),
        "{}",
        out.stdout
    );
}

#[test]
fn document_history_appears_on_the_site_page_and_in_the_pdf() {
    let f = repo();
    let text = std::fs::read_to_string(f.path().join(POLICY)).unwrap();
    f.write(POLICY, &format!("{text}\n見直しによる追記。\n"));
    git(f.path(), &["commit", "-qam", "年次見直し"], "2026-04-15");
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        f.path(),
        &[
            "build",
            "--no-package",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page =
        std::fs::read_to_string(out.path().join("site/documents/basic-policy.html")).unwrap();
    assert!(
        page.contains("改訂履歴")
            && page.contains("年次見直し")
            && page.contains("初版")
            && page.contains("港 一郎"),
        "history table"
    );
    assert!(
        page.contains("2026-04-15（令和8年4月15日）"),
        "last changed"
    );
    let pdf = out.path().join("pdf/個人情報保護基本方針.pdf");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text: String = String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        text.contains("改訂履歴")
            && text.contains("年次見直し")
            && text.contains("最終更新2026-04-15"),
        "{text}"
    );
}

#[test]
fn outside_git_the_build_says_so_once_and_works() {
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        f.path(),
        &[
            "build",
            "--no-pdf",
            "--no-package",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("git リポジトリではない").count(),
        1,
        "{}",
        run.stderr
    );
    let page =
        std::fs::read_to_string(out.path().join("site/documents/basic-policy.html")).unwrap();
    assert!(page.contains("git で管理されていない"));
}

#[test]
fn confirm_records_a_fingerprint_and_a_later_edit_of_the_cited_section_is_flagged() {
    let f = Fixture::sample();
    let run = f.run(&["confirm", "2-1", "2-2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let answers = std::fs::read_to_string(f.path().join("content/checklist.yaml")).unwrap();
    assert_eq!(
        answers
            .matches("confirmed: {date: 2026-11-20, fingerprint: \"sha256:")
            .count(),
        2
    );
    assert!(answers.contains("# 2. 組織的安全管理"), "comments kept");
    assert_eq!(f.check().code, 0, "a fresh confirmation is not stale");
    // Edit the section 2-1 cites (basic-policy#structure).
    let doc = std::fs::read_to_string(f.path().join(POLICY)).unwrap();
    let at = doc.find("{#structure}").expect("structure section");
    let para = doc[at..].find("\n\n").unwrap() + at + 2;
    f.write(
        POLICY,
        &format!("{}この体制は毎年見直す。\n\n{}", &doc[..para], &doc[para..]),
    );
    let check = f.check();
    let stale = check.of("answer.stale-evidence");
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(stale[0].item.as_deref(), Some("2-1"));
    assert_eq!(check.code, 0, "a warning, not an error");
    // Re-confirming clears it.
    assert_eq!(f.run(&["confirm", "2-1"]).code, 0);
    assert!(f.check().of("answer.stale-evidence").is_empty());
}
