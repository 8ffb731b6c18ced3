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

mod fast;

pub const FORMAT_VERSION: u32 = 1;
/// Files past this size are refused before parsing (a 50 MB article with a
/// million annotations is about 250 MB).
pub const MAX_RON_BYTES: u64 = 1024 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDto {
    format_version: u32,
    document: DocumentDto,
    #[serde(default)]
    next_id: u32,
    #[serde(default)]
    entities: Vec<EntityDto>,
    #[serde(default)]
    spans: Vec<SpanDto>,
    #[serde(default)]
    relations: Vec<RelationDto>,
    schema: Schema,
    text: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentDto {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    original_path: Option<String>,
    encoding: String,
    sha256: String,
    #[serde(default)]
    state: DocStateDto,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    annotator: Option<String>,
}

#[derive(Serialize, Deserialize, Default, Clone, Copy)]
enum DocStateDto {
    #[default]
    New,
    InProgress,
    Done,
    Reviewed,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeDto {
    start_byte: u64,
    end_byte: u64,
    quote: String,
}

#[derive(Serialize, Deserialize, Default, Clone, Copy, PartialEq)]
enum ReviewStatusDto {
    #[default]
    Unreviewed,
    Accepted,
    Rejected,
    Flagged,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ReviewDto {
    status: ReviewStatusDto,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at_unix: Option<i64>,
}

fn is_unreviewed(r: &Option<ReviewDto>) -> bool {
    r.is_none()
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpanDto {
    id: u32,
    label: String,
    ranges: Vec<RangeDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    entity: Option<u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, AttrValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "is_unreviewed")]
    review: Option<ReviewDto>,
    author: String,
    created_unix: i64,
    modified_unix: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityDto {
    id: u32,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    author: String,
    created_unix: i64,
    modified_unix: i64,
}

/// A relation argument: `Span("claim", 4)` or `Entity("supplier", 1)`.
#[derive(Serialize, Deserialize)]
enum ArgDto {
    Span(String, u32),
    Entity(String, u32),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RelationDto {
    id: u32,
    #[serde(rename = "type")]
    kind: String,
    args: Vec<ArgDto>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    attributes: BTreeMap<String, AttrValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "is_unreviewed")]
    review: Option<ReviewDto>,
    author: String,
    created_unix: i64,
    modified_unix: i64,
}

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

// ----- writing -------------------------------------------------------------

fn one_line<T: Serialize>(value: &T) -> String {
    let config = ron::ser::PrettyConfig::new()
        .new_line("")
        .indentor("")
        .separator(" ")
        .compact_arrays(true)
        .compact_structs(true)
        .compact_maps(true);
    // Serialising our own plain data types cannot fail.
    ron::ser::to_string_pretty(value, config).unwrap_or_default()
}

/// Writes `s` as a RON string exactly as `ron` does (each character through
/// `char::escape_debug`), but copying runs of plain ASCII at once: the
/// article text is most of a file, and `ron` checks every character.
fn push_ron_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let plain = match c {
            '"' | '\\' | '\'' => false,
            ' '..='~' => true,
            c if c.is_ascii() => false,
            c => written_as_is(c),
        };
        if !plain {
            out.push_str(&s[start..i]);
            out.extend(c.escape_debug());
            start = i + c.len_utf8();
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether `char::escape_debug` leaves `c` as it is. Looked up in a table
/// for the first two planes (letters of every script, emoji; built once
/// from `escape_debug` itself, 16 KiB), so long non-Latin texts are not
/// checked character by character.
fn written_as_is(c: char) -> bool {
    const PLANES: usize = 0x20000;
    static TABLE: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    let cp = c as usize;
    if cp >= PLANES {
        return c.escape_debug().len() == 1;
    }
    let table = TABLE.get_or_init(|| {
        let mut t = vec![0u64; PLANES / 64];
        for (cp, c) in (0..PLANES as u32).filter_map(|cp| char::from_u32(cp).map(|c| (cp as usize, c))) {
            if c.escape_debug().len() == 1 {
                t[cp / 64] |= 1 << (cp % 64);
            }
        }
        t
    });
    table[cp / 64] >> (cp % 64) & 1 == 1
}

/// A span's line, exactly as `one_line(&span_dto(..))` writes it, without
/// going through the RON serializer (spans are most of a file's lines).
fn push_span_line(out: &mut String, store: &Store, s: &Span) {
    use std::fmt::Write as _;
    let _ = write!(out, "(id: {}, label: ", s.id.0);
    push_ron_str(out, store.label_name(s.label));
    out.push_str(", ranges: [");
    for (i, r) in s.ranges.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "(start_byte: {}, end_byte: {}, quote: ", r.start, r.end);
        push_ron_str(out, store.text().slice(*r));
        out.push(')');
    }
    out.push(']');
    if let Some(e) = s.entity {
        let _ = write!(out, ", entity: Some({})", e.0);
    }
    if !s.attributes.is_empty() {
        out.push_str(", attributes: {");
        for (i, (k, v)) in s.attributes.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            push_ron_str(out, k);
            out.push_str(": ");
            match v {
                AttrValue::Bool(b) => {
                    let _ = write!(out, "{b}");
                }
                AttrValue::Text(t) => push_ron_str(out, t),
            }
        }
        out.push('}');
    }
    if let Some(n) = &s.note {
        out.push_str(", note: Some(");
        push_ron_str(out, n);
        out.push(')');
    }
    if let Some(r) = review_dto(&s.review) {
        let _ = write!(out, ", review: Some({})", one_line(&r));
    }
    out.push_str(", author: ");
    push_ron_str(out, &s.provenance.author);
    let _ = write!(
        out,
        ", created_unix: {}, modified_unix: {})",
        s.provenance.created.secs(),
        s.provenance.modified.secs()
    );
}

fn review_dto(r: &Review) -> Option<ReviewDto> {
    if r.status == ReviewStatus::Unreviewed && r.reviewer.is_none() && r.reviewed.is_none() {
        return None;
    }
    Some(ReviewDto {
        status: match r.status {
            ReviewStatus::Unreviewed => ReviewStatusDto::Unreviewed,
            ReviewStatus::Accepted => ReviewStatusDto::Accepted,
            ReviewStatus::Rejected => ReviewStatusDto::Rejected,
            ReviewStatus::Flagged => ReviewStatusDto::Flagged,
        },
        by: r.reviewer.as_deref().map(str::to_owned),
        at_unix: r.reviewed.map(|t| t.0),
    })
}

fn document_dto(store: &Store) -> DocumentDto {
    let meta = &store.meta;
    DocumentDto {
        id: meta.id.clone(),
        original_path: meta.original_path.clone(),
        encoding: meta.encoding.clone(),
        sha256: sha256_hex(store.text().as_str()),
        state: match meta.state {
            DocState::New => DocStateDto::New,
            DocState::InProgress => DocStateDto::InProgress,
            DocState::Done => DocStateDto::Done,
            DocState::Reviewed => DocStateDto::Reviewed,
        },
        annotator: meta.annotator.clone(),
    }
}

fn entity_dto(e: &Entity) -> EntityDto {
    EntityDto {
        id: e.id.0,
        name: e.name.clone(),
        kind: e.kind.clone(),
        aliases: e.aliases.clone(),
        external_id: e.external_id.clone(),
        note: e.note.clone(),
        author: e.provenance.author.to_string(),
        created_unix: e.provenance.created.0,
        modified_unix: e.provenance.modified.0,
    }
}

fn span_dto(store: &Store, s: &Span) -> SpanDto {
    SpanDto {
        id: s.id.0,
        label: store.label_name(s.label).to_owned(),
        ranges: s
            .ranges
            .iter()
            .map(|r| RangeDto {
                start_byte: r.start.into(),
                end_byte: r.end.into(),
                quote: store.text().slice(*r).to_owned(),
            })
            .collect(),
        entity: s.entity.map(|e| e.0),
        attributes: s.attributes.clone().into(),
        note: s.note.as_deref().cloned(),
        review: review_dto(&s.review),
        author: s.provenance.author.to_string(),
        created_unix: s.provenance.created.0,
        modified_unix: s.provenance.modified.0,
    }
}

fn relation_dto(store: &Store, r: &Relation) -> RelationDto {
    RelationDto {
        id: r.id.0,
        kind: store.relation_type(r.kind).map_or("?", |t| t.name.as_str()).to_owned(),
        args: r
            .args
            .iter()
            .map(|a| match a.target {
                Target::Span(id) => ArgDto::Span(a.role.to_string(), id.0),
                Target::Entity(id) => ArgDto::Entity(a.role.to_string(), id.0),
            })
            .collect(),
        evidence: r.evidence.iter().map(|e| e.0).collect(),
        attributes: r.attributes.clone().into(),
        note: r.note.as_deref().cloned(),
        review: review_dto(&r.review),
        author: r.provenance.author.to_string(),
        created_unix: r.provenance.created.0,
        modified_unix: r.provenance.modified.0,
    }
}

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

/// Writes a store as the text of a `.sorot.ron` file.
pub fn to_ron_string(store: &Store) -> String {
    let text = store.text();
    let schema = store.schema();
    let document = document_dto(store);
    let mut out = String::with_capacity(text.len() * 2 + store.spans().len() * 200 + 4096);
    out.push_str(
        "// Sorot annotation file. Offsets are UTF-8 byte offsets into `text`; each range repeats its quote.\n(\n",
    );
    out.push_str(&format!("    format_version: {FORMAT_VERSION},\n"));
    out.push_str(&format!("    document: {},\n", one_line(&document)));
    out.push_str(&format!("    next_id: {},\n", store.next_id()));
    let list = |out: &mut String, name: &str, items: &mut dyn Iterator<Item = String>| {
        out.push_str(&format!("    {name}: ["));
        let mut any = false;
        for item in items {
            if !any {
                out.push('\n');
                any = true;
            }
            out.push_str("        ");
            out.push_str(&item);
            out.push_str(",\n");
        }
        out.push_str(if any { "    ],\n" } else { "],\n" });
    };
    list(&mut out, "entities", &mut store.entities().map(|e| one_line(&entity_dto(e))));
    list(
        &mut out,
        "spans",
        &mut store.spans().map(|s| {
            let mut line = String::with_capacity(160);
            push_span_line(&mut line, store, s);
            line
        }),
    );
    list(&mut out, "relations", &mut store.relations().map(|r| one_line(&relation_dto(store, r))));
    // The schema: one label / entity type / relation type per line.
    out.push_str("    schema: (\n");
    out.push_str(&format!("        name: {},\n", one_line(&schema.name)));
    let sub = |out: &mut String, name: &str, items: Vec<String>| {
        out.push_str(&format!("        {name}: [\n"));
        for item in items {
            out.push_str(&format!("            {item},\n"));
        }
        out.push_str("        ],\n");
    };
    sub(&mut out, "labels", schema.labels.iter().map(one_line).collect());
    sub(&mut out, "entity_types", schema.entity_types.iter().map(one_line).collect());
    sub(&mut out, "relation_types", schema.relation_types.iter().map(one_line).collect());
    out.push_str("    ),\n");
    out.push_str("    text: ");
    push_ron_str(&mut out, text.as_str());
    out.push_str(",\n");
    out.push_str(")\n");
    out
}

// ----- reading -------------------------------------------------------------

/// The article text of an annotation file written by Sorot, read without
/// parsing the rest, so the window can show it while the annotations load.
/// `None` when the file is not laid out as Sorot writes it.
pub fn peek_text(src: &str) -> Option<String> {
    // The strict reader of the fast path (2–4× faster than `ron` on a 10 MB
    // text); `ron` for anything it declines.
    if let Some(text) = fast::text(src) {
        return Some(text);
    }
    let at = src.rfind("\n    text: ")? + "\n    text: ".len();
    let mut de = ron::de::Deserializer::from_str(&src[at..]).ok()?;
    String::deserialize(&mut de).ok()
}

/// For tests: `None` when the fast path declines `src`; else whether it
/// read exactly what `ron` reads (`false` also when `ron` refuses it).
#[doc(hidden)]
pub fn fast_path_check(src: &str) -> Option<bool> {
    let fast = fast::read(src)?;
    let slow: Result<FileDto, _> = ron::from_str(src);
    Some(slow.is_ok_and(|slow| ron::to_string(&fast).ok() == ron::to_string(&slow).ok()))
}

/// What a loaded file says beyond the store.
#[derive(Clone, Debug, PartialEq)]
pub struct FileInfo {
    pub format_version: u32,
}

/// Parses a schema file (RON), reporting syntax errors and schema problems.
pub fn schema_from_ron(src: &str) -> Result<Schema, LoadError> {
    let schema: Schema = ron::from_str(src).map_err(|e| LoadError(vec![syntax_problem(&e)]))?;
    let problems = schema.problems();
    if problems.is_empty() {
        return Ok(schema);
    }
    let (line, col) = (1, 1);
    Err(LoadError(
        problems
            .into_iter()
            .map(|p| {
                let (line, col) = locate_schema_item(src, 0, &p.path).unwrap_or((line, col));
                Problem { line, col, message: format!("schema {p}") }
            })
            .collect(),
    ))
}

fn syntax_problem(e: &ron::error::SpannedError) -> Problem {
    Problem { line: e.span.start.line.max(1), col: e.span.start.col.max(1), message: e.code.to_string() }
}

/// Finds where things are in the source, lazily: nothing is scanned unless
/// a problem needs a position, so a valid file loads in linear time.
struct Locator<'a> {
    src: &'a str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
    items: std::cell::RefCell<HashMap<&'static str, Vec<usize>>>,
}

impl<'a> Locator<'a> {
    fn new(src: &'a str) -> Self {
        Self { src, line_starts: Default::default(), items: Default::default() }
    }
    fn line_col(&self, byte: usize) -> (usize, usize) {
        let starts = self
            .line_starts
            .get_or_init(|| std::iter::once(0).chain(self.src.match_indices('\n').map(|(i, _)| i + 1)).collect());
        let line = starts.partition_point(|&s| s <= byte).saturating_sub(1);
        let col = self.src.get(starts[line]..byte.min(self.src.len())).map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }
    fn top(&self, field: &str) -> (usize, usize) {
        top_field_offset(self.src, field).map_or((1, 1), |i| self.line_col(i))
    }
    fn item(&self, section: &'static str, i: usize) -> (usize, usize) {
        let offset = {
            let mut items = self.items.borrow_mut();
            let list = items.entry(section).or_insert_with(|| {
                top_field_offset(self.src, section).map_or_else(Vec::new, |start| list_items_from(self.src, start, 1))
            });
            list.get(i).copied()
        };
        offset.map_or_else(|| self.top(section), |o| self.line_col(o))
    }
}

/// Loads a `.sorot.ron` file's text into a store, checking everything:
/// syntax, version, the text's hash, the schema, every quote, every id and
/// every rule. All problems are reported, each with its line and column.
pub fn from_ron_str(src: &str) -> Result<(Store, FileInfo), LoadError> {
    // Files as Sorot writes them take the fast path; anything else (and
    // every error) is read by `ron`, which says where the problem is.
    let dto: FileDto = match fast::read(src) {
        Some(dto) => dto,
        None => ron::from_str(src).map_err(|e| LoadError(vec![syntax_problem(&e)]))?,
    };
    let mut problems = Vec::new();
    let loc = Locator::new(src);
    let top = |field: &str| loc.top(field);
    if dto.format_version > FORMAT_VERSION || dto.format_version == 0 {
        let (line, col) = top("format_version");
        return Err(LoadError(vec![Problem {
            line,
            col,
            message: format!(
                "format_version {} is not supported: this Sorot reads format versions 1 to {FORMAT_VERSION}",
                dto.format_version
            ),
        }]));
    }
    if dto.text.len() > crate::model::text::MAX_TEXT_BYTES {
        let (line, col) = top("text");
        return Err(LoadError(vec![Problem { line, col, message: "the text is over 256 MiB".into() }]));
    }
    let hash = sha256_hex(&dto.text);
    if !dto.document.sha256.eq_ignore_ascii_case(&hash) {
        let (line, col) = top("document");
        problems.push(Problem {
            line,
            col,
            message: format!(
                "document.sha256 is {} but the embedded text hashes to {hash}: the text was changed after annotation",
                dto.document.sha256
            ),
        });
    }
    for p in dto.schema.problems() {
        let (line, col) = locate_schema_item(src, 0, &p.path).unwrap_or_else(|| top("schema"));
        problems.push(Problem { line, col, message: format!("schema {p}") });
    }
    let meta = DocMeta {
        id: dto.document.id,
        original_path: dto.document.original_path,
        encoding: dto.document.encoding,
        state: match dto.document.state {
            DocStateDto::New => DocState::New,
            DocStateDto::InProgress => DocState::InProgress,
            DocStateDto::Done => DocState::Done,
            DocStateDto::Reviewed => DocState::Reviewed,
        },
        annotator: dto.document.annotator,
    };
    let schema = dto.schema;
    let mut store = Store::new(Text::new(dto.text), schema.clone(), meta);
    // Interned names; consecutive annotations mostly share their author, so
    // the last one is kept at hand instead of asking the interner each time.
    let mut last: Option<(String, Name)> = None;
    let mut author = |name: String| -> Name {
        match &last {
            Some((n, interned)) if *n == name => *interned,
            _ => {
                let interned = Name::from(name.as_str());
                last = Some((name, interned));
                interned
            }
        }
    };
    let max_id = dto
        .entities
        .iter()
        .map(|e| e.id)
        .chain(dto.spans.iter().map(|s| s.id))
        .chain(dto.relations.iter().map(|r| r.id))
        .max()
        .unwrap_or(0);
    if dto.next_id > MAX_ID {
        let (line, col) = top("next_id");
        problems.push(Problem {
            line,
            col,
            message: format!("next_id {} is above {MAX_ID}, the largest id Sorot hands out", dto.next_id),
        });
    } else if dto.next_id <= max_id {
        let (line, col) = top("next_id");
        problems.push(Problem {
            line,
            col,
            message: format!("next_id {} must be above the largest id in the file ({max_id})", dto.next_id),
        });
    }
    store.reserve_ids_below(dto.next_id.max(max_id.saturating_add(1)));

    for (i, e) in dto.entities.into_iter().enumerate() {
        let id = e.id;
        let entity = Entity {
            id: EntityId(e.id),
            name: e.name,
            kind: e.kind,
            aliases: e.aliases,
            external_id: e.external_id,
            note: e.note,
            provenance: Provenance {
                author: author(e.author),
                created: Timestamp(e.created_unix),
                modified: Timestamp(e.modified_unix),
            },
        };
        if let Err(err) = store.apply(Edit::AddEntity(entity)) {
            let (line, col) = loc.item("entities", i);
            problems.push(Problem { line, col, message: format!("entity #{id}: {err}") });
        }
    }

    for (i, s) in dto.spans.into_iter().enumerate() {
        let mut push = |message: String| {
            let (line, col) = loc.item("spans", i);
            problems.push(Problem { line, col, message: format!("span #{}: {message}", s.id) })
        };
        let Some(label) = schema.label_index(&s.label) else {
            push(format!(
                "label {:?} is not in the schema (labels: {})",
                s.label,
                schema.labels.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        let mut ranges = Ranges::new();
        let mut ok = true;
        for r in &s.ranges {
            let (Ok(start), Ok(end)) = (u32::try_from(r.start_byte), u32::try_from(r.end_byte)) else {
                push(format!(
                    "range {}..{} is past the end of the text ({} bytes)",
                    r.start_byte,
                    r.end_byte,
                    store.text().len()
                ));
                ok = false;
                continue;
            };
            let range = ByteRange { start, end };
            if let Err(e) = store.text().check_range(range) {
                push(format!("range {}..{}: {e}", r.start_byte, r.end_byte));
                ok = false;
                continue;
            }
            let actual = store.text().slice(range);
            if actual != r.quote {
                push(format!(
                    "quote {:?} does not match the text at {}..{}, which reads {:?}",
                    r.quote, r.start_byte, r.end_byte, actual
                ));
                ok = false;
            }
            ranges.push(range);
        }
        if !ok {
            continue;
        }
        let span = Span {
            id: SpanId(s.id),
            label: label as u16,
            ranges,
            entity: s.entity.map(EntityId),
            attributes: s.attributes.into(),
            note: s.note.map(Into::into),
            review: review_from(s.review, &mut author),
            provenance: Provenance {
                author: author(s.author),
                created: Timestamp(s.created_unix),
                modified: Timestamp(s.modified_unix),
            },
        };
        if let Err(err) = store.apply(Edit::AddSpan(span)) {
            push(err.to_string());
        }
    }

    for (i, r) in dto.relations.into_iter().enumerate() {
        let mut push = |message: String| {
            let (line, col) = loc.item("relations", i);
            problems.push(Problem { line, col, message: format!("relation #{}: {message}", r.id) })
        };
        let Some(kind) = schema.relation_index(&r.kind) else {
            push(format!("relation type {:?} is not in the schema", r.kind));
            continue;
        };
        // Collected in place over the parsed list, whose capacity is larger
        // than its length; shrunk so loaded relations hold no slack.
        let mut args: Vec<RoleArg> = r
            .args
            .into_iter()
            .map(|a| match a {
                ArgDto::Span(role, id) => RoleArg { role: role.as_str().into(), target: Target::Span(SpanId(id)) },
                ArgDto::Entity(role, id) => {
                    RoleArg { role: role.as_str().into(), target: Target::Entity(EntityId(id)) }
                }
            })
            .collect();
        args.shrink_to_fit();
        let mut evidence: Vec<SpanId> = r.evidence.into_iter().map(SpanId).collect();
        evidence.shrink_to_fit();
        let rel = Relation {
            id: RelationId(r.id),
            kind: kind as u16,
            args,
            evidence,
            attributes: r.attributes.into(),
            note: r.note.map(Into::into),
            review: review_from(r.review, &mut author),
            provenance: Provenance {
                author: author(r.author),
                created: Timestamp(r.created_unix),
                modified: Timestamp(r.modified_unix),
            },
        };
        if let Err(err) = store.apply(Edit::AddRelation(rel)) {
            push(err.to_string());
        }
    }

    if problems.is_empty() {
        store.compact();
        Ok((store, FileInfo { format_version: dto.format_version }))
    } else {
        problems.sort_by_key(|p| (p.line, p.col));
        Err(LoadError(problems))
    }
}

fn review_from(r: Option<ReviewDto>, author: &mut impl FnMut(String) -> Name) -> Review {
    let Some(r) = r else { return Review::default() };
    Review {
        status: match r.status {
            ReviewStatusDto::Unreviewed => ReviewStatus::Unreviewed,
            ReviewStatusDto::Accepted => ReviewStatus::Accepted,
            ReviewStatusDto::Rejected => ReviewStatus::Rejected,
            ReviewStatusDto::Flagged => ReviewStatus::Flagged,
        },
        reviewer: r.by.map(&mut *author),
        reviewed: r.at_unix.map(Timestamp),
    }
}

// ----- locating items in the source ----------------------------------------

/// A tiny RON lexer that walks the source tracking nesting depth, skipping
/// strings, raw strings, chars and comments. Calls `visit(byte_idx, byte,
/// depth)` for every structural byte outside strings and comments.
fn walk(src: &str, mut visit: impl FnMut(usize, u8, usize) -> bool) {
    let b = src.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    while i < b.len() {
        let c = b[i];
        match c {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"'))
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric() && b[i - 1] != b'_') =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&x| x == b'#').count();
                let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                let open_end = i + 1 + hashes + 1;
                i = match src
                    .get(open_end..)
                    .and_then(|rest| rest.as_bytes().windows(close.len()).position(|w| w == close.as_slice()))
                {
                    Some(p) => open_end + p + close.len() - 1,
                    None => b.len(),
                };
            }
            b'\'' => {
                // A char literal: 'x', '\n', '\u{..}', or a multi-byte char.
                let end = src[i + 1..].find('\'').map_or(b.len(), |p| i + 1 + p);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'(' | b'[' | b'{' => {
                if !visit(i, c, depth) {
                    return;
                }
                depth += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if !visit(i, c, depth) {
                    return;
                }
            }
            _ => {
                if !visit(i, c, depth) {
                    return;
                }
            }
        }
        i += 1;
    }
}

fn line_col(src: &str, byte_idx: usize) -> (usize, usize) {
    let head = &src[..byte_idx.min(src.len())];
    let line = head.matches('\n').count() + 1;
    let line_start = head.rfind('\n').map_or(0, |p| p + 1);
    (line, head[line_start..].chars().count() + 1)
}

/// Byte offset of the value of top-level field `field` (depth 1).
fn top_field_offset(src: &str, field: &str) -> Option<usize> {
    field_offset_at_depth(src, field, 1, 0)
}

fn field_offset_at_depth(src: &str, field: &str, want_depth: usize, from: usize) -> Option<usize> {
    let mut found = None;
    let fb = field.as_bytes();
    let b = src.as_bytes();
    walk(src, |i, c, depth| {
        if i >= from
            && depth == want_depth
            && c == fb[0]
            && b[i..].starts_with(fb)
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let rest = &src[i + fb.len()..];
            if rest.trim_start().starts_with(':') {
                found = Some(i);
                return false;
            }
        }
        true
    });
    found
}

/// Offsets of the items of the list that follows `start` (a field at `depth`).
fn list_items_from(src: &str, start: usize, depth: usize) -> Vec<usize> {
    let mut items = Vec::new();
    let mut in_list = false;
    let mut expect_item = false;
    walk(src, |i, c, d| {
        if i < start {
            return true;
        }
        if !in_list {
            if c == b'[' && d == depth {
                in_list = true;
                expect_item = true;
            }
            return true;
        }
        if d == depth && c == b']' {
            return false;
        }
        if d == depth + 1 {
            if c == b',' {
                expect_item = true;
            } else if expect_item && !c.is_ascii_whitespace() {
                items.push(i);
                expect_item = false;
            }
        }
        true
    });
    items
}

/// Locates `labels[3] (Name)`-style schema paths inside the `schema` field
/// (or, for a standalone schema file, `base_depth` 0).
fn locate_schema_item(src: &str, base_depth: usize, path: &str) -> Option<(usize, usize)> {
    let (list, rest) = path.split_once('[')?;
    let idx: usize = rest.split(']').next()?.parse().ok()?;
    let schema_start =
        if base_depth == 0 && top_field_offset(src, "schema").is_some() { top_field_offset(src, "schema")? } else { 0 };
    let depth = if schema_start == 0 { 1 } else { 2 };
    let field = field_offset_at_depth(src, list, depth, schema_start)?;
    let items = list_items_from(src, field, depth);
    items.get(idx).map(|&i| line_col(src, i))
}

#[cfg(test)]
mod tests {
    use super::*;

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
                },
                1 => Review { status: ReviewStatus::Flagged, reviewer: None, reviewed: None },
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
