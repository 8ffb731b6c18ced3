//! Preferences kept between runs, and the theme.

use super::*;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThemePref {
    #[default]
    System,
    Light,
    Dark,
}

/// Preferences kept between runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub theme: ThemePref,
    pub font_size: f32,
    pub recent: Vec<PathBuf>,
    /// Seconds between autosaves of unsaved work.
    pub autosave_secs: u64,
    /// Recorded as the author of every annotation.
    pub annotator: String,
    /// In a folder, annotate into `article.<annotator>.sorot.ron` (one file
    /// per analyst) instead of the shared `article.sorot.ron`.
    pub per_annotator_files: bool,
    /// The side panels' widths as the analyst wants them (not as a narrow
    /// window squeezed them), by panel: they come back at the next start
    /// (egui's own memory kept a squeezed width, and a newcomer's panels
    /// stayed narrow in a wide window after a restart).
    pub panel_widths: std::collections::BTreeMap<String, f32>,
    /// The last export's choices, offered again by File → Export… (the
    /// next run too).
    pub export: Option<ExportChoices>,
}

/// What File → Export… was last set to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportChoices {
    /// The format's name (`jsonl`, `csv`, …).
    pub format: String,
    pub utf16: bool,
    pub labels: String,
    /// The whole folder rather than the open document.
    pub folder: bool,
}

impl Default for Prefs {
    fn default() -> Self {
        Self {
            theme: ThemePref::System,
            font_size: 17.0,
            recent: Vec::new(),
            autosave_secs: 30,
            annotator: std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "analyst".into()),
            per_annotator_files: false,
            panel_widths: std::collections::BTreeMap::new(),
            export: None,
        }
    }
}

pub(super) const PREFS_KEY: &str = "sorot-prefs";

pub(super) fn apply_theme(ctx: &egui::Context, t: ThemePref) {
    ctx.set_theme(match t {
        ThemePref::System => egui::ThemePreference::System,
        ThemePref::Light => egui::ThemePreference::Light,
        ThemePref::Dark => egui::ThemePreference::Dark,
    });
}
