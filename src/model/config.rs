//! The project config (`anzen.yaml`): who the vendor and client are, the
//! contract and its dates, which standards apply, and the as-of date.

use serde::{Deserialize, Serialize};

use crate::date::Date;

/// The file name of the project config at the project root.
pub const CONFIG_FILE: &str = "anzen.yaml";

/// `anzen.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// 受注者: the vendor.
    pub vendor: Party,
    /// 発注者: the client (municipality).
    pub client: Party,
    /// The contract.
    pub contract: Contract,
    /// Standards to check against: bundled ids or paths to standard files.
    #[serde(default = "default_standards")]
    pub standards: Vec<String>,
    /// The date checks are made for; today when absent.
    #[serde(default)]
    pub as_of: Option<Date>,
    /// 提出日: the date the 提出書 bears; the as-of date when absent.
    #[serde(default)]
    pub submission_date: Option<Date>,
    /// The content folder, relative to the root (default `content`).
    #[serde(default = "default_content_dir")]
    pub content_dir: String,
    /// A theme folder under `themes/` whose files override the default theme.
    #[serde(default)]
    pub theme: Option<String>,
    /// Site options.
    #[serde(default)]
    pub site: SiteConfig,
    /// PDF options.
    #[serde(default)]
    pub pdf: PdfConfig,
    /// Submission package options.
    #[serde(default)]
    pub package: PackageConfig,
    /// Thresholds of the checks.
    #[serde(default)]
    pub check: CheckConfig,
    /// Numbers and addresses that look like personal data but are not (a
    /// made-up My Number in an example, the company's switchboard): the
    /// `pii.*` checks leave them alone.
    #[serde(default)]
    pub allow_pii: Vec<String>,
    /// Controls the vendor states company-wide, as data the records are
    /// held to (see also a document's `controls:`).
    #[serde(default)]
    pub controls: Vec<crate::model::Control>,
}

/// Thresholds of the checks (`check:` in anzen.yaml).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// The shortest reason a 該当無 may give, in characters (default 10).
    pub na_reason_min_chars: usize,
    /// Roles that may approve take-outs, deletions, access rights (default
    /// 総括保護管理者 and 保護管理者).
    pub approver_roles: Vec<String>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            na_reason_min_chars: 10,
            approver_roles: Vec::new(),
        }
    }
}

/// Options of the submission zip.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    /// The zip's name without `.zip`; `{vendor}`, `{contract}`, `{number}`
    /// and `{as_of}` are replaced.
    #[serde(default = "default_package_name")]
    pub name: String,
    /// Put the site in the zip.
    #[serde(default = "yes")]
    pub include_site: bool,
    /// Folder names inside the zip.
    #[serde(default)]
    pub folders: PackageFolders,
}

impl Default for PackageConfig {
    fn default() -> Self {
        PackageConfig {
            name: default_package_name(),
            include_site: true,
            folders: PackageFolders::default(),
        }
    }
}

/// Folder names inside the zip (Japanese by default, so Explorer shows them).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PackageFolders {
    /// The combined PDF.
    pub combined: String,
    /// The checklist (PDF and CSV).
    pub checklist: String,
    /// One PDF per document.
    pub documents: String,
    /// Ledgers as CSV.
    pub ledgers: String,
    /// The site.
    pub site: String,
}

impl Default for PackageFolders {
    fn default() -> Self {
        PackageFolders {
            combined: "01_提出書類一式".into(),
            checklist: "02_チェックシート".into(),
            documents: "03_文書".into(),
            ledgers: "04_台帳".into(),
            site: "05_サイト".into(),
        }
    }
}

fn default_package_name() -> String {
    "{vendor}_{contract}_{as_of}".into()
}

fn yes() -> bool {
    true
}

/// Options of the PDFs.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PdfConfig {
    /// Refused when set: typst is found through `ANZEN_TYPST` or PATH only
    /// (a project file must not choose a program for anzen to run). Kept
    /// so that the config check can say so at the line.
    #[serde(default, skip_serializing)]
    pub typst: Option<String>,
    /// Extra font folders, relative to the project root.
    #[serde(default)]
    pub font_paths: Vec<String>,
    /// Mincho (serif) families in order of preference.
    #[serde(default)]
    pub serif_fonts: Vec<String>,
    /// Gothic (sans) families in order of preference.
    #[serde(default)]
    pub sans_fonts: Vec<String>,
    /// Write PDF/A-2b.
    #[serde(default)]
    pub pdf_a: bool,
    /// How the 提出書 is signed: a 印 box, or a note that it is signed
    /// electronically.
    #[serde(default)]
    pub signature: Signature,
    /// The note printed instead of the 印 box when signed electronically
    /// (a default sentence when absent).
    #[serde(default)]
    pub signature_note: Option<String>,
    /// Append the standard's text (別添) to the combined PDF.
    #[serde(default)]
    pub include_standard: bool,
    /// Document ids in the order they go in the combined PDF within their
    /// kind (policy, rules, procedure, plan, other); unlisted ones follow
    /// by id.
    #[serde(default)]
    pub document_order: Vec<String>,
    /// Ledgers (ids or kinds) whose records' evidence is attached to the
    /// combined PDF besides training records and certificate copies,
    /// which always are.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// How the 提出書 is signed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signature {
    /// A 印 box beside the representative's name (sealed on paper).
    #[default]
    Seal,
    /// A note that the PDF is signed electronically.
    Electronic,
}

/// Options of the static site.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Mask personal-data fields (names, signatures) on the site.
    #[serde(default)]
    pub mask_personal: bool,
}

/// A vendor or client.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Name (株式会社…, …市).
    pub name: String,
    /// Representative (代表者).
    #[serde(default)]
    pub representative: Option<String>,
    /// Department (担当課).
    #[serde(default)]
    pub department: Option<String>,
    /// Address.
    #[serde(default)]
    pub address: Option<String>,
    /// 担当者: whom the reviewer contacts (the vendor's, on the 提出書).
    #[serde(default)]
    pub contact: Option<Contact>,
}

/// A contact person (`vendor.contact`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Department (部署).
    #[serde(default)]
    pub department: Option<String>,
    /// Telephone.
    #[serde(default)]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
}

/// The contract under which personal information is handled.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// 契約件名.
    pub name: String,
    /// 契約番号 (always text).
    pub number: String,
    /// First day of the contract period.
    pub start: Date,
    /// Last day of the contract period.
    pub end: Date,
    /// 業務着手日: the day work starts; いいえ answers must be remedied by then.
    pub work_start: Date,
    /// Whether the work handles 特定個人情報 (My Number).
    #[serde(default)]
    pub specific_personal_info: bool,
    /// The day of the following month by which each monthly status report
    /// is due, as the contract sets it (else the standard's, the 10th).
    #[serde(default)]
    pub monthly_report_due_day: Option<u32>,
    /// Days within which an incident must be reported to the client (the
    /// standard: without delay; default 1).
    #[serde(default)]
    pub incident_report_days: Option<u32>,
    /// Days within which a deletion's certificate must follow it
    /// (default 30).
    #[serde(default)]
    pub deletion_certificate_days: Option<u32>,
}

fn default_standards() -> Vec<String> {
    vec!["municipal-standard".to_string()]
}

fn default_content_dir() -> String {
    "content".to_string()
}
