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
) -> Vec<Duration> {
    let ctx = egui::Context::default();
    // Warm-up: fonts, first layout.
    for _ in 0..5 {
        let out = ctx.run_ui(input(vec![]), |ui| app.frame_ui(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
    }
    let mut times = Vec::with_capacity(frames);
    for i in 0..frames {
        let events = script(i, app);
        let t = Instant::now();
        let out = ctx.run_ui(input(events), |ui| app.frame_ui(ui));
        let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(prims);
        times.push(t.elapsed());
    }
    times
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

    let small_len = small.store().text().len();
    let fling = move |len: usize| {
        move |i: usize, app: &mut SorotApp| {
            app.view.scroll_to((i * 7919 * 4096) % len.max(1));
            Vec::new()
        }
    };
    println!("frame CPU time (run_ui + tessellate), {frames} frames, 1280×800:");
    println!("{:<34} {:>9} {:>9} {:>9}", "", "p50 ms", "p95 ms", "max ms");
    let mut rows = Vec::new();
    for (name, app, len) in [("sample 2 KB", &mut small, small_len), ("fixture", &mut large, len)] {
        let w = stats(measure(app, frames, wheel));
        let f = stats(measure(app, frames, fling(len)));
        println!("{:<34} {:>9.3} {:>9.3} {:>9.3}", format!("{name}: wheel scroll"), w.0, w.1, w.2);
        println!("{:<34} {:>9.3} {:>9.3} {:>9.3}", format!("{name}: fling (new screen/frame)"), f.0, f.1, f.2);
        rows.push((w, f));
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    println!(
        "ratio fixture / sample, p50: wheel {:.2}×, fling {:.2}×",
        ratio(rows[1].0.0, rows[0].0.0),
        ratio(rows[1].1.0, rows[0].1.0)
    );
}
