//! Review rules that hold whatever shows them: what a document opened for
//! review (read-only) accepts.

use super::{Edit, Store};

/// Whether `edit` only records review decisions or notes (all a read-only
/// document accepts).
pub fn review_only(store: &Store, edit: &Edit) -> bool {
    match edit {
        Edit::ReplaceSpan(new) => store.span(new.id).is_some_and(|old| {
            let mut same = old.clone();
            same.review = new.review.clone();
            same.note.clone_from(&new.note);
            same.provenance.modified = new.provenance.modified;
            same == *new
        }),
        Edit::ReplaceRelation(new) => store.relation(new.id).is_some_and(|old| {
            let mut same = old.clone();
            same.review = new.review.clone();
            same.note.clone_from(&new.note);
            same.provenance.modified = new.provenance.modified;
            same == *new
        }),
        Edit::SetDocState(_) => true,
        Edit::Batch(all) => all.iter().all(|e| review_only(store, e)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ReviewStatus, Timestamp};

    #[test]
    fn a_review_decision_is_review_only_and_a_relabel_is_not() {
        let mut store = crate::fixture::store(2_000, 5, 0, 1);
        let id = store.spans().next().map(|s| s.id).expect("a span");
        let mut decided = store.span(id).cloned().expect("the span");
        decided.review.status = ReviewStatus::Accepted;
        decided.note = Some(Box::new("checked".into()));
        decided.provenance.modified = Timestamp(decided.provenance.modified.0 + 5);
        assert!(review_only(&store, &Edit::ReplaceSpan(decided.clone())));
        assert!(review_only(&store, &Edit::Batch(vec![Edit::ReplaceSpan(decided.clone())])));
        let mut moved = decided.clone();
        moved.label = moved.label.wrapping_add(1);
        assert!(!review_only(&store, &Edit::ReplaceSpan(moved.clone())));
        assert!(!review_only(&store, &Edit::Batch(vec![Edit::ReplaceSpan(decided), Edit::ReplaceSpan(moved)])));
        assert!(!review_only(&store, &Edit::RemoveSpan(id)));
        let _ = &mut store;
    }
}
