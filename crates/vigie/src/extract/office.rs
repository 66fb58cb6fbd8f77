//! Office Open XML (docx, xlsx, pptx and their macro-enabled variants) and
//! OpenDocument (odt, ods, odp): the text of each XML part, with the part it
//! belongs to (body, header, footer, notes, comments, metadata, label), and
//! the media and embedded files handed back to the dispatcher.
//!
//! One small XML walker serves every part: [`XmlRules`] says which elements
//! end a line, which hold no text (cell values that are only indices, field
//! codes), which switch the part (an OpenDocument master page's
//! `style:header`), and which attributes carry text (sheet names).

use std::io::Cursor;

use ::zip::ZipArchive;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::zip::{entry_name, read_entry};
use super::{Extractor, child, located};
use crate::report::{Part, ProblemCode};

/// The two families of zipped office documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OfficeKind {
    /// Office Open XML (ECMA-376).
    Ooxml,
    /// OpenDocument (ISO/IEC 26300).
    Odf,
}

/// Which family an archive belongs to, if any.
pub(super) fn kind(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Option<OfficeKind> {
    if archive.index_for_name("[Content_Types].xml").is_some() {
        return Some(OfficeKind::Ooxml);
    }
    let index = archive.index_for_name("mimetype")?;
    let mut mimetype = Vec::new();
    let mut entry = archive.by_index(index).ok()?;
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut entry, 128), &mut mimetype).ok()?;
    mimetype
        .starts_with(b"application/vnd.oasis.opendocument")
        .then_some(OfficeKind::Odf)
}

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
                Role::Xml(XmlRules::ooxml(Part::Metadata), None)
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
            "meta.xml" => Role::Xml(XmlRules::odf(Some(Part::Metadata)), None),
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
                Role::Xml(XmlRules::odf(Some(Part::Metadata)), None)
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
    for index in 0..archive.len() {
        if let Err(exceeded) = ex.budget().entry().and_then(|()| ex.budget().time()) {
            ex.problem(ProblemCode::Limit, located(path, &exceeded.0));
            return;
        }
        if !ex.step(1, path) {
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
            Role::Xml(rules, page) => match walk(&data, &rules, &mut step) {
                Ok(pieces) => {
                    for (part, text) in pieces {
                        ex.push(text, part, page, path);
                    }
                }
                Err(message) => ex.problem(ProblemCode::Corrupt, located(&entry_path, &message)),
            },
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

/// How one family's XML is read.
#[derive(Debug, Clone)]
struct XmlRules {
    /// Part of text outside any switching element; `None` skips it.
    base: Option<Part>,
    /// Elements (local names) inside which text belongs to another part.
    switches: &'static [(&'static str, Part)],
    /// Elements whose text is not text (cell values, formulas, field codes).
    silent: &'static [&'static str],
    /// Elements after which a line ends.
    breaks: &'static [&'static str],
    /// Elements after which a tab stands (table cells).
    tabs: &'static [&'static str],
    /// Attributes (element, attribute) whose value is text.
    attributes: &'static [(&'static str, &'static str)],
    /// Whether text inside switching elements carries spreadsheet print
    /// codes (`&C`, `&"Arial"`) to strip.
    print_codes: bool,
}

impl XmlRules {
    fn ooxml(base: Part) -> Self {
        XmlRules {
            base: Some(base),
            switches: &[
                ("oddHeader", Part::Header),
                ("evenHeader", Part::Header),
                ("firstHeader", Part::Header),
                ("oddFooter", Part::Footer),
                ("evenFooter", Part::Footer),
                ("firstFooter", Part::Footer),
            ],
            silent: &["v", "f", "instrText", "rPh", "fldData"],
            breaks: &[
                "p",
                "br",
                "si",
                "row",
                "tr",
                "oddHeader",
                "evenHeader",
                "firstHeader",
                "oddFooter",
                "evenFooter",
                "firstFooter",
                "comment",
                "title",
                "subject",
                "description",
                "keywords",
                "creator",
                "lastModifiedBy",
                "Company",
                "Manager",
            ],
            tabs: &["tab", "tc", "c"],
            attributes: &[("sheet", "name")],
            print_codes: true,
        }
    }

    /// Rules for an OOXML part of no known role (a chart, a diagram, a
    /// drawing's text box, a slide master, a part under another name): its
    /// text is body text, cached chart values included.
    fn ooxml_generic() -> Self {
        XmlRules {
            silent: &["f", "instrText", "rPh", "fldData"],
            breaks: &[
                "p", "br", "si", "row", "tr", "comment", "title", "pt", "v", "txBody", "sp",
            ],
            ..XmlRules::ooxml(Part::Body)
        }
    }

    fn odf(base: Option<Part>) -> Self {
        XmlRules {
            base,
            switches: &[
                ("header", Part::Header),
                ("header-left", Part::Header),
                ("header-first", Part::Header),
                ("footer", Part::Footer),
                ("footer-left", Part::Footer),
                ("footer-first", Part::Footer),
                ("note", Part::Notes),
                ("annotation", Part::Comment),
                ("notes", Part::Notes),
            ],
            silent: &["note-citation"],
            breaks: &[
                "p",
                "h",
                "line-break",
                "table-row",
                "list-item",
                "title",
                "description",
                "subject",
                "keyword",
                "initial-creator",
                "creator",
            ],
            tabs: &["tab", "table-cell", "s"],
            attributes: &[("table", "name")],
            print_codes: false,
        }
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

/// Text of an XML part, by part, in document order; `step` counts one step
/// per XML event and stops the reading when it returns false.
fn walk(
    xml: &[u8],
    rules: &XmlRules,
    step: &mut dyn FnMut(u64) -> bool,
) -> Result<Vec<(Part, String)>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    // Parts entered through switching elements, innermost last.
    let mut parts: Vec<(String, Part)> = Vec::new();
    let mut silent_depth = 0usize;
    // Whether the spreadsheet cell being read holds text in its value (a
    // formula's string result, an inline string, an error), and how many
    // such values are open: those are read although `v` is silent.
    let mut text_cell = false;
    let mut text_values = 0usize;
    let mut out: Vec<(Part, String)> = Vec::new();
    // Text of a print header or footer, held until its element ends so that
    // its codes can be stripped whole ("&" arrives as an entity of its own).
    let mut pending = String::new();
    let current = |parts: &Vec<(String, Part)>| parts.last().map(|(_, p)| *p).or(rules.base);
    let emit = |out: &mut Vec<(Part, String)>, part: Option<Part>, text: &str| {
        let Some(part) = part else { return };
        match out.last_mut() {
            Some((last, buffer)) if *last == part => buffer.push_str(text),
            _ => out.push((part, text.to_string())),
        }
    };
    loop {
        if !step(1) {
            break;
        }
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|e| format!("damaged XML at byte {} ({e})", reader.buffer_position()))?;
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(element) | Event::Empty(element) => {
                let name = element.local_name().as_ref().to_string();
                let name_str = name.as_str();
                if name_str == "c" {
                    text_cell = false;
                }
                for attribute in element.attributes().flatten() {
                    let key = attribute.key.local_name();
                    if name_str == "c" && AsRef::<str>::as_ref(&key) == "t" {
                        text_cell = matches!(&*attribute.value, "str" | "inlineStr" | "e");
                    }
                    let wanted = rules
                        .attributes
                        .iter()
                        .any(|(e, a)| *e == name_str && *a == key.as_ref());
                    if wanted && let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0)
                    {
                        emit(&mut out, current(&parts), &value);
                        emit(&mut out, current(&parts), "\n");
                    }
                }
                if is_empty {
                    if rules.breaks.contains(&name_str) {
                        emit(&mut out, current(&parts), "\n");
                    } else if rules.tabs.contains(&name_str) {
                        emit(&mut out, current(&parts), "\t");
                    }
                    continue;
                }
                if let Some((_, part)) = rules.switches.iter().find(|(n, _)| *n == name_str) {
                    parts.push((name.clone(), *part));
                }
                if name_str == "v" && text_cell {
                    text_values += 1;
                } else if rules.silent.contains(&name_str) {
                    silent_depth += 1;
                }
            }
            Event::End(element) => {
                let name = element.local_name();
                let name_str: &str = name.as_ref();
                if name_str == "v" && text_values > 0 {
                    text_values -= 1;
                } else if rules.silent.contains(&name_str) {
                    silent_depth = silent_depth.saturating_sub(1);
                }
                if name_str == "c" {
                    text_cell = false;
                }
                if rules.breaks.contains(&name_str) {
                    emit(&mut out, current(&parts), "\n");
                } else if rules.tabs.contains(&name_str) {
                    emit(&mut out, current(&parts), "\t");
                }
                if parts.last().is_some_and(|(n, _)| n.as_str() == name_str) {
                    if rules.print_codes {
                        let part = current(&parts);
                        emit(&mut out, part, &without_header_codes(&pending));
                        emit(&mut out, part, "\n");
                        pending.clear();
                    }
                    parts.pop();
                }
            }
            Event::Text(text) if silent_depth == 0 => {
                let content = text.xml10_content();
                if rules.print_codes && !parts.is_empty() {
                    pending.push_str(&content);
                } else {
                    emit(&mut out, current(&parts), &content);
                }
            }
            Event::CData(data) if silent_depth == 0 => {
                emit(&mut out, current(&parts), &data.into_inner());
            }
            Event::GeneralRef(reference) if silent_depth == 0 => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => super::text::entity(&reference.xml10_content()),
                };
                if let Some(c) = resolved {
                    if rules.print_codes && !parts.is_empty() {
                        pending.push(c);
                    } else {
                        emit(&mut out, current(&parts), c.encode_utf8(&mut [0; 4]));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok(out)
}

/// A spreadsheet print header or footer without its formatting codes:
/// `&L&"Arial,Bold"&12SECRET&RPage &P` reads `SECRET Page`.
fn without_header_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '&' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('&') => {
                out.push('&');
                chars.next();
            }
            Some('"') => {
                chars.next();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            Some(_) => {
                chars.next();
                out.push(' ');
            }
            None => {}
        }
    }
    out
}

/// The text of `docProps/custom.xml`, and the names of the Microsoft
/// sensitivity labels it carries (`MSIP_Label_<GUID>_Name`).
fn custom_properties(
    xml: &[u8],
    step: &mut dyn FnMut(u64) -> bool,
) -> Result<(String, Vec<String>), String> {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    let mut metadata = String::new();
    let mut labels = Vec::new();
    let mut property: Option<String> = None;
    loop {
        if !step(1) {
            break;
        }
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|e| format!("damaged XML at byte {} ({e})", reader.buffer_position()))?;
        match event {
            Event::Start(element) if element.local_name().as_ref() == "property" => {
                property = element
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == "name")
                    .and_then(|a| {
                        a.normalized_value(XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.into_owned())
                    });
            }
            Event::Text(text) => {
                let value = text.xml10_content();
                if let Some(name) = &property {
                    if name.starts_with("MSIP_Label_") && name.ends_with("_Name") {
                        // Reported once, as the label it is.
                        labels.push(value.to_string());
                        buffer.clear();
                        continue;
                    }
                    metadata.push_str(name);
                    metadata.push_str(": ");
                }
                metadata.push_str(&value);
                metadata.push('\n');
            }
            Event::End(element) if element.local_name().as_ref() == "property" => property = None,
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok((metadata, labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_join_and_paragraphs_break() {
        let xml = br#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>DIFFU</w:t></w:r><w:r><w:t>SION RESTREINTE</w:t></w:r></w:p><w:p><w:r><w:instrText>HYPERLINK x</w:instrText><w:t>Note &amp; suite</w:t></w:r></w:p></w:body></w:document>"#;
        let pieces = walk(xml, &XmlRules::ooxml(Part::Body), &mut |_| true).unwrap();
        assert_eq!(
            pieces,
            [(
                Part::Body,
                "DIFFUSION RESTREINTE\nNote & suite\n".to_string()
            )]
        );
    }

    #[test]
    fn odf_master_pages_give_headers_and_footers() {
        let xml = br#"<office:document-styles xmlns:office="o" xmlns:style="s" xmlns:text="t"><style:master-page><style:header><text:p>SECRET</text:p></style:header><style:footer><text:p>Page 1</text:p></style:footer></style:master-page><text:p>ignored style text</text:p></office:document-styles>"#;
        let pieces = walk(xml, &XmlRules::odf(None), &mut |_| true).unwrap();
        assert_eq!(
            pieces,
            [
                (Part::Header, "SECRET\n".to_string()),
                (Part::Footer, "Page 1\n".to_string())
            ]
        );
    }

    #[test]
    fn sheet_headers_lose_their_codes() {
        assert_eq!(
            without_header_codes("&L&\"Arial,Bold\"&12SECRET&RPage &P"),
            " SECRET Page  "
        );
        let xml = br#"<worksheet><sheetData><row><c t="s"><v>3</v></c></row></sheetData><headerFooter><oddHeader>&amp;CDIFFUSION RESTREINTE</oddHeader></headerFooter></worksheet>"#;
        let pieces = walk(xml, &XmlRules::ooxml(Part::Body), &mut |_| true).unwrap();
        assert!(
            pieces
                .iter()
                .any(|(p, t)| *p == Part::Header && t.trim() == "DIFFUSION RESTREINTE"),
            "{pieces:?}"
        );
        assert!(
            !pieces.iter().any(|(_, t)| t.contains('3')),
            "cell values are indices: {pieces:?}"
        );
    }

    #[test]
    fn sensitivity_labels_are_read_from_custom_properties() {
        let xml = br#"<Properties><property fmtid="{D5CDD505}" pid="2" name="MSIP_Label_0b1c2d3e_Enabled"><vt:lpwstr>true</vt:lpwstr></property><property pid="3" name="MSIP_Label_0b1c2d3e_Name"><vt:lpwstr>Diffusion Restreinte</vt:lpwstr></property></Properties>"#;
        let (metadata, labels) = custom_properties(xml, &mut |_| true).unwrap();
        assert_eq!(labels, ["Diffusion Restreinte"]);
        assert!(metadata.contains("MSIP_Label_0b1c2d3e_Enabled: true"));
        assert!(
            !metadata.contains("Diffusion Restreinte"),
            "the label is not metadata too"
        );
    }

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

    #[test]
    fn damaged_xml_is_an_error() {
        assert!(
            walk(
                b"<w:p><w:t>x</w:p>",
                &XmlRules::ooxml(Part::Body),
                &mut |_| true
            )
            .is_err()
        );
    }
}
