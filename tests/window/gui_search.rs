//! The search panel through the window (egui_kittest): search the folder,
//! open a result, label all results with a preview, undo in one document.

use crate::common;
use crate::common::gui::settle;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sorot::gui::SorotApp;

const CMD_ALT: Modifiers = Modifiers { alt: true, ..Modifiers::COMMAND };

fn harness(app: SorotApp) -> Harness<'static, SorotApp> {
    common::gui::window(app, egui::vec2(1400.0, 900.0))
}

fn click(h: &mut Harness<'static, SorotApp>, label: &str) {
    h.get_by_label(label).hover();
    h.run_steps(1);
    h.get_by_label(label).click();
    h.run_steps(2);
    settle(h);
}

/// Ctrl+Alt+F, `text` typed, Enter: the folder searched.
fn search_folder(h: &mut Harness<'static, SorotApp>, text: &str) {
    h.key_press_modifiers(CMD_ALT, Key::F);
    h.run_steps(3);
    h.get_by_label("Search for").type_text(text);
    h.run_steps(1);
    h.key_press(Key::Enter);
    settle(h);
}

fn countries(store: &sorot::model::Store, text: &str) -> usize {
    let l = store.schema().label_index("Country").unwrap() as u16;
    store.spans().filter(|s| s.label == l && store.quote(s) == text).count()
}

#[test]
fn search_the_folder_open_a_result_label_all_and_undo_in_one_document() {
    let dir = common::build_corpus();
    let d = dir.path();
    // An article nobody has started: label-all creates its file.
    std::fs::write(d.join("a4.txt"), "Rusia lagi. Kata Rusia, tidak.\n").unwrap();
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a2.sorot.ron").as_path()));
    // A span of a2 is selected (a later letter key must not relabel it).
    let (first, label) = h.state().doc.store.spans().map(|s| (s.id, s.label)).next().unwrap();
    h.state_mut().selected = Some(first);

    h.key_press_modifiers(CMD_ALT, Key::F);
    h.run_steps(3);
    h.get_by_label("Search for").type_text("Rusia");
    h.run_steps(1);
    click(&mut h, "Whole words");
    h.get_by_label("Search for").focus();
    h.run_steps(1);
    h.key_press(Key::Enter);
    settle(&mut h);
    let a1 = sorot::io::load_annotations(&d.join("a1.sorot.ron")).unwrap();
    let in_a1 = a1.text().as_str().match_indices("Rusia").count();
    let total = in_a1 + 1 + 2; // a3 has one, a4 two; a2 says "Moskow"
    assert_eq!(h.state().search.hit_count(), total);
    h.get_by_label(&format!("{total} results in 3 documents"));

    // The keyboard stays in the field after Enter: a letter is not taken
    // as a label key (O is Organization).
    h.key_press(Key::O);
    h.run_steps(2);
    assert_eq!(h.state().doc.store.span(first).map(|s| s.label), Some(label), "the selected span kept its label");
    // ↓ leaves the field for the results, ↓ again, Enter: the second
    // result opens (a1), its text selected.
    h.key_press(Key::ArrowDown);
    h.run_steps(1);
    h.key_press(Key::ArrowDown);
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(1);
    settle(&mut h);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a1.sorot.ron").as_path()));
    let sel = h.state().selection.clone();
    assert_eq!(sel.len(), 1);
    assert_eq!(h.state().doc.store.text().slice(sel[0]), "Rusia");
    assert_eq!(sel[0].start(), a1.text().as_str().match_indices("Rusia").nth(1).unwrap().0);

    // Label all as Country: the preview says what happens first.
    let before_a1 = countries(&h.state().doc.store, "Rusia");
    click(&mut h, "Label all as");
    click(&mut h, "Country");
    click(&mut h, &format!("Label the {total} results as Country…"));
    let already = before_a1 + 1; // a3's Rusia is a Country already
    let new = total - already;
    let preview = format!("Label {new} results as Country in 2 documents; {already} already Country, skipped");
    let shown = h.query_by_label_contains(&preview).is_some();
    assert!(shown, "the preview: {preview}");
    assert!(!d.join("a4.sorot.ron").exists(), "nothing is written before the preview is accepted");
    click(&mut h, "Label them");
    assert_eq!(countries(&h.state().doc.store, "Rusia"), in_a1, "every Rusia of the open document");
    let a4 = sorot::io::load_annotations(&d.join("a4.sorot.ron")).unwrap();
    assert_eq!(countries(&a4, "Rusia"), 2, "the article's new file has both");
    assert!(h.state().doc.history.is_dirty(), "the open document is labelled in the window, not behind it");

    // Ctrl+Z in the open document undoes all of its labels in one step.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(countries(&h.state().doc.store, "Rusia"), before_a1);

    // In a4, opened from its result, Ctrl+Z undoes the label-all written to its file.
    let a4_row = h
        .state()
        .search
        .hits()
        .position(|((f, _), _)| h.state().search.results[f].source.annotation_path() == d.join("a4.sorot.ron"));
    let steps = a4_row.expect("a4 has results") as i32 - 1;
    for _ in 0..steps.max(0) {
        h.key_press(Key::ArrowDown);
        h.run_steps(1);
    }
    // Leaving a1 saves it (as moving between documents does).
    h.key_press(Key::Enter);
    h.run_steps(1);
    settle(&mut h);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a4.sorot.ron").as_path()));
    assert_eq!(countries(&h.state().doc.store, "Rusia"), 2);
    assert!(!h.state().doc.history.is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    assert_eq!(countries(&h.state().doc.store, "Rusia"), 0);
    let a1_after = sorot::io::load_annotations(&d.join("a1.sorot.ron")).unwrap();
    assert_eq!(countries(&a1_after, "Rusia"), before_a1, "a1 was saved as undone");
}

/// The open article labelled in the window and not saved yet is no
/// longer headed "(not annotated yet)" in the results (a newcomer saw it
/// until the save).
#[test]
fn the_open_article_labelled_but_unsaved_is_headed_so_in_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a4.txt"), "Rusia lagi. Kata Rusia, tidak.\n").unwrap();
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a4.sorot.ron").as_path()));
    search_folder(&mut h, "Rusia");
    let article = d.join("a4.txt").display().to_string();
    h.get_by_label(&format!("{article} (not annotated yet) — 2 results"));
    click(&mut h, "Label all as");
    click(&mut h, "Country");
    click(&mut h, "Label the 2 results as Country…");
    click(&mut h, "Label them");
    assert!(h.state().doc.history.is_dirty());
    h.get_by_label(&format!("{article} (unsaved) — 2 results"));
}

#[test]
fn a_consistency_finding_is_shown_and_fixed_with_one_click_and_undone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let docs = [
        ("x1", "Kata Peskov kepada wartawan.\n", "Person"),
        ("x2", "Peskov membantah laporan itu.\n", "Organization"),
        ("x3", "Menurut Peskov, tidak benar.\n", "Person"),
    ];
    for (id, text, label) in docs {
        std::fs::write(d.join(format!("{id}.txt")), text).unwrap();
        let mut s = common::store_of(text, id);
        let mut b = common::Builder { store: &mut s, author: "dewi" };
        let at = b.at("Peskov");
        b.span(label, at, &[]);
        sorot::io::save_annotations(&d.join(format!("{id}.sorot.ron")), &s).unwrap();
    }
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("x1.sorot.ron").as_path()));
    h.key_press_modifiers(CMD_ALT, Key::C);
    h.run_steps(1);
    settle(&mut h);
    for _ in 0..200 {
        if !h.state().consistency.is_running() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
        h.run_steps(1);
    }
    h.run_steps(3);
    h.get_by_label("\"Peskov\": Person 2×, Organization 1× (different labels)");
    click(&mut h, "Relabel as Person");
    settle(&mut h);
    // x2 is open, its Peskov is a Person now, as one undoable edit.
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("x2.sorot.ron").as_path()));
    let store = &h.state().doc.store;
    let person = store.schema().label_index("Person").unwrap() as u16;
    assert!(store.spans().all(|s| s.label == person));
    h.get_by_label("fixed");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(2);
    let store = &h.state().doc.store;
    assert!(store.spans().all(|s| s.label != person), "Ctrl+Z undoes the fix");
}

#[test]
fn label_all_links_the_results_to_an_entity_matched_by_external_id_in_other_files() {
    let dir = common::build_corpus();
    let d = dir.path();
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    // a2 is open; its entity "Rusia" has the external id Q159, as the
    // sample's (a1) "Russia" does.
    search_folder(&mut h, "Moskow");
    assert!(h.state().search.hit_count() >= 2);
    click(&mut h, "Label all as");
    click(&mut h, "Country");
    click(&mut h, "and link to");
    click(&mut h, "Rusia");
    let n = h.state().search.hit_count();
    click(&mut h, &format!("Label the {n} results as Country…"));
    click(&mut h, "Label them");
    let a1 = sorot::io::load_annotations(&d.join("a1.sorot.ron")).unwrap();
    let russia = a1.entities().find(|e| e.external_id.as_deref() == Some("Q159")).unwrap().id;
    let moskow: Vec<_> = a1.spans().filter(|s| a1.quote(s) == "Moskow").collect();
    assert_eq!(moskow.len(), a1.text().as_str().matches("Moskow").count());
    assert!(moskow.iter().all(|s| s.entity == Some(russia)), "every Moskow of a1 is linked to Russia (Q159)");
    assert_eq!(a1.entities().filter(|e| e.external_id.as_deref() == Some("Q159")).count(), 1, "no second Russia");
}

#[test]
fn sources_in_no_said_by_are_listed_by_a_structural_query() {
    let dir = common::build_corpus();
    let d = dir.path();
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    h.key_press_modifiers(CMD_ALT, Key::F);
    h.run_steps(3);
    // The scope: every Source span (an empty pattern lists them all) …
    h.state_mut().search.form.label = "Source".into();
    h.run_steps(2);
    // … that is no claim's said_by source.
    click(&mut h, "in no relation");
    click(&mut h, "said_by");
    click(&mut h, "Search");
    let found: Vec<String> = h.state().search.hits().map(|(_, f)| f.text.clone()).collect();
    // a3's BBC is a reported_by outlet only.
    assert!(found.contains(&"BBC".to_owned()), "{found:?}");
    for f in ["a1.sorot.ron", "a3.rizal.sorot.ron"] {
        let s = sorot::io::load_annotations(&d.join(f)).unwrap();
        let source = s.schema().label_index("Source").unwrap() as u16;
        let said_by = s.schema().relation_index("said_by").unwrap() as u16;
        let used: Vec<_> =
            s.relations().filter(|r| r.kind == said_by).flat_map(|r| r.args.iter().map(|a| a.target)).collect();
        let want = s.spans().filter(|x| x.label == source && !used.contains(&sorot::model::Target::Span(x.id))).count();
        let got = h
            .state()
            .search
            .results
            .iter()
            .filter(|r| r.source.annotation_path() == d.join(f))
            .map(|r| r.hits.len())
            .sum::<usize>();
        assert_eq!(got, want, "{f}");
    }
}

#[test]
fn escape_in_the_search_field_closes_the_search_and_moving_on_says_it_saved() {
    let dir = common::build_corpus();
    let d = dir.path();
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    // a2 is open; label something so it has unsaved work.
    let text = h.state().doc.store.text().as_str().to_owned();
    let at = text.find("Juru").unwrap();
    h.state_mut().selection = vec![sorot::model::ByteRange::new(at, at + 4)];
    h.state_mut().selected = None;
    h.key_press(Key::D);
    h.run_steps(2);
    assert!(h.state().doc.history.is_dirty());
    let selected_before = h.state().selected;
    h.key_press_modifiers(CMD_ALT, Key::F);
    h.run_steps(3);
    h.get_by_label("Search for").type_text("Rusia");
    h.run_steps(1);
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(!h.state().search.open, "Escape in the field closed the search");
    assert_eq!(h.state().selected, selected_before, "and nothing else");
    // Ctrl+PgDn saves a2 before opening a3, and says so.
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run_steps(1);
    settle(&mut h);
    assert!(h.state().status.starts_with("Saved a2.sorot.ron; Opened"), "{}", h.state().status);
}
