//! Modal dialogs: the in-window path field (always available, with
//! completion), the unsaved-changes prompt, recovery and errors.

use std::path::PathBuf;

use super::{Action, SorotApp};
use crate::gui::{CompareAction, FolderAction};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    OpenArticle,
    OpenAnnotations,
    SaveAs,
    /// A new version of the article to move the annotations onto.
    Reanchor,
    /// A folder to work through.
    OpenFolder,
    /// An annotation file to review with its annotations read-only.
    OpenForReview,
    /// One more annotation file for the compare dialog.
    CompareFile,
}

impl PathPurpose {
    /// What choosing `path` for this purpose does.
    pub fn action(self, path: PathBuf) -> Action {
        match self {
            PathPurpose::SaveAs => Action::SaveTo(path),
            PathPurpose::Reanchor => Action::Reanchor(path),
            PathPurpose::OpenFolder => Action::Folder(FolderAction::Open(path)),
            PathPurpose::OpenForReview => Action::Folder(FolderAction::OpenForReview(path)),
            PathPurpose::OpenArticle | PathPurpose::OpenAnnotations => Action::Open(path),
            PathPurpose::CompareFile => Action::Compare(CompareAction::AddFile(path)),
        }
    }
}

/// What to do once the unsaved-changes prompt is answered.
#[derive(Clone, Debug, PartialEq)]
pub enum After {
    Quit,
    Open(PathBuf),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Path {
        purpose: PathPurpose,
        text: String,
    },
    Unsaved(After),
    /// Unsaved work found on disk, the newest of `1 + more` versions (the
    /// others are offered at the next opening).
    Recover {
        path: PathBuf,
        more: usize,
    },
    Error(String),
    /// Preview of "link all matching mentions" for an entity.
    LinkAll {
        entity: crate::model::EntityId,
        edits: Vec<crate::model::Edit>,
        /// Which of `edits` are kept (all at first; each row can be unticked).
        chosen: Vec<bool>,
    },
    /// Saving would overwrite a file that changed on disk.
    Conflict {
        path: PathBuf,
        conflict: super::SaveConflict,
    },
    /// The article changed since it was annotated: re-anchor or keep.
    ArticleChanged {
        article: PathBuf,
        notice: String,
    },
    Export(super::transfer::ExportForm),
    Import(super::transfer::ImportForm),
    /// The report of a finished export or import.
    Report {
        title: String,
        text: String,
        open: Option<PathBuf>,
    },
    /// An export would replace files that exist: replace or cancel.
    ReplaceExport {
        existing: Vec<PathBuf>,
        form: super::transfer::ExportForm,
    },
    /// Annotation files to compare: the article's files, ticked or not,
    /// and others typed one path per line.
    Compare {
        files: Vec<(PathBuf, bool)>,
        more: String,
    },
    Preferences,
    /// File → Open URL: the address and the folder to keep the page in.
    OpenUrl {
        url: String,
        folder: String,
    },
}

impl Dialog {
    pub fn path(purpose: PathPurpose) -> Self {
        Dialog::Path { purpose, text: String::new() }
    }
}

pub fn show(ctx: &egui::Context, app: &mut SorotApp, actions: &mut Vec<Action>) {
    // The dialog is taken out while it is drawn (edited in place, not cloned
    // every frame) and put back unless an action replaced it.
    let Some(mut dialog) = app.dialog.take() else { return };
    // Where an empty path field lists from: the open document's folder
    // (the working directory means nothing to someone who started Sorot
    // from a menu).
    let doc_dir: Option<String> = app
        .doc
        .path
        .as_deref()
        .and_then(std::path::Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| format!("{}/", d.display()));
    let modal = egui::Modal::new(egui::Id::unique("sorot-dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        match &mut dialog {
            Dialog::Path { purpose, text } => {
                ui.heading(match purpose {
                    PathPurpose::OpenArticle => "Open article",
                    PathPurpose::OpenAnnotations => "Open annotations",
                    PathPurpose::SaveAs => "Save annotations as",
                    PathPurpose::Reanchor => "Re-anchor onto a new version of the article",
                    PathPurpose::OpenFolder => "Open a folder of articles",
                    PathPurpose::OpenForReview => "Open annotations for review (read-only)",
                    PathPurpose::CompareFile => "Add an annotation file to compare",
                });
                ui.label("Type a path (Tab-free completion below), or use the system dialog.");
                let folder = matches!(purpose, PathPurpose::OpenFolder);
                let hint = if folder { "path/to/folder" } else { "path/to/file" };
                let field = ui.add(egui::TextEdit::singleline(text).desired_width(f32::INFINITY).hint_text(hint));
                if ui.memory(|m| m.focused().is_none()) {
                    field.request_focus();
                }
                let field = field.labelled_by(ui.label("Path").id);
                let enter = (field.lost_focus() || field.has_focus()) && ui.input(|i| i.key_pressed(egui::Key::Enter));
                // Read the folder when the typed path changes, not every frame.
                let cache = egui::Id::unique("sorot-path-completions");
                type Listed = (String, PathBuf, Vec<(PathBuf, bool)>);
                let known: Option<Listed> = ui.data(|d| d.get_temp(cache));
                let (listing, found) = match known {
                    Some((typed, listing, found)) if typed == *text => (listing, found),
                    _ => {
                        let base = match &doc_dir {
                            Some(dir) if text.is_empty() => dir.as_str(),
                            _ => text.as_str(),
                        };
                        let found = crate::io::document::path_completions(base, 8, folder);
                        let listing = crate::io::document::completion_folder(base);
                        ui.data_mut(|d| d.insert_temp(cache, (text.clone(), listing.clone(), found.clone())));
                        (listing, found)
                    }
                };
                let what = if folder { "Folders in" } else { "In" };
                ui.weak(if found.is_empty() {
                    format!("{what} {}: nothing starts with what is typed", listing.display())
                } else {
                    format!("{what} {}:", listing.display())
                });
                for (c, is_dir) in found {
                    let shown = c.display().to_string();
                    if ui.small_button(if is_dir { format!("{shown}/") } else { shown.clone() }).clicked() {
                        *text = if is_dir { format!("{shown}/") } else { shown };
                    }
                }
                ui.horizontal(|ui| {
                    let ok_text = match purpose {
                        PathPurpose::SaveAs => "Save",
                        PathPurpose::Reanchor => "Re-anchor",
                        PathPurpose::OpenArticle
                        | PathPurpose::OpenAnnotations
                        | PathPurpose::OpenFolder
                        | PathPurpose::OpenForReview => "Open",
                        PathPurpose::CompareFile => "Add",
                    };
                    if (ui.button(ok_text).clicked() || enter) && !text.trim().is_empty() {
                        let path = PathBuf::from(text.trim());
                        actions.push(Action::CloseDialog);
                        actions.push(purpose.action(path));
                    }
                    if ui.button("Browse…").clicked() {
                        actions.push(Action::ShowDialog(Dialog::Path { purpose: *purpose, text: text.clone() }));
                    }
                    if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        actions.push(Action::CloseDialog);
                    }
                });
            }
            Dialog::OpenUrl { url, folder } => super::web::open_url_form(ui, url, folder, actions),
            Dialog::Unsaved(after) => {
                ui.heading("Unsaved changes");
                ui.label(format!(
                    "{} has changes that are not saved. Save them first?",
                    app.doc.path.as_deref().map_or("This document".into(), |p| p.display().to_string())
                ));
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        actions.push(Action::CloseDialog);
                        if app.doc.path.is_some() {
                            actions.push(Action::Run(super::Command::Save));
                            actions.push(after_action(after));
                        } else {
                            actions.push(Action::Run(super::Command::SaveAs));
                        }
                    }
                    if ui.button("Discard").clicked() {
                        actions.push(Action::CloseDialog);
                        app.discard_changes();
                        actions.push(after_action(after));
                    }
                    if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        actions.push(Action::CloseDialog);
                    }
                });
            }
            Dialog::Recover { path, more } => {
                ui.heading("Recover unsaved work?");
                let when = crate::io::document::age(path).map_or(String::new(), |d| ago(d.as_secs()));
                let by = crate::io::document::window_of_recovery(path)
                    .map_or(String::new(), |pid| format!(" in a window that ended (Sorot process {pid})"));
                ui.label(format!("Sorot found work that was not saved{by}{when}:\n{}", path.display()));
                ui.label("Restoring puts this version in place of what is open; Ctrl+Z goes back to it.");
                if *more > 0 {
                    ui.label(format!(
                        "{} of this file {} kept and offered the next time it opens.",
                        crate::model::plural(*more, "older unsaved version"),
                        if *more == 1 { "is" } else { "are" }
                    ));
                }
                ui.horizontal(|ui| {
                    if ui.button("Restore").clicked() {
                        actions.push(Action::CloseDialog);
                        actions.push(Action::Restore(path.clone()));
                    }
                    if ui.button("Discard recovered work").clicked() {
                        crate::io::document::discard_recovery(path);
                        actions.push(Action::CloseDialog);
                    }
                });
            }
            Dialog::LinkAll { entity, edits, chosen } => {
                let store = &app.doc.store;
                let entity = *entity;
                let name = store.entity(entity).map_or(String::new(), |e| e.name.clone());
                ui.heading(format!("Link all mentions of {name}"));
                let new = edits.iter().filter(|e| matches!(e, crate::model::Edit::AddSpan(_))).count();
                ui.label(format!(
                    "{} and {} to link. Untick any that is not {name}.",
                    crate::model::plural(new, "new mention"),
                    crate::model::plural(edits.len() - new, "existing span"),
                ));
                ui.horizontal(|ui| {
                    if ui.button("Tick all").clicked() {
                        chosen.iter_mut().for_each(|c| *c = true);
                    }
                    if ui.button("Untick all").clicked() {
                        chosen.iter_mut().for_each(|c| *c = false);
                    }
                });
                // Every row, drawn only where it shows; each on one line
                // with its context.
                let row = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y + 4.0;
                egui::ScrollArea::vertical().max_height(320.0).auto_shrink([false, true]).show_rows(
                    ui,
                    row,
                    edits.len(),
                    |ui, rows| {
                        for i in rows {
                            let text = super::relations::preview_line(store, &edits[i]);
                            if let Some(c) = chosen.get_mut(i) {
                                ui.checkbox(c, text);
                            }
                        }
                    },
                );
                let n = chosen.iter().filter(|c| **c).count();
                ui.horizontal(|ui| {
                    let apply = ui.add_enabled(n > 0, egui::Button::new(format!("Link {n}")));
                    // Enter links what is ticked, as the button says.
                    let enter = n > 0 && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if apply.clicked() || enter {
                        let kept: Vec<crate::model::Edit> =
                            edits.iter().zip(chosen.iter()).filter(|(_, c)| **c).map(|(e, _)| e.clone()).collect();
                        actions.push(Action::CloseDialog);
                        actions.push(Action::Edit(
                            crate::model::Edit::Batch(kept),
                            format!("Linked {} to {name}", crate::model::plural(n, "mention")),
                        ));
                    }
                    if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        actions.push(Action::CloseDialog);
                    }
                });
            }
            Dialog::Conflict { path, conflict } => {
                ui.heading(if conflict.reviewed {
                    "This file was reviewed"
                } else if conflict.another_file {
                    "Another file has this name"
                } else {
                    "The file changed on disk"
                });
                ui.label(&conflict.message);
                ui.horizontal(|ui| {
                    if ui.button("Save as…").clicked() {
                        actions.push(Action::CloseDialog);
                        actions.push(Action::Run(super::Command::SaveAs));
                    }
                    let replace = if conflict.another_file || conflict.reviewed { "Replace it" } else { "Overwrite" };
                    if ui.button(replace).clicked() {
                        actions.push(Action::CloseDialog);
                        actions.push(Action::Overwrite(path.clone()));
                    }
                    if !conflict.another_file
                        && !conflict.reviewed
                        && ui.button("Reload from disk (drop my changes)").clicked()
                    {
                        actions.push(Action::CloseDialog);
                        actions.push(Action::ReloadFromDisk(path.clone()));
                    }
                    if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        actions.push(Action::CloseDialog);
                    }
                });
            }
            Dialog::ArticleChanged { article, notice } => {
                ui.heading("The article has changed");
                ui.label(&*notice);
                ui.label(
                    "Sorot can move the annotations onto the new text, finding each by its quote and context; \
                     what it cannot place exactly is kept and flagged for review.",
                );
                ui.horizontal(|ui| {
                    if ui.button("Re-anchor onto the new text").clicked() {
                        actions.push(Action::CloseDialog);
                        actions.push(Action::Reanchor(article.clone()));
                    }
                    if ui.button("Keep the annotated version").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Escape))
                    {
                        actions.push(Action::CloseDialog);
                    }
                });
            }
            Dialog::Export(form) => super::transfer::export_form(ui, app, form, actions),
            Dialog::Import(form) => super::transfer::import_form(ui, form, actions),
            Dialog::Report { title, text, open } => {
                ui.heading(title);
                egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
                    ui.label(&*text);
                });
                ui.horizontal(|ui| {
                    if let Some(p) = &open
                        && ui.button(format!("Open {}", p.file_name().unwrap_or_default().to_string_lossy())).clicked()
                    {
                        actions.push(Action::CloseDialog);
                        actions.push(Action::Open(p.clone()));
                    }
                    if ui.button("OK").clicked()
                        || ui.input(|i| i.key_pressed(egui::Key::Enter) || i.key_pressed(egui::Key::Escape))
                    {
                        actions.push(Action::CloseDialog);
                    }
                });
            }
            Dialog::ReplaceExport { existing, form } => {
                ui.heading("Replace existing files?");
                ui.label(format!(
                    "This export would replace {} file{} that already exist{}:",
                    existing.len(),
                    if existing.len() == 1 { "" } else { "s" },
                    if existing.len() == 1 { "s" } else { "" },
                ));
                egui::ScrollArea::vertical().max_height(200.0).show(ui, |ui| {
                    for p in existing.iter() {
                        ui.label(p.display().to_string());
                    }
                });
                ui.label("Nothing has been written yet.");
                ui.horizontal(|ui| {
                    if ui.button("Replace them").clicked() {
                        actions.push(Action::CloseDialog);
                        actions.push(Action::StartExport(form.clone()));
                    }
                    if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        actions.push(Action::CloseDialog);
                    }
                });
            }
            Dialog::Compare { files, more } => {
                ui.heading("Compare and adjudicate");
                ui.label(
                    "Tick the annotation files of this article to compare (the first is the reference for \
                     precision and recall, and its schema is the merged file's).",
                );
                if files.is_empty() {
                    ui.weak("No annotation files of this article were found beside it.");
                }
                for (path, ticked) in files.iter_mut() {
                    let name = path
                        .file_name()
                        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
                    let role = if crate::io::corpus::is_adjudicated(path) {
                        " — adjudicated: a result, not an annotator".to_owned()
                    } else {
                        crate::io::corpus::name_parts(path).1.map(|who| format!(" — {who}")).unwrap_or_default()
                    };
                    ui.checkbox(ticked, format!("{name}{role}")).on_hover_text(path.display().to_string());
                }
                let label = ui.label("Other files, one path per line");
                let field = ui.add(egui::TextEdit::multiline(more).desired_rows(2).desired_width(f32::INFINITY));
                let field = field.labelled_by(label.id);
                let chosen: Vec<PathBuf> = files
                    .iter()
                    .filter(|(_, t)| *t)
                    .map(|(p, _)| p.clone())
                    .chain(more.lines().map(str::trim).filter(|l| !l.is_empty()).map(PathBuf::from))
                    .collect();
                // Enter compares (but not while typing a path: there it is a new line).
                let enter = !field.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let go = ui
                        .add_enabled(chosen.len() >= 2, egui::Button::new(format!("Compare {}", chosen.len())))
                        .on_disabled_hover_text("Tick or add two or more files");
                    if go.clicked() || (enter && chosen.len() >= 2) {
                        actions.push(Action::CloseDialog);
                        actions.push(Action::Compare(CompareAction::Start(chosen)));
                    }
                    if ui.button("Browse…").on_hover_text("Add a file with the system's file dialog").clicked() {
                        actions.push(Action::BrowseFor(PathPurpose::CompareFile));
                    }
                    if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                        actions.push(Action::CloseDialog);
                    }
                });
            }
            Dialog::Preferences => {
                ui.heading("Preferences");
                let field = ui.text_edit_singleline(&mut app.prefs.annotator);
                // The name field has the keyboard when the dialog opens (a
                // newcomer's typed name went nowhere).
                if ui.memory(|m| m.focused().is_none()) {
                    field.request_focus();
                }
                let _ = field.labelled_by(ui.label("Annotator name (recorded on every annotation)").id);
                ui.checkbox(
                    &mut app.prefs.per_annotator_files,
                    "In a folder, keep my own file per article (article.<name>.sorot.ron)",
                );
                ui.add(egui::Slider::new(&mut app.prefs.autosave_secs, 5..=600).text("seconds between autosaves"));
                if ui.button("Close").clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Escape) || i.key_pressed(egui::Key::Enter))
                {
                    let name: String = app.prefs.annotator.trim().chars().filter(|c| !c.is_control()).collect();
                    app.prefs.annotator = if name.is_empty() { "analyst".into() } else { name };
                    actions.push(Action::CloseDialog);
                    actions.push(Action::PreferencesClosed);
                }
            }
            Dialog::Error(msg) => {
                ui.heading("Sorot");
                ui.label(&*msg);
                if ui.button("OK").clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Enter) || i.key_pressed(egui::Key::Escape))
                {
                    actions.push(Action::CloseDialog);
                }
            }
        }
    });
    let _ = modal;
    if app.dialog.is_none() {
        app.dialog = Some(dialog);
    }
}

fn after_action(after: &After) -> Action {
    match after {
        After::Quit => Action::ForceQuit,
        After::Open(p) => Action::Open(p.clone()),
    }
}

/// How long ago, in words: " from less than a minute ago", " from 1 minute
/// ago", " from 3 hours ago", " from 2 days ago".
fn ago(secs: u64) -> String {
    use crate::model::plural;
    match secs {
        0..60 => " from less than a minute ago".to_owned(),
        60..3600 => format!(" from {} ago", plural((secs / 60) as usize, "minute")),
        3600..86400 => format!(" from {} ago", plural((secs / 3600) as usize, "hour")),
        _ => format!(" from {} ago", plural((secs / 86400) as usize, "day")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ages_read_as_words() {
        assert_eq!(super::ago(5), " from less than a minute ago");
        assert_eq!(super::ago(61), " from 1 minute ago");
        assert_eq!(super::ago(600), " from 10 minutes ago");
        assert_eq!(super::ago(7300), " from 2 hours ago");
        assert_eq!(super::ago(3 * 86400), " from 3 days ago");
    }
}
