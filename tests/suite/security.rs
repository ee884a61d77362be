//! Regression tests for the holes an outside attack found (issue 13): each
//! is the attack as it was tried, against the real binary, and fails on
//! the code before the fix. Verify, serve, confirm and git have their own
//! modules (security_verify, security_serve, security_confirm,
//! security_git).

use std::path::Path;
use std::process::Command;

use crate::common::{Fixture, run_anzen};

const SUBSTITUTE: &str = "---\nid: \"security(rules\"\nkind: rules\ntitle: 個人情報保護規程\nversion: \"9.9\"\napproval:\n  approver: 代表取締役 港 一郎\n  date: 2026-03-02\nreview_by: 2027-03-31\n---\n# 個人情報保護規程\n\nSUBSTITUTED_TEXT\n";

fn build_site(f: &Fixture, out: &Path) -> crate::common::Run {
    f.run(&[
        "build",
        "--no-pdf",
        "--no-package",
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn a_document_whose_id_aliases_another_page_is_an_error_naming_both_and_cannot_replace_it() {
    let f = Fixture::sample();
    f.write("content/documents/0-a.md", SUBSTITUTE);
    let check = f.check();
    assert_eq!(check.code, 1);
    let invalid = check.expect("id.invalid", "content/documents/0-a.md", 2);
    assert!(invalid.ja.contains("security(rules"), "{}", invalid.ja);
    let collision = check
        .of("output.name-collision")
        .into_iter()
        .find(|c| {
            c.file == "content/documents/0-a.md" || c.file == "content/documents/security-rules.md"
        })
        .expect("a collision finding");
    let other = if collision.file.ends_with("0-a.md") {
        "security-rules.md"
    } else {
        "0-a.md"
    };
    assert!(
        collision.ja.contains(other),
        "names both files: {}",
        collision.ja
    );

    let out = tempfile::tempdir().unwrap();
    build_site(&f, out.path());
    let page =
        std::fs::read_to_string(out.path().join("site/documents/security-rules.html")).unwrap();
    assert!(
        !page.contains("SUBSTITUTED_TEXT"),
        "the substitute took the page"
    );
    assert!(
        page.contains("組織的安全管理措置"),
        "the real rules are on their page"
    );
}

#[test]
fn ids_that_differ_only_by_brackets_or_case_are_collisions() {
    for (a, b) in [("rule(1)", "rule-1"), ("Rules", "rules")] {
        let f = Fixture::sample();
        for (file, id) in [("x1.md", a), ("x2.md", b)] {
            f.write(
                &format!("content/documents/{file}"),
                &format!("---\nid: \"{id}\"\nkind: other\ntitle: 文書{file}\n---\n本文\n"),
            );
        }
        let check = f.check();
        assert_eq!(check.of("output.name-collision").len(), 1, "{a} / {b}");
    }
}

#[test]
fn documents_sharing_a_title_both_get_their_pdf_and_a_crafted_third_is_a_collision() {
    let f = Fixture::sample();
    for (file, id, title) in [
        ("p.md", "p", "同名文書"),
        ("q.md", "q", "同名文書"),
        ("r.md", "r", "同名文書_q"),
    ] {
        f.write(
            &format!("content/documents/{file}"),
            &format!("---\nid: {id}\nkind: other\ntitle: {title}\n---\n{id} の本文\n"),
        );
    }
    let check = f.check();
    let c = check.of("output.name-collision");
    assert_eq!(c.len(), 1, "{c:?}");
    assert!(c[0].ja.contains("同名文書_q.pdf"), "{}", c[0].ja);
}

#[test]
fn evidence_names_that_meet_in_nfc_or_case_are_collisions() {
    let f = Fixture::sample();
    // が as one code point and as か + the combining voiced mark.
    f.write_bytes("content/evidence/\u{304c}.pdf", b"%PDF-1.4 a");
    f.write_bytes("content/evidence/\u{304b}\u{3099}.pdf", b"%PDF-1.4 b");
    f.write_bytes("content/evidence/Scan.pdf", b"%PDF-1.4 c");
    f.write_bytes("content/evidence/scan.pdf", b"%PDF-1.4 d");
    let check = f.check();
    assert_eq!(
        check.of("output.name-collision").len(),
        2,
        "{:?}",
        check.of("output.name-collision")
    );
}

#[test]
fn zip_folders_that_leave_the_zip_root_are_refused_at_their_line() {
    for (key, value) in [
        ("combined", "../../../../tmp/x"),
        ("checklist", "/tmp/abs"),
        ("ledgers", "C:\\\\evil"),
        ("site", "../.."),
        ("documents", "02_チェックシート"),
    ] {
        let f = Fixture::sample();
        let mut config = std::fs::read_to_string(f.path().join("anzen.yaml")).unwrap();
        config.push_str(&format!("package:\n  folders:\n    {key}: \"{value}\"\n"));
        f.write("anzen.yaml", &config);
        let check = f.check();
        assert_eq!(check.code, 1, "{key}: {value}");
        let line = config.lines().count() as u64;
        let found = check.expect("yaml.invalid-value", "anzen.yaml", line);
        assert!(found.ja.contains(key), "{}", found.ja);
    }
}

#[test]
fn a_project_file_cannot_choose_the_typst_program() {
    let f = Fixture::sample();
    let mut config = std::fs::read_to_string(f.path().join("anzen.yaml")).unwrap();
    config.push_str("pdf:\n  typst: ./evil.sh\n");
    f.write("anzen.yaml", &config);
    let check = f.check();
    assert_eq!(check.code, 1);
    check.expect(
        "yaml.invalid-value",
        "anzen.yaml",
        config.lines().count() as u64,
    );
}

#[cfg(unix)]
#[test]
fn a_theme_folder_linked_out_of_the_project_is_refused_and_nothing_is_copied() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("id_rsa"), "PRIVATE KEY MATERIAL").unwrap();
    for linked in ["themes/mytheme/static", "themes"] {
        let f = Fixture::sample();
        let mut config = std::fs::read_to_string(f.path().join("anzen.yaml")).unwrap();
        config.push_str("theme: mytheme\n");
        f.write("anzen.yaml", &config);
        let link = f.path().join(linked);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        if linked == "themes" {
            std::fs::create_dir_all(outside.path().join("mytheme/static")).unwrap();
            std::fs::write(
                outside.path().join("mytheme/static/id_rsa"),
                "PRIVATE KEY MATERIAL",
            )
            .unwrap();
        }
        std::os::unix::fs::symlink(outside.path(), &link).unwrap();
        let out = tempfile::tempdir().unwrap();
        let run = build_site(&f, out.path());
        assert_eq!(run.code, 2, "{linked}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains("テーマ"), "{}", run.stderr);
        assert!(!out.path().join("site").exists());
    }
}

#[cfg(unix)]
#[test]
fn standards_outside_the_project_are_not_read_and_never_echoed() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join(".git-credentials");
    std::fs::write(&secret, "https://user:SECRET_TOKEN_123@example.com\n").unwrap();
    let f = Fixture::sample();
    let rel = pathdiff(f.path(), &secret);
    for name in [rel.as_str(), secret.to_str().unwrap(), "/etc/passwd"] {
        let config = std::fs::read_to_string(f.path().join("anzen.yaml"))
            .unwrap()
            .replace(
                "standards: [municipal-standard]",
                &format!("standards: [\"{name}\"]"),
            );
        f.write("anzen.yaml", &config);
        let run = f.run(&["check", "--format", "json"]);
        assert_eq!(run.code, 1, "{name}");
        for leak in ["SECRET_TOKEN_123", "root:x:0"] {
            assert!(
                !run.stdout.contains(leak) && !run.stderr.contains(leak),
                "{name} leaked"
            );
        }
        assert!(run.stdout.contains("outside the project"), "{}", run.stdout);
    }
}

/// `to` relative to `from`, through `..`.
fn pathdiff(from: &Path, to: &Path) -> String {
    let from = from.canonicalize().unwrap();
    let to = to.canonicalize().unwrap();
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.components().count() - common;
    let mut parts: Vec<String> = vec!["..".into(); ups];
    parts.extend(
        to.components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[test]
fn templates_cannot_read_the_package_password_from_the_environment() {
    let f = Fixture::sample();
    let mut config = std::fs::read_to_string(f.path().join("anzen.yaml")).unwrap();
    config.push_str("theme: leak\n");
    f.write("anzen.yaml", &config);
    let base =
        std::fs::read_to_string(crate::common::repo().join("themes/default/templates/base.html"))
            .unwrap();
    f.write(
        "themes/leak/templates/base.html",
        &base.replace(
            "</body>",
            "<p id=leak>{{ get_env(name=\"ANZEN_ZIP_PASSWORD\") }}</p></body>",
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .arg("--root")
        .arg(f.path())
        .args(["build", "--no-pdf", "--no-package", "--out"])
        .arg(out.path())
        .env("ANZEN_ZIP_PASSWORD", "hunter2-PASSWORD")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!all.contains("hunter2-PASSWORD"));
    for entry in walkdir::WalkDir::new(out.path())
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("hunter2-PASSWORD"),
            "{}",
            entry.path().display()
        );
    }
    assert_ne!(
        run.status.code(),
        Some(0),
        "a template calling get_env fails: {all}"
    );
}

#[cfg(unix)]
#[test]
fn typst_runs_without_the_package_password_in_its_environment() {
    let typst = which("typst").expect("typst installed (scripts/setup)");
    let f = Fixture::sample();
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("env.txt");
    let wrapper = dir.path().join("typst");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nenv >> '{}'\nexec '{}' \"$@\"\n",
            marker.display(),
            typst.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .arg("--root")
        .arg(f.path())
        .args(["build", "--no-package", "--out"])
        .arg(out.path())
        .env("ANZEN_TYPST", &wrapper)
        .env("ANZEN_ZIP_PASSWORD", "hunter2-PASSWORD")
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let env = std::fs::read_to_string(&marker).unwrap();
    assert!(env.contains("PATH="), "the wrapper ran");
    assert!(!env.contains("hunter2-PASSWORD"));
}

fn which(cmd: &str) -> Option<std::path::PathBuf> {
    let paths = std::env::var_os("PATH")?;
    let home = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin"));
    std::env::split_paths(&paths)
        .chain(home)
        .map(|d| d.join(cmd))
        .find(|p| p.is_file())
}

#[test]
fn ledger_values_that_excel_would_evaluate_are_written_as_text() {
    let f = Fixture::sample();
    f.edit(
        "content/ledgers/take_out.yaml",
        "purpose: 納品",
        "purpose: \"=1+1\"",
    );
    let out = tempfile::tempdir().unwrap();
    let run = f.run(&["build", "--no-pdf", "--out", out.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let zip = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "zip"))
        .unwrap()
        .path();
    let x = tempfile::tempdir().unwrap();
    let unzip = Command::new("unzip")
        .arg("-q")
        .arg(&zip)
        .arg("-d")
        .arg(x.path())
        .status()
        .unwrap();
    assert!(unzip.success());
    let csv = walkdir::WalkDir::new(x.path())
        .into_iter()
        .flatten()
        .find(|e| e.file_name().to_string_lossy() == "持出し記録.csv")
        .expect("take-out CSV")
        .into_path();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("'=1+1"), "{text}");
    // A real spreadsheet reads it: LibreOffice imports the CSV; the cell is
    // text, not a formula, and a control CSV shows the reader would
    // evaluate an unguarded one.
    let control = x.path().join("control.csv");
    std::fs::write(&control, "a\r\n=1+1\r\n").unwrap();
    assert_eq!(
        spreadsheet_cells(&control)[1],
        "2",
        "the reader evaluates formulas"
    );
    let cells = spreadsheet_cells(&csv);
    assert!(
        cells.iter().any(|c| c == "'=1+1" || c == "=1+1"),
        "{cells:?}"
    );
    assert!(!cells.iter().any(|c| c == "2"), "{cells:?}");
}

/// Every cell of the CSV as LibreOffice computes it (converted to CSV).
fn spreadsheet_cells(csv: &Path) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
        ])
        .arg(dir.path().join("out"))
        .arg(csv)
        .output()
        .expect("LibreOffice (scripts/setup installs libreoffice-calc-nogui)");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let name = csv.file_name().unwrap();
    let text = std::fs::read_to_string(dir.path().join("out").join(name)).unwrap();
    let mut cells = Vec::new();
    let mut r = csv_reader(&text);
    for row in r.records() {
        cells.extend(row.unwrap().iter().map(str::to_string));
    }
    cells
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
}

#[test]
fn a_second_build_on_a_held_output_folder_is_refused_and_the_output_stays() {
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    assert_eq!(build_site(&f, out.path()).code, 0);
    let before = std::fs::read(out.path().join("site/index.html")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.path().join(".anzen.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    f.edit("content/documents/basic-policy.md", "# ", "# 変更 ");
    let run = build_site(&f, out.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("別の anzen"), "{}", run.stderr);
    assert_eq!(
        std::fs::read(out.path().join("site/index.html")).unwrap(),
        before
    );
    drop(lock);
    // A lock file nobody holds (a killed build) is no obstacle.
    assert_eq!(build_site(&f, out.path()).code, 0);
}

#[cfg(unix)]
#[test]
fn an_output_folder_planted_as_a_link_is_refused_and_its_target_untouched() {
    let f = Fixture::sample();
    let victim = tempfile::tempdir().unwrap();
    std::fs::create_dir(victim.path().join("site")).unwrap();
    std::fs::write(victim.path().join("site/keep.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(victim.path(), f.path().join("output")).unwrap();
    let run = f.run(&["build", "--no-pdf", "--no-package"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("シンボリックリンク"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(victim.path().join("site/keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(victim.path()).unwrap().count(), 1);
}

#[cfg(unix)]
#[test]
fn a_content_folder_linked_out_of_the_project_is_not_read() {
    let f = Fixture::sample();
    let outside = tempfile::tempdir().unwrap();
    let moved = outside.path().join("content");
    std::fs::rename(f.path().join("content"), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, f.path().join("content")).unwrap();
    let run = f.run(&["check"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("外を指す"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_linked_folder() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "x").unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("content")).unwrap();
    let run = run_anzen(
        dir.path(),
        &["init", dir.path().to_str().unwrap(), "--force"],
    );
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn file_names_with_escape_and_bidi_characters_are_shown_escaped_in_check_output() {
    let f = Fixture::sample();
    f.write("content/notes\u{1b}[2K\u{202e}.md", "stray");
    let run = f.run(&["check"]);
    assert!(
        !run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{202e}'),
        "{:?}",
        run.stdout
    );
    assert!(run.stdout.contains("\\x1b[2K\\u{202e}"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn work_folders_of_killed_builds_are_removed_and_live_ones_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let stale = tmp.path().join("anzen-pdf-killed");
    std::fs::create_dir(&stale).unwrap();
    std::fs::write(stale.join(".anzen.lock"), "").unwrap();
    let live = tmp.path().join("anzen-pdf-live");
    std::fs::create_dir(&live).unwrap();
    let held = std::fs::File::create(live.join(".anzen.lock")).unwrap();
    held.try_lock().unwrap();
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .arg("--root")
        .arg(f.path())
        .args(["build", "--no-package", "--out"])
        .arg(out.path())
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!stale.exists(), "the killed build's folder is gone");
    assert!(live.exists(), "a live build's folder stays");
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        left.len(),
        1,
        "this build cleaned up after itself: {left:?}"
    );
}
