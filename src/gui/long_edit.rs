//! Edits too large for one frame (an accept of thousands of suggestions,
//! the undo or redo of such a step): applied a slice per frame, at most
//! [`ACCEPT_BUDGET`] of each, under a progress bar; nothing else edits the
//! document meanwhile, and each is one undo step.

use super::*;
use crate::model::history::Stepping;
use crate::suggest::{self, Suggestion};

/// The share of a frame an accept of many suggestions takes (see
/// `SorotApp::accept_budget`), and the suggestions it goes through between
/// looks at the clock.
pub const ACCEPT_BUDGET: std::time::Duration = std::time::Duration::from_millis(2);
const ACCEPT_SLICE: usize = 64;
/// The edits of a large step undone or redone between looks at the clock.
const HISTORY_SLICE: usize = 32;
/// How long a long edit runs before its progress bar is shown.
const SHOW_AFTER: std::time::Duration = std::time::Duration::from_millis(150);

/// An edit too large for one frame, applied a slice per frame under a
/// progress bar (nothing else edits meanwhile): an accept of many
/// suggestions, or the undo or redo of a large step.
pub enum LongEdit {
    Accept(BulkAccept),
    History(Stepping),
}

/// An accept of many suggestions under way: applied a slice per frame,
/// recorded as one undo step when done.
pub struct BulkAccept {
    run: suggest::Accepting,
    /// The edits applied so far, and their inverses slice by slice.
    redo: Vec<Edit>,
    undo: Vec<Edit>,
    /// Suggestions already taken off the list.
    forgotten: usize,
    /// The status line of an accept of one suggestion.
    one: Option<String>,
}

impl SorotApp {
    /// Accepts `found` as one undo step. A few are accepted in this frame;
    /// many (an accept-all of 80,000 took a 100 ms frame) a slice per
    /// frame, at most [`ACCEPT_BUDGET`] of each, under a progress bar.
    pub(in crate::gui) fn accept_suggestions(&mut self, found: Vec<Suggestion>) {
        if self.doc.read_only {
            self.set_status(format!("Not accepted: {}", crate::io::document::READ_ONLY));
            return;
        }
        // Another accept under way ends first (its step stays its own).
        self.finish_long_edit();
        let one = match found.as_slice() {
            [one] => Some(format!(
                "Accepted {} “{}” ({})",
                one.label,
                short(self.doc.store.text().slice(one.range)),
                one.origin().describe()
            )),
            _ => None,
        };
        let author = self.prefs.annotator.clone();
        let run = suggest::Accepting::new(&self.doc.store, found, &author, Timestamp::now());
        self.long_edit_started = std::time::Instant::now();
        self.long_edit =
            Some(LongEdit::Accept(BulkAccept { run, redo: Vec::new(), undo: Vec::new(), forgotten: 0, one }));
        self.continue_long_edit(Some(self.accept_budget));
    }

    /// Applies the next slices of the long edit under way, for up to
    /// `budget` (all of it with none); records it when done.
    pub(in crate::gui) fn continue_long_edit(&mut self, budget: Option<std::time::Duration>) {
        match self.long_edit.take() {
            Some(LongEdit::Accept(bulk)) => self.continue_bulk_accept(bulk, budget),
            Some(LongEdit::History(s)) => self.continue_stepping(s, budget),
            None => {}
        }
    }

    fn continue_bulk_accept(&mut self, mut bulk: BulkAccept, budget: Option<std::time::Duration>) {
        let started = std::time::Instant::now();
        let mut failed = None;
        // At least one slice a frame, then more while the budget lasts.
        while !bulk.run.is_done() {
            let edits = bulk.run.next_edits(&mut self.doc.store, ACCEPT_SLICE);
            if !edits.is_empty() {
                match self.doc.store.apply(Edit::Batch(edits.clone())) {
                    Ok(inverse) => {
                        bulk.redo.extend(edits);
                        bulk.undo.push(inverse);
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            if budget.is_some_and(|b| started.elapsed() >= b) {
                break;
            }
        }
        // What was gone through leaves the list, its count and outlines.
        let taken = bulk.run.taken();
        self.forget_suggestions(&taken[bulk.forgotten.min(taken.len())..]);
        bulk.forgotten = taken.len();
        if !bulk.run.is_done() && failed.is_none() {
            self.long_edit = Some(LongEdit::Accept(bulk));
            return;
        }
        // Suggestions accepted: the spans added (an accept may also make
        // the entities they link to, and a frame's relation).
        let n = bulk.redo.iter().filter(|e| matches!(e, Edit::AddSpan(_))).count();
        let summary = match bulk.one {
            Some(one) if n == 1 => one,
            _ => format!("Accepted {}", crate::model::plural(n, "suggestion")),
        };
        if !bulk.redo.is_empty() {
            bulk.undo.reverse();
            self.doc.history.record(Edit::Batch(bulk.redo), Edit::Batch(bulk.undo), summary.clone());
        }
        self.set_status(match failed {
            Some(e) if n == 0 => format!("Not accepted: {e}"),
            Some(e) => format!("{summary}; the rest not accepted: {e}"),
            None if n == 0 => "Nothing accepted: already annotated or rejected".to_owned(),
            None => summary,
        });
    }

    /// Starts undoing (or redoing) the last step, a slice per frame when
    /// it is large; false when it is not (the caller does it at once).
    pub(in crate::gui) fn start_stepping(&mut self, undo: bool) -> bool {
        self.finish_long_edit();
        let started = if undo { self.doc.history.start_undo() } else { self.doc.history.start_redo() };
        let Some(s) = started else { return false };
        self.long_edit_started = std::time::Instant::now();
        self.continue_stepping(s, Some(self.accept_budget));
        true
    }

    fn continue_stepping(&mut self, mut s: Stepping, budget: Option<std::time::Duration>) {
        let started = std::time::Instant::now();
        let (word, failed) = if s.undoing() { ("Undone", "Cannot undo") } else { ("Redone", "Cannot redo") };
        loop {
            match s.step(&mut self.doc.store, HISTORY_SLICE) {
                Ok(true) => {
                    let summary = self.doc.history.finish(&mut self.doc.store, s);
                    self.set_status(format!("{word}: {summary}"));
                    return;
                }
                Ok(false) if budget.is_some_and(|b| started.elapsed() >= b) => break,
                Ok(false) => {}
                Err(e) => {
                    self.doc.history.finish(&mut self.doc.store, s);
                    self.set_status(format!("{failed}: {e}"));
                    return;
                }
            }
        }
        self.long_edit = Some(LongEdit::History(s));
    }

    /// Completes the long edit under way in this frame (before the window
    /// closes, or anything else changes the document).
    pub(in crate::gui) fn finish_long_edit(&mut self) {
        self.continue_long_edit(None);
    }

    /// Whether an accept (or a large undo or redo) is being applied across
    /// frames.
    pub fn is_applying(&self) -> bool {
        self.long_edit.is_some()
    }

    /// The progress bar of a long edit under way, as a modal (nothing else
    /// is edited meanwhile).
    pub(in crate::gui) fn show_long_edit(&self, ctx: &egui::Context) {
        let (title, (done, total)) = match &self.long_edit {
            Some(LongEdit::Accept(bulk)) => ("Accepting suggestions".to_owned(), bulk.run.progress()),
            Some(LongEdit::History(s)) => {
                let what = if s.undoing() { "Undoing" } else { "Redoing" };
                (format!("{what}: {}", short(s.summary())), s.progress())
            }
            None => return,
        };
        // Shown once it lasts: one that ends within a few frames only
        // flashed a half-drawn bar over the text.
        if self.long_edit_started.elapsed() < SHOW_AFTER {
            ctx.request_repaint();
            return;
        }
        egui::Modal::new(egui::Id::unique("sorot-accepting")).show(ctx, |ui| {
            ui.set_min_width(360.0);
            ui.heading(title);
            ui.add(egui::ProgressBar::new(done as f32 / total.max(1) as f32).text(format!("{done} of {total}")));
        });
        ctx.request_repaint();
    }
}
