//! brat standoff.

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
        let mut ann = String::new();
        let tid = |id: SpanId| format!("T{}", id.0);
        let (mut a, mut n, mut note, mut r) = (0, 0, 0, 0);
        for s in store.spans() {
            let frags: Vec<String> = s
                .ranges
                .iter()
                .map(|x| format!("{} {}", text.byte_to_char(x.start()), text.byte_to_char(x.end())))
                .collect();
            let quote: Vec<&str> = s.ranges.iter().map(|x| text.slice(*x)).collect();
            ann.push_str(&format!(
                "{}\t{} {}\t{}\n",
                tid(s.id),
                store.label_name(s.label),
                frags.join(";"),
                quote.join(" ").replace('\n', " ")
            ));
            for (k, v) in &s.attributes {
                a += 1;
                match v {
                    AttrValue::Bool(true) => ann.push_str(&format!("A{a}\t{k} {}\n", tid(s.id))),
                    AttrValue::Bool(false) => a -= 1,
                    AttrValue::Text(t) => ann.push_str(&format!("A{a}\t{k} {} {}\n", tid(s.id), t.replace(' ', "_"))),
                }
            }
            if let Some(e) = s.entity.and_then(|e| store.entity(e)) {
                n += 1;
                let reference =
                    e.external_id.as_deref().map_or(format!("Sorot:{}", e.id.0), |q| format!("Wikidata:{q}"));
                ann.push_str(&format!("N{n}\tReference {} {reference}\t{}\n", tid(s.id), e.name));
            }
            if let Some(t) = &s.note {
                note += 1;
                ann.push_str(&format!("#{note}\tAnnotatorNotes {}\t{}\n", tid(s.id), t.replace('\n', " ")));
            }
        }
        let mention = |t: Target| first_mention(store, t);
        let (mut no_mention, mut with_attrs) = (Vec::new(), Vec::new());
        for rel in store.relations() {
            for (kind, from, to) in relation_links(store, rel) {
                match (mention(from), mention(to)) {
                    (Some(from), Some(to)) => {
                        r += 1;
                        ann.push_str(&format!("R{r}\t{kind} Arg1:{} Arg2:{}\n", tid(from), tid(to)));
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
