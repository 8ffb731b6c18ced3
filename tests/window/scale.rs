//! A regression guard for scale that noise cannot fool: instead of timing,
//! it counts the work the text view does per frame (blocks drawn, blocks
//! laid out, cached layouts) while scrolling and flinging through a large
//! generated document, and checks it is bounded by what fits on screen —
//! the same bound as for the 2 KB sample. Timings are in `benches/`.

use crate::common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sorot::gui::{Document, FrameStats, MAX_CACHED_BLOCKS, SorotApp};

fn harness(app: SorotApp) -> Harness<'static, SorotApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SorotApp| app.frame_ui(ui), app);
    h.run_steps(3);
    h
}

/// The largest work of any frame while scrolling by the wheel and while
/// jumping to a new place every frame.
fn worst_frame(h: &mut Harness<'static, SorotApp>, frames: usize) -> (FrameStats, usize) {
    let len = h.state().store().text().len();
    let mut worst = FrameStats::default();
    let mut laid_out_total = 0;
    let note = |s: FrameStats, worst: &mut FrameStats| {
        worst.drawn = worst.drawn.max(s.drawn);
        worst.laid_out = worst.laid_out.max(s.laid_out);
        worst.spans_painted = worst.spans_painted.max(s.spans_painted);
        worst.cached = worst.cached.max(s.cached);
        s.laid_out
    };
    h.event(egui::Event::PointerMoved(egui::pos2(400.0, 400.0)));
    for _ in 0..frames {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -300.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Default::default(),
        });
        h.run_steps(1);
        laid_out_total += note(h.state().view.stats(), &mut worst);
    }
    let after_wheel = h.state().view_first_visible_byte();
    assert!(after_wheel.is_some_and(|b| b > 0), "the wheel did not scroll: {after_wheel:?}");
    for i in 0..frames {
        h.state_mut().view.scroll_to((i * 7919 * 4096) % len.max(1));
        for _ in 0..2 {
            h.run_steps(1);
            laid_out_total += note(h.state().view.stats(), &mut worst);
        }
    }
    (worst, laid_out_total)
}

#[test]
fn work_per_frame_is_bounded_by_the_screen_not_the_document() {
    let (_dir, article) = common::gui::sample_copy();
    let mut small = harness(SorotApp::new(Document::open(&article).unwrap()));
    let (s, _) = worst_frame(&mut small, 40);

    // 4 MB, 40k spans (overlapping and nested), 8k relations.
    let store = sorot::fixture::store(4_000_000, 40_000, 8_000, 11);
    let blocks = sorot::gui::split_blocks(store.text().as_str()).len();
    let mut large = harness(SorotApp::new(Document::new(store, None)));
    let (l, total) = worst_frame(&mut large, 40);
    eprintln!("worst frame: sample {s:?}; 4 MB fixture {l:?}; {total} blocks laid out in 120 frames of {blocks}");

    // 800 px of 20 px rows at most, whatever the size.
    assert!(l.drawn <= 42, "{l:?}");
    assert!(l.laid_out <= l.drawn, "{l:?}");
    assert!(l.cached <= MAX_CACHED_BLOCKS, "{l:?}");
    // Never the whole text: a few screens' worth per jump.
    assert!(total < blocks / 10, "{total} of {blocks} blocks laid out");
    // The same bound holds for the sample (its whole text fits in it).
    assert!(s.drawn <= 42 && s.laid_out <= s.drawn, "{s:?}");
}

/// Jumping to a place already laid out (Tab, Find next, a reveal) lays out
/// nothing again: the layout is kept, not thrown away at another width.
#[test]
fn jumping_back_to_text_already_laid_out_lays_out_nothing() {
    let store = sorot::fixture::store(400_000, 4_000, 800, 5);
    let len = store.text().len();
    let mut h = harness(SorotApp::new(Document::new(store, None)));
    let places = [len / 3, len / 2, len / 3, len / 2];
    let mut laid = Vec::new();
    for &at in &places {
        h.state_mut().view.scroll_to(at);
        let mut n = 0;
        for _ in 0..3 {
            h.run_steps(1);
            n += h.state().view.stats().laid_out;
        }
        laid.push(n);
    }
    assert!(laid[0] > 0 && laid[1] > 0, "{laid:?}");
    assert_eq!(&laid[2..], [0, 0], "returning to laid-out text laid it out again: {laid:?}");
}

/// A theme switch changes the text colour and egui's font atlas options
/// (the atlas is rebuilt): the blocks on screen are laid out again instead
/// of drawing from layouts into the old atlas, which showed garbled glyphs
/// and the old theme's text colour.
#[test]
fn a_theme_switch_lays_the_text_out_again() {
    let (_dir, article) = common::gui::sample_copy();
    let mut h = common::gui::harness(&article, 700.0);
    h.run_steps(3);
    assert_eq!(h.state().view.stats().laid_out, 0, "a still frame lays nothing out");
    let drawn = h.state().view.stats().drawn;
    let dark = h.state().view.stats();
    common::gui::click(&mut h, "View");
    assert_eq!(h.state().view.stats().laid_out, 0, "opening a menu lays nothing out: {dark:?}");
    h.get_by_label("Light theme").hover();
    h.run_steps(1);
    h.get_by_label("Light theme").click();
    let mut relaid = 0;
    for _ in 0..4 {
        h.run_steps(1);
        relaid += h.state().view.stats().laid_out;
    }
    assert!(relaid >= drawn, "{relaid} blocks laid out again for {drawn} on screen");
    h.run_steps(2);
    assert_eq!(h.state().view.stats().laid_out, 0, "and then kept");
}

/// Issue 22, item 7: with Find open in a narrow window, the find bar wraps
/// instead of widening the article's panel, so the text still wraps before
/// the side panel and no line end hides under it.
#[test]
fn find_open_in_a_narrow_window_keeps_the_text_left_of_the_side_panel() {
    let (_dir, article) = common::gui::sample_copy();
    let mut app = SorotApp::new(Document::open(&article).unwrap());
    app.prefs.annotator = "tester".into();
    let mut h = Harness::builder()
        .with_size(egui::vec2(760.0, 560.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SorotApp| app.frame_ui(ui), app);
    h.run_steps(3);
    let side = h.get_by_label("No annotation selected").rect().left();
    let closed = h.state().view.layout_width();
    assert!(closed < side, "without Find: text {closed} wide, side panel at {side}");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run_steps(2);
    h.get_by_label("Find").type_text("Peskov");
    h.run_steps(3);
    let open = h.state().view.layout_width();
    assert!(open < side, "with Find: text {open} wide, side panel at {side}");
    assert!((open - closed).abs() < 1.0, "the text keeps its width: {closed} → {open}");
}

/// #19 item 12: opening Find, typing in it and closing it moves no line of
/// the text: the bar sits below the text, whose viewport keeps its top.
#[test]
fn find_opens_below_the_text_and_moves_no_line() {
    let (_dir, article) = common::gui::sample_copy();
    let mut app = SorotApp::new(Document::open(&article).unwrap());
    app.prefs.annotator = "tester".into();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1000.0, 600.0))
        .allow_missing_glyphs()
        .build_ui_state(|ui: &mut egui::Ui, app: &mut SorotApp| app.frame_ui(ui), app);
    h.run_steps(3);
    let top = h.state().view.viewport_top();
    let first = h.state().view_first_visible_byte();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run_steps(2);
    let field = h.get_by_label("Find").rect();
    assert!(field.top() > top + 200.0, "the bar is below the text: field at {}, text from {top}", field.top());
    assert_eq!(h.state().view.viewport_top(), top, "opening Find moved the text");
    assert_eq!(h.state().view_first_visible_byte(), first);
    h.get_by_label("Find").type_text("Kremlin");
    h.run_steps(3);
    assert_eq!(h.state().view.viewport_top(), top, "typing moved the text");
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(!h.state().find.open);
    assert_eq!(h.state().view.viewport_top(), top, "closing Find moved the text");
}

/// A jump (Find's Enter) leaves the first line on screen whole: the view
/// top lands on a line's top once the blocks on screen are laid out (a
/// newcomer saw the top line cut through after F8). (At the very end of the
/// article the view is held at the end, and the first line may be cut.)
#[test]
fn a_jump_leaves_the_first_line_on_screen_whole() {
    for (needle, size) in
        [("senapan setelah", 300.0), ("Pyongyang", 300.0), ("sarung tangan", 260.0), ("menerima undangan", 340.0)]
    {
        let (_dir, article) = common::gui::sample_copy();
        let mut app = SorotApp::new(Document::open(&article).unwrap());
        app.prefs.annotator = "tester".into();
        let mut h = Harness::builder()
            .with_size(egui::vec2(820.0, size))
            .allow_missing_glyphs()
            .build_ui_state(|ui: &mut egui::Ui, app: &mut SorotApp| app.frame_ui(ui), app);
        h.run_steps(3);
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
        h.run_steps(2);
        h.get_by_label("Find").type_text(needle);
        h.run_steps(2);
        h.key_press(egui::Key::Enter);
        h.run_steps(12);
        let cut = h.state().view.top_cut();
        assert!(cut < 0.5, "{needle} at height {size}: the first line is cut {cut} px below its top");
        assert!(h.state().view_first_visible_byte().unwrap_or(0) > 0, "{needle}: the jump scrolled the view");
    }
}
