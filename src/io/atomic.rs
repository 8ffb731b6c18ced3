//! Atomic file writes: a temporary file in the same folder, fsync, rename,
//! fsync of the folder. A reader (or a crash) sees either the old complete
//! file or the new complete file, never a truncated one.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write(path, bytes, true)
}

/// Writes `bytes` to a new file at `path` atomically; if a file appears
/// there first, it is left as it is and this fails (never replaces).
pub fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write(path, bytes, false)
}

fn write(path: &Path, bytes: &[u8], replace: bool) -> anyhow::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit(replace)
}

/// A file being written atomically, a piece at a time: its bytes go to a
/// temporary file in the target's folder, and only [`AtomicFile::commit`]
/// puts it in place. Dropped without a commit, it leaves nothing behind.
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
    prefix: String,
}

impl AtomicFile {
    /// Starts writing `path` (nothing is at `path` until the commit).
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let prefix = format!(".{name}.");
        let dir = folder_of(path);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // Keep the permissions of the file being replaced; a new file gets the
        // usual rw-r--r-- (the temporary file alone would be rw-------).
        let existing = std::fs::metadata(path).ok().map(|m| m.permissions());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(existing.clone().unwrap_or_else(|| std::fs::Permissions::from_mode(0o644)));
        }
        let tmp = builder
            .tempfile_in(dir)
            .with_context(|| format!("{}: cannot create a temporary file in {}", path.display(), dir.display()))?;
        #[cfg(not(unix))]
        if let Some(p) = existing {
            let _ = std::fs::set_permissions(tmp.path(), p);
        }
        Ok(AtomicFile { tmp, path: path.to_path_buf(), prefix })
    }

    /// Appends `bytes`.
    pub fn write_all(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.tmp.write_all(bytes).with_context(|| format!("{}: cannot write", self.path.display()))
    }

    /// Flushes the file to disk and puts it at its path, replacing what is
    /// there when `replace`, else failing if a file appeared there.
    pub fn commit(self, replace: bool) -> anyhow::Result<()> {
        let AtomicFile { tmp, path, prefix } = self;
        tmp.as_file().sync_all().with_context(|| format!("{}: cannot flush to disk", path.display()))?;
        if replace {
            tmp.persist(&path)
                .map_err(|e| e.error)
                .with_context(|| format!("{}: cannot replace the file", path.display()))?;
        } else {
            tmp.persist_noclobber(&path)
                .map_err(|e| e.error)
                .with_context(|| format!("{}: cannot create the file (is one there already?)", path.display()))?;
        }
        let dir = folder_of(&path);
        // Make the rename itself durable.
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        remove_stale_temporaries(dir, &prefix);
        Ok(())
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Partial temporary files that a crash left beside the file (older than a
/// minute, so another process's write in progress is left alone).
fn remove_stale_temporaries(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(60));
        if name.starts_with(prefix) && name.ends_with(".tmp") && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_never_replaces_one_that_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        write_new(&path, b"first").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let e = write_new(&path, b"second").unwrap_err();
        assert!(format!("{e:#}").contains("cannot create the file"), "{e:#}");
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left");
    }

    #[test]
    fn replaces_content_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sorot.ron");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.sorot.ron")]);
    }

    #[test]
    fn stale_temporaries_of_a_crashed_write_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sorot.ron");
        let stale = dir.path().join(".a.sorot.ron.x1y2z3.tmp");
        let fresh = dir.path().join(".a.sorot.ron.q9w8e7.tmp");
        let other = dir.path().join(".b.sorot.ron.x1y2z3.tmp");
        for p in [&stale, &fresh, &other] {
            std::fs::write(p, b"partial").unwrap();
        }
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for p in [&stale, &other] {
            std::fs::File::options().write(true).open(p).unwrap().set_modified(hour_ago).unwrap();
        }
        write_atomic(&path, b"done").unwrap();
        assert!(!stale.exists(), "an hour-old partial write of this file is removed");
        assert!(fresh.exists(), "a write that may be in progress is left alone");
        assert!(other.exists(), "another file's temporaries are not touched");
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_readable_by_others_and_replaced_files_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let new = dir.path().join("new.jsonl");
        write_atomic(&new, b"x").unwrap();
        assert_eq!(mode(&new), 0o644);
        let private = dir.path().join("private.sorot.ron");
        std::fs::write(&private, b"old").unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&private, b"new").unwrap();
        assert_eq!(mode(&private), 0o600);
    }

    #[test]
    fn missing_folder_is_an_error_not_a_panic() {
        let err = write_atomic(Path::new("/nonexistent-sorot-dir/x.ron"), b"x").unwrap_err();
        assert!(format!("{err:#}").contains("/nonexistent-sorot-dir/x.ron"), "{err:#}");
    }
}
