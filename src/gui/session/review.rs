//! Review mode: the order and filters, decisions, notes, the panel.

use egui::RichText;

use super::*;
use crate::gui::ReviewAction;

pub use crate::model::review::{ReviewFilter, ReviewItem};

/// Review mode: filters, where it is, and the note being written.
#[derive(Default)]
pub struct ReviewState {
    /// Which annotations review steps through, in which order.
    pub filter: ReviewFilter,
    /// The relation being reviewed, when it is one.
    relation: Option<RelationId>,
    /// The review note being edited, and the annotation it belongs to.
    pub note: Option<(ReviewItem, String)>,
    /// The annotation decided last (A / X / F move on to the next one): a
    /// note written right after a decision belongs to it. Cleared when the
    /// reviewer moves by hand.
    last_decided: Option<ReviewItem>,
    note_focus: bool,
    /// The summary lines and the history generation they were counted at
    /// (counting every span each frame would grow with the document).
    summary: Option<(u64, [String; 2])>,
}

impl SorotApp {
    /// The annotations review mode steps through, with the filters: spans
    /// in text order (or by label), each relation where its first span is.
    pub fn review_order(&self) -> Vec<ReviewItem> {
        self.review.as_ref().map_or_else(Vec::new, |r| r.filter.order(&self.doc.store))
    }

    /// The annotation under review: the relation stepped to, else the selected span.
    pub fn review_current(&self) -> Option<ReviewItem> {
        let relation = self.review.as_ref().and_then(|r| r.relation).filter(|r| self.selected_relation == Some(*r));
        relation.map(ReviewItem::Relation).or(self.selected.map(ReviewItem::Span))
    }

    pub(in crate::gui) fn review_go(&mut self, item: ReviewItem) {
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
                let first = self
                    .doc
                    .store
                    .relation(id)
                    .and_then(|rel| rel.args.iter().find_map(|a| self.doc.store.first_mention(a.target)));
                if let Some(span) = first.and_then(|s| self.doc.store.span(s)) {
                    self.view.scroll_to(span.start());
                }
            }
        }
    }

    /// The annotation a review note now belongs to: the one just decided,
    /// else the one under review.
    pub fn review_note_target(&self) -> Option<ReviewItem> {
        self.review.as_ref().and_then(|r| r.last_decided).or_else(|| self.review_current())
    }

    /// After a filter changed: the annotation under review if it still
    /// matches, else the first that does (or none, said so).
    pub(in crate::gui) fn review_filtered(&mut self) {
        let order = self.review_order();
        if self.review_current().is_some_and(|c| order.contains(&c)) {
            return;
        }
        match order.first() {
            Some(&first) => self.review_go(first),
            None => {
                self.selected = None;
                self.selected_relation = None;
                if let Some(r) = &mut self.review {
                    r.relation = None;
                }
                self.set_status("No annotation matches the review filters");
            }
        }
    }

    pub(in crate::gui) fn review_move(&mut self, d: i32) {
        if let Some(r) = &mut self.review {
            r.last_decided = None;
        }
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

    pub(in crate::gui) fn review_mark(&mut self, status: ReviewStatus) {
        let Some(item) = self.review_current() else {
            self.set_status("Nothing to review here: ↓ moves to the next annotation");
            return;
        };
        // Where to go next, decided before the filters may hide this one.
        let order = self.review_order();
        let after = order.iter().position(|x| *x == item).and_then(|i| order.get(i + 1)).copied();
        let reviewer = Some(self.prefs.annotator.as_str().into());
        let review =
            |old: &Review| Review { status, reviewer, reviewed: Some(Timestamp::now()), note: old.note.clone() };
        let store = &self.doc.store;
        let (edit, summary) = match item {
            ReviewItem::Span(id) => {
                let Some(mut span) = store.span(id).cloned() else { return };
                span.review = review(&span.review);
                let what = format!("{} {id} “{}”", store.label_name(span.label), short(&store.quote(&span)));
                (Edit::ReplaceSpan(span), format!("{} {what}", status_verb(status)))
            }
            ReviewItem::Relation(id) => {
                let Some(mut rel) = store.relation(id).cloned() else { return };
                rel.review = review(&rel.review);
                let kind = store.relation_type(rel.kind).map_or("relation", |t| t.name.as_str()).to_owned();
                (Edit::ReplaceRelation(rel), format!("{} {kind} {id}", status_verb(status)))
            }
        };
        match self.doc.apply(edit, summary.clone()) {
            Ok(()) => {
                self.set_status(summary.clone());
                if let Some(r) = &mut self.review {
                    r.last_decided = Some(item);
                }
                match after {
                    Some(next) => self.review_go(next),
                    None => self.set_status(format!("{summary} — that was the last one")),
                }
            }
            Err(e) => self.set_status(format!("Not done: {e}")),
        }
    }
}

/// The review note of an annotation (not the annotator's own note).
pub(super) fn note_of(store: &Store, item: ReviewItem) -> String {
    review_of(store, item).and_then(|r| r.note.as_deref().cloned()).unwrap_or_default()
}

fn review_of(store: &Store, item: ReviewItem) -> Option<&Review> {
    match item {
        ReviewItem::Span(id) => store.span(id).map(|s| &s.review),
        ReviewItem::Relation(id) => store.relation(id).map(|r| &r.review),
    }
}

/// What an annotation is, in a few words: `Claim 12 “Rusia …”`.
fn describe(store: &Store, item: ReviewItem) -> String {
    match item {
        ReviewItem::Span(id) => store
            .span(id)
            .map_or_else(String::new, |s| format!("{} {id} “{}”", store.label_name(s.label), short(&store.quote(s)))),
        ReviewItem::Relation(id) => store.relation(id).map_or_else(String::new, |r| {
            format!("{} {id}", store.relation_type(r.kind).map_or("relation", |t| t.name.as_str()))
        }),
    }
}

pub(super) fn status_verb(s: ReviewStatus) -> &'static str {
    match s {
        ReviewStatus::Accepted => "Accepted",
        ReviewStatus::Rejected => "Rejected",
        ReviewStatus::Flagged => "Flagged",
        ReviewStatus::Unreviewed => "Cleared the review of",
    }
}

/// The review panel: the current annotation, the keys, filters, summary.
pub fn review_panel(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let current = app.review_current();
    let app_note_target = app.review_note_target();
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
    let filter_before = r.filter.clone();
    ui.horizontal_wrapped(|ui| {
        ui.label("Show:");
        egui::ComboBox::from_id_salt("review-status")
            .selected_text(r.filter.status.map_or("every status", ReviewStatus::name))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut r.filter.status, None, "every status");
                for s in ReviewStatus::ALL {
                    ui.selectable_value(&mut r.filter.status, Some(s), s.name());
                }
            });
        egui::ComboBox::from_id_salt("review-label")
            .selected_text(r.filter.label.map_or("every label".to_owned(), |l| store.label_name(l).to_owned()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut r.filter.label, None, "every label");
                for (i, l) in store.schema().labels.iter().enumerate() {
                    ui.selectable_value(&mut r.filter.label, Some(i as u16), &l.name);
                }
            });
        ui.checkbox(&mut r.filter.by_label, "by label");
        ui.checkbox(&mut r.filter.relations, "relations");
        ui.checkbox(&mut r.filter.suggested, "accepted from suggestions")
            .on_hover_text("Review what was accepted from suggestions (and the relations that use it)");
    });
    // A filter changed: the annotation under review stays only if it still
    // matches (it stayed until ↓ even when the filter left it out).
    if r.filter != filter_before {
        actions.push(Action::Review(ReviewAction::Filtered));
    }
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
                crate::gui::relations::relation_line(store, rel),
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
        if let Some(note) = &review.note {
            ui.label(format!("Review note: {note}"));
        }
    } else {
        ui.weak("No annotation selected: ↓ moves to the first one.");
    }
    if let Some((item, text)) = &mut r.note {
        let label = ui.label("Review note");
        ui.weak(format!("for {}", describe(store, *item)));
        let field = ui.add(egui::TextEdit::multiline(text).desired_rows(2).hint_text("Note for the annotator"));
        let field = field.labelled_by(label.id);
        if std::mem::take(&mut r.note_focus) {
            field.request_focus();
        }
        let enter = ui.input(|i| i.key_pressed(egui::Key::Enter) && !i.modifiers.shift);
        if (field.has_focus() || field.lost_focus()) && enter {
            actions.push(Action::Review(ReviewAction::Note(*item, text.trim_end_matches('\n').to_owned())));
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
                actions.push(Action::Review(ReviewAction::Mark(status)));
            }
        }
        if ui.add_enabled(current.is_some(), egui::Button::new("Note (N)")).clicked()
            && let Some(item) = app_note_target
        {
            actions.push(Action::Review(ReviewAction::NoteStart(item, note_of(store, item))));
        }
        if ui.button("Edit (E)").clicked() {
            actions.push(Action::Run(Command::ToggleReview));
        }
        if ui.button("◀ (↑)").clicked() {
            actions.push(Action::Review(ReviewAction::Move(-1)));
        }
        if ui.button("▶ (↓)").clicked() {
            actions.push(Action::Review(ReviewAction::Move(1)));
        }
    });
    ui.separator();
}

impl SorotApp {
    pub(in crate::gui) fn review_note_start(&mut self, item: ReviewItem, note: String) {
        if let Some(r) = &mut self.review {
            r.note = Some((item, note));
            r.note_focus = true;
        }
    }
}
