//! The `anzen` command: parses arguments, calls the library, prints, and
//! sets the exit code (0 no error-level finding, 1 findings, 2 usage or
//! I/O failure).

use std::path::PathBuf;
use std::process::ExitCode;

use anzen::check::{self, Summary};
use anzen::date::Date;
use anzen::diag::Finding;
use anzen::i18n::Lang;
use anzen::load::{self, LoadError, LoadOptions};

/// jemalloc instead of glibc's malloc (a fifth of the site build's time
/// went to malloc and free); Windows with MSVC keeps the system allocator.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use anzen::report::{explain, human, json};
use anzen::standard::{LedgerKinds, Rules, Standard};
use clap::{Parser, Subcommand, ValueEnum};

/// 個人情報取扱安全管理基準への適合を検査し、提出書類一式を作るツール。
/// Checks a vendor's personal-information compliance package against the
/// municipality's standard.
#[derive(Parser)]
#[command(name = "anzen", version, about, long_about = None)]
struct Cli {
    /// Project root holding anzen.yaml and content/ (プロジェクトのルート)
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Language of messages (メッセージの言語)
    #[arg(long, global = true, value_enum, default_value_t = Lang::Ja)]
    lang: Lang,
    /// Print only findings and errors: no progress, no summary (静かに)
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print each stage with its time (詳しく)
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Date to check as of, overriding the config (基準日 YYYY-MM-DD)
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the project against the standard (基準への適合を検査)
    Check {
        /// Output format (出力形式)
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
    },
    /// Build the browsable site into output/site/ (サイトを生成)
    Build {
        /// Output folder (出力先、既定は <root>/output)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Mask personal data (names, signatures) on the site (個人データを伏せ字にする)
        #[arg(long)]
        mask_personal: bool,
        /// Skip the PDFs (PDF を作らない)
        #[arg(long)]
        no_pdf: bool,
        /// Write PDF/A-2b (PDF/A-2b で出力)
        #[arg(long)]
        pdf_a: bool,
        /// Skip the zip (提出用 zip を作らない)
        #[arg(long)]
        no_package: bool,
        #[command(flatten)]
        package: PackageArgs,
    },
    /// Write the submission zip from the last build's site and PDFs (提出用 zip だけを作る)
    Package {
        /// Output folder (出力先、既定は <root>/output)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        #[command(flatten)]
        package: PackageArgs,
    },
    /// Check a submission zip against its manifest (zip の改ざん検査)
    Verify {
        /// The zip
        zip: PathBuf,
        /// File holding the password of an encrypted zip (else ANZEN_ZIP_PASSWORD)
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// Output format (出力形式)
        #[arg(long, value_enum, default_value_t = StandardFormat::Text)]
        format: StandardFormat,
    },
    /// Reports made from the ledgers (台帳から作る報告書)
    Report {
        #[command(subcommand)]
        kind: ReportKind,
    },
    /// Show what a change does to compliance, between git revisions (コンプライアンスの差分)
    Diff {
        /// Base revision (e.g. origin/main)
        base: String,
        /// Head revision; the working tree when omitted
        head: Option<String>,
        /// Output format: Markdown for a pull-request comment, or JSON
        #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
        format: DiffFormat,
    },
    /// Record that answers' evidence was re-read (根拠を確認したことを記録する)
    Confirm {
        /// Checklist items, e.g. 2-1 4-4; all answered items when none is given
        items: Vec<String>,
    },
    /// Scaffold a new project for the bundled standard (新しいプロジェクトの雛形を作る)
    Init {
        /// Folder to create the project in (default: the current folder)
        dir: Option<PathBuf>,
        /// Write into a folder that already has files (既存のフォルダにも書く; 既存ファイルは上書きしない)
        #[arg(long)]
        force: bool,
    },
    /// Build, serve the site on 127.0.0.1 and rebuild on change (プレビュー用サーバー)
    Serve {
        /// Port (0 picks a free one)
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Open nothing, just print the URL
        #[arg(long)]
        no_open: bool,
    },
    /// List every checklist item and requirement with its text and checks (基準の一覧)
    Standard {
        /// Output format (出力形式)
        #[arg(long, value_enum, default_value_t = StandardFormat::Text)]
        format: StandardFormat,
    },
    /// Show one checklist item, requirement, rule or ledger kind in full (項目・要件・規則の説明)
    Explain {
        /// e.g. 2-1, S5(6), training.stale, staff
        id: String,
    },
}

/// Options of the package stage.
#[derive(clap::Args)]
struct PackageArgs {
    /// Package despite error-level findings, recording them in manifest.json (エラーがあっても zip を作る)
    #[arg(long)]
    allow_findings: bool,
    /// Encrypt entries with AES-256; the password comes from ANZEN_ZIP_PASSWORD or --password-file, never the command line (AES-256 で暗号化)
    #[arg(long)]
    encrypt: bool,
    /// File holding the password for --encrypt (パスワードを書いたファイル)
    #[arg(long, value_name = "FILE", requires = "encrypt")]
    password_file: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum CheckFormat {
    /// For people (人向け)
    Human,
    /// Machine-readable findings (JSON)
    Json,
    /// GitHub Actions annotations (::error file=…,line=…::…)
    Github,
    /// SARIF 2.1.0 for code scanning
    Sarif,
}

#[derive(Subcommand)]
enum ReportKind {
    /// 個人情報取扱状況報告書 for one month, as HTML and PDF in output/reports/
    Monthly {
        /// The month (YYYY-MM)
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: anzen::date::Month,
        /// Output folder (出力先、既定は <root>/output)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// HTML only, no PDF
        #[arg(long)]
        no_pdf: bool,
    },
}

fn parse_month(s: &str) -> Result<anzen::date::Month, String> {
    anzen::date::Month::parse(s).map_err(|t| format!("{} / {}", t.ja, t.en))
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    /// Markdown (pull-request comment)
    Markdown,
    /// JSON
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum StandardFormat {
    Text,
    Json,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|t| format!("{} / {}", t.ja, t.en))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("anzen: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, String> {
    match &cli.command {
        Command::Check { format } => check_cmd(cli, *format),
        Command::Build {
            out,
            mask_personal,
            no_pdf,
            pdf_a,
            no_package,
            package,
        } => build_cmd(
            cli,
            anzen::build::BuildOptions {
                out: out.clone(),
                site: anzen::render::site::SiteOptions {
                    mask_personal: *mask_personal,
                    progress: None,
                },
                pdf: !no_pdf,
                pdf_options: anzen::render::pdf::PdfOptions {
                    pdf_a: *pdf_a,
                    progress: None,
                },
                progress: None,
                package: !no_package,
                package_options: package_options(package, cli.lang)?,
            },
        ),
        Command::Package { out, package } => {
            package_cmd(cli, out.clone(), package_options(package, cli.lang)?)
        }
        Command::Report {
            kind: ReportKind::Monthly { month, out, no_pdf },
        } => {
            match anzen::build::report_monthly(
                &cli.root,
                &LoadOptions { as_of: cli.as_of },
                *month,
                out.clone(),
                !no_pdf,
            ) {
                Ok(o) => {
                    let s = Summary::of(&o.findings);
                    if s.errors > 0 {
                        eprintln!(
                            "{}",
                            match cli.lang {
                                Lang::Ja => format!(
                                    "注意: anzen check にエラーが {} 件あります。報告書の内容を確認してください",
                                    s.errors
                                ),
                                Lang::En => format!(
                                    "note: anzen check has {} error(s); review the report",
                                    s.errors
                                ),
                            }
                        );
                    }
                    for f in &o.files {
                        println!("{}", anzen::terminal::path(f));
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Err(e.text().get(cli.lang).to_string()),
            }
        }
        Command::Diff { base, head, format } => {
            match anzen::diff::diff(&cli.root, base, head.as_deref(), cli.as_of) {
                Ok(d) => {
                    match format {
                        DiffFormat::Markdown => {
                            print!("{}", anzen::terminal::lines(&anzen::diff::markdown(&d)))
                        }
                        DiffFormat::Json => println!(
                            "{}",
                            serde_json::to_string_pretty(&d).map_err(|e| e.to_string())?
                        ),
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Err(e.text().get(cli.lang).to_string()),
            }
        }
        Command::Confirm { items } => {
            match anzen::confirm::confirm(&cli.root, &LoadOptions { as_of: cli.as_of }, items) {
                Ok(report) => {
                    for (item, fp) in &report.confirmed {
                        println!("{item}: {fp}");
                    }
                    let ja = cli.lang == Lang::Ja;
                    if !report.skipped.is_empty() {
                        println!(
                            "{}: {}",
                            if ja {
                                "文書の節を根拠にしていないため記録しなかった項目"
                            } else {
                                "not recorded (no document section cited)"
                            },
                            report.skipped.join(", ")
                        );
                    }
                    println!(
                        "{}",
                        if ja {
                            format!(
                                "{} 件の確認を {} に記録しました",
                                report.confirmed.len(),
                                anzen::terminal::path(&report.file)
                            )
                        } else {
                            format!(
                                "recorded {} confirmation(s) in {}",
                                report.confirmed.len(),
                                anzen::terminal::path(&report.file)
                            )
                        }
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => Err(e.text().get(cli.lang).to_string()),
            }
        }
        Command::Init { dir, force } => {
            let dir = dir.clone().unwrap_or_else(|| cli.root.clone());
            match anzen::init::init(&dir, &anzen::init::InitOptions { force: *force }) {
                Ok(report) => {
                    for f in &report.written {
                        println!("{}", anzen::terminal::path(f));
                    }
                    println!(
                        "{}",
                        match cli.lang {
                            Lang::Ja => format!(
                                "{} ファイルを作成しました。次は `anzen --root {} check` で埋めるべき箇所を確認してください",
                                report.written.len(),
                                anzen::terminal::path(&dir)
                            ),
                            Lang::En => format!(
                                "created {} files; run `anzen --root {} check` to see what to fill in",
                                report.written.len(),
                                anzen::terminal::path(&dir)
                            ),
                        }
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(anzen::init::InitError::Write(e)) => Err(e.text().get(cli.lang).to_string()),
                Err(e) => Err(e.to_string()),
            }
        }
        Command::Serve { port, no_open } => {
            let options = anzen::serve::ServeOptions {
                port: *port,
                open: !no_open,
                lang: cli.lang,
                as_of: cli.as_of,
            };
            anzen::serve::run(&cli.root, &options)
                .map(|_| ExitCode::SUCCESS)
                .map_err(|e| e.to_string())
        }
        Command::Verify {
            zip,
            password_file,
            format,
        } => verify_cmd(cli, zip, password_file.as_deref(), *format),
        Command::Standard { format } => {
            let std = project_standard(cli)?;
            match format {
                StandardFormat::Text => print!("{}", explain::standard(&std, cli.lang)),
                StandardFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&std).map_err(|e| e.to_string())?
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { id } => {
            let std = project_standard(cli)?;
            match explain::explain(
                id,
                &std,
                &Rules::bundled(),
                &LedgerKinds::bundled(),
                cli.lang,
            ) {
                explain::Explained::Found(text) => {
                    print!("{text}");
                    Ok(ExitCode::SUCCESS)
                }
                explain::Explained::NotFound(close) => {
                    let hint = close.first().map(|c| match cli.lang {
                        Lang::Ja => format!("（「{c}」の誤りではありませんか）"),
                        Lang::En => format!(" (did you mean '{c}'?)"),
                    });
                    Err(match cli.lang {
                        Lang::Ja => format!(
                            "「{id}」に当たる項目・要件・規則・台帳の種類はありません{}",
                            hint.unwrap_or_default()
                        ),
                        Lang::En => format!(
                            "no checklist item, requirement, rule or ledger kind '{id}'{}",
                            hint.unwrap_or_default()
                        ),
                    })
                }
            }
        }
    }
}

/// The standard of the project at --root, or the bundled one when there is
/// no project there.
fn project_standard(cli: &Cli) -> Result<Standard, String> {
    match load::load_config(&cli.root) {
        Ok(config) => anzen::load::standards::resolve(&cli.root, &config.standards)
            .map_err(|f| first_message(&f, cli.lang)),
        Err(LoadError::ConfigMissing(_)) => {
            Ok(Standard::bundled("municipal-standard").expect("bundled standard"))
        }
        Err(e) => Err(load_error(e, cli.lang)),
    }
}

fn first_message(findings: &[Finding], lang: Lang) -> String {
    human::findings(findings, lang).trim_end().to_string()
}

fn load_error(e: LoadError, lang: Lang) -> String {
    e.text().get(lang).to_string()
}

fn check_cmd(cli: &Cli, format: CheckFormat) -> Result<ExitCode, String> {
    let options = LoadOptions { as_of: cli.as_of };
    let started = std::time::Instant::now();
    let (project, mut findings) = match load::load(&cli.root, &options) {
        Ok(v) => v,
        Err(LoadError::ConfigInvalid(f)) => return Ok(print_findings(cli, format, &f, None, "-")),
        Err(e) => return Err(load_error(e, cli.lang)),
    };
    let std = match anzen::load::standards::resolve(&cli.root, &project.config.standards) {
        Ok(s) => s,
        Err(f) => return Ok(print_findings(cli, format, &f, None, "-")),
    };
    let loaded = started.elapsed();
    findings.extend(check::run(&project, &std, &LedgerKinds::bundled()));
    anzen::diag::sort(&mut findings);
    if cli.verbose {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        let (load_ms, check_ms) = (ms(loaded), ms(started.elapsed() - loaded));
        eprintln!(
            "{}",
            match cli.lang {
                Lang::Ja => format!("読込 {load_ms:.0} ms、検査 {check_ms:.0} ms"),
                Lang::En => format!("load {load_ms:.0} ms, check {check_ms:.0} ms"),
            }
        );
    }
    let code = print_findings(cli, format, &findings, Some(project.as_of), &std.id);
    // The process ends here: freeing a million ledger entries one by one
    // would take longer than the whole check (the OS takes the memory back).
    std::mem::forget(project);
    Ok(code)
}

fn build_cmd(cli: &Cli, mut options: anzen::build::BuildOptions) -> Result<ExitCode, String> {
    let started = std::time::Instant::now();
    let (progress, bar) = progress(cli, started);
    options.progress = progress.clone();
    options.pdf_options.progress = progress;
    let result = anzen::build::build(&cli.root, &LoadOptions { as_of: cli.as_of }, &options);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    report_build(cli, result, started)
}

/// A progress reporter: a bar on a terminal, stage lines with --verbose,
/// nothing with --quiet or when output is not a terminal.
fn progress(
    cli: &Cli,
    started: std::time::Instant,
) -> (
    Option<anzen::progress::Progress>,
    Option<indicatif::ProgressBar>,
) {
    use anzen::progress::{Event, Progress};
    use std::io::IsTerminal;
    use std::sync::Arc;
    if cli.quiet {
        return (None, None);
    }
    let ja = cli.lang == Lang::Ja;
    if std::io::stderr().is_terminal() && !cli.verbose {
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
        }));
        return (Some(report), Some(bar));
    }
    if cli.verbose {
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
        }));
        return (Some(report), None);
    }
    (None, None)
}

fn package_cmd(
    cli: &Cli,
    out: Option<PathBuf>,
    options: anzen::package::PackageOptions,
) -> Result<ExitCode, String> {
    let started = std::time::Instant::now();
    let result =
        anzen::build::package_only(&cli.root, &LoadOptions { as_of: cli.as_of }, out, &options);
    report_build(cli, result, started)
}

fn read_password(
    file: Option<&std::path::Path>,
    lang: Lang,
) -> Result<Option<anzen::secret::Password>, String> {
    anzen::secret::read(file).map_err(|t| t.get(lang).to_string())
}

fn package_options(
    args: &PackageArgs,
    lang: Lang,
) -> Result<anzen::package::PackageOptions, String> {
    let password = if args.encrypt {
        match read_password(args.password_file.as_deref(), lang)? {
            Some(p) => Some(p),
            None => return Err(anzen::secret::missing().get(lang).to_string()),
        }
    } else {
        None
    };
    Ok(anzen::package::PackageOptions {
        allow_findings: args.allow_findings,
        password,
    })
}

fn report_build(
    cli: &Cli,
    result: Result<anzen::build::BuildReport, anzen::build::BuildError>,
    started: std::time::Instant,
) -> Result<ExitCode, String> {
    let ja = cli.lang == Lang::Ja;
    let report = match result {
        Ok(r) => r,
        Err(anzen::build::BuildError::Load(LoadError::ConfigInvalid(f)))
        | Err(anzen::build::BuildError::Standard(f)) => {
            print!("{}", human::findings(&f, cli.lang));
            return Ok(ExitCode::from(1));
        }
        Err(anzen::build::BuildError::Load(e)) => return Err(load_error(e, cli.lang)),
        Err(e) => {
            return Err(if ja {
                format!(
                    "ビルドに失敗しました（以前の出力はそのままです）: {}",
                    e.text().ja
                )
            } else {
                format!(
                    "build failed (previous output left untouched): {}",
                    e.text().en
                )
            });
        }
    };
    let summary = Summary::of(&report.findings);
    if !report.in_git && !cli.quiet {
        eprintln!(
            "{}",
            if ja {
                "注意: git リポジトリではないため、改訂履歴と版の情報なしで作成します"
            } else {
                "note: not in a git repository; building without revision history"
            }
        );
    }
    if summary.errors + summary.warnings > 0 {
        eprintln!("{}", human::summary(summary, &report.as_of, cli.lang));
    }
    let say = |line: String| {
        if !cli.quiet {
            println!("{line}");
        }
    };
    if report.site_files > 0 {
        say(format!(
            "{} {}/index.html（{} files）",
            if ja { "サイト:" } else { "site:" },
            anzen::terminal::path(&report.site_dir),
            report.site_files
        ));
    }
    if let Some(dir) = &report.pdf_dir {
        say(format!(
            "PDF: {}（{} files）",
            anzen::terminal::path(dir),
            report.pdf_files
        ));
    }
    let mut code = ExitCode::SUCCESS;
    match &report.package {
        Some(Ok(path)) => say(format!(
            "{} {}",
            if ja { "提出用 zip:" } else { "package:" },
            anzen::terminal::path(path)
        )),
        Some(Err(anzen::package::PackageError::Refused(n))) => {
            eprintln!(
                "{}",
                if ja {
                    format!(
                        "エラーが {n} 件あるため提出用 zip は作りませんでした。直すか、--allow-findings で作成してください（その場合 manifest.json に記録されます）"
                    )
                } else {
                    format!(
                        "package not written: {n} error-level finding(s); fix them or use --allow-findings (they are then recorded in manifest.json)"
                    )
                }
            );
            code = ExitCode::from(1);
        }
        Some(Err(e)) => return Err(e.to_string()),
        None => {}
    }
    let elapsed = started.elapsed().as_secs_f64();
    say(if ja {
        format!("完了（{elapsed:.2} 秒）")
    } else {
        format!("done ({elapsed:.2} s)")
    });
    Ok(code)
}

/// `anzen verify`: exit 0 when the zip matches its manifest, 1 when files
/// were added, removed or altered, 2 when it cannot be verified at all
/// (every `VerifyError`, tampering such as `../` names included). Every
/// name printed goes through `terminal::text`.
fn verify_cmd(
    cli: &Cli,
    zip: &std::path::Path,
    password_file: Option<&std::path::Path>,
    format: StandardFormat,
) -> Result<ExitCode, String> {
    use anzen::terminal;
    let password = read_password(password_file, cli.lang)?;
    let v = anzen::package::verify::verify(zip, password.as_ref().map(|p| p.0.as_bytes()))
        .map_err(|e| format!("{}: {}", terminal::path(zip), e.text().get(cli.lang)))?;
    match format {
        StandardFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        ),
        StandardFormat::Text => {
            let ja = cli.lang == Lang::Ja;
            for (label_ja, label_en, list) in [
                ("追加", "added", &v.added),
                ("欠落", "missing", &v.missing),
                ("改変", "altered", &v.altered),
            ] {
                for f in list {
                    println!(
                        "{}: {}",
                        if ja { label_ja } else { label_en },
                        terminal::text(f)
                    );
                }
            }
            if v.ok() {
                println!(
                    "{}",
                    if ja {
                        format!("manifest.json と一致しました（{} ファイル）", v.listed)
                    } else {
                        format!("matches manifest.json ({} files)", v.listed)
                    }
                );
            } else {
                println!(
                    "{}",
                    if ja {
                        format!(
                            "manifest.json と一致しません: 追加 {}、欠落 {}、改変 {}",
                            v.added.len(),
                            v.missing.len(),
                            v.altered.len()
                        )
                    } else {
                        format!(
                            "does not match manifest.json: {} added, {} missing, {} altered",
                            v.added.len(),
                            v.missing.len(),
                            v.altered.len()
                        )
                    }
                );
            }
        }
    }
    Ok(if v.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_findings(
    cli: &Cli,
    format: CheckFormat,
    findings: &[Finding],
    as_of: Option<Date>,
    standard: &str,
) -> ExitCode {
    let summary = Summary::of(findings);
    let as_of = as_of.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    match format {
        CheckFormat::Human => {
            print!("{}", human::findings(findings, cli.lang));
            if !cli.quiet {
                println!("{}", human::summary(summary, &as_of, cli.lang));
            }
        }
        CheckFormat::Json => {
            let report = json::CheckReport {
                tool_version: env!("CARGO_PKG_VERSION"),
                as_of,
                standard,
                summary,
                findings,
            };
            println!("{}", json::check_report(&report));
        }
        CheckFormat::Github => {
            print!("{}", anzen::report::github::annotations(findings, cli.lang));
            println!("{}", human::summary(summary, &as_of, cli.lang));
        }
        CheckFormat::Sarif => {
            let log = anzen::report::sarif::log(findings, &Rules::bundled(), cli.lang);
            println!("{}", serde_json::to_string_pretty(&log).unwrap_or_default());
        }
    }
    if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
