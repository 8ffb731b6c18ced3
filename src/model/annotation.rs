//! Annotations: spans over the text, canonical entities, and relations.
//!
//! Ids are one counter per file (`next_id`), so `#12` names one thing, and
//! are never reused, not even after a delete is undone and redone.

use std::collections::BTreeMap;
use std::sync::Arc;

use smallvec::SmallVec;

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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        Timestamp(secs)
    }
}

/// Attribute values by attribute name (sorted, so files are deterministic).
pub type Attributes = BTreeMap<String, AttrValue>;

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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Review {
    pub status: ReviewStatus,
    pub reviewer: Option<Arc<str>>,
    pub reviewed: Option<Timestamp>,
}

/// Who made an annotation and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    pub author: Arc<str>,
    pub created: Timestamp,
    pub modified: Timestamp,
}

impl Provenance {
    pub fn new(author: &str, now: Timestamp) -> Self {
        Self::shared(author.into(), now)
    }
    /// With an author name shared between many annotations.
    pub fn shared(author: Arc<str>, now: Timestamp) -> Self {
        Self { author, created: now, modified: now }
    }
}

/// The byte ranges of a span: one for most spans, several for a
/// discontinuous one. Sorted, non-overlapping, non-adjacent.
pub type Ranges = SmallVec<[ByteRange; 1]>;

#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub id: SpanId,
    /// Index into the schema's labels.
    pub label: u16,
    pub ranges: Ranges,
    /// The canonical entity this mention refers to (coreference).
    pub entity: Option<EntityId>,
    pub attributes: Attributes,
    pub note: Option<String>,
    pub review: Review,
    pub provenance: Provenance,
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

/// What a relation's role points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Span(SpanId),
    Entity(EntityId),
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Span(id) => write!(f, "span {id}"),
            Target::Entity(id) => write!(f, "entity {id}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleArg {
    /// A role name of the relation type.
    pub role: String,
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
    pub note: Option<String>,
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
