//! CPU time of one headless frame of the real window (`Context::run_ui` +
//! `tessellate`, no GPU), while scrolling with the wheel and while flinging
//! (a new screen every frame), on the 2 KB sample and on a generated 10 MB
//! article with 100k annotations and 20k relations. Prints p50 / p95 / max
//! and the ratio of the large document to the small one.
//!
//! `cargo bench --bench frame` (add `-- --mb 50 --spans 1000000` for the
//! largest fixture).

use std::time::{Duration, Instant};

use egui::{Event, MouseWheelUnit, Pos2, RawInput, Rect, TouchPhase, vec2};
use sorot::gui::{Document, SorotApp};

fn input(events: Vec<Event>) -> RawInput {
    RawInput { screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))), events, ..Default::default() }
}

/// Runs `frames` frames; `script(i, app)` returns the events of frame i.
fn measure(
    app: &mut SorotApp,
    frames: usize,
    mut script: impl FnMut(usize, &mut SorotApp) -> Vec<Event>,
) -> (Vec<Duration>, f64, f64) {
    let ctx = egui::Context::default();
    // Warm-up: fonts, first layout.
    for _ in 0..5 {
        let out = ctx.run_ui(input(vec![]), |ui| app.frame_ui(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
    }
    let mut times = Vec::with_capacity(frames);
    let (mut laid, mut painted) = (0, 0);
    for i in 0..frames {
        let events = script(i, app);
        let t = Instant::now();
        let out = ctx.run_ui(input(events), |ui| app.frame_ui(ui));
        let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(prims);
        times.push(t.elapsed());
        let s = app.view.stats();
        laid += s.laid_out;
        painted += s.spans_painted;
    }
    // What the text view did per frame: blocks laid out, spans painted.
    (times, laid as f64 / frames as f64, painted as f64 / frames as f64)
}

fn stats(mut t: Vec<Duration>) -> (f64, f64, f64) {
    t.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(t[t.len() / 2]), ms(t[t.len() * 95 / 100]), ms(t[t.len() - 1]))
}

fn wheel(_: usize, _: &mut SorotApp) -> Vec<Event> {
    vec![
        Event::PointerMoved(Pos2::new(400.0, 400.0)),
        Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: vec2(0.0, -120.0),
            phase: TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Default::default(),
        },
    ]
}

/// An edit and the frame after it, `n` times: each labels another word
/// (the selection set as a find leaves it, then the label key's action),
/// the annotation list and the view catching up in the frame after.
fn measure_edits(app: &mut SorotApp, n: usize) -> Vec<Duration> {
    let ctx = egui::Context::default();
    for _ in 0..5 {
        let out = ctx.run_ui(input(vec![]), |ui| app.frame_ui(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
    }
    let text = app.store().text().as_str().to_owned();
    let words: Vec<(usize, usize)> = text
        .match_indices(' ')
        .filter_map(|(i, _)| {
            let w = text[i + 1..].split([' ', '\n', ',', '.']).next()?;
            (w.len() >= 3 && w.chars().all(char::is_alphabetic)).then_some((i + 1, i + 1 + w.len()))
        })
        .step_by(7)
        .take(n)
        .collect();
    let mut times = Vec::with_capacity(n);
    for (a, b) in words {
        app.selection = vec![sorot::model::ByteRange::new(a, b)];
        app.push(sorot::gui::Action::Label(2));
        let t = Instant::now();
        for _ in 0..2 {
            let out = ctx.run_ui(input(vec![]), |ui| app.frame_ui(ui));
            std::hint::black_box(ctx.tessellate(out.shapes, out.pixels_per_point));
        }
        times.push(t.elapsed());
    }
    times
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (mb, spans) = (arg("--mb", 10), arg("--spans", 100_000));
    let frames = 300;

    let dir = tempfile::tempdir().expect("temp dir");
    let article = sorot::gui::install_sample(dir.path()).expect("sample");
    let mut small = SorotApp::new(Document::open(&article).expect("sample opens"));

    let t = Instant::now();
    let store = sorot::fixture::store(mb * 1_000_000, spans, spans / 5, 42);
    println!(
        "fixture: {} bytes, {} spans, {} relations, generated in {:.2?}",
        store.text().len(),
        store.spans().len(),
        store.relations().len(),
        t.elapsed()
    );
    let len = store.text().len();
    let mut large = SorotApp::new(Document::new(store, None));
    // The same generator at 1/100 of the size: same density of text and
    // annotations, so the ratio to it shows what the size alone costs.
    let tiny = sorot::fixture::store(mb * 10_000, spans / 100, spans / 500, 42);
    let tiny_len = tiny.text().len();
    let mut tiny = SorotApp::new(Document::new(tiny, None));

    let small_len = small.store().text().len();
    let fling = move |len: usize| {
        move |i: usize, app: &mut SorotApp| {
            app.view.scroll_to((i * 7919 * 4096) % len.max(1));
            Vec::new()
        }
    };
    println!("frame CPU time (run_ui + tessellate), {frames} frames, 1280×800:");
    println!("{:<34} {:>9} {:>9} {:>9} {:>12} {:>12}", "", "p50 ms", "p95 ms", "max ms", "laid out/fr", "spans/fr");
    let mut rows = Vec::new();
    let tiny_name = format!("fixture / 100 ({} KB)", tiny_len / 1000);
    for (name, app, len) in [
        ("sample 2 KB", &mut small, small_len),
        (tiny_name.as_str(), &mut tiny, tiny_len),
        ("fixture", &mut large, len),
    ] {
        let (wt, wl, wp) = measure(app, frames, wheel);
        // `--wheel` skips the flings (for profiling the steady scroll).
        if args.iter().any(|a| a == "--wheel") {
            println!("{:<34} {:>9.3}", format!("{name}: wheel scroll"), stats(wt).0);
            continue;
        }
        let (ft, fl, fp) = measure(app, frames, fling(len));
        let (w, f) = (stats(wt), stats(ft));
        let row = |what: &str, t: (f64, f64, f64), l: f64, p: f64| {
            println!("{:<34} {:>9.3} {:>9.3} {:>9.3} {l:>12.2} {p:>12.1}", format!("{name}: {what}"), t.0, t.1, t.2);
        };
        row("wheel scroll", w, wl, wp);
        row("fling (new screen/frame)", f, fl, fp);
        let e = stats(measure_edits(app, 60));
        println!("{:<34} {:>9.3} {:>9.3} {:>9.3}", format!("{name}: label a word (+ next frame)"), e.0, e.1, e.2);
        rows.push((w, f));
    }
    if rows.len() < 3 {
        return;
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    println!(
        "ratio fixture / sample, p50: wheel {:.2}×, fling {:.2}×",
        ratio(rows[2].0.0, rows[0].0.0),
        ratio(rows[2].1.0, rows[0].1.0)
    );
    println!(
        "ratio fixture / fixture at 1/100 of the size (same density), p50: wheel {:.2}×, fling {:.2}×",
        ratio(rows[2].0.0, rows[1].0.0),
        ratio(rows[2].1.0, rows[1].1.0)
    );
}
