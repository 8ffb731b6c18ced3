//! Web pages opened from disk: the article with the page's metadata, the
//! whole page on request, the switch between the two with the annotations
//! moved, and what an export says of the page.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common;
use sorot::io;
use sorot::io::article::{ArticleError, ArticleFormat, decode_article};
use sorot::model::{Store, TextMode};

fn page_in(dir: &Path) -> PathBuf {
    let page = dir.join("rusia-korut.html");
    std::fs::copy(common::repo().join("tests/data/web/warta.html"), &page).unwrap();
    page
}

fn sorot(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sorot")).args(args).current_dir(dir).output().expect("run sorot")
}

#[test]
fn init_on_a_web_page_records_its_article_and_what_to_cite() {
    let dir = tempfile::tempdir().unwrap();
    page_in(dir.path());
    let out = sorot(&["init", "rusia-korut.html"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "rusia-korut.sorot.ron: created (UTF-8; web page, the article)"
    );
    let store = io::load_annotations(&dir.path().join("rusia-korut.sorot.ron")).unwrap();
    let origin = store.meta.origin.clone().expect("origin recorded");
    assert_eq!((origin.format.as_str(), origin.mode), ("html", TextMode::Article));
    assert!(origin.extractor.starts_with(io::web::ENGINE), "{}", origin.extractor);
    assert_eq!(origin.page.url.as_deref(), Some("https://warta.example/dunia/rusia-korut"));
    assert_eq!(origin.page.site.as_deref(), Some("Warta Contoh"));
    let text = store.text().as_str();
    assert!(text.contains("Dilansir BBC"), "{text}");
    assert!(!text.contains("Baca juga") && !text.contains("Kirim Komentar"), "{text}");

    // The whole page, on request.
    let out = sorot(&["init", "--force", "--whole-page", "rusia-korut.html"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let whole = io::load_annotations(&dir.path().join("rusia-korut.sorot.ron")).unwrap();
    assert_eq!(whole.meta.origin.as_ref().map(|o| o.mode), Some(TextMode::WholePage));
    assert!(whole.text().as_str().contains("Kirim Komentar"));
}

#[test]
fn switching_to_the_whole_page_and_back_moves_the_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let page = page_in(dir.path());
    let article = io::read_article(&page).unwrap();
    let mut store = io::store_for_article(&page, article, sorot::model::Schema::default_news());
    let mut b = common::Builder { store: &mut store, author: "dewi" };
    let quote = b.at("“Itu tidak benar,”");
    let claim = b.span("Claim", quote, &[("certainty", common::text("asserted"))]);
    let bbc = b.at("BBC");
    let outlet = b.span("Source", bbc, &[]);

    let (whole, report) = io::reanchor_store_as(&store, &page, TextMode::WholePage, "dewi").unwrap();
    assert_eq!(whole.meta.origin.as_ref().map(|o| o.mode), Some(TextMode::WholePage));
    assert!(whole.text().as_str().contains("Kirim Komentar"));
    assert_eq!(whole.spans().len(), 2, "{}", report.summary());
    for (id, quote) in [(claim, "“Itu tidak benar,”"), (outlet, "BBC")] {
        let span = whole.span(id).expect("span kept");
        assert_eq!(whole.text().slice(span.ranges[0]), quote);
    }

    let (back, _) = io::reanchor_store_as(&whole, &page, TextMode::Article, "dewi").unwrap();
    assert_eq!(back.text(), store.text(), "the article text is the same every time");
    assert_eq!(back.span(claim).map(|s| s.ranges[0]), store.span(claim).map(|s| s.ranges[0]));
}

/// Annotations made on a page as an older extractor read it open on the
/// text they were made on, and the notice says it is Sorot's reading of
/// the page that changed (re-anchoring is offered), not the page.
#[test]
fn annotations_made_under_older_web_rules_say_the_reading_changed() {
    let dir = tempfile::tempdir().unwrap();
    let page = page_in(dir.path());
    let article = io::read_article(&page).unwrap();
    let now = article.origin.as_ref().map(|o| o.extractor.clone()).unwrap();
    let mut store = io::store_for_article(&page, article, sorot::model::Schema::default_news());
    // As rules 2 read it: one teaser line more.
    let older = format!("{}\nBaca juga: Kim Jong Un Kunjungi Pabrik Senjata", store.text().as_str());
    let mut meta = store.meta.clone();
    if let Some(o) = &mut meta.origin {
        o.extractor = "trafilatura 0.6.0 + Sorot web rules 2".into();
    }
    store = Store::new(sorot::model::Text::new(older.clone()), store.schema().clone(), meta);
    let ann = io::default_annotation_path(&page, None);
    io::save_annotations(&ann, &store).unwrap();

    let doc = io::document::Document::open(&page).unwrap();
    assert_eq!(doc.store.text().as_str(), older, "the annotated text is what opens");
    assert_eq!(doc.changed_article.as_deref(), Some(page.as_path()));
    let notice = doc.notice.unwrap_or_default();
    assert!(notice.contains("Sorot now reads the article of"), "{notice}");
    assert!(notice.contains(&now) && notice.contains("web rules 2"), "{notice}");
}

#[test]
fn the_origin_survives_save_and_load_and_reaches_the_jsonl_export() {
    let dir = tempfile::tempdir().unwrap();
    let page = page_in(dir.path());
    let store = io::store_for_article(&page, io::read_article(&page).unwrap(), sorot::model::Schema::default_news());
    let path = dir.path().join("p.sorot.ron");
    io::save_annotations(&path, &store).unwrap();
    let loaded: Store = io::load_annotations(&path).unwrap();
    assert_eq!(loaded.meta, store.meta);

    let export = io::export::jsonl(&[&loaded], io::export::Offsets::CodePoints);
    let line: serde_json::Value = serde_json::from_str(export.files[0].1.trim()).unwrap();
    assert_eq!(line["meta"]["url"], "https://warta.example/dunia/rusia-korut");
    assert_eq!(line["meta"]["text_of"], "article");
    assert_eq!(line["meta"]["site"], "Warta Contoh");
}

#[test]
fn hostile_pages_get_a_clear_answer() {
    // Script only: nothing to read.
    assert_eq!(
        decode_article(b"<html><body><script>while(1){}</script></body></html>", ArticleFormat::Html),
        Err(ArticleError::NoReadableText)
    );
    // A 4 MB attribute and 50,000 empty paragraphs open (as what text there is).
    let mut big = format!("<html><body><div data-x=\"{}\"><p>Rusia membantah.</p></div>", "x".repeat(4 << 20));
    big.push_str(&"<p></p>".repeat(50_000));
    let a = decode_article(big.as_bytes(), ArticleFormat::Html).unwrap();
    assert!(a.text.contains("Rusia membantah."), "{}", a.text);
    // A page in windows-1252 without a BOM is decoded, not refused.
    let mut latin = b"<html><head><title>Caf".to_vec();
    latin.extend_from_slice(&[0xE9]);
    latin.extend_from_slice(b"</title></head><body><article><p>Le caf\xE9 est ferm\xE9 depuis lundi, dit le maire.</p></article></body></html>");
    let a = decode_article(&latin, ArticleFormat::Html).unwrap();
    assert!(a.text.contains("Le café est fermé depuis lundi"), "{}", a.text);
}

#[test]
fn a_fetched_page_is_kept_as_its_archive_copy_and_opened_as_its_story() {
    use io::web::fetch::{FetchError, Limits, fetch};
    let base = common::serve_news_site();
    let dir = tempfile::tempdir().unwrap();

    let open = |url: &str| {
        io::web::open_url(
            url,
            dir.path(),
            sorot::model::Schema::default_news(),
            None,
            TextMode::Article,
            Limits::default(),
        )
    };
    // Through a redirect: the address asked for and the one answered from are both recorded.
    let asked = format!("{base}/lama");
    let (page, ann) = open(&asked).unwrap();
    assert_eq!(page.file_name().unwrap(), "rusia-korut.html");
    assert_eq!(std::fs::read(&page).unwrap(), std::fs::read(common::repo().join("tests/data/web/warta.html")).unwrap());
    let store = io::load_annotations(&ann).unwrap();
    let fetched = store.meta.origin.as_ref().and_then(|o| o.fetch.clone()).expect("fetch recorded");
    assert_eq!(fetched.url, asked);
    assert_eq!(fetched.final_url, format!("{base}/dunia/rusia-korut"));
    assert!(fetched.retrieved.secs() > 1_700_000_000);
    assert!(store.text().as_str().contains("Dilansir BBC") && !store.text().as_str().contains("Beranda"));

    // Re-opening the archive copy gives the same text, byte for byte.
    assert_eq!(io::read_article(&page).unwrap().text, store.text().as_str());
    // Fetching again never replaces the first copy.
    let (again, _) = open(&asked).unwrap();
    assert_eq!(again.file_name().unwrap(), "rusia-korut-2.html");

    // What goes wrong is said in words, and nothing is written.
    let before = std::fs::read_dir(dir.path()).unwrap().count();
    let small = Limits { max_bytes: 100_000, ..Limits::default() };
    let quick = Limits { timeout: std::time::Duration::from_secs(1), ..Limits::default() };
    assert_eq!(
        fetch(&format!("{base}/hilang"), small).unwrap_err(),
        FetchError::Status { status: 404, meaning: "there is no page at this address" }
    );
    assert_eq!(fetch(&format!("{base}/besar"), small).unwrap_err(), FetchError::TooLarge { max: 100_000 });
    assert_eq!(fetch(&format!("{base}/putar"), small).unwrap_err(), FetchError::TooManyRedirects(5));
    assert_eq!(
        fetch(&format!("{base}/laporan.pdf"), small).unwrap_err(),
        FetchError::NotAPage("application/pdf".into())
    );
    assert!(matches!(fetch(&format!("{base}/lambat"), quick).unwrap_err(), FetchError::TimedOut { secs: 1, .. }));
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let offline = fetch(&format!("http://{closed}/berita"), small).unwrap_err();
    assert_eq!(offline, FetchError::Unreachable { host: closed.to_string() });
    assert!(offline.to_string().contains("check the internet connection"), "{offline}");
    let e = io::web::open_url(
        &format!("{base}/hilang"),
        dir.path(),
        sorot::model::Schema::default_news(),
        None,
        TextMode::Article,
        small,
    )
    .unwrap_err();
    assert_eq!(
        format!("{e:#}"),
        format!("Cannot open {base}/hilang: the site answered 404: there is no page at this address")
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before);
}

#[test]
fn sorot_init_url_fetches_into_the_folder_and_says_what_failed() {
    let base = common::serve_news_site();
    let dir = tempfile::tempdir().unwrap();
    let out = sorot(&["init", "--url", &format!("{base}/dunia/rusia-korut"), "--dir", "arsip"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "arsip/rusia-korut.html: fetched from {base}/dunia/rusia-korut\narsip/rusia-korut.sorot.ron: created\n"
        )
    );
    let out = sorot(&["init", "--url", &format!("{base}/tidak-ada")], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("Cannot open {base}/tidak-ada: the site answered 404: there is no page at this address\n")
    );
}

#[test]
fn exports_cite_the_page_and_when_it_was_fetched() {
    let store = common::build_web_page();
    let w3c = io::export::w3c(&[&store]);
    let coll: serde_json::Value = serde_json::from_str(&w3c.files[0].1).unwrap();
    let claim = coll["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["body"][0]["value"] == "Claim")
        .expect("the claim")
        .clone();
    assert_eq!(claim["target"]["source"], "https://warta.example/dunia/rusia-korut");
    assert_eq!(
        claim["target"]["state"],
        serde_json::json!({"type": "TimeState", "sourceDate": "2023-11-14T22:13:20Z"})
    );
    assert_eq!(claim["target"]["selector"][1]["exact"], "“Itu tidak benar,”");

    let csv = io::export::csv(&[&store], io::export::Offsets::CodePoints);
    let mut rows = ::csv::Reader::from_reader(csv.files[0].1.as_bytes());
    let headers = rows.headers().unwrap().clone();
    let row = rows.records().next().unwrap().unwrap();
    let get = |name: &str| row.get(headers.iter().position(|h| h == name).unwrap()).unwrap().to_owned();
    assert_eq!(get("text"), "“Itu tidak benar,”");
    assert_eq!(get("source"), "Peskov");
    assert_eq!(get("page_url"), "https://warta.example/dunia/rusia-korut");
    assert_eq!(get("page_title"), "Rusia Kirim Senjata ke Korut? Kremlin Membantah");
    assert!(get("published").starts_with("2024-05-02"));
}
