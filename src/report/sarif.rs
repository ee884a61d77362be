//! Findings as SARIF 2.1.0 for code scanning: one run, anzen's rules from
//! the catalogue, one result per finding with its file, line and column.

use serde_json::{Value, json};

use crate::diag::{Finding, Severity};
use crate::i18n::Lang;
use crate::standard::Rules;

/// The SARIF log.
pub fn log(findings: &[Finding], rules: &Rules, lang: Lang) -> Value {
    let used: std::collections::BTreeSet<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    let rule_list: Vec<Value> = rules
        .rules
        .iter()
        .filter(|r| used.contains(r.id.as_str()))
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": if lang == Lang::Ja { &r.ja } else { &r.en }},
                "fullDescription": {"text": format!("{} / {}", r.ja, r.en)},
                "help": {"text": format!("{} ({})", if lang == Lang::Ja { &r.ja } else { &r.en }, r.source)},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut message = f.message.get(lang).to_string();
            if let Some(h) = &f.hint {
                message.push('\n');
                message.push_str(h.get(lang));
            }
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": message},
            });
            if let Some(loc) = &f.location {
                let mut physical =
                    json!({"artifactLocation": {"uri": loc.file, "uriBaseId": "%SRCROOT%"}});
                if loc.line > 0 {
                    let mut region = json!({"startLine": loc.line});
                    if loc.column > 0 {
                        region["startColumn"] = json!(loc.column);
                    }
                    physical["region"] = region;
                }
                result["locations"] = json!([{"physicalLocation": physical}]);
            }
            let mut props = serde_json::Map::new();
            if let Some(i) = &f.item {
                props.insert("checklistItem".into(), json!(i));
            }
            if let Some(r) = &f.requirement {
                props.insert("requirement".into(), json!(r));
            }
            if !props.is_empty() {
                result["properties"] = Value::Object(props);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "anzen", "version": env!("CARGO_PKG_VERSION"), "rules": rule_list}},
            "results": results,
        }],
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
