//! Undo/redo: a linear history of applied edits with their inverses.
//!
//! Each entry keeps the edit as applied (for redo), its inverse (for undo)
//! and a one-line summary for the status bar. Undoing applies the inverse
//! and stores the fresh inverse of *that* as the redo edit, so redo
//! reproduces exactly what was undone.

use super::store::{Edit, EditError, Store};

#[derive(Clone, Debug)]
struct Entry {
    redo: Edit,
    undo: Edit,
    summary: String,
}

#[derive(Clone, Debug, Default)]
pub struct History {
    done: Vec<Entry>,
    undone: Vec<Entry>,
    /// Bumped on every change; compared with the saved generation to know
    /// whether there are unsaved changes.
    generation: u64,
    saved_generation: u64,
    /// Generation after each `done` entry, to restore on undo/redo.
    generations: Vec<u64>,
    undone_generations: Vec<u64>,
    next_generation: u64,
}

impl History {
    /// Applies `edit` to `store` and records it. Clears the redo stack.
    pub fn apply(&mut self, store: &mut Store, edit: Edit, summary: impl Into<String>) -> Result<(), EditError> {
        let undo = store.apply(edit.clone())?;
        self.record(edit, undo, summary);
        Ok(())
    }

    /// Records an edit already applied to the store, with its inverse (an
    /// accept of many suggestions is applied a slice per frame, then
    /// recorded as one step). Clears the redo stack.
    pub fn record(&mut self, redo: Edit, undo: Edit, summary: impl Into<String>) {
        self.done.push(Entry { redo, undo, summary: summary.into() });
        self.undone.clear();
        self.undone_generations.clear();
        self.next_generation += 1;
        self.generation = self.next_generation;
        self.generations.push(self.generation);
    }

    /// Records an edit that was applied and saved before the document was
    /// opened (label-all across a folder writes files that are not open):
    /// the document opens clean, and Ctrl+Z undoes that edit as one step.
    pub fn seed(&mut self, redo: Edit, undo: Edit, summary: impl Into<String>) {
        self.done.push(Entry { redo, undo, summary: summary.into() });
        self.next_generation += 1;
        self.generation = self.next_generation;
        self.generations.push(self.generation);
        self.saved_generation = self.generation;
    }

    /// Undoes the last edit; returns its summary, or `None` if nothing to undo.
    pub fn undo(&mut self, store: &mut Store) -> Result<Option<String>, EditError> {
        match self.take(true) {
            Some(s) => self.run(store, s).map(Some),
            None => Ok(None),
        }
    }

    /// Redoes the last undone edit; returns its summary.
    pub fn redo(&mut self, store: &mut Store) -> Result<Option<String>, EditError> {
        match self.take(false) {
            Some(s) => self.run(store, s).map(Some),
            None => Ok(None),
        }
    }

    /// Starts undoing the last step a slice at a time when it is large
    /// (more than [`SLICED`] edits: an accept of thousands of suggestions
    /// took a 50 ms frame to undo); `None` when it is not (or there is
    /// none): [`History::undo`] does it at once. Until the stepping is
    /// finished, the step is on neither stack.
    pub fn start_undo(&mut self) -> Option<Stepping> {
        if !self.done.last().is_some_and(|e| large(&e.undo)) {
            return None;
        }
        self.take(true)
    }

    /// [`History::start_undo`] for the last undone step.
    pub fn start_redo(&mut self) -> Option<Stepping> {
        if !self.undone.last().is_some_and(|e| large(&e.redo)) {
            return None;
        }
        self.take(false)
    }

    /// The last step off the undo stack (or the redo stack), to apply.
    fn take(&mut self, undoing: bool) -> Option<Stepping> {
        let (entry, generation) = if undoing {
            (self.done.pop()?, self.generations.pop().unwrap_or_default())
        } else {
            (self.undone.pop()?, self.undone_generations.pop().unwrap_or_default())
        };
        Some(Stepping::new(entry, generation, undoing))
    }

    /// Applies all of a stepping at once and puts it in place.
    fn run(&mut self, store: &mut Store, mut s: Stepping) -> Result<String, EditError> {
        let applied = s.step(store, usize::MAX);
        let summary = self.finish(store, s);
        applied.map(|_| summary)
    }

    /// Puts a stepping's step on the other stack once all of it is applied
    /// (see [`Stepping::step`]); returns its summary. One not all applied
    /// is rolled back first, and its step goes back where it was.
    pub fn finish(&mut self, store: &mut Store, mut s: Stepping) -> String {
        let summary = s.entry.summary.clone();
        if s.todo.len() > 0 || s.failed {
            if !s.failed {
                let rest: Vec<Edit> = s.todo.by_ref().collect();
                s.roll_back(store, rest);
            }
            if s.undoing {
                self.done.push(s.entry);
                self.generations.push(s.generation);
            } else {
                self.undone.push(s.entry);
                self.undone_generations.push(s.generation);
            }
            return summary;
        }
        s.inverses.reverse();
        let done = Edit::Batch(s.inverses);
        if s.undoing {
            self.undone.push(Entry { redo: done, ..s.entry });
            self.undone_generations.push(s.generation);
            self.generation = self.generations.last().copied().unwrap_or(0);
        } else {
            self.done.push(Entry { undo: done, ..s.entry });
            self.generations.push(s.generation);
            self.generation = s.generation;
        }
        summary
    }

    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }
    pub fn undo_summary(&self) -> Option<&str> {
        self.done.last().map(|e| e.summary.as_str())
    }
    pub fn redo_summary(&self) -> Option<&str> {
        self.undone.last().map(|e| e.summary.as_str())
    }

    /// A number that identifies the current state of the store.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The generations of the states that led to the current one, the
    /// current first, back to the start (0): what state-keyed records
    /// (adjudication decisions) fall back through when an edit of another
    /// kind (marking done, a relabel) made a state of its own.
    pub fn lineage(&self) -> impl Iterator<Item = u64> + '_ {
        self.generations.iter().rev().copied().chain(std::iter::once(0))
    }
    /// Whether the store differs from what was last saved.
    pub fn is_dirty(&self) -> bool {
        self.generation != self.saved_generation
    }
    /// Marks the current state as not saved (after restoring a recovery file).
    pub fn mark_unsaved(&mut self) {
        self.saved_generation = u64::MAX;
    }
    /// Records that the state with this generation was saved.
    pub fn mark_saved(&mut self, generation: u64) {
        self.saved_generation = generation;
    }
}

/// Steps of more edits than this are undone and redone a slice at a time.
pub const SLICED: usize = 2_000;

/// Whether `edit` holds more than [`SLICED`] edits.
fn large(edit: &Edit) -> bool {
    fn count(edit: &Edit, n: &mut usize) {
        if let Edit::Batch(v) = edit {
            for e in v {
                count(e, n);
                if *n > SLICED {
                    return;
                }
            }
        } else {
            *n += 1;
        }
    }
    let mut n = 0;
    count(edit, &mut n);
    n > SLICED
}

/// An undo or redo of a large step under way: its edits applied a few at
/// a time ([`Stepping::step`]), then put in place by [`History::finish`].
#[derive(Debug)]
pub struct Stepping {
    entry: Entry,
    generation: u64,
    undoing: bool,
    todo: std::vec::IntoIter<Edit>,
    total: usize,
    inverses: Vec<Edit>,
    /// Rolled back (after an error, or finished early): the step goes back
    /// where it was, whole.
    failed: bool,
}

impl Stepping {
    fn new(mut entry: Entry, generation: u64, undoing: bool) -> Self {
        // Taken out, not copied (a copy of 80,000 edits is a frame's work);
        // put back by `finish`.
        let side = if undoing { &mut entry.undo } else { &mut entry.redo };
        // Nested batches (an accept's slices) flattened: applied in turn,
        // they are the same edits in the same order.
        fn flatten(edit: Edit, out: &mut Vec<Edit>) {
            match edit {
                Edit::Batch(v) => v.into_iter().for_each(|e| flatten(e, out)),
                one => out.push(one),
            }
        }
        let mut items = Vec::new();
        flatten(std::mem::replace(side, Edit::Batch(Vec::new())), &mut items);
        let total = items.len();
        Stepping {
            entry,
            generation,
            undoing,
            todo: items.into_iter(),
            total,
            inverses: Vec::with_capacity(total),
            failed: false,
        }
    }

    /// Applies the next `n` edits of the step; whether all are applied. On
    /// an error what this stepping applied is rolled back (nothing of the
    /// step stays applied) and [`History::finish`] puts the step back.
    pub fn step(&mut self, store: &mut Store, n: usize) -> Result<bool, EditError> {
        for _ in 0..n {
            let Some(edit) = self.todo.next() else { break };
            match store.apply(edit.clone()) {
                Ok(inverse) => self.inverses.push(inverse),
                Err(e) => {
                    let rest: Vec<Edit> = std::iter::once(edit).chain(self.todo.by_ref()).collect();
                    self.roll_back(store, rest);
                    return Err(e);
                }
            }
        }
        Ok(self.todo.len() == 0 && !self.failed)
    }

    /// Takes back what was applied and puts the step's edit back together
    /// (what was applied, as the inverses give it back, then `rest`).
    fn roll_back(&mut self, store: &mut Store, rest: Vec<Edit>) {
        let mut applied = Vec::with_capacity(self.inverses.len() + rest.len());
        for inverse in self.inverses.drain(..).rev() {
            // Inverses of edits that just succeeded cannot fail.
            if let Ok(again) = store.apply(inverse) {
                applied.push(again);
            }
        }
        applied.reverse();
        applied.extend(rest);
        let side = if self.undoing { &mut self.entry.undo } else { &mut self.entry.redo };
        *side = Edit::Batch(applied);
        self.failed = true;
    }

    /// Whether this undoes (or redoes) its step, and the step's summary.
    pub fn undoing(&self) -> bool {
        self.undoing
    }
    pub fn summary(&self) -> &str {
        &self.entry.summary
    }

    /// Edits applied so far, of all.
    pub fn progress(&self) -> (usize, usize) {
        (self.total - self.todo.len(), self.total)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{DocState, Edit};

    #[test]
    fn the_lineage_is_the_states_that_led_here() {
        let mut store = crate::fixture::store(500, 2, 0, 1);
        let mut h = super::History::default();
        h.apply(&mut store, Edit::SetDocState(DocState::InProgress), "a").unwrap();
        let a = h.generation();
        h.apply(&mut store, Edit::SetDocState(DocState::Done), "b").unwrap();
        let b = h.generation();
        assert_eq!(h.lineage().collect::<Vec<_>>(), [b, a, 0]);
        h.undo(&mut store).unwrap();
        assert_eq!(h.lineage().collect::<Vec<_>>(), [a, 0]);
        // A new state after an undo: the undone one is not in its lineage.
        h.apply(&mut store, Edit::SetDocState(DocState::Reviewed), "c").unwrap();
        let c = h.generation();
        assert!(c != b);
        assert_eq!(h.lineage().collect::<Vec<_>>(), [c, a, 0]);
    }

    /// Spans added by one edit, enough to be undone in slices.
    fn large_step() -> (crate::model::Store, super::History, crate::model::Store) {
        use crate::model::*;
        let mut store = crate::fixture::store(60_000, 10, 0, 3);
        let before = store.clone();
        let mut h = super::History::default();
        h.apply(&mut store, Edit::SetDocState(DocState::InProgress), "small").unwrap();
        let claim = store.schema().label_index("Claim").unwrap_or(0) as u16;
        let text = store.text().as_str().to_owned();
        let starts: Vec<usize> = text.match_indices(' ').map(|(i, _)| i + 1).take(super::SLICED + 500).collect();
        let edits = starts
            .windows(2)
            .map(|w| {
                let range = ByteRange::new(w[0], w[1] - 1);
                let id = SpanId(store.alloc_id());
                Edit::AddSpan(Span::new(id, claim, [range].into_iter().collect(), Provenance::new("t", Timestamp(1))))
            })
            .collect::<Vec<_>>();
        assert!(edits.len() > super::SLICED);
        h.apply(&mut store, Edit::Batch(edits), "large").unwrap();
        let _ = before;
        let mut small = crate::fixture::store(60_000, 10, 0, 3);
        small.apply(Edit::SetDocState(DocState::InProgress)).unwrap();
        (store, h, small)
    }

    /// A large step undone and redone in slices ends in the same store and
    /// history states as done at once; a small one is not sliced.
    #[test]
    fn a_large_step_undone_and_redone_in_slices_is_the_step_done_at_once() {
        let (mut store, mut h, small) = large_step();
        let after = store.clone();
        let (mut at_once, mut h_at_once) = (store.clone(), h.clone());
        h_at_once.undo(&mut at_once).unwrap();
        let mut s = h.start_undo().expect("sliced");
        assert_eq!(h.undo_summary(), Some("small"), "the step is out of the history meanwhile");
        let mut calls = 0;
        while !s.step(&mut store, 97).unwrap() {
            calls += 1;
        }
        assert!(calls > 10);
        assert_eq!(s.progress().0, s.progress().1);
        assert_eq!(h.finish(&mut store, s), "large");
        assert!(store == at_once, "sliced and at once");
        let undone = store.clone();
        assert_eq!(store.spans().count(), small.spans().count());
        assert!(store.spans().eq(small.spans()) && store.meta.state == small.meta.state, "the store before the step");
        assert_eq!((h.generation(), h.redo_summary()), (h_at_once.generation(), Some("large")));
        let mut r = h.start_redo().expect("sliced");
        while !r.step(&mut store, 500).unwrap() {}
        h.finish(&mut store, r);
        h_at_once.redo(&mut at_once).unwrap();
        assert!(store == after && at_once == after);
        assert_eq!(h.generation(), h_at_once.generation());
        // Undone at once after being redone in slices: the same store.
        h.undo(&mut store).unwrap();
        assert!(store == undone);
        assert!(h.start_undo().is_none(), "the small step is undone at once");
    }

    /// An undo in slices that meets an error (the document changed under
    /// it) takes back what it applied and leaves the step where it was.
    #[test]
    fn a_sliced_undo_that_fails_changes_nothing() {
        use crate::model::*;
        let (mut store, mut h, _) = large_step();
        // The step's first span: undone last, after all the others.
        let first = store.spans().nth(10).map(|s| s.id).unwrap();
        let gone = store.apply(Edit::RemoveSpan(first)).unwrap();
        let changed = store.clone();
        let generation = h.generation();
        let mut s = h.start_undo().expect("sliced");
        loop {
            match s.step(&mut store, 100) {
                Ok(true) => panic!("undone over a missing span"),
                Ok(false) => assert!(store.spans().count() < changed.spans().count()),
                Err(_) => break,
            }
        }
        assert_eq!(h.finish(&mut store, s), "large");
        assert!(store == changed, "nothing of the undo stays");
        assert_eq!((h.generation(), h.undo_summary()), (generation, Some("large")));
        // Put back whole: with the span back, it undoes in full.
        store.apply(gone).unwrap();
        let mut s = h.start_undo().expect("sliced");
        while !s.step(&mut store, 1000).unwrap() {}
        h.finish(&mut store, s);
        assert_eq!(store.spans().count(), 10);
    }
}
