//! Two CSV tables for spreadsheets.

use std::fmt::Write as _;

use super::*;

/// Two tables for spreadsheets: `claims.csv` (document, id, text, offsets,
/// certainty, source, cue, outlet, review, for web pages the page's
/// address, title and date, to cite, and for PDF and Word files the page
/// the claim starts on, and for a claim accepted from a suggestion the
/// source and version that suggested it and its score) and
/// `relations.csv` (document,
/// id, type, arguments by role, evidence, attributes).
pub fn csv(stores: &[&Store], offsets: Offsets) -> Export {
    Export::collect(|files| write(stores, offsets, files))
}

pub(super) fn write(stores: &[&Store], offsets: Offsets, files: &mut Files) -> Report {
    let mut claims = ::csv::Writer::from_writer(files.create("claims.csv"));
    let mut rels = ::csv::Writer::from_writer(files.create("relations.csv"));
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
        "suggested_by",
        "suggestion_score",
    ]);
    let _ = rels.write_record(["document", "id", "type", "arguments", "evidence", "attributes"]);
    // One row's fields, reused from row to row.
    let mut row: Vec<String> = vec![String::new(); 16];
    let mut rrow: Vec<String> = vec![String::new(); 6];
    for store in stores {
        let text = store.text();
        let table = SpanTable::new(store);
        let show = |out: &mut String, t: Target| match t {
            Target::Span(id) => {
                if let Some(s) = table.get(id) {
                    store.push_quote(s, out);
                }
            }
            Target::Entity(id) => {
                if let Some(e) = store.entity(id) {
                    out.push_str(&e.name);
                }
            }
            Target::Relation(_) => out.push_str(&crate::model::draft::target_text(store, t)),
        };
        let join = |out: &mut String, sep: &str, t: Target| {
            if !out.is_empty() {
                out.push_str(sep);
            }
            show(out, t);
        };
        let page = store.meta.origin.as_ref().map(|o| &o.page);
        let url = store.meta.origin.as_ref().and_then(|o| o.page_url()).unwrap_or_default();
        let title = page.and_then(|p| p.title.as_deref()).unwrap_or_default();
        let published = page.and_then(|p| p.published.as_deref()).unwrap_or_default();
        let schema = store.schema();
        let claim = schema.label_index("Claim").map(|i| i as u16);
        // Each claim's offsets are converted where its text is read (the
        // text's cache line is fetched then anyway).
        for s in store.spans().filter(|s| Some(s.label) == claim) {
            let e = s.extent();
            for f in &mut row {
                f.clear();
            }
            let [
                document,
                id,
                quote,
                start,
                end,
                certainty,
                source,
                cue,
                outlet,
                review,
                page_url,
                page_title,
                date,
                page_no,
                suggested_by,
                suggestion_score,
            ] = &mut row[..]
            else {
                continue;
            };
            document.push_str(&store.meta.id);
            id.push_str(itoa::Buffer::new().format(s.id.0));
            store.push_quote(s, quote);
            start.push_str(itoa::Buffer::new().format(offsets.of(text, e.start())));
            end.push_str(itoa::Buffer::new().format(offsets.of(text, e.end())));
            if let Some(c) = s.attributes.get("certainty") {
                let _ = write!(certainty, "{c}");
            }
            // Source and cue of its `said_by` relations, then the cue and
            // outlet of its `reported_by` ones, each in relation id order.
            let of_kind = |kind: &str| store.claim_relations(s.id, kind);
            let mut reported_cue = String::new();
            for r in of_kind("said_by") {
                r.targets("source").for_each(|t| join(source, "; ", t));
                r.targets("cue").for_each(|t| join(cue, "; ", t));
            }
            for r in of_kind("reported_by") {
                r.targets("cue").for_each(|t| join(&mut reported_cue, "; ", t));
                r.targets("outlet").for_each(|t| join(outlet, "; ", t));
            }
            if !reported_cue.is_empty() {
                if !cue.is_empty() {
                    cue.push_str("; ");
                }
                cue.push_str(&reported_cue);
            }
            review.push_str(s.review.status.name());
            page_url.push_str(url);
            page_title.push_str(title);
            date.push_str(published);
            if let Some((p, _)) = store.meta.origin.as_ref().and_then(|o| o.page_at(e.start())) {
                let _ = write!(page_no, "{p}");
            }
            if let Some(g) = &s.suggested {
                let _ = write!(suggested_by, "{} {}", g.source, g.version);
                let _ = write!(suggestion_score, "{:.3}", f64::from(g.score) / 1000.0);
            }
            let _ = claims.write_record(&row);
        }
        for r in store.relations() {
            for f in &mut rrow {
                f.clear();
            }
            let [document, id, kind, args, evidence, attributes] = &mut rrow[..] else { continue };
            document.push_str(&store.meta.id);
            id.push_str(itoa::Buffer::new().format(r.id.0));
            kind.push_str(store.relation_type(r.kind).map_or("?", |t| t.name.as_str()));
            for a in &r.args {
                if !args.is_empty() {
                    args.push_str("; ");
                }
                args.push_str(&a.role);
                args.push('=');
                show(args, a.target);
            }
            for e in &r.evidence {
                join(evidence, " | ", Target::Span(*e));
            }
            for (k, v) in &r.attributes {
                if !attributes.is_empty() {
                    attributes.push_str("; ");
                }
                let _ = write!(attributes, "{k}={v}");
            }
            let _ = rels.write_record(&rrow);
        }
    }
    for table in [claims, rels] {
        // The writer's last bytes go to a file that never fails a write
        // (its errors are kept for the commit), so this cannot fail.
        match table.into_inner() {
            Ok(out) => files.close(out),
            Err(e) => files.fail(anyhow::anyhow!("a CSV table could not be finished: {}", e.error())),
        }
    }
    Report::default()
}
