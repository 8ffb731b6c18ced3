//! File → Export… and File → Import…: a form, the work on a worker thread
//! with a progress bar, and a report of what was written and what the
//! format could not hold.

use std::path::{Path, PathBuf};

use super::dialogs::Dialog;
use super::{Action, SorotApp};
use crate::io::export::{self, Format, Offsets};

#[derive(Clone, Debug, PartialEq)]
pub struct ExportForm {
    pub format: usize,
    pub utf16: bool,
    /// CoNLL labels, comma-separated; empty means the entity-like ones.
    pub labels: String,
    pub out: String,
    /// Replace files that exist at the output (set once the analyst
    /// confirmed it).
    pub replace: bool,
    /// Export every annotation file of the open folder (the open
    /// document as it is now), not only the open document.
    pub folder: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportForm {
    pub format: usize,
    pub input: String,
    pub out: String,
    pub add_labels: bool,
    /// Widen the schema's relation rules to what the data uses.
    pub schema_from_data: bool,
}

/// What a finished job reports.
pub struct Outcome {
    pub title: String,
    pub report: String,
    /// A file to offer to open (the first imported document).
    pub open: Option<PathBuf>,
    /// The export would replace these files: ask, then run `form` again.
    pub confirm: Option<(Vec<PathBuf>, ExportForm)>,
}

/// An export or import running on a worker thread.
pub struct TransferJob {
    pub title: String,
    pub job: super::Job<Outcome>,
}

/// Where an export of `format` goes by default: beside the annotation file.
pub fn default_export_path(annotations: Option<&Path>, id: &str, format: Format) -> PathBuf {
    let dir = annotations.and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
    let name = annotations.and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
    let name = name.as_deref().and_then(|n| n.strip_suffix(crate::io::ANNOTATION_SUFFIX)).unwrap_or(id);
    dir.join(export_name(name, format))
}

/// `name.jsonl` for a format written as one file, `name-brat` for one
/// written as a folder.
fn export_name(name: &str, format: Format) -> String {
    let stem = export::safe_file_stem(name);
    match format.extension() {
        Some(ext) => format!("{stem}.{ext}"),
        None => format!("{stem}-{format}"),
    }
}

/// Where an export of the folder `dir` goes by default: beside the
/// folder, never in it (a brat export's `.txt` files would be read back as
/// articles of the folder).
pub fn default_folder_export_path(dir: &Path, format: Format) -> PathBuf {
    // Whole, so the report says where it went (a folder opened as `news`
    // had its export written beside wherever Sorot was started).
    let dir = &std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned());
    let name = dir.file_name().map_or_else(|| "folder".to_owned(), |n| n.to_string_lossy().into_owned());
    dir.parent().unwrap_or(dir).join(export_name(&name, format))
}

impl ExportForm {
    /// The choices to keep between runs.
    fn choices(&self) -> super::prefs::ExportChoices {
        let format = Format::ALL.get(self.format).map_or_else(String::new, |f| f.to_string());
        super::prefs::ExportChoices { format, utf16: self.utf16, labels: self.labels.clone(), folder: self.folder }
    }

    /// A form with `choices` (an unknown format: the first).
    fn from_choices(c: &super::prefs::ExportChoices) -> Self {
        let format = Format::ALL.iter().position(|f| f.to_string() == c.format).unwrap_or(0);
        Self { format, utf16: c.utf16, labels: c.labels.clone(), out: String::new(), replace: false, folder: c.folder }
    }

    /// The form as the last export left it (format, offsets, CoNLL labels,
    /// document or folder), with the default output for that choice.
    pub fn new(app: &SorotApp) -> Self {
        let chosen = app.prefs.export.clone().unwrap_or_default();
        let mut form = Self::from_choices(&chosen);
        form.folder &= app.corpus.is_some();
        form.out = form.default_out(app).display().to_string();
        form
    }

    /// The default output for the form's format and scope.
    fn default_out(&self, app: &SorotApp) -> PathBuf {
        let format = Format::ALL.get(self.format).copied().unwrap_or(Format::Jsonl);
        match app.corpus.as_ref().filter(|_| self.folder) {
            Some(c) => default_folder_export_path(&c.corpus.dir, format),
            None => default_export_path(app.doc.path.as_deref(), &app.doc.store.meta.id, format),
        }
    }
}

impl ImportForm {
    pub fn new(app: &SorotApp) -> Self {
        let dir = app.doc.path.as_deref().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default();
        Self {
            format: 0,
            input: String::new(),
            out: dir.join("imported").display().to_string(),
            add_labels: false,
            schema_from_data: false,
        }
    }
}

/// Starts exporting the open document (as it is now, saved or not), or
/// every annotation file of the open folder with the open document as it
/// is now.
pub fn start_export(app: &mut SorotApp, form: &ExportForm) {
    app.prefs.export = Some(form.choices());
    let store = app.doc.store.clone();
    let open_path = app.doc.path.clone();
    // The files that stand for each article of the folder: a finished
    // adjudicated file where there is one, else every annotator's (a
    // dataset of an adjudicated folder is not each article four times).
    let folder: Option<(Vec<PathBuf>, usize, usize)> = app.corpus.as_ref().filter(|_| form.folder).map(|c| {
        let (mut files, mut adjudicated, mut several) = (Vec::new(), 0, 0);
        for e in &c.corpus.entries {
            let (f, adj) = e.dataset_files();
            adjudicated += usize::from(adj);
            several += usize::from(f.len() > 1);
            files.extend(f);
        }
        (files, adjudicated, several)
    });
    let format = Format::ALL.get(form.format).copied().unwrap_or(Format::Jsonl);
    let offsets = if form.utf16 { Offsets::Utf16 } else { Offsets::CodePoints };
    let labels: Vec<String> =
        form.labels.split(',').map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    let out = PathBuf::from(form.out.trim());
    let title = format!("Export as {format}");
    let form = form.clone();
    let job = super::Job::spawn(move |p| {
        p.progress(0, 1);
        let labels = (!labels.is_empty()).then_some(labels);
        // The folder's files, read as `sorot export FOLDER` reads them: one
        // that cannot be read stops the export before anything is written.
        let mut stores: Vec<crate::model::Store> = Vec::new();
        let mut unreadable: Vec<String> = Vec::new();
        let mut chosen = String::new();
        if let Some((files, adjudicated, several)) = &folder {
            chosen = format!(
                "Each article as its finished adjudicated file where it has one ({adjudicated}), else its \
                 annotators' files ({several} with several: one record each, under the article's id).\n"
            );
            let mut open_included = false;
            for (i, path) in files.iter().enumerate() {
                p.progress(i, files.len() + 1);
                if open_path.as_deref() == Some(path.as_path()) {
                    open_included = true;
                    stores.push(store.clone());
                    continue;
                }
                match crate::io::load_annotations(path) {
                    Ok(s) => stores.push(s),
                    Err(e) => unreadable.push(format!("{e:#}").lines().next().unwrap_or_default().to_owned()),
                }
            }
            // The open document never saved yet is exported as it is (one
            // saved, and not chosen for its article, stays out).
            let saved = open_path.as_deref().is_some_and(Path::exists);
            if !open_included && !saved && (store.spans().len() > 0 || store.relations().len() > 0) {
                stores.push(store.clone());
            }
        }
        if !unreadable.is_empty() {
            let mut r = format!(
                "Nothing exported: {} of the folder could not be read (fix or move them, then export again):\n",
                crate::model::plural(unreadable.len(), "file")
            );
            for u in &unreadable {
                r.push_str(&format!("• {u}\n"));
            }
            return Outcome { title: format!("Export as {format}"), report: r, open: None, confirm: None };
        }
        let refs: Vec<&crate::model::Store> = if folder.is_some() { stores.iter().collect() } else { vec![&store] };
        let documents = refs.len();
        // Written as it is made, straight to disk: files in the way stop it
        // before anything is put in place, and the analyst is asked.
        let report = match format.write_to(&refs, offsets, labels.as_deref(), &out, form.replace) {
            Err(export::WriteError::Exists(there)) => {
                return Outcome {
                    title: format!("Export as {format}"),
                    report: String::new(),
                    open: None,
                    confirm: Some((there, ExportForm { replace: true, ..form })),
                };
            }
            Err(err) => format!("Nothing exported: {err}"),
            Ok(e) => {
                let mut r = format!(
                    "Wrote {} of {} to {}.\n{chosen}\n",
                    crate::model::plural(e.paths.len(), "file"),
                    crate::model::plural(documents, "document"),
                    out.display()
                );
                for n in &e.notices {
                    r.push_str(&format!("{n}\n"));
                }
                if e.losses.is_empty() {
                    r.push_str(if documents == 1 {
                        "Nothing lost: the format holds everything in this document."
                    } else {
                        "Nothing lost: the format holds everything in these documents."
                    });
                } else {
                    r.push_str("What the format could not hold:\n");
                    for l in &e.losses {
                        r.push_str(&format!("• {l}\n"));
                    }
                }
                r
            }
        };
        p.progress(1, 1);
        Outcome { title: format!("Export as {format}"), report, open: None, confirm: None }
    });
    app.job = Some(TransferJob { title, job });
}

/// Starts importing a dataset into a folder of annotation files, with the
/// same checks as `sorot import`; the report is rendered for the window.
pub fn start_import(app: &mut SorotApp, form: &ImportForm) {
    use crate::io::import::{self, ImportFormat, ImportPlan};
    let format = ImportFormat::ALL.get(form.format).copied().unwrap_or(ImportFormat::Brat);
    let plan = ImportPlan {
        format,
        out: PathBuf::from(form.out.trim()),
        schema: None,
        add_labels: form.add_labels,
        schema_from_data: form.schema_from_data,
        offsets: Offsets::CodePoints,
        force: false,
    };
    let input = PathBuf::from(form.input.trim());
    let job = super::Job::spawn(move |p| {
        let report_progress = |done: usize, total: usize| p.progress(done, total);
        match import::run(&plan, &[input], &report_progress) {
            Ok(r) => {
                let mut text = format!(
                    "{}: {} imported from {} ({}, {}).\n",
                    plan.out.display(),
                    crate::model::plural(r.written.len(), "document"),
                    format.name(),
                    crate::model::plural(r.spans, "span"),
                    crate::model::plural(r.relations, "relation")
                );
                for line in r
                    .added
                    .iter()
                    .map(|a| format!("added {a}"))
                    .chain(r.widened.iter().map(|w| format!("schema widened: {w}")))
                    .chain(r.skipped.clone())
                    .chain(r.renamed.clone())
                {
                    text.push_str(&format!("\n• {line}"));
                }
                Outcome {
                    title: format!("Imported from {}", format.name()),
                    report: text,
                    open: r.written.into_iter().next(),
                    confirm: None,
                }
            }
            Err(f) => {
                let mut text: String = f.problems.iter().map(|p| format!("{p}\n")).collect();
                // The window has a checkbox where the command line has a flag.
                text.push_str(&f.advice.replace("--add-labels adds them", "tick \"Add labels…\" to add them"));
                Outcome {
                    title: format!("Import from {} failed", format.name()),
                    report: text,
                    open: None,
                    confirm: None,
                }
            }
        }
    });
    app.job = Some(TransferJob { title: format!("Import from {}", format.name()), job });
}

/// Picks up a finished job's report.
pub fn poll(app: &mut SorotApp) {
    let Some(t) = &mut app.job else { return };
    match t.job.poll() {
        super::Poll::Done(o) => {
            app.job = None;
            app.dialog = Some(match o.confirm {
                Some((existing, form)) => Dialog::ReplaceExport { existing, form },
                None => Dialog::Report { title: o.title, text: o.report, open: o.open },
            });
        }
        super::Poll::Running | super::Poll::Update(()) => {}
        super::Poll::Lost => {
            app.job = None;
            app.dialog = Some(Dialog::Error("The export or import stopped unexpectedly; nothing was reported.".into()));
        }
    }
}

/// The progress window of a running job.
pub fn show_job(ctx: &egui::Context, job: &TransferJob) {
    egui::Modal::new(egui::Id::unique("sorot-job")).show(ctx, |ui| {
        ui.set_min_width(360.0);
        ui.heading(&job.title);
        let (done, total) = job.job.progress();
        let secs = job.job.elapsed().as_secs_f32();
        if total > 0 {
            ui.add(egui::ProgressBar::new(done as f32 / total as f32).text(format!("{done}/{total} · {secs:.1} s")));
        } else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("{secs:.1} s"));
            });
        }
    });
    ctx.request_repaint_after(std::time::Duration::from_millis(50));
}

fn path_field(ui: &mut egui::Ui, label: &str, text: &mut String) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.add(egui::TextEdit::singleline(text).desired_width(380.0)).labelled_by(l.id)
    })
    .inner
}

/// The Export form, edited in place.
pub fn export_form(ui: &mut egui::Ui, app: &SorotApp, form: &mut ExportForm, actions: &mut Vec<Action>) {
    // Wider than any of its rows, so a longer path label or another
    // format's rows never re-centre the dialog under the pointer.
    ui.set_min_width(560.0);
    ui.heading(if form.folder { "Export the folder" } else { "Export this document" });
    let before = (form.format, form.folder);
    match &app.corpus {
        Some(c) => {
            let name = c.corpus.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            ui.horizontal(|ui| {
                ui.radio_value(&mut form.folder, false, format!("This document ({})", app.doc.store.meta.id));
                ui.radio_value(&mut form.folder, true, format!("The folder {name}"));
            });
            ui.label(if form.folder {
                "Exports each article as its finished adjudicated file where it has one, else its annotators' \
                 files, as saved (the open document as it is now)."
            } else {
                "Exports the open document as it is now (saved or not)."
            });
        }
        None => {
            ui.label(format!("Exports {} as it is now (saved or not).", app.doc.store.meta.id));
        }
    }
    ui.horizontal(|ui| {
        ui.label("Format");
        for (i, f) in Format::ALL.iter().enumerate() {
            ui.radio_value(&mut form.format, i, f.name());
        }
    });
    if (form.format, form.folder) != before {
        form.out = form.default_out(app).display().to_string();
        form.replace = false;
    }
    let format = Format::ALL.get(form.format).copied().unwrap_or(Format::Jsonl);
    // Every row stays, greyed out where the format has no use for it, so
    // choosing a format never moves the buttons under the pointer.
    ui.add_enabled(
        format.has_offsets(),
        egui::Checkbox::new(&mut form.utf16, "UTF-16 offsets (for browser front-ends: doccano, Label Studio)"),
    )
    .on_disabled_hover_text(format!("{format} counts in code points"));
    ui.add_enabled_ui(format == Format::Conll, |ui| {
        ui.horizontal(|ui| {
            let l = ui.label("Labels");
            ui.add(egui::TextEdit::singleline(&mut form.labels).hint_text("entity-like labels").desired_width(300.0))
                .labelled_by(l.id)
                .on_disabled_hover_text("Only CoNLL chooses its labels");
        });
    });
    let field = path_field(ui, if format.is_folder() { "Output folder" } else { "Output file" }, &mut form.out);
    let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    ui.horizontal(|ui| {
        if (ui.button("Export").clicked() || enter) && !form.out.trim().is_empty() {
            actions.push(Action::CloseDialog);
            actions.push(Action::StartExport(form.clone()));
        }
        if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            actions.push(Action::CloseDialog);
        }
    });
}

/// The Import form.
pub fn import_form(ui: &mut egui::Ui, form: &mut ImportForm, actions: &mut Vec<Action>) {
    ui.heading("Import a dataset");
    ui.label(
        "brat: a folder of .ann + .txt files (or one .ann). jsonl: doccano JSONL, either shape. \
         conll: word and IOB2 tag per line (CoNLL-2003, NERGrit).",
    );
    ui.horizontal(|ui| {
        ui.label("Format");
        for (i, f) in crate::io::import::ImportFormat::ALL.iter().enumerate() {
            ui.radio_value(&mut form.format, i, f.name());
        }
    });
    path_field(ui, "Input", &mut form.input);
    path_field(ui, "Output folder", &mut form.out);
    ui.checkbox(&mut form.add_labels, "Add labels and relation types missing from the schema");
    ui.checkbox(&mut form.schema_from_data, "Widen the schema to what the data uses (labels, relation rules)");
    ui.horizontal(|ui| {
        if ui.button("Import").clicked() && !form.input.trim().is_empty() && !form.out.trim().is_empty() {
            actions.push(Action::CloseDialog);
            actions.push(Action::StartImport(form.clone()));
        }
        if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            actions.push(Action::CloseDialog);
        }
    });
}
