//! W3C Web Annotation (JSON-LD): one `AnnotationCollection` whose first page
//! holds an `Annotation` per span, entity and relation.
//!
//! - A span targets the document with a `TextPositionSelector` (code
//!   points) and a `TextQuoteSelector` (exact, prefix, suffix); a
//!   discontinuous span has one such target per fragment. Its label is a
//!   `classifying` body, its attributes `describing` bodies, its note a
//!   `commenting` body, its entity an `identifying` body.
//! - An entity is an `identifying` annotation of its mentions (Wikidata IRI
//!   when it has one).
//! - A relation is a `linking` annotation whose targets are the annotations
//!   of its arguments and evidence; roles, evidence and attributes are also
//!   given under `sorot:` keys (declared in the context), so nothing is lost.

use serde::{Serialize, Serializer};

use super::{Export, Files, Out, Report};
use crate::model::*;

pub const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
const VOCAB: &str = "https://github.com/sorot-app/sorot/ns#";

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn iri_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() { "_".into() } else { out }
}

/// `YYYY-MM-DDThh:mm:ssZ` for a Unix time (proleptic Gregorian, UTC).
pub fn rfc3339(t: Timestamp) -> String {
    let secs = t.0;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The annotation context plus Sorot's: the `sorot:` prefix, and the
/// attribute maps as JSON literals (their keys are the schema's attribute
/// names, which no context defines), so a JSON-LD processor keeps every
/// key. Role arguments are objects of `sorot:role` (a compact IRI) and
/// `target` (anno.jsonld's `oa:hasTarget`, an IRI).
#[derive(Clone, Copy)]
struct Context;

#[derive(Serialize)]
struct SorotTerms {
    sorot: &'static str,
    #[serde(rename = "sorot:attributes")]
    attributes: JsonLiteral,
    #[serde(rename = "sorot:suggested")]
    suggested: JsonLiteral,
}

#[derive(Serialize)]
struct JsonLiteral {
    #[serde(rename = "@id")]
    id: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

impl Serialize for Context {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let terms = SorotTerms {
            sorot: VOCAB,
            attributes: JsonLiteral { id: "sorot:attributes", kind: "@json" },
            suggested: JsonLiteral { id: "sorot:suggested", kind: "@json" },
        };
        (CONTEXT, terms).serialize(s)
    }
}

// Every record below lists its fields in byte order of their names, the
// order serde_json gives a map, so the file reads the same as when it was
// written from JSON trees.

#[derive(Serialize)]
struct Creator<'a> {
    nickname: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// An IRI made of a document IRI, a kind and an id: `<doc>:span:<id>`.
#[derive(Clone, Copy)]
struct Iri<'a>(&'a str, &'static str, u32);

impl Serialize for Iri<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}:{}:{}", self.0, self.1, self.2))
    }
}

/// One item as itself, several as an array (a one-item array of IRIs is
/// ambiguous under the Working Group's schemas).
struct OneOrMany<T>(Vec<T>);

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(s),
            all => all.serialize(s),
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Text {
        format: &'static str,
        purpose: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
        value: std::borrow::Cow<'a, str>,
    },
    Resource {
        purpose: &'static str,
        source: Source<'a>,
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

#[derive(Serialize)]
#[serde(untagged)]
enum Source<'a> {
    Iri(Iri<'a>),
    Url(String),
}

fn text_body<'a>(purpose: &'static str, value: impl Into<std::borrow::Cow<'a, str>>) -> Body<'a> {
    Body::Text { format: "text/plain", purpose, kind: "TextualBody", value: value.into() }
}

fn identifying(source: Source<'_>) -> Body<'_> {
    Body::Resource { purpose: "identifying", source, kind: "SpecificResource" }
}

#[derive(Serialize)]
struct Position {
    end: usize,
    start: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Quote<'a> {
    exact: &'a str,
    prefix: &'a str,
    suffix: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize, Clone)]
struct TimeState {
    #[serde(rename = "sourceDate")]
    source_date: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TextTarget<'a> {
    selector: (Position, Quote<'a>),
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a TimeState>,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct SuggestedBy<'a> {
    score: f64,
    source: &'a str,
    version: &'a str,
}

/// An annotation: what every kind has, its kind's own `sorot:` keys
/// (which sort between `motivation` and `target`), and its target.
#[derive(Serialize)]
struct Annotation<'a, Own, T> {
    #[serde(rename = "@context")]
    context: Context,
    body: Vec<Body<'a>>,
    created: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    creator: Option<Creator<'a>>,
    id: Iri<'a>,
    modified: String,
    motivation: &'static str,
    #[serde(flatten)]
    own: Own,
    target: T,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl<'a, Own, T> Annotation<'a, Own, T> {
    fn new(id: Iri<'a>, p: &'a Provenance, motivation: &'static str, body: Vec<Body<'a>>, own: Own, target: T) -> Self {
        Annotation {
            context: Context,
            body,
            created: rfc3339(p.created),
            creator: (!p.author.is_empty()).then(|| Creator { nickname: &p.author, kind: "Person" }),
            id,
            modified: rfc3339(p.modified),
            motivation,
            own,
            target,
            kind: "Annotation",
        }
    }
}

#[derive(Serialize)]
struct SpanKeys<'a> {
    #[serde(rename = "sorot:review", skip_serializing_if = "Option::is_none")]
    review: Option<&'static str>,
    #[serde(rename = "sorot:reviewNote", skip_serializing_if = "Option::is_none")]
    review_note: Option<&'a str>,
    #[serde(rename = "sorot:suggested", skip_serializing_if = "Option::is_none")]
    suggested: Option<SuggestedBy<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum EntityTarget<'a> {
    Document(&'a str),
    Mentions(OneOrMany<Iri<'a>>),
}

#[derive(Serialize)]
struct EntityKeys<'a> {
    #[serde(rename = "sorot:aliases")]
    aliases: &'a [String],
    #[serde(rename = "sorot:type")]
    entity_type: &'a str,
}

#[derive(Serialize)]
struct Role<'a> {
    #[serde(rename = "sorot:role")]
    role: &'a str,
    target: Iri<'a>,
}

#[derive(Serialize)]
struct RelationKeys<'a> {
    #[serde(rename = "sorot:attributes")]
    attributes: &'a Attributes,
    #[serde(rename = "sorot:evidence")]
    evidence: Vec<Iri<'a>>,
    #[serde(rename = "sorot:relation")]
    relation: &'a str,
    #[serde(rename = "sorot:roles")]
    roles: Vec<Role<'a>>,
}

fn wikidata(qid: &str) -> Option<String> {
    let ok = qid.len() > 1 && qid.starts_with('Q') && qid[1..].bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("http://www.wikidata.org/entity/{qid}"))
}

/// Appends one annotation to the page being written: compact JSON, one
/// per line (the page is written as it is made, never held as one tree).
fn push_item(out: &mut Out, first: &mut bool, item: &impl Serialize) {
    if !std::mem::take(first) {
        out.push_str(",\n");
    }
    // Writing into an `Out` cannot fail (a file's errors are kept for the
    // commit).
    let _ = serde_json::to_writer(&mut *out, item);
}

/// Writes an object without its closing brace, for members to follow.
fn write_open(out: &mut Out, v: &impl Serialize) {
    // Writing into memory cannot fail.
    let mut json = serde_json::to_string(v).unwrap_or_default();
    json.pop();
    out.push_str(&json);
}

#[derive(Serialize)]
struct Collection<'a> {
    #[serde(rename = "@context")]
    context: Context,
    id: &'static str,
    label: &'a str,
    total: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct Page {
    id: &'static str,
    #[serde(rename = "startIndex")]
    start_index: usize,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// `annotations.jsonld`: the collection with its one page, each annotation
/// on a line of its own (with its own `@context`, so it stands alone).
pub fn w3c(stores: &[&Store]) -> Export {
    Export::collect(|files| write(stores, files))
}

pub(super) fn write(stores: &[&Store], files: &mut Files) -> Report {
    let total: usize = stores.iter().map(|s| s.spans().len() + s.entities().len() + s.relations().len()).sum();
    let label = match stores {
        [one] => format!("Sorot annotations of {}", one.meta.id),
        _ => format!("Sorot annotations of {} documents", stores.len()),
    };
    let head =
        Collection { context: Context, id: "urn:sorot:collection", label: &label, total, kind: "AnnotationCollection" };
    let page = Page { id: "urn:sorot:collection:page:1", start_index: 0, kind: "AnnotationPage" };
    // Room for what is usually written (an annotation with its context
    // takes 600–1,000 bytes), so the buffer is rarely copied to grow.
    let bytes: usize =
        stores.iter().map(|s| (s.spans().len() + s.entities().len() + s.relations().len()) * 1_000).sum();
    let mut out = files.create("annotations.jsonld");
    out.reserve(bytes + 4096);
    // `{head…, "first": {page…, "items": [` — the two objects written
    // without their closing braces.
    write_open(&mut out, &head);
    out.push_str(",\n\"first\": ");
    write_open(&mut out, &page);
    out.push_str(",\n\"items\": [\n");
    let mut first = true;
    for store in stores {
        let text = store.text();
        let doc = format!("urn:sorot:doc:{}", iri_segment(&store.meta.id));
        // A web page is the resource its spans select from: its address
        // (canonical, else the one it was fetched from), and when it was
        // fetched, as a TimeState. Other documents are Sorot's own IRI.
        let origin = store.meta.origin.as_ref();
        let source = origin.and_then(|o| o.page_url()).unwrap_or(&doc);
        let state = origin
            .and_then(|o| o.fetch.as_ref())
            .map(|f| TimeState { source_date: rfc3339(f.retrieved), kind: "TimeState" });
        let span_iri = |id: SpanId| Iri(&doc, "span", id.0);
        let entity_iri = |id: EntityId| Iri(&doc, "entity", id.0);
        let iri = |t: Target| match t {
            Target::Span(s) => span_iri(s),
            Target::Entity(e) => entity_iri(e),
            // Another annotation of this file: a relation about a relation.
            Target::Relation(r) => Iri(&doc, "relation", r.0),
        };
        for s in store.spans() {
            let mut body = vec![text_body("classifying", store.label_name(s.label))];
            for (k, v) in &s.attributes {
                body.push(text_body("describing", format!("{k}: {v}")));
            }
            if let Some(n) = &s.note {
                body.push(text_body("commenting", n.as_str()));
            }
            if let Some(e) = s.entity.and_then(|e| store.entity(e)) {
                body.push(identifying(Source::Iri(entity_iri(e.id))));
            }
            let targets = s
                .ranges
                .iter()
                .map(|r| {
                    let (start, end) = (text.byte_to_char(r.start()), text.byte_to_char(r.end()));
                    TextTarget {
                        selector: (
                            Position { end, start, kind: "TextPositionSelector" },
                            Quote {
                                exact: text.slice(*r),
                                prefix: text.prefix_before(r.start(), 32),
                                suffix: text.suffix_after(r.end(), 32),
                                kind: "TextQuoteSelector",
                            },
                        ),
                        source,
                        state: state.as_ref(),
                        kind: "SpecificResource",
                    }
                })
                .collect();
            let own = SpanKeys {
                review: (s.review.status != ReviewStatus::Unreviewed).then(|| s.review.status.name()),
                review_note: s.review.note.as_deref().map(String::as_str),
                suggested: s.suggested.as_ref().map(|g| SuggestedBy {
                    score: f64::from(g.score) / 1000.0,
                    source: &g.source,
                    version: &g.version,
                }),
            };
            let a = Annotation::new(span_iri(s.id), &s.provenance, "classifying", body, own, OneOrMany(targets));
            push_item(&mut out, &mut first, &a);
        }
        for e in store.entities() {
            let mut body = vec![text_body("identifying", e.name.as_str()), text_body("classifying", e.kind.as_str())];
            for alias in &e.aliases {
                body.push(text_body("describing", format!("alias: {alias}")));
            }
            if let Some(q) = e.external_id.as_deref() {
                match wikidata(q) {
                    Some(url) => body.push(identifying(Source::Url(url))),
                    None => body.push(text_body("identifying", q)),
                }
            }
            let mentions: Vec<Iri> = store.mentions_of(e.id).into_iter().map(span_iri).collect();
            let target = if mentions.is_empty() {
                EntityTarget::Document(&doc)
            } else {
                EntityTarget::Mentions(OneOrMany(mentions))
            };
            let own = EntityKeys { aliases: &e.aliases, entity_type: &e.kind };
            let a = Annotation::new(entity_iri(e.id), &e.provenance, "identifying", body, own, target);
            push_item(&mut out, &mut first, &a);
        }
        for r in store.relations() {
            let name = store.relation_type(r.kind).map_or("?", |t| t.name.as_str());
            let described: Vec<String> = r
                .args
                .iter()
                .map(|a| {
                    let shown = match a.target {
                        Target::Span(id) => store.span(id).map(|s| store.quote(s)).unwrap_or_default(),
                        Target::Entity(id) => store.entity(id).map(|e| e.name.clone()).unwrap_or_default(),
                        Target::Relation(_) => crate::model::draft::target_text(store, a.target),
                    };
                    format!("{}: {shown}", a.role)
                })
                .collect();
            let mut body = vec![text_body("classifying", name), text_body("describing", described.join("; "))];
            for (k, v) in &r.attributes {
                body.push(text_body("describing", format!("{k}: {v}")));
            }
            let targets = r.args.iter().map(|a| iri(a.target)).chain(r.evidence.iter().map(|e| span_iri(*e))).collect();
            let own = RelationKeys {
                attributes: &r.attributes,
                evidence: r.evidence.iter().map(|e| span_iri(*e)).collect(),
                relation: name,
                roles: r.args.iter().map(|a| Role { role: &a.role, target: iri(a.target) }).collect(),
            };
            let id = Iri(&doc, "relation", r.id.0);
            let a = Annotation::new(id, &r.provenance, "linking", body, own, OneOrMany(targets));
            push_item(&mut out, &mut first, &a);
        }
    }
    out.push_str("\n]}}\n");
    files.close(out);
    Report::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(rfc3339(Timestamp(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(Timestamp(1_700_000_000)), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(Timestamp(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(Timestamp(-1)), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn iri_segments_are_percent_encoded() {
        assert_eq!(iri_segment("a b/ü"), "a%20b%2F%C3%BC");
        assert_eq!(iri_segment(""), "_");
    }
}
