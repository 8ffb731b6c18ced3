//! The suggestion model against its targets (issue #17): accuracy along a
//! learning curve, training time, tagging time, model size.
//!
//! `cargo bench --bench suggest [-- TRAIN.conll TEST.conll]`: with no files,
//! the NERGrit slice vendored in `tests/data/nergrit` (Apache-2.0). Prints,
//! for each training size, precision / recall / F1 (exact span and label)
//! and the training time beside its floor measured in the same run (reading
//! the features of every sentence once: what any learner must do), then the
//! time to tag a 2 KB article and the model's size; then the real window
//! (headless frames, no GPU) on a 10 MB article with suggestions on: how
//! soon the visible part's suggestions come, how long the frames take while
//! the model learns and reads, and while suggestions are accepted one key at
//! a time — beside the same frames with suggestions off.

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
    window(&train_path, &test);
}

/// The window on a 10 MB article of the test sentences, in a folder with
/// the training sentences labelled.
fn window(train_path: &str, test: &[Sequence]) {
    use egui::{Event, Key, Modifiers, Pos2, RawInput, Rect, vec2};
    use sorot::gui::{Action, Command, SorotApp};

    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let mut sink = Vec::new();
    let docs = sorot::cli::suggest::read_documents(&[train_path.into()], &mut sink).expect("training file");
    let schema = docs[0].1.schema().clone();
    for (i, (_, store)) in docs.iter().enumerate() {
        let mut store = store.clone();
        store.meta.state = sorot::model::DocState::Done;
        std::fs::write(d.join(format!("labelled-{i}.txt")), store.text().as_str()).expect("write");
        sorot::io::save_annotations(&d.join(format!("labelled-{i}.sorot.ron")), &store).expect("save");
    }
    let mut big = String::new();
    for s in test.iter().cycle() {
        if big.len() >= 10_000_000 {
            break;
        }
        big.push_str(&s.words.join(" "));
        big.push('\n');
    }
    std::fs::write(d.join("big.txt"), &big).expect("write");
    let store = sorot::model::Store::new(sorot::model::Text::new(big.as_str()), schema, Default::default());
    sorot::io::save_annotations(&d.join("big.sorot.ron"), &store).expect("save");

    let ctx = egui::Context::default();
    let input = |events: Vec<Event>| RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
        events,
        ..Default::default()
    };
    let frame = |app: &mut SorotApp, events: Vec<Event>| {
        let t = Instant::now();
        let out = ctx.run_ui(input(events), |ui| app.frame_ui(ui));
        std::hint::black_box(ctx.tessellate(out.shapes, out.pixels_per_point));
        t.elapsed().as_secs_f64() * 1000.0
    };
    let wheel = || {
        vec![
            Event::PointerMoved(Pos2::new(400.0, 400.0)),
            Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: vec2(0.0, -40.0),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: Default::default(),
            },
        ]
    };
    let key = |key: Key, modifiers: Modifiers| {
        vec![
            Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers },
            Event::Key { key, physical_key: None, pressed: false, repeat: false, modifiers },
        ]
    };
    let stats = |mut t: Vec<f64>| {
        t.sort_by(f64::total_cmp);
        let n = t.len();
        format!("{n} frames: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms", t[n / 2], t[n * 95 / 100], t[n - 1])
    };

    let mut app = SorotApp::opening_folder(d.to_owned());
    let opened = Instant::now();
    while app.doc.path.as_deref() != Some(d.join("big.sorot.ron").as_path())
        || app.is_loading()
        || app.corpus.as_ref().is_some_and(|c| c.is_scanning())
    {
        frame(&mut app, vec![]);
        assert!(opened.elapsed().as_secs() < 120, "the 10 MB article did not open");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    for _ in 0..5 {
        frame(&mut app, vec![]);
    }
    // The floor: the same frames with suggestions off.
    let off: Vec<f64> = (0..200).map(|_| frame(&mut app, wheel())).collect();

    app.push(Action::Run(Command::ToggleSuggestions));
    let on = Instant::now();
    let (mut busy, mut first, mut all) = (Vec::new(), None, None);
    while app.is_suggesting() || all.is_none() {
        busy.push(frame(&mut app, wheel()));
        let s = app.suggest.as_ref().expect("suggestions on");
        if first.is_none() && !s.items.is_empty() {
            first = Some((on.elapsed().as_secs_f64(), s.items.len()));
        }
        if !app.is_suggesting() && !s.items.is_empty() {
            all = Some((on.elapsed().as_secs_f64(), s.items.len()));
        }
        assert!(on.elapsed().as_secs() < 300, "suggestions did not come");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let (first, all) = (first.unwrap_or_default(), all.unwrap_or_default());
    // Half of them accepted at once (the bulk accept, one undo step): the
    // document then has tens of thousands of spans, as a worked one does.
    let half: Vec<_> = app.suggest.as_ref().map_or(Vec::new(), |s| s.items.iter().step_by(2).cloned().collect());
    let t = Instant::now();
    app.push(Action::Suggest(sorot::gui::SuggestAction::AcceptAll(half)));
    // Applied a slice per frame: the frames it takes, and the longest.
    let mut bulk_frames = vec![frame(&mut app, vec![])];
    while app.is_applying() {
        bulk_frames.push(frame(&mut app, vec![]));
    }
    let bulk = (app.doc.store.spans().len(), t.elapsed().as_secs_f64());
    let bulk_frame = bulk_frames.iter().copied().fold(0.0, f64::max);
    while app.is_suggesting() {
        frame(&mut app, vec![]);
    }
    // Then accepting one at a time (Alt+Enter), each followed by a frame.
    let mut accept = Vec::new();
    let before = app.doc.store.spans().len();
    for _ in 0..100 {
        accept.push(frame(&mut app, key(Key::Enter, Modifiers::ALT)));
        accept.push(frame(&mut app, vec![]));
    }
    let accepted = app.doc.store.spans().len() - before;
    while app.is_suggesting() {
        frame(&mut app, vec![]);
    }
    let with_on: Vec<f64> = (0..100).map(|_| frame(&mut app, wheel())).collect();
    // An edit that is not an accept, with suggestions on: undoing half of
    // the accepts one by one, each followed by a frame.
    let mut undo_on = Vec::new();
    for _ in 0..50 {
        undo_on.push(frame(&mut app, key(Key::Z, Modifiers::COMMAND)));
        undo_on.push(frame(&mut app, vec![]));
    }
    while app.is_suggesting() {
        frame(&mut app, vec![]);
    }
    app.push(Action::Run(Command::ToggleSuggestions));
    frame(&mut app, vec![]);
    let with_off: Vec<f64> = (0..100).map(|_| frame(&mut app, wheel())).collect();
    // The floor of an edit in this document: undoing the other half with
    // suggestions off.
    let mut undo = Vec::new();
    for _ in 0..50 {
        undo.push(frame(&mut app, key(Key::Z, Modifiers::COMMAND)));
        undo.push(frame(&mut app, vec![]));
    }
    // Then the bulk accept undone (one step, a slice per frame).
    let spans_before = app.doc.store.spans().len();
    let mut bulk_undo = vec![frame(&mut app, key(Key::Z, Modifiers::COMMAND))];
    while app.is_applying() {
        bulk_undo.push(frame(&mut app, vec![]));
    }
    let undone = spans_before - app.doc.store.spans().len();
    println!(
        "the window on a {} MB article of the test sentences (1280×800, run_ui + tessellate):",
        big.len() / 1_000_000
    );
    println!(
        "  suggestions on: the visible part's {} after {:.2} s, all {} after {:.2} s",
        first.1, first.0, all.1, all.0
    );
    println!("  frames, suggestions off (floor):        {}", stats(off));
    println!("  frames while learning and reading:      {}", stats(busy));
    println!(
        "  accepting half of them at once: {} spans in {:.2} s, {} frames, the longest {:.1} ms: {}",
        bulk.0,
        bulk.1,
        bulk_frames.len(),
        bulk_frame,
        stats(bulk_frames.clone())
    );
    println!("  then frames accepting one by one ({accepted} accepted): {}", stats(accept));
    println!("  then, scrolling: suggestions on {}; off {}", stats(with_on), stats(with_off));
    println!("  then undoing half of them one by one, suggestions on: {}", stats(undo_on));
    println!("  and the other half, suggestions off (the floor of an edit): {}", stats(undo));
    println!("  then the bulk accept undone, one step of {undone} spans: {}", stats(bulk_undo));
}
