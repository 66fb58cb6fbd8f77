//! XMP packets (images, and PDF documents): their text as metadata, read
//! like any XML under the extractor's step budget, and the Microsoft
//! sensitivity labels they carry (`MSIP_Label_<GUID>_Name`, as elements or
//! attributes, in any namespace) as labels.

use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::is_label_name;
use crate::extract::{Extractor, located, text};
use crate::report::{Part, ProblemCode};

/// Largest XMP packet read.
pub(crate) const MAX_XMP_BYTES: usize = 1 << 20;

/// Pushes the text of the XMP packet `xmp`, found at `path`: the element
/// text (visible), comments and the like (hidden) and the attribute values
/// as metadata segments, then each sensitivity label name as a label
/// segment. A packet larger than [`MAX_XMP_BYTES`] is a `limit` problem; a
/// document type declaration, whose entities are not expanded, is an
/// `unsupported` problem.
pub(crate) fn push_xmp(ex: &mut Extractor, xmp: &[u8], path: &[String]) {
    if ex.stopped() {
        return;
    }
    if xmp.len() > MAX_XMP_BYTES {
        ex.problem(
            ProblemCode::Limit,
            located(
                path,
                &format!(
                    "XMP metadata of {} bytes is larger than {MAX_XMP_BYTES}; not read",
                    xmp.len()
                ),
            ),
        );
        return;
    }
    let xml = text::decode(xmp);
    let (labels, places) = labels(&xml, &mut |n| ex.step(n, path));
    // A label is reported once, as the label it is: its value is blanked
    // out of the text read as metadata.
    let xml = blanked(xml, &places);
    let markup = text::xml_parts(&xml, &mut |n| ex.step(n, path));
    if markup.entity_declarations {
        ex.problem(
            ProblemCode::Unsupported,
            located(path, &format!("XMP metadata: {}", text::DOCTYPE_MESSAGE)),
        );
    }
    ex.push(markup.visible, Part::Metadata, None, path);
    ex.push(markup.hidden, Part::Metadata, None, path);
    // XMP writes many of its properties as attributes
    // (`<rdf:Description photoshop:Headline="...">`).
    ex.push(markup.metadata, Part::Metadata, None, path);
    for label in labels {
        ex.push(label, Part::Label, None, path);
    }
}

/// `xml` with the bytes of `places` made spaces. Each place starts and
/// ends next to an ASCII delimiter (`>`, `<`, a quote), so what is left is
/// still UTF-8.
fn blanked(xml: String, places: &[Range<usize>]) -> String {
    if places.is_empty() {
        return xml;
    }
    let mut bytes = xml.into_bytes();
    for place in places {
        if let Some(span) = bytes.get_mut(place.clone()) {
            span.fill(b' ');
        }
    }
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// The values of the `MSIP_Label_<GUID>_Name` elements and attributes of
/// `xml`, and where they are in it. Damaged XML ends the search (its text
/// is read all the same); `step` counts the events read.
fn labels(xml: &str, step: &mut dyn FnMut(u64) -> bool) -> (Vec<String>, Vec<Range<usize>>) {
    let mut labels = Vec::new();
    let mut places = Vec::new();
    // Cheap test first: most packets carry no label.
    if !xml.contains("MSIP_Label_") {
        return (labels, places);
    }
    let mut reader = Reader::from_str(xml);
    // The label element being read, and its text so far.
    let mut inside: Option<String> = None;
    loop {
        if !step(1) {
            break;
        }
        let before = position(&reader);
        let Ok(event) = reader.read_event() else {
            break;
        };
        let event_place = before..position(&reader);
        let opens = matches!(event, Event::Start(_));
        match event {
            Event::Start(element) | Event::Empty(element) => {
                for attribute in element.attributes().flatten() {
                    if is_label_name(attribute.key.local_name().as_ref())
                        && let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0)
                    {
                        labels.push(value.into_owned());
                        let tag = xml.get(event_place.clone()).unwrap_or("");
                        if let Some(place) = attribute_value(tag, attribute.key.as_ref()) {
                            places.push(
                                event_place.start + place.start..event_place.start + place.end,
                            );
                        }
                    }
                }
                let name = element.local_name();
                let is_label = is_label_name(name.as_ref());
                if is_label && opens {
                    inside = Some(String::new());
                }
            }
            Event::Text(content) => {
                if let Some(label) = &mut inside {
                    label.push_str(&content.xml10_content());
                    places.push(event_place);
                }
            }
            Event::CData(content) => {
                if let Some(label) = &mut inside {
                    label.push_str(&content);
                    places.push(event_place);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(label) = &mut inside {
                    places.push(event_place);
                    if let Ok(Some(c)) = reference.resolve_char_ref() {
                        label.push(c);
                    } else if let Some(resolved) =
                        quick_xml::escape::resolve_xml_entity(&reference.xml10_content())
                    {
                        label.push_str(resolved);
                    }
                }
            }
            Event::End(_) => {
                if let Some(label) = inside.take() {
                    labels.push(label);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (labels, places)
}

/// Where the reader is in the text.
fn position(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

/// Where, in the text of the tag `tag`, the value of attribute `key` is
/// (between its quotes).
fn attribute_value(tag: &str, key: &str) -> Option<Range<usize>> {
    for (at, _) in tag.match_indices(key) {
        if !tag[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        let rest = &tag[at + key.len()..];
        let after_key = rest.trim_start();
        let Some(after_equals) = after_key.strip_prefix('=') else {
            continue;
        };
        let value = after_equals.trim_start();
        let quote = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        let start = tag.len() - value.len() + 1;
        let length = value[1..].find(quote)?;
        return Some(start..start + length);
    }
    None
}
