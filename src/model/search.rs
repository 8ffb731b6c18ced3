//! Searching a document: text (plain or regular expressions, optionally
//! ignoring case and accents, whole words), spans of a label whose text
//! matches, text inside spans of a label, and structural questions
//! (spans of a label that are no argument of a relation type, spans
//! without an attribute). The corpus search (`io::search`) runs this on
//! every document of a folder; label-all plans its edits here.
//!
//! Hits are byte ranges of the document's text, always on char
//! boundaries; conversions to code points happen where they are shown or
//! written.

use regex::{Regex, RegexBuilder};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::{AttrValue, ByteRange, Edit, Provenance, Span, SpanId, Store, Target, Timestamp};

/// What to look for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    /// The text or regular expression; empty matches every span of the
    /// scope's label (and nothing in `Scope::Text`).
    pub pattern: String,
    pub regex: bool,
    pub ignore_case: bool,
    /// `Rusia` finds `Rusía`; `e` finds `é` (precomposed or not).
    pub ignore_accents: bool,
    /// Matches only where no letter, digit or mark is next to them.
    pub whole_word: bool,
    pub scope: Scope,
}

/// Where the pattern is looked for.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Scope {
    /// The whole text.
    #[default]
    Text,
    /// Spans that pass the filter and whose text contains a match: a hit
    /// is the whole span.
    Spans(SpanFilter),
    /// Matches inside spans that pass the filter (claims containing
    /// "senjata").
    Inside(SpanFilter),
}

/// Which spans a scope looks at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpanFilter {
    /// Label name; empty for spans of any label.
    pub label: String,
    pub attribute: Option<AttrTest>,
    /// Only spans that are no argument of any relation of this type
    /// (Sources that are no claim's `said_by` source).
    pub not_argument_of: Option<String>,
}

/// A condition on a span's attribute.
#[derive(Clone, Debug, PartialEq)]
pub enum AttrTest {
    /// The attribute has this value (`certainty=hedged`).
    Is(String, String),
    /// The attribute is not set (claims without `certainty`).
    Missing(String),
}

/// A query that cannot run, in words.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum QueryError {
    #[error("the regular expression does not work: {0}")]
    Regex(String),
    #[error("this document has no label {0:?}")]
    NoLabel(String),
    #[error("this document has no relation type {0:?}")]
    NoRelationType(String),
    #[error("{0} spans cannot link to {1}, a {2}")]
    CannotLink(String, String, String),
}

/// One place the query found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub range: ByteRange,
    /// The span the hit is (in `Scope::Spans`) or lies in (`Scope::Inside`).
    pub span: Option<SpanId>,
}

/// A query compiled once, run on many documents.
#[derive(Clone, Debug)]
pub struct Matcher {
    query: Query,
    /// None: the pattern is empty.
    regex: Option<Regex>,
}

/// Folds `s` for accent-insensitive search: canonical decomposition with
/// every combining mark dropped (`é` → `e`).
pub fn fold_accents(s: &str) -> String {
    s.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// A text with its accents folded, and where each folded byte came from.
struct Folded {
    text: String,
    /// For each byte of `text`, the start of the original char.
    origin: Vec<u32>,
}

impl Folded {
    fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        let mut buf = [0u8; 4];
        for (i, c) in original.char_indices() {
            for d in std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)) {
                let enc = d.encode_utf8(&mut buf);
                text.push_str(enc);
                origin.extend(std::iter::repeat_n(i as u32, enc.len()));
            }
        }
        Folded { text, origin }
    }

    /// The original range of a folded match: from the char that gave its
    /// first byte to the char that gives the byte after it (so marks that
    /// were dropped at its end stay inside).
    fn original(&self, start: usize, end: usize, original_len: usize) -> ByteRange {
        let s = self.origin.get(start).map_or(original_len, |&o| o as usize);
        let e = self.origin.get(end).map_or(original_len, |&o| o as usize);
        ByteRange::new(s, e.max(s))
    }
}

impl Matcher {
    pub fn new(query: &Query) -> Result<Self, QueryError> {
        let regex = if query.pattern.is_empty() {
            None
        } else {
            let pattern = if query.ignore_accents { fold_accents(&query.pattern) } else { query.pattern.clone() };
            let body = if query.regex { pattern } else { regex::escape(&pattern) };
            let body = if query.whole_word { format!(r"\b{{start-half}}(?:{body})\b{{end-half}}") } else { body };
            let re = RegexBuilder::new(&body)
                .case_insensitive(query.ignore_case)
                .size_limit(50 << 20)
                .build()
                .map_err(|e| QueryError::Regex(regex_message(&e)))?;
            Some(re)
        };
        Ok(Matcher { query: query.clone(), regex })
    }

    pub fn query(&self) -> &Query {
        &self.query
    }

    /// Non-empty matches in `text`, leftmost first, not overlapping.
    pub fn find_in(&self, text: &str) -> Vec<ByteRange> {
        let Some(re) = &self.regex else { return Vec::new() };
        if self.query.ignore_accents {
            let folded = Folded::new(text);
            re.find_iter(&folded.text)
                .filter(|m| !m.is_empty())
                .map(|m| folded.original(m.start(), m.end(), text.len()))
                .filter(|r| !r.is_empty())
                .collect()
        } else {
            re.find_iter(text).filter(|m| !m.is_empty()).map(|m| ByteRange::new(m.start(), m.end())).collect()
        }
    }

    fn matches(&self, text: &str) -> bool {
        match &self.regex {
            None => true,
            Some(_) if self.query.ignore_accents => !self.find_in(text).is_empty(),
            Some(re) => re.find_iter(text).any(|m| !m.is_empty()),
        }
    }

    /// Every hit in one document, in text order.
    pub fn search(&self, store: &Store) -> Result<Vec<Hit>, QueryError> {
        match &self.query.scope {
            Scope::Text => {
                Ok(self.find_in(store.text().as_str()).into_iter().map(|range| Hit { range, span: None }).collect())
            }
            Scope::Spans(filter) => {
                let spans = filtered_spans(store, filter)?;
                Ok(spans
                    .into_iter()
                    .filter(|s| self.matches(&store.quote(s)))
                    .map(|s| Hit { range: s.extent(), span: Some(s.id) })
                    .collect())
            }
            Scope::Inside(filter) => {
                let text = store.text();
                let mut hits = Vec::new();
                for s in filtered_spans(store, filter)? {
                    for r in &s.ranges {
                        let part = text.slice(*r);
                        for m in self.find_in(part) {
                            let range = ByteRange::new(r.start() + m.start(), r.start() + m.end());
                            hits.push(Hit { range, span: Some(s.id) });
                        }
                    }
                }
                hits.sort();
                hits.dedup_by_key(|h| h.range);
                Ok(hits)
            }
        }
    }
}

/// The regex crate's message without its ASCII-art frame: the last line
/// says what is wrong.
fn regex_message(e: &regex::Error) -> String {
    let s = e.to_string();
    s.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map_or(s.clone(), |l| l.trim_start().trim_start_matches("error:").trim().to_owned())
}

/// The spans that pass `filter`, in text order.
fn filtered_spans<'a>(store: &'a Store, filter: &SpanFilter) -> Result<Vec<&'a Span>, QueryError> {
    let schema = store.schema();
    let label = if filter.label.is_empty() {
        None
    } else {
        Some(schema.label_index(&filter.label).ok_or_else(|| QueryError::NoLabel(filter.label.clone()))? as u16)
    };
    let excluded: std::collections::HashSet<SpanId> = match &filter.not_argument_of {
        None => Default::default(),
        Some(name) => {
            let kind = schema.relation_index(name).ok_or_else(|| QueryError::NoRelationType(name.clone()))? as u16;
            store
                .relations()
                .filter(|r| r.kind == kind)
                .flat_map(|r| {
                    r.args.iter().filter_map(|a| match a.target {
                        Target::Span(id) => Some(id),
                        Target::Entity(_) | Target::Relation(_) => None,
                    })
                })
                .collect()
        }
    };
    let passes = |s: &Span| {
        label.is_none_or(|l| s.label == l)
            && !excluded.contains(&s.id)
            && match &filter.attribute {
                None => true,
                Some(AttrTest::Missing(name)) => s.attributes.get(name).is_none(),
                Some(AttrTest::Is(name, value)) => s.attributes.get(name).is_some_and(|v| match v {
                    AttrValue::Text(t) => t == value,
                    AttrValue::Bool(b) => b.to_string() == *value,
                }),
            }
    };
    let mut spans: Vec<&Span> = store.spans().filter(|s| passes(s)).collect();
    spans.sort_by_key(|s| (s.start(), s.id));
    Ok(spans)
}

/// How a span relates to a hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cover {
    /// A one-piece span over exactly the hit.
    Exact,
    /// A span that overlaps the hit otherwise.
    Overlap,
}

/// The spans on a hit's text, exact ones first, then by start.
pub fn covering(store: &Store, range: ByteRange) -> Vec<(SpanId, Cover)> {
    let mut out: Vec<(SpanId, Cover)> = store
        .spans_overlapping(range)
        .into_iter()
        .filter_map(|id| {
            let s = store.span(id)?;
            let exact = s.ranges.len() == 1 && s.ranges[0] == range;
            Some((id, if exact { Cover::Exact } else { Cover::Overlap }))
        })
        .collect();
    out.sort_by_key(|(id, c)| (*c != Cover::Exact, store.span(*id).map_or(0, |s| s.start())));
    out
}

/// A hit in context, on one line: up to `chars` code points either side,
/// line breaks and tabs shown as spaces.
pub fn context(store: &Store, range: ByteRange, chars: usize) -> (String, String, String) {
    let text = store.text();
    let flat = |s: &str| s.replace(['\r', '\n', '\t'], " ");
    (
        flat(text.prefix_before(range.start(), chars)),
        flat(text.slice(range)),
        flat(text.suffix_after(range.end(), chars)),
    )
}

/// What labelling a document's hits will do (the preview), and the edits.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelPlan {
    /// One `AddSpan` per new span (apply them as one `Edit::Batch`).
    pub edits: Vec<Edit>,
    /// New spans.
    pub added: usize,
    /// Hits already labelled with this label (skipped).
    pub already: usize,
    /// New spans that overlap other spans (added; shown in the preview).
    pub overlapping: usize,
    /// Hits that cannot be a span (they split a character), skipped.
    pub invalid: usize,
    /// Spans already there with the label, now linked to the entity.
    pub linked: usize,
    /// The entity was not in this document and is added.
    pub entity_added: bool,
}

/// The entity results are linked to, by what identifies it across
/// documents: its external id, else its name or an alias.
#[derive(Clone, Debug, PartialEq)]
pub struct EntityRef {
    pub name: String,
    pub kind: String,
    pub aliases: Vec<String>,
    pub external_id: Option<String>,
}

impl EntityRef {
    pub fn of(e: &super::Entity) -> Self {
        EntityRef {
            name: e.name.clone(),
            kind: e.kind.clone(),
            aliases: e.aliases.clone(),
            external_id: e.external_id.clone(),
        }
    }

    /// This document's entity, if it has it.
    pub fn find(&self, store: &Store) -> Option<super::EntityId> {
        let by_id =
            self.external_id.as_ref().and_then(|q| store.entities().find(|e| e.external_id.as_ref() == Some(q)));
        let by_name = || {
            store
                .entities()
                .find(|e| e.name == self.name || e.aliases.contains(&self.name) || self.aliases.contains(&e.name))
        };
        by_id.or_else(by_name).map(|e| e.id)
    }
}

impl LabelPlan {
    /// The edit that applies the plan: one undo step.
    pub fn edit(&self) -> Option<Edit> {
        (!self.edits.is_empty()).then(|| Edit::Batch(self.edits.clone()))
    }

    /// `3 new, 1 already labelled, 2 overlap other spans`.
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} new", self.added)];
        if self.linked > 0 {
            parts.push(format!("{} linked", self.linked));
        }
        if self.already > 0 {
            parts.push(format!("{} already labelled", self.already));
        }
        if self.overlapping > 0 {
            parts.push(format!("{} overlap other spans", self.overlapping));
        }
        if self.invalid > 0 {
            parts.push(format!("{} inside a character, skipped", self.invalid));
        }
        if self.entity_added {
            parts.push("the entity added".into());
        }
        parts.join(", ")
    }
}

/// Plans labelling every hit range as `label` (and, with `link`, linking
/// it to that entity): one new span per range not already a span of that
/// label; such spans are linked when they are not yet. Ids come from the
/// store's counter, so the plan is applied to this store (as one batch).
pub fn plan_label_all(
    store: &mut Store,
    ranges: &[ByteRange],
    label: u16,
    link: Option<&EntityRef>,
    author: &str,
    now: Timestamp,
) -> Result<LabelPlan, QueryError> {
    let mut plan = LabelPlan::default();
    let mut ranges = ranges.to_vec();
    ranges.sort();
    ranges.dedup();
    let author: super::Name = author.into();
    let entity = match link {
        None => None,
        Some(r) => {
            let def = store.schema().label(label as usize).ok_or_else(|| QueryError::NoLabel(format!("#{label}")))?;
            let fits = def.entity_type.as_ref().is_some_and(|t| store.schema().entity_type_is(&r.kind, t));
            if !fits {
                return Err(QueryError::CannotLink(def.name.clone(), r.name.clone(), r.kind.clone()));
            }
            Some(match r.find(store) {
                Some(id) => id,
                None => {
                    let id = super::EntityId(store.alloc_id());
                    plan.edits.push(Edit::AddEntity(super::Entity {
                        id,
                        name: r.name.clone(),
                        kind: r.kind.clone(),
                        aliases: r.aliases.clone(),
                        external_id: r.external_id.clone(),
                        note: None,
                        provenance: Provenance::shared(author, now),
                    }));
                    plan.entity_added = true;
                    id
                }
            })
        }
    };
    for r in ranges {
        if store.text().check_range(r).is_err() {
            plan.invalid += 1;
            continue;
        }
        let cover = covering(store, r);
        let same = cover
            .iter()
            .filter(|(_, c)| *c == Cover::Exact)
            .find_map(|(id, _)| store.span(*id).filter(|s| s.label == label));
        if let Some(s) = same {
            match entity {
                Some(e) if s.entity != Some(e) => {
                    let mut s = s.clone();
                    s.entity = Some(e);
                    s.provenance.modified = now;
                    plan.edits.push(Edit::ReplaceSpan(s));
                    plan.linked += 1;
                }
                _ => plan.already += 1,
            }
            continue;
        }
        if !cover.is_empty() {
            plan.overlapping += 1;
        }
        let id = SpanId(store.alloc_id());
        let mut span = Span::new(id, label, [r].into_iter().collect(), Provenance::shared(author, now));
        span.entity = entity;
        plan.edits.push(Edit::AddSpan(span));
        plan.added += 1;
    }
    if plan.added == 0 && plan.linked == 0 {
        // Nothing to do: an entity alone is not added.
        plan.edits.clear();
        plan.entity_added = false;
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::*;

    fn texts(store: &Store, q: &Query) -> Vec<String> {
        let m = Matcher::new(q).expect("query");
        m.search(store).expect("search").iter().map(|h| store.text().slice(h.range).to_owned()).collect()
    }

    fn plain(p: &str) -> Query {
        Query { pattern: p.into(), ..Query::default() }
    }

    #[test]
    fn plain_text_case_accents_and_whole_words() {
        let s = store("Rusia, rusia, RUSIA dan Rusía; Rusian. Cafe\u{301} café");
        assert_eq!(texts(&s, &plain("Rusia")), ["Rusia", "Rusia"]);
        assert_eq!(texts(&s, &Query { ignore_case: true, ..plain("rusia") }).len(), 4);
        let q = Query { ignore_case: true, whole_word: true, ..plain("rusia") };
        assert_eq!(texts(&s, &q), ["Rusia", "rusia", "RUSIA"]);
        let q = Query { ignore_case: true, whole_word: true, ignore_accents: true, ..plain("rusia") };
        assert_eq!(texts(&s, &q), ["Rusia", "rusia", "RUSIA", "Rusía"]);
        // A decomposed accent stays inside the hit.
        let q = Query { ignore_accents: true, ignore_case: true, ..plain("cafe") };
        assert_eq!(texts(&s, &q), ["Cafe\u{301}", "café"]);
        // Whole words: a combining mark after a letter is part of the word.
        let q = Query { whole_word: true, ..plain("Cafe") };
        assert!(texts(&s, &q).is_empty());
    }

    #[test]
    fn regex_and_its_errors_in_words() {
        let s = store("kata Peskov, ujar Lavrov, tutur Zakharova.");
        let q = Query { regex: true, ..plain(r"(kata|ujar|tutur) \w+") };
        assert_eq!(texts(&s, &q), ["kata Peskov", "ujar Lavrov", "tutur Zakharova"]);
        let e = Matcher::new(&Query { regex: true, ..plain("(kata") }).expect_err("unclosed group");
        assert!(e.to_string().contains("unclosed group"), "{e}");
        // An empty regex match is no hit.
        let q = Query { regex: true, ..plain("x*") };
        assert!(texts(&s, &q).is_empty());
    }

    #[test]
    fn spans_inside_and_structural_queries() {
        let mut s = store("Peskov membantah bahwa Rusia mengirim senjata. Menurut TASS, senjata itu tiba.");
        let claim = span(&mut s, "Claim", "Rusia mengirim senjata");
        let peskov = span(&mut s, "Source", "Peskov");
        let tass = span(&mut s, "Source", "TASS");
        relation(&mut s, "said_by", &[("claim", Target::Span(claim)), ("source", Target::Span(peskov))], &[]);
        let inside = Query {
            scope: Scope::Inside(SpanFilter { label: "Claim".into(), ..Default::default() }),
            ..plain("senjata")
        };
        let hits = Matcher::new(&inside).expect("q").search(&s).expect("search");
        assert_eq!(hits.len(), 1, "only the senjata inside the claim");
        assert_eq!(hits[0].span, Some(claim));
        let orphans = Query {
            scope: Scope::Spans(SpanFilter {
                label: "Source".into(),
                not_argument_of: Some("said_by".into()),
                ..Default::default()
            }),
            ..plain("")
        };
        let hits = Matcher::new(&orphans).expect("q").search(&s).expect("search");
        assert_eq!(hits.iter().map(|h| h.span).collect::<Vec<_>>(), [Some(tass)]);
        let no_certainty = Query {
            scope: Scope::Spans(SpanFilter {
                label: "Claim".into(),
                attribute: Some(AttrTest::Missing("certainty".into())),
                ..Default::default()
            }),
            ..plain("")
        };
        assert_eq!(texts(&s, &no_certainty), ["Rusia mengirim senjata"]);
        let unknown =
            Query { scope: Scope::Spans(SpanFilter { label: "Claimz".into(), ..Default::default() }), ..plain("") };
        let e = Matcher::new(&unknown).expect("q").search(&s).expect_err("no such label");
        assert_eq!(e.to_string(), "this document has no label \"Claimz\"");
    }

    #[test]
    fn label_all_skips_what_is_labelled_and_counts_overlaps() {
        let mut s = store("Rusia dan Korea Utara. Rusia membantah. Kata Rusia: tidak.");
        span(&mut s, "Country", "Rusia");
        span(&mut s, "Claim", "Rusia membantah");
        let country = s.schema().label_index("Country").expect("label") as u16;
        let hits = Matcher::new(&plain("Rusia")).expect("q").search(&s).expect("search");
        let ranges: Vec<ByteRange> = hits.iter().map(|h| h.range).collect();
        let plan = plan_label_all(&mut s, &ranges, country, None, "dewi", T0).expect("plan");
        // (Planning takes ids from the counter; nothing else changes.)
        let before = snapshot(&s);
        assert_eq!((plan.added, plan.already, plan.overlapping), (2, 1, 1), "{}", plan.summary());
        assert_eq!(plan.summary(), "2 new, 1 already labelled, 1 overlap other spans");
        let inverse = s.apply(plan.edit().expect("edits")).expect("applies");
        assert_eq!(s.spans().filter(|x| x.label == country).count(), 3);
        s.apply(inverse).expect("undo");
        assert_eq!(snapshot(&s), before, "one undo restores the document");
    }

    #[test]
    fn label_all_links_to_an_entity_found_by_name_or_added() {
        let mut s = store("Rusia dan Korea Utara. Rusia membantah. Kata Rusia: tidak.");
        span(&mut s, "Country", "Rusia");
        let country = s.schema().label_index("Country").expect("label") as u16;
        let claim = s.schema().label_index("Claim").expect("label") as u16;
        let ranges: Vec<ByteRange> = s.occurrences("Rusia");
        let russia = EntityRef {
            name: "Russia".into(),
            kind: "Country".into(),
            aliases: vec!["Rusia".into()],
            external_id: Some("Q159".into()),
        };
        // Not in this document: added with the spans, in one batch.
        let plan = plan_label_all(&mut s, &ranges, country, Some(&russia), "dewi", T0).expect("plan");
        assert_eq!((plan.added, plan.linked, plan.entity_added), (2, 1, true), "{}", plan.summary());
        s.apply(plan.edit().expect("edits")).expect("applies");
        let e = russia.find(&s).expect("the entity is there");
        assert_eq!(s.spans().filter(|x| x.entity == Some(e)).count(), 3);
        // Again: everything is there.
        let again = plan_label_all(&mut s, &ranges, country, Some(&russia), "dewi", T0).expect("plan");
        assert_eq!((again.added, again.linked, again.already, again.edit()), (0, 0, 3, None));
        // A label whose spans cannot link to a country is refused in words.
        let e = plan_label_all(&mut s, &ranges, claim, Some(&russia), "dewi", T0).expect_err("claims do not link");
        assert_eq!(e.to_string(), "Claim spans cannot link to Russia, a Country");
    }

    #[test]
    fn context_is_one_line() {
        let s = store("Baris satu\r\nRusia\tmembantah\nlagi");
        let r = Matcher::new(&plain("Rusia")).expect("q").search(&s).expect("s")[0].range;
        assert_eq!(context(&s, r, 6), ("satu  ".into(), "Rusia".into(), " memba".into()));
    }
}
