//! Web pages: the article's text (main-content extraction, then
//! [`rules`]) or the whole page's, with the page's own metadata. Nothing
//! is fetched; pages are read from disk.
//!
//! The engine is behind [`page_text`]: the rest of Sorot sees only the
//! text and an [`Origin`] that records how it was made, so a document
//! can always say which extractor wrote its offsets.

pub mod fetch;
mod prepare;
pub mod rules;
mod whole;

pub use whole::{MAX_HTML_DEPTH, nesting_depth, whole_page_text};

use crate::model::{Origin, PageInfo, TextMode};

/// The main-content extractor, with the version in `Cargo.lock` (a test
/// keeps the two in step).
pub const ENGINE: &str = "trafilatura 0.6.0";

/// The name recorded for whole-page text.
pub const WHOLE_PAGE: &str = "Sorot whole page 1";

/// A page's text and how it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageText {
    pub text: String,
    pub origin: Origin,
    /// Said to the analyst when the text is not what was asked for (no
    /// article found: the whole page instead).
    pub note: Option<String>,
}

/// The text of `html` (decoded, newlines normalised) in `mode`. In
/// article mode, a page where no article is found, or where the extractor
/// fails, gives the whole page with a note; nothing panics out of here.
pub fn page_text(html: &str, mode: TextMode) -> PageText {
    let extracted = crate::guard::quietly(|| {
        let prepared = prepare::prepare(html, rules::Rules::bundled());
        // The readability and jusText fallbacks when the main pass finds
        // little, and the extractor's precision focus: both measured
        // better on the benchmark (README, Web pages).
        let options = trafilatura::Options::default()
            .with_fallback(true)
            .with_focus(trafilatura::ExtractionFocus::FavorPrecision);
        trafilatura::extract(&prepared.html, &options).map(|r| (r, prepared.regions))
    });
    let (article, page, failure) = match extracted {
        Ok(Ok((r, regions))) => {
            (Some(article_lines(&whole::block_text(&r.content_html, false), &regions)), page_info(&r.metadata), None)
        }
        Ok(Err(e)) => (None, PageInfo::default(), Some(format!("the article extractor gave up ({e})"))),
        Err(_) => (None, PageInfo::default(), Some("the article extractor failed on this page".to_owned())),
    };
    let page = PageInfo { title: page.title.or_else(|| whole::title(html)), ..page };
    let origin = |mode, extractor: String| Origin {
        format: "html".into(),
        extractor,
        mode,
        page: page.clone(),
        fetch: None,
        pages: Vec::new(),
    };
    if mode == TextMode::Article {
        match article {
            Some(text) if !text.is_empty() => {
                let extractor = format!("{ENGINE} + Sorot web rules {}", rules::Rules::bundled().version);
                return PageText { text, origin: origin(TextMode::Article, extractor), note: None };
            }
            _ => {
                let why = failure.unwrap_or_else(|| "no article was found in this page".to_owned());
                return PageText {
                    text: whole_page_text(html),
                    origin: origin(TextMode::WholePage, WHOLE_PAGE.into()),
                    note: Some(format!("Showing the whole page: {why}.")),
                };
            }
        }
    }
    PageText { text: whole_page_text(html), origin: origin(TextMode::WholePage, WHOLE_PAGE.into()), note: None }
}

/// A page fetched from `url` into `dir`: the page is kept there as the
/// archive copy (`rusia-korut.html`, never replacing a file), and its
/// annotation file is created beside it, recording where and when the
/// page was fetched. Nothing is written when the page cannot be fetched
/// or read. Returns the page's path and its annotation file's.
pub fn open_url(
    url: &str,
    dir: &std::path::Path,
    schema: crate::model::Schema,
    annotator: Option<&str>,
    mode: TextMode,
    limits: fetch::Limits,
) -> anyhow::Result<(std::path::PathBuf, std::path::PathBuf)> {
    use anyhow::Context;
    let fetched = fetch::fetch(url, limits).with_context(|| format!("Cannot open {}", url.trim()))?;
    let article = super::article::decode_article_as(&fetched.bytes, super::ArticleFormat::Html, mode)
        .map_err(|e| anyhow::anyhow!("{}: {e}", fetched.fetch.final_url))?;
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create the folder", dir.display()))?;
    let page = fetch::archive_path(dir, &fetched.fetch.final_url);
    // Both files are new: a file that appears under either name meanwhile
    // is never replaced (and the page is taken back if its annotation
    // file cannot be created).
    super::atomic::write_new(&page, &fetched.bytes)?;
    let mut store = super::store_for_article(&page, article, schema);
    store.meta.annotator = annotator.map(str::to_owned);
    if let Some(o) = &mut store.meta.origin {
        o.fetch = Some(fetched.fetch);
    }
    let ann = super::default_annotation_path(&page, annotator);
    if let Err(e) = super::atomic::write_new(&ann, super::to_ron_string(&store).as_bytes()) {
        let _ = std::fs::remove_file(&page);
        return Err(e);
    }
    Ok((page, ann))
}

/// The article's blocks, one per line, less teaser text (see
/// [`prepare`]) and what the rules remove.
fn article_lines(blocks: &str, regions: &prepare::Regions) -> String {
    let lines: Vec<&str> = blocks.lines().collect();
    let kept: Vec<&str> = lines.iter().copied().filter(|l| !regions.is_teaser(l)).collect();
    // Were it all teasers, the page is a list of stories, or its story
    // sits in a box named like one: keep it all.
    let lines = if kept.is_empty() { lines } else { kept };
    rules::Rules::bundled().apply(&lines).join("\n")
}

fn page_info(m: &trafilatura::Metadata) -> PageInfo {
    let clean = |v: &str| Some(v.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|v| !v.is_empty());
    PageInfo {
        title: clean(&m.title),
        byline: clean(&m.author),
        published: m.date.map(|d| d.to_string()),
        site: clean(&m.sitename),
        url: clean(&m.url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A news page as Indonesian sites lay them out: menus, a teaser list,
    /// "Baca juga" inside the story, a share bar, a comment form, JSON-LD.
    const NEWS: &str = include_str!("../../../tests/data/web/warta.html");

    #[test]
    fn a_news_page_opens_as_its_story() {
        let page = page_text(NEWS, TextMode::Article);
        assert_eq!(page.note, None);
        assert_eq!(page.origin.mode, TextMode::Article);
        assert!(page.origin.extractor.starts_with(ENGINE), "{}", page.origin.extractor);
        let text = &page.text;
        assert!(text.contains("“Itu tidak benar,” kata Peskov kepada wartawan di Moskow, Kamis."), "{text}");
        assert!(text.contains("Dilansir BBC, Amerika Serikat"), "{text}");
        for junk in [
            "Beranda",
            "Olahraga",
            "Baca juga",
            "Bagikan",
            "Kim Jong Un Kunjungi",
            "Kirim Komentar",
            "UU ITE",
            "Hak cipta",
        ] {
            assert!(!text.contains(junk), "{junk:?} in {text}");
        }
        // The story keeps its paragraphs one per line, in reading order.
        let peskov = text.find("Juru bicara Kremlin").unwrap();
        let laporan = text.find("Laporan itu pertama").unwrap();
        let bbc = text.find("Dilansir BBC").unwrap();
        assert!(peskov < laporan && laporan < bbc, "{text}");
        assert!(text.lines().all(|l| l == l.trim() && !l.is_empty()), "{text:?}");
    }

    /// A story written loose into a `<div>` between `<br>`s keeps every
    /// word: the extractor alone gave "…pertemuan kedua pemimpin, menurut"
    /// and "Dilansir", dropping what follows each inline link.
    #[test]
    fn loose_story_text_keeps_every_word() {
        let page = "<!doctype html><html><head><title>Kremlin Membantah</title></head><body>\
            <div class='nav'><a href='/'>Beranda</a> <a href='/dunia'>Dunia</a></div>\
            <div class='article'><h1 class='title'>Kremlin Membantah Kirim Senjata ke Korut</h1>\
            <div class='byline'>Kamis 2 Mei 2024 oleh <a href='/penulis/dewi'>Dewi Lestari</a></div>\
            <div class='content'>Juru bicara Kremlin, Dmitry Peskov, membantah laporan itu kepada wartawan di \
            Moskow pada Kamis pagi, sehari setelah pertemuan kedua pemimpin, menurut \
            <em><a href='https://bbc.example/'>BBC</a></em>. Peskov menyebut laporan itu tidak berdasar.\n\
            <br> <br><img src='f.jpg' width='800'><center><em>Putin dan Kim di Vostochny, foto \
            <a href='https://reuters.example/'>Reuters</a></em></center> <br>Dilansir <em>Reuters</em>, Amerika \
            Serikat memperingatkan bahwa setiap transfer senjata melanggar resolusi Dewan Keamanan PBB yang \
            berlaku sejak 2006.\n<br> <br>Korea Utara belum menanggapi laporan tersebut, sementara Korea \
            Selatan meminta penjelasan dari duta besar Rusia di Seoul.\n</div></div></body></html>";
        let text = page_text(page, TextMode::Article).text;
        for kept in [
            "pertemuan kedua pemimpin, menurut BBC. Peskov menyebut laporan itu tidak berdasar.",
            "Dilansir Reuters, Amerika Serikat memperingatkan bahwa setiap transfer senjata",
            "Korea Utara belum menanggapi",
        ] {
            assert!(text.contains(kept), "{kept:?} not in {text}");
        }
        assert!(!text.contains("Beranda"), "{text}");
    }

    /// Teasers of other stories under a "Berita Terkait" heading after the
    /// story go (the extractor alone kept them as paragraphs).
    #[test]
    fn a_teaser_box_after_the_story_goes() {
        let teaser = |n: u32, t: &str| format!("<article class='post postbox post-{n}'><p>{t} …</p></article>");
        let page = format!(
            "<!doctype html><html><head><title>Kremlin Membantah</title></head><body>\
             <div id='primary' class='columns'><article class='post post-1806'>\
             <h1 class='entry-title'>Kremlin Membantah Kirim Senjata ke Korut</h1>\
             <p>Juru bicara Kremlin, Dmitry Peskov, membantah laporan itu kepada wartawan di Moskow pada Kamis \
             pagi, sehari setelah pertemuan kedua pemimpin. Peskov menyebut laporan itu tidak berdasar dan \
             meminta wartawan menunggu pernyataan resmi dari Kremlin tentang kerja sama militer kedua negara.</p>\
             <p>Dilansir BBC, Amerika Serikat memperingatkan bahwa setiap transfer senjata melanggar resolusi \
             Dewan Keamanan PBB yang berlaku sejak 2006.</p></article>\
             <article class='post postbox post-1806'><h3 class='relatedpoststitle'>Berita Terkait</h3>{}{}{}\
             </article></div><footer>Hak cipta 2024</footer></body></html>",
            teaser(
                7816,
                "Pasukan Ukraina disebut meniru taktik Rusia di garis depan timur, kata para analis militer \
                 Barat yang mengikuti perang itu sejak awal, dan taktik itu kini dipakai di banyak tempat"
            ),
            teaser(
                7817,
                "Korea Utara menguji rudal baru di lepas pantai timur menjelang kunjungan pejabat Rusia ke \
                 Pyongyang, menurut kepala staf gabungan Korea Selatan yang memantau peluncuran itu dari Seoul"
            ),
            teaser(
                7818,
                "Dewan Keamanan PBB kembali gagal menyepakati sanksi baru terhadap Pyongyang setelah Rusia dan \
                 Tiongkok menolak rancangan resolusi yang diajukan Amerika Serikat"
            ),
        );
        let text = page_text(&page, TextMode::Article).text;
        assert!(text.contains("Peskov menyebut laporan itu tidak berdasar"), "{text}");
        assert!(text.contains("Dilansir BBC, Amerika Serikat memperingatkan"), "{text}");
        for junk in ["Pasukan Ukraina", "Korea Utara menguji", "Dewan Keamanan PBB kembali", "Berita Terkait"] {
            assert!(!text.contains(junk), "{junk:?} in {text}");
        }
    }

    #[test]
    fn the_page_says_what_to_cite() {
        let info = page_text(NEWS, TextMode::Article).origin.page;
        assert_eq!(info.title.as_deref(), Some("Rusia Kirim Senjata ke Korut? Kremlin Membantah"));
        assert_eq!(info.byline.as_deref(), Some("Dewi Lestari"));
        assert_eq!(info.site.as_deref(), Some("Warta Contoh"));
        assert_eq!(info.url.as_deref(), Some("https://warta.example/dunia/rusia-korut"));
        assert!(info.published.as_deref().is_some_and(|d| d.starts_with("2024-05-02")), "{:?}", info.published);
    }

    #[test]
    fn the_whole_page_keeps_everything_visible() {
        let page = page_text(NEWS, TextMode::WholePage);
        assert_eq!(page.origin.mode, TextMode::WholePage);
        assert_eq!(page.origin.extractor, WHOLE_PAGE);
        for kept in
            ["Beranda", "Baca juga", "Kim Jong Un Kunjungi", "Kirim Komentar", "UU ITE", "Hak cipta", "Dilansir BBC"]
        {
            assert!(page.text.contains(kept), "{kept:?} not in {}", page.text);
        }
        // Metadata is read in both modes.
        assert_eq!(page.origin.page.site.as_deref(), Some("Warta Contoh"));
    }

    #[test]
    fn a_page_without_an_article_gives_the_whole_page_and_says_so() {
        // A page that is all script: only its title is text.
        let app = "<html><head><title>Peta Interaktif</title></head><body><script>draw()</script></body></html>";
        let page = page_text(app, TextMode::Article);
        assert_eq!(page.origin.mode, TextMode::WholePage, "{:?}", page.text);
        assert!(page.note.as_deref().is_some_and(|n| n.starts_with("Showing the whole page")), "{:?}", page.note);
        assert_eq!(page.text, "Peta Interaktif");
    }

    #[test]
    fn the_engine_named_is_the_engine_built() {
        let lock = include_str!("../../../Cargo.lock");
        let (name, version) = ENGINE.split_once(' ').unwrap();
        assert!(lock.contains(&format!("name = \"{name}\"\nversion = \"{version}\"")), "Cargo.lock has another {name}");
    }
}
