//! Where an export's files go: kept in memory (tests, previews), or
//! streamed to disk, each file to a temporary file beside its target that
//! is put in place only when the whole export has been written. A file
//! holds at most [`SPILL`] bytes in memory before they go to its temporary
//! file, so writing an export needs about a megabyte per open file, however
//! large the export.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Format, is_plain};
use crate::io::atomic::AtomicFile;

/// Bytes a file gathers before they are written to its temporary file.
pub const SPILL: usize = 1 << 20;

/// One file of an export being written. Formats push text into it as into
/// a `String` (or write to it as an `io::Write`/`fmt::Write`), then hand
/// it back with [`Files::close`].
pub struct Out {
    name: String,
    buf: Vec<u8>,
    sink: Sink,
    error: Option<anyhow::Error>,
    spill_at: usize,
}

enum Sink {
    /// Everything stays in `buf` (an export kept in memory).
    Memory,
    /// `buf` goes to this file whenever it holds [`SPILL`] bytes.
    File(AtomicFile, PathBuf),
    /// Nothing will be written (the export has already failed, or stops
    /// at an existing file): bytes are dropped.
    Nowhere,
}

impl Out {
    #[inline]
    pub fn push_str(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
        if self.buf.len() >= self.spill_at {
            self.spill();
        }
    }

    #[inline]
    pub fn push(&mut self, c: char) {
        if c.is_ascii() {
            self.buf.push(c as u8);
            if self.buf.len() >= self.spill_at {
                self.spill();
            }
        } else {
            self.push_str(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// A number in decimal (without the formatting machinery of `write!`,
    /// which costs more than the digits in a file of short lines).
    pub fn push_int(&mut self, n: impl itoa::Integer) {
        self.push_str(itoa::Buffer::new().format(n));
    }

    /// Room for `n` more bytes, when the file is kept in memory (a file
    /// streamed to disk never holds more than [`SPILL`]).
    pub fn reserve(&mut self, n: usize) {
        if matches!(self.sink, Sink::Memory) {
            self.buf.reserve(n);
        }
    }

    #[cold]
    fn spill(&mut self) {
        match &mut self.sink {
            Sink::Memory => {}
            Sink::File(file, _) => {
                if self.error.is_none()
                    && let Err(e) = file.write_all(&self.buf)
                {
                    self.error = Some(e);
                }
                self.buf.clear();
            }
            Sink::Nowhere => self.buf.clear(),
        }
    }
}

impl std::io::Write for Out {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= self.spill_at {
            self.spill();
        }
        Ok(bytes.len())
    }

    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write(bytes).map(|_| ())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Write for Out {
    #[inline]
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// Why an export was not written. In either case nothing was: no file,
/// no temporary file and no folder it made is left.
#[derive(Debug)]
pub enum WriteError {
    /// Files that are there already (writing would replace them), when
    /// replacing was not asked for.
    Exists(Vec<PathBuf>),
    Failed(anyhow::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Exists(there) => {
                let shown: Vec<String> = there.iter().take(5).map(|p| p.display().to_string()).collect();
                let more = if there.len() > 5 { format!(" and {} more", there.len() - 5) } else { String::new() };
                let (s, verb) = if there.len() == 1 { ("", "exists") } else { ("s", "exist") };
                write!(f, "{} file{s} already {verb} ({}{more}); nothing was written", there.len(), shown.join(", "))
            }
            WriteError::Failed(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for WriteError {}

/// The files of one export, as the format makes them.
pub struct Files {
    dest: Dest,
    kept: Vec<(String, String)>,
    /// Names handed out, lowercased (`a` and `A` are one file on Windows
    /// and macOS).
    seen: HashSet<String>,
    existing: Vec<PathBuf>,
    error: Option<anyhow::Error>,
    done: Vec<(AtomicFile, PathBuf)>,
    /// Folders this export made, to remove again if it fails.
    made: Vec<PathBuf>,
    spill_at: usize,
}

enum Dest {
    Memory,
    Disk { out: PathBuf, folder: bool, replace: bool },
}

impl Files {
    /// An export kept in memory.
    pub fn in_memory() -> Self {
        Self::new(Dest::Memory)
    }

    /// An export written to `out`: into the folder `out` for folder
    /// formats, as the file `out` otherwise. Unless `replace`, any file
    /// there already stops the export (all of them are listed).
    pub fn to_disk(format: Format, out: &Path, replace: bool) -> Self {
        Self::new(Dest::Disk { out: out.to_path_buf(), folder: format.is_folder(), replace })
    }

    fn new(dest: Dest) -> Self {
        Files {
            dest,
            kept: Vec::new(),
            seen: HashSet::new(),
            existing: Vec::new(),
            error: None,
            done: Vec::new(),
            made: Vec::new(),
            spill_at: SPILL,
        }
    }

    /// Spills every `bytes` instead of every [`SPILL`] (tests: many
    /// spills from a small export).
    #[doc(hidden)]
    pub fn spilling_every(mut self, bytes: usize) -> Self {
        self.spill_at = bytes.max(1);
        self
    }

    /// Starts the file `name` (relative to the export's folder). A name
    /// that would leave the folder, or that another file of this export
    /// has, fails the export; so does a file that cannot be created.
    pub fn create(&mut self, name: &str) -> Out {
        let sink = self.sink(name);
        // A file kept in memory never spills: no check past every megabyte.
        let spill_at = if matches!(sink, Sink::Memory) { usize::MAX } else { self.spill_at };
        Out { name: name.to_owned(), buf: Vec::new(), sink, error: None, spill_at }
    }

    fn sink(&mut self, name: &str) -> Sink {
        if !is_plain(name) {
            self.fail(anyhow::anyhow!("{name}: not a plain file name; nothing was written"));
        } else if !self.seen.insert(name.to_lowercase()) {
            self.fail(anyhow::anyhow!(
                "{name}: two documents of this export would be written to this one file; nothing was written"
            ));
        }
        let Dest::Disk { out, folder, replace } = &self.dest else { return Sink::Memory };
        if self.error.is_some() {
            return Sink::Nowhere;
        }
        let path = if *folder { out.join(name) } else { out.clone() };
        if !*replace && path.exists() {
            self.existing.push(path.clone());
        }
        if !self.existing.is_empty() {
            // Going on only to list every file in the way.
            return Sink::Nowhere;
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let new: Vec<PathBuf> = dir.ancestors().take_while(|d| !d.exists()).map(Path::to_path_buf).collect();
            if let Err(e) = std::fs::create_dir_all(dir) {
                self.fail(anyhow::anyhow!("{}: cannot create the folder: {e}", dir.display()));
                return Sink::Nowhere;
            }
            // Deepest last, so they are removed deepest first.
            self.made.extend(new.into_iter().rev());
        }
        match AtomicFile::create(&path) {
            Ok(file) => Sink::File(file, path),
            Err(e) => {
                self.fail(e);
                Sink::Nowhere
            }
        }
    }

    pub(super) fn fail(&mut self, e: anyhow::Error) {
        self.error.get_or_insert(e);
    }

    /// Ends a file started with [`Files::create`].
    pub fn close(&mut self, mut out: Out) {
        match std::mem::replace(&mut out.sink, Sink::Nowhere) {
            Sink::Memory => {
                let text =
                    String::from_utf8(out.buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                self.kept.push((out.name, text));
            }
            Sink::File(mut file, path) => {
                if out.error.is_none()
                    && let Err(e) = file.write_all(&out.buf)
                {
                    out.error = Some(e);
                }
                match out.error {
                    Some(e) => self.fail(e),
                    None => self.done.push((file, path)),
                }
            }
            Sink::Nowhere => {}
        }
    }

    /// Closes `name` with `text` as its whole contents.
    pub fn whole(&mut self, name: &str, text: &str) {
        let mut out = self.create(name);
        out.push_str(text);
        self.close(out);
    }

    /// The files kept in memory (an export made with [`Files::in_memory`]).
    pub fn into_kept(self) -> Vec<(String, String)> {
        self.kept
    }

    /// Puts every file in place, or, if anything failed or was in the way,
    /// removes what this export made and says why. Returns the paths
    /// written.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, WriteError> {
        let replace = matches!(self.dest, Dest::Disk { replace: true, .. });
        let failure = match (self.error.take(), self.existing.is_empty()) {
            (Some(e), _) => Some(WriteError::Failed(e)),
            (None, false) => Some(WriteError::Exists(std::mem::take(&mut self.existing))),
            (None, true) => None,
        };
        if let Some(failure) = failure {
            // Dropping the temporary files deletes them; then the folders
            // made for them are empty again.
            self.done.clear();
            for dir in self.made.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
            return Err(failure);
        }
        let mut paths = Vec::with_capacity(self.done.len());
        for (file, path) in self.done {
            // Every file was complete: only putting one in place can fail
            // here (a file appeared under its name, a disk error). Those
            // before it are in place, and the message says so.
            if let Err(e) = file.commit(replace) {
                let n = paths.len();
                let before = if n == 0 {
                    "nothing was written".to_owned()
                } else {
                    format!(
                        "the {n} file{} before it {} written",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "was" } else { "were" }
                    )
                };
                return Err(WriteError::Failed(e.context(format!("the export stopped there; {before}"))));
            }
            paths.push(path);
        }
        Ok(paths)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = walk(dir);
        v.sort();
        v
    }

    fn walk(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            out.push(p.strip_prefix(dir).map(|r| r.display().to_string()).unwrap_or_default());
            if p.is_dir() {
                out.extend(walk(&p).into_iter().map(|n| format!("{}/{n}", e.file_name().to_string_lossy())));
            }
        }
        out
    }

    /// A file far larger than the spill size is written whole, and while it
    /// is written its bytes are in its temporary file, not in memory.
    #[test]
    fn a_large_file_streams_to_disk_and_lands_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Files::to_disk(Format::Brat, dir.path(), false);
        let mut out = files.create("news/a.txt");
        let line = "Rusia memasok senjata ke Korut — “kata” 한국어 👍🏽\n";
        let n = 3 * SPILL / line.len() + 7;
        for _ in 0..n {
            out.push_str(line);
            assert!(out.buf.len() < SPILL, "held {} bytes", out.buf.len());
        }
        files.close(out);
        assert!(!dir.path().join("news/a.txt").exists(), "nothing in place before the commit");
        let written = files.commit().unwrap();
        assert_eq!(written, [dir.path().join("news/a.txt")]);
        assert_eq!(std::fs::read_to_string(&written[0]).unwrap(), line.repeat(n));
        assert_eq!(names(dir.path()), ["news", "news/a.txt"], "no temporary file left");
    }

    /// Every file in the way is listed, and nothing is written: no file, no
    /// temporary file, no folder.
    #[test]
    fn files_in_the_way_are_all_listed_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.ann"), "mine").unwrap();
        std::fs::write(dir.path().join("c.ann"), "mine too").unwrap();
        let mut files = Files::to_disk(Format::Brat, dir.path(), false);
        for name in ["sub/a.txt", "b.ann", "c.ann", "d.ann"] {
            let mut out = files.create(name);
            out.push_str(&"x".repeat(SPILL + 1));
            files.close(out);
        }
        let e = files.commit().unwrap_err();
        match &e {
            WriteError::Exists(there) => assert_eq!(there, &[dir.path().join("b.ann"), dir.path().join("c.ann")]),
            WriteError::Failed(e) => panic!("{e:#}"),
        }
        assert!(e.to_string().starts_with("2 files already exist ("), "{e}");
        assert_eq!(names(dir.path()), ["b.ann", "c.ann"]);
        assert_eq!(std::fs::read_to_string(dir.path().join("b.ann")).unwrap(), "mine");
    }

    /// A name that would leave the folder or that another file has fails
    /// the whole export, also after other files were streamed; replacing
    /// replaces.
    #[test]
    fn a_bad_name_after_good_files_leaves_nothing_and_replace_replaces() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x.ann", "DEEP/ER/A.txt"] {
            let mut files = Files::to_disk(Format::Brat, dir.path(), true);
            for name in ["deep/er/a.txt", bad] {
                let mut out = files.create(name);
                out.push_str(&"y".repeat(2 * SPILL));
                files.close(out);
            }
            let e = files.commit().unwrap_err().to_string();
            assert!(e.contains("nothing was written"), "{e}");
            assert!(names(dir.path()).is_empty(), "{bad}: {:?}", names(dir.path()));
        }
        std::fs::write(dir.path().join("one.jsonl"), "old").unwrap();
        let mut files = Files::to_disk(Format::Jsonl, &dir.path().join("one.jsonl"), true);
        files.whole("export.jsonl", "new\n");
        files.commit().unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("one.jsonl")).unwrap(), "new\n");
    }

    /// A file that appears under a target's name while the export is
    /// written is not replaced (unless replacing was asked for), and the
    /// error says which files before it were put in place.
    #[test]
    fn a_file_appearing_meanwhile_is_kept_and_the_error_says_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Files::to_disk(Format::Brat, dir.path(), false);
        for name in ["a.txt", "a.ann"] {
            let mut out = files.create(name);
            out.push_str("Rusia\n");
            files.close(out);
        }
        std::fs::write(dir.path().join("a.ann"), "someone else's\n").unwrap();
        let e = files.commit().unwrap_err().to_string();
        assert!(e.contains("the 1 file before it was written"), "{e}");
        assert_eq!(std::fs::read_to_string(dir.path().join("a.ann")).unwrap(), "someone else's\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("a.txt")).unwrap(), "Rusia\n");
        assert_eq!(names(dir.path()), ["a.ann", "a.txt"], "no temporary file left");
    }

    #[test]
    fn in_memory_files_keep_their_text_and_order() {
        let mut files = Files::in_memory();
        let mut a = files.create("a.csv");
        let mut b = files.create("b.csv");
        for _ in 0..3 {
            a.push_str(&"a".repeat(SPILL / 2));
            b.push('é');
        }
        files.close(b);
        files.close(a);
        let kept = files.into_kept();
        assert_eq!(kept[0], ("b.csv".to_string(), "ééé".to_string()));
        assert_eq!(kept[1].1.len(), 3 * (SPILL / 2));
    }
}
