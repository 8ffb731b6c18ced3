//! OpenDocument text (`.odt`, LibreOffice and others): the body of
//! `content.xml` in reading order, frames after their paragraph, tables one
//! row per line, notes after the body. Pages come from the soft page
//! breaks the writer recorded at its last layout, and hard breaks where
//! there are none. Comments and tracked deletions are left out.

use super::flow::Flow;
use super::zipped::{Xml, Zip, attr, walk};
use super::{OfficeError, Parts, iso_date};
use crate::model::PageInfo;

/// Recorded in the document's origin; raise it when the text changes.
pub(super) const EXTRACTOR: &str = "Sorot OpenDocument reader 1";

const WHAT: &str = "OpenDocument text";

pub(super) fn extract(bytes: &[u8]) -> Result<Parts, OfficeError> {
    let mut zip = Zip::open(bytes, WHAT)?;
    let content = zip
        .part("content.xml")?
        .ok_or_else(|| OfficeError::Damaged { what: WHAT, detail: "it has no content.xml".into() })?;
    let info = match zip.part("meta.xml")? {
        Some(xml) => meta(&xml)?,
        None => PageInfo::default(),
    };
    let mut flow = Flow::new();
    let (mut in_body, mut skip) = (false, 0usize);
    // A note: its citation and its body's paragraphs, written after the body.
    let mut note: Option<(String, Vec<String>, String)> = None;
    let mut in_citation = false;
    walk(&content, WHAT, "content.xml", |event| match event {
        Xml::Open(e) => {
            let name = e.name();
            let name = name.as_ref();
            if name == b"office:text" {
                in_body = true;
                return;
            }
            if !in_body {
                return;
            }
            if skip > 0 || SKIPPED.contains(&name) {
                skip += 1;
                return;
            }
            if let Some((_, lines, line)) = note.as_mut() {
                match name {
                    b"text:note-citation" => in_citation = true,
                    b"text:s" => line.push(' '),
                    b"text:tab" => line.push(' '),
                    b"text:p" | b"text:h" if !line.is_empty() => lines.push(std::mem::take(line)),
                    _ => {}
                }
                return;
            }
            match name {
                b"text:note" => note = Some((String::new(), Vec::new(), String::new())),
                b"text:s" => {
                    let n = attr(e, "text:c").and_then(|c| c.parse::<usize>().ok()).unwrap_or(1).min(1000);
                    flow.text(&" ".repeat(n));
                }
                b"text:tab" => flow.text("\t"),
                b"text:line-break" => flow.line_break(),
                b"text:soft-page-break" => flow.page_break(),
                b"draw:text-box" => flow.open_box(),
                b"table:table" => flow.open_table(),
                b"table:table-cell" => flow.open_cell(),
                _ => {}
            }
        }
        Xml::Close(name) => {
            if !in_body {
                return;
            }
            if skip > 0 {
                skip -= 1;
                return;
            }
            if let Some((citation, lines, line)) = note.as_mut() {
                match name {
                    b"note-citation" => in_citation = false,
                    b"p" | b"h" => lines.push(std::mem::take(line)),
                    b"note" => {
                        let (citation, lines) = (std::mem::take(citation), std::mem::take(lines));
                        note = None;
                        flow.note(format!("[{}]", citation.trim()), lines);
                    }
                    _ => {}
                }
                return;
            }
            match name {
                b"text" => in_body = false,
                b"p" | b"h" => flow.end_paragraph(),
                b"text-box" => flow.close_box(),
                b"table-cell" => flow.close_cell(),
                b"table-row" => flow.close_row(),
                b"table" => flow.close_table(),
                _ => {}
            }
        }
        Xml::Text(t) => {
            if !in_body || skip > 0 {
                return;
            }
            match note.as_mut() {
                Some((citation, _, _)) if in_citation => citation.push_str(t),
                Some((_, _, line)) => line.push_str(t),
                None => flow.text(t),
            }
        }
    })?;
    let (text, pages) = flow.finish();
    Ok(Parts { text, pages, info })
}

/// Not the document's text: comments, tracked changes (deleted text lives
/// there), declarations, and a frame's alternative description.
const SKIPPED: [&[u8]; 6] =
    [b"office:annotation", b"text:tracked-changes", b"text:sequence-decls", b"office:forms", b"svg:desc", b"svg:title"];

/// Title, author and creation date from `meta.xml`.
fn meta(xml: &str) -> Result<PageInfo, OfficeError> {
    let mut info = PageInfo::default();
    let mut field: Option<u8> = None;
    let mut value = String::new();
    walk(xml, WHAT, "meta.xml", |event| match event {
        Xml::Open(e) => {
            field = match e.name().as_ref() {
                b"dc:title" => Some(0),
                b"meta:initial-creator" | b"dc:creator" => Some(1),
                b"meta:creation-date" => Some(2),
                _ => None,
            };
            value.clear();
        }
        Xml::Text(t) => value.push_str(t),
        Xml::Close(_) => {
            let v = value.trim().to_owned();
            match field {
                Some(0) if !v.is_empty() => info.title = Some(v),
                Some(1) if !v.is_empty() && info.byline.is_none() => info.byline = Some(v),
                Some(2) => info.published = iso_date(&v).or(info.published.take()),
                _ => {}
            }
            field = None;
            value.clear();
        }
    })?;
    Ok(info)
}
