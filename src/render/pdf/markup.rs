//! Markdown to Typst markup for the PDF stage.
//!
//! The document body is parsed with the same pulldown-cmark options as the
//! rest of anzen ([`options`]) and its events are walked into Typst markup.
//! Safety comes first: every piece of text from the document is emitted as
//! a Typst string literal (`#"..."`, see [`string_literal`]), code as
//! `#raw("...")`, so nothing a writer types (`#`, `$`, `*`, `<label>`,
//! `#read(...)`, raw HTML, ...) is ever read as markup or code; only the
//! structure around the text is generated here.
//!
//! Japanese: `**「重要」**です` is emphasis (see [`cjk::prepare_emphasis`])
//! and a soft line break between two CJK characters vanishes.
//!
//! Tokens too long for a line (over 60 characters without a space or a
//! Japanese character) are set as a row of boxes a line may break between, so they wrap
//! instead of running off the page, and copy out of the PDF unchanged (no
//! character is inserted). Control characters and bidirectional
//! overrides are not shown ([`shown`]).
//!
//! Nesting deeper than [`MAX_DEPTH`] is flattened (the text stays, the
//! extra structure goes), so hostile input can neither exhaust typst's
//! limits nor the Rust stack: the walk is iterative, and only footnotes
//! recurse, a bounded number of times.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::ops::Range;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd,
};

use crate::cjk;
use crate::load::markdown::options;

/// Containers (lists, block quotes, emphasis, links, footnotes, ...) nested
/// deeper than this are emitted flattened: their text without their
/// structure.
pub const MAX_DEPTH: usize = 16;

/// Block quotes inside block quotes at most this deep; deeper ones are
/// flattened. typst stops at 15 nested `#quote` holding text with a show
/// rule ("maximum show rule depth exceeded"), found by the fuzzer.
pub const MAX_QUOTES: usize = 12;

/// Footnotes inside footnotes inside ... at most this deep; a reference
/// beyond shows its label and the definition is appended to the document.
const MAX_FOOTNOTE_NESTING: usize = 2;

/// How to convert.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkupOptions<'a> {
    /// Added to every heading level (`#` becomes level `1 + heading_offset`);
    /// levels are clamped to 1..=6.
    pub heading_offset: u8,
    /// When set, each heading is followed by `#metadata("sec:KEY/N")<anzen-mark>`
    /// (N counting the headings from 0), so that a table elsewhere in the
    /// PDF can print the page a section starts on.
    pub section_marks: Option<&'a str>,
}

/// Typst markup and where each of its lines came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// Typst markup, to be placed in a document after its set rules.
    pub markup: String,
    /// `line_map[i]` is the 1-based line of the Markdown body that produced
    /// line `i + 1` of `markup` (the line of the block or text that starts
    /// it); as many entries as `markup.lines()`.
    pub line_map: Vec<usize>,
}

/// `s` as a Typst string literal, quotes included: `\` and `"` escaped,
/// control characters and line separators as escapes, so the literal is
/// always one line and always means exactly `s`.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Runs of characters without a break opportunity (anything but white
/// space and Japanese) longer than this are set as boxes of [`BOX_CHARS`]
/// characters each: typst does not break inside a word, and a long token
/// (a URL, a hash, a line of `=`) would run off the page and vanish from
/// it. A line may break between two boxes; no character is added, so the
/// token copies out of the PDF as written.
const LONGEST_RUN: usize = 60;
const BOX_CHARS: usize = 40;

/// Whether `c` belongs to a run that typst will not break: not white
/// space, and not Japanese (between whose characters lines break).
fn in_run(c: char) -> bool {
    !c.is_whitespace() && !cjk::is_cjk(c)
}

/// `text` cut where it may be set as it is (`false`) and into the chunks of
/// its overlong runs ([`in_run`]) (`true`), in order; `carry` characters of
/// a run end the text written before it (in another string literal, an
/// emphasis...), and the run's characters at the end of `text` are
/// returned for the next.
fn long_runs<'t>(text: &'t str, carry: usize) -> (Vec<(bool, &'t str)>, usize) {
    let mut out: Vec<(bool, &str)> = Vec::new();
    let mut plain_from = 0;
    let mut run: Vec<usize> = Vec::new(); // byte offsets of the run's characters
    let mut before = carry; // run characters before `run` (only for the first)
    let mut cut =
        |run: &mut Vec<usize>, before: usize, end: usize, out: &mut Vec<(bool, &'t str)>| {
            if !run.is_empty() && before + run.len() > LONGEST_RUN {
                if plain_from < run[0] {
                    out.push((false, &text[plain_from..run[0]]));
                }
                for (k, chunk) in run.chunks(BOX_CHARS).enumerate() {
                    let to = run.get((k + 1) * BOX_CHARS).copied().unwrap_or(end);
                    out.push((true, &text[chunk[0]..to]));
                }
                plain_from = end;
            }
            run.clear();
        };
    for (i, c) in text.char_indices() {
        if in_run(c) {
            run.push(i);
        } else {
            cut(&mut run, before, i, &mut out);
            before = 0;
        }
    }
    let trailing = before + run.len();
    cut(&mut run, before, text.len(), &mut out);
    if plain_from < text.len() || out.is_empty() {
        out.push((false, &text[plain_from..]));
    }
    (out, trailing)
}

/// What the PDF shows of `text`: control characters (but tab and line
/// feed) and bidirectional embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) are dropped. Control characters show as
/// boxes, and a row of them is a token no line can break that pushed the
/// words after it off the page; an override reversed the words after it
/// (`L36` read `63L`) and can disguise what a line says.
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if text.chars().any(hidden) {
        text.chars()
            .filter(|c| !hidden(*c))
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// Text as markup: `#"..."`, its overlong runs as `#box[#"..."]`s; with
/// the run characters at its end (see [`long_runs`]).
fn text_markup(text: &str, carry: usize) -> (String, usize) {
    let text = shown(text);
    let mut out = String::new();
    let (parts, trailing) = long_runs(&text, carry);
    for (long, part) in parts {
        if long {
            let _ = write!(out, "#box[#{}]", string_literal(part));
        } else {
            out.push('#');
            out.push_str(&string_literal(part));
        }
    }
    (out, trailing)
}

/// Inline code as markup: `#raw("...")`, its overlong runs as
/// `#box[#raw("...")]`s; with the run characters at its end.
fn code_markup(code: &str, carry: usize) -> (String, usize) {
    let code = shown(code);
    let mut out = String::new();
    let (parts, trailing) = long_runs(&code, carry);
    for (long, part) in parts {
        if long {
            let _ = write!(out, "#box[#raw({})]", string_literal(part));
        } else {
            let _ = write!(out, "#raw({})", string_literal(part));
        }
    }
    (out, trailing)
}

/// Cells longer than this (in characters) make their column free text.
const SHORT_CELL: usize = 12;

/// The `columns:` of the table starting at event `start`: a count (every
/// column as wide as its content) when all cells are short; otherwise
/// columns with only short cells (dates, ids, names, codes) `auto`, as
/// wide as their content so nothing in them wraps, and the others `1fr`,
/// sharing the rest of the width, where free text wraps.
fn column_widths(doc: &Doc, start: usize, columns: usize) -> String {
    let mut longest = vec![0usize; columns];
    let (mut column, mut chars) = (0, 0);
    for (event, _) in &doc.events[start + 1..doc.ends[start]] {
        match event {
            Event::Start(Tag::TableHead | Tag::TableRow) => column = 0,
            Event::Start(Tag::TableCell) => chars = 0,
            Event::Text(t) | Event::Code(t) => chars += t.chars().count(),
            Event::End(TagEnd::TableCell) => {
                if let Some(l) = longest.get_mut(column) {
                    *l = (*l).max(chars);
                }
                column += 1;
            }
            _ => {}
        }
    }
    if longest.iter().all(|l| *l <= SHORT_CELL) {
        return columns.to_string();
    }
    let widths: Vec<&str> = longest
        .iter()
        .map(|l| if *l <= SHORT_CELL { "auto" } else { "1fr" })
        .collect();
    format!("({},)", widths.join(", "))
}

/// Converts a Markdown body to Typst markup.
pub fn to_typst(body: &str, options: &MarkupOptions) -> Converted {
    let prepared = cjk::prepare_emphasis(body);
    let doc = Doc::new(&prepared);
    let mut st = State {
        w: Writer::default(),
        depth: 0,
        quotes: 0,
        active: Vec::new(),
        rendered: HashSet::new(),
        labelled: HashSet::new(),
        doc_key: doc_key(body),
        prefix: None,
        heading_offset: options.heading_offset,
        section_marks: options.section_marks.map(|k| (k.to_string(), 0)),
    };
    render(&doc, &mut st, 0, doc.events.len());
    // Definitions never shown as a footnote (unreferenced, or referenced
    // only where a footnote could not go) keep their text at the end.
    for &def in &doc.footnote_order {
        if st.rendered.contains(&def) {
            continue;
        }
        st.rendered.insert(def);
        st.active.push(def);
        st.prefix = Some(format!("[^{}]: ", footnote_label(&doc, def)));
        render(&doc, &mut st, def + 1, doc.ends[def]);
        if let Some(prefix) = st.prefix.take() {
            st.w.block();
            st.w.text(prefix.trim_end());
        }
        st.active.pop();
    }
    st.w.flush();
    if !st.w.out.is_empty() && !st.w.out.ends_with('\n') {
        st.w.put("\n");
    }
    Converted {
        markup: st.w.out,
        line_map: st.w.line_map,
    }
}

/// The parsed document, read-only during the walk.
struct Doc<'a> {
    events: Vec<(Event<'a>, Range<usize>)>,
    /// For a `Start` event, the index of its `End`; otherwise its own index.
    ends: Vec<usize>,
    /// For a `Start(List)` event, whether the list is loose.
    loose: Vec<bool>,
    /// Case-folded footnote label to the index of its definition's `Start`.
    footnotes: HashMap<String, usize>,
    /// Every footnote definition's `Start` index, in document order.
    footnote_order: Vec<usize>,
    /// Byte offsets where lines start, for source lines.
    line_starts: Vec<usize>,
}

impl<'a> Doc<'a> {
    fn new(src: &'a str) -> Self {
        let events: Vec<(Event<'a>, Range<usize>)> =
            Parser::new_ext(src, options()).into_offset_iter().collect();
        let mut ends: Vec<usize> = (0..events.len()).collect();
        let mut loose = vec![false; events.len()];
        let mut footnotes = HashMap::new();
        let mut footnote_order = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        for (i, (event, _)) in events.iter().enumerate() {
            match event {
                Event::Start(tag) => {
                    if matches!(tag, Tag::Paragraph)
                        && let [.., list, item] = open.as_slice()
                        && matches!(events[*item].0, Event::Start(Tag::Item))
                        && matches!(events[*list].0, Event::Start(Tag::List(_)))
                    {
                        loose[*list] = true;
                    }
                    if let Tag::FootnoteDefinition(label) = tag {
                        footnotes.entry(label.to_lowercase()).or_insert(i);
                        footnote_order.push(i);
                    }
                    open.push(i);
                }
                Event::End(_) => {
                    if let Some(start) = open.pop() {
                        ends[start] = i;
                    }
                }
                _ => {}
            }
        }
        // No line starts at the very end: an event there (an empty table
        // cell padded in at the end of the file) belongs to the last line.
        let line_starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .filter(|&s| s == 0 || s < src.len())
            .collect();
        Doc {
            events,
            ends,
            loose,
            footnotes,
            footnote_order,
            line_starts,
        }
    }

    /// The 1-based source line of byte `offset`.
    fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset).max(1)
    }
}

fn footnote_label(doc: &Doc, def: usize) -> String {
    match &doc.events[def].0 {
        Event::Start(Tag::FootnoteDefinition(label)) => label.to_string(),
        _ => String::new(),
    }
}

/// Mutable state of the walk.
struct State {
    w: Writer,
    /// Open containers that add typst nesting.
    depth: usize,
    /// Open block quotes.
    quotes: usize,
    /// Footnote definitions being rendered (cycle guard).
    active: Vec<usize>,
    /// Footnote definitions already shown.
    rendered: HashSet<usize>,
    /// Footnote definitions shown as a labelled `#footnote[...]`.
    labelled: HashSet<usize>,
    /// Part of footnote labels, unique to the document.
    doc_key: String,
    /// Text to put at the start of the next paragraph (appended footnotes).
    prefix: Option<String>,
    heading_offset: u8,
    /// The key of section marks, and the number of headings so far.
    section_marks: Option<(String, usize)>,
}

/// Output with a source line for each output line.
struct Writer {
    out: String,
    line_map: Vec<usize>,
    at_line_start: bool,
    /// The source line of what is being written.
    src_line: usize,
    /// Text not yet written, and the source line where it began.
    text: String,
    text_line: usize,
    /// For each open block container: whether it has content yet.
    filled: Vec<bool>,
    /// Characters of the unbreakable run the markup written so far ends
    /// with (see [`long_runs`]).
    run: usize,
}

impl Default for Writer {
    fn default() -> Self {
        Writer {
            out: String::new(),
            line_map: Vec::new(),
            at_line_start: true,
            src_line: 1,
            text: String::new(),
            text_line: 1,
            filled: vec![false],
            run: 0,
        }
    }
}

impl Writer {
    /// Writes generated markup (never document text).
    fn put(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        // A new line or a line break ends any run.
        if s.contains('\n') || s.contains("#linebreak") {
            self.run = 0;
        }
        for piece in s.split_inclusive('\n') {
            if self.at_line_start {
                self.line_map.push(self.src_line);
                self.at_line_start = false;
            }
            self.out.push_str(piece);
            if piece.ends_with('\n') {
                self.at_line_start = true;
            }
        }
        if let Some(filled) = self.filled.last_mut() {
            *filled = true;
        }
    }

    /// Writes generated markup after any pending text.
    fn raw(&mut self, s: &str) {
        self.flush();
        self.put(s);
    }

    /// Writes inline code (document text shown as code).
    fn code(&mut self, code: &str) {
        self.flush();
        let (markup, run) = code_markup(code, self.run);
        self.put(&markup);
        self.run = run;
    }

    /// Queues document text; adjacent text becomes one string literal.
    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.text.is_empty() {
            self.text_line = self.src_line;
        }
        self.text.push_str(s);
    }

    fn flush(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.text);
        let line = std::mem::replace(&mut self.src_line, self.text_line);
        let (markup, run) = text_markup(&text, self.run);
        self.put(&markup);
        self.run = run;
        self.src_line = line;
    }

    /// Starts a block: a paragraph break unless the container is empty.
    fn block(&mut self) {
        self.flush();
        if self.filled.last().copied().unwrap_or(false) {
            self.put("\n\n");
        }
    }

    /// Opens a block container after `open` (which ends in `[`).
    fn open_container(&mut self, open: &str) {
        self.raw(open);
        self.filled.push(false);
    }

    /// Closes the innermost block container with `close`.
    fn close_container(&mut self, close: &str) {
        self.flush();
        if self.filled.len() > 1 {
            self.filled.pop();
        }
        self.put(close);
    }
}

/// What an `End` event has to do.
enum Frame {
    /// Nothing (paragraphs, flattened containers, ...).
    Nothing,
    /// Write this and leave one level of typst nesting.
    Close(&'static str),
    /// A heading: closed, then its section mark.
    Heading,
    /// Close a block container with this and leave one level of nesting.
    Container(&'static str),
    /// A block quote.
    Quote,
    /// A list whose items are `[...]` arguments.
    List,
    /// A list flattened: its items are paragraphs.
    FlatList,
    /// A list item, closed with `],`.
    Item,
    /// An image: its alt text in brackets.
    Image,
    Table {
        columns: usize,
    },
    /// A table row (or its header) with the number of cells so far.
    Row {
        cells: usize,
    },
    Cell,
}

fn render(doc: &Doc, st: &mut State, from: usize, to: usize) {
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = from;
    while i < to {
        let (event, range) = &doc.events[i];
        if !matches!(event, Event::End(_)) {
            st.w.src_line = doc.line(range.start);
        }
        match event {
            Event::Start(tag) => {
                if let Some(next) = start(doc, st, &mut frames, i, tag) {
                    i = next;
                    continue;
                }
            }
            Event::End(end) => {
                let frame = frames.pop().unwrap_or(Frame::Nothing);
                finish(st, &mut frames, frame, *end);
            }
            Event::Text(t) => st.w.text(&cjk::strip_marks(t)),
            Event::Code(t) => {
                let code = cjk::strip_marks(t);
                st.w.code(&code);
            }
            Event::InlineMath(t) => st.w.text(&format!("${}$", cjk::strip_marks(t))),
            Event::DisplayMath(t) => st.w.text(&format!("$${}$$", cjk::strip_marks(t))),
            Event::Html(t) | Event::InlineHtml(t) => {
                st.w.text(&cjk::strip_marks(t).replace(['\r', '\n'], " "))
            }
            Event::FootnoteReference(label) => footnote(doc, st, label),
            Event::SoftBreak => {
                let before = last_char(&doc.events[..i]);
                let after = first_char(&doc.events[i + 1..]);
                if !cjk::drop_soft_break(before, after) {
                    st.w.raw("\n");
                }
            }
            Event::HardBreak => st.w.raw("#linebreak()\n"),
            Event::Rule => {
                st.w.block();
                st.w.put("#line(length: 100%)");
            }
            Event::TaskListMarker(checked) => st.w.text(if *checked { "☑ " } else { "☐ " }),
        }
        i += 1;
    }
    // Unbalanced ranges cannot happen with pulldown-cmark, but never leave
    // a bracket open.
    while let Some(frame) = frames.pop() {
        finish(st, &mut frames, frame, TagEnd::Paragraph);
    }
}

/// Handles `Start(tag)` at index `i`; returns the index to continue at
/// when the whole element was consumed here.
fn start(doc: &Doc, st: &mut State, frames: &mut Vec<Frame>, i: usize, tag: &Tag) -> Option<usize> {
    let deep = st.depth >= MAX_DEPTH;
    let frame = match tag {
        Tag::Paragraph => {
            st.w.block();
            if let Some(prefix) = st.prefix.take() {
                st.w.text(&prefix);
            }
            Frame::Nothing
        }
        Tag::Heading { level, .. } => {
            st.w.block();
            let level = (heading_number(*level) + u16::from(st.heading_offset)).clamp(1, 6);
            st.w.put(&format!("#heading(level: {level})["));
            st.depth += 1;
            Frame::Heading
        }
        Tag::BlockQuote(_) if deep || st.quotes >= MAX_QUOTES => Frame::Nothing,
        Tag::BlockQuote(_) => {
            st.w.block();
            st.w.open_container("#quote(block: true)[");
            st.depth += 1;
            st.quotes += 1;
            Frame::Quote
        }
        Tag::CodeBlock(kind) => {
            let end = doc.ends[i];
            let mut code = String::new();
            for (event, _) in &doc.events[i + 1..end] {
                if let Event::Text(t) = event {
                    code.push_str(&cjk::strip_marks(t));
                }
            }
            if code.ends_with('\n') {
                code.pop();
            }
            st.w.block();
            let lang = match kind {
                CodeBlockKind::Fenced(info) => info
                    .split_whitespace()
                    .next()
                    .filter(|l| {
                        l.len() <= 32
                            && l.chars()
                                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
                    })
                    .map(|l| format!("lang: {}, ", string_literal(l)))
                    .unwrap_or_default(),
                CodeBlockKind::Indented => String::new(),
            };
            if code
                .lines()
                .any(|line| long_runs(line, 0).0.iter().any(|(long, _)| *long))
            {
                // A line too long for the page: the lines as inline code,
                // the long runs in boxes a line may break between.
                let lines: Vec<String> = code
                    .strip_suffix('\n')
                    .unwrap_or(&code)
                    .split('\n')
                    .map(|line| code_markup(line, 0).0)
                    .collect();
                st.w.put(&format!("#block[{}]", lines.join("#linebreak()")));
            } else {
                st.w.put(&format!(
                    "#raw(block: true, {lang}{})",
                    string_literal(&code)
                ));
            }
            return Some(end + 1);
        }
        Tag::HtmlBlock => {
            let end = doc.ends[i];
            let mut html = String::new();
            for (event, _) in &doc.events[i + 1..end] {
                if let Event::Html(t) | Event::Text(t) = event {
                    html.push_str(&cjk::strip_marks(t));
                }
            }
            st.w.block();
            let first = st.w.src_line;
            for (n, line) in html.trim_end_matches(['\n', '\r']).split('\n').enumerate() {
                st.w.src_line = first + n;
                if n > 0 {
                    st.w.raw("#linebreak()\n");
                }
                st.w.text(line.trim_end_matches('\r'));
            }
            st.w.flush();
            return Some(end + 1);
        }
        Tag::List(_) if deep => Frame::FlatList,
        Tag::List(first) => {
            st.w.block();
            let tight = if doc.loose[i] { "tight: false, " } else { "" };
            match first {
                Some(n) => st.w.put(&format!("#enum({tight}start: {n},\n")),
                None => st.w.put(&format!("#list({tight}\n")),
            }
            st.depth += 1;
            Frame::List
        }
        Tag::Item => match frames.last() {
            Some(Frame::List) => {
                st.w.open_container("[");
                Frame::Item
            }
            _ => {
                st.w.block();
                Frame::Nothing
            }
        },
        Tag::FootnoteDefinition(_) => return Some(doc.ends[i] + 1),
        Tag::DefinitionList => Frame::Nothing,
        Tag::DefinitionListTitle => {
            st.w.block();
            inline(st, deep, "#strong[")
        }
        Tag::DefinitionListDefinition if deep => {
            st.w.block();
            Frame::Nothing
        }
        Tag::DefinitionListDefinition => {
            st.w.block();
            st.w.open_container("#pad(left: 1.5em)[");
            st.depth += 1;
            Frame::Container("]")
        }
        Tag::Table(aligns) => {
            st.w.block();
            let columns = aligns.len().max(1);
            let align: Vec<&str> = aligns
                .iter()
                .map(|a| match a {
                    Alignment::Center => "center",
                    Alignment::Right => "right",
                    Alignment::Left | Alignment::None => "left",
                })
                .collect();
            let align = if align.is_empty() {
                "left".to_string()
            } else {
                format!("({},)", align.join(", "))
            };
            let widths = column_widths(doc, i, columns);
            st.w.put(&format!(
                "#table(\n  columns: {widths},\n  align: {align},\n"
            ));
            st.depth += 1;
            Frame::Table { columns }
        }
        Tag::TableHead => {
            st.w.raw("  table.header(");
            Frame::Row { cells: 0 }
        }
        Tag::TableRow => {
            st.w.raw("  ");
            Frame::Row { cells: 0 }
        }
        Tag::TableCell => {
            st.w.raw("[");
            Frame::Cell
        }
        Tag::Emphasis => inline(st, deep, "#emph["),
        Tag::Strong => inline(st, deep, "#strong["),
        Tag::Strikethrough => inline(st, deep, "#strike["),
        Tag::Superscript => inline(st, deep, "#super["),
        Tag::Subscript => inline(st, deep, "#sub["),
        Tag::Link {
            link_type,
            dest_url,
            ..
        } => match link_target(*link_type, dest_url) {
            // No text: typst shows the address.
            Some(url) if doc.ends[i] == i + 1 => {
                st.w.raw(&format!("#link({})", string_literal(&url)));
                Frame::Nothing
            }
            Some(url) if !deep => {
                st.w.raw(&format!("#link({})[", string_literal(&url)));
                st.depth += 1;
                Frame::Close("]")
            }
            _ => Frame::Nothing,
        },
        Tag::Image { .. } => {
            st.w.text("[");
            Frame::Image
        }
        Tag::MetadataBlock(_) => return Some(doc.ends[i] + 1),
    };
    frames.push(frame);
    None
}

/// An inline container: `open` ... `]`, or its bare content when too deep.
fn inline(st: &mut State, deep: bool, open: &str) -> Frame {
    if deep {
        return Frame::Nothing;
    }
    st.w.raw(open);
    st.depth += 1;
    Frame::Close("]")
}

fn finish(st: &mut State, frames: &mut [Frame], frame: Frame, end: TagEnd) {
    match frame {
        Frame::Nothing | Frame::FlatList => {}
        Frame::Close(close) => {
            st.w.raw(close);
            st.depth -= 1;
        }
        Frame::Heading => {
            st.w.raw("]");
            st.depth -= 1;
            if let Some((key, n)) = st.section_marks.as_mut() {
                let mark = string_literal(&format!("sec:{key}/{n}"));
                st.w.raw(&format!("#metadata({mark})<anzen-mark>"));
                *n += 1;
            }
        }
        Frame::Container(close) => {
            st.w.close_container(close);
            st.depth -= 1;
        }
        Frame::Quote => {
            st.w.close_container("]");
            st.depth -= 1;
            st.quotes -= 1;
        }
        Frame::List => {
            st.w.raw(")");
            st.depth -= 1;
        }
        Frame::Item => st.w.close_container("],\n"),
        Frame::Image => st.w.text("]"),
        Frame::Table { .. } => {
            st.w.raw(")");
            st.depth -= 1;
        }
        Frame::Row { cells } => {
            let columns = frames
                .iter()
                .rev()
                .find_map(|f| match f {
                    Frame::Table { columns } => Some(*columns),
                    _ => None,
                })
                .unwrap_or(cells);
            let mut pad = String::new();
            for _ in cells..columns {
                pad.push_str("[], ");
            }
            st.w.raw(&pad);
            st.w.raw(if matches!(end, TagEnd::TableHead) {
                "),\n"
            } else {
                "\n"
            });
        }
        Frame::Cell => {
            st.w.raw("], ");
            if let Some(Frame::Row { cells }) = frames.last_mut() {
                *cells += 1;
            }
        }
    }
}

/// A footnote reference: the definition as `#footnote[...]` the first
/// time (labelled), `#footnote(<label>)` (the same number) after that, or
/// the reference as text when there is no definition or a footnote cannot
/// go here (the definition then is appended to the document).
fn footnote(doc: &Doc, st: &mut State, label: &str) {
    let Some(def) = doc.footnotes.get(&label.to_lowercase()).copied() else {
        st.w.text(&format!("[^{label}]"));
        return;
    };
    let key = format!("anzen-fn-{}-{def}", st.doc_key);
    if st.labelled.contains(&def) && !st.active.contains(&def) {
        st.w.raw(&format!("#footnote(<{key}>)"));
        return;
    }
    if st.active.contains(&def)
        || st.rendered.contains(&def)
        || st.active.len() >= MAX_FOOTNOTE_NESTING
        || st.depth >= MAX_DEPTH
    {
        st.w.text(&format!("[^{label}]"));
        return;
    }
    let line = st.w.src_line;
    st.w.open_container("#footnote[");
    st.depth += 1;
    st.active.push(def);
    st.rendered.insert(def);
    let prefix = st.prefix.take();
    render(doc, st, def + 1, doc.ends[def]);
    st.prefix = prefix;
    st.active.pop();
    st.depth -= 1;
    st.w.close_container("]");
    st.w.put(&format!("<{key}>"));
    st.labelled.insert(def);
    st.w.src_line = line;
}

/// A short deterministic key of the document, so that footnote labels of
/// different documents placed in one Typst file do not clash.
fn doc_key(body: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in body.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", hash >> 32)
}

fn heading_number(level: HeadingLevel) -> u16 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The URL a link may point to in the PDF: http, https and mailto only.
fn link_target(link_type: LinkType, dest: &str) -> Option<String> {
    let dest = dest.trim();
    if link_type == LinkType::Email {
        return Some(format!("mailto:{dest}"));
    }
    let lower = dest.to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
        .then(|| dest.to_string())
}

fn last_char(events: &[(Event, Range<usize>)]) -> Option<char> {
    events.iter().rev().find_map(|(e, _)| match e {
        Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => {
            cjk::strip_marks(t).chars().last()
        }
        Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) => {
            None
        }
        _ => Some(' '),
    })
}

fn first_char(events: &[(Event, Range<usize>)]) -> Option<char> {
    events.iter().find_map(|(e, _)| match e {
        Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => {
            cjk::strip_marks(t).chars().next()
        }
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. }) => None,
        _ => Some(' '),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typst(md: &str) -> String {
        to_typst(md, &MarkupOptions::default()).markup
    }

    /// The document text of the markup: the contents of its string
    /// literals, unescaped, concatenated.
    fn texts(markup: &str) -> String {
        let mut out = String::new();
        let mut chars = markup.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '"' {
                continue;
            }
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some('r') => out.push('\r'),
                        Some('u') => {
                            let hex: String =
                                chars.by_ref().skip(1).take_while(|c| *c != '}').collect();
                            out.extend(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()));
                        }
                        Some(c) => out.push(c),
                        None => {}
                    },
                    c => out.push(c),
                }
            }
        }
        out
    }

    /// Outside string literals, the markup uses only generated syntax.
    fn assert_only_generated(markup: &str) {
        let mut outside = String::new();
        let mut in_string = false;
        let mut escaped = false;
        for c in markup.chars() {
            if in_string {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_string = false;
                }
                assert!(c != '\n', "newline in a string literal: {markup}");
            } else if c == '"' {
                in_string = true;
            } else {
                outside.push(c);
            }
        }
        assert!(!in_string, "unterminated string: {markup}");
        // Footnote labels are generated too.
        let mut rest = outside.as_str();
        let mut unlabelled = String::new();
        while let Some(at) = rest.find("<anzen-fn-") {
            unlabelled.push_str(&rest[..at]);
            let end = rest[at..].find('>').expect("label closes") + at;
            let key = &rest[at + "<anzen-fn-".len()..end];
            assert!(
                key.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
                "{markup}"
            );
            rest = &rest[end + 1..];
        }
        unlabelled.push_str(rest);
        for c in unlabelled.chars() {
            assert!(
                c.is_ascii_alphanumeric() || " \n#[](),:.%_".contains(c),
                "unexpected {c:?} outside strings in {markup}"
            );
        }
    }

    #[test]
    fn string_literal_escapes_quotes_backslashes_and_controls() {
        assert_eq!(string_literal(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(string_literal("x\ny\tz\r"), r#""x\ny\tz\r""#);
        assert_eq!(string_literal("\u{7}\u{2028}"), r#""\u{7}\u{2028}""#);
        assert_eq!(string_literal("日本語 😀"), "\"日本語 😀\"");
    }

    #[test]
    fn hash_and_brackets_stay_text() {
        let md = "#import \"x\" [a] #read(\"/etc/passwd\") $x^2$ @label <label> \\\\ ~x~\n";
        let out = typst(md);
        assert_only_generated(&out);
        assert!(texts(&out).contains("#read(\"/etc/passwd\")"), "{out}");
        assert!(texts(&out).contains("$x^2$ @label <label>"), "{out}");
    }

    #[test]
    fn line_start_markers_stay_text() {
        for md in [
            "\\= heading\n",
            "\\- item\n",
            "\\+ item\n",
            "1\\. item\n",
            "/ term: x\n",
            "// not a comment\n",
            "/* not a comment */\n",
        ] {
            let out = typst(md);
            assert_only_generated(&out);
            let expected = md.trim_end().replace('\\', "");
            assert_eq!(texts(&out), expected, "{out}");
        }
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let out = typst("<script>alert(1)</script>\n\nA <b>bold</b> word\n");
        assert_only_generated(&out);
        let t = texts(&out);
        assert!(t.contains("<script>alert(1)</script>"), "{out}");
        assert!(t.contains("A <b>bold</b> word"), "{out}");
    }

    #[test]
    fn html_block_lines_become_line_breaks() {
        let out = typst("<div>\none\ntwo\n</div>\n");
        assert_eq!(
            out,
            "#\"<div>\"#linebreak()\n#\"one\"#linebreak()\n#\"two\"#linebreak()\n#\"</div>\"\n"
        );
    }

    #[test]
    fn code_spans_and_blocks_are_raw() {
        let out = typst(
            "a `` x\"\\` `` b\n\n```rust\nfn main() { \"\\\\\" }\n```\n\n```evil\"lang\nx\n```\n",
        );
        assert_only_generated(&out);
        assert!(out.contains(r#"#raw("x\"\\`")"#), "{out}");
        assert!(
            out.contains(r#"#raw(block: true, lang: "rust", "fn main() { \"\\\\\" }")"#),
            "{out}"
        );
        assert!(out.contains(r#"#raw(block: true, "x")"#), "{out}");
    }

    #[test]
    fn headings_take_the_offset_and_clamp() {
        let out = to_typst(
            "# A {#a}\n\n###### F\n",
            &MarkupOptions {
                heading_offset: 1,
                ..MarkupOptions::default()
            },
        )
        .markup;
        assert_eq!(
            out,
            "#heading(level: 2)[#\"A\"]\n\n#heading(level: 6)[#\"F\"]\n"
        );
        let out = to_typst(
            "## B\n",
            &MarkupOptions {
                heading_offset: 255,
                ..MarkupOptions::default()
            },
        )
        .markup;
        assert!(out.starts_with("#heading(level: 6)"), "{out}");
    }

    #[test]
    fn section_marks_follow_each_heading_counted_from_zero() {
        let out = to_typst(
            "# A\n\ntext\n\n## B\n",
            &MarkupOptions {
                section_marks: Some("doc"),
                ..MarkupOptions::default()
            },
        )
        .markup;
        assert!(
            out.contains("#heading(level: 1)[#\"A\"]#metadata(\"sec:doc/0\")<anzen-mark>"),
            "{out}"
        );
        assert!(
            out.contains("#metadata(\"sec:doc/1\")<anzen-mark>"),
            "{out}"
        );
    }

    #[test]
    fn paragraphs_are_separated_by_blank_lines() {
        assert_eq!(typst("one\n\ntwo\n"), "#\"one\"\n\n#\"two\"\n");
    }

    #[test]
    fn emphasis_strong_and_strike_are_functions() {
        assert_eq!(
            typst("*a* **b** ~~c~~\n"),
            "#emph[#\"a\"]#\" \"#strong[#\"b\"]#\" \"#strike[#\"c\"]\n"
        );
    }

    #[test]
    fn unbalanced_emphasis_markers_stay_text() {
        let out = typst("**a *b _c __d\n");
        assert_only_generated(&out);
        assert_eq!(texts(&out), "**a *b _c __d");
    }

    #[test]
    fn web_links_are_links_and_other_links_are_text() {
        let out = typst(
            "[web](https://example.com/\"x) [mail](mailto:a@b.jp) <c@d.jp> [file](other.md) [js](javascript:alert(1))\n",
        );
        assert_only_generated(&out);
        assert!(
            out.contains(r#"#link("https://example.com/\"x")[#"web"]"#),
            "{out}"
        );
        assert!(out.contains(r#"#link("mailto:a@b.jp")[#"mail"]"#), "{out}");
        assert!(
            out.contains(r#"#link("mailto:c@d.jp")[#"c@d.jp"]"#),
            "{out}"
        );
        assert!(
            !out.contains("other.md") && !out.contains("javascript"),
            "{out}"
        );
        assert!(texts(&out).contains("file js"), "{out}");
    }

    #[test]
    fn links_without_text_show_their_address() {
        assert_eq!(
            typst("[](https://example.com) [](x.md)\n"),
            "#link(\"https://example.com\")#\" \"\n"
        );
    }

    #[test]
    fn images_become_their_alt_text_in_brackets() {
        assert_eq!(
            typst("![図 *1*](x.png)\n"),
            "#\"[図 \"#emph[#\"1\"]#\"]\"\n"
        );
    }

    #[test]
    fn nested_lists_keep_structure() {
        let out = typst("- a\n  1. b\n  2. c\n- d\n");
        assert_eq!(
            out,
            "#list(\n[#\"a\"\n\n#enum(start: 1,\n[#\"b\"],\n[#\"c\"],\n)],\n[#\"d\"],\n)\n"
        );
    }

    #[test]
    fn loose_lists_are_not_tight_and_enums_keep_their_start() {
        let out = typst("3. a\n\n4. b\n");
        assert!(out.starts_with("#enum(tight: false, start: 3,"), "{out}");
    }

    #[test]
    fn task_list_items_get_ballot_boxes() {
        let out = typst("- [ ] todo\n- [x] done\n");
        let t = texts(&out);
        assert!(t.contains("☐ todo") && t.contains("☑ done"), "{out}");
    }

    #[test]
    fn block_quotes_are_quotes() {
        assert_eq!(
            typst("> a\n>\n> b\n"),
            "#quote(block: true)[#\"a\"\n\n#\"b\"]\n"
        );
    }

    #[test]
    fn tables_have_columns_alignment_header_and_padded_rows() {
        let out = typst("| a | b | c |\n|:-|:-:|-:|\n| 1 | 2 |\n| # | $ | * |\n");
        assert!(out.contains("columns: 3,"), "{out}");
        assert!(out.contains("align: (left, center, right,),"), "{out}");
        assert!(
            out.contains("table.header([#\"a\"], [#\"b\"], [#\"c\"], ),"),
            "{out}"
        );
        assert!(out.contains("[#\"1\"], [#\"2\"], [], \n"), "{out}");
        assert!(out.contains("[#\"#\"], [#\"$\"], [#\"*\"], "), "{out}");
        assert_only_generated(&out);
    }

    #[test]
    fn footnotes_are_placed_at_their_reference() {
        let out = typst("本文[^1]。\n\n[^1]: 脚注の*本文*\n");
        assert_only_generated(&out);
        assert!(
            out.starts_with("#\"本文\"#footnote[#\"脚注の\"#emph[#\"本文\"]]<anzen-fn-"),
            "{out}"
        );
        assert!(out.ends_with(">#\"。\"\n"), "{out}");
    }

    #[test]
    fn repeated_footnote_references_share_one_footnote() {
        let out = typst("a[^n] b[^N] c[^n]\n\n[^n]: note\n");
        assert_only_generated(&out);
        assert_eq!(out.matches("#footnote[").count(), 1, "{out}");
        let label = &out[out.find("<anzen-fn-").unwrap()..];
        let label = &label[1..label.find('>').unwrap()];
        assert_eq!(
            out.matches(&format!("#footnote(<{label}>)")).count(),
            2,
            "{out}"
        );
        assert_ne!(
            label,
            typst("x[^n]\n\n[^n]: note\n").split('<').nth(1).unwrap(),
            "labels differ between documents"
        );
    }

    #[test]
    fn footnote_cycles_and_unreferenced_definitions_keep_their_text() {
        let out = typst("a[^x]\n\n[^x]: x refers to [^x] and [^y]\n\n[^y]: y\n\n[^z]: lonely\n");
        assert_only_generated(&out);
        let t = texts(&out);
        assert!(t.contains("x refers to [^x] and "), "{out}");
        assert!(out.contains("#footnote[#\"y\"]"), "{out}");
        assert!(t.contains("[^z]: lonely"), "{out}");
        assert_eq!(out.matches("#footnote[").count(), 2, "{out}");
    }

    #[test]
    fn a_reference_without_definition_shows_its_label() {
        let out = typst("a[^missing] b\n");
        assert_eq!(texts(&out), "a[^missing] b");
    }

    #[test]
    fn rules_and_hard_breaks() {
        assert_eq!(
            typst("a  \nb\n\n---\n"),
            "#\"a\"#linebreak()\n#\"b\"\n\n#line(length: 100%)\n"
        );
    }

    #[test]
    fn soft_break_between_japanese_is_dropped() {
        assert_eq!(
            typst("個人情報を\n取り扱う。\n"),
            "#\"個人情報を取り扱う。\"\n"
        );
        assert_eq!(typst("word\nbreak\n"), "#\"word\"\n#\"break\"\n");
        assert_eq!(
            typst("これは**強調**\nです\n"),
            "#\"これは\"#strong[#\"強調\"]#\"です\"\n"
        );
    }

    #[test]
    fn emphasis_next_to_japanese_punctuation_is_emphasis() {
        let out = typst("これは**「重要」**です\n");
        assert_eq!(out, "#\"これは\"#strong[#\"「重要」\"]#\"です\"\n");
        assert!(!out.contains(cjk::EMPHASIS_MARK));
    }

    #[test]
    fn deep_nesting_is_flattened_but_keeps_text() {
        let mut md = String::new();
        for level in 0..200 {
            md.push_str(&" ".repeat(level * 2));
            md.push_str(&format!("- L{level}\n"));
        }
        let out = typst(&md);
        assert_only_generated(&out);
        assert_eq!(out.matches("#list(").count(), MAX_DEPTH, "{out}");
        let t = texts(&out);
        for level in 0..200 {
            assert!(t.contains(&format!("L{level}")), "L{level}");
        }
        let quotes = format!("{} deep\n", ">".repeat(200));
        let out = typst(&quotes);
        assert_eq!(out.matches("#quote(").count(), MAX_QUOTES, "{out}");
        assert!(texts(&out).contains("deep"));
        let emph = format!("{}x{}\n", "*".repeat(100), "*".repeat(100));
        let out = typst(&emph);
        assert_only_generated(&out);
        assert_eq!(texts(&out), "x");
        assert_eq!(out.matches('[').count(), out.matches(']').count());
    }

    #[test]
    fn empty_and_blank_documents_give_empty_markup() {
        assert_eq!(
            to_typst("", &MarkupOptions::default()),
            Converted::default()
        );
        assert_eq!(typst("  \n\n \t\n"), "");
    }

    #[test]
    fn line_map_points_back_to_the_source_lines() {
        let md = "# 見出し\n\n段落\nつづき\n\n- a\n- b\n\nword\nwrap\n";
        let c = to_typst(md, &MarkupOptions::default());
        assert_eq!(c.line_map.len(), c.markup.lines().count());
        let line_of = |needle: &str| {
            let i = c.markup.lines().position(|l| l.contains(needle)).unwrap();
            c.line_map[i]
        };
        assert_eq!(line_of("見出し"), 1);
        assert_eq!(line_of("段落"), 3);
        assert_eq!(line_of("\"a\""), 6);
        assert_eq!(line_of("\"b\""), 7);
        assert_eq!(line_of("word"), 9);
        assert_eq!(line_of("wrap"), 10);
    }

    #[test]
    fn overlong_tokens_are_boxes_not_inserted_characters() {
        let token = "x".repeat(100);
        let out = typst(&format!("{token} short {}\n\n`{token}`\n", "y".repeat(50)));
        let t = texts(&out);
        assert!(!out.contains('\u{200B}'), "{out}");
        assert_eq!(t, format!("{token} short {}{token}", "y".repeat(50)));
        let forty = "x".repeat(40);
        assert!(
            out.contains(&format!(
                "#box[#\"{forty}\"]#box[#\"{forty}\"]#box[#\"xxxxxxxxxxxxxxxxxxxx\"]#\" short "
            )),
            "{out}"
        );
        assert!(out.contains(&format!("#box[#raw(\"{forty}\")]")), "{out}");
        let url = format!("https://example.com/{}", "a".repeat(30));
        assert_eq!(texts(&typst(&format!("{url}\n"))), url);
        assert!(!typst(&format!("{url}\n")).contains("#box"));
    }

    #[test]
    fn a_code_block_with_an_overlong_line_keeps_its_lines() {
        let out = typst(&format!("```\nshort line\n{}\n```\n", "z".repeat(90)));
        assert!(
            out.contains("#block[#raw(\"short line\")#linebreak()#box[#raw("),
            "{out}"
        );
        assert!(!out.contains('\u{200B}'), "{out}");
    }

    #[test]
    fn control_and_bidi_override_characters_are_dropped_and_separators_escaped() {
        // Control characters showed as boxes, and a row of them pushed the
        // words after it off the page; U+202E reversed the words after it.
        let out = typst("a\u{1}b\u{2028}c\u{202e}d\n");
        assert_only_generated(&out);
        assert_eq!(out.lines().count(), 1, "{out}");
        assert_eq!(texts(&out), "ab\u{2028}cd");
        let out = typst(&format!("x{}with\n", "\u{0}".repeat(60)));
        assert_eq!(texts(&out), "xwith", "{out}");
    }

    #[test]
    fn a_run_across_emphasis_is_measured_whole() {
        // 50 + 50 characters without a break, in two literals.
        let out = typst(&format!("{}*{}*\n", "a".repeat(50), "b".repeat(50)));
        assert!(out.contains("#emph[#box[#\"bbbb"), "{out}");
        assert_eq!(texts(&out), format!("{}{}", "a".repeat(50), "b".repeat(50)));
        // A space between them: two short runs.
        assert!(!typst(&format!("{} *{}*\n", "a".repeat(50), "b".repeat(50))).contains("#box"));
    }

    #[test]
    fn a_long_run_of_symbols_and_letters_is_boxed() {
        // U+FFFD and punctuation break no more than letters do.
        let run = format!("{}\u{FFFD}{}", "b".repeat(40), "*".repeat(30));
        let out = typst(&format!("前{run}後\n"));
        assert!(out.contains("#\"前\"#box["), "{out}");
        assert_eq!(texts(&out), format!("前{run}後"));
    }
}
