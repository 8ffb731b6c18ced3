//! Re-anchoring annotations onto edited versions of their article: the
//! sample (a paragraph inserted, boilerplate removed, words changed inside
//! quotes, a mention cut) and a text with emoji and Hangul; and, as a
//! property, any insertion or deletion away from the annotations (and their
//! context) moves every span exactly.

use crate::common;

use proptest::prelude::*;
use sorot::model::reanchor::{ReanchorReport, reanchor};
use sorot::model::*;

fn sample() -> Store {
    sorot::io::load_annotations(&common::sample_annotations()).unwrap()
}

fn moved(old: &Store, new_text: &str) -> (Store, ReanchorReport) {
    reanchor(old, Text::new(new_text), old.meta.clone(), "reviewer", common::T0)
}

fn span_by_quote(store: &Store, label: &str, quote: &str) -> SpanId {
    store
        .spans()
        .find(|s| store.label_name(s.label) == label && store.quote(s) == quote)
        .unwrap_or_else(|| panic!("{label} {quote:?}"))
        .id
}

/// Nothing is dropped: the same spans, entities and relations, by id.
fn assert_all_kept(old: &Store, new: &Store, report: &ReanchorReport) {
    let ids = |s: &Store| s.spans().map(|x| x.id).collect::<Vec<_>>();
    assert_eq!(ids(new), ids(old));
    assert_eq!(new.relations().cloned().collect::<Vec<_>>(), old.relations().cloned().collect::<Vec<_>>());
    assert_eq!(new.entities().cloned().collect::<Vec<_>>(), old.entities().cloned().collect::<Vec<_>>());
    assert_eq!(report.exact.len() + report.fuzzy.len() + report.not_found.len(), old.spans().len());
    for s in new.spans() {
        assert_eq!(s.entity, old.span(s.id).unwrap().entity, "link of {}", s.id);
    }
}

#[test]
fn edited_sample_article() {
    let old = sample();
    let t = old.text().as_str();
    let mut new = format!("Catatan redaksi: artikel ini diperbarui pada Jumat.\n{t}");
    new = new.lines().filter(|l| !l.starts_with("Baca juga")).map(|l| format!("{l}\n")).collect();
    new = new.replace(
        "transfer senjata antara Rusia dan Korea Utara.\nPara",
        "transfer senjata antara Rusia dengan Korea Utara.\nPara",
    );
    new = new.replace("Para pejabat dan pakar Amerika", "Para pejabat dan pakar AS");
    new = new.replace("program satelit Pyongyang akan", "program satelitnya akan");
    let (store, report) = moved(&old, &new);
    assert_all_kept(&old, &store, &report);

    // Exact moves keep their text, and the right occurrence of repeated words.
    for id in &report.exact {
        assert_eq!(store.quote(store.span(*id).unwrap()), old.quote(old.span(*id).unwrap()));
    }
    let korut = span_by_quote(&old, "Country", "Korut");
    assert!(report.exact.contains(&korut));
    let at = store.span(korut).unwrap().start();
    assert_eq!(store.text().index().line_of_byte(at), 1, "the title's Korut, one line lower");
    for (label, quote) in [("Cue", "Dilansir"), ("Source", "BBC"), ("Cue", "mengatakan"), ("Country", "Moskow")] {
        assert!(report.exact.contains(&span_by_quote(&old, label, quote)), "{label} {quote}");
    }

    // Edited quotes move fuzzily, flagged with the old text.
    let fuzzy: Vec<SpanId> = report.fuzzy.iter().map(|f| f.0).collect();
    let source = span_by_quote(&old, "Source", "Para pejabat dan pakar Amerika");
    assert!(fuzzy.contains(&source), "{report:?}");
    let s = store.span(source).unwrap();
    assert_eq!(store.quote(s), "Para pejabat dan pakar AS");
    assert_eq!(s.review.status, ReviewStatus::Flagged);
    assert!(s.note.as_deref().unwrap().contains("“Para pejabat dan pakar Amerika”"));
    let claim = span_by_quote(&old, "Claim", &old.quote(old.span(SpanId(15)).unwrap()));
    assert!(fuzzy.contains(&claim));
    assert!(
        store
            .quote(store.span(claim).unwrap())
            .ends_with("kepada program satelitnya akan melanggar resolusi Dewan Keamanan PBB"),
        "{}",
        store.quote(store.span(claim).unwrap())
    );
    for (_, sim) in &report.fuzzy {
        assert!((0.7..1.0).contains(sim), "{sim}");
    }

    // A cut mention is kept, flagged, still linked, still in its relations.
    let pyongyang = span_by_quote(&old, "Country", "Pyongyang");
    assert_eq!(report.not_found, vec![pyongyang]);
    let p = store.span(pyongyang).unwrap();
    assert_eq!(store.quote(p), "satelitnya", "placed over the whole word where it was");
    assert_eq!(p.review.status, ReviewStatus::Flagged);
    assert!(p.note.as_deref().unwrap().contains("did not find") && p.note.as_deref().unwrap().contains("“Pyongyang”"));
    assert!(p.entity.is_some());

    // The result saves and loads like any file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.sorot.ron");
    sorot::io::save_annotations(&path, &store).unwrap();
    assert!(sorot::io::load_annotations(&path).unwrap() == store);
}

#[test]
fn edited_multiscript_text() {
    let old = common::build_multiscript();
    let new = "Breaking 🚨 속보\n🇰🇷 “Korut” kata Dmitry Peskov.\n북한 menerima 👍🏽👍🏽 senjata dari Rusia.\n";
    let (store, report) = moved(&old, new);
    assert_all_kept(&old, &store, &report);
    for (label, quote) in
        [("Country", "Korut"), ("Source", "Peskov"), ("Cue", "kata"), ("Country", "북한"), ("Country", "Rusia")]
    {
        let id = span_by_quote(&old, label, quote);
        assert!(report.exact.contains(&id), "{label} {quote}: {report:?}");
        assert_eq!(store.quote(store.span(id).unwrap()), quote);
    }
    // The discontinuous event: both fragments found.
    let event = span_by_quote(&old, "Event", "menerima … senjata");
    assert!(report.exact.contains(&event));
    assert_eq!(store.quote(store.span(event).unwrap()), "menerima … senjata");
    // The claim gained an emoji (two code points): a fuzzy move.
    let claim = span_by_quote(&old, "Claim", "북한 menerima 👍🏽 senjata dari Rusia");
    let (_, sim) = report.fuzzy.iter().find(|f| f.0 == claim).copied().expect("claim is fuzzy");
    assert_eq!(store.quote(store.span(claim).unwrap()), "북한 menerima 👍🏽👍🏽 senjata dari Rusia");
    assert!(sim > 0.9, "{sim}");
}

#[test]
fn cli_reanchor_writes_a_file_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("new.txt");
    let t = sample().text().as_str().replace("Dilansir BBC", "Seperti dilansir BBC");
    std::fs::write(&article, format!("Tambahan.\r\n{t}")).unwrap();
    let out = dir.path().join("new.sorot.ron");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sorot"))
        .arg("reanchor")
        .arg(common::sample_annotations())
        .arg(&article)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("17 moved exactly, 1 moved with a fuzzy match, 0 not found"), "{stdout}");
    assert!(stdout.contains("fuzzy ") && stdout.contains("Cue #17 “dilansir”"), "{stdout}");
    let store = sorot::io::load_annotations(&out).unwrap();
    assert!(store.text().as_str().starts_with("Tambahan.\n"));
}

/// Char boundaries at least `margin` bytes away from every span boundary.
fn quiet_points(store: &Store, margin: usize) -> Vec<usize> {
    let text = store.text().as_str();
    let edges: Vec<usize> = store.spans().flat_map(|s| s.ranges.iter().flat_map(|r| [r.start(), r.end()])).collect();
    let inside = |b: usize| store.spans().any(|s| s.ranges.iter().any(|r| r.start() <= b && b <= r.end()));
    (0..=text.len())
        .filter(|&b| text.is_char_boundary(b) && !inside(b) && edges.iter().all(|e| e.abs_diff(b) > margin))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn insertions_and_deletions_away_from_spans_move_everything_exactly(
        pick in any::<prop::sample::Index>(),
        len in 1usize..200,
        inserted in "[a-z 한국어😀👍🏽“”\n]{1,80}",
        delete in any::<bool>(),
    ) {
        // The sample has 937 such points (the multi-script text is too dense).
        let old = sample();
        let text = old.text().as_str();
        // Context is 32 characters, up to 4 bytes each.
        let points = quiet_points(&old, 130);
        prop_assume!(!points.is_empty());
        let at = points[pick.index(points.len())];
        let (new, shift): (String, i64) = if delete {
            // Delete up to the next quiet point, no further than `len` bytes.
            let end = points.iter().copied().filter(|&p| p > at && p <= at + len).max();
            let Some(end) = end else { return Ok(()) };
            prop_assume!(old.spans().all(|s| s.extent().end() <= at || s.start() >= end));
            (format!("{}{}", &text[..at], &text[end..]), -((end - at) as i64))
        } else {
            (format!("{}{inserted}{}", &text[..at], &text[at..]), inserted.len() as i64)
        };
        let (store, report) = moved(&old, &new);
        prop_assert!(report.fuzzy.is_empty() && report.not_found.is_empty(), "{:?}", report);
        for s in old.spans() {
            let n = store.span(s.id).unwrap();
            let expect: Vec<ByteRange> = s.ranges.iter().map(|r| {
                let d = if r.start() >= at { shift } else { 0 };
                ByteRange::new((r.start() as i64 + d) as usize, (r.end() as i64 + d) as usize)
            }).collect();
            prop_assert_eq!(n.ranges.as_slice(), expect.as_slice());
            prop_assert_eq!(store.quote(n), old.quote(s));
        }
    }

    #[test]
    fn any_new_text_keeps_every_span(new in "[a-zK 한😀“\n]{1,60}") {
        let old = common::build_multiscript();
        let (store, report) = moved(&old, &new);
        prop_assert_eq!(store.spans().len(), old.spans().len());
        prop_assert_eq!(store.relations().len(), old.relations().len());
        prop_assert_eq!(report.exact.len() + report.fuzzy.len() + report.not_found.len(), old.spans().len());
    }
}
