//! File → Export… and File → Import… driven from the keyboard and the
//! accessibility tree: the work runs on a worker thread, and the report says
//! what was written and what the format could not hold.

use crate::common;

use crate::common::gui::{click, harness, sample_copy};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use sorot::gui::SorotApp;

fn wait(h: &mut Harness<'static, SorotApp>, busy: fn(&SorotApp) -> bool) {
    for _ in 0..500 {
        h.run_steps(1);
        if !busy(h.state()) {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("still busy after 5 s");
}

#[test]
fn export_the_open_document_as_brat_and_see_what_was_lost() {
    let (dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    let shift_cmd = Modifiers { shift: true, ..Modifiers::COMMAND };
    h.key_press_modifiers(shift_cmd, Key::E);
    h.run_steps(3);
    click(&mut h, "brat");
    // The output follows the format: a folder beside the annotation file.
    let out = dir.path().join("article-brat");
    let field = h.get_by_label("Output folder");
    assert_eq!(field.value().as_deref(), Some(out.display().to_string().as_str()));
    click(&mut h, "Export");
    wait(&mut h, SorotApp::is_busy);
    h.get_by_label_contains("Wrote 2 files of 1 document");
    h.get_by_label_contains("2 relation attributes not representable in brat");
    let ann = std::fs::read_to_string(out.join("000_f1c0a0fef9fd3cfc.ann")).unwrap();
    assert!(ann.contains("juru bicara Kremlin, Dmitry Peskov"), "{ann}");
    click(&mut h, "OK");
    assert!(h.query_by_label_contains("not representable").is_none());

    // Exporting again over those files asks first; Cancel keeps them.
    let ann_path = out.join("000_f1c0a0fef9fd3cfc.ann");
    std::fs::write(&ann_path, "T1\tClaim 0 4\tmine\n").unwrap();
    let again = |h: &mut Harness<'static, SorotApp>| {
        h.key_press_modifiers(shift_cmd, Key::E);
        h.run_steps(3);
        click(h, "brat");
        click(h, "Export");
        wait(h, SorotApp::is_busy);
    };
    again(&mut h);
    h.get_by_label("Replace existing files?");
    h.get_by_label_contains("000_f1c0a0fef9fd3cfc.ann");
    click(&mut h, "Cancel");
    assert_eq!(std::fs::read_to_string(&ann_path).unwrap(), "T1\tClaim 0 4\tmine\n");
    // Replace them: written, and the report says so.
    again(&mut h);
    click(&mut h, "Replace them");
    wait(&mut h, SorotApp::is_busy);
    h.get_by_label_contains("Wrote 2 files of 1 document");
    assert!(std::fs::read_to_string(&ann_path).unwrap().contains("Dmitry Peskov"));
}

/// With a folder open, File → Export… exports the whole folder (a
/// newcomer found only the open document, the folder needing the command
/// line): every annotation file as saved, the open document as it is now,
/// beside the folder by default; Enter in the path field exports.
#[test]
fn export_the_whole_folder_from_the_window() {
    let dir = common::build_corpus();
    let d = dir.path();
    // a1 has a finished adjudicated file: it stands for a1, not a1's own.
    let mut adjudicated = sorot::io::load_annotations(&d.join("a1.sorot.ron")).unwrap();
    adjudicated.meta.state = sorot::model::DocState::Done;
    sorot::io::save_annotations(&d.join("a1.adjudicated.sorot.ron"), &adjudicated).unwrap();
    let files: Vec<_> = sorot::io::files_under(&[d.to_owned()], sorot::io::is_annotation_file)
        .into_iter()
        .filter(|p| !p.ends_with("a1.sorot.ron"))
        .collect();
    let mut h = common::gui::window(SorotApp::opening_folder(d.to_owned()), egui::vec2(1400.0, 900.0));
    let open = h.state().doc.path.clone().expect("a document of the folder is open");
    // An unsaved label in the open document.
    common::gui::find_and_select(&mut h, "Pyongyang");
    h.key_press(Key::L); // Location
    h.run_steps(2);
    assert!(h.state().doc.history.is_dirty());
    let shift_cmd = Modifiers { shift: true, ..Modifiers::COMMAND };
    h.key_press_modifiers(shift_cmd, Key::E);
    h.run_steps(3);
    h.get_by_label("Export this document");
    click(&mut h, &format!("The folder {}", d.file_name().unwrap().to_string_lossy()));
    h.get_by_label("Export the folder");
    // Beside the folder, not in it.
    let stem = sorot::io::export::safe_file_stem(&d.file_name().unwrap().to_string_lossy());
    let beside = d.parent().unwrap().join(format!("{stem}.jsonl"));
    assert_eq!(h.get_by_label("Output file").value().as_deref(), Some(beside.display().to_string().as_str()));
    let out = d.join("out").join("folder.jsonl");
    if let Some(sorot::gui::Dialog::Export(form)) = &mut h.state_mut().dialog {
        form.out = out.display().to_string();
    }
    h.run_steps(2);
    h.get_by_label("Output file").focus();
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(2);
    wait(&mut h, SorotApp::is_busy);
    h.get_by_label_contains(&format!("Wrote 1 file of {} documents", files.len()));
    h.get_by_label_contains("its finished adjudicated file where it has one (1)");
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), files.len());
    // Each record says whose it is (records of one article share its id).
    assert!(lines.iter().all(|l| l["sorot"]["annotator"].is_string()), "{lines:?}");
    // The open document as it is now: its unsaved Location is in.
    let id = sorot::io::load_annotations(&open).unwrap().meta.id;
    let doc = lines.iter().find(|l| l["id"] == id.as_str()).expect("the open document");
    let text = doc["text"].as_str().unwrap();
    let located = doc["entities"].as_array().unwrap().iter().any(|e| {
        let (a, b) = (e["start_offset"].as_u64().unwrap() as usize, e["end_offset"].as_u64().unwrap() as usize);
        e["label"] == "Location" && text.chars().skip(a).take(b - a).collect::<String>() == "Pyongyang"
    });
    assert!(located, "{doc}");
    // The next export starts from these choices (a newcomer chose the
    // folder and the format again each time), with its default output.
    click(&mut h, "OK");
    h.key_press_modifiers(shift_cmd, Key::E);
    h.run_steps(3);
    h.get_by_label("Export the folder");
    assert_eq!(h.get_by_label("Output file").value().as_deref(), Some(beside.display().to_string().as_str()));
}

#[test]
fn import_a_brat_collection_then_open_it() {
    let (dir, article) = sample_copy();
    let src = dir.path().join("brat");
    std::fs::create_dir(&src).unwrap();
    for f in ["multi.txt", "multi.ann", "plain.txt", "plain.ann"] {
        std::fs::copy(common::repo().join("tests/data/import/brat").join(f), src.join(f)).unwrap();
    }
    let mut h = harness(&article, 800.0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run_steps(3);
    h.get_by_label("Input").focus();
    h.run_steps(1);
    h.get_by_label("Input").type_text(&src.display().to_string());
    h.run_steps(2);
    // Without adding labels the import refuses and writes nothing.
    click(&mut h, "Import");
    wait(&mut h, SorotApp::is_busy);
    h.get_by_label_contains("relation type gives");
    h.get_by_label_contains("nothing was written");
    assert!(!dir.path().join("imported").exists());
    click(&mut h, "OK");
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run_steps(3);
    h.get_by_label("Input").focus();
    h.run_steps(1);
    h.get_by_label("Input").type_text(&src.display().to_string());
    h.run_steps(2);
    click(&mut h, "Add labels and relation types missing from the schema");
    click(&mut h, "Import");
    wait(&mut h, SorotApp::is_busy);
    h.get_by_label_contains("2 documents imported from brat (15 spans, 4 relations)");
    click(&mut h, "Open multi.sorot.ron");
    wait(&mut h, SorotApp::is_loading);
    let store = h.state().store();
    assert_eq!(store.spans().len(), 11);
    assert!(store.text().as_str().starts_with("🇰🇷 “Korut”"));
}

/// Choosing another format greys out the rows it has no use for instead of
/// removing them: the Export button stays under the pointer.
#[test]
fn choosing_a_format_never_moves_the_export_button() {
    let (_dir, article) = sample_copy();
    let mut h = harness(&article, 800.0);
    let shift_cmd = Modifiers { shift: true, ..Modifiers::COMMAND };
    h.key_press_modifiers(shift_cmd, Key::E);
    h.run_steps(3);
    let at = |h: &Harness<'static, SorotApp>| h.get_by_label("Export").rect();
    let first = at(&h);
    for format in ["w3c", "conll", "brat", "label-studio", "csv", "jsonl"] {
        click(&mut h, format);
        h.run_steps(2);
        assert_eq!(at(&h), first, "the Export button moved when {format} was chosen");
    }
    // Greyed out, not gone: the UTF-16 box is there for W3C, and off.
    click(&mut h, "w3c");
    h.run_steps(2);
    let utf16 = h.get_by_label_contains("UTF-16 offsets");
    assert!(utf16.accesskit_node().is_disabled(), "UTF-16 offsets is not for W3C");
}

/// The next run's File → Export… starts from the last run's choices (a
/// newcomer chose the folder and the format again after each start).
#[test]
fn the_export_choices_come_back_at_the_next_run() {
    let dir = common::build_corpus();
    let prefs = sorot::gui::Prefs {
        export: Some(sorot::gui::ExportChoices { format: "csv".into(), folder: true, ..Default::default() }),
        ..Default::default()
    };
    let app = SorotApp::opening_folder(dir.path().to_owned()).with_prefs(prefs);
    let mut h = common::gui::window(app, egui::vec2(1400.0, 900.0));
    let shift_cmd = Modifiers { shift: true, ..Modifiers::COMMAND };
    h.key_press_modifiers(shift_cmd, Key::E);
    h.run_steps(3);
    h.get_by_label("Export the folder");
    let Some(sorot::gui::Dialog::Export(form)) = &h.state().dialog else { panic!("the Export dialog") };
    assert_eq!(sorot::io::export::Format::ALL[form.format].to_string(), "csv");
}
