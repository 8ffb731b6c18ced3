//! Writing: one deterministic line per item.

use super::*;

pub(super) fn one_line<T: Serialize>(value: &T) -> String {
    let config = ron::ser::PrettyConfig::new()
        .new_line("")
        .indentor("")
        .separator(" ")
        .compact_arrays(true)
        .compact_structs(true)
        .compact_maps(true);
    // Serialising our own plain data types cannot fail.
    ron::ser::to_string_pretty(value, config).unwrap_or_default()
}

/// Writes `s` as a RON string exactly as `ron` does (each character through
/// `char::escape_debug`), but copying runs of plain ASCII at once: the
/// article text is most of a file, and `ron` checks every character.
pub(super) fn push_ron_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let plain = match c {
            '"' | '\\' | '\'' => false,
            ' '..='~' => true,
            c if c.is_ascii() => false,
            c => written_as_is(c),
        };
        if !plain {
            out.push_str(&s[start..i]);
            out.extend(c.escape_debug());
            start = i + c.len_utf8();
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether `char::escape_debug` leaves `c` as it is. Looked up in a table
/// for the first two planes (letters of every script, emoji; built once
/// from `escape_debug` itself, 16 KiB), so long non-Latin texts are not
/// checked character by character.
pub(super) fn written_as_is(c: char) -> bool {
    const PLANES: usize = 0x20000;
    static TABLE: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let cp = c as usize;
    if cp >= PLANES {
        return c.escape_debug().len() == 1;
    }
    let table = TABLE.get_or_init(|| {
        let mut t = vec![0u64; PLANES / 64];
        for (cp, c) in (0..PLANES as u32).filter_map(|cp| char::from_u32(cp).map(|c| (cp as usize, c))) {
            if c.escape_debug().len() == 1 {
                t[cp / 64] |= 1 << (cp % 64);
            }
        }
        t
    });
    table[cp / 64] >> (cp % 64) & 1 == 1
}

/// A span's line, exactly as `one_line(&span_dto(..))` writes it, without
/// going through the RON serializer (spans are most of a file's lines).
pub(super) fn push_span_line(out: &mut String, store: &Store, s: &Span) {
    use std::fmt::Write as _;
    let _ = write!(out, "(id: {}, label: ", s.id.0);
    push_ron_str(out, store.label_name(s.label));
    out.push_str(", ranges: [");
    for (i, r) in s.ranges.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "(start_byte: {}, end_byte: {}, quote: ", r.start, r.end);
        push_ron_str(out, store.text().slice(*r));
        out.push(')');
    }
    out.push(']');
    if let Some(e) = s.entity {
        let _ = write!(out, ", entity: Some({})", e.0);
    }
    if !s.attributes.is_empty() {
        out.push_str(", attributes: {");
        for (i, (k, v)) in s.attributes.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_ron_str(out, k);
            out.push_str(": ");
            match v {
                AttrValue::Bool(b) => {
                    let _ = write!(out, "{b}");
                }
                AttrValue::Text(t) => push_ron_str(out, t),
            }
        }
        out.push('}');
    }
    if let Some(n) = &s.note {
        out.push_str(", note: Some(");
        push_ron_str(out, n);
        out.push(')');
    }
    if let Some(r) = review_dto(&s.review) {
        let _ = write!(out, ", review: Some({})", one_line(&r));
    }
    if let Some(g) = &s.suggested {
        out.push_str(", suggested: Some((source: ");
        push_ron_str(out, &g.source);
        out.push_str(", version: ");
        push_ron_str(out, &g.version);
        let _ = write!(out, ", score_per_mille: {}))", g.score);
    }
    out.push_str(", author: ");
    push_ron_str(out, &s.provenance.author);
    let _ = write!(
        out,
        ", created_unix: {}, modified_unix: {})",
        s.provenance.created.secs(),
        s.provenance.modified.secs()
    );
}

pub(super) fn review_dto(r: &Review) -> Option<ReviewDto> {
    if r.status == ReviewStatus::Unreviewed && r.reviewer.is_none() && r.reviewed.is_none() && r.note.is_none() {
        return None;
    }
    Some(ReviewDto {
        status: match r.status {
            ReviewStatus::Unreviewed => ReviewStatusDto::Unreviewed,
            ReviewStatus::Accepted => ReviewStatusDto::Accepted,
            ReviewStatus::Rejected => ReviewStatusDto::Rejected,
            ReviewStatus::Flagged => ReviewStatusDto::Flagged,
        },
        by: r.reviewer.as_deref().map(str::to_owned),
        at_unix: r.reviewed.map(|t| t.0),
        note: r.note.as_deref().cloned(),
    })
}

pub(super) fn document_dto(store: &Store) -> DocumentDto {
    let meta = &store.meta;
    DocumentDto {
        id: meta.id.clone(),
        original_path: meta.original_path.clone(),
        encoding: meta.encoding.clone(),
        sha256: sha256_hex(store.text().as_str()),
        state: match meta.state {
            DocState::New => DocStateDto::New,
            DocState::InProgress => DocStateDto::InProgress,
            DocState::Done => DocStateDto::Done,
            DocState::Reviewed => DocStateDto::Reviewed,
        },
        annotator: meta.annotator.clone(),
        origin: meta.origin.as_ref().map(super::dto::OriginDto::from_model),
        adjudication: meta.adjudication.as_deref().map(super::dto::AdjudicationDto::from_model),
    }
}

pub(super) fn entity_dto(e: &Entity) -> EntityDto {
    EntityDto {
        id: e.id.0,
        name: e.name.clone(),
        kind: e.kind.clone(),
        aliases: e.aliases.clone(),
        external_id: e.external_id.clone(),
        note: e.note.clone(),
        author: e.provenance.author.to_string(),
        created_unix: e.provenance.created.0,
        modified_unix: e.provenance.modified.0,
    }
}

pub(super) fn span_dto(store: &Store, s: &Span) -> SpanDto {
    SpanDto {
        id: s.id.0,
        label: store.label_name(s.label).to_owned(),
        ranges: s
            .ranges
            .iter()
            .map(|r| RangeDto {
                start_byte: r.start.into(),
                end_byte: r.end.into(),
                quote: store.text().slice(*r).to_owned(),
            })
            .collect(),
        entity: s.entity.map(|e| e.0),
        attributes: s.attributes.clone().into(),
        note: s.note.as_deref().cloned(),
        review: review_dto(&s.review),
        suggested: s.suggested.as_deref().map(|g| SuggestedDto {
            source: g.source.clone(),
            version: g.version.clone(),
            score_per_mille: g.score,
        }),
        author: s.provenance.author.to_string(),
        created_unix: s.provenance.created.0,
        modified_unix: s.provenance.modified.0,
    }
}

pub(super) fn relation_dto(store: &Store, r: &Relation) -> RelationDto {
    RelationDto {
        id: r.id.0,
        kind: store.relation_type(r.kind).map_or("?", |t| t.name.as_str()).to_owned(),
        args: r
            .args
            .iter()
            .map(|a| match a.target {
                Target::Span(id) => ArgDto::Span(a.role.to_string(), id.0),
                Target::Entity(id) => ArgDto::Entity(a.role.to_string(), id.0),
                Target::Relation(id) => ArgDto::Relation(a.role.to_string(), id.0),
            })
            .collect(),
        evidence: r.evidence.iter().map(|e| e.0).collect(),
        attributes: r.attributes.clone().into(),
        note: r.note.as_deref().cloned(),
        review: review_dto(&r.review),
        author: r.provenance.author.to_string(),
        created_unix: r.provenance.created.0,
        modified_unix: r.provenance.modified.0,
    }
}

/// Writes a store as the text of a `.sorot.ron` file.
pub fn to_ron_string(store: &Store) -> String {
    let text = store.text();
    let schema = store.schema();
    let document = document_dto(store);
    let mut out = String::with_capacity(text.len() * 2 + store.spans().len() * 200 + 4096);
    out.push_str(
        "// Sorot annotation file. Offsets are UTF-8 byte offsets into `text`; each range repeats its quote.\n(\n",
    );
    out.push_str(&format!("    format_version: {FORMAT_VERSION},\n"));
    out.push_str(&format!("    document: {},\n", one_line(&document)));
    out.push_str(&format!("    next_id: {},\n", store.next_id()));
    let list = |out: &mut String, name: &str, items: &mut dyn Iterator<Item = String>| {
        out.push_str(&format!("    {name}: ["));
        let mut any = false;
        for item in items {
            if !any {
                out.push('\n');
                any = true;
            }
            out.push_str("        ");
            out.push_str(&item);
            out.push_str(",\n");
        }
        out.push_str(if any { "    ],\n" } else { "],\n" });
    };
    list(&mut out, "entities", &mut store.entities().map(|e| one_line(&entity_dto(e))));
    list(
        &mut out,
        "spans",
        &mut store.spans().map(|s| {
            let mut line = String::with_capacity(160);
            push_span_line(&mut line, store, s);
            line
        }),
    );
    list(&mut out, "relations", &mut store.relations().map(|r| one_line(&relation_dto(store, r))));
    if store.rejected().next().is_some() {
        list(
            &mut out,
            "rejected",
            &mut store.rejected().map(|(r, label)| {
                one_line(&RejectedDto {
                    start_byte: r.start.into(),
                    end_byte: r.end.into(),
                    label: store.label_name(label).to_owned(),
                    quote: store.text().slice(r).to_owned(),
                })
            }),
        );
    }
    // The schema: one label / entity type / relation type per line.
    out.push_str("    schema: (\n");
    out.push_str(&format!("        name: {},\n", one_line(&schema.name)));
    let sub = |out: &mut String, name: &str, items: Vec<String>| {
        out.push_str(&format!("        {name}: [\n"));
        for item in items {
            out.push_str(&format!("            {item},\n"));
        }
        out.push_str("        ],\n");
    };
    sub(&mut out, "labels", schema.labels.iter().map(one_line).collect());
    sub(&mut out, "entity_types", schema.entity_types.iter().map(one_line).collect());
    sub(&mut out, "relation_types", schema.relation_types.iter().map(one_line).collect());
    if let Some(a) = &schema.attribution {
        out.push_str(&format!("        attribution: Some({}),\n", one_line(a)));
    }
    out.push_str("    ),\n");
    out.push_str("    text: ");
    push_ron_str(&mut out, text.as_str());
    out.push_str(",\n");
    out.push_str(")\n");
    out
}
