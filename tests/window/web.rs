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

#[test]
fn open_url_fetches_the_page_keeps_it_and_the_labels_reopen_on_the_archive_copy() {
    let base = common::serve_news_site();
    let (dir, article) = common::gui::sample_copy();
    let mut h = harness(&article, 900.0);

    // File → Open URL: the folder defaults to the open document's.
    h.key_press_modifiers(CMD_ALT, Key::U);
    h.run_steps(2);
    h.get_by_label("Address").type_text(&format!("{base}/lama"));
    h.run_steps(1);
    h.key_press(Key::Enter);
    for _ in 0..400 {
        h.run_steps(1);
        if h.state().doc.store.meta.origin.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let page = dir.path().join("rusia-korut.html");
    assert!(page.is_file(), "the archive copy is kept beside the open document");
    let origin = h.state().doc.store.meta.origin.clone().expect("the fetched page is open");
    assert_eq!(origin.fetch.map(|f| f.final_url), Some(format!("{base}/dunia/rusia-korut")));
    h.get_by_label_contains("Web page, the article");

    // Label, save, and open again from the archive copy.
    find_and_select(&mut h, "BBC");
    h.key_press(Key::S);
    h.run_steps(2);
    common::gui::save(&mut h);
    let reopened = sorot::gui::Document::open(&page).unwrap();
    assert_eq!(reopened.notice, None, "the archive copy gives the text the labels were made on");
    let span = reopened.store.spans().next().expect("the label was saved");
    assert_eq!(reopened.store.text().slice(span.ranges[0]), "BBC");
}

/// A newcomer's crash: the pointer rests over text far down the whole
/// page, then the shorter article comes back; the status bar's "byte N"
/// of the old text must not be looked up in the new one.
#[test]
fn switching_back_with_the_pointer_low_in_the_whole_page_does_not_crash() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("rusia-korut.html");
    std::fs::copy(common::repo().join("tests/data/web/warta.html"), &page).unwrap();
    let mut h = harness(&page, 900.0);
    let article_len = h.state().doc.store.text().len();
    h.key_press_modifiers(CMD_ALT, Key::W);
    h.run_steps(3);
    let whole_len = h.state().doc.store.text().len();
    assert!(whole_len > article_len);
    // Rest the pointer on text past the article's length.
    let found = (120..880).rev().step_by(10).any(|y| {
        h.hover_at(egui::pos2(500.0, y as f32));
        h.run_steps(2);
        h.state().hovered_byte().is_some_and(|b| b > article_len)
    });
    assert!(found, "the pointer never rested on text past the article's end");
    h.key_press_modifiers(CMD_ALT, Key::W);
    h.run_steps(3);
    assert_eq!(h.state().doc.store.text().len(), article_len, "back on the article, and still running");
}
