//! PDF fonts as text extraction needs them: how the codes a page draws
//! become characters, how wide each glyph is, and whether the codes can be
//! decoded at all.
//!
//! A font's `ToUnicode` map is preferred to its encoding, as viewers do
//! (lopdf reads it only when there is no `/Encoding`). A font whose codes
//! cannot be turned into characters is never guessed at: a composite font
//! (`Type0`, `Identity-H`) without a `ToUnicode` map, a `/Differences`
//! encoding whose glyph names are not standard (`/g1`, `/glyph23`), codes
//! with no glyph in the encoding. Each such code is counted, so that the
//! page can be reported as not read instead of giving garbage, or nothing,
//! and passing as clean.

use lopdf::{Dictionary, Document, Encoding, Object};

/// Largest `ToUnicode` map or encoding stream read, in bytes.
pub(super) const MAX_FONT_STREAM_BYTES: usize = 1 << 20;

/// How the codes of a font become text.
enum Decoder<'a> {
    /// lopdf's decoding: a `ToUnicode` map, a named encoding, or
    /// differences whose glyph names are all known.
    Encoding(Encoding<'a>),
    /// A simple font whose differences name some glyphs vigie does not
    /// know: the text of each code, `None` where it cannot be decoded.
    Table(Box<[Option<char>; 256]>),
    /// No way to decode the codes; the reason, for the report.
    Undecodable(&'static str),
}

/// A font of a page.
pub(super) struct Font<'a> {
    decoder: Decoder<'a>,
    first_char: i64,
    widths: Vec<f64>,
    /// Two-byte codes (a composite font).
    pub(super) two_bytes: bool,
}

/// The text of a string drawn in a font, and how many of its codes could
/// not be decoded.
pub(super) struct Decoded {
    pub(super) text: String,
    pub(super) undecodable: usize,
}

impl<'a> Font<'a> {
    /// Reads a font dictionary.
    pub(super) fn new(document: &'a Document, font: &'a Dictionary) -> Self {
        let two_bytes = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Type0");
        let first_char = font.get(b"FirstChar").and_then(Object::as_i64).unwrap_or(0);
        let widths = font
            .get_deref(b"Widths", document)
            .and_then(Object::as_array)
            .map(|array| {
                array
                    .iter()
                    .map(|w| w.as_float().map(f64::from).unwrap_or(500.0))
                    .collect()
            })
            .unwrap_or_default();
        Font {
            decoder: decoder(document, font, two_bytes),
            first_char,
            widths,
            two_bytes,
        }
    }

    /// A font for text drawn with no font set or a font that is missing:
    /// Windows-1252, the likeliest guess, with every code counted as
    /// decoded (the caller reports the missing font itself).
    pub(super) fn missing() -> Self {
        Font {
            decoder: Decoder::Table(Box::new(std::array::from_fn(|code| {
                super::super::text::windows_1252(&[code as u8])
                    .chars()
                    .next()
            }))),
            first_char: 0,
            widths: Vec::new(),
            two_bytes: false,
        }
    }

    /// Why the font cannot be decoded at all, if it cannot.
    pub(super) fn undecodable_reason(&self) -> Option<&'static str> {
        match self.decoder {
            Decoder::Undecodable(reason) => Some(reason),
            Decoder::Table(_) => Some("glyph names that are not standard in its encoding"),
            Decoder::Encoding(_) => None,
        }
    }

    /// Decodes the codes in `bytes`.
    pub(super) fn decode(&self, bytes: &[u8]) -> Decoded {
        match &self.decoder {
            Decoder::Undecodable(_) => Decoded {
                text: String::new(),
                undecodable: if self.two_bytes {
                    bytes.len().div_ceil(2)
                } else {
                    bytes.len()
                },
            },
            Decoder::Table(table) => {
                let mut text = String::with_capacity(bytes.len());
                let mut undecodable = 0;
                for &code in bytes {
                    match table[usize::from(code)] {
                        Some(c) => text.push(c),
                        None => undecodable += 1,
                    }
                }
                Decoded { text, undecodable }
            }
            Decoder::Encoding(encoding) => {
                let Ok(text) = encoding.bytes_to_string(bytes) else {
                    return Decoded {
                        text: String::new(),
                        undecodable: bytes.len(),
                    };
                };
                let produced = text.chars().count();
                // A one-byte encoding drops codes with no glyph; a map gives
                // U+FFFD for codes it lacks. Control characters are not text
                // either (a symbolic font read as if it were standard).
                let dropped = match encoding {
                    Encoding::UnicodeMapEncoding(_) => 0,
                    _ if self.two_bytes => 0,
                    _ => bytes.len().saturating_sub(produced),
                };
                let bad = text
                    .chars()
                    .filter(|&c| {
                        c == char::REPLACEMENT_CHARACTER
                            || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                    })
                    .count();
                let text = if bad > 0 {
                    text.chars()
                        .filter(|&c| {
                            c != char::REPLACEMENT_CHARACTER
                                && (!c.is_control() || matches!(c, '\t' | '\n' | '\r'))
                        })
                        .collect()
                } else {
                    text
                };
                Decoded {
                    text,
                    undecodable: dropped + bad,
                }
            }
        }
    }

    /// The advance of the glyphs of `bytes`, in thousandths of the font
    /// size.
    pub(super) fn width(&self, bytes: &[u8]) -> f64 {
        if self.two_bytes {
            return bytes.len() as f64 / 2.0 * 500.0;
        }
        bytes
            .iter()
            .map(|&code| {
                let index = i64::from(code) - self.first_char;
                usize::try_from(index)
                    .ok()
                    .and_then(|i| self.widths.get(i))
                    .copied()
                    .unwrap_or(500.0)
            })
            .sum()
    }
}

/// How the codes of `font` become text.
fn decoder<'a>(document: &'a Document, font: &'a Dictionary, two_bytes: bool) -> Decoder<'a> {
    if let Some(map) = to_unicode(document, font) {
        return Decoder::Encoding(map);
    }
    let encoding_object = font.get(b"Encoding").ok().map(|e| {
        document
            .dereference(e)
            .map(|(_, object)| object)
            .unwrap_or(e)
    });
    if two_bytes {
        // Composite fonts: only the UCS-2 CMaps that lopdf knows say what
        // their codes are; Identity-H and the others need a ToUnicode map.
        return match encoding_object.and_then(|e| e.as_name().ok()) {
            Some(b"UniGB-UCS2-H" | b"UniGB-UTF16-H") => font
                .get_font_encoding_with_limit(document, MAX_FONT_STREAM_BYTES)
                .map(Decoder::Encoding)
                .unwrap_or(Decoder::Undecodable(
                    "a composite font without a ToUnicode map",
                )),
            _ => Decoder::Undecodable("a composite font without a ToUnicode map"),
        };
    }
    let differences = encoding_object
        .and_then(|e| e.as_dict().ok())
        .and_then(|d| d.get(b"Differences").ok())
        .and_then(|d| d.as_array().ok());
    match font.get_font_encoding_with_limit(document, MAX_FONT_STREAM_BYTES) {
        Err(_) => Decoder::Undecodable("an encoding that cannot be read"),
        // lopdf gives up on the whole of a /Differences encoding when one
        // glyph name is unknown, and falls back to the standard encoding:
        // then the table is built here, leaving the unknown names undecoded.
        Ok(encoding) => match differences {
            Some(differences) if !matches!(encoding, Encoding::Differences(_)) => {
                table(document, encoding_object, differences)
            }
            _ => Decoder::Encoding(encoding),
        },
    }
}

/// The font's `ToUnicode` map, if it has one that parses.
fn to_unicode<'a>(document: &Document, font: &Dictionary) -> Option<Encoding<'a>> {
    let map = font.get(b"ToUnicode").ok()?;
    // lopdf reads ToUnicode only for a font with no /Encoding: ask it about
    // a font that has nothing else.
    let mut probe = Dictionary::new();
    probe.set("Type", Object::Name(b"Font".to_vec()));
    probe.set("ToUnicode", map.clone());
    match probe.get_font_encoding_with_limit(document, MAX_FONT_STREAM_BYTES) {
        Ok(Encoding::UnicodeMapEncoding(map)) => Some(Encoding::UnicodeMapEncoding(map)),
        _ => None,
    }
}

/// A code table for a simple font whose differences lopdf refused.
fn table<'a>(
    document: &Document,
    encoding: Option<&Object>,
    differences: &[Object],
) -> Decoder<'a> {
    let base_name = encoding
        .and_then(|e| e.as_dict().ok())
        .and_then(|d| d.get(b"BaseEncoding").ok())
        .and_then(|b| b.as_name().ok())
        .unwrap_or(b"StandardEncoding");
    let mut table: Box<[Option<char>; 256]> = Box::new([None; 256]);
    probe(document, Object::Name(base_name.to_vec()), |base| {
        for (code, slot) in table.iter_mut().enumerate() {
            *slot = base
                .bytes_to_string(&[code as u8])
                .ok()
                .and_then(|s| s.chars().next());
        }
    });
    let mut code: usize = 0;
    for item in differences {
        match item {
            Object::Integer(n) => code = usize::try_from(*n).unwrap_or(256),
            Object::Name(name) => {
                if code < 256 {
                    table[code] = glyph(document, code as u8, name);
                }
                code = code.saturating_add(1);
            }
            _ => {}
        }
    }
    Decoder::Table(table)
}

/// The character of glyph `name`: `uniXXXX` and `uXXXX[XX]` names, or a
/// name lopdf knows (the Adobe Glyph List).
fn glyph(document: &Document, code: u8, name: &[u8]) -> Option<char> {
    let name_text = std::str::from_utf8(name).ok()?;
    let hex = name_text
        .strip_prefix("uni")
        .filter(|h| h.len() == 4)
        .or_else(|| {
            name_text
                .strip_prefix('u')
                .filter(|h| (4..=6).contains(&h.len()))
        });
    if let Some(hex) = hex
        && let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
    {
        return Some(c);
    }
    let mut encoding = Dictionary::new();
    encoding.set(
        "Differences",
        Object::Array(vec![
            Object::Integer(i64::from(code)),
            Object::Name(name.to_vec()),
        ]),
    );
    let mut found = None;
    probe(document, Object::Dictionary(encoding), |decoded| {
        // lopdf falls back to the standard encoding for an unknown name;
        // only a Differences answer means it knew the glyph.
        if let Encoding::Differences(_) = decoded {
            found = decoded
                .bytes_to_string(&[code])
                .ok()
                .and_then(|s| s.chars().next());
        }
    });
    found
}

/// Runs `read` on lopdf's reading of an `/Encoding` value, given to a font
/// that has nothing else.
fn probe(document: &Document, encoding: Object, read: impl FnOnce(&Encoding<'_>)) {
    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Encoding", encoding);
    if let Ok(decoded) = font.get_font_encoding_with_limit(document, MAX_FONT_STREAM_BYTES) {
        read(&decoded);
    }
}
