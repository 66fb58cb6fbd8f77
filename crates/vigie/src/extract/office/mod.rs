//! Office Open XML (docx, xlsx, pptx and their macro-enabled variants) and
//! OpenDocument (odt, ods, odp): the text of each XML part, with the part it
//! belongs to (body, header, footer, notes, comments, metadata, label), and
//! the media and embedded files handed back to the dispatcher.
//!
//! This module knows the parts of a package and which [`Part`] each one's
//! text belongs to; one XML walker (`walk.rs`) reads them all, a table
//! reader ([`tables`]) gives back the credentials kept in table cells,
//! [`sheet`] knows spreadsheet cells, [`custom`] the custom properties.
//!
//! Where the parts go:
//! - a PowerPoint slide master or layout (and a handout master), and an
//!   OpenDocument master page, are [`Part::Header`]: what is placed there
//!   is on every slide, where a banner stands; notes masters are notes;
//!   a slide's footer and header placeholders (`p:ph type="ftr"`, `hdr`)
//!   and a presentation's `presentation:footer-decl` are footers and
//!   headers;
//! - Excel's legacy and threaded comments are comments; drawings, text
//!   boxes and charts are body text;
//! - Word's glossary (building blocks: cover pages, watermarks, quick
//!   parts kept in the file but not in its text) is [`Part::Hidden`];
//! - tracked deletions and moves (`w:delText`) are body text like the rest:
//!   an unaccepted deletion of a banner leaves the banner in the file.

mod custom;
mod rules;
mod sheet;
mod tables;
mod walk;

use std::io::Cursor;

use ::zip::ZipArchive;
use quick_xml::Reader;
use quick_xml::events::Event;

use super::archive::{entry_name, read_entry};
use super::sniff::OfficeKind;
use super::{Extractor, child, located};
use crate::report::{Part, ProblemCode};
use custom::custom_properties;
use rules::XmlRules;
use walk::{Walked, walk};

/// What to do with one entry of an office archive.
enum Role {
    /// Read its XML with these rules; `page` for slides.
    Xml(XmlRules, Option<u32>),
    /// A sensitivity-label carrier (`docProps/custom.xml`).
    CustomProperties,
    /// A media or embedded file: dispatch it.
    Embedded,
    /// Another entry: read as XML body text if it is XML, dispatched
    /// otherwise, so that nothing in the archive goes unread.
    Other(XmlRules),
    /// Styles, themes, relationships, fonts: nothing to read.
    Skip,
}

/// Entries of an office archive known to hold no document text: package
/// plumbing, styles, themes, fonts, settings, thumbnails of the document's
/// own first page.
fn is_noise(kind: OfficeKind, name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    let lower = name.to_ascii_lowercase();
    let dir = |d: &str| name.starts_with(d) || name.contains(&format!("/{d}"));
    match kind {
        OfficeKind::Ooxml => {
            name == "[Content_Types].xml"
                || lower.ends_with(".rels")
                || lower.ends_with(".odttf")
                || dir("fonts/")
                || dir("theme/")
                || dir("printerSettings/")
                || lower.starts_with("docprops/thumbnail.")
                || matches!(
                    file,
                    "styles.xml"
                        | "stylesWithEffects.xml"
                        | "settings.xml"
                        | "fontTable.xml"
                        | "webSettings.xml"
                        | "numbering.xml"
                        | "calcChain.xml"
                        | "presProps.xml"
                        | "viewProps.xml"
                        | "tableStyles.xml"
                )
        }
        OfficeKind::Odf => {
            name == "mimetype"
                || name == "settings.xml"
                || name == "META-INF/manifest.xml"
                || name == "layout-cache"
                || name.starts_with("Configurations2/")
                || name.starts_with("Thumbnails/")
        }
    }
}

/// Whether `name` is an XML part directly in folder `dir`.
fn xml_in(name: &str, dir: &str) -> bool {
    name.strip_prefix(dir)
        .is_some_and(|file| !file.contains('/') && file.ends_with(".xml"))
}

fn role(kind: OfficeKind, name: &str) -> Role {
    let number = |prefix: &str| {
        name.strip_prefix(prefix)?
            .strip_suffix(".xml")
            .and_then(|n| n.parse::<u32>().ok())
    };
    match kind {
        OfficeKind::Ooxml => match name {
            "word/document.xml" | "xl/sharedStrings.xml" => {
                Role::Xml(XmlRules::ooxml(Part::Body), None)
            }
            "xl/workbook.xml" => Role::Xml(XmlRules::ooxml(Part::Body), None),
            "word/footnotes.xml" | "word/endnotes.xml" => {
                Role::Xml(XmlRules::ooxml(Part::Notes), None)
            }
            "docProps/core.xml" | "docProps/app.xml" => {
                Role::Xml(XmlRules::ooxml(Part::Metadata).fields(), None)
            }
            "docProps/custom.xml" => Role::CustomProperties,
            _ if name.starts_with("word/header") && name.ends_with(".xml") => {
                Role::Xml(XmlRules::ooxml(Part::Header), None)
            }
            _ if name.starts_with("word/footer") && name.ends_with(".xml") => {
                Role::Xml(XmlRules::ooxml(Part::Footer), None)
            }
            _ if name.starts_with("word/comments") && name.ends_with(".xml") => {
                Role::Xml(XmlRules::ooxml(Part::Comment), None)
            }
            _ if name.starts_with("xl/worksheets/sheet") && name.ends_with(".xml") => {
                Role::Xml(XmlRules::ooxml(Part::Body), None)
            }
            _ if name.starts_with("xl/comments") && name.ends_with(".xml") => {
                Role::Xml(XmlRules::ooxml(Part::Comment), None)
            }
            _ if [
                "ppt/slideMasters/",
                "ppt/slideLayouts/",
                "ppt/handoutMasters/",
            ]
            .iter()
            .any(|dir| xml_in(name, dir)) =>
            {
                Role::Xml(XmlRules::ooxml(Part::Header), None)
            }
            _ if xml_in(name, "ppt/notesMasters/") => Role::Xml(XmlRules::ooxml(Part::Notes), None),
            _ if xml_in(name, "xl/threadedComments/") => {
                Role::Xml(XmlRules::ooxml(Part::Comment), None)
            }
            "word/glossary/document.xml" => Role::Xml(XmlRules::ooxml(Part::Hidden), None),
            _ if xml_in(name, "xl/drawings/") || xml_in(name, "xl/charts/") => {
                Role::Xml(XmlRules::ooxml_generic(), None)
            }
            _ if number("ppt/slides/slide").is_some() => {
                Role::Xml(XmlRules::ooxml(Part::Body), number("ppt/slides/slide"))
            }
            _ if number("ppt/notesSlides/notesSlide").is_some() => Role::Xml(
                XmlRules::ooxml(Part::Notes),
                number("ppt/notesSlides/notesSlide"),
            ),
            _ if name.starts_with("ppt/comments/") && name.ends_with(".xml") => {
                Role::Xml(XmlRules::ooxml(Part::Comment), None)
            }
            _ if ["word/", "xl/", "ppt/"].iter().any(|dir| {
                name.strip_prefix(dir).is_some_and(|rest| {
                    rest.starts_with("media/") || rest.starts_with("embeddings/")
                })
            }) =>
            {
                Role::Embedded
            }
            _ if is_noise(kind, name) => Role::Skip,
            _ => Role::Other(XmlRules::ooxml_generic()),
        },
        OfficeKind::Odf => match name {
            "content.xml" => Role::Xml(XmlRules::odf(Some(Part::Body)), None),
            "styles.xml" => Role::Xml(XmlRules::odf(None), None),
            "meta.xml" => Role::Xml(XmlRules::odf(Some(Part::Metadata)).fields(), None),
            _ if name.starts_with("Pictures/")
                || (name.starts_with("Object ") && !name.ends_with(".xml")) =>
            {
                Role::Embedded
            }
            _ if is_noise(kind, name) => Role::Skip,
            // An embedded object's own parts (`Object 1/content.xml`), and
            // any other part: read as the main document's are.
            _ if name.ends_with("/styles.xml") => Role::Xml(XmlRules::odf(None), None),
            _ if name.ends_with("/meta.xml") => {
                Role::Xml(XmlRules::odf(Some(Part::Metadata)).fields(), None)
            }
            _ => Role::Other(XmlRules::odf(Some(Part::Body))),
        },
    }
}

/// Reads the parts of an office document.
pub(super) fn extract(
    ex: &mut Extractor,
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    kind: OfficeKind,
    path: &[String],
    depth: u32,
) {
    // A workbook's shared strings are read first: its sheets' tables point
    // into them. Their text is pushed when the loop reaches them.
    let mut shared: Option<(Vec<String>, Result<Walked, String>)> = None;
    if kind == OfficeKind::Ooxml
        && let Some(index) = archive.index_for_name(SHARED_STRINGS)
    {
        let entry_path = child(path, SHARED_STRINGS);
        match read_entry(ex, archive, index) {
            Ok(data) => {
                let mut step = |n| ex.step(n, &entry_path);
                let strings = sheet::shared_strings(&data, &mut step);
                let walked = walk(&data, &XmlRules::ooxml(Part::Body), &[], &mut step);
                shared = Some((strings, walked));
            }
            Err((code, message)) => ex.problem(code, located(&entry_path, &message)),
        }
    }
    let (strings, mut shared_text) = match shared {
        Some((strings, walked)) => (strings, Some(walked)),
        None => (Vec::new(), None),
    };
    for index in 0..archive.len() {
        if !ex.next_entry(path) {
            return;
        }
        let Some(name) = entry_name(archive, index) else {
            continue;
        };
        let role = role(kind, &name);
        if matches!(role, Role::Skip) || name.ends_with('/') {
            continue;
        }
        let entry_path = child(path, &name);
        if kind == OfficeKind::Ooxml && name == SHARED_STRINGS {
            // Read already (or failed to read, and said so).
            if let Some(walked) = shared_text.take() {
                push_walked(ex, walked, None, path, &entry_path);
            }
            continue;
        }
        let data = match read_entry(ex, archive, index) {
            Ok(data) => data,
            Err((code, message)) => {
                ex.problem(code, located(&entry_path, &message));
                continue;
            }
        };
        // An entry of no known role is read as XML when it says it is XML,
        // and handed to the dispatcher like a plain zip entry otherwise.
        let role = match role {
            Role::Other(rules) if looks_like_xml(&name, &data) => Role::Xml(rules, None),
            Role::Other(_) => Role::Embedded,
            role => role,
        };
        let xml = matches!(role, Role::Xml(..) | Role::CustomProperties);
        if xml && has_doctype(&data) {
            // Fail closed: what entities would have said is not read, and
            // external ones are never fetched.
            ex.problem(
                ProblemCode::Unsupported,
                located(&entry_path, super::text::DOCTYPE_MESSAGE),
            );
        }
        let mut step = |n| ex.step(n, &entry_path);
        match role {
            Role::Xml(rules, page) => {
                let walked = walk(&data, &rules, &strings, &mut step);
                push_walked(ex, walked, page, path, &entry_path);
            }
            Role::CustomProperties => match custom_properties(&data, &mut step) {
                Ok((metadata, labels)) => {
                    ex.push(metadata, Part::Metadata, None, path);
                    for label in labels {
                        ex.push(label, Part::Label, None, path);
                    }
                }
                Err(message) => ex.problem(ProblemCode::Corrupt, located(&entry_path, &message)),
            },
            Role::Embedded => ex.dispatch(&data, &entry_path, depth + 1),
            Role::Other(_) | Role::Skip => {}
        }
    }
}

/// The workbook part whose strings sheet cells point to.
const SHARED_STRINGS: &str = "xl/sharedStrings.xml";

/// Pushes what the walker read from one part: its text, then the
/// credentials its tables keep, one segment per part, after the text they
/// come from (their offsets point into that extra segment, whose lines say
/// what the table said: "Mot de passe : X").
fn push_walked(
    ex: &mut Extractor,
    walked: Result<Walked, String>,
    page: Option<u32>,
    path: &[String],
    entry_path: &[String],
) {
    match walked {
        Ok(walked) => {
            for (part, text) in walked.pieces {
                ex.push(text, part, page, path);
            }
            let mut lines: Vec<(Part, String)> = Vec::new();
            for (part, line) in walked.credentials {
                match lines.iter_mut().find(|(p, _)| *p == part) {
                    Some((_, text)) => {
                        text.push_str(&line);
                        text.push('\n');
                    }
                    None => lines.push((part, line + "\n")),
                }
            }
            for (part, text) in lines {
                ex.push(text, part, page, path);
            }
        }
        Err(message) => ex.problem(ProblemCode::Corrupt, located(entry_path, &message)),
    }
}

/// Whether an entry of no known role is an XML part: named so, or
/// starting with an XML declaration (after a byte order mark).
fn looks_like_xml(name: &str, data: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".xml") || lower.ends_with(".vml") {
        return true;
    }
    let head = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    head.get(start..).is_some_and(|h| h.starts_with(b"<?xml"))
}

/// Whether an XML part has a document type declaration (`<!DOCTYPE`
/// before its root element). Its entities are not expanded, so the part is
/// not read in full.
fn has_doctype(xml: &[u8]) -> bool {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::DocType(_)) => return true,
            Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::Text(_)) => {}
            _ => return false,
        }
        buffer.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctypes_are_noticed() {
        assert!(has_doctype(
            br#"<?xml version="1.0"?><!DOCTYPE w [<!ENTITY m "DIFFUSION RESTREINTE">]><w:document>&m;</w:document>"#
        ));
        assert!(has_doctype(
            b"\xEF\xBB\xBF<!-- x --><!DOCTYPE w SYSTEM \"x.dtd\"><w/>"
        ));
        assert!(!has_doctype(
            br#"<?xml version="1.0"?><w:document>&lt;!DOCTYPE</w:document>"#
        ));
    }
}
