//! Web pages: the article's text (main-content extraction, then
//! [`rules`]) or the whole page's, with the page's own metadata. Nothing
//! is fetched; pages are read from disk.
//!
//! The engine is behind [`page_text`]: the rest of Sorot sees only the
//! text and an [`Origin`] that records how it was made, so a document
//! can always say which extractor wrote its offsets.

pub mod fetch;
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
        // The readability and jusText fallbacks when the main pass finds
        // little: measured better on the benchmark (README, Web pages).
        trafilatura::extract(html, &trafilatura::Options::default().with_fallback(true))
    });
    let (article, page, failure) = match extracted {
        Ok(Ok(r)) => (Some(article_lines(&whole::block_text(&r.content_html, false))), page_info(&r.metadata), None),
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

/// The article's blocks, one per line, less what the rules remove.
fn article_lines(blocks: &str) -> String {
    let lines: Vec<&str> = blocks.lines().collect();
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
