//! Building stores in unit tests of the model: a text with the bundled
//! schema, spans found by their text.

use super::*;

pub(crate) const T0: Timestamp = Timestamp(1_700_000_000);

/// An empty store on `text` with the bundled news schema.
pub(crate) fn store(text: &str) -> Store {
    Store::new(Text::new(text), Schema::default_news(), DocMeta::default())
}

/// Adds a span labelled `label` over the first `needle` after `after`.
pub(crate) fn span(store: &mut Store, label: &str, needle: &str) -> SpanId {
    let start = store.text().as_str().find(needle).expect("needle in the text");
    let range = ByteRange { start: start as u32, end: (start + needle.len()) as u32 };
    let id = SpanId(store.alloc_id());
    let label = store.schema().label_index(label).expect("label") as u16;
    let s = Span::new(id, label, [range].into_iter().collect(), Provenance::new("t", T0));
    store.apply(Edit::AddSpan(s)).expect("add span");
    id
}

/// Adds a span labelled `label` over bytes `start..end`.
pub(crate) fn span_at(store: &mut Store, label: &str, start: usize, end: usize) -> SpanId {
    let id = SpanId(store.alloc_id());
    let label = store.schema().label_index(label).expect("label") as u16;
    let s = Span::new(id, label, [ByteRange::new(start, end)].into_iter().collect(), Provenance::new("t", T0));
    store.apply(Edit::AddSpan(s)).expect("add span");
    id
}

pub(crate) fn entity(store: &mut Store, name: &str, kind: &str) -> EntityId {
    let id = EntityId(store.alloc_id());
    let e = Entity {
        id,
        name: name.into(),
        kind: kind.into(),
        aliases: Vec::new(),
        external_id: None,
        note: None,
        provenance: Provenance::new("t", T0),
    };
    store.apply(Edit::AddEntity(e)).expect("add entity");
    id
}

pub(crate) fn relation(store: &mut Store, kind: &str, args: &[(&str, Target)], evidence: &[SpanId]) -> RelationId {
    let id = RelationId(store.alloc_id());
    let kind = store.schema().relation_index(kind).expect("relation type") as u16;
    let args = args.iter().map(|(r, t)| RoleArg { role: (*r).into(), target: *t }).collect();
    let mut rel = Relation::new(id, kind, args, Provenance::new("t", T0));
    rel.evidence = evidence.to_vec();
    store.apply(Edit::AddRelation(rel)).expect("add relation");
    id
}

/// The store as its file would be written: equal strings, equal stores.
pub(crate) fn snapshot(store: &Store) -> String {
    crate::io::ronfile::to_ron_string(store)
}

/// The bundled schema with `denies`: a speaker denies an arms transfer or
/// another denial (a relation whose argument is a relation, issue #21).
pub(crate) fn schema_with_denies() -> Schema {
    let mut schema = Schema::default_news();
    let role = |name: &str, accepts: &[&str]| RoleDef {
        name: name.into(),
        accepts: accepts.iter().map(|a| (*a).to_owned()).collect(),
        optional: false,
        many: false,
    };
    schema.relation_types.push(RelationTypeDef {
        name: "denies".into(),
        hotkey: None,
        description: String::new(),
        symmetric: false,
        roles: vec![role("speaker", &["Person"]), role("denied", &["arms_transfer", "denies"])],
        evidence: Vec::new(),
        attributes: Vec::new(),
    });
    schema
}
