//! Hostile and broken input, fuzzed with proptest for a fixed budget (2000
//! cases per target by default; `PROPTEST_CASES=N` for more): every reader
//! (article decoding, HTML extraction, PDF and Word extraction, the
//! annotation file, the schema, the brat and doccano importers) gets arbitrary bytes and mutations of valid
//! files (truncated, spliced, bytes replaced), and must return a value or a
//! clear error, never panic. Crashes found this way are kept below as
//! regression cases.

use crate::common;

use proptest::prelude::*;
use sorot::fixture::documents::{self as make, PdfLine};
use sorot::io::article::{ArticleFormat, decode_article};
use sorot::io::export::Offsets;
use sorot::io::import;
use sorot::io::office::Container;
use sorot::model::Schema;

const BOM: char = '\u{feff}';

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(2000)
}

fn sample_ron() -> String {
    std::fs::read_to_string(common::sample_annotations()).unwrap()
}

fn multi_ron() -> String {
    std::fs::read_to_string(common::repo().join("tests/data/multiscript.sorot.ron")).unwrap()
}

fn schema_ron() -> String {
    std::fs::read_to_string(common::repo().join("assets/schema.ron")).unwrap()
}

#[derive(Clone, Debug)]
enum Mutation {
    Truncate(prop::sample::Index),
    Delete(prop::sample::Index, usize),
    Insert(prop::sample::Index, String),
    Replace(prop::sample::Index, u8),
    Duplicate(prop::sample::Index, prop::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<prop::sample::Index>().prop_map(Mutation::Truncate),
        (any::<prop::sample::Index>(), 1usize..200).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<prop::sample::Index>(), "[(){}\\[\\],:\"0-9a-zA-Z_ \n\\\\“”😀한-]{1,12}")
            .prop_map(|(i, s)| Mutation::Insert(i, s)),
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Replace(i, b)),
        (any::<prop::sample::Index>(), any::<prop::sample::Index>()).prop_map(|(a, b)| Mutation::Duplicate(a, b)),
    ]
}

/// Applies mutations to bytes (the result may not be UTF-8).
fn mutate(mut bytes: Vec<u8>, ms: &[Mutation]) -> Vec<u8> {
    for m in ms {
        if bytes.is_empty() {
            break;
        }
        match m {
            Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len())),
            Mutation::Delete(i, n) => {
                let at = i.index(bytes.len());
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Insert(i, s) => {
                let at = i.index(bytes.len() + 1);
                bytes.splice(at..at, s.bytes());
            }
            Mutation::Replace(i, b) => {
                let at = i.index(bytes.len());
                bytes[at] = *b;
            }
            Mutation::Duplicate(a, b) => {
                let (x, y) = (a.index(bytes.len()), b.index(bytes.len()));
                let (x, y) = (x.min(y), x.max(y).min(x.min(y) + 400));
                let chunk = bytes[x..y].to_vec();
                bytes.splice(y..y, chunk);
            }
        }
    }
    bytes
}

/// An error from the annotation or schema reader: `line:col: message` lines.
fn assert_located(err: &sorot::io::LoadError) {
    let text = err.to_string();
    for line in text.lines() {
        let mut parts = line.splitn(3, ':');
        let (l, c) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        assert!(l.trim().parse::<usize>().is_ok() && c.trim().parse::<usize>().is_ok(), "not located: {line}");
    }
}

fn seed_pdf() -> Vec<u8> {
    let l = PdfLine::new;
    make::pdf(
        &[
            vec![l("Judul “Kremlin”", 72.0, 760.0, 16.0), l("Peskov berkata infor-", 72.0, 730.0, 10.0)],
            vec![l("masi résumé.", 72.0, 760.0, 10.0), l("Halaman 2", 290.0, 40.0, 8.0)],
        ],
        Some("Judul"),
    )
}

fn seed_body() -> String {
    format!(
        "{}{}<w:p><w:r><w:footnoteReference w:id=\"1\"/><w:lastRenderedPageBreak/><w:t>dua</w:t></w:r></w:p>",
        make::w_paragraph("Satu “kata” 한국", Some("Heading1")),
        make::w_table(&[&["a", "b"]])
    )
}

/// Extracts a document on a worker; `false` when it takes over ten seconds
/// (a hang). Whatever it returns is fine, as long as it returns.
fn extracts_in_time(bytes: Vec<u8>, kind: Container) -> bool {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(decode_article(&bytes, ArticleFormat::Document(kind)).map(|a| a.text));
    });
    match rx.recv_timeout(std::time::Duration::from_secs(10)) {
        Ok(Ok(text)) => !text.contains('\r'),
        Ok(Err(_)) => true,
        Err(_) => false,
    }
}

proptest! {
    // Each case parses a whole document: a quarter of the usual budget.
    #![proptest_config(ProptestConfig { cases: cases() / 4, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn pdf_extraction_takes_mutated_files(ms in prop::collection::vec(mutation(), 1..4)) {
        prop_assert!(extracts_in_time(mutate(seed_pdf(), &ms), Container::Pdf));
    }

    #[test]
    fn word_extraction_takes_mutated_files(ms in prop::collection::vec(mutation(), 1..4), inside in any::<bool>()) {
        // Mutations of the zip itself, or of the XML inside a sound zip.
        let bytes = if inside {
            let xml = mutate(format!("<w:document><w:body>{}</w:body></w:document>", seed_body()).into_bytes(), &ms);
            make::zip_of(&[("word/document.xml", xml), ("word/footnotes.xml", b"<w:footnotes/>".to_vec())])
        } else {
            mutate(make::docx(&seed_body(), &[(1, "Catatan")], Some("Judul")), &ms)
        };
        prop_assert!(extracts_in_time(bytes, Container::Docx));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn annotation_file_mutations_load_or_give_located_errors(
        which in any::<bool>(),
        ms in prop::collection::vec(mutation(), 1..4),
    ) {
        let src = if which { sample_ron() } else { multi_ron() };
        let bytes = mutate(src.into_bytes(), &ms);
        if let Ok(s) = String::from_utf8(bytes) {
            // The fast reader accepts only what reads the same through `ron`.
            prop_assert_ne!(sorot::io::ronfile::fast_path_check(&s), Some(false));
            match sorot::io::from_ron_str(&s) {
                Ok((store, _)) => {
                    // What loads, saves and loads again identically.
                    let again = sorot::io::to_ron_string(&store);
                    let (reloaded, _) = sorot::io::from_ron_str(&again).expect("a saved file loads");
                    prop_assert!(reloaded == store);
                }
                Err(e) => assert_located(&e),
            }
        }
    }

    #[test]
    fn schema_mutations_load_or_give_located_errors(ms in prop::collection::vec(mutation(), 1..4)) {
        if let Ok(s) = String::from_utf8(mutate(schema_ron().into_bytes(), &ms))
            && let Err(e) = sorot::io::ronfile::schema_from_ron(&s)
        {
            assert_located(&e);
        }
    }

    #[test]
    fn arbitrary_text_is_not_an_annotation_file(s in "\\PC{0,300}") {
        if let Err(e) = sorot::io::from_ron_str(&s) {
            assert_located(&e);
        }
    }

    #[test]
    fn article_decoding_takes_any_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..2000),
        format in 0usize..3,
    ) {
        let format = [ArticleFormat::Text, ArticleFormat::Markdown, ArticleFormat::Html][format];
        if let Ok(a) = decode_article(&bytes, format) {
            prop_assert!(!a.text.contains('\r'));
            prop_assert!(!a.text.starts_with(BOM), "BOM kept");
        }
    }

    #[test]
    fn html_extraction_takes_any_markup(
        parts in prop::collection::vec(
            prop_oneof![
                Just("<div>".to_string()), Just("</div>".to_string()), Just("<p>".to_string()),
                Just("</p>".to_string()), Just("<script>".to_string()), Just("</script>".to_string()),
                Just("<br>".to_string()), Just("&amp;".to_string()), Just("&#x1F600;".to_string()),
                Just("<!--".to_string()), Just("-->".to_string()), Just("<table><tr><td>".to_string()),
                "[a-zA-Z 한“”😀<>&;/=\"']{0,12}",
            ],
            0..200,
        ),
    ) {
        let html = parts.concat();
        let _ = decode_article(html.as_bytes(), ArticleFormat::Html);
    }

    #[test]
    fn brat_import_takes_mutated_files(
        ann_ms in prop::collection::vec(mutation(), 1..4),
        txt_ms in prop::collection::vec(mutation(), 0..2),
    ) {
        let dir = common::repo().join("tests/data/import/brat");
        let ann = mutate(std::fs::read(dir.join("multi.ann")).unwrap(), &ann_ms);
        let txt = mutate(std::fs::read(dir.join("multi.txt")).unwrap(), &txt_ms);
        if let (Ok(ann), Ok(txt)) = (String::from_utf8(ann), String::from_utf8(txt))
            && let Ok(doc) = import::parse_brat("multi", "multi.ann", txt, &ann)
        {
            let mut schema = Schema::default_news();
            import::add_to_schema(&mut schema, std::slice::from_ref(&doc));
            let _ = import::build_store(&doc, &schema, Offsets::CodePoints, "fuzz");
        }
    }

    #[test]
    fn jsonl_import_takes_mutated_files(ms in prop::collection::vec(mutation(), 1..4), utf16 in any::<bool>()) {
        let dir = common::repo().join("tests/data/import/doccano");
        let mut src = std::fs::read(dir.join("relations.jsonl")).unwrap();
        src.extend(std::fs::read(dir.join("labels.jsonl")).unwrap());
        if let Ok(s) = String::from_utf8(mutate(src, &ms))
            && let Ok(docs) = import::parse_jsonl("d", "d.jsonl", &s)
        {
            let mut schema = Schema::default_news();
            import::add_to_schema(&mut schema, &docs);
            let units = if utf16 { Offsets::Utf16 } else { Offsets::CodePoints };
            for d in &docs {
                let _ = import::build_store(d, &schema, units, "fuzz");
            }
        }
    }
}

/// Regression cases: inputs that once panicked or misbehaved.
/// Sorot's own files take the fast path and read as `ron` reads them; so
/// do most files with a byte changed inside a span line (quotes, numbers,
/// names), and none reads differently.
#[test]
fn the_fast_reader_reads_what_ron_reads() {
    let fixture = sorot::io::to_ron_string(&sorot::fixture::store(200_000, 3_000, 600, 7));
    for src in [sample_ron(), multi_ron(), fixture] {
        assert_eq!(sorot::io::ronfile::fast_path_check(&src), Some(true));
    }
    let src = multi_ron();
    let spans = src.find("\n    spans: [\n").unwrap()..src.find("\n    relations: ").unwrap();
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let (mut fast, mut same) = (0, 0);
    for _ in 0..3000 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let at = spans.start + (rng as usize) % spans.len();
        let mut bytes = src.clone().into_bytes();
        bytes[at] = b"0123456789azAZ\"\\ ,:()[]{}\n"[(rng >> 40) as usize % 25];
        let Ok(s) = String::from_utf8(bytes) else { continue };
        match sorot::io::ronfile::fast_path_check(&s) {
            Some(true) => {
                fast += 1;
                same += 1;
            }
            Some(false) => panic!("the fast reader read something else than ron at byte {at}"),
            None => {}
        }
    }
    assert!(fast > 300, "only {fast} mutated files took the fast path");
    assert_eq!(fast, same);
}

#[test]
fn regressions() {
    let schema = Schema::default_news();
    // jsonl_import_takes_mutated_files: a span whose end came before its
    // start panicked in ByteRange::new.
    for (line, want) in [
        (r#"{"text": "Rusia dan Korut", "label": [[10, 5, "Country"]]}"#, "start 10 is not before end 5"),
        (r#"{"text": "Rusia dan Korut", "label": [[5, 5, "Country"]]}"#, "start 5 is not before end 5"),
        // A span over nothing but the CR of a CRLF.
        (r#"{"text": "Rusia\r\nKorut", "label": [[5, 6, "Country"]]}"#, "cover only a dropped BOM or CR"),
    ] {
        let docs = import::parse_jsonl("d", "d.jsonl", line).unwrap();
        let e = import::build_store(&docs[0], &schema, Offsets::CodePoints, "t").unwrap_err();
        assert!(e.0.contains(want), "{line}: {e}");
    }
    // An id counter at the end of u32 would have wrapped (or panicked in a
    // debug build) at the next new annotation.
    let src = sample_ron().replacen("next_id: 27", "next_id: 4294967295", 1);
    let e = sorot::io::from_ron_str(&src).unwrap_err();
    assert!(e.to_string().contains("next_id 4294967295 is above 2147483648"), "{e}");
    // annotation_file_mutations_…: a choice value with a newline inside made
    // a two-line error message; each problem is one `line:col:` line.
    let src = sample_ron().replacen("\"reported\"", "\"repo\nrted\"", 1);
    let e = sorot::io::from_ron_str(&src).unwrap_err();
    assert_located(&e);
    assert!(e.to_string().contains("repo\\nrted"), "{e}");
}
