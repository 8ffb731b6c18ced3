//! Crash safety, proven by killing the real binary: `sorot fixture` saves a
//! generated annotation file (the same atomic write as Save and autosave)
//! and is killed with SIGKILL at random moments of the write, 200 times for
//! the annotation file and 200 times for the recovery file. Every time, the
//! file on disk is the previous complete version or the new complete one,
//! and it loads.

#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Deterministic pseudo-random numbers (xorshift), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const SIZE: [&str; 6] = ["--mb", "2", "--spans", "2000", "--relations", "200"];

fn fixture(out: &Path, seed: u64, recovery: bool) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sorot"));
    c.arg("fixture").arg(out).args(SIZE).args(["--seed", &seed.to_string()]);
    if recovery {
        c.arg("--recovery");
    }
    c
}

/// Runs to completion; returns how long the write took (from "writing").
fn complete(out: &Path, seed: u64, recovery: bool) -> Duration {
    let mut child = fixture(out, seed, recovery).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let t = Instant::now();
    assert!(child.wait().unwrap().success());
    t.elapsed()
}

fn kill_trials(recovery: bool) {
    let dir = tempfile::tempdir().unwrap();
    let ann = dir.path().join("big.sorot.ron");
    let target: PathBuf = if recovery { sorot::io::recovery_path(&ann) } else { ann.clone() };
    // The two complete versions, and how long writing one takes.
    let mut write_time = Duration::ZERO;
    let mut versions = Vec::new();
    for seed in [1, 2] {
        write_time = write_time.max(complete(&ann, seed, recovery));
        versions.push(std::fs::read(&target).unwrap());
        let store = sorot::io::load_annotations(&target).expect("a complete version loads");
        assert_eq!(store.spans().len(), 2000);
    }
    assert_ne!(versions[0], versions[1]);
    let window = write_time.as_micros() as u64 * 13 / 10 + 1;
    let mut rng = Rng(0x05ee_d0f5_0707_u64);
    let (mut old, mut new, mut finished) = (0, 0, 0);
    for trial in 0..200 {
        let before = std::fs::read(&target).unwrap();
        let seed = if before == versions[0] { 2 } else { 1 };
        let mut child = fixture(&ann, seed, recovery).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("writing"), "{line}");
        std::thread::sleep(Duration::from_micros(rng.next() % window));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        }
        let after = std::fs::read(&target).unwrap();
        if after == before {
            old += 1;
        } else if after == versions[(seed - 1) as usize] {
            new += 1;
        } else {
            panic!("trial {trial}: the file is neither the previous nor the new version ({} bytes)", after.len());
        }
    }
    let leftovers = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".tmp")))
        .count();
    eprintln!(
        "{}: 200 SIGKILLs during a {:.0} ms write: {old} left the previous version, {new} the new one \
         ({finished} of them had finished); {leftovers} partial temporary files left beside it \
         (removed by the next save once a minute old)",
        if recovery { "recovery file" } else { "annotation file" },
        write_time.as_secs_f64() * 1000.0
    );
    assert!(old > 0 && new > 0, "the kills did not land on both sides of the rename: {old} old, {new} new");
    sorot::io::load_annotations(&target).expect("the final file loads");
}

#[test]
fn sigkill_during_save_leaves_the_old_or_the_new_file() {
    kill_trials(false);
}

#[test]
fn sigkill_during_autosave_leaves_the_old_or_the_new_recovery_file() {
    kill_trials(true);
}
