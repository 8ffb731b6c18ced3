//! The core's contract, tested beside it: every edit applied then inverted
//! gives back the store exactly (as its file would be written), undo and
//! redo stop at their ends and keep track of unsaved changes, and the
//! relation draft moves role by role with the schema's rules.

use super::draft::{Draft, Step};
use super::testkit::*;
use super::*;

/// A store with something of everything: spans (one linked, one in a
/// relation as evidence), an entity, relations.
fn worked() -> (Store, [SpanId; 5], EntityId, RelationId) {
    worked_in(Schema::default_news())
}

fn worked_in(schema: Schema) -> (Store, [SpanId; 5], EntityId, RelationId) {
    let text = Text::new("Rusia memasok senjata ke Korut, kata Peskov kepada BBC.\n");
    let mut s = Store::new(text, schema, DocMeta::default());
    let ru = span(&mut s, "Country", "Rusia");
    let nk = span(&mut s, "Country", "Korut");
    let claim = span(&mut s, "Claim", "Rusia memasok senjata ke Korut");
    let cue = span(&mut s, "Cue", "kata");
    let peskov = span(&mut s, "Person", "Peskov");
    let russia = entity(&mut s, "Russia", "Country");
    let mut linked = s.span(ru).cloned().expect("span");
    linked.entity = Some(russia);
    s.apply(Edit::ReplaceSpan(linked)).expect("link");
    relation(&mut s, "said_by", &[("claim", Target::Span(claim)), ("source", Target::Span(peskov))], &[]);
    let transfer = relation(
        &mut s,
        "arms_transfer",
        &[("supplier", Target::Entity(russia)), ("recipient", Target::Span(nk))],
        &[claim],
    );
    (s, [ru, nk, claim, cue, peskov], russia, transfer)
}

/// The store's content as its file is written, without the id counter
/// (which never goes back: an id is not reused after an undo).
fn content(s: &Store) -> String {
    snapshot(s).lines().filter(|l| !l.trim_start().starts_with("next_id:")).collect::<Vec<_>>().join("\n")
}

/// Applies `edit`, checks it changed the store, applies the inverse and
/// checks the store is back exactly (the id counter never goes back); then
/// redoes and checks it equals the first application.
fn round_trip(name: &str, edit: Edit) {
    let (mut s, ..) = worked();
    let (before, ids) = (content(&s), s.next_id());
    let inverse = s.apply(edit).unwrap_or_else(|e| panic!("{name}: {e}"));
    let after = content(&s);
    assert_ne!(before, after, "{name} changed nothing");
    let redo = s.apply(inverse).unwrap_or_else(|e| panic!("{name} inverse: {e}"));
    assert!(content(&s) == before, "{name}: the inverse did not restore the store");
    assert!(s.next_id() >= ids, "{name}: the id counter went back");
    s.apply(redo).unwrap_or_else(|e| panic!("{name} redo: {e}"));
    assert!(content(&s) == after, "{name}: applying the inverse's inverse is not the edit");
}

#[test]
fn every_edit_applied_then_inverted_restores_the_store_exactly() {
    let (mut s, [ru, nk, claim, _, peskov], russia, transfer) = worked();
    let id = s.alloc_id();
    let new_span = Span::new(
        SpanId(id),
        s.schema().label_index("Location").expect("label") as u16,
        [ByteRange { start: 47, end: 50 }].into_iter().collect(),
        Provenance::new("t", T0),
    );
    let mut relabelled = s.span(nk).cloned().expect("span");
    relabelled.label = s.schema().label_index("Organization").expect("label") as u16;
    let new_entity = Entity {
        id: EntityId(s.alloc_id()),
        name: "Korea Utara".into(),
        kind: "Country".into(),
        aliases: vec!["Korut".into()],
        external_id: Some("Q423".into()),
        note: None,
        provenance: Provenance::new("t", T0),
    };
    let mut renamed = s.entity(russia).cloned().expect("entity");
    renamed.aliases.push("Moskow".into());
    let new_rel = {
        let kind = s.schema().relation_index("about").expect("about") as u16;
        let args = vec![
            RoleArg { role: "claim".into(), target: Target::Span(claim) },
            RoleArg { role: "subject".into(), target: Target::Span(peskov) },
        ];
        Relation::new(RelationId(s.alloc_id()), kind, args, Provenance::new("t", T0))
    };
    let mut changed_rel = s.relation(transfer).cloned().expect("relation");
    changed_rel.evidence.clear();
    let cases = vec![
        ("AddSpan", Edit::AddSpan(new_span.clone())),
        ("RemoveSpan (cascading to its relations)", Edit::RemoveSpan(claim)),
        ("RemoveSpan (linked)", Edit::RemoveSpan(ru)),
        ("ReplaceSpan", Edit::ReplaceSpan(relabelled)),
        ("AddEntity", Edit::AddEntity(new_entity.clone())),
        ("RemoveEntity (unlinking, cascading)", Edit::RemoveEntity(russia)),
        ("ReplaceEntity", Edit::ReplaceEntity(renamed)),
        ("AddRelation", Edit::AddRelation(new_rel.clone())),
        ("RemoveRelation", Edit::RemoveRelation(transfer)),
        ("ReplaceRelation", Edit::ReplaceRelation(changed_rel)),
        ("SetDocState", Edit::SetDocState(DocState::Done)),
        ("RejectSuggestion", Edit::RejectSuggestion(ByteRange { start: 47, end: 50 }, 0)),
        (
            "Reject, unreject, reject another",
            Edit::Batch(vec![
                Edit::RejectSuggestion(ByteRange { start: 47, end: 50 }, 0),
                Edit::UnrejectSuggestion(ByteRange { start: 47, end: 50 }, 0),
                Edit::RejectSuggestion(ByteRange { start: 47, end: 50 }, 1),
            ]),
        ),
        ("Batch", Edit::Batch(vec![Edit::AddSpan(new_span), Edit::AddEntity(new_entity), Edit::RemoveSpan(nk)])),
    ];
    // Every variant is covered (the match fails to compile when one is added).
    for (_, e) in &cases {
        match e {
            Edit::AddSpan(_)
            | Edit::RemoveSpan(_)
            | Edit::ReplaceSpan(_)
            | Edit::AddEntity(_)
            | Edit::RemoveEntity(_)
            | Edit::ReplaceEntity(_)
            | Edit::AddRelation(_)
            | Edit::RemoveRelation(_)
            | Edit::ReplaceRelation(_)
            | Edit::SetDocState(_)
            | Edit::RejectSuggestion(..)
            | Edit::UnrejectSuggestion(..)
            | Edit::Batch(_) => {}
        }
    }
    for (name, edit) in cases {
        round_trip(name, edit);
    }
}

#[test]
fn a_refused_edit_changes_nothing_and_a_failing_batch_is_all_or_nothing() {
    let (mut s, [_, nk, ..], ..) = worked();
    let before = snapshot(&s);
    assert!(s.apply(Edit::RemoveSpan(SpanId(9_999))).is_err());
    assert!(s.apply(Edit::Batch(vec![Edit::RemoveSpan(nk), Edit::RemoveSpan(SpanId(9_999))])).is_err());
    assert_eq!(snapshot(&s), before);
}

#[test]
fn undo_and_redo_stop_at_their_ends_and_track_unsaved_changes() {
    let (mut s, [ru, nk, ..], ..) = worked();
    let start = snapshot(&s);
    let mut h = History::default();
    assert!(!h.is_dirty());
    assert_eq!(h.undo(&mut s).expect("undo"), None, "nothing to undo at the start");
    assert_eq!(h.redo(&mut s).expect("redo"), None, "nothing to redo at the start");
    h.apply(&mut s, Edit::RemoveSpan(nk), "remove Korut").expect("apply");
    let one = snapshot(&s);
    h.apply(&mut s, Edit::SetDocState(DocState::Done), "done").expect("apply");
    assert!(h.is_dirty());
    h.mark_saved(h.generation());
    assert!(!h.is_dirty());
    assert_eq!(h.undo(&mut s).expect("undo").as_deref(), Some("done"));
    assert!(h.is_dirty(), "undoing past the save is a change");
    assert_eq!(snapshot(&s), one);
    assert_eq!(h.redo(&mut s).expect("redo").as_deref(), Some("done"));
    assert!(!h.is_dirty(), "redoing back to the saved state is clean");
    assert_eq!(h.undo(&mut s).expect("undo").as_deref(), Some("done"));
    assert_eq!(h.undo(&mut s).expect("undo").as_deref(), Some("remove Korut"));
    assert_eq!(h.undo(&mut s).expect("undo"), None);
    assert_eq!(snapshot(&s), start);
    // A new edit after undoing drops what could be redone.
    h.apply(&mut s, Edit::RemoveSpan(ru), "remove Rusia").expect("apply");
    assert!(!h.can_redo());
    assert_eq!(h.redo(&mut s).expect("redo"), None);
    assert_eq!(h.undo_summary(), Some("remove Rusia"));
}

#[test]
fn a_draft_fills_roles_in_order_skips_optional_ones_and_refuses_with_the_rule() {
    let (mut s, [ru, nk, claim, cue, peskov], russia, _) = worked();
    let said_by = s.schema().relation_index("said_by").expect("said_by") as u16;
    // No relation type takes a cue as its origin? said_by does (as cue).
    let mut d = Draft::start(&s, Target::Span(claim)).expect("a claim starts relations");
    assert_eq!(d.choose_kind(&s, said_by), Step::Continue);
    assert_eq!(d.args.len(), 1, "the origin fills the claim role");
    assert_eq!(d.relation_type(&s).map(|r| r.roles[d.role].name.as_str()), Some("source"));
    assert!(d.candidates(&s).contains(&peskov));
    let refused = d.pick(&s, Target::Span(nk)).expect_err("a country is no source");
    assert!(refused.contains("cannot be the source of said_by") && refused.contains("goes from Claim"), "{refused}");
    assert_eq!(d.pick(&s, Target::Span(peskov)), Ok(Step::Continue));
    // The cue is optional: Enter skips it and, with no evidence, completes.
    assert_eq!(d.next(&s), Ok(Step::Complete));
    let rel = d.clone().into_relation(RelationId(s.alloc_id()), Provenance::new("t", T0)).expect("typed");
    assert_eq!(rel.args.iter().map(|a| a.role.as_str()).collect::<Vec<_>>(), ["claim", "source"]);

    // arms_transfer: required roles refuse Enter; evidence comes last.
    let transfer = s.schema().relation_index("arms_transfer").expect("type") as u16;
    let mut d = Draft::start(&s, Target::Entity(russia)).expect("an entity starts relations");
    d.choose_kind(&s, transfer);
    let needs = d.next(&s).expect_err("the recipient is required");
    assert!(needs.starts_with("arms_transfer needs a recipient"), "{needs}");
    assert_eq!(d.pick(&s, Target::Span(nk)), Ok(Step::Continue));
    assert_eq!(d.next(&s), Ok(Step::Continue), "the item is optional: now evidence");
    assert!(d.pick(&s, Target::Span(cue)).expect_err("a cue is no evidence").contains("evidence must be Claim"));
    assert_eq!(d.pick(&s, Target::Span(claim)), Ok(Step::Continue));
    assert_eq!(d.pick(&s, Target::Span(claim)), Ok(Step::Continue), "evidence is kept once");
    assert_eq!(d.evidence, [claim]);
    assert_eq!(d.next(&s), Ok(Step::Complete));
    let _ = ru;
}

#[test]
fn attribution_finds_the_relation_type_by_its_roles() {
    use super::attribution::{Attribution, attribute};
    let mut s = store("Moskow tidak mengirim senjata, kata Peskov. Dilansir BBC.\n");
    let claim = span(&mut s, "Claim", "Moskow tidak mengirim senjata");
    span(&mut s, "Cue", "kata");
    span(&mut s, "Source", "Peskov");
    let cue_first = attribute(&mut s, claim, Attribution::Cue, "t", T0).expect_err("no source yet");
    assert!(cue_first.contains("Assign a source"), "{cue_first}");
    let (edit, summary) = attribute(&mut s, claim, Attribution::Source, "t", T0).expect("a source");
    assert!(summary.starts_with("source of Claim"), "{summary}");
    s.apply(edit).expect("apply");
    let (edit, _) = attribute(&mut s, claim, Attribution::Cue, "t", T0).expect("a cue");
    s.apply(edit).expect("apply");
    let said_by: Vec<&str> = s.claim_relations(claim, "said_by")[0].args.iter().map(|a| a.role.as_str()).collect();
    assert_eq!(said_by, ["claim", "source", "cue"]);
}

/// `worked` with Peskov denying the arms transfer, and denying that denial:
/// relations whose arguments are relations (issue #21).
fn nested() -> (Store, [SpanId; 5], RelationId, RelationId, RelationId) {
    let (mut s, spans, _, transfer) = worked_in(schema_with_denies());
    let peskov = spans[4];
    let denies =
        relation(&mut s, "denies", &[("speaker", Target::Span(peskov)), ("denied", Target::Relation(transfer))], &[]);
    let again =
        relation(&mut s, "denies", &[("speaker", Target::Span(peskov)), ("denied", Target::Relation(denies))], &[]);
    (s, spans, transfer, denies, again)
}

#[test]
fn removing_what_a_relation_about_a_relation_uses_cascades_and_one_undo_restores_all() {
    for (name, pick) in [("the recipient span", 0), ("the transfer", 1), ("the first denial", 2)] {
        let (mut s, [_, nk, ..], transfer, denies, again) = nested();
        let before = content(&s);
        let edit = match pick {
            0 => Edit::RemoveSpan(nk),
            1 => Edit::RemoveRelation(transfer),
            _ => Edit::RemoveRelation(denies),
        };
        let inverse = s.apply(edit).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Everything above what was removed went with it.
        assert!(s.relation(again).is_none() && s.relation(denies).is_none(), "{name}");
        assert_eq!(s.relation(transfer).is_some(), pick == 2, "{name}");
        assert!(s.relations_using(Target::Relation(denies)).is_empty(), "{name}: the index forgot it");
        s.apply(inverse).unwrap_or_else(|e| panic!("{name} undo: {e}"));
        assert!(content(&s) == before, "{name}: one undo restores every relation");
    }
    // A span used by a relation and by the relation that uses it: removing
    // it removes both once (the cascade does not trip over the second).
    let (mut s, [.., peskov], transfer, denies, again) = nested();
    let before = content(&s);
    let inverse = s.apply(Edit::RemoveSpan(peskov)).expect("remove Peskov");
    assert!(s.relation(denies).is_none() && s.relation(again).is_none() && s.relation(transfer).is_some());
    s.apply(inverse).expect("undo");
    assert!(content(&s) == before);
}

#[test]
fn a_relation_never_reaches_itself_and_roles_take_only_the_relation_types_they_name() {
    let (mut s, [_, _, claim, _, peskov], transfer, denies, again) = nested();
    let before = content(&s);
    // The first denial made to deny the second, which denies the first.
    let mut cyclic = s.relation(denies).cloned().expect("denial");
    cyclic.args[1].target = Target::Relation(again);
    let refused = s.apply(Edit::ReplaceRelation(cyclic)).expect_err("a cycle");
    assert!(refused.to_string().contains("cannot form a cycle"), "{refused}");
    let mut own = s.relation(again).cloned().expect("denial");
    own.args[1].target = Target::Relation(again);
    assert!(s.apply(Edit::ReplaceRelation(own)).is_err(), "a relation is not its own argument");
    // `denied` names arms_transfer and denies; said_by is neither.
    let said = s.relations_using(Target::Span(claim)).into_iter().find(|r| *r != transfer).expect("said_by");
    let kind = s.schema().relation_index("denies").expect("denies") as u16;
    let args = vec![
        RoleArg { role: "speaker".into(), target: Target::Span(peskov) },
        RoleArg { role: "denied".into(), target: Target::Relation(said) },
    ];
    let id = RelationId(s.alloc_id());
    let wrong = s
        .apply(Edit::AddRelation(Relation::new(id, kind, args, Provenance::new("t", T0))))
        .expect_err("said_by is not deniable here");
    assert!(wrong.to_string().contains("cannot be the denied of denies"), "{wrong}");
    assert!(content(&s) == before, "refused edits change nothing");
    // A relation stands at its first argument (or trigger) for arcs and
    // exports: the denial of the denial at Peskov.
    assert_eq!(s.first_mention(Target::Relation(again)), Some(peskov));
}

/// The spans in text order (the annotation list, review steps, re-anchoring)
/// read from the range indexes give exactly what sorting every span by its
/// extent gives: by start, longest first, then by id; spans of several
/// ranges once, where their extent starts; ranges over 4 KB included.
mod text_order {
    use super::*;
    use proptest::prelude::*;

    fn reference(s: &Store) -> Vec<SpanId> {
        let mut v: Vec<(u32, std::cmp::Reverse<u32>, SpanId)> = s
            .spans()
            .map(|sp| {
                let e = sp.extent();
                (e.start, std::cmp::Reverse(e.end), sp.id)
            })
            .collect();
        v.sort_unstable();
        v.into_iter().map(|x| x.2).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn equals_sorting_every_span(
            spans in prop::collection::vec(
                (0usize..9000, prop::collection::vec((0usize..60, 1usize..5000), 1..4)),
                0..160,
            )
        ) {
            let text = Text::new("ab ".repeat(3000) + &"é".repeat(2000));
            let len = text.len();
            let mut s = Store::new(text, Schema::default_news(), DocMeta::default());
            for (start, parts) in spans {
                // Fragments after one another from `start`, on char boundaries.
                let mut at = start.min(len - 1);
                let mut ranges = Ranges::new();
                for (gap, width) in parts {
                    let a = s.text().grapheme_floor((at + gap).min(len - 1));
                    let b = s.text().grapheme_floor((a + width).min(len));
                    if b > a && ranges.last().is_none_or(|r: &ByteRange| r.end() < a) {
                        ranges.push(ByteRange::new(a, b));
                        at = b + 1;
                    }
                }
                if ranges.is_empty() {
                    continue;
                }
                let id = SpanId(s.alloc_id());
                let _ = s.apply(Edit::AddSpan(Span::new(id, 0, ranges, Provenance::shared(Name::from("t"), Timestamp(0)))));
            }
            prop_assert_eq!(s.spans_in_text_order(), reference(&s));
        }
    }
}
