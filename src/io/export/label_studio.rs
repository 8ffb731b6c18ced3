//! Label Studio: a JSON list of tasks (`data.text` plus one annotation whose
//! `result` holds `labels` regions, per-region `choices`/`textarea` for
//! attributes and notes, and `relation` links) and the labeling config XML
//! generated from the schema, so the export imports into Label Studio as is.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::{Export, Files, Offsets, Report, first_mention, loss, relation_links, suggested_loss};
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

/// A region's id: `s<span id>`, or `s<span id>_<k>` for a later fragment.
#[derive(Clone, Copy)]
struct RegionId(u32, usize);

impl Serialize for RegionId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            0 => s.collect_str(&format_args!("s{}", self.0)),
            k => s.collect_str(&format_args!("s{}_{k}", self.0)),
        }
    }
}

/// The `value` of a region result (fields in the order Label Studio's
/// own exports sort them).
#[derive(Serialize)]
#[serde(untagged)]
enum RegionValue<'a> {
    Labels {
        end: usize,
        labels: [&'a str; 1],
        start: usize,
        text: &'a str,
    },
    Choices {
        choices: [&'a str; 1],
        end: usize,
        start: usize,
        text: &'a str,
    },
    /// A per-region text area: its `text` is the typed text, not the region's.
    TextArea {
        end: usize,
        start: usize,
        text: [&'a str; 1],
    },
}

#[derive(Serialize)]
#[serde(untagged)]
enum Item<'a> {
    Region {
        from_name: &'a str,
        id: RegionId,
        origin: &'static str,
        to_name: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        value: RegionValue<'a>,
    },
    Relation {
        direction: &'static str,
        from_id: RegionId,
        labels: [String; 1],
        to_id: RegionId,
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

#[derive(Serialize)]
struct Task<'a> {
    annotations: [Annotation<'a>; 1],
    data: Data<'a>,
    id: usize,
}

#[derive(Serialize)]
struct Annotation<'a> {
    result: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Data<'a> {
    document: &'a str,
    text: &'a str,
}

fn region<'a>(from_name: &'a str, id: RegionId, kind: &'static str, value: RegionValue<'a>) -> Item<'a> {
    Item::Region { from_name, id, origin: "manual", to_name: "text", kind, value }
}

/// serde_json's pretty printing (two spaces), begun one level in: a task
/// printed on its own reads as an element of the list.
struct Nested {
    level: usize,
    has_value: bool,
}

impl Nested {
    fn indent<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }
    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }
    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// `tasks.json` and `config.xml`.
pub fn label_studio(stores: &[&Store], offsets: Offsets) -> Export {
    Export::collect(|files| write(stores, offsets, files))
}

pub(super) fn write(stores: &[&Store], offsets: Offsets, files: &mut Files) -> Report {
    let mut out = files.create("tasks.json");
    // Room for what is usually written (a region takes about 450 bytes
    // pretty-printed, a link 200), so a list kept in memory is rarely
    // copied to grow.
    let room = |s: &&Store| s.text().len() + s.spans().len() * 500 + s.relations().len() * 3 * 200;
    out.reserve(stores.iter().map(room).sum());
    out.push_str("[");
    let mut losses = Vec::new();
    for (n, store) in stores.iter().enumerate() {
        let text = store.text();
        let mut result = Vec::with_capacity(store.spans().len() + store.relations().len());
        let (mut discontinuous, mut linked, mut reviewed) = (Vec::new(), Vec::new(), Vec::new());
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
                let id = RegionId(s.id.0, k);
                // Converted where the span's text is read (its cache line
                // is fetched then anyway).
                let (start, end) = (offsets.of(text, r.start()), offsets.of(text, r.end()));
                let quote = text.slice(*r);
                let region = |from_name, kind, value| region(from_name, id, kind, value);
                result.push(region(
                    "label",
                    "labels",
                    RegionValue::Labels { end, labels: [label], start, text: quote },
                ));
                if k > 0 {
                    continue;
                }
                for (name, v) in &s.attributes {
                    let choice = |c| RegionValue::Choices { choices: [c], end, start, text: quote };
                    let item = match v {
                        AttrValue::Bool(false) => continue,
                        AttrValue::Bool(true) => region(name, "choices", choice(name)),
                        AttrValue::Text(t) => {
                            let is_choice = store
                                .schema()
                                .label(s.label as usize)
                                .and_then(|l| l.attributes.iter().find(|a| &a.name == name))
                                .is_some_and(|a| matches!(a.kind, AttrKind::Choice(_)));
                            if is_choice {
                                region(name, "choices", choice(t))
                            } else {
                                region(name, "textarea", RegionValue::TextArea { end, start, text: [t] })
                            }
                        }
                    };
                    result.push(item);
                }
                if let Some(note) = &s.note {
                    result.push(region("note", "textarea", RegionValue::TextArea { end, start, text: [note] }));
                }
            }
        }
        let (mut no_mention, mut with_attrs, mut nested) = (Vec::new(), Vec::new(), Vec::new());
        for rel in store.relations() {
            if rel.args.iter().any(|a| matches!(a.target, crate::model::Target::Relation(_))) {
                nested.push(rel.id.0);
            }
            for (name, from, to) in relation_links(store, rel) {
                match (first_mention(store, from), first_mention(store, to)) {
                    (Some(a), Some(b)) => result.push(Item::Relation {
                        direction: "right",
                        from_id: RegionId(a.0, 0),
                        labels: [name],
                        to_id: RegionId(b.0, 0),
                        kind: "relation",
                    }),
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
        suggested_loss(&mut losses, store, "Label Studio results");
        loss(
            &mut losses,
            store,
            "relations use another relation, which Label Studio cannot link: linked at the span it stands at".into(),
            nested,
        );
        let task = Task {
            annotations: [Annotation { result }],
            data: Data { document: &store.meta.id, text: text.as_str() },
            id: n + 1,
        };
        // The list pretty-printed as serde_json would print it whole, one
        // task at a time, so no document's results outlive it.
        out.push_str(if n == 0 { "\n  " } else { ",\n  " });
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested { level: 1, has_value: false });
        // Serialising into an `Out` cannot fail (a file's errors are kept
        // for the commit).
        let _ = task.serialize(&mut ser);
    }
    out.push_str(if stores.is_empty() { "]\n" } else { "\n]\n" });
    files.close(out);
    files.whole("config.xml", &config(stores));
    Report { losses, notices: Vec::new() }
}
