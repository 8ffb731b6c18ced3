//! System fonts as fallbacks for scripts the built-in fonts lack (Hangul,
//! CJK, Devanagari…), through egui's system font provider — guarded.
//!
//! On a machine where fontconfig finds no font at all (minimal containers,
//! some remote desktops), the font library panics on the provider's loader
//! thread, and the next glyph lookup panics on the window's thread: the
//! window stayed black. [`SystemFonts`] wraps the provider: a panic in it
//! is caught, said nowhere, and from then on the built-in fonts are used
//! alone. Nothing is listed at start-up beyond what egui itself does.

use std::sync::atomic::{AtomicBool, Ordering};

use egui::FontFamily;
use egui::epaint::text::{FallbackRequest, FontInsert, FontProvider};
use egui_system_font_provider::SystemFontProvider;

/// egui's system font provider, with its failures turned into "no font".
pub struct SystemFonts {
    inner: SystemFontProvider,
    failed: AtomicBool,
}

impl Default for SystemFonts {
    fn default() -> Self {
        crate::guard::quiet_threads();
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
        crate::guard::quietly(|| ask(&self.inner)).map_err(|_| self.failed.store(true, Ordering::Relaxed)).ok()
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
