//! `anzen check`: opens the workspace and prints its findings in one of
//! four forms (people, JSON, GitHub annotations, SARIF); exit code 1 when
//! any is an error.

use std::process::ExitCode;

use super::{Global, Outcome};
use crate::check::Summary;
use crate::date::Date;
use crate::diag::Finding;
use crate::model::project::AsOfSource;
use crate::report::{human, json};
use crate::standard::Rules;
use crate::tr;
use crate::workspace::Workspace;

/// Output forms of `anzen check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people
    Human,
    /// Machine-readable findings (JSON)
    Json,
    /// GitHub Actions annotations (::error file=…,line=…::…)
    Github,
    /// SARIF 2.1.0 for code scanning
    Sarif,
}

/// Runs `anzen check`.
pub fn run(g: &Global, format: Format) -> Outcome {
    let started = std::time::Instant::now();
    let mut ws = match Workspace::load(&g.root, &g.load_options()) {
        Ok(ws) => ws,
        Err(e) => {
            return match e.findings() {
                Some(f) => Ok(print(g, format, f, None, "-")),
                None => Err(e.text()),
            };
        }
    };
    let loaded = started.elapsed();
    ws.recheck();
    if g.verbose {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        let (load_ms, check_ms) = (ms(loaded), ms(started.elapsed() - loaded));
        eprintln!(
            "{}",
            g.say(&tr!("読込 {:.0} ms、検査 {:.0} ms", "load {:.0} ms, check {:.0} ms"; load_ms, check_ms))
        );
    }
    let code = print(
        g,
        format,
        &ws.findings,
        Some((
            ws.project.as_of,
            &ws.project.as_of_source,
            ws.project.phase(),
        )),
        &ws.standard.id,
    );
    // The process ends here: freeing a million ledger entries one by one
    // would take longer than the whole check (the OS takes the memory back).
    std::mem::forget(ws);
    Ok(code)
}

/// Prints `findings` as `format` says; exit code 1 when any is an error.
pub fn print(
    g: &Global,
    format: Format,
    findings: &[Finding],
    as_of: Option<(Date, &AsOfSource, crate::standard::Phase)>,
    standard: &str,
) -> ExitCode {
    let summary = Summary::of(findings);
    let source = as_of.map(|(_, s, _)| s.clone());
    let phase = as_of.map(|(_, _, p)| p);
    let as_of = as_of
        .map(|(d, _, _)| d.to_string())
        .unwrap_or_else(|| "-".into());
    let line = || match (&source, phase) {
        (Some(s), Some(p)) => {
            let (d, c) = (s.describe(), p.checked_as());
            let how = crate::i18n::Text::new(
                format!("{}。{}", d.ja, c.ja),
                format!("{}; {}", d.en, c.en),
            );
            human::summary_from(summary, &as_of, &how, g.lang)
        }
        _ => human::summary(summary, &as_of, g.lang),
    };
    match format {
        Format::Human => {
            print!("{}", human::findings(findings, g.lang));
            if !g.quiet {
                println!("{}", line());
            }
        }
        Format::Json => {
            let report = json::CheckReport {
                tool_version: env!("CARGO_PKG_VERSION"),
                as_of,
                as_of_source: source.as_ref(),
                phase,
                standard,
                summary,
                findings,
            };
            println!("{}", json::check_report(&report));
        }
        Format::Github => {
            print!("{}", crate::report::github::annotations(findings, g.lang));
            println!("{}", line());
        }
        Format::Sarif => {
            let log = crate::report::sarif::log(findings, &Rules::bundled(), g.lang);
            println!("{}", serde_json::to_string_pretty(&log).unwrap_or_default());
        }
    }
    if summary.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
