//! Exports: golden files for every format on the sample and on a text with
//! emoji, Hangul, a BOM and CRLF; offsets checked by slicing the text the
//! way Python does (code points) and the way browsers do (UTF-16); loss
//! reports; the CLI.

use crate::common;

use sorot::io::export::{self, Offsets};
use sorot::model::*;

fn multiscript() -> Store {
    common::build_multiscript()
}

fn sample() -> Store {
    sorot::io::load_annotations(&common::sample_annotations()).unwrap()
}

#[test]
fn jsonl_offsets_slice_to_the_mentions_in_code_points_and_utf16() {
    for store in [sample(), multiscript()] {
        for offsets in [Offsets::CodePoints, Offsets::Utf16] {
            let e = export::jsonl(&[&store], offsets);
            let line: serde_json::Value = serde_json::from_str(e.files[0].1.lines().next().unwrap()).unwrap();
            let text = line["text"].as_str().unwrap();
            let units: Vec<char> = text.chars().collect();
            let utf16: Vec<u16> = text.encode_utf16().collect();
            for ent in line["entities"].as_array().unwrap() {
                let (s, en) =
                    (ent["start_offset"].as_u64().unwrap() as usize, ent["end_offset"].as_u64().unwrap() as usize);
                let span = store.span(SpanId(ent["id"].as_u64().unwrap() as u32)).unwrap();
                let expected = store.text().slice(span.extent());
                let got = match offsets {
                    Offsets::CodePoints => units[s..en].iter().collect::<String>(),
                    Offsets::Utf16 => String::from_utf16(&utf16[s..en]).unwrap(),
                };
                assert_eq!(got, expected);
            }
        }
    }
}

#[test]
fn golden_files_for_every_format() {
    let s = sample();
    let m = multiscript();
    let docs = [&s, &m];
    // Every registered format, so a new one gets its golden file.
    for format in export::Format::ALL {
        let name = format.name().replace('-', "_");
        let e = format.export(&docs, Offsets::CodePoints, None);
        let mut all = String::new();
        for (file, contents) in &e.files {
            all.push_str(&format!("===== {file}\n{contents}"));
        }
        all.push_str("===== losses\n");
        for l in &e.losses {
            all.push_str(&format!("{l}\n"));
        }
        insta::assert_snapshot!(format!("export_{name}"), all);
    }
}

#[test]
fn conll_reports_overlaps_and_tags_iob2() {
    let s = sample();
    let e = export::conll(&[&s], Some(&["Claim".to_string(), "Country".to_string()]));
    let text = &e.files[0].1;
    assert!(text.starts_with("-DOCSTART- -X- O O\n\n"), "the CoNLL-2003 separator spaCy recognises");
    // Country mentions inside claims overlap them: reported, not silently dropped.
    let overlaps = e.losses.iter().find(|l| l.message.contains("overlapping spans left out")).expect("loss report");
    assert_eq!(overlaps.ids.len(), 5, "{overlaps}");
    // IOB2: every I- follows a B- or I- of the same label.
    let mut prev = "O".to_string();
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with("-DOCSTART-")) {
        let tag = line.rsplit(' ').next().unwrap().to_string();
        if let Some(label) = tag.strip_prefix("I-") {
            assert!(prev == format!("B-{label}") || prev == format!("I-{label}"), "{prev} then {tag}");
        }
        prev = tag;
    }
}

/// Where an accepted suggestion came from (issue 17) is kept under
/// Sorot's keys in JSONL and W3C, in the claims table's own columns in
/// CSV, and reported as lost by the formats with no place for it (a
/// newcomer's brat export said "Nothing lost").
#[test]
fn where_a_suggestion_came_from_is_kept_or_reported_lost() {
    let mut m = multiscript();
    let cue = m.spans().find(|s| s.suggested.is_some()).map(|s| s.id.0).expect("a suggested cue");
    for format in export::Format::ALL {
        let e = format.export(&[&m], Offsets::CodePoints, None);
        let all: String = e.files.iter().map(|f| f.1.as_str()).collect();
        let lost = e.losses.iter().find(|l| l.message.contains("spans accepted from suggestions"));
        match format {
            export::Format::Jsonl | export::Format::W3c => {
                assert!(all.contains("perceptron 1") && lost.is_none(), "{format}: {:?}", e.losses)
            }
            export::Format::Csv => assert!(lost.is_none(), "{format}: a claims table holds no cue of its own"),
            _ => {
                let lost = lost.unwrap_or_else(|| panic!("{format}: not reported: {:?}", e.losses));
                assert_eq!(lost.ids, [cue], "{format}");
                assert!(lost.message.starts_with("1 spans accepted from suggestions"), "{}", lost.message);
            }
        }
    }
    // A claim accepted from a suggestion: its row says by what, how sure.
    let claim = m.spans().find(|s| m.label_name(s.label) == "Claim").cloned().expect("a claim");
    let mut suggested = claim.clone();
    suggested.suggested =
        Some(Box::new(sorot::model::Suggested { source: "model".into(), version: "perceptron 1".into(), score: 875 }));
    m.apply(sorot::model::Edit::ReplaceSpan(suggested)).unwrap();
    let e = export::csv(&[&m], Offsets::CodePoints);
    let table = &e.files.iter().find(|f| f.0 == "claims.csv").unwrap().1;
    let mut rows = csv::Reader::from_reader(table.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows.records().map(Result::unwrap).find(|r| r[col("id")] == claim.id.0.to_string()).unwrap();
    assert_eq!((&row[col("suggested_by")], &row[col("suggestion_score")]), ("model perceptron 1", "0.875"));
}

#[test]
fn brat_ann_offsets_are_code_points_and_relation_attributes_are_reported() {
    let m = multiscript();
    let e = export::brat(&[&m]);
    let txt = &e.files[0].1;
    let ann = &e.files[1].1;
    let chars: Vec<char> = txt.chars().collect();
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let frags = cols[1].split_once(' ').unwrap().1;
        let pieces: Vec<String> = frags
            .split(';')
            .map(|f| {
                let (a, b) = f.split_once(' ').unwrap();
                chars[a.parse::<usize>().unwrap()..b.parse::<usize>().unwrap()].iter().collect()
            })
            .collect();
        assert_eq!(pieces.join(" "), cols[2], "{line}");
    }
    assert!(e.losses.iter().any(|l| l.message.contains("relation attributes not representable")));
    assert!(!txt.contains('\r'));
}

#[test]
fn cli_export_writes_files_reports_losses_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_sorot");
    let out = dir.path().join("sample.jsonl");
    let o = std::process::Command::new(bin)
        .args(["export", "--format", "jsonl", "--out"])
        .arg(&out)
        .arg(common::repo().join("assets"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("1 document exported as jsonl"), "{stdout}");
    assert!(stdout.contains("jsonl: 000_f1c0a0fef9fd3cfc: 5 relations"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 1);
    let o = std::process::Command::new(bin)
        .args(["export", "--strict", "--format", "brat", "--out"])
        .arg(dir.path().join("brat"))
        .arg(common::sample_annotations())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(dir.path().join("brat/000_f1c0a0fef9fd3cfc.ann").exists());
}

#[test]
fn two_documents_with_one_id_are_both_written_and_nothing_is_replaced() {
    let mut a = common::store_of("Rusia dan Korut.\n", "010-navigation");
    let mut b = common::Builder { store: &mut a, author: "t" };
    b.span("Country", b.at("Rusia"), &[]);
    let b = common::store_of("Protein A binds B.\n", "010-navigation");
    let (paths, notices) = export::document_paths(&[&a, &b]);
    assert_eq!(paths, ["010-navigation", "010-navigation-2"]);
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("written as 010-navigation-2"), "{notices:?}");

    let e = export::brat(&[&a, &b]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("brat");
    export::write(&e, export::Format::Brat, &out, false).unwrap();
    assert_eq!(std::fs::read_to_string(out.join("010-navigation.txt")).unwrap(), "Rusia dan Korut.\n");
    assert_eq!(std::fs::read_to_string(out.join("010-navigation-2.txt")).unwrap(), "Protein A binds B.\n");
    assert!(std::fs::read_to_string(out.join("010-navigation.ann")).unwrap().contains("Country 0 5\tRusia"));

    // Writing again: refused, the files listed, nothing touched.
    std::fs::write(out.join("010-navigation.ann"), "hand-made\n").unwrap();
    let err = export::write(&e, export::Format::Brat, &out, false).unwrap_err().to_string();
    assert!(err.contains("4 files already exist") && err.contains("nothing was written"), "{err}");
    assert_eq!(std::fs::read_to_string(out.join("010-navigation.ann")).unwrap(), "hand-made\n");
    // Asked to replace: replaced.
    export::write(&e, export::Format::Brat, &out, true).unwrap();
    assert!(std::fs::read_to_string(out.join("010-navigation.ann")).unwrap().contains("Rusia"));
    // A single-file export onto an existing file likewise.
    let one = dir.path().join("mine.jsonl");
    std::fs::write(&one, "mine\n").unwrap();
    let j = export::jsonl(&[&a], Offsets::CodePoints);
    assert!(export::write(&j, export::Format::Jsonl, &one, false).is_err());
    assert_eq!(std::fs::read_to_string(&one).unwrap(), "mine\n");
}

#[test]
fn an_export_never_writes_two_files_to_one_path() {
    let dir = tempfile::tempdir().unwrap();
    for clash in [["x/a.ann", "x/a.ann"], ["a.ann", "A.ann"]] {
        let e = export::Export {
            files: clash.iter().map(|n| (n.to_string(), format!("{n}\n"))).collect(),
            ..Default::default()
        };
        let err = export::write(&e, export::Format::Brat, dir.path(), true).unwrap_err().to_string();
        assert!(err.contains("would be written to this one file"), "{err}");
    }
    for bad in ["../a.ann", "/a.ann", ".hidden/a.ann", "x//a.ann", "x\\a.ann"] {
        let e = export::Export { files: vec![(bad.into(), String::new())], ..Default::default() };
        assert!(export::write(&e, export::Format::Brat, dir.path(), true).is_err(), "{bad}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing was written");
    // Folder ids keep their tree.
    let mut a = common::store_of("a\n", "a");
    a.meta.id = "news/010-navigation".into();
    let mut b = common::store_of("b\n", "b");
    b.meta.id = "bio/010-navigation".into();
    let e = export::brat(&[&a, &b]);
    export::write(&e, export::Format::Brat, dir.path(), false).unwrap();
    assert_eq!(std::fs::read_to_string(dir.path().join("news/010-navigation.txt")).unwrap(), "a\n");
    assert_eq!(std::fs::read_to_string(dir.path().join("bio/010-navigation.txt")).unwrap(), "b\n");
    assert!(e.notices.is_empty());
}

/// Every format streamed to disk writes exactly what it makes in memory,
/// across many spills (every 1,000 bytes; a generated document with curly
/// quotes, Hangul, emoji and combining marks, and the multi-script one),
/// and an export stopped by one file in the way writes nothing at all.
#[test]
fn every_format_streamed_to_disk_writes_what_it_makes_in_memory() {
    let big = sorot::fixture::store(200_000, 2_000, 400, 11);
    let m = multiscript();
    let docs = [&big, &m];
    let dir = tempfile::tempdir().unwrap();
    for format in export::Format::ALL {
        let kept = format.export(&docs, Offsets::Utf16, None);
        let out = dir.path().join(format.name());
        let files = export::Files::to_disk(format, &out, false).spilling_every(1_000);
        let written = format.write_into(&docs, Offsets::Utf16, None, files).unwrap();
        assert_eq!(written.losses, kept.losses, "{format}");
        assert_eq!(written.notices, kept.notices, "{format}");
        assert_eq!(written.paths.len(), kept.files.len(), "{format}");
        let largest = kept.files.iter().map(|f| f.1.len()).max().unwrap_or(0);
        assert!(largest > 50 * 1_000, "{format}: {largest} bytes is not many spills");
        for ((name, contents), path) in kept.files.iter().zip(&written.paths) {
            let target = if format.is_folder() { out.join(name) } else { out.clone() };
            assert_eq!(path, &target, "{format}");
            assert!(std::fs::read_to_string(path).unwrap() == *contents, "{format}: {name} differs");
        }

        // Again without replacing, one file changed by hand in the way:
        // refused with every file listed; the hand-made one kept; no
        // temporary file left.
        let first = written.paths[0].clone();
        std::fs::write(&first, "hand-made\n").unwrap();
        let before = files_under(&out);
        match format.write_to(&docs, Offsets::Utf16, None, &out, false) {
            Err(export::WriteError::Exists(there)) => assert_eq!(there, written.paths, "{format}"),
            other => panic!("{format}: {other:?}"),
        }
        assert_eq!(files_under(&out), before, "{format}");
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "hand-made\n", "{format}");
    }
}

fn files_under(p: &std::path::Path) -> Vec<std::path::PathBuf> {
    if p.is_file() {
        return vec![p.to_path_buf()];
    }
    let mut v: Vec<_> = std::fs::read_dir(p).unwrap().flat_map(|e| files_under(&e.unwrap().path())).collect();
    v.sort();
    v
}
