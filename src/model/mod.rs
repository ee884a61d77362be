//! The typed model of a project, as the load stage produces it and every
//! later stage reads it: config, documents, ledgers and checklist answers.

pub mod answers;
pub mod config;
pub mod control;
pub mod document;
pub mod history;
pub mod ledger;
pub mod phase;
pub mod project;

pub use answers::{Answer, AnswerValue, Answers, Reference, Remediation};
pub use config::Config;
pub use control::Control;
pub use document::{DocKind, Document, Link, Section};
pub use ledger::{Entry, Field, FieldValue, Fields, Ledger, Retention, same_name};
pub use phase::Phase;
pub use project::Project;
