//! `--schema-from-data`: the schema widened to what the data uses, so
//! another team's dataset imports without a hand-written schema first.
//! Labels and relation types missing are added (as `--add-labels` does);
//! for relation types the schema has, each role comes to accept the labels
//! the data puts in it, roles the data uses are added, roles the data
//! leaves out become optional and roles it repeats take several. Every
//! change is listed in the import's report.

use std::collections::HashMap;

use super::{RawDoc, add_to_schema};
use crate::model::{RoleDef, Schema};

/// Widens `schema` to `docs`; returns what changed, one line each.
pub fn widen(schema: &mut Schema, docs: &[RawDoc]) -> Vec<String> {
    let known: Vec<String> = schema.relation_types.iter().map(|r| r.name.clone()).collect();
    add_to_schema(schema, docs);
    let mut changes = Vec::new();
    for d in docs {
        let mut labels: HashMap<&str, &str> = d.spans.iter().map(|s| (s.key.as_str(), s.label.as_str())).collect();
        // A relation argument stands for its type's name.
        labels.extend(super::relation_kinds(d));
        for r in &d.relations {
            if !known.contains(&r.kind) {
                continue;
            }
            let Some(i) = schema.relation_index(&r.kind) else { continue };
            // The role each argument fills, as the import will read it.
            let mut used: Vec<(String, Option<&str>)> = Vec::new();
            for (k, (role, key)) in r.args.iter().enumerate() {
                let rt = &schema.relation_types[i];
                let name = match role {
                    Some(role) => role.clone(),
                    None => match rt.roles.get(k) {
                        Some(x) => x.name.clone(),
                        None => format!("Arg{}", k + 1),
                    },
                };
                used.push((name, labels.get(key.as_str()).copied()));
            }
            for (name, label) in &used {
                let label_def = label.and_then(|l| schema.label_index(l)).and_then(|l| schema.labels.get(l)).cloned();
                let fits = |accepts: &[String]| match (label, &label_def) {
                    (Some(l), Some(def)) => accepts
                        .iter()
                        .any(|a| a == l || def.entity_type.as_deref().is_some_and(|t| schema.entity_type_is(t, a))),
                    // A relation type's name.
                    (Some(l), None) => accepts.iter().any(|a| a == l),
                    _ => true,
                };
                let rt = &schema.relation_types[i];
                match rt.roles.iter().position(|x| &x.name == name) {
                    None => {
                        let accepts = label.map(|l| vec![l.to_owned()]).unwrap_or_default();
                        schema.relation_types[i].roles.push(RoleDef {
                            name: name.clone(),
                            accepts,
                            optional: true,
                            many: false,
                        });
                        changes.push(format!("{}: role {name} added", r.kind));
                    }
                    Some(k) if !fits(&rt.roles[k].accepts) => {
                        if let Some(l) = label {
                            schema.relation_types[i].roles[k].accepts.push((*l).to_owned());
                            changes.push(format!("{}: its {name} also accepts {l}", r.kind));
                        }
                    }
                    Some(_) => {}
                }
            }
            let rt = &mut schema.relation_types[i];
            for role in &mut rt.roles {
                let n = used.iter().filter(|(name, _)| *name == role.name).count();
                if n == 0 && !role.optional {
                    role.optional = true;
                    changes.push(format!("{}: its {} is optional", r.kind, role.name));
                }
                if n > 1 && !role.many {
                    role.many = true;
                    changes.push(format!("{}: takes several {}", r.kind, role.name));
                }
            }
        }
    }
    changes.sort();
    changes.dedup();
    changes
}
