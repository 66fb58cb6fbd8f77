//! What a spreadsheet cell holds beyond its XML text: the shared string an
//! index points to, the column a reference names, and the string literals
//! of a formula that has no cached value.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Longest shared string kept for the table reader (which wants labels and
/// passwords, never paragraphs).
const KEPT_BYTES: usize = 256;
/// Shared strings kept; an index past them reads as nothing.
const KEPT_STRINGS: usize = 1 << 20;

/// The strings of `xl/sharedStrings.xml`, by index, each cut to
/// a little past [`KEPT_BYTES`] (phonetic readings left out). Damaged XML ends the list
/// where it breaks: the part's text is read, and reported, by the walker.
pub(super) fn shared_strings(xml: &[u8], step: &mut dyn FnMut(u64) -> bool) -> Vec<String> {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    let mut strings = Vec::new();
    let mut current: Option<String> = None;
    let mut phonetic = 0usize;
    let mut text = false;
    while step(1) && strings.len() < KEPT_STRINGS {
        let Ok(event) = reader.read_event_into(&mut buffer) else {
            break;
        };
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "si" => current = Some(String::new()),
                "rPh" => phonetic += 1,
                "t" => text = true,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "si" => strings.push(String::new()),
            Event::End(e) => match e.local_name().as_ref() {
                "si" => strings.extend(current.take()),
                "rPh" => phonetic = phonetic.saturating_sub(1),
                "t" => text = false,
                _ => {}
            },
            Event::Text(t) if text && phonetic == 0 => {
                if let Some(s) = current.as_mut() {
                    push_bounded(s, &t.xml10_content());
                }
            }
            Event::GeneralRef(r) if text && phonetic == 0 => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => super::super::text::entity(&r.xml10_content()),
                };
                if let (Some(s), Some(c)) = (current.as_mut(), c) {
                    push_bounded(s, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    strings
}

/// Appends `text`, keeping a little more than [`KEPT_BYTES`] so that the
/// table reader still sees the string is too long.
fn push_bounded(s: &mut String, text: &str) {
    if s.len() > KEPT_BYTES {
        return;
    }
    s.push_str(text);
    let cut = crate::chars::floor_char_boundary(s, KEPT_BYTES + 4);
    s.truncate(cut);
}

/// The column, from 0, of a cell reference: `C7` is 2, `AA1` is 26.
pub(super) fn column(reference: &str) -> Option<u32> {
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .collect();
    // Excel's last column is XFD.
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut column = 0u32;
    for b in letters {
        column = column * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    Some(column - 1)
}

/// The string literals of a formula, joined as concatenation would join
/// them: `CONCATENATE("DIFFUSION ";"RESTREINTE")` and `"TOP "&"SECRET"`
/// read `DIFFUSION RESTREINTE` and `TOP SECRET`. Used only for a formula
/// with no cached value (files written by generators that do not
/// calculate), whose result would otherwise go unread.
pub(super) fn formula_literals(formula: &str) -> String {
    let mut out = String::new();
    let mut chars = formula.chars().peekable();
    let mut inside = false;
    while let Some(c) = chars.next() {
        match (inside, c) {
            (false, '"') => inside = true,
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                out.push('"');
            }
            (true, '"') => inside = false,
            (true, c) => out.push(c),
            // A sheet name in quotes ('Feuille 1'!A1) is not a literal.
            (false, '\'') => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                }
            }
            (false, _) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_strings_by_index() {
        let xml = br#"<sst><si><t>Identifiant</t></si><si><r><t>Mot de </t></r><r><t>passe</t></r><rPh><t>x</t></rPh></si><si/><si><t>A&amp;B</t></si></sst>"#;
        assert_eq!(
            shared_strings(xml, &mut |_| true),
            ["Identifiant", "Mot de passe", "", "A&B"]
        );
        assert!(shared_strings(b"<sst><si><t>x</si>", &mut |_| true).len() <= 1);
        assert!(shared_strings(b"<sst><si><t>x</t></si></sst>", &mut |_| false).is_empty());
    }

    #[test]
    fn columns() {
        assert_eq!(column("A1"), Some(0));
        assert_eq!(column("C7"), Some(2));
        assert_eq!(column("AA10"), Some(26));
        assert_eq!(column("XFD1048576"), Some(16383));
        assert_eq!(column("ZZZZ1"), None);
        assert_eq!(column("7"), None);
    }

    #[test]
    fn literals() {
        assert_eq!(
            formula_literals(r#"CONCATENATE("DIFFUSION ";"RESTREINTE")"#),
            "DIFFUSION RESTREINTE"
        );
        assert_eq!(formula_literals(r#""TOP "&"SECRET""#), "TOP SECRET");
        assert_eq!(
            formula_literals(r#""Il a dit ""oui""""#),
            r#"Il a dit "oui""#
        );
        assert_eq!(formula_literals(r#"'Feuille "1"'!A1+2"#), "");
        assert_eq!(formula_literals(r#""unterminated"#), "unterminated");
    }
}
