//! The attribution source: who said what, with which cue, from the words
//! of the schema's `attribution` rules. Four patterns, each scored by a
//! fixed confidence (rules do not learn):
//!
//! - a quotation and its speaker after it: “…,” kata juru bicara Kremlin,
//!   Dmitry Peskov kepada wartawan (0.8);
//! - a speaker, a reporting verb and what was said: Putin mengatakan (bahwa)
//!   … (0.6);
//! - "according to": Menurut Peskov, … (0.7);
//! - an outlet: Dilansir BBC, … (0.7), with the outlet's relation type.
//!
//! Each frame is suggested as its claim, carrying its cue and its source
//! (or outlet) and the relation that ties them.

use regex::Regex;

use super::{Frame, FramePart, Source, Suggestion};
use crate::model::{AttributionRules, ByteRange, Schema};

/// Rule set version, recorded with each suggestion.
pub const VERSION: &str = "attribution rules 1";

const OPENING: &[char] = &['"', '“', '‘', '«', '\''];
const CLOSING: &[char] = &['"', '”', '’', '»', '\''];

/// The label a role of a relation type accepts first (a label, not an
/// entity type).
fn role_label(schema: &Schema, rel: &str, role: &str) -> Option<String> {
    let rt = schema.relation_types.iter().find(|r| r.name == rel)?;
    let r = rt.roles.iter().find(|r| r.name == role)?;
    r.accepts.iter().find(|a| schema.label_index(a).is_some()).cloned()
}

/// The first relation type with all of `roles`.
fn relation_with(schema: &Schema, roles: &[&str]) -> Option<String> {
    schema
        .relation_types
        .iter()
        .find(|r| roles.iter().all(|x| r.roles.iter().any(|y| y.name == *x)))
        .map(|r| r.name.clone())
}

fn words_regex(words: &[String]) -> Option<Regex> {
    if words.is_empty() {
        return None;
    }
    let alt: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    Regex::new(&format!(r"(?i)\b(?:{})\b", alt.join("|"))).ok()
}

/// The patterns of one schema, compiled once.
pub struct Frames {
    rules: AttributionRules,
    after_quote: Option<Regex>,
    reporting: Option<Regex>,
    according_to: Option<Regex>,
    outlet: Option<Regex>,
    said: Option<(String, String, String, String)>,
    reported: Option<(String, String, String, String)>,
}

impl Frames {
    /// `None` when the schema has no attribution rules.
    pub fn new(schema: &Schema) -> Option<Self> {
        let rules = schema.attribution.clone()?;
        // (relation, claim label, source-or-outlet label, cue label)
        let labels = |roles: [&str; 2]| -> Option<(String, String, String, String)> {
            let rel = relation_with(schema, &["claim", roles[1]])?;
            let claim = role_label(schema, &rel, "claim")?;
            let who = role_label(schema, &rel, roles[1])?;
            let cue = role_label(schema, &rel, "cue").unwrap_or_default();
            Some((rel, claim, who, cue))
        };
        Some(Frames {
            after_quote: words_regex(&rules.after_quote),
            reporting: words_regex(&rules.reporting),
            according_to: words_regex(&rules.according_to),
            outlet: words_regex(&rules.outlet),
            said: labels(["claim", "source"]),
            reported: labels(["claim", "outlet"]),
            rules,
        })
    }

    fn is_stop(&self, word: &str) -> bool {
        let w = word.trim_matches(|c: char| !c.is_alphanumeric());
        self.rules.source_stops.iter().any(|s| s.eq_ignore_ascii_case(w))
    }

    fn is_complementizer(&self, word: &str) -> bool {
        self.rules.complementizers.iter().any(|s| s.eq_ignore_ascii_case(word))
    }

    /// Every frame in `text`, line by line.
    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        let mut out = Vec::new();
        let mut at = 0;
        for line in text.split('\n') {
            self.line(line, at, &mut out);
            at += line.len() + 1;
        }
        out
    }

    fn frame(
        &self,
        which: &(String, String, String, String),
        role: &str,
        claim: ByteRange,
        who: ByteRange,
        cue: ByteRange,
        score: f32,
    ) -> Suggestion {
        let (rel, claim_label, who_label, cue_label) = which;
        let part = |role: &str, range, label: &String| FramePart {
            role: role.to_owned(),
            range,
            label: label.clone(),
            entity: None,
        };
        let mut parts = vec![part(role, who, who_label)];
        if !cue_label.is_empty() {
            parts.push(part("cue", cue, cue_label));
        }
        Suggestion {
            range: claim,
            label: claim_label.clone(),
            score,
            source: Source::Attribution(VERSION.into()),
            entity: None,
            frame: Some(Box::new(Frame { relation: rel.clone(), parts })),
        }
    }

    fn line(&self, line: &str, base: usize, out: &mut Vec<Suggestion>) {
        let r = |a: usize, b: usize| ByteRange::new(base + a, base + b);
        // 1. “…,” CUE SOURCE
        if let (Some(re), Some(said)) = (&self.after_quote, &self.said) {
            for m in re.find_iter(line) {
                let before = line[..m.start()].trim_end();
                let Some(q) = before.chars().next_back().filter(|c| CLOSING.contains(c)) else { continue };
                let q_at = before.len() - q.len_utf8();
                let Some(open) = opener(line, q_at, q) else { continue };
                let mut content_end = q_at;
                let content = &line[open..content_end];
                // An inner quotation left open: the closing mark is its.
                let opens = content.matches('“').count();
                let closes = content.matches('”').count();
                if opens > closes {
                    content_end = before.len();
                }
                let claim = trim_range(line, open, content_end, opens > closes);
                let Some((cs, ce)) = claim else { continue };
                let Some((ss, se)) = self.source_after(line, m.end()) else { continue };
                out.push(self.frame(said, "source", r(cs, ce), r(ss, se), r(m.start(), m.end()), 0.8));
            }
        }
        // 2. SOURCE CUE (bahwa) CLAIM
        if let (Some(re), Some(said)) = (&self.reporting, &self.said) {
            for m in re.find_iter(line) {
                let before = line[..m.start()].trim_end();
                if before.ends_with(CLOSING) {
                    continue;
                }
                // The speaker: back to the sentence start or the last comma.
                let from = before.rfind([',', '.', ';', ':', '!', '?']).map_or(0, |i| i + 1);
                let Some((ss, se)) = trim_range(line, from, before.len(), false) else { continue };
                let words = line[ss..se].split_whitespace().count();
                if !(1..=8).contains(&words) || !line[ss..].starts_with(char::is_uppercase) {
                    continue;
                }
                let Some((cs, ce)) = self.claim_after(line, m.end()) else { continue };
                out.push(self.frame(said, "source", r(cs, ce), r(ss, se), r(m.start(), m.end()), 0.6));
            }
        }
        // 3. Menurut SOURCE, CLAIM   4. Dilansir OUTLET, CLAIM
        for (re, which, role, score) in
            [(&self.according_to, &self.said, "source", 0.7), (&self.outlet, &self.reported, "outlet", 0.7)]
        {
            let (Some(re), Some(which)) = (re, which) else { continue };
            for m in re.find_iter(line) {
                let mut from = m.end();
                let rest = &line[from..];
                let skipped = rest.len() - rest.trim_start().len();
                if let Some(w) = rest.split_whitespace().next()
                    && self.is_complementizer(w)
                {
                    from += skipped + w.len();
                }
                let Some(comma) = line[from..].find(',').map(|i| from + i) else { continue };
                let Some((ss, se)) = trim_range(line, from, comma, false) else { continue };
                if line[ss..se].split_whitespace().count() > 8 {
                    continue;
                }
                let Some((cs, ce)) = self.claim_after(line, comma + 1) else { continue };
                out.push(self.frame(which, role, r(cs, ce), r(ss, se), r(m.start(), m.end()), score));
            }
        }
    }

    /// The speaker after a cue: words up to a stop word, a bracket or the
    /// sentence end (at most 10 words).
    fn source_after(&self, line: &str, from: usize) -> Option<(usize, usize)> {
        let mut end = from;
        for (i, w) in word_spans(line, from).take(10) {
            let bare = w.trim_end_matches([',', '.', ';', ':', '!', '?', ')']);
            if self.is_stop(w) || w.starts_with('(') {
                break;
            }
            end = i + bare.len();
            if w.len() != bare.len() && !w.ends_with(',') {
                break;
            }
        }
        trim_range(line, from, end, false)
    }

    /// What was said after a cue (a complementizer skipped), to the
    /// sentence end; at least three words.
    fn claim_after(&self, line: &str, from: usize) -> Option<(usize, usize)> {
        let mut start = from;
        if let Some((i, w)) = word_spans(line, from).next()
            && self.is_complementizer(w)
        {
            start = i + w.len();
        }
        let rest = &line[start..];
        let end = sentence_end(rest).map_or(line.len(), |e| start + e);
        let (s, e) = trim_range(line, start, end, false)?;
        (line[s..e].split_whitespace().count() >= 3).then_some((s, e))
    }
}

/// The words of `line` from `from`, with their byte offsets.
fn word_spans(line: &str, from: usize) -> impl Iterator<Item = (usize, &str)> {
    let rest = &line[from..];
    rest.split_whitespace().map(move |w| (from + (w.as_ptr() as usize - rest.as_ptr() as usize), w))
}

/// Where the sentence that starts `s` ends: a full stop, question or
/// exclamation mark followed by a space or the end.
fn sentence_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    s.char_indices().find_map(|(i, c)| {
        let next = bytes.get(i + c.len_utf8());
        (matches!(c, '.' | '!' | '?') && next.is_none_or(|b| b.is_ascii_whitespace())).then_some(i)
    })
}

/// The opening mark of the quotation closed at `q_at` by `q`: walking back
/// over inner quotations; a straight quote left open before a curly one
/// wins (`"… “…,” kata`: the outer quotation never closes).
fn opener(line: &str, q_at: usize, q: char) -> Option<usize> {
    let before = &line[..q_at];
    let mut depth = 0;
    let mut found = None;
    for (i, c) in before.char_indices().rev() {
        if q == '"' && c == '"' {
            found = Some(i + 1);
            break;
        }
        if CLOSING.contains(&c) && c != '"' && c != '\'' {
            depth += 1;
        } else if OPENING.contains(&c) && c != '"' && c != '\'' {
            if depth == 0 {
                found = Some(i + c.len_utf8());
                break;
            }
            depth -= 1;
        }
    }
    let found = found?;
    // An odd number of straight quotes before the curly opener: one opened
    // the quotation and never closed.
    if q != '"' {
        let straight: Vec<usize> = line[..found].match_indices('"').map(|(i, _)| i).collect();
        if straight.len() % 2 == 1 {
            return straight.first().map(|i| i + 1);
        }
    }
    Some(found)
}

/// `start..end` of `line` without surrounding spaces, and without trailing
/// commas or full stops unless `keep_end`; `None` when nothing is left.
fn trim_range(line: &str, start: usize, end: usize, keep_end: bool) -> Option<(usize, usize)> {
    let s = line.get(start..end)?;
    let lead = s.len() - s.trim_start().len();
    let mut t = s.trim();
    if !keep_end {
        t = t.trim_end_matches([',', '.', ';', ':']).trim_end();
    }
    (!t.is_empty()).then(|| (start + lead, start + lead + t.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (relation, claim, [(role, text)]) of each frame.
    type Found = (String, String, Vec<(String, String)>);

    fn frames(text: &str) -> Vec<Found> {
        let f = Frames::new(&Schema::default_news()).expect("the bundled schema has rules");
        f.suggest(text)
            .into_iter()
            .map(|s| {
                let frame = s.frame.expect("a frame");
                let parts = frame.parts.iter().map(|p| (p.role.clone(), text[p.range.as_range()].to_owned())).collect();
                (frame.relation, text[s.range.as_range()].to_owned(), parts)
            })
            .collect()
    }

    #[test]
    fn the_sample_s_quotation_its_reported_speech_and_its_outlet() {
        let text = "\"Putin memberi Kim senapan produksi Rusia “berkualitas terbaik,” kata juru bicara Kremlin, Dmitry Peskov kepada wartawan, Kamis (14/9/2023).\n\
                    Putin mengatakan kunjungan Kim ke Rusia akan berlangsung beberapa hari lagi.\n\
                    Menurut Peskov, senjata itu hadiah biasa.\n\
                    Dilansir BBC, AS memperingatkan bahwa bantuan apa pun akan melanggar resolusi PBB.\n\
                    “Kami tidak mengirim senjata,” ujarnya.";
        let got = frames(text);
        let part = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert!(
            got.contains(&(
                "said_by".into(),
                "Putin memberi Kim senapan produksi Rusia “berkualitas terbaik,”".into(),
                vec![part("source", "juru bicara Kremlin, Dmitry Peskov"), part("cue", "kata")]
            )),
            "{got:#?}"
        );
        assert!(
            got.contains(&(
                "said_by".into(),
                "kunjungan Kim ke Rusia akan berlangsung beberapa hari lagi".into(),
                vec![part("source", "Putin"), part("cue", "mengatakan")]
            )),
            "{got:#?}"
        );
        assert!(
            got.contains(&(
                "said_by".into(),
                "senjata itu hadiah biasa".into(),
                vec![part("source", "Peskov"), part("cue", "Menurut")]
            )),
            "{got:#?}"
        );
        assert!(
            got.contains(&(
                "reported_by".into(),
                "AS memperingatkan bahwa bantuan apa pun akan melanggar resolusi PBB".into(),
                vec![part("outlet", "BBC"), part("cue", "Dilansir")]
            )),
            "{got:#?}"
        );
        assert!(
            got.contains(&(
                "said_by".into(),
                "bantuan apa pun akan melanggar resolusi PBB".into(),
                vec![part("source", "AS"), part("cue", "memperingatkan")]
            )),
            "{got:#?}"
        );
        // A speaker who is only a pronoun suffix (ujarnya): no frame.
        assert!(!got.iter().any(|g| g.1 == "Kami tidak mengirim senjata"), "{got:#?}");
    }

    #[test]
    fn no_rules_no_frames_and_odd_text_is_safe() {
        let mut schema = Schema::default_news();
        schema.attribution = None;
        assert!(Frames::new(&schema).is_none());
        let f = Frames::new(&Schema::default_news()).unwrap();
        for text in [
            "",
            "kata",
            "” kata",
            "\"",
            "Menurut ,",
            "Dilansir BBC",
            "👍🏽” kata 한국어 e\u{301}.",
            "\u{feff}“x,”\r\nkata",
        ] {
            for s in f.suggest(text) {
                assert!(text.is_char_boundary(s.range.start()) && text.is_char_boundary(s.range.end()));
            }
        }
    }
}
