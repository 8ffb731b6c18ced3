//! Working through a folder (a labeling session), review mode, comparing
//! and adjudicating annotators' files, and the relationships across the
//! folder.
//!
//! Nothing here is kept outside the annotation files: a document's state
//! and annotator are in its file, review decisions on each annotation, and
//! the merged file of an adjudication is an annotation file like any other.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};

use egui::{Color32, RichText};

use super::{Action, Command, Dialog, Document, SorotApp, short};
use crate::io::corpus::{AnnFile, Corpus};
use crate::model::compare::{Adjudication, Agreement, Choice};
use crate::model::graph::Group;
use crate::model::{
    ByteRange, DocState, Edit, History, RelationId, Review, ReviewStatus, Span, SpanId, Store, Target, Timestamp,
};

/// Whether `edit` only records review decisions or notes (all a read-only
/// document accepts).
pub fn review_only(store: &Store, edit: &Edit) -> bool {
    match edit {
        Edit::ReplaceSpan(new) => store.span(new.id).is_some_and(|old| {
            let mut same = old.clone();
            same.review = new.review.clone();
            same.note.clone_from(&new.note);
            same.provenance.modified = new.provenance.modified;
            same == *new
        }),
        Edit::ReplaceRelation(new) => store.relation(new.id).is_some_and(|old| {
            let mut same = old.clone();
            same.review = new.review.clone();
            same.note.clone_from(&new.note);
            same.provenance.modified = new.provenance.modified;
            same == *new
        }),
        Edit::SetDocState(_) => true,
        Edit::Batch(all) => all.iter().all(|e| review_only(store, e)),
        _ => false,
    }
}

enum ScanMsg {
    Progress(usize, usize),
    Done(anyhow::Result<Corpus>),
}

/// A folder being worked through.
pub struct CorpusView {
    pub corpus: Corpus,
    scan: Option<Receiver<ScanMsg>>,
    progress: (usize, usize),
}

impl CorpusView {
    pub fn is_scanning(&self) -> bool {
        self.scan.is_some()
    }
}

/// What review mode steps through: spans and relations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewItem {
    Span(SpanId),
    Relation(RelationId),
}

/// Review mode: filters, where it is, and the note being written.
pub struct ReviewState {
    /// Step by label (then text order) instead of text order.
    pub by_label: bool,
    pub status: Option<ReviewStatus>,
    /// Only spans of this label (relations are left out then).
    pub label: Option<u16>,
    /// Step through relations too (each where its first span is).
    pub relations: bool,
    /// The relation being reviewed, when it is one.
    relation: Option<RelationId>,
    /// The note being edited for the current annotation.
    pub note: Option<(ReviewItem, String)>,
    note_focus: bool,
    /// The summary lines and the history generation they were counted at
    /// (counting every span each frame would grow with the document).
    summary: Option<(u64, [String; 2])>,
}

impl Default for ReviewState {
    fn default() -> Self {
        Self {
            by_label: false,
            status: None,
            label: None,
            relations: true,
            relation: None,
            note: None,
            note_focus: false,
            summary: None,
        }
    }
}

/// Comparing annotators' files; the open document is the merged file.
pub struct CompareState {
    pub adj: Adjudication,
    pub files: Vec<PathBuf>,
    /// The decisions in each state of the merged document's history, so
    /// undo and redo bring them back with the spans.
    decisions: HashMap<u64, Vec<Option<Choice>>>,
    pub current: usize,
    pub filter: Option<Agreement>,
    /// The agreement table, as `sorot agree` prints it.
    /// The agreement figures of the compared files.
    pub figures: Option<crate::model::agreement::Report>,
}

impl CompareState {
    pub fn decisions(&self, history: &History) -> Vec<Option<Choice>> {
        self.decisions
            .get(&history.generation())
            .cloned()
            .unwrap_or_else(|| self.decisions.get(&0).cloned().unwrap_or_default())
    }

    /// Differences (units that are not agreed), in text order, with the filter.
    pub fn rows(&self) -> Vec<usize> {
        (0..self.adj.units.len())
            .filter(|&u| {
                let k = self.adj.units[u].kind;
                match self.filter {
                    Some(f) => k == f,
                    None => k != Agreement::Agree,
                }
            })
            .collect()
    }
}

enum GraphMsg {
    Progress(usize, usize),
    Done(Vec<PathBuf>, Vec<Group>, Vec<String>),
}

/// The relationships of every file of the folder.
pub struct GraphView {
    pub files: Vec<PathBuf>,
    pub groups: Vec<Group>,
    pub errors: Vec<String>,
    pub filter: String,
    rx: Option<Receiver<GraphMsg>>,
    progress: (usize, usize),
}

impl GraphView {
    /// Whether the files are still being read.
    pub fn is_loading(&self) -> bool {
        self.rx.is_some()
    }
}

pub fn agreement_color(k: Agreement) -> Color32 {
    match k {
        Agreement::Agree => Color32::from_rgb(40, 160, 70),
        Agreement::LabelDiffers => Color32::from_rgb(60, 110, 230),
        Agreement::Boundaries => Color32::from_rgb(230, 140, 20),
        Agreement::Partial => Color32::from_rgb(210, 40, 40),
    }
}

fn annotator_of(path: &Path, store: &Store) -> String {
    // An adjudicated file compared on purpose is named by its role, never
    // as the adjudicator, who did not annotate it.
    if crate::io::corpus::is_adjudicated(path) {
        return crate::io::corpus::name_parts(path).1.unwrap_or_else(|| crate::io::corpus::ADJUDICATED.into());
    }
    let (stem, who) = crate::io::corpus::name_parts(path);
    store.meta.annotator.clone().or(who).unwrap_or(stem)
}

impl SorotApp {
    /// Saves the current document before leaving it; false (with the
    /// reason shown) if it could not be saved.
    pub(super) fn leave_document(&mut self) -> bool {
        if !self.doc.history.is_dirty() {
            return true;
        }
        if self.doc.path.is_none() {
            self.dialog = Some(Dialog::Error("Save this document first (Ctrl+Shift+S), then move on.".into()));
            return false;
        }
        self.save();
        self.finish_save();
        !self.doc.history.is_dirty()
    }

    pub(super) fn run_session(&mut self, ctx: &egui::Context, cmd: Command) {
        match cmd {
            Command::OpenFolder => {
                self.apply(ctx, Action::ShowDialog(Dialog::path(super::PathPurpose::OpenFolder)));
            }
            Command::OpenForReview => {
                self.apply(ctx, Action::ShowDialog(Dialog::path(super::PathPurpose::OpenForReview)));
            }
            Command::NextDocument | Command::PrevDocument => {
                let Some(c) = &self.corpus else {
                    self.set_status("Open a folder first (Ctrl+Shift+F) to move between its documents");
                    return;
                };
                let n = c.corpus.entries.len();
                if n == 0 {
                    return;
                }
                let here = self.doc.path.as_deref().and_then(|p| c.corpus.position(p));
                let next = match (cmd == Command::NextDocument, here) {
                    (true, Some(i)) if i + 1 < n => i + 1,
                    (false, Some(i)) if i > 0 => i - 1,
                    (true, None) => 0,
                    (false, None) => n - 1,
                    _ => {
                        self.set_status(if cmd == Command::NextDocument {
                            "This is the last document of the folder"
                        } else {
                            "This is the first document of the folder"
                        });
                        return;
                    }
                };
                self.apply(ctx, Action::OpenEntry(next));
            }
            Command::MarkDone => {
                let state = if self.review.is_some() { DocState::Reviewed } else { DocState::Done };
                if self.doc.store.meta.state == state {
                    self.set_status(format!("Already marked {}", state.name()));
                    return;
                }
                match self.doc.apply(Edit::SetDocState(state), format!("Marked {}", state.name())) {
                    Ok(()) => {
                        if self.doc.path.is_some() {
                            self.save();
                        }
                        self.set_status(format!(
                            "Marked {}{}",
                            state.name(),
                            if self.corpus.is_some() { "; Ctrl+PgDn for the next document" } else { "" }
                        ));
                    }
                    Err(e) => self.set_status(format!("Not done: {e}")),
                }
            }
            Command::ToggleReview => {
                if self.review.take().is_none() {
                    self.review = Some(ReviewState::default());
                    self.draft = None;
                    if self.selected.is_none() {
                        self.review_move(1);
                    }
                    self.set_status("Review mode: A accept, X reject, F flag, N note, E edit, ↑/↓ move");
                } else {
                    self.set_status("Review mode off");
                }
            }
            Command::Compare => self.dialog = Some(Dialog::Compare { text: self.compare_suggestion() }),
            Command::Graph => self.apply(ctx, Action::StartGraph),
            Command::Preferences => self.dialog = Some(Dialog::Preferences),
            _ => {}
        }
    }

    /// The other annotators' files of the current article, for the compare dialog.
    fn compare_suggestion(&self) -> String {
        let Some(c) = &self.corpus else {
            return self.doc.path.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
        };
        let here = self.doc.path.as_deref().and_then(|p| c.corpus.position(p));
        here.and_then(|i| c.corpus.entries.get(i))
            .map(|e| e.annotator_files().map(|f| f.path.display().to_string()).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    }

    pub(super) fn apply_session(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::OpenFolder(dir) => {
                if !dir.is_dir() {
                    self.dialog = Some(Dialog::Error(format!("{} is not a folder", dir.display())));
                    return;
                }
                self.start_scan(dir, true);
            }
            Action::OpenEntry(i) => {
                let Some(c) = &self.corpus else { return };
                let Some(entry) = c.corpus.entries.get(i).cloned() else { return };
                let own = self.own_files();
                let mine = entry.path_for(&c.corpus.dir, own.as_deref());
                let target = if mine.exists() { Some(mine) } else { entry.article.clone() };
                let Some(target) = target.or_else(|| entry.files.first().map(|f| f.path.clone())) else { return };
                if self.leave_document() {
                    self.start_loading(target);
                    ctx.request_repaint();
                }
            }
            Action::OpenAt(path, span) if self.leave_document() => self.start_loading_with(path, span, false),
            Action::OpenForReview(path) if self.leave_document() => self.start_loading_with(path, None, true),
            Action::ReviewMark(status) => self.review_mark(status),
            Action::ReviewNoteStart(id, note) => self.review_note_start(id, note),
            Action::ReviewMove(d) => self.review_move(d),
            Action::ReviewNote(item, note) => {
                if let Some(r) = &mut self.review {
                    r.note = None;
                }
                let note = note.trim().to_owned();
                let note = (!note.is_empty()).then(|| Box::new(note));
                let store = &self.doc.store;
                let edit = match item {
                    ReviewItem::Span(id) => store.span(id).cloned().map(|mut s| {
                        s.note = note;
                        s.provenance.modified = Timestamp::now();
                        (Edit::ReplaceSpan(s), format!("Note on span {id}"))
                    }),
                    ReviewItem::Relation(id) => store.relation(id).cloned().map(|mut r| {
                        r.note = note;
                        r.provenance.modified = Timestamp::now();
                        (Edit::ReplaceRelation(r), format!("Note on relation {id}"))
                    }),
                };
                if let Some((edit, summary)) = edit {
                    self.edit(edit, summary);
                }
            }
            Action::StartCompare(files) => self.start_compare(files),
            Action::Decide(u, choice) => self.decide(u, choice),
            Action::CompareGo(u) => {
                if let Some(c) = &mut self.compare {
                    c.current = u;
                    if let Some(unit) = c.adj.units.get(u) {
                        self.view.scroll_to(unit.extent.start());
                    }
                }
            }
            Action::StartGraph => self.start_graph(),
            Action::EndCompare => {
                self.compare = None;
                self.set_status("The merged file is open for editing; Ctrl+S saves it");
            }
            Action::RescanFolder => {
                if let Some(dir) = self.corpus.as_ref().map(|c| c.corpus.dir.clone()) {
                    self.start_scan(dir, false);
                }
            }
            _ => {}
        }
    }

    pub(super) fn start_scan(&mut self, dir: PathBuf, open_first: bool) {
        let (tx, rx) = std::sync::mpsc::channel();
        let d = dir.clone();
        std::thread::spawn(move || {
            let r = crate::io::corpus::scan(&d, |i, n| {
                let _ = tx.send(ScanMsg::Progress(i, n));
            });
            let _ = tx.send(ScanMsg::Done(r));
        });
        let corpus = self.corpus.take().map(|c| c.corpus).filter(|c| c.dir == dir);
        self.corpus = Some(CorpusView {
            corpus: corpus.unwrap_or_else(|| Corpus { dir, entries: Vec::new() }),
            scan: Some(rx),
            progress: (0, 0),
        });
        self.open_first_after_scan = open_first;
    }

    /// Follows the folder scan and the graph worker.
    pub(super) fn poll_session(&mut self) {
        if let Some(c) = &mut self.corpus
            && let Some(rx) = &c.scan
        {
            loop {
                match rx.try_recv() {
                    Ok(ScanMsg::Progress(i, n)) => c.progress = (i, n),
                    Ok(ScanMsg::Done(Ok(corpus))) => {
                        c.corpus = corpus;
                        c.scan = None;
                        break;
                    }
                    Ok(ScanMsg::Done(Err(e))) => {
                        self.corpus = None;
                        self.dialog = Some(Dialog::Error(format!("{e:#}")));
                        return;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        c.scan = None;
                        break;
                    }
                }
            }
            if c.scan.is_none() && std::mem::take(&mut self.open_first_after_scan) {
                let n = c.corpus.entries.len();
                let own = self.own_files();
                let c = self.corpus.as_ref().map(|c| &c.corpus);
                // The first document not finished yet.
                let first = c.and_then(|c| {
                    c.entries
                        .iter()
                        .position(|e| !matches!(c.state(e, own.as_deref()), DocState::Done | DocState::Reviewed))
                });
                self.set_status(format!("Opened a folder of {n} documents"));
                if n > 0 {
                    self.pending.push(Action::OpenEntry(first.unwrap_or(0)));
                }
            }
        }
        if let Some(g) = &mut self.graph
            && let Some(rx) = &g.rx
        {
            loop {
                match rx.try_recv() {
                    Ok(GraphMsg::Progress(i, n)) => g.progress = (i, n),
                    Ok(GraphMsg::Done(files, groups, errors)) => {
                        g.files = files;
                        g.groups = groups;
                        g.errors = errors;
                        g.rx = None;
                        break;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        g.rx = None;
                        break;
                    }
                }
            }
        }
    }

    /// After a save: what the folder list shows for the file.
    pub(super) fn saved_in_corpus(&mut self, path: &Path) {
        let named = self.own_files();
        if let Some(c) = &mut self.corpus {
            c.corpus.update(AnnFile::of_store(path, &self.doc.store, named.as_deref()));
        }
    }

    /// The annotations review mode steps through, with the filters: spans
    /// in text order (or by label), each relation where its first span is.
    pub fn review_order(&self) -> Vec<ReviewItem> {
        let store = &self.doc.store;
        let Some(r) = &self.review else { return Vec::new() };
        let status_ok = |st: ReviewStatus| r.status.is_none_or(|want| st == want);
        // (label order, position, 0 for spans / 1 for relations, item)
        let mut keyed: Vec<(u32, usize, u8, ReviewItem)> = store
            .spans_in_text_order()
            .into_iter()
            .filter_map(|id| store.span(id))
            .filter(|s| status_ok(s.review.status) && r.label.is_none_or(|l| s.label == l))
            .map(|s| (if r.by_label { u32::from(s.label) } else { 0 }, s.start(), 0, ReviewItem::Span(s.id)))
            .collect();
        if r.relations && r.label.is_none() {
            for rel in store.relations().filter(|rel| status_ok(rel.review.status)) {
                let at = rel
                    .args
                    .iter()
                    .filter_map(|a| match a.target {
                        Target::Span(id) => store.span(id).map(Span::start),
                        Target::Entity(e) => store.mentions_of(e).first().and_then(|m| store.span(*m)).map(Span::start),
                    })
                    .chain(rel.evidence.iter().filter_map(|e| store.span(*e).map(Span::start)))
                    .min()
                    .unwrap_or(usize::MAX);
                let group = if r.by_label { u32::MAX } else { 0 };
                keyed.push((group, at, 1, ReviewItem::Relation(rel.id)));
            }
        }
        keyed.sort_by_key(|(g, at, kind, item)| {
            (
                *g,
                *at,
                *kind,
                match item {
                    ReviewItem::Span(id) => id.0,
                    ReviewItem::Relation(id) => id.0,
                },
            )
        });
        keyed.into_iter().map(|(.., item)| item).collect()
    }

    /// The annotation under review: the relation stepped to, else the selected span.
    pub fn review_current(&self) -> Option<ReviewItem> {
        let relation = self.review.as_ref().and_then(|r| r.relation).filter(|r| self.selected_relation == Some(*r));
        relation.map(ReviewItem::Relation).or(self.selected.map(ReviewItem::Span))
    }

    fn review_go(&mut self, item: ReviewItem) {
        self.selection.clear();
        match item {
            ReviewItem::Span(id) => {
                if let Some(r) = &mut self.review {
                    r.relation = None;
                }
                self.selected_relation = None;
                self.apply_reveal(id);
            }
            ReviewItem::Relation(id) => {
                if let Some(r) = &mut self.review {
                    r.relation = Some(id);
                }
                self.selected = None;
                self.details.reset();
                self.selected_relation = Some(id);
                let first = self.doc.store.relation(id).and_then(|rel| {
                    rel.args.iter().find_map(|a| match a.target {
                        Target::Span(s) => Some(s),
                        Target::Entity(e) => self.doc.store.mentions_of(e).first().copied(),
                    })
                });
                if let Some(span) = first.and_then(|s| self.doc.store.span(s)) {
                    self.view.scroll_to(span.start());
                }
            }
        }
    }

    fn review_move(&mut self, d: i32) {
        let order = self.review_order();
        if order.is_empty() {
            self.set_status("No annotation matches the review filters");
            return;
        }
        let pos = self.review_current().and_then(|c| order.iter().position(|x| *x == c));
        let next = match pos {
            Some(i) => (i as i64 + d as i64).clamp(0, order.len() as i64 - 1) as usize,
            None if d >= 0 => 0,
            None => order.len() - 1,
        };
        self.review_go(order[next]);
    }

    fn review_mark(&mut self, status: ReviewStatus) {
        let Some(item) = self.review_current() else {
            self.set_status("Nothing to review here: ↓ moves to the next annotation");
            return;
        };
        // Where to go next, decided before the filters may hide this one.
        let order = self.review_order();
        let after = order.iter().position(|x| *x == item).and_then(|i| order.get(i + 1)).copied();
        let review =
            Review { status, reviewer: Some(self.prefs.annotator.as_str().into()), reviewed: Some(Timestamp::now()) };
        let store = &self.doc.store;
        let (edit, summary) = match item {
            ReviewItem::Span(id) => {
                let Some(mut span) = store.span(id).cloned() else { return };
                span.review = review;
                let what = format!("{} {id} “{}”", store.label_name(span.label), short(&store.quote(&span)));
                (Edit::ReplaceSpan(span), format!("{} {what}", status_verb(status)))
            }
            ReviewItem::Relation(id) => {
                let Some(mut rel) = store.relation(id).cloned() else { return };
                rel.review = review;
                let kind = store.relation_type(rel.kind).map_or("relation", |t| t.name.as_str()).to_owned();
                (Edit::ReplaceRelation(rel), format!("{} {kind} {id}", status_verb(status)))
            }
        };
        match self.doc.apply(edit, summary.clone()) {
            Ok(()) => {
                self.set_status(summary.clone());
                match after {
                    Some(next) => self.review_go(next),
                    None => self.set_status(format!("{summary} — that was the last one")),
                }
            }
            Err(e) => self.set_status(format!("Not done: {e}")),
        }
    }

    fn start_compare(&mut self, files: Vec<PathBuf>) {
        if files.len() < 2 {
            self.dialog = Some(Dialog::Error("Give two or more annotation files of the same article.".into()));
            return;
        }
        if !self.leave_document() {
            return;
        }
        let mut stores = Vec::new();
        for f in &files {
            match crate::io::load_annotations(f) {
                Ok(s) => stores.push(s),
                Err(e) => {
                    self.dialog = Some(Dialog::Error(format!("{e:#}")));
                    return;
                }
            }
        }
        let mut names: Vec<String> = files.iter().zip(&stores).map(|(f, s)| annotator_of(f, s)).collect();
        // Two files of one annotator are told apart by their file names.
        for i in 0..names.len() {
            if names.iter().filter(|n| **n == names[i]).count() > 1 {
                names[i] = files[i].file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            }
        }
        let figures = crate::model::agreement::report(&stores);
        match Adjudication::new(stores, names, &self.prefs.annotator, Timestamp::now()) {
            Ok((adj, merged)) => {
                let Some(path) = crate::io::corpus::adjudicated_path(&files) else {
                    self.dialog = Some(Dialog::Error("No free name for the merged file beside the first file.".into()));
                    return;
                };
                // A new file: it was never read from disk, so a save asks
                // before replacing anything that appears under its name.
                let mut doc = Document::unsaved(merged, path.clone());
                doc.history.mark_unsaved();
                let mut decisions = HashMap::new();
                decisions.insert(doc.history.generation(), adj.initial_decisions());
                let dropped = adj.dropped.clone();
                self.doc = doc;
                self.review = None;
                self.selected = None;
                self.selection.clear();
                self.view = super::TextView::default();
                self.view.font_size = self.prefs.font_size;
                let state = CompareState { adj, files, decisions, current: 0, filter: None, figures };
                let first_row = state.rows().first().copied();
                let n = state.rows().len();
                self.compare = Some(state);
                if let Some(u) = first_row {
                    self.pending.push(Action::CompareGo(u));
                }
                self.set_status(format!(
                    "{n} differences to settle; the merged file will be saved as {} (Ctrl+S)",
                    path.display()
                ));
                if !dropped.is_empty() {
                    self.dialog = Some(Dialog::Report {
                        title: "Not everything can be merged".into(),
                        text: format!(
                            "The merged file uses the first file's schema. Left out:\n{}",
                            dropped.join("\n")
                        ),
                        open: None,
                    });
                }
            }
            Err(e) => self.dialog = Some(Dialog::Error(format!("Cannot compare: {e}"))),
        }
    }

    fn decide(&mut self, u: usize, choice: Choice) {
        let Some(c) = &self.compare else { return };
        let edit = c.adj.choose(&self.doc.store, u, choice, Timestamp::now());
        let mut decisions = c.decisions(&self.doc.history);
        let what = match choice {
            Choice::File(f) => format!("{}'s version", c.adj.names.get(f).map_or("?", String::as_str)),
            Choice::All => "both versions".to_owned(),
            Choice::Neither => "neither version".to_owned(),
        };
        let next = c.rows().into_iter().find(|&r| r > u && decisions.get(r).is_some_and(Option::is_none));
        let quote = c.adj.units.get(u).map_or(String::new(), |unit| short(self.doc.store.text().slice(unit.extent)));
        let summary = format!("“{quote}”: took {what}");
        match self.doc.apply(edit, summary.clone()) {
            Ok(()) => {
                if let Some(d) = decisions.get_mut(u) {
                    *d = Some(choice);
                }
                let generation = self.doc.history.generation();
                if let Some(c) = &mut self.compare {
                    c.decisions.insert(generation, decisions);
                }
                self.set_status(summary);
                if let Some(n) = next {
                    self.pending.push(Action::CompareGo(n));
                }
            }
            Err(e) => self.set_status(format!("Not done: {e}")),
        }
    }

    fn start_graph(&mut self) {
        let Some(c) = &self.corpus else {
            self.set_status("Open a folder first (Ctrl+Shift+F): the relationships are gathered from all its files");
            return;
        };
        let corpus = c.corpus.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (stores, errors) = crate::io::corpus::load_all(&corpus, |i, n| {
                let _ = tx.send(GraphMsg::Progress(i, n));
            });
            let docs: Vec<(String, &Store)> = stores.iter().map(|(p, s)| (p.display().to_string(), s)).collect();
            let groups = crate::model::graph::group(&docs);
            let files = stores.iter().map(|(p, _)| p.clone()).collect();
            let _ = tx.send(GraphMsg::Done(files, groups, errors));
        });
        let filter = self.graph.take().map(|g| g.filter).unwrap_or_default();
        self.graph = Some(GraphView {
            files: Vec::new(),
            groups: Vec::new(),
            errors: Vec::new(),
            filter,
            rx: Some(rx),
            progress: (0, 0),
        });
    }
}

fn note_of(store: &Store, item: ReviewItem) -> String {
    match item {
        ReviewItem::Span(id) => store.span(id).and_then(|s| s.note.as_deref().cloned()),
        ReviewItem::Relation(id) => store.relation(id).and_then(|r| r.note.as_deref().cloned()),
    }
    .unwrap_or_default()
}

fn status_verb(s: ReviewStatus) -> &'static str {
    match s {
        ReviewStatus::Accepted => "Accepted",
        ReviewStatus::Rejected => "Rejected",
        ReviewStatus::Flagged => "Flagged",
        ReviewStatus::Unreviewed => "Cleared the review of",
    }
}

/// Plain keys of review mode and of the compare view; true if they took
/// the keyboard this frame.
pub fn mode_keys(ctx: &egui::Context, app: &SorotApp, actions: &mut Vec<Action>) -> bool {
    use egui::{Key, Modifiers};
    if ctx.egui_wants_keyboard_input() {
        return false;
    }
    let key = |k: Key| ctx.input_mut(|i| i.consume_key(Modifiers::NONE, k));
    if let Some(c) = &app.compare {
        let rows = c.rows();
        let pos = rows.iter().position(|r| *r == c.current);
        if (key(Key::ArrowDown) || key(Key::J))
            && let Some(&n) = pos.map_or(rows.first(), |p| rows.get(p + 1))
        {
            actions.push(Action::CompareGo(n));
        }
        if (key(Key::ArrowUp) || key(Key::K))
            && let Some(&n) = pos.and_then(|p| p.checked_sub(1)).and_then(|p| rows.get(p))
        {
            actions.push(Action::CompareGo(n));
        }
        const NUMS: [Key; 9] =
            [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8, Key::Num9];
        for (f, k) in NUMS.iter().enumerate().take(c.adj.names.len()) {
            if key(*k) {
                actions.push(Action::Decide(c.current, Choice::File(f)));
            }
        }
        if key(Key::B) {
            actions.push(Action::Decide(c.current, Choice::All));
        }
        if key(Key::Num0) || key(Key::X) {
            actions.push(Action::Decide(c.current, Choice::Neither));
        }
        return true;
    }
    if let Some(r) = &app.review {
        if r.note.is_some() {
            return true;
        }
        if key(Key::A) {
            actions.push(Action::ReviewMark(ReviewStatus::Accepted));
        }
        if key(Key::X) {
            actions.push(Action::ReviewMark(ReviewStatus::Rejected));
        }
        if key(Key::F) {
            actions.push(Action::ReviewMark(ReviewStatus::Flagged));
        }
        if key(Key::U) {
            actions.push(Action::ReviewMark(ReviewStatus::Unreviewed));
        }
        if key(Key::ArrowDown) || key(Key::ArrowRight) || key(Key::J) {
            actions.push(Action::ReviewMove(1));
        }
        if key(Key::ArrowUp) || key(Key::ArrowLeft) || key(Key::K) {
            actions.push(Action::ReviewMove(-1));
        }
        if key(Key::N)
            && let Some(item) = app.review_current()
        {
            actions.push(Action::ReviewNoteStart(item, note_of(&app.doc.store, item)));
        }
        if key(Key::E) {
            actions.push(Action::Run(Command::ToggleReview));
        }
        return true;
    }
    false
}

/// The folder's documents, with states and progress (left panel).
pub fn corpus_panel(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let Some(c) = &app.corpus else { return };
    let own = app.own_files();
    egui::Panel::left("corpus").default_size(280.0).resizable(true).show(ui, |ui| {
        let dir = c
            .corpus
            .dir
            .file_name()
            .map_or_else(|| c.corpus.dir.display().to_string(), |n| n.to_string_lossy().into_owned());
        ui.heading(format!("Folder {dir}"));
        if c.scan.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Reading {} of {} files…", c.progress.0, c.progress.1));
            });
        }
        let n = c.corpus.entries.len();
        let finished = c.corpus.finished(own.as_deref());
        let frac = if n == 0 { 0.0 } else { finished as f32 / n as f32 };
        ui.add(egui::ProgressBar::new(frac).text(format!("{finished} of {n} done")));
        ui.label(format!(
            "Annotating as {}{}",
            app.prefs.annotator,
            if app.prefs.per_annotator_files { " (own files: article.<you>.sorot.ron)" } else { "" }
        ));
        ui.horizontal_wrapped(|ui| {
            if ui.button("◀ Previous").on_hover_text("Ctrl+PgUp").clicked() {
                actions.push(Action::Run(Command::PrevDocument));
            }
            if ui.button("Next ▶").on_hover_text("Ctrl+PgDn").clicked() {
                actions.push(Action::Run(Command::NextDocument));
            }
            if ui.button("Mark done").on_hover_text("Ctrl+Enter").clicked() {
                actions.push(Action::Run(Command::MarkDone));
            }
            if ui.button("Relationships…").on_hover_text("Ctrl+G").clicked() {
                actions.push(Action::StartGraph);
            }
            if ui.button("Read again").on_hover_text("Files added or changed outside Sorot").clicked() {
                actions.push(Action::RescanFolder);
            }
        });
        ui.separator();
        let here = app.doc.path.as_deref().and_then(|p| c.corpus.position(p));
        egui::ScrollArea::vertical().id_salt("corpus-list").show(ui, |ui| {
            for (i, e) in c.corpus.entries.iter().enumerate() {
                let state = c.corpus.state(e, own.as_deref());
                let counts: usize = e.files.iter().map(|f| f.spans).sum();
                let text = RichText::new(format!("{}  [{}]", e.stem, state.name()));
                let text = if Some(i) == here { text.strong() } else { text };
                let row = ui.selectable_label(Some(i) == here, text);
                let mut tip = String::new();
                for f in &e.files {
                    let name = f.name();
                    match &f.error {
                        Some(err) => tip.push_str(&format!("{name}: cannot be read: {err}\n")),
                        None => tip.push_str(&format!(
                            "{name}: {} by {}, {}\n",
                            f.state.name(),
                            f.annotator.as_deref().unwrap_or("?"),
                            f.counts()
                        )),
                    }
                }
                if tip.is_empty() {
                    tip = "not annotated yet".into();
                }
                if row.on_hover_text(tip).clicked() {
                    actions.push(Action::OpenEntry(i));
                }
                let who: Vec<String> = e
                    .files
                    .iter()
                    .map(|f| format!("{}: {}", f.annotator.as_deref().unwrap_or("?"), f.state.name()))
                    .collect();
                ui.horizontal_wrapped(|ui| {
                    ui.weak(format!(
                        "{counts} spans · {}",
                        if who.is_empty() { "no annotations".into() } else { who.join(" · ") }
                    ));
                    let annotators: Vec<PathBuf> = e.annotator_files().map(|f| f.path.clone()).collect();
                    if annotators.len() >= 2
                        && ui
                            .small_button(format!("Compare {}", annotators.len()))
                            .on_hover_text(
                                "Compare the annotators' files (adjudicated files are results, not annotators)",
                            )
                            .clicked()
                    {
                        actions.push(Action::StartCompare(annotators));
                    }
                });
            }
        });
    });
}

/// The review panel: the current annotation, the keys, filters, summary.
pub fn review_panel(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let current = app.review_current();
    let store = &app.doc.store;
    let Some(r) = &mut app.review else { return };
    ui.heading(if app.doc.read_only { "Review (annotations read-only)" } else { "Review" });
    let generation = app.doc.history.generation();
    if r.summary.as_ref().is_none_or(|(g, _)| *g != generation) {
        let line = |statuses: &mut dyn Iterator<Item = ReviewStatus>| {
            let mut counts = [0usize; 4];
            for st in statuses {
                counts[ReviewStatus::ALL.iter().position(|x| *x == st).unwrap_or(0)] += 1;
            }
            format!("{} accepted · {} rejected · {} flagged · {} to review", counts[1], counts[2], counts[3], counts[0])
        };
        let spans = format!("spans: {}", line(&mut store.spans().map(|s| s.review.status)));
        let relations = format!("relations: {}", line(&mut store.relations().map(|r| r.review.status)));
        r.summary = Some((generation, [spans, relations]));
    }
    if let Some((_, lines)) = &r.summary {
        for l in lines {
            ui.label(l);
        }
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Show:");
        egui::ComboBox::from_id_salt("review-status")
            .selected_text(r.status.map_or("every status", ReviewStatus::name))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut r.status, None, "every status");
                for s in ReviewStatus::ALL {
                    ui.selectable_value(&mut r.status, Some(s), s.name());
                }
            });
        egui::ComboBox::from_id_salt("review-label")
            .selected_text(r.label.map_or("every label".to_owned(), |l| store.label_name(l).to_owned()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut r.label, None, "every label");
                for (i, l) in store.schema().labels.iter().enumerate() {
                    ui.selectable_value(&mut r.label, Some(i as u16), &l.name);
                }
            });
        ui.checkbox(&mut r.by_label, "by label");
        ui.checkbox(&mut r.relations, "relations");
    });
    let (title, quote, review, author) = match current {
        Some(ReviewItem::Span(id)) => match store.span(id) {
            Some(s) => (
                format!("{} {id}", store.label_name(s.label)),
                format!("“{}”", short(&store.quote(s))),
                s.review.clone(),
                s.provenance.author.to_string(),
            ),
            None => Default::default(),
        },
        Some(ReviewItem::Relation(id)) => match store.relation(id) {
            Some(rel) => (
                format!("{} {id}", store.relation_type(rel.kind).map_or("relation", |t| t.name.as_str())),
                super::relations::relation_line(store, rel),
                rel.review.clone(),
                rel.provenance.author.to_string(),
            ),
            None => Default::default(),
        },
        None => Default::default(),
    };
    if current.is_some() {
        ui.label(RichText::new(title).strong());
        ui.label(quote);
        let by = match (&review.reviewer, review.reviewed) {
            (Some(who), Some(t)) => format!(" by {who} at {}", crate::io::export::rfc3339(t)),
            (Some(who), None) => format!(" by {who}"),
            _ => String::new(),
        };
        ui.label(format!("{}{by} · annotated by {author}", review.status.name()));
    } else {
        ui.weak("No annotation selected: ↓ moves to the first one.");
    }
    if let Some((item, text)) = &mut r.note {
        let field = ui.add(egui::TextEdit::multiline(text).desired_rows(2).hint_text("Note for the annotator"));
        let field = field.labelled_by(ui.label("Review note").id);
        if std::mem::take(&mut r.note_focus) {
            field.request_focus();
        }
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter) && !i.modifiers.shift);
        if (field.has_focus() || field.lost_focus()) && enter {
            actions.push(Action::ReviewNote(*item, text.trim_end_matches('\n').to_owned()));
        }
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            r.note = None;
        }
    }
    ui.horizontal_wrapped(|ui| {
        for (text, status) in [
            ("Accept (A)", ReviewStatus::Accepted),
            ("Reject (X)", ReviewStatus::Rejected),
            ("Flag (F)", ReviewStatus::Flagged),
        ] {
            if ui.add_enabled(current.is_some(), egui::Button::new(text)).clicked() {
                actions.push(Action::ReviewMark(status));
            }
        }
        if ui.add_enabled(current.is_some(), egui::Button::new("Note (N)")).clicked()
            && let Some(item) = current
        {
            actions.push(Action::ReviewNoteStart(item, note_of(store, item)));
        }
        if ui.button("Edit (E)").clicked() {
            actions.push(Action::Run(Command::ToggleReview));
        }
        if ui.button("◀ (↑)").clicked() {
            actions.push(Action::ReviewMove(-1));
        }
        if ui.button("▶ (↓)").clicked() {
            actions.push(Action::ReviewMove(1));
        }
    });
    ui.separator();
}

impl SorotApp {
    pub(super) fn review_note_start(&mut self, item: ReviewItem, note: String) {
        if let Some(r) = &mut self.review {
            r.note = Some((item, note));
            r.note_focus = true;
        }
    }
}

/// The agreement figures as tables, one per file against the reference.
fn agreement_table(ui: &mut egui::Ui, report: &crate::model::agreement::Report, names: &[String]) {
    let name = |i: usize| names.get(i).map_or("?", String::as_str);
    let cell = |ui: &mut egui::Ui, x: f64| {
        ui.label(RichText::new(format!("{x:.3}")).monospace().size(11.0));
    };
    for p in &report.pairs {
        ui.label(format!("{} (reference) vs {}", name(0), name(p.other)));
        egui::Grid::new(("agreement", p.other)).striped(true).show(ui, |ui| {
            for h in ["spans", "P", "R", "F1", "P~", "R~", "F1~"] {
                ui.strong(h);
            }
            ui.end_row();
            for (k, c) in &p.exact {
                let o = p.overlap.get(k).copied().unwrap_or_default();
                ui.label(k.as_deref().unwrap_or("all"));
                for x in [c.precision(), c.recall(), c.f1(), o.precision(), o.recall(), o.f1()] {
                    cell(ui, x);
                }
                ui.end_row();
            }
            ui.label("relations");
            for x in [p.relations.precision(), p.relations.recall(), p.relations.f1()] {
                cell(ui, x);
            }
            ui.end_row();
        });
        ui.label(format!("Cohen's kappa on {} tokens: {:.3}", report.tokens, p.kappa));
    }
    if let Some(f) = report.fleiss {
        ui.label(format!("Fleiss' kappa on {} tokens, {} annotators: {f:.3}", report.tokens, report.annotators));
    }
    ui.weak("~: overlapping spans of the same label count as matching");
}

/// The compare view's panel: figures, the list of differences, decisions.
pub fn compare_panel(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let Some(c) = &mut app.compare else { return };
    let decisions = c.decisions(&app.doc.history);
    ui.heading("Compare and adjudicate");
    if ui.button("Leave the compare view").on_hover_text("Keep editing the merged file as any other").clicked() {
        actions.push(Action::EndCompare);
    }
    for (f, name) in c.adj.names.iter().enumerate() {
        ui.label(format!(
            "{}: {name} — {}",
            f + 1,
            c.files.get(f).map(|p| p.display().to_string()).unwrap_or_default()
        ));
    }
    if let Some(report) = &c.figures {
        egui::CollapsingHeader::new("Agreement").default_open(false).show(ui, |ui| {
            egui::ScrollArea::horizontal().id_salt("figures").show(ui, |ui| agreement_table(ui, report, &c.adj.names));
        });
    }
    let mut per_kind: HashMap<Agreement, usize> = HashMap::new();
    for u in &c.adj.units {
        *per_kind.entry(u.kind).or_default() += 1;
    }
    ui.horizontal_wrapped(|ui| {
        if ui.selectable_label(c.filter.is_none(), "all differences").clicked() {
            c.filter = None;
        }
        for k in Agreement::ALL {
            let n = per_kind.get(&k).copied().unwrap_or(0);
            let text = RichText::new(format!("{} ({n})", k.name())).color(agreement_color(k));
            if ui.selectable_label(c.filter == Some(k), text).clicked() {
                c.filter = Some(k);
            }
        }
    });
    let rows = c.rows();
    let open = rows.iter().filter(|u| decisions.get(**u).is_some_and(Option::is_none)).count();
    ui.label(format!(
        "{open} of {} undecided. Keys: ↑/↓ move, 1–{} take that version, B both, X neither; Ctrl+Z undoes.",
        rows.len(),
        c.adj.names.len()
    ));
    ui.separator();
    let text = app.doc.store.text();
    egui::ScrollArea::vertical().id_salt("differences").show(ui, |ui| {
        for (row, u) in rows.into_iter().enumerate() {
            let unit = &c.adj.units[u];
            let decided = decisions.get(u).copied().flatten();
            let head = format!(
                "{}. {} · “{}”{}",
                row + 1,
                unit.kind.name(),
                short(text.slice(ByteRange { start: unit.extent.start, end: unit.extent.end })),
                match decided {
                    Some(Choice::File(f)) => format!(" → {}", c.adj.names.get(f).map_or("?", String::as_str)),
                    Some(Choice::All) => " → both".into(),
                    Some(Choice::Neither) => " → neither".into(),
                    None => String::new(),
                }
            );
            let current = u == c.current;
            let label = RichText::new(head).color(agreement_color(unit.kind));
            if ui.selectable_label(current, label).clicked() {
                actions.push(Action::CompareGo(u));
            }
            if current {
                ui.indent(u, |ui| {
                    for (f, name) in c.adj.names.iter().enumerate() {
                        let version = c.adj.version(u, f);
                        let shown = if version.is_empty() { "(nothing)".to_owned() } else { version.join("; ") };
                        if ui.button(format!("{}: {name}: {shown}", f + 1)).clicked() {
                            actions.push(Action::Decide(u, Choice::File(f)));
                        }
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Both (B)").clicked() {
                            actions.push(Action::Decide(u, Choice::All));
                        }
                        if ui.button("Neither (X)").clicked() {
                            actions.push(Action::Decide(u, Choice::Neither));
                        }
                    });
                });
            }
        }
    });
}

/// The text view's outlines in the compare view: each unit in its
/// agreement colour, the current one thicker.
pub fn compare_marks(app: &SorotApp) -> Vec<(ByteRange, Color32, bool)> {
    let Some(c) = &app.compare else { return Vec::new() };
    c.adj.units.iter().enumerate().map(|(u, unit)| (unit.extent, agreement_color(unit.kind), u == c.current)).collect()
}

/// The relationships across the folder, in a window.
pub fn graph_window(ctx: &egui::Context, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let Some(g) = &mut app.graph else { return };
    let mut open = true;
    egui::Window::new("Relationships across the folder").open(&mut open).default_size([560.0, 420.0]).show(ctx, |ui| {
        if g.rx.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Reading {} of {} files…", g.progress.0, g.progress.1));
            });
            return;
        }
        ui.horizontal(|ui| {
            ui.label("Filter");
            ui.text_edit_singleline(&mut g.filter);
            if ui.button("Refresh").clicked() {
                actions.push(Action::StartGraph);
            }
        });
        ui.label(format!("{} groups in {} files", g.groups.len(), g.files.len()));
        for e in &g.errors {
            ui.colored_label(Color32::RED, format!("skipped: {e}"));
        }
        let needle = g.filter.to_lowercase();
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (i, group) in g.groups.iter().enumerate() {
                let head = group.headline();
                if !needle.is_empty() && !head.to_lowercase().contains(&needle) {
                    continue;
                }
                egui::CollapsingHeader::new(head).id_salt(("group", i)).show(ui, |ui| {
                    for (role, name) in &group.args {
                        ui.weak(format!("{role}: {name}"));
                    }
                    for e in &group.evidence {
                        let file = g.files.get(e.doc);
                        let name = file
                            .and_then(|f| f.file_name())
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let sources =
                            if e.sources.is_empty() { String::new() } else { format!(" — {}", e.sources.join(", ")) };
                        if ui.link(format!("{name}: “{}”{sources}", short(&e.quote))).clicked()
                            && let Some(f) = file
                        {
                            actions.push(Action::OpenAt(f.clone(), Some(SpanId(e.span))));
                        }
                    }
                });
            }
        });
    });
    if !open {
        app.graph = None;
    }
}
