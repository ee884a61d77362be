//! Ledgers and the checklist as CSV that Excel on Windows opens with the
//! Japanese intact: UTF-8 with a byte-order mark, CRLF line ends, every
//! field quoted when needed (the csv crate). A value that a spreadsheet
//! would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return, half- or full-width) is written with a leading `'`, so
//! that an official opening the CSV in Excel never runs what a ledger
//! holds (CSV injection); the YAML itself is left as it is.

use crate::model::Ledger;
use crate::view::pages::{self, Pages};

/// The UTF-8 byte-order mark Excel looks for.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

fn write(rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    for row in rows {
        // Writing to memory cannot fail.
        let _ = w.write_record(row.iter().map(|f| neutralise(f).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

/// `value`, with a leading `'` if a spreadsheet would read it as a formula.
pub fn neutralise(value: &str) -> std::borrow::Cow<'_, str> {
    let formula = value.chars().next().is_some_and(|c| {
        matches!(
            c,
            '=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠'
        )
    });
    if formula {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// A ledger: a header row of the kind's field titles, then the entries in
/// the order the site shows them.
pub fn ledger(p: &Pages, l: &Ledger) -> Vec<u8> {
    let view = pages::ledger(p, l);
    let mut rows = vec![view.columns.clone()];
    rows.extend(
        view.rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect()),
    );
    write(rows)
}

/// The checklist answers: item, question, answer, evidence, remediation, reason.
pub fn checklist(p: &Pages) -> Vec<u8> {
    let mut rows = vec![vec![
        "項目".to_string(),
        "チェック内容".into(),
        "回答".into(),
        "根拠".into(),
        "対策".into(),
        "対策期限".into(),
        "対策完了日".into(),
        "該当無の理由".into(),
    ]];
    for section in pages::checklist(p) {
        for (_, items) in section.groups {
            for i in items {
                rows.push(vec![
                    i.id.clone(),
                    i.text.clone(),
                    i.answer.clone(),
                    i.evidence
                        .iter()
                        .map(|e| e.label.clone())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    i.remediation
                        .as_ref()
                        .map(|r| format!("{}（担当 {}）", r.plan, r.owner))
                        .unwrap_or_default(),
                    i.remediation
                        .as_ref()
                        .map(|r| r.due.clone())
                        .unwrap_or_default(),
                    i.remediation
                        .as_ref()
                        .and_then(|r| r.completed.clone())
                        .unwrap_or_default(),
                    i.reason.clone().unwrap_or_default(),
                ]);
            }
        }
    }
    write(rows)
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn values_a_spreadsheet_would_evaluate_get_a_leading_quote() {
        for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"] {
            assert_eq!(neutralise(v), format!("'{v}"), "{v:?}");
        }
        for v in ["2026-05-15", "TO-2026-001", "施錠容器", "", "a=b"] {
            assert_eq!(neutralise(v), v);
        }
    }
}
