//! anzen: personal-information compliance packages for Japanese municipal
//! contracts.
//!
//! The library is a pipeline, one module per stage:
//! [`load`] reads the project into the typed [`model`], [`check`] runs the
//! bundled [`standard`] against it and yields [`diag::Finding`]s, and
//! [`report`] renders findings for people and machines. The binary in
//! `main.rs` only parses arguments and prints.

// Errors here are diagnostics carried to the user, built rarely and
// never on a hot path; boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod cjk;
pub mod cli;
pub mod confirm;
pub mod date;
pub mod diag;
pub mod diff;
pub mod git;
pub mod html;

pub mod i18n;
pub mod init;
pub mod load;
pub mod model;
pub mod names;
pub mod output;
pub mod package;
pub mod progress;
pub mod render;
pub mod report;
pub mod secret;
pub mod serve;
pub mod standard;
pub mod terminal;
pub mod view;
pub mod workspace;
pub mod write;
pub mod yaml;
