//! Search across the folder (or the open document), results as
//! keyword-in-context, and "Label all results as …" with a preview.
//!
//! The search runs on a worker and hands back one file at a time, in file
//! order, so the list grows at its end and never jumps. The open document
//! is searched as it is in the window (unsaved edits count) and labelled
//! through its history; other files are labelled on a worker and written
//! atomically, and the edit is put into a file's history when it is
//! opened, so Ctrl+Z there undoes it as one step.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::text::LayoutJob;
use egui::{Color32, FontId, TextFormat};

use super::*;
use crate::gui::SearchAction;
use crate::io::document::DiskStamp;
use crate::io::search::{self as corpus, FileHits, FileResult, Found, Labelled, Source};
use crate::model::plural;
use crate::model::search::{Matcher, Query, Scope, SpanFilter};

/// The query as the panel edits it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchForm {
    pub pattern: String,
    pub regex: bool,
    pub ignore_case: bool,
    pub ignore_accents: bool,
    pub whole_word: bool,
    /// Restrict to spans of this label ("" for the whole text).
    pub label: String,
    /// With a label: matches inside its spans (else the spans themselves).
    pub inside: bool,
    /// Search every file of the open folder (else the open document).
    pub in_folder: bool,
    /// With a label: only its spans without this attribute ("" for any).
    pub missing_attribute: String,
    /// With a label: only its spans that are no argument of this relation
    /// type ("" for any).
    pub not_in: String,
}

impl SearchForm {
    pub fn query(&self) -> Query {
        let filter = SpanFilter {
            label: self.label.clone(),
            attribute: (!self.missing_attribute.is_empty())
                .then(|| crate::model::search::AttrTest::Missing(self.missing_attribute.clone())),
            not_argument_of: (!self.not_in.is_empty()).then(|| self.not_in.clone()),
        };
        let scope = match (self.label.is_empty(), self.inside) {
            (true, _) => Scope::Text,
            (false, false) => Scope::Spans(filter),
            (false, true) => Scope::Inside(filter),
        };
        Query {
            pattern: self.pattern.clone(),
            regex: self.regex,
            ignore_case: self.ignore_case,
            ignore_accents: self.ignore_accents,
            whole_word: self.whole_word,
            scope,
        }
    }
}

/// What labelling the results will do, shown before it is done.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    pub label: u16,
    pub new: usize,
    pub already: usize,
    pub overlapping: usize,
    pub documents: usize,
}

/// An edit written to a file that is not open: put into its history when
/// it is opened, if the file is still as written.
struct Seeded {
    stamp: DiskStamp,
    redo: Edit,
    undo: Edit,
    summary: String,
}

type LabelOutcome = (Vec<(Labelled, Option<DiskStamp>)>, Vec<String>);

/// The search panel's state.
#[derive(Default)]
pub struct SearchPanel {
    pub open: bool,
    /// Put the keyboard in the query field on the next frame.
    pub focus: bool,
    pub form: SearchForm,
    /// The query the results are for.
    pub searched: Option<Query>,
    pub results: Vec<FileHits>,
    pub errors: Vec<String>,
    /// Files read of all.
    pub progress: (usize, usize),
    /// The chosen result: (file, hit).
    pub cursor: Option<(usize, usize)>,
    scroll_to_cursor: bool,
    /// The label chosen for "Label all".
    pub label_as: Option<u16>,
    /// And the entity to link the results to, if any.
    pub link_to: Option<crate::model::search::EntityRef>,
    pub preview: Option<Preview>,
    job: Option<Job<(), (usize, FileResult)>>,
    cancel: Arc<AtomicBool>,
    labelling: Option<Job<LabelOutcome>>,
    seeded: HashMap<PathBuf, Seeded>,
    /// Select this range once the document opened for a result is loaded.
    pub(in crate::gui) select_after_load: Option<ByteRange>,
    /// Then give it this label (a consistency fix).
    pub(in crate::gui) label_after_load: Option<String>,
    started: Option<std::time::Instant>,
    /// Do not report the search that is running on the status line.
    quiet: bool,
    /// Whether the query field had the keyboard at the end of the last
    /// frame (egui drops the focus on Escape before the frame is drawn;
    /// Escape there closes the panel).
    pub(in crate::gui) field_focused: bool,
    /// How long until the first result, and until all were in.
    pub first_result: Option<std::time::Duration>,
}

impl SearchPanel {
    pub fn is_running(&self) -> bool {
        self.job.is_some() || self.labelling.is_some()
    }

    /// Every hit, in list order.
    pub fn hits(&self) -> impl Iterator<Item = ((usize, usize), &Found)> {
        self.results.iter().enumerate().flat_map(|(f, fh)| fh.hits.iter().enumerate().map(move |(h, x)| ((f, h), x)))
    }

    pub fn hit_count(&self) -> usize {
        self.results.iter().map(|f| f.hits.len()).sum()
    }

    fn hit(&self, at: (usize, usize)) -> Option<(&FileHits, &Found)> {
        let f = self.results.get(at.0)?;
        Some((f, f.hits.get(at.1)?))
    }

    /// The result `step` places after (or before) the cursor.
    fn moved(&self, step: i32) -> Option<(usize, usize)> {
        let all: Vec<(usize, usize)> = self.hits().map(|(at, _)| at).collect();
        if all.is_empty() {
            return None;
        }
        let here = self.cursor.and_then(|c| all.iter().position(|a| *a == c));
        let i = match here {
            None => 0,
            Some(i) => (i as i64 + step as i64).clamp(0, all.len() as i64 - 1) as usize,
        };
        all.get(i).copied()
    }

    fn stop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.job = None;
    }
}

impl SorotApp {
    /// Follows the search and label-all workers.
    pub(in crate::gui) fn poll_search(&mut self) {
        if let Some(job) = &mut self.search.job {
            // Several files may be done since the last frame.
            for _ in 0..256 {
                match job.poll() {
                    Poll::Running => break,
                    Poll::Update((n, result)) => {
                        self.search.progress.1 = n;
                        self.search.progress.0 += 1;
                        match result {
                            FileResult::Hits(h) if !h.hits.is_empty() => {
                                if self.search.first_result.is_none() {
                                    self.search.first_result = self.search.started.map(|s| s.elapsed());
                                }
                                self.search.results.push(h);
                            }
                            FileResult::Hits(_) => {}
                            FileResult::Failed(e) => self.search.errors.push(e),
                        }
                    }
                    Poll::Done(()) => {
                        self.search.job = None;
                        let n = self.search.hit_count();
                        let files = self.search.results.len();
                        // After a label-all the status says what it did.
                        if !std::mem::take(&mut self.search.quiet) {
                            self.set_status(format!(
                                "Search: {} in {}",
                                plural(n, "result"),
                                plural(files, "document")
                            ));
                        }
                        break;
                    }
                    Poll::Lost => {
                        self.search.job = None;
                        self.search.errors.push("The search stopped unexpectedly".into());
                        break;
                    }
                }
            }
            if self.search.cursor.is_none() && self.search.hit_count() > 0 {
                self.search.cursor = Some((0, 0));
            }
        }
        if let Some(job) = &mut self.search.labelling {
            match job.poll() {
                Poll::Running | Poll::Update(()) => {}
                Poll::Done((done, errors)) => {
                    self.search.labelling = None;
                    let mut added = 0;
                    let mut files = 0;
                    for (l, stamp) in done {
                        if l.plan.edits.is_empty() {
                            continue;
                        }
                        added += l.plan.added;
                        files += 1;
                        let path = l.source.annotation_path().to_owned();
                        if let Some(stamp) = stamp {
                            let summary =
                                format!("label all: {} as {}", plural(l.plan.added, "span"), self.label_as_name());
                            self.search.seeded.insert(path, Seeded { stamp, redo: l.redo, undo: l.undo, summary });
                        }
                    }
                    self.search.errors.extend(errors);
                    self.set_status(format!(
                        "Labelled {} in {} other {} (Ctrl+Z in a document undoes it there)",
                        plural(added, "span"),
                        files,
                        if files == 1 { "file" } else { "files" }
                    ));
                    self.rerun_search();
                    if self.corpus.is_some() {
                        self.pending.push(Action::Folder(FolderAction::Rescan));
                    }
                }
                Poll::Lost => {
                    self.search.labelling = None;
                    self.search.errors.push("Labelling stopped unexpectedly; files written so far are kept".into());
                }
            }
        }
    }

    fn label_as_name(&self) -> String {
        self.search.label_as.map(|l| self.doc.store.label_name(l).to_owned()).unwrap_or_default()
    }

    /// After a document is opened: the label-all edit written to its file
    /// becomes its first undo step, and a result's text is selected.
    pub(in crate::gui) fn after_open_for_search(&mut self) {
        if let Some(path) = self.doc.path.clone()
            && let Some(seed) = self.search.seeded.remove(&path)
            && DiskStamp::of(&path).as_ref() == Some(&seed.stamp)
        {
            self.doc.history.seed(seed.redo, seed.undo, seed.summary);
        }
        if let Some(label) = self.search.label_after_load.take()
            && let Some(r) = self.search.select_after_load.take()
        {
            self.show_range(r, Some(&label));
        }
        if let Some(r) = self.search.select_after_load.take()
            && self.doc.store.text().check_range(r).is_ok()
        {
            self.selection = vec![r];
            self.selected = None;
            self.view.scroll_to(r.start());
        }
    }

    /// Runs the search again (after a label-all), keeping the status line.
    fn rerun_search(&mut self) {
        if self.search.searched.is_some() {
            self.start_search();
            self.search.quiet = true;
        }
    }

    /// Runs the panel's query.
    pub(in crate::gui) fn start_search(&mut self) {
        self.search.stop();
        self.search.preview = None;
        let query = self.search.form.query();
        // A query that cannot run leaves no results behind to act on.
        let refuse = |s: &mut SearchPanel, why: String| {
            s.results.clear();
            s.searched = None;
            s.cursor = None;
            s.errors = vec![why];
        };
        let matcher = match Matcher::new(&query) {
            Ok(m) => m,
            Err(e) => return refuse(&mut self.search, e.to_string()),
        };
        if query.pattern.is_empty() && query.scope == Scope::Text {
            return refuse(&mut self.search, "Type what to find".into());
        }
        let keep_cursor = self.search.searched.as_ref() == Some(&query);
        let cursor = self.search.cursor.filter(|_| keep_cursor);
        self.search.results.clear();
        self.search.errors.clear();
        self.search.progress = (0, 0);
        self.search.cursor = cursor;
        self.search.searched = Some(query);
        self.search.first_result = None;
        self.search.started = Some(std::time::Instant::now());
        let in_folder = self.search.form.in_folder && self.corpus.is_some();
        let open_path = self.doc.path.clone();
        let sources: Vec<Source> = match (&self.corpus, in_folder) {
            (Some(c), true) => corpus::sources(std::slice::from_ref(&c.corpus.dir)),
            _ => {
                let p = open_path.clone().unwrap_or_else(|| PathBuf::from("(this document)"));
                vec![Source::Annotations(p)]
            }
        };
        let store = self.doc.store.clone();
        let cancel = Arc::new(AtomicBool::new(false));
        self.search.cancel = cancel.clone();
        self.search.job = Some(Job::spawn(move |r| {
            let here = open_path.unwrap_or_else(|| PathBuf::from("(this document)"));
            corpus::search(&sources, &matcher, Some((here.as_path(), &store)), &cancel, |i, n, result| {
                r.progress(i + 1, n);
                r.update((n, result));
            });
        }));
    }

    /// Opens the document of a result and selects its text.
    pub(in crate::gui) fn open_result(&mut self, at: (usize, usize)) {
        let Some((fh, found)) = self.search.hit(at) else { return };
        let (source, range) = (fh.source.clone(), found.range);
        self.search.cursor = Some(at);
        let one_document = !self.search.form.in_folder || self.corpus.is_none();
        if one_document || self.doc.path.as_deref() == Some(source.annotation_path()) {
            self.selection = vec![range];
            self.selected = None;
            self.view.scroll_to(range.start());
            return;
        }
        if !self.leave_document() {
            return;
        }
        self.search.select_after_load = Some(range);
        let read_only = self.colleagues_file(source.open_path());
        self.start_loading_with(source.open_path().to_owned(), None, read_only);
    }

    /// What labelling every result as `label` will do.
    fn preview(&self, label: u16) -> Preview {
        let name = self.doc.store.label_name(label).to_owned();
        let mut p = Preview { label, new: 0, already: 0, overlapping: 0, documents: 0 };
        for fh in &self.search.results {
            let mut any = false;
            for f in &fh.hits {
                if f.labels.contains(&name) {
                    p.already += 1;
                } else {
                    p.new += 1;
                    any = true;
                    if !f.labels.is_empty() || !f.overlaps.is_empty() {
                        p.overlapping += 1;
                    }
                }
            }
            p.documents += usize::from(any);
        }
        p
    }

    /// Labels every result: the open document through its history (one
    /// undo step), the other files on a worker.
    fn label_all_results(&mut self, label: u16) {
        let Some(query) = self.search.searched.clone() else { return };
        let Ok(matcher) = Matcher::new(&query) else { return };
        let name = self.doc.store.label_name(label).to_owned();
        self.search.preview = None;
        let link = self.search.link_to.clone();
        let here = self.doc.path.clone();
        let in_this = self
            .search
            .results
            .iter()
            .any(|f| here.as_deref() == Some(f.source.annotation_path()) || !self.search.form.in_folder);
        if in_this && !self.doc.read_only {
            match matcher.search(&self.doc.store) {
                Ok(hits) => {
                    let ranges: Vec<ByteRange> = hits.iter().map(|h| h.range).collect();
                    let author = self.prefs.annotator.clone();
                    let planned = crate::model::search::plan_label_all(
                        &mut self.doc.store,
                        &ranges,
                        label,
                        link.as_ref(),
                        &author,
                        Timestamp::now(),
                    );
                    match planned {
                        Ok(plan) => {
                            if let Some(edit) = plan.edit() {
                                let summary = format!("label all: {} as {name}", plural(plan.added, "span"));
                                self.edit(edit, summary);
                            }
                        }
                        Err(e) => {
                            self.search.errors.push(e.to_string());
                            return;
                        }
                    }
                }
                Err(e) => self.search.errors.push(e.to_string()),
            }
        }
        let mut others: Vec<Source> = self
            .search
            .results
            .iter()
            .filter(|f| self.search.form.in_folder && here.as_deref() != Some(f.source.annotation_path()))
            .map(|f| f.source.clone())
            .collect();
        // With one file per analyst, only the analyst's own files change.
        let mut left_alone = 0;
        if let Some(me) = self.own_files() {
            let before = others.len();
            others.retain(|s| match s {
                Source::Annotations(p) => crate::io::corpus::name_parts(p).1.as_deref() == Some(me.as_str()),
                Source::Article { .. } => false,
            });
            left_alone = before - others.len();
        }
        if left_alone > 0 {
            self.search.errors.push(format!(
                "{} of other analysts (or without your file yet) left alone",
                plural(left_alone, "document")
            ));
        }
        self.search.label_as = Some(label);
        if others.is_empty() {
            self.set_status(format!("Labelled the results in this document as {name} (Ctrl+Z undoes it)"));
            self.rerun_search();
            return;
        }
        let author = self.prefs.annotator.clone();
        let cancel = Arc::new(AtomicBool::new(false));
        self.search.labelling = Some(Job::spawn(move |r| {
            let mut done = Vec::new();
            let mut errors = Vec::new();
            let how = corpus::LabelAll { label: name, link, author, now: Timestamp::now() };
            corpus::label_all(&others, &matcher, &how, &cancel, |i, n, result| {
                r.progress(i + 1, n);
                match result {
                    Ok(l) => {
                        let stamp = DiskStamp::of(l.source.annotation_path());
                        done.push((l, stamp));
                    }
                    Err(e) => errors.push(e),
                }
            });
            (done, errors)
        }));
    }

    pub(in crate::gui) fn apply_search(&mut self, action: SearchAction) {
        match action {
            SearchAction::Show => {
                self.search.open = true;
                self.search.focus = true;
                if self.corpus.is_some() && self.search.searched.is_none() {
                    self.search.form.in_folder = true;
                }
            }
            SearchAction::Close => {
                self.search.stop();
                self.search.open = false;
            }
            SearchAction::Run => self.start_search(),
            SearchAction::Move(step) => {
                self.search.cursor = self.search.moved(step);
                self.search.scroll_to_cursor = true;
            }
            SearchAction::OpenResult(at) => self.open_result(at),
            SearchAction::OpenCurrent => {
                if let Some(at) = self.search.cursor {
                    self.open_result(at);
                }
            }
            SearchAction::Preview(label) => self.search.preview = Some(self.preview(label)),
            SearchAction::LabelAll(label) => self.label_all_results(label),
            SearchAction::CancelPreview => self.search.preview = None,
            SearchAction::Check => self.start_check(),
            SearchAction::CloseCheck => self.consistency.open = false,
            SearchAction::OpenPlace(f, p, label) => self.open_place(f, p, label),
        }
    }
}

/// Keys of the result list (when no text field has the keyboard).
pub fn search_keys(ctx: &egui::Context, app: &SorotApp, actions: &mut Vec<Action>) {
    if !app.search.open || app.search.hit_count() == 0 || ctx.egui_wants_keyboard_input() || app.dialog.is_some() {
        return;
    }
    ctx.input_mut(|i| {
        if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown) {
            actions.push(Action::Search(SearchAction::Move(1)));
        }
        if i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp) {
            actions.push(Action::Search(SearchAction::Move(-1)));
        }
        if i.consume_key(egui::Modifiers::NONE, egui::Key::Enter) {
            actions.push(Action::Search(SearchAction::OpenCurrent));
        }
    });
}

fn result_line(ui: &egui::Ui, f: &Found) -> LayoutJob {
    let font = FontId::proportional(ui.style().text_styles[&egui::TextStyle::Body].size);
    let weak = ui.visuals().weak_text_color();
    let strong = ui.visuals().strong_text_color();
    let mut job = LayoutJob::default();
    let fmt = |color: Color32| TextFormat { font_id: font.clone(), color, ..Default::default() };
    job.append(&format!("{}:{}  ", f.line, f.col), 0.0, fmt(weak));
    job.append(&f.before, 0.0, fmt(weak));
    let mut hit = fmt(strong);
    hit.background = ui.visuals().selection.bg_fill.gamma_multiply(0.5);
    job.append(&f.text, 0.0, hit);
    job.append(&f.after, 0.0, fmt(weak));
    if !f.labels.is_empty() {
        job.append(&format!("  · {}", f.labels.join(", ")), 0.0, fmt(ui.visuals().text_color()));
    } else if !f.overlaps.is_empty() {
        job.append(&format!("  · inside {}", f.overlaps.join(", ")), 0.0, fmt(weak));
    }
    job.wrap.max_rows = 1;
    job.wrap.break_anywhere = true;
    job
}

/// The search panel (bottom of the window).
pub fn search_panel(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    if !app.search.open {
        return;
    }
    let labels: Vec<String> = app.doc.store.schema().labels.iter().map(|l| l.name.clone()).collect();
    let relation_types: Vec<String> = app.doc.store.schema().relation_types.iter().map(|r| r.name.clone()).collect();
    let attributes: Vec<String> = app
        .doc
        .store
        .schema()
        .label_index(&app.search.form.label)
        .and_then(|l| app.doc.store.schema().labels.get(l))
        .map(|d| d.attributes.iter().map(|a| a.name.clone()).collect())
        .unwrap_or_default();
    let has_folder = app.corpus.is_some();
    let read_only = app.doc.read_only;
    // Entities of the open document that spans of the chosen label can link to.
    let linkable: Vec<crate::model::search::EntityRef> = {
        let store = &app.doc.store;
        let fits =
            app.search.label_as.and_then(|l| store.schema().label(l as usize)).and_then(|d| d.entity_type.clone());
        match fits {
            Some(t) => store
                .entities()
                .filter(|e| store.schema().entity_type_is(&e.kind, &t))
                .map(crate::model::search::EntityRef::of)
                .collect(),
            None => Vec::new(),
        }
    };
    // The open document's annotation file, while it has unsaved changes.
    let open_unsaved: Option<std::path::PathBuf> = app.doc.history.is_dirty().then(|| app.doc.path.clone()).flatten();
    let app_open_unsaved = open_unsaved.as_deref();
    let s = &mut app.search;
    egui::Panel::bottom("search").resizable(true).default_size(260.0).show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            let name = ui.strong("Search for");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut s.form.pattern)
                        .hint_text(match (s.form.regex, s.form.label.is_empty()) {
                            (_, false) => "text to find (empty: every span)",
                            (true, true) => "regular expression",
                            (false, true) => "text to find",
                        })
                        .desired_width(220.0),
                )
                .labelled_by(name.id);
            if std::mem::take(&mut s.focus) {
                field.request_focus();
            }
            // Enter searches and the keyboard stays here (letters are not
            // label keys while the field looks active); ↓ goes to the
            // results, Escape closes the panel.
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                actions.push(Action::Search(SearchAction::Run));
                field.request_focus();
            }
            if field.has_focus() && ui.input(|i| i.key_pressed(egui::Key::ArrowDown)) && s.hit_count() > 0 {
                field.surrender_focus();
                s.scroll_to_cursor = true;
            }
            s.field_focused = field.has_focus();
            ui.checkbox(&mut s.form.ignore_case, "Ignore case");
            ui.checkbox(&mut s.form.ignore_accents, "Ignore accents");
            ui.checkbox(&mut s.form.whole_word, "Whole words");
            ui.checkbox(&mut s.form.regex, "Regular expression");
            if ui.button("Search").clicked() {
                actions.push(Action::Search(SearchAction::Run));
            }
            if ui.button("Close search").clicked() {
                actions.push(Action::Search(SearchAction::Close));
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("In");
            ui.add_enabled_ui(has_folder, |ui| {
                ui.radio_value(&mut s.form.in_folder, true, "The folder");
            })
            .response
            .on_disabled_hover_text("Open a folder (Ctrl+Shift+F) to search all its files");
            ui.radio_value(&mut s.form.in_folder, false, "This document");
            ui.separator();
            let shown = if s.form.label.is_empty() { "the whole text".to_owned() } else { s.form.label.clone() };
            egui::ComboBox::from_id_salt("search-label").selected_text(shown).show_ui(ui, |ui| {
                ui.selectable_value(&mut s.form.label, String::new(), "the whole text");
                for l in &labels {
                    ui.selectable_value(&mut s.form.label, l.clone(), l);
                }
            });
            if !s.form.label.is_empty() {
                ui.radio_value(&mut s.form.inside, false, "spans whose text matches");
                ui.radio_value(&mut s.form.inside, true, "matches inside the spans");
                if !attributes.contains(&s.form.missing_attribute) {
                    s.form.missing_attribute.clear();
                }
                if !attributes.is_empty() {
                    let shown = if s.form.missing_attribute.is_empty() {
                        "—".to_owned()
                    } else {
                        s.form.missing_attribute.clone()
                    };
                    crate::gui::combo(ui, "without", shown, |ui| {
                        ui.selectable_value(&mut s.form.missing_attribute, String::new(), "—");
                        for a in &attributes {
                            ui.selectable_value(&mut s.form.missing_attribute, a.clone(), a);
                        }
                    });
                }
                let shown = if s.form.not_in.is_empty() { "—".to_owned() } else { s.form.not_in.clone() };
                crate::gui::combo(ui, "in no relation", shown, |ui| {
                    ui.selectable_value(&mut s.form.not_in, String::new(), "—");
                    for r in &relation_types {
                        ui.selectable_value(&mut s.form.not_in, r.clone(), r);
                    }
                });
            } else {
                s.form.missing_attribute.clear();
                s.form.not_in.clear();
            }
        });
        let n = s.hit_count();
        ui.horizontal_wrapped(|ui| {
            if let Some(job) = &s.job {
                ui.spinner();
                let (done, total) = job.progress();
                ui.label(format!("Searching {done} of {total} files… {} so far", plural(n, "result")));
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
            } else if s.searched.is_some() {
                ui.label(format!("{} in {}", plural(n, "result"), plural(s.results.len(), "document")));
            }
            if let Some(job) = &s.labelling {
                ui.spinner();
                let (done, total) = job.progress();
                ui.add(
                    egui::ProgressBar::new(if total == 0 { 0.0 } else { done as f32 / total as f32 })
                        .desired_width(160.0)
                        .text(format!("labelling {done}/{total} files")),
                );
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
            }
            if n > 0 && s.job.is_none() && s.labelling.is_none() && s.preview.is_none() && !read_only {
                ui.separator();
                let caption = ui.label("Label all as");
                let combo = egui::ComboBox::from_id_salt("label-all-as")
                    .selected_text(s.label_as.and_then(|l| labels.get(l as usize)).map_or("a label…", |l| l.as_str()))
                    .show_ui(ui, |ui| {
                        for (i, l) in labels.iter().enumerate() {
                            if ui.selectable_label(s.label_as == Some(i as u16), l).clicked() {
                                s.label_as = Some(i as u16);
                            }
                        }
                    });
                combo.response.labelled_by(caption.id);
                if s.link_to.as_ref().is_some_and(|e| !linkable.contains(e)) {
                    s.link_to = None;
                }
                if !linkable.is_empty() {
                    let shown = s.link_to.as_ref().map_or("no entity".to_owned(), |e| e.name.clone());
                    crate::gui::combo(ui, "and link to", shown, |ui| {
                        ui.selectable_value(&mut s.link_to, None, "no entity");
                        for e in &linkable {
                            ui.selectable_value(&mut s.link_to, Some(e.clone()), &e.name);
                        }
                    });
                }
                if let Some(l) = s.label_as
                    && let Some(name) = labels.get(l as usize)
                    && ui.button(format!("Label the {} as {name}…", plural(n, "result"))).clicked()
                {
                    actions.push(Action::Search(SearchAction::Preview(l)));
                }
            }
        });
        if let Some(p) = &s.preview {
            let name = labels.get(p.label as usize).cloned().unwrap_or_default();
            ui.horizontal(|ui| {
                let mut text =
                    format!("Label {} as {name} in {}", plural(p.new, "result"), plural(p.documents, "document"));
                if let Some(e) = &s.link_to {
                    text.push_str(&format!(", linked to {}", e.name));
                }
                if p.already > 0 && s.link_to.is_some() {
                    text.push_str(&format!("; {} already {name} (linked where they are not)", p.already));
                } else if p.already > 0 {
                    text.push_str(&format!("; {} already {name}, skipped", p.already));
                }
                if p.overlapping > 0 {
                    text.push_str(&format!("; {} overlap other spans", p.overlapping));
                }
                ui.label(text);
                if ui.add_enabled(p.new > 0, egui::Button::new("Label them")).clicked() {
                    actions.push(Action::Search(SearchAction::LabelAll(p.label)));
                }
                if ui.button("Cancel").clicked() {
                    actions.push(Action::Search(SearchAction::CancelPreview));
                }
            });
        }
        for e in &s.errors {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        ui.separator();
        // One row per document header and per result: a virtualised list.
        let rows: Vec<(usize, Option<usize>)> = s
            .results
            .iter()
            .enumerate()
            .flat_map(|(f, fh)| std::iter::once((f, None)).chain((0..fh.hits.len()).map(move |h| (f, Some(h)))))
            .collect();
        let row_h = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y + 2.0;
        let mut area = egui::ScrollArea::vertical().auto_shrink([false, false]);
        if std::mem::take(&mut s.scroll_to_cursor)
            && let Some(c) = s.cursor
            && let Some(i) = rows.iter().position(|r| (r.0, r.1) == (c.0, Some(c.1)))
        {
            let visible = ui.available_height();
            area = area.vertical_scroll_offset((i as f32 * row_h - visible / 2.0).max(0.0));
        }
        area.show_rows(ui, row_h, rows.len(), |ui, range| {
            for &(f, h) in &rows[range] {
                let fh = &s.results[f];
                match h {
                    None => {
                        let name = match &fh.source {
                            Source::Annotations(p) => p.display().to_string(),
                            // The open document with unsaved labels is annotated.
                            Source::Article { article, annotations }
                                if app_open_unsaved.is_some_and(|p| p == annotations.as_path()) =>
                            {
                                format!("{} (unsaved)", article.display())
                            }
                            Source::Article { article, .. } => format!("{} (not annotated yet)", article.display()),
                        };
                        ui.strong(format!("{name} — {}", plural(fh.hits.len(), "result")));
                    }
                    Some(h) => {
                        let found = &fh.hits[h];
                        let line = result_line(ui, found);
                        let chosen = s.cursor == Some((f, h));
                        let r = ui.selectable_label(chosen, line);
                        if r.clicked() {
                            actions.push(Action::Search(SearchAction::OpenResult((f, h))));
                        }
                    }
                }
            }
        });
    });
}
