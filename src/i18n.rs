//! User-facing text in Japanese (the default) and English.

use serde::Serialize;

/// The language of messages, chosen with `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// Japanese (default).
    #[default]
    Ja,
    /// English.
    En,
}

/// A message in both languages; renderers pick one with [`Text::get`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// Japanese text.
    pub ja: String,
    /// English text.
    pub en: String,
}

impl Text {
    /// A message given in both languages.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// The same Japanese with another English text.
    pub fn with_en(mut self, en: impl Into<String>) -> Self {
        self.en = en.into();
        self
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

/// Builds a [`Text`] from two format strings sharing the same arguments:
/// `tr!("{}がありません", "{} is missing"; name)`.
#[macro_export]
macro_rules! tr {
    ($ja:literal, $en:literal $(; $($arg:expr),* $(,)?)?) => {
        $crate::i18n::Text::new(format!($ja $(, $($arg),*)?), format!($en $(, $($arg),*)?))
    };
}

/// Why an I/O operation failed, in both languages: the operating system's
/// reason by kind (its own message is English), with the OS error number
/// where there is one, so a Japanese message holds no English.
pub fn io_reason(e: &std::io::Error) -> Text {
    use std::io::ErrorKind as K;
    let (ja, en) = match e.kind() {
        K::NotFound => ("見つかりません", "not found"),
        K::PermissionDenied => ("権限がありません", "permission denied"),
        K::AlreadyExists => ("既にあります", "already exists"),
        K::IsADirectory => ("フォルダです", "is a folder"),
        K::NotADirectory => ("フォルダではありません", "not a folder"),
        K::DirectoryNotEmpty => ("フォルダが空ではありません", "folder not empty"),
        K::ReadOnlyFilesystem => ("読み取り専用です", "read-only file system"),
        K::StorageFull | K::QuotaExceeded => ("空き容量がありません", "no space left"),
        K::FileTooLarge => ("ファイルが大きすぎます", "file too large"),
        K::InvalidFilename => ("名前が使えません", "invalid file name"),
        K::CrossesDevices => ("別のドライブへは移せません", "crosses devices"),
        K::ResourceBusy | K::ExecutableFileBusy => ("使用中です", "busy"),
        K::AddrInUse => ("使用中です", "address in use"),
        K::AddrNotAvailable => ("使えないアドレスです", "address not available"),
        K::InvalidData => ("中身が不正です", "invalid data"),
        K::UnexpectedEof => ("途中で切れています", "unexpected end of file"),
        K::Interrupted => ("中断されました", "interrupted"),
        K::TimedOut => ("時間切れです", "timed out"),
        _ => {
            return match e.raw_os_error() {
                Some(n) => Text::new(format!("入出力エラー（OS エラー {n}）"), e.to_string()),
                None => Text::new(format!("入出力エラー（{e}）"), e.to_string()),
            };
        }
    };
    match e.raw_os_error() {
        Some(n) => Text::new(
            format!("{ja}（OS エラー {n}）"),
            format!("{en} (os error {n})"),
        ),
        None => Text::new(ja, en),
    }
}
