//! Label Studio: a JSON list of tasks (`data.text` plus one annotation whose
//! `result` holds `labels` regions, per-region `choices`/`textarea` for
//! attributes and notes, and `relation` links) and the labeling config XML
//! generated from the schema, so the export imports into Label Studio as is.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Export, Offsets, first_mention, loss, relation_links};
use crate::model::*;

/// Escapes a value for an XML attribute.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

/// The labeling config for the schemas of the exported documents.
fn config(stores: &[&Store]) -> String {
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    let mut relations: Vec<String> = Vec::new();
    let mut choices: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut texts: Vec<String> = Vec::new();
    for store in stores {
        let schema = store.schema();
        for l in &schema.labels {
            labels.entry(l.name.clone()).or_insert_with(|| l.color.clone());
            for a in &l.attributes {
                match &a.kind {
                    AttrKind::Choice(values) => {
                        let c = choices.entry(a.name.clone()).or_default();
                        for v in values {
                            if !c.contains(v) {
                                c.push(v.clone());
                            }
                        }
                    }
                    AttrKind::Bool => {
                        choices.entry(a.name.clone()).or_insert_with(|| vec![a.name.clone()]);
                    }
                    AttrKind::Text => {
                        if !texts.contains(&a.name) {
                            texts.push(a.name.clone());
                        }
                    }
                }
            }
        }
        for rel in store.relations() {
            for (name, _, _) in relation_links(store, rel) {
                if !relations.contains(&name) {
                    relations.push(name);
                }
            }
        }
        for rt in &schema.relation_types {
            let binary = rt.roles.len() == 2 && rt.evidence.is_empty();
            let mut names = Vec::new();
            if binary {
                names.push(rt.name.clone());
            } else {
                // From the first argument to each other one (a many-role's
                // other members included).
                let others = rt.roles.iter().enumerate().filter(|(i, r)| *i > 0 || r.many);
                names.extend(others.map(|(_, r)| format!("{}.{}", rt.name, r.name)));
                if !rt.evidence.is_empty() {
                    names.push(format!("{}.evidence", rt.name));
                }
            }
            for n in names {
                if !relations.contains(&n) {
                    relations.push(n);
                }
            }
        }
    }
    let mut x = String::from("<View>\n  <Relations>\n");
    for r in &relations {
        x.push_str(&format!("    <Relation value=\"{}\"/>\n", xml(r)));
    }
    x.push_str("  </Relations>\n  <Labels name=\"label\" toName=\"text\">\n");
    for (name, color) in &labels {
        x.push_str(&format!("    <Label value=\"{}\" background=\"{}\"/>\n", xml(name), xml(color)));
    }
    x.push_str("  </Labels>\n  <Text name=\"text\" value=\"$text\"/>\n");
    for (name, values) in &choices {
        x.push_str(&format!(
            "  <Choices name=\"{}\" toName=\"text\" perRegion=\"true\" choice=\"single\">\n",
            xml(name)
        ));
        for v in values {
            x.push_str(&format!("    <Choice value=\"{}\"/>\n", xml(v)));
        }
        x.push_str("  </Choices>\n");
    }
    for name in texts.iter().chain(std::iter::once(&"note".to_string())) {
        x.push_str(&format!("  <TextArea name=\"{}\" toName=\"text\" perRegion=\"true\"/>\n", xml(name)));
    }
    x.push_str("</View>\n");
    x
}

/// `tasks.json` and `config.xml`.
pub fn label_studio(stores: &[&Store], offsets: Offsets) -> Export {
    let mut tasks = Vec::new();
    let mut losses = Vec::new();
    for (n, store) in stores.iter().enumerate() {
        let text = store.text();
        let mut result = Vec::new();
        let (mut discontinuous, mut linked, mut reviewed) = (Vec::new(), Vec::new(), Vec::new());
        // The region id of each span: its first fragment.
        let region = |id: SpanId| format!("s{}", id.0);
        for s in store.spans() {
            let label = store.label_name(s.label);
            if s.ranges.len() > 1 {
                discontinuous.push(s.id.0);
            }
            if s.entity.is_some() {
                linked.push(s.id.0);
            }
            if s.review.status != ReviewStatus::Unreviewed {
                reviewed.push(s.id.0);
            }
            for (k, r) in s.ranges.iter().enumerate() {
                let id = if k == 0 { region(s.id) } else { format!("s{}_{k}", s.id.0) };
                let value = |extra: (&str, Value)| {
                    let mut v = json!({
                        "start": offsets.of(text, r.start()),
                        "end": offsets.of(text, r.end()),
                        "text": text.slice(*r),
                    });
                    v[extra.0] = extra.1;
                    v
                };
                result.push(json!({
                    "id": id, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
                    "value": value(("labels", json!([label]))),
                }));
                if k > 0 {
                    continue;
                }
                for (name, v) in &s.attributes {
                    let item = match v {
                        AttrValue::Bool(false) => continue,
                        AttrValue::Bool(true) => json!({"type": "choices", "value": value(("choices", json!([name])))}),
                        AttrValue::Text(t) => {
                            let choice = store
                                .schema()
                                .label(s.label as usize)
                                .and_then(|l| l.attributes.iter().find(|a| &a.name == name))
                                .is_some_and(|a| matches!(a.kind, AttrKind::Choice(_)));
                            if choice {
                                json!({"type": "choices", "value": value(("choices", json!([t])))})
                            } else {
                                json!({"type": "textarea", "value": value(("text", json!([t])))})
                            }
                        }
                    };
                    let mut item = item;
                    item["id"] = json!(id);
                    item["from_name"] = json!(name);
                    item["to_name"] = json!("text");
                    item["origin"] = json!("manual");
                    result.push(item);
                }
                if let Some(note) = &s.note {
                    result.push(json!({
                        "id": id, "from_name": "note", "to_name": "text", "type": "textarea", "origin": "manual",
                        "value": value(("text", json!([note]))),
                    }));
                }
            }
        }
        let (mut no_mention, mut with_attrs) = (Vec::new(), Vec::new());
        for rel in store.relations() {
            for (name, from, to) in relation_links(store, rel) {
                match (first_mention(store, from), first_mention(store, to)) {
                    (Some(a), Some(b)) => result.push(json!({
                        "from_id": region(a), "to_id": region(b), "type": "relation", "direction": "right",
                        "labels": [name],
                    })),
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
            "discontinuous spans became one region per fragment (ids s<id>_<k>)".into(),
            discontinuous,
        );
        loss(&mut losses, store, "entity links not representable in Label Studio text regions".into(), linked);
        loss(&mut losses, store, "review statuses not representable in Label Studio results".into(), reviewed);
        loss(
            &mut losses,
            store,
            "relations have an entity argument with no mention in the text (Label Studio links regions only)".into(),
            no_mention,
        );
        loss(&mut losses, store, "relation attributes not representable in Label Studio".into(), with_attrs);
        tasks.push(json!({
            "id": n + 1,
            "data": {"text": text.as_str(), "document": store.meta.id},
            "annotations": [{"result": result}],
        }));
    }
    let tasks = serde_json::to_string_pretty(&Value::Array(tasks)).unwrap_or_default();
    Export {
        files: vec![("tasks.json".into(), tasks + "\n"), ("config.xml".into(), config(stores))],
        losses,
        notices: Vec::new(),
    }
}
