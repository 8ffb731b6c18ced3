//! Golden files for the RON annotation format, on a text with a BOM, CRLF,
//! curly quotes, emoji (flag, skin tone), combining marks and Hangul.

use crate::common;

use std::path::Path;

use sorot::io;
use sorot::model::*;

fn multiscript_store() -> Store {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(
        "“Putin memberi Kim senapan,” kata Dmitry Peskov 🇷🇺.\r\n북한 (Korut) 👍🏽 menerima; cafe\u{301} Moskow.\r\n"
            .as_bytes(),
    );
    let article = io::article::decode_article(&bytes, io::ArticleFormat::Text).unwrap();
    let mut store = io::store_for_article(Path::new("multi.txt"), article, Schema::default_news());
    let mut b = common::Builder { store: &mut store, author: "ana" };
    let claim = b.span(
        "Claim",
        common::find(b.store, "“Putin memberi Kim senapan,”", "“", 0),
        &[("certainty", common::text("reported"))],
    );
    let source = b.span("Source", common::find(b.store, "Dmitry Peskov 🇷🇺", "“", 0), &[]);
    let nk = b.entity("North Korea", "Country", &["북한", "Korut"], Some("Q423"));
    let m1 = b.span("Country", common::find(b.store, "북한", "“", 0), &[]);
    let m2 = b.span("Country", common::find(b.store, "Korut", "“", 0), &[]);
    b.link(m1, nk);
    b.link(m2, nk);
    b.relation("said_by", &[("claim", Target::Span(claim)), ("source", Target::Span(source))], &[], &[]).unwrap();
    // A discontinuous span: "Kim … menerima".
    let id = SpanId(store.alloc_id());
    let kim = common::find(&store, "Kim", "“", 0);
    let menerima = common::find(&store, "menerima", "“", 0);
    let mut span = Span {
        id,
        label: store.schema().label_index("Person").unwrap() as u16,
        ranges: [kim, menerima].into_iter().collect(),
        entity: None,
        attributes: Default::default(),
        note: Some(Box::new("two fragments; note with \"quotes\" and a\nnewline".into())),
        review: Review {
            status: ReviewStatus::Flagged,
            reviewer: Some("budi".into()),
            reviewed: Some(Timestamp(1_700_000_100)),
            note: Some(Box::new("Fragmen kedua \"menerima\" perlu dicek".into())),
        },
        provenance: Provenance::new("ana", common::T0),
        // Accepted from a suggestion (issue 17).
        suggested: Some(Box::new(Suggested { source: "model".into(), version: "perceptron 1".into(), score: 874 })),
    };
    span.provenance.modified = Timestamp(1_700_000_050);
    store.apply(Edit::AddSpan(span)).unwrap();
    store
}

#[test]
fn multiscript_golden() {
    let store = multiscript_store();
    assert_eq!(store.text().as_str().chars().next(), Some('“'), "BOM dropped");
    assert!(!store.text().as_str().contains('\r'), "CRLF normalised");
    let ron = io::to_ron_string(&store);
    insta::assert_snapshot!("multiscript", ron);
    let (loaded, info) = io::from_ron_str(&ron).unwrap();
    assert_eq!(info.format_version, 1);
    assert!(loaded == store);
    // The flag is 8 bytes: "Dmitry Peskov 🇷🇺" is 14 + 8 bytes, 16 code points.
    let source = loaded.spans().find(|s| loaded.label_name(s.label) == "Source").unwrap();
    let r = source.ranges[0];
    assert_eq!(r.len(), 22);
    assert_eq!(loaded.text().byte_to_char(r.end()) - loaded.text().byte_to_char(r.start()), 16);
    assert_eq!(loaded.text().byte_to_utf16(r.end()) - loaded.text().byte_to_utf16(r.start()), 18);
}

#[test]
fn one_annotation_per_line_and_stable_bytes() {
    let store = multiscript_store();
    let a = io::to_ron_string(&store);
    let b = io::to_ron_string(&store.clone());
    assert_eq!(a, b);
    let span_lines = a.lines().filter(|l| l.trim_start().starts_with("(id: ") && l.contains("label: ")).count();
    assert_eq!(span_lines, store.spans().len());
}

#[test]
fn saving_is_atomic_and_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("multi.sorot.ron");
    let store = multiscript_store();
    io::save_annotations(&path, &store).unwrap();
    let loaded = io::load_annotations(&path).unwrap();
    assert!(loaded == store);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn default_annotation_paths() {
    assert_eq!(io::default_annotation_path(Path::new("/a/b/article.txt"), None), Path::new("/a/b/article.sorot.ron"));
    assert_eq!(io::default_annotation_path(Path::new("news.html"), Some("ana")), Path::new("news.ana.sorot.ron"));
}
