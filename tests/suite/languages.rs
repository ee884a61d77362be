//! Every command speaks one language: run in Japanese (the default) it
//! prints no run of English words outside quoted content, paths, ids and
//! placeholders; run with `--lang en` it prints no Japanese outside
//! content quoted from the project or the standard (titles, item texts)
//! and the form's answer values (はい・いいえ・該当無, written as such in
//! the YAML).

use std::collections::BTreeSet;

use crate::common::{Fixture, Run};

/// Japanese runs in the project's own files and the bundled standard:
/// quoting them is allowed in English output.
fn quoted_japanese(f: &Fixture) -> BTreeSet<String> {
    let mut texts = String::new();
    for entry in walkdir::WalkDir::new(f.path()).into_iter().flatten() {
        if entry.file_type().is_file()
            && let Ok(t) = std::fs::read_to_string(entry.path())
        {
            texts.push_str(&t);
        }
    }
    for data in ["municipal-standard.yaml", "ledger-kinds.yaml"] {
        let path = format!("{}/src/standard/data/{data}", env!("CARGO_MANIFEST_DIR"));
        texts.push_str(&std::fs::read_to_string(path).unwrap());
    }
    japanese_runs(&texts).into_iter().collect()
}

fn japanese_runs(s: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if anzen::cjk::is_cjk(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

/// Japanese in English output that is not quoted content.
fn japanese_leaks(out: &str, allowed: &BTreeSet<String>) -> Vec<String> {
    let answers = ["はい", "いいえ", "該当無"];
    japanese_runs(out)
        .into_iter()
        .filter(|r| !answers.contains(&r.as_str()))
        .map(|r| {
            r.trim_matches(|c| "・、。「」（）：".contains(c))
                .to_string()
        })
        .filter(|r| !r.is_empty())
        .filter(|r| !allowed.iter().any(|a| a.contains(r.as_str())))
        .collect()
}

/// Runs of three or more English words in Japanese output, outside
/// quotes (`…`, '…', "…", 「…」), brackets of placeholders (<…>, […]) and
/// tokens that are paths, options, ids or code (holding / . _ - : = # or
/// digits).
fn english_leaks(out: &str) -> Vec<String> {
    let mut leaks = Vec::new();
    for line in out.lines() {
        let mut plain = String::new();
        let mut close: Option<char> = None;
        for c in line.chars() {
            match close {
                Some(end) if c == end => close = None,
                Some(_) => {}
                None => match c {
                    '`' => close = Some('`'),
                    '"' => close = Some('"'),
                    '「' => close = Some('」'),
                    '<' => close = Some('>'),
                    '[' => close = Some(']'),
                    '\'' => close = Some('\''),
                    c => plain.push(c),
                },
            }
        }
        let mut run: Vec<String> = Vec::new();
        let flush = |run: &mut Vec<String>, leaks: &mut Vec<String>| {
            if run.len() >= 3 {
                leaks.push(format!("{} ← {line}", run.join(" ")));
            }
            run.clear();
        };
        // Tokens end at a space or comma; a token of ASCII letters only
        // (brackets and stops aside) is a word, anything else, and any CJK
        // character, ends the run.
        let mut token = String::new();
        let end_token = |token: &mut String, run: &mut Vec<String>, leaks: &mut Vec<String>| {
            let w = token.trim_matches(|c: char| "()!?;:".contains(c));
            if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphabetic()) {
                run.push(w.to_string());
            } else if !token.is_empty() {
                flush(run, leaks);
            }
            token.clear();
        };
        for c in plain.chars() {
            if c.is_whitespace() || c == ',' {
                end_token(&mut token, &mut run, &mut leaks);
            } else if anzen::cjk::is_cjk(c) {
                end_token(&mut token, &mut run, &mut leaks);
                flush(&mut run, &mut leaks);
            } else {
                token.push(c);
            }
        }
        end_token(&mut token, &mut run, &mut leaks);
        flush(&mut run, &mut leaks);
    }
    leaks
}

/// The commands, as arguments after `--lang`; each runs on a copy of the
/// sample (in git, for diff and confirm).
const COMMANDS: &[&[&str]] = &[
    &["--help"],
    &["check", "--help"],
    &["build", "--help"],
    &["serve", "--help"],
    &["verify", "--help"],
    &["diff", "--help"],
    &["check"],
    &["check", "--format", "xml"],
    &["chek"],
    &["--as-of", "2026-13-01", "check"],
    &["build", "--no-pdf", "--no-package"],
    &["diff", "HEAD"],
    &["due"],
    &["explain", "2-1"],
    &["explain", "S5(6)"],
    &["explain", "nosuch"],
    &["explain", "staff"],
    &["standard"],
    &["report", "monthly", "--month", "2026-05", "--no-pdf"],
    &["verify", "no-such.zip"],
    &["confirm", "2-1"],
    &["init", "new-project"],
];

fn run(f: &Fixture, lang: &str, args: &[&str]) -> Run {
    let mut all = vec!["--lang", lang];
    all.extend_from_slice(args);
    f.run(&all)
}

fn git(f: &Fixture, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(f.path())
        .args(["-c", "user.name=a", "-c", "user.email=a@example.jp"])
        .args(args)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

fn sample_in_git() -> Fixture {
    let f = Fixture::sample();
    git(&f, &["init", "-q", "-b", "main"]);
    git(&f, &["add", "-A"]);
    git(&f, &["commit", "-qm", "初版"]);
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-8\"\n    answer: 該当無\n",
        "  - item: \"5-8\"\n    answer: はい\n",
    );
    f
}

#[test]
fn every_command_in_japanese_prints_no_english_outside_quotes() {
    let f = sample_in_git();
    let mut leaks = Vec::new();
    for args in COMMANDS {
        let r = run(&f, "ja", args);
        for l in english_leaks(&format!("{}\n{}", r.stdout, r.stderr)) {
            leaks.push(format!("{args:?}: {l}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "English in Japanese output:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn every_command_in_english_prints_no_japanese_but_quoted_content() {
    let f = sample_in_git();
    let allowed = quoted_japanese(&f);
    let mut leaks = Vec::new();
    for args in COMMANDS {
        let r = run(&f, "en", args);
        for l in japanese_leaks(&format!("{}\n{}", r.stdout, r.stderr), &allowed) {
            leaks.push(format!("{args:?}: {l}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "Japanese in English output:\n{}",
        leaks.join("\n")
    );
}

#[test]
fn the_language_test_itself_sees_a_leak() {
    assert_eq!(english_leaks("エラー: this is not translated").len(), 1);
    assert!(english_leaks("「this is quoted」 `and this code too`").is_empty());
    let none = BTreeSet::new();
    assert_eq!(
        japanese_leaks("error: 未翻訳", &none),
        vec!["未翻訳".to_string()]
    );
    assert!(japanese_leaks("answered はい", &none).is_empty());
}
