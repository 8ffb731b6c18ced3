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

use serde_json::{Value, json};

use super::Export;
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
fn context() -> Value {
    json!([CONTEXT, {
        "sorot": VOCAB,
        "sorot:attributes": {"@id": "sorot:attributes", "@type": "@json"},
        "sorot:suggested": {"@id": "sorot:suggested", "@type": "@json"}
    }])
}

fn provenance(p: &Provenance) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("created".into(), json!(rfc3339(p.created)));
    m.insert("modified".into(), json!(rfc3339(p.modified)));
    if !p.author.is_empty() {
        m.insert("creator".into(), json!({"type": "Person", "nickname": &*p.author}));
    }
    m
}

/// One target as itself, several as an array (a one-item array of IRIs is
/// ambiguous under the Working Group's schemas).
fn one_or_many(mut v: Vec<Value>) -> Value {
    if v.len() == 1 { v.remove(0) } else { Value::Array(v) }
}

fn text_body(purpose: &str, value: &str) -> Value {
    json!({"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"})
}

fn wikidata(qid: &str) -> Option<String> {
    let ok = qid.len() > 1 && qid.starts_with('Q') && qid[1..].bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("http://www.wikidata.org/entity/{qid}"))
}

/// Appends one annotation to the page being written: compact JSON, one
/// per line (the page is written as it is made, never held as one tree).
fn push_item(out: &mut Vec<u8>, first: &mut bool, item: &Value) {
    if !std::mem::take(first) {
        out.extend_from_slice(b",\n");
    }
    // Writing a `Value` into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, item);
}

/// `annotations.jsonld`: the collection with its one page, each annotation
/// on a line of its own (with its own `@context`, so it stands alone).
pub fn w3c(stores: &[&Store]) -> Export {
    let total: usize = stores.iter().map(|s| s.spans().len() + s.entities().len() + s.relations().len()).sum();
    let label = match stores {
        [one] => format!("Sorot annotations of {}", one.meta.id),
        _ => format!("Sorot annotations of {} documents", stores.len()),
    };
    let head = json!({
        "@context": context(),
        "id": "urn:sorot:collection",
        "type": "AnnotationCollection",
        "label": label,
        "total": total,
    });
    let page = json!({"id": "urn:sorot:collection:page:1", "type": "AnnotationPage", "startIndex": 0});
    let bytes: usize = stores.iter().map(|s| s.text().len() / 4 + s.spans().len() * 900).sum();
    let mut out: Vec<u8> = Vec::with_capacity(bytes + 4096);
    // `{head…, "first": {page…, "items": [` — the two objects written
    // without their closing braces.
    let open = |v: &Value| {
        let s = v.to_string();
        s[..s.len() - 1].to_owned()
    };
    out.extend_from_slice(open(&head).as_bytes());
    out.extend_from_slice(b",\n\"first\": ");
    out.extend_from_slice(open(&page).as_bytes());
    out.extend_from_slice(b",\n\"items\": [\n");
    let mut first = true;
    for store in stores {
        let text = store.text();
        let doc = format!("urn:sorot:doc:{}", iri_segment(&store.meta.id));
        // A web page is the resource its spans select from: its address
        // (canonical, else the one it was fetched from), and when it was
        // fetched, as a TimeState. Other documents are Sorot's own IRI.
        let origin = store.meta.origin.as_ref();
        let source = origin.and_then(|o| o.page_url()).map_or_else(|| doc.clone(), str::to_owned);
        let state = origin
            .and_then(|o| o.fetch.as_ref())
            .map(|f| json!({"type": "TimeState", "sourceDate": rfc3339(f.retrieved)}));
        let span_iri = |id: SpanId| format!("{doc}:span:{}", id.0);
        let entity_iri = |id: EntityId| format!("{doc}:entity:{}", id.0);
        let iri = |t: Target| match t {
            Target::Span(s) => span_iri(s),
            Target::Entity(e) => entity_iri(e),
        };
        for s in store.spans() {
            let mut body = vec![text_body("classifying", store.label_name(s.label))];
            for (k, v) in &s.attributes {
                body.push(text_body("describing", &format!("{k}: {v}")));
            }
            if let Some(n) = &s.note {
                body.push(text_body("commenting", n));
            }
            if let Some(e) = s.entity.and_then(|e| store.entity(e)) {
                body.push(json!({"type": "SpecificResource", "source": entity_iri(e.id), "purpose": "identifying"}));
            }
            let targets: Vec<Value> = s
                .ranges
                .iter()
                .map(|r| {
                    let mut t = json!({
                        "type": "SpecificResource",
                        "source": source,
                        "selector": [
                            {"type": "TextPositionSelector", "start": text.byte_to_char(r.start()), "end": text.byte_to_char(r.end())},
                            {"type": "TextQuoteSelector", "exact": text.slice(*r), "prefix": text.prefix_before(r.start(), 32), "suffix": text.suffix_after(r.end(), 32)},
                        ],
                    });
                    if let (Some(state), Some(t)) = (&state, t.as_object_mut()) {
                        t.insert("state".into(), state.clone());
                    }
                    t
                })
                .collect();
            let mut a = serde_json::Map::new();
            a.insert("@context".into(), context());
            a.insert("id".into(), json!(span_iri(s.id)));
            a.insert("type".into(), json!("Annotation"));
            a.insert("motivation".into(), json!("classifying"));
            a.extend(provenance(&s.provenance));
            a.insert("body".into(), Value::Array(body));
            a.insert("target".into(), one_or_many(targets));
            if s.review.status != ReviewStatus::Unreviewed {
                a.insert("sorot:review".into(), json!(s.review.status.name()));
            }
            if let Some(note) = &s.review.note {
                a.insert("sorot:reviewNote".into(), json!(note.as_str()));
            }
            if let Some(g) = &s.suggested {
                let score = f64::from(g.score) / 1000.0;
                a.insert("sorot:suggested".into(), json!({"source": g.source, "version": g.version, "score": score}));
            }
            push_item(&mut out, &mut first, &Value::Object(a));
        }
        for e in store.entities() {
            let mut body = vec![text_body("identifying", &e.name), text_body("classifying", &e.kind)];
            for alias in &e.aliases {
                body.push(text_body("describing", &format!("alias: {alias}")));
            }
            if let Some(q) = e.external_id.as_deref() {
                match wikidata(q) {
                    Some(url) => {
                        body.push(json!({"type": "SpecificResource", "source": url, "purpose": "identifying"}))
                    }
                    None => body.push(text_body("identifying", q)),
                }
            }
            let mentions: Vec<Value> = store.mentions_of(e.id).into_iter().map(|m| json!(span_iri(m))).collect();
            let mut a = serde_json::Map::new();
            a.insert("@context".into(), context());
            a.insert("id".into(), json!(entity_iri(e.id)));
            a.insert("type".into(), json!("Annotation"));
            a.insert("motivation".into(), json!("identifying"));
            a.extend(provenance(&e.provenance));
            a.insert("body".into(), Value::Array(body));
            a.insert("target".into(), if mentions.is_empty() { json!(doc) } else { one_or_many(mentions) });
            a.insert("sorot:type".into(), json!(e.kind));
            a.insert("sorot:aliases".into(), json!(e.aliases));
            push_item(&mut out, &mut first, &Value::Object(a));
        }
        for r in store.relations() {
            let name = super::rel_name(store, r);
            let roles: Vec<Value> =
                r.args.iter().map(|a| json!({"sorot:role": a.role, "target": iri(a.target)})).collect();
            let described: Vec<String> = r
                .args
                .iter()
                .map(|a| {
                    let shown = match a.target {
                        Target::Span(id) => store.span(id).map(|s| store.quote(s)).unwrap_or_default(),
                        Target::Entity(id) => store.entity(id).map(|e| e.name.clone()).unwrap_or_default(),
                    };
                    format!("{}: {shown}", a.role)
                })
                .collect();
            let mut body = vec![text_body("classifying", &name), text_body("describing", &described.join("; "))];
            for (k, v) in &r.attributes {
                body.push(text_body("describing", &format!("{k}: {v}")));
            }
            let targets: Vec<Value> = r
                .args
                .iter()
                .map(|a| json!(iri(a.target)))
                .chain(r.evidence.iter().map(|e| json!(span_iri(*e))))
                .collect();
            let mut a = serde_json::Map::new();
            a.insert("@context".into(), context());
            a.insert("id".into(), json!(format!("{doc}:relation:{}", r.id.0)));
            a.insert("type".into(), json!("Annotation"));
            a.insert("motivation".into(), json!("linking"));
            a.extend(provenance(&r.provenance));
            a.insert("body".into(), Value::Array(body));
            a.insert("target".into(), one_or_many(targets));
            a.insert("sorot:relation".into(), json!(name));
            a.insert("sorot:roles".into(), Value::Array(roles));
            a.insert("sorot:evidence".into(), json!(r.evidence.iter().map(|e| span_iri(*e)).collect::<Vec<_>>()));
            a.insert("sorot:attributes".into(), json!(r.attributes));
            push_item(&mut out, &mut first, &Value::Object(a));
        }
    }
    out.extend_from_slice(b"\n]}}\n");
    let out = String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Export { files: vec![("annotations.jsonld".into(), out)], losses: Vec::new(), notices: Vec::new() }
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
