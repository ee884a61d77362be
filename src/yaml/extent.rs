//! Byte extents of YAML values: where each value starts and ends in the
//! text, for editing a file in place (`anzen confirm` inserts a key after
//! the last value of an entry without touching the rest).

use saphyr_parser::{Event, Parser, ScalarStyle};

/// Deepest nesting followed.
const MAX_DEPTH: usize = 200;

/// Where a value lies in its source text, with the shape of its [`Node`]
/// (see [`extents`]): for editing a file in place without guessing from
/// indentation where a value ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Extent {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past its last character: past the closing bracket
    /// of a flow collection, past the last line break of a block scalar
    /// (`|`, `>`; or the end of the text), the end of the last item of a
    /// block collection, the end of the key for a value left empty.
    pub end: usize,
    /// Whether it is a collection written in flow style (`{…}`, `[…]`).
    pub flow: bool,
    /// Nothing for a scalar or an alias; the items of a sequence; the keys
    /// and values of a mapping, alternately, in source order (duplicate
    /// keys kept, unlike in [`Node`]).
    pub items: Vec<Extent>,
}

/// The [`Extent`] of every value of `src` (one document), read with
/// saphyr-parser; `None` if the text does not parse. Positions are byte
/// offsets into `src`.
pub fn extents(src: &str) -> Option<Extent> {
    let mut events = Parser::new_from_str(src);
    let mut offsets = Offsets {
        src,
        chars: 0,
        bytes: 0,
    };
    let mut root = None;
    loop {
        let (ev, _) = events.next()?.ok()?;
        match ev {
            Event::StreamEnd => return root,
            Event::DocumentStart(_) if root.is_some() => return None,
            Event::DocumentStart(_) => {
                let (ev, span) = events.next()?.ok()?;
                root = Some(if matches!(ev, Event::DocumentEnd) {
                    let at = offsets.byte(span.start.index());
                    Extent {
                        start: at,
                        end: at,
                        flow: false,
                        items: Vec::new(),
                    }
                } else {
                    extent(&mut events, &mut offsets, ev, span, 0)?
                });
            }
            _ => {}
        }
    }
}

/// Converts saphyr's character indices to byte offsets, walking from the
/// last one converted (the parser's positions mostly move forward).
struct Offsets<'a> {
    src: &'a str,
    chars: usize,
    bytes: usize,
}

impl Offsets<'_> {
    fn byte(&mut self, chars: usize) -> usize {
        while self.chars < chars && self.bytes < self.src.len() {
            let c = self.src[self.bytes..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            self.bytes += c;
            self.chars += 1;
        }
        while self.chars > chars && self.bytes > 0 {
            self.bytes -= 1;
            while !self.src.is_char_boundary(self.bytes) {
                self.bytes -= 1;
            }
            self.chars -= 1;
        }
        self.bytes
    }
}

/// Just past the closing quote of the quoted scalar that `src[start..]`
/// holds (after its anchor and tag, if any).
fn quoted_end(src: &str, start: usize, quote: u8) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut i = start;
    // Anchor and tag properties come first, each followed by a space.
    while matches!(bytes.get(i), Some(b'&' | b'!')) {
        while bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
            i += 1;
        }
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
    }
    if bytes.get(i) != Some(&quote) {
        return None;
    }
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn extent<'a>(
    events: &mut Parser<'a, saphyr_parser::StrInput<'a>>,
    offsets: &mut Offsets<'_>,
    ev: Event<'a>,
    span: saphyr_parser::Span,
    depth: usize,
) -> Option<Extent> {
    if depth > MAX_DEPTH {
        return None;
    }
    let start = offsets.byte(span.start.index());
    match ev {
        Event::Scalar(_, style, ..) => {
            let mut end = offsets.byte(span.end.index());
            if let Some(quote) = match style {
                ScalarStyle::DoubleQuoted => Some(b'"'),
                ScalarStyle::SingleQuoted => Some(b'\''),
                _ => None,
            } {
                // The parser's span runs on over spaces and a comment after
                // the closing quote: find the quote itself.
                end = quoted_end(&offsets.src[..end], start, quote).unwrap_or(end);
            } else if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                // The parser ends a block scalar at the next token, after
                // the indentation of its line: end it at that line's start.
                let line_start = offsets.src[..end].rfind(['\n', '\r']).map_or(0, |i| i + 1);
                if offsets.src[line_start..end]
                    .bytes()
                    .all(|b| b == b' ' || b == b'\t')
                {
                    end = line_start.max(start);
                }
            }
            Some(Extent {
                start,
                end,
                flow: false,
                items: Vec::new(),
            })
        }
        Event::Alias(_) => Some(Extent {
            start,
            end: offsets.byte(span.end.index()),
            flow: false,
            items: Vec::new(),
        }),
        Event::SequenceStart(..) | Event::MappingStart(..) => {
            let mut items = Vec::new();
            loop {
                let (ev, span) = events.next()?.ok()?;
                if matches!(ev, Event::SequenceEnd | Event::MappingEnd) {
                    // A flow collection ends at its bracket (the span runs
                    // on over a comment after it); a block one where the
                    // next token is, so at its last item.
                    let flow = span.end.index() > span.start.index();
                    let end = if flow {
                        offsets.byte(span.start.index()) + 1
                    } else {
                        items.last().map_or(start, |i: &Extent| i.end)
                    };
                    return Some(Extent {
                        start,
                        end,
                        flow,
                        items,
                    });
                }
                items.push(extent(events, offsets, ev, span, depth + 1)?);
            }
        }
        _ => None,
    }
}
