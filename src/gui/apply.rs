//! Applying actions and commands to the app (the reducer), and the model
//! edits they make.

use super::*;
use crate::gui::{DraftAction, EntityAction, FolderAction, SearchAction};
use crate::model::attribution::Attribution;
use prefs::apply_theme;

impl SorotApp {
    /// Replaces the document with its annotations moved onto `article`;
    /// the file on disk is unchanged until saved.
    pub(super) fn reanchor(&mut self, article: &Path) {
        self.reanchor_as(article, io::text_mode(&self.doc.store.meta));
    }

    /// As [`Self::reanchor`], onto the text of `mode` of a web page.
    pub(super) fn reanchor_as(&mut self, article: &Path, mode: crate::model::TextMode) {
        match io::reanchor_store_as(&self.doc.store, article, mode, &self.prefs.annotator) {
            Ok((store, report)) => {
                let text = crate::model::reanchor::describe(&store, &report);
                let nothing_moved = store.spans().len() + store.relations().len() + store.entities().len() == 0;
                self.doc.store = store;
                self.hover_byte = None;
                self.doc.history = History::default();
                self.doc.history.mark_unsaved();
                self.doc.changed_article = None;
                self.doc.notice = None;
                self.selected = None;
                self.selection.clear();
                self.details.reset();
                self.view = TextView::default();
                self.entity_form = Default::default();
                self.view.font_size = self.prefs.font_size;
                self.set_status(format!("Re-anchored onto {}: {}", article.display(), report.summary()));
                let title = match &self.doc.store.meta.origin {
                    Some(o) => format!("Re-anchored onto {}", o.mode.describe()),
                    None => "Re-anchored onto the new text".into(),
                };
                if nothing_moved {
                    // No annotations to report on: the status line says it.
                    let shown = self.doc.store.meta.origin.as_ref().map_or("the new text", |o| o.mode.describe());
                    self.set_status(format!("Now showing {shown} (no annotations to move); saving keeps it"));
                    return;
                }
                self.dialog = Some(Dialog::Report {
                    title,
                    text: format!(
                        "{text}\nFlagged spans carry a note with their old text. Save (Ctrl+S) to keep this; \
                         the annotation file is unchanged until then, and closing without saving goes back."
                    ),
                    open: None,
                });
            }
            Err(e) => self.dialog = Some(Dialog::Error(format!("Cannot re-anchor: {e:#}"))),
        }
    }

    pub(super) fn edit(&mut self, edit: Edit, summary: String) {
        match self.doc.apply(edit, summary.clone()) {
            Ok(()) => self.set_status(summary),
            Err(e) => self.set_status(format!("Not done: {e}")),
        }
    }

    pub(super) fn apply_reveal(&mut self, id: SpanId) {
        if let Some(span) = self.doc.store.span(id) {
            self.view.scroll_to(span.start());
            self.selected = Some(id);
            self.details.reset();
        }
    }

    /// Applies one action. Every error ends on the status line or in a dialog.
    pub fn apply(&mut self, ctx: &egui::Context, action: Action) {
        // Nothing else touches the document while an accept is applied
        // across frames: it is finished first.
        self.finish_long_edit();
        match action {
            Action::Run(cmd) => self.run(ctx, cmd),
            Action::Select(id) => {
                self.selected = id;
                self.details.reset();
            }
            Action::Reveal(id) => self.apply_reveal(id),
            Action::SetSelection(sel) => {
                self.selection = sel;
                if !self.selection.is_empty() {
                    self.selected = None;
                }
            }
            Action::Label(label) => self.label(label),
            Action::Edit(edit, summary) => self.edit(edit, summary),
            Action::Open(path) => {
                if self.doc.history.is_dirty() {
                    self.dialog = Some(Dialog::Unsaved(dialogs::After::Open(path)));
                } else {
                    self.open(ctx, &path);
                }
            }
            Action::SaveTo(path) => {
                // A save in flight is ours; then ask before the document
                // moves to a path whose file it would replace.
                self.finish_save();
                match self.doc.save_conflict(&path) {
                    Some(conflict) => self.dialog = Some(Dialog::Conflict { path, conflict }),
                    None => {
                        self.doc.path = Some(path);
                        self.save_checked(true);
                    }
                }
            }
            Action::ShowDialog(d) => {
                if let Dialog::Path { purpose, .. } = &d {
                    self.start_native_dialog(*purpose);
                }
                self.dialog = Some(d);
            }
            Action::BrowseFor(purpose) => self.start_native_dialog(purpose),
            Action::PreferencesClosed => {
                // "Keep my own file per article" (or another name) applies
                // to the article open now: it is saved where it was and
                // opened again from the file the preferences now give.
                let before = self.prefs_file_before.take();
                if let Some((i, now)) = self.own_file_here()
                    && before.is_some_and(|b| b != now)
                    && self.doc.path.as_ref() != Some(&now)
                    && self.compare.is_none()
                    && self.review.is_none()
                {
                    self.apply(ctx, Action::Folder(FolderAction::OpenEntry(i)));
                }
            }
            Action::CloseDialog => self.dialog = None,
            Action::ForceQuit => {
                // Saves in flight finish first: nothing half-written is left.
                self.finish_save();
                self.finish_autosave();
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Action::SetTheme(t) => {
                self.prefs.theme = t;
                apply_theme(ctx, t);
            }
            Action::SelectRelation(id) => {
                self.selected_relation = id;
                let first = id
                    .and_then(|r| self.doc.store.relation(r))
                    .and_then(|r| r.args.iter().find_map(|a| self.doc.store.first_mention(a.target)));
                if let Some(span) = first.and_then(|s| self.doc.store.span(s)) {
                    self.view.scroll_to(span.start());
                }
            }
            Action::Reanchor(article) => self.reanchor(&article),
            Action::OpenUrl { url, folder } => self.start_fetch(url, folder),
            Action::Overwrite(path) => {
                self.doc.path = Some(path);
                self.save_checked(true);
            }
            Action::ReloadFromDisk(path) => {
                self.discard_changes();
                self.start_loading(path);
            }
            Action::StartExport(form) => transfer::start_export(self, &form),
            Action::StartImport(form) => transfer::start_import(self, &form),
            Action::Draft(a) => self.apply_draft(a),
            Action::Entity(a) => self.apply_entity(a),
            Action::Folder(a) => self.apply_folder(ctx, a),
            Action::Search(a) => self.apply_search(a),
            Action::Suggest(a) => self.apply_suggest(a),
            Action::Review(a) => self.apply_review(a),
            Action::Compare(a) => self.apply_compare(a),
            Action::Restore(rec) => match io::load_annotations(&rec) {
                Ok(store) => {
                    // One step that Ctrl+Z takes back to what was open (a
                    // newcomer's restore replaced saved work with no way
                    // back); a recovery of other labels replaces it whole.
                    let summary = format!("Restored unsaved work from {}", rec.display());
                    let undoable = crate::model::diff::edit_to(&self.doc.store, &store)
                        .is_some_and(|edit| self.doc.history.apply(&mut self.doc.store, edit, summary).is_ok());
                    if !undoable {
                        self.doc.store = store;
                        self.doc.history = History::default();
                        self.doc.history.mark_unsaved();
                    }
                    // Work another window left: this window autosaves into
                    // it from now on (and removes it when saved or
                    // discarded), so its own recovery file, another version,
                    // stays as it is.
                    if rec != self.doc.recovery_path() {
                        self.finish_autosave();
                        self.doc.recovery_at = Some(rec.clone());
                    }
                    let back = if undoable { " (Ctrl+Z goes back to the file as saved)" } else { "" };
                    self.set_status(format!("Restored unsaved work from {}{back}", rec.display()));
                }
                Err(e) => self.set_status(format!("Cannot restore: {e:#}")),
            },
        }
    }

    /// Building a relation, step by step.
    fn apply_draft(&mut self, action: DraftAction) {
        match action {
            DraftAction::Start(origin) => self.start_draft(origin),
            DraftAction::Kind(k) => self.draft_kind(k),
            DraftAction::Pick(t) => self.draft_pick(t),
            DraftAction::Next => self.draft_next(),
            DraftAction::Cancel => {
                self.draft = None;
                self.set_status("Relation cancelled");
            }
        }
    }

    /// Entities: creating, linking, linking all mentions.
    fn apply_entity(&mut self, action: EntityAction) {
        match action {
            EntityAction::PreviewLinkAll(entity) => {
                let store = &self.doc.store;
                let Some(e) = store.entity(entity) else { return };
                let label = store
                    .mentions_of(entity)
                    .first()
                    .and_then(|m| store.span(*m))
                    .map(|s| s.label)
                    .or_else(|| store.schema().label_for_entity_type(&e.kind).map(|i| i as u16));
                let Some(label) = label else {
                    self.set_status(format!("No label links to {} entities", e.kind));
                    return;
                };
                let edits = self.doc.store.link_all_edits(entity, label, &self.prefs.annotator, Timestamp::now());
                if edits.is_empty() {
                    self.set_status("Every matching mention is already linked");
                } else {
                    let chosen = vec![true; edits.len()];
                    self.dialog = Some(Dialog::LinkAll { entity, edits, chosen });
                }
            }
            EntityAction::StartEdit(id) => {
                if let Some(e) = self.doc.store.entity(id) {
                    self.entity_form = super::relations::EntityForm {
                        name: e.name.clone(),
                        kind: e.kind.clone(),
                        aliases: e.aliases.join(", "),
                        external_id: e.external_id.clone().unwrap_or_default(),
                        editing: Some(id),
                    };
                    self.set_status(format!("Editing entity {} below the list; Save changes keeps it", e.name));
                }
            }
            EntityAction::CancelEdit => self.entity_form = Default::default(),
            EntityAction::SaveEdit => {
                let f = &self.entity_form;
                let Some(old) = f.editing.and_then(|id| self.doc.store.entity(id)) else {
                    self.entity_form = Default::default();
                    return;
                };
                let mut new = old.clone();
                f.fill(&mut new);
                if new == *old {
                    self.entity_form = Default::default();
                    self.set_status("Nothing changed");
                    return;
                }
                new.provenance.modified = Timestamp::now();
                let summary = format!("Edited entity {}", new.name);
                match self.doc.apply(Edit::ReplaceEntity(new), summary.clone()) {
                    Ok(()) => {
                        self.entity_form = Default::default();
                        self.set_status(summary);
                    }
                    Err(e) => self.set_status(format!("Not saved: {e}")),
                }
            }
            EntityAction::Create => {
                let mut entity = Entity {
                    id: EntityId(self.doc.store.alloc_id()),
                    name: String::new(),
                    kind: String::new(),
                    aliases: Vec::new(),
                    external_id: None,
                    note: None,
                    provenance: Provenance::new(&self.prefs.annotator, Timestamp::now()),
                };
                self.entity_form.fill(&mut entity);
                let summary = format!("Created entity {}", entity.name);
                if self.doc.apply(Edit::AddEntity(entity), summary.clone()).is_ok() {
                    self.entity_form = Default::default();
                    self.set_status(summary);
                } else {
                    self.set_status("An entity needs a name and a type");
                }
            }
            EntityAction::LinkTo(entity) if self.selected.is_none() => self.link_selection_to(entity),
            EntityAction::LinkTo(entity) => {
                if let Some(mut span) = self.selected.and_then(|id| self.doc.store.span(id)).cloned() {
                    span.entity = Some(entity);
                    span.provenance.modified = Timestamp::now();
                    let name = self.doc.store.entity(entity).map_or(String::new(), |e| e.name.clone());
                    self.edit(Edit::ReplaceSpan(span), format!("Linked to {name}"));
                }
                self.link_query = None;
            }
            EntityAction::CreateAndLink => {
                let store = &self.doc.store;
                let Some(span) = self.selected.and_then(|id| store.span(id)).cloned() else { return };
                let quote = store.quote(&span);
                let query = self.link_query.clone().unwrap_or_default();
                let name = if query.trim().is_empty() { quote.clone() } else { query.trim().to_owned() };
                let Some(kind) = store.schema().label(span.label as usize).and_then(|l| l.entity_type.clone()) else {
                    self.set_status(format!("{} mentions do not link to entities", store.label_name(span.label)));
                    return;
                };
                let id = EntityId(self.doc.store.alloc_id());
                let aliases = if quote != name { vec![quote] } else { Vec::new() };
                let entity = Entity {
                    id,
                    name: name.clone(),
                    kind,
                    aliases,
                    external_id: None,
                    note: None,
                    provenance: Provenance::new(&self.prefs.annotator, Timestamp::now()),
                };
                let mut linked = span;
                linked.entity = Some(id);
                self.edit(
                    Edit::Batch(vec![Edit::AddEntity(entity), Edit::ReplaceSpan(linked)]),
                    format!("Created entity {name} and linked it"),
                );
                self.link_query = None;
            }
            EntityAction::CancelLink => self.link_query = None,
        }
    }

    pub(super) fn run(&mut self, ctx: &egui::Context, cmd: Command) {
        match cmd {
            Command::OpenArticle => self.apply(ctx, Action::ShowDialog(Dialog::path(PathPurpose::OpenArticle))),
            Command::OpenAnnotations => self.apply(ctx, Action::ShowDialog(Dialog::path(PathPurpose::OpenAnnotations))),
            Command::Reanchor => self.apply(ctx, Action::ShowDialog(Dialog::path(PathPurpose::Reanchor))),
            Command::PageText => self.switch_page_text(),
            Command::OpenUrl => {
                let folder = self.default_page_folder().display().to_string();
                self.apply(ctx, Action::ShowDialog(Dialog::OpenUrl { url: String::new(), folder }))
            }
            Command::Export => self.dialog = Some(Dialog::Export(transfer::ExportForm::new(self))),
            Command::Import => self.dialog = Some(Dialog::Import(transfer::ImportForm::new(self))),
            Command::Save | Command::SaveAs if self.doc.is_blank() => {
                self.set_status("Nothing to save: no article is open. Open one with Ctrl+O.");
            }
            Command::SaveAs => {
                let mut d = Dialog::path(PathPurpose::SaveAs);
                if let Dialog::Path { text, .. } = &mut d {
                    *text = self.doc.path.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
                }
                self.apply(ctx, Action::ShowDialog(d));
            }
            Command::Save => {
                if self.doc.path.is_some() {
                    self.save();
                } else {
                    self.run(ctx, Command::SaveAs);
                }
            }
            Command::Quit => {
                if self.doc.history.is_dirty() {
                    self.dialog = Some(Dialog::Unsaved(dialogs::After::Quit));
                } else {
                    self.apply(ctx, Action::ForceQuit);
                }
            }
            // A large step (thousands of accepted suggestions) a slice
            // per frame; others at once.
            Command::Undo if self.start_stepping(true) => {}
            Command::Redo if self.start_stepping(false) => {}
            Command::Undo => match self.doc.history.undo(&mut self.doc.store) {
                Ok(Some(s)) => self.set_status(format!("Undone: {s}")),
                Ok(None) => self.set_status("Nothing to undo"),
                Err(e) => self.set_status(format!("Cannot undo: {e}")),
            },
            Command::Redo => match self.doc.history.redo(&mut self.doc.store) {
                Ok(Some(s)) => self.set_status(format!("Redone: {s}")),
                Ok(None) => self.set_status("Nothing to redo"),
                Err(e) => self.set_status(format!("Cannot redo: {e}")),
            },
            Command::Delete if self.doc.read_only || self.review.is_some() => {
                // Refused, and the selection stays where the reviewer is.
                let why = if self.doc.read_only { "Read-only while reviewing" } else { "Reviewing" };
                self.set_status(format!("{why}: E switches to editing, then Delete deletes"));
            }
            Command::Delete => {
                if let Some(id) = self.selected
                    && let Some(span) = self.doc.store.span(id)
                {
                    let n = self.doc.store.relations_using_span(id).len();
                    let what = format!(
                        "Deleted {} {id} “{}”",
                        self.doc.store.label_name(span.label),
                        short(&self.doc.store.quote(span))
                    );
                    let what = if n > 0 { format!("{what} and {n} relation(s)") } else { what };
                    self.edit(Edit::RemoveSpan(id), what);
                    self.selected = None;
                }
            }
            Command::Find => {
                if !self.find.open {
                    // A fresh search: typing replaces the last query.
                    self.find.query.clear();
                }
                self.find.open = true;
                self.find.focus = true;
            }
            Command::NextAnnotation | Command::PrevAnnotation => {
                let order = self.doc.store.spans_in_text_order();
                if order.is_empty() {
                    return;
                }
                let pos = self.selected.and_then(|s| order.iter().position(|x| *x == s));
                let next = match (cmd, pos) {
                    (Command::NextAnnotation, Some(i)) => (i + 1) % order.len(),
                    (Command::NextAnnotation, None) => 0,
                    (_, Some(i)) => (i + order.len() - 1) % order.len(),
                    (_, None) => order.len() - 1,
                };
                self.selection.clear();
                self.apply(ctx, Action::Reveal(order[next]));
            }
            // Escape closes the innermost thing only.
            Command::ClearSelection => {
                if self.find.open {
                    self.find.open = false;
                } else if self.link_query.is_some() {
                    self.link_query = None;
                } else {
                    self.selection.clear();
                    self.selected = None;
                }
            }
            Command::AddFragment => match self.find.current_match() {
                Some(r) if !self.selection.contains(&r) => {
                    self.selection.push(r);
                    self.set_status(format!("{} fragments selected", self.selection.len()));
                }
                _ => self.set_status("Ctrl+drag over text, or find it and press Ctrl+Plus, to add a fragment"),
            },
            Command::MoveStartLeft => self.move_boundary(true, false),
            Command::MoveStartRight => self.move_boundary(true, true),
            Command::MoveEndLeft => self.move_boundary(false, false),
            Command::MoveEndRight => self.move_boundary(false, true),
            Command::NewRelation => self.start_draft(None),
            Command::AssignSource => self.attribute(Attribution::Source),
            Command::AssignCue => self.attribute(Attribution::Cue),
            Command::AssignOutlet => self.attribute(Attribution::Outlet),
            Command::LinkEntity => {
                // A labelled mention, or text not labelled yet: linking it
                // to an entity labels it with that entity's type.
                if self.selected.is_some() || !self.selection.is_empty() {
                    self.link_query = Some(String::new());
                    self.link_focus = true;
                } else {
                    self.set_status("Select a mention first, then press Ctrl+E");
                }
            }
            Command::LinkAllMentions => {
                let entity = self.selected.and_then(|id| self.doc.store.span(id)).and_then(|s| s.entity);
                match entity {
                    Some(e) => self.apply_entity(EntityAction::PreviewLinkAll(e)),
                    None => {
                        self.set_status("Select a mention linked to an entity (Ctrl+E links one), then press Ctrl+L")
                    }
                }
            }
            Command::ToggleArcs => self.show_all_arcs = !self.show_all_arcs,
            Command::OpenFolder => self.apply(ctx, Action::ShowDialog(Dialog::path(PathPurpose::OpenFolder))),
            Command::OpenForReview => {
                // Starts in the open folder (or the open document's), not
                // where Sorot was launched: the files to review are there.
                let dir = self.corpus.as_ref().map(|c| c.corpus.dir.clone()).or_else(|| {
                    self.doc.path.as_deref().and_then(std::path::Path::parent).map(std::path::Path::to_owned)
                });
                let text = dir.map(|d| format!("{}{}", d.display(), std::path::MAIN_SEPARATOR)).unwrap_or_default();
                self.apply(ctx, Action::ShowDialog(Dialog::Path { purpose: PathPurpose::OpenForReview, text }))
            }
            Command::NextDocument => self.step_document(ctx, true),
            Command::PrevDocument => self.step_document(ctx, false),
            Command::MarkDone => self.mark_done(),
            Command::ToggleReview => self.toggle_review(),
            Command::Compare => {
                self.dialog = Some(Dialog::Compare { files: self.compare_candidates(), more: String::new() });
            }
            Command::Graph => self.apply(ctx, Action::Folder(FolderAction::Relationships)),
            Command::Search => self.apply(ctx, Action::Search(SearchAction::Show)),
            Command::CheckConsistency => self.apply(ctx, Action::Search(SearchAction::Check)),
            Command::ToggleSuggestions => self.toggle_suggestions(),
            Command::NextSuggestion => self.step_suggestion(true),
            Command::PrevSuggestion => self.step_suggestion(false),
            Command::AcceptSuggestion => self.accept_suggestion(),
            Command::RejectSuggestion => self.reject_suggestion(),
            Command::Preferences => {
                self.prefs_file_before = self.own_file_here().map(|(_, p)| p);
                self.dialog = Some(Dialog::Preferences);
            }
            Command::ScrollDown => self.view.scroll_pages(0.9),
            Command::ScrollUp => self.view.scroll_pages(-0.9),
            Command::ScrollToStart => self.view.scroll_to_offset(0.0),
            Command::ScrollToEnd => self.view.scroll_to_offset(f32::MAX),
            Command::FontBigger | Command::FontSmaller => {
                let d = if cmd == Command::FontBigger { 1.0 } else { -1.0 };
                self.prefs.font_size = (self.prefs.font_size + d).clamp(9.0, 40.0);
                self.view.font_size = self.prefs.font_size;
                self.view.invalidate();
            }
        }
    }

    /// Creates a span from the selection, or relabels the selected span.
    /// Labels the selected text as a mention of `entity` (the first label
    /// whose entity type the entity has) and links it, in one step.
    fn link_selection_to(&mut self, entity: EntityId) {
        self.link_query = None;
        let store = &self.doc.store;
        let Some(e) = store.entity(entity) else { return };
        let Some(label) = store.schema().label_for_entity_type(&e.kind) else {
            let kind = e.kind.clone();
            self.set_status(format!("No label is for {kind} entities: label the text first, then press Ctrl+E"));
            return;
        };
        let name = e.name.clone();
        let ranges = self.selection_ranges();
        if ranges.is_empty() {
            self.set_status("The selection is only spaces: select the words to label");
            return;
        }
        let id = SpanId(self.doc.store.alloc_id());
        let mut span = Span::new(id, label as u16, ranges, Provenance::new(&self.prefs.annotator, Self::now()));
        span.entity = Some(entity);
        let summary = format!("Labelled “{}” and linked it to {name}", short(&self.doc.store.quote(&span)));
        self.add_selected_span(span, summary);
    }

    /// Adds a span made from the selection and selects it.
    fn add_selected_span(&mut self, span: Span, summary: String) {
        let id = span.id;
        match self.doc.apply(Edit::AddSpan(span), summary.clone()) {
            Ok(()) => {
                self.selection.clear();
                self.selected = Some(id);
                self.details.reset();
                self.set_status(summary);
            }
            Err(e) => self.set_status(format!("Not done: {e}")),
        }
    }

    /// The selection as a span's ranges: fragments merged where they
    /// touch, each without the spaces at its ends (a find for " kata "
    /// labels "kata"); fragments of spaces only are dropped.
    fn selection_ranges(&self) -> Ranges {
        let text = self.doc.store.text();
        let mut frags: Vec<ByteRange> = self
            .selection
            .iter()
            .filter_map(|r| {
                let s = text.slice(*r);
                let start = r.start() + (s.len() - s.trim_start().len());
                let end = r.end() - (s.len() - s.trim_end().len());
                (start < end).then(|| ByteRange::new(start, end))
            })
            .collect();
        frags.sort();
        let mut ranges = Ranges::new();
        for r in frags {
            match ranges.last_mut() {
                Some(last) if last.end >= r.start => last.end = last.end.max(r.end),
                _ => ranges.push(r),
            }
        }
        ranges
    }

    pub(super) fn label(&mut self, label: u16) {
        let store = &self.doc.store;
        let label_name = store.label_name(label).to_owned();
        if self.selection.is_empty() {
            if let Some(id) = self.selected
                && let Some(span) = store.span(id)
                && span.label != label
            {
                let mut s = span.clone();
                s.label = label;
                s.attributes.clear();
                s.provenance.modified = Self::now();
                let summary = format!("Relabelled {id} as {label_name}");
                self.edit(Edit::ReplaceSpan(s), summary);
            } else {
                self.set_status("Select text first (drag over it, or find it with Ctrl+F)");
            }
            return;
        }
        let ranges = self.selection_ranges();
        if ranges.is_empty() {
            self.set_status("The selection is only spaces: select the words to label");
            return;
        }
        let id = SpanId(self.doc.store.alloc_id());
        let span = Span::new(id, label, ranges, Provenance::new(&self.prefs.annotator, Self::now()));
        let quote = self.doc.store.quote(&span);
        let summary = format!("Created {label_name} {id} “{}”", short(&quote));
        self.add_selected_span(span, summary);
    }

    /// Moves the selected span's start (or end) one word left or right.
    pub(super) fn move_boundary(&mut self, start: bool, right: bool) {
        let Some(span) = self.selected.and_then(|id| self.doc.store.span(id)).cloned() else {
            self.set_status("Select an annotation to move its boundaries");
            return;
        };
        let text = self.doc.store.text();
        let mut s = span.clone();
        let (first, last) = (0, s.ranges.len() - 1);
        if start {
            s.ranges[first].start = text.word_step(s.ranges[first].start(), right) as u32;
        } else {
            s.ranges[last].end = text.word_step(s.ranges[last].end(), right) as u32;
        }
        // Skip the whitespace a word step lands on at either end.
        let r = s.ranges[first];
        let lead = text.slice(r).len() - text.slice(r).trim_start().len();
        s.ranges[first].start += lead as u32;
        let r = s.ranges[last];
        let trail = text.slice(r).len() - text.slice(r).trim_end().len();
        s.ranges[last].end -= trail as u32;
        if s.ranges == span.ranges {
            return;
        }
        s.provenance.modified = Self::now();
        let summary = format!("Moved a boundary of {} {}", self.doc.store.label_name(s.label), s.id);
        self.edit(Edit::ReplaceSpan(s), summary);
    }
}
