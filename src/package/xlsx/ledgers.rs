//! The ledgers as one workbook, a sheet per ledger: a header row of the
//! kind's field titles (as the CSV has), then the entries in the order the
//! site shows them. Date fields are Excel dates shown `yyyy-mm-dd`, whole
//! numbers are numbers, everything else is text as the CSV writes it.
//! Sheet names follow Excel's rules (at most 31 characters, none of
//! `[ ] : * ? / \`, no apostrophe at either end, not `History`, unique as
//! Excel compares them); a ledger longer than a sheet holds continues on
//! the next sheet.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, XlsxError};
use unicode_normalization::UnicodeNormalization;

use super::{TextFormat, base, lines, row_height, text, width, workbook};
use crate::standard::FieldType;
use crate::view::pages::{self, Pages};

/// Most UTF-16 units in a sheet name.
const MAX_SHEET_NAME: usize = 31;

/// Data rows on one sheet (Excel's 1,048,576 rows less the header).
const ROWS_PER_SHEET: usize = 1_048_575;

/// The ledgers' workbook, created at `created` (seconds since the epoch);
/// `None` when the project has no ledger.
pub fn ledgers(p: &Pages, created: i64) -> Result<Option<Vec<u8>>, XlsxError> {
    let ledgers = &p.cx.project.ledgers;
    if ledgers.is_empty() {
        return Ok(None);
    }
    let views: Vec<_> = ledgers.iter().map(|l| pages::ledger(p, l)).collect();
    // One sheet per ledger, more for a ledger longer than a sheet.
    let sheets: Vec<(usize, std::ops::Range<usize>)> = views
        .iter()
        .enumerate()
        .flat_map(|(i, v)| {
            chunks(v.rows.len(), ROWS_PER_SHEET)
                .into_iter()
                .map(move |r| (i, r))
        })
        .collect();
    let names = sheet_names(
        sheets
            .iter()
            .map(|(i, _)| (ledgers[*i].id.as_str(), views[*i].head.title.as_str())),
    );

    let header_f = TextFormat::new(
        base()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_background_color(0xD9D9D9)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap(),
    );
    let cell: Format = base()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top);
    let text_f = TextFormat::new(cell.clone().set_text_wrap());
    let date_f = cell.clone().set_num_format("yyyy-mm-dd");
    let number_f = cell;

    let mut wb = workbook(created)?;
    for ((i, range), name) in sheets.iter().zip(&names) {
        let (l, view) = (&ledgers[*i], &views[*i]);
        let types: Vec<FieldType> =
            p.cx.kinds
                .get(&l.kind)
                .map(|k| k.fields.iter().map(|f| f.ty).collect())
                .unwrap_or_default();
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        // Column widths first (they decide how text wraps): the widest
        // text of the column, between 8 and 50.
        let mut widths: Vec<usize> = view.columns.iter().map(|c| width(c)).collect();
        for row in &view.rows[range.clone()] {
            for (col, c) in row.cells.iter().enumerate() {
                grow(&mut widths, col, width(&c.text));
            }
        }
        let widths: Vec<f64> = widths
            .iter()
            .map(|w| (*w as f64 + 2.0).clamp(8.0, 50.0))
            .collect();
        for (col, w) in widths.iter().enumerate() {
            ws.set_column_width(col as u16, *w)?;
        }
        let height = |texts: &mut dyn Iterator<Item = (usize, &str)>| {
            let n = texts
                .map(|(col, t)| lines(t, widths.get(col).copied().unwrap_or(8.0)))
                .max()
                .unwrap_or(1);
            row_height(n)
        };
        for (col, title) in view.columns.iter().enumerate() {
            text(ws, 0, col as u16, title, &header_f)?;
        }
        ws.set_row_height(
            0,
            height(&mut view.columns.iter().map(String::as_str).enumerate()),
        )?;
        for (r, row) in view.rows[range.clone()].iter().enumerate() {
            let r = r as u32 + 1;
            for (col, c) in row.cells.iter().enumerate() {
                let ty = types.get(col).copied();
                let cu = col as u16;
                if ty == Some(FieldType::Date)
                    && let Some(d) = excel_date(&c.text)
                {
                    ws.write_datetime_with_format(r, cu, &d, &date_f)?;
                    continue;
                }
                if ty == Some(FieldType::Integer)
                    && let Ok(n) = c.text.parse::<i64>()
                    && n.unsigned_abs() < (1 << 53)
                {
                    ws.write_number_with_format(r, cu, n as f64, &number_f)?;
                    continue;
                }
                text(ws, r, cu, &c.text, &text_f)?;
            }
            ws.set_row_height(
                r,
                height(&mut row.cells.iter().map(|c| c.text.as_str()).enumerate()),
            )?;
        }
        let last_row = range.len() as u32;
        if !view.columns.is_empty() {
            ws.autofilter(0, 0, last_row, view.columns.len() as u16 - 1)?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.set_repeat_rows(0, 0)?;
        ws.set_paper_size(9) // A4
            .set_landscape()
            .set_print_fit_to_pages(1, 0)
            .set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3)
            .set_header("&L&A")
            .set_footer("&C&P / &N");
    }
    wb.save_to_buffer().map(Some)
}

/// The rows of each sheet for `n` rows, at most `per_sheet` a sheet: one
/// sheet (maybe empty) at least.
fn chunks(n: usize, per_sheet: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    out.push(0..n.min(per_sheet));
    while out.last().is_some_and(|r| r.end < n) {
        let start = out.last().map_or(0, |r| r.end);
        out.push(start..(start + per_sheet).min(n));
    }
    out
}

/// Widens column `col` to at least `w`.
fn grow(widths: &mut [usize], col: usize, w: usize) {
    if let Some(x) = widths.get_mut(col) {
        *x = (*x).max(w);
    }
}

/// An Excel date for `YYYY-MM-DD`.
fn excel_date(text: &str) -> Option<ExcelDateTime> {
    use chrono::Datelike;
    let d = crate::date::Date::parse(text).ok()?.0;
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        d.month() as u8,
        d.day() as u8,
    )
    .ok()
}

/// Sheet names for `(id, title)` items in order: the title made a valid
/// sheet name; a title several ledgers share takes `_<id>` on each of them
/// (as the CSV names do); a name still taken (a ledger's next sheet), or cut to the same 31
/// characters, takes ` (2)`, ` (3)`... Compared as Excel compares names
/// (ignoring case and width).
pub fn sheet_names<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let items: Vec<(&str, &str)> = items.into_iter().collect();
    let key = |s: &str| -> String { s.nfkc().flat_map(char::to_lowercase).collect() };
    // The ids holding each title (a ledger's continuation sheets share its id).
    let mut holders: std::collections::HashMap<String, std::collections::HashSet<&str>> =
        std::collections::HashMap::new();
    for (id, title) in &items {
        holders.entry(key(&clean(title))).or_default().insert(id);
    }
    let mut taken = std::collections::HashSet::new();
    items
        .iter()
        .map(|(id, title)| {
            let base = clean(title);
            let base = if holders[&key(&base)].len() > 1 {
                clean(&format!("{base}_{id}"))
            } else {
                base
            };
            let mut name = cut(&base, MAX_SHEET_NAME);
            let mut n = 2;
            while !taken.insert(key(&name)) {
                let suffix = format!(" ({n})");
                name = format!(
                    "{}{suffix}",
                    cut(&base, MAX_SHEET_NAME - suffix.encode_utf16().count())
                );
                n += 1;
            }
            name
        })
        .collect()
}

/// `title` as a sheet name: the characters Excel refuses become `_`,
/// control and invisible characters go, apostrophes and spaces at the
/// ends go, and an empty or reserved name gets one that is allowed.
fn clean(title: &str) -> String {
    let s: String = title
        .nfc()
        .filter(|c| !c.is_control() && !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'))
        .map(|c| {
            if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let s = s.trim_matches(|c: char| c == '\'' || c.is_whitespace());
    if s.is_empty() {
        "台帳".into()
    } else if s.eq_ignore_ascii_case("history") {
        format!("{s}_")
    } else {
        s.to_string()
    }
}

/// `s` cut to at most `max` UTF-16 units, without an apostrophe or space
/// left at the end.
fn cut(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in s.chars() {
        units += c.len_utf16();
        if units > max {
            break;
        }
        out.push(c);
    }
    let trimmed = out.trim_end_matches(|c: char| c == '\'' || c.is_whitespace());
    if trimmed.is_empty() {
        "_".into()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{chunks, sheet_names};

    #[test]
    fn a_ledger_longer_than_a_sheet_continues_on_the_next() {
        let bounds = |n, per| -> Vec<(usize, usize)> {
            chunks(n, per).iter().map(|r| (r.start, r.end)).collect()
        };
        assert_eq!(bounds(0, 3), [(0, 0)]);
        assert_eq!(bounds(3, 3), [(0, 3)]);
        assert_eq!(bounds(7, 3), [(0, 3), (3, 6), (6, 7)]);
        let names = sheet_names([("a", "入退室記録"), ("a", "入退室記録")]);
        assert_eq!(names, ["入退室記録", "入退室記録 (2)"]);
    }

    fn valid(name: &str) -> bool {
        !name.is_empty()
            && name.encode_utf16().count() <= 31
            && !name.contains(['[', ']', ':', '*', '?', '/', '\\'])
            && !name.starts_with('\'')
            && !name.ends_with('\'')
            && !name.eq_ignore_ascii_case("history")
    }

    #[test]
    fn sheet_names_follow_excels_rules() {
        let names = sheet_names([
            ("a", "研修記録"),
            ("b", "入退室[本社]:2026/上期*?"),
            ("c", "'引用'"),
            ("d", "History"),
            ("e", ""),
            ("f", &"長".repeat(40)),
        ]);
        assert_eq!(names[0], "研修記録");
        assert_eq!(names[1], "入退室_本社__2026_上期__");
        assert_eq!(names[2], "引用");
        assert_eq!(names[3], "History_");
        assert_eq!(names[4], "台帳");
        assert_eq!(names[5], "長".repeat(31));
        assert!(names.iter().all(|n| valid(n)), "{names:?}");
    }

    #[test]
    fn sheet_names_are_unique_as_excel_compares_them() {
        let long = "とても長い台帳の題名".repeat(4);
        let names = sheet_names([
            ("x", "入退室記録"),
            ("y", "入退室記録"),
            ("p", long.as_str()),
            ("q", &format!("{long}です")),
            ("r", "Staff"),
            ("s", "ｓｔａｆｆ"),
        ]);
        assert_eq!(names[0], "入退室記録_x");
        assert_eq!(names[1], "入退室記録_y");
        assert_ne!(names[2], names[3]);
        assert!(names[3].ends_with(" (2)"), "{names:?}");
        assert_eq!(names[4], "Staff_r");
        assert_eq!(names[5], "ｓｔａｆｆ_s");
        let keys: std::collections::HashSet<String> =
            names.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(keys.len(), names.len());
        assert!(names.iter().all(|n| super::tests::valid(n)), "{names:?}");
    }
}
