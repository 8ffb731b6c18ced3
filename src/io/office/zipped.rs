//! Zip containers (Word, OpenDocument) read within limits, and their XML
//! read without a DOCTYPE: no entity is expanded, nothing is fetched.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::{Container, OfficeError};

/// The most entries a document's zip may hold.
pub(super) const MAX_ENTRIES: usize = 20_000;
/// The largest part read, uncompressed.
pub(super) const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;
/// The largest compression ratio accepted for a part over 1 MiB: XML
/// compresses about 10:1, a zip bomb thousands to one.
pub(super) const MAX_RATIO: u64 = 200;

/// The kind of document a zip holds, when it is one Sorot opens.
pub(super) fn kind(bytes: &[u8]) -> Option<Container> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if archive.index_for_name("word/document.xml").is_some() {
        return Some(Container::Docx);
    }
    let mut mimetype = String::new();
    archive.by_name("mimetype").ok()?.take(200).read_to_string(&mut mimetype).ok()?;
    (mimetype.trim() == "application/vnd.oasis.opendocument.text").then_some(Container::Odt)
}

/// A document's zip, opened.
pub(super) struct Zip<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    what: &'static str,
}

impl<'a> Zip<'a> {
    pub(super) fn open(bytes: &'a [u8], what: &'static str) -> Result<Self, OfficeError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| OfficeError::Damaged { what, detail: format!("not a readable zip: {e}") })?;
        if archive.len() > MAX_ENTRIES {
            return Err(OfficeError::Refused {
                what,
                detail: format!("it holds {} parts; Sorot opens files of up to {MAX_ENTRIES}", archive.len()),
            });
        }
        Ok(Zip { archive, what })
    }

    /// The part `name` as text, `None` when the file has no such part.
    pub(super) fn part(&mut self, name: &str) -> Result<Option<String>, OfficeError> {
        let what = self.what;
        let damaged = |e: &dyn std::fmt::Display| OfficeError::Damaged { what, detail: format!("{name}: {e}") };
        let mut file = match self.archive.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(damaged(&e)),
        };
        let (size, packed) = (file.size(), file.compressed_size().max(1));
        if size > MAX_PART_BYTES {
            return Err(OfficeError::Refused {
                what,
                detail: format!("{name} unpacks to {size} bytes; Sorot reads parts of up to 256 MiB"),
            });
        }
        if size > 1024 * 1024 && size / packed > MAX_RATIO {
            return Err(OfficeError::Refused {
                what,
                detail: format!("{name} is compressed {}:1, far beyond any real document (a zip bomb?)", size / packed),
            });
        }
        // The declared size may lie: never read more than the limit.
        let mut bytes = Vec::with_capacity(size.min(MAX_PART_BYTES) as usize);
        (&mut file).take(MAX_PART_BYTES + 1).read_to_end(&mut bytes).map_err(|e| damaged(&e))?;
        if bytes.len() as u64 > MAX_PART_BYTES {
            return Err(OfficeError::Refused { what, detail: format!("{name} unpacks to more than 256 MiB") });
        }
        let text = String::from_utf8(bytes).map_err(|_| damaged(&"the part is not UTF-8 XML"))?;
        Ok(Some(text))
    }
}

/// One step through an XML part.
pub(super) enum Xml<'e, 'x> {
    /// An element opens (an empty element gives `Open` then `Close`).
    Open(&'e BytesStart<'x>),
    Close(&'e [u8]),
    Text(&'e str),
}

/// Walks `xml`, calling `f` with each element and each piece of text
/// (entities resolved: the five predefined and character references;
/// others are left out, never expanded). A DOCTYPE is refused.
pub(super) fn walk(
    xml: &str,
    what: &'static str,
    part: &str,
    mut f: impl FnMut(Xml<'_, '_>),
) -> Result<(), OfficeError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let damaged = |e: &dyn std::fmt::Display| OfficeError::Damaged { what, detail: format!("{part}: {e}") };
    loop {
        let event = reader.read_event().map_err(|e| damaged(&e))?;
        match &event {
            Event::Start(e) => f(Xml::Open(e)),
            Event::Empty(e) => {
                f(Xml::Open(e));
                f(Xml::Close(e.local_name().into_inner()));
            }
            Event::End(e) => f(Xml::Close(e.local_name().into_inner())),
            Event::Text(t) => f(Xml::Text(&t.decode().map_err(|e| damaged(&e))?)),
            Event::CData(t) => f(Xml::Text(&t.decode().map_err(|e| damaged(&e))?)),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match &**r {
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"amp" => Some('&'),
                        b"quot" => Some('"'),
                        b"apos" => Some('\''),
                        _ => None,
                    },
                    Err(e) => return Err(damaged(&e)),
                };
                if let Some(c) = c {
                    f(Xml::Text(c.encode_utf8(&mut [0; 4])));
                }
            }
            Event::DocType(_) => {
                return Err(OfficeError::Refused {
                    what,
                    detail: format!(
                        "{part} carries a DOCTYPE declaration, which office programs never write \
                         (entities are not expanded and nothing is fetched)"
                    ),
                });
            }
            Event::Eof => return Ok(()),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
}

/// The value of attribute `key` (a qualified name such as `w:id`).
pub(super) fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.try_get_attribute(key)
        .ok()
        .flatten()
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::default()).ok())
        .map(|v| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let parts: Vec<(&str, Vec<u8>)> = parts.iter().map(|(n, c)| (*n, c.to_vec())).collect();
        crate::fixture::documents::zip_of(&parts)
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_unpacks() {
        let zeros = vec![b'<'; 64 * 1024 * 1024];
        let bomb = zip_of(&[("word/document.xml", &zeros)]);
        assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
        let mut z = Zip::open(&bomb, "Word document").unwrap();
        let err = z.part("word/document.xml").unwrap_err();
        assert!(matches!(&err, OfficeError::Refused { detail, .. } if detail.contains("zip bomb")), "{err}");
    }

    #[test]
    fn doctype_and_entities_are_never_expanded() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>"#;
        let err = walk(xml, "Word document", "word/document.xml", |_| {}).unwrap_err();
        assert!(err.to_string().contains("DOCTYPE"), "{err}");
        let mut text = String::new();
        walk("<d>a &amp; b &#x201C;c&#8221; &x;</d>", "Word document", "p", |e| {
            if let Xml::Text(t) = e {
                text.push_str(t);
            }
        })
        .unwrap();
        assert_eq!(text, "a & b “c” ");
    }

    #[test]
    fn missing_parts_and_broken_zips() {
        let z = zip_of(&[("word/document.xml", b"<w:document/>")]);
        assert_eq!(kind(&z), Some(Container::Docx));
        assert_eq!(Zip::open(&z, "Word document").unwrap().part("word/footnotes.xml"), Ok(None));
        let cut = &z[..z.len() / 2];
        assert!(matches!(Zip::open(cut, "Word document"), Err(OfficeError::Damaged { .. })));
        let odt = zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")]);
        assert_eq!(kind(&odt), Some(Container::Odt));
        assert_eq!(kind(&zip_of(&[("a.txt", b"hi")])), None);
    }
}
