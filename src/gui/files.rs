//! The open document's files from the window: opening on a worker,
//! saving, autosave, recovery and the native file dialog.

use super::*;

impl SorotApp {
    pub(super) fn start_loading(&mut self, path: PathBuf) {
        self.start_loading_with(path, None, false);
    }

    pub(super) fn start_loading_with(&mut self, path: PathBuf, reveal: Option<SpanId>, for_review: bool) {
        self.finish_save();
        let p = path.clone();
        let annotator = self.own_files();
        let job = Job::spawn(move |r| {
            // The text first (it is at the end of the file, read without
            // parsing the rest), so a large document is readable at once;
            // then the same source is parsed, not read again.
            let source = crate::io::document::annotation_file_for(&p, annotator.as_deref())
                .and_then(|ann| Some((io::read_annotation_source(&ann).ok()?, ann)));
            if let Some(text) = source.as_ref().and_then(|(src, _)| io::ronfile::peek_text(src)) {
                r.update(Text::new(text));
            }
            let load = |q: &Path| match &source {
                Some((src, ann)) if ann == q => io::parse_annotations(q, src),
                _ => io::load_annotations(q),
            };
            Document::open_with(&p, annotator.as_deref(), &load)
        });
        self.loading = Some(Loading { path, reveal, for_review, job, preview: None, unfinished: None });
    }

    pub(super) fn poll_loading(&mut self) {
        let Some(loading) = &mut self.loading else { return };
        let result = match loading.job.poll() {
            Poll::Update(text) => {
                loading.preview = Some(Store::new(text, Schema::default_news(), Default::default()));
                return;
            }
            Poll::Done(r) => r,
            Poll::Running => return,
            Poll::Lost => Err(anyhow::anyhow!("opening stopped unexpectedly")),
        };
        let Some(loading) = self.loading.take() else { return };
        let path = loading.path;
        match result {
            Ok(mut doc) => {
                doc.read_only = loading.for_review;
                // (A long edit never runs while a document loads; were one
                // under way, it ends in its own document first.)
                self.finish_long_edit();
                self.doc = doc;
                self.compare = None;
                self.review = loading.for_review.then(Default::default);
                self.selected = None;
                self.selection.clear();
                self.find = Default::default();
                self.list = Default::default();
                self.details.reset();
                self.view = TextView::default();
                // The new document starts at its top (the scroll area kept
                // the last document's offset).
                self.view.scroll_to_offset(0.0);
                self.entity_form = Default::default();
                self.view.font_size = self.prefs.font_size;
                self.prefs.recent.retain(|p| *p != path);
                self.prefs.recent.insert(0, path.clone());
                self.prefs.recent.truncate(10);
                // A merged file's compare comes back next and says it.
                let resuming = !loading.for_review && self.doc.store.meta.adjudication.is_some();
                let saved = if resuming { self.saved_on_leave.clone() } else { self.saved_on_leave.take() };
                let saved = saved.map(|n| format!("Saved {n}; ")).unwrap_or_default();
                let skipped = match loading.unfinished.map(|u| u.1).unwrap_or_default() {
                    s if s.is_empty() => String::new(),
                    s => format!("; skipped {}", s.join("; ")),
                };
                self.set_status(format!(
                    "{saved}Opened {} ({}, {} annotations) in {:.2} s{skipped}",
                    path.display(),
                    self.doc.store.meta.encoding,
                    self.doc.store.spans().len(),
                    loading.job.elapsed().as_secs_f64()
                ));
                self.show_notice();
                self.offer_recovery();
                if let Some(id) = loading.reveal {
                    self.apply_reveal(id);
                }
                self.after_open_for_search();
                self.glyphs.start(self.doc.store.text());
                if !loading.for_review {
                    self.resume_compare();
                }
            }
            // Opening a folder: a document that cannot be opened does not
            // stop the folder from opening on the next one.
            Err(e) if loading.unfinished.is_some() => {
                let (i, mut skipped) = loading.unfinished.unwrap_or_default();
                let first = format!("{e:#}");
                skipped.push(first.lines().next().unwrap_or_default().to_owned());
                self.pending.push(Action::Folder(FolderAction::OpenUnfinished { from: i + 1, skipped }));
            }
            // The current work stays open; the error is shown once.
            Err(e) => self.dialog = Some(Dialog::Error(format!("{e:#}"))),
        }
    }

    pub(super) fn offer_recovery(&mut self) {
        // This window has the file open from now on (the lock of the file
        // open before goes with it).
        self.open_lock = None;
        let elsewhere = self.doc.path.as_deref().and_then(crate::io::document::open_elsewhere);
        self.doc.open_in = elsewhere;
        // The other window's lock stays its own.
        if elsewhere.is_none() {
            self.open_lock = self.doc.path.as_deref().and_then(crate::io::document::OpenLock::claim);
        }
        if let Some(pid) = elsewhere {
            // Its recovery file is that window's live autosave: offering it
            // here (or discarding it) would take its crash protection away.
            let said = format!(
                "This file is also open in another Sorot window (process {pid}). Its unsaved work stays there; \
                 this window autosaves to a recovery file of its own. If both save, the second to save is asked \
                 first, so nothing is overwritten unseen."
            );
            match &mut self.dialog {
                Some(Dialog::Error(notice)) => *notice = format!("{notice}\n\n{said}"),
                _ => self.dialog = Some(Dialog::Error(said)),
            }
            return;
        }
        let found = match &self.doc.path {
            Some(p) => crate::io::document::recoveries(p),
            None => Some(self.doc.recovery_path()).filter(|p| p.exists()).into_iter().collect(),
        };
        if let Some((newest, older)) = found.split_first() {
            self.dialog = Some(Dialog::Recover { path: newest.clone(), more: older.len() });
        }
    }

    pub(super) fn open(&mut self, ctx: &egui::Context, path: &Path) {
        self.start_loading(path.to_owned());
        ctx.request_repaint();
    }

    /// Waits for an autosave in flight, so the recovery file is not written
    /// again after it was removed.
    pub(super) fn finish_autosave(&mut self) {
        if let Some(job) = self.autosave_job.take() {
            match job.wait() {
                Some(Err(e)) => self.set_status(format!("Autosave failed: {e:#}")),
                None => self.set_status("Autosave stopped unexpectedly"),
                Some(Ok(())) => {}
            }
        }
    }

    /// Drops unsaved changes: the recovery file goes too.
    pub fn discard_changes(&mut self) {
        self.finish_save();
        self.finish_autosave();
        crate::io::document::discard_recovery(&self.doc.recovery_path());
        self.doc.history.mark_saved(self.doc.history.generation());
    }

    /// Writes the annotation file atomically and drops the recovery file;
    /// asks first if the file changed on disk since it was read.
    pub fn save(&mut self) {
        self.save_checked(false);
    }

    pub(super) fn save_checked(&mut self, overwrite: bool) {
        let Some(path) = self.doc.path.clone() else { return };
        // A save still in flight is ours: finish it before comparing the
        // file on disk with what we last wrote.
        self.finish_save();
        if !overwrite && let Some(conflict) = self.doc.save_conflict(&path) {
            self.dialog = Some(Dialog::Conflict { path, conflict });
            return;
        }
        self.finish_autosave();
        self.record_decisions();
        // An unreadable annotation file is never overwritten: it goes aside.
        let mut aside = String::new();
        if let Some(damaged) = self.doc.damaged.clone().filter(|d| *d == path) {
            match crate::io::document::set_aside(&damaged) {
                Ok(kept) => {
                    self.doc.damaged = None;
                    self.doc.disk = None;
                    if let Some(kept) = kept {
                        aside = format!(" (the damaged file was kept as {})", kept.display());
                    }
                }
                Err(e) => {
                    self.dialog = Some(Dialog::Error(format!("Not saved: {e:#}")));
                    return;
                }
            }
        }
        // The state and annotator live in the file: a document with work
        // in it is in progress, and says whose it is. This is file metadata
        // set by saving, deliberately outside the edit history: undo takes
        // back edits, not the fact that the file was saved by someone
        // (marking done, an analyst's decision, is an edit: SetDocState).
        let meta = &mut self.doc.store.meta;
        if meta.state == crate::model::DocState::New
            && (self.doc.store.spans().len() > 0 || self.doc.store.relations().len() > 0)
        {
            self.doc.store.meta.state = crate::model::DocState::InProgress;
        }
        if self.doc.store.meta.annotator.is_none() && !self.doc.read_only {
            self.doc.store.meta.annotator = Some(self.prefs.annotator.clone());
        }
        // A snapshot (the tables are shared, not copied) written on a worker
        // thread: the window never waits for the disk.
        let snapshot = self.doc.store.clone();
        let generation = self.doc.history.generation();
        let target = path.clone();
        let job = Job::spawn(move |_| io::save_annotations(&target, &snapshot));
        self.save_job = Some(SaveJob { path: path.clone(), generation, job });
        self.set_status(format!("Saving {} …{aside}", path.display()));
    }

    /// Whether a save is being written.
    pub fn is_saving(&self) -> bool {
        self.save_job.is_some()
    }

    /// Waits for the save in flight, then marks what it wrote as saved.
    pub fn finish_save(&mut self) {
        let Some(job) = self.save_job.take() else { return };
        match job.job.wait() {
            Some(Ok(())) => {
                self.doc.disk = DiskStamp::of(&job.path);
                // Saved outside review mode, the file is this analyst's
                // version now (they were asked before replacing a reviewed
                // one); a review's own save keeps the guard.
                self.doc.reviewed_on_disk =
                    self.doc.read_only && self.doc.store.meta.state == crate::model::DocState::Reviewed;
                self.doc.history.mark_saved(job.generation);
                // Edits made while it was written stay in the recovery file.
                if !self.doc.history.is_dirty() {
                    crate::io::document::discard_recovery(&self.doc.recovery_path());
                }
                self.set_status(format!("Saved {}", job.path.display()));
                self.saved_in_corpus(&job.path);
                // What was just saved is something more to learn from.
                if self.suggest.is_some() {
                    self.train_suggestions();
                }
            }
            Some(Err(e)) => self.dialog = Some(Dialog::Error(format!("Not saved: {e:#}"))),
            None => self.dialog = Some(Dialog::Error("Not saved: the save stopped unexpectedly".into())),
        }
    }

    /// Writes unsaved work to the recovery file every `autosave_secs`, on a
    /// worker thread from a snapshot, so a large document never stalls the
    /// window while it is written.
    ///
    /// A window only runs when something happens in it: one left with
    /// unsaved work under another window never autosaved (a newcomer's
    /// second window lost its work to a crash). So the window asks to run
    /// again when the next autosave is due, and autosaves at once when it
    /// loses the keyboard focus (covered, minimised or left for another
    /// window).
    pub(super) fn autosave(&mut self, ctx: &egui::Context) {
        if self.autosave_job.as_ref().is_some_and(|j| j.is_finished()) {
            self.finish_autosave();
        }
        let focused = ctx.input(|i| i.focused);
        let left = self.was_focused && !focused;
        self.was_focused = focused;
        if !self.doc.history.is_dirty() {
            return;
        }
        if self.autosave_job.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
            return;
        }
        let every = Duration::from_secs(self.prefs.autosave_secs.max(1));
        let since = self.last_autosave.elapsed();
        if since < every && !(left && since >= Duration::from_secs(1)) {
            ctx.request_repaint_after(every - since);
            return;
        }
        self.last_autosave = Instant::now();
        let rec = self.doc.recovery_path();
        let snapshot = self.doc.store.clone();
        self.autosave_job = Some(Job::spawn(move |_| io::save_annotations(&rec, &snapshot)));
    }

    /// Whether an autosave is being written.
    pub fn is_autosaving(&self) -> bool {
        self.autosave_job.as_ref().is_some_and(|j| !j.is_finished())
    }

    pub(super) fn start_native_dialog(&mut self, purpose: PathPurpose) {
        let dir = self.doc.path.as_deref().and_then(Path::parent).map(Path::to_owned);
        self.native_dialog = Some(Job::spawn(move |_| {
            let mut d = rfd::FileDialog::new();
            if let Some(dir) = dir {
                d = d.set_directory(dir);
            }
            let picked = match purpose {
                PathPurpose::OpenArticle => d.add_filter("Articles", crate::io::corpus::ARTICLE_EXTENSIONS).pick_file(),
                PathPurpose::OpenAnnotations => d.add_filter("Sorot annotations", &["ron"]).pick_file(),
                PathPurpose::SaveAs => d.add_filter("Sorot annotations", &["ron"]).save_file(),
                PathPurpose::Reanchor => d.add_filter("Articles", crate::io::corpus::ARTICLE_EXTENSIONS).pick_file(),
                PathPurpose::OpenFolder => d.pick_folder(),
                PathPurpose::OpenForReview | PathPurpose::CompareFile => {
                    d.add_filter("Sorot annotations", &["ron"]).pick_file()
                }
            };
            (purpose, picked)
        }));
    }

    pub(super) fn poll_native_dialog(&mut self) {
        let Some(job) = &mut self.native_dialog else { return };
        match job.poll() {
            Poll::Done((purpose, Some(path))) => {
                self.native_dialog = None;
                // A file for the compare dialog goes into it; any other
                // pick replaces the dialog it was asked from.
                if purpose != PathPurpose::CompareFile {
                    self.dialog = None;
                }
                let action = purpose.action(path);
                self.pending.push(action);
            }
            Poll::Done((_, None)) => {
                // Back at once: no system dialog was shown (none is
                // available here, as under a bare X server), not a cancel.
                let at_once = job.elapsed() < std::time::Duration::from_millis(400);
                self.native_dialog = None;
                self.set_status(if at_once {
                    "No system file dialog is available here: type the path instead"
                } else {
                    "The system dialog closed without a choice; you can type the path instead"
                });
            }
            Poll::Running | Poll::Update(()) => {}
            Poll::Lost => self.native_dialog = None,
        }
    }
}
