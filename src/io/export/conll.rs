//! CoNLL-2003 style IOB2.

use super::*;

/// CoNLL-2003 style: `token TAG` per line (IOB2), a blank line between
/// sentences, `-DOCSTART- -X- O O` before each document. Tokens are Unicode words
/// (UAX #29, whitespace dropped); sentences are Unicode sentences within
/// each line. `labels` chooses the labels (default: the entity-like ones).
pub fn conll(stores: &[&Store], labels: Option<&[String]>) -> Export {
    let mut out = String::new();
    let mut losses = Vec::new();
    for store in stores {
        let text = store.text().as_str();
        let chosen: Vec<u16> = store
            .schema()
            .labels
            .iter()
            .enumerate()
            .filter(|(_, l)| match labels {
                Some(names) => names.iter().any(|n| n == &l.name),
                None => l.entity_type.is_some(),
            })
            .map(|(i, _)| i as u16)
            .collect();
        // Spans to tag, earliest first, longer first; overlapping ones are left out.
        let mut spans: Vec<&Span> = store.spans().filter(|s| chosen.contains(&s.label)).collect();
        spans.sort_by_key(|s| (s.extent().start, std::cmp::Reverse(s.extent().end), s.id));
        let mut kept: Vec<&Span> = Vec::new();
        let (mut overlapping, mut discontinuous) = (Vec::new(), Vec::new());
        for s in spans {
            if s.ranges.len() > 1 {
                discontinuous.push(s.id.0);
                continue;
            }
            if kept.last().is_some_and(|k| k.extent().overlaps(s.extent())) {
                overlapping.push(s.id.0);
            } else {
                kept.push(s);
            }
        }
        let mut unaligned = Vec::new();
        // Tokens with their byte ranges.
        let mut tokens: Vec<(u32, u32)> = Vec::with_capacity(text.len() / 5);
        let mut sentence_breaks: Vec<u32> = Vec::new();
        for (ls, line) in line_ranges(text) {
            for (ss, sentence) in line.split_sentence_bound_indices() {
                for (ws, w) in sentence.split_word_bound_indices() {
                    if w.trim().is_empty() {
                        continue;
                    }
                    let start = ls + ss + ws;
                    tokens.push((start as u32, (start + w.len()) as u32));
                }
                sentence_breaks.push(tokens.len() as u32);
            }
        }
        // The tag of each token: the index into `kept` plus one (0 is `O`),
        // and whether it begins its span.
        let mut tags: Vec<(u32, bool)> = vec![(0, false); tokens.len()];
        let mut ti = 0;
        for (k, s) in kept.iter().enumerate() {
            let e = s.extent();
            let (start, end) = (e.start() as u32, e.end() as u32);
            while ti < tokens.len() && tokens[ti].1 <= start {
                ti += 1;
            }
            let mut j = ti;
            let mut aligned = tokens.get(ti).is_some_and(|t| t.0 == start);
            while j < tokens.len() && tokens[j].0 < end {
                tags[j] = (k as u32 + 1, j == ti);
                if tokens[j].1 > end {
                    aligned = false;
                }
                j += 1;
            }
            if j > 0 && tokens.get(j - 1).is_some_and(|t| t.1 != end) {
                aligned = false;
            }
            if !aligned {
                unaligned.push(s.id.0);
            }
        }
        loss(&mut losses, store, "overlapping spans left out".into(), overlapping);
        loss(&mut losses, store, "discontinuous spans left out".into(), discontinuous);
        loss(
            &mut losses,
            store,
            "spans do not fall on token boundaries and were widened to whole tokens".into(),
            unaligned,
        );
        // The separator CoNLL-2003 files carry, and the only one spaCy's
        // `convert --converter ner` recognises (it reads `-DOCSTART- O` as a word).
        out.push_str("-DOCSTART- -X- O O\n\n");
        out.reserve(text.len() + tokens.len() * 3);
        let mut si = 0;
        for (i, ((s, e), (tag, begins))) in tokens.iter().zip(&tags).enumerate() {
            out.push_str(&text[*s as usize..*e as usize]);
            match tag.checked_sub(1).and_then(|k| kept.get(k as usize)) {
                Some(span) => {
                    out.push_str(if *begins { " B-" } else { " I-" });
                    out.push_str(store.label_name(span.label));
                }
                None => out.push_str(" O"),
            }
            out.push('\n');
            let next = i as u32 + 1;
            while si < sentence_breaks.len() && sentence_breaks[si] == next {
                out.push('\n');
                si += 1;
                // Empty sentences (blank lines) add no extra blank line.
                while si < sentence_breaks.len() && sentence_breaks[si] == next {
                    si += 1;
                }
            }
        }
    }
    Export { files: vec![("export.conll".into(), out)], losses, notices: Vec::new() }
}

fn line_ranges(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').map(move |l| {
        let s = start;
        start += l.len() + 1;
        (s, l)
    })
}
