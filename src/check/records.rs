//! Records: retention periods, fields a requirement needs in every record,
//! date order, periodic records and monthly reports.

use super::Context;
use crate::date::Date;
use crate::diag::{Finding, Location, Severity};
use crate::model::Retention;
use crate::standard::checks::Flag;
use crate::tr;

/// Whether a project flag holds.
pub(super) fn flag(cx: &Context, flag: Flag) -> bool {
    match flag {
        Flag::SpecificPersonalInfo => cx.project.config.contract.specific_personal_info,
    }
}

fn plus_years(d: Date, years: u32) -> Date {
    d.plus_months(years * 12)
}

/// `retention`: each record is kept until the later of `years` after its
/// date and `after_end` years after the contract ends.
pub(super) fn retention(
    cx: &Context,
    kind: &str,
    years: u32,
    after_end: u32,
    date_field: &str,
    out: &mut Vec<Finding>,
) {
    let contract_floor = plus_years(cx.project.config.contract.end, after_end);
    for ledger in cx.project.ledgers_of(kind) {
        let at = Location::new(&ledger.file, ledger.retention_line, 1);
        let Some(ret) = ledger.retention else {
            out.push(
                Finding::error("retention.undeclared", tr!("{}（{}）に保管期限が定められていません", "{} ({}) declares no retention period"; cx.kind_title(kind), ledger.id))
                    .at(at)
                    .hint(tr!(
                        "retention: {{years: {}}} を書いてください（記録から{}年、かつ契約終了後{}年以上）",
                        "add retention: {{years: {}}} ({} years after each record and at least {} year(s) after the contract)"; years, years, after_end
                    )),
            );
            continue;
        };
        // The record dates to check: every entry's, or the contract end when empty.
        let dates: Vec<Date> = ledger
            .entries
            .iter()
            .filter_map(|e| e.date(date_field))
            .collect();
        let probe = if dates.is_empty() {
            vec![cx.project.config.contract.end]
        } else {
            dates
        };
        let short = probe.iter().find_map(|d| {
            let needed = plus_years(*d, years).max(contract_floor);
            let kept = match ret {
                Retention::Years(n) => plus_years(*d, n),
                Retention::Until(u) => u,
            };
            (kept < needed).then_some((*d, kept, needed))
        });
        if let Some((d, kept, needed)) = short {
            out.push(
                Finding::error(
                    "retention.short",
                    tr!(
                        "{}（{}）の保管期限が短すぎます: {} の記録は {} までですが、{} まで保管が必要です",
                        "{} ({}) retention is too short: the record of {} is kept until {} but must be kept until {}";
                        cx.kind_title(kind), ledger.id, d, kept, needed
                    ),
                )
                .at(at)
                .hint(tr!(
                    "記録から{}年と契約終了後{}年の遅い方まで保管してください（retention: {{years: {}}} 以上）",
                    "keep records until the later of {} years after each and {} year(s) after the contract (retention: {{years: {}}} or more)"; years, after_end, years
                )),
            );
        }
    }
}

/// `field_required`: every entry (having `when_field`, if given) has `field`.
pub(super) fn field_required(
    cx: &Context,
    kind: &str,
    field: &str,
    when_field: Option<&str>,
    severity: Option<Severity>,
    note: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let title = cx.field_title(kind, field);
    for (ledger, entry) in cx.project.entries_of(kind) {
        if when_field.is_some_and(|w| !entry.has(w)) || entry.has(field) {
            continue;
        }
        let name = super::names::ledger_title(cx, ledger);
        let (why_ja, why_en) = note
            .map(|n| (format!("。{n}"), format!(". {n}")))
            .unwrap_or_default();
        out.push(
            Finding::new(
                "record.field-missing",
                severity.unwrap_or(Severity::Error),
                crate::i18n::Text::new(
                    format!("{name}の記録「{}」に{title}がありません{why_ja}", entry.id),
                    format!(
                        "entry '{}' of {} ({}) has no {title} ({field}){why_en}",
                        entry.id,
                        cx.kinds
                            .get(&ledger.kind)
                            .map_or(ledger.kind.as_str(), |k| k.title_en.as_str()),
                        ledger.id
                    ),
                ),
            )
            .at(entry.location.clone())
            .hint(tr!("{}: を記入してください", "fill in {}:"; field)),
        );
    }
}

/// `date_order`: `earlier` is present and not after `later` in every entry.
pub(super) fn date_order(
    cx: &Context,
    kind: &str,
    earlier: &str,
    later: &str,
    out: &mut Vec<Finding>,
) {
    let (te, tl) = (cx.field_title(kind, earlier), cx.field_title(kind, later));
    for (ledger, entry) in cx.project.entries_of(kind) {
        match (entry.date(earlier), entry.date(later)) {
            (None, _) => out.push(
                Finding::error(
                    "record.field-missing",
                    crate::i18n::Text::new(
                        format!("{}の記録「{}」に{te}がありません", super::names::ledger_title(cx, ledger), entry.id),
                        format!("entry '{}' of {} has no {te}", entry.id, ledger.id),
                    ),
                )
                .at(entry.location.clone())
                .hint(tr!("{}（{}）より前の日付で {}: を記入してください", "fill in {2}: with a date before {0} ({1})"; tl, later, earlier)),
            ),
            (Some(e), Some(l)) if e > l => out.push(
                Finding::error(
                    "record.date-order",
                    crate::i18n::Text::new(
                        format!("{}の記録「{}」: {te}（{e}）が{tl}（{l}）より後です", super::names::ledger_title(cx, ledger), entry.id),
                        format!("entry '{}' of {}: {te} ({e}) is after {tl} ({l})", entry.id, ledger.id),
                    ),
                )
                .at(entry.at(earlier))
                .hint(tr!("{}は{}より前でなければなりません", "{} must come before {}"; te, tl)),
            ),
            _ => {}
        }
    }
}

/// A period counted back from (or on from) a date: months, or days.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    months: u32,
    days: Option<u32>,
}

impl Window {
    pub(crate) fn new(months: u32, days: Option<u32>) -> Window {
        Window { months, days }
    }

    /// The first day inside the window that ends on `day`.
    pub(crate) fn since(self, day: Date) -> Date {
        match self.days {
            Some(d) => day.plus_days(-i64::from(d)),
            None => day.minus_months(self.months),
        }
    }

    /// The last day on which a record of `day` is still inside the window
    /// (from a month's end the window runs to the later month's end:
    /// 2027-02-28 plus 12 months is accepted through 2028-02-29).
    pub(crate) fn after(self, day: Date) -> Date {
        match self.days {
            Some(d) => day.plus_days(i64::from(d)),
            None => {
                let mut last = day.plus_months(self.months);
                while last.plus_days(1).minus_months(self.months) <= day {
                    last = last.plus_days(1);
                }
                last
            }
        }
    }

    /// `12か月` / `12 months`.
    pub(crate) fn describe(self) -> crate::i18n::Text {
        match self.days {
            Some(d) => crate::i18n::Text::new(format!("{d}日"), format!("{d} days")),
            None => crate::i18n::Text::new(
                format!("{}か月", self.months),
                format!("{} months", self.months),
            ),
        }
    }
}

/// Whether an entry's fields hold the values of a `where` filter.
pub(crate) fn matches(
    e: &crate::model::Entry,
    filter: &std::collections::BTreeMap<String, String>,
) -> bool {
    filter
        .iter()
        .all(|(k, v)| match e.fields.get(k).map(|f| &f.value) {
            Some(crate::model::FieldValue::Bool(b)) => b.to_string() == *v,
            Some(value) => value.display() == *v,
            None => false,
        })
}

/// `recent_entry`: an entry (matching `filter`) dated within the window.
pub(super) fn recent_entry(
    cx: &Context,
    kind: &str,
    field: &str,
    window: Window,
    filter: &std::collections::BTreeMap<String, String>,
    out: &mut Vec<Finding>,
) {
    let as_of = cx.project.as_of;
    let since = window.since(as_of);
    let latest = cx
        .project
        .entries_of(kind)
        .filter(|(_, e)| matches(e, filter))
        .filter_map(|(_, e)| e.date(field))
        .filter(|d| *d <= as_of)
        .max();
    if latest.is_some_and(|d| d >= since) {
        return;
    }
    let at = cx
        .project
        .ledgers_of(kind)
        .next()
        .map(|l| Location::file(&l.file));
    let last = latest.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    let w = window.describe();
    let (which_ja, which_en) = which(cx, kind, filter);
    out.push(
        Finding::error(
            "record.stale",
            tr!(
                "{}{}に直近{}（{} 以降）の記録がありません（最新: {}）",
                "{}{} has no record in the last {} (since {}; latest: {})";
                cx.kind_title(kind), which_ja, w.ja, since, last
            )
            .with_en(format!(
                "{}{} has no record in the last {} (since {}; latest: {})",
                cx.kind_title(kind), which_en, w.en, since, last
            )),
        )
        .at_opt(at)
        .hint(tr!("定期的に実施し、{} の台帳に記録してください", "do it regularly and record it in the {} ledger"; kind)),
    );
}

/// How a `where` filter reads in messages: `（種別: 外部監査）`.
fn which(
    cx: &Context,
    kind: &str,
    filter: &std::collections::BTreeMap<String, String>,
) -> (String, String) {
    if filter.is_empty() {
        return (String::new(), String::new());
    }
    let shown: Vec<String> = filter
        .iter()
        .map(|(k, v)| {
            let value = crate::model::FieldValue::Text(std::sync::Arc::new(v.clone()));
            format!(
                "{}: {}",
                cx.field_title(kind, k),
                cx.display(kind, k, &value, true)
            )
        })
        .collect();
    let raw: Vec<String> = filter.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    (
        format!("（{}）", shown.join("、")),
        format!(" ({})", raw.join(", ")),
    )
}

/// `monthly_reports`: a report for each contract month whose due date
/// (`due_day` of the next month) has passed by the as-of date. On the due
/// date itself the report can still be made in time: it is not missing
/// yet (`anzen due` lists it as due that day).
pub(super) fn monthly_reports(cx: &Context, kind: &str, due_day: u32, out: &mut Vec<Finding>) {
    let c = &cx.project.config.contract;
    let due_day = c.monthly_report_due_day.unwrap_or(due_day);
    let as_of = cx.project.as_of;
    let at = cx
        .project
        .ledgers_of(kind)
        .next()
        .map(|l| Location::file(&l.file));
    let mut month = c.start.month();
    let last = c.end.month();
    while month <= last {
        let due = month.next().day(due_day);
        if due >= as_of {
            break;
        }
        let report = cx
            .project
            .entries_of(kind)
            .map(|(_, e)| e)
            .filter(|e| e.month("month") == Some(month))
            .min_by_key(|e| e.date("submitted_on"));
        if let Some(e) = report
            && let Some(sent) = e.date("submitted_on")
            && sent > due
        {
            out.push(
                Finding::error(
                    "monthly.late",
                    tr!(
                        "{} の個人情報取扱状況報告書の提出日 {} が提出期限 {} より後です",
                        "the monthly report for {} was submitted on {}, after its due date {}"; month, sent, due
                    ),
                )
                .at(e.at("submitted_on"))
                .hint(tr!(
                    "報告書は翌月{}日までに提出してください（契約の定めは anzen.yaml の contract.monthly_report_due_day）",
                    "submit each report by day {} of the next month (contract.monthly_report_due_day in anzen.yaml sets the contract's day)"; due_day
                )),
            );
        }
        if report.is_none() {
            out.push(
                Finding::error(
                    "monthly.missing",
                    tr!(
                        "{} の個人情報取扱状況報告書がありません（提出期限 {}）",
                        "no monthly status report for {} (due {})"; month, due
                    ),
                )
                .at_opt(at.clone())
                .hint(tr!("{} に month: \"{}\" の記録を追加してください", "add an entry with month: \"{1}\" to {0}"; kind, month)),
            );
        }
        month = month.next();
    }
}

/// `assets_closed`: a returned or disposed asset says when (not before it
/// was received, not after the as-of date) and with what; with
/// `all_closed`, every asset is returned or disposed.
pub(super) fn assets_closed(cx: &Context, kind: &str, all_closed: bool, out: &mut Vec<Finding>) {
    for (ledger, e) in cx.project.entries_of(kind) {
        let status = e.text("status").unwrap_or("in_use");
        let name = e.text("name").unwrap_or(&e.id);
        if status == "in_use" {
            if all_closed {
                out.push(
                    Finding::error(
                        "asset.not-closed",
                        tr!(
                            "契約は終了しましたが、{}の資産「{}」（{}）の返却・廃棄が記録されていません",
                            "the contract has ended but asset '{}' ({}) of {} is not recorded as returned or disposed";
                            ledger.id, e.id, name
                        )
                        .with_en(format!(
                            "the contract has ended but asset '{}' ({}) of {} is not recorded as returned or disposed",
                            e.id, name, ledger.id
                        )),
                    )
                    .at(e.at("status"))
                    .hint(tr!(
                        "返却・廃棄したら status: returned か disposed、closed_on:、closed_evidence:（授受記録・削除証明書）を記入してください",
                        "once returned or disposed, set status: returned or disposed, closed_on: and closed_evidence: (the exchange record, the deletion certificate)"
                    )),
                );
            }
            continue;
        }
        match e.date("closed_on") {
            None => out.push(
                Finding::error(
                    "record.field-missing",
                    tr!(
                        "{1}の資産「{0}」は返却・廃棄済ですが、返却・廃棄日がありません",
                        "asset '{}' of {} is returned or disposed but says not when"; e.id, ledger.id
                    ),
                )
                .at(e.at("status"))
                .hint(tr!("closed_on: YYYY-MM-DD を記入してください", "fill in closed_on: YYYY-MM-DD")),
            ),
            Some(closed) if e.date("received").is_some_and(|r| closed < r) => out.push(
                Finding::error(
                    "record.date-order",
                    tr!(
                        "{1}の資産「{0}」の返却・廃棄日 {2} が受領日より前です",
                        "asset '{}' of {}: closed on {}, before it was received"; e.id, ledger.id, closed
                    ),
                )
                .at(e.at("closed_on")),
            ),
            Some(_) => {}
        }
        if !e.has("closed_evidence") {
            out.push(
                Finding::error(
                    "record.field-missing",
                    tr!(
                        "{1}の資産「{0}」の返却・廃棄の証跡がありません",
                        "asset '{}' of {} has no evidence of its return or disposal"; e.id, ledger.id
                    ),
                )
                .at(e.at("status"))
                .hint(tr!(
                    "closed_evidence: に授受記録（exchanges#記録ID）や削除・廃棄証明書を書いてください",
                    "set closed_evidence: to the exchange record (exchanges#id) or the deletion certificate"
                )),
            );
        }
    }
}
