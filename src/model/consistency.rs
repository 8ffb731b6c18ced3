//! Consistency across documents: the same text labelled with different
//! labels, a labelled text that also occurs unlabelled ("marked
//! partially"), and mentions of one text linked to different entities.
//! Texts are compared exactly (case and accents count); occurrences are
//! whole words, found with one Aho-Corasick automaton over every labelled
//! text of the corpus (leftmost-longest).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};

use super::{ByteRange, Store};

/// Labelled texts longer than this (claims, whole sentences) are compared
/// for their labels but not searched for unlabelled copies.
pub const MAX_SEARCHED_CHARS: usize = 80;

/// Unlabelled occurrences listed per finding; the rest are counted (a
/// labelled common word can occur unlabelled a hundred thousand times).
pub const MAX_LISTED: usize = 200;

/// What is inconsistent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The same text has different labels.
    DifferentLabels,
    /// The text is labelled somewhere and not elsewhere.
    Unlabelled,
    /// Mentions of the same text link to different entities.
    DifferentEntities,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::DifferentLabels => "different labels",
            Kind::Unlabelled => "labelled in some places only",
            Kind::DifferentEntities => "different entities",
        }
    }
    /// For `--json` and files.
    pub fn key(self) -> &'static str {
        match self {
            Kind::DifferentLabels => "different_labels",
            Kind::Unlabelled => "unlabelled",
            Kind::DifferentEntities => "different_entities",
        }
    }
}

/// One place a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    /// Index of the document in the checked list.
    pub doc: usize,
    pub range: ByteRange,
    /// The label there (None: unlabelled).
    pub label: Option<String>,
    /// The entity the mention links to, by name.
    pub entity: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: Kind,
    pub text: String,
    /// The label most often given to this text (what a fix applies); none
    /// when two labels are given equally often.
    pub usual_label: Option<String>,
    /// Every label given to this text, most often first.
    pub labels: Vec<String>,
    pub occurrences: Vec<Occurrence>,
    /// Unlabelled occurrences beyond [`MAX_LISTED`], counted, not listed.
    pub unlisted: usize,
}

impl Finding {
    /// `"Peskov": Person 3×, Organization 1×`.
    pub fn summary(&self) -> String {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for o in &self.occurrences {
            let key = match self.kind {
                Kind::DifferentEntities => o.entity.clone().unwrap_or_else(|| "no entity".into()),
                _ => o.label.clone().unwrap_or_else(|| "unlabelled".into()),
            };
            *counts.entry(key).or_default() += 1;
        }
        if self.unlisted > 0 {
            *counts.entry("unlabelled".into()).or_default() += self.unlisted;
        }
        let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}×")).collect();
        format!("{:?}: {} ({})", self.text, parts.join(", "), self.kind.name())
    }
}

/// A letter, digit, combining mark or `_`: what a whole-word match may not
/// have on either side.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) || c == '_'
}

/// Whether `range` of `text` is not part of a longer word.
pub fn whole_word(text: &str, range: ByteRange) -> bool {
    let before = text[..range.start()].chars().next_back();
    let after = text[range.end()..].chars().next();
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

/// Checks `docs` together. Findings come sorted by kind, then text.
pub fn check(docs: &[&Store]) -> Vec<Finding> {
    // Every labelled one-piece span, by its text.
    let mut by_text: BTreeMap<String, Vec<Occurrence>> = BTreeMap::new();
    let mut exact: Vec<HashSet<ByteRange>> = Vec::with_capacity(docs.len());
    for (d, store) in docs.iter().enumerate() {
        let mut here = HashSet::new();
        for s in store.spans() {
            if s.ranges.len() != 1 {
                continue;
            }
            let r = s.ranges[0];
            here.insert(r);
            let text = store.text().slice(r);
            if text.trim().is_empty() {
                continue;
            }
            by_text.entry(text.to_owned()).or_default().push(Occurrence {
                doc: d,
                range: r,
                label: Some(store.label_name(s.label).to_owned()),
                entity: s.entity.and_then(|e| store.entity(e)).map(|e| e.name.clone()),
            });
        }
        exact.push(here);
    }
    let mut findings = Vec::new();
    for (text, occ) in &by_text {
        let labels: BTreeSet<&str> = occ.iter().filter_map(|o| o.label.as_deref()).collect();
        if labels.len() > 1 {
            findings.push(finding(Kind::DifferentLabels, text, occ.clone()));
        }
        let linked: Vec<Occurrence> = occ.iter().filter(|o| o.entity.is_some()).cloned().collect();
        let entities: BTreeSet<&str> = linked.iter().filter_map(|o| o.entity.as_deref()).collect();
        if entities.len() > 1 {
            findings.push(finding(Kind::DifferentEntities, text, linked));
        }
    }
    // Unlabelled copies of labelled texts.
    let patterns: Vec<&str> = by_text
        .keys()
        .map(String::as_str)
        .filter(|t| {
            let n = t.chars().count();
            (2..=MAX_SEARCHED_CHARS).contains(&n) && t.trim() == *t
        })
        .collect();
    if !patterns.is_empty()
        && let Ok(ac) = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&patterns)
    {
        let mut unlabelled: BTreeMap<usize, (Vec<Occurrence>, usize)> = BTreeMap::new();
        for (d, store) in docs.iter().enumerate() {
            let text = store.text().as_str();
            for m in ac.find_iter(text) {
                let r = ByteRange::new(m.start(), m.end());
                if exact[d].contains(&r) || !whole_word(text, r) {
                    continue;
                }
                let (listed, more) = unlabelled.entry(m.pattern().as_usize()).or_default();
                if listed.len() < MAX_LISTED {
                    listed.push(Occurrence { doc: d, range: r, label: None, entity: None });
                } else {
                    *more += 1;
                }
            }
        }
        for (p, (mut missing, more)) in unlabelled {
            let text = patterns[p];
            let mut occ = by_text.get(text).cloned().unwrap_or_default();
            occ.append(&mut missing);
            let mut f = finding(Kind::Unlabelled, text, occ);
            f.unlisted = more;
            findings.push(f);
        }
    }
    findings.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.text.cmp(&b.text)));
    findings
}

fn finding(kind: Kind, text: &str, mut occurrences: Vec<Occurrence>) -> Finding {
    occurrences.sort();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for l in occurrences.iter().filter_map(|o| o.label.as_deref()) {
        *counts.entry(l).or_default() += 1;
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    // The most frequent, unless another is as frequent (then the analyst
    // chooses).
    let usual_label = match ranked.as_slice() {
        [(l, _)] => Some((*l).to_owned()),
        [(l, a), (_, b), ..] if a > b => Some((*l).to_owned()),
        _ => None,
    };
    let labels = ranked.iter().map(|(l, _)| (*l).to_owned()).collect();
    Finding { kind, text: text.to_owned(), usual_label, labels, occurrences, unlisted: 0 }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    #[test]
    fn finds_the_three_kinds() {
        let mut a = store("Peskov berkata. Rusia dan Moskow.");
        let mut b = store("Kata Peskov, Rusia membantah. Rusia lagi. Rusian bukan.");
        span(&mut a, "Person", "Peskov");
        span(&mut b, "Organization", "Peskov");
        let ra = span(&mut a, "Country", "Rusia");
        let russia = entity(&mut a, "Russia", "Country");
        let mut s = a.span(ra).expect("span").clone();
        s.entity = Some(russia);
        a.apply(crate::model::Edit::ReplaceSpan(s)).expect("link");
        let rb = span(&mut b, "Country", "Rusia");
        let rf = entity(&mut b, "Russian Federation", "Country");
        let mut s = b.span(rb).expect("span").clone();
        s.entity = Some(rf);
        b.apply(crate::model::Edit::ReplaceSpan(s)).expect("link");
        let found = check(&[&a, &b]);
        let kinds: Vec<(Kind, &str)> = found.iter().map(|f| (f.kind, f.text.as_str())).collect();
        assert_eq!(
            kinds,
            [(Kind::DifferentLabels, "Peskov"), (Kind::Unlabelled, "Rusia"), (Kind::DifferentEntities, "Rusia")]
        );
        let partial = &found[1];
        // The second "Rusia" of b is unlabelled; "Rusian" is another word.
        let missing: Vec<&Occurrence> = partial.occurrences.iter().filter(|o| o.label.is_none()).collect();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].doc, 1);
        assert_eq!(b.text().slice(missing[0].range), "Rusia");
        assert_eq!(partial.usual_label.as_deref(), Some("Country"));
        assert_eq!(found[0].summary(), "\"Peskov\": Organization 1×, Person 1× (different labels)");
        // A tie: no label is the usual one; both are offered.
        assert_eq!(
            (found[0].usual_label.as_deref(), found[0].labels.clone()),
            (None, vec!["Organization".into(), "Person".into()])
        );
    }

    #[test]
    fn a_common_word_lists_some_occurrences_and_counts_the_rest() {
        let text = "kata ".repeat(MAX_LISTED + 50);
        let mut a = store(&text);
        span(&mut a, "Cue", "kata");
        let found = check(&[&a]);
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.occurrences.len(), MAX_LISTED + 1, "the labelled one and the first unlabelled ones");
        assert_eq!(f.unlisted, 49);
        assert_eq!(
            f.summary(),
            format!("\"kata\": unlabelled {}×, Cue 1× (labelled in some places only)", MAX_LISTED + 49)
        );
    }

    #[test]
    fn a_consistent_corpus_has_no_findings() {
        let mut a = store("Rusia dan Korea Utara.");
        let mut b = store("Korea Utara, lalu Rusia.");
        span(&mut a, "Country", "Rusia");
        span(&mut a, "Country", "Korea Utara");
        span(&mut b, "Country", "Rusia");
        span(&mut b, "Country", "Korea Utara");
        assert!(check(&[&a, &b]).is_empty());
    }
}
