//! brat standoff.

use std::fmt::Write as _;

use super::*;

/// brat standoff: per document `<id>.txt` (LF) and `<id>.ann`, keeping the
/// folder tree of ids like `news/010-navigation` (see [`document_paths`]).
/// - `T` per span (`start end;start end` for fragments, code points);
/// - `E` per event, a relation with a `trigger` span: `E5<TAB>Type:T1
///   Theme:T2 Theme2:E4`, repeated roles numbered as brat numbers them, a
///   relation argument as its `E` id; its attributes as `A` lines and its
///   note as `#` on the `E`;
/// - `R` per other relation from its first argument to each other argument,
///   typed `<type>` when binary and `<type>.<role>` otherwise; entity
///   arguments use the entity's first mention, event arguments their `E`;
///   evidence as `<type>.evidence` (from an event's trigger);
/// - `A` per span attribute, `#` AnnotatorNotes for notes;
/// - entity links: `N` (`Wikidata:Q159`) for an entity with an external id;
///   for one without, `*<TAB>Equiv` over its mentions when it has several,
///   and `N` (`Sorot:<id>`, named) when its name is not its first
///   mention's text or it has one mention, so a trip back keeps its name.
///
/// Attributes of relations that are not events, relation arguments that
/// are not events, and entities without mentions cannot be held.
pub fn brat(stores: &[&Store]) -> Export {
    Export::collect(|files| write(stores, files))
}

pub(super) fn write(stores: &[&Store], files: &mut Files) -> Report {
    let mut losses = Vec::new();
    let (names, notices) = document_paths(stores);
    for (store, name) in stores.iter().zip(names) {
        let text = store.text();
        files.whole(&format!("{name}.txt"), text.as_str());
        let mut ann = files.create(&format!("{name}.ann"));
        ann.reserve(store.spans().len() * 48 + store.relations().len() * 80);
        let (mut a, mut n, mut note, mut r) = (0, 0, 0, 0);
        // Decided once per entity, not once per mention (an entity may have
        // thousands).
        let named: std::collections::HashSet<EntityId> =
            store.entities().filter(|e| e.external_id.is_none() && needs_name(store, e)).map(|e| e.id).collect();
        // Writing into an `Out` cannot fail (a file's errors are kept for
        // the commit).
        for s in store.spans() {
            ann.push('T');
            ann.push_int(s.id.0);
            ann.push('\t');
            ann.push_str(store.label_name(s.label));
            ann.push(' ');
            for (k, x) in s.ranges.iter().enumerate() {
                if k > 0 {
                    ann.push(';');
                }
                ann.push_int(text.byte_to_char(x.start()));
                ann.push(' ');
                ann.push_int(text.byte_to_char(x.end()));
            }
            ann.push('\t');
            for (k, x) in s.ranges.iter().enumerate() {
                if k > 0 {
                    ann.push(' ');
                }
                push_one_line(&mut ann, text.slice(*x));
            }
            ann.push('\n');
            push_attributes(&mut ann, &mut a, &s.attributes, 'T', s.id.0);
            if let Some(e) = s.entity.and_then(|e| store.entity(e)) {
                match e.external_id.as_deref() {
                    Some(q) => {
                        n += 1;
                        let _ = writeln!(ann, "N{n}\tReference T{} Wikidata:{q}\t{}", s.id.0, e.name);
                    }
                    None if named.contains(&e.id) => {
                        n += 1;
                        let _ = writeln!(ann, "N{n}\tReference T{} Sorot:{}\t{}", s.id.0, e.id.0, e.name);
                    }
                    None => {}
                }
            }
            if let Some(t) = &s.note {
                note += 1;
                let _ = write!(ann, "#{note}\tAnnotatorNotes T{}\t", s.id.0);
                push_one_line(&mut ann, t);
                ann.push('\n');
            }
        }
        // Mentions of one entity with no external id: an equivalence.
        for e in store.entities().filter(|e| e.external_id.is_none()) {
            let mentions = store.mentions_of(e.id);
            if mentions.len() > 1 {
                ann.push_str("*\tEquiv");
                for m in mentions {
                    let _ = write!(ann, " T{}", m.0);
                }
                ann.push('\n');
            }
        }
        // An argument as brat names it: a span's `T`, an event's `E`, or
        // the span standing for an entity or another relation.
        let is_event = |id: RelationId| store.relation(id).is_some_and(|r| event_trigger(r).is_some());
        // (Written as a letter and a number: no string per argument.)
        let arg = |t: Target| -> Option<(char, u32)> {
            match t {
                Target::Relation(id) if is_event(id) => Some(('E', id.0)),
                t => first_mention(store, t).map(|s| ('T', s.0)),
            }
        };
        let (mut no_mention, mut with_attrs, mut flattened) = (Vec::new(), Vec::new(), Vec::new());
        for rel in store.relations() {
            if rel.args.iter().any(|a| matches!(a.target, Target::Relation(id) if !is_event(id))) {
                flattened.push(rel.id.0);
            }
            if let Some(trigger) = event_trigger(rel) {
                let Some(trigger) = first_mention(store, trigger) else {
                    no_mention.push(rel.id.0);
                    continue;
                };
                let mut line = format!("E{}\t{}:T{}", rel.id.0, rel_name(store, rel), trigger.0);
                let mut seen: Vec<(&str, usize)> = Vec::new();
                let mut complete = true;
                for a in rel.args.iter().filter(|a| a.role != TRIGGER_ROLE) {
                    let Some(target) = arg(a.target) else {
                        complete = false;
                        continue;
                    };
                    // brat numbers a repeated role: Theme, Theme2, Theme3.
                    let k = match seen.iter_mut().find(|(r, _)| *r == a.role.as_str()) {
                        Some((_, k)) => {
                            *k += 1;
                            *k
                        }
                        None => {
                            seen.push((a.role.as_str(), 1));
                            1
                        }
                    };
                    let num = if k > 1 { k.to_string() } else { String::new() };
                    let _ = write!(line, " {}{num}:{}{}", a.role, target.0, target.1);
                }
                if !complete {
                    no_mention.push(rel.id.0);
                }
                ann.push_str(&line);
                ann.push('\n');
                push_attributes(&mut ann, &mut a, &rel.attributes, 'E', rel.id.0);
                for e in &rel.evidence {
                    r += 1;
                    let _ = writeln!(ann, "R{r}\t{}.evidence Arg1:T{} Arg2:T{}", rel_name(store, rel), trigger.0, e.0);
                }
                if let Some(t) = &rel.note {
                    note += 1;
                    let _ = write!(ann, "#{note}\tAnnotatorNotes E{}\t", rel.id.0);
                    push_one_line(&mut ann, t);
                    ann.push('\n');
                }
                continue;
            }
            let first_r = r + 1;
            for (kind, from, to) in relation_links(store, rel) {
                match (arg(from), arg(to)) {
                    (Some(from), Some(to)) => {
                        r += 1;
                        let _ = writeln!(ann, "R{r}\t{kind} Arg1:{}{} Arg2:{}{}", from.0, from.1, to.0, to.1);
                    }
                    _ => no_mention.push(rel.id.0),
                }
            }
            if let Some(t) = rel.note.as_deref().filter(|_| r >= first_r) {
                note += 1;
                let _ = write!(ann, "#{note}\tAnnotatorNotes R{first_r}\t");
                push_one_line(&mut ann, t);
                ann.push('\n');
            }
            if !rel.attributes.is_empty() {
                with_attrs.push(rel.id.0);
            }
        }
        no_mention.dedup();
        loss(
            &mut losses,
            store,
            "relations use a relation that is not an event (brat arguments are T or E): written with the span it stands at"
                .into(),
            flattened,
        );
        loss(
            &mut losses,
            store,
            "relations have an entity argument with no mention in the text (brat links spans only)".into(),
            no_mention,
        );
        loss(
            &mut losses,
            store,
            "relation attributes not representable in brat (A lines attach to T and E only)".into(),
            with_attrs,
        );
        suggested_loss(&mut losses, store, "brat");
        files.close(ann);
    }
    Report { losses, notices }
}

/// Appends `s` with its line breaks as spaces (an `.ann` line holds one
/// annotation).
fn push_one_line(out: &mut Out, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find('\n') {
        out.push_str(&rest[..i]);
        out.push(' ');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// `A` lines for the attributes of `T<id>` or `E<id>` (`kind`), numbered
/// on from `a`; a false flag is no line, as brat has it.
fn push_attributes(ann: &mut Out, a: &mut usize, attributes: &Attributes, kind: char, id: u32) {
    for (k, v) in attributes {
        match v {
            AttrValue::Bool(true) => {
                *a += 1;
                let _ = writeln!(ann, "A{a}\t{k} {kind}{id}");
            }
            AttrValue::Bool(false) => {}
            AttrValue::Text(t) => {
                *a += 1;
                let _ = writeln!(ann, "A{a}\t{k} {kind}{id} {}", t.replace(' ', "_"));
            }
        }
    }
}

/// An event's trigger: the relation's `trigger` argument, if it has one.
fn event_trigger(rel: &Relation) -> Option<Target> {
    rel.targets(TRIGGER_ROLE).next()
}

/// Whether an entity without an external id needs an `N` line to keep its
/// name: it has one mention, or its name is not its first mention's text
/// (an equivalence names a new entity by its first mention).
fn needs_name(store: &Store, e: &Entity) -> bool {
    let mentions = store.mentions_of(e.id);
    let first = mentions.first().and_then(|m| store.span(*m)).map(|s| store.quote(s));
    mentions.len() < 2 || first.is_none_or(|q| q.split_whitespace().collect::<Vec<_>>().join(" ") != e.name)
}
