//! Suggestions in the window: the model learnt from the folder's labels (on
//! a worker, never blocking the window), its suggestions for the open
//! document drawn as dashed outlines, stepped through, accepted or rejected
//! by keyboard, accepted in bulk with a preview, and how good they have been.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use egui::RichText;

use super::*;
use crate::model::agreement::figure;
use crate::model::{Store, Text};
use crate::suggest::{self, Learner, Model, Perceptron, Suggestion, evaluate};

/// Above this size the visible part of an article is read first.
const FIRST_PART_BYTES: usize = 256 * 1024;

/// Up to this many suggestions (in a document of up to 20 times as many
/// spans) are checked against the document in the frame; more, on a worker.
const CHECKED_IN_FRAME: usize = 1000;

/// How long a long article's document rests after an edit before its
/// suggestions are checked against it again.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(400);

/// What training made.
pub struct Trained {
    pub model: Arc<dyn Model>,
    pub dictionary: Arc<suggest::dictionary::Dictionary>,
    pub documents: usize,
    pub sentences: usize,
    pub seconds: f64,
    /// Held out by document (k-fold over the folder's files), when there
    /// are two or more; and F1 against the number of training documents.
    pub quality: Option<evaluate::Report>,
    pub curve: Vec<(usize, f64)>,
}

/// The Suggestions panel's state.
#[derive(Default)]
pub struct SuggestState {
    pub trained: Option<Trained>,
    training: Option<Job<Trained>>,
    /// The training under way was asked for (turning suggestions on, Train
    /// again): its end is said in the status line. One after a save is
    /// not (it replaced "Saved …" at once).
    announce: bool,
    /// Why there is no model (training stopped).
    pub problem: Option<String>,
    /// The model's suggestions for the open text (its visible part until
    /// the whole is read), which text, and a count of their changes.
    raw: Arc<Vec<Suggestion>>,
    raw_for: Option<(usize, usize)>,
    raw_version: u64,
    /// Reading the text: the visible part comes as an update, then all.
    tagging: Option<(Tagging, (usize, usize))>,
    /// Those still new for the document (not annotated, not rejected),
    /// found on a worker (a long article has many) for the state `items_for`
    /// names: (edit generation, text, version of `raw`).
    pub items: Vec<Suggestion>,
    items_for: Option<ItemsFor>,
    filtering: Option<(Job<Found>, ItemsFor)>,
    /// Per label, the scores of `items`, highest first (what the bulk
    /// accept counts), and the longest item's length in bytes (how far
    /// above the screen one may start and still show on it).
    scores: BTreeMap<String, Vec<f32>>,
    longest: usize,
    /// Accepted or rejected since `items` was made: left out until the
    /// worker's next check of the document (which no longer finds them).
    /// (By extent and label, with its score.)
    gone: Taken,
    /// Spans accepted from suggestions and suggestions rejected in the
    /// document, counted with the list (a long article's a moment after
    /// an edit: counting its spans takes milliseconds).
    tally: (usize, usize),
    /// The edit generation waiting for the document to rest before the
    /// list is checked again, and since when.
    settling: Option<(u64, std::time::Instant)>,
    pub current: usize,
    /// Asked to learn again while learning: done once this training ends
    /// (never two trainings at once).
    again: bool,
    /// Accept all of `label` scoring at least `min_score` (with a preview).
    pub bulk_label: Option<String>,
    pub min_score: f32,
    pub preview: bool,
    /// The sources switched on.
    pub sources: suggest::Sources,
    /// The list scrolls to the current suggestion (after F8).
    follow: bool,
}

type ItemsFor = (u64, (usize, usize), u64);

/// Reading a text: its visible part as an update, then the whole.
type Tagging = Job<Vec<Suggestion>, Vec<Suggestion>>;

/// What the check of the suggestions against the document found.
struct Found {
    items: Vec<Suggestion>,
    scores: BTreeMap<String, Vec<f32>>,
    longest: usize,
    /// Spans accepted from suggestions, suggestions rejected.
    tally: (usize, usize),
}

impl Found {
    fn of(store: &Store, raw: &[Suggestion], sources: suggest::Sources) -> Self {
        let items = suggest::new_for(store, sources.pick(raw));
        let mut scores: BTreeMap<String, Vec<f32>> = BTreeMap::new();
        for i in &items {
            match scores.get_mut(&i.label) {
                Some(v) => v.push(i.score),
                None => {
                    scores.insert(i.label.clone(), vec![i.score]);
                }
            }
        }
        for v in scores.values_mut() {
            v.sort_by(|a, b| b.total_cmp(a));
        }
        let longest = items.iter().map(|i| i.range.len()).max().unwrap_or(0);
        let tally = (store.spans().filter(|sp| sp.suggested.is_some()).count(), store.rejected().count());
        Found { items, scores, longest, tally }
    }
}

/// Suggestions accepted or rejected since the list was made, by extent
/// (looked up without allocating: the panel asks for every visible one).
#[derive(Default)]
struct Taken {
    by_range: HashMap<ByteRange, Vec<(String, f32)>>,
    n: usize,
    /// The last count asked for of each label (least score, count), kept
    /// up to date by `insert`: the panel asks every frame (for every label
    /// with "all labels"), and counting all that was taken cost 1.5 ms a
    /// frame after 80,000 were accepted at once.
    counted: HashMap<String, (f32, usize)>,
}

impl Taken {
    fn insert(&mut self, s: &Suggestion) {
        let v = self.by_range.entry(s.range).or_default();
        if !v.iter().any(|(l, _)| *l == s.label) {
            v.push((s.label.clone(), s.score));
            self.n += 1;
            if let Some((min, count)) = self.counted.get_mut(&s.label)
                && s.score >= *min
            {
                *count += 1;
            }
        }
    }

    fn contains(&self, s: &Suggestion) -> bool {
        self.n > 0 && self.by_range.get(&s.range).is_some_and(|v| v.iter().any(|(l, _)| *l == s.label))
    }

    /// How many of `label` score at least `min`.
    fn count(&mut self, label: &str, min: f32) -> usize {
        if self.n == 0 {
            return 0;
        }
        match self.counted.get(label) {
            Some(&(m, count)) if m == min => count,
            _ => {
                let count = self.by_range.values().flatten().filter(|(l, score)| l == label && *score >= min).count();
                self.counted.insert(label.to_owned(), (min, count));
                count
            }
        }
    }

    fn retain(&mut self, keep: impl Fn(ByteRange, &str) -> bool) {
        self.counted.clear();
        self.by_range.retain(|&range, v| {
            v.retain(|(l, _)| keep(range, l));
            !v.is_empty()
        });
        self.n = self.by_range.values().map(Vec::len).sum();
    }
}

impl SuggestState {
    /// Takes in a check's result (the list it replaces is freed on a
    /// worker: a long article's is large).
    fn take(&mut self, found: Found, made_for: ItemsFor, now: u64) {
        let old = std::mem::replace(&mut self.items, found.items);
        if old.len() > CHECKED_IN_FRAME {
            std::thread::spawn(move || drop(old));
        }
        self.scores = found.scores;
        self.longest = found.longest;
        self.tally = found.tally;
        self.items_for = Some(made_for);
        // Made for the document as it is: nothing is left out any more;
        // made before the last edits: those it no longer has are done.
        if made_for.0 == now {
            self.gone = Taken::default();
        } else if self.gone.n > 0 {
            let items = &self.items;
            self.gone.retain(|range, label| {
                let at = items.partition_point(|i| (i.range.start, i.range.end) < (range.start, range.end));
                items[at..].iter().take_while(|i| i.range == range).any(|i| i.label == label)
            });
        }
        self.current = self.current.min(self.items.len().saturating_sub(1));
    }

    /// The current suggestion (the next one on when it was just taken).
    fn current_item(&self) -> Option<&Suggestion> {
        let n = self.items.len();
        (0..n).map(|k| &self.items[(self.current + k) % n]).find(|f| !self.is_gone(f))
    }

    fn is_gone(&self, f: &Suggestion) -> bool {
        self.gone.contains(f)
    }

    /// How many suggestions are in the document (those taken since the
    /// list was made left out).
    pub fn count(&self) -> usize {
        self.items.len().saturating_sub(self.gone.n)
    }

    /// The suggestions whose extent overlaps `range`, by index, found by
    /// binary search in the list (sorted by start).
    fn overlapping(&self, range: ByteRange) -> impl Iterator<Item = (usize, &Suggestion)> {
        let lo = self.items.partition_point(|i| i.range.start() + self.longest < range.start());
        let hi = self.items.partition_point(|i| i.range.start() < range.end());
        self.items[lo..hi.max(lo)]
            .iter()
            .enumerate()
            .map(move |(k, i)| (lo + k, i))
            .filter(move |(_, i)| i.range.overlaps(range) && !self.is_gone(i))
    }
}

/// The identity of a text: its bytes' address and length (texts are
/// shared, never changed in place).
fn text_key(t: &Text) -> (usize, usize) {
    (t.as_str().as_ptr() as usize, t.len())
}

/// Trains on `stores` (the folder's files, the open document first, in its
/// current state instead of its file), measures the model by holding out
/// documents, and draws the learning curve. The dictionary takes every
/// labelled text, the open document's too; the model learns only from the
/// other documents with spans (a document's unlabelled words would teach it
/// that its names are nothing).
fn train_job(stores: Vec<Store>, progress: &dyn Fn(usize, usize)) -> Trained {
    let all: Vec<&Store> = stores.iter().collect();
    let dictionary = Arc::new(suggest::dictionary::Dictionary::build(&all, false));
    // (Documents with rejected suggestions and no spans yet teach what the
    // analyst rejected: see `suggest::training_sequences`.)
    let refs: Vec<&Store> =
        stores.iter().skip(1).filter(|s| s.spans().len() > 0 || s.rejected().next().is_some()).collect();
    // With nothing labelled yet the model knows no label and suggests
    // nothing; attribution frames come from the schema's words regardless.
    let labels = suggest::labels_in(&refs, None);
    let learner = Perceptron::default();
    let started = std::time::Instant::now();
    // Read once: counted for the panel, then learnt from.
    let data = suggest::folder_sequences(&refs, &labels);
    let sentences = data.len();
    let model = learner.train(&data, &labels, progress);
    let seconds = started.elapsed().as_secs_f64();
    // Quality: k-fold over documents that have spans (at most 5 folds),
    // scoring every label the folder uses.
    let labelled: Vec<&Store> = refs.iter().copied().filter(|s| s.spans().len() > 0).collect();
    let every = suggest::labels_in(&labelled, None);
    let (mut quality, mut curve) = (None, Vec::new());
    if labelled.len() >= 2 {
        let k = labelled.len().min(5);
        let mut report = evaluate::Report::default();
        for fold in 0..k {
            let train: Vec<&Store> =
                labelled.iter().enumerate().filter(|(i, _)| i % k != fold).map(|(_, s)| *s).collect();
            let test: Vec<&Store> =
                labelled.iter().enumerate().filter(|(i, _)| i % k == fold).map(|(_, s)| *s).collect();
            let r = evaluate::evaluate_labels(&learner, &train, &test, Some(&every), &|_, _| {});
            report.overall.matched += r.overall.matched;
            report.overall.missed += r.overall.missed;
            report.overall.extra += r.overall.extra;
            for (l, c) in r.labels {
                let e = report.labels.entry(l).or_default();
                e.matched += c.matched;
                e.missed += c.missed;
                e.extra += c.extra;
            }
        }
        report.train_documents = labelled.len();
        quality = Some(report);
        // The curve: train on the first n documents, test on the last one
        // (or the last fifth), for n doubling.
        let held = (labelled.len() / 5).max(1);
        let (train_all, test) = labelled.split_at(labelled.len() - held);
        let mut n = 1;
        while n <= train_all.len() {
            let r = evaluate::evaluate_labels(&learner, &train_all[..n], test, Some(&every), &|_, _| {});
            curve.push((n, r.overall.f1()));
            if n == train_all.len() {
                break;
            }
            n = (n * 2).min(train_all.len());
        }
    }
    Trained { model: Arc::from(model), dictionary, documents: refs.len(), sentences, seconds, quality, curve }
}

impl SorotApp {
    /// Ctrl+Alt+S: the panel on (training starts) or off.
    pub(in crate::gui) fn toggle_suggestions(&mut self) {
        if self.suggest.take().is_some() {
            self.set_status("Suggestions off");
            return;
        }
        self.suggest = Some(SuggestState { min_score: 0.9, announce: true, ..SuggestState::default() });
        self.train_suggestions();
        self.set_status("Suggestions on: learning from this folder's labels…");
    }

    /// Trains again on the folder's files (and the open document as it is
    /// now), on a worker. With no folder open, the folder is the open
    /// document's own: an article opened alone learns from the labelled
    /// files beside it, as it would in that folder's session.
    pub(in crate::gui) fn train_suggestions(&mut self) {
        let own = self.own_files();
        let Some(state) = &mut self.suggest else { return };
        if state.training.is_some() {
            state.again = true;
            return;
        }
        let open = self.doc.store.clone();
        let open_path = self.doc.path.clone();
        let files: Vec<PathBuf> = self
            .corpus
            .as_ref()
            .map(|c| c.corpus.entries.iter().flat_map(|e| e.files.iter().map(|f| f.path.clone())).collect())
            .unwrap_or_default();
        let own_folder = match self.corpus {
            None => open_path.as_deref().and_then(std::path::Path::parent).map(std::path::Path::to_owned),
            Some(_) => None,
        };
        // With a file of one's own per article (double annotation), the
        // colleagues' own files teach nothing: what is suggested stays the
        // annotator's own (and adjudicated files' agreed labels).
        let files: Vec<PathBuf> = files
            .into_iter()
            .filter(|p| own.as_deref().is_none_or(|me| !crate::io::corpus::is_colleagues_file(p, me)))
            .collect();
        state.training = Some(Job::spawn(move |r| {
            let files = match own_folder {
                // A folder that cannot be read teaches nothing more.
                Some(dir) => crate::io::corpus::scan(&dir, |_, _| {})
                    .map(|c| c.entries.iter().flat_map(|e| e.files.iter().map(|f| f.path.clone())).collect())
                    .unwrap_or_default(),
                None => files,
            };
            let mut stores = vec![open];
            for (i, f) in files.iter().enumerate() {
                r.progress(i, files.len());
                if Some(f) == open_path.as_ref() {
                    continue;
                }
                // An unreadable file is left out (the folder list shows why).
                if let Ok(s) = crate::io::load_annotations(f) {
                    stores.push(s);
                }
            }
            train_job(stores, &|_, _| {})
        }));
        state.problem = None;
    }

    /// Follows training and tagging, and keeps the list of suggestions
    /// fresh for the open document (called every frame; cheap when nothing
    /// changed).
    pub(in crate::gui) fn poll_suggestions(&mut self) {
        let Some(state) = &mut self.suggest else { return };
        let mut said = None;
        if let Some(job) = &mut state.training {
            match job.poll() {
                Poll::Running | Poll::Update(()) => {}
                Poll::Done(t) => {
                    said = std::mem::take(&mut state.announce).then(|| {
                        format!(
                            "Suggestions learnt from {} in {:.2} s",
                            crate::model::plural(t.documents, "labelled document"),
                            t.seconds
                        )
                    });
                    state.trained = Some(t);
                    state.training = None;
                    state.raw_for = None;
                }
                Poll::Lost => {
                    state.problem = Some("Training stopped unexpectedly.".into());
                    state.training = None;
                }
            }
        }
        if let Some(said) = said {
            self.set_status(said);
        }
        if self.suggest.as_ref().is_some_and(|s| s.again && s.training.is_none()) {
            if let Some(s) = &mut self.suggest {
                s.again = false;
            }
            self.train_suggestions();
        }
        let Some(state) = &mut self.suggest else { return };
        let key = text_key(self.doc.store.text());
        // Another text (another article opened): what was found belongs to
        // the one before.
        if state.raw_for != Some(key) && !(state.raw.is_empty() && state.items.is_empty()) {
            state.raw = Arc::default();
            state.raw_version += 1;
            state.items.clear();
            state.scores.clear();
            state.gone = Taken::default();
        }
        if let Some(t) = &state.trained
            && state.raw_for != Some(key)
            && state.tagging.is_none()
        {
            let (model, dictionary) = (t.model.clone(), t.dictionary.clone());
            let text = self.doc.store.text().clone();
            let schema = self.doc.store.schema().clone();
            let visible = self.view.visible_range();
            let job = Job::spawn(move |r| {
                let frames = suggest::frames::Frames::new(&schema);
                // Everything each source finds: which are shown (the
                // sources switched on, combined) is chosen with the check.
                let find = |text: &str| {
                    let mut all = dictionary.suggest(text);
                    all.extend(suggest::suggest(model.as_ref(), text));
                    // Attribution frames (claims) beside the names they contain.
                    all.extend(frames.as_ref().map(|f| f.suggest(text)).unwrap_or_default());
                    all
                };
                // A long article: what is on screen first.
                if let Some(v) = visible
                    && text.len() > FIRST_PART_BYTES
                {
                    r.update(suggest::in_lines(text.as_str(), v, find));
                }
                find(text.as_str())
            });
            state.tagging = Some((job, key));
            state.raw_for = Some(key);
            state.raw = Arc::default();
            state.raw_version += 1;
        }
        if let Some((job, made_for)) = &mut state.tagging {
            let current = *made_for == key;
            match job.poll() {
                Poll::Update(part) if current => {
                    state.raw = Arc::new(part);
                    state.raw_version += 1;
                }
                Poll::Done(found) => {
                    if current {
                        state.raw = Arc::new(found);
                        state.raw_version += 1;
                    }
                    state.tagging = None;
                }
                Poll::Update(_) => {}
                Poll::Lost => state.tagging = None,
                Poll::Running => {}
            }
        }
        // Which of them are new for the document as it is now: checked on a
        // worker against a snapshot of it (a lookup per suggestion; a long
        // article has a hundred thousand), never in the frame.
        if let Some((job, made_for)) = &mut state.filtering {
            match job.poll() {
                Poll::Done(found) => {
                    let made_for = *made_for;
                    state.filtering = None;
                    if made_for.1 == key {
                        state.take(found, made_for, self.doc.history.generation());
                    }
                }
                Poll::Lost => state.filtering = None,
                Poll::Running | Poll::Update(()) => {}
            }
        }
        let now = (self.doc.history.generation(), key, state.raw_version);
        if state.items_for == Some(now) || state.filtering.is_some() {
            state.settling = None;
            return;
        }
        if state.raw.len() <= CHECKED_IN_FRAME && self.doc.store.spans().len() <= CHECKED_IN_FRAME * 20 {
            // A few: checked at once (well under a millisecond).
            let found = Found::of(&self.doc.store, &state.raw, state.sources);
            state.take(found, now, now.0);
            return;
        }
        // Many, after edits only: once the document has rested a moment.
        // The check holds a snapshot of the document, and an edit while it
        // runs would copy the document's tables in the frame; what was
        // accepted or rejected meanwhile is already left out (`gone`).
        let only_edited = state.items_for.is_some_and(|f| (f.1, f.2) == (now.1, now.2));
        let rested = match state.settling {
            Some((g, since)) if g == now.0 => since.elapsed() >= SETTLE,
            _ => {
                state.settling = Some((now.0, std::time::Instant::now()));
                false
            }
        };
        if only_edited && !rested {
            return;
        }
        state.settling = None;
        let (store, raw, sources) = (self.doc.store.clone(), state.raw.clone(), state.sources);
        state.filtering = Some((Job::spawn(move |_| Found::of(&store, &raw, sources)), now));
    }

    /// Whether the model is being trained or is tagging.
    pub fn is_suggesting(&self) -> bool {
        self.suggest.as_ref().is_some_and(|s| {
            s.training.is_some() || s.tagging.is_some() || s.filtering.is_some() || s.settling.is_some()
        })
    }

    /// A click inside a suggestion's dashed outline (or one of its
    /// frame's) makes that suggestion the current one, as F8 would:
    /// Alt+Enter then accepts it, Alt+Delete rejects it. Whether there was
    /// one there.
    pub(in crate::gui) fn pick_suggestion_at(&mut self, byte: usize) -> bool {
        let Some(state) = &mut self.suggest else { return false };
        let here = ByteRange::new(byte, byte + 1);
        let near = self.view.visible_range().unwrap_or(here);
        let inside = |r: ByteRange| r.start() <= byte && byte < r.end();
        let found = state.overlapping(here).find(|(_, s)| inside(s.range)).map(|(i, _)| i).or_else(|| {
            state
                .overlapping(near)
                .find(|(_, s)| s.frame.iter().flat_map(|f| &f.parts).any(|p| inside(p.range)))
                .map(|(i, _)| i)
        });
        let Some(i) = found else { return false };
        state.current = i;
        state.follow = true;
        let s = &state.items[i];
        let what = format!("{} “{}”", s.label, short(self.doc.store.text().slice(s.range)));
        self.set_status(format!("Suggestion: {what}. Alt+Enter accepts it, Alt+Delete rejects it"));
        true
    }

    /// F8 / Shift+F8.
    pub(in crate::gui) fn step_suggestion(&mut self, forward: bool) {
        let Some(state) = &mut self.suggest else {
            self.set_status("Suggestions are off: Ctrl+Alt+S turns them on");
            return;
        };
        let n = state.items.len();
        if state.count() == 0 {
            self.set_status("No suggestions in this document");
            return;
        }
        for _ in 0..n {
            state.current = if forward { (state.current + 1) % n } else { (state.current + n - 1) % n };
            if !state.is_gone(&state.items[state.current]) {
                break;
            }
        }
        let at = state.items[state.current].range;
        state.follow = true;
        self.view.scroll_to(at.start());
    }

    /// The current suggestion, if the panel is on and there is one (the
    /// next one on when the current was just taken).
    fn current_suggestion(&self) -> Option<Suggestion> {
        self.suggest.as_ref()?.current_item().cloned()
    }

    /// Alt+Enter: the current suggestion becomes an annotation that records
    /// where it came from (one undo step).
    pub(in crate::gui) fn accept_suggestion(&mut self) {
        let Some(found) = self.current_suggestion() else {
            self.set_status("No suggestion to accept (F8 steps to the next one)");
            return;
        };
        self.accept_suggestions(vec![found]);
    }

    /// Alt+Delete: the current suggestion is remembered as rejected (in the
    /// file; one undo step) and not suggested again.
    pub(in crate::gui) fn reject_suggestion(&mut self) {
        let Some(found) = self.current_suggestion() else {
            self.set_status("No suggestion to reject (F8 steps to the next one)");
            return;
        };
        let Some(label) = self.doc.store.schema().label_index(&found.label) else { return };
        let quote = short(self.doc.store.text().slice(found.range));
        let summary = format!("Rejected {} “{quote}”: it will not be suggested again", found.label);
        match self.doc.apply(Edit::RejectSuggestion(found.range, label as u16), summary.clone()) {
            Ok(()) => {
                self.forget_suggestions(std::slice::from_ref(&found));
                self.set_status(summary)
            }
            Err(e) => self.set_status(format!("Not rejected: {e}")),
        }
    }
}

impl SorotApp {
    /// Takes accepted or rejected suggestions off the list at once (the
    /// worker's check of the document confirms it a moment later).
    pub(in crate::gui) fn forget_suggestions(&mut self, gone: &[Suggestion]) {
        let Some(s) = &mut self.suggest else { return };
        for g in gone {
            s.gone.insert(g);
        }
    }
}

/// The dashed outlines of the suggestions near the visible text, in their
/// label's colour; the current one thicker.
pub fn suggestion_ghosts(app: &SorotApp) -> Vec<(ByteRange, egui::Color32, bool)> {
    let Some(s) = &app.suggest else { return Vec::new() };
    let visible = app.view.visible_range();
    let schema = app.doc.store.schema();
    let colour = |label: &str| {
        schema
            .label_index(label)
            .and_then(|l| schema.labels.get(l))
            .map_or(egui::Color32::GRAY, |l| crate::gui::label_color(&l.color))
    };
    let mut out = Vec::new();
    let everything = ByteRange::new(0, app.doc.store.text().len());
    for (i, f) in s.overlapping(visible.unwrap_or(everything)) {
        out.push((f.range, colour(&f.label), i == s.current));
        // A frame's source and cue with it.
        for p in f.frame.iter().flat_map(|fr| &fr.parts) {
            out.push((p.range, colour(&p.label), i == s.current));
        }
    }
    out
}

/// The suggestions panel's width when there is room.
const SUGGESTIONS_WIDTH: f32 = 260.0;

/// The Suggestions panel (right).
pub fn suggestions_panel(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    if app.suggest.is_none() {
        return;
    }
    let widest = crate::gui::side_panel_max(ui, 0.22);
    let panel =
        egui::Panel::right("suggestions").default_size(SUGGESTIONS_WIDTH.min(widest)).max_size(widest).resizable(true);
    let shown = app.panel_widths.panel(panel, "suggestions", widest).show(ui, |ui| {
        crate::gui::within_panel(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("suggestions-scroll").show(ui, |ui| panel_body(ui, app, actions));
        });
    });
    app.panel_widths.shown("suggestions", shown.response.rect.width(), widest, SUGGESTIONS_WIDTH);
}

fn panel_body(ui: &mut egui::Ui, app: &mut SorotApp, actions: &mut Vec<Action>) {
    let text = app.doc.store.text().clone();
    let Some(s) = &mut app.suggest else { return };
    ui.heading("Suggestions");
    if ui.button("Turn off").on_hover_text("Ctrl+Alt+S").clicked() {
        actions.push(Action::Run(Command::ToggleSuggestions));
    }
    if s.training.is_some() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Learning from this folder's labels…");
        });
    } else if let Some(p) = &s.problem {
        ui.label(p);
    }
    let Some(t) = &s.trained else { return };
    if t.model.labels().is_empty() && t.dictionary.is_empty() {
        ui.label(
            "Nothing learnt yet: label a few names in this folder's articles, then Train again. \
             Attribution frames (quotes with their cue and speaker) are suggested meanwhile.",
        );
    }
    ui.label(format!(
        "Learnt from {} ({} sentences) in {:.2} s — {}; dictionary of {}",
        crate::model::plural(t.documents, "document"),
        t.sentences,
        t.seconds,
        t.model.version(),
        crate::model::plural(t.dictionary.len(), "labelled text")
    ))
    .on_hover_text(format!("Labels: {}", t.model.labels().join(", ")));
    // Labels learnt that this document cannot hold: their suggestions are
    // not shown, and that is said (a newcomer's 2,700 went without a word).
    let schema = app.doc.store.schema();
    let missing: Vec<&str> =
        t.model.labels().iter().filter(|l| schema.label_index(l).is_none()).map(String::as_str).collect();
    if !missing.is_empty() {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!(
                "Not among this document's labels, so not suggested here: {} (its annotation file has labels \
                 of its own, without these)",
                missing.join(", ")
            ),
        );
    }
    if ui.button("Train again").on_hover_text("After labelling more: learn from the folder as it is now").clicked() {
        actions.push(Action::Suggest(SuggestAction::Train));
    }
    // Each source can be switched off.
    let before = s.sources;
    ui.horizontal_wrapped(|ui| {
        ui.label("From:");
        ui.checkbox(&mut s.sources.dictionary, "dictionary")
            .on_hover_text("The folder's labelled texts and entity names, matched as whole words");
        ui.checkbox(&mut s.sources.model, "model").on_hover_text("The sequence model learnt from the folder's labels");
        ui.checkbox(&mut s.sources.attribution, "attribution frames").on_hover_text(
            "Quotations and reported speech with their cue and speaker (the schema's attribution words)",
        );
    });
    if s.sources != before {
        s.raw_version += 1;
    }
    ui.separator();
    if s.tagging.is_some() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Reading this document…");
        });
    }
    let n = s.count();
    ui.label(format!(
        "{} in this document. F8 next · Alt+Enter accept · Alt+Delete reject",
        crate::model::plural(n, "suggestion")
    ));
    // What the document holds (so undo counts too): spans accepted from
    // suggestions, suggestions rejected.
    let (accepted, rejected) = s.tally;
    let Some(t) = &s.trained else { return };
    if accepted + rejected > 0 {
        ui.label(format!(
            "In this document: {accepted} accepted, {rejected} rejected ({} accepted)",
            share(accepted, accepted + rejected)
        ));
    }
    if let Some(cur) = s.current_item() {
        ui.group(|ui| {
            ui.strong(format!("{} “{}”", cur.label, short(text.slice(cur.range))));
            ui.label(format!("{}, score {}", cur.source.describe(), cur.score_text()));
            if let Some(e) = &cur.entity {
                ui.label(format!("links to {e}"));
            }
            if let Some(fr) = &cur.frame {
                let parts: Vec<String> =
                    fr.parts.iter().map(|p| format!("{} “{}”", p.role, short(text.slice(p.range)))).collect();
                ui.label(format!("{}: {}", fr.relation, parts.join(", ")));
            }
            ui.horizontal_wrapped(|ui| {
                if ui.button("Accept").on_hover_text("Alt+Enter").clicked() {
                    actions.push(Action::Run(Command::AcceptSuggestion));
                }
                if ui.button("Reject").on_hover_text("Alt+Delete").clicked() {
                    actions.push(Action::Run(Command::RejectSuggestion));
                }
                if ui.button("Next").on_hover_text("F8").clicked() {
                    actions.push(Action::Run(Command::NextSuggestion));
                }
            });
        });
    }
    // Accept all of one label above a score, after a preview.
    let labels: Vec<String> = s.scores.keys().cloned().collect();
    if !labels.is_empty() {
        ui.separator();
        ui.label("Accept all suggestions of a label (or of all labels) scoring at least:");
        // At first (or when its label has none left): the label with the
        // most suggestions at or above the score. "" stands for all labels
        // (a label's name is never empty).
        let most = || {
            let above = |l: &String| s.scores.get(l).map_or(0, |v| v.partition_point(|&x| x >= s.min_score));
            labels.iter().max_by_key(|l| above(l)).cloned().unwrap_or_default()
        };
        let best = most();
        let chosen = s.bulk_label.get_or_insert_with(|| best.clone());
        if !chosen.is_empty() && !labels.contains(chosen) {
            *chosen = best;
        }
        let shown = if chosen.is_empty() { "all labels".to_owned() } else { chosen.clone() };
        crate::gui::combo(ui, "Label:", shown, |ui| {
            ui.selectable_value(chosen, String::new(), "all labels");
            for l in &labels {
                ui.selectable_value(chosen, l.clone(), l);
            }
        });
        // The slider gives way in a narrow panel (its value box and name
        // stay whole). From 0: the dictionary's scores (shares of the
        // folder's labellings) may be below one half.
        ui.spacing_mut().slider_width = (ui.available_width() - 110.0).clamp(40.0, 100.0);
        ui.add(egui::Slider::new(&mut s.min_score, 0.0..=1.0).text("score"));
        let chosen = chosen.clone();
        // Counted from the scores (highest first) each frame; the
        // suggestions are looked at only for the preview and copied only
        // when accepted.
        let min_score = s.min_score;
        let of: Vec<&String> = if chosen.is_empty() { labels.iter().collect() } else { vec![&chosen] };
        let above: usize =
            of.iter().map(|l| s.scores.get(*l).map_or(0, |v| v.partition_point(|&x| x >= min_score))).sum();
        let taken: usize = of.iter().map(|l| s.gone.count(l, min_score)).sum();
        let (items, chosen) = (&s.items, chosen.as_str());
        let gone = &s.gone;
        let picked = || {
            items
                .iter()
                .filter(move |i| (chosen.is_empty() || i.label == chosen) && i.score >= min_score && !gone.contains(i))
        };
        let n = above.saturating_sub(taken);
        if ui.button(format!("Preview {}", crate::model::plural(n, "suggestion"))).clicked() {
            s.preview = !s.preview;
        }
        if s.preview {
            for p in picked().take(50) {
                // With all labels, each says which it gets.
                let label = if chosen.is_empty() { format!("{} ", p.label) } else { String::new() };
                ui.weak(format!("{label}“{}” {}", short(text.slice(p.range)), p.score_text()));
            }
            if n > 50 {
                ui.weak(format!("… and {} more", n - 50));
            }
            let accept = if n == 1 {
                "Accept it (one undo step)".to_owned()
            } else {
                format!("Accept these {n} (one undo step)")
            };
            if ui.add_enabled(n > 0, egui::Button::new(accept)).clicked() {
                actions.push(Action::Suggest(SuggestAction::AcceptAll(picked().cloned().collect())));
                s.preview = false;
            }
        }
    }
    // Quality measured on the folder's own files.
    ui.separator();
    match &t.quality {
        Some(q) => {
            ui.label(format!(
                "How good, on this folder (each document held out in turn, {}):",
                crate::model::plural(q.train_documents, "document")
            ));
            // The label column takes what the three figures leave.
            let label_width = (ui.available_width() - 3.0 * 44.0).max(40.0);
            let grid = egui::Grid::new("suggest-quality").striped(true).spacing([6.0, 2.0]);
            grid.max_col_width(label_width).show(ui, |ui| {
                for h in ["label", "P", "R", "F1"] {
                    ui.strong(h);
                }
                ui.end_row();
                let row = |ui: &mut egui::Ui, name: &str, hover: &str, figures: [Option<f64>; 3]| {
                    // Long names cut (whole on hover): the grid fits the panel.
                    ui.add(egui::Label::new(name).truncate()).on_hover_text(hover);
                    for x in figures {
                        let two = x.map_or_else(|| "—".to_owned(), |x| format!("{x:.2}"));
                        ui.label(RichText::new(two).monospace()).on_hover_text(figure(x));
                    }
                    ui.end_row();
                };
                for (l, c) in &q.labels {
                    row(ui, l, l, [c.precision_if_any(), c.recall_if_any(), c.f1_if_any()]);
                }
                // Labels with many spans weigh most in "all spans"; the
                // mean of the labels shows a label the model misses.
                let c = &q.overall;
                let all = "every span of every label counted once: labels with many spans weigh most";
                row(ui, "all spans", all, [c.precision_if_any(), c.recall_if_any(), c.f1_if_any()]);
                let mean = "the mean of the labels' figures, each label weighing the same";
                row(ui, "label mean", mean, macro_average(q.labels.values()));
            });
            if !t.curve.is_empty() {
                ui.label("F1 against the number of labelled documents:");
                curve_plot(ui, &t.curve);
            }
        }
        None => {
            ui.weak("Label two or more documents of the folder to see how good the suggestions are.");
        }
    }
    ui.separator();
    // Only the rows on screen are laid out (a long article has thousands).
    let row = ui.spacing().interact_size.y;
    let mut list = egui::ScrollArea::vertical().id_salt("suggestion-list").max_height(300.0);
    if std::mem::take(&mut s.follow) {
        // The current row in view, a few rows from the top.
        let step = row + ui.spacing().item_spacing.y;
        list = list.vertical_scroll_offset((s.current.saturating_sub(2)) as f32 * step);
    }
    list.show_rows(ui, row, s.items.len(), |ui, rows| {
        for i in rows {
            let Some(f) = s.items.get(i) else { continue };
            if s.is_gone(f) {
                ui.weak(format!("{} “{}” (done)", f.label, short(text.slice(f.range))));
                continue;
            }
            let line = format!("{} “{}” {}", f.label, short(text.slice(f.range)), f.score_text());
            if ui.selectable_label(i == s.current, line).clicked() {
                actions.push(Action::Suggest(SuggestAction::Go(i)));
            }
        }
    });
}

/// The mean of the labels' precision, recall and F1, each over the labels
/// that have one (no suggestion made: no precision).
fn macro_average<'a>(labels: impl Iterator<Item = &'a crate::model::agreement::Counts> + Clone) -> [Option<f64>; 3] {
    let mean = |f: fn(&crate::model::agreement::Counts) -> Option<f64>| {
        let xs: Vec<f64> = labels.clone().filter_map(f).collect();
        (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
    };
    [mean(|c| c.precision_if_any()), mean(|c| c.recall_if_any()), mean(|c| c.f1_if_any())]
}

/// The learning curve (egui_plot), with its figures also as text (what a
/// screen reader reads, and exact where the plot is small).
fn curve_plot(ui: &mut egui::Ui, curve: &[(usize, f64)]) {
    use egui_plot::{AxisHints, Line, Plot, PlotPoints, Points, uniform_grid_spacer};
    let points: Vec<[f64; 2]> = curve.iter().map(|&(n, f)| [n as f64, f]).collect();
    let most = curve.iter().map(|c| c.0).max().unwrap_or(1).max(1) as f64;
    let colour = ui.visuals().hyperlink_color;
    Plot::new("learning-curve")
        .height(120.0)
        .width(ui.available_width().clamp(120.0, 260.0))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_crosshair(false)
        .default_x_bounds(0.0, most + 0.5)
        .default_y_bounds(0.0, 1.05)
        // Whole documents on x, labelled however narrow the panel (the
        // default spacing hid every number but 0); F1 by halves on y.
        .x_grid_spacer(uniform_grid_spacer(|_| [1.0, 5.0, 10.0]))
        .y_grid_spacer(uniform_grid_spacer(|_| [0.1, 0.5, 1.0]))
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label("labelled documents")
                .label_spacing(14.0..=20.0)
                .formatter(|mark, _| if mark.value.fract() == 0.0 { format!("{}", mark.value) } else { String::new() }),
        ])
        .custom_y_axes(vec![
            AxisHints::new_y().label("F1").formatter(|mark, _| format!("{}", (mark.value * 10.0).round() / 10.0)),
        ])
        .show(ui, |plot| {
            plot.line(Line::new("F1", PlotPoints::from(points.clone())).color(colour).width(2.0));
            plot.points(Points::new("F1", PlotPoints::from(points)).color(colour).radius(3.0));
        });
    let figures: Vec<String> = curve.iter().map(|(n, f)| format!("{n}: {f:.2}")).collect();
    ui.weak(format!("documents: F1 — {}", figures.join(" · ")));
}

impl SorotApp {
    pub(in crate::gui) fn apply_suggest(&mut self, action: SuggestAction) {
        match action {
            SuggestAction::Train => {
                if let Some(s) = &mut self.suggest {
                    s.announce = true;
                }
                self.train_suggestions();
            }
            SuggestAction::Go(i) => {
                if let Some(s) = &mut self.suggest
                    && let Some(f) = s.items.get(i)
                {
                    s.current = i;
                    let at = f.range.start();
                    self.view.scroll_to(at);
                }
            }
            SuggestAction::AcceptAll(found) => self.accept_suggestions(found),
        }
    }
}

/// What the Suggestions panel asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum SuggestAction {
    Train,
    Go(usize),
    AcceptAll(Vec<Suggestion>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::agreement::Counts;

    /// The count of what was taken, kept as suggestions are taken one by
    /// one, always equals counting them all again.
    #[test]
    fn the_count_of_what_was_taken_follows_each_take() {
        let s = |at: usize, label: &str, score: f32| crate::suggest::Suggestion {
            range: ByteRange::new(at, at + 3),
            label: label.into(),
            score,
            source: crate::suggest::Source::Model("perceptron 1".into()),
            entity: None,
            frame: None,
        };
        let all = |t: &Taken, label: &str, min: f32| {
            t.by_range.values().flatten().filter(|(l, x)| l == label && *x >= min).count()
        };
        let mut t = Taken::default();
        assert_eq!(t.count("Country", 0.5), 0);
        t.insert(&s(0, "Country", 0.9));
        assert_eq!(t.count("Country", 0.5), 1);
        for (i, (label, score)) in
            [("Country", 0.4), ("Country", 0.7), ("Person", 0.9), ("Country", 0.5), ("Country", 0.9)].iter().enumerate()
        {
            t.insert(&s(10 * (i + 1), label, *score));
            assert_eq!(t.count("Country", 0.5), all(&t, "Country", 0.5));
        }
        // The same suggestion twice counts once.
        t.insert(&s(0, "Country", 0.9));
        assert_eq!(t.count("Country", 0.5), 4);
        assert_eq!(t.count("Country", 0.8), 2);
        t.retain(|r, _| r.start() != 0);
        assert_eq!(t.count("Country", 0.8), all(&t, "Country", 0.8));
        assert_eq!(t.count("Person", 0.0), 1);
    }

    #[test]
    fn the_label_mean_weighs_each_label_the_same() {
        // Country: 98 of 100 found, all right; Claim: none of 2 suggested.
        let country = Counts { matched: 98, missed: 2, extra: 0 };
        let claim = Counts { matched: 0, missed: 2, extra: 0 };
        let [p, r, f1] = macro_average([&country, &claim].into_iter());
        assert_eq!(p, Some(1.0), "Claim had no suggestion: no precision to average");
        assert_eq!(r, Some(0.49));
        let f1_country = 2.0 * 0.98 / 1.98;
        assert!((f1.unwrap() - f1_country / 2.0).abs() < 1e-12, "{f1:?}");
        assert_eq!(macro_average(std::iter::empty()), [None, None, None]);
    }
}

/// `n` of `of` as a percentage that is 100 % or 0 % only when it is
/// (2,317 of 2,318 said "100%"): `99.96 %`, `0.04 %`, `52 %`.
fn share(n: usize, of: usize) -> String {
    let p = 100.0 * n as f64 / of.max(1) as f64;
    let whole = format!("{p:.0}");
    if (whole == "100" && n < of) || (whole == "0" && n > 0) {
        let mut d = 1;
        while d < 6 && {
            let f = format!("{p:.d$}");
            f.trim_end_matches('0').trim_end_matches('.') == "100" || f.trim_end_matches(['0', '.']).is_empty()
        } {
            d += 1;
        }
        format!("{p:.d$}%")
    } else {
        format!("{whole}%")
    }
}

#[cfg(test)]
mod share_tests {
    #[test]
    fn a_share_is_whole_only_when_it_is() {
        assert_eq!(super::share(2317, 2318), "99.96%");
        assert_eq!(super::share(1, 2318), "0.04%");
        assert_eq!(super::share(2318, 2318), "100%");
        assert_eq!(super::share(0, 5), "0%");
        assert_eq!(super::share(13, 25), "52%");
    }
}
