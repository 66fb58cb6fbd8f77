//! Custom document properties (`docProps/custom.xml`): their text as
//! metadata, and the Microsoft sensitivity labels they carry.

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

/// The text of `docProps/custom.xml`, and the names of the Microsoft
/// sensitivity labels it carries (`MSIP_Label_<GUID>_Name`).
pub(super) fn custom_properties(
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
}
