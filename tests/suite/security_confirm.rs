//! `anzen confirm` edits content/checklist.yaml in place: it never writes
//! through a planted symbolic link, puts `confirmed:` where the entry's
//! mapping really ends (not inside a block scalar), keeps the file's line
//! endings, BOM and final newline, handles flow-style entries, and refuses
//! (exit 2, file untouched) an edit whose re-parsed result would differ in
//! anything but the one value it sets.

use anzen::yaml::{self, Node};

use crate::common::Fixture;

const ANSWERS: &str = "content/checklist.yaml";
const STAMP: &str = "confirmed: {date: 2026-11-20, fingerprint: \"sha256:";
/// The end of the sample's entry 2-1 and the start of 2-2.
const END_OF_2_1: &str = "      - staff#S001\n      - staff\n  - item: \"2-2\"\n";

fn read(f: &Fixture) -> String {
    std::fs::read_to_string(f.path().join(ANSWERS)).unwrap()
}

/// The answer entry for `item` in `text` (a parsed tree, positions aside).
fn entry(text: &str, item: &str) -> Node {
    let parsed = yaml::parse(text);
    assert!(parsed.errors.is_empty(), "{:?}\n{text}", parsed.errors);
    let root = parsed.root.expect("parses");
    let yaml::NodeKind::Seq(entries) = &root.get("answers").unwrap().kind else {
        panic!("answers is not a list");
    };
    entries
        .iter()
        .find(|e| e.get("item").and_then(Node::as_str) == Some(item))
        .unwrap_or_else(|| panic!("no entry {item}"))
        .clone()
}

/// `check` reads the file without a YAML or answer error.
fn assert_check_clean(f: &Fixture) {
    let check = f.check();
    let bad: Vec<String> = check
        .findings()
        .into_iter()
        .filter(|x| x.rule.starts_with("yaml.") || x.severity == "error")
        .map(|x| format!("{} {}:{} {}", x.rule, x.file, x.line, x.en))
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(check.code, 0);
}

#[cfg(unix)]
#[test]
fn confirm_never_writes_through_a_planted_temporary_link() {
    let f = Fixture::sample();
    let victim = f.path().join("victim");
    std::fs::write(&victim, "ORIG\n").unwrap();
    std::os::unix::fs::symlink("../victim", f.path().join("content/checklist.yaml.tmp")).unwrap();
    let run = f.run(&["confirm", "2-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "ORIG\n");
    let meta = std::fs::symlink_metadata(f.path().join(ANSWERS)).unwrap();
    assert!(meta.file_type().is_file(), "checklist.yaml is still a file");
    assert_eq!(read(&f).matches(STAMP).count(), 1);
}

#[cfg(unix)]
#[test]
fn confirm_refuses_a_checklist_that_is_a_symbolic_link() {
    let f = Fixture::sample();
    let real = f.path().join("real-checklist.yaml");
    std::fs::rename(f.path().join(ANSWERS), &real).unwrap();
    let before = std::fs::read(&real).unwrap();
    std::os::unix::fs::symlink("../real-checklist.yaml", f.path().join(ANSWERS)).unwrap();
    let ja = f.run(&["confirm", "2-1"]);
    assert_eq!(ja.code, 2, "{}", ja.stderr);
    assert!(ja.stderr.contains("checklist.yaml"), "{}", ja.stderr);
    assert!(ja.stderr.contains("シンボリックリンク"), "{}", ja.stderr);
    let en = f.run(&["--lang", "en", "confirm", "2-1"]);
    assert_eq!(en.code, 2, "{}", en.stderr);
    assert!(en.stderr.contains("checklist.yaml"), "{}", en.stderr);
    assert!(en.stderr.contains("symbolic link"), "{}", en.stderr);
    assert_eq!(std::fs::read(&real).unwrap(), before, "nothing written");
    assert!(
        std::fs::symlink_metadata(f.path().join(ANSWERS))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn confirm_keeps_a_note_block_whose_last_lines_start_with_a_hash() {
    let f = Fixture::sample();
    f.edit(
        ANSWERS,
        END_OF_2_1,
        "      - staff#S001\n      - staff\n    note: |\n      確認手順:\n      # 名簿を開く\n      # 署名を確かめる\n  - item: \"2-2\"\n",
    );
    let run = f.run(&["confirm", "2-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&f);
    let e = entry(&text, "2-1");
    assert_eq!(
        e.get("note").and_then(Node::as_str),
        Some("確認手順:\n# 名簿を開く\n# 署名を確かめる\n"),
        "{text}"
    );
    assert!(e.get("confirmed").is_some(), "{text}");
    assert!(
        text.contains("      # 署名を確かめる\n    confirmed: {date: 2026-11-20"),
        "{text}"
    );
    assert_check_clean(&f);
}

#[test]
fn confirm_refuses_an_edit_that_would_change_another_value() {
    // Entry 2-1 is anchored and aliased elsewhere: adding `confirmed` to it
    // would change the alias too, so the re-parse check refuses.
    let f = Fixture::sample();
    f.edit(
        ANSWERS,
        "  - item: \"2-1\"\n",
        "  - &e\n    item: \"2-1\"\n",
    );
    let text = read(&f);
    f.write(ANSWERS, &format!("{text}copy: *e\n"));
    let before = std::fs::read(f.path().join(ANSWERS)).unwrap();
    let ja = f.run(&["confirm", "2-1"]);
    assert_eq!(ja.code, 2, "{}", ja.stderr);
    assert!(ja.stderr.contains("checklist.yaml"), "{}", ja.stderr);
    assert!(ja.stderr.contains("2-1"), "{}", ja.stderr);
    assert!(ja.stderr.contains("書き込みを中止"), "{}", ja.stderr);
    let en = f.run(&["--lang", "en", "confirm", "2-1"]);
    assert_eq!(en.code, 2, "{}", en.stderr);
    assert!(en.stderr.contains("not written"), "{}", en.stderr);
    assert_eq!(std::fs::read(f.path().join(ANSWERS)).unwrap(), before);
}

#[test]
fn confirm_keeps_crlf_line_endings() {
    let f = Fixture::sample();
    let crlf = read(&f).replace('\n', "\r\n");
    f.write(ANSWERS, &crlf);
    let run = f.run(&["confirm", "2-1", "2-2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&f);
    assert_eq!(text.matches(STAMP).count(), 2, "{text}");
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "every line ends in CRLF"
    );
    assert_eq!(text.lines().count(), crlf.lines().count() + 2);
    assert_check_clean(&f);
}

#[test]
fn confirm_keeps_a_byte_order_mark_and_a_missing_final_newline() {
    let f = Fixture::sample();
    let plain = read(&f);
    let text = format!("\u{feff}{}", plain.trim_end_matches('\n'));
    f.write(ANSWERS, &text);
    // 6-2 is the last entry.
    let run = f.run(&["confirm", "6-2"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = read(&f);
    assert!(out.starts_with('\u{feff}'), "BOM kept");
    assert!(!out.ends_with('\n'), "no final newline added");
    assert!(
        out.contains("      - drills\n    confirmed: {date: 2026-11-20"),
        "{out}"
    );
    assert!(out.ends_with("\"}"), "{out}");
    assert!(
        entry(out.trim_start_matches('\u{feff}'), "6-2")
            .get("confirmed")
            .is_some()
    );
    assert_check_clean(&f);
}

#[test]
fn confirm_adds_to_a_flow_style_entry_inside_its_braces() {
    let f = Fixture::sample();
    f.edit(
        ANSWERS,
        "  - item: \"2-1\"\n    answer: はい\n    evidence:\n      - basic-policy#structure\n      - security-rules#structure\n      - staff#S001\n      - staff\n",
        "  - {item: \"2-1\", answer: はい, evidence: [basic-policy#structure]}\n",
    );
    let run = f.run(&["confirm", "2-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&f);
    assert!(
        text.contains(
            "  - {item: \"2-1\", answer: はい, evidence: [basic-policy#structure], confirmed: {date: 2026-11-20, fingerprint: \"sha256:"
        ),
        "{text}"
    );
    let e = entry(&text, "2-1");
    assert!(e.get("confirmed").is_some());
    assert_check_clean(&f);
}

#[test]
fn confirm_replaces_an_existing_block_confirmation() {
    let f = Fixture::sample();
    f.edit(
        ANSWERS,
        "  - item: \"2-1\"\n    answer: はい\n",
        "  - item: \"2-1\"\n    answer: はい\n    confirmed:\n      date: 2026-01-01\n      fingerprint: \"sha256:0000000000000000\"\n",
    );
    let run = f.run(&["confirm", "2-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&f);
    assert!(!text.contains("sha256:0000000000000000"), "{text}");
    assert!(!text.contains("2026-01-01"), "{text}");
    assert!(
        text.contains("    answer: はい\n    confirmed: {date: 2026-11-20, fingerprint: \"sha256:"),
        "{text}"
    );
    let e = entry(&text, "2-1");
    let yaml::NodeKind::Seq(evidence) = &e.get("evidence").unwrap().kind else {
        panic!("evidence");
    };
    assert_eq!(evidence.len(), 4);
    assert_eq!(text.matches("confirmed:").count(), 1);
    assert_check_clean(&f);
}

#[test]
fn confirm_replaces_an_existing_flow_confirmation_in_place_keeping_its_comment() {
    let f = Fixture::sample();
    f.edit(
        ANSWERS,
        "  - item: \"2-1\"\n    answer: はい\n",
        "  - item: \"2-1\"\n    answer: はい\n    confirmed: {date: 2026-01-01, fingerprint: \"sha256:0000000000000000\"} # 前回\n",
    );
    let run = f.run(&["confirm", "2-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&f);
    assert!(!text.contains("sha256:0000000000000000"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("confirmed:"))
        .expect("a confirmed line");
    assert!(line.starts_with(&format!("    {STAMP}")), "{line}");
    assert!(line.ends_with("\"} # 前回"), "{line}");
    assert!(text.contains("\"} # 前回\n    evidence:\n"), "{text}");
    assert_eq!(text.matches("confirmed:").count(), 1);
    assert_check_clean(&f);
}

#[test]
fn confirm_adds_after_a_trailing_comment_and_before_the_next_entrys_comment() {
    let f = Fixture::sample();
    f.edit(
        ANSWERS,
        END_OF_2_1,
        "      - staff#S001\n      - staff # 名簿\n\n  # 次の項目\n  - item: \"2-2\"\n",
    );
    let run = f.run(&["confirm", "2-1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(&f);
    assert!(
        text.contains(
            "      - staff # 名簿\n    confirmed: {date: 2026-11-20, fingerprint: \"sha256:"
        ),
        "{text}"
    );
    assert!(
        text.contains("\"}\n\n  # 次の項目\n  - item: \"2-2\"\n"),
        "{text}"
    );
    assert_check_clean(&f);
}
