//! The view of a checked project that every renderer shares: the page
//! models (plain serialisable data built from the project, the standard
//! and the findings), where things live ([`links`]), the monthly report,
//! and the theme (templates for HTML and Typst, static assets) with one
//! override mechanism. The site and the PDFs are two renderers of this
//! view; neither imports the other.

pub mod bundle;
pub mod links;
pub mod monthly;
pub mod pages;
pub mod theme;
