//! Relationships across documents: relations of all files grouped by type
//! and by the entities filling their roles, with their evidence and the
//! sources of that evidence; and attribution (`said_by`, `reported_by`:
//! relations with a `claim` role) grouped by who said or reported, with
//! the claims as evidence — who said what across the folder.
//!
//! Entities are matched across documents by external id first, then by
//! name or alias (case and spacing ignored). A span argument linked to an
//! entity counts as that entity; an unlinked one by its text, which may
//! match an entity's name or alias.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::annotation::*;
use super::store::Store;

/// One piece of evidence: a span of one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Index into the documents given.
    pub doc: usize,
    pub span: u32,
    pub start_byte: usize,
    pub quote: String,
    /// Who said it and who reported it (said_by / reported_by).
    pub sources: Vec<String>,
}

/// Relations of one type between the same entities, across documents.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    #[serde(rename = "type")]
    pub kind: String,
    /// (role, canonical name), in role order.
    pub args: Vec<(String, String)>,
    /// How many relations the group holds.
    pub relations: usize,
    /// The files (indexes) it was found in.
    pub docs: BTreeSet<usize>,
    /// How many different articles those files annotate (two annotators'
    /// files of one article are one article).
    pub articles: usize,
    pub evidence: Vec<Evidence>,
    /// Every source named by the evidence, sorted.
    pub sources: BTreeSet<String>,
    /// Attribution: the arguments are who said or reported (the cue left
    /// out), the evidence the claims attributed to them.
    pub attribution: bool,
}

impl Group {
    /// "arms_transfer: supplier Russia → recipient North Korea — 7 evidence
    /// claims in 3 articles, sources: Peskov, BBC"; an n-ary one by role,
    /// "supplier Iran → recipient Russia, item drone Shahed"; attribution
    /// "said_by: source Dmitry Peskov — 3 claims in 2 articles".
    pub fn headline(&self) -> String {
        let named: Vec<String> = self.args.iter().map(|(role, name)| format!("{role} {name}")).collect();
        let args = match named.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [a, b, rest @ ..] => rest.iter().fold(format!("{a} → {b}"), |s, r| format!("{s}, {r}")),
        };
        let mut s = format!(
            "{}: {args} — {} {}claim{} in {} article{}",
            self.kind,
            self.evidence.len(),
            if self.attribution { "" } else { "evidence " },
            if self.evidence.len() == 1 { "" } else { "s" },
            self.articles,
            if self.articles == 1 { "" } else { "s" }
        );
        if !self.sources.is_empty() {
            s.push_str(&format!(", sources: {}", self.sources.iter().cloned().collect::<Vec<_>>().join(", ")));
        }
        s
    }
}

pub(crate) fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The root of `i` in a union-find forest (with path halving).
pub(crate) fn find_root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// The entities of several documents, matched: by external id, then by
/// name or alias (case and spacing ignored). Two different external ids
/// are never one entity, whatever their names.
pub struct EntityMatch<'a> {
    /// Each group's entities as (document, entity); the first names the
    /// group (one with an external id, if any has one).
    pub groups: Vec<Vec<(usize, &'a Entity)>>,
}

/// Matches the entities of `stores` across documents (see [`EntityMatch`]).
pub fn match_entities<'a>(stores: &[&'a Store]) -> EntityMatch<'a> {
    let mut all: Vec<(usize, &Entity)> = Vec::new();
    for (d, s) in stores.iter().enumerate() {
        all.extend(s.entities().map(|e| (d, e)));
    }
    // Entities with an external id first, so they name their group.
    all.sort_by_key(|(d, e)| (e.external_id.is_none(), *d, e.id));
    let mut parent: Vec<usize> = (0..all.len()).collect();
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, (_, e)) in all.iter().enumerate() {
        let ext = e.external_id.iter().map(|x| format!("ext:{}", x.trim()));
        let names = std::iter::once(&e.name).chain(&e.aliases).map(|n| format!("name:{}", norm(n)));
        for k in ext.chain(names) {
            match owner.get(&k) {
                Some(&j) => {
                    let (a, b) = (find_root(&mut parent, i), find_root(&mut parent, j));
                    // Roots are the smallest index: one with an external id if any.
                    let (xa, xb) = (&all[a].1.external_id, &all[b].1.external_id);
                    if a != b && (xa.is_none() || xb.is_none() || xa == xb) {
                        parent[a.max(b)] = a.min(b);
                    }
                }
                None => {
                    owner.insert(k, i);
                }
            }
        }
    }
    let mut groups: Vec<Vec<(usize, &Entity)>> = Vec::new();
    let mut of_root: HashMap<usize, usize> = HashMap::new();
    for (i, &(d, e)) in all.iter().enumerate() {
        let root = find_root(&mut parent, i);
        let g = *of_root.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push((d, e));
    }
    EntityMatch { groups }
}

/// Canonical names of entities across documents.
struct Canon {
    /// name:NAME → canonical name
    keys: HashMap<String, String>,
    /// (doc, entity) → canonical name
    of: HashMap<(usize, EntityId), String>,
}

impl Canon {
    fn new(docs: &[(String, &Store)]) -> Self {
        let stores: Vec<&Store> = docs.iter().map(|(_, s)| *s).collect();
        let m = match_entities(&stores);
        let mut keys = HashMap::new();
        let mut of = HashMap::new();
        for group in &m.groups {
            let name = group[0].1.name.clone();
            for (d, e) in group {
                of.insert((*d, e.id), name.clone());
                for n in std::iter::once(&e.name).chain(&e.aliases) {
                    keys.entry(format!("name:{}", norm(n))).or_insert_with(|| name.clone());
                }
            }
        }
        Canon { keys, of }
    }

    /// The canonical name of a relation argument.
    fn name(&self, doc: usize, store: &Store, t: Target) -> String {
        match t {
            Target::Entity(e) => self.of.get(&(doc, e)).cloned().unwrap_or_else(|| format!("entity {e}")),
            Target::Span(id) => match store.span(id) {
                Some(s) => match s.entity {
                    Some(e) => self.name(doc, store, Target::Entity(e)),
                    None => {
                        let quote = store.quote(s);
                        self.keys.get(&format!("name:{}", norm(&quote))).cloned().unwrap_or(quote)
                    }
                },
                None => format!("span {id}"),
            },
            // A relation about a relation: named by its type and where it
            // stands (its trigger's or first argument's name).
            Target::Relation(id) => match store.relation(id) {
                Some(r) => {
                    let kind = store.relation_type(r.kind).map_or("?", |t| t.name.as_str());
                    match store.first_mention(t) {
                        Some(at) => format!("{kind} at {}", self.name(doc, store, Target::Span(at))),
                        None => kind.to_owned(),
                    }
                }
                None => format!("relation {id}"),
            },
        }
    }
}

/// A relation type and its (role, canonical name) arguments.
type GroupKey = (String, Vec<(String, String)>);
/// An article (index) and a span's ranges in it.
type EvidenceAt = (usize, Vec<(u32, u32)>);

/// The relations of `docs` (name, store) grouped by type and canonical
/// arguments, most evidence first. The same claim of the same article
/// annotated in several files (several annotators) is one piece of evidence.
pub fn group(docs: &[(String, &Store)]) -> Vec<Group> {
    let canon = Canon::new(docs);
    // Files of the same text annotate the same article.
    let mut texts: HashMap<&str, usize> = HashMap::new();
    let article: Vec<usize> = docs
        .iter()
        .map(|(_, s)| {
            let n = texts.len();
            *texts.entry(s.text().as_str()).or_insert(n)
        })
        .collect();
    // Per group: the evidence already counted (article, ranges), and the articles.
    let mut seen: HashMap<GroupKey, BTreeSet<EvidenceAt>> = HashMap::new();
    let mut in_articles: HashMap<GroupKey, BTreeSet<usize>> = HashMap::new();
    let mut groups: BTreeMap<GroupKey, Group> = BTreeMap::new();
    for (d, (_, store)) in docs.iter().enumerate() {
        for r in store.relations() {
            // Attribution (said_by, reported_by: a "claim" role) is grouped
            // by who said or reported; its claims are the evidence.
            let attribution = r.args.iter().any(|a| a.role == "claim");
            let kind = store.relation_type(r.kind).map_or("?", |t| t.name.as_str()).to_owned();
            let args: Vec<(String, String)> = r
                .args
                .iter()
                .filter(|a| !attribution || !matches!(&*a.role, "claim" | "cue"))
                .map(|a| (a.role.to_string(), canon.name(d, store, a.target)))
                .collect();
            if args.is_empty() {
                continue;
            }
            let evidence: Vec<SpanId> = if attribution {
                r.args
                    .iter()
                    .filter(|a| a.role == "claim")
                    .filter_map(|a| match a.target {
                        Target::Span(id) => Some(id),
                        Target::Entity(_) | Target::Relation(_) => None,
                    })
                    .collect()
            } else {
                r.evidence.clone()
            };
            let key = (kind.clone(), args.clone());
            in_articles.entry(key.clone()).or_default().insert(article[d]);
            let seen = seen.entry(key.clone()).or_default();
            let g = groups.entry(key).or_insert_with(|| Group {
                kind,
                args,
                relations: 0,
                articles: 0,
                docs: BTreeSet::new(),
                evidence: Vec::new(),
                sources: BTreeSet::new(),
                attribution,
            });
            g.relations += 1;
            g.docs.insert(d);
            for e in &evidence {
                let Some(span) = store.span(*e) else { continue };
                let at: Vec<(u32, u32)> = span.ranges.iter().map(|r| (r.start, r.end)).collect();
                if !seen.insert((article[d], at)) {
                    continue;
                }
                let mut sources = Vec::new();
                // An attribution's evidence is attributed by the group itself.
                for (kind, role) in
                    [("said_by", "source"), ("reported_by", "outlet")].into_iter().filter(|_| !attribution)
                {
                    for t in store.attribution(*e, kind, role) {
                        let n = canon.name(d, store, t);
                        if !sources.contains(&n) {
                            sources.push(n);
                        }
                    }
                }
                g.sources.extend(sources.iter().cloned());
                g.evidence.push(Evidence {
                    doc: d,
                    span: e.0,
                    start_byte: span.start(),
                    quote: store.quote(span),
                    sources,
                });
            }
        }
    }
    let mut out: Vec<Group> = groups
        .into_iter()
        .map(|(key, mut g)| {
            g.articles = in_articles.get(&key).map_or(0, BTreeSet::len);
            g
        })
        .collect();
    // Relationships first, then attribution; the best attested first.
    out.sort_by(|a, b| {
        (a.attribution, b.evidence.len(), b.articles)
            .cmp(&(b.attribution, a.evidence.len(), a.articles))
            .then_with(|| a.kind.cmp(&b.kind))
    });
    out
}
