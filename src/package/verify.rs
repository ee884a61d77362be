//! `anzen verify`: opens a bundle, reads its manifest, and compares every
//! entry with it: files added, missing or altered.
//!
//! The zip may come from anyone, so it is read defensively:
//!
//! - Before a byte is inflated, the central directory is held to the
//!   [`limits`]: entry count, name length, total uncompressed size and the
//!   compression ratio of large entries (a zip bomb is refused from its
//!   declared sizes; the zip reader also stops any entry that inflates past
//!   its declared size). Entries are then hashed as streams through a fixed
//!   buffer; only manifest.json is read into memory, and only up to
//!   [`limits::MAX_MANIFEST_BYTES`].
//! - Names that could not come from `anzen build` are refused: `..`,
//!   absolute paths (`/x`, `C:\x`, `C:/x`), backslashes, `.` or empty
//!   components, control characters, symbolic links and other special
//!   files, and the same name twice (in the zip or in the manifest). Local
//!   headers must agree with the central directory, entries must not
//!   overlap, and no entry may hide outside the directory.
//! - With a password, every entry must be AES-encrypted: AES entries carry
//!   an HMAC, so their content is authenticated; an unencrypted entry
//!   (say, a forged manifest.json) is refused. ZipCrypto is refused always:
//!   it authenticates nothing.
//!
//! Exit codes (set by the binary): a [`Verification`] that is not
//! [`ok`](Verification::ok) is exit 1 (the bundle was read and differs
//! from its manifest); every [`VerifyError`] is exit 2, the tampering ones
//! included: a zip holding `../x`, a symbolic link, a duplicate or an
//! unencrypted entry is not a bundle anzen wrote, so it is refused as a
//! whole, with the entry named, rather than reported as a difference.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};
use zip::read::HasZipMetadata;

use super::manifest::{MANIFEST, Manifest};
use crate::i18n::Text;
use crate::terminal;
use crate::tr;

/// The limits a zip is held to before anything in it is inflated. Each one
/// exceeded is a [`VerifyError`] (exit 2). A real bundle (a few thousand
/// files, a few hundred MB) is far inside every one of them.
pub mod limits {
    /// Entries in the zip, and files listed in its manifest. The 10,000-
    /// document benchmark site is about 10,400 files; the zip reader keeps
    /// a few hundred bytes per entry, so this bounds its memory to tens of MB.
    pub const MAX_ENTRIES: usize = 200_000;
    /// Bytes of one entry name (UTF-8) or manifest path. Windows paths stop
    /// at 260 characters (780 bytes of Japanese).
    pub const MAX_NAME_BYTES: usize = 1_024;
    /// Uncompressed bytes of all entries together, as the central directory
    /// declares them: the most a verify will ever inflate and hash.
    pub const MAX_TOTAL_BYTES: u64 = 8 << 30;
    /// Uncompressed : compressed, for entries over [`RATIO_APPLIES_ABOVE`].
    /// Deflate cannot do better than about 1032:1 (runs of one byte); the
    /// PDFs, images, CSV and HTML of a bundle stay under 20:1, and even very
    /// repetitive text rarely passes 100:1. 250:1 leaves a wide margin and
    /// still refuses bombs built near deflate's ceiling, or padded to slip
    /// under 1000:1.
    pub const MAX_RATIO: u64 = 250;
    /// Entries of at most this many uncompressed bytes are not held to
    /// [`MAX_RATIO`]: a small file of zeros is harmless, and what many of
    /// them add up to is bounded by [`MAX_TOTAL_BYTES`].
    pub const RATIO_APPLIES_ABOVE: u64 = 8 << 20;
    /// Uncompressed bytes of manifest.json, the one entry read into memory
    /// (about 150 bytes per listed file, so 200,000 files are ~30 MB).
    pub const MAX_MANIFEST_BYTES: u64 = 64 << 20;
    /// Bytes of a `--password-file` (for `verify` and for `--encrypt`).
    pub const MAX_PASSWORD_FILE_BYTES: u64 = crate::secret::MAX_PASSWORD_FILE_BYTES;
}

use limits::*;

/// What verification found.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Verification {
    /// Files the manifest lists.
    pub listed: usize,
    /// In the zip, not in the manifest.
    pub added: Vec<String>,
    /// In the manifest, not in the zip.
    pub missing: Vec<String>,
    /// Size or hash differs from the manifest.
    pub altered: Vec<String>,
}

impl Verification {
    /// Whether the bundle is exactly what its manifest says.
    pub fn ok(&self) -> bool {
        self.added.is_empty() && self.missing.is_empty() && self.altered.is_empty()
    }
}

/// Why a name (of an entry, or a path in the manifest) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// Nothing (or only `/`).
    Empty,
    /// Starts with `/` or `\`, or a drive letter (`C:`).
    Absolute,
    /// A `..` component.
    Parent,
    /// A `.` or empty component (`a/./b`, `a//b`).
    Unnormalized,
    /// A backslash (a separator to Windows tools).
    Backslash,
    /// NUL or another control character.
    Control,
}

impl NameProblem {
    /// What is wrong, in both languages.
    pub fn text(&self) -> Text {
        match self {
            NameProblem::Empty => tr!("名前が空です", "the name is empty"),
            NameProblem::Absolute => tr!(
                "絶対パスです（/ や C: で始まります）",
                "it is an absolute path (it starts with / or a drive letter)"
            ),
            NameProblem::Parent => tr!(
                "「..」でフォルダーの外に出ます",
                "it climbs out of the folder with .."
            ),
            NameProblem::Unnormalized => tr!(
                "「.」や空の要素（//）を含みます",
                "it has a . or empty component (//)"
            ),
            NameProblem::Backslash => tr!(
                "バックスラッシュを含みます（区切りは / だけです）",
                "it holds a backslash (the separator is /)"
            ),
            NameProblem::Control => tr!("制御文字を含みます", "it holds a control character"),
        }
    }
}

/// Checks a name as `anzen build` writes them: relative, `/`-separated,
/// normalised, without controls. Directory entries are checked without
/// their one trailing `/`.
pub fn check_name(name: &str) -> Result<(), NameProblem> {
    let b = name.as_bytes();
    if name.chars().any(char::is_control) {
        return Err(NameProblem::Control);
    }
    if name.starts_with(['/', '\\']) || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
    {
        return Err(NameProblem::Absolute);
    }
    if name.contains('\\') {
        return Err(NameProblem::Backslash);
    }
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    for part in name.split('/') {
        match part {
            ".." => return Err(NameProblem::Parent),
            "" | "." => return Err(NameProblem::Unnormalized),
            _ => {}
        }
    }
    Ok(())
}

/// Why a bundle could not be verified at all (exit 2). Names in the
/// messages are escaped for the terminal.
#[derive(Debug)]
pub enum VerifyError {
    /// The zip file cannot be opened or read: why, in both languages.
    Open(Text),
    /// The zip path is a folder, device, FIFO…, which is never read.
    NotAFile,
    /// Not readable as a zip.
    Zip(String),
    /// Local headers and the central directory disagree, entries overlap,
    /// or an entry is not in the central directory.
    Inconsistent(String),
    /// Encrypted and no (or a wrong) password.
    Password,
    /// No manifest inside.
    NoManifest,
    /// The manifest does not parse.
    BadManifest(String),
    /// More than [`MAX_ENTRIES`] entries.
    TooManyEntries(usize),
    /// The manifest lists more than [`MAX_ENTRIES`] files.
    ManifestTooLong(usize),
    /// An entry name or manifest path over [`MAX_NAME_BYTES`].
    NameTooLong {
        /// The name (maybe not UTF-8, shown lossily).
        name: String,
        /// Its length in bytes.
        bytes: usize,
    },
    /// More than [`MAX_TOTAL_BYTES`] uncompressed.
    TooLarge(u64),
    /// An entry over [`RATIO_APPLIES_ABOVE`] compressed more than [`MAX_RATIO`]:1.
    Ratio {
        /// The entry.
        name: String,
        /// Declared uncompressed size.
        size: u64,
        /// Compressed size.
        compressed: u64,
    },
    /// manifest.json over [`MAX_MANIFEST_BYTES`].
    ManifestTooLarge(u64),
    /// An entry name that anzen never writes.
    BadName {
        /// The name.
        name: String,
        /// What is wrong with it.
        problem: NameProblem,
    },
    /// A manifest path that anzen never writes.
    BadManifestPath {
        /// The path.
        path: String,
        /// What is wrong with it.
        problem: NameProblem,
    },
    /// A symbolic-link entry.
    Symlink(String),
    /// A device, FIFO or socket entry.
    SpecialFile(String),
    /// A folder entry with content.
    FolderWithData(String),
    /// Two entries of the same name (one of them would go unchecked).
    Duplicate(String),
    /// The manifest lists a path twice.
    DuplicateManifestPath(String),
    /// A password was given and this entry is not encrypted.
    Unencrypted(String),
    /// A ZipCrypto entry (not authenticated).
    ZipCrypto(String),
    /// An AES entry whose HMAC does not match (altered, or a wrong password).
    Unauthenticated(String),
    /// An entry that cannot be read (CRC, size or data errors).
    Entry {
        /// The entry.
        name: String,
        /// The reader's message.
        detail: String,
    },
}

/// `n` bytes, as `8 GiB` when it is a whole number of KiB, MiB or GiB.
fn bytes(n: u64) -> String {
    for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{} {unit}", n >> shift);
        }
    }
    format!("{n} B")
}

/// A name for a message: escaped for the terminal, and cut after 200
/// characters (an over-long name is shown by its start).
fn shown(name: &str) -> String {
    let t = terminal::text(name);
    match t.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.into_owned(),
    }
}

impl VerifyError {
    /// The message in both languages (without the zip's path, which the
    /// caller puts before it).
    pub fn text(&self) -> Text {
        use VerifyError as E;
        let env = super::PASSWORD_ENV;
        match self {
            E::Open(e) => Text::new(
                format!("開けません: {}", e.ja),
                format!("cannot open it: {}", e.en),
            ),
            E::NotAFile => tr!(
                "通常のファイルではありません（フォルダー、デバイス、FIFO などは読みません）",
                "not a regular file (folders, devices and FIFOs are not read)"
            ),
            E::Zip(e) => tr!("zip として読めません: {}", "not readable as a zip: {}"; e),
            E::Inconsistent(e) => tr!(
                "zip の構造が正しくありません（ローカルヘッダーと中央ディレクトリの食い違い、重なったエントリ、一覧にないエントリなど）: {}",
                "the zip's structure is inconsistent (local headers and central directory disagree, entries overlap, or an entry is hidden): {}";
                e
            ),
            E::Password => tr!(
                "暗号化されています。パスワードを環境変数 {} か --password-file で渡してください（または誤りです）",
                "the bundle is encrypted: give the password in {} or with --password-file (or it is wrong)";
                env
            ),
            E::NoManifest => tr!(
                "manifest.json がありません",
                "no manifest.json in the bundle"
            ),
            E::BadManifest(e) => tr!(
                "manifest.json が正しくありません: {}",
                "manifest.json is not valid: {}";
                e
            ),
            E::TooManyEntries(n) => tr!(
                "エントリが {} 個あります。受け付けるのは {} 個までです",
                "the zip has {} entries; at most {} are accepted";
                n, MAX_ENTRIES
            ),
            E::ManifestTooLong(n) => tr!(
                "manifest.json に {} ファイルが載っています。受け付けるのは {} 個までです",
                "manifest.json lists {} files; at most {} are accepted";
                n, MAX_ENTRIES
            ),
            E::NameTooLong { name, bytes } => tr!(
                "名前が {} バイトあります（上限 {} バイト）: {}",
                "a name is {} bytes long (at most {}): {}";
                bytes, MAX_NAME_BYTES, shown(name)
            ),
            E::TooLarge(total) => tr!(
                "展開後の合計が {} バイトになります。受け付けるのは {} までです",
                "the entries come to {} bytes uncompressed; at most {} is accepted";
                total, bytes(MAX_TOTAL_BYTES)
            ),
            E::Ratio {
                name,
                size,
                compressed,
            } => {
                let ratio = size / (*compressed).max(1);
                tr!(
                    "{} の圧縮率が {}:1 です（{} バイトから {} バイトに展開）。{} を超えるエントリの圧縮率は {}:1 までです（zip 爆弾の疑い）",
                    "{} has a compression ratio of {}:1 ({} bytes inflate to {}); entries over {} may have at most {}:1 (a zip bomb?)";
                    shown(name), ratio, compressed, size, bytes(RATIO_APPLIES_ABOVE), MAX_RATIO
                )
            }
            E::ManifestTooLarge(size) => tr!(
                "manifest.json が {} バイトあります。受け付けるのは {} までです",
                "manifest.json is {} bytes; at most {} is accepted";
                size, bytes(MAX_MANIFEST_BYTES)
            ),
            E::BadName { name, problem } => Text::new(
                format!(
                    "エントリ名 {} を受け付けません: {}",
                    shown(name),
                    problem.text().ja
                ),
                format!("refusing the entry {}: {}", shown(name), problem.text().en),
            ),
            E::BadManifestPath { path, problem } => Text::new(
                format!(
                    "manifest.json のパス {} を受け付けません: {}",
                    shown(path),
                    problem.text().ja
                ),
                format!(
                    "refusing the path {} in manifest.json: {}",
                    shown(path),
                    problem.text().en
                ),
            ),
            E::Symlink(name) => tr!(
                "{} はシンボリックリンクです。提出物には通常のファイルだけが入ります",
                "{} is a symbolic link; a bundle holds only regular files";
                shown(name)
            ),
            E::SpecialFile(name) => tr!(
                "{} は通常のファイルではありません（デバイス、FIFO、ソケット）",
                "{} is not a regular file (a device, FIFO or socket)";
                shown(name)
            ),
            E::FolderWithData(name) => tr!(
                "{} はフォルダーなのに中身があります",
                "{} is a folder entry but holds data";
                shown(name)
            ),
            E::Duplicate(name) => tr!(
                "{} という名前のエントリが 2 つ以上あります（一方が検査をすり抜けます）",
                "the zip holds {} twice (one copy would go unchecked)";
                shown(name)
            ),
            E::DuplicateManifestPath(path) => tr!(
                "manifest.json に {} が 2 回以上載っています",
                "manifest.json lists {} twice";
                shown(path)
            ),
            E::Unencrypted(name) => tr!(
                "パスワードが渡されましたが、{} は暗号化されていません。暗号化した提出物ではすべてのエントリが AES で暗号化されています（差し替えの疑い）",
                "a password was given but {} is not encrypted: in an encrypted bundle every entry is AES-encrypted (was it swapped?)";
                shown(name)
            ),
            E::ZipCrypto(name) => tr!(
                "{} は ZipCrypto で暗号化されています。ZipCrypto は改ざんを検出できないため受け付けません（anzen は AES-256 で暗号化します）",
                "{} is encrypted with ZipCrypto, which cannot detect tampering; only AES is accepted (anzen encrypts with AES-256)";
                shown(name)
            ),
            E::Unauthenticated(name) => tr!(
                "{} が認証に失敗しました（改ざんされたか、パスワードが違います）",
                "{} failed its authentication check: it was altered, or the password is wrong";
                shown(name)
            ),
            E::Entry { name, detail } => tr!(
                "{} を読めません: {}",
                "cannot read {}: {}";
                shown(name), detail
            ),
        }
    }
}

impl std::fmt::Display for VerifyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().en)
    }
}

impl std::error::Error for VerifyError {}

/// Unix file-type bits of an entry's mode.
const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;

/// What the first pass learnt of one entry.
struct Entry {
    index: usize,
    name: String,
    size: u64,
    folder: bool,
}

/// Verifies the zip at `path` (with `password` for an encrypted one).
pub fn verify(path: &Path, password: Option<&[u8]>) -> Result<Verification, VerifyError> {
    let file = open_regular(path)?;
    let dup_reader = file.try_clone().ok();
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| match e {
        zip::result::ZipError::Io(e) => VerifyError::Open(crate::i18n::io_reason(&e)),
        e => VerifyError::Zip(e.to_string()),
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(VerifyError::TooManyEntries(zip.len()));
    }
    if zip.has_duplicate_names() {
        let name = dup_reader
            .and_then(|f| first_duplicate(f, zip.central_directory_start()))
            .unwrap_or_default();
        return Err(VerifyError::Duplicate(name));
    }

    // First pass, over the central directory only: names, types, sizes and
    // encryption, before anything is inflated.
    let mut entries = Vec::with_capacity(zip.len());
    let mut seen: HashSet<String> = HashSet::with_capacity(zip.len());
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let e = zip
            .by_index_data(index)
            .map_err(|e| VerifyError::Zip(e.to_string()))?;
        let raw = e.name_raw();
        if raw.len() > MAX_NAME_BYTES {
            return Err(VerifyError::NameTooLong {
                name: String::from_utf8_lossy(raw).into_owned(),
                bytes: raw.len(),
            });
        }
        let name = e
            .name()
            .map_err(|e| VerifyError::Zip(e.to_string()))?
            .into_owned();
        let folder = e.is_dir();
        let bare = if folder {
            &name[..name.len() - 1]
        } else {
            &name
        };
        check_name(bare).map_err(|problem| VerifyError::BadName {
            name: name.clone(),
            problem,
        })?;
        if !seen.insert(name.clone()) {
            // Two raw names that decode to the same text.
            return Err(VerifyError::Duplicate(name));
        }
        match e.unix_mode().map(|m| m & S_IFMT) {
            None | Some(0) | Some(S_IFREG) | Some(S_IFDIR) => {}
            Some(S_IFLNK) => return Err(VerifyError::Symlink(name)),
            Some(_) => return Err(VerifyError::SpecialFile(name)),
        }
        let (size, compressed) = (e.size(), e.compressed_size());
        if folder && size > 0 {
            return Err(VerifyError::FolderWithData(name));
        }
        if name == MANIFEST && size > MAX_MANIFEST_BYTES {
            return Err(VerifyError::ManifestTooLarge(size));
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL_BYTES {
            return Err(VerifyError::TooLarge(
                (0..zip.len())
                    .filter_map(|i| zip.by_index_data(i).ok())
                    .fold(0u64, |t, e| t.saturating_add(e.size())),
            ));
        }
        if size > RATIO_APPLIES_ABOVE && size / MAX_RATIO > compressed {
            return Err(VerifyError::Ratio {
                name,
                size,
                compressed,
            });
        }
        let aes = e.get_metadata().aes_settings().is_some();
        match (e.encrypted(), aes, password) {
            (true, false, _) => return Err(VerifyError::ZipCrypto(name)),
            (true, true, None) => return Err(VerifyError::Password),
            // An empty folder entry has nothing to authenticate.
            (false, _, Some(_)) if !(folder && size == 0) => {
                return Err(VerifyError::Unencrypted(name));
            }
            _ => {}
        }
        entries.push(Entry {
            index,
            name,
            size,
            folder,
        });
    }
    drop(seen);
    zip.validate_header_consistency().map_err(|e| match e {
        zip::result::ZipError::Io(e) => VerifyError::Open(crate::i18n::io_reason(&e)),
        e => VerifyError::Inconsistent(e.to_string()),
    })?;

    // The manifest, the one entry held in memory.
    let manifest_entry = entries
        .iter()
        .find(|e| e.name == MANIFEST)
        .ok_or(VerifyError::NoManifest)?;
    let mut manifest_bytes =
        Vec::with_capacity(manifest_entry.size.min(MAX_MANIFEST_BYTES) as usize);
    read_entry(&mut zip, manifest_entry, password, |chunk| {
        if manifest_bytes.len() + chunk.len() > MAX_MANIFEST_BYTES as usize {
            return Err(VerifyError::ManifestTooLarge(MAX_MANIFEST_BYTES + 1));
        }
        manifest_bytes.extend_from_slice(chunk);
        Ok(())
    })?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| VerifyError::BadManifest(e.to_string()))?;
    drop(manifest_bytes);
    if manifest.files.len() > MAX_ENTRIES {
        return Err(VerifyError::ManifestTooLong(manifest.files.len()));
    }
    let mut listed = HashMap::with_capacity(manifest.files.len());
    for f in &manifest.files {
        if f.path.len() > MAX_NAME_BYTES {
            return Err(VerifyError::NameTooLong {
                name: f.path.clone(),
                bytes: f.path.len(),
            });
        }
        check_name(&f.path).map_err(|problem| VerifyError::BadManifestPath {
            path: f.path.clone(),
            problem,
        })?;
        if listed.insert(f.path.as_str(), f).is_some() {
            return Err(VerifyError::DuplicateManifestPath(f.path.clone()));
        }
    }

    // Every listed entry hashed as a stream; the rest are added.
    let mut present: HashSet<&str> = HashSet::with_capacity(entries.len());
    let mut altered: HashSet<&str> = HashSet::new();
    let mut added = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    for e in entries.iter().filter(|e| !e.folder && e.name != MANIFEST) {
        let Some(f) = listed.get(e.name.as_str()) else {
            added.push(e.name.clone());
            continue;
        };
        present.insert(e.name.as_str());
        if e.size != f.size {
            altered.insert(e.name.as_str());
            continue;
        }
        let mut hasher = Sha256::new();
        let mut n: u64 = 0;
        read_entry_with(&mut zip, e, password, &mut buf, |chunk| {
            n += chunk.len() as u64;
            hasher.update(chunk);
            Ok(())
        })?;
        if n != f.size || hex(&hasher.finalize()) != f.sha256 {
            altered.insert(e.name.as_str());
        }
    }
    added.sort();
    let mut v = Verification {
        listed: manifest.files.len(),
        added,
        ..Default::default()
    };
    for f in &manifest.files {
        if !present.contains(f.path.as_str()) {
            v.missing.push(f.path.clone());
        } else if altered.contains(f.path.as_str()) {
            v.altered.push(f.path.clone());
        }
    }
    Ok(v)
}

/// Opens `path` if it is a regular file (checked before opening, so a FIFO
/// is never opened, and again on the open handle).
fn open_regular(path: &Path) -> Result<File, VerifyError> {
    let meta =
        std::fs::metadata(path).map_err(|e| VerifyError::Open(crate::i18n::io_reason(&e)))?;
    if !meta.is_file() {
        return Err(VerifyError::NotAFile);
    }
    let file = File::open(path).map_err(|e| VerifyError::Open(crate::i18n::io_reason(&e)))?;
    match file.metadata() {
        Ok(m) if m.is_file() => Ok(file),
        Ok(_) => Err(VerifyError::NotAFile),
        Err(e) => Err(VerifyError::Open(crate::i18n::io_reason(&e))),
    }
}

fn read_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    e: &Entry,
    password: Option<&[u8]>,
    sink: impl FnMut(&[u8]) -> Result<(), VerifyError>,
) -> Result<(), VerifyError> {
    let mut buf = vec![0u8; 64 << 10];
    read_entry_with(zip, e, password, &mut buf, sink)
}

/// Streams entry `e` through `buf` into `sink`, decrypting it with
/// `password` when it is encrypted (the AES reader checks the HMAC at the
/// end; the zip reader stops at the declared size).
fn read_entry_with<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    e: &Entry,
    password: Option<&[u8]>,
    buf: &mut [u8],
    mut sink: impl FnMut(&[u8]) -> Result<(), VerifyError>,
) -> Result<(), VerifyError> {
    let options = zip::ZipReadOptions::new().password(password);
    let mut r = zip
        .by_index_with_options(e.index, options)
        .map_err(|err| match err {
            zip::result::ZipError::InvalidPassword => VerifyError::Password,
            zip::result::ZipError::UnsupportedArchive(m)
                if m == zip::result::ZipError::PASSWORD_REQUIRED =>
            {
                VerifyError::Password
            }
            err => VerifyError::Entry {
                name: e.name.clone(),
                detail: err.to_string(),
            },
        })?;
    let encrypted = r.encrypted();
    loop {
        let n = match r.read(buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            // Only AES entries get here encrypted: whatever fails in one
            // (the HMAC, or inflating what a flipped byte garbled) means
            // its content is not what was encrypted.
            Err(_) if encrypted => return Err(VerifyError::Unauthenticated(e.name.clone())),
            Err(err) => {
                return Err(VerifyError::Entry {
                    name: e.name.clone(),
                    detail: err.to_string(),
                });
            }
        };
        sink(&buf[..n])?;
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The first name that occurs twice in the central directory starting at
/// `start` (the zip reader keeps one entry per name, so it cannot say
/// which). Walks at most [`MAX_ENTRIES`] + 1 headers.
fn first_duplicate(file: File, start: u64) -> Option<String> {
    let mut r = BufReader::new(file);
    r.seek(SeekFrom::Start(start)).ok()?;
    let mut names: HashSet<Vec<u8>> = HashSet::new();
    for _ in 0..=MAX_ENTRIES {
        let mut head = [0u8; 46];
        r.read_exact(&mut head).ok()?;
        if head[..4] != [0x50, 0x4b, 0x01, 0x02] {
            return None;
        }
        let len = |at: usize| u16::from_le_bytes([head[at], head[at + 1]]);
        let mut name = vec![0u8; usize::from(len(28))];
        r.read_exact(&mut name).ok()?;
        r.seek_relative(i64::from(len(30)) + i64::from(len(32)))
            .ok()?;
        if let Some(dup) = names.replace(name) {
            return Some(String::from_utf8_lossy(&dup).into_owned());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_anzen_writes_them_pass() {
        for ok in [
            "manifest.json",
            "01_提出書類一式/提出書類一式.pdf",
            "05_サイト/index.html",
            "a..b/c...d",
            "evil\u{202e}fdp.exe",
        ] {
            assert_eq!(check_name(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn names_that_escape_or_hide_are_refused() {
        use NameProblem::*;
        for (name, problem) in [
            ("", Empty),
            ("../x", Parent),
            ("a/../../x", Parent),
            ("a/..", Parent),
            ("/x", Absolute),
            ("\\x", Absolute),
            ("C:\\x", Absolute),
            ("C:/x", Absolute),
            ("c:x", Absolute),
            ("..\\x", Backslash),
            ("a\\b", Backslash),
            ("a\0b", Control),
            ("a\x1b[2Kb", Control),
            ("a\rb", Control),
            ("a\u{85}b", Control),
            ("a/./b", Unnormalized),
            ("./a", Unnormalized),
            ("a//b", Unnormalized),
            ("a/", Unnormalized),
        ] {
            assert_eq!(check_name(name), Err(problem), "{name:?}");
        }
    }

    #[test]
    fn sizes_in_messages_are_whole_units_when_they_can_be() {
        assert_eq!(bytes(MAX_TOTAL_BYTES), "8 GiB");
        assert_eq!(bytes(MAX_MANIFEST_BYTES), "64 MiB");
        assert_eq!(bytes(MAX_PASSWORD_FILE_BYTES), "4 KiB");
        assert_eq!(bytes(1000), "1000 B");
    }

    #[test]
    fn every_error_speaks_both_languages() {
        let e = VerifyError::BadName {
            name: "a\x1b[2K".into(),
            problem: NameProblem::Control,
        };
        let t = e.text();
        assert!(
            t.ja.contains("制御文字") && t.ja.contains("a\\x1b[2K"),
            "{t:?}"
        );
        assert!(
            t.en.contains("control character") && !t.en.contains('\x1b'),
            "{t:?}"
        );
    }
}
