//! The desktop window.
//!
//! Drawing reads the document and pushes [`Action`]s; after the frame they
//! are applied in one place ([`SorotApp::apply`]), and each error reaches
//! the status line once. File dialogs never block drawing: the native
//! dialog runs on a thread, and an in-window path field always works, even
//! where no native dialog exists.

mod action;
mod apply;
mod commands;
mod dialogs;
mod files;
mod fonts;
mod frame;
mod glyphs;
mod jobs;
mod long_edit;
mod panels;
mod prefs;
mod relations;
mod session;
mod text_view;
mod transfer;
mod web;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::Color32;
use serde::{Deserialize, Serialize};

use crate::io;
use crate::model::{
    ByteRange, Edit, Entity, EntityId, History, Provenance, Ranges, RelationId, Schema, Span, SpanId, Store, Target,
    Text, Timestamp, schema::parse_color,
};

pub use crate::io::document::{DiskStamp, Document, SAMPLE_NAME, SaveConflict, install_sample, sample_dir};
pub use crate::model::draft::short;
pub use action::{Action, CompareAction, DraftAction, EntityAction, FolderAction, ReviewAction, SearchAction};
pub use commands::{Command, markdown_table};
pub use dialogs::{Dialog, PathPurpose};
pub use fonts::SystemFonts;
pub use frame::run;
pub use jobs::{Job, Poll, Reporter};
pub use prefs::{ExportChoices, Prefs, ThemePref};
pub use relations::{Draft, relation_line};
pub use session::{ReviewItem, SuggestAction};
pub use text_view::{FrameStats, MAX_CACHED_BLOCKS, TextView, split_blocks};

/// A combo box with its caption before it, as forms have it (egui's
/// `from_label` puts the caption after the widget, where it reads like
/// clipped text). The caption names the widget for screen readers.
pub fn combo(
    ui: &mut egui::Ui,
    caption: &str,
    selected: impl Into<egui::WidgetText>,
    add: impl FnOnce(&mut egui::Ui),
) -> egui::Response {
    ui.horizontal(|ui| {
        let c = ui.label(caption);
        let r = egui::ComboBox::from_id_salt(("combo", caption)).selected_text(selected).show_ui(ui, add);
        r.response.labelled_by(c.id)
    })
    .inner
}

/// The widest a side panel may be, from the width the panels added before
/// it left (`ui.available_width()`): at most `share` of it and never so wide
/// that less than [`ARTICLE_MIN_WIDTH`] is left for the article; never less
/// than 140 points. In a wide window the panels keep their own sizes; in a
/// narrow one with the folder list, the suggestions and the annotations all
/// open, the article keeps room to be read.
pub fn side_panel_max(ui: &egui::Ui, share: f32) -> f32 {
    let room = ui.available_width();
    (room * share).min(room - ARTICLE_MIN_WIDTH).max(140.0)
}

/// Keeps what a side panel draws inside it: a row wider than the panel is
/// cut at its edge instead of covering the panel beside it.
fn clip_to_panel(ui: &mut egui::Ui) {
    let clip = ui.clip_rect().intersect(ui.max_rect().expand(2.0));
    ui.set_clip_rect(clip);
}

/// Lays out a side panel's body in the panel's width and no wider. A panel
/// otherwise grows to a row wider than itself and reports its allowed
/// width to the panel beside it, whose background then covers the row's
/// start; here such a row is cut at the panel's edge instead.
pub fn within_panel<R>(ui: &mut egui::Ui, body: impl FnOnce(&mut egui::Ui) -> R) -> R {
    let rect = ui.max_rect();
    let mut inner = ui.new_child(egui::UiBuilder::new().id_salt("within-panel").max_rect(rect).layout(*ui.layout()));
    clip_to_panel(&mut inner);
    let r = body(&mut inner);
    let bottom = inner.min_rect().max.y.clamp(rect.min.y, rect.max.y);
    ui.advance_cursor_after_rect(egui::Rect::from_min_max(rect.min, egui::pos2(rect.max.x, bottom)));
    r
}

/// The widths the analyst gave the side panels. A narrow window squeezes a
/// panel (egui then keeps the squeezed width); when the window grows
/// again, the panel grows back to the width it had, as far as room allows.
#[derive(Default)]
pub struct PanelWidths {
    widths: std::collections::HashMap<&'static str, (f32, f32)>,
    /// The window's width in the last frame, and whether it grew since.
    window: f32,
    grew: bool,
}

/// The panels whose widths are kept.
const PANELS: [&str; 3] = ["corpus", "side", "suggestions"];

impl PanelWidths {
    /// At the start of a frame, with the window's width.
    pub fn start_frame(&mut self, window: f32) {
        self.grew = self.window > 0.0 && window > self.window + 0.5;
        self.window = window;
    }

    /// The widths wanted at the last run (see [`Prefs::panel_widths`]):
    /// each panel starts at its own, room permitting.
    pub fn seed(&mut self, wanted: &std::collections::BTreeMap<String, f32>) {
        for name in PANELS {
            if let Some(&w) = wanted.get(name).filter(|w| w.is_finite() && **w > 0.0) {
                self.widths.insert(name, (w, 0.0));
            }
        }
    }

    /// The widths the analyst wants, by panel, to keep for the next run.
    pub fn wanted(&self) -> std::collections::BTreeMap<String, f32> {
        self.widths.iter().map(|(name, &(wanted, _))| ((*name).to_owned(), wanted)).collect()
    }

    /// `panel`, given back its width if a narrow window took it (in a frame
    /// where the window grew: never otherwise, so nothing moves by itself),
    /// or at the width wanted at the last run when first shown in this one.
    pub fn panel(&self, panel: egui::Panel, name: &'static str, widest: f32) -> egui::Panel {
        let Some(&(wanted, last)) = self.widths.get(name) else { return panel };
        // Seeded from the last run (see `seed`) and not shown yet.
        let seeded = last <= 0.0;
        if seeded || (self.grew && wanted > last + 1.0 && widest > last + 1.0) {
            panel.exact_size(wanted.min(widest))
        } else {
            panel
        }
    }

    /// Records the width `name` was shown at: the analyst's own when room
    /// did not limit it (or they made it wider). First shown squeezed (the
    /// window started narrow, as it was left), it wants its `default` width
    /// back once there is room (a newcomer's suggestions panel stayed
    /// 140 points wide in a wide window).
    pub fn shown(&mut self, name: &'static str, width: f32, widest: f32, default: f32) {
        let squeezed = width >= widest - 1.0;
        let e = self.widths.entry(name).or_insert((if squeezed { default.max(width) } else { width }, width));
        if width < widest - 1.0 || width > e.0 {
            e.0 = width;
        }
        e.1 = width;
    }

    /// The width `name` was last shown at.
    pub fn width(&self, name: &str) -> Option<f32> {
        self.widths.get(name).map(|w| w.1)
    }
}

/// What the side panels leave the article at least, room permitting.
pub const ARTICLE_MIN_WIDTH: f32 = 240.0;

pub fn label_color(hex: &str) -> Color32 {
    parse_color(hex).map_or(Color32::GRAY, |[r, g, b]| Color32::from_rgb(r, g, b))
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    fn luminance(c: Color32) -> f32 {
        let lin = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// A label's colour made legible on `background` as a line: darkened on a
/// light background, lightened on a dark one, step by step, until it
/// stands out at 3:1 (WCAG's contrast for graphics). Hue is kept.
pub fn legible_on(colour: Color32, background: Color32) -> Color32 {
    let towards = if contrast(background, Color32::BLACK) > contrast(background, Color32::WHITE) {
        Color32::BLACK
    } else {
        Color32::WHITE
    };
    let mix = |t: f32| {
        let m = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t).round() as u8;
        Color32::from_rgb(m(colour.r(), towards.r()), m(colour.g(), towards.g()), m(colour.b(), towards.b()))
    };
    (0..=20).map(|i| mix(i as f32 / 20.0)).find(|c| contrast(*c, background) >= 3.0).unwrap_or(towards)
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
    /// Whether the window had the keyboard focus in the frame before.
    was_focused: bool,
    allow_close: bool,
    native_dialog: Option<Job<(PathPurpose, Option<PathBuf>)>>,
    /// A document being opened on a worker thread.
    loading: Option<Loading>,
    /// A web page being fetched (File → Open URL).
    fetching: Option<web::Fetching>,
    /// The autosave running on a worker thread, if any.
    autosave_job: Option<Job<anyhow::Result<()>>>,
    /// The save running on a worker thread, if any.
    save_job: Option<SaveJob>,
    /// A relation being built.
    pub draft: Option<Draft>,
    pub selected_relation: Option<RelationId>,
    pub show_all_arcs: bool,
    /// The side panels' widths as the analyst left them.
    pub panel_widths: PanelWidths,
    pub entity_form: relations::EntityForm,
    /// The query of the link-to-entity bar, while it is open.
    pub link_query: Option<String>,
    link_focus: bool,
    pending: Vec<Action>,
    /// An export or import running on a worker thread.
    job: Option<transfer::TransferJob>,
    /// The folder being worked through, if any.
    pub corpus: Option<session::CorpusView>,
    /// Review mode, when on.
    pub review: Option<session::ReviewState>,
    /// Comparing annotators' files; the document is the merged file.
    pub compare: Option<session::CompareState>,
    /// The Suggestions panel, when on.
    pub suggest: Option<session::SuggestState>,
    /// An accept of many suggestions, or an undo or redo of a large step,
    /// being applied a slice per frame.
    long_edit: Option<long_edit::LongEdit>,
    /// When the long edit under way started.
    long_edit_started: Instant,
    /// How much of a frame such an edit takes ([`long_edit::ACCEPT_BUDGET`];
    /// nothing: one slice a frame).
    pub accept_budget: std::time::Duration,
    /// Files being read for a compare.
    compare_loading: Option<session::CompareLoading>,
    /// The cross-document relationships window.
    pub graph: Option<session::GraphView>,
    /// The search panel (folder or document) and label-all.
    pub search: session::SearchPanel,
    /// The consistency findings of the folder.
    pub consistency: session::ConsistencyView,
    /// Characters of the open text that no font can show.
    pub glyphs: glyphs::GlyphCheck,
    /// Open the first unfinished document once the folder is read.
    open_first_after_scan: bool,
    /// Marks the open annotation file as open in this window (see
    /// [`io::document::OpenLock`]).
    open_lock: Option<io::document::OpenLock>,
    /// The file saved on leaving it, said with the next "Opened …".
    saved_on_leave: Option<String>,
    /// The annotation file the open article would use, as the preferences
    /// were when their dialog opened.
    prefs_file_before: Option<PathBuf>,
}

struct SaveJob {
    path: PathBuf,
    /// The history generation the snapshot was taken at.
    generation: u64,
    job: Job<anyhow::Result<()>>,
}

struct Loading {
    path: PathBuf,
    /// Select and show this span once loaded.
    reveal: Option<SpanId>,
    /// Open read-only for review.
    for_review: bool,
    /// The document, with the article text as an update first.
    job: Job<anyhow::Result<Document>, Text>,
    /// The article text, shown while the annotations load.
    preview: Option<Store>,
    /// Opened as the folder's first unfinished document: on failure, the
    /// next one is tried (this entry's number, what was skipped so far).
    unfinished: Option<(usize, Vec<String>)>,
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
            search: Default::default(),
            saved_on_leave: None,
            prefs_file_before: None,
            consistency: Default::default(),
            glyphs: Default::default(),
            list: Default::default(),
            details: Default::default(),
            hover_byte: None,
            last_title: String::new(),
            last_autosave: Instant::now(),
            was_focused: false,
            allow_close: false,
            native_dialog: None,
            loading: None,
            fetching: None,
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
            suggest: None,
            long_edit: None,
            long_edit_started: Instant::now(),
            accept_budget: long_edit::ACCEPT_BUDGET,
            panel_widths: PanelWidths::default(),
            compare_loading: None,
            graph: None,
            open_first_after_scan: false,
            open_lock: None,
        };
        app.view.font_size = app.prefs.font_size;
        app.show_notice();
        app.offer_recovery();
        app.glyphs.start(app.doc.store.text());
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

    pub fn with_prefs(mut self, prefs: Prefs) -> Self {
        self.view.font_size = prefs.font_size;
        self.panel_widths.seed(&prefs.panel_widths);
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
        self.loading.is_some() || self.compare_loading.is_some()
    }

    /// The annotator whose own files are opened in a folder, if analysts
    /// keep one file each.
    /// The text byte under the pointer in the last frame (the status bar's
    /// "byte N"), if any.
    pub fn hovered_byte(&self) -> Option<usize> {
        self.hover_byte
    }

    /// The file the open article of the folder is annotated in under the
    /// current preferences, with its entry.
    fn own_file_here(&self) -> Option<(usize, PathBuf)> {
        let c = &self.corpus.as_ref()?.corpus;
        let i = c.position(self.doc.path.as_deref()?)?;
        Some((i, c.entries.get(i)?.path_for(&c.dir, self.own_files().as_deref())))
    }

    /// Whether `path` is a colleague's own annotation file (with a file of
    /// one's own per article): opened from the folder's views, it opens
    /// read-only for review, never for editing by accident.
    fn colleagues_file(&self, path: &std::path::Path) -> bool {
        self.own_files().is_some_and(|me| io::corpus::is_colleagues_file(path, &me))
    }

    fn own_files(&self) -> Option<String> {
        (self.corpus.is_some() && self.prefs.per_annotator_files)
            .then(|| io::corpus::file_safe_name(&self.prefs.annotator))
    }

    /// The text shown while a document loads, if it has arrived.
    pub fn loading_preview(&self) -> Option<&Store> {
        self.loading.as_ref().and_then(|l| l.preview.as_ref())
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

    fn set_status(&mut self, msg: impl Into<String>) {
        self.status = msg.into();
    }

    fn now() -> Timestamp {
        Timestamp::now()
    }
}

#[cfg(test)]
mod colour_tests {
    use super::*;

    /// Issue 22, item 12: every label's underline stands out at 3:1 on
    /// both themes' backgrounds, keeping its hue family.
    #[test]
    fn every_label_line_is_legible_in_both_themes() {
        let schema = crate::model::Schema::default_news();
        for visuals in [egui::Visuals::dark(), egui::Visuals::light()] {
            let bg = visuals.panel_fill;
            for label in &schema.labels {
                let c = label_color(&label.color);
                let line = legible_on(c, bg);
                assert!(contrast(line, bg) >= 3.0, "{} on {bg:?}: {:.2}", label.name, contrast(line, bg));
                // Darkened or lightened, not another colour: the channels
                // keep their order.
                let order = |c: Color32| {
                    let mut ch = [(c.r(), 0), (c.g(), 1), (c.b(), 2)];
                    ch.sort();
                    ch.map(|(_, i)| i)
                };
                if line != Color32::BLACK && line != Color32::WHITE {
                    assert_eq!(order(line)[2], order(c)[2], "{}: the dominant channel changed", label.name);
                }
            }
        }
        // Already legible colours are left alone.
        assert_eq!(
            legible_on(Color32::from_rgb(0x8a, 0x6d, 0x3b), Color32::WHITE),
            Color32::from_rgb(0x8a, 0x6d, 0x3b)
        );
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
    }
}
