//! `anzen due [--within 90d] [--format text|json|ics]`: every date within
//! the window on which a check will start to report a finding, as a list,
//! JSON, or an iCalendar file that Outlook and Google Calendar import.

use std::process::ExitCode;

use super::{Global, Outcome};
use crate::check::due;
use crate::date::Date;
use crate::i18n::Text;
use crate::tr;

/// Output forms of `anzen due`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A list for people
    Text,
    /// JSON
    Json,
    /// iCalendar (.ics) for Outlook and Google Calendar
    Ics,
}

/// A window such as `90d`, `12w`, `6m` or `1y` (a bare number is days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Days.
    Days(u32),
    /// Months.
    Months(u32),
}

impl Window {
    /// Parses `90d`, `12w`, `6m`, `1y` or `90`.
    pub fn parse(s: &str) -> Result<Window, String> {
        let t = s.trim();
        let (n, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
        let n: u32 = n.parse().map_err(|_| {
            format!("「{s}」は期間ではありません（例: 90d、12w、6m、1y） / '{s}' is not a window (e.g. 90d, 12w, 6m, 1y)")
        })?;
        match unit {
            "" | "d" => Ok(Window::Days(n)),
            "w" => Ok(Window::Days(n.saturating_mul(7))),
            "m" => Ok(Window::Months(n)),
            "y" => Ok(Window::Months(n.saturating_mul(12))),
            _ => Err(format!(
                "「{s}」の単位は d・w・m・y のどれかです / the unit of '{s}' is one of d, w, m, y"
            )),
        }
    }

    /// The last day of the window that starts on `from`.
    pub fn end(self, from: Date) -> Date {
        match self {
            Window::Days(n) => from.plus_days(i64::from(n)),
            Window::Months(n) => from.plus_months(n),
        }
    }
}

/// Runs `anzen due`.
pub fn run(g: &Global, within: Window, format: Format) -> Outcome {
    super::with_workspace(g, |ws| {
        let as_of = ws.project.as_of;
        let until = within.end(as_of);
        let items = due::due(&ws.context(), until);
        match format {
            Format::Json => println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({
                    "as_of": as_of.to_string(),
                    "until": until.to_string(),
                    "due": items,
                }))
                .unwrap_or_default()
            ),
            Format::Ics => print!(
                "{}",
                due::ics(&items, as_of, g.lang, env!("CARGO_PKG_VERSION"))
            ),
            Format::Text => {
                for d in &items {
                    let concerns = match (&d.item, &d.requirement) {
                        (Some(i), _) => g.say(&tr!("（チェック項目 {}）", " (item {})"; i)),
                        (None, Some(r)) => g.say(&tr!("（要件 {}）", " (requirement {})"; r)),
                        _ => String::new(),
                    };
                    let owner = d
                        .owner
                        .as_ref()
                        .map(|o| g.say(&tr!("　担当: {}", "  owner: {}"; o)))
                        .unwrap_or_default();
                    println!(
                        "{}  {}{}{}",
                        d.date,
                        crate::terminal::text(d.what.get(g.lang)),
                        concerns,
                        crate::terminal::text(&owner)
                    );
                }
                if !g.quiet {
                    let line: Text = tr!(
                        "{} 件（{} から {} まで）",
                        "{} date(s) from {} to {}"; items.len(), as_of, until
                    );
                    println!("{}", g.say(&line));
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
