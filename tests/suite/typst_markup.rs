//! The Markdown-to-Typst converter against the real typst CLI and
//! pdftotext: hostile and unusual Markdown must compile, and its text must
//! come out of the PDF unchanged (never interpreted as Typst).
//!
//! Needs `typst` (env `ANZEN_TYPST`, else on PATH, else ~/.cargo/bin) and
//! `pdftotext` (env `ANZEN_PDFTOTEXT`, else on PATH); `scripts/test`
//! installs them. A missing tool fails the test, it never passes silently.

use std::path::{Path, PathBuf};
use std::process::Command;

use anzen::render::pdf::markup::{MarkupOptions, string_literal, to_typst};

const WRAPPER: &str = "#set text(lang: \"ja\", font: (\"Noto Serif CJK JP\", \"Noto Sans CJK JP\", \"DejaVu Sans\"))\n";

fn find_tool(name: &str, env: &str, cargo_bin: bool) -> PathBuf {
    if let Some(path) = std::env::var_os(env).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{env}={} does not exist; unset it or run scripts/test",
            path.display()
        );
        return path;
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if let Some(path) = on_path {
        return path;
    }
    if cargo_bin && let Some(home) = std::env::var_os("HOME") {
        let path = Path::new(&home).join(".cargo/bin").join(name);
        if path.is_file() {
            return path;
        }
    }
    panic!(
        "`{name}` not found (set {env}, or put it on PATH{}): run scripts/test, which installs what the tests need",
        if cargo_bin { " or in ~/.cargo/bin" } else { "" }
    );
}

fn typst() -> PathBuf {
    find_tool("typst", "ANZEN_TYPST", true)
}

fn pdftotext() -> PathBuf {
    find_tool("pdftotext", "ANZEN_PDFTOTEXT", false)
}

/// Compiles a Typst `source` in a fresh directory (its root) and returns
/// the PDF's text (`pdftotext -layout`), or typst's error output.
fn compile(source: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("doc.typ"), source).unwrap();
    // Readable from the document if text were ever run as code.
    std::fs::write(dir.path().join("secret.txt"), "root:x:0:0 SECRET-CONTENT\n").unwrap();
    let out = Command::new(typst())
        .arg("compile")
        .arg("--root")
        .arg(dir.path())
        .arg("doc.typ")
        .arg("out.pdf")
        .current_dir(dir.path())
        .output()
        .expect("typst runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = Command::new(pdftotext())
        .arg("-layout")
        .arg(dir.path().join("out.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(text.status.success(), "pdftotext failed");
    Ok(String::from_utf8(text.stdout).expect("pdftotext gives UTF-8"))
}

/// Converts `md`, compiles it with typst and returns the PDF's text;
/// panics with typst's message (and the Markdown lines it points at) when
/// compilation fails.
fn pdf_text(md: &str) -> String {
    let converted = to_typst(md, &MarkupOptions::default());
    assert_eq!(
        converted.line_map.len(),
        converted.markup.lines().count(),
        "a source line for every markup line"
    );
    let lines = md.lines().count().max(1);
    assert!(converted.line_map.iter().all(|&l| (1..=lines).contains(&l)));
    let source = format!("{WRAPPER}{}", converted.markup);
    compile(&source).unwrap_or_else(|stderr| {
        let wrapper_lines = WRAPPER.lines().count();
        let mut located = String::new();
        for (i, line) in source.lines().enumerate() {
            if stderr.contains(&format!("doc.typ:{}:", i + 1)) {
                let md_line = i
                    .checked_sub(wrapper_lines)
                    .and_then(|j| converted.line_map.get(j));
                located.push_str(&format!(
                    "typst line {} (markdown line {md_line:?}): {line}\n",
                    i + 1
                ));
            }
        }
        panic!(
            "typst failed for {md:?}:\n{stderr}\n{located}--- markup ---\n{}",
            converted.markup
        )
    })
}

/// `s` without whitespace.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What must be visible in the PDF.
enum Expect {
    /// Present once whitespace is removed from both sides.
    Text(&'static str),
    /// Present as is (Japanese: no space may appear inside).
    Exact(&'static str),
    /// Absent from the PDF text.
    Absent(&'static str),
}
use Expect::{Absent, Exact, Text};

struct Case {
    name: &'static str,
    markdown: String,
    expect: Vec<Expect>,
}

fn case(name: &'static str, markdown: impl Into<String>, expect: Vec<Expect>) -> Case {
    Case {
        name,
        markdown: markdown.into(),
        expect,
    }
}

/// Runs the cases two at a time and reports every failure together.
fn run(cases: Vec<Case>) {
    // Fail fast and clearly when a tool is missing.
    typst();
    pdftotext();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<&[Case]> = cases.chunks(cases.len().div_ceil(2).max(1)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.iter().filter_map(check).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(failures) => failures,
                Err(e) => vec![
                    e.downcast_ref::<String>()
                        .cloned()
                        .unwrap_or_else(|| "a case panicked".into()),
                ],
            })
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

fn check(case: &Case) -> Option<String> {
    let text = match std::panic::catch_unwind(|| pdf_text(&case.markdown)) {
        Ok(text) => text,
        Err(e) => {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "panic".into());
            return Some(format!("[{}] {msg}", case.name));
        }
    };
    let squashed = squash(&text);
    let mut missing = Vec::new();
    for expect in &case.expect {
        let ok = match expect {
            Text(s) => squashed.contains(&squash(s)),
            Exact(s) => text.contains(s),
            Absent(s) => !text.contains(s),
        };
        if !ok {
            missing.push(match expect {
                Text(s) => format!("missing {s:?}"),
                Exact(s) => format!("missing exactly {s:?}"),
                Absent(s) => format!("unexpected {s:?}"),
            });
        }
    }
    (!missing.is_empty()).then(|| {
        format!(
            "[{}] {}\n--- markdown ---\n{}\n--- pdf text ---\n{text}",
            case.name,
            missing.join(", "),
            case.markdown
        )
    })
}

#[test]
fn special_characters_in_text_survive_as_text() {
    run(vec![
        case(
            "hash",
            "Price #1, #emph[x], #set text(red) and #let x = 1\n",
            vec![Text("Price #1, #emph[x], #set text(red) and #let x = 1")],
        ),
        case(
            "dollar math",
            "$x^2$ and $$ y $$ and $\n",
            vec![Text("$x^2$ and $$ y $$ and $")],
        ),
        case(
            "unbalanced star",
            "a * b ** c *d and e\n\n**never closed\n\nx*y*\n",
            vec![
                Text("a * b ** c *d and e"),
                Text("**never closed"),
                Text("xy"),
            ],
        ),
        case(
            "unbalanced underscore",
            "snake_case_name and _unclosed and __x\n",
            vec![Text("snake_case_name and _unclosed and __x")],
        ),
        case(
            "at label",
            "@label and user@example and @@\n",
            vec![Text("@label and user@example and @@")],
        ),
        case(
            "angle label",
            "<label> and a < b > c and <<x>>\n",
            vec![Text("<label> and a < b > c and <<x>>")],
        ),
        case(
            "brackets",
            "[not a link] and [x][y] and ]unbalanced[ and [\n",
            vec![Text("[not a link] and [x][y] and ]unbalanced[ and [")],
        ),
        case(
            "backslash",
            "C:\\path\\to\\file and a\\b and \\\\ and end\\\n",
            vec![Text("C:\\path\\to\\file and a\\b and \\ and end\\")],
        ),
        case(
            "double quote",
            "He said \"hi\" and \"\"\" and 'yo'\n",
            vec![Text("He said \"hi\" and \"\"\" and 'yo'")],
        ),
        case("backtick", "a \\` b \\`\\` c\n", vec![Text("a ` b `` c")]),
        case(
            "tilde",
            "~/.bashrc and 50\\~60 and x~y\n",
            vec![Text("~/.bashrc and 50~60 and x~y")],
        ),
        case(
            "slash",
            "a/b and http:/x and / alone\n",
            vec![Text("a/b and http:/x and / alone")],
        ),
        case(
            "equals at line start",
            "= Not a heading\n== Still not\n",
            vec![Text("= Not a heading == Still not")],
        ),
        case(
            "minus at line start",
            "\\- not a list\n",
            vec![Text("- not a list")],
        ),
        case(
            "plus at line start",
            "\\+ not a list\n",
            vec![Text("+ not a list")],
        ),
        case(
            "number dot at line start",
            "1\\. not an enum\n",
            vec![Text("1. not an enum")],
        ),
        case("term at line start", "/ term: x\n", vec![Text("/ term: x")]),
        case(
            "line comment",
            "// not a comment\n\ntext // still text\n",
            vec![Text("// not a comment"), Text("text // still text")],
        ),
        case(
            "block comment",
            "/* not a comment */\n\n/* unclosed\n",
            vec![Text("/* not a comment */"), Text("/* unclosed")],
        ),
        case(
            "script block",
            "<script>alert(1)</script>\n",
            vec![Text("<script>alert(1)</script>")],
        ),
        case(
            "inline html",
            "a <b>bold</b> <img src=x onerror=alert(1)> c\n",
            vec![Text("a <b>bold</b> <img src=x onerror=alert(1)> c")],
        ),
        case(
            "html comment",
            "<!-- hidden? -->\n\nafter\n",
            vec![Text("<!-- hidden? -->"), Text("after")],
        ),
        case(
            "import",
            "#import \"@preview/x:0.1.0\": *\n",
            vec![Text("#import \"@preview/x:0.1.0\": *")],
        ),
        case(
            "read passwd",
            "#read(\"/etc/passwd\") and #include \"/etc/passwd\"\n",
            vec![
                Text("#read(\"/etc/passwd\") and #include \"/etc/passwd\""),
                Absent("root:"),
            ],
        ),
        case(
            "read a file inside the root",
            "#read(\"secret.txt\") #{read(\"secret.txt\")} $#read(\"secret.txt\")$\n",
            vec![
                Text("#read(\"secret.txt\") #{read(\"secret.txt\")} $#read(\"secret.txt\")$"),
                Absent("SECRET-CONTENT"),
                Absent("root:"),
            ],
        ),
        case(
            "entities",
            "&amp; &lt;b&gt; &copy; &#35;read\n",
            vec![Text("& <b> © #read")],
        ),
        case(
            "unicode",
            "Ünïcödé ß Ω → ≠ “curly” ‘q’ — 😀 end\n",
            vec![Text("Ünïcödé ß Ω → ≠ “curly” ‘q’ —"), Text("end")],
        ),
        case(
            "control characters",
            "ctrl\u{7}bell\u{1b}esc\u{8}bs\u{2028}sep\u{202e}rlo\n",
            vec![Text("ctrl"), Text("bell"), Text("esc")],
        ),
        case(
            "typst escapes and shorthands",
            "-- --- ... ~ \\u{41} \\# ' \" ` a-b\n",
            vec![Text("-- --- ... ~ \\u{41} # ' \" ` a-b")],
        ),
        case(
            "semicolon after hash",
            "#x; #{1+1} #(1+1) #[content]\n",
            vec![Text("#x; #{1+1} #(1+1) #[content]")],
        ),
    ]);
}

/// Empty items, footnotes in a heading and a table cell with blocks
/// inside, code and HTML in a list in a quote, a link without text.
const ODD_STRUCTURES: &str = r#"0. zero
1. one

999999999. big

- 
- [ ] 

# [^fn]

[](https://empty.example)

| a | b |
|---|---|
| x[^multi] | |

[^multi]: para one

    para two

    - list in footnote

    ```
    code in footnote
    ```

> - item
>   ```sh
>   echo "quoted code"
>   ```
>   <div>html in item</div>

- [x] loose task

- second

[^fn]: heading note
"#;

#[test]
fn special_characters_in_structures_survive_as_text() {
    let specials = "#x $y$ \"q\" \\\\ <b> @l [z] //c";
    let specials_text = "#x $y$ \"q\" \\ <b> @l [z] //c";
    run(vec![
        case(
            "heading",
            format!("# H {specials} *\n\n## 見出し {{#id}}\n\nbody\n"),
            vec![
                Text("H #x $y$ \"q\" \\ <b> @l [z] //c *"),
                Exact("見出し"),
                Text("body"),
            ],
        ),
        case(
            "heading with closing hashes",
            "## Title ##\n",
            vec![Text("Title"), Absent("#")],
        ),
        case(
            "table cells",
            format!(
                "| a {specials} | # | $ |\n|:--|:-:|--:|\n| \\| pipe | `co\\|de` | <b> |\n| 1. | - | = |\n"
            ),
            vec![
                Text(specials_text),
                Text("| pipe"),
                Text("co|de"),
                Text("<b>"),
                Text("1."),
                Text("="),
            ],
        ),
        case(
            "list items",
            format!("- {specials}\n- = x\n  - # nested\n1. one\n2. #two\n"),
            vec![
                Text(specials_text),
                Text("= x"),
                Text("nested"),
                Text("one"),
                Text("#two"),
            ],
        ),
        case(
            "task list",
            "- [ ] 未完了の #task\n- [x] 完了\n",
            vec![
                Exact("☐"),
                Exact("☑"),
                Exact("未完了の"),
                Text("#task"),
                Exact("完了"),
            ],
        ),
        case(
            "footnote",
            format!("Note[^n] here.\n\n[^n]: Foot {specials}\n"),
            vec![Text("Note"), Text("here."), Text(specials_text)],
        ),
        case(
            "footnote cycle and missing definition",
            "a[^x] and [^missing]\n\n[^x]: x refers to [^x]\n\n[^lonely]: unreferenced\n",
            vec![
                Text("x refers to [^x]"),
                Text("[^missing]"),
                Text("[^lonely]: unreferenced"),
            ],
        ),
        case(
            "link text",
            format!(
                "[{specials}](https://example.com/?a=\"b\"&c=\\\\) and [local](./x.md) and [js](javascript:alert(1))\n"
            ),
            vec![
                Text(specials_text),
                Text("local"),
                Text("js"),
                Absent("javascript"),
            ],
        ),
        case(
            "autolinks",
            "<https://example.com/a_b> and <mail@example.com>\n",
            vec![Text("https://example.com/a_b"), Text("mail@example.com")],
        ),
        case(
            "image alt",
            "![alt #x $y$](y.png)\n",
            vec![Text("[alt #x $y$]")],
        ),
        case(
            "code span",
            "`` a`b \"c\" \\d #e $f$ ``\n",
            vec![Text("a`b \"c\" \\d #e $f$")],
        ),
        case(
            "code block",
            "~~~\n```\n#read(\"/etc/passwd\")\n\"q\" \\ $ `x`\n~~~\n",
            vec![
                Text("```"),
                Text("#read(\"/etc/passwd\")"),
                Text("\"q\" \\ $ `x`"),
                Absent("root:"),
            ],
        ),
        case(
            "typst code block is not run",
            "```typ\n#let x = \"evaluated\"\n#x\n```\n\n```\" evil\ny\n```\n",
            vec![Text("#let x = \"evaluated\""), Text("#x"), Text("y")],
        ),
        case(
            "block quote",
            "> #quote $x$\n> > nested <b>\n",
            vec![Text("#quote $x$"), Text("nested <b>")],
        ),
        case(
            "emphasis mix",
            "***bold italic*** and **_x_** and ~~struck #x~~\n",
            vec![Text("bold italic and x and struck #x")],
        ),
        case(
            "hard break",
            "line one\\\nline two  \nline three\n",
            vec![Text("line one"), Text("line two"), Text("line three")],
        ),
        case(
            "rule",
            "above\n\n---\n\nbelow\n",
            vec![Text("above"), Text("below")],
        ),
        case(
            "odd structures",
            ODD_STRUCTURES,
            vec![
                Text("0.zero"),
                Text("big"),
                Text("heading note"),
                Text("https://empty.example"),
                Text("para one"),
                Text("para two"),
                Text("list in footnote"),
                Text("code in footnote"),
                Text("echo \"quoted code\""),
                Text("<div>html in item</div>"),
                Text("☑ loose task"),
            ],
        ),
    ]);
}

#[test]
fn japanese_emphasis_and_soft_breaks_render_as_written() {
    run(vec![
        case(
            "emphasis beside brackets",
            "これは**「重要」**です。\n",
            vec![Exact("これは「重要」です。"), Absent("*")],
        ),
        case(
            "soft break between Japanese lines",
            "個人情報を\n取り扱う。\n",
            vec![Exact("個人情報を取り扱う。")],
        ),
        case(
            "soft break between Latin words",
            "word\nbreak\n",
            vec![Exact("word break")],
        ),
        case(
            "Japanese footnote",
            "委託先[^1]を管理する。\n\n[^1]: 再委託を含む。\n",
            vec![
                Exact("委託先"),
                Exact("を管理する。"),
                Exact("再委託を含む。"),
            ],
        ),
        case(
            "Japanese table and list",
            "| 項目 | 内容 |\n|---|---|\n| 責任者 | 山田 |\n\n- 第一\n- 第二\n",
            vec![Exact("責任者"), Exact("山田"), Exact("第一"), Exact("第二")],
        ),
    ]);
}

#[test]
fn degenerate_documents_compile() {
    let mut nested_list = String::new();
    for level in 0..200 {
        nested_list.push_str(&" ".repeat(level * 2));
        nested_list.push_str(&format!("- L{level}x\n"));
    }
    let nested_quote = format!("{} deepest quote\n", ">".repeat(200));
    let nested_emphasis = format!("{}core{}\n", "*".repeat(120), "*".repeat(120));
    let words: String = (0..400).map(|i| format!("w{i:03} ")).collect();
    let long_line = format!("{}\n", words.trim_end());
    assert!(long_line.len() >= 2000);
    let long_token = format!("{}\n", "x".repeat(2000));
    let long_code = format!("```\n{}\n```\n", "y".repeat(500));
    let mut deep_footnotes = String::from("start[^f0]\n\n");
    for i in 0..30 {
        deep_footnotes.push_str(&format!("[^f{i}]: note{i}x [^f{}]\n\n", i + 1));
    }
    let mut cases = vec![
        case("empty document", "", vec![]),
        case("only whitespace", "  \n\n\t \n   \n", vec![]),
        case(
            "200 nested block quotes",
            nested_quote,
            vec![Text("deepest quote")],
        ),
        case(
            "120 nested emphasis markers",
            nested_emphasis,
            vec![Text("core")],
        ),
        case(
            "2000-column line",
            long_line,
            vec![Text("w000"), Text("w399")],
        ),
        case(
            "500-character code line",
            long_code.clone(),
            vec![Text(long_code[4..504].to_string().leak())],
        ),
        case(
            "2000-character token",
            long_token.clone(),
            vec![Text(long_token.trim_end().to_string().leak())],
        ),
        case(
            "30 chained footnotes",
            deep_footnotes,
            vec![Text("start"), Text("note0x"), Text("note29x")],
        ),
    ];
    let expected: Vec<&'static str> = (0..200)
        .map(|level| &*format!("L{level}x").leak())
        .collect();
    cases.push(case(
        "200 nested lists",
        nested_list,
        expected.into_iter().map(Text).collect(),
    ));
    run(cases);
}

#[test]
fn long_line_text_survives_in_order() {
    let words: String = (0..400).map(|i| format!("w{i:03} ")).collect();
    let text = squash(&pdf_text(&format!("{}\n", words.trim_end())));
    assert!(text.contains(&squash(&words)), "{text}");
}

#[test]
fn repeated_footnotes_share_a_number_and_documents_combine() {
    let first = to_typst(
        "one[^n] two[^n] three[^N]\n\n[^n]: shared-note-A\n",
        &MarkupOptions::default(),
    );
    let second = to_typst(
        "four[^n] five[^n]\n\n[^n]: shared-note-B\n",
        &MarkupOptions {
            heading_offset: 1,
            ..Default::default()
        },
    );
    let source = format!("{WRAPPER}{}\n{}", first.markup, second.markup);
    let text = compile(&source).unwrap_or_else(|e| panic!("{e}\n{source}"));
    assert_eq!(text.matches("shared-note-A").count(), 1, "{text}");
    assert_eq!(text.matches("shared-note-B").count(), 1, "{text}");
    let squashed = squash(&text);
    for expected in ["one1two1three1", "four2five2"] {
        assert!(squashed.contains(expected), "{expected} in {text}");
    }
}

#[test]
fn string_literals_compile_to_exactly_their_text() {
    let nasty = "a\"b\\c\n#d $e$ [f] <g> @h // i /* j */ `k` \u{1}\u{2028}";
    let literal = string_literal(nasty);
    let source = format!(
        "{WRAPPER}#let s = {literal}\n#assert.eq(s.len(), {})\n#assert.eq(s.at(1), \"\\\"\")\n#raw({literal})\n",
        nasty.len()
    );
    compile(&source).unwrap_or_else(|e| panic!("{e}\n{source}"));
}
