//! The orchestrator of `anzen build`: load → check → render site → (PDF,
//! package in later stages) → write. Output goes to a temporary folder that
//! replaces the previous one only when complete, so a failed build leaves
//! the last good output untouched.

use std::path::{Path, PathBuf};

use crate::check::{self, Context};
use crate::diag::Finding;
use crate::load::{self, LoadError, LoadOptions};
use crate::render::site::{self, SiteOptions};
use crate::standard::LedgerKinds;
use crate::view::theme;

/// Options of a build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The output folder (default `<root>/output`).
    pub out: Option<PathBuf>,
    /// Site options.
    pub site: SiteOptions,
    /// Whether to make PDFs (`--no-pdf` turns it off).
    pub pdf: bool,
    /// PDF options.
    pub pdf_options: crate::render::pdf::PdfOptions,
    /// Whether to write the zip.
    pub package: bool,
    /// Package options.
    pub package_options: crate::package::PackageOptions,
    /// Told of each stage.
    pub progress: Option<crate::progress::Progress>,
}

/// What a build produced.
#[derive(Debug)]
pub struct BuildReport {
    /// Every finding of the check.
    pub findings: Vec<Finding>,
    /// The site folder written.
    pub site_dir: PathBuf,
    /// Number of files in the site.
    pub site_files: usize,
    /// The PDF folder written, if PDFs were made.
    pub pdf_dir: Option<PathBuf>,
    /// Number of PDFs.
    pub pdf_files: usize,
    /// The zip written, or why it was not.
    pub package: Option<Result<PathBuf, crate::package::PackageError>>,
    /// As-of date.
    pub as_of: String,
    /// Whether the project is in a git repository (history, revision).
    pub in_git: bool,
}

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The project could not be loaded.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The standard named in the config could not be loaded.
    #[error("standard")]
    Standard(Vec<Finding>),
    /// The theme could not be loaded.
    #[error(transparent)]
    Theme(#[from] theme::ThemeError),
    /// Rendering failed.
    #[error(transparent)]
    Site(#[from] site::SiteError),
    /// PDFs failed.
    #[error(transparent)]
    Pdf(#[from] crate::render::pdf::PdfError),
    /// A report could not be made.
    #[error("{0}")]
    Report(String),
    /// The output folder is unsafe to write.
    #[error("refusing to write to {0}: it is or contains the project or its content")]
    UnsafeOutput(PathBuf),
    /// A write was refused (a symbolic link in the way) or another build
    /// holds the output folder.
    #[error(transparent)]
    Refused(#[from] crate::write::WriteError),
    /// Writing failed.
    #[error("{path}: {source}")]
    Write {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl BuildError {
    /// The message in both languages.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::terminal::path;
        use crate::tr;
        match self {
            BuildError::Load(e) => e.text(),
            BuildError::Refused(e) => e.text(),
            BuildError::UnsafeOutput(p) => tr!(
                "出力先 {} はプロジェクトか content/ そのもの・それを含む場所・その中なので、書き込みを拒否しました",
                "refusing to write to {}: it is or contains the project or its content"; path(p)
            ),
            BuildError::Theme(theme::ThemeError::Outside(p)) => tr!(
                "テーマのフォルダ {} はプロジェクトの外を指すシンボリックリンクです（テーマはプロジェクトの中からだけ読みます）",
                "the theme folder {} leads outside the project (a symbolic link); themes are read only from inside it";
                crate::terminal::text(p)
            ),
            BuildError::Write { path: p, source } => tr!(
                "{} に書き込めません: {}", "cannot write {}: {}"; path(p), source
            ),
            e => crate::i18n::Text::new(e.to_string(), e.to_string()),
        }
    }
}

/// Runs a build of the project at `root`.
pub fn build(
    root: &Path,
    load_options: &LoadOptions,
    options: &BuildOptions,
) -> Result<BuildReport, BuildError> {
    use crate::progress::{Event, emit};
    emit(
        &options.progress,
        Event::Stage("読み込みと検査", "load and check"),
    );
    let (project, std, kinds, findings) = load_and_check(root, load_options)?;
    let out = output_folder(root, options.out.as_deref());
    guard_output(root, &root.join(&project.config.content_dir), &out)?;
    let _lock = crate::write::OutputLock::take(&out)?;
    let theme = theme::load(root, project.config.theme.as_deref())?;
    let cx = Context::new(&project, &std, &kinds);
    let revision = crate::git::revision(root);
    let mut site_options = options.site.clone();
    site_options.mask_personal |= project.config.site.mask_personal;
    site_options.progress = site_options.progress.or_else(|| options.progress.clone());
    emit(&options.progress, Event::Stage("サイト", "site"));
    let files = site::render(&cx, &findings, revision.as_ref(), &theme, &site_options)?;
    // PDFs before anything is written: a failure leaves all output as it was.
    let pdfs = if options.pdf {
        emit(&options.progress, Event::Stage("PDF", "PDF"));
        let mut pdf_options = options.pdf_options.clone();
        pdf_options.pdf_a |= project.config.pdf.pdf_a;
        Some(crate::render::pdf::render(
            &cx,
            &theme,
            &findings,
            revision.as_ref(),
            &pdf_options,
        )?)
    } else {
        None
    };
    if options.package {
        emit(&options.progress, Event::Stage("提出用 zip", "package"));
    }
    let package = options.package.then(|| {
        let inputs = crate::package::Inputs {
            site: Some(&files),
            pdfs: pdfs.as_ref(),
        };
        crate::package::package(
            &cx,
            &findings,
            revision.as_ref(),
            &inputs,
            &options.package_options,
        )
    });
    let site_dir = out.join("site");
    let pdf_dir = pdfs.as_ref().map(|_| out.join("pdf"));
    // Everything is written next to its place first and swapped in only
    // when all of it is there: a failure while writing (disk full,
    // permissions) leaves the previous site, PDFs and zip as they were.
    emit(&options.progress, Event::Stage("書き出し", "write"));
    let mut staged = Vec::new();
    let staging = (|| {
        staged.push(stage_dir(&site_dir, &files)?);
        if let (Some(dir), Some(p)) = (&pdf_dir, &pdfs) {
            staged.push(stage_dir(dir, p)?);
        }
        if let Some(Ok(p)) = &package {
            staged.push(stage_file(&out.join(&p.file_name), &p.bytes)?);
        }
        Ok::<(), BuildError>(())
    })();
    if let Err(e) = staging {
        staged.into_iter().for_each(Staged::discard);
        return Err(e);
    }
    for s in staged {
        s.commit()?;
    }
    let package = match package {
        Some(Ok(p)) => Some(Ok(out.join(&p.file_name))),
        Some(Err(e)) => Some(Err(e)),
        None => None,
    };
    Ok(BuildReport {
        findings,
        package,
        site_files: files.len(),
        site_dir,
        pdf_files: pdfs.as_ref().map_or(0, |p| p.len()),
        pdf_dir,
        in_git: project.history.in_git,
        as_of: project.as_of.to_string(),
    })
}

/// Stages 1 and 2: the project, its standard, the ledger kinds and every
/// finding.
pub fn load_and_check(
    root: &Path,
    load_options: &LoadOptions,
) -> Result<
    (
        crate::model::Project,
        crate::standard::Standard,
        LedgerKinds,
        Vec<Finding>,
    ),
    BuildError,
> {
    let (project, mut findings) = load::load(root, load_options)?;
    let std = crate::load::standards::resolve(root, &project.config.standards)
        .map_err(BuildError::Standard)?;
    let kinds = LedgerKinds::bundled();
    findings.extend(check::run(&project, &std, &kinds));
    crate::diag::sort(&mut findings);
    Ok((project, std, kinds, findings))
}

/// `anzen package`: the package stage alone, from the site and PDFs a
/// previous `anzen build` left in the output folder (whatever is there).
pub fn package_only(
    root: &Path,
    load_options: &LoadOptions,
    out: Option<PathBuf>,
    options: &crate::package::PackageOptions,
) -> Result<BuildReport, BuildError> {
    let (project, std, kinds, findings) = load_and_check(root, load_options)?;
    let out = output_folder(root, out.as_deref());
    guard_output(root, &root.join(&project.config.content_dir), &out)?;
    let _lock = crate::write::OutputLock::take(&out)?;
    let read_dir = |dir: &Path| -> Result<Option<site::SiteFiles>, BuildError> {
        if !dir.is_dir() {
            return Ok(None);
        }
        let mut files = site::SiteFiles::new();
        for entry in walkdir::WalkDir::new(dir)
            .follow_links(false)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| BuildError::Write {
                path: dir.to_path_buf(),
                source: std::io::Error::other(e),
            })?;
            if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path()).map_err(|source| BuildError::Write {
                    path: entry.path().to_path_buf(),
                    source,
                })?;
                files.insert(crate::diag::rel_path(dir, entry.path()), bytes);
            }
        }
        Ok(Some(files))
    };
    let (site_dir, pdf_dir) = (out.join("site"), out.join("pdf"));
    let site_files = read_dir(&site_dir)?;
    let pdfs = read_dir(&pdf_dir)?;
    let cx = Context::new(&project, &std, &kinds);
    let revision = crate::git::revision(root);
    let inputs = crate::package::Inputs {
        site: site_files.as_ref(),
        pdfs: pdfs.as_ref(),
    };
    let package = match crate::package::package(&cx, &findings, revision.as_ref(), &inputs, options)
    {
        Ok(p) => Ok(write_file_atomically(&out.join(&p.file_name), &p.bytes)?),
        Err(e) => Err(e),
    };
    Ok(BuildReport {
        site_files: site_files.as_ref().map_or(0, |s| s.len()),
        pdf_files: pdfs.as_ref().map_or(0, |p| p.len()),
        pdf_dir: pdfs.is_some().then_some(pdf_dir),
        site_dir,
        findings,
        package: Some(package),
        in_git: project.history.in_git,
        as_of: project.as_of.to_string(),
    })
}

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // One component at a time, resolving what exists (symlinks) as it goes,
    // so that `..` is taken from the real folder, and also when the rest
    // does not exist yet: `output/../content` is the content folder (it
    // used to be compared as written, and the site went into content/).
    let mut resolved = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                resolved.pop();
            }
            other => {
                resolved.push(other);
                if let Ok(real) = resolved.canonicalize() {
                    resolved = real;
                }
            }
        }
    }
    resolved
}

/// The output folder: `--out` as the user gave it, resolved through any
/// symbolic link (their own choice), else `<root>/output`, which is used
/// as it is: a link there (a repository can commit one) is refused when
/// the lock is taken, never followed.
pub fn output_folder(root: &Path, out: Option<&Path>) -> PathBuf {
    match out {
        Some(o) if crate::write::is_link(o) => o.canonicalize().unwrap_or_else(|_| o.to_path_buf()),
        Some(o) => o.to_path_buf(),
        None => root.join("output"),
    }
}

/// Refuses an output folder that is, or contains, the project root or the
/// content folder (writing there would destroy sources).
pub fn guard_output(root: &Path, content: &Path, out: &Path) -> Result<(), BuildError> {
    let (root, content, out_abs) = (absolute(root), absolute(content), absolute(out));
    if root.starts_with(&out_abs) || content.starts_with(&out_abs) || out_abs.starts_with(&content)
    {
        return Err(BuildError::UnsafeOutput(out.to_path_buf()));
    }
    Ok(())
}

/// Writes one file through a temporary sibling renamed into place (a
/// symbolic link at the target is refused, see [`crate::write`]).
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<PathBuf, BuildError> {
    stage_file(path, bytes)?.commit()
}

/// Writes `files` into `dir` through a temporary sibling folder that is
/// swapped in only when every file is written.
pub fn write_atomically(dir: &Path, files: &site::SiteFiles) -> Result<(), BuildError> {
    stage_dir(dir, files)?.commit().map(|_| ())
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError {
    let path = path.to_path_buf();
    move |source| BuildError::Write { path, source }
}

/// A folder or file written beside its place, waiting to be swapped in.
#[derive(Debug)]
pub enum Staged {
    /// A file, written to an exclusive temporary sibling.
    File(crate::write::Pending),
    /// A folder, written whole into `.<name>.tmp`.
    Dir {
        /// The folder to replace.
        target: PathBuf,
        /// The staged copy.
        tmp: PathBuf,
        /// Where the previous folder goes while swapping.
        old: PathBuf,
    },
}

impl Staged {
    /// Puts the staged copy in place of the target.
    pub fn commit(self) -> Result<PathBuf, BuildError> {
        match self {
            Staged::File(p) => {
                let target = p.target().to_path_buf();
                p.commit()?;
                Ok(target)
            }
            Staged::Dir { target, tmp, old } => {
                // A link in the target's place is renamed away (never
                // followed) and removed as a link.
                if target.symlink_metadata().is_ok() {
                    std::fs::rename(&target, &old).map_err(io_error(&target))?;
                }
                std::fs::rename(&tmp, &target).map_err(io_error(&target))?;
                remove_stale(&old)?;
                Ok(target)
            }
        }
    }

    /// Removes the staged copy, leaving the target as it was.
    pub fn discard(self) {
        match self {
            Staged::File(p) => p.discard(),
            Staged::Dir { tmp, .. } => {
                let _ = remove_stale(&tmp);
            }
        }
    }
}

/// `.<name>.<suffix>` beside `path`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    parent.join(format!(".{name}.{suffix}"))
}

/// Removes what a crashed run may have left at `path` (a symlink there is
/// removed itself, never followed).
fn remove_stale(path: &Path) -> Result<(), BuildError> {
    match path.symlink_metadata() {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path).map_err(io_error(path)),
        Ok(_) => std::fs::remove_file(path).map_err(io_error(path)),
        Err(_) => Ok(()),
    }
}

/// Writes `bytes` beside `path`, to be renamed into place.
pub fn stage_file(path: &Path, bytes: &[u8]) -> Result<Staged, BuildError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    Ok(Staged::File(crate::write::pending(path, bytes)?))
}

/// Writes `files` into a folder beside `dir`, to be swapped in.
pub fn stage_dir(dir: &Path, files: &site::SiteFiles) -> Result<Staged, BuildError> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    let (tmp, old) = (sibling(dir, "tmp"), sibling(dir, "old"));
    // A build killed between its two renames left the last good folder as
    // `.<name>.old` and nothing in its place: put it back first.
    if dir.symlink_metadata().is_err() && old.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        std::fs::rename(&old, dir).map_err(io_error(dir))?;
    }
    remove_stale(&tmp)?;
    remove_stale(&old)?;
    // Created exclusively: whatever was planted at this name is gone, and
    // everything inside is new.
    std::fs::create_dir(&tmp).map_err(io_error(&tmp))?;
    let staged = Staged::Dir {
        target: dir.to_path_buf(),
        tmp: tmp.clone(),
        old,
    };
    let written = (|| {
        // Folders first, each once; then the files, in parallel.
        let mut made = std::collections::BTreeSet::new();
        for rel in files.keys() {
            // Never outside the folder, whatever a name holds.
            let inside = Path::new(rel)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                return Err(BuildError::UnsafeOutput(PathBuf::from(rel)));
            }
            let path = tmp.join(rel);
            if let Some(p) = path.parent()
                && made.insert(p.to_path_buf())
            {
                std::fs::create_dir_all(p).map_err(io_error(p))?;
            }
        }
        use rayon::prelude::*;
        let previous = previous_files(dir);
        files.par_iter().try_for_each(|(rel, bytes)| {
            let path = tmp.join(rel);
            // A file the last build wrote with the same bytes is linked,
            // not written: no new inode, no data written (a rebuild after a
            // small edit then costs little more than reading).
            let old = dir.join(rel);
            if previous.contains(rel.as_str())
                && unchanged(&old, bytes)
                && std::fs::hard_link(&old, &path).is_ok()
            {
                return Ok(());
            }
            crate::write::fresh_file(&path, bytes).map_err(BuildError::from)
        })
    })();
    match written {
        Ok(()) => Ok(staged),
        Err(e) => {
            staged.discard();
            Err(e)
        }
    }
}

/// The regular files under `dir` reached without following a symbolic
/// link, as `/`-separated paths relative to it; none when `dir` is itself
/// a link. Only these are linked into a new build: never a file elsewhere.
fn previous_files(dir: &Path) -> std::collections::HashSet<String> {
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Default::default();
    }
    walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let parts: Option<Vec<&str>> =
                rel.components().map(|c| c.as_os_str().to_str()).collect();
            parts.map(|p| p.join("/"))
        })
        .collect()
}

/// Whether `old` is a regular file (not a link) holding exactly `bytes`.
fn unchanged(old: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(old).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(old).is_ok_and(|b| b == bytes)
}

/// What `anzen report monthly` wrote.
#[derive(Debug)]
pub struct MonthlyOutput {
    /// Files written (HTML, and PDF unless skipped).
    pub files: Vec<PathBuf>,
    /// Findings of the check (the report is made regardless).
    pub findings: Vec<Finding>,
}

/// `anzen report monthly --month YYYY-MM`: the 個人情報取扱状況報告書 as
/// an HTML page and a PDF in `<out>/reports/`.
pub fn report_monthly(
    root: &Path,
    load_options: &LoadOptions,
    month: crate::date::Month,
    out: Option<PathBuf>,
    pdf: bool,
) -> Result<MonthlyOutput, BuildError> {
    let (project, std, kinds, findings) = load_and_check(root, load_options)?;
    let out = output_folder(root, out.as_deref());
    guard_output(root, &root.join(&project.config.content_dir), &out)?;
    let _lock = crate::write::OutputLock::take(&out)?;
    let cx = Context::new(&project, &std, &kinds);
    let report =
        crate::view::monthly::build(&cx, month).map_err(|e| BuildError::Report(e.to_string()))?;
    let theme = theme::load(root, project.config.theme.as_deref())?;
    let mut context = tera::Context::new();
    context.insert("r", &report);
    let html = theme.tera.render("monthly.html", &context).map_err(|e| {
        BuildError::Site(site::SiteError::Render {
            template: "monthly.html".into(),
            message: theme::error_chain(&e),
        })
    })?;
    let name = format!("個人情報取扱状況報告書_{month}");
    let dir = out.join("reports");
    let mut files = Vec::new();
    // The PDF first: if typst fails, nothing is written.
    let pdf_bytes = if pdf {
        let ws =
            crate::render::pdf::render::prepare(&cx, &theme, crate::git::revision(root).as_ref())?;
        ws.write_json("data/monthly.json", &report)?;
        Some(ws.compile(
            &format!("{name}.pdf"),
            "monthly.typ",
            project.config.pdf.pdf_a,
        )?)
    } else {
        None
    };
    files.push(write_file_atomically(
        &dir.join(format!("{name}.html")),
        html.as_bytes(),
    )?);
    if let Some(bytes) = pdf_bytes {
        files.push(write_file_atomically(
            &dir.join(format!("{name}.pdf")),
            &bytes,
        )?);
    }
    Ok(MonthlyOutput { files, findings })
}
