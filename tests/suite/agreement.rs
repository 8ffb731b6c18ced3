//! Agreement figures against values computed by hand (in the comments).

use crate::common;

use std::path::Path;

use sorot::model::agreement::*;
use sorot::model::*;

const TEXT: &str = "Rusia dan Korut bertemu Dmitry Peskov di Moskow kemarin.";

fn store() -> Store {
    let article = sorot::io::article::decode_article(TEXT.as_bytes(), sorot::io::ArticleFormat::Text).unwrap();
    sorot::io::store_for_article(Path::new("t.txt"), article, Schema::default_news())
}

fn at(needle: &str) -> ByteRange {
    let s = TEXT.find(needle).unwrap();
    ByteRange::new(s, s + needle.len())
}

/// A: Country Rusia, Country Korut, Person Dmitry Peskov; alliance(Rusia,
/// Korut); gift(Rusia → Dmitry Peskov).
/// B: Country Rusia, Country "orut" (overlaps Korut), Person Dmitry Peskov,
/// Location Moskow; alliance(Rusia, "orut"); the same gift.
fn pair() -> (Store, Store) {
    let mut a = store();
    let mut b = store();
    for (s, korut) in [(&mut a, at("Korut")), (&mut b, at("orut"))] {
        let mut x = common::Builder { store: s, author: "t" };
        let ru = x.span("Country", at("Rusia"), &[]);
        let nk = x.span("Country", korut, &[]);
        let pe = x.span("Person", at("Dmitry Peskov"), &[]);
        x.relation("alliance", &[("member", Target::Span(ru)), ("member", Target::Span(nk))], &[], &[]).unwrap();
        x.relation("gift", &[("giver", Target::Span(ru)), ("recipient", Target::Span(pe))], &[], &[]).unwrap();
    }
    common::Builder { store: &mut b, author: "t" }.span("Location", at("Moskow"), &[]);
    (a, b)
}

fn close(x: f64, y: f64) -> bool {
    (x - y).abs() < 1e-9
}

#[test]
fn span_precision_recall_f1_exact_and_overlapping() {
    let (a, b) = pair();
    let exact = span_counts(&a, &b, false);
    // All: 2 matched (Rusia, Peskov), 1 missed (Korut), 2 extra (orut, Moskow).
    let all = exact[&None];
    assert_eq!((all.matched, all.missed, all.extra), (2, 1, 2));
    assert!(close(all.precision(), 0.5) && close(all.recall(), 2.0 / 3.0) && close(all.f1(), 4.0 / 7.0));
    let country = exact[&Some("Country".to_string())];
    assert!(close(country.precision(), 0.5) && close(country.recall(), 0.5) && close(country.f1(), 0.5));
    assert!(close(exact[&Some("Person".to_string())].f1(), 1.0));
    assert!(close(exact[&Some("Location".to_string())].f1(), 0.0));
    // Overlapping: Korut and "orut" match; Moskow is still extra.
    let all = span_counts(&a, &b, true)[&None];
    assert_eq!((all.matched, all.missed, all.extra), (3, 0, 1));
    assert!(close(all.precision(), 0.75) && close(all.recall(), 1.0) && close(all.f1(), 6.0 / 7.0));
}

#[test]
fn kappas_on_tokens() {
    let (a, b) = pair();
    let toks = tokens(TEXT);
    assert_eq!(toks.len(), 10);
    let (la, lb) = (token_labels(&a, &toks), token_labels(&b, &toks));
    assert_eq!(la, ["Country", "O", "Country", "O", "Person", "Person", "O", "O", "O", "O"]);
    assert_eq!(lb, ["Country", "O", "O", "O", "Person", "Person", "O", "Location", "O", "O"]);
    // Observed 8/10; expected (2·1 + 6·6 + 2·2 + 0·1) / 100 = 0.42;
    // kappa = (0.8 − 0.42) / (1 − 0.42).
    assert!(close(cohen_kappa(&la, &lb), 0.38 / 0.58));
    assert!(close(cohen_kappa(&la, &la), 1.0));
    // Three raters A, B, A: P̄ = (8 + 2/3) / 10; category shares 5, 18, 6, 1
    // of 30; Pe = (25 + 324 + 36 + 1) / 900.
    let p_bar = (8.0 + 2.0 / 3.0) / 10.0;
    let pe = 386.0 / 900.0;
    assert!(close(fleiss_kappa(&[la.clone(), lb, la]), (p_bar - pe) / (1.0 - pe)));
}

#[test]
fn relation_f1() {
    let (a, b) = pair();
    // gift matches; the alliances differ in one member.
    let c = relation_counts(&a, &b);
    assert_eq!((c.matched, c.missed, c.extra), (1, 1, 1));
    assert!(close(c.f1(), 0.5));
    assert!(close(relation_counts(&a, &a).f1(), 1.0));
    // With overlapping arguments the alliances agree too: "orut" overlaps
    // "Korut", both Country (issue 22, item 11).
    let o = relation_counts_overlapping(&a, &b);
    assert_eq!((o.matched, o.missed, o.extra), (2, 0, 0));
    // A member of another label is not the same argument.
    let mut c2 = b.clone();
    let orut = c2.spans().find(|s| c2.quote(s) == "orut").unwrap().clone();
    let mut relabelled = orut.clone();
    relabelled.label = c2.schema().label_index("Source").unwrap() as u16;
    c2.apply(Edit::ReplaceSpan(relabelled)).unwrap();
    assert_eq!(relation_counts_overlapping(&a, &c2).matched, 1);
}

#[test]
fn cli_agree_prints_the_same_figures() {
    let (a, b) = pair();
    let dir = tempfile::tempdir().unwrap();
    let (pa, pb) = (dir.path().join("t.alice.sorot.ron"), dir.path().join("t.bob.sorot.ron"));
    sorot::io::save_annotations(&pa, &a).unwrap();
    sorot::io::save_annotations(&pb, &b).unwrap();
    let run = |args: &[&Path], json: bool| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sorot"));
        c.arg("agree").args(args);
        if json {
            c.arg("--json");
        }
        c.output().unwrap()
    };
    let o = run(&[&pa, &pb, &pa], true);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &v["pairs"][0];
    assert!(close(first["spans_exact"]["all"]["f1"].as_f64().unwrap(), 4.0 / 7.0));
    assert!(close(first["spans_overlap"]["all"]["f1"].as_f64().unwrap(), 6.0 / 7.0));
    assert!(close(first["relations"]["f1"].as_f64().unwrap(), 0.5));
    assert!(close(first["relations_overlap"]["f1"].as_f64().unwrap(), 1.0));
    // The reference has no Location: no recall to speak of (null, not 1).
    assert!(first["spans_exact"]["Location"]["recall"].is_null(), "{first}");
    assert!(close(first["spans_exact"]["Location"]["precision"].as_f64().unwrap(), 0.0));
    assert!(close(first["cohen_kappa_tokens"].as_f64().unwrap(), 0.38 / 0.58));
    let (p_bar, pe) = ((8.0 + 2.0 / 3.0) / 10.0, 386.0 / 900.0);
    assert!(close(v["fleiss_kappa_tokens"].as_f64().unwrap(), (p_bar - pe) / (1.0 - pe)));
    let table = String::from_utf8(run(&[&pa, &pb], false).stdout).unwrap();
    assert!(table.contains("Cohen's kappa on 10 tokens: 0.655"), "{table}");
    let location = table.lines().find(|l| l.trim_start().starts_with("Location")).expect("a Location row");
    assert_eq!(
        location.split_whitespace().collect::<Vec<_>>(),
        ["Location", "0.000", "—", "0.000", "0.000", "—", "0.000"]
    );
    let relations = table.lines().find(|l| l.trim_start().starts_with("relations")).expect("a relations row");
    assert_eq!(
        relations.split_whitespace().collect::<Vec<_>>(),
        ["relations", "0.500", "0.500", "0.500", "1.000", "1.000", "1.000"]
    );
    // Files of different texts are refused.
    let other = dir.path().join("other.sorot.ron");
    sorot::io::save_annotations(&other, &common::build_multiscript()).unwrap();
    let o = run(&[&pa, &other], false);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("annotate different articles (multi and t)"), "{stderr}");
    assert!(!stderr.contains("re-anchor"), "a different article is not re-anchored: {stderr}");
}
