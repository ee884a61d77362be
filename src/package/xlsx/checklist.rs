//! The checklist as a workbook laid out as the city's form: one sheet
//! 「チェックシート」 with the form's title, a header row, a merged row per
//! section and sub-heading, and a row per item: 項目 | チェック内容 | 回答 |
//! はい | いいえ | 該当無 | 根拠・対策・該当無の理由. The answer is one cell
//! with a drop-down list (はい, いいえ, 該当無) the city can change; the
//! form's three mark columns show ○ by formula from it, so the printed
//! sheet looks like the form and follows an edit. The form's notes close
//! the sheet. Printed on A4 portrait, one page wide, the header row
//! repeated on every page and frozen on screen.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, XlsxError,
};

use super::{TextFormat, base, text, workbook};
use crate::view::pages::{self, ItemView, Pages};

/// The answers the drop-down offers.
const ANSWERS: [&str; 3] = ["はい", "いいえ", "該当無"];

/// Columns: (heading, width).
const ID_COL: u16 = 0;
const TEXT_COL: u16 = 1;
const ANSWER_COL: u16 = 2;
const MARK_COLS: [u16; 3] = [3, 4, 5];
const NOTE_COL: u16 = 6;
const LAST_COL: u16 = NOTE_COL;
const WIDTHS: [f64; 7] = [7.0, 62.0, 9.0, 6.5, 6.5, 6.5, 38.0];

/// The header row (0-based): the title is above it.
const HEADER_ROW: u32 = 1;

/// The checklist workbook, created at `created` (seconds since the epoch).
pub fn checklist(p: &Pages, created: i64) -> Result<Vec<u8>, XlsxError> {
    let form = &p.cx.standard.checklist;
    let mut wb = workbook(created)?;
    let ws = wb.add_worksheet();
    ws.set_name("チェックシート")?;
    // An unmarked column holds an empty text, not 0, until recalculated.
    ws.set_formula_result_default("");

    let border = |f: Format| f.set_border(FormatBorder::Thin);
    let title_f = base()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let header_f = border(base())
        .set_bold()
        .set_background_color(0xD9D9D9)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let section_f = TextFormat::new(
        border(base())
            .set_bold()
            .set_background_color(0xF2F2F2)
            .set_align(FormatAlign::VerticalCenter),
    );
    let id_f = TextFormat::new(
        border(base())
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::Top),
    );
    let wrap_f = TextFormat::new(border(base()).set_text_wrap().set_align(FormatAlign::Top));
    let center_f = border(base())
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::Top);
    let note_f = TextFormat::new(base().set_text_wrap().set_align(FormatAlign::Top));

    for (col, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(col as u16, *w)?;
    }

    // Title.
    ws.set_row_height(0, 26)?;
    ws.merge_range(0, 0, 0, LAST_COL, "", &title_f)?;
    text(ws, 0, 0, &form.title, &TextFormat::new(title_f.clone()))?;

    // Header: the form's own column names where it has them.
    let column = |i: usize, default: &str| {
        form.columns
            .get(i)
            .filter(|c| !c.trim().is_empty())
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let headers = [
        (ID_COL, "項目".to_string()),
        (TEXT_COL, column(0, "チェック内容")),
        (ANSWER_COL, "回答".to_string()),
        (MARK_COLS[0], column(1, ANSWERS[0])),
        (MARK_COLS[1], column(2, ANSWERS[1])),
        (MARK_COLS[2], column(3, ANSWERS[2])),
        (NOTE_COL, "根拠・対策・該当無の理由".to_string()),
    ];
    let header_text = TextFormat::new(header_f);
    for (col, h) in &headers {
        text(ws, HEADER_ROW, *col, h, &header_text)?;
    }

    let validation = DataValidation::new()
        .allow_list_strings(&ANSWERS)?
        .set_error_title("回答")?
        .set_error_message("「はい」「いいえ」「該当無」から選んでください。")?
        .set_error_style(DataValidationErrorStyle::Stop);

    let mut row = HEADER_ROW + 1;
    // Item rows since the last heading row: (first, last) of the run that
    // gets one drop-down.
    let mut run: Option<(u32, u32)> = None;
    let close = |ws: &mut rust_xlsxwriter::Worksheet, run: &mut Option<(u32, u32)>| match run.take()
    {
        Some((first, last)) => ws
            .add_data_validation(first, ANSWER_COL, last, ANSWER_COL, &validation)
            .map(|_| ()),
        None => Ok(()),
    };
    let span: f64 = WIDTHS.iter().sum();
    for section in pages::checklist(p) {
        close(ws, &mut run)?;
        ws.set_row_height(row, super::row_height(super::lines(&section.title, span)))?;
        heading(ws, row, &section.title, &section_f)?;
        row += 1;
        for (sub, items) in &section.groups {
            if let Some(sub) = sub {
                close(ws, &mut run)?;
                ws.set_row_height(row, super::row_height(super::lines(sub, span)))?;
                heading(ws, row, sub, &section_f)?;
                row += 1;
            }
            for item in items {
                text(ws, row, ID_COL, &item.id, &id_f)?;
                text(ws, row, TEXT_COL, &item.text, &wrap_f)?;
                text(
                    ws,
                    row,
                    ANSWER_COL,
                    &item.answer,
                    &TextFormat::new(center_f.clone()),
                )?;
                for (col, answer) in MARK_COLS.iter().zip(ANSWERS) {
                    let cell = format!("$C{}", row + 1);
                    let mark = if item.answer == answer { "○" } else { "" };
                    let formula = Formula::new(format!("=IF({cell}=\"{answer}\",\"○\",\"\")"))
                        .set_result(mark);
                    ws.write_formula_with_format(row, *col, formula, &center_f)?;
                }
                let remarks = remarks(item);
                text(ws, row, NOTE_COL, &remarks, &wrap_f)?;
                let n = super::lines(&item.text, WIDTHS[TEXT_COL as usize])
                    .max(super::lines(&remarks, WIDTHS[NOTE_COL as usize]));
                ws.set_row_height(row, super::row_height(n))?;
                run = Some((run.map_or(row, |(first, _)| first), row));
                row += 1;
            }
        }
    }
    close(ws, &mut run)?;

    // The form's notes, under the table.
    row += 1;
    for note in &form.notes {
        let span: f64 = WIDTHS[TEXT_COL as usize..].iter().sum();
        ws.set_row_height(row, super::row_height(super::lines(note, span)))?;
        ws.merge_range(row, TEXT_COL, row, LAST_COL, "", &note_f.plain)?;
        text(ws, row, TEXT_COL, note, &note_f)?;
        row += 1;
    }

    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    ws.set_paper_size(9) // A4
        .set_portrait()
        .set_print_fit_to_pages(1, 0)
        .set_print_center_horizontally(true)
        .set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3)
        .set_footer("&C&P / &N");
    wb.save_to_buffer()
}

/// A merged heading row across the table.
fn heading(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    title: &str,
    f: &TextFormat,
) -> Result<(), XlsxError> {
    ws.merge_range(row, 0, row, LAST_COL, "", &f.plain)?;
    text(ws, row, 0, title, f)
}

/// The evidence, remediation, reason and note of an answer, one per line.
fn remarks(item: &ItemView) -> String {
    let mut lines = Vec::new();
    if !item.evidence.is_empty() {
        let labels: Vec<&str> = item.evidence.iter().map(|e| e.label.as_str()).collect();
        lines.push(format!("根拠: {}", labels.join("、")));
    }
    if let Some(r) = &item.remediation {
        let done = r
            .completed
            .as_ref()
            .map(|c| format!("、完了 {c}"))
            .unwrap_or_default();
        lines.push(format!(
            "対策: {}（担当 {}、期限 {}{done}）",
            r.plan, r.owner, r.due
        ));
    }
    if let Some(reason) = &item.reason {
        lines.push(format!("該当無の理由: {reason}"));
    }
    if let Some(note) = &item.note {
        lines.push(format!("備考: {note}"));
    }
    lines.join("\n")
}
