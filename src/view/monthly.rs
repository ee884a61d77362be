//! The monthly status report (個人情報取扱状況報告書, 安全管理基準 10) for
//! one month, built from the ledgers: who handled the data, training,
//! exchanges with the client, take-outs, deletions, incidents, inspections.
//! `anzen report monthly` renders it as an HTML page and a PDF.

use serde::Serialize;

use crate::check::Context;
use crate::date::{Date, Month};
use crate::model::Entry;

/// One row of a section: cells in column order.
pub type Row = Vec<String>;

/// A section of the report: a heading, columns and rows (or a note when
/// there is nothing to report).
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Heading.
    pub title: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Row>,
    /// Shown when there are no rows.
    pub empty: String,
}

/// The report.
#[derive(Debug, Clone, Serialize)]
pub struct MonthlyReport {
    /// YYYY-MM.
    pub month: String,
    /// 令和8年10月.
    pub month_ja: String,
    /// First day (和暦).
    pub from_ja: String,
    /// Last day (和暦).
    pub to_ja: String,
    /// Date of the report (the as-of date, 和暦).
    pub date_ja: String,
    /// 受注者.
    pub vendor: String,
    /// Representative.
    pub representative: Option<String>,
    /// 発注者.
    pub client: String,
    /// 契約件名.
    pub contract: String,
    /// 契約番号.
    pub number: String,
    /// The statement on incidents.
    pub incident_statement: String,
    /// The sections.
    pub sections: Vec<Section>,
}

/// Why no report could be made.
#[derive(Debug, thiserror::Error)]
pub enum MonthlyError {
    /// The month is outside the contract period.
    #[error("{month} is outside the contract period {start} to {end}")]
    OutsideContract {
        /// The month.
        month: String,
        /// Contract start.
        start: String,
        /// Contract end.
        end: String,
    },
    /// The month has not ended on the as-of date: its report would leave
    /// out what is still to come.
    #[error("{month} has not ended yet (as of {as_of})")]
    NotEnded {
        /// The month.
        month: String,
        /// The as-of date.
        as_of: String,
    },
}

impl MonthlyError {
    /// The message in both languages.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::tr;
        match self {
            MonthlyError::OutsideContract { month, start, end } => tr!(
                "{} は契約期間（{} 〜 {}）の外です",
                "{} is outside the contract period {} to {}"; month, start, end
            ),
            MonthlyError::NotEnded { month, as_of } => tr!(
                "{} はまだ終わっていません（基準日 {}）。月が終わってから報告書を作ってください",
                "{} has not ended yet (as of {}); make its report once the month is over"; month, as_of
            ),
        }
    }
}

fn month_ja(m: Month) -> String {
    let first = m.day(1).wareki();
    first
        .rsplit_once('月')
        .map(|(head, _)| format!("{head}月"))
        .unwrap_or(first)
}

/// Builds the report for `month`.
pub fn build(cx: &Context, month: Month) -> Result<MonthlyReport, MonthlyError> {
    let c = &cx.project.config;
    let (from, to) = (month.day(1), month.day(31));
    if to < c.contract.start || from > c.contract.end {
        return Err(MonthlyError::OutsideContract {
            month: month.to_string(),
            start: c.contract.start.to_string(),
            end: c.contract.end.to_string(),
        });
    }
    if cx.project.as_of.month() <= month {
        return Err(MonthlyError::NotEnded {
            month: month.to_string(),
            as_of: cx.project.as_of.to_string(),
        });
    }
    let in_month = |e: &Entry, field: &str| e.date(field).is_some_and(|d| d >= from && d <= to);
    let text = |kind: &str, e: &Entry, field: &str| -> String {
        e.fields
            .get(field)
            .map(|v| cell(cx, kind, field, &v.value))
            .unwrap_or_default()
    };
    let rows = |kind: &str, date_field: &str, fields: &[&str]| -> Vec<Row> {
        let mut v: Vec<(Date, Row)> = cx
            .project
            .entries_of(kind)
            .filter(|(_, e)| in_month(e, date_field))
            .map(|(_, e)| {
                (
                    e.date(date_field).unwrap_or(from),
                    fields.iter().map(|f| text(kind, e, f)).collect(),
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        v.into_iter().map(|(_, r)| r).collect()
    };
    let titles = |kind: &str, fields: &[&str]| -> Vec<String> {
        fields.iter().map(|f| cx.field_title(kind, f)).collect()
    };
    let mut sections = Vec::new();

    // Workers handling personal information during the month.
    let staff_fields = ["id", "name", "employment", "roles"];
    let staff: Vec<Row> = cx
        .project
        .entries_of("staff")
        .map(|(_, e)| e)
        .filter(|e| e.bool("designated") == Some(true))
        .filter(|e| {
            e.date("joined").is_none_or(|j| j <= to) && e.date("left").is_none_or(|l| l >= from)
        })
        .map(|e| staff_fields.iter().map(|f| text("staff", e, f)).collect())
        .collect();
    sections.push(Section {
        title: format!("1. 個人情報を取り扱った従事者（{} 名）", staff.len()),
        columns: titles("staff", &staff_fields),
        rows: staff,
        empty: "該当なし".into(),
    });
    let table = |title: &str, kind: &str, date_field: &str, fields: &[&str]| Section {
        title: title.to_string(),
        columns: titles(kind, fields),
        rows: rows(kind, date_field, fields),
        empty: "当月は該当なし".into(),
    };
    sections.push(table(
        "2. 発注者との個人情報の授受",
        "exchanges",
        "date",
        &["date", "direction", "counterparty", "item", "method"],
    ));
    sections.push(table(
        "3. 持出し",
        "take_out",
        "date",
        &[
            "date",
            "item",
            "destination",
            "purpose",
            "approver",
            "protection",
            "returned",
        ],
    ));
    sections.push(table(
        "4. 削除・廃棄",
        "deletions",
        "date",
        &["date", "target", "method", "certificate"],
    ));
    sections.push(table(
        "5. 研修",
        "training",
        "date",
        &["date", "topic", "attendees"],
    ));
    sections.push(table(
        "6. 内部点検・監査",
        "audits",
        "date",
        &["date", "type", "scope", "result"],
    ));
    let visitors: Vec<Row> = rows(
        "entry_exit",
        "date",
        &["date", "area", "visitor", "purpose", "escort"],
    )
    .into_iter()
    .filter(|r| !r[2].is_empty())
    .collect();
    sections.push(Section {
        title: "7. 管理区域への部外者の入室".into(),
        columns: titles(
            "entry_exit",
            &["date", "area", "visitor", "purpose", "escort"],
        ),
        rows: visitors,
        empty: "当月は該当なし".into(),
    });
    let reviews: Vec<Row> = {
        let mut v: Vec<Row> = cx
            .project
            .entries_of("access_logs")
            .map(|(_, e)| e)
            .filter(|e| {
                e.date("from").is_some_and(|f| f <= to) && e.date("to").is_some_and(|t| t >= from)
            })
            .map(|e| {
                ["system", "from", "to", "reviewed_on", "reviewer"]
                    .iter()
                    .map(|f| text("access_logs", e, f))
                    .collect()
            })
            .collect();
        v.sort();
        v
    };
    sections.push(Section {
        title: "8. アクセス記録の点検".into(),
        columns: titles(
            "access_logs",
            &["system", "from", "to", "reviewed_on", "reviewer"],
        ),
        rows: reviews,
        empty: "当月分の記録なし".into(),
    });
    let incidents = rows(
        "incidents",
        "date",
        &["date", "summary", "reported_on", "prevention"],
    );
    let incident_statement = if incidents.is_empty() {
        "当月、個人情報の漏えい、滅失又は毀損等の事故及びその兆候はありませんでした。".to_string()
    } else {
        format!(
            "当月、事故等が {} 件ありました。内容は 9. のとおりです。",
            incidents.len()
        )
    };
    sections.push(Section {
        title: "9. 事故・事件".into(),
        columns: titles(
            "incidents",
            &["date", "summary", "reported_on", "prevention"],
        ),
        rows: incidents,
        empty: "なし".into(),
    });

    Ok(MonthlyReport {
        month: month.to_string(),
        month_ja: month_ja(month),
        from_ja: from.wareki(),
        to_ja: to.wareki(),
        date_ja: cx.project.as_of.wareki(),
        vendor: c.vendor.name.clone(),
        representative: c.vendor.representative.clone(),
        client: match &c.client.department {
            Some(d) => format!("{} {}", c.client.name, d),
            None => c.client.name.clone(),
        },
        contract: c.contract.name.clone(),
        number: c.contract.number.clone(),
        incident_statement,
        sections,
    })
}

/// A field value as the report prints it (evidence as あり).
fn cell(cx: &Context, kind: &str, field: &str, value: &crate::model::FieldValue) -> String {
    let evidence = cx
        .kinds
        .get(kind)
        .and_then(|k| k.field(field))
        .is_some_and(|s| s.ty == crate::standard::FieldType::Evidence);
    if evidence {
        "あり".into()
    } else {
        cx.display(kind, field, value, false)
    }
}
