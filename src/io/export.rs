//! Dataset exports: pure functions from stores to file contents, each with
//! a report of what the format could not hold. Offsets are Unicode code
//! points unless UTF-16 units are asked for.
//!
//! Formats: `jsonl` (doccano relation-extraction shape plus Sorot's extras
//! under `sorot`), `conll` (CoNLL-2003 style IOB2), `brat` (`.txt` +
//! `.ann`), `label-studio` (tasks + labeling config), `w3c` (Web Annotation
//! JSON-LD), `csv` (claims and relations tables).

mod label_studio;
mod w3c;

pub use label_studio::label_studio;
pub use w3c::{iri_segment, rfc3339, w3c};

use std::collections::BTreeMap;

use unicode_segmentation::UnicodeSegmentation;

use crate::model::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Offsets {
    /// Unicode code points (Python, spaCy, brat, W3C).
    #[default]
    CodePoints,
    /// UTF-16 code units (browser front-ends: doccano, Label Studio).
    Utf16,
}

impl Offsets {
    fn of(self, text: &Text, byte: usize) -> usize {
        match self {
            Offsets::CodePoints => text.byte_to_char(byte),
            Offsets::Utf16 => text.byte_to_utf16(byte),
        }
    }

    /// Many byte offsets (char boundaries) converted at once, in text
    /// order: the text is swept once front to back, counting the units
    /// between one offset and the next, instead of a lookup per offset at
    /// a random place (spans come by id, not by position). The same values
    /// as [`Self::of`].
    #[doc(hidden)]
    pub fn of_many(self, text: &Text, bytes: &[u32]) -> Vec<usize> {
        let mut order: Vec<(u32, u32)> = bytes.iter().enumerate().map(|(i, &b)| (b, i as u32)).collect();
        order.sort_unstable();
        let s = text.as_str().as_bytes();
        let mut out = vec![0; bytes.len()];
        let (mut at, mut units) = (0, 0);
        for (b, i) in order {
            let b = (b as usize).min(s.len());
            units += self.count(&s[at..b]);
            at = b;
            out[i as usize] = units;
        }
        out
    }

    /// The units in whole UTF-8 characters: one per character that does
    /// not begin with a continuation byte, and for UTF-16 one more per
    /// four-byte character (a surrogate pair). Branch-free, so the compiler
    /// vectorises it.
    fn count(self, utf8: &[u8]) -> usize {
        let starts = |b: u8| usize::from((b as i8) >= -0x40);
        match self {
            Offsets::CodePoints => utf8.iter().map(|&b| starts(b)).sum(),
            Offsets::Utf16 => utf8.iter().map(|&b| starts(b) + usize::from(b >= 0xF0)).sum(),
        }
    }
}

/// Something a format could not hold, with the ids concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    pub document: String,
    pub message: String,
    pub ids: Vec<u32>,
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<String> = self.ids.iter().take(20).map(|i| format!("#{i}")).collect();
        let more = if self.ids.len() > 20 { format!(" and {} more", self.ids.len() - 20) } else { String::new() };
        write!(f, "{}: {}: ids {}{more}", self.document, self.message, ids.join(", "))
    }
}

/// The files of an export (names relative to the output) and its losses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Export {
    /// (relative path, contents): a plain name, or `folder/name` for
    /// formats that keep a collection's folder tree.
    pub files: Vec<(String, String)>,
    pub losses: Vec<Loss>,
    /// What the analyst should know that is not a loss (a document written
    /// under another name than its id, because another took that name).
    pub notices: Vec<String>,
}

/// The export formats, as `--format` and the Export dialog name them.
pub const FORMATS: [&str; 6] = ["jsonl", "conll", "brat", "label-studio", "w3c", "csv"];

/// Formats written as a folder of files rather than one file.
pub fn is_folder(format: &str) -> bool {
    matches!(format, "brat" | "csv" | "label-studio")
}

/// Runs the export named `format`; `None` for an unknown name.
pub fn by_name(format: &str, stores: &[&Store], offsets: Offsets, labels: Option<&[String]>) -> Option<Export> {
    Some(match format {
        "jsonl" => jsonl(stores, offsets),
        "conll" => conll(stores, labels),
        "brat" => brat(stores),
        "label-studio" => label_studio(stores, offsets),
        "w3c" => w3c(stores),
        "csv" => csv(stores, offsets),
        _ => return None,
    })
}

/// A relative name from an export is safe to write under the output
/// folder: made of plain components (no `..`, no root, no hidden names, no
/// backslashes), so nothing lands outside it.
fn is_plain(name: &str) -> bool {
    !name.is_empty()
        && !name.contains('\\')
        && name.split('/').all(|c| !c.is_empty() && !c.starts_with('.'))
        && std::path::Path::new(name).components().all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Where each file of `export` goes: under the folder `out` for folder
/// formats, `out` itself otherwise. Refuses names that would leave `out`
/// and two files of one export with the same path (one would replace the
/// other).
pub fn targets(export: &Export, format: &str, out: &std::path::Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut seen = std::collections::HashSet::new();
    let mut paths = Vec::with_capacity(export.files.len());
    for (name, _) in &export.files {
        if !is_plain(name) {
            anyhow::bail!("{name}: not a plain file name; nothing was written");
        }
        // Names differing only by case are one file on Windows and macOS.
        if !seen.insert(name.to_lowercase()) {
            anyhow::bail!(
                "{name}: two documents of this export would be written to this one file; nothing was written"
            );
        }
        paths.push(if is_folder(format) { out.join(name) } else { out.to_path_buf() });
    }
    Ok(paths)
}

/// The files of `export` that already exist under `out` (writing would
/// replace them).
pub fn existing(export: &Export, format: &str, out: &std::path::Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    Ok(targets(export, format, out)?.into_iter().filter(|p| p.exists()).collect())
}

/// Writes an export: into the folder `out` for folder formats, as the file
/// `out` otherwise. Each file is written atomically, only under plain
/// names (nothing lands outside `out`), and never two files of one export
/// to the same path. Unless `replace`, nothing is written when any target
/// exists already: the error lists them.
pub fn write(export: &Export, format: &str, out: &std::path::Path, replace: bool) -> anyhow::Result<()> {
    let paths = targets(export, format, out)?;
    if !replace {
        let there: Vec<String> = paths.iter().filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
        if !there.is_empty() {
            let shown: Vec<&str> = there.iter().take(5).map(String::as_str).collect();
            let more = if there.len() > 5 { format!(" and {} more", there.len() - 5) } else { String::new() };
            anyhow::bail!(
                "{} file{} already exist{} ({}{more}); nothing was written",
                there.len(),
                if there.len() == 1 { "" } else { "s" },
                if there.len() == 1 { "s" } else { "" },
                shown.join(", ")
            );
        }
    }
    for ((_, contents), path) in export.files.iter().zip(&paths) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("{}: cannot create the folder: {e}", dir.display()))?;
        }
        super::write_atomic(path, contents.as_bytes())?;
    }
    Ok(())
}

/// The relative path (without extension) a document is written under in
/// formats with one file per document: its id with each `/`-separated part
/// made file-safe, so a collection's folder tree is kept; ids that would
/// give the same path get `-2`, `-3`… and a notice says so.
pub fn document_paths(stores: &[&Store]) -> (Vec<String>, Vec<String>) {
    let mut taken = std::collections::HashSet::new();
    let mut notices = Vec::new();
    let paths = stores
        .iter()
        .map(|store| {
            let id = &store.meta.id;
            let parts: Vec<String> = id.split(['/', '\\']).filter(|p| !p.is_empty()).map(safe_file_stem).collect();
            let base = if parts.is_empty() { safe_file_stem(id) } else { parts.join("/") };
            let mut path = base.clone();
            let mut k = 2;
            while !taken.insert(path.to_lowercase()) {
                path = format!("{base}-{k}");
                k += 1;
            }
            if path != base {
                notices.push(format!("{id}: another document of this export has that name; written as {path}"));
            }
            path
        })
        .collect();
    (paths, notices)
}

fn loss(losses: &mut Vec<Loss>, store: &Store, message: String, ids: Vec<u32>) {
    if !ids.is_empty() {
        losses.push(Loss { document: store.meta.id.clone(), message: format!("{} {message}", ids.len()), ids });
    }
}

fn rel_name(store: &Store, rel: &Relation) -> String {
    store.relation_type(rel.kind).map_or("?".into(), |t| t.name.clone())
}

/// A relation that is a plain binary link between two spans: (from, to).
fn binary_spans(rel: &Relation) -> Option<(SpanId, SpanId)> {
    match rel.args.as_slice() {
        [a, b] => match (a.target, b.target) {
            (Target::Span(x), Target::Span(y)) => Some((x, y)),
            _ => None,
        },
        _ => None,
    }
}

/// The first two span arguments of a relation (for formats with binary links).
fn first_two_spans(rel: &Relation) -> Option<(SpanId, SpanId)> {
    let mut spans = rel.args.iter().filter_map(|a| match a.target {
        Target::Span(s) => Some(s),
        Target::Entity(_) => None,
    });
    Some((spans.next()?, spans.next()?))
}

/// A relation as binary links, for formats that only have those (brat,
/// Label Studio): `(kind, from, to)`. A relation with two arguments and no
/// evidence is one link named by its type; otherwise one link from the
/// first argument to each other one, named `type.role`, and one to each
/// piece of evidence, named `type.evidence`.
fn relation_links(store: &Store, rel: &Relation) -> Vec<(String, Target, Target)> {
    let name = rel_name(store, rel);
    let Some(first) = rel.args.first() else { return Vec::new() };
    let binary = rel.args.len() == 2 && rel.evidence.is_empty();
    let mut out = Vec::new();
    for a in rel.args.iter().skip(1) {
        let kind = if binary { name.clone() } else { format!("{name}.{}", a.role) };
        out.push((kind, first.target, a.target));
    }
    for e in &rel.evidence {
        out.push((format!("{name}.evidence"), first.target, Target::Span(*e)));
    }
    out
}

/// The span standing for a target in formats that link spans only: the span
/// itself, or an entity's first mention.
fn first_mention(store: &Store, t: Target) -> Option<SpanId> {
    match t {
        Target::Span(s) => Some(s),
        Target::Entity(e) => store.mentions_of(e).first().copied(),
    }
}

// ----- JSONL ---------------------------------------------------------------

/// One line per document in doccano's relation-extraction shape. Sorot's
/// extras (attributes, notes, entity links, entities, n-ary relations,
/// evidence, fragments of discontinuous spans) are under `sorot`.
pub fn jsonl(stores: &[&Store], offsets: Offsets) -> Export {
    let mut out = String::new();
    let mut losses = Vec::new();
    for store in stores {
        let (line, discontinuous, only_extra) = jsonl_line(store, offsets, true);
        loss(
            &mut losses,
            store,
            "discontinuous spans are entities with their covering range; their fragments are in sorot.fragments".into(),
            discontinuous,
        );
        loss(
            &mut losses,
            store,
            "relations have entity arguments, more than two roles, evidence or attributes: complete only in sorot.relations".into(),
            only_extra,
        );
        // Serialising plain records cannot fail.
        let one = serde_json::to_string(&line).unwrap_or_default();
        if stores.len() == 1 {
            out = one;
        } else {
            out.push_str(&one);
        }
        out.push('\n');
    }
    Export { files: vec![("export.jsonl".into(), out)], losses, notices: Vec::new() }
}

/// One document's JSONL record, typed (for the performance floor: the same
/// record written by serde_json alone).
#[doc(hidden)]
pub fn jsonl_records(store: &Store, offsets: Offsets) -> impl serde::Serialize + '_ {
    jsonl_line(store, offsets, false).0
}

/// The `entities` of a record: built up front (the floor), or written
/// straight from the store while serialising (the export).
enum JsonlEntities<'a> {
    Built(Vec<JsonlEntity<'a>>),
    Streamed(&'a Store, Offsets),
}

impl serde::Serialize for JsonlEntities<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        match self {
            JsonlEntities::Built(v) => v.serialize(ser),
            JsonlEntities::Streamed(store, offsets) => {
                let text = store.text();
                let bytes: Vec<u32> = store
                    .spans()
                    .flat_map(|s| {
                        let e = s.extent();
                        [e.start, e.end]
                    })
                    .collect();
                let converted = offsets.of_many(text, &bytes);
                let mut seq = ser.serialize_seq(Some(store.spans().len()))?;
                for (s, at) in store.spans().zip(converted.chunks_exact(2)) {
                    seq.serialize_element(&JsonlEntity {
                        end_offset: at[1],
                        id: s.id.0,
                        label: store.label_name(s.label),
                        start_offset: at[0],
                    })?;
                }
                seq.end()
            }
        }
    }
}

// Fields in alphabetical order: the order readers have always seen.
#[derive(serde::Serialize)]
struct JsonlLine<'a> {
    entities: JsonlEntities<'a>,
    id: &'a str,
    relations: Vec<JsonlRelation<'a>>,
    sorot: JsonlExtras<'a>,
    text: &'a str,
}

#[derive(serde::Serialize)]
struct JsonlEntity<'a> {
    end_offset: usize,
    id: u32,
    label: &'a str,
    start_offset: usize,
}

#[derive(serde::Serialize)]
struct JsonlRelation<'a> {
    from_id: u32,
    id: u32,
    to_id: u32,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(serde::Serialize)]
struct JsonlExtras<'a> {
    entities: Vec<JsonlEntityDef<'a>>,
    entity_links: BTreeMap<String, u32>,
    fragments: BTreeMap<String, Vec<[usize; 2]>>,
    notes: BTreeMap<String, &'a str>,
    offsets: &'static str,
    relations: Vec<JsonlFullRelation<'a>>,
    review: BTreeMap<String, &'static str>,
    span_attributes: BTreeMap<String, &'a Attributes>,
}

#[derive(serde::Serialize)]
struct JsonlEntityDef<'a> {
    aliases: &'a [String],
    external_id: Option<&'a str>,
    id: u32,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(serde::Serialize)]
struct JsonlFullRelation<'a> {
    attributes: &'a Attributes,
    evidence: Vec<u32>,
    id: u32,
    roles: Vec<JsonlRole<'a>>,
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(serde::Serialize)]
struct JsonlRole<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    entity: Option<u32>,
    role: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    span: Option<u32>,
}

/// A document's record, the ids of its discontinuous spans and of the
/// relations complete only under `sorot`.
fn jsonl_line(store: &Store, offsets: Offsets, stream: bool) -> (JsonlLine<'_>, Vec<u32>, Vec<u32>) {
    let text = store.text();
    let n = if stream { 0 } else { store.spans().len() };
    let mut entities = Vec::with_capacity(n);
    let mut extras = JsonlExtras {
        entities: Vec::new(),
        entity_links: BTreeMap::new(),
        fragments: BTreeMap::new(),
        notes: BTreeMap::new(),
        offsets: match offsets {
            Offsets::CodePoints => "code_points",
            Offsets::Utf16 => "utf16",
        },
        relations: Vec::with_capacity(store.relations().len()),
        review: BTreeMap::new(),
        span_attributes: BTreeMap::new(),
    };
    let mut discontinuous = Vec::new();
    for s in store.spans() {
        if !stream {
            let e = s.extent();
            entities.push(JsonlEntity {
                end_offset: offsets.of(text, e.end()),
                id: s.id.0,
                label: store.label_name(s.label),
                start_offset: offsets.of(text, e.start()),
            });
        }
        let key = || s.id.0.to_string();
        if s.ranges.len() > 1 {
            discontinuous.push(s.id.0);
            let f = s.ranges.iter().map(|r| [offsets.of(text, r.start()), offsets.of(text, r.end())]).collect();
            extras.fragments.insert(key(), f);
        }
        if !s.attributes.is_empty() {
            extras.span_attributes.insert(key(), &s.attributes);
        }
        if let Some(note) = &s.note {
            extras.notes.insert(key(), note);
        }
        if let Some(e) = s.entity {
            extras.entity_links.insert(key(), e.0);
        }
        if s.review.status != ReviewStatus::Unreviewed {
            extras.review.insert(key(), s.review.status.name());
        }
    }
    extras.entities = store
        .entities()
        .map(|e| JsonlEntityDef {
            aliases: &e.aliases,
            external_id: e.external_id.as_deref(),
            id: e.id.0,
            name: &e.name,
            kind: &e.kind,
        })
        .collect();
    let mut relations = Vec::new();
    let mut only_extra = Vec::new();
    for r in store.relations() {
        let kind = store.relation_type(r.kind).map_or("?", |t| t.name.as_str());
        match first_two_spans(r) {
            Some((from, to)) => {
                relations.push(JsonlRelation { from_id: from.0, id: r.id.0, to_id: to.0, kind });
                if binary_spans(r).is_none() || !r.evidence.is_empty() || !r.attributes.is_empty() {
                    only_extra.push(r.id.0);
                }
            }
            None => only_extra.push(r.id.0),
        }
        extras.relations.push(JsonlFullRelation {
            attributes: &r.attributes,
            evidence: r.evidence.iter().map(|e| e.0).collect(),
            id: r.id.0,
            roles: r
                .args
                .iter()
                .map(|a| match a.target {
                    Target::Span(id) => JsonlRole { entity: None, role: &a.role, span: Some(id.0) },
                    Target::Entity(id) => JsonlRole { entity: Some(id.0), role: &a.role, span: None },
                })
                .collect(),
            kind,
        });
    }
    let entities = if stream { JsonlEntities::Streamed(store, offsets) } else { JsonlEntities::Built(entities) };
    let line = JsonlLine { entities, id: &store.meta.id, relations, sorot: extras, text: text.as_str() };
    (line, discontinuous, only_extra)
}

// ----- CoNLL ---------------------------------------------------------------

/// CoNLL-2003 style: `token TAG` per line (IOB2), a blank line between
/// sentences, `-DOCSTART- O` before each document. Tokens are Unicode words
/// (UAX #29, whitespace dropped); sentences are Unicode sentences within
/// each line. `labels` chooses the labels (default: the entity-like ones).
pub fn conll(stores: &[&Store], labels: Option<&[String]>) -> Export {
    let mut out = String::new();
    let mut losses = Vec::new();
    for store in stores {
        let text = store.text().as_str();
        let chosen: Vec<u16> = store
            .schema()
            .labels
            .iter()
            .enumerate()
            .filter(|(_, l)| match labels {
                Some(names) => names.iter().any(|n| n == &l.name),
                None => l.entity_type.is_some(),
            })
            .map(|(i, _)| i as u16)
            .collect();
        // Spans to tag, earliest first, longer first; overlapping ones are left out.
        let mut spans: Vec<&Span> = store.spans().filter(|s| chosen.contains(&s.label)).collect();
        spans.sort_by_key(|s| (s.extent().start, std::cmp::Reverse(s.extent().end), s.id));
        let mut kept: Vec<&Span> = Vec::new();
        let (mut overlapping, mut discontinuous) = (Vec::new(), Vec::new());
        for s in spans {
            if s.ranges.len() > 1 {
                discontinuous.push(s.id.0);
                continue;
            }
            if kept.last().is_some_and(|k| k.extent().overlaps(s.extent())) {
                overlapping.push(s.id.0);
            } else {
                kept.push(s);
            }
        }
        let mut unaligned = Vec::new();
        // Tokens with their byte ranges.
        let mut tags: BTreeMap<usize, String> = BTreeMap::new();
        let mut tokens: Vec<(usize, usize)> = Vec::new();
        let mut sentence_breaks: Vec<usize> = Vec::new();
        for (ls, line) in line_ranges(text) {
            for (ss, sentence) in line.split_sentence_bound_indices() {
                for (ws, w) in sentence.split_word_bound_indices() {
                    if w.trim().is_empty() {
                        continue;
                    }
                    let start = ls + ss + ws;
                    tokens.push((start, start + w.len()));
                }
                sentence_breaks.push(tokens.len());
            }
        }
        let mut ti = 0;
        for s in &kept {
            let e = s.extent();
            while ti < tokens.len() && tokens[ti].1 <= e.start() {
                ti += 1;
            }
            let mut first = true;
            let mut j = ti;
            let mut aligned = tokens.get(ti).is_some_and(|t| t.0 == e.start());
            while j < tokens.len() && tokens[j].0 < e.end() {
                let label = store.label_name(s.label);
                tags.insert(j, format!("{}-{label}", if first { "B" } else { "I" }));
                first = false;
                if tokens[j].1 > e.end() {
                    aligned = false;
                }
                j += 1;
            }
            if j > 0 && tokens.get(j - 1).is_some_and(|t| t.1 != e.end()) {
                aligned = false;
            }
            if !aligned {
                unaligned.push(s.id.0);
            }
        }
        loss(&mut losses, store, "overlapping spans left out".into(), overlapping);
        loss(&mut losses, store, "discontinuous spans left out".into(), discontinuous);
        loss(
            &mut losses,
            store,
            "spans do not fall on token boundaries and were widened to whole tokens".into(),
            unaligned,
        );
        out.push_str("-DOCSTART- O\n\n");
        let mut si = 0;
        for (i, (s, e)) in tokens.iter().enumerate() {
            let tag = tags.get(&i).map_or("O", String::as_str);
            out.push_str(&format!("{} {tag}\n", &text[*s..*e]));
            while si < sentence_breaks.len() && sentence_breaks[si] == i + 1 {
                out.push('\n');
                si += 1;
                // Empty sentences (blank lines) add no extra blank line.
                while si < sentence_breaks.len() && sentence_breaks[si] == i + 1 {
                    si += 1;
                }
            }
        }
    }
    Export { files: vec![("export.conll".into(), out)], losses, notices: Vec::new() }
}

fn line_ranges(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split('\n').map(move |l| {
        let s = start;
        start += l.len() + 1;
        (s, l)
    })
}

// ----- brat ----------------------------------------------------------------

/// brat standoff: per document `<id>.txt` (LF) and `<id>.ann`, keeping the
/// folder tree of ids like `news/010-navigation` (see [`document_paths`]).
/// - `T` per span (`start end;start end` for fragments, code points);
/// - `R` per relation from its first argument to each other argument, typed
///   `<type>` when binary and `<type>.<role>` otherwise; entity arguments
///   use the entity's first mention; evidence as `<type>.evidence`;
/// - `A` per span attribute, `N` per linked mention with an external id,
///   `#` AnnotatorNotes for notes.
///
/// Relation attributes and entities without mentions cannot be held.
pub fn brat(stores: &[&Store]) -> Export {
    let mut files = Vec::new();
    let mut losses = Vec::new();
    let (names, notices) = document_paths(stores);
    for (store, name) in stores.iter().zip(names) {
        let text = store.text();
        let mut ann = String::new();
        let tid = |id: SpanId| format!("T{}", id.0);
        let (mut a, mut n, mut note, mut r) = (0, 0, 0, 0);
        for s in store.spans() {
            let frags: Vec<String> = s
                .ranges
                .iter()
                .map(|x| format!("{} {}", text.byte_to_char(x.start()), text.byte_to_char(x.end())))
                .collect();
            let quote: Vec<&str> = s.ranges.iter().map(|x| text.slice(*x)).collect();
            ann.push_str(&format!(
                "{}\t{} {}\t{}\n",
                tid(s.id),
                store.label_name(s.label),
                frags.join(";"),
                quote.join(" ").replace('\n', " ")
            ));
            for (k, v) in &s.attributes {
                a += 1;
                match v {
                    AttrValue::Bool(true) => ann.push_str(&format!("A{a}\t{k} {}\n", tid(s.id))),
                    AttrValue::Bool(false) => a -= 1,
                    AttrValue::Text(t) => ann.push_str(&format!("A{a}\t{k} {} {}\n", tid(s.id), t.replace(' ', "_"))),
                }
            }
            if let Some(e) = s.entity.and_then(|e| store.entity(e)) {
                n += 1;
                let reference =
                    e.external_id.as_deref().map_or(format!("Sorot:{}", e.id.0), |q| format!("Wikidata:{q}"));
                ann.push_str(&format!("N{n}\tReference {} {reference}\t{}\n", tid(s.id), e.name));
            }
            if let Some(t) = &s.note {
                note += 1;
                ann.push_str(&format!("#{note}\tAnnotatorNotes {}\t{}\n", tid(s.id), t.replace('\n', " ")));
            }
        }
        let mention = |t: Target| first_mention(store, t);
        let (mut no_mention, mut with_attrs) = (Vec::new(), Vec::new());
        for rel in store.relations() {
            for (kind, from, to) in relation_links(store, rel) {
                match (mention(from), mention(to)) {
                    (Some(from), Some(to)) => {
                        r += 1;
                        ann.push_str(&format!("R{r}\t{kind} Arg1:{} Arg2:{}\n", tid(from), tid(to)));
                    }
                    _ => no_mention.push(rel.id.0),
                }
            }
            if !rel.attributes.is_empty() {
                with_attrs.push(rel.id.0);
            }
        }
        no_mention.dedup();
        loss(
            &mut losses,
            store,
            "relations have an entity argument with no mention in the text (brat links spans only)".into(),
            no_mention,
        );
        loss(
            &mut losses,
            store,
            "relation attributes not representable in brat (A lines attach to T and E only)".into(),
            with_attrs,
        );
        files.push((format!("{name}.txt"), text.as_str().to_owned()));
        files.push((format!("{name}.ann"), ann));
    }
    Export { files, losses, notices }
}

/// A file stem that stays inside the output folder whatever the document id
/// says: path separators, `..`, control characters and reserved names are
/// replaced.
pub fn safe_file_stem(id: &str) -> String {
    let mut s: String =
        id.chars().map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    while s.starts_with('.') {
        s.replace_range(0..1, "_");
    }
    let upper = s.to_ascii_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "LPT1", "LPT2", "LPT3"];
    if s.is_empty() || reserved.contains(&upper.split('.').next().unwrap_or("")) {
        s.insert(0, '_');
    }
    s.chars().take(120).collect()
}

// ----- CSV -----------------------------------------------------------------

/// Two tables for spreadsheets: `claims.csv` (document, id, text, offsets,
/// certainty, source, cue, outlet, review) and `relations.csv` (document,
/// id, type, arguments by role, evidence, attributes).
pub fn csv(stores: &[&Store], offsets: Offsets) -> Export {
    let mut claims = ::csv::Writer::from_writer(Vec::new());
    let mut rels = ::csv::Writer::from_writer(Vec::new());
    let _ = claims.write_record([
        "document",
        "id",
        "text",
        "start",
        "end",
        "certainty",
        "source",
        "cue",
        "outlet",
        "review",
    ]);
    let _ = rels.write_record(["document", "id", "type", "arguments", "evidence", "attributes"]);
    for store in stores {
        let text = store.text();
        let show = |t: Target| match t {
            Target::Span(id) => store.span(id).map_or(String::new(), |s| store.quote(s)),
            Target::Entity(id) => store.entity(id).map_or(String::new(), |e| e.name.clone()),
        };
        let role_of = |claim: SpanId, rel: &str, role: &str| -> String {
            store.attribution(claim, rel, role).into_iter().map(show).collect::<Vec<_>>().join("; ")
        };
        for s in store.spans().filter(|s| store.label_name(s.label) == "Claim") {
            let e = s.extent();
            let cue = [role_of(s.id, "said_by", "cue"), role_of(s.id, "reported_by", "cue")]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            let _ = claims.write_record([
                store.meta.id.clone(),
                s.id.0.to_string(),
                store.quote(s),
                offsets.of(text, e.start()).to_string(),
                offsets.of(text, e.end()).to_string(),
                s.attributes.get("certainty").map(ToString::to_string).unwrap_or_default(),
                role_of(s.id, "said_by", "source"),
                cue,
                role_of(s.id, "reported_by", "outlet"),
                s.review.status.name().to_string(),
            ]);
        }
        for r in store.relations() {
            let args: Vec<String> = r.args.iter().map(|a| format!("{}={}", a.role, show(a.target))).collect();
            let ev: Vec<String> = r.evidence.iter().map(|e| show(Target::Span(*e))).collect();
            let attrs: Vec<String> = r.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let _ = rels.write_record([
                store.meta.id.clone(),
                r.id.0.to_string(),
                rel_name(store, r),
                args.join("; "),
                ev.join(" | "),
                attrs.join("; "),
            ]);
        }
    }
    let done = |w: ::csv::Writer<Vec<u8>>| String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    Export {
        files: vec![("claims.csv".into(), done(claims)), ("relations.csv".into(), done(rels))],
        losses: Vec::new(),
        notices: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_stems_stay_inside_the_folder() {
        assert_eq!(safe_file_stem("../../etc/passwd"), "_._.._etc_passwd");
        assert_eq!(safe_file_stem("/abs/path"), "_abs_path");
        assert_eq!(safe_file_stem("CON"), "_CON");
        assert_eq!(safe_file_stem(""), "_");
        assert_eq!(safe_file_stem("000_f1c0a0fef9fd3cfc"), "000_f1c0a0fef9fd3cfc");
        assert_eq!(safe_file_stem("한국 기사"), "한국_기사");
    }
}
