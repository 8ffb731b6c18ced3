//! System fonts as fallbacks for scripts the built-in fonts lack (Hangul,
//! CJK, Devanagari…), through egui's system font provider — guarded.
//!
//! On a machine where fontconfig finds no font at all (minimal containers,
//! some remote desktops), the font library panics on the provider's loader
//! thread, and the next glyph lookup panics on the window's thread: the
//! window stayed black. [`SystemFonts`] wraps the provider: a panic in it
//! is caught, said nowhere, and from then on the built-in fonts are used
//! alone. Nothing is listed at start-up beyond what egui itself does.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::FontFamily;
use egui::epaint::text::{FallbackRequest, FontInsert, FontProvider};
use egui_system_font_provider::SystemFontProvider;

/// The name of egui's font loader thread, whose panics are expected here.
const LOADER_THREAD: &str = "egui_system_font_provider";

thread_local! {
    /// Set while this thread is inside the provider (its panics are caught).
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Keeps the expected panics (the loader thread's, and the provider's on a
/// guarded call) off the terminal; every other panic is reported as before.
fn quiet_provider_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let loader = std::thread::current().name() == Some(LOADER_THREAD);
            if !loader && !GUARDED.with(Cell::get) {
                report(info);
            }
        }));
    });
}

/// egui's system font provider, with its failures turned into "no font".
pub struct SystemFonts {
    inner: SystemFontProvider,
    failed: AtomicBool,
}

impl Default for SystemFonts {
    fn default() -> Self {
        quiet_provider_panics();
        Self { inner: SystemFontProvider::new(), failed: AtomicBool::new(false) }
    }
}

impl SystemFonts {
    /// Whether the system fonts failed to load (the built-in fonts are used alone).
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    fn guard<T>(&self, ask: impl FnOnce(&SystemFontProvider) -> T) -> Option<T> {
        if self.failed() {
            return None;
        }
        GUARDED.with(|g| g.set(true));
        let answer = catch_unwind(AssertUnwindSafe(|| ask(&self.inner)));
        GUARDED.with(|g| g.set(false));
        answer.map_err(|_| self.failed.store(true, Ordering::Relaxed)).ok()
    }
}

impl FontProvider for SystemFonts {
    fn fonts_for_family(&self, family: &FontFamily) -> Vec<FontInsert> {
        self.guard(|p| p.fonts_for_family(family)).unwrap_or_default()
    }

    fn font_for(&self, request: &FallbackRequest<'_>) -> Option<FontInsert> {
        self.guard(|p| p.font_for(request)).flatten()
    }
}
