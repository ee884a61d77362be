//! The command line in the chosen language. The language is chosen before
//! clap sees the arguments (`--lang` anywhere in them, else `ANZEN_LANG`,
//! else Japanese), so `--help` and clap's errors speak it too: every help
//! text is written `English (日本語)` and shown in one language, clap's
//! headings and value lists are replaced, and an argument error is said in
//! Japanese by its [`ErrorKind`] (never by reading clap's English).

use std::ffi::OsString;
use std::sync::OnceLock;

use clap::Command;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::cjk::is_cjk;
use crate::date::{Date, Month};
use crate::i18n::Lang;

static LANG: OnceLock<Lang> = OnceLock::new();

/// The language of the command line: `--lang en` / `--lang=en` anywhere
/// among `args`, else `ANZEN_LANG`, else Japanese. Remembered for the
/// value parsers.
pub fn choose(args: &[OsString]) -> Lang {
    let named = |v: &str| match v {
        "en" => Some(Lang::En),
        "ja" => Some(Lang::Ja),
        _ => None,
    };
    let mut given = None;
    for (i, a) in args.iter().enumerate() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            given = named(v).or(given);
        } else if a == "--lang" {
            given = args
                .get(i + 1)
                .and_then(|v| named(&v.to_string_lossy()))
                .or(given);
        }
    }
    let lang = given
        .or_else(|| {
            std::env::var("ANZEN_LANG")
                .ok()
                .and_then(|v| named(v.trim()))
        })
        .unwrap_or_default();
    let _ = LANG.set(lang);
    lang
}

fn lang() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// `--as-of`: a date, refused in the chosen language.
pub fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|t| t.get(lang()).to_string())
}

/// `--month`: a month, refused in the chosen language.
pub fn parse_month(s: &str) -> Result<Month, String> {
    Month::parse(s).map_err(|t| t.get(lang()).to_string())
}

/// Whether a text is mostly Japanese.
fn japanese(s: &str) -> bool {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let cjk = s.chars().filter(|c| is_cjk(*c)).count();
    letters > 0 && cjk * 3 >= letters
}

/// A help text written `English (日本語)` (or paragraphs of each) in one
/// language; a text with no Japanese part is English for both.
pub fn pick(text: &str, lang: Lang) -> String {
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    if paragraphs.len() > 1 {
        let (ja, en): (Vec<&str>, Vec<&str>) = paragraphs.iter().partition(|p| japanese(p));
        if !ja.is_empty() && !en.is_empty() {
            return match lang {
                Lang::Ja => ja.join("\n\n"),
                Lang::En => en.join("\n\n"),
            };
        }
    }
    let t = text.trim_end();
    if t.ends_with(')') || t.ends_with('）') {
        // The last bracketed group, matched from the end.
        let mut depth = 0;
        for (i, c) in t.char_indices().rev() {
            match c {
                ')' | '）' => depth += 1,
                '(' | '（' => {
                    depth -= 1;
                    if depth == 0 {
                        let inner = &t[i + c.len_utf8()..t.len() - 1];
                        let inner = inner.trim_end_matches(['）', ')']);
                        if inner.chars().any(is_cjk) && !t[..i].trim().is_empty() {
                            return match lang {
                                Lang::Ja => inner.trim().to_string(),
                                Lang::En => t[..i].trim_end().to_string(),
                            };
                        }
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    text.to_string()
}

/// The command with its help in `lang`: abouts and argument helps picked,
/// and in Japanese the headings, the help and version flags and the lists
/// of values and defaults in Japanese.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    let mut cmd = cmd;
    if let Some(a) = cmd.get_about().map(|s| pick(&s.to_string(), lang)) {
        cmd = cmd.about(a);
    }
    if let Some(a) = cmd.get_long_about().map(|s| pick(&s.to_string(), lang)) {
        cmd = cmd.long_about(a);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |a| {
            let help = a.get_help().map(|h| pick(&h.to_string(), lang));
            let long = a.get_long_help().map(|h| pick(&h.to_string(), lang));
            let mut a = a;
            if lang == Lang::Ja {
                let takes = a.get_action().takes_values();
                let values: Vec<String> = a
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_string())
                    .filter(|_| takes)
                    .collect();
                let default: Vec<String> = a
                    .get_default_values()
                    .iter()
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect();
                let mut extra = Vec::new();
                if !default.is_empty() && takes {
                    extra.push(format!("既定: {}", default.join(", ")));
                }
                if !values.is_empty() {
                    extra.push(format!("値: {}", values.join(" / ")));
                }
                let extra = if extra.is_empty() {
                    String::new()
                } else {
                    format!("［{}］", extra.join("。"))
                };
                let heading = if a.is_positional() {
                    "引数"
                } else {
                    "オプション"
                };
                a = a.help_heading(heading);
                if takes {
                    a = a.hide_default_value(true).hide_possible_values(true);
                }
                if let Some(h) = help {
                    a = a.help(format!("{h}{extra}"));
                }
                if let Some(h) = long {
                    a = a.long_help(format!("{h}{extra}"));
                }
            } else {
                if let Some(h) = help {
                    a = a.help(h);
                }
                if let Some(h) = long {
                    a = a.long_help(h);
                }
            }
            a
        });
    }
    if lang == Lang::Ja {
        cmd = cmd
            .disable_help_flag(true)
            .disable_help_subcommand(true)
            .arg(
                clap::Arg::new("help")
                    .short('h')
                    .long("help")
                    .action(clap::ArgAction::Help)
                    .help("ヘルプを表示")
                    .help_heading("オプション"),
            )
            .subcommand_help_heading("コマンド")
            .subcommand_value_name("コマンド")
            .help_template(
                "{before-help}{about-with-newline}\n使い方: {usage}\n\n{all-args}{after-help}",
            );
        if cmd.get_version().is_some() {
            cmd = cmd.disable_version_flag(true).arg(
                clap::Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(clap::ArgAction::Version)
                    .help("版を表示")
                    .help_heading("オプション"),
            );
        }
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |s| localize(s, lang));
    }
    cmd
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A clap error said in Japanese, by its kind: what was wrong, with the
/// argument and value concerned, the closest valid one, and the usage.
pub fn japanese_error(e: &clap::Error) -> String {
    let get = |k| context(e, k).unwrap_or_default();
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let mut out = match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(v)) => v.join("、"),
                _ => get(ContextKind::ValidValue),
            };
            if value.is_empty() {
                format!("{arg} に値がありません")
            } else if valid.is_empty() {
                format!("「{value}」は {arg} に使えません")
            } else {
                format!("「{value}」は {arg} に使えません。使える値: {valid}")
            }
        }
        ErrorKind::UnknownArgument => format!("知らない引数「{arg}」です"),
        ErrorKind::InvalidSubcommand => {
            format!(
                "知らないコマンド「{}」です",
                get(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::MissingRequiredArgument => format!("必要な引数がありません: {arg}"),
        ErrorKind::MissingSubcommand => "コマンドを指定してください".to_string(),
        ErrorKind::ArgumentConflict => {
            let with = get(ContextKind::PriorArg);
            if with.is_empty() {
                format!("{arg} はほかの引数と一緒に使えません")
            } else {
                format!("{arg} と {with} は一緒に使えません")
            }
        }
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| s.to_string())
                .unwrap_or_default();
            format!("{arg} の値「{value}」が不正です: {why}")
        }
        ErrorKind::NoEquals => format!("{arg} には = で値を付けてください"),
        ErrorKind::TooManyValues => format!("{arg} の値が多すぎます: {value}"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} の値の数が違います")
        }
        ErrorKind::InvalidUtf8 => "引数が UTF-8 ではありません".to_string(),
        _ => "引数が正しくありません".to_string(),
    };
    for suggested in [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand] {
        if let Some(s) = context(e, suggested) {
            out.push_str(&format!("（「{s}」の誤りではありませんか）"));
        }
    }
    if let Some(usage) = context(e, ContextKind::Usage) {
        let usage = usage.trim().trim_start_matches("Usage:").trim();
        out.push_str(&format!("\n\n使い方: {usage}"));
    }
    out.push_str("\n\n詳しくは --help を付けて実行してください");
    format!("anzen: {out}\n")
}

/// How an argument error (or `--help`, `--version`) ends: help and version
/// printed as clap renders them (already in `lang`), an error said in
/// `lang`, exit code 2.
pub fn exit(e: &clap::Error, lang: Lang) -> std::process::ExitCode {
    use std::process::ExitCode;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ if lang == Lang::Ja => {
            eprint!("{}", japanese_error(e));
            ExitCode::from(2)
        }
        _ => {
            let _ = e.print();
            ExitCode::from(2)
        }
    }
}
