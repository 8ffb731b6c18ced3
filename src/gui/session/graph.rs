//! The relationships across the folder: gathering them on a worker, the window.

use std::path::PathBuf;

use egui::Color32;

use super::*;
use crate::gui::FolderAction;

/// What the graph worker gives: the files read, the groups, the errors.
type Gathered = (Vec<PathBuf>, Vec<Group>, Vec<String>);

/// The relationships of every file of the folder.
pub struct GraphView {
    pub files: Vec<PathBuf>,
    pub groups: Vec<Group>,
    pub errors: Vec<String>,
    pub filter: String,
    job: Option<Job<Gathered>>,
}

impl GraphView {
    /// Whether the files are still being read.
    pub fn is_loading(&self) -> bool {
        self.job.is_some()
    }
}

impl SorotApp {
    /// Follows the graph worker.
    pub(super) fn poll_graph(&mut self) {
        let Some(g) = &mut self.graph else { return };
        let Some(job) = &mut g.job else { return };
        match job.poll() {
            Poll::Running | Poll::Update(()) => {}
            Poll::Done((files, groups, errors)) => {
                g.files = files;
                g.groups = groups;
                g.errors = errors;
                g.job = None;
            }
            Poll::Lost => {
                g.errors = vec!["Reading the folder stopped unexpectedly".into()];
                g.job = None;
            }
        }
    }

    pub(in crate::gui) fn start_graph(&mut self) {
        let Some(c) = &self.corpus else {
            self.set_status("Open a folder first (Ctrl+Shift+F): the relationships are gathered from all its files");
            return;
        };
        let corpus = c.corpus.clone();
        let job = Job::spawn(move |r| {
            let (stores, errors) = crate::io::corpus::load_all(&corpus, |i, n| r.progress(i, n));
            let docs: Vec<(String, &Store)> = stores.iter().map(|(p, s)| (p.display().to_string(), s)).collect();
            let groups = crate::model::graph::group(&docs);
            let files = stores.iter().map(|(p, _)| p.clone()).collect();
            (files, groups, errors)
        });
        let filter = self.graph.take().map(|g| g.filter).unwrap_or_default();
        self.graph =
            Some(GraphView { files: Vec::new(), groups: Vec::new(), errors: Vec::new(), filter, job: Some(job) });
    }
}

/// The relationships across the folder, in a window.
pub fn graph_window(ctx: &egui::Context, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let Some(g) = &mut app.graph else { return };
    let mut open = true;
    egui::Window::new("Relationships across the folder").open(&mut open).default_size([560.0, 420.0]).show(ctx, |ui| {
        if let Some(job) = &g.job {
            let (done, total) = job.progress();
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Reading {done} of {total} files…"));
            });
            return;
        }
        ui.horizontal(|ui| {
            ui.label("Filter");
            ui.text_edit_singleline(&mut g.filter);
            if ui.button("Refresh").clicked() {
                actions.push(Action::Folder(FolderAction::Relationships));
            }
        });
        let attribution = g.groups.iter().filter(|x| x.attribution).count();
        ui.label(format!(
            "{} of relations and {} of attribution (who said what) in {}",
            crate::model::plural(g.groups.len() - attribution, "group"),
            crate::model::plural(attribution, "group"),
            crate::model::plural(g.files.len(), "file")
        ));
        for e in &g.errors {
            ui.colored_label(Color32::RED, format!("skipped: {e}"));
        }
        let needle = g.filter.to_lowercase();
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (i, group) in g.groups.iter().enumerate() {
                let head = group.headline();
                if !needle.is_empty() && !head.to_lowercase().contains(&needle) {
                    continue;
                }
                egui::CollapsingHeader::new(head).id_salt(("group", i)).show(ui, |ui| {
                    for (role, name) in &group.args {
                        ui.weak(format!("{role}: {name}"));
                    }
                    for e in &group.evidence {
                        let file = g.files.get(e.doc);
                        let name = file
                            .and_then(|f| f.file_name())
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        let sources =
                            if e.sources.is_empty() { String::new() } else { format!(" — {}", e.sources.join(", ")) };
                        if ui.link(format!("{name}: “{}”{sources}", short(&e.quote))).clicked()
                            && let Some(f) = file
                        {
                            actions.push(Action::Folder(FolderAction::OpenAt(f.clone(), Some(SpanId(e.span)))));
                        }
                    }
                });
            }
        });
    });
    if !open {
        app.graph = None;
    }
}
