//! Reading an article: what the file is, encoding detection, decoding,
//! line-ending normalisation, and text extraction from HTML, PDF and
//! office documents.
//!
//! PDF, Word and OpenDocument files are recognised by their bytes
//! ([`super::office::sniff`]), never decoded as text.
//!
//! Rules (the loaded text is the reference for all offsets):
//! - a BOM decides (UTF-8, UTF-16LE, UTF-16BE) and is dropped;
//! - otherwise valid UTF-8 is UTF-8; anything else is detected with
//!   `chardetng` and decoded with `encoding_rs`, refusing malformed bytes;
//! - CRLF and lone CR become LF; nothing else is changed (no Unicode
//!   normalisation);
//! - files over [`MAX_ARTICLE_BYTES`], empty files and binary files are
//!   refused with a clear error.

use std::path::Path;

use encoding_rs::Encoding;

use super::office::{Container, OfficeError};
use crate::model::{Origin, TextMode};

/// The largest article file Sorot opens: 64 MiB.
pub const MAX_ARTICLE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArticleFormat {
    Text,
    Markdown,
    Html,
    /// A PDF, a Word or an OpenDocument file: text extracted.
    Document(Container),
}

impl ArticleFormat {
    /// From a file name's extension; unknown extensions are read as text.
    pub fn from_path(path: &Path) -> Self {
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("html" | "htm" | "xhtml") => ArticleFormat::Html,
            Some("md" | "markdown") => ArticleFormat::Markdown,
            Some(e) => Container::from_extension(e).map_or(ArticleFormat::Text, ArticleFormat::Document),
            None => ArticleFormat::Text,
        }
    }

    /// What the file at `path` with these bytes is. The bytes decide for
    /// PDF and office documents: a PDF named `.txt` is a PDF, a text file
    /// named `.pdf` is text; a file named `.docx` that starts as a zip but
    /// is not a readable one goes to the Word reader, which says it is
    /// damaged.
    pub fn detect(path: &Path, bytes: &[u8]) -> Self {
        if let Some(kind) = super::office::sniff(bytes) {
            return ArticleFormat::Document(kind);
        }
        match Self::from_path(path) {
            ArticleFormat::Document(kind @ (Container::Docx | Container::Odt)) if bytes.starts_with(b"PK") => {
                ArticleFormat::Document(kind)
            }
            ArticleFormat::Document(_) => ArticleFormat::Text,
            other => other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Article {
    pub text: String,
    /// The encoding's WHATWG name: `UTF-8`, `UTF-16LE`, `windows-1252`, …
    pub encoding: &'static str,
    pub format: ArticleFormat,
    /// How the text was made, for web pages.
    pub origin: Option<Origin>,
    /// Said to the analyst when the text is not what was asked for (a
    /// page with no article found opens as the whole page).
    pub note: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ArticleError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; Sorot opens articles up to {max} bytes (64 MiB)", max = MAX_ARTICLE_BYTES)]
    TooLarge { size: u64 },
    #[error("this looks like a binary file, not text ({reason})")]
    Binary { reason: String },
    #[error("the bytes cannot be decoded as {encoding} (first bad byte at offset {offset})")]
    Undecodable { encoding: &'static str, offset: usize },
    #[error("the HTML has no readable text (no title, headings or paragraphs)")]
    NoReadableText,
    #[error("the HTML nests elements {depth} deep; Sorot reads HTML nested up to {max} deep", max = super::web::MAX_HTML_DEPTH)]
    TooDeep { depth: usize },
    #[error("{0}")]
    Document(#[from] OfficeError),
}

/// Decodes an article file's bytes; a web page gives its article.
pub fn decode_article(bytes: &[u8], format: ArticleFormat) -> Result<Article, ArticleError> {
    decode_article_as(bytes, format, TextMode::Article)
}

/// Decodes an article file's bytes; a web page gives the text of `mode`.
pub fn decode_article_as(bytes: &[u8], format: ArticleFormat, mode: TextMode) -> Result<Article, ArticleError> {
    if bytes.len() as u64 > MAX_ARTICLE_BYTES {
        return Err(ArticleError::TooLarge { size: bytes.len() as u64 });
    }
    if let ArticleFormat::Document(kind) = format {
        if bytes.is_empty() {
            return Err(ArticleError::Empty);
        }
        let doc = super::office::extract(kind, bytes)?;
        return Ok(Article { text: doc.text, encoding: kind.describe(), format, origin: Some(doc.origin), note: None });
    }
    let (raw, encoding) = decode_bytes(bytes)?;
    let text = normalize_newlines(&raw);
    let (text, origin, note) = match format {
        ArticleFormat::Html => {
            let depth = super::web::nesting_depth(&text);
            if depth > super::web::MAX_HTML_DEPTH {
                return Err(ArticleError::TooDeep { depth });
            }
            let page = super::web::page_text(&text, mode);
            (page.text, Some(page.origin), page.note)
        }
        ArticleFormat::Text | ArticleFormat::Markdown | ArticleFormat::Document(_) => (text, None, None),
    };
    if text.trim().is_empty() {
        return Err(if format == ArticleFormat::Html && !bytes.is_empty() {
            ArticleError::NoReadableText
        } else {
            ArticleError::Empty
        });
    }
    Ok(Article { text, encoding, format, origin, note })
}

fn decode_bytes(bytes: &[u8]) -> Result<(String, &'static str), ArticleError> {
    if bytes.is_empty() {
        return Err(ArticleError::Empty);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_strict(encoding, &bytes[bom_len..]).map(|s| (s, encoding.name()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        check_not_binary(s)?;
        return Ok((s.to_owned(), encoding_rs::UTF_8.name()));
    }
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(ArticleError::Binary {
            reason: format!("NUL byte at offset {pos}; UTF-16 text needs a byte-order mark"),
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let s = decode_strict(encoding, bytes)?;
    check_not_binary(&s)?;
    Ok((s, encoding.name()))
}

fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, ArticleError> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(decoder.max_utf8_buffer_length(bytes.len()).unwrap_or(bytes.len()));
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, _) => {
            Err(ArticleError::Undecodable { encoding: encoding.name(), offset: read.saturating_sub(bad as usize) })
        }
        encoding_rs::DecoderResult::OutputFull => {
            Err(ArticleError::Undecodable { encoding: encoding.name(), offset: read })
        }
    }
}

/// Refuses text that is mostly control characters (a binary file that
/// happens to decode) or that contains NUL.
fn check_not_binary(s: &str) -> Result<(), ArticleError> {
    if let Some(pos) = s.find('\0') {
        return Err(ArticleError::Binary { reason: format!("NUL character at byte {pos}") });
    }
    let sample: Vec<char> = s.chars().take(8192).collect();
    let controls = sample.iter().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')).count();
    if controls * 10 > sample.len() {
        return Err(ArticleError::Binary {
            reason: format!("{controls} control characters in the first {} characters", sample.len()),
        });
    }
    Ok(())
}

/// CRLF and lone CR become LF.
pub fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads and decodes an article file.
pub fn read_article(path: &Path) -> anyhow::Result<Article> {
    read_article_as(path, TextMode::Article)
}

/// Reads an article as [`read_article`] does; a web page gives the text
/// of `mode`.
pub fn read_article_as(path: &Path, mode: TextMode) -> anyhow::Result<Article> {
    use anyhow::Context;
    let meta = std::fs::metadata(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if meta.is_dir() {
        anyhow::bail!("{}: is a folder, not an article", path.display());
    }
    if meta.len() > MAX_ARTICLE_BYTES {
        anyhow::bail!("{}: {}", path.display(), ArticleError::TooLarge { size: meta.len() });
    }
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    decode_article_as(&bytes, ArticleFormat::detect(path, &bytes), mode)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let a = decode_article("“Rusia”\r\nKorut".as_bytes(), ArticleFormat::Text).unwrap();
        assert_eq!(a.text, "“Rusia”\nKorut");
        assert_eq!(a.encoding, "UTF-8");
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("héllo".as_bytes());
        let a = decode_article(&bom, ArticleFormat::Text).unwrap();
        assert_eq!(a.text, "héllo");
    }

    #[test]
    fn utf16_with_bom() {
        let text = "한국 “x”\r\n🇰🇷";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let a = decode_article(&le, ArticleFormat::Text).unwrap();
        assert_eq!((a.text.as_str(), a.encoding), ("한국 “x”\n🇰🇷", "UTF-16LE"));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let a = decode_article(&be, ArticleFormat::Text).unwrap();
        assert_eq!((a.text.as_str(), a.encoding), ("한국 “x”\n🇰🇷", "UTF-16BE"));
    }

    #[test]
    fn windows_1252_curly_quotes_and_accents() {
        // “Café” said the résumé — in Windows-1252.
        let (bytes, _, _) = encoding_rs::WINDOWS_1252
            .encode("\u{201c}Café\u{201d} kata juru bicara, résumé déjà vu.\r\nSecond line with naïve élan.");
        let a = decode_article(&bytes, ArticleFormat::Text).unwrap();
        assert_eq!(a.encoding, "windows-1252");
        assert_eq!(a.text, "\u{201c}Café\u{201d} kata juru bicara, résumé déjà vu.\nSecond line with naïve élan.");
    }

    #[test]
    fn bad_input_is_refused_clearly() {
        assert_eq!(decode_article(b"", ArticleFormat::Text), Err(ArticleError::Empty));
        assert_eq!(decode_article(b"  \n ", ArticleFormat::Text), Err(ArticleError::Empty));
        assert!(matches!(
            decode_article(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", ArticleFormat::Text),
            Err(ArticleError::Binary { .. })
        ));
        assert!(matches!(
            decode_article(&[1, 2, 3, 4, 5, 6, 7, 8, b'a'], ArticleFormat::Text),
            Err(ArticleError::Binary { .. })
        ));
        // A UTF-8 BOM followed by invalid UTF-8.
        assert_eq!(
            decode_article(&[0xEF, 0xBB, 0xBF, b'a', 0xFF], ArticleFormat::Text),
            Err(ArticleError::Undecodable { encoding: "UTF-8", offset: 1 })
        );
    }

    #[test]
    fn hostile_html_is_refused_quickly() {
        let deep = "<div>".repeat(100_000) + "x";
        assert_eq!(decode_article(deep.as_bytes(), ArticleFormat::Html), Err(ArticleError::TooDeep { depth: 100_000 }));
        assert_eq!(
            decode_article(b"<html><script>var a;</script></html>", ArticleFormat::Html),
            Err(ArticleError::NoReadableText)
        );
    }

    #[test]
    fn lone_cr_and_no_normalisation() {
        assert_eq!(normalize_newlines("a\rb\r\nc\n"), "a\nb\nc\n");
        // e + combining acute stays two code points (no NFC).
        let a = decode_article("e\u{301}".as_bytes(), ArticleFormat::Markdown).unwrap();
        assert_eq!(a.text.chars().count(), 2);
    }
}
