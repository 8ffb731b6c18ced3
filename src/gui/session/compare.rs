//! Comparing and adjudicating annotators' files: the state, the decisions,
//! the panel and the agreement tables.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use egui::{Color32, RichText};

use super::*;
use crate::gui::CompareAction;

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
    /// The annotators' relations the merged file leaves out, and those not
    /// every file drew (or left out by hand), for the history state they
    /// were found in.
    #[allow(clippy::type_complexity)]
    relations: Option<(u64, Vec<String>, Vec<crate::model::compare::RelationDifference>)>,
}

impl CompareState {
    fn new(
        adj: Adjudication,
        files: Vec<PathBuf>,
        decisions: HashMap<u64, Vec<Option<Choice>>>,
        figures: Option<crate::model::agreement::Report>,
    ) -> Self {
        CompareState { adj, files, decisions, current: 0, filter: None, figures, relations: None }
    }

    /// The decisions that made the current state: those recorded for it,
    /// else for the latest state it came from (marking the merged file done
    /// or editing it keeps the decisions that made it).
    pub fn decisions(&self, history: &History) -> Vec<Option<Choice>> {
        history.lineage().find_map(|g| self.decisions.get(&g)).cloned().unwrap_or_default()
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

pub fn agreement_color(k: Agreement) -> Color32 {
    match k {
        Agreement::Agree => Color32::from_rgb(40, 160, 70),
        Agreement::AttributesDiffer => Color32::from_rgb(150, 90, 200),
        Agreement::LabelDiffers => Color32::from_rgb(60, 110, 230),
        Agreement::Boundaries => Color32::from_rgb(230, 140, 20),
        Agreement::Partial => Color32::from_rgb(210, 40, 40),
    }
}

pub(super) fn annotator_of(path: &Path, store: &Store) -> String {
    // An adjudicated file compared on purpose is named by its role, never
    // as the adjudicator, who did not annotate it.
    if crate::io::corpus::is_adjudicated(path) {
        return crate::io::corpus::name_parts(path).1.unwrap_or_else(|| crate::io::corpus::ADJUDICATED.into());
    }
    let (stem, who) = crate::io::corpus::name_parts(path);
    store.meta.annotator.clone().or(who).unwrap_or(stem)
}

/// Files being read for a compare.
pub struct CompareLoading {
    files: Vec<PathBuf>,
    /// Set when the files are read to show again the decisions recorded in
    /// this merged file (opened from disk), not to start a new merge.
    resume: Option<PathBuf>,
    job: Job<Result<Loaded, String>>,
}

/// What reading the files to compare gave.
pub(super) enum Loaded {
    Merge(Box<Prepared>),
    /// An adjudication of the same files in progress, to continue instead
    /// of starting another (see [`crate::io::corpus::adjudication_in_progress`]).
    Continue(PathBuf),
}

/// A merge ready to open.
pub(super) struct Prepared {
    adj: Adjudication,
    merged: Store,
    figures: Option<crate::model::agreement::Report>,
}

/// Reads `files`, names their annotators (`names`, else from the files)
/// and prepares the merge (on a worker thread).
fn prepare(
    files: &[PathBuf],
    names: Option<Vec<String>>,
    adjudicator: &str,
    progress: &dyn Fn(usize, usize),
) -> Result<Prepared, String> {
    let mut stores = Vec::new();
    for (i, f) in files.iter().enumerate() {
        progress(i, files.len());
        stores.push(crate::io::load_annotations(f).map_err(|e| format!("{e:#}"))?);
    }
    progress(files.len(), files.len());
    let names = names.unwrap_or_else(|| {
        let mut names: Vec<String> = files.iter().zip(&stores).map(|(f, s)| annotator_of(f, s)).collect();
        // Two files of one annotator are told apart by their file names.
        for i in 0..names.len() {
            if names.iter().filter(|n| **n == names[i]).count() > 1 {
                names[i] = files[i].file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            }
        }
        names
    });
    let figures = crate::model::agreement::report(&stores);
    let (adj, merged) =
        Adjudication::new(stores, names, adjudicator, Timestamp::now()).map_err(|e| format!("Cannot compare: {e}"))?;
    Ok(Prepared { adj, merged, figures })
}

/// How the merged file at `merged` names a compared file: by its file name
/// when it is beside it, else by its path.
fn recorded_name(merged: Option<&Path>, file: &Path) -> String {
    match (merged.and_then(Path::parent), file.parent(), file.file_name()) {
        (Some(a), Some(b), Some(name)) if a == b => name.to_string_lossy().into_owned(),
        _ => file.display().to_string(),
    }
}

impl SorotApp {
    /// The current article's annotation files for the compare dialog, the
    /// annotators' ticked and adjudicated ones (results) not: from the
    /// folder's list, else from the files beside the open one.
    pub(in crate::gui) fn compare_candidates(&self) -> Vec<(PathBuf, bool)> {
        let tick = |p: PathBuf| {
            let annotator = !crate::io::corpus::is_adjudicated(&p);
            (p, annotator)
        };
        if let Some(c) = &self.corpus
            && let Some(e) =
                self.doc.path.as_deref().and_then(|p| c.corpus.position(p)).and_then(|i| c.corpus.entries.get(i))
        {
            return e.files.iter().map(|f| tick(f.path.clone())).collect();
        }
        let Some(path) = self.doc.path.as_deref() else { return Vec::new() };
        let stem = match self.doc.store.meta.original_path.as_deref() {
            Some(article) => Path::new(article).file_stem().map(|s| s.to_string_lossy().into_owned()),
            None => Some(crate::io::corpus::name_parts(path).0),
        };
        let (Some(stem), Some(dir)) = (stem, path.parent()) else { return Vec::new() };
        let Ok(read) = std::fs::read_dir(dir) else { return Vec::new() };
        let mut found: Vec<PathBuf> = read
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                // `stem.sorot.ron` or `stem.<someone>.sorot.ron`.
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                name.strip_suffix(crate::io::ANNOTATION_SUFFIX)
                    .and_then(|base| base.strip_prefix(stem.as_str()))
                    .is_some_and(|rest| rest.is_empty() || rest.strip_prefix('.').is_some_and(|who| !who.contains('.')))
            })
            .collect();
        found.sort();
        found.into_iter().map(tick).collect()
    }

    /// Reads the files on a worker and prepares the merge; the window stays
    /// responsive, and [`SorotApp::poll_compare`] opens the compare view.
    pub(in crate::gui) fn start_compare(&mut self, files: Vec<PathBuf>) {
        if files.len() < 2 {
            self.dialog = Some(Dialog::Error("Give two or more annotation files of the same article.".into()));
            return;
        }
        if !self.leave_document() {
            return;
        }
        let adjudicator = self.prefs.annotator.clone();
        let inputs = files.clone();
        let job = Job::spawn(move |r| {
            if let Some(merged) = crate::io::corpus::adjudication_in_progress(&inputs, &adjudicator) {
                return Ok(Loaded::Continue(merged));
            }
            prepare(&inputs, None, &adjudicator, &|i, n| r.progress(i, n)).map(|p| Loaded::Merge(Box::new(p)))
        });
        self.set_status(format!("Reading {} files to compare…", files.len()));
        self.compare_loading = Some(CompareLoading { files, resume: None, job });
    }

    /// Keeps the compare's decisions in the merged file's metadata, so a
    /// save writes them (called before saving and on leaving the view).
    pub(in crate::gui) fn record_decisions(&mut self) {
        let Some(c) = &self.compare else { return };
        let merged = self.doc.path.as_deref();
        let files = c.files.iter().map(|f| recorded_name(merged, f)).collect();
        let record = c.adj.record(files, &c.decisions(&self.doc.history));
        self.doc.store.meta.adjudication = Some(Box::new(record));
    }

    /// After a merged file is opened: reads the files it records having
    /// compared, to show its decisions again in the compare view.
    pub(in crate::gui) fn resume_compare(&mut self) {
        let (Some(record), Some(path)) = (self.doc.store.meta.adjudication.as_deref(), self.doc.path.clone()) else {
            return;
        };
        let dir = path.parent().map(Path::to_owned).unwrap_or_default();
        let files: Vec<PathBuf> = record.files.iter().map(|f| dir.join(f)).collect();
        if let Some(missing) = files.iter().find(|f| !f.exists()) {
            let saved = self.saved_on_leave.take().map(|n| format!("Saved {n}; ")).unwrap_or_default();
            self.set_status(format!(
                "{saved}This merged file's decisions cannot be shown again: {} is gone. It is open for editing as any file.",
                missing.display()
            ));
            return;
        }
        let names = record.names.clone();
        let adjudicator = self.doc.store.meta.annotator.clone().unwrap_or_else(|| self.prefs.annotator.clone());
        let inputs = files.clone();
        let job = Job::spawn(move |r| {
            prepare(&inputs, Some(names), &adjudicator, &|i, n| r.progress(i, n)).map(|p| Loaded::Merge(Box::new(p)))
        });
        self.compare_loading = Some(CompareLoading { files, resume: Some(path), job });
    }

    /// Shows the recorded decisions of the open merged file in the compare
    /// view, when the files it compared still describe it.
    fn finish_resume(&mut self, files: Vec<PathBuf>, merged_path: &Path, prepared: Result<Prepared, String>) {
        if self.doc.path.as_deref() != Some(merged_path) || self.compare.is_some() {
            return;
        }
        let Some(record) = self.doc.store.meta.adjudication.clone() else { return };
        // The save of the document left for this one, said here (the open
        // left it to the compare's line).
        let saved = self.saved_on_leave.take().map(|n| format!("Saved {n}; ")).unwrap_or_default();
        let resumed = prepared.and_then(|p| {
            let decisions = p.adj.resume(&self.doc.store, &record)?;
            Ok((p, decisions))
        });
        match resumed {
            Ok((Prepared { adj, figures, .. }, initial)) => {
                let mut decisions = HashMap::new();
                decisions.insert(self.doc.history.generation(), initial);
                let state = CompareState::new(adj, files, decisions, figures);
                let rows = state.rows();
                let open = rows.iter().filter(|&&u| state.decisions(&self.doc.history)[u].is_none()).count();
                let first = rows.first().copied();
                self.compare = Some(state);
                if let Some(u) = first {
                    self.pending.push(Action::Compare(CompareAction::Go(u)));
                }
                self.set_status(format!(
                    "{saved}The compare of this merged file, as saved: {} of {} differences decided{}",
                    rows.len() - open,
                    rows.len(),
                    if open == 0 { "" } else { " (1–9, B or X decide the rest)" }
                ));
            }
            Err(why) => self.set_status(format!(
                "{saved}This merged file's decisions cannot be shown again: {why}. It is open for editing as any file."
            )),
        }
    }

    /// Opens the compare view once its files are read.
    pub(super) fn poll_compare(&mut self) {
        let Some(loading) = &mut self.compare_loading else { return };
        let prepared = match loading.job.poll() {
            Poll::Running | Poll::Update(()) => return,
            Poll::Done(p) => p,
            Poll::Lost => Err("reading the files stopped unexpectedly".into()),
        };
        let Some(CompareLoading { files, resume, .. }) = self.compare_loading.take() else { return };
        let prepared = match prepared {
            Ok(Loaded::Merge(p)) => Ok(*p),
            Ok(Loaded::Continue(merged)) => {
                // Opened as any merged file: its decisions come back.
                if self.leave_document() {
                    self.start_loading(merged);
                }
                return;
            }
            Err(e) => Err(e),
        };
        if let Some(merged_path) = resume {
            self.finish_resume(files, &merged_path, prepared);
            return;
        }
        // Edits made while the files were read are saved first, as when
        // the compare started; if they cannot be, the compare is dropped.
        if !self.leave_document() {
            return;
        }
        let Prepared { adj, merged, figures } = match prepared {
            Ok(p) => p,
            Err(e) => {
                self.dialog = Some(Dialog::Error(e));
                return;
            }
        };
        // Never the name of a file that exists (or of an input): a merge
        // does not replace an earlier, perhaps reviewed, adjudication.
        let Some(path) = crate::io::corpus::adjudicated_path(&files) else {
            self.dialog = Some(Dialog::Error("No free name for the merged file beside the first file.".into()));
            return;
        };
        // A new file: it was never read from disk, so a save asks before
        // replacing anything that appears under its name.
        let mut doc = Document::unsaved(merged, path.clone());
        doc.history.mark_unsaved();
        let mut decisions = HashMap::new();
        decisions.insert(doc.history.generation(), adj.initial_decisions());
        let dropped = adj.dropped.clone();
        self.doc = doc;
        self.review = None;
        self.selected = None;
        self.selection.clear();
        self.view = crate::gui::TextView::default();
        self.entity_form = Default::default();
        self.view.font_size = self.prefs.font_size;
        let state = CompareState::new(adj, files, decisions, figures);
        let first_row = state.rows().first().copied();
        let n = state.rows().len();
        self.compare = Some(state);
        if let Some(u) = first_row {
            self.pending.push(Action::Compare(CompareAction::Go(u)));
        }
        let saved = self.saved_on_leave.take().map(|n| format!("Saved {n}; ")).unwrap_or_default();
        self.set_status(format!(
            "{saved}{} to settle; the merged file will be saved as {} (Ctrl+S)",
            crate::model::plural(n, "difference"),
            path.display()
        ));
        if !dropped.is_empty() {
            self.dialog = Some(Dialog::Report {
                title: "Not everything can be merged".into(),
                text: format!("The merged file uses the first file's schema. Left out:\n{}", dropped.join("\n")),
                open: None,
            });
        }
    }

    /// Keeps (`true`) or leaves out a relation that not every annotator
    /// drew: one undoable edit of the merged file, which later decisions
    /// respect.
    pub(in crate::gui) fn decide_relation(&mut self, id: crate::model::RelationId, keep: bool) {
        let Some(c) = &self.compare else { return };
        let Some(d) = c.adj.relation_differences(&self.doc.store).into_iter().find(|d| d.relation.id == id) else {
            return;
        };
        let kind = self.doc.store.relation_type(d.relation.kind).map_or("?", |t| t.name.as_str()).to_owned();
        let by: Vec<&str> = d.drawn_by.iter().filter_map(|f| c.adj.names.get(*f)).map(String::as_str).collect();
        let (edit, summary) = if keep {
            (Edit::AddRelation(d.relation), format!("Kept the {kind} drawn by {}", by.join(", ")))
        } else {
            (Edit::RemoveRelation(id), format!("Left out the {kind} drawn by {}", by.join(", ")))
        };
        match self.doc.apply(edit, summary.clone()) {
            Ok(()) => self.set_status(summary),
            Err(e) => self.set_status(format!("Not done: {e}")),
        }
    }

    pub(in crate::gui) fn decide(&mut self, u: usize, choice: Choice) {
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
                    self.pending.push(Action::Compare(CompareAction::Go(n)));
                }
            }
            Err(e) => self.set_status(format!("Not done: {e}")),
        }
    }
}

/// The agreement figures as tables, one per file against the reference.
pub(super) fn agreement_table(ui: &mut egui::Ui, report: &crate::model::agreement::Report, names: &[String]) {
    let name = |i: usize| names.get(i).map_or("?", String::as_str);
    let cell = |ui: &mut egui::Ui, x: Option<f64>| {
        ui.label(RichText::new(crate::model::agreement::figure(x)).monospace().size(11.0));
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
                for x in [
                    c.precision_if_any(),
                    c.recall_if_any(),
                    c.f1_if_any(),
                    o.precision_if_any(),
                    o.recall_if_any(),
                    o.f1_if_any(),
                ] {
                    cell(ui, x);
                }
                ui.end_row();
            }
            ui.label("relations");
            let (r, o) = (&p.relations, &p.relations_overlap);
            for x in [
                r.precision_if_any(),
                r.recall_if_any(),
                r.f1_if_any(),
                o.precision_if_any(),
                o.recall_if_any(),
                o.f1_if_any(),
            ] {
                cell(ui, x);
            }
            ui.end_row();
        });
        ui.label(format!("Cohen's kappa on {} tokens: {:.3}", report.tokens, p.kappa));
    }
    if let Some(f) = report.fleiss {
        ui.label(format!("Fleiss' kappa on {} tokens, {} annotators: {f:.3}", report.tokens, report.annotators));
    }
    ui.weak(
        "~: overlapping spans of the same label count as matching, in relations' arguments too; —: nothing to judge",
    );
}

/// The compare view's panel: figures, the list of differences, decisions.
pub fn compare_panel(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let Some(c) = &mut app.compare else { return };
    let decisions = c.decisions(&app.doc.history);
    ui.heading("Compare and adjudicate");
    if ui.button("Leave the compare view").on_hover_text("Keep editing the merged file as any other").clicked() {
        actions.push(Action::Compare(CompareAction::End));
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
    if open == 0 && !rows.is_empty() {
        let name = app
            .doc
            .path
            .as_deref()
            .and_then(|p| p.file_name())
            .map_or_else(|| "the merged file".to_owned(), |n| n.to_string_lossy().into_owned());
        ui.label(RichText::new(format!("All {} decided — Ctrl+S saves {name}", rows.len())).strong());
    } else {
        ui.label(format!(
            "{open} of {} undecided. Keys: ↑/↓ move, 1–{} take that version, B both, X neither; Ctrl+Z undoes.",
            rows.len(),
            c.adj.names.len()
        ));
    }
    // Relations follow the spans taken; say which the merged file leaves
    // out (an argument of theirs taken from nobody), never drop them unseen.
    let generation = app.doc.history.generation();
    if c.relations.as_ref().is_none_or(|(g, _, _)| *g != generation) {
        let (left_out, differences) = c.adj.relation_report(&app.doc.store);
        c.relations = Some((generation, left_out, differences));
    }
    if let Some((_, left, _)) = &c.relations
        && !left.is_empty()
    {
        let shown: Vec<&str> = left.iter().take(6).map(String::as_str).collect();
        let more = if left.len() > 6 { format!(" and {} more", left.len() - 6) } else { String::new() };
        ui.label(
            RichText::new(format!(
                "Not in the merged file yet: {}{more} — a span they use is undecided or taken from nobody (X), or the version taken does not fit the role",
                shown.join(", ")
            ))
            .color(ui.visuals().warn_fg_color),
        );
    }
    // Relations only some annotators drew come in with their spans; each
    // is listed to keep or leave out (they were taken in unseen).
    if let Some((_, _, diffs)) = &c.relations
        && !diffs.is_empty()
    {
        let store = &app.doc.store;
        egui::CollapsingHeader::new(format!("Relations not every annotator drew ({})", diffs.len()))
            .id_salt("relation-differences")
            .default_open(true)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("relation-differences-list").max_height(160.0).show(ui, |ui| {
                    for d in diffs {
                        let r = &d.relation;
                        let kind = store.relation_type(r.kind).map_or("?", |t| t.name.as_str());
                        let args: Vec<String> = r
                            .args
                            .iter()
                            .map(|a| format!("{} {}", a.role, crate::model::draft::target_text(store, a.target)))
                            .collect();
                        let by: Vec<&str> =
                            d.drawn_by.iter().filter_map(|f| c.adj.names.get(*f)).map(String::as_str).collect();
                        ui.horizontal_wrapped(|ui| {
                            ui.label(format!("{kind}: {} — drawn by {}", args.join(", "), by.join(", ")));
                            if d.present {
                                if ui.small_button("Leave out").clicked() {
                                    actions.push(Action::Compare(CompareAction::Relation(r.id, false)));
                                }
                            } else if ui.small_button("Keep").clicked() {
                                actions.push(Action::Compare(CompareAction::Relation(r.id, true)));
                            }
                        });
                    }
                });
            });
    }
    ui.separator();
    let text = app.doc.store.text();
    egui::ScrollArea::vertical().id_salt("differences").show(ui, |ui| {
        for (row, u) in rows.into_iter().enumerate() {
            let unit = &c.adj.units[u];
            let decided = decisions.get(u).copied().flatten();
            // Decided rows are ticked, not told apart by their ending only.
            let head = format!(
                "{} {}. {} · “{}”{}",
                if decided.is_some() { "✔" } else { "○" },
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
            // The current row on the selection colour in the theme's own
            // strong text (the agreement colour on it was hard to read).
            let label = if current {
                RichText::new(head).strong()
            } else if decided.is_some() {
                RichText::new(head).color(agreement_color(unit.kind)).weak()
            } else {
                RichText::new(head).color(agreement_color(unit.kind))
            };
            if ui.selectable_label(current, label).clicked() {
                actions.push(Action::Compare(CompareAction::Go(u)));
            }
            if current {
                ui.indent(u, |ui| {
                    for (f, name) in c.adj.names.iter().enumerate() {
                        let version = c.adj.version(u, f);
                        let shown = if version.is_empty() { "(nothing)".to_owned() } else { version.join("; ") };
                        if ui.button(format!("{}: {name}: {shown}", f + 1)).clicked() {
                            actions.push(Action::Compare(CompareAction::Decide(u, Choice::File(f))));
                        }
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Both (B)").clicked() {
                            actions.push(Action::Compare(CompareAction::Decide(u, Choice::All)));
                        }
                        if ui.button("Neither (X)").clicked() {
                            actions.push(Action::Compare(CompareAction::Decide(u, Choice::Neither)));
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
