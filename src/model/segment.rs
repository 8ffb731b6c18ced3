//! Unicode words and sentences (UAX #29) as `unicode-segmentation` finds
//! them, found faster on text that is mostly ASCII: the crate is asked
//! only about the stretches its rules need it for, and the rest is decided
//! here by the few rules ASCII can meet. Property tests hold both functions
//! to the crate on text mixing ASCII with curly quotes, emoji, combining
//! marks, Hangul, CR and a BOM.
//!
//! Why the stretches are independent:
//! - **Words.** A space is a break before it unless the character before
//!   is a space too (WB3d), and after a run of spaces the next character
//!   starts a word unless it is an extending character (WB4), which no
//!   ASCII character is. No other rule looks across a space. So the text is
//!   cut before each space that follows an ASCII non-space and after each
//!   run of spaces that an ASCII non-space follows; each piece is segmented
//!   alone, and a piece that is all ASCII by the ASCII rules below.
//! - **Sentences.** A break comes only after a paragraph separator (SB4)
//!   or after a terminator (SB11). Between two ASCII letters there is never
//!   one, and no rule looks back past a letter (terminator sequences hold
//!   none; SB7 looks one character before a full stop) or ahead past one
//!   (SB8 stops at the first letter; the others look one character ahead).
//!   So only the stretch from the last letter pair before a possible
//!   terminator or separator (`.`, `!`, `?`, a control, any non-ASCII) to
//!   the first letter pair after it is given to the crate.

use unicode_segmentation::UnicodeSegmentation;

/// Calls `f(offset, segment)` for every word-bound segment of `s` (words,
/// punctuation and runs of whitespace alike), as
/// `s.split_word_bound_indices()` gives them.
pub fn for_each_word_bound<'a>(s: &'a str, mut f: impl FnMut(usize, &'a str)) {
    let b = s.as_bytes();
    let mut start = 0;
    let mut i = 1;
    while i <= b.len() {
        // A cut at `i`: before a space that follows an ASCII non-space, or
        // before an ASCII non-space that follows a space.
        let cut = i == b.len()
            || (b[i] == b' ' && b[i - 1] != b' ' && b[i - 1].is_ascii())
            || (b[i - 1] == b' ' && b[i] != b' ' && b[i].is_ascii());
        if cut {
            let piece = &s[start..i];
            if piece.is_ascii() {
                ascii_words(piece, |o, w| f(start + o, w));
            } else {
                for (o, w) in piece.split_word_bound_indices() {
                    f(start + o, w);
                }
            }
            start = i;
        }
        i += 1;
    }
}

/// The word classes ASCII has (UAX #29, Word_Break).
#[derive(Clone, Copy, PartialEq, Eq)]
enum W {
    Letter,
    Numeric,
    ExtendNumLet,
    MidLetter,
    MidNum,
    /// MidNumLet or Single_Quote (WB6–7 and WB11–12 treat them alike).
    MidNumLetQ,
    Space,
    Cr,
    Lf,
    Other,
}

fn word_class(b: u8) -> W {
    match b {
        b'A'..=b'Z' | b'a'..=b'z' => W::Letter,
        b'0'..=b'9' => W::Numeric,
        b'_' => W::ExtendNumLet,
        b':' => W::MidLetter,
        b',' | b';' => W::MidNum,
        b'.' | b'\'' => W::MidNumLetQ,
        b' ' => W::Space,
        b'\r' => W::Cr,
        b'\n' => W::Lf,
        _ => W::Other,
    }
}

/// Word bounds of an ASCII string by the rules ASCII can meet: WB3 (CR ×
/// LF), WB3d (spaces together), WB5–WB13b (letters, digits, `_`, and the
/// mid characters between two letters or two digits); a break anywhere else.
fn ascii_words<'a>(s: &'a str, mut f: impl FnMut(usize, &'a str)) {
    let b = s.as_bytes();
    let class = |i: usize| b.get(i).map_or(W::Other, |&c| word_class(c));
    let mut start = 0;
    for i in 1..b.len() {
        let (l, r) = (class(i - 1), class(i));
        let joined = match (l, r) {
            (W::Cr, W::Lf) | (W::Space, W::Space) => true,
            (W::Letter | W::Numeric, W::Letter | W::Numeric) => true,
            (W::Letter | W::Numeric | W::ExtendNumLet, W::ExtendNumLet) => true,
            (W::ExtendNumLet, W::Letter | W::Numeric) => true,
            (W::Letter, W::MidLetter | W::MidNumLetQ) => class(i + 1) == W::Letter,
            (W::MidLetter | W::MidNumLetQ, W::Letter) => i >= 2 && class(i - 2) == W::Letter,
            (W::Numeric, W::MidNum | W::MidNumLetQ) => class(i + 1) == W::Numeric,
            (W::MidNum | W::MidNumLetQ, W::Numeric) => i >= 2 && class(i - 2) == W::Numeric,
            _ => false,
        };
        if !joined {
            f(start, &s[start..i]);
            start = i;
        }
    }
    if start < b.len() {
        f(start, &s[start..]);
    }
}

/// Calls `f(offset, sentence)` for every sentence of `s`, as
/// `s.split_sentence_bound_indices()` gives them.
pub fn for_each_sentence<'a>(s: &'a str, mut f: impl FnMut(usize, &'a str)) {
    let b = s.as_bytes();
    let letter = |i: usize| b[i].is_ascii_alphabetic();
    // A pair of ASCII letters at `i - 1, i`: no break at `i`, and no rule
    // looks across it.
    let safe = |i: usize| i > 0 && i < b.len() && letter(i - 1) && letter(i);
    let maybe_break = |c: u8| matches!(c, b'.' | b'!' | b'?') || c.is_ascii_control() || !c.is_ascii();
    let mut sentence = 0;
    let mut done = 0;
    let mut i = 0;
    while i < b.len() {
        if !maybe_break(b[i]) {
            i += 1;
            continue;
        }
        let lo = (done..=i).rev().find(|&j| j == done || safe(j)).unwrap_or(done);
        let hi = (i + 1..=b.len()).find(|&j| j == b.len() || safe(j)).unwrap_or(b.len());
        // Every bound inside the stretch is a sentence break; its ends are
        // not (the line's ends, or between two letters).
        for (o, _) in s[lo..hi].split_sentence_bound_indices() {
            if o > 0 && lo + o > sentence {
                f(sentence, &s[sentence..lo + o]);
                sentence = lo + o;
            }
        }
        done = hi;
        i = hi;
    }
    if sentence < b.len() {
        f(sentence, &s[sentence..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces that meet every rule: ASCII letters, digits and every ASCII
    /// class, tabs, CR and LF, terminators and closers ...
    const ASCII: &[&str] = &[
        "a", "b", "Z", "Rusia", "J", "K", "e", "1", "42", "3", "\t", "\r", "\n", "\r\n", ".", "...", "!", "?", ",",
        ";", ":", "'", "\"", "_", "(", ")", "-", "/", "#", "\u{b}",
    ];
    /// ... and the non-ASCII that news text has (curly quotes, dashes,
    /// ellipsis, NBSP, a BOM, combining marks, Hangul, CJK full stop, emoji
    /// with skin tone and ZWJ, flags, line and paragraph separators, Greek
    /// capitals, other letters and digits, a fullwidth full stop).
    const OTHER: &[&str] = &[
        "é",
        "e\u{301}",
        "\u{301}",
        "’",
        "‘",
        "“",
        "”",
        "—",
        "…",
        "\u{a0}",
        "\u{feff}",
        "\u{200d}",
        "한국어",
        "。",
        "👍🏽",
        "👨\u{200d}👩",
        "🇮🇩",
        "\u{2028}",
        "\u{2029}",
        "\u{85}",
        "Ω",
        "ß",
        "٣",
        "\u{202f}",
        "\u{ff0e}",
    ];

    /// Mostly ASCII with frequent spaces, as news text is, so the ASCII
    /// paths are met often and next to everything else.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            8 => proptest::sample::select(ASCII),
            3 => proptest::sample::select(&[" ", "  "][..]),
            2 => proptest::sample::select(OTHER),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

        #[test]
        fn words_are_the_crates_words(s in text()) {
            let mut ours = Vec::new();
            for_each_word_bound(&s, |o, w| ours.push((o, w)));
            let theirs: Vec<(usize, &str)> = s.split_word_bound_indices().collect();
            prop_assert_eq!(ours, theirs);
        }

        #[test]
        fn sentences_are_the_crates_sentences(s in text()) {
            let mut ours = Vec::new();
            for_each_sentence(&s, |o, w| ours.push((o, w)));
            let theirs: Vec<(usize, &str)> = s.split_sentence_bound_indices().collect();
            prop_assert_eq!(ours, theirs);
        }
    }

    /// Cases the rules single out, written out.
    #[test]
    fn news_text_is_segmented_as_the_crate_does() {
        for s in [
            "Kata Peskov, “Rusia tidak memasok senjata.” Dia menambahkan: 3.14 dan 3,000 ton! Apa? Ya.",
            "J. K. Rowling, U.S. dan e.g. Jakarta. etc. 123 foo. Mr. Smith’s don't a.b.c S:t a_b 1_a",
            "\u{feff}“Kata” dia 👍🏽.\r\nKorea 한국어 e\u{301}! Dua. \u{301}x  \u{301} y",
            "",
            " ",
            "Tanpa tanda akhir",
        ] {
            let mut ours = Vec::new();
            for_each_word_bound(s, |o, w| ours.push((o, w)));
            assert_eq!(ours, s.split_word_bound_indices().collect::<Vec<_>>(), "{s:?}");
            let mut ours = Vec::new();
            for_each_sentence(s, |o, w| ours.push((o, w)));
            assert_eq!(ours, s.split_sentence_bound_indices().collect::<Vec<_>>(), "{s:?}");
        }
    }
}
