//! Regressions: one test per bug that was found and fixed, named after the
//! bug (what went wrong, in the past tense), with a line saying what it
//! was. A test here fails on the code before its fix. New bugs get their
//! test here.
//!
//! Elsewhere, by design:
//! - `security*.rs`: the attacks of the outside review (issue 13), one
//!   test each, grouped by what was attacked (build, verify, serve,
//!   confirm, git);
//! - `fuzz_regressions.rs` and `fuzz_markup_compiles.rs`: every input a
//!   fuzz target once failed on (`tests/fixtures/fuzz-regressions/`),
//!   replayed through the target's own check — among them the markup
//!   input whose 16 nested quotes exceeded typst's show-rule depth
//!   (`sixteen-nested-quotes.md`, compiled by
//!   `fuzz_markup_compiles::the_markup_seeds_compile_and_keep_their_text`),
//!   and the 18 inputs whose words were lost from the PDF (after control
//!   characters, after U+202E, in long runs of letters and symbols, in a
//!   footnote three deep), moved
//!   there from `tests/fixtures/fuzz-open/` when fixed (issue 19).

use anzen::render::pdf::markup::{MarkupOptions, to_typst};
use anzen::yaml;

use crate::common::{Fixture, repo};
use crate::fuzz_regressions::regression;
use crate::harness;
use crate::hostile::{
    DRILLS, FRONT, HOSTILE_DOC, expect, expect_file, hostile_doc, nothing, run_case, unreadable,
};
use crate::output_safety;

/// Cases of the hostile-input table (see `hostile.rs`): each runs on the
/// sample with the canary planted, under the same limits.
macro_rules! hostile_cases {
    ($($(#[$doc:meta])* $name:ident => $setup:expr;)*) => {
        $(
            $(#[$doc])*
            #[test]
            fn $name() {
                run_case(stringify!($name), $setup);
            }
        )*
    };
}

// ---- hostile input ------------------------------------------------------

hostile_cases! {
    /// Bug: anchors each nesting the previous one deeper grew a tree 30 000
    /// levels deep past the depth limit, and the recursive walks over it
    /// overflowed the stack (abort).
    aliases_nesting_an_anchor_deeper_and_deeper_overflowed_the_stack => |f| {
        // Each anchor nests the previous one 150 levels deeper: before the
        // fix the depth limit saw 150, the tree grew 30 000 deep and the
        // recursive walks over it overflowed the stack (abort, signal 6).
        let open = "[".repeat(150);
        let close = "]".repeat(150);
        let mut text = format!("kind: drills\nentries: []\na0: &a0 {open}x{close}\n");
        for i in 1..200 {
            text.push_str(&format!("a{i}: &a{i} {open}*a{}{close}\n", i - 1));
        }
        f.write(DRILLS, &text);
        expect("yaml.too-deep", DRILLS, 4).only()
    };

    /// Bug: 10 000 nested `[` hit the parser's own recursion limit and were
    /// reported as `yaml.syntax` instead of `yaml.too-deep`.
    ten_thousand_nested_flow_sequences_were_a_syntax_error => |f| {
        // Before: the parser's own recursion limit surfaced as yaml.syntax.
        f.write(DRILLS, &format!("kind: drills\nentries: {}\n", "[".repeat(10_000)));
        expect("yaml.too-deep", DRILLS, 2).only()
    };

    /// Bug: images were not checked, and the site kept `<img src="../../../x">`
    /// pointing out of the site.
    an_image_from_outside_content_was_not_checked => |f| {
        // Before: images were not checked at all, and the site kept
        // <img src="../../../x"> pointing out of the site.
        hostile_doc(f, "# x\n\n![印影](../../../anzen.yaml)\n");
        expect("link.unresolved", HOSTILE_DOC, 13).build().then(|_, out| {
            let html = std::fs::read_to_string(out.join("site/documents/hostile-doc.html")).unwrap();
            assert!(!html.contains("../../../anzen.yaml"), "{html}");
            assert!(!out.join("site/files/anzen.yaml").exists());
        })
    };

    /// Bug: a 300-character document id became a page name too long for the
    /// file system (ENAMETOOLONG) and the build failed.
    a_300_character_document_id_made_the_build_fail_with_name_too_long => |f| {
        let id = "長".repeat(300);
        f.write(HOSTILE_DOC, &format!("{}# x\n", FRONT.replace("id: hostile-doc", &format!("id: {id}"))));
        // Too long for an id, said at its line; the build still works.
        expect("id.invalid", HOSTILE_DOC, 2).only().build().then(|_, out| {
            let docs: Vec<_> = std::fs::read_dir(out.join("site/documents")).unwrap().flatten().collect();
            assert!(docs.iter().all(|d| d.file_name().len() < 255));
        })
    };

    /// Bug: an 80-character Japanese ledger file name (240 bytes) gave a
    /// 720-byte page name and the build failed.
    a_long_japanese_ledger_file_name_made_the_build_fail => |f| {
        // 80 characters: a valid file name (240 bytes), but its id's page
        // name was 720 bytes.
        f.write(&format!("content/ledgers/{}.yaml", "台".repeat(80)), "kind: drills\nentries: []\n");
        nothing().build()
    };

    /// Bug: the check said nothing about an unreadable evidence file, and the
    /// build stopped with exit 2 when it came to copy it.
    an_unreadable_evidence_file_failed_the_build => |f| {
        // Before: check said nothing, and build stopped with exit 2 when it
        // came to copy the file.
        let rel = "content/evidence/training/2026-03-27_研修受講者署名簿.pdf";
        unreadable(&f.path().join(rel), expect_file("file.unreadable", rel).only().build())
    };

    /// Bug: an unreadable evidence folder made every reference into it
    /// `reference.unresolved` as well.
    an_unreadable_folder_made_every_reference_into_it_unresolved => |f| {
        // The folder is reported once; the pledges citing files in it are
        // not reported again (what it holds is unknown).
        let e = expect_file("file.unreadable", "content/evidence/pledges").only();
        unreadable(&f.path().join("content/evidence/pledges"), e)
    };

    /// Bug: 10 000 nested list items took the site build minutes.
    ten_thousand_nested_lists_took_the_site_minutes => |f| {
        hostile_doc(f, &format!("# x\n\n{}深い\n", "- ".repeat(10_000)));
        nothing().build()
    };

    /// Bug: a 300 000-backtick line beside emphasis took quadratic time.
    a_line_of_backticks_beside_emphasis_was_quadratic => |f| {
        hostile_doc(f, &format!("# x\n\n**強調** `a{}\n", "`".repeat(300_000)));
        nothing().build()
    };

    /// Bug: 300 000 links on one line took quadratic time to check.
    many_links_on_one_line_were_quadratic => |f| {
        hostile_doc(f, &format!("# x {{#top}}\n\n{}\n", "[上へ](#top) ".repeat(300_000)));
        nothing()
    };

    /// Bug: 20 000 headings of one title took cubic time to give unique ids.
    many_headings_of_one_title_were_cubic => |f| {
        hostile_doc(f, &"## 同じ見出し\n".repeat(20_000));
        nothing().build()
    };
}

// ---- output safety ------------------------------------------------------

/// Bug: `--out <root>/output/../content` passed the output guard (compared
/// as written), and the site and the zip were written into content/.
#[test]
fn an_output_folder_spelled_with_dotdot_into_the_content_was_accepted() {
    // Before: `<root>/output/../content` was compared as written (output
    // did not exist yet), passed the guard, and the site, the staging
    // folders and the zip were written into content/.
    let f = Fixture::sample();
    let before = output_safety::snapshot(&f.path().join("content"));
    let out = f.path().join("output/../content");
    let (code, text) = output_safety::anzen(
        f.path(),
        &["build", "--no-pdf", "--out", out.to_str().unwrap()],
        false,
    );
    assert_eq!(code, 2, "{text}");
    assert_eq!(output_safety::snapshot(&f.path().join("content")), before);
}

// ---- found by fuzzing ---------------------------------------------------

/// Bug (fuzz, markup): pulldown-cmark pads a short last table row with an
/// empty cell at the very end of the file, and its line mapped one past
/// the last line.
#[test]
fn a_table_cell_padded_at_the_end_of_the_file_mapped_one_line_past_the_last() {
    let md = regression("markup", "table-cell-padded-at-end-of-file.md");
    assert_eq!(md, "||1\n-|-\n1\n");
    let converted = to_typst(&md, &MarkupOptions::default());
    assert_eq!(converted.line_map.len(), converted.markup.lines().count());
    assert_eq!(converted.line_map.iter().max(), Some(&3), "{converted:?}");
}

/// Bug (fuzz, answers): saphyr-parser counts a `%` directive line in
/// bytes, and with non-ASCII text on it an error's column ran past the end
/// of the line.
#[test]
fn a_yaml_error_on_a_directive_line_with_non_ascii_text_ran_past_the_line() {
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

/// Bug (fuzz, fast_yaml): the fast YAML reader accepted a BOM (U+FEFF) in
/// the middle of a document, which saphyr-parser refuses.
#[test]
fn a_bom_inside_a_document_was_accepted_by_the_fast_yaml_reader() {
    harness::fast_yaml(&saved("fast_yaml", "bom-inside-document.yaml"));
}

/// Bug (fuzz, fast_yaml): after a speed-up, the fast YAML reader accepted a
/// comment right after a quoted value (`"b"#c`, a YAML error).
#[test]
fn a_comment_right_after_a_quoted_value_was_accepted_by_the_fast_yaml_reader() {
    harness::fast_yaml(&saved(
        "fast_yaml",
        "quoted-scalar-then-comment-without-space.yaml",
    ));
}

/// Bug (issue 20, boundaries): `anzen due` put the next training a day
/// early when the last one was on the last day of February: trained
/// 2027-02-28, it listed 2028-02-28, but the check accepts the training
/// through the month's end, 2028-02-29.
#[test]
fn due_listed_a_training_of_the_last_of_february_a_day_before_a_leap_day() {
    let f = Fixture::named("minimal");
    f.edit("anzen.yaml", "as_of: 2026-04-20", "as_of: 2027-04-20");
    f.edit(
        "content/ledgers/training.yaml",
        "date: 2026-03-27",
        "date: 2027-02-28",
    );
    f.edit("anzen.yaml", "end: 2027-03-31", "end: 2028-03-31");
    let run = f.run(&["due", "--within", "1y", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let training: Vec<&str> = json["due"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "training")
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(training, ["2028-02-29", "2028-02-29"]);
}

/// The bytes of saved fuzz input `name` of `target`.
fn saved(target: &str, name: &str) -> Vec<u8> {
    let path = repo()
        .join("tests/fixtures/fuzz-regressions")
        .join(target)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
