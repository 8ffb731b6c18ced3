//! The bundled sample annotations: built through the model, committed in
//! assets/, and checked to be exactly what the model produces.
//! Regenerate with `SOROT_BLESS=1 cargo test --test suite annotation_file`.

use crate::common;

use sorot::io;
use sorot::model::*;

/// `written` equals the committed file at `path` (rewritten first with
/// `SOROT_BLESS=1`).
fn assert_committed(path: &std::path::Path, written: &str) {
    if std::env::var_os("SOROT_BLESS").is_some() {
        io::write_atomic(path, written.as_bytes()).unwrap();
    }
    let shown = path.strip_prefix(common::repo()).unwrap_or(path).display().to_string();
    let committed = std::fs::read_to_string(path).unwrap_or_else(|_| panic!("{shown} (run with SOROT_BLESS=1)"));
    assert_eq!(committed, written, "{shown} is stale: rerun with SOROT_BLESS=1");
}

#[test]
fn sample_annotation_file_is_what_the_model_builds() {
    let store = common::build_sample(&common::sample_article());
    assert_committed(&common::sample_annotations(), &io::to_ron_string(&store));
}

/// The multi-script test document the Python checks (tests/python) export.
#[test]
fn multiscript_annotation_file_is_what_the_model_builds() {
    let written = io::to_ron_string(&common::build_multiscript());
    assert_committed(&common::repo().join("tests/data/multiscript.sorot.ron"), &written);
}

/// The annotated web page the Python checks export.
#[test]
fn web_page_annotation_file_is_what_the_model_builds() {
    let written = io::to_ron_string(&common::build_web_page());
    assert_committed(&common::repo().join("tests/data/web/warta.sorot.ron"), &written);
}

#[test]
fn sample_loads_validates_and_quotes_match() {
    let store = io::load_annotations(&common::sample_annotations()).unwrap();
    assert_eq!(store.meta.encoding, "UTF-8");
    let quote_of = |label: &str| -> Vec<String> {
        store.spans().filter(|s| store.label_name(s.label) == label).map(|s| store.quote(s)).collect()
    };
    assert!(quote_of("Source").contains(&"juru bicara Kremlin, Dmitry Peskov".to_string()));
    assert_eq!(quote_of("Cue"), ["kata", "disebut-sebut", "mengatakan", "Dilansir"]);
    let russia = store.entities().find(|e| e.name == "Russia").unwrap();
    let nk = store.entities().find(|e| e.name == "North Korea").unwrap();
    let mention_text = |e: &Entity| -> Vec<String> {
        store.mentions_of(e.id).iter().map(|id| store.quote(store.span(*id).unwrap())).collect()
    };
    assert_eq!(mention_text(russia), ["Rusia", "Moskow", "Rusia"]);
    assert_eq!(mention_text(nk), ["Korea Utara", "Korut", "Pyongyang"]);
    // The arms transfer Russia → North Korea with two evidence claims.
    let at = store.schema().relation_index("arms_transfer").unwrap() as u16;
    let transfer = store
        .relations()
        .find(|r| r.kind == at && r.targets("supplier").next() == Some(Target::Entity(russia.id)))
        .unwrap();
    assert_eq!(transfer.evidence.len(), 2);
    assert_eq!(transfer.attributes.get("status"), Some(&AttrValue::Text("alleged".into())));
    // Boilerplate stays unannotated.
    let text = store.text().as_str();
    for boiler in ["Baca juga", "Kirim Komentar", "Isi komentar"] {
        let start = text.find(boiler).unwrap();
        let line = store.text().index().line_range(text, store.text().index().line_of_byte(start));
        assert!(store.spans_overlapping(line).is_empty(), "{boiler} line is annotated");
    }
}
