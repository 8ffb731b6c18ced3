//! A folder as a labeling session (states, annotators, counts read from
//! the files) and the relationships across its articles (`sorot graph`).

use crate::common;

use sorot::io::corpus;
use sorot::model::DocState;

fn sorot(args: &[&str]) -> (i32, String, String) {
    common::sorot_run(args)
}

#[test]
fn a_folder_lists_articles_with_their_files_states_and_annotators() {
    let dir = common::build_corpus();
    let mut calls = Vec::new();
    let c = corpus::scan(dir.path(), |i, n| calls.push((i, n))).unwrap();
    assert_eq!(calls.last(), Some(&(3, 3)), "progress ends at every file read");
    let stems: Vec<&str> = c.entries.iter().map(|e| e.stem.as_str()).collect();
    assert_eq!(stems, ["a1", "a2", "a3"]);
    let a1 = &c.entries[0];
    assert_eq!(a1.files.len(), 1);
    assert_eq!((a1.files[0].state, a1.files[0].annotator.as_deref()), (DocState::Done, Some("sample")));
    assert_eq!((a1.files[0].spans, a1.files[0].relations), (18, 5));
    // a3 has only another annotator's file, named after them.
    let a3 = &c.entries[2];
    assert_eq!(a3.article.as_deref(), Some(dir.path().join("a3.txt").as_path()));
    assert_eq!(a3.files[0].path, dir.path().join("a3.rizal.sorot.ron"));
    assert_eq!(a3.files[0].annotator.as_deref(), Some("rizal"));
    // States per annotator's file: the shared files, or rizal's own.
    let states: Vec<DocState> = c.entries.iter().map(|e| c.state(e, None)).collect();
    assert_eq!(states, [DocState::Done, DocState::InProgress, DocState::New]);
    assert_eq!(c.state(a3, Some("rizal")), DocState::New);
    assert_eq!(c.entries[0].path_for(dir.path(), Some("dewi")), dir.path().join("a1.dewi.sorot.ron"));
    assert_eq!(c.finished(None), 1);

    // A broken file is listed with its error, not skipped silently.
    std::fs::write(dir.path().join("a2.broken.sorot.ron"), "(format_version: 1,").unwrap();
    let c = corpus::scan(dir.path(), |_, _| {}).unwrap();
    let broken = c.entries[1].files.iter().find(|f| f.error.is_some()).expect("listed");
    assert!(broken.error.as_deref().unwrap_or("").contains("a2.broken.sorot.ron:1:"), "{:?}", broken.error);
    let (code, out, err) = sorot(&["status", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("error        a2.broken.sorot.ron: cannot be read"), "{out}");
    assert!(err.contains("a2.broken.sorot.ron:1:"), "{err}");
}

#[test]
fn sorot_status_prints_each_file_and_the_progress() {
    let dir = common::build_corpus();
    let (code, out, err) = sorot(&["status", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("done         a1.sorot.ron (sample): 18 spans, 5 relations, 0 reviewed"), "{out}");
    assert!(out.contains("in progress  a2.sorot.ron (dewi): 4 spans, 2 relations, 0 reviewed"), "{out}");
    assert!(out.contains("new          a3.rizal.sorot.ron (rizal): 4 spans, 2 relations"), "{out}");
    assert!(out.ends_with("1 of 3 articles done\n"), "{out}");
}

#[test]
fn sorot_graph_groups_the_arms_transfer_across_articles_with_evidence_and_sources() {
    let dir = common::build_corpus();
    let (code, out, err) = sorot(&["graph", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let first = out.lines().next().unwrap_or("");
    // a1 (two claims, ids Q159/Q423), a2 (same ids, other names: Peskov's
    // claim), a3 (no ids: "Rusia" and "Korut" are aliases; BBC's claim).
    assert_eq!(
        first,
        "arms_transfer: supplier Russia → recipient North Korea — 4 evidence claims in 3 articles, \
         sources: BBC, Dmitry Peskov",
        "{out}"
    );
    assert!(out.contains("a2.sorot.ron#1 “Moskow tidak mengirim senjata ke Pyongyang” (Dmitry Peskov)"), "{out}");
    assert!(out.contains("a3.rizal.sorot.ron#1 “Korut menerima amunisi dari Rusia” (BBC)"), "{out}");
    // The other direction is another group.
    assert!(out.contains("arms_transfer: supplier North Korea → recipient Russia — 1 evidence claim in 1 article"));
    // Attribution after the relationships (issue 22, item 6): who said or
    // reported what, across articles, with the claims; the cue left out.
    let said = out.find("said_by: source Dmitry Peskov — 2 claims in 2 articles\n").expect("Peskov's claims");
    assert!(said > out.find("arms_transfer: supplier North Korea").unwrap(), "{out}");
    assert!(out[said..].contains("a2.sorot.ron#1 “Moskow tidak mengirim senjata ke Pyongyang”\n"), "{out}");
    assert!(out.contains("reported_by: outlet BBC — 2 claims in 2 articles\n"), "{out}");
    assert!(out.ends_with("2 groups of relations and 3 groups of attribution in 3 files\n"), "{out}");

    let (code, json, _) = sorot(&["graph", "--json", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let g = &v["groups"][0];
    assert_eq!(g["type"], "arms_transfer");
    assert_eq!(g["args"][0], serde_json::json!(["supplier", "Russia"]));
    assert_eq!(g["args"][1], serde_json::json!(["recipient", "North Korea"]));
    assert_eq!(g["docs"].as_array().map(Vec::len), Some(3));
    assert_eq!(g["evidence"].as_array().map(Vec::len), Some(4));
    // Every evidence points at its file and at the exact span.
    for e in g["evidence"].as_array().unwrap() {
        let file = v["files"][e["doc"].as_u64().unwrap() as usize].as_str().unwrap();
        let store = sorot::io::load_annotations(std::path::Path::new(file)).unwrap();
        let span = store.span(sorot::model::SpanId(e["span"].as_u64().unwrap() as u32)).unwrap();
        assert_eq!(store.quote(span), e["quote"].as_str().unwrap());
        assert_eq!(span.start(), e["start_byte"].as_u64().unwrap() as usize);
    }
}

#[test]
fn two_external_ids_are_two_entities_whatever_their_names() {
    use sorot::model::*;
    let t = "Georgia dan Georgia.\n";
    let mut a = common::store_of(t, "x");
    let mut b = common::Builder { store: &mut a, author: "t" };
    let country = b.entity("Georgia", "Country", &[], Some("Q230"));
    let state = b.entity("Georgia", "Country", &[], Some("Q1428"));
    let s1 = b.span("Country", ByteRange::new(0, 7), &[]);
    let s2 = b.span("Country", ByteRange::new(12, 19), &[]);
    b.link(s1, country);
    b.link(s2, state);
    let claim = b.span("Claim", ByteRange::new(0, 19), &[]);
    b.relation("alliance", &[("member", Target::Span(s1)), ("member", Target::Span(s2))], &[claim], &[]).unwrap();
    let mut other = common::store_of(t, "y");
    let mut b = common::Builder { store: &mut other, author: "t" };
    let g = b.entity("Georgia", "Country", &[], None);
    let s = b.span("Country", ByteRange::new(0, 7), &[]);
    b.link(s, g);
    let groups = sorot::model::graph::group(&[("x".into(), &a), ("y".into(), &other)]);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].args, [("member".to_string(), "Georgia".to_string()), ("member".into(), "Georgia".into())]);
    assert_eq!(groups[0].evidence.len(), 1);
}

#[test]
fn two_annotators_of_one_article_are_one_article_and_their_shared_evidence_counts_once() {
    let dir = common::build_corpus();
    let d = dir.path();
    // dewi's colleague eko annotated a2 the same way.
    let mut copy = sorot::io::load_annotations(&d.join("a2.sorot.ron")).unwrap();
    copy.meta.annotator = Some("eko".into());
    sorot::io::save_annotations(&d.join("a2.eko.sorot.ron"), &copy).unwrap();
    let (code, out, err) = sorot(&["graph", d.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "arms_transfer: supplier Russia → recipient North Korea — 4 evidence claims in 3 articles, \
             sources: BBC, Dmitry Peskov\n"
        ),
        "{out}"
    );
    assert!(out.ends_with("2 groups of relations and 3 groups of attribution in 4 files\n"), "{out}");
}

#[test]
fn annotator_names_are_made_safe_for_file_names() {
    assert_eq!(corpus::file_safe_name("dewi"), "dewi");
    assert_eq!(corpus::file_safe_name("Dewi Lestari"), "Dewi_Lestari");
    assert_eq!(corpus::file_safe_name("../../etc/x"), "______etc_x");
    assert_eq!(corpus::file_safe_name("a.b"), "a_b");
    assert_eq!(corpus::file_safe_name("한국"), "한국");
    assert_eq!(corpus::file_safe_name("  "), "analyst");
}

/// A new article in a folder starts with the folder's labels: its
/// `schema.ron`, else those of its newest annotation file (a newcomer's
/// article beside five files labelled PERSON / PLACE got the built-in
/// labels, and every suggestion in the folder's labels was dropped);
/// alone, the built-in ones.
#[test]
fn a_new_article_in_a_folder_starts_with_the_folders_labels() {
    use sorot::io::document::Document;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("new.txt"), "Joko Widodo di Jakarta.\n").unwrap();
    let names = |doc: &Document| doc.store.schema().labels.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
    let builtin = names(&Document::open(&d.join("new.txt")).unwrap());
    assert!(builtin.contains(&"Claim".to_string()));
    let schema = |labels: &[&str]| {
        let labels: Vec<String> = labels.iter().map(|l| format!("(name: \"{l}\", color: \"#5cb85c\")")).collect();
        format!("(name: \"ner\", labels: [{}], entity_types: [], relation_types: [])", labels.join(", "))
    };
    std::fs::write(d.join("ner.ron"), schema(&["PERSON", "PLACE"])).unwrap();
    let ner = sorot::io::load_schema(&d.join("ner.ron")).unwrap();
    std::fs::remove_file(d.join("ner.ron")).unwrap();
    let old = common::store_of("Ani di Bandung.\n", "old");
    let labelled = sorot::model::Store::new(old.text().clone(), ner, old.meta.clone());
    sorot::io::save_annotations(&d.join("old.sorot.ron"), &labelled).unwrap();
    assert_eq!(names(&Document::open(&d.join("new.txt")).unwrap()), ["PERSON", "PLACE"]);
    // The folder's own schema file comes first.
    std::fs::write(d.join("schema.ron"), schema(&["ORG"])).unwrap();
    assert_eq!(names(&Document::open(&d.join("new.txt")).unwrap()), ["ORG"]);
}
