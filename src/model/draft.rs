//! Building a relation step by step, as the window's chooser does: the
//! type (the origin fills the first role that accepts it), then each role
//! in schema order (optional roles may be skipped, `many` roles take
//! several targets), then evidence. Every refusal names the schema rule.
//! Pure: the window shows the state and sends the steps.

use super::annotation::{EntityId, Provenance, Relation, RelationId, RoleArg, SpanId, Target};
use super::schema::RelationTypeDef;
use super::store::{Store, relation_rule};

/// A relation being built: its type, the arguments so far, the role to
/// fill next (`role == roles.len()` means evidence).
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub origin: Target,
    pub kind: Option<u16>,
    pub args: Vec<RoleArg>,
    pub role: usize,
    pub evidence: Vec<SpanId>,
    pub entity_query: String,
}

/// Where a step left the draft.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// More to fill (or evidence to add).
    Continue,
    /// Every role is filled and the type takes no evidence, or Enter was
    /// pressed at the evidence step: ready to become a relation.
    Complete,
}

/// A short quote of a target, for lists and messages.
pub fn target_text(store: &Store, t: Target) -> String {
    match t {
        Target::Span(id) => store
            .span(id)
            .map_or(format!("{id}"), |s| format!("{} {id} “{}”", store.label_name(s.label), short(&store.quote(s)))),
        Target::Entity(id) => store.entity(id).map_or(format!("{id}"), |e| format!("{} ({})", e.name, e.kind)),
        Target::Relation(id) => store.relation(id).map_or(format!("{id}"), |r| {
            let kind = store.relation_type(r.kind).map_or("?", |t| t.name.as_str());
            match r.anchor() {
                Some(t) => format!("{kind} {id} at {}", target_text(store, t)),
                None => format!("{kind} {id}"),
            }
        }),
    }
}

/// At most 40 characters of `s` on one line, with `…` when cut.
pub fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out.replace('\n', " ")
}

impl Draft {
    pub fn new(origin: Target) -> Self {
        Draft { origin, kind: None, args: Vec::new(), role: 0, evidence: Vec::new(), entity_query: String::new() }
    }

    /// A draft from `origin`, refused when no relation type takes it.
    pub fn start(store: &Store, origin: Target) -> Result<Self, String> {
        if store.relation_types_for(origin).is_empty() {
            return Err(format!("No relation type takes {}", target_text(store, origin)));
        }
        Ok(Self::new(origin))
    }

    pub fn relation_type<'a>(&self, store: &'a Store) -> Option<&'a RelationTypeDef> {
        self.kind.and_then(|k| store.relation_type(k))
    }

    /// Picks the relation type; the origin fills the first role that
    /// accepts it. Ignored for a type that does not take the origin.
    pub fn choose_kind(&mut self, store: &Store, kind: u16) -> Step {
        let Some((_, role)) = store.relation_types_for(self.origin).into_iter().find(|(k, _)| *k == kind) else {
            return Step::Continue;
        };
        let Some(rt) = store.relation_type(kind) else { return Step::Continue };
        self.kind = Some(kind);
        self.args = vec![RoleArg { role: role.as_str().into(), target: self.origin }];
        self.role = rt.roles.iter().position(|r| r.name != role).unwrap_or(rt.roles.len());
        self.skip_filled_roles(rt);
        Step::Continue
    }

    fn skip_filled_roles(&mut self, rt: &RelationTypeDef) {
        while let Some(role) = rt.roles.get(self.role) {
            let filled = self.args.iter().any(|a| a.role == role.name);
            if filled && !role.many {
                self.role += 1;
            } else {
                break;
            }
        }
    }

    fn step(&self, rt: &RelationTypeDef) -> Step {
        if self.role >= rt.roles.len() && rt.evidence.is_empty() { Step::Complete } else { Step::Continue }
    }

    /// Fills the current role (or adds evidence) with `target`; refused
    /// with the rule when it does not fit.
    pub fn pick(&mut self, store: &Store, target: Target) -> Result<Step, String> {
        let Some(rt) = self.relation_type(store) else { return Ok(Step::Continue) };
        match rt.roles.get(self.role) {
            Some(role) => {
                if !store.target_fits(target, &role.accepts) {
                    return Err(format!(
                        "{} cannot be the {} of {}: {}",
                        target_text(store, target),
                        role.name,
                        rt.name,
                        relation_rule(rt)
                    ));
                }
                self.args.push(RoleArg { role: role.name.as_str().into(), target });
                self.entity_query.clear();
                if !role.many {
                    self.role += 1;
                }
                self.skip_filled_roles(rt);
            }
            None => match target {
                Target::Span(id) if store.target_fits(target, &rt.evidence) => {
                    if !self.evidence.contains(&id) {
                        self.evidence.push(id);
                    }
                }
                _ => {
                    return Err(format!(
                        "{} cannot be evidence for {}: evidence must be {}",
                        target_text(store, target),
                        rt.name,
                        rt.evidence.join(" or ")
                    ));
                }
            },
        }
        Ok(self.step(rt))
    }

    /// Enter: skips an optional (or filled `many`) role, or completes at the
    /// evidence step; refused for a required role still empty.
    pub fn next(&mut self, store: &Store) -> Result<Step, String> {
        let Some(rt) = self.relation_type(store) else { return Ok(Step::Continue) };
        match rt.roles.get(self.role) {
            Some(role) if role.optional || self.args.iter().any(|a| a.role == role.name) => {
                self.role += 1;
                self.skip_filled_roles(rt);
                Ok(self.step(rt))
            }
            Some(role) => Err(format!("{} needs a {}: {}", rt.name, role.name, relation_rule(rt))),
            None => Ok(Step::Complete),
        }
    }

    /// The relation this draft describes, once it has a type.
    pub fn into_relation(self, id: RelationId, provenance: Provenance) -> Option<Relation> {
        let kind = self.kind?;
        let mut rel = Relation::new(id, kind, self.args, provenance);
        rel.evidence = self.evidence;
        Some(rel)
    }

    /// Candidates for the current step: up to nine spans nearest to the
    /// origin that fit, not already used.
    pub fn candidates(&self, store: &Store) -> Vec<SpanId> {
        let Some(rt) = self.relation_type(store) else { return Vec::new() };
        let near = store.target_start(self.origin).unwrap_or(0);
        let used: Vec<SpanId> = self
            .args
            .iter()
            .filter_map(|a| match a.target {
                Target::Span(id) => Some(id),
                Target::Entity(_) | Target::Relation(_) => None,
            })
            .chain(self.evidence.iter().copied())
            .collect();
        let accepts: &[String] = match rt.roles.get(self.role) {
            Some(role) => &role.accepts,
            None => &rt.evidence,
        };
        let mut c = store.candidates(accepts, near, &used);
        c.truncate(9);
        c
    }

    /// Entities that fit the current role and match the query.
    pub fn entity_candidates(&self, store: &Store) -> Vec<EntityId> {
        let Some(role) = self.relation_type(store).and_then(|rt| rt.roles.get(self.role)) else { return Vec::new() };
        let q = self.entity_query.to_lowercase();
        store
            .entities()
            .filter(|e| store.target_fits(Target::Entity(e.id), &role.accepts))
            .filter(|e| {
                q.is_empty()
                    || e.name.to_lowercase().contains(&q)
                    || e.aliases.iter().any(|a| a.to_lowercase().contains(&q))
            })
            .map(|e| e.id)
            .collect()
    }
}
