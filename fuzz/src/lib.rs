//! What the fuzz targets check, one public function per target; each
//! panics when a property fails. The regression tests include this file as
//! a module (`tests/suite/fuzz_regressions.rs`, `tests/suite/fuzz_markup_compiles.rs`),
//! so `cargo test` replays the saved inputs through exactly these checks
//! without cargo-fuzz or nightly. It depends on nothing but `anzen` and std.
//!
//! - [`frontmatter`]: a Markdown document with front matter loads without
//!   panicking, and every finding, section, link and line it reports is
//!   inside the file.
//! - [`ledger`]: a YAML file loads as a ledger (and as the project config)
//!   without panicking, every position inside the file.
//! - [`answers`]: the same for the checklist answers.
//! - [`fast_yaml`]: whatever the fast YAML reader accepts,
//!   saphyr-parser reads without error into the same tree and items, and
//!   the ledger loaded either way is the same.
//! - [`markup`]: Markdown converts to Typst in which only string literals
//!   carry text ([`check_markup`]): outside them is nothing but the syntax
//!   the converter generates; every line maps to a source line; and every
//!   letter and digit of the document's text is still in the literals.
//! - [`site_html`]: where `html::canonical::sanitised_form` gives an
//!   answer (for the page HTML of a Markdown body, and for the input read
//!   as HTML), it is byte for byte the sanitiser's; and for a body with no
//!   raw HTML it gives one unless the HTML would be restructured.

use std::collections::HashMap;
use std::sync::LazyLock;

use anzen::diag::{Finding, Location};
use anzen::load::{answers as answers_file, document, ledger as ledger_file};
use anzen::model::Config;
use anzen::render::pdf::markup::{Converted, MarkupOptions, to_typst};
use anzen::standard::LedgerKinds;
use anzen::yaml;

static KINDS: LazyLock<LedgerKinds> = LazyLock::new(LedgerKinds::bundled);

const DOCUMENT_FILE: &str = "f.md";
const LEDGER_FILE: &str = "content/ledgers/l.yaml";
const ANSWERS_FILE: &str = "content/checklist.yaml";

/// The bytes as text the way `load::source::read_text` hands a content
/// file on: UTF-8 (invalid bytes replaced, so that every input is used),
/// BOM stripped, CRLF and CR folded to LF.
pub fn text(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// [`text`], unless `read_text` refuses the file for an ASCII control
/// character other than tab, LF and CR: the loaders never see one.
pub fn content_text(data: &[u8]) -> Option<String> {
    let text = text(data);
    let control = |c: char| c.is_ascii_control() && !matches!(c, '\t' | '\n');
    (!text.contains(control)).then_some(text)
}

/// `cargo fuzz run frontmatter`: a document with front matter.
pub fn frontmatter(data: &[u8]) {
    let Some(text) = content_text(data) else {
        return;
    };
    let bounds = Bounds::new(&text);
    let mut findings = Vec::new();
    let doc = document::parse(&text, DOCUMENT_FILE, "documents/f.md", &mut findings);
    bounds.findings(&findings, DOCUMENT_FILE);
    if let Some(d) = doc {
        for (what, line) in [
            ("id_line", d.id_line),
            ("approval_line", d.approval_line),
            ("review_line", d.review_line),
            ("body_line", d.body_line),
        ] {
            bounds.line(line, what);
        }
        for &line in &d.satisfies_lines {
            bounds.line(line, "satisfies line");
        }
        for s in &d.sections {
            bounds.line(s.line, &format!("section {:?}", s.id));
            assert!((1..=6).contains(&s.level), "section level {}", s.level);
        }
        for l in &d.links {
            bounds.location(&l.location, DOCUMENT_FILE, &format!("link {:?}", l.target));
        }
        assert!(
            text.ends_with(&d.body),
            "the body is not the end of the file"
        );
    }
}

/// `cargo fuzz run ledger`: a ledger file (and the same tree as the
/// project config, the other YAML that is read into typed structs).
pub fn ledger(data: &[u8]) {
    let Some(text) = content_text(data) else {
        return;
    };
    let bounds = Bounds::new(&text);
    let Some(root) = parsed_yaml(&text, &bounds, LEDGER_FILE) else {
        return;
    };
    let mut findings = Vec::new();
    let ledger = ledger_file::parse(&text, &KINDS, LEDGER_FILE, "ledgers/l.yaml", &mut findings);
    bounds.findings(&findings, LEDGER_FILE);
    if let Some(l) = ledger {
        bounds.line(l.retention_line, "retention_line");
        for e in &l.entries {
            bounds.location(&e.location, LEDGER_FILE, &format!("entry {:?}", e.id));
            for (name, field) in &e.fields {
                bounds.location(
                    &e.field_location(field),
                    LEDGER_FILE,
                    &format!("field {name}"),
                );
            }
        }
    }
    if let Err(e) = yaml::deserialize::<Config>(&root) {
        bounds.position(e.line, e.column, &format!("config error {}", e.rule));
    }
}

/// `cargo fuzz run fast_yaml`: differential test of `load::fast_yaml`
/// against saphyr-parser (`load::yaml`), as YAML trees and as ledgers.
pub fn fast_yaml(data: &[u8]) {
    let Some(text) = content_text(data) else {
        return;
    };
    let mut fast_items = Vec::new();
    let fast = yaml::fast::parse_streaming(&text, "entries", &mut |pairs, item| {
        fast_items.push((pairs.to_vec(), item.to_node()))
    });
    if let Some(fast) = fast {
        let mut slow_items = Vec::new();
        let slow = yaml::parse_streaming(&text, "entries", &mut |pairs, item| {
            slow_items.push((pairs.to_vec(), item))
        });
        assert!(fast.errors.is_empty(), "the fast reader reports no errors");
        assert_eq!(
            slow.errors,
            Vec::new(),
            "the fast reader took a file with errors"
        );
        assert_eq!(fast.root, slow.root, "trees differ");
        assert_eq!(fast_items, slow_items, "streamed items differ");
    }
    if let Some(fast) = yaml::fast::parse(&text) {
        let slow = yaml::parse_saphyr(&text);
        assert_eq!(
            slow.errors,
            Vec::new(),
            "the fast reader took a file with errors"
        );
        assert_eq!(fast.root, slow.root, "trees differ (not streamed)");
    }
    let load = |fast: bool| {
        let mut findings = Vec::new();
        let ledger = ledger_file::parse_with(
            &text,
            &KINDS,
            LEDGER_FILE,
            "ledgers/l.yaml",
            &mut findings,
            fast,
        );
        format!("{:?}\n{:?}", ledger, findings)
    };
    assert_eq!(load(true), load(false), "the ledger differs");
}

/// `cargo fuzz run answers`: the checklist answers file.
pub fn answers(data: &[u8]) {
    let Some(text) = content_text(data) else {
        return;
    };
    let bounds = Bounds::new(&text);
    let Some(root) = parsed_yaml(&text, &bounds, ANSWERS_FILE) else {
        return;
    };
    let mut findings = Vec::new();
    let (answers, _unparsed) = answers_file::from_tree(&root, ANSWERS_FILE, &mut findings);
    bounds.findings(&findings, ANSWERS_FILE);
    for a in answers.iter().flat_map(|a| &a.answers) {
        let what = format!("answer {:?}", a.item);
        bounds.location(&a.location, ANSWERS_FILE, &what);
        bounds.location(&a.answer_location, ANSWERS_FILE, &what);
        if let Some(l) = &a.remediation_location {
            bounds.location(l, ANSWERS_FILE, &what);
        }
        for r in &a.evidence {
            bounds.location(&r.location, ANSWERS_FILE, &what);
        }
    }
}

/// Parses YAML as `load::load` does; its errors as findings must be inside
/// the file, and so must every node of the tree.
fn parsed_yaml(text: &str, bounds: &Bounds, file: &str) -> Option<yaml::Node> {
    let parsed = yaml::parse(text);
    let findings: Vec<Finding> = parsed
        .errors
        .iter()
        .map(|e| document::yaml_finding(e, file, 0))
        .collect();
    bounds.findings(&findings, file);
    let root = parsed.root?;
    bounds.tree(&root);
    Some(root)
}

/// `cargo fuzz run markup`: Markdown to Typst; see [`check_markup`].
/// Control characters are kept: the converter must escape anything.
pub fn markup(data: &[u8]) {
    let body = text(data);
    let converted = to_typst(&body, &MarkupOptions::default());
    if let Err(e) = check_markup(&body, &converted) {
        panic!("{e}\n--- markup ---\n{}", converted.markup);
    }
}

/// `cargo fuzz run site_html`: the sanitiser's answer worked out without
/// its parse ([`anzen::html::canonical`]) equals the sanitiser's, on the
/// HTML the site renders for the body and on the input itself as HTML.
pub fn site_html(data: &[u8]) {
    let body = text(data);
    let (html, _raw, _) = anzen::render::site::markdown::unsanitised(&body, &[], &|_| None);
    for html in [html.as_str(), body.as_str()] {
        if let Some(fast) = anzen::html::canonical::sanitised_form(html) {
            let slow = anzen::html::clean(html);
            assert_eq!(fast, slow, "--- html ---\n{html}");
        }
    }
}

/// The lines of a file, for checking that positions are inside it.
struct Bounds {
    /// Characters on each line (split at `\n`).
    widths: Vec<usize>,
    /// The largest line a position may have: the line count, plus one for
    /// the end of the file.
    last: usize,
}

impl Bounds {
    fn new(text: &str) -> Self {
        Bounds {
            widths: text.split('\n').map(|l| l.chars().count()).collect(),
            last: text.lines().count() + 1,
        }
    }

    /// `line` (1-based, 0 for none) is inside the file.
    fn line(&self, line: usize, what: &str) {
        assert!(
            line <= self.last,
            "{what}: line {line} is past the end of the file ({} lines)",
            self.last - 1
        );
    }

    /// `line:column` is inside the file: the column at most one past the
    /// end of its line.
    fn position(&self, line: usize, column: usize, what: &str) {
        self.line(line, what);
        if line == 0 {
            return;
        }
        let width = self.widths.get(line - 1).copied().unwrap_or(0);
        assert!(
            column <= width + 1,
            "{what}: column {column} is past the end of line {line} ({width} characters)"
        );
    }

    fn location(&self, location: &Location, file: &str, what: &str) {
        assert_eq!(&*location.file, file, "{what}: the location's file");
        self.position(location.line, location.column, what);
    }

    fn findings(&self, findings: &[Finding], file: &str) {
        for f in findings {
            if let Some(l) = &f.location {
                self.location(l, file, &format!("finding {} ({})", f.rule, f.message.en));
            }
        }
    }

    /// Every node and key of the tree is inside the file.
    fn tree(&self, node: &yaml::Node) {
        // Iterative: a tree may be as deep as the YAML loader allows.
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            self.position(n.line, n.column, &format!("{} node", n.type_name()));
            match &n.kind {
                yaml::NodeKind::Seq(items) => stack.extend(items),
                yaml::NodeKind::Map(entries) => {
                    for (k, v) in entries {
                        self.position(k.line, k.column, &format!("key {:?}", k.text));
                        stack.push(v);
                    }
                }
                _ => {}
            }
        }
    }
}

/// What a string literal of the markup is, by where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `#"..."`: document text.
    Text,
    /// `#raw(...)`: code, shown as written.
    Code,
    /// A code block's language or a link's address: not shown as text.
    Hidden,
}

/// A string literal of the markup, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    pub role: Role,
    pub value: String,
}

/// The properties a conversion must have:
///
/// 1. [`parse_generated`]: outside string literals only generated syntax.
/// 2. One line map entry per markup line, each a line of the Markdown.
/// 3. The text is kept: every letter and digit of the Markdown's text (its
///    text, code and HTML, as pulldown-cmark reads it) is in the shown
///    literals at least as often.
pub fn check_markup(body: &str, converted: &Converted) -> Result<(), String> {
    let literals = parse_generated(&converted.markup)?;
    let lines = converted.markup.lines().count();
    if converted.line_map.len() != lines {
        return Err(format!(
            "line_map has {} entries for {lines} markup lines",
            converted.line_map.len()
        ));
    }
    let source_lines = body.lines().count().max(1);
    if let Some(l) = converted
        .line_map
        .iter()
        .find(|&&l| !(1..=source_lines).contains(&l))
    {
        return Err(format!(
            "line_map points at line {l} of {source_lines} Markdown lines"
        ));
    }
    let mut shown: HashMap<char, usize> = HashMap::new();
    for l in literals.iter().filter(|l| l.role != Role::Hidden) {
        for c in l.value.chars().filter(|c| c.is_alphanumeric()) {
            *shown.entry(c).or_default() += 1;
        }
    }
    let mut written: HashMap<char, usize> = HashMap::new();
    for c in source_text(body).chars().filter(|c| c.is_alphanumeric()) {
        *written.entry(c).or_default() += 1;
    }
    let mut lost: Vec<(char, usize, usize)> = written
        .into_iter()
        .filter_map(|(c, n)| {
            let m = shown.get(&c).copied().unwrap_or(0);
            (m < n).then_some((c, n, m))
        })
        .collect();
    if !lost.is_empty() {
        lost.sort();
        return Err(format!(
            "text lost (character, times written, times shown): {lost:?}"
        ));
    }
    Ok(())
}

/// The text of a Markdown body as pulldown-cmark reads it with anzen's
/// options: text, code, HTML and math, concatenated.
pub fn source_text(body: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut out = String::new();
    for event in Parser::new_ext(body, anzen::load::markdown::options()) {
        match event {
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => out.push_str(&t),
            _ => {}
        }
    }
    out
}

/// Most brackets open at once that the converter may produce (it flattens
/// nesting beyond `markup::MAX_DEPTH`).
const MAX_NESTING: usize = 100;

/// Functions the converter calls with `#`, and what follows the name.
const FUNCTIONS: &[(&str, Call)] = &[
    ("heading", Call::ArgsThenContent),
    ("quote", Call::ArgsThenContent),
    ("pad", Call::ArgsThenContent),
    ("link", Call::ArgsMaybeContent),
    ("footnote", Call::ContentOrArgs),
    ("emph", Call::Content),
    ("box", Call::Content),
    ("block", Call::Content),
    ("strong", Call::Content),
    ("strike", Call::Content),
    ("super", Call::Content),
    ("sub", Call::Content),
    ("raw", Call::Args),
    ("list", Call::Args),
    ("enum", Call::Args),
    ("table", Call::Args),
    ("line", Call::Args),
    ("linebreak", Call::Args),
];

/// Named arguments the converter writes.
const ARGUMENTS: &[&str] = &[
    "level", "block", "lang", "tight", "start", "columns", "align", "length", "left",
];

/// Plain values the converter writes as arguments.
const VALUES: &[&str] = &["true", "false", "left", "center", "right", "auto"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    /// `#f(...)[...]`
    ArgsThenContent,
    /// `#f(...)` or `#f(...)[...]`
    ArgsMaybeContent,
    /// `#f[...]` or `#f(...)`
    ContentOrArgs,
    /// `#f[...]`
    Content,
    /// `#f(...)`
    Args,
}

/// Parses the markup the converter generates and returns its string
/// literals, or says where it holds anything else. Outside literals it
/// accepts only: in markup, spaces, newlines, `#"..."`, calls of the
/// converter's functions, `]` closing a content block and a footnote
/// label right after one; in arguments, the converter's named arguments,
/// numbers, `true`/`false`/alignments, literals, `table.header(...)`,
/// content blocks, tuples and footnote labels. So an `#` (or any other
/// markup or code) that came from the document instead of being generated
/// is an error, as is an unterminated or multi-line literal, an unknown
/// escape, or an unbalanced bracket.
pub fn parse_generated(markup: &str) -> Result<Vec<Literal>, String> {
    let mut p = Generated {
        src: markup,
        pos: 0,
        depth: 0,
        literals: Vec::new(),
    };
    p.markup(false)?;
    Ok(p.literals)
}

struct Generated<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
    literals: Vec<Literal>,
}

impl<'a> Generated<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn error(&self, what: &str) -> String {
        let line = self.src[..self.pos].matches('\n').count() + 1;
        let context: String = self.src[self.pos..].chars().take(40).collect();
        format!("markup line {line}: {what} at {context:?}")
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            Ok(())
        } else {
            Err(self.error(&format!("expected {c:?}")))
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.error("brackets nested too deeply"));
        }
        Ok(())
    }

    /// Markup, up to the `]` closing a content block (`in_block`) or the end.
    fn markup(&mut self, in_block: bool) -> Result<(), String> {
        let mut after_close = false;
        loop {
            let closed = after_close;
            after_close = false;
            match self.peek() {
                None if in_block => return Err(self.error("content block never closed")),
                None => return Ok(()),
                Some(']') if in_block => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(' ' | '\n') => self.pos += 1,
                Some('#') => {
                    self.pos += 1;
                    after_close = self.embedded()?;
                }
                Some('<') if closed => self.label()?,
                Some(c) => return Err(self.error(&format!("{c:?} in markup"))),
            }
        }
    }

    /// After `#`: a text literal or a call. Returns whether it ended with
    /// a content block (a label may follow).
    fn embedded(&mut self) -> Result<bool, String> {
        if self.peek() == Some('"') {
            self.literal(Role::Text)?;
            return Ok(false);
        }
        let name = self.ident();
        let Some(&(_, call)) = FUNCTIONS.iter().find(|(f, _)| *f == name) else {
            return Err(self.error(&format!("call of {name:?}")));
        };
        let role = match name {
            "raw" => Role::Code,
            "link" => Role::Hidden,
            _ => Role::Text,
        };
        let args = |p: &mut Self| -> Result<(), String> {
            p.expect('(')?;
            p.args(role)
        };
        let content = |p: &mut Self| -> Result<(), String> {
            p.expect('[')?;
            p.enter()?;
            p.markup(true)?;
            p.depth -= 1;
            Ok(())
        };
        Ok(match call {
            Call::Args => {
                args(self)?;
                false
            }
            Call::Content => {
                content(self)?;
                true
            }
            Call::ArgsThenContent => {
                args(self)?;
                content(self)?;
                true
            }
            Call::ArgsMaybeContent => {
                args(self)?;
                if self.peek() == Some('[') {
                    content(self)?;
                    true
                } else {
                    false
                }
            }
            Call::ContentOrArgs => {
                if self.peek() == Some('(') {
                    args(self)?;
                    false
                } else {
                    content(self)?;
                    true
                }
            }
        })
    }

    /// Arguments after `(`, up to the closing `)`.
    fn args(&mut self, role: Role) -> Result<(), String> {
        self.enter()?;
        let mut literal_role = role;
        loop {
            match self.peek() {
                None => return Err(self.error("arguments never closed")),
                Some(')') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                Some(' ' | '\n' | ',') => self.pos += 1,
                Some('"') => {
                    self.literal(literal_role)?;
                    literal_role = role;
                }
                Some('[') => {
                    self.pos += 1;
                    self.enter()?;
                    self.markup(true)?;
                    self.depth -= 1;
                }
                Some('(') => {
                    self.pos += 1;
                    self.args(Role::Hidden)?;
                }
                Some('<') => self.label()?,
                Some(c) if c.is_ascii_digit() => self.number()?,
                Some(c) if c.is_ascii_lowercase() => {
                    let name = self.ident();
                    if self.peek() == Some(':') && ARGUMENTS.contains(&name) {
                        self.pos += 1;
                        if name == "lang" {
                            literal_role = Role::Hidden;
                        }
                    } else if name == "table.header" {
                        self.expect('(')?;
                        self.args(Role::Text)?;
                    } else if !VALUES.contains(&name) {
                        return Err(self.error(&format!("argument {name:?}")));
                    }
                }
                Some(c) => return Err(self.error(&format!("{c:?} in arguments"))),
            }
        }
    }

    fn ident(&mut self) -> &'a str {
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_lowercase() || c == '.') {
            self.pos += 1;
        }
        &self.src[start..self.pos]
    }

    /// `12`, `1.5em`, `100%`.
    fn number(&mut self) -> Result<(), String> {
        while matches!(self.peek(), Some(c) if c.is_ascii_digit() || c == '.') {
            self.pos += 1;
        }
        if self.src[self.pos..].starts_with("em") || self.src[self.pos..].starts_with("fr") {
            self.pos += 2;
        } else if self.peek() == Some('%') {
            self.pos += 1;
        }
        match self.peek() {
            Some(c) if c.is_alphanumeric() => Err(self.error("a number runs into a word")),
            _ => Ok(()),
        }
    }

    /// `<anzen-fn-HEX-N>`.
    fn label(&mut self) -> Result<(), String> {
        let rest = &self.src[self.pos..];
        let Some(end) = rest.find('>') else {
            return Err(self.error("label never closed"));
        };
        let ok = rest[1..end]
            .strip_prefix("anzen-fn-")
            .and_then(|key| key.split_once('-'))
            .is_some_and(|(hash, n)| {
                !hash.is_empty()
                    && hash.chars().all(|c| c.is_ascii_hexdigit())
                    && !n.is_empty()
                    && n.chars().all(|c| c.is_ascii_digit())
            });
        if !ok {
            return Err(self.error("not a footnote label"));
        }
        self.pos += end + 1;
        Ok(())
    }

    /// A string literal: one line, only Typst's escapes.
    fn literal(&mut self, role: Role) -> Result<(), String> {
        let start = self.pos;
        self.expect('"')?;
        let mut value = String::new();
        loop {
            match self.bump() {
                None => {
                    self.pos = start;
                    return Err(self.error("string literal never closed"));
                }
                Some('"') => break,
                Some('\n') => return Err(self.error("newline in a string literal")),
                Some('\\') => match self.bump() {
                    Some('\\') => value.push('\\'),
                    Some('"') => value.push('"'),
                    Some('n') => value.push('\n'),
                    Some('r') => value.push('\r'),
                    Some('t') => value.push('\t'),
                    Some('u') => {
                        self.expect('{')?;
                        let rest = &self.src[self.pos..];
                        let end = rest.find('}').unwrap_or(0);
                        let c = u32::from_str_radix(&rest[..end], 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or_else(|| self.error("bad \\u escape"))?;
                        value.push(c);
                        self.pos += end + 1;
                    }
                    other => return Err(self.error(&format!("escape \\{other:?}"))),
                },
                Some(c) => value.push(c),
            }
        }
        self.literals.push(Literal { role, value });
        Ok(())
    }
}
