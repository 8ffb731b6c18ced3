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
        let Some(entry) = self.done.pop() else { return Ok(None) };
        let gen_ = self.generations.pop().unwrap_or_default();
        match store.apply(entry.undo.clone()) {
            Ok(redo) => {
                let summary = entry.summary.clone();
                self.undone.push(Entry { redo, ..entry });
                self.undone_generations.push(gen_);
                self.generation = self.generations.last().copied().unwrap_or(0);
                Ok(Some(summary))
            }
            Err(e) => {
                self.done.push(entry);
                self.generations.push(gen_);
                Err(e)
            }
        }
    }

    /// Redoes the last undone edit; returns its summary.
    pub fn redo(&mut self, store: &mut Store) -> Result<Option<String>, EditError> {
        let Some(entry) = self.undone.pop() else { return Ok(None) };
        let gen_ = self.undone_generations.pop().unwrap_or_default();
        match store.apply(entry.redo.clone()) {
            Ok(undo) => {
                let summary = entry.summary.clone();
                self.done.push(Entry { undo, ..entry });
                self.generations.push(gen_);
                self.generation = gen_;
                Ok(Some(summary))
            }
            Err(e) => {
                self.undone.push(entry);
                self.undone_generations.push(gen_);
                Err(e)
            }
        }
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
}
