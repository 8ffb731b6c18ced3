//! A saved news page in the window: it opens as its story with what to
//! cite, and Ctrl+Alt+W switches to the whole page and back with the
//! labels moved along.

use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

use crate::common;
use crate::common::gui::{find_and_select, harness};

const CMD_ALT: Modifiers = Modifiers { alt: true, ..Modifiers::COMMAND };

#[test]
fn a_saved_page_opens_as_its_story_and_the_whole_page_is_one_key_away() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("rusia-korut.html");
    std::fs::copy(common::repo().join("tests/data/web/warta.html"), &page).unwrap();
    let mut h = harness(&page, 900.0);

    // The story, and the page's own description of itself.
    let text = h.state().doc.store.text().as_str().to_owned();
    assert!(text.contains("Dilansir BBC") && !text.contains("Baca juga") && !text.contains("Beranda"), "{text}");
    h.get_by_label_contains("Web page, the article · “Rusia Kirim Senjata ke Korut? Kremlin Membantah” · Dewi Lestari");
    h.get_by_label_contains("https://warta.example/dunia/rusia-korut");

    // Label BBC as a Source, then switch to the whole page.
    find_and_select(&mut h, "BBC");
    h.key_press(Key::S);
    h.run_steps(2);
    assert_eq!(h.state().doc.store.spans().len(), 1);
    h.key_press_modifiers(CMD_ALT, Key::W);
    h.run_steps(3);
    h.get_by_label("Re-anchored onto the whole page");
    h.key_press(Key::Enter);
    h.run_steps(2);
    let store = &h.state().doc.store;
    assert!(store.text().as_str().contains("Kirim Komentar"));
    let span = store.spans().next().expect("the label moved along");
    assert_eq!(store.text().slice(span.ranges[0]), "BBC");
    h.get_by_label_contains("Web page, the whole page");

    // And back: the same article text as at first.
    h.key_press_modifiers(CMD_ALT, Key::W);
    h.run_steps(3);
    h.get_by_label("Re-anchored onto the article");
    h.key_press(Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().doc.store.text().as_str(), text);
    assert!(h.state().doc.history.is_dirty(), "nothing is saved until the analyst saves");
}
