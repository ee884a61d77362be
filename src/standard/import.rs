//! `anzen standard import`: a municipality's own checklist workbook (its
//! item numbers, texts, sections and notes) read into a standard variant
//! file, the YAML of `src/standard/data/municipal-standard.yaml`, that a
//! project lists under `standards:` after the bundled standard so that its
//! items replace the bundled items of the same number.
//!
//! How the form is read: the first sheet with a header cell such as
//! チェックシート's 「チェック内容」 holds it; the columns up to the first
//! heading right of that cell (はい, 回答...) are the form, the rest
//! (answers, remarks) is ignored. Below the header, a row is an item when
//! it starts with a number like `1`, `2-1`, `5-10` followed by its text, a
//! section when it reads `2. 組織的安全管理`, a sub-heading when it reads
//! `(1) …`, and a note when it starts with `※`. A section whose only row
//! is an unnumbered text (item 1 of the bundled form) gives that item the
//! section's number. Texts are kept exactly (trimmed, line breaks made
//! `\n`). Rows that cannot be placed (text without a number, a number out
//! of pattern, a number seen before) are reported with sheet and row.
//!
//! An item whose text is the bundled item's keeps the bundled item's
//! requirements and checks; a changed text keeps its requirements (so the
//! variant still checks them) but not its checks, and says so in a YAML
//! comment; a new number gets none.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader};
use unicode_normalization::UnicodeNormalization;

use super::{Checklist, ChecklistItem, ChecklistSection, Standard};
use crate::i18n::Text;
use crate::tr;

/// Largest total a workbook may unpack to (its parts are zip entries).
pub const MAX_UNPACKED: u64 = 256 * 1024 * 1024;

/// Header cells that mark the checklist's text column (compared without
/// spaces, in NFKC).
const HEADERS: &[&str] = &[
    "チェック内容",
    "チェック項目",
    "確認内容",
    "確認項目",
    "点検内容",
    "点検項目",
    "質問内容",
    "設問",
];

/// Why a workbook could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Not a workbook a reader opens.
    #[error("not a readable workbook: {0}")]
    Unreadable(String),
    /// It would unpack to more than [`MAX_UNPACKED`].
    #[error("the workbook unpacks to more than {MAX_UNPACKED} bytes")]
    TooLarge,
    /// No sheet has a header such as チェック内容.
    #[error("no sheet has a header cell such as チェック内容")]
    NoHeader(Vec<String>),
    /// The header was found but no item under it.
    #[error("no checklist item under the header of sheet {0}")]
    NoItems(String),
}

impl ImportError {
    /// The message in both languages.
    pub fn text(&self) -> Text {
        match self {
            ImportError::Unreadable(e) => tr!(
                "ブック（.xlsx）として読めません: {}",
                "not a workbook that can be read (.xlsx): {}"; crate::terminal::text(e)
            ),
            ImportError::TooLarge => tr!(
                "ブックを展開すると {} MiB を超えます（読み込みません）",
                "the workbook would unpack to more than {} MiB (not read)"; MAX_UNPACKED >> 20
            ),
            ImportError::NoHeader(sheets) => tr!(
                "「チェック内容」などの見出しのあるシートがありません（シート: {}）",
                "no sheet has a header cell such as チェック内容 (sheets: {})";
                crate::terminal::text(&sheets.join(", "))
            ),
            ImportError::NoItems(sheet) => tr!(
                "シート「{}」の見出しの下に番号のある項目がありません",
                "sheet '{}' has no numbered item under its header"; crate::terminal::text(sheet)
            ),
        }
    }
}

/// Something the import could not place, or placed with a doubt.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The sheet, when the warning is about a row.
    pub sheet: Option<String>,
    /// The row (1-based, as a spreadsheet numbers it).
    pub row: Option<u32>,
    /// What is wrong.
    pub message: Text,
}

impl Warning {
    /// The warning with its place, in both languages.
    pub fn text(&self) -> Text {
        match (&self.sheet, self.row) {
            (Some(sheet), Some(row)) => {
                let sheet = crate::terminal::text(sheet);
                Text::new(
                    format!("シート「{sheet}」{row} 行目: {}", self.message.ja),
                    format!("sheet '{sheet}' row {row}: {}", self.message.en),
                )
            }
            _ => self.message.clone(),
        }
    }
}

/// What an import made.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The variant file.
    pub yaml: String,
    /// The variant, as the YAML reads.
    pub standard: Standard,
    /// Items whose text is the bundled item's.
    pub unchanged: usize,
    /// Items whose text differs from the bundled item's.
    pub changed: Vec<String>,
    /// Items the bundled standard does not have.
    pub new: Vec<String>,
    /// Rows that could not be placed, and other doubts.
    pub warnings: Vec<Warning>,
}

/// Reads the workbook `bytes` (named `file_name`, for the variant's id and
/// comments) against the bundled standard `bundled`.
pub fn import(bytes: &[u8], file_name: &str, bundled: &Standard) -> Result<Imported, ImportError> {
    guard_size(bytes)?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let names = book.sheet_names();
    let mut found = None;
    for name in &names {
        let Ok(range) = book.worksheet_range(name) else {
            continue;
        };
        let rows = rows(&range);
        if let Some(h) = rows.iter().position(|r| header_col(r).is_some()) {
            found = Some((name.clone(), rows, h));
            break;
        }
    }
    let Some((sheet, rows, h)) = found else {
        return Err(ImportError::NoHeader(names));
    };
    let form = read_form(&sheet, &rows, h);
    if form.items.is_empty() {
        return Err(ImportError::NoItems(sheet));
    }
    Ok(variant(form, file_name, bundled))
}

/// Refuses a zip-based workbook (.xlsx, .ods) whose parts would unpack to
/// more than [`MAX_UNPACKED`], by the sizes its zip directory declares.
fn guard_size(bytes: &[u8]) -> Result<(), ImportError> {
    if !bytes.starts_with(b"PK") {
        return Ok(());
    }
    let unreadable = |e: zip::result::ZipError| ImportError::Unreadable(e.to_string());
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        // The size the central directory declares; nothing is unpacked.
        total = total.saturating_add(zip.by_index_raw(i).map_err(unreadable)?.size());
    }
    if total > MAX_UNPACKED {
        return Err(ImportError::TooLarge);
    }
    Ok(())
}

/// A cell's value as the form reads it.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Text(String),
    /// A date (what Excel makes of `2-1` typed into a cell): (month, day).
    Date(u8, u8, String),
}

impl Cell {
    fn text(&self) -> &str {
        match self {
            Cell::Text(t) => t,
            Cell::Date(_, _, iso) => iso,
        }
    }
}

/// One row: its number on the sheet and its non-empty cells by column.
struct Row {
    number: u32,
    cells: Vec<(usize, Cell)>,
}

fn rows(range: &calamine::Range<Data>) -> Vec<Row> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            number: r0 + i as u32 + 1,
            cells: cells
                .iter()
                .enumerate()
                .filter_map(|(j, d)| cell(d).map(|c| (c0 as usize + j, c)))
                .collect(),
        })
        .collect()
}

fn cell(d: &Data) -> Option<Cell> {
    let text = match d {
        Data::Empty | Data::Error(_) => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            return Some(Cell::Date(m, d, format!("{y:04}-{m:02}-{d:02}")));
        }
    };
    (!text.is_empty()).then_some(Cell::Text(text))
}

/// Text kept exactly, but trimmed and with `\n` line breaks.
fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_string()
}

/// The column of the header cell naming the checklist's text, if `row`
/// is the header.
fn header_col(row: &Row) -> Option<usize> {
    row.cells.iter().find_map(|(col, c)| {
        let key: String = c.text().nfkc().filter(|c| !c.is_whitespace()).collect();
        HEADERS.iter().any(|h| key == *h).then_some(*col)
    })
}

/// The form as read from the sheet.
struct Form {
    title: Option<String>,
    columns: Vec<String>,
    notes: Vec<String>,
    sections: Vec<ChecklistSection>,
    items: Vec<FormItem>,
    warnings: Vec<Warning>,
}

struct FormItem {
    id: String,
    section: String,
    subsection: Option<String>,
    text: String,
}

/// Item numbers: `1`, `2-1`, `5-10`, after NFKC and with any dash as `-`.
fn item_number(s: &str) -> Option<String> {
    let n: String = s
        .nfkc()
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30fc}' | '\u{fe63}' => '-',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let parts: Vec<&str> = n.split('-').collect();
    let digits = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (parts.len() <= 2 && parts.iter().all(digits)).then_some(n)
}

/// `2. 組織的安全管理` → ("2", "組織的安全管理").
fn section_heading(s: &str) -> Option<(String, String)> {
    let digits: String = s
        .chars()
        .take_while(|c| c.nfkc().all(|d| d.is_ascii_digit()))
        .collect();
    if digits.is_empty() {
        return None;
    }
    let rest = &s[digits.len()..];
    let rest = rest.strip_prefix(['.', '．', '、'])?.trim();
    (!rest.is_empty()).then(|| (digits.nfkc().collect(), rest.to_string()))
}

/// `(1) アクセス制御` → "1".
fn sub_heading(s: &str) -> Option<String> {
    let n: String = s.nfkc().collect();
    let rest = n.strip_prefix('(')?;
    let (num, title) = rest.split_once(')')?;
    let num = num.trim();
    (!num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) && !title.trim().is_empty())
        .then(|| num.to_string())
}

/// The start of a cell's text, on one line, safe to print.
fn excerpt(s: &str) -> String {
    let one = one_line(s);
    if one.chars().count() > 40 {
        format!("{}…", one.chars().take(40).collect::<String>())
    } else {
        one
    }
}

fn read_form(sheet: &str, rows: &[Row], h: usize) -> Form {
    let header = &rows[h];
    let text_col = header_col(header).unwrap_or(0);
    // The form ends at the first heading right of the text column.
    let cut = header
        .cells
        .iter()
        .map(|(c, _)| *c)
        .find(|c| *c > text_col)
        .unwrap_or(usize::MAX);
    let mut columns = vec![
        header
            .cells
            .iter()
            .find(|(c, _)| *c == text_col)
            .map(|(_, c)| c.text().to_string())
            .unwrap_or_default(),
    ];
    for (_, c) in &header.cells {
        let t = c.text().trim();
        if ["はい", "いいえ", "該当無", "該当なし"].contains(&t) {
            columns.push(t.to_string());
        }
    }
    let title = rows[..h]
        .iter()
        .flat_map(|r| r.cells.first())
        .map(|(_, c)| c.text().to_string())
        .next();

    let mut form = Form {
        title,
        columns,
        notes: Vec::new(),
        sections: Vec::new(),
        items: Vec::new(),
        warnings: Vec::new(),
    };
    let warn = |form: &mut Form, row: u32, message: Text| {
        form.warnings.push(Warning {
            sheet: Some(sheet.to_string()),
            row: Some(row),
            message,
        })
    };
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut section: Option<String> = None;
    let mut subsection: Option<String> = None;
    // Unnumbered texts of the current section, and whether the section
    // has a numbered item; the first text right under the heading is the
    // section's own item if it stays alone.
    let mut loose: Vec<(u32, String, bool)> = Vec::new();
    let mut numbered = false;
    let mut last_was_heading = false;

    let close = |form: &mut Form,
                 section: &Option<String>,
                 loose: &mut Vec<(u32, String, bool)>,
                 numbered: bool,
                 seen: &mut BTreeMap<String, u32>| {
        let lone = !numbered && loose.len() == 1 && loose[0].2;
        for (row, text, _) in loose.drain(..) {
            match section {
                Some(id) if lone && !seen.contains_key(id) => {
                    seen.insert(id.clone(), row);
                    form.items.push(FormItem {
                        id: id.clone(),
                        section: id.clone(),
                        subsection: None,
                        text,
                    });
                }
                _ => form.warnings.push(Warning {
                    sheet: Some(sheet.to_string()),
                    row: Some(row),
                    message: tr!(
                        "番号のない行です（取り込みません）: 「{}」",
                        "a row with text but no item number (not imported): '{}'";
                        excerpt(&text)
                    ),
                }),
            }
        }
    };

    for row in &rows[h + 1..] {
        let cells: Vec<&(usize, Cell)> = row.cells.iter().filter(|(c, _)| *c < cut).collect();
        let Some((first, rest)) = cells.split_first() else {
            continue;
        };
        let first = &first.1;
        let text = rest
            .iter()
            .map(|(_, c)| c.text())
            .collect::<Vec<_>>()
            .join("\n");
        let first_text = first.text();
        let heading_row = last_was_heading;
        last_was_heading = false;

        // A number cell Excel took for a date: 2-1 typed became 2月1日.
        let number = match first {
            Cell::Date(m, d, _) if !text.is_empty() => {
                let n = format!("{m}-{d}");
                warn(
                    &mut form,
                    row.number,
                    tr!(
                        "番号が日付として保存されていました（{} と読みました）",
                        "the item number was stored as a date (read as {})"; n
                    ),
                );
                Some(n)
            }
            Cell::Date(..) => None,
            Cell::Text(t) => item_number(t),
        };

        if let (Some(id), false) = (&number, text.is_empty()) {
            let id = id.clone();
            if let Some(first_row) = seen.get(&id) {
                warn(
                    &mut form,
                    row.number,
                    tr!(
                        "番号 {} は {} 行目にもあります（最初の行を取り込みます）",
                        "item {} is also on row {} (the first is imported)"; id, first_row
                    ),
                );
                continue;
            }
            let sec = match &section {
                Some(s) => s.clone(),
                None => {
                    let s = id.split('-').next().unwrap_or(&id).to_string();
                    start_section(&mut form, s.clone(), s.clone());
                    section = Some(s.clone());
                    s
                }
            };
            if id.contains('-') && id.split('-').next() != Some(sec.as_str()) {
                warn(
                    &mut form,
                    row.number,
                    tr!(
                        "項目 {} が見出し {} の下にあります（見出し {} の項目として取り込みます）",
                        "item {} is under heading {} (imported as an item of {})"; id, sec, sec
                    ),
                );
            }
            seen.insert(id.clone(), row.number);
            numbered = true;
            form.items.push(FormItem {
                id,
                section: sec,
                subsection: subsection.clone(),
                text,
            });
            continue;
        }

        // A heading (in one cell, or its number and title in two), a
        // note, a number without text, or a text without a number.
        let line = if text.is_empty() {
            first_text.to_string()
        } else {
            format!("{first_text} {text}")
        };
        if let Some((id, title)) = section_heading(&line) {
            close(&mut form, &section, &mut loose, numbered, &mut seen);
            start_section(&mut form, id.clone(), title);
            section = Some(id);
            (subsection, numbered, last_was_heading) = (None, false, true);
        } else if let (Some(n), Some(sec)) = (sub_heading(&line), section.clone()) {
            let id = format!("{sec}({n})");
            if let Some(s) = form.sections.iter_mut().find(|s| s.id == sec)
                && !s.subsections.iter().any(|x| x.id == id)
            {
                s.subsections.push(ChecklistSection {
                    id: id.clone(),
                    title: line.clone(),
                    subsections: Vec::new(),
                });
            }
            subsection = Some(id);
            last_was_heading = true;
        } else if line.starts_with(['※', '＊', '*']) {
            form.notes.push(line);
        } else if !text.is_empty() {
            warn(
                &mut form,
                row.number,
                tr!(
                    "番号「{}」は項目番号の形（1, 2-1, 5-10 など）ではありません（取り込みません）",
                    "'{}' is not an item number like 1, 2-1 or 5-10 (not imported)";
                    excerpt(first_text)
                ),
            );
        } else if number.is_some() {
            warn(
                &mut form,
                row.number,
                tr!(
                    "番号 {} の行に本文がありません（取り込みません）",
                    "item {} has no text (not imported)"; excerpt(first_text)
                ),
            );
        } else {
            loose.push((row.number, line, heading_row));
        }
    }
    close(&mut form, &section, &mut loose, numbered, &mut seen);
    form
}

fn start_section(form: &mut Form, id: String, title: String) {
    if !form.sections.iter().any(|s| s.id == id) {
        form.sections.push(ChecklistSection {
            id,
            title,
            subsections: Vec::new(),
        });
    }
}

/// The variant file for the form.
fn variant(form: Form, file_name: &str, bundled: &Standard) -> Imported {
    let stem = std::path::Path::new(file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = if crate::names::id_problem(&stem).is_none() {
        stem
    } else {
        "city-checklist".to_string()
    };
    let form_title = form
        .title
        .clone()
        .unwrap_or_else(|| bundled.checklist.title.clone());
    let columns = if form.columns.len() == 4 {
        form.columns.clone()
    } else {
        bundled.checklist.columns.clone()
    };
    let mut warnings = form.warnings;
    let mut unchanged = 0;
    let mut changed = Vec::new();
    let mut new = Vec::new();
    let mut items = Vec::new();
    // (comment, item) for each item, in the form's order.
    for f in form.items {
        let b = bundled.item(&f.id);
        let (comment, item) = match b {
            Some(b) if b.text == f.text => {
                unchanged += 1;
                let mut item = b.clone();
                item.section = f.section;
                item.subsection = f.subsection;
                (None, item)
            }
            Some(b) => {
                changed.push(f.id.clone());
                let item = ChecklistItem {
                    id: f.id,
                    section: f.section,
                    subsection: f.subsection,
                    text: f.text,
                    requirements: b.requirements.clone(),
                    checks: Vec::new(),
                    na_contradicted_by: Vec::new(),
                };
                let dropped = !b.checks.is_empty() || !b.na_contradicted_by.is_empty();
                let ja = format!(
                    "変更: 同梱の項目 {} と本文が違います。requirements は同梱の項目から写しました{}",
                    item.id,
                    if dropped {
                        "（同梱の checks / na_contradicted_by は写していません。本文に合うか確かめて書き足してください）"
                    } else {
                        ""
                    }
                );
                let en = format!(
                    "changed: the text differs from bundled item {}; requirements copied from it{}",
                    item.id,
                    if dropped {
                        " (its checks / na_contradicted_by are not: add them if they fit the new text)"
                    } else {
                        ""
                    }
                );
                (Some((ja, en)), item)
            }
            None => {
                new.push(f.id.clone());
                let item = ChecklistItem {
                    id: f.id,
                    section: f.section,
                    subsection: f.subsection,
                    text: f.text,
                    requirements: Vec::new(),
                    checks: Vec::new(),
                    na_contradicted_by: Vec::new(),
                };
                (
                    Some((
                        "新規: 同梱の基準にない項目です。requirements に対応する要件の ID を書いてください".to_string(),
                        "new: not in the bundled standard; list the requirements it asks about".to_string(),
                    )),
                    item,
                )
            }
        };
        items.push((comment, item));
    }
    for b in &bundled.checklist.items {
        if !items.iter().any(|(_, i)| i.id == b.id) {
            warnings.push(Warning {
                sheet: None,
                row: None,
                message: tr!(
                    "同梱の基準の項目 {} が様式にありません（基準を重ねても同梱の項目は残ります）",
                    "bundled item {} is not on the form (layering the variant keeps the bundled item)";
                    b.id
                ),
            });
        }
    }

    let standard = Standard {
        id: id.clone(),
        title: format!("{form_title}（{} から取り込み）", one_line(file_name)),
        title_en: None,
        checklist: Checklist {
            title: form_title,
            columns,
            notes: form.notes,
            sections: form.sections,
            items: items.iter().map(|(_, i)| i.clone()).collect(),
        },
        requirements: Vec::new(),
        notes: Vec::new(),
    };
    let yaml = emit(&standard, &items, file_name);
    Imported {
        yaml,
        standard,
        unchanged,
        changed,
        new,
        warnings,
    }
}

/// `s` on one line (for a YAML comment).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || crate::terminal::is_unsafe(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// A YAML double-quoted scalar (JSON's string syntax is YAML's).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn list(v: &[String]) -> String {
    format!(
        "[{}]",
        v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
    )
}

/// Appends `value` serialised as a block YAML sequence entry at `indent`.
fn entry<T: serde::Serialize>(out: &mut String, indent: &str, value: &T) {
    let text = serde_yaml::to_string(value).unwrap_or_default();
    // An absent optional field reads as `key: null`: leave it out.
    let lines = text
        .lines()
        .filter(|l| l.starts_with(' ') || !l.ends_with(": null"));
    for (i, line) in lines.enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&format!("{indent}{lead}{line}\n"));
    }
}

fn emit(
    s: &Standard,
    items: &[(Option<(String, String)>, ChecklistItem)],
    file_name: &str,
) -> String {
    let file = one_line(file_name);
    let mut o = String::new();
    o.push_str(&format!(
        "# 「{file}」から anzen standard import で作った基準の差分（チェックシート）です。\n\
         # anzen.yaml の standards: で同梱の基準の後に挙げると、同じ番号の項目を置き換えます:\n\
         #   standards: [municipal-standard, <このファイル>]\n\
         # Made by `anzen standard import` from {file}: list it in anzen.yaml's standards:\n\
         # after the bundled standard and its items replace the bundled items of the same number.\n"
    ));
    o.push_str(&format!("id: {}\ntitle: {}\n", q(&s.id), q(&s.title)));
    let c = &s.checklist;
    o.push_str(&format!(
        "checklist:\n  title: {}\n  columns: {}\n",
        q(&c.title),
        list(&c.columns)
    ));
    if !c.notes.is_empty() {
        o.push_str("  notes:\n");
        for n in &c.notes {
            o.push_str(&format!("    - {}\n", q(n)));
        }
    }
    o.push_str("  sections:\n");
    for sec in &c.sections {
        o.push_str(&format!(
            "    - id: {}\n      title: {}\n",
            q(&sec.id),
            q(&sec.title)
        ));
        if !sec.subsections.is_empty() {
            o.push_str("      subsections:\n");
            for sub in &sec.subsections {
                o.push_str(&format!(
                    "        - id: {}\n          title: {}\n",
                    q(&sub.id),
                    q(&sub.title)
                ));
            }
        }
    }
    o.push_str("  items:\n");
    for (comment, i) in items {
        if let Some((ja, en)) = comment {
            o.push_str(&format!("    # {}\n    # {}\n", one_line(ja), one_line(en)));
        }
        o.push_str(&format!(
            "    - id: {}\n      section: {}\n",
            q(&i.id),
            q(&i.section)
        ));
        if let Some(sub) = &i.subsection {
            o.push_str(&format!("      subsection: {}\n", q(sub)));
        }
        o.push_str(&format!("      text: {}\n", q(&i.text)));
        o.push_str(&format!("      requirements: {}\n", list(&i.requirements)));
        if !i.checks.is_empty() {
            o.push_str("      checks:\n");
            for ch in &i.checks {
                entry(&mut o, "        ", ch);
            }
        }
        if !i.na_contradicted_by.is_empty() {
            o.push_str("      na_contradicted_by:\n");
            for n in &i.na_contradicted_by {
                entry(&mut o, "        ", n);
            }
        }
    }
    o.push_str("requirements: []\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Standard {
        Standard::bundled("municipal-standard").unwrap()
    }

    #[test]
    fn item_numbers_are_digits_and_one_dash_in_any_width() {
        for (s, want) in [
            ("1", "1"),
            ("2-1", "2-1"),
            ("5-10", "5-10"),
            ("５－１０", "5-10"),
            ("5−13", "5-13"),
            (" 3-2 ", "3-2"),
        ] {
            assert_eq!(item_number(s).as_deref(), Some(want), "{s}");
        }
        for s in ["", "A1", "2-1-1", "2-", "-1", "2.1", "(1)", "2."] {
            assert_eq!(item_number(s), None, "{s}");
        }
    }

    #[test]
    fn headings_and_sub_headings_are_recognised() {
        assert_eq!(
            section_heading("2. 組織的安全管理"),
            Some(("2".into(), "組織的安全管理".into()))
        );
        assert_eq!(
            section_heading("１０．追加"),
            Some(("10".into(), "追加".into()))
        );
        assert_eq!(section_heading("2-1 本文"), None);
        assert_eq!(section_heading("貴社は"), None);
        assert_eq!(sub_heading("(2) アクセス制御").as_deref(), Some("2"));
        assert_eq!(sub_heading("（１）情報システム").as_deref(), Some("1"));
        assert_eq!(sub_heading("(a) x"), None);
    }

    /// A workbook of `rows` (each a list of (column, text)), header first.
    fn book(rows: &[&[(u16, &str)]]) -> Vec<u8> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, t) in *row {
                ws.write_string(r as u32, *c, *t).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn headings_split_over_two_cells_and_items_under_another_heading_are_read() {
        let b = bundled();
        let bytes = book(&[
            &[(0, "No."), (1, "確認内容"), (2, "回答")],
            &[(0, "2-1"), (1, &b.item("2-1").unwrap().text), (2, "はい")],
            &[(0, "5."), (1, "技術的安全管理")],
            &[(0, "（２）"), (1, "アクセス制御")],
            &[(0, "5-10"), (1, "本文")],
            &[(0, "3-1"), (1, "別の見出しの項目")],
            &[(1, "番号のない本文その1")],
            &[(1, "※ 注記")],
        ]);
        let got = import(&bytes, "市.xlsx", &b).unwrap();
        let s = &got.standard.checklist;
        let ids: Vec<(&str, &str, Option<&str>)> = s
            .items
            .iter()
            .map(|i| (i.id.as_str(), i.section.as_str(), i.subsection.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                ("2-1", "2", None),
                ("5-10", "5", Some("5(2)")),
                ("3-1", "5", Some("5(2)"))
            ]
        );
        assert_eq!(s.sections[0].id, "2", "a section from the first number");
        assert_eq!(s.sections[1].title, "技術的安全管理");
        assert_eq!(s.sections[1].subsections[0].title, "（２） アクセス制御");
        assert_eq!(s.notes, ["※ 注記"]);
        assert_eq!(
            s.columns, b.checklist.columns,
            "the form names no mark columns"
        );
        assert_eq!(got.unchanged, 1);
        assert_eq!(got.changed, ["5-10", "3-1"]);
        let rows: Vec<(Option<u32>, String)> = got
            .warnings
            .iter()
            .filter(|w| w.row.is_some())
            .map(|w| (w.row, w.message.en.clone()))
            .collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].0, Some(6));
        assert!(
            rows[0].1.contains("item 3-1 is under heading 5"),
            "{rows:?}"
        );
        assert_eq!(rows[1].0, Some(7));
        assert!(rows[1].1.contains("no item number"), "{rows:?}");
        assert_eq!(got.standard.id, "市");
    }

    #[test]
    fn every_bundled_item_round_trips_through_the_variant_yaml() {
        let b = bundled();
        let items: Vec<(Option<(String, String)>, ChecklistItem)> = b
            .checklist
            .items
            .iter()
            .map(|i| (Some(("ja\n# x".into(), "en".into())), i.clone()))
            .collect();
        let mut s = b.clone();
        s.requirements.clear();
        s.notes.clear();
        let yaml = emit(&s, &items, "市の\n様式.xlsx");
        let back = Standard::from_yaml(&yaml).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
        assert_eq!(
            serde_json::to_value(&back.checklist).unwrap(),
            serde_json::to_value(&b.checklist).unwrap()
        );
        assert!(back.requirements.is_empty());
    }
}
