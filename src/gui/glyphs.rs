//! Characters no loaded font can show. Without a font for Hangul, Cyrillic
//! or flags, egui draws boxes ("tofu") and the analyst cannot tell a
//! missing font from a broken file. After a document opens, its distinct
//! characters are gathered on a worker, checked against the fonts (the
//! built-in ones and any system font found for them), and what is missing
//! is said once, in the status bar, with the fonts to install.

use std::collections::BTreeSet;

use crate::model::Text;

use super::{Job, Poll};

/// The script of a character, in words, and the fonts that show it.
pub fn font_advice(c: char) -> (&'static str, &'static str) {
    match c as u32 {
        0x1100..=0x11FF | 0x3130..=0x318F | 0xAC00..=0xD7AF => {
            ("Korean", "Noto Sans CJK KR (Debian/Ubuntu: fonts-noto-cjk)")
        }
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF => {
            ("Chinese/Japanese", "Noto Sans CJK (Debian/Ubuntu: fonts-noto-cjk)")
        }
        0x0400..=0x052F => ("Cyrillic", "DejaVu Sans or Noto Sans (fonts-dejavu-core, fonts-noto-core)"),
        0x0370..=0x03FF => ("Greek", "DejaVu Sans or Noto Sans (fonts-dejavu-core, fonts-noto-core)"),
        0x0590..=0x05FF => ("Hebrew", "Noto Sans Hebrew (fonts-noto-core)"),
        0x0600..=0x06FF | 0x0750..=0x077F => ("Arabic", "Noto Sans Arabic (fonts-noto-core)"),
        0x0900..=0x097F => ("Devanagari", "Noto Sans Devanagari (fonts-noto-core)"),
        0x0E00..=0x0E7F => ("Thai", "Noto Sans Thai (fonts-noto-core)"),
        0x1F1E6..=0x1F1FF | 0x1F300..=0x1FAFF | 0x2600..=0x27BF => {
            ("emoji and flags", "Noto Color Emoji (Debian/Ubuntu: fonts-noto-color-emoji)")
        }
        _ => ("other", "Noto Sans (fonts-noto-core)"),
    }
}

/// Characters that are drawn as nothing (spaces, joiners, variation
/// selectors, skin-tone modifiers within emoji, controls): never "missing".
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x2028..=0x202F | 0x2060..=0x206F | 0xFE00..=0xFE0F | 0xFEFF
            | 0x1F3FB..=0x1F3FF | 0xE0000..=0xE007F)
}

/// The distinct visible characters of a text beyond ASCII (the built-in
/// fonts cover ASCII).
pub fn distinct_chars(text: &str) -> Vec<char> {
    let mut seen = BTreeSet::new();
    for c in text.chars() {
        if !c.is_ascii() && !invisible(c) {
            seen.insert(c);
        }
    }
    seen.into_iter().collect()
}

/// What the status bar says about missing glyphs.
#[derive(Clone, Debug, PartialEq)]
pub struct Missing {
    /// Up to a few of the characters as code points (`U+D55C`): the
    /// characters themselves would be drawn as the same boxes.
    pub sample: String,
    pub count: usize,
    /// (script, fonts to install), one per script.
    pub scripts: Vec<(&'static str, &'static str)>,
}

impl Missing {
    pub fn of(chars: &[char]) -> Option<Self> {
        if chars.is_empty() {
            return None;
        }
        let mut scripts: Vec<(&'static str, &'static str)> = Vec::new();
        for c in chars {
            let a = font_advice(*c);
            if !scripts.contains(&a) {
                scripts.push(a);
            }
        }
        let mut sample: Vec<String> = chars.iter().take(4).map(|c| format!("U+{:04X}", *c as u32)).collect();
        if chars.len() > 4 {
            sample.push("…".into());
        }
        Some(Missing { sample: sample.join(" "), count: chars.len(), scripts })
    }

    /// One line for the status bar.
    pub fn line(&self) -> String {
        let names: Vec<&str> = self.scripts.iter().map(|(s, _)| *s).collect();
        format!(
            "Note: {} character{} of this text have no font here ({}: {}); they show as boxes",
            self.count,
            if self.count == 1 { "" } else { "s" },
            names.join(", "),
            self.sample
        )
    }

    /// What to install, for the hover text.
    pub fn advice(&self) -> String {
        let mut s = String::from("Install a font for them, then restart Sorot:\n");
        for (script, fonts) in &self.scripts {
            s.push_str(&format!("• {script}: {fonts}\n"));
        }
        s.push_str("The text and its offsets are not affected: only how it is drawn.");
        s
    }
}

/// The check of the open document.
#[derive(Default)]
pub struct GlyphCheck {
    job: Option<Job<Vec<char>>>,
    /// Characters already said to be missing (said once per session).
    said: BTreeSet<char>,
    pub missing: Option<Missing>,
}

impl GlyphCheck {
    /// Starts gathering the characters of a text just opened.
    pub fn start(&mut self, text: &Text) {
        self.missing = None;
        let text = text.clone();
        self.job = Some(Job::spawn(move |_| distinct_chars(text.as_str())));
    }

    /// Once the characters are in: checks them against the fonts.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.job else { return };
        let chars = match job.poll() {
            Poll::Running | Poll::Update(()) => return,
            Poll::Done(chars) => chars,
            Poll::Lost => Vec::new(),
        };
        self.job = None;
        let font = egui::FontId::proportional(14.0);
        let missing: Vec<char> = chars
            .into_iter()
            .filter(|c| !self.said.contains(c))
            .filter(|c| !ctx.fonts_mut(|f| f.has_glyph(&font, *c)))
            .collect();
        self.said.extend(missing.iter().copied());
        if let Some(m) = Missing::of(&missing) {
            self.missing = Some(m);
        }
    }

    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_are_named_with_their_fonts() {
        assert_eq!(font_advice('한').0, "Korean");
        assert_eq!(font_advice('Д').0, "Cyrillic");
        assert_eq!(font_advice('🇮').0, "emoji and flags");
        let chars = distinct_chars("Rusia 한국 한 \u{200d}\u{fe0f} 👍🏽 e\u{301}");
        assert_eq!(chars, vec!['\u{301}', '국', '한', '👍']);
        let m = Missing::of(&['한', '국', 'Д']).expect("missing");
        assert_eq!(
            m.line(),
            "Note: 3 characters of this text have no font here (Korean, Cyrillic: U+D55C U+AD6D U+0414); they show as boxes"
        );
        assert!(m.advice().contains("fonts-noto-cjk"));
        assert_eq!(Missing::of(&[]), None);
    }
}
