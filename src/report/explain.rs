//! Text views of the standard: `anzen standard` lists every item and
//! requirement, `anzen explain <id>` shows one item, requirement, rule or
//! ledger kind in full.

use std::fmt::Write;

use crate::i18n::Lang;
use crate::standard::{ChecklistItem, LedgerKinds, Requirement, Rules, Standard};

/// What `explain` found for an id.
pub enum Explained {
    /// Rendered text.
    Found(String),
    /// Nothing has that id; the closest ids, if any.
    NotFound(Vec<String>),
}

/// Every checklist item and requirement with its text and checks.
pub fn standard(std: &Standard, lang: Lang) -> String {
    let mut out = String::new();
    match lang {
        Lang::Ja => {
            let _ = writeln!(out, "# {}\n", std.title);
            let _ = writeln!(out, "## {}\n", std.checklist.title);
        }
        Lang::En => {
            let title = std.title_en.as_deref().unwrap_or(&std.title);
            let _ = writeln!(out, "# {title}\n");
            let _ = writeln!(out, "## Security checklist\n");
        }
    }
    for item in &std.checklist.items {
        item_text(&mut out, item, lang);
    }
    let _ = writeln!(
        out,
        "## {}\n",
        if lang == Lang::Ja {
            "個人情報取扱安全管理基準"
        } else {
            "Safety-management standard"
        }
    );
    for req in &std.requirements {
        requirement_text(&mut out, std, req, lang);
    }
    out
}

fn item_text(out: &mut String, item: &ChecklistItem, lang: Lang) {
    let _ = writeln!(out, "[{}] {}", item.id, item.text);
    if !item.requirements.is_empty() {
        let label = if lang == Lang::Ja {
            "対応する基準"
        } else {
            "requirements"
        };
        let _ = writeln!(out, "    {label}: {}", item.requirements.join(", "));
    }
    for c in &item.checks {
        let _ = writeln!(out, "    - {}", c.describe().get(lang));
    }
    if !item.na_contradicted_by.is_empty() {
        let conds: Vec<String> = item
            .na_contradicted_by
            .iter()
            .map(|c| match (&c.field, &c.equals) {
                (Some(f), Some(v)) => format!("{}.{f} = {v}", c.ledger),
                _ => c.ledger.clone(),
            })
            .collect();
        let label = if lang == Lang::Ja {
            "該当無と矛盾する記録"
        } else {
            "records that contradict n/a (該当無)"
        };
        let _ = writeln!(out, "    {label}: {}", conds.join(", "));
    }
    let _ = writeln!(out);
}

fn requirement_text(out: &mut String, std: &Standard, req: &Requirement, lang: Lang) {
    match &req.title {
        Some(t) => {
            let _ = writeln!(out, "[{}] {}", req.id, t);
            if t != &req.text {
                let _ = writeln!(out, "    {}", req.text.replace("\n\n", "\n    "));
            }
        }
        None => {
            let _ = writeln!(out, "[{}] {}", req.id, req.text.replace("\n\n", "\n    "));
        }
    }
    for e in &req.examples {
        let _ = writeln!(out, "    ・{e}");
    }
    if let Some(n) = &req.note {
        let _ = writeln!(out, "    {}", n.replace("\n\n", ""));
    }
    for c in &req.checks {
        let _ = writeln!(out, "    - {}", c.describe().get(lang));
    }
    let items: Vec<&str> = std.items_for(&req.id).map(|i| i.id.as_str()).collect();
    if !items.is_empty() {
        let label = if lang == Lang::Ja {
            "チェック項目"
        } else {
            "checklist items"
        };
        let _ = writeln!(out, "    {label}: {}", items.join(", "));
    }
    let _ = writeln!(out);
}

/// An id as people type it, in the form the standard uses: full-width
/// letters and brackets made ASCII (`S5（6）` → `S5(6)`), the URL form of a
/// requirement read back (`S5-6` → `S5(6)`, `s5-6-1` → `S5(6)(1)`).
/// Checklist items keep their hyphens (`2-1`): a bare number pair is an
/// item, a pair after `S` a requirement.
pub fn normalize_id(id: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let id: String = id.trim().nfkc().collect();
    let Some(rest) = id.strip_prefix(['S', 's']) else {
        return id;
    };
    let mut parts = rest.split('-');
    let head = parts.next().unwrap_or_default();
    let tail: Vec<&str> = parts.collect();
    let numeric = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !numeric(head) {
        return id;
    }
    if !tail.iter().all(|p| numeric(p)) {
        return format!("S{rest}");
    }
    let mut out = format!("S{head}");
    for p in tail {
        out.push_str(&format!("({p})"));
    }
    out
}

/// One item, requirement, rule or ledger kind in full.
pub fn explain(
    id: &str,
    std: &Standard,
    rules: &Rules,
    kinds: &LedgerKinds,
    lang: Lang,
) -> Explained {
    let mut out = String::new();
    let id = &normalize_id(id);
    if let Some(item) = std.item(id) {
        let _ = writeln!(
            out,
            "{} {}\n",
            if lang == Lang::Ja {
                "チェック項目"
            } else {
                "Checklist item"
            },
            item.id
        );
        item_text(&mut out, item, lang);
        for r in item.requirements.iter().filter_map(|r| std.requirement(r)) {
            requirement_text(&mut out, std, r, lang);
        }
        let rules_text = if lang == Lang::Ja {
            "回答の規則: はい → 根拠（evidence）が必要で、すべて解決すること。いいえ → 業務着手日までの対策計画（plan・owner・due）が必要。該当無 → 理由（reason）が必要。"
        } else {
            "Answer rules: yes (はい) needs evidence that resolves; no (いいえ) needs a remediation plan (plan, owner, due) due by the work start date; n/a (該当無) needs a reason."
        };
        let _ = writeln!(out, "{rules_text}");
        return Explained::Found(out);
    }
    let req_id = if std.requirement(id).is_some() {
        id.to_string()
    } else {
        format!("S{id}")
    };
    if let Some(req) = std.requirement(&req_id) {
        requirement_text(&mut out, std, req, lang);
        for child in std.children(&req.id) {
            requirement_text(&mut out, std, child, lang);
        }
        return Explained::Found(out);
    }
    if let Some(rule) = rules.get(id) {
        let _ = writeln!(out, "{} ({})", rule.id, rule.severity.label(lang));
        let _ = writeln!(
            out,
            "    {}",
            if lang == Lang::Ja { &rule.ja } else { &rule.en }
        );
        let _ = writeln!(
            out,
            "    {}: {}",
            if lang == Lang::Ja { "出典" } else { "source" },
            rule.source
        );
        return Explained::Found(out);
    }
    if let Some(kind) = kinds.get(id) {
        let title = match lang {
            Lang::Ja => &kind.title,
            Lang::En => &kind.title_en,
        };
        let _ = writeln!(out, "{} — {title}\n", kind.kind);
        for f in &kind.fields {
            let mut flags = Vec::new();
            if f.required {
                flags.push(if lang == Lang::Ja {
                    "必須"
                } else {
                    "required"
                });
            }
            if f.personal {
                flags.push(if lang == Lang::Ja {
                    "個人データ"
                } else {
                    "personal data"
                });
            }
            let values = if f.values.is_empty() {
                String::new()
            } else {
                format!(" [{}]", f.values.join(" | "))
            };
            let _ = writeln!(
                out,
                "  {:<20} {:<10} {}{} {}",
                f.name,
                format!("{:?}", f.ty).to_lowercase(),
                f.title,
                values,
                flags.join(", ")
            );
        }
        return Explained::Found(out);
    }
    // A word of the check vocabulary: where the standard uses it, and what
    // each use demands.
    let uses: Vec<(String, crate::i18n::Text)> = std
        .requirements
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (format!("[{}]", r.id), c)))
        .chain(std.checklist.items.iter().flat_map(|i| {
            let label = match lang {
                Lang::Ja => format!("[チェック項目 {}]", i.id),
                Lang::En => format!("[item {}]", i.id),
            };
            i.checks.iter().map(move |c| (label.clone(), c))
        }))
        .filter(|(_, c)| c.name() == id.as_str())
        .map(|(owner, c)| (owner, c.describe()))
        .collect();
    if !uses.is_empty() {
        let _ = writeln!(
            out,
            "check: {id} — {}\n",
            match lang {
                Lang::Ja => "検査の語彙（README「検査の語彙」）。同梱の基準での使われ方:",
                Lang::En =>
                    "a word of the check vocabulary (see the README); used in the bundled standard by:",
            }
        );
        for (owner, what) in &uses {
            let _ = writeln!(out, "  {owner} {}", what.get(lang));
        }
        return Explained::Found(out);
    }
    let mut all: Vec<String> = std.checklist.items.iter().map(|i| i.id.clone()).collect();
    all.extend(std.requirements.iter().map(|r| r.id.clone()));
    all.extend(rules.rules.iter().map(|r| r.id.clone()));
    all.extend(kinds.names());
    let close: Vec<String> = crate::yaml::did_you_mean(id, &all)
        .map(|s| vec![s.to_string()])
        .unwrap_or_default();
    Explained::NotFound(close)
}

#[cfg(test)]
mod tests {
    use super::normalize_id;

    #[test]
    fn requirement_ids_are_read_in_every_form_people_type() {
        for (typed, id) in [
            ("S5(6)", "S5(6)"),
            ("S5（6）", "S5(6)"),
            ("Ｓ５（６）", "S5(6)"),
            ("S5-6", "S5(6)"),
            ("s5-6", "S5(6)"),
            ("5(6)", "5(6)"),
            ("2-1", "2-1"),
            ("staff", "staff"),
            ("training.stale", "training.stale"),
        ] {
            assert_eq!(normalize_id(typed), id, "{typed}");
        }
    }
}
