//! Working through a folder (a labeling session), review mode, comparing
//! and adjudicating annotators' files, and the relationships across the
//! folder.
//!
//! Nothing here is kept outside the annotation files: a document's state
//! and annotator are in its file, review decisions on each annotation, and
//! the merged file of an adjudication is an annotation file like any other.

mod compare;
mod consistency;
mod corpus;
mod graph;
mod review;
mod search;
mod suggest;

pub use compare::*;
pub use consistency::*;
pub use corpus::*;
pub use graph::*;
pub use review::*;
pub use search::*;
pub use suggest::*;

use super::{Action, Command, Dialog, Document, Job, Poll, SorotApp, short};
use crate::gui::{CompareAction, FolderAction, ReviewAction};
use crate::io::corpus::{AnnFile, Corpus};
use crate::model::compare::{Adjudication, Agreement, Choice};
use crate::model::graph::Group;
use crate::model::{ByteRange, DocState, Edit, History, RelationId, Review, ReviewStatus, SpanId, Store, Timestamp};

impl SorotApp {
    /// Follows the folder scan and the graph worker.
    pub(super) fn poll_session(&mut self) {
        self.poll_scan();
        self.poll_graph();
        self.poll_compare();
        self.poll_search();
        self.poll_check();
        self.poll_suggestions();
    }

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
        if self.doc.history.is_dirty() {
            return false;
        }
        // Said with the next "Opened …" (moving on never saves silently).
        self.saved_on_leave =
            self.doc.path.as_deref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
        true
    }

    /// Saves the current document and opens the next (or previous) one of
    /// the folder.
    pub(super) fn step_document(&mut self, ctx: &egui::Context, forward: bool) {
        let Some(c) = &self.corpus else {
            self.set_status("Open a folder first (Ctrl+Shift+F) to move between its documents");
            return;
        };
        let n = c.corpus.entries.len();
        if n == 0 {
            return;
        }
        let here = self.doc.path.as_deref().and_then(|p| c.corpus.position(p));
        let next = match (forward, here) {
            (true, Some(i)) if i + 1 < n => i + 1,
            (false, Some(i)) if i > 0 => i - 1,
            (true, None) => 0,
            (false, None) => n - 1,
            _ => {
                self.set_status(if forward {
                    "This is the last document of the folder"
                } else {
                    "This is the first document of the folder"
                });
                return;
            }
        };
        self.apply(ctx, Action::Folder(FolderAction::OpenEntry(next)));
    }

    /// Marks the document done (in review mode: reviewed) and saves it.
    pub(super) fn mark_done(&mut self) {
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

    pub(super) fn toggle_review(&mut self) {
        if self.review.take().is_none() {
            self.review = Some(ReviewState::default());
            self.draft = None;
            // Start where the work is: the first annotation not yet
            // reviewed (in review order), else the first one.
            let store = &self.doc.store;
            let order = self.review_order();
            let unreviewed = |item: &ReviewItem| match *item {
                ReviewItem::Span(id) => store.span(id).is_some_and(|s| s.review.status == ReviewStatus::Unreviewed),
                ReviewItem::Relation(id) => {
                    store.relation(id).is_some_and(|r| r.review.status == ReviewStatus::Unreviewed)
                }
            };
            match order.iter().find(|i| unreviewed(i)).or(order.first()).copied() {
                Some(first) => self.review_go(first),
                None => self.set_status("No annotation to review"),
            }
            self.set_status("Review mode: A accept, X reject, F flag, N note, E edit, ↑/↓ move");
        } else {
            self.set_status("Review mode off");
        }
    }

    pub(super) fn apply_folder(&mut self, ctx: &egui::Context, action: FolderAction) {
        match action {
            FolderAction::Open(dir) => {
                if !crate::io::corpus::is_folder(&dir) {
                    self.dialog = Some(Dialog::Error(format!("{} is not a folder", dir.display())));
                    return;
                }
                self.start_scan(dir, true);
            }
            FolderAction::OpenEntry(i) => {
                let Some(c) = &self.corpus else { return };
                let Some(entry) = c.corpus.entries.get(i).cloned() else { return };
                let own = self.own_files();
                let Some(target) = entry.file_to_open(&c.corpus.dir, own.as_deref()) else { return };
                if self.leave_document() {
                    self.start_loading(target);
                    ctx.request_repaint();
                }
            }
            FolderAction::OpenUnfinished { from, skipped } => {
                self.open_unfinished(from, skipped);
                ctx.request_repaint();
            }
            FolderAction::OpenAt(path, span) => {
                if self.leave_document() {
                    let read_only = self.colleagues_file(&path);
                    self.start_loading_with(path, span, read_only);
                }
            }
            FolderAction::OpenForReview(path) => {
                if self.leave_document() {
                    self.start_loading_with(path, None, true);
                }
            }
            FolderAction::Relationships => self.start_graph(),
            FolderAction::Rescan => {
                if let Some(dir) = self.corpus.as_ref().map(|c| c.corpus.dir.clone()) {
                    self.start_scan(dir, false);
                }
            }
        }
    }

    pub(super) fn apply_review(&mut self, action: ReviewAction) {
        match action {
            ReviewAction::Mark(status) => self.review_mark(status),
            ReviewAction::NoteStart(id, note) => self.review_note_start(id, note),
            ReviewAction::Move(d) => self.review_move(d),
            ReviewAction::Filtered => self.review_filtered(),
            ReviewAction::Note(item, note) => {
                if let Some(r) = &mut self.review {
                    r.note = None;
                }
                // The note is the review's: the annotator's own note is
                // never touched, and the note is the reviewer's.
                let note = note.trim().to_owned();
                let note = (!note.is_empty()).then(|| Box::new(note));
                let me: crate::model::Name = self.prefs.annotator.as_str().into();
                let with_note = |review: &mut Review| {
                    review.note = note.clone();
                    review.reviewer = review.reviewer.or(Some(me));
                };
                let store = &self.doc.store;
                let edit = match item {
                    ReviewItem::Span(id) => store.span(id).cloned().map(|mut s| {
                        with_note(&mut s.review);
                        (Edit::ReplaceSpan(s), format!("Review note on span {id}"))
                    }),
                    ReviewItem::Relation(id) => store.relation(id).cloned().map(|mut r| {
                        with_note(&mut r.review);
                        (Edit::ReplaceRelation(r), format!("Review note on relation {id}"))
                    }),
                };
                if let Some((edit, summary)) = edit {
                    self.edit(edit, summary);
                }
            }
        }
    }

    pub(super) fn apply_compare(&mut self, action: CompareAction) {
        match action {
            CompareAction::Start(files) => self.start_compare(files),
            CompareAction::Decide(u, choice) => self.decide(u, choice),
            CompareAction::Relation(id, keep) => self.decide_relation(id, keep),
            CompareAction::Go(u) => {
                if let Some(c) = &mut self.compare {
                    c.current = u;
                    if let Some(unit) = c.adj.units.get(u) {
                        self.view.scroll_to(unit.extent.start());
                    }
                }
            }
            CompareAction::AddFile(path) => {
                if let Some(Dialog::Compare { files, .. }) = &mut self.dialog {
                    match files.iter_mut().find(|(p, _)| *p == path) {
                        Some((_, ticked)) => *ticked = true,
                        None => files.push((path, true)),
                    }
                }
            }
            CompareAction::End => {
                self.record_decisions();
                self.compare = None;
                self.set_status("The merged file is open for editing; Ctrl+S saves it");
            }
        }
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
            actions.push(Action::Compare(CompareAction::Go(n)));
        }
        if (key(Key::ArrowUp) || key(Key::K))
            && let Some(&n) = pos.and_then(|p| p.checked_sub(1)).and_then(|p| rows.get(p))
        {
            actions.push(Action::Compare(CompareAction::Go(n)));
        }
        const NUMS: [Key; 9] =
            [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5, Key::Num6, Key::Num7, Key::Num8, Key::Num9];
        for (f, k) in NUMS.iter().enumerate().take(c.adj.names.len()) {
            if key(*k) {
                actions.push(Action::Compare(CompareAction::Decide(c.current, Choice::File(f))));
            }
        }
        if key(Key::B) {
            actions.push(Action::Compare(CompareAction::Decide(c.current, Choice::All)));
        }
        if key(Key::Num0) || key(Key::X) {
            actions.push(Action::Compare(CompareAction::Decide(c.current, Choice::Neither)));
        }
        return true;
    }
    if let Some(r) = &app.review {
        if r.note.is_some() {
            return true;
        }
        if key(Key::A) {
            actions.push(Action::Review(ReviewAction::Mark(ReviewStatus::Accepted)));
        }
        if key(Key::X) {
            actions.push(Action::Review(ReviewAction::Mark(ReviewStatus::Rejected)));
        }
        if key(Key::F) {
            actions.push(Action::Review(ReviewAction::Mark(ReviewStatus::Flagged)));
        }
        if key(Key::Delete) {
            // Says why nothing is deleted (a read-only review refuses it).
            actions.push(Action::Run(Command::Delete));
        }
        if key(Key::U) {
            actions.push(Action::Review(ReviewAction::Mark(ReviewStatus::Unreviewed)));
        }
        if key(Key::ArrowDown) || key(Key::ArrowRight) || key(Key::J) {
            actions.push(Action::Review(ReviewAction::Move(1)));
        }
        if key(Key::ArrowUp) || key(Key::ArrowLeft) || key(Key::K) {
            actions.push(Action::Review(ReviewAction::Move(-1)));
        }
        if key(Key::N)
            && let Some(item) = app.review_note_target()
        {
            actions.push(Action::Review(ReviewAction::NoteStart(item, note_of(&app.doc.store, item))));
        }
        if key(Key::E) {
            actions.push(Action::Run(Command::ToggleReview));
        }
        return true;
    }
    false
}
