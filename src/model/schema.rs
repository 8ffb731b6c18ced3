//! The annotation schema: labels with their attributes, entity types, and
//! relation types with named roles.
//!
//! A schema is plain data (read from and written to RON by `io`). Names are
//! the keys: a role accepts a label name, an entity type name, or the name of
//! an ancestor entity type (`Country` is accepted where `Location` is, when
//! `Country`'s parent is `Location`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    pub labels: Vec<LabelDef>,
    #[serde(default)]
    pub entity_types: Vec<EntityTypeDef>,
    #[serde(default)]
    pub relation_types: Vec<RelationTypeDef>,
    /// The words that suggest attribution frames (a claim, its cue and its
    /// source or outlet); absent: no frames are suggested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<AttributionRules>,
}

/// The words of a language's attribution, for suggesting frames: who said
/// what, with which cue (issue 17). Matched as whole words, case-insensitively.
/// The frame's labels are those the attribution relation types' roles
/// accept first (`claim`, `source`, `outlet`, `cue`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributionRules {
    /// After a quotation, before its speaker: “…,” kata Peskov.
    #[serde(default)]
    pub after_quote: Vec<String>,
    /// Between a speaker and what was said: Putin mengatakan ….
    #[serde(default)]
    pub reporting: Vec<String>,
    /// Before a source, then a comma and the claim: Menurut Peskov, ….
    #[serde(default)]
    pub according_to: Vec<String>,
    /// Before an outlet, then a comma and the claim: Dilansir BBC, ….
    #[serde(default)]
    pub outlet: Vec<String>,
    /// Words that end a speaker's name after a quotation (kepada wartawan).
    #[serde(default)]
    pub source_stops: Vec<String>,
    /// Words between a reporting verb and the claim, in neither (bahwa).
    #[serde(default)]
    pub complementizers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabelDef {
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Mentions with this label can be linked to an entity of this type;
    /// such labels are "entity-like" (the default set for NER exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttrDef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttrDef {
    pub name: String,
    pub kind: AttrKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum AttrKind {
    /// One of a fixed list of values.
    Choice(Vec<String>),
    Bool,
    Text,
}

/// An attribute value. In files: a string or a boolean.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    Bool(bool),
    Text(String),
}

impl std::fmt::Display for AttrValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttrValue::Bool(b) => write!(f, "{b}"),
            AttrValue::Text(s) => f.write_str(s),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityTypeDef {
    pub name: String,
    pub color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelationTypeDef {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotkey: Option<char>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Symmetric relations have no direction (an alliance); directed ones go
    /// from their first role to their second (said_by: claim → source).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub symmetric: bool,
    pub roles: Vec<RoleDef>,
    /// Labels that evidence spans may have; empty means no evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttrDef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleDef {
    pub name: String,
    /// Label names, entity type names and relation type names (a relation
    /// about a relation: brat's nested events) this role accepts.
    pub accepts: Vec<String>,
    /// An optional role may stay empty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// A role that takes several arguments (the members of an alliance).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub many: bool,
}

/// One problem found in a schema, with the path of the offending item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaProblem {
    /// For example `labels[3]` or `relation_types[1].roles[0]`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for SchemaProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Parses `#rrggbb` into RGB.
pub fn parse_color(color: &str) -> Option<[u8; 3]> {
    let hex = color.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

impl Schema {
    pub fn label_index(&self, name: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.name == name)
    }
    /// The label a mention of an entity of type `kind` gets: the first
    /// whose entity type is `kind`, else the first whose type `kind` is a
    /// kind of (a Country mention as a Location).
    pub fn label_for_entity_type(&self, kind: &str) -> Option<usize> {
        self.labels.iter().position(|l| l.entity_type.as_deref() == Some(kind)).or_else(|| {
            self.labels.iter().position(|l| l.entity_type.as_deref().is_some_and(|t| self.entity_type_is(kind, t)))
        })
    }
    pub fn label(&self, idx: usize) -> Option<&LabelDef> {
        self.labels.get(idx)
    }
    pub fn relation_index(&self, name: &str) -> Option<usize> {
        self.relation_types.iter().position(|r| r.name == name)
    }
    pub fn entity_type(&self, name: &str) -> Option<&EntityTypeDef> {
        self.entity_types.iter().find(|t| t.name == name)
    }
    pub fn label_by_hotkey(&self, key: char) -> Option<usize> {
        self.labels.iter().position(|l| l.hotkey.is_some_and(|h| h.eq_ignore_ascii_case(&key)))
    }

    /// Whether entity type `kind` is `name` or descends from it.
    /// Stops after as many steps as there are types, so a cycle cannot hang it.
    pub fn entity_type_is(&self, kind: &str, name: &str) -> bool {
        let mut current = Some(kind);
        for _ in 0..=self.entity_types.len() {
            match current {
                Some(k) if k == name => return true,
                Some(k) => current = self.entity_type(k).and_then(|t| t.parent.as_deref()),
                None => return false,
            }
        }
        false
    }

    /// Every problem in the schema: duplicate names or hotkeys, unknown
    /// names in roles, bad colours, empty choices, cycles of entity types.
    pub fn problems(&self) -> Vec<SchemaProblem> {
        let mut out = Vec::new();
        let mut push = |path: String, message: String| out.push(SchemaProblem { path, message });
        // A role accepts labels, entity types and relation types (a relation
        // about a relation).
        let known = |name: &str| {
            self.label_index(name).is_some() || self.entity_type(name).is_some() || self.relation_index(name).is_some()
        };
        check_unique(self.labels.iter().map(|l| l.name.as_str()), "labels", "label", &mut push);
        check_unique(self.entity_types.iter().map(|t| t.name.as_str()), "entity_types", "entity type", &mut push);
        check_unique(self.relation_types.iter().map(|r| r.name.as_str()), "relation_types", "relation type", &mut push);
        let mut hotkeys: Vec<(char, &str)> = Vec::new();
        for (i, label) in self.labels.iter().enumerate() {
            let path = format!("labels[{i}] ({})", label.name);
            if label.name.trim().is_empty() {
                push(path.clone(), "label name is empty".into());
            }
            if parse_color(&label.color).is_none() {
                push(path.clone(), format!("colour {:?} is not #rrggbb", label.color));
            }
            if let Some(key) = label.hotkey {
                let key = key.to_ascii_lowercase();
                if let Some((_, other)) = hotkeys.iter().find(|(k, _)| *k == key) {
                    push(path.clone(), format!("hotkey '{key}' is already used by label {other}"));
                } else {
                    hotkeys.push((key, &label.name));
                }
            }
            if let Some(t) = &label.entity_type
                && self.entity_type(t).is_none()
            {
                push(path.clone(), format!("entity_type {t:?} is not defined in entity_types"));
            }
            check_attrs(&label.attributes, &path, &mut push);
        }
        for (i, t) in self.entity_types.iter().enumerate() {
            let path = format!("entity_types[{i}] ({})", t.name);
            if parse_color(&t.color).is_none() {
                push(path.clone(), format!("colour {:?} is not #rrggbb", t.color));
            }
            if let Some(p) = &t.parent {
                if self.entity_type(p).is_none() {
                    push(path.clone(), format!("parent {p:?} is not defined"));
                } else if self.entity_type_is(p, &t.name) {
                    push(path, format!("parent {p:?} makes a cycle of entity types"));
                }
            }
        }
        let mut rel_hotkeys: Vec<(char, &str)> = Vec::new();
        for (i, rel) in self.relation_types.iter().enumerate() {
            let path = format!("relation_types[{i}] ({})", rel.name);
            if rel.roles.len() < 2 && !rel.roles.iter().any(|r| r.many) {
                push(path.clone(), "a relation needs at least two roles (or one `many` role)".into());
            }
            if let Some(key) = rel.hotkey {
                let key = key.to_ascii_lowercase();
                if let Some((_, other)) = rel_hotkeys.iter().find(|(k, _)| *k == key) {
                    push(path.clone(), format!("hotkey '{key}' is already used by relation {other}"));
                } else {
                    rel_hotkeys.push((key, &rel.name));
                }
            }
            check_unique(rel.roles.iter().map(|r| r.name.as_str()), &format!("{path}.roles"), "role", &mut push);
            for (j, role) in rel.roles.iter().enumerate() {
                if role.accepts.is_empty() {
                    push(format!("{path}.roles[{j}] ({})", role.name), "accepts nothing".into());
                }
                for name in role.accepts.iter().filter(|n| !known(n)) {
                    push(
                        format!("{path}.roles[{j}] ({})", role.name),
                        format!("accepts {name:?}, which is not a label, an entity type or a relation type"),
                    );
                }
            }
            for name in rel.evidence.iter().filter(|n| self.label_index(n).is_none()) {
                push(path.clone(), format!("evidence label {name:?} is not defined"));
            }
            check_attrs(&rel.attributes, &path, &mut push);
        }
        if let Some(a) = &self.attribution {
            let lists = [
                ("after_quote", &a.after_quote),
                ("reporting", &a.reporting),
                ("according_to", &a.according_to),
                ("outlet", &a.outlet),
                ("source_stops", &a.source_stops),
                ("complementizers", &a.complementizers),
            ];
            for (name, words) in lists {
                for (j, w) in words.iter().enumerate() {
                    if w.trim().is_empty() || w.trim() != w {
                        push(format!("attribution.{name}[{j}]"), format!("{w:?} is empty or has spaces around it"));
                    }
                }
            }
            let has = |role: &str| self.relation_types.iter().any(|r| r.roles.iter().any(|x| x.name == role));
            if !(has("claim") && has("source")) {
                push(
                    "attribution".into(),
                    "needs a relation type with `claim` and `source` roles (like said_by)".into(),
                );
            }
            if !a.outlet.is_empty() && !has("outlet") {
                push(
                    "attribution.outlet".into(),
                    "needs a relation type with an `outlet` role (like reported_by)".into(),
                );
            }
        }
        out
    }

    /// The default schema for news-claim analysis, as shipped in `assets/`.
    pub fn default_news() -> Self {
        // The asset is the single source of truth; it is checked by tests.
        ron::from_str(include_str!("../../assets/schema.ron"))
            .unwrap_or_else(|e| panic!("bundled assets/schema.ron is invalid: {e}"))
    }
}

fn check_unique<'a>(
    names: impl Iterator<Item = &'a str>,
    path: &str,
    what: &str,
    push: &mut impl FnMut(String, String),
) {
    let mut seen: Vec<&str> = Vec::new();
    for (i, name) in names.enumerate() {
        if seen.contains(&name) {
            push(format!("{path}[{i}]"), format!("duplicate {what} name {name:?}"));
        }
        seen.push(name);
    }
}

fn check_attrs(attrs: &[AttrDef], path: &str, push: &mut impl FnMut(String, String)) {
    check_unique(attrs.iter().map(|a| a.name.as_str()), &format!("{path}.attributes"), "attribute", push);
    for (k, attr) in attrs.iter().enumerate() {
        if let AttrKind::Choice(values) = &attr.kind
            && values.is_empty()
        {
            push(format!("{path}.attributes[{k}] ({})", attr.name), "a choice with no values".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schema_is_valid_and_complete() {
        let s = Schema::default_news();
        assert_eq!(s.problems(), vec![]);
        for l in ["Claim", "Source", "Cue", "Person", "Organization", "Country", "Location", "Weapon", "Event", "Date"]
        {
            assert!(s.label_index(l).is_some(), "missing label {l}");
        }
        for r in ["said_by", "reported_by", "about", "arms_transfer", "gift", "alliance", "warning"] {
            assert!(s.relation_index(r).is_some(), "missing relation {r}");
        }
        let claim = &s.labels[s.label_index("Claim").unwrap()];
        let certainty = claim.attributes.iter().find(|a| a.name == "certainty").unwrap();
        assert_eq!(
            certainty.kind,
            AttrKind::Choice(vec!["asserted".into(), "reported".into(), "hedged".into(), "speculative".into()])
        );
    }

    #[test]
    fn problems_are_found_and_named() {
        let mut s = Schema::default_news();
        s.labels[1].hotkey = s.labels[0].hotkey;
        s.labels[2].color = "red".into();
        s.relation_types[0].roles[0].accepts.push("Nope".into());
        s.entity_types.push(EntityTypeDef {
            name: "A".into(),
            color: "#000000".into(),
            parent: Some("B".into()),
            description: String::new(),
        });
        s.entity_types.push(EntityTypeDef {
            name: "B".into(),
            color: "#000000".into(),
            parent: Some("A".into()),
            description: String::new(),
        });
        let msgs: Vec<String> = s.problems().iter().map(ToString::to_string).collect();
        let all = msgs.join("\n");
        assert!(all.contains("is already used by label"), "{all}");
        assert!(all.contains("colour \"red\" is not #rrggbb"), "{all}");
        assert!(all.contains("accepts \"Nope\""), "{all}");
        assert!(all.contains("cycle"), "{all}");
        // entity_type_is terminates on the cycle.
        assert!(!s.entity_type_is("A", "Country"));
    }

    #[test]
    fn entity_type_hierarchy() {
        let s = Schema::default_news();
        assert!(s.entity_type_is("Country", "Country"));
        assert!(s.entity_type_is("Country", "Location"));
        assert!(!s.entity_type_is("Person", "Location"));
    }

    #[test]
    fn colors_parse() {
        assert_eq!(parse_color("#ff8000"), Some([255, 128, 0]));
        assert_eq!(parse_color("ff8000"), None);
        assert_eq!(parse_color("#ff80"), None);
        assert_eq!(parse_color("#ff80é0"), None);
    }
}
