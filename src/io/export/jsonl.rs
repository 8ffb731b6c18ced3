//! JSONL (doccano's shape, with Sorot's own data under `sorot`).

use super::*;

/// One line per document in doccano's relation-extraction shape. Sorot's
/// extras (attributes, notes, entity links, entities, n-ary relations,
/// evidence, fragments of discontinuous spans) are under `sorot`.
pub fn jsonl(stores: &[&Store], offsets: Offsets) -> Export {
    Export::collect(|files| write(stores, offsets, files))
}

pub(super) fn write(stores: &[&Store], offsets: Offsets, files: &mut Files) -> Report {
    let mut out = files.create("export.jsonl");
    let mut losses = Vec::new();
    for store in stores {
        let (line, discontinuous, only_extra) = jsonl_line(store, offsets);
        loss(
            &mut losses,
            store,
            "discontinuous spans are entities with their covering range; their fragments are in sorot.fragments".into(),
            discontinuous,
        );
        loss(
            &mut losses,
            store,
            "relations have entity arguments, more than two roles, evidence or attributes: complete only in sorot.relations".into(),
            only_extra,
        );
        // Serialising plain records into an `Out` cannot fail (a file's
        // errors are kept for the commit).
        let _ = serde_json::to_writer(&mut out, &line);
        out.push('\n');
    }
    files.close(out);
    Report { losses, notices: Vec::new() }
}

/// One document's JSONL record, typed (for the performance floor: the same
/// record written by serde_json alone).
#[doc(hidden)]
pub fn jsonl_records(store: &Store, offsets: Offsets) -> impl serde::Serialize + '_ {
    jsonl_line(store, offsets).0
}

// Fields in alphabetical order: the order readers have always seen.
#[derive(serde::Serialize)]
struct JsonlLine<'a> {
    /// Built up front, each offset converted where its span is read (the
    /// text's cache line is fetched then anyway): faster than converting
    /// them all in one sorted sweep while serialising.
    entities: Vec<JsonlEntity<'a>>,
    id: &'a str,
    /// Where a web page's text came from (doccano keeps unknown keys as
    /// the document's metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<JsonlMeta<'a>>,
    relations: Vec<JsonlRelation<'a>>,
    sorot: JsonlExtras<'a>,
    text: &'a str,
}

#[derive(serde::Serialize)]
struct JsonlMeta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    site: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    /// `article` or `whole page`.
    text_of: &'static str,
    extractor: &'a str,
    /// `html`, `pdf`, `docx`, `odt`.
    format: &'a str,
    /// Where each page of a PDF or Word file starts, in the export's
    /// offsets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    page_starts: Vec<usize>,
}

impl<'a> JsonlMeta<'a> {
    fn of(o: &'a crate::model::Origin, text: &Text, offsets: Offsets) -> Self {
        let p = &o.page;
        JsonlMeta {
            title: p.title.as_deref(),
            byline: p.byline.as_deref(),
            published: p.published.as_deref(),
            site: p.site.as_deref(),
            url: o.page_url(),
            text_of: match o.mode {
                crate::model::TextMode::Article => "article",
                crate::model::TextMode::WholePage => "whole page",
            },
            extractor: &o.extractor,
            format: &o.format,
            page_starts: o.pages.iter().map(|&b| offsets.of(text, b)).collect(),
        }
    }
}

#[derive(serde::Serialize)]
struct JsonlEntity<'a> {
    end_offset: usize,
    id: u32,
    label: &'a str,
    start_offset: usize,
}

#[derive(serde::Serialize)]
struct JsonlRelation<'a> {
    from_id: u32,
    id: u32,
    to_id: u32,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(serde::Serialize)]
struct JsonlExtras<'a> {
    /// Whose annotations these are: records of one article by several
    /// annotators share its id (absent when the file names no annotator).
    #[serde(skip_serializing_if = "Option::is_none")]
    annotator: Option<&'a str>,
    entities: Vec<JsonlEntityDef<'a>>,
    entity_links: BTreeMap<String, u32>,
    fragments: BTreeMap<String, Vec<[usize; 2]>>,
    notes: BTreeMap<String, &'a str>,
    offsets: &'static str,
    relations: Vec<JsonlFullRelation<'a>>,
    review: BTreeMap<String, &'static str>,
    /// Reviewers' notes by span (absent when there are none).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    review_notes: BTreeMap<String, &'a str>,
    span_attributes: BTreeMap<String, &'a Attributes>,
    /// Where spans accepted from suggestions came from (absent when none were).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    suggested: BTreeMap<String, JsonlSuggested<'a>>,
}

#[derive(serde::Serialize)]
struct JsonlSuggested<'a> {
    score: f64,
    source: &'a str,
    version: &'a str,
}

#[derive(serde::Serialize)]
struct JsonlEntityDef<'a> {
    aliases: &'a [String],
    external_id: Option<&'a str>,
    id: u32,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(serde::Serialize)]
struct JsonlFullRelation<'a> {
    attributes: &'a Attributes,
    evidence: Vec<u32>,
    id: u32,
    roles: Vec<JsonlRole<'a>>,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(serde::Serialize)]
struct JsonlRole<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<u32>,
    /// Another relation of the record (an event about an event).
    #[serde(skip_serializing_if = "Option::is_none")]
    relation: Option<u32>,
    role: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    span: Option<u32>,
}

/// A document's record, the ids of its discontinuous spans and of the
/// relations complete only under `sorot`.
fn jsonl_line(store: &Store, offsets: Offsets) -> (JsonlLine<'_>, Vec<u32>, Vec<u32>) {
    let text = store.text();
    let mut entities = Vec::with_capacity(store.spans().len());
    let mut extras = JsonlExtras {
        annotator: store.meta.annotator.as_deref(),
        entities: Vec::new(),
        entity_links: BTreeMap::new(),
        fragments: BTreeMap::new(),
        notes: BTreeMap::new(),
        offsets: match offsets {
            Offsets::CodePoints => "code_points",
            Offsets::Utf16 => "utf16",
        },
        relations: Vec::with_capacity(store.relations().len()),
        review: BTreeMap::new(),
        review_notes: BTreeMap::new(),
        span_attributes: BTreeMap::new(),
        suggested: BTreeMap::new(),
    };
    let mut discontinuous = Vec::new();
    for s in store.spans() {
        let e = s.extent();
        entities.push(JsonlEntity {
            end_offset: offsets.of(text, e.end()),
            id: s.id.0,
            label: store.label_name(s.label),
            start_offset: offsets.of(text, e.start()),
        });
        let key = || s.id.0.to_string();
        if s.ranges.len() > 1 {
            discontinuous.push(s.id.0);
            let f = s.ranges.iter().map(|r| [offsets.of(text, r.start()), offsets.of(text, r.end())]).collect();
            extras.fragments.insert(key(), f);
        }
        if !s.attributes.is_empty() {
            extras.span_attributes.insert(key(), &s.attributes);
        }
        if let Some(note) = &s.note {
            extras.notes.insert(key(), note);
        }
        if let Some(e) = s.entity {
            extras.entity_links.insert(key(), e.0);
        }
        if s.review.status != ReviewStatus::Unreviewed {
            extras.review.insert(key(), s.review.status.name());
        }
        if let Some(note) = &s.review.note {
            extras.review_notes.insert(key(), note);
        }
        if let Some(g) = &s.suggested {
            let score = f64::from(g.score) / 1000.0;
            extras.suggested.insert(key(), JsonlSuggested { score, source: &g.source, version: &g.version });
        }
    }
    extras.entities = store
        .entities()
        .map(|e| JsonlEntityDef {
            aliases: &e.aliases,
            external_id: e.external_id.as_deref(),
            id: e.id.0,
            name: &e.name,
            kind: &e.kind,
        })
        .collect();
    let mut relations = Vec::new();
    let mut only_extra = Vec::new();
    for r in store.relations() {
        let kind = store.relation_type(r.kind).map_or("?", |t| t.name.as_str());
        match first_two_spans(r) {
            Some((from, to)) => {
                relations.push(JsonlRelation { from_id: from.0, id: r.id.0, to_id: to.0, kind });
                if binary_spans(r).is_none() || !r.evidence.is_empty() || !r.attributes.is_empty() {
                    only_extra.push(r.id.0);
                }
            }
            None => only_extra.push(r.id.0),
        }
        extras.relations.push(JsonlFullRelation {
            attributes: &r.attributes,
            evidence: r.evidence.iter().map(|e| e.0).collect(),
            id: r.id.0,
            roles: r
                .args
                .iter()
                .map(|a| match a.target {
                    Target::Span(id) => JsonlRole { entity: None, relation: None, role: &a.role, span: Some(id.0) },
                    Target::Entity(id) => JsonlRole { entity: Some(id.0), relation: None, role: &a.role, span: None },
                    Target::Relation(id) => JsonlRole { entity: None, relation: Some(id.0), role: &a.role, span: None },
                })
                .collect(),
            kind,
        });
    }
    let meta = store.meta.origin.as_ref().map(|o| JsonlMeta::of(o, text, offsets));
    let line = JsonlLine { entities, id: &store.meta.id, meta, relations, sorot: extras, text: text.as_str() };
    (line, discontinuous, only_extra)
}
