//! Re-anchoring: moving annotations onto a new version of their text.
//!
//! Each fragment of each span is found again by its quote and context, the
//! idea of W3C Web Annotation's TextQuoteSelector (prefix, exact, suffix):
//!
//! 1. **exact**: the quote occurs in the new text; among several
//!    occurrences the one whose surroundings match the old prefix and suffix
//!    best wins, then the one nearest to where the text was expected (the
//!    old position shifted by how far the previous span moved);
//! 2. **fuzzy**: the quote was edited (a typo fixed, a word changed): the
//!    best approximate occurrence near the expected position, with at most a
//!    quarter of its characters edited (Sellers' algorithm); or the text
//!    between the old prefix and suffix found intact;
//! 3. **not found**: the span is kept, placed at the expected position,
//!    flagged for review with a note giving its original text, so the
//!    analyst can place or delete it. Nothing is dropped.
//!
//! Entities and relations keep their ids and links.

use super::annotation::*;
use super::store::{DocMeta, Edit, Store};
use super::text::{ByteRange, Text};

/// Characters of context kept on each side of a quote.
const CONTEXT_CHARS: usize = 32;
/// Bytes around the expected position searched first for an exact quote.
const NEAR_BYTES: usize = 64 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    Exact,
    /// Similarity in 0..=1 (1 − edits / quote length).
    Fuzzy(f32),
    NotFound,
}

/// What happened to every span.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReanchorReport {
    pub exact: Vec<SpanId>,
    pub fuzzy: Vec<(SpanId, f32)>,
    pub not_found: Vec<SpanId>,
}

impl ReanchorReport {
    pub fn summary(&self) -> String {
        format!(
            "{} moved exactly, {} moved with a fuzzy match, {} not found (kept, flagged for review)",
            self.exact.len(),
            self.fuzzy.len(),
            self.not_found.len()
        )
    }
}

/// The report as lines: the summary, then each fuzzy and unplaced span
/// with its label and its text in the new store.
pub fn describe(store: &Store, report: &ReanchorReport) -> String {
    let mut out = report.summary();
    out.push('\n');
    let show = |id: SpanId| {
        store
            .span(id)
            .map_or(format!("span {id}"), |s| format!("{} {id} “{}”", store.label_name(s.label), store.quote(s)))
    };
    for (id, sim) in &report.fuzzy {
        out.push_str(&format!("fuzzy {:.0}%: {}\n", sim * 100.0, show(*id)));
    }
    for id in &report.not_found {
        let was = store.span(*id).and_then(|s| s.note.as_deref()).and_then(|n| n.rsplit("The text was ").next());
        out.push_str(&format!("not found: {} — was {}\n", show(*id), was.unwrap_or("?")));
    }
    out
}

/// Places each fragment of `old` into `new`.
struct Anchorer<'a> {
    old: &'a Text,
    new: &'a str,
    /// How far (in bytes) the last placed fragment moved.
    delta: i64,
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).count()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

impl Anchorer<'_> {
    fn expected(&self, old_start: usize) -> usize {
        let e = (old_start as i64 + self.delta).clamp(0, self.new.len() as i64) as usize;
        floor_char(self.new, e)
    }

    fn place(&mut self, r: ByteRange) -> (ByteRange, Placement) {
        let quote = self.old.slice(r);
        let prefix = self.old.prefix_before(r.start(), CONTEXT_CHARS);
        let suffix = self.old.suffix_after(r.end(), CONTEXT_CHARS);
        let expected = self.expected(r.start());
        let found = self
            .exact(quote, prefix, suffix, expected)
            .map(|s| (ByteRange::new(s, s + quote.len()), Placement::Exact))
            .or_else(|| self.between(quote, prefix, suffix, expected))
            .or_else(|| self.fuzzy(quote, expected));
        match found {
            Some((range, how)) => {
                self.delta = range.start() as i64 - r.start() as i64;
                (range, how)
            }
            None => {
                // Near where it was, over whole words.
                let word = |c: char| c.is_alphanumeric();
                let mut start = expected;
                while let Some(c) = self.new[..start].chars().next_back().filter(|&c| word(c)) {
                    start -= c.len_utf8();
                }
                let mut end = floor_char(self.new, start + quote.len());
                while let Some(c) = self.new[end..].chars().next().filter(|&c| word(c)) {
                    end += c.len_utf8();
                }
                let piece = &self.new[start..end];
                let start = start + piece.len() - piece.trim_start().len();
                let end = start + piece.trim().len();
                let range = if end > start {
                    ByteRange::new(start, end)
                } else {
                    // At the very end: the last character(s) of the text.
                    let s = floor_char(self.new, self.new.len().saturating_sub(quote.len().max(1)));
                    ByteRange::new(s, self.new.len())
                };
                (range, Placement::NotFound)
            }
        }
    }

    /// The best exact occurrence: nearby first, then anywhere.
    fn exact(&self, quote: &str, prefix: &str, suffix: &str, expected: usize) -> Option<usize> {
        let lo = floor_char(self.new, expected.saturating_sub(NEAR_BYTES));
        let hi = floor_char(self.new, expected + NEAR_BYTES + quote.len());
        let best = |from: usize, to: usize| {
            self.new[from..to].match_indices(quote).map(|(i, _)| from + i).max_by_key(|&s| {
                let ctx = common_suffix(&self.new[..s], prefix) + common_prefix(&self.new[s + quote.len()..], suffix);
                (ctx, std::cmp::Reverse(s.abs_diff(expected)))
            })
        };
        best(lo, hi).or_else(|| if lo == 0 && hi == self.new.len() { None } else { best(0, self.new.len()) })
    }

    /// The best approximate occurrence near `expected` (Sellers).
    fn fuzzy(&self, quote: &str, expected: usize) -> Option<(ByteRange, Placement)> {
        let pat: Vec<char> = quote.chars().collect();
        let m = pat.len();
        if m < 4 {
            return None;
        }
        let max_edits = m / 4;
        let reach = 2 * quote.len() + 256;
        let lo = floor_char(self.new, expected.saturating_sub(reach));
        let hi = floor_char(self.new, expected + quote.len() + reach);
        let window: Vec<(usize, char)> = self.new[lo..hi].char_indices().map(|(i, c)| (lo + i, c)).collect();
        // cost[i] = edits to match pat[..i] ending here; start[i] = where that match starts.
        let mut cost: Vec<usize> = (0..=m).collect();
        let mut start: Vec<usize> = vec![0; m + 1];
        // Candidates (edits, start idx, end idx) with few enough edits.
        let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
        for (j, &(_, c)) in window.iter().enumerate() {
            let (mut diag, mut diag_start) = (cost[0], j);
            cost[0] = 0;
            start[0] = j + 1;
            for i in 1..=m {
                let (up, up_start) = (cost[i], start[i]);
                let sub = diag + usize::from(pat[i - 1] != c);
                let (mut v, mut s) = (sub, diag_start);
                if up + 1 < v {
                    (v, s) = (up + 1, up_start);
                }
                if cost[i - 1] + 1 < v {
                    (v, s) = (cost[i - 1] + 1, start[i - 1]);
                }
                diag = up;
                diag_start = up_start;
                cost[i] = v;
                start[i] = s;
            }
            if cost[m] <= max_edits && start[m] <= j {
                candidates.push((cost[m], start[m], j));
            }
        }
        // Fewest edits, counting a cut word as one more; then nearest.
        let alnum = |k: Option<&(usize, char)>| k.is_some_and(|(_, c)| c.is_alphanumeric());
        let target_end = expected + quote.len();
        let (edits, s, e) = candidates.into_iter().min_by_key(|&(edits, s, e)| {
            let cut_start = alnum(window.get(s)) && s > 0 && alnum(window.get(s - 1));
            let cut_end = alnum(window.get(e)) && alnum(window.get(e + 1));
            let end_byte = window.get(e + 1).map_or(hi, |w| w.0);
            (edits + usize::from(cut_start) + usize::from(cut_end), end_byte.abs_diff(target_end))
        })?;
        let mut start_byte = window.get(s)?.0;
        let mut end_byte = window.get(e + 1).map_or(hi, |w| w.0);
        // Whitespace the quote does not have at its ends is not part of it.
        if !quote.starts_with(char::is_whitespace) {
            let found = &self.new[start_byte..end_byte];
            start_byte += found.len() - found.trim_start().len();
        }
        if !quote.ends_with(char::is_whitespace) {
            end_byte = start_byte + self.new[start_byte..end_byte].trim_end().len();
        }
        let _ = edits;
        let found: Vec<char> = self.new[start_byte..end_byte].chars().collect();
        let similarity = 1.0 - edit_distance(&found, &pat) as f32 / m.max(found.len()) as f32;
        (end_byte > start_byte).then(|| (ByteRange::new(start_byte, end_byte), Placement::Fuzzy(similarity.max(0.0))))
    }

    /// The text between the old prefix and suffix, both found intact near
    /// the expected position (the quote itself was rewritten).
    fn between(&self, quote: &str, prefix: &str, suffix: &str, expected: usize) -> Option<(ByteRange, Placement)> {
        if prefix.chars().count() < 8 || suffix.chars().count() < 8 {
            return None;
        }
        let reach = 2 * quote.len() + 256;
        let lo = floor_char(self.new, expected.saturating_sub(reach + prefix.len()));
        let hi = floor_char(self.new, expected + quote.len() + reach);
        let (p, _) = self.new[lo..hi].match_indices(prefix).min_by_key(|(i, _)| (lo + i).abs_diff(expected))?;
        let start = lo + p + prefix.len();
        let limit = floor_char(self.new, start + 2 * quote.len() + 16);
        let end = start + self.new[start..limit].find(suffix)?;
        if end <= start {
            return None;
        }
        let found: Vec<char> = self.new[start..end].chars().collect();
        let want: Vec<char> = quote.chars().collect();
        let similarity = 1.0 - edit_distance(&found, &want) as f32 / want.len().max(found.len()) as f32;
        Some((ByteRange::new(start, end), Placement::Fuzzy(similarity.max(0.0))))
    }
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// A new store on `new_text` with every annotation of `old` moved onto it.
pub fn reanchor(old: &Store, new_text: Text, meta: DocMeta, author: &str, now: Timestamp) -> (Store, ReanchorReport) {
    let mut store = Store::new(new_text, old.schema().clone(), meta);
    store.reserve_ids_below(old.next_id());
    let mut report = ReanchorReport::default();
    let mut placed: Vec<Span> = Vec::with_capacity(old.spans().len());
    {
        let mut a = Anchorer { old: old.text(), new: store.text().as_str(), delta: 0 };
        for id in old.spans_in_text_order() {
            let Some(span) = old.span(id) else { continue };
            let mut ranges: Vec<ByteRange> = Vec::new();
            let mut worst = Placement::Exact;
            for r in &span.ranges {
                let (range, how) = a.place(*r);
                worst = match (&worst, &how) {
                    (_, Placement::NotFound) | (Placement::NotFound, _) => Placement::NotFound,
                    (Placement::Fuzzy(x), Placement::Fuzzy(y)) => Placement::Fuzzy(x.min(*y)),
                    (Placement::Exact, h) => h.clone(),
                    (w, Placement::Exact) => w.clone(),
                };
                ranges.push(range);
            }
            let merged = ByteRange::merge(ranges);
            let mut s = span.clone();
            let was = old.quote(span);
            s.ranges = merged.into_iter().collect();
            let flag = |s: &mut Span, note: String| {
                let previous = s.review.status;
                s.review = Review {
                    status: ReviewStatus::Flagged,
                    reviewer: Some(author.into()),
                    reviewed: Some(now),
                    note: s.review.note.take(),
                };
                let note = if previous == ReviewStatus::Unreviewed {
                    note
                } else {
                    format!("{note} (was {})", previous.name())
                };
                s.note = Some(match s.note.take() {
                    Some(n) => format!("{n}\n{note}").into(),
                    None => note.into(),
                });
            };
            match worst {
                Placement::Exact => report.exact.push(id),
                Placement::Fuzzy(sim) => {
                    report.fuzzy.push((id, sim));
                    flag(
                        &mut s,
                        format!("Re-anchored by a fuzzy match ({:.0}% similar); the text was “{was}”", sim * 100.0),
                    );
                }
                Placement::NotFound => {
                    report.not_found.push(id);
                    flag(
                        &mut s,
                        format!(
                            "Re-anchoring did not find this in the new text; placed near where it was. The text was “{was}”"
                        ),
                    );
                }
            }
            placed.push(s);
        }
    }
    // Entities first (spans link to them), then spans, then relations.
    for e in old.entities() {
        let _ = store.apply(Edit::AddEntity(e.clone()));
    }
    for s in placed {
        let id = s.id;
        if store.apply(Edit::AddSpan(s.clone())).is_err() {
            // Cannot happen for ranges built above; keep the span anyway,
            // unlinked, rather than drop it.
            let mut s = s;
            s.entity = None;
            if store.apply(Edit::AddSpan(s)).is_err() {
                report.exact.retain(|x| *x != id);
                report.not_found.push(id);
            }
        }
    }
    for r in old.relations() {
        let _ = store.apply(Edit::AddRelation(r.clone()));
    }
    (store, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_characters_not_bytes() {
        let a: Vec<char> = "Korea Utara".chars().collect();
        let b: Vec<char> = "Korea Utra".chars().collect();
        assert_eq!(edit_distance(&a, &b), 1);
        let h: Vec<char> = "북한".chars().collect();
        let k: Vec<char> = "북조선".chars().collect();
        assert_eq!(edit_distance(&h, &k), 2);
    }
}
