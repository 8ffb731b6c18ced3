//! Labeling sessions, review and adjudication through the window
//! (egui_kittest, driven by keys and the accessibility tree).

use crate::common;

use std::path::Path;

use crate::common::gui::{click, find_and_select, keys, settle, wait_saved, window};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use sorot::gui::{Action, ReviewItem, SorotApp};
use sorot::gui::{CompareAction, FolderAction};
use sorot::model::{DocState, ReviewStatus, SpanId};

fn harness(app: SorotApp) -> Harness<'static, SorotApp> {
    window(app, egui::vec2(1400.0, 800.0))
}

fn state_on_disk(path: &Path) -> DocState {
    sorot::io::load_annotations(path).unwrap().meta.state
}

#[test]
fn a_folder_is_worked_through_with_states_that_survive_a_reload() {
    let dir = common::build_corpus();
    let d = dir.path();
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    // The first document not done yet opens: a2 (a1 is done).
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a2.sorot.ron").as_path()));
    h.get_by_label("1 of 3 done");
    h.get_by_label("a1  [done]");

    // Ctrl+Enter: done, saved into the file.
    keys(&mut h, Modifiers::COMMAND, Key::Enter);
    assert_eq!(state_on_disk(&d.join("a2.sorot.ron")), DocState::Done);
    h.get_by_label("2 of 3 done");

    // Ctrl+PgDn: a3, not annotated in the shared file yet.
    keys(&mut h, Modifiers::COMMAND, Key::PageDown);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a3.sorot.ron").as_path()));
    assert_eq!(h.state().doc.store.spans().len(), 0);
    find_and_select(&mut h, "Rusia");
    h.key_press(Key::N); // Country
    h.run_steps(2);
    assert_eq!(h.state().doc.store.spans().len(), 1);
    // Ctrl+PgUp saves a3 as it goes (in progress, with its annotator).
    keys(&mut h, Modifiers::COMMAND, Key::PageUp);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a2.sorot.ron").as_path()));
    let a3 = sorot::io::load_annotations(&d.join("a3.sorot.ron")).unwrap();
    assert_eq!((a3.meta.state, a3.meta.annotator.as_deref()), (DocState::InProgress, Some("tester")));
    assert_eq!(a3.spans().next().map(|s| s.provenance.author.to_string()).as_deref(), Some("tester"));
    // The first document has no previous one.
    keys(&mut h, Modifiers::COMMAND, Key::PageUp);
    keys(&mut h, Modifiers::COMMAND, Key::PageUp);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a1.sorot.ron").as_path()));
    assert!(h.state().status.contains("first document"), "{}", h.state().status);
    drop(h);

    // Everything came from the files: a new window on the folder sees it.
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    h.get_by_label("2 of 3 done");
    h.get_by_label("a2  [done]");
    h.get_by_label("a3  [in progress]");
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a3.sorot.ron").as_path()));
    // Clicking a document in the list opens it.
    click(&mut h, "a1  [done]");
    settle(&mut h);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a1.sorot.ron").as_path()));

    // The relationships across the folder; evidence opens its article at the span.
    keys(&mut h, Modifiers::COMMAND, Key::G);
    h.get_by_label_contains("arms_transfer: supplier Russia → recipient North Korea — 4 evidence claims in 3 articles");
    h.get_by_label_contains("2 groups of relations and 3 groups of attribution (who said what) in ");
    h.get_by_label_contains("said_by: source Dmitry Peskov — 2 claims in 2 articles");
    open_rizals_evidence(&mut h, d);
    assert_eq!(h.state().selected, Some(sorot::model::SpanId(1)));
    // Escape closes the Relationships window (a newcomer found only its ×),
    // and leaves the selection as it was.
    assert!(h.state().graph.is_some());
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(h.state().graph.is_none());
    assert_eq!(h.state().selected, Some(sorot::model::SpanId(1)));
}

/// A window on the folder `d` with a file of one's own per article (the
/// window's annotator is "tester").
fn own_files_window(d: &Path) -> Harness<'static, SorotApp> {
    let mut app = SorotApp::opening_folder(d.to_owned());
    app.prefs.per_annotator_files = true;
    let mut h = harness(app);
    h.state_mut().prefs.per_annotator_files = true;
    h
}

/// In the open Relationships window: the arms transfer's evidence in
/// rizal's file, opened.
fn open_rizals_evidence(h: &mut Harness<'static, SorotApp>, d: &Path) {
    h.get_by_label_contains("arms_transfer: supplier Russia → recipient North Korea").click();
    h.run_steps(2);
    click(h, "a3.rizal.sorot.ron: “Korut menerima amunisi dari Rusia” — BBC");
    settle(h);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a3.rizal.sorot.ron").as_path()));
}

/// With a file of one's own per article, evidence in the Relationships
/// window that is in a colleague's own file opens it read-only, for review
/// (a newcomer reviewer deleted budi's span with Tab, Delete).
#[test]
fn a_colleagues_file_opened_from_the_relationships_is_read_only() {
    let dir = common::build_corpus();
    let d = dir.path();
    let mut h = own_files_window(d);
    keys(&mut h, Modifiers::COMMAND, Key::G);
    open_rizals_evidence(&mut h, d);
    assert!(h.state().doc.read_only, "rizal's file is not the tester's to edit");
    let spans = h.state().doc.store.spans().len();
    h.key_press(Key::Escape);
    h.run_steps(1);
    h.key_press(Key::Tab);
    h.run_steps(1);
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert_eq!(h.state().doc.store.spans().len(), spans, "nothing deleted");
}

#[test]
fn with_own_files_each_annotator_writes_article_dot_name_dot_sorot_ron() {
    let dir = common::build_corpus();
    let d = dir.path();
    let mut h = own_files_window(d);
    // tester has finished nothing: a1 opens, from the article, into tester's file.
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a1.tester.sorot.ron").as_path()));
    assert_eq!(h.state().doc.store.spans().len(), 0);
    find_and_select(&mut h, "Kremlin");
    h.key_press(Key::O); // Organization
    h.run_steps(2);
    let before = std::fs::read(d.join("a1.sorot.ron")).unwrap();
    keys(&mut h, Modifiers::COMMAND, Key::PageDown);
    let mine = sorot::io::load_annotations(&d.join("a1.tester.sorot.ron")).unwrap();
    assert_eq!(mine.meta.annotator.as_deref(), Some("tester"));
    assert_eq!(mine.spans().len(), 1);
    assert_eq!(std::fs::read(d.join("a1.sorot.ron")).unwrap(), before, "the other file is untouched");
    let c = sorot::io::corpus::scan(d, |_, _| {}).unwrap();
    assert_eq!(c.state(&c.entries[0], Some("tester")), DocState::InProgress);
    assert_eq!(c.state(&c.entries[0], None), DocState::Done);
}

/// The corpus with `a1.sorot.ron` opened for review (read-only).
fn open_for_review() -> (tempfile::TempDir, std::path::PathBuf, Harness<'static, SorotApp>) {
    let dir = common::build_corpus();
    let file = dir.path().join("a1.sorot.ron");
    let mut h = harness(SorotApp::new(sorot::gui::Document::open(&dir.path().join("a1.txt")).unwrap()));
    h.state_mut().push(Action::Folder(FolderAction::OpenForReview(file.clone())));
    settle(&mut h);
    (dir, file, h)
}

#[test]
fn reviewing_a_file_read_only_from_the_keyboard() {
    let (_dir, file, mut h) = open_for_review();
    assert!(h.state().doc.read_only && h.state().review.is_some());
    h.get_by_label("Review (annotations read-only)");
    let order = h.state().review_order();
    let is_span = |i: &ReviewItem| matches!(i, ReviewItem::Span(_));
    assert_eq!(order.iter().filter(|i| is_span(i)).count(), 18);
    assert_eq!(order.len(), 18 + 5, "relations are stepped through too");

    keys(&mut h, Modifiers::NONE, Key::ArrowDown);
    assert_eq!(h.state().review_current(), Some(order[0]));
    keys(&mut h, Modifiers::NONE, Key::A);
    assert_eq!(h.state().review_current(), Some(order[1]), "A accepts and moves on");
    keys(&mut h, Modifiers::NONE, Key::X);
    keys(&mut h, Modifiers::NONE, Key::F);
    assert_eq!(h.state().review_current(), Some(order[3]));
    keys(&mut h, Modifiers::NONE, Key::ArrowUp);
    assert_eq!(h.state().review_current(), Some(order[2]), "the flagged one");
    keys(&mut h, Modifiers::NONE, Key::N);
    h.get_by_label("Review note").type_text("Quote cut short?");
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(3);
    let status = |h: &Harness<'static, SorotApp>, item: ReviewItem| {
        let store = &h.state().doc.store;
        match item {
            ReviewItem::Span(id) => store.span(id).unwrap().review.clone(),
            ReviewItem::Relation(id) => store.relation(id).unwrap().review.clone(),
        }
    };
    let statuses: Vec<ReviewStatus> = order[..4].iter().map(|i| status(&h, *i).status).collect();
    assert_eq!(
        statuses,
        [ReviewStatus::Accepted, ReviewStatus::Rejected, ReviewStatus::Flagged, ReviewStatus::Unreviewed]
    );
    // The summary counts spans and relations apart.
    let count = |span: bool, i: usize| usize::from(is_span(&order[i]) == span);
    for (kind, span, total) in [("spans", true, 18), ("relations", false, 5)] {
        let (a, x, f) = (count(span, 0), count(span, 1), count(span, 2));
        h.get_by_label(&format!("{kind}: {a} accepted · {x} rejected · {f} flagged · {} to review", total - a - x - f));
    }
    let flagged = status(&h, order[2]);
    assert_eq!(flagged.reviewer.as_deref(), Some("tester"));
    assert!(flagged.reviewed.is_some_and(|t| t.0 > 1_700_000_000));
    // The note is the review's; the annotator's own note is untouched.
    assert_eq!(flagged.note.as_deref().map(String::as_str), Some("Quote cut short?"));
    let own_note = match order[2] {
        ReviewItem::Span(id) => h.state().doc.store.span(id).unwrap().note.clone(),
        ReviewItem::Relation(id) => h.state().doc.store.relation(id).unwrap().note.clone(),
    };
    assert_eq!(own_note, None);

    // A relation is accepted like a span.
    let rel = *order.iter().skip(4).find(|i| !is_span(i)).unwrap();
    for _ in 0..order.len() {
        if h.state().review_current() == Some(rel) {
            break;
        }
        keys(&mut h, Modifiers::NONE, Key::ArrowDown);
    }
    assert_eq!(h.state().review_current(), Some(rel));
    keys(&mut h, Modifiers::NONE, Key::A);
    assert_eq!(status(&h, rel).status, ReviewStatus::Accepted);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(status(&h, rel).status, ReviewStatus::Unreviewed, "undone");
    let order: Vec<SpanId> = order
        .iter()
        .filter_map(|i| match i {
            ReviewItem::Span(id) => Some(*id),
            ReviewItem::Relation(_) => None,
        })
        .collect();
    let first = order[0];
    h.state_mut().push(Action::Reveal(first));
    h.run_steps(2);

    // The annotations themselves are read-only.
    h.state_mut().push(Action::Run(sorot::gui::Command::Delete));
    h.run_steps(2);
    assert!(h.state().doc.store.span(first).is_some());
    assert!(h.state().status.contains("Read-only while reviewing"), "{}", h.state().status);

    // Filters: only the flagged ones; only one label (no relations then).
    h.state_mut().review.as_mut().unwrap().filter.status = Some(ReviewStatus::Accepted);
    assert_eq!(h.state().review_order(), [ReviewItem::Span(first)]);
    let country = h.state().doc.store.schema().label_index("Country").unwrap() as u16;
    let review = h.state_mut().review.as_mut().unwrap();
    review.filter.status = None;
    review.filter.label = Some(country);
    assert_eq!(h.state().review_order().len(), 6);
    // A filter chosen in the panel that leaves the annotation under review
    // out moves off it (it stayed until ↓); one that keeps it stays.
    h.state_mut().review.as_mut().unwrap().filter.label = None;
    h.state_mut().push(Action::Reveal(first));
    h.run_steps(2);
    assert_eq!(h.state().review_current(), Some(ReviewItem::Span(first)));
    click(&mut h, "by label");
    assert_eq!(h.state().review_current(), Some(ReviewItem::Span(first)), "still matches: stays");
    click(&mut h, "accepted from suggestions");
    assert_eq!(h.state().review_current(), None);
    assert!(h.state().status.contains("No annotation matches the review filters"), "{}", h.state().status);
    click(&mut h, "accepted from suggestions");
    click(&mut h, "by label");

    // Ctrl+Enter marks the document reviewed and saves it.
    keys(&mut h, Modifiers::COMMAND, Key::Enter);
    wait_saved(&mut h);
    let back = sorot::io::load_annotations(&file).unwrap();
    assert_eq!(back.meta.state, DocState::Reviewed);
    assert_eq!(back.span(first).unwrap().review.status, ReviewStatus::Accepted);
    assert_eq!(back.span(first).unwrap().review.reviewer.as_deref(), Some("tester"));
}

#[test]
fn comparing_two_files_and_adjudicating_from_the_keyboard_with_undo() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "Rusia dan Korut bertemu Dmitry Peskov di Moskow kemarin.\n";
    for (who, korut, peskov, moskow) in [("alice", "Korut", "Person", false), ("bob", "orut", "Source", true)] {
        let mut s = common::store_of(text, "t");
        s.meta.annotator = Some(who.into());
        let mut b = common::Builder { store: &mut s, author: who };
        b.span("Country", b.at("Rusia"), &[]);
        b.span("Country", b.at(korut), &[]);
        b.span(peskov, b.at("Dmitry Peskov"), &[]);
        if moskow {
            b.span("Location", b.at("Moskow"), &[]);
        }
        sorot::io::save_annotations(&d.join(format!("t.{who}.sorot.ron")), &s).unwrap();
    }
    let mut h = harness(SorotApp::new(sorot::gui::Document::open(&d.join("t.alice.sorot.ron")).unwrap()));
    let text_top = h.state().view.viewport_top();
    h.state_mut()
        .push(Action::Compare(CompareAction::Start(vec![d.join("t.alice.sorot.ron"), d.join("t.bob.sorot.ron")])));
    settle(&mut h);
    h.get_by_label("Compare and adjudicate");
    // The palette's row stays (saying how to decide): the text did not move.
    assert_eq!(h.state().view.viewport_top(), text_top, "opening the compare view moved the text");
    h.get_by_label_contains("Compare view: decide each difference");
    h.get_by_label_contains("3 of 3 undecided");
    assert_eq!(h.state().compare.as_ref().unwrap().current, 1, "the first difference");
    keys(&mut h, Modifiers::NONE, Key::Num2); // bob's "orut"
    keys(&mut h, Modifiers::NONE, Key::Num1); // alice's Person
    keys(&mut h, Modifiers::NONE, Key::X); // no Moskow
    h.get_by_label_contains("All 3 decided — Ctrl+S saves t.adjudicated.sorot.ron");
    // Decided rows are ticked (issue 22, item 10).
    h.get_by_label_contains("✔ 1. ");
    h.get_by_label_contains("✔ 3. ");
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    h.get_by_label_contains("1 of 3 undecided");
    keys(&mut h, Modifiers::NONE, Key::B); // Moskow after all
    h.get_by_label_contains("All 3 decided — Ctrl+S saves t.adjudicated.sorot.ron");
    // Marking the merged file done keeps the decisions that made it (issue
    // 22, item 3: the list used to empty to "3 of 3 undecided").
    keys(&mut h, Modifiers::COMMAND, Key::Enter);
    assert_eq!(h.state().doc.store.meta.state, DocState::Done);
    h.get_by_label_contains("All 3 decided — Ctrl+S saves t.adjudicated.sorot.ron");
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().doc.store.meta.state, DocState::InProgress);
    h.get_by_label_contains("All 3 decided — Ctrl+S saves t.adjudicated.sorot.ron");
    // Leaving the compare view keeps the merged file open, to edit or save.
    click(&mut h, "Leave the compare view");
    assert!(h.state().compare.is_none());
    assert_eq!(h.state().doc.store.spans().len(), 4);
    keys(&mut h, Modifiers::COMMAND, Key::S);
    wait_saved(&mut h);
    let merged = sorot::io::load_annotations(&d.join("t.adjudicated.sorot.ron")).unwrap();
    let got: Vec<(String, String, String)> = merged
        .spans_in_text_order()
        .into_iter()
        .map(|id| merged.span(id).unwrap())
        .map(|s| (merged.quote(s), merged.label_name(s.label).to_owned(), s.provenance.author.to_string()))
        .collect();
    let want = [
        ("Rusia", "Country", "alice+bob"),
        ("orut", "Country", "bob"),
        ("Dmitry Peskov", "Person", "alice"),
        ("Moskow", "Location", "bob"),
    ];
    assert_eq!(got, want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())));
    assert_eq!(merged.meta.annotator.as_deref(), Some("tester"));
    // Adjudicating is not reviewing: the reviewer starts from unreviewed spans.
    assert!(merged.spans().all(|s| s.review.status == ReviewStatus::Unreviewed && s.review.reviewer.is_none()));

    // The file keeps what made it (issue 22, item 3): reopened, the merged
    // file shows its decisions again, and they can still be changed.
    let record = merged.meta.adjudication.as_deref().expect("the decisions are in the file");
    assert_eq!(record.files, ["t.alice.sorot.ron", "t.bob.sorot.ron"]);
    assert_eq!(record.names, ["alice", "bob"]);
    assert_eq!(record.decisions.len(), 3);
    let mut h = harness(SorotApp::new(sorot::gui::Document::open(&d.join("t.alice.sorot.ron")).unwrap()));
    h.state_mut().push(Action::Open(d.join("t.adjudicated.sorot.ron")));
    settle(&mut h);
    h.get_by_label("Compare and adjudicate");
    h.get_by_label_contains("All 3 decided — Ctrl+S saves t.adjudicated.sorot.ron");
    h.get_by_label_contains("“Korut” → bob");
    h.get_by_label_contains("“Moskow” → both");
    h.get_by_label_contains("“Dmitry Peskov” → alice");
    keys(&mut h, Modifiers::NONE, Key::X); // the current one (orut): neither after all
    h.get_by_label_contains("“Korut” → neither");
    assert_eq!(h.state().doc.store.spans().len(), 3);
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    h.get_by_label_contains("“Korut” → bob");

    // A compared file that changed since shows what changed as a new
    // difference to settle; one that is gone leaves the merged file to open
    // as any other, with the reason in the status.
    let bob = d.join("t.bob.sorot.ron");
    let mut s = sorot::io::load_annotations(&bob).unwrap();
    let mut b = common::Builder { store: &mut s, author: "bob" };
    b.span("Person", b.at("Rusia"), &[]);
    sorot::io::save_annotations(&bob, &s).unwrap();
    let mut h = harness(SorotApp::new(sorot::gui::Document::open(&d.join("t.alice.sorot.ron")).unwrap()));
    h.state_mut().push(Action::Open(d.join("t.adjudicated.sorot.ron")));
    settle(&mut h);
    h.get_by_label_contains("1 of 4 undecided");
    h.get_by_label_contains("○ 1. same span, other label · “Rusia”");
    std::fs::remove_file(&bob).unwrap();
    h.state_mut().push(Action::Open(d.join("t.adjudicated.sorot.ron")));
    settle(&mut h);
    assert!(h.state().compare.is_none());
    assert!(h.state().status.contains("decisions cannot be shown again"), "{}", h.state().status);
    assert_eq!(h.state().doc.store.spans().len(), 4);
}

/// `t.txt` with dewi's and budi's finished files (they disagree on Peskov's
/// label); returns the text.
fn two_annotators(d: &Path) -> &'static str {
    let text: &'static str = "Rusia dan Korut bertemu Dmitry Peskov di Moskow kemarin.\n";
    std::fs::write(d.join("t.txt"), text).unwrap();
    for (who, peskov) in [("dewi", "Person"), ("budi", "Source")] {
        let mut s = common::store_of(text, "t");
        s.meta.annotator = Some(who.into());
        s.meta.state = DocState::Done;
        let mut b = common::Builder { store: &mut s, author: who };
        b.span("Country", b.at("Rusia"), &[]);
        b.span(peskov, b.at("Dmitry Peskov"), &[]);
        sorot::io::save_annotations(&d.join(format!("t.{who}.sorot.ron")), &s).unwrap();
    }
    text
}

#[test]
fn a_second_compare_never_replaces_the_reviewed_adjudicated_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = two_annotators(d);
    // The adjudicated file, reviewed by sari.
    let adjudicated = d.join("t.adjudicated.sorot.ron");
    let mut s = common::store_of(text, "t");
    s.meta.annotator = Some("dewi".into());
    s.meta.state = DocState::Reviewed;
    let mut b = common::Builder { store: &mut s, author: "dewi" };
    b.span("Country", b.at("Rusia"), &[]);
    b.span("Country", b.at("Korut"), &[]);
    b.span("Person", b.at("Dmitry Peskov"), &[]);
    sorot::io::save_annotations(&adjudicated, &s).unwrap();
    let reviewed = std::fs::read(&adjudicated).unwrap();

    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    // The folder offers to compare the two annotators, not the result.
    assert!(h.query_by_label("Compare 3").is_none(), "the adjudicated file is offered as an annotator");
    click(&mut h, "Compare 2");
    settle(&mut h);
    let c = h.state().compare.as_ref().expect("comparing");
    assert_eq!(c.adj.names, ["budi", "dewi"]);
    let merged = d.join("t.adjudicated-2.sorot.ron");
    assert_eq!(h.state().doc.path.as_deref(), Some(merged.as_path()));
    keys(&mut h, Modifiers::NONE, Key::Num1);
    keys(&mut h, Modifiers::COMMAND, Key::S);
    wait_saved(&mut h);
    assert!(merged.exists());
    assert_eq!(std::fs::read(&adjudicated).unwrap(), reviewed, "the reviewed file was replaced");

    // Asked for explicitly, the adjudicated file is compared by its role,
    // and the merge still goes to a new name.
    let files = vec![adjudicated.clone(), d.join("t.budi.sorot.ron"), d.join("t.dewi.sorot.ron")];
    h.state_mut().push(Action::Compare(CompareAction::Start(files)));
    settle(&mut h);
    let c = h.state().compare.as_ref().expect("comparing");
    assert_eq!(c.adj.names, ["adjudicated", "budi", "dewi"]);
    let third = d.join("t.adjudicated-3.sorot.ron");
    assert_eq!(h.state().doc.path.as_deref(), Some(third.as_path()));
    // A file that appears under the merge's name meanwhile is not replaced
    // without asking.
    std::fs::write(&third, "someone else's\n").unwrap();
    keys(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label_contains("already exists");
    assert_eq!(std::fs::read_to_string(&third).unwrap(), "someone else's\n");
    assert_eq!(std::fs::read(&adjudicated).unwrap(), reviewed);
}

/// Comparing the same files again continues the adjudication in progress
/// (its decisions come back) instead of starting a second merged file, and
/// says that the one left was saved; once the merged file is marked done, a
/// compare starts anew under the next free name.
#[test]
fn comparing_the_same_files_again_continues_the_adjudication_in_progress() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    two_annotators(d);
    let files = vec![d.join("t.budi.sorot.ron"), d.join("t.dewi.sorot.ron")];
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    h.state_mut().push(Action::Compare(CompareAction::Start(files.clone())));
    settle(&mut h);
    let merged = d.join("t.adjudicated.sorot.ron");
    assert_eq!(h.state().doc.path.as_deref(), Some(merged.as_path()));
    keys(&mut h, Modifiers::NONE, Key::Num1);
    // Left unsaved on purpose: starting the compare again saves it first.
    h.state_mut().push(Action::Compare(CompareAction::Start(files.clone())));
    settle(&mut h);
    settle(&mut h);
    assert_eq!(h.state().doc.path.as_deref(), Some(merged.as_path()), "continued, not started anew");
    assert!(!d.join("t.adjudicated-2.sorot.ron").exists(), "no second merged file");
    assert!(h.state().compare.is_some(), "the compare view is back");
    let status = h.state().status.clone();
    assert!(status.starts_with("Saved t.adjudicated.sorot.ron; "), "{status}");
    assert!(status.contains("The compare of this merged file, as saved: 1 of"), "{status}");

    // Marked done, it is a result: the next compare starts a new merge.
    let mut done = sorot::io::load_annotations(&merged).unwrap();
    done.meta.state = DocState::Done;
    sorot::io::save_annotations(&merged, &done).unwrap();
    h.state_mut().push(Action::Compare(CompareAction::End));
    settle(&mut h);
    h.state_mut().push(Action::Compare(CompareAction::Start(files.clone())));
    settle(&mut h);
    let second = d.join("t.adjudicated-2.sorot.ron");
    assert_eq!(h.state().doc.path.as_deref(), Some(second.as_path()));

    // Another adjudicator comparing the same files never takes over this
    // one's adjudication in progress: theirs starts under the next name.
    keys(&mut h, Modifiers::NONE, Key::Num1);
    keys(&mut h, Modifiers::COMMAND, Key::S);
    wait_saved(&mut h);
    h.state_mut().push(Action::Compare(CompareAction::End));
    settle(&mut h);
    h.state_mut().prefs.annotator = "sari".into();
    h.state_mut().push(Action::Compare(CompareAction::Start(files)));
    settle(&mut h);
    let third = d.join("t.adjudicated-3.sorot.ron");
    assert_eq!(h.state().doc.path.as_deref(), Some(third.as_path()), "{}", h.state().status);
}

#[test]
fn a_damaged_annotation_file_does_not_lock_its_article_away_and_is_never_overwritten() {
    for damage in ["", "(format_version: 1, document: (id: \"story\""] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("story.txt"), "Rusia dan Korut bertemu di Moskow.\n").unwrap();
        std::fs::write(d.join("story.sorot.ron"), damage).unwrap();
        let mut h = harness(SorotApp::new(sorot::gui::Document::sample()));
        // Opened as the folder's first document.
        h.state_mut().push(Action::Folder(FolderAction::Open(d.to_owned())));
        for _ in 0..20 {
            settle(&mut h);
        }
        // The article is open, and the notice says what is wrong in words.
        // In the folder's list, the file is damaged, not new.
        h.get_by_label("story  [damaged]");
        h.get_by_label("story.sorot.ron: damaged");
        assert_eq!(h.state().doc.store.text().as_str(), "Rusia dan Korut bertemu di Moskow.\n");
        h.get_by_label_contains("could not be read");
        assert!(h.query_by_label_contains("Dto").is_none(), "an internal type name is shown");
        if damage.is_empty() {
            h.get_by_label_contains("the file is empty");
        }
        click(&mut h, "OK");
        find_and_select(&mut h, "Rusia");
        keys(&mut h, Modifiers::NONE, Key::N); // Country
        assert_eq!(h.state().doc.store.spans().len(), 1);
        keys(&mut h, Modifiers::COMMAND, Key::S);
        wait_saved(&mut h);
        // Saved to the usual place; the damaged file kept beside it, as it was.
        let saved = sorot::io::load_annotations(&d.join("story.sorot.ron")).unwrap();
        assert_eq!(saved.spans().len(), 1);
        assert_damaged_kept_as(d, damage);
    }
}

/// The folder `d` holds one `story.sorot.ron.damaged-<time>`, and it reads
/// `damage`: the damaged file was set aside as it was.
fn assert_damaged_kept_as(d: &Path, damage: &str) {
    let kept: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("story.sorot.ron.damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(std::fs::read_to_string(&kept[0]).unwrap(), damage, "the damaged file is kept as it was");
}

/// One bad span no longer hides the rest of its file (a newcomer set one
/// of 39 spans' offsets past the end and lost sight of all 39): what can
/// be read opens, from the article or from the file itself; the notice
/// says what could not be read and where; saving keeps the damaged file
/// as it was.
#[test]
fn a_file_with_one_bad_span_opens_with_the_rest() {
    for open_the_file_itself in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let article = d.join("story.txt");
        std::fs::write(&article, "Rusia dan Korut bertemu di Moskow.\n").unwrap();
        let mut store = sorot::io::store_for_article(
            &article,
            sorot::io::read_article(&article).unwrap(),
            sorot::model::Schema::default_news(),
        );
        let mut b = crate::common::Builder { store: &mut store, author: "dewi" };
        for (word, label) in [("Rusia", "Country"), ("Korut", "Country"), ("Moskow", "Location")] {
            let at = b.at(word);
            b.span(label, at, &[]);
        }
        let ann = d.join("story.sorot.ron");
        let good = sorot::io::to_ron_string(&store);
        let damage = good.replacen("start_byte: 10, end_byte: 15", "start_byte: 99999, end_byte: 15", 1);
        assert_ne!(damage, good);
        std::fs::write(&ann, &damage).unwrap();

        let mut h = harness(SorotApp::new(sorot::gui::Document::sample()));
        h.state_mut().push(Action::Open(if open_the_file_itself { ann.clone() } else { article.clone() }));
        settle(&mut h);
        let quotes: Vec<String> = h.state().doc.store.spans().map(|s| h.state().doc.store.quote(s)).collect();
        assert_eq!(quotes, ["Rusia", "Moskow"], "{}", h.state().status);
        h.get_by_label_contains("Part of story.sorot.ron could not be read — line ");
        h.get_by_label_contains("span #2: range 99999..15 is empty or reversed");
        h.get_by_label_contains("The 2 annotations that could be read are open");
        click(&mut h, "OK");
        find_and_select(&mut h, "Korut");
        keys(&mut h, Modifiers::NONE, Key::N); // Country again
        keys(&mut h, Modifiers::COMMAND, Key::S);
        wait_saved(&mut h);
        let saved = sorot::io::load_annotations(&ann).unwrap();
        assert_eq!(saved.spans().len(), 3);
        assert_damaged_kept_as(d, &damage);
    }
}

/// A folder whose first article cannot be opened (an empty file) opens
/// on the next one, and says what it skipped (a newcomer's folder opened
/// on nothing but the error).
#[test]
fn a_folder_opens_past_an_article_that_cannot_be_opened() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a0-kosong.txt"), "").unwrap();
    std::fs::write(d.join("a1-rusia.txt"), "Rusia dan Korut bertemu di Moskow.\n").unwrap();
    let mut h = harness(SorotApp::new(sorot::gui::Document::sample()));
    h.state_mut().push(Action::Folder(FolderAction::Open(d.to_owned())));
    settle(&mut h);
    for _ in 0..50 {
        if h.state().doc.path.as_deref() == Some(d.join("a1-rusia.sorot.ron").as_path()) {
            break;
        }
        settle(&mut h);
    }
    assert_eq!(h.state().doc.store.text().as_str(), "Rusia dan Korut bertemu di Moskow.\n", "{}", h.state().status);
    assert!(h.state().dialog.is_none(), "{:?}", h.state().dialog);
    let status = &h.state().status;
    assert!(status.contains("skipped") && status.contains("a0-kosong.txt") && status.contains("empty"), "{status}");
    // Labelled and not saved yet: the folder's list says so (it said
    // "new" until the save).
    h.get_by_label("a1-rusia  [new]");
    find_and_select(&mut h, "Rusia");
    keys(&mut h, Modifiers::NONE, Key::N);
    settle(&mut h);
    let row = h.get_by_label_contains("a1-rusia  [").accesskit_node().label().unwrap_or_default();
    assert!(row.ends_with(", unsaved]"), "{row}");
}

/// The Open folder dialog (issue 19, item 13) says which folder it lists
/// and lists folders only; closing the system dialog is not a failure.
#[test]
fn the_open_folder_dialog_lists_folders_and_says_where() {
    let (dir, article) = crate::common::gui::sample_copy();
    std::fs::create_dir(dir.path().join("batch1")).unwrap();
    let mut h = crate::common::gui::harness(&article, 900.0);
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    let typed = format!("{}/", dir.path().display());
    h.get_by_label("Path").type_text(&typed);
    h.run_steps(3);
    let listed = std::fs::canonicalize(dir.path()).unwrap();
    h.get_by_label(&format!("Folders in {}:", listed.display()));
    h.get_by_label(&format!("{typed}batch1/"));
    assert!(h.query_by_label(&format!("{typed}article.txt")).is_none(), "files are not offered for a folder");
}

/// Review mode starts where the work is (issue 19, item 11): at the first
/// annotation not yet reviewed, not at whatever was selected.
#[test]
fn review_mode_starts_at_the_first_unreviewed_annotation() {
    let (_dir, article) = crate::common::gui::sample_copy();
    let mut h = crate::common::gui::harness(&article, 900.0);
    // Turn review on once to learn the order, then off again.
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    let order = h.state().review_order();
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    assert!(order.len() > 3);
    // The first two are accepted already; the selection is far down.
    for item in &order[..2] {
        let ReviewItem::Span(id) = *item else { panic!("the sample's first items are spans") };
        let mut span = h.state().doc.store.span(id).unwrap().clone();
        span.review.status = ReviewStatus::Accepted;
        h.state_mut().doc.apply(sorot::model::Edit::ReplaceSpan(span), "accept").unwrap();
    }
    let ReviewItem::Span(last) = *order.iter().rev().find(|i| matches!(i, ReviewItem::Span(_))).unwrap() else {
        unreachable!()
    };
    h.state_mut().selected = Some(last);
    h.run_steps(2);
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::V);
    assert_eq!(h.state().review_current(), Some(order[2]), "review starts at the first unreviewed annotation");
}

/// Issue 22, item 5: A / X / F move on, and a note written right after a
/// decision belongs to the annotation just decided — kept in its review,
/// shown in the panel, saved, and never in the annotator's own note.
#[test]
fn a_review_note_right_after_a_decision_belongs_to_that_annotation() {
    let (_dir, file, mut h) = open_for_review();
    let order = h.state().review_order();
    let ReviewItem::Span(first) = order[0] else { panic!("spans come first") };
    let own_before = h.state().doc.store.span(first).unwrap().note.clone();
    let label = {
        let store = &h.state().doc.store;
        store.label_name(store.span(first).unwrap().label).to_owned()
    };
    keys(&mut h, Modifiers::NONE, Key::ArrowDown);
    keys(&mut h, Modifiers::NONE, Key::F);
    assert_eq!(h.state().review_current(), Some(order[1]), "F moved on");
    keys(&mut h, Modifiers::NONE, Key::N);
    h.get_by_label_contains(&format!("for {label} {first} “"));
    h.get_by_label("Review note").type_text("Sumber belum jelas");
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(3);
    let span = h.state().doc.store.span(first).unwrap().clone();
    assert_eq!(span.review.status, ReviewStatus::Flagged);
    assert_eq!(span.review.note.as_deref().map(String::as_str), Some("Sumber belum jelas"));
    assert_eq!(span.note, own_before, "the annotator's own note is untouched");
    if let ReviewItem::Span(next) = order[1] {
        assert_eq!(h.state().doc.store.span(next).unwrap().review.note, None, "not on the next one");
    }
    // Shown when the reviewer comes back to it, and kept in the file.
    keys(&mut h, Modifiers::NONE, Key::ArrowUp);
    h.get_by_label("Review note: Sumber belum jelas");
    common::gui::save(&mut h);
    let saved = sorot::io::load_annotations(&file).unwrap();
    let span = saved.span(first).unwrap();
    assert_eq!(span.review.note.as_deref().map(String::as_str), Some("Sumber belum jelas"));
    assert_eq!(span.note, own_before);
}

/// Issue 22, item 9: review mode does not look editable — the details are
/// disabled, and Delete is refused without losing the reviewer's place.
#[test]
fn review_mode_refuses_delete_and_keeps_the_place() {
    let (_dir, _file, mut h) = open_for_review();
    keys(&mut h, Modifiers::NONE, Key::ArrowDown);
    let current = h.state().review_current();
    let spans = h.state().doc.store.spans().len();
    assert!(current.is_some() && h.state().selected.is_some());
    h.get_by_label("Read-only while reviewing: E switches to editing.");
    assert!(h.get_by_label("Delete").accesskit_node().is_disabled(), "the Delete button is disabled");
    keys(&mut h, Modifiers::NONE, Key::Delete);
    assert_eq!(h.state().doc.store.spans().len(), spans, "nothing deleted");
    assert_eq!(h.state().review_current(), current, "the reviewer's place is kept");
    h.get_by_label_contains("Read-only while reviewing: E switches to editing, then Delete deletes");
}

/// Issue 22, item 10: "Open for review" starts in the open document's
/// folder, where the files to review are, not where Sorot was launched.
#[test]
fn open_for_review_starts_in_the_open_folder() {
    let (dir, article) = common::gui::sample_copy();
    let mut h = common::gui::harness(&article, 900.0);
    keys(&mut h, Modifiers { alt: true, ..Modifiers::COMMAND }, Key::O);
    h.get_by_label("Open annotations for review (read-only)");
    let want = format!("{}{}", dir.path().display(), std::path::MAIN_SEPARATOR);
    assert!(
        matches!(&h.state().dialog, Some(sorot::gui::Dialog::Path { text, .. }) if *text == want),
        "the path field starts at {want}"
    );
    // The completion lists the folder's annotation file (beside the status
    // bar's own mention of the open file).
    assert!(h.query_all_by_label_contains("article.sorot.ron").count() >= 2);
}

/// The folder's progress line of `sorot status`.
fn status_of(dir: &Path) -> String {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    sorot::cli::status(dir, &mut out, &mut err);
    String::from_utf8(out).unwrap()
}

/// Issue 22, "Done when": a small team in the window. Two annotators'
/// files; the adjudicator compares, decides and marks the merge done; the
/// reviewer reviews it with a note; "Compare" is offered again and its
/// merge goes to a new file; the reviewed file is never overwritten,
/// review and adjudication stay apart in it, its decisions show again when
/// it is reopened, and the window and `sorot status` agree on progress.
#[test]
fn a_small_team_annotates_adjudicates_and_reviews_without_losing_a_decision() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "Juru bicara Kremlin, Dmitry Peskov, mengatakan Moskow tidak mengirim senjata ke Pyongyang.\n";
    std::fs::write(d.join("t.txt"), text).unwrap();
    for (who, claim, moskow) in [
        ("dewi", "Moskow tidak mengirim senjata ke Pyongyang", false),
        ("budi", "tidak mengirim senjata ke Pyongyang", true),
    ] {
        let mut s = common::store_of(text, "t");
        s.meta.annotator = Some(who.into());
        s.meta.state = DocState::Done;
        let mut b = common::Builder { store: &mut s, author: who };
        let c = b.span("Claim", b.at(claim), &[]);
        let p = b.span("Person", b.at("Dmitry Peskov"), &[]);
        b.relation(
            "said_by",
            &[("claim", sorot::model::Target::Span(c)), ("source", sorot::model::Target::Span(p))],
            &[],
            &[],
        )
        .unwrap();
        if moskow {
            b.span("Country", b.at("Moskow"), &[]);
        }
        sorot::io::save_annotations(&d.join(format!("t.{who}.sorot.ron")), &s).unwrap();
    }
    let mut app = SorotApp::opening_folder(d.to_owned());
    app.prefs.per_annotator_files = true;
    let mut h = harness(app);
    h.state_mut().prefs.annotator = "ana".into();
    h.run_steps(2);
    h.get_by_label("1 of 1 done");
    h.get_by_label_contains("budi: done · dewi: done");
    assert!(status_of(d).ends_with("1 of 1 articles done\n"), "{}", status_of(d));

    // The adjudicator: dewi's claim (with her said_by), budi's Moskow.
    click(&mut h, "Compare 2");
    settle(&mut h);
    assert_eq!(h.state().compare.as_ref().unwrap().adj.names, ["budi", "dewi"]);
    // The differences in text order: Moskow (only budi), then the claim.
    keys(&mut h, Modifiers::NONE, Key::Num1);
    keys(&mut h, Modifiers::NONE, Key::Num2);
    h.get_by_label_contains("All 2 decided");
    h.get_by_label_contains("“Moskow” → budi");
    h.get_by_label_contains("“Moskow tidak mengirim senjata ke Pyongya…” → dewi");
    keys(&mut h, Modifiers::COMMAND, Key::Enter);
    wait_saved(&mut h);
    let adjudicated = d.join("t.adjudicated.sorot.ron");
    assert_eq!(state_on_disk(&adjudicated), DocState::Done);
    // The adjudication in progress or done never lowers the annotators' progress.
    h.get_by_label("1 of 1 done");
    h.get_by_label_contains("1 adjudicated");
    h.get_by_label_contains("adjudicated (by ana): done");
    let status = status_of(d);
    assert!(
        status.contains("t.adjudicated.sorot.ron (adjudicated by ana): 3 spans, 1 relation, 0 reviewed"),
        "{status}"
    );
    assert!(status.ends_with("1 of 1 articles done · 1 adjudicated\n"), "{status}");

    // The reviewer: accepts the first, rejects the second with a note, and
    // marks the file reviewed.
    h.state_mut().prefs.annotator = "sari".into();
    h.state_mut().push(Action::Folder(FolderAction::OpenForReview(adjudicated.clone())));
    settle(&mut h);
    assert!(h.state().compare.is_none(), "review is not adjudication");
    h.get_by_label_contains("spans: 0 accepted · 0 rejected · 0 flagged · 3 to review");
    keys(&mut h, Modifiers::NONE, Key::ArrowDown);
    keys(&mut h, Modifiers::NONE, Key::A);
    keys(&mut h, Modifiers::NONE, Key::X);
    keys(&mut h, Modifiers::NONE, Key::N);
    h.get_by_label("Review note").type_text("Bukan kutipan langsung");
    h.run_steps(1);
    h.key_press(Key::Enter);
    h.run_steps(3);
    keys(&mut h, Modifiers::COMMAND, Key::Enter);
    wait_saved(&mut h);
    let reviewed = std::fs::read(&adjudicated).unwrap();
    let file = sorot::io::load_annotations(&adjudicated).unwrap();
    assert_eq!(file.meta.state, DocState::Reviewed);
    assert_eq!(file.meta.annotator.as_deref(), Some("ana"), "the adjudicator's file");
    // Adjudication (whose version, when) and review (who decided what)
    // are apart: the authors are the annotators, the reviews sari's.
    let mut authors: Vec<String> = file.spans().map(|s| s.provenance.author.to_string()).collect();
    authors.sort();
    assert_eq!(authors, ["budi", "budi+dewi", "dewi"]);
    // The review steps through each span and then the relations it is in:
    // Peskov accepted, his said_by rejected with the note.
    let reviews = |s: &sorot::model::Review| (s.status, s.reviewer.map(|r| r.to_string()), s.note.as_deref().cloned());
    let spans: Vec<_> = file.spans().map(|s| (file.quote(s), reviews(&s.review))).collect();
    let unreviewed = (ReviewStatus::Unreviewed, None, None);
    assert_eq!(
        spans,
        [
            ("Dmitry Peskov".to_owned(), (ReviewStatus::Accepted, Some("sari".to_owned()), None)),
            ("Moskow".to_owned(), unreviewed.clone()),
            ("Moskow tidak mengirim senjata ke Pyongyang".to_owned(), unreviewed),
        ]
    );
    let relation = file.relations().next().unwrap();
    assert_eq!(
        reviews(&relation.review),
        (ReviewStatus::Rejected, Some("sari".to_owned()), Some("Bukan kutipan langsung".to_owned()))
    );
    assert_eq!(file.meta.adjudication.as_deref().map(|r| r.decisions.len()), Some(2));
    h.get_by_label("1 of 1 done");
    h.get_by_label_contains("1 adjudicated · 1 reviewed");
    h.get_by_label_contains("reviewed by sari");
    let status = status_of(d);
    assert!(status.contains("(adjudicated by ana): 3 spans, 1 relation, 1 reviewed by sari"), "{status}");
    assert!(status.ends_with("1 of 1 articles done · 1 adjudicated · 1 reviewed\n"), "{status}");

    // "Compare" is offered again: for the two annotators, and the merge
    // goes to a new name.
    h.state_mut().prefs.annotator = "ana".into();
    h.state_mut().push(Action::Folder(FolderAction::Rescan));
    settle(&mut h);
    assert!(h.query_by_label("Compare 3").is_none(), "the adjudicated file offered as an annotator");
    click(&mut h, "Compare 2");
    settle(&mut h);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("t.adjudicated-2.sorot.ron").as_path()));
    keys(&mut h, Modifiers::NONE, Key::Num1);
    keys(&mut h, Modifiers::COMMAND, Key::S);
    wait_saved(&mut h);
    assert_eq!(std::fs::read(&adjudicated).unwrap(), reviewed, "the reviewed file was replaced");
    // A new merge in progress does not undo the reviewed one.
    h.get_by_label_contains("1 adjudicated · 1 reviewed");
    assert!(status_of(d).ends_with("1 of 1 articles done · 1 adjudicated · 1 reviewed\n"), "{}", status_of(d));

    // Reopened, the reviewed merge shows its decisions; changing one and
    // saving asks before replacing the reviewed version.
    h.state_mut().push(Action::Open(adjudicated.clone()));
    settle(&mut h);
    h.get_by_label_contains("→ dewi");
    h.get_by_label_contains("→ budi");
    keys(&mut h, Modifiers::NONE, Key::X);
    keys(&mut h, Modifiers::COMMAND, Key::S);
    h.get_by_label("This file was reviewed");
    h.get_by_label_contains("was reviewed by sari");
    click(&mut h, "Cancel");
    assert_eq!(std::fs::read(&adjudicated).unwrap(), reviewed, "replaced without asking");

    // The relationships view lists the attribution, which has no entity links.
    keys(&mut h, Modifiers::COMMAND, Key::G);
    settle(&mut h);
    h.get_by_label_contains("said_by: source Dmitry Peskov");
}

/// Issue 22, item 10: ticking "keep my own file per article" applies to
/// the article open now, not from the next one on; the shared file is
/// saved first and left as it was.
#[test]
fn keeping_my_own_file_applies_to_the_open_article_at_once() {
    let dir = common::build_corpus();
    let d = dir.path();
    let mut h = harness(SorotApp::opening_folder(d.to_owned()));
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a2.sorot.ron").as_path()));
    let shared = std::fs::read(d.join("a2.sorot.ron")).unwrap();
    keys(&mut h, Modifiers::COMMAND, Key::Comma);
    h.get_by_label("In a folder, keep my own file per article (article.<name>.sorot.ron)").click();
    h.run_steps(2);
    click(&mut h, "Close");
    settle(&mut h);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a2.tester.sorot.ron").as_path()));
    assert_eq!(h.state().doc.store.spans().len(), 0, "tester's own file starts empty");
    assert_eq!(std::fs::read(d.join("a2.sorot.ron")).unwrap(), shared);
    // And back: the shared file again.
    keys(&mut h, Modifiers::COMMAND, Key::Comma);
    h.get_by_label("In a folder, keep my own file per article (article.<name>.sorot.ron)").click();
    h.run_steps(2);
    click(&mut h, "Close");
    settle(&mut h);
    assert_eq!(h.state().doc.path.as_deref(), Some(d.join("a2.sorot.ron").as_path()));
}

/// Issue 22, item 10: Ctrl+Shift+C offers the article's files as
/// checkboxes — annotators ticked, adjudicated results not — and a file
/// chosen with Browse… is added ticked.
#[test]
fn the_compare_dialog_offers_the_articles_files_to_tick() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "Rusia dan Korut bertemu.\n";
    for who in ["alice", "bob", "adjudicated"] {
        let mut s = common::store_of(text, "t");
        let mut b = common::Builder { store: &mut s, author: who };
        b.span("Country", b.at(if who == "bob" { "Korut" } else { "Rusia" }), &[]);
        sorot::io::save_annotations(&d.join(format!("t.{who}.sorot.ron")), &s).unwrap();
    }
    let elsewhere = tempfile::tempdir().unwrap();
    let carol = elsewhere.path().join("t.carol.sorot.ron");
    std::fs::copy(d.join("t.alice.sorot.ron"), &carol).unwrap();
    let mut h = harness(SorotApp::new(sorot::gui::Document::open(&d.join("t.alice.sorot.ron")).unwrap()));
    keys(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::C);
    let ticked = |h: &Harness<'static, SorotApp>, label: &str| {
        h.get_by_label(label).accesskit_node().toggled() == Some(egui::accesskit::Toggled::True)
    };
    assert!(!ticked(&h, "t.adjudicated.sorot.ron — adjudicated: a result, not an annotator"));
    assert!(ticked(&h, "t.alice.sorot.ron — alice"));
    assert!(ticked(&h, "t.bob.sorot.ron — bob"));
    h.get_by_label("t.bob.sorot.ron — bob").click();
    h.run_steps(2);
    assert!(h.get_by_label("Compare 1").accesskit_node().is_disabled(), "one file cannot be compared");
    // What Browse… brings back.
    h.state_mut().push(Action::Compare(CompareAction::AddFile(carol.clone())));
    h.run_steps(2);
    assert!(ticked(&h, "t.carol.sorot.ron — carol"));
    click(&mut h, "Compare 2");
    settle(&mut h);
    let c = h.state().compare.as_ref().expect("comparing");
    assert_eq!(c.files, [d.join("t.alice.sorot.ron"), carol]);
    assert_eq!(c.adj.names, ["alice", "carol"]);
}

/// A relation only one annotator drew is listed in the compare panel, with
/// who drew it, to leave out or keep (it came into the merged file with its
/// spans unseen); leaving it out is one undo step and later decisions
/// respect it.
#[test]
fn a_relation_only_one_annotator_drew_is_kept_or_left_out_in_the_compare_panel() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = "Rusia dan Korut bertemu Dmitry Peskov di Moskow kemarin.\n";
    for (who, gift, moskow) in [("alice", true, false), ("bob", false, true)] {
        let mut s = common::store_of(text, "t");
        s.meta.annotator = Some(who.into());
        let mut b = common::Builder { store: &mut s, author: who };
        let ru = b.span("Country", b.at("Rusia"), &[]);
        let pe = b.span("Person", b.at("Dmitry Peskov"), &[]);
        if gift {
            b.relation(
                "gift",
                &[("giver", sorot::model::Target::Span(ru)), ("recipient", sorot::model::Target::Span(pe))],
                &[],
                &[],
            )
            .unwrap();
        }
        if moskow {
            b.span("Location", b.at("Moskow"), &[]);
        }
        sorot::io::save_annotations(&d.join(format!("t.{who}.sorot.ron")), &s).unwrap();
    }
    let mut h = harness(SorotApp::new(sorot::gui::Document::open(&d.join("t.alice.sorot.ron")).unwrap()));
    h.state_mut()
        .push(Action::Compare(CompareAction::Start(vec![d.join("t.alice.sorot.ron"), d.join("t.bob.sorot.ron")])));
    settle(&mut h);
    let gifts = |h: &Harness<'static, SorotApp>| {
        let s = h.state().store();
        s.relations().filter(|r| s.relation_type(r.kind).is_some_and(|t| t.name == "gift")).count()
    };
    assert_eq!(gifts(&h), 1, "alice's gift came in with the spans both took");
    h.get_by_label("Relations not every annotator drew (1)");
    h.get_by_label_contains("gift: giver Country #1 “Rusia”, recipient Person #2 “Dmitry Peskov” — drawn by alice");
    click(&mut h, "Leave out");
    assert_eq!(gifts(&h), 0);
    assert!(h.state().status.starts_with("Left out the gift drawn by alice"), "{}", h.state().status);
    // Deciding Moskow does not bring it back; Keep does.
    keys(&mut h, Modifiers::NONE, Key::B);
    assert_eq!(gifts(&h), 0, "a later decision brought the gift back");
    click(&mut h, "Keep");
    assert_eq!(gifts(&h), 1);
    click(&mut h, "Leave out");
    keys(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(gifts(&h), 1, "Ctrl+Z takes the leaving out back");
}
