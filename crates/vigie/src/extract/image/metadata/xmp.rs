//! XMP packets (images, and PDF documents): their text as metadata, read
//! like any XML under the extractor's step budget, and the Microsoft
//! sensitivity labels they carry (`MSIP_Label_<GUID>_Name`, as elements or
//! attributes, in any namespace) as labels.

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
    for label in labels(&xml, &mut |n| ex.step(n, path)) {
        ex.push(label, Part::Label, None, path);
    }
}

/// The values of the `MSIP_Label_<GUID>_Name` elements and attributes of
/// `xml`. Damaged XML ends the search (its text was read all the same);
/// `step` counts the events read.
fn labels(xml: &str, step: &mut dyn FnMut(u64) -> bool) -> Vec<String> {
    let mut labels = Vec::new();
    // Cheap test first: most packets carry no label.
    if !xml.contains("MSIP_Label_") {
        return labels;
    }
    let mut reader = Reader::from_str(xml);
    // The label element being read, and its text so far.
    let mut inside: Option<String> = None;
    loop {
        if !step(1) {
            break;
        }
        let Ok(event) = reader.read_event() else {
            break;
        };
        let opens = matches!(event, Event::Start(_));
        match event {
            Event::Start(element) | Event::Empty(element) => {
                for attribute in element.attributes().flatten() {
                    if is_label_name(attribute.key.local_name().as_ref())
                        && let Ok(value) = attribute.normalized_value(XmlVersion::Implicit1_0)
                    {
                        labels.push(value.into_owned());
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
                }
            }
            Event::CData(content) => {
                if let Some(label) = &mut inside {
                    label.push_str(&content);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(label) = &mut inside {
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
    labels
}
