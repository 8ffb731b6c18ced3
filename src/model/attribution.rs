//! One-key attribution of a claim: the nearest fitting span in the claim's
//! paragraph becomes its source, its cue or its reporting outlet.
//!
//! Driven by the schema: the relation type is found by its roles, not by
//! its name. Attribution speaks of four roles, `claim`, `source`, `outlet`
//! and `cue`: a source goes into the first relation type with a `source`
//! role whose `claim` role accepts the claim (the bundled schema's
//! `said_by`), an outlet likewise with `outlet` (`reported_by`), and a cue
//! into the claim's first existing relation of a type with a `cue` role, in
//! schema order (so `said_by` before `reported_by`).

use super::annotation::{Provenance, Relation, RelationId, RoleArg, SpanId, Target, Timestamp};
use super::draft::target_text;
use super::schema::RelationTypeDef;
use super::store::{Edit, Store};

/// The role a claim's attribution fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attribution {
    Source,
    Cue,
    Outlet,
}

/// The role that names the claim in an attribution relation.
pub const CLAIM_ROLE: &str = "claim";

impl Attribution {
    pub fn role(self) -> &'static str {
        match self {
            Attribution::Source => "source",
            Attribution::Cue => "cue",
            Attribution::Outlet => "outlet",
        }
    }
}

fn has_role(rt: &RelationTypeDef, role: &str) -> bool {
    rt.roles.iter().any(|r| r.name == role)
}

/// The edit that attributes `claim` (and its one-line summary), or why it
/// cannot be done. The new relation, if one is needed, gets an id from the
/// store.
pub fn attribute(
    store: &mut Store,
    claim: SpanId,
    what: Attribution,
    author: &str,
    now: Timestamp,
) -> Result<(Edit, String), String> {
    let Some(span) = store.span(claim) else { return Err("Select a claim first".into()) };
    let role = what.role();
    let fits_claim = |rt: &RelationTypeDef| {
        rt.roles.iter().any(|r| r.name == CLAIM_ROLE && store.target_fits(Target::Span(claim), &r.accepts))
    };
    let kind = match what {
        Attribution::Source | Attribution::Outlet => store
            .schema()
            .relation_types
            .iter()
            .position(|rt| has_role(rt, role) && fits_claim(rt))
            .ok_or_else(|| format!("No relation type of this schema gives a claim its {role}"))?,
        Attribution::Cue => store
            .schema()
            .relation_types
            .iter()
            .enumerate()
            .filter(|(_, rt)| has_role(rt, role))
            .find(|(_, rt)| !store.claim_relations(claim, &rt.name).is_empty())
            .map(|(k, _)| k)
            .ok_or("Assign a source (Ctrl+1) or an outlet (Ctrl+3) first; the cue goes with it")?,
    };
    let kind = kind as u16;
    let Some(rt) = store.relation_type(kind) else { return Err("The schema changed; try again".into()) };
    let Some(role_def) = rt.roles.iter().find(|r| r.name == role) else { return Err(format!("no {role} role")) };
    let line = store.text().index().line_of_byte(span.start());
    let para = store.text().index().line_range(store.text().as_str(), line);
    let found = store
        .candidates(&role_def.accepts, span.start(), &[claim])
        .into_iter()
        .find(|id| store.span(*id).is_some_and(|s| para.contains(s.start())))
        .ok_or_else(|| format!("No {role} in this paragraph ({role} accepts {})", role_def.accepts.join(", ")))?;
    let summary =
        format!("{role} of {} {claim}: {}", store.label_name(span.label), target_text(store, Target::Span(found)));
    let existing = store.claim_relations(claim, &rt.name).first().map(|r| (*r).clone());
    let order: Vec<String> = rt.roles.iter().map(|r| r.name.clone()).collect();
    let edit = match existing {
        Some(mut rel) => {
            rel.args.retain(|a| a.role != role);
            rel.args.push(RoleArg { role: role.into(), target: Target::Span(found) });
            rel.args.sort_by_key(|a| order.iter().position(|r| *r == a.role));
            rel.provenance.modified = now;
            Edit::ReplaceRelation(rel)
        }
        None => {
            let args = vec![
                RoleArg { role: CLAIM_ROLE.into(), target: Target::Span(claim) },
                RoleArg { role: role.into(), target: Target::Span(found) },
            ];
            let id = RelationId(store.alloc_id());
            Edit::AddRelation(Relation::new(id, kind, args, Provenance::new(author, now)))
        }
    };
    Ok((edit, summary))
}
