//! Annotations: spans over the text, canonical entities, and relations.
//!
//! Ids are one counter per file (`next_id`), so `#12` names one thing, and
//! are never reused, not even after a delete is undone and redone.

use std::collections::BTreeMap;

use super::schema::AttrValue;
use super::text::ByteRange;

macro_rules! id_type {
    ($name:ident) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "#{}", self.0)
            }
        }
    };
}
id_type!(SpanId);
id_type!(EntityId);
id_type!(RelationId);

/// Seconds since the Unix epoch, UTC.
///
/// Aligned to 4 bytes, not 8, so that with the 4-byte fields around it
/// in a span no padding is needed (memory per annotation, issue #7).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(C, packed(4))]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The seconds (a copy: the field of a packed struct cannot be borrowed).
    pub fn secs(self) -> i64 {
        self.0
    }
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        Timestamp(secs)
    }
}

/// Attribute values by attribute name (sorted, so files are deterministic).
///
/// Most annotations have none, so the map is out of line: 8 bytes in every
/// span and relation instead of 24 (memory per annotation, issue #7). The
/// methods are those of the map.
#[derive(Clone, Debug, Default)]
#[allow(clippy::box_collection, reason = "a box is one pointer; the map itself is three")]
pub struct Attributes(Option<Box<BTreeMap<String, AttrValue>>>);

impl PartialEq for Attributes {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Attributes {
    pub fn new() -> Self {
        Self(None)
    }
    pub fn get(&self, name: &str) -> Option<&AttrValue> {
        self.0.as_ref()?.get(name)
    }
    pub fn insert(&mut self, name: String, value: AttrValue) -> Option<AttrValue> {
        self.0.get_or_insert_default().insert(name, value)
    }
    pub fn remove(&mut self, name: &str) -> Option<AttrValue> {
        let map = self.0.as_mut()?;
        let old = map.remove(name);
        if map.is_empty() {
            self.0 = None;
        }
        old
    }
    pub fn clear(&mut self) {
        self.0 = None;
    }
    pub fn retain(&mut self, keep: impl FnMut(&String, &mut AttrValue) -> bool) {
        if let Some(map) = &mut self.0 {
            map.retain(keep);
            if map.is_empty() {
                self.0 = None;
            }
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &AttrValue)> {
        self.0.iter().flat_map(|m| m.iter())
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &AttrValue> {
        self.iter().map(|(_, v)| v)
    }
}

impl From<BTreeMap<String, AttrValue>> for Attributes {
    fn from(map: BTreeMap<String, AttrValue>) -> Self {
        if map.is_empty() { Self(None) } else { Self(Some(Box::new(map))) }
    }
}

impl From<Attributes> for BTreeMap<String, AttrValue> {
    fn from(a: Attributes) -> Self {
        a.0.map(|m| *m).unwrap_or_default()
    }
}

impl FromIterator<(String, AttrValue)> for Attributes {
    fn from_iter<I: IntoIterator<Item = (String, AttrValue)>>(iter: I) -> Self {
        iter.into_iter().collect::<BTreeMap<_, _>>().into()
    }
}

impl serde::Serialize for Attributes {
    /// As the map (empty when there is none).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'a> IntoIterator for &'a Attributes {
    type Item = (&'a String, &'a AttrValue);
    type IntoIter = std::iter::Flatten<std::option::IntoIter<&'a BTreeMap<String, AttrValue>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.as_deref().into_iter().flatten()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReviewStatus {
    #[default]
    Unreviewed,
    Accepted,
    Rejected,
    /// Flagged for discussion.
    Flagged,
}

impl ReviewStatus {
    pub const ALL: [ReviewStatus; 4] =
        [ReviewStatus::Unreviewed, ReviewStatus::Accepted, ReviewStatus::Rejected, ReviewStatus::Flagged];
    pub fn name(self) -> &'static str {
        match self {
            ReviewStatus::Unreviewed => "unreviewed",
            ReviewStatus::Accepted => "accepted",
            ReviewStatus::Rejected => "rejected",
            ReviewStatus::Flagged => "flagged",
        }
    }
}

/// An annotator's or reviewer's name, interned once per process: 8 bytes
/// and `Copy` in every annotation instead of a 16-byte shared string (memory
/// per annotation, issue #7). There are few distinct names; each is kept
/// for the life of the process.
pub type Name = ustr::Ustr;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Review {
    pub status: ReviewStatus,
    pub reviewer: Option<Name>,
    pub reviewed: Option<Timestamp>,
    /// The reviewer's note for the annotator: part of the review, never
    /// the annotator's own `note` (boxed: 8 bytes in every annotation).
    pub note: Option<Box<String>>,
}

/// Who made an annotation and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    pub author: Name,
    pub created: Timestamp,
    pub modified: Timestamp,
}

impl Provenance {
    pub fn new(author: &str, now: Timestamp) -> Self {
        Self::shared(Name::from(author), now)
    }
    /// With an author name already interned.
    pub fn shared(author: Name, now: Timestamp) -> Self {
        Self { author, created: now, modified: now }
    }
}

/// The byte ranges of a span: one for most spans, several for a
/// discontinuous one. Sorted, non-overlapping, non-adjacent.
///
/// One range is held inline; several are out of line behind one pointer,
/// so the whole is 16 bytes (a small vector is 24; memory per annotation,
/// issue #7). Reads go through the slice it dereferences to.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Ranges(RangesRepr);

#[derive(Clone, Default, PartialEq, Eq, Hash)]
enum RangesRepr {
    #[default]
    None,
    One(ByteRange),
    #[allow(clippy::box_collection, reason = "a box is one pointer; a vector is three")]
    Many(Box<Vec<ByteRange>>),
}

impl Ranges {
    pub fn new() -> Self {
        Self(RangesRepr::None)
    }
    pub fn push(&mut self, r: ByteRange) {
        self.0 = match std::mem::take(&mut self.0) {
            RangesRepr::None => RangesRepr::One(r),
            RangesRepr::One(first) => RangesRepr::Many(Box::new(vec![first, r])),
            RangesRepr::Many(mut all) => {
                all.push(r);
                RangesRepr::Many(all)
            }
        };
    }
    pub fn as_slice(&self) -> &[ByteRange] {
        match &self.0 {
            RangesRepr::None => &[],
            RangesRepr::One(r) => std::slice::from_ref(r),
            RangesRepr::Many(all) => all,
        }
    }
}

impl std::ops::Deref for Ranges {
    type Target = [ByteRange];
    fn deref(&self) -> &[ByteRange] {
        self.as_slice()
    }
}

impl std::ops::DerefMut for Ranges {
    fn deref_mut(&mut self) -> &mut [ByteRange] {
        match &mut self.0 {
            RangesRepr::None => &mut [],
            RangesRepr::One(r) => std::slice::from_mut(r),
            RangesRepr::Many(all) => all,
        }
    }
}

impl std::fmt::Debug for Ranges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl FromIterator<ByteRange> for Ranges {
    fn from_iter<I: IntoIterator<Item = ByteRange>>(iter: I) -> Self {
        let mut ranges = Ranges::new();
        for r in iter {
            ranges.push(r);
        }
        ranges
    }
}

impl<'a> IntoIterator for &'a Ranges {
    type Item = &'a ByteRange;
    type IntoIter = std::slice::Iter<'a, ByteRange>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

/// Where an annotation accepted from a suggestion came from; hand-made
/// annotations have none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggested {
    /// `model`, `dictionary` or `attribution`.
    pub source: String,
    /// The model or rule set that suggested it (`perceptron 1`).
    pub version: String,
    /// How sure the source was, in thousandths (0–1000).
    pub score: u16,
}

impl Suggested {
    /// `model (perceptron 1), score 0.93`.
    pub fn describe(&self) -> String {
        format!("{} ({}), score {}", self.source, self.version, score_text(self.score))
    }
}

/// A score in thousandths as the window shows it, to two places rounded
/// half up (865 → `0.87`): the same wherever it is shown.
pub fn score_text(per_mille: u16) -> String {
    let hundredths = (u32::from(per_mille.min(1000)) + 5) / 10;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub id: SpanId,
    /// Index into the schema's labels.
    pub label: u16,
    pub ranges: Ranges,
    /// The canonical entity this mention refers to (coreference).
    pub entity: Option<EntityId>,
    pub attributes: Attributes,
    /// Boxed: few annotations have one, and a box of a string is one
    /// pointer (8 bytes) where a string is 24 (memory, issue #7).
    pub note: Option<Box<String>>,
    pub review: Review,
    pub provenance: Provenance,
    /// Set when the span was accepted from a suggestion (boxed: 8 bytes in
    /// every span, the rest only in those).
    pub suggested: Option<Box<Suggested>>,
}

impl Span {
    /// A span with no entity link, attributes, note or review yet.
    pub fn new(id: SpanId, label: u16, ranges: Ranges, provenance: Provenance) -> Self {
        Self {
            id,
            label,
            ranges,
            entity: None,
            attributes: Attributes::new(),
            note: None,
            review: Review::default(),
            provenance,
            suggested: None,
        }
    }

    /// The covering range: from the first range's start to the last one's end.
    pub fn extent(&self) -> ByteRange {
        let first = self.ranges.first().copied().unwrap_or_default();
        let last = self.ranges.last().copied().unwrap_or_default();
        ByteRange { start: first.start, end: last.end }
    }
    pub fn start(&self) -> usize {
        self.extent().start()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    pub id: EntityId,
    pub name: String,
    /// An entity type name from the schema.
    pub kind: String,
    pub aliases: Vec<String>,
    /// For example a Wikidata QID (`Q159`).
    pub external_id: Option<String>,
    pub note: Option<String>,
    pub provenance: Provenance,
}

/// What a relation's role points at: a span, an entity, or another
/// relation (an event about an event: "Peskov denied [that Russia supplied
/// North Korea]"; brat's nested `E` arguments, issue #21).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Span(SpanId),
    Entity(EntityId),
    Relation(RelationId),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Span(id) => write!(f, "span {id}"),
            Target::Entity(id) => write!(f, "entity {id}"),
            Target::Relation(id) => write!(f, "relation {id}"),
        }
    }
}

/// The role of an event's trigger word: a relation with it is written as a
/// brat event (`E1<TAB>Type:T1 Theme:T2`) and drawn at the trigger.
pub const TRIGGER_ROLE: &str = "trigger";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleArg {
    /// A role name of the relation type (interned: a schema has few).
    pub role: Name,
    pub target: Target,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    pub id: RelationId,
    /// Index into the schema's relation types.
    pub kind: u16,
    /// Arguments in role order of the schema.
    pub args: Vec<RoleArg>,
    /// Spans that support the relation (claims).
    pub evidence: Vec<SpanId>,
    pub attributes: Attributes,
    /// Boxed: few annotations have one, and a box of a string is one
    /// pointer (8 bytes) where a string is 24 (memory, issue #7).
    pub note: Option<Box<String>>,
    pub review: Review,
    pub provenance: Provenance,
}

impl Relation {
    /// A relation with no evidence, attributes, note or review yet.
    pub fn new(id: RelationId, kind: u16, args: Vec<RoleArg>, provenance: Provenance) -> Self {
        Self {
            id,
            kind,
            args,
            evidence: Vec::new(),
            attributes: Attributes::new(),
            note: None,
            review: Review::default(),
            provenance,
        }
    }

    pub fn uses_span(&self, id: SpanId) -> bool {
        self.args.iter().any(|a| a.target == Target::Span(id)) || self.evidence.contains(&id)
    }
    pub fn uses_entity(&self, id: EntityId) -> bool {
        self.args.iter().any(|a| a.target == Target::Entity(id))
    }
    pub fn uses_relation(&self, id: RelationId) -> bool {
        self.args.iter().any(|a| a.target == Target::Relation(id))
    }
    /// The argument a relation is shown at: its `trigger` (an event's
    /// word) if it has one, else its first argument.
    pub fn anchor(&self) -> Option<Target> {
        self.targets(TRIGGER_ROLE).next().or_else(|| self.args.first().map(|a| a.target))
    }
    pub fn targets<'a>(&'a self, role: &'a str) -> impl Iterator<Item = Target> + 'a {
        self.args.iter().filter(move |a| a.role == role).map(|a| a.target)
    }
}

/// Where the annotator is with a document (issue: labeling sessions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DocState {
    #[default]
    New,
    InProgress,
    Done,
    Reviewed,
}

impl DocState {
    pub fn name(self) -> &'static str {
        match self {
            DocState::New => "new",
            DocState::InProgress => "in progress",
            DocState::Done => "done",
            DocState::Reviewed => "reviewed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_show_to_two_places_rounded_half_up() {
        for (pm, shown) in [(865, "0.87"), (864, "0.86"), (1000, "1.00"), (0, "0.00"), (5, "0.01"), (995, "1.00")] {
            assert_eq!(score_text(pm), shown, "{pm}");
        }
    }

    fn r(start: u32, end: u32) -> ByteRange {
        ByteRange { start, end }
    }

    #[test]
    fn ranges_hold_one_inline_and_several_out_of_line() {
        let mut ranges = Ranges::new();
        assert!(ranges.is_empty());
        ranges.push(r(0, 3));
        assert_eq!(ranges.as_slice(), &[r(0, 3)]);
        ranges.push(r(5, 9));
        ranges.push(r(12, 14));
        assert_eq!(&*ranges, &[r(0, 3), r(5, 9), r(12, 14)]);
        ranges[1].end = 10;
        assert_eq!(ranges.iter().map(|x| x.end).collect::<Vec<_>>(), [3, 10, 14]);
        let collected: Ranges = [r(0, 3), r(5, 10), r(12, 14)].into_iter().collect();
        assert_eq!(collected, ranges);
        assert_ne!(collected, [r(0, 3)].into_iter().collect());
        assert_eq!(format!("{ranges:?}"), format!("{:?}", ranges.as_slice()));
    }

    #[test]
    fn attributes_behave_as_a_map_and_empty_is_empty() {
        let mut a = Attributes::new();
        assert!(a.is_empty() && a.get("certainty").is_none());
        assert_eq!(a.insert("certainty".into(), AttrValue::Text("hedged".into())), None);
        a.insert("checked".into(), AttrValue::Bool(true));
        assert_eq!(a.len(), 2);
        assert_eq!(a.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["certainty", "checked"]);
        assert_eq!(a.remove("checked"), Some(AttrValue::Bool(true)));
        a.retain(|_, _| false);
        assert!(a.is_empty());
        // Emptied and never filled are the same.
        assert_eq!(a, Attributes::new());
        assert_eq!(Attributes::from(BTreeMap::new()), Attributes::new());
    }

    /// The layout that memory per annotation depends on (issue #7): a field
    /// added to a span or relation shows here first.
    #[test]
    fn spans_and_relations_stay_small() {
        assert_eq!(std::mem::size_of::<Ranges>(), 16);
        assert_eq!(std::mem::size_of::<Attributes>(), 8);
        assert_eq!(std::mem::size_of::<Option<Box<String>>>(), 8);
        // 8 bytes of each are the review note (issue 22, item 5: a
        // reviewer's note is the review's, never the annotator's note).
        assert_eq!(std::mem::size_of::<Review>(), 32);
        // 8 bytes are where a span accepted from a suggestion came from
        // (issue 17).
        assert!(std::mem::size_of::<Span>() <= 112, "{}", std::mem::size_of::<Span>());
        assert!(std::mem::size_of::<Relation>() <= 128, "{}", std::mem::size_of::<Relation>());
    }
}
