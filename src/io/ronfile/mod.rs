//! The `.sorot.ron` annotation file.
//!
//! - Self-contained: the article text, its SHA-256, the original path and
//!   encoding, and the schema are embedded.
//! - Deterministic: the same store always gives the same bytes; one entity,
//!   span or relation per line, sorted by id.
//! - Offsets are UTF-8 byte offsets into `text` (`start_byte`, `end_byte`),
//!   each range carrying its `quote`, which loading checks.
//! - Versioned by `format_version`. Version 1 is the only version so far.
//!   Rule: a file of an older version loads into the current model (fields
//!   added later take their defaults) and is written in the current version
//!   at the next save; a newer version is refused with a clear message.
//!
//! Problems are reported as `line:col: message` (1-based, columns in
//! characters), pointing at the item they concern.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::*;

mod dto;
mod fast;
mod floor_;
mod locate;
mod read;
mod write;

use dto::*;
#[doc(hidden)]
pub use floor_::floor;
use locate::*;
pub use read::*;
pub use write::*;

pub const FORMAT_VERSION: u32 = 1;
/// Files past this size are refused before parsing (a 50 MB article with a
/// million annotations is about 250 MB).
pub const MAX_RON_BYTES: u64 = 1024 * 1024 * 1024;

/// One problem in a file, located by 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    /// One line, whatever the message quotes from the file.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = self.message.replace('\r', "\\r").replace('\n', "\\n");
        write!(f, "{}:{}: {message}", self.line, self.col)
    }
}

/// All problems found while loading a file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct LoadError(pub Vec<Problem>);

impl LoadError {
    /// The problems, one `path:line:col: message` line each.
    pub fn with_path(&self, path: &std::path::Path) -> String {
        self.0.iter().map(|p| format!("{}:{p}", path.display())).collect::<Vec<_>>().join("\n")
    }
}

/// Ids stay below this, so the id counter can never wrap around.
pub const MAX_ID: u32 = 1 << 31;

/// Hex SHA-256 of the text.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_no_internal_types() {
        let empty = from_ron_str("").map(|_| ()).unwrap_err().to_string();
        assert_eq!(empty, "1:1: the file is empty: it holds no annotations (was it cut short while being copied?)");
        let wrong = from_ron_str("[]").map(|_| ()).unwrap_err().to_string();
        assert!(wrong.contains("the annotation file") && !wrong.contains("Dto"), "{wrong}");
        assert_eq!(
            read::in_words("Expected opening `(` for struct `FileDto`"),
            "Expected opening `(` for the annotation file"
        );
    }

    /// Relations whose arguments are relations are written and read back,
    /// also when a relation comes before the relation it uses (a later
    /// edit pointed it at a newer one).
    #[test]
    fn relations_about_relations_are_read_back_whatever_their_order() {
        use crate::model::testkit::*;
        let mut s = crate::model::Store::new(
            crate::model::Text::new("Rusia memasok senjata ke Korut, kata Peskov.\n"),
            schema_with_denies(),
            crate::model::DocMeta::default(),
        );
        let (ru, nk, peskov) =
            (span(&mut s, "Country", "Rusia"), span(&mut s, "Country", "Korut"), span(&mut s, "Person", "Peskov"));
        let args = [("supplier", Target::Span(ru)), ("recipient", Target::Span(nk))];
        let transfer = relation(&mut s, "arms_transfer", &args, &[]);
        let denies = relation(
            &mut s,
            "denies",
            &[("speaker", Target::Span(peskov)), ("denied", Target::Relation(transfer))],
            &[],
        );
        let newer =
            relation(&mut s, "arms_transfer", &[("supplier", Target::Span(nk)), ("recipient", Target::Span(ru))], &[]);
        let mut later = s.relation(denies).unwrap().clone();
        later.args[1].target = Target::Relation(newer);
        s.apply(crate::model::Edit::ReplaceRelation(later)).unwrap();
        let written = to_ron_string(&s);
        assert!(written.contains(&format!("Relation(\"denied\", {})", newer.0)), "{written}");
        assert!(denies.0 < newer.0, "the user is listed first");
        let (back, _) = from_ron_str(&written).unwrap();
        assert!(back == s);
        // A relation pointing at one the file does not have is reported.
        let broken = written.replace(&format!("Relation(\"denied\", {})", newer.0), "Relation(\"denied\", 999)");
        let e = from_ron_str(&broken).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains(&format!("relation #{}: no relation #999", denies.0)), "{e}");
    }

    #[test]
    fn fast_span_lines_are_exactly_rons() {
        let mut store = crate::fixture::store(50_000, 400, 40, 7);
        // Give some spans what the fixture lacks: notes, reviews, links,
        // attributes with escapes, fragments.
        let ids: Vec<SpanId> = store.spans().map(|s| s.id).take(40).collect();
        for (k, id) in ids.iter().enumerate() {
            let mut s = store.span(*id).unwrap().clone();
            s.note = (k % 2 == 0).then(|| format!("note \"{k}\"\nline 'two' é\u{301}").into());
            s.review = match k % 3 {
                0 => Review {
                    status: ReviewStatus::Accepted,
                    reviewer: Some("rev".into()),
                    reviewed: Some(Timestamp(5)),
                    note: Some(Box::new(format!("cek \"{k}\"\nsumber 'kedua'"))),
                },
                1 => Review { status: ReviewStatus::Flagged, ..Review::default() },
                _ => Review::default(),
            };
            if store.label_name(s.label) == "Claim" {
                s.attributes.insert("certainty".into(), AttrValue::Text("hedged".into()));
                s.attributes.insert("check_worthy".into(), AttrValue::Bool(k % 2 == 0));
            }
            store.apply(crate::model::Edit::ReplaceSpan(s)).unwrap();
        }
        let mut checked = 0;
        for s in store.spans() {
            let mut line = String::new();
            push_span_line(&mut line, &store, s);
            assert_eq!(line, one_line(&span_dto(&store, s)));
            checked += 1;
        }
        assert_eq!(checked, 400);
        // And read back through the fast path, review notes included.
        let written = to_ron_string(&store);
        assert!(fast::read(&written).is_some(), "the file takes the fast path");
        let (back, _) = from_ron_str(&written).unwrap();
        for s in store.spans() {
            assert_eq!(back.span(s.id).map(|b| &b.review), Some(&s.review));
        }
    }

    #[test]
    fn the_summary_peeked_is_what_a_full_read_counts() {
        let mut store = crate::fixture::store(20_000, 120, 30, 3);
        let ids: Vec<SpanId> = store.spans().map(|s| s.id).take(30).collect();
        for (k, id) in ids.iter().enumerate() {
            let mut s = store.span(*id).unwrap().clone();
            // A note that looks like a review, and reviews of every kind.
            s.note = (k % 4 == 0).then(|| ", review: Some((status: Accepted".to_owned().into());
            s.review.status = [ReviewStatus::Accepted, ReviewStatus::Rejected, ReviewStatus::Flagged][k % 3];
            // Reviewers with quotes, backslashes and accents in their names.
            s.review.reviewer = Some(["sari", "bu\"di\\", "Dewi Ás"][k % 7 % 3].into());
            if k % 5 == 0 {
                s.review = Review { reviewer: Some("x".into()), ..Review::default() };
            }
            store.apply(crate::model::Edit::ReplaceSpan(s)).unwrap();
        }
        store.meta.state = DocState::Done;
        store.meta.annotator = Some("dewi".into());
        let written = to_ron_string(&store);
        let reviewed = store.spans().filter(|s| s.review.status != ReviewStatus::Unreviewed).count();
        let want = Summary {
            state: DocState::Done,
            annotator: Some("dewi".into()),
            spans: 120,
            relations: store.relations().len(),
            reviewed,
            reviewers: crate::io::corpus::reviewers(&store),
        };
        assert_eq!(want.reviewers.len(), 3, "{:?}", want.reviewers);
        assert_eq!(peek_summary(&written), Some(want));
        // The bundled sample, as a full read counts it.
        let sample = include_str!("../../../assets/000_f1c0a0fef9fd3cfc.sorot.ron");
        let (full, _) = from_ron_str(sample).unwrap();
        let s = peek_summary(sample).expect("the sample is laid out as Sorot writes");
        assert_eq!((s.spans, s.relations, s.state), (full.spans().len(), full.relations().len(), full.meta.state));
        // Empty lists.
        let empty = Store::new(Text::new("x"), Schema::default_news(), DocMeta::default());
        let s = peek_summary(&to_ron_string(&empty)).unwrap();
        assert_eq!((s.spans, s.relations, s.reviewed, s.state), (0, 0, 0, DocState::New));
        // Another layout: declined (the caller reads the file in full).
        assert_eq!(peek_summary(&written.replace("\n    spans: [\n", "\n    spans:[\n")), None);
    }

    #[test]
    fn the_text_is_peeked_exactly_fast_or_through_ron() {
        let tricky = "\u{feff}“Kata” 'dia' \"kutip\" back\\slash\ttab\r\nCRLF e\u{301} 👍🏽 🇰🇷 a\u{200d}b \u{2028} 한국어 \u{0}\u{7f}";
        let store = Store::new(Text::new(tricky), Schema::default_news(), DocMeta::default());
        let written = to_ron_string(&store);
        assert_eq!(fast::text(&written).as_deref(), Some(tricky));
        assert_eq!(peek_text(&written).as_deref(), Some(tricky));
        // Laid out otherwise (a hand-written or other tool's file): the
        // fast reader declines, `ron` reads it.
        let other = written.replace("\n    text: ", "\n    text:  ");
        assert_eq!(fast::text(&other), None);
        assert_eq!(peek_text(&other).as_deref(), Some(tricky));
        assert_eq!(peek_text(&written.replace(",\n)\n", ")\n")).as_deref(), Some(tricky));
        // A broken string: neither pretends.
        let cut = &written[..written.len() - 8];
        assert_eq!(fast::text(cut), None);
        assert_eq!(peek_text(cut), None);
    }

    #[test]
    fn fast_string_writing_is_exactly_rons() {
        let tricky = "plain “curly” 'single' \"double\" back\\slash\ttab\r\nnew\u{0}nul\u{7f}del \
                      e\u{301} 👍🏽 🇰🇷 a\u{200d}b \u{feff}bom \u{2028}ls 한국어 \u{e000}pua";
        let mut ours = String::new();
        push_ron_str(&mut ours, tricky);
        assert_eq!(ours, ron::to_string(&tricky).unwrap());
        assert_eq!(ron::from_str::<String>(&ours).unwrap(), tricky);
    }

    #[test]
    fn every_character_is_written_as_ron_writes_it() {
        let beyond = (0x20000..0x110000).step_by(97).chain([0x2a6d6, 0xe0001, 0xe0100, 0x10ffff]);
        for c in (0..0x20000).chain(beyond).filter_map(char::from_u32) {
            let s = c.to_string();
            let mut ours = String::new();
            push_ron_str(&mut ours, &s);
            assert_eq!(ours, ron::to_string(&s).unwrap(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn item_positions_skip_strings_and_comments() {
        let src =
            "(\n  a: \"spans: [(\",\n  // spans: [\n  spans: [\n    (id: 1, q: \"])\"),\n    (id: 2, c: ']'),\n  ],\n)";
        let loc = Locator::new(src);
        assert_eq!((loc.item("spans", 0), loc.item("spans", 1)), ((5, 5), (6, 5)));
        assert_eq!(loc.top("a"), (2, 3));
    }
}
