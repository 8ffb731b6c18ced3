//! Background work for the window: one small [`Job`] type for every worker
//! thread (opening, saving, autosave, the system file dialog, exports and
//! imports, folder scans, the relationships view, loading a compare). The
//! window never waits for a disk or a parser: it polls each job once a
//! frame. A worker that panics is reported as [`Poll::Lost`], never as a
//! hang or a crash of the window.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::Instant;

enum Msg<T, U> {
    Update(U),
    Done(T),
}

/// `(done, total)` units of a job's work, readable while it runs.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    total: AtomicUsize,
}

/// What a worker uses to report: progress, and updates along the way (a
/// preview of what it is reading).
pub struct Reporter<T, U> {
    tx: Sender<Msg<T, U>>,
    progress: Arc<Progress>,
}

impl<T, U> Reporter<T, U> {
    pub fn progress(&self, done: usize, total: usize) {
        self.progress.total.store(total, Ordering::Relaxed);
        self.progress.done.store(done, Ordering::Relaxed);
    }

    pub fn update(&self, update: U) {
        let _ = self.tx.send(Msg::Update(update));
    }
}

/// What polling a job found.
pub enum Poll<T, U> {
    Running,
    Update(U),
    Done(T),
    /// The worker stopped without a result (it panicked).
    Lost,
}

/// Work running on a worker thread, giving a `T` (and updates `U`).
pub struct Job<T, U = ()> {
    rx: Receiver<Msg<T, U>>,
    progress: Arc<Progress>,
    started: Instant,
    handle: Option<JoinHandle<()>>,
}

impl<T: Send + 'static, U: Send + 'static> Job<T, U> {
    /// Starts `work` on a new thread.
    pub fn spawn(work: impl FnOnce(&Reporter<T, U>) -> T + Send + 'static) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let progress = Arc::new(Progress::default());
        let reporter = Reporter { tx, progress: progress.clone() };
        let handle = std::thread::spawn(move || {
            let result = work(&reporter);
            let _ = reporter.tx.send(Msg::Done(result));
        });
        Self { rx, progress, started: Instant::now(), handle: Some(handle) }
    }

    /// What happened since the last poll, without waiting.
    pub fn poll(&mut self) -> Poll<T, U> {
        match self.rx.try_recv() {
            Ok(Msg::Update(u)) => Poll::Update(u),
            Ok(Msg::Done(t)) => {
                // Not joined: the worker may still be freeing what it held
                // (a snapshot of a large document, a long list), which must
                // not hold up the window. It ends by itself.
                self.handle = None;
                Poll::Done(t)
            }
            Err(TryRecvError::Empty) => Poll::Running,
            Err(TryRecvError::Disconnected) => {
                self.join();
                Poll::Lost
            }
        }
    }

    /// Waits for the result (updates are dropped); `None` if the worker
    /// stopped without one.
    pub fn wait(mut self) -> Option<T> {
        loop {
            match self.rx.recv() {
                Ok(Msg::Update(_)) => {}
                Ok(Msg::Done(t)) => {
                    self.join();
                    return Some(t);
                }
                Err(_) => {
                    self.join();
                    return None;
                }
            }
        }
    }

    /// Whether the worker has finished (its result may still be unread).
    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// `(done, total)`; total 0 while unknown.
    pub fn progress(&self) -> (usize, usize) {
        (self.progress.done.load(Ordering::Relaxed), self.progress.total.load(Ordering::Relaxed))
    }

    pub fn elapsed(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    fn join(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn until_done<T: Send + 'static, U: Send + 'static>(job: &mut Job<T, U>) -> (Vec<U>, Option<T>) {
        let mut updates = Vec::new();
        loop {
            match job.poll() {
                Poll::Running => std::thread::sleep(std::time::Duration::from_millis(1)),
                Poll::Update(u) => updates.push(u),
                Poll::Done(t) => return (updates, Some(t)),
                Poll::Lost => return (updates, None),
            }
        }
    }

    #[test]
    fn a_job_reports_updates_progress_and_its_result() {
        let mut job: Job<usize, &str> = Job::spawn(|r| {
            r.update("preview");
            r.progress(3, 4);
            42
        });
        let (updates, result) = until_done(&mut job);
        assert_eq!(updates, ["preview"]);
        assert_eq!(result, Some(42));
        assert_eq!(job.progress(), (3, 4));
        assert!(job.is_finished());
    }

    #[test]
    fn a_panicking_worker_is_lost_not_a_hang() {
        let mut job: Job<usize> = Job::spawn(|_| {
            let v: Vec<usize> = Vec::new();
            v[1]
        });
        assert!(until_done(&mut job).1.is_none());
        let job: Job<usize> = Job::spawn(|_| panic!("worker"));
        assert_eq!(job.wait(), None);
        assert_eq!(Job::<u8>::spawn(|_| 7).wait(), Some(7));
    }
}
