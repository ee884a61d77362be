//! A project can add to or override the bundled standard with a file of the
//! same format named in `standards:`: a municipality's variant is data.

use crate::common::{Fixture, Project};

const VARIANT: &str = r#"
id: city-variant
title: 架空市の追加基準
checklist:
  title: 追加項目
  columns: [チェック内容, はい, いいえ, 該当無]
  sections:
    - { id: "7", title: 追加 }
  items:
    - id: "7-1"
      section: "7"
      text: "テレワークの規程を定めていますか?"
      requirements: ["X1"]
requirements:
  - id: X1
    number: "X1"
    title: テレワーク規程
    text: テレワークにおける個人情報の取扱いを定めていること。
    checks:
      - check: document
        kinds: [rules]
        section: true
"#;

#[test]
fn a_variant_file_adds_items_and_requirements_that_are_checked() {
    let f = Fixture::sample();
    f.write("standards/city-variant.yaml", VARIANT);
    f.edit(
        "anzen.yaml",
        "standards: [municipal-standard]",
        "standards: [municipal-standard, standards/city-variant.yaml]",
    );
    let check = f.check();
    assert_eq!(check.code, 1);
    let missing = check.of("answer.missing");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].item.as_deref(), Some("7-1"));
    let uncovered = check.of("requirement.uncovered");
    assert_eq!(uncovered.len(), 1);
    assert_eq!(uncovered[0].requirement.as_deref(), Some("X1"));
    assert_eq!(check.json["standard"], "municipal-standard+city-variant");
}

#[test]
fn a_variant_can_replace_a_bundled_requirement() {
    let f = Fixture::sample();
    // Tighten monthly reports: due on the 5th instead of the 10th.
    let bundled = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    let s10 = bundled.requirement("S10").unwrap();
    let variant = format!(
        "id: stricter\ntitle: t\nchecklist: {{title: t, columns: [], sections: [], items: []}}\nrequirements:\n  - id: S10\n    number: \"10\"\n    title: {}\n    text: {}\n    checks:\n      - {{check: monthly_reports, ledger: monthly_reports, due_day: 1}}\n",
        serde_json::to_string(s10.title.as_ref().unwrap()).unwrap(),
        serde_json::to_string(&s10.text).unwrap()
    );
    f.write("stricter.yaml", &variant);
    f.edit(
        "anzen.yaml",
        "standards: [municipal-standard]",
        "standards: [municipal-standard, stricter.yaml]",
    );
    // With reports due on the 1st, the November 2026 report (for October)
    // ... is due 2026-11-01 and exists; move as-of to 2026-12-02 to need November's.
    let run = f.run(&["--as-of", "2026-12-02", "check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let months: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["rule"] == "monthly.missing")
        .map(|x| x["message"]["en"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(months.len(), 1, "{months:?}");
    assert!(months[0].contains("2026-11"), "{months:?}");
}

#[test]
fn a_broken_variant_file_is_reported_with_its_location() {
    let f = Fixture::sample();
    f.write("bad.yaml", "id: bad\ntitle: t\nchecklist: {title: t, columns: [], sections: [], items: []}\nrequirements:\n  - id: X\n    number: \"1\"\n    text: t\n    checks:\n      - check: documnt\n");
    f.edit(
        "anzen.yaml",
        "standards: [municipal-standard]",
        "standards: [municipal-standard, bad.yaml]",
    );
    let check = f.check();
    assert_eq!(check.code, 1);
    let fs = check.findings();
    assert_eq!(fs.len(), 1, "{fs:?}");
    assert_eq!(fs[0].file, "bad.yaml");
    assert_eq!(fs[0].line, 9);
    assert!(
        fs[0].hint.as_deref().unwrap_or("").contains("document") || fs[0].ja.contains("documnt"),
        "{:?}",
        fs[0]
    );
}

/// `p` under a variant that replaces 入札告示1.1's checks with `checks`
/// (YAML, indented for the list under `checks:`).
fn with_s11_checks(p: Project, checks: &str) -> Project {
    let bundled = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    let s11 = bundled.requirement("S1.1").unwrap();
    let variant = format!(
        "id: variant-s11\ntitle: t\nchecklist: {{title: t, columns: [], sections: [], items: []}}\nrequirements:\n  - id: S1.1\n    number: \"1.1\"\n    title: {}\n    text: {}\n    checks:\n{checks}",
        serde_json::to_string(s11.title.as_ref().unwrap()).unwrap(),
        serde_json::to_string(&s11.text).unwrap()
    );
    p.file("variant-s11.yaml", &variant)
        .config("standards", "[municipal-standard, variant-s11.yaml]")
}

/// 入札告示1.1 asking `holders` for a certificate of `schemes`, on the
/// bundled standard's current editions.
fn certificates_check(holders: &str, schemes: &str) -> String {
    format!(
        "      - check: certificates\n        holders: {holders}\n        schemes: {schemes}\n        editions:\n          - {{ standard: \"ISO/IEC 27001:2022\", scheme: isms }}\n          - {{ standard: \"JIS Q 15001:2023\", scheme: pmark }}\n"
    )
}

#[test]
fn a_variant_that_asks_for_isms_does_not_accept_a_privacy_mark() {
    // The vendor holds both; without its ISMS certificate the Privacy
    // Mark alone does not answer an ISMS-only 入札告示1.1.
    let p = |without_isms: bool| {
        let p = with_s11_checks(Project::sample(), &certificates_check("[vendor]", "[isms]"));
        if without_isms {
            p.without_entry("certifications", "CERT-ISMS-01")
        } else {
            p
        }
    };
    assert!(p(false).check().of("certificate.missing").is_empty());
    let check = p(true).check();
    let missing = check.of("certificate.missing");
    assert_eq!(missing.len(), 1, "{:#?}", check.findings());
    assert_eq!(missing[0].requirement.as_deref(), Some("S1.1"));
}

/// The sample under a variant whose 入札告示1.1 asks only the vendor for a
/// certificate, with subcontractor SUB-01 (its NDA on record) and `cert`
/// (a certifications entry for it, or nothing) and `inspection` added.
fn vendor_only_certificates(cert: Option<&str>, inspection: bool) -> Project {
    let mut sub = "name: 架空データ入力株式会社\nscope: 入力結果の照合\napproved_on: 2026-04-10\nstarts_on: 2026-05-01".to_string();
    let mut p = Project::sample();
    if inspection {
        let record = "evidence/subcontractors/SUB-01_立入点検記録.pdf";
        sub.push_str(&format!("\ninspection: {record}"));
        p = p.file(
            &format!("content/{record}"),
            "%PDF-1.4\n% 立入点検記録（SUB-01）\n%%EOF\n",
        );
    }
    let p = with_s11_checks(p, &certificates_check("[vendor]", "[isms, pmark]"))
        .entry("subcontractors", "SUB-01", &sub)
        .subcontractor_nda("SUB-01")
        .answer("2-6", "answer: はい\nevidence:\n  - subcontractors#SUB-01");
    match cert {
        Some(body) => p.entry("certifications", "CERT-SUB-01", body),
        None => p,
    }
}

/// The lines of `subcontractor.no-assurance` findings.
fn no_assurance(p: &Project) -> Vec<u64> {
    p.check()
        .of("subcontractor.no-assurance")
        .iter()
        .map(|f| f.line)
        .collect()
}

#[test]
fn where_the_standard_asks_no_certificate_of_subcontractors_my_number_needs_one_or_an_inspection() {
    const SUB_CERT: &str = "holder: SUB-01\nscheme: pmark\nstandard: \"JIS Q 15001:2023\"\nnumber: \"第29990999(01)号\"\nissued: 2025-06-01";
    // Neither a certificate of its own (the vendor's do not count) nor
    // an inspection: reported at the subcontractor.
    let p = vendor_only_certificates(None, false);
    assert_eq!(no_assurance(&p), [p.entry_line("subcontractors", "SUB-01")]);
    // Its own certificate, valid through the as-of date (2026-11-20).
    let valid = format!("{SUB_CERT}\nexpires: 2026-11-20");
    assert_eq!(
        no_assurance(&vendor_only_certificates(Some(&valid), false)),
        [] as [u64; 0]
    );
    // Expired the day before: as good as none.
    let expired = format!("{SUB_CERT}\nexpires: 2026-11-19");
    let p = vendor_only_certificates(Some(&expired), false);
    assert_eq!(no_assurance(&p), [p.entry_line("subcontractors", "SUB-01")]);
    // An inspection of its protection instead of a certificate.
    assert_eq!(
        no_assurance(&vendor_only_certificates(None, true)),
        [] as [u64; 0]
    );
}
