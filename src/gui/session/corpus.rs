//! A folder as a labeling session: scanning it, its list, progress.

use std::path::{Path, PathBuf};

use egui::RichText;

use super::*;
use crate::gui::{CompareAction, FolderAction};

/// A folder being worked through.
pub struct CorpusView {
    pub corpus: Corpus,
    scan: Option<Job<anyhow::Result<Corpus>>>,
}

impl CorpusView {
    pub fn is_scanning(&self) -> bool {
        self.scan.is_some()
    }
}

impl SorotApp {
    pub(in crate::gui) fn start_scan(&mut self, dir: PathBuf, open_first: bool) {
        let d = dir.clone();
        let job = Job::spawn(move |r| crate::io::corpus::scan(&d, |i, n| r.progress(i, n)));
        let corpus = self.corpus.take().map(|c| c.corpus).filter(|c| c.dir == dir);
        self.corpus =
            Some(CorpusView { corpus: corpus.unwrap_or_else(|| Corpus { dir, entries: Vec::new() }), scan: Some(job) });
        self.open_first_after_scan = open_first;
    }

    /// Follows the folder scan.
    pub(super) fn poll_scan(&mut self) {
        if let Some(c) = &mut self.corpus
            && let Some(job) = &mut c.scan
        {
            match job.poll() {
                Poll::Running | Poll::Update(()) => {}
                Poll::Done(Ok(corpus)) => {
                    c.corpus = corpus;
                    c.scan = None;
                }
                Poll::Done(Err(e)) => {
                    self.corpus = None;
                    self.dialog = Some(Dialog::Error(format!("{e:#}")));
                    return;
                }
                Poll::Lost => c.scan = None,
            }
            if c.scan.is_none() && std::mem::take(&mut self.open_first_after_scan) {
                let n = c.corpus.entries.len();
                self.set_status(format!("Opened a folder of {n} documents"));
                if n > 0 {
                    self.pending.push(Action::Folder(FolderAction::OpenUnfinished { from: 0, skipped: Vec::new() }));
                }
            }
        }
    }

    /// Opens the folder's first document not finished yet from number
    /// `from` on (the first document when all are finished); see
    /// [`FolderAction::OpenUnfinished`].
    pub(in crate::gui) fn open_unfinished(&mut self, from: usize, skipped: Vec<String>) {
        let own = self.own_files();
        let Some(c) = self.corpus.as_ref().map(|c| &c.corpus) else { return };
        let unfinished =
            |e: &crate::io::corpus::Entry| !matches!(c.state(e, own.as_deref()), DocState::Done | DocState::Reviewed);
        let next = c.entries.iter().enumerate().skip(from).find(|(_, e)| unfinished(e)).map(|(i, _)| i);
        let next = next.or_else(|| (from == 0).then_some(0).filter(|_| !c.entries.is_empty()));
        let target = next.and_then(|i| Some((i, c.entries.get(i)?.file_to_open(&c.dir, own.as_deref())?)));
        let Some((i, target)) = target else {
            if !skipped.is_empty() {
                self.dialog =
                    Some(Dialog::Error(format!("No document of the folder could be opened: {}", skipped.join("; "))));
            }
            return;
        };
        if self.leave_document() {
            self.start_loading(target);
            if let Some(l) = &mut self.loading {
                l.unfinished = Some((i, skipped));
            }
        }
    }

    /// After a save: what the folder list shows for the file.
    pub(in crate::gui) fn saved_in_corpus(&mut self, path: &Path) {
        let named = self.own_files();
        if let Some(c) = &mut self.corpus {
            c.corpus.update(AnnFile::of_store(path, &self.doc.store, named.as_deref()));
        }
    }
}

/// The folder list's width when there is room.
pub const CORPUS_WIDTH: f32 = 280.0;

/// The folder's documents, with states and progress (left panel); the
/// width it was shown at and the widest it could be.
pub fn corpus_panel(ui: &mut egui::Ui, app: &SorotApp, actions: &mut Vec<Action>) -> Option<(f32, f32)> {
    let c = app.corpus.as_ref()?;
    let own = app.own_files();
    let widest = crate::gui::side_panel_max(ui, 0.22);
    let panel = egui::Panel::left("corpus").default_size(CORPUS_WIDTH.min(widest)).max_size(widest).resizable(true);
    let shown = app.panel_widths.panel(panel, "corpus", widest).show(ui, |ui| {
        crate::gui::within_panel(ui, |ui| {
            let dir = c
                .corpus
                .dir
                .file_name()
                .map_or_else(|| c.corpus.dir.display().to_string(), |n| n.to_string_lossy().into_owned());
            ui.heading(format!("Folder {dir}"));
            if let Some(job) = &c.scan {
                let (done, total) = job.progress();
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Reading {done} of {total} files…"));
                });
            }
            // The folder's progress, as `sorot status` prints it; one's own
            // files beside it when each annotator has their own.
            let p = c.corpus.progress();
            let frac = if p.articles == 0 { 0.0 } else { p.done as f32 / p.articles as f32 };
            ui.add(egui::ProgressBar::new(frac).text(p.headline()))
                .on_hover_text("Articles whose annotators' files are all done (as `sorot status` counts)");
            let mut more = Vec::new();
            if app.prefs.per_annotator_files {
                more.push(format!("yours: {} of {} done", c.corpus.finished(own.as_deref()), p.articles));
            }
            let later = p.later_stages();
            if !later.is_empty() {
                more.push(later);
            }
            if !more.is_empty() {
                ui.label(more.join(" · "));
            }
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
                    actions.push(Action::Folder(FolderAction::Relationships));
                }
                if ui.button("Read again").on_hover_text("Files added or changed outside Sorot").clicked() {
                    actions.push(Action::Folder(FolderAction::Rescan));
                }
            });
            ui.separator();
            let here = app.doc.path.as_deref().and_then(|p| c.corpus.position(p));
            // Virtualised: only the rows on screen are laid out (a folder of
            // thousands of articles). Each entry is two lines of fixed height.
            let line_h = ui.spacing().interact_size.y.max(ui.text_style_height(&egui::TextStyle::Body));
            let row_h = 2.0 * line_h + ui.spacing().item_spacing.y;
            let rows = c.corpus.entries.len();
            egui::ScrollArea::vertical().id_salt("corpus-list").auto_shrink([false, false]).show_rows(
                ui,
                row_h,
                rows,
                |ui, range| {
                    for i in range {
                        let Some(e) = c.corpus.entries.get(i) else { continue };
                        let state = c.corpus.state(e, own.as_deref());
                        // A file that cannot be read is not a new one.
                        let damaged =
                            e.file(&e.path_for(&c.corpus.dir, own.as_deref())).is_some_and(|f| f.error.is_some());
                        // The open document as it is now, not as last saved.
                        let open_unsaved = Some(i) == here && app.doc.history.is_dirty();
                        let state = match (damaged, open_unsaved) {
                            (true, _) => "damaged".to_owned(),
                            (false, true) => format!("{}, unsaved", app.doc.store.meta.state.name()),
                            (false, false) => state.name().to_owned(),
                        };
                        let text = RichText::new(format!("{}  [{}]", e.stem, state));
                        let text = if damaged { text.color(ui.visuals().warn_fg_color) } else { text };
                        let text = if Some(i) == here { text.strong() } else { text };
                        let row = ui.selectable_label(Some(i) == here, text);
                        let mut tip = String::new();
                        for f in &e.files {
                            let name = f.name();
                            match &f.error {
                                Some(err) => tip.push_str(&format!("{name}: cannot be read: {err}\n")),
                                None => {
                                    let role = if crate::io::corpus::is_adjudicated(&f.path) {
                                        "adjudicated by"
                                    } else {
                                        "by"
                                    };
                                    let by = if f.reviewers.is_empty() {
                                        String::new()
                                    } else {
                                        format!(" by {}", f.reviewers.join(", "))
                                    };
                                    // A file with no annotator (imported) names none.
                                    let who =
                                        f.annotator.as_deref().map(|a| format!(" {role} {a}")).unwrap_or_default();
                                    tip.push_str(&format!("{name}: {}{who}, {}{by}\n", f.state.name(), f.counts()));
                                }
                            }
                        }
                        if tip.is_empty() {
                            tip = "not annotated yet".into();
                        }
                        if row.on_hover_text(tip).clicked() {
                            actions.push(Action::Folder(FolderAction::OpenEntry(i)));
                        }
                        let standing = e.standing().describe();
                        ui.horizontal(|ui| {
                            ui.set_height(line_h);
                            let annotators: Vec<PathBuf> = e.annotator_files().map(|f| f.path.clone()).collect();
                            if annotators.len() >= 2
                                && ui
                                    .small_button(format!("Compare {}", annotators.len()))
                                    .on_hover_text(
                                        "Compare the annotators' files (adjudicated files are results, not annotators)",
                                    )
                                    .clicked()
                            {
                                actions.push(Action::Compare(CompareAction::Start(annotators)));
                            }
                            ui.add(egui::Label::new(RichText::new(standing).weak()).truncate());
                        });
                    }
                },
            );
        })
    });
    Some((shown.response.rect.width(), widest))
}
