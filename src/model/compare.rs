//! Comparing several annotators' files of one text, and adjudicating them
//! into one merged file.
//!
//! **Units.** Spans of different files are linked when they have the same
//! ranges (whatever their labels) or overlap with the same label; each
//! connected group is one unit, classified as
//! - [`Agreement::Agree`]: every file has it, same ranges, same label;
//! - [`Agreement::AttributesDiffer`]: every file has it, same ranges and
//!   label, the attributes differ (a claim's certainty);
//! - [`Agreement::LabelDiffers`]: every file has the same ranges, labels differ;
//! - [`Agreement::Boundaries`]: every file has it, the ranges differ;
//! - [`Agreement::Partial`]: only some files have it.
//!
//! **Adjudication.** The merged store starts with the first file's text and
//! schema, every entity of every file (matched by external id, then name or
//! alias) and one copy of each agreed unit. For every other unit the
//! adjudicator takes one file's version, all of them (identical spans kept
//! once), or none, as one [`Edit`], so it is undoable like any other.
//! Relations follow their spans: a relation of any file is in the merged
//! store when every span it points at was taken — or, where the
//! adjudicator took another file's version of that span's unit, points at
//! that version instead (if its label fits the role); identical relations
//! (a mention standing for its entity) are kept once, with the union of
//! their evidence. So a claim taken from
//! one annotator and its source from the other keep the said_by both drew.
//! A relation the adjudicator removes from the merged store stays out until
//! a decision calls for it anew (its spans taken out and in again).
//! [`Adjudication::relation_differences`] lists the relations not every file
//! drew (and those removed), with who drew them, to keep or leave out.
//!
//! Provenance: a merged span's author is the annotator (or annotators,
//! joined by `+`) whose version it is, and its modification time is when
//! the adjudicator took it; the merged file's annotator is the adjudicator.
//! Review is left to the reviewer: adjudicating is not reviewing, so the
//! merged spans start unreviewed and a reviewer's decisions can never be
//! confused with the adjudicator's.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::annotation::*;
use super::graph::{find_root, norm};
use super::store::{DocMeta, Edit, Store, relation_depth};
use super::text::ByteRange;

/// Why two files cannot be compared, in words: another version of the same
/// article (re-anchor it), or another article altogether.
pub fn different_text(name: &str, store: &Store, reference_name: &str, reference: &Store) -> String {
    if store.meta.id == reference.meta.id {
        format!(
            "{name} was annotated on another version of the article {reference_name} annotates; \
             re-anchor it onto the same version first (sorot reanchor)"
        )
    } else {
        format!(
            "{name} and {reference_name} annotate different articles ({} and {}): only files of the same \
             article can be compared",
            store.meta.id, reference.meta.id
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Agreement {
    Agree,
    /// The same span and label in every file, with other attributes (a
    /// claim's certainty "reported" in one, "asserted" in another).
    AttributesDiffer,
    LabelDiffers,
    Boundaries,
    Partial,
}

impl Agreement {
    pub const ALL: [Agreement; 5] = [
        Agreement::Agree,
        Agreement::AttributesDiffer,
        Agreement::LabelDiffers,
        Agreement::Boundaries,
        Agreement::Partial,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Agreement::Agree => "same span and label",
            Agreement::AttributesDiffer => "same span and label, other attributes",
            Agreement::LabelDiffers => "same span, other label",
            Agreement::Boundaries => "overlapping boundaries",
            Agreement::Partial => "only some annotators",
        }
    }
}

/// A group of corresponding spans across the files.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// (file index, span id), by file then position.
    pub members: Vec<(usize, SpanId)>,
    /// From the first start to the last end of its members.
    pub extent: ByteRange,
    pub kind: Agreement,
}

impl Unit {
    /// The files that have a span in this unit.
    pub fn files(&self) -> BTreeSet<usize> {
        self.members.iter().map(|(f, _)| *f).collect()
    }
}

fn ranges_overlap(a: &Span, b: &Span) -> bool {
    a.ranges.iter().any(|x| b.ranges.iter().any(|y| x.overlaps(*y)))
}

/// The units of spans across `stores` (all of the same text), in text order.
pub fn units(stores: &[Store]) -> Vec<Unit> {
    let mut all: Vec<(usize, &Span, &str)> = Vec::new();
    for (f, s) in stores.iter().enumerate() {
        all.extend(s.spans().map(|sp| (f, sp, s.label_name(sp.label))));
    }
    all.sort_by_key(|(f, s, _)| (s.extent().start, s.extent().end, *f, s.id));
    let mut parent: Vec<usize> = (0..all.len()).collect();
    // Sweep in start order, keeping the spans whose extent is still open.
    let mut open: Vec<usize> = Vec::new();
    for i in 0..all.len() {
        let (fi, si, li) = all[i];
        let start = si.extent().start;
        open.retain(|&j| all[j].1.extent().end > start);
        for &j in &open {
            let (fj, sj, lj) = all[j];
            if fi == fj {
                continue;
            }
            if si.ranges == sj.ranges || (li == lj && ranges_overlap(si, sj)) {
                let (a, b) = (find_root(&mut parent, i), find_root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
        open.push(i);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..all.len() {
        let root = find_root(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let n = stores.len();
    let mut out: Vec<Unit> = groups
        .into_values()
        .map(|idx| {
            let mut members: Vec<(usize, SpanId)> = idx.iter().map(|&i| (all[i].0, all[i].1.id)).collect();
            members.sort();
            let start = idx.iter().map(|&i| all[i].1.extent().start).min().unwrap_or(0);
            let end = idx.iter().map(|&i| all[i].1.extent().end).max().unwrap_or(0);
            let files: BTreeSet<usize> = members.iter().map(|(f, _)| *f).collect();
            let same_ranges = idx.iter().all(|&i| all[i].1.ranges == all[idx[0]].1.ranges);
            let same_label = idx.iter().all(|&i| all[i].2 == all[idx[0]].2);
            let same_attributes = idx.iter().all(|&i| all[i].1.attributes == all[idx[0]].1.attributes);
            let kind = if files.len() < n {
                Agreement::Partial
            } else if !same_ranges {
                Agreement::Boundaries
            } else if !same_label || members.len() != n {
                Agreement::LabelDiffers
            } else if !same_attributes {
                Agreement::AttributesDiffer
            } else {
                Agreement::Agree
            };
            Unit { members, extent: ByteRange { start, end }, kind }
        })
        .collect();
    out.sort_by_key(|u| (u.extent.start, u.extent.end));
    out
}

fn short_quote(store: &Store, r: ByteRange) -> String {
    let q = store.text().slice(r);
    match q.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &q[..i]),
        None => q.to_owned(),
    }
}

/// What the adjudicator takes for a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Choice {
    /// This file's version.
    File(usize),
    /// Every version (identical spans once).
    All,
    Neither,
}

/// A relation of the adjudication that is not simply agreed: drawn by
/// some files only, or left out of the merged store by hand.
#[derive(Clone, Debug, PartialEq)]
pub struct RelationDifference {
    /// As the merged store has it (or would have it).
    pub relation: Relation,
    /// The files that drew it.
    pub drawn_by: Vec<usize>,
    /// Whether the merged store has it.
    pub present: bool,
}

/// What made a merged file, kept in it: the files compared (as named
/// beside the merged file), their annotators, and what the adjudicator
/// took for each difference settled, by the difference's extent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    pub files: Vec<String>,
    pub names: Vec<String>,
    pub decisions: Vec<(ByteRange, Choice)>,
}

/// What adjudicating `stores` needs to remember; the merged store itself
/// is kept (and undone) like any other document.
#[derive(Clone, Debug)]
pub struct Adjudication {
    pub sources: Vec<Store>,
    /// The annotator of each file.
    pub names: Vec<String>,
    pub units: Vec<Unit>,
    /// Every source span, converted for the merged store (label, entity
    /// and id mapped), for those that fit its schema.
    spans: HashMap<(usize, SpanId), Span>,
    /// The unit of each source span.
    unit_of: HashMap<(usize, SpanId), usize>,
    rel_ids: HashMap<(usize, RelationId), RelationId>,
    entity_map: HashMap<(usize, EntityId), EntityId>,
    /// What could not be carried into the merged file, one line each.
    pub dropped: Vec<String>,
}

impl Adjudication {
    /// Prepares adjudicating `stores` (annotators `names`) and builds the
    /// merged store with everything all files agree on.
    pub fn new(
        stores: Vec<Store>,
        names: Vec<String>,
        adjudicator: &str,
        now: Timestamp,
    ) -> Result<(Self, Store), String> {
        let Some(first) = stores.first() else { return Err("nothing to compare".into()) };
        if stores.len() < 2 {
            return Err("comparing needs two or more files".into());
        }
        if names.len() != stores.len() {
            return Err(format!("{} annotator names for {} files", names.len(), stores.len()));
        }
        if let Some(i) = stores.iter().position(|s| s.text() != first.text()) {
            return Err(different_text(&names[i], &stores[i], &names[0], first));
        }
        let meta = DocMeta {
            id: first.meta.id.clone(),
            original_path: first.meta.original_path.clone(),
            encoding: first.meta.encoding.clone(),
            state: DocState::InProgress,
            annotator: Some(adjudicator.to_owned()),
            origin: first.meta.origin.clone(),
            adjudication: None,
        };
        let mut merged = Store::new(first.text().clone(), first.schema().clone(), meta);
        let mut dropped = Vec::new();
        // Entities: matched by external id, then by name or alias (as the
        // cross-document view does); one merged entity per group, named by
        // its first, with the others' names as aliases.
        let mut entity_map = HashMap::new();
        let mut merged_entities = Vec::new();
        let refs: Vec<&Store> = stores.iter().collect();
        for group in super::graph::match_entities(&refs).groups {
            let Some(&(f, first)) = group.first() else { continue };
            let id = EntityId(merged.alloc_id());
            let mut m = first.clone();
            m.id = id;
            m.provenance.author = names[f].as_str().into();
            for (g, e) in &group {
                for a in std::iter::once(&e.name).chain(&e.aliases) {
                    if norm(a) != norm(&m.name) && !m.aliases.iter().any(|x| norm(x) == norm(a)) {
                        m.aliases.push(a.clone());
                    }
                }
                entity_map.insert((*g, e.id), id);
            }
            merged_entities.push(m);
        }
        for e in merged_entities {
            if merged.check_entity(&e).is_err() {
                dropped.push(format!("entity {} ({}): its type is not in {}'s schema", e.name, e.kind, names[0]));
                continue;
            }
            if let Err(err) = merged.apply(Edit::AddEntity(e)) {
                dropped.push(format!("an entity: {err}"));
            }
        }
        let units = units(&stores);
        let mut unit_of = HashMap::new();
        for (u, unit) in units.iter().enumerate() {
            for m in &unit.members {
                unit_of.insert(*m, u);
            }
        }
        // Every source span, converted once, with a fixed id in the merged store.
        let mut spans = HashMap::new();
        for (f, s) in stores.iter().enumerate() {
            for sp in s.spans() {
                let label_name = s.label_name(sp.label);
                let Some(label) = merged.schema().label_index(label_name) else {
                    dropped.push(format!("{} {}: label {label_name} is not in {}'s schema", names[f], sp.id, names[0]));
                    continue;
                };
                let mut c = sp.clone();
                c.id = SpanId(merged.alloc_id());
                c.label = label as u16;
                c.entity = sp.entity.and_then(|e| entity_map.get(&(f, e)).copied());
                c.provenance.author = names[f].as_str().into();
                if merged.check_span(&c).is_err() {
                    c.attributes.clear();
                    if merged.check_span(&c).is_err() {
                        dropped.push(format!("{} {}: does not fit {}'s schema", names[f], sp.id, names[0]));
                        continue;
                    }
                    dropped.push(format!("{} {}: attributes dropped (not in {}'s schema)", names[f], sp.id, names[0]));
                }
                spans.insert((f, sp.id), c);
            }
        }
        let mut rel_ids = HashMap::new();
        for (f, s) in stores.iter().enumerate() {
            for r in s.relations() {
                rel_ids.insert((f, r.id), RelationId(merged.alloc_id()));
                let name = s.relation_type(r.kind).map_or("?", |t| t.name.as_str());
                let fits = merged
                    .schema()
                    .relation_index(name)
                    .and_then(|k| merged.relation_type(k as u16))
                    .is_some_and(|d| r.args.iter().all(|a| d.roles.iter().any(|x| x.name == a.role)));
                if !fits {
                    dropped.push(format!("{} relation {} ({name}): not in {}'s schema", names[f], r.id, names[0]));
                }
            }
        }
        let adj = Adjudication { sources: stores, names, units, spans, unit_of, rel_ids, entity_map, dropped };
        // What everyone agrees on is in from the start.
        let agreed: Vec<usize> = (0..adj.units.len()).filter(|&u| adj.units[u].kind == Agreement::Agree).collect();
        let edit = adj.choose_many(&merged, &agreed.iter().map(|&u| (u, Choice::All)).collect::<Vec<_>>(), now, true);
        merged.apply(edit).map_err(|e| format!("cannot merge what the files agree on: {e}"))?;
        Ok((adj, merged))
    }

    /// The decisions implied by the merged store's spans for agreed units
    /// (every other unit starts undecided).
    pub fn initial_decisions(&self) -> Vec<Option<Choice>> {
        self.units.iter().map(|u| (u.kind == Agreement::Agree).then_some(Choice::All)).collect()
    }

    /// The merged spans `choice` puts in for unit `u`: each with the
    /// annotators whose identical version it stands for.
    fn chosen(&self, u: usize, choice: Choice) -> Vec<((usize, SpanId), Vec<usize>)> {
        let Some(unit) = self.units.get(u) else { return Vec::new() };
        let mut out: Vec<((usize, SpanId), Vec<usize>, &Span)> = Vec::new();
        for m in &unit.members {
            let take = match choice {
                Choice::File(f) => m.0 == f,
                Choice::All => true,
                Choice::Neither => false,
            };
            let Some(c) = self.spans.get(m).filter(|_| take) else { continue };
            match out.iter_mut().find(|(_, _, o)| o.ranges == c.ranges && o.label == c.label) {
                Some(same) => same.1.push(m.0),
                None => out.push((*m, vec![m.0], c)),
            }
        }
        out.into_iter().map(|(key, files, _)| (key, files)).collect()
    }

    /// The merged span standing for source span `m`, if any is in `present`:
    /// its own, an identical one of the same unit taken instead, or else the
    /// version of its unit the adjudicator took in its place, when one alone
    /// was taken (of those whose label `fits`, the relation's role).
    fn resolve(&self, m: (usize, SpanId), present: &BTreeSet<SpanId>, fits: &dyn Fn(u16) -> bool) -> Option<SpanId> {
        let own = self.spans.get(&m)?;
        if present.contains(&own.id) {
            return Some(own.id);
        }
        let unit = self.units.get(*self.unit_of.get(&m)?)?;
        let taken: Vec<&Span> =
            unit.members.iter().filter_map(|o| self.spans.get(o)).filter(|o| present.contains(&o.id)).collect();
        if let Some(same) = taken.iter().find(|o| o.ranges == own.ranges && o.label == own.label) {
            return Some(same.id);
        }
        match taken.as_slice() {
            [instead] if fits(instead.label) => Some(instead.id),
            _ => None,
        }
    }

    /// The edit that applies `choice` to unit `u` of `merged`.
    pub fn choose(&self, merged: &Store, u: usize, choice: Choice, now: Timestamp) -> Edit {
        self.choose_many(merged, &[(u, choice)], now, false)
    }

    /// The edit of `choices`; `fresh` for the merged store being made (every
    /// relation its spans call for goes in).
    fn choose_many(&self, merged: &Store, choices: &[(usize, Choice)], now: Timestamp, fresh: bool) -> Edit {
        let before = self.present(merged);
        let mut present = before.clone();
        // The spans the choices put in, by id (replacing what the unit had).
        let mut put: BTreeMap<SpanId, Span> = BTreeMap::new();
        for &(u, choice) in choices {
            let Some(unit) = self.units.get(u) else { continue };
            for m in &unit.members {
                if let Some(c) = self.spans.get(m) {
                    present.remove(&c.id);
                    put.remove(&c.id);
                }
            }
            for (key, files) in self.chosen(u, choice) {
                let Some(mut span) = self.spans.get(&key).cloned() else { continue };
                let who: Vec<&str> = files.iter().map(|f| self.names[*f].as_str()).collect();
                span.provenance.author = Name::from(who.join("+").as_str());
                span.provenance.modified = now;
                span.review = Review::default();
                present.insert(span.id);
                put.insert(span.id, span);
            }
        }
        let mut remove = Vec::new();
        let mut add = Vec::new();
        for id in before.difference(&present) {
            remove.push(Edit::RemoveSpan(*id));
        }
        for (id, span) in put {
            match merged.span(id) {
                None => add.push(Edit::AddSpan(span)),
                Some(old) if *old != span => add.push(Edit::ReplaceSpan(span)),
                Some(_) => {}
            }
        }
        // Relations follow their spans. One that this choice does not
        // change and is not in the merged store was removed there by the
        // adjudicator: it stays out (it came back at the next decision).
        let wanted = self.relations_for(merged, &present);
        let wanted_before = if fresh { BTreeMap::new() } else { self.relations_for(merged, &before) };
        let mut edits = Vec::new();
        let ours: std::collections::HashSet<RelationId> = self.rel_ids.values().copied().collect();
        let mut current: Vec<&Relation> = merged.relations().filter(|r| ours.contains(&r.id)).collect();
        // Users before the relations they use, so no removal cascades onto
        // one removed after it.
        current.sort_by_key(|r| std::cmp::Reverse(relation_depth(r, |id| merged.relation(id))));
        let mut replaced = BTreeSet::new();
        for r in &current {
            if wanted.get(&r.id) != Some(*r) {
                edits.push(Edit::RemoveRelation(r.id));
                replaced.insert(r.id);
            }
        }
        edits.extend(remove);
        edits.extend(add);
        // Arguments before their users.
        let mut wanted_in_order: Vec<&Relation> = wanted.values().collect();
        wanted_in_order.sort_by_key(|r| relation_depth(r, |id| wanted.get(&id)));
        for r in wanted_in_order {
            let removed_by_hand = merged.relation(r.id).is_none() && wanted_before.get(&r.id) == Some(r);
            if merged.relation(r.id) != Some(r) && (replaced.contains(&r.id) || !removed_by_hand) {
                edits.push(Edit::AddRelation(r.clone()));
            }
        }
        Edit::Batch(edits)
    }

    /// The relations the merged store should have when `present` are its
    /// spans from the sources.
    fn relations_for(&self, merged: &Store, present: &BTreeSet<SpanId>) -> BTreeMap<RelationId, Relation> {
        self.relations_and_sources(merged, present).0
    }

    /// The merged store's spans that come from the sources.
    fn present(&self, merged: &Store) -> BTreeSet<SpanId> {
        self.spans.values().map(|s| s.id).filter(|id| merged.span(*id).is_some()).collect()
    }

    /// The annotators' relations the merged store leaves out as it is now
    /// (an argument of theirs was not taken, nor a version in its place):
    /// `alice's said_by 12`, for the adjudicator to see.
    pub fn relations_left_out(&self, merged: &Store) -> Vec<String> {
        self.relation_report(merged).0
    }

    /// The relations the spans taken call for that not every file drew,
    /// or that the merged store leaves out (removed by hand): for the
    /// adjudicator to keep or leave out, each with who drew it. By id.
    pub fn relation_differences(&self, merged: &Store) -> Vec<RelationDifference> {
        self.relation_report(merged).1
    }

    /// [`Adjudication::relations_left_out`] and
    /// [`Adjudication::relation_differences`], found in one pass.
    pub fn relation_report(&self, merged: &Store) -> (Vec<String>, Vec<RelationDifference>) {
        let (wanted, became) = self.relations_and_sources(merged, &self.present(merged));
        let mut left_out = Vec::new();
        for (f, s) in self.sources.iter().enumerate() {
            // (One removed by hand is not here: it is called for, and
            // is a difference to keep again.)
            for r in s.relations().filter(|r| !became.contains_key(&(f, r.id))) {
                let kind = s.relation_type(r.kind).map_or("?", |t| t.name.as_str());
                left_out.push(format!("{}'s {kind} {}", self.names[f], r.id));
            }
        }
        let mut drawn: BTreeMap<RelationId, BTreeSet<usize>> = BTreeMap::new();
        for (&(f, _), id) in &became {
            drawn.entry(*id).or_default().insert(f);
        }
        let differences = wanted
            .into_iter()
            .filter_map(|(id, relation)| {
                let by: Vec<usize> = drawn.get(&id).map(|s| s.iter().copied().collect()).unwrap_or_default();
                let present = merged.relation(id).is_some();
                (by.len() < self.sources.len() || !present).then_some(RelationDifference {
                    relation,
                    drawn_by: by,
                    present,
                })
            })
            .collect();
        (left_out, differences)
    }

    #[allow(clippy::type_complexity)]
    fn relations_and_sources(
        &self,
        merged: &Store,
        present: &BTreeSet<SpanId>,
    ) -> (BTreeMap<RelationId, Relation>, HashMap<(usize, RelationId), RelationId>) {
        let mut by_key: BTreeMap<(u16, Vec<(Name, Target)>), Relation> = BTreeMap::new();
        // Which merged relation each source relation became (its own, or
        // the same relation kept from another file), for relations that
        // use it as an argument; those come after it.
        let mut became: HashMap<(usize, RelationId), RelationId> = HashMap::new();
        let mut order: Vec<(usize, usize, &Relation)> = Vec::new();
        let entity_of: HashMap<SpanId, EntityId> =
            self.spans.values().filter_map(|s| s.entity.map(|e| (s.id, e))).collect();
        for (f, s) in self.sources.iter().enumerate() {
            order.extend(s.relations().map(|r| (relation_depth(r, |id| s.relation(id)), f, r)));
        }
        order.sort_by_key(|&(depth, f, r)| (depth, f, r.id));
        for (_, f, r) in order {
            let s = &self.sources[f];
            {
                let Some(kind) = s.relation_type(r.kind).and_then(|t| merged.schema().relation_index(&t.name)) else {
                    continue;
                };
                let Some(def) = merged.relation_type(kind as u16) else { continue };
                if !r.args.iter().all(|a| def.roles.iter().any(|d| d.name == a.role)) {
                    continue;
                }
                // Whether a merged span's label may fill a role accepting `accepts`.
                let schema = merged.schema();
                let fits_of = |accepts: &[String], label: u16| {
                    schema.label(usize::from(label)).is_some_and(|l| {
                        accepts.iter().any(|n| {
                            *n == l.name || l.entity_type.as_deref().is_some_and(|k| schema.entity_type_is(k, n))
                        })
                    })
                };
                let mut args = Vec::new();
                let mut complete = true;
                for a in &r.args {
                    let accepts: &[String] = def.roles.iter().find(|d| d.name == a.role).map_or(&[], |d| &d.accepts);
                    let fits = |label: u16| fits_of(accepts, label);
                    let t = match a.target {
                        Target::Span(id) => self.resolve((f, id), present, &fits).map(Target::Span),
                        Target::Entity(id) => self.entity_map.get(&(f, id)).copied().map(Target::Entity),
                        Target::Relation(id) => became.get(&(f, id)).copied().map(Target::Relation),
                    };
                    match t {
                        Some(t) => args.push(RoleArg { role: a.role, target: t }),
                        None => complete = false,
                    }
                }
                if !complete {
                    continue;
                }
                let fits = |label: u16| fits_of(&def.evidence, label);
                let mut evidence: Vec<SpanId> = Vec::new();
                for e in r.evidence.iter().filter_map(|e| self.resolve((f, *e), present, &fits)) {
                    if !evidence.contains(&e) {
                        evidence.push(e);
                    }
                }
                // A mention stands for its entity: the same relation drawn
                // on different mentions of one entity is one relation.
                let key = (
                    kind as u16,
                    args.iter()
                        .map(|a| match a.target {
                            Target::Span(id) => (a.role, entity_of.get(&id).map_or(a.target, |e| Target::Entity(*e))),
                            t => (a.role, t),
                        })
                        .collect(),
                );
                match by_key.get_mut(&key) {
                    Some(kept) => {
                        became.insert((f, r.id), kept.id);
                        for e in evidence {
                            if !kept.evidence.contains(&e) {
                                kept.evidence.push(e);
                            }
                        }
                        let author = format!("{}+{}", kept.provenance.author, self.names[f]);
                        if !kept.provenance.author.split('+').any(|a| a == self.names[f]) {
                            kept.provenance.author = author.into();
                        }
                    }
                    None => {
                        let Some(id) = self.rel_ids.get(&(f, r.id)).copied() else { continue };
                        became.insert((f, r.id), id);
                        let mut m = r.clone();
                        m.id = id;
                        m.kind = kind as u16;
                        m.args = args;
                        m.evidence = evidence;
                        m.attributes.retain(|k, _| def.attributes.iter().any(|d| &d.name == k));
                        m.provenance.author = self.names[f].as_str().into();
                        by_key.insert(key, m);
                    }
                }
            }
        }
        (by_key.into_values().map(|r| (r.id, r)).collect(), became)
    }

    /// The record of `decisions` (one per unit) for the merged file; agreed
    /// units are implied and left out.
    pub fn record(&self, files: Vec<String>, decisions: &[Option<Choice>]) -> Record {
        let decisions = self
            .units
            .iter()
            .zip(decisions)
            .filter(|(u, _)| u.kind != Agreement::Agree)
            .filter_map(|(u, d)| d.map(|d| (u.extent, d)))
            .collect();
        Record { files, names: self.names.clone(), decisions }
    }

    /// The decisions (one per unit) a merged file's `record` says made
    /// `merged`, when this adjudication (rebuilt from the same files) still
    /// describes it: every recorded difference is a unit here, and every
    /// source span the merged file holds is as this adjudication would put
    /// it. `Err` says why not, in words (the files changed since, or the
    /// merged spans were edited by hand).
    pub fn resume(&self, merged: &Store, record: &Record) -> Result<Vec<Option<Choice>>, String> {
        let mut decisions = self.initial_decisions();
        for (extent, choice) in &record.decisions {
            let Some(u) = self.units.iter().position(|u| u.extent == *extent && u.kind != Agreement::Agree) else {
                return Err(format!(
                    "the compared files no longer differ at {}–{}; they changed since the merge",
                    extent.start, extent.end
                ));
            };
            if let Choice::File(f) = choice
                && *f >= self.names.len()
            {
                return Err(format!("a decision names file {} of {}", f + 1, self.names.len()));
            }
            decisions[u] = Some(*choice);
            for (key, _) in self.chosen(u, *choice) {
                let Some(want) = self.spans.get(&key) else { continue };
                if merged.span(want.id).is_none_or(|s| s.ranges != want.ranges || s.label != want.label) {
                    return Err(format!(
                        "“{}” is not as the decision left it (edited by hand, or the compared files changed)",
                        short_quote(merged, *extent)
                    ));
                }
            }
        }
        // No span of the merged file may stand where this adjudication
        // puts a different one: ids would no longer mean the same span.
        for want in self.spans.values() {
            if let Some(s) = merged.span(want.id)
                && (s.ranges != want.ranges || s.label != want.label)
            {
                let at = s.ranges.first().map_or(String::new(), |r| short_quote(merged, *r));
                return Err(format!("“{at}” is not what the compared files have there"));
            }
        }
        Ok(decisions)
    }

    /// Unit `u`'s version in file `f`, for lists: `label “quote”` per span.
    pub fn version(&self, u: usize, f: usize) -> Vec<String> {
        let (Some(unit), Some(store)) = (self.units.get(u), self.sources.get(f)) else { return Vec::new() };
        unit.members
            .iter()
            .filter(|(g, _)| *g == f)
            .filter_map(|(_, id)| store.span(*id))
            .map(|s| {
                // The attributes too: they are what differs in some units.
                let attrs: Vec<String> = s.attributes.iter().map(|(k, v)| format!("{k}: {v}")).collect();
                let attrs = if attrs.is_empty() { String::new() } else { format!(" ({})", attrs.join(", ")) };
                format!("{} “{}”{attrs}", store.label_name(s.label), store.quote(s))
            })
            .collect()
    }
}
