//! Web pages in the window: File → Open URL (the page fetched on a worker,
//! kept as the archive copy, then opened) and the switch between a page's
//! article and its whole text.

use super::*;
use crate::io::web::fetch::Limits;
use crate::model::TextMode;

/// A page being fetched.
pub(super) struct Fetching {
    pub url: String,
    pub job: Job<anyhow::Result<PathBuf>>,
}

impl SorotApp {
    /// Where Open URL keeps pages unless told otherwise: the folder being
    /// worked through, else the open document's folder.
    pub(super) fn default_page_folder(&self) -> PathBuf {
        if let Some(c) = &self.corpus {
            return c.corpus.dir.clone();
        }
        self.doc
            .path
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    }

    pub(super) fn start_fetch(&mut self, url: String, folder: PathBuf) {
        let annotator = self.own_files();
        let u = url.clone();
        let job = Job::spawn(move |_| {
            io::web::open_url(
                &u,
                &folder,
                Schema::default_news(),
                annotator.as_deref(),
                TextMode::Article,
                Limits::default(),
            )
            .map(|(page, _)| page)
        });
        self.set_status(format!("Fetching {}…", url.trim()));
        self.fetching = Some(Fetching { url, job });
    }

    pub(super) fn is_fetching(&self) -> bool {
        self.fetching.is_some()
    }

    pub(super) fn poll_fetch(&mut self, ctx: &egui::Context) {
        let Some(f) = &mut self.fetching else { return };
        let result = match f.job.poll() {
            Poll::Running | Poll::Update(()) => return,
            Poll::Done(r) => r,
            Poll::Lost => Err(anyhow::anyhow!("fetching stopped unexpectedly")),
        };
        let url = self.fetching.take().map(|f| f.url).unwrap_or_default();
        match result {
            Ok(page) => {
                self.set_status(format!("Fetched {} into {}", url.trim(), page.display()));
                self.apply(ctx, Action::Open(page));
            }
            Err(e) => {
                self.set_status(format!("Could not fetch {}", url.trim()));
                self.dialog = Some(Dialog::Error(format!("{e:#}")));
            }
        }
    }

    /// Re-opens a web page as its other text (the article or the whole
    /// page), moving the annotations onto it.
    pub(super) fn switch_page_text(&mut self) {
        let meta = &self.doc.store.meta;
        let Some(origin) = meta.origin.as_ref().filter(|o| o.is_web_page()) else {
            self.set_status("Only a web page has an article and a whole-page text; this document is not one.");
            return;
        };
        let mode = origin.mode.other();
        match meta.original_path.clone().map(PathBuf::from) {
            Some(page) => self.reanchor_as(&page, mode),
            None => {
                self.dialog = Some(Dialog::Error(format!(
                    "This document does not record which web page it was made from. Use File → {} to \
                     choose the page.",
                    Command::Reanchor.text()
                )))
            }
        }
    }
}

/// The Open URL dialog's form.
pub fn open_url_form(ui: &mut egui::Ui, url: &mut String, folder: &mut String, actions: &mut Vec<Action>) {
    ui.heading("Open a web page");
    ui.label(
        "Sorot fetches this one page (no images, scripts or cookies), keeps it in the folder as the archive \
         copy your annotations refer to, and opens its article.",
    );
    // Each caption above its field, as forms read.
    let caption = ui.label("Address");
    let field = ui
        .add(egui::TextEdit::singleline(url).desired_width(f32::INFINITY).hint_text("https://…"))
        .labelled_by(caption.id);
    if ui.memory(|m| m.focused().is_none()) {
        field.request_focus();
    }
    let enter = (field.lost_focus() || field.has_focus()) && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let caption = ui.label("Keep the page in folder");
    ui.add(egui::TextEdit::singleline(folder).desired_width(f32::INFINITY)).labelled_by(caption.id);
    ui.horizontal(|ui| {
        if (ui.button("Fetch and open").clicked() || enter) && !url.trim().is_empty() {
            actions.push(Action::CloseDialog);
            actions.push(Action::OpenUrl { url: url.trim().to_owned(), folder: PathBuf::from(folder.trim()) });
        }
        if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            actions.push(Action::CloseDialog);
        }
    });
}
