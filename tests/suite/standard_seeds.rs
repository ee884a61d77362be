//! The bundled standard holds every checklist item and every section and
//! numbered sub-item of the two source documents, with their exact text.
//! The source documents are kept verbatim in `tests/fixtures/seeds/`.

use anzen::standard::Standard;

fn standard() -> Standard {
    Standard::bundled("municipal-standard").unwrap()
}

fn seed(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/seeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn every_checklist_item_is_bundled_with_its_exact_text() {
    let std = standard();
    let text = seed("checklist.txt");
    let mut seen = 0;
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 || cols[1].is_empty() || cols[1] == "はい" {
            continue;
        }
        let id = if cols[0].is_empty() { "1" } else { cols[0] };
        let item = std.item(id).unwrap_or_else(|| panic!("item {id} missing"));
        assert_eq!(item.text, cols[1], "text of item {id}");
        seen += 1;
    }
    assert_eq!(seen, 31);
    assert_eq!(std.checklist.items.len(), 31);
    let ids: Vec<&str> = std.checklist.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids[..3], ["1", "2-1", "2-2"]);
    assert_eq!(ids[ids.len() - 2..], ["6-1", "6-2"]);
}

#[test]
fn checklist_headings_columns_and_notes_match_the_form() {
    let std = standard();
    let text = seed("checklist.txt");
    assert_eq!(
        std.checklist.columns,
        ["チェック内容", "はい", "いいえ", "該当無"]
    );
    for s in &std.checklist.sections {
        assert!(
            text.contains(&format!("{}. {}", s.id, s.title)),
            "section {} {}",
            s.id,
            s.title
        );
        for sub in &s.subsections {
            assert!(text.contains(&sub.title), "subsection {}", sub.title);
        }
    }
    assert_eq!(std.checklist.sections.len(), 6);
    assert_eq!(std.checklist.notes.len(), 2);
    for n in &std.checklist.notes {
        assert!(text.contains(n.as_str()), "note {n}");
    }
    assert!(std.checklist.notes[0].contains("業務着手までに対策を実施"));
}

#[test]
fn every_requirement_text_appears_verbatim_in_the_standard() {
    let std = standard();
    let text = seed("standard.txt");
    for r in &std.requirements {
        for para in r.text.split("\n\n") {
            assert!(text.contains(para), "{}: {para}", r.id);
        }
        if let Some(t) = &r.title {
            assert!(text.contains(t.as_str()), "{} title {t}", r.id);
        }
        for e in &r.examples {
            assert!(text.contains(e.as_str()), "{} example {e}", r.id);
        }
    }
}

#[test]
fn every_numbered_sub_item_of_the_standard_is_bundled() {
    let std = standard();
    let text = seed("standard.txt");
    // Walk the standard: section headings set the current section, and each
    // "(n) ..." line is its n-th sub-item.
    let mut section = String::new();
    let mut count = 0;
    for line in text.lines() {
        let l = line.trim_start_matches("- ");
        let heading = line.trim_start_matches('#').trim();
        if line.starts_with('#') {
            if let Some(num) = heading.split_whitespace().next()
                && num.chars().all(|c| c.is_ascii_digit() || c == '.')
                && !num.is_empty()
            {
                section = num.to_string();
            }
            continue;
        }
        if let Some(rest) = l.strip_prefix('(')
            && let Some((n, body)) = rest.split_once(") ")
            && n.chars().all(|c| c.is_ascii_digit())
            && !section.is_empty()
        {
            let id = format!("S{section}({n})");
            let req = std
                .requirement(&id)
                .unwrap_or_else(|| panic!("{id} missing"));
            assert!(req.text.starts_with(body), "{id}: {body}");
            count += 1;
        }
    }
    // 1(1)-(4), 3(1)-(4), 4(1)-(5), 5(1)-(12), 6(1)-(3)
    assert_eq!(count, 28);
    for id in [
        "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S1.1",
    ] {
        assert!(std.requirement(id).is_some(), "{id}");
    }
}

#[test]
fn crosswalk_names_only_existing_requirements_and_covers_every_item() {
    let std = standard();
    for item in &std.checklist.items {
        assert!(
            !item.requirements.is_empty(),
            "item {} maps to nothing",
            item.id
        );
        for r in &item.requirements {
            assert!(std.requirement(r).is_some(), "item {} -> {r}", item.id);
        }
    }
    for r in &std.requirements {
        if let Some(p) = &r.parent {
            assert!(std.requirement(p).is_some(), "{} parent {p}", r.id);
        }
    }
}

#[test]
fn checks_name_only_known_ledger_kinds_and_fields() {
    let std = standard();
    let kinds = anzen::standard::LedgerKinds::bundled();
    let checks = std
        .requirements
        .iter()
        .flat_map(|r| &r.checks)
        .chain(std.checklist.items.iter().flat_map(|i| &i.checks));
    for c in checks {
        for k in c.ledger_kinds() {
            assert!(
                kinds.get(k).is_some(),
                "{} names unknown ledger kind {k}",
                c.name()
            );
        }
        if let anzen::standard::Check::FieldRequired { ledger, field, .. } = &c.check {
            assert!(
                kinds.get(ledger).unwrap().field(field).is_some(),
                "{ledger}.{field}"
            );
        }
    }
}

#[test]
fn superseded_editions_are_data_not_code() {
    let std = standard();
    let certs = std.requirement("S1.1").unwrap();
    let yaml = serde_json::to_string(&certs.checks).unwrap();
    assert!(yaml.contains("ISO/IEC 27001:2013") && yaml.contains("2025-10-31"));
    assert!(yaml.contains("JIS Q 15001:2023"));
}
