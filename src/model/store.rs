//! The annotation store: one document's text, schema and annotations, and
//! the only way to change them, [`Store::apply`].
//!
//! Invariants (checked by every edit, so a `Store` is always valid):
//! - every span has at least one range; ranges are non-empty, inside the
//!   text, on char boundaries, sorted and neither overlapping nor touching;
//! - every label, relation type, role and attribute exists in the schema,
//!   and attribute values have the defined type;
//! - every id a span or relation points at exists;
//! - relations obey their type's roles (accepted labels and entity types,
//!   required roles filled, single roles used once).
//!
//! `apply` returns the inverse edit, so undo is "apply the inverse".
//! Removing a span removes the relations that use it as an argument (and
//! drops it from relations that cite it as evidence); removing an entity
//! unlinks its mentions and removes the relations that use it; removing a
//! relation removes the relations that use it as an argument (events about
//! events), and so on down. The inverse restores all of that in one step.
//! A relation never reaches itself through its arguments (no cycles).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::Arc;

use super::annotation::*;
use super::schema::{AttrDef, AttrKind, AttrValue, RelationTypeDef, Schema};
use super::text::{ByteRange, RangeError, Text};

/// One change to a store. Applying it returns its inverse.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    AddSpan(Span),
    /// Cascades to the relations that use the span.
    RemoveSpan(SpanId),
    /// Replaces the span with the same id.
    ReplaceSpan(Span),
    AddEntity(Entity),
    /// Cascades: unlinks mentions, removes relations that use the entity.
    RemoveEntity(EntityId),
    ReplaceEntity(Entity),
    AddRelation(Relation),
    /// Cascades to the relations that use it as an argument.
    RemoveRelation(RelationId),
    ReplaceRelation(Relation),
    SetDocState(DocState),
    /// Remembers that a suggestion of this label over this range was
    /// rejected, so it is not suggested again (and the model learns from it).
    RejectSuggestion(ByteRange, u16),
    /// Forgets such a rejection.
    UnrejectSuggestion(ByteRange, u16),
    /// Applied in order, all or nothing.
    Batch(Vec<Edit>),
}

/// Why an edit was refused. The store is unchanged when this is returned.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EditError {
    #[error("id {0} is already used")]
    DuplicateId(u32),
    #[error("no span {0}")]
    NoSpan(SpanId),
    #[error("no entity {0}")]
    NoEntity(EntityId),
    #[error("no relation {0}")]
    NoRelation(RelationId),
    #[error("no label number {0} in the schema")]
    NoLabel(u16),
    #[error("no relation type number {0} in the schema")]
    NoRelationType(u16),
    #[error("a span needs at least one range")]
    NoRanges,
    #[error("{0}")]
    Range(#[from] RangeError),
    #[error("ranges {0}..{1} and {2}..{3} of one span overlap, touch or are out of order")]
    RangesOverlap(usize, usize, usize, usize),
    #[error("{0}")]
    Attribute(String),
    #[error("{0}")]
    Rule(String),
}

/// How deep relations may nest (a relation whose argument is a relation
/// whose argument is …): deeper chains are refused, so walking one is
/// bounded. brat's deepest nesting in BioNLP data is about 4.
pub const MAX_NESTING: usize = 32;

/// Spans longer than this are kept out of the position tree's window scan.
const LONG_SPAN_BYTES: u32 = 4096;

/// Document-level information kept with the annotations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocMeta {
    /// A short name for exports and lists (the article's file stem).
    pub id: String,
    /// Where the article was read from, as given.
    pub original_path: Option<String>,
    /// The encoding it was decoded from (`UTF-8`, `windows-1252`, …).
    pub encoding: String,
    pub state: DocState,
    /// The annotator this file belongs to.
    pub annotator: Option<String>,
    /// How the text was made from a file that is not plain text (a web
    /// page); `None` for text and Markdown, which are read as they are.
    pub origin: Option<Origin>,
    /// For a merged file: the files compared and what the adjudicator took
    /// for each difference (so the decisions outlive the session).
    pub adjudication: Option<Box<super::compare::Record>>,
}

/// How a document's text was made from its source file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The source file's format: `html`, `pdf`, `docx`, `odt`.
    pub format: String,
    /// What made the text, with versions: `trafilatura 0.6.0 + Sorot web rules 3`.
    pub extractor: String,
    pub mode: TextMode,
    /// What the page says about itself.
    pub page: PageInfo,
    /// Where and when the page was fetched, when Sorot fetched it.
    pub fetch: Option<Fetch>,
    /// Where each page of a paged source (PDF, Word) starts in the text,
    /// as byte offsets: `[0, 1834, …]`, one per page, non-decreasing.
    /// Empty when the source has no pages.
    pub pages: Vec<usize>,
}

/// A page fetched by Sorot (File → Open URL, `sorot init --url`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fetch {
    /// The address asked for.
    pub url: String,
    /// The address answered from, after redirects.
    pub final_url: String,
    pub retrieved: super::Timestamp,
}

/// Which text of a page the document holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TextMode {
    /// The story: title, headings, paragraphs, lists, quotes and tables,
    /// without menus, teasers, share bars and comments.
    #[default]
    Article,
    /// Every visible text block of the page, menus and comments included.
    WholePage,
}

/// What the analyst calls a document of `format` (`pdf` → "PDF").
pub fn document_kind(format: &str) -> Option<&'static str> {
    match format {
        "pdf" => Some("PDF"),
        "docx" => Some("Word document"),
        "odt" => Some("OpenDocument text"),
        _ => None,
    }
}

impl Origin {
    /// Whether the text was made from a web page (HTML).
    pub fn is_web_page(&self) -> bool {
        self.format == "html"
    }

    /// What the source is, in words: "web page, the article", "PDF, 12
    /// pages", "Word document".
    pub fn describe(&self) -> String {
        if self.is_web_page() {
            return format!("web page, {}", self.mode.describe());
        }
        let kind = document_kind(&self.format).unwrap_or(&self.format);
        match self.pages.len() {
            0 | 1 => kind.to_owned(),
            n => format!("{kind}, {n} pages"),
        }
    }

    /// The page holding the text at `byte`, and the number of pages:
    /// `(3, 12)` for "page 3 of 12". `None` for a source with no pages.
    pub fn page_at(&self, byte: usize) -> Option<(usize, usize)> {
        if self.pages.is_empty() {
            return None;
        }
        // The last page starting at or before `byte` (empty pages share
        // their offset with the next one and are skipped over).
        let page = self.pages.partition_point(|&start| start <= byte).max(1);
        Some((page, self.pages.len()))
    }

    /// The page's address to cite: its canonical URL, else the one it was
    /// fetched from.
    pub fn page_url(&self) -> Option<&str> {
        self.page.url.as_deref().or(self.fetch.as_ref().map(|f| f.final_url.as_str()))
    }
}

impl TextMode {
    /// The other text of a page (what switching gives).
    pub fn other(self) -> TextMode {
        match self {
            TextMode::Article => TextMode::WholePage,
            TextMode::WholePage => TextMode::Article,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            TextMode::Article => "the article",
            TextMode::WholePage => "the whole page",
        }
    }
}

/// A page's own metadata (meta tags, JSON-LD, `<time>`), for citing it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageInfo {
    pub title: Option<String>,
    pub byline: Option<String>,
    /// As the page gives it, ISO 8601 where the page does.
    pub published: Option<String>,
    pub site: Option<String>,
    /// The canonical URL.
    pub url: Option<String>,
}

impl PageInfo {
    pub fn is_empty(&self) -> bool {
        *self == PageInfo::default()
    }
}

/// A store: the text, the schema and the annotations with their indexes.
///
/// Cloning is cheap (the tables are shared, copy-on-write), so the window
/// hands a snapshot to a worker thread to save or autosave without
/// stopping; the first edit after that copies the tables if the worker
/// still holds them.
#[derive(Clone, Debug)]
pub struct Store {
    text: Text,
    schema: Arc<Schema>,
    pub meta: DocMeta,
    next_id: u32,
    t: Arc<Tables>,
}

/// The annotations and their indexes.
#[derive(Clone, Debug, Default)]
struct Tables {
    spans: BTreeMap<SpanId, Span>,
    entities: BTreeMap<EntityId, Entity>,
    relations: BTreeMap<RelationId, Relation>,
    /// (start, end, id) for every range of spans up to LONG_SPAN_BYTES.
    short_ranges: BTreeSet<(u32, u32, SpanId)>,
    /// The same for longer ranges (few; scanned linearly).
    long_ranges: BTreeSet<(u32, u32, SpanId)>,
    /// For each span or entity, the relations that use it (as an argument
    /// or as evidence), so finding them does not scan every relation.
    /// (span or entity, relation): one entry per use, in a B-tree (about
    /// 13 bytes each; a map of vectors cost about 70).
    refs: BTreeSet<(Target, RelationId)>,
    /// For each entity, the spans that mention it.
    mentions: BTreeSet<(EntityId, SpanId)>,
    /// Suggestions rejected: (start, end, label).
    rejected: BTreeSet<(u32, u32, u16)>,
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
            && self.schema == other.schema
            && self.meta == other.meta
            && self.t.spans == other.t.spans
            && self.t.entities == other.t.entities
            && self.t.relations == other.t.relations
            && self.t.rejected == other.t.rejected
            && self.next_id == other.next_id
    }
}

impl Store {
    /// Whether a suggestion of `label` over `range` was rejected.
    pub fn is_rejected(&self, range: ByteRange, label: u16) -> bool {
        self.t.rejected.contains(&(range.start, range.end, label))
    }

    /// The rejected suggestions, in text order.
    pub fn rejected(&self) -> impl Iterator<Item = (ByteRange, u16)> + '_ {
        self.t.rejected.iter().map(|&(start, end, label)| (ByteRange { start, end }, label))
    }

    /// Rebuilds the tables from their sorted contents, so their nodes are
    /// full: a map filled in key order (as loading does) leaves about half
    /// of every node empty. Called once after loading a file.
    pub fn compact(&mut self) {
        let t = self.tm();
        t.spans = std::mem::take(&mut t.spans).into_iter().collect();
        t.entities = std::mem::take(&mut t.entities).into_iter().collect();
        t.relations = std::mem::take(&mut t.relations).into_iter().collect();
        t.short_ranges = std::mem::take(&mut t.short_ranges).into_iter().collect();
        t.long_ranges = std::mem::take(&mut t.long_ranges).into_iter().collect();
        t.refs = std::mem::take(&mut t.refs).into_iter().collect();
        t.mentions = std::mem::take(&mut t.mentions).into_iter().collect();
    }

    /// The tables, to change (copied first if a snapshot shares them).
    fn tm(&mut self) -> &mut Tables {
        Arc::make_mut(&mut self.t)
    }

    pub fn new(text: Text, schema: Schema, meta: DocMeta) -> Self {
        Self { text, schema: Arc::new(schema), meta, next_id: 1, t: Arc::default() }
    }

    pub fn text(&self) -> &Text {
        &self.text
    }
    pub fn schema(&self) -> &Schema {
        &self.schema
    }
    pub fn spans(&self) -> impl ExactSizeIterator<Item = &Span> + DoubleEndedIterator {
        self.t.spans.values()
    }
    pub fn span(&self, id: SpanId) -> Option<&Span> {
        self.t.spans.get(&id)
    }
    pub fn entities(&self) -> impl ExactSizeIterator<Item = &Entity> {
        self.t.entities.values()
    }
    pub fn entity(&self, id: EntityId) -> Option<&Entity> {
        self.t.entities.get(&id)
    }
    pub fn relations(&self) -> impl ExactSizeIterator<Item = &Relation> {
        self.t.relations.values()
    }
    pub fn relation(&self, id: RelationId) -> Option<&Relation> {
        self.t.relations.get(&id)
    }
    pub fn next_id(&self) -> u32 {
        self.next_id
    }
    pub fn label_name(&self, label: u16) -> &str {
        self.schema.label(label as usize).map_or("?", |l| l.name.as_str())
    }
    pub fn relation_type(&self, kind: u16) -> Option<&RelationTypeDef> {
        self.schema.relation_types.get(kind as usize)
    }

    /// Reserves a fresh id. Ids are never handed out twice.
    pub fn alloc_id(&mut self) -> u32 {
        let id = self.next_id;
        // Files cannot bring the counter near the end (see the RON reader);
        // should it ever get there, adding fails with "id already used"
        // rather than wrapping around.
        self.next_id = self.next_id.saturating_add(1);
        id
    }

    /// Raises the id counter (when loading a file that recorded it; adding
    /// an item with a given id does it too, so ids are never reused).
    pub fn reserve_ids_below(&mut self, next_id: u32) {
        self.next_id = self.next_id.max(next_id);
    }

    /// The exact text of a span, its fragments joined by `" … "`.
    pub fn quote(&self, span: &Span) -> String {
        let mut out = String::new();
        self.push_quote(span, &mut out);
        out
    }

    /// Appends [`Self::quote`] to `out` (no string of its own).
    pub fn push_quote(&self, span: &Span, out: &mut String) {
        for (k, r) in span.ranges.iter().enumerate() {
            if k > 0 {
                out.push_str(" … ");
            }
            out.push_str(self.text.slice(*r));
        }
    }

    fn id_in_use(&self, id: u32) -> bool {
        self.t.spans.contains_key(&SpanId(id))
            || self.t.entities.contains_key(&EntityId(id))
            || self.t.relations.contains_key(&RelationId(id))
    }

    // ----- queries -------------------------------------------------------

    /// Ids of spans with a range overlapping `range`, each once, by start.
    pub fn spans_overlapping(&self, range: ByteRange) -> Vec<SpanId> {
        let mut hits: Vec<(u32, SpanId)> = Vec::new();
        let lo = range.start.saturating_sub(LONG_SPAN_BYTES);
        let window = self.t.short_ranges.range((
            Bound::Included((lo, 0, SpanId(0))),
            Bound::Excluded((range.end.max(range.start + 1), 0, SpanId(0))),
        ));
        for &(s, e, id) in window.chain(self.t.long_ranges.iter()) {
            let r = ByteRange { start: s, end: e };
            if r.overlaps(range) || (range.is_empty() && r.contains(range.start())) {
                hits.push((s, id));
            }
        }
        hits.sort_unstable();
        // A span with several ranges in the window appears once, at its
        // first (hits are few: sorting by id to find repeats is cheap).
        let mut by_id: Vec<(SpanId, u32)> = hits.iter().map(|&(s, id)| (id, s)).collect();
        by_id.sort_unstable();
        by_id.dedup_by_key(|(id, _)| *id);
        if by_id.len() < hits.len() {
            hits = by_id.into_iter().map(|(id, s)| (s, id)).collect();
            hits.sort_unstable();
        }
        hits.into_iter().map(|(_, id)| id).collect()
    }

    /// The span of `label` that covers exactly `range` (one range, no
    /// more), if any: a lookup of that extent, not a scan of what overlaps.
    pub fn span_exactly(&self, range: ByteRange, label: u16) -> Option<SpanId> {
        let (s, e) = (range.start, range.end);
        let set = if e - s > LONG_SPAN_BYTES { &self.t.long_ranges } else { &self.t.short_ranges };
        set.range((s, e, SpanId(0))..=(s, e, SpanId(u32::MAX)))
            .filter_map(|&(_, _, id)| self.t.spans.get(&id))
            .find(|sp| sp.label == label && sp.ranges.len() == 1)
            .map(|sp| sp.id)
    }

    /// Spans covering the byte at `byte_idx`, innermost (shortest) first.
    pub fn spans_at(&self, byte_idx: usize) -> Vec<SpanId> {
        let b = byte_idx as u32;
        let mut ids = self.spans_overlapping(ByteRange { start: b, end: b + 1 });
        ids.sort_by_key(|id| self.t.spans.get(id).map_or(u32::MAX, |s| s.extent().end - s.extent().start));
        ids
    }

    /// All spans in text order (start, then longer first, then id).
    pub fn spans_in_text_order(&self) -> Vec<SpanId> {
        use std::cmp::Reverse;
        // Read from the range indexes, small entries already in text order,
        // instead of from every span (the annotation list asks after each
        // edit: 2.6 ms at 80,000 spans, most of an edit's frame).
        let t = &self.t;
        let mut v: Vec<(u32, Reverse<u32>, SpanId)> = Vec::with_capacity(t.short_ranges.len() + t.long_ranges.len());
        let (mut a, mut b) = (t.short_ranges.iter().peekable(), t.long_ranges.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if y < x => b.next(),
                (Some(_), _) => a.next(),
                (None, _) => b.next(),
            };
            let Some(&(s, e, id)) = next else { break };
            v.push((s, Reverse(e), id));
        }
        if v.len() != t.spans.len() {
            // Spans of several ranges appear once per range: keep each once,
            // placed by its extent.
            let mut seen = vec![0u64; (self.next_id as usize).div_ceil(64) + 1];
            let mut several: BTreeSet<SpanId> = BTreeSet::new();
            for &(_, _, id) in &v {
                let (w, bit) = ((id.0 / 64) as usize, 1u64 << (id.0 % 64));
                match seen.get_mut(w) {
                    Some(word) if *word & bit != 0 => {
                        several.insert(id);
                    }
                    Some(word) => *word |= bit,
                    None => {
                        several.insert(id);
                    }
                }
            }
            v.retain(|(_, _, id)| !several.contains(id));
            let placed: Vec<_> = several
                .into_iter()
                .filter_map(|id| t.spans.get(&id).map(|s| (s.extent().start, Reverse(s.extent().end), id)))
                .collect();
            if placed.len() > 64 {
                v.extend(placed);
                v.sort_unstable();
                return v.into_iter().map(|(_, _, id)| id).collect();
            }
            // The rest is in order but for ties (below): each goes in its place.
            for item in placed {
                let at = v.partition_point(|x| (x.0, x.1) < (item.0, item.1));
                v.insert(at, item);
            }
        }
        // In order by start already; spans starting together come shortest
        // first from the index and are turned longest first (a sort of the
        // whole list cost most of an edit's frame).
        let mut i = 0;
        while i < v.len() {
            let start = v[i].0;
            let j = i + v[i..].iter().take_while(|x| x.0 == start).count();
            if j - i > 1 {
                v[i..j].sort_unstable();
            }
            i = j;
        }
        v.into_iter().map(|(_, _, id)| id).collect()
    }

    /// Relations that use the span as argument or evidence, by id.
    pub fn relations_using_span(&self, id: SpanId) -> Vec<RelationId> {
        self.relations_using(Target::Span(id))
    }

    /// Relations that use a span or entity, by id.
    pub fn relations_using(&self, target: Target) -> Vec<RelationId> {
        self.t.refs.range((target, RelationId(0))..=(target, RelationId(u32::MAX))).map(|&(_, r)| r).collect()
    }

    /// The relations of type `kind_name` in which `claim` fills the role
    /// `claim` (its said_by, its reported_by, …), through the index.
    pub fn claim_relations(&self, claim: SpanId, kind_name: &str) -> Vec<&Relation> {
        let Some(kind) = self.schema.relation_index(kind_name).map(|k| k as u16) else { return Vec::new() };
        self.relations_using_span(claim)
            .into_iter()
            .filter_map(|id| self.t.relations.get(&id))
            .filter(|r| r.kind == kind && r.targets("claim").any(|t| t == Target::Span(claim)))
            .collect()
    }

    /// What fills `role` in the claim's `kind_name` relations: its source,
    /// cue or outlet.
    pub fn attribution(&self, claim: SpanId, kind_name: &str, role: &str) -> Vec<Target> {
        self.claim_relations(claim, kind_name).into_iter().flat_map(|r| r.targets(role).collect::<Vec<_>>()).collect()
    }

    fn index_relation(&mut self, rel: &Relation, add: bool) {
        let mut targets: Vec<Target> =
            rel.args.iter().map(|a| a.target).chain(rel.evidence.iter().map(|e| Target::Span(*e))).collect();
        targets.sort_unstable();
        targets.dedup();
        let refs = &mut self.tm().refs;
        for t in targets {
            if add {
                refs.insert((t, rel.id));
            } else {
                refs.remove(&(t, rel.id));
            }
        }
    }

    fn insert_relation(&mut self, rel: Relation) -> Option<Relation> {
        let old = self.tm().relations.remove(&rel.id);
        if let Some(old) = &old {
            self.index_relation(old, false);
        }
        self.index_relation(&rel, true);
        self.tm().relations.insert(rel.id, rel);
        old
    }

    fn remove_relation_raw(&mut self, id: RelationId) -> Option<Relation> {
        let old = self.tm().relations.remove(&id)?;
        self.index_relation(&old, false);
        Some(old)
    }

    /// Spans that mention the entity, by id.
    /// The span a target is shown at: the span itself, or an entity's
    /// first mention (lowest id). The one rule for arcs, review order,
    /// selecting a relation and exports that link spans only.
    /// A relation stands at its [`anchor`](Relation::anchor), followed down
    /// (a store has no cycles; the depth is bounded all the same).
    pub fn first_mention(&self, mut t: Target) -> Option<SpanId> {
        for _ in 0..=MAX_NESTING {
            match t {
                Target::Span(s) => return Some(s),
                Target::Entity(e) => {
                    return self.t.mentions.range((e, SpanId(0))..=(e, SpanId(u32::MAX))).next().map(|&(_, s)| s);
                }
                Target::Relation(r) => t = self.t.relations.get(&r)?.anchor()?,
            }
        }
        None
    }

    /// Where a target's [`first_mention`](Self::first_mention) starts.
    pub fn target_start(&self, t: Target) -> Option<usize> {
        self.first_mention(t).and_then(|s| self.span(s)).map(Span::start)
    }

    pub fn mentions_of(&self, id: EntityId) -> Vec<SpanId> {
        self.t.mentions.range((id, SpanId(0))..=(id, SpanId(u32::MAX))).map(|&(_, s)| s).collect()
    }

    /// Spans that may fill a role accepting `accepts`, nearest to `near` first.
    pub fn candidates(&self, accepts: &[String], near: usize, exclude: &[SpanId]) -> Vec<SpanId> {
        let mut v: Vec<(usize, SpanId)> = self
            .t
            .spans
            .values()
            .filter(|s| !exclude.contains(&s.id) && self.target_fits(Target::Span(s.id), accepts))
            .map(|s| (s.start().abs_diff(near), s.id))
            .collect();
        v.sort_unstable();
        v.into_iter().map(|(_, id)| id).collect()
    }

    /// Relation types with a role that `target` can fill: (type index, role name).
    pub fn relation_types_for(&self, target: Target) -> Vec<(u16, String)> {
        self.schema
            .relation_types
            .iter()
            .enumerate()
            .filter_map(|(i, rt)| {
                rt.roles.iter().find(|r| self.target_fits(target, &r.accepts)).map(|r| (i as u16, r.name.clone()))
            })
            .collect()
    }

    /// Whole-word occurrences of `needle` in the text.
    pub fn occurrences(&self, needle: &str) -> Vec<ByteRange> {
        if needle.is_empty() {
            return Vec::new();
        }
        let text = self.text.as_str();
        let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        text.match_indices(needle)
            .filter(|(i, m)| !is_word(text[..*i].chars().next_back()) && !is_word(text[i + m.len()..].chars().next()))
            .map(|(i, m)| ByteRange::new(i, i + m.len()))
            .collect()
    }

    /// The edits that link every mention of an entity's name or aliases to
    /// it: existing spans with that exact text are linked, unannotated
    /// occurrences become new spans with `label`. Ids are taken from the
    /// store's counter.
    pub fn link_all_edits(&mut self, entity: EntityId, label: u16, author: &str, now: Timestamp) -> Vec<Edit> {
        let Some(e) = self.t.entities.get(&entity) else { return Vec::new() };
        let names: Vec<String> = std::iter::once(e.name.clone()).chain(e.aliases.iter().cloned()).collect();
        let mut edits = Vec::new();
        let mut claimed: Vec<ByteRange> = Vec::new();
        for name in &names {
            for r in self.occurrences(name) {
                if claimed.iter().any(|c| c.overlaps(r)) {
                    continue;
                }
                let same: Vec<SpanId> = self
                    .spans_overlapping(r)
                    .into_iter()
                    .filter(|id| self.t.spans.get(id).is_some_and(|s| s.ranges.len() == 1 && s.ranges[0] == r))
                    .collect();
                let linkable = same.iter().find_map(|id| {
                    let s = self.t.spans.get(id)?;
                    let fits = self.schema.label(s.label as usize).is_some_and(|l| l.entity_type.is_some());
                    fits.then_some(s)
                });
                match linkable {
                    Some(s) if s.entity == Some(entity) => {}
                    Some(s) => {
                        let mut s = s.clone();
                        s.entity = Some(entity);
                        s.provenance.modified = now;
                        edits.push(Edit::ReplaceSpan(s));
                    }
                    None if same.is_empty() => {
                        let id = SpanId(self.alloc_id());
                        let mut span = Span::new(id, label, [r].into_iter().collect(), Provenance::new(author, now));
                        span.entity = Some(entity);
                        edits.push(Edit::AddSpan(span));
                    }
                    None => {}
                }
                claimed.push(r);
            }
        }
        edits
    }

    // ----- rules ---------------------------------------------------------

    /// Checks a span against the text, the schema and the store.
    pub fn check_span(&self, span: &Span) -> Result<(), EditError> {
        let label = self.schema.label(span.label as usize).ok_or(EditError::NoLabel(span.label))?;
        if span.ranges.is_empty() {
            return Err(EditError::NoRanges);
        }
        for r in &span.ranges {
            self.text.check_range(*r)?;
        }
        for w in span.ranges.windows(2) {
            if w[0].end >= w[1].start {
                return Err(EditError::RangesOverlap(w[0].start(), w[0].end(), w[1].start(), w[1].end()));
            }
        }
        if let Some(eid) = span.entity {
            let entity = self.t.entities.get(&eid).ok_or(EditError::NoEntity(eid))?;
            if let Some(t) = &label.entity_type
                && !self.schema.entity_type_is(&entity.kind, t)
            {
                return Err(EditError::Rule(format!(
                    "a {} mention can link to a {t} entity, and {} is a {}",
                    label.name, entity.name, entity.kind
                )));
            }
        }
        check_attributes(&span.attributes, &label.attributes, &label.name)
    }

    pub fn check_entity(&self, entity: &Entity) -> Result<(), EditError> {
        if entity.name.trim().is_empty() {
            return Err(EditError::Rule("an entity needs a name".into()));
        }
        if self.schema.entity_type(&entity.kind).is_none() {
            return Err(EditError::Rule(format!(
                "entity type {:?} is not in the schema (known: {})",
                entity.kind,
                self.schema.entity_types.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        Ok(())
    }

    /// What a target is, for role checks: its label and entity type names.
    fn target_names(&self, target: Target) -> Result<(Option<&str>, Option<&str>), EditError> {
        match target {
            Target::Span(id) => {
                let span = self.t.spans.get(&id).ok_or(EditError::NoSpan(id))?;
                let label = self.label_name(span.label);
                let kind = span
                    .entity
                    .and_then(|e| self.t.entities.get(&e))
                    .map(|e| e.kind.as_str())
                    .or_else(|| self.schema.label(span.label as usize).and_then(|l| l.entity_type.as_deref()));
                Ok((Some(label), kind))
            }
            Target::Entity(id) => {
                let e = self.t.entities.get(&id).ok_or(EditError::NoEntity(id))?;
                Ok((None, Some(e.kind.as_str())))
            }
            // A relation fills a role that names its type.
            Target::Relation(id) => {
                let r = self.t.relations.get(&id).ok_or(EditError::NoRelation(id))?;
                Ok((Some(self.relation_type(r.kind).map_or("?", |t| t.name.as_str())), None))
            }
        }
    }

    /// A target in words, for messages.
    fn describe_target(&self, target: Target) -> String {
        match target {
            Target::Span(id) => match self.t.spans.get(&id) {
                Some(span) => format!("span {id} ({} {:?})", self.label_name(span.label), self.quote(span)),
                None => format!("span {id}"),
            },
            Target::Entity(id) => match self.t.entities.get(&id) {
                Some(e) => format!("entity {} ({})", e.name, e.kind),
                None => format!("entity {id}"),
            },
            Target::Relation(id) => match self.t.relations.get(&id) {
                Some(r) => format!("relation {id} ({})", self.relation_type(r.kind).map_or("?", |t| t.name.as_str())),
                None => format!("relation {id}"),
            },
        }
    }

    /// Whether `target` may fill a role that accepts `accepts`.
    pub fn target_fits(&self, target: Target, accepts: &[String]) -> bool {
        let Ok((label, kind)) = self.target_names(target) else {
            return false;
        };
        accepts
            .iter()
            .any(|name| label == Some(name.as_str()) || kind.is_some_and(|k| self.schema.entity_type_is(k, name)))
    }

    /// Checks a relation against its type's roles, evidence and attributes.
    pub fn check_relation(&self, rel: &Relation) -> Result<(), EditError> {
        let rt = self.relation_type(rel.kind).ok_or(EditError::NoRelationType(rel.kind))?;
        // The rule is spelled out only when something breaks it.
        let rule = || relation_rule(rt);
        for arg in &rel.args {
            let role = rt.roles.iter().find(|r| r.name == arg.role).ok_or_else(|| {
                EditError::Rule(format!("{} has no role {:?}: {}", rt.name, arg.role.as_str(), rule()))
            })?;
            self.target_names(arg.target)?;
            if !self.target_fits(arg.target, &role.accepts) {
                let what = self.describe_target(arg.target);
                return Err(EditError::Rule(format!("{what} cannot be the {} of {}: {}", role.name, rt.name, rule())));
            }
        }
        self.check_nesting(rel)?;
        for role in &rt.roles {
            let n = rel.args.iter().filter(|a| a.role == role.name).count();
            if n == 0 && !role.optional {
                return Err(EditError::Rule(format!("{} needs a {}: {}", rt.name, role.name, rule())));
            }
            if n > 1 && !role.many {
                return Err(EditError::Rule(format!("{} takes one {}, not {n}: {}", rt.name, role.name, rule())));
            }
            if role.many && !role.optional && n < 2 && rt.roles.len() == 1 {
                return Err(EditError::Rule(format!("{} needs at least two {}s: {}", rt.name, role.name, rule())));
            }
        }
        for &ev in &rel.evidence {
            let span = self.t.spans.get(&ev).ok_or(EditError::NoSpan(ev))?;
            let label = self.label_name(span.label);
            if !rt.evidence.iter().any(|l| l == label) {
                return Err(EditError::Rule(if rt.evidence.is_empty() {
                    format!("{} takes no evidence", rt.name)
                } else {
                    format!("evidence for {} must be {}, and span {ev} is a {label}", rt.name, rt.evidence.join(" or "))
                }));
            }
        }
        check_attributes(&rel.attributes, &rt.attributes, &rt.name)
    }

    /// Refuses a relation that would reach itself through its relation
    /// arguments, or nest deeper than [`MAX_NESTING`].
    fn check_nesting(&self, rel: &Relation) -> Result<(), EditError> {
        let mut level: Vec<RelationId> = relation_args(rel).collect();
        let mut seen = BTreeSet::new();
        for _ in 0..MAX_NESTING {
            if level.is_empty() {
                return Ok(());
            }
            let mut next = Vec::new();
            for id in level {
                if id == rel.id {
                    return Err(EditError::Rule(format!(
                        "relation {} would be an argument of itself (relations cannot form a cycle)",
                        rel.id
                    )));
                }
                if seen.insert(id) {
                    next.extend(self.t.relations.get(&id).into_iter().flat_map(relation_args));
                }
            }
            level = next;
        }
        Err(EditError::Rule(format!("relations nest more than {MAX_NESTING} deep")))
    }

    /// Applies `make` to each of `ids` still in the store (a cascade may
    /// have removed some), all or nothing; returns the inverses in undo
    /// order.
    fn apply_to_relations(
        &mut self,
        ids: Vec<RelationId>,
        make: impl Fn(&Relation) -> Edit,
    ) -> Result<Vec<Edit>, EditError> {
        self.apply_in_turn(ids, |store, id| store.t.relations.get(&id).map(&make))
    }

    /// Applies the edit `make` gives for each item in turn (`None`: none
    /// for it), all or nothing: on an error the ones applied are undone.
    /// Returns the inverses in undo order.
    fn apply_in_turn<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut make: impl FnMut(&Self, T) -> Option<Edit>,
    ) -> Result<Vec<Edit>, EditError> {
        let items = items.into_iter();
        let mut inverses = Vec::with_capacity(items.size_hint().0);
        for item in items {
            let Some(edit) = make(self, item) else { continue };
            match self.apply(edit) {
                Ok(inv) => inverses.push(inv),
                Err(err) => {
                    for inv in inverses.into_iter().rev() {
                        // Inverses of edits that just succeeded cannot fail.
                        let _ = self.apply(inv);
                    }
                    return Err(err);
                }
            }
        }
        inverses.reverse();
        Ok(inverses)
    }

    // ----- edits ---------------------------------------------------------

    /// Applies an edit and returns its inverse. On error nothing changed.
    pub fn apply(&mut self, edit: Edit) -> Result<Edit, EditError> {
        match edit {
            Edit::AddSpan(span) => {
                if self.id_in_use(span.id.0) {
                    return Err(EditError::DuplicateId(span.id.0));
                }
                self.check_span(&span)?;
                let id = span.id;
                self.reserve_ids_below(id.0.saturating_add(1));
                self.insert_span(span);
                Ok(Edit::RemoveSpan(id))
            }
            Edit::ReplaceSpan(span) => {
                if !self.t.spans.contains_key(&span.id) {
                    return Err(EditError::NoSpan(span.id));
                }
                self.check_span(&span)?;
                let old = self.remove_span_raw(span.id).ok_or(EditError::NoSpan(span.id))?;
                self.insert_span(span);
                // Relations that used the span may no longer fit its new label.
                let broken = self
                    .relations_using_span(old.id)
                    .into_iter()
                    .filter_map(|rid| self.t.relations.get(&rid))
                    .find_map(|r| self.check_relation(r).err());
                if let Some(err) = broken {
                    let new_id = old.id;
                    self.remove_span_raw(new_id);
                    self.insert_span(old);
                    return Err(err);
                }
                Ok(Edit::ReplaceSpan(old))
            }
            Edit::RemoveSpan(id) => {
                if !self.t.spans.contains_key(&id) {
                    return Err(EditError::NoSpan(id));
                }
                let mut inverse = self.apply_to_relations(self.relations_using_span(id), |rel| {
                    if rel.args.iter().any(|a| a.target == Target::Span(id)) {
                        Edit::RemoveRelation(rel.id)
                    } else {
                        let mut rel = rel.clone();
                        rel.evidence.retain(|e| *e != id);
                        Edit::ReplaceRelation(rel)
                    }
                })?;
                let old = self.remove_span_raw(id).ok_or(EditError::NoSpan(id))?;
                inverse.insert(0, Edit::AddSpan(old));
                Ok(Edit::Batch(inverse))
            }
            Edit::AddEntity(entity) => {
                if self.id_in_use(entity.id.0) {
                    return Err(EditError::DuplicateId(entity.id.0));
                }
                self.check_entity(&entity)?;
                let id = entity.id;
                self.reserve_ids_below(id.0.saturating_add(1));
                self.tm().entities.insert(id, entity);
                Ok(Edit::RemoveEntity(id))
            }
            Edit::ReplaceEntity(entity) => {
                let old = self.t.entities.get(&entity.id).cloned().ok_or(EditError::NoEntity(entity.id))?;
                self.check_entity(&entity)?;
                self.tm().entities.insert(entity.id, entity);
                let broken = self
                    .mentions_of(old.id)
                    .into_iter()
                    .filter_map(|s| self.t.spans.get(&s))
                    .find_map(|s| self.check_span(s).err())
                    .or_else(|| {
                        self.relations_using(Target::Entity(old.id))
                            .into_iter()
                            .filter_map(|r| self.t.relations.get(&r))
                            .find_map(|r| self.check_relation(r).err())
                    });
                if let Some(err) = broken {
                    self.tm().entities.insert(old.id, old);
                    return Err(err);
                }
                Ok(Edit::ReplaceEntity(old))
            }
            Edit::RemoveEntity(id) => {
                if !self.t.entities.contains_key(&id) {
                    return Err(EditError::NoEntity(id));
                }
                let mut inverse =
                    self.apply_to_relations(self.relations_using(Target::Entity(id)), |r| Edit::RemoveRelation(r.id))?;
                let mut steps = Vec::new();
                for span in self.mentions_of(id).into_iter().filter_map(|s| self.t.spans.get(&s)) {
                    let mut span = span.clone();
                    span.entity = None;
                    steps.push(Edit::ReplaceSpan(span));
                }
                match self.apply(Edit::Batch(steps)) {
                    Ok(Edit::Batch(mut v)) => {
                        v.append(&mut inverse);
                        inverse = v;
                    }
                    Ok(other) => inverse.insert(0, other),
                    Err(err) => {
                        let _ = self.apply(Edit::Batch(inverse));
                        return Err(err);
                    }
                }
                let old = self.tm().entities.remove(&id).ok_or(EditError::NoEntity(id))?;
                inverse.insert(0, Edit::AddEntity(old));
                Ok(Edit::Batch(inverse))
            }
            Edit::AddRelation(rel) => {
                if self.id_in_use(rel.id.0) {
                    return Err(EditError::DuplicateId(rel.id.0));
                }
                self.check_relation(&rel)?;
                let id = rel.id;
                self.reserve_ids_below(id.0.saturating_add(1));
                self.insert_relation(rel);
                Ok(Edit::RemoveRelation(id))
            }
            Edit::ReplaceRelation(rel) => {
                if !self.t.relations.contains_key(&rel.id) {
                    return Err(EditError::NoRelation(rel.id));
                }
                self.check_relation(&rel)?;
                let id = rel.id;
                let old = self.insert_relation(rel).ok_or(EditError::NoRelation(id))?;
                // Relations that use it may no longer fit its new type.
                let broken = self
                    .relations_using(Target::Relation(id))
                    .into_iter()
                    .filter_map(|rid| self.t.relations.get(&rid))
                    .find_map(|r| self.check_relation(r).err());
                if let Some(err) = broken {
                    self.insert_relation(old);
                    return Err(err);
                }
                Ok(Edit::ReplaceRelation(old))
            }
            Edit::RemoveRelation(id) => {
                if !self.t.relations.contains_key(&id) {
                    return Err(EditError::NoRelation(id));
                }
                let users = self.relations_using(Target::Relation(id));
                if users.is_empty() {
                    let old = self.remove_relation_raw(id).ok_or(EditError::NoRelation(id))?;
                    return Ok(Edit::AddRelation(old));
                }
                let mut inverse = self.apply_to_relations(users, |r| Edit::RemoveRelation(r.id))?;
                let old = self.remove_relation_raw(id).ok_or(EditError::NoRelation(id))?;
                inverse.insert(0, Edit::AddRelation(old));
                Ok(Edit::Batch(inverse))
            }
            Edit::SetDocState(state) => {
                let old = std::mem::replace(&mut self.meta.state, state);
                Ok(Edit::SetDocState(old))
            }
            Edit::RejectSuggestion(range, label) => {
                if self.schema.labels.get(usize::from(label)).is_none() {
                    return Err(EditError::NoLabel(label));
                }
                self.text.check_range(range)?;
                let new = self.tm().rejected.insert((range.start, range.end, label));
                Ok(if new { Edit::UnrejectSuggestion(range, label) } else { Edit::Batch(Vec::new()) })
            }
            Edit::UnrejectSuggestion(range, label) => {
                let had = self.tm().rejected.remove(&(range.start, range.end, label));
                Ok(if had { Edit::RejectSuggestion(range, label) } else { Edit::Batch(Vec::new()) })
            }
            Edit::Batch(edits) => self.apply_in_turn(edits, |_, edit| Some(edit)).map(Edit::Batch),
        }
    }

    fn insert_span(&mut self, span: Span) {
        for r in &span.ranges {
            self.range_set(*r).insert((r.start, r.end, span.id));
        }
        if let Some(e) = span.entity {
            self.tm().mentions.insert((e, span.id));
        }
        self.tm().spans.insert(span.id, span);
    }

    fn remove_span_raw(&mut self, id: SpanId) -> Option<Span> {
        let span = self.tm().spans.remove(&id)?;
        for r in &span.ranges {
            self.range_set(*r).remove(&(r.start, r.end, id));
        }
        if let Some(e) = span.entity {
            self.tm().mentions.remove(&(e, id));
        }
        Some(span)
    }

    fn range_set(&mut self, r: ByteRange) -> &mut BTreeSet<(u32, u32, SpanId)> {
        if r.end - r.start > LONG_SPAN_BYTES { &mut self.tm().long_ranges } else { &mut self.tm().short_ranges }
    }
}

/// A one-line statement of a relation type's rule, for messages:
/// `said_by goes from Claim to Source, Person or Organization (cue: Cue, optional)`.
pub fn relation_rule(rt: &RelationTypeDef) -> String {
    let alts = |v: &[String]| match v {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    };
    let required: Vec<_> = rt.roles.iter().filter(|r| !r.optional).collect();
    let mut s = if rt.symmetric || required.len() != 2 {
        let parts: Vec<String> = required
            .iter()
            .map(|r| format!("{}{}: {}", r.name, if r.many { "s" } else { "" }, alts(&r.accepts)))
            .collect();
        format!("{} links {}", rt.name, parts.join("; "))
    } else {
        format!("{} goes from {} to {}", rt.name, alts(&required[0].accepts), alts(&required[1].accepts))
    };
    for r in rt.roles.iter().filter(|r| r.optional) {
        s.push_str(&format!(" ({}: {}, optional)", r.name, alts(&r.accepts)));
    }
    s
}

fn check_attributes(values: &Attributes, defs: &[AttrDef], owner: &str) -> Result<(), EditError> {
    for (name, value) in values {
        let def = defs
            .iter()
            .find(|d| &d.name == name)
            .ok_or_else(|| EditError::Attribute(format!("{owner} has no attribute {name:?}")))?;
        let ok = match (&def.kind, value) {
            (AttrKind::Bool, AttrValue::Bool(_)) => true,
            (AttrKind::Text, AttrValue::Text(_)) => true,
            (AttrKind::Choice(choices), AttrValue::Text(v)) => choices.contains(v),
            _ => false,
        };
        if !ok {
            let expected = match &def.kind {
                AttrKind::Bool => "true or false".to_string(),
                AttrKind::Text => "text".to_string(),
                AttrKind::Choice(c) => format!("one of {}", c.join(", ")),
            };
            return Err(EditError::Attribute(format!(
                "{owner}.{name} must be {expected}, not {value:?}",
                value = value.to_string()
            )));
        }
    }
    Ok(())
}

/// The relations a relation has as arguments.
fn relation_args(rel: &Relation) -> impl Iterator<Item = RelationId> + '_ {
    rel.args.iter().filter_map(|a| match a.target {
        Target::Relation(r) => Some(r),
        _ => None,
    })
}

/// How deep a relation nests: 0 when no argument is a relation, else one
/// more than its deepest relation argument (found with `get`). Adding
/// relations in this order adds every argument before its user; removing
/// them in the reverse order removes every user first.
pub fn relation_depth<'a>(rel: &'a Relation, get: impl Fn(RelationId) -> Option<&'a Relation>) -> usize {
    let mut level: Vec<&Relation> = vec![rel];
    for depth in 0..=MAX_NESTING {
        let next: Vec<&Relation> = level.iter().flat_map(|r| relation_args(r)).filter_map(&get).collect();
        if next.is_empty() {
            return depth;
        }
        level = next;
    }
    MAX_NESTING
}
