//! Review rules that hold whatever shows them: the order and filters of
//! review mode, and what a document opened for review (read-only) accepts.

use super::{Edit, RelationId, ReviewStatus, Span, SpanId, Store};

/// What review mode steps through: spans and relations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewItem {
    Span(SpanId),
    Relation(RelationId),
}

/// Which annotations review steps through, in which order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewFilter {
    /// Step by label (then text order) instead of text order.
    pub by_label: bool,
    pub status: Option<ReviewStatus>,
    /// Only spans of this label (relations are left out then).
    pub label: Option<u16>,
    /// Step through relations too (each where its first span is).
    pub relations: bool,
    /// Only spans accepted from suggestions (relations: those that use one).
    pub suggested: bool,
}

impl Default for ReviewFilter {
    fn default() -> Self {
        Self { by_label: false, status: None, label: None, relations: true, suggested: false }
    }
}

impl ReviewFilter {
    /// The annotations to review: spans in text order (or by label), each
    /// relation where its earliest argument or evidence starts (after all
    /// spans when by label), ties broken by id.
    pub fn order(&self, store: &Store) -> Vec<ReviewItem> {
        let status_ok = |st: ReviewStatus| self.status.is_none_or(|want| st == want);
        // (label order, position, 0 for spans / 1 for relations, item)
        let mut keyed: Vec<(u32, usize, u8, ReviewItem)> = store
            .spans_in_text_order()
            .into_iter()
            .filter_map(|id| store.span(id))
            .filter(|s| status_ok(s.review.status) && self.label.is_none_or(|l| s.label == l))
            .filter(|s| !self.suggested || s.suggested.is_some())
            .map(|s| (if self.by_label { u32::from(s.label) } else { 0 }, s.start(), 0, ReviewItem::Span(s.id)))
            .collect();
        if self.relations && self.label.is_none() {
            let uses_suggested = |rel: &&crate::model::Relation| {
                rel.args.iter().any(|a| match a.target {
                    crate::model::Target::Span(id) => store.span(id).is_some_and(|s| s.suggested.is_some()),
                    crate::model::Target::Entity(_) | crate::model::Target::Relation(_) => false,
                })
            };
            for rel in store
                .relations()
                .filter(|rel| status_ok(rel.review.status))
                .filter(|rel| !self.suggested || uses_suggested(rel))
            {
                let at = rel
                    .args
                    .iter()
                    .filter_map(|a| store.target_start(a.target))
                    .chain(rel.evidence.iter().filter_map(|e| store.span(*e).map(Span::start)))
                    .min()
                    .unwrap_or(usize::MAX);
                let group = if self.by_label { u32::MAX } else { 0 };
                keyed.push((group, at, 1, ReviewItem::Relation(rel.id)));
            }
        }
        keyed.sort_by_key(|(g, at, kind, item)| {
            (
                *g,
                *at,
                *kind,
                match item {
                    ReviewItem::Span(id) => id.0,
                    ReviewItem::Relation(id) => id.0,
                },
            )
        });
        keyed.into_iter().map(|(.., item)| item).collect()
    }
}

/// Whether `edit` only records review decisions and review notes (all a
/// read-only document accepts; the annotator's own note is not the
/// reviewer's to change).
pub fn review_only(store: &Store, edit: &Edit) -> bool {
    match edit {
        Edit::ReplaceSpan(new) => store.span(new.id).is_some_and(|old| {
            let mut same = old.clone();
            same.review = new.review.clone();
            same == *new
        }),
        Edit::ReplaceRelation(new) => store.relation(new.id).is_some_and(|old| {
            let mut same = old.clone();
            same.review = new.review.clone();
            same == *new
        }),
        Edit::SetDocState(_) => true,
        // Rejecting a suggestion is a review decision on what is not there.
        Edit::RejectSuggestion(..) | Edit::UnrejectSuggestion(..) => true,
        Edit::Batch(all) => all.iter().all(|e| review_only(store, e)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Target;
    use crate::model::testkit::{relation, span, store};

    #[test]
    fn review_steps_through_spans_in_text_order_with_relations_where_they_start() {
        let mut s = store("Korut dan Rusia, kata Peskov.\n");
        let rusia = span(&mut s, "Country", "Rusia");
        let korut = span(&mut s, "Country", "Korut");
        let peskov = span(&mut s, "Person", "Peskov");
        let transfer = relation(
            &mut s,
            "arms_transfer",
            &[("supplier", Target::Span(rusia)), ("recipient", Target::Span(korut))],
            &[],
        );
        let all = ReviewFilter::default();
        use ReviewItem::{Relation as R, Span as S};
        assert_eq!(all.order(&s), [S(korut), R(transfer), S(rusia), S(peskov)]);
        let person = s.schema().label_index("Person").map(|l| l as u16);
        assert_eq!(ReviewFilter { label: person, ..all.clone() }.order(&s), [S(peskov)]);
        assert_eq!(ReviewFilter { relations: false, ..all.clone() }.order(&s), [S(korut), S(rusia), S(peskov)]);
        let mut accepted = s.span(rusia).cloned().expect("span");
        accepted.review.status = ReviewStatus::Accepted;
        s.apply(Edit::ReplaceSpan(accepted)).expect("apply");
        let todo = ReviewFilter { status: Some(ReviewStatus::Unreviewed), ..all.clone() };
        assert_eq!(todo.order(&s), [S(korut), R(transfer), S(peskov)]);
        // By label, in the schema's label order (Person before Country), relations last.
        assert_eq!(
            ReviewFilter { by_label: true, ..all.clone() }.order(&s),
            [S(peskov), S(korut), S(rusia), R(transfer)]
        );
        // What was accepted from suggestions, and the relations using it.
        let from_suggestions = ReviewFilter { suggested: true, ..all.clone() };
        assert!(from_suggestions.order(&s).is_empty());
        let mut suggested = s.span(korut).cloned().expect("span");
        suggested.suggested =
            Some(Box::new(crate::model::Suggested { source: "dictionary".into(), version: "v".into(), score: 1000 }));
        s.apply(Edit::ReplaceSpan(suggested)).expect("apply");
        assert_eq!(from_suggestions.order(&s), [S(korut), R(transfer)]);
    }

    #[test]
    fn a_review_decision_is_review_only_and_a_relabel_is_not() {
        let mut store = crate::fixture::store(2_000, 5, 0, 1);
        let id = store.spans().next().map(|s| s.id).expect("a span");
        let mut decided = store.span(id).cloned().expect("the span");
        decided.review.status = ReviewStatus::Accepted;
        decided.review.note = Some(Box::new("checked".into()));
        assert!(review_only(&store, &Edit::ReplaceSpan(decided.clone())));
        // The annotator's own note is not the reviewer's to change.
        let mut noted = decided.clone();
        noted.note = Some(Box::new("mine".into()));
        assert!(!review_only(&store, &Edit::ReplaceSpan(noted)));
        assert!(review_only(&store, &Edit::Batch(vec![Edit::ReplaceSpan(decided.clone())])));
        let mut moved = decided.clone();
        moved.label = moved.label.wrapping_add(1);
        assert!(!review_only(&store, &Edit::ReplaceSpan(moved.clone())));
        assert!(!review_only(&store, &Edit::Batch(vec![Edit::ReplaceSpan(decided), Edit::ReplaceSpan(moved)])));
        assert!(!review_only(&store, &Edit::RemoveSpan(id)));
        let _ = &mut store;
    }
}
