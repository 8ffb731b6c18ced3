//! The corpus search, label-all and the consistency check: hits against
//! an oracle on multi-script texts, and the command line on a small folder
//! as an analyst would use it.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use proptest::prelude::*;
use sorot::io::search::found_in;
use sorot::model::search::{Matcher, Query};

fn sorot(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sorot")).args(args).current_dir(dir).output().expect("run sorot")
}
fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Pieces of news text in several scripts: curly quotes, emoji with a skin
/// tone and a flag, Hangul, a decomposed accent, CRLF line ends.
const PIECES: &[&str] = &[
    "Rusia", "rusia", "RUSIA", " ", " ", "“", "”", "👍🏽", "🇮🇩", "한국", "e\u{301}", "é", "\r\n", "a", "Rusian", ", ",
    "_",
];
const NEEDLES: &[&str] = &["Rusia", "a", "한", "e", "👍🏽", "“Rusia”", "Rusia a"];

fn word_char(c: char) -> bool {
    // What the regex crate's \w is, for the characters of PIECES.
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) || c == '_'
}

/// Every (overlapping) occurrence, kept where whole-word holds when asked,
/// then taken leftmost first without overlaps: what a search must find.
fn oracle(text: &str, needle: &str, whole_word: bool) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = (0..text.len())
        .filter(|&i| text.is_char_boundary(i) && text[i..].starts_with(needle))
        .map(|i| (i, i + needle.len()))
        .filter(|&(s, e)| {
            !whole_word
                || (!text[..s].chars().next_back().is_some_and(word_char)
                    && !text[e..].chars().next().is_some_and(word_char))
        })
        .collect();
    all.sort();
    let mut out: Vec<(usize, usize)> = Vec::new();
    for m in all {
        if out.last().is_none_or(|l| m.0 >= l.1) {
            out.push(m);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn hits_match_the_oracle_in_bytes_and_code_points(
        pieces in proptest::collection::vec(0..PIECES.len(), 0..40),
        bom in any::<bool>(),
        n in 0..NEEDLES.len(),
        whole_word in any::<bool>(),
        ignore_case in any::<bool>(),
    ) {
        // (An article is never empty: Sorot refuses empty files.)
        let mut text: String = std::iter::once("Berita: ").chain(pieces.iter().map(|&i| PIECES[i])).collect();
        if bom {
            text.insert(0, '\u{feff}');
        }
        let needle = NEEDLES[n];
        // The article is decoded as Sorot decodes files (BOM dropped, CRLF
        // made LF); hits are offsets into the text it shows.
        let store = common::store_of(&text, "p");
        let shown = store.text().as_str().to_owned();
        let q = Query { pattern: needle.into(), whole_word, ignore_case, ..Query::default() };
        let got: Vec<(usize, usize)> = found_in(&store, &Matcher::new(&q).unwrap())
            .unwrap()
            .iter()
            .map(|f| (f.range.start(), f.range.end()))
            .collect();
        let want = if ignore_case {
            // The regex crate run naively, whole words checked by hand.
            let re = regex::RegexBuilder::new(&regex::escape(needle)).case_insensitive(true).build().unwrap();
            let mut v = Vec::new();
            let mut at = 0;
            while let Some(m) = re.find_at(&shown, at) {
                let ok = !whole_word
                    || (!shown[..m.start()].chars().next_back().is_some_and(word_char)
                        && !shown[m.end()..].chars().next().is_some_and(word_char));
                if ok {
                    v.push((m.start(), m.end()));
                    at = m.end();
                } else {
                    at = m.start() + shown[m.start()..].chars().next().map_or(1, char::len_utf8);
                }
            }
            v
        } else {
            oracle(&shown, needle, whole_word)
        };
        prop_assert_eq!(&got, &want, "text {:?} needle {:?}", shown, needle);
        for f in found_in(&store, &Matcher::new(&q).unwrap()).unwrap() {
            prop_assert_eq!(f.start, shown[..f.range.start()].chars().count());
            prop_assert_eq!(f.end, shown[..f.range.end()].chars().count());
            prop_assert_eq!(&f.text, &shown[f.range.start()..f.range.end()].replace(['\r', '\n'], " "));
        }
    }
}

/// A folder of three documents: two annotated (one with "Peskov" as a
/// Person, one as an Organization) and one article not annotated yet.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut a = common::store_of("Kata Peskov, Rusia tidak mengirim senjata.\n", "a");
    {
        let mut b = common::Builder { store: &mut a, author: "dewi" };
        let at = b.at("Peskov");
        b.span("Person", at, &[]);
        let at = b.at("Rusia");
        b.span("Country", at, &[]);
    }
    sorot::io::save_annotations(&d.join("a.sorot.ron"), &a).unwrap();
    std::fs::create_dir(d.join("more")).unwrap();
    let mut b2 = common::store_of("Peskov membantah. Moskow dan Rusia — “Rusia”.\r\nRusian.\n", "b");
    {
        let mut b = common::Builder { store: &mut b2, author: "budi" };
        let at = b.at("Peskov");
        b.span("Organization", at, &[]);
    }
    sorot::io::save_annotations(&d.join("more/b.sorot.ron"), &b2).unwrap();
    std::fs::write(d.join("more/c.txt"), "Rusia 🇷🇺 lagi.\n").unwrap();
    dir
}

#[test]
fn search_prints_grep_lines_and_json_in_code_points() {
    let dir = folder();
    let o = sorot(&["search", ".", "Rusia", "-w"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        "./a.sorot.ron:1:14: Kata Peskov, [Rusia] tidak mengirim senjata. \n\
         ./more/b.sorot.ron:1:30: Peskov membantah. Moskow dan [Rusia] — “Rusia”. Rusian. \n\
         ./more/b.sorot.ron:1:39: Peskov membantah. Moskow dan Rusia — “[Rusia]”. Rusian. \n\
         ./more/c.sorot.ron:1:1: [Rusia] 🇷🇺 lagi. \n"
    );
    assert!(err(&o).contains("4 hits in 3 of 3 files"), "{}", err(&o));
    let o = sorot(&["search", "more", "lagi", "--json"], dir.path());
    let v: serde_json::Value = serde_json::from_str(&out(&o)).expect("one JSON document");
    assert_eq!(v["files"], 2);
    let hit = &v["hits"][0];
    // "Rusia 🇷🇺 " is 9 code points (the flag is two) and 15 bytes.
    assert_eq!((hit["start"].as_u64(), hit["start_byte"].as_u64()), (Some(9), Some(15)));
    assert_eq!(hit["file"], "more/c.sorot.ron");
    // Nothing found: exit 1; a broken regular expression: exit 2, in words.
    assert_eq!(sorot(&["search", ".", "Jakarta"], dir.path()).status.code(), Some(1));
    let o = sorot(&["search", ".", "(kata", "--regex"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("the regular expression does not work: unclosed group"), "{}", err(&o));
    let o = sorot(&["search", ".", r"(?i)kata \w+", "--regex"], dir.path());
    assert!(out(&o).contains("[Kata Peskov]"), "{}", out(&o));
}

#[test]
fn search_by_label_and_structure() {
    let dir = folder();
    let o = sorot(&["search", ".", "", "--label", "Person"], dir.path());
    assert_eq!(out(&o), "./a.sorot.ron:1:6: Kata [Peskov], Rusia tidak mengirim senjata. \n");
    let o = sorot(&["search", ".", "Rus", "--inside", "Country"], dir.path());
    assert_eq!(out(&o).lines().count(), 1, "{}", out(&o));
    let o = sorot(&["search", ".", "", "--label", "Organization", "--not-in", "said_by"], dir.path());
    assert_eq!(out(&o).lines().count(), 1, "{}", out(&o));
    let o = sorot(&["search", ".", "", "--label", "Nope"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("this document has no label \"Nope\""), "{}", err(&o));
}

#[test]
fn label_as_writes_valid_files_and_skips_what_is_labelled() {
    let dir = folder();
    let o = sorot(&["search", ".", "Rusia", "-w", "--label-as", "Country", "--annotator", "sari"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        "./a.sorot.ron: 0 new, 1 already labelled\n\
         ./more/b.sorot.ron: 2 new\n\
         ./more/c.sorot.ron: 1 new\n\
         labelled 3 spans as Country in 2 files\n"
    );
    // The article got its annotation file; everything validates.
    let o = sorot(&["validate", "a.sorot.ron", "more/b.sorot.ron", "more/c.sorot.ron"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", out(&o), err(&o));
    let c = sorot::io::load_annotations(&dir.path().join("more/c.sorot.ron")).unwrap();
    let s = c.spans().next().unwrap();
    assert_eq!((c.quote(s).as_str(), s.provenance.author.as_str()), ("Rusia", "sari"));
    // Again: nothing new, nothing written.
    let before = std::fs::read(dir.path().join("more/b.sorot.ron")).unwrap();
    let o = sorot(&["search", ".", "Rusia", "-w", "--label-as", "Country"], dir.path());
    assert!(out(&o).ends_with("labelled 0 spans as Country in 0 files\n"), "{}", out(&o));
    assert_eq!(std::fs::read(dir.path().join("more/b.sorot.ron")).unwrap(), before);
    // A label the schema does not have is refused in words.
    let o = sorot(&["search", ".", "Rusia", "--label-as", "Negara"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("this document has no label \"Negara\""), "{}", err(&o));
}

#[test]
fn check_flags_peskov_and_exits_by_what_it_found() {
    let dir = folder();
    let o = sorot(&["check", "."], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains("\"Peskov\": Organization 1×, Person 1× (different labels)"), "{text}");
    assert!(text.contains("\"Rusia\": unlabelled 2×, Country 1× (labelled in some places only)"), "{text}");
    assert!(text.contains("  ./more/b.sorot.ron:1:30: Peskov membantah. Moskow dan [Rusia]"), "{text}");
    let o = sorot(&["check", ".", "--json"], dir.path());
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["findings"][0]["kind"], "different_labels");
    assert_eq!(v["findings"][0]["occurrences"].as_array().map(Vec::len), Some(2));
    // Fixed: label the rest, make Peskov one label; nothing is found.
    sorot(&["search", ".", "Rusia", "-w", "--label-as", "Country"], dir.path());
    let mut b = sorot::io::load_annotations(&dir.path().join("more/b.sorot.ron")).unwrap();
    let person = b.schema().label_index("Person").unwrap() as u16;
    let mut s = b.spans().find(|s| b.quote(s) == "Peskov").unwrap().clone();
    s.label = person;
    b.apply(sorot::model::Edit::ReplaceSpan(s)).unwrap();
    sorot::io::save_annotations(&dir.path().join("more/b.sorot.ron"), &b).unwrap();
    let o = sorot(&["check", "."], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(err(&o).contains("0 findings in 3 files"), "{}", err(&o));
}

#[test]
fn label_as_links_every_hit_to_one_entity_across_files() {
    let dir = folder();
    let o = sorot(&["search", ".", "Rusia", "-w", "--label-as", "Country", "--link-to", "Russia"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        out(&o),
        "./a.sorot.ron: 0 new, 1 linked, the entity added\n\
         ./more/b.sorot.ron: 2 new, the entity added\n\
         ./more/c.sorot.ron: 1 new, the entity added\n\
         labelled 3 spans as Country in 3 files\n"
    );
    for f in ["a.sorot.ron", "more/b.sorot.ron", "more/c.sorot.ron"] {
        let s = sorot::io::load_annotations(&dir.path().join(f)).unwrap();
        let russia = s.entities().find(|e| e.name == "Russia").expect("the entity");
        let linked = s.spans().filter(|x| x.entity == Some(russia.id)).count();
        assert_eq!(
            linked,
            s.text().as_str().matches("Rusia").count() - s.text().as_str().matches("Rusian").count(),
            "{f}"
        );
    }
    // A label whose spans link to no entity is refused before anything is written.
    let o = sorot(&["search", ".", "Rusia", "--label-as", "Claim", "--link-to", "Russia"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("Claim spans do not link to entities"), "{}", err(&o));
}

#[test]
fn label_all_never_replaces_an_article_file_that_appeared_after_the_search() {
    let dir = folder();
    let c = dir.path().join("more/c.txt");
    let sources = sorot::io::search::sources(std::slice::from_ref(&c));
    assert!(matches!(sources[0], sorot::io::search::Source::Article { .. }));
    // Someone else creates c.sorot.ron between the search and the label-all.
    let theirs = b"not ours".to_vec();
    std::fs::write(dir.path().join("more/c.sorot.ron"), &theirs).unwrap();
    let matcher = Matcher::new(&Query { pattern: "Rusia".into(), ..Query::default() }).unwrap();
    let how = sorot::io::search::LabelAll {
        label: "Country".into(),
        link: None,
        author: "t".into(),
        now: sorot::model::Timestamp(0),
    };
    let mut results = Vec::new();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    sorot::io::search::label_all(&sources, &matcher, &how, &cancel, |_, _, r| results.push(r));
    let e = results[0].as_ref().expect_err("refused");
    assert!(e.contains("appeared after the search"), "{e}");
    assert_eq!(std::fs::read(dir.path().join("more/c.sorot.ron")).unwrap(), theirs, "their file is untouched");
}
