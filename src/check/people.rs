//! People and permissions over time: nobody appears in a record outside
//! their joined–left dates; handlers are designated (for 特定個人情報,
//! designated for it); entry to a controlled area needs the area in the
//! person's list, and visitors are escorted by staff who may enter; a
//! leaver's access rights are revoked and keys returned by the day they left.

use super::Context;
use crate::date::Date;
use crate::diag::Finding;
use crate::model::{Entry, FieldValue};
use crate::tr;

/// Calls `f` with each staff id a field of an entry names.
fn each_named<'e>(e: &'e Entry, field: &str, mut f: impl FnMut(&'e str)) {
    match e.fields.get(field).map(|f| &f.value) {
        Some(FieldValue::Text(t)) => f(t.as_str()),
        Some(FieldValue::List(l)) => l.iter().for_each(|id| f(id)),
        _ => {}
    }
}

/// What `on_duty` asks of a roster entry, read once per person rather than
/// on each of a million records.
struct Person<'a> {
    entry: &'a Entry,
    joined: Option<Date>,
    left: Option<Date>,
    designated: bool,
    specific: bool,
}

/// `on_duty`: staff named in records were on duty on the record's date;
/// handlers are designated workers (and designated for 特定個人情報 when
/// the contract handles it).
pub(super) fn on_duty(cx: &Context, out: &mut Vec<Finding>) {
    let specific = cx.project.config.contract.specific_personal_info;
    let people: foldhash::HashMap<&str, Person> = cx
        .staff
        .iter()
        .map(|(id, e)| {
            let person = Person {
                entry: e,
                joined: e.date("joined"),
                left: e.date("left"),
                designated: e.bool("designated") == Some(true),
                specific: e.bool("specific") == Some(true),
            };
            (*id, person)
        })
        .collect();
    // With nobody designated, staff.none-designated says so once; every
    // handling record would only repeat it.
    let anyone_designated = people.values().any(|p| p.designated);
    for ledger in &cx.project.ledgers {
        if ledger.kind == "staff" {
            continue;
        }
        let Some(kind) = cx.kinds.get(&ledger.kind) else {
            continue;
        };
        for spec in kind.fields.iter().filter(|f| f.is_staff()) {
            let date_field = spec.on.as_deref().or(kind.date_field.as_deref());
            for e in &ledger.entries {
                let day = date_field.and_then(|f| e.date(f));
                each_named(e, &spec.name, |id| {
                    let Some(person) = people.get(id) else {
                        return; // reference.unknown-staff
                    };
                    if let Some(day) = day {
                        off_duty(
                            cx,
                            &kind.title,
                            e,
                            &spec.name,
                            &spec.title,
                            person,
                            day,
                            out,
                        );
                    }
                    if spec.handler && anyone_designated {
                        handler(cx, &kind.title, e, &spec.name, person, specific, out);
                    }
                });
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn off_duty(
    cx: &Context,
    kind: &str,
    e: &Entry,
    field: &str,
    field_title: &str,
    person: &Person,
    day: Date,
    out: &mut Vec<Finding>,
) {
    let (joined, left) = (person.joined, person.left);
    let outside = joined.is_some_and(|j| day < j) || left.is_some_and(|l| day > l);
    if !outside {
        return;
    }
    let span = format!(
        "{}〜{}",
        joined.map(|d| d.to_string()).unwrap_or_default(),
        left.map(|d| d.to_string()).unwrap_or_default()
    );
    out.push(
        Finding::error(
            "staff.off-duty",
            tr!(
                "{}の記録「{}」の{} {} は {} に従事していません（従事期間 {}）",
                "entry '{}' of {}: {} {} was not on duty on {} (on duty {})";
                kind, e.id, field_title, cx.staff_label(&person.entry.id, true), day, span
            )
            .with_en(format!(
                "entry '{}' of {}: the {} {} was not on duty on {} (on duty {})",
                e.id, kind, field, person.entry.id, day, span
            )),
        )
        .at(e.at(field))
        .hint(tr!(
            "記録の日付か人を直すか、名簿の joined:／left: を見直してください",
            "correct the record's date or person, or the roster's joined: / left:"
        )),
    );
}

fn handler(
    cx: &Context,
    kind: &str,
    e: &Entry,
    field: &str,
    person: &Person,
    specific: bool,
    out: &mut Vec<Finding>,
) {
    // Made only for a finding (most records name a designated worker).
    let who = || cx.staff_label(&person.entry.id, true);
    if !person.designated {
        let who = who();
        out.push(
            Finding::error(
                "staff.not-designated",
                tr!(
                    "{}の記録「{}」で個人情報を取り扱った {} は、取扱従事者に指定されていません",
                    "entry '{}' of {}: {} handled personal data but is not a designated worker";
                    kind, e.id, who
                )
                .with_en(format!(
                    "entry '{}' of {}: {} handled personal data but is not a designated worker",
                    e.id, kind, person.entry.id
                )),
            )
            .at(e.at(field))
            .hint(tr!(
                "指定された従事者が取り扱うか、名簿で designated: true にしてください",
                "have a designated worker handle it, or designate the person (designated: true)"
            )),
        );
    } else if specific && !person.specific {
        let who = who();
        out.push(
            Finding::error(
                "staff.not-specific",
                tr!(
                    "{}の記録「{}」の {} は特定個人情報の取扱者に指定されていません（この契約は特定個人情報を取り扱います）",
                    "entry '{}' of {}: {} is not designated to handle specific personal information, which this contract handles";
                    kind, e.id, who
                )
                .with_en(format!(
                    "entry '{}' of {}: {} is not designated to handle specific personal information, which this contract handles",
                    e.id, kind, person.entry.id
                )),
            )
            .at(e.at(field))
            .hint(tr!(
                "特定個人情報を取り扱う従事者には名簿で specific: true を記入してください",
                "set specific: true in the roster for those who handle specific personal information"
            )),
        );
    }
}

/// `area_access`: the person entering may enter the area; a visitor's
/// escort may enter it too.
pub(super) fn area_access(cx: &Context, kind: &str, out: &mut Vec<Finding>) {
    let title = cx.kind_title(kind);
    // Each person's areas, read once rather than on each record.
    let areas: foldhash::HashMap<&str, &[String]> = cx
        .staff
        .iter()
        .map(|(id, s)| (*id, s.list("areas")))
        .collect();
    for (_, e) in cx.project.entries_of(kind) {
        let Some(area) = e.text("area") else { continue };
        let may_enter = |id: &str| areas.get(id).is_some_and(|l| l.iter().any(|a| a == area));
        if let Some(id) = e.text("staff")
            && areas.contains_key(id)
            && !may_enter(id)
        {
            out.push(
                Finding::error(
                    "area.no-access",
                    tr!(
                        "{}の記録「{}」: {} は管理区域「{}」に入室できる者に定められていません",
                        "entry '{}' of {}: {} is not among those who may enter the controlled area '{}'";
                        title, e.id, cx.staff_label(id, true), area
                    )
                    .with_en(format!(
                        "entry '{}' of {}: {} is not among those who may enter the controlled area '{}'",
                        e.id, title, id, area
                    )),
                )
                .at(e.at("staff"))
                .hint(tr!(
                    "名簿の areas: に {} を加えるか（権限を定めたうえで）、記録を見直してください",
                    "add {} to the person's areas: in the roster (once the right is granted), or correct the record"; area
                )),
            );
        }
        if e.has("visitor") {
            match e.text("escort") {
                // No escort at all: S4(2)'s field_required reports it.
                None => {}
                Some(id) if areas.contains_key(id) && !may_enter(id) => out.push(
                    Finding::error(
                        "escort.not-allowed",
                        tr!(
                            "{}の記録「{}」: 立会者 {} は管理区域「{}」に入室できる者ではありません",
                            "entry '{}' of {}: the escort {} may not enter the controlled area '{}'";
                            title, e.id, cx.staff_label(id, true), area
                        )
                        .with_en(format!(
                            "entry '{}' of {}: the escort {} may not enter the controlled area '{}'",
                            e.id, title, id, area
                        )),
                    )
                    .at(e.at("escort"))
                    .hint(tr!("その区域に入室できる従事者が立ち会ってください", "the escort must be someone who may enter that area")),
                ),
                Some(_) => {}
            }
        }
    }
}

/// `leavers`: everyone who left by the as-of date has every access right
/// revoked and every key or card returned by the day they left.
pub(super) fn leavers(cx: &Context, out: &mut Vec<Finding>) {
    let as_of = cx.project.as_of;
    for (_, person) in cx.project.entries_of("staff") {
        let Some(left) = person.date("left").filter(|l| *l <= as_of) else {
            continue;
        };
        let who = cx.staff_label(&person.id, true);
        for (_, g) in cx.project.entries_of("access_grants") {
            if g.text("staff") != Some(person.id.as_str()) {
                continue;
            }
            let revoked = g.date("revoked_on");
            if revoked.is_none_or(|r| r > left) {
                out.push(
                    Finding::error(
                        "access.not-revoked",
                        tr!(
                            "{} は {} に従事を終えましたが、アクセス権限「{}」（{}）が{}",
                            "{} left on {} but the access right '{}' ({}) {}";
                            who, left, g.id, g.text("system").unwrap_or(""),
                            revoked.map(|r| format!("{r} まで削除されていません")).unwrap_or_else(|| "削除されていません".into())
                        )
                        .with_en(format!(
                            "{} left on {} but the access right '{}' ({}) {}",
                            person.id, left, g.id, g.text("system").unwrap_or(""),
                            revoked.map(|r| format!("was revoked only on {r}")).unwrap_or_else(|| "is not revoked".into())
                        )),
                    )
                    .at(g.at("revoked_on"))
                    .hint(tr!("従事終了日までに権限を削除し、revoked_on: に記録してください", "revoke the right by the day they leave and record revoked_on:")),
                );
            }
        }
        for (_, k) in cx.project.entries_of("keys") {
            if k.text("staff") != Some(person.id.as_str()) {
                continue;
            }
            let returned = k.date("returned_on");
            if returned.is_none_or(|r| r > left) {
                out.push(
                    Finding::error(
                        "key.not-returned",
                        tr!(
                            "{} は {} に従事を終えましたが、鍵・ICカード「{}」（{}）が期限までに返却されていません",
                            "{} left on {} but the key or card '{}' ({}) was not returned by then";
                            who, left, k.id, k.text("key").unwrap_or("")
                        )
                        .with_en(format!(
                            "{} left on {} but the key or card '{}' ({}) was not returned by then",
                            person.id, left, k.id, k.text("key").unwrap_or("")
                        )),
                    )
                    .at(k.at("returned_on"))
                    .hint(tr!("従事終了日までに回収し、returned_on: に記録してください", "collect it by the day they leave and record returned_on:")),
                );
            }
        }
    }
}
