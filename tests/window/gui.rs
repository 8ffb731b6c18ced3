//! GUI flows driven like a person would, through the accessibility tree and
//! the keyboard and mouse (egui_kittest, no GPU), checking the model after.

use crate::common;

use crate::common::gui::{find_and_select, harness, sample_copy};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sorot::gui::{Document, SorotApp};
use sorot::model::*;

/// Steps until a document being opened on the worker thread has arrived.
fn wait_loaded(h: &mut Harness<'static, SorotApp>) {
    for _ in 0..500 {
        h.run_steps(1);
        if !h.state().is_loading() {
            h.run_steps(2);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("document did not open in 5 s");
}

fn span_with_quote(store: &Store, quote: &str, label: &str) -> Option<Span> {
    store.spans().find(|s| store.quote(s) == quote && store.label_name(s.label) == label).cloned()
}

#[test]
fn label_dmitry_peskov_edit_undo_redo_save_and_reload() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    let before = h.state().store().spans().len();

    find_and_select(&mut h, "Dmitry Peskov");
    h.key_press(Key::S); // the Source hotkey
    h.run_steps(2);
    let store = h.state().store();
    assert_eq!(store.spans().len(), before + 1);
    let span = span_with_quote(store, "Dmitry Peskov", "Source").expect("new Source span");
    let start = store.text().as_str().find("Dmitry Peskov").unwrap();
    assert_eq!(span.ranges.as_slice(), &[ByteRange::new(start, start + "Dmitry Peskov".len())]);
    assert_eq!(&*span.provenance.author, "tester");
    assert_eq!(h.state().selected, Some(span.id));

    // Change an attribute of a claim through the side panel.
    find_and_select(&mut h, "Putin juga memberi Kim sebuah sarung tangan");
    h.key_press(Key::C);
    h.run_steps(2);
    let claim = span_with_quote(h.state().store(), "Putin juga memberi Kim sebuah sarung tangan", "Claim").unwrap();
    h.get_by_label("certainty").click();
    h.run_steps(2);
    h.get_by_label("hedged").click();
    h.run_steps(2);
    let certainty =
        |h: &Harness<'static, SorotApp>| h.state().store().span(claim.id).unwrap().attributes.get("certainty").cloned();
    assert_eq!(certainty(&h), Some(AttrValue::Text("hedged".into())));

    // Undo and redo, with the summary on the status line.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(certainty(&h), None);
    assert!(h.state().status.starts_with("Undone: Edited Claim"), "{}", h.state().status);
    let shift_cmd = Modifiers { shift: true, ..Modifiers::COMMAND };
    h.key_press_modifiers(shift_cmd, Key::Z);
    h.run_steps(2);
    assert_eq!(certainty(&h), Some(AttrValue::Text("hedged".into())));

    // Save, reload, same annotations.
    assert!(h.state().doc.history.is_dirty());
    common::gui::save(&mut h);
    assert!(!h.state().doc.history.is_dirty(), "{}", h.state().status);
    let reloaded = Document::open(&article).unwrap();
    assert!(reloaded.store == *h.state().store());
}

#[test]
fn unsaved_changes_prompt_on_quit() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    find_and_select(&mut h, "Kremlin");
    h.key_press(Key::O);
    h.run_steps(2);
    assert!(h.state().doc.history.is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.run_steps(2);
    h.get_by_label("Unsaved changes");
    // Cancel keeps the work open.
    h.get_by_label("Cancel").click();
    h.run_steps(2);
    assert!(h.state().dialog.is_none());
    assert!(span_with_quote(h.state().store(), "Kremlin", "Organization").is_some());
    // Save from the prompt writes the file.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.run_steps(2);
    h.get_by_label("Save").click();
    h.run_steps(2);
    assert!(!h.state().doc.history.is_dirty());
    let saved = Document::open(&article).unwrap();
    assert!(span_with_quote(&saved.store, "Kremlin", "Organization").is_some());
}

#[test]
fn list_filter_and_tab_navigation() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    let row = "Source #5 “juru bicara Kremlin, Dmitry Peskov”";
    assert!(h.query_by_label(row).is_some());
    h.get_by_label("Filter").focus();
    h.run_steps(1);
    h.get_by_label("Filter").type_text("Moskow");
    h.run_steps(2);
    assert!(h.query_by_label(row).is_none(), "filtered out");
    let moskow = h.get_by_label("Country #20 “Moskow”");
    moskow.click();
    h.run_steps(2);
    assert_eq!(h.state().selected, Some(SpanId(20)));
    // Tab goes to the next annotation in text order; Delete removes it; undo restores.
    let order = h.state().store().spans_in_text_order();
    let i = order.iter().position(|s| *s == SpanId(20)).unwrap();
    h.key_press(Key::Tab);
    h.run_steps(2);
    assert_eq!(h.state().selected, Some(order[i + 1]));
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert!(h.state().store().span(order[i + 1]).is_none());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(h.state().store().span(order[i + 1]).is_some());
}

#[test]
fn mouse_selection_over_curly_quotes_and_emoji_gives_exact_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("emoji.txt");
    std::fs::write(&article, "Kata 🇰🇷 “Korut” 👍🏽 menerima한국 end\n").unwrap();
    let mut h = harness(&article, 800.0);
    let text = h.state().store().text().as_str().to_owned();
    let start = text.find('“').unwrap();
    let end = text.find('”').unwrap() + '”'.len_utf8();
    let a = h.state().view.screen_pos_of_byte(start).expect("visible");
    let b = h.state().view.screen_pos_of_byte(end).expect("visible");
    h.hover_at(a);
    h.run_steps(1);
    h.drag_at(a);
    h.run_steps(1);
    h.hover_at(egui::pos2((a.x + b.x) / 2.0, a.y));
    h.run_steps(1);
    h.hover_at(b);
    h.run_steps(1);
    h.drop_at(b);
    h.run_steps(2);
    assert_eq!(h.state().selection, vec![ByteRange::new(start, end)]);
    h.key_press(Key::N); // Country
    h.run_steps(2);
    let store = h.state().store();
    let span = span_with_quote(store, "“Korut”", "Country").expect("span over curly quotes");
    assert_eq!(span.ranges[0], ByteRange::new(start, end));
    // Code points: the flag counts 2, so “ is code point 8.
    assert_eq!(store.text().byte_to_char(start), 8);

    // A drag inside a word snaps to the whole word, Hangul included.
    let s2 = text.find("nerima").unwrap();
    let e2 = text.find("국").unwrap();
    let (a, b) = (h.state().view.screen_pos_of_byte(s2).unwrap(), h.state().view.screen_pos_of_byte(e2).unwrap());
    h.drag_at(a);
    h.run_steps(1);
    h.hover_at(b);
    h.run_steps(1);
    h.drop_at(b);
    h.run_steps(2);
    let w = text.find("menerima").unwrap();
    let sel = h.state().selection.clone();
    assert_eq!(sel.len(), 1);
    assert_eq!(&text[sel[0].as_range()], "menerima한국", "{sel:?}");
    assert_eq!(sel[0].start(), w);

    // Shift+click extends the selection to the clicked word.
    let end_word = text.find("end").unwrap();
    let p = h.state().view.screen_pos_of_byte(end_word + 1).unwrap();
    h.hover_at(p);
    h.run_steps(1);
    for pressed in [true, false] {
        let e = egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::SHIFT,
        };
        h.event_modifiers(e, Modifiers::SHIFT);
    }
    h.run_steps(2);
    let sel = h.state().selection.clone();
    assert_eq!(&text[sel[0].as_range()], "menerima한국 end", "{sel:?}");
}

/// A find for " kata " (spaces typed around it, as a newcomer did) labels
/// "kata": the spaces at a selection's ends are not part of a span.
#[test]
fn a_found_selection_is_labelled_without_its_spaces() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    let before = h.state().store().spans().len();
    find_and_select(&mut h, " kata ");
    assert!(h.state().selection.iter().any(|r| h.state().store().text().slice(*r) == " kata "));
    h.key_press(Key::U); // Cue
    h.run_steps(2);
    assert_eq!(h.state().store().spans().len(), before + 1);
    let id = h.state().selected.expect("the new span is selected");
    let store = h.state().store();
    assert_eq!(store.quote(store.span(id).unwrap()), "kata");
}

#[test]
fn errors_show_in_the_window_and_keep_the_work_open() {
    let (dir, article) = sample_copy();
    std::fs::write(dir.path().join("broken.sorot.ron"), "(format_version: 1, document: ").unwrap();
    let mut h = harness(&article, 800.0);
    let spans = h.state().store().spans().len();
    h.state_mut().push(sorot::gui::Action::Open(dir.path().join("broken.sorot.ron")));
    h.run_steps(1);
    wait_loaded(&mut h);
    match &h.state().dialog {
        Some(sorot::gui::Dialog::Error(msg)) => assert!(msg.contains("broken.sorot.ron:1:"), "{msg}"),
        other => panic!("expected an error dialog, got {other:?}"),
    }
    assert_eq!(h.state().store().spans().len(), spans);
    h.get_by_label("OK").click();
    h.run_steps(2);
    assert!(h.state().dialog.is_none());
}

#[test]
fn open_dialog_works_without_a_native_dialog() {
    let (dir, article) = sample_copy();
    let other = dir.path().join("other.txt");
    std::fs::write(&other, "Korut dan Rusia.").unwrap();
    let mut h = harness(&article, 800.0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run_steps(2);
    // Before anything is typed, the list is of the open article's folder
    // (not the folder Sorot was started from), the other article in it.
    let listed = std::fs::canonicalize(dir.path()).unwrap();
    h.get_by_label(&format!("In {}:", listed.display()));
    h.get_by_label(&other.display().to_string());
    h.get_by_label("Path").type_text(other.to_str().unwrap());
    h.run_steps(1);
    let open = h.get_by_label("Open");
    open.hover(); // a person points at the button before clicking
    h.run_steps(1);
    h.get_by_label("Open").click();
    h.run_steps(1);
    wait_loaded(&mut h);
    assert_eq!(h.state().store().text().as_str(), "Korut dan Rusia.");
}

/// Finds `needle`, labels it with `key`, and waits until the autosave
/// (every second) has written it.
fn label_and_autosave(h: &mut Harness<'static, SorotApp>, needle: &str, key: Key) {
    h.state_mut().prefs.autosave_secs = 1;
    find_and_select(h, needle);
    h.key_press(key);
    h.run_steps(2);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    h.run_steps(2);
    while h.state().is_autosaving() {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn crash_after_edits_is_followed_by_a_recovery_offer_that_restores_them() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    label_and_autosave(&mut h, "Kremlin", Key::O);
    let recovery = h.state().doc.recovery_path();
    assert!(recovery.exists(), "autosave wrote {}", recovery.display());
    drop(h); // the "crash": nothing saved

    let on_disk = Document::open(&article).unwrap();
    assert!(span_with_quote(&on_disk.store, "Kremlin", "Organization").is_none());
    // The crashed window's lock went with it; a lock of another live Sorot
    // (process 1 is always running here) means the recovery file is that
    // window's live autosave: not offered, not discarded, and said so (a
    // newcomer's second window discarded the first's crash protection).
    let lock = recovery.with_file_name(recovery.file_name().unwrap().to_string_lossy().replace(".recovery", ".lock"));
    assert!(!lock.exists(), "the crashed window's lock is gone");
    if cfg!(target_os = "linux") {
        std::fs::write(&lock, "1").unwrap();
        let first_windows = std::fs::read(&recovery).unwrap();
        let mut h = harness(&article, 800.0);
        h.get_by_label_contains("also open in another Sorot window (process 1)");
        assert!(h.query_by_label("Recover unsaved work?").is_none());
        // This second window's unsaved work is autosaved beside, never over,
        // the first window's (both autosaved to one file: a crash of the
        // first lost its work to the second's).
        h.key_press(Key::Escape); // closes the notice
        h.run_steps(1);
        assert!(h.state().dialog.is_none(), "Escape closes a notice");
        label_and_autosave(&mut h, "Peskov", Key::P);
        let second = sorot::io::window_recovery_path(&h.state().doc.path.clone().unwrap(), std::process::id());
        assert_eq!(h.state().doc.recovery_path(), second);
        assert!(second.exists(), "the second window autosaved to {}", second.display());
        assert_eq!(std::fs::read(&recovery).unwrap(), first_windows, "the first window's autosave is untouched");
        drop(h); // the second window ends too, unsaved
        assert!(recovery.exists() && lock.exists(), "neither is this window's to remove");
        std::fs::remove_file(&lock).unwrap();
        // Opened again, the newest unsaved work (the second window's) is
        // offered and the other is said to be kept, and is: this window
        // autosaves on into the restored file, and saving removes it.
        let mut h = harness(&article, 800.0);
        h.get_by_label_contains("in a window that ended (Sorot process");
        h.get_by_label_contains("1 older unsaved version of this file is kept");
        h.state_mut().prefs.autosave_secs = 1;
        h.get_by_label("Restore").click();
        h.run_steps(2);
        let store = h.state().store();
        assert!(span_with_quote(store, "Peskov", "Person").is_some(), "the second window's work is back");
        assert!(span_with_quote(store, "Kremlin", "Organization").is_none());
        assert_eq!(h.state().doc.recovery_path(), second);
        label_and_autosave(&mut h, "Dmitry", Key::P);
        assert_eq!(std::fs::read(&recovery).unwrap(), first_windows, "the older version is kept as it was");
        common::gui::save(&mut h);
        assert!(!second.exists(), "saved: {} goes", second.display());
        drop(h);
        // The first window's work is offered next (below).
    }
    let mut h = harness(&article, 800.0);
    h.get_by_label("Recover unsaved work?");
    let restore = h.get_by_label("Restore");
    restore.hover();
    h.run_steps(1);
    h.get_by_label("Restore").click();
    h.run_steps(2);
    assert!(span_with_quote(h.state().store(), "Kremlin", "Organization").is_some());
    assert!(h.state().doc.history.is_dirty(), "restored work is unsaved until saved");
    // The restore is one step: Ctrl+Z goes back to the file as saved (a
    // newcomer's restore replaced saved work with no way back), Ctrl+Y
    // restores again.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert!(span_with_quote(h.state().store(), "Kremlin", "Organization").is_none());
    assert!(h.state().status.starts_with("Undone: Restored unsaved work"), "{}", h.state().status);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run_steps(2);
    assert!(span_with_quote(h.state().store(), "Kremlin", "Organization").is_some());
    common::gui::save(&mut h);
    assert!(!recovery.exists(), "saving removes the recovery file");
}

/// A window left for another (covered, minimised) autosaves at once: it
/// only runs when something happens in it, and a newcomer's second window,
/// left under the first, never autosaved its edit before both were killed.
#[test]
fn a_window_that_loses_the_focus_autosaves_at_once() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    assert_eq!(h.state().prefs.autosave_secs, 30);
    find_and_select(&mut h, "Kremlin");
    h.key_press(Key::O);
    h.run_steps(2);
    let recovery = h.state().doc.recovery_path();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    h.run_steps(2);
    assert!(!recovery.exists(), "not yet: the next autosave is 30 s away");
    // As eframe reports it: the input's focus, and the event.
    h.input_mut().focused = false;
    h.event(egui::Event::WindowFocused(false));
    h.run_steps(2);
    while h.state().is_autosaving() {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let saved = sorot::io::load_annotations(&recovery).expect("autosaved when the focus left");
    assert!(span_with_quote(&saved, "Kremlin", "Organization").is_some());
}

#[test]
fn the_sample_is_installed_in_the_data_folder_and_keeps_the_users_work() {
    let dir = tempfile::tempdir().unwrap();
    let article = sorot::gui::install_sample(dir.path()).unwrap();
    let ann = sorot::io::default_annotation_path(&article, None);
    let first = Document::open(&article).unwrap();
    assert_eq!(first.path.as_deref(), Some(ann.as_path()));
    assert_eq!(first.store.spans().len(), 18);
    // The user's saved work is not overwritten by a later start.
    std::fs::write(
        &ann,
        sorot::io::to_ron_string(&Store::new(
            first.store.text().clone(),
            first.store.schema().clone(),
            first.store.meta.clone(),
        )),
    )
    .unwrap();
    sorot::gui::install_sample(dir.path()).unwrap();
    assert_eq!(Document::open(&article).unwrap().store.spans().len(), 0);
}

#[test]
fn boundaries_move_by_keyboard_and_by_dragging() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    let row = h.get_by_label("Cue #6 “kata”");
    row.hover();
    h.run_steps(1);
    h.get_by_label("Cue #6 “kata”").click();
    h.run_steps(3);
    assert_eq!(h.state().selected, Some(SpanId(6)));
    let quote = |h: &Harness<'static, SorotApp>| {
        let store = h.state().store();
        store.quote(store.span(SpanId(6)).unwrap())
    };
    let alt_shift = Modifiers { shift: true, ..Modifiers::ALT };
    h.key_press_modifiers(alt_shift, Key::ArrowRight);
    h.run_steps(2);
    assert_eq!(quote(&h), "kata juru");
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    h.run_steps(2);
    assert_eq!(quote(&h), "” kata juru", "start moved one word left, onto the closing quote");
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    h.key_press_modifiers(alt_shift, Key::ArrowLeft);
    h.run_steps(2);
    assert_eq!(quote(&h), "kata");

    // Drag the end handle to the end of "bicara".
    let text = h.state().store().text().as_str().to_owned();
    let span = h.state().store().span(SpanId(6)).unwrap().clone();
    let target = text[span.ranges[0].end()..].find("bicara").unwrap() + span.ranges[0].end() + "bicara".len();
    let from = h.state().view.screen_pos_of_byte(span.ranges[0].end()).unwrap() - egui::vec2(1.0, 0.0);
    let to = h.state().view.screen_pos_of_byte(target).unwrap();
    h.hover_at(from);
    h.run_steps(1);
    h.drag_at(from);
    h.run_steps(1);
    h.hover_at(to);
    h.run_steps(1);
    h.drop_at(to);
    h.run_steps(2);
    assert_eq!(quote(&h), "kata juru bicara");
    assert!(h.state().selection.is_empty(), "a handle drag does not select text");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(quote(&h), "kata");
}

/// The article scrolls from the keyboard: PageDown and PageUp by a
/// screen, Ctrl+End to the end and Ctrl+Home back to the start (a newcomer
/// found only the mouse wheel).
#[test]
fn the_article_scrolls_from_the_keyboard() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 300.0);
    h.run_steps(3);
    let first = |h: &Harness<'static, SorotApp>| h.state().view.first_visible_byte().unwrap_or(0);
    let last = |h: &Harness<'static, SorotApp>| h.state().view.visible_range().map_or(0, |r| r.end());
    let len = h.state().store().text().len();
    assert_eq!(first(&h), 0);
    assert!(last(&h) < len, "the window shows only part of the sample");
    h.key_press(Key::PageDown);
    h.run_steps(3);
    let after_one = first(&h);
    assert!(after_one > 0, "PageDown moved the view");
    h.key_press(Key::PageDown);
    h.run_steps(3);
    let after_two = first(&h);
    assert!(after_two > after_one);
    h.key_press(Key::PageUp);
    h.run_steps(3);
    assert!(first(&h) < after_two && first(&h) <= after_one, "PageUp goes back up a screen");
    h.key_press_modifiers(Modifiers::COMMAND, Key::End);
    h.run_steps(3);
    assert_eq!(last(&h), len, "Ctrl+End shows the end");
    // The very end, its last line whole (it stopped a line and a half short).
    assert!(h.state().view.shows_the_end());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    h.run_steps(3);
    assert_eq!(first(&h), 0, "Ctrl+Home shows the start");
    assert!(h.state().view.top_cut() < 0.5, "the first line is whole");
}

/// Preferences opens with the keyboard in the name field: typing a name
/// and Enter sets it (a newcomer's typed name went nowhere).
#[test]
fn preferences_take_a_typed_name_at_once() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Comma);
    h.run_steps(3);
    h.get_by_label("Preferences");
    h.event(egui::Event::Text("dewi".into()));
    h.run_steps(2);
    h.key_press(Key::Enter);
    h.run_steps(2);
    assert!(h.state().dialog.is_none());
    assert!(h.state().prefs.annotator.ends_with("dewi"), "{}", h.state().prefs.annotator);
}

/// The next document opens at its top, not at the last one's scroll
/// position (as a newcomer saw after Ctrl+PgDn).
#[test]
fn the_next_document_opens_at_its_top() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a1.txt", "a2.txt"] {
        std::fs::copy(common::sample_article(), dir.path().join(name)).unwrap();
    }
    let mut h = common::gui::window(SorotApp::opening_folder(dir.path().to_owned()), egui::vec2(1000.0, 400.0));
    common::gui::settle(&mut h);
    for _ in 0..3 {
        h.key_press(Key::PageDown);
        h.run_steps(3);
    }
    assert!(h.state().view.first_visible_byte().unwrap_or(0) > 0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    common::gui::settle(&mut h);
    h.run_steps(3);
    assert_eq!(h.state().doc.path.as_deref(), Some(dir.path().join("a2.sorot.ron").as_path()));
    assert_eq!(h.state().view.first_visible_byte(), Some(0));
}

#[test]
fn readme_lists_every_shortcut_from_the_command_table() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let table = sorot::gui::markdown_table();
    assert!(readme.contains(&table), "README shortcut table is stale; it should contain:\n{table}");
    // No two commands share a shortcut.
    let mut seen = Vec::new();
    for c in sorot::gui::Command::ALL {
        assert!(!seen.contains(&c.shortcut()), "{c:?} reuses a shortcut");
        seen.push(c.shortcut());
    }
}

#[test]
fn find_labels_all_matches_after_a_preview() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    h.get_by_label("Find").type_text("Kim Jong Un");
    h.run_steps(2);
    let n = h.state().store().occurrences("Kim Jong Un").len();
    assert!(n >= 5);
    h.get_by_label("Label all matches as").click();
    h.run_steps(2);
    h.get_by_label("Person").hover();
    h.run_steps(1);
    h.get_by_label("Person").click();
    h.run_steps(2);
    h.get_by_label(&format!("Preview: {n} new Person spans (0 already labelled)"));
    let before = h.state().store().spans().len();
    let apply = h.get_by_label("Apply");
    apply.hover();
    h.run_steps(1);
    h.get_by_label("Apply").click();
    h.run_steps(2);
    let store = h.state().store();
    assert_eq!(store.spans().len(), before + n);
    let persons =
        store.spans().filter(|s| store.label_name(s.label) == "Person" && store.quote(s) == "Kim Jong Un").count();
    assert_eq!(persons, n);
    // One undo removes them all.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(h.state().store().spans().len(), before);
}

#[test]
fn an_article_changed_since_annotation_is_said_not_hidden() {
    let (_dir, article) = sample_copy();
    let edited = std::fs::read_to_string(&article).unwrap().replace("Kirim Komentar", "Kirim komentar Anda");
    std::fs::write(&article, edited).unwrap();
    let doc = Document::open(&article).unwrap();
    let notice = doc.notice.clone().expect("a notice");
    assert!(notice.contains("has changed since it was annotated"), "{notice}");
    assert!(doc.store.text().as_str().contains("Kirim Komentar"), "the annotated text is shown");
    let mut h = harness(&article, 800.0);
    assert!(
        matches!(&h.state().dialog, Some(sorot::gui::Dialog::ArticleChanged { notice, .. }) if notice.contains("has changed"))
    );
    let before: Vec<(SpanId, String)> = h.state().store().spans().map(|s| (s.id, h.state().store().quote(s))).collect();

    // Re-anchor: the new text, every span kept at its quote, unsaved.
    common::gui::click(&mut h, "Re-anchor onto the new text");
    h.get_by_label("Re-anchored onto the new text");
    assert!(
        h.state().status.contains("18 moved exactly, 0 moved with a fuzzy match, 0 not found"),
        "{}",
        h.state().status
    );
    let store = h.state().store();
    assert!(store.text().as_str().contains("Kirim komentar Anda"));
    let after: Vec<(SpanId, String)> = store.spans().map(|s| (s.id, store.quote(s))).collect();
    assert_eq!(after, before);
    assert!(h.state().doc.history.is_dirty(), "re-anchored work must be saved to be kept");
    common::gui::click(&mut h, "OK");
    common::gui::save(&mut h);
    let reopened = Document::open(&article).unwrap();
    assert!(reopened.notice.is_none(), "{:?}", reopened.notice);
    assert!(reopened.store == *h.state().store());
}

#[test]
fn saving_over_a_file_changed_on_disk_asks_first() {
    let (dir, article) = sample_copy();
    let ann = dir.path().join("article.sorot.ron");
    let mut h = harness(&article, 800.0);
    find_and_select(&mut h, "Dmitry Peskov");
    h.key_press(Key::P); // Person
    h.run_steps(2);
    // Another annotator's save lands meanwhile (a different version).
    let mut theirs = sorot::io::load_annotations(&ann).unwrap();
    theirs.meta.state = DocState::Done;
    let theirs_text = sorot::io::to_ron_string(&theirs);
    std::fs::write(&ann, &theirs_text).unwrap();

    common::gui::save(&mut h);
    h.get_by_label_contains("changed on disk since it was opened here");
    assert_eq!(std::fs::read_to_string(&ann).unwrap(), theirs_text, "nothing written yet");
    common::gui::click(&mut h, "Cancel");
    assert!(h.state().doc.history.is_dirty());
    assert_eq!(std::fs::read_to_string(&ann).unwrap(), theirs_text);

    // Save as… keeps both: theirs in place, mine in a new file.
    common::gui::save(&mut h);
    common::gui::click(&mut h, "Save as…");
    h.run_steps(2);
    let mine = dir.path().join("mine.sorot.ron");
    h.get_by_label("Path").focus();
    h.run_steps(1);
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_steps(1);
    h.get_by_label("Path").type_text(&mine.display().to_string());
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(3);
    common::gui::wait_saved(&mut h);
    assert_eq!(std::fs::read_to_string(&ann).unwrap(), theirs_text);
    let saved = sorot::io::load_annotations(&mine).unwrap();
    assert!(saved.spans().any(|s| saved.quote(s) == "Dmitry Peskov" && saved.label_name(s.label) == "Person"));

    // Overwrite: after one more change, on the original file, explicitly.
    std::fs::write(&mine, "changed again by someone else").unwrap();
    common::gui::save(&mut h);
    common::gui::click(&mut h, "Overwrite");
    common::gui::wait_saved(&mut h);
    assert!(sorot::io::load_annotations(&mine).unwrap() == *h.state().store());
    assert!(!h.state().doc.history.is_dirty());

    // Reload from disk: drop this window's changes, read theirs.
    std::fs::write(&mine, &theirs_text).unwrap();
    find_and_select(&mut h, "Kim Jong Un");
    h.key_press(Key::P);
    h.run_steps(2);
    common::gui::save(&mut h);
    common::gui::click(&mut h, "Reload from disk (drop my changes)");
    for _ in 0..300 {
        h.run_steps(1);
        if !h.state().is_loading() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    h.run_steps(2);
    assert_eq!(h.state().store().meta.state, DocState::Done);
    assert!(!h.state().doc.history.is_dirty());
}

#[test]
fn a_large_document_shows_its_text_before_its_annotations_are_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.sorot.ron");
    let store = sorot::fixture::store(1_000_000, 20_000, 2_000, 3);
    sorot::io::save_annotations(&path, &store).unwrap();
    let app = SorotApp::opening(path.clone());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1200.0, 700.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SorotApp| app.frame_ui(ui), app);
    let mut saw_preview = false;
    for _ in 0..1000 {
        h.run_steps(1);
        if let Some(preview) = h.state().loading_preview() {
            // Read without parsing the annotations: the same text.
            assert_eq!(preview.text().as_str(), store.text().as_str());
            assert_eq!(preview.spans().len(), 0);
            h.run_steps(1);
            if h.state().is_loading() {
                h.get_by_label_contains("Loading the annotations of");
            }
            saw_preview = true;
        }
        if !h.state().is_loading() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(saw_preview, "the text was never shown before the annotations");
    assert!(!h.state().is_loading());
    assert_eq!(h.state().store().spans().len(), 20_000);
}

/// Steps until the open text's characters were checked against the fonts.
fn wait_glyphs(h: &mut Harness<'static, SorotApp>) {
    for _ in 0..500 {
        h.run_steps(1);
        if !h.state().glyphs.is_running() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    h.run_steps(2);
}

#[test]
fn characters_without_a_font_are_named_with_the_fonts_to_install() {
    // The test window has only egui's built-in fonts: no Hangul, no flags.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("multi.sorot.ron");
    sorot::io::save_annotations(&path, &common::build_multiscript()).unwrap();
    let mut h = harness(&path, 800.0);
    wait_glyphs(&mut h);
    let missing = h.state().glyphs.missing.clone().expect("the Hangul is said to have no font");
    assert!(missing.scripts.iter().any(|(s, _)| *s == "Korean"), "{missing:?}");
    assert!(missing.advice().contains("fonts-noto-cjk"));
    let shown = h.query_by_label_contains("have no font here").is_some();
    assert!(shown, "the status bar says so");
    // An article in Latin script: nothing to say.
    let (_d, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    wait_glyphs(&mut h);
    assert_eq!(h.state().glyphs.missing, None);
    assert!(h.query_by_label_contains("have no font here").is_none());
}

/// Find shows matches as you type (issue 19, item 6): all those in view
/// outlined, the nearest one current and scrolled to; Enter selects it.
#[test]
fn find_highlights_matches_while_typing_and_enter_selects_the_shown_one() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 900.0);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run_steps(2);
    h.get_by_label("Find").type_text("Rusia");
    h.run_steps(3);
    let text = h.state().doc.store.text().as_str().to_owned();
    let first = text.find("Rusia").unwrap();
    let app = h.state();
    assert_eq!(app.find.current_match().map(|m| m.start()), Some(first), "the nearest match is shown before Enter");
    assert!(app.selection.is_empty(), "typing does not change the selection");
    let marks: Vec<_> = app.view.marks.iter().filter(|(r, ..)| text[r.start()..r.end()] == *"Rusia").collect();
    assert!(marks.len() >= 3, "every visible match is outlined: {}", marks.len());
    assert_eq!(marks.iter().filter(|(.., current)| *current).count(), 1);
    assert!(h.query_by_label_contains("1 of ").is_some());
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().selection.first().map(|r| r.start()), Some(first), "Enter selects the match shown");
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    let second = first + 1 + text[first + 1..].find("Rusia").unwrap();
    assert_eq!(h.state().selection.first().map(|r| r.start()), Some(second), "then Enter moves on");
}

/// Typing and Enter in the same frame (a fast typist, a paste): Enter
/// selects a match of the new text, not of what the field held before.
#[test]
fn enter_right_after_typing_finds_the_new_text() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 900.0);
    find_and_select(&mut h, "Rusia");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Find").type_text("Korea Utara");
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    let store = &h.state().doc.store;
    let sel = h.state().selection.first().copied().expect("a match is selected");
    assert_eq!(store.text().slice(sel), "Korea Utara");
}

/// The side panel (issue 19, item 3): with relations and entities open and
/// a relation selected, the annotation list keeps rows in view, and
/// opening an entity does not widen the panel.
#[test]
fn the_annotation_list_keeps_room_and_the_panel_keeps_its_width() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 520.0);
    let rel = h.state().doc.store.relations().next().map(|r| r.id).expect("the sample has relations");
    h.state_mut().selected_relation = Some(rel);
    h.run_steps(2);
    let entities = format!("Entities ({})", h.state().doc.store.entities().len());
    crate::common::gui::click(&mut h, &entities);
    let left_before = h.get_by_label_contains("Relations (").rect().left();
    let russia = h.query_all_by_label_contains("Russia (Country").next().expect("the Russia entity").rect();
    h.query_all_by_label_contains("Russia (Country").next().expect("the Russia entity").click();
    h.run_steps(3);
    assert!(russia.height() > 0.0);
    let left_after = h.get_by_label_contains("Relations (").rect().left();
    assert!((left_before - left_after).abs() < 1.0, "the panel widened: {left_before} → {left_after}");
    use egui_kittest::kittest::NodeT;
    // The list's row (a relation's row also names the claim, after "claim: ").
    let rows: Vec<egui::Rect> = h
        .query_all_by_label_contains("Claim #4 “")
        .filter(|n| n.accesskit_node().label().is_some_and(|l| l.starts_with("Claim #4")))
        .map(|n| n.rect())
        .collect();
    assert!(
        rows.iter().any(|r| r.height() > 0.0 && r.bottom() <= 520.0 && r.top() >= 0.0),
        "no annotation row in view: {rows:?}"
    );
}

/// A file that cannot be opened at the start leaves a start page, not an
/// empty article that looks like one: its ways to open one work, the title
/// and status say nothing is open, and Save has nothing to save (#19 item 4).
#[test]
fn a_failed_start_leaves_a_start_page_and_nothing_to_save() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("not-there.txt");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1000.0, 700.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SorotApp| app.frame_ui(ui), SorotApp::opening(missing));
    h.run_steps(1);
    wait_loaded(&mut h);
    h.run_steps(2);
    assert!(matches!(h.state().dialog, Some(sorot::gui::Dialog::Error(_))), "the failure is said once");
    h.get_by_label("OK").click();
    h.run_steps(2);
    h.get_by_label("No article open");
    h.get_by_label("No article open · Ctrl+O opens one");
    assert!(h.query_by_label("Annotations (0)").is_none(), "no annotation list of nothing");
    assert!(h.state().doc.is_blank());
    assert_eq!(h.state().doc.title(), "Sorot", "no \" (not saved yet)\" of nothing");
    // Ctrl+S has nothing to save: no dialog, and the status says why.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_steps(2);
    assert!(h.state().dialog.is_none());
    assert!(h.state().status.starts_with("Nothing to save"), "{}", h.state().status);
    // The start page opens an article.
    h.get_by_label_contains("Open article").click();
    h.run_steps(2);
    assert!(h.state().dialog.is_some(), "the open dialog");
}

/// Tab to a span near the end of a long paragraph in a narrow window shows
/// the span, not the paragraph's top with the span below the view (a
/// newcomer's selected span sat at the bottom edge, partly hidden).
#[test]
fn tab_to_a_span_deep_in_a_long_paragraph_shows_the_span() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{}Peskov{}\n", "kata juru bicara ".repeat(160), " lagi".repeat(10));
    let mut s = common::store_of(&text, "long");
    let mut b = common::Builder { store: &mut s, author: "t" };
    let first = b.span("Cue", sorot::model::ByteRange::new(0, 4), &[]);
    let at = text.find("Peskov").unwrap();
    let peskov = b.span("Person", sorot::model::ByteRange::new(at, at + 6), &[]);
    let path = dir.path().join("long.sorot.ron");
    sorot::io::save_annotations(&path, &s).unwrap();
    let app = SorotApp::new(Document::open(&path).unwrap());
    let mut h = common::gui::window(app, egui::vec2(700.0, 600.0));
    h.state_mut().push(sorot::gui::Action::Select(Some(first)));
    h.run_steps(3);
    h.key_press(Key::Tab);
    h.run_steps(6);
    assert_eq!(h.state().selected, Some(peskov));
    let pos = h.state().view.screen_pos_of_byte(at).expect("drawn");
    assert!(pos.y < 600.0 - 60.0, "the span at y {} of a 600-point window", pos.y);
}

/// Find takes whole words unless told otherwise: "kata" is not found inside
/// "mengatakan" (a newcomer's first match was part of a word, and Enter or
/// "Label all" would have labelled it); "inside words" finds those too; a
/// query with spaces at its ends needs no word edge there.
#[test]
fn find_takes_whole_words_unless_told_otherwise() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    let text = h.state().store().text().as_str().to_owned();
    let inside = text.matches("kata").count();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run_steps(2);
    h.get_by_label("Find").type_text("kata");
    h.run_steps(2);
    let whole = h.state().find.matches.clone();
    assert!(!whole.is_empty() && whole.len() < inside, "{} of {inside}", whole.len());
    for m in &whole {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        assert!(!before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric));
    }
    common::gui::click(&mut h, "inside words");
    assert_eq!(h.state().find.matches.len(), inside);
    common::gui::click(&mut h, "inside words");
    assert_eq!(h.state().find.matches, whole);
}
