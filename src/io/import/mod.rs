//! Dataset imports: brat standoff collections and doccano JSONL (both the
//! `label: [[start, end, label]]` and the `entities`/`relations` shapes).
//!
//! Importing is two steps so that nothing is half-done: first every input is
//! parsed into plain documents (any syntax error stops with `file:line:
//! message`), then the labels, attributes and relation types they use are
//! checked against the schema (missing ones are listed, or added with
//! `add_labels`), and only then are stores built. Offsets in the inputs
//! count code points (or UTF-16 units) of the text as the other tool saw it,
//! BOM and CR included; they are mapped onto Sorot's text (BOM dropped,
//! CRLF/CR → LF).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::export::Offsets;
use crate::model::*;

pub mod conll;
mod from_data;
mod run;
pub use run::{ImportFailure, ImportFormat, ImportPlan, ImportReport, run};

/// A document as read from a dataset, before the schema is consulted.
#[derive(Clone, Debug, Default)]
pub struct RawDoc {
    pub name: String,
    /// The file (and line, for JSONL) it came from, for messages.
    pub source: String,
    /// The text exactly as the tool saw it (BOM, CRLF kept).
    pub text: String,
    pub spans: Vec<RawSpan>,
    pub relations: Vec<RawRelation>,
    /// brat `*<TAB>Equiv T1 T2 …`: span keys that mention one entity, and where.
    pub equivalences: Vec<(Vec<String>, String)>,
    /// What the report must say: things read and not kept (a note on an
    /// undefined id), or kept otherwise (an `Alias` equivalence, which
    /// comes back as `Equiv`).
    pub skipped: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct RawSpan {
    pub key: String,
    pub label: String,
    /// Offsets in the source text's units (code points or UTF-16).
    pub ranges: Vec<(usize, usize)>,
    pub attributes: Vec<(String, AttrValue)>,
    pub note: Option<String>,
    /// An external reference (`Wikidata:Q159`) and the entity's name.
    pub reference: Option<(String, String)>,
    /// Where it was defined (`file:line`).
    pub at: String,
}

#[derive(Clone, Debug, Default)]
pub struct RawRelation {
    /// Its id in the file (`E1`, `R3`), by which other relations use it;
    /// empty when nothing can refer to it.
    pub key: String,
    pub kind: String,
    /// (role, span or relation key); `None` role means "the type's n-th
    /// role".
    pub args: Vec<(Option<String>, String)>,
    pub attributes: Vec<(String, AttrValue)>,
    pub note: Option<String>,
    pub at: String,
}

/// A problem with the input: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(at: &str, msg: impl std::fmt::Display) -> ImportError {
    ImportError(format!("{at}: {msg}"))
}

/// Input files larger than this are refused (the article limit).
pub const MAX_IMPORT_BYTES: u64 = super::article::MAX_ARTICLE_BYTES;

fn read_utf8(path: &Path) -> Result<String, ImportError> {
    let at = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| err(&at, format!("cannot read: {e}")))?;
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(err(&at, format!("{} bytes; imports are limited to {MAX_IMPORT_BYTES}", meta.len())));
    }
    let bytes = std::fs::read(path).map_err(|e| err(&at, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let head = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = head.iter().filter(|&&b| b == b'\n').count() + 1;
        err(&format!("{at}:{line}"), "not valid UTF-8 (brat and doccano files are UTF-8)")
    })
}

// ----- brat ----------------------------------------------------------------

/// The `.ann` files given or found (recursively) in folders, each with its
/// `.txt`.
pub fn brat_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    find_files(inputs, "ann")
}

/// The `.ann` files given or found in folders, each with the document name
/// it is imported as: its path relative to the folder given, without the
/// extension (`news/010-navigation`), so a collection's folder tree is
/// kept and same-named documents in different folders stay apart; a file
/// given directly is named by its stem.
pub fn brat_inputs_named(inputs: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for input in inputs {
        for file in brat_inputs(std::slice::from_ref(input)) {
            let rel = if input.is_dir() { file.strip_prefix(input).unwrap_or(&file) } else { file.as_path() };
            let rel = rel.with_extension("");
            let name = if input.is_dir() {
                rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
            } else {
                rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            };
            out.push((file, name));
        }
    }
    out
}

/// The `.jsonl` files given or found in folders.
pub fn jsonl_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    find_files(inputs, "jsonl")
}

/// The CoNLL files among `inputs` (files as given, `.conll` in folders).
pub fn conll_inputs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = inputs.iter().filter(|p| p.is_file()).cloned().collect();
    let dirs: Vec<PathBuf> = inputs.iter().filter(|p| p.is_dir()).cloned().collect();
    out.extend(find_files(&dirs, "conll"));
    out
}

/// Reads a CoNLL file (see [`conll`]).
pub fn read_conll(path: &Path) -> Result<Vec<RawDoc>, ImportError> {
    let src = read_utf8(path)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    conll::parse_docs(&stem, &path.display().to_string(), &src)
}

fn find_files(inputs: &[PathBuf], ext: &str) -> Vec<PathBuf> {
    super::files_under(inputs, |p| p.extension().is_some_and(|e| e == ext))
}

/// Reads one brat document: `x.ann` and `x.txt`.
pub fn read_brat(ann_path: &Path) -> Result<RawDoc, ImportError> {
    let name = ann_path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    read_brat_named(ann_path, &name)
}

/// [`read_brat`], naming the document `name` (see [`brat_inputs_named`]).
pub fn read_brat_named(ann_path: &Path, name: &str) -> Result<RawDoc, ImportError> {
    let ann_path = ann_path.with_extension("ann");
    let txt_path = ann_path.with_extension("txt");
    let text = read_utf8(&txt_path)?;
    let ann = read_utf8(&ann_path)?;
    parse_brat(name, &ann_path.display().to_string(), text, &ann)
}

/// Parses brat standoff (`T`, `R`, `E`, `A`/`M`, `N`, `#`, `*`).
pub fn parse_brat(name: &str, file: &str, text: String, ann: &str) -> Result<RawDoc, ImportError> {
    // Code points to bytes through the text's block index (a few bytes per
    // 256 of text, where a table of chars would take four per character).
    let index = crate::model::text::TextIndex::new(&text);
    let chars = text.chars().count();
    let mut doc = RawDoc { name: name.into(), source: file.into(), ..Default::default() };
    let mut span_index: HashMap<String, usize> = HashMap::new();
    let mut rel_index: HashMap<String, usize> = HashMap::new();
    // A, N and # lines may come before what they refer to.
    let mut later: Vec<(usize, &str)> = Vec::new();
    for (n, line) in ann.lines().enumerate() {
        let at = format!("{file}:{}", n + 1);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (id, rest) = line.split_once('\t').ok_or_else(|| err(&at, "expected `ID<TAB>…`"))?;
        match id.chars().next() {
            Some('T') => {
                let (head, mention) = rest.split_once('\t').unwrap_or((rest, ""));
                let (label, offsets) =
                    head.split_once(' ').ok_or_else(|| err(&at, "expected `T1<TAB>Label START END<TAB>text`"))?;
                let mut ranges = Vec::new();
                for frag in offsets.split(';') {
                    let mut it = frag.split_whitespace().map(str::parse::<usize>);
                    match (it.next(), it.next(), it.next()) {
                        (Some(Ok(s)), Some(Ok(e)), None) if s < e => ranges.push((s, e)),
                        _ => {
                            return Err(err(
                                &at,
                                format!("expected `START END` offsets with START < END, got {frag:?}"),
                            ));
                        }
                    }
                }
                let end = ranges.iter().map(|r| r.1).max().unwrap_or(0);
                if end > chars {
                    return Err(err(&at, format!("offset {end} is past the end of the text ({chars} characters)")));
                }
                let piece = |c: usize| index.char_to_byte(&text, c).unwrap_or(text.len());
                let found = ranges.iter().map(|&(s, e)| &text[piece(s)..piece(e)]);
                if !mention.is_empty() && !same_mention(found.clone(), mention) {
                    let found: Vec<&str> = found.collect();
                    let found = found.join(" ");
                    return Err(err(&at, format!("the text at these offsets is {found:?}, the line says {mention:?}")));
                }
                if span_index.insert(id.to_string(), doc.spans.len()).is_some() {
                    return Err(err(&at, format!("{id} is defined twice")));
                }
                doc.spans.push(RawSpan { key: id.into(), label: label.into(), ranges, at, ..Default::default() });
            }
            Some(c @ ('R' | 'E')) => {
                let mut it = rest.split_whitespace();
                let (kind, args) = if c == 'R' {
                    let kind = it.next().ok_or_else(|| err(&at, "expected `R1<TAB>Type Arg1:T1 Arg2:T2`"))?;
                    let mut args = Vec::new();
                    for a in it {
                        let (_, target) =
                            a.split_once(':').ok_or_else(|| err(&at, format!("expected ROLE:ID, got {a:?}")))?;
                        args.push((None, target.to_string()));
                    }
                    if args.len() != 2 {
                        return Err(err(&at, "a relation has two arguments (Arg1:T1 Arg2:T2)"));
                    }
                    (kind, args)
                } else {
                    let head = it.next().ok_or_else(|| err(&at, "expected `E1<TAB>Type:T1 Role:T2 …`"))?;
                    let (kind, trigger) =
                        head.split_once(':').ok_or_else(|| err(&at, format!("expected Type:Trigger, got {head:?}")))?;
                    let mut args = vec![(Some(TRIGGER_ROLE.to_string()), trigger.to_string())];
                    for a in it {
                        let (role, target) =
                            a.split_once(':').ok_or_else(|| err(&at, format!("expected Role:ID, got {a:?}")))?;
                        // brat numbers a repeated role: Theme, Theme2, Theme3.
                        let role = role.trim_end_matches(|c: char| c.is_ascii_digit());
                        args.push((Some(role.to_string()), target.to_string()));
                    }
                    (kind, args)
                };
                if rel_index.insert(id.to_string(), doc.relations.len()).is_some() || span_index.contains_key(id) {
                    return Err(err(&at, format!("{id} is defined twice")));
                }
                doc.relations.push(RawRelation { key: id.into(), kind: kind.into(), args, at, ..Default::default() });
            }
            Some('A' | 'M' | 'N' | '#') => later.push((n, line)),
            Some('*') => {
                let mut it = rest.split_whitespace();
                // Every `*` type is a symmetric-transitive "same as"
                // (brat's tutorials use Equiv and Alias): mentions of one
                // entity. Sorot keeps no name for it, so other types are
                // reported: they come back as Equiv.
                match it.next() {
                    Some(kind) => {
                        if kind != "Equiv" {
                            doc.skipped.push(format!(
                                "{at}: {kind} equivalence imported as mentions of one entity (exported as Equiv)"
                            ));
                        }
                        doc.equivalences.push((it.map(str::to_owned).collect(), at));
                    }
                    None => doc.skipped.push(format!("{at}: empty * line not imported")),
                }
            }
            _ => return Err(err(&at, format!("unknown annotation {id:?} (expected T, R, E, A, M, N, # or *)"))),
        }
    }
    for (n, line) in later {
        let at = format!("{file}:{}", n + 1);
        let (id, rest) = line.split_once('\t').unwrap_or((line, ""));
        let (head, tail) = rest.split_once('\t').unwrap_or((rest, ""));
        let parts: Vec<&str> = head.split_whitespace().collect();
        match id.chars().next() {
            Some('A' | 'M') => {
                let (name, target, value) = match parts.as_slice() {
                    [name, target] => (*name, *target, AttrValue::Bool(true)),
                    [name, target, value] => (*name, *target, AttrValue::Text((*value).into())),
                    _ => return Err(err(&at, "expected `A1<TAB>Name ID [Value]`")),
                };
                let attr = (name.to_string(), value);
                if let Some(&i) = span_index.get(target) {
                    doc.spans[i].attributes.push(attr);
                } else if let Some(&i) = rel_index.get(target) {
                    doc.relations[i].attributes.push(attr);
                } else {
                    return Err(err(&at, format!("{target} is not defined in this file")));
                }
            }
            Some('N') => {
                let [_, target, reference] = parts.as_slice() else {
                    return Err(err(&at, "expected `N1<TAB>Reference T1 DB:ID<TAB>name`"));
                };
                let &i = span_index.get(*target).ok_or_else(|| err(&at, format!("{target} is not a text-bound")))?;
                doc.spans[i].reference = Some(((*reference).into(), tail.into()));
            }
            _ => {
                let [_, target] = parts.as_slice() else {
                    return Err(err(&at, "expected `#1<TAB>AnnotatorNotes T1<TAB>note`"));
                };
                if let Some(&i) = span_index.get(*target) {
                    doc.spans[i].note = Some(tail.into());
                } else if let Some(&i) = rel_index.get(*target) {
                    doc.relations[i].note = Some(tail.into());
                } else {
                    doc.skipped.push(format!("{at}: note on {target} not imported ({target} is not defined)"));
                }
            }
        }
    }
    for r in &doc.relations {
        for (_, t) in &r.args {
            if !span_index.contains_key(t) && !rel_index.contains_key(t) {
                return Err(err(&r.at, format!("{t} is not an annotation of this file")));
            }
        }
    }
    // An equivalence links mentions: its members must be text-bound.
    for (keys, at) in std::mem::take(&mut doc.equivalences) {
        let (known, unknown): (Vec<String>, Vec<String>) =
            keys.into_iter().partition(|k| span_index.contains_key(k.as_str()));
        if !unknown.is_empty() {
            doc.skipped.push(format!(
                "{at}: {} left out of the equivalence (only text-bound annotations can be mentions)",
                unknown.join(", ")
            ));
        }
        if known.len() > 1 {
            doc.equivalences.push((known, at));
        }
    }
    doc.text = text;
    Ok(doc)
}

/// Whether a `T` line's text is the text at its offsets: the fragments
/// joined by a space, line breaks read as spaces on both sides (an `.ann`
/// line holds one line). Compared without building either string.
fn same_mention<'a>(fragments: impl Iterator<Item = &'a str>, mention: &str) -> bool {
    let flat = |c: char| if matches!(c, '\n' | '\r') { ' ' } else { c };
    let mut found = fragments.enumerate().flat_map(|(k, f)| (k > 0).then_some(' ').into_iter().chain(f.chars()));
    let mut said = mention.chars();
    loop {
        match (found.next(), said.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if flat(a) == flat(b) => {}
            _ => return false,
        }
    }
}

// ----- doccano JSONL -------------------------------------------------------

/// Reads a doccano JSONL file: one document per line.
pub fn read_jsonl(path: &Path) -> Result<Vec<RawDoc>, ImportError> {
    let src = read_utf8(path)?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    parse_jsonl(&stem, &path.display().to_string(), &src)
}

pub fn parse_jsonl(stem: &str, file: &str, src: &str) -> Result<Vec<RawDoc>, ImportError> {
    let mut docs = Vec::new();
    for (n, line) in src.lines().enumerate() {
        let at = format!("{file}:{}", n + 1);
        let line = line.trim_start_matches('\u{feff}');
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| err(&format!("{at}:{}", e.column()), e))?;
        let text = v
            .get("text")
            .or_else(|| v.get("data"))
            .and_then(Value::as_str)
            .ok_or_else(|| err(&at, "expected a \"text\" string"))?;
        let name = match v.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(x)) => format!("{stem}-{x}"),
            _ => format!("{stem}-{}", n + 1),
        };
        let mut doc = RawDoc { name, source: at.clone(), text: text.into(), ..Default::default() };
        let int = |x: &Value, what: &str| -> Result<usize, ImportError> {
            x.as_u64().map(|u| u as usize).ok_or_else(|| err(&at, format!("{what}: expected a non-negative integer")))
        };
        if let Some(labels) = v.get("label").or_else(|| v.get("labels")) {
            let items = labels.as_array().ok_or_else(|| err(&at, "\"label\": expected [[start, end, label], …]"))?;
            for (k, item) in items.iter().enumerate() {
                let (s, e, l) = match item.as_array().map(Vec::as_slice) {
                    Some([s, e, Value::String(l)]) => (int(s, "start")?, int(e, "end")?, l.clone()),
                    // doccano's text-classification shape: a list of label names.
                    Some(_) | None => {
                        return Err(err(&at, format!("\"label\"[{k}]: expected [start, end, \"label\"], got {item}")));
                    }
                };
                doc.spans.push(RawSpan {
                    // Named as the file has it, in messages.
                    key: format!("\"label\"[{k}]"),
                    label: l,
                    ranges: vec![(s, e)],
                    at: at.clone(),
                    ..Default::default()
                });
            }
        }
        if let Some(ents) = v.get("entities") {
            let items = ents.as_array().ok_or_else(|| err(&at, "\"entities\": expected a list"))?;
            for (k, e) in items.iter().enumerate() {
                // By its id, which relations use; as the file has it otherwise.
                let key = e.get("id").map_or(format!("\"entities\"[{k}]"), |id| format!("entity {id}"));
                let label = e.get("label").and_then(Value::as_str).ok_or_else(|| {
                    err(&at, format!("\"entities\"[{k}]: expected \"label\", \"start_offset\", \"end_offset\""))
                })?;
                let s = int(e.get("start_offset").unwrap_or(&Value::Null), "start_offset")?;
                let en = int(e.get("end_offset").unwrap_or(&Value::Null), "end_offset")?;
                doc.spans.push(RawSpan {
                    key,
                    label: label.into(),
                    ranges: vec![(s, en)],
                    at: at.clone(),
                    ..Default::default()
                });
            }
        }
        if let Some(rels) = v.get("relations") {
            let items = rels.as_array().ok_or_else(|| err(&at, "\"relations\": expected a list"))?;
            for (k, r) in items.iter().enumerate() {
                let get = |key: &str| r.get(key).map(|id| format!("entity {id}"));
                let (Some(from), Some(to)) = (get("from_id"), get("to_id")) else {
                    return Err(err(&at, format!("\"relations\"[{k}]: expected \"from_id\", \"to_id\", \"type\"")));
                };
                let kind = r.get("type").and_then(Value::as_str).unwrap_or_default();
                if kind.is_empty() {
                    return Err(err(&at, format!("\"relations\"[{k}]: expected a \"type\" string")));
                }
                doc.relations.push(RawRelation {
                    kind: kind.into(),
                    args: vec![(None, from), (None, to)],
                    at: at.clone(),
                    ..Default::default()
                });
            }
            // A set: a line with 100,000 spans and 20,000 relations is checked
            // in linear time, not 4·10⁹ comparisons.
            let keys: std::collections::HashSet<&str> = doc.spans.iter().map(|s| s.key.as_str()).collect();
            for r in &doc.relations {
                for (_, t) in &r.args {
                    if !keys.contains(t.as_str()) {
                        return Err(err(&at, format!("a relation points at {t}, which this line does not have")));
                    }
                }
            }
        }
        docs.push(doc);
    }
    Ok(docs)
}

// ----- schema check --------------------------------------------------------

/// Labels, attributes and relation types used by the documents and missing
/// from the schema, with where each is first used.
pub fn missing_from_schema(schema: &Schema, docs: &[RawDoc]) -> Vec<String> {
    let mut missing: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut note = |what: String, at: &str| {
        let e = missing.entry(what).or_insert_with(|| (0, at.to_string()));
        e.0 += 1;
    };
    for d in docs {
        for s in &d.spans {
            match schema.labels.iter().find(|l| l.name == s.label) {
                None => note(format!("label {}", s.label), &s.at),
                Some(l) => {
                    for (name, value) in &s.attributes {
                        if !attr_fits(&l.attributes, name, value) {
                            note(format!("attribute {name}={value} of {}", s.label), &s.at);
                        }
                    }
                }
            }
        }
        for (keys, at) in &d.equivalences {
            if let Some(kind) = equivalence_kind(schema, d, keys)
                && schema.entity_type(&kind).is_none()
            {
                note(format!("entity type {kind} (equivalences link mentions to an entity of a type)"), at);
            }
        }
        for r in &d.relations {
            match schema.relation_types.iter().find(|t| t.name == r.kind) {
                None => note(format!("relation type {}", r.kind), &r.at),
                Some(t) => {
                    for (name, value) in &r.attributes {
                        if !attr_fits(&t.attributes, name, value) {
                            note(format!("attribute {name}={value} of {}", r.kind), &r.at);
                        }
                    }
                }
            }
        }
    }
    missing.into_iter().map(|(what, (n, at))| format!("{what} (used {n} times, first at {at})")).collect()
}

fn attr_fits(defs: &[AttrDef], name: &str, value: &AttrValue) -> bool {
    defs.iter().any(|d| {
        d.name == name
            && match (&d.kind, value) {
                (AttrKind::Bool, AttrValue::Bool(_)) | (AttrKind::Text, AttrValue::Text(_)) => true,
                (AttrKind::Choice(c), AttrValue::Text(t)) => c.contains(t),
                _ => false,
            }
    })
}

/// The entity type of the entity an equivalence's mentions link to: the
/// first mention's label's entity type, or a type named as the label.
pub fn equivalence_kind(schema: &Schema, doc: &RawDoc, keys: &[String]) -> Option<String> {
    let label = keys.iter().find_map(|k| doc.spans.iter().find(|s| &s.key == k)).map(|s| s.label.as_str())?;
    let typed = schema.label_index(label).and_then(|i| schema.labels.get(i)).and_then(|l| l.entity_type.clone());
    Some(typed.unwrap_or_else(|| label.to_owned()))
}

/// For each relation key of a document, its type name (a relation used as
/// an argument fills a role that accepts its type).
pub fn relation_kinds(doc: &RawDoc) -> HashMap<&str, &str> {
    doc.relations.iter().filter(|r| !r.key.is_empty()).map(|r| (r.key.as_str(), r.kind.as_str())).collect()
}

const PALETTE: [&str; 8] = ["#8dd3c7", "#fdb462", "#bebada", "#fb8072", "#80b1d3", "#b3de69", "#fccde5", "#d9d9d9"];

/// Adds what the documents use to the schema: labels (no hotkey), attribute
/// values, and relation types whose roles accept any label.
pub fn add_to_schema(schema: &mut Schema, docs: &[RawDoc]) {
    for d in docs {
        for s in &d.spans {
            if schema.label_index(&s.label).is_none() {
                let color = PALETTE[schema.labels.len() % PALETTE.len()].to_string();
                schema.labels.push(LabelDef {
                    name: s.label.clone(),
                    color,
                    hotkey: None,
                    description: "added by import".into(),
                    entity_type: None,
                    attributes: Vec::new(),
                });
            }
            let Some(i) = schema.label_index(&s.label) else { continue };
            for (name, value) in &s.attributes {
                add_attr(&mut schema.labels[i].attributes, name, value);
            }
        }
    }
    let all: Vec<String> = schema.labels.iter().map(|l| l.name.clone()).collect();
    // Relation types added here take every role their lines use.
    let mut added: Vec<String> = Vec::new();
    for d in docs {
        for r in &d.relations {
            if schema.relation_index(&r.kind).is_none() {
                added.push(r.kind.clone());
                schema.relation_types.push(RelationTypeDef {
                    name: r.kind.clone(),
                    hotkey: None,
                    description: "added by import".into(),
                    symmetric: false,
                    roles: Vec::new(),
                    evidence: Vec::new(),
                    attributes: Vec::new(),
                });
            }
            let Some(i) = schema.relation_index(&r.kind) else { continue };
            let rt = &mut schema.relation_types[i];
            if added.contains(&r.kind) {
                let names: Vec<String> = r
                    .args
                    .iter()
                    .enumerate()
                    .map(|(k, (role, _))| role.clone().unwrap_or_else(|| format!("Arg{}", k + 1)))
                    .collect();
                for (name, (role, _)) in names.iter().zip(&r.args) {
                    let many = names.iter().filter(|n| *n == name).count() > 1;
                    match rt.roles.iter_mut().find(|x| &x.name == name) {
                        Some(def) => def.many |= many,
                        None => rt.roles.push(RoleDef {
                            name: name.clone(),
                            accepts: all.clone(),
                            // Event roles other than the trigger may be absent.
                            optional: role.is_some() && name != TRIGGER_ROLE,
                            many,
                        }),
                    }
                }
            }
            for (name, value) in &r.attributes {
                add_attr(&mut rt.attributes, name, value);
            }
        }
    }
    // Roles of added types that the data fills with relations accept those
    // relations' types.
    for d in docs {
        let kinds = relation_kinds(d);
        for r in d.relations.iter().filter(|r| added.contains(&r.kind)) {
            let Some(i) = schema.relation_index(&r.kind) else { continue };
            for (k, (role, key)) in r.args.iter().enumerate() {
                let Some(kind) = kinds.get(key.as_str()) else { continue };
                let name = role.clone().unwrap_or_else(|| format!("Arg{}", k + 1));
                if let Some(def) = schema.relation_types[i].roles.iter_mut().find(|x| x.name == name)
                    && !def.accepts.iter().any(|a| a == kind)
                {
                    def.accepts.push((*kind).to_owned());
                }
            }
        }
    }
    // Entity types for the entities of equivalences.
    for d in docs {
        for (keys, _) in &d.equivalences {
            if let Some(kind) = equivalence_kind(schema, d, keys)
                && schema.entity_type(&kind).is_none()
            {
                let color = PALETTE[schema.entity_types.len() % PALETTE.len()].to_string();
                schema.entity_types.push(crate::model::schema::EntityTypeDef {
                    name: kind,
                    color,
                    parent: None,
                    description: "added by import".into(),
                });
            }
        }
    }
}

fn add_attr(defs: &mut Vec<AttrDef>, name: &str, value: &AttrValue) {
    match defs.iter_mut().find(|d| d.name == name) {
        Some(d) => {
            if let (AttrKind::Choice(c), AttrValue::Text(t)) = (&mut d.kind, value)
                && !c.contains(t)
            {
                c.push(t.clone());
            }
        }
        None => defs.push(AttrDef {
            name: name.into(),
            kind: match value {
                AttrValue::Bool(_) => AttrKind::Bool,
                AttrValue::Text(_) => AttrKind::Text,
            },
            description: "added by import".into(),
        }),
    }
}

// ----- building stores -----------------------------------------------------

/// Maps offsets in the text as another tool saw it (BOM and CR included)
/// to byte offsets in Sorot's text; `None` inside a character (a UTF-16
/// surrogate pair) or past the end. A unit is found through the source's
/// block index ([`TextIndex`]), then moved back over the BOM and the CRs
/// dropped before it: a few bytes per 256 of text, where a table of every
/// unit would take four bytes each.
pub struct OffsetMap<'a> {
    source: &'a str,
    index: crate::model::text::TextIndex,
    units: Offsets,
    /// The BOM's bytes when the source starts with one (dropped).
    bom: usize,
    /// Where the CRs dropped (those before an LF) are in the source.
    dropped: Vec<u32>,
    text: String,
}

impl<'a> OffsetMap<'a> {
    pub fn new(source: &'a str, units: Offsets) -> Self {
        let rest = source.strip_prefix('\u{feff}').unwrap_or(source);
        let bom = source.len() - rest.len();
        let mut text = String::with_capacity(rest.len());
        let mut dropped = Vec::new();
        let mut at = 0;
        // Copied a run at a time between CRs: a CR before LF is dropped, a
        // lone CR becomes LF.
        while let Some(i) = rest[at..].find('\r').map(|i| at + i) {
            text.push_str(&rest[at..i]);
            if rest[i + 1..].starts_with('\n') {
                dropped.push((bom + i) as u32);
            } else {
                text.push('\n');
            }
            at = i + 1;
        }
        text.push_str(&rest[at..]);
        Self { source, index: crate::model::text::TextIndex::new(source), units, bom, dropped, text }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn byte(&self, unit: usize) -> Option<usize> {
        let b = match self.units {
            Offsets::CodePoints => self.index.char_to_byte(self.source, unit)?,
            Offsets::Utf16 => self.index.utf16_to_byte(self.source, unit)?,
        };
        let before = self.dropped.partition_point(|&d| (d as usize) < b);
        Some(b.saturating_sub(self.bom) - before)
    }

    pub fn into_text(self) -> String {
        self.text
    }
}

/// Builds a store from a document whose labels are all in `schema`.
pub fn build_store(doc: &RawDoc, schema: &Schema, units: Offsets, author: &str) -> Result<Store, ImportError> {
    let map = OffsetMap::new(&doc.text, units);
    let meta = DocMeta {
        id: doc.name.clone(),
        original_path: Some(doc.source.clone()),
        encoding: "UTF-8".into(),
        state: DocState::InProgress,
        annotator: None,
        origin: None,
        adjudication: None,
    };
    let mut byte_ranges = Vec::with_capacity(doc.spans.len());
    for s in &doc.spans {
        let mut ranges: Vec<ByteRange> = Vec::new();
        for &(a, b) in &s.ranges {
            if a >= b {
                return Err(err(&s.at, format!("{}: start {a} is not before end {b}", s.key)));
            }
            let (Some(x), Some(y)) = (map.byte(a), map.byte(b)) else {
                return Err(err(&s.at, format!("{}: offsets {a}..{b} are past the end or inside a character", s.key)));
            };
            if x >= y {
                return Err(err(&s.at, format!("{}: offsets {a}..{b} cover only a dropped BOM or CR", s.key)));
            }
            ranges.push(ByteRange::new(x, y));
        }
        // Fragments that became adjacent or overlapping (a CRLF between
        // them) are merged.
        byte_ranges.push(ByteRange::merge(ranges));
    }
    let mut store = Store::new(Text::new(map.into_text()), schema.clone(), meta);
    let now = Timestamp::now();
    let author = crate::model::Name::from(author);
    let mut ids: HashMap<&str, SpanId> = HashMap::new();
    let mut entities: HashMap<String, EntityId> = HashMap::new();
    for (s, ranges) in doc.spans.iter().zip(byte_ranges) {
        let label = schema
            .label_index(&s.label)
            .ok_or_else(|| err(&s.at, format!("label {} is not in the schema", s.label)))?;
        let id = SpanId(store.alloc_id());
        let mut span = Span::new(id, label as u16, ranges.into_iter().collect(), Provenance::shared(author, now));
        span.attributes = s.attributes.iter().cloned().collect();
        span.note = s.note.clone().map(Box::new);
        if let Some((reference, name)) = &s.reference {
            let kind = schema.labels[label].entity_type.clone();
            match kind {
                Some(kind) => {
                    let eid = match entities.get(reference) {
                        Some(e) => *e,
                        None => {
                            let eid = EntityId(store.alloc_id());
                            let external_id = reference
                                .strip_prefix("Wikidata:")
                                .map(str::to_owned)
                                .or_else(|| (!reference.starts_with("Sorot:")).then(|| reference.clone()));
                            let name = if name.trim().is_empty() { reference.clone() } else { name.clone() };
                            let entity = Entity {
                                id: eid,
                                name,
                                kind,
                                aliases: Vec::new(),
                                external_id,
                                note: None,
                                provenance: Provenance::shared(author, now),
                            };
                            store.apply(Edit::AddEntity(entity)).map_err(|e| err(&s.at, e))?;
                            entities.insert(reference.clone(), eid);
                            eid
                        }
                    };
                    span.entity = Some(eid);
                }
                None => {
                    let n = format!("reference {reference} {name}");
                    span.note = Some(match span.note.take() {
                        Some(old) => format!("{old}\n{n}").into(),
                        None => n.into(),
                    });
                }
            }
        }
        store.apply(Edit::AddSpan(span)).map_err(|e| err(&s.at, format!("{}: {e}", s.key)))?;
        ids.insert(s.key.as_str(), id);
    }
    // Mentions of one entity (brat `*<TAB>Equiv`): linked to the entity one of
    // them already has (from an `N` reference), or to a new one named by
    // the first mention.
    for (keys, at) in &doc.equivalences {
        let members: Vec<SpanId> = keys.iter().filter_map(|k| ids.get(k.as_str()).copied()).collect();
        let linked = members.iter().find_map(|m| store.span(*m).and_then(|s| s.entity));
        let eid = match linked {
            Some(e) => e,
            None => {
                let Some(first) = members.first().and_then(|m| store.span(*m)) else { continue };
                let kind = equivalence_kind(schema, doc, keys).unwrap_or_default();
                let name = store.quote(first).split_whitespace().collect::<Vec<_>>().join(" ");
                let eid = EntityId(store.alloc_id());
                let entity = Entity {
                    id: eid,
                    name,
                    kind,
                    aliases: Vec::new(),
                    external_id: None,
                    note: None,
                    provenance: Provenance::shared(author, now),
                };
                store.apply(Edit::AddEntity(entity)).map_err(|e| err(at, format!("equivalence: {e}")))?;
                eid
            }
        };
        for m in members {
            let Some(span) = store.span(m).filter(|s| s.entity.is_none()) else { continue };
            let mut span = span.clone();
            span.entity = Some(eid);
            store.apply(Edit::ReplaceSpan(span)).map_err(|e| err(at, format!("equivalence: {e}")))?;
        }
    }
    // Relations get their ids first, so that one may use another defined
    // after it (brat's `E1 … Theme:E2`), and are added once what they use
    // is in.
    let keys: HashMap<&str, usize> =
        doc.relations.iter().enumerate().filter(|(_, r)| !r.key.is_empty()).map(|(i, r)| (r.key.as_str(), i)).collect();
    let rel_ids: Vec<RelationId> = doc.relations.iter().map(|_| RelationId(store.alloc_id())).collect();
    let mut built: Vec<Option<(Relation, &RawRelation)>> = Vec::with_capacity(doc.relations.len());
    for (n, r) in doc.relations.iter().enumerate() {
        let kind = schema
            .relation_index(&r.kind)
            .ok_or_else(|| err(&r.at, format!("relation type {} is not in the schema", r.kind)))?;
        let rt = &schema.relation_types[kind];
        let mut args = Vec::new();
        for (k, (role, key)) in r.args.iter().enumerate() {
            let role = match role {
                Some(role) => role.clone(),
                None => rt
                    .roles
                    .get(k)
                    .map(|x| x.name.clone())
                    .ok_or_else(|| err(&r.at, format!("{} has no role number {}", rt.name, k + 1)))?,
            };
            let target = match (ids.get(key.as_str()), keys.get(key.as_str())) {
                (Some(span), _) => Target::Span(*span),
                (None, Some(&i)) => Target::Relation(rel_ids[i]),
                (None, None) => return Err(err(&r.at, format!("{key} is not defined"))),
            };
            args.push(RoleArg { role: role.as_str().into(), target });
        }
        let mut rel = Relation::new(rel_ids[n], kind as u16, args, Provenance::shared(author, now));
        rel.attributes = r.attributes.iter().cloned().collect();
        rel.note = r.note.clone().map(Box::new);
        built.push(Some((rel, r)));
    }
    // Each pass adds the relations whose relation arguments are in; one
    // that never gets in waits on itself.
    let mut left = built.len();
    while left > 0 {
        let before = left;
        for slot in &mut built {
            let ready = slot.as_ref().is_some_and(|(rel, _)| {
                rel.args.iter().all(|a| !matches!(a.target, Target::Relation(x) if store.relation(x).is_none()))
            });
            if let Some((rel, raw)) = slot.take_if(|_| ready) {
                store.apply(Edit::AddRelation(rel)).map_err(|e| err(&raw.at, format!("{}: {e}", raw.key)))?;
                left -= 1;
            }
        }
        if left == before {
            let (_, raw) = built.iter().flatten().next().ok_or_else(|| err(&doc.source, "relations left"))?;
            return Err(err(
                &raw.at,
                format!("{} is an argument of itself through other events (a cycle cannot be imported)", raw.key),
            ));
        }
    }
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_map_drops_bom_and_cr_and_refuses_half_surrogates() {
        let m = OffsetMap::new("\u{feff}a\r\nb😀c", Offsets::CodePoints);
        assert_eq!(m.text(), "a\nb😀c");
        // BOM a CR LF b 😀 c
        assert_eq!(
            (0..=7).map(|i| m.byte(i)).collect::<Vec<_>>(),
            [Some(0), Some(0), Some(1), Some(1), Some(2), Some(3), Some(7), Some(8)]
        );
        let m = OffsetMap::new("b😀c", Offsets::Utf16);
        assert_eq!((0..=4).map(|i| m.byte(i)).collect::<Vec<_>>(), [Some(0), Some(1), None, Some(5), Some(6)]);
        assert_eq!(m.byte(5), None);
    }

    /// Char by char, as the map was first written: the reference the
    /// faster map (ASCII copied a run at a time) must equal.
    fn offset_map_by_char(source: &str, units: Offsets) -> (String, Vec<Option<usize>>) {
        let (mut text, mut to_byte) = (String::new(), Vec::new());
        let mut chars = source.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            to_byte.push(Some(text.len()));
            if units == Offsets::Utf16 && c.len_utf16() == 2 {
                to_byte.push(None);
            }
            match c {
                '\u{feff}' if first => {}
                '\r' if chars.peek() == Some(&'\n') => {}
                '\r' => text.push('\n'),
                c => text.push(c),
            }
            first = false;
        }
        to_byte.push(Some(text.len()));
        (text, to_byte)
    }

    proptest::proptest! {
        /// On curly quotes, emoji, combining marks, Hangul, CR, CRLF and
        /// BOMs (first and later), in both units.
        #[test]
        fn offset_map_equals_the_char_by_char_reference(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Rusia ", "\r", "\n", "\r\n", "\u{feff}", "“", "”", "😀", "👍🏽", "e\u{301}", "한국", "\t", "é",
            ]), 0..40),
            utf16 in proptest::bool::ANY,
        ) {
            let source = parts.concat();
            let units = if utf16 { Offsets::Utf16 } else { Offsets::CodePoints };
            let (text, to_byte) = offset_map_by_char(&source, units);
            let m = OffsetMap::new(&source, units);
            proptest::prop_assert_eq!(m.text(), text.as_str());
            let got: Vec<Option<usize>> = (0..=to_byte.len()).map(|i| m.byte(i)).collect();
            let mut want = to_byte;
            want.push(None);
            proptest::prop_assert_eq!(got, want);
        }
    }

    /// Equivalences of any `*` type are mentions of one entity; members
    /// that are not text-bound are left out and said so; an event may use
    /// an event defined after it.
    #[test]
    fn brat_equivalences_and_forward_event_arguments_are_read() {
        let text = "Joanne Rowling, Jo Rowling and J. K. Rowling merged it.\n".to_string();
        let ann = "T1\tPerson 0 14\tJoanne Rowling\nT2\tPerson 16 26\tJo Rowling\n\
                   T3\tPerson 31 44\tJ. K. Rowling\nT4\tMerge 45 51\tmerged\n\
                   *\tAlias T1 T2 T3\n*\tEquiv T1 E1\nE2\tMerge:T4 Theme:E1\nE1\tMerge:T4 Agent:T1\n";
        let doc = parse_brat("f", "f.ann", text, ann).unwrap();
        assert_eq!(doc.equivalences, [(vec!["T1".to_string(), "T2".into(), "T3".into()], "f.ann:5".to_string())]);
        assert!(doc.skipped[0].starts_with("f.ann:5: Alias equivalence imported as mentions of one entity"));
        assert!(doc.skipped[1].starts_with("f.ann:6: E1 left out of the equivalence"), "{:?}", doc.skipped);
        let mut schema = Schema::default_news();
        add_to_schema(&mut schema, std::slice::from_ref(&doc));
        let store = build_store(&doc, &schema, Offsets::CodePoints, "t").unwrap();
        let rowling = store.entities().next().unwrap();
        assert_eq!((rowling.name.as_str(), rowling.kind.as_str()), ("Joanne Rowling", "Person"));
        assert_eq!(store.mentions_of(rowling.id).len(), 3);
        let outer = store.relations().find(|r| r.args.len() == 2 && r.args[1].role == "Theme").unwrap();
        assert!(matches!(outer.args[1].target, Target::Relation(_)));
        // A cycle is refused with its line.
        let cyclic = "T4\tMerge 45 51\tmerged\nE1\tMerge:T4 Theme:E2\nE2\tMerge:T4 Theme:E1\n";
        let doc = parse_brat("f", "f.ann", "Joanne Rowling, Jo Rowling and J. K. Rowling merged it.\n".into(), cyclic)
            .unwrap();
        let mut schema = Schema::default_news();
        add_to_schema(&mut schema, std::slice::from_ref(&doc));
        let e = build_store(&doc, &schema, Offsets::CodePoints, "t").map(|_| ()).unwrap_err();
        assert!(e.0.starts_with("f.ann:2: E1 is an argument of itself"), "{e}");
    }

    #[test]
    fn brat_lines_with_errors_name_file_and_line() {
        let text = "Rusia dan Korut".to_string();
        let bad = [
            ("T1\tCountry 0 5\tRusia\nT2\tCountry 10 99\tKorut\n", "f.ann:2: offset 99 is past the end"),
            ("T1\tCountry 0 5\tRusxa\n", "f.ann:1: the text at these offsets is \"Rusia\""),
            ("T1\tCountry 0 5\tRusia\nR1\tx Arg1:T1 Arg2:T9\n", "f.ann:2: T9 is not an annotation of this file"),
            ("X1\tfoo\n", "f.ann:1: unknown annotation"),
            ("T1 Country 0 5 Rusia\n", "f.ann:1: expected `ID<TAB>"),
            ("T1\tCountry 5 0\tRusia\n", "f.ann:1: expected `START END`"),
            ("A1\tNegated T7\n", "f.ann:1: T7 is not defined"),
        ];
        for (ann, want) in bad {
            let e = parse_brat("f", "f.ann", text.clone(), ann).unwrap_err();
            assert!(e.0.starts_with(want), "{ann:?}: {e}");
        }
    }

    #[test]
    fn jsonl_errors_name_file_line_and_column() {
        let e = parse_jsonl("d", "d.jsonl", "{\"text\": \"a\"}\n{\"text\": 1}\n").unwrap_err();
        assert_eq!(e.0, "d.jsonl:2: expected a \"text\" string");
        let e = parse_jsonl("d", "d.jsonl", "{\"text\": \"a\",}\n").unwrap_err();
        assert!(e.0.starts_with("d.jsonl:1:14: "), "{e}");
        let e = parse_jsonl("d", "d.jsonl", "{\"text\": \"a\", \"label\": [[0, 1]]}\n").unwrap_err();
        assert!(e.0.contains("expected [start, end, \"label\"]"), "{e}");
    }
}
