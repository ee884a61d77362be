//! User-facing text in Japanese (the default) and English.

use serde::Serialize;

/// The language of messages, chosen with `--lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// 日本語 (default).
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
