//! Searching, labelling and checking a corpus: folders (recursively) or
//! files, each annotation file a document, and each article without an
//! annotation file a document too (its text, nothing labelled yet).
//!
//! Files are read on up to four worker threads; results come back in file
//! order, one file at a time, so a window can show the first results while
//! the rest are read. Offsets reported are code points (as in every export)
//! with byte offsets beside them.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::model::consistency::{self, Finding};
use crate::model::search::{self, Cover, LabelPlan, Matcher};
use crate::model::{ByteRange, Edit, Schema, Store, Timestamp};

use super::corpus::ARTICLE_EXTENSIONS;
use super::{ANNOTATION_SUFFIX, default_annotation_path};

/// One document of a corpus.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// An annotation file.
    Annotations(PathBuf),
    /// An article with no annotation file yet; labelling it creates
    /// `annotations`.
    Article { article: PathBuf, annotations: PathBuf },
}

impl Source {
    /// The annotation file: the document's name in every report.
    pub fn annotation_path(&self) -> &Path {
        match self {
            Source::Annotations(p) => p,
            Source::Article { annotations, .. } => annotations,
        }
    }

    /// The file to open in the window.
    pub fn open_path(&self) -> &Path {
        match self {
            Source::Annotations(p) => p,
            Source::Article { article, .. } => article,
        }
    }

    /// The document (an article's with an empty annotation store).
    pub fn load(&self) -> anyhow::Result<Store> {
        match self {
            Source::Annotations(p) => super::load_annotations(p),
            Source::Article { article, .. } => {
                let a = super::read_article(article)?;
                Ok(super::store_for_article(article, a, Schema::default_news()))
            }
        }
    }
}

fn is_hidden(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
}

fn is_article(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn is_annotations(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(ANNOTATION_SUFFIX))
}

/// Whether an annotation file of `article` exists beside it
/// (`stem.sorot.ron` or an annotator's `stem.<name>.sorot.ron`).
fn has_annotations(article: &Path) -> bool {
    let Some(stem) = article.file_stem().and_then(|s| s.to_str()) else { return false };
    let Some(dir) = article.parent() else { return false };
    if default_annotation_path(article, None).exists() {
        return true;
    }
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    std::fs::read_dir(dir).into_iter().flatten().filter_map(Result::ok).any(|e| {
        e.file_name().to_str().is_some_and(|n| {
            n.strip_suffix(ANNOTATION_SUFFIX).and_then(|b| b.strip_prefix(stem)).is_some_and(|r| r.starts_with('.'))
        })
    })
}

/// The documents of `inputs`: annotation files, and articles without one,
/// from folders (recursively, hidden files and folders skipped, in name
/// order) and files given directly. An article given directly whose
/// `article.sorot.ron` exists means that file.
pub fn sources(inputs: &[PathBuf]) -> Vec<Source> {
    let mut out = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            if is_article(input) {
                let ann = default_annotation_path(input, None);
                if ann.exists() {
                    out.push(Source::Annotations(ann));
                } else {
                    out.push(Source::Article { article: input.clone(), annotations: ann });
                }
            } else {
                out.push(Source::Annotations(input.clone()));
            }
            continue;
        }
        let mut stack = vec![input.clone()];
        let mut found = Vec::new();
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            let mut children: Vec<PathBuf> =
                entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| !is_hidden(p)).collect();
            children.sort();
            for c in children.into_iter().rev() {
                if c.is_dir() {
                    stack.push(c);
                } else if is_annotations(&c) {
                    found.push(Source::Annotations(c));
                } else if is_article(&c) && !has_annotations(&c) {
                    let annotations = default_annotation_path(&c, None);
                    found.push(Source::Article { article: c, annotations });
                }
            }
        }
        // In file order, whether annotated yet or not (the order stays when
        // a label-all creates an article's file).
        found.sort_by(|a, b| a.annotation_path().cmp(b.annotation_path()));
        out.extend(found);
    }
    out.dedup();
    out
}

/// A hit as reported: positions, context, and what is labelled there.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub range: ByteRange,
    /// Code points.
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (code points).
    pub line: usize,
    pub col: usize,
    pub before: String,
    pub text: String,
    pub after: String,
    /// Labels of spans over exactly this text.
    pub labels: Vec<String>,
    /// Labels of spans that overlap it otherwise.
    pub overlaps: Vec<String>,
}

/// The hits of one document.
#[derive(Clone, Debug, PartialEq)]
pub struct FileHits {
    pub source: Source,
    /// The document's id (from its file).
    pub document: String,
    pub hits: Vec<Found>,
}

/// Characters of context each side of a hit.
pub const CONTEXT_CHARS: usize = 40;

/// The hits of `matcher` in one loaded document.
pub fn found_in(store: &Store, matcher: &Matcher) -> Result<Vec<Found>, search::QueryError> {
    let hits = matcher.search(store)?;
    Ok(hits
        .into_iter()
        .map(|h| {
            let mut found = place(store, h.range);
            for (id, cover) in search::covering(store, h.range) {
                let Some(s) = store.span(id) else { continue };
                let name = store.label_name(s.label).to_owned();
                match cover {
                    Cover::Exact => found.labels.push(name),
                    Cover::Overlap => found.overlaps.push(name),
                }
            }
            found
        })
        .collect())
}

/// What one file gave.
#[derive(Debug)]
pub enum FileResult {
    Hits(FileHits),
    /// The file could not be read or the query does not fit it.
    Failed(String),
}

/// Runs `work` on every source on up to four threads and hands the results
/// to `each` in source order (as soon as the files before are done).
/// Stops early when `cancel` is set.
pub fn for_each_source<T: Send>(
    sources: &[Source],
    cancel: &AtomicBool,
    work: impl Fn(&Source) -> T + Sync,
    each: impl FnMut(usize, T),
) {
    for_each_ordered(sources, cancel, work, each);
}

/// Runs `work` on every item on up to four threads and hands the results
/// to `each` in item order (as soon as the items before are done). Stops
/// early when `cancel` is set.
pub fn for_each_ordered<I: Sync, T: Send>(
    sources: &[I],
    cancel: &AtomicBool,
    work: impl Fn(&I) -> T + Sync,
    mut each: impl FnMut(usize, T),
) {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4).min(sources.len().max(1));
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(source) = sources.get(i) else { break };
                    if tx.send((i, work(source))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        for (i, result) in rx {
            waiting.insert(i, result);
            while let Some(r) = waiting.remove(&due) {
                each(due, r);
                due += 1;
            }
        }
    });
}

/// Searches every source; `each(i, n, result)` gets each file's result in
/// order (files without hits included, so progress can be shown). `open`
/// is a document open in the window: its store is searched instead of its
/// file, so unsaved edits count.
pub fn search(
    sources: &[Source],
    matcher: &Matcher,
    open: Option<(&Path, &Store)>,
    cancel: &AtomicBool,
    mut each: impl FnMut(usize, usize, FileResult),
) {
    let n = sources.len();
    let work = |source: &Source| -> FileResult {
        let path = source.annotation_path();
        if let Some((p, store)) = open
            && p == path
        {
            return match found_in(store, matcher) {
                Ok(hits) => {
                    FileResult::Hits(FileHits { source: source.clone(), document: store.meta.id.clone(), hits })
                }
                Err(e) => FileResult::Failed(format!("{}: {e}", path.display())),
            };
        }
        let store = match source.load() {
            Ok(s) => s,
            Err(e) => return FileResult::Failed(format!("{e:#}")),
        };
        match found_in(&store, matcher) {
            Ok(hits) => FileResult::Hits(FileHits { source: source.clone(), document: store.meta.id.clone(), hits }),
            Err(e) => FileResult::Failed(format!("{}: {e}", path.display())),
        }
    };
    for_each_source(sources, cancel, work, |i, r| each(i, n, r));
}

/// What label-all gives every hit.
#[derive(Clone, Debug)]
pub struct LabelAll {
    /// The label's name (each file's schema is asked for it).
    pub label: String,
    /// Link every hit to this entity too.
    pub link: Option<search::EntityRef>,
    /// Recorded as the author of what is added.
    pub author: String,
    pub now: Timestamp,
}

/// What labelling one file did.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub source: Source,
    pub plan: LabelPlan,
    /// The edit applied and its inverse: the window puts them into the
    /// document's history when it is opened, so Ctrl+Z undoes them.
    pub redo: Edit,
    pub undo: Edit,
}

/// Labels every hit of `matcher` in each source as `label` and writes the
/// file (atomically) when something was added; a file where nothing is new
/// is not written (its plan says why: all already labelled, or no hits). `each(i, n, result)` as in [`search`].
pub fn label_all(
    sources: &[Source],
    matcher: &Matcher,
    how: &LabelAll,
    cancel: &AtomicBool,
    mut each: impl FnMut(usize, usize, Result<Labelled, String>),
) {
    let LabelAll { label, link, author, now } = how;
    let (label, link, author, now) = (label.as_str(), link.as_ref(), author.as_str(), *now);
    let n = sources.len();
    let work = |source: &Source| -> Result<Labelled, String> {
        let path = source.annotation_path();
        // An article's new file must still be new: if one appeared since
        // the search (another analyst, another window), it is not replaced.
        if matches!(source, Source::Article { .. }) && path.exists() {
            return Err(format!(
                "{}: this file appeared after the search; search again to label it (nothing was replaced)",
                path.display()
            ));
        }
        let mut store = source.load().map_err(|e| format!("{e:#}"))?;
        let hits = matcher.search(&store).map_err(|e| format!("{}: {e}", path.display()))?;
        let Some(l) = store.schema().label_index(label) else {
            return Err(format!("{}: this document has no label {label:?}", path.display()));
        };
        let ranges: Vec<ByteRange> = hits.iter().map(|h| h.range).collect();
        let plan = search::plan_label_all(&mut store, &ranges, l as u16, link, author, now)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let Some(redo) = plan.edit() else {
            let none = Edit::Batch(Vec::new());
            return Ok(Labelled { source: source.clone(), plan, redo: none.clone(), undo: none });
        };
        let undo = store.apply(redo.clone()).map_err(|e| format!("{}: {e}", path.display()))?;
        if matches!(source, Source::Article { .. }) {
            // A file made by this label-all is the author's, in progress.
            store.meta.annotator = Some(author.to_owned());
            store.meta.state = crate::model::DocState::InProgress;
        }
        super::save_annotations(path, &store).map_err(|e| format!("{e:#}"))?;
        Ok(Labelled { source: source.clone(), plan, redo, undo })
    };
    for_each_source(sources, cancel, work, |i, r| each(i, n, r));
}

/// A finding's occurrence, placed in its file.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub source: Source,
    pub found: Found,
    pub label: Option<String>,
    pub entity: Option<String>,
}

/// The consistency check of a corpus.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    pub documents: usize,
    pub findings: Vec<(Finding, Vec<Place>)>,
    pub errors: Vec<String>,
}

/// Loads every source and checks them together; `progress(i, n)` as files
/// are read.
/// `open` is a document open in the window, checked as it is there.
pub fn check(
    sources: &[Source],
    open: Option<(&Path, &Store)>,
    cancel: &AtomicBool,
    mut progress: impl FnMut(usize, usize),
) -> CheckReport {
    let mut stores: Vec<(Source, Store)> = Vec::new();
    let mut errors = Vec::new();
    let n = sources.len();
    let load = |s: &Source| match open {
        Some((p, store)) if p == s.annotation_path() => Ok((s.clone(), store.clone())),
        _ => s.load().map(|st| (s.clone(), st)),
    };
    for_each_source(sources, cancel, load, |i, r| {
        progress(i + 1, n);
        match r {
            Ok(x) => stores.push(x),
            Err(e) => errors.push(format!("{e:#}")),
        }
    });
    let refs: Vec<&Store> = stores.iter().map(|(_, s)| s).collect();
    let findings = consistency::check(&refs)
        .into_iter()
        .map(|f| {
            let places = f
                .occurrences
                .iter()
                .map(|o| {
                    let (source, store) = &stores[o.doc];
                    Place {
                        source: source.clone(),
                        found: place(store, o.range),
                        label: o.label.clone(),
                        entity: o.entity.clone(),
                    }
                })
                .collect();
            (f, places)
        })
        .collect();
    CheckReport { documents: stores.len(), findings, errors }
}

/// A range placed in its text: code points, line and column, context (no
/// labels yet).
fn place(store: &Store, range: ByteRange) -> Found {
    let text = store.text();
    let (before, middle, after) = search::context(store, range, CONTEXT_CHARS);
    let (line, col) = text.index().line_col(text.as_str(), range.start());
    Found {
        range,
        start: text.byte_to_char(range.start()),
        end: text.byte_to_char(range.end()),
        line,
        col,
        before,
        text: middle,
        after,
        labels: Vec::new(),
        overlaps: Vec::new(),
    }
}
