//! The desktop window.
//!
//! Drawing reads the document and pushes [`Action`]s; after the frame they
//! are applied in one place ([`SorotApp::apply`]), and each error reaches
//! the status line once. File dialogs never block drawing: the native
//! dialog runs on a thread, and an in-window path field always works, even
//! where no native dialog exists.

mod commands;
mod dialogs;
mod panels;
mod relations;
mod session;
mod text_view;
mod transfer;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::Color32;
use serde::{Deserialize, Serialize};

use crate::io;
use crate::model::{
    ByteRange, Edit, Entity, EntityId, History, Provenance, Ranges, RelationId, Schema, Span, SpanId, Store, Target,
    Text, Timestamp, schema::parse_color,
};

pub use commands::{Command, markdown_table};
pub use dialogs::{Dialog, PathPurpose};
pub use relations::Draft;
pub use session::ReviewItem;
pub use text_view::{FrameStats, MAX_CACHED_BLOCKS, TextView, split_blocks};

/// The bundled sample article and its annotations, used when Sorot starts
/// without a file and the repository's assets are not beside it.
const SAMPLE_TEXT: &str = include_str!("../../assets/000_f1c0a0fef9fd3cfc.txt");
const SAMPLE_RON: &str = include_str!("../../assets/000_f1c0a0fef9fd3cfc.sorot.ron");

/// The file name of the bundled sample article.
pub const SAMPLE_NAME: &str = "000_f1c0a0fef9fd3cfc.txt";

/// Where the sample and its annotations are kept for the user.
pub fn sample_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("sorot").join("sample"))
}

/// Writes the sample article (and its annotations, unless the user already
/// has some) into `dir`; returns the article's path.
pub fn install_sample(dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let article = dir.join(SAMPLE_NAME);
    if !article.exists() {
        io::write_atomic(&article, SAMPLE_TEXT.as_bytes())?;
    }
    let ann = io::default_annotation_path(&article, None);
    if !ann.exists() {
        io::write_atomic(&ann, SAMPLE_RON.as_bytes())?;
    }
    Ok(article)
}

pub fn label_color(hex: &str) -> Color32 {
    parse_color(hex).map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b))
}

/// One line about a span, for tooltips and lists.
pub fn describe_span(store: &Store, span: &Span) -> String {
    let mut s = format!("{} {}", store.label_name(span.label), span.id);
    for (k, v) in &span.attributes {
        s.push_str(&format!("  {k}: {v}"));
    }
    if let Some(e) = span.entity.and_then(|e| store.entity(e)) {
        s.push_str(&format!("  → {}", e.name));
    }
    if span.review.status != crate::model::ReviewStatus::Unreviewed {
        s.push_str(&format!("  [{}]", span.review.status.name()));
    }
    if let Some(note) = &span.note {
        s.push_str(&format!("\nnote: {note}"));
    }
    s
}

/// An open document: the store, its history and where it lives.
pub struct Document {
    pub store: Store,
    pub history: History,
    /// The annotation file, once known (None for the embedded sample).
    pub path: Option<PathBuf>,
    /// Something the analyst must know about how this was opened.
    pub notice: Option<String>,
    /// The article, when it changed since it was annotated (re-anchoring
    /// is offered).
    pub changed_article: Option<PathBuf>,
    /// The annotation file as it was on disk when read or last saved, to
    /// notice when someone else changed it.
    pub disk: Option<DiskStamp>,
    /// Opened for review: the annotations cannot be changed, only their
    /// review status and notes.
    pub read_only: bool,
}

/// Why a save must ask first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveConflict {
    pub message: String,
    /// The file on disk is another file than the one open here (not a
    /// newer version of it): reloading it would not bring this work back.
    pub another_file: bool,
}

/// What identifies one version of a file on disk without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskStamp {
    pub path: PathBuf,
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

impl DiskStamp {
    pub fn of(path: &Path) -> Option<Self> {
        let m = std::fs::metadata(path).ok()?;
        Some(Self { path: path.to_owned(), len: m.len(), modified: m.modified().ok() })
    }
}

impl Document {
    /// A document on a store (no notice, nothing to undo).
    pub fn new(store: Store, path: Option<PathBuf>) -> Self {
        let disk = path.as_deref().and_then(DiskStamp::of);
        Self { store, history: History::default(), path, notice: None, changed_article: None, disk, read_only: false }
    }

    /// A new document to be saved at `path`, never read from there: saving
    /// asks before replacing a file that exists under that name.
    pub fn unsaved(store: Store, path: PathBuf) -> Self {
        let mut doc = Self::new(store, Some(path));
        doc.disk = None;
        doc
    }

    /// Applies an edit through the history (so it can be undone); refused
    /// when the document is read-only and the edit is more than a review.
    pub fn apply(&mut self, edit: Edit, summary: impl Into<String>) -> Result<(), String> {
        if self.read_only && !session::review_only(&self.store, &edit) {
            return Err("this file is open for review: its annotations are read-only \
                        (review marks and notes can still be recorded)"
                .into());
        }
        self.history.apply(&mut self.store, edit, summary).map_err(|e| e.to_string())
    }

    /// Opens an article (and its annotations from the default place, if
    /// present) or an annotation file.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        Self::open_with(path, None, &io::load_annotations)
    }

    /// [`Document::open`], with an article's annotations in `annotator`'s
    /// own file (`article.<annotator>.sorot.ron`) if given, reading
    /// annotation files with `load`.
    fn open_with(
        path: &Path,
        annotator: Option<&str>,
        load: &dyn Fn(&Path) -> anyhow::Result<Store>,
    ) -> anyhow::Result<Self> {
        if io::is_annotation_file(path) {
            return Ok(Self::new(load(path)?, Some(path.to_owned())));
        }
        let ann = io::default_annotation_path(path, annotator);
        if ann.exists() {
            let mut doc = Self::new(load(&ann)?, Some(ann.clone()));
            // The annotations keep the text they were made on; say so when
            // the article has changed since, instead of hiding it.
            if let Ok(article) = io::read_article(path)
                && article.text != doc.store.text().as_str()
            {
                doc.notice = Some(format!(
                    "{} has changed since it was annotated: showing the annotated version embedded in {}",
                    path.display(),
                    ann.display()
                ));
                doc.changed_article = Some(path.to_owned());
            }
            return Ok(doc);
        }
        let article = io::read_article(path)?;
        Ok(Self::new(io::store_for_article(path, article, Schema::default_news()), Some(ann)))
    }

    /// The bundled sample. On first use it is copied to Sorot's data folder
    /// (`$XDG_DATA_HOME/sorot/sample`, else `~/.local/share/sorot/sample`),
    /// so the analyst's work on it is saved there, found again at the next
    /// start, and never written into the program's own files.
    pub fn sample() -> Self {
        if let Some(dir) = sample_dir()
            && let Ok(article) = install_sample(&dir)
            && let Ok(doc) = Self::open(&article)
        {
            return doc;
        }
        match io::from_ron_str(SAMPLE_RON) {
            Ok((store, _)) => Self::new(store, None),
            Err(_) => {
                let article =
                    io::Article { text: SAMPLE_TEXT.to_owned(), encoding: "UTF-8", format: io::ArticleFormat::Text };
                Self::new(io::store_for_article(Path::new("sample.txt"), article, Schema::default_news()), None)
            }
        }
    }

    /// Where unsaved work is autosaved: `.name.sorot.ron.recovery` beside the
    /// annotation file, or in the temp folder for a document with no file yet.
    pub fn recovery_path(&self) -> PathBuf {
        match &self.path {
            Some(p) => io::recovery_path(p),
            None => std::env::temp_dir().join(format!("sorot-{}.sorot.ron.recovery", self.store.meta.id)),
        }
    }

    /// Why saving to `path` now could overwrite someone else's work: the
    /// file changed on disk since it was read or saved here, or it exists
    /// and is not the file that was opened.
    pub fn save_conflict(&self, path: &Path) -> Option<SaveConflict> {
        let now = DiskStamp::of(path)?;
        match &self.disk {
            Some(then) if then.path == path => (*then != now).then(|| SaveConflict {
                message: format!(
                    "{} changed on disk since it was opened here (another annotator, a sync or a git pull?). \
                     Saving now would overwrite those changes.",
                    path.display()
                ),
                another_file: false,
            }),
            _ => Some(SaveConflict {
                message: format!(
                    "{} already exists and is not the file open here. Saving now would replace it.",
                    path.display()
                ),
                another_file: true,
            }),
        }
    }

    pub fn title(&self) -> String {
        let name = self
            .path
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(|| format!("{} (not saved yet)", self.store.meta.id), |n| n.to_string_lossy().into_owned());
        format!("{}{name} — Sorot", if self.history.is_dirty() { "● " } else { "" })
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemePref {
    #[default]
    System,
    Light,
    Dark,
}

/// Preferences kept between runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub theme: ThemePref,
    pub font_size: f32,
    pub recent: Vec<PathBuf>,
    /// Seconds between autosaves of unsaved work.
    pub autosave_secs: u64,
    /// Recorded as the author of every annotation.
    pub annotator: String,
    /// In a folder, annotate into `article.<annotator>.sorot.ron` (one file
    /// per analyst) instead of the shared `article.sorot.ron`.
    pub per_annotator_files: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            theme: ThemePref::System,
            font_size: 17.0,
            recent: Vec::new(),
            autosave_secs: 30,
            annotator: std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "analyst".into()),
            per_annotator_files: false,
        }
    }
}

const PREFS_KEY: &str = "sorot-prefs";

/// Something the user asked for while drawing; applied after the frame.
#[derive(Clone, Debug)]
pub enum Action {
    Run(Command),
    Select(Option<SpanId>),
    /// Select a span and bring it into view.
    Reveal(SpanId),
    SetSelection(Vec<ByteRange>),
    /// Label the selection (or relabel the selected span) with a label index.
    Label(u16),
    /// Apply a prepared edit with a one-line summary.
    Edit(Edit, String),
    Open(PathBuf),
    SaveTo(PathBuf),
    ShowDialog(Dialog),
    CloseDialog,
    /// Close the window, discarding unsaved changes.
    ForceQuit,
    SetTheme(ThemePref),
    Restore(PathBuf),
    /// Start building a relation from a target (or the selected span).
    StartDraft(Option<Target>),
    DraftKind(u16),
    DraftPick(Target),
    DraftNext,
    CancelDraft,
    SelectRelation(Option<RelationId>),
    /// Show what "link all matching mentions" would do for an entity.
    PreviewLinkAll(EntityId),
    CreateEntity,
    LinkTo(EntityId),
    CreateAndLink,
    CancelLink,
    /// Move the annotations onto this version of the article.
    Reanchor(PathBuf),
    /// Save to this path even though the file changed on disk.
    Overwrite(PathBuf),
    /// Drop this window's changes and read the file again.
    ReloadFromDisk(PathBuf),
    StartExport(transfer::ExportForm),
    StartImport(transfer::ImportForm),
    /// Open a folder as a labeling session.
    OpenFolder(PathBuf),
    /// Open the folder's document number `i` (saving the current one).
    OpenEntry(usize),
    /// Open a file (read-only for review when the flag is set) and show a span.
    OpenAt(PathBuf, Option<SpanId>),
    OpenForReview(PathBuf),
    /// Record a review decision on the current annotation and move on.
    ReviewMark(crate::model::ReviewStatus),
    /// Move the review cursor by this many annotations.
    ReviewMove(i32),
    /// Set the current annotation's note.
    ReviewNote(session::ReviewItem, String),
    /// Open the note field for an annotation in review mode.
    ReviewNoteStart(session::ReviewItem, String),
    /// Compare these annotation files of one article.
    StartCompare(Vec<PathBuf>),
    /// Take a version of a difference (adjudication).
    Decide(usize, crate::model::compare::Choice),
    /// Move to another difference.
    CompareGo(usize),
    /// Group the relationships of every file of the folder.
    StartGraph,
    /// Read the folder's files again.
    RescanFolder,
    /// Leave the compare view; the merged file stays open.
    EndCompare,
}

pub struct SorotApp {
    pub doc: Document,
    pub view: TextView,
    pub selected: Option<SpanId>,
    /// Text selected for labelling: one fragment, or several for a discontinuous span.
    pub selection: Vec<ByteRange>,
    pub status: String,
    pub prefs: Prefs,
    pub dialog: Option<Dialog>,
    pub find: panels::FindState,
    pub list: panels::ListState,
    pub details: panels::DetailsState,
    hover_byte: Option<usize>,
    last_title: String,
    last_autosave: Instant,
    allow_close: bool,
    native_dialog: Option<std::sync::mpsc::Receiver<(PathPurpose, Option<PathBuf>)>>,
    /// A document being opened on a worker thread.
    loading: Option<Loading>,
    /// The autosave running on a worker thread, if any.
    autosave_job: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
    /// The save running on a worker thread, if any.
    save_job: Option<SaveJob>,
    /// A relation being built.
    pub draft: Option<Draft>,
    pub selected_relation: Option<RelationId>,
    pub show_all_arcs: bool,
    pub entity_form: relations::EntityForm,
    /// The query of the link-to-entity bar, while it is open.
    pub link_query: Option<String>,
    link_focus: bool,
    pending: Vec<Action>,
    /// An export or import running on a worker thread.
    job: Option<transfer::Job>,
    /// The folder being worked through, if any.
    pub corpus: Option<session::CorpusView>,
    /// Review mode, when on.
    pub review: Option<session::ReviewState>,
    /// Comparing annotators' files; the document is the merged file.
    pub compare: Option<session::CompareState>,
    /// The cross-document relationships window.
    pub graph: Option<session::GraphView>,
    /// Open the first unfinished document once the folder is read.
    open_first_after_scan: bool,
}

struct SaveJob {
    path: PathBuf,
    /// The history generation the snapshot was taken at.
    generation: u64,
    handle: std::thread::JoinHandle<anyhow::Result<()>>,
}

struct Loading {
    path: PathBuf,
    /// Select and show this span once loaded.
    reveal: Option<SpanId>,
    /// Open read-only for review.
    for_review: bool,
    started: Instant,
    rx: std::sync::mpsc::Receiver<LoadMsg>,
    /// The article text, shown while the annotations load.
    preview: Option<Store>,
}

enum LoadMsg {
    Preview(Text),
    Done(Box<anyhow::Result<Document>>),
}

/// The annotation file that opening `path` reads, if there is one.
fn annotation_file_for(path: &Path, annotator: Option<&str>) -> Option<PathBuf> {
    if io::is_annotation_file(path) {
        return Some(path.to_owned());
    }
    let ann = io::default_annotation_path(path, annotator);
    ann.exists().then_some(ann)
}

impl SorotApp {
    pub fn new(doc: Document) -> Self {
        let mut app = Self {
            doc,
            view: TextView::default(),
            selected: None,
            selection: Vec::new(),
            status: String::new(),
            prefs: Prefs::default(),
            dialog: None,
            find: Default::default(),
            list: Default::default(),
            details: Default::default(),
            hover_byte: None,
            last_title: String::new(),
            last_autosave: Instant::now(),
            allow_close: false,
            native_dialog: None,
            loading: None,
            autosave_job: None,
            save_job: None,
            draft: None,
            selected_relation: None,
            show_all_arcs: false,
            entity_form: Default::default(),
            link_query: None,
            link_focus: false,
            pending: Vec::new(),
            job: None,
            corpus: None,
            review: None,
            compare: None,
            graph: None,
            open_first_after_scan: false,
        };
        app.view.font_size = app.prefs.font_size;
        app.show_notice();
        app.offer_recovery();
        app
    }

    /// Shows what the analyst must know about the document just opened.
    fn show_notice(&mut self) {
        if let Some(notice) = self.doc.notice.clone() {
            self.dialog = Some(match self.doc.changed_article.clone() {
                Some(article) => Dialog::ArticleChanged { article, notice },
                None => Dialog::Error(notice),
            });
        }
    }

    /// Replaces the document with its annotations moved onto `article`;
    /// the file on disk is unchanged until saved.
    fn reanchor(&mut self, article: &Path) {
        match io::reanchor_store(&self.doc.store, article, &self.prefs.annotator) {
            Ok((store, report)) => {
                let text = crate::model::reanchor::describe(&store, &report);
                self.doc.store = store;
                self.doc.history = History::default();
                self.doc.history.mark_unsaved();
                self.doc.changed_article = None;
                self.doc.notice = None;
                self.selected = None;
                self.selection.clear();
                self.details.reset();
                self.view = TextView::default();
                self.view.font_size = self.prefs.font_size;
                self.set_status(format!("Re-anchored onto {}: {}", article.display(), report.summary()));
                self.dialog = Some(Dialog::Report {
                    title: "Re-anchored onto the new text".into(),
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

    pub fn with_prefs(mut self, prefs: Prefs) -> Self {
        self.view.font_size = prefs.font_size;
        self.prefs = prefs;
        self
    }

    /// An app that opens `path` on a worker thread, showing progress meanwhile.
    pub fn opening(path: PathBuf) -> Self {
        let placeholder = Store::new(crate::model::Text::new(""), Schema::default_news(), Default::default());
        let mut app = Self::new(Document::new(placeholder, None));
        app.start_loading(path);
        app
    }

    /// An app that opens the folder `dir` as a labeling session.
    pub fn opening_folder(dir: PathBuf) -> Self {
        let placeholder = Store::new(crate::model::Text::new(""), Schema::default_news(), Default::default());
        let mut app = Self::new(Document::new(placeholder, None));
        app.start_scan(dir, true);
        app
    }

    /// Whether an export or import is running.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// Whether a document is still being opened.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    fn start_loading(&mut self, path: PathBuf) {
        self.start_loading_with(path, None, false);
    }

    /// The annotator whose own files are opened in a folder, if analysts
    /// keep one file each.
    fn own_files(&self) -> Option<String> {
        (self.corpus.is_some() && self.prefs.per_annotator_files)
            .then(|| io::corpus::file_safe_name(&self.prefs.annotator))
    }

    fn start_loading_with(&mut self, path: PathBuf, reveal: Option<SpanId>, for_review: bool) {
        self.finish_save();
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        let annotator = self.own_files();
        std::thread::spawn(move || {
            // The text first (it is at the end of the file, read without
            // parsing the rest), so a large document is readable at once;
            // then the same source is parsed, not read again.
            let source = annotation_file_for(&p, annotator.as_deref())
                .and_then(|ann| Some((io::read_annotation_source(&ann).ok()?, ann)));
            if let Some(text) = source.as_ref().and_then(|(src, _)| io::ronfile::peek_text(src)) {
                let _ = tx.send(LoadMsg::Preview(Text::new(text)));
            }
            let load = |q: &Path| match &source {
                Some((src, ann)) if ann == q => io::parse_annotations(q, src),
                _ => io::load_annotations(q),
            };
            let _ = tx.send(LoadMsg::Done(Box::new(Document::open_with(&p, annotator.as_deref(), &load))));
        });
        self.loading = Some(Loading { path, reveal, for_review, started: Instant::now(), rx, preview: None });
    }

    /// The text shown while a document loads, if it has arrived.
    pub fn loading_preview(&self) -> Option<&Store> {
        self.loading.as_ref().and_then(|l| l.preview.as_ref())
    }

    fn poll_loading(&mut self) {
        let Some(loading) = &mut self.loading else { return };
        let result = match loading.rx.try_recv() {
            Ok(LoadMsg::Preview(text)) => {
                loading.preview = Some(Store::new(text, Schema::default_news(), Default::default()));
                return;
            }
            Ok(LoadMsg::Done(r)) => *r,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(anyhow::anyhow!("opening stopped unexpectedly")),
        };
        let Some(loading) = self.loading.take() else { return };
        let path = loading.path;
        match result {
            Ok(mut doc) => {
                doc.read_only = loading.for_review;
                self.doc = doc;
                self.compare = None;
                self.review = loading.for_review.then(Default::default);
                self.selected = None;
                self.selection.clear();
                self.find = Default::default();
                self.list = Default::default();
                self.details.reset();
                self.view = TextView::default();
                self.view.font_size = self.prefs.font_size;
                self.prefs.recent.retain(|p| *p != path);
                self.prefs.recent.insert(0, path.clone());
                self.prefs.recent.truncate(10);
                self.set_status(format!(
                    "Opened {} ({}, {} annotations) in {:.2} s",
                    path.display(),
                    self.doc.store.meta.encoding,
                    self.doc.store.spans().len(),
                    loading.started.elapsed().as_secs_f64()
                ));
                self.show_notice();
                self.offer_recovery();
                if let Some(id) = loading.reveal {
                    self.apply_reveal(id);
                }
            }
            // The current work stays open; the error is shown once.
            Err(e) => self.dialog = Some(Dialog::Error(format!("{e:#}"))),
        }
    }

    /// The first byte of the text drawn in the last frame.
    pub fn view_first_visible_byte(&self) -> Option<usize> {
        self.view.first_visible_byte()
    }

    pub fn store(&self) -> &Store {
        &self.doc.store
    }

    /// Queues an action as if a widget had pushed it.
    pub fn push(&mut self, action: Action) {
        self.pending.push(action);
    }

    fn offer_recovery(&mut self) {
        let rec = self.doc.recovery_path();
        if rec.exists() {
            self.dialog = Some(Dialog::Recover(rec));
        }
    }

    fn set_status(&mut self, msg: impl Into<String>) {
        self.status = msg.into();
    }

    fn now() -> Timestamp {
        Timestamp::now()
    }

    fn edit(&mut self, edit: Edit, summary: String) {
        match self.doc.apply(edit, summary.clone()) {
            Ok(()) => self.set_status(summary),
            Err(e) => self.set_status(format!("Not done: {e}")),
        }
    }

    fn apply_reveal(&mut self, id: SpanId) {
        if let Some(span) = self.doc.store.span(id) {
            self.view.scroll_to(span.start());
            self.selected = Some(id);
            self.details.reset();
        }
    }

    /// Applies one action. Every error ends on the status line or in a dialog.
    pub fn apply(&mut self, ctx: &egui::Context, action: Action) {
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
            Action::StartDraft(origin) => self.start_draft(origin),
            Action::DraftKind(k) => self.draft_kind(k),
            Action::DraftPick(t) => self.draft_pick(t),
            Action::DraftNext => self.draft_next(),
            Action::CancelDraft => {
                self.draft = None;
                self.set_status("Relation cancelled");
            }
            Action::SelectRelation(id) => {
                self.selected_relation = id;
                let first = id.and_then(|r| self.doc.store.relation(r)).and_then(|r| {
                    r.args.iter().chain(std::iter::empty()).find_map(|a| match a.target {
                        Target::Span(s) => Some(s),
                        Target::Entity(e) => self.doc.store.mentions_of(e).first().copied(),
                    })
                });
                if let Some(span) = first.and_then(|s| self.doc.store.span(s)) {
                    self.view.scroll_to(span.start());
                }
            }
            Action::PreviewLinkAll(entity) => {
                let store = &self.doc.store;
                let Some(e) = store.entity(entity) else { return };
                let label =
                    store.mentions_of(entity).first().and_then(|m| store.span(*m)).map(|s| s.label).or_else(|| {
                        store
                            .schema()
                            .labels
                            .iter()
                            .position(|l| l.entity_type.as_deref() == Some(e.kind.as_str()))
                            .map(|i| i as u16)
                    });
                let Some(label) = label else {
                    self.set_status(format!("No label links to {} entities", e.kind));
                    return;
                };
                let edits = self.doc.store.link_all_edits(entity, label, &self.prefs.annotator, Timestamp::now());
                if edits.is_empty() {
                    self.set_status("Every matching mention is already linked");
                } else {
                    self.dialog = Some(Dialog::LinkAll { entity, edits });
                }
            }
            Action::CreateEntity => {
                let f = &self.entity_form;
                let entity = Entity {
                    id: EntityId(self.doc.store.alloc_id()),
                    name: f.name.trim().to_owned(),
                    kind: f.kind.clone(),
                    aliases: f.aliases.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect(),
                    external_id: Some(f.external_id.trim().to_owned()).filter(|q| !q.is_empty()),
                    note: None,
                    provenance: Provenance::new(&self.prefs.annotator, Timestamp::now()),
                };
                let summary = format!("Created entity {}", entity.name);
                if self.doc.apply(Edit::AddEntity(entity), summary.clone()).is_ok() {
                    self.entity_form = Default::default();
                    self.set_status(summary);
                } else {
                    self.set_status("An entity needs a name and a type");
                }
            }
            Action::LinkTo(entity) => {
                if let Some(mut span) = self.selected.and_then(|id| self.doc.store.span(id)).cloned() {
                    span.entity = Some(entity);
                    span.provenance.modified = Timestamp::now();
                    let name = self.doc.store.entity(entity).map_or(String::new(), |e| e.name.clone());
                    self.edit(Edit::ReplaceSpan(span), format!("Linked to {name}"));
                }
                self.link_query = None;
            }
            Action::CreateAndLink => {
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
            Action::CancelLink => self.link_query = None,
            Action::Reanchor(article) => self.reanchor(&article),
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
            Action::OpenFolder(_)
            | Action::OpenEntry(_)
            | Action::OpenAt(..)
            | Action::OpenForReview(_)
            | Action::ReviewMark(_)
            | Action::ReviewMove(_)
            | Action::ReviewNote(..)
            | Action::ReviewNoteStart(..)
            | Action::StartCompare(_)
            | Action::Decide(..)
            | Action::CompareGo(_)
            | Action::StartGraph
            | Action::RescanFolder
            | Action::EndCompare => self.apply_session(ctx, action),
            Action::Restore(rec) => match io::load_annotations(&rec) {
                Ok(store) => {
                    self.doc.store = store;
                    self.doc.history = History::default();
                    self.doc.history.mark_unsaved();
                    self.set_status(format!("Restored unsaved work from {}", rec.display()));
                }
                Err(e) => self.set_status(format!("Cannot restore: {e:#}")),
            },
        }
    }

    fn run(&mut self, ctx: &egui::Context, cmd: Command) {
        match cmd {
            Command::OpenArticle => self.apply(ctx, Action::ShowDialog(Dialog::path(PathPurpose::OpenArticle))),
            Command::OpenAnnotations => self.apply(ctx, Action::ShowDialog(Dialog::path(PathPurpose::OpenAnnotations))),
            Command::Reanchor => self.apply(ctx, Action::ShowDialog(Dialog::path(PathPurpose::Reanchor))),
            Command::Export => self.dialog = Some(Dialog::Export(transfer::ExportForm::new(self))),
            Command::Import => self.dialog = Some(Dialog::Import(transfer::ImportForm::new(self))),
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
            Command::ClearSelection => {
                if self.find.open {
                    self.find.open = false;
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
            Command::MoveStartLeft | Command::MoveStartRight | Command::MoveEndLeft | Command::MoveEndRight => {
                self.move_boundary(cmd)
            }
            Command::NewRelation => self.start_draft(None),
            Command::AssignSource => self.attribute("source"),
            Command::AssignCue => self.attribute("cue"),
            Command::AssignOutlet => self.attribute("outlet"),
            Command::LinkEntity => {
                if self.selected.is_some() {
                    self.link_query = Some(String::new());
                    self.link_focus = true;
                } else {
                    self.set_status("Select a mention first, then press Ctrl+E");
                }
            }
            Command::ToggleArcs => self.show_all_arcs = !self.show_all_arcs,
            Command::OpenFolder
            | Command::NextDocument
            | Command::PrevDocument
            | Command::MarkDone
            | Command::ToggleReview
            | Command::OpenForReview
            | Command::Compare
            | Command::Graph
            | Command::Preferences => self.run_session(ctx, cmd),
            Command::FontBigger | Command::FontSmaller => {
                let d = if cmd == Command::FontBigger { 1.0 } else { -1.0 };
                self.prefs.font_size = (self.prefs.font_size + d).clamp(9.0, 40.0);
                self.view.font_size = self.prefs.font_size;
                self.view.invalidate();
            }
        }
    }

    /// Creates a span from the selection, or relabels the selected span.
    fn label(&mut self, label: u16) {
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
        let mut frags = self.selection.clone();
        frags.sort();
        let mut ranges = Ranges::new();
        for r in frags {
            match ranges.last_mut() {
                Some(last) if last.end >= r.start => last.end = last.end.max(r.end),
                _ => ranges.push(r),
            }
        }
        let id = SpanId(self.doc.store.alloc_id());
        let span = Span::new(id, label, ranges, Provenance::new(&self.prefs.annotator, Self::now()));
        let quote = self.doc.store.quote(&span);
        let summary = format!("Created {label_name} {id} “{}”", short(&quote));
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

    fn move_boundary(&mut self, cmd: Command) {
        let Some(span) = self.selected.and_then(|id| self.doc.store.span(id)).cloned() else {
            self.set_status("Select an annotation to move its boundaries");
            return;
        };
        let text = self.doc.store.text();
        let mut s = span.clone();
        let (first, last) = (0, s.ranges.len() - 1);
        match cmd {
            Command::MoveStartLeft => s.ranges[first].start = text.word_step(s.ranges[first].start(), false) as u32,
            Command::MoveStartRight => s.ranges[first].start = text.word_step(s.ranges[first].start(), true) as u32,
            Command::MoveEndLeft => s.ranges[last].end = text.word_step(s.ranges[last].end(), false) as u32,
            _ => s.ranges[last].end = text.word_step(s.ranges[last].end(), true) as u32,
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

    fn open(&mut self, ctx: &egui::Context, path: &Path) {
        self.start_loading(path.to_owned());
        ctx.request_repaint();
    }

    /// Waits for an autosave in flight, so the recovery file is not written
    /// again after it was removed.
    fn finish_autosave(&mut self) {
        if let Some(job) = self.autosave_job.take() {
            match job.join() {
                Ok(Err(e)) => self.set_status(format!("Autosave failed: {e:#}")),
                Err(_) => self.set_status("Autosave stopped unexpectedly"),
                Ok(Ok(())) => {}
            }
        }
    }

    /// Drops unsaved changes: the recovery file goes too.
    pub fn discard_changes(&mut self) {
        self.finish_save();
        self.finish_autosave();
        let _ = std::fs::remove_file(self.doc.recovery_path());
        self.doc.history.mark_saved(self.doc.history.generation());
    }

    /// Writes the annotation file atomically and drops the recovery file;
    /// asks first if the file changed on disk since it was read.
    pub fn save(&mut self) {
        self.save_checked(false);
    }

    fn save_checked(&mut self, overwrite: bool) {
        let Some(path) = self.doc.path.clone() else { return };
        // A save still in flight is ours: finish it before comparing the
        // file on disk with what we last wrote.
        self.finish_save();
        if !overwrite && let Some(conflict) = self.doc.save_conflict(&path) {
            self.dialog = Some(Dialog::Conflict { path, conflict });
            return;
        }
        self.finish_autosave();
        // The state and annotator live in the file: a document with work
        // in it is in progress, and says whose it is.
        let meta = &mut self.doc.store.meta;
        if meta.state == crate::model::DocState::New
            && (self.doc.store.spans().len() > 0 || self.doc.store.relations().len() > 0)
        {
            self.doc.store.meta.state = crate::model::DocState::InProgress;
        }
        if self.doc.store.meta.annotator.is_none() && !self.doc.read_only {
            self.doc.store.meta.annotator = Some(self.prefs.annotator.clone());
        }
        // A snapshot (the tables are shared, not copied) written on a worker
        // thread: the window never waits for the disk.
        let snapshot = self.doc.store.clone();
        let generation = self.doc.history.generation();
        let target = path.clone();
        let handle = std::thread::spawn(move || io::save_annotations(&target, &snapshot));
        self.save_job = Some(SaveJob { path: path.clone(), generation, handle });
        self.set_status(format!("Saving {} …", path.display()));
    }

    /// Whether a save is being written.
    pub fn is_saving(&self) -> bool {
        self.save_job.is_some()
    }

    /// Waits for the save in flight, then marks what it wrote as saved.
    pub fn finish_save(&mut self) {
        let Some(job) = self.save_job.take() else { return };
        match job.handle.join() {
            Ok(Ok(())) => {
                self.doc.disk = DiskStamp::of(&job.path);
                self.doc.history.mark_saved(job.generation);
                // Edits made while it was written stay in the recovery file.
                if !self.doc.history.is_dirty() {
                    let _ = std::fs::remove_file(self.doc.recovery_path());
                }
                self.set_status(format!("Saved {}", job.path.display()));
                self.saved_in_corpus(&job.path);
            }
            Ok(Err(e)) => self.dialog = Some(Dialog::Error(format!("Not saved: {e:#}"))),
            Err(_) => self.dialog = Some(Dialog::Error("Not saved: the save stopped unexpectedly".into())),
        }
    }

    /// Writes unsaved work to the recovery file every `autosave_secs`, on a
    /// worker thread from a snapshot, so a large document never stalls the
    /// window while it is written.
    fn autosave(&mut self) {
        if self.autosave_job.as_ref().is_some_and(|j| j.is_finished()) {
            self.finish_autosave();
        }
        let every = Duration::from_secs(self.prefs.autosave_secs.max(1));
        if self.autosave_job.is_some() || !self.doc.history.is_dirty() || self.last_autosave.elapsed() < every {
            return;
        }
        self.last_autosave = Instant::now();
        let rec = self.doc.recovery_path();
        let snapshot = self.doc.store.clone();
        self.autosave_job = Some(std::thread::spawn(move || io::save_annotations(&rec, &snapshot)));
    }

    /// Whether an autosave is being written.
    pub fn is_autosaving(&self) -> bool {
        self.autosave_job.as_ref().is_some_and(|j| !j.is_finished())
    }

    fn start_native_dialog(&mut self, purpose: PathPurpose) {
        let (tx, rx) = std::sync::mpsc::channel();
        let dir = self.doc.path.as_deref().and_then(Path::parent).map(Path::to_owned);
        std::thread::spawn(move || {
            let mut d = rfd::FileDialog::new();
            if let Some(dir) = dir {
                d = d.set_directory(dir);
            }
            let picked = match purpose {
                PathPurpose::OpenArticle => d.add_filter("Articles", &["txt", "md", "html", "htm"]).pick_file(),
                PathPurpose::OpenAnnotations => d.add_filter("Sorot annotations", &["ron"]).pick_file(),
                PathPurpose::SaveAs => d.add_filter("Sorot annotations", &["ron"]).save_file(),
                PathPurpose::Reanchor => d.add_filter("Articles", &["txt", "md", "html", "htm"]).pick_file(),
                PathPurpose::OpenFolder => d.pick_folder(),
                PathPurpose::OpenForReview => d.add_filter("Sorot annotations", &["ron"]).pick_file(),
            };
            let _ = tx.send((purpose, picked));
        });
        self.native_dialog = Some(rx);
    }

    fn poll_native_dialog(&mut self) {
        let Some(rx) = &self.native_dialog else { return };
        match rx.try_recv() {
            Ok((purpose, Some(path))) => {
                self.native_dialog = None;
                self.dialog = None;
                let action = match purpose {
                    PathPurpose::SaveAs => Action::SaveTo(path),
                    PathPurpose::Reanchor => Action::Reanchor(path),
                    PathPurpose::OpenFolder => Action::OpenFolder(path),
                    PathPurpose::OpenForReview => Action::OpenForReview(path),
                    _ => Action::Open(path),
                };
                self.pending.push(action);
            }
            Ok((_, None)) => {
                self.native_dialog = None;
                self.set_status("No file chosen in the system dialog (or none is available): type the path instead");
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.native_dialog = None,
        }
    }

    /// Keyboard shortcuts. Plain keys (Delete, Tab, letters) only when no
    /// text field is being edited.
    fn shortcuts(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() {
            return;
        }
        let mut draft_actions = Vec::new();
        if relations::draft_keys(ctx, self, &mut draft_actions) {
            self.pending.extend(draft_actions);
            return;
        }
        let typing = ctx.egui_wants_keyboard_input();
        let mut mode_actions = Vec::new();
        let mode = session::mode_keys(ctx, self, &mut mode_actions);
        self.pending.extend(mode_actions);
        for &cmd in Command::ALL {
            // Review and compare use plain letters of their own.
            if mode && cmd.is_plain() && cmd != Command::ClearSelection {
                continue;
            }
            if cmd.is_plain() && typing && cmd != Command::ClearSelection {
                continue;
            }
            if ctx.input_mut(|i| i.consume_shortcut(&cmd.shortcut())) {
                if matches!(cmd, Command::NextAnnotation | Command::PrevAnnotation) {
                    // Tab must not also move keyboard focus between widgets.
                    ctx.memory_mut(|m| {
                        m.move_focus(egui::FocusDirection::None);
                        if let Some(f) = m.focused() {
                            m.surrender_focus(f);
                        }
                    });
                }
                self.pending.push(Action::Run(cmd));
            }
        }
        if typing || mode {
            return;
        }
        let labels: Vec<(usize, char)> =
            self.doc.store.schema().labels.iter().enumerate().filter_map(|(i, l)| l.hotkey.map(|k| (i, k))).collect();
        for (i, key) in labels {
            let Some(k) = egui::Key::from_name(&key.to_ascii_uppercase().to_string()) else { continue };
            if ctx.input_mut(|inp| inp.consume_key(egui::Modifiers::NONE, k)) {
                self.pending.push(Action::Label(i as u16));
            }
        }
    }

    /// Draws one frame into `ui` (the whole window) and applies what it asked for.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.poll_native_dialog();
        if self.save_job.as_ref().is_some_and(|j| j.handle.is_finished()) {
            self.finish_save();
        }
        self.poll_loading();
        self.poll_session();
        if let Some(loading) = &self.loading {
            let (path, secs) = (loading.path.display().to_string(), loading.started.elapsed().as_secs_f32());
            match &loading.preview {
                // The text is here: show it (read-only) while the
                // annotations are parsed and indexed.
                Some(preview) => {
                    egui::Panel::top("loading").show(ui, |ui| {
                        ui.horizontal(|ui| {
                            ui.spinner();
                            ui.label(format!(
                                "Loading the annotations of {path} … {secs:.1} s (the text is read-only until then)"
                            ));
                        });
                    });
                    egui::CentralPanel::default().show(ui, |ui| {
                        let _ = self.view.show(ui, preview, &[], None);
                    });
                }
                None => {
                    egui::CentralPanel::default().show(ui, |ui| {
                        ui.centered_and_justified(|ui| {
                            ui.horizontal(|ui| {
                                ui.spinner();
                                ui.label(format!("Opening {path} … {secs:.1} s"));
                            });
                        });
                    });
                }
            }
            ctx.request_repaint_after(Duration::from_millis(50));
            return;
        }
        if ctx.input(|i| i.viewport().close_requested()) {
            // A save in flight completes before anything else is decided.
            self.finish_save();
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close && self.doc.history.is_dirty() {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialog = Some(Dialog::Unsaved(dialogs::After::Quit));
        }
        for file in ctx.input(|i| i.raw.dropped_files.clone()) {
            let path = file.path();
            if !path.as_os_str().is_empty() {
                self.pending.push(Action::Open(path.to_owned()));
            }
        }
        self.shortcuts(&ctx);
        let mut actions = std::mem::take(&mut self.pending);
        panels::menu_bar(ui, self, &mut actions);
        panels::status_bar(ui, self);
        if self.compare.is_none() && self.review.is_none() {
            panels::palette(ui, self, &mut actions);
        }
        session::corpus_panel(ui, self, &mut actions);
        panels::side_panel(ui, self, &mut actions);
        egui::CentralPanel::default().show(ui, |ui| {
            panels::find_bar(ui, self, &mut actions);
            relations::draft_bar(ui, self, &mut actions);
            relations::link_bar(ui, self, &mut actions);
            self.view.marks = session::compare_marks(self);
            let out = self.view.show(ui, &self.doc.store, &self.selection, self.selected);
            self.hover_byte = out.hover_byte;
            let mut focus: Vec<SpanId> = out.hovered_spans.clone();
            focus.extend(self.selected);
            relations::arcs(ui, self, &out.span_rects, &focus, &mut actions);
            if self.draft.is_some()
                && let Some((_, spans)) = &out.clicked
            {
                // While building a relation, a click picks the highlight.
                if let Some(first) = spans.first() {
                    actions.push(Action::DraftPick(Target::Span(*first)));
                }
                return;
            }
            if let Some((byte, spans)) = out.clicked {
                if ui.input(|i| i.modifiers.shift) && !self.selection.is_empty() {
                    // Shift+click extends the selection to the clicked word.
                    let word = self.doc.store.text().snap_to_words(byte, byte);
                    let start = self.selection.iter().map(|r| r.start).min().unwrap_or(word.start).min(word.start);
                    let end = self.selection.iter().map(|r| r.end).max().unwrap_or(word.end).max(word.end);
                    actions.push(Action::SetSelection(vec![ByteRange { start, end }]));
                } else {
                    actions.push(Action::SetSelection(Vec::new()));
                    actions.push(Action::Select(spans.first().copied()));
                }
            }
            if let Some((id, is_start, byte)) = out.boundary
                && let Some(span) = self.doc.store.span(id)
            {
                let byte = self.doc.store.text().grapheme_floor(byte) as u32;
                let mut s = span.clone();
                let last = s.ranges.len() - 1;
                if is_start {
                    s.ranges[0].start = byte;
                } else {
                    s.ranges[last].end = byte;
                }
                if s.ranges != span.ranges {
                    s.provenance.modified = Timestamp::now();
                    let summary = format!("Moved a boundary of {} {id}", self.doc.store.label_name(s.label));
                    actions.push(Action::Edit(Edit::ReplaceSpan(s), summary));
                }
            }
            if let Some((a, b)) = out.dragged {
                let text = self.doc.store.text();
                let exact = ui.input(|i| i.modifiers.alt);
                let r = if exact {
                    ByteRange::new(text.grapheme_floor(a), text.grapheme_ceil(b))
                } else {
                    text.snap_to_words(a, b)
                };
                if ui.input(|i| i.modifiers.shift) && !self.selection.is_empty() {
                    // Shift extends the selection to cover the new drag.
                    let mut all = self.selection.clone();
                    all.push(r);
                    let start = all.iter().map(|r| r.start).min().unwrap_or(r.start);
                    let end = all.iter().map(|r| r.end).max().unwrap_or(r.end);
                    actions.push(Action::SetSelection(vec![ByteRange { start, end }]));
                } else if ui.input(|i| i.modifiers.command) && !self.selection.is_empty() {
                    // Ctrl+drag adds a fragment of a discontinuous span.
                    let mut all = self.selection.clone();
                    all.push(r);
                    actions.push(Action::SetSelection(all));
                } else {
                    actions.push(Action::SetSelection(vec![r]));
                }
            }
        });
        session::graph_window(&ctx, self, &mut actions);
        transfer::poll(self);
        match &self.job {
            Some(job) => transfer::show_job(&ctx, job),
            None => dialogs::show(&ctx, self, &mut actions),
        }
        for a in actions {
            self.apply(&ctx, a);
        }
        self.autosave();
        let title = self.doc.title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
        if self.save_job.is_some() {
            ctx.request_repaint_after(Duration::from_millis(20));
        } else if self.native_dialog.is_some() || self.doc.history.is_dirty() {
            ctx.request_repaint_after(Duration::from_millis(500));
        }
    }
}

fn apply_theme(ctx: &egui::Context, t: ThemePref) {
    ctx.set_theme(match t {
        ThemePref::System => egui::ThemePreference::System,
        ThemePref::Light => egui::ThemePreference::Light,
        ThemePref::Dark => egui::ThemePreference::Dark,
    });
}

/// A quote shortened for one-line messages.
pub fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out.replace('\n', " ")
}

impl eframe::App for SorotApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PREFS_KEY, &self.prefs);
    }

    fn auto_save_interval(&self) -> Duration {
        Duration::from_secs(30)
    }
}

/// Opens the window on `file`, or on the bundled sample.
pub fn run(file: Option<PathBuf>) -> anyhow::Result<()> {
    // A file given on the command line opens on a worker thread, so the
    // window appears at once and shows progress.
    let doc = if file.is_none() { Some(Document::sample()) } else { None };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 820.0])
            .with_min_inner_size([640.0, 400.0])
            .with_title("Sorot")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Sorot",
        options,
        Box::new(move |cc| {
            let prefs: Prefs = cc.storage.and_then(|s| eframe::get_value(s, PREFS_KEY)).unwrap_or_default();
            apply_theme(&cc.egui_ctx, prefs.theme);
            let app = match (doc, file) {
                (Some(doc), _) => SorotApp::new(doc),
                (None, Some(path)) if path.is_dir() => SorotApp::opening_folder(path),
                (None, Some(path)) => SorotApp::opening(path),
                (None, None) => SorotApp::new(Document::sample()),
            };
            Ok(Box::new(app.with_prefs(prefs)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
