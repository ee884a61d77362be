//! Reading a content file as text: size limit, UTF-8 with the position of
//! the first bad byte, BOM stripped, CRLF folded to LF (lines stay the same).

use std::path::Path;

use crate::diag::{Finding, Location};
use crate::tr;

/// Largest file anzen reads (documents, ledgers, answers, config).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads `path` as text, or returns a `file.unreadable` finding.
pub fn read_text(path: &Path, rel: &str) -> Result<String, Finding> {
    let unreadable = |ja: String, en: String, line: usize| {
        Finding::error("file.unreadable", crate::i18n::Text::new(ja, en)).at(Location::new(
            rel,
            line,
            if line > 0 { 1 } else { 0 },
        ))
    };
    let meta = std::fs::metadata(path).map_err(|e| {
        unreadable(
            format!("読み込めません: {e}"),
            format!("cannot read: {e}"),
            0,
        )
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(unreadable(
            format!(
                "ファイルが大きすぎます（{} バイト、上限 {} バイト）",
                meta.len(),
                MAX_FILE_BYTES
            ),
            format!(
                "file too large ({} bytes, limit {})",
                meta.len(),
                MAX_FILE_BYTES
            ),
            0,
        )
        .hint(tr!(
            "台帳は年度ごとなど複数のファイルに分けてください",
            "split the ledger into several files (e.g. one per year)"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        unreadable(
            format!("読み込めません: {e}"),
            format!("cannot read: {e}"),
            0,
        )
    })?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..valid]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            return Err(unreadable(
                "UTF-8 ではない文字があります".to_string(),
                "the file is not valid UTF-8".to_string(),
                line,
            )
            .hint(tr!(
                "Shift_JIS などで保存されている場合は UTF-8 で保存し直してください",
                "re-save the file as UTF-8 (it may be Shift_JIS)"
            )));
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}
