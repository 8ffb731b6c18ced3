//! PDF, Word and OpenDocument articles from the command line and the file
//! layer: what they open as, the page map kept in the annotation file and
//! exported, the same text every time, and every broken input refused
//! with its message and nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::Digest;
use sorot::fixture::documents::{self as make, Block, PdfLine};
use sorot::io;

fn sorot(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sorot")).args(args).current_dir(dir).output().expect("run sorot")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A two-page statement: a heading, paragraphs with curly quotes and
/// accents, a paragraph running over the page break, page footers.
pub fn statement_pdf() -> Vec<u8> {
    let l = PdfLine::new;
    make::pdf(
        &[
            vec![
                l("Pernyataan Pers", 72.0, 760.0, 16.0),
                l("Kementerian Luar Negeri Rusia, kata juru bicara Kremlin Dmitry Peskov,", 72.0, 730.0, 10.0),
                l("menyatakan “tidak ada pengiriman senjata” ke Korea Utara.", 72.0, 718.0, 10.0),
                l("Dilansir BBC, laporan itu disebut café résumé dan berlanjut ke", 72.0, 694.0, 10.0),
                l("Halaman 1", 290.0, 40.0, 8.0),
            ],
            vec![l("halaman kedua tanpa putus.", 72.0, 760.0, 10.0), l("Halaman 2", 290.0, 40.0, 8.0)],
        ],
        Some("Pernyataan Pers Kremlin"),
    )
}

const STATEMENT_TEXT: &str = "Pernyataan Pers\n\
    Kementerian Luar Negeri Rusia, kata juru bicara Kremlin Dmitry Peskov, menyatakan “tidak ada pengiriman senjata” ke Korea Utara.\n\
    Dilansir BBC, laporan itu disebut café résumé dan berlanjut ke halaman kedua tanpa putus.";

#[test]
fn init_on_a_pdf_records_its_text_pages_and_source() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "pernyataan.pdf", &statement_pdf());
    let out = sorot(&["init", "pernyataan.pdf"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "pernyataan.sorot.ron: created (PDF, 2 pages)");
    let ann = dir.path().join("pernyataan.sorot.ron");
    let store = io::load_annotations(&ann).unwrap();
    assert_eq!(store.text().as_str(), STATEMENT_TEXT);
    let origin = store.meta.origin.clone().expect("origin recorded");
    assert_eq!(origin.format, "pdf");
    assert!(origin.extractor.starts_with("pdf-extract 0.12.1"), "{}", origin.extractor);
    assert_eq!(origin.pages, vec![0, STATEMENT_TEXT.find("halaman kedua").unwrap()]);
    assert_eq!(origin.page_at(STATEMENT_TEXT.find("Peskov").unwrap()), Some((1, 2)));
    assert_eq!(origin.page_at(STATEMENT_TEXT.find("putus").unwrap()), Some((2, 2)));
    assert_eq!(origin.page.title.as_deref(), Some("Pernyataan Pers Kremlin"));
    let ron = std::fs::read_to_string(&ann).unwrap();
    assert!(ron.contains("page_starts: [0, "), "{ron}");

    // The same file again gives byte-identical text.
    let again = io::read_article(&dir.path().join("pernyataan.pdf")).unwrap();
    let sha = |s: &str| sha2::Sha256::digest(s.as_bytes()).to_vec();
    assert_eq!(sha(&again.text), sha(store.text().as_str()));
}

#[test]
fn word_and_opendocument_files_open_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let body = [
        make::w_paragraph("Rusia Bantah", Some("Heading1")),
        make::w_paragraph("“Tidak benar,” kata Peskov.", None),
        make::w_table(&[&["Negara", "Klaim"], &["Rusia", "membantah"]]),
    ]
    .concat();
    write(dir.path(), "rilis.docx", &make::docx(&body, &[], Some("Rilis")));
    write(dir.path(), "catatan.odt", &make::odt("<text:h>Judul</text:h><text:p>Isi catatan.</text:p>"));
    let out = sorot(&["init", "rilis.docx", "catatan.odt"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("rilis.sorot.ron: created (Word document)"), "{stdout}");
    assert!(stdout.contains("catatan.sorot.ron: created (OpenDocument text)"), "{stdout}");
    let word = io::load_annotations(&dir.path().join("rilis.sorot.ron")).unwrap();
    assert_eq!(word.text().as_str(), "Rusia Bantah\n“Tidak benar,” kata Peskov.\nNegara\tKlaim\nRusia\tmembantah");
    let odt = io::load_annotations(&dir.path().join("catatan.sorot.ron")).unwrap();
    assert_eq!(odt.text().as_str(), "Judul\nIsi catatan.");
}

#[test]
fn bytes_decide_what_a_file_is_not_its_name() {
    let dir = tempfile::tempdir().unwrap();
    // A PDF named .txt is a PDF; a text file named .pdf is text.
    let pdf_as_txt = write(dir.path(), "laporan.txt", &statement_pdf());
    assert_eq!(io::read_article(&pdf_as_txt).unwrap().text, STATEMENT_TEXT);
    let text_as_pdf = write(dir.path(), "catatan.pdf", "Catatan “biasa”, bukan PDF.\r\n".as_bytes());
    let a = io::read_article(&text_as_pdf).unwrap();
    assert_eq!((a.text.as_str(), a.origin), ("Catatan “biasa”, bukan PDF.\n", None));
    // A Word file named .bin is still Word.
    let docx = write(dir.path(), "x.bin", &make::docx(&make::w_paragraph("Isi", None), &[], None));
    assert_eq!(io::read_article(&docx).unwrap().text, "Isi");
}

#[test]
fn broken_documents_are_refused_by_name_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let one_page = vec![vec![PdfLine::new("Rahasia negara", 72.0, 700.0, 12.0)]];
    let whole = make::pdf(&one_page, None);
    let mut bomb_xml = b"<w:document><w:body>".to_vec();
    bomb_xml.resize(300 * 1024 * 1024, b' ');
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("scan.pdf", make::pdf(&[vec![], vec![]], None), "no text in this PDF — it may be scanned; run OCR first"),
        ("locked.pdf", make::pdf_with_password(&one_page, "geheim"), "protected by a password"),
        ("cut.pdf", whole[..whole.len() / 3].to_vec(), "the PDF is damaged or incomplete"),
        ("cut.docx", make::docx("<w:p/>", &[], None)[..200].to_vec(), "the Word document is damaged or incomplete"),
        ("bomb.docx", make::zip_of(&[("word/document.xml", bomb_xml)]), "unpacks to"),
        (
            "entities.docx",
            make::zip_of(&[(
                "word/document.xml",
                b"<!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><w:document>&x;</w:document>".to_vec(),
            )]),
            "DOCTYPE",
        ),
        ("empty.docx", make::docx("<w:p/>", &[], None), "no text in this Word document"),
        ("zero.pdf", Vec::new(), "the file is empty"),
    ];
    for (name, bytes, message) in &cases {
        write(dir.path(), name, bytes);
        let out = sorot(&["init", name], dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(name) && stderr.contains(message), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        let stem = name.split('.').next().unwrap();
        assert!(!dir.path().join(format!("{stem}.sorot.ron")).exists(), "{name}: an annotation file was written");
    }
}

#[test]
fn exports_say_which_page_a_claim_is_on() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write(dir.path(), "pernyataan.pdf", &statement_pdf());
    let article = io::read_article(&pdf).unwrap();
    let mut store = io::store_for_article(&pdf, article, sorot::model::Schema::default_news());
    let mut b = crate::common::Builder { store: &mut store, author: "dewi" };
    let first = b.at("“tidak ada pengiriman senjata”");
    b.span("Claim", first, &[]);
    let second = b.at("halaman kedua tanpa putus");
    b.span("Claim", second, &[]);
    let csv = io::export::csv(&[&store], io::export::Offsets::CodePoints);
    let claims = csv.files[0].1.clone();
    let mut rows = claims.lines();
    assert!(rows.next().unwrap().ends_with(",page,suggested_by,suggestion_score"));
    assert!(rows.next().unwrap().ends_with(",1,,"), "{claims}");
    assert!(rows.next().unwrap().ends_with(",2,,"), "{claims}");
    let jsonl = io::export::jsonl(&[&store], io::export::Offsets::CodePoints);
    let line: serde_json::Value = serde_json::from_str(&jsonl.files[0].1).unwrap();
    let page_two = STATEMENT_TEXT[..STATEMENT_TEXT.find("halaman kedua").unwrap()].chars().count();
    assert_eq!(line["meta"]["page_starts"], serde_json::json!([0, page_two]));
    assert_eq!(line["meta"]["format"], "pdf");
}

#[test]
fn a_folder_of_documents_is_a_session() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.pdf", &make::pdf_article(&[Block::Paragraph("Satu dua tiga.".into())], None));
    write(dir.path(), "b.DOCX", &make::docx(&make::w_paragraph("Empat lima.", None), &[], None));
    write(dir.path(), "c.txt", b"Enam.");
    let corpus = io::corpus::scan(dir.path(), |_, _| {}).unwrap();
    let articles: Vec<String> = corpus
        .entries
        .iter()
        .filter_map(|e| e.article.as_ref())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(articles, ["a.pdf", "b.DOCX", "c.txt"]);
}
