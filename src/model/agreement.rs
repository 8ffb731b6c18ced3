//! Agreement between annotators of the same text: span precision, recall
//! and F1 (exact, or overlapping with the same label), per label and
//! overall; Cohen's kappa (two annotators) and Fleiss' kappa (more) on
//! tokens; relation F1.
//!
//! The first store is the reference for precision and recall; F1 and the
//! kappas are symmetric.

use std::collections::{BTreeMap, BTreeSet};

use unicode_segmentation::UnicodeSegmentation;

use super::annotation::*;
use super::store::Store;
use super::text::ByteRange;

/// Matched, missed and extra counts, with the figures they give.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// In both.
    pub matched: usize,
    /// In the reference only.
    pub missed: usize,
    /// In the other only.
    pub extra: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.matched + self.extra)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.matched + self.missed)
    }
    pub fn f1(&self) -> f64 {
        ratio(2 * self.matched, 2 * self.matched + self.missed + self.extra)
    }
    /// Precision, or `None` when the other file has none to judge.
    pub fn precision_if_any(&self) -> Option<f64> {
        (self.matched + self.extra > 0).then(|| self.precision())
    }
    /// Recall, or `None` when the reference has none to find.
    pub fn recall_if_any(&self) -> Option<f64> {
        (self.matched + self.missed > 0).then(|| self.recall())
    }
    /// F1, or `None` when neither file has any.
    pub fn f1_if_any(&self) -> Option<f64> {
        (self.matched + self.missed + self.extra > 0).then(|| self.f1())
    }
    fn add(&mut self, o: Counts) {
        self.matched += o.matched;
        self.missed += o.missed;
        self.extra += o.extra;
    }
}

/// The agreement of one file with the reference (the first).
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// Index of the other file.
    pub other: usize,
    /// Span counts per label (`None`: all labels), exact matches.
    pub exact: BTreeMap<Option<String>, Counts>,
    /// The same with overlapping spans of one label counted as matching.
    pub overlap: BTreeMap<Option<String>, Counts>,
    pub relations: Counts,
    /// The same with span arguments matched when they overlap one of the
    /// same label (two annotators linking the same claim, source and cue
    /// whose claim spans differ by a word agree here).
    pub relations_overlap: Counts,
    /// Cohen's kappa on token labels.
    pub kappa: f64,
}

/// Every agreement figure of several files of one text, the first being the
/// reference: what `sorot agree` prints and the compare view shows. Each
/// front end renders it in its own way.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub tokens: usize,
    pub pairs: Vec<Pair>,
    /// Fleiss' kappa on tokens, for three annotators or more.
    pub fleiss: Option<f64>,
    pub annotators: usize,
}

/// The agreement figures of `stores` (same text; the first is the
/// reference); `None` without stores.
pub fn report(stores: &[Store]) -> Option<Report> {
    let first = stores.first()?;
    let toks = tokens(first.text().as_str());
    let labels: Vec<Vec<String>> = stores.iter().map(|s| token_labels(s, &toks)).collect();
    let pairs = stores
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, s)| Pair {
            other: i,
            exact: span_counts(first, s, false),
            overlap: span_counts(first, s, true),
            relations: relation_counts(first, s),
            relations_overlap: relation_counts_overlapping(first, s),
            kappa: cohen_kappa(&labels[0], &labels[i]),
        })
        .collect();
    let fleiss = (stores.len() > 2).then(|| fleiss_kappa(&labels));
    Some(Report { tokens: toks.len(), pairs, fleiss, annotators: stores.len() })
}

/// A figure as the tables print it: `0.667`, or `—` when there is nothing
/// to judge (a label the reference never uses has no recall).
pub fn figure(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |x| format!("{x:.3}"))
}

/// `a / b`, and 1 when there is nothing to compare (both empty agree).
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// A span as compared: its label and its ranges.
type Key = (String, Vec<ByteRange>);

fn keys(store: &Store) -> Vec<Key> {
    let mut v: Vec<Key> =
        store.spans().map(|s| (store.label_name(s.label).to_owned(), s.ranges.iter().copied().collect())).collect();
    v.sort_by_key(|(l, r)| (r.first().map(|x| x.start), l.clone()));
    v
}

fn extent(r: &[ByteRange]) -> ByteRange {
    let first = r.first().copied().unwrap_or_default();
    let last = r.last().copied().unwrap_or_default();
    ByteRange { start: first.start, end: last.end }
}

/// Span counts per label (and under `None`, all labels): exact matches, or
/// with `overlap`, one-to-one matches of the same label whose extents
/// overlap.
pub fn span_counts(reference: &Store, other: &Store, overlap: bool) -> BTreeMap<Option<String>, Counts> {
    let (a, b) = (keys(reference), keys(other));
    let mut used = vec![false; b.len()];
    let mut out: BTreeMap<Option<String>, Counts> = BTreeMap::new();
    for (label, ranges) in &a {
        let found = b.iter().enumerate().position(|(j, (l, r))| {
            !used[j] && l == label && if overlap { extent(r).overlaps(extent(ranges)) } else { r == ranges }
        });
        let c = out.entry(Some(label.clone())).or_default();
        match found {
            Some(j) => {
                used[j] = true;
                c.matched += 1;
            }
            None => c.missed += 1,
        }
    }
    for (j, (label, _)) in b.iter().enumerate() {
        if !used[j] {
            out.entry(Some(label.clone())).or_default().extra += 1;
        }
    }
    let mut all = Counts::default();
    for c in out.values() {
        all.add(*c);
    }
    out.insert(None, all);
    out
}

/// A relation used as an argument, for matching: its type and the label
/// and ranges of the span it stands at (its trigger or first argument).
fn nested_key(s: &Store, id: RelationId) -> String {
    let kind = s.relation(id).and_then(|r| s.relation_type(r.kind)).map_or("?", |t| t.name.as_str());
    let at = s.first_mention(Target::Relation(id)).and_then(|m| s.span(m));
    match at {
        Some(sp) => format!("relation {kind} at {}{:?}", s.label_name(sp.label), sp.ranges.iter().collect::<Vec<_>>()),
        None => format!("relation {kind}"),
    }
}

/// Relation counts: a relation matches one of the same type whose
/// arguments are the same spans (by label and ranges) or entities (by name)
/// in the same roles.
pub fn relation_counts(reference: &Store, other: &Store) -> Counts {
    let key = |s: &Store, r: &Relation| -> (String, BTreeSet<(String, String)>) {
        let kind = s.relation_type(r.kind).map_or("?".to_string(), |t| t.name.clone());
        let args = r
            .args
            .iter()
            .map(|a| {
                let target = match a.target {
                    Target::Span(id) => s.span(id).map_or(String::new(), |sp| {
                        format!("{}{:?}", s.label_name(sp.label), sp.ranges.iter().collect::<Vec<_>>())
                    }),
                    Target::Entity(id) => s.entity(id).map_or(String::new(), |e| format!("entity {}", e.name)),
                    Target::Relation(id) => nested_key(s, id),
                };
                (a.role.to_string(), target)
            })
            .collect();
        (kind, args)
    };
    let a: Vec<_> = reference.relations().map(|r| key(reference, r)).collect();
    let mut b: Vec<Option<_>> = other.relations().map(|r| Some(key(other, r))).collect();
    let mut c = Counts::default();
    for k in &a {
        match b.iter_mut().find(|x| x.as_ref() == Some(k)) {
            Some(slot) => {
                *slot = None;
                c.matched += 1;
            }
            None => c.missed += 1,
        }
    }
    c.extra = b.iter().filter(|x| x.is_some()).count();
    c
}

/// Relation counts with overlapping arguments: a relation matches one of
/// the same type whose arguments, role by role, are spans of the same label
/// that overlap, or entities of the same name.
pub fn relation_counts_overlapping(reference: &Store, other: &Store) -> Counts {
    // Each relation as its type and its arguments sorted by role:
    // (role, label or entity name, extent of a span).
    type Arg = (String, String, Option<ByteRange>);
    let key = |s: &Store, r: &Relation| -> (String, Vec<Arg>) {
        let kind = s.relation_type(r.kind).map_or("?".to_string(), |t| t.name.clone());
        let mut args: Vec<Arg> = r
            .args
            .iter()
            .map(|a| match a.target {
                Target::Span(id) => s.span(id).map_or((a.role.to_string(), String::new(), None), |sp| {
                    (a.role.to_string(), s.label_name(sp.label).to_owned(), Some(sp.extent()))
                }),
                Target::Entity(id) => {
                    (a.role.to_string(), s.entity(id).map_or(String::new(), |e| e.name.clone()), None)
                }
                Target::Relation(id) => (
                    a.role.to_string(),
                    nested_key(s, id),
                    s.first_mention(Target::Relation(id)).and_then(|m| s.span(m)).map(Span::extent),
                ),
            })
            .collect();
        args.sort_by(|x, y| (&x.0, &x.1, x.2.map(|e| e.start)).cmp(&(&y.0, &y.1, y.2.map(|e| e.start))));
        (kind, args)
    };
    let same = |x: &Arg, y: &Arg| {
        x.0 == y.0
            && x.1 == y.1
            && match (x.2, y.2) {
                (Some(a), Some(b)) => a.overlaps(b),
                (None, None) => true,
                _ => false,
            }
    };
    let matches = |a: &(String, Vec<Arg>), b: &(String, Vec<Arg>)| {
        a.0 == b.0 && a.1.len() == b.1.len() && a.1.iter().zip(&b.1).all(|(x, y)| same(x, y))
    };
    let a: Vec<_> = reference.relations().map(|r| key(reference, r)).collect();
    let mut b: Vec<Option<_>> = other.relations().map(|r| Some(key(other, r))).collect();
    let mut c = Counts::default();
    for k in &a {
        match b.iter_mut().find(|x| x.as_ref().is_some_and(|x| matches(k, x))) {
            Some(slot) => {
                *slot = None;
                c.matched += 1;
            }
            None => c.missed += 1,
        }
    }
    c.extra = b.iter().filter(|x| x.is_some()).count();
    c
}

/// The tokens of a text (Unicode words, whitespace dropped).
pub fn tokens(text: &str) -> Vec<ByteRange> {
    text.split_word_bound_indices()
        .filter(|(_, w)| !w.trim().is_empty())
        .map(|(i, w)| ByteRange::new(i, i + w.len()))
        .collect()
}

/// Each token's label in a store: the label of the shortest span covering
/// it (any fragment), or `O`.
pub fn token_labels(store: &Store, tokens: &[ByteRange]) -> Vec<String> {
    tokens
        .iter()
        .map(|t| {
            store
                .spans_overlapping(*t)
                .into_iter()
                .filter_map(|id| store.span(id))
                .filter(|s| s.ranges.iter().any(|r| r.start <= t.start && t.end <= r.end))
                .min_by_key(|s| (s.extent().len(), s.id))
                .map_or("O".to_string(), |s| store.label_name(s.label).to_owned())
        })
        .collect()
}

/// Cohen's kappa of two label sequences of equal length.
pub fn cohen_kappa(x: &[String], y: &[String]) -> f64 {
    let n = x.len().min(y.len());
    if n == 0 {
        return 1.0;
    }
    let observed = x.iter().zip(y).filter(|(a, b)| a == b).count() as f64 / n as f64;
    let mut fx: BTreeMap<&str, usize> = BTreeMap::new();
    let mut fy: BTreeMap<&str, usize> = BTreeMap::new();
    for (a, b) in x.iter().zip(y) {
        *fx.entry(a).or_default() += 1;
        *fy.entry(b).or_default() += 1;
    }
    let expected: f64 =
        fx.iter().map(|(k, &c)| c as f64 * *fy.get(k).unwrap_or(&0) as f64).sum::<f64>() / (n * n) as f64;
    if (1.0 - expected).abs() < f64::EPSILON { 1.0 } else { (observed - expected) / (1.0 - expected) }
}

/// Fleiss' kappa: `raters[r][i]` is rater r's label for item i.
pub fn fleiss_kappa(raters: &[Vec<String>]) -> f64 {
    let n = raters.len();
    let items = raters.iter().map(Vec::len).min().unwrap_or(0);
    if n < 2 || items == 0 {
        return 1.0;
    }
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut p_bar = 0.0;
    for i in 0..items {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for r in raters {
            *counts.entry(r[i].as_str()).or_default() += 1;
        }
        let agree: usize = counts.values().map(|&c| c * (c.saturating_sub(1))).sum();
        p_bar += agree as f64 / (n * (n - 1)) as f64;
        for (k, c) in counts {
            *totals.entry(k).or_default() += c;
        }
    }
    p_bar /= items as f64;
    let pe: f64 = totals.values().map(|&c| (c as f64 / (items * n) as f64).powi(2)).sum();
    if (1.0 - pe).abs() < f64::EPSILON { 1.0 } else { (p_bar - pe) / (1.0 - pe) }
}
