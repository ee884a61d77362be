//! The package password: where it may come from (the environment variable
//! [`PASSWORD_ENV`] or a password file, never the command line), a type
//! that never prints it, and [`scrub`], which keeps it out of every child
//! process anzen starts (typst, git).

use std::io::Read;
use std::path::Path;
use std::process::Command;

use crate::i18n::Text;
use crate::tr;

/// The environment variable the package password is read from.
pub const PASSWORD_ENV: &str = "ANZEN_ZIP_PASSWORD";

/// Longest password file read (one trailing line ending not counted).
pub const MAX_PASSWORD_FILE_BYTES: u64 = 4 * 1024;

/// A password that never prints itself.
#[derive(Clone)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Removes the password from the environment a child process inherits.
pub fn scrub(cmd: &mut Command) -> &mut Command {
    cmd.env_remove(PASSWORD_ENV)
}

/// The password: from `file` if given (a regular file of at most
/// [`MAX_PASSWORD_FILE_BYTES`]: a FIFO or `/dev/zero` is refused, never
/// read), else from [`PASSWORD_ENV`]; `None` when neither gives one. One
/// trailing line ending is not part of it.
pub fn read(file: Option<&Path>) -> Result<Option<Password>, Text> {
    let pw = match file {
        Some(f) => Some(read_file(f)?),
        None => std::env::var(PASSWORD_ENV).ok(),
    };
    Ok(pw
        .map(|p| p.trim_end_matches(['\r', '\n']).to_string())
        .filter(|p| !p.is_empty())
        .map(Password))
}

fn read_file(f: &Path) -> Result<String, Text> {
    let shown = crate::terminal::path(f);
    let cannot = |e: std::io::Error| tr!("パスワードファイル {} を読めません: {}", "cannot read password file {}: {}"; shown, e);
    let not_regular = || {
        tr!(
            "パスワードファイル {} は通常のファイルではありません（フォルダー、デバイス、FIFO などは読みません）",
            "password file {} is not a regular file (folders, devices and FIFOs are not read)";
            shown
        )
    };
    if !std::fs::metadata(f).map_err(cannot)?.is_file() {
        return Err(not_regular());
    }
    let file = std::fs::File::open(f).map_err(cannot)?;
    if !file.metadata().map_err(cannot)?.is_file() {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(MAX_PASSWORD_FILE_BYTES + 2)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    let body = bytes
        .strip_suffix(b"\r\n")
        .or_else(|| bytes.strip_suffix(b"\n"))
        .unwrap_or(&bytes);
    if body.len() as u64 > MAX_PASSWORD_FILE_BYTES {
        return Err(tr!(
            "パスワードファイル {} が {} バイトを超えています",
            "password file {} is over {} bytes";
            shown, MAX_PASSWORD_FILE_BYTES
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        tr!(
            "パスワードファイル {} が UTF-8 ではありません",
            "password file {} is not UTF-8";
            shown
        )
    })
}

/// The message when `--encrypt` finds no password.
pub fn missing() -> Text {
    tr!(
        "--encrypt にはパスワードが必要です。環境変数 {} か --password-file で渡してください（コマンドラインには書けません）",
        "--encrypt needs a password: set {} or use --password-file (it cannot be given on the command line)";
        PASSWORD_ENV
    )
}
