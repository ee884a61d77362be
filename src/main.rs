//! The `anzen` command: parses the arguments and hands each command to its
//! driver in [`anzen::cli`], which does the work through the library and
//! prints. Exit codes: 0 no error-level finding, 1 findings (or a refused
//! package, a zip that does not match), 2 usage or I/O failure.

use std::path::PathBuf;
use std::process::ExitCode;

use anzen::cli::check::Format as CheckFormat;
use anzen::cli::diff::Format as DiffFormat;
use anzen::cli::verify::Format as StandardFormat;
use anzen::cli::{self, Global, build::PackageArgs as Package};
use anzen::date::Date;
use anzen::i18n::Lang;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// jemalloc instead of glibc's malloc (a fifth of the site build's time
/// went to malloc and free); Windows with MSVC keeps the system allocator.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Checks a vendor's personal-information compliance package against the
/// municipality's standard (個人情報取扱安全管理基準への適合を検査し、提出書類一式を作るツール)
#[derive(Parser)]
#[command(name = "anzen", version, long_about = None)]
struct Cli {
    /// Project root holding anzen.yaml and content/ (プロジェクトのルート)
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Language of messages (メッセージの言語)
    #[arg(long, global = true, value_enum, default_value_t = Lang::Ja)]
    lang: Lang,
    /// Print only findings and errors: no progress, no summary (進行状況と要約を出さず、検査結果とエラーだけを表示)
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print each stage with its time (各段階とその所要時間を表示)
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Date to check as of, overriding the config (基準日 YYYY-MM-DD)
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = cli::args::parse_date)]
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
        /// Compile every PDF, ignoring output/.anzen-cache/ (キャッシュを使わず PDF をすべて作り直す)
        #[arg(long)]
        no_cache: bool,
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
        /// The zip (提出用 zip)
        zip: PathBuf,
        /// File holding the password of an encrypted zip, else ANZEN_ZIP_PASSWORD (暗号化 zip のパスワードを書いたファイル。なければ ANZEN_ZIP_PASSWORD)
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
        /// Base revision, e.g. origin/main (比較の基点のリビジョン。例: origin/main)
        base: String,
        /// Head revision; the working tree when omitted (比較先のリビジョン。省略すると作業ツリー)
        head: Option<String>,
        /// Output format: Markdown for a pull-request comment, or JSON (出力形式: プルリクエストのコメント用 Markdown か JSON)
        #[arg(long, value_enum, default_value_t = DiffFormat::Markdown)]
        format: DiffFormat,
    },
    /// List the dates that fall due (review, training, certificates, reports...) (期限が近いもの)
    Due {
        /// Window from the as-of date: 90d, 12w, 6m, 1y (期間)
        #[arg(long, default_value = "90d", value_parser = cli::due::Window::parse)]
        within: cli::due::Window,
        /// Output format: text, JSON, or iCalendar for Outlook / Google Calendar (出力形式: 一覧、JSON、Outlook・Google カレンダー用の iCalendar)
        #[arg(long, value_enum, default_value_t = cli::due::Format::Text)]
        format: cli::due::Format,
    },
    /// Record that answers' evidence was re-read (根拠を確認したことを記録する)
    Confirm {
        /// Checklist items, e.g. 2-1 4-4; all answered items when none is given (チェック項目。例: 2-1 4-4。省略すると回答済みの全項目)
        items: Vec<String>,
    },
    /// Scaffold a new project for the bundled standard (新しいプロジェクトの雛形を作る)
    Init {
        /// Folder to create the project in; the current folder by default (プロジェクトを作るフォルダ。既定は現在のフォルダ)
        dir: Option<PathBuf>,
        /// Write into a folder that already has files (既存のフォルダにも書く; 既存ファイルは上書きしない)
        #[arg(long)]
        force: bool,
    },
    /// Build, serve the site on 127.0.0.1 and rebuild on change (プレビュー用サーバー)
    Serve {
        /// Port; 0 picks a free one (ポート番号。0 なら空いている番号)
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Open nothing, just print the URL (ブラウザを開かず URL だけを表示)
        #[arg(long)]
        no_open: bool,
        /// Also make the PDFs after every change, through the build cache, served under /pdf/ (変更のたびに PDF も作り /pdf/ で見せる。ビルドキャッシュを使う)
        #[arg(long)]
        pdf: bool,
    },
    /// List every checklist item and requirement with its text and checks (基準の一覧)
    #[command(args_conflicts_with_subcommands = true)]
    Standard {
        /// Output format (出力形式)
        #[arg(long, value_enum, default_value_t = StandardFormat::Text)]
        format: StandardFormat,
        #[command(subcommand)]
        action: Option<StandardAction>,
    },
    /// Show one checklist item, requirement, rule or ledger kind in full (項目・要件・規則の説明)
    Explain {
        /// An id, e.g. 2-1, S5(6), training.stale, staff (ID。例: 2-1、S5(6)、training.stale、staff)
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

#[derive(Subcommand)]
enum StandardAction {
    /// Read a city's own checklist workbook into a standard variant file (自治体のチェックシートの様式を基準の差分ファイルに取り込む)
    #[command(
        long_about = "Read a city's own checklist workbook (.xlsx; also .xls, .xlsb, .ods) into a standard variant file: the item numbers, texts, sections, sub-headings and notes under the header row holding チェック内容. List the file under standards: in anzen.yaml after municipal-standard; its items replace the bundled items of the same number. Items whose text is the bundled one keep its requirements and checks; changed texts keep the requirements only (a comment in the file says so); new numbers get none. Rows that cannot be placed (text without a number, a number out of pattern, a duplicate number) are listed as warnings with sheet and row.\n\n自治体のチェックシート（.xlsx など）の「チェック内容」の見出し行の下にある項目番号・本文・見出し・注記を、基準の差分ファイル（YAML）にします。anzen.yaml の standards: で municipal-standard の後に挙げると、同じ番号の項目を置き換えます。本文が同梱と同じ項目は同梱の要件と検査を、本文の変わった項目は要件だけを引き継ぎ（ファイル内のコメントで示します）、新しい番号の項目は要件なしになります。番号のない行、番号の形が違う行、重複した番号はシートと行を示して警告します。"
    )]
    Import {
        /// The workbook (ブック)
        workbook: PathBuf,
        /// Write the variant file here instead of standard output (出力先のファイル)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ReportKind {
    /// The handling report of one month, as HTML and PDF in output/reports/ (1か月分の個人情報取扱状況報告書を HTML と PDF で output/reports/ に作る)
    Monthly {
        /// The month, YYYY-MM (対象の月 YYYY-MM)
        #[arg(long, value_name = "YYYY-MM", value_parser = cli::args::parse_month)]
        month: anzen::date::Month,
        /// Output folder (出力先、既定は <root>/output)
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// HTML only, no PDF (HTML だけ作り PDF は作らない)
        #[arg(long)]
        no_pdf: bool,
    },
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli::args::choose(&args);
    let parsed = cli::args::localize(Cli::command(), lang)
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return cli::args::exit(&e, lang),
    };
    if !matches!(cli.command, Command::Serve { .. }) {
        cli::quiet_broken_pipe();
    }
    let g = Global {
        root: cli.root.clone(),
        lang,
        quiet: cli.quiet,
        verbose: cli.verbose,
        as_of: cli.as_of,
    };
    match run(&g, cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("anzen: {}", message.get(g.lang));
            ExitCode::from(2)
        }
    }
}

fn run(g: &Global, command: Command) -> cli::Outcome {
    match command {
        Command::Check { format } => cli::check::run(g, format),
        Command::Build {
            out,
            mask_personal,
            no_pdf,
            pdf_a,
            no_package,
            no_cache,
            package,
        } => cli::build::build(
            g,
            anzen::workspace::BuildOptions {
                out,
                site: anzen::render::site::SiteOptions {
                    mask_personal,
                    progress: None,
                },
                pdf: !no_pdf,
                pdf_options: anzen::render::pdf::PdfOptions {
                    pdf_a,
                    mask_personal,
                    progress: None,
                    cache: None,
                },
                cache: !no_cache,
                progress: None,
                package: !no_package,
                package_options: package_args(&package).options()?,
            },
        ),
        Command::Package { out, package } => {
            cli::build::package(g, out.as_deref(), &package_args(&package).options()?)
        }
        Command::Report {
            kind: ReportKind::Monthly { month, out, no_pdf },
        } => cli::report::monthly(g, month, out.as_deref(), !no_pdf),
        Command::Diff { base, head, format } => cli::diff::run(g, &base, head.as_deref(), format),
        Command::Due { within, format } => cli::due::run(g, within, format),
        Command::Confirm { items } => cli::confirm::run(g, &items),
        Command::Init { dir, force } => cli::init::run(g, dir.as_deref().unwrap_or(&g.root), force),
        Command::Serve { port, no_open, pdf } => cli::serve::run(g, port, !no_open, pdf),
        Command::Verify {
            zip,
            password_file,
            format,
        } => cli::verify::run(g, &zip, password_file.as_deref(), format),
        Command::Standard {
            action: Some(StandardAction::Import { workbook, out }),
            ..
        } => cli::standard::import(g, &workbook, out.as_deref()),
        Command::Standard {
            format,
            action: None,
        } => cli::standard::list(g, format),
        Command::Explain { id } => cli::standard::explain(g, &id),
    }
}

fn package_args(a: &PackageArgs) -> Package {
    Package {
        allow_findings: a.allow_findings,
        encrypt: a.encrypt,
        password_file: a.password_file.clone(),
    }
}
