//! Two CSV tables for spreadsheets.

use super::*;

/// Two tables for spreadsheets: `claims.csv` (document, id, text, offsets,
/// certainty, source, cue, outlet, review, for web pages the page's
/// address, title and date, to cite, and for PDF and Word files the page
/// the claim starts on) and `relations.csv` (document,
/// id, type, arguments by role, evidence, attributes).
pub fn csv(stores: &[&Store], offsets: Offsets) -> Export {
    let mut claims = ::csv::Writer::from_writer(Vec::new());
    let mut rels = ::csv::Writer::from_writer(Vec::new());
    let _ = claims.write_record([
        "document",
        "id",
        "text",
        "start",
        "end",
        "certainty",
        "source",
        "cue",
        "outlet",
        "review",
        "page_url",
        "page_title",
        "published",
        "page",
    ]);
    let _ = rels.write_record(["document", "id", "type", "arguments", "evidence", "attributes"]);
    for store in stores {
        let text = store.text();
        let show = |t: Target| match t {
            Target::Span(id) => store.span(id).map_or(String::new(), |s| store.quote(s)),
            Target::Entity(id) => store.entity(id).map_or(String::new(), |e| e.name.clone()),
        };
        let role_of = |claim: SpanId, rel: &str, role: &str| -> String {
            store.attribution(claim, rel, role).into_iter().map(show).collect::<Vec<_>>().join("; ")
        };
        let page = store.meta.origin.as_ref().map(|o| &o.page);
        let url = store.meta.origin.as_ref().and_then(|o| o.page_url()).unwrap_or_default().to_owned();
        let title = page.and_then(|p| p.title.clone()).unwrap_or_default();
        let published = page.and_then(|p| p.published.clone()).unwrap_or_default();
        for s in store.spans().filter(|s| store.label_name(s.label) == "Claim") {
            let e = s.extent();
            let cue = [role_of(s.id, "said_by", "cue"), role_of(s.id, "reported_by", "cue")]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            let _ = claims.write_record([
                store.meta.id.clone(),
                s.id.0.to_string(),
                store.quote(s),
                offsets.of(text, e.start()).to_string(),
                offsets.of(text, e.end()).to_string(),
                s.attributes.get("certainty").map(ToString::to_string).unwrap_or_default(),
                role_of(s.id, "said_by", "source"),
                cue,
                role_of(s.id, "reported_by", "outlet"),
                s.review.status.name().to_string(),
                url.clone(),
                title.clone(),
                published.clone(),
                store
                    .meta
                    .origin
                    .as_ref()
                    .and_then(|o| o.page_at(e.start()))
                    .map_or(String::new(), |(p, _)| p.to_string()),
            ]);
        }
        for r in store.relations() {
            let args: Vec<String> = r.args.iter().map(|a| format!("{}={}", a.role, show(a.target))).collect();
            let ev: Vec<String> = r.evidence.iter().map(|e| show(Target::Span(*e))).collect();
            let attrs: Vec<String> = r.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let _ = rels.write_record([
                store.meta.id.clone(),
                r.id.0.to_string(),
                rel_name(store, r),
                args.join("; "),
                ev.join(" | "),
                attrs.join("; "),
            ]);
        }
    }
    let done = |w: ::csv::Writer<Vec<u8>>| String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    Export {
        files: vec![("claims.csv".into(), done(claims)), ("relations.csv".into(), done(rels))],
        losses: Vec::new(),
        notices: Vec::new(),
    }
}
