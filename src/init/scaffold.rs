//! The text of the scaffold's files: config, document stubs, empty ledgers
//! and the checklist answers, all derived from the standard and the ledger
//! kinds.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::schema;
use crate::date::Date;
use crate::model::DocKind;
use crate::standard::{Check, FieldType, LedgerKind, LedgerKinds, Requirement, Standard};

/// A document the scaffold writes, with the requirements it claims.
#[derive(Debug, Clone)]
pub struct DocumentStub {
    /// Document id (and file name without `.md`).
    pub id: String,
    /// Kind.
    pub kind: DocKind,
    /// Title.
    pub title: String,
    /// What the document is, for its opening TODO line.
    pub purpose: String,
    /// (requirement id, heading id) in the standard's order.
    pub satisfies: Vec<(String, String)>,
}

/// The documents of a scaffold, by kind, in the order they are preferred:
/// a `document` check is placed in the first of these whose kind it
/// accepts, unless [`PLACEMENT`] says otherwise.
const STUBS: &[(&str, DocKind, &str, &str)] = &[
    (
        "basic-policy",
        DocKind::Policy,
        "個人情報保護基本方針",
        "個人情報の適正な取扱いの確保についての基本方針（基本理念、適用範囲、取組み）",
    ),
    (
        "security-rules",
        DocKind::Rules,
        "個人情報保護規程",
        "個人情報の保護に関する規程の目的、用語の定義、適用範囲",
    ),
    (
        "handling-procedure",
        DocKind::Procedure,
        "個人情報取扱手順書",
        "個人情報の入手・利用・保管・交換・提供・作成・消去・破棄の各段階における取扱手順の概要",
    ),
    (
        "training-plan",
        DocKind::Plan,
        "研修計画",
        "研修計画の目的、対象者、実施時期、受講記録の方法",
    ),
    (
        "emergency-plan",
        DocKind::Plan,
        "緊急時対応計画",
        "緊急時対応計画の目的、対象とする事象、緊急時の体制と連絡網、業務再開の手順",
    ),
];

/// Requirements (or whole sections, by parent id) placed in a particular
/// stub rather than the first of the kinds their check accepts. Used only
/// when that stub's kind is accepted.
const PLACEMENT: &[(&str, &str)] = &[
    ("S3(3)", "training-plan"),
    ("S6", "emergency-plan"),
    ("S5(5)", "handling-procedure"),
    ("S5(7)", "handling-procedure"),
    ("S5(10)", "handling-procedure"),
    ("S5(11)", "handling-procedure"),
    ("S7", "handling-procedure"),
];

/// Short headings for numbered sub-items whose text is a whole sentence;
/// other requirements use their title (sections) or text.
const HEADINGS: &[(&str, &str)] = &[
    ("S3(1)", "秘密保持に関する事項"),
    ("S3(2)", "個人情報を取り扱う従業者の指定"),
    ("S3(3)", "研修の計画と実施"),
    ("S3(4)", "従業者の監督"),
    ("S4(1)", "管理区域の設定"),
    ("S4(2)", "入退室の管理と記録"),
    ("S4(3)", "管理区域の入室認証とパスワード等の管理"),
    ("S4(4)", "外部からの不正な侵入の防止"),
    ("S4(5)", "管理区域での電子媒体・機器の使用制限"),
    ("S5(1)", "ネットワークからの分離"),
    ("S5(2)", "サーバの設置とアクセス"),
    ("S5(3)", "アクセス権限と利用状況の記録"),
    ("S5(4)", "記録機能を有する機器の接続制限"),
    ("S5(5)", "貸与文書・電子媒体・電子データを取り扱う従業者"),
    ("S5(6)", "電子データの暗号化とアクセス記録の保管"),
    ("S5(7)", "貸与文書・電子媒体の保管と持出し記録"),
    ("S5(8)", "利用者の識別と認証"),
    ("S5(9)", "セキュリティ対策ソフトウェアの導入"),
    ("S5(10)", "電子データの削除と証明"),
    ("S5(11)", "電子計算機等の廃棄"),
    ("S5(12)", "再委託の禁止"),
    ("S6(1)", "規程違反の報告連絡体制"),
    ("S6(2)", "事案発生時の社内の報告連絡体制"),
    ("S6(3)", "発注者等への報告と再発防止の体制"),
];

/// The heading of requirement `r` in a stub.
fn heading(r: &Requirement) -> String {
    if let Some((_, h)) = HEADINGS.iter().find(|(id, _)| *id == r.id) {
        return h.to_string();
    }
    if let Some(t) = &r.title {
        return t.clone();
    }
    let first = r.text.split('。').next().unwrap_or(&r.text);
    if first.chars().count() > 40 {
        format!("{}…", first.chars().take(40).collect::<String>())
    } else {
        first.to_string()
    }
}

/// The heading id of requirement `r`: `s` and its number, `(n)` as `-n`
/// (`S5(6)` → `s5-6`).
pub fn section_id(r: &Requirement) -> String {
    let n: String = r
        .number
        .chars()
        .filter_map(|c| match c {
            '(' => Some('-'),
            ')' => None,
            c if c.is_ascii_alphanumeric() || c == '.' || c == '-' => Some(c),
            _ => None,
        })
        .collect();
    format!("s{}", n.to_ascii_lowercase())
}

/// The document stubs that satisfy every `document` check of `standard`.
pub fn document_stubs(standard: &Standard) -> Vec<DocumentStub> {
    let mut stubs: Vec<DocumentStub> = STUBS
        .iter()
        .map(|(id, kind, title, purpose)| DocumentStub {
            id: id.to_string(),
            kind: *kind,
            title: title.to_string(),
            purpose: purpose.to_string(),
            satisfies: Vec::new(),
        })
        .collect();
    for r in &standard.requirements {
        for check in &r.checks {
            let Check::Document { kinds, .. } = &check.check else {
                continue;
            };
            let already = stubs.iter().any(|s| {
                kinds.contains(&s.kind) && s.satisfies.iter().any(|(req, _)| *req == r.id)
            });
            if already {
                continue;
            }
            let placed = [Some(r.id.as_str()), r.parent.as_deref()]
                .into_iter()
                .flatten()
                .find_map(|id| PLACEMENT.iter().find(|(req, _)| *req == id))
                .and_then(|(_, stub)| stubs.iter().position(|s| s.id == *stub))
                .filter(|&i| kinds.contains(&stubs[i].kind));
            let index = placed
                .or_else(|| {
                    kinds
                        .iter()
                        .find_map(|k| stubs.iter().position(|s| s.kind == *k))
                })
                .unwrap_or_else(|| {
                    // A kind no stub has (`other`): a stub of its own.
                    let kind = kinds.first().copied().unwrap_or(DocKind::Other);
                    let name = format!("{kind:?}").to_lowercase();
                    stubs.push(DocumentStub {
                        id: format!("{name}-document"),
                        kind,
                        title: kind.label().to_string(),
                        purpose: format!("{}の目的と適用範囲", kind.label()),
                        satisfies: Vec::new(),
                    });
                    stubs.len() - 1
                });
            stubs[index].satisfies.push((r.id.clone(), section_id(r)));
        }
    }
    stubs.retain(|s| !s.satisfies.is_empty());
    stubs
}

/// Quotes `s` for YAML when it is not safe as a plain scalar.
fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`~ ".contains(c) || c.is_ascii_digit())
        && !matches!(
            s,
            "true" | "false" | "null" | "yes" | "no" | "True" | "False"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serialises")
    }
}

/// Display width in a monospaced editor: CJK characters take two cells.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if crate::cjk::is_cjk(c) { 2 } else { 1 })
        .sum()
}

/// Lines of (code, comment) with the comments lined up, each as
/// `prefix + code + padding + "  # " + comment`.
fn aligned(prefix: &str, lines: &[(String, String)]) -> String {
    let col = lines.iter().map(|(c, _)| width(c)).max().unwrap_or(0);
    let mut out = String::new();
    for (code, note) in lines {
        if note.is_empty() {
            let _ = writeln!(out, "{prefix}{code}");
        } else {
            let pad = " ".repeat(col - width(code));
            let _ = writeln!(out, "{prefix}{code}{pad}  # {note}");
        }
    }
    out
}

/// Wraps `text` into comment lines, breaking after punctuation once a line
/// is long enough (and anywhere once it is too long).
fn comment_lines(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for para in text.split('\n').filter(|p| !p.trim().is_empty()) {
        let mut line = String::new();
        for c in para.trim().chars() {
            line.push(c);
            let w = width(&line);
            if (w >= 70 && "、。?？）) ".contains(c)) || w >= 96 {
                let _ = writeln!(out, "{indent}# {}", line.trim());
                line.clear();
            }
        }
        if !line.trim().is_empty() {
            let _ = writeln!(out, "{indent}# {}", line.trim());
        }
    }
    out
}

/// `anzen.yaml` with placeholders; the contract runs a year from `today`.
pub fn config(today: Date) -> String {
    let next_year = today.plus_months(12).0;
    let end = Date(next_year.pred_opt().unwrap_or(next_year));
    let l = |code: &str, note: &str| (code.to_string(), note.to_string());
    let lines = [
        l("vendor:", "受注者"),
        l("  name: 株式会社〇〇", "受注者の名称"),
        l("  representative: 代表取締役 〇〇 〇〇", "任意"),
        l("  address: 〇〇県〇〇市〇〇", "任意（提出書に載る）"),
        l("  contact:", "任意: 提出書に載る担当者"),
        l("    name: 〇〇 〇〇", "担当者の氏名"),
        l("    department: 〇〇部", "任意"),
        l("    phone: 000-0000-0000", "任意"),
        l("    email: info@example.jp", "任意"),
        l("client:", "発注者"),
        l("  name: 〇〇市", "発注者の名称"),
        l("  department: 〇〇部〇〇課", "任意"),
        l("contract:", "契約"),
        l("  name: 〇〇業務委託", "契約件名"),
        l("  number: \"〇〇-0000\"", "契約番号（文字列）"),
        l(
            &format!("  start: {today}"),
            "契約期間の開始日（書き換えてください）",
        ),
        l(
            &format!("  end: {end}"),
            "契約期間の終了日（書き換えてください）",
        ),
        l(
            &format!("  work_start: {today}"),
            "業務着手日（「いいえ」の対策期限の上限）",
        ),
        l(
            "  specific_personal_info: false",
            "特定個人情報（個人番号）を取り扱うなら true",
        ),
        l(
            &format!("standards: [{}]", super::STANDARD_ID),
            "同梱の基準",
        ),
        l(
            "# submission_date: YYYY-MM-DD",
            "提出書の日付（省略時は基準日）",
        ),
    ];
    format!(
        "# yaml-language-server: $schema={}/{}
# anzen の設定ファイル（anzen init が作成）。〇〇 の箇所と日付を、実際の契約に合わせて書き換えてください。
# 日付はすべて YYYY-MM-DD。ID・番号は文字列として扱います。
# 基準日（as_of）は書きません: git でコミットした状態なら HEAD のコミット日、未コミットの変更があれば今日で検査します
# （ある日付の状態を再現したいときだけ、as_of: YYYY-MM-DD を書くか --as-of を付けてください）。
{}",
        super::SCHEMAS_DIR,
        schema::CONFIG_SCHEMA,
        aligned("", &lines)
    )
}

fn kind_noun(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Policy => "方針",
        DocKind::Rules => "定め",
        DocKind::Procedure => "手順",
        DocKind::Plan => "計画",
        DocKind::Other => "内容",
    }
}

/// The guidance under a heading: a TODO line and the requirement quoted.
fn guidance(out: &mut String, r: &Requirement, stub: &DocumentStub, standard: &Standard) {
    let _ = writeln!(
        out,
        "（ここに、{}についての当社の{}を記載してください）\n",
        heading(r),
        kind_noun(stub.kind)
    );
    let source = r.source.as_deref().unwrap_or("安全管理基準");
    let _ = writeln!(out, "> **{source} {}**（要件 {}）", r.number, r.id);
    let _ = writeln!(out, ">");
    for line in r.text.lines() {
        if line.trim().is_empty() {
            let _ = writeln!(out, ">");
        } else {
            let _ = writeln!(out, "> {line}");
        }
    }
    for example in &r.examples {
        let _ = writeln!(out, "> - {example}");
    }
    let items: Vec<&str> = standard.items_for(&r.id).map(|i| i.id.as_str()).collect();
    if !items.is_empty() {
        let _ = writeln!(out, ">\n> 関係するチェック項目: {}", items.join("、"));
    }
    out.push('\n');
}

/// A document stub: front matter claiming its requirements (no approval,
/// so `anzen check` asks for one), and a heading per requirement.
pub fn document(stub: &DocumentStub, standard: &Standard) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "id: {}", stub.id);
    let _ = writeln!(
        out,
        "kind: {}  # {}",
        format!("{:?}", stub.kind).to_lowercase(),
        stub.kind.label()
    );
    let _ = writeln!(out, "title: {}", yaml_str(&stub.title));
    let _ = writeln!(out, "version: \"0.1\"");
    out.push_str(
        "# 承認したら、次の3行の # を外して承認者と承認日を記入してください:
# approval:
#   approver: 代表取締役 〇〇 〇〇
#   date: YYYY-MM-DD
# 次回見直し日を決めたら # を外して記入してください:
# review_by: YYYY-MM-DD
satisfies:  # この文書が満たす要件と、その根拠となる節（見出し ID）
",
    );
    for (req, section) in &stub.satisfies {
        let _ = writeln!(out, "  - requirement: {}", yaml_str(req));
        let _ = writeln!(out, "    section: {section}");
    }
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "# {}\n", stub.title);
    let _ = writeln!(out, "（ここに、{}を記載してください）\n", stub.purpose);

    // Requirements grouped under their top-level section, in the standard's order.
    let mine: BTreeSet<&str> = stub.satisfies.iter().map(|(r, _)| r.as_str()).collect();
    let tops = standard.requirements.iter().filter(|r| {
        r.parent
            .as_deref()
            .is_none_or(|p| standard.requirement(p).is_none())
    });
    for top in tops {
        let top_mine = mine.contains(top.id.as_str());
        let children: Vec<&Requirement> = standard
            .children(&top.id)
            .filter(|c| mine.contains(c.id.as_str()))
            .collect();
        if !top_mine && children.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {} {{#{}}}\n", heading(top), section_id(top));
        if top_mine {
            guidance(&mut out, top, stub, standard);
        }
        for c in children {
            let _ = writeln!(out, "### {} {{#{}}}\n", heading(c), section_id(c));
            guidance(&mut out, c, stub, standard);
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// The ledger kinds a `retention` check of `standard` reads.
fn retention_kinds(standard: &Standard) -> BTreeSet<String> {
    standard
        .requirements
        .iter()
        .flat_map(|r| &r.checks)
        .chain(standard.checklist.items.iter().flat_map(|i| &i.checks))
        .filter_map(|c| match &c.check {
            Check::Retention { ledger, .. } => Some(ledger.clone()),
            _ => None,
        })
        .collect()
}

/// The longest `years` a retention check of `standard` asks of `kind`.
fn retention_years(standard: &Standard, kind: &str) -> u32 {
    standard
        .requirements
        .iter()
        .flat_map(|r| &r.checks)
        .chain(standard.checklist.items.iter().flat_map(|i| &i.checks))
        .filter_map(|c| match &c.check {
            Check::Retention {
                ledger,
                years,
                after_contract_end_years,
                ..
            } if ledger == kind => Some((*years).max(*after_contract_end_years)),
            _ => None,
        })
        .max()
        .unwrap_or(5)
}

fn example_value(kind: &LedgerKind, f: &crate::standard::FieldSpec, today: Date) -> String {
    match f.ty {
        FieldType::String | FieldType::Text if f.name == "id" => {
            if kind.kind == "staff" {
                "S001".to_string()
            } else {
                format!("{}-001", kind.kind.replace('_', "-"))
            }
        }
        FieldType::String | FieldType::Text => "〇〇".to_string(),
        FieldType::Date => today.to_string(),
        FieldType::Month => format!("\"{}\"", today.month()),
        FieldType::Bool => "true".to_string(),
        FieldType::Integer => "1".to_string(),
        FieldType::Staff => "S001".to_string(),
        FieldType::StaffList => "[S001]".to_string(),
        FieldType::Ref => format!("{}-001", f.to.as_deref().unwrap_or("id").replace('_', "-")),
        FieldType::RefList => format!(
            "[{}-001]",
            f.to.as_deref().unwrap_or("id").replace('_', "-")
        ),
        FieldType::List => "[〇〇]".to_string(),
        FieldType::Enum => f.values.first().cloned().unwrap_or_default(),
        FieldType::Evidence => format!("evidence/{}/〇〇.pdf", kind.kind),
    }
}

/// An empty ledger of `kind`, with its schema, the retention the standard
/// asks for, and a commented example entry listing every field.
pub fn ledger(kind: &LedgerKind, standard: &Standard, today: Date) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# yaml-language-server: $schema=../../{}/{}",
        super::SCHEMAS_DIR,
        schema::ledger_schema_file(&kind.kind)
    );
    let _ = writeln!(out, "# {}（{}）", kind.title, kind.title_en);
    let _ = writeln!(
        out,
        "# 記録ができたら `entries: []` を下の例のような記録の並びに置き換えてください。"
    );
    let _ = writeln!(out, "kind: {}", kind.kind);
    let _ = writeln!(out, "title: {}", yaml_str(&kind.title));
    if retention_kinds(standard).contains(&kind.kind) {
        let _ = writeln!(
            out,
            "retention:                # 保管期限（記録から years 年）\n  years: {}",
            retention_years(standard, &kind.kind)
        );
    }
    let _ = writeln!(out, "entries: []");
    let _ = writeln!(out, "# 記録の例（* は必須）:");
    let _ = writeln!(out, "# entries:");
    let lines: Vec<(String, String)> = kind
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let lead = if i == 0 { "  - " } else { "    " };
            let mut note = format!(
                "{}{}（{}",
                if f.required { "* " } else { "" },
                f.title,
                schema::type_label(f.ty)
            );
            if f.ty == FieldType::Enum {
                let values: Vec<String> = f
                    .values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match f.labels.get(i) {
                        Some(l) => format!("{v}={l}"),
                        None => v.clone(),
                    })
                    .collect();
                let _ = write!(note, ": {}", values.join(", "));
            }
            note.push('）');
            if f.personal {
                note.push_str(" 個人データ");
            }
            (
                format!("{lead}{}: {}", f.name, example_value(kind, f, today)),
                note,
            )
        })
        .collect();
    out.push_str(&aligned("# ", &lines));
    out
}

/// Evidence an item's はい could cite in the scaffold: the stub sections
/// for its requirements, then the ledgers its checks read.
fn evidence_candidates(
    standard: &Standard,
    item: &crate::standard::ChecklistItem,
    stubs: &[DocumentStub],
    kinds: &LedgerKinds,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    let reqs: Vec<&Requirement> = item
        .requirements
        .iter()
        .filter_map(|id| standard.requirement(id))
        .collect();
    for r in &reqs {
        for stub in stubs {
            for (req, section) in &stub.satisfies {
                if *req == r.id {
                    push(format!("{}#{}", stub.id, section));
                }
            }
        }
    }
    let checks = reqs.iter().flat_map(|r| &r.checks).chain(&item.checks);
    for c in checks {
        for k in c.ledger_kinds() {
            if kinds.get(k).is_some() {
                push(k.to_string());
            }
        }
    }
    out
}

/// `content/checklist.yaml`: every item with its question as a comment,
/// `answer:` left empty, and the evidence a はい could cite, commented out.
pub fn checklist(standard: &Standard, kinds: &LedgerKinds, stubs: &[DocumentStub]) -> String {
    let mut out = format!(
        "# yaml-language-server: $schema=../{}/{}
# {}の回答（全{}項目）。anzen init が作成。
# 各項目の answer: に はい・いいえ・該当無 のいずれかを記入してください。
#   はい   → evidence: に根拠（文書ID#見出しID、台帳ID、台帳ID#記録ID、content/ からのファイルパス）
#   いいえ → remediation: {{plan: 対策, owner: 担当の従事者ID, due: 業務着手日以前の期限}}
#   該当無 → reason: 該当しない理由
answers:
",
        super::SCHEMAS_DIR,
        schema::CHECKLIST_SCHEMA,
        standard.checklist.title,
        standard.checklist.items.len()
    );
    let mut section = None;
    for item in &standard.checklist.items {
        if section != Some(item.section.as_str()) {
            section = Some(item.section.as_str());
            if let Some(s) = standard
                .checklist
                .sections
                .iter()
                .find(|s| s.id == item.section)
            {
                let _ = writeln!(out, "  # {}. {}", s.id, s.title);
            }
        }
        let _ = writeln!(out, "  - item: \"{}\"", item.id);
        out.push_str(&comment_lines(&item.text, "    "));
        let _ = writeln!(out, "    answer:");
        let candidates = evidence_candidates(standard, item, stubs, kinds);
        if !candidates.is_empty() {
            let _ = writeln!(
                out,
                "    # 「はい」の根拠の候補（# を外し、実際の根拠に合わせて直してください）:"
            );
            let _ = writeln!(out, "    # evidence:");
            for c in candidates {
                let _ = writeln!(out, "    #   - {c}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard() -> Standard {
        Standard::bundled(super::super::STANDARD_ID).unwrap()
    }

    #[test]
    fn every_document_check_is_placed_in_a_stub_of_an_accepted_kind() {
        let s = standard();
        let stubs = document_stubs(&s);
        for r in &s.requirements {
            for c in &r.checks {
                if let Check::Document { kinds, .. } = &c.check {
                    assert!(
                        stubs.iter().any(|st| kinds.contains(&st.kind)
                            && st.satisfies.iter().any(|(req, _)| *req == r.id)),
                        "{} ({kinds:?}) is not placed",
                        r.id
                    );
                }
            }
        }
        let ids: Vec<&str> = stubs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "basic-policy",
                "security-rules",
                "handling-procedure",
                "training-plan",
                "emergency-plan"
            ]
        );
        let plan = stubs.iter().find(|s| s.id == "training-plan").unwrap();
        assert_eq!(plan.satisfies, [("S3(3)".to_string(), "s3-3".to_string())]);
    }

    #[test]
    fn section_ids_follow_the_numbers() {
        let s = standard();
        assert_eq!(section_id(s.requirement("S5(12)").unwrap()), "s5-12");
        assert_eq!(section_id(s.requirement("S1").unwrap()), "s1");
        assert_eq!(section_id(s.requirement("S1.1").unwrap()), "s1.1");
    }

    #[test]
    fn answer_values_all_parse() {
        for v in schema::answer_values() {
            assert!(crate::model::AnswerValue::parse(v).is_some(), "{v}");
        }
    }

    #[test]
    fn yaml_strings_are_quoted_only_when_needed() {
        assert_eq!(yaml_str("研修記録"), "研修記録");
        assert_eq!(yaml_str("S1(1)"), "S1(1)");
        assert_eq!(yaml_str("a: b"), "\"a: b\"");
        assert_eq!(yaml_str("1.10"), "\"1.10\"");
    }
}
