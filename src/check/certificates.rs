//! Certificates (入札告示 1.1, checklist 2-8): the vendor and every
//! subcontractor hold an ISMS or Privacy Mark certificate valid on the
//! as-of date, on an edition still accepted, ideally through the contract.

use super::Context;
use crate::date::Date;
use crate::diag::{Finding, Location};
use crate::model::Entry;
use crate::standard::checks::{Edition, Holder};
use crate::tr;

/// Compares edition names loosely: full-width to half-width, spaces
/// dropped, case folded (`JISQ27001:2014` = `JIS Q 27001:2014`).
pub fn normalize_edition(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

pub(super) fn check(
    cx: &Context,
    holders: &[Holder],
    schemes: &[String],
    editions: &[Edition],
    out: &mut Vec<Finding>,
) {
    let mut wanted: Vec<(String, String)> = Vec::new();
    for h in holders {
        match h {
            Holder::Vendor => wanted.push(("vendor".into(), cx.project.config.vendor.name.clone())),
            Holder::Subcontractors => {
                for (_, s) in cx.project.entries_of("subcontractors") {
                    wanted.push((
                        s.id.to_string(),
                        s.text("name").unwrap_or(&s.id).to_string(),
                    ));
                }
            }
        }
    }
    let file = cx
        .project
        .ledgers_of("certifications")
        .next()
        .map(|l| Location::file(&l.file));
    for (holder, holder_name) in wanted {
        let certs: Vec<&Entry> = cx
            .project
            .entries_of("certifications")
            .map(|(_, e)| e)
            .filter(|e| e.text("holder") == Some(holder.as_str()))
            .filter(|e| {
                e.text("scheme")
                    .is_some_and(|s| schemes.iter().any(|x| x == s))
            })
            .collect();
        let mut valid: Vec<(&Entry, Date)> = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        for cert in &certs {
            match judge(cx, cert, editions, out) {
                Ok(until) => valid.push((cert, until)),
                Err(why) => reasons.push(why),
            }
        }
        if valid.is_empty() {
            let why = if reasons.is_empty() {
                "記録なし / no record".to_string()
            } else {
                reasons.join("; ")
            };
            let at = certs.first().map(|c| c.location.clone()).or(file.clone());
            out.push(
                Finding::error(
                    "certificate.missing",
                    tr!(
                        "{}に基準日 {} 時点で有効な ISMS・プライバシーマーク認証がありません（{}）",
                        "{} holds no ISMS / Privacy Mark certificate valid on {} ({})"; holder_name, cx.project.as_of, why
                    ),
                )
                .at_opt(at)
                .hint(tr!(
                    "認証取得状況（kind: certifications）に holder: {} の有効な認証を記録してください",
                    "record a valid certificate with holder: {} in the certifications ledger"; holder
                )),
            );
            continue;
        }
        let end = cx.project.config.contract.end;
        if let Some((cert, until)) = valid.iter().max_by_key(|(_, u)| *u)
            && *until < end
        {
            out.push(
                    Finding::warning(
                        "certificate.expires-during-contract",
                        tr!(
                            "{}の認証「{}」は契約期間中の {} に期限が切れます（契約終了 {}）",
                            "{}'s certificate '{}' lapses on {}, before the contract ends on {}"; holder_name, cert.id, until, end
                        ),
                    )
                    .at(cert.at("expires"))
                    .hint(tr!("更新の予定を確認し、更新後の認証を記録してください", "plan the renewal and record the renewed certificate")),
                );
        }
    }
}

/// Whether one certificate is valid on the as-of date: `Ok(last valid day)`
/// or `Err(why not)`; edition problems are reported as they are found.
fn judge(
    cx: &Context,
    cert: &Entry,
    editions: &[Edition],
    out: &mut Vec<Finding>,
) -> Result<Date, String> {
    let as_of = cx.project.as_of;
    let written = cert.text("standard").unwrap_or("");
    let edition = edition_for(written, editions);
    let mut until = cert
        .date("expires")
        .ok_or_else(|| format!("{}: 有効期限なし / no expiry", cert.id))?;
    match edition {
        None => {
            let known: Vec<&str> = editions
                .iter()
                .filter(|e| !e.superseded && e.valid_until.is_none())
                .map(|e| e.standard.as_str())
                .collect();
            out.push(
                Finding::warning(
                    "certificate.unknown-edition",
                    tr!("認証「{}」の規格「{}」は既知の版ではありません", "certificate '{}' names an unknown edition '{}'"; cert.id, written),
                )
                .at(cert.at("standard"))
                .hint(tr!("現行の版: {}", "current editions: {}"; known.join(", "))),
            );
        }
        Some(e) => {
            let successor = e.successor.clone().unwrap_or_default();
            if e.superseded {
                out.push(
                    Finding::error(
                        "certificate.superseded",
                        tr!("認証「{}」は旧版の規格「{}」によるものです", "certificate '{}' is on the superseded edition '{}'"; cert.id, written),
                    )
                    .at(cert.at("standard"))
                    .hint(tr!("{} への移行後の認証を記録してください", "record the certificate after transition to {}"; successor)),
                );
                return Err(format!("{}: {written}", cert.id));
            }
            if let Some(v) = e.valid_until {
                if v < as_of {
                    out.push(
                        Finding::error(
                            "certificate.superseded",
                            tr!(
                                "認証「{}」の規格「{}」による認証は {} で失効しています",
                                "certificate '{}' on '{}' lapsed after {}"; cert.id, written, v
                            ),
                        )
                        .at(cert.at("standard"))
                        .hint(tr!("{} への移行後の認証を記録してください", "record the certificate after transition to {}"; successor)),
                    );
                    return Err(format!("{}: {written}", cert.id));
                }
                until = until.min(v);
            }
        }
    }
    if until < as_of {
        return Err(format!("{}: {} 期限切れ / expired", cert.id, until));
    }
    if cert.date("issued").is_some_and(|i| i > as_of) {
        return Err(format!(
            "{}: 登録日が基準日より後 / issued after the as-of date",
            cert.id
        ));
    }
    Ok(until)
}

/// The edition a certificate's wording names, as certificates write them:
/// `ISO/IEC 27001:2022`, with an amendment (`ISO/IEC 27001:2022/Amd 1:2024`,
/// `+A1:2024`), or a national edition with the international one in
/// brackets (`JIS Q 27001:2023 (ISO/IEC 27001:2022)`): the base edition
/// first, then the bracketed one.
pub fn edition_for<'e>(written: &str, editions: &'e [Edition]) -> Option<&'e Edition> {
    let find = |w: &str| {
        let w = normalize_edition(w);
        editions
            .iter()
            .find(|e| normalize_edition(&e.standard) == w)
    };
    if let Some(e) = find(written) {
        return Some(e);
    }
    let norm: String = written
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect();
    let (base, bracket) = match norm.split_once('(') {
        Some((b, rest)) => (b, rest.split(')').next()),
        None => (norm.as_str(), None),
    };
    let strip_amendment = |s: &str| -> String {
        let s = normalize_edition(s);
        let upper = s.clone();
        let cut = ["/AMD", "+AMD", "+A", "/COR", "AMD."]
            .iter()
            .filter_map(|m| upper.find(m))
            .min()
            .unwrap_or(s.len());
        upper[..cut].to_string()
    };
    find(&strip_amendment(base)).or_else(|| bracket.and_then(|b| find(&strip_amendment(b))))
}

#[cfg(test)]
mod tests {
    use super::{edition_for, normalize_edition};
    use crate::standard::checks::Edition;

    fn editions() -> Vec<Edition> {
        [
            "ISO/IEC 27001:2022",
            "JIS Q 27001:2023",
            "ISO/IEC 27001:2013",
        ]
        .iter()
        .map(|s| Edition {
            standard: s.to_string(),
            scheme: "isms".into(),
            valid_until: None,
            superseded: false,
            successor: None,
        })
        .collect()
    }

    #[test]
    fn certificates_worded_with_amendments_or_brackets_name_their_edition() {
        let e = editions();
        let of = |w: &str| edition_for(w, &e).map(|x| x.standard.clone());
        assert_eq!(
            of("ISO/IEC 27001:2022/Amd 1:2024").as_deref(),
            Some("ISO/IEC 27001:2022")
        );
        assert_eq!(
            of("ISO/IEC 27001:2022 + A1:2024").as_deref(),
            Some("ISO/IEC 27001:2022")
        );
        assert_eq!(
            of("JIS Q 27001:2023 (ISO/IEC 27001:2022)").as_deref(),
            Some("JIS Q 27001:2023")
        );
        assert_eq!(
            of("JIS Q 27001：2023（ISO/IEC 27001：2022）").as_deref(),
            Some("JIS Q 27001:2023")
        );
        assert_eq!(
            of("ISO/IEC 27001:2013").as_deref(),
            Some("ISO/IEC 27001:2013")
        );
        assert_eq!(of("ISO/IEC 27002:2022"), None);
        assert_eq!(of("ISO/IEC 27001:2005"), None);
    }

    #[test]
    fn editions_compare_without_spaces_or_width() {
        assert_eq!(
            normalize_edition("JISQ27001:2014"),
            normalize_edition("JIS Q 27001:2014")
        );
        assert_eq!(
            normalize_edition("ＩＳＯ/IEC 27001:2022"),
            normalize_edition("iso/iec 27001:2022")
        );
    }
}
