//! The integration tests, as one test binary (one link instead of one per
//! file): each module is one area of behaviour, run against the real
//! `anzen` binary and, where the area needs them, the real typst, Chromium
//! and unzip tools. Fixture projects live under `tests/fixtures/`
//! (`fixture_projects` checks each against the findings listed beside
//! it); `common::Project` builds a broken copy of one in a line or two;
//! `snapshots` compares output with `tests/suite/snapshots/`; `regression`
//! has one test per past bug.

mod common;
mod support;

#[path = "../../fuzz/src/lib.rs"]
mod harness;

mod boundaries;
mod bundle;
mod cache;
mod check_answers;
mod check_cli;
mod check_formats;
mod check_input;
mod check_rules;
mod check_sample;
mod cli_output;
mod depth;
mod diff;
mod fixture_projects;
mod fuzz_markup_compiles;
mod fuzz_regressions;
mod history;
mod hostile;
mod init;
mod languages;
mod lifecycle;
mod monthly;
mod output_safety;
mod package;
mod pdf;
mod pdf_text;
mod raw_html;
mod regression;
mod rule_catalogue;
mod secrets;
mod security;
mod security_confirm;
mod security_git;
mod security_serve;
mod security_verify;
mod serve;
mod site;
mod snapshots;
mod standard_override;
mod standard_seeds;
mod typst_markup;
mod workflow;
mod xlsx;
mod xss;
