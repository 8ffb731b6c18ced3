//! The article text and the offset conversions around it.
//!
//! Invariants:
//! - The text never changes once loaded; annotations stand off it.
//! - Every offset held by the model is a **byte** offset into the UTF-8 text
//!   (`start_byte`, `end_byte`), always on a `char` boundary.
//! - Code points (what Python, spaCy, brat and W3C count) and UTF-16 code
//!   units (what browser front-ends count) exist only at the edges, and are
//!   computed through [`TextIndex`] in O(block) time, independent of the
//!   text's size.

use std::sync::Arc;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

/// A half-open range of bytes `[start, end)` in the article text.
///
/// `u32` keeps annotations small; texts are limited to well under 4 GiB
/// (see [`MAX_TEXT_BYTES`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteRange {
    pub start: u32,
    pub end: u32,
}

/// The largest text Sorot accepts, in bytes (256 MiB).
pub const MAX_TEXT_BYTES: usize = 256 * 1024 * 1024;

impl ByteRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start: start as u32, end: end as u32 }
    }
    pub fn start(self) -> usize {
        self.start as usize
    }
    pub fn end(self) -> usize {
        self.end as usize
    }
    /// Sorts ranges and merges those that overlap or touch.
    pub fn merge(mut ranges: Vec<ByteRange>) -> Vec<ByteRange> {
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<ByteRange> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn contains(self, byte_idx: usize) -> bool {
        self.start() <= byte_idx && byte_idx < self.end()
    }
    pub fn overlaps(self, other: ByteRange) -> bool {
        self.start < other.end && other.start < self.end
    }
    pub fn as_range(self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }
}

/// Why a byte range does not fit a text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("range {start}..{end} is empty or reversed")]
    Empty { start: usize, end: usize },
    #[error("range {start}..{end} ends past the end of the text ({len} bytes)")]
    OutOfBounds { start: usize, end: usize, len: usize },
    #[error("byte offset {offset} is inside a character (not a UTF-8 boundary)")]
    NotCharBoundary { offset: usize },
}

const BLOCK: usize = 256;

/// Per-document index that makes offset conversions cheap.
///
/// Every [`BLOCK`] bytes it records how many code points and UTF-16 units
/// come before; a conversion looks up the block and counts the rest.
/// Also records paragraph (line) starts, which the text view lays out one
/// by one.
#[derive(Clone, Debug)]
pub struct TextIndex {
    chars_before_block: Vec<u64>,
    utf16_before_block: Vec<u64>,
    /// Byte offset of the start of each line (`\n`-separated).
    line_starts: Vec<u32>,
}

const HIGH: u64 = 0x8080_8080_8080_8080;

/// Code points in UTF-8 bytes: bytes that are not continuation bytes
/// (`10xxxxxx`), counted eight at a time.
#[inline]
fn count_chars(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0;
    for c in &mut chunks {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        // Bit 7 set and bit 6 clear: a continuation byte.
        n += 8 - (x & !(x << 1) & HIGH).count_ones() as usize;
    }
    n + chunks.remainder().iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// UTF-16 code units in UTF-8 bytes: a code point each, and one more for
/// each 4-byte sequence (lead byte `11110xxx`).
#[inline]
fn count_utf16(bytes: &[u8]) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0;
    for c in &mut chunks {
        let x = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        let continuation = (x & !(x << 1) & HIGH).count_ones() as usize;
        let four_byte_leads = (x & (x << 1) & (x << 2) & (x << 3) & HIGH).count_ones() as usize;
        n += 8 - continuation + four_byte_leads;
    }
    n + chunks.remainder().iter().map(|&b| usize::from((b & 0xC0) != 0x80) + usize::from(b >= 0xF0)).sum::<usize>()
}

impl TextIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let blocks = bytes.len() / BLOCK + 1;
        let mut chars_before_block = Vec::with_capacity(blocks);
        let mut utf16_before_block = Vec::with_capacity(blocks);
        let (mut chars, mut units) = (0u64, 0u64);
        for chunk in bytes.chunks(BLOCK) {
            chars_before_block.push(chars);
            utf16_before_block.push(units);
            chars += count_chars(chunk) as u64;
            units += count_utf16(chunk) as u64;
        }
        if bytes.len().is_multiple_of(BLOCK) {
            chars_before_block.push(chars);
            utf16_before_block.push(units);
        }
        let mut line_starts = vec![0u32];
        line_starts.extend(bytes.iter().enumerate().filter(|&(_, &b)| b == b'\n').map(|(i, _)| (i + 1) as u32));
        Self { chars_before_block, utf16_before_block, line_starts }
    }

    /// Code points before `byte_idx`. `byte_idx` must be a char boundary.
    pub fn byte_to_char(&self, text: &str, byte_idx: usize) -> usize {
        let block = byte_idx / BLOCK;
        self.chars_before_block[block] as usize + count_chars(&text.as_bytes()[block * BLOCK..byte_idx])
    }

    /// UTF-16 code units before `byte_idx`. `byte_idx` must be a char boundary.
    pub fn byte_to_utf16(&self, text: &str, byte_idx: usize) -> usize {
        let block = byte_idx / BLOCK;
        self.utf16_before_block[block] as usize + count_utf16(&text.as_bytes()[block * BLOCK..byte_idx])
    }

    /// Byte offset of code point number `char_idx`; `None` past the end.
    pub fn char_to_byte(&self, text: &str, char_idx: usize) -> Option<usize> {
        Self::unit_to_byte(&self.chars_before_block, text, char_idx, |b| usize::from((b & 0xC0) != 0x80))
    }

    /// Byte offset of UTF-16 unit `utf16_idx`; `None` past the end or inside
    /// a surrogate pair.
    pub fn utf16_to_byte(&self, text: &str, utf16_idx: usize) -> Option<usize> {
        Self::unit_to_byte(&self.utf16_before_block, text, utf16_idx, |b| {
            usize::from((b & 0xC0) != 0x80) + usize::from(b >= 0xF0)
        })
    }

    fn unit_to_byte(table: &[u64], text: &str, target: usize, units_of_byte: impl Fn(u8) -> usize) -> Option<usize> {
        let target64 = target as u64;
        // Last block whose start count is <= target.
        let block = table.partition_point(|&c| c <= target64).checked_sub(1)?;
        let bytes = text.as_bytes();
        let mut units = table[block] as usize;
        let mut i = block * BLOCK;
        loop {
            if units == target && text.is_char_boundary(i) {
                return Some(i);
            }
            if i >= bytes.len() || units > target {
                return None;
            }
            units += units_of_byte(bytes[i]);
            i += 1;
            // Skip continuation bytes: a count lands only on boundaries.
            while i < bytes.len() && !text.is_char_boundary(i) {
                i += 1;
            }
        }
    }

    /// Number of lines (paragraphs); the text after the last `\n` counts.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte range of line `line_idx`, without its trailing `\n`.
    pub fn line_range(&self, text: &str, line_idx: usize) -> ByteRange {
        let start = self.line_starts[line_idx] as usize;
        let end = self.line_starts.get(line_idx + 1).map_or(text.len(), |&next| next as usize - 1);
        ByteRange::new(start, end)
    }

    /// The line that contains `byte_idx` (a `\n` belongs to the line it ends).
    pub fn line_of_byte(&self, byte_idx: usize) -> usize {
        self.line_starts.partition_point(|&s| s as usize <= byte_idx).saturating_sub(1)
    }

    /// 1-based line and column (in code points) of a byte offset, for messages.
    pub fn line_col(&self, text: &str, byte_idx: usize) -> (usize, usize) {
        let line = self.line_of_byte(byte_idx);
        let start = self.line_starts[line] as usize;
        (line + 1, count_chars(&text.as_bytes()[start..byte_idx]) + 1)
    }
}

/// The article text with its index. Cheap to clone (shared).
#[derive(Clone, Debug)]
pub struct Text {
    text: Arc<str>,
    index: Arc<TextIndex>,
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Text {
    pub fn new(text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let index = Arc::new(TextIndex::new(&text));
        Self { text, index }
    }
    pub fn as_str(&self) -> &str {
        &self.text
    }
    pub fn len(&self) -> usize {
        self.text.len()
    }
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
    pub fn index(&self) -> &TextIndex {
        &self.index
    }
    pub fn byte_to_char(&self, byte_idx: usize) -> usize {
        self.index.byte_to_char(&self.text, byte_idx)
    }
    pub fn byte_to_utf16(&self, byte_idx: usize) -> usize {
        self.index.byte_to_utf16(&self.text, byte_idx)
    }
    pub fn char_to_byte(&self, char_idx: usize) -> Option<usize> {
        self.index.char_to_byte(&self.text, char_idx)
    }
    pub fn utf16_to_byte(&self, utf16_idx: usize) -> Option<usize> {
        self.index.utf16_to_byte(&self.text, utf16_idx)
    }

    /// Checks that `range` is non-empty, inside the text and on char boundaries.
    pub fn check_range(&self, range: ByteRange) -> Result<(), RangeError> {
        let (start, end) = (range.start(), range.end());
        if start >= end {
            return Err(RangeError::Empty { start, end });
        }
        if end > self.len() {
            return Err(RangeError::OutOfBounds { start, end, len: self.len() });
        }
        for offset in [start, end] {
            if !self.text.is_char_boundary(offset) {
                return Err(RangeError::NotCharBoundary { offset });
            }
        }
        Ok(())
    }

    /// The text of a range; empty if the range does not fit (callers check first).
    pub fn slice(&self, range: ByteRange) -> &str {
        self.text.get(range.as_range()).unwrap_or("")
    }

    /// Whether `byte_idx` is on an extended grapheme cluster boundary.
    pub fn is_grapheme_boundary(&self, byte_idx: usize) -> bool {
        if byte_idx > self.len() || !self.text.is_char_boundary(byte_idx) {
            return false;
        }
        let mut cursor = GraphemeCursor::new(byte_idx, self.len(), true);
        cursor.is_boundary(&self.text, 0).unwrap_or(true)
    }

    /// The nearest grapheme boundary at or before `byte_idx`.
    pub fn grapheme_floor(&self, byte_idx: usize) -> usize {
        let mut b = byte_idx.min(self.len());
        while !self.text.is_char_boundary(b) {
            b -= 1;
        }
        let mut cursor = GraphemeCursor::new(b, self.len(), true);
        if cursor.is_boundary(&self.text, 0).unwrap_or(true) {
            return b;
        }
        cursor.prev_boundary(&self.text, 0).ok().flatten().unwrap_or(0)
    }

    /// The nearest grapheme boundary at or after `byte_idx`.
    pub fn grapheme_ceil(&self, byte_idx: usize) -> usize {
        let mut b = byte_idx.min(self.len());
        while !self.text.is_char_boundary(b) {
            b += 1;
        }
        let mut cursor = GraphemeCursor::new(b, self.len(), true);
        if cursor.is_boundary(&self.text, 0).unwrap_or(true) {
            return b;
        }
        cursor.next_boundary(&self.text, 0).ok().flatten().unwrap_or(self.len())
    }

    /// Widens `[start, end)` to whole words (Unicode word boundaries, UAX #29),
    /// trimming surrounding whitespace and punctuation-only segments. Used when
    /// a mouse selection snaps to words.
    pub fn snap_to_words(&self, start: usize, end: usize) -> ByteRange {
        let (start, end) = (start.min(end), start.max(end).min(self.len()));
        let line = self.index.line_of_byte(start);
        let line_range = self.index.line_range(&self.text, line);
        let para_start = line_range.start();
        // Search the paragraph(s) that the selection touches.
        let last_line = self.index.line_of_byte(end.saturating_sub(1).max(start));
        let para_end = self.index.line_range(&self.text, last_line).end();
        let para = &self.text[para_start..para_end];
        let mut new_start = start;
        let mut new_end = end;
        for (off, word) in para.split_word_bound_indices() {
            let (ws, we) = (para_start + off, para_start + off + word.len());
            let is_word = word.chars().any(char::is_alphanumeric);
            if !is_word {
                continue;
            }
            if ws <= start && start < we {
                new_start = ws;
            }
            if ws < end && end <= we {
                new_end = we;
            }
        }
        // A drag that ends inside the punctuation closing a word (`terbaik,”`
        // with the end between `,` and `”`) takes all of it, so a quote is
        // not cut before its closing mark; the same for a start inside the
        // marks opening a word (`(“Rusia`).
        const CLOSING: &[char] = &[',', '.', ';', ':', '!', '?', '”', '’', '"', '\'', ')', ']', '}', '»', '…'];
        const OPENING: &[char] = &['“', '‘', '"', '\'', '(', '[', '{', '«'];
        if new_end == end {
            let before = &self.text[para_start..end];
            let run_start = end - before.len() + before.trim_end_matches(CLOSING).len();
            let attached = self.text[para_start..run_start].chars().next_back().is_some_and(char::is_alphanumeric);
            let after = &self.text[end..para_end];
            let run_end = end + (after.len() - after.trim_start_matches(CLOSING).len());
            if attached && run_start < end && end < run_end {
                new_end = run_end;
            }
        }
        if new_start == start {
            let after = &self.text[start..para_end];
            let run_end = start + (after.len() - after.trim_start_matches(OPENING).len());
            let attached = self.text[run_end..para_end].chars().next().is_some_and(char::is_alphanumeric);
            let before = &self.text[para_start..start];
            let run_start = para_start + before.trim_end_matches(OPENING).len();
            if attached && run_start < start && start < run_end {
                new_start = run_start;
            }
        }
        // Trim whitespace the selection dragged in at either end.
        let sel = &self.text[new_start..new_end];
        let trimmed_start = new_start + (sel.len() - sel.trim_start().len());
        let trimmed_end = new_start + sel.trim_end().len();
        if trimmed_start < trimmed_end {
            ByteRange::new(trimmed_start, trimmed_end)
        } else {
            ByteRange::new(new_start, new_end)
        }
    }

    /// The next word boundary after (`forward`) or before `byte_idx` within
    /// its line: the end of the next word, or the start of the previous one.
    pub fn word_step(&self, byte_idx: usize, forward: bool) -> usize {
        let line = self.index.line_range(&self.text, self.index.line_of_byte(byte_idx.min(self.len())));
        let s = &self.text[line.as_range()];
        let segs: Vec<(usize, &str)> = s
            .split_word_bound_indices()
            .map(|(i, w)| (line.start() + i, w))
            .filter(|(_, w)| !w.trim().is_empty())
            .collect();
        if forward {
            segs.iter().map(|(i, w)| i + w.len()).find(|&e| e > byte_idx).unwrap_or(line.end())
        } else {
            segs.iter().rev().map(|(i, _)| *i).find(|&b| b < byte_idx).unwrap_or(line.start())
        }
    }

    /// Up to `max_chars` code points before `byte_idx` (a char boundary).
    pub fn prefix_before(&self, byte_idx: usize, max_chars: usize) -> &str {
        let head = &self.text[..byte_idx];
        let start = head.char_indices().rev().nth(max_chars.saturating_sub(1)).map_or(0, |(i, _)| i);
        if max_chars == 0 { "" } else { &head[start..] }
    }

    /// Up to `max_chars` code points after `byte_idx` (a char boundary).
    pub fn suffix_after(&self, byte_idx: usize, max_chars: usize) -> &str {
        let tail = &self.text[byte_idx..];
        let end = tail.char_indices().nth(max_chars).map_or(tail.len(), |(i, _)| i);
        &tail[..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_ranges_sorts_and_joins_touching_and_overlapping_ones() {
        let r = |a, b| ByteRange::new(a, b);
        assert_eq!(
            ByteRange::merge(vec![r(5, 8), r(0, 3), r(3, 4), r(7, 10), r(12, 13)]),
            [r(0, 4), r(5, 10), r(12, 13)]
        );
        assert_eq!(ByteRange::merge(Vec::new()), []);
    }

    #[test]
    fn word_at_a_time_counts_match_std_at_every_length_and_alignment() {
        let s = "a“b”🇰🇷é\u{301}한국어👍🏽\r\n\u{feff}x😀yz😀";
        for start in 0..s.len() {
            for end in start..=s.len() {
                if let Some(sub) = s.get(start..end) {
                    assert_eq!(count_chars(sub.as_bytes()), sub.chars().count(), "{sub:?}");
                    assert_eq!(count_utf16(sub.as_bytes()), sub.encode_utf16().count(), "{sub:?}");
                }
            }
        }
    }

    // Curly quote: 3 bytes, 1 char, 1 UTF-16 unit. Flag: 8 bytes, 2 chars, 4 units.
    const MIXED: &str = "“Rusia” 🇰🇷 한국 e\u{301} 👍🏽 end";

    #[test]
    fn conversions_on_known_offsets() {
        let t = Text::new(MIXED);
        // After the opening curly quote.
        assert_eq!(t.byte_to_char(3), 1);
        assert_eq!(t.byte_to_utf16(3), 1);
        let flag = MIXED.find('🇰').unwrap();
        let after_flag = flag + "🇰🇷".len();
        assert_eq!(after_flag - flag, 8);
        assert_eq!(t.byte_to_char(after_flag) - t.byte_to_char(flag), 2);
        assert_eq!(t.byte_to_utf16(after_flag) - t.byte_to_utf16(flag), 4);
        assert_eq!(t.char_to_byte(t.byte_to_char(after_flag)), Some(after_flag));
        assert_eq!(t.utf16_to_byte(t.byte_to_utf16(flag) + 1), None, "inside a surrogate pair");
        assert_eq!(t.char_to_byte(MIXED.chars().count()), Some(MIXED.len()));
        assert_eq!(t.char_to_byte(MIXED.chars().count() + 1), None);
    }

    #[test]
    fn check_range_rejects_bad_ranges() {
        let t = Text::new("“a”");
        assert!(t.check_range(ByteRange::new(0, 3)).is_ok());
        assert_eq!(t.check_range(ByteRange::new(1, 3)), Err(RangeError::NotCharBoundary { offset: 1 }));
        assert!(matches!(t.check_range(ByteRange::new(2, 2)), Err(RangeError::Empty { .. })));
        assert!(matches!(t.check_range(ByteRange::new(0, 99)), Err(RangeError::OutOfBounds { .. })));
    }

    #[test]
    fn grapheme_snapping_keeps_clusters_whole() {
        let t = Text::new("ae\u{301}b 👍🏽");
        // Byte 2 is between 'e' and the combining acute: not a grapheme boundary.
        assert!(!t.is_grapheme_boundary(2));
        assert_eq!(t.grapheme_floor(2), 1);
        assert_eq!(t.grapheme_ceil(2), 4);
        let thumb = t.as_str().find('👍').unwrap();
        assert_eq!(t.grapheme_ceil(thumb + 4), t.len(), "skin tone modifier stays attached");
    }

    #[test]
    fn snap_to_words_widens_and_trims() {
        let t = Text::new("kata juru bicara Kremlin, Dmitry Peskov kepada");
        let s = t.as_str().find("mitry").unwrap();
        let e = t.as_str().find("Pesk").unwrap() + 2;
        let r = t.snap_to_words(s, e);
        assert_eq!(t.slice(r), "Dmitry Peskov");
        // A drag that starts on punctuation keeps it; one over spaces drops them.
        let sp = t.as_str().find(", ").unwrap();
        assert_eq!(t.slice(t.snap_to_words(sp, sp + 3)), ", Dmitry");
        assert_eq!(t.slice(t.snap_to_words(sp + 1, sp + 3)), "Dmitry");
    }

    #[test]
    fn a_drag_ending_inside_closing_punctuation_takes_all_of_it() {
        let t = Text::new("senapan produksi Rusia “berkualitas terbaik,” kata juru bicara (“Peskov”)");
        let open = t.as_str().find('“').unwrap();
        let comma = t.as_str().find(",”").unwrap();
        // The end between `,` and `”` (the left half of `”`): the quote closes.
        assert_eq!(t.slice(t.snap_to_words(open, comma + 1)), "“berkualitas terbaik,”");
        // The end right after the word keeps the word alone.
        assert_eq!(t.slice(t.snap_to_words(open + 3, comma)), "berkualitas terbaik");
        // A start between `(` and `“` takes the opening marks.
        let paren = t.as_str().find("(“").unwrap();
        let end = t.as_str().find("Peskov").unwrap() + 3;
        assert_eq!(t.slice(t.snap_to_words(paren + 1, end)), "(“Peskov");
        // Punctuation after a space is not attached to the word.
        let t = Text::new("kata , lalu");
        assert_eq!(t.slice(t.snap_to_words(0, 3)), "kata");
    }

    #[test]
    fn word_steps_skip_spaces_and_stay_in_the_line() {
        let t = Text::new("kata juru bicara, “Dmitry”\nnext");
        assert_eq!(t.word_step(0, true), 4);
        assert_eq!(t.word_step(4, true), 9);
        assert_eq!(t.word_step(9, false), 5);
        let end = t.as_str().find('\n').unwrap();
        assert_eq!(t.word_step(end - 1, true), end);
        assert_eq!(t.word_step(0, false), 0);
    }

    #[test]
    fn lines_and_line_col() {
        let t = Text::new("ab\n“c”\n\nd");
        assert_eq!(t.index().line_count(), 4);
        assert_eq!(t.slice(t.index().line_range(t.as_str(), 1)), "“c”");
        assert_eq!(t.slice(t.index().line_range(t.as_str(), 2)), "");
        assert_eq!(t.index().line_of_byte(2), 0);
        assert_eq!(t.index().line_col(t.as_str(), 6), (2, 2));
    }

    #[test]
    fn prefix_and_suffix_count_code_points() {
        let t = Text::new("😀ab“c”");
        let c = t.as_str().find('c').unwrap();
        assert_eq!(t.prefix_before(c, 2), "b“");
        assert_eq!(t.prefix_before(c, 10), "😀ab“");
        assert_eq!(t.suffix_after(c, 1), "c");
        assert_eq!(t.suffix_after(c, 10), "c”");
    }
}
