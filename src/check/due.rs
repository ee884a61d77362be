//! What falls due: every date on which a check will start to report a
//! finding unless something is done first — a document's review date, a
//! worker's training anniversary, a certificate's expiry, a monthly
//! report's deadline, the next periodic record (audits, register
//! updates), a remediation's due date, the start of work and the end of
//! the contract (when other checks begin). Derived from the standard's
//! checks and the project, as the checks themselves are (`anzen due`, the
//! dashboard).

use serde::Serialize;

use super::Context;
use crate::date::Date;
use crate::i18n::Text;
use crate::model::AnswerValue;
use crate::standard::Check;
use crate::tr;

/// One date that falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The last day on which it is still in time.
    pub date: Date,
    /// What falls due.
    pub what: Text,
    /// The kind of date (`review`, `training`, `certificate`, `monthly_report`,
    /// `periodic_record`, `remediation`, `work_start`, `contract_end`).
    pub kind: &'static str,
    /// The checklist item concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The requirement concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    /// Who is responsible, where known (a staff id or name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// A stable key (for calendar entries that update rather than repeat).
    pub key: String,
}

/// Every date from the as-of date up to `until` (inclusive), sorted by
/// date, then key.
pub fn due(cx: &Context, until: Date) -> Vec<Due> {
    let as_of = cx.project.as_of;
    let mut out = Vec::new();
    let c = &cx.project.config.contract;
    if c.work_start >= as_of {
        out.push(Due {
            date: c.work_start,
            what: tr!(
                "業務着手日（「いいえ」の対策の期限。記録の検査が始まる）",
                "work starts (the deadline of いいえ remediations; record checks begin)"
            ),
            kind: "work_start",
            item: None,
            requirement: None,
            owner: None,
            key: "work-start".into(),
        });
    }
    if c.end >= as_of {
        out.push(Due {
            date: c.end,
            what: tr!(
                "契約期間の終了（返却・廃棄の記録と最終の報告が必要になる）",
                "the contract ends (return and disposal records and the last report are due)"
            ),
            kind: "contract_end",
            item: None,
            requirement: None,
            owner: None,
            key: "contract-end".into(),
        });
    }
    for d in &cx.project.documents {
        if let Some(r) = d.meta.review_by {
            out.push(Due {
                date: r,
                what: tr!("文書「{}」の見直し", "review of the document '{}'"; d.meta.title),
                kind: "review",
                item: None,
                requirement: None,
                owner: d.meta.approval.as_ref().map(|a| a.approver.clone()),
                key: format!("review-{}", d.meta.id),
            });
        }
    }
    if let Some(answers) = &cx.project.answers {
        for a in &answers.answers {
            if a.value != AnswerValue::No {
                continue;
            }
            if let Some(r) = a.remediation.as_ref().filter(|r| r.completed.is_none()) {
                out.push(Due {
                    date: r.due,
                    what: tr!(
                        "項目 {} の対策の期限（{}）",
                        "remediation of item {} ({})"; a.item, r.plan
                    ),
                    kind: "remediation",
                    item: Some(a.item.clone()),
                    requirement: None,
                    owner: Some(cx.staff_label(&r.owner, false)),
                    key: format!("remediation-{}", a.item),
                });
            }
        }
    }
    let checks = cx
        .standard
        .requirements
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (Some(&r.id), None, c)))
        .chain(
            cx.standard
                .checklist
                .items
                .iter()
                .flat_map(|i| i.checks.iter().map(move |c| (None, Some(&i.id), c))),
        );
    for (requirement, item, spec) in checks {
        let with = |mut d: Due| {
            d.requirement = requirement.cloned();
            d.item = item.cloned();
            d
        };
        match &spec.check {
            Check::Training { within_months, .. } => {
                for worker in super::staff::designated_workers(cx) {
                    let last = cx
                        .project
                        .entries_of("training")
                        .filter(|(_, t)| t.list("attendees").iter().any(|a| **a == *worker.id))
                        .filter_map(|(_, t)| t.date("date"))
                        .filter(|d| *d <= as_of)
                        .max();
                    if let Some(last) = last {
                        out.push(with(Due {
                            date: last_day_within(last, *within_months),
                            what: tr!(
                                "{} の研修の受講（前回 {}、{}か月以内に毎年）",
                                "training of {} (last {}; every {} months)";
                                cx.staff_label(&worker.id, false), last, within_months
                            ),
                            kind: "training",
                            item: None,
                            requirement: None,
                            owner: Some(worker.id.to_string()),
                            key: format!("training-{}", worker.id),
                        }));
                    }
                }
            }
            Check::RecentEntry {
                ledger,
                field,
                within_months,
                within_days,
                filter,
            } => {
                let field = field.as_deref().unwrap_or("date");
                let window = super::records::Window::new(*within_months, *within_days);
                let latest = cx
                    .project
                    .entries_of(ledger)
                    .filter(|(_, e)| super::records::matches(e, filter))
                    .filter_map(|(_, e)| e.date(field))
                    .filter(|d| *d <= as_of)
                    .max();
                if let Some(latest) = latest {
                    let every = window.describe();
                    let which: Vec<String> = filter
                        .iter()
                        .map(|(k, v)| {
                            let value =
                                crate::model::FieldValue::Text(std::sync::Arc::new(v.clone()));
                            cx.display(ledger, k, &value, true)
                        })
                        .collect();
                    let raw: Vec<&str> = filter.values().map(String::as_str).collect();
                    out.push(with(Due {
                        date: window.after(latest),
                        what: tr!(
                            "次の{}{}（前回 {}、{}ごと）",
                            "the next {}{} record (last {}; every {})";
                            cx.kind_title(ledger),
                            if which.is_empty() { String::new() } else { format!("（{}）", which.join("・")) },
                            latest,
                            every.ja
                        )
                        .with_en(format!(
                            "the next {}{} record (last {}; every {})",
                            cx.kind_title(ledger),
                            if raw.is_empty() { String::new() } else { format!(" ({})", raw.join(", ")) },
                            latest,
                            every.en
                        )),
                        kind: "periodic_record",
                        item: None,
                        requirement: None,
                        owner: None,
                        key: if which.is_empty() {
                            format!("recent-{ledger}-{field}")
                        } else {
                            format!("recent-{ledger}-{field}-{}", raw.join("-"))
                        },
                    }));
                }
            }
            Check::Certificates { .. } => {
                for (_, e) in cx.project.entries_of("certifications") {
                    if let Some(exp) = e.date("expires") {
                        out.push(with(Due {
                            date: exp,
                            what: tr!(
                                "認証 {}（{}）の有効期限",
                                "expiry of the certificate {} ({})";
                                e.text("number").unwrap_or(&e.id), e.text("standard").unwrap_or("")
                            ),
                            kind: "certificate",
                            item: None,
                            requirement: None,
                            owner: e.text("holder").map(str::to_string),
                            key: format!("certificate-{}", e.id),
                        }));
                    }
                }
            }
            Check::MonthlyReports { ledger, due_day } => {
                let due_day = cx
                    .project
                    .config
                    .contract
                    .monthly_report_due_day
                    .unwrap_or(*due_day);
                let mut month = c.start.month();
                while month <= c.end.month() {
                    let deadline = month.next().day(due_day);
                    let has = cx
                        .project
                        .entries_of(ledger)
                        .any(|(_, e)| e.month("month") == Some(month));
                    if !has && deadline >= as_of {
                        out.push(with(Due {
                            date: deadline,
                            what: tr!(
                                "{} の個人情報取扱状況報告書の提出",
                                "the monthly status report for {}"; month
                            ),
                            kind: "monthly_report",
                            item: None,
                            requirement: None,
                            owner: None,
                            key: format!("monthly-{month}"),
                        }));
                    }
                    month = month.next();
                }
            }
            _ => {}
        }
    }
    out.retain(|d| d.date >= as_of && d.date <= until);
    out.sort_by(|a, b| (a.date, &a.key).cmp(&(b.date, &b.key)));
    out.dedup_by(|a, b| a.key == b.key && a.date == b.date);
    out
}

/// The last as-of date on which a record of `last` is still within
/// `months`, as the checks count it (`as_of.minus_months(months) <= last`):
/// from a month's end a period runs to a month's end (2027-02-28 plus 12
/// months is 2028-02-29), which `last.plus_months` alone would miss.
fn last_day_within(last: Date, months: u32) -> Date {
    let mut day = last.plus_months(months);
    while day.plus_days(1).minus_months(months) <= last {
        day = day.plus_days(1);
    }
    day
}

/// The calendar (RFC 5545) of `items`: one all-day event each, stamped with
/// the as-of date so the file is the same for the same project.
pub fn ics(items: &[Due], as_of: Date, lang: crate::i18n::Lang, product: &str) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!("PRODID:-//anzen//{product}//JA"),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
    ];
    let stamp = format!("{}T000000Z", as_of.to_string().replace('-', ""));
    for d in items {
        let day = d.date.to_string().replace('-', "");
        let next = d.date.plus_days(1).to_string().replace('-', "");
        let mut summary = d.what.get(lang).to_string();
        if let Some(i) = &d.item {
            summary.push_str(&format!(" [{i}]"));
        } else if let Some(r) = &d.requirement {
            summary.push_str(&format!(" [{r}]"));
        }
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}@anzen", ics_text(&d.key)));
        lines.push(format!("DTSTAMP:{stamp}"));
        lines.push(format!("DTSTART;VALUE=DATE:{day}"));
        lines.push(format!("DTEND;VALUE=DATE:{next}"));
        lines.push(format!("SUMMARY:{}", ics_text(&summary)));
        if let Some(o) = &d.owner {
            lines.push(format!("DESCRIPTION:{}", ics_text(o)));
        }
        lines.push(format!("CATEGORIES:{}", d.kind.to_uppercase()));
        lines.push("TRANSP:TRANSPARENT".into());
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect::<Vec<_>>().join("")
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (never inside a character), ended
/// by CRLF (RFC 5545 §3.1).
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if len + n > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += n;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("SUMMARY:{}", "研".repeat(40));
        let folded = fold(&line);
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets", l.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
