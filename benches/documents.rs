//! PDF and Word articles: how fast they open, against the floor of their
//! extractor or parser alone, on generated documents (`fixture::documents`):
//! a 100-page text PDF and a 300-page Word file of news paragraphs.
//!
//! `cargo bench --bench documents`. The targets (issue #18): the PDF's text
//! in at most 2 s, the Word file's in at most 1 s, on this machine.

use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

use sorot::fixture::documents::{self as make, Block};
use sorot::fixture::{Rng, text};
use sorot::io::article::{ArticleFormat, decode_article};
use sorot::io::office::Container;

/// The fastest of three runs.
fn best<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = None;
    let mut fastest = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let r = f();
        fastest = fastest.min(t.elapsed());
        out = Some(r);
    }
    (fastest, out.expect("ran"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let mut rng = Rng::new(18);
    // News paragraphs of 300–900 bytes, a heading every ten.
    let mut blocks = Vec::new();
    // What Helvetica in WinAnsi can draw (the generator's Hangul and emoji
    // cannot be in a simple PDF font).
    let latin = |s: String| -> String {
        s.lines().next().unwrap_or_default().chars().filter(|c| c.is_ascii() || "“”‘’éèàüö".contains(*c)).collect()
    };
    while blocks.len() < 2600 {
        if blocks.len() % 10 == 0 {
            let heading: String = latin(text(40, &mut rng)).split(' ').take(6).collect::<Vec<_>>().join(" ");
            blocks.push(Block::Heading(heading));
        }
        blocks.push(Block::Paragraph(latin(text(300, &mut rng))));
    }

    // PDF: 100 pages.
    let pages = make::typeset(&blocks);
    let pages: Vec<_> = pages.into_iter().take(100).collect();
    let pdf = make::pdf(&pages, Some("Laporan"));
    let (open, article) =
        best(|| decode_article(&pdf, ArticleFormat::Document(Container::Pdf)).expect("the generated PDF opens"));
    let page_count = article.origin.as_ref().map_or(0, |o| o.pages.len());
    let (floor, _) = best(|| pdf_extract::extract_text_from_mem(&pdf).expect("pdf-extract reads it"));
    let (parse, _) = best(|| pdf_extract::Document::load_mem(&pdf).expect("lopdf reads it"));
    println!(
        "pdf: {page_count} pages, {:.1} MB, {} chars of text: open {:.0} ms (target 2000) · floor: pdf-extract's own \
         text {:.0} ms, parsing alone {:.0} ms · ratio to floor {:.2}",
        pdf.len() as f64 / 1e6,
        article.text.chars().count(),
        ms(open),
        ms(floor),
        ms(parse),
        open.as_secs_f64() / floor.as_secs_f64()
    );

    // Word: 300 pages (a rendered page break every eight paragraphs).
    let mut body = String::new();
    let mut paragraphs = 0;
    for block in blocks.iter().cycle().take(2700) {
        match block {
            Block::Heading(t) => body.push_str(&make::w_paragraph(t, Some("Heading1"))),
            Block::Paragraph(t) => {
                paragraphs += 1;
                // A bold first word, the rest in a run of its own.
                let (first, rest) = t.split_once(' ').unwrap_or((t, ""));
                let brk = if paragraphs % 8 == 0 { "<w:lastRenderedPageBreak/>" } else { "" };
                body.push_str(&format!(
                    "<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>{brk}<w:t>{}</w:t></w:r>\
                     <w:r><w:t xml:space=\"preserve\"> {}</w:t></w:r></w:p>",
                    make::xml_escape(first),
                    make::xml_escape(rest)
                ));
            }
        }
    }
    let docx = make::docx(&body, &[], Some("Laporan"));
    let (open, article) =
        best(|| decode_article(&docx, ArticleFormat::Document(Container::Docx)).expect("the generated file opens"));
    let page_count = article.origin.as_ref().map_or(0, |o| o.pages.len());
    let (floor, _) = best(|| {
        // The floor: unpacking document.xml and reading every XML event.
        let mut zip = zip::ZipArchive::new(Cursor::new(&docx)).expect("zip");
        let mut xml = String::new();
        zip.by_name("word/document.xml").expect("part").read_to_string(&mut xml).expect("read");
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut events = 0usize;
        while !matches!(reader.read_event(), Ok(quick_xml::events::Event::Eof) | Err(_)) {
            events += 1;
        }
        events
    });
    println!(
        "docx: {page_count} pages, {:.1} MB, {} chars of text: open {:.0} ms (target 1000) · floor: unzip + XML \
         events {:.0} ms · ratio to floor {:.2}",
        docx.len() as f64 / 1e6,
        article.text.chars().count(),
        ms(open),
        ms(floor),
        open.as_secs_f64() / floor.as_secs_f64()
    );
}
