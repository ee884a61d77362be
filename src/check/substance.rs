//! Substance, not presence: a package whose fields are filled in with
//! placeholders passes no check a reviewer would agree with. Placeholder
//! text anywhere (the scaffold's fill-in lines, 〇〇, XX, TODO, TBD) is an
//! error at its line (`content.placeholder`); so is a section a document
//! claims for a requirement that says nothing of its own — only its
//! heading, the scaffold's fill-in line or the standard's text quoted back
//! (`document.section-empty`); a 該当無 whose reason says nothing, or that
//! still cites evidence (`answer.na-reason-empty`, `answer.na-with-evidence`);
//! and evidence files that are empty, are not what their name says, or are
//! copies of one another claimed by different records (`evidence.*`).

use std::collections::{BTreeMap, BTreeSet};

use super::Context;
use crate::diag::{Finding, Location};
use crate::model::{AnswerValue, FieldValue};
use crate::standard::FieldType;
use crate::tr;

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    config(cx, out);
    documents(cx, out);
    ledgers(cx, out);
    answers(cx, out);
    evidence_files(cx, out);
}

/// The placeholder in `text`, if any: what it is, for the message.
pub fn placeholder(text: &str) -> Option<&'static str> {
    if !may_hold_placeholder(text.as_bytes()) {
        return None;
    }
    if text.contains("〇〇") || text.contains("○○") || text.contains("◯◯") {
        return Some("〇〇");
    }
    if let Some(i) = text.find("（ここに")
        && text[i..].contains("記載してください）")
    {
        return Some("（ここに…を記載してください）");
    }
    ["TODO", "TBD", "FIXME", "XXX", "XX"]
        .into_iter()
        .find(|word| has_word(text, word))
}

/// Whether `b` may hold a placeholder: every one has a doubled circle,
/// `（こ`, `TOD`, `TBD`, `FIX` or `XX`. The ASCII marks are looked for from
/// each `X`, `T` or `F` (rare in Japanese text); the wide ones with one
/// substring search each in a long text, from each lead byte in a short
/// one. This rules out nearly every value of a large ledger and nearly
/// every document (ids such as `TO-2026-001` and `EX-…` included) before
/// any line is split; ten times faster on documents than one automaton
/// for all eight marks, whose first bytes (`E3 80`, `EF BC`) start most
/// Japanese punctuation.
fn may_hold_placeholder(b: &[u8]) -> bool {
    const WIDE: [&str; 4] = ["〇〇", "○○", "◯◯", "（こ"];
    let ascii = memchr::memchr3_iter(b'X', b'T', b'F', b).any(|i| {
        let r = &b[i..];
        r.starts_with(b"XX")
            || r.starts_with(b"TOD")
            || r.starts_with(b"TBD")
            || r.starts_with(b"FIX")
    });
    if ascii {
        return true;
    }
    if b.len() < 64 {
        return memchr::memchr3_iter(0xE2, 0xE3, 0xEF, b)
            .any(|i| WIDE.iter().any(|w| b[i..].starts_with(w.as_bytes())));
    }
    static FINDERS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 4]> =
        std::sync::LazyLock::new(|| WIDE.map(|w| memchr::memmem::Finder::new(w.as_bytes())));
    FINDERS.iter().any(|f| f.find(b).is_some())
}

/// Whether `word` stands in `text` on its own (not inside a longer ASCII
/// word: `XXL`, `TODOS` and `MAXX` are not placeholders).
fn has_word(text: &str, word: &str) -> bool {
    let b = text.as_bytes();
    text.match_indices(word).any(|(i, _)| {
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + word.len()).copied();
        let alnum = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_');
        !alnum(before) && !alnum(after)
    })
}

fn placeholder_finding(found: &str, at: Location) -> Finding {
    Finding::error(
        "content.placeholder",
        tr!(
            "記入例のままの文字（{}）が残っています",
            "placeholder text is left in ({})"; found
        ),
    )
    .at(at)
    .hint(tr!(
        "実際の内容を書いてください（雛形の「（ここに…）」や 〇〇・XX・TODO は提出できません）",
        "write the real content (the scaffold's fill-in lines, 〇〇, XX and TODO cannot be submitted)"
    ))
}

/// The part of a YAML line before its comment.
fn before_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    let (mut single, mut double) = (false, false);
    let bytes = line.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && i > 0 && bytes[i - 1].is_ascii_whitespace() => {
                return &line[..i];
            }
            _ => {}
        }
    }
    line
}

/// The config's values (its comments may say 〇〇: they explain).
fn config(cx: &Context, out: &mut Vec<Finding>) {
    let file = &cx.project.config_file;
    let Ok(text) = std::fs::read_to_string(cx.project.root.join(file)) else {
        return;
    };
    for (i, line) in text.lines().enumerate() {
        let value = before_comment(line);
        if let Some(found) = placeholder(value) {
            let column = value
                .find(found)
                .map_or(1, |b| value[..b].chars().count() + 1);
            out.push(placeholder_finding(
                found,
                Location::new(file, i + 1, column),
            ));
        }
    }
}

/// Lines of a Markdown body outside fenced code and HTML comments, with
/// their 1-based line numbers in the file.
fn prose_lines(body: &str, first_line: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut fence: Option<&str> = None;
    let mut comment = false;
    for (i, line) in body.split('\n').enumerate() {
        let t = line.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        if comment {
            if line.contains("-->") {
                comment = false;
            }
            continue;
        }
        if t.starts_with("<!--") && !line.contains("-->") {
            comment = true;
            continue;
        }
        out.push((first_line + i, line));
    }
    out
}

fn documents(cx: &Context, out: &mut Vec<Finding>) {
    let standard_lines: BTreeSet<&str> = cx
        .standard
        .requirements
        .iter()
        .flat_map(|r| r.text.lines().chain(r.examples.iter().map(String::as_str)))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    for d in &cx.project.documents {
        let m = &d.meta;
        let fields = [
            (Some(m.title.as_str()), d.id_line),
            (
                m.approval.as_ref().map(|a| a.approver.as_str()),
                d.approval_line,
            ),
        ];
        for (value, line) in fields {
            if let Some(found) = value.and_then(placeholder) {
                out.push(placeholder_finding(found, d.at(line)));
            }
        }
        // No line can hold one when the whole body does not.
        let lines = if may_hold_placeholder(d.body.as_bytes()) {
            prose_lines(&d.body, d.body_line)
        } else {
            Vec::new()
        };
        for (n, line) in &lines {
            if let Some(found) = placeholder(line) {
                let column = line
                    .find(found)
                    .map_or(1, |b| line[..b].chars().count() + 1);
                out.push(placeholder_finding(
                    found,
                    Location::new(&d.file, *n, column),
                ));
            }
        }
        // Sections claimed for a requirement must say something of their own.
        let mut seen = BTreeSet::new();
        for s in &m.satisfies {
            let Some(id) = &s.section else { continue };
            let Some(section) = d.section(id) else {
                continue;
            };
            if !seen.insert(id.as_str()) {
                continue;
            }
            let text = super::evidence::section_text(d, section);
            let own = text
                .lines()
                .skip(1) // the heading
                .filter(|l| says_something(l, &standard_lines))
                .count();
            if own == 0 {
                out.push(
                    Finding::error(
                        "document.section-empty",
                        tr!(
                            "節「{}」（{}）には見出しと記入例・基準の引用しかありません",
                            "section '{}' ({}) holds nothing but its heading, fill-in lines or the standard's text";
                            section.title, id
                        ),
                    )
                    .at(d.at(section.line))
                    .requirement(&s.requirement)
                    .hint(tr!(
                        "要件 {} をどう満たしているか、当社の定め・手順を具体的に書いてください",
                        "write how the company meets requirement {}: its own rules and procedures"; s.requirement
                    )),
                );
            }
        }
    }
}

/// Whether a line of a section says something of the author's own: not a
/// heading, a blank, a fill-in line, or the standard's text (or the
/// scaffold's notes about it) quoted back.
fn says_something(line: &str, standard_lines: &BTreeSet<&str>) -> bool {
    let t = line.trim();
    if t.is_empty() || t.starts_with('#') || placeholder(t).is_some() {
        return false;
    }
    if let Some(quoted) = t.strip_prefix('>') {
        let q = quoted.trim().trim_start_matches("- ").trim();
        let scaffold_note = (q.starts_with("**") && q.contains("（要件 "))
            || q.starts_with("関係するチェック項目:");
        if q.is_empty() || scaffold_note || standard_lines.contains(q) {
            return false;
        }
    }
    t.chars().any(char::is_alphanumeric)
}

fn ledgers(cx: &Context, out: &mut Vec<Finding>) {
    for l in &cx.project.ledgers {
        let Some(kind) = cx.kinds.get(&l.kind) else {
            continue;
        };
        // By name, as an entry's fields are ordered: each entry is asked for
        // its few text fields rather than each field looked up in a set.
        let texts: BTreeSet<&str> = kind
            .fields
            .iter()
            .filter(|f| matches!(f.ty, FieldType::String | FieldType::Text | FieldType::List))
            .map(|f| f.name.as_str())
            .collect();
        // Equal texts of a ledger share one allocation: each is looked at
        // once (a purpose or an area repeats on every row).
        let mut clean: foldhash::HashSet<*const String> = foldhash::HashSet::default();
        for e in &l.entries {
            for field in texts.iter().filter_map(|name| e.fields.get(name)) {
                let found = match &field.value {
                    FieldValue::Text(t) if clean.contains(&std::sync::Arc::as_ptr(t)) => None,
                    FieldValue::Text(t) => {
                        let found = placeholder(t);
                        if found.is_none() && std::sync::Arc::strong_count(t) > 1 {
                            clean.insert(std::sync::Arc::as_ptr(t));
                        }
                        found
                    }
                    FieldValue::List(items) => items.iter().find_map(|t| placeholder(t)),
                    _ => None,
                };
                if let Some(found) = found {
                    out.push(placeholder_finding(found, e.field_location(field)));
                }
            }
        }
        if let Some(title) = l.title.as_deref()
            && let Some(found) = placeholder(title)
        {
            out.push(placeholder_finding(found, Location::new(&l.file, 1, 1)));
        }
    }
}

/// Reasons that give no reason.
const EMPTY_REASONS: &[&str] = &[
    "なし",
    "無し",
    "特になし",
    "特に無し",
    "該当なし",
    "該当無し",
    "該当無",
    "無",
    "ない",
    "-",
    "ー",
    "―",
    "－",
    "n/a",
    "na",
    "none",
    "nothing",
    "なし。",
    "特になし。",
];

fn answers(cx: &Context, out: &mut Vec<Finding>) {
    let Some(answers) = &cx.project.answers else {
        return;
    };
    let min = cx.project.config.check.na_reason_min_chars;
    for a in &answers.answers {
        let texts = [
            (a.reason.as_deref(), a.reason_location.as_ref()),
            (a.note.as_deref(), a.note_location.as_ref()),
            (
                a.remediation.as_ref().map(|r| r.plan.as_str()),
                a.plan_location.as_ref(),
            ),
        ];
        for (text, at) in texts {
            if let Some(found) = text.and_then(placeholder) {
                let at = at.cloned().unwrap_or_else(|| a.location.clone());
                out.push(placeholder_finding(found, at).item(&a.item));
            }
        }
        if a.value != AnswerValue::NotApplicable {
            continue;
        }
        let at = a
            .reason_location
            .clone()
            .unwrap_or_else(|| a.answer_location.clone());
        if let Some(reason) = &a.reason {
            let bare: String = reason.trim().trim_end_matches(['。', '.']).to_lowercase();
            let says_nothing = EMPTY_REASONS.contains(&bare.as_str());
            let chars = reason.trim().chars().count();
            if says_nothing || chars < min {
                out.push(
                    Finding::error(
                        "answer.na-reason-empty",
                        if says_nothing {
                            tr!(
                                "項目 {} の「該当無」の理由「{}」は理由になっていません",
                                "item {}: the reason for 該当無, '{}', gives no reason"; a.item, reason.trim()
                            )
                        } else {
                            tr!(
                                "項目 {} の「該当無」の理由が短すぎます（{} 文字、{} 文字以上）",
                                "item {}: the reason for 該当無 is too short ({} characters, at least {})"; a.item, chars, min
                            )
                        },
                    )
                    .at(at.clone())
                    .item(&a.item)
                    .hint(tr!(
                        "なぜこの業務では該当しないのかを具体的に書いてください（例: 無線LANを設置・使用していない）",
                        "say why it does not apply to this work (e.g. no wireless LAN is installed or used)"
                    )),
                );
            }
        }
        if let Some(first) = a.evidence.first() {
            out.push(
                Finding::error(
                    "answer.na-with-evidence",
                    tr!(
                        "項目 {} は「該当無」ですが、根拠（evidence）が残っています",
                        "item {} is answered 該当無 but still cites evidence"; a.item
                    ),
                )
                .at(first.location.clone())
                .item(&a.item)
                .hint(tr!(
                    "該当無なら evidence: を消し、該当するなら回答を見直してください",
                    "remove evidence: if it does not apply, or revise the answer"
                )),
            );
        }
    }
}

/// The magic numbers of the file types evidence usually is, by extension.
fn expected_magic(ext: &str) -> Option<(&'static str, &'static [&'static [u8]])> {
    Some(match ext {
        "pdf" => ("PDF", &[b"%PDF-"]),
        "png" => ("PNG", &[b"\x89PNG\r\n\x1a\n"]),
        "jpg" | "jpeg" => ("JPEG", &[b"\xFF\xD8\xFF"]),
        "gif" => ("GIF", &[b"GIF87a", b"GIF89a"]),
        "tif" | "tiff" => ("TIFF", &[b"II*\0", b"MM\0*"]),
        "xlsx" | "docx" | "pptx" | "zip" => ("Office/zip", &[b"PK\x03\x04", b"PK\x05\x06"]),
        _ => return None,
    })
}

/// A dotfile (`.gitkeep` keeping an empty folder in git) is no evidence.
fn hidden(rel: &str) -> bool {
    rel.rsplit('/').next().is_some_and(|n| n.starts_with('.'))
}

fn evidence_files(cx: &Context, out: &mut Vec<Finding>) {
    let content = &cx.project.config.content_dir;
    let at = |rel: &str| Location::file(&format!("{content}/{rel}"));
    for (rel, e) in cx.project.evidence.iter().filter(|(rel, _)| !hidden(rel)) {
        if e.size == 0 {
            out.push(
                Finding::error(
                    "evidence.empty",
                    tr!(
                        "根拠ファイルが空です（0 バイト）",
                        "the evidence file is empty (0 bytes)"
                    ),
                )
                .at(at(rel))
                .hint(tr!(
                    "スキャンや写しそのものを置いてください",
                    "put the scan or copy itself there"
                )),
            );
            continue;
        }
        let ext = rel
            .rsplit_once('.')
            .map(|(_, x)| x.to_ascii_lowercase())
            .unwrap_or_default();
        if let Some((name, magics)) = expected_magic(&ext)
            && !magics.iter().any(|m| e.head.starts_with(m))
        {
            out.push(
                Finding::error(
                    "evidence.type-mismatch",
                    tr!(
                        "拡張子は .{} ですが、中身が {} ではありません",
                        "the name ends in .{} but the content is not {}"; ext, name
                    ),
                )
                .at(at(rel))
                .hint(tr!(
                    "本物のファイル（スキャンの PDF など）を置いてください。拡張子だけ変えたファイルは開けません",
                    "put the real file there (a scanned PDF...): a file renamed to another extension does not open"
                )),
            );
        }
    }
    // A PDF cut short (no %%EOF at its end) or encrypted opens for nobody
    // and cannot be attached to the bundle.
    for (rel, e) in cx.project.evidence.iter().filter(|(rel, _)| !hidden(rel)) {
        if !e.head.starts_with(b"%PDF-") {
            continue;
        }
        let ends = e.tail.windows(5).any(|w| w == b"%%EOF");
        let encrypted = e.tail.windows(8).any(|w| w == b"/Encrypt");
        let why = if !ends {
            tr!(
                "PDF が途中で切れています（末尾に %%EOF がありません）",
                "the PDF is cut short (no %%EOF at its end)"
            )
        } else if encrypted {
            tr!(
                "PDF が暗号化（パスワード保護）されていて、審査担当者が開けず提出書類一式にも添付できません",
                "the PDF is encrypted (password-protected): reviewers cannot open it and the bundle cannot attach it"
            )
        } else {
            continue;
        };
        out.push(
            Finding::warning("evidence.damaged", why)
                .at(at(rel))
                .hint(tr!(
                    "元のファイルからもう一度保存し（パスワードなしで）、置き直してください",
                    "save it again from the original (without a password) and replace it"
                )),
        );
    }
    // Copies: two files with the same bytes, each claimed by its own record.
    let claims = claims(cx);
    let mut by_digest: BTreeMap<[u8; 32], Vec<&str>> = BTreeMap::new();
    for (rel, e) in cx.project.evidence.iter().filter(|(rel, _)| !hidden(rel)) {
        if let Some(d) = e.digest {
            by_digest.entry(d).or_default().push(rel);
        }
    }
    for files in by_digest.values().filter(|f| f.len() > 1) {
        let first = files[0];
        for other in &files[1..] {
            let (a, b) = (claims.get(first), claims.get(*other));
            let (Some(a), Some(b)) = (a, b) else { continue };
            if a == b {
                continue;
            }
            out.push(
                Finding::error(
                    "evidence.copy",
                    tr!(
                        "{}（{}）と中身がまったく同じファイルです（この記録: {}）",
                        "has exactly the bytes of {} ({}) (this record: {})";
                        first, a.join("、"), b.join("、")
                    ),
                )
                .at(at(other))
                .hint(tr!(
                    "記録ごとに、その記録の写し・スキャンを置いてください（同じ雛形ファイルの複製は根拠になりません）",
                    "give each record its own scan or copy (copies of one file prove nothing)"
                )),
            );
        }
    }
}

/// The records (ledger entries, answers) that cite each evidence file.
fn claims(cx: &Context) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut claim = |target: &str, by: String| {
        let path = target.split('#').next().unwrap_or(target);
        if cx.project.evidence.contains_key(path) {
            let v = out.entry(path.to_string()).or_default();
            if !v.contains(&by) {
                v.push(by);
            }
        }
    };
    for l in &cx.project.ledgers {
        let Some(kind) = cx.kinds.get(&l.kind) else {
            continue;
        };
        let evidence: Vec<&str> = kind
            .fields
            .iter()
            .filter(|f| f.ty == FieldType::Evidence)
            .map(|f| f.name.as_str())
            .collect();
        for e in &l.entries {
            for name in &evidence {
                if let Some(t) = e.text(name) {
                    claim(t, format!("{}#{}", l.id, e.id));
                }
            }
        }
    }
    if let Some(answers) = &cx.project.answers {
        for a in &answers.answers {
            for r in &a.evidence {
                claim(&r.target, format!("項目 {}", a.item));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_and_words_that_merely_contain_them_are_not() {
        assert_eq!(placeholder("株式会社〇〇"), Some("〇〇"));
        assert_eq!(
            placeholder("（ここに、管理体制についての当社の定めを記載してください）"),
            Some("（ここに…を記載してください）")
        );
        assert_eq!(placeholder("TODO: 書く"), Some("TODO"));
        assert_eq!(placeholder("承認者 XX"), Some("XX"));
        assert_eq!(placeholder("サイズ XXL の制服"), None);
        assert_eq!(placeholder("TODOS"), None);
        assert_eq!(placeholder("施錠搬送容器により搬送"), None);
        // Each word the byte pass lets through, at the start, the end and
        // alone; ids that share letters with them do not pass.
        for word in ["TBD", "FIXME", "XXX", "TODO"] {
            assert_eq!(placeholder(word), Some(word), "{word}");
            assert_eq!(placeholder(&format!("日付は{word}")), Some(word), "{word}");
            assert_eq!(placeholder(&format!("{word} 未定")), Some(word), "{word}");
        }
        for id in [
            "TO-2026-001",
            "EX-2026-000123",
            "TB-1",
            "FI-2",
            "X-1",
            "FIX-3",
        ] {
            assert_eq!(placeholder(id), None, "{id}");
        }
    }

    #[test]
    fn each_circle_and_bracket_passes_the_byte_pass_and_its_neighbours_do_not() {
        // 〇 ○ ◯ （, and characters whose UTF-8 shares two of their three
        // bytes (〆 E3 80 86, ○'s neighbour ◌ E2 97 8C, ◮ E2 97 AE, ） EF BC 89).
        for (text, expected) in [
            ("株式会社〇〇", Some("〇〇")),
            ("株式会社○○", Some("〇〇")),
            ("株式会社◯◯", Some("〇〇")),
            (
                "（ここに体制を記載してください）",
                Some("（ここに…を記載してください）"),
            ),
            ("〆〆 ◌◌ ◮◮ ）", None),
            // One circle, or a bracket not opening a fill-in line.
            ("〇 ○ ◯ （注）", None),
            ("ここに記載してください）", None),
        ] {
            assert_eq!(placeholder(text), expected, "{text}");
        }
    }

    #[test]
    fn marks_are_found_in_long_texts_wherever_they_stand() {
        // Long texts take the substring searches, short ones the lead-byte
        // walk: each mark at the start, in the middle and at the end of
        // both, among punctuation that shares its first bytes.
        let filler = |n: usize| "、。「」（注）ー".repeat(n);
        for mark in ["XX", "TOD", "TBD", "FIX", "〇〇", "○○", "◯◯", "（こ"] {
            for n in [0, 1, 20] {
                for text in [
                    format!("{mark}{}", filler(n)),
                    format!("{}{mark}{}", filler(n), filler(n)),
                    format!("{}{mark}", filler(n)),
                ] {
                    assert!(may_hold_placeholder(text.as_bytes()), "{mark} in {text}");
                }
            }
        }
        for n in [0, 1, 20] {
            let text = format!("{}〇 ○ ◯ TO-1 FI-2 X-3{}", filler(n), filler(n));
            assert!(!may_hold_placeholder(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn yaml_comments_are_not_values() {
        assert_eq!(
            before_comment("  name: 株式会社〇〇  # 受注者"),
            "  name: 株式会社〇〇  "
        );
        assert_eq!(before_comment("# 〇〇 を書き換えてください"), "");
        assert_eq!(
            before_comment("  name: \"A # B\" # c"),
            "  name: \"A # B\" "
        );
    }
}
