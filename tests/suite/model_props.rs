//! Property tests for the core: offset conversions against `str` oracles,
//! random edit sequences against undo/redo, and save → load identity.

use crate::common;

use proptest::prelude::*;
use sorot::io;
use sorot::model::*;

/// Pieces that break naive offset code: curly quotes (3 bytes), flags
/// (8 bytes, 2 code points, 4 UTF-16 units), skin tones, combining marks,
/// Hangul, CRLF, a BOM character, plain ASCII.
const PIECES: &[&str] =
    &["a", "Rusia ", "“", "”", "🇰🇷", "👍🏽", "e\u{301}", "한국", "\r\n", "\n", "\u{feff}", "Ж", " ", "—", "😀"];

fn arb_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn offsets_match_str_oracles(s in arb_text(900)) {
        let t = Text::new(s.clone());
        for (b, _) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
            let chars = s[..b].chars().count();
            let units = s[..b].encode_utf16().count();
            prop_assert_eq!(t.byte_to_char(b), chars);
            prop_assert_eq!(t.byte_to_utf16(b), units);
            prop_assert_eq!(t.char_to_byte(chars), Some(b));
            prop_assert_eq!(t.utf16_to_byte(units), Some(b));
        }
        prop_assert_eq!(t.char_to_byte(s.chars().count() + 1), None);
        // Every UTF-16 index inside a surrogate pair maps to nothing.
        let mut u = 0;
        for c in s.chars() {
            if c.len_utf16() == 2 {
                prop_assert_eq!(t.utf16_to_byte(u + 1), None);
            }
            u += c.len_utf16();
        }
    }

    #[test]
    fn grapheme_snapping_lands_on_boundaries(s in arb_text(200), at in 0usize..2000) {
        use unicode_segmentation::UnicodeSegmentation;
        let t = Text::new(s.clone());
        let at = at.min(s.len());
        let boundaries: Vec<usize> = s.grapheme_indices(true).map(|(i, _)| i).chain([s.len()]).collect();
        let floor = t.grapheme_floor(at);
        let ceil = t.grapheme_ceil(at);
        prop_assert!(boundaries.contains(&floor) && boundaries.contains(&ceil));
        prop_assert!(floor <= at && at <= ceil);
        prop_assert!(!boundaries.iter().any(|&b| floor < b && b < ceil));
    }
}

#[derive(Clone, Debug)]
enum Op {
    AddSpan { label: usize, a: usize, b: usize },
    RemoveSpan(usize),
    Relabel(usize, usize),
    AddEntity(usize),
    Link(usize, usize),
    RemoveEntity(usize),
    SaidBy(usize, usize),
    Undo,
    Redo,
}

fn arb_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..10, 0usize..400, 0usize..400).prop_map(|(label, a, b)| Op::AddSpan { label, a, b }),
        1 => (0usize..64).prop_map(Op::RemoveSpan),
        1 => (0usize..64, 0usize..10).prop_map(|(s, l)| Op::Relabel(s, l)),
        1 => (0usize..3).prop_map(Op::AddEntity),
        2 => (0usize..64, 0usize..8).prop_map(|(s, e)| Op::Link(s, e)),
        1 => (0usize..8).prop_map(Op::RemoveEntity),
        2 => (0usize..64, 0usize..64).prop_map(|(a, b)| Op::SaidBy(a, b)),
        1 => Just(Op::Undo),
        1 => Just(Op::Redo),
    ]
}

const TEXT: &str =
    "“Putin memberi Kim senapan,” kata Dmitry Peskov. 🇰🇷 Korut 한국어 e\u{301}\nRusia dan Korea Utara 👍🏽 Moskow.\n";

fn fresh_store() -> Store {
    let meta = DocMeta { id: "prop".into(), encoding: "UTF-8".into(), ..DocMeta::default() };
    Store::new(Text::new(TEXT), Schema::default_news(), meta)
}

/// Applies one random op; refused edits are fine (they must leave the store unchanged).
fn run_op(store: &mut Store, history: &mut History, op: &Op) {
    let spans: Vec<SpanId> = store.spans().map(|s| s.id).collect();
    let entities: Vec<EntityId> = store.entities().map(|e| e.id).collect();
    let pick = |v: &[SpanId], i: usize| v.get(i % v.len().max(1)).copied();
    let edit = match op {
        Op::AddSpan { label, a, b } => {
            let t = store.text();
            let a = t.grapheme_floor(*a % (TEXT.len() + 1));
            let b = t.grapheme_ceil(*b % (TEXT.len() + 1));
            let (a, b) = (a.min(b), a.max(b));
            let id = SpanId(store.alloc_id());
            Edit::AddSpan(Span {
                id,
                label: *label as u16,
                ranges: [ByteRange::new(a, b)].into_iter().collect(),
                entity: None,
                attributes: Default::default(),
                note: None,
                review: Review::default(),
                provenance: Provenance::new("prop", common::T0),
                suggested: None,
            })
        }
        Op::RemoveSpan(i) => match pick(&spans, *i) {
            Some(id) => Edit::RemoveSpan(id),
            None => return,
        },
        Op::Relabel(i, l) => match pick(&spans, *i) {
            Some(id) => {
                let mut s = store.span(id).cloned().expect("span");
                s.label = *l as u16;
                s.attributes.clear();
                Edit::ReplaceSpan(s)
            }
            None => return,
        },
        Op::AddEntity(k) => Edit::AddEntity(Entity {
            id: EntityId(store.alloc_id()),
            name: ["Russia", "North Korea", "Peskov"][*k].into(),
            kind: ["Country", "Country", "Person"][*k].into(),
            aliases: vec![],
            external_id: None,
            note: None,
            provenance: Provenance::new("prop", common::T0),
        }),
        Op::Link(i, e) => match (pick(&spans, *i), entities.get(*e % entities.len().max(1))) {
            (Some(id), Some(&eid)) => {
                let mut s = store.span(id).cloned().expect("span");
                s.entity = Some(eid);
                Edit::ReplaceSpan(s)
            }
            _ => return,
        },
        Op::RemoveEntity(e) => match entities.get(*e % entities.len().max(1)) {
            Some(&eid) => Edit::RemoveEntity(eid),
            None => return,
        },
        Op::SaidBy(a, b) => match (pick(&spans, *a), pick(&spans, *b)) {
            (Some(a), Some(b)) => Edit::AddRelation(Relation {
                id: RelationId(store.alloc_id()),
                kind: store.schema().relation_index("said_by").expect("said_by") as u16,
                args: vec![
                    RoleArg { role: "claim".into(), target: Target::Span(a) },
                    RoleArg { role: "source".into(), target: Target::Span(b) },
                ],
                evidence: vec![],
                attributes: Default::default(),
                note: None,
                review: Review::default(),
                provenance: Provenance::new("prop", common::T0),
            }),
            _ => return,
        },
        Op::Undo => {
            history.undo(store).expect("undo never fails");
            return;
        }
        Op::Redo => {
            history.redo(store).expect("redo never fails");
            return;
        }
    };
    let before = store.clone();
    if history.apply(store, edit, "op").is_err() {
        // A refused edit changes nothing but the id counter.
        let mut expected = before;
        expected.reserve_ids_below(store.next_id());
        assert_eq!(*store, expected, "a refused edit changed the store");
    }
}

/// The store minus the id counter (which only ever grows).
fn same_content(a: &Store, b: &Store) -> bool {
    let mut b2 = b.clone();
    let mut a2 = a.clone();
    let n = a.next_id().max(b.next_id());
    a2.reserve_ids_below(n);
    b2.reserve_ids_below(n);
    a2 == b2
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn undo_all_returns_to_start_and_redo_all_to_end(ops in prop::collection::vec(arb_op(), 1..60)) {
        let mut store = fresh_store();
        let start = store.clone();
        let mut history = History::default();
        for op in &ops {
            run_op(&mut store, &mut history, op);
        }
        let end = store.clone();
        let mut undone = 0;
        while history.undo(&mut store).expect("undo").is_some() {
            undone += 1;
        }
        prop_assert!(same_content(&store, &start), "undo all did not return to start");
        prop_assert!(!history.is_dirty());
        for _ in 0..undone {
            history.redo(&mut store).expect("redo");
        }
        prop_assert!(same_content(&store, &end), "redo all did not return to end");
    }

    #[test]
    fn save_then_load_is_identity(ops in prop::collection::vec(arb_op(), 1..60)) {
        let mut store = fresh_store();
        let mut history = History::default();
        for op in &ops {
            run_op(&mut store, &mut history, op);
        }
        let ron = io::to_ron_string(&store);
        let (loaded, _) = io::from_ron_str(&ron).map_err(|e| TestCaseError::fail(format!("{e}\n{ron}")))?;
        prop_assert!(loaded == store, "loaded store differs");
        prop_assert_eq!(io::to_ron_string(&loaded), ron, "not deterministic");
    }
}

#[test]
fn removing_a_span_removes_its_relations_and_one_undo_restores_both() {
    let mut store = common::build_sample(&common::sample_article());
    let mut history = History::default();
    let before = store.clone();
    let peskov_source =
        store.spans().find(|s| store.quote(s) == "juru bicara Kremlin, Dmitry Peskov").map(|s| s.id).unwrap();
    let rels_before = store.relations().len();
    assert_eq!(store.relations_using_span(peskov_source).len(), 1);
    history.apply(&mut store, Edit::RemoveSpan(peskov_source), "delete source").unwrap();
    assert!(store.span(peskov_source).is_none());
    assert_eq!(store.relations().len(), rels_before - 1);
    assert_eq!(history.undo(&mut store).unwrap().as_deref(), Some("delete source"));
    assert!(store == before);
}

#[test]
fn removing_evidence_keeps_the_relation_and_removing_an_entity_unlinks_mentions() {
    let mut store = common::build_sample(&common::sample_article());
    let before = store.clone();
    let at = store.schema().relation_index("arms_transfer").unwrap() as u16;
    let transfer = store.relations().find(|r| r.kind == at && r.evidence.len() == 2).unwrap().clone();
    let inverse = store.apply(Edit::RemoveSpan(transfer.evidence[0])).unwrap();
    assert_eq!(store.relation(transfer.id).unwrap().evidence, vec![transfer.evidence[1]]);
    store.apply(inverse).unwrap();
    assert!(store == before);

    let russia = store.entities().find(|e| e.name == "Russia").unwrap().id;
    let inverse = store.apply(Edit::RemoveEntity(russia)).unwrap();
    assert!(store.mentions_of(russia).is_empty());
    assert!(!store.relations().any(|r| r.uses_entity(russia)));
    store.apply(inverse).unwrap();
    assert!(store == before);
}

#[test]
fn relation_rules_name_the_rule() {
    let mut store = common::build_sample(&common::sample_article());
    let cue = store.spans().find(|s| store.quote(s) == "kata").unwrap().id;
    let claim = store.spans().find(|s| store.label_name(s.label) == "Claim").unwrap().id;
    let mut b = common::Builder { store: &mut store, author: "t" };
    let err =
        b.relation("said_by", &[("claim", Target::Span(claim)), ("source", Target::Span(cue))], &[], &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "span #6 (Cue \"kata\") cannot be the source of said_by: said_by goes from Claim to Source, Person or Organization (cue: Cue, optional)"
    );
    let err = b.relation("said_by", &[("claim", Target::Span(claim))], &[], &[]).unwrap_err();
    assert!(err.to_string().starts_with("said_by needs a source"), "{err}");
    let err = b
        .relation("arms_transfer", &[("supplier", Target::Span(claim)), ("recipient", Target::Span(claim))], &[], &[])
        .unwrap_err();
    assert!(err.to_string().contains("cannot be the supplier of arms_transfer"), "{err}");
    // A role the type does not have is named as written (quoted).
    let err =
        b.relation("said_by", &[("claim", Target::Span(claim)), ("speaker", Target::Span(cue))], &[], &[]).unwrap_err();
    assert!(err.to_string().starts_with("said_by has no role \"speaker\": said_by goes from"), "{err}");
}

#[test]
fn bad_spans_are_refused() {
    let mut store = fresh_store();
    let mk = |store: &mut Store, ranges: Vec<ByteRange>, attrs: Vec<(&str, AttrValue)>| Span {
        id: SpanId(store.alloc_id()),
        label: 0,
        ranges: ranges.into_iter().collect(),
        entity: None,
        attributes: attrs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        note: None,
        review: Review::default(),
        provenance: Provenance::new("t", common::T0),
        suggested: None,
    };
    let inside_quote = mk(&mut store, vec![ByteRange::new(1, 5)], vec![]);
    assert_eq!(
        store.apply(Edit::AddSpan(inside_quote)).unwrap_err(),
        EditError::Range(RangeError::NotCharBoundary { offset: 1 })
    );
    let overlapping = mk(&mut store, vec![ByteRange::new(3, 10), ByteRange::new(8, 12)], vec![]);
    assert!(matches!(store.apply(Edit::AddSpan(overlapping)), Err(EditError::RangesOverlap(..))));
    let bad_attr = mk(&mut store, vec![ByteRange::new(3, 10)], vec![("certainty", AttrValue::Text("sure".into()))]);
    assert_eq!(
        store.apply(Edit::AddSpan(bad_attr)).unwrap_err().to_string(),
        "Claim.certainty must be one of asserted, reported, hedged, speculative, not \"sure\""
    );
    let discontinuous = mk(&mut store, vec![ByteRange::new(3, 8), ByteRange::new(12, 20)], vec![]);
    let id = discontinuous.id;
    store.apply(Edit::AddSpan(discontinuous)).unwrap();
    assert_eq!(store.spans_at(13), vec![id]);
    assert_eq!(store.spans_at(10), vec![]);
}

#[test]
fn link_all_mentions_links_existing_spans_and_creates_missing_ones() {
    let mut store = common::build_sample(&common::sample_article());
    let russia = store.entities().find(|e| e.name == "Russia").unwrap().id;
    let country = store.schema().label_index("Country").unwrap() as u16;
    let before = store.mentions_of(russia).len();
    let rusia = store.occurrences("Rusia").len();
    let moskow = store.occurrences("Moskow").len();
    assert_eq!(moskow, 1);
    // "Rusia," and "Rusia." count; "Rusianya" would not.
    assert!(rusia >= 10, "{rusia}");
    let edits = store.link_all_edits(russia, country, "t", common::T0);
    assert_eq!(edits.len(), rusia + moskow - before);
    let inverse = store.apply(Edit::Batch(edits)).unwrap();
    let mentions = store.mentions_of(russia);
    assert_eq!(mentions.len(), rusia + moskow);
    assert!(mentions.iter().all(|id| ["Rusia", "Moskow"].contains(&store.quote(store.span(*id).unwrap()).as_str())));
    store.apply(inverse).unwrap();
    assert_eq!(store.mentions_of(russia).len(), before);
}

#[test]
fn candidates_are_the_nearest_spans_that_fit_the_role() {
    let store = common::build_sample(&common::sample_article());
    let claim = store.spans().find(|s| store.quote(s).starts_with("Putin memberi Kim")).unwrap();
    let said_by = store.schema().relation_types.iter().find(|r| r.name == "said_by").unwrap();
    let near = store.candidates(&said_by.roles[1].accepts, claim.start(), &[claim.id]);
    assert_eq!(store.quote(store.span(near[0]).unwrap()), "juru bicara Kremlin, Dmitry Peskov");
    let types: Vec<String> = store
        .relation_types_for(Target::Span(claim.id))
        .iter()
        .map(|(k, _)| store.schema().relation_types[*k as usize].name.clone())
        .collect();
    assert_eq!(types, ["said_by", "reported_by", "about", "warning"]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The store's indices (target → relations, entity → mentions) always agree with a scan.
    #[test]
    fn relation_index_matches_a_scan(ops in prop::collection::vec(arb_op(), 1..60)) {
        let mut store = fresh_store();
        let mut history = History::default();
        for op in &ops {
            run_op(&mut store, &mut history, op);
            for s in store.spans() {
                let scan: Vec<RelationId> = store.relations().filter(|r| r.uses_span(s.id)).map(|r| r.id).collect();
                prop_assert_eq!(store.relations_using_span(s.id), scan);
            }
            for e in store.entities() {
                let scan: Vec<RelationId> = store.relations().filter(|r| r.uses_entity(e.id)).map(|r| r.id).collect();
                prop_assert_eq!(store.relations_using(Target::Entity(e.id)), scan);
                let mentions: Vec<SpanId> = store.spans().filter(|s| s.entity == Some(e.id)).map(|s| s.id).collect();
                prop_assert_eq!(store.mentions_of(e.id), mentions);
            }
        }
    }
}
