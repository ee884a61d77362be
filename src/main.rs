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
use anzen::report::{explain, human, json};
use anzen::standard::{self, LedgerKinds, Rules, Standard};
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

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Human,
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
        } => build_cmd(
            cli,
            anzen::build::BuildOptions {
                out: out.clone(),
                site: anzen::site::SiteOptions {
                    mask_personal: *mask_personal,
                },
                pdf: !no_pdf,
                pdf_options: anzen::pdf::PdfOptions { pdf_a: *pdf_a },
            },
        ),
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
        Ok(config) => {
            standard::resolve(&cli.root, &config.standards).map_err(|f| first_message(&f, cli.lang))
        }
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
    match (e, lang) {
        (LoadError::ConfigMissing(p), Lang::Ja) => format!(
            "設定ファイル {} がありません。--root でプロジェクトのルートを指定してください",
            p.display()
        ),
        (LoadError::ConfigMissing(p), Lang::En) => {
            format!(
                "config file {} not found; point --root at the project root",
                p.display()
            )
        }
        (LoadError::ContentMissing(p), Lang::Ja) => {
            format!("コンテンツフォルダ {} がありません", p.display())
        }
        (LoadError::ContentMissing(p), Lang::En) => {
            format!("content folder {} not found", p.display())
        }
        (LoadError::ConfigInvalid(f), lang) => first_message(&f, lang),
    }
}

fn check_cmd(cli: &Cli, format: CheckFormat) -> Result<ExitCode, String> {
    let options = LoadOptions { as_of: cli.as_of };
    let (project, mut findings) = match load::load(&cli.root, &options) {
        Ok(v) => v,
        Err(LoadError::ConfigInvalid(f)) => return Ok(print_findings(cli, format, &f, None, "-")),
        Err(e) => return Err(load_error(e, cli.lang)),
    };
    let std = match standard::resolve(&cli.root, &project.config.standards) {
        Ok(s) => s,
        Err(f) => return Ok(print_findings(cli, format, &f, None, "-")),
    };
    findings.extend(check::run(&project, &std, &LedgerKinds::bundled()));
    anzen::diag::sort(&mut findings);
    Ok(print_findings(
        cli,
        format,
        &findings,
        Some(project.as_of),
        &std.id,
    ))
}

fn build_cmd(cli: &Cli, options: anzen::build::BuildOptions) -> Result<ExitCode, String> {
    let started = std::time::Instant::now();
    match anzen::build::build(&cli.root, &LoadOptions { as_of: cli.as_of }, &options) {
        Ok(report) => {
            let summary = Summary::of(&report.findings);
            let elapsed = started.elapsed().as_secs_f64();
            if summary.errors + summary.warnings > 0 {
                eprintln!("{}", human::summary(summary, &report.as_of, cli.lang));
            }
            match cli.lang {
                Lang::Ja => {
                    println!(
                        "サイト: {}/index.html（{} ファイル）",
                        report.site_dir.display(),
                        report.site_files
                    );
                    if let Some(dir) = &report.pdf_dir {
                        println!("PDF: {}（{} ファイル）", dir.display(), report.pdf_files);
                    }
                    println!("ビルド完了（{elapsed:.2} 秒）");
                }
                Lang::En => {
                    println!(
                        "site: {}/index.html ({} files)",
                        report.site_dir.display(),
                        report.site_files
                    );
                    if let Some(dir) = &report.pdf_dir {
                        println!("PDF: {} ({} files)", dir.display(), report.pdf_files);
                    }
                    println!("build done ({elapsed:.2} s)");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(anzen::build::BuildError::Load(LoadError::ConfigInvalid(f)))
        | Err(anzen::build::BuildError::Standard(f)) => {
            print!("{}", human::findings(&f, cli.lang));
            Ok(ExitCode::from(1))
        }
        Err(anzen::build::BuildError::Load(e)) => Err(load_error(e, cli.lang)),
        Err(e) => Err(match cli.lang {
            Lang::Ja => format!("ビルドに失敗しました（以前の出力はそのままです）: {e}"),
            Lang::En => format!("build failed (previous output left untouched): {e}"),
        }),
    }
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
            println!("{}", human::summary(summary, &as_of, cli.lang));
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
    }
    if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
