//! Output safety: a failed build leaves the previous site, PDFs and zip
//! untouched; anzen writes and deletes only inside its output folder; it
//! refuses an output folder that is or holds the project or its content;
//! and symlinks in the output folder are replaced, never followed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::Fixture;

/// Every entry under `dir` (symlinks not followed): path → file bytes, or
/// a marker for folders and links.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let content = if e.file_type().is_file() {
                std::fs::read(e.path()).unwrap()
            } else if e.file_type().is_symlink() {
                format!("-> {}", std::fs::read_link(e.path()).unwrap().display()).into_bytes()
            } else {
                b"<dir>".to_vec()
            };
            (rel, content)
        })
        .collect()
}

/// Runs anzen on `root`: the exit code and stdout + stderr (a panic
/// fails the test).
pub(crate) fn anzen(root: &Path, args: &[&str], _unused: bool) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anzen"));
    let out = cmd
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("ANZEN_ZIP_PASSWORD")
        .output()
        .unwrap();
    let code = out.status.code().expect("no signal");
    assert_ne!(code, 101, "panic: {}", String::from_utf8_lossy(&out.stderr));
    (
        code,
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn full_build_site(root: &Path, out: &Path) {
    let (code, text) = anzen(
        root,
        &[
            "build",
            "--no-pdf",
            "--no-package",
            "--out",
            out.to_str().unwrap(),
        ],
        false,
    );
    assert_eq!(code, 0, "{text}");
}

fn full_build(root: &Path, out: &Path) {
    let (code, text) = anzen(root, &["build", "--out", out.to_str().unwrap()], false);
    assert_eq!(code, 0, "{text}");
    let names: Vec<String> = snapshot(out).into_keys().collect();
    assert!(names.iter().any(|n| n == "site/index.html"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("pdf/") && n.ends_with(".pdf"))
    );
    assert!(names.iter().any(|n| n.ends_with(".zip")));
}

#[test]
fn a_build_that_fails_late_leaves_the_previous_site_pdfs_and_zip_untouched() {
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    full_build(f.path(), out.path());
    let before = snapshot(out.path());
    // The content changes, then the build fails at the PDF stage (typst
    // cannot be run): the site made before it is not written either.
    f.edit(
        "content/documents/work-rules.md",
        "# 就業規則（抜粋）",
        "# 就業規則（抜粋・改）",
    );
    let run = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .arg("--root")
        .arg(f.path())
        .args(["build", "--out", out.path().to_str().unwrap()])
        .env("ANZEN_TYPST", "/nonexistent/typst")
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(snapshot(out.path()), before, "previous output untouched");
    // A broken template: the same.
    f.edit("anzen.yaml", "standards:", "theme: broken\nstandards:");
    f.write(
        "themes/broken/templates/ledger.html",
        "{% extends \"base.html\" %}{% block content %}{{ nope( }}{% endblock content %}",
    );
    let (code, text) = anzen(
        f.path(),
        &["build", "--out", out.path().to_str().unwrap()],
        false,
    );
    assert_eq!(code, 2, "{text}");
    assert_eq!(snapshot(out.path()), before, "previous output untouched");
}

#[test]
fn a_write_failure_after_the_site_swapped_in_the_new_site_beside_the_old_zip() {
    // Before: the site was swapped in, then writing the zip failed, and
    // the output mixed the new site with the old zip. Now everything is
    // staged first and nothing is swapped in unless all of it was written.
    // The failure: a folder in the zip's place, which a file cannot replace.
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let (code, text) = anzen(f.path(), &["build", "--no-pdf", "--out", o], false);
    assert_eq!(code, 0, "{text}");
    let before = snapshot(out.path());
    let zip = before.keys().find(|k| k.ends_with(".zip")).unwrap().clone();
    let stuck = out.path().join(&zip);
    std::fs::remove_file(&stuck).unwrap();
    std::fs::create_dir(&stuck).unwrap();
    std::fs::write(stuck.join("held"), "x").unwrap();
    let before = snapshot(out.path());
    f.edit(
        "content/documents/work-rules.md",
        "# 就業規則（抜粋）",
        "# 就業規則（抜粋・改）",
    );
    let (code, text) = anzen(f.path(), &["build", "--no-pdf", "--out", o], false);
    assert_eq!(code, 2, "{text}");
    assert_eq!(snapshot(out.path()), before, "nothing swapped in: {text}");
    assert!(!out.path().join(".site.tmp").exists(), "staging cleaned up");
}

#[test]
fn a_build_writes_only_inside_its_output_folder_and_leaves_no_temporary_files() {
    let f = Fixture::sample();
    let parent = tempfile::tempdir().unwrap();
    std::fs::create_dir(parent.path().join("neighbour")).unwrap();
    std::fs::write(parent.path().join("neighbour/keep.txt"), "keep").unwrap();
    std::fs::write(
        parent.path().join("site"),
        "a file named like the site folder",
    )
    .unwrap();
    let out = parent.path().join("out");
    let project_before = snapshot(f.path());
    full_build(f.path(), &out);
    full_build(f.path(), &out); // a second build replaces the first
    assert_eq!(
        snapshot(f.path()),
        project_before,
        "the project is untouched"
    );
    let around: Vec<String> = snapshot(parent.path())
        .into_keys()
        .filter(|k| !k.starts_with("out/"))
        .collect();
    assert_eq!(
        around,
        vec!["neighbour", "neighbour/keep.txt", "out", "site"]
    );
    let top: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".anzen-cache")
        .collect();
    assert_eq!(top.len(), 3, "site, pdf and the zip only: {top:?}");
    assert!(top.iter().all(|n| !n.starts_with('.')), "{top:?}");
    // Beside them, the build cache, with no temporary files left in it.
    let cached: Vec<String> = snapshot(&out.join(".anzen-cache")).into_keys().collect();
    assert!(cached.iter().any(|k| k.ends_with(".pdf")), "{cached:?}");
    assert!(
        cached
            .iter()
            .all(|k| !k.rsplit('/').next().unwrap().starts_with('.')),
        "{cached:?}"
    );
}

#[test]
fn an_output_folder_that_is_or_holds_the_project_or_its_content_is_refused() {
    let f = Fixture::sample();
    let root = f.path();
    let before = snapshot(root);
    let mut outs: Vec<PathBuf> = vec![
        root.to_path_buf(),
        root.join("."),
        root.parent().unwrap().to_path_buf(),
        root.join("content"),
        root.join("content/evidence"),
        root.join("content/new-folder"),
        root.join("output/../content"),
    ];
    #[cfg(unix)]
    {
        let links = tempfile::tempdir().unwrap().keep();
        std::os::unix::fs::symlink(root, links.join("to-root")).unwrap();
        std::os::unix::fs::symlink(root.join("content"), links.join("to-content")).unwrap();
        outs.push(links.join("to-root"));
        outs.push(links.join("to-content"));
        outs.push(links.join("to-content/sub"));
    }
    for out in &outs {
        for cmd in [
            vec!["build", "--no-pdf", "--out"],
            vec!["package", "--allow-findings", "--out"],
        ] {
            let mut args = cmd.clone();
            args.push(out.to_str().unwrap());
            let (code, text) = anzen(root, &args, false);
            assert_eq!(code, 2, "{args:?} was accepted: {text}");
            assert!(
                text.contains(out.to_str().unwrap())
                    || text.contains("refus")
                    || text.contains("拒"),
                "{text}"
            );
        }
    }
    assert_eq!(snapshot(root), before, "nothing written into the project");
}

#[cfg(unix)]
#[test]
fn a_rebuild_keeps_unchanged_files_and_replaces_changed_added_and_removed_ones() {
    use std::os::unix::fs::MetadataExt;
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    let build = || full_build_site(f.path(), out.path());
    let site = out.path().join("site");
    let inode = |rel: &str| std::fs::metadata(site.join(rel)).unwrap().ino();
    // A document only this build has.
    f.write(
        "content/documents/extra-note.md",
        "---\nid: extra-note\nkind: plan\napproval:\n  approver: 代表取締役 港 一郎\n  date: 2026-03-02\nreview_by: 2027-03-31\ntitle: 補足メモ\n---\n\n# 補足\n\n本文。\n",
    );
    build();
    let (css, page, kept) = (
        inode("assets/style.css"),
        inode("documents/training-plan.html"),
        inode("documents/work-rules.html"),
    );
    assert!(site.join("documents/extra-note.html").is_file());
    let folder = inode("documents");
    let before = snapshot(&site);
    f.edit(
        "content/documents/training-plan.md",
        "# 令和8年度 個人情報保護",
        "# 令和8年度（改訂） 個人情報保護",
    );
    f.remove("content/documents/extra-note.md");
    f.write(
        "content/documents/other-note.md",
        "---\nid: other-note\nkind: plan\napproval:\n  approver: 代表取締役 港 一郎\n  date: 2026-03-02\nreview_by: 2027-03-31\ntitle: 別のメモ\n---\n\n# 別\n\n本文。\n",
    );
    build();
    // Unchanged files keep their file: linked (a folder holding folders)
    // or carried with their folder (the documents).
    assert_eq!(
        inode("assets/style.css"),
        css,
        "an unchanged file is linked"
    );
    assert_eq!(
        inode("documents/work-rules.html"),
        kept,
        "an unchanged page is kept"
    );
    assert_eq!(
        inode("documents"),
        folder,
        "the documents' folder is carried whole"
    );
    assert_ne!(
        inode("documents/training-plan.html"),
        page,
        "a changed page is written"
    );
    let after = snapshot(&site);
    assert_ne!(
        before["documents/training-plan.html"],
        after["documents/training-plan.html"]
    );
    assert_eq!(before["assets/style.css"], after["assets/style.css"]);
    assert!(
        !after.contains_key("documents/extra-note.html"),
        "a page no longer made is removed"
    );
    assert!(
        after.contains_key("documents/other-note.html"),
        "a new page is added"
    );
    // The result is the clean build's, byte for byte.
    let clean = tempfile::tempdir().unwrap();
    full_build_site(f.path(), clean.path());
    assert_eq!(after, snapshot(&clean.path().join("site")));
    // Nothing of the old output, and nothing staged, is left beside it or in it.
    let names: Vec<String> = snapshot(out.path())
        .into_keys()
        .filter(|n| !n.starts_with("site") || n.contains(".anzen-carry"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

/// A folder outside the output holding `precious.txt` ("keep me").
fn precious_folder() -> tempfile::TempDir {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("precious.txt"), "keep me").unwrap();
    elsewhere
}

#[test]
fn a_link_planted_in_a_carried_folder_is_dropped_and_its_target_untouched() {
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    let elsewhere = precious_folder();
    full_build_site(f.path(), out.path());
    let site = out.path().join("site");
    let before = snapshot(&site);
    // A link among the documents, and the search shards' folder swapped
    // for a link to a folder elsewhere: neither folder may be carried.
    std::os::unix::fs::symlink(
        elsewhere.path().join("precious.txt"),
        site.join("documents/planted.html"),
    )
    .unwrap();
    let shards = site.join("assets/search");
    std::fs::rename(&shards, out.path().join("moved-shards")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), &shards).unwrap();
    full_build_site(f.path(), out.path());
    assert_eq!(
        snapshot(&site),
        before,
        "the site is the build's, links gone"
    );
    assert_eq!(
        snapshot(elsewhere.path()).into_keys().collect::<Vec<_>>(),
        vec!["precious.txt"]
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.path().join("precious.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn symlinks_in_the_output_folder_are_replaced_never_followed() {
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    let elsewhere = precious_folder();
    // A file elsewhere with the very bytes the build writes: it must not be
    // linked into the site (a later edit of the site would change it).
    let first = tempfile::tempdir().unwrap();
    full_build_site(f.path(), first.path());
    std::fs::copy(
        first.path().join("site/index.html"),
        elsewhere.path().join("index.html"),
    )
    .unwrap();
    // The site folder, and a leftover staging folder, are links elsewhere.
    std::os::unix::fs::symlink(elsewhere.path(), out.path().join("site")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out.path().join(".site.tmp")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), out.path().join(".site.old")).unwrap();
    full_build_site(f.path(), out.path());
    assert_eq!(
        snapshot(elsewhere.path()).into_keys().collect::<Vec<_>>(),
        vec!["index.html", "precious.txt"]
    );
    {
        use std::os::unix::fs::MetadataExt;
        let theirs = std::fs::metadata(elsewhere.path().join("index.html")).unwrap();
        let ours = std::fs::metadata(out.path().join("site/index.html")).unwrap();
        assert_ne!(theirs.ino(), ours.ino(), "a file outside was linked in");
        assert_eq!(theirs.nlink(), 1);
    }
    let site = out.path().join("site");
    assert!(
        site.symlink_metadata().unwrap().is_dir(),
        "a real folder now"
    );
    assert!(site.join("index.html").is_file());
}
