//! The core: text and offsets, schema, annotations, the store and its edits,
//! and the undo history. Plain types; no egui, no files, no anyhow.

pub mod agreement;
pub mod annotation;
pub mod attribution;
pub mod compare;
pub mod consistency;
pub mod diff;
pub mod draft;
pub mod graph;
pub mod history;
pub mod reanchor;
pub mod review;
pub mod schema;
pub mod search;
pub mod segment;
pub mod store;
pub mod text;
pub mod tokens;

#[cfg(test)]
mod contract_tests;
#[cfg(test)]
pub(crate) mod testkit;

pub use annotation::*;
pub use history::History;
pub use schema::{AttrDef, AttrKind, AttrValue, AttributionRules, LabelDef, RelationTypeDef, RoleDef, Schema};
pub use store::{DocMeta, Edit, EditError, Fetch, Origin, PageInfo, Store, TextMode, relation_rule};
pub use text::{ByteRange, RangeError, Text, TextIndex};

/// `1 span`, `2 spans`: a count with its noun (regular English plurals;
/// `entity` → `entities`).
pub fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else if let Some(stem) = one.strip_suffix('y').filter(|s| !s.ends_with(['a', 'e', 'o', 'u'])) {
        format!("{n} {stem}ies")
    } else if one.ends_with("ch") || one.ends_with('s') || one.ends_with('x') {
        format!("{n} {one}es")
    } else {
        format!("{n} {one}s")
    }
}

#[cfg(test)]
mod plural_tests {
    #[test]
    fn counts_read_as_english() {
        assert_eq!(super::plural(1, "span"), "1 span");
        assert_eq!(super::plural(0, "span"), "0 spans");
        assert_eq!(super::plural(2, "entity"), "2 entities");
        assert_eq!(super::plural(3, "match"), "3 matches");
        assert_eq!(super::plural(2, "day"), "2 days");
    }
}
