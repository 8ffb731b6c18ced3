//! Word (`.docx`): the body of `word/document.xml` in reading order, text
//! boxes after their paragraph, tables one row per line, footnotes and
//! endnotes after the body. Headers, footers, comments, deleted and
//! moved-away text and field codes are left out.
//!
//! Pages: Word records where it last broke pages when it saved
//! (`w:lastRenderedPageBreak`); those give the page map. A file that never
//! went through Word's layout has only its hard page breaks.

use std::collections::HashMap;

use super::flow::{Flow, roman};
use super::zipped::{Xml, Zip, attr, walk};
use super::{OfficeError, Parts, iso_date};
use crate::model::PageInfo;

/// Recorded in the document's origin; raise the number when the text made
/// from the same file changes (old annotations are then re-anchored).
pub(super) const EXTRACTOR: &str = "Sorot Word reader 1";

const WHAT: &str = "Word document";

pub(super) fn extract(bytes: &[u8]) -> Result<Parts, OfficeError> {
    let mut zip = Zip::open(bytes, WHAT)?;
    let body = zip
        .part("word/document.xml")?
        .ok_or_else(|| OfficeError::Damaged { what: WHAT, detail: "it has no word/document.xml".into() })?;
    let footnotes = notes(&mut zip, "word/footnotes.xml", "w:footnote")?;
    let endnotes = notes(&mut zip, "word/endnotes.xml", "w:endnote")?;
    let info = match zip.part("docProps/core.xml")? {
        Some(xml) => core_properties(&xml)?,
        None => PageInfo::default(),
    };
    let rendered = body.contains("lastRenderedPageBreak");
    let mut flow = Flow::new();
    let mut reader = Reader { skip: 0, in_t: false, in_run: 0 };
    let (mut footnote_marks, mut endnote_marks) = (0, 0);
    walk(&body, WHAT, "word/document.xml", |event| match event {
        Xml::Open(e) => {
            let name = e.name();
            let name = name.as_ref();
            if reader.skip > 0 || SKIPPED.contains(&name) {
                reader.skip += 1;
                return;
            }
            match name {
                b"w:t" => reader.in_t = true,
                b"w:r" => reader.in_run += 1,
                b"w:tab" if reader.in_run > 0 => flow.text("\t"),
                b"w:noBreakHyphen" => flow.text("-"),
                b"w:br" | b"w:cr" => {
                    if attr(e, "w:type").as_deref() == Some("page") {
                        if !rendered {
                            flow.page_break();
                        }
                    } else if attr(e, "w:type").as_deref() != Some("column") {
                        flow.line_break();
                    }
                }
                b"w:lastRenderedPageBreak" if rendered => flow.page_break(),
                b"w:pageBreakBefore"
                    if !rendered && !matches!(attr(e, "w:val").as_deref(), Some("0" | "false" | "off")) =>
                {
                    flow.page_break()
                }
                b"w:txbxContent" => flow.open_box(),
                b"w:tbl" => flow.open_table(),
                b"w:tc" => flow.open_cell(),
                b"w:footnoteReference" => {
                    footnote_marks += 1;
                    let lines = attr(e, "w:id").and_then(|id| footnotes.get(&id).cloned()).unwrap_or_default();
                    flow.note(format!("[{footnote_marks}]"), lines);
                }
                b"w:endnoteReference" => {
                    endnote_marks += 1;
                    let lines = attr(e, "w:id").and_then(|id| endnotes.get(&id).cloned()).unwrap_or_default();
                    flow.note(format!("[{}]", roman(endnote_marks)), lines);
                }
                _ => {}
            }
        }
        Xml::Close(name) => {
            if reader.skip > 0 {
                reader.skip -= 1;
                return;
            }
            match name {
                b"t" => reader.in_t = false,
                b"r" => reader.in_run = reader.in_run.saturating_sub(1),
                b"p" => flow.end_paragraph(),
                b"txbxContent" => flow.close_box(),
                b"tc" => flow.close_cell(),
                b"tr" => flow.close_row(),
                b"tbl" => flow.close_table(),
                _ => {}
            }
        }
        Xml::Text(t) => {
            if reader.skip == 0 && reader.in_t {
                flow.text(t);
            }
        }
    })?;
    let (text, pages) = flow.finish();
    Ok(Parts { text, pages, info })
}

/// Elements whose content is not the document's text: the duplicate of a
/// drawing for old readers, moved-away and deleted text, field codes, and
/// the mark inside a note (its number is written by the reference).
const SKIPPED: [&[u8]; 6] =
    [b"mc:Fallback", b"w:moveFrom", b"w:del", b"w:instrText", b"w:footnoteRef", b"w:endnoteRef"];

struct Reader {
    skip: usize,
    in_t: bool,
    in_run: usize,
}

/// The notes of a part (`w:footnote` or `w:endnote` elements) by id, each
/// as its paragraphs.
fn notes(zip: &mut Zip<'_>, part: &str, element: &str) -> Result<HashMap<String, Vec<String>>, OfficeError> {
    let Some(xml) = zip.part(part)? else { return Ok(HashMap::new()) };
    let mut notes: HashMap<String, Vec<String>> = HashMap::new();
    let mut current: Option<String> = None;
    let (mut skip, mut in_t) = (0usize, false);
    let mut line = String::new();
    walk(&xml, WHAT, part, |event| match event {
        Xml::Open(e) => {
            let name = e.name();
            if skip > 0 || SKIPPED.contains(&name.as_ref()) {
                skip += 1;
            } else if name.as_ref() == element.as_bytes() {
                current = attr(e, "w:id");
            } else if name.as_ref() == b"w:t" {
                in_t = true;
            } else if name.as_ref() == b"w:tab" {
                line.push(' ');
            }
        }
        Xml::Close(name) => {
            if skip > 0 {
                skip -= 1;
            } else if name == b"t" {
                in_t = false;
            } else if name == b"p" {
                if let Some(id) = &current {
                    notes.entry(id.clone()).or_default().push(std::mem::take(&mut line));
                }
                line.clear();
            }
        }
        Xml::Text(t) => {
            if skip == 0 && in_t {
                line.push_str(t);
            }
        }
    })?;
    Ok(notes)
}

/// Title, author and creation date from `docProps/core.xml`.
fn core_properties(xml: &str) -> Result<PageInfo, OfficeError> {
    let mut info = PageInfo::default();
    let mut field: Option<&'static str> = None;
    let mut value = String::new();
    walk(xml, WHAT, "docProps/core.xml", |event| match event {
        Xml::Open(e) => {
            field = match e.name().as_ref() {
                b"dc:title" => Some("title"),
                b"dc:creator" => Some("creator"),
                b"dcterms:created" => Some("created"),
                _ => None,
            };
            value.clear();
        }
        Xml::Text(t) => value.push_str(t),
        Xml::Close(_) => {
            let v = value.trim();
            if !v.is_empty() {
                match field {
                    Some("title") => info.title = Some(v.to_owned()),
                    Some("creator") => info.byline = Some(v.to_owned()),
                    Some("created") => info.published = iso_date(v),
                    _ => {}
                }
            }
            field = None;
            value.clear();
        }
    })?;
    Ok(info)
}
