//! Every rule id the engine can emit is in the catalogue (`rules.yaml`),
//! so `anzen explain <rule>` and the README cover every finding.

use anzen::standard::Rules;

fn emitted_rule_ids() -> Vec<String> {
    let mut ids = Vec::new();
    for entry in walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let src = std::fs::read_to_string(entry.path()).unwrap();
        for marker in [
            "Finding::error(",
            "Finding::warning(",
            "Finding::new(",
            "rule: \"",
        ] {
            for (pos, _) in src.match_indices(marker) {
                let rest = src[pos + marker.len()..].trim_start();
                let Some(rest) = rest
                    .strip_prefix('"')
                    .or_else(|| marker.ends_with('"').then_some(rest))
                else {
                    continue;
                };
                let id: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '.' || *c == '-')
                    .collect();
                if id.contains('.') {
                    ids.push(id);
                }
            }
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn every_emitted_rule_is_in_the_catalogue() {
    let rules = Rules::bundled();
    let ids = emitted_rule_ids();
    assert!(ids.len() > 30, "scanner found too few ids: {ids:?}");
    for id in &ids {
        assert!(
            rules.get(id).is_some(),
            "rule {id} is emitted but not in rules.yaml"
        );
    }
}

#[test]
fn catalogue_ids_are_unique_and_documented_in_both_languages() {
    let rules = Rules::bundled();
    let mut ids: Vec<&str> = rules.rules.iter().map(|r| r.id.as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate rule ids");
    for r in &rules.rules {
        assert!(
            !r.ja.is_empty() && !r.en.is_empty() && !r.source.is_empty(),
            "{}",
            r.id
        );
    }
}

#[test]
fn readme_lists_every_rule() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for r in &Rules::bundled().rules {
        assert!(
            readme.contains(&format!("`{}`", r.id)),
            "README does not list rule {}",
            r.id
        );
    }
}

/// The README's content-model tables, as the ledger kinds make them.
fn ledger_tables() -> String {
    let kinds = anzen::standard::LedgerKinds::bundled();
    let mut out = String::new();
    for k in &kinds.kinds {
        out.push_str(&format!(
            "#### `{}` — {} ({})\n\n| キー | 型 | 必須 | 個人データ | 項目 |\n|---|---|---|---|---|\n",
            k.kind, k.title, k.title_en
        ));
        for f in &k.fields {
            let ty = match f.ty {
                anzen::standard::FieldType::Enum => format!("enum: {}", f.values.join(" / ")),
                anzen::standard::FieldType::Ref => {
                    format!("ref → `{}`", f.to.as_deref().unwrap_or(""))
                }
                anzen::standard::FieldType::RefList => {
                    format!("ref_list → `{}`", f.to.as_deref().unwrap_or(""))
                }
                other => serde_json::to_value(other)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string(),
            };
            let title = if f.planned {
                format!("{}（予定の日付。基準日より後でもよい）", f.title)
            } else {
                f.title.clone()
            };
            out.push_str(&format!(
                "| `{}` | {ty} | {} | {} | {title} |\n",
                f.name,
                if f.required { "✓" } else { "" },
                if f.personal { "✓" } else { "" },
            ));
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_readme_documents_every_ledger_kind_and_field_as_the_kinds_define_them() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let tables = ledger_tables();
    assert!(
        readme.contains(&tables),
        "README's ledger tables differ from src/standard/data/ledger-kinds.yaml; they should read:\n\n{tables}"
    );
}
