//! The command line, run as a user would: the built binary, exit codes and
//! messages. Includes the catalogue of broken files `sorot validate` must
//! explain with a line and column.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

fn sorot(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sorot")).args(args).current_dir(dir).output().expect("run sorot")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn validate_accepts_the_sample() {
    let o = sorot(&["validate", common::sample_annotations().to_str().unwrap()], &common::repo());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("ok (26 spans, 3 entities, 5 relations)") || stdout(&o).contains(": ok ("),
        "{}",
        stdout(&o)
    );
}

#[test]
fn validate_accepts_the_default_schema() {
    let o = sorot(&["validate", "assets/schema.ron"], &common::repo());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("schema: 10 labels"), "{}", stdout(&o));
}

#[test]
fn missing_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let o = sorot(&["validate", "nope.sorot.ron"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("nope.sorot.ron: cannot read"), "{}", stderr(&o));
}

/// Writes a variant of the sample file, changed by `edit`, and validates it.
fn broken(edit: impl Fn(&str) -> String) -> (i32, String) {
    let src = std::fs::read_to_string(common::sample_annotations()).unwrap();
    let changed = edit(&src);
    assert_ne!(changed, src, "the edit changed nothing");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.sorot.ron"), changed).unwrap();
    let o = sorot(&["validate", "bad.sorot.ron"], dir.path());
    (o.status.code().unwrap_or(-1), stderr(&o))
}

/// The 1-based line of the first line containing `needle` in the sample.
fn line_of(needle: &str) -> usize {
    let src = std::fs::read_to_string(common::sample_annotations()).unwrap();
    src.lines().position(|l| l.contains(needle)).expect(needle) + 1
}

#[test]
fn catalogue_of_broken_files() {
    let kata_line = line_of("quote: \"kata\"");
    type Case = (&'static str, Box<dyn Fn(&str) -> String>, String);
    let cases: Vec<Case> = vec![
        (
            "wrong type",
            Box::new(|s: &str| s.replacen("next_id: 27", "next_id: \"27\"", 1)),
            ":5:13: Expected integer".to_string(),
        ),
        (
            "unknown label",
            Box::new(|s: &str| {
                s.replacen("label: \"Cue\", ranges: [(start_byte: 1026", "label: \"Cu\", ranges: [(start_byte: 1026", 1)
            }),
            format!(":{kata_line}:9: span #6: label \"Cu\" is not in the schema"),
        ),
        (
            "offsets past the end",
            Box::new(|s: &str| s.replacen("start_byte: 1026, end_byte: 1030", "start_byte: 1026, end_byte: 99999", 1)),
            format!(":{kata_line}:9: span #6: range 1026..99999 ends past the end of the text"),
        ),
        (
            "quote mismatch",
            Box::new(|s: &str| s.replacen("quote: \"kata\"", "quote: \"kat\"", 1)),
            format!(
                ":{kata_line}:9: span #6: quote \"kat\" does not match the text at 1026..1030, which reads \"kata\""
            ),
        ),
        (
            "duplicate id",
            Box::new(|s: &str| s.replacen("(id: 6, label", "(id: 5, label", 1)),
            format!(":{kata_line}:9: span #5: id 5 is already used"),
        ),
        (
            "relation to a missing span",
            Box::new(|s: &str| s.replacen("Span(\"source\", 5)", "Span(\"source\", 500)", 1)),
            format!(":{}:9: relation #7: no span #500", line_of("(id: 7, type: \"said_by\"")),
        ),
        (
            "schema with duplicate hotkeys",
            Box::new(|s: &str| s.replacen("hotkey: Some('u')", "hotkey: Some('c')", 1)),
            format!(
                ":{}:13: schema labels[2] (Cue): hotkey 'c' is already used by label Claim",
                line_of("(name: \"Cue\", color")
            ),
        ),
        (
            "schema with a cycle",
            Box::new(|s: &str| {
                s.replacen(
                    "(name: \"Actor\", color: \"#4c9be8\",",
                    "(name: \"Actor\", color: \"#4c9be8\", parent: Some(\"Person\"),",
                    1,
                )
            }),
            format!(
                ":{}:13: schema entity_types[0] (Actor): parent \"Person\" makes a cycle of entity types",
                line_of("(name: \"Actor\"")
            ),
        ),
        (
            "text changed after annotation",
            Box::new(|s: &str| s.replacen("text: \"Vladimir Putin", "text: \"Vladimir Putln", 1)),
            ":4:5: document.sha256 is".to_string(),
        ),
        (
            "newer format version",
            Box::new(|s: &str| s.replacen("format_version: 1,", "format_version: 9,", 1)),
            ":3:5: format_version 9 is not supported".to_string(),
        ),
    ];
    for (name, edit, expected) in cases {
        let (code, err) = broken(edit);
        assert_eq!(code, 1, "{name}: exit code; stderr: {err}");
        assert!(err.contains(&format!("bad.sorot.ron{expected}")), "{name}: expected {expected:?} in:\n{err}");
    }
}

#[test]
fn truncated_file_points_at_the_end() {
    let src = std::fs::read_to_string(common::sample_annotations()).unwrap();
    let cut = src.find("    relations: [").unwrap();
    let (code, err) = broken(|s| s[..cut].to_string());
    assert_eq!(code, 1);
    let cut_line = src[..cut].lines().count() + 1;
    // ron reports the position where it ran out of input.
    let prefix = "bad.sorot.ron:";
    let rest = err.strip_prefix(prefix).unwrap_or_else(|| panic!("{err}"));
    let line: usize = rest.split(':').next().unwrap().parse().unwrap();
    assert!(line + 1 >= cut_line, "line {line} for a file cut at line {cut_line}: {err}");
}

#[test]
fn stats_counts_labels_relations_entities_and_review() {
    let o = sorot(&["stats", common::sample_annotations().to_str().unwrap()], &common::repo());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "    Claim: 5",
        "    Cue: 4",
        "    Country: 6",
        "    arms_transfer: 2",
        "    said_by: 2",
        "Russia (Country, Q159): 3 mentions",
        "    unreviewed: ",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

#[test]
fn init_creates_then_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("\u{201c}Café\u{201d} kata juru bicara.\r\nRésumé.");
    std::fs::write(dir.path().join("legacy.txt"), &bytes).unwrap();
    let o = sorot(&["init", "legacy.txt"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("legacy.sorot.ron: created (windows-1252)"), "{}", stdout(&o));
    let store = sorot::io::load_annotations(&dir.path().join("legacy.sorot.ron")).unwrap();
    assert_eq!(store.text().as_str(), "\u{201c}Café\u{201d} kata juru bicara.\nRésumé.");
    assert_eq!(store.meta.encoding, "windows-1252");

    let o = sorot(&["init", "legacy.txt"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists (use --force to overwrite)"), "{}", stderr(&o));
    let o = sorot(&["init", "--force", "legacy.txt"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn init_reports_bad_articles() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), b"").unwrap();
    std::fs::write(dir.path().join("blob.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let o = sorot(&["init", "empty.txt", "blob.txt", "missing.txt"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("empty.txt: the file is empty"), "{err}");
    assert!(err.contains("blob.txt: this looks like a binary file"), "{err}");
    assert!(err.contains("missing.txt: cannot read"), "{err}");
}

#[test]
fn every_subcommand_has_help() {
    for sub in ["validate", "stats", "init"] {
        let o = sorot(&[sub, "--help"], &common::repo());
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains("Usage: sorot"), "{sub}: {}", stdout(&o));
    }
    let o = sorot(&["validate"], &common::repo());
    assert_eq!(o.status.code(), Some(2), "missing arguments are a usage error");
}

#[test]
fn stats_of_a_folder_ends_with_the_total_and_speaks_json() {
    let dir = common::build_corpus();
    let o = sorot(&["stats", "."], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    // Three files, each with its block, then the total.
    assert_eq!(text.matches(": state ").count() + text.matches(", state ").count(), 3, "{text}");
    let total = &text[text.find("total: 3 files").expect("a total")..];
    assert!(total.contains("  states: done 1, in progress 1, new 1"), "{total}");
    assert!(total.contains("  annotators: dewi 1, rizal 1, sample 1"), "{total}");
    let o = sorot(&["stats", ".", "--json"], dir.path());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    let sum: u64 = files.iter().map(|f| f["counts"]["spans"].as_u64().unwrap()).sum();
    assert_eq!(v["total"]["spans"].as_u64(), Some(sum));
    let o = sorot(&["stats", ".", "--total"], dir.path());
    assert!(stdout(&o).starts_with("total: 3 files"), "{}", stdout(&o));
}
