//! The renderers of the view: the browsable static site ([`site`]) and
//! the PDFs through the typst CLI ([`pdf`]). Each takes the shared view
//! ([`crate::view`]) and returns its files in memory; writing them out is
//! the workspace's job.

pub mod pdf;
pub mod site;

/// Files of one output by path (`/`-separated, relative to its folder).
pub type Files = std::collections::BTreeMap<String, Vec<u8>>;
