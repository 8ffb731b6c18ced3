//! Dataset exports: pure functions from stores to file contents, each with
//! a report of what the format could not hold. Offsets are Unicode code
//! points unless UTF-16 units are asked for.
//!
//! Formats: `jsonl` (doccano relation-extraction shape plus Sorot's extras
//! under `sorot`), `conll` (CoNLL-2003 style IOB2), `brat` (`.txt` +
//! `.ann`), `label-studio` (tasks + labeling config), `w3c` (Web Annotation
//! JSON-LD), `csv` (claims and relations tables).

mod brat;
mod conll;
mod csv;
mod files;
mod jsonl;
mod label_studio;
mod w3c;

pub use brat::brat;
pub use conll::conll;
pub use csv::csv;
pub use files::{Files, Out, SPILL, WriteError};
pub use jsonl::{jsonl, jsonl_records};
pub use label_studio::label_studio;
pub use w3c::{iri_segment, rfc3339, w3c};

use std::collections::BTreeMap;

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

impl Export {
    /// Runs a format with its files kept in memory.
    fn collect(run: impl FnOnce(&mut Files) -> Report) -> Export {
        let mut files = Files::in_memory();
        let Report { losses, notices } = run(&mut files);
        Export { files: files.into_kept(), losses, notices }
    }
}

/// What a format says besides its files: what it could not hold, and what
/// the analyst should know that is not a loss.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub losses: Vec<Loss>,
    pub notices: Vec<String>,
}

/// An export written to disk: the paths written, and its report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Written {
    pub paths: Vec<std::path::PathBuf>,
    pub losses: Vec<Loss>,
    pub notices: Vec<String>,
}

/// The export formats: the one registry of their names, files and
/// descriptions (`--format`, the Export dialog, default output names).
/// Adding a format is a variant here and one file in this folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// doccano JSONL, with Sorot's own data under `sorot`.
    Jsonl,
    /// CoNLL-2003 style IOB2, for NER trainers.
    Conll,
    /// brat standoff: `.txt` + `.ann` per document.
    Brat,
    /// Label Studio tasks and labeling config.
    LabelStudio,
    /// W3C Web Annotation JSON-LD.
    W3c,
    /// Claims and relations tables for spreadsheets.
    Csv,
}

impl Format {
    pub const ALL: [Format; 6] =
        [Format::Jsonl, Format::Conll, Format::Brat, Format::LabelStudio, Format::W3c, Format::Csv];

    /// The name `--format` and the dialog use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Conll => "conll",
            Format::Brat => "brat",
            Format::LabelStudio => "label-studio",
            Format::W3c => "w3c",
            Format::Csv => "csv",
        }
    }

    pub fn by_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Written as a folder of files rather than one file.
    pub fn is_folder(self) -> bool {
        self.extension().is_none()
    }

    /// The extension of the one file a file format writes; `None` for
    /// folder formats.
    pub fn extension(self) -> Option<&'static str> {
        match self {
            Format::Jsonl => Some("jsonl"),
            Format::Conll => Some("conll"),
            Format::W3c => Some("jsonld"),
            Format::Brat | Format::LabelStudio | Format::Csv => None,
        }
    }

    /// Whether its offsets can be counted in UTF-16 units.
    pub fn has_offsets(self) -> bool {
        matches!(self, Format::Jsonl | Format::LabelStudio | Format::Csv)
    }

    /// Runs the export with its files kept in memory. `labels` chooses
    /// CoNLL's labels.
    pub fn export(self, stores: &[&Store], offsets: Offsets, labels: Option<&[String]>) -> Export {
        Export::collect(|files| self.run(stores, offsets, labels, files))
    }

    /// Runs the export straight to disk: into the folder `out` for folder
    /// formats, as the file `out` otherwise. Each file streams to a
    /// temporary file beside its target (the export never holds its files
    /// in memory) and all are put in place once every one is complete.
    /// Names are checked as in [`write`]; unless `replace`, files already
    /// there stop it, all listed. On any failure nothing is written.
    pub fn write_to(
        self,
        stores: &[&Store],
        offsets: Offsets,
        labels: Option<&[String]>,
        out: &std::path::Path,
        replace: bool,
    ) -> Result<Written, WriteError> {
        self.write_into(stores, offsets, labels, Files::to_disk(self, out, replace))
    }

    /// [`Self::write_to`] with the files made by the caller.
    #[doc(hidden)]
    pub fn write_into(
        self,
        stores: &[&Store],
        offsets: Offsets,
        labels: Option<&[String]>,
        mut files: Files,
    ) -> Result<Written, WriteError> {
        let Report { losses, notices } = self.run(stores, offsets, labels, &mut files);
        let paths = files.commit()?;
        Ok(Written { paths, losses, notices })
    }

    fn run(self, stores: &[&Store], offsets: Offsets, labels: Option<&[String]>, files: &mut Files) -> Report {
        match self {
            Format::Jsonl => jsonl::write(stores, offsets, files),
            Format::Conll => conll::write(stores, labels, files),
            Format::Brat => brat::write(stores, files),
            Format::LabelStudio => label_studio::write(stores, offsets, files),
            Format::W3c => w3c::write(stores, files),
            Format::Csv => csv::write(stores, offsets, files),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
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

/// Writes an export made in memory: into the folder `out` for folder
/// formats, as the file `out` otherwise. Each file is written atomically,
/// only under plain names (nothing lands outside `out`), and never two
/// files of one export to the same path. Unless `replace`, nothing is
/// written when any target exists already: the error lists them.
pub fn write(export: &Export, format: Format, out: &std::path::Path, replace: bool) -> Result<(), WriteError> {
    let mut files = Files::to_disk(format, out, replace);
    for (name, contents) in &export.files {
        files.whole(name, contents);
    }
    files.commit().map(|_| ())
}

/// The relative path (without extension) a document is written under in
/// formats with one file per document: its id with each `/`-separated part
/// made file-safe, so a collection's folder tree is kept; ids that would
/// give the same path get `-2`, `-3`… and a notice says so.
pub fn document_paths(stores: &[&Store]) -> (Vec<String>, Vec<String>) {
    let mut names = UniqueNames::default();
    let mut notices = Vec::new();
    let paths = stores
        .iter()
        .map(|store| {
            let id = &store.meta.id;
            let base = safe_relative_stem(id);
            let path = names.claim(&base);
            if path != base {
                notices.push(format!("{id}: another document of this export has that name; written as {path}"));
            }
            path
        })
        .collect();
    (paths, notices)
}

/// A name as a relative path that stays inside its folder: each `/` (or
/// `\`) separated part made file-safe with [`safe_file_stem`].
pub fn safe_relative_stem(name: &str) -> String {
    let parts: Vec<String> = name.split(['/', '\\']).filter(|p| !p.is_empty()).map(safe_file_stem).collect();
    if parts.is_empty() { safe_file_stem(name) } else { parts.join("/") }
}

/// Names handed out once each, whatever their case (`a` and `A` are one
/// file on Windows and macOS): a taken name gets `-2`, `-3`…
#[derive(Debug, Default)]
pub struct UniqueNames(std::collections::HashSet<String>);

impl UniqueNames {
    pub fn claim(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut k = 2;
        while !self.0.insert(name.to_lowercase()) {
            name = format!("{base}-{k}");
            k += 1;
        }
        name
    }
}

/// Spans by id for an export that looks up many of them: a table indexed
/// by id when ids are dense (they are one sequence with entities and
/// relations), else the store's own lookup.
struct SpanTable<'a> {
    store: &'a Store,
    dense: Vec<Option<&'a Span>>,
}

impl<'a> SpanTable<'a> {
    fn new(store: &'a Store) -> Self {
        let n = store.spans().len() + store.entities().len() + store.relations().len();
        let max = store.spans().next_back().map_or(0, |s| s.id.0 as usize);
        let mut dense = Vec::new();
        if max <= 2 * n + 1024 {
            dense = vec![None; max + 1];
            for s in store.spans() {
                dense[s.id.0 as usize] = Some(s);
            }
        }
        SpanTable { store, dense }
    }

    fn get(&self, id: SpanId) -> Option<&'a Span> {
        if self.dense.is_empty() { self.store.span(id) } else { self.dense.get(id.0 as usize).copied().flatten() }
    }
}

fn loss(losses: &mut Vec<Loss>, store: &Store, message: String, ids: Vec<u32>) {
    if !ids.is_empty() {
        losses.push(Loss { document: store.meta.id.clone(), message: format!("{} {message}", ids.len()), ids });
    }
}

/// Spans accepted from suggestions, whose origin (source, version, score)
/// `format` has no place for.
fn suggested_loss(losses: &mut Vec<Loss>, store: &Store, format: &str) {
    let ids = store.spans().filter(|s| s.suggested.is_some()).map(|s| s.id.0).collect();
    let message = format!(
        "spans accepted from suggestions: where each came from (source, version, score) has no place in {format} \
         (JSONL and W3C keep it)"
    );
    loss(losses, store, message, ids);
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
        Target::Entity(_) | Target::Relation(_) => None,
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
    store.first_mention(t)
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

    /// A span table finds every span and nothing else, whether ids are dense
    /// (a table) or sparse (the store's own lookup).
    #[test]
    fn span_tables_find_spans_by_dense_and_sparse_ids() {
        use crate::model::testkit::{T0, store};
        for ids in [[3_u32, 4, 9], [3, 4, 50_000_000]] {
            let mut s = store("Rusia memasok senjata ke Korut.\n");
            for (k, id) in ids.iter().enumerate() {
                let range = ByteRange { start: k as u32 * 6, end: k as u32 * 6 + 5 };
                let span = Span::new(SpanId(*id), 0, [range].into_iter().collect(), Provenance::new("t", T0));
                assert!(s.apply(Edit::AddSpan(span)).is_ok());
            }
            let table = SpanTable::new(&s);
            assert_eq!(table.dense.is_empty(), ids[2] > 1_000, "ids {ids:?}");
            for id in ids {
                assert_eq!(table.get(SpanId(id)).map(|x| x.id), Some(SpanId(id)), "ids {ids:?}");
            }
            for missing in [0, 5, 10, 49_999_999, u32::MAX] {
                assert!(table.get(SpanId(missing)).is_none(), "{missing} in {ids:?}");
            }
        }
    }

    /// The Label Studio list is written task by task, indented as serde_json
    /// would print the whole list: reading it and printing it again gives
    /// the same bytes (two documents, lines and quotes in the text).
    #[test]
    fn label_studio_tasks_read_as_one_pretty_printed_list() {
        use crate::model::testkit::{span, store};
        let mut a = store("Rusia memasok \"senjata\"\nke Korut.\n");
        span(&mut a, "Claim", "memasok");
        let b = store("Peskov\r\nberkata 👍🏽.\n");
        let e = label_studio(&[&a, &b], Offsets::Utf16);
        let tasks = &e.files[0].1;
        let read: serde_json::Value = serde_json::from_str(tasks).expect("valid JSON");
        assert_eq!(read.as_array().map(Vec::len), Some(2));
        let again = serde_json::to_string_pretty(&read).expect("printed") + "\n";
        assert_eq!(tasks, &again);
        assert_eq!(label_studio(&[], Offsets::Utf16).files[0].1, "[]\n");
    }
}
