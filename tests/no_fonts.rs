//! A machine without any system font (fontconfig finds none): Sorot must
//! start with its built-in fonts instead of panicking on the font loader
//! thread. This test binary runs alone in its process, so the empty
//! fontconfig below is the only one it ever sees.

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
    assert!(!sorot::gui::system_fonts_usable(), "no font is listed, so system fallback must be off");
    // And the window draws a frame with the built-in fonts alone.
    let mut h =
        egui_kittest::Harness::builder().with_size(egui::vec2(800.0, 500.0)).allow_missing_glyphs().build_ui_state(
            |ui: &mut egui::Ui, app: &mut sorot::gui::SorotApp| app.frame_ui(ui),
            sorot::gui::SorotApp::new(sorot::gui::Document::new(
                sorot::model::Store::new(
                    sorot::model::Text::new("Rusia dan Korut.\n"),
                    sorot::model::Schema::default_news(),
                    Default::default(),
                ),
                None,
            )),
        );
    h.run_steps(3);
}
