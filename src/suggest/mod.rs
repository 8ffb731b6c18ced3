//! Suggestions: spans the analyst has not made yet, each labelled with the
//! source that suggests it and a score.
//!
//! The sequence model ([`tagger`]) learns from the analyst's own labels in
//! a folder; [`evaluate`] measures it the way `sorot suggest evaluate`
//! reports (exact span and label, per label and overall).

pub mod dictionary;
pub mod evaluate;
pub mod frames;
pub mod tagger;

use std::collections::HashMap;

use crate::model::tokens::Tokens;
use crate::model::{
    ByteRange, Edit, Entity, EntityId, Provenance, Relation, RelationId, RoleArg, Span, SpanId, Store, Suggested,
    Target, Timestamp,
};

pub use tagger::{Learner, Model, Perceptron, Sequence};

/// The longest stretch of words the model tags at once (lines are cut at
/// sentence ends beyond it).
pub const PASSAGE_TOKENS: usize = 400;

/// Which sources may suggest (each can be switched off).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sources {
    pub dictionary: bool,
    pub model: bool,
    pub attribution: bool,
}

impl Default for Sources {
    fn default() -> Self {
        Sources { dictionary: true, model: true, attribution: true }
    }
}

impl Sources {
    /// The suggestions of the sources that are on, from everything the
    /// sources found (`found`, in any order): the dictionary's and the
    /// model's combined (see [`combine`]: the model's where the dictionary
    /// has none, so with the dictionary off the model's show), attribution
    /// frames beside them, sorted by position.
    pub fn pick(&self, found: &[Suggestion]) -> Vec<Suggestion> {
        let of = |on: bool, kind: &str| -> Vec<Suggestion> {
            if !on {
                return Vec::new();
            }
            found.iter().filter(|s| s.source.parts().0 == kind).cloned().collect()
        };
        let dictionary = of(self.dictionary, "dictionary");
        // A frame's source that the dictionary names, with the entity it
        // names (so accepting the frame first links it as accepting the
        // dictionary's suggestion would).
        let named: HashMap<(ByteRange, &str), &str> =
            dictionary.iter().filter_map(|d| Some(((d.range, d.label.as_str()), d.entity.as_deref()?))).collect();
        let mut frames = of(self.attribution, "attribution");
        for part in frames.iter_mut().flat_map(|f| f.frame.iter_mut()).flat_map(|fr| fr.parts.iter_mut()) {
            if let Some(e) = named.get(&(part.range, part.label.as_str())) {
                part.entity = Some((*e).to_owned());
            }
        }
        let mut all = combine(dictionary, of(self.model, "model"));
        all.extend(frames);
        all.sort_by_key(|s| (s.range.start(), s.range.end()));
        all
    }
}

/// Where a suggestion comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// The sequence model, by its learner and version.
    Model(String),
    /// The folder's labelled texts and entity names, by rule version.
    Dictionary(String),
    /// The schema's attribution words, by rule version.
    Attribution(String),
}

impl Source {
    pub fn describe(&self) -> String {
        match self {
            Source::Model(v) => format!("model ({v})"),
            Source::Dictionary(v) => format!("dictionary ({v})"),
            Source::Attribution(v) => format!("attribution ({v})"),
        }
    }

    /// The source's kind and version, as an accepted span records them.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            Source::Model(v) => ("model", v),
            Source::Dictionary(v) => ("dictionary", v),
            Source::Attribution(v) => ("attribution", v),
        }
    }
}

impl Suggestion {
    /// Its score in thousandths, as an accepted span records it.
    pub fn per_mille(&self) -> u16 {
        (self.score.clamp(0.0, 1.0) * 1000.0).round() as u16
    }

    /// Its score as the window shows it (see [`crate::model::score_text`]).
    pub fn score_text(&self) -> String {
        crate::model::score_text(self.per_mille())
    }

    /// What an accepted span records of it.
    pub fn origin(&self) -> Suggested {
        let (source, version) = self.source.parts();
        Suggested { source: source.to_owned(), version: version.to_owned(), score: self.per_mille() }
    }
}

/// The suggestions that are news for `store`: not a span it has (same
/// extent and label), not rejected before, with a label of its schema.
pub fn new_for(store: &Store, suggestions: Vec<Suggestion>) -> Vec<Suggestion> {
    suggestions
        .into_iter()
        .filter(|s| {
            let Some(label) = store.schema().label_index(&s.label).map(|l| l as u16) else { return false };
            !store.is_rejected(s.range, label) && store.span_exactly(s.range, label).is_none()
        })
        .collect()
}

/// One edit adding `suggestions` (those new for `store`, see [`new_for`])
/// as unreviewed spans by `author` that record where they came from; an
/// attribution frame adds its cue and source (an identical span already
/// there is used instead) and the relation between them.
pub fn accept_edit(store: &mut Store, suggestions: &[Suggestion], author: &str, now: Timestamp) -> Edit {
    let mut run = Accepting::new(store, suggestions.to_vec(), author, now);
    Edit::Batch(run.next_edits(store, usize::MAX))
}

/// An accept made a slice of suggestions at a time: the window applies
/// each slice's edits in its own frame (accepting 80,000 at once took a
/// 100 ms frame), and [`accept_edit`] runs it to the end at once. The
/// slices' edits together are the one edit `accept_edit` gives, whether or
/// not each slice is applied to the store before the next is made.
pub struct Accepting {
    suggestions: Vec<Suggestion>,
    next: usize,
    /// Spans this accept adds, by (range, label), so two frames sharing a
    /// source share its span.
    added: HashMap<(ByteRange, u16), SpanId>,
    entities: HashMap<String, EntityId>,
    /// The document's entities by name and alias (looked up once per
    /// accept, not once per suggestion).
    known: HashMap<String, EntityId>,
    author: String,
    now: Timestamp,
}

impl Accepting {
    pub fn new(store: &Store, suggestions: Vec<Suggestion>, author: &str, now: Timestamp) -> Self {
        let mut known: HashMap<String, EntityId> = HashMap::new();
        let parts = |s: &Suggestion| s.frame.iter().flat_map(|f| f.parts.iter()).any(|p| p.entity.is_some());
        if suggestions.iter().any(|s| s.entity.is_some() || parts(s)) {
            for e in store.entities() {
                for n in std::iter::once(&e.name).chain(&e.aliases) {
                    known.entry(n.clone()).or_insert(e.id);
                }
            }
        }
        Accepting {
            suggestions,
            next: 0,
            added: HashMap::new(),
            entities: HashMap::new(),
            known,
            author: author.to_owned(),
            now,
        }
    }

    /// The edits of the next `n` suggestions (those new for `store`, see
    /// [`new_for`]; ids are taken from `store`).
    pub fn next_edits(&mut self, store: &mut Store, n: usize) -> Vec<Edit> {
        let to = self.next.saturating_add(n).min(self.suggestions.len());
        let mut edits = Vec::with_capacity(to - self.next);
        for s in &self.suggestions[self.next..to] {
            let Some(label) = store.schema().label_index(&s.label).map(|l| l as u16) else { continue };
            if self.added.contains_key(&(s.range, label))
                || store.is_rejected(s.range, label)
                || store.span_exactly(s.range, label).is_some()
            {
                continue;
            }
            let mut span = Span::new(
                SpanId(store.alloc_id()),
                label,
                std::iter::once(s.range).collect(),
                Provenance::new(&self.author, self.now),
            );
            span.suggested = Some(Box::new(s.origin()));
            let mut names = Names { known: &self.known, made: &mut self.entities, author: &self.author, now: self.now };
            let claim = span.id;
            if !names.add_span(store, span, s.entity.as_deref(), &mut edits) {
                continue;
            }
            self.added.insert((s.range, label), claim);
            if let Some(frame) = &s.frame {
                edits.extend(frame_edits(store, frame, claim, s, &mut self.added, &mut names));
            }
        }
        self.next = to;
        edits
    }

    /// Suggestions gone through, of all.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.suggestions.len())
    }

    pub fn is_done(&self) -> bool {
        self.next >= self.suggestions.len()
    }

    /// The suggestions gone through so far.
    pub fn taken(&self) -> &[Suggestion] {
        &self.suggestions[..self.next]
    }
}

/// The entities an accept links its spans to, by name: the document's of
/// that name or alias, else one made in this edit, of the label's entity
/// type (once per edit).
struct Names<'a> {
    known: &'a HashMap<String, EntityId>,
    made: &'a mut HashMap<String, EntityId>,
    author: &'a str,
    now: Timestamp,
}

impl Names<'_> {
    /// Pushes `span`, linked to the entity `name` names (and that entity
    /// first, when it is new), if the store takes it; whether it did.
    fn add_span(&mut self, store: &mut Store, mut span: Span, name: Option<&str>, edits: &mut Vec<Edit>) -> bool {
        let mut new_entity = None;
        // Linked to an entity this edit makes (here or for an earlier
        // suggestion): not in the store until the edit is applied.
        let mut made_here = false;
        if let Some(name) = name {
            let kind = store.schema().labels.get(usize::from(span.label)).and_then(|l| l.entity_type.clone());
            made_here = !self.known.contains_key(name);
            span.entity = self.known.get(name).or_else(|| self.made.get(name)).copied().or_else(|| {
                let id = EntityId(store.alloc_id());
                let e = Entity {
                    id,
                    name: name.to_owned(),
                    kind: kind?,
                    aliases: Vec::new(),
                    external_id: None,
                    note: None,
                    provenance: Provenance::new(self.author, self.now),
                };
                store.check_entity(&e).ok()?;
                new_entity = Some(e);
                Some(id)
            });
        }
        let mut check = span.clone();
        if made_here {
            // Checked without the entity it will have (added in the same
            // edit). Every suggestion naming that entity was skipped but the
            // first: a newcomer's "Accept these 22" accepted 2.
            check.entity = None;
        }
        if store.check_span(&check).is_err() {
            return false;
        }
        if let Some(e) = new_entity {
            self.made.insert(e.name.clone(), e.id);
            edits.push(Edit::AddEntity(e));
        }
        edits.push(Edit::AddSpan(span));
        true
    }
}

/// The spans and relation of an attribution frame whose claim is `claim`.
fn frame_edits(
    store: &mut Store,
    frame: &Frame,
    claim: SpanId,
    s: &Suggestion,
    added: &mut HashMap<(ByteRange, u16), SpanId>,
    names: &mut Names,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    let Some(kind) = store.schema().relation_index(&frame.relation) else { return edits };
    let Some(rt) = store.schema().relation_types.get(kind).cloned() else { return edits };
    let accepts =
        |role: &str, label: &str| rt.roles.iter().any(|r| r.name == role && r.accepts.iter().any(|a| a == label));
    let mut args = vec![RoleArg { role: "claim".into(), target: Target::Span(claim) }];
    for part in &frame.parts {
        let Some(label) = store.schema().label_index(&part.label).map(|l| l as u16) else { continue };
        if !accepts(&part.role, &part.label) {
            continue;
        }
        let existing = store.span_exactly(part.range, label).or_else(|| added.get(&(part.range, label)).copied());
        let id = match existing {
            Some(id) => id,
            None => {
                let mut span = Span::new(
                    SpanId(store.alloc_id()),
                    label,
                    std::iter::once(part.range).collect(),
                    Provenance::new(names.author, names.now),
                );
                span.suggested = Some(Box::new(s.origin()));
                let id = span.id;
                // Linked as the dictionary's suggestion of it would be.
                if !names.add_span(store, span, part.entity.as_deref(), &mut edits) {
                    continue;
                }
                added.insert((part.range, label), id);
                id
            }
        };
        args.push(RoleArg { role: part.role.as_str().into(), target: Target::Span(id) });
    }
    // Only a whole frame: the claim and someone who said it.
    if args.iter().any(|a| a.role.as_str() != "claim" && a.role.as_str() != "cue") {
        let provenance = Provenance::new(names.author, names.now);
        let rel = Relation::new(RelationId(store.alloc_id()), kind as u16, args, provenance);
        edits.push(Edit::AddRelation(rel));
    }
    edits
}

/// A span the analyst may want.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub range: ByteRange,
    pub label: String,
    /// 0..1; for the model, how far its tagging is ahead of the best
    /// alternative at the span's least sure word (0.5: a tie).
    pub score: f32,
    pub source: Source,
    /// The entity a mention would be linked to (by name), if the source
    /// knows it.
    pub entity: Option<String>,
    /// For an attribution frame (this is its claim): its other spans and
    /// the relation that ties them.
    pub frame: Option<Box<Frame>>,
}

/// The rest of an attribution frame: its source (or outlet) and cue, and
/// the relation type.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub relation: String,
    pub parts: Vec<FramePart>,
}

/// A span of a frame besides its claim.
#[derive(Clone, Debug, PartialEq)]
pub struct FramePart {
    pub role: String,
    pub range: ByteRange,
    pub label: String,
    /// The entity it names, when the dictionary suggests the same span with
    /// one (see [`Sources::pick`]).
    pub entity: Option<String>,
}

/// The labels a model learns from `stores`: those their spans use, each
/// once, in the order first met (or only `only`, when given).
pub fn labels_in(stores: &[&Store], only: Option<&[String]>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in stores {
        for sp in s.spans() {
            let name = s.label_name(sp.label);
            if only.is_some_and(|o| !o.iter().any(|x| x == name)) {
                continue;
            }
            if !out.iter().any(|x| x == name) {
                out.push(name.to_owned());
            }
        }
    }
    out
}

/// The spans of `store` with `labels`, as IOB2 tags over its tokens, one
/// sequence per sentence. Where spans overlap, the earlier (then longer)
/// one is kept; a span that cuts a word tags the whole word; discontinuous
/// spans tag their extent.
pub fn sequences(store: &Store, labels: &[String]) -> Vec<Sequence> {
    sequences_where(store, labels, None)
}

/// What a model learns from `store`: all its sequences when it has spans;
/// when it has none but suggestions were rejected in it, only the passages
/// that hold a rejection — the words the analyst said are not such names,
/// as negative evidence — and nothing else (the rest of a document nobody
/// has labelled is evidence of nothing).
pub fn training_sequences(store: &Store, labels: &[String]) -> Vec<Sequence> {
    if store.spans().next().is_some() {
        return sequences(store, labels);
    }
    let rejected: Vec<ByteRange> = store.rejected().map(|(r, _)| r).collect();
    if rejected.is_empty() {
        return Vec::new();
    }
    sequences_where(store, labels, Some(&|passage| rejected.iter().any(|r| r.overlaps(passage))))
}

/// The sequences of the passages `keep` keeps (all when `None`).
fn sequences_where(store: &Store, labels: &[String], keep: Option<&dyn Fn(ByteRange) -> bool>) -> Vec<Sequence> {
    let text = store.text().as_str();
    let tokens = Tokens::of(text);
    let mut spans: Vec<(usize, usize, usize)> = store
        .spans()
        .filter_map(|s| {
            let k = labels.iter().position(|l| l == store.label_name(s.label))?;
            let e = s.extent();
            Some((e.start(), e.end(), k))
        })
        .collect();
    spans.sort_by_key(|&(s, e, k)| (s, std::cmp::Reverse(e), k));
    let mut tags = vec![0u16; tokens.spans.len()];
    let mut ti = 0;
    let mut taken_to = 0;
    for (start, end, k) in spans {
        if start < taken_to {
            continue;
        }
        while ti < tokens.spans.len() && tokens.spans[ti].1 <= start {
            ti += 1;
        }
        let mut j = ti;
        let mut first = true;
        while j < tokens.spans.len() && tokens.spans[j].0 < end {
            tags[j] = tagger::tag_of(k, first);
            first = false;
            j += 1;
        }
        taken_to = end.max(tokens.spans.get(j.saturating_sub(1)).map_or(end, |t| t.1));
    }
    tokens
        .passages(PASSAGE_TOKENS)
        .into_iter()
        .filter(|r| match keep {
            None => true,
            Some(keep) => !r.is_empty() && keep(ByteRange::new(tokens.spans[r.start].0, tokens.spans[r.end - 1].1)),
        })
        .map(|r| Sequence {
            words: tokens.spans[r.clone()].iter().map(|&(s, e)| text[s..e].to_owned()).collect(),
            tags: tags[r].to_vec(),
        })
        .collect()
}

/// What `find` suggests over the whole lines of `text` that hold `range`
/// (words and sentences read as in the whole text), placed in `text`: a
/// long article's visible part first, before the rest is read.
pub fn in_lines(text: &str, range: ByteRange, find: impl Fn(&str) -> Vec<Suggestion>) -> Vec<Suggestion> {
    let (from, to) = (range.start().min(text.len()), range.end().min(text.len()));
    let start = text[..from].rfind('\n').map_or(0, |i| i + 1);
    let end = text[to..].find('\n').map_or(text.len(), |i| to + i);
    let at = |r: ByteRange| ByteRange::new(r.start() + start, r.end() + start);
    let mut found = find(&text[start..end]);
    for f in &mut found {
        f.range = at(f.range);
        for part in f.frame.iter_mut().flat_map(|fr| fr.parts.iter_mut()) {
            part.range = at(part.range);
        }
    }
    found
}

/// What `model` suggests over `text`: one suggestion per tagged stretch of
/// words, scored by its least sure word.
pub fn suggest(model: &dyn Model, text: &str) -> Vec<Suggestion> {
    let tokens = Tokens::of(text);
    let labels = model.labels();
    let source = Source::Model(model.version().to_owned());
    let mut out = Vec::new();
    for r in tokens.passages(PASSAGE_TOKENS) {
        let spans = &tokens.spans[r];
        let words: Vec<&str> = spans.iter().map(|&(s, e)| &text[s..e]).collect();
        let tagged = model.tag(&words);
        let tags: Vec<u16> = tagged.iter().map(|(t, _)| *t).collect();
        for (a, b, k) in tagger::chunks(&tags) {
            let Some(label) = labels.get(k) else { continue };
            // Scored by its least sure word.
            let score = tagged[a..b].iter().map(|(_, p)| *p).fold(1.0, f32::min);
            out.push(Suggestion {
                range: ByteRange::new(spans[a].0, spans[b - 1].1),
                label: label.clone(),
                score,
                source: source.clone(),
                entity: None,
                frame: None,
            });
        }
    }
    out
}

/// Both sources together: the dictionary's suggestions, then the model's
/// where the dictionary has none over the same words (a suggestion of the
/// same extent and label from both is the dictionary's, which knows the
/// entity).
pub fn combine(dictionary: Vec<Suggestion>, model: Vec<Suggestion>) -> Vec<Suggestion> {
    let mut out = dictionary;
    out.sort_by_key(|s| (s.range.start(), s.range.end()));
    // The furthest end of the dictionary's suggestions up to each one (in
    // order of start): a model suggestion overlaps one of them exactly when
    // the furthest end among those starting before its end is past its
    // start. A binary search each, not a scan.
    let reach: Vec<u32> = out
        .iter()
        .scan(0, |far, d| {
            *far = d.range.end.max(*far);
            Some(*far)
        })
        .collect();
    let starts: Vec<u32> = out.iter().map(|d| d.range.start).collect();
    for m in model {
        let before = starts.partition_point(|&s| s < m.range.end);
        if before == 0 || reach[before - 1] <= m.range.start {
            out.push(m);
        }
    }
    out.sort_by_key(|s| (s.range.start(), s.range.end()));
    out
}

/// Trains `learner` on the spans of `stores` with `labels`: every document
/// whole, as a training set is (a document with no spans says its words
/// are no names).
pub fn train(
    learner: &dyn Learner,
    stores: &[&Store],
    labels: &[String],
    progress: &dyn Fn(usize, usize),
) -> Box<dyn Model> {
    let data: Vec<Sequence> = stores.iter().flat_map(|s| sequences(s, labels)).collect();
    learner.train(&data, labels, progress)
}

/// What a model learns from a folder being labelled: documents with spans
/// whole, the others only where suggestions were rejected in them (see
/// [`training_sequences`]) — a document nobody has labelled yet is not
/// evidence that its names are none.
pub fn folder_sequences(stores: &[&Store], labels: &[String]) -> Vec<Sequence> {
    stores.iter().flat_map(|s| training_sequences(s, labels)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testkit;

    #[test]
    fn an_accepted_mention_links_to_its_entity_made_once_when_missing() {
        let text = "Rusia dan Moskow.";
        let mut store = testkit::store(text);
        let found = |start: usize, end: usize| Suggestion {
            range: ByteRange::new(start, end),
            label: "Country".into(),
            score: 1.0,
            source: Source::Dictionary("d".into()),
            entity: Some("Russia".into()),
            frame: None,
        };
        let all = [found(0, 5), found(10, 16)];
        let edit = accept_edit(&mut store, &all, "t", crate::model::testkit::T0);
        store.apply(edit).unwrap();
        let russia: Vec<_> = store.entities().collect();
        assert_eq!(russia.len(), 1, "one entity for both");
        assert_eq!((russia[0].name.as_str(), russia[0].kind.as_str()), ("Russia", "Country"));
        // Both accepted (the second was skipped: its entity was not in the
        // store before the edit), both linked.
        assert_eq!(store.spans().count(), 2);
        assert!(store.spans().all(|s| s.entity == Some(russia[0].id)));
        // Already there (by alias): linked, nothing added.
        let mut again = testkit::store(text);
        let id = testkit::entity(&mut again, "Rusia Raya", "Country");
        let mut e = again.entity(id).unwrap().clone();
        e.aliases.push("Russia".into());
        again.apply(Edit::ReplaceEntity(e)).unwrap();
        let edit = accept_edit(&mut again, &all[..1], "t", crate::model::testkit::T0);
        again.apply(edit).unwrap();
        assert_eq!(again.entities().count(), 1);
        assert_eq!(again.spans().next().unwrap().entity, Some(id));
    }

    /// An accept made slice by slice, each slice applied before the next
    /// is made (as the window does), ends in the same document as the one
    /// edit of them all: frames sharing a source, an entity made by the
    /// accept and named again, a suggestion given twice, one already
    /// annotated and one rejected.
    #[test]
    fn an_accept_in_slices_ends_where_the_one_edit_ends() {
        let text = "“Tidak,” kata Peskov. “Ya,” kata Peskov lagi. Rusia dan Rusia; Moskow.";
        let at = |needle: &str, nth: usize| {
            let i = text.match_indices(needle).nth(nth).map_or(0, |(i, _)| i);
            ByteRange::new(i, i + needle.len())
        };
        let plain = |range: ByteRange, label: &str, entity: Option<&str>| Suggestion {
            range,
            label: label.into(),
            score: 0.9,
            source: Source::Dictionary("d".into()),
            entity: entity.map(str::to_owned),
            frame: None,
        };
        let frame = |claim: &str, cue: usize, source: usize| Suggestion {
            frame: Some(Box::new(Frame {
                relation: "said_by".into(),
                parts: vec![
                    FramePart {
                        role: "source".into(),
                        range: at("Peskov", source),
                        label: "Source".into(),
                        entity: None,
                    },
                    FramePart { role: "cue".into(), range: at("kata", cue), label: "Cue".into(), entity: None },
                ],
            })),
            ..plain(at(claim, 0), "Claim", None)
        };
        let all = vec![
            frame("Tidak,", 0, 0),
            frame("Ya,", 1, 1),
            plain(at("Rusia", 0), "Country", Some("Russia")),
            plain(at("Rusia", 1), "Country", Some("Russia")),
            plain(at("Rusia", 1), "Country", Some("Russia")),
            plain(at("Moskow", 0), "Location", None),
            plain(at("lagi", 0), "Date", None),
        ];
        let mut before = testkit::store(text);
        testkit::span_at(&mut before, "Location", at("Moskow", 0).start(), at("Moskow", 0).end());
        let date = before.schema().label_index("Date").map_or(0, |l| l as u16);
        before.apply(Edit::RejectSuggestion(at("lagi", 0), date)).unwrap();
        let mut whole = before.clone();
        let edit = accept_edit(&mut whole, &all, "t", testkit::T0);
        whole.apply(edit).unwrap();
        assert_eq!((whole.spans().count(), whole.relations().count(), whole.entities().count()), (9, 2, 1));
        for n in 1..=all.len() {
            let mut sliced = before.clone();
            let mut run = Accepting::new(&sliced, all.clone(), "t", testkit::T0);
            while !run.is_done() {
                let edits = run.next_edits(&mut sliced, n);
                sliced.apply(Edit::Batch(edits)).unwrap();
            }
            assert_eq!(run.progress(), (all.len(), all.len()));
            assert!(sliced == whole, "slices of {n}");
        }
    }

    /// A frame accepted before the dictionary's suggestion of its source
    /// links the source as the dictionary would; with the dictionary off,
    /// nothing names it and it stays unlinked.
    #[test]
    fn a_frame_accepted_first_links_its_source_as_the_dictionary_would() {
        let text = "“Tidak benar,” kata juru bicara Kremlin, Dmitry Peskov.";
        let at = |needle: &str| {
            let i = text.find(needle).unwrap_or(0);
            ByteRange::new(i, i + needle.len())
        };
        let peskov = Suggestion {
            range: at("Dmitry Peskov"),
            label: "Source".into(),
            score: 1.0,
            source: Source::Dictionary("d".into()),
            entity: Some("Dmitry Peskov".into()),
            frame: None,
        };
        let part = |role: &str, needle: &str, label: &str| FramePart {
            role: role.into(),
            range: at(needle),
            label: label.into(),
            entity: None,
        };
        let frame = Suggestion {
            range: at("Tidak benar,"),
            label: "Claim".into(),
            score: 0.9,
            source: Source::Attribution("f".into()),
            entity: None,
            frame: Some(Box::new(Frame {
                relation: "said_by".into(),
                parts: vec![part("source", "Dmitry Peskov", "Source"), part("cue", "kata", "Cue")],
            })),
        };
        for dictionary in [true, false] {
            let sources = Sources { dictionary, ..Sources::default() };
            let shown = sources.pick(&[peskov.clone(), frame.clone()]);
            let claim: Vec<Suggestion> = shown.into_iter().filter(|s| s.frame.is_some()).collect();
            let mut store = testkit::store(text);
            let edit = accept_edit(&mut store, &claim, "t", testkit::T0);
            store.apply(edit).unwrap();
            let source = store.spans().find(|s| store.label_name(s.label) == "Source").expect("the source");
            let linked = source.entity.and_then(|e| store.entity(e)).map(|e| (e.name.clone(), e.kind.clone()));
            let want = dictionary.then(|| ("Dmitry Peskov".to_string(), "Actor".to_string()));
            assert_eq!(linked, want, "dictionary {dictionary}");
            assert_eq!(store.relations().count(), 1, "the said_by relation");
            assert_eq!(store.spans().count(), 3, "claim, source and cue");
        }
    }

    #[test]
    fn spans_become_iob2_tags_on_whole_words_and_back() {
        let text = "Kata Dmitry Peskov di Moskow.\nBaris dua: Korut!";
        let mut store = testkit::store(text);
        testkit::span_at(&mut store, "Person", text.find("Dmitry").unwrap(), text.find(" di").unwrap());
        // Cuts a word: tags the whole word.
        testkit::span_at(&mut store, "Location", text.find("oskow").unwrap(), text.find('.').unwrap());
        testkit::span_at(&mut store, "Country", text.find("Korut").unwrap(), text.len() - 1);
        let labels = labels_in(&[&store], None);
        assert_eq!(labels, ["Person", "Location", "Country"]);
        let seqs = sequences(&store, &labels);
        assert_eq!(seqs.len(), 2, "one per line");
        assert_eq!(seqs[0].words, ["Kata", "Dmitry", "Peskov", "di", "Moskow", "."]);
        assert_eq!(seqs[0].tags, [0, 1, 2, 0, 3, 0]);
        assert_eq!(seqs[1].tags, [0, 0, 0, 5, 0]);
    }
}
