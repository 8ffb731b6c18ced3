//! brat standoff.

use std::fmt::Write as _;

use super::*;

/// brat standoff: per document `<id>.txt` (LF) and `<id>.ann`, keeping the
/// folder tree of ids like `news/010-navigation` (see [`document_paths`]).
/// - `T` per span (`start end;start end` for fragments, code points);
/// - `R` per relation from its first argument to each other argument, typed
///   `<type>` when binary and `<type>.<role>` otherwise; entity arguments
///   use the entity's first mention; evidence as `<type>.evidence`;
/// - `A` per span attribute, `N` per linked mention with an external id,
///   `#` AnnotatorNotes for notes.
///
/// Relation attributes and entities without mentions cannot be held.
pub fn brat(stores: &[&Store]) -> Export {
    let mut files = Vec::new();
    let mut losses = Vec::new();
    let (names, notices) = document_paths(stores);
    for (store, name) in stores.iter().zip(names) {
        let text = store.text();
        let mut ann = String::with_capacity(store.spans().len() * 48 + store.relations().len() * 80);
        let (mut a, mut n, mut note, mut r) = (0, 0, 0, 0);
        let mut offsets = span_offsets(store, Offsets::CodePoints);
        // Writing into a String cannot fail.
        for s in store.spans() {
            let _ = write!(ann, "T{}\t{} ", s.id.0, store.label_name(s.label));
            for k in 0..s.ranges.len() {
                let sep = if k == 0 { "" } else { ";" };
                let (start, end) = (offsets.next().unwrap_or(0), offsets.next().unwrap_or(0));
                let _ = write!(ann, "{sep}{start} {end}");
            }
            ann.push('\t');
            for (k, x) in s.ranges.iter().enumerate() {
                if k > 0 {
                    ann.push(' ');
                }
                push_one_line(&mut ann, text.slice(*x));
            }
            ann.push('\n');
            for (k, v) in &s.attributes {
                match v {
                    AttrValue::Bool(true) => {
                        a += 1;
                        let _ = writeln!(ann, "A{a}\t{k} T{}", s.id.0);
                    }
                    AttrValue::Bool(false) => {}
                    AttrValue::Text(t) => {
                        a += 1;
                        let _ = writeln!(ann, "A{a}\t{k} T{} {}", s.id.0, t.replace(' ', "_"));
                    }
                }
            }
            if let Some(e) = s.entity.and_then(|e| store.entity(e)) {
                n += 1;
                let _ = match e.external_id.as_deref() {
                    Some(q) => writeln!(ann, "N{n}\tReference T{} Wikidata:{q}\t{}", s.id.0, e.name),
                    None => writeln!(ann, "N{n}\tReference T{} Sorot:{}\t{}", s.id.0, e.id.0, e.name),
                };
            }
            if let Some(t) = &s.note {
                note += 1;
                let _ = write!(ann, "#{note}\tAnnotatorNotes T{}\t", s.id.0);
                push_one_line(&mut ann, t);
                ann.push('\n');
            }
        }
        let mention = |t: Target| first_mention(store, t);
        let (mut no_mention, mut with_attrs) = (Vec::new(), Vec::new());
        for rel in store.relations() {
            for (kind, from, to) in relation_links(store, rel) {
                match (mention(from), mention(to)) {
                    (Some(from), Some(to)) => {
                        r += 1;
                        let _ = writeln!(ann, "R{r}\t{kind} Arg1:T{} Arg2:T{}", from.0, to.0);
                    }
                    _ => no_mention.push(rel.id.0),
                }
            }
            if !rel.attributes.is_empty() {
                with_attrs.push(rel.id.0);
            }
        }
        no_mention.dedup();
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
        files.push((format!("{name}.txt"), text.as_str().to_owned()));
        files.push((format!("{name}.ann"), ann));
    }
    Export { files, losses, notices }
}

/// Appends `s` with its line breaks as spaces (an `.ann` line holds one
/// annotation).
fn push_one_line(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find('\n') {
        out.push_str(&rest[..i]);
        out.push(' ');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}
