//! PDF and office documents (Word `.docx`, OpenDocument `.odt`): their
//! text as an article, one heading or paragraph per line, with a page map.
//!
//! What a file is comes from its bytes ([`sniff`]), not its name: a PDF is
//! never decoded as legacy-encoded text, and a text file named `.pdf`
//! still opens as text. Every extractor runs behind [`extract`], which
//! catches a panic inside it and reports it as an error, so a crafted file
//! cannot take the window down. Zip containers are read within limits
//! ([`zipped`]) and their XML without DOCTYPEs or entity expansion.

mod docx;
mod flow;
mod odt;
mod pdf;
mod zipped;

use crate::model::{Origin, PageInfo, TextMode};

/// A container Sorot extracts text from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    Pdf,
    Docx,
    Odt,
}

impl Container {
    /// The name recorded in a document's origin and shown to the analyst.
    pub fn format(self) -> &'static str {
        match self {
            Container::Pdf => "pdf",
            Container::Docx => "docx",
            Container::Odt => "odt",
        }
    }

    /// How the analyst calls it.
    pub fn describe(self) -> &'static str {
        crate::model::store::document_kind(self.format()).unwrap_or("document")
    }

    /// From a file name's extension (what the file claims to be).
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(Container::Pdf),
            "docx" | "docm" => Some(Container::Docx),
            "odt" => Some(Container::Odt),
            _ => None,
        }
    }
}

/// What the bytes are: a PDF (`%PDF-` within the first KiB, as readers
/// accept it), a Word or OpenDocument file (a zip whose parts say so), or
/// `None` for anything else (text, HTML, other zips).
pub fn sniff(bytes: &[u8]) -> Option<Container> {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Some(Container::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zipped::kind(bytes);
    }
    None
}

/// Why a document gives no article.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum OfficeError {
    #[error("no text in this PDF — it may be scanned; run OCR first (for example `ocrmypdf`), then open the result")]
    NoTextLayer,
    #[error("no text in this {0}")]
    NoText(&'static str),
    #[error(
        "this PDF is protected by a password; open it in a PDF reader, save or print an unprotected copy, and open that"
    )]
    Encrypted,
    #[error("the {what} is damaged or incomplete ({detail})")]
    Damaged { what: &'static str, detail: String },
    #[error("the {what} is refused: {detail}")]
    Refused { what: &'static str, detail: String },
    #[error(
        "the {0} could not be read: the extractor failed on it (it may be damaged, or built in a way Sorot cannot read yet)"
    )]
    ExtractorFailed(&'static str),
}

/// A document's text and how it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extracted {
    pub text: String,
    pub origin: Origin,
}

/// What an extractor gives: the text, where its pages start, and what the
/// document says about itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Parts {
    text: String,
    pages: Vec<usize>,
    info: PageInfo,
}

/// The article text of a document of `kind`. Nothing panics out of here.
pub fn extract(kind: Container, bytes: &[u8]) -> Result<Extracted, OfficeError> {
    let run = crate::guard::quietly(|| match kind {
        Container::Pdf => pdf::extract(bytes),
        Container::Docx => docx::extract(bytes),
        Container::Odt => odt::extract(bytes),
    });
    let parts = run.map_err(|_| OfficeError::ExtractorFailed(kind.describe()))??;
    if parts.text.trim().is_empty() {
        return Err(match kind {
            Container::Pdf => OfficeError::NoTextLayer,
            other => OfficeError::NoText(other.describe()),
        });
    }
    let extractor = match kind {
        Container::Pdf => pdf::EXTRACTOR,
        Container::Docx => docx::EXTRACTOR,
        Container::Odt => odt::EXTRACTOR,
    };
    let origin = Origin {
        format: kind.format().to_owned(),
        extractor: extractor.to_owned(),
        mode: TextMode::Article,
        page: parts.info,
        fetch: None,
        pages: if parts.pages.len() > 1 { parts.pages } else { Vec::new() },
    };
    Ok(Extracted { text: parts.text, origin })
}

/// Builds a document's text: one line per heading, paragraph or table
/// row, whitespace runs made one space, no empty lines, control
/// characters and soft hyphens dropped, tabs (table cells) kept; and where
/// each page starts (a page with no text starts where the next text does).
#[derive(Default)]
struct Writer {
    text: String,
    pages: Vec<usize>,
    /// Pages whose start is the next character written.
    waiting: usize,
    line_open: bool,
    space: bool,
    new_line: bool,
}

impl Writer {
    /// Page `page` (0-based) starts with the next text; pages skipped
    /// before it start there too.
    fn start_page(&mut self, page: usize) {
        self.waiting = self.waiting.max((page + 1).saturating_sub(self.pages.len()));
    }

    /// Text inside the current line.
    fn push(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '\t' => {
                    self.open_line();
                    self.space = false;
                    self.text.push('\t');
                }
                c if c.is_whitespace() => self.space = self.line_open,
                c if c.is_control() || c == '\u{feff}' || c == '\u{ad}' => {}
                c => {
                    let was_open = self.line_open;
                    self.open_line();
                    if self.space && was_open && !self.text.ends_with('\t') {
                        self.text.push(' ');
                    }
                    self.space = false;
                    for _ in 0..self.waiting {
                        self.pages.push(self.text.len());
                    }
                    self.waiting = 0;
                    self.text.push(c);
                }
            }
        }
    }

    fn open_line(&mut self) {
        if self.line_open {
            return;
        }
        if self.new_line && !self.text.is_empty() {
            self.text.push('\n');
        }
        self.new_line = false;
        self.line_open = true;
    }

    /// Ends the current line (nothing happens to an empty one).
    fn end_line(&mut self) {
        if self.line_open {
            // Trailing spaces and tabs of a line are not text.
            let kept = self.text.trim_end_matches([' ', '\t']).len();
            self.text.truncate(kept);
            self.line_open = false;
            self.new_line = true;
        }
        self.space = false;
    }

    fn finish(mut self) -> (String, Vec<usize>) {
        self.end_line();
        let end = self.text.len();
        self.pages.extend(std::iter::repeat_n(end, self.waiting));
        (self.text, self.pages)
    }
}

/// `D:20240315093000+07'00'` (a PDF date) or `2024-03-15T09:30:00Z` (an
/// office date) as `2024-03-15`, when it is one.
fn iso_date(raw: &str) -> Option<String> {
    let digits: String = raw.trim().trim_start_matches("D:").chars().take_while(|c| c.is_ascii_digit()).collect();
    let (y, m, d) = if digits.len() >= 8 {
        (&digits[0..4], &digits[4..6], &digits[6..8])
    } else {
        let s = raw.trim();
        let date = s.get(..10)?;
        let b = date.as_bytes();
        if !(b[4] == b'-' && b[7] == b'-') {
            return None;
        }
        (&date[0..4], &date[5..7], &date[8..10])
    };
    let ok = |s: &str, lo: u32, hi: u32| s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v));
    (ok(y, 1000, 9999) && ok(m, 1, 12) && ok(d, 1, 31)).then(|| format!("{y}-{m}-{d}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_reads_bytes_not_names() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3"), Some(Container::Pdf));
        // Some writers put junk before the header; readers accept it.
        assert_eq!(sniff(b"\r\n\r\n%PDF-1.4\n"), Some(Container::Pdf));
        assert_eq!(sniff("Kata Peskov, “%PD” bukan PDF.".as_bytes()), None);
        assert_eq!(sniff(b"PK\x03\x04 not really a zip"), None);
    }

    #[test]
    fn lines_are_written_with_their_pages() {
        let mut w = Writer::default();
        w.start_page(0);
        w.push("  Judul  ");
        w.end_line();
        w.end_line();
        w.push("satu");
        w.start_page(1);
        w.push("\u{ad}  dua");
        w.end_line();
        w.start_page(3);
        w.push("a \t b\t");
        w.start_page(4);
        let (text, pages) = w.finish();
        assert_eq!(text, "Judul\nsatu dua\na\tb");
        // Page 2 starts inside a paragraph that runs over from page 1;
        // page 3 has no text and starts where page 4 does; page 5 is
        // empty and starts at the end.
        assert_eq!(pages, vec![0, 11, 15, 15, 18]);
    }

    use crate::fixture::documents::{self as make, Block, PdfLine};

    #[test]
    fn a_word_file_reads_in_order_without_headers() {
        let body = [
            make::w_paragraph("Rusia Bantah Kirim Senjata", Some("Heading1")),
            // A paragraph in runs, a footnote mark, deleted and moved text,
            // a field code, a text box (with its fallback copy for old
            // readers), and the page Word last broke at.
            "<w:p><w:r><w:t>Juru bicara Kremlin, Dmitry Peskov, berkata: </w:t></w:r>\
             <w:r><w:t xml:space=\"preserve\">“Tidak ada pengiriman”</w:t></w:r>\
             <w:r><w:footnoteReference w:id=\"2\"/></w:r>\
             <w:del><w:r><w:delText>dihapus</w:delText></w:r></w:del>\
             <w:r><w:instrText> HYPERLINK </w:instrText></w:r>\
             <w:r><w:t xml:space=\"preserve\"> kata résumé</w:t><w:tab/><w:t>naïve.</w:t></w:r>\
             <w:r><mc:AlternateContent><mc:Choice><w:drawing><wps:txbx><w:txbxContent>\
             <w:p><w:r><w:t>Kotak: Moskow</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>\
             <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Kotak: Moskow</w:t></w:r></w:p>\
             </w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
                .to_owned(),
            make::w_table(&[&["Negara", "Klaim"], &["Rusia", "membantah"]]),
            "<w:p><w:r><w:lastRenderedPageBreak/><w:t>Halaman dua: 한국어 🇰🇷 e\u{301}.</w:t></w:r></w:p>".to_owned(),
        ]
        .concat();
        let bytes = make::docx(&body, &[(2, "Dilansir BBC, 1 Maret.")], Some("Bantahan Kremlin"));
        assert_eq!(sniff(&bytes), Some(Container::Docx));
        let doc = extract(Container::Docx, &bytes).unwrap();
        let expected = "Rusia Bantah Kirim Senjata\n\
                        Juru bicara Kremlin, Dmitry Peskov, berkata: “Tidak ada pengiriman”[1] kata résumé\tnaïve.\n\
                        Kotak: Moskow\n\
                        Negara\tKlaim\n\
                        Rusia\tmembantah\n\
                        Halaman dua: 한국어 🇰🇷 e\u{301}.\n\
                        [1] Dilansir BBC, 1 Maret.";
        assert_eq!(doc.text, expected);
        assert_eq!(doc.origin.pages, vec![0, expected.find("Halaman dua").unwrap()]);
        assert_eq!(doc.origin.format, "docx");
        assert_eq!(doc.origin.page.title.as_deref(), Some("Bantahan Kremlin"));
        assert_eq!(doc.origin.page.published.as_deref(), Some("2024-03-15"));
        assert_eq!(extract(Container::Docx, &bytes), Ok(doc), "the same file gives the same text");
    }

    #[test]
    fn hard_page_breaks_count_when_word_recorded_no_layout() {
        let body = format!(
            "{}<w:p><w:r><w:br w:type=\"page\"/><w:t>Dua</w:t><w:br/><w:t>baris</w:t></w:r></w:p>",
            make::w_paragraph("Satu", None)
        );
        let doc = extract(Container::Docx, &make::docx(&body, &[], None)).unwrap();
        assert_eq!(doc.text, "Satu\nDua\nbaris");
        assert_eq!(doc.origin.pages, vec![0, 5]);
    }

    #[test]
    fn an_opendocument_file_reads_like_a_word_file() {
        let body = "<text:h>Judul</text:h><text:p>Satu<text:s text:c=\"3\"/>dua<text:note><text:note-citation>1</text:note-citation>\
                    <text:note-body><text:p>Catatan.</text:p></text:note-body></text:note> tiga</text:p>\
                    <text:tracked-changes><text:p>dihapus</text:p></text:tracked-changes>\
                    <table:table><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell>\
                    <table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table>\
                    <text:p><text:soft-page-break/>Halaman dua</text:p>";
        let doc = extract(Container::Odt, &make::odt(body)).unwrap();
        assert_eq!(doc.text, "Judul\nSatu dua[1] tiga\na\tb\nHalaman dua\n[1] Catatan.");
        assert_eq!(doc.origin.pages, vec![0, doc.text.find("Halaman").unwrap()]);
    }

    #[test]
    fn a_pdf_reads_as_paragraphs_without_running_lines() {
        let l = PdfLine::new;
        let pages = vec![
            vec![
                l("Laporan Kremlin", 72.0, 760.0, 16.0),
                l("Juru bicara Kremlin, Dmitry Peskov, berkata bahwa laporan itu tidak", 72.0, 730.0, 10.0),
                l("benar. “Tidak ada pengiriman,” katanya kepada infor-", 72.0, 718.0, 10.0),
                l("masi résumé dan anak-", 72.0, 706.0, 10.0),
                l("anak.", 72.0, 694.0, 10.0),
                l("Paragraf kedua dimulai di sini dan berlanjut ke halaman", 72.0, 670.0, 10.0),
                l("Halaman 1 dari 2", 280.0, 40.0, 8.0),
            ],
            vec![l("berikutnya tanpa putus.", 72.0, 760.0, 10.0), l("Halaman 2 dari 2", 280.0, 40.0, 8.0)],
        ];
        let bytes = make::pdf(&pages, Some("Laporan “Kremlin”"));
        assert_eq!(sniff(&bytes), Some(Container::Pdf));
        let doc = extract(Container::Pdf, &bytes).unwrap();
        let expected = "Laporan Kremlin\n\
            Juru bicara Kremlin, Dmitry Peskov, berkata bahwa laporan itu tidak benar. “Tidak ada pengiriman,” \
            katanya kepada informasi résumé dan anak-anak.\n\
            Paragraf kedua dimulai di sini dan berlanjut ke halaman berikutnya tanpa putus.";
        assert_eq!(doc.text, expected);
        assert_eq!(doc.origin.pages, vec![0, expected.find("berikutnya").unwrap()]);
        assert_eq!(doc.origin.page.title.as_deref(), Some("Laporan “Kremlin”"));
        assert_eq!(doc.origin.page.byline.as_deref(), Some("Tim Redaksi"));
        assert_eq!(extract(Container::Pdf, &bytes), Ok(doc), "the same file gives the same text");
    }

    #[test]
    fn words_set_apart_by_positioning_get_their_spaces_and_kerns_do_not() {
        let pages = vec![vec![PdfLine::positioned("Juru bicara Kremlin, Dmitry Pes|kov, berkata", 72.0, 700.0, 10.0)]];
        let doc = extract(Container::Pdf, &make::pdf(&pages, None)).unwrap();
        assert_eq!(doc.text, "Juru bicara Kremlin, Dmitry Peskov, berkata");
    }

    #[test]
    fn a_typeset_article_keeps_its_paragraphs() {
        let para = "Kementerian Luar Negeri Rusia membantah laporan pengiriman senjata ke Korea Utara. ".repeat(6);
        let blocks = vec![
            Block::Heading("Bantahan".into()),
            Block::Paragraph(para.trim().to_owned()),
            Block::Paragraph("Paragraf pendek.".into()),
        ];
        let doc = extract(Container::Pdf, &make::pdf_article(&blocks, None)).unwrap();
        assert_eq!(doc.text, format!("Bantahan\n{}\nParagraf pendek.", para.trim()));
        assert!(doc.origin.pages.is_empty(), "one page: no page map");
    }

    #[test]
    fn broken_pdfs_say_what_is_wrong() {
        let pages = vec![vec![PdfLine::new("Rahasia", 72.0, 700.0, 12.0)]];
        assert_eq!(extract(Container::Pdf, &make::pdf_with_password(&pages, "geheim")), Err(OfficeError::Encrypted));
        assert_eq!(extract(Container::Pdf, &make::pdf(&[vec![], vec![]], None)), Err(OfficeError::NoTextLayer));
        let whole = make::pdf(&pages, None);
        let cut = extract(Container::Pdf, &whole[..whole.len() / 3]);
        assert!(matches!(cut, Err(OfficeError::Damaged { .. })), "{cut:?}");
        let doctype = make::zip_of(&[(
            "word/document.xml",
            b"<!DOCTYPE w [<!ENTITY e SYSTEM \"http://example.com/x\">]><w:document>&e;</w:document>".to_vec(),
        )]);
        assert!(matches!(extract(Container::Docx, &doctype), Err(OfficeError::Refused { .. })));
        assert_eq!(
            extract(Container::Docx, &make::docx("<w:p/>", &[], None)),
            Err(OfficeError::NoText("Word document"))
        );
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date("D:20240315093000+07'00'").as_deref(), Some("2024-03-15"));
        assert_eq!(iso_date("2024-03-15T09:30:00Z").as_deref(), Some("2024-03-15"));
        assert_eq!(iso_date("kemarin"), None);
        assert_eq!(iso_date("D:2024"), None);
    }
}
