//! Text formats: character encodings (UTF-8, UTF-16 with a byte-order mark,
//! Windows-1252), HTML and XML (markup removed, entities decoded) and RTF.

/// Decodes bytes known to be text: UTF-8 (a byte-order mark is kept, as an
/// invisible U+FEFF, so that offsets in the text are offsets in the bytes),
/// UTF-16 with a byte-order mark, and Windows-1252 for anything else.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => windows_1252(bytes),
    }
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

/// Decodes Windows-1252 (the usual encoding of older French text files).
pub fn windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// Whether bytes look like text rather than binary: no NUL byte and few
/// control characters in the first 4 KiB.
pub fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    if head.contains(&0) {
        return false;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    controls * 100 <= head.len().max(1)
}

/// HTML elements after which a line ends.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "br",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "title",
    "header",
    "footer",
    "section",
    "article",
    "table",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "hr",
    "dt",
    "dd",
    "td",
    "th",
];

/// The text of an HTML document: tags removed (a line break after block
/// elements), `script` and `style` contents and comments dropped, entities
/// decoded.
pub fn html_to_text(html: &str) -> String {
    markup_to_text(html, true)
}

/// The text of an XML document: tags removed, a line break between
/// elements, entities decoded, CDATA kept.
pub fn xml_to_text(xml: &str) -> String {
    markup_to_text(xml, false)
}

fn markup_to_text(markup: &str, html: bool) -> String {
    let mut out = String::with_capacity(markup.len() / 2);
    let mut rest = markup;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..open]));
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            out.push_str(&after[..end]);
            rest = after.get(end + 3..).unwrap_or("");
            continue;
        }
        let Some(close) = rest.find('>') else {
            break;
        };
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == ':' || *c == '-')
            .flat_map(char::to_lowercase)
            .collect();
        if html {
            if (name == "script" || name == "style") && !tag.starts_with('/') && !tag.ends_with('/')
            {
                let closing = format!("</{name}");
                let lower = rest.to_ascii_lowercase();
                rest = lower.find(&closing).map_or("", |end| &rest[end..]);
                continue;
            }
            if BLOCK_ELEMENTS.contains(&name.as_str()) {
                out.push('\n');
            }
        } else if tag.starts_with('/') || tag.ends_with('/') {
            out.push('\n');
        }
    }
    out.push_str(&decode_entities(rest));
    out
}

/// Decodes `&amp;`, `&#233;`, `&#xE9;` and the named entities of French and
/// English text.
pub fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| c == ';' || c == '&' || c.is_whitespace())
            .map(|i| i + 1);
        let decoded = match end {
            Some(end) if rest.as_bytes()[end] == b';' && end <= 12 => {
                entity(&rest[1..end]).map(|c| (c, end + 1))
            }
            _ => None,
        };
        match decoded {
            Some((c, length)) => {
                out.push(c);
                rest = &rest[length..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The character of an entity name (`amp`, `eacute`, `#233`, `#xE9`).
pub(crate) fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "shy" => '\u{AD}',
        "eacute" => 'é',
        "Eacute" => 'É',
        "egrave" => 'è',
        "Egrave" => 'È',
        "ecirc" => 'ê',
        "Ecirc" => 'Ê',
        "euml" => 'ë',
        "agrave" => 'à',
        "Agrave" => 'À',
        "acirc" => 'â',
        "ccedil" => 'ç',
        "Ccedil" => 'Ç',
        "icirc" => 'î',
        "iuml" => 'ï',
        "ocirc" => 'ô',
        "ugrave" => 'ù',
        "ucirc" => 'û',
        "uuml" => 'ü',
        "oelig" => 'œ',
        "OElig" => 'Œ',
        "laquo" => '«',
        "raquo" => '»',
        "rsquo" => '’',
        "lsquo" => '‘',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "euro" => '€',
        "copy" => '©',
        "reg" => '®',
        "deg" => '°',
        "zwnj" => '\u{200C}',
        "zwj" => '\u{200D}',
        _ => return None,
    })
}

/// The text of an RTF document: control words dropped (`\par` and `\line`
/// become line breaks), `\'hh` read as Windows-1252, `\uN` as Unicode,
/// destinations such as fonts, colours, pictures and metadata skipped.
pub fn rtf_to_text(rtf: &[u8]) -> String {
    let mut out = String::new();
    // For each open group, whether its text is skipped.
    let mut skipping: Vec<bool> = vec![false];
    // Characters to skip after a \uN (its fallback).
    let mut unicode_skip = 0usize;
    let mut i = 0;
    let skip = |stack: &Vec<bool>| *stack.last().unwrap_or(&false);
    while i < rtf.len() {
        let b = rtf[i];
        match b {
            b'{' => {
                let inherited = skip(&skipping);
                skipping.push(inherited);
                i += 1;
            }
            b'}' => {
                if skipping.len() > 1 {
                    skipping.pop();
                }
                i += 1;
            }
            b'\\' => {
                i += 1;
                let Some(&next) = rtf.get(i) else { break };
                if next == b'\'' {
                    let byte = rtf
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                    if let Some(byte) = byte {
                        if unicode_skip > 0 {
                            unicode_skip -= 1;
                        } else if !skip(&skipping) {
                            out.push_str(&windows_1252(&[byte]));
                        }
                    }
                    i += 3;
                    continue;
                }
                if !next.is_ascii_alphabetic() {
                    // Control symbols: \\ \{ \} and \* (an ignorable
                    // destination).
                    match next {
                        b'*' => {
                            if let Some(top) = skipping.last_mut() {
                                *top = true;
                            }
                        }
                        b'\\' | b'{' | b'}' if !skip(&skipping) => out.push(char::from(next)),
                        b'~' if !skip(&skipping) => out.push('\u{A0}'),
                        b'\n' | b'\r' if !skip(&skipping) => out.push('\n'),
                        _ => {}
                    }
                    i += 1;
                    continue;
                }
                let start = i;
                while i < rtf.len() && rtf[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let word = &rtf[start..i];
                let number_start = i;
                if i < rtf.len() && (rtf[i] == b'-' || rtf[i].is_ascii_digit()) {
                    i += 1;
                    while i < rtf.len() && rtf[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                let number: Option<i32> = std::str::from_utf8(&rtf[number_start..i])
                    .ok()
                    .and_then(|n| n.parse().ok());
                if rtf.get(i) == Some(&b' ') {
                    i += 1;
                }
                match word {
                    b"par" | b"line" | b"row" | b"sect" | b"page" if !skip(&skipping) => {
                        out.push('\n')
                    }
                    b"tab" | b"cell" if !skip(&skipping) => out.push('\t'),
                    b"u" => {
                        if let Some(code) = number {
                            let code = if code < 0 { code + 65536 } else { code };
                            if !skip(&skipping) {
                                out.push(
                                    char::from_u32(code as u32)
                                        .unwrap_or(char::REPLACEMENT_CHARACTER),
                                );
                            }
                            unicode_skip = 1;
                        }
                    }
                    b"fonttbl" | b"colortbl" | b"stylesheet" | b"info" | b"pict" | b"object"
                    | b"listtable" | b"listoverridetable" | b"rsidtbl" | b"generator" => {
                        if let Some(top) = skipping.last_mut() {
                            *top = true;
                        }
                    }
                    _ => {}
                }
            }
            b'\r' | b'\n' => i += 1,
            _ => {
                if unicode_skip > 0 {
                    unicode_skip -= 1;
                } else if !skip(&skipping) {
                    out.push(char::from(b));
                }
                i += 1;
            }
        }
    }
    out
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
    fn html_loses_its_markup_and_keeps_its_text() {
        let html = "<html><head><style>p{color:red}</style><script>var secret = 1;</script></head>\
                    <body><p>DIFFUSION&nbsp;<b>RESTREINTE</b></p><!-- SECRET --><p>Note&#160;&eacute;t&#xE9;</p></body></html>";
        let text = html_to_text(html);
        assert!(text.contains("DIFFUSION\u{A0}RESTREINTE"), "{text:?}");
        assert!(text.contains("Note\u{A0}été"), "{text:?}");
        assert!(
            !text.contains("secret") && !text.contains("SECRET") && !text.contains("color"),
            "{text:?}"
        );
    }

    #[test]
    fn entities_that_are_not_entities_stay() {
        assert_eq!(
            decode_entities("R&D &amp; fish & chips &bogus; &#xZZ;"),
            "R&D & fish & chips &bogus; &#xZZ;"
        );
    }

    #[test]
    fn rtf_gives_its_text() {
        let rtf = br"{\rtf1\ansi{\fonttbl{\f0 Arial;}}{\*\generator Word;}\pard DIFFUSION RESTREINTE\par Conf\'e9rence \u233?t\'e9 {\b gras}}";
        let text = rtf_to_text(rtf);
        assert_eq!(text, "DIFFUSION RESTREINTE\nConférence été gras");
    }

    #[test]
    fn binary_is_not_text() {
        assert!(looks_like_text("Bonjour\nà tous".as_bytes()));
        assert!(!looks_like_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
    }
}
