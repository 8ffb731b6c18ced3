//! Suggestions learnt from the analyst's labels (issue 17): measured with
//! `sorot suggest evaluate`, written by `sorot suggest apply`, streamed by
//! `sorot suggest stream`, and kept in the file (where an accepted span came
//! from, which suggestions were rejected).

use std::collections::HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use proptest::prelude::*;
use sorot::model::{ByteRange, DocMeta, Edit, Store, Text};
use sorot::suggest::{self, Learner, Perceptron};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/nergrit").join(name)
}

fn sorot(args: &[&str]) -> (i32, String, String) {
    crate::common::sorot_run(args)
}

/// `suggest evaluate` on the vendored NERGrit slice gives the figures this
/// test computes itself from what `suggest apply` writes onto the same
/// texts with their annotations taken away.
#[test]
fn evaluate_reports_what_apply_writes_scored_independently() {
    let (train, valid) = (data("train.txt"), data("valid.txt"));
    let (code, out, err) = sorot(&[
        "suggest",
        "evaluate",
        "--train",
        train.to_str().unwrap(),
        "--test",
        valid.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["train_documents"], 1);
    assert_eq!(report["test_documents"], 1);
    let labels: Vec<&String> = report["labels"].as_object().unwrap().keys().collect();
    assert_eq!(labels, ["ORGANISATION", "PERSON", "PLACE"]);

    // The same texts, without their annotations, pre-annotated by `apply`.
    let mut sink = Vec::new();
    let gold = sorot::cli::suggest::read_documents(std::slice::from_ref(&valid), &mut sink).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let bare_dir = dir.path().join("bare");
    std::fs::create_dir(&bare_dir).unwrap();
    let mut inputs = Vec::new();
    for (path, store) in &gold {
        let bare =
            Store::new(store.text().clone(), store.schema().clone(), DocMeta { id: "v".into(), ..DocMeta::default() });
        let p = bare_dir.join(path.file_name().unwrap());
        sorot::io::save_annotations(&p, &bare).unwrap();
        inputs.push(p);
    }
    let out_dir = dir.path().join("out");
    let mut args = vec!["suggest", "apply", "--train", train.to_str().unwrap(), "--out", out_dir.to_str().unwrap()];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    let (code, stdout, err) = sorot(&args);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("suggested spans in all, from perceptron 1 trained on 1 document"), "{stdout}");

    let (mut matched, mut suggested, mut wanted) = (0usize, 0usize, 0usize);
    for (path, gold) in &gold {
        let written = sorot::io::load_annotations(&out_dir.join(path.file_name().unwrap())).unwrap();
        let spans = |s: &Store| -> HashSet<(usize, usize, String)> {
            s.spans().map(|sp| (sp.extent().start(), sp.extent().end(), s.label_name(sp.label).to_owned())).collect()
        };
        let (want, got) = (spans(gold), spans(&written));
        // Every written span records that it was suggested, unreviewed.
        for sp in written.spans() {
            let origin = sp.suggested.as_deref().expect("where it came from");
            assert_eq!((origin.source.as_str(), origin.version.as_str()), ("model", "perceptron 1"));
            assert!(origin.score <= 1000);
            assert_eq!(sp.review.status, sorot::model::ReviewStatus::Unreviewed);
        }
        matched += want.intersection(&got).count();
        suggested += got.len();
        wanted += want.len();
    }
    let (p, r) = (matched as f64 / suggested as f64, matched as f64 / wanted as f64);
    let f1 = 2.0 * p * r / (p + r);
    let figure = |k: &str| report["overall"][k].as_f64().unwrap();
    assert!((figure("precision") - p).abs() < 1e-9, "{} vs {p}", figure("precision"));
    assert!((figure("recall") - r).abs() < 1e-9, "{} vs {r}", figure("recall"));
    assert!((figure("f1") - f1).abs() < 1e-9);
    // 400 training sentences: the reference CRF scores 0.58 on this slice
    // (`.ci/python-checks` compares the two on it).
    assert!(f1 > 0.5, "F1 {f1}");

    // Not over files that exist, unless asked.
    let (code, _, err) = sorot(&args);
    assert_eq!(code, 2);
    assert!(err.contains("exists") && err.contains("--force"), "{err}");
}

/// The stream answers each line, in code points, and goes on after a bad one.
#[test]
fn stream_answers_each_jsonl_line_in_code_points() {
    let train = data("train.txt");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sorot"))
        .args(["suggest", "stream", "--train", train.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let text = "👍🏽 “Kata” Presiden Joko Widodo di Jakarta , Indonesia .";
    let lines = format!("{}\nnot json\n{{\"id\": 7}}\n", serde_json::json!({"text": text, "id": 1}));
    child.stdin.take().unwrap().write_all(lines.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answers: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0]["id"], 1, "other keys are kept");
    assert_eq!(answers[0]["suggested_by"], "perceptron 1");
    let chars: Vec<char> = text.chars().collect();
    let found: Vec<(String, String)> = answers[0]["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let (a, b) = (s[0].as_u64().unwrap() as usize, s[1].as_u64().unwrap() as usize);
            (chars[a..b].iter().collect(), s[2].as_str().unwrap().to_owned())
        })
        .collect();
    assert!(found.contains(&("Jakarta".into(), "PLACE".into())), "{found:?}");
    assert!(answers[1]["error"].as_str().unwrap().contains("line 2"));
    assert!(answers[2]["error"].as_str().unwrap().contains("no \"text\""));
}

fn tiny_model() -> Box<dyn suggest::Model> {
    let src = std::fs::read_to_string(data("train.txt")).unwrap();
    let docs = sorot::io::import::conll::parse("t", &src).unwrap();
    let (seqs, labels) = suggest::tagger::sequences_of(docs.iter().flatten().take(150).map(Vec::as_slice));
    Perceptron::default().train(&seqs, &labels, &|_, _| {})
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the text (curly quotes, emoji, combining marks, Hangul,
    /// CRLF, a BOM), suggestions lie on character boundaries inside it,
    /// never repeat a span the document has, and a rejected one stays away.
    #[test]
    fn suggestions_stay_on_characters_and_never_repeat_or_come_back(
        words in proptest::collection::vec(
            prop_oneof![
                Just("Joko"), Just("Widodo"), Just("Jakarta"), Just("di"), Just("“Kata”"), Just("👍🏽"),
                Just("e\u{301}"), Just("한국어"), Just("\r\n"), Just("\u{feff}"), Just("Presiden"), Just("."),
                Just("Indonesia"), Just("🇰🇷"), Just("PT"), Just("Bank"),
            ],
            1..40,
        )
    ) {
        let text = words.join(" ");
        let model = tiny_model_cached();
        let found = suggest::suggest(model, &text);
        for s in &found {
            prop_assert!(s.range.start() < s.range.end() && s.range.end() <= text.len());
            prop_assert!(text.is_char_boundary(s.range.start()) && text.is_char_boundary(s.range.end()));
            prop_assert!((0.0..=1.0).contains(&s.score));
        }
        let mut schema = sorot::model::Schema::default_news();
        for l in model.labels() {
            if schema.label_index(l).is_none() {
                schema.labels.push(sorot::model::LabelDef { name: l.clone(), hotkey: None, ..schema.labels[0].clone() });
            }
        }
        let mut store = Store::new(Text::new(text.as_str()), schema, DocMeta::default());
        let edit = suggest::accept_edit(&mut store, &found, "t", sorot::model::Timestamp(1));
        store.apply(edit).unwrap();
        // Accepted: none is suggested again.
        prop_assert!(suggest::new_for(&store, found.clone()).is_empty());
        // Rejected (and the span gone): it does not come back.
        if let Some(first) = found.first() {
            let label = store.schema().label_index(&first.label).unwrap() as u16;
            let id = store.spans().find(|s| s.ranges[0] == first.range && s.label == label).unwrap().id;
            store.apply(Edit::Batch(vec![Edit::RemoveSpan(id), Edit::RejectSuggestion(first.range, label)])).unwrap();
            let again = suggest::new_for(&store, found.clone());
            prop_assert!(!again.iter().any(|s| s.range == first.range && s.label == first.label));
            // And it is kept in the file.
            let (back, _) = sorot::io::from_ron_str(&sorot::io::to_ron_string(&store)).unwrap();
            prop_assert!(back.is_rejected(first.range, label));
            prop_assert_eq!(back, store);
        }
    }
}

fn suggestion(range: (usize, usize), label: &str, source: suggest::Source) -> suggest::Suggestion {
    suggest::Suggestion {
        range: ByteRange::new(range.0, range.1),
        label: label.into(),
        score: 0.9,
        source,
        entity: None,
        frame: None,
    }
}

proptest! {
    /// Combining the dictionary's suggestions with the model's keeps every
    /// one of the dictionary's and exactly the model's that overlap none of
    /// them (checked against each pair), in order.
    #[test]
    fn combining_keeps_the_models_suggestions_that_overlap_no_dictionary_one(
        dict in proptest::collection::vec((0usize..200, 1usize..20), 0..30),
        model in proptest::collection::vec((0usize..200, 1usize..20), 0..30),
    ) {
        let d: Vec<_> = dict.iter().map(|&(s, n)| suggestion((s, s + n), "A", suggest::Source::Dictionary("d".into()))).collect();
        let m: Vec<_> = model.iter().map(|&(s, n)| suggestion((s, s + n), "B", suggest::Source::Model("m".into()))).collect();
        let got = suggest::combine(d.clone(), m.clone());
        let mut want: Vec<_> = d.clone();
        want.extend(m.iter().filter(|m| !d.iter().any(|d| d.range.overlaps(m.range))).cloned());
        want.sort_by_key(|s| (s.range.start(), s.range.end()));
        let key = |v: &[suggest::Suggestion]| v.iter().map(|s| (s.range, s.label.clone())).collect::<Vec<_>>();
        // Sorting is stable only up to equal extents: compare as sets too.
        let (mut a, mut b) = (key(&got), key(&want));
        a.sort();
        b.sort();
        prop_assert_eq!(a, b);
        prop_assert!(got.windows(2).all(|w| w[0].range.start <= w[1].range.start));
    }

    /// What a source finds in the lines around a range is what it finds in
    /// the whole text there, at the same places (curly quotes, emoji,
    /// combining marks, Hangul, CRLF, a BOM).
    #[test]
    fn the_visible_part_is_suggested_as_in_the_whole_text(
        lines in proptest::collection::vec(
            proptest::collection::vec(
                prop_oneof![
                    Just("Joko"), Just("Widodo"), Just("Jakarta"), Just("di"), Just("“Kata”"), Just("👍🏽"),
                    Just("e\u{301}"), Just("한국어"), Just("\r"), Just("\u{feff}"), Just("Presiden"), Just("."),
                ],
                0..12,
            ),
            1..8,
        ),
        at in 0usize..1000,
        len in 0usize..200,
    ) {
        let text = lines.iter().map(|l| l.join(" ")).collect::<Vec<_>>().join("\n");
        let model = tiny_model_cached();
        let whole = suggest::suggest(model, &text);
        let mut from = at.min(text.len());
        while !text.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (from + len).min(text.len());
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        let part = suggest::in_lines(&text, ByteRange::new(from, to), |t| suggest::suggest(model, t));
        let first = text[..from].rfind('\n').map_or(0, |i| i + 1);
        let last = text[to..].find('\n').map_or(text.len(), |i| to + i);
        let expected: Vec<_> =
            whole.iter().filter(|s| s.range.start() >= first && s.range.end() <= last).cloned().collect();
        prop_assert_eq!(part, expected);
    }
}

fn tiny_model_cached() -> &'static dyn suggest::Model {
    static MODEL: std::sync::OnceLock<Box<dyn suggest::Model>> = std::sync::OnceLock::new();
    MODEL.get_or_init(tiny_model).as_ref()
}

/// Where an accepted span came from, and the rejections, survive the file
/// (the fast reader and `ron` read the same), and a damaged rejection is a
/// clear load error.
#[test]
fn origins_and_rejections_are_kept_in_the_file() {
    let text = "Kata Joko Widodo di Jakarta.";
    let mut store = Store::new(Text::new(text), sorot::model::Schema::default_news(), DocMeta::default());
    let found = vec![suggest::Suggestion {
        range: ByteRange::new(5, 16),
        label: "Person".into(),
        score: 0.876,
        source: suggest::Source::Model("perceptron 1".into()),
        entity: None,
        frame: None,
    }];
    let edit = suggest::accept_edit(&mut store, &found, "dewi", sorot::model::Timestamp(1));
    store.apply(edit).unwrap();
    let location = store.schema().label_index("Location").unwrap() as u16;
    store.apply(Edit::RejectSuggestion(ByteRange::new(20, 27), location)).unwrap();
    let ron = sorot::io::to_ron_string(&store);
    assert!(
        ron.contains("suggested: Some((source: \"model\", version: \"perceptron 1\", score_per_mille: 876))"),
        "{ron}"
    );
    assert!(
        ron.contains("rejected: [\n        (start_byte: 20, end_byte: 27, label: \"Location\", quote: \"Jakarta\"),"),
        "{ron}"
    );
    assert_eq!(sorot::io::ronfile::fast_path_check(&ron), Some(true));
    let (back, _) = sorot::io::from_ron_str(&ron).unwrap();
    assert_eq!(back, store);
    let span = back.spans().next().unwrap();
    assert_eq!(span.suggested.as_deref().unwrap().describe(), "model (perceptron 1), score 0.88");
    let bad = ron.replace("quote: \"Jakarta\")", "quote: \"Bandung\")");
    let e = format!("{:#}", sorot::io::from_ron_str(&bad).unwrap_err());
    assert!(e.contains("rejected #1") && e.contains("Bandung"), "{e}");
}

/// Two inputs of one name (from two folders) are both written: the second
/// under another name, never over the first.
#[test]
fn apply_writes_two_inputs_of_one_name_to_two_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = Vec::new();
    for (folder, text) in [("a", "Kata Joko Widodo di Jakarta .\n"), ("b", "Menurut Joko Widodo , Bandung ramai .\n")] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
        let p = dir.path().join(folder).join("x.sorot.ron");
        let store = Store::new(Text::new(text), sorot::model::Schema::default_news(), DocMeta::default());
        sorot::io::save_annotations(&p, &store).unwrap();
        inputs.push(p);
    }
    let out = dir.path().join("out");
    let train = data("train.txt");
    let (code, stdout, err) = sorot(&[
        "suggest",
        "apply",
        "--train",
        train.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        inputs[0].to_str().unwrap(),
        inputs[1].to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let a = sorot::io::load_annotations(&out.join("x.sorot.ron")).unwrap();
    let b = sorot::io::load_annotations(&out.join("x-2.sorot.ron")).unwrap();
    assert!(a.text().as_str().starts_with("Kata"), "{stdout}");
    assert!(b.text().as_str().starts_with("Menurut"), "{stdout}");
}

/// A rejected suggestion is negative evidence for the model: a document
/// with no spans yet but with rejections teaches the passages that hold
/// them (and nothing else of it), and the rejected name is then suggested
/// with less confidence, or not at all.
#[test]
fn rejected_suggestions_teach_the_model() {
    let find = |text: &str, word: &str| {
        let at = text.find(word).unwrap();
        ByteRange::new(at, at + word.len())
    };
    let labelled = "Pejabat di Moskow menyebut Rusia siap membantu .\n\
                    Menurut Moskow , Rusia tidak mengirim senjata .\n\
                    Delegasi dari Moskow tiba di Rusia kemarin .\n";
    let mut a = crate::common::store_of(labelled, "a");
    let mut b = crate::common::Builder { store: &mut a, author: "dewi" };
    for (line, start) in labelled.lines().scan(0, |at, l| {
        let start = *at;
        *at += l.len() + 1;
        Some((l, start))
    }) {
        for word in ["Moskow", "Rusia"] {
            let r = find(line, word);
            b.span("Country", ByteRange::new(start + r.start(), start + r.end()), &[]);
        }
    }
    let rejecting = "Klub Moskow menang tadi malam .\nHari ini cerah .\nKlub Moskow kalah lagi .\nPasar ramai .\n";
    let mut rej = crate::common::store_of(rejecting, "b");
    let country = rej.schema().label_index("Country").unwrap() as u16;
    for line in ["Klub Moskow menang", "Klub Moskow kalah"] {
        let at = rejecting.find(line).unwrap() + "Klub ".len();
        rej.apply(Edit::RejectSuggestion(ByteRange::new(at, at + "Moskow".len()), country)).unwrap();
    }
    let labels = vec!["Country".to_owned()];
    // Only the two lines that hold a rejection, every word outside.
    let taught = suggest::training_sequences(&rej, &labels);
    assert_eq!(taught.len(), 2);
    assert!(taught.iter().all(|s| s.words.contains(&"Moskow".to_owned()) && s.tags.iter().all(|&t| t == 0)));
    // A document with neither spans nor rejections teaches nothing.
    assert!(suggest::training_sequences(&crate::common::store_of("Klub Moskow .\n", "c"), &labels).is_empty());

    let test = "Klub Moskow bermain lagi .";
    let score = |stores: &[&Store]| {
        let model = Perceptron::default().train(&suggest::folder_sequences(stores, &labels), &labels, &|_, _| {});
        suggest::suggest(model.as_ref(), test)
            .into_iter()
            .find(|s| &test[s.range.as_range()] == "Moskow")
            .map_or(0.0, |s| s.score)
    };
    let (before, after) = (score(&[&a]), score(&[&a, &rej]));
    assert!(before > 0.5, "learnt from the labels: {before}");
    assert!(after < before, "rejections lower it: {before} -> {after}");
    // A document with no spans and no rejection changes nothing.
    let unlabelled = crate::common::store_of("Klub Moskow menang tadi malam .\n", "d");
    assert_eq!(score(&[&a, &unlabelled]), before);
}
