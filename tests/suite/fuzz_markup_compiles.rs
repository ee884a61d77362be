//! The second half of the `markup` fuzz target: its output must compile.
//! Running typst for every fuzz input is far too slow, so this test takes
//! the committed inputs of the target — its seeds
//! (`tests/fixtures/fuzz-seeds/markup/` and the documents `markup.include`
//! names) and every saved crash input (`tests/fixtures/fuzz-regressions/markup/`)
//! — and, when `ANZEN_FUZZ_CORPUS` asks for the local corpus
//! (`fuzz/corpus/markup/`, see `fuzz_regressions`), a deterministic sample
//! of it (at most [`SAMPLE`] files, spread evenly over the sorted names). It
//! converts them and compiles them in a few large Typst documents with the
//! real typst. Every document must compile, and the text must come out: each
//! word of the shown string literals must be in the PDF's text, in the
//! part of it that belongs to its input. The open findings in
//! `tests/fixtures/fuzz-open/` are not compiled.
//!
//! Needs `typst` (env `ANZEN_TYPST`, else on PATH, else ~/.cargo/bin) and
//! `pdftotext` (env `ANZEN_PDFTOTEXT`, else on PATH); `scripts/test`
//! installs them. A missing tool fails the test, it never passes silently.

use std::path::{Path, PathBuf};
use std::process::Command;

#[allow(dead_code)]
use crate::harness;

use crate::fuzz_regressions;
use crate::harness::Role;
use anzen::render::pdf::markup::{MarkupOptions, to_typst};

/// Most local corpus files compiled.
const SAMPLE: usize = 200;
/// Inputs per Typst document.
const BATCH: usize = 50;

const WRAPPER: &str = "#set text(lang: \"ja\", font: (\"Noto Serif CJK JP\", \"Noto Sans CJK JP\", \"DejaVu Sans\"))\n";

fn find_tool(name: &str, env: &str, cargo_bin: bool) -> PathBuf {
    if let Some(path) = std::env::var_os(env).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{env}={} does not exist; unset it or run scripts/test",
            path.display()
        );
        return path;
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if let Some(path) = on_path {
        return path;
    }
    if cargo_bin && let Some(home) = std::env::var_os("HOME") {
        let path = Path::new(&home).join(".cargo/bin").join(name);
        if path.is_file() {
            return path;
        }
    }
    panic!(
        "`{name}` not found (set {env}, or put it on PATH{}): run scripts/test, which installs what the tests need",
        if cargo_bin { " or in ~/.cargo/bin" } else { "" }
    );
}

/// One input: where it came from, its Markdown and its markup.
struct Case {
    name: String,
    markup: String,
    /// Words of the shown literals (see [`words`]), which the PDF must
    /// contain.
    words: Vec<String>,
}

/// The seeds, every crash input and a sample of the local corpus when it
/// is asked for, each input once.
fn cases() -> Vec<Case> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = fuzz_regressions::seeds("markup");
    assert!(
        seeds.len() >= 10,
        "tests/fixtures/fuzz-seeds/markup/ is missing or nearly empty"
    );
    let mut files = seeds;
    files.extend(fuzz_regressions::included("markup"));
    files.extend(fuzz_regressions::regressions("markup"));
    let corpus = fuzz_regressions::local_corpus("markup");
    let step = corpus.len().div_ceil(SAMPLE).max(1);
    files.extend(corpus.into_iter().step_by(step));
    let mut seen = std::collections::HashSet::new();
    let mut cases = Vec::new();
    for file in files {
        let body = harness::text(&std::fs::read(&file).expect("readable input"));
        // The same text twice would give the same footnote labels.
        if !seen.insert(body.clone()) {
            continue;
        }
        let converted = to_typst(&body, &MarkupOptions::default());
        let name = file
            .strip_prefix(repo)
            .unwrap_or(&file)
            .display()
            .to_string();
        harness::check_markup(&body, &converted).unwrap_or_else(|e| panic!("{name}: {e}"));
        let literals = harness::parse_generated(&converted.markup).expect("checked above");
        let words = literals
            .iter()
            .filter(|l| l.role != Role::Hidden)
            .flat_map(|l| words(&l.value))
            .collect();
        cases.push(Case {
            name,
            markup: converted.markup,
            words,
        });
    }
    cases
}

/// Runs of ASCII letters and digits, kana and kanji, three or more long,
/// between characters that are ASCII or Japanese punctuation (or the
/// ends): text beside other scripts, combining marks or variation
/// selectors can be shaped or reordered with them, so it is not compared.
fn words(text: &str) -> Vec<String> {
    let letter = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}')
    };
    let plain =
        |c: char| c.is_ascii() || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF5E}');
    let mut out = Vec::new();
    for piece in text.split(|c: char| !letter(c)) {
        if piece.chars().count() < 3 {
            continue;
        }
        let start = piece.as_ptr() as usize - text.as_ptr() as usize;
        let end = start + piece.len();
        let before = text[..start].chars().next_back().is_none_or(plain);
        let after = text[end..].chars().next().is_none_or(plain);
        if before && after {
            out.push(piece.to_string());
        }
    }
    out
}

fn marker(i: usize) -> String {
    format!("ANZENFUZZCASE{i:05}X")
}

/// One Typst document holding `cases`, each on a new page after its marker.
fn document(cases: &[&Case]) -> String {
    let mut source = WRAPPER.to_string();
    for (i, case) in cases.iter().enumerate() {
        source.push_str(&format!("#pagebreak(weak: true)\n#\"{}\"\n\n", marker(i)));
        source.push_str(&case.markup);
        source.push('\n');
    }
    source
}

/// Compiles `source` and returns the PDF's text, or typst's errors.
fn compile(typst: &Path, pdftotext: &Path, source: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::write(dir.path().join("doc.typ"), source).expect("write the source");
    let out = Command::new(typst)
        .arg("compile")
        .arg("--root")
        .arg(dir.path())
        .arg("doc.typ")
        .arg("out.pdf")
        .current_dir(dir.path())
        .output()
        .expect("typst runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = Command::new(pdftotext)
        .arg("-raw")
        .arg(dir.path().join("out.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(text.status.success(), "pdftotext failed");
    Ok(String::from_utf8_lossy(&text.stdout).into_owned())
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Compiles one batch; returns its failures.
fn check_batch(typst: &Path, pdftotext: &Path, batch: &[&Case]) -> Vec<String> {
    let text = match compile(typst, pdftotext, &document(batch)) {
        Ok(text) => text,
        Err(_) => {
            // Find which inputs fail, each on its own.
            return batch
                .iter()
                .filter_map(|case| {
                    compile(typst, pdftotext, &document(&[case]))
                        .err()
                        .map(|e| format!("{}: typst failed:\n{e}", case.name))
                })
                .collect();
        }
    };
    let text = squash(&text);
    let mut failures = Vec::new();
    for (i, case) in batch.iter().enumerate() {
        let Some(start) = text.find(&marker(i)) else {
            failures.push(format!("{}: its marker is not in the PDF", case.name));
            continue;
        };
        let part = &text[start..];
        let part = &part[..part.find(&marker(i + 1)).unwrap_or(part.len())];
        let missing: Vec<&String> = case.words.iter().filter(|w| !part.contains(*w)).collect();
        if !missing.is_empty() {
            failures.push(format!(
                "{}: not in the PDF: {missing:?}\n--- markup ---\n{}",
                case.name, case.markup
            ));
        }
    }
    failures
}

#[test]
fn the_markup_seeds_compile_and_keep_their_text() {
    let typst = find_tool("typst", "ANZEN_TYPST", true);
    let pdftotext = find_tool("pdftotext", "ANZEN_PDFTOTEXT", false);
    let cases = cases();
    let words: usize = cases.iter().map(|c| c.words.len()).sum();
    assert!(
        words > 100,
        "the sample has hardly any text ({words} words)"
    );
    // The comparison can fail: a word that is not in the text is missed.
    let planted = Case {
        name: "planted".into(),
        markup: "#\"present\"\n".into(),
        words: vec!["present".into(), "absent".into()],
    };
    let planted = check_batch(&typst, &pdftotext, &[&planted]);
    assert!(
        planted.len() == 1 && planted[0].contains("[\"absent\"]"),
        "{planted:?}"
    );
    let batches: Vec<Vec<&Case>> = cases
        .chunks(BATCH)
        .map(|chunk| chunk.iter().collect())
        .collect();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let halves: Vec<&[Vec<&Case>]> = batches.chunks(batches.len().div_ceil(2).max(1)).collect();
        let handles: Vec<_> = halves
            .into_iter()
            .map(|half| {
                let (typst, pdftotext) = (&typst, &pdftotext);
                scope.spawn(move || {
                    half.iter()
                        .flat_map(|batch| check_batch(typst, pdftotext, batch))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a batch panicked"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} inputs failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
