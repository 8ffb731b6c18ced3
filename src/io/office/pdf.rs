//! PDF (its text layer): glyphs from `pdf-extract` with their positions,
//! put into lines and paragraphs by Sorot's layout rules.
//!
//! - Glyphs are read in the order the page draws them (what most writers
//!   use for reading order); a glyph moving to another baseline starts a
//!   new line, a gap of a tenth of the font size before a new string (a
//!   third inside one) is a space, and
//!   a glyph drawn twice on itself (fake bold) counts once.
//! - A line starts a new paragraph after a larger gap than the page's
//!   usual line spacing, a change of font size (headings), a first-line
//!   indent, a short line ending a sentence, or a move up the page (a new
//!   column). Lines of a paragraph are joined with a space.
//! - A word hyphenated at a line end is joined when the result is a word:
//!   the hyphen is kept when the halves are the same (Indonesian
//!   reduplication, "anak-anak") or the document writes the hyphenated
//!   form elsewhere, and when the second half starts with a capital.
//! - A line repeated at the top or bottom of at least half of the pages
//!   (numbers aside: "Halaman 3 dari 12") is a running header or footer
//!   and is left out.
//! - Ligature characters (ﬁ, ﬂ, …) are written as their letters.

use std::collections::HashSet;

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::{OfficeError, Parts, Writer, iso_date};
use crate::model::PageInfo;

/// Recorded in the document's origin; raise the layout number when the
/// text made from the same file changes (old annotations are then
/// re-anchored).
pub(super) const EXTRACTOR: &str = "pdf-extract 0.12.1 + Sorot PDF layout 1";

const WHAT: &str = "PDF";

pub(super) fn extract(bytes: &[u8]) -> Result<Parts, OfficeError> {
    let damaged = |e: &dyn std::fmt::Display| OfficeError::Damaged { what: WHAT, detail: e.to_string() };
    let mut doc = pdf_extract::Document::load_mem(bytes).map_err(|e| match e {
        pdf_extract::Error::Decryption(_) => OfficeError::Encrypted,
        e => damaged(&e),
    })?;
    if doc.is_encrypted() {
        // Many PDFs are encrypted with an empty password, only to restrict
        // printing or copying; readers open them without asking.
        doc.decrypt("").map_err(|_| OfficeError::Encrypted)?;
    }
    let info = info(&doc);
    let mut glyphs = Glyphs::default();
    // All pages in one pass: fonts are read once, not once per page.
    pdf_extract::output_doc(&doc, &mut glyphs).map_err(|e| damaged(&describe(&e)))?;
    let (text, pages) = layout(&glyphs.pages);
    Ok(Parts { text, pages, info })
}

fn describe(e: &OutputError) -> String {
    match e {
        OutputError::PdfError(e) => e.to_string(),
        OutputError::IoError(e) => e.to_string(),
        OutputError::FormatError(e) => e.to_string(),
    }
}

/// Title, author and creation date from the document information.
fn info(doc: &pdf_extract::Document) -> PageInfo {
    let dict = doc.trailer.get(b"Info").ok().and_then(|o| match o {
        pdf_extract::Object::Reference(id) => doc.get_dictionary(*id).ok(),
        pdf_extract::Object::Dictionary(d) => Some(d),
        _ => None,
    });
    let Some(dict) = dict else { return PageInfo::default() };
    let field = |key: &[u8]| {
        dict.get(key)
            .ok()
            .and_then(|o| pdf_extract::decode_text_string(o).ok())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    PageInfo {
        title: field(b"Title"),
        byline: field(b"Author"),
        published: field(b"CreationDate").and_then(|d| iso_date(&d)),
        ..PageInfo::default()
    }
}

/// One glyph as drawn: position (top-down), font size, advance.
#[derive(Clone, Debug)]
struct Glyph {
    x: f64,
    y: f64,
    size: f64,
    advance: f64,
    text: String,
    /// The first glyph of a text-showing operation (a string of `TJ`).
    starts_run: bool,
    rotated: bool,
}

#[derive(Default)]
struct Glyphs {
    pages: Vec<Vec<Glyph>>,
    height: f64,
    starts_run: bool,
}

impl OutputDev for Glyphs {
    fn begin_page(&mut self, _: u32, media_box: &MediaBox, _: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        self.height = media_box.ury - media_box.lly;
        self.pages.push(Vec::new());
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let vx = font_size * trm.m11 + font_size * trm.m21;
        let vy = font_size * trm.m12 + font_size * trm.m22;
        let size = (vx * vy).abs().sqrt();
        let glyph = Glyph {
            x: trm.m31,
            y: self.height - trm.m32,
            size: if size.is_finite() && size > 0.0 { size } else { 1.0 },
            advance: width * size,
            text: text.to_owned(),
            starts_run: std::mem::take(&mut self.starts_run),
            rotated: trm.m12.abs() > trm.m11.abs(),
        };
        if glyph.x.is_finite() && glyph.y.is_finite() {
            match self.pages.last_mut() {
                Some(page) => page.push(glyph),
                None => self.pages.push(vec![glyph]),
            }
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.starts_run = true;
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A line of glyphs on one baseline.
#[derive(Clone, Debug, Default)]
struct Line {
    text: String,
    y: f64,
    size: f64,
    x0: f64,
    x1: f64,
}

fn lines_of(glyphs: &[Glyph]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut last: Option<&Glyph> = None;
    for g in glyphs {
        let text = unfold_ligatures(&g.text);
        let new_line = match (last, lines.last()) {
            (Some(prev), Some(line)) => {
                if g.rotated && prev.rotated {
                    false
                } else {
                    (g.y - line.y).abs() > 0.5 * g.size.max(line.size).max(1.0)
                }
            }
            _ => true,
        };
        if new_line {
            lines.push(Line { text: String::new(), y: g.y, size: g.size, x0: g.x, x1: g.x });
        }
        let Some(line) = lines.last_mut() else { continue };
        if let Some(prev) = last.filter(|_| !new_line) {
            // Fake bold: the same glyph drawn again on (almost) itself.
            if prev.text == g.text && (prev.x - g.x).abs() < 0.1 * g.size && (prev.y - g.y).abs() < 0.1 * g.size {
                continue;
            }
            // Writers that set words apart by positioning (TeX, justified
            // text) start each word as a string of its own: a tenth of an
            // em there is a space, as pdf-extract reads it; inside a
            // string only a wider gap is.
            let gap = g.x - (prev.x + prev.advance);
            let space = if g.starts_run { 0.1 } else { 0.3 };
            if gap > space * g.size && !line.text.ends_with(' ') && !text.starts_with(' ') {
                line.text.push(' ');
            }
        }
        line.text.push_str(&text);
        line.size = line.size.max(g.size);
        line.x0 = line.x0.min(g.x);
        line.x1 = line.x1.max(g.x + g.advance);
        last = Some(g);
    }
    for line in &mut lines {
        line.text = line.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    lines.retain(|l| !l.text.is_empty());
    lines
}

/// Ligature characters (ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) as their letters.
fn unfold_ligatures(s: &str) -> std::borrow::Cow<'_, str> {
    const LIGATURES: [(char, &str); 7] = [
        ('\u{fb00}', "ff"),
        ('\u{fb01}', "fi"),
        ('\u{fb02}', "fl"),
        ('\u{fb03}', "ffi"),
        ('\u{fb04}', "ffl"),
        ('\u{fb05}', "st"),
        ('\u{fb06}', "st"),
    ];
    if !s.chars().any(|c| ('\u{fb00}'..='\u{fb06}').contains(&c)) {
        return s.into();
    }
    s.chars()
        .map(|c| LIGATURES.iter().find(|(l, _)| *l == c).map_or_else(|| c.to_string(), |(_, to)| (*to).to_owned()))
        .collect::<String>()
        .into()
}

/// A line's text with numbers made one sign, for spotting running
/// headers and footers ("Halaman 3" and "Halaman 4" are the same).
fn running_key(text: &str) -> String {
    let mut key = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_digit() {
            if !key.ends_with('#') {
                key.push('#');
            }
        } else if !c.is_whitespace() {
            key.push(c);
        }
    }
    key
}

/// Leaves out running headers and footers: the top or bottom line of a
/// page whose key recurs at the same end of at least half of the pages.
fn drop_running_lines(pages: &mut [Vec<Line>]) {
    if pages.len() < 2 {
        return;
    }
    let top = |lines: &[Line]| lines.iter().enumerate().min_by(|a, b| a.1.y.total_cmp(&b.1.y)).map(|(i, _)| i);
    let bottom = |lines: &[Line]| lines.iter().enumerate().max_by(|a, b| a.1.y.total_cmp(&b.1.y)).map(|(i, _)| i);
    for end in [top as fn(&[Line]) -> Option<usize>, bottom] {
        let keys: Vec<Option<String>> =
            pages.iter().map(|lines| end(lines).map(|i| running_key(&lines[i].text))).collect();
        let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for key in keys.iter().flatten() {
            *counts.entry(key.as_str()).or_default() += 1;
        }
        let threshold = pages.len().div_ceil(2).max(2);
        let running: HashSet<String> =
            counts.into_iter().filter(|&(_, n)| n >= threshold).map(|(k, _)| k.to_owned()).collect();
        for (lines, key) in pages.iter_mut().zip(&keys) {
            if let (Some(i), Some(key)) = (end(lines), key)
                && running.contains(key)
            {
                lines.remove(i);
            }
        }
    }
}

/// The most common value, rounded to half a point.
fn mode(values: impl Iterator<Item = f64>) -> Option<f64> {
    let mut counts: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    for v in values {
        *counts.entry((v * 2.0).round() as i64).or_default() += 1;
    }
    counts.into_iter().max_by_key(|&(v, n)| (n, -v)).map(|(v, _)| v as f64 / 2.0)
}

/// Whether line `b` starts a new paragraph after line `a` on a page with
/// the usual `leading`, left edge `left` and right edge `right`.
fn breaks(a: &Line, b: &Line, leading: Option<f64>, left: f64, right: f64) -> bool {
    let size = a.size.max(b.size);
    let dy = b.y - a.y;
    if dy <= 0.0 {
        return true;
    }
    if (a.size - b.size).abs() > 0.12 * size {
        return true;
    }
    let usual = leading.filter(|l| *l > 0.5 * size && *l < 2.5 * size).unwrap_or(1.2 * size);
    if dy > usual * 1.35 {
        return true;
    }
    if b.x0 > left + 0.8 * b.size && b.x0 > a.x0 + 0.8 * b.size {
        return true;
    }
    let ends_sentence = a.text.ends_with(['.', '!', '?', ':', '"', '”', '’', ')']);
    ends_sentence && a.x1 < right - 3.0 * a.size
}

fn layout(glyph_pages: &[Vec<Glyph>]) -> (String, Vec<usize>) {
    let mut pages: Vec<Vec<Line>> = glyph_pages.iter().map(|g| lines_of(g)).collect();
    drop_running_lines(&mut pages);
    // Words the document writes, for deciding hyphenation.
    let mut words: HashSet<String> = HashSet::new();
    for line in pages.iter().flatten() {
        for w in line.text.split_whitespace() {
            words.insert(w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase());
        }
    }
    let mut out = Writer::default();
    let mut para = String::new();
    let mut prev: Option<&Line> = None;
    for (number, lines) in pages.iter().enumerate() {
        let leading = mode(lines.windows(2).filter_map(|w| {
            let dy = w[1].y - w[0].y;
            ((w[0].size - w[1].size).abs() < 0.5 && dy > 0.0 && dy < 3.0 * w[0].size).then_some(dy)
        }));
        let left = mode(lines.iter().map(|l| l.x0)).unwrap_or(0.0);
        let right = lines.iter().map(|l| l.x1).fold(0.0, f64::max);
        for (i, line) in lines.iter().enumerate() {
            let new_paragraph = match &prev {
                None => true,
                // The first line of a page continues the last paragraph of
                // the one before when that did not end a sentence and this
                // one starts in lower case.
                Some(a) if i == 0 => {
                    a.text.ends_with(['.', '!', '?', ':', '"', '”'])
                        || !line.text.chars().next().is_some_and(char::is_lowercase)
                        || (a.size - line.size).abs() > 0.12 * a.size.max(line.size)
                }
                Some(a) => breaks(a, line, leading, left, right),
            };
            if new_paragraph {
                if !para.is_empty() {
                    out.push(&std::mem::take(&mut para));
                    out.end_line();
                }
                if i == 0 {
                    out.start_page(number);
                }
                para.push_str(&line.text);
            } else {
                let (drop_hyphen, piece) = join(&para, &line.text, &words);
                if drop_hyphen {
                    para.pop();
                }
                if i == 0 {
                    // The page starts inside this paragraph.
                    out.push(&std::mem::take(&mut para));
                    out.start_page(number);
                }
                para.push_str(&piece);
            }
            prev = Some(line);
        }
        if lines.is_empty() {
            out.start_page(number);
        }
    }
    if !para.is_empty() {
        out.push(&para);
    }
    out.finish()
}

/// How the next line of a paragraph, `line`, follows `before`: after a
/// space, or, for a word hyphenated at the line end, right after it, with
/// the hyphen dropped (`true`) when the halves make a word.
fn join(before: &str, line: &str, words: &HashSet<String>) -> (bool, String) {
    let head: String = line.chars().take_while(|c| c.is_alphabetic()).collect();
    if let Some(stem) = before.strip_suffix('-')
        && let Some(tail) = stem.rsplit(|c: char| !c.is_alphabetic()).next().filter(|t| !t.is_empty())
        && !head.is_empty()
    {
        let (tail_l, head_l) = (tail.to_lowercase(), head.to_lowercase());
        let keep = tail_l == head_l
            || words.contains(&format!("{tail_l}-{head_l}"))
            || head.chars().next().is_some_and(char::is_uppercase) && !words.contains(&format!("{tail_l}{head_l}"));
        return (!keep, line.to_owned());
    }
    (false, format!(" {line}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> HashSet<String> {
        text.split_whitespace().map(str::to_lowercase).collect()
    }

    #[test]
    fn hyphenation_joins_words_and_keeps_reduplication() {
        let w = words("informasi anak-anak");
        assert_eq!(join("kata infor-", "masi itu", &w), (true, "masi itu".into()));
        assert_eq!(join("para anak-", "anak bermain", &w), (false, "anak bermain".into()));
        assert_eq!(join("dua anak-", "anak", &HashSet::new()), (false, "anak".into()));
        assert_eq!(join("Jawa-", "Barat", &HashSet::new()), (false, "Barat".into()));
        assert_eq!(join("akhir.", "Baru", &w), (false, " Baru".into()));
        assert_eq!(join("angka 1990-", "2000", &w), (false, " 2000".into()));
    }

    #[test]
    fn running_lines_ignore_numbers() {
        assert_eq!(running_key("Halaman 3 dari 12"), running_key("Halaman 10 dari 12"));
        assert_ne!(running_key("Peskov berkata"), running_key("Halaman 1"));
    }

    fn line(text: &str, y: f64, x0: f64, x1: f64) -> Line {
        Line { text: text.into(), y, size: 10.0, x0, x1 }
    }

    #[test]
    fn paragraph_breaks() {
        // Usual leading 12: a 12-point step continues, 20 breaks.
        let a = line("Kremlin membantah laporan itu dan", 100.0, 50.0, 500.0);
        assert!(!breaks(&a, &line("menyebutnya", 112.0, 50.0, 300.0), Some(12.0), 50.0, 500.0));
        assert!(breaks(&a, &line("Baru", 132.0, 50.0, 300.0), Some(12.0), 50.0, 500.0));
        // A first-line indent, a short line ending a sentence, a new column.
        assert!(breaks(&a, &line("Indented", 112.0, 70.0, 500.0), Some(12.0), 50.0, 500.0));
        let short = line("ujarnya.", 100.0, 50.0, 120.0);
        assert!(breaks(&short, &line("Next", 112.0, 50.0, 500.0), Some(12.0), 50.0, 500.0));
        assert!(breaks(&a, &line("Top of column two", 40.0, 300.0, 500.0), Some(12.0), 50.0, 500.0));
        // A heading: another size.
        let heading = Line { size: 16.0, ..line("Judul", 80.0, 50.0, 200.0) };
        assert!(breaks(&heading, &a, Some(12.0), 50.0, 500.0));
    }
}
