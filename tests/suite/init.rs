//! `anzen init`: the scaffold fails `anzen check` only with findings that
//! say what to fill in, filling it reaches a clean check, its JSON Schemas
//! validate the sample project and agree with the Rust types, and init
//! never overwrites anything.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Run, repo, run_anzen};
use serde_json::{Value, json};

/// Runs `anzen <args>` (no `--root`).
fn anzen(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_anzen"))
        .args(args)
        .env_remove("ANZEN_LANG")
        .output()
        .expect("run anzen");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh scaffold in a new folder under a temporary one.
fn scaffold() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("project");
    let run = anzen(&["init", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    (tmp, dir)
}

fn check(dir: &Path) -> (i32, Vec<Value>) {
    let run = run_anzen(dir, &["check", "--format", "json"]);
    let json: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr));
    (run.code, json["findings"].as_array().unwrap().clone())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn yaml_to_json(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn schema(name: &str) -> Value {
    let (_, text) = anzen::init::schemas()
        .into_iter()
        .find(|(path, _)| path == &format!("schemas/{name}"))
        .unwrap_or_else(|| panic!("no schema {name}"));
    serde_json::from_str(&text).unwrap()
}

fn errors(schema: &Value, instance: &Value) -> Vec<String> {
    let v = jsonschema::validator_for(schema).expect("schema compiles");
    v.iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn init_writes_the_whole_scaffold() {
    let (_tmp, dir) = scaffold();
    let files = files_under(&dir);
    let kinds = anzen::standard::LedgerKinds::bundled();
    assert_eq!(kinds.kinds.len(), 22);
    for k in &kinds.kinds {
        for f in [
            format!("content/ledgers/{}.yaml", k.kind),
            format!("schemas/ledger-{}.schema.json", k.kind),
        ] {
            assert!(files.contains(&f), "{f} missing from {files:?}");
        }
        let ledger = read(&dir.join(format!("content/ledgers/{}.yaml", k.kind)));
        assert!(
            ledger.starts_with(&format!(
                "# yaml-language-server: $schema=../../schemas/ledger-{}.schema.json\n",
                k.kind
            )),
            "{ledger}"
        );
        for field in &k.fields {
            assert!(
                ledger.contains(&format!(" {}: ", field.name)) && ledger.contains(&field.title),
                "{}: the example lacks {}",
                k.kind,
                field.name
            );
        }
    }
    for f in [
        "anzen.yaml",
        "content/checklist.yaml",
        "schemas/anzen.schema.json",
        "schemas/checklist.schema.json",
        "content/documents/basic-policy.md",
        "content/documents/security-rules.md",
        "content/documents/handling-procedure.md",
        "content/documents/training-plan.md",
        "content/documents/emergency-plan.md",
    ] {
        assert!(files.contains(&f.to_string()), "{f} missing from {files:?}");
    }
    assert!(
        read(&dir.join("anzen.yaml"))
            .starts_with("# yaml-language-server: $schema=schemas/anzen.schema.json\n")
    );
    let checklist = read(&dir.join("content/checklist.yaml"));
    assert!(
        checklist.starts_with("# yaml-language-server: $schema=../schemas/checklist.schema.json\n")
    );
    let standard = anzen::standard::Standard::bundled("municipal-standard").unwrap();
    assert_eq!(standard.checklist.items.len(), 31);
    for item in &standard.checklist.items {
        assert!(
            checklist.contains(&format!("  - item: \"{}\"\n", item.id)),
            "{}",
            item.id
        );
    }
    // What was written is what the library says the schemas are.
    for (path, text) in anzen::init::schemas() {
        assert_eq!(read(&dir.join(&path)), text, "{path}");
    }
}

/// Rules a fresh scaffold may fail with: each says what to fill in.
const FILL_IN: &[&str] = &[
    "answer.missing",
    "document.unapproved",
    "document.no-review-date",
    "ledger.missing",
    "record.stale",
    "roles.missing",
    "roles.undocumented",
    "staff.none-designated",
    "training.never",
    "certificate.missing",
    "monthly.missing",
    "content.placeholder",
    "document.section-empty",
];

#[test]
fn a_fresh_scaffold_fails_only_with_findings_that_say_what_to_fill_in() {
    let (_tmp, dir) = scaffold();
    let (code, findings) = check(&dir);
    assert_eq!(code, 1, "{findings:#?}");
    for f in &findings {
        let rule = f["rule"].as_str().unwrap();
        assert!(
            FILL_IN.contains(&rule),
            "unexpected {rule} in a fresh scaffold: {f:#}"
        );
        assert!(f["hint"]["ja"].is_string(), "no hint: {f:#}");
    }
    let count = |rule: &str| findings.iter().filter(|f| f["rule"] == rule).count();
    // Every item is unanswered, with a message that asks for an answer.
    assert_eq!(count("answer.missing"), 31, "{findings:#?}");
    let missing = findings
        .iter()
        .find(|f| f["rule"] == "answer.missing")
        .unwrap();
    assert_eq!(missing["location"]["file"], "content/checklist.yaml");
    assert!(missing["location"]["line"].as_u64().unwrap() > 0);
    assert!(
        missing["hint"]["ja"]
            .as_str()
            .unwrap()
            .contains("はい・いいえ・該当無")
    );
    // Every document awaits approval; the scaffold itself is consistent.
    assert_eq!(count("document.unapproved"), 5);
    assert_eq!(count("document.no-review-date"), 5);
    for absent in [
        "requirement.uncovered",
        "document.section-missing",
        "document.unknown-requirement",
        "link.unresolved",
        "reference.unresolved",
        "retention.undeclared",
        "retention.short",
    ] {
        assert_eq!(count(absent), 0, "{absent}: {findings:#?}");
    }
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"].as_str().unwrap().starts_with("yaml.")),
        "{findings:#?}"
    );
    // The human output says the same, in Japanese.
    let human = run_anzen(&dir, &["check"]);
    assert!(human.stdout.contains("31 項目が未回答"), "{}", human.stdout);
}

/// Replaces the value of every line whose key (after indentation) is `key`.
fn set_key(text: &str, key: &str, value: &str) -> String {
    text.lines()
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            if l.trim_start().starts_with(&format!("{key}:")) {
                format!("{}{key}: {value}", &l[..indent])
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Removes the leading `# ` of the comment lines that follow a line
/// containing `marker` (and of the marker line itself when `with_marker`)
/// for as long as what follows the `# ` is part of the block (`part`).
fn uncomment_after(
    text: &str,
    marker: &str,
    with_marker: bool,
    part: impl Fn(&str) -> bool,
) -> String {
    let mut out = Vec::new();
    let mut active = false;
    for l in text.lines() {
        let trimmed = l.trim_start();
        let indent = &l[..l.len() - trimmed.len()];
        if l.contains(marker) {
            active = true;
            if !with_marker {
                out.push(l.to_string());
                continue;
            }
        }
        if active {
            match trimmed.strip_prefix("# ") {
                Some(rest) if part(rest) || l.contains(marker) => {
                    out.push(format!("{indent}{rest}"));
                    continue;
                }
                _ => active = false,
            }
        }
        out.push(l.to_string());
    }
    out.join("\n") + "\n"
}

#[test]
fn filling_in_the_scaffold_reaches_a_clean_check() {
    let (_tmp, dir) = scaffold();
    // The config: the sample's contract and as-of date.
    let mut config = read(&dir.join("anzen.yaml"));
    for (key, value) in [
        ("start", "2026-04-01"),
        ("end", "2027-03-31"),
        ("work_start", "2026-04-01"),
        ("specific_personal_info", "true"),
    ] {
        config = set_key(&config, key, value);
    }
    let config = config
        .replace("株式会社〇〇", "株式会社みなと情報サービス")
        .replace("〇〇市", "架空市")
        .replace("〇〇", "架空")
        + "as_of: 2026-11-20\n";
    std::fs::write(dir.join("anzen.yaml"), config).unwrap();

    // The documents: written and approved.
    for doc in std::fs::read_dir(dir.join("content/documents")).unwrap() {
        let path = doc.unwrap().path();
        let text = read(&path)
            .replace(
                "# approval:\n#   approver: 代表取締役 〇〇 〇〇\n#   date: YYYY-MM-DD\n",
                "approval:\n  approver: 代表取締役 港 一郎\n  date: 2026-03-02\n",
            )
            .replace("# review_by: YYYY-MM-DD", "review_by: 2027-03-31")
            .lines()
            .map(|l| {
                if l.starts_with("（ここに") {
                    "当社は、総括保護管理者及び保護管理者の指揮の下、この節の定めに従って個人情報を取り扱う。"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains("\napproval:\n  approver: "), "{text}");
        std::fs::write(&path, text + "\n").unwrap();
    }

    // The ledgers: the scaffold's headers, the sample's records (and the
    // scans they cite).
    copy_dir(
        &repo().join("content/evidence"),
        &dir.join("content/evidence"),
    );
    for kind in anzen::standard::LedgerKinds::bundled().kinds {
        let path = dir.join(format!("content/ledgers/{}.yaml", kind.kind));
        let scaffold = read(&path);
        let sample = read(&repo().join(format!("content/ledgers/{}.yaml", kind.kind)));
        let head = &scaffold[..scaffold.find("\nentries: []").expect("empty ledger") + 1];
        let records = &sample[sample.find("\nentries:").expect("sample entries") + 1..];
        std::fs::write(&path, format!("{head}{records}")).unwrap();
    }

    // The checklist: はい, citing the candidates the scaffold suggests.
    let checklist = read(&dir.join("content/checklist.yaml"));
    let checklist = uncomment_after(&checklist, "「はい」の根拠の候補", false, |rest| {
        rest == "evidence:" || rest.starts_with("  - ")
    })
    .replace("    answer:\n", "    answer: はい\n");
    std::fs::write(dir.join("content/checklist.yaml"), &checklist).unwrap();

    let (code, findings) = check(&dir);
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(code, 0);
}

#[test]
fn the_schemas_validate_the_sample_and_reject_typos() {
    for (path, text) in anzen::init::schemas() {
        let s: Value = serde_json::from_str(&text).unwrap();
        assert!(
            jsonschema::meta::is_valid(&s),
            "{path} is not a valid schema"
        );
        assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
    }
    let config = schema("anzen.schema.json");
    let answers = schema("checklist.schema.json");

    // The sample project is valid.
    let sample_config = yaml_to_json(&read(&repo().join("anzen.yaml")));
    assert_eq!(errors(&config, &sample_config), Vec::<String>::new());
    let sample_answers = yaml_to_json(&read(&repo().join("content/checklist.yaml")));
    assert_eq!(errors(&answers, &sample_answers), Vec::<String>::new());
    let mut ledgers = 0;
    for entry in std::fs::read_dir(repo().join("content/ledgers")).unwrap() {
        let path = entry.unwrap().path();
        let ledger = yaml_to_json(&read(&path));
        let kind = ledger["kind"].as_str().unwrap().to_string();
        let s = schema(&format!("ledger-{kind}.schema.json"));
        assert_eq!(
            errors(&s, &ledger),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
        ledgers += 1;
    }
    assert_eq!(ledgers, 22);

    // A typo'd key, a wrong value or a missing key is rejected.
    let mut typo = sample_config.clone();
    typo["vendor"]["nmae"] = json!("x");
    assert!(!errors(&config, &typo).is_empty());
    let mut typo = sample_config.clone();
    typo["contract"]["start"] = json!("2026/04/01");
    assert!(!errors(&config, &typo).is_empty());
    let mut typo = sample_config.clone();
    typo.as_object_mut().unwrap().remove("contract");
    assert!(!errors(&config, &typo).is_empty());
    let mut typo = sample_answers.clone();
    typo["answers"][0]["evidense"] = json!(["basic-policy"]);
    assert!(!errors(&answers, &typo).is_empty());
    let mut typo = sample_answers.clone();
    typo["answers"][0]["answer"] = json!("たぶん");
    assert!(!errors(&answers, &typo).is_empty());
    let mut typo = sample_answers.clone();
    typo["answers"][0]["item"] = json!("9-9");
    assert!(!errors(&answers, &typo).is_empty());
    let training = yaml_to_json(&read(&repo().join("content/ledgers/training.yaml")));
    let s = schema("ledger-training.schema.json");
    let mut typo = training.clone();
    typo["entries"][0]["atendees"] = json!(["S001"]);
    assert!(!errors(&s, &typo).is_empty());
    let mut typo = training.clone();
    typo["entries"][0].as_object_mut().unwrap().remove("date");
    assert!(!errors(&s, &typo).is_empty());
    let mut typo = training.clone();
    typo["kind"] = json!("staff");
    assert!(!errors(&s, &typo).is_empty());
    let staff = yaml_to_json(&read(&repo().join("content/ledgers/staff.yaml")));
    let s = schema("ledger-staff.schema.json");
    let mut typo = staff.clone();
    typo["entries"][0]["employment"] = json!("fulltime");
    assert!(!errors(&s, &typo).is_empty());
    let mut typo = staff.clone();
    typo["retention"] = json!({"yeers": 5});
    assert!(!errors(&s, &typo).is_empty());
}

#[test]
fn the_scaffold_is_valid_against_its_schemas_except_the_answers_to_give() {
    let (_tmp, dir) = scaffold();
    let config = yaml_to_json(&read(&dir.join("anzen.yaml")));
    assert_eq!(
        errors(&schema("anzen.schema.json"), &config),
        Vec::<String>::new()
    );
    for kind in anzen::standard::LedgerKinds::bundled().kinds {
        let path = dir.join(format!("content/ledgers/{}.yaml", kind.kind));
        let ledger = yaml_to_json(&read(&path));
        let s = schema(&format!("ledger-{}.schema.json", kind.kind));
        assert_eq!(errors(&s, &ledger), Vec::<String>::new(), "{}", kind.kind);
        // The commented example entry, put in place, is valid too...
        let text = read(&path).replace("entries: []\n", "");
        let filled = uncomment_after(&text, "# entries:", true, |rest| rest.starts_with("  "));
        let ledger = yaml_to_json(&filled);
        assert_eq!(
            ledger["entries"].as_array().map(Vec::len),
            Some(1),
            "{filled}"
        );
        assert_eq!(errors(&s, &ledger), Vec::<String>::new(), "{filled}");
        std::fs::write(&path, filled).unwrap();
    }
    // ...and anzen reads it without a YAML finding.
    let (_, findings) = check(&dir);
    assert!(
        !findings.iter().any(|f| {
            let rule = f["rule"].as_str().unwrap();
            rule.starts_with("yaml.") || rule == "ledger.unknown-kind"
        }),
        "{findings:#?}"
    );
    // The answers file is invalid only where an answer is still to be given.
    let answers = yaml_to_json(&read(&dir.join("content/checklist.yaml")));
    let errs = errors(&schema("checklist.schema.json"), &answers);
    assert_eq!(errs.len(), 31, "{errs:#?}");
    assert!(errs.iter().all(|e| e.contains("/answer:")), "{errs:#?}");
}

/// A value for every key a schema allows, recursively.
fn example(s: &Value) -> Value {
    if let Some(c) = s.get("const") {
        return c.clone();
    }
    if let Some(e) = s.get("enum") {
        return e[0].clone();
    }
    if let Some(alts) = s.get("oneOf").or_else(|| s.get("anyOf")) {
        return example(&alts[0]);
    }
    let ty = match &s["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts[0].as_str().unwrap().to_string(),
        other => panic!("no type in {s}: {other}"),
    };
    match ty.as_str() {
        // A map of free keys (`where: {field: [values]}`): one key.
        "object" if s.get("properties").is_none() => {
            json!({ "type": example(&s["additionalProperties"]) })
        }
        "object" => Value::Object(
            s["properties"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), example(v)))
                .collect(),
        ),
        "array" => json!([example(&s["items"])]),
        "string" => match s["pattern"].as_str() {
            Some(p) if p.contains("{2}-") => json!("2026-04-01"),
            Some(_) => json!("2026-04"),
            None => json!("x"),
        },
        "boolean" => json!(true),
        "integer" | "number" => json!(1),
        other => panic!("type {other}"),
    }
}

fn located(value: &Value) -> anzen::yaml::Node {
    let text = serde_yaml::to_string(value).unwrap();
    let parsed = anzen::yaml::parse(&text);
    assert!(parsed.errors.is_empty(), "{text}");
    parsed.root.unwrap()
}

#[test]
fn the_config_schema_agrees_with_the_config_type() {
    let s = schema("anzen.schema.json");
    // Every key of the schema is one the Rust type accepts (it denies
    // unknown fields)...
    let full = example(&s);
    let config: anzen::model::Config = anzen::yaml::deserialize(&located(&full))
        .unwrap_or_else(|e| panic!("{:?}\n{full:#}", e.message));
    // ...and every field of the Rust type is in the schema (additional
    // properties are refused, so a field missing from it fails here).
    let back = serde_json::to_value(&config).unwrap();
    assert_eq!(errors(&s, &back), Vec::<String>::new(), "{back:#}");
}

#[test]
fn the_answers_schema_agrees_with_the_answer_type() {
    let s = schema("checklist.schema.json");
    let full = example(&s);
    let entry = &full["answers"][0];
    assert_eq!(entry["answer"], "はい");
    let parsed: anzen::model::answers::AnswerEntry = anzen::yaml::deserialize(&located(entry))
        .unwrap_or_else(|e| panic!("{:?}\n{entry:#}", e.message));
    let mut back = serde_json::to_value(&parsed).unwrap();
    back["answer"] = entry["answer"].clone(); // serialised as the variant name
    assert_eq!(
        errors(&s, &json!({ "answers": [back] })),
        Vec::<String>::new()
    );
    // Every spelling the schema offers is one anzen accepts.
    for v in s["properties"]["answers"]["items"]["properties"]["answer"]["enum"]
        .as_array()
        .unwrap()
    {
        assert!(
            anzen::model::AnswerValue::parse(v.as_str().unwrap()).is_some(),
            "{v}"
        );
    }
}

#[test]
fn the_ledger_schemas_follow_the_ledger_kinds() {
    for kind in anzen::standard::LedgerKinds::bundled().kinds {
        let s = schema(&format!("ledger-{}.schema.json", kind.kind));
        let entry = &s["properties"]["entries"]["items"];
        let props: Vec<&String> = entry["properties"].as_object().unwrap().keys().collect();
        let fields: Vec<&String> = kind.fields.iter().map(|f| &f.name).collect();
        assert_eq!(props.len(), fields.len(), "{}", kind.kind);
        for f in &kind.fields {
            let p = &entry["properties"][&f.name];
            assert_eq!(p["title"], f.title.as_str(), "{}.{}", kind.kind, f.name);
            let required = entry["required"]
                .as_array()
                .unwrap()
                .contains(&json!(f.name));
            assert_eq!(required, f.required, "{}.{}", kind.kind, f.name);
        }
        assert_eq!(entry["additionalProperties"], false);
    }
}

#[test]
fn an_empty_answer_with_a_typo_beside_it_reports_both() {
    let (_tmp, dir) = scaffold();
    let path = dir.join("content/checklist.yaml");
    let text = read(&path).replacen(
        "  - item: \"2-1\"\n",
        "  - item: \"2-1\"\n    evidense: [staff]\n",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let (_, findings) = check(&dir);
    let for_item: Vec<&str> = findings
        .iter()
        .filter(|f| f["item"] == "2-1")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(for_item.contains(&"answer.missing"), "{findings:#?}");
    assert!(for_item.contains(&"yaml.unknown-field"), "{findings:#?}");
}

#[test]
fn init_refuses_a_folder_with_files_and_never_overwrites_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let d = dir.to_str().unwrap();
    std::fs::write(dir.join("notes.txt"), "keep me\n").unwrap();
    std::fs::write(dir.join("anzen.yaml"), "# mine\n").unwrap();

    let run = anzen(&["init", d]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(files_under(dir), ["anzen.yaml", "notes.txt"]);

    let run = anzen(&["init", d, "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(read(&dir.join("notes.txt")), "keep me\n");
    assert_eq!(read(&dir.join("anzen.yaml")), "# mine\n");
    assert!(!run.stdout.contains("anzen.yaml\n"), "{}", run.stdout);
    assert!(dir.join("content/checklist.yaml").is_file());
    let all = files_under(dir);

    // Again with --force: nothing is written, nothing changes.
    let edited = dir.join("content/documents/basic-policy.md");
    std::fs::write(&edited, "edited\n").unwrap();
    let run = anzen(&["init", d, "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("0 ファイルを作成しました"),
        "{}",
        run.stdout
    );
    assert_eq!(read(&edited), "edited\n");
    assert_eq!(files_under(dir), all);

    // Without --force the filled folder is refused as well.
    assert_eq!(anzen(&["init", d]).code, 2);
    // A folder holding only .git counts as empty; a file is no folder.
    let fresh = tmp.path().join("repo");
    std::fs::create_dir_all(fresh.join(".git")).unwrap();
    assert_eq!(anzen(&["init", fresh.to_str().unwrap()]).code, 0);
    let file = dir.join("notes.txt");
    assert_eq!(anzen(&["init", file.to_str().unwrap()]).code, 2);
}

#[test]
fn the_scaffolds_unanswered_items_read_as_one_block_but_stay_31_findings_in_json() {
    let (_tmp, dir) = scaffold();
    let (_, findings) = check(&dir);
    let missing = findings
        .iter()
        .filter(|f| f["rule"] == "answer.missing")
        .count();
    assert_eq!(missing, 31, "JSON keeps one finding per item");
    let human = run_anzen(&dir, &["check"]).stdout;
    let blocks: Vec<&str> = human
        .lines()
        .filter(|l| l.contains("[answer.missing]"))
        .collect();
    assert_eq!(blocks.len(), 1, "{human}");
    assert!(
        blocks[0].contains("31 項目が未回答: 1, 2-1, 2-2"),
        "{}",
        blocks[0]
    );
    assert!(blocks[0].ends_with(", 6-2"), "{}", blocks[0]);
    let en = run_anzen(&dir, &["--lang", "en", "check"]).stdout;
    assert!(
        en.contains("[answer.missing] 31 items unanswered: 1, 2-1"),
        "{en}"
    );
    assert_eq!(
        en.matches("hint: fill in answer:").count(),
        1,
        "one hint: {en}"
    );
}
