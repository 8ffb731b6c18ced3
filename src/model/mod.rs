//! The core: text and offsets, schema, annotations, the store and its edits,
//! and the undo history. Plain types; no egui, no files, no anyhow.

pub mod agreement;
pub mod annotation;
pub mod attribution;
pub mod compare;
pub mod consistency;
pub mod draft;
pub mod graph;
pub mod history;
pub mod reanchor;
pub mod review;
pub mod schema;
pub mod search;
pub mod store;
pub mod text;

#[cfg(test)]
mod contract_tests;
#[cfg(test)]
mod testkit;

pub use annotation::*;
pub use history::History;
pub use schema::{AttrDef, AttrKind, AttrValue, LabelDef, RelationTypeDef, RoleDef, Schema};
pub use store::{DocMeta, Edit, EditError, Store, relation_rule};
pub use text::{ByteRange, RangeError, Text, TextIndex};
