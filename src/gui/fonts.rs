//! System fonts: used as fallbacks for scripts the built-in fonts lack
//! (Hangul, CJK, Devanagari…), and only when the system can list them.
//!
//! On a machine where fontconfig finds no font at all (minimal containers,
//! some remote desktops), listing system fonts panics inside the font
//! library on egui's loader thread, and the window would stay black. Sorot
//! lists them once itself first, on a thread whose panic is caught, and
//! starts with its built-in fonts alone when that fails.

/// Whether the system's fonts can be listed (see the module docs). Quiet:
/// a failure prints nothing.
pub fn system_fonts_usable() -> bool {
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let listed = std::thread::Builder::new()
        .name("sorot-font-probe".into())
        .spawn(|| {
            let mut collection =
                fontique::Collection::new(fontique::CollectionOptions { shared: false, system_fonts: true });
            collection.family_names().count()
        })
        .ok()
        .and_then(|probe| probe.join().ok());
    std::panic::set_hook(quiet);
    listed.is_some_and(|families| families > 0)
}
