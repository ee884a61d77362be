//! The commands, as thin drivers over the library: each opens what it
//! needs (most a [`crate::workspace::Workspace`]), asks it for the work,
//! and prints the result in the chosen language. `main.rs` parses the
//! arguments and calls one of these; an error comes back as bilingual
//! [`Text`], printed as `anzen: …` with exit code 2.

pub mod args;
pub mod build;
pub mod check;
pub mod confirm;
pub mod diff;
pub mod due;
pub mod init;
pub mod report;
pub mod serve;
pub mod standard;
pub mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::date::Date;
use crate::diag::Finding;
use crate::i18n::{Lang, Text};
use crate::load::LoadOptions;
use crate::workspace::{OpenError, Workspace};

/// The options every command takes.
#[derive(Debug, Clone)]
pub struct Global {
    /// The project root.
    pub root: PathBuf,
    /// The language of messages.
    pub lang: Lang,
    /// Only findings and errors: no progress, no summary.
    pub quiet: bool,
    /// Each stage with its time.
    pub verbose: bool,
    /// The as-of date given on the command line.
    pub as_of: Option<Date>,
}

/// What a command ends with: its exit code, or an error for `anzen: …`
/// and exit code 2.
pub type Outcome = Result<ExitCode, Text>;

impl Global {
    /// The load options of the command line.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions { as_of: self.as_of }
    }

    /// A text in the chosen language.
    pub fn say(&self, t: &Text) -> String {
        t.get(self.lang).to_string()
    }
}

/// How a command that cannot open the project ends: the findings that
/// explain it (an invalid config, a standard with errors) printed as
/// findings with exit code 1, else an error.
pub enum NotOpened {
    /// Printed already; end with this code.
    Printed(ExitCode),
    /// Say this and end with exit code 2.
    Error(Text),
}

/// Opens the workspace at `--root`; findings that stop it are printed
/// (human form) and end the command with exit code 1.
pub fn open(g: &Global) -> Result<Workspace, NotOpened> {
    Workspace::open(&g.root, &g.load_options()).map_err(|e| not_opened(g, e))
}

/// The outcome of a workspace that could not be opened.
pub fn not_opened(g: &Global, e: OpenError) -> NotOpened {
    match e.findings() {
        Some(f) => {
            print_human(g, f);
            NotOpened::Printed(ExitCode::from(1))
        }
        None => NotOpened::Error(e.text()),
    }
}

/// Findings for people, on standard output.
pub fn print_human(g: &Global, findings: &[Finding]) {
    print!("{}", crate::report::human::findings(findings, g.lang));
}

/// Runs `f` with the workspace, or ends as [`open`] says.
pub fn with_workspace(g: &Global, f: impl FnOnce(Workspace) -> Outcome) -> Outcome {
    match open(g) {
        Ok(ws) => f(ws),
        Err(NotOpened::Printed(code)) => Ok(code),
        Err(NotOpened::Error(t)) => Err(t),
    }
}

/// A command whose output is cut short (`anzen check | head`) ends
/// quietly, as other Unix tools do, instead of panicking on the closed
/// pipe. Not for `serve`, which must outlive a browser that hangs up.
pub fn quiet_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any thread is spawned;
    // SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
