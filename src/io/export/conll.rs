//! CoNLL-2003 style IOB2.

use super::*;
use crate::model::segment;

/// CoNLL-2003 style: `token TAG` per line (IOB2), a blank line between
/// sentences, `-DOCSTART- -X- O O` before each document. Tokens are Unicode words
/// (UAX #29, whitespace dropped); sentences are Unicode sentences within
/// each line. `labels` chooses the labels (default: the entity-like ones).
pub fn conll(stores: &[&Store], labels: Option<&[String]>) -> Export {
    Export::collect(|files| write(stores, labels, files))
}

/// Where a tagged span's tokens were met, as the text is read.
#[derive(Clone, Copy, Default)]
struct Met {
    /// The start of its first token.
    first: Option<u32>,
    /// The end of its last token.
    last_end: u32,
    /// A token of it runs past its end.
    over: bool,
}

/// Written as the text is read, token by token: no table of the tokens or
/// their tags is kept.
pub(super) fn write(stores: &[&Store], labels: Option<&[String]>, files: &mut Files) -> Report {
    let mut out = files.create("export.conll");
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
        let bounds: Vec<(u32, u32)> = kept.iter().map(|s| (s.extent().start, s.extent().end)).collect();
        let mut met = vec![Met::default(); kept.len()];
        // The separator CoNLL-2003 files carry, and the only one spaCy's
        // `convert --converter ner` recognises (it reads `-DOCSTART- O` as a word).
        out.push_str("-DOCSTART- -X- O O\n\n");
        out.reserve(text.len() * 2);
        // The first kept span that may still overlap a token: spans are
        // sorted and do not overlap, so those before it end before the token.
        let mut k = 0;
        for (ls, line) in line_ranges(text) {
            segment::for_each_sentence(line, |ss, sentence| {
                let mut any = false;
                segment::for_each_word_bound(sentence, |ws, w| {
                    if w.trim().is_empty() {
                        return;
                    }
                    let start = (ls + ss + ws) as u32;
                    let end = start + w.len() as u32;
                    while k < bounds.len() && bounds[k].1 <= start {
                        k += 1;
                    }
                    // The spans this token overlaps (two when a span ends
                    // inside it and the next begins there); it takes the
                    // tag of the last.
                    let mut tag = None;
                    for (j, &(_, e)) in bounds.iter().enumerate().skip(k).take_while(|(_, b)| b.0 < end) {
                        let m = &mut met[j];
                        let begins = m.first.is_none();
                        m.first.get_or_insert(start);
                        m.last_end = end;
                        m.over |= end > e;
                        tag = Some((j, begins));
                    }
                    out.push_str(w);
                    match tag {
                        Some((j, begins)) => {
                            out.push_str(if begins { " B-" } else { " I-" });
                            out.push_str(store.label_name(kept[j].label));
                        }
                        None => out.push_str(" O"),
                    }
                    out.push('\n');
                    any = true;
                });
                // A blank line ends a sentence; empty sentences (blank
                // lines) add none.
                if any {
                    out.push('\n');
                }
            });
        }
        let unaligned: Vec<u32> = kept
            .iter()
            .zip(&bounds)
            .zip(&met)
            .filter(|((_, (s, e)), m)| m.first != Some(*s) || m.over || m.last_end != *e)
            .map(|((span, _), _)| span.id.0)
            .collect();
        loss(&mut losses, store, "overlapping spans left out".into(), overlapping);
        loss(&mut losses, store, "discontinuous spans left out".into(), discontinuous);
        loss(
            &mut losses,
            store,
            "spans do not fall on token boundaries and were widened to whole tokens".into(),
            unaligned,
        );
        suggested_loss(&mut losses, store, "CoNLL");
    }
    files.close(out);
    Report { losses, notices: Vec::new() }
}

fn line_ranges(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').map(move |l| {
        let s = start;
        start += l.len() + 1;
        (s, l)
    })
}
