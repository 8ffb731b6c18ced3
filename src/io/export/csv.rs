//! Two CSV tables for spreadsheets.

use std::fmt::Write as _;

use super::*;

/// Two tables for spreadsheets: `claims.csv` (document, id, text, offsets,
/// certainty, source, cue, outlet, review, for web pages the page's
/// address, title and date, to cite, and for PDF and Word files the page
/// the claim starts on, and for a claim accepted from a suggestion the
/// source and version that suggested it and its score) and
/// `relations.csv` (document,
/// id, type, arguments by role, evidence, attributes). Spans that are not
/// claims are reported as lost (they have no rows).
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
    let mut losses = Vec::new();
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
        // The other spans have no rows: a newcomer's folder of names and
        // places exported as two empty tables, "Nothing lost".
        let others: Vec<u32> = store.spans().filter(|s| Some(s.label) != claim).map(|s| s.id.0).collect();
        loss(
            &mut losses,
            store,
            "spans that are not claims have no rows of their own in CSV (the text of those a claim or \
             relation uses is in its row; JSONL, brat and W3C keep every span)"
                .into(),
            others,
        );
        // Each claim's said_by and reported_by relations, found in one pass
        // over the relations instead of through the index claim by claim.
        let attributions = Attributions::new(store);
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
            let mut reported_cue = String::new();
            for r in attributions.of(s.id, Attribution::SaidBy) {
                r.targets("source").for_each(|t| join(source, "; ", t));
                r.targets("cue").for_each(|t| join(cue, "; ", t));
            }
            for r in attributions.of(s.id, Attribution::ReportedBy) {
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
    Report { losses, notices: Vec::new() }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Attribution {
    SaidBy,
    ReportedBy,
}

/// The said_by and reported_by relations of every claim (the relations in
/// which it fills the role `claim`), by claim, kind and relation id: what
/// [`Store::claim_relations`] answers for one claim, for all at once.
struct Attributions<'a>(Vec<(SpanId, Attribution, RelationId, &'a Relation)>);

impl<'a> Attributions<'a> {
    fn new(store: &'a Store) -> Self {
        let schema = store.schema();
        let kinds: Vec<(u16, Attribution)> =
            [("said_by", Attribution::SaidBy), ("reported_by", Attribution::ReportedBy)]
                .into_iter()
                .filter_map(|(name, a)| schema.relation_index(name).map(|k| (k as u16, a)))
                .collect();
        let mut v = Vec::new();
        for r in store.relations() {
            let Some(&(_, kind)) = kinds.iter().find(|(k, _)| *k == r.kind) else { continue };
            let mut claims: Vec<SpanId> =
                r.targets("claim").filter_map(|t| if let Target::Span(id) = t { Some(id) } else { None }).collect();
            claims.sort_unstable();
            claims.dedup();
            v.extend(claims.into_iter().map(|c| (c, kind, r.id, r)));
        }
        v.sort_unstable_by_key(|&(c, k, id, _)| (c, k, id));
        Attributions(v)
    }

    fn of(&self, claim: SpanId, kind: Attribution) -> impl Iterator<Item = &'a Relation> + '_ {
        let from = self.0.partition_point(|&(c, k, _, _)| (c, k) < (claim, kind));
        self.0[from..].iter().take_while(move |&&(c, k, _, _)| (c, k) == (claim, kind)).map(|&(_, _, _, r)| r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// All claims' attributions found at once are what the store's index
    /// answers claim by claim, in the same order: also for a claim with a
    /// reported_by relation and then two said_by ones, and a claim
    /// that is only evidence of a relation.
    #[test]
    fn attributions_at_once_equal_the_index_claim_by_claim() {
        let mut store = crate::fixture::store(40_000, 400, 60, 11);
        let claim = store.schema().label_index("Claim").map(|i| i as u16);
        let claims: Vec<SpanId> = store.spans().filter(|s| Some(s.label) == claim).map(|s| s.id).collect();
        let labelled = |name: &str, n: usize| -> Vec<SpanId> {
            let l = store.schema().label_index(name).map(|i| i as u16);
            store.spans().filter(|s| Some(s.label) == l).map(|s| s.id).take(n).collect()
        };
        let sources = labelled("Source", 3);
        let countries = labelled("Country", 2);
        let schema = store.schema().clone();
        let kind = |name: &str| schema.relation_index(name).map(|k| k as u16).unwrap_or(0);
        let author = crate::model::Name::from("t");
        let t0 = crate::model::Timestamp(1_700_000_000);
        let mut add = |kind: u16, args: Vec<(&str, SpanId)>, evidence: Vec<SpanId>| {
            let args = args.into_iter().map(|(role, id)| RoleArg { role: role.into(), target: Target::Span(id) });
            let mut r =
                Relation::new(RelationId(store.alloc_id()), kind, args.collect(), Provenance::shared(author, t0));
            r.evidence = evidence;
            assert!(store.apply(crate::model::Edit::AddRelation(r)).is_ok());
        };
        let last = *claims.last().expect("claims");
        add(kind("reported_by"), vec![("claim", last), ("outlet", sources[2])], vec![]);
        add(kind("said_by"), vec![("claim", last), ("source", sources[0])], vec![]);
        add(kind("said_by"), vec![("claim", last), ("source", sources[1])], vec![]);
        add(kind("arms_transfer"), vec![("supplier", countries[0]), ("recipient", countries[1])], vec![claims[0]]);
        let all = Attributions::new(&store);
        let ids = |rs: Vec<&Relation>| rs.into_iter().map(|r| r.id).collect::<Vec<_>>();
        for c in &claims {
            for (name, a) in [("said_by", Attribution::SaidBy), ("reported_by", Attribution::ReportedBy)] {
                assert_eq!(ids(all.of(*c, a).collect()), ids(store.claim_relations(*c, name)), "claim {c:?} {name}");
            }
        }
        assert_eq!(all.of(last, Attribution::SaidBy).count(), 2);
        assert_eq!(all.of(last, Attribution::ReportedBy).count(), 1);
    }
}
