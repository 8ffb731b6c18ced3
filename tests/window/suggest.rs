//! Suggestions in the window (issue 17): learnt from the folder's labels,
//! drawn as dashed outlines, accepted and rejected by keyboard, accepted in
//! bulk with a preview and one undo step, remembered across save and reload.

use crate::common;

use crate::common::gui::{click, keys, settle, wait_saved, window};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use sorot::gui::SorotApp;
use sorot::model::DocState;

fn harness(app: SorotApp) -> Harness<'static, SorotApp> {
    window(app, egui::vec2(1500.0, 850.0))
}

/// Three labelled articles where Moskow, Rusia and Pyongyang are countries
/// and Peskov a person; the fourth, unlabelled, mentions them again.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let texts = [
        "Juru bicara Kremlin Dmitry Peskov mengatakan Moskow tidak mengirim senjata ke Pyongyang .\n",
        "Menurut Dmitry Peskov , Rusia dan Pyongyang tidak membahas senjata .\n",
        "Pejabat di Moskow menyebut Rusia siap membantu Pyongyang , kata Peskov .\n",
    ];
    for (i, t) in texts.iter().enumerate() {
        let name = format!("a{}", i + 1);
        std::fs::write(d.join(format!("{name}.txt")), t).unwrap();
        let mut s = common::store_of(t, &name);
        s.meta.state = DocState::Done;
        let mut b = common::Builder { store: &mut s, author: "dewi" };
        for (word, label) in [
            ("Dmitry Peskov", "Person"),
            ("Peskov", "Person"),
            ("Moskow", "Country"),
            ("Rusia", "Country"),
            ("Pyongyang", "Country"),
        ] {
            let mut from = 0;
            while let Some(at) = t[from..].find(word) {
                let start = from + at;
                let end = start + word.len();
                // "Peskov" inside "Dmitry Peskov" is taken already.
                let taken = b.store.spans().any(|sp| sp.extent().start() <= start && end <= sp.extent().end());
                if !taken {
                    b.span(label, sorot::model::ByteRange::new(start, end), &[]);
                }
                from = end;
            }
        }
        sorot::io::save_annotations(&d.join(format!("{name}.sorot.ron")), &s).unwrap();
    }
    std::fs::write(d.join("a4.txt"), "Kata Peskov , Moskow dan Pyongyang sepakat . Rusia membantah .\n").unwrap();
    dir
}

/// The suggestions of the text "Rusia": (index, range, entity named).
fn rusia_suggestions(h: &Harness<'static, SorotApp>) -> Vec<(usize, sorot::model::ByteRange, Option<String>)> {
    let app = h.state();
    let text = app.doc.store.text();
    let s = app.suggest.as_ref().expect("suggestions on");
    s.items
        .iter()
        .enumerate()
        .filter(|(_, f)| text.slice(f.range) == "Rusia")
        .map(|(i, f)| (i, f.range, f.entity.clone()))
        .collect()
}

fn quotes(h: &Harness<'static, SorotApp>) -> Vec<(String, String)> {
    let store = &h.state().doc.store;
    let mut v: Vec<(String, String)> =
        store.spans().map(|s| (store.quote(s), store.label_name(s.label).to_owned())).collect();
    v.sort();
    v
}

#[test]
fn suggestions_learnt_from_the_folder_are_accepted_and_rejected_by_keyboard() {
    let dir = folder();
    let d = dir.path();
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a4.sorot.ron").as_path()), "the first not done");
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    h.get_by_label("Suggestions");
    // The model learns from the three labelled documents, not from the
    // open one, whose unlabelled names would teach it they are nothing.
    h.get_by_label_contains("Learnt from 3 documents");
    let found: Vec<(String, String)> = {
        let app = h.state();
        let s = app.suggest.as_ref().unwrap();
        s.items.iter().map(|f| (app.doc.store.text().slice(f.range).to_owned(), f.label.clone())).collect()
    };
    for want in [("Peskov", "Person"), ("Moskow", "Country"), ("Pyongyang", "Country"), ("Rusia", "Country")] {
        assert!(found.contains(&(want.0.into(), want.1.into())), "{want:?} not in {found:?}");
    }
    h.get_by_label_contains(&format!("{} suggestions in this document", found.len()));
    // Each suggestion is drawn as a ghost, and none is an annotation yet.
    assert_eq!(h.state().view.ghosts.len(), found.len());
    assert!(h.state().doc.store.spans().next().is_none());

    // The first (Peskov) accepted with one key: an annotation that says
    // where it came from.
    keys(&mut h, Modifiers::ALT, Key::Enter);
    let store = &h.state().doc.store;
    let span = store.spans().next().expect("accepted");
    assert_eq!(store.quote(span), "Peskov");
    let origin = span.suggested.as_deref().expect("origin");
    // Labelled so every time in the folder: the dictionary is sure.
    assert_eq!(
        (origin.source.as_str(), origin.version.as_str(), origin.score),
        ("dictionary", "labelled texts of the folder, rules 2", 1000)
    );
    assert_eq!(span.provenance.author.as_str(), "tester");
    assert_eq!(h.state().suggest.as_ref().unwrap().items.len(), found.len() - 1, "not suggested again");
    // The next one (Moskow) rejected: gone from the list, kept in the file.
    let next = h.state().suggest.as_ref().unwrap().items[0].clone();
    keys(&mut h, Modifiers::ALT, Key::Delete);
    h.get_by_label_contains("In this document: 1 accepted, 1 rejected (50% accepted)");
    // Counted from the document: an undo counts too.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    h.get_by_label_contains("In this document: 1 accepted, 0 rejected (100% accepted)");
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert!(!h.state().suggest.as_ref().unwrap().items.contains(&next));
    keys(&mut h, Modifiers::COMMAND, Key::S);
    wait_saved(&mut h);
    let file = sorot::io::load_annotations(&d.join("a4.sorot.ron")).unwrap();
    let label = file.schema().label_index(&next.label).unwrap() as u16;
    assert!(file.is_rejected(next.range, label), "the rejection is in the file");

    // A reviewer reviews what was accepted from suggestions, and sees where
    // each came from.
    let peskov = file.spans().find(|s| s.suggested.is_some()).unwrap().id;
    h.state_mut().push(sorot::gui::Action::Folder(sorot::gui::FolderAction::OpenForReview(d.join("a4.sorot.ron"))));
    settle(&mut h);
    click(&mut h, "accepted from suggestions");
    assert_eq!(h.state().review_order(), [sorot::gui::ReviewItem::Span(peskov)]);
    h.state_mut().push(sorot::gui::Action::Select(Some(peskov)));
    h.run_steps(2);
    h.get_by_label("Accepted from a suggestion: dictionary (labelled texts of the folder, rules 2), score 1.00");

    // Reopened, the rejected suggestion does not come back.
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    let again = &h.state().suggest.as_ref().unwrap().items;
    assert!(!again.contains(&next), "a rejected suggestion came back");
    assert!(!again.is_empty());

    // Accept all countries above a score, after a preview: one undo step.
    let before = quotes(&h);
    h.state_mut().suggest.as_mut().unwrap().bulk_label = Some("Country".into());
    h.state_mut().suggest.as_mut().unwrap().min_score = 0.5;
    h.run_steps(2);
    let n = h.state().suggest.as_ref().unwrap().items.iter().filter(|f| f.label == "Country").count();
    assert!(n >= 2, "{n}");
    click(&mut h, &format!("Preview {n} suggestions"));
    click(&mut h, &format!("Accept these {n} (one undo step)"));
    settle(&mut h);
    assert_eq!(quotes(&h).len(), before.len() + n);
    // The status counts the suggestions, not the entities made with them.
    assert!(h.state().status.starts_with(&format!("Accepted {n} suggestions")), "{}", h.state().status);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(quotes(&h), before, "one undo takes them all back");
    // All labels, from any score (a newcomer could take one label at a
    // time only, from 0.5): the combo's first entry.
    let every = h.state().suggest.as_ref().unwrap().items.len();
    h.state_mut().suggest.as_mut().unwrap().min_score = 0.0;
    {
        use egui_kittest::kittest::NodeT;
        let combo = h
            .get_all_by_label("Label:")
            .find(|n| n.accesskit_node().role() == egui::accesskit::Role::ComboBox)
            .expect("the label combo");
        combo.click();
    }
    h.run_steps(3);
    // Its list starts with all labels.
    click(&mut h, "all labels");
    click(&mut h, &format!("Preview {every} suggestions"));
    // Each previewed suggestion says which label it gets.
    let first = h.state().suggest.as_ref().unwrap().items[0].label.clone();
    h.get_all_by_label_contains(&format!("{first} “")).next().expect("a preview line with its label");
    click(&mut h, &format!("Accept these {every} (one undo step)"));
    settle(&mut h);
    assert!(quotes(&h).len() >= before.len() + every, "every suggestion taken");
    assert_eq!(h.state().suggest.as_ref().unwrap().count(), 0);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(quotes(&h), before);

    // Each source can be switched off: without the dictionary, what is
    // left comes from the model and the attribution frames (the model's
    // where the dictionary had its own); on again, the same list.
    let with_all = h.state().suggest.as_ref().unwrap().items.clone();
    assert!(with_all.iter().any(|f| f.source.parts().0 == "dictionary"));
    click(&mut h, "dictionary");
    settle(&mut h);
    let without = h.state().suggest.as_ref().unwrap().items.clone();
    assert!(!without.is_empty() && without.iter().all(|f| f.source.parts().0 != "dictionary"), "{without:?}");
    click(&mut h, "dictionary");
    settle(&mut h);
    assert_eq!(h.state().suggest.as_ref().unwrap().items, with_all);

    // The panel's figures: measured on the folder's own labelled files.
    // Held out in turn: the labelled documents other than the open one.
    h.get_by_label_contains("How good, on this folder (each document held out in turn, 3 documents)");
    h.get_by_label("F1 against the number of labelled documents:");
    // Both averages: every span counted once, and each label weighing the same.
    h.get_by_label("all spans");
    h.get_by_label("label mean");
    // Trained on the first one, then both, of the two not held out; the
    // plot's figures are also written under it.
    let curve = h.state().suggest.as_ref().unwrap().trained.as_ref().unwrap().curve.clone();
    assert_eq!(curve.iter().map(|c| c.0).collect::<Vec<_>>(), [1, 2]);
    assert!(curve.iter().all(|c| (0.0..=1.0).contains(&c.1)), "{curve:?}");
    h.get_by_label(&format!("documents: F1 — 1: {:.2} · 2: {:.2}", curve[0].1, curve[1].1));
}

/// The sample's Peskov quotation, in an article nobody has labelled,
/// suggested as a whole frame — the claim, its cue "kata" and its source —
/// and accepted with one key: three spans and the said_by relation, one
/// undo step. Also the sample with its annotations: a "Rusia" not
/// labelled yet (an alias of Russia; the sample's one "Moskow" is labelled
/// already) suggested by the dictionary and accepted with the entity link.
#[test]
fn the_peskov_quotation_is_suggested_as_a_frame_and_moskow_with_its_entity() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("article.txt");
    std::fs::copy(common::sample_article(), &article).unwrap();
    let mut h = harness(SorotApp::new(sorot::gui::Document::open(&article).unwrap()));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    h.get_by_label_contains("Nothing learnt yet");
    let text = h.state().doc.store.text().as_str().to_owned();
    let claim = "Putin memberi Kim senapan produksi Rusia “berkualitas terbaik,”";
    let at = {
        let s = h.state().suggest.as_ref().unwrap();
        s.items.iter().position(|f| &text[f.range.as_range()] == claim).expect("the Peskov frame")
    };
    h.state_mut().push(sorot::gui::Action::Suggest(sorot::gui::SuggestAction::Go(at)));
    h.run_steps(2);
    h.get_by_label_contains("said_by: source “juru bicara Kremlin, Dmitry Peskov”, cue “kata”");
    keys(&mut h, Modifiers::ALT, Key::Enter);
    let store = &h.state().doc.store;
    let quotes: Vec<(String, String)> =
        store.spans().map(|s| (store.label_name(s.label).to_owned(), store.quote(s))).collect();
    assert_eq!(
        quotes,
        [
            ("Claim".to_owned(), claim.to_owned()),
            ("Source".to_owned(), "juru bicara Kremlin, Dmitry Peskov".to_owned()),
            ("Cue".to_owned(), "kata".to_owned())
        ]
    );
    let rel = store.relations().next().expect("the relation");
    assert_eq!(store.relation_type(rel.kind).unwrap().name, "said_by");
    assert_eq!(rel.args.len(), 3);
    assert!(store.spans().all(|s| s.suggested.as_deref().is_some_and(|g| g.source == "attribution")));
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().doc.store.spans().count(), 0, "one undo step");
    assert_eq!(h.state().doc.store.relations().count(), 0);

    // The annotated sample: an unlabelled "Rusia" is suggested from
    // Russia's alias, and accepting it links it to Russia.
    let (_dir, sample) = crate::common::gui::sample_copy();
    let mut h = harness(SorotApp::new(sorot::gui::Document::open(&sample).unwrap()));
    let russia = h.state().doc.store.entities().find(|e| e.name == "Russia").expect("Russia").id;
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    let (i, range) = rusia_suggestions(&h)
        .into_iter()
        .find(|s| s.2.as_deref() == Some("Russia"))
        .map(|s| (s.0, s.1))
        .expect("Rusia from Russia's aliases");
    h.state_mut().push(sorot::gui::Action::Suggest(sorot::gui::SuggestAction::Go(i)));
    h.run_steps(2);
    h.get_by_label_contains("links to Russia");
    keys(&mut h, Modifiers::ALT, Key::Enter);
    let store = &h.state().doc.store;
    let span = store.spans().find(|s| s.ranges[0] == range).expect("accepted");
    assert_eq!(span.entity, Some(russia));
}

/// A narrow window with the folder list, the suggestions and the
/// annotations open keeps the article readable (it used to get no width).
#[test]
fn a_narrow_window_with_every_panel_open_keeps_the_article_readable() {
    let dir = folder();
    let mut h = window(SorotApp::opening_folder(dir.path().to_owned()), egui::vec2(760.0, 560.0));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    h.run_steps(3);
    let width = h.state().view.layout_width();
    assert!(width >= 200.0, "the article is {width} points wide");
    // And the panels do not cover each other: the annotations panel ends
    // where the suggestions begin, both inside the window.
    let side = h.get_by_label("No annotation selected").rect();
    let suggestions = h.get_by_label("Suggestions").rect();
    assert!(side.right() <= suggestions.left(), "side {side:?} runs into suggestions {suggestions:?}");
    assert!(suggestions.right() <= 760.0, "{suggestions:?}");
    // Nor do their backgrounds: the panels' fills (rectangles of the panel
    // colour the height of the window), as clipped, meet edge to edge. (A
    // panel whose row is wider than itself used to paint its background
    // over the start of the panel beside it.)
    let fill = h.ctx.global_style().visuals.panel_fill;
    let fills: Vec<egui::Rect> = h
        .output()
        .shapes
        .iter()
        .filter_map(|c| match &c.shape {
            egui::Shape::Rect(r) if r.fill == fill && r.rect.height() > 300.0 => Some(r.rect.intersect(c.clip_rect)),
            _ => None,
        })
        .filter(|r| r.width() > 0.0)
        .collect();
    // (The window's own background holds them all: not a panel.)
    let fills: Vec<egui::Rect> =
        fills.iter().copied().filter(|a| !fills.iter().any(|b| b != a && a.contains_rect(*b))).collect();
    // The folder list, the article, the annotations and the suggestions.
    assert_eq!(fills.len(), 4, "{fills:?}");
    for (i, a) in fills.iter().enumerate() {
        for b in &fills[i + 1..] {
            let both = a.intersect(*b);
            assert!(both.width() <= 1.0 || both.height() <= 1.0, "panel {a:?} covers panel {b:?}");
        }
    }
}

/// A panel squeezed by a narrow window grows back to its width when the
/// window is wide again (egui alone keeps the squeezed width).
#[test]
fn side_panels_grow_back_when_the_window_does() {
    let dir = folder();
    let mut h = window(SorotApp::opening_folder(dir.path().to_owned()), egui::vec2(1500.0, 850.0));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    let widths = |h: &Harness<'static, SorotApp>| {
        let w = &h.state().panel_widths;
        ["corpus", "side", "suggestions"].map(|p| w.width(p).unwrap_or_else(|| panic!("{p} not shown")))
    };
    let wide = widths(&h);
    h.set_size(egui::vec2(760.0, 560.0));
    h.run_steps(4);
    let narrow = widths(&h);
    assert!(narrow.iter().zip(&wide).any(|(n, w)| n + 20.0 < *w), "squeezed: {wide:?} -> {narrow:?}");
    h.set_size(egui::vec2(1500.0, 850.0));
    h.run_steps(4);
    let again = widths(&h);
    for ((a, w), p) in again.iter().zip(&wide).zip(["corpus", "side", "suggestions"]) {
        assert!((a - w).abs() <= 1.0, "{p}: {w} wide, {a} after a narrow window");
    }
    // Started narrow (the window is as it was left), then widened: the
    // panels take the widths they have with room (a newcomer's suggestions
    // panel stayed 140 points wide).
    let mut h = window(SorotApp::opening_folder(dir.path().to_owned()), egui::vec2(760.0, 560.0));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    let narrow = widths(&h);
    h.set_size(egui::vec2(1500.0, 850.0));
    h.run_steps(4);
    let grown = widths(&h);
    for (((g, w), n), p) in grown.iter().zip(&wide).zip(&narrow).zip(["corpus", "side", "suggestions"]) {
        assert!((g - w).abs() <= 1.0, "{p}: {w} when started wide, {g} when started at {n} and widened");
    }
}

/// The widths the analyst wants are kept for the next run, not those a
/// narrow window squeezed, and the next run starts with them whatever egui
/// remembers (a newcomer's panels stayed narrow in a wide window after a
/// restart).
#[test]
fn panel_widths_come_back_at_the_next_start() {
    let dir = folder();
    let mut h = window(SorotApp::opening_folder(dir.path().to_owned()), egui::vec2(1500.0, 850.0));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    h.set_size(egui::vec2(760.0, 560.0));
    h.run_steps(4);
    let kept = h.state().panel_widths.wanted();
    assert_eq!(kept.get("suggestions").copied(), Some(260.0), "{kept:?}");
    assert_eq!(kept.get("side").copied(), Some(360.0), "{kept:?}");
    // The next run, with a width of the analyst's own for the suggestions.
    let mut prefs = sorot::gui::Prefs { panel_widths: kept, ..Default::default() };
    prefs.panel_widths.insert("suggestions".into(), 230.0);
    let app = SorotApp::opening_folder(dir.path().to_owned()).with_prefs(prefs);
    let mut h = window(app, egui::vec2(1500.0, 850.0));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    h.run_steps(2);
    let w = &h.state().panel_widths;
    assert!((w.width("suggestions").unwrap() - 230.0).abs() <= 1.0, "{:?}", w.width("suggestions"));
    assert!((w.width("side").unwrap() - 360.0).abs() <= 1.0, "{:?}", w.width("side"));
}

/// The folder with a fourth article of 600 lines, open with its
/// suggestions on: more than 2,000 of them.
fn long_article_with_suggestions() -> (tempfile::TempDir, Harness<'static, SorotApp>) {
    let dir = folder();
    let line = "Kata Peskov , Moskow dan Pyongyang sepakat . Rusia membantah .\n";
    std::fs::write(dir.path().join("a4.txt"), line.repeat(600)).unwrap();
    let mut h = harness(SorotApp::opening_folder(dir.path().to_owned()));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    let n = h.state().suggest.as_ref().unwrap().items.len();
    assert!(n > 2000, "{n}");
    (dir, h)
}

/// A long article, with more suggestions than the frame checks against the
/// document itself: the list is checked on a worker once the document has
/// rested; what is accepted leaves the list, the count and the outlines at
/// once (before that check), and an undo brings it back.
#[test]
fn a_long_articles_suggestions_are_checked_on_a_worker_and_leave_at_once() {
    let (_dir, mut h) = long_article_with_suggestions();
    let all = h.state().suggest.as_ref().unwrap().items.clone();
    let n = all.len();
    assert_eq!(sorot::suggest::new_for(&h.state().doc.store, all.clone()), all);
    let first = all[0].clone();
    assert!(h.state().view.ghosts.iter().any(|g| g.0 == first.range));

    h.key_press_modifiers(Modifiers::ALT, Key::Enter);
    h.run_steps(2);
    // At once: the worker has not checked the document yet.
    assert!(h.state().is_suggesting(), "the check waits for the document to rest");
    assert_eq!(h.state().suggest.as_ref().unwrap().items.len(), n, "the list is the one checked before");
    assert_eq!(h.state().suggest.as_ref().unwrap().count(), n - 1);
    h.get_by_label_contains(&format!("{n_1} suggestions in this document", n_1 = n - 1));
    assert!(!h.state().view.ghosts.iter().any(|g| g.0 == first.range), "no outline over the accepted span");
    // The next key takes the next one, not the accepted one again.
    h.key_press_modifiers(Modifiers::ALT, Key::Enter);
    h.run_steps(2);
    assert_eq!(h.state().doc.store.spans().count(), 2);
    assert_eq!(h.state().suggest.as_ref().unwrap().count(), n - 2);

    settle(&mut h);
    let items = h.state().suggest.as_ref().unwrap().items.clone();
    assert_eq!(items.len(), n - 2);
    assert!(!items.contains(&first));
    // Two undos: both back once the document has rested and been checked.
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(h.state().doc.store.spans().next().is_none());
    assert_eq!(h.state().suggest.as_ref().unwrap().items, all);
}

/// An article opened on its own (not as a folder session) learns from the
/// labelled files beside it, as it would in its folder's session (found by
/// a newcomer run: it learnt from nothing and said to label the folder).
#[test]
fn an_article_opened_alone_learns_from_the_labelled_files_beside_it() {
    let dir = folder();
    let d = dir.path();
    let mut h = harness(SorotApp::opening(d.join("a4.txt")));
    settle(&mut h);
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    h.get_by_label_contains("Learnt from 3 documents");
    let found: Vec<String> = {
        let app = h.state();
        let s = app.suggest.as_ref().unwrap();
        s.items.iter().map(|f| app.doc.store.text().slice(f.range).to_owned()).collect()
    };
    assert!(found.iter().any(|q| q == "Pyongyang"), "{found:?}");
}

/// With a file of one's own per article (double annotation), suggestions
/// learn from one's own files and the adjudicated ones, never from a
/// colleague's own file: the annotations stay independent (a newcomer team
/// saw budi's labels suggested to dewi).
#[test]
fn with_own_files_suggestions_never_learn_from_a_colleagues_file() {
    let dir = folder();
    let d = dir.path();
    // (The window's annotator in tests is "tester".)
    for (from, to) in [("a1", "a1.budi"), ("a2", "a2.tester"), ("a3", "a3.adjudicated")] {
        std::fs::rename(d.join(format!("{from}.sorot.ron")), d.join(format!("{to}.sorot.ron"))).unwrap();
    }
    let mut app = SorotApp::opening_folder(d.to_owned());
    app.prefs.per_annotator_files = true;
    let mut h = harness(app);
    h.state_mut().prefs.per_annotator_files = true;
    settle(&mut h);
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    h.get_by_label_contains("Learnt from 2 documents");
}

/// Clicking inside a suggestion's dashed outline (here inside a claim's
/// highlight) makes it the current suggestion (a newcomer expected it), so
/// Alt+Enter accepts that one.
#[test]
fn a_click_on_a_dashed_outline_makes_it_the_current_suggestion() {
    let (_dir, sample) = crate::common::gui::sample_copy();
    let mut h = harness(SorotApp::new(sorot::gui::Document::open(&sample).unwrap()));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    h.run_steps(3);
    let (i, range) = rusia_suggestions(&h).into_iter().next_back().map(|s| (s.0, s.1)).expect("a Rusia suggestion");
    assert_ne!(h.state().suggest.as_ref().unwrap().current, i, "not current before the click");
    let under: Vec<String> = {
        let store = &h.state().doc.store;
        store
            .spans_at(range.start() + 2)
            .iter()
            .filter_map(|id| store.span(*id))
            .map(|s| store.label_name(s.label).to_owned())
            .collect()
    };
    assert_eq!(under, ["Claim"], "the outline lies inside a claim's highlight");
    h.state_mut().view.scroll_to(range.start());
    h.run_steps(12);
    let p = h.state().view.screen_pos_of_byte(range.start() + 2).expect("on screen");
    h.hover_at(p);
    h.run_steps(1);
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    h.run_steps(2);
    assert_eq!(h.state().suggest.as_ref().unwrap().current, i, "{}", h.state().status);
    assert!(h.state().status.contains("Alt+Enter accepts it"), "{}", h.state().status);
    keys(&mut h, Modifiers::ALT, Key::Enter);
    let store = &h.state().doc.store;
    assert!(store.spans().any(|s| s.ranges[0] == range && s.suggested.is_some()), "that one was accepted");
}

/// An accept of thousands of suggestions is applied a slice per frame
/// under a progress bar (in one frame it took 100 ms at 84,000), nothing
/// else edits meanwhile, and it is one undo step, undone and redone a
/// slice per frame too.
#[test]
fn thousands_accepted_at_once_go_a_slice_per_frame_and_undo_as_one_step() {
    let (_dir, mut h) = long_article_with_suggestions();
    let all = h.state().suggest.as_ref().unwrap().items.clone();
    let n = all.len();
    let generation = h.state().doc.history.generation();
    // One slice a frame, whatever this machine's speed.
    h.state_mut().accept_budget = std::time::Duration::ZERO;
    h.state_mut().push(sorot::gui::Action::Suggest(sorot::gui::SuggestAction::AcceptAll(all.clone())));
    h.run_steps(1);
    // The bar shows once the accept has lasted 150 ms (one of a few frames
    // only flashed); a window is drawn from its second frame.
    std::thread::sleep(std::time::Duration::from_millis(160));
    h.run_steps(2);
    assert!(h.state().is_applying());
    h.get_by_label("Accepting suggestions");
    let part = h.state().doc.store.spans().count();
    assert!(0 < part && part < n, "a slice, not all: {part} of {n}");
    // Undo waits: nothing else changes the document meanwhile.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_steps(1);
    assert!(h.state().doc.store.spans().count() > part, "undo did not take the slice back");
    let mut frames = 4;
    while h.state().is_applying() {
        h.run_steps(1);
        frames += 1;
        assert!(frames < 1000, "the accept does not end");
    }
    h.run_steps(1);
    assert!(h.query_by_label("Accepting suggestions").is_none());
    assert!(frames > 10, "{frames} frames");
    let spans = h.state().doc.store.spans().count();
    assert!(spans >= n, "every suggestion accepted (and a frame's source and cue): {spans} of {n}");
    assert!(h.state().doc.store.spans().all(|s| s.suggested.is_some()));
    assert_eq!(h.state().doc.history.generation(), generation + 1, "one step");
    h.get_by_label_contains(&format!("Accepted {spans} suggestions"));
    assert_eq!(h.state().suggest.as_ref().unwrap().count(), 0, "all taken off the list");
    // One Ctrl+Z takes them all back, and Ctrl+Y brings them again: each
    // a slice per frame too (undone in one frame, 84,000 took 50 ms).
    let accepted = h.state().doc.store.clone();
    for (key, word, want) in [(Key::Z, "Undoing", 0), (Key::Y, "Redoing", spans)] {
        h.key_press_modifiers(Modifiers::COMMAND, key);
        h.run_steps(1);
        std::thread::sleep(std::time::Duration::from_millis(160));
        h.run_steps(2);
        assert!(h.state().is_applying(), "{word}");
        h.get_by_label_contains(&format!("{word}: Accepted {spans} suggestions"));
        let mut frames = 3;
        while h.state().is_applying() {
            h.run_steps(1);
            frames += 1;
            assert!(frames < 1000);
        }
        assert!(frames > 3, "{word}: {frames} frames");
        assert_eq!(h.state().doc.store.spans().count(), want, "{word}");
    }
    assert!(h.state().doc.store == accepted, "redone: the document as accepted");
    assert_eq!(h.state().doc.history.generation(), generation + 1);
    h.get_by_label_contains(&format!("Redone: Accepted {spans} suggestions"));
}

/// Labels learnt from the folder that the open document's own labels lack
/// are named in the panel: their suggestions cannot be shown there (a
/// newcomer's 2,700 were dropped without a word).
#[test]
fn labels_the_document_lacks_are_named_not_dropped_silently() {
    let dir = folder();
    let d = dir.path();
    let text = std::fs::read_to_string(d.join("a4.txt")).unwrap();
    std::fs::write(d.join("claims.ron"), "(name: \"claims\", labels: [(name: \"Claim\", color: \"#e8a33d\")])")
        .unwrap();
    let claims = sorot::io::load_schema(&d.join("claims.ron")).unwrap();
    std::fs::remove_file(d.join("claims.ron")).unwrap();
    let a4 = common::store_of(&text, "a4");
    let own = sorot::model::Store::new(a4.text().clone(), claims, a4.meta.clone());
    sorot::io::save_annotations(&d.join("a4.sorot.ron"), &own).unwrap();
    let mut h = harness(SorotApp::new(sorot::io::document::Document::open(&d.join("a4.sorot.ron")).unwrap()));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    settle(&mut h);
    h.get_by_label_contains("so not suggested here: Person, Country");
    assert!(h.state().suggest.as_ref().unwrap().items.is_empty());
}

/// A save says so, and the training it starts does not take the status
/// line from it (a newcomer never saw "Saved …": "Suggestions learnt from"
/// replaced it at once); training asked for says when it is done.
#[test]
fn the_training_after_a_save_leaves_the_saved_line() {
    let dir = folder();
    let mut h = harness(SorotApp::new(sorot::io::document::Document::open(&dir.path().join("a4.txt")).unwrap()));
    keys(&mut h, Modifiers::COMMAND | Modifiers::ALT, Key::S);
    settle(&mut h);
    assert!(h.state().status.starts_with("Suggestions learnt from"), "{}", h.state().status);
    h.key_press_modifiers(Modifiers::ALT, Key::Enter);
    h.run_steps(2);
    common::gui::save(&mut h);
    settle(&mut h);
    assert!(h.state().status.starts_with("Saved "), "{}", h.state().status);
}
