//! A folder of articles and their annotation files: a labeling session.
//!
//! Naming (documented in the README): `article.txt` is annotated into
//! `article.sorot.ron`, or, when several analysts annotate the same
//! article, `article.<annotator>.sorot.ron`, one file each. Everything a
//! session shows (state, annotator, counts) is read from those files, so a
//! folder copied elsewhere, or shared through git, keeps it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::{DocState, ReviewStatus, Store};

use super::ANNOTATION_SUFFIX;

/// An annotator's name as it goes into a file name
/// (`article.<name>.sorot.ron`): letters, digits, `-` and `_` kept, anything
/// else (dots, slashes, spaces) made `_`, so a name can never point
/// elsewhere or be mistaken for another file's.
pub fn file_safe_name(name: &str) -> String {
    let safe: String =
        name.trim().chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if safe.is_empty() { "analyst".into() } else { safe }
}

/// An annotation file's name split into the article's stem and the
/// annotator, without knowing the folder's articles:
/// `article.alice.sorot.ron` → (`article`, `alice`), `article.sorot.ron` →
/// (`article`, none). (A folder scan matches names against its articles.)
pub fn name_parts(path: &Path) -> (String, Option<String>) {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let base = name.strip_suffix(ANNOTATION_SUFFIX).unwrap_or(&name);
    match base.rsplit_once('.') {
        Some((stem, who)) if !stem.is_empty() && !who.is_empty() => (stem.to_owned(), Some(who.to_owned())),
        _ => (base.to_owned(), None),
    }
}

/// The role an adjudicated file has in its name:
/// `article.adjudicated.sorot.ron`, or `article.adjudicated-2.sorot.ron`
/// when a later adjudication did not replace an earlier one.
pub const ADJUDICATED: &str = "adjudicated";

/// Whether `path` is another annotator's own file, for annotator `me`
/// (`article.<someone else>.sorot.ron`; adjudicated and shared files are
/// nobody's own).
pub fn is_colleagues_file(path: &Path, me: &str) -> bool {
    name_parts(path).1.is_some_and(|who| who != me) && !is_adjudicated(path)
}

/// Whether `path` is the merged file of an adjudication (by its name, see
/// [`ADJUDICATED`]): a result of comparing annotators, never one of them.
pub fn is_adjudicated(path: &Path) -> bool {
    match name_parts(path).1 {
        Some(who) => {
            who == ADJUDICATED
                || who
                    .strip_prefix(ADJUDICATED)
                    .and_then(|r| r.strip_prefix('-'))
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        }
        None => false,
    }
}

/// An adjudication of exactly `inputs` still in progress beside the first:
/// a merged file (`article.adjudicated*.sorot.ron`, not one of the inputs)
/// whose record names these files, that is not marked done or reviewed,
/// and that `adjudicator` keeps (another adjudicator's work is never taken
/// over); the latest such. Comparing the same files again continues it
/// instead of starting another.
pub fn adjudication_in_progress(inputs: &[PathBuf], adjudicator: &str) -> Option<PathBuf> {
    let first = inputs.first()?;
    let dir = first.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let (stem, _) = name_parts(first);
    let same = |a: &Path| std::fs::canonicalize(a).unwrap_or_else(|_| a.to_path_buf());
    let mut wanted: Vec<PathBuf> = inputs.iter().map(|p| same(p)).collect();
    wanted.sort();
    let mut found: Vec<(u64, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let p = entry.path();
        if !is_adjudicated(&p) || name_parts(&p).0 != stem || inputs.contains(&p) {
            continue;
        }
        let Ok(store) = crate::io::load_annotations(&p) else { continue };
        let theirs = store.meta.annotator.as_deref().is_some_and(|a| a != adjudicator);
        if theirs || matches!(store.meta.state, DocState::Done | DocState::Reviewed) {
            continue;
        }
        let Some(record) = store.meta.adjudication.as_deref() else { continue };
        let mut compared: Vec<PathBuf> = record.files.iter().map(|f| same(&dir.join(f))).collect();
        compared.sort();
        if compared == wanted {
            found.push((adjudication_number(&p), p));
        }
    }
    found.into_iter().max().map(|(_, p)| p)
}

/// Where the merged file of an adjudication of `inputs` goes: beside the
/// first, `article.adjudicated.sorot.ron`, or the first free
/// `article.adjudicated-N.sorot.ron` when that exists or is one of the
/// inputs. An adjudication never takes the name of a file that exists.
pub fn adjudicated_path(inputs: &[PathBuf]) -> Option<PathBuf> {
    let first = inputs.first()?;
    let (stem, _) = name_parts(first);
    let free = |p: &PathBuf| !p.exists() && !inputs.contains(p);
    let plain = first.with_file_name(format!("{stem}.{ADJUDICATED}{ANNOTATION_SUFFIX}"));
    if free(&plain) {
        return Some(plain);
    }
    (2..10_000).map(|k| first.with_file_name(format!("{stem}.{ADJUDICATED}-{k}{ANNOTATION_SUFFIX}"))).find(free)
}

/// 0 for `article.adjudicated.sorot.ron`, N for `….adjudicated-N.sorot.ron`.
fn adjudication_number(path: &Path) -> u64 {
    name_parts(path).1.and_then(|who| who.strip_prefix(ADJUDICATED)?.strip_prefix('-')?.parse().ok()).unwrap_or(0)
}

/// Whether `path` is a folder that can be opened as a session.
pub fn is_folder(path: &Path) -> bool {
    path.is_dir()
}

/// Extensions of article files.
pub const ARTICLE_EXTENSIONS: &[&str] = &["txt", "md", "html", "htm", "pdf", "docx", "odt"];

/// One annotation file of a folder, as read.
#[derive(Clone, Debug, PartialEq)]
pub struct AnnFile {
    pub path: PathBuf,
    /// From the file (`document.annotator`), else from its name.
    pub annotator: Option<String>,
    pub state: DocState,
    pub spans: usize,
    pub relations: usize,
    /// Spans reviewed (accepted, rejected or flagged).
    pub reviewed: usize,
    /// Who reviewed them.
    pub reviewers: Vec<String>,
    /// Why the file could not be read, if it could not.
    pub error: Option<String>,
}

impl AnnFile {
    /// The file's name, for lists.
    pub fn name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }

    /// `N spans, N relations, N reviewed`.
    pub fn counts(&self) -> String {
        use crate::model::plural;
        format!("{}, {}, {} reviewed", plural(self.spans, "span"), plural(self.relations, "relation"), self.reviewed)
    }

    pub fn of_store(path: &Path, store: &Store, named: Option<&str>) -> Self {
        AnnFile {
            path: path.to_owned(),
            annotator: store.meta.annotator.clone().or_else(|| named.map(str::to_owned)),
            state: store.meta.state,
            spans: store.spans().len(),
            relations: store.relations().len(),
            reviewed: store.spans().filter(|s| s.review.status != ReviewStatus::Unreviewed).count(),
            reviewers: reviewers(store),
            error: None,
        }
    }

    fn finished(&self) -> bool {
        self.error.is_none() && matches!(self.state, DocState::Done | DocState::Reviewed)
    }
}

/// Who reviewed spans of `store`, each once, in order of appearance.
pub fn reviewers(store: &Store) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in store.spans() {
        if s.review.status != ReviewStatus::Unreviewed
            && let Some(r) = s.review.reviewer.as_deref()
            && !out.iter().any(|o| o == r)
        {
            out.push(r.to_owned());
        }
    }
    out
}

/// Where an article stands, the same in the folder list, the window's
/// progress and `sorot status`: its annotators' files, the adjudication (if
/// any) and the review.
///
/// - *done*: every annotator's file is done or reviewed (an article with
///   only an adjudicated file counts by that file). An adjudication in
///   progress does not undo the annotators' work.
/// - *adjudicated*: an adjudicated file of it is done or reviewed.
/// - *reviewed*: the file that stands for it (its adjudicated file furthest
///   along, else every annotator's file) is marked reviewed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    /// Each annotator's file: who, and its state (`None`: the file cannot
    /// be read).
    pub annotators: Vec<(String, Option<DocState>)>,
    /// The state and adjudicator of the adjudicated file furthest along.
    pub adjudicated: Option<(DocState, Option<String>)>,
    /// Who reviewed spans of the files that stand for the article.
    pub reviewers: Vec<String>,
    /// Spans of those files reviewed, of all their spans.
    pub spans_reviewed: (usize, usize),
    pub done: bool,
    pub reviewed: bool,
}

impl Standing {
    pub fn is_adjudicated(&self) -> bool {
        self.adjudicated.as_ref().is_some_and(|(s, _)| matches!(s, DocState::Done | DocState::Reviewed))
    }

    /// `dewi: done · budi: done · adjudicated (by ana): in progress · reviewed by sari`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> =
            self.annotators.iter().map(|(who, s)| format!("{who}: {}", s.map_or("damaged", |s| s.name()))).collect();
        if let Some((state, by)) = &self.adjudicated {
            let by = by.as_deref().map(|b| format!(" (by {b})")).unwrap_or_default();
            parts.push(format!("adjudicated{by}: {}", state.name()));
        }
        // Reviewed only when the file is marked so; before that, how far
        // the review is (3 of 25 spans is not "reviewed").
        if self.reviewed {
            let by =
                if self.reviewers.is_empty() { String::new() } else { format!(" by {}", self.reviewers.join(", ")) };
            parts.push(format!("reviewed{by}"));
        } else if !self.reviewers.is_empty() {
            let (n, of) = self.spans_reviewed;
            parts.push(format!("review by {}: {n} of {}", self.reviewers.join(", "), crate::model::plural(of, "span")));
        }
        if parts.is_empty() { "not annotated yet".into() } else { parts.join(" · ") }
    }
}

/// One article of the folder (or an annotation file with no article beside
/// it: the text is embedded, so it can still be worked on).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The article's file stem.
    pub stem: String,
    pub article: Option<PathBuf>,
    pub files: Vec<AnnFile>,
}

impl Entry {
    /// The file `annotator` works in: their own `stem.<annotator>.sorot.ron`
    /// when `per_annotator`, else the shared `stem.sorot.ron`.
    pub fn path_for(&self, dir: &Path, annotator: Option<&str>) -> PathBuf {
        match annotator {
            Some(a) => dir.join(format!("{}.{a}{ANNOTATION_SUFFIX}", self.stem)),
            None => dir.join(format!("{}{ANNOTATION_SUFFIX}", self.stem)),
        }
    }

    /// What opening this entry opens for `annotator` (see [`Entry::path_for`]):
    /// their file if it exists, else the article, else the first file.
    pub fn file_to_open(&self, dir: &Path, annotator: Option<&str>) -> Option<PathBuf> {
        let mine = self.path_for(dir, annotator);
        // A damaged file opens through its article, which opens whatever
        // can be read of it (or the article alone) and keeps the file.
        let damaged = self.file(&mine).is_some_and(|f| f.error.is_some());
        if mine.exists() && !(damaged && self.article.is_some()) {
            return Some(mine);
        }
        self.article.clone().or_else(|| self.files.first().map(|f| f.path.clone()))
    }

    /// The file at `path`, if it exists.
    pub fn file(&self, path: &Path) -> Option<&AnnFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The adjudicated file that stands for the article: the furthest
    /// along (reviewed, then done), the latest among equals (`-N` numbers
    /// after the plain name). A new merge in progress does not undo a
    /// finished or reviewed one.
    pub fn latest_adjudication(&self) -> Option<&AnnFile> {
        let rank = |f: &AnnFile| match (&f.error, f.state) {
            (Some(_), _) => 0,
            (None, DocState::New | DocState::InProgress) => 1,
            (None, DocState::Done) => 2,
            (None, DocState::Reviewed) => 3,
        };
        self.files.iter().filter(|f| is_adjudicated(&f.path)).max_by(|a, b| {
            (rank(a), adjudication_number(&a.path), &a.path).cmp(&(rank(b), adjudication_number(&b.path), &b.path))
        })
    }

    /// Done, adjudicated, reviewed (see [`Standing`]), without allocating:
    /// the window counts them for every article of a large folder.
    pub fn stages(&self) -> (bool, bool, bool) {
        let adjudicated = self.latest_adjudication();
        let mut annotators = self.annotator_files().peekable();
        let done = if annotators.peek().is_none() {
            adjudicated.is_some_and(AnnFile::finished)
        } else {
            annotators.all(AnnFile::finished)
        };
        let reviewed_file = |f: &AnnFile| f.error.is_none() && f.state == DocState::Reviewed;
        let reviewed = match adjudicated {
            Some(a) => reviewed_file(a),
            None => !self.files.is_empty() && self.files.iter().all(reviewed_file),
        };
        (done, adjudicated.is_some_and(AnnFile::finished), reviewed)
    }

    /// Where the article stands (see [`Standing`]).
    pub fn standing(&self) -> Standing {
        let adjudicated = self.latest_adjudication();
        let stands_for: Vec<&AnnFile> = match adjudicated {
            Some(a) => vec![a],
            None => self.annotator_files().collect(),
        };
        let mut reviewers: Vec<String> = Vec::new();
        for r in stands_for.iter().flat_map(|f| &f.reviewers) {
            if !reviewers.contains(r) {
                reviewers.push(r.clone());
            }
        }
        let (done, _, reviewed) = self.stages();
        let spans_reviewed =
            stands_for.iter().filter(|f| f.error.is_none()).fold((0, 0), |(n, of), f| (n + f.reviewed, of + f.spans));
        Standing {
            annotators: self
                .annotator_files()
                .map(|f| {
                    let who = f.annotator.clone().unwrap_or_else(|| f.name());
                    (who, f.error.is_none().then_some(f.state))
                })
                .collect(),
            adjudicated: adjudicated.map(|f| (f.state, f.annotator.clone())),
            reviewers,
            spans_reviewed,
            done,
            reviewed,
        }
    }

    /// The files that stand for the article in a dataset: its finished
    /// (done or reviewed) adjudicated file furthest along, else every
    /// annotator's file; and whether it was the adjudicated one.
    pub fn dataset_files(&self) -> (Vec<PathBuf>, bool) {
        match self.latest_adjudication().filter(|f| f.finished()) {
            Some(a) => (vec![a.path.clone()], true),
            None => (self.annotator_files().map(|f| f.path.clone()).collect(), false),
        }
    }

    /// The annotators' files: every file but adjudicated ones (what
    /// comparing offers).
    pub fn annotator_files(&self) -> impl Iterator<Item = &AnnFile> {
        self.files.iter().filter(|f| !is_adjudicated(&f.path))
    }
}

/// How far a folder is: articles done, adjudicated and reviewed (see
/// [`Standing`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub articles: usize,
    pub done: usize,
    pub adjudicated: usize,
    pub reviewed: usize,
}

impl Progress {
    /// `2 of 4 done`.
    pub fn headline(&self) -> String {
        format!("{} of {} done", self.done, self.articles)
    }

    /// `1 adjudicated · 1 reviewed`, or "" when neither happened yet.
    pub fn later_stages(&self) -> String {
        let mut parts = Vec::new();
        if self.adjudicated > 0 {
            parts.push(format!("{} adjudicated", self.adjudicated));
        }
        if self.reviewed > 0 {
            parts.push(format!("{} reviewed", self.reviewed));
        }
        parts.join(" · ")
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Corpus {
    pub dir: PathBuf,
    pub entries: Vec<Entry>,
}

impl Corpus {
    /// The state of `entry` for one annotator's file (new if absent).
    pub fn state(&self, entry: &Entry, annotator: Option<&str>) -> DocState {
        entry.file(&entry.path_for(&self.dir, annotator)).map_or(DocState::New, |f| f.state)
    }

    /// How many entries are done or reviewed, for `annotator`'s files.
    pub fn finished(&self, annotator: Option<&str>) -> usize {
        self.entries.iter().filter(|e| matches!(self.state(e, annotator), DocState::Done | DocState::Reviewed)).count()
    }

    /// The folder's progress, the same in the window and `sorot status`.
    pub fn progress(&self) -> Progress {
        let mut p = Progress { articles: self.entries.len(), ..Progress::default() };
        for e in &self.entries {
            let (done, adjudicated, reviewed) = e.stages();
            p.done += usize::from(done);
            p.adjudicated += usize::from(adjudicated);
            p.reviewed += usize::from(reviewed);
        }
        p
    }

    /// The entry a path belongs to (the article or one of its files).
    /// A file not written yet counts by its name (`stem.sorot.ron`,
    /// `stem.<annotator>.sorot.ron`).
    pub fn position(&self, path: &Path) -> Option<usize> {
        let known = self
            .entries
            .iter()
            .position(|e| e.article.as_deref() == Some(path) || e.files.iter().any(|f| f.path == path));
        known.or_else(|| {
            if path.parent() != Some(self.dir.as_path()) {
                return None;
            }
            let name = path.file_name()?.to_str()?.strip_suffix(ANNOTATION_SUFFIX)?;
            self.entries
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    name == e.stem || name.strip_prefix(e.stem.as_str()).is_some_and(|r| r.starts_with('.'))
                })
                .max_by_key(|(_, e)| e.stem.len())
                .map(|(i, _)| i)
        })
    }

    /// Replaces what is known about one annotation file (after a save).
    pub fn update(&mut self, file: AnnFile) {
        let Some(i) = self.position(&file.path) else { return };
        let files = &mut self.entries[i].files;
        match files.iter_mut().find(|f| f.path == file.path) {
            Some(f) => *f = file,
            None => {
                files.push(file);
                files.sort_by(|a, b| a.path.cmp(&b.path));
            }
        }
    }
}

fn is_hidden(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
}

/// The files of the folder `dir` (not recursive): articles and annotation
/// files, matched by name. `progress(i, n)` is called as files are read.
pub fn scan(dir: &Path, mut progress: impl FnMut(usize, usize)) -> anyhow::Result<Corpus> {
    let read = std::fs::read_dir(dir).map_err(|e| anyhow::anyhow!("{}: cannot read the folder: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = read.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.retain(|p| !is_hidden(p));
    paths.sort();
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    let mut annotation_files = Vec::new();
    for p in paths {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.ends_with(ANNOTATION_SUFFIX) {
            annotation_files.push((p, name));
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            entries.entry(stem.clone()).or_insert_with(|| Entry { stem, article: None, files: Vec::new() }).article =
                Some(p);
        }
    }
    let n = annotation_files.len();
    // Each file's name is matched to its article first; the files are then
    // read on worker threads (the list needs only their summaries).
    let mut named_files = Vec::with_capacity(n);
    for (path, name) in annotation_files {
        let base = &name[..name.len() - ANNOTATION_SUFFIX.len()];
        // `stem.sorot.ron`, else `stem.<annotator>.sorot.ron` for the
        // longest article stem that fits.
        let (stem, named) = if entries.contains_key(base) {
            (base.to_owned(), None)
        } else {
            let by_article = entries
                .keys()
                .filter(|s| {
                    base.len() > s.len() + 1 && base.starts_with(s.as_str()) && base[s.len()..].starts_with('.')
                })
                .max_by_key(|s| s.len())
                .cloned();
            match by_article {
                Some(s) => {
                    let a = base[s.len() + 1..].to_owned();
                    (s, Some(a))
                }
                None => name_parts(&path),
            }
        };
        named_files.push((path, stem, named));
    }
    let never = std::sync::atomic::AtomicBool::new(false);
    let mut read = Vec::with_capacity(n);
    super::search::for_each_ordered(
        &named_files,
        &never,
        |(path, _, _)| summary(path),
        |i, r| {
            progress(i + 1, n);
            read.push(r);
        },
    );
    for ((path, stem, named), r) in named_files.into_iter().zip(read) {
        let file = match r {
            Ok(s) => AnnFile {
                path: path.clone(),
                annotator: s.annotator.or_else(|| named.clone()),
                state: s.state,
                spans: s.spans,
                relations: s.relations,
                reviewed: s.reviewed,
                reviewers: s.reviewers,
                error: None,
            },
            Err(e) => AnnFile {
                path: path.clone(),
                annotator: named.clone(),
                state: DocState::New,
                spans: 0,
                relations: 0,
                reviewed: 0,
                reviewers: Vec::new(),
                error: Some(format!("{e:#}")),
            },
        };
        entries
            .entry(stem.clone())
            .or_insert_with(|| Entry { stem, article: None, files: Vec::new() })
            .files
            .push(file);
    }
    progress(n, n);
    Ok(Corpus { dir: dir.to_owned(), entries: entries.into_values().collect() })
}

/// What the list shows of a file: peeked from its header and the lines of
/// its lists when Sorot wrote it, else read in full (and checked).
fn summary(path: &Path) -> anyhow::Result<super::ronfile::Summary> {
    let src = super::read_annotation_source(path)?;
    if let Some(s) = super::ronfile::peek_summary(&src) {
        return Ok(s);
    }
    let store = super::parse_annotations(path, &src)?;
    Ok(super::ronfile::Summary {
        state: store.meta.state,
        annotator: store.meta.annotator.clone(),
        spans: store.spans().len(),
        relations: store.relations().len(),
        reviewed: store.spans().filter(|s| s.review.status != ReviewStatus::Unreviewed).count(),
        reviewers: reviewers(&store),
    })
}

/// Every readable annotation file of the folder with its store, for the
/// cross-document view; unreadable ones are listed with their error.
pub fn load_all(corpus: &Corpus, mut progress: impl FnMut(usize, usize)) -> (Vec<(PathBuf, Store)>, Vec<String>) {
    let files: Vec<&AnnFile> = corpus.entries.iter().flat_map(|e| &e.files).collect();
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for (i, f) in files.iter().enumerate() {
        progress(i, files.len());
        match super::load_annotations(&f.path) {
            Ok(s) => ok.push((f.path.clone(), s)),
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    progress(files.len(), files.len());
    (ok, errors)
}

#[cfg(test)]
mod standing_tests {
    use super::*;

    /// A review under way is not "reviewed" (a newcomer read "reviewed by
    /// sari" of a file with 3 of 25 spans reviewed, not marked reviewed).
    #[test]
    fn a_review_under_way_says_how_far_it_is() {
        let mut s = Standing {
            annotators: vec![("dewi".into(), Some(DocState::Done))],
            reviewers: vec!["sari".into()],
            spans_reviewed: (3, 25),
            ..Standing::default()
        };
        assert_eq!(s.describe(), "dewi: done · review by sari: 3 of 25 spans");
        s.reviewed = true;
        assert_eq!(s.describe(), "dewi: done · reviewed by sari");
    }
}
