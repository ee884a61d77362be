//! Stage 3b of the pipeline: PDFs through the typst CLI. [`markup`]
//! converts Markdown to Typst, [`typst`] runs the external binary, and
//! [`render`] writes the sources and compiles every PDF, reusing from
//! [`cache`] those whose inputs did not change; 提出書類一式 places the
//! documents' own PDFs as [`parts`].

pub mod attach;
pub mod cache;
pub mod markup;
pub mod parts;
pub mod render;
pub mod typst;

pub use render::{PdfError, PdfFiles, PdfOptions, render};
