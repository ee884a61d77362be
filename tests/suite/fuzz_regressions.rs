//! What fuzzing found, replayed by a plain `cargo test` (no cargo-fuzz, no
//! nightly): every input that once failed a fuzz target
//! (`tests/fixtures/fuzz-regressions/<target>/`) and the committed corpus of
//! every target (`fuzz/corpus/<target>/`) go through the same checks as the
//! fuzz targets, which are in `fuzz/src/lib.rs` and included here.
//!
//! How to fuzz: see the README (`cargo fuzz run <target>` in `fuzz/`).

use std::path::{Path, PathBuf};

#[allow(dead_code)]
use crate::harness;

use anzen::render::pdf::markup::{MarkupOptions, to_typst};
use anzen::yaml;

const TARGETS: &[&str] = &["frontmatter", "ledger", "answers", "markup", "fast_yaml"];

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

fn regressions(target: &str) -> Vec<PathBuf> {
    files(&repo().join("tests/fixtures/fuzz-regressions").join(target))
}

fn corpus(target: &str) -> Vec<PathBuf> {
    files(&repo().join("fuzz/corpus").join(target))
}

/// Runs `check` on every file and reports all that fail together.
fn replay(files: &[PathBuf], check: fn(&[u8])) {
    let failures: Vec<String> = files
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
        .collect();
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
        _ => unreachable!("{target}"),
    }
}

#[test]
fn every_target_has_a_corpus() {
    for target in TARGETS {
        assert!(
            corpus(target).len() >= 10,
            "fuzz/corpus/{target}/ is missing or nearly empty"
        );
    }
}

#[test]
fn saved_crash_inputs_pass() {
    for target in TARGETS {
        replay(&regressions(target), check_of(target));
    }
}

#[test]
fn frontmatter_corpus_passes() {
    replay(&corpus("frontmatter"), harness::frontmatter);
}

#[test]
fn ledger_corpus_passes() {
    replay(&corpus("ledger"), harness::ledger);
}

#[test]
fn answers_corpus_passes() {
    replay(&corpus("answers"), harness::answers);
}

#[test]
fn fast_yaml_corpus_passes() {
    replay(&corpus("fast_yaml"), harness::fast_yaml);
}

#[test]
fn markup_corpus_passes() {
    replay(&corpus("markup"), harness::markup);
}

fn regression(target: &str, name: &str) -> String {
    let path = repo()
        .join("tests/fixtures/fuzz-regressions")
        .join(target)
        .join(name);
    harness::text(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// pulldown-cmark pads a short last table row with an empty cell at the
/// very end of the file; its line was one past the last.
#[test]
fn a_table_cell_padded_at_the_end_of_the_file_maps_to_the_last_line() {
    let md = regression("markup", "table-cell-padded-at-end-of-file.md");
    assert_eq!(md, "||1\n-|-\n1\n");
    let converted = to_typst(&md, &MarkupOptions::default());
    assert_eq!(converted.line_map.len(), converted.markup.lines().count());
    assert_eq!(converted.line_map.iter().max(), Some(&3), "{converted:?}");
}

/// saphyr-parser counts a `%` directive line in bytes: with non-ASCII
/// text on it, an error's column ran past the end of the line.
#[test]
fn a_yaml_error_on_a_directive_line_stays_on_the_line() {
    let src = regression("answers", "directive-with-non-ascii-then-bom.yaml");
    let parsed = yaml::parse(&src);
    assert!(parsed.root.is_none());
    let e = &parsed.errors[0];
    assert_eq!(e.line, 1);
    assert!(
        (1..=src.chars().count() + 1).contains(&e.column),
        "column {} of {src:?}",
        e.column
    );
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
