//! Findings for the terminal: `file:line:col: severity[rule] message`,
//! then the hint, then a one-line summary. Repeats of one rule at one
//! place for many checklist items read as one block.

use std::fmt::Write;

use crate::check::Summary;
use crate::diag::Finding;
use crate::i18n::Lang;
use crate::terminal;

/// Findings of one rule at one place, each about another checklist item,
/// are shown as one block from this many on (JSON and SARIF keep one
/// finding each).
const GROUP_FROM: usize = 3;

/// Renders findings, one block each; a run of [`GROUP_FROM`] or more of
/// one rule at one place, each for another checklist item, as one block
/// listing the items with one hint.
pub fn findings(findings: &[Finding], lang: Lang) -> String {
    let mut out = String::new();
    let mut rest = findings;
    while let Some(first) = rest.first() {
        let same = rest
            .iter()
            .take_while(|f| {
                f.item.is_some()
                    && f.rule == first.rule
                    && f.severity == first.severity
                    && file(f) == file(first)
                    && (f.location == first.location || f.hint == first.hint)
            })
            .count();
        let repeated = rest
            .iter()
            .take_while(|f| {
                f.rule == first.rule
                    && f.severity == first.severity
                    && f.location.is_some()
                    && file(f) == file(first)
                    && f.message == first.message
                    && f.hint == first.hint
                    && f.item == first.item
                    && f.requirement == first.requirement
            })
            .count();
        if same >= GROUP_FROM {
            group(&mut out, &rest[..same], lang);
            rest = &rest[same..];
        } else if repeated >= GROUP_FROM {
            lines(&mut out, &rest[..repeated], lang);
            rest = &rest[repeated..];
        } else {
            one(&mut out, first, lang);
            rest = &rest[1..];
        }
    }
    out
}

fn file(f: &Finding) -> Option<&str> {
    f.location.as_ref().map(|l| &*l.file)
}

fn place(f: &Finding) -> String {
    f.location
        .as_ref()
        .map(|l| format!("{}: ", terminal::text(&l.to_string())))
        .unwrap_or_default()
}

fn hint_label(lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => "ヒント",
        Lang::En => "hint",
    }
}

fn one(out: &mut String, f: &Finding, lang: Lang) {
    let concerns = match (&f.item, &f.requirement, lang) {
        (Some(i), _, Lang::Ja) => format!("（チェック項目 {i}）"),
        (Some(i), _, Lang::En) => format!(" (checklist item {i})"),
        (None, Some(r), Lang::Ja) => format!("（要件 {r}）"),
        (None, Some(r), Lang::En) => format!(" (requirement {r})"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{}{}[{}] {}{}",
        place(f),
        f.severity.label(lang),
        f.rule,
        terminal::text(f.message.get(lang)),
        terminal::text(&concerns)
    );
    if let Some(h) = &f.hint {
        let _ = writeln!(
            out,
            "    {}: {}",
            hint_label(lang),
            terminal::text(h.get(lang))
        );
    }
}

/// One block for the same finding on several lines of one file: the
/// first place as usual (editors jump to it), the other lines after.
fn lines(out: &mut String, fs: &[Finding], lang: Lang) {
    let mut block = String::new();
    one(&mut block, &fs[0], lang);
    let others: Vec<String> = fs[1..]
        .iter()
        .filter_map(|f| f.location.as_ref().map(|l| l.line.to_string()))
        .collect();
    let also = match lang {
        Lang::Ja => format!("（ほかに {} 行目）", others.join(", ")),
        Lang::En => format!(" (also lines {})", others.join(", ")),
    };
    // After the message, before the newline of its first line.
    let end = block.find('\n').unwrap_or(block.len());
    block.insert_str(end, &also);
    out.push_str(&block);
}

/// One block for findings of one rule at one place, one per item.
fn group(out: &mut String, fs: &[Finding], lang: Lang) {
    let first = &fs[0];
    let items: Vec<&str> = fs.iter().filter_map(|f| f.item.as_deref()).collect();
    let (n, list) = (fs.len(), items.join(", "));
    let message = match (first.rule.as_str(), lang) {
        ("answer.missing", Lang::Ja) => format!("{n} 項目が未回答: {list}"),
        ("answer.missing", Lang::En) => format!("{n} items unanswered: {list}"),
        (_, Lang::Ja) => format!("{n} 項目に同じ指摘: {list}"),
        (_, Lang::En) => format!("{n} items with the same finding: {list}"),
    };
    // Lines differ: the file alone.
    let at = match &first.location {
        Some(l) if fs.iter().any(|f| f.location != first.location) => {
            format!("{}: ", terminal::text(&l.file))
        }
        _ => place(first),
    };
    let _ = writeln!(
        out,
        "{at}{}[{}] {}",
        first.severity.label(lang),
        first.rule,
        terminal::text(&message)
    );
    let shared = fs.iter().all(|f| f.hint == first.hint);
    let hint = match (first.rule.as_str(), lang) {
        _ if shared => first.hint.as_ref().map(|h| h.get(lang).to_string()),
        ("answer.missing", Lang::Ja) => Some(
            "各項目に - item: \"番号\" と answer: はい／いいえ／該当無 を追加してください"
                .to_string(),
        ),
        ("answer.missing", Lang::En) => Some(
            "add - item: \"<number>\" with answer: はい, いいえ or 該当無 for each".to_string(),
        ),
        (_, Lang::Ja) => first
            .hint
            .as_ref()
            .map(|h| format!("（項目 {}）{}", items[0], h.ja)),
        (_, Lang::En) => first
            .hint
            .as_ref()
            .map(|h| format!("(item {}) {}", items[0], h.en)),
    };
    if let Some(h) = hint {
        let _ = writeln!(out, "    {}: {}", hint_label(lang), terminal::text(&h));
    }
}

/// The closing line of `anzen check`, saying where the as-of date came
/// from (`anzen.yaml`, `--as-of`, the commit date of HEAD, today).
pub fn summary_from(s: Summary, as_of: &str, source: &crate::i18n::Text, lang: Lang) -> String {
    let sep = if lang == Lang::Ja { "、" } else { ", " };
    summary(s, &format!("{as_of}{sep}{}", source.get(lang)), lang)
}

/// The closing line of a command: counts and the as-of date.
pub fn summary(s: Summary, as_of: &str, lang: Lang) -> String {
    match (s.errors + s.warnings, lang) {
        (0, Lang::Ja) => format!("問題は見つかりませんでした（基準日 {as_of}）"),
        (0, Lang::En) => format!("no findings (as of {as_of})"),
        (_, Lang::Ja) => format!(
            "エラー {} 件、警告 {} 件（基準日 {as_of}）",
            s.errors, s.warnings
        ),
        (_, Lang::En) => format!(
            "{} error(s), {} warning(s) (as of {as_of})",
            s.errors, s.warnings
        ),
    }
}
