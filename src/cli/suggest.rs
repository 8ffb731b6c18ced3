//! `sorot suggest`: measure the suggestion model on held-out files, and
//! pre-annotate files with it (in batch, or as a stream of doccano JSONL).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use crate::io;
use crate::model::{Schema, Store};
use crate::suggest::{self, Perceptron, evaluate};

/// Whether `src` reads as CoNLL: every non-blank line `word … TAG` with an
/// IOB2 tag (and at least one such line).
fn looks_like_conll(src: &str) -> bool {
    let mut any = false;
    for line in src.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("-DOCSTART-")) {
        let tag = line.rsplit([' ', '\t']).next().unwrap_or("");
        let ok = line.contains([' ', '\t'])
            && (tag == "O" || tag.split_once('-').is_some_and(|(p, l)| (p == "B" || p == "I") && !l.is_empty()));
        if !ok {
            return false;
        }
        any = true;
    }
    any
}

/// The documents under `inputs`: annotation files (`.sorot.ron`), CoNLL
/// files (`.conll`, or a `.txt` whose every line is `word TAG`; each
/// document gets a schema with its labels) and articles (text, Markdown,
/// web pages, PDF, Word, OpenDocument: their text, with the annotations of
/// their annotation file when it exists beside them, else none).
pub fn read_documents(inputs: &[PathBuf], err: &mut dyn Write) -> Option<Vec<(PathBuf, Store)>> {
    let files = io::files_under(inputs, |p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
        name.ends_with(io::ANNOTATION_SUFFIX) || ext == "conll"
    });
    let mut out = Vec::new();
    let mut failed = false;
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(io::ANNOTATION_SUFFIX) {
            match io::load_annotations(&f) {
                Ok(s) => out.push((f, s)),
                Err(e) => {
                    failed = true;
                    let _ = writeln!(err, "{e:#}");
                }
            }
            continue;
        }
        let is_conll = f.extension().is_some_and(|e| e.eq_ignore_ascii_case("conll"))
            || std::fs::read_to_string(&f).is_ok_and(|src| looks_like_conll(&src));
        if !is_conll {
            // An article: its annotations if it has some, else its text alone.
            let ann = io::default_annotation_path(&f, None);
            let read = if ann.exists() {
                io::load_annotations(&ann)
            } else {
                io::read_article(&f).map(|a| io::store_for_article(&f, a, Schema::default_news()))
            };
            match read {
                Ok(s) => out.push((ann, s)),
                Err(e) => {
                    failed = true;
                    let _ = writeln!(err, "{e:#}");
                }
            }
            continue;
        }
        let docs = match io::import::read_conll(&f) {
            Ok(d) => d,
            Err(e) => {
                failed = true;
                let _ = writeln!(err, "{e} (read as CoNLL: `word TAG` per line)");
                continue;
            }
        };
        let mut schema = Schema::default_news();
        io::import::add_to_schema(&mut schema, &docs);
        for d in &docs {
            match io::import::build_store(d, &schema, io::export::Offsets::CodePoints, "conll") {
                Ok(s) => out.push((f.with_file_name(format!("{}{}", d.name, io::ANNOTATION_SUFFIX)), s)),
                Err(e) => {
                    failed = true;
                    let _ = writeln!(err, "{e}");
                }
            }
        }
    }
    (!failed).then_some(out)
}

/// `sorot suggest evaluate --train PATH… --test PATH… [--json]`.
pub fn evaluate(train: &[PathBuf], test: &[PathBuf], json: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (Some(train), Some(test)) = (read_documents(train, err), read_documents(test, err)) else {
        let _ = writeln!(err, "nothing was evaluated: the files above cannot be read");
        return 2;
    };
    for (what, docs) in [("--train", &train), ("--test", &test)] {
        if docs.iter().all(|(_, s)| s.spans().len() == 0) {
            let _ = writeln!(
                err,
                "{what}: no annotated spans in these files (annotation files, CoNLL files or annotated articles)"
            );
            return 2;
        }
    }
    let train: Vec<&Store> = train.iter().map(|(_, s)| s).collect();
    let test: Vec<&Store> = test.iter().map(|(_, s)| s).collect();
    let report = evaluate::evaluate(&Perceptron::default(), &train, &test, &|_, _| {});
    // Labels of the test files the training files never use are not
    // suggested, so not scored: said, not hidden.
    let trained = suggest::labels_in(&train, None);
    let mut unscored: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for s in &test {
        for sp in s.spans() {
            let l = s.label_name(sp.label);
            if !trained.iter().any(|t| t == l) {
                *unscored.entry(l.to_owned()).or_default() += 1;
            }
        }
    }
    if !unscored.is_empty() {
        let list: Vec<String> = unscored.iter().map(|(l, n)| format!("{l} ({n})")).collect();
        let _ = writeln!(err, "not scored (the training files have no spans of these labels): {}", list.join(", "));
    }
    let _ = if json {
        writeln!(out, "{}", evaluate::to_json(&report))
    } else {
        write!(out, "{}", evaluate::to_text(&report))
    };
    0
}

/// The spans `suggestions` add to `store` as unreviewed annotations that
/// record where they came from; those already there (same extent and
/// label) or rejected before are left out. Returns how many were added.
pub fn add_suggestions(store: &mut Store, suggestions: &[suggest::Suggestion], author: &str) -> usize {
    let edit = suggest::accept_edit(store, suggestions, author, crate::model::Timestamp::now());
    let n = match &edit {
        crate::model::Edit::Batch(e) => e.len(),
        _ => 1,
    };
    match store.apply(edit) {
        Ok(_) => n,
        Err(_) => 0,
    }
}

/// The model trained on the documents under `train`, and how many there
/// were; `None` (with the reason after `nothing`) when they cannot be read
/// or have no spans.
fn trained(train: &[PathBuf], nothing: &str, err: &mut dyn Write) -> Option<(Box<dyn suggest::Model>, usize)> {
    let Some(train) = read_documents(train, err) else {
        let _ = writeln!(err, "{nothing}: the files above cannot be read");
        return None;
    };
    let train: Vec<&Store> = train.iter().map(|(_, s)| s).collect();
    let labels = suggest::labels_in(&train, None);
    if labels.is_empty() {
        let _ = writeln!(err, "{nothing}: the training files have no spans to learn from");
        return None;
    }
    Some((suggest::train(&Perceptron::default(), &train, &labels, &|_, _| {}), train.len()))
}

/// `sorot suggest apply --train PATH… --out DIR INPUT…`: trains on the
/// annotations under `--train` and writes each input, with what the model
/// suggests added as unreviewed annotations, to `--out` (never over an
/// existing file unless `force`).
pub fn apply(
    train: &[PathBuf],
    inputs: &[PathBuf],
    dest: &Path,
    force: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some((model, documents)) = trained(train, "nothing was written", err) else { return 2 };
    let Some(inputs) = read_documents(inputs, err) else {
        let _ = writeln!(err, "nothing was written: the files above cannot be read");
        return 2;
    };
    let labels = model.labels().to_vec();
    // One file per input, never two under one name (`x.sorot.ron` from two
    // folders: the second is `x-2.sorot.ron`), so no input replaces another.
    let mut taken = io::export::UniqueNames::default();
    let targets: Vec<PathBuf> = inputs
        .iter()
        .map(|(p, _)| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let stem = name.strip_suffix(io::ANNOTATION_SUFFIX).unwrap_or(&name);
            dest.join(format!("{}{}", taken.claim(stem), io::ANNOTATION_SUFFIX))
        })
        .collect();
    let existing: Vec<&PathBuf> = targets.iter().filter(|t| t.exists()).collect();
    if !force && !existing.is_empty() {
        for e in existing {
            let _ = writeln!(err, "{} exists", e.display());
        }
        let _ = writeln!(err, "nothing was written; --force replaces them");
        return 2;
    }
    if let Err(e) = std::fs::create_dir_all(dest) {
        let _ = writeln!(err, "{}: cannot create the folder: {e}", dest.display());
        return 2;
    }
    let author = format!("sorot-suggest ({})", model.version());
    let mut total = 0;
    for ((_, mut store), target) in inputs.into_iter().zip(targets) {
        let suggestions = suggest::suggest(model.as_ref(), store.text().as_str());
        // A label the file's schema does not have cannot be added to it.
        let foreign: Vec<&str> =
            labels.iter().filter(|l| store.schema().label_index(l).is_none()).map(String::as_str).collect();
        let left_out = suggestions.iter().filter(|s| foreign.contains(&s.label.as_str())).count();
        let n = add_suggestions(&mut store, &suggestions, &author);
        total += n;
        if let Err(e) = io::save_annotations(&target, &store) {
            let _ = writeln!(err, "{e:#}");
            return 1;
        }
        let more = if left_out > 0 {
            format!(" ({left_out} left out: {} not in its schema)", foreign.join(", "))
        } else {
            String::new()
        };
        let _ = writeln!(out, "{}: {}{more}", target.display(), crate::model::plural(n, "suggested span"));
    }
    let _ = writeln!(
        out,
        "{} in all, from {} trained on {}",
        crate::model::plural(total, "suggested span"),
        model.version(),
        crate::model::plural(documents, "document")
    );
    0
}

/// `sorot suggest stream --train PATH…`: doccano JSONL on stdin (one
/// `{"text": …}` object per line, other keys kept), the same objects on
/// stdout with the model's suggestions under `"suggestions"`:
/// `[[start, end, label, score], …]` in code points. The model is trained
/// once; a line that is not such an object is answered with
/// `{"error": …}` and the stream goes on.
pub fn stream(train: &[PathBuf], input: &mut dyn BufRead, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let Some((model, _)) = trained(train, "nothing was suggested", err) else { return 2 };
    let mut line = String::new();
    let mut n = 0usize;
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                let _ = writeln!(err, "stdin: {e}");
                return 1;
            }
        }
        n += 1;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(serde_json::Value::Object(mut obj)) => match obj.get("text").and_then(|t| t.as_str()) {
                Some(text) => {
                    let text = text.to_owned();
                    let index = crate::model::TextIndex::new(&text);
                    let found: Vec<serde_json::Value> = suggest::suggest(model.as_ref(), &text)
                        .into_iter()
                        .map(|s| {
                            let char_at = |b: usize| index.byte_to_char(&text, b);
                            let (a, b) = (char_at(s.range.start()), char_at(s.range.end()));
                            serde_json::json!([a, b, s.label, (f64::from(s.score) * 1000.0).round() / 1000.0])
                        })
                        .collect();
                    obj.insert("suggestions".into(), serde_json::Value::Array(found));
                    obj.insert("suggested_by".into(), serde_json::Value::String(model.version().to_owned()));
                    serde_json::Value::Object(obj)
                }
                None => serde_json::json!({"error": format!("line {n}: no \"text\" string")}),
            },
            Ok(_) => serde_json::json!({"error": format!("line {n}: not a JSON object")}),
            Err(e) => {
                let what = e.to_string();
                let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
                serde_json::json!({"error": format!("line {n}: not JSON ({what}, column {})", e.column())})
            }
        };
        if writeln!(out, "{answer}").is_err() {
            // The reader went away (a closed pipe): stop quietly.
            return 0;
        }
    }
    0
}
