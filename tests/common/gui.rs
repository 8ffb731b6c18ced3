//! Helpers for GUI flows (egui_kittest).

use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sorot::gui::{Document, SorotApp};

/// A copy of the sample article and its annotations in a temp folder.
pub fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("article.txt");
    std::fs::copy(super::sample_article(), &article).unwrap();
    std::fs::copy(super::sample_annotations(), dir.path().join("article.sorot.ron")).unwrap();
    (dir, article)
}

/// The window on `path`, `height` points tall, with annotator "tester".
pub fn harness(path: &Path, height: f32) -> Harness<'static, SorotApp> {
    let mut app = SorotApp::new(Document::open(path).unwrap());
    app.prefs.annotator = "tester".into();
    // The test machine has no Hangul or emoji fonts; the app falls back to system fonts.
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, height))
        .allow_missing_glyphs()
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SorotApp| app.frame_ui(ui), app);
    h.run_steps(3);
    h
}

/// Points at a widget, then clicks it, as a person does.
pub fn click(h: &mut Harness<'static, SorotApp>, label: &str) {
    h.get_by_label(label).hover();
    h.run_steps(1);
    h.get_by_label(label).click();
    h.run_steps(2);
}

/// Ctrl+F, type, Enter to select the match, Escape to leave the field.
pub fn find_and_select(h: &mut Harness<'static, SorotApp>, needle: &str) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    h.get_by_label("Find").type_text(needle);
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(2);
    // Escape leaves the find field; the match stays selected.
    h.key_press(Key::Escape);
    h.run_steps(3);
}

/// Ctrl+S, then steps until the save written on the worker thread is done
/// (or a dialog asks something instead).
pub fn save(h: &mut Harness<'static, SorotApp>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(1);
    wait_saved(h);
}

/// Steps until the save in flight (if any) is written.
pub fn wait_saved(h: &mut Harness<'static, SorotApp>) {
    for _ in 0..500 {
        if !h.state().is_saving() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.run_steps(1);
    }
    h.run_steps(2);
}

/// The window on `app`, `size` points, with annotator "tester", once
/// nothing is being read.
pub fn window(app: SorotApp, size: egui::Vec2) -> Harness<'static, SorotApp> {
    let mut app = app;
    app.prefs.annotator = "tester".into();
    let mut h = Harness::builder()
        .with_size(size)
        .allow_missing_glyphs()
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SorotApp| app.frame_ui(ui), app);
    settle(&mut h);
    h
}

/// Steps until nothing is being read, opened, saved, searched, drawn as a
/// graph, trained or tagged.
pub fn settle(h: &mut Harness<'static, SorotApp>) {
    for _ in 0..2000 {
        h.run_steps(1);
        let app = h.state();
        let scanning = app.corpus.as_ref().is_some_and(|c| c.is_scanning());
        let graph = app.graph.as_ref().is_some_and(|g| g.is_loading());
        let busy = app.is_loading() || app.is_saving() || app.search.is_running() || app.is_suggesting();
        if !busy && !scanning && !graph {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    h.run_steps(3);
}

/// A key with modifiers, then [`settle`].
pub fn keys(h: &mut Harness<'static, SorotApp>, m: Modifiers, k: Key) {
    h.key_press_modifiers(m, k);
    h.run_steps(1);
    settle(h);
}
