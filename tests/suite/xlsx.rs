//! The Excel workbooks of the package, opened with real readers: Python's
//! openpyxl (what the cells, drop-down, print setup hold) and LibreOffice
//! (what a spreadsheet computes and shows, converted to CSV), compared
//! with the package's own CSVs answer by answer and row by row; two builds
//! give the same bytes. And `anzen standard import`, which reads a city's
//! own checklist workbook into a standard variant file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::{Fixture, repo, run_anzen};

const CHECKLIST: &str = "02_チェックシート/情報セキュリティチェックシート.xlsx";
const CHECKLIST_CSV: &str = "02_チェックシート/チェックシート回答.csv";
const LEDGERS: &str = "04_台帳/台帳一覧.xlsx";

/// Builds the project at `root` without PDFs and unzips the package into
/// a temporary folder; returns (output folder, unzipped folder).
fn unzipped(root: &Path) -> (tempfile::TempDir, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        root,
        &["build", "--no-pdf", "--out", out.path().to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let zip = zip_in(out.path());
    let dest = tempfile::tempdir().unwrap();
    let st = Command::new("unzip")
        .arg("-q")
        .arg(&zip)
        .arg("-d")
        .arg(dest.path())
        .status()
        .expect("unzip");
    assert!(st.success());
    (out, dest)
}

fn zip_in(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "zip"))
        .expect("a zip")
}

/// Runs a Python script (with openpyxl) and parses what it prints as JSON.
fn openpyxl(script: &str, args: &[&Path]) -> Value {
    let out = Command::new("python3")
        .arg("-c")
        .arg(format!("import json, sys, openpyxl\n{script}"))
        .args(args)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "python3 with openpyxl (scripts/setup test installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every sheet of a workbook as LibreOffice shows it: sheet name → rows.
fn libreoffice(book: &Path) -> BTreeMap<String, Vec<Vec<String>>> {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.path().join("profile").display()
        ))
        .args([
            "--headless",
            "--convert-to",
            // UTF-8, cells as shown, every sheet (one file each).
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir",
        ])
        .arg(&out)
        .arg(book)
        .output()
        .expect("LibreOffice (scripts/setup test installs libreoffice-calc-nogui)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stem = book.file_stem().unwrap().to_string_lossy().into_owned();
    let mut sheets = BTreeMap::new();
    for e in std::fs::read_dir(&out).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let sheet = name
            .strip_prefix(&format!("{stem}-"))
            .and_then(|n| n.strip_suffix(".csv"))
            .unwrap_or_else(|| panic!("{name}"))
            .to_string();
        sheets.insert(sheet, csv_rows(&std::fs::read(e.path()).unwrap()));
    }
    sheets
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// What openpyxl reads of the checklist sheet: settings, data validations
/// and every row (formulas, then the cached values).
const READ_CHECKLIST: &str = r#"
path = sys.argv[1]
wb = openpyxl.load_workbook(path)
ws = wb.active
cached = openpyxl.load_workbook(path, data_only=True).active
ps = ws.page_setup
print(json.dumps({
  "sheets": wb.sheetnames,
  "freeze": ws.freeze_panes,
  "print_titles": ws.print_title_rows,
  "paper": ps.paperSize, "orientation": ps.orientation,
  "fit": [ps.fitToWidth, ps.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage],
  "validations": [{"type": v.type, "list": v.formula1, "ranges": str(v.sqref)} for v in ws.data_validations.dataValidation],
  "merged": sorted(str(r) for r in ws.merged_cells.ranges),
  "rows": [[c.value for c in row] for row in ws.iter_rows()],
  "cached": [[c.value for c in row] for row in cached.iter_rows()],
  "created": wb.properties.created.isoformat(),
}, ensure_ascii=False, default=str))
"#;

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

#[test]
fn checklist_workbook_holds_every_answer_as_the_form_in_openpyxl_and_libreoffice() {
    let (_out, dir) = unzipped(&repo());
    let book = dir.path().join(CHECKLIST);
    let csv = csv_rows(&std::fs::read(dir.path().join(CHECKLIST_CSV)).unwrap());
    // id → (text, answer) from the CSV beside it.
    let answers: BTreeMap<String, (String, String)> = csv[1..]
        .iter()
        .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone())))
        .collect();
    assert_eq!(answers.len(), 31);

    let v = openpyxl(READ_CHECKLIST, &[&book]);
    assert_eq!(v["sheets"], serde_json::json!(["チェックシート"]));
    assert_eq!(v["freeze"], "A3", "frozen under the header");
    assert_eq!(v["print_titles"], "$2:$2", "header repeated on each page");
    assert_eq!(v["paper"], 9, "A4");
    assert_eq!(v["orientation"], "portrait");
    // One page wide (openpyxl reads Excel's default 1 as null), any number tall.
    assert!(v["fit"][0].is_null() || v["fit"][0] == 1, "{}", v["fit"]);
    assert_eq!(v["fit"][1], 0);
    assert_eq!(v["fit"][2], true);
    assert_eq!(v["created"], "2026-11-20T00:00:00", "fixed creation time");

    let rows = v["rows"].as_array().unwrap();
    let cached = v["cached"].as_array().unwrap();
    assert_eq!(rows[0][0], "情報セキュリティチェックシート");
    let header: Vec<String> = rows[1].as_array().unwrap().iter().map(s).collect();
    assert_eq!(
        header,
        [
            "項目",
            "チェック内容",
            "回答",
            "はい",
            "いいえ",
            "該当無",
            "根拠・対策・該当無の理由"
        ]
    );
    let merged = v["merged"].as_array().unwrap();
    let mut seen = BTreeMap::new();
    let mut item_rows = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(2) {
        let id = s(&row[0]);
        let Some((text, answer)) = answers.get(&id) else {
            // A section row is merged across the table.
            if !id.is_empty() {
                assert!(
                    merged.contains(&Value::from(format!("A{0}:G{0}", i + 1))),
                    "{id}"
                );
            }
            continue;
        };
        let r = i + 1;
        item_rows.push(r);
        assert_eq!(&s(&row[1]), text, "{id}: the form's text");
        assert_eq!(&s(&row[2]), answer, "{id}: the answer");
        for (col, mark) in [(3, "はい"), (4, "いいえ"), (5, "該当無")] {
            assert_eq!(
                s(&row[col]),
                format!("=IF($C{r}=\"{mark}\",\"○\",\"\")"),
                "{id}: the mark follows the answer cell"
            );
            let want = if answer == mark { "○" } else { "" };
            assert_eq!(s(&cached[i][col]), want, "{id} {mark}: cached mark");
        }
        seen.insert(id, ());
    }
    assert_eq!(seen.len(), answers.len(), "every item has its row");
    assert!(
        rows.iter().any(|r| s(&r[1]).starts_with("※「いいえ」")),
        "notes"
    );

    // The drop-down covers exactly the answer cells.
    let mut covered = Vec::new();
    for dv in v["validations"].as_array().unwrap() {
        assert_eq!(dv["type"], "list");
        assert_eq!(dv["list"], "\"はい,いいえ,該当無\"");
        for range in s(&dv["ranges"]).split_whitespace() {
            let (a, b) = range.split_once(':').unwrap_or((range, range));
            let n = |c: &str| c.trim_start_matches('C').parse::<usize>().unwrap();
            covered.extend(n(a)..=n(b));
        }
    }
    covered.sort();
    assert_eq!(covered, item_rows);

    // LibreOffice shows the same answers and marks.
    let lo = libreoffice(&book);
    let sheet = &lo["チェックシート"];
    let marks = |rows: &[Vec<String>], id: &str| -> Vec<String> {
        let r = rows.iter().find(|r| r[0] == id).unwrap();
        r[2..6].to_vec()
    };
    for (id, (_, answer)) in &answers {
        let m = marks(sheet, id);
        assert_eq!(&m[0], answer, "{id}");
        for (k, mark) in ["はい", "いいえ", "該当無"].iter().enumerate() {
            let want = if answer == mark { "○" } else { "" };
            assert_eq!(m[k + 1], want, "{id} {mark} in LibreOffice");
        }
    }

    // A city changes an answer in the drop-down cell: the marks follow.
    let edited = dir.path().join("edited.xlsx");
    let out = openpyxl(
        "wb = openpyxl.load_workbook(sys.argv[1])\nws = wb.active\nrow = next(r for r in ws.iter_rows() if r[0].value == '4-4')\nrow[2].value = 'はい'\nwb.save(sys.argv[2])\nprint(json.dumps(row[2].row))",
        &[&book, &edited],
    );
    assert!(out.as_u64().is_some());
    assert_eq!(answers["4-4"].1, "いいえ");
    let lo = libreoffice(&edited);
    assert_eq!(marks(&lo["チェックシート"], "4-4"), ["はい", "○", "", ""]);
}

#[test]
fn ledgers_workbook_has_a_sheet_per_ledger_showing_what_its_csv_holds() {
    let (_out, dir) = unzipped(&repo());
    let ledgers = dir.path().join("04_台帳");
    let csvs: BTreeMap<String, Vec<Vec<String>>> = std::fs::read_dir(&ledgers)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
        .map(|e| {
            let name = e.path().file_stem().unwrap().to_string_lossy().into_owned();
            (name, csv_rows(&std::fs::read(e.path()).unwrap()))
        })
        .collect();
    assert_eq!(csvs.len(), 22);
    let book = ledgers.join("台帳一覧.xlsx");
    let lo = libreoffice(&book);
    assert_eq!(
        lo.keys().collect::<Vec<_>>(),
        csvs.keys().collect::<Vec<_>>(),
        "one sheet per ledger, named by its title"
    );
    // The CSV marks a value a spreadsheet would evaluate with a leading
    // `'`; the workbook holds the value itself, as text.
    let unmarked = |v: &String| match v.strip_prefix('\'') {
        Some(rest)
            if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']) =>
        {
            rest.to_string()
        }
        _ => v.clone(),
    };
    for (name, rows) in &csvs {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(unmarked).collect())
            .collect();
        assert_eq!(lo[name], rows, "{name}");
    }
    // Dates are dates, the header row is frozen, filtered and repeated.
    let v = openpyxl(
        "wb = openpyxl.load_workbook(sys.argv[1])\nws = wb['研修記録']\nprint(json.dumps({'date': type(ws['B2'].value).__name__, 'format': ws['B2'].number_format, 'freeze': ws.freeze_panes, 'filter': ws.auto_filter.ref, 'titles': ws.print_title_rows, 'paper': ws.page_setup.paperSize, 'id': ws['A2'].data_type}))",
        &[&book],
    );
    assert_eq!(v["date"], "datetime", "{v}");
    assert_eq!(v["format"], "yyyy-mm-dd");
    assert_eq!(v["freeze"], "A2");
    assert_eq!(v["titles"], "$1:$1");
    assert_eq!(v["paper"], 9);
    assert_eq!(v["id"], "s");
    assert!(s(&v["filter"]).starts_with("A1:"), "{v}");
}

#[test]
fn ledger_text_a_spreadsheet_would_evaluate_stays_text_in_the_workbook() {
    let f = Fixture::sample();
    f.edit(
        "content/ledgers/take_out.yaml",
        "purpose: 納品",
        "purpose: \"=1+1\"",
    );
    let (_out, dir) = unzipped(f.path());
    let book = dir.path().join(LEDGERS);
    let v = openpyxl(
        "ws = openpyxl.load_workbook(sys.argv[1])['持出し記録']\ncells = [c for row in ws.iter_rows() for c in row if c.value == '=1+1']\nprint(json.dumps([[c.data_type, c.quotePrefix] for c in cells]))",
        &[&book],
    );
    assert_eq!(
        v,
        serde_json::json!([["s", true]]),
        "a string, quote-prefixed"
    );
    let lo = libreoffice(&book);
    let cells: Vec<&String> = lo["持出し記録"].iter().flatten().collect();
    assert!(cells.iter().any(|c| *c == "=1+1"), "{cells:?}");
    assert!(!cells.iter().any(|c| *c == "2"), "never evaluated");
    // The control: the same reader evaluates a real formula.
    let control = dir.path().join("control.xlsx");
    openpyxl(
        "wb = openpyxl.Workbook()\nwb.active['A1'] = '=1+1'\nwb.save(sys.argv[1])\nprint('null')",
        &[&control],
    );
    assert_eq!(libreoffice(&control)["Sheet"][0][0], "2");
}

#[test]
fn two_builds_give_byte_identical_workbooks_and_zip() {
    let (a, da) = unzipped(&repo());
    let (b, db) = unzipped(&repo());
    for book in [CHECKLIST, LEDGERS] {
        let x = std::fs::read(da.path().join(book)).unwrap();
        let y = std::fs::read(db.path().join(book)).unwrap();
        assert!(x == y, "{book} differs");
    }
    assert!(
        std::fs::read(zip_in(a.path())).unwrap() == std::fs::read(zip_in(b.path())).unwrap(),
        "zips differ"
    );
}

/// Rows of a city's form, as the test writes them: where the edits are.
struct CityForm {
    duplicate_row: u32,
    unnumbered_row: u32,
    bad_number_row: u32,
    date_row: u32,
}

const CHANGED_5_11: &str = "重要な情報に対するアクセス権限の設定を行っていますか? また、アクセス記録は保管期限(7年)を定め取得し、保管していますか。";
const NEW_5_13: &str =
    "テレワークで個人情報を取り扱う場合の規程を定め、従事者に遵守させていますか?";

/// A city's checklist workbook laid out as the bundled form (text column
/// headed チェック内容, numbers left of it, はい/いいえ/該当無 right of
/// it, item 1 without a number), with edits: 5-11 reworded, a new 5-13, a
/// second 2-3, a note row without a number, a number out of pattern, 3-2
/// typed so that Excel made it a date, and no 6-2.
fn city_form(path: &Path) -> CityForm {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let std = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("様式").unwrap();
    let date = Format::new().set_num_format("m月d日");
    ws.write_string(0, 0, "情報セキュリティチェックシート（架空市）")
        .unwrap();
    ws.write_string(2, 0, "チェック内容").unwrap();
    for (c, h) in [(2, "はい"), (3, "いいえ"), (4, "該当無")] {
        ws.write_string(2, c, h).unwrap();
    }
    let mut r: u32 = 3;
    let mut form = CityForm {
        duplicate_row: 0,
        unnumbered_row: 0,
        bad_number_row: 0,
        date_row: 0,
    };
    let item = |ws: &mut rust_xlsxwriter::Worksheet, r: &mut u32, id: &str, text: &str| {
        if id != "1" {
            ws.write_string(*r, 0, id).unwrap();
        }
        ws.write_string(*r, 1, text).unwrap();
        for c in 2..5 {
            ws.write_string(*r, c, "☐").unwrap();
        }
        *r += 1;
    };
    for s in &std.checklist.sections {
        ws.write_string(r, 0, format!("{}. {}", s.id, s.title))
            .unwrap();
        r += 1;
        let mut sub = None;
        for i in std.checklist.items.iter().filter(|i| i.section == s.id) {
            if i.subsection != sub {
                sub = i.subsection.clone();
                let title = &s
                    .subsections
                    .iter()
                    .find(|x| Some(&x.id) == sub.as_ref())
                    .unwrap()
                    .title;
                ws.write_string(r, 0, title).unwrap();
                r += 1;
            }
            match i.id.as_str() {
                "5-11" => item(ws, &mut r, "5-11", CHANGED_5_11),
                "6-2" => {}
                "3-2" => {
                    form.date_row = r + 1;
                    let d = ExcelDateTime::from_ymd(2026, 3, 2).unwrap();
                    ws.write_datetime_with_format(r, 0, &d, &date).unwrap();
                    ws.write_string(r, 1, &i.text).unwrap();
                    r += 1;
                }
                id => item(ws, &mut r, id, &i.text),
            }
            match i.id.as_str() {
                "2-3" => {
                    form.duplicate_row = r + 1;
                    item(ws, &mut r, "2-3", "重複した行です");
                    form.bad_number_row = r + 1;
                    item(ws, &mut r, "2-X", "番号の形が違う行です");
                }
                "4-2" => {
                    form.unnumbered_row = r + 1;
                    ws.write_string(r, 1, "持出しの記録は5年保管すること")
                        .unwrap();
                    r += 1;
                }
                "5-12" => item(ws, &mut r, "5-13", NEW_5_13),
                _ => {}
            }
        }
    }
    r += 1;
    for note in &std.checklist.notes {
        ws.write_string(r, 0, note).unwrap();
        r += 1;
    }
    wb.save(path).unwrap();
    form
}

#[test]
fn a_city_form_imports_into_a_variant_that_the_project_layers_with_its_edits() {
    let f = Fixture::sample();
    let book = f.path().join("city-checklist.xlsx");
    let form = city_form(&book);
    let run = f.run(&[
        "standard",
        "import",
        book.to_str().unwrap(),
        "--out",
        f.path().join("standards/city.yaml").to_str().unwrap(),
    ]);
    // The folder does not exist: a clear error, nothing written.
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("出力先のフォルダ") && run.stderr.contains("standards がありません"),
        "{}",
        run.stderr
    );
    std::fs::create_dir(f.path().join("standards")).unwrap();
    let run = f.run(&[
        "standard",
        "import",
        book.to_str().unwrap(),
        "--out",
        f.path().join("standards/city.yaml").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("警告: "))
        .collect();
    let at = |row: u32| format!("警告: シート「様式」{row} 行目: ");
    let expect = [
        (form.duplicate_row, "番号 2-3 は"),
        (form.bad_number_row, "番号「2-X」は項目番号の形"),
        (
            form.date_row,
            "番号が日付として保存されていました（3-2 と読みました）",
        ),
        (
            form.unnumbered_row,
            "番号のない行です（取り込みません）: 「持出しの記録",
        ),
    ];
    for (row, what) in expect {
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with(&at(row)) && w.contains(what)),
            "row {row}: {what}\n{}",
            run.stderr
        );
    }
    assert!(
        warnings.contains(
            &"警告: 同梱の基準の項目 6-2 が様式にありません（基準を重ねても同梱の項目は残ります）"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(warnings.len(), expect.len() + 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("31 項目を取り込みました（同梱と同じ 29、本文の変更 1、新規 1）"),
        "{}",
        run.stderr
    );
    let yaml = std::fs::read_to_string(f.path().join("standards/city.yaml")).unwrap();
    assert!(
        yaml.contains("# 変更: 同梱の項目 5-11 と本文が違います"),
        "{yaml}"
    );
    assert!(yaml.contains("# 新規: 同梱の基準にない項目です"), "{yaml}");

    // The same warnings in English.
    let en = f.run(&["--lang", "en", "standard", "import", book.to_str().unwrap()]);
    assert_eq!(en.code, 0);
    assert!(
        en.stderr.contains(&format!(
            "warning: sheet '様式' row {}: item 2-3 is also on row",
            form.duplicate_row
        )),
        "{}",
        en.stderr
    );
    assert_eq!(en.stdout, yaml, "standard output holds the same file");

    // Layered on the bundled standard, the project's standard shows the edits.
    f.edit(
        "anzen.yaml",
        "standards: [municipal-standard]",
        "standards: [municipal-standard, standards/city.yaml]",
    );
    let run = f.run(&["standard", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let std: Value = serde_json::from_str(&run.stdout).unwrap();
    let items = std["checklist"]["items"].as_array().unwrap();
    let item = |id: &str| items.iter().find(|i| i["id"] == id).cloned();
    assert_eq!(items.len(), 32);
    let bundled = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    let b511 = bundled.item("5-11").unwrap();
    let i511 = item("5-11").unwrap();
    assert_eq!(i511["text"], CHANGED_5_11);
    assert_eq!(
        i511["requirements"],
        serde_json::to_value(&b511.requirements).unwrap(),
        "the changed item keeps its requirements"
    );
    assert_eq!(i511["checks"], serde_json::json!([]), "but not its checks");
    let i513 = item("5-13").unwrap();
    assert_eq!(i513["text"], NEW_5_13);
    assert_eq!(i513["subsection"], "5(2)");
    assert_eq!(
        item("2-5").unwrap()["checks"],
        serde_json::to_value(&bundled.item("2-5").unwrap().checks).unwrap(),
        "an unchanged item keeps its checks"
    );
    assert_eq!(item("1").unwrap()["text"], bundled.item("1").unwrap().text);
    assert_eq!(std["id"], "municipal-standard+city-checklist");
    // The check runs with it: the new item wants an answer.
    let check = f.check();
    let missing = check.of("answer.missing");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].item.as_deref(), Some("5-13"));
}

#[test]
fn the_package_checklist_workbook_imports_as_the_bundled_form_without_warnings() {
    let (_out, dir) = unzipped(&repo());
    let run = run_anzen(
        &repo(),
        &[
            "standard",
            "import",
            dir.path().join(CHECKLIST).to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("警告: "), "{}", run.stderr);
    assert!(run.stderr.contains("警告 0 件"), "{}", run.stderr);
    let variant = anzen::standard::Standard::from_yaml(&run.stdout).unwrap();
    let bundled = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    assert_eq!(
        serde_json::to_value(&variant.checklist.items).unwrap(),
        serde_json::to_value(&bundled.checklist.items).unwrap()
    );
    assert_eq!(variant.checklist.notes, bundled.checklist.notes);
    assert_eq!(
        serde_json::to_value(&variant.checklist.sections).unwrap(),
        serde_json::to_value(&bundled.checklist.sections).unwrap()
    );
}

#[test]
fn a_workbook_without_a_checklist_header_is_refused_naming_its_sheets() {
    let f = Fixture::sample();
    let book = f.path().join("other.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("一覧")
        .unwrap()
        .write_string(0, 0, "台帳")
        .unwrap();
    wb.save(&book).unwrap();
    let run = f.run(&["standard", "import", book.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("「チェック内容」などの見出しのあるシートがありません（シート: 一覧）"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    let run = f.run(&[
        "standard",
        "import",
        f.path().join("anzen.yaml").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ブック（.xlsx）として読めません"),
        "{}",
        run.stderr
    );
}
