//! `anzen build` writes the browsable site: the pages a reviewer needs,
//! every internal link resolving, byte-identical across builds, personal
//! data masked on request, themes overridable, and a real browser run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{Fixture, Project, repo, run_anzen};

fn build(root: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["build", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = run_anzen(root, &args);
    assert_eq!(run.code, 0, "build failed: {}\n{}", run.stdout, run.stderr);
    out.join("site")
}

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn page(site: &Path, rel: &str) -> String {
    std::fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!("{attr}=\"");
    html.match_indices(&needle)
        .filter_map(|(i, _)| html[i + needle.len()..].split('"').next())
        .map(|v| {
            v.replace("&#x2F;", "/")
                .replace("&#x27;", "'")
                .replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn sample_site_has_every_page_a_reviewer_needs() {
    let out = tempfile::tempdir().unwrap();
    let site = build(&repo(), out.path(), &[]);
    let index = page(&site, "index.html");
    assert!(index.contains("株式会社みなと情報サービス") && index.contains("架空市"));
    assert!(index.contains("令和8年11月20日"), "as-of date in 和暦");
    assert!(
        index.contains("id=\"count-satisfied\">39<"),
        "all 39 requirements satisfied"
    );
    assert!(index.contains("class=\"matrix\""));
    let checklist = page(&site, "checklist.html");
    assert_eq!(checklist.matches("class=\"item answer-").count(), 31);
    assert!(checklist.contains("id=\"item-4-4\" class=\"item answer-no\""));
    assert!(checklist.contains("id=\"item-5-8\" class=\"item answer-na\""));
    assert!(checklist.contains("該当無の理由"));
    assert!(checklist.contains("対策: "));
    for r in ["S1", "S5-6", "S1.1", "S10"] {
        assert!(site.join(format!("requirements/{r}.html")).is_file(), "{r}");
    }
    let rules = page(&site, "documents/security-rules.html");
    assert!(rules.contains("class=\"toc\"") && rules.contains("id=\"organizational\""));
    assert!(rules.contains("この文書が満たす要件"));
    let training = page(&site, "ledgers/training.html");
    assert!(training.contains("id=\"entry-TR-2026-01\""));
    assert!(site.join("assets/search-index.js").is_file());
    assert!(site.join("assets/search/g0.js").is_file());
    assert!(site.join("assets/search/r0.js").is_file());
    assert!(
        !index.contains("http://") && !index.contains("https://"),
        "no external resources"
    );
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let out = tempfile::tempdir().unwrap();
    let site = build(&repo(), out.path(), &[]);
    let files = read_tree(&site);
    let mut checked = 0;
    for (rel, bytes) in files.iter().filter(|(r, _)| r.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        let base = Path::new(rel).parent().unwrap().to_path_buf();
        for target in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            if target.starts_with("http") || target.starts_with("mailto:") {
                continue;
            }
            let (path, frag) = target
                .split_once('#')
                .map(|(p, f)| (p, Some(f)))
                .unwrap_or((target.as_str(), None));
            let file = if path.is_empty() {
                PathBuf::from(rel)
            } else {
                base.join(percent_decode(path))
            };
            let file = normalize(&file);
            let bytes = files
                .get(&file)
                .unwrap_or_else(|| panic!("{rel}: link {target} -> {file} missing"));
            if let Some(f) = frag.filter(|f| !f.is_empty()) {
                let html = String::from_utf8_lossy(bytes);
                assert!(
                    html.contains(&format!("id=\"{}\"", percent_decode(f))),
                    "{rel}: anchor {target} missing"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    parts.join("/")
}

#[test]
fn two_builds_are_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let sa = read_tree(&build(&repo(), a.path(), &[]));
    let sb = read_tree(&build(&repo(), b.path(), &[]));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (k, v) in &sa {
        assert!(v == &sb[k], "{k} differs between builds");
    }
}

#[test]
fn mask_personal_hides_names_on_every_page_and_in_the_search_index() {
    let out = tempfile::tempdir().unwrap();
    let site = build(&repo(), out.path(), &["--mask-personal"]);
    let staff = std::fs::read_to_string(repo().join("content/ledgers/staff.yaml")).unwrap();
    let names: Vec<String> = staff
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("name:")
                .map(|n| n.trim().trim_matches('"').to_string())
        })
        .collect();
    assert!(names.len() >= 5);
    for (rel, bytes) in read_tree(&site)
        .iter()
        .filter(|(r, _)| r.ends_with(".html") || r.ends_with(".js"))
    {
        let text = String::from_utf8_lossy(bytes);
        if rel.starts_with("documents/") {
            continue; // documents are the vendor's own prose; masking covers ledger fields
        }
        for n in &names {
            assert!(!text.contains(n.as_str()), "{rel} shows {n}");
        }
    }
    assert!(page(&site, "ledgers/staff.html").contains("＊＊＊"));
    // Without masking the names are there.
    let plain_out = tempfile::tempdir().unwrap();
    let plain = build(&repo(), plain_out.path(), &[]);
    assert!(page(&plain, "ledgers/staff.html").contains(names[0].as_str()));
}

#[test]
fn a_project_theme_overrides_a_template_and_an_asset() {
    let f = Project::sample().config("theme", "custom").file(
        "themes/custom/static/style.css",
        "body { color: #123456; }\n",
    );
    let base = std::fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    f.write(
        "themes/custom/templates/base.html",
        &base.replace(
            "<main id=\"main\">",
            "<main id=\"main\" data-theme=\"custom\">",
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let site = build(f.path(), out.path(), &[]);
    assert!(page(&site, "index.html").contains("data-theme=\"custom\""));
    assert_eq!(
        page(&site, "assets/style.css"),
        "body { color: #123456; }\n"
    );
    assert!(
        site.join("assets/search.js").is_file(),
        "other assets still come from the default theme"
    );
}

#[test]
fn a_theme_with_its_own_ledger_page_still_gets_each_row_as_data() {
    // The default ledger.html places the rows written as HTML
    // (`ledger.table_rows`); a theme's own ledger.html may loop over the
    // rows' data as before.
    let f = Project::sample().config("theme", "rows");
    f.write(
        "themes/rows/templates/ledger.html",
        "{% extends \"base.html\" %}{% block content %}<ol class=\"own\">\
         {% for row in ledger.rows %}<li data-id=\"{{ row.id }}\">{% for c in row.cells %}[{{ c.text }}]{% endfor %}</li>{% endfor %}\
         </ol><p class=\"count\">{{ ledger.count }}</p>{% endblock content %}",
    );
    let out = tempfile::tempdir().unwrap();
    let site = build(f.path(), out.path(), &[]);
    let own = page(&site, "ledgers/training.html");
    assert!(own.contains("<li data-id=\"TR-2026-01\">"), "{own}");
    assert!(own.contains("[TR-2026-01]"), "{own}");
    let rows = own.matches("<li data-id=").count();
    assert!(
        own.contains(&format!("<p class=\"count\">{rows}</p>")),
        "{own}"
    );
    // The default page shows the same rows, written without the template loop.
    let plain_out = tempfile::tempdir().unwrap();
    let plain = build(&repo(), plain_out.path(), &[]);
    let default = page(&plain, "ledgers/training.html");
    assert_eq!(default.matches("<tr id=\"").count(), rows, "{default}");
    assert!(default.contains(&format!(" ／ {rows} 件")), "{default}");
}

#[test]
fn a_document_body_is_placed_where_the_template_puts_doc_html_and_nowhere_else() {
    // The body is put in after the template has run, in place of a mark
    // the template writes for doc.html; a title that spells the mark is
    // escaped like any value and stays text.
    let f = Project::sample().config("theme", "twice");
    f.write(
        "themes/twice/templates/document.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ doc.title }}</h1>\
         <div class=\"one\">{{ doc.html | safe }}</div><div class=\"two\">{{ doc.html | safe }}</div>{% endblock content %}",
    );
    f.write(
        "content/documents/mark.md",
        "---\nid: mark-test\nkind: procedure\ntitle: \"<!--anzen:document-body-->\"\n---\n# 本文の見出し\n\n本文の段落 `<!--anzen:document-body-->`。\n",
    );
    let out = tempfile::tempdir().unwrap();
    let site = build(f.path(), out.path(), &["--no-pdf", "--no-package"]);
    let html = page(&site, "documents/mark-test.html");
    assert_eq!(html.matches("本文の段落").count(), 2, "{html}");
    assert!(
        html.contains("<h1>&lt;!--anzen:document-body--&gt;</h1>"),
        "{html}"
    );
    assert!(!html.contains("<!--anzen:document-body-->"), "{html}");
}

#[test]
fn a_broken_template_fails_the_build_and_keeps_the_previous_site() {
    let f = Fixture::sample();
    let out = tempfile::tempdir().unwrap();
    let site = build(f.path(), out.path(), &[]);
    let before = read_tree(&site);
    f.edit("anzen.yaml", "standards:", "theme: broken\nstandards:");
    f.write(
        "themes/broken/templates/index.html",
        "{% extends \"base.html\" %}{% block content %}{{ nope( }}{% endblock content %}",
    );
    let run = run_anzen(f.path(), &["build", "--out", out.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("index.html"), "{}", run.stderr);
    assert_eq!(read_tree(&site), before, "previous output untouched");
}

#[test]
fn output_folder_that_holds_the_content_is_refused() {
    let f = Fixture::sample();
    let run = run_anzen(f.path(), &["build", "--out", f.path().to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = run_anzen(
        f.path(),
        &[
            "build",
            "--out",
            f.path().join("content/x").to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(f.path().join("content/checklist.yaml").is_file());
}

#[test]
fn site_works_in_a_real_browser_from_file_urls() {
    let out = tempfile::tempdir().unwrap();
    let site = build(&repo(), out.path(), &[]);
    let e2e = repo().join("tests/e2e");
    assert!(
        e2e.join("node_modules/playwright-core").is_dir(),
        "tests/e2e/node_modules is missing: run scripts/test (or `npm ci` in tests/e2e) to install playwright-core"
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} missing: run scripts/test (it installs Debian's chromium)"
    );
    let stdout = browser("site.mjs", &site, &[]);
    assert!(stdout.contains("\"ok\":true"), "{stdout}");
}

/// What the browser script `tests/e2e/<script>` printed about `site`
/// (with `args`); the test fails when it fails.
fn browser(script: &str, site: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("node")
        .arg(repo().join("tests/e2e").join(script))
        .arg(site)
        .args(args)
        .output()
        .expect("node");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn search_finds_records_far_apart_in_a_large_index_in_a_real_browser() {
    // 1,200 documents of one record each: the bigram 鸚鵡 is in the first,
    // the 1,100th and the 1,101st, so its postings hold a number of three
    // digits (a gap of 1,099 records), one of one digit and the first; the
    // index is split into several shards of records.
    let f = Fixture::sample();
    for i in 1..=1_200 {
        let word = if [1, 1_100, 1_101].contains(&i) {
            "鸚鵡"
        } else {
            "記録"
        };
        f.write(
            &format!("content/documents/bulk/b-{i:04}.md"),
            &format!(
                "---\nid: b-{i:04}\nkind: rules\ntitle: 大量文書 {i}\nversion: \"1\"\n---\n本文 {i} の{word}について定める。\n"
            ),
        );
    }
    let out = tempfile::tempdir().unwrap();
    let site = build(f.path(), out.path(), &["--no-pdf", "--no-package"]);
    assert!(
        site.join("assets/search/r5.js").is_file(),
        "records split into shards"
    );
    let stdout = browser("search.mjs", &site, &["鸚鵡", "大量文書 1100"]);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let titles = |q: &str| -> Vec<String> {
        let mut t: Vec<String> = v["results"][q]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        t.sort();
        t
    };
    assert_eq!(
        titles("鸚鵡"),
        ["大量文書 1", "大量文書 1100", "大量文書 1101"],
        "{stdout}"
    );
    assert_eq!(titles("大量文書 1100")[..1], ["大量文書 1100"], "{stdout}");
}
