//! The checklist and the ledgers as Excel workbooks for the package
//! (`rust_xlsxwriter`), beside the PDF and the CSVs: a city can open,
//! print and edit them as its own forms. What they share is here: the
//! workbook with a fixed creation time (so that two builds give the same
//! bytes), the Japanese default font, and the one way user text is put in
//! a cell: always as a string, never as a formula, a value a spreadsheet
//! would evaluate when typed (`=`, `+`, `-`, `@`...) marked with Excel's
//! quote prefix so that editing the cell keeps it text, and text longer
//! than a cell holds cut at Excel's limit.

mod checklist;
mod ledgers;

pub use checklist::checklist;
pub use ledgers::{ledgers, sheet_names};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// The font of every cell: the one Japanese Excel has everywhere.
const FONT: &str = "ＭＳ Ｐゴシック";

/// Most UTF-16 code units a cell holds.
const MAX_CELL: usize = 32_767;

/// A new workbook created at `created` (seconds since the epoch, the
/// package's fixed timestamp).
fn workbook(created: i64) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let when =
        ExcelDateTime::from_timestamp(created).or_else(|_| ExcelDateTime::from_ymd(1980, 1, 1))?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&when));
    // The pixel sizes Excel on Windows uses for this font (rust_xlsxwriter's
    // documented pair for it).
    wb.set_default_format(&base(), 18, 72)?;
    Ok(wb)
}

/// The plain format every other one builds on.
fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_font_charset(128)
}

/// A cell format for user text, and the same with the quote prefix.
struct TextFormat {
    plain: Format,
    quoted: Format,
}

impl TextFormat {
    fn new(format: Format) -> Self {
        TextFormat {
            quoted: format.clone().set_quote_prefix(),
            plain: format,
        }
    }
}

/// Writes user text into a cell as a string (never a formula, whatever it
/// starts with), cut to what a cell holds.
fn text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &str,
    f: &TextFormat,
) -> Result<(), XlsxError> {
    let value = fit(value);
    let formula_like = matches!(super::csv::neutralise(value), std::borrow::Cow::Owned(_));
    let format = if formula_like { &f.quoted } else { &f.plain };
    ws.write_string_with_format(row, col, value, format)?;
    Ok(())
}

/// `value`, cut at a character boundary to [`MAX_CELL`] UTF-16 units.
fn fit(value: &str) -> &str {
    let mut units = 0;
    for (i, c) in value.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL {
            return &value[..i];
        }
    }
    value
}

/// How wide text shows, in Excel's column units (a full-width character
/// takes two), for the widest line.
fn width(value: &str) -> usize {
    value
        .lines()
        .map(|l| {
            l.chars()
                .map(|c| if crate::cjk::is_cjk(c) { 2 } else { 1 })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0)
}

/// How many lines `value` takes, wrapped in a column `col_width` units
/// wide (a full-width character counted as two units, a little more
/// than it takes, which leaves room for a wider substitute font).
fn lines(value: &str, col_width: f64) -> usize {
    let per_line = (col_width - 1.0).max(1.0);
    value
        .split('\n')
        .map(|l| ((width(l) as f64 / per_line).ceil() as usize).max(1))
        .sum()
}

/// The height (points) of a row of `lines` lines. Spreadsheets do not all
/// grow a row to its wrapped text when they open a file (LibreOffice
/// keeps the default height), so every row that wraps is given its height.
fn row_height(lines: usize) -> f64 {
    14.0 * lines.max(1) as f64 + 4.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_longer_than_a_cell_is_cut_on_a_character_boundary() {
        let long = "あ".repeat(MAX_CELL + 5);
        assert_eq!(fit(&long).chars().count(), MAX_CELL);
        let emoji = "😀".repeat(MAX_CELL);
        assert_eq!(fit(&emoji).encode_utf16().count(), MAX_CELL - 1);
        assert_eq!(fit("短い"), "短い");
    }

    #[test]
    fn full_width_text_is_twice_as_wide() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("研修記録"), 8);
        assert_eq!(width("ab\n研修"), 4);
    }

    #[test]
    fn wrapped_text_counts_its_lines() {
        assert_eq!(lines("", 20.0), 1);
        assert_eq!(lines("abc", 20.0), 1);
        assert_eq!(lines("a\nb\nc", 20.0), 3);
        assert_eq!(lines(&"あ".repeat(30), 20.0), 4);
    }
}
