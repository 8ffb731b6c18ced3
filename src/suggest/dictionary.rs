//! The dictionary source: every text already labelled in the folder, and
//! the names and aliases of its entities, found again in an article
//! (aho-corasick, leftmost-longest, whole words only).
//!
//! A text labelled with several labels is suggested with the one it has
//! most often, scored by how often that is (1.0: always); an entity's
//! names suggest the label its mentions have, with the link to it.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::{Source, Suggestion};
use crate::model::{ByteRange, Store};

/// Rule set version, recorded with each suggestion.
pub const VERSION: &str = "labelled texts of the folder, rules 1";

/// What the dictionary knows of one text.
#[derive(Clone, Debug, Default)]
struct Entry {
    /// How often it is labelled with each label.
    labels: HashMap<String, usize>,
    /// The entity it names, if any (by its name).
    entity: Option<String>,
}

/// Texts with their labels, matched over articles.
pub struct Dictionary {
    matcher: Option<AhoCorasick>,
    entries: Vec<(String, Entry)>,
    ignore_case: bool,
}

impl Dictionary {
    /// From the spans and entities of `stores`. With `ignore_case`, ASCII
    /// letters match in either case.
    pub fn build(stores: &[&Store], ignore_case: bool) -> Self {
        let mut by_text: HashMap<String, Entry> = HashMap::new();
        for s in stores {
            for sp in s.spans() {
                if sp.ranges.len() != 1 {
                    continue;
                }
                let text = s.text().slice(sp.ranges[0]).trim();
                // Long stretches (claims) are not names: leave them to the model.
                if text.is_empty() || text.chars().count() > 60 || text.contains('\n') {
                    continue;
                }
                let e = by_text.entry(text.to_owned()).or_default();
                *e.labels.entry(s.label_name(sp.label).to_owned()).or_default() += 1;
                if let Some(ent) = sp.entity.and_then(|id| s.entity(id)) {
                    e.entity.get_or_insert_with(|| ent.name.clone());
                }
            }
            // An entity's names and aliases take the label of its mentions.
            for ent in s.entities() {
                let label = s.mentions_of(ent.id).into_iter().filter_map(|id| s.span(id)).map(|sp| sp.label).next();
                let Some(label) = label.map(|l| s.label_name(l).to_owned()) else { continue };
                for name in std::iter::once(&ent.name).chain(&ent.aliases) {
                    let name = name.trim();
                    if name.is_empty() {
                        continue;
                    }
                    let e = by_text.entry(name.to_owned()).or_default();
                    e.labels.entry(label.clone()).or_insert(1);
                    e.entity.get_or_insert_with(|| ent.name.clone());
                }
            }
        }
        let mut entries: Vec<(String, Entry)> = by_text.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let matcher = (!entries.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(ignore_case)
                    .build(entries.iter().map(|(t, _)| t.as_str()))
                    .ok()
            })
            .flatten();
        Dictionary { matcher, entries, ignore_case }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn ignores_case(&self) -> bool {
        self.ignore_case
    }

    /// Every whole-word occurrence in `text` of a known text.
    pub fn suggest(&self, text: &str) -> Vec<Suggestion> {
        let Some(m) = &self.matcher else { return Vec::new() };
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let mut out = Vec::new();
        for hit in m.find_iter(text) {
            let (start, end) = (hit.start(), hit.end());
            if word(text[..start].chars().next_back()) || word(text[end..].chars().next()) {
                continue;
            }
            let Some((_, entry)) = self.entries.get(hit.pattern().as_usize()) else { continue };
            let total: usize = entry.labels.values().sum();
            let Some((label, n)) = entry.labels.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) else {
                continue;
            };
            out.push(Suggestion {
                range: ByteRange::new(start, end),
                label: label.clone(),
                score: *n as f32 / total.max(1) as f32,
                source: Source::Dictionary(VERSION.into()),
                entity: entry.entity.clone(),
                frame: None,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testkit;

    #[test]
    fn labelled_texts_and_entity_aliases_are_found_as_whole_words() {
        let mut a = testkit::store("Rusia dan Moskow. Dmitry Peskov bicara.");
        let ru = testkit::span(&mut a, "Country", "Rusia");
        let russia = testkit::entity(&mut a, "Russia", "Country");
        let mut s = a.span(ru).unwrap().clone();
        s.entity = Some(russia);
        a.apply(crate::model::Edit::ReplaceSpan(s)).unwrap();
        let mut e = a.entity(russia).unwrap().clone();
        e.aliases.push("Moskow".into());
        a.apply(crate::model::Edit::ReplaceEntity(e)).unwrap();
        testkit::span(&mut a, "Person", "Dmitry Peskov");
        let d = Dictionary::build(&[&a], false);
        let text = "Moskow, Rusia! RusiaRaya. “Dmitry Peskov” 👍🏽 Dmitry Peskovich";
        let suggested = d.suggest(text);
        let found: Vec<(&str, &str, Option<&str>)> = suggested
            .iter()
            .map(|s| (&text[s.range.start()..s.range.end()], s.label.as_str(), s.entity.as_deref()))
            .collect();
        // Leftmost-longest, whole words only (not inside RusiaRaya or Peskovich).
        assert_eq!(
            found,
            [
                ("Moskow", "Country", Some("Russia")),
                ("Rusia", "Country", Some("Russia")),
                ("Dmitry Peskov", "Person", None)
            ]
        );
        assert!(Dictionary::build(&[&a], true).suggest("RUSIA").len() == 1);
        assert!(Dictionary::build(&[], false).suggest(text).is_empty());
    }
}
