//! One frame of the window: shortcuts, the layout of panels, and eframe.

use super::*;
use crate::gui::{DraftAction, SearchAction};
use prefs::{PREFS_KEY, apply_theme};

impl SorotApp {
    /// Keyboard shortcuts. Plain keys (Delete, Tab, letters) only when no
    /// text field is being edited.
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        if self.dialog.is_some() || self.is_applying() {
            return;
        }
        let mut draft_actions = Vec::new();
        if relations::draft_keys(ctx, self, &mut draft_actions) {
            self.pending.extend(draft_actions);
            return;
        }
        // Escape in the search field closes the search (and nothing else).
        if self.search.open
            && self.search.field_focused
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            self.pending.push(Action::Search(SearchAction::Close));
        }
        // Escape closes the Relationships window, then the consistency
        // window (each also closes with its ×), when no field is edited.
        if !ctx.egui_wants_keyboard_input()
            && (self.graph.is_some() || self.consistency.open)
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            if self.graph.is_some() {
                self.graph = None;
            } else {
                self.pending.push(Action::Search(SearchAction::CloseCheck));
            }
        }
        // Ctrl+Y redoes too, as in editors on Windows and Linux.
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Y)) {
            self.pending.push(Action::Run(Command::Redo));
        }
        let typing = ctx.egui_wants_keyboard_input();
        let mut search_actions = Vec::new();
        session::search_keys(ctx, self, &mut search_actions);
        self.pending.extend(search_actions);
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
        self.panel_widths.start_frame(ui.max_rect().width());
        self.poll_native_dialog();
        if self.save_job.as_ref().is_some_and(|j| j.job.is_finished()) {
            self.finish_save();
        }
        self.poll_loading();
        self.poll_fetch(&ctx);
        self.glyphs.poll(&ctx);
        self.poll_session();
        if let Some(loading) = &self.loading {
            let (path, secs) = (loading.path.display().to_string(), loading.job.elapsed().as_secs_f32());
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
            // A save in flight completes before anything else is decided,
            // and an accept under way is finished (it is then unsaved work).
            self.finish_save();
            self.finish_long_edit();
        }
        self.continue_long_edit(Some(self.accept_budget));
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
        session::search_panel(ui, self, &mut actions);
        // With no article open, the labels, suggestions and annotations
        // have nothing to act on; a folder's list still shows.
        let blank = self.doc.is_blank();
        if self.compare.is_none() && self.review.is_none() && !blank {
            panels::palette(ui, self, &mut actions);
        } else if !blank {
            // The compare view and review mode take no labels from the
            // palette; its row says so, so the text does not move up when
            // they open and down when they close.
            let what = if self.compare.is_some() {
                "Compare view: decide each difference in the list (keys 1–9, B both, X neither)"
            } else {
                "Review mode: A accept, X reject, F flag, N note, E leave to edit the labels"
            };
            panels::palette_note(ui, what);
        }
        if let Some((width, widest)) = session::corpus_panel(ui, self, &mut actions) {
            self.panel_widths.shown("corpus", width, widest, session::CORPUS_WIDTH);
        }
        if !blank {
            session::suggestions_panel(ui, self, &mut actions);
            panels::side_panel(ui, self, &mut actions);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if blank {
                panels::start_page(ui, self, &mut actions);
                return;
            }
            // The find, relation and entity bars sit below the text, so
            // opening one, or its height changing step by step, moves no
            // line of the text (#19 item 12); the text only shows less.
            if self.find.open
                || self.draft.is_some()
                || (self.link_query.is_some() && (self.selected.is_some() || !self.selection.is_empty()))
            {
                egui::Panel::bottom("bars").show(ui, |ui| {
                    panels::find_bar(ui, self, &mut actions);
                    relations::draft_bar(ui, self, &mut actions);
                    relations::link_bar(ui, self, &mut actions);
                });
            }
            self.view.marks = session::compare_marks(self);
            let colour = ui.visuals().warn_fg_color;
            self.view.marks.extend(self.find.marks(self.view.visible_range(), colour));
            self.view.ghosts = session::suggestion_ghosts(self);
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
                    actions.push(Action::Draft(DraftAction::Pick(Target::Span(*first))));
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
                    // A suggestion's dashed outline there (inside a claim's
                    // highlight, say) becomes the current suggestion too.
                    self.pick_suggestion_at(byte);
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
        session::consistency_window(&ctx, self, &mut actions);
        transfer::poll(self);
        match &self.job {
            Some(job) => transfer::show_job(&ctx, job),
            None if self.is_applying() => self.show_long_edit(&ctx),
            None => dialogs::show(&ctx, self, &mut actions),
        }
        for a in actions {
            self.apply(&ctx, a);
        }
        self.autosave(&ctx);
        let title = self.doc.title();
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
        if self.save_job.is_some() || self.is_fetching() || self.is_suggesting() {
            ctx.request_repaint_after(Duration::from_millis(20));
        } else if self.native_dialog.is_some() || self.doc.history.is_dirty() {
            ctx.request_repaint_after(Duration::from_millis(500));
        }
    }
}

impl eframe::App for SorotApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.prefs.panel_widths = self.panel_widths.wanted();
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
        // System fonts come through a guarded provider, added below (a
        // machine without any system font would otherwise panic; see gui::fonts).
        system_font_fallback: false,
        ..Default::default()
    };
    eframe::run_native(
        "Sorot",
        options,
        Box::new(move |cc| {
            let prefs: Prefs = cc.storage.and_then(|s| eframe::get_value(s, PREFS_KEY)).unwrap_or_default();
            apply_theme(&cc.egui_ctx, prefs.theme);
            cc.egui_ctx.add_font_provider(std::sync::Arc::new(super::fonts::SystemFonts::default()));
            let app = match (doc, file) {
                (Some(doc), _) => SorotApp::new(doc),
                (None, Some(path)) if crate::io::corpus::is_folder(&path) => SorotApp::opening_folder(path),
                (None, Some(path)) => SorotApp::opening(path),
                (None, None) => SorotApp::new(Document::sample()),
            };
            Ok(Box::new(app.with_prefs(prefs)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}
