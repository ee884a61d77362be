//! What fuzzing found and started from, replayed by a plain `cargo test`
//! (no cargo-fuzz, no nightly) through the same checks as the fuzz targets
//! (`fuzz/src/lib.rs`, included here as `harness`): for every target, its
//! seeds (`tests/fixtures/fuzz-seeds/<target>/` and the project files its
//! `<target>.include` names) and every input that once failed it
//! (`tests/fixtures/fuzz-regressions/<target>/`).
//!
//! The corpus a fuzz run grows (`fuzz/corpus/<target>/`) is not in git, and
//! a test run does not depend on it: it is replayed only when
//! `ANZEN_FUZZ_CORPUS` asks for it ([`corpus_targets`]), which is what
//! `scripts/fuzz replay <target>` does.
//!
//! How to fuzz: see the README (`scripts/fuzz <target> [seconds]`).

use std::path::{Path, PathBuf};

#[allow(dead_code)]
use crate::harness;

use anzen::render::pdf::markup::{MarkupOptions, to_typst};

/// The fuzz targets of `fuzz/`, each with its seeds.
pub const TARGETS: &[&str] = &[
    "frontmatter",
    "ledger",
    "answers",
    "markup",
    "fast_yaml",
    "site_html",
];

/// The environment variable that asks for the local corpus to be replayed.
const CORPUS_ENV: &str = "ANZEN_FUZZ_CORPUS";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files of `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The committed seeds of `target`: `tests/fixtures/fuzz-seeds/<target>/`.
pub fn seeds(target: &str) -> Vec<PathBuf> {
    files(&repo().join("tests/fixtures/fuzz-seeds").join(target))
}

/// The project files `tests/fixtures/fuzz-seeds/<target>.include` names (one
/// repository path a line, a folder meaning every file in it, `#` starting
/// a comment), which seed `target` too. A named path that does not exist,
/// or a folder without files, fails: a moved sample file must not quietly
/// leave a target with fewer inputs.
pub fn included(target: &str) -> Vec<PathBuf> {
    let list = repo()
        .join("tests/fixtures/fuzz-seeds")
        .join(format!("{target}.include"));
    let Ok(text) = std::fs::read_to_string(&list) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let path = repo().join(line);
        if path.is_dir() {
            let found = files(&path);
            assert!(!found.is_empty(), "{}: {line} has no files", list.display());
            out.extend(found);
        } else {
            assert!(path.is_file(), "{}: {line} does not exist", list.display());
            out.push(path);
        }
    }
    out
}

/// Every input that once failed `target`:
/// `tests/fixtures/fuzz-regressions/<target>/`.
pub fn regressions(target: &str) -> Vec<PathBuf> {
    files(&repo().join("tests/fixtures/fuzz-regressions").join(target))
}

/// The targets whose local corpus (`fuzz/corpus/<target>/`) is replayed, from
/// the value of `ANZEN_FUZZ_CORPUS`: none when it is unset, empty or `0`;
/// every target that has a corpus for `1` or `all`; else the targets it
/// names, separated by commas, each of which must be a target.
pub fn corpus_targets(value: Option<&str>) -> Result<Vec<&'static str>, String> {
    match value.map(str::trim) {
        None | Some("" | "0") => Ok(Vec::new()),
        Some("1" | "all") => Ok(TARGETS.to_vec()),
        Some(list) => list
            .split(',')
            .map(str::trim)
            .map(|name| {
                TARGETS.iter().copied().find(|t| *t == name).ok_or_else(|| {
                    format!(
                        "{CORPUS_ENV}={list}: {name:?} is not a fuzz target ({})",
                        TARGETS.join(", ")
                    )
                })
            })
            .collect(),
    }
}

/// The local corpus of `target` when `ANZEN_FUZZ_CORPUS` asks for it, else
/// nothing. A target named on its own must have a corpus; with `1` or
/// `all`, a target without one is skipped (but not every one may be).
pub fn local_corpus(target: &str) -> Vec<PathBuf> {
    let value = std::env::var(CORPUS_ENV).ok();
    let targets = corpus_targets(value.as_deref()).unwrap_or_else(|e| panic!("{e}"));
    if !targets.contains(&target) {
        return Vec::new();
    }
    let dir = repo().join("fuzz/corpus").join(target);
    let corpus = files(&dir);
    let every = matches!(value.as_deref().map(str::trim), Some("1" | "all"));
    if every {
        let any = TARGETS
            .iter()
            .any(|t| !files(&repo().join("fuzz/corpus").join(t)).is_empty());
        assert!(
            any,
            "{CORPUS_ENV} is set, but no fuzz/corpus/<target>/ has files: run scripts/fuzz <target> first"
        );
    } else {
        assert!(
            !corpus.is_empty(),
            "{CORPUS_ENV} names {target}, but {} has no files: run scripts/fuzz {target} first",
            dir.display()
        );
    }
    corpus
}

/// The inputs of `target` that `cargo test` replays: its seeds, the project
/// files it includes, and its local corpus when asked for.
fn inputs(target: &str) -> Vec<PathBuf> {
    let seeds = seeds(target);
    assert!(
        !seeds.is_empty(),
        "tests/fixtures/fuzz-seeds/{target}/ has no seeds"
    );
    let included = included(target);
    let corpus = local_corpus(target);
    eprintln!(
        "{target}: {} seeds, {} project files, {} corpus inputs",
        seeds.len(),
        included.len(),
        corpus.len()
    );
    [seeds, included, corpus].concat()
}

/// The files on which `check` panics, each with its message.
fn failures(files: &[PathBuf], check: fn(&[u8])) -> Vec<String> {
    files
        .iter()
        .filter_map(|file| {
            let data = std::fs::read(file).expect("readable input");
            std::panic::catch_unwind(|| check(&data)).err().map(|e| {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                format!("{}: {msg}", file.display())
            })
        })
        .collect()
}

/// Runs `check` on every file and reports all that fail together.
fn replay(files: &[PathBuf], check: fn(&[u8])) {
    let failures = failures(files, check);
    assert!(
        failures.is_empty(),
        "{} of {} inputs failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

fn check_of(target: &str) -> fn(&[u8]) {
    match target {
        "frontmatter" => harness::frontmatter,
        "ledger" => harness::ledger,
        "answers" => harness::answers,
        "markup" => harness::markup,
        "fast_yaml" => harness::fast_yaml,
        "site_html" => harness::site_html,
        _ => unreachable!("{target}"),
    }
}

/// Each target starts from a real set of seeds, so that its replay cannot
/// quietly test nothing; the regressions are there too.
#[test]
fn every_target_has_seeds_and_its_included_files_exist() {
    for target in TARGETS {
        let seeds = seeds(target);
        assert!(
            seeds.len() >= 3,
            "tests/fixtures/fuzz-seeds/{target}/ is missing or nearly empty"
        );
        for seed in &seeds {
            let size = std::fs::metadata(seed).expect("a seed").len();
            assert!(size <= 4096, "{}: a seed is small", seed.display());
        }
    }
    // Every list names files that are there (see `included`).
    let included: usize = TARGETS.iter().map(|t| included(t).len()).sum();
    assert!(included >= 20, "{included} project files included");
    let regressions: usize = TARGETS.iter().map(|t| regressions(t).len()).sum();
    assert!(regressions >= 5, "{regressions} regression inputs");
}

/// The local corpus is replayed only when asked for, and a target name
/// that is not one is refused rather than ignored.
#[test]
fn the_local_corpus_is_replayed_only_when_asked_for() {
    assert_eq!(corpus_targets(None), Ok(vec![]));
    assert_eq!(corpus_targets(Some("")), Ok(vec![]));
    assert_eq!(corpus_targets(Some("0")), Ok(vec![]));
    assert_eq!(corpus_targets(Some("1")), Ok(TARGETS.to_vec()));
    assert_eq!(corpus_targets(Some("all")), Ok(TARGETS.to_vec()));
    assert_eq!(
        corpus_targets(Some("fast_yaml, markup")),
        Ok(vec!["fast_yaml", "markup"])
    );
    let e = corpus_targets(Some("fast-yaml")).unwrap_err();
    assert!(e.contains("\"fast-yaml\" is not a fuzz target"), "{e}");
}

/// A failing input is reported, with its file and message, beside the
/// inputs that pass.
#[test]
fn the_replay_reports_each_failing_input() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let good = dir.path().join("good");
    let bad = dir.path().join("bad");
    std::fs::write(&good, "fine").unwrap();
    std::fs::write(&bad, "boom").unwrap();
    let check: fn(&[u8]) = |data| assert!(data != b"boom", "found boom");
    let failures = failures(&[good, bad.clone()], check);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0].starts_with(&bad.display().to_string()) && failures[0].contains("found boom"),
        "{failures:?}"
    );
}

#[test]
fn saved_crash_inputs_pass() {
    for target in TARGETS {
        replay(&regressions(target), check_of(target));
    }
}

#[test]
fn frontmatter_seeds_pass() {
    replay(&inputs("frontmatter"), harness::frontmatter);
}

#[test]
fn ledger_seeds_pass() {
    replay(&inputs("ledger"), harness::ledger);
}

#[test]
fn answers_seeds_pass() {
    replay(&inputs("answers"), harness::answers);
}

#[test]
fn fast_yaml_seeds_pass() {
    replay(&inputs("fast_yaml"), harness::fast_yaml);
}

#[test]
fn site_html_seeds_pass() {
    replay(&inputs("site_html"), harness::site_html);
}

#[test]
fn markup_seeds_pass() {
    replay(&inputs("markup"), harness::markup);
}

/// The text of the saved input `name` of `target`, as the target reads it.
pub(crate) fn regression(target: &str, name: &str) -> String {
    let path = repo()
        .join("tests/fixtures/fuzz-regressions")
        .join(target)
        .join(name);
    harness::text(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The markup check is a real one: syntax that the converter never
/// writes, outside string literals, is caught.
#[test]
fn the_markup_check_catches_injected_syntax() {
    let md = "a *b* [c](https://x.example)\n\n- d\n";
    let good = to_typst(md, &MarkupOptions::default());
    harness::check_markup(md, &good).expect("the converter's own output passes");
    for (from, to) in [
        ("#\"a", "#read(\"/etc/passwd\")#\"a"),
        ("#\"a", "# #\"a"),
        ("#\"a", "#let x = 1\n#\"a"),
        ("#\"a", "=#\"a"),
        ("#\"a", "#\"a\"[x]#\""),
        ("#\"a", "#\"a\".len()#\""),
        ("#\"a", "#\"a\n"),
        ("#\"a", "#\"\\q a"),
        ("#emph[", "#emph[["),
        ("#emph[", "#text(red)["),
        ("#link(", "#link(body: "),
        ("#list(", "#list(marker: \"x\", "),
        ("]", "]<label>"),
        ("]", "]]"),
    ] {
        let mut bad = good.clone();
        assert!(bad.markup.contains(from), "{from} in {}", bad.markup);
        bad.markup = bad.markup.replacen(from, to, 1);
        assert!(
            harness::check_markup(md, &bad).is_err(),
            "not caught: {}",
            bad.markup
        );
    }
    // Text left out is caught too.
    let mut lost = good.clone();
    lost.markup = lost.markup.replacen("#\"a", "#\"", 1);
    assert!(harness::check_markup(md, &lost).is_err());
    // And a line map that does not fit.
    let mut short = good;
    short.line_map.pop();
    assert!(harness::check_markup(md, &short).is_err());
}
