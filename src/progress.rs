//! Progress events of long commands (`anzen build`), for the binary to show
//! as a progress bar; the library only reports, it never draws.

use std::sync::Arc;

/// Something that happened during a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// A stage starts: its name (Japanese, English).
    Stage(&'a str, &'a str),
    /// PDFs to make.
    PdfTotal(usize),
    /// One PDF made (compiled or taken from the cache).
    PdfDone(&'a str),
    /// This many of the PDFs came from the build cache.
    PdfCached(usize),
}

/// A shared callback for [`Event`]s.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(Event) + Send + Sync>);

impl Progress {
    /// Reports an event.
    pub fn emit(&self, event: Event) {
        (self.0)(event)
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// Reports `event` if there is a listener.
pub fn emit(progress: &Option<Progress>, event: Event) {
    if let Some(p) = progress {
        p.emit(event);
    }
}
