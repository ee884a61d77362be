//! Hostile input: a table of broken, odd or malicious projects, each with
//! the finding it must produce (rule, file, line) and the exit code. Every
//! case also carries an unrelated defect (a canary: a broken link in
//! `content/documents/canary.md`) that must still be reported, so that no
//! case stops the run. No case may panic (exit 101), die of a signal, hang
//! (each run is killed after a time limit) or use unbounded memory (each run
//! is limited to a few GB of address space).
//!
//! Cases that pin a bug found this way are in `regression.rs`, named after
//! the bug, and run through [`run_case`] like these.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Fixture, repo};
use serde_json::Value;

pub(crate) const DRILLS: &str = "content/ledgers/drills.yaml";
const TAKE_OUT: &str = "content/ledgers/take_out.yaml";
const STAFF: &str = "content/ledgers/staff.yaml";
const CHECKLIST: &str = "content/checklist.yaml";
pub(crate) const CONFIG: &str = "anzen.yaml";
const CANARY: &str = "content/documents/canary.md";
/// The canary's broken link is on this line.
const CANARY_LINE: u64 = 13;
/// Longest a run may take before it counts as a hang.
const TIME_LIMIT: Duration = Duration::from_secs(300);
/// Address space a run may use (KiB), against unbounded memory.
const MEMORY_LIMIT_KB: u64 = 6 * 1024 * 1024;

/// A valid document with one broken link: the defect every case must still
/// report next to its own.
const CANARY_DOC: &str = "---
id: canary
kind: other
title: 確認用
version: \"1\"
approval:
  approver: 代表取締役 港 一郎
  date: 2026-03-02
review_by: 2027-03-31
---
# 確認用

[壊れたリンク](no-such-document)
";

/// A valid front matter for documents written by cases (10 lines; the body
/// starts on line 11).
pub(crate) const FRONT: &str = "---
id: hostile-doc
kind: other
title: 敵対的な文書
version: \"1\"
approval:
  approver: 代表取締役 港 一郎
  date: 2026-03-02
review_by: 2027-03-31
---
";
pub(crate) const HOSTILE_DOC: &str = "content/documents/hostile.md";
/// A further ledger, for cases that must leave the sample's ledgers whole.
const EXTRA: &str = "content/ledgers/extra.yaml";
/// A second drills ledger, for cases that add records.
const PII_LEDGER: &str = "content/ledgers/drills-pii.yaml";

/// What a case must produce.
pub(crate) struct Expect {
    /// The command: check (JSON) or build (--no-pdf --no-package).
    build: bool,
    /// Rule id of the finding, or None when the project has nothing wrong
    /// but the canary (and the point is that nothing breaks).
    rule: Option<&'static str>,
    /// File of the finding (relative to the root).
    file: String,
    /// Line of the finding (None: any line, e.g. for a whole file).
    line: Option<u64>,
    /// Exit code.
    code: i32,
    /// Whether the canary is planted and must be reported.
    canary: bool,
    /// A text the finding's message or hint (ja or en) must contain.
    message: Option<&'static str>,
    /// A check to make on the output folder after a build.
    after: Option<fn(&Fixture, &Path)>,
    /// Run as an unprivileged user (see [`unreadable`]).
    nobody: bool,
    /// No finding but this one and the canary (no cascade).
    only: bool,
}

pub(crate) fn expect(rule: &'static str, file: &str, line: u64) -> Expect {
    Expect {
        build: false,
        rule: Some(rule),
        file: file.to_string(),
        line: Some(line),
        code: 1,
        canary: true,
        message: None,
        after: None,
        nobody: false,
        only: false,
    }
}

/// A finding about a whole file (line 0).
pub(crate) fn expect_file(rule: &'static str, file: &str) -> Expect {
    expect(rule, file, 0)
}

/// Nothing but the canary.
pub(crate) fn nothing() -> Expect {
    Expect {
        rule: None,
        ..expect("", "", 0)
    }
}

impl Expect {
    pub(crate) fn msg(mut self, text: &'static str) -> Self {
        self.message = Some(text);
        self
    }
    pub(crate) fn any_line(mut self) -> Self {
        self.line = None;
        self
    }
    pub(crate) fn code(mut self, code: i32) -> Self {
        self.code = code;
        self
    }
    pub(crate) fn no_canary(mut self) -> Self {
        self.canary = false;
        self
    }
    /// Runs `build --no-pdf --no-package` (exit 0: without a zip to
    /// refuse, findings do not fail a build), then `check` for the findings.
    pub(crate) fn build(mut self) -> Self {
        self.build = true;
        self.code = 0;
        self
    }
    pub(crate) fn only(mut self) -> Self {
        self.only = true;
        self
    }
    pub(crate) fn then(mut self, after: fn(&Fixture, &Path)) -> Self {
        self.after = Some(after);
        self
    }
}

/// The outcome of one run.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs anzen with a time and a memory limit; a panic, a signal or a hang
/// fails the case.
fn run_limited(root: &Path, args: &[&str]) -> Outcome {
    run_limited_as(root, args, false)
}

/// As [`run_limited`]; with `nobody`, as the unprivileged user 65534
/// (through setpriv), so that permissions are enforced when the tests run
/// as root.
fn run_limited_as(root: &Path, args: &[&str], nobody: bool) -> Outcome {
    let bin = env!("CARGO_BIN_EXE_anzen");
    let mut cmd = if cfg!(unix) {
        let mut c = Command::new("sh");
        let drop = if nobody {
            "setpriv --reuid=65534 --regid=65534 --clear-groups "
        } else {
            ""
        };
        c.arg("-c")
            .arg(format!(
                "ulimit -v {MEMORY_LIMIT_KB} && exec {drop}\"$0\" \"$@\""
            ))
            .arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.arg("--root")
        .arg(root)
        .args(args)
        .env_remove("ANZEN_LANG")
        .env_remove("ANZEN_ZIP_PASSWORD")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run anzen");
    // Read the pipes on threads so that a large output cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut s).ok();
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut s).ok();
        s
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            child.kill().ok();
            child.wait().ok();
            panic!("anzen {args:?} did not finish in {TIME_LIMIT:?} (a hang)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&out_t.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_t.join().unwrap()).into_owned();
    let Some(code) = status.code() else {
        panic!("anzen {args:?} was killed by a signal ({status:?}):\n{stderr}");
    };
    assert_ne!(code, 101, "anzen {args:?} panicked:\n{stderr}");
    Outcome {
        code,
        stdout,
        stderr,
    }
}

/// Every finding of a JSON report as (rule, file, line, message ja + en).
fn findings(json: &Value) -> Vec<(String, String, u64, String)> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["location"]["file"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                f["location"]["line"].as_u64().unwrap_or(0),
                format!(
                    "{} / {} (hint: {} / {})",
                    f["message"]["ja"].as_str().unwrap_or_default(),
                    f["message"]["en"].as_str().unwrap_or_default(),
                    f["hint"]["ja"].as_str().unwrap_or_default(),
                    f["hint"]["en"].as_str().unwrap_or_default()
                ),
            )
        })
        .collect()
}

/// Runs one case: the sample with the canary planted, `setup` applied,
/// then check (or build) under limits, and the outcome held to its
/// [`Expect`].
pub(crate) fn run_case(name: &str, setup: fn(&Fixture) -> Expect) {
    let f = Fixture::sample();
    f.write(CANARY, CANARY_DOC);
    let e = setup(&f);
    if !e.canary {
        let _ = std::fs::remove_file(f.path().join(CANARY));
    }
    let out_dir = tempfile::tempdir().unwrap();
    if e.nobody {
        open_to_nobody(f.path());
        #[cfg(unix)]
        chmod(out_dir.path(), 0o777);
    }
    let run_limited = |root: &Path, args: &[&str]| run_limited_as(root, args, e.nobody);
    let outcome = if e.build {
        run_limited(
            f.path(),
            &[
                "build",
                "--no-pdf",
                "--no-package",
                "--out",
                out_dir.path().to_str().unwrap(),
            ],
        )
    } else {
        run_limited(f.path(), &["check", "--format", "json"])
    };
    assert_eq!(
        outcome.code, e.code,
        "{name}: exit code\nstdout: {}\nstderr: {}",
        outcome.stdout, outcome.stderr
    );
    if e.build {
        // The build reports in human form; check again for the findings.
        if e.code != 2 {
            assert!(
                out_dir.path().join("site/index.html").is_file(),
                "{name}: no site written\n{}",
                outcome.stderr
            );
        }
        if let Some(after) = e.after {
            after(&f, out_dir.path());
        }
        if e.rule.is_none() && !e.canary {
            return;
        }
    }
    if e.code == 2 {
        assert!(!outcome.stderr.trim().is_empty(), "{name}: exit 2 says why");
        return;
    }
    let outcome = if e.build {
        run_limited(f.path(), &["check", "--format", "json"])
    } else {
        outcome
    };
    let json: Value = serde_json::from_str(&outcome.stdout).unwrap_or_else(|err| {
        panic!(
            "{name}: not JSON ({err}):\n{}\n{}",
            outcome.stdout, outcome.stderr
        )
    });
    // The check's exit code agrees with what it found: 1 with errors, 0
    // without (2 would be a usage error, anything else a crash).
    let errors = json["summary"]["errors"].as_u64().unwrap_or(0);
    assert_eq!(
        outcome.code,
        if errors > 0 { 1 } else { 0 },
        "{name}: check exit code with {errors} error(s)\n{}",
        outcome.stderr
    );
    let all = findings(&json);
    let listing = || {
        all.iter()
            .map(|(r, f, l, m)| format!("  {r} {f}:{l} {m}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    if let Some(rule) = e.rule {
        let hit = all.iter().find(|(r, file, line, _)| {
            r == rule && *file == e.file && e.line.is_none_or(|l| l == *line)
        });
        let Some((_, _, _, message)) = hit else {
            panic!(
                "{name}: no {rule} at {}:{:?}; findings:\n{}",
                e.file,
                e.line,
                listing()
            );
        };
        if let Some(text) = e.message {
            assert!(message.contains(text), "{name}: {message} lacks {text:?}");
        }
    }
    if e.canary {
        assert!(
            all.iter().any(|(r, file, line, _)| r == "link.unresolved"
                && file == CANARY
                && *line == CANARY_LINE),
            "{name}: the run stopped before the canary; findings:\n{}",
            listing()
        );
    }
    if e.rule.is_none() || e.only {
        let expected = |(r, file, line, _): &&(String, String, u64, String)| {
            Some(r.as_str()) == e.rule && *file == e.file && e.line.is_none_or(|l| l == *line)
        };
        let others: Vec<_> = all
            .iter()
            .filter(|f| f.1 != CANARY && !expected(f))
            .collect();
        assert!(
            others.is_empty(),
            "{name}: unexpected findings:\n{}",
            listing()
        );
    }
    // Findings have locations: a file always, a line where the file has lines.
    for (rule, file, _, _) in &all {
        let rule_has_no_file = matches!(
            rule.as_str(),
            "ledger.missing" | "requirement.uncovered" | "certificate.missing" | "monthly.missing"
        );
        assert!(
            rule_has_no_file || !file.is_empty(),
            "{name}: {rule} has no location:\n{}",
            listing()
        );
    }
}

/// How a permission case runs: as is when chmod 000 stops this user, as
/// the unprivileged user 65534 when running as root (which reads anything)
/// and setpriv is there, else not at all (None).
pub(crate) fn unreadable(path: &Path, e: Expect) -> Expect {
    set_unreadable(path);
    let enforced = if path.is_dir() {
        std::fs::read_dir(path).is_err()
    } else {
        std::fs::read(path).is_err()
    };
    if enforced {
        return e;
    }
    let setpriv = Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if setpriv {
        Expect { nobody: true, ..e }
    } else {
        panic!(
            "running as root without setpriv, chmod 000 cannot be tested: run scripts/setup test (installs util-linux's setpriv)"
        )
    }
}

/// Lets user 65534 into a temporary folder (tempfile makes them 0700),
/// leaving chmod 000 entries as they are.
fn open_to_nobody(dir: &Path) {
    #[cfg(unix)]
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        use std::os::unix::fs::PermissionsExt;
        let Ok(meta) = e.path().symlink_metadata() else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o777;
        if meta.file_type().is_symlink() || mode == 0 {
            continue;
        }
        let add = if meta.is_dir() { 0o755 } else { 0o644 };
        chmod(e.path(), mode | add);
    }
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The line of the first line of `rel` containing `needle` (lossy UTF-8).
fn line_of(f: &Fixture, rel: &str, needle: &str) -> u64 {
    let bytes = std::fs::read(f.path().join(rel)).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {rel}")) as u64
        + 1
}

/// A document with the valid front matter and `body` (body line 1 is file
/// line 11).
pub(crate) fn hostile_doc(f: &Fixture, body: &str) {
    f.write(HOSTILE_DOC, &format!("{FRONT}{body}"));
}

/// Every file of a folder, as text (lossy).
fn tree_text(dir: &Path) -> String {
    let mut all = String::new();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_type().is_file() {
            all.push_str(&String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()));
            all.push('\n');
        }
    }
    all
}

const SECRET: &str = "TOP-SECRET-OUTSIDE-CONTENT-7f3a";

macro_rules! cases {
    ($($name:ident => $setup:expr;)*) => {
        /// Every case's name, for the count.
        const CASE_NAMES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                run_case(stringify!($name), $setup);
            }
        )*
    };
}

cases! {
    // ---- encodings and bytes ------------------------------------------
    invalid_utf8_in_a_ledger_is_unreadable_at_its_line => |f| {
        let mut bytes = b"kind: drills\nentries:\n  - id: DR-X\n    date: 2026-03-19\n    scenario: ".to_vec();
        bytes.extend_from_slice(&[0x8E, 0x96, 0x8C, 0xCC, b'\n']); // 事故 in Shift_JIS
        f.write_bytes(DRILLS, &bytes);
        expect("file.unreadable", DRILLS, 5).msg("UTF-8").only()
    };
    invalid_utf8_in_a_document_is_unreadable_at_its_line => |f| {
        let mut bytes = FRONT.as_bytes().to_vec();
        bytes.extend_from_slice(b"# x\n\n\xff\xfe broken\n");
        f.write_bytes(HOSTILE_DOC, &bytes);
        expect("file.unreadable", HOSTILE_DOC, 13).only()
    };
    utf16_with_bom_is_unreadable => |f| {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "kind: drills\nentries: []\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        f.write_bytes(DRILLS, &bytes);
        expect("file.unreadable", DRILLS, 1).only()
    };
    utf16_without_bom_is_reported_as_nul_characters => |f| {
        let mut bytes = Vec::new();
        for u in "kind: drills\nentries: []\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        f.write_bytes(DRILLS, &bytes);
        expect("file.unreadable", DRILLS, 1).msg("U+0000").only()
    };
    a_bom_only_ledger_is_an_empty_ledger => |f| {
        f.write_bytes(DRILLS, b"\xEF\xBB\xBF");
        expect("yaml.invalid-value", DRILLS, 1).only()
    };
    bom_and_crlf_keep_line_numbers => |f| {
        let text = std::fs::read_to_string(f.path().join(TAKE_OUT)).unwrap();
        let text = text.replacen("    date: 2026-06-26\n", "    date: 2026-02-30\n", 1);
        f.write(TAKE_OUT, &format!("\u{feff}{}", text.replace('\n', "\r\n")));
        expect("yaml.invalid-value", TAKE_OUT, line_of(f, TAKE_OUT, "2026-02-30")).only()
    };
    old_mac_cr_line_endings_keep_line_numbers => |f| {
        f.write(DRILLS, "kind: drills\rentries:\r  - id: DR-X\r    date: 2026-02-30\r    scenario: x\r");
        expect("yaml.invalid-value", DRILLS, 4).only()
    };
    a_nul_byte_in_a_ledger_is_located => |f| {
        f.write(DRILLS, "kind: drills\nentries:\n  - id: DR-X\n    scenario: a\u{0}b\n");
        expect("file.unreadable", DRILLS, 4).msg("U+0000").only()
    };
    a_nul_byte_in_a_document_is_located => |f| {
        hostile_doc(f, "# x\n\n本文\u{0}です\n");
        expect("file.unreadable", HOSTILE_DOC, 13).msg("U+0000").only()
    };
    terminal_escape_codes_in_a_document_are_located => |f| {
        hostile_doc(f, "# x\n\n\u{1b}[31m赤\u{1b}[0m\n");
        expect("file.unreadable", HOSTILE_DOC, 13).msg("U+001B").only()
    };
    a_control_character_in_the_answers_is_one_finding => |f| {
        let text = std::fs::read_to_string(f.path().join(CHECKLIST)).unwrap();
        f.write(CHECKLIST, &text.replacen("無線LANを設置", "無線LAN\u{7}を設置", 1));
        // And no item is then reported unanswered.
        expect("file.unreadable", CHECKLIST, line_of(f, CHECKLIST, "\u{7}")).only()
    };
    tabs_indenting_yaml_are_a_syntax_error_at_the_tab => |f| {
        f.write(DRILLS, "kind: drills\nentries:\n  - id: DR-X\n\tdate: 2026-03-19\n");
        expect("yaml.syntax", DRILLS, 4).msg("タブ").only()
    };
    a_50_mb_ledger_is_too_large_and_not_read => |f| {
        let mut text = String::from("kind: drills\nentries: []\n");
        let line = format!("# {}\n", "x".repeat(1022));
        while text.len() < 50 * 1024 * 1024 {
            text.push_str(&line);
        }
        f.write(DRILLS, &text);
        expect_file("file.unreadable", DRILLS).msg("too large").only()
    };
    a_50_mb_document_is_too_large_and_not_read => |f| {
        let mut text = String::from(FRONT);
        let line = format!("{}\n", "本".repeat(340));
        while text.len() < 50 * 1024 * 1024 {
            text.push_str(&line);
        }
        f.write(HOSTILE_DOC, &text);
        expect_file("file.unreadable", HOSTILE_DOC).msg("大きすぎ").only()
    };

    // ---- empty files --------------------------------------------------
    an_empty_ledger_is_one_finding => |f| {
        f.write(DRILLS, "");
        expect("yaml.invalid-value", DRILLS, 1).only()
    };
    a_blank_ledger_is_one_finding => |f| {
        f.write(DRILLS, "\n  \n\n");
        expect("yaml.invalid-value", DRILLS, 1).only()
    };
    empty_answers_are_one_finding_not_31_unanswered_items => |f| {
        f.write(CHECKLIST, "");
        expect("yaml.missing-field", CHECKLIST, 1).only()
    };
    comment_only_answers_are_one_finding => |f| {
        f.write(CHECKLIST, "# まだ書いていない\n");
        expect("yaml.missing-field", CHECKLIST, 1).only()
    };
    answers_that_are_a_list_are_one_finding => |f| {
        f.write(CHECKLIST, "- item: \"1\"\n  answer: はい\n");
        expect("yaml.missing-field", CHECKLIST, 1).only()
    };
    an_empty_document_has_no_front_matter => |f| {
        f.write(HOSTILE_DOC, "");
        expect("frontmatter.missing", HOSTILE_DOC, 1).only()
    };
    an_empty_config_says_so => |f| {
        f.write(CONFIG, "");
        expect("yaml.missing-field", CONFIG, 1).msg("empty").no_canary().only()
    };

    // ---- front matter -------------------------------------------------
    front_matter_never_closed => |f| {
        f.write(HOSTILE_DOC, "---\nid: x\nkind: other\ntitle: x\n# 見出し\n本文\n");
        expect("frontmatter.unclosed", HOSTILE_DOC, 1).only()
    };
    front_matter_of_one_fence_only => |f| {
        f.write(HOSTILE_DOC, "---\n");
        expect("frontmatter.unclosed", HOSTILE_DOC, 1).only()
    };
    front_matter_that_is_a_list => |f| {
        f.write(HOSTILE_DOC, "---\n- id: x\n---\n# x\n");
        expect("yaml.invalid-value", HOSTILE_DOC, 2).only()
    };
    front_matter_that_is_a_scalar => |f| {
        f.write(HOSTILE_DOC, "---\nhello\n---\n# x\n");
        expect("yaml.invalid-value", HOSTILE_DOC, 2).only()
    };
    two_yaml_documents_in_front_matter => |f| {
        f.write(HOSTILE_DOC, "---\nid: x\n...\n---\nid: y\n---\n# x\n");
        // The first `...` closes the front matter; the rest is body.
        expect("yaml.missing-field", HOSTILE_DOC, 2).only()
    };

    // ---- YAML structure -----------------------------------------------
    a_duplicate_key_in_a_ledger_header => |f| {
        f.write(EXTRA, "kind: drills\nkind: training\nentries: []\n");
        expect("yaml.duplicate-key", EXTRA, 2).only()
    };
    a_duplicate_key_in_the_config => |f| {
        let text = std::fs::read_to_string(f.path().join(CONFIG)).unwrap();
        f.write(CONFIG, &format!("{text}as_of: 2026-11-21\n"));
        expect("yaml.duplicate-key", CONFIG, line_of(f, CONFIG, "2026-11-21")).no_canary().only()
    };
    a_mapping_with_100_000_keys_is_checked_for_duplicates_in_linear_time => |f| {
        let mut text = String::from("kind: drills\nentries: []\nretention:\n");
        for i in 0..100_000 {
            text.push_str(&format!("  k{i}: v\n"));
        }
        text.push_str("  k7: again\n");
        f.write(EXTRA, &text);
        expect("yaml.duplicate-key", EXTRA, 100_004)
    };
    entries_that_are_a_mapping_are_one_finding => |f| {
        f.write(DRILLS, "kind: drills\nentries:\n  a: b\n");
        expect("yaml.invalid-value", DRILLS, 3).only()
    };
    a_ledger_without_entries_is_one_finding => |f| {
        f.write(DRILLS, "kind: drills\ntitle: 訓練記録\n");
        expect("yaml.missing-field", DRILLS, 1).only()
    };
    a_list_where_one_value_is_expected => |f| {
        f.write(DRILLS, "kind: drills\nentries:\n  - id: DR-X\n    date: 2026-03-19\n    scenario: [a, b]\n");
        expect("yaml.invalid-value", DRILLS, 5).only()
    };
    a_mapping_where_a_date_is_expected => |f| {
        f.write(DRILLS, "kind: drills\nentries:\n  - id: DR-X\n    date: {y: 2026}\n    scenario: x\n");
        expect("yaml.invalid-value", DRILLS, 4).only()
    };
    a_number_where_a_boolean_is_expected => |f| {
        let text = std::fs::read_to_string(f.path().join(STAFF)).unwrap();
        f.write(STAFF, &text.replacen("designated: true", "designated: 1", 1));
        expect("yaml.invalid-value", STAFF, line_of(f, STAFF, "designated: 1")).only()
    };
    a_ledger_id_that_is_a_list => |f| {
        f.write(EXTRA, "kind: drills\nid: [a, b]\nentries: []\n");
        expect("yaml.invalid-value", EXTRA, 2).only()
    };
    an_impossible_date_in_a_ledger => |f| {
        f.write(DRILLS, "kind: drills\nentries:\n  - id: DR-X\n    date: 2026-02-30\n    scenario: x\n");
        expect("yaml.invalid-value", DRILLS, 4).msg("2026-02-30").only()
    };
    an_impossible_date_in_front_matter => |f| {
        f.write(HOSTILE_DOC, &FRONT.replace("review_by: 2027-03-31", "review_by: 2027-02-29"));
        expect("yaml.invalid-value", HOSTILE_DOC, 9).only()
    };
    an_impossible_date_in_a_remediation => |f| {
        let text = std::fs::read_to_string(f.path().join(CHECKLIST)).unwrap();
        let due = text.lines().find(|l| l.trim_start().starts_with("due:")).unwrap().to_string();
        f.write(CHECKLIST, &text.replacen(&due, "      due: 2026-13-01", 1));
        expect("yaml.invalid-value", CHECKLIST, line_of(f, CHECKLIST, "2026-13-01")).only()
    };
    a_reiwa_date_in_a_ledger_suggests_iso => |f| {
        f.write(DRILLS, "kind: drills\nentries:\n  - id: DR-X\n    date: 令和8年3月19日\n    scenario: x\n");
        expect("yaml.invalid-value", DRILLS, 4).msg("2026-03-19").only()
    };
    a_heisei_date_in_front_matter_suggests_iso => |f| {
        f.write(HOSTILE_DOC, &FRONT.replace("  date: 2026-03-02", "  date: 平成31年4月30日"));
        expect("yaml.invalid-value", HOSTILE_DOC, 8).msg("2019-04-30").only()
    };
    an_abbreviated_era_date_in_the_config_suggests_iso => |f| {
        let text = std::fs::read_to_string(f.path().join(CONFIG)).unwrap();
        f.write(CONFIG, &text.replacen("as_of: 2026-11-20", "as_of: R8.11.20", 1));
        expect("yaml.invalid-value", CONFIG, line_of(f, CONFIG, "R8.11.20")).msg("2026-11-20").no_canary().only()
    };
    a_billion_laughs_alias_bomb_is_refused => |f| {
        let mut text = String::from("kind: drills\nentries: []\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        f.write(DRILLS, &text);
        expect("yaml.too-large", DRILLS, 0).any_line().only()
    };
    ten_thousand_nested_flow_mappings => |f| {
        f.write(DRILLS, &format!("kind: drills\nentries: []\nx: {}\n", "{a: ".repeat(10_000)));
        expect("yaml.too-deep", DRILLS, 3).only()
    };
    deeply_nested_block_sequences => |f| {
        let mut text = String::from("kind: drills\nentries: []\nx:\n");
        for i in 1..1000 {
            text.push_str(&format!("{}-\n", " ".repeat(i)));
        }
        f.write(DRILLS, &text);
        expect("yaml.too-deep", DRILLS, 0).any_line().only()
    };
    a_ledger_that_is_a_list => |f| {
        f.write(DRILLS, "- kind: drills\n- entries: []\n");
        expect("yaml.invalid-value", DRILLS, 1).only()
    };
    a_ledger_that_is_a_scalar => |f| {
        f.write(DRILLS, "drills\n");
        expect("yaml.invalid-value", DRILLS, 1).only()
    };
    a_config_that_is_a_list => |f| {
        f.write(CONFIG, "- vendor\n- client\n");
        expect("yaml.invalid-value", CONFIG, 1).no_canary().only()
    };
    two_yaml_documents_in_one_ledger => |f| {
        f.write(DRILLS, "kind: drills\nentries: []\n---\nkind: drills\nentries: []\n");
        expect("yaml.syntax", DRILLS, 3).only()
    };
    a_key_that_is_a_list => |f| {
        f.write(EXTRA, "kind: drills\n? [a, b]\n: c\nentries: []\n");
        expect("yaml.syntax", EXTRA, 2).only()
    };
    a_null_key_in_an_entry => |f| {
        f.write(DRILLS, "kind: drills\nentries:\n  - id: DR-X\n    date: 2026-03-19\n    scenario: x\n    ~: y\n");
        expect("yaml.unknown-field", DRILLS, 6).only()
    };
    numbers_where_strings_are_expected_keep_their_text => |f| {
        // 1.10 and 1.1 are two ids, not one float twice; 007 stays 007.
        f.write(
            "content/ledgers/drills-numbers.yaml",
            "kind: drills\nid: 2026\nentries:\n  - id: 1.10\n    date: 2026-03-19\n    scenario: 007\n  - id: 1.1\n    date: 2026-03-19\n    scenario: 1e3\n",
        );
        f.write(HOSTILE_DOC, &format!("{}# x\n\n[記録](2026#1.10)\n", FRONT.replace("version: \"1\"", "version: 1.10")));
        nothing()
    };
    an_unknown_ledger_kind_suggests_one => |f| {
        f.write(DRILLS, "kind: drils\nentries: []\n");
        expect("ledger.unknown-kind", DRILLS, 1).msg("drills").only()
    };
    a_ledger_kind_that_is_a_list => |f| {
        f.write(DRILLS, "kind: [drills]\nentries: []\n");
        expect("yaml.invalid-value", DRILLS, 1).only()
    };
    an_unknown_top_level_key_in_a_ledger => |f| {
        f.write(EXTRA, "kind: drills\nentrys: []\nentries: []\n");
        expect("yaml.unknown-field", EXTRA, 2).msg("entries").only()
    };
    an_unknown_top_level_key_in_the_config => |f| {
        let text = std::fs::read_to_string(f.path().join(CONFIG)).unwrap();
        f.write(CONFIG, &format!("{text}colour: blue\n"));
        expect("yaml.unknown-field", CONFIG, line_of(f, CONFIG, "colour")).no_canary().only()
    };
    an_unknown_top_level_key_in_the_answers => |f| {
        let text = std::fs::read_to_string(f.path().join(CHECKLIST)).unwrap();
        f.write(CHECKLIST, &format!("{text}extra: 1\n"));
        expect("yaml.unknown-field", CHECKLIST, line_of(f, CHECKLIST, "extra: 1")).only()
    };
    a_one_megabyte_line_is_just_text => |f| {
        f.write(
            "content/ledgers/drills-long.yaml",
            &format!("kind: drills\nentries:\n  - id: DR-LONG\n    date: 2026-03-19\n    scenario: {}\n", "長".repeat(350_000)),
        );
        nothing().build()
    };

    // ---- the config and the project -----------------------------------
    a_content_dir_outside_the_project_is_refused => |f| {
        let text = std::fs::read_to_string(f.path().join(CONFIG)).unwrap();
        f.write(CONFIG, &format!("{text}content_dir: ../..\n"));
        expect("yaml.invalid-value", CONFIG, line_of(f, CONFIG, "content_dir")).no_canary().only()
    };
    an_absolute_content_dir_is_refused => |f| {
        let text = std::fs::read_to_string(f.path().join(CONFIG)).unwrap();
        f.write(CONFIG, &format!("{text}content_dir: /etc\n"));
        expect("yaml.invalid-value", CONFIG, line_of(f, CONFIG, "content_dir")).no_canary().only()
    };
    a_theme_outside_the_project_is_refused => |f| {
        let text = std::fs::read_to_string(f.path().join(CONFIG)).unwrap();
        f.write(CONFIG, &format!("{text}theme: ../../../etc\n"));
        expect("yaml.invalid-value", CONFIG, line_of(f, CONFIG, "theme:")).no_canary().only()
    };
    a_missing_content_folder_is_a_usage_error => |f| {
        std::fs::remove_dir_all(f.path().join("content")).unwrap();
        Expect { rule: None, ..nothing() }.code(2).no_canary()
    };
    a_content_folder_that_is_a_file_is_a_usage_error => |f| {
        std::fs::remove_dir_all(f.path().join("content")).unwrap();
        f.write("content", "not a folder\n");
        nothing().code(2).no_canary()
    };
    a_config_that_is_a_folder_is_a_usage_error => |f| {
        std::fs::remove_file(f.path().join(CONFIG)).unwrap();
        std::fs::create_dir(f.path().join(CONFIG)).unwrap();
        nothing().code(2)
    };

    // ---- links and references out of content/ -------------------------
    a_link_to_the_config_outside_content => |f| {
        hostile_doc(f, "# x\n\n[設定](../../anzen.yaml)\n");
        expect("link.unresolved", HOSTILE_DOC, 13).msg("outside content/").only()
    };
    a_link_to_etc_passwd => |f| {
        hostile_doc(f, "# x\n\n[passwd](/etc/passwd)\n");
        expect("link.unresolved", HOSTILE_DOC, 13).msg("outside content/").build().then(|_, out| {
            let html = std::fs::read_to_string(out.join("site/documents/hostile-doc.html")).unwrap();
            assert!(!html.contains("href=\"/etc/passwd\""), "no link to /etc/passwd on the site");
            assert!(!tree_text(&out.join("site")).contains("root:x:0:0"), "never read");
        })
    };
    a_link_with_backslashes => |f| {
        hostile_doc(f, "# x\n\n[x](..\\..\\anzen.yaml)\n");
        expect("link.unresolved", HOSTILE_DOC, 13).msg("outside content/").build().then(|_, out| {
            let html = std::fs::read_to_string(out.join("site/documents/hostile-doc.html")).unwrap();
            assert!(!html.contains("anzen.yaml\" rel="), "no link to it: {html}");
        })
    };
    an_evidence_reference_to_the_config => |f| {
        f.write("content/ledgers/certs-x.yaml", "kind: monthly_reports\nentries:\n  - id: MR-X\n    month: 2026-03\n    submitted_on: 2026-04-05\n    evidence: ../../anzen.yaml\n");
        expect("reference.unresolved", "content/ledgers/certs-x.yaml", 6).msg("outside content/").only()
    };
    an_evidence_reference_to_etc_passwd => |f| {
        f.write("content/ledgers/certs-x.yaml", "kind: monthly_reports\nentries:\n  - id: MR-X\n    month: 2026-03\n    submitted_on: 2026-04-05\n    evidence: /etc/passwd\n");
        expect("reference.unresolved", "content/ledgers/certs-x.yaml", 6).msg("outside content/").build().then(|_, out| {
            assert!(!tree_text(&out.join("site")).contains("root:x:0:0"));
        })
    };
    an_evidence_reference_with_backslashes => |f| {
        f.write("content/ledgers/certs-x.yaml", "kind: monthly_reports\nentries:\n  - id: MR-X\n    month: 2026-03\n    submitted_on: 2026-04-05\n    evidence: ..\\..\\anzen.yaml\n");
        expect("reference.unresolved", "content/ledgers/certs-x.yaml", 6).msg("outside content/").only()
    };
    an_answer_citing_a_path_outside_content => |f| {
        let text = std::fs::read_to_string(f.path().join(CHECKLIST)).unwrap();
        f.write(CHECKLIST, &text.replacen("      - training-plan#annual-plan\n", "      - ../anzen.yaml\n", 1));
        expect("reference.unresolved", CHECKLIST, line_of(f, CHECKLIST, "../anzen.yaml")).msg("outside content/").only()
    };

    // ---- file names ---------------------------------------------------
    odd_file_names_load_link_and_copy => |f| {
        let names = [
            "evidence/odd/with space.pdf",
            "evidence/odd/hash#1.pdf",
            "evidence/odd/percent%41.pdf",
            "evidence/odd/question?.pdf",
            "evidence/odd/quote\"d'.pdf",
            "evidence/odd/署名簿　全角空白.pdf",
            "evidence/odd/emoji😀.pdf",
            "evidence/odd/-rf leading dash.pdf",
            "evidence/odd/<b>tag</b>.pdf",
        ];
        let long = format!("evidence/odd/{}.pdf", "長".repeat(80));
        let mut ledger = String::from("kind: monthly_reports\nentries:\n");
        for (i, n) in names.iter().chain([&long.as_str()]).enumerate() {
            f.write(&format!("content/{n}"), &format!("%PDF-1.4 odd {i}\n%%EOF\n"));
            let quoted = serde_json::to_string(n).unwrap();
            ledger.push_str(&format!("  - id: MR-ODD-{i}\n    month: 2025-{:02}\n    submitted_on: 2025-12-01\n    evidence: {quoted}\n", i + 1));
        }
        f.write("content/ledgers/odd names -rf #.yaml", &ledger);
        f.write("content/documents/-rf #1 ?.md", &FRONT.replace("hostile-doc", "odd-name-doc"));
        // The file loads; the id made from its name is not one (spaces, #).
        expect("id.invalid", "content/ledgers/odd names -rf #.yaml", 0).only().build().then(|_, out| {
            let site = out.join("site");
            assert!(site.join("files/evidence/odd/hash#1.pdf").is_file());
            assert!(site.join("files/evidence/odd/emoji😀.pdf").is_file());
            assert!(site.join("documents/odd-name-doc.html").is_file());
        })
    };

    // ---- symlinks, special and unreadable files (unix) -----------------
    a_symlink_to_a_file_outside_content_is_reported_and_never_copied => |f| {
        let outside = f.path().join("secret.txt");
        std::fs::write(&outside, SECRET).unwrap();
        symlink(&outside, &f.path().join("content/evidence/secret.pdf"));
        expect_file("file.outside-content", "content/evidence/secret.pdf").only().build().then(|_, out| {
            assert!(!tree_text(out).contains(SECRET), "the secret reached the output");
        })
    };
    a_symlinked_document_outside_content_is_not_read => |f| {
        let outside = f.path().join("outside.md");
        std::fs::write(&outside, format!("{FRONT}# {SECRET}\n")).unwrap();
        symlink(&outside, &f.path().join(HOSTILE_DOC));
        expect_file("file.outside-content", HOSTILE_DOC).only().build().then(|_, out| {
            assert!(!tree_text(out).contains(SECRET));
        })
    };
    a_symlinked_folder_outside_content_is_not_walked => |f| {
        let outside = f.path().join("elsewhere");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("x.pdf"), SECRET).unwrap();
        symlink(&outside, &f.path().join("content/evidence/elsewhere"));
        expect_file("file.outside-content", "content/evidence/elsewhere").only().build().then(|_, out| {
            assert!(!tree_text(out).contains(SECRET));
        })
    };
    a_symlink_to_the_project_root_is_not_walked => |f| {
        symlink(f.path(), &f.path().join("content/evidence/root"));
        expect_file("file.outside-content", "content/evidence/root").only()
    };
    a_symlink_loop_is_reported => |f| {
        symlink(Path::new("loop-b"), &f.path().join("content/evidence/loop-a"));
        symlink(Path::new("loop-a"), &f.path().join("content/evidence/loop-b"));
        expect_file("file.outside-content", "content/evidence/loop-a").msg("loop")
    };
    a_symlink_to_dev_zero_is_never_read => |f| {
        symlink(Path::new("/dev/zero"), &f.path().join("content/evidence/zero.pdf"));
        expect_file("file.outside-content", "content/evidence/zero.pdf").build().only()
    };
    a_fifo_under_content_does_not_hang => |f| {
        let fifo = f.path().join("content/evidence/pipe.pdf");
        let ok = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        assert!(ok || !cfg!(unix), "mkfifo");
        nothing().build()
    };
    an_unreadable_ledger => |f| {
        unreadable(&f.path().join(DRILLS), expect_file("file.unreadable", DRILLS).only())
    };
    an_unreadable_config => |f| {
        unreadable(&f.path().join(CONFIG), expect_file("file.unreadable", CONFIG).no_canary().only())
    };

    // ---- Markdown that is deep or long --------------------------------
    ten_thousand_nested_block_quotes => |f| {
        hostile_doc(f, &format!("# x\n\n{} 深い\n", ">".repeat(10_000)));
        nothing().build()
    };
    ten_thousand_nested_html_elements => |f| {
        hostile_doc(f, &format!("# x\n\n{}深い\n", "<div><b>".repeat(10_000)));
        nothing().build()
    };

    // ---- personal data --------------------------------------------------
    a_my_number_in_a_document => |f| {
        hostile_doc(f, "# x\n\n山田さんの個人番号は 1234 5678 9018 です。\n");
        expect("pii.my-number", HOSTILE_DOC, 13).only()
    };
    a_full_width_my_number_in_a_ledger => |f| {
        f.write(PII_LEDGER, "kind: drills\nentries:\n  - id: DR-X\n    date: 2026-03-19\n    scenario: x\n    result: 確認番号１２３４－５６７８－９０１８\n");
        expect("pii.my-number", PII_LEDGER, 6).only()
    };
    a_phone_number_in_a_ledger => |f| {
        f.write(PII_LEDGER, "kind: drills\nentries:\n  - id: DR-X\n    date: 2026-03-19\n    scenario: x\n    result: 本人の携帯 090-1234-5678 に連絡した\n");
        expect("pii.contact", PII_LEDGER, 6).msg("電話番号").only()
    };
    an_email_address_in_an_answer_note => |f| {
        let text = std::fs::read_to_string(f.path().join(CHECKLIST)).unwrap();
        f.write(CHECKLIST, &text.replacen("  - item: \"5-8\"\n", "  - item: \"5-8\"\n    note: 担当 taro.yamada@example.jp\n", 1));
        expect("pii.contact", CHECKLIST, line_of(f, CHECKLIST, "item: \"5-8\"")).msg("メールアドレス").only()
    };
    allow_pii_silences_known_numbers => |f| {
        let text = std::fs::read_to_string(f.path().join(CONFIG)).unwrap();
        f.write(CONFIG, &format!("{text}allow_pii: [\"0120-000-111\", \"123456789018\"]\n"));
        f.write(PII_LEDGER, "kind: drills\nentries:\n  - id: DR-X\n    date: 2026-03-19\n    scenario: 代表 (0120)000-111\n    result: 記入例 1234-5678-9018\n");
        nothing()
    };
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) {}

#[cfg(unix)]
fn set_unreadable(path: &Path) {
    chmod(path, 0o000);
}

#[cfg(not(unix))]
fn set_unreadable(_path: &Path) {}

#[test]
fn the_table_has_at_least_50_cases() {
    assert!(CASE_NAMES.len() >= 50, "{} cases", CASE_NAMES.len());
    let mut names = CASE_NAMES.to_vec();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), CASE_NAMES.len());
}

#[test]
fn a_ledger_of_100_000_entries_loads_and_checks() {
    let f = Fixture::sample();
    let mut text =
        std::fs::read_to_string(f.path().join("content/ledgers/entry_exit.yaml")).unwrap();
    for i in 0..100_000 {
        text.push_str(&format!(
            "  - id: EE-X-{i:06}\n    date: 2026-05-{:02}\n    area: AREA-A\n    staff: S002\n    purpose: 入力作業\n    time_in: \"08:52\"\n    time_out: \"17:34\"\n",
            i % 28 + 1
        ));
    }
    f.write("content/ledgers/entry_exit.yaml", &text);
    let out = run_limited(f.path(), &["check", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 0);
}

#[test]
fn a_ledger_with_a_finding_on_each_of_20_000_entries_builds() {
    // Before: each row of the ledger page scanned every finding and each
    // finding every entry (cubic; 100 000 did not finish in ten minutes).
    let f = Fixture::sample();
    let mut text = std::fs::read_to_string(f.path().join(STAFF)).unwrap();
    for i in 0..20_000 {
        text.push_str(&format!(
            "  - id: X{i:06}\n    name: 架空 太郎{i}\n    employment: regular\n    designated: false\n"
        ));
    }
    f.write(STAFF, &text);
    let out = tempfile::tempdir().unwrap();
    let run = run_limited(
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
    let page = std::fs::read_to_string(out.path().join("site/ledgers/staff.html")).unwrap();
    assert!(page.matches("pledge.missing").count() >= 20_000);
    // The dashboard lists the first findings and links to the rest; the
    // full list is findings.html.
    let site = out.path().join("site");
    let dashboard = std::fs::read_to_string(site.join("index.html")).unwrap();
    let listed = dashboard.matches("pledge.missing").count();
    assert!(
        (1..=anzen::render::site::DASHBOARD_FINDINGS).contains(&listed),
        "{listed}"
    );
    assert!(dashboard.contains("検査結果の一覧へ"));
    let all = std::fs::read_to_string(site.join("findings.html")).unwrap();
    assert!(all.matches("pledge.missing").count() >= 20_000);
}

#[test]
fn a_hostile_project_never_reads_or_writes_outside_its_folders() {
    // Every trick at once: symlinks out, links out, references out. The
    // secret beside the project never reaches the site, and nothing is
    // written outside the output folder.
    let f = Fixture::sample();
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("secret.txt");
    std::fs::write(&secret, SECRET).unwrap();
    symlink(&secret, &f.path().join("content/evidence/s.pdf"));
    symlink(secret_dir.path(), &f.path().join("content/evidence/sdir"));
    let rel_secret = format!("../../../../../../../../..{}", secret.to_string_lossy());
    hostile_doc(
        &f,
        &format!(
            "# x\n\n[a]({rel_secret}) ![b]({rel_secret}) [c](file://{})\n",
            secret.display()
        ),
    );
    let before = listing(f.path());
    let out = tempfile::tempdir().unwrap();
    let run = run_limited(
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
    assert!(!tree_text(out.path()).contains(SECRET));
    assert_eq!(listing(f.path()), before, "the project is untouched");
    assert_eq!(listing(secret_dir.path()), vec!["secret.txt".to_string()]);
    let html = std::fs::read_to_string(out.path().join("site/documents/hostile-doc.html")).unwrap();
    assert!(!html.contains("secret.txt\""), "{html}");
}

fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .min_depth(1)
        .into_iter()
        .flatten()
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_repository_sample_is_untouched_by_the_harness() {
    // Cases work on copies; the sample itself still checks clean.
    let run = run_limited(&repo(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}
