//! The dictionary source: every text already labelled in the folder, and
//! the names and aliases of its entities, found again in an article
//! (aho-corasick, leftmost-longest, whole words only).
//!
//! A text labelled with several labels is suggested with the one it has
//! most often, scored by how often that is (1.0: always); an entity's
//! names suggest the label its mentions have, with the link to it.
//! Suggestions of a text the analyst rejected, in any document of the
//! folder, count against it: each rejection of that label lowers the
//! score as one more labelling with another label would, and a text
//! rejected as often as it was labelled so is not suggested with it.
//! A text labelled only by accepting suggestions, not confirmed in review,
//! is suggested no surer than those suggestions were.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::{Source, Suggestion};
use crate::model::{ByteRange, Store};

/// Rule set version, recorded with each suggestion.
pub const VERSION: &str = "labelled texts of the folder, rules 2";

/// What the dictionary knows of one text.
#[derive(Clone, Debug, Default)]
struct Entry {
    /// How often it is labelled with each label.
    labels: HashMap<String, usize>,
    /// The entity it names, if any (by its name).
    entity: Option<String>,
    /// How often a suggestion of it with each label was rejected.
    rejected: HashMap<String, usize>,
    /// For a label it has only as accepted suggestions no reviewer has
    /// confirmed: the best score they were suggested with. Such a text is
    /// suggested no surer than that (a model's 0.6 guess accepted in bulk
    /// came back from the dictionary as certain, 1.00); labelled by hand
    /// or confirmed in review once, it is not bounded.
    guessed: HashMap<String, f32>,
    /// Labels it has by hand (or confirmed in review).
    confirmed: std::collections::HashSet<String>,
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
                let label = s.label_name(sp.label);
                *e.labels.entry(label.to_owned()).or_default() += 1;
                match &sp.suggested {
                    Some(g) if sp.review.status != crate::model::ReviewStatus::Accepted => {
                        let score = f32::from(g.score) / 1000.0;
                        let best = e.guessed.entry(label.to_owned()).or_insert(score);
                        *best = best.max(score);
                    }
                    _ => {
                        e.confirmed.insert(label.to_owned());
                    }
                }
                if let Some(ent) = sp.entity.and_then(|id| s.entity(id)) {
                    e.entity.get_or_insert_with(|| ent.name.clone());
                }
            }
            for (range, label) in s.rejected() {
                // (Kept also for a text labelled only in a document read
                // later; texts never labelled are dropped below.)
                let text = s.text().slice(range).trim();
                if !text.is_empty() {
                    let e = by_text.entry(text.to_owned()).or_default();
                    *e.rejected.entry(s.label_name(label).to_owned()).or_default() += 1;
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
        // Texts only ever rejected are nothing to suggest.
        let mut entries: Vec<(String, Entry)> = by_text.into_iter().filter(|(_, e)| !e.labels.is_empty()).collect();
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
        let mut out = Vec::new();
        for hit in m.find_iter(text) {
            let (start, end) = (hit.start(), hit.end());
            if !crate::model::consistency::whole_word(text, ByteRange::new(start, end)) {
                continue;
            }
            let Some((_, entry)) = self.entries.get(hit.pattern().as_usize()) else { continue };
            let total: usize = entry.labels.values().sum();
            let Some((label, n)) = entry.labels.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) else {
                continue;
            };
            let against = entry.rejected.get(label).copied().unwrap_or(0);
            if against >= *n {
                continue;
            }
            let mut score = *n as f32 / (total + against).max(1) as f32;
            if !entry.confirmed.contains(label)
                && let Some(&guess) = entry.guessed.get(label)
            {
                score = score.min(guess);
            }
            out.push(Suggestion {
                range: ByteRange::new(start, end),
                label: label.clone(),
                score,
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

    /// A text labelled only by accepting a model's 0.615 guess is suggested
    /// at 0.615, not as certain; confirmed in review, or labelled by hand
    /// once more, it is.
    #[test]
    fn an_accepted_guess_is_suggested_no_surer_than_it_was_guessed() {
        let mut a = testkit::store("Dusun Dusun.");
        let id = testkit::span(&mut a, "Person", "Dusun");
        let mut guessed = a.span(id).unwrap().clone();
        guessed.suggested =
            Some(Box::new(crate::model::Suggested { source: "model".into(), version: "p 1".into(), score: 615 }));
        a.apply(crate::model::Edit::ReplaceSpan(guessed.clone())).unwrap();
        let score = |s: &Store| Dictionary::build(&[s], false).suggest("Dusun")[0].score;
        assert!((score(&a) - 0.615).abs() < 1e-6, "{}", score(&a));
        let mut reviewed = a.clone();
        guessed.review.status = crate::model::ReviewStatus::Accepted;
        reviewed.apply(crate::model::Edit::ReplaceSpan(guessed)).unwrap();
        assert_eq!(score(&reviewed), 1.0);
        let mut by_hand = a.clone();
        testkit::span_at(&mut by_hand, "Person", 6, 11);
        assert_eq!(score(&by_hand), 1.0);
    }

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

    /// Rejections in any document of the folder count against a text: a
    /// rejection lowers its score, as many rejections as labellings stop
    /// it; a rejection with another label, or of an unknown text, does not.
    #[test]
    fn rejections_in_other_documents_lower_and_then_stop_a_suggestion() {
        let labelled = |n: usize| {
            let mut s = testkit::store(&"Rusia. ".repeat(n));
            for k in 0..n {
                let span = crate::model::Span::new(
                    crate::model::SpanId(s.alloc_id()),
                    s.schema().label_index("Country").unwrap_or(0) as u16,
                    [ByteRange::new(k * 7, k * 7 + 5)].into_iter().collect(),
                    crate::model::Provenance::new("t", testkit::T0),
                );
                s.apply(crate::model::Edit::AddSpan(span)).unwrap();
            }
            s
        };
        let rejecting = |label: &str, n: usize| {
            let mut s = testkit::store(&"Rusia dan Korut. ".repeat(n));
            let l = s.schema().label_index(label).unwrap_or(0) as u16;
            for k in 0..n {
                s.apply(crate::model::Edit::RejectSuggestion(ByteRange::new(k * 17, k * 17 + 5), l)).unwrap();
                s.apply(crate::model::Edit::RejectSuggestion(ByteRange::new(k * 17 + 10, k * 17 + 15), l)).unwrap();
            }
            s
        };
        let a = labelled(2);
        let score = |stores: &[&Store]| Dictionary::build(stores, false).suggest("Rusia").first().map(|s| s.score);
        assert_eq!(score(&[&a]), Some(1.0));
        // One rejection (in another document): 2 of 3.
        let one = rejecting("Country", 1);
        assert_eq!(score(&[&a, &one]), Some(2.0 / 3.0));
        // Read before the labels, the same.
        assert_eq!(score(&[&one, &a]), Some(2.0 / 3.0));
        // As many rejections as labellings: no longer suggested.
        let two = rejecting("Country", 2);
        assert_eq!(score(&[&a, &two]), None);
        // Rejected as a Person, not as a Country: unchanged.
        let person = rejecting("Person", 3);
        assert_eq!(score(&[&a, &person]), Some(1.0));
        // "Korut" was only ever rejected: nothing to suggest.
        assert!(Dictionary::build(&[&a, &two], false).suggest("Korut").is_empty());
    }
}
