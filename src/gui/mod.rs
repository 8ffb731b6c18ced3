//! The desktop window. Drawing reads the document and pushes [`Action`]s;
//! they are applied after the frame in one place, and errors reach the
//! status line once.

mod text_view;

use std::path::{Path, PathBuf};

use egui::Color32;

use crate::io;
use crate::model::{ByteRange, History, Schema, Span, SpanId, Store, schema::parse_color};

pub use text_view::{TextView, split_blocks};

/// The bundled sample article and its annotations, used when Sorot starts
/// without a file and the repository's assets are not beside it.
const SAMPLE_TEXT: &str = include_str!("../../assets/000_f1c0a0fef9fd3cfc.txt");
const SAMPLE_RON: &str = include_str!("../../assets/000_f1c0a0fef9fd3cfc.sorot.ron");

/// The sample article's path in the source tree.
pub fn sample_article_path() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/000_f1c0a0fef9fd3cfc.txt"))
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
    if let Some(note) = &span.note {
        s.push_str(&format!("\nnote: {note}"));
    }
    s
}

/// An open document: the store, its history and where it lives.
pub struct Document {
    pub store: Store,
    pub history: History,
    /// The annotation file, once known.
    pub path: Option<PathBuf>,
}

impl Document {
    /// Opens an article (and its annotations from the default place, if
    /// present) or an annotation file.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if io::is_annotation_file(path) {
            let store = io::load_annotations(path)?;
            return Ok(Self { store, history: History::default(), path: Some(path.to_owned()) });
        }
        let ann = io::default_annotation_path(path, None);
        if ann.exists() {
            let store = io::load_annotations(&ann)?;
            return Ok(Self { store, history: History::default(), path: Some(ann) });
        }
        let article = io::read_article(path)?;
        let store = io::store_for_article(path, article, Schema::default_news());
        Ok(Self { store, history: History::default(), path: Some(ann) })
    }

    /// The bundled sample, from the source tree if present, else embedded.
    pub fn sample() -> Self {
        let path = sample_article_path();
        if path.exists()
            && let Ok(doc) = Self::open(&path)
        {
            return doc;
        }
        match io::from_ron_str(SAMPLE_RON) {
            Ok((store, _)) => Self { store, history: History::default(), path: None },
            Err(_) => {
                let article =
                    io::Article { text: SAMPLE_TEXT.to_owned(), encoding: "UTF-8", format: io::ArticleFormat::Text };
                let store = io::store_for_article(Path::new("sample.txt"), article, Schema::default_news());
                Self { store, history: History::default(), path: None }
            }
        }
    }
}

/// Something the user asked for while drawing; applied after the frame.
pub enum Action {
    Select(Option<SpanId>),
    SetSelection(Vec<ByteRange>),
}

pub struct SorotApp {
    pub doc: Document,
    pub view: TextView,
    pub selected: Option<SpanId>,
    pub selection: Vec<ByteRange>,
    pub status: String,
    hover_byte: Option<usize>,
}

impl SorotApp {
    pub fn new(doc: Document) -> Self {
        Self {
            doc,
            view: TextView::default(),
            selected: None,
            selection: Vec::new(),
            status: String::new(),
            hover_byte: None,
        }
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Select(id) => self.selected = id,
            Action::SetSelection(sel) => self.selection = sel,
        }
    }

    /// Draws one frame into `ui` (the whole window).
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let mut actions = Vec::new();
        let store = &self.doc.store;
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.horizontal(|ui| {
                let file = self.doc.path.as_deref().map_or("(unsaved sample)".into(), |p| p.display().to_string());
                ui.label(file);
                ui.separator();
                ui.label(&store.meta.encoding);
                ui.separator();
                ui.label(format!(
                    "{} spans · {} entities · {} relations",
                    store.spans().len(),
                    store.entities().len(),
                    store.relations().len()
                ));
                if let Some(b) = self.hover_byte {
                    ui.separator();
                    ui.label(format!("byte {b} · char {}", store.text().byte_to_char(b)));
                }
                if !self.status.is_empty() {
                    ui.separator();
                    ui.label(&self.status);
                }
            });
        });
        egui::CentralPanel::default().show(ui, |ui| {
            let out = self.view.show(ui, store, &self.selection, self.selected);
            self.hover_byte = out.hover_byte;
            if let Some((_, spans)) = out.clicked {
                actions.push(Action::Select(spans.first().copied()));
            }
            if let Some((a, b)) = out.dragged {
                let snapped = store.text().snap_to_words(a, b);
                actions.push(Action::SetSelection(vec![snapped]));
            }
        });
        for a in actions {
            self.apply(a);
        }
    }
}

impl eframe::App for SorotApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }
}

/// Opens the window on `file`, or on the bundled sample.
pub fn run(file: Option<PathBuf>) -> anyhow::Result<()> {
    let doc = match &file {
        Some(path) => Document::open(path)?,
        None => Document::sample(),
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([1200.0, 800.0]).with_title("Sorot"),
        ..Default::default()
    };
    eframe::run_native("Sorot", options, Box::new(|_cc| Ok(Box::new(SorotApp::new(doc)))))
        .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
