//! Reading a content file as text: size limit, UTF-8 with the position of
//! the first bad byte, BOM stripped, CRLF folded to LF (lines stay the same).

use std::path::Path;

use crate::diag::{Finding, Location};
use crate::tr;

/// Largest file anzen reads (documents, ledgers, answers, config).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Whether `path` — which may be, or pass through, symbolic links —
/// resolves to a place inside the folder `root` (both resolved). A path
/// that does not exist resolves through its nearest existing ancestor.
pub fn resolves_inside(root: &Path, path: &Path) -> bool {
    let Ok(root) = root.canonicalize() else {
        return false;
    };
    let mut probe = path.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = probe.canonicalize() {
            let mut real = real;
            for part in rest.iter().rev() {
                real.push(part);
            }
            return real.starts_with(&root)
                && !real
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir));
        }
        match (probe.file_name().map(|n| n.to_os_string()), probe.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                probe = parent.to_path_buf();
            }
            _ => return false,
        }
    }
}

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
    if !meta.is_file() {
        // A FIFO, a device or a folder: reading it could block for ever or
        // never end (`/dev/zero`).
        return Err(unreadable(
            "通常のファイルではありません（FIFO・デバイスなど）".to_string(),
            "not a regular file (a FIFO, a device...)".to_string(),
            0,
        ));
    }
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
    // Checked with SIMD first (ledgers run to hundreds of megabytes); the
    // standard library's check then only finds where a bad file goes wrong.
    let checked = match simdutf8::basic::from_utf8(&bytes) {
        Ok(_) => {
            // SAFETY: simdutf8 has just validated these bytes as UTF-8.
            Ok(unsafe { String::from_utf8_unchecked(bytes) })
        }
        Err(_) => String::from_utf8(bytes),
    };
    let text = match checked {
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
    if let Some((line, column, c)) = control_char(&text) {
        return Err(Finding::error(
            "file.unreadable",
            tr!(
                "制御文字 U+{:04X} があります（テキストファイルではない可能性があります）",
                "control character U+{:04X} (this may not be a text file)";
                c as u32
            ),
        )
        .at(Location::new(rel, line, column))
        .hint(tr!(
            "UTF-8 のテキストとして保存し直してください（UTF-16 で保存すると NUL 文字が入ります）",
            "re-save the file as UTF-8 text (UTF-16 puts NUL characters in)"
        )));
    }
    Ok(if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// The first control character other than tab, line feed and carriage
/// return (NUL in a UTF-16 file, escape codes pasted from a terminal...),
/// with its 1-based line and column.
fn control_char(text: &str) -> Option<(usize, usize, char)> {
    // ASCII controls are single bytes that never occur inside a multi-byte
    // character, so the bytes can be searched directly: 64 at a time
    // without stopping (the compiler vectorises that), then the one found.
    let bad = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f;
    let bytes = text.as_bytes();
    let chunk = bytes
        .chunks(64)
        .position(|c| c.iter().fold(false, |any, &b| any | bad(b)))?;
    let at = chunk * 64 + bytes[chunk * 64..].iter().position(|&b| bad(b))?;
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..at].chars().count() + 1;
    text[at..].chars().next().map(|c| (line, column, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn links_out_of_a_folder_do_not_resolve_inside_it() {
        let d = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("themes")).unwrap();
        std::os::unix::fs::symlink(out.path(), d.path().join("themes/x")).unwrap();
        std::os::unix::fs::symlink("themes", d.path().join("t")).unwrap();
        assert!(!resolves_inside(d.path(), &d.path().join("themes/x")));
        assert!(!resolves_inside(
            d.path(),
            &d.path().join("themes/x/static")
        ));
        assert!(resolves_inside(d.path(), &d.path().join("t")));
        assert!(resolves_inside(
            d.path(),
            &d.path().join("themes/new/static")
        ));
        assert!(!resolves_inside(d.path(), Path::new("/etc/passwd")));
    }

    #[test]
    fn control_characters_are_located() {
        assert_eq!(control_char("a\nb\tc\r\n"), None);
        assert_eq!(control_char("a\n日本\u{0}x"), Some((2, 3, '\u{0}')));
        assert_eq!(control_char("x\u{1b}[31m"), Some((1, 2, '\u{1b}')));
        // C1 controls and other Unicode are text.
        assert_eq!(control_char("\u{85}é"), None);
    }
}
