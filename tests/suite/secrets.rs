//! Secrets and personal data: the zip password (ANZEN_ZIP_PASSWORD or
//! --password-file) never appears on the command line, in output, errors,
//! the manifest, the site, the PDFs or anything inside the zip; and
//! `--mask-personal` hides every personal-data field of every ledger on
//! every page and in the search index.

use std::path::Path;
use std::process::Command;

use crate::common::{Fixture, repo, run_anzen};

const PASSWORD: &str = "S3cret-パスワード-7c1e9";

fn anzen(root: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anzen"));
    cmd.arg("--root")
        .arg(root)
        .args(args)
        .env_remove("ANZEN_ZIP_PASSWORD")
        .env_remove("ANZEN_LANG");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `dir` as bytes, with its path.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn assert_nowhere(dir: &Path, secret: &str) {
    for (path, bytes) in files(dir) {
        assert!(!contains(&bytes, secret), "{path} holds the password");
        assert!(!path.contains(secret), "{path} names the password");
    }
}

#[test]
fn the_password_never_appears_in_output_errors_manifest_site_pdfs_or_the_zip() {
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    // From the environment, with PDFs.
    let (code, stdout, stderr) = anzen(
        f.path(),
        &["build", "--encrypt", "--out", o],
        &[("ANZEN_ZIP_PASSWORD", PASSWORD)],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));
    assert_nowhere(out.path(), PASSWORD);
    // Inside the zip, decrypted.
    let zip = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "zip"))
        .expect("zip");
    let dest = tempfile::tempdir().unwrap();
    let x = Command::new("7z")
        .args(["x", "-y", &format!("-p{PASSWORD}")])
        .arg(format!("-o{}", dest.path().display()))
        .arg(&zip)
        .output()
        .expect("7z is missing: run scripts/test (it installs p7zip-full)");
    assert!(x.status.success(), "{}", String::from_utf8_lossy(&x.stdout));
    assert!(dest.path().join("manifest.json").is_file());
    assert_nowhere(dest.path(), PASSWORD);

    // From a file, through `package`.
    let pwdir = tempfile::tempdir().unwrap();
    let pwfile = pwdir.path().join("pw.txt");
    std::fs::write(&pwfile, format!("{PASSWORD}\n")).unwrap();
    let (code, stdout, stderr) = anzen(
        f.path(),
        &[
            "package",
            "--encrypt",
            "--password-file",
            pwfile.to_str().unwrap(),
            "--out",
            o,
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));
    assert_nowhere(out.path(), PASSWORD);

    // verify: no password, a wrong one, the right one; never echoed.
    let z = zip.to_str().unwrap();
    for (env, want) in [
        (vec![], 2),
        (vec![("ANZEN_ZIP_PASSWORD", "wrong-guess-913")], 2),
        (vec![("ANZEN_ZIP_PASSWORD", PASSWORD)], 0),
    ] {
        let (code, stdout, stderr) = anzen(f.path(), &["verify", z], &env);
        assert_eq!(code, want, "{stdout}{stderr}");
        let all = format!("{stdout}{stderr}");
        assert!(
            !all.contains(PASSWORD) && !all.contains("wrong-guess-913"),
            "{all}"
        );
    }
    let (code, stdout, stderr) = anzen(
        f.path(),
        &[
            "verify",
            "--format",
            "json",
            "--password-file",
            pwfile.to_str().unwrap(),
            z,
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains(PASSWORD));
}

#[test]
fn a_build_that_fails_does_not_show_the_password() {
    // An unusable output folder: the error names the folder, not the password.
    let f = Fixture::sample();
    let (code, stdout, stderr) = anzen(
        f.path(),
        &[
            "build",
            "--no-pdf",
            "--encrypt",
            "--out",
            f.path().to_str().unwrap(),
        ],
        &[("ANZEN_ZIP_PASSWORD", PASSWORD)],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        !stdout.contains(PASSWORD) && !stderr.contains(PASSWORD),
        "{stderr}"
    );
    // A password file that is a folder.
    let (code, stdout, stderr) = anzen(
        f.path(),
        &[
            "build",
            "--no-pdf",
            "--encrypt",
            "--password-file",
            f.path().to_str().unwrap(),
        ],
        &[("ANZEN_ZIP_PASSWORD", PASSWORD)],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(!stderr.contains(PASSWORD));
}

#[test]
fn no_option_takes_the_password_on_the_command_line() {
    for cmd in ["build", "package", "verify"] {
        let run = run_anzen(&repo(), &[cmd, "--help"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.contains("--password-file"),
            "{cmd}: {}",
            run.stdout
        );
        let flags: Vec<&str> = run
            .stdout
            .split_whitespace()
            .filter(|w| w.starts_with("--pass"))
            .collect();
        assert!(
            flags
                .iter()
                .all(|w| w.trim_end_matches([',', '.']) == "--password-file"),
            "{cmd} takes a password argument: {flags:?}"
        );
        let run = run_anzen(&repo(), &[cmd, "--password", PASSWORD]);
        assert_eq!(run.code, 2, "{cmd} accepted --password");
        let run = run_anzen(&repo(), &[cmd, &format!("--password={PASSWORD}")]);
        assert_eq!(run.code, 2, "{cmd} accepted --password=");
    }
}

/// Every value of a personal-data field (per the ledger schemas) in the
/// sample's ledgers.
fn personal_values(root: &Path) -> Vec<String> {
    let kinds = anzen::standard::LedgerKinds::bundled();
    let (project, _) =
        anzen::load::load(root, &anzen::load::LoadOptions::default(), &kinds).unwrap();
    let mut values = Vec::new();
    for l in &project.ledgers {
        let kind = kinds.get(&l.kind).unwrap();
        for e in &l.entries {
            for (name, field) in &e.fields {
                if kind.field(name).is_some_and(|s| s.personal) {
                    let v = field.value.display();
                    // Names, and the file names of signed scans: the part
                    // that would identify someone.
                    let v = v.rsplit('/').next().unwrap_or(&v).to_string();
                    if v.chars().count() >= 2 {
                        values.push(v);
                    }
                }
            }
        }
    }
    values.sort();
    values.dedup();
    values
}

#[test]
fn mask_personal_hides_every_personal_field_on_every_page_and_in_the_search_index() {
    let values = personal_values(&repo());
    assert!(values.len() >= 10, "{values:?}");
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = anzen(
        &repo(),
        &[
            "build",
            "--no-pdf",
            "--no-package",
            "--mask-personal",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let site = out.path().join("site");
    let mut pages = 0;
    for (path, bytes) in files(&site) {
        let rel = path
            .strip_prefix(&site.display().to_string())
            .unwrap_or(&path)
            .to_string();
        if !(rel.ends_with(".html") || rel.ends_with(".js")) || rel.starts_with("/documents/") {
            continue; // documents are the vendor's own prose
        }
        pages += 1;
        let text = String::from_utf8_lossy(&bytes);
        for v in &values {
            assert!(
                !text.contains(v.as_str()),
                "{rel} shows personal data {v:?}"
            );
        }
    }
    assert!(pages > 50, "{pages}");
    // The ledger pages do show that something was there.
    let staff = std::fs::read_to_string(site.join("ledgers/staff.html")).unwrap();
    assert!(staff.contains("＊＊＊"));
}

#[test]
fn mask_personal_also_covers_names_in_findings() {
    // A designated worker who was never trained: the finding names them.
    let f = Fixture::sample();
    f.edit(
        "content/ledgers/staff.yaml",
        "entries:\n",
        "entries:\n  - id: S999\n    name: 秘密 花子\n    employment: regular\n    designated: true\n",
    );
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = anzen(
        f.path(),
        &[
            "build",
            "--no-pdf",
            "--no-package",
            "--mask-personal",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let findings = std::fs::read_to_string(out.path().join("site/findings.html")).unwrap();
    assert!(findings.contains("S999"), "the finding is there");
    for (path, bytes) in files(&out.path().join("site")) {
        assert!(!contains(&bytes, "秘密 花子"), "{path} shows the name");
    }
    // Unmasked, the same finding does name them.
    let plain = tempfile::tempdir().unwrap();
    let (code, _, _) = anzen(
        f.path(),
        &[
            "build",
            "--no-pdf",
            "--no-package",
            "--out",
            plain.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0);
    let findings = std::fs::read_to_string(plain.path().join("site/findings.html")).unwrap();
    assert!(
        findings.contains("秘密 花子"),
        "the unmasked finding names the worker"
    );
}
