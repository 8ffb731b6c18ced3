//! Imports: brat collections and doccano JSONL (both shapes) with a BOM,
//! CRLF, emoji, Hangul, overlapping and discontinuous spans; round trips
//! back through the exporters; broken input reported with file and line
//! and nothing written.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use sorot::io::export::{self, Offsets};

fn data(p: &str) -> PathBuf {
    common::repo().join("tests/data/import").join(p)
}

fn sorot(args: &[&str], paths: &[&Path]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_sorot")).args(args).args(paths).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into(),
        String::from_utf8_lossy(&o.stderr).into(),
    )
}

/// Where an offset of the source text (as brat or doccano counted it: BOM
/// and CR included) lands in the text Sorot keeps (no BOM, LF only),
/// computed independently of the importer.
fn normalized(source: &[char], offset: usize) -> usize {
    let dropped = source[..offset]
        .iter()
        .enumerate()
        .filter(|&(i, &c)| (i == 0 && c == '\u{feff}') || (c == '\r' && source.get(i + 1) == Some(&'\n')))
        .count();
    offset - dropped
}

type Frags = Vec<(usize, usize)>;

/// The text-bounds of a .ann as (id, label, fragments, text) and its
/// relations as (type, arg1 id, arg2 id).
type TextBound = (String, String, Frags, String);

fn read_ann(ann: &str) -> (Vec<TextBound>, Vec<(String, String, String)>) {
    let (mut t, mut r) = (Vec::new(), Vec::new());
    for line in ann.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if line.starts_with('T') {
            let (label, offs) = cols[1].split_once(' ').unwrap();
            let frags = offs
                .split(';')
                .map(|f| {
                    let (a, b) = f.split_once(' ').unwrap();
                    (a.parse().unwrap(), b.parse().unwrap())
                })
                .collect();
            t.push((cols[0].to_string(), label.to_string(), frags, cols[2].to_string()));
        } else if line.starts_with('R') {
            let p: Vec<&str> = cols[1].split(' ').collect();
            let arg = |s: &str| s.split_once(':').unwrap().1.to_string();
            r.push((p[0].to_string(), arg(p[1]), arg(p[2])));
        }
    }
    (t, r)
}

/// Spans as (label, fragments, text) and relations as (type, from span, to
/// span), with the source's offsets mapped by `map`.
type Spans = BTreeSet<(String, Frags, String)>;
type Rels = BTreeSet<(String, (String, Frags), (String, Frags))>;

fn brat_sets(ann: &str, map: &dyn Fn(usize) -> usize) -> (Spans, Rels) {
    let (t, r) = read_ann(ann);
    let key = |id: &str| {
        let x = t.iter().find(|x| x.0 == id).unwrap();
        (x.1.clone(), x.2.iter().map(|&(a, b)| (map(a), map(b))).collect::<Frags>())
    };
    let spans =
        t.iter().map(|x| (x.1.clone(), x.2.iter().map(|&(a, b)| (map(a), map(b))).collect(), x.3.clone())).collect();
    let rels = r.iter().map(|x| (x.0.clone(), key(&x.1), key(&x.2))).collect();
    (spans, rels)
}

#[test]
fn brat_import_then_export_gives_back_the_same_spans_labels_and_relations() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ron");
    let (code, stdout, stderr) =
        sorot(&["import", "--format", "brat", "--add-labels", "--out"], &[&out, &data("brat")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("added relation type gives"), "{stdout}");
    assert!(stdout.contains("2 documents imported from brat (15 spans, 4 relations)"), "{stdout}");
    let brat_out = dir.path().join("brat");
    let (code, _, stderr) = sorot(&["export", "--format", "brat", "--out"], &[&brat_out, &out]);
    assert_eq!(code, 0, "{stderr}");
    for doc in ["multi", "plain"] {
        let source: Vec<char> = std::fs::read_to_string(data(&format!("brat/{doc}.txt"))).unwrap().chars().collect();
        let original = std::fs::read_to_string(data(&format!("brat/{doc}.ann"))).unwrap();
        let exported = std::fs::read_to_string(brat_out.join(format!("{doc}.ann"))).unwrap();
        let (s0, r0) = brat_sets(&original, &|o| normalized(&source, o));
        let (s1, r1) = brat_sets(&exported, &|o| o);
        let (n_spans, n_rels) = if doc == "multi" { (11, 3) } else { (4, 1) };
        assert_eq!((s0.len(), r0.len()), (n_spans, n_rels), "{doc}: the test reads the source");
        assert_eq!(s1, s0, "{doc}: spans");
        assert_eq!(r1, r0, "{doc}: relations");
        // Attributes, references and notes came through too.
        if doc == "multi" {
            for line in ["certainty T", "check_worthy T", "Wikidata:Q423\tNorth Korea", "Wikidata:Q159\tRussia"] {
                assert!(exported.contains(line), "{line:?} missing from\n{exported}");
            }
            assert!(exported.contains("AnnotatorNotes T") && exported.contains("discontinuous, emoji between"));
        }
        // The exported .txt is the source without BOM and CR.
        let txt = std::fs::read_to_string(brat_out.join(format!("{doc}.txt"))).unwrap();
        let expected: String = source.iter().collect::<String>().trim_start_matches('\u{feff}').replace("\r\n", "\n");
        assert_eq!(txt, expected);
    }
    // A second trip is a fixpoint.
    let again = dir.path().join("again");
    assert_eq!(sorot(&["import", "--format", "brat", "--add-labels", "--out"], &[&again, &brat_out]).0, 0);
    let brat2 = dir.path().join("brat2");
    assert_eq!(sorot(&["export", "--format", "brat", "--out"], &[&brat2, &again]).0, 0);
    for f in ["multi.ann", "plain.ann", "multi.txt"] {
        assert_eq!(std::fs::read_to_string(brat2.join(f)).unwrap(), std::fs::read_to_string(brat_out.join(f)).unwrap());
    }
}

fn jsonl_sets(line: &serde_json::Value, map: &dyn Fn(usize) -> usize) -> (Spans, Rels) {
    let text: Vec<char> = line["text"].as_str().unwrap().chars().collect();
    let ents: Vec<(String, String, usize, usize)> = match line.get("entities") {
        Some(e) => e
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let n = |k: &str| e[k].as_u64().unwrap() as usize;
                (e["id"].to_string(), e["label"].as_str().unwrap().into(), n("start_offset"), n("end_offset"))
            })
            .collect(),
        None => line["label"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(k, l)| {
                let n = |i: usize| l[i].as_u64().unwrap() as usize;
                (k.to_string(), l[2].as_str().unwrap().into(), n(0), n(1))
            })
            .collect(),
    };
    let key = |id: &str| {
        let e = ents.iter().find(|e| e.0 == id).unwrap();
        (e.1.clone(), vec![(map(e.2), map(e.3))])
    };
    let spans = ents
        .iter()
        .map(|e| (e.1.clone(), vec![(map(e.2), map(e.3))], text[e.2..e.3].iter().collect::<String>().replace('\r', "")))
        .collect();
    let rels = line
        .get("relations")
        .and_then(|r| r.as_array())
        .map(|r| {
            r.iter()
                .map(|r| {
                    (
                        r["type"].as_str().unwrap().to_string(),
                        key(&r["from_id"].to_string()),
                        key(&r["to_id"].to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (spans, rels)
}

#[test]
fn doccano_jsonl_in_both_shapes_round_trips_through_the_jsonl_export() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ron");
    let (code, stdout, stderr) =
        sorot(&["import", "--format", "jsonl", "--add-labels", "--out"], &[&out, &data("doccano")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("3 documents imported from jsonl"), "{stdout}");
    assert!(stdout.contains("added relation type alliance_with"), "{stdout}");
    for (input, docs) in [("labels.jsonl", vec!["labels-7", "labels-8"]), ("relations.jsonl", vec!["rel-doc"])] {
        let lines: Vec<serde_json::Value> = std::fs::read_to_string(data(&format!("doccano/{input}")))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        for (line, doc) in lines.iter().zip(docs) {
            let ron = out.join(format!("{doc}.sorot.ron"));
            let store = sorot::io::load_annotations(&ron).unwrap();
            let e = export::jsonl(&[&store], Offsets::CodePoints);
            let exported: serde_json::Value = serde_json::from_str(e.files[0].1.trim()).unwrap();
            let source: Vec<char> = line["text"].as_str().unwrap().chars().collect();
            let (s0, r0) = jsonl_sets(line, &|o| normalized(&source, o));
            let (s1, r1) = jsonl_sets(&exported, &|o| o);
            assert!(doc == "labels-8" || !s0.is_empty());
            assert_eq!(s1, s0, "{doc}: entities");
            assert_eq!(r1, r0, "{doc}: relations");
        }
    }
}

#[test]
fn utf16_offsets_import_like_code_points() {
    let text = "👍🏽 Korut\r\n북한";
    let units: Vec<u16> = text.encode_utf16().collect();
    let k = text.find("Korut").unwrap();
    let start16 = text[..k].encode_utf16().count();
    let line = serde_json::json!({"text": text, "label": [[start16, start16 + 5, "Country"], [units.len() - 2, units.len(), "Country"]]});
    let docs = sorot::io::import::parse_jsonl("u", "u.jsonl", &format!("{line}\n")).unwrap();
    let store =
        sorot::io::import::build_store(&docs[0], &sorot::model::Schema::default_news(), Offsets::Utf16, "t").unwrap();
    let quotes: Vec<String> = store.spans().map(|s| store.quote(s)).collect();
    assert_eq!(quotes, ["Korut", "북한"]);
    // An offset between the two halves of a surrogate pair is refused.
    let bad = serde_json::json!({"text": text, "label": [[1, 3, "Country"]]});
    let docs = sorot::io::import::parse_jsonl("u", "u.jsonl", &format!("{bad}\n")).unwrap();
    let e = sorot::io::import::build_store(&docs[0], &sorot::model::Schema::default_news(), Offsets::Utf16, "t")
        .unwrap_err();
    assert!(e.0.contains("inside a character"), "{e}");
}

#[test]
fn missing_labels_and_broken_input_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // Labels not in the schema: listed with where they are first used.
    let (code, _, stderr) = sorot(&["import", "--format", "jsonl", "--out"], &[&out, &data("doccano")]);
    assert_eq!(code, 1);
    assert!(stderr.contains("relation type alliance_with (used 1 times, first at "), "{stderr}");
    assert!(stderr.contains("relations.jsonl:1)"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!out.exists());
    // A broken line in one file of a collection: file and line, nothing written.
    let src = dir.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::copy(data("brat/plain.txt"), src.join("a.txt")).unwrap();
    std::fs::copy(data("brat/plain.ann"), src.join("a.ann")).unwrap();
    std::fs::write(src.join("b.txt"), "Rusia dan Korut").unwrap();
    std::fs::write(src.join("b.ann"), "T1\tCountry 0 5\tRusia\nT2\tCountry 10 15\tKorea\n").unwrap();
    let (code, _, stderr) = sorot(&["import", "--format", "brat", "--add-labels", "--out"], &[&out, &src]);
    assert_eq!(code, 1);
    assert!(stderr.contains("b.ann:2: the text at these offsets is \"Korut\", the line says \"Korea\""), "{stderr}");
    assert!(!out.exists(), "something was written");
    // Existing files are not overwritten without --force.
    std::fs::write(src.join("b.ann"), "T1\tCountry 0 5\tRusia\n").unwrap();
    assert_eq!(sorot(&["import", "--format", "brat", "--add-labels", "--out"], &[&out, &src]).0, 0);
    let (code, _, stderr) = sorot(&["import", "--format", "brat", "--add-labels", "--out"], &[&out, &src]);
    assert_eq!(code, 1);
    assert!(stderr.contains("already exist"), "{stderr}");
    assert_eq!(sorot(&["import", "--format", "brat", "--add-labels", "--force", "--out"], &[&out, &src]).0, 0);
    // A doccano span past the end is named as the file has it ("label"[1];
    // a newcomer read "label1", an internal name).
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"text\": \"Rusia dan Korut\", \"label\": [[0, 5, \"Country\"], [10, 99, \"Country\"]]}\n")
        .unwrap();
    let (code, _, stderr) = sorot(&["import", "--format", "jsonl", "--out"], &[&dir.path().join("out2"), &bad]);
    assert_eq!(code, 1);
    assert!(stderr.contains("bad.jsonl:1: \"label\"[1]: offsets 10..99"), "{stderr}");
}

#[test]
fn document_ids_never_write_outside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let mut lines = String::new();
    for id in ["../../escape", "/etc/passwd", "CON", "a/b\\c", ".."] {
        lines.push_str(&format!("{}\n", serde_json::json!({"id": id, "text": "Rusia", "label": [[0, 5, "Country"]]})));
    }
    std::fs::write(&input, lines).unwrap();
    let out = dir.path().join("deep/out");
    let (code, _, stderr) = sorot(&["import", "--format", "jsonl", "--out"], &[&out, &input]);
    assert_eq!(code, 0, "{stderr}");
    let written: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(written.len(), 5, "{written:?}");
    let everything: Vec<PathBuf> = walk(dir.path());
    for p in everything {
        assert!(p == input || p.starts_with(&out), "written outside the output folder: {}", p.display());
    }
    // And exports of those documents stay inside theirs.
    let brat = dir.path().join("deep/brat");
    assert_eq!(sorot(&["export", "--format", "brat", "--out"], &[&brat, &out]).0, 0);
    for p in walk(dir.path()) {
        assert!(p == input || p.starts_with(&out) || p.starts_with(&brat), "outside: {}", p.display());
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The `(label, start, end, text)` of each `T` line of a brat file.
fn t_lines(ann: &str) -> BTreeSet<String> {
    ann.lines().filter(|l| l.starts_with('T')).filter_map(|l| l.split_once('\t')).map(|(_, r)| r.to_owned()).collect()
}

#[test]
fn a_collection_keeps_its_folders_and_no_document_overwrites_another() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("collection");
    let docs = [
        ("", "Rusia dan Korut bertemu.\n", "T1\tCountry 0 5\tRusia\nT2\tCountry 10 15\tKorut\n"),
        ("news", "Peskov di Moskow.\n", "T1\tPerson 0 6\tPeskov\nT2\tLocation 10 16\tMoskow\n"),
        ("bio", "Protein A binds B.\n", "T1\tProtein 0 9\tProtein A\n"),
    ];
    for (folder, text, ann) in docs {
        let d = src.join(folder);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("010-navigation.txt"), text).unwrap();
        std::fs::write(d.join("010-navigation.ann"), ann).unwrap();
    }
    let out = dir.path().join("sorot");
    let (code, stdout, stderr) = sorot(&["import", "--format", "brat", "--add-labels", "--out"], &[&out, &src]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("3 documents imported"), "{stdout}");
    for (folder, _, _) in docs {
        let path = out.join(folder).join("010-navigation.sorot.ron");
        let store = sorot::io::load_annotations(&path).unwrap();
        let id = if folder.is_empty() { "010-navigation".to_owned() } else { format!("{folder}/010-navigation") };
        assert_eq!(store.meta.id, id);
    }
    let brat = dir.path().join("brat");
    let (code, stdout, stderr) = sorot(&["export", "--format", "brat", "--out"], &[&brat, &out]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("3 documents exported"), "{stdout}");
    for (folder, text, ann) in docs {
        let back = brat.join(folder);
        assert_eq!(std::fs::read_to_string(back.join("010-navigation.txt")).unwrap(), text);
        assert_eq!(
            t_lines(&std::fs::read_to_string(back.join("010-navigation.ann")).unwrap()),
            t_lines(ann),
            "{folder}"
        );
    }
    assert_eq!(walk(&brat).len(), 6, "three documents in, three out");

    // A second export over the first, or over hand-made files, is refused
    // with the files listed, and nothing is touched without --force.
    let hand = brat.join("news/010-navigation.ann");
    std::fs::write(&hand, "T1\tPerson 0 6\tPeskov\n#1\tAnnotatorNotes T1\tchecked by hand\n").unwrap();
    let (code, _, stderr) = sorot(&["export", "--format", "brat", "--out"], &[&brat, &out]);
    assert_eq!(code, 1);
    assert!(stderr.contains("6 files already exist") && stderr.contains("--force"), "{stderr}");
    assert!(std::fs::read_to_string(&hand).unwrap().contains("checked by hand"));
    let (code, _, stderr) = sorot(&["export", "--format", "brat", "--force", "--out"], &[&brat, &out]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!std::fs::read_to_string(&hand).unwrap().contains("checked by hand"));
    // One file: the same rule.
    let jsonl = dir.path().join("mine.jsonl");
    std::fs::write(&jsonl, "mine\n").unwrap();
    let (code, _, stderr) = sorot(&["export", "--format", "jsonl", "--out"], &[&jsonl, &out]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(std::fs::read_to_string(&jsonl).unwrap(), "mine\n");
}

/// Another team's doccano data whose relations break the bundled schema's
/// rules (`about` between two people, a `said_by` without its claim).
#[test]
fn schema_from_data_imports_what_the_rules_refuse_and_says_what_it_widened() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("team.jsonl");
    let line = serde_json::json!({
        "id": 7,
        "text": "Peskov menyebut Zelensky. Kata Peskov.",
        "entities": [
            {"id": 1, "label": "Person", "start_offset": 0, "end_offset": 6},
            {"id": 2, "label": "Person", "start_offset": 16, "end_offset": 24},
            {"id": 3, "label": "Cue", "start_offset": 26, "end_offset": 30},
            {"id": 4, "label": "Person", "start_offset": 31, "end_offset": 37}
        ],
        "relations": [
            {"id": 1, "from_id": 1, "to_id": 2, "type": "about"},
            {"id": 2, "from_id": 3, "to_id": 4, "type": "said_by"}
        ]
    });
    std::fs::write(&input, format!("{line}\n")).unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = sorot(&["import", "--format", "jsonl", "--add-labels", "--out"], &[&out, &input]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--schema-from-data"), "the refusal names the way out: {stderr}");
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(), "nothing written");
    let (code, stdout, stderr) =
        sorot(&["import", "--format", "jsonl", "--schema-from-data", "--out"], &[&out, &input]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("schema widened: about: its claim also accepts Person"), "{stdout}");
    assert!(stdout.contains("schema widened: said_by: its claim also accepts Cue"), "{stdout}");
    let file = std::fs::read_dir(&out).unwrap().next().unwrap().unwrap().path();
    let (code, _, stderr) = sorot(&["validate"], &[&file]);
    assert_eq!(code, 0, "the imported file validates: {stderr}");
    let store = sorot::io::load_annotations(&file).unwrap();
    assert_eq!(store.relations().len(), 2);
}

/// A brat document read independently of Sorot's importer: everything
/// keyed by what it is (types and offsets, events by their structure),
/// never by ids, which a trip renumbers.
#[derive(Debug, Default, PartialEq)]
struct BratDoc {
    spans: BTreeSet<String>,
    events: BTreeSet<String>,
    relations: BTreeSet<(String, String, String)>,
    equivalences: BTreeSet<Vec<String>>,
    attributes: BTreeSet<(String, String, String)>,
    notes: BTreeSet<(String, String)>,
    references: BTreeSet<(String, String, String)>,
}

/// An `E` line: type, trigger id, (role, argument id).
type Event<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

fn read_brat_doc(ann: &str, map: &dyn Fn(usize) -> usize) -> BratDoc {
    use std::collections::BTreeMap;
    let mut t: BTreeMap<&str, String> = BTreeMap::new();
    let mut e: BTreeMap<&str, Event> = BTreeMap::new();
    let lines: Vec<Vec<&str>> = ann.lines().map(|l| l.split('\t').collect()).collect();
    for cols in &lines {
        let id = cols[0];
        if id.starts_with('T') {
            let (label, offs) = cols[1].split_once(' ').unwrap();
            let frags: Vec<(usize, usize)> = offs
                .split(';')
                .map(|f| {
                    let (a, b) = f.split_once(' ').unwrap();
                    (map(a.parse().unwrap()), map(b.parse().unwrap()))
                })
                .collect();
            t.insert(id, format!("{label}{frags:?} {:?}", cols[2]));
        } else if id.starts_with('E') {
            let mut parts = cols[1].split(' ');
            let (kind, trigger) = parts.next().unwrap().split_once(':').unwrap();
            let args = parts.map(|a| a.split_once(':').unwrap()).collect();
            e.insert(id, (kind, trigger, args));
        }
    }
    fn key(id: &str, t: &BTreeMap<&str, String>, e: &BTreeMap<&str, Event>) -> String {
        if let Some(s) = t.get(id) {
            return s.clone();
        }
        let (kind, trigger, args) = e.get(id).unwrap_or_else(|| panic!("{id} is not defined"));
        let mut args: Vec<String> = args.iter().map(|(role, a)| format!("{role}={}", key(a, t, e))).collect();
        args.sort();
        format!("{kind}<{}>({})", key(trigger, t, e), args.join(", "))
    }
    let k = |id: &str| key(id, &t, &e);
    let mut doc = BratDoc { spans: t.values().cloned().collect(), ..Default::default() };
    for cols in &lines {
        let words: Vec<&str> = cols.get(1).map_or(Vec::new(), |c| c.split(' ').collect());
        match cols[0].chars().next() {
            Some('E') => {
                doc.events.insert(k(cols[0]));
            }
            Some('R') => {
                let arg = |s: &str| k(s.split_once(':').unwrap().1);
                doc.relations.insert((words[0].into(), arg(words[1]), arg(words[2])));
            }
            Some('*') => {
                assert_eq!(words[0], "Equiv");
                let mut members: Vec<String> = words[1..].iter().map(|w| k(w)).collect();
                members.sort();
                doc.equivalences.insert(members);
            }
            // A and M are the same annotation in brat.
            Some('A' | 'M') => {
                doc.attributes.insert((words[0].into(), k(words[1]), words.get(2).unwrap_or(&"").to_string()));
            }
            Some('#') => {
                doc.notes.insert((k(words[1]), cols[2].into()));
            }
            Some('N') => {
                doc.references.insert((k(words[1]), words[2].into(), cols[2].into()));
            }
            _ => {}
        }
    }
    doc
}

/// brat → Sorot → brat on a collection written like brat's own (issue #21):
/// nested events (one using an event defined after it), numbered roles,
/// equivalences, A/M attributes on spans and events, notes on spans and
/// events, a discontinuous span, a BOM, emoji, Hangul and a combining
/// mark, and two folders holding a same-named document. Every T, E, R, *,
/// A/M, # and N comes back, by offsets and types. (CRLF is in the `brat`
/// collection above; this one is LF so that brat's Python 3 parser, which
/// reads texts with newline translation, checks it in CI as well.)
#[test]
fn a_brat_collection_with_nested_events_and_equivalences_comes_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (ron, brat) = (dir.path().join("ron"), dir.path().join("brat"));
    let (code, stdout, stderr) =
        sorot(&["import", "--format", "brat", "--schema-from-data", "--out"], &[&ron, &data("brat-events")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2 documents imported from brat (19 spans, 7 relations)"), "{stdout}");
    assert!(!stdout.contains("not imported"), "nothing is left out: {stdout}");
    let (code, _, stderr) = sorot(&["export", "--format", "brat", "--out"], &[&brat, &ron]);
    assert_eq!(code, 0, "{stderr}");
    let expected = [("news", (10, 3, 1, 1, 3, 2)), ("bio", (9, 3, 0, 2, 2, 1))];
    for (folder, (n_spans, n_events, n_rels, n_equivs, n_attrs, n_notes)) in expected {
        let name = format!("{folder}/010-navigation");
        let source: Vec<char> =
            std::fs::read_to_string(data(&format!("brat-events/{name}.txt"))).unwrap().chars().collect();
        let before = read_brat_doc(&std::fs::read_to_string(data(&format!("brat-events/{name}.ann"))).unwrap(), &|o| {
            normalized(&source, o)
        });
        let exported = std::fs::read_to_string(brat.join(format!("{name}.ann"))).unwrap();
        let after = read_brat_doc(&exported, &|o| o);
        assert_eq!(
            (
                before.spans.len(),
                before.events.len(),
                before.relations.len(),
                before.equivalences.len(),
                before.attributes.len(),
                before.notes.len()
            ),
            (n_spans, n_events, n_rels, n_equivs, n_attrs, n_notes),
            "{name}: the test reads the source"
        );
        assert_eq!(after, before, "{name}: exported\n{exported}");
        // Events stay events, with brat's numbering of a repeated role.
        assert!(exported.lines().any(|l| l.starts_with('E') && l.contains(" Theme2:T") || l.contains(" Party2:T")));
        assert!(!exported.contains(".Theme\t") && !exported.contains("Binding.Theme"), "{exported}");
    }
    // Label Studio links regions only: the nested event is linked at its
    // trigger, and the export says so.
    let (code, stdout, stderr) =
        sorot(&["export", "--format", "label-studio", "--out"], &[&dir.path().join("ls"), &ron]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        format!("{stdout}{stderr}").contains("relations use another relation, which Label Studio cannot link"),
        "{stdout}{stderr}"
    );
    // A second trip is a fixpoint.
    let (again, brat2) = (dir.path().join("again"), dir.path().join("brat2"));
    assert_eq!(sorot(&["import", "--format", "brat", "--schema-from-data", "--out"], &[&again, &brat]).0, 0);
    assert_eq!(sorot(&["export", "--format", "brat", "--out"], &[&brat2, &again]).0, 0);
    for f in ["news/010-navigation.ann", "bio/010-navigation.ann"] {
        assert_eq!(std::fs::read_to_string(brat2.join(f)).unwrap(), std::fs::read_to_string(brat.join(f)).unwrap());
    }
}
