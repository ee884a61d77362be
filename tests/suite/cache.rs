//! The PDF build cache (`output/.anzen-cache/`): a build that takes PDFs
//! from it gives the same bytes as a clean build, on the sample and every
//! fixture project; after one document is edited only that document's PDF
//! and the combined one are compiled again, and after a commit that
//! changes no document none of the documents' PDFs; a damaged entry is
//! compiled again, never trusted; `--no-cache` compiles everything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::Fixture;

/// A typst wrapper that logs each compile's main file and `--input`s,
/// one line per compile, then runs the real typst.
pub struct Recorder {
    dir: tempfile::TempDir,
}

impl Recorder {
    pub fn new() -> Recorder {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let typst = std::env::var("ANZEN_TYPST")
            .ok()
            .filter(|s| !s.is_empty())
            .or_else(|| {
                let out = Command::new("sh")
                    .args(["-c", "command -v typst"])
                    .output()
                    .ok()?;
                Some(String::from_utf8_lossy(&out.stdout).trim().to_string())
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("{}/.cargo/bin/typst", std::env::var("HOME").unwrap()));
        let log = dir.path().join("log");
        let script = format!(
            "#!/bin/sh\nif [ \"$1\" = compile ]; then\n  line=''\n  for a in \"$@\"; do\n    case \"$a\" in\n      doc=*) line=\"$line $a\" ;;\n      *.typ) line=\"$line ${{a##*/}}\" ;;\n    esac\n  done\n  echo \"$line\" >> '{}'\nfi\nexec '{typst}' \"$@\"\n",
            log.display()
        );
        let wrapper = dir.path().join("typst");
        std::fs::write(&wrapper, script).unwrap();
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
        Recorder { dir }
    }

    pub fn wrapper(&self) -> PathBuf {
        self.dir.path().join("typst")
    }

    /// The compiles logged since the last call, sorted.
    pub fn take(&self) -> Vec<String> {
        let log = self.dir.path().join("log");
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let _ = std::fs::remove_file(&log);
        let mut lines: Vec<String> = text.lines().map(|l| l.trim().to_string()).collect();
        lines.sort();
        lines
    }
}

/// `anzen build` of `root` into `out` through `typst`; the exit code.
fn build(root: &Path, out: &Path, typst: &Path, extra: &[&str]) -> i32 {
    let run = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .arg("--root")
        .arg(root)
        .args(["--quiet", "build", "--out"])
        .arg(out)
        .args(extra)
        .env("ANZEN_TYPST", typst)
        .env_remove("ANZEN_LANG")
        .output()
        .unwrap();
    let code = run.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "build failed ({code}): {}",
        String::from_utf8_lossy(&run.stderr)
    );
    code
}

/// Every file of an output folder except the cache, by relative path.
fn tree(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .ok()?
                .to_string_lossy()
                .into_owned();
            (!rel.starts_with(".anzen-cache")).then(|| (rel, std::fs::read(e.path()).unwrap()))
        })
        .collect()
}

fn assert_same_tree(cold: &Path, warm: &Path, what: &str) {
    let (a, b) = (tree(cold), tree(warm));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: the same files"
    );
    for (rel, bytes) in &a {
        assert!(bytes == &b[rel], "{what}: {rel} differs from a clean build");
    }
    assert!(
        a.keys().any(|k| k.ends_with(".pdf")),
        "{what}: PDFs were built"
    );
}

#[test]
fn warm_cache_builds_are_byte_identical_to_clean_builds_on_the_sample_and_every_fixture() {
    let rec = Recorder::new();
    let mut projects = vec![("sample".to_string(), Fixture::sample())];
    for name in [
        "broken-references",
        "empty-content",
        "minimal",
        "missing-answers",
        "stale-training",
        "unapproved-documents",
    ] {
        projects.push((name.to_string(), Fixture::named(name)));
    }
    for (name, f) in &projects {
        let (cold, warm) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let code = build(f.path(), cold.path(), &rec.wrapper(), &["--no-cache"]);
        assert!(
            !cold.path().join(".anzen-cache").exists(),
            "{name}: --no-cache writes no cache"
        );
        let compiled = rec.take().len();
        assert_eq!(build(f.path(), warm.path(), &rec.wrapper(), &[]), code);
        assert_eq!(
            rec.take().len(),
            compiled,
            "{name}: a cold cache compiles all"
        );
        assert_eq!(build(f.path(), warm.path(), &rec.wrapper(), &[]), code);
        assert_eq!(
            rec.take(),
            Vec::<String>::new(),
            "{name}: nothing changed, nothing compiled"
        );
        assert_same_tree(cold.path(), warm.path(), name);
    }
}

/// Builds `f` through the cache, applies `change`, builds again, and
/// asserts that the second build compiled exactly `compiled` (main file
/// and `doc=` input, sorted) and gave what a clean build of the changed
/// project gives.
fn assert_rebuild_compiles(f: &Fixture, change: impl FnOnce(&Fixture), compiled: &[&str]) {
    let rec = Recorder::new();
    let out = tempfile::tempdir().unwrap();
    build(f.path(), out.path(), &rec.wrapper(), &[]);
    assert!(rec.take().len() > 3, "the first build compiles every PDF");
    change(f);
    build(f.path(), out.path(), &rec.wrapper(), &[]);
    assert_eq!(rec.take(), compiled);
    let clean = tempfile::tempdir().unwrap();
    build(f.path(), clean.path(), &rec.wrapper(), &["--no-cache"]);
    assert_same_tree(clean.path(), out.path(), "after the change");
}

/// Appends a line to the sample's training plan.
pub fn append_to_training_plan(f: &Fixture) {
    let doc = f.path().join("content/documents/training-plan.md");
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, format!("{text}\n研修の記録は台帳に残す。\n")).unwrap();
}

#[test]
fn editing_one_document_recompiles_only_its_pdf_and_the_combined_one() {
    assert_rebuild_compiles(
        &Fixture::sample(),
        append_to_training_plan,
        &["combined.typ", "doc=training-plan document.typ"],
    );
}

#[test]
fn a_damaged_cache_entry_is_compiled_again_not_trusted() {
    let rec = Recorder::new();
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    build(f.path(), out.path(), &rec.wrapper(), &[]);
    let all = rec.take().len();
    let cache = out.path().join(".anzen-cache/pdf");
    let mut damaged = 0;
    for e in std::fs::read_dir(&cache).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "pdf") && damaged < 2 {
            let mut bytes = std::fs::read(e.path()).unwrap();
            let n = bytes.len() / 2;
            bytes[n] ^= 0xff;
            std::fs::write(e.path(), bytes).unwrap();
            damaged += 1;
        }
    }
    assert_eq!(damaged, 2);
    build(f.path(), out.path(), &rec.wrapper(), &[]);
    assert_eq!(
        rec.take().len(),
        2,
        "the two damaged PDFs are compiled again"
    );
    // The whole cache deleted: every PDF compiled, the same bytes.
    std::fs::remove_dir_all(out.path().join(".anzen-cache")).unwrap();
    build(f.path(), out.path(), &rec.wrapper(), &[]);
    assert_eq!(rec.take().len(), all);
    let clean = tempfile::tempdir().unwrap();
    build(f.path(), clean.path(), &rec.wrapper(), &["--no-cache"]);
    assert_same_tree(clean.path(), out.path(), "after damage");
}

#[test]
fn editing_one_documents_front_matter_recompiles_only_that_document_and_the_bundle() {
    assert_rebuild_compiles(
        &Fixture::sample(),
        |f| {
            f.edit(
                "content/documents/training-plan.md",
                "review_by: 2027-03-31",
                "review_by: 2027-03-30",
            );
        },
        &["combined.typ", "doc=training-plan document.typ"],
    );
}

#[test]
fn a_commit_that_changes_no_document_recompiles_no_documents_pdf() {
    // A new commit, a day later: the revision in the footer and the as-of
    // date (the commit's) change, which only the checklist and the bundle
    // show.
    assert_rebuild_compiles(
        &crate::history::repo(),
        |f| {
            f.write("notes.txt", "打合せメモ\n");
            crate::history::git(f.path(), &["add", "-A"], "2026-03-02");
            crate::history::git(f.path(), &["commit", "-q", "-m", "メモ"], "2026-03-02");
        },
        &["checklist.typ", "combined.typ"],
    );
}
