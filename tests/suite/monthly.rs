//! `anzen report monthly --month YYYY-MM`: the 個人情報取扱状況報告書 built
//! from the ledgers, as an HTML page and a PDF (real typst, pdftotext).

use crate::common::{Project, repo, run_anzen};

#[test]
fn the_october_report_lists_that_months_records_in_html_and_pdf() {
    let out = tempfile::tempdir().unwrap();
    let run = run_anzen(
        &repo(),
        &[
            "report",
            "monthly",
            "--month",
            "2026-10",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let dir = out.path().join("reports");
    let html = std::fs::read_to_string(dir.join("個人情報取扱状況報告書_2026-10.html")).unwrap();
    assert!(
        html.contains("個人情報取扱状況報告書") && html.contains("令和8年10月"),
        "title and month"
    );
    assert!(html.contains("架空市 市民部市民税課 御中"));
    // The October training (TR-2026-03 on 2026-10-16) and no earlier one.
    assert!(html.contains("2026-10-16"), "October training listed");
    assert!(!html.contains("2026-03-27"), "March training not listed");
    assert!(
        html.contains("事故及びその兆候はありませんでした"),
        "incident statement"
    );
    let pdf = dir.join("個人情報取扱状況報告書_2026-10.pdf");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text: String = String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    for needle in [
        "個人情報取扱状況報告書",
        "令和8年10月",
        "株式会社みなと情報サービス",
        "研修",
        "2026-10-16",
    ] {
        assert!(text.contains(needle), "{needle} missing from the PDF");
    }
}

#[test]
fn an_incident_in_the_month_changes_the_statement_and_is_listed() {
    let f = Project::sample().entry(
        "incidents",
        "INC-2026-01",
        "date: 2026-09-12\nsummary: 誤送付（封入ミス）1件\nreported_on: 2026-09-12",
    );
    let out = tempfile::tempdir().unwrap();
    let run = f.run(&[
        "report",
        "monthly",
        "--month",
        "2026-09",
        "--no-pdf",
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = std::fs::read_to_string(
        out.path()
            .join("reports/個人情報取扱状況報告書_2026-09.html"),
    )
    .unwrap();
    assert!(html.contains("事故等が 1 件ありました"), "statement");
    assert!(html.contains("誤送付（封入ミス）1件"));
    assert!(
        !out.path()
            .join("reports/個人情報取扱状況報告書_2026-09.pdf")
            .exists(),
        "--no-pdf"
    );
}

#[test]
fn a_month_outside_the_contract_or_malformed_is_refused() {
    let run = run_anzen(
        &repo(),
        &[
            "report",
            "monthly",
            "--month",
            "2025-01",
            "--no-pdf",
            "--out",
            tempfile::tempdir().unwrap().path().to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("2025-01"), "{}", run.stderr);
    let run = run_anzen(&repo(), &["report", "monthly", "--month", "2026-13"]);
    assert_eq!(run.code, 2);
}
