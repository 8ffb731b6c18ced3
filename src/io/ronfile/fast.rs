//! A fast path for reading files laid out exactly as Sorot writes them.
//!
//! The spans (most of a file's lines) and the article text (most of its
//! bytes) are read by a strict hand-written reader that accepts only what
//! [`super::push_span_line`] and [`super::push_ron_str`] write; the rest
//! (header, entities, relations, schema) still goes through `ron`. Anything
//! else — a hand-edited line, a different layout, an error — returns
//! `None`, and the caller parses the whole file with `ron`, which reports
//! problems with their positions. So this path can only be faster, never
//! more lenient: what it accepts is valid RON with the same meaning (a
//! test checks it gives what `ron` gives, on written and on mutated files).

use std::collections::BTreeMap;

use super::{FileDto, RangeDto, ReviewDto, ReviewStatusDto, SpanDto, SuggestedDto};
use crate::model::AttrValue;

const SPANS_OPEN: &str = "\n    spans: [\n";
const SPANS_EMPTY: &str = "\n    spans: [],\n";
const SPANS_CLOSE: &str = "    ],\n";
const TEXT_OPEN: &str = "\n    text: ";

/// Reads a file as Sorot writes it; `None` if it is laid out differently
/// or anything in it does not parse.
pub(super) fn read(src: &str) -> Option<FileDto> {
    // The text: the last field, one string.
    let text_at = src.rfind(TEXT_OPEN)? + TEXT_OPEN.len();
    // The spans: one per line between `spans: [` and `],`, read on a
    // second thread while `ron` reads the rest.
    let text_field = text_at - TEXT_OPEN.len();
    let (head, body, mid) = match src.find(SPANS_OPEN) {
        Some(open) => {
            let start = open + SPANS_OPEN.len();
            // Strings never hold a raw newline, so the section ends at the
            // first line that closes it (checked again by the reader).
            let end = if src[start..].starts_with(SPANS_CLOSE) {
                start
            } else {
                src[start..].find(&format!("\n{SPANS_CLOSE}"))? + start + 1
            };
            (&src[..open], Some(start..end), src.get(end + SPANS_CLOSE.len()..text_field)?)
        }
        None => {
            let open = src.find(SPANS_EMPTY)?;
            (&src[..open], None, src.get(open + SPANS_EMPTY.len()..text_field)?)
        }
    };
    let read_spans = || -> Option<Vec<SpanDto>> {
        let Some(body) = body.clone() else { return Some(Vec::new()) };
        let mut c = Cursor { s: src, i: body.start };
        let mut spans = Vec::with_capacity(src[body.clone()].len() / 160);
        while c.i < body.end {
            c.lit("        ")?;
            spans.push(c.span()?);
            c.lit(",\n")?;
        }
        (c.i == body.end).then_some(spans)
    };
    // Everything else through `ron`, with the spans and the text left empty.
    let read_rest = || -> Option<FileDto> {
        let mut rest = String::with_capacity(head.len() + mid.len() + 64);
        rest.push_str(head);
        rest.push_str(SPANS_EMPTY);
        rest.push_str(mid);
        rest.push_str(TEXT_OPEN);
        rest.push_str("\"\",\n)\n");
        let mut dto: FileDto = ron::from_str(&rest).ok()?;
        if !dto.spans.is_empty() || !dto.text.is_empty() {
            return None;
        }
        dto.text = text_from(src, text_at)?;
        Some(dto)
    };
    let (spans, dto) = if body.as_ref().is_some_and(|b| b.len() > 1 << 20) {
        std::thread::scope(|scope| {
            let spans = scope.spawn(read_spans);
            let dto = read_rest();
            (spans.join().ok().flatten(), dto)
        })
    } else {
        (read_spans(), read_rest())
    };
    let (spans, mut dto) = (spans?, dto?);
    dto.spans = spans;
    Some(dto)
}

/// The article text alone (the last field), to show it while the rest
/// loads; `None` if it is not written as Sorot writes it.
pub(super) fn text(src: &str) -> Option<String> {
    text_from(src, src.rfind(TEXT_OPEN)? + TEXT_OPEN.len())
}

/// The text string at `at`, which must end the file.
fn text_from(src: &str, at: usize) -> Option<String> {
    let mut c = Cursor { s: src, i: at };
    // Escapes only shorten, so the rest of the file bounds the text: one
    // allocation instead of a doubling series over 10 MB.
    let text = c.string_into(String::with_capacity(src.len() - at))?;
    (src.get(c.i..)?.trim_end() == ",\n)").then_some(text)
}

struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl Cursor<'_> {
    fn lit(&mut self, l: &str) -> Option<()> {
        if self.s.get(self.i..)?.starts_with(l) {
            self.i += l.len();
            Some(())
        } else {
            None
        }
    }

    fn eat(&mut self, l: &str) -> bool {
        self.lit(l).is_some()
    }

    fn peek(&self, l: &str) -> bool {
        self.s.get(self.i..).is_some_and(|r| r.starts_with(l))
    }

    /// An optional field written only when present: `prefix` then
    /// `Some(value)`. `None` if it is there but does not parse.
    fn optional<T>(&mut self, prefix: &str, value: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        let rest = self.s.get(self.i..).unwrap_or("");
        if !(rest.starts_with(prefix) && rest[prefix.len()..].starts_with("Some(")) {
            return Some(None);
        }
        self.i += prefix.len() + "Some(".len();
        let v = value(self)?;
        self.lit(")")?;
        Some(Some(v))
    }

    /// A number with an optional minus sign, as Rust's `Display` writes it.
    fn int<T: std::str::FromStr>(&mut self) -> Option<T> {
        let bytes = self.s.as_bytes();
        let start = self.i;
        let mut j = start;
        if bytes.get(j) == Some(&b'-') {
            j += 1;
        }
        let digits = j;
        while bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if j == digits || (bytes[digits] == b'0' && j > digits + 1) {
            return None;
        }
        self.i = j;
        self.s[start..j].parse().ok()
    }

    /// A string as `push_ron_str` writes it (the escapes of
    /// `char::escape_debug`).
    fn string(&mut self) -> Option<String> {
        self.string_into(String::new())
    }

    fn string_into(&mut self, mut out: String) -> Option<String> {
        self.lit("\"")?;
        let bytes = self.s.as_bytes();
        let mut run = self.i;
        loop {
            // Copy plain runs at once: find the next quote or backslash.
            let rel = bytes[self.i..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            self.i += rel;
            out.push_str(&self.s[run..self.i]);
            match bytes[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let c = match *bytes.get(self.i)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'\'' => '\'',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'0' => '\0',
                        b'u' => {
                            self.i += 1;
                            self.lit("{")?;
                            let end = self.s[self.i..].find('}')? + self.i;
                            let hex = &self.s[self.i..end];
                            if hex.is_empty() || hex.len() > 6 {
                                return None;
                            }
                            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                            self.i = end;
                            c
                        }
                        _ => return None,
                    };
                    self.i += 1;
                    out.push(c);
                    run = self.i;
                }
                // A raw control character: not what Sorot writes.
                _ => return None,
            }
        }
    }

    fn span(&mut self) -> Option<SpanDto> {
        self.lit("(id: ")?;
        let id = self.int()?;
        self.lit(", label: ")?;
        let label = self.string()?;
        self.lit(", ranges: [")?;
        let mut ranges = Vec::with_capacity(1);
        loop {
            self.lit("(start_byte: ")?;
            let start_byte = self.int()?;
            self.lit(", end_byte: ")?;
            let end_byte = self.int()?;
            self.lit(", quote: ")?;
            let quote = self.string()?;
            self.lit(")")?;
            ranges.push(RangeDto { start_byte, end_byte, quote });
            if !self.eat(", ") {
                break;
            }
        }
        self.lit("]")?;
        let entity = self.optional(", entity: ", Self::int)?;
        let mut attributes = BTreeMap::new();
        if self.eat(", attributes: {") {
            loop {
                let k = self.string()?;
                self.lit(": ")?;
                let v = if self.eat("true") {
                    AttrValue::Bool(true)
                } else if self.eat("false") {
                    AttrValue::Bool(false)
                } else {
                    AttrValue::Text(self.string()?)
                };
                // Written from a map: sorted, no duplicates.
                if attributes.keys().next_back().is_some_and(|last: &String| *last >= k) {
                    return None;
                }
                attributes.insert(k, v);
                if !self.eat(", ") {
                    break;
                }
            }
            self.lit("}")?;
            if attributes.is_empty() {
                return None;
            }
        }
        let note = self.optional(", note: ", Self::string)?;
        let review = if self.eat(", review: Some((status: ") {
            let status = if self.eat("Unreviewed") {
                ReviewStatusDto::Unreviewed
            } else if self.eat("Accepted") {
                ReviewStatusDto::Accepted
            } else if self.eat("Rejected") {
                ReviewStatusDto::Rejected
            } else if self.eat("Flagged") {
                ReviewStatusDto::Flagged
            } else {
                return None;
            };
            let by = self.optional(", by: ", Self::string)?;
            let at_unix = self.optional(", at_unix: ", Self::int)?;
            let note = self.optional(", note: ", Self::string)?;
            self.lit("))")?;
            Some(ReviewDto { status, by, at_unix, note })
        } else {
            None
        };
        let suggested = if self.eat(", suggested: Some((source: ") {
            let source = self.string()?;
            self.lit(", version: ")?;
            let version = self.string()?;
            self.lit(", score_per_mille: ")?;
            let score_per_mille = self.int()?;
            self.lit("))")?;
            Some(SuggestedDto { source, version, score_per_mille })
        } else {
            None
        };
        self.lit(", author: ")?;
        let author = self.string()?;
        self.lit(", created_unix: ")?;
        let created_unix = self.int()?;
        self.lit(", modified_unix: ")?;
        let modified_unix = self.int()?;
        self.lit(")")?;
        if self.peek(" ") {
            return None;
        }
        Some(SpanDto {
            id,
            label,
            ranges,
            entity,
            attributes,
            note,
            review,
            suggested,
            author,
            created_unix,
            modified_unix,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn every_character_reads_back_as_written() {
        let astral = (0x10000..0x110000).step_by(89).chain([0x1f44d, 0xe0001, 0x10ffff]);
        for c in (0..0x10000).chain(astral).filter_map(char::from_u32) {
            let s = format!("a{c}b{c}");
            let mut written = String::new();
            super::super::push_ron_str(&mut written, &s);
            let mut cur = Cursor { s: &written, i: 0 };
            assert_eq!(cur.string().as_deref(), Some(s.as_str()), "U+{:04X}", c as u32);
            assert_eq!(cur.i, written.len());
        }
    }

    #[test]
    fn strings_sorot_does_not_write_are_left_to_ron() {
        for bad in ["\"a\\u{110000}\"", "\"\\x41\"", "\"raw\nnewline\"", "\"unterminated", "\"\\u{}\""] {
            assert_eq!(Cursor { s: bad, i: 0 }.string(), None, "{bad:?}");
        }
    }
}
