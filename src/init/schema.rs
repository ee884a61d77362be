//! JSON Schemas (draft-07, which yaml-language-server supports well) for
//! `anzen.yaml`, `content/checklist.yaml` and each ledger kind, so that
//! editors complete and validate keys. The ledger schemas are generated from
//! the ledger kinds' data; the config and answers schemas mirror the Rust
//! types in `crate::model` (tests/suite/init.rs checks both ways that they agree).

use serde_json::{Map, Value, json};

use crate::standard::{FieldType, LedgerKind, Standard};

/// File name of the config schema.
pub const CONFIG_SCHEMA: &str = "anzen.schema.json";
/// File name of the checklist answers schema.
pub const CHECKLIST_SCHEMA: &str = "checklist.schema.json";
const DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// File name of the schema of ledger kind `kind`.
pub fn ledger_schema_file(kind: &str) -> String {
    format!("ledger-{kind}.schema.json")
}

fn date(title: &str, description: &str) -> Value {
    json!({
        "title": title,
        "description": format!("{description}（YYYY-MM-DD）"),
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    })
}

fn month(title: &str, description: &str) -> Value {
    json!({
        "title": title,
        "description": format!("{description}（YYYY-MM）"),
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}$",
    })
}

fn text(title: &str, description: &str) -> Value {
    json!({ "title": title, "description": description, "type": "string" })
}

/// Text that anzen keeps as written even when YAML would read a number
/// (ids, numbers, versions): `1.10` stays `1.10`.
fn textual(title: &str, description: &str) -> Value {
    json!({ "title": title, "description": description, "type": ["string", "number"] })
}

fn flag(title: &str, description: &str) -> Value {
    json!({ "title": title, "description": description, "type": "boolean" })
}

fn texts(title: &str, description: &str) -> Value {
    json!({
        "title": title,
        "description": description,
        "type": "array",
        "items": { "type": "string" },
    })
}

fn object(title: &str, description: &str, required: &[&str], properties: Value) -> Value {
    json!({
        "title": title,
        "description": description,
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    })
}

fn party(title: &str) -> Value {
    object(
        title,
        &format!("{title}の名称など"),
        &["name"],
        json!({
            "name": text("名称", "株式会社…、…市"),
            "representative": text("代表者", "任意。例: 代表取締役 〇〇 〇〇"),
            "department": text("担当課", "任意"),
            "address": text("所在地", "任意。受注者の所在地は提出書に載る"),
            "contact": object(
                "担当者",
                "任意。受注者の担当者として提出書に載る",
                &["name"],
                json!({
                    "name": text("氏名", "担当者の氏名"),
                    "department": text("部署", "任意"),
                    "phone": text("電話番号", "任意"),
                    "email": text("電子メール", "任意"),
                }),
            ),
        }),
    )
}

/// The schema of `anzen.yaml` (mirrors `crate::model::config::Config`).
pub fn config() -> Value {
    let mut root = object(
        "anzen.yaml",
        "anzen の設定ファイル: 受注者・発注者・契約・基準日",
        &["vendor", "client", "contract"],
        json!({
            "vendor": party("受注者"),
            "client": party("発注者"),
            "contract": object(
                "契約",
                "個人情報を取り扱う業務の契約",
                &["name", "number", "start", "end", "work_start"],
                json!({
                    "name": text("契約件名", "例: 令和8年度 〇〇業務委託"),
                    "number": textual("契約番号", "文字列として扱います"),
                    "start": date("契約期間の開始日", "契約期間の初日"),
                    "end": date("契約期間の終了日", "契約期間の末日"),
                    "work_start": date("業務着手日", "「いいえ」の対策期限の上限"),
                    "specific_personal_info": flag(
                        "特定個人情報を扱うか",
                        "個人番号（マイナンバー）を扱うなら true（チェック項目 1・2-8 の追加要件）",
                    ),
                    "monthly_report_due_day": {"type": "integer", "minimum": 1, "maximum": 31, "title": "月次報告の提出期限（翌月の日）", "description": "契約が定める、個人情報取扱状況報告書の提出期限の日（翌月）。省略時は基準の 10 日"},
                    "incident_report_days": {"type": "integer", "minimum": 0, "title": "事故の報告期限（日数）", "description": "事故の発生から発注者への報告まで（incidents の date → reported_on）。省略時は 1 日"},
                    "deletion_certificate_days": {"type": "integer", "minimum": 0, "title": "削除証明書の期限（日数）", "description": "削除から証明書の日付まで（deletions の date → certified_on）。省略時は 30 日"},
                }),
            ),
            "standards": {
                "title": "基準",
                "description": "同梱の基準 ID、または基準ファイルのパス（順に重ねる）。既定は [municipal-standard]",
                "type": "array",
                "items": { "type": "string", "examples": [super::STANDARD_ID] },
                "default": [super::STANDARD_ID],
            },
            "as_of": date("基準日", "検査の基準日。省略時は今日"),
            "submission_date": date("提出日", "提出書の日付。省略時は基準日"),
            "content_dir": text("内容のフォルダ", "既定は content"),
            "theme": text("テーマ", "themes/ の下のフォルダ名。既定のテーマを部分的に置き換える"),
            "allow_pii": texts("個人データに見えるが問題ない文字列", "会社の代表番号など。pii.* の検査が無視する"),
            "check": object(
                "検査のしきい値",
                "anzen check の判断に使う値",
                &[],
                json!({
                    "na_reason_min_chars": {"type": "integer", "minimum": 0, "title": "該当無の理由の最小文字数", "description": "これより短い理由は answer.na-reason-empty（既定 10）"},
                    "approver_roles": texts("承認できる役割", "持出し・削除・権限付与を承認できる名簿の roles。既定は 総括保護管理者・保護管理者"),
                }),
            ),
            "controls": {
                "title": "管理策（記録が従うべき値）",
                "description": "規程が定める管理策をデータで書く。反する記録は record.contradicts-rule。文書のフロントマターにも同じ形で書ける",
                "type": "array",
                "items": controls_item(),
            },
            "site": object(
                "サイトの設定",
                "anzen build が作るサイト",
                &[],
                json!({
                    "mask_personal": flag("個人データを伏せ字にする", "台帳の個人データ項目と検査結果中の氏名を ＊＊＊ にする"),
                }),
            ),
            "pdf": object(
                "PDF の設定",
                "typst で作る PDF",
                &[],
                json!({
                    "font_paths": texts("フォントのフォルダ", "プロジェクトのルートからの相対パス"),
                    "serif_fonts": texts("明朝体", "使う順のフォント名"),
                    "sans_fonts": texts("ゴシック体", "使う順のフォント名"),
                    "pdf_a": flag("PDF/A-2b", "PDF/A-2b で出力する"),
                    "signature": {"title": "提出書の署名", "description": "seal: 代表者の横に印の枠（既定）、electronic: 電子署名の注記", "type": "string", "enum": ["seal", "electronic"]},
                    "signature_note": text("電子署名の注記", "signature: electronic のときに印の枠の代わりに載せる文"),
                    "include_standard": flag("基準の本文を付ける", "提出書類一式の末尾に安全管理基準の本文（別添）を付ける"),
                    "document_order": texts("文書の順", "提出書類一式での文書 ID の順（種類ごと: 方針・規程・手順・計画・その他の中で）。挙げない文書は ID 順で後ろ"),
                    "attachments": texts("添付する台帳の根拠", "研修記録と認証証明書のほかに、根拠ファイルを添付資料にする台帳（ID か種類）"),
                }),
            ),
            "package": object(
                "提出用 zip の設定",
                "anzen build・package が作る zip",
                &[],
                json!({
                    "name": text("zip の名前", "拡張子なし。{vendor}・{contract}・{number}・{as_of} を置き換える"),
                    "include_site": flag("サイトを含める", "既定は true"),
                    "folders": object(
                        "zip 内のフォルダ名",
                        "既定は日本語のフォルダ名",
                        &[],
                        json!({
                            "combined": text("提出書類一式", "既定: 01_提出書類一式"),
                            "checklist": text("チェックシート", "既定: 02_チェックシート"),
                            "documents": text("文書", "既定: 03_文書"),
                            "ledgers": text("台帳", "既定: 04_台帳"),
                            "site": text("サイト", "既定: 05_サイト"),
                        }),
                    ),
                }),
            ),
        }),
    );
    root["$schema"] = json!(DRAFT);
    root
}

/// One `controls:` entry (mirrors `crate::model::Control`).
pub fn controls_item() -> Value {
    object(
        "管理策",
        "台帳 ledger の記録の field が allowed の値だけ・forbidden 以外の値をとる",
        &["ledger", "field", "rule"],
        json!({
            "ledger": text("台帳の種類", "例: take_out、exchanges、devices"),
            "field": text("項目", "参照をたどるときは device.owner のように書く"),
            "allowed": texts("許容する値", "値またはその表示名（例: paper、紙）"),
            "forbidden": texts("禁止する値", "値またはその表示名（例: email、private）"),
            "where": {"title": "対象の記録", "description": "項目 → 値の配列。例: {media_type: [usb]}", "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "required": flag("項目を必須にする", "項目のない記録は管理策を示せない（エラー）"),
            "section": text("見出し ID", "文書の、この管理策を定める節（文書のフロントマターで）"),
            "rule": text("管理策の文言", "例: 電子メールによる個人情報の送付は行わない"),
        }),
    )
}

/// The accepted spellings of the three answers.
pub fn answer_values() -> Vec<&'static str> {
    vec!["はい", "いいえ", "該当無", "該当なし", "yes", "no", "na"]
}

/// The schema of `content/checklist.yaml` (mirrors
/// `crate::model::answers::AnswerEntry`).
pub fn checklist(standard: &Standard) -> Value {
    let ids: Vec<&str> = standard
        .checklist
        .items
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    let questions: Vec<&str> = standard
        .checklist
        .items
        .iter()
        .map(|i| i.text.as_str())
        .collect();
    let entry = object(
        "回答",
        "チェック項目1つへの回答",
        &["item", "answer"],
        json!({
            "item": {
                "title": "チェック項目番号",
                "description": "\"1\"、\"2-1\" … \"6-2\"（引用符で囲んだ文字列）",
                "type": "string",
                "enum": ids,
                "enumDescriptions": questions,
            },
            "answer": {
                "title": "回答",
                "description": "はい（evidence 必須）・いいえ（remediation 必須）・該当無（reason 必須）。yes・no・na も可",
                "enum": answer_values(),
            },
            "evidence": {
                "title": "根拠",
                "description": "「はい」には必須: 文書ID、文書ID#見出しID、台帳ID、台帳ID#記録ID、または content/ からのファイルパス",
                "type": "array",
                "items": { "type": "string" },
            },
            "remediation": object(
                "対策計画",
                "「いいえ」には必須。業務着手日までに、発注者と協議の上で対策する",
                &["plan", "owner", "due"],
                json!({
                    "plan": text("対策", "実施する対策の内容"),
                    "owner": textual("担当者", "従事者名簿の id"),
                    "due": date("期限", "業務着手日以前"),
                    "completed": date("完了日", "任意。対策を実施した日"),
                }),
            ),
            "reason": text("該当無の理由", "「該当無」には必須"),
            "note": text("補足", "任意"),
            "confirmed": object(
                "根拠の確認",
                "anzen confirm が記録する、根拠を最後に確認した日と、そのときの根拠の指紋",
                &["date", "fingerprint"],
                json!({
                    "date": date("確認日", "根拠を確認した日"),
                    "fingerprint": text("指紋", "確認したときの根拠の文書の節の指紋"),
                }),
            ),
        }),
    );
    let mut root = object(
        "情報セキュリティチェックシート 回答",
        "全項目にちょうど1回ずつ回答する",
        &["answers"],
        json!({
            "answers": {
                "title": "回答の一覧",
                "type": "array",
                "items": entry,
            },
        }),
    );
    root["$schema"] = json!(DRAFT);
    root
}

/// A short Japanese description of a field type.
pub fn type_label(ty: FieldType) -> &'static str {
    match ty {
        FieldType::String => "文字列",
        FieldType::Text => "文章（複数行可）",
        FieldType::Date => "日付 YYYY-MM-DD",
        FieldType::Month => "年月 YYYY-MM",
        FieldType::Bool => "true または false",
        FieldType::Integer => "整数",
        FieldType::Staff => "従事者名簿の id",
        FieldType::StaffList => "従事者名簿の id の配列",
        FieldType::Ref => "別の台帳の記録の id",
        FieldType::RefList => "別の台帳の記録の id の配列",
        FieldType::List => "配列",
        FieldType::Enum => "列挙値",
        FieldType::Evidence => {
            "根拠: content/ からのファイルパス、文書ID(#見出しID)、台帳ID(#記録ID)"
        }
    }
}

fn field(spec: &crate::standard::FieldSpec) -> Value {
    let mut description = type_label(spec.ty).to_string();
    if spec.ty == FieldType::Enum {
        let values: Vec<String> = spec
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| match spec.labels.get(i) {
                Some(l) => format!("{v}（{l}）"),
                None => v.clone(),
            })
            .collect();
        description = format!("{description}: {}", values.join("、"));
    }
    if spec.required {
        description.push_str("。必須");
    }
    if spec.personal {
        description.push_str("。個人データ（サイトで伏せ字にできる）");
    }
    let title = spec.title.as_str();
    let mut v = match spec.ty {
        FieldType::String
        | FieldType::Text
        | FieldType::Staff
        | FieldType::Ref
        | FieldType::Evidence => textual(title, &description),
        FieldType::Date => date(title, &description),
        FieldType::Month => month(title, &description),
        FieldType::Bool => flag(title, &description),
        FieldType::Integer => {
            json!({ "title": title, "description": description, "type": "integer" })
        }
        FieldType::StaffList | FieldType::RefList => json!({
            "title": title,
            "description": description,
            "type": "array",
            "items": { "type": ["string", "number"] },
        }),
        FieldType::List => json!({
            "title": title,
            "description": description,
            "type": "array",
            "items": { "type": ["string", "number"] },
        }),
        FieldType::Enum => json!({
            "title": title,
            "description": description,
            "type": "string",
            "enum": spec.values,
        }),
    };
    if spec.ty == FieldType::Enum && spec.labels.len() == spec.values.len() {
        v["enumDescriptions"] = json!(spec.labels);
    }
    v
}

/// The schema of a ledger of `kind`, from the kind's fields.
pub fn ledger(kind: &LedgerKind) -> Value {
    let mut properties = Map::new();
    for f in &kind.fields {
        properties.insert(f.name.clone(), field(f));
    }
    let required: Vec<&str> = kind
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name.as_str())
        .collect();
    let entry = object(
        &format!("{}の記録", kind.title),
        &format!("{}（{}）の記録1件", kind.title, kind.title_en),
        &required,
        Value::Object(properties),
    );
    let mut root = object(
        &format!("{}（kind: {}）", kind.title, kind.kind),
        &format!("台帳: {}（{}）", kind.title, kind.title_en),
        &["kind", "entries"],
        json!({
            "kind": {
                "title": "台帳の種類",
                "description": format!("{}（{}）", kind.kind, kind.title),
                "const": kind.kind,
                "enum": [kind.kind],
            },
            "id": textual("台帳ID", "任意。既定はファイル名（拡張子なし）"),
            "title": text("題名", "任意"),
            "retention": {
                "title": "保管期限",
                "description": "記録から years 年、または until 日まで",
                "oneOf": [
                    object("記録から何年", "各記録の日付から years 年", &["years"], json!({
                        "years": { "title": "年数", "type": "integer", "minimum": 0 },
                    })),
                    object("期日まで", "全記録を until 日まで", &["until"], json!({
                        "until": date("期日", "保管の期日"),
                    })),
                ],
            },
            "entries": {
                "title": "記録",
                "description": "記録がまだなければ entries: []",
                "type": ["array", "null"],
                "items": entry,
            },
        }),
    );
    root["$schema"] = json!(DRAFT);
    root
}
