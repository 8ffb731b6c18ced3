//! The document as an analyst works on it: a store, its edit history and
//! the file it lives in — opening an article with its annotations,
//! detecting that a save would replace someone else's work, recovery
//! files, and the bundled sample. Used by the window; needs no window.

use std::path::{Path, PathBuf};

use crate::io;
use crate::model::{Edit, History, Schema, Store};

/// The bundled sample article and its annotations, used when Sorot starts
/// without a file and the repository's assets are not beside it.
const SAMPLE_TEXT: &str = include_str!("../../assets/000_f1c0a0fef9fd3cfc.txt");

const SAMPLE_RON: &str = include_str!("../../assets/000_f1c0a0fef9fd3cfc.sorot.ron");

/// The file name of the bundled sample article.
pub const SAMPLE_NAME: &str = "000_f1c0a0fef9fd3cfc.txt";

/// Where the sample and its annotations are kept for the user.
pub fn sample_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("sorot").join("sample"))
}

/// Writes the sample article (and its annotations, unless the user already
/// has some) into `dir`; returns the article's path.
pub fn install_sample(dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let article = dir.join(SAMPLE_NAME);
    if !article.exists() {
        io::write_atomic(&article, SAMPLE_TEXT.as_bytes())?;
    }
    let ann = io::default_annotation_path(&article, None);
    if !ann.exists() {
        io::write_atomic(&ann, SAMPLE_RON.as_bytes())?;
    }
    Ok(article)
}

/// An open document: the store, its history and where it lives.
pub struct Document {
    pub store: Store,
    pub history: History,
    /// The annotation file, once known (None for the embedded sample).
    pub path: Option<PathBuf>,
    /// Something the analyst must know about how this was opened.
    pub notice: Option<String>,
    /// The article, when it changed since it was annotated (re-anchoring
    /// is offered).
    pub changed_article: Option<PathBuf>,
    /// The annotation file as it was on disk when read or last saved, to
    /// notice when someone else changed it.
    pub disk: Option<DiskStamp>,
    /// Opened for review: the annotations cannot be changed, only their
    /// review status and notes.
    pub read_only: bool,
    /// The annotation file at `path` could not be read: the article is
    /// open with no annotations, and saving first sets the damaged file
    /// aside (see [`set_aside`]), so it is never overwritten.
    pub damaged: Option<PathBuf>,
    /// The file at `path` is a reviewed file: saving edits over it (outside
    /// review mode) asks first, so a reviewer's decisions are never
    /// replaced unnoticed.
    pub reviewed_on_disk: bool,
    /// Another Sorot window (this process id) had the file open first: its
    /// autosave is the file's recovery file, so this window autosaves to a
    /// recovery file of its own (see [`io::window_recovery_path`]).
    pub open_in: Option<u32>,
    /// Unsaved work restored from a recovery file other than this window's
    /// own (another window's that ended): autosaves go on into that file,
    /// so every other version left on disk stays as it is.
    pub recovery_at: Option<PathBuf>,
}

/// Why an edit of a file open for review is refused.
pub const READ_ONLY: &str =
    "this file is open for review: its annotations are read-only (review marks and notes can still be recorded)";

/// Why a save must ask first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveConflict {
    pub message: String,
    /// The file on disk is another file than the one open here (not a
    /// newer version of it): reloading it would not bring this work back.
    pub another_file: bool,
    /// The file is the one open here, and it was reviewed.
    pub reviewed: bool,
}

/// What identifies one version of a file on disk without reading it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskStamp {
    pub path: PathBuf,
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

impl DiskStamp {
    pub fn of(path: &Path) -> Option<Self> {
        let m = std::fs::metadata(path).ok()?;
        Some(Self { path: path.to_owned(), len: m.len(), modified: m.modified().ok() })
    }
}

impl Document {
    /// A document on a store (no notice, nothing to undo).
    pub fn new(store: Store, path: Option<PathBuf>) -> Self {
        let disk = path.as_deref().and_then(DiskStamp::of);
        let reviewed_on_disk = disk.is_some() && store.meta.state == crate::model::DocState::Reviewed;
        Self {
            reviewed_on_disk,
            store,
            history: History::default(),
            path,
            notice: None,
            changed_article: None,
            disk,
            read_only: false,
            damaged: None,
            open_in: None,
            recovery_at: None,
        }
    }

    /// A new document to be saved at `path`, never read from there: saving
    /// asks before replacing a file that exists under that name.
    pub fn unsaved(store: Store, path: PathBuf) -> Self {
        let mut doc = Self::new(store, Some(path));
        doc.disk = None;
        doc.reviewed_on_disk = false;
        doc
    }

    /// Applies an edit through the history (so it can be undone); refused
    /// when the document is read-only and the edit is more than a review.
    pub fn apply(&mut self, edit: Edit, summary: impl Into<String>) -> Result<(), String> {
        if self.read_only && !crate::model::review::review_only(&self.store, &edit) {
            return Err(READ_ONLY.into());
        }
        self.history.apply(&mut self.store, edit, summary).map_err(|e| e.to_string())
    }

    /// Opens an article (and its annotations from the default place, if
    /// present) or an annotation file.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        Self::open_with(path, None, &io::load_annotations)
    }

    /// [`Document::open`], with an article's annotations in `annotator`'s
    /// own file (`article.<annotator>.sorot.ron`) if given, reading
    /// annotation files with `load`.
    pub fn open_with(
        path: &Path,
        annotator: Option<&str>,
        load: &dyn Fn(&Path) -> anyhow::Result<Store>,
    ) -> anyhow::Result<Self> {
        if io::is_annotation_file(path) {
            return match load(path) {
                Ok(store) => Ok(Self::new(store, Some(path.to_owned()))),
                // What can be read of it opens; the file is kept.
                Err(e) => Self::salvaged(path).ok_or(e),
            };
        }
        let ann = io::default_annotation_path(path, annotator);
        if ann.exists() {
            let store = match load(&ann) {
                Ok(store) => store,
                // A damaged annotation file does not lock its article away:
                // the article opens with no annotations, the file is kept.
                Err(e) => return Self::beside_damaged(path, &ann, &e),
            };
            let mut doc = Self::new(store, Some(ann.clone()));
            // The annotations keep the text they were made on; say so when
            // the article has changed since, instead of hiding it.
            if let Ok(article) = io::read_article_as(path, io::text_mode(&doc.store.meta))
                && article.text != doc.store.text().as_str()
            {
                // A web page read by a newer extractor than the one its
                // annotations were made on: the page may be the same.
                let then = doc.store.meta.origin.as_ref().map(|o| o.extractor.as_str());
                let now = article.origin.as_ref().map(|o| o.extractor.as_str());
                doc.notice = Some(match (then, now) {
                    (Some(then), Some(now)) if then != now => format!(
                        "Sorot now reads the article of {} differently ({now}; it was annotated as read by \
                         {then}): showing the annotated version embedded in {}",
                        path.display(),
                        ann.display()
                    ),
                    _ => format!(
                        "{} has changed since it was annotated: showing the annotated version embedded in {}",
                        path.display(),
                        ann.display()
                    ),
                });
                doc.changed_article = Some(path.to_owned());
            }
            return Ok(doc);
        }
        let article = io::read_article(path)?;
        let note = article.note.clone();
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let schema = io::folder_schema(dir).map_or_else(Schema::default_news, |(s, _)| s);
        let mut doc = Self::new(io::store_for_article(path, article, schema), Some(ann));
        doc.notice = note;
        Ok(doc)
    }

    /// The article at `path` with no annotations, its annotation file `ann`
    /// being unreadable (`error`): the notice says what is wrong and what
    /// saving will do.
    fn beside_damaged(path: &Path, ann: &Path, error: &anyhow::Error) -> anyhow::Result<Self> {
        if let Some(doc) = Self::salvaged(ann) {
            return Ok(doc);
        }
        let article = io::read_article(path)?;
        let mut doc = Self::new(io::store_for_article(path, article, Schema::default_news()), Some(ann.to_owned()));
        let name = ann.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let first = format!("{error:#}");
        let first = first.lines().next().unwrap_or_default();
        doc.notice = Some(format!(
            "The annotations of this article could not be read — {first}. The article is open with no \
             annotations. {name} is kept as it is: saving first sets it aside as {name}.damaged-<time>, \
             so nothing in it is lost."
        ));
        doc.damaged = Some(ann.to_owned());
        Ok(doc)
    }

    /// What can be read of the damaged annotation file `ann` (its syntax
    /// intact, some annotations failing their checks), open on the text it
    /// embeds, with a notice of what could not be read. Saving first sets
    /// the file aside as `.damaged-<time>`, as for an unreadable one, so
    /// the annotations left out are never lost. `None` when nothing in it
    /// can be read.
    fn salvaged(ann: &Path) -> Option<Self> {
        let (store, problems) = io::salvage_annotations(ann).ok()?;
        let name = ann.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let first = problems.first().map(String::as_str).unwrap_or_default();
        let more = match problems.len() {
            0 | 1 => String::new(),
            n => format!(" (and {} more; `sorot validate {name}` lists them)", n - 1),
        };
        let open = crate::model::plural(store.spans().len() + store.relations().len(), "annotation");
        let mut doc = Self::new(store, Some(ann.to_owned()));
        doc.notice = Some(format!(
            "Part of {name} could not be read — line {first}{more}. The {open} that could be read are open. \
             {name} is kept as it is: saving first sets it aside as {name}.damaged-<time>, so what could not \
             be read is not lost."
        ));
        doc.damaged = Some(ann.to_owned());
        Some(doc)
    }

    /// The bundled sample. On first use it is copied to Sorot's data folder
    /// (`$XDG_DATA_HOME/sorot/sample`, else `~/.local/share/sorot/sample`),
    /// so the analyst's work on it is saved there, found again at the next
    /// start, and never written into the program's own files.
    pub fn sample() -> Self {
        if let Some(dir) = sample_dir()
            && let Ok(article) = install_sample(&dir)
            && let Ok(doc) = Self::open(&article)
        {
            return doc;
        }
        match io::from_ron_str(SAMPLE_RON) {
            Ok((store, _)) => Self::new(store, None),
            Err(_) => {
                let article = io::Article {
                    text: SAMPLE_TEXT.to_owned(),
                    encoding: "UTF-8",
                    format: io::ArticleFormat::Text,
                    origin: None,
                    note: None,
                };
                Self::new(io::store_for_article(Path::new("sample.txt"), article, Schema::default_news()), None)
            }
        }
    }

    /// Whether unsaved work of an earlier run waits in the recovery file.
    pub fn has_recovery(&self) -> bool {
        self.recovery_path().exists()
    }

    /// Where unsaved work is autosaved: `.name.sorot.ron.recovery` beside the
    /// annotation file, or in the temp folder for a document with no file yet.
    pub fn recovery_path(&self) -> PathBuf {
        if let Some(at) = &self.recovery_at {
            return at.clone();
        }
        match &self.path {
            Some(p) if self.open_in.is_some() => io::window_recovery_path(p, std::process::id()),
            Some(p) => io::recovery_path(p),
            None => std::env::temp_dir().join(format!("sorot-{}.sorot.ron.recovery", self.store.meta.id)),
        }
    }

    /// Why saving to `path` now could overwrite someone else's work: the
    /// file changed on disk since it was read or saved here, it exists
    /// and is not the file that was opened, or it is a reviewed file and
    /// this is not the review.
    pub fn save_conflict(&self, path: &Path) -> Option<SaveConflict> {
        let now = DiskStamp::of(path)?;
        match &self.disk {
            Some(then) if then.path == path && *then != now => Some(SaveConflict {
                message: format!(
                    "{} changed on disk since it was opened here (another annotator, a sync or a git pull?). \
                     Saving now would overwrite those changes.",
                    path.display()
                ),
                another_file: false,
                reviewed: false,
            }),
            Some(then) if then.path == path && self.reviewed_on_disk && !self.read_only => {
                let by = crate::io::corpus::reviewers(&self.store);
                let by = if by.is_empty() { String::new() } else { format!(" by {}", by.join(", ")) };
                Some(SaveConflict {
                    message: format!(
                        "{} was reviewed{by}. Saving replaces the reviewed version with your changes; \
                         Save as… keeps it and writes yours to a new file.",
                        path.display()
                    ),
                    another_file: false,
                    reviewed: true,
                })
            }
            Some(then) if then.path == path => None,
            _ => Some(SaveConflict {
                message: format!(
                    "{} already exists and is not the file open here. Saving now would replace it.",
                    path.display()
                ),
                another_file: true,
                reviewed: false,
            }),
        }
    }

    /// Nothing is open: the window's placeholder while a file opens, or
    /// after one could not be opened (no file, no text).
    pub fn is_blank(&self) -> bool {
        self.path.is_none() && self.store.text().is_empty()
    }

    pub fn title(&self) -> String {
        if self.is_blank() {
            return "Sorot".into();
        }
        let name = self
            .path
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(|| format!("{} (not saved yet)", self.store.meta.id), |n| n.to_string_lossy().into_owned());
        format!("{}{name} — Sorot", if self.history.is_dirty() { "● " } else { "" })
    }
}

/// The folder whose entries complete `typed` (the path dialog names it), as
/// an absolute path where it can be told.
pub fn completion_folder(typed: &str) -> PathBuf {
    let typed_path = Path::new(typed);
    let dir = if typed.is_empty() || typed.ends_with('/') {
        if typed.is_empty() { Path::new(".") } else { typed_path }
    } else {
        typed_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
    };
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// Up to `max` paths completing `typed` (entries of its folder starting
/// with its last part), each with whether it is a folder; with
/// `folders_only`, files are left out (choosing a folder).
pub fn path_completions(typed: &str, max: usize, folders_only: bool) -> Vec<(PathBuf, bool)> {
    let typed_path = Path::new(typed);
    let (dir, prefix) = if typed.is_empty() || typed.ends_with('/') {
        (if typed.is_empty() { Path::new(".") } else { typed_path }, "")
    } else {
        (
            typed_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")),
            typed_path.file_name().and_then(|n| n.to_str()).unwrap_or(""),
        )
    };
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name().to_string_lossy().starts_with(prefix) && !e.file_name().to_string_lossy().starts_with('.')
        })
        .filter(|e| !folders_only || e.file_type().is_ok_and(|t| t.is_dir()) || e.path().is_dir())
        .map(|e| if typed.is_empty() { PathBuf::from(e.file_name()) } else { dir.join(e.file_name()) })
        .collect();
    out.sort();
    out.truncate(max);
    out.into_iter()
        .map(|p| {
            let is_dir = if typed.is_empty() { dir.join(&p).is_dir() } else { p.is_dir() };
            (p, is_dir)
        })
        .collect()
}

/// How long ago `path` was last written, if it can be told.
pub fn age(path: &Path) -> Option<std::time::Duration> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok())
}

/// The unsaved work of `annotations` left on disk, newest first: its
/// recovery file, and those of second windows (see
/// [`io::window_recovery_path`]) whose process ended without saving, or
/// this process's own. A second window that still runs keeps its own.
pub fn recoveries(annotations: &Path) -> Vec<PathBuf> {
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    let main = io::recovery_path(annotations);
    let mut consider = |p: PathBuf| {
        if let Ok(t) = std::fs::metadata(&p).and_then(|m| m.modified()) {
            found.push((t, p));
        }
    };
    consider(main.clone());
    let name = annotations.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = annotations.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let (head, tail) = (format!(".{name}."), ".recovery");
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let pid = file.strip_prefix(&head).and_then(|r| r.strip_suffix(tail)).and_then(|p| p.parse::<u32>().ok());
        // This process's own is work it left as a second window, now that
        // it opens the file again.
        if let Some(pid) = pid
            && (pid == std::process::id() || !process_alive(pid, &entry.path()))
        {
            consider(entry.path());
        }
    }
    found.sort_by_key(|b| std::cmp::Reverse(b.0));
    found.into_iter().map(|(_, p)| p).collect()
}

/// The process id a second window's recovery file names, if `path` is one.
pub fn window_of_recovery(path: &Path) -> Option<u32> {
    let file = path.file_name()?.to_string_lossy().into_owned();
    let rest = file.strip_suffix(".recovery")?;
    let (_, pid) = rest.rsplit_once('.')?;
    pid.parse().ok()
}

/// Whether process `pid` runs. Where the operating system cannot be asked
/// (not Linux), whether `marker` (its lock or recovery file) is younger
/// than a day.
fn process_alive(pid: u32, marker: &Path) -> bool {
    if cfg!(target_os = "linux") {
        // A process killed but not yet reaped (a zombie, state `Z`, or
        // dead, `X`) has ended: its window is gone.
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => {
                let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next());
                !matches!(state, Some("Z" | "X"))
            }
            Err(_) => false,
        }
    } else {
        std::fs::metadata(marker)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|d| d < std::time::Duration::from_secs(86_400)))
    }
}

/// Removes a recovery file the analyst chose not to restore (or whose work
/// is saved). A file already gone is not an error.
pub fn discard_recovery(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// The annotation file that opening `path` reads, if there is one: the
/// file itself, or the article's annotations in the default place
/// (`annotator`'s own file when given).
pub fn annotation_file_for(path: &Path, annotator: Option<&str>) -> Option<PathBuf> {
    if io::is_annotation_file(path) {
        return Some(path.to_owned());
    }
    let ann = io::default_annotation_path(path, annotator);
    ann.exists().then_some(ann)
}

/// Moves a damaged annotation file aside, to `<name>.damaged-<unix time>`
/// beside it (a number is added if that exists), and returns where it went;
/// `None` when it is no longer there (nothing to keep).
pub fn set_aside(path: &Path) -> anyhow::Result<Option<PathBuf>> {
    if !path.exists() {
        return Ok(None);
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let now = crate::model::Timestamp::now().0;
    let mut target = path.with_file_name(format!("{name}.damaged-{now}"));
    let mut k = 2;
    while target.exists() {
        target = path.with_file_name(format!("{name}.damaged-{now}-{k}"));
        k += 1;
    }
    std::fs::rename(path, &target)
        .map_err(|e| anyhow::anyhow!("{}: cannot set the damaged file aside: {e}", path.display()))?;
    Ok(Some(target))
}

/// Which Sorot process has an annotation file open in a window: a lock
/// file beside it (`.name.sorot.ron.lock`, the process id), so a second
/// window on the same file knows that the recovery file there is another
/// window's live autosave, not work left by a crash. Removed when dropped
/// (only if it is still this process's).
#[derive(Debug)]
pub struct OpenLock {
    path: PathBuf,
}

fn lock_path(annotations: &Path) -> PathBuf {
    let name = annotations.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    annotations.with_file_name(format!(".{name}.lock"))
}

impl OpenLock {
    /// Marks `annotations` as open in this process (best effort: a folder
    /// that cannot be written to gets no lock, and nothing else changes).
    pub fn claim(annotations: &Path) -> Option<OpenLock> {
        let path = lock_path(annotations);
        std::fs::write(&path, std::process::id().to_string()).ok()?;
        Some(OpenLock { path })
    }
}

impl Drop for OpenLock {
    fn drop(&mut self) {
        if std::fs::read_to_string(&self.path).is_ok_and(|s| s.trim() == std::process::id().to_string()) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The process id of another running Sorot that has `annotations` open,
/// if any. A lock left by a process that ended (a crash) does not count.
/// Where the operating system cannot be asked (not Linux), a lock counts
/// while it is younger than a day.
pub fn open_elsewhere(annotations: &Path) -> Option<u32> {
    let path = lock_path(annotations);
    let pid: u32 = std::fs::read_to_string(&path).ok()?.trim().parse().ok()?;
    if pid == std::process::id() {
        return None;
    }
    process_alive(pid, &path).then_some(pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unsaved work on disk: the file's own recovery file and those of
    /// windows that ended (or of this process), newest first; a running
    /// window's is its own and is left out.
    #[test]
    fn recoveries_are_every_version_no_running_window_owns() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let ann = dir.path().join("a.sorot.ron");
        assert!(recoveries(&ann).is_empty());
        let main = io::recovery_path(&ann);
        // Past the largest process id Linux gives: never running.
        let ended = io::window_recovery_path(&ann, 4_194_305);
        let mine = io::window_recovery_path(&ann, std::process::id());
        let running = io::window_recovery_path(&ann, 1);
        let other_file = io::window_recovery_path(&dir.path().join("b.sorot.ron"), 4_194_305);
        for (k, p) in [&main, &ended, &mine, &running, &other_file].into_iter().enumerate() {
            std::fs::write(p, "x").unwrap_or_else(|e| panic!("{e}"));
            let t = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + k as u64);
            std::fs::File::options()
                .write(true)
                .open(p)
                .and_then(|f| f.set_modified(t))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        if cfg!(target_os = "linux") {
            // (Elsewhere a window counts as running for a day after its
            // file was written: these are all older.)
            assert_eq!(recoveries(&ann), [mine.clone(), ended.clone(), main.clone()]);
        }
        assert_eq!(window_of_recovery(&ended), Some(4_194_305));
        if cfg!(target_os = "linux") {
            // A killed child not yet reaped (a zombie) has ended; a running
            // one has not.
            let mut child = std::process::Command::new("sleep").arg("30").spawn().unwrap_or_else(|e| panic!("{e}"));
            assert!(process_alive(child.id(), &main));
            child.kill().unwrap_or_else(|e| panic!("{e}"));
            let zombie = (0..200).any(|_| {
                std::thread::sleep(std::time::Duration::from_millis(5));
                !process_alive(child.id(), &main)
            });
            assert!(zombie, "a killed process counts as ended before it is reaped");
            let _ = child.wait();
            assert!(!process_alive(child.id(), &main));
        }
        assert_eq!(window_of_recovery(&main), None);
        assert_eq!(window_of_recovery(&dir.path().join(".a.sorot.ron.x.recovery")), None);
    }
}
