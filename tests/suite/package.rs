//! The submission zip, opened with the tools municipalities and vendors
//! use: Info-ZIP unzip, 7-Zip, bsdtar and Python's zipfile. Japanese names
//! intact (NFC, UTF-8 flag), byte-identical across builds, verifiable,
//! refused on errors unless allowed, and AES-256 encrypted on request.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Fixture, repo, run_anzen};

const PASSWORD: &str = "correct horse 電池 staple";

fn anzen(root: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anzen"));
    cmd.arg("--root")
        .arg(root)
        .args(args)
        .env_remove("ANZEN_ZIP_PASSWORD");
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

fn zip_in(dir: &Path) -> PathBuf {
    let zips: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .collect();
    assert_eq!(zips.len(), 1, "{zips:?}");
    zips[0].clone()
}

fn build(root: &Path, out: &Path, extra: &[&str], env: &[(&str, &str)]) -> PathBuf {
    let mut args = vec!["build", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = anzen(root, &args, env);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    zip_in(out)
}

fn tool(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd} is missing ({e}): run scripts/test, it installs unzip, p7zip-full and libarchive-tools"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn python(script: &str, args: &[&str]) -> (bool, String) {
    let mut all = vec!["-c", script];
    all.extend_from_slice(args);
    tool("python3", &all)
}

/// Names and contents through Python's zipfile (which honours the UTF-8 flag).
fn python_listing(zip: &Path) -> BTreeMap<String, String> {
    let (ok, out) = python(
        "import sys, zipfile, hashlib, json\nz = zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({i.filename: [hashlib.sha256(z.read(i)).hexdigest(), i.flag_bits & 0x800, i.date_time[:3]] for i in z.infolist()}, ensure_ascii=False))",
        &[zip.to_str().unwrap()],
    );
    assert!(ok, "{out}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let utf8 = v[1].as_u64().unwrap();
            let ascii = k.is_ascii();
            assert!(ascii || utf8 == 0x800, "{k} lacks the UTF-8 flag");
            assert_eq!(v[2], serde_json::json!([2026, 11, 20]), "{k} timestamp");
            (k.clone(), v[0].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn unzip_7z_bsdtar_and_python_see_the_same_japanese_files_as_the_manifest() {
    let out = tempfile::tempdir().unwrap();
    let zip = build(&repo(), out.path(), &[], &[]);
    let name = zip.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(
        name,
        "株式会社みなと情報サービス_令和8年度_市民税課税資料データ入力業務委託_2026-11-20.zip"
    );
    let listing = python_listing(&zip);
    let manifest: serde_json::Value = {
        let (ok, text) = python(
            "import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).read('manifest.json').decode())",
            &[zip.to_str().unwrap()],
        );
        assert!(ok, "{text}");
        serde_json::from_str(&text).unwrap()
    };
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(
        files.len() + 1,
        listing.len(),
        "manifest lists every other entry"
    );
    for f in files {
        let path = f["path"].as_str().unwrap();
        assert_eq!(
            listing.get(path).map(String::as_str),
            f["sha256"].as_str(),
            "{path}"
        );
    }
    for expected in [
        "01_提出書類一式/提出書類一式.pdf",
        "02_チェックシート/情報セキュリティチェックシート.pdf",
        "02_チェックシート/チェックシート回答.csv",
        "03_文書/個人情報保護規程.pdf",
        "04_台帳/研修記録.csv",
        "05_サイト/index.html",
    ] {
        assert!(listing.contains_key(expected), "{expected} missing");
    }
    assert_eq!(manifest["as_of"], "2026-11-20");
    assert_eq!(manifest["check"]["errors"], 0);
    assert!(manifest["git_commit"].is_string() || manifest["git_commit"].is_null());

    // Info-ZIP unzip lists and extracts the Japanese names intact.
    let (ok, text) = tool("unzip", &["-l", zip.to_str().unwrap()]);
    assert!(
        ok && text.contains("03_文書/個人情報保護規程.pdf"),
        "{text}"
    );
    let dest = tempfile::tempdir().unwrap();
    let (ok, text) = tool(
        "unzip",
        &[
            "-q",
            zip.to_str().unwrap(),
            "-d",
            dest.path().to_str().unwrap(),
        ],
    );
    assert!(ok, "{text}");
    let extracted = std::fs::read(dest.path().join("03_文書/個人情報保護規程.pdf")).unwrap();
    assert_eq!(
        extracted,
        std::fs::read(out.path().join("pdf/個人情報保護規程.pdf")).unwrap()
    );
    // 7-Zip.
    let (ok, text) = tool("7z", &["l", "-ba", zip.to_str().unwrap()]);
    assert!(ok && text.contains("04_台帳/研修記録.csv"), "{text}");
    assert_eq!(
        text.lines().filter(|l| !l.trim().is_empty()).count(),
        listing.len()
    );
    // bsdtar (libarchive, what Windows' tar.exe is built on).
    let (ok, text) = tool("bsdtar", &["-tf", zip.to_str().unwrap()]);
    assert!(
        ok && text.contains("02_チェックシート/チェックシート回答.csv"),
        "{text}"
    );
}

#[test]
fn ledger_csv_opens_in_excel_utf8_with_bom_and_crlf() {
    let out = tempfile::tempdir().unwrap();
    let zip = build(&repo(), out.path(), &["--no-pdf"], &[]);
    let dest = tempfile::tempdir().unwrap();
    let (ok, text) = tool(
        "unzip",
        &[
            "-q",
            zip.to_str().unwrap(),
            "-d",
            dest.path().to_str().unwrap(),
        ],
    );
    assert!(ok, "{text}");
    let csv = std::fs::read(dest.path().join("04_台帳/研修記録.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(text.starts_with("研修ID,実施日,研修名"), "{}", &text[..60]);
    assert!(text.contains("\r\n") && text.contains("TR-2026-01"));
    let checklist = String::from_utf8(
        std::fs::read(dest.path().join("02_チェックシート/チェックシート回答.csv")).unwrap()[3..]
            .to_vec(),
    )
    .unwrap();
    assert!(checklist.matches("\r\n").count() >= 32);
    assert!(checklist.contains("4-4,") && checklist.contains("いいえ"));
}

#[test]
fn two_builds_give_a_byte_identical_zip() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let za = std::fs::read(build(&repo(), a.path(), &[], &[])).unwrap();
    let zb = std::fs::read(build(&repo(), b.path(), &[], &[])).unwrap();
    assert!(za == zb, "zips differ");
}

#[test]
fn verify_accepts_the_bundle_and_catches_tampering() {
    let out = tempfile::tempdir().unwrap();
    let zip = build(&repo(), out.path(), &["--no-pdf"], &[]);
    let (code, stdout, _) = anzen(&repo(), &["verify", zip.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "{stdout}");
    // Rewrite the zip with one entry altered, one removed and one added.
    let tampered = out.path().join("tampered.zip");
    let (ok, text) = python(
        "import sys, zipfile\nsrc = zipfile.ZipFile(sys.argv[1])\ndst = zipfile.ZipFile(sys.argv[2], 'w')\nfor i in src.infolist():\n    data = src.read(i)\n    if i.filename == '04_台帳/研修記録.csv': data += b'x'\n    if i.filename == '04_台帳/訓練記録.csv': continue\n    dst.writestr(i, data)\ndst.writestr('extra.txt', b'hi')\ndst.close()",
        &[zip.to_str().unwrap(), tampered.to_str().unwrap()],
    );
    assert!(ok, "{text}");
    let (code, stdout, _) = anzen(
        &repo(),
        &["verify", "--format", "json", tampered.to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 1, "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["altered"], serde_json::json!(["04_台帳/研修記録.csv"]));
    assert_eq!(v["missing"], serde_json::json!(["04_台帳/訓練記録.csv"]));
    assert_eq!(v["added"], serde_json::json!(["extra.txt"]));
    let (code, stdout, _) = anzen(&repo(), &["verify", tampered.to_str().unwrap()], &[]);
    assert_eq!(code, 1);
    assert!(stdout.contains("改変: 04_台帳/研修記録.csv"), "{stdout}");
}

#[test]
fn errors_refuse_the_package_unless_allowed_and_then_the_manifest_records_them() {
    let f = Fixture::sample();
    f.edit(
        "content/checklist.yaml",
        "  - item: \"5-8\"\n    answer: 該当無\n",
        "  - item: \"5-8\"\n    answer: はい\n",
    );
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = anzen(
        f.path(),
        &["build", "--no-pdf", "--out", out.path().to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("--allow-findings"), "{stderr}");
    assert!(
        out.path().join("site/index.html").is_file(),
        "the site is still built"
    );
    assert!(
        std::fs::read_dir(out.path()).unwrap().all(|e| e
            .unwrap()
            .path()
            .extension()
            .is_none_or(|x| x != "zip")),
        "no zip"
    );
    let zip = build(f.path(), out.path(), &["--no-pdf", "--allow-findings"], &[]);
    let (ok, text) = python(
        "import sys, zipfile\nprint(zipfile.ZipFile(sys.argv[1]).read('manifest.json').decode())",
        &[zip.to_str().unwrap()],
    );
    assert!(ok);
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(m["check"]["allowed_findings"], true);
    assert!(m["check"]["errors"].as_u64().unwrap() >= 1);
    assert!(
        m["check"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["rule"] == "answer.yes-without-evidence")
    );
}

#[test]
fn package_alone_reuses_the_last_build() {
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = anzen(
        f.path(),
        &[
            "build",
            "--no-package",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = anzen(
        f.path(),
        &["package", "--out", out.path().to_str().unwrap()],
        &[],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let listing = python_listing(&zip_in(out.path()));
    assert!(listing.contains_key("01_提出書類一式/提出書類一式.pdf"));
    assert!(listing.contains_key("05_サイト/index.html"));
}

#[test]
fn encrypted_bundle_opens_only_with_the_password_and_never_shows_it() {
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = anzen(
        &repo(),
        &[
            "build",
            "--no-pdf",
            "--encrypt",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[("ANZEN_ZIP_PASSWORD", PASSWORD)],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));
    let zip = zip_in(out.path());
    let z = zip.to_str().unwrap();
    let pw = format!("-p{PASSWORD}");
    // 7-Zip: right password extracts, wrong one fails.
    let dest = tempfile::tempdir().unwrap();
    let (ok, text) = tool(
        "7z",
        &["x", "-y", &pw, &format!("-o{}", dest.path().display()), z],
    );
    assert!(ok, "{text}");
    let manifest = std::fs::read_to_string(dest.path().join("manifest.json")).unwrap();
    assert!(!manifest.contains(PASSWORD));
    let (ok, _) = tool("7z", &["t", "-pwrong", z]);
    assert!(!ok, "7z accepted a wrong password");
    // bsdtar likewise.
    let (ok, text) = tool(
        "bsdtar",
        &["--passphrase", PASSWORD, "-xOf", z, "manifest.json"],
    );
    assert!(ok && text.contains("\"tool\": \"anzen\""), "{text}");
    let (ok, _) = tool(
        "bsdtar",
        &["--passphrase", "wrong", "-xOf", z, "manifest.json"],
    );
    assert!(!ok, "bsdtar accepted a wrong password");
    // Python's zipfile cannot read AES entries at all.
    let (ok, _) = python(
        "import sys, zipfile\nzipfile.ZipFile(sys.argv[1]).read('manifest.json')",
        &[z],
    );
    assert!(!ok);
    // verify needs the password.
    let (code, _, stderr) = anzen(&repo(), &["verify", z], &[]);
    assert_eq!(code, 2, "{stderr}");
    let (code, stdout, _) = anzen(&repo(), &["verify", z], &[("ANZEN_ZIP_PASSWORD", PASSWORD)]);
    assert_eq!(code, 0, "{stdout}");
    let pwfile = out.path().join("pw.txt");
    std::fs::write(&pwfile, format!("{PASSWORD}\n")).unwrap();
    let (code, _, _) = anzen(
        &repo(),
        &["verify", "--password-file", pwfile.to_str().unwrap(), z],
        &[],
    );
    assert_eq!(code, 0);
    // A second encrypted build differs in bytes (fresh salt) but not in content.
    let out2 = tempfile::tempdir().unwrap();
    let (code, _, _) = anzen(
        &repo(),
        &[
            "build",
            "--no-pdf",
            "--encrypt",
            "--password-file",
            pwfile.to_str().unwrap(),
            "--out",
            out2.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 0);
    let zip2 = zip_in(out2.path());
    assert_ne!(
        std::fs::read(&zip).unwrap(),
        std::fs::read(&zip2).unwrap(),
        "fresh salt each time"
    );
    let dest2 = tempfile::tempdir().unwrap();
    let (ok, _) = tool(
        "7z",
        &[
            "x",
            "-y",
            &pw,
            &format!("-o{}", dest2.path().display()),
            zip2.to_str().unwrap(),
        ],
    );
    assert!(ok);
    assert_eq!(
        std::fs::read(dest.path().join("04_台帳/研修記録.csv")).unwrap(),
        std::fs::read(dest2.path().join("04_台帳/研修記録.csv")).unwrap()
    );
}

#[test]
fn encrypt_without_a_password_is_a_usage_error() {
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = anzen(
        &repo(),
        &[
            "build",
            "--no-pdf",
            "--encrypt",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("ANZEN_ZIP_PASSWORD"), "{stderr}");
    let run = run_anzen(&repo(), &["build", "--password", "x"]);
    assert_eq!(run.code, 2, "there is no --password flag");
}
