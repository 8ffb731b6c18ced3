//! Benchmark floors (not used by Sorot itself).

use super::*;

/// The performance floors of `benches/perf.rs`: the same file data written
/// and parsed by serde_json, the fastest general serializer of the field.
#[doc(hidden)]
pub mod floor {
    use super::*;

    pub fn write_json(store: &Store) -> String {
        let dto = FileDto {
            format_version: FORMAT_VERSION,
            document: document_dto(store),
            next_id: store.next_id(),
            entities: store.entities().map(entity_dto).collect(),
            spans: store.spans().map(|s| span_dto(store, s)).collect(),
            relations: store.relations().map(|r| relation_dto(store, r)).collect(),
            rejected: Vec::new(),
            schema: store.schema().clone(),
            text: store.text().as_str().to_owned(),
        };
        serde_json::to_string(&dto).unwrap_or_default()
    }

    /// Parses what [`write_json`] wrote; returns the number of spans.
    pub fn parse_json(src: &str) -> usize {
        serde_json::from_str::<FileDto>(src).map_or(0, |d| d.spans.len())
    }
}
