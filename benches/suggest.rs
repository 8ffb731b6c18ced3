//! The suggestion model against its targets (issue #17): accuracy along a
//! learning curve, training time, tagging time, model size.
//!
//! `cargo bench --bench suggest [-- TRAIN.conll TEST.conll]`: with no files,
//! the NERGrit slice vendored in `tests/data/nergrit` (Apache-2.0). Prints,
//! for each training size, precision / recall / F1 (exact span and label)
//! and the training time beside its floor measured in the same run (reading
//! the features of every sentence once: what any learner must do), then the
//! time to tag a 2 KB article and the model's size.

use std::time::Instant;

use sorot::suggest::tagger::{self, Learner, Perceptron, Sequence, chunks, sequences_of};

fn read(path: &str) -> (Vec<Sequence>, Vec<String>) {
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let docs = sorot::io::import::conll::parse(path, &src).unwrap_or_else(|e| panic!("{e}"));
    sequences_of(docs.iter().flatten().map(Vec::as_slice))
}

/// Exact-span P/R/F1 of `model` on `test` (whose labels are renumbered to
/// the model's).
fn score(model: &dyn tagger::Model, test: &[Sequence], test_labels: &[String]) -> (f64, f64, f64) {
    let (mut matched, mut gold_n, mut pred_n) = (0usize, 0usize, 0usize);
    for s in test {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        let pred: Vec<u16> = model.tag(&words).into_iter().map(|(t, _)| t).collect();
        let gold: Vec<(usize, usize, &str)> =
            chunks(&s.tags).into_iter().map(|(a, b, k)| (a, b, test_labels[k].as_str())).collect();
        let got: Vec<(usize, usize, &str)> =
            chunks(&pred).into_iter().map(|(a, b, k)| (a, b, model.labels()[k].as_str())).collect();
        matched += got.iter().filter(|g| gold.contains(g)).count();
        gold_n += gold.len();
        pred_n += got.len();
    }
    let p = matched as f64 / pred_n.max(1) as f64;
    let r = matched as f64 / gold_n.max(1) as f64;
    (p, r, if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let here = env!("CARGO_MANIFEST_DIR");
    let (train_path, test_path) = match args.as_slice() {
        [a, b, ..] => (a.clone(), b.clone()),
        _ => (format!("{here}/tests/data/nergrit/train.txt"), format!("{here}/tests/data/nergrit/valid.txt")),
    };
    let (train, labels) = read(&train_path);
    let (test, test_labels) = read(&test_path);
    println!("train {train_path}: {} sentences; test {test_path}: {} sentences", train.len(), test.len());
    let mut sizes: Vec<usize> =
        [100, 200, 400, 800, 1600, 3200, 6400].into_iter().filter(|&n| n < train.len()).collect();
    sizes.push(train.len());
    let learner = Perceptron::default();
    for n in sizes {
        let part = &train[..n];
        let t = Instant::now();
        let model = learner.train(part, &labels, &|_, _| {});
        let train_s = t.elapsed().as_secs_f64();
        // The floor: the features of every sentence, read once.
        let t = Instant::now();
        let mut sink = 0usize;
        for s in part {
            let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
            sink += tagger::feature_count(&words);
        }
        let floor_s = t.elapsed().as_secs_f64();
        let (p, r, f) = score(model.as_ref(), &test, &test_labels);
        println!(
            "{n:>5} sentences: P {p:.3} R {r:.3} F1 {f:.3} · train {train_s:.2} s (floor, features read once: \
             {floor_s:.3} s, {sink} features) · model {:.1} MB",
            model.heap_bytes() as f64 / 1e6
        );
    }

    // Speed at 7,000 sentences (target: 10 s): the training sentences
    // repeated (as many distinct features as the data has, so the model is
    // no larger than on it; the work per sentence is the same).
    let big: Vec<Sequence> = train.iter().cycle().take(7000).cloned().collect();
    let t = Instant::now();
    let model = learner.train(&big, &labels, &|_, _| {});
    let train_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut sink = 0usize;
    for s in &big {
        let words: Vec<&str> = s.words.iter().map(String::as_str).collect();
        sink += tagger::feature_count(&words);
    }
    let floor_s = t.elapsed().as_secs_f64();
    println!(
        "7000 sentences: train {train_s:.2} s (target 10 s; floor, features read once: {floor_s:.3} s, {sink} features)"
    );

    // Suggestions for a 2 KB article (target: 20 ms), through the text path
    // the window uses (words, lines, decoding, spans), against the floor of
    // splitting it into words alone.
    let mut article = String::new();
    for s in test.iter().cycle() {
        if article.len() >= 2048 {
            break;
        }
        article.push_str(&s.words.join(" "));
        article.push('\n');
    }
    let runs = 50;
    let t = Instant::now();
    let mut found = 0;
    for _ in 0..runs {
        found += sorot::suggest::suggest(model.as_ref(), &article).len();
    }
    let each = t.elapsed().as_secs_f64() * 1000.0 / runs as f64;
    let t = Instant::now();
    for _ in 0..runs {
        sink += sorot::model::tokens::Tokens::of(&article).spans.len();
    }
    let floor = t.elapsed().as_secs_f64() * 1000.0 / runs as f64;
    println!(
        "a {} B article: suggestions in {each:.2} ms (target 20 ms; floor, words alone: {floor:.2} ms; {} found)",
        article.len(),
        found / runs
    );
    std::hint::black_box(sink);
}
