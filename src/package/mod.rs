//! Stage 4 of the pipeline: the submission package. Lays the PDFs, the
//! checklist and ledgers as CSV and as Excel workbooks, optionally the site, and a
//! manifest of hashes into a zip with Japanese folder names (NFC, UTF-8
//! flag), entries sorted, timestamps and permissions fixed, so the same
//! input gives the same bytes; optionally AES-256 encrypted.

pub mod csv;
pub mod manifest;
pub mod verify;
pub mod xlsx;

use std::collections::BTreeMap;
use std::io::Write;

use unicode_normalization::UnicodeNormalization;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System};

use crate::check::Context;
use crate::diag::{Finding, Severity};
use crate::git::Revision;
use crate::names::{CHECKLIST_PDF, CHECKLIST_XLSX, COMBINED_PDF, LEDGERS_XLSX, file_name};
use crate::view::pages::Pages;
use manifest::{CheckSummary, FileEntry, FindingEntry, MANIFEST, Manifest, sha256};

pub use crate::secret::{PASSWORD_ENV, Password};

/// Options of the package stage.
#[derive(Debug, Clone, Default)]
pub struct PackageOptions {
    /// Package even with error-level findings (recorded in the manifest).
    pub allow_findings: bool,
    /// AES-256 password; never from the command line.
    pub password: Option<Password>,
}

/// A built package.
#[derive(Debug)]
pub struct Package {
    /// The zip's file name (NFC).
    pub file_name: String,
    /// The zip.
    pub bytes: Vec<u8>,
    /// Number of entries (manifest included).
    pub entries: usize,
}

/// Why no package was made.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// `anzen check` has errors and `--allow-findings` was not given.
    #[error(
        "anzen check has {0} error-level finding(s); fix them or package with --allow-findings (they are then recorded in manifest.json)"
    )]
    Refused(usize),
    /// Two inputs would give one entry of the zip.
    #[error("two inputs would both be written as {0} in the zip (see output.name-collision)")]
    Collision(String),
    /// Writing the zip failed.
    #[error("zip: {0}")]
    Zip(String),
}

impl PackageError {
    /// The message in both languages.
    pub fn text(&self) -> crate::i18n::Text {
        match self {
            PackageError::Refused(n) => crate::tr!(
                "エラーが {} 件あるため提出用 zip は作りませんでした。直すか、--allow-findings で作成してください（その場合 manifest.json に記録されます）",
                "package not written: {} error-level finding(s); fix them or use --allow-findings (they are then recorded in manifest.json)";
                n
            ),
            PackageError::Collision(name) => crate::tr!(
                "二つの入力が zip の中で同じ {} になります（output.name-collision を参照）",
                "two inputs would both be written as {} in the zip (see output.name-collision)"; name
            ),
            PackageError::Zip(m) => crate::tr!(
                "zip を書けません: {}", "cannot write the zip: {}"; m
            ),
        }
    }
}

/// The inputs from earlier stages.
pub struct Inputs<'a> {
    /// The site's files, if the site goes in.
    pub site: Option<&'a crate::render::site::SiteFiles>,
    /// The PDFs, if they were made.
    pub pdfs: Option<&'a crate::render::pdf::PdfFiles>,
}

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// The zip's file name from the config pattern.
pub fn zip_name(cx: &Context) -> String {
    let c = &cx.project.config;
    let name = c
        .package
        .name
        .replace("{vendor}", &c.vendor.name)
        .replace("{contract}", &c.contract.name)
        .replace("{number}", &c.contract.number)
        .replace("{as_of}", &cx.project.as_of.to_string());
    nfc(&format!(
        "{}.zip",
        file_name(&name.replace(char::is_whitespace, "_"))
    ))
}

/// The fixed timestamp of every entry: SOURCE_DATE_EPOCH if set, else the
/// as-of date at midnight (UTC).
fn entry_time(cx: &Context) -> DateTime {
    let secs = crate::render::pdf::render::timestamp(cx.project.as_of);
    let t = chrono::DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .naive_utc();
    use chrono::{Datelike, Timelike};
    DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}

/// Builds the package in memory.
pub fn package(
    cx: &Context,
    findings: &[Finding],
    revision: Option<&Revision>,
    inputs: &Inputs,
    options: &PackageOptions,
) -> Result<Package, PackageError> {
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 && !options.allow_findings {
        return Err(PackageError::Refused(errors));
    }
    let c = &cx.project.config;
    let folders = &c.package.folders;
    let statuses = crate::check::status::statuses(cx.project, cx.standard, findings);
    let p = Pages {
        cx,
        findings,
        statuses: &statuses,
        mask: false,
    };
    // Entries by their NFC name; two inputs meeting on one name (as the
    // check's `output.name-collision` foresees) are refused, never
    // overwritten, and compared as Windows and macOS compare names.
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut folded = std::collections::BTreeSet::new();
    let mut collision: Option<String> = None;
    let mut put = |path: String, bytes: Vec<u8>| {
        let path = nfc(&path);
        if folded.insert(crate::names::fold(&path)) {
            files.insert(path, bytes);
        } else if collision.is_none() {
            collision = Some(path);
        }
    };
    if let Some(pdfs) = inputs.pdfs {
        for (name, bytes) in pdfs {
            let folder = match name.as_str() {
                COMBINED_PDF => &folders.combined,
                CHECKLIST_PDF => &folders.checklist,
                _ => &folders.documents,
            };
            put(format!("{folder}/{name}"), bytes.clone());
        }
    }
    put(
        format!("{}/{}", folders.checklist, crate::names::CHECKLIST_CSV),
        csv::checklist(&p),
    );
    // The workbooks, created at the zip's own fixed time.
    let created = crate::render::pdf::render::timestamp(cx.project.as_of);
    let xlsx_err = |e: rust_xlsxwriter::XlsxError| PackageError::Zip(format!("xlsx: {e}"));
    put(
        format!("{}/{CHECKLIST_XLSX}", folders.checklist),
        xlsx::checklist(&p, created).map_err(xlsx_err)?,
    );
    if let Some(book) = xlsx::ledgers(&p, created).map_err(xlsx_err)? {
        put(format!("{}/{LEDGERS_XLSX}", folders.ledgers), book);
    }
    let ledgers = &cx.project.ledgers;
    let titles: Vec<String> = ledgers.iter().map(|l| p.ledger_title(l)).collect();
    let csv_names = crate::names::by_title(
        ledgers
            .iter()
            .zip(&titles)
            .map(|(l, t)| (l.id.as_str(), t.as_str())),
        ".csv",
    );
    for (l, name) in ledgers.iter().zip(csv_names) {
        put(format!("{}/{name}", folders.ledgers), csv::ledger(&p, l));
    }
    if let Some(site) = inputs.site.filter(|_| c.package.include_site) {
        for (path, bytes) in site {
            put(format!("{}/{path}", folders.site), bytes.clone());
        }
    }
    if let Some(path) = collision {
        return Err(PackageError::Collision(path));
    }
    let manifest = Manifest {
        tool: "anzen".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        as_of: cx.project.as_of.to_string(),
        vendor: c.vendor.name.clone(),
        client: c.client.name.clone(),
        contract: c.contract.name.clone(),
        contract_number: c.contract.number.clone(),
        git_commit: revision.map(|r| r.commit.clone()),
        git_dirty: revision.map(|r| r.dirty),
        check: CheckSummary {
            errors,
            warnings: findings.len() - errors,
            allowed_findings: errors > 0 && options.allow_findings,
            findings: findings
                .iter()
                .map(|f| FindingEntry {
                    rule: f.rule.clone(),
                    severity: if f.severity == Severity::Error {
                        "error".into()
                    } else {
                        "warning".into()
                    },
                    location: f
                        .location
                        .as_ref()
                        .map(|l| l.to_string())
                        .unwrap_or_default(),
                    message: f.message.ja.clone(),
                })
                .collect(),
        },
        files: files
            .iter()
            .map(|(path, bytes)| FileEntry {
                path: path.clone(),
                size: bytes.len() as u64,
                sha256: sha256(bytes),
            })
            .collect(),
    };
    let manifest_json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| PackageError::Zip(e.to_string()))?;
    files.insert(MANIFEST.into(), manifest_json);

    let time = entry_time(cx);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let base = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644)
        .system(System::Unix)
        .large_file(false);
    let err = |e: zip::result::ZipError| PackageError::Zip(e.to_string());
    for (path, bytes) in &files {
        let opts = match &options.password {
            Some(pw) => base.with_aes_encryption(zip::AesMode::Aes256, &pw.0),
            None => base,
        };
        let opts = if bytes.len() as u64 >= u32::MAX as u64 {
            opts.large_file(true)
        } else {
            opts
        };
        zip.start_file(path.as_str(), opts).map_err(err)?;
        zip.write_all(bytes)
            .map_err(|e| PackageError::Zip(e.to_string()))?;
    }
    let bytes = zip.finish().map_err(err)?.into_inner();
    Ok(Package {
        file_name: zip_name(cx),
        bytes,
        entries: files.len(),
    })
}
