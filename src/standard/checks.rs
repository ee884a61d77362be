//! The vocabulary of checks a standard can attach to a requirement or a
//! checklist item. The check engine (`crate::check::requirements`)
//! interprets each; adding a municipality's variant needs a data file, not
//! code.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::diag::Severity;
use crate::model::DocKind;

pub use crate::model::Phase;

/// A check with the phases of the contract it is made in (all of them
/// when `phases` is not given).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CheckSpec {
    /// The phases it applies to; every phase when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases: Option<Vec<Phase>>,
    /// The check.
    #[serde(flatten)]
    pub check: Check,
}

impl CheckSpec {
    /// Whether the check is made in `phase`.
    pub fn applies_in(&self, phase: Phase) -> bool {
        self.phases.as_ref().is_none_or(|p| p.contains(&phase))
    }

    /// What the check demands, with its phases when they are limited.
    pub fn describe(&self) -> crate::i18n::Text {
        let base = self.check.describe();
        match &self.phases {
            None => base,
            Some(p) => {
                let ja: Vec<String> = p.iter().map(|x| x.label().ja).collect();
                let en: Vec<String> = p.iter().map(|x| x.label().en).collect();
                crate::i18n::Text::new(
                    format!("{}（{}）", base.ja, ja.join("・")),
                    format!("{} ({})", base.en, en.join(", ")),
                )
            }
        }
    }
}

impl std::ops::Deref for CheckSpec {
    type Target = Check;
    fn deref(&self) -> &Check {
        &self.check
    }
}

/// One declarative check.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// A document of one of `kinds` lists the requirement in `satisfies`
    /// (with a heading id that exists, if `section`).
    Document {
        /// Accepted document kinds.
        kinds: Vec<DocKind>,
        /// Whether the claim must name a section.
        #[serde(default)]
        section: bool,
    },
    /// A ledger of `kind` exists with at least `min_entries` entries.
    Ledger {
        /// Ledger kind.
        kind: String,
        /// Minimum number of entries (default 1).
        #[serde(default = "one")]
        min_entries: usize,
    },
    /// The staff roster names someone for each role, and the role names
    /// appear in documents of the given kinds.
    Roles {
        /// Role names as written in the roster (総括保護管理者...).
        roles: Vec<String>,
        /// Document kinds that must state the roles.
        #[serde(default)]
        documented_in: Vec<DocKind>,
    },
    /// At least one staff member is designated to handle personal information.
    Designated,
    /// Every designated worker attended training within `within_months`;
    /// with `signatures`, every training record has signature evidence.
    Training {
        /// Freshness window in months.
        within_months: u32,
        /// Whether signature evidence is required.
        #[serde(default)]
        signatures: bool,
    },
    /// Every worker on the roster, of any employment type, has a pledge.
    Pledges,
    /// Every dispatched worker has the dispatch company's agreement.
    DispatchAgreement,
    /// The ledger's declared retention reaches, for each record, the later
    /// of `years` after it and `after_contract_end_years` after the contract.
    Retention {
        /// Ledger kind.
        ledger: String,
        /// Years after each record.
        years: u32,
        /// Years after the contract ends.
        #[serde(default)]
        after_contract_end_years: u32,
        /// The date field a record is dated by (default `date`).
        #[serde(default)]
        date_field: Option<String>,
    },
    /// Every entry of the ledger has `field` (only entries that have
    /// `when_field`, if given; only when the `when` flag holds, if given).
    FieldRequired {
        /// Ledger kind.
        ledger: String,
        /// Required field.
        field: String,
        /// Only entries that have this field.
        #[serde(default)]
        when_field: Option<String>,
        /// Only when this project flag holds.
        #[serde(default)]
        when: Option<Flag>,
        /// Severity (default error).
        #[serde(default)]
        severity: Option<Severity>,
        /// Why, shown in the finding.
        #[serde(default)]
        note: Option<String>,
    },
    /// In every entry, `earlier` is present and not after `later`.
    DateOrder {
        /// Ledger kind.
        ledger: String,
        /// The date that must come first.
        earlier: String,
        /// The date that must come second.
        later: String,
    },
    /// The ledger has an entry whose `field` (default `date`) is within the
    /// last `within_months` before the as-of date.
    RecentEntry {
        /// Ledger kind.
        ledger: String,
        /// Date field (default `date`).
        #[serde(default)]
        field: Option<String>,
        /// Window in months.
        #[serde(default)]
        within_months: u32,
        /// Window in days (instead of months, when given).
        #[serde(default)]
        within_days: Option<u32>,
        /// Only entries whose fields have these values (`type: patch`).
        #[serde(default, rename = "where")]
        filter: std::collections::BTreeMap<String, String>,
    },
    /// Records agree with a stated control: every entry (matching `where`)
    /// has in `field` (a path through `ref` fields: `device.owner`) a value
    /// in `allowed` and none in `forbidden`. On a checklist item it is made
    /// only when the item is answered はい (the answer states the control).
    RecordValues {
        /// Ledger kind.
        ledger: String,
        /// Field, or a path through reference fields (`device.owner`).
        field: String,
        /// Values the field may hold (any when empty).
        #[serde(default)]
        allowed: Vec<String>,
        /// Values the field may not hold.
        #[serde(default)]
        forbidden: Vec<String>,
        /// Only entries whose fields hold one of these values.
        #[serde(default, rename = "where")]
        filter: std::collections::BTreeMap<String, Vec<String>>,
        /// An entry without the field cannot show the control: an error.
        #[serde(default)]
        required: bool,
        /// What the control is, in words (shown in the finding).
        note: String,
    },
    /// Separation of duties: in every entry, the `approver` is none of the
    /// `actors`, holds one of the approving `roles` (or those the config
    /// names), and approved (`approved_on`) on or before the act (`date`).
    Approval {
        /// Ledger kind.
        ledger: String,
        /// The staff field of who approves.
        approver: String,
        /// The staff fields of who carries the act out.
        actors: Vec<String>,
        /// The date field of the approval.
        approved_on: String,
        /// The date field of the act.
        date: String,
        /// Roles that may approve (default 総括保護管理者, 保護管理者).
        #[serde(default)]
        roles: Vec<String>,
        /// Whether the approval must be recorded in every entry.
        #[serde(default)]
        required: bool,
    },
    /// People over time: nobody is named in a record outside their
    /// joined–left dates; handlers (`handler: true` fields) are designated
    /// workers (and, with 特定個人情報, designated for it).
    OnDuty,
    /// Entry to a controlled area: the person's `areas` list holds the
    /// area; a visitor is escorted by staff who may enter it.
    AreaAccess {
        /// Ledger kind (`entry_exit`).
        ledger: String,
    },
    /// Leavers: someone who left by the as-of date has every access right
    /// revoked and every key returned by the day they left.
    Leavers,
    /// `from` to `to` in every entry (matching `when_field`) takes at most
    /// `within_days` (the contract's `setting` overrides); a missing `to`
    /// is late once the period has passed.
    Deadline {
        /// Ledger kind.
        ledger: String,
        /// The date the period starts.
        from: String,
        /// The date that must follow within the period.
        to: String,
        /// Days allowed.
        within_days: u32,
        /// The config key under `contract:` that overrides the days.
        #[serde(default)]
        setting: Option<String>,
        /// Only entries that have this field.
        #[serde(default)]
        when_field: Option<String>,
        /// The rule id of the finding.
        rule: String,
        /// What is late, in words.
        note: String,
    },
    /// Subcontractors: an NDA is on record and (with 特定個人情報) a valid
    /// certificate or an inspection record shows its protection (the
    /// client's approval before the start is `date_order`).
    SubcontractorAssurance,
    /// Devices the standard allows only with the client's permission
    /// (connected to the internet, set up off site: 基準5(1)(2)) name a
    /// recorded permission.
    Permissions {
        /// Ledger kind (`devices`).
        ledger: String,
        /// Boolean fields that each need a permission when true.
        when: Vec<String>,
        /// The field referring to the permission record.
        permission: String,
    },
    /// Holders have a valid certificate of an accepted scheme and edition.
    Certificates {
        /// `vendor`, `subcontractors`.
        holders: Vec<Holder>,
        /// Accepted schemes (`isms`, `pmark`).
        schemes: Vec<String>,
        /// Known editions of the standards behind the schemes.
        editions: Vec<Edition>,
    },
    /// Every asset of the register is accounted for: one returned or
    /// disposed says when (`closed_on`, not before it was received) and
    /// with what evidence (`closed_evidence`); with `all_closed`, none may
    /// still be in use (after the contract ends).
    AssetsClosed {
        /// Ledger kind (`assets`).
        ledger: String,
        /// Every asset must be returned or disposed.
        #[serde(default)]
        all_closed: bool,
    },
    /// A report for every month of the contract, due on `due_day` of the
    /// following month, up to the as-of date.
    MonthlyReports {
        /// Ledger kind.
        ledger: String,
        /// Day of the next month the report is due.
        due_day: u32,
    },
}

/// Who must hold a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// The vendor.
    Vendor,
    /// Each subcontractor.
    Subcontractors,
}

/// An edition of a certification standard.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// The standard as written on certificates (`ISO/IEC 27001:2022`).
    pub standard: String,
    /// The scheme it belongs to.
    pub scheme: String,
    /// Certificates on this edition lapse after this date.
    #[serde(default)]
    pub valid_until: Option<Date>,
    /// No longer accepted at all.
    #[serde(default)]
    pub superseded: bool,
    /// The edition to move to.
    #[serde(default)]
    pub successor: Option<String>,
}

/// A project flag a check can depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// The contract handles 特定個人情報.
    SpecificPersonalInfo,
}

/// A condition on ledger contents (e.g. what contradicts a 該当無).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerCondition {
    /// Ledger kind: holds when it has an entry...
    pub ledger: String,
    /// ...whose `field`...
    #[serde(default)]
    pub field: Option<String>,
    /// ...equals this value (any entry when no field is given).
    #[serde(default)]
    pub equals: Option<String>,
}

fn one() -> usize {
    1
}

impl Check {
    /// The check's name as written in the data.
    pub fn name(&self) -> &'static str {
        match self {
            Check::Document { .. } => "document",
            Check::Ledger { .. } => "ledger",
            Check::Roles { .. } => "roles",
            Check::Designated => "designated",
            Check::Training { .. } => "training",
            Check::Pledges => "pledges",
            Check::DispatchAgreement => "dispatch_agreement",
            Check::Retention { .. } => "retention",
            Check::FieldRequired { .. } => "field_required",
            Check::DateOrder { .. } => "date_order",
            Check::RecentEntry { .. } => "recent_entry",
            Check::Certificates { .. } => "certificates",
            Check::MonthlyReports { .. } => "monthly_reports",
            Check::AssetsClosed { .. } => "assets_closed",
            Check::RecordValues { .. } => "record_values",
            Check::Approval { .. } => "approval",
            Check::OnDuty => "on_duty",
            Check::AreaAccess { .. } => "area_access",
            Check::Leavers => "leavers",
            Check::Deadline { .. } => "deadline",
            Check::SubcontractorAssurance => "subcontractor_assurance",
            Check::Permissions { .. } => "permissions",
        }
    }

    /// The ledger kinds this check reads.
    pub fn ledger_kinds(&self) -> Vec<&str> {
        match self {
            Check::Ledger { kind, .. } => vec![kind],
            Check::Roles { .. } | Check::Designated | Check::DispatchAgreement => vec!["staff"],
            Check::Training { .. } => vec!["staff", "training"],
            Check::Pledges => vec!["staff", "pledges"],
            Check::Retention { ledger, .. }
            | Check::FieldRequired { ledger, .. }
            | Check::DateOrder { ledger, .. }
            | Check::RecentEntry { ledger, .. }
            | Check::MonthlyReports { ledger, .. }
            | Check::AssetsClosed { ledger, .. }
            | Check::Approval { ledger, .. }
            | Check::Deadline { ledger, .. } => vec![ledger, "staff"],
            Check::RecordValues { ledger, .. } | Check::Permissions { ledger, .. } => vec![ledger],
            Check::AreaAccess { ledger } => vec![ledger, "staff", "areas"],
            Check::OnDuty => vec!["staff"],
            Check::Leavers => vec!["staff", "access_grants", "keys"],
            Check::SubcontractorAssurance => vec!["subcontractors", "certifications"],
            Check::Certificates { .. } => vec!["certifications", "subcontractors"],
            Check::Document { .. } => vec![],
        }
    }
}

impl Check {
    /// What the check demands, in words, for `anzen explain` and `standard`.
    pub fn describe(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        let kinds = |k: &[DocKind]| k.iter().map(|k| k.label()).collect::<Vec<_>>().join("・");
        let kinds_en = |k: &[DocKind]| {
            k.iter()
                .map(|k| format!("{k:?}").to_lowercase())
                .collect::<Vec<_>>()
                .join("/")
        };
        match self {
            Check::Document { kinds: k, section } => Text::new(
                format!(
                    "{}の文書が satisfies でこの要件を挙げている{}",
                    kinds(k),
                    if *section {
                        "（存在する見出し ID を指定）"
                    } else {
                        ""
                    }
                ),
                format!(
                    "a {} document lists this requirement in satisfies{}",
                    kinds_en(k),
                    if *section {
                        " (naming an existing heading id)"
                    } else {
                        ""
                    }
                ),
            ),
            Check::Ledger { kind, min_entries } => Text::new(
                format!("台帳 kind: {kind} があり、記録が {min_entries} 件以上ある"),
                format!("a ledger of kind {kind} exists with at least {min_entries} entries"),
            ),
            Check::Roles {
                roles,
                documented_in,
            } => Text::new(
                format!(
                    "従事者名簿で {} が定められ、{}に明記されている",
                    roles.join("・"),
                    kinds(documented_in)
                ),
                format!(
                    "the roster names the {} and the {} documents state them",
                    roles.join(", "),
                    kinds_en(documented_in)
                ),
            ),
            Check::Designated => Text::new(
                "個人情報を取り扱う従業者（designated: true）が指定されている",
                "workers handling personal information are designated (designated: true)",
            ),
            Check::Training {
                within_months,
                signatures,
            } => Text::new(
                format!(
                    "指定された従業者全員が直近{within_months}か月以内に研修を受講している{}",
                    if *signatures {
                        "。研修記録に署名入りの受講記録がある"
                    } else {
                        ""
                    }
                ),
                format!(
                    "every designated worker was trained within the last {within_months} months{}",
                    if *signatures {
                        "; each training record has signature evidence"
                    } else {
                        ""
                    }
                ),
            ),
            Check::Pledges => Text::new(
                "名簿の全員（雇用形態を問わず）の誓約書がある",
                "every worker on the roster, of any employment type, has a pledge",
            ),
            Check::DispatchAgreement => Text::new(
                "派遣社員について派遣会社との機密保持契約がある",
                "dispatched workers have the dispatch company's confidentiality agreement",
            ),
            Check::Retention {
                ledger,
                years,
                after_contract_end_years,
                ..
            } => Text::new(
                format!(
                    "台帳 {ledger} の保管期限が、記録から{years}年と契約終了後{after_contract_end_years}年の遅い方に届く"
                ),
                format!(
                    "ledger {ledger} keeps records until the later of {years} years after each and {after_contract_end_years} year(s) after the contract"
                ),
            ),
            Check::FieldRequired {
                ledger,
                field,
                when_field,
                when,
                ..
            } => Text::new(
                format!(
                    "台帳 {ledger} の{}記録に {field} がある{}",
                    when_field
                        .as_ref()
                        .map(|w| format!(" {w} のある"))
                        .unwrap_or_else(|| "全".into()),
                    if when.is_some() {
                        "（特定個人情報を扱う場合）"
                    } else {
                        ""
                    }
                ),
                format!(
                    "every entry of {ledger}{} has {field}{}",
                    when_field
                        .as_ref()
                        .map(|w| format!(" that has {w}"))
                        .unwrap_or_default(),
                    if when.is_some() {
                        " (when the work handles specific personal information)"
                    } else {
                        ""
                    }
                ),
            ),
            Check::DateOrder {
                ledger,
                earlier,
                later,
            } => Text::new(
                format!("台帳 {ledger} の全記録で {earlier} があり {later} 以前である"),
                format!("every entry of {ledger} has {earlier} on or before {later}"),
            ),
            Check::RecentEntry {
                ledger,
                field,
                within_months,
                within_days,
                filter,
            } => {
                let (wja, wen) = match within_days {
                    Some(d) => (format!("{d}日"), format!("{d} days")),
                    None => (
                        format!("{within_months}か月"),
                        format!("{within_months} months"),
                    ),
                };
                let cond: Vec<String> = filter.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                let (cja, cen) = if cond.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        format!("（{}）", cond.join("、")),
                        format!(" ({})", cond.join(", ")),
                    )
                };
                Text::new(
                    format!(
                        "台帳 {ledger} に {} が直近{wja}以内の記録{cja}がある",
                        field.as_deref().unwrap_or("date")
                    ),
                    format!(
                        "ledger {ledger} has an entry{cen} whose {} is within the last {wen}",
                        field.as_deref().unwrap_or("date")
                    ),
                )
            }
            Check::RecordValues {
                ledger,
                field,
                allowed,
                forbidden,
                note,
                ..
            } => {
                let mut ja = format!("台帳 {ledger} の記録の {field} が「{note}」に沿っている");
                let mut en = format!("the {field} of every {ledger} entry agrees with: {note}");
                if !allowed.is_empty() {
                    ja.push_str(&format!("（許容: {}）", allowed.join("・")));
                    en.push_str(&format!(" (allowed: {})", allowed.join(", ")));
                }
                if !forbidden.is_empty() {
                    ja.push_str(&format!("（不可: {}）", forbidden.join("・")));
                    en.push_str(&format!(" (forbidden: {})", forbidden.join(", ")));
                }
                Text::new(ja, en)
            }
            Check::Approval {
                ledger,
                approver,
                actors,
                ..
            } => Text::new(
                format!(
                    "台帳 {ledger} の各記録で、{approver} が実施者（{}）と別人で、承認できる役割を持ち、実施日以前に承認している",
                    actors.join("・")
                ),
                format!(
                    "in every {ledger} entry, {approver} is not the actor ({}), holds an approving role and approved on or before the act",
                    actors.join(", ")
                ),
            ),
            Check::OnDuty => Text::new(
                "記録に現れる従事者が、その日に従事期間内で、取扱者は指定された従事者（特定個人情報は特定個人情報の取扱者）である",
                "staff named in records were on duty that day, and handlers are designated (for specific personal information, designated for it)",
            ),
            Check::AreaAccess { ledger } => Text::new(
                format!(
                    "台帳 {ledger} の入室者が、その管理区域に入室できる従事者で、部外者には入室できる従事者が立ち会っている"
                ),
                format!(
                    "everyone entering in {ledger} may enter the area, and visitors are escorted by staff who may"
                ),
            ),
            Check::Leavers => Text::new(
                "従事を終えた者のアクセス権限が終了日までに削除され、鍵・ICカードが返却されている",
                "leavers' access rights are revoked and their keys returned by the day they left",
            ),
            Check::Deadline {
                ledger,
                from,
                to,
                within_days,
                note,
                ..
            } => Text::new(
                format!(
                    "台帳 {ledger} の各記録で {to} が {from} から{within_days}日以内（{note}）"
                ),
                format!(
                    "in every {ledger} entry, {to} is within {within_days} days of {from} ({note})"
                ),
            ),
            Check::SubcontractorAssurance => Text::new(
                "再委託先ごとに、機密保持契約と（特定個人情報では）有効な認証または立入点検等の記録がある",
                "each subcontractor has an NDA and (for specific personal information) a valid certificate or an inspection record",
            ),
            Check::Permissions { ledger, when, .. } => Text::new(
                format!(
                    "台帳 {ledger} の {} の機器に発注者の許可の記録がある",
                    when.join("・")
                ),
                format!(
                    "devices of {ledger} with {} name the client's permission",
                    when.join(" or ")
                ),
            ),
            Check::Certificates { schemes, .. } => Text::new(
                format!(
                    "受注者と各再委託先が基準日に有効な認証（{}）を現行の規格で保持している",
                    schemes.join("・")
                ),
                format!(
                    "the vendor and each subcontractor hold a certificate ({}) valid on the as-of date, on a current edition",
                    schemes.join(", ")
                ),
            ),
            Check::AssetsClosed { ledger, all_closed } => Text::new(
                format!(
                    "台帳 {ledger} の返却済・廃棄済の資産に返却・廃棄日と証跡がある{}",
                    if *all_closed {
                        "。すべての資産が返却済か廃棄済"
                    } else {
                        ""
                    }
                ),
                format!(
                    "every returned or disposed asset of {ledger} says when and with what evidence{}",
                    if *all_closed {
                        "; every asset is returned or disposed"
                    } else {
                        ""
                    }
                ),
            ),
            Check::MonthlyReports { ledger, due_day } => Text::new(
                format!(
                    "契約期間の各月について、翌月{due_day}日の提出期限が基準日までに来た月の報告書が台帳 {ledger} にある"
                ),
                format!(
                    "ledger {ledger} has a report for every contract month whose due date (day {due_day} of the next month) has passed"
                ),
            ),
        }
    }
}
