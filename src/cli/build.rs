//! `anzen build` and `anzen package`: open the workspace, have it build
//! (site, PDFs, zip) or package the last build's output, and report what
//! was written; a progress bar on a terminal, stage lines with --verbose.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::{Global, Outcome};
use crate::check::Summary;
use crate::package::{PackageError, PackageOptions};
use crate::progress::{Event, Progress};
use crate::report::human;
use crate::secret::Password;
use crate::terminal;
use crate::tr;
use crate::workspace::{BuildError, BuildOptions, BuildReport, Workspace};

/// What `--encrypt` and `--password-file` ask for.
#[derive(Debug, Clone, Default)]
pub struct PackageArgs {
    /// Package despite error-level findings.
    pub allow_findings: bool,
    /// Encrypt with AES-256.
    pub encrypt: bool,
    /// The password's file (else ANZEN_ZIP_PASSWORD).
    pub password_file: Option<PathBuf>,
}

impl PackageArgs {
    /// The package options, with the password read when encrypting.
    pub fn options(&self) -> Result<PackageOptions, crate::i18n::Text> {
        let password: Option<Password> = if self.encrypt {
            match crate::secret::read(self.password_file.as_deref())? {
                Some(p) => Some(p),
                None => return Err(crate::secret::missing()),
            }
        } else {
            None
        };
        Ok(PackageOptions {
            allow_findings: self.allow_findings,
            password,
        })
    }
}

/// `anzen build`.
pub fn build(g: &Global, mut options: BuildOptions) -> Outcome {
    let started = std::time::Instant::now();
    let (progress, bar) = progress(g, started);
    options.progress = progress.clone();
    options.pdf_options.progress = progress;
    crate::progress::emit(
        &options.progress,
        Event::Stage("読み込みと検査", "load and check"),
    );
    super::with_workspace(g, |ws| {
        let result = ws.build(&options);
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        report(g, &ws, result, started)
    })
}

/// `anzen package`.
pub fn package(g: &Global, out: Option<&Path>, options: &PackageOptions) -> Outcome {
    let started = std::time::Instant::now();
    super::with_workspace(g, |ws| {
        let result = ws.package_only(out, options);
        report(g, &ws, result, started)
    })
}

/// A progress reporter: a bar on a terminal, stage lines with --verbose,
/// nothing with --quiet or when output is not a terminal.
fn progress(
    g: &Global,
    started: std::time::Instant,
) -> (Option<Progress>, Option<indicatif::ProgressBar>) {
    use std::io::IsTerminal;
    if g.quiet {
        return (None, None);
    }
    let ja = g.lang == crate::i18n::Lang::Ja;
    if std::io::stderr().is_terminal() && !g.verbose {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let b = bar.clone();
        let report = Progress(Arc::new(move |e: Event| match e {
            Event::Stage(j, en) => b.set_message(if ja { j } else { en }.to_string()),
            Event::PdfTotal(n) => {
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} {msg} [{bar:30}] {pos}/{len}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                b.set_length(n as u64);
            }
            Event::PdfDone(_) => b.inc(1),
            Event::PdfCached(_) => {}
        }));
        return (Some(report), Some(bar));
    }
    if g.verbose {
        let report = Progress(Arc::new(move |e: Event| match e {
            Event::Stage(j, en) => eprintln!(
                "[{:6.2}s] {}",
                started.elapsed().as_secs_f64(),
                if ja { j } else { en }
            ),
            Event::PdfTotal(n) => eprintln!("[{:6.2}s] PDF × {n}", started.elapsed().as_secs_f64()),
            Event::PdfDone(name) => {
                eprintln!("[{:6.2}s]   {name}", started.elapsed().as_secs_f64())
            }
            Event::PdfCached(n) => eprintln!(
                "[{:6.2}s]   {}",
                started.elapsed().as_secs_f64(),
                if ja {
                    format!("うち {n} 件はキャッシュから")
                } else {
                    format!("{n} from the cache")
                }
            ),
        }));
        return (Some(report), None);
    }
    (None, None)
}

/// Says what a build or package wrote; exit code 1 when the zip was
/// refused for error-level findings.
fn report(
    g: &Global,
    ws: &Workspace,
    result: Result<BuildReport, BuildError>,
    started: std::time::Instant,
) -> Outcome {
    let report = result.map_err(|e| {
        tr!(
            "ビルドに失敗しました（以前の出力はそのままです）: {}",
            "build failed (previous output left untouched): {}";
            e.text().ja
        )
        .with_en(format!(
            "build failed (previous output left untouched): {}",
            e.text().en
        ))
    })?;
    let summary = Summary::of(&ws.findings);
    if !report.in_git && !g.quiet {
        eprintln!(
            "{}",
            g.say(&tr!(
                "注意: git リポジトリではないため、改訂履歴と版の情報なしで作成します",
                "note: not in a git repository; building without revision history"
            ))
        );
    }
    if summary.errors + summary.warnings > 0 {
        eprintln!(
            "{}",
            human::summary(summary, &ws.project.as_of.to_string(), g.lang)
        );
    }
    let say = |t: crate::i18n::Text| {
        if !g.quiet {
            println!("{}", g.say(&t));
        }
    };
    if report.site_files > 0 {
        say(tr!(
            "サイト: {}/index.html（{} ファイル）",
            "site: {}/index.html ({} files)";
            terminal::path(&report.site_dir), report.site_files
        ));
    }
    if let Some(dir) = &report.pdf_dir {
        say(tr!(
            "PDF: {}（{} ファイル）",
            "PDF: {} ({} files)";
            terminal::path(dir), report.pdf_files
        ));
    }
    let mut code = ExitCode::SUCCESS;
    match &report.package {
        Some(Ok(path)) => say(tr!(
            "提出用 zip: {}",
            "package: {}";
            terminal::path(path)
        )),
        Some(Err(e @ PackageError::Refused(_))) => {
            eprintln!("{}", g.say(&e.text()));
            code = ExitCode::from(1);
        }
        Some(Err(e)) => return Err(e.text()),
        None => {}
    }
    let elapsed = started.elapsed().as_secs_f64();
    say(tr!("完了（{:.2} 秒）", "done ({:.2} s)"; elapsed));
    Ok(code)
}
