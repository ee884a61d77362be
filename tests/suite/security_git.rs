//! anzen and git, on repositories a pull request (or a zip with a `.git`
//! folder) can make hostile: file names git has to quote, a large blob
//! behind them, a commit subject holding separators, committed symbolic
//! links, and repository configuration that names programs for git to run
//! (`core.fsmonitor`, a clean filter, `gpg.program`). Every git child anzen
//! starts must read such repositories as data and run none of their
//! programs; the commands that could hang are run under a deadline. Unix
//! only: the names and links it commits, and the shell scripts.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Fixture, Run};
use crate::history::{git as dated_git, repo as dated_repo};

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

/// Runs `anzen --root root args`, killed and failed after `limit` (a hang
/// must fail the test, not stall the suite).
fn run_within(root: &Path, args: &[&str], limit: Duration) -> Run {
    let io = tempfile::tempdir().unwrap();
    let (out, err) = (io.path().join("stdout"), io.path().join("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("ANZEN_LANG")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("run anzen");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("anzen {args:?} still running after {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
    }
}

const LIMIT: Duration = Duration::from_secs(60);

fn assert_no_change(run: &Run) {
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("コンプライアンスに関わる変更はありません"),
        "the base revision was not read as committed:\n{}",
        run.stdout
    );
}

#[test]
fn diff_reads_a_file_named_with_a_newline_beside_a_large_file_without_hanging() {
    let f = Fixture::sample();
    f.write_bytes("content/evidence/a\nb.pdf", b"%PDF-1.4\n");
    // Last in the tree, and larger than a pipe's buffer.
    f.write_bytes("zz-large.bin", &vec![b'x'; 300 * 1024]);
    git(f.path(), &["init", "-q", "-b", "main"]);
    git(f.path(), &["add", "-A"]);
    git(f.path(), &["commit", "-qm", "初版"]);
    assert_no_change(&run_within(f.path(), &["diff", "HEAD"], LIMIT));
    assert_no_change(&run_within(f.path(), &["diff", "HEAD", "HEAD"], LIMIT));
}

#[test]
fn diff_of_a_file_named_with_a_newline_invents_no_findings() {
    let f = Fixture::sample();
    f.write_bytes("content/evidence/a\nb.pdf", b"%PDF-1.4\n");
    git(f.path(), &["init", "-q", "-b", "main"]);
    git(f.path(), &["add", "-A"]);
    git(f.path(), &["commit", "-qm", "初版"]);
    assert_no_change(&run_within(f.path(), &["diff", "HEAD"], LIMIT));
    let json = run_within(f.path(), &["diff", "HEAD", "--format", "json"], LIMIT);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(json["counts"][0], json["counts"][1], "{json}");
    assert_eq!(json["introduced"], serde_json::json!([]), "{json}");
    assert_eq!(json["fixed"], serde_json::json!([]), "{json}");
}

#[test]
fn a_committed_symlink_is_not_materialised_as_a_file_holding_its_target() {
    let f = Fixture::sample();
    // A link that stays inside content/: the loader ignores it in the
    // working tree, and the base revision must not turn it into a document
    // whose text is "basic-policy.md".
    std::os::unix::fs::symlink(
        "basic-policy.md",
        f.path().join("content/documents/alias.md"),
    )
    .unwrap();
    git(f.path(), &["init", "-q", "-b", "main"]);
    git(f.path(), &["add", "-A"]);
    git(f.path(), &["commit", "-qm", "初版"]);
    assert_no_change(&run_within(f.path(), &["diff", "HEAD"], LIMIT));
}

/// A script outside the project that records that it ran by creating
/// `marker` (and passes its input through, as a filter would).
fn hostile_program(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let (script, marker) = (dir.join(name), dir.join(format!("{name}.ran")));
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\ncat\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, marker)
}

/// Runs the commands that start git (check, build, diff) and asserts that
/// `marker` never appeared.
fn assert_never_run(f: &Fixture, marker: &Path) {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    for args in [
        &["check"][..],
        &["build", "--no-pdf", "--no-package", "--out", out_dir][..],
        &["diff", "HEAD"][..],
    ] {
        let run = run_within(f.path(), args, LIMIT);
        assert!(
            !marker.exists(),
            "anzen {args:?} ran the repository's program\n{}",
            run.stderr
        );
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_repository_core_fsmonitor_program_is_never_run() {
    let f = repo();
    let bin = tempfile::tempdir().unwrap();
    let (script, marker) = hostile_program(bin.path(), "fsmonitor");
    git(
        f.path(),
        &["config", "core.fsmonitor", script.to_str().unwrap()],
    );
    // The check is real: git itself runs it.
    git(f.path(), &["status", "--porcelain"]);
    assert!(marker.exists(), "git status runs core.fsmonitor");
    std::fs::remove_file(&marker).unwrap();
    assert_never_run(&f, &marker);
}

#[test]
fn a_repository_clean_filter_is_never_run() {
    let f = repo();
    let bin = tempfile::tempdir().unwrap();
    let (script, marker) = hostile_program(bin.path(), "clean");
    std::fs::write(f.path().join(".git/info/attributes"), "* filter=Evil\n").unwrap();
    git(
        f.path(),
        &["config", "filter.Evil.clean", script.to_str().unwrap()],
    );
    git(f.path(), &["config", "filter.Evil.required", "true"]);
    // A changed time stamp makes git status hash the file, through the filter.
    let touch = |rel: &str, secs: u64| {
        let file = std::fs::File::options()
            .append(true)
            .open(f.path().join(rel))
            .unwrap();
        file.set_modified(std::time::UNIX_EPOCH + Duration::from_secs(secs))
            .unwrap();
    };
    touch("anzen.yaml", 1_000_000_000);
    git(f.path(), &["status", "--porcelain"]);
    assert!(marker.exists(), "git status runs the clean filter");
    std::fs::remove_file(&marker).unwrap();
    // A long-running filter process is one more way in.
    git(
        f.path(),
        &["config", "filter.Evil.process", script.to_str().unwrap()],
    );
    touch("anzen.yaml", 1_100_000_000);
    touch("content/checklist.yaml", 1_100_000_000);
    assert_never_run(&f, &marker);
}

#[test]
fn a_repository_signature_program_is_never_run() {
    let f = repo();
    let bin = tempfile::tempdir().unwrap();
    let (script, marker) = hostile_program(bin.path(), "gpg");
    // HEAD, re-made with a (bogus) signature for gpg.program to verify.
    let commit = git(f.path(), &["cat-file", "commit", "HEAD"]);
    let (head, message) = commit.split_once("\n\n").unwrap();
    let signed = format!(
        "{head}\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\n{message}"
    );
    let body = f.path().join(".git/signed-commit");
    std::fs::write(&body, signed).unwrap();
    let id = git(
        f.path(),
        &["hash-object", "-t", "commit", "-w", body.to_str().unwrap()],
    );
    git(f.path(), &["update-ref", "HEAD", id.trim()]);
    git(
        f.path(),
        &["config", "gpg.program", script.to_str().unwrap()],
    );
    git(f.path(), &["config", "log.showSignature", "true"]);
    git(f.path(), &["log", "-1", "--format=%H"]);
    assert!(marker.exists(), "git log runs gpg.program");
    std::fs::remove_file(&marker).unwrap();
    assert_never_run(&f, &marker);
}

const POLICY: &str = "content/documents/basic-policy.md";

fn edit_body_after_approval(f: &Fixture, file: &str, subject: &str) {
    let text = std::fs::read_to_string(f.path().join(file)).unwrap();
    f.write(file, &format!("{text}\n追記した段落。\n"));
    dated_git(f.path(), &["commit", "-qam", subject], "2026-07-01");
}

#[test]
fn a_body_edit_whose_commit_subject_holds_separators_is_still_flagged() {
    let f = dated_repo();
    edit_body_after_approval(&f, POLICY, "方針に段落を追加\u{1e}\u{1f}（区切り文字入り）");
    let found = f.check().of("document.approved-before-edited");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].file, POLICY);
}

#[test]
fn a_body_edit_of_a_document_whose_name_git_must_quote_is_flagged() {
    let f = dated_repo();
    let renamed = "content/documents/basic\r\"policy\"\n.md";
    dated_git(f.path(), &["mv", POLICY, renamed], "2026-03-01");
    dated_git(f.path(), &["commit", "-qm", "改名"], "2026-03-01");
    assert!(
        f.check().of("document.approved-before-edited").is_empty(),
        "renamed before approval"
    );
    edit_body_after_approval(&f, renamed, "方針に段落を追加");
    let found = f.check().of("document.approved-before-edited");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].file, renamed);
}

#[test]
fn diff_errors_are_in_the_chosen_language_and_an_option_is_no_revision() {
    let f = repo();
    let ja = run_within(f.path(), &["diff", "no-such-rev"], LIMIT);
    assert_eq!(ja.code, 2, "{}", ja.stderr);
    assert!(
        ja.stderr
            .contains("「no-such-rev」はこの git リポジトリのコミットではありません"),
        "{}",
        ja.stderr
    );
    let en = run_within(f.path(), &["--lang", "en", "diff", "no-such-rev"], LIMIT);
    assert!(
        en.stderr
            .contains("'no-such-rev' is not a commit of this git repository"),
        "{}",
        en.stderr
    );
    // Given after `--`, a revision that reads as a git option is refused,
    // never passed on.
    let out = f.path().join("leak.txt");
    let option = format!("--output={}", out.display());
    let run = run_within(f.path(), &["diff", "--", &option], LIMIT);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(!out.exists(), "git was given {option}");
}

#[test]
fn a_partial_clone_is_never_fetched_from() {
    let origin = repo();
    flip_answer_5_8(&origin);
    git(origin.path(), &["commit", "-qam", "回答を変更"]);
    git(origin.path(), &["config", "uploadpack.allowFilter", "true"]);
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("clone");
    let url = format!("file://{}", origin.path().display());
    git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--filter=blob:none",
            &url,
            clone.to_str().unwrap(),
        ],
    );
    // A lazy fetch of the blobs HEAD~1 lacks would run this on the way.
    let (script, marker) = hostile_program(dir.path(), "upload-pack");
    git(
        &clone,
        &[
            "config",
            "remote.origin.uploadpack",
            script.to_str().unwrap(),
        ],
    );
    let run = run_within(&clone, &["diff", "HEAD~1", "HEAD"], LIMIT);
    assert!(!marker.exists(), "anzen diff fetched: {}", run.stderr);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/checklist.yaml") && run.stderr.contains("部分クローン"),
        "{}",
        run.stderr
    );
}

fn flip_answer_5_8(f: &Fixture) {
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-8\"\n    answer: 該当無\n",
        "  - item: \"5-8\"\n    answer: はい\n",
    );
}
