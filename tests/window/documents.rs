//! A Word file dropped on the window: it opens as its paragraphs, says
//! what it is and which page the pointer is on, takes a label, saves, and
//! opens again with the label on the same words.

use egui::Key;
use egui_kittest::kittest::Queryable;
use sorot::fixture::documents as make;

use crate::common::gui::{find_and_select, harness, sample_copy, save};

/// A file dropped from the file manager (what the window integration hands
/// egui).
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_dropped_word_file_opens_takes_a_label_and_reopens() {
    let (dir, article) = sample_copy();
    let docx = dir.path().join("rilis-kremlin.docx");
    let body = [
        make::w_paragraph("Rilis Kremlin", Some("Heading1")),
        make::w_paragraph("Juru bicara Kremlin, Dmitry Peskov, membantah laporan itu.", None),
        "<w:p><w:r><w:lastRenderedPageBreak/><w:t>“Tidak ada pengiriman,” kata Peskov.</w:t></w:r></w:p>".to_owned(),
    ]
    .concat();
    std::fs::write(&docx, make::docx(&body, &[], Some("Rilis Kremlin"))).unwrap();
    let mut h = harness(&article, 900.0);

    // Dropped from the file manager, as a person would.
    h.input_mut().dropped_files.push(std::sync::Arc::new(Dropped(docx.clone())));
    for _ in 0..400 {
        h.run_steps(1);
        if h.state().doc.store.meta.origin.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let text = h.state().doc.store.text().as_str().to_owned();
    assert_eq!(
        text,
        "Rilis Kremlin\nJuru bicara Kremlin, Dmitry Peskov, membantah laporan itu.\n“Tidak ada pengiriman,” kata Peskov."
    );
    h.get_by_label_contains("Word document, 2 pages · “Rilis Kremlin” · Tim Redaksi · 2024-03-15");

    // The status bar says which page the selection is on.
    find_and_select(&mut h, "Tidak ada pengiriman");
    h.get_by_label("page 2 of 2");
    h.key_press(Key::C);
    h.run_steps(2);
    assert_eq!(h.state().doc.store.spans().len(), 1, "labelled as a Claim");
    save(&mut h);

    let reopened = sorot::gui::Document::open(&docx).unwrap();
    assert_eq!(reopened.notice, None, "the same file gives the same text");
    let span = reopened.store.spans().next().expect("the label was saved");
    assert_eq!(reopened.store.text().slice(span.ranges[0]), "Tidak ada pengiriman");
    assert_eq!(reopened.store.meta.origin.map(|o| o.pages.len()), Some(2));
}
