//! Words and sentences of a text, as the CoNLL export and the suggestion
//! model see them: Unicode words (UAX #29, whitespace dropped) within
//! Unicode sentences within lines ([`super::segment`]).

use super::segment;

/// The tokens of a text as byte ranges, with where each sentence ends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    /// `(start, end)` byte offsets, in text order.
    pub spans: Vec<(usize, usize)>,
    /// For each sentence, the index one past its last token (sentences with
    /// no token are left out).
    pub sentence_ends: Vec<usize>,
    /// The same for lines.
    pub line_ends: Vec<usize>,
}

impl Tokens {
    pub fn of(text: &str) -> Self {
        let mut spans = Vec::with_capacity(text.len() / 5);
        let mut sentence_ends = Vec::new();
        let mut line_ends = Vec::new();
        let mut line_start = 0;
        for line in text.split('\n') {
            segment::for_each_sentence(line, |ss, sentence| {
                segment::for_each_word_bound(sentence, |ws, w| {
                    // Whitespace, and a byte-order mark or joiner alone, is no word.
                    if w.chars().all(|c| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200d}' | '\u{200c}')) {
                        return;
                    }
                    let start = line_start + ss + ws;
                    spans.push((start, start + w.len()));
                });
                if sentence_ends.last() != Some(&spans.len()) && !spans.is_empty() {
                    sentence_ends.push(spans.len());
                }
            });
            if line_ends.last() != Some(&spans.len()) && !spans.is_empty() {
                line_ends.push(spans.len());
            }
            line_start += line.len() + 1;
        }
        Tokens { spans, sentence_ends, line_ends }
    }

    /// Each sentence as a range of token indices.
    pub fn sentences(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        ranges(&self.sentence_ends)
    }

    /// The stretches a sequence tagger reads: each line (a paragraph of a
    /// news text, a sentence of a CoNLL file), cut at sentence ends into
    /// pieces of at most `max` tokens where it is longer. Lines keep names
    /// with initials whole ("J. K. Rowling", which sentence rules cut).
    pub fn passages(&self, max: usize) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::with_capacity(self.line_ends.len());
        let mut sentences = self.sentence_ends.iter().peekable();
        for line in ranges(&self.line_ends) {
            let mut start = line.start;
            while line.end - start > max {
                // The last sentence end that keeps the piece within `max`,
                // else a hard cut.
                let mut cut = None;
                while let Some(&&e) = sentences.peek() {
                    if e > start + max || e >= line.end {
                        break;
                    }
                    if e > start {
                        cut = Some(e);
                    }
                    sentences.next();
                }
                let end = cut.unwrap_or(start + max);
                out.push(start..end);
                start = end;
            }
            out.push(start..line.end);
            while sentences.peek().is_some_and(|&&e| e <= line.end) {
                sentences.next();
            }
        }
        out
    }
}

fn ranges(ends: &[usize]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    ends.iter().map(move |&end| {
        let r = start..end;
        start = end;
        r
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_sentences_keep_their_byte_offsets_in_any_script() {
        let text = "\u{feff}“Kata” dia 👍🏽.\r\nKorea 한국어 e\u{301}! Dua.\n\nTiga";
        let t = Tokens::of(text);
        let words: Vec<&str> = t.spans.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(words, ["“", "Kata", "”", "dia", "👍🏽", ".", "Korea", "한국어", "e\u{301}", "!", "Dua", ".", "Tiga"]);
        let sentences: Vec<Vec<&str>> = t.sentences().map(|r| words[r].to_vec()).collect();
        assert_eq!(sentences.len(), 4, "{sentences:?}");
        assert_eq!(sentences[1], ["Korea", "한국어", "e\u{301}", "!"]);
        for &(s, e) in &t.spans {
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
        }
        // Lines, whole: the first line is one passage of 6 words.
        assert_eq!(t.passages(100), [0..6, 6..12, 12..13]);
    }

    #[test]
    fn long_lines_are_cut_at_sentence_ends_within_the_limit() {
        let text = "Satu dua tiga. Empat lima. Enam tujuh delapan sembilan sepuluh sebelas.";
        let t = Tokens::of(text);
        // Sentences end after 4, 7 and 14 tokens.
        assert_eq!(t.sentence_ends, [4, 7, 14]);
        assert_eq!(t.passages(100), vec![std::ops::Range { start: 0, end: 14 }]);
        assert_eq!(t.passages(8), [0..7, 7..14]);
        // No sentence end in reach: a hard cut.
        assert_eq!(t.passages(3), [0..3, 3..4, 4..7, 7..10, 10..13, 13..14]);
        let covered: usize = t.passages(5).iter().map(|r| r.len()).sum();
        assert_eq!(covered, t.spans.len());
    }
}
