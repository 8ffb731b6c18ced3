//! The edit that turns one store into another of the same text and labels,
//! so that replacing what is open (restoring unsaved work from a recovery
//! file) is one step that Ctrl+Z takes back.

use std::collections::BTreeSet;

use super::annotation::*;
use super::store::{Edit, Store, relation_depth};
use super::text::ByteRange;

/// The edit that makes `from` equal to `to` in spans, entities, relations,
/// rejected suggestions and state; `None` when they differ in what edits
/// cannot change (text, schema, the document's other details).
pub fn edit_to(from: &Store, to: &Store) -> Option<Edit> {
    if from.text() != to.text() || from.schema() != to.schema() {
        return None;
    }
    let (mut a, mut b) = (from.meta.clone(), to.meta.clone());
    a.state = b.state;
    if a != b {
        return None;
    }
    b.state = to.meta.state;
    let mut edits = Vec::new();
    // Relations that go or change: removed first, users before the
    // relations they use (a removal takes its users with it).
    let mut gone: Vec<&Relation> = from.relations().filter(|r| to.relation(r.id) != Some(*r)).collect();
    gone.sort_by_key(|r| std::cmp::Reverse(relation_depth(r, |id| from.relation(id))));
    let removed: BTreeSet<RelationId> = gone.iter().map(|r| r.id).collect();
    edits.extend(gone.iter().map(|r| Edit::RemoveRelation(r.id)));
    edits.extend(from.spans().filter(|s| to.span(s.id).is_none()).map(|s| Edit::RemoveSpan(s.id)));
    edits.extend(from.entities().filter(|e| to.entity(e.id).is_none()).map(|e| Edit::RemoveEntity(e.id)));
    for e in to.entities() {
        match from.entity(e.id) {
            None => edits.push(Edit::AddEntity(e.clone())),
            Some(old) if old != e => edits.push(Edit::ReplaceEntity(e.clone())),
            Some(_) => {}
        }
    }
    for s in to.spans() {
        match from.span(s.id) {
            None => edits.push(Edit::AddSpan(s.clone())),
            Some(old) if old != s => edits.push(Edit::ReplaceSpan(s.clone())),
            Some(_) => {}
        }
    }
    // Relations that come or changed: the relations they use first.
    let mut come: Vec<&Relation> =
        to.relations().filter(|r| from.relation(r.id).is_none() || removed.contains(&r.id)).collect();
    come.sort_by_key(|r| relation_depth(r, |id| to.relation(id)));
    edits.extend(come.into_iter().map(|r| Edit::AddRelation(r.clone())));
    let had: BTreeSet<(ByteRange, u16)> = from.rejected().collect();
    let has: BTreeSet<(ByteRange, u16)> = to.rejected().collect();
    edits.extend(has.difference(&had).map(|&(r, l)| Edit::RejectSuggestion(r, l)));
    edits.extend(had.difference(&has).map(|&(r, l)| Edit::UnrejectSuggestion(r, l)));
    if from.meta.state != to.meta.state {
        edits.push(Edit::SetDocState(to.meta.state));
    }
    Some(Edit::Batch(edits))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generated store and another version of it (spans removed with
    /// their relations, labels changed, spans added, an entity made and
    /// linked, a suggestion rejected, another state): the edit makes the
    /// one the other, and its inverse makes it the first again.
    #[test]
    fn the_edit_turns_one_store_into_the_other_and_back() {
        use crate::model::{DocState, Timestamp};
        for seed in [1_u64, 2, 3] {
            let mut from = crate::fixture::store(30_000, 200, 30, seed);
            let mut to = from.clone();
            let labels = to.schema().labels.len() as u16;
            let spans: Vec<Span> = to.spans().cloned().collect();
            for (k, sp) in spans.iter().enumerate() {
                match k % 7 {
                    0 => drop(to.apply(Edit::RemoveSpan(sp.id))),
                    1 => {
                        let mut other = sp.clone();
                        other.label = (sp.label + 1) % labels;
                        drop(to.apply(Edit::ReplaceSpan(other)));
                    }
                    2 => {
                        let mut more = sp.clone();
                        more.id = SpanId(to.alloc_id());
                        more.label = (sp.label + 2) % labels;
                        drop(to.apply(Edit::AddSpan(more)));
                    }
                    _ => {}
                }
            }
            let country = to.schema().label_index("Country").unwrap_or(0) as u16;
            let id = EntityId(to.alloc_id());
            let e = Entity {
                id,
                name: "Russia".into(),
                kind: "Country".into(),
                aliases: vec!["Rusia".into()],
                external_id: Some("Q159".into()),
                note: None,
                provenance: Provenance::new("t", Timestamp(1)),
            };
            to.apply(Edit::AddEntity(e)).unwrap_or_else(|e| panic!("{e}"));
            let mention = to.spans().find(|s| s.label == country).cloned();
            if let Some(mut sp) = mention {
                sp.entity = Some(id);
                to.apply(Edit::ReplaceSpan(sp)).unwrap_or_else(|e| panic!("{e}"));
            }
            let first = to.spans().next().map(|s| (s.extent(), s.label));
            if let Some((r, l)) = first {
                to.apply(Edit::RejectSuggestion(r, l)).unwrap_or_else(|e| panic!("{e}"));
            }
            to.apply(Edit::SetDocState(DocState::Done)).unwrap_or_else(|e| panic!("{e}"));
            assert!(to.relations().len() < from.relations().len(), "some relations went with their spans");
            let edit = edit_to(&from, &to).expect("same text and labels");
            let before = from.clone();
            let undo = from.apply(edit).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            assert!(from.spans().eq(to.spans()) && from.relations().eq(to.relations()), "seed {seed}");
            assert!(from.entities().eq(to.entities()) && from.rejected().eq(to.rejected()));
            assert_eq!(from.meta.state, to.meta.state);
            from.apply(undo).unwrap_or_else(|e| panic!("{e}"));
            assert!(from.spans().eq(before.spans()) && from.relations().eq(before.relations()));
            assert!(from.entities().eq(before.entities()) && from.rejected().eq(before.rejected()));
        }
        let other = crate::fixture::store(20_000, 10, 0, 9);
        let base = crate::fixture::store(30_000, 0, 0, 1);
        assert!(edit_to(&base, &other).is_none(), "another text");
    }
}
