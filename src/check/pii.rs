//! Personal data where it should not be: what looks like a My Number
//! (個人番号: 12 digits whose check digit is valid) in documents, ledgers
//! and answers (`pii.my-number`), and phone numbers and e-mail addresses in
//! the free text of ledgers and answers (`pii.contact`). Both are warnings:
//! a pattern cannot tell a person's number from an example or the vendor's
//! switchboard, which `allow_pii:` in anzen.yaml lists. Document bodies are
//! not searched for contact details, since policies and plans name the
//! company's own contact points. Findings never repeat the value found.

use super::Context;
use crate::diag::{Finding, Location};
use crate::i18n::Text;
use crate::model::FieldValue;
use crate::tr;

/// What a match looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 12 digits with a valid check digit.
    MyNumber,
    /// A Japanese phone number.
    Phone,
    /// An e-mail address.
    Email,
}

/// A match in a line: its kind, 1-based column and normalised value (the
/// digits, or the lowercased address), for `allow_pii`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// What was found.
    pub kind: Kind,
    /// 1-based column (characters).
    pub column: usize,
    /// Normalised value.
    pub value: String,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let allowed: Vec<String> = cx
        .project
        .config
        .allow_pii
        .iter()
        .map(|a| normalize(a))
        .collect();
    let report = |hit: &Hit, at: Location, out: &mut Vec<Finding>| {
        if allowed.contains(&hit.value) {
            return;
        }
        out.push(finding(hit.kind, at));
    };
    for doc in &cx.project.documents {
        for (i, line) in doc.body.lines().enumerate() {
            for hit in scan(line).iter().filter(|h| h.kind == Kind::MyNumber) {
                report(
                    hit,
                    Location::new(&doc.file, doc.body_line + i, hit.column),
                    out,
                );
            }
        }
    }
    // Ledgers may hold a million entries: searched in parallel, the
    // findings kept in ledger order.
    use rayon::prelude::*;
    let found: Vec<Vec<Finding>> = cx
        .project
        .ledgers
        .par_iter()
        .map(|ledger| {
            let mut out = Vec::new();
            for entry in &ledger.entries {
                for field in entry.fields.values() {
                    let texts: &[String] = match &field.value {
                        FieldValue::Text(t) => std::slice::from_ref(&**t),
                        FieldValue::List(l) => l,
                        _ => continue,
                    };
                    // Most values hold no line that could match.
                    for text in texts.iter().filter(|t| may_hold_pii(t)) {
                        for hit in text.lines().flat_map(scan) {
                            report(&hit, entry.field_location(field), &mut out);
                        }
                    }
                }
            }
            out
        })
        .collect();
    out.extend(found.into_iter().flatten());
    if let Some(answers) = &cx.project.answers {
        for a in &answers.answers {
            let texts = [
                a.note.as_deref().map(|t| (t, &a.location)),
                a.reason.as_deref().map(|t| (t, &a.location)),
                a.remediation.as_ref().map(|r| {
                    (
                        r.plan.as_str(),
                        a.remediation_location.as_ref().unwrap_or(&a.location),
                    )
                }),
            ];
            for (text, at) in texts.into_iter().flatten() {
                for hit in text.lines().flat_map(scan) {
                    report(&hit, at.clone(), out);
                }
            }
        }
    }
}

fn finding(kind: Kind, at: Location) -> Finding {
    let allow = tr!(
        "個人のものでなければ（架空の例、会社の代表番号など）、anzen.yaml の allow_pii: に加えると警告しません",
        "if it is no one's personal data (a made-up example, the company's switchboard), list it under allow_pii: in anzen.yaml"
    );
    match kind {
        Kind::MyNumber => Finding::warning(
            "pii.my-number",
            tr!(
                "個人番号（マイナンバー）と思われる12桁の番号があります",
                "a 12-digit number that looks like a My Number (個人番号)"
            ),
        )
        .at(at)
        .hint(Text::new(
            format!("個人番号は提出書類に書かないでください。{}", allow.ja),
            format!("do not put My Numbers in the package; {}", allow.en),
        )),
        Kind::Phone | Kind::Email => {
            let what = if kind == Kind::Phone {
                ("電話番号", "phone number")
            } else {
                ("メールアドレス", "e-mail address")
            };
            Finding::warning(
                "pii.contact",
                Text::new(
                    format!(
                        "台帳・回答の記述に{}があります（個人の連絡先ではありませんか）",
                        what.0
                    ),
                    format!(
                        "{} in the text of a ledger or answer (is it someone's personal contact?)",
                        what.1
                    ),
                ),
            )
            .at(at)
            .hint(Text::new(
                format!(
                    "個人の連絡先は台帳に書かず、従事者 ID などで示してください。{}",
                    allow.ja
                ),
                format!(
                    "refer to people by staff id, not their contact details; {}",
                    allow.en
                ),
            ))
        }
    }
}

/// Whether the 12 digits `d` carry a valid My Number check digit: with
/// P(n) the n-th of the first 11 digits counted from the right and
/// Q(n) = n + 1 for n ≤ 6, n − 5 for n ≥ 7, the check digit is 0 when
/// Σ P(n)·Q(n) mod 11 ≤ 1, else 11 minus that remainder (個人番号の
/// 検査用数字を算出する算式, 総務省令第八十五号 第五条).
pub fn my_number_valid(d: &[u8; 12]) -> bool {
    if d.iter().any(|x| *x > 9) {
        return false;
    }
    let sum: u32 = (1..=11)
        .map(|n| {
            let p = u32::from(d[11 - n]);
            let q = if n <= 6 { n as u32 + 1 } else { n as u32 - 5 };
            p * q
        })
        .sum();
    let r = sum % 11;
    let check = if r <= 1 { 0 } else { 11 - r };
    u32::from(d[11]) == check
}

/// An ASCII or full-width digit's value.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '–' | '−' | '－')
}

/// What may not touch a number on either side for it to count as one.
fn glued(c: Option<&char>) -> bool {
    c.is_some_and(|c| digit(*c).is_some() || c.is_ascii_alphabetic() || *c == '_')
}

/// A value as `allow_pii` compares it: the digits of a number (a leading
/// +81 read as 0), an address lowercased.
pub fn normalize(text: &str) -> String {
    let t = text.trim();
    if t.contains('@') || t.contains('＠') {
        return t.replace('＠', "@").to_lowercase();
    }
    let digits: String = t
        .chars()
        .filter_map(digit)
        .map(|d| char::from(b'0' + d))
        .collect();
    match digits.strip_prefix("81") {
        Some(rest) if t.starts_with('+') => format!("0{rest}"),
        _ => digits,
    }
}

/// Every My Number, phone number and e-mail address in `line`.
pub fn scan(line: &str) -> Vec<Hit> {
    if !may_hold_pii(line) {
        return Vec::new();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let before = i.checked_sub(1).and_then(|p| chars.get(p));
        let starts_number = digit(chars[i]).is_some() || matches!(chars[i], '+' | '(' | '（');
        if starts_number && before.is_none_or(|c| digit(*c).is_none()) {
            if let Some(len) = my_number_at(&chars, i).filter(|_| !glued(before)) {
                let value = normalize(&chars[i..i + len].iter().collect::<String>());
                hits.push(Hit {
                    kind: Kind::MyNumber,
                    column: i + 1,
                    value,
                });
                i += len;
                continue;
            }
            if let Some(len) = phone_at(&chars, i) {
                let value = normalize(&chars[i..i + len].iter().collect::<String>());
                hits.push(Hit {
                    kind: Kind::Phone,
                    column: i + 1,
                    value,
                });
                i += len;
                continue;
            }
        }
        if matches!(chars[i], '@' | '＠')
            && let Some((start, end)) = email_around(&chars, i)
        {
            let value = normalize(&chars[start..end].iter().collect::<String>());
            hits.push(Hit {
                kind: Kind::Email,
                column: start + 1,
                value,
            });
            i = end;
            continue;
        }
        i += 1;
    }
    hits
}

/// Whether `line` has ten digits or an at sign (ASCII or full-width), without
/// which nothing can be found (a phone number has at least ten digits, a
/// My Number twelve): most lines, and most ledger values (ids, times), have
/// fewer, and are then passed over without being split into characters.
fn may_hold_pii(line: &str) -> bool {
    let b = line.as_bytes();
    // One pass without stopping, counted in bytes over runs of 255 so that
    // the compiler vectorises it (twice as fast as three searches on
    // document lines and on short ledger values alike).
    let (mut digits, mut at, mut wide) = (0usize, 0u8, 0u8);
    for run in b.chunks(255) {
        let mut n = 0u8;
        for &x in run {
            n += u8::from(x.wrapping_sub(b'0') < 10);
            at |= u8::from(x == b'@');
            wide |= u8::from(x == 0xEF);
        }
        digits += usize::from(n);
    }
    if at != 0 || digits >= 10 {
        return true;
    }
    if wide == 0 {
        return false;
    }
    // U+FF10..=U+FF19 (０-９) and U+FF20 (＠) are EF BC 90..99 / A0.
    for i in memchr::memchr_iter(0xEF, b) {
        match (b.get(i + 1), b.get(i + 2)) {
            (Some(0xBC), Some(0xA0)) => return true,
            (Some(0xBC), Some(0x90..=0x99)) => digits += 1,
            _ => {}
        }
    }
    digits >= 10
}

/// The length of a My Number at `i`: 12 digits together, or in groups of
/// four split by one space or hyphen (the same twice), not part of a
/// longer number.
fn my_number_at(chars: &[char], i: usize) -> Option<usize> {
    let mut digits = [0u8; 12];
    let mut n = 0;
    let mut j = i;
    let mut sep: Option<char> = None;
    while n < 12 {
        let c = *chars.get(j)?;
        if let Some(d) = digit(c) {
            digits[n] = d;
            n += 1;
            j += 1;
        } else if (n == 4 || n == 8)
            && (is_hyphen(c) || c == ' ' || c == '\u{3000}')
            && sep.is_none_or(|s| s == c)
            && (n == 8 || sep.is_none())
        {
            sep = Some(c);
            j += 1;
        } else {
            return None;
        }
    }
    // Groups are 4-4-4 or none.
    let grouped = j - i == 14;
    if !(grouped || j - i == 12) {
        return None;
    }
    // Not followed by more digits (directly, or as a further group).
    if glued(chars.get(j))
        || (sep.is_some()
            && chars.get(j) == sep.as_ref()
            && chars.get(j + 1).and_then(|c| digit(*c)).is_some())
    {
        return None;
    }
    // Nor preceded by a group of a longer grouped number.
    if let (Some(s), Some(p)) = (sep, i.checked_sub(1))
        && chars[p] == s
        && i >= 2
        && digit(chars[i - 2]).is_some()
    {
        return None;
    }
    my_number_valid(&digits).then_some(j - i)
}

/// The length of a Japanese phone number at `i`: 0 and 9 or 10 more
/// digits (or +81 and 9 or 10), in up to four groups split by hyphens or
/// parentheses, not part of a longer number.
fn phone_at(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    let mut digits = String::new();
    let international = chars[i] == '+';
    if international {
        j += 1;
    }
    let mut groups = 0;
    let mut last_digit_end = j;
    while let Some(&c) = chars.get(j) {
        if j - i > 24 {
            return None; // longer than any way of writing a phone number
        }
        if let Some(d) = digit(c) {
            if digits.is_empty() || digit(chars[j - 1]).is_none() {
                groups += 1;
            }
            digits.push(char::from(b'0' + d));
            j += 1;
            last_digit_end = j;
            if digits.len() > 12 {
                return None;
            }
        } else if ((is_hyphen(c) || matches!(c, '(' | ')' | '（' | '）' | ' '))
            && chars
                .get(j + 1)
                .is_some_and(|n| digit(*n).is_some() || matches!(n, '(' | '（'))
            && (c != ' ' || international))
            || (matches!(c, ')' | '）') && !digits.is_empty())
        {
            // A separator before more digits, or a closing parenthesis.
            j += 1;
        } else {
            break;
        }
    }
    if groups > 4 || glued(chars.get(last_digit_end)) {
        return None;
    }
    let national = if international {
        format!("0{}", digits.strip_prefix("81")?)
    } else {
        digits
    };
    let ok = (national.len() == 10 || national.len() == 11)
        && national.starts_with('0')
        && !national.starts_with("00");
    ok.then_some(last_digit_end - i)
}

/// The e-mail address around the `@` at `at`: (start, end) in chars.
fn email_around(chars: &[char], at: usize) -> Option<(usize, usize)> {
    let local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let host = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
    let mut start = at;
    while start > 0 && local(chars[start - 1]) {
        start -= 1;
    }
    let mut end = at + 1;
    while end < chars.len() && host(chars[end]) {
        end += 1;
    }
    // A trailing full stop ends the sentence, not the address.
    while end > at + 1 && chars[end - 1] == '.' {
        end -= 1;
    }
    let domain: String = chars[at + 1..end].iter().collect();
    let tld = domain.rsplit('.').next().unwrap_or_default();
    let ok = start < at
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.contains("..")
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic());
    ok.then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(s: &str) -> [u8; 12] {
        let v: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
        v.try_into().unwrap()
    }

    #[test]
    fn lines_with_under_ten_digits_and_no_at_sign_are_skipped_but_full_width_forms_count() {
        assert!(!may_hold_pii("個人情報の取扱い（電話番号なし）"));
        assert!(may_hold_pii("電話０３−１２３４−５６７８"));
        assert!(!may_hold_pii("EE-0123 08:00"));
        assert!(may_hold_pii("a＠example.jp"));
        assert!(may_hold_pii("x@y"));
        assert_eq!(kinds("電話０３－１２３４－５６７８").len(), 1);
        assert_eq!(kinds("連絡先 taro＠example.co.jp").len(), 1);
    }

    fn kinds(line: &str) -> Vec<(Kind, usize)> {
        scan(line).into_iter().map(|h| (h.kind, h.column)).collect()
    }

    #[test]
    fn check_digit_follows_the_official_formula() {
        // Σ = 1·2+0·3+9·4+8·5+7·6+6·7+5·2+4·3+3·4+2·5+1·6 = 212; 212 mod 11
        // = 3; check digit 11 − 3 = 8.
        assert!(my_number_valid(&digits("123456789018")));
        for wrong in 0..10 {
            if wrong != 8 {
                let s = format!("12345678901{wrong}");
                assert!(!my_number_valid(&digits(&s)), "{s}");
            }
        }
        // Remainder 0 or 1 gives check digit 0: 00000000000 sums to 0.
        assert!(my_number_valid(&digits("000000000000")));
        // 10000000000x: P11 = 1, Q11 = 6 → 6 → 11 − 6 = 5.
        assert!(my_number_valid(&digits("100000000005")));
        // 00000000010x: P2 = 1, Q2 = 3 → 3 → 8.
        assert!(my_number_valid(&digits("000000000108")));
        // 00000100000x: P6 = 1, Q6 = 7 → 7 → 4; P7 = 1, Q7 = 2 → 9.
        assert!(my_number_valid(&digits("000001000004")));
        assert!(my_number_valid(&digits("000010000009")));
        // P1 = 5 (×2) and P2 = 1 (×3): 13, remainder 2 → 9.
        assert!(my_number_valid(&digits("000000000159")));
        // Σ = 12 (P1 = 6) → remainder 1 → check digit 0.
        assert!(my_number_valid(&digits("000000000060")));
    }

    #[test]
    fn my_numbers_are_found_however_written() {
        assert_eq!(kinds("番号 123456789018 です"), vec![(Kind::MyNumber, 4)]);
        assert_eq!(kinds("1234 5678 9018"), vec![(Kind::MyNumber, 1)]);
        assert_eq!(kinds("1234-5678-9018"), vec![(Kind::MyNumber, 1)]);
        assert_eq!(
            kinds("個人番号：１２３４　５６７８　９０１８"),
            vec![(Kind::MyNumber, 6)]
        );
        assert_eq!(kinds("１２３４５６７８９０１８"), vec![(Kind::MyNumber, 1)]);
    }

    #[test]
    fn numbers_in_long_lines_are_found_across_the_prefilter_runs() {
        // The prefilter counts digits in runs of 255 bytes: a number split
        // by a run's end, and an at sign or wide digits past the first run.
        for pad in [240, 250, 251, 255, 300] {
            let line = format!("{}123456789018", "a".repeat(pad));
            assert!(may_hold_pii(&line), "{pad}");
            let split = format!("{}12345 6789018", "a".repeat(pad));
            assert!(may_hold_pii(&split), "{pad}");
            assert!(
                may_hold_pii(&format!("{}a@b.jp", "あ".repeat(pad))),
                "{pad}"
            );
            assert!(may_hold_pii(&format!(
                "{}１２３４５６７８９０",
                "あ".repeat(pad)
            )));
            assert!(!may_hold_pii(&format!("{}123456789", "あ".repeat(pad))));
        }
    }

    #[test]
    fn other_numbers_are_not_my_numbers() {
        // Wrong check digit, too long, mixed or odd grouping, part of a code.
        for s in [
            "123456789012",
            "1234567890180",
            "01234567890187",
            "1234-5678 9018",
            "123-456-789-018",
            "1234-5678-9018-1234",
            "9999-1234-5678-9018",
            "SN123456789018",
            "2026-04-01 2026-11-20",
            "EE-2026-0148",
        ] {
            assert!(
                scan(s).iter().all(|h| h.kind != Kind::MyNumber),
                "{s}: {:?}",
                scan(s)
            );
        }
    }

    #[test]
    fn phone_numbers_are_found() {
        for (s, col) in [
            ("TEL 03-1234-5678", 5),
            ("携帯090-1234-5678まで", 3),
            ("0120-123-456", 1),
            ("(03)1234-5678", 1),
            ("03(1234)5678", 1),
            ("＋81", 0),
            ("+81-90-1234-5678", 1),
            ("+81 90 1234 5678", 1),
            ("０３－１２３４－５６７８", 1),
            ("09012345678", 1),
        ] {
            let found = kinds(s);
            if col == 0 {
                assert!(found.is_empty(), "{s}: {found:?}");
            } else {
                assert_eq!(found, vec![(Kind::Phone, col)], "{s}");
            }
        }
    }

    #[test]
    fn dates_ids_and_times_are_not_phone_numbers() {
        for s in [
            "2026-04-01",
            "EE-2026-0001",
            "R8-市税-014",
            "USB-K01",
            "08:52〜17:34",
            "2026-04-01 2026-11-20",
            "0000012345",
            "03-1234-56789-0",
            "第1条 第2項 第3号",
            "1-2-3",
        ] {
            assert!(scan(s).is_empty(), "{s}: {:?}", scan(s));
        }
    }

    #[test]
    fn email_addresses_are_found() {
        assert_eq!(
            kinds("連絡先 taro.yamada@example.co.jp。"),
            vec![(Kind::Email, 5)]
        );
        assert_eq!(scan("a@b.jp.")[0].value, "a@b.jp");
        assert!(scan("@mention").is_empty());
        assert!(scan("user@localhost").is_empty());
        assert!(scan("a@b.1").is_empty());
    }

    #[test]
    fn allow_list_values_compare_normalised() {
        assert_eq!(normalize("03-1234-5678"), "0312345678");
        assert_eq!(normalize("+81-3-1234-5678"), "0312345678");
        assert_eq!(normalize("１２３４ ５６７８ ９０１８"), "123456789018");
        assert_eq!(normalize("Info＠Example.JP"), "info@example.jp");
        assert_eq!(scan("(03)1234-5678")[0].value, "0312345678");
    }
}
