//! A machine without any system font (fontconfig finds none): Sorot must
//! start with its built-in fonts instead of panicking in egui's system font
//! provider. This test binary runs alone in its process, so the empty
//! fontconfig below is the only one it ever sees.

use std::sync::Arc;

use egui::FontFamily;
use egui::epaint::text::{FallbackRequest, FontProvider};

#[test]
fn without_system_fonts_the_window_uses_its_built_in_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("fonts.conf");
    std::fs::write(
        &conf,
        format!("<?xml version=\"1.0\"?>\n<fontconfig><cachedir>{}</cachedir></fontconfig>\n", dir.path().display()),
    )
    .unwrap();
    // SAFETY: set before any thread of this process reads the environment.
    unsafe {
        std::env::set_var("FONTCONFIG_FILE", &conf);
        std::env::set_var("FONTCONFIG_PATH", dir.path());
    }
    // Asked for a Hangul glyph, the guarded provider finds none, and says
    // the system fonts failed, instead of panicking (egui's own provider
    // panics here: "The Promise Sender was dropped").
    let fonts = Arc::new(sorot::gui::SystemFonts::default());
    let family = FontFamily::Proportional;
    assert!(fonts.font_for(&FallbackRequest { cluster: "한", family: &family }).is_none());
    assert!(fonts.failed(), "the loader failed on an empty fontconfig");
    // And the window draws Hangul text with the provider installed.
    let mut store = sorot::model::Store::new(
        sorot::model::Text::new("북한 dan Rusia.\n"),
        sorot::model::Schema::default_news(),
        Default::default(),
    );
    store.meta.id = "no-fonts".into();
    let mut h =
        egui_kittest::Harness::builder().with_size(egui::vec2(800.0, 500.0)).allow_missing_glyphs().build_ui_state(
            |ui: &mut egui::Ui, app: &mut sorot::gui::SorotApp| app.frame_ui(ui),
            sorot::gui::SorotApp::new(sorot::gui::Document::new(store, None)),
        );
    h.ctx.add_font_provider(fonts);
    h.run_steps(3);
}
