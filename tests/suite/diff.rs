//! `anzen diff` on real git repositories made in the test: commits that
//! flip an answer, remove a section and add a ledger entry, read from git
//! without touching the working tree or the index.

use std::path::Path;
use std::process::Command;

use crate::common::Fixture;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=港 一郎",
            "-c",
            "user.email=minato@example.jp",
        ])
        .args(args)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn repo() -> Fixture {
    let f = Fixture::sample();
    git(f.path(), &["init", "-q", "-b", "main"]);
    git(f.path(), &["add", "-A"]);
    git(f.path(), &["commit", "-qm", "初版"]);
    f
}

#[test]
fn diff_between_commits_lists_answers_sections_entries_and_findings() {
    let f = repo();
    // Flip 5-8 (該当無 → はい without evidence), drop a section, add an entry.
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-8\"\n    answer: 該当無\n",
        "  - item: \"5-8\"\n    answer: はい\n",
    );
    let doc = "content/documents/security-rules.md";
    let text = std::fs::read_to_string(f.path().join(doc)).unwrap();
    let start = text.find("\n### 監督").expect("監督 section");
    let end = start + 1 + text[start + 1..].find("\n#").unwrap();
    f.write(doc, &format!("{}{}", &text[..start], &text[end..]));
    f.edit(
        "content/ledgers/drills.yaml",
        "entries:\n",
        "entries:\n  - id: DR-2026-99\n    date: 2026-11-01\n    scenario: 追加の訓練\n",
    );
    git(f.path(), &["commit", "-qam", "変更"]);
    let run = f.run(&["diff", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout;
    assert!(md.contains("`HEAD~1` → `HEAD`"), "{md}");
    assert!(md.contains("| 5-8 | 該当無 | **はい** |"), "{md}");
    assert!(md.contains("節を削除: 「監督」"), "{md}");
    assert!(
        md.contains("| 訓練記録 | 1 件（DR-2026-99） | ― | ― |"),
        "{md}"
    );
    assert!(md.contains("### 新たな検査結果"), "{md}");
    assert!(md.contains("answer.yes-without-evidence"), "{md}");
    // JSON carries the same.
    let json: serde_json::Value = serde_json::from_str(
        &f.run(&["diff", "HEAD~1", "HEAD", "--format", "json"])
            .stdout,
    )
    .unwrap();
    assert_eq!(
        json["answers"][0],
        serde_json::json!(["5-8", "該当無", "はい"])
    );
    assert_eq!(
        json["ledgers"][0]["added"],
        serde_json::json!(["DR-2026-99"])
    );
    // And the reverse direction reports the finding as fixed.
    let back = f.run(&["diff", "HEAD", "HEAD~1"]).stdout;
    assert!(back.contains("### 解消した検査結果"), "{back}");
}

#[test]
fn diff_against_the_working_tree_leaves_tree_and_index_untouched() {
    let f = repo();
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-8\"\n    answer: 該当無\n",
        "  - item: \"5-8\"\n    answer: はい\n",
    );
    git(f.path(), &["add", "content/checklist.yaml"]);
    f.edit(
        "content/documents/basic-policy.md",
        "version: \"",
        "version: \"2",
    );
    let status = git(f.path(), &["status", "--porcelain"]);
    let index = std::fs::read(f.path().join(".git/index")).unwrap();
    let run = f.run(&["diff", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("`HEAD` → 作業ツリー"), "{}", run.stdout);
    assert!(
        run.stdout.contains("| 5-8 | 該当無 | **はい** |"),
        "staged change seen"
    );
    assert!(
        run.stdout.contains("版 "),
        "unstaged version change seen: {}",
        run.stdout
    );
    assert_eq!(git(f.path(), &["status", "--porcelain"]), status);
    assert_eq!(
        std::fs::read(f.path().join(".git/index")).unwrap(),
        index,
        "index untouched"
    );
}

#[test]
fn no_change_says_so_and_a_bad_revision_is_an_error() {
    let f = repo();
    let run = f.run(&["diff", "HEAD"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("コンプライアンスに関わる変更はありません"),
        "{}",
        run.stdout
    );
    let run = f.run(&["diff", "no-such-rev"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no-such-rev"), "{}", run.stderr);
}

#[test]
fn diff_in_english_has_english_headings_labels_and_messages() {
    let f = repo();
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-8\"\n    answer: 該当無\n",
        "  - item: \"5-8\"\n    answer: はい\n",
    );
    f.edit(
        "content/ledgers/drills.yaml",
        "entries:\n",
        "entries:\n  - id: DR-2026-99\n    date: 2026-11-01\n    scenario: 追加の訓練\n",
    );
    f.edit(
        "content/documents/basic-policy.md",
        "version: \"",
        "version: \"2",
    );
    let run = f.run(&["--lang", "en", "diff", "HEAD"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout;
    assert!(
        md.contains("## anzen: compliance diff (`HEAD` → working tree"),
        "{md}"
    );
    assert!(md.contains("| 5-8 | n/a | **yes** |"), "{md}");
    assert!(md.contains("| 訓練記録 | 1 (DR-2026-99) | ― | ― |"), "{md}");
    assert!(md.contains("### New findings"), "{md}");
    assert!(md.contains("- changed: "), "{md}");
    assert!(md.contains("version "), "{md}");
    for heading in md.lines().filter(|l| l.starts_with('#')) {
        assert!(
            !heading.chars().any(anzen::cjk::is_cjk),
            "Japanese in an English heading: {heading}"
        );
    }
}
