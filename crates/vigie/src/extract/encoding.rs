//! Character encodings of text files: UTF-8, UTF-16 with a byte-order
//! mark, Windows-1252, and text that mixes UTF-8 and Windows-1252.

use std::borrow::Cow;

/// invisible U+FEFF, so that offsets in the text are offsets in the bytes),
/// UTF-16 with a byte-order mark, and, byte by byte, Windows-1252 for what
/// is not valid UTF-8 (see [`decode_owned`]).
pub fn decode(bytes: &[u8]) -> String {
    match decode_cow(bytes) {
        Cow::Borrowed(text) => text.to_string(),
        Cow::Owned(text) => text,
    }
}

/// Decodes text as [`decode`] does, reusing the buffer when it is valid
/// UTF-8 (no copy of a large file).
///
/// Bytes that are not valid UTF-8 are read as their Windows-1252
/// characters, and the valid UTF-8 sequences around them as UTF-8 (see
/// `mixed` for the rule). One stray byte in a UTF-8 file therefore costs
/// one character, not the whole file (which Windows-1252 would turn into
/// mojibake: "TRÃˆS SECRET"), and a Windows-1252 file still reads as
/// Windows-1252: its accented letters are followed by ASCII letters, which
/// no UTF-8 sequence allows.
///
/// ```
/// use vigie::extract::text::decode_owned;
/// // UTF-8 with one stray byte: the stray byte is one Windows-1252 character.
/// let stray = ["TRÈS SECRET".as_bytes(), b"\xFF"].concat();
/// assert_eq!(decode_owned(stray), "TRÈS SECRETÿ");
/// assert_eq!(decode_owned(b"TR\xC8S SECRET".to_vec()), "TRÈS SECRET");
/// ```
pub fn decode_owned(bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => mixed(error.as_bytes()),
    }
}

fn decode_cow(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Cow::Owned(utf16(rest, u16::from_le_bytes));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Cow::Owned(utf16(rest, u16::from_be_bytes));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(mixed(bytes)),
    }
}

/// Bytes that are not all valid UTF-8: valid sequences as UTF-8 and the
/// other bytes as Windows-1252, in a text that is mostly UTF-8 (it has at
/// least as many valid multi-byte sequences as invalid bytes). In a text
/// that is mostly not, a valid sequence is read as UTF-8 only if it gives a
/// character of Latin text ([`latin_text`]): Windows-1252 text has
/// accidental UTF-8 sequences ("é\u{A0}»" is `E9 A0 BB`, a CJK character),
/// and an attacker who pads UTF-8 text with invalid bytes must not turn
/// its "TRÈS SECRET" into "TRÃˆS SECRET".
fn mixed(bytes: &[u8]) -> String {
    let (mut sequences, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        sequences += chunk.valid().bytes().filter(|b| *b >= 0xC0).count();
        invalid += chunk.invalid().len();
    }
    let mostly_utf8 = sequences >= invalid;
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 4);
    let mut buffer = [0u8; 4];
    for chunk in bytes.utf8_chunks() {
        if mostly_utf8 {
            out.push_str(chunk.valid());
        } else {
            for c in chunk.valid().chars() {
                if c.is_ascii() || latin_text(c) {
                    out.push(c);
                } else {
                    let encoded = c.encode_utf8(&mut buffer);
                    out.extend(encoded.bytes().map(windows_1252_char));
                }
            }
        }
        out.extend(chunk.invalid().iter().map(|&b| windows_1252_char(b)));
    }
    out
}

/// Whether a character belongs to Latin text: Latin letters and their
/// diacritics, general punctuation, currency and letter-like symbols.
fn latin_text(c: char) -> bool {
    matches!(c, '\u{A0}'..='\u{24F}' | '\u{300}'..='\u{36F}' | '\u{1E00}'..='\u{1EFF}'
        | '\u{2000}'..='\u{206F}' | '\u{20A0}'..='\u{20CF}' | '\u{2100}'..='\u{214F}' | '\u{FEFF}')
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// The characters of bytes 0x80 to 0x9F in Windows-1252 (the others are
/// Latin-1); undefined bytes become U+FFFD.
const WINDOWS_1252_HIGH: [char; 32] = [
    '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
    '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}',
    'ž', 'Ÿ',
];

/// The Windows-1252 character of one byte.
pub(crate) fn windows_1252_char(b: u8) -> char {
    match b {
        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Decodes Windows-1252 (the usual encoding of older French text files).
pub fn windows_1252(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| windows_1252_char(b)).collect()
}

/// Whether bytes look like text rather than binary: in the first 4 KiB,
/// at most 1% of control characters (NUL included) and two more, so that a
/// few stray NUL or control bytes in a text do not make it a binary, while
/// executables, compressed and random data (an eighth of whose bytes are
/// controls) stay binaries.
pub fn looks_like_text(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let controls = head
        .iter()
        .filter(|&&b| matches!(b, 0x00..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F))
        .count();
    controls * 100 <= head.len() + 200
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_decoded() {
        assert_eq!(decode(b"\xEF\xBB\xBFdiffusion"), "\u{FEFF}diffusion");
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Défense".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16le), "Défense");
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Défense".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&utf16be), "Défense");
        assert_eq!(
            decode(b"CONFIDENTIEL D\xC9FENSE \x96 \x80"),
            "CONFIDENTIEL DÉFENSE – €"
        );
    }

    #[test]
    fn a_stray_byte_does_not_turn_utf8_into_windows_1252() {
        let mut bytes = "TRÈS SECRET DÉFENSE\n".as_bytes().to_vec();
        bytes.push(0xFF);
        assert_eq!(decode(&bytes), "TRÈS SECRET DÉFENSE\nÿ");
        // Stray bytes in the middle, a truncated sequence at the end.
        let bytes = b"TR\xC3\x88S \x81SECRET D\xC3\x89FENSE \xE2\x82";
        assert_eq!(decode(bytes), "TRÈS \u{FFFD}SECRET DÉFENSE â‚");
        // Padding UTF-8 with invalid bytes does not turn it into mojibake.
        let mut padded = "TRÈS SECRET DÉFENSE ".as_bytes().to_vec();
        padded.extend(std::iter::repeat_n(0xFF, 50));
        assert!(decode(&padded).starts_with("TRÈS SECRET DÉFENSE ÿÿ"));
        // Windows-1252 French text stays Windows-1252.
        assert_eq!(
            decode(b"TR\xC8S SECRET D\xC9FENSE \xAB\xA0d\xE9l\xE9gu\xE9\xA0\xBB \x92"),
            "TRÈS SECRET DÉFENSE «\u{A0}délégué\u{A0}» ’"
        );
    }

    #[test]
    fn valid_utf8_is_not_copied() {
        let bytes = "DIFFUSION RESTREINTE é".repeat(100).into_bytes();
        let address = bytes.as_ptr();
        let text = decode_owned(bytes);
        assert_eq!(text.as_ptr(), address);
        assert_eq!(decode_owned(b"D\xC9FENSE".to_vec()), "DÉFENSE");
    }

    #[test]
    fn text_with_stray_controls_is_text_and_binaries_are_not() {
        assert!(looks_like_text("Bonjour\nà tous".as_bytes()));
        assert!(looks_like_text(b"DIFFUSION RESTREINTE\0"));
        let mut long = "Note de service, diffusion restreinte.\n"
            .repeat(100)
            .into_bytes();
        for at in [10, 500, 1000, 2000, 3000] {
            long[at] = 0;
        }
        long[700] = 0x01;
        assert!(looks_like_text(&long));
        assert!(!looks_like_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_like_text(
            b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0"
        ));
        // Pseudo-random bytes.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let random: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        assert!(!looks_like_text(&random));
    }
}
