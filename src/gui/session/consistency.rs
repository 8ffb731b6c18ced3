//! Session → Check consistency: the folder's findings (the same text with
//! different labels, labelled in some places only, linked to different
//! entities) in a window; each occurrence opens at its text, and "Fix"
//! gives it the label the text usually has (an ordinary, undoable edit in
//! that document).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::*;
use crate::gui::SearchAction;
use crate::io::search::{self as corpus, CheckReport, Source};
use crate::model::consistency::Kind;

/// The consistency window's state.
#[derive(Default)]
pub struct ConsistencyView {
    pub open: bool,
    pub report: Option<CheckReport>,
    job: Option<Job<CheckReport>>,
    /// Occurrences fixed since the check: (finding, place).
    fixed: Vec<(usize, usize)>,
}

impl ConsistencyView {
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }
}

impl SorotApp {
    /// Reads the folder (or the open document) and checks it on a worker.
    pub(in crate::gui) fn start_check(&mut self) {
        let open_path = self.doc.path.clone();
        let sources: Vec<Source> = match &self.corpus {
            Some(c) => corpus::sources(std::slice::from_ref(&c.corpus.dir))
                .into_iter()
                .filter(|s| matches!(s, Source::Annotations(_)))
                .collect(),
            None => vec![Source::Annotations(open_path.clone().unwrap_or_else(|| "(this document)".into()))],
        };
        let store = self.doc.store.clone();
        let here = open_path.unwrap_or_else(|| "(this document)".into());
        self.consistency.open = true;
        self.consistency.fixed.clear();
        self.consistency.job = Some(Job::spawn(move |r| {
            let cancel = Arc::new(AtomicBool::new(false));
            corpus::check(&sources, Some((here.as_path(), &store)), &cancel, |i, n| r.progress(i, n))
        }));
    }

    pub(in crate::gui) fn poll_check(&mut self) {
        let Some(job) = &mut self.consistency.job else { return };
        match job.poll() {
            Poll::Running | Poll::Update(()) => {}
            Poll::Done(report) => {
                let n = report.findings.len();
                self.consistency.report = Some(report);
                self.consistency.job = None;
                self.set_status(if n == 0 {
                    "Consistency: nothing found".to_owned()
                } else {
                    format!("Consistency: {n} {}", if n == 1 { "finding" } else { "findings" })
                });
            }
            Poll::Lost => {
                self.consistency.job = None;
                self.set_status("The consistency check stopped unexpectedly");
            }
        }
    }

    /// Opens a finding's occurrence at its text; with `label`, gives it
    /// that label there (labels the text, or relabels the span on it).
    pub(in crate::gui) fn open_place(&mut self, finding: usize, place: usize, label: Option<String>) {
        let Some((_, places)) = self.consistency.report.as_ref().and_then(|r| r.findings.get(finding)) else { return };
        let Some(p) = places.get(place) else { return };
        let (source, range) = (p.source.clone(), p.found.range);
        if label.is_some() {
            self.consistency.fixed.push((finding, place));
        }
        if self.doc.path.as_deref() == Some(source.annotation_path()) || self.corpus.is_none() {
            self.show_range(range, label.as_deref());
            return;
        }
        if !self.leave_document() {
            return;
        }
        self.search.select_after_load = Some(range);
        self.search.label_after_load = label;
        self.start_loading(source.open_path().to_owned());
    }

    /// Selects `range` (the span on exactly it, if any) and brings it into
    /// view; with `label`, labels it.
    pub(in crate::gui) fn show_range(&mut self, range: ByteRange, label: Option<&str>) {
        if self.doc.store.text().check_range(range).is_err() {
            self.set_status("That text is no longer in this document (it changed since the check)");
            return;
        }
        let on_it = self
            .doc
            .store
            .spans_overlapping(range)
            .into_iter()
            .find(|id| self.doc.store.span(*id).is_some_and(|s| s.ranges.len() == 1 && s.ranges[0] == range));
        match on_it {
            Some(id) => {
                self.selection.clear();
                self.selected = Some(id);
            }
            None => {
                self.selection = vec![range];
                self.selected = None;
            }
        }
        self.view.scroll_to(range.start());
        if let Some(name) = label {
            match self.doc.store.schema().label_index(name) {
                Some(l) => self.label(l as u16),
                None => self.set_status(format!("This document has no label {name}")),
            }
        }
    }
}

/// The consistency findings, in a window.
pub fn consistency_window(ctx: &egui::Context, app: &SorotApp, actions: &mut Vec<Action>) {
    let c = &app.consistency;
    if !c.open {
        return;
    }
    let mut open = true;
    egui::Window::new("Consistency of labels").open(&mut open).default_size([640.0, 420.0]).show(ctx, |ui| {
        if let Some(job) = &c.job {
            let (done, total) = job.progress();
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Reading {done} of {total} files…"));
            });
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
            return;
        }
        let Some(report) = &c.report else { return };
        ui.horizontal(|ui| {
            let n = report.findings.len();
            ui.label(format!("{n} {} in {} files", if n == 1 { "finding" } else { "findings" }, report.documents));
            if ui.button("Check again").clicked() {
                actions.push(Action::Search(SearchAction::Check));
            }
        });
        for e in &report.errors {
            ui.colored_label(ui.visuals().error_fg_color, format!("skipped: {e}"));
        }
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            for (fi, (f, places)) in report.findings.iter().enumerate() {
                egui::CollapsingHeader::new(f.summary()).id_salt(("finding", fi)).default_open(fi < 20).show(
                    ui,
                    |ui| {
                        for (pi, p) in places.iter().enumerate() {
                            let file = p.source.annotation_path().file_name().map(|n| n.to_string_lossy().into_owned());
                            let what = match (&p.label, &p.entity) {
                                (Some(l), Some(e)) => format!("{l} → {e}"),
                                (Some(l), None) => l.clone(),
                                (None, _) => "unlabelled".into(),
                            };
                            let g = &p.found;
                            ui.horizontal(|ui| {
                                let text = format!(
                                    "{}:{}:{}  {}[{}]{}  ({what})",
                                    file.unwrap_or_default(),
                                    g.line,
                                    g.col,
                                    g.before,
                                    g.text,
                                    g.after
                                );
                                if ui.link(text).clicked() {
                                    actions.push(Action::Search(SearchAction::OpenPlace(fi, pi, None)));
                                }
                                let fixable = f.kind != Kind::DifferentEntities && !app.doc.read_only;
                                if c.fixed.contains(&(fi, pi)) {
                                    ui.weak("fixed");
                                } else if fixable {
                                    // The usual label first; on a tie, each label given.
                                    let offers: Vec<&String> = match &f.usual_label {
                                        Some(u) => vec![u],
                                        None => f.labels.iter().take(3).collect(),
                                    };
                                    for l in offers.into_iter().filter(|l| p.label.as_ref() != Some(*l)) {
                                        let verb = if p.label.is_some() { "Relabel" } else { "Label" };
                                        if ui.button(format!("{verb} as {l}")).clicked() {
                                            actions.push(Action::Search(SearchAction::OpenPlace(
                                                fi,
                                                pi,
                                                Some(l.clone()),
                                            )));
                                        }
                                    }
                                }
                            });
                        }
                        if f.unlisted > 0 {
                            ui.weak(format!(
                                "… and {} more unlabelled (search for the text to see them all)",
                                f.unlisted
                            ));
                        }
                    },
                );
            }
        });
    });
    if !open {
        actions.push(Action::Search(SearchAction::CloseCheck));
    }
}
