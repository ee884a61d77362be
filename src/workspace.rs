//! The one owner of the pipeline. [`Workspace::open`] loads a project,
//! resolves its standard with the ledger kinds and runs every check; the
//! workspace then renders the site and the PDFs, makes the package, and
//! writes them out ([`Workspace::build`]). `anzen serve` keeps one open and
//! asks it to re-read the files that changed ([`Workspace::reload`],
//! [`Workspace::recheck`]); `check`, `diff`, `confirm`, `report` and `due`
//! open one and read it. No command assembles the stages by hand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::check::{self, Context, Summary};
use crate::diag::{Finding, rel_path};
use crate::git::Revision;
use crate::i18n::Text;
use crate::load::{self, LoadError, LoadOptions};
use crate::model::Project;
use crate::output::{self, Files, OutputError};
use crate::render::pdf::{PdfError, PdfOptions};
use crate::render::site::{self, SiteError, SiteOptions};
use crate::standard::{LedgerKinds, Standard};
use crate::view::theme::{self, Theme, ThemeError};

/// A loaded, checked project.
pub struct Workspace {
    root: PathBuf,
    /// The project as loaded.
    pub project: Project,
    /// The standard it is checked against (the bundled one and any files
    /// the config names, merged).
    pub standard: Standard,
    /// The ledger kinds (schemas).
    pub kinds: LedgerKinds,
    /// Findings of the load stage by file, in the order the loader walks.
    load_findings: BTreeMap<WalkKey, Vec<Finding>>,
    /// Load findings without a place.
    load_other: Vec<Finding>,
    /// Every finding of the load and the checks, sorted.
    pub findings: Vec<Finding>,
}

/// Why a project could not be opened at all (what is wrong inside it is
/// a finding, not this).
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No config, an invalid config, or no content folder.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The standard named in the config could not be loaded.
    #[error("the standard named in anzen.yaml has errors")]
    Standard(Vec<Finding>),
}

impl OpenError {
    /// The findings that explain it, when it has some (an invalid config,
    /// a standard with errors): the caller prints them as findings.
    pub fn findings(&self) -> Option<&[Finding]> {
        match self {
            OpenError::Load(LoadError::ConfigInvalid(f)) | OpenError::Standard(f) => Some(f),
            _ => None,
        }
    }

    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            OpenError::Load(e) => e.text(),
            OpenError::Standard(f) => crate::tr!(
                "anzen.yaml で指定した基準にエラーがあります（{} 件）",
                "the standard named in anzen.yaml has {} error(s)"; f.len()
            ),
        }
    }
}

/// A root-relative path ordered as the loader walks folders (depth first,
/// names sorted), so findings come in the same order as from a full load.
#[derive(Clone, PartialEq, Eq)]
struct WalkKey(String);

impl Ord for WalkKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.split('/').cmp(other.0.split('/'))
    }
}

impl PartialOrd for WalkKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Workspace {
    /// Loads the project at `root`, resolves its standard and checks it.
    pub fn open(root: &Path, options: &LoadOptions) -> Result<Workspace, OpenError> {
        let ws = Workspace::load(root, options)?;
        Ok(ws.checked())
    }

    /// Loads without checking (a caller that re-reads files, then checks).
    pub fn load(root: &Path, options: &LoadOptions) -> Result<Workspace, OpenError> {
        let kinds = LedgerKinds::bundled();
        let (project, found) = load::load(root, options, &kinds)?;
        let standard = load::standards::resolve(root, &project.config.standards)
            .map_err(OpenError::Standard)?;
        let mut load_findings: BTreeMap<WalkKey, Vec<Finding>> = BTreeMap::new();
        let mut load_other = Vec::new();
        for f in found {
            match &f.location {
                Some(l) => load_findings
                    .entry(WalkKey(l.file.to_string()))
                    .or_default()
                    .push(f),
                None => load_other.push(f),
            }
        }
        Ok(Workspace {
            root: root.to_path_buf(),
            project,
            standard,
            kinds,
            load_findings,
            load_other,
            findings: Vec::new(),
        })
    }

    fn checked(mut self) -> Workspace {
        self.recheck();
        self
    }

    /// Runs every check again (after [`Workspace::reload`]).
    pub fn recheck(&mut self) {
        let mut findings: Vec<Finding> = self
            .load_findings
            .values()
            .flatten()
            .chain(&self.load_other)
            .cloned()
            .collect();
        findings.extend(check::run(&self.project, &self.standard, &self.kinds));
        crate::diag::sort(&mut findings);
        self.findings = findings;
    }

    /// Re-reads one file of the content folder (`content_rel`, relative
    /// to it) into the project, replacing what it held; the checks are not
    /// run again until [`Workspace::recheck`].
    pub fn reload(&mut self, content_rel: &str) {
        let found = load::reload_file(&mut self.project, &self.kinds, content_rel);
        let content = self.root.join(&self.project.config.content_dir);
        let key = WalkKey(rel_path(&self.root, &content.join(content_rel)));
        if found.is_empty() {
            self.load_findings.remove(&key);
        } else {
            self.load_findings.insert(key, found);
        }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What the checks and the renderers read: the project, the standard,
    /// the ledger kinds and indexes by id.
    pub fn context(&self) -> Context<'_> {
        Context::new(&self.project, &self.standard, &self.kinds)
    }

    /// Error and warning counts.
    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings)
    }

    /// The git revision of the working tree (`None` outside git).
    pub fn revision(&self) -> Option<Revision> {
        crate::git::revision(&self.root)
    }

    /// The theme the config names, laid over the default one.
    pub fn theme(&self) -> Result<Theme, ThemeError> {
        theme::load(&self.root, self.project.config.theme.as_deref())
    }

    /// The site's files, in memory.
    pub fn site(
        &self,
        theme: &Theme,
        revision: Option<&Revision>,
        options: &SiteOptions,
    ) -> Result<Files, SiteError> {
        let mut options = options.clone();
        options.mask_personal |= self.project.config.site.mask_personal;
        site::render(&self.context(), &self.findings, revision, theme, &options)
    }

    /// Only the pages of the documents at `content_paths`, rendered with
    /// the findings as they are (serve shows an edited document with this
    /// ahead of the checks and the whole site).
    pub fn site_documents(
        &self,
        theme: &Theme,
        revision: Option<&Revision>,
        content_paths: &[&str],
    ) -> Result<Files, SiteError> {
        let options = SiteOptions {
            mask_personal: self.project.config.site.mask_personal,
            progress: None,
        };
        site::render_documents(
            &self.context(),
            &self.findings,
            revision,
            theme,
            &options,
            content_paths,
        )
    }

    /// The PDFs, in memory.
    pub fn pdfs(
        &self,
        theme: &Theme,
        revision: Option<&Revision>,
        options: &PdfOptions,
    ) -> Result<Files, PdfError> {
        let mut options = options.clone();
        options.pdf_a |= self.project.config.pdf.pdf_a;
        options.mask_personal |= self.project.config.site.mask_personal;
        crate::render::pdf::render(&self.context(), theme, &self.findings, revision, &options)
    }

    /// The submission package, in memory.
    pub fn package(
        &self,
        revision: Option<&Revision>,
        inputs: &crate::package::Inputs,
        options: &crate::package::PackageOptions,
    ) -> Result<crate::package::Package, crate::package::PackageError> {
        crate::package::package(&self.context(), &self.findings, revision, inputs, options)
    }

    /// The output folder `anzen build` writes by default, checked to be
    /// safe: where `anzen serve --pdf` keeps the PDF build cache.
    pub fn default_output_folder(&self) -> Result<PathBuf, OutputError> {
        self.output_folder(None)
    }

    /// The output folder for `out` (`--out`), checked to be safe.
    fn output_folder(&self, out: Option<&Path>) -> Result<PathBuf, OutputError> {
        let out = output::output_folder(&self.root, out);
        output::guard_output(
            &self.root,
            &self.root.join(&self.project.config.content_dir),
            &out,
        )?;
        Ok(out)
    }

    /// `anzen build`: the site, the PDFs and the package, rendered in
    /// memory, then staged and swapped in together (a failure anywhere
    /// leaves the previous output as it was).
    pub fn build(&self, options: &BuildOptions) -> Result<BuildReport, BuildError> {
        use crate::progress::{Event, emit};
        let out = self.output_folder(options.out.as_deref())?;
        let _lock = crate::write::OutputLock::take(&out).map_err(OutputError::from)?;
        let theme = self.theme()?;
        let revision = self.revision();
        let mut site_options = options.site.clone();
        site_options.progress = site_options.progress.or_else(|| options.progress.clone());
        emit(&options.progress, Event::Stage("サイト", "site"));
        let files = self.site(&theme, revision.as_ref(), &site_options)?;
        // PDFs before anything is written: a failure leaves all output as it was.
        let pdfs = if options.pdf {
            emit(&options.progress, Event::Stage("PDF", "PDF"));
            let mut pdf_options = options.pdf_options.clone();
            if options.cache {
                pdf_options.cache = Some(out.clone());
            }
            Some(self.pdfs(&theme, revision.as_ref(), &pdf_options)?)
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
            self.package(revision.as_ref(), &inputs, &options.package_options)
        });
        let site_dir = out.join("site");
        let pdf_dir = pdfs.as_ref().map(|_| out.join("pdf"));
        emit(&options.progress, Event::Stage("書き出し", "write"));
        let mut staged = Vec::new();
        let staging = (|| {
            staged.push(output::stage_dir(&site_dir, &files)?);
            if let (Some(dir), Some(p)) = (&pdf_dir, &pdfs) {
                staged.push(output::stage_dir(dir, p)?);
            }
            if let Some(Ok(p)) = &package {
                staged.push(output::stage_file(&out.join(&p.file_name), &p.bytes)?);
            }
            Ok::<(), OutputError>(())
        })();
        if let Err(e) = staging {
            staged.into_iter().for_each(output::Staged::discard);
            return Err(e.into());
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
            package,
            site_files: files.len(),
            site_dir,
            pdf_files: pdfs.as_ref().map_or(0, |p| p.len()),
            pdf_dir,
            in_git: self.project.history.in_git,
        })
    }

    /// `anzen package`: the package stage alone, from the site and PDFs a
    /// previous build left in the output folder (whatever is there).
    pub fn package_only(
        &self,
        out: Option<&Path>,
        options: &crate::package::PackageOptions,
    ) -> Result<BuildReport, BuildError> {
        let out = self.output_folder(out)?;
        let _lock = crate::write::OutputLock::take(&out).map_err(OutputError::from)?;
        let read_dir = |dir: &Path| -> Result<Option<Files>, OutputError> {
            if !dir.is_dir() {
                return Ok(None);
            }
            let mut files = Files::new();
            for entry in walkdir::WalkDir::new(dir)
                .follow_links(false)
                .sort_by_file_name()
            {
                let entry = entry.map_err(|e| OutputError::Write {
                    path: dir.to_path_buf(),
                    source: std::io::Error::other(e),
                })?;
                if entry.file_type().is_file() {
                    let bytes =
                        std::fs::read(entry.path()).map_err(|source| OutputError::Write {
                            path: entry.path().to_path_buf(),
                            source,
                        })?;
                    files.insert(rel_path(dir, entry.path()), bytes);
                }
            }
            Ok(Some(files))
        };
        let (site_dir, pdf_dir) = (out.join("site"), out.join("pdf"));
        let site_files = read_dir(&site_dir)?;
        let pdfs = read_dir(&pdf_dir)?;
        let inputs = crate::package::Inputs {
            site: site_files.as_ref(),
            pdfs: pdfs.as_ref(),
        };
        let package = match self.package(self.revision().as_ref(), &inputs, options) {
            Ok(p) => Ok(output::write_file_atomically(
                &out.join(&p.file_name),
                &p.bytes,
            )?),
            Err(e) => Err(e),
        };
        Ok(BuildReport {
            site_files: site_files.as_ref().map_or(0, |s| s.len()),
            pdf_files: pdfs.as_ref().map_or(0, |p| p.len()),
            pdf_dir: pdfs.is_some().then_some(pdf_dir),
            site_dir,
            package: Some(package),
            in_git: self.project.history.in_git,
        })
    }

    /// `anzen report monthly --month YYYY-MM`: the 個人情報取扱状況報告書
    /// as an HTML page and a PDF in `<out>/reports/`.
    pub fn report_monthly(
        &self,
        month: crate::date::Month,
        out: Option<&Path>,
        pdf: bool,
    ) -> Result<MonthlyOutput, BuildError> {
        let out = self.output_folder(out)?;
        let _lock = crate::write::OutputLock::take(&out).map_err(OutputError::from)?;
        let cx = self.context();
        let report =
            crate::view::monthly::build(&cx, month).map_err(|e| BuildError::Report(e.text()))?;
        let theme = self.theme()?;
        let mut context = tera::Context::new();
        context.insert("r", &report);
        let html = theme.tera.render("monthly.html", &context).map_err(|e| {
            BuildError::Site(SiteError::Render {
                template: "monthly.html".into(),
                message: theme::error_chain(&e),
            })
        })?;
        let name = format!("個人情報取扱状況報告書_{month}");
        let dir = out.join("reports");
        let mut files = Vec::new();
        // The PDF first: if typst fails, nothing is written.
        let pdf_bytes = if pdf {
            let ws = crate::render::pdf::render::prepare(
                &cx,
                &theme,
                self.revision().as_ref(),
                &self.findings,
            )?;
            ws.write_json("data/monthly.json", &report)?;
            Some(ws.compile(
                &format!("{name}.pdf"),
                "monthly.typ",
                self.project.config.pdf.pdf_a,
            )?)
        } else {
            None
        };
        files.push(output::write_file_atomically(
            &dir.join(format!("{name}.html")),
            html.as_bytes(),
        )?);
        if let Some(bytes) = pdf_bytes {
            files.push(output::write_file_atomically(
                &dir.join(format!("{name}.pdf")),
                &bytes,
            )?);
        }
        Ok(MonthlyOutput { files })
    }
}

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
    pub pdf_options: PdfOptions,
    /// Whether to write the zip.
    pub package: bool,
    /// Package options.
    pub package_options: crate::package::PackageOptions,
    /// Whether PDFs whose inputs did not change are taken from the build
    /// cache in `<out>/.anzen-cache/` (`--no-cache` turns it off).
    pub cache: bool,
    /// Told of each stage.
    pub progress: Option<crate::progress::Progress>,
}

/// What a build wrote.
#[derive(Debug)]
pub struct BuildReport {
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
    /// Whether the project is in a git repository (history, revision).
    pub in_git: bool,
}

/// What `anzen report monthly` wrote.
#[derive(Debug)]
pub struct MonthlyOutput {
    /// Files written (HTML, and PDF unless skipped).
    pub files: Vec<PathBuf>,
}

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The theme could not be loaded.
    #[error(transparent)]
    Theme(#[from] ThemeError),
    /// Rendering failed.
    #[error(transparent)]
    Site(#[from] SiteError),
    /// PDFs failed.
    #[error(transparent)]
    Pdf(#[from] PdfError),
    /// A report could not be made.
    #[error("{}", .0.en)]
    Report(Text),
    /// The output could not be put in place.
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl BuildError {
    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            BuildError::Output(e) => e.text(),
            BuildError::Theme(e) => e.text(),
            BuildError::Site(e) => e.text(),
            BuildError::Pdf(e) => e.text(),
            BuildError::Report(t) => t.clone(),
        }
    }
}
