//! Panels: menu bar, label palette, status bar, find bar, and the side
//! panel with the selected annotation's details and the annotation list.
//! Each draws from `&SorotApp` state and pushes actions.

use egui::{Color32, RichText};

use super::{Action, Command, SorotApp, ThemePref, label_color, short};
use crate::model::{AttrKind, AttrValue, ByteRange, Edit, SpanId, Store};

/// A small square in a label's colour.
fn color_chip(ui: &mut egui::Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}

fn menu_item(ui: &mut egui::Ui, cmd: Command, actions: &mut Vec<Action>) {
    let shortcut = ui.ctx().format_shortcut(&cmd.shortcut());
    if ui.add(egui::Button::new(cmd.text()).shortcut_text(shortcut)).clicked() {
        actions.push(Action::Run(cmd));
        ui.close();
    }
}

pub fn menu_bar(ui: &mut egui::Ui, app: &SorotApp, actions: &mut Vec<Action>) {
    egui::Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                menu_item(ui, Command::OpenArticle, actions);
                menu_item(ui, Command::OpenUrl, actions);
                menu_item(ui, Command::OpenAnnotations, actions);
                menu_item(ui, Command::OpenFolder, actions);
                menu_item(ui, Command::OpenForReview, actions);
                menu_item(ui, Command::Compare, actions);
                ui.menu_button("Recent", |ui| {
                    if app.prefs.recent.is_empty() {
                        ui.label("(none yet)");
                    }
                    for p in app.prefs.recent.clone() {
                        if ui.button(p.display().to_string()).clicked() {
                            actions.push(Action::Open(p));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                ui.add_enabled_ui(!app.doc.is_blank(), |ui| {
                    menu_item(ui, Command::Save, actions);
                    menu_item(ui, Command::SaveAs, actions);
                });
                menu_item(ui, Command::Export, actions);
                menu_item(ui, Command::Import, actions);
                menu_item(ui, Command::Reanchor, actions);
                ui.separator();
                menu_item(ui, Command::Preferences, actions);
                menu_item(ui, Command::Quit, actions);
            });
            ui.menu_button("Edit", |ui| {
                let undo = app.doc.history.undo_summary().map(|s| format!(" ({})", short(s))).unwrap_or_default();
                ui.add_enabled_ui(app.doc.history.can_undo(), |ui| menu_item(ui, Command::Undo, actions));
                if !undo.is_empty() {
                    ui.weak(undo);
                }
                ui.add_enabled_ui(app.doc.history.can_redo(), |ui| menu_item(ui, Command::Redo, actions));
                ui.separator();
                ui.add_enabled_ui(app.selected.is_some() && !app.doc.read_only, |ui| {
                    menu_item(ui, Command::Delete, actions)
                });
                menu_item(ui, Command::Find, actions);
                menu_item(ui, Command::AddFragment, actions);
                ui.separator();
                menu_item(ui, Command::NextAnnotation, actions);
                menu_item(ui, Command::PrevAnnotation, actions);
                menu_item(ui, Command::ClearSelection, actions);
                ui.separator();
                for cmd in
                    [Command::MoveStartLeft, Command::MoveStartRight, Command::MoveEndLeft, Command::MoveEndRight]
                {
                    menu_item(ui, cmd, actions);
                }
            });
            ui.menu_button("Session", |ui| {
                menu_item(ui, Command::NextDocument, actions);
                menu_item(ui, Command::PrevDocument, actions);
                menu_item(ui, Command::MarkDone, actions);
                ui.separator();
                menu_item(ui, Command::ToggleReview, actions);
                menu_item(ui, Command::Graph, actions);
                menu_item(ui, Command::Search, actions);
                menu_item(ui, Command::CheckConsistency, actions);
                ui.separator();
                menu_item(ui, Command::ToggleSuggestions, actions);
            });
            ui.menu_button("View", |ui| {
                let web = app.doc.store.meta.origin.as_ref().filter(|o| o.is_web_page());
                ui.add_enabled_ui(web.is_some(), |ui| menu_item(ui, Command::PageText, actions));
                if let Some(o) = web {
                    ui.weak(format!("Showing {}", o.mode.describe()));
                }
                ui.separator();
                menu_item(ui, Command::FontBigger, actions);
                menu_item(ui, Command::FontSmaller, actions);
                ui.separator();
                for cmd in [Command::ScrollDown, Command::ScrollUp, Command::ScrollToStart, Command::ScrollToEnd] {
                    menu_item(ui, cmd, actions);
                }
                ui.separator();
                for (t, name) in [
                    (ThemePref::System, "System theme"),
                    (ThemePref::Light, "Light theme"),
                    (ThemePref::Dark, "Dark theme"),
                ] {
                    if ui.radio(app.prefs.theme == t, name).clicked() {
                        actions.push(Action::SetTheme(t));
                        ui.close();
                    }
                }
            });
        });
    });
}

/// The palette's row when labels are not taken there, the same height.
pub fn palette_note(ui: &mut egui::Ui, text: &str) {
    egui::Panel::top("palette").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.set_min_height(ui.spacing().interact_size.y);
            ui.weak(text);
        });
    });
}

pub fn palette(ui: &mut egui::Ui, app: &SorotApp, actions: &mut Vec<Action>) {
    egui::Panel::top("palette").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.set_min_height(ui.spacing().interact_size.y);
            ui.label("Label:");
            for (i, l) in app.doc.store.schema().labels.iter().enumerate() {
                let key = l.hotkey.map(|k| format!(" ({k})")).unwrap_or_default();
                let c = label_color(&l.color);
                let text = RichText::new(format!("{}{key}", l.name)).color(Color32::BLACK);
                let b = egui::Button::new(text).fill(c);
                if ui.add(b).on_hover_text(&l.description).clicked() {
                    actions.push(Action::Label(i as u16));
                }
            }
        });
    });
}

pub fn status_bar(ui: &mut egui::Ui, app: &SorotApp) {
    let store = &app.doc.store;
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if app.doc.is_blank() {
                ui.label("No article open · Ctrl+O opens one");
                return;
            }
            let dirty = if app.doc.history.is_dirty() { "(modified) " } else { "" };
            let file = app.doc.path.as_deref().map_or("(sample, not saved yet)".into(), |p| p.display().to_string());
            ui.label(format!("{dirty}{file}"));
            ui.separator();
            ui.label(&store.meta.encoding);
            ui.separator();
            ui.label(format!(
                "{} · {} · {}",
                crate::model::plural(store.spans().len(), "span"),
                crate::model::plural(store.entities().len(), "entity"),
                crate::model::plural(store.relations().len(), "relation")
            ));
            // The pointer's place from the last frame: the text may have
            // been replaced since (re-anchored, switched, opened).
            let text = store.text().as_str();
            if let Some(b) = app.hover_byte.filter(|&b| text.is_char_boundary(b)) {
                ui.separator();
                ui.label(format!("byte {b} · char {}", store.text().byte_to_char(b)));
            }
            if !app.selection.is_empty() {
                ui.separator();
                ui.label(format!("selected {} fragment(s)", app.selection.len()));
            }
            if let Some(page) = page_label(app) {
                ui.separator();
                ui.label(page);
            }
            if !app.status.is_empty() {
                ui.separator();
                // A long message is cut at the bar's end; all of it on hover.
                ui.add(egui::Label::new(&app.status).truncate()).on_hover_text(&app.status);
            }
        });
        if let Some(o) = &store.meta.origin {
            ui.horizontal(|ui| {
                // The tooltip is built only while it shows, not every frame.
                ui.label(origin_line(o)).on_hover_ui(|ui| {
                    let fetched = o.fetch.as_ref().map_or(String::new(), |f| {
                        format!(
                            "Fetched from {} on {} (asked for {}). ",
                            f.final_url,
                            crate::io::export::rfc3339(f.retrieved).replace('T', " ").trim_end_matches('Z'),
                            f.url
                        )
                    });
                    if o.is_web_page() {
                        ui.label(format!(
                            "{fetched}Made by {}. View → {} (Ctrl+Alt+W) re-opens the page as {}; \
                             annotations are moved onto the new text, and nothing is saved until you save.",
                            o.extractor,
                            Command::PageText.text(),
                            o.mode.other().describe()
                        ));
                    } else {
                        ui.label(format!(
                            "Text made by {}: headings and paragraphs one per line, table rows with their \
                             cells separated by tabs, notes after the body; running headers and footers \
                             are left out.",
                            o.extractor
                        ));
                    }
                });
            });
        }
        if let Some(m) = &app.glyphs.missing {
            ui.colored_label(ui.visuals().warn_fg_color, m.line()).on_hover_text(m.advice());
        }
    });
}

/// Which page of a PDF or Word file the pointer (else the selection) is
/// on: "page 3 of 12"; the number of pages when neither is on the text.
pub fn page_label(app: &SorotApp) -> Option<String> {
    let o = app.doc.store.meta.origin.as_ref().filter(|o| !o.pages.is_empty())?;
    let text = app.doc.store.text().as_str();
    let at = app.hover_byte.filter(|&b| text.is_char_boundary(b)).or(app.selection.first().map(|r| r.start as usize));
    Some(match at.and_then(|b| o.page_at(b)) {
        Some((page, of)) => format!("page {page} of {of}"),
        None => format!("{} pages", o.pages.len()),
    })
}

/// The status line of a web page or document: which text is shown and
/// what the source says about itself (what a fact-checker cites).
pub fn origin_line(o: &crate::model::Origin) -> String {
    let p = &o.page;
    let mut parts = vec![capitalized(&o.describe())];
    if let Some(t) = &p.title {
        parts.push(format!("“{t}”"));
    }
    parts.extend([&p.byline, &p.site].into_iter().flatten().cloned());
    if let Some(d) = &p.published {
        parts.push(d.get(..10).unwrap_or(d).to_owned());
    }
    parts.extend(o.page_url().map(str::to_owned));
    parts.join(" · ")
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Find bar state: the query, its matches and the current one.
#[derive(Default)]
pub struct FindState {
    pub open: bool,
    pub focus: bool,
    pub query: String,
    pub matches: Vec<ByteRange>,
    pub current: Option<usize>,
    computed_for: String,
    pub label_all: Option<u16>,
    /// The current match was chosen while typing (shown, not yet
    /// selected): Enter selects it instead of moving on.
    previewed: bool,
    /// Matches inside words count too ("kata" in "mengatakan"); off, a
    /// match must start and end at word edges (where the query itself
    /// starts and ends with a letter or digit), so Enter and "Label all"
    /// never take part of a word (a newcomer's first match was one).
    pub inside_words: bool,
    computed_inside: bool,
}

impl FindState {
    pub fn current_match(&self) -> Option<ByteRange> {
        self.current.and_then(|i| self.matches.get(i)).copied()
    }
    /// The outlines of the matches in `visible` (all of them are
    /// highlighted as you type, the current one strongest).
    pub fn marks(&self, visible: Option<ByteRange>, colour: egui::Color32) -> Vec<(ByteRange, egui::Color32, bool)> {
        let Some(v) = visible.filter(|_| self.open) else { return Vec::new() };
        let from = self.matches.partition_point(|m| m.end() <= v.start());
        let current = self.current_match();
        self.matches[from..]
            .iter()
            .take_while(|m| m.start() < v.end())
            .take(2000)
            .map(|m| (*m, colour, Some(*m) == current))
            .collect()
    }

    /// Recomputes the matches when the query changed; returns true then.
    fn recompute(&mut self, store: &Store) -> bool {
        if self.computed_for == self.query && self.computed_inside == self.inside_words {
            return false;
        }
        self.computed_for = self.query.clone();
        self.computed_inside = self.inside_words;
        let text = store.text().as_str();
        let word = |c: Option<char>| c.is_some_and(crate::model::consistency::is_word_char);
        let q = self.query.as_str();
        // Edges are checked where the query has a word character there.
        let (at_start, at_end) = (word(q.chars().next()), word(q.chars().next_back()));
        let whole = |i: usize, end: usize| {
            (!at_start || !word(text[..i].chars().next_back())) && (!at_end || !word(text[end..].chars().next()))
        };
        self.matches = if q.is_empty() {
            Vec::new()
        } else {
            text.match_indices(q)
                .map(|(i, m)| ByteRange::new(i, i + m.len()))
                .filter(|m| self.inside_words || whole(m.start(), m.end()))
                .take(100_000)
                .collect()
        };
        self.current = None;
        self.previewed = false;
        true
    }
}

pub fn find_bar(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    if !app.find.open {
        return;
    }
    let store = &app.doc.store;
    let mut go: Option<bool> = None;
    // Wrapped: in a narrow window the bar takes two lines rather than
    // widening the article's panel (whose line ends then went under the
    // side panel, issue 22 item 7).
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Find");
        let width = (ui.available_width() * 0.45).clamp(120.0, 260.0);
        let field = ui.add(egui::TextEdit::singleline(&mut app.find.query).desired_width(width)).labelled_by(label.id);
        if app.find.focus {
            field.request_focus();
            app.find.focus = false;
        }
        if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            go = Some(!ui.input(|i| i.modifiers.shift));
            field.request_focus();
        }
        if field.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            app.find.open = false;
        }
        let n = app.find.matches.len();
        ui.label(match app.find.current {
            Some(i) => format!("{} of {n}", i + 1),
            None => crate::model::plural(n, "match"),
        });
        if ui.button("Previous").clicked() {
            go = Some(false);
        }
        if ui.button("Next").clicked() {
            go = Some(true);
        }
        ui.checkbox(&mut app.find.inside_words, "inside words")
            .on_hover_text("Also find the text inside longer words (“kata” in “mengatakan”)");
        ui.separator();
        let labels = &store.schema().labels;
        let chosen = app.find.label_all.and_then(|l| labels.get(l as usize)).map_or("…", |l| l.name.as_str());
        super::combo(ui, "Label all matches as", chosen, |ui| {
            for (i, l) in labels.iter().enumerate() {
                ui.selectable_value(&mut app.find.label_all, Some(i as u16), &l.name);
            }
        });
    });
    // The matches of what the field holds now (after this frame's typing,
    // so an Enter typed right after the last letter finds the new text).
    // As you type, the nearest match from where you are is shown (the
    // view scrolls to it); Enter selects it.
    if app.find.recompute(store) && !app.find.matches.is_empty() {
        let from = app.selection.first().map(|r| r.start()).or_else(|| app.view.first_visible_byte()).unwrap_or(0);
        // The matches are in text order.
        let i = app.find.matches.partition_point(|m| m.start() < from) % app.find.matches.len();
        app.find.current = Some(i);
        app.find.previewed = true;
        app.view.scroll_to(app.find.matches[i].start());
    }
    if let Some(label) = app.find.label_all {
        // Preview: which matches would become new spans.
        let new: Vec<ByteRange> = app
            .find
            .matches
            .iter()
            .copied()
            .filter(|m| {
                !store.spans_overlapping(*m).iter().any(|id| {
                    store.span(*id).is_some_and(|s| s.label == label && s.ranges.len() == 1 && s.ranges[0] == *m)
                })
            })
            .collect();
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "Preview: {} new {} spans ({} already labelled)",
                new.len(),
                store.label_name(label),
                app.find.matches.len() - new.len()
            ));
            for m in new.iter().take(5) {
                let t = store.text();
                ui.weak(format!(
                    "…{}[{}]{}…",
                    t.prefix_before(m.start(), 12),
                    t.slice(*m),
                    t.suffix_after(m.end(), 12)
                ));
            }
            if ui.add_enabled(!new.is_empty(), egui::Button::new("Apply")).clicked() {
                let mut store_ids = app.doc.store.next_id();
                let author = app.prefs.annotator.clone();
                let now = crate::model::Timestamp::now();
                let edits: Vec<Edit> = new
                    .iter()
                    .map(|r| {
                        let id = SpanId(store_ids);
                        store_ids += 1;
                        let prov = crate::model::Provenance::new(&author, now);
                        Edit::AddSpan(crate::model::Span::new(id, label, [*r].into_iter().collect(), prov))
                    })
                    .collect();
                let summary = format!(
                    "Labelled {} matches of “{}” as {}",
                    edits.len(),
                    short(&app.find.query),
                    store.label_name(label)
                );
                actions.push(Action::Edit(Edit::Batch(edits), summary));
                app.find.label_all = None;
            }
            if ui.button("Cancel").clicked() {
                app.find.label_all = None;
            }
        });
    }
    if let Some(forward) = go
        && !app.find.matches.is_empty()
    {
        let n = app.find.matches.len();
        let next = match (app.find.current, forward) {
            (Some(i), _) if std::mem::take(&mut app.find.previewed) => i,
            (None, true) => {
                let after = app.selection.first().map_or(0, |r| r.start());
                app.find.matches.iter().position(|m| m.start() >= after).unwrap_or(0)
            }
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        app.find.current = Some(next);
        let m = app.find.matches[next];
        app.view.scroll_to(m.start());
        actions.push(Action::SetSelection(vec![m]));
    }
}

/// Edit buffers of the details panel (committed as one edit each).
#[derive(Default)]
pub struct DetailsState {
    note: Option<String>,
    texts: std::collections::HashMap<String, String>,
}

impl DetailsState {
    pub fn reset(&mut self) {
        self.note = None;
        self.texts.clear();
    }
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Position,
    Label,
}

/// Annotation list filters and a cache of the filtered rows.
#[derive(Default)]
pub struct ListState {
    pub text: String,
    pub label: Option<u16>,
    pub sort: Sort,
    cache_key: Option<(u64, String, Option<u16>, Sort, usize)>,
    rows: Vec<SpanId>,
}

/// The height the annotation list keeps in the side panel, however much
/// is open above it.
const MIN_LIST_HEIGHT: f32 = 200.0;

/// The annotations panel's width when there is room.
const SIDE_WIDTH: f32 = 360.0;

pub fn side_panel(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    // The annotations panel keeps 200 points (its rows and buttons need
    // them); the folder list and the suggestions give way first.
    let widest = super::side_panel_max(ui, 0.6).max(200.0);
    let panel = egui::Panel::right("side").default_size(SIDE_WIDTH.min(widest)).max_size(widest).resizable(true);
    let shown = app.panel_widths.panel(panel, "side", widest).show(ui, |ui| {
        super::within_panel(ui, |ui| {
            if app.compare.is_some() {
                super::session::compare_panel(ui, app, actions);
                return;
            }
            // The details, relations and entities scroll in the upper part, so
            // the annotation list always keeps room below them, and a wide row
            // is clipped there instead of widening the panel (and re-wrapping
            // the article).
            let upper = (ui.available_height() - MIN_LIST_HEIGHT).max(120.0);
            egui::ScrollArea::vertical().id_salt("side-upper").max_height(upper).auto_shrink([false, true]).show(
                ui,
                |ui| {
                    super::session::review_panel(ui, app, actions);
                    details(ui, app, actions);
                    ui.separator();
                    super::relations::relations_panel(ui, app, actions);
                    super::relations::entities_panel(ui, app, actions);
                },
            );
            ui.separator();
            annotation_list(ui, app, actions);
        })
    });
    app.panel_widths.shown("side", shown.response.rect.width(), widest, SIDE_WIDTH);
}

fn details(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let store = &app.doc.store;
    let Some(span) = app.selected.and_then(|id| store.span(id)).cloned() else {
        ui.heading("No annotation selected");
        ui.weak("Drag over text, then press a label's key. Click a highlight to select it; Tab moves to the next one.");
        return;
    };
    let schema = store.schema();
    let Some(def) = schema.label(span.label as usize) else { return };
    ui.horizontal(|ui| {
        color_chip(ui, label_color(&def.color));
        ui.heading(format!("{} {}", def.name, span.id));
    });
    ui.label(RichText::new(store.quote(&span)).italics());
    let t = store.text();
    let e = span.extent();
    ui.weak(format!(
        "bytes {}–{} · chars {}–{} · {} · by {}",
        e.start,
        e.end,
        t.byte_to_char(e.start()),
        t.byte_to_char(e.end()),
        span.review.status.name(),
        span.provenance.author
    ));
    if let Some(note) = &span.review.note {
        let by = span.review.reviewer.map_or(String::new(), |r| format!(" ({r})"));
        ui.label(format!("Review note{by}: {note}"));
    }
    if let Some(g) = &span.suggested {
        ui.label(format!("Accepted from a suggestion: {}", g.describe()));
    }
    // Review mode shows the annotation as it is: nothing here edits it.
    let read_only = app.doc.read_only;
    if read_only {
        ui.weak("Read-only while reviewing: E switches to editing.");
    }
    ui.add_enabled_ui(!read_only, |ui| span_editor(ui, app, &span, actions));
}

/// The selected span's label, attributes, note and Delete (disabled while
/// reviewing read-only).
fn span_editor(ui: &mut egui::Ui, app: &mut SorotApp, span: &crate::model::Span, actions: &mut Vec<Action>) {
    let store = &app.doc.store;
    let schema = store.schema();
    let Some(def) = schema.label(span.label as usize) else { return };
    let mut new = span.clone();
    super::combo(ui, "Label", def.name.as_str(), |ui| {
        for (i, l) in schema.labels.iter().enumerate() {
            ui.selectable_value(&mut new.label, i as u16, &l.name);
        }
    });
    if new.label != span.label {
        new.attributes.clear();
    }
    for attr in &def.attributes {
        let current = span.attributes.get(&attr.name).cloned();
        match &attr.kind {
            AttrKind::Choice(values) => {
                let shown = current.as_ref().map_or("—".to_string(), ToString::to_string);
                super::combo(ui, attr.name.as_str(), shown, |ui| {
                    if ui.selectable_label(current.is_none(), "—").clicked() {
                        new.attributes.remove(&attr.name);
                    }
                    for v in values {
                        let val = AttrValue::Text(v.clone());
                        if ui.selectable_label(current.as_ref() == Some(&val), v).clicked() {
                            new.attributes.insert(attr.name.clone(), val);
                        }
                    }
                });
            }
            AttrKind::Bool => {
                let mut b = matches!(current, Some(AttrValue::Bool(true)));
                if ui.checkbox(&mut b, attr.name.as_str()).changed() {
                    new.attributes.insert(attr.name.clone(), AttrValue::Bool(b));
                }
            }
            AttrKind::Text => {
                let buf = app
                    .details
                    .texts
                    .entry(attr.name.clone())
                    .or_insert_with(|| current.as_ref().map(ToString::to_string).unwrap_or_default());
                ui.horizontal(|ui| {
                    let l = ui.label(attr.name.as_str());
                    let r = ui.text_edit_singleline(buf).labelled_by(l.id);
                    if r.lost_focus() {
                        if buf.is_empty() {
                            new.attributes.remove(&attr.name);
                        } else {
                            new.attributes.insert(attr.name.clone(), AttrValue::Text(buf.clone()));
                        }
                    }
                });
            }
        }
    }
    let note = app.details.note.get_or_insert_with(|| span.note.as_deref().cloned().unwrap_or_default());
    let l = ui.label("Note");
    let r = ui.add(egui::TextEdit::multiline(note).desired_rows(2).desired_width(f32::INFINITY)).labelled_by(l.id);
    if r.lost_focus() {
        new.note = if note.trim().is_empty() { None } else { Some(Box::new(note.clone())) };
    }
    if let Some(entity) = span.entity.and_then(|e| store.entity(e)) {
        ui.label(format!("Refers to: {} ({})", entity.name, entity.kind));
    }
    if def.name == "Claim" {
        // Attribution at a glance.
        let role_of = |rel: &str, role: &str| -> String {
            let targets = store.attribution(span.id, rel, role);
            targets.into_iter().map(|t| super::relations::target_text(store, t)).collect::<Vec<_>>().join(", ")
        };
        let or_dash = |s: String| if s.is_empty() { "—".to_string() } else { s };
        let cue = [role_of("said_by", "cue"), role_of("reported_by", "cue")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        egui::Grid::new("attribution").num_columns(2).show(ui, |ui| {
            ui.label("Source");
            ui.label(or_dash(role_of("said_by", "source")));
            ui.end_row();
            ui.label("Cue");
            ui.label(or_dash(cue));
            ui.end_row();
            ui.label("Outlet");
            ui.label(or_dash(role_of("reported_by", "outlet")));
            ui.end_row();
            ui.label("Certainty");
            ui.label(or_dash(span.attributes.get("certainty").map(ToString::to_string).unwrap_or_default()));
            ui.end_row();
        });
    }
    for rid in store.relations_using_span(span.id) {
        if let Some(rel) = store.relation(rid) {
            let kind = store.relation_type(rel.kind).map_or("?", |t| t.name.as_str());
            let role = rel
                .args
                .iter()
                .find(|a| a.target == crate::model::Target::Span(span.id))
                .map_or("evidence", |a| a.role.as_str());
            ui.weak(format!("{kind} {rid}: as {role}"));
        }
    }
    if ui.button("Delete").clicked() {
        actions.push(Action::Run(Command::Delete));
    }
    if new != *span {
        new.provenance.modified = crate::model::Timestamp::now();
        let summary = format!("Edited {} {}", store.label_name(new.label), new.id);
        actions.push(Action::Edit(Edit::ReplaceSpan(new), summary));
    }
}

fn annotation_list(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let store = &app.doc.store;
    let list = &mut app.list;
    ui.heading(format!("Annotations ({})", store.spans().len()));
    ui.horizontal(|ui| {
        let l = ui.label("Filter");
        ui.add(egui::TextEdit::singleline(&mut list.text).desired_width(140.0)).labelled_by(l.id);
    });
    // Each caption on the row of its widget, before it, as forms have it
    // (wrapped together, "Showing" was left at the end of the filter's row).
    ui.horizontal(|ui| {
        let shown = list.label.map_or("all labels", |l| store.label_name(l));
        let caption = ui.label("Showing");
        let combo = egui::ComboBox::from_id_salt("list-showing").selected_text(shown).show_ui(ui, |ui| {
            ui.selectable_value(&mut list.label, None, "all labels");
            for (i, l) in store.schema().labels.iter().enumerate() {
                ui.selectable_value(&mut list.label, Some(i as u16), &l.name);
            }
        });
        combo.response.labelled_by(caption.id);
    });
    ui.horizontal(|ui| {
        ui.label("Sort by");
        ui.radio_value(&mut list.sort, Sort::Position, "position");
        ui.radio_value(&mut list.sort, Sort::Label, "label");
    });
    let key = (app.doc.history.generation(), list.text.clone(), list.label, list.sort, store.spans().len());
    if list.cache_key.as_ref() != Some(&key) {
        let needle = list.text.to_lowercase();
        let everything = needle.is_empty() && list.label.is_none();
        let mut rows: Vec<SpanId> = store
            .spans_in_text_order()
            .into_iter()
            .filter(|id| {
                // (No filter: no lookup of each span.)
                if everything {
                    return true;
                }
                let Some(s) = store.span(*id) else { return false };
                list.label.is_none_or(|l| l == s.label)
                    && (needle.is_empty() || store.quote(s).to_lowercase().contains(&needle))
            })
            .collect();
        if list.sort == Sort::Label {
            rows.sort_by_key(|id| store.span(*id).map(|s| s.label));
        }
        list.rows = rows;
        list.cache_key = Some(key);
    }
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    egui::ScrollArea::vertical().id_salt("annotation-list").auto_shrink([false, false]).show_rows(
        ui,
        row_h,
        list.rows.len(),
        |ui, range| {
            for id in &list.rows[range] {
                let Some(s) = store.span(*id) else { continue };
                let def = store.schema().label(s.label as usize);
                let colour = def.map_or(Color32::GRAY, |d| label_color(&d.color));
                let text = format!(
                    "{} {} “{}”{}",
                    store.label_name(s.label),
                    s.id,
                    short(&store.quote(s)),
                    match (s.review.status, s.review.note.is_some()) {
                        (crate::model::ReviewStatus::Unreviewed, false) => String::new(),
                        (crate::model::ReviewStatus::Unreviewed, true) => " [review note]".to_owned(),
                        (status, false) => format!(" [{}]", status.name()),
                        (status, true) => format!(" [{}, review note]", status.name()),
                    }
                );
                ui.horizontal(|ui| {
                    color_chip(ui, colour);
                    let row = ui.selectable_label(app.selected == Some(*id), text);
                    let row = match &s.review.note {
                        Some(note) => row.on_hover_text(format!("Review note: {note}")),
                        None => row,
                    };
                    if row.clicked() {
                        actions.push(Action::SetSelection(Vec::new()));
                        actions.push(Action::Reveal(*id));
                    }
                });
            }
        },
    );
}

/// What the window shows when no article is open (at the start with a file
/// that could not be opened, or after one failed): the ways to open one.
pub fn start_page(ui: &mut egui::Ui, app: &SorotApp, actions: &mut Vec<Action>) {
    egui::ScrollArea::vertical().auto_shrink([false; 2]).show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space((ui.available_height() * 0.15).min(120.0));
            ui.heading("No article open");
            ui.label("Open an article to annotate it, or a folder of articles to work through them.");
            ui.add_space(12.0);
            for cmd in [Command::OpenArticle, Command::OpenFolder, Command::OpenUrl] {
                let shortcut = ui.ctx().format_shortcut(&cmd.shortcut());
                if ui.button(format!("{}   {shortcut}", cmd.text())).clicked() {
                    actions.push(Action::Run(cmd));
                }
            }
            if !app.prefs.recent.is_empty() {
                ui.add_space(12.0);
                ui.strong("Recent");
                for p in app.prefs.recent.iter().take(8) {
                    if ui.button(p.display().to_string()).clicked() {
                        actions.push(Action::Open(p.clone()));
                    }
                }
            }
            ui.add_space(12.0);
            ui.weak("Or drop a file on this window.");
        });
    });
}
