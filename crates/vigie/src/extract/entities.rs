//! Character references of HTML and XML: numeric ones and the named ones
//! of Latin text, read as browsers read them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::encoding::windows_1252_char;

/// Decodes `&amp;`, `&#233;`, `&#xE9;` and the named entities of Latin
/// text, as a browser does (see `entity`).
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    decode_entities_into(text, &mut out, true);
    Cow::Owned(out)
}

/// Appends `text` to `out` with its entities decoded: numeric ones and the
/// names of [`entity`], with or without their final `;` where browsers
/// read them without it (`&#68IFFUSION`, `&eacute` before a space). Returns
/// whether a named reference other than XML's five predefined ones was
/// seen (in XML, only a document type could define it).
pub(super) fn decode_entities_into(text: &str, out: &mut String, html: bool) -> bool {
    let mut other_names = false;
    let mut rest = text;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(rest.get(..amp).unwrap_or(""));
        rest = rest.get(amp + 1..).unwrap_or("");
        match reference(rest, html) {
            Some((c, length, named)) => {
                if let Some(name) = named {
                    other_names |= !matches!(name, "amp" | "lt" | "gt" | "quot" | "apos");
                }
                out.push(c);
                rest = rest.get(length..).unwrap_or("");
            }
            None => {
                // An unknown `&name;` (looked at over a bounded length, so
                // that a text of lone `&` stays linear).
                let run = rest
                    .bytes()
                    .take(33)
                    .take_while(u8::is_ascii_alphanumeric)
                    .count();
                other_names |= run > 0
                    && rest.as_bytes().get(run) == Some(&b';')
                    && rest.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
                out.push('&');
            }
        }
    }
    out.push_str(rest);
    other_names
}

/// The reference at the start of `rest` (just after its `&`): the
/// character, the bytes it took, and its name if it is a named one.
fn reference(rest: &str, html: bool) -> Option<(char, usize, Option<&str>)> {
    let bytes = rest.as_bytes();
    if let Some(number) = rest.strip_prefix('#') {
        let (hex, digits) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (true, hex),
            None => (false, number),
        };
        let length = digits
            .bytes()
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        if length == 0 {
            return None;
        }
        let code = digits
            .get(..length.min(8))
            .and_then(|d| u32::from_str_radix(d, if hex { 16 } else { 10 }).ok())
            .filter(|_| length <= 8)
            .unwrap_or(0x110000);
        let semicolon = usize::from(digits.as_bytes().get(length) == Some(&b';'));
        let taken = 1 + usize::from(hex) + length + semicolon;
        return Some((numeric_char(code), taken, None));
    }
    let run = bytes
        .iter()
        .take(33)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let name = rest.get(..run)?;
    if run > 0
        && bytes.get(run) == Some(&b';')
        && let Some(c) = entity(name)
    {
        return Some((c, run + 1, Some(name)));
    }
    if !html {
        return None;
    }
    // Without `;`, browsers read the longest legacy name that starts here.
    (2..=run.min(6)).rev().find_map(|length| {
        let prefix = rest.get(..length)?;
        legacy(prefix).map(|c| (c, length, Some(prefix)))
    })
}

/// The character of a numeric reference, as a browser reads it: the C1
/// range as Windows-1252, and U+FFFD for what is no character.
fn numeric_char(code: u32) -> char {
    match code {
        0x80..=0x9F => windows_1252_char(code as u8),
        0 => '\u{FFFD}',
        _ => char::from_u32(code).unwrap_or('\u{FFFD}'),
    }
}

/// The names of U+00A0 to U+00FF, in order.
const LATIN_1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// The names of U+0100 to U+017F, in order ("" where HTML has none).
const LATIN_EXTENDED_A: [&str; 128] = [
    "Amacr", "amacr", "Abreve", "abreve", "Aogon", "aogon", "Cacute", "cacute", "Ccirc", "ccirc",
    "Cdot", "cdot", "Ccaron", "ccaron", "Dcaron", "dcaron", "Dstrok", "dstrok", "Emacr", "emacr",
    "", "", "Edot", "edot", "Eogon", "eogon", "Ecaron", "ecaron", "Gcirc", "gcirc", "Gbreve",
    "gbreve", "Gdot", "gdot", "Gcedil", "", "Hcirc", "hcirc", "Hstrok", "hstrok", "Itilde",
    "itilde", "Imacr", "imacr", "", "", "Iogon", "iogon", "Idot", "imath", "IJlig", "ijlig",
    "Jcirc", "jcirc", "Kcedil", "kcedil", "kgreen", "Lacute", "lacute", "Lcedil", "lcedil",
    "Lcaron", "lcaron", "Lmidot", "lmidot", "Lstrok", "lstrok", "Nacute", "nacute", "Ncedil",
    "ncedil", "Ncaron", "ncaron", "napos", "ENG", "eng", "Omacr", "omacr", "", "", "Odblac",
    "odblac", "OElig", "oelig", "Racute", "racute", "Rcedil", "rcedil", "Rcaron", "rcaron",
    "Sacute", "sacute", "Scirc", "scirc", "Scedil", "scedil", "Scaron", "scaron", "Tcedil",
    "tcedil", "Tcaron", "tcaron", "Tstrok", "tstrok", "Utilde", "utilde", "Umacr", "umacr",
    "Ubreve", "ubreve", "Uring", "uring", "Udblac", "udblac", "Uogon", "uogon", "Wcirc", "wcirc",
    "Ycirc", "ycirc", "Yuml", "Zacute", "zacute", "Zdot", "zdot", "Zcaron", "zcaron", "",
];

/// Other names that matter in Latin text: markup, punctuation, spaces and
/// the invisible characters a marking can be split with.
const OTHER_NAMES: &[(&str, char)] = &[
    ("amp", '&'),
    ("AMP", '&'),
    ("lt", '<'),
    ("LT", '<'),
    ("gt", '>'),
    ("GT", '>'),
    ("quot", '"'),
    ("QUOT", '"'),
    ("apos", '\''),
    ("COPY", '©'),
    ("REG", '®'),
    ("inodot", 'ı'),
    ("fnof", 'ƒ'),
    ("circ", 'ˆ'),
    ("tilde", '˜'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("emsp13", '\u{2004}'),
    ("emsp14", '\u{2005}'),
    ("numsp", '\u{2007}'),
    ("puncsp", '\u{2008}'),
    ("thinsp", '\u{2009}'),
    ("ThinSpace", '\u{2009}'),
    ("hairsp", '\u{200A}'),
    ("VeryThinSpace", '\u{200A}'),
    ("ZeroWidthSpace", '\u{200B}'),
    ("NegativeVeryThinSpace", '\u{200B}'),
    ("NegativeThinSpace", '\u{200B}'),
    ("NegativeMediumSpace", '\u{200B}'),
    ("NegativeThickSpace", '\u{200B}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("lrm", '\u{200E}'),
    ("rlm", '\u{200F}'),
    ("hyphen", '‐'),
    ("dash", '‐'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("horbar", '―'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("rsquor", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("dagger", '†'),
    ("Dagger", '‡'),
    ("bull", '•'),
    ("bullet", '•'),
    ("hellip", '…'),
    ("mldr", '…'),
    ("permil", '‰'),
    ("prime", '′'),
    ("Prime", '″'),
    ("lsaquo", '‹'),
    ("rsaquo", '›'),
    ("oline", '‾'),
    ("frasl", '⁄'),
    ("NoBreak", '\u{2060}'),
    ("af", '\u{2061}'),
    ("ApplyFunction", '\u{2061}'),
    ("it", '\u{2062}'),
    ("InvisibleTimes", '\u{2062}'),
    ("ic", '\u{2063}'),
    ("InvisibleComma", '\u{2063}'),
    ("euro", '€'),
    ("trade", '™'),
    ("TRADE", '™'),
    ("NonBreakingSpace", '\u{A0}'),
    ("Tab", '\t'),
    ("NewLine", '\n'),
    ("Scaron", 'Š'),
    ("scaron", 'š'),
    ("middot", '·'),
    ("centerdot", '·'),
    ("half", '½'),
    ("die", '¨'),
    ("Dot", '¨'),
    ("angst", 'Å'),
    ("ohm", 'Ω'),
];

/// Every known name and its character, built once.
fn names() -> &'static HashMap<&'static str, char> {
    static NAMES: OnceLock<HashMap<&'static str, char>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let latin = LATIN_1
            .iter()
            .zip(0xA0u32..)
            .chain(LATIN_EXTENDED_A.iter().zip(0x100u32..))
            .filter(|(name, _)| !name.is_empty())
            .filter_map(|(name, code)| Some((*name, char::from_u32(code)?)));
        latin.chain(OTHER_NAMES.iter().copied()).collect()
    })
}

/// The character of an entity name (`amp`, `eacute`, `Eacute`, `scaron`,
/// `#233`, `#xE9`): XML's five, all Latin-1 and Latin Extended-A names of
/// HTML, and the punctuation, space and invisible characters of HTML's
/// list that matter in Latin text.
pub(crate) fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return Some(numeric_char(code));
    }
    names().get(name).copied()
}

/// A name browsers read without its `;`: HTML's legacy Latin-1 names and
/// the markup ones.
fn legacy(name: &str) -> Option<char> {
    names()
        .get(name)
        .copied()
        .filter(|c| ('\u{A0}'..='\u{FF}').contains(c) || matches!(c, '&' | '<' | '>' | '"'))
        .filter(|_| name != "apos")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_decoded_everywhere() {
        assert_eq!(
            decode_entities("&#x44;IFFUSION &#82ESTREINTE TR&Egrave;S D&Eacute;FENSE"),
            "DIFFUSION RESTREINTE TRÈS DÉFENSE"
        );
        assert_eq!(
            decode_entities(
                "d&eacutel&eacute;gu&eacute &Scaron;&scaron; &OElig;&oelig; &lstrok;&Lstrok; &ccedil&Ccedil;"
            ),
            "délégué Šš Œœ łŁ çÇ"
        );
        assert_eq!(
            decode_entities("&#150;&#x80;&#0;&#99999999999;"),
            "–€\u{FFFD}\u{FFFD}"
        );
        assert_eq!(
            decode_entities("DIFF&ZeroWidthSpace;USION&NoBreak;"),
            "DIFF\u{200B}USION\u{2060}"
        );
    }

    #[test]
    fn entities_that_are_not_entities_stay() {
        assert_eq!(
            decode_entities("R&D &amp; fish & chips &bogus; &#xZZ; &"),
            "R&D & fish & chips &bogus; &#xZZ; &"
        );
    }
}
