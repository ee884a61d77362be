//! Output polish: `--quiet` prints nothing but problems, `--verbose`
//! prints each stage with its time, every command ends with one summary
//! line, and `--help` is there in both languages' terms.

use crate::common::{Fixture, repo, run_anzen};

#[test]
fn quiet_build_prints_nothing_and_verbose_lists_the_stages() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let run = run_anzen(&repo(), &["--quiet", "build", "--no-pdf", "--out", o]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let run = run_anzen(&repo(), &["--verbose", "build", "--no-pdf", "--out", o]);
    assert_eq!(run.code, 0);
    for stage in ["読み込みと検査", "サイト", "提出用 zip"] {
        assert!(run.stderr.contains(stage), "{stage} not in {}", run.stderr);
    }
    assert!(
        run.stdout.lines().last().unwrap().starts_with("完了（"),
        "one summary line at the end: {}",
        run.stdout
    );
}

#[test]
fn quiet_check_prints_findings_but_no_summary() {
    let f = Fixture::sample();
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-8\"\n    answer: 該当無\n",
        "  - item: \"5-8\"\n    answer: はい\n",
    );
    let run = f.run(&["-q", "check"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("answer.yes-without-evidence"));
    assert!(!run.stdout.contains("エラー 1 件"), "{}", run.stdout);
    let run = f.run(&["check"]);
    assert!(
        run.stdout
            .trim_end()
            .lines()
            .last()
            .unwrap()
            .contains("エラー 1 件、警告 0 件"),
        "{}",
        run.stdout
    );
}

#[test]
fn help_lists_every_command() {
    let run = run_anzen(&repo(), &["--help"]);
    assert_eq!(run.code, 0);
    for cmd in [
        "check", "build", "package", "verify", "diff", "confirm", "report", "init", "serve",
        "standard", "explain",
    ] {
        assert!(run.stdout.contains(cmd), "{cmd} missing from --help");
    }
    assert!(run.stdout.contains("基準への適合を検査"));
}
