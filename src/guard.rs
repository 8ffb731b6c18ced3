//! Panics of third-party code that reads untrusted input (PDF and HTML
//! extractors, the system font loader) are caught where they are called
//! and reported to the analyst as errors. [`quietly`] keeps them off the
//! terminal too; every other panic is reported as before.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// Threads whose panics are all expected and handled (egui's system font
/// loader, whose failure means "no system fonts").
const QUIET_THREADS: &[&str] = &["egui_system_font_provider"];

thread_local! {
    /// Set while this thread runs guarded code.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let quiet_thread = std::thread::current().name().is_some_and(|n| QUIET_THREADS.contains(&n));
            if !quiet_thread && !GUARDED.with(Cell::get) {
                report(info);
            }
        }));
    });
}

/// Installs the hook that keeps the quiet threads' panics off the
/// terminal (call before starting such a thread).
pub fn quiet_threads() {
    install_hook();
}

/// Runs `f`, catching a panic (`Err`) without printing it.
pub fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    install_hook();
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_panic_becomes_an_error() {
        assert!(super::quietly(|| panic!("bad input")).is_err());
        assert_eq!(super::quietly(|| 7).ok(), Some(7));
    }
}
