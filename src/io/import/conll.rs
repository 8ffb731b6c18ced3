//! CoNLL-style IOB2 files: `word TAG` (or `word<TAB>TAG`, extra columns
//! between them ignored) per line, a blank line between sentences, and
//! `-DOCSTART-` lines between documents (CoNLL-2003, NERGrit, spaCy's and
//! Sorot's own CoNLL export).
//!
//! A document's text is its sentences, one per line, their words joined by
//! single spaces; each `B-`/`I-` run is a span (an `I-` after another
//! label or after `O` starts one, as seqeval reads IOB2).

use super::{ImportError, RawDoc, RawSpan, err};

/// One document: its sentences, each a list of `(word, tag)`.
pub type Document = Vec<Vec<(String, String)>>;

/// The documents of `src`; `at` names the file in messages.
pub fn parse(at: &str, src: &str) -> Result<Vec<Document>, ImportError> {
    let mut docs: Vec<Document> = vec![Vec::new()];
    let mut sentence: Vec<(String, String)> = Vec::new();
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    for (n, line) in src.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let starts_doc = line.starts_with("-DOCSTART-");
        if line.trim().is_empty() || starts_doc {
            if !sentence.is_empty()
                && let Some(d) = docs.last_mut()
            {
                d.push(std::mem::take(&mut sentence));
            }
            if starts_doc && docs.last().is_some_and(|d| !d.is_empty()) {
                docs.push(Vec::new());
            }
            continue;
        }
        let at_line = || format!("{at}:{}", n + 1);
        let mut cols = line.split(['\t', ' ']).filter(|c| !c.is_empty());
        let (Some(word), Some(tag)) = (cols.next(), cols.next_back()) else {
            return Err(err(&at_line(), "expected a word and its tag, separated by a space or a tab"));
        };
        let ok = tag == "O" || tag.split_once('-').is_some_and(|(p, l)| (p == "B" || p == "I") && !l.is_empty());
        if !ok {
            return Err(err(&at_line(), format!("the tag {tag:?} is not O, B-label or I-label")));
        }
        sentence.push((word.to_owned(), tag.to_owned()));
    }
    if !sentence.is_empty()
        && let Some(d) = docs.last_mut()
    {
        d.push(sentence);
    }
    docs.retain(|d| !d.is_empty());
    Ok(docs)
}

/// The documents of a CoNLL file as imported documents named `stem`,
/// `stem-2`, … (offsets in code points).
pub fn parse_docs(stem: &str, file: &str, src: &str) -> Result<Vec<RawDoc>, ImportError> {
    let docs = parse(file, src)?;
    let many = docs.len() > 1;
    Ok(docs
        .into_iter()
        .enumerate()
        .map(|(i, doc)| {
            let mut text = String::new();
            let mut chars = 0usize;
            let mut spans = Vec::new();
            let mut open: Option<(usize, usize, String)> = None;
            let close = |open: &mut Option<(usize, usize, String)>, spans: &mut Vec<RawSpan>| {
                if let Some((s, e, label)) = open.take() {
                    let key = format!("T{}", spans.len() + 1);
                    spans.push(RawSpan { key, label, ranges: vec![(s, e)], at: file.to_owned(), ..RawSpan::default() });
                }
            };
            for (si, sentence) in doc.iter().enumerate() {
                if si > 0 {
                    close(&mut open, &mut spans);
                    text.push('\n');
                    chars += 1;
                }
                for (wi, (word, tag)) in sentence.iter().enumerate() {
                    if wi > 0 {
                        text.push(' ');
                        chars += 1;
                    }
                    let start = chars;
                    text.push_str(word);
                    chars += word.chars().count();
                    match tag.split_once('-') {
                        Some(("I", l)) if open.as_ref().is_some_and(|o| o.2 == l) => {
                            if let Some(o) = open.as_mut() {
                                o.1 = chars;
                            }
                        }
                        Some((_, l)) => {
                            close(&mut open, &mut spans);
                            open = Some((start, chars, l.to_owned()));
                        }
                        None => close(&mut open, &mut spans),
                    }
                }
            }
            close(&mut open, &mut spans);
            text.push('\n');
            RawDoc {
                name: if many { format!("{stem}-{}", i + 1) } else { stem.to_owned() },
                source: file.to_owned(),
                text,
                spans,
                relations: Vec::new(),
                equivalences: Vec::new(),
                skipped: Vec::new(),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_sentences_and_spans_in_code_points() {
        let src = "\u{feff}-DOCSTART- -X- O O\n\nKata O\n한국어 B-PLACE\nSelatan\tI-PLACE\n\nPeskov B-PER\nbilang O\n\
                   -DOCSTART- -X- O O\n\nDua B-ORG\nDua I-PER\n";
        let docs = parse_docs("d", "d.conll", src).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].name, "d-1");
        assert_eq!(docs[0].text, "Kata 한국어 Selatan\nPeskov bilang\n");
        let spans: Vec<(String, (usize, usize))> =
            docs[0].spans.iter().map(|s| (s.label.clone(), s.ranges[0])).collect();
        assert_eq!(spans, [("PLACE".into(), (5, 16)), ("PER".into(), (17, 23))]);
        let chars: Vec<char> = docs[0].text.chars().collect();
        assert_eq!(chars[5..16].iter().collect::<String>(), "한국어 Selatan");
        // An I- of another label starts a span.
        let labels: Vec<&str> = docs[1].spans.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["ORG", "PER"]);
        let e = parse_docs("d", "d.conll", "a O\nb X-PER\n").unwrap_err();
        assert!(e.0.contains("d.conll:2") && e.0.contains("X-PER"), "{e}");
        let e = parse_docs("d", "d.conll", "lonely\n").unwrap_err();
        assert!(e.0.contains("d.conll:1"), "{e}");
    }
}
